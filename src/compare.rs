//! Compare and timeline: how different boards discussed a subject.
//!
//! The query matches passages with any of its words (ranked by how many and
//! how rare). Matching passages are counted per group (council, committee or
//! year) from tantivy's fast-field columns, with the earliest and latest
//! meeting date; each group's best passages come from the same search as
//! `scrutiny search`, restricted to the group. Undated records are counted
//! in their own bucket, never dropped.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::DateTime;

use crate::error::Result;
use crate::glossary::Glossary;
use crate::index::{columns, ScrutinyIndex};
use crate::query::{self, Expansion, Filters, GroupFilter, QueryOptions};
use crate::search::{self, Hit, SearchRequest};

/// What to group passages by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    #[default]
    Council,
    Committee,
    Year,
}

/// A comparison to make.
#[derive(Debug, Clone)]
pub struct CompareRequest {
    pub query: String,
    pub by: GroupBy,
    /// Best passages shown per group.
    pub per: usize,
    pub filters: Filters,
    pub glossary: Option<Glossary>,
}

/// One group's share of the matches.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// The council, committee or year; null for records that do not state it.
    pub key: Option<String>,
    /// Matching passages in the group.
    pub count: usize,
    /// Matching passages from undated records.
    pub undated: usize,
    /// Earliest and latest meeting date among the dated matches.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub hits: Vec<Hit>,
}

/// The answer to a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub query: String,
    pub by: GroupBy,
    pub total: usize,
    pub expansions: Vec<Expansion>,
    pub groups: Vec<Group>,
}

/// The facts of one matching passage that grouping needs.
struct Match {
    council: Option<String>,
    committee: Option<String>,
    year: Option<u64>,
    date: Option<jiff::civil::Date>,
}

/// Every passage matching `query` under `filters`: any word sufficing, or
/// every word required as `scrutiny search` does.
fn matches(
    index: &ScrutinyIndex,
    query_text: &str,
    filters: &Filters,
    glossary: Option<&Glossary>,
    any_word: bool,
) -> Result<(Vec<Match>, Vec<Expansion>)> {
    let searcher = index.searcher()?;
    let options = QueryOptions { glossary, any_word };
    let built = query::build(index, &searcher, query_text, filters, options)?;
    let addresses = searcher.search(&*built.query, &DocSetCollector)?;
    let mut found = Vec::new();
    for (segment_ord, doc_ids) in columns::by_segment(addresses) {
        let segment = searcher.segment_reader(segment_ord);
        let fast = segment.fast_fields();
        let council = fast.str("council")?;
        let committee = fast.str("committee_key")?;
        let year: Option<Column<u64>> = fast.column_opt("year")?;
        let date: Option<Column<DateTime>> = fast.column_opt("date")?;
        let mut buffer = String::new();
        for doc_id in doc_ids {
            let council = columns::first_str(council.as_ref(), doc_id, &mut buffer);
            let committee = columns::first_str(committee.as_ref(), doc_id, &mut buffer);
            found.push(Match {
                council,
                committee,
                year: year.as_ref().and_then(|column| column.first(doc_id)),
                date: date
                    .as_ref()
                    .and_then(|column| column.first(doc_id))
                    .and_then(|date| jiff::Timestamp::from_second(date.into_timestamp_secs()).ok())
                    .map(|timestamp| timestamp.to_zoned(jiff::tz::TimeZone::UTC).date()),
            });
        }
    }
    Ok((found, built.expansions))
}

