//! The query pipeline: query → rank → snippet, one call shared by every
//! front end so the CLI, its JSON and (later) the web page always agree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{Query as _, Scorer as _};
use tantivy::schema::{Field, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Score;
use tantivy::{DocAddress, DocSet as _, Searcher, TantivyDocument};

use crate::dedup;
use crate::error::{Error, Result};
use crate::extract::Person;
use crate::glossary::{self, Glossary};
use crate::index::{document, ScrutinyIndex};
use crate::query::{self, Correction, Expansion, QueryOptions};
use crate::request::{Filters, SearchRequest, Selection, Sort};
use crate::snippet::Highlighted;

/// The longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// One run of the ranking: what every entry point (a search, a
/// comparison's groups, an export, a saved search) turns its request into.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run<'a> {
    pub query: &'a str,
    pub filters: &'a Filters,
    /// The glossary to expand terms with; `None` expands nothing.
    pub glossary: Option<&'a Glossary>,
    /// Passages (after duplicates collapse) left out before the first one
    /// returned: the earlier pages.
    pub skip: usize,
    pub limit: usize,
    /// Show duplicate passages separately instead of collapsing them.
    pub all: bool,
    /// Match passages with any of the words, not all of them.
    pub any_word: bool,
    /// At most this many passages of one record; 0 for all.
    pub per_record: usize,
    pub sort: Sort,
}

/// Another place a collapsed passage appears.
#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub id: String,
    pub council: Option<String>,
    pub committee: Option<String>,
    pub date: Option<String>,
    pub source: Source,
}

/// Where a passage comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Source {
    /// The file, as a path the user can open.
    pub path: String,
    /// The file relative to the corpus folder.
    pub key: String,
    /// First and last source line of the passage, 1-based; for a paged
    /// format (PDF), lines on the first and last of `pages`.
    pub lines: [u32; 2],
    /// First and last page of the passage, for paged formats.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
}

impl Source {
    /// The passage's place in its file: `12-18`, or `p3:12-18` and
    /// `p3:40-p4:2` in a PDF.
    pub fn place(&self) -> String {
        place(self.lines, self.pages)
    }
}

/// A passage's lines, with pages when the format has them: `12-18`,
/// `p3:12-18`, `p3:40-p4:2`.
pub fn place(lines: [u32; 2], pages: Option<[u32; 2]>) -> String {
    let [first, last] = lines;
    match pages {
        Some([page, last_page]) if page != last_page => {
            format!("p{page}:{first}-p{last_page}:{last}")
        }
        Some([page, _]) if first == last => format!("p{page}:{first}"),
        Some([page, _]) => format!("p{page}:{first}-{last}"),
        None if first == last => first.to_string(),
        None => format!("{first}-{last}"),
    }
}

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: String,
    pub council: Option<String>,
    pub committee: Option<String>,
    /// Meeting date as YYYY-MM-DD, or null when the record does not state it.
    pub date: Option<String>,
    pub kind: String,
    /// The agenda item's title.
    pub topic: Option<String>,
    /// The agenda item's number.
    pub item: Option<String>,
    pub officers: Vec<Person>,
    pub source: Source,
    /// Where the record was published, when its sidecar says so.
    pub url: Option<String>,
    pub score: f32,
    /// The best fragment, plain text.
    pub snippet: String,
    /// Matched words in `snippet`, as `[start, end)` character ranges.
    pub highlights: Vec<[usize; 2]>,
    /// `snippet` as HTML, escaped, with matched words in `<mark>`.
    pub snippet_html: String,
    /// Which field the snippet was taken from: `body`, or `topic` when the
    /// passage matched only through its item's title.
    pub snippet_field: String,
    /// Matched words in `topic`, as `[start, end)` character ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topic_highlights: Vec<[usize; 2]>,
    /// The whole passage.
    pub text: String,
    /// True for a decision: a RESOLVED block and its points.
    pub resolution: bool,
    /// True for a passage of a standard item (apologies, declarations,
    /// previous minutes, …); its score is weighted by [`STANDARD_WEIGHT`].
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub standard: bool,
    /// Other places the same (or nearly the same) passage appears.
    pub also_in: Vec<Location>,
    /// Passages of the same record that matched but were left off the page
    /// ("3 more in this record"); see `--per-record`.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_in_record: usize,
    /// True when the passage holds only some of the query's words (shown
    /// after every passage that holds them all).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// How many passages match in all, duplicates included: with every
    /// word, and (when those do not fill the page) with some of them.
    pub total: usize,
    /// How many passages hold every word of the query.
    pub total_all_words: usize,
    /// Glossary expansions applied to the query.
    pub expansions: Vec<Expansion>,
    /// Words found nowhere in the index, matched with typos.
    pub corrections: Vec<Correction>,
    /// What was searched, when the query as typed was read leniently
    /// (`children's services` and the like).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub searched_as: Option<String>,
    /// With a date filter: passages that match the search but come from
    /// records stating no meeting date, which the filter leaves out.
    pub undated_excluded: usize,
    pub hits: Vec<Hit>,
}

