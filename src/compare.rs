//! Compare and timeline: how different boards discussed a subject.
//!
//! The query matches passages with any of its words (ranked by how many and
//! how rare). Matching passages are counted per group (council, committee or
//! year) from tantivy's fast-field columns, with the earliest and latest
//! meeting date, and its best passages are kept in the same pass, then
//! ranked as `scrutiny search` ranks a page. Undated records are counted
//! in their own bucket, never dropped.

use std::collections::{BTreeMap, BinaryHeap};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocAddress, DocId, Score};

use crate::error::Result;
use crate::glossary::Glossary;
use crate::index::ScrutinyIndex;
use crate::query::{self, Expansion, QueryOptions};
use crate::request::{CompareRequest, Filters, GroupFilter, SearchRequest, Selection};
use crate::search::{self, Hit};

/// What to group passages by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    #[default]
    Council,
    Committee,
    Year,
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

/// Matching passages that share a council, committee and year, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tally {
    council: Option<String>,
    committee: Option<String>,
    year: Option<u64>,
    count: usize,
    /// Of `count`, the passages from records that state no meeting date.
    undated: usize,
    /// Earliest and latest meeting date among the dated ones, as seconds.
    first: Option<i64>,
    last: Option<i64>,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.count += other.count;
        self.undated += other.undated;
        self.first = earliest(self.first, other.first);
        self.last = latest(self.last, other.last);
    }
}

fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn latest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    a.max(b)
}

