//! One request, for every front end: the query, its filters, paging,
//! duplicates, grouping and the glossary switch, each defined once.
//!
//! The command line reads these types with clap (`#[command(flatten)]`),
//! the web pages and the JSON API with serde from the URL's query string,
//! the saved-search file with serde from TOML, and `export` takes the same
//! [`Selection`]. A filter added to [`Filters`] therefore reaches every
//! front end at once, under one name: `--council` on the command line,
//! `council=` in a URL, `council = [...]` in the saved-search file.
//!
//! The pieces nest: [`Filters`] inside [`Selection`] (which passages),
//! inside [`SearchRequest`] (which page of them) and [`CompareRequest`]
//! (side by side). Ranges that depend on the front end (the server answers
//! fewer results per call than the command line prints) are checked by
//! [`Bounds`], in one place too.
//!
//! Unknown names are refused by comparing them with clap's argument ids
//! ([`parameter_names`]), not by serde's `deny_unknown_fields`, which does
//! not see through nested `#[serde(flatten)]`.

use clap::Args;
use jiff::civil::Date;
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};

use crate::compare::GroupBy;
use crate::error::{Error, Result};
use crate::glossary::Glossary;

/// Passages shown per page of a search, unless asked otherwise.
pub const DEFAULT_LIMIT: usize = 10;
/// Best passages shown per group of a comparison, unless asked otherwise.
pub const DEFAULT_PER: usize = 3;

/// Passages of one record shown on a page of results by default; the rest
/// are counted ("2 more in this record").
pub const DEFAULT_PER_RECORD: usize = 2;

/// How a search's passages are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Latest meeting first; records that state no date last.
    Newest,
    /// Earliest meeting first; records that state no date last.
    Oldest,
}

/// Restrictions on top of the query text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Only this council (repeat for several); case does not matter.
    #[arg(id = "council", long = "council", value_name = "COUNCIL")]
    #[serde(
        rename = "council",
        deserialize_with = "texts",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub councils: Vec<String>,

    /// Only committees whose name contains these words.
    #[arg(long, value_name = "WORDS")]
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub committee: Option<String>,

    /// Only agenda items this officer attended, e.g. "Blair Keltie".
    #[arg(long, value_name = "NAME")]
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,

    /// Only meetings on or after this date (YYYY-MM-DD); undated records are left out.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    #[serde(with = "optional_date", skip_serializing_if = "Option::is_none")]
    pub from: Option<Date>,

    /// Only meetings on or before this date (YYYY-MM-DD); undated records are left out.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    #[serde(with = "optional_date", skip_serializing_if = "Option::is_none")]
    pub to: Option<Date>,

    /// Only decisions: the RESOLVED passages of minutes ("RESOLVED – That:
    /// a) … b) …"), to find what boards decided about a subject.
    #[arg(long)]
    #[serde(deserialize_with = "flag", skip_serializing_if = "std::ops::Not::not")]
    pub resolutions: bool,

    /// One group of a comparison; set by `compare` itself, never by a user.
    #[arg(skip)]
    #[serde(skip)]
    pub group: Option<GroupFilter>,
}

/// One group of a comparison, as a filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupFilter {
    /// A council, by its name; `None` for records with no council.
    Council(Option<String>),
    /// A committee, by its exact name; `None` for records with none.
    Committee(Option<String>),
    /// A meeting year; `None` for undated records.
    Year(Option<u64>),
}

impl Filters {
    /// True when any filter a user can set is set.
    pub fn any(&self) -> bool {
        !self.councils.is_empty()
            || self.committee.is_some()
            || self.officer.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.resolutions
    }

    /// Checks what the types cannot: a date range that can hold a meeting.
    pub fn check(&self) -> Result<()> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(Error::InvalidArgument {
                    what: "date range",
                    value: format!("{from} to {to}"),
                    reason: "the first date is after the last; no meeting can be in that range"
                        .into(),
                });
            }
        }
        Ok(())
    }
}

