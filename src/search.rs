//! The query pipeline: query → rank → snippet, one call shared by every
//! front end so the CLI, its JSON and (later) the web page always agree.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Searcher, TantivyDocument};

use crate::error::{Error, Result};
use crate::extract::Person;
use crate::index::ScrutinyIndex;
use crate::query::{self, Filters};
use crate::snippet::Highlighted;

/// The longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 240;

/// What to search for.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Filters,
    pub limit: usize,
}

/// Where a passage comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Source {
    /// The file, as a path the user can open.
    pub path: String,
    /// The file relative to the corpus folder.
    pub key: String,
    /// First and last source line of the passage, 1-based.
    pub lines: [u32; 2],
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
    /// The whole passage.
    pub text: String,
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    /// How many passages match in all.
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// Runs a search.
pub fn search(index: &ScrutinyIndex, request: &SearchRequest) -> Result<SearchResults> {
    let reader = index.index.reader()?;
    let searcher = reader.searcher();
    check_councils(index, &searcher, &request.filters.councils)?;
    let query = query::build(index, &request.query, &request.filters)?;

    // Fetch more than asked so that ties at the cut are broken by id, the
    // same way on every run, whatever the segment layout.
    let fetch = request.limit.saturating_mul(2).saturating_add(10);
    let (top, total) = searcher.search(
        &*query,
        &(TopDocs::with_limit(fetch.max(1)).order_by_score(), Count),
    )?;

    let fields = index.fields;
    let mut body_snippets = SnippetGenerator::create(&searcher, &*query, fields.body)?;
    body_snippets.set_max_num_chars(SNIPPET_CHARS);
    let mut topic_snippets = SnippetGenerator::create(&searcher, &*query, fields.topic)?;
    topic_snippets.set_max_num_chars(SNIPPET_CHARS);

    let corpus = index.commit_info().and_then(|info| info.corpus);
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        hits.push(hit_of(
            index,
            &searcher,
            address,
            score,
            &body_snippets,
            &topic_snippets,
            corpus.as_deref(),
        )?);
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(request.limit);
    Ok(SearchResults {
        query: request.query.clone(),
        total,
        hits,
    })
}

fn hit_of(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    address: DocAddress,
    score: f32,
    body_snippets: &SnippetGenerator,
    topic_snippets: &SnippetGenerator,
    corpus: Option<&Path>,
) -> Result<Hit> {
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
    let body = text(fields.body).unwrap_or_default();
    let topic = text(fields.topic);

    let mut snippet_field = "body";
    let mut snippet = Highlighted::from_snippet(&body_snippets.snippet(&body), &body);
    if !snippet.has_highlights() {
        let from_topic = topic
            .as_deref()
            .map(|topic| Highlighted::from_snippet(&topic_snippets.snippet(topic), topic));
        match from_topic {
            Some(from_topic) if from_topic.has_highlights() => {
                snippet = from_topic;
                snippet_field = "topic";
            }
            _ => snippet = Highlighted::plain(&body, SNIPPET_CHARS),
        }
    }

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
    Ok(Hit {
        id: text(fields.id).unwrap_or_default(),
        council: text(fields.council),
        committee: text(fields.committee),
        date,
        kind: text(fields.kind).unwrap_or_default(),
        topic,
        item: text(fields.item),
        officers,
        source: Source {
            path: source_path(corpus, &key),
            key,
            lines: [line_first, line_last],
        },
        score,
        snippet_html: snippet.to_html(),
        snippet: snippet.text,
        highlights: snippet.ranges,
        snippet_field: snippet_field.to_string(),
        text: body,
    })
}

/// A corpus key as a path to open: relative to the working folder when the
/// corpus is below it, absolute otherwise.
fn source_path(corpus: Option<&Path>, key: &str) -> String {
    let Some(corpus) = corpus else {
        return key.to_string();
    };
    let full: PathBuf = corpus.join(key);
    let relative = std::env::current_dir()
        .ok()
        .and_then(|here| std::fs::canonicalize(here).ok())
        .and_then(|here| full.strip_prefix(here).ok().map(Path::to_path_buf));
    relative.unwrap_or(full).display().to_string()
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
fn check_councils(index: &ScrutinyIndex, searcher: &Searcher, wanted: &[String]) -> Result<()> {
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
