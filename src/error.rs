//! The library's errors: each names what failed and where, and, where there
//! is one, what to try.

use std::path::PathBuf;

/// Errors from the index and search pipelines.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("corpus folder {} does not exist", .0.display())]
    CorpusMissing(PathBuf),
    #[error("corpus {} is not a folder", .0.display())]
    CorpusNotFolder(PathBuf),
    #[error("no records in corpus {} (scrutiny reads {} files; one folder per council)", .0.display(), crate::format::EXTENSIONS)]
    CorpusEmpty(PathBuf),
    #[error("no index at {}; run `scrutiny index CORPUS --index {}` first", .0.display(), .0.display())]
    IndexMissing(PathBuf),
    #[error("cannot open the index at {}: {reason}; rebuild it with `scrutiny index --rebuild`", path.display())]
    IndexUnreadable { path: PathBuf, reason: String },
    #[error("the index at {} was built by an older version of scrutiny; rebuild it with `scrutiny index --rebuild`", .0.display())]
    IndexOutdated(PathBuf),
    #[error("the index at {} is locked by another scrutiny process; wait for it to finish", .0.display())]
    IndexLocked(PathBuf),
    #[error("cannot write the index at {}: {reason}", path.display())]
    IndexWrite { path: PathBuf, reason: String },
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("invalid {what} {value:?}: {reason}")]
    InvalidArgument {
        what: &'static str,
        value: String,
        reason: String,
    },
    #[error("the benchmark's index build into {} failed: {reason}", index.display())]
    IndexProcess { index: PathBuf, reason: String },
    #[error("the index {} would be written among the records of corpus {}; give an index folder outside it, e.g. --index {}.index", index.display(), corpus.display(), corpus.display())]
    IndexInCorpus { index: PathBuf, corpus: PathBuf },
    #[error("cannot start {threads} worker threads: {reason}")]
    Threads { threads: usize, reason: String },
    #[error("cannot write {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("search failed: {0}")]
    Search(tantivy::TantivyError),
}

/// A query that does not parse: what is wrong and at which column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("query {query:?}, column {column}: {message}{}", hint.as_ref().map(|hint| format!("; {hint}")).unwrap_or_default())]
pub struct QueryError {
    pub query: String,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl From<tantivy::TantivyError> for Error {
    fn from(error: tantivy::TantivyError) -> Error {
        Error::Search(error)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