/// What a standard item's passage (apologies, declarations, previous
/// minutes) scores, as a share of its text's score: such items are rarely
/// what a reader searches for, so a substantive item that matches as well
/// ranks above them. Applied to the candidates fetched (three times the
/// page and more), so it reorders them without widening the search.
pub const STANDARD_WEIGHT: f32 = 0.5;

/// Runs a search: the page of ranked passages the request asks for.
pub fn search(
    index: &ScrutinyIndex,
    request: &SearchRequest,
    glossary: Option<&Glossary>,
) -> Result<SearchResults> {
    let selection = &request.selection;
    run(
        index,
        &Run {
            query: selection.text(),
            filters: &selection.filters,
            glossary: selection.glossary(glossary),
            skip: request.limit.saturating_mul(request.page.saturating_sub(1)),
            limit: request.limit,
            all: request.all,
            any_word: false,
            per_record: request.per_record,
            sort: request.sort,
        },
    )
}

pub(crate) fn run(index: &ScrutinyIndex, request: &Run) -> Result<SearchResults> {
    let searcher = index.searcher()?;
    check_councils(index, &searcher, &request.filters.councils)?;
    let options = QueryOptions {
        glossary: request.glossary,
        any_word: request.any_word,
        topic_only: false,
    };
    let built = query::build(index, &searcher, request.query, request.filters, options)?;
    let query = built.query;

    // Fetch more than asked: duplicates collapse, and ties at the cut are
    // broken by id the same way on every run, whatever the segment layout.
    let wanted = request.skip.saturating_add(request.limit);
    let fetch = wanted.saturating_mul(3).saturating_add(20);
    // Without phrases, two passes beat one collector pair: alone, the top
    // passages are found with block-max WAND, skipping blocks that cannot
    // reach the top, and the count is taken without scoring. Matching a
    // phrase means reading positions, which a second pass would repeat.
    let mut has_phrase = false;
    query.query_terms(&mut |_, needs_positions| has_phrase |= needs_positions);
    // Grouping by record leaves passages of a long record out of the page,
    // so more are fetched to fill it.
    let fetch = if request.per_record > 0 {
        fetch.saturating_mul(2)
    } else {
        fetch
    };
    let top_docs = TopDocs::with_limit(fetch.max(1)).order_by_score();
    let (top, total) = if request.sort != Sort::Relevance {
        (
            by_date(index, &searcher, &*query, request.sort, fetch)?,
            searcher.search(&*query, &Count)?,
        )
    } else if has_phrase {
        searcher.search(&*query, &(top_docs, Count))?
    } else {
        (
            searcher.search(&*query, &top_docs)?,
            searcher.search(&*query, &Count)?,
        )
    };
    // Too few passages hold every word to fill the page: those with some
    // of the words follow, best (most and rarest words) first. Forced
    // words (`AND`, `+word`, quotes) stay forced.
    let total_all_words = total;
    let mut top: Vec<(Score, tantivy::DocAddress, bool)> = top
        .into_iter()
        .map(|(score, address)| (score, address, false))
        .collect();
    let mut total = total;
    // A query that excludes words is an expert's, and means all of the
    // rest.
    let several_words = request.query.split_whitespace().nth(1).is_some();
    let excludes = query::excludes(request.query);
    if !request.any_word
        && request.sort == Sort::Relevance
        && total < wanted
        && several_words
        && !excludes
    {
        let any = query::build(
            index,
            &searcher,
            request.query,
            request.filters,
            QueryOptions {
                any_word: true,
                ..options
            },
        )?;
        let have: rustc_hash::FxHashSet<tantivy::DocAddress> =
            top.iter().map(|(_, address, _)| *address).collect();
        let partial = TopDocs::with_limit(fetch.max(1)).order_by_score();
        let (more, any_total) = searcher.search(&*any.query, &(partial, Count))?;
        top.extend(
            more.into_iter()
                .filter(|(_, address)| !have.contains(address))
                .map(|(score, address)| (score, address, true)),
        );
        total = any_total.max(total);
    }
    let highlighter = Highlighter::new(
        index,
        &searcher,
        request,
        &built.expansions,
        &built.corrections,
    )?;
    let hits = rank(index, &searcher, request, &highlighter, top)?;
    let undated_excluded = if request.filters.from.is_some() || request.filters.to.is_some() {
        undated_matches(index, &searcher, request)?
    } else {
        0
    };
    Ok(SearchResults {
        query: request.query.to_string(),
        total,
        total_all_words,
        expansions: built.expansions,
        corrections: built.corrections,
        searched_as: built.searched_as,
        undated_excluded,
        hits,
    })
}

