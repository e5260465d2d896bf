//! Ranking quality judged per record: a judged set whose judgements name
//! whole records (`record = "thornbury/x.txt"`), graded 2 (about this) or 1
//! (in passing), over the records beside it and a copy of the seeds. The
//! ranking measured is the order in which records first appear among the
//! hits; the same passages, put in an SQLite FTS5 table (porter stemming,
//! bm25, the query's words joined by OR), give the baseline beside it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{EvalReport, QueryScore, CUTOFF};
use crate::error::{Error, Result};
use crate::glossary::Glossary;
use crate::index::ScrutinyIndex;
use crate::request::SearchRequest;
use crate::search::{self, Hit};

/// How many passages are read to find the first ten records.
const PASSAGES_READ: usize = 200;

#[derive(Debug, Deserialize)]
struct JudgedFile {
    query: Vec<RecordQuery>,
    /// The council of each council folder, for the records in it that do
    /// not name their council (written into the folder's sidecar, as a
    /// user would).
    #[serde(default)]
    councils: std::collections::BTreeMap<String, String>,
}

/// One query judged per record, with the filters it is run with.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordQuery {
    pub text: String,
    pub relevant: Vec<RecordJudgement>,
    #[serde(default)]
    pub council: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

/// One record judged relevant.
#[derive(Debug, Clone, Deserialize)]
pub struct RecordJudgement {
    /// The record's path relative to the corpus built for the set.
    pub record: String,
    /// 1 (in passing) or 2 (about this).
    pub grade: u8,
}

/// scrutiny and the FTS5 baseline on one judged set.
#[derive(Debug, Clone, Serialize)]
pub struct RecordEvalReport {
    pub queries: usize,
    pub scrutiny: EvalReport,
    pub fts5: EvalReport,
}

/// Council folders and the council each stands for.
pub type FolderCouncils = Vec<(String, String)>;

/// True when the judged set at `path` judges whole records.
pub fn judges_records(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| {
        text.lines()
            .any(|line| line.trim_start().starts_with("{ record ="))
    })
}

fn invalid(path: &Path, reason: String) -> Error {
    Error::InvalidArgument {
        what: "judged query set",
        value: path.display().to_string(),
        reason,
    }
}

/// Reads a set judged per record: its queries, and the council of each
/// council folder.
pub fn load(path: &Path) -> Result<(Vec<RecordQuery>, FolderCouncils)> {
    let text = std::fs::read_to_string(path).map_err(|error| invalid(path, error.to_string()))?;
    let file: JudgedFile =
        toml::from_str(&text).map_err(|error| invalid(path, error.message().to_string()))?;
    for query in &file.query {
        for judgement in &query.relevant {
            if !(1..=2).contains(&judgement.grade) {
                return Err(invalid(
                    path,
                    format!(
                        "query {:?}: {:?} grade {} should be 1 or 2",
                        query.text, judgement.record, judgement.grade
                    ),
                ));
            }
        }
    }
    Ok((file.query, file.councils.into_iter().collect()))
}

/// Builds the corpus a per-record set is judged over: the `records/`
/// folder beside the set, and the seeds under `seeds/`.
pub fn build_corpus(
    set: &Path,
    seeds: &Path,
    councils: &[(String, String)],
    into: &Path,
) -> Result<PathBuf> {
    let records = set.parent().unwrap_or(Path::new(".")).join("records");
    if !records.is_dir() {
        return Err(invalid(
            set,
            format!("no records folder beside it ({})", records.display()),
        ));
    }
    let corpus = into.join("corpus");
    copy_tree(&records, &corpus).map_err(|error| invalid(set, error.to_string()))?;
    copy_tree(seeds, &corpus.join("seeds")).map_err(|error| invalid(seeds, error.to_string()))?;
    for (folder, council) in councils {
        let sidecar = format!("council = {}\n", toml::Value::String(council.clone()));
        std::fs::write(corpus.join(folder).join("scrutiny.toml"), sidecar)
            .map_err(|error| invalid(set, format!("folder {folder}: {error}")))?;
    }
    Ok(corpus)
}

/// Copies the record files of a folder tree (not expected values).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(std::io::Error::other)?;
        let relative = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else if !entry.file_name().to_string_lossy().ends_with(".toml") {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// A hit's record as the set names it: an HTML copy counts as its text.
fn record_of(key: &str) -> String {
    match key.strip_suffix(".html") {
        Some(stem) => format!("{stem}.txt"),
        None => key.to_string(),
    }
}

/// Records in the order they first appear among ranked passage keys.
fn ranked_records<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut records: Vec<String> = Vec::new();
    for key in keys {
        let record = record_of(key);
        if !records.contains(&record) {
            records.push(record);
        }
        if records.len() == CUTOFF {
            break;
        }
    }
    records
}

fn score_records(query: &RecordQuery, records: &[String]) -> QueryScore {
    let grades: Vec<u8> = records
        .iter()
        .map(|record| {
            query
                .relevant
                .iter()
                .find(|judgement| judgement.record == *record)
                .map_or(0, |judgement| judgement.grade)
        })
        .collect();
    let found = grades.iter().filter(|&&grade| grade > 0).count();
    let judgements: Vec<super::Judgement> = query
        .relevant
        .iter()
        .map(|judgement| super::Judgement {
            passage: format!("{}:1", judgement.record),
            grade: judgement.grade,
        })
        .collect();
    super::score(&query.text, &grades, &judgements, found)
}

fn report(scores: Vec<QueryScore>) -> EvalReport {
    let mean = |measure: fn(&QueryScore) -> f64| {
        if scores.is_empty() {
            0.0
        } else {
            scores.iter().map(measure).sum::<f64>() / scores.len() as f64
        }
    };
    EvalReport {
        ndcg_at_10: mean(|score| score.ndcg),
        mrr: mean(|score| score.reciprocal_rank),
        recall_at_10: mean(|score| score.recall),
        queries: scores,
    }
}

fn date_of(text: &Option<String>, set: &Path) -> Result<Option<jiff::civil::Date>> {
    text.as_deref()
        .map(|date| {
            date.parse()
                .map_err(|_| invalid(set, format!("{date:?} is not a YYYY-MM-DD date")))
        })
        .transpose()
}

/// Runs every query through scrutiny and through the FTS5 baseline.
pub fn evaluate(
    index: &ScrutinyIndex,
    set: &Path,
    queries: &[RecordQuery],
    glossary: Option<&Glossary>,
) -> Result<RecordEvalReport> {
    let baseline = super::fts5::Fts5::build(&search::all_passages(index)?)?;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for query in queries {
        let mut request = SearchRequest::new(&query.text, PASSAGES_READ);
        let filters = &mut request.selection.filters;
        filters.councils = query.council.iter().cloned().collect();
        filters.from = date_of(&query.from, set)?;
        filters.to = date_of(&query.to, set)?;
        let results = search::search(index, &request, glossary)?;
        let keys = results.hits.iter().flat_map(|hit: &Hit| {
            std::iter::once(hit.source.key.as_str())
                .chain(hit.also_in.iter().map(|place| place.source.key.as_str()))
        });
        ours.push(score_records(query, &ranked_records(keys)));
        let found = baseline.search(
            &query.text,
            query.council.as_deref(),
            query.from.as_deref(),
            query.to.as_deref(),
            PASSAGES_READ,
        )?;
        theirs.push(score_records(
            query,
            &ranked_records(found.iter().map(String::as_str)),
        ));
    }
    Ok(RecordEvalReport {
        queries: queries.len(),
        scrutiny: report(ours),
        fts5: report(theirs),
    })
}
