//! The index pipeline, in plain steps: plan → apply → commit → tally.
//!
//! - [`plan`]: the walked corpus against the last commit's manifest: which
//!   files to read (added or changed), which are unchanged, which removed.
//! - [`apply`]: each file to read goes read → extract → split → documents,
//!   in parallel, straight into tantivy's one `IndexWriter`.
//! - commit: one commit per run, or the last committed index is left as it
//!   was ([`crate::index::commit`]).
//! - [`tally`]: the outcomes → the run's [`IndexSummary`], renames found.
//!
//! [`record`] turns one file into its record the same way for index,
//! `extract` ([`inspect`]) and `bench`; [`fresh`] keeps the index in step
//! with its corpus before a search.

pub mod apply;
pub mod fresh;
pub mod inspect;
pub mod plan;
pub mod record;
pub mod tally;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::index::{self, CommitInfo, ScrutinyIndex, EXTRACTOR_VERSION};
use crate::process;
use crate::walk::{self, Walked};

pub use fresh::{ensure_fresh, Freshness};
pub use inspect::{inspect, ItemReport, PassageReport, RecordReport};

/// What to index and how.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// Worker threads for reading and for tantivy's indexing; 0 = all cores.
    pub threads: usize,
    /// Start afresh instead of updating incrementally.
    pub rebuild: bool,
    /// Draw a progress bar on stderr (only shown on a terminal).
    pub progress: bool,
}

/// A file that could not be indexed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFailure {
    pub path: String,
    pub reason: String,
}

/// What an index run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexSummary {
    pub n_files: usize,
    pub n_added: usize,
    pub n_changed: usize,
    pub n_removed: usize,
    /// Files found under a new name with the content of a removed file
    /// (counted here, not as added and removed).
    pub n_renamed: usize,
    pub n_unchanged: usize,
    pub n_passages: usize,
    pub bytes_read: u64,
    pub seconds: f64,
    /// Files that failed in this run.
    pub failures: Vec<FileFailure>,
    /// Files that failed before and have not changed since.
    pub earlier_failures: Vec<FileFailure>,
    /// Folders or files the walk could not list.
    pub walk_errors: Vec<FileFailure>,
    pub n_other_files: usize,
    /// True when the run committed a new state of the index.
    pub committed: bool,
    /// The most memory the process held at once, in MB (Linux; 0 elsewhere).
    pub peak_memory_mb: f64,
    pub rebuilt: bool,
}

impl IndexSummary {
    /// Megabytes read per second of wall time.
    pub fn mb_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes_read as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }

    /// True when a file could not be indexed, in this run or an earlier
    /// one, or a path in the corpus was passed over.
    pub fn any_failed(&self) -> bool {
        !self.failures.is_empty()
            || !self.earlier_failures.is_empty()
            || !self.walk_errors.is_empty()
    }

    /// True when the run added, changed, removed or renamed a record.
    pub fn changed_anything(&self) -> bool {
        self.n_added + self.n_changed + self.n_removed + self.n_renamed > 0 || self.rebuilt
    }
}