/// Which passages a request is about: the query, its filters and whether
/// the glossary widens it. `timeline`, `export` and saved searches take
/// this alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Args, Serialize, Deserialize)]
#[serde(default)]
pub struct Selection {
    /// What to look for: words in any form, "exact phrases", AND / OR /
    /// NOT, parentheses and fields such as council:wiltshire or
    /// topic:licensing, e.g. sexting or 'CSE AND NOT sexting'. Typed text
    /// with apostrophes, hyphens or stray brackets searches as its words.
    #[arg(id = "q", value_name = "QUERY", required = true)]
    #[serde(deserialize_with = "text", skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,

    #[command(flatten)]
    #[serde(flatten)]
    pub filters: Filters,

    /// Do not widen the query with the glossary's acronyms and synonyms.
    #[arg(long)]
    #[serde(deserialize_with = "flag", skip_serializing_if = "std::ops::Not::not")]
    pub no_expand: bool,
}

impl Selection {
    /// A selection of what matches `query`, with no filters.
    pub fn of(query: &str) -> Selection {
        Selection {
            query: Some(query.to_string()),
            ..Selection::default()
        }
    }

    /// The query text; empty when none was given (which the query
    /// pipeline refuses with a hint).
    pub fn text(&self) -> &str {
        self.query.as_deref().unwrap_or_default()
    }

    /// The glossary to widen the query with: the one given, unless the
    /// selection asks for none.
    pub fn glossary<'a>(&self, glossary: Option<&'a Glossary>) -> Option<&'a Glossary> {
        glossary.filter(|_| !self.no_expand)
    }
}

/// A page of ranked passages: `scrutiny search`, `/` and `/api/search`.
#[derive(Debug, Clone, PartialEq, Eq, Args, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    #[command(flatten)]
    #[serde(flatten)]
    pub selection: Selection,

    /// How many passages to show per page.
    #[arg(long, short = 'n', default_value_t = DEFAULT_LIMIT)]
    #[serde(deserialize_with = "number", skip_serializing_if = "is_default_limit")]
    pub limit: usize,

    /// Which page of passages to show, from 1.
    #[arg(long, default_value_t = 1)]
    #[serde(deserialize_with = "number", skip_serializing_if = "is_first")]
    pub page: usize,

    /// Show passages published more than once separately, not as one hit.
    #[arg(long)]
    #[serde(deserialize_with = "flag", skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,

    /// At most N passages of one record on a page; the rest are counted
    /// ("3 more in this record"). 0 shows them all.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PER_RECORD)]
    #[serde(
        deserialize_with = "number",
        skip_serializing_if = "is_default_per_record"
    )]
    pub per_record: usize,

    /// The order of passages: relevance, or the newest or oldest meeting
    /// first (records that state no date come last).
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    #[serde(skip_serializing_if = "is_relevance")]
    pub sort: Sort,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            selection: Selection::default(),
            limit: DEFAULT_LIMIT,
            page: 1,
            all: false,
            per_record: DEFAULT_PER_RECORD,
            sort: Sort::Relevance,
        }
    }
}

impl SearchRequest {
    /// The first `limit` passages matching `query`, with no filters.
    pub fn new(query: &str, limit: usize) -> SearchRequest {
        SearchRequest {
            selection: Selection::of(query),
            limit,
            ..SearchRequest::default()
        }
    }

    /// Checks the ranges a front end allows.
    pub fn check(&self, bounds: &Bounds) -> Result<()> {
        bounds.check_selection(&self.selection)?;
        within("limit", self.limit, bounds.limit)?;
        within("page", self.page, bounds.page)?;
        if self.per_record > bounds.limit {
            return Err(Error::InvalidArgument {
                what: "per_record",
                value: self.per_record.to_string(),
                reason: format!("use a whole number from 0 (all) to {}", bounds.limit),
            });
        }
        Ok(())
    }
}

