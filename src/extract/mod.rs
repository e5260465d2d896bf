//! Plain text → [`Record`]: council, committee, meeting date, record kind,
//! agenda items with their titles and officers, members present, apologies.
//!
//! Extraction never fails. It works from the text's own patterns (the
//! ModernGov page headers, "Minutes of the … Meeting held on …", "Meeting:
//! 26/09/2017 - … (Item 3)", "[… in attendance for this item]", "Officer:
//! Name, Role", "Present:", "Apologies:") and leaves a field empty, with a
//! warning, when the text does not state it. Nothing here is guessed from
//! file names except the council, which the corpus folder names.

pub mod council;
pub mod date;
pub mod people;
pub mod sidecar;

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;
use serde::Serialize;

pub use people::Person;

use crate::read::{Block, Text};

/// What kind of record a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The minutes of a whole meeting.
    Minutes,
    /// One agenda item's page (ModernGov "Agenda item" or "Issue - meetings").
    AgendaItem,
    /// A panel's comments on a subject.
    Comments,
    /// A report to a committee.
    Report,
    /// Anything else.
    #[default]
    Document,
}

impl RecordKind {
    /// The name used in the index and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Minutes => "minutes",
            RecordKind::AgendaItem => "agenda_item",
            RecordKind::Comments => "comments",
            RecordKind::Report => "report",
            RecordKind::Document => "document",
        }
    }
}

/// One agenda item: its number and title (the topic), the officers in
/// attendance for it, and its text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub number: Option<String>,
    pub title: Option<String>,
    pub officers: Vec<Person>,
    pub blocks: Vec<Block>,
}

/// Everything scrutiny knows about one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub council: Option<String>,
    pub committee: Option<String>,
    pub date: Option<Date>,
    pub kind: RecordKind,
    pub items: Vec<Item>,
    pub members: Vec<Person>,
    pub also_attending: Vec<Person>,
    pub apologies: Vec<Person>,
    /// Where the record was published, when a sidecar says so.
    pub url: Option<String>,
    /// What could not be found, for the user to check.
    pub warnings: Vec<String>,
}

impl Record {
    /// Every officer named in any item, each once, in order of appearance.
    pub fn officers(&self) -> Vec<Person> {
        let mut officers: Vec<Person> = Vec::new();
        for officer in self.items.iter().flat_map(|item| &item.officers) {
            if !officers.iter().any(|known| known.name == officer.name) {
                officers.push(officer.clone());
            }
        }
        officers
    }
}

/// What the caller knows about a record before reading it.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The corpus folder the record sits in, which names its council.
    pub council_folder: Option<String>,
}

macro_rules! pattern {
    ($name:ident, $regex:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($regex).unwrap());
    };
}

pattern!(
    MEETING,
    r"^Meeting:\s*(.+?)\s+[-–]\s+(.+?)(?:\s*\((?i:item)\s+([\w.]+)\))?\s*$"
);
pattern!(
    MINUTES,
    r"(?i)^minutes of (?:the |a )?(?:meeting of (?:the )?)?(.+?)(?:\s+meeting)?\s+held (?:on|at)\s+(.*)$"
);
pattern!(
    DATE_LABEL,
    r"(?i)^(?:date|date of meeting|meeting date)\s*:\s*(.+)$"
);
pattern!(
    COMMENTS,
    r"^Comments (?:from|of|by) (?:the )?(.+?(?:Panel|Committee|Board|Group|Forum))\s*:\s*(.+)$"
);
pattern!(PRESENT, r"(?i)^(?:present|members present)\s*:\s*(.+)$");
pattern!(
    ATTENDANCE_LABEL,
    r"(?i)^(?:attendance|members present|present|members)\s*:?$"
);
pattern!(
    ALSO_ATTENDING,
    r"(?i)^also (?:in attendance|present|attending)\s*:\s*(.+)$"
);
pattern!(
    APOLOGIES,
    r"(?i)^apologies(?: for absence)?(?: were received from)?\s*:?\s*(.+)$"
);
pattern!(
    OFFICERS_BRACKET,
    r"(?i)^\[(.+?)\s+(?:were\s+|was\s+)?(?:also\s+)?in attendance for this item\.?\]\.?$"
);
pattern!(
    OFFICER_LINE,
    r"(?i)^(?:lead |contact |report |presenting )?officers?\s*:\s*(.+)$"
);
pattern!(
    NUMBERED_HEADING,
    r"^(?:(?i:item)\s+)?(\d{1,3}(?:\.\d{1,2})?)[.:)]?\s+(\p{Lu}.*)$"
);
pattern!(
    PDF_ICON,
    r"(?i)\s+pdf icon(?:\s+PDF\s+[\d.]+\s*[KMG]B)?\s*$"
);
pattern!(
    BODY_MENTION,
    r"((?:\p{Lu}[\p{L}&'’-]*\s+(?:(?:and|of|for)\s+)?)*)(Select Committee|Overview and Scrutiny Committee|Scrutiny Committee|Scrutiny Panel|O&S Panel|O&S Committee|Area Boards?)(?-u:\b)"
);

