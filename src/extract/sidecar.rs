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
//! url = "https://example.gov.uk/mgIssueHistoryHome.aspx?IId=1234"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Record;

/// The name of a folder's sidecar.
pub const FOLDER_SIDECAR: &str = "scrutiny.toml";
/// The ending of a record's own sidecar, after the record's file name.
pub const FILE_SIDECAR_SUFFIX: &str = ".meta.toml";

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
    /// Where the record was published.
    pub url: Option<String>,
}

/// True for a file that is a sidecar, not a record.
pub fn is_sidecar(name: &str) -> bool {
    name == FOLDER_SIDECAR || name.ends_with(FILE_SIDECAR_SUFFIX)
}

/// The sidecars that apply to a record, nearest first: its own, then each
/// folder's from its own up to `root` (or only its own folder's without one).
pub fn sidecars_of(record: &Path, root: Option<&Path>) -> Vec<PathBuf> {
    let mut found = candidates(record, root);
    found.retain(|candidate| candidate.is_file());
    found
}

/// Where sidecars for a record would be, nearest first, whether or not
/// they exist.
pub fn candidates(record: &Path, root: Option<&Path>) -> Vec<PathBuf> {
    let mut own = record.as_os_str().to_owned();
    own.push(FILE_SIDECAR_SUFFIX);
    let mut found = vec![PathBuf::from(own)];
    let mut folder = record.parent();
    while let Some(current) = folder {
        found.push(current.join(FOLDER_SIDECAR));
        match root {
            Some(root) if current != root && current.starts_with(root) => folder = current.parent(),
            _ => break,
        }
    }
    found
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
            date.parse::<jiff::civil::Date>().map_err(|_| {
                format!(
                    "sidecar {}: date {date:?} is not a date as YYYY-MM-DD",
                    path.display()
                )
            })?;
        }
        merged.council = merged.council.or(sidecar.council);
        merged.committee = merged.committee.or(sidecar.committee);
        merged.date = merged.date.or(sidecar.date);
        merged.title = merged.title.or(sidecar.title);
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
        record
            .warnings
            .retain(|warning| !warning.contains("committee"));
    }
    if let Some(date) = sidecar.date.as_ref().and_then(|date| date.parse().ok()) {
        record.date = Some(date);
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
    if let Some(url) = &sidecar.url {
        record.url = Some(url.clone());
    }
}
