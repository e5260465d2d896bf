//! Bytes on disk → plain text with a map back to source lines.
//!
//! Every reader returns a [`Text`]: a list of [`Line`]s, each remembering the
//! 1-based line of the source file it came from, with empty lines marking the
//! boundary between blocks (paragraphs, headings, lists). Later stages never
//! see markup or encodings, only clean lines and their line numbers, so a
//! search hit can always cite `path:line`.

pub mod docx;
pub mod html;
pub(crate) mod markdown;
pub mod pdf;
mod plain;

use std::path::Path;

use crate::format::Format;

/// Files larger than this are refused rather than read into memory whole:
/// no council record comes near it, and two workers each holding one stay
/// within a few hundred megabytes.
pub const MAX_FILE_BYTES: u64 = 128 * 1024 * 1024;

/// One line of clean text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The text, whitespace normalised; empty for a block boundary.
    pub text: String,
    /// The 1-based line number in the source file, or on its page for a
    /// paged format.
    pub number: u32,
    /// The source line this one ends on: the same as `number` unless a
    /// paragraph's soft-wrapped lines (in a PDF) were joined into it.
    pub last_number: u32,
    /// The 1-based page the line is on, or 0 for formats without pages.
    pub page: u32,
    /// The page the line ends on (a paragraph may run over a page break).
    pub last_page: u32,
    /// True when the source marked this line as a heading (a Markdown heading
    /// or a paragraph that is bold throughout).
    pub heading: bool,
}

/// A run of non-empty lines: one paragraph, heading or list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub lines: Vec<Line>,
}

impl Block {
    /// The block's lines joined by single spaces, for pattern matching.
    pub fn joined(&self) -> String {
        let parts: Vec<&str> = self.lines.iter().map(|line| line.text.as_str()).collect();
        parts.join(" ")
    }

    /// The first source line of the block.
    pub fn first_line(&self) -> u32 {
        self.lines.first().map_or(0, |line| line.number)
    }

    /// The page of the block's first line (0 when unpaged).
    pub fn first_page(&self) -> u32 {
        self.lines.first().map_or(0, |line| line.page)
    }

    /// The page of the block's last line (0 when unpaged).
    pub fn last_page(&self) -> u32 {
        self.lines.last().map_or(0, |line| line.last_page)
    }

    /// The last source line of the block.
    pub fn last_line(&self) -> u32 {
        self.lines.last().map_or(0, |line| line.last_number)
    }

    /// True when every line of the block was marked as a heading.
    pub fn is_heading(&self) -> bool {
        self.lines.iter().all(|line| line.heading)
    }

    /// The number of bytes of text in the block.
    pub fn len(&self) -> usize {
        self.lines.iter().map(|line| line.text.len() + 1).sum()
    }

    /// True when the block holds no text.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// The plain text of one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text {
    pub lines: Vec<Line>,
}

impl Text {
    /// Groups the lines into blocks separated by empty lines.
    pub fn blocks(&self) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut current: Vec<Line> = Vec::new();
        for line in &self.lines {
            if line.text.is_empty() {
                if !current.is_empty() {
                    blocks.push(Block {
                        lines: std::mem::take(&mut current),
                    });
                }
            } else {
                current.push(line.clone());
            }
        }
        if !current.is_empty() {
            blocks.push(Block { lines: current });
        }
        blocks
    }

    /// All the text, one line per line, for gazetteer and pattern scans.
    pub fn full_text(&self) -> String {
        let mut out =
            String::with_capacity(self.lines.iter().map(|line| line.text.len() + 1).sum());
        for line in &self.lines {
            out.push_str(&line.text);
            out.push('\n');
        }
        out
    }

    fn push(&mut self, text: &str, number: u32, heading: bool) {
        let text = normalise_whitespace(text);
        if text.is_empty() {
            self.push_break(number);
        } else {
            self.lines.push(Line {
                text,
                number,
                last_number: number,
                page: 0,
                last_page: 0,
                heading,
            });
        }
    }

    pub(crate) fn push_break(&mut self, number: u32) {
        if self.lines.last().is_some_and(|line| !line.text.is_empty()) {
            self.lines.push(Line {
                text: String::new(),
                number,
                last_number: number,
                page: 0,
                last_page: 0,
                heading: false,
            });
        }
    }
}

/// Why a file could not be turned into text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("binary data, not text (a NUL byte at offset {0})")]
    Binary(usize),
    #[error("the file is {size} bytes, over the limit of {limit} bytes ({} MB)", limit >> 20)]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    Invalid(String),
}