/// Lines that are page furniture, not part of any record.
const BOILERPLATE: &[&str] = &[
    "browse",
    "additional documents:",
    "supporting documents:",
    "minutes:",
    "part one",
    "part two",
    "part 1",
    "part 2",
    "chairman",
    "chair",
];

/// `pattern`'s captures in `text`, tried only when `text` starts with one
/// of `cues` (lower case; compared ignoring ASCII case), each a way the
/// anchored pattern can begin. Most paragraphs match none of the line
/// patterns, and the regex engine's capture search costs time in
/// proportion to the paragraph even when it fails at the first character.
/// Text that opens with non-ASCII characters always goes to the regex, whose
/// Unicode case folding the cues do not attempt.
fn captures<'h>(pattern: &Regex, text: &'h str, cues: &[&str]) -> Option<regex::Captures<'h>> {
    let cued = cues.iter().any(|cue| {
        let head = &text.as_bytes()[..text.len().min(cue.len())];
        !head.is_ascii() || head.eq_ignore_ascii_case(cue.as_bytes())
    });
    if cued {
        pattern.captures(text)
    } else {
        None
    }
}

/// [`NUMBERED_HEADING`]'s captures: a heading opens with a digit or "item".
fn captures_numbered_heading(text: &str) -> Option<regex::Captures<'_>> {
    let first = text.chars().next()?;
    if first.is_numeric() || !first.is_ascii() {
        return NUMBERED_HEADING.captures(text);
    }
    captures(&NUMBERED_HEADING, text, &["item"])
}

/// A line of page furniture ("Supporting documents:", "Chairman").
fn is_boilerplate(text: &str) -> bool {
    // The longest entry, with room for trailing asterisks; longer text is
    // never furniture, and is not worth lower-casing to find out.
    if text.len() > 64 {
        return false;
    }
    BOILERPLATE.contains(&text.to_lowercase().trim_end_matches('*'))
}