/// The page of hits from the candidates a search found (score, passage,
/// and whether it holds only some of the words): each read, a title's share
/// counted once per item, standard items weighed down, ranked, duplicates
/// collapsed, the page cut and highlighted. Compare calls it for each
/// group's candidates from its one pass.
pub(crate) fn rank(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    request: &Run,
    highlighter: &Highlighter,
    top: Vec<(Score, tantivy::DocAddress, bool)>,
) -> Result<Vec<Hit>> {
    let wanted = request.skip.saturating_add(request.limit);
    let mut hits_of = HitReader::new(index, searcher);
    let mut candidates = Vec::with_capacity(top.len());
    let mut addresses = Vec::with_capacity(top.len());
    for (score, address, partial) in top {
        let mut hit = hits_of.hit(address, score)?;
        hit.partial = partial;
        candidates.push(hit);
        addresses.push(address);
    }
    // Compare (any word) ranks each group's few best passages: the extra
    // query is not spent on every group.
    if request.sort == Sort::Relevance && !request.any_word {
        title_once(index, searcher, request, &mut candidates, &addresses)?;
    }
    for hit in &mut candidates {
        if hit.standard {
            hit.score *= STANDARD_WEIGHT;
        }
    }
    match request.sort {
        Sort::Relevance => candidates.sort_by(|a, b| {
            a.partial
                .cmp(&b.partial)
                .then_with(|| quantised(b.score).cmp(&quantised(a.score)))
                .then_with(|| a.id.cmp(&b.id))
        }),
        Sort::Newest | Sort::Oldest => candidates.sort_by(|a, b| {
            let order = match (&a.date, &b.date) {
                (Some(x), Some(y)) if request.sort == Sort::Newest => y.cmp(x),
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            };
            order
                .then_with(|| quantised(b.score).cmp(&quantised(a.score)))
                .then_with(|| a.id.cmp(&b.id))
        }),
    }

    let grouped: Vec<(Hit, Vec<Hit>)> = if request.all {
        candidates
            .into_iter()
            .map(|hit| (hit, Vec::new()))
            .collect()
    } else {
        dedup::collapse(candidates, |hit| hit.text.as_str())
    };
    let grouped = per_record(grouped, request.per_record);

    let mut hits = Vec::with_capacity(request.limit);
    for (mut hit, duplicates) in grouped.into_iter().take(wanted).skip(request.skip) {
        highlighter.add_snippet(&mut hit);
        hit.also_in = duplicates
            .into_iter()
            .map(|duplicate| Location {
                id: duplicate.id,
                council: duplicate.council,
                committee: duplicate.committee,
                date: duplicate.date,
                source: duplicate.source,
            })
            .collect();
        hits.push(hit);
    }
    Ok(hits)
}

/// A match in an agenda item's title counts once for the item: on its
/// best passage. Every passage of an item carries the item's title, and
/// without this a title holding the query's word lifts each of them alike,
/// so that one item fills the page. From the item's other passages what
/// the title adds is taken off, worked out with the same query over the
/// title alone (a score is the sum of its words' scores in each field),
/// for just these passages. Filters are left out of that query: every
/// candidate already passed them.
fn title_once(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    request: &Run,
    candidates: &mut [Hit],
    addresses: &[tantivy::DocAddress],
) -> Result<()> {
    let key = |hit: &Hit| (hit.source.key.clone(), hit.item.clone(), hit.topic.clone());
    // The best passage of each item that has more than one here.
    let mut best: rustc_hash::FxHashSet<(String, Option<String>, Option<String>)> =
        Default::default();
    let mut others: Vec<usize> = Vec::new();
    let mut order: Vec<usize> = (0..candidates.len())
        .filter(|&at| candidates[at].topic.is_some())
        .collect();
    order.sort_by(|&a, &b| {
        quantised(candidates[b].score)
            .cmp(&quantised(candidates[a].score))
            .then_with(|| candidates[a].id.cmp(&candidates[b].id))
    });
    for at in order {
        if !best.insert(key(&candidates[at])) {
            others.push(at);
        }
    }
    if others.is_empty() {
        return Ok(());
    }
    let title = query::build(
        index,
        searcher,
        request.query,
        &Filters::default(),
        QueryOptions {
            glossary: request.glossary,
            any_word: true,
            topic_only: true,
        },
    )?;
    let weight = title
        .query
        .weight(tantivy::query::EnableScoring::enabled_from_searcher(
            searcher,
        ))?;
    others.sort_by_key(|&at| addresses[at]);
    let mut scorer: Option<(u32, Box<dyn tantivy::query::Scorer>)> = None;
    for at in others {
        let address = addresses[at];
        if scorer
            .as_ref()
            .is_none_or(|(segment, _)| *segment != address.segment_ord)
        {
            let reader = searcher.segment_reader(address.segment_ord);
            scorer = Some((address.segment_ord, weight.scorer(reader, 1.0)?));
        }
        let (_, scorer) = scorer.as_mut().expect("opened above");
        let mut doc = scorer.doc();
        if doc < address.doc_id {
            doc = scorer.seek(address.doc_id);
        }
        if doc == address.doc_id {
            candidates[at].score = (candidates[at].score - scorer.score()).max(0.0);
        }
    }
    Ok(())
}

