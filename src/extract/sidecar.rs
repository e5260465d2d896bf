//! Sidecar metadata: what a person states about a record, beside it.
//!
//! A file `minutes.txt.meta.toml` beside `minutes.txt` describes that record;
//! a file `scrutiny.toml` in a folder describes every record in it and below.
//! The nearest statement wins (the record's own file, then the nearest
//! folder's). Stated fields replace what extraction found:
//!
//! ```toml
//! council = "Wiltshire"
//! committee = "Southern Wiltshire Area Board"
//! date = "2015-10-12"
//! title = "Child Sexual Exploitation (CSE)"
//! item = "5"
//! url = "https://example.gov.uk/mgIssueHistoryHome.aspx?IId=1234"
//! ```
//!
//! Which sidecar files belong to a record is the walk's business
//! (`walk::sidecars_of`); this module reads and applies them.

use std::path::PathBuf;

use serde::Deserialize;

use super::Record;

/// What a sidecar may state.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub council: Option<String>,
    pub committee: Option<String>,
    /// The meeting date, YYYY-MM-DD.
    pub date: Option<String>,
    /// The record's title: the agenda item's, for a one-item record.
    pub title: Option<String>,
    /// The agenda item's number as the site gives it ("5", "12a"), for a
    /// one-item record.
    pub item: Option<String>,
    /// Where the record was published.
    pub url: Option<String>,
}

/// Reads sidecars (nearest first) into one statement: for each field, the
/// nearest sidecar that states it.
pub fn load(paths: &[PathBuf]) -> Result<Sidecar, String> {
    let mut merged = Sidecar::default();
    for path in paths {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read sidecar {}: {error}", path.display()))?;
        let sidecar: Sidecar = toml::from_str(&text).map_err(|error| {
            format!(
                "sidecar {} is not valid: {}",
                path.display(),
                error.message()
            )
        })?;
        if let Some(date) = &sidecar.date {
            let parsed = date.parse::<jiff::civil::Date>().map_err(|_| {
                format!(
                    "sidecar {}: date {date:?} is not a date as YYYY-MM-DD",
                    path.display()
                )
            })?;
            if !super::date::is_kept(parsed) {
                return Err(format!(
                    "sidecar {}: date {date:?} is outside the meeting dates scrutiny keeps \
                     ({} to {})",
                    path.display(),
                    super::date::FIRST_MEETING,
                    super::date::LAST_MEETING
                ));
            }
        }
        merged.council = merged.council.or(sidecar.council);
        merged.committee = merged.committee.or(sidecar.committee);
        merged.date = merged.date.or(sidecar.date);
        merged.title = merged.title.or(sidecar.title);
        merged.item = merged.item.or(sidecar.item);
        merged.url = merged.url.or(sidecar.url);
    }
    Ok(merged)
}

/// Applies what a sidecar states to an extracted record.
pub fn apply(record: &mut Record, sidecar: &Sidecar) {
    if let Some(council) = &sidecar.council {
        record.council = Some(council.clone());
        record
            .warnings
            .retain(|warning| !warning.contains("council"));
    }
    if let Some(committee) = &sidecar.committee {
        record.committee = Some(committee.clone());
        for meeting in &mut record.meetings {
            meeting.committee = Some(committee.clone());
        }
        record
            .warnings
            .retain(|warning| !warning.contains("committee"));
    }
    if let Some(date) = sidecar.date.as_ref().and_then(|date| date.parse().ok()) {
        record.date = Some(date);
        for meeting in &mut record.meetings {
            meeting.date = Some(date);
        }
        record.warnings.retain(|warning| !warning.contains("date"));
    }
    if let Some(title) = &sidecar.title {
        if record.items.len() == 1 {
            record.items[0].title = Some(title.clone());
        } else {
            record
                .warnings
                .push("the sidecar's title is not used: the record has several items".into());
        }
    }
    if let Some(number) = &sidecar.item {
        if record.items.len() == 1 {
            record.items[0].number = Some(number.trim_end_matches('.').to_string());
        } else {
            record
                .warnings
                .push("the sidecar's item number is not used: the record has several items".into());
        }
    }
    if let Some(url) = &sidecar.url {
        record.url = Some(url.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Item;

    #[test]
    fn an_item_number_applies_to_a_one_item_record_only() {
        let sidecar = Sidecar {
            item: Some("12a.".into()),
            ..Sidecar::default()
        };
        let mut record = Record {
            items: vec![Item::default()],
            ..Record::default()
        };
        apply(&mut record, &sidecar);
        assert_eq!(record.items[0].number.as_deref(), Some("12a"));
        let mut record = Record {
            items: vec![Item::default(), Item::default()],
            ..Record::default()
        };
        apply(&mut record, &sidecar);
        assert_eq!(record.items[0].number, None);
        assert!(record.warnings[0].contains("item number is not used"));
    }
}
