//! Extraction accuracy on a development set: records beside the fields a
//! person wrote down from each (`NAME.expected.toml` for `NAME.txt` and any
//! other copy of it, `NAME.html`), read the way an index run reads them.
//!
//! Each field is scored in units: the council, committee and meeting date
//! one unit a record (right when equal, both empty counting as equal);
//! agenda items, officers and members one unit per name that either side
//! has, right when both have it, so a name missed and a name invented each
//! cost one. Names compare without case, punctuation or repeated spaces,
//! and a person's rank may be on the name or beside it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::extract::{Person, Record};
use crate::format::Format;
use crate::ingest::record;
use crate::read;
use crate::walk::SourceFile;

/// The fields scored, in the order reports list them.
pub const FIELDS: &[&str] = &[
    "council",
    "committee",
    "date",
    "items",
    "officers",
    "members",
];

#[derive(Debug, Default, Deserialize)]
struct Expected {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    council: String,
    #[serde(default)]
    committee: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    items: Vec<ExpectedItem>,
    #[serde(default)]
    officers: Vec<ExpectedPerson>,
    #[serde(default)]
    clerks: Vec<ExpectedPerson>,
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ExpectedItem {
    #[serde(default)]
    title: String,
    #[serde(default)]
    line: u32,
    #[serde(default)]
    officers: Vec<ExpectedPerson>,
}

#[derive(Debug, Deserialize)]
struct ExpectedPerson {
    name: String,
    #[serde(default)]
    line: u32,
}

/// Right and total units, for one field or one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub right: usize,
    pub total: usize,
}

impl Tally {
    fn add(&mut self, right: bool) {
        self.total += 1;
        self.right += usize::from(right);
    }

    fn merge(&mut self, other: Tally) {
        self.right += other.right;
        self.total += other.total;
    }

    /// The share right, from 0 to 1 (1 for nothing to score).
    pub fn accuracy(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.right as f64 / self.total as f64
        }
    }
}

/// One unit scored wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// The record file, relative to the set's folder.
    pub file: String,
    pub field: String,
    /// What the person wrote down ("" for nothing).
    pub expected: String,
    /// What scrutiny read ("" for nothing).
    pub found: String,
    /// The line the expected value is on, when the set says.
    pub line: Option<u32>,
}

/// The accuracy over a development set.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractionReport {
    pub records: usize,
    pub all_fields: Tally,
    /// Per field, in [`FIELDS`] order.
    pub fields: Vec<(String, Tally)>,
    /// Per page kind (the set's own names), every field together.
    pub kinds: Vec<(String, Tally)>,
    pub misses: Vec<Miss>,
}

/// Scores every record of the set in `folder`.
pub fn evaluate(folder: &Path) -> Result<ExtractionReport> {
    let mut pairs = Vec::new();
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry.map_err(|error| invalid(folder, error.to_string()))?;
        let name = entry.file_name().to_string_lossy();
        let Some(stem) = name.strip_suffix(".expected.toml") else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path())
            .map_err(|error| invalid(entry.path(), error.to_string()))?;
        let expected: Expected =
            toml::from_str(&text).map_err(|error| invalid(entry.path(), error.to_string()))?;
        let parent = entry.path().parent().unwrap_or(folder);
        let copies = copies_of(parent, stem);
        if copies.is_empty() {
            return Err(invalid(entry.path(), "no record file beside it".into()));
        }
        pairs.push((expected, copies));
    }
    if pairs.is_empty() {
        return Err(invalid(folder, "no NAME.expected.toml files in it".into()));
    }
    let mut fields: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut kinds: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut records = 0;
    for (expected, copies) in &pairs {
        for path in copies {
            records += 1;
            let file = path
                .strip_prefix(folder)
                .unwrap_or(path)
                .display()
                .to_string();
            let record = read_record(path);
            let scored = score(expected, record.as_ref().ok(), &file, &mut misses);
            let kind = kinds.entry(expected.kind.clone()).or_default();
            for (field, tally) in scored {
                fields.entry(field).or_default().merge(tally);
                kind.merge(tally);
            }
            if let Err(reason) = record {
                misses.push(Miss {
                    file,
                    field: "record".into(),
                    expected: "a readable record".into(),
                    found: reason,
                    line: None,
                });
            }
        }
    }
    let mut all_fields = Tally::default();
    for tally in fields.values() {
        all_fields.merge(*tally);
    }
    Ok(ExtractionReport {
        records,
        all_fields,
        fields: FIELDS
            .iter()
            .map(|field| {
                (
                    field.to_string(),
                    fields.get(field).copied().unwrap_or_default(),
                )
            })
            .collect(),
        kinds: kinds.into_iter().collect(),
        misses,
    })
}