/// A date column's seconds as the meeting date.
fn date_of(seconds: i64) -> Option<jiff::civil::Date> {
    jiff::Timestamp::from_second(seconds)
        .ok()
        .map(|timestamp| timestamp.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// Every passage matching `query` under `filters` (any word sufficing, or
/// every word required as `scrutiny search` does), tallied by council,
/// committee and year.
fn tallies(
    index: &ScrutinyIndex,
    query_text: &str,
    filters: &Filters,
    glossary: Option<&Glossary>,
    any_word: bool,
) -> Result<(Vec<Tally>, Vec<Expansion>)> {
    let searcher = index.searcher()?;
    let options = QueryOptions {
        glossary,
        any_word,
        topic_only: false,
    };
    let built = query::build(index, &searcher, query_text, filters, options)?;
    let tallies = searcher.search(&*built.query, &TallyCollector)?;
    Ok((tallies, built.expansions))
}

/// Counts matches per council, committee and year without scoring them,
/// by the columns' term numbers; each number becomes a name once per
/// segment, not once per match (a comparison of common words matches a
/// third of the corpus).
struct TallyCollector;

/// A segment's key: council and committee as column term numbers, year.
type SegmentKey = (Option<u64>, Option<u64>, Option<u64>);

struct SegmentTallies {
    council: Option<StrColumn>,
    committee: Option<StrColumn>,
    year: Option<Column<u64>>,
    date: Option<Column<DateTime>>,
    tallies: FxHashMap<SegmentKey, Tally>,
}

impl Collector for TallyCollector {
    type Fruit = Vec<Tally>;
    type Child = SegmentTallies;

    fn for_segment(
        &self,
        _segment_ord: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentTallies> {
        SegmentTallies::open(reader)
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<Tally>>) -> tantivy::Result<Vec<Tally>> {
        type Key = (Option<String>, Option<String>, Option<u64>);
        let mut merged: BTreeMap<Key, Tally> = BTreeMap::new();
        for tally in segments.into_iter().flatten() {
            let key = (tally.council.clone(), tally.committee.clone(), tally.year);
            match merged.entry(key) {
                std::collections::btree_map::Entry::Vacant(entry) => {
                    entry.insert(tally);
                }
                std::collections::btree_map::Entry::Occupied(mut entry) => {
                    entry.get_mut().add(&tally);
                }
            }
        }
        Ok(merged.into_values().collect())
    }
}

impl SegmentCollector for SegmentTallies {
    type Fruit = Vec<Tally>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.tally(doc);
    }

    fn harvest(self) -> Vec<Tally> {
        self.named()
    }
}

impl SegmentTallies {
    fn open(reader: &tantivy::SegmentReader) -> tantivy::Result<SegmentTallies> {
        let fast = reader.fast_fields();
        Ok(SegmentTallies {
            council: fast.str("council")?,
            committee: fast.str("committee_key")?,
            year: fast.column_opt("year")?,
            date: fast.column_opt("date")?,
            tallies: FxHashMap::default(),
        })
    }

    /// Counts `doc` under its council, committee and year; returns that key.
    fn tally(&mut self, doc: DocId) -> SegmentKey {
        let ord = |column: &Option<StrColumn>| {
            column
                .as_ref()
                .and_then(|column| column.term_ords(doc).next())
        };
        let key = (
            ord(&self.council),
            ord(&self.committee),
            self.year.as_ref().and_then(|column| column.first(doc)),
        );
        let date = self
            .date
            .as_ref()
            .and_then(|column| column.first(doc))
            .map(|date| date.into_timestamp_secs());
        let tally = self.tallies.entry(key).or_insert_with(|| Tally {
            council: None,
            committee: None,
            year: key.2,
            count: 0,
            undated: 0,
            first: None,
            last: None,
        });
        tally.count += 1;
        match date {
            None => tally.undated += 1,
            Some(seconds) => {
                tally.first = earliest(tally.first, Some(seconds));
                tally.last = latest(tally.last, Some(seconds));
            }
        }
        key
    }

    /// The segment's tallies, each number named.
    fn named(self) -> Vec<Tally> {
        let name = |column: &Option<StrColumn>, ord: Option<u64>| {
            let (column, ord) = (column.as_ref()?, ord?);
            let mut name = String::new();
            match column.ord_to_str(ord, &mut name) {
                Ok(true) => Some(name),
                _ => None,
            }
        };
        self.tallies
            .into_iter()
            .map(|((council, committee, _), mut tally)| {
                tally.council = name(&self.council, council);
                tally.committee = name(&self.committee, committee);
                tally
            })
            .collect()
    }
}

/// Compares how groups discussed a query, in one pass over the matches:
/// each is counted for its group and kept among its group's best, then
/// each group's best are ranked as `scrutiny search` ranks a page.
pub fn compare(
    index: &ScrutinyIndex,
    request: &CompareRequest,
    glossary: Option<&Glossary>,
) -> Result<Comparison> {
    compare_with(index, request, glossary, Pass::One)
}

/// The same answer as [`compare`], found the way it was before the one
/// pass: a count, then one ranked search per group. Kept as the reference
/// the one pass is tested against.
#[doc(hidden)]
pub fn compare_searching_each_group(
    index: &ScrutinyIndex,
    request: &CompareRequest,
    glossary: Option<&Glossary>,
) -> Result<Comparison> {
    compare_with(index, request, glossary, Pass::SearchEachGroup)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    One,
    SearchEachGroup,
}

fn compare_with(
    index: &ScrutinyIndex,
    request: &CompareRequest,
    glossary: Option<&Glossary>,
    pass: Pass,
) -> Result<Comparison> {
    let selection = &request.selection;
    let glossary = selection.glossary(glossary);
    let searcher = index.searcher()?;
    let options = QueryOptions {
        glossary,
        any_word: true,
        topic_only: false,
    };
    let built = query::build(
        index,
        &searcher,
        selection.text(),
        &selection.filters,
        options,
    )?;
    // As many candidates per group as a search for a page of `per` fetches.
    let fetch = request.per.saturating_mul(3).saturating_add(20).max(1);
    let (tallies, mut tops) = match pass {
        Pass::One => searcher.search(
            &*built.query,
            &TallyAndBest {
                by: request.by,
                fetch,
            },
        )?,
        Pass::SearchEachGroup => (
            searcher.search(&*built.query, &TallyCollector)?,
            FxHashMap::default(),
        ),
    };
    let expansions = built.expansions.clone();
    let mut groups: BTreeMap<Option<String>, (Group, Option<i64>, Option<i64>)> = BTreeMap::new();
    for tally in &tallies {
        let key = match request.by {
            GroupBy::Council => tally.council.clone(),
            GroupBy::Committee => tally.committee.clone(),
            GroupBy::Year => tally.year.map(|year| year.to_string()),
        };
        let (group, first, last) = groups.entry(key.clone()).or_insert_with(|| {
            let group = Group {
                key,
                count: 0,
                undated: 0,
                first_date: None,
                last_date: None,
                hits: Vec::new(),
            };
            (group, None, None)
        });
        group.count += tally.count;
        group.undated += tally.undated;
        *first = earliest(*first, tally.first);
        *last = latest(*last, tally.last);
    }
    let total = tallies.iter().map(|tally| tally.count).sum();
    let groups = groups.into_values().map(|(mut group, first, last)| {
        group.first_date = first.and_then(date_of).map(|date| date.to_string());
        group.last_date = last.and_then(date_of).map(|date| date.to_string());
        group
    });
    let mut groups: Vec<Group> = groups.collect();
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
    if !groups.is_empty() {
        search::check_councils(index, &searcher, &selection.filters.councils)?;
    }
    let whole = search::Run {
        query: selection.text(),
        filters: &selection.filters,
        glossary,
        skip: 0,
        limit: request.per,
        all: false,
        any_word: true,
        per_record: 0,
        sort: crate::request::Sort::Relevance,
    };
    let highlighter = search::Highlighter::new(
        index,
        &searcher,
        &whole,
        &built.expansions,
        &built.corrections,
    )?;
    for group in &mut groups {
        group.hits = match pass {
            Pass::One => {
                let top = tops
                    .remove(&group.key)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|candidate| (candidate.score, candidate.address, false))
                    .collect();
                search::rank(index, &searcher, &whole, &highlighter, top)?
            }
            Pass::SearchEachGroup => {
                let mut filters = selection.filters.clone();
                filters.group = Some(match request.by {
                    GroupBy::Council => GroupFilter::Council(group.key.clone()),
                    GroupBy::Committee => GroupFilter::Committee(group.key.clone()),
                    GroupBy::Year => {
                        GroupFilter::Year(group.key.as_ref().and_then(|key| key.parse().ok()))
                    }
                });
                let best = search::Run {
                    filters: &filters,
                    ..whole
                };
                search::run(index, &best)?.hits
            }
        };
    }
    Ok(Comparison {
        query: selection.text().to_string(),
        by: request.by,
        total,
        expansions,
        groups,
    })
}

/// A passage kept among its group's best.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    score: Score,
    address: DocAddress,
}

