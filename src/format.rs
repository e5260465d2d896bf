//! The document formats scrutiny reads, known by file extension: shared by
//! the walk, which finds record files, and the readers, which decode them.

use std::path::Path;

/// The extensions [`Format::from_path`] knows, for messages.
pub const EXTENSIONS: &str = ".txt, .md, .pdf, .html and .docx";

/// The document formats scrutiny knows by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Text,
    Markdown,
    Pdf,
    Html,
    Docx,
}

impl Format {
    /// The format a file's extension announces, if scrutiny reads it at all.
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "pdf" => Some(Format::Pdf),
            "html" | "htm" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
}
