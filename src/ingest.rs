//! The index pipeline: walk → read → extract → split → index.
//!
//! rayon reads, extracts and splits files in parallel, and each worker hands
//! its documents straight to tantivy's one `IndexWriter` (which is built for
//! that), so extraction overlaps indexing. Files whose size and modification
//! time match the manifest are not read again; a file whose content hash is
//! unchanged is not re-extracted. A run ends in one commit, or leaves the
//! last committed index as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, Term};

use crate::error::{Error, Result};
use crate::extract::{self, sidecar, Hints};
use crate::index::{self, document, CommitInfo, FileEntry, ScrutinyIndex, EXTRACTOR_VERSION};
use crate::process;
use crate::read;
use crate::split;
use crate::walk::{self, SourceFile};

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

/// What happened to one file.
enum Outcome {
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

/// Indexes (or updates the index of) a corpus folder.
pub fn run(options: &IndexOptions) -> Result<IndexSummary> {
    let started = Instant::now();
    let corpus = &options.corpus;
    if !corpus.exists() {
        return Err(Error::CorpusMissing(corpus.clone()));
    }
    if !corpus.is_dir() {
        return Err(Error::CorpusNotFolder(corpus.clone()));
    }
    let walked = walk::walk(corpus);
    if walked.files.is_empty() {
        return Err(Error::CorpusEmpty(corpus.clone()));
    }

    let mut rebuild = options.rebuild;
    let scrutiny_index = if index::exists(&options.index) {
        match ScrutinyIndex::open(&options.index) {
            Ok(opened) => opened,
            Err(Error::IndexUnreadable { .. }) if rebuild => ScrutinyIndex::create(&options.index)?,
            // The index is derived from the corpus, which is here: an index
            // in an older layout is simply built again.
            Err(Error::IndexOutdated(_)) => {
                rebuild = true;
                ScrutinyIndex::create(&options.index)?
            }
            Err(error) => return Err(error),
        }
    } else {
        rebuild = true;
        ScrutinyIndex::create(&options.index)?
    };
    let info = scrutiny_index.commit_info();
    if info
        .as_ref()
        .is_some_and(|info| info.extractor_version != EXTRACTOR_VERSION)
    {
        rebuild = true;
    }
    let manifest = if rebuild {
        BTreeMap::new()
    } else {
        scrutiny_index.manifest()?
    };

    let mut summary = IndexSummary {
        n_files: walked.files.len(),
        n_other_files: walked.n_other_files,
        rebuilt: rebuild,
        walk_errors: walked
            .errors
            .iter()
            .map(|skipped| FileFailure {
                path: skipped.path.display().to_string(),
                reason: skipped.reason.clone(),
            })
            .collect(),
        ..IndexSummary::default()
    };

    let mut to_read: Vec<&SourceFile> = Vec::new();
    for file in &walked.files {
        match manifest.get(&file.key) {
            Some(entry) if entry.size == file.size && entry.modified == file.modified => {
                summary.n_unchanged += 1;
                if entry.status != "ok" {
                    summary.earlier_failures.push(FileFailure {
                        path: display_path(corpus, &file.key),
                        reason: entry.message.clone(),
                    });
                }
            }
            _ => to_read.push(file),
        }
    }
    let walked_keys: std::collections::HashSet<&str> =
        walked.files.iter().map(|file| file.key.as_str()).collect();
    let removed: Vec<&String> = manifest
        .keys()
        .filter(|key| !walked_keys.contains(key.as_str()))
        .collect();
    summary.n_removed = removed.len();

    let corpus_absolute = std::fs::canonicalize(corpus).unwrap_or_else(|_| corpus.clone());
    let new_info = CommitInfo {
        extractor_version: EXTRACTOR_VERSION,
        corpus: Some(corpus_absolute),
    };
    if to_read.is_empty() && removed.is_empty() && !rebuild && info.as_ref() == Some(&new_info) {
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    }

    let threads = process::effective_threads(options.threads);
    let mut writer = scrutiny_index.writer(threads)?;
    if rebuild {
        writer
            .delete_all_documents()
            .map_err(|error| Error::IndexWrite {
                path: options.index.clone(),
                reason: error.to_string(),
            })?;
    }
    let fields = scrutiny_index.fields;
    for key in &removed {
        writer.delete_term(Term::from_field_text(fields.path, key));
    }

    let progress = progress_bar(options.progress, to_read.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|error| Error::IndexWrite {
            path: options.index.clone(),
            reason: format!("cannot start {threads} worker threads: {error}"),
        })?;
    let outcomes: Vec<Outcome> = pool.install(|| {
        to_read
            .par_iter()
            .map(|file| {
                let outcome = index_file(&writer, &fields, file, manifest.get(&file.key), rebuild);
                progress.inc(1);
                outcome
            })
            .collect()
    });
    progress.finish_and_clear();

    // A new file holding exactly what a removed file held was renamed.
    let mut removed_contents: std::collections::HashMap<u64, usize> =
        std::collections::HashMap::new();
    for key in &removed {
        if let Some(entry) = manifest.get(*key).filter(|entry| entry.status == "ok") {
            *removed_contents.entry(entry.content_hash).or_default() += 1;
        }
    }
    for (file, outcome) in to_read.iter().zip(outcomes) {
        let known = manifest.contains_key(&file.key);
        match outcome {
            Outcome::Indexed {
                n_passages,
                bytes,
                content_hash,
            } => {
                summary.n_passages += n_passages;
                summary.bytes_read += bytes;
                let renamed = removed_contents
                    .get_mut(&content_hash)
                    .filter(|count| **count > 0);
                if known {
                    summary.n_changed += 1;
                } else if let Some(count) = renamed {
                    *count -= 1;
                    summary.n_renamed += 1;
                    summary.n_removed -= 1;
                } else {
                    summary.n_added += 1;
                }
            }
            Outcome::Touched { bytes } => {
                summary.bytes_read += bytes;
                summary.n_unchanged += 1;
            }
            Outcome::Failed { reason, bytes } => {
                summary.bytes_read += bytes;
                if known {
                    summary.n_changed += 1;
                } else {
                    summary.n_added += 1;
                }
                summary.failures.push(FileFailure {
                    path: display_path(corpus, &file.key),
                    reason,
                });
            }
        }
    }

    index::commit(&mut writer, &new_info, &options.index)?;
    writer
        .wait_merging_threads()
        .map_err(|error| Error::IndexWrite {
            path: options.index.clone(),
            reason: error.to_string(),
        })?;
    summary.committed = true;
    summary.seconds = started.elapsed().as_secs_f64();
    summary.peak_memory_mb = process::peak_memory_mb();
    Ok(summary)
}

/// Reads, extracts, splits and indexes one file, replacing what the index
/// held for it. Never fails: a file that cannot be read is recorded as such.
///
/// `fresh` says the index was emptied for this run, so there is nothing of
/// the file's to delete: a deletion per file would be queued and checked
/// against every new segment for nothing (on a 1 GB corpus, 200,000 of them
/// held hundreds of megabytes).
fn index_file(
    writer: &IndexWriter,
    fields: &index::Fields,
    file: &SourceFile,
    previous: Option<&FileEntry>,
    fresh: bool,
) -> Outcome {
    let path_term = (!fresh).then(|| Term::from_field_text(fields.path, &file.key));
    let bytes = match read::read_file(&file.path, file.size) {
        Ok(bytes) => bytes,
        Err(error) => {
            return record_failure(writer, fields, file, path_term, 0, error.to_string(), 0);
        }
    };
    let n_bytes = bytes.len() as u64;
    // The sidecars are part of what the record says about itself.
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&bytes);
    for path in &file.sidecars {
        hasher.update(&std::fs::read(path).unwrap_or_default());
    }
    let content_hash = hasher.digest();
    if let Some(previous) = previous {
        if previous.content_hash == content_hash && previous.status == "ok" {
            writer.delete_term(Term::from_field_text(fields.file_key, &file.key));
            let manifest_entry = document::file_document(fields, file, content_hash, None);
            return match writer.add_document(manifest_entry) {
                Ok(_) => Outcome::Touched { bytes: n_bytes },
                Err(error) => Outcome::Failed {
                    reason: error.to_string(),
                    bytes: n_bytes,
                },
            };
        }
    }
    let record = match record_of(&bytes, file) {
        Ok(record) => record,
        Err(reason) => {
            return record_failure(
                writer,
                fields,
                file,
                path_term,
                content_hash,
                reason,
                n_bytes,
            );
        }
    };
    let passages = split::split(&record);
    if let Some(path_term) = path_term {
        writer.delete_term(path_term);
    }
    let mut documents = document::passage_documents(fields, &file.key, &record, &passages);
    documents.push(document::file_document(fields, file, content_hash, None));
    for document in documents {
        if let Err(error) = writer.add_document(document) {
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

/// A file's record: its sidecars read first (a bad one fails the file
/// before any extraction work), then its text decoded and extracted.
fn record_of(bytes: &[u8], file: &SourceFile) -> std::result::Result<extract::Record, String> {
    let stated = sidecar::load(&file.sidecars)?;
    let text = read::read_bytes(bytes, file.format).map_err(|error| error.to_string())?;
    let hints = Hints {
        council_folder: file.council_folder.clone(),
    };
    let mut record = extract::extract(&text, &hints);
    sidecar::apply(&mut record, &stated);
    Ok(record)
}

fn record_failure(
    writer: &IndexWriter,
    fields: &index::Fields,
    file: &SourceFile,
    path_term: Option<Term>,
    content_hash: u64,
    reason: String,
    bytes: u64,
) -> Outcome {
    if let Some(path_term) = path_term {
        writer.delete_term(path_term);
    }
    let _ = writer.add_document(document::file_document(
        fields,
        file,
        content_hash,
        Some(&reason),
    ));
    Outcome::Failed { reason, bytes }
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

/// One agenda item as [`inspect`] shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    pub number: Option<String>,
    pub title: Option<String>,
    pub officers: Vec<extract::Person>,
    /// First and last source line of the item's text, when it has any.
    pub lines: Option<[u32; 2]>,
    /// First and last page of the item's text, for paged formats (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
}

/// One passage as [`inspect`] shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PassageReport {
    pub number: u32,
    /// The passage's item number, if the item has one.
    pub item: Option<String>,
    pub lines: [u32; 2],
    /// First and last page, for paged formats (PDF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
    /// True for a decision (a RESOLVED block and its points).
    pub resolution: bool,
    pub text: String,
}

/// Everything scrutiny reads from one file, as `scrutiny extract` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct RecordReport {
    pub path: String,
    pub council: Option<String>,
    pub committee: Option<String>,
    /// YYYY-MM-DD, or null when the record does not state it.
    pub date: Option<String>,
    pub kind: extract::RecordKind,
    pub items: Vec<ItemReport>,
    /// Every officer named in any item.
    pub officers: Vec<extract::Person>,
    pub members: Vec<extract::Person>,
    pub also_attending: Vec<extract::Person>,
    pub apologies: Vec<extract::Person>,
    /// Where the record was published, when a sidecar says so.
    pub url: Option<String>,
    pub warnings: Vec<String>,
    pub passages: Vec<PassageReport>,
}

impl RecordReport {
    /// The record kind's name, as in the index and JSON.
    pub fn kind_name(&self) -> &'static str {
        self.kind.as_str()
    }
}

