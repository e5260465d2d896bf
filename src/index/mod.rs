//! Passages → tantivy, and back: opening, creating and writing the on-disk
//! index. Only this module writes into the index folder (the ingest
//! pipeline through the `IndexWriter` it hands out); saved searches,
//! exports and generated corpora are written by their own modules, beside
//! or outside it.
//!
//! Alongside passage documents the index keeps one document per source file
//! (path, size, modification time, content hash, and whether it could be
//! read). That manifest lives in the same commits as the passages, so it can
//! never disagree with them: after a crash both are at the last commit.

pub mod columns;
pub mod document;
pub mod memo;
pub mod schema;
pub mod spelling;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::directory::error::LockError;
use tantivy::query::TermQuery;
use tantivy::schema::document::Document;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError, Term};

pub use schema::Fields;

use crate::error::{Error, Result};

/// Bumped whenever reading, extraction or splitting changes what a file
/// yields, so that an index built by an older scrutiny is rebuilt.
pub const EXTRACTOR_VERSION: u32 = 9;

/// Memory each of tantivy's indexing threads fills before it writes a
/// segment: 48 MB keeps a 1 GB build with two threads under 300 MB at its
/// peak, where 64 MB took it to about 320 MB (BENCHMARKS.md).
const WRITER_MB_PER_THREAD: usize = 48;

/// Segments holding more live passages than this are not merged again: a
/// full indexing buffer writes about 127,000, and merging such segments
/// only costs time and memory (each merge maps its inputs) for a search
/// that is hardly faster. Small segments from updates still merge, and a
/// large one whose deletions bring it under the limit is merged again.
const MERGE_MAX_PASSAGES: usize = 100_000;

/// An opened index with its field handles and analysers registered.
#[derive(Clone)]
pub struct ScrutinyIndex {
    pub index: Index,
    pub fields: Fields,
    pub path: PathBuf,
    /// One reader for the life of the handle: opening one costs more than
    /// a search, and it follows new commits by itself.
    reader: Option<tantivy::IndexReader>,
    /// The last commit's record with the searcher generation it was read
    /// for: a search needs the corpus folder, and reading the index's
    /// meta file for it was a twentieth of a short search.
    commit_seen: std::sync::Arc<std::sync::Mutex<Option<SeenCommit>>>,
}

/// A commit's record and the searcher generation it was read for.
type SeenCommit = (u64, Option<CommitInfo>);

/// What the last commit recorded about the run that made it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CommitInfo {
    pub extractor_version: u32,
    /// The corpus folder the index was built from.
    pub corpus: Option<PathBuf>,
}

/// What the manifest knows about one source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub size: u64,
    pub modified: u64,
    pub content_hash: u64,
    pub status: FileStatus,
}

/// Whether a file's last reading went into the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStatus {
    /// Its passages are in the index.
    Indexed,
    /// It could not be read or extracted, for this reason.
    Failed(String),
}

impl FileStatus {
    /// How the status column stores an indexed file.
    pub const INDEXED: &'static str = "ok";
    /// How the status column stores a failed file; the reason is stored
    /// beside it.
    pub const FAILED: &'static str = "failed";

    pub fn is_indexed(&self) -> bool {
        *self == FileStatus::Indexed
    }

    /// The reason a failed file failed.
    pub fn failure(&self) -> Option<&str> {
        match self {
            FileStatus::Indexed => None,
            FileStatus::Failed(reason) => Some(reason),
        }
    }
}

/// What the last commit of the index at `dir` recorded, whatever its schema.
pub fn recorded_commit_info(dir: &Path) -> Option<CommitInfo> {
    let metas = Index::open_in_dir(dir).ok()?.load_metas().ok()?;
    serde_json::from_str(metas.payload.as_deref()?).ok()
}

/// True when `dir` holds a tantivy index.
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