/// Councils (or committees, or years) side by side: `scrutiny compare`,
/// `/compare` and `/api/compare`.
#[derive(Debug, Clone, PartialEq, Eq, Args, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareRequest {
    #[command(flatten)]
    #[serde(flatten)]
    pub selection: Selection,

    /// What to put side by side.
    #[arg(long, value_enum, default_value_t = GroupBy::Council)]
    #[serde(skip_serializing_if = "is_by_council")]
    pub by: GroupBy,

    /// Best passages shown per group.
    #[arg(long, default_value_t = DEFAULT_PER)]
    #[serde(deserialize_with = "number", skip_serializing_if = "is_default_per")]
    pub per: usize,
}

impl Default for CompareRequest {
    fn default() -> CompareRequest {
        CompareRequest {
            selection: Selection::default(),
            by: GroupBy::Council,
            per: DEFAULT_PER,
        }
    }
}

impl CompareRequest {
    /// Checks the ranges a front end allows.
    pub fn check(&self, bounds: &Bounds) -> Result<()> {
        bounds.check_selection(&self.selection)?;
        within("per", self.per, bounds.per)
    }
}

/// The largest values a front end accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Passages per page of a search.
    pub limit: usize,
    /// The furthest page.
    pub page: usize,
    /// Passages per group of a comparison.
    pub per: usize,
    /// The longest query, in characters.
    pub query_chars: usize,
}

impl Bounds {
    /// What the command line allows: one person at a terminal.
    pub const COMMAND_LINE: Bounds = Bounds {
        limit: 1000,
        page: 1000,
        per: 100,
        query_chars: 100_000,
    };

    /// What the web server allows: every request shares the machine.
    pub const SERVER: Bounds = Bounds {
        limit: 100,
        page: 50,
        per: 10,
        query_chars: 500,
    };

    /// Checks the query's length and the filters.
    pub fn check_selection(&self, selection: &Selection) -> Result<()> {
        let length = selection.text().chars().count();
        if length > self.query_chars {
            return Err(Error::InvalidArgument {
                what: "query",
                value: format!("{}…", selection.text().chars().take(40).collect::<String>()),
                reason: format!(
                    "it is {length} characters long; the limit is {}",
                    self.query_chars
                ),
            });
        }
        selection.filters.check()
    }
}

// Defaults are left out of URLs, to keep links short.
fn is_default_limit(limit: &usize) -> bool {
    *limit == DEFAULT_LIMIT
}

fn is_default_per_record(per_record: &usize) -> bool {
    *per_record == DEFAULT_PER_RECORD
}

fn is_relevance(sort: &Sort) -> bool {
    *sort == Sort::Relevance
}

fn is_first(page: &usize) -> bool {
    *page == 1
}

fn is_by_council(by: &GroupBy) -> bool {
    *by == GroupBy::Council
}

fn is_default_per(per: &usize) -> bool {
    *per == DEFAULT_PER
}

fn within(what: &'static str, value: usize, high: usize) -> Result<()> {
    if (1..=high).contains(&value) {
        return Ok(());
    }
    Err(Error::InvalidArgument {
        what,
        value: value.to_string(),
        reason: format!("use a whole number from 1 to {high}"),
    })
}

/// A parameter that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParameter(pub String);

/// The names a request type takes, as its URL parameters: clap's argument
/// ids, which are the serde field names (a test holds them together) but
/// for the query, `q` in a URL as in every search box.
pub fn parameter_names<T: Args>() -> Vec<String> {
    T::augment_args(clap::Command::new("request"))
        .get_arguments()
        .map(|argument| argument.get_id().as_str().to_string())
        .collect()
}

/// The names a request type's fields have in a file: its URL parameter
/// names, with the query called `query`.
pub fn field_names<T: Args>() -> Vec<String> {
    parameter_names::<T>()
        .into_iter()
        .map(|name| if name == "q" { "query".into() } else { name })
        .collect()
}

