//! Keeping the index in step with its corpus before a search.

use std::path::Path;

use super::{run, IndexOptions, IndexSummary};
use crate::error::{Error, Result};
use crate::index::{self, ScrutinyIndex};

/// What [`ensure_fresh`] did before a search.
#[derive(Debug)]
pub enum Freshness {
    /// There was no index; it was built from the corpus.
    Built(IndexSummary),
    /// The corpus had changed; the index was brought up to date.
    Refreshed(IndexSummary),
    /// The index already matched the corpus.
    UpToDate,
    /// The corpus could not be checked; the index is searched as it is.
    NotChecked(String),
}

/// Makes sure an index exists and matches its corpus before a search: builds
/// it when missing (from `corpus`, else `corpus/`), refreshes it when files
/// changed. A corpus that has gone, or an index another process is writing,
/// only earns a note: the last committed index can still be searched.
pub fn ensure_fresh(
    index_dir: &Path,
    corpus: Option<&Path>,
    threads: usize,
    progress: bool,
) -> Result<Freshness> {
    if !index::exists(index_dir) {
        let corpus = corpus.unwrap_or(Path::new("corpus"));
        if !corpus.is_dir() {
            return Err(Error::IndexMissing(index_dir.to_path_buf()));
        }
        let summary = run(&IndexOptions {
            corpus: corpus.to_path_buf(),
            index: index_dir.to_path_buf(),
            threads,
            rebuild: true,
            progress,
        })?;
        return Ok(Freshness::Built(summary));
    }
    let recorded = match ScrutinyIndex::open(index_dir) {
        Ok(opened) => opened.commit_info().and_then(|info| info.corpus),
        // An outdated index is rebuilt from its corpus below, if it is here.
        Err(Error::IndexOutdated(_)) => {
            index::recorded_commit_info(index_dir).and_then(|info| info.corpus)
        }
        Err(error) => return Err(error),
    };
    let Some(corpus) = corpus.map(Path::to_path_buf).or(recorded) else {
        return Ok(Freshness::NotChecked(
            "the index does not record its corpus folder".into(),
        ));
    };
    if !corpus.is_dir() {
        return Ok(Freshness::NotChecked(format!(
            "corpus folder {} is not there",
            corpus.display()
        )));
    }
    let options = IndexOptions {
        corpus,
        index: index_dir.to_path_buf(),
        threads,
        rebuild: false,
        progress,
    };
    match run(&options) {
        Ok(summary) if summary.committed => Ok(Freshness::Refreshed(summary)),
        Ok(_) => Ok(Freshness::UpToDate),
        Err(Error::IndexLocked(_)) => Ok(Freshness::NotChecked(
            "another scrutiny process is writing the index".into(),
        )),
        Err(Error::CorpusEmpty(path)) => Ok(Freshness::NotChecked(format!(
            "corpus folder {} holds no records",
            path.display()
        ))),
        Err(error) => Err(error),
    }
}