impl ScrutinyIndex {
    /// Opens the index at `dir`.
    pub fn open(dir: &Path) -> Result<ScrutinyIndex> {
        if !exists(dir) {
            return Err(Error::IndexMissing(dir.to_path_buf()));
        }
        let unreadable = |error: TantivyError| Error::IndexUnreadable {
            path: dir.to_path_buf(),
            reason: error.to_string(),
        };
        let index = Index::open_in_dir(dir).map_err(unreadable)?;
        // An index whose schema is not exactly today's (an older scrutiny
        // made it) is outdated, even when its field names match.
        if index.schema() != schema::build().0 {
            return Err(Error::IndexOutdated(dir.to_path_buf()));
        }
        let fields = schema::fields_of(&index.schema())
            .map_err(|_| Error::IndexOutdated(dir.to_path_buf()))?;
        schema::register_tokenizers(&index);
        let reader = index.reader().map_err(unreadable)?;
        Ok(ScrutinyIndex {
            index,
            fields,
            path: dir.to_path_buf(),
            reader: Some(reader),
            commit_seen: Default::default(),
        })
    }

    /// Creates a new, empty index at `dir`, replacing whatever index was there.
    pub fn create(dir: &Path) -> Result<ScrutinyIndex> {
        let write_error = |reason: String| Error::IndexWrite {
            path: dir.to_path_buf(),
            reason,
        };
        if exists(dir) {
            remove_index_files(dir).map_err(|error| write_error(error.to_string()))?;
        }
        std::fs::create_dir_all(dir).map_err(|error| write_error(error.to_string()))?;
        let (schema, fields) = schema::build();
        let index =
            Index::create_in_dir(dir, schema).map_err(|error| write_error(error.to_string()))?;
        schema::register_tokenizers(&index);
        Ok(ScrutinyIndex {
            index,
            fields,
            path: dir.to_path_buf(),
            reader: None,
            commit_seen: Default::default(),
        })
    }

    /// A searcher over the last commit.
    pub fn searcher(&self) -> Result<tantivy::Searcher> {
        match &self.reader {
            Some(reader) => Ok(reader.searcher()),
            None => Ok(self.index.reader()?.searcher()),
        }
    }

    /// Takes the index's single writer: `threads` indexing threads with
    /// [`WRITER_MB_PER_THREAD`] each, and a merge policy that leaves full
    /// segments alone ([`MERGE_MAX_PASSAGES`]).
    ///
    /// Files a killed run wrote but never committed are removed first: a new
    /// run replays the same operation stamps, and would otherwise fail on
    /// finding, say, the killed run's deletion file for a segment.
    pub fn writer(&self, threads: usize) -> Result<IndexWriter> {
        let threads = threads.max(1);
        let write_error = |error: TantivyError| Error::IndexWrite {
            path: self.path.clone(),
            reason: error.to_string(),
        };
        let writer = self
            .index
            .writer_with_num_threads(threads, threads * WRITER_MB_PER_THREAD * 1024 * 1024)
            .map_err(|error| match error {
                TantivyError::LockFailure(LockError::LockBusy, _) => {
                    Error::IndexLocked(self.path.clone())
                }
                other => write_error(other),
            })?;
        writer.garbage_collect_files().wait().map_err(write_error)?;
        let mut merges = tantivy::indexer::LogMergePolicy::default();
        merges.set_max_docs_before_merge(MERGE_MAX_PASSAGES);
        writer.set_merge_policy(Box::new(merges));
        Ok(writer)
    }

    /// What the last commit recorded, if it was made by scrutiny.
    pub fn commit_info(&self) -> Option<CommitInfo> {
        let metas = self.index.load_metas().ok()?;
        serde_json::from_str(metas.payload.as_deref()?).ok()
    }

    /// [`Self::commit_info`], read once for each searcher generation.
    pub fn commit_info_for(&self, searcher: &tantivy::Searcher) -> Option<CommitInfo> {
        let generation = searcher.generation().generation_id();
        let mut seen = self
            .commit_seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*seen {
            Some((at, info)) if *at == generation => info.clone(),
            _ => {
                let info = self.commit_info();
                *seen = Some((generation, info.clone()));
                info
            }
        }
    }

