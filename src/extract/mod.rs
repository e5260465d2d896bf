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
pub mod header;
mod page;
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
    /// A decision's page.
    Decision,
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
            RecordKind::Decision => "decision",
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
    /// A standard item (apologies, declarations, previous minutes, public
    /// questions, urgent business, exclusion of the public): rarely what a
    /// reader searches for.
    pub standard: bool,
    /// The 1-based line of the title, or of the number when untitled.
    pub line: u32,
    /// The meeting the item was taken at, in [`Record::meetings`], for a
    /// record that holds several.
    pub meeting: Option<usize>,
}

/// One meeting a record covers: issue pages and CMIS listings hold several.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meeting {
    pub date: Option<Date>,
    pub committee: Option<String>,
    /// The 1-based line of the meeting's header.
    pub line: u32,
}

/// Where a field's value came from: the line and the rule that read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub field: &'static str,
    pub value: String,
    pub line: u32,
    pub rule: &'static str,
}

/// Everything scrutiny knows about one record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub council: Option<String>,
    pub committee: Option<String>,
    pub date: Option<Date>,
    pub kind: RecordKind,
    pub items: Vec<Item>,
    pub meetings: Vec<Meeting>,
    pub members: Vec<Person>,
    /// People at the meeting who are not members: officers, guests.
    pub also_attending: Vec<Person>,
    pub apologies: Vec<Person>,
    /// The committee's clerks ("Contact:", "Contact officer:").
    pub clerks: Vec<Person>,
    /// Where the record was published, when a sidecar says so.
    pub url: Option<String>,
    /// What could not be found, for the user to check.
    pub warnings: Vec<String>,
    /// Where each field came from.
    pub sources: Vec<Source>,
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

    /// The date of the meeting `item` was taken at.
    pub fn item_date(&self, item: &Item) -> Option<Date> {
        item.meeting
            .and_then(|meeting| self.meetings.get(meeting))
            .and_then(|meeting| meeting.date)
            .or(self.date)
    }

    /// The committee of the meeting `item` was taken at.
    pub fn item_committee<'a>(&'a self, item: &'a Item) -> Option<&'a str> {
        item.meeting
            .and_then(|meeting| self.meetings.get(meeting))
            .and_then(|meeting| meeting.committee.as_deref())
            .or(self.committee.as_deref())
    }
}

/// What the caller knows about a record before reading it.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// The folders the record sits in, outermost first; the nearest that
    /// names a council `data/councils.txt` knows is the council
    /// (`downloads/wiltshire/` is Wiltshire's, `downloads/` nobody's).
    pub folders: Vec<String>,
}

// A committee named in running text, with the capitalised words before it
// on the same line ("the Children's Select Committee").
static BODY_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:\p{Lu}[\p{L}&'’-]*[ \t]+(?:(?:and|of|for)[ \t]+)?)*)(Select Committee|Overview and Scrutiny Committee|Scrutiny Committee|Scrutiny Panel|O&S Panel|O&S Committee|Area Boards?)(?-u:\b)").unwrap()
});

/// Extracts a [`Record`] from a record's text. Never fails: a field the
/// text does not state stays empty, with a warning.
pub fn extract(text: &Text, hints: &Hints) -> Record {
    let mut record = page::read(text);
    let folder = hints
        .folders
        .iter()
        .rev()
        .find_map(|folder| council::known_folder(folder))
        .map(str::to_string);
    if let Some(council) = folder {
        record.council = Some(council.clone());
        record.sources.retain(|source| source.field != "council");
        record.sources.push(Source {
            field: "council",
            value: council,
            line: 0,
            rule: "corpus folder of a known council",
        });
    }
    let needs_text =
        record.council.is_none() || record.committee.is_none() && record.meetings.is_empty();
    let full_text = if needs_text {
        text.full_text()
    } else {
        String::new()
    };
    if record.council.is_none() {
        if let Some(council) = council::from_text(&full_text) {
            record.sources.push(Source {
                field: "council",
                value: council.clone(),
                line: 0,
                rule: "council named most often in the text",
            });
            record.warnings.push(format!(
                "council {council:?} taken from a mention in the text, not a heading: check it"
            ));
            record.council = Some(council);
        }
    }
    if record.committee.is_none() && record.meetings.is_empty() {
        if let Some(committee) = committee_from_mentions(&full_text) {
            record.sources.push(Source {
                field: "committee",
                value: committee.clone(),
                line: 0,
                rule: "committee named most often in the text",
            });
            record.committee = Some(committee);
        }
    }
    if record.council.is_none() {
        record.warnings.push("no council found".into());
    }
    if record.committee.is_none()
        && record
            .meetings
            .iter()
            .all(|meeting| meeting.committee.is_none())
    {
        record.warnings.push("no committee found".into());
    }
    if record.date.is_none() && record.meetings.iter().all(|meeting| meeting.date.is_none()) {
        record.warnings.push("no meeting date stated".into());
    }
    record
}