/// Compares how groups discussed a query.
pub fn compare(index: &ScrutinyIndex, request: &CompareRequest) -> Result<Comparison> {
    let (found, expansions) = matches(
        index,
        &request.query,
        &request.filters,
        request.glossary.as_ref(),
        true,
    )?;
    let mut groups: BTreeMap<Option<String>, Group> = BTreeMap::new();
    for passage in &found {
        let key = match request.by {
            GroupBy::Council => passage.council.clone(),
            GroupBy::Committee => passage.committee.clone(),
            GroupBy::Year => passage.year.map(|year| year.to_string()),
        };
        let group = groups.entry(key.clone()).or_insert_with(|| Group {
            key,
            count: 0,
            undated: 0,
            first_date: None,
            last_date: None,
            hits: Vec::new(),
        });
        group.count += 1;
        match passage.date {
            None => group.undated += 1,
            Some(date) => {
                let date = date.to_string();
                if group.first_date.as_ref().is_none_or(|first| date < *first) {
                    group.first_date = Some(date.clone());
                }
                if group.last_date.as_ref().is_none_or(|last| date > *last) {
                    group.last_date = Some(date);
                }
            }
        }
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    // Most discussion first; years in order.
    match request.by {
        GroupBy::Year => groups.sort_by(|a, b| match (&a.key, &b.key) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (Some(a), Some(b)) => a.cmp(b),
        }),
        _ => groups.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key))),
    }
    for group in &mut groups {
        let mut filters = request.filters.clone();
        filters.group = Some(match request.by {
            GroupBy::Council => GroupFilter::Council(group.key.clone()),
            GroupBy::Committee => GroupFilter::Committee(group.key.clone()),
            GroupBy::Year => GroupFilter::Year(group.key.as_ref().and_then(|key| key.parse().ok())),
        });
        let search_request = SearchRequest {
            query: request.query.clone(),
            filters,
            limit: request.per,
            glossary: request.glossary.clone(),
            all: false,
            any_word: true,
        };
        group.hits = search::search(index, &search_request)?.hits;
    }
    Ok(Comparison {
        query: request.query.clone(),
        by: request.by,
        total: found.len(),
        expansions,
        groups,
    })
}

/// One council's line of a timeline.
#[derive(Debug, Clone, Serialize)]
pub struct CouncilTimeline {
    /// The council; null for records that do not state it.
    pub council: Option<String>,
    pub total: usize,
    /// Matching passages per meeting year.
    pub years: BTreeMap<u64, usize>,
    /// Matching passages from undated records.
    pub undated: usize,
}

/// How often a query was discussed per year for each council.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub query: String,
    /// Every year with a match, in order.
    pub years: Vec<u64>,
    pub expansions: Vec<Expansion>,
    pub councils: Vec<CouncilTimeline>,
}

/// Counts matching passages per council and year.
pub fn timeline(
    index: &ScrutinyIndex,
    query_text: &str,
    filters: &Filters,
    glossary: Option<&Glossary>,
) -> Result<Timeline> {
    let (found, expansions) = matches(index, query_text, filters, glossary, true)?;
    let mut councils: BTreeMap<Option<String>, CouncilTimeline> = BTreeMap::new();
    let mut years = std::collections::BTreeSet::new();
    for passage in found {
        let line = councils
            .entry(passage.council.clone())
            .or_insert_with(|| CouncilTimeline {
                council: passage.council.clone(),
                total: 0,
                years: BTreeMap::new(),
                undated: 0,
            });
        line.total += 1;
        match passage.year {
            Some(year) => {
                *line.years.entry(year).or_default() += 1;
                years.insert(year);
            }
            None => line.undated += 1,
        }
    }
    Ok(Timeline {
        query: query_text.to_string(),
        years: years.into_iter().collect(),
        expansions,
        councils: councils.into_values().collect(),
    })
}

/// How a search's matching passages spread over councils, committees and
/// years: the counts beside the results that narrow a search when chosen.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    /// Passages matching the search, duplicates included.
    pub total: usize,
    /// (council, count), most first.
    pub councils: Vec<(String, usize)>,
    /// (committee, count), most first.
    pub committees: Vec<(String, usize)>,
    /// (year, count), in order.
    pub years: Vec<(u64, usize)>,
    /// Matching passages from records that state no meeting date.
    pub undated: usize,
}

/// Counts what a search (every word required) matches, per facet.
pub fn facets(index: &ScrutinyIndex, request: &SearchRequest) -> Result<Facets> {
    let (found, _) = matches(
        index,
        &request.query,
        &request.filters,
        request.glossary.as_ref(),
        request.any_word,
    )?;
    let mut councils: BTreeMap<String, usize> = BTreeMap::new();
    let mut committees: BTreeMap<String, usize> = BTreeMap::new();
    let mut years: BTreeMap<u64, usize> = BTreeMap::new();
    let mut undated = 0;
    for passage in &found {
        if let Some(council) = &passage.council {
            *councils.entry(council.clone()).or_default() += 1;
        }
        if let Some(committee) = &passage.committee {
            *committees.entry(committee.clone()).or_default() += 1;
        }
        match passage.year {
            Some(year) => *years.entry(year).or_default() += 1,
            None => undated += 1,
        }
    }
    let most_first = |counts: BTreeMap<String, usize>| {
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    };
    Ok(Facets {
        total: found.len(),
        councils: most_first(councils),
        committees: most_first(committees),
        years: years.into_iter().collect(),
        undated,
    })
}