impl Candidate {
    /// Better first: the higher score, then (as tantivy's `TopDocs` breaks
    /// ties) the lower address.
    fn order(&self, other: &Candidate) -> std::cmp::Ordering {
        other
            .score
            .partial_cmp(&self.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| self.address.cmp(&other.address))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.order(other).is_eq()
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Better sorts first.
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order(other)
    }
}

/// The `limit` best candidates seen: a heap whose top is the worst kept.
struct Best {
    limit: usize,
    heap: BinaryHeap<Candidate>,
}

impl Best {
    fn new(limit: usize) -> Best {
        Best {
            limit,
            heap: BinaryHeap::new(),
        }
    }

    fn push(&mut self, candidate: Candidate) {
        if self.heap.len() < self.limit {
            self.heap.push(candidate);
        } else if self.heap.peek().is_some_and(|worst| candidate < *worst) {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }
}

/// The tallies, and each group's `fetch` best passages, in one pass: the
/// group is a part of the tally's key, so each match's columns are read
/// once for both.
struct TallyAndBest {
    by: GroupBy,
    fetch: usize,
}

type Bests = FxHashMap<Option<String>, Vec<Candidate>>;

struct SegmentTallyAndBest {
    tallies: SegmentTallies,
    by: GroupBy,
    segment: u32,
    fetch: usize,
    best: FxHashMap<Option<u64>, Best>,
}

impl Collector for TallyAndBest {
    type Fruit = (Vec<Tally>, Bests);
    type Child = SegmentTallyAndBest;