/// Extracts a [`Record`] from a record's text.
///
/// One pass over the lines, longer than our limit of 100 lines on purpose:
/// it is a single state machine (header, attendance, items, minutes) whose
/// states share the record being built, and splitting it would pass that
/// state through every piece without making any of them testable alone.
pub fn extract(text: &Text, hints: &Hints) -> Record {
    let blocks = text.blocks();
    let markdown = text.lines.iter().any(|line| line.heading);
    let mut record = Record::default();
    let mut single_title: Option<String> = None;
    let mut consumed = vec![false; blocks.len()];

    // The first few blocks say what kind of page this is.
    let mut index = 0;
    while index < blocks.len().min(4) {
        let joined = blocks[index].joined();
        let lowered = joined.to_lowercase();
        if lowered == "browse" {
            consumed[index] = true;
        } else if lowered == "issue - meetings" || lowered == "agenda item" {
            record.kind = RecordKind::AgendaItem;
            consumed[index] = true;
            if let Some(next) = blocks.get(index + 1) {
                if next.lines.len() == 1 && next.len() < 400 {
                    single_title = Some(clean_title(&next.joined()));
                    consumed[index + 1] = true;
                }
            }
            break;
        } else if let Some(captures) = captures(&COMMENTS, &joined, &["comments "]) {
            record.kind = RecordKind::Comments;
            record.committee = Some(captures[1].trim().to_string());
            single_title = Some(clean_title(&joined));
            consumed[index] = true;
            break;
        } else {
            break;
        }
        index += 1;
    }

    let single_item = single_title.is_some();
    let mut items: Vec<Item> = vec![Item {
        title: single_title.clone(),
        ..Item::default()
    }];
    let mut expect_attendance = false;

    for (position, block) in blocks.iter().enumerate() {
        if consumed[position] {
            continue;
        }
        let joined = block.joined();
        let in_preamble = items.len() == 1 && !single_item && items[0].blocks.is_empty();

        if expect_attendance {
            expect_attendance = false;
            if block.lines.iter().all(|line| line.text.len() < 120) {
                for line in &block.lines {
                    record.members.extend(people::parse_people_list(&line.text));
                }
                continue;
            }
        }
        if is_boilerplate(&joined) {
            continue;
        }
        if let Some(captures) = captures(&MEETING, &joined, &["meeting:"]) {
            if record.date.is_none() {
                record.date = date::find_date(&captures[1]).map(|(date, _)| date);
            }
            if record.committee.is_none() {
                record.committee = Some(captures[2].trim().to_string());
            }
            if let Some(number) = captures.get(3) {
                items.last_mut().unwrap().number = Some(number.as_str().to_string());
            }
            continue;
        }
        if in_preamble && record.date.is_none() {
            if let Some(captures) = captures(&MINUTES, &joined, &["minutes of "]) {
                record.kind = RecordKind::Minutes;
                record.committee = Some(captures[1].trim().to_string());
                record.date = date::find_date(&captures[2]).map(|(date, _)| date);
                continue;
            }
            if let Some(captures) = captures(&DATE_LABEL, &joined, &["date", "meeting date"]) {
                if let Some((date, _)) = date::find_date(&captures[1]) {
                    record.date = Some(date);
                    continue;
                }
            }
        }
        if in_preamble {
            if let Some(captures) = captures(&PRESENT, &joined, &["present", "members present"]) {
                record
                    .members
                    .extend(people::parse_people_list(&captures[1]));
                continue;
            }
            if ATTENDANCE_LABEL.is_match(&joined) {
                expect_attendance = true;
                continue;
            }
            if let Some(captures) = captures(&ALSO_ATTENDING, &joined, &["also "]) {
                record
                    .also_attending
                    .extend(people::parse_people_list(&captures[1]));
                continue;
            }
            if let Some(captures) = captures(&APOLOGIES, &joined, &["apologies"]) {
                record
                    .apologies
                    .extend(people::parse_people_list(&captures[1]));
                continue;
            }
        }
        if let Some(captures) = captures(&OFFICERS_BRACKET, &joined, &["["]) {
            let officers = people::parse_people_list(&captures[1]);
            items.last_mut().unwrap().officers.extend(officers);
            continue;
        }
        if let Some(captures) = captures(
            &OFFICER_LINE,
            &joined,
            &["lead ", "contact ", "report ", "presenting ", "officer"],
        ) {
            if let Some(officer) = people::parse_person(&captures[1]) {
                items.last_mut().unwrap().officers.push(officer);
                continue;
            }
        }
        if let Some((number, title)) = numbered_heading(block, markdown) {
            if single_item {
                // A ModernGov page repeats its title with the item number
                // ("3 Child Sexual Exploitation … pdf icon PDF 427 KB").
                let item = items.last_mut().unwrap();
                if Some(&title) == item.title.as_ref() {
                    item.number.get_or_insert(number);
                    continue;
                }
            } else {
                if record.kind == RecordKind::Document {
                    record.kind = RecordKind::Minutes;
                }
                items.push(Item {
                    number: Some(number),
                    title: Some(title),
                    ..Item::default()
                });
                continue;
            }
        }
        items.last_mut().unwrap().blocks.push(block.clone());
    }

    // A preamble with nothing left in it is not an item.
    if items.len() > 1 && items[0].blocks.is_empty() && items[0].title.is_none() {
        let preamble = items.remove(0);
        items[0].officers.splice(0..0, preamble.officers);
    }
    // A document with no structure: a short first line is its title.
    if items.len() == 1 && items[0].title.is_none() && items[0].number.is_none() {
        let item = &mut items[0];
        if let Some(first) = item.blocks.first() {
            let first_text = first.joined();
            if first.lines.len() == 1 && first_text.len() < 200 && !first_text.ends_with('.') {
                item.title = Some(clean_title(&first_text));
                item.blocks.remove(0);
            }
        }
    }
    record.items = items;

    let needs_text = hints.council_folder.is_none() || record.committee.is_none();
    let full_text = if needs_text {
        text.full_text()
    } else {
        String::new()
    };
    record.council = hints
        .council_folder
        .as_deref()
        .and_then(council::from_folder)
        .or_else(|| council::from_text(&full_text));
    if record.committee.is_none() {
        record.committee = committee_from_mentions(&full_text);
    }
    if record.council.is_none() {
        record.warnings.push("no council found".into());
    }
    if record.committee.is_none() {
        record.warnings.push("no committee found".into());
    }
    if record.date.is_none() {
        record.warnings.push("no meeting date stated".into());
    }
    record
}

