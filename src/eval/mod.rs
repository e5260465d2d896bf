//! Ranking quality on a judged query set: nDCG@10, MRR and recall@10.
//!
//! A judged set is a TOML file of queries, each with the passages a good
//! engine ranks first, graded (3 = exactly what was asked, 2 = clearly
//! relevant, 1 = related). A passage is named by its file (relative to the
//! corpus) and one line in it: `staffordshire/000_69e15054d1adbb5c.txt:23`.
//! A hit satisfies a judgement when it, or a duplicate listed in its
//! `also_in`, comes from that file and spans that line. Recall@10 counts
//! the relevant passages found in the top ten against the number judged,
//! or ten when more are judged.

pub mod extraction;
pub mod fts5;
pub mod records;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::glossary::Glossary;
use crate::index::ScrutinyIndex;
use crate::request::SearchRequest;
use crate::search::{self, Hit, Source};

/// How many hits the measures look at.
pub const CUTOFF: usize = 10;

#[derive(Debug, Deserialize)]
struct JudgedFile {
    query: Vec<JudgedQuery>,
}

/// One query and its judgements.
#[derive(Debug, Clone, Deserialize)]
pub struct JudgedQuery {
    pub text: String,
    pub relevant: Vec<Judgement>,
}

/// One passage judged relevant to a query.
#[derive(Debug, Clone, Deserialize)]
pub struct Judgement {
    /// `file:line`, the file relative to the corpus.
    pub passage: String,
    /// 1 (related) to 3 (exactly what was asked).
    pub grade: u8,
}

/// The measures for one query.
#[derive(Debug, Clone, Serialize)]
pub struct QueryScore {
    pub query: String,
    pub ndcg: f64,
    pub reciprocal_rank: f64,
    pub recall: f64,
}

/// The measures over a judged set.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub ndcg_at_10: f64,
    pub mrr: f64,
    pub recall_at_10: f64,
    pub queries: Vec<QueryScore>,
}

/// Reads a judged set.
pub fn load(path: &Path) -> Result<Vec<JudgedQuery>> {
    let invalid = |reason: String| Error::InvalidArgument {
        what: "judged query set",
        value: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|error| invalid(error.to_string()))?;
    let file: JudgedFile =
        toml::from_str(&text).map_err(|error| invalid(error.message().to_string()))?;
    for query in &file.query {
        for judgement in &query.relevant {
            if split_passage(&judgement.passage).is_none() || !(1..=3).contains(&judgement.grade) {
                return Err(invalid(format!(
                    "query {:?}: {:?} grade {} should be `file:line` graded 1 to 3",
                    query.text, judgement.passage, judgement.grade
                )));
            }
        }
    }
    Ok(file.query)
}

fn split_passage(passage: &str) -> Option<(&str, u32)> {
    let (file, line) = passage.rsplit_once(':')?;
    Some((file, line.parse().ok()?))
}

fn covers(source: &Source, file: &str, line: u32) -> bool {
    source.key == file && source.lines[0] <= line && line <= source.lines[1]
}

/// The grade a hit earns, crediting each judgement once.
fn grade_of(hit: &Hit, judgements: &[Judgement], credited: &mut [bool]) -> u8 {
    let mut best = 0;
    for (index, judgement) in judgements.iter().enumerate() {
        let Some((file, line)) = split_passage(&judgement.passage) else {
            continue;
        };
        let matched = covers(&hit.source, file, line)
            || hit
                .also_in
                .iter()
                .any(|place| covers(&place.source, file, line));
        if matched && !credited[index] {
            credited[index] = true;
            best = best.max(judgement.grade);
        }
    }
    best
}

/// Scores ranked grades (in hit order) against a query's judgements.
pub fn score(query: &str, grades: &[u8], judgements: &[Judgement], n_found: usize) -> QueryScore {
    let gain = |grade: u8| f64::from((1u32 << grade) - 1);
    let dcg: f64 = grades
        .iter()
        .take(CUTOFF)
        .enumerate()
        .map(|(rank, &grade)| gain(grade) / (rank as f64 + 2.0).log2())
        .sum();
    let mut ideal: Vec<u8> = judgements.iter().map(|judgement| judgement.grade).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let ideal_dcg: f64 = ideal
        .iter()
        .take(CUTOFF)
        .enumerate()
        .map(|(rank, &grade)| gain(grade) / (rank as f64 + 2.0).log2())
        .sum();
    let reciprocal_rank = grades
        .iter()
        .position(|&grade| grade > 0)
        .map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0));
    QueryScore {
        query: query.to_string(),
        ndcg: if ideal_dcg > 0.0 {
            dcg / ideal_dcg
        } else {
            0.0
        },
        reciprocal_rank,
        // Capped at the cut-off, so that a query with more relevant
        // passages than fit in ten hits can still score 1.
        recall: if judgements.is_empty() {
            0.0
        } else {
            (n_found as f64 / judgements.len().min(CUTOFF) as f64).min(1.0)
        },
    }
}

/// Runs every judged query and measures the ranking.
pub fn evaluate(
    index: &ScrutinyIndex,
    queries: &[JudgedQuery],
    glossary: Option<&Glossary>,
) -> Result<EvalReport> {
    let mut scores = Vec::new();
    for query in queries {
        // Passages are judged one by one, so every passage of a record
        // may be ranked (the page's grouping by record is for readers).
        let request = SearchRequest {
            per_record: 0,
            ..SearchRequest::new(&query.text, CUTOFF)
        };
        let results = search::search(index, &request, glossary)?;
        let mut credited = vec![false; query.relevant.len()];
        let grades: Vec<u8> = results
            .hits
            .iter()
            .map(|hit| grade_of(hit, &query.relevant, &mut credited))
            .collect();
        let n_found = credited.iter().filter(|&&found| found).count();
        scores.push(score(&query.text, &grades, &query.relevant, n_found));
    }
    let mean = |measure: fn(&QueryScore) -> f64| {
        if scores.is_empty() {
            0.0
        } else {
            scores.iter().map(measure).sum::<f64>() / scores.len() as f64
        }
    };
    Ok(EvalReport {
        ndcg_at_10: mean(|score| score.ndcg),
        mrr: mean(|score| score.reciprocal_rank),
        recall_at_10: mean(|score| score.recall),
        queries: scores,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(grades: &[u8]) -> Vec<Judgement> {
        grades
            .iter()
            .enumerate()
            .map(|(line, &grade)| Judgement {
                passage: format!("f.txt:{line}"),
                grade,
            })
            .collect()
    }

    #[test]
    fn a_perfect_ranking_scores_one() {
        let score = score("q", &[3, 2, 1], &judged(&[3, 2, 1]), 3);
        assert!((score.ndcg - 1.0).abs() < 1e-9);
        assert_eq!(score.reciprocal_rank, 1.0);
        assert_eq!(score.recall, 1.0);
    }

    #[test]
    fn a_late_relevant_hit_scores_less() {
        let score = score("q", &[0, 0, 3], &judged(&[3, 2]), 1);
        assert!(score.ndcg < 0.5, "{}", score.ndcg);
        assert!((score.reciprocal_rank - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(score.recall, 0.5);
    }
}
