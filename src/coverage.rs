//! The coverage ledger: what the index holds, per council, so that "no
//! hits" can be read as "not discussed" only where records were collected.
//!
//! Everything comes from the index itself: passages' fast-field columns
//! (council, committee, meeting date, file) and the manifest of source files,
//! which also records the files that could not be indexed and why.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

use crate::error::Result;
use crate::index::{columns, schema, ScrutinyIndex};

/// One council's share of the index.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CouncilCoverage {
    /// The council; null for records that name none.
    pub council: Option<String>,
    /// Committees with records, in order.
    pub committees: Vec<String>,
    /// Record files with passages.
    pub records: usize,
    pub passages: usize,
    /// Earliest and latest meeting date among the dated records.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Records that state no meeting date (found by a search, left out by
    /// any date filter).
    pub undated_records: usize,
}

/// A file the index knows but could not read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FailedFile {
    /// The file relative to the corpus folder.
    pub key: String,
    pub reason: String,
}

/// What the whole index covers.
#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub councils: Vec<CouncilCoverage>,
    pub records: usize,
    pub passages: usize,
    pub undated_records: usize,
    /// Files that could not be indexed, with the reason.
    pub failures: Vec<FailedFile>,
    /// Paths in the corpus folder passed over, with the reason: files of
    /// types scrutiny does not read, links to folders, unreadable folders.
    /// Empty when the corpus folder is not at hand.
    pub skipped: Vec<FailedFile>,
}

#[derive(Default)]
struct Tally {
    committees: BTreeSet<String>,
    /// Each record file and its meeting date, if stated.
    records: BTreeMap<String, Option<jiff::civil::Date>>,
    passages: usize,
}

/// The paths in the index's corpus that the walk passed over or could not
/// list, walked again now (nothing when the corpus is not there).
fn skipped_paths(index: &ScrutinyIndex) -> Vec<FailedFile> {
    let mut skipped = Vec::new();
    if let Some(corpus) = index
        .commit_info()
        .and_then(|info| info.corpus)
        .filter(|corpus| corpus.is_dir())
    {
        let walked = crate::walk::walk(&corpus);
        let key = |path: &std::path::Path| {
            path.strip_prefix(&corpus)
                .unwrap_or(path)
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/")
        };
        for error in &walked.errors {
            skipped.push(FailedFile {
                key: key(&error.path),
                reason: error.reason.clone(),
            });
        }
        for path in &walked.other_files {
            skipped.push(FailedFile {
                key: key(path),
                reason: format!(
                    "not a record format scrutiny reads ({})",
                    crate::format::EXTENSIONS
                ),
            });
        }
        skipped.sort_by(|a, b| a.key.cmp(&b.key));
    }
    skipped
}

/// Counts the index's records and passages per council.
pub fn coverage(index: &ScrutinyIndex) -> Result<Coverage> {
    let searcher = index.searcher()?;
    let passages = TermQuery::new(
        Term::from_field_text(index.fields.doc_type, schema::PASSAGE),
        IndexRecordOption::Basic,
    );
    let addresses = searcher.search(&passages, &DocSetCollector)?;
    let mut tallies: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    for (segment_ord, doc_ids) in columns::by_segment(addresses) {
        let fast = searcher.segment_reader(segment_ord).fast_fields();
        let council = fast.str("council")?;
        let committee = fast.str("committee_key")?;
        let path = fast.str("path")?;
        let date: Option<Column<DateTime>> = fast.column_opt("date")?;
        let mut buffer = String::new();
        for doc_id in doc_ids {
            let tally = tallies
                .entry(columns::first_str(council.as_ref(), doc_id, &mut buffer))
                .or_default();
            tally.passages += 1;
            if let Some(committee) = columns::first_str(committee.as_ref(), doc_id, &mut buffer) {
                tally.committees.insert(committee);
            }
            let meeting = date
                .as_ref()
                .and_then(|column| column.first(doc_id))
                .and_then(|date| jiff::Timestamp::from_second(date.into_timestamp_secs()).ok())
                .map(|timestamp| timestamp.to_zoned(jiff::tz::TimeZone::UTC).date());
            let key = columns::first_str(path.as_ref(), doc_id, &mut buffer).unwrap_or_default();
            tally.records.entry(key).or_insert(meeting);
        }
    }
    let mut councils: Vec<CouncilCoverage> = tallies
        .into_iter()
        .map(|(council, tally)| {
            let dates: Vec<jiff::civil::Date> = tally.records.values().flatten().copied().collect();
            CouncilCoverage {
                council,
                committees: tally.committees.into_iter().collect(),
                records: tally.records.len(),
                passages: tally.passages,
                first_date: dates.iter().min().map(ToString::to_string),
                last_date: dates.iter().max().map(ToString::to_string),
                undated_records: tally.records.values().filter(|date| date.is_none()).count(),
            }
        })
        .collect();
    // Named councils in order, then records that name none.
    councils.sort_by(|a, b| match (&a.council, &b.council) {
        (Some(a), Some(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let failures = index
        .manifest()?
        .into_iter()
        .filter_map(|(key, entry)| {
            let reason = entry.status.failure()?.to_string();
            Some(FailedFile { key, reason })
        })
        .collect();
    let skipped = skipped_paths(index);
    Ok(Coverage {
        skipped,
        records: councils.iter().map(|council| council.records).sum(),
        passages: councils.iter().map(|council| council.passages).sum(),
        undated_records: councils.iter().map(|council| council.undated_records).sum(),
        councils,
        failures,
    })
}