    /// The manifest: every source file the index knows, by corpus key.
    /// Read from fast-field columns, so that checking a large corpus for
    /// changes before a search stays quick; only failed files' messages
    /// come from the document store.
    pub fn manifest(&self) -> Result<BTreeMap<String, FileEntry>> {
        let searcher = self.searcher()?;
        let query = TermQuery::new(
            Term::from_field_text(self.fields.doc_type, schema::FILE),
            IndexRecordOption::Basic,
        );
        let addresses = searcher.search(&query, &DocSetCollector)?;
        let mut manifest = BTreeMap::new();
        for (segment_ord, doc_ids) in columns::by_segment(addresses) {
            let segment = searcher.segment_reader(segment_ord);
            let fast = segment.fast_fields();
            let paths = fast.str("path")?;
            let statuses = fast.str("status")?;
            let size: Option<Column<u64>> = fast.column_opt("size")?;
            let modified: Option<Column<u64>> = fast.column_opt("modified")?;
            let content_hash: Option<Column<u64>> = fast.column_opt("content_hash")?;
            let number = |column: &Option<Column<u64>>, doc_id: u32| {
                column
                    .as_ref()
                    .and_then(|column| column.first(doc_id))
                    .unwrap_or_default()
            };
            let mut buffer = String::new();
            for doc_id in doc_ids {
                let status =
                    columns::first_str(statuses.as_ref(), doc_id, &mut buffer).unwrap_or_default();
                let status = if status == FileStatus::INDEXED {
                    FileStatus::Indexed
                } else {
                    let document: TantivyDocument =
                        searcher.doc(tantivy::DocAddress::new(segment_ord, doc_id))?;
                    let reason = document
                        .get_first(self.fields.message)
                        .and_then(|value| value.as_str())
                        .unwrap_or_default();
                    FileStatus::Failed(reason.to_string())
                };
                manifest.insert(
                    columns::first_str(paths.as_ref(), doc_id, &mut buffer).unwrap_or_default(),
                    FileEntry {
                        size: number(&size, doc_id),
                        modified: number(&modified, doc_id),
                        content_hash: number(&content_hash, doc_id),
                        status,
                    },
                );
            }
        }
        Ok(manifest)
    }
}

impl ScrutinyIndex {
    /// Every stored document as JSON, sorted: the index's whole content,
    /// whatever order the documents were added in or segments they sit in.
    pub fn stored_documents(&self) -> Result<Vec<String>> {
        let searcher = self.searcher()?;
        let schema = self.index.schema();
        let mut documents = Vec::new();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(1).map_err(TantivyError::from)?;
            for doc_id in segment.doc_ids_alive() {
                let document: TantivyDocument = store.get(doc_id)?;
                documents.push(document.to_json(&schema));
            }
        }
        documents.sort();
        Ok(documents)
    }
}

/// Commits the writer's work with `info` as the commit's payload.
pub fn commit(writer: &mut IndexWriter, info: &CommitInfo, path: &Path) -> Result<()> {
    let payload = serde_json::to_string(info).unwrap_or_default();
    let mut prepared = writer.prepare_commit().map_err(|error| Error::IndexWrite {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })?;
    prepared.set_payload(&payload);
    prepared.commit().map_err(|error| Error::IndexWrite {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })?;
    Ok(())
}

/// Removes the files of an old index, but nothing else a user may have put
/// in the folder.
fn remove_index_files(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_index_file = name == "meta.json"
            || name == ".managed.json"
            || name.starts_with(".tantivy")
            || [
                ".idx",
                ".pos",
                ".term",
                ".store",
                ".fast",
                ".fieldnorm",
                ".del",
            ]
            .iter()
            .any(|extension| name.ends_with(extension));
        if is_index_file && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}