/// Reads a request from a URL's query string (`q=taxi&council=Kent&council=Wiltshire`),
/// refusing names the request type does not take. A repeated name gives a
/// list; empty values (as a form sends for blank fields) count as absent.
pub fn from_query_string<T: Args + DeserializeOwned>(
    raw: Option<&str>,
) -> std::result::Result<T, BadParameter> {
    use serde_json::{Map, Value};

    let raw = raw.unwrap_or_default();
    check_encoding(raw)?;
    let names = parameter_names::<T>();
    let mut map = Map::new();
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        if !names.iter().any(|known| *known == name) {
            return Err(BadParameter(format!(
                "unknown parameter {name:?}; this page takes {}",
                names.join(", ")
            )));
        }
        let value = Value::String(value.into_owned());
        let name = if name == "q" { "query".into() } else { name };
        match map.get_mut(name.as_ref()) {
            None => {
                map.insert(name.into_owned(), value);
            }
            Some(Value::Array(values)) => values.push(value),
            Some(first) => *first = Value::Array(vec![first.take(), value]),
        }
    }
    serde_json::from_value(Value::Object(map)).map_err(|error| BadParameter(error.to_string()))
}

/// A request's set values, one `(name, value)` per value: a list gives one
/// entry per item, a switch that is off or a value that is absent none.
/// Values are written as text, switches as `true`.
fn entries<T: Serialize>(request: &T) -> Vec<(String, Option<String>)> {
    use serde_json::Value;

    let Ok(Value::Object(map)) = serde_json::to_value(request) else {
        return Vec::new();
    };
    let mut entries = Vec::new();
    for (name, value) in map {
        let values = match value {
            Value::Array(values) => values,
            other => vec![other],
        };
        for value in values {
            match value {
                Value::String(text) => entries.push((name.clone(), Some(text))),
                Value::Number(number) => entries.push((name.clone(), Some(number.to_string()))),
                Value::Bool(true) => entries.push((name.clone(), None)),
                _ => {}
            }
        }
    }
    entries
}

/// Refuses a query string that does not decode: a `%` not followed by two
/// hex digits, or bytes that are not UTF-8 text. Decoding them leniently
/// would search for replacement characters the user never typed.
fn check_encoding(raw: &str) -> std::result::Result<(), BadParameter> {
    for component in raw.split('&') {
        let bytes = component.as_bytes();
        let mut decoded = Vec::with_capacity(bytes.len());
        let mut position = 0;
        while position < bytes.len() {
            let byte = bytes[position];
            if byte == b'%' {
                let hex = bytes
                    .get(position + 1..position + 3)
                    .and_then(|pair| std::str::from_utf8(pair).ok())
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok());
                let Some(value) = hex else {
                    return Err(BadParameter(format!(
                        "{component:?} has a % that is not followed by two hex digits \
                         (write a literal % as %25)"
                    )));
                };
                decoded.push(value);
                position += 3;
            } else {
                decoded.push(byte);
                position += 1;
            }
        }
        if std::str::from_utf8(&decoded).is_err() {
            return Err(BadParameter(format!(
                "{component:?} does not decode to UTF-8 text"
            )));
        }
    }
    Ok(())
}

/// A request as a URL query string: the inverse of [`from_query_string`].
/// The query is written as `q`, the name every search box uses.
pub fn to_query_string<T: Serialize>(request: &T) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in entries(request) {
        let name = if name == "query" { "q" } else { name.as_str() };
        out.append_pair(name, value.as_deref().unwrap_or("1"));
    }
    out.finish()
}

/// A request as the command-line flags that ask for it, e.g.
/// `--council "Kent" --resolutions`, for showing a saved search.
pub fn to_flags<T: Serialize>(request: &T) -> Vec<String> {
    entries(request)
        .into_iter()
        .map(|(name, value)| {
            let flag = format!("--{}", name.replace('_', "-"));
            match value {
                Some(value) => format!("{flag} {value:?}"),
                None => flag,
            }
        })
        .collect()
}

/// Parses a `YYYY-MM-DD` date given on the command line, in a URL or in a
/// saved search.
pub fn parse_date(value: &str) -> std::result::Result<Date, String> {
    value
        .trim()
        .parse::<Date>()
        .map_err(|error| format!("{value:?} is not a date: expected YYYY-MM-DD ({error})"))
}