/// `text.trim()`: most lines open and end with an ASCII character that is
/// no white space, and are their own trimmed text.
pub(crate) fn trimmed(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(&first), Some(&last))
            if first.is_ascii() && last.is_ascii() && !ascii_space(first) && !ascii_space(last) =>
        {
            text
        }
        _ => text.trim(),
    }
}

/// True for the ASCII bytes `char::is_whitespace` takes (the vertical tab
/// among them, which `u8::is_ascii_whitespace` leaves out).
pub(crate) fn ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

/// Up to `most - 1` of `pieces`, drawn at random and joined: the texts the
/// property tests of the extraction modules try.
#[cfg(test)]
pub(crate) fn random_text(rng: &mut fastrand::Rng, pieces: &[&str], most: usize) -> String {
    (0..rng.usize(..most))
        .map(|_| pieces[rng.usize(..pieces.len())])
        .collect()
}

/// Trims page furniture from a title: the ModernGov "pdf icon PDF 427 KB"
/// suffix and an unbalanced closing quote.
pub fn clean_title(title: &str) -> String {
    page::clean_title(title)
}

/// The nouns one of which every [`BODY_MENTION`] holds.
static BODY_MENTION_NOUNS: LazyLock<aho_corasick::AhoCorasick> =
    LazyLock::new(|| aho_corasick::AhoCorasick::new(["Committee", "Panel", "Area Board"]).unwrap());

/// A character a [`BODY_MENTION`] may hold: a letter, a space, or
/// punctuation inside a name.
fn mention_character(character: char) -> bool {
    character.is_alphabetic()
        || character.is_whitespace()
        || matches!(character, '&' | '\'' | '’' | '-')
}

/// A committee named in running text, as [`BODY_MENTION`] captures it:
/// where the whole mention is, the words before its noun, and the noun.
struct BodyMention<'a> {
    whole: std::ops::Range<usize>,
    prefix: &'a str,
    noun: &'a str,
}

/// The nouns [`BODY_MENTION`] ends with, as its second group takes them:
/// where one ends another ("Overview and Scrutiny Committee", "Scrutiny
/// Committee"), the group before takes as many words as it can, so the
/// shorter comes first.
const MENTION_NOUNS: [&str; 8] = [
    "Scrutiny Committee",
    "Select Committee",
    "Overview and Scrutiny Committee",
    "Scrutiny Panel",
    "O&S Panel",
    "O&S Committee",
    "Area Boards",
    "Area Board",
];