/// Indexes (or updates the index of) a corpus folder.
pub fn run(options: &IndexOptions) -> Result<IndexSummary> {
    let started = Instant::now();
    let corpus = &options.corpus;
    let walked = walk_corpus(corpus)?;
    refuse_index_in_corpus(&options.index, corpus)?;
    let (scrutiny_index, rebuild) = open_or_create(&options.index, options.rebuild)?;
    let manifest = if rebuild {
        BTreeMap::new()
    } else {
        scrutiny_index.manifest()?
    };
    let plan = plan::plan(&walked.files, &manifest);
    let corpus_absolute = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.clone());
    let new_info = CommitInfo {
        extractor_version: EXTRACTOR_VERSION,
        corpus: Some(corpus_absolute),
    };
    let up_to_date = plan.is_empty() && scrutiny_index.commit_info().as_ref() == Some(&new_info);

    let outcomes = if up_to_date {
        Vec::new()
    } else {
        let threads = process::effective_threads(options.threads);
        let mut writer = scrutiny_index.writer(threads)?;
        if rebuild {
            writer
                .delete_all_documents()
                .map_err(|error| write_error(&options.index, error.to_string()))?;
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|error| Error::Threads {
                threads,
                reason: error.to_string(),
            })?;
        let progress = progress_bar(options.progress, plan.to_read.len());
        let target = apply::Target {
            writer: &writer,
            fields: scrutiny_index.fields,
            manifest: &manifest,
            fresh: rebuild,
        };
        let outcomes = apply::apply(&plan, &target, &pool, &progress);
        // tantivy's commit and the merges after it can take as long as the
        // files did on a large corpus: the bar says so rather than freezing.
        progress.set_style(spinner_style());
        progress.set_message("committing the index");
        progress.enable_steady_tick(Duration::from_millis(120));
        index::commit(&mut writer, &new_info, &options.index)?;
        progress.set_message("merging segments");
        writer
            .wait_merging_threads()
            .map_err(|error| write_error(&options.index, error.to_string()))?;
        progress.finish_and_clear();
        outcomes
    };

    let mut summary = tally::tally(corpus, &plan, outcomes, &manifest);
    summary.n_files = walked.files.len();
    summary.n_other_files = walked.n_other_files;
    summary.walk_errors = walked
        .errors
        .iter()
        .map(|skipped| FileFailure {
            path: skipped.path.display().to_string(),
            reason: skipped.reason.clone(),
        })
        .collect();
    summary.rebuilt = rebuild;
    summary.committed = !up_to_date;
    summary.seconds = started.elapsed().as_secs_f64();
    if !up_to_date {
        summary.peak_memory_mb = process::peak_memory_mb();
    }
    Ok(summary)
}

/// The corpus's record files, or why there are none to index.
fn walk_corpus(corpus: &Path) -> Result<Walked> {
    if !corpus.exists() {
        return Err(Error::CorpusMissing(corpus.to_path_buf()));
    }
    if !corpus.is_dir() {
        return Err(Error::CorpusNotFolder(corpus.to_path_buf()));
    }
    let walked = walk::walk(corpus);
    if walked.files.is_empty() {
        return Err(Error::CorpusEmpty(corpus.to_path_buf()));
    }
    Ok(walked)
}

/// Refuses an index folder that is the corpus folder or inside it: its
/// files would lie among the records and be walked as records' neighbours.
fn refuse_index_in_corpus(index: &Path, corpus: &Path) -> Result<()> {
    // The nearest folder that exists, made absolute, with the rest of the
    // path (not created yet) after it.
    let absolute = |path: &Path| -> Option<PathBuf> {
        let path = std::path::absolute(path).ok()?;
        let existing = path.ancestors().find(|ancestor| ancestor.exists())?;
        let rest = path.strip_prefix(existing).ok()?;
        Some(std::fs::canonicalize(existing).ok()?.join(rest))
    };
    match (absolute(index), absolute(corpus)) {
        (Some(index_path), Some(corpus_path)) if index_path.starts_with(&corpus_path) => {
            Err(Error::IndexInCorpus {
                index: index.to_path_buf(),
                corpus: corpus.to_path_buf(),
            })
        }
        _ => Ok(()),
    }
}

/// The index to write, and whether this run builds it afresh: when asked,
/// when there is none, or when it is in an older layout or was filled by an
/// older extractor (the index is derived from the corpus, which is here).
fn open_or_create(path: &Path, rebuild: bool) -> Result<(ScrutinyIndex, bool)> {
    if !index::exists(path) {
        return Ok((ScrutinyIndex::create(path)?, true));
    }
    let opened = match ScrutinyIndex::open(path) {
        Ok(opened) => opened,
        Err(Error::IndexUnreadable { .. }) if rebuild => {
            return Ok((ScrutinyIndex::create(path)?, true))
        }
        Err(Error::IndexOutdated(_)) => return Ok((ScrutinyIndex::create(path)?, true)),
        Err(error) => return Err(error),
    };
    let outdated = opened
        .commit_info()
        .is_some_and(|info| info.extractor_version != EXTRACTOR_VERSION);
    Ok((opened, rebuild || outdated))
}

fn write_error(path: &Path, reason: String) -> Error {
    Error::IndexWrite {
        path: path.to_path_buf(),
        reason,
    }
}

/// How a corpus key is shown to the user: the corpus folder joined to it.
pub fn display_path(corpus: &Path, key: &str) -> String {
    corpus.join(key).display().to_string()
}

fn progress_bar(enabled: bool, length: usize) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(length as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} indexing [{bar:30}] {pos}/{len} files ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}