/// Text with surrounding spaces trimmed; empty text is no value.
fn text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Option<String>, D::Error> {
    let value = Option::<String>::deserialize(deserializer)?;
    Ok(value
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty()))
}

/// One text or several; empty ones dropped.
fn texts<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    let values = match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(value) => vec![value],
        OneOrMany::Many(values) => values,
    };
    Ok(values
        .into_iter()
        .map(|value| value.trim().to_string())
        .filter(|value| !value.is_empty())
        .collect())
}

/// A date as text, `YYYY-MM-DD`; empty text is no date.
mod optional_date {
    use jiff::civil::Date;
    use serde::{de, Deserializer, Serializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Option<Date>, D::Error> {
        match super::text(deserializer)? {
            None => Ok(None),
            Some(value) => super::parse_date(&value)
                .map(Some)
                .map_err(de::Error::custom),
        }
    }

    pub fn serialize<S: Serializer>(
        date: &Option<Date>,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        match date {
            Some(date) => serializer.serialize_str(&date.to_string()),
            None => serializer.serialize_none(),
        }
    }
}

/// A switch: `true`/`false` in a file; `1`, `true`, `on` or empty (a bare
/// `?all`) and `0`, `false`, `off` in a URL.
fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Switch {
        Bool(bool),
        Text(String),
    }
    match Switch::deserialize(deserializer)? {
        Switch::Bool(value) => Ok(value),
        Switch::Text(text) => match text.trim() {
            "" | "1" | "true" | "on" => Ok(true),
            "0" | "false" | "off" => Ok(false),
            other => Err(de::Error::custom(format!(
                "{other:?} is not a switch: use 1 or 0"
            ))),
        },
    }
}