/// A score to four decimal places, for ordering: the last bits of a float
/// sum depend on the order segments and clauses were added in (the thread
/// layout of the index run), and equal scores must tie, to be broken by id
/// the same way on every run.
fn quantised(score: Score) -> i64 {
    (f64::from(score) * 10_000.0).round() as i64
}

/// At most `limit` passages of one record (0: no limit), in order; each
/// record's last passage kept counts those left out in `more_in_record`.
fn per_record(grouped: Vec<(Hit, Vec<Hit>)>, limit: usize) -> Vec<(Hit, Vec<Hit>)> {
    if limit == 0 {
        return grouped;
    }
    let mut shown: rustc_hash::FxHashMap<String, (usize, usize)> = Default::default();
    let mut kept: Vec<(Hit, Vec<Hit>)> = Vec::with_capacity(grouped.len());
    for (hit, duplicates) in grouped {
        let entry = shown.entry(hit.source.key.clone()).or_insert((0, 0));
        if entry.0 < limit {
            entry.0 += 1;
            kept.push((hit, duplicates));
            entry.1 = kept.len() - 1;
        } else if let Some((last, _)) = kept.get_mut(entry.1) {
            last.more_in_record += 1;
        }
    }
    kept
}

/// The best `limit` matches by meeting date (newest or oldest first),
/// undated passages after every dated one. Reads the date column of every
/// match, which costs far less than scoring them.
fn by_date(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    sort: Sort,
    limit: usize,
) -> Result<Vec<(Score, tantivy::DocAddress)>> {
    use tantivy::collector::DocSetCollector;
    let field_name = index
        .index
        .schema()
        .get_field_name(index.fields.date)
        .to_string();
    let mut dated: Vec<(i64, tantivy::DocAddress)> = Vec::new();
    let mut undated: Vec<tantivy::DocAddress> = Vec::new();
    let mut columns = Vec::new();
    for segment in searcher.segment_readers() {
        columns.push(segment.fast_fields().date(&field_name).ok());
    }
    let mut addresses: Vec<tantivy::DocAddress> = searcher
        .search(query, &DocSetCollector)?
        .into_iter()
        .collect();
    addresses.sort();
    for address in addresses {
        let value = columns
            .get(address.segment_ord as usize)
            .and_then(Option::as_ref)
            .and_then(|column| column.first(address.doc_id));
        match value {
            Some(date) => dated.push((date.into_timestamp_nanos(), address)),
            None => undated.push(address),
        }
    }
    match sort {
        Sort::Oldest => dated.sort_by_key(|(date, _)| *date),
        _ => dated.sort_by_key(|(date, _)| std::cmp::Reverse(*date)),
    }
    // Equal dates keep every passage of the day: the cut is widened to the
    // end of the last day taken, so the order within it is by score and id.
    let mut cut = limit.min(dated.len());
    while cut < dated.len() && cut > 0 && dated[cut].0 == dated[cut - 1].0 {
        cut += 1;
    }
    let mut top: Vec<(Score, tantivy::DocAddress)> = dated[..cut]
        .iter()
        .map(|(_, address)| (0.0, *address))
        .collect();
    top.extend(
        undated
            .into_iter()
            .take(limit.saturating_sub(cut))
            .map(|address| (0.0, address)),
    );
    Ok(top)
}

/// Chooses which words of a passage to mark. The user's own words are
/// marked wherever they occur; the words of a glossary alternative only
/// where the whole alternative occurs, so that "sharing nudes" does not
/// mark every "shared".
pub(crate) struct Highlighter {
    analyzer: TextAnalyzer,
    body_terms: BTreeMap<String, Score>,
    topic_terms: BTreeMap<String, Score>,
    body_field: Field,
    topic_field: Field,
    alternatives: Vec<Vec<String>>,
    /// Words matched with typos: the typed word as analysed, and the edit
    /// distance its matches may be from it.
    typos: Vec<(String, usize)>,
    /// Acronyms in play that match only as written ("SEND"): a word
    /// spelt like one is marked only where written in capitals.
    as_written: Vec<String>,
}

impl Highlighter {
    /// Marks what `request` matched: its own words (filters add none),
    /// the glossary's alternatives and typo corrections.
    pub(crate) fn new(
        index: &ScrutinyIndex,
        searcher: &Searcher,
        request: &Run,
        expansions: &[Expansion],
        corrections: &[Correction],
    ) -> Result<Highlighter> {
        let fields = index.fields;
        let own_words = query::build(
            index,
            searcher,
            request.query,
            request.filters,
            QueryOptions {
                glossary: None,
                any_word: request.any_word,
                topic_only: false,
            },
        )?;
        let mut body_terms = BTreeMap::new();
        let mut topic_terms = BTreeMap::new();
        own_words.query.query_terms(&mut |term, _| {
            if let Some(text) = term.value().as_str() {
                if term.field() == fields.body {
                    body_terms.insert(text.to_string(), 1.0);
                } else if term.field() == fields.topic {
                    topic_terms.insert(text.to_string(), 1.0);
                }
            }
        });
        let mut analyzer = index.index.tokenizer_for_field(fields.body)?;
        let alternatives = expansions
            .iter()
            .flat_map(|expansion| &expansion.alternatives)
            .map(|alternative| glossary::analyse(&mut analyzer, alternative))
            .filter(|words| !words.is_empty())
            .collect();
        let as_written = request.glossary.map_or_else(Vec::new, |glossary| {
            expansions
                .iter()
                .flat_map(|expansion| {
                    std::iter::once(&expansion.term).chain(&expansion.alternatives)
                })
                .filter(|term| glossary.is_capitals_only(term))
                .cloned()
                .collect()
        });
        let typos = corrections
            .iter()
            .filter_map(|correction| {
                let analysed = glossary::analyse(&mut analyzer, &correction.word);
                let [word] = analysed.as_slice() else {
                    return None;
                };
                Some((word.clone(), usize::from(correction.distance)))
            })
            .collect();
        Ok(Highlighter {
            analyzer,
            body_terms,
            topic_terms,
            body_field: fields.body,
            topic_field: fields.topic,
            alternatives,
            typos,
            as_written,
        })
    }