/// Reads and decodes one file in its format.
pub fn read(path: &Path, format: Format) -> Result<Text, ReadError> {
    let size = std::fs::metadata(path)?.len();
    read_bytes(&read_file(path, size)?, format)
}

/// A file's bytes, refused when over [`MAX_FILE_BYTES`]: at once when its
/// known `size` says so, and otherwise one byte past the limit, so a file
/// that grew since it was listed is never read whole.
pub fn read_file(path: &Path, size: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;

    let too_large = |size: u64| ReadError::TooLarge {
        size,
        limit: MAX_FILE_BYTES,
    };
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Decodes bytes already in memory; the entry point for tests and benches.
pub fn read_bytes(bytes: &[u8], format: Format) -> Result<Text, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Invalid("an empty file (0 bytes)".to_string()));
    }
    let text = read_format(bytes, format)?;
    if text.lines.iter().all(|line| line.text.is_empty()) {
        return Err(ReadError::Invalid("no text to index".to_string()));
    }
    Ok(text)
}

fn read_format(bytes: &[u8], format: Format) -> Result<Text, ReadError> {
    match format {
        Format::Docx => return docx::read(bytes),
        Format::Pdf => return pdf::read(bytes),
        Format::Html => return html::read(&plain::decode_html(bytes)?),
        Format::Text | Format::Markdown => {}
    }
    let source = plain::decode(bytes)?;
    let text = match format {
        Format::Markdown => markdown::read(&source),
        _ if markdown::looks_like_markdown(&source) => markdown::read(&source),
        _ => plain::read(&source),
    };
    Ok(text)
}

/// Collapses runs of spaces and no-break spaces to one space, keeps a tab
/// (attendance lists use tabs as columns) and trims the ends.
pub fn normalise_whitespace(text: &str) -> String {
    if is_normal(text) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<char> = None;
    for character in text.chars() {
        if character.is_whitespace() || character == '\u{200b}' || character.is_control() {
            pending = match (pending, character) {
                (_, '\t') | (Some('\t'), _) => Some('\t'),
                _ => Some(' '),
            };
        } else {
            if let Some(space) = pending.take() {
                if !out.is_empty() {
                    out.push(space);
                }
            }
            out.push(character);
        }
    }
    out
}

/// True for text that [`normalise_whitespace`] would leave as it is: single
/// spaces between words, no tabs, control characters or other spaces, no
/// space at either end. Most lines are like that, and are copied without a
/// second look.
fn is_normal(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    if memchr::memmem::find(bytes, b"  ").is_some() {
        return false;
    }
    // Printable ASCII and spaces: a loop without early exits, which the
    // compiler turns into vector instructions.
    let printable = bytes
        .iter()
        .fold(true, |all, &byte| all & (0x20..0x7f).contains(&byte));
    printable
        || text.chars().all(|character| {
            character == ' '
                || !(character.is_whitespace() || character == '\u{200b}' || character.is_control())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_runs_collapse_but_tabs_survive() {
        assert_eq!(normalise_whitespace("  a \u{a0} b\t c  "), "a b\tc");
        assert_eq!(normalise_whitespace("\u{a0}"), "");
    }

    #[test]
    fn lines_already_normal_are_copied_and_others_are_not() {
        for normal in [
            "",
            "a",
            "Present: Cllr A Smith (Chair), B Jones",
            "x y z",
            "£5 – caf\u{e9}",
        ] {
            assert!(is_normal(normal), "{normal:?}");
            assert_eq!(normalise_whitespace(normal), normal);
        }
        for (text, expected) in [
            (" a", "a"),
            ("a ", "a"),
            ("a  b", "a b"),
            ("a\tb", "a\tb"),
            ("a \t b", "a\tb"),
            ("a\rb", "a b"),
            ("a\u{7f}b", "a b"),
            ("caf\u{e9} \u{a0}bar", "caf\u{e9} bar"),
            ("a\u{a0}b", "a b"),
            ("a\u{200b}b", "a b"),
            ("a\u{2003}\u{2003}b", "a b"),
            ("a\u{85}b", "a b"),
            (" ", ""),
        ] {
            assert!(!is_normal(text), "{text:?}");
            assert_eq!(normalise_whitespace(text), expected, "{text:?}");
        }
    }

    #[test]
    fn blocks_split_on_blank_lines_and_keep_line_numbers() {
        let text = read_bytes(b"one\ntwo\n\n\nthree\n", Format::Text).unwrap();
        let blocks = text.blocks();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].joined(), "one two");
        assert_eq!((blocks[1].first_line(), blocks[1].last_line()), (5, 5));
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(matches!(
            read_bytes(b"abc\0def", Format::Text),
            Err(ReadError::Binary(3))
        ));
    }
}