/// Reads, extracts and splits one file without indexing it. The council
/// comes from the file's folder when that names a known council, else from
/// the text.
pub fn inspect(path: &Path) -> std::result::Result<RecordReport, read::ReadError> {
    let format = walk::Format::from_path(path).unwrap_or(walk::Format::Text);
    let text = read::read(path, format)?;
    let council_folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|folder| folder.to_str())
        .filter(|folder| extract::council::is_known_folder(folder))
        .map(str::to_string);
    let mut record = extract::extract(&text, &Hints { council_folder });
    let stated = sidecar::load(&walk::sidecars_of(path, None))
        .map_err(|reason| read::ReadError::Io(std::io::Error::other(reason)))?;
    sidecar::apply(&mut record, &stated);
    let passages = split::split(&record);
    Ok(RecordReport {
        path: path.display().to_string(),
        council: record.council.clone(),
        committee: record.committee.clone(),
        date: record.date.map(|date| date.to_string()),
        kind: record.kind,
        officers: record.officers(),
        items: record
            .items
            .iter()
            .map(|item| ItemReport {
                number: item.number.clone(),
                title: item.title.clone(),
                officers: item.officers.clone(),
                lines: item
                    .blocks
                    .first()
                    .zip(item.blocks.last())
                    .map(|(first, last)| [first.first_line(), last.last_line()]),
                pages: item
                    .blocks
                    .first()
                    .zip(item.blocks.last())
                    .map(|(first, last)| [first.first_page(), last.last_page()])
                    .filter(|[first, _]| *first > 0),
            })
            .collect(),
        members: record.members.clone(),
        also_attending: record.also_attending.clone(),
        apologies: record.apologies.clone(),
        url: record.url.clone(),
        warnings: record.warnings.clone(),
        passages: passages
            .iter()
            .map(|passage| PassageReport {
                number: passage.number,
                item: record.items[passage.item].number.clone(),
                lines: [passage.first_line, passage.last_line],
                pages: (passage.first_page > 0).then_some([passage.first_page, passage.last_page]),
                resolution: passage.resolution,
                text: passage.text.clone(),
            })
            .collect(),
    })
}