    fn snippet(
        &self,
        field: Field,
        own_terms: &BTreeMap<String, Score>,
        text: &str,
    ) -> Highlighted {
        let generator = self.generator(field, own_terms, text, SNIPPET_CHARS);
        let mut snippet = Highlighted::from_snippet(&generator.snippet(text), text);
        snippet.ranges = self.keep_as_written(&snippet.text, snippet.ranges);
        snippet
    }

    /// `ranges` of `text` without the words spelt like a capitals-only
    /// acronym in play but not written in capitals ("send" for "SEND").
    fn keep_as_written(&self, text: &str, ranges: Vec<[usize; 2]>) -> Vec<[usize; 2]> {
        if self.as_written.is_empty() {
            return ranges;
        }
        let characters: Vec<char> = text.chars().collect();
        ranges
            .into_iter()
            .filter(|[start, end]| {
                let word: String = characters
                    [(*start).min(characters.len())..(*end).min(characters.len())]
                    .iter()
                    .collect();
                !self
                    .as_written
                    .iter()
                    .any(|acronym| word.eq_ignore_ascii_case(acronym) && word != *acronym)
            })
            .collect()
    }

    /// A snippet generator for `text` that marks the user's own words,
    /// the words of every glossary alternative found whole in `text`, and
    /// the words of `text` that a typo-tolerant match took for a typed
    /// word (as the index matched them: analysed words within the edit
    /// distance allowed, a swap of two letters counting as one edit).
    fn generator(
        &self,
        field: Field,
        own_terms: &BTreeMap<String, Score>,
        text: &str,
        max_chars: usize,
    ) -> SnippetGenerator {
        let mut analyzer = self.analyzer.clone();
        let mut terms = own_terms.clone();
        if !self.alternatives.is_empty() || !self.typos.is_empty() {
            let words = glossary::analyse(&mut analyzer, text);
            for word in &words {
                if self
                    .typos
                    .iter()
                    .any(|(typed, distance)| strsim::osa_distance(typed, word) <= *distance)
                {
                    terms.insert(word.clone(), 1.0);
                }
            }
            for alternative in &self.alternatives {
                if words
                    .windows(alternative.len())
                    .any(|window| window == alternative.as_slice())
                {
                    for word in alternative {
                        terms.insert(word.clone(), 1.0);
                    }
                }
            }
        }
        let mut generator = SnippetGenerator::new(terms, analyzer, field, max_chars);
        generator.set_max_num_chars(max_chars);
        generator
    }

    /// The matched words of an item's title, as character ranges of the
    /// whole title: the words that made a hit through the title show
    /// there, whatever the snippet shows.
    fn topic_marks(&self, topic: &str) -> Vec<[usize; 2]> {
        let generator = self.generator(self.topic_field, &self.topic_terms, topic, topic.len() + 1);
        let snippet = generator.snippet(topic);
        let start = snippet.fragment_range().start;
        let char_at = |byte: usize| topic[..byte.min(topic.len())].chars().count();
        let ranges = snippet
            .highlighted()
            .iter()
            .filter(|range| range.start < range.end && topic.is_char_boundary(start + range.end))
            .map(|range| [char_at(start + range.start), char_at(start + range.end)])
            .collect();
        self.keep_as_written(topic, ranges)
    }

    /// Fills in a hit's snippet: from its text, or from its item's title
    /// when only the title matched, or the start of the text when neither
    /// shows a match (a typo-tolerant match, say).
    fn add_snippet(&self, hit: &mut Hit) {
        let mut snippet_field = "body";
        let mut snippet = self.snippet(self.body_field, &self.body_terms, &hit.text);
        if !snippet.has_highlights() {
            let from_topic = hit
                .topic
                .as_deref()
                .map(|topic| self.snippet(self.topic_field, &self.topic_terms, topic));
            match from_topic {
                Some(from_topic) if from_topic.has_highlights() => {
                    snippet = from_topic;
                    snippet_field = "topic";
                }
                _ => snippet = Highlighted::plain(&hit.text, SNIPPET_CHARS),
            }
        }
        hit.snippet_html = snippet.to_html();
        hit.snippet = snippet.text;
        hit.highlights = snippet.ranges;
        hit.snippet_field = snippet_field.to_string();
        hit.topic_highlights = hit
            .topic
            .as_deref()
            .map(|topic| self.topic_marks(topic))
            .unwrap_or_default();
    }
}

