//! The query string of a page or API call → checked search settings.
//!
//! Every page's state lives in its URL (`/?q=sexting&council=Wiltshire&page=2`)
//! so that a search can be bookmarked and shared. Parameters are checked
//! here, before any search runs: an unknown name, a value out of range or a
//! query longer than [`MAX_QUERY_CHARS`] is a 400 with a sentence saying
//! what is wrong.

use jiff::civil::Date;

use crate::compare::GroupBy;
use crate::query::{self, Filters};

/// The longest query the server accepts, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// The most results one page or API call returns.
pub const MAX_LIMIT: usize = 100;
/// The furthest page of results that can be asked for.
pub const MAX_PAGE: usize = 50;
/// Results per page on the search page.
pub const PAGE_SIZE: usize = 10;

/// A parameter that cannot be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParameter(pub String);

/// Everything a search, compare or timeline request may say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pub query: String,
    pub councils: Vec<String>,
    pub committee: Option<String>,
    pub officer: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// 1-based page of results.
    pub page: usize,
    /// Results per page (API) or best passages per group (compare).
    pub limit: Option<usize>,
    pub by: GroupBy,
    /// Show duplicates separately.
    pub all: bool,
    /// Leave the glossary out.
    pub no_expand: bool,
    /// Only decisions (RESOLVED passages).
    pub resolutions: bool,
}

impl Params {
    /// Reads a raw query string, accepting only the names in `allowed`.
    pub fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, BadParameter> {
        let mut params = Params {
            page: 1,
            ..Params::default()
        };
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            if !allowed.contains(&name.as_ref()) {
                return Err(BadParameter(format!(
                    "unknown parameter {name:?}; this page takes {}",
                    allowed.join(", ")
                )));
            }
            let value = value.trim().to_string();
            let text = |value: String| (!value.is_empty()).then_some(value);
            match name.as_ref() {
                "q" => {
                    let length = value.chars().count();
                    if length > MAX_QUERY_CHARS {
                        return Err(BadParameter(format!(
                            "the query is {length} characters long; the limit is {MAX_QUERY_CHARS}"
                        )));
                    }
                    params.query = value;
                }
                "council" => params.councils.extend(text(value)),
                "committee" => params.committee = text(value),
                "officer" => params.officer = text(value),
                "from" => params.from = date("from", &value)?,
                "to" => params.to = date("to", &value)?,
                "page" => params.page = number("page", &value, 1, MAX_PAGE)?,
                "limit" => params.limit = Some(number("limit", &value, 1, MAX_LIMIT)?),
                "per" => params.limit = Some(number("per", &value, 1, 10)?),
                "by" => {
                    params.by = match value.as_str() {
                        "council" => GroupBy::Council,
                        "committee" => GroupBy::Committee,
                        "year" => GroupBy::Year,
                        other => {
                            return Err(BadParameter(format!(
                                "by={other:?} is not a grouping; use council, committee or year"
                            )))
                        }
                    }
                }
                "all" => params.all = flag("all", &value)?,
                "no_expand" => params.no_expand = flag("no_expand", &value)?,
                "resolutions" => params.resolutions = flag("resolutions", &value)?,
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (params.from, params.to) {
            if from > to {
                return Err(BadParameter(format!(
                    "from={from} is after to={to}; no meeting can be in that range"
                )));
            }
        }
        Ok(params)
    }

    /// The filters the parameters ask for.
    pub fn filters(&self) -> Filters {
        Filters {
            councils: self.councils.clone(),
            committee: self.committee.clone(),
            officer: self.officer.clone(),
            from: self.from,
            to: self.to,
            group: None,
            resolutions: self.resolutions,
        }
    }

    /// The parameters as a query string, without `page`, for links that
    /// keep the search and change one thing.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("q", &self.query);
        for council in &self.councils {
            out.append_pair("council", council);
        }
        if let Some(committee) = &self.committee {
            out.append_pair("committee", committee);
        }
        if let Some(officer) = &self.officer {
            out.append_pair("officer", officer);
        }
        if let Some(from) = self.from {
            out.append_pair("from", &from.to_string());
        }
        if let Some(to) = self.to {
            out.append_pair("to", &to.to_string());
        }
        if self.all {
            out.append_pair("all", "1");
        }
        if self.no_expand {
            out.append_pair("no_expand", "1");
        }
        if self.resolutions {
            out.append_pair("resolutions", "1");
        }
        out.finish()
    }
}

fn date(name: &'static str, value: &str) -> Result<Option<Date>, BadParameter> {
    if value.is_empty() {
        return Ok(None);
    }
    query::parse_date(name, value)
        .map(Some)
        .map_err(|error| BadParameter(error.to_string()))
}

fn number(name: &str, value: &str, low: usize, high: usize) -> Result<usize, BadParameter> {
    match value.parse::<usize>() {
        Ok(number) if (low..=high).contains(&number) => Ok(number),
        _ => Err(BadParameter(format!(
            "{name}={value:?} must be a whole number from {low} to {high}"
        ))),
    }
}

fn flag(name: &str, value: &str) -> Result<bool, BadParameter> {
    match value {
        "" | "1" | "true" | "on" => Ok(true),
        "0" | "false" | "off" => Ok(false),
        _ => Err(BadParameter(format!("{name}={value:?} must be 1 or 0"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[&str] = &[
        "q",
        "council",
        "committee",
        "officer",
        "from",
        "to",
        "page",
        "limit",
        "by",
        "all",
        "no_expand",
        "resolutions",
    ];

    #[test]
    fn a_search_url_round_trips() {
        let raw =
            "q=taxi+driver&council=Wiltshire&council=Kent&from=2015-01-01&all=1&resolutions=1";
        let params = Params::parse(Some(raw), ALL).unwrap();
        assert_eq!(params.query, "taxi driver");
        assert_eq!(params.councils, ["Wiltshire", "Kent"]);
        assert_eq!(params.from.unwrap().to_string(), "2015-01-01");
        assert!(params.all);
        let again = Params::parse(Some(&params.to_query_string()), ALL).unwrap();
        assert_eq!(again, params);
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let message = |raw: &str| Params::parse(Some(raw), ALL).unwrap_err().0;
        assert!(message("page=0").contains("page=\"0\" must be a whole number from 1"));
        assert!(message("limit=5000").contains("from 1 to 100"));
        assert!(message("from=26/09/2017").contains("26/09/2017"));
        assert!(message("by=month").contains("use council, committee or year"));
        assert!(message("colour=red").contains("unknown parameter \"colour\""));
        assert!(message("from=2020-01-01&to=2019-01-01").contains("is after"));
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(message(&long).contains("the limit is 500"));
    }
}