    fn for_segment(
        &self,
        segment_ord: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentTallyAndBest> {
        Ok(SegmentTallyAndBest {
            tallies: SegmentTallies::open(reader)?,
            by: self.by,
            segment: segment_ord,
            fetch: self.fetch,
            best: FxHashMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, segments: Vec<(Vec<Tally>, Bests)>) -> tantivy::Result<Self::Fruit> {
        let mut tallies = Vec::with_capacity(segments.len());
        let mut merged: Bests = FxHashMap::default();
        for (segment_tallies, bests) in segments {
            tallies.push(segment_tallies);
            for (key, candidates) in bests {
                merged.entry(key).or_default().extend(candidates);
            }
        }
        for candidates in merged.values_mut() {
            candidates.sort();
            candidates.truncate(self.fetch);
        }
        Ok((TallyCollector.merge_fruits(tallies)?, merged))
    }
}

impl SegmentCollector for SegmentTallyAndBest {
    type Fruit = (Vec<Tally>, Bests);

    fn collect(&mut self, doc: DocId, score: Score) {
        let (council, committee, year) = self.tallies.tally(doc);
        let group = match self.by {
            GroupBy::Council => council,
            GroupBy::Committee => committee,
            GroupBy::Year => year,
        };
        let fetch = self.fetch;
        self.best
            .entry(group)
            .or_insert_with(|| Best::new(fetch))
            .push(Candidate {
                score,
                address: DocAddress::new(self.segment, doc),
            });
    }

    fn harvest(self) -> Self::Fruit {
        let column = match self.by {
            GroupBy::Council => self.tallies.council.as_ref(),
            GroupBy::Committee => self.tallies.committee.as_ref(),
            GroupBy::Year => None,
        };
        let name = |key: u64| match self.by {
            GroupBy::Year => Some(key.to_string()),
            _ => {
                let mut name = String::new();
                match column?.ord_to_str(key, &mut name) {
                    Ok(true) => Some(name),
                    _ => None,
                }
            }
        };
        let bests = self
            .best
            .into_iter()
            .map(|(key, best)| (key.and_then(name), best.heap.into_vec()))
            .collect();
        (self.tallies.named(), bests)
    }
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
    selection: &Selection,
    glossary: Option<&Glossary>,
) -> Result<Timeline> {
    let (tallies, expansions) = tallies(
        index,
        selection.text(),
        &selection.filters,
        selection.glossary(glossary),
        true,
    )?;
    let mut councils: BTreeMap<Option<String>, CouncilTimeline> = BTreeMap::new();
    let mut years = std::collections::BTreeSet::new();
    for tally in tallies {
        let line = councils
            .entry(tally.council.clone())
            .or_insert_with(|| CouncilTimeline {
                council: tally.council.clone(),
                total: 0,
                years: BTreeMap::new(),
                undated: 0,
            });
        line.total += tally.count;
        match tally.year {
            Some(year) => {
                *line.years.entry(year).or_default() += tally.count;
                years.insert(year);
            }
            None => line.undated += tally.count,
        }
    }
    Ok(Timeline {
        query: selection.text().to_string(),
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
pub fn facets(
    index: &ScrutinyIndex,
    request: &SearchRequest,
    glossary: Option<&Glossary>,
) -> Result<Facets> {
    let selection = &request.selection;
    let (tallies, _) = tallies(
        index,
        selection.text(),
        &selection.filters,
        selection.glossary(glossary),
        false,
    )?;
    let mut councils: BTreeMap<String, usize> = BTreeMap::new();
    let mut committees: BTreeMap<String, usize> = BTreeMap::new();
    let mut years: BTreeMap<u64, usize> = BTreeMap::new();
    let mut undated = 0;
    for tally in &tallies {
        if let Some(council) = &tally.council {
            *councils.entry(council.clone()).or_default() += tally.count;
        }
        if let Some(committee) = &tally.committee {
            *committees.entry(committee.clone()).or_default() += tally.count;
        }
        match tally.year {
            Some(year) => *years.entry(year).or_default() += tally.count,
            None => undated += tally.count,
        }
    }
    let most_first = |counts: BTreeMap<String, usize>| {
        let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        counts
    };
    Ok(Facets {
        total: tallies.iter().map(|tally| tally.count).sum(),
        councils: most_first(councils),
        committees: most_first(committees),
        years: years.into_iter().collect(),
        undated,
    })
}