/// Turns passage documents into hits, with what every hit of one search
/// shares worked out once: the corpus folder as shown, and each segment's
/// committee column, opened when a hit from that segment first asks for it
/// (opening it per hit was a twentieth of a search). A passage's committee
/// comes from that column: the searchable words are on the record's first
/// passage only, and not stored.
struct HitReader<'a> {
    index: &'a ScrutinyIndex,
    searcher: &'a Searcher,
    corpus: Option<PathBuf>,
    committees: Vec<Option<Option<tantivy::columnar::StrColumn>>>,
}

impl<'a> HitReader<'a> {
    fn new(index: &'a ScrutinyIndex, searcher: &'a Searcher) -> HitReader<'a> {
        HitReader {
            index,
            searcher,
            corpus: shown_corpus(index.commit_info_for(searcher).and_then(|info| info.corpus)),
            committees: searcher.segment_readers().iter().map(|_| None).collect(),
        }
    }

    fn committee(&mut self, address: DocAddress) -> Result<Option<String>> {
        let slot = &mut self.committees[address.segment_ord as usize];
        let column = match slot {
            Some(column) => column,
            None => slot.insert(
                self.searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .str("committee_key")?,
            ),
        };
        let mut name = String::new();
        Ok(crate::index::columns::first_str(
            column.as_ref(),
            address.doc_id,
            &mut name,
        ))
    }
}

impl HitReader<'_> {
    /// The hit for one passage document.
    fn hit(&mut self, address: DocAddress, score: f32) -> Result<Hit> {
        let (index, searcher) = (self.index, self.searcher);
        let fields = index.fields;
        let document: TantivyDocument = searcher.doc(address)?;
        let text = |field| {
            document
                .get_first(field)
                .and_then(|value| value.as_str())
                .map(str::to_string)
        };
        let number = |field| {
            document
                .get_first(field)
                .and_then(|value| value.as_u64())
                .unwrap_or_default()
        };
        let date = document
            .get_first(fields.date)
            .and_then(|value| value.as_datetime())
            .and_then(|date| {
                jiff::Timestamp::from_second(date.into_timestamp_secs())
                    .ok()
                    .map(|timestamp| {
                        timestamp
                            .to_zoned(jiff::tz::TimeZone::UTC)
                            .date()
                            .to_string()
                    })
            });
        let officers: Vec<Person> = text(fields.officers_json)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let key = text(fields.path).unwrap_or_default();
        let line_first = u32::try_from(number(fields.line_first)).unwrap_or(0);
        let line_last = u32::try_from(number(fields.line_last)).unwrap_or(0);
        let page = |field| u32::try_from(number(field)).unwrap_or(0);
        let pages =
            Some([page(fields.page_first), page(fields.page_last)]).filter(|[first, _]| *first > 0);
        Ok(Hit {
            id: text(fields.id).unwrap_or_default(),
            council: text(fields.council),
            committee: self.committee(address)?,
            date,
            kind: text(fields.kind).unwrap_or_default(),
            topic: text(fields.topic),
            item: text(fields.item),
            officers,
            source: Source {
                path: source_path(self.corpus.as_deref(), &key),
                key,
                lines: [line_first, line_last],
                pages,
            },
            url: text(fields.url),
            score,
            snippet: String::new(),
            highlights: Vec::new(),
            snippet_html: String::new(),
            snippet_field: String::new(),
            topic_highlights: Vec::new(),
            text: text(fields.body).unwrap_or_default(),
            resolution: number(fields.resolution) == 1,
            standard: number(fields.standard) == 1,
            also_in: Vec::new(),
            more_in_record: 0,
            partial: false,
        })
    }
}

/// A corpus key as a path to open, under the corpus folder as shown.
fn source_path(corpus: Option<&Path>, key: &str) -> String {
    match corpus {
        Some(corpus) => corpus.join(key).display().to_string(),
        None => key.to_string(),
    }
}

/// The corpus folder as paths are shown: relative to the working folder
/// when the corpus is below it, absolute otherwise.
fn shown_corpus(corpus: Option<PathBuf>) -> Option<PathBuf> {
    let corpus = corpus?;
    let relative = std::env::current_dir()
        .ok()
        .and_then(|here| std::fs::canonicalize(here).ok())
        .and_then(|here| corpus.strip_prefix(here).ok().map(Path::to_path_buf));
    Some(relative.unwrap_or(corpus))
}

/// The councils in the index, as stored (lower case).
pub fn councils(index: &ScrutinyIndex, searcher: &Searcher) -> Result<Vec<String>> {
    let mut councils = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(index.fields.council)?;
        let mut stream = inverted
            .terms()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let council = String::from_utf8_lossy(stream.key()).into_owned();
            if !councils.contains(&council) {
                councils.push(council);
            }
        }
    }
    councils.sort();
    Ok(councils)
}