fn invalid(path: &Path, reason: String) -> Error {
    Error::InvalidArgument {
        what: "extraction set",
        value: path.display().to_string(),
        reason,
    }
}

/// The record files a `.expected.toml` describes: every file beside it
/// with its stem and a format scrutiny reads.
fn copies_of(folder: &Path, stem: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut copies: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_stem().and_then(|name| name.to_str()) == Some(stem)
                && Format::from_path(path).is_some()
        })
        .collect();
    copies.sort();
    copies
}

/// A record as an index run reads it; a folder of its path is the council
/// when `data/councils.txt` knows it.
fn read_record(path: &Path) -> std::result::Result<Record, String> {
    let file = SourceFile::alone(path)?;
    let bytes = read::read_file(path, file.size).map_err(|error| error.to_string())?;
    record::record_of(&bytes, &file)
}

/// Text as compared: lower case, letters and digits, single spaces; curly
/// and straight apostrophes alike.
fn normal(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_alphanumeric() {
                character.to_lowercase().next().unwrap_or(character)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A person's names as they may be written down: with the rank and
/// without it.
fn forms(person: &Person) -> [String; 2] {
    let ranked = match &person.title {
        Some(title) => format!("{title} {}", person.name),
        None => person.name.clone(),
    };
    [normal(&ranked), normal(&person.name)]
}

/// Scores one record against what was written down; a record that could
/// not be read scores as extracting nothing.
fn score(
    expected: &Expected,
    record: Option<&Record>,
    file: &str,
    misses: &mut Vec<Miss>,
) -> Vec<(&'static str, Tally)> {
    let empty = Record::default();
    let record = record.unwrap_or(&empty);
    let mut miss = |field: &str, expected: &str, found: &str, line: Option<u32>| {
        misses.push(Miss {
            file: file.to_string(),
            field: field.to_string(),
            expected: expected.to_string(),
            found: found.to_string(),
            line,
        });
    };
    let mut scalar = |field: &'static str, want: &str, got: Option<String>| {
        let got = got.unwrap_or_default();
        let mut tally = Tally::default();
        let right = normal(want) == normal(&got);
        tally.add(right);
        if !right {
            miss(field, want, &got, None);
        }
        (field, tally)
    };
    let mut scored = vec![
        scalar("council", &expected.council, record.council.clone()),
        scalar("committee", &expected.committee, record.committee.clone()),
        scalar(
            "date",
            &expected.date,
            record.date.map(|date| date.to_string()),
        ),
    ];

    let titles: Vec<(String, u32)> = expected
        .items
        .iter()
        .filter(|item| !item.title.is_empty())
        .map(|item| (item.title.clone(), item.line))
        .collect();
    let found_titles: Vec<String> = record
        .items
        .iter()
        .filter_map(|item| item.title.clone())
        .collect();
    let title_forms: Vec<Vec<String>> = found_titles
        .iter()
        .map(|title| vec![normal(title)])
        .collect();
    scored.push((
        "items",
        names("items", &titles, &title_forms, &found_titles, &mut miss),
    ));
    let found_officers: Vec<Person> = record
        .officers()
        .into_iter()
        .chain(record.also_attending.iter().cloned())
        .chain(record.clerks.iter().cloned())
        .fold(Vec::new(), |mut people: Vec<Person>, person| {
            // One person once, as the set writes them down.
            if !people
                .iter()
                .any(|known| normal(&known.name) == normal(&person.name))
            {
                people.push(person);
            }
            people
        });
    scored.push((
        "officers",
        people(
            "officers",
            &expected_officers(expected),
            &found_officers,
            &mut miss,
        ),
    ));
    let members: Vec<(String, u32)> = expected
        .members
        .iter()
        .map(|name| (name.clone(), 0))
        .collect();
    scored.push((
        "members",
        people("members", &members, &record.members, &mut miss),
    ));
    scored
}

/// The officers written down, each person once: the set lists an officer
/// under every item they spoke to and in the attendance list too, where
/// scrutiny keeps one; contacts (clerks) count as officers.
fn expected_officers(expected: &Expected) -> Vec<(String, u32)> {
    let mut officers: Vec<(String, u32)> = Vec::new();
    for person in expected
        .items
        .iter()
        .flat_map(|item| &item.officers)
        .chain(&expected.officers)
        .chain(&expected.clerks)
    {
        if !officers
            .iter()
            .any(|(name, _)| normal(name) == normal(&person.name))
        {
            officers.push((person.name.clone(), person.line));
        }
    }
    officers
}

/// Scores people found against names written down, a rank counting on
/// the name or beside it.
fn people(
    field: &str,
    expected: &[(String, u32)],
    found: &[Person],
    miss: &mut impl FnMut(&str, &str, &str, Option<u32>),
) -> Tally {
    let forms: Vec<Vec<String>> = found.iter().map(|person| forms(person).to_vec()).collect();
    let shown: Vec<String> = found.iter().map(Person::display).collect();
    names(field, expected, &forms, &shown, miss)
}

/// Scores a list of names: one unit for each expected name (right when
/// found) and one for each name found that nothing expected (always wrong).
fn names(
    field: &str,
    expected: &[(String, u32)],
    found: &[Vec<String>],
    shown: &[String],
    miss: &mut impl FnMut(&str, &str, &str, Option<u32>),
) -> Tally {
    let mut tally = Tally::default();
    let mut used = vec![false; found.len()];
    for (name, line) in expected {
        let wanted = normal(name);
        let at = found
            .iter()
            .enumerate()
            .position(|(index, forms)| !used[index] && forms.contains(&wanted));
        if let Some(index) = at {
            used[index] = true;
        } else {
            miss(field, name, "", (*line > 0).then_some(*line));
        }
        tally.add(at.is_some());
    }
    for (index, was_used) in used.iter().enumerate() {
        if !was_used {
            tally.add(false);
            miss(field, "", &shown[index], None);
        }
    }
    tally
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(title: Option<&str>, name: &str) -> Person {
        Person {
            name: name.to_string(),
            title: title.map(str::to_string),
            role: None,
        }
    }

    #[test]
    fn a_record_scores_each_field_by_its_units() {
        let expected: Expected = toml::from_str(
            r#"
            kind = "agenda-item"
            council = "Thornbury District Council"
            committee = ""
            date = "2019-06-12"
            members = ["Councillor H Ryland"]
            officers = [{ name = "DI Ruth Penrose", line = 5 }]
            [[items]]
            title = "Taxi Licensing – Safeguarding"
            line = 2
            officers = [{ name = "DI Ruth Penrose", line = 9 }, { name = "Sam Whitcombe", line = 6 }]
            "#,
        )
        .unwrap();
        let mut record = Record {
            council: Some("thornbury district council".into()),
            committee: Some("Licensing Committee".into()),
            date: None,
            members: vec![person(Some("Councillor"), "H Ryland")],
            ..Record::default()
        };
        record.items.push(crate::extract::Item {
            number: None,
            title: Some("Taxi licensing - safeguarding".into()),
            officers: vec![
                person(Some("DI"), "Ruth Penrose"),
                person(None, "The Director"),
            ],
            ..crate::extract::Item::default()
        });
        let mut misses = Vec::new();
        let scored = score(&expected, Some(&record), "r.txt", &mut misses);
        let tallies: Vec<(&str, usize, usize)> = scored
            .iter()
            .map(|(field, tally)| (*field, tally.right, tally.total))
            .collect();
        assert_eq!(
            tallies,
            [
                ("council", 1, 1),
                ("committee", 0, 1),
                ("date", 0, 1),
                ("items", 1, 1),
                // Penrose once (found), Whitcombe missed, "The Director" invented.
                ("officers", 1, 3),
                ("members", 1, 1),
            ]
        );
        let missed: Vec<(&str, &str, &str)> = misses
            .iter()
            .map(|miss| {
                (
                    miss.field.as_str(),
                    miss.expected.as_str(),
                    miss.found.as_str(),
                )
            })
            .collect();
        assert_eq!(
            missed,
            [
                ("committee", "", "Licensing Committee"),
                ("date", "2019-06-12", ""),
                ("officers", "Sam Whitcombe", ""),
                ("officers", "", "The Director"),
            ]
        );
    }
}