/// A whole number, written as a number or as text.
fn number<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<usize, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Number {
        Number(usize),
        Text(String),
    }
    match Number::deserialize(deserializer)? {
        Number::Number(value) => Ok(value),
        Number::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| de::Error::custom(format!("{text:?} is not a whole number"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_name_is_a_field_name() {
        // Each name clap gives a request's arguments must be one serde
        // reads: a URL with every parameter set is read whole.
        let raw = parameter_names::<SearchRequest>()
            .iter()
            .map(|name| {
                let value = match name.as_str() {
                    "from" | "to" => "2017-01-01",
                    "limit" | "page" => "2",
                    "per_record" => "3",
                    "sort" => "newest",
                    "all" | "no_expand" | "resolutions" => "1",
                    _ => "word",
                };
                format!("{name}={value}")
            })
            .collect::<Vec<_>>()
            .join("&");
        let request: SearchRequest = from_query_string(Some(&raw)).unwrap();
        assert_eq!(request.per_record, 3);
        assert_eq!(request.sort, Sort::Newest);
        assert_eq!(request.selection.query.as_deref(), Some("word"));
        assert_eq!(request.selection.filters.councils, ["word"]);
        assert_eq!(request.selection.filters.committee.as_deref(), Some("word"));
        assert_eq!(request.selection.filters.officer.as_deref(), Some("word"));
        assert_eq!(
            request.selection.filters.from,
            Some(jiff::civil::date(2017, 1, 1))
        );
        assert_eq!(
            request.selection.filters.to,
            Some(jiff::civil::date(2017, 1, 1))
        );
        assert!(request.selection.filters.resolutions);
        assert!(request.selection.no_expand);
        assert_eq!((request.limit, request.page, request.all), (2, 2, true));
        assert_eq!(
            parameter_names::<CompareRequest>(),
            [
                "q",
                "council",
                "committee",
                "officer",
                "from",
                "to",
                "resolutions",
                "no_expand",
                "by",
                "per"
            ]
        );
    }

    #[test]
    fn a_search_url_round_trips() {
        let raw =
            "q=taxi+driver&council=Wiltshire&council=Kent&from=2015-01-01&all=1&resolutions=1";
        let request: SearchRequest = from_query_string(Some(raw)).unwrap();
        assert_eq!(request.selection.text(), "taxi driver");
        assert_eq!(request.selection.filters.councils, ["Wiltshire", "Kent"]);
        assert_eq!(
            request.selection.filters.from.unwrap().to_string(),
            "2015-01-01"
        );
        assert!(request.all);
        assert_eq!((request.limit, request.page), (DEFAULT_LIMIT, 1));
        let written = to_query_string(&request);
        assert_eq!(
            written,
            "q=taxi+driver&council=Wiltshire&council=Kent&from=2015-01-01&resolutions=1&all=1"
        );
        let again: SearchRequest = from_query_string(Some(&written)).unwrap();
        assert_eq!(again, request);
    }

    #[test]
    fn a_query_string_that_does_not_decode_is_refused() {
        let refused = |raw: &str| from_query_string::<Selection>(Some(raw)).unwrap_err().0;
        assert_eq!(
            refused("q=%ff%fe"),
            "\"q=%ff%fe\" does not decode to UTF-8 text"
        );
        assert_eq!(
            refused("q=%"),
            "\"q=%\" has a % that is not followed by two hex digits (write a literal % as %25)"
        );
        assert!(refused("q=%zz").contains("not followed by two hex digits"));
        let fine: Selection = from_query_string(Some("q=caf%C3%A9+100%25")).unwrap();
        assert_eq!(fine.text(), "café 100%");
    }

    #[test]
    fn blank_form_fields_are_absent() {
        let request: SearchRequest =
            from_query_string(Some("q=CSE&council=&committee=+&from=&to=&officer=")).unwrap();
        assert_eq!(request, SearchRequest::new("CSE", DEFAULT_LIMIT));
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let message = |raw: &str| {
            let request: std::result::Result<CompareRequest, _> = from_query_string(Some(raw));
            request.unwrap_err().0
        };
        assert_eq!(
            message("colour=red"),
            "unknown parameter \"colour\"; this page takes q, council, committee, officer, \
             from, to, resolutions, no_expand, by, per"
        );
        assert_eq!(message("per=two"), "\"two\" is not a whole number");
        assert_eq!(
            message("resolutions=maybe"),
            "\"maybe\" is not a switch: use 1 or 0"
        );
        assert!(message("from=26/09/2017")
            .starts_with("\"26/09/2017\" is not a date: expected YYYY-MM-DD"));
        assert_eq!(
            message("by=month"),
            "unknown variant `month`, expected one of `council`, `committee`, `year`"
        );
    }

    #[test]
    fn bounds_name_the_value_and_the_range() {
        let search = |raw: &str| -> SearchRequest { from_query_string(Some(raw)).unwrap() };
        let refused =
            |request: SearchRequest| request.check(&Bounds::SERVER).unwrap_err().to_string();
        assert_eq!(
            refused(search("q=a&page=0")),
            "invalid page \"0\": use a whole number from 1 to 50"
        );
        assert_eq!(
            refused(search("q=a&limit=5000")),
            "invalid limit \"5000\": use a whole number from 1 to 100"
        );
        assert!(search("q=a&limit=1000")
            .check(&Bounds::COMMAND_LINE)
            .is_ok());
        assert_eq!(
            refused(search("q=a&from=2020-01-01&to=2019-01-01")),
            "invalid date range \"2020-01-01 to 2019-01-01\": the first date is after the last; \
             no meeting can be in that range"
        );
        let long = format!("q={}", "a".repeat(501));
        assert!(refused(search(&long)).ends_with("it is 501 characters long; the limit is 500"));
    }

    #[test]
    fn a_selection_reads_and_writes_toml() {
        let text =
            "query = \"taxi\"\ncouncil = [\"Kent\"]\nfrom = \"2015-01-01\"\nresolutions = true\n";
        let selection: Selection = toml::from_str(text).unwrap();
        assert_eq!(selection.text(), "taxi");
        assert_eq!(selection.filters.councils, ["Kent"]);
        assert!(selection.filters.resolutions);
        assert_eq!(toml::to_string(&selection).unwrap(), text);
    }
}