/// `3. Child Sexual Exploitation` → (`3`, `Child Sexual Exploitation`), when
/// the block looks like a heading rather than a sentence that starts with a
/// number. In Markdown only marked headings count.
fn numbered_heading(block: &Block, markdown: bool) -> Option<(String, String)> {
    if block.lines.len() > 2 || block.len() > 300 {
        return None;
    }
    let joined = block.joined();
    let captures = captures_numbered_heading(&joined)?;
    let title = clean_title(&captures[2]);
    let qualifies = if markdown {
        block.is_heading()
    } else {
        !title.ends_with('.') && block.lines.len() == 1
    };
    qualifies.then(|| (captures[1].to_string(), title))
}

/// Trims page furniture from a title: the ModernGov "pdf icon PDF 427 KB"
/// suffix and an unbalanced closing quote.
fn clean_title(title: &str) -> String {
    let title = PDF_ICON.replace(title, "");
    let mut title = title.trim().to_string();
    for (open, close) in [('\'', '\''), ('‘', '’'), ('"', '"'), ('“', '”')] {
        let unbalanced = if open == close {
            title.matches(close).count() % 2 == 1
        } else {
            title.matches(close).count() > title.matches(open).count()
        };
        if title.ends_with(close) && unbalanced {
            title.pop();
        }
    }
    title.trim().to_string()
}

/// The committee a record mentions most often ("The Select Committee
/// agreed …", "All Area Boards …"), for records whose header does not name it.
fn committee_from_mentions(text: &str) -> Option<String> {
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for captures in BODY_MENTION.captures_iter(text) {
        let prefix: Vec<&str> = captures[1]
            .split_whitespace()
            .skip_while(|word| {
                matches!(
                    *word,
                    "The" | "All" | "This" | "That" | "Each" | "Every" | "A" | "An" | "Members"
                )
            })
            .collect();
        let body = captures[2].trim_end_matches('s');
        let name = if prefix.is_empty() {
            body.to_string()
        } else {
            format!("{} {}", prefix.join(" "), body)
        };
        let start = captures.get(0).map_or(0, |whole| whole.start());
        match counts.iter_mut().find(|(known, _, _)| *known == name) {
            Some(entry) => entry.1 += 1,
            None => counts.push((name, 1, start)),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|(name, _, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;
    use crate::read::read_bytes;

    fn extract_str(source: &str) -> Record {
        extract(
            &read_bytes(source.as_bytes(), Format::Text).unwrap(),
            &Hints::default(),
        )
    }

    #[test]
    fn titles_lose_pdf_icons_and_stray_quotes() {
        assert_eq!(
            clean_title("Work Programme pdf icon PDF 427 KB"),
            "Work Programme"
        );
        assert_eq!(clean_title("Neglect of Children'"), "Neglect of Children");
        assert_eq!(clean_title("The 'Voice' Project"), "The 'Voice' Project");
    }

    #[test]
    fn numbered_lines_in_plain_text_start_items() {
        let record = extract_str(
            "Minutes of the Licensing Committee held on 4 March 2019\n\n1. Apologies\n\nNone.\n\n2. Taxi Licensing Policy\n\nThe committee discussed taxi licences.\n",
        );
        assert_eq!(record.kind, RecordKind::Minutes);
        assert_eq!(record.committee.as_deref(), Some("Licensing Committee"));
        assert_eq!(
            record.date.map(|date| date.to_string()).as_deref(),
            Some("2019-03-04")
        );
        let titles: Vec<Option<&str>> = record
            .items
            .iter()
            .map(|item| item.title.as_deref())
            .collect();
        assert_eq!(
            titles,
            vec![Some("Apologies"), Some("Taxi Licensing Policy")]
        );
    }

    #[test]
    fn sentences_starting_with_numbers_are_not_headings() {
        let record = extract_str("Report\n\n15 young people were referred to the panel.\n");
        assert_eq!(record.items.len(), 1);
    }

    #[test]
    fn unstated_dates_stay_unknown() {
        let record = extract_str("Agenda item\n\nFees\n\nIn June 2018 the fees rose.\n");
        assert_eq!(record.date, None);
        assert!(record
            .warnings
            .iter()
            .any(|warning| warning.contains("date")));
    }
}
