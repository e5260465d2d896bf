//! Step two of an index run: each planned file read → extracted → split →
//! documents, in parallel.
//!
//! rayon runs the files on a pool of the run's threads, and each worker
//! hands its documents straight to tantivy's one `IndexWriter` (which is
//! built for that), so extraction overlaps indexing. A file whose content
//! hash is unchanged is not extracted again. Nothing here fails the run:
//! every file ends in an [`Outcome`], a failure among them.

use indicatif::ProgressBar;
use rayon::prelude::*;
use tantivy::{IndexWriter, Term};

use super::plan::Plan;
use super::record;
use crate::index::{self, document, FileEntry};
use crate::read;
use crate::split;
use crate::walk::SourceFile;

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Indexed {
        n_passages: usize,
        bytes: u64,
        content_hash: u64,
    },
    /// Same content as before; only its size or time changed.
    Touched {
        bytes: u64,
    },
    Failed {
        reason: String,
        bytes: u64,
    },
}

/// The writer a run adds to, and what it knows of the index before.
pub struct Target<'a> {
    pub writer: &'a IndexWriter,
    pub fields: index::Fields,
    pub manifest: &'a std::collections::BTreeMap<String, FileEntry>,
    /// The index was emptied for this run: no file has anything to delete.
    pub fresh: bool,
}

/// Indexes every file the plan reads, on `pool`; the outcomes are in the
/// plan's order.
pub fn apply(
    plan: &Plan,
    target: &Target,
    pool: &rayon::ThreadPool,
    progress: &ProgressBar,
) -> Vec<Outcome> {
    if !target.fresh {
        for key in &plan.removed {
            target
                .writer
                .delete_term(Term::from_field_text(target.fields.path, key));
        }
    }
    pool.install(|| {
        plan.to_read
            .par_iter()
            .map(|(file, _)| {
                let outcome = index_file(target, file);
                progress.inc(1);
                outcome
            })
            .collect()
    })
}

/// Reads, extracts, splits and indexes one file, replacing what the index
/// held for it. Never fails: a file that cannot be read is recorded as such.
///
/// On a fresh index there is nothing of the file's to delete: a deletion
/// per file would be queued and checked against every new segment for
/// nothing (on a 1 GB corpus, 200,000 of them held hundreds of megabytes).
fn index_file(target: &Target, file: &SourceFile) -> Outcome {
    let fields = &target.fields;
    let replace = || {
        if !target.fresh {
            target
                .writer
                .delete_term(Term::from_field_text(fields.path, &file.key));
        }
    };
    let fail = |reason: String, content_hash: u64, bytes: u64| {
        replace();
        let entry = document::file_document(fields, file, content_hash, Some(&reason));
        let _ = target.writer.add_document(entry);
        Outcome::Failed { reason, bytes }
    };
    let bytes = match read::read_file(&file.path, file.size) {
        Ok(bytes) => bytes,
        Err(error) => return fail(error.to_string(), 0, 0),
    };
    let n_bytes = bytes.len() as u64;
    let content_hash = content_hash(&bytes, file);
    let previous = target.manifest.get(&file.key);
    if previous.is_some_and(|entry| entry.content_hash == content_hash && entry.status.is_indexed())
    {
        // Only the manifest entry changes: its size or time.
        target
            .writer
            .delete_term(Term::from_field_text(fields.file_key, &file.key));
        let entry = document::file_document(fields, file, content_hash, None);
        return match target.writer.add_document(entry) {
            Ok(_) => Outcome::Touched { bytes: n_bytes },
            Err(error) => Outcome::Failed {
                reason: error.to_string(),
                bytes: n_bytes,
            },
        };
    }
    let record = match record::record_of(&bytes, file) {
        Ok(record) => record,
        Err(reason) => return fail(reason, content_hash, n_bytes),
    };
    let passages = split::split(&record);
    replace();
    let mut documents = document::passage_documents(fields, &file.key, &record, &passages);
    documents.push(document::file_document(fields, file, content_hash, None));
    for document in documents {
        if let Err(error) = target.writer.add_document(document) {
            return Outcome::Failed {
                reason: format!("cannot add to the index: {error}"),
                bytes: n_bytes,
            };
        }
    }
    Outcome::Indexed {
        n_passages: passages.len(),
        bytes: n_bytes,
        content_hash,
    }
}

/// The hash of a record and its sidecars: the sidecars are part of what
/// the record says about itself.
fn content_hash(bytes: &[u8], file: &SourceFile) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(bytes);
    for path in &file.sidecars {
        hasher.update(&std::fs::read(path).unwrap_or_default());
    }
    hasher.digest()
}