/// A council filter that names no council in the index is a mistake, not a
/// search with no results: say so and offer the nearest name.
pub(crate) fn check_councils(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    wanted: &[String],
) -> Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let known = councils(index, searcher)?;
    for council in wanted {
        let lowered = council.trim().to_lowercase();
        if known.contains(&lowered) {
            continue;
        }
        let nearest = known
            .iter()
            .map(|name| (strsim::levenshtein(name, &lowered), name))
            .min()
            .filter(|(distance, _)| *distance <= 4)
            .map(|(_, name)| format!("did you mean {name:?}? "))
            .unwrap_or_default();
        return Err(Error::InvalidArgument {
            what: "council",
            value: council.clone(),
            reason: format!(
                "no such council in the index; {nearest}councils are {}",
                known.join(", ")
            ),
        });
    }
    Ok(())
}

/// One passage of an agenda item, for reading the item whole.
#[derive(Debug, Clone, Serialize)]
pub struct ItemPassage {
    pub id: String,
    pub text: String,
    pub source: Source,
}

/// A passage with the whole agenda item around it.
#[derive(Debug, Clone, Serialize)]
pub struct PassageInContext {
    /// The passage asked for, with its record's metadata.
    pub passage: Hit,
    /// Every passage of the same item of the same record, in order; the one
    /// asked for among them.
    pub item: Vec<ItemPassage>,
    /// A ready-to-paste citation of the passage.
    pub citation: String,
}

/// Looks a passage up by its id, with the rest of its agenda item.
pub fn passage(index: &ScrutinyIndex, id: &str) -> Result<Option<PassageInContext>> {
    use std::ops::Bound;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{RangeQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    let searcher = index.searcher()?;
    let fields = index.fields;
    let Some(hash) = document::hash_of_id(id) else {
        return Ok(None);
    };
    let hash_term = Term::from_field_u64(fields.id_hash, hash);
    let by_hash = RangeQuery::new(
        Bound::Included(hash_term.clone()),
        Bound::Included(hash_term),
    );
    let mut hits_of = HitReader::new(index, &searcher);
    let mut found = None;
    for address in searcher.search(&by_hash, &DocSetCollector)? {
        let candidate = hits_of.hit(address, 0.0)?;
        if candidate.id == id {
            found = Some(candidate);
            break;
        }
    }
    let Some(passage) = found else {
        return Ok(None);
    };
    let same_file = TermQuery::new(
        Term::from_field_text(fields.path, &passage.source.key),
        IndexRecordOption::Basic,
    );
    let mut item = Vec::new();
    for address in searcher.search(&same_file, &DocSetCollector)? {
        let other = hits_of.hit(address, 0.0)?;
        if other.id.is_empty() || other.item != passage.item || other.topic != passage.topic {
            continue;
        }
        item.push(ItemPassage {
            id: other.id,
            text: other.text,
            source: other.source,
        });
    }
    item.sort_by_key(|part| (part.source.pages, part.source.lines));
    let citation = citation(&passage);
    Ok(Some(PassageInContext {
        passage,
        item,
        citation,
    }))
}

/// A ready-to-paste citation for a passage: council, committee, meeting
/// date, agenda item, the file with its lines (or PDF pages) and, when
/// known, where the record was published.
pub fn citation(hit: &Hit) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.push(
        hit.council
            .clone()
            .unwrap_or_else(|| "Council not stated".into()),
    );
    if let Some(committee) = &hit.committee {
        parts.push(committee.clone());
    }
    parts.push(match &hit.date {
        Some(date) => match date.parse::<jiff::civil::Date>() {
            Ok(parsed) => format!("meeting of {}", parsed.strftime("%-d %B %Y")),
            Err(_) => format!("meeting of {date}"),
        },
        None => "meeting date not stated".to_string(),
    });
    match (&hit.item, &hit.topic) {
        (Some(item), Some(topic)) => parts.push(format!("item {item}, \u{201c}{topic}\u{201d}")),
        (Some(item), None) => parts.push(format!("item {item}")),
        (None, Some(topic)) => parts.push(format!("\u{201c}{topic}\u{201d}")),
        (None, None) => {}
    }
    let [first, last] = hit.source.lines;
    let place = match hit.source.pages {
        Some([page, last_page]) if page != last_page => {
            format!("pages {page}\u{2013}{last_page}")
        }
        Some([page, _]) => format!("page {page}, lines {first}\u{2013}{last}"),
        None if first == last => format!("line {first}"),
        None => format!("lines {first}\u{2013}{last}"),
    };
    parts.push(format!("{} {place}", hit.source.key));
    let mut citation = parts.join(", ");
    citation.push('.');
    if let Some(url) = &hit.url {
        citation.push_str(&format!(" Available at: {url}"));
    }
    citation.push_str(&format!(" [scrutiny passage {}]", hit.id));
    citation
}