impl<'a> BodyMention<'a> {
    /// The mention [`BODY_MENTION`] matched at `whole` in `text`. The match
    /// ends with its noun, so the noun is the one the match ends with, and
    /// the words before it are the rest: the groups are read from the
    /// match, not by the slower search for captures.
    fn at(text: &'a str, whole: std::ops::Range<usize>) -> BodyMention<'a> {
        let matched = &text[whole.clone()];
        match MENTION_NOUNS.iter().find(|noun| matched.ends_with(*noun)) {
            Some(noun) => BodyMention {
                prefix: &matched[..matched.len() - noun.len()],
                noun: &matched[matched.len() - noun.len()..],
                whole,
            },
            // Not reached: every match ends with one of the nouns.
            None => BodyMention {
                prefix: "",
                noun: matched,
                whole,
            },
        }
    }
}

/// `BODY_MENTION.captures_iter(text)`, searching only the runs of
/// [`mention_character`]s that hold a committee noun. A match is one such
/// run's characters throughout, so it lies inside one run; searching a run
/// with the character after it as context finds what a search of the
/// whole text finds there, and most of a record's text is in no such run.
fn body_mentions(text: &str) -> impl Iterator<Item = BodyMention<'_>> {
    let mut at = 0;
    let mut run: Option<(usize, usize)> = None;
    std::iter::from_fn(move || loop {
        if let Some((from, end)) = run {
            let context = end + text[end..].chars().next().map_or(0, char::len_utf8);
            if let Some(found) = BODY_MENTION.find_at(&text[..context], from) {
                run = Some((found.end(), end));
                return Some(BodyMention::at(text, found.range()));
            }
            run = None;
            at = end;
        }
        let noun = BODY_MENTION_NOUNS.find(&text[at..])?;
        let noun = at + noun.start();
        let start = text[at..noun]
            .char_indices()
            .rev()
            .find(|(_, character)| !mention_character(*character))
            .map_or(at, |(offset, character)| at + offset + character.len_utf8());
        let end = text[noun..]
            .find(|character| !mention_character(character))
            .map_or(text.len(), |offset| noun + offset);
        run = Some((start, end));
    })
}

/// The committee a record mentions most often ("The Select Committee
/// agreed …", "All Area Boards …"), for records whose header does not name it.
fn committee_from_mentions(text: &str) -> Option<String> {
    let mut counts: Vec<(String, usize, usize)> = Vec::new();
    for mention in body_mentions(text) {
        let prefix: Vec<&str> = mention
            .prefix
            .split_whitespace()
            .skip_while(|word| {
                matches!(
                    *word,
                    "The" | "All" | "This" | "That" | "Each" | "Every" | "A" | "An" | "Members"
                )
            })
            .collect();
        let body = mention.noun.trim_end_matches('s');
        let name = if prefix.is_empty() {
            body.to_string()
        } else {
            format!("{} {}", prefix.join(" "), body)
        };
        let start = mention.whole.start;
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
    fn committee_mentions_are_found_as_a_search_of_the_whole_text_finds_them() {
        const WORDS: &[&str] = &[
            "Select",
            "Committee",
            "Committees",
            "Scrutiny",
            "Panel",
            "O&S",
            "Area",
            "Board",
            "Boards",
            "Overview",
            "and",
            "of",
            "for",
            "the",
            "The",
            "Health",
            "Élan",
            "O’Neil",
            "Cross-Party",
            ",",
            ".",
            "2",
            "_",
            "\n",
            "(",
            "agreed",
            "Children’s",
            "  ",
            "\t",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let spans = |captures: regex::Captures<'_>| -> Vec<Option<(usize, usize)>> {
            (0..captures.len())
                .map(|group| {
                    captures
                        .get(group)
                        .map(|found| (found.start(), found.end()))
                })
                .collect()
        };
        let mut next = |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % below
        };
        // The nouns that end one another, and every noun, written out;
        // then random text.
        let written = [
            "The Overview and Scrutiny Committee agreed",
            "Overview and Scrutiny Committee",
            "the Health Overview and Scrutiny Committee, and the O&S Panel",
            "Children’s Select Committee and All Area Boards and an Area Board",
            "O&S Committee of the Scrutiny Panel for Élan Scrutiny Committee",
        ];
        for round in 0..3000 + written.len() {
            let mut text = String::new();
            if let Some(fixed) = written.get(round) {
                text.push_str(fixed);
            }
            let words = if round < written.len() { 0 } else { next(40) };
            for _ in 0..words {
                let word = WORDS[next(WORDS.len() as u64) as usize];
                text.push_str(word);
                if next(5) != 0 {
                    text.push(' ');
                }
            }
            let expected: Vec<_> = BODY_MENTION.captures_iter(&text).map(spans).collect();
            let found: Vec<_> = body_mentions(&text)
                .map(|mention| {
                    let at = |part: &str| {
                        let start = part.as_ptr() as usize - text.as_ptr() as usize;
                        Some((start, start + part.len()))
                    };
                    vec![
                        Some((mention.whole.start, mention.whole.end)),
                        at(mention.prefix),
                        at(mention.noun),
                    ]
                })
                .collect();
            assert_eq!(found, expected, "in {text:?}");
        }
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