/// Every passage in the index, in file and line order.
pub fn all_passages(index: &ScrutinyIndex) -> Result<Vec<Hit>> {
    use tantivy::collector::DocSetCollector;
    use tantivy::query::TermQuery;
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    let searcher = index.searcher()?;
    let passages = TermQuery::new(
        Term::from_field_text(index.fields.doc_type, crate::index::schema::PASSAGE),
        IndexRecordOption::Basic,
    );
    let mut hits_of = HitReader::new(index, &searcher);
    let mut hits = Vec::new();
    for address in searcher.search(&passages, &DocSetCollector)? {
        hits.push(hits_of.hit(address, 0.0)?);
    }
    hits.sort_by(|a, b| {
        (&a.source.key, a.source.pages, a.source.lines, &a.id).cmp(&(
            &b.source.key,
            b.source.pages,
            b.source.lines,
            &b.id,
        ))
    });
    Ok(hits)
}

/// Every passage a selection matches, best first, duplicates shown
/// separately.
pub fn all_matches(
    index: &ScrutinyIndex,
    selection: &Selection,
    glossary: Option<&Glossary>,
) -> Result<SearchResults> {
    let mut request = Run {
        query: selection.text(),
        filters: &selection.filters,
        glossary: selection.glossary(glossary),
        skip: 0,
        limit: 1,
        all: true,
        any_word: false,
        per_record: 0,
        sort: Sort::Relevance,
    };
    request.limit = run(index, &request)?.total.max(1);
    run(index, &request)
}

/// How many passages from undated records match the search without its
/// date filter.
fn undated_matches(index: &ScrutinyIndex, searcher: &Searcher, request: &Run) -> Result<usize> {
    let mut filters = request.filters.clone();
    filters.from = None;
    filters.to = None;
    let built = query::build(
        index,
        searcher,
        request.query,
        &filters,
        QueryOptions {
            glossary: request.glossary,
            any_word: request.any_word,
            topic_only: false,
        },
    )?;
    Ok(searcher.search(
        &*built.query,
        &UndatedCount {
            doc_type: index.fields.doc_type,
        },
    )?)
}

/// Counts matching passages that carry no date, without scoring them, and
/// without running the query at all in a segment whose passages all carry
/// one: a date filter on a corpus of dated records costs one search, not two.
struct UndatedCount {
    doc_type: Field,
}

impl UndatedCount {
    /// Undated passages in a segment, deleted ones included: its passages
    /// less its dated documents (only passages carry a date). `None` when
    /// the date column does not say how many documents it covers.
    fn undated_in(&self, reader: &tantivy::SegmentReader) -> tantivy::Result<Option<u32>> {
        use tantivy::columnar::ColumnIndex;

        let passages =
            reader
                .inverted_index(self.doc_type)?
                .doc_freq(&tantivy::Term::from_field_text(
                    self.doc_type,
                    crate::index::schema::PASSAGE,
                ))?;
        let date: Option<tantivy::columnar::Column<tantivy::DateTime>> =
            reader.fast_fields().column_opt("date")?;
        let dated = match date.map(|column| column.index) {
            None | Some(ColumnIndex::Empty { .. }) => 0,
            Some(ColumnIndex::Full) => reader.max_doc(),
            Some(ColumnIndex::Optional(index)) => index.num_non_nulls(),
            Some(ColumnIndex::Multivalued(_)) => return Ok(None),
        };
        Ok(Some(passages.saturating_sub(dated)))
    }
}

impl tantivy::collector::Collector for UndatedCount {
    type Fruit = usize;
    type Child = UndatedSegmentCount;

    fn for_segment(
        &self,
        _segment_ord: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<UndatedSegmentCount> {
        Ok(UndatedSegmentCount {
            date: reader.fast_fields().column_opt("date")?,
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, counts: Vec<usize>) -> tantivy::Result<usize> {
        Ok(counts.into_iter().sum())
    }

    fn collect_segment(
        &self,
        weight: &dyn tantivy::query::Weight,
        segment_ord: u32,
        reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<usize> {
        use tantivy::collector::SegmentCollector;

        if self.undated_in(reader)? == Some(0) {
            return Ok(0);
        }
        let mut segment = self.for_segment(segment_ord, reader)?;
        let alive = reader.alive_bitset();
        weight.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                if alive.is_none_or(|alive| alive.is_alive(doc)) {
                    segment.collect(doc, 0.0);
                }
            }
        })?;
        Ok(segment.harvest())
    }
}

struct UndatedSegmentCount {
    date: Option<tantivy::columnar::Column<tantivy::DateTime>>,
    count: usize,
}

impl tantivy::collector::SegmentCollector for UndatedSegmentCount {
    type Fruit = usize;

    fn collect(&mut self, doc: tantivy::DocId, _score: Score) {
        let dated = self
            .date
            .as_ref()
            .is_some_and(|column| column.first(doc).is_some());
        if !dated {
            self.count += 1;
        }
    }

    fn harvest(self) -> usize {
        self.count
    }
}
