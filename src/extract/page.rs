//! The line-by-line reading of a record: which page kind it is, its header
//! (council, committee, date, attendance), its items and who is named in
//! each.
//!
//! A record is read as units: a line of the source, joined to the next
//! when it plainly runs on (it ends with a comma or with "held on").
//! Each unit is tried against the rules in order: page furniture first
//! (set aside), then the page-kind line, the lines that state the meeting
//! (`header`), attendance lists, the lines that start an item, and last
//! the running text, which belongs to the current item and is searched
//! for the people it names. Whatever a rule takes is noted with its line
//! and the rule's name, which `scrutiny extract` shows.

use std::sync::LazyLock;

use regex::Regex;

use super::header::{self, matched, Fact};
use super::people::{self, Attendee, Mention, Person};
use super::{trimmed, Item, Meeting, Record, RecordKind, Source};
use crate::read::{Block, Line, Text};

macro_rules! pattern {
    ($name:ident, $regex:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($regex).unwrap());
    };
}

pattern!(
    NUMBER_ONLY,
    r"^(?i:(?:agenda\s+item|item|minute(?:\s+no\.?)?)\s+)?(\d{1,3}/(?:\d{2}|\d{4})|\d{1,3}[a-z]?|[A-Z]{1,3}\d{1,3}[a-z]?|[A-Z]\.\d{1,2}|\((?:[ivxlc]{1,6}|\d{1,3}|[a-z])\))\.?$"
);
// A number is an item's ("5", "12b", "Agenda item 5:"), a lettered one
// ("SA4", "A.1"), a bracketed one ("(ii)") or a minute's with its year
// ("31/19", "Minute 45/24", "Minute No. 45").
// A numbered line: its number, then the first character of its text. The
// text runs to the end of the line, which the caller takes as it is
// (`numbered`): a capture of `.*` would make the regex engine walk a
// numbered paragraph of minutes with its slowest matcher.
pattern!(
    NUMBERED,
    r"^(?i:(?:agenda\s+item|item|minute(?:\s+no\.?)?)\s+)?(\d{1,3}/(?:\d{2}|\d{4})|\d{1,3}[a-z]?|[A-Z]{1,3}\d{1,3}[a-z]?|[A-Z]\.\d{1,2}|\((?:[ivxlc]{1,6}|\d{1,3}|[a-z])\))(?:[.):]\s*|\s+)(\S)"
);

/// What a line's first and last characters must be for some patterns to
/// match it. Testing them first spares most lines the regex engine's cost
/// per search, which is the bulk of the cost of a search that fails at
/// once.
mod opens {
    /// A numbered line's opening: "Item", "Agenda item", "Minute", a digit,
    /// a bracket, up to three capitals and a digit (the "A1" kind), or a
    /// capital, a full stop and a digit ("A.1").
    pub fn number(text: &str) -> bool {
        text.chars().next().is_some_and(|first| {
            first.is_numeric()
                || first == '('
                // "Item"; a capital I may also open "I2" or "I.2", below.
                || matches!(first, 'i' | 'I')
                    && text
                        .get(..4)
                        .is_some_and(|head| head.eq_ignore_ascii_case("item"))
                || matches!(first, 'm' | 'M')
                    && text
                        .get(..6)
                        .is_some_and(|head| head.eq_ignore_ascii_case("minute"))
                || matches!(first, 'a' | 'A')
                    && text
                        .get(..11)
                        .is_some_and(|head| head.eq_ignore_ascii_case("agenda item"))
                || first.is_ascii_uppercase() && {
                    let rest = &text[1..];
                    let lettered = rest
                        .strip_prefix('.')
                        .is_some_and(|after| after.starts_with(|next: char| next.is_ascii_digit()));
                    let capitals = rest
                        .bytes()
                        .take(2)
                        .take_while(u8::is_ascii_uppercase)
                        .count();
                    lettered
                        || rest[capitals..]
                            .chars()
                            .next()
                            .is_some_and(char::is_numeric)
                }
        })
    }

    /// The first letter of one of `LIST_LABEL`'s labels, in either case;
    /// and a colon or a dash after it, unless the line is a label alone
    /// (short). The en dash's first byte stands for it.
    pub fn list_label(text: &str) -> bool {
        text.chars().next().is_some_and(|first| {
            matches!(
                first.to_ascii_lowercase(),
                'p' | 'a' | 'm' | 'c' | 'i' | 'o' | 'l' | 'd'
            )
        }) && (text.trim_end().len() <= 64
            || memchr::memchr2(b':', 0xE2, text.as_bytes()).is_some())
    }

    /// A page footer ends with its number, or a dash ("- 3 -").
    pub fn page_footer(text: &str) -> bool {
        text.chars()
            .next_back()
            .is_some_and(|last| last.is_numeric() || last == '-')
    }

    /// A time opens with its hour.
    pub fn time(text: &str) -> bool {
        text.chars().next().is_some_and(char::is_numeric)
    }

    /// A link's size ("PDF 312 KB", "(PDF, 1 MB)") or "pdf icon" ends it.
    pub fn link_chrome(text: &str) -> bool {
        matches!(
            text.as_bytes().last(),
            Some(b'B' | b'b' | b')' | b'n' | b'N')
        )
    }
}

/// A numbered line's number and the text after it.
fn numbered(text: &str) -> Option<(&str, &str)> {
    if !opens::number(text) {
        return None;
    }
    let captures = matched(&NUMBERED, text)?;
    let (number, start) = (captures.get(1)?, captures.get(2)?.start());
    let rest = &text[start..];
    (!rest.contains('\n')).then_some((number.as_str(), rest))
}
pattern!(
    DOCUMENT_CHROME,
    r"(?i)\s*(?:(?:pdf icon\s*)?(?:\(?PDF,?\s+[\d.]+\s*[KMG]B\)?|pdf icon)(?:\s+view the decision for item \S+)?|view the decision for item \S+)\s*$"
);
pattern!(
    LINK_CHROME,
    r"(?i)^(?:agenda|minutes|draft minutes|printed minutes|agenda frontsheet|agenda reports pack|public reports pack|supplementary)(?:\s*[-–]\s*[^(]*)?\s*\((?:PDF|DOC|DOCX|HTML)[^)]*\)(?:\s*\|.*)?$"
);
pattern!(
    PAGE_FOOTER,
    r"(?i)^(?:page\s+\d+(?:\s+of\s+\d+)?|-\s*\d+\s*-|\d+\s*/\s*\d+)$|(?i)\bpage\s+\d+(?:\s+of\s+\d+)?$"
);
// A list's label and the colon or dash after it; the list's entries are
// the rest of the line. The pattern ends there: a capture search costs in
// proportion to the text it matches, and a list line is long.
pattern!(
    LIST_LABEL,
    r"(?i)^(?:(present|attendance|members present)\s*$|(present|members present|councillors present|councillors|panel members|panel|attending|attendees|attendance|members|in attendance|also in attendance|also present|also attending|officers in attendance|officers present|officers|officer|lead officer|apologies|apologies for absence|apologies received|declarations of interest|contact|contact officer|contact officers)\s*[:–]\s*)"
);
pattern!(
    STANDARD,
    r"(?i)^(?:apologies|welcome and apologies|declarations?\s+of\s+(?:interests?|pecuniary)|disclosures? of interest|(?:the\s+)?minutes$|minutes(?: and actions?(?: log)?)?(?:\s*[-–(:]|$)|(?:confirmation of\s+)?(?:the\s+)?(?:minutes|notes)(?: and actions?(?: log)?)? (?:of|from) (?:the\s+)?(?:previous|last|meeting|\d)|notes? of (?:the\s+)?(?:previous|last) meeting|public (?:questions|participation|question time|speaking)|questions from the public|urgent (?:business|items?)|items? of urgent business|exclusion of (?:the\s+)?(?:press and\s+)?public|substitutions?\b)"
);
pattern!(
    STANDARD_BUSINESS,
    r"(?i)^(?:RESOLVED\s*[-–:]?\s*)?(?:that\s+)?(?:under section 100a.{0,80}(?:press and\s+)?public be excluded|the (?:press and\s+)?public be excluded|the minutes of the (?:previous |last )?meeting(?: held on [^.]{3,40})? (?:be|were) (?:approved|confirmed|agreed|signed)|apologies for absence were (?:received|noted)|no declarations of interest)"
);
pattern!(
    TIME,
    r"(?i)^\d{1,2}[:.]\d{2}\s*(?:a\.?m\.?|p\.?m\.?|hrs)?$|^\d{1,2}\s*(?:a\.?m\.?|p\.?m\.?)$"
);
pattern!(
    BRACKET_ATTENDANCE,
    r"(?i)^\*?\[(.+?)\s+(?:were\s+|was\s+)?(?:also\s+)?in attendance(?: for this item)?\.?\]\.?\*?$"
);
// `BRACKET_ATTENDANCE` after its people: where the shortest list of them
// ends, the first place this matches (`bracket_attendance`).
pattern!(
    ATTENDANCE_NOTE,
    r"(?i)\s+(?:were\s+|was\s+)?(?:also\s+)?in attendance(?: for this item)?\.?\]\.?\*?$"
);

/// The people of a bracketed attendance note ("[Pat Example (Head of
/// Service) in attendance for this item]"): `BRACKET_ATTENDANCE`'s capture,
/// found without the regex engine's capture matcher, which would walk the
/// whole note once per place the list might end.
fn bracket_attendance(text: &str) -> Option<&str> {
    // The pattern opens with "[" or "*[": a bold line ("**Attendance**")
    // is spared the search.
    if !(text.starts_with('[') || text.starts_with("*[")) || !BRACKET_ATTENDANCE.is_match(text) {
        return None;
    }
    let start = if text.starts_with('*') { 2 } else { 1 };
    let first = text[start..].chars().next()?.len_utf8();
    let end = ATTENDANCE_NOTE.find_at(text, start + first)?.start();
    Some(&text[start..end])
}

/// Page furniture: lines that belong to the site or the document, never to
/// the record. Compared in lower case, trailing colons dropped.
const CHROME: &[&str] = &[
    "browse",
    "items",
    "no. item",
    "no item",
    "item",
    "minutes",
    "decision",
    "additional documents",
    "supporting documents",
    "documents",
    "meeting details",
    "agenda items",
    "agenda",
    "attendance details",
    "item number item/resolution",
    "item number\titem/resolution",
    "part one",
    "part two",
    "part 1",
    "part 2",
    "part i",
    "part ii",
    "---",
    "***",
    "purpose",
    "reasons for the decision",
    "reason for the decision",
    "alternative options considered",
    "interests and exemptions",
    "chairman",
    "chair",
    "skip to content",
    "print this page",
    "meeting cancelled.",
];

/// Labels whose value is never part of the record's content, however it
/// reads: dates that are not the meeting's, statuses, links. None holds a
/// colon: a line is labelled by what comes before its first one.
const CHROME_LABELS: &[&str] = &[
    "publication date",
    "effective from",
    "report date",
    "date of publication",
    "decision status",
    "is key decision?",
    "is subject to call in?",
    "key decision",
    "wards affected",
    "venue",
    "tel",
    "telephone",
    "email",
    "e-mail",
    "report of",
    "report author",
    "portfolio",
    "call-in deadline",
    "call in deadline",
    "decision type",
    "forward plan reference",
    "exempt",
    "classification",
    "view the decision for item",
];

/// A bit for each length, below 128 bytes, that one of `words` has; worked
/// out when the program is built.
const fn lengths(words: &[&str]) -> u128 {
    let mut lengths = 0;
    let mut index = 0;
    while index < words.len() {
        assert!(words[index].len() < 128, "chrome is shorter than 128 bytes");
        lengths |= 1 << words[index].len();
        index += 1;
    }
    lengths
}

/// `CHROME.contains(&text)`, told at once for most text by its length.
fn is_chrome(text: &str) -> bool {
    const LENGTHS: u128 = lengths(CHROME);
    text.len() < 128 && LENGTHS & (1 << text.len()) != 0 && CHROME.contains(&text)
}

/// `CHROME_LABELS.contains(&text)`, told at once for most text by its
/// length.
fn is_chrome_label(text: &str) -> bool {
    const LENGTHS: u128 = lengths(CHROME_LABELS);
    text.len() < 128 && LENGTHS & (1 << text.len()) != 0 && CHROME_LABELS.contains(&text)
}

/// The page kind a line names, for the kinds ModernGov prints as the
/// page's first heading.
fn page_kind(line: &str) -> Option<PageKind> {
    // Each kind's words are short, and lower case has at least as many
    // characters as the text it comes from.
    let tail = header::after_last_dash(line).trim();
    if tail.chars().nth(20).is_some() {
        return None;
    }
    let lower = line.to_lowercase();
    let tail = header::after_last_dash(&lower).trim();
    match tail {
        "agenda and minutes" | "agenda and decisions" | "agenda"
            if lower == tail || lower.contains(" - ") =>
        {
            Some(PageKind::AgendaAndMinutes)
        }
        "agenda item" => Some(PageKind::AgendaItem),
        "issue - meetings" | "meetings" if lower.starts_with("issue") => Some(PageKind::Issue),
        "issue history" | "issue details" => Some(PageKind::Issue),
        "decision details" | "decision" if lower.starts_with("decision details") => {
            Some(PageKind::Decision)
        }
        _ => None,
    }
}

/// How the record is laid out, which decides how items begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum PageKind {
    #[default]
    Unknown,
    AgendaAndMinutes,
    AgendaItem,
    Issue,
    Decision,
    Report,
    Comments,
}

/// One unit: a source line, or lines that run on, with where they came
/// from. It borrows the record's lines: only running text keeps them, as
/// its item's blocks, and most units are headers, lists and furniture.
struct Unit<'a> {
    /// The lines' text joined, when there is more than one line.
    joined: Option<String>,
    first: &'a Line,
    /// The lines after the first that run on from it.
    more: Vec<&'a Line>,
    heading: bool,
    /// True when a blank line (a block boundary) comes before it.
    fresh: bool,
}

impl Unit<'_> {
    fn line(&self) -> u32 {
        self.first.number
    }

    fn text(&self) -> &str {
        match &self.joined {
            Some(joined) => joined,
            None => &self.first.text,
        }
    }

    /// The unit's lines, copied.
    fn lines(&self) -> impl Iterator<Item = Line> + '_ {
        std::iter::once(self.first)
            .chain(self.more.iter().copied())
            .cloned()
    }
}

/// Words a line can end with only when the sentence runs on.
const RUNS_ON: &[&str] = &[
    " held at", " held on", " held in", " held", " of the", " on", " at", " of", " and", " the",
    " for", " in", " to",
];

fn units(text: &Text) -> Vec<Unit<'_>> {
    let mut units: Vec<Unit> = Vec::with_capacity(text.lines.len());
    let mut fresh = true;
    let mut joining = false;
    for line in &text.lines {
        if line.text.is_empty() {
            // Only a sentence cut after "held on" runs on over a break.
            fresh = true;
            joining = joining
                && units.last().is_some_and(|unit| {
                    [" held at", " held on", " held in"]
                        .iter()
                        .any(|end| ends_with_ignoring_case(unit.text(), end))
                });
            continue;
        }
        let starts_structure = joining
            && (opens::number(&line.text) && NUMBER_ONLY.is_match(&line.text)
                || opens::list_label(&line.text) && LIST_LABEL.is_match(&line.text)
                || header::fact(&line.text, false).is_some());
        if joining && !starts_structure {
            let unit = units.last_mut().unwrap();
            let joined = unit.joined.get_or_insert_with(|| unit.first.text.clone());
            joined.push(' ');
            joined.push_str(&line.text);
            unit.more.push(line);
            unit.heading &= line.heading;
        } else {
            units.push(Unit {
                joined: None,
                first: line,
                more: Vec::new(),
                heading: line.heading,
                fresh,
            });
        }
        fresh = false;
        let text = line.text.as_str();
        // Every word that runs on ends with a letter; most lines end
        // with a stop.
        joining = text.len() < 200
            && (text.ends_with(',') && !text.contains(". ")
                || text.as_bytes().last().is_some_and(u8::is_ascii_alphabetic)
                    && RUNS_ON
                        .iter()
                        .any(|word| ends_with_ignoring_case(text, word)));
    }
    units
}

/// A line's head in lower case: the whole line when it is at most 96
/// bytes, else its first 48 characters. Most heads are ASCII, or hold only
/// characters lower case leaves alone (curly quotes, dashes, "é"), and are
/// lower-cased on the stack, a byte at a time.
enum Lowered {
    Stack([u8; 96], usize),
    Other(String),
}

impl Lowered {
    fn head(text: &str) -> Lowered {
        let bytes = text.as_bytes();
        let head = if bytes.len() <= 96 {
            text
        } else if bytes[..48].is_ascii() {
            // 48 ASCII bytes are 48 characters.
            &text[..48]
        } else {
            &text[..text.char_indices().nth(48).map_or(text.len(), |(at, _)| at)]
        };
        if head.len() > 96 || !lowers_in_place(head) {
            return Lowered::Other(head.to_lowercase());
        }
        let mut lowered = [0; 96];
        lowered[..head.len()].copy_from_slice(head.as_bytes());
        lowered[..head.len()].make_ascii_lowercase();
        Lowered::Stack(lowered, head.len())
    }

    fn as_str(&self) -> &str {
        match self {
            // SAFETY: the bytes are those of a `&str` (`head`), cut where
            // it was cut, with its ASCII capitals lower-cased: UTF-8 with
            // its ASCII bytes changed to other ASCII bytes is UTF-8.
            Lowered::Stack(bytes, len) => {
                debug_assert!(std::str::from_utf8(&bytes[..*len]).is_ok());
                unsafe { std::str::from_utf8_unchecked(&bytes[..*len]) }
            }
            Lowered::Other(text) => text,
        }
    }
}

/// True when lower-casing `text` changes only its ASCII letters: every
/// other character is its own lower case.
fn lowers_in_place(text: &str) -> bool {
    text.is_ascii()
        || text
            .chars()
            .filter(|character| !character.is_ascii())
            .all(|character| {
                let mut lower = character.to_lowercase();
                lower.len() == 1 && lower.next() == Some(character)
            })
}

/// `text` ends with the ASCII `word`, in any case.
fn ends_with_ignoring_case(text: &str, word: &str) -> bool {
    text.len() >= word.len()
        && text.is_char_boundary(text.len() - word.len())
        && text[text.len() - word.len()..].eq_ignore_ascii_case(word)
}

/// Which list the lines after a label alone belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum List {
    None,
    /// "Present:", "Attendance": councillors, and others with roles.
    Present,
    /// AKS "Attendance Details": councillors, then officers' initials.
    AttendanceDetails,
    Officers,
    Apologies,
    Declarations,
}

struct Parser {
    record: Record,
    kind: PageKind,
    items: Vec<Item>,
    header_done: bool,
    /// The subject line of a single-subject page, once seen.
    subject: Option<(String, u32)>,
    expect_subject: bool,
    /// An item number on a line of its own waits for its title.
    expect_title: bool,
    aks_table: bool,
    list: List,
    pending_number: Option<String>,
    markdown: bool,
    numbered_items: bool,
    /// People named in the record so far, for matching later mentions.
    known: Vec<Person>,
    previous_block_line: Option<u32>,
    /// The meeting that items now belong to (CMIS headings).
    current_meeting: Option<usize>,
    /// The surnames of `known`, to find them named again in running text.
    surnames: Surnames,
    /// A meeting heading has been read and its text not yet started.
    meeting_pending: bool,
}

/// Reads `text` into `record`'s fields (everything except the council
/// from a folder or sidecar, which the caller knows).
pub fn read(text: &Text) -> Record {
    let units = units(text);
    let mut parser = Parser {
        record: Record::default(),
        kind: PageKind::Unknown,
        items: Vec::new(),
        header_done: false,
        subject: None,
        expect_subject: false,
        expect_title: false,
        aks_table: false,
        list: List::None,
        pending_number: None,
        markdown: text.lines.iter().any(|line| line.heading),
        numbered_items: false,
        known: Vec::new(),
        previous_block_line: None,
        current_meeting: None,
        meeting_pending: false,
        surnames: Surnames::default(),
    };
    let mut units = units.into_iter().peekable();
    while let Some(unit) = units.next() {
        parser.unit(unit, units.peek());
    }
    parser.finish()
}

impl Parser {
    fn note(&mut self, field: &'static str, value: &str, line: u32, rule: &'static str) {
        self.record.sources.push(Source {
            field,
            value: value.to_string(),
            line,
            rule,
        });
    }

    fn single_subject(&self) -> bool {
        matches!(
            self.kind,
            PageKind::AgendaItem | PageKind::Decision | PageKind::Report | PageKind::Comments
        )
    }

    /// Tries one unit against every rule, in order. Longer than our limit
    /// of 100 lines on purpose: the rules are a sequence whose order is
    /// the meaning (furniture before labels before items before text), and
    /// each needs the parser's state; split up, the order would be spread
    /// over several functions that each make sense only in it.
    fn unit(&mut self, unit: Unit<'_>, next: Option<&Unit<'_>>) {
        let text = trimmed(unit.text());
        let line = unit.line();
        // Furniture and labels are short: the head of a long line is enough.
        let lower = Lowered::head(text);
        let lower = lower.as_str();
        let bare = trimmed(lower.trim_end_matches(':'));

        if self.expect_subject {
            self.expect_subject = false;
            if text.len() < 300 && header::fact(text, false).is_none() && !is_chrome(bare) {
                let title = clean_title(text);
                self.note("items", &title, line, "page subject");
                self.subject = Some((title, line));
                if self.kind == PageKind::Decision || self.kind == PageKind::AgendaItem {
                    self.start_item(None, self.subject.clone(), None);
                }
                return;
            }
        }
        if self.expect_title {
            self.expect_title = false;
            if is_title(text) {
                let title = clean_title(text);
                let item = self.items.last_mut().unwrap();
                item.title = Some(title.clone());
                item.line = line;
                item.standard = STANDARD.is_match(&title);
                self.note("items", &title, line, "item number, then title");
                return;
            }
        }

        // Page furniture; a breadcrumb trail may end at the council.
        if lower.starts_with("home >") {
            for step in text.split(" > ") {
                if let Some(council) = header::council_in(step.trim()) {
                    self.set_council(&council, line, "breadcrumb");
                }
            }
            return;
        }
        if is_chrome(bare)
            || opens::page_footer(text) && PAGE_FOOTER.is_match(text)
            || opens::time(text) && TIME.is_match(text)
            || opens::link_chrome(text) && LINK_CHROME.is_match(text)
            || lower.starts_with("home >")
            || lower.starts_with("home") && lower.contains(" > ")
            || lower.starts_with("view the decision for item")
            || is_chrome_label(bare)
            || lower
                .split_once(':')
                .is_some_and(|(label, _)| is_chrome_label(label))
        {
            if bare.starts_with("item number") {
                self.aks_table = true;
                self.header_done = true;
            }
            if bare == "attendance details" {
                self.list = List::AttendanceDetails;
            }
            if bare == "documents" || bare == "agenda items" || bare == "minutes" {
                self.list = List::None;
            }
            return;
        }
        if lower.starts_with("item number") && text.contains('\t') {
            self.aks_table = true;
            self.header_done = true;
            return;
        }
        if self.items.is_empty() && !self.header_done {
            if let Some(kind) = page_kind(text) {
                if let Some(council) = header::council_in(text) {
                    self.set_council(&council, line, "council banner");
                }
                self.kind = kind;
                self.expect_subject = kind != PageKind::AgendaAndMinutes;
                self.note("kind", text, line, "page heading");
                return;
            }
            if let Some(captures) = matched(&COMMENTS, text) {
                self.kind = PageKind::Comments;
                let committee = captures[1].trim().to_string();
                self.set_committee(&committee, line, "Comments from …:");
                let title = clean_title(text);
                self.subject = Some((title.clone(), line));
                self.start_item(None, Some((title, line)), None);
                return;
            }
        }

        // A bracketed attendance note belongs to the item it sits in.
        if let Some(listed) = bracket_attendance(text) {
            let people = people::parse_people_list(listed);
            self.ensure_item();
            for person in people {
                self.add_officer(person, line, "[… in attendance for this item]");
            }
            return;
        }

        // Lines that state the meeting. On a page of one subject the labels
        // may come after its text ("Date of decision:"): short lines and
        // labelled ones are tried there.
        let labelled = || {
            // A colon among the first 48 bytes is one among the characters
            // that start there: no other character holds its byte.
            text.len() < 120 || memchr::memchr(b':', &text.as_bytes()[..48]).is_some()
        };
        let header_zone = !self.header_done || self.single_subject() && labelled();
        if let Some(fact) = header::fact(text, header_zone).filter(|_| text.len() < 400) {
            if self.take_fact(fact, &unit) {
                return;
            }
        }

        // Attendance lists.
        if let Some(captures) = opens::list_label(text)
            .then(|| matched(&LIST_LABEL, text))
            .flatten()
        {
            let label = captures
                .get(1)
                .or_else(|| captures.get(2))
                .map_or(String::new(), |label| label.as_str().to_lowercase());
            let value = captures.get(2).map_or("", |_| {
                let head = captures.get(0).map_or(0, |head| head.end());
                text[head..].trim()
            });
            if self.take_list(&label, value, line) {
                return;
            }
        }
        if self.list != List::None && !self.header_done && self.list_line(text, line) {
            return;
        }

        // Lines that start items.
        if self.item_start(&unit, next) {
            return;
        }

        self.body(unit);
    }

    /// Applies what a header line states; true when the line is used up.
    /// Over 100 lines for its one `match`: an arm per kind of fact.
    fn take_fact(&mut self, fact: Fact, unit: &Unit<'_>) -> bool {
        let line = unit.line();
        match fact {
            Fact::Meeting {
                date,
                committee,
                item: number,
                rule,
            } => {
                self.list = List::None;
                self.record.meetings.push(Meeting {
                    date,
                    committee: Some(committee.clone()),
                    line,
                });
                self.note("meeting", &committee, line, rule);
                let meeting = self.record.meetings.len() - 1;
                match self.kind {
                    PageKind::AgendaItem if !self.items.is_empty() => {
                        let item = self.items.last_mut().unwrap();
                        item.meeting = Some(meeting);
                        if item.number.is_none() {
                            item.number = number;
                        }
                    }
                    PageKind::Issue | PageKind::AgendaItem => {
                        let subject = self.subject.clone();
                        self.start_item(number, subject, Some(meeting));
                    }
                    _ => {
                        // A CMIS meeting heading: its own header (venue,
                        // attendance) may follow; its text or items
                        // belong to it.
                        if self.kind == PageKind::Unknown {
                            self.kind = PageKind::AgendaAndMinutes;
                        }
                        self.current_meeting = Some(meeting);
                        self.meeting_pending = true;
                    }
                }
                true
            }
            Fact::Header {
                committee,
                date,
                rule,
            } => {
                if self.header_done && !self.single_subject() {
                    return false;
                }
                let mut took = false;
                if let Some(committee) = committee {
                    let (council, committee) = header::split_council(&committee);
                    if let Some(council) = council {
                        self.set_council(&council, line, rule);
                    }
                    took |= self.set_committee(&committee, line, rule);
                }
                if let Some(date) = date {
                    if self.record.date.is_none() {
                        self.record.date = Some(date);
                        self.note("date", &date.to_string(), line, rule);
                        took = true;
                    }
                }
                took || rule == "minutes … held on"
            }
            Fact::Committee { name, rule } => {
                if self.header_done && !self.single_subject() {
                    return false;
                }
                if rule == "committee heading" && self.record.committee.is_some() {
                    // An AKS title repeated, or a heading after the header.
                    return self
                        .record
                        .committee
                        .as_deref()
                        .is_some_and(|known| known.eq_ignore_ascii_case(&name));
                }
                if rule == "Report to:" {
                    self.kind = PageKind::Report;
                }
                self.set_committee(&name, line, rule)
            }
            Fact::Subject(title) => {
                let title = clean_title(&title);
                self.kind = PageKind::Report;
                self.note("items", &title, line, "Subject:");
                self.subject = Some((title.clone(), line));
                let number = self.pending_number.take();
                if self.items.is_empty() {
                    self.start_item(number, Some((title, line)), None);
                }
                true
            }
            Fact::ItemNumber(number) => {
                self.pending_number = Some(number);
                true
            }
            Fact::Council { name, rule } => {
                self.set_council(&name, line, rule);
                true
            }
        }
    }

    fn set_committee(&mut self, name: &str, line: u32, rule: &'static str) -> bool {
        if name.is_empty() {
            return false;
        }
        if self.record.committee.is_none() {
            self.record.committee = Some(name.to_string());
            self.note("committee", name, line, rule);
        }
        true
    }

    fn set_council(&mut self, name: &str, line: u32, rule: &'static str) {
        if self.record.council.is_none() {
            self.record.council = Some(name.to_string());
            self.note("council", name, line, rule);
        }
    }

    /// A list label: "Present: …", "Officers:", "Apologies:", "Contact: …".
    fn take_list(&mut self, label: &str, value: &str, line: u32) -> bool {
        let list = match label {
            "present"
            | "members present"
            | "councillors present"
            | "councillors"
            | "panel"
            | "panel members"
            | "attending"
            | "attendance"
            | "members" => List::Present,
            "attendees" => List::Present,
            "in attendance"
            | "also in attendance"
            | "also present"
            | "also attending"
            | "officers in attendance"
            | "officers present"
            | "officers"
            | "officer"
            | "lead officer" => List::Officers,
            "apologies" | "apologies for absence" | "apologies received" => List::Apologies,
            "declarations of interest" => List::Declarations,
            _ => {
                for person in people::contacts(value) {
                    self.note("officers", &person.display(), line, "Contact:");
                    self.known.push(person.clone());
                    self.record.clerks.push(person);
                }
                return !value.is_empty() || !self.header_done;
            }
        };
        // Inside an item, only officer lines are lists; "Apologies" there
        // may be a title.
        if self.header_done && !self.single_subject() && list != List::Officers {
            if value.is_empty() {
                return false;
            }
            if list != List::Apologies {
                return false;
            }
        }
        let bare_are_members = matches!(list, List::Present) && label != "attendees";
        let value = if label.starts_with("councillors")
            && !value.to_lowercase().starts_with("councillor")
        {
            format!("Councillors {value}")
        } else {
            value.to_string()
        };
        let value = value.as_str();
        if value.is_empty() {
            self.list = list;
            return true;
        }
        self.list = List::None;
        if list == List::Officers && (label == "lead officer" || label == "officer") {
            if let Some(person) = people::parse_person(value) {
                let (rank, bare) = people::split_person_title(
                    value.split([',', '(']).next().unwrap_or(value).trim(),
                );
                if people::is_name(bare, rank.is_some()) {
                    let person = Person {
                        role: person.role.or_else(|| Some(title_case(label))),
                        ..person
                    };
                    if self.header_done || self.single_subject() {
                        self.ensure_item();
                        self.add_officer(person, line, "Officer:");
                    } else {
                        self.attend(person, line, "Officers:");
                    }
                }
            }
            return true;
        }
        let attendees = people::attendance(value, bare_are_members);
        self.list_entries(list, attendees, line);
        true
    }

    fn list_entries(&mut self, list: List, attendees: Vec<Attendee>, line: u32) {
        for attendee in attendees {
            match (list, attendee) {
                (List::Apologies, Attendee::Member(person) | Attendee::Other(person)) => {
                    self.record.apologies.push(person);
                }
                (List::Declarations, Attendee::Member(person)) => {
                    self.add_member(person, line, "Declarations of interest:");
                }
                (List::Declarations, Attendee::Other(_)) => {}
                (List::Officers, Attendee::Member(person)) if person.title.is_none() => {
                    self.attend(person, line, "Officers:");
                }
                (_, Attendee::Member(person)) => self.add_member(person, line, "Present:"),
                (_, Attendee::Other(person)) => self.attend(person, line, "attendance list"),
            }
        }
    }

    /// A line after a label alone: one more line of that list, when it
    /// reads as one.
    fn list_line(&mut self, text: &str, line: u32) -> bool {
        if text.len() > 400 || text.ends_with('.') && text.split_whitespace().count() > 12 {
            self.list = List::None;
            return false;
        }
        let list = self.list;
        // Enough of the line for the words looked for, which are short: a
        // character lower-cased is one or more characters.
        let head = text.char_indices().nth(16).map_or(text.len(), |(at, _)| at);
        let lower = text[..head].to_lowercase();
        let councillors = lower.starts_with("councillor") || lower.starts_with("cllr");
        let attendees = people::attendance(text, list != List::AttendanceDetails || councillors);
        if attendees.is_empty() {
            if head == text.len()
                && matches!(
                    lower.as_str(),
                    "none" | "none." | "nil" | "none declared." | "none declared"
                )
            {
                return true;
            }
            self.list = List::None;
            return false;
        }
        let effective = if list == List::AttendanceDetails {
            List::Present
        } else {
            list
        };
        self.list_entries(effective, attendees, line);
        true
    }

    fn add_member(&mut self, person: Person, line: u32, rule: &'static str) {
        if self
            .record
            .members
            .iter()
            .any(|known| same_person(known, &person))
            || self
                .record
                .apologies
                .iter()
                .any(|known| same_person(known, &person))
        {
            return;
        }
        self.note("members", &person.display(), line, rule);
        self.record.members.push(person);
    }

    /// Someone at the meeting who is not a member.
    fn attend(&mut self, person: Person, line: u32, rule: &'static str) {
        if self
            .record
            .also_attending
            .iter()
            .any(|known| same_person(known, &person))
        {
            return;
        }
        self.note("officers", &person.display(), line, rule);
        self.known.push(person.clone());
        self.record.also_attending.push(person);
    }

    fn add_officer(&mut self, person: Person, line: u32, rule: &'static str) {
        let person = self
            .known
            .iter()
            .find(|known| same_person(known, &person) && fuller(known, &person))
            .cloned()
            .unwrap_or(person);
        let item = self.items.last_mut().unwrap();
        if item
            .officers
            .iter()
            .any(|known| same_person(known, &person))
        {
            return;
        }
        self.record.sources.push(Source {
            field: "officers",
            value: person.display(),
            line,
            rule,
        });
        if !self.known.iter().any(|known| same_person(known, &person)) {
            self.known.push(person.clone());
        }
        self.items.last_mut().unwrap().officers.push(person);
    }

    fn start_item(
        &mut self,
        number: Option<String>,
        title: Option<(String, u32)>,
        meeting: Option<usize>,
    ) {
        self.header_done = true;
        self.list = List::None;
        self.meeting_pending = false;
        let meeting = meeting.or(self.current_meeting);
        let (title, line) = match title {
            Some((title, line)) => (Some(title), line),
            None => (None, 0),
        };
        self.items.push(Item {
            number,
            standard: title
                .as_deref()
                .is_some_and(|title| STANDARD.is_match(title)),
            title,
            line,
            meeting,
            ..Item::default()
        });
        self.previous_block_line = None;
    }

    fn ensure_item(&mut self) {
        if self.items.is_empty() || self.meeting_pending {
            let subject = self.subject.clone().filter(|_| self.items.is_empty());
            let number = self.pending_number.take();
            self.start_item(number, subject, None);
        }
    }

    fn item_start(&mut self, unit: &Unit<'_>, next: Option<&Unit<'_>>) -> bool {
        let text = trimmed(unit.text());
        let line = unit.line();
        if matches!(
            self.kind,
            PageKind::Report | PageKind::Decision | PageKind::Comments
        ) {
            return false;
        }
        if let Some(captures) = opens::number(text)
            .then(|| matched(&NUMBER_ONLY, text))
            .flatten()
        {
            if self.single_subject() {
                return false;
            }
            self.numbered_items = true;
            self.start_item(Some(number_of(&captures[1])), None, None);
            self.items.last_mut().unwrap().line = line;
            self.note("items", text, line, "item number");
            self.expect_title = true;
            return true;
        }
        if let Some((number, rest)) = numbered(text) {
            let number = number_of(number);
            // On an issue or agenda item page the numbered line is known
            // by its place, under a "Meeting:" line, whatever its markup.
            let own_line = matches!(self.kind, PageKind::Issue | PageKind::AgendaItem);
            let Some(title) = heading_title(rest, unit, self.markdown && !own_line) else {
                return false;
            };
            if matches!(self.kind, PageKind::Issue | PageKind::AgendaItem) {
                // The item's own line on an issue or agenda item page
                // repeats its title under its number.
                if let Some(item) = self.items.last_mut() {
                    if item.number.is_none() || item.number.as_deref() == Some(number.as_str()) {
                        item.number = Some(number);
                        item.title = Some(title.clone());
                        item.line = line;
                        item.standard = STANDARD.is_match(&title);
                        self.note("items", &title, line, "numbered item line");
                        return true;
                    }
                }
                return false;
            }
            // A CMIS page lists its items, then prints each again with its
            // minutes: the second is the same item.
            if let Some(index) = self.items.iter().position(|item| {
                item.number.as_deref() == Some(number.as_str())
                    && item.title.as_deref().map(normal) == Some(normal(&title))
            }) {
                let item = self.items.remove(index);
                self.items.push(item);
                self.previous_block_line = None;
                return true;
            }
            self.numbered_items = true;
            self.start_item(Some(number), Some((title.clone(), line)), None);
            self.note("items", &title, line, "numbered heading");
            return true;
        }
        // Markdown headings without numbers after the header are items.
        if self.markdown
            && unit.heading
            && self.header_done
            && is_title(text)
            && !self.numbered_items
        {
            let title = clean_title(text);
            self.start_item(None, Some((title.clone(), line)), None);
            self.note("items", &title, line, "heading");
            return true;
        }
        // A short line with no number, then running text: an unnumbered
        // item in notes with no numbering at all.
        if self.kind == PageKind::Unknown
            && !self.numbered_items
            && self.record.committee.is_some()
            && is_title(text)
            && text.split_whitespace().count() <= 10
            && next.is_some_and(|next| {
                next.text().len() > 60
                    && next.text().ends_with('.')
                    && numbered(next.text()).is_none()
            })
            && (self.header_done || !self.record.members.is_empty() || self.record.date.is_some())
        {
            let title = clean_title(text);
            self.start_item(None, Some((title.clone(), line)), None);
            self.note("items", &title, line, "unnumbered heading");
            return true;
        }
        false
    }

    /// Running text: the current item's, searched for the people it names.
    /// Just over 100 lines: mentions, attendees named again and the block
    /// bookkeeping share the item being filled.
    fn body(&mut self, unit: Unit<'_>) {
        let line = unit.line();
        let text = trimmed(unit.text());
        self.list = List::None;
        // A short line before any item (a room, a time) is the header's,
        // which goes on.
        let in_header =
            !self.header_done && self.items.is_empty() && text.len() < 100 && !text.ends_with('.');
        self.ensure_item();
        if in_header {
            self.header_done = false;
        }
        // Asked only once a sentence names a councillor: most name none.
        let mut apologies_item: Option<bool> = None;
        // A paragraph that can name nobody is not split into sentences.
        let may_mention = people::may_mention(text);
        for sentence in sentences(text).take_while(|_| may_mention) {
            // Whether the sentence speaks of apologies, and whether it says
            // someone attended after all, asked once: the words are ASCII,
            // and no other letter lower-cases to one of them in place.
            let mut apology_words: Option<(bool, bool)> = None;
            let mut apologies = |apologies_item: bool| {
                let (apology, attended) = *apology_words.get_or_insert_with(|| {
                    let lowered = sentence.to_ascii_lowercase();
                    (
                        lowered.contains("apolog"),
                        lowered.contains("substitut")
                            || lowered.contains(" attended")
                            || lowered.contains(" present"),
                    )
                });
                (apologies_item || apology) && !attended
            };
            for mention in people::mentions(sentence) {
                match mention {
                    Mention::Councillor(person) => {
                        let in_apologies = *apologies_item.get_or_insert_with(|| {
                            self.items.last().is_some_and(|item| {
                                item.title
                                    .as_deref()
                                    .is_some_and(|title| title.to_lowercase().contains("apolog"))
                            })
                        });
                        if apologies(in_apologies) {
                            if !self
                                .record
                                .members
                                .iter()
                                .any(|known| same_person(known, &person))
                            {
                                self.record.apologies.push(person);
                            }
                        } else {
                            self.add_member(person, line, "councillor named in the minutes");
                        }
                    }
                    Mention::Person(person) => {
                        self.add_officer(person, line, "person named with a role or rank");
                    }
                    Mention::Brief { surname, .. } => {
                        if let Some(known) = self
                            .known
                            .iter()
                            .find(|known| surname_of(known) == surname)
                            .cloned()
                        {
                            self.add_officer(known, line, "rank and surname");
                        }
                    }
                }
            }
        }
        // People named earlier (in the attendance list) and named again
        // here in full: their surname as a capitalised word of its own,
        // then their whole name.
        let found = self.surnames.found(&self.known, text);
        let named: Vec<Person> = if found.is_empty() {
            Vec::new()
        } else {
            self.known
                .iter()
                .filter(|known| {
                    known.name.split_whitespace().nth(1).is_some()
                        && found.contains(&surname_of(known))
                        && contains_name(text, &known.name)
                })
                .cloned()
                .collect()
        };
        for person in named {
            self.add_officer(person, line, "attendee named in the item");
        }
        // The running text itself: one block per source block.
        let item = self.items.last_mut().unwrap();
        let first = unit.first.number;
        let joins = self.previous_block_line.is_some() && !unit.fresh;
        match item.blocks.last_mut() {
            Some(block) if joins => block.lines.extend(unit.lines()),
            _ => item.blocks.push(Block {
                lines: unit.lines().collect(),
            }),
        }
        self.previous_block_line = Some(first);
    }

    fn finish(mut self) -> Record {
        // A record with no items at all is one untitled item.
        if self.items.is_empty() {
            let subject = self.subject.clone();
            let number = self.pending_number.take();
            self.start_item(number, subject, None);
        }
        // An untitled item (an AKS table that lost its titles) is standard
        // when its text is a standard item's business.
        for item in &mut self.items {
            if item.title.is_none() && !item.standard {
                if let Some(first) = item.blocks.first() {
                    item.standard = STANDARD_BUSINESS.is_match(&first.joined());
                }
            }
        }
        // A document with no structure: a short first line is its title.
        if let [item] = self.items.as_mut_slice() {
            if item.title.is_none() && item.number.is_none() {
                if let Some(first) = item.blocks.first() {
                    let text = first.joined();
                    if first.lines.len() == 1 && text.len() < 200 && !text.ends_with('.') {
                        item.title = Some(clean_title(&text));
                        item.line = first.first_line();
                        item.blocks.remove(0);
                    }
                }
            }
        }
        let mut record = self.record;
        record.items = self.items;
        record.kind = match self.kind {
            PageKind::AgendaItem | PageKind::Issue => RecordKind::AgendaItem,
            PageKind::Decision => RecordKind::Decision,
            PageKind::Report => RecordKind::Report,
            PageKind::Comments => RecordKind::Comments,
            PageKind::AgendaAndMinutes => RecordKind::Minutes,
            PageKind::Unknown
                if self.numbered_items || record.date.is_some() && record.items.len() > 1 =>
            {
                RecordKind::Minutes
            }
            PageKind::Unknown if record.committee.is_some() && !record.members.is_empty() => {
                RecordKind::Minutes
            }
            PageKind::Unknown => RecordKind::Document,
        };
        // Several meetings: the record's date and committee only when they
        // hold for every meeting.
        match record.meetings.as_slice() {
            [] => {}
            [one] => {
                if record.date.is_none() {
                    record.date = one.date;
                }
                if record.committee.is_none() {
                    record.committee = one.committee.clone();
                }
            }
            [first, rest @ ..] => {
                record.date = None;
                let same = rest.iter().all(|meeting| {
                    meeting.committee.as_deref().map(normal)
                        == first.committee.as_deref().map(normal)
                });
                record.committee = if same { first.committee.clone() } else { None };
            }
        }
        // Members are never also officers.
        let members = record.members.clone();
        for item in &mut record.items {
            item.officers
                .retain(|officer| !members.iter().any(|member| same_person(member, officer)));
        }
        record
    }
}

pattern!(
    COMMENTS,
    r"^Comments (?:from|of|by) (?:the )?(.+?(?:Panel|Committee|Board|Group|Forum))\s*:\s*(.+)$"
);

/// `(ii)` stays `(ii)`, `228.` is `228`.
fn number_of(written: &str) -> String {
    written.trim_end_matches('.').to_string()
}

/// The title of a numbered line, when it reads as a heading and not as a
/// sentence that opens with a number ("15 young people were referred").
fn heading_title(rest: &str, unit: &Unit<'_>, markdown: bool) -> Option<String> {
    if markdown && !unit.heading {
        return None;
    }
    let title = clean_title(rest);
    if !title
        .chars()
        .next()
        .is_some_and(|first| first.is_uppercase() || first == '"' || first == '“')
    {
        return None;
    }
    if title.ends_with('.') || title.ends_with(':') && title.contains(": ") {
        // "Apologies - none." and "Date of next meeting: 12 May 2016"
        // carry their outcome after the title.
        let cut = title
            .find(" - ")
            .or_else(|| title.find(" – "))
            .or_else(|| title.find(": "))?;
        let head = title[..cut].trim();
        return (head.split_whitespace().count() <= 12 && !head.ends_with('.'))
            .then(|| head.to_string());
    }
    if let Some(cut) = title.find(": ").filter(|_| rest.contains(':')) {
        let head = &title[..cut];
        let tail = &title[cut + 2..];
        if super::date::find_date(tail).is_some() && head.split_whitespace().count() <= 8 {
            return Some(head.trim().to_string());
        }
    }
    // "Date of next meeting - 24th January, 2024": the date is the item's
    // outcome; after other titles a date names what the item is about
    // ("Minutes of the last meeting - 11 June 2019").
    if let Some((head, tail)) = title.split_once(" - ").or_else(|| title.split_once(" – ")) {
        if head.trim().eq_ignore_ascii_case("date of next meeting")
            && super::date::find_date(tail).is_some()
        {
            return Some(head.trim().to_string());
        }
    }
    (title.split_whitespace().count() <= 30 && !title.contains(". ")).then_some(title)
}

/// True when `text` can be a title: short, not a sentence, not a label.
fn is_title(text: &str) -> bool {
    let title = clean_title(text);
    !title.is_empty()
        && title.len() < 250
        && !title.ends_with('.')
        && !title.ends_with(':')
        && !title.starts_with("RESOLVED")
        && title.split_whitespace().count() <= 30
        && title
            .chars()
            .next()
            .is_some_and(|first| first.is_uppercase() || first == '"')
        && !LIST_LABEL.is_match(&title)
}

/// Trims document chrome from a title ("pdf icon PDF 427 KB", "PDF 187
/// KB"), and a trailing unbalanced quote.
pub fn clean_title(title: &str) -> String {
    let mut title = DOCUMENT_CHROME.replace(title.trim(), "").trim().to_string();
    for (open, close) in [('\'', '\''), ('‘', '’'), ('"', '"'), ('“', '”')] {
        // Counted only for a title that ends with the quote.
        let unbalanced = || {
            if open == close {
                title.matches(close).count() % 2 == 1
            } else {
                title.matches(close).count() > title.matches(open).count()
            }
        };
        if title.ends_with(close) && unbalanced() {
            title.pop();
        }
    }
    title.trim().to_string()
}

/// Text as compared: lower case, letters and digits only.
fn normal(text: &str) -> String {
    text.chars()
        .filter(|character| character.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn surname_of(person: &Person) -> &str {
    person
        .name
        .split_whitespace()
        .rfind(|word| !["OBE", "MBE", "CBE", "KC", "QC"].contains(word))
        .unwrap_or("")
}

/// Two mentions of one person: the same name, or a surname alone that
/// matches the other's surname ("Councillor Ruiz" and "Councillor J Ruiz").
fn same_person(a: &Person, b: &Person) -> bool {
    if same_normal(&a.name, &b.name) {
        return true;
    }
    (one_word(&a.name) || one_word(&b.name)) && same_normal(surname_of(a), surname_of(b))
}

/// True when `name` is one word as `split_whitespace` splits it. Most
/// names open and end with an ASCII letter, and are one word unless an
/// ASCII space stands between.
fn one_word(name: &str) -> bool {
    let space = super::ascii_space;
    let bytes = name.as_bytes();
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
        if first.is_ascii() && !space(first) && last.is_ascii() && !space(last) {
            if bytes.iter().any(|&byte| space(byte)) {
                return false;
            }
            if name.is_ascii() {
                return true;
            }
        }
    }
    let mut words = name.split_whitespace();
    words.next().is_some() && words.next().is_none()
}

/// `normal(a) == normal(b)`, without building either.
fn same_normal(a: &str, b: &str) -> bool {
    // Most names are ASCII, where the letters and digits compare a byte
    // at a time.
    if a.is_ascii() && b.is_ascii() {
        fn folded(text: &str) -> impl Iterator<Item = u8> + '_ {
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|byte| byte.to_ascii_lowercase())
        }
        return folded(a).eq(folded(b));
    }
    fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
        text.chars()
            .filter(|character| character.is_alphanumeric())
            .flat_map(char::to_lowercase)
    }
    folded(a).eq(folded(b))
}

/// True when `a` names the person at least as fully as `b`.
fn fuller(a: &Person, b: &Person) -> bool {
    a.name.len() >= b.name.len()
}

fn contains_name(text: &str, name: &str) -> bool {
    let mut from = 0;
    while let Some(at) = text[from..].find(name) {
        let start = from + at;
        let end = start + name.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = end;
    }
    false
}

/// Whether a character belongs to a word: letters, digits, apostrophes
/// and hyphens ("O'Brien", "Smith-Jones").
fn word_character(character: char) -> bool {
    if character.is_ascii() {
        character.is_ascii_alphanumeric() || matches!(character, '\'' | '-')
    } else {
        character.is_alphanumeric() || character == '’'
    }
}

/// The surnames of the people known so far, found in running text as
/// capitalised words of their own. Most are searched for together, by one
/// multi-pattern search per block of text; the few added since it was
/// built are searched for one by one, from each place their capital
/// stands, until there are as many of them as in it and it is built again
/// (so building costs in all about twice the surnames, however they
/// arrive).
#[derive(Default)]
struct Surnames {
    /// How many known people have been looked at.
    seen: usize,
    /// The surnames searched for, each once: capitalised, wholly word
    /// characters, of people named with more than one word.
    words: Vec<String>,
    /// The multi-pattern search over `words[..searched]`.
    search: Option<aho_corasick::AhoCorasick>,
    searched: usize,
}

impl Surnames {
    /// The surnames of `known` that stand as words of their own in `text`.
    fn found<'a>(&'a mut self, known: &[Person], text: &str) -> Vec<&'a str> {
        if self.seen != known.len() {
            let added = known[self.seen..]
                .iter()
                .filter(|known| known.name.split_whitespace().nth(1).is_some())
                .map(surname_of)
                .filter(|word| {
                    word.starts_with(char::is_uppercase) && word.chars().all(word_character)
                });
            for word in added {
                if !self.words.iter().any(|known| known == word) {
                    self.words.push(word.to_string());
                }
            }
            self.seen = known.len();
            if self.words.len() - self.searched > self.searched.max(4) {
                // Leftmost-longest matches of words made only of word
                // characters: a match that overlaps or abuts another
                // surname's occurrence leaves that occurrence with a word
                // character beside it, so no whole word is missed.
                self.search = aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                    .build(&self.words)
                    .ok();
                self.searched = if self.search.is_some() {
                    self.words.len()
                } else {
                    0
                };
            }
        }
        let alone = |start: usize, end: usize| {
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            !before.is_some_and(word_character) && !after.is_some_and(word_character)
        };
        let mut found: Vec<&str> = Vec::new();
        if let Some(search) = &self.search {
            for hit in search.find_iter(text) {
                let word = self.words[hit.pattern().as_usize()].as_str();
                if alone(hit.start(), hit.end()) && !found.contains(&word) {
                    found.push(word);
                }
            }
        }
        // A surname is short and opens with a capital, which is rare in
        // running text: each place the capital stands is a cheaper start
        // than a substring search built for the word. Overlapping places
        // are looked at too, which finds nothing more: a place inside
        // another occurrence follows one of the word's own characters.
        let bytes = text.as_bytes();
        for word in &self.words[self.searched..] {
            let needle = word.as_bytes();
            let mut hits = memchr::memchr_iter(needle[0], bytes);
            // The second byte first: most capitals open other words.
            let second = needle.get(1);
            if hits.any(|start| {
                (second.is_none() || bytes.get(start + 1) == second)
                    && bytes[start..].starts_with(needle)
                    && alone(start, start + needle.len())
            }) {
                found.push(word);
            }
        }
        found
    }
}

/// Sentences, roughly: split after ". " where a capital follows.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut stops = memchr::memchr_iter(b'.', bytes);
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        for index in stops.by_ref() {
            if bytes.get(index + 1) != Some(&b' ') {
                continue;
            }
            let next = bytes.get(index + 2).copied().unwrap_or(b' ');
            // "Dr. Smith", "K. Tate", "Cllr. Lee": a short word or a title
            // before the stop is not a sentence's end.
            if !next.is_ascii_uppercase() {
                continue;
            }
            let word = text[start..index].rsplit(' ').next().unwrap_or("");
            let title = matches!(
                word,
                "Cllr" | "Cllrs" | "Mrs" | "Prof" | "Supt" | "Insp" | "Sgt" | "Det" | "Rev"
            );
            if word.chars().count() > 2 && !title {
                let sentence = &text[start..=index];
                start = index + 2;
                return Some(sentence);
            }
        }
        done = true;
        Some(&text[start..])
    })
}

fn title_case(label: &str) -> String {
    let mut characters = label.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str) -> Person {
        Person {
            name: name.to_string(),
            title: None,
            role: None,
        }
    }

    #[test]
    fn a_paragraph_that_names_nobody_as_a_whole_names_nobody_in_any_sentence() {
        let pieces = [
            "Pat Example",
            "Lee",
            "K.",
            "Head of Safeguarding",
            "the",
            ", ",
            " (",
            ")",
            "  ",
            "[",
            "presented",
            "reported",
            "Dr",
            "Mrs.",
            "PC",
            "Detective Inspector",
            "Police",
            "(CSE)",
            "Councillor",
            "Cllr.",
            "Board",
            ". ",
            ".",
        ];
        let mut rng = fastrand::Rng::with_seed(16);
        let (mut named, mut let_go) = (0, 0);
        for _ in 0..30_000 {
            let text: String = (0..rng.usize(1..20))
                .map(|_| {
                    let piece = pieces[rng.usize(..pieces.len())];
                    let space = ["", " ", " ", "  "][rng.usize(..4)];
                    format!("{piece}{space}")
                })
                .collect();
            let names = sentences(&text).any(|sentence| !people::mentions(sentence).is_empty());
            if names {
                assert!(people::may_mention(&text), "{text:?}");
                named += 1;
            } else if !people::may_mention(&text) {
                let_go += 1;
            }
        }
        assert!(named > 3_000, "{named} paragraphs name someone");
        assert!(let_go > 3_000, "{let_go} paragraphs let go whole");
    }

    #[test]
    fn a_title_with_a_full_stop_does_not_end_a_sentence() {
        let text =
            "Cllr. P. Example and Mrs. Lee attended. Dr. Sample presented. The Panel noted it.";
        assert_eq!(
            sentences(text).collect::<Vec<_>>(),
            [
                "Cllr. P. Example and Mrs. Lee attended.",
                "Dr. Sample presented.",
                "The Panel noted it."
            ]
        );
    }

    #[test]
    fn names_compare_as_their_normal_forms_do() {
        let pieces = [
            "Ann", "ANN", "ann", " ", "-", "'", "O", "o", "é", "É", "İ", "i", "2", ".",
        ];
        let mut rng = fastrand::Rng::with_seed(14);
        let mut same = 0;
        for _ in 0..20_000 {
            let mut name = || -> String { crate::extract::random_text(&mut rng, &pieces, 4) };
            let (a, b) = (name(), name());
            let expected = normal(&a) == normal(&b);
            assert_eq!(same_normal(&a, &b), expected, "{a:?} {b:?}");
            same += usize::from(expected);
        }
        assert!(same > 1_000, "{same} the same");
    }

    #[test]
    fn a_name_is_one_word_as_split_whitespace_counts_words() {
        let pieces = [
            "Ann", "Lee", " ", "\t", "\n", "\r", "\x0B", "\x0C", "\u{a0}", "\u{2003}", "é", "-",
        ];
        let mut rng = fastrand::Rng::with_seed(15);
        let mut single = 0;
        for _ in 0..20_000 {
            let name: String = crate::extract::random_text(&mut rng, &pieces, 5);
            let expected = name.split_whitespace().count() == 1;
            assert_eq!(one_word(&name), expected, "{name:?}");
            single += usize::from(expected);
        }
        assert!(single > 2_000, "{single} of one word");
    }

    #[test]
    fn a_line_is_trimmed_as_trim_trims_it() {
        let pieces = [
            "a", " ", "\t", "\x0B", "\x0C", "\u{a0}", "\u{2003}", "é", ".", "\n",
        ];
        let mut rng = fastrand::Rng::with_seed(19);
        for _ in 0..20_000 {
            let text: String = crate::extract::random_text(&mut rng, &pieces, 5);
            assert_eq!(trimmed(&text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn every_word_that_runs_on_ends_with_a_letter() {
        // `units` looks for them only in lines that end with a letter.
        for word in RUNS_ON {
            assert!(
                word.as_bytes().last().is_some_and(u8::is_ascii_alphabetic),
                "{word:?}"
            );
        }
    }

    #[test]
    fn a_lines_head_is_lower_cased_as_the_whole_string_functions_do() {
        let old = |text: &str| {
            if text.len() <= 96 {
                text.to_lowercase()
            } else {
                let head = text.char_indices().nth(48).map_or(text.len(), |(at, _)| at);
                text[..head].to_lowercase()
            }
        };
        for text in [
            String::new(),
            "Present:".into(),
            "HOME > Council > Meetings".into(),
            "Déclarations İ".into(),
            "Children’s Services – “Early Help” £5 é".into(),
            "ΣΑΣ and Σ".into(),
            "\u{212A}elvin".into(),
            format!("{}’{}", "E".repeat(40), "f".repeat(70)),
            format!("{}’{}", "G".repeat(60), "h".repeat(30)),
            "’".repeat(40),
            "A".repeat(96),
            "B".repeat(97),
            format!("{}É and more", "C".repeat(47)),
            format!("{}É{}", "D".repeat(48), "e".repeat(60)),
            "😀".repeat(25),
        ] {
            assert_eq!(Lowered::head(&text).as_str(), old(&text), "{text:?}");
        }
    }

    #[test]
    fn every_line_a_pattern_matches_passes_its_first_test() {
        let mut lines: Vec<String> = [
            "Page 3 of 12",
            "- 4 -",
            "3 / 9",
            "footer page 2",
            "10:30 am",
            "9.15",
            "2 pm",
            "Agenda pdf icon PDF 312 KB",
            "Minutes (PDF, 1 MB)",
            "Report pdf icon",
            "report.pdf Kb",
            "Present:",
            "ATTENDANCE",
            "officers in attendance: Pat Example",
            "Contact: Lee",
            "Item 5",
            "item 5.",
            "5",
            "12a",
            "A1",
            "AB12 Fees",
            "ABC3 Fees",
            "ITEM 6 Fees",
            "Ab1 Fees",
            "B٣ Fees",
            "(iv)",
            "(b)",
            "٣",
            "3. Fees",
            "Item 4: Taxi licensing",
            "(2) Review",
            "31/19 APOLOGIES",
            "Minute 45/24 Budget",
            "MINUTE 7/2020",
            "minute 3/21.",
            "Minute No. 45 APOLOGIES",
            "Agenda item 3: Forward plan",
            "AGENDA ITEM 4",
            "A.1 Apologies",
            "B.12",
            "I2 Fees",
            "I.3 Budget",
            "IT4 Budget",
            "item 7",
            "In response",
            "(i)",
            "*[Pat Example in attendance]*",
        ]
        .map(str::to_string)
        .to_vec();
        // And every line of the development set's records.
        let records = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/devset/records");
        for entry in walkdir::WalkDir::new(records) {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
            lines.extend(text.lines().map(|line| line.trim().to_string()));
        }
        assert!(lines.len() > 1_000, "{} lines", lines.len());
        let mut matched = [0; 6];
        for line in &lines {
            let checks = [
                (PAGE_FOOTER.is_match(line), opens::page_footer(line)),
                (TIME.is_match(line), opens::time(line)),
                (LINK_CHROME.is_match(line), opens::link_chrome(line)),
                (LIST_LABEL.is_match(line), opens::list_label(line)),
                (NUMBER_ONLY.is_match(line), opens::number(line)),
                (NUMBERED.is_match(line), opens::number(line)),
            ];
            for (index, (matches, passes)) in checks.into_iter().enumerate() {
                assert!(!matches || passes, "pattern {index} matches {line:?}");
                matched[index] += usize::from(matches);
            }
        }
        assert!(matched.iter().all(|&count| count >= 3), "{matched:?}");
    }

    #[test]
    fn list_labels_and_entries_are_those_the_pattern_to_the_line_end_captures() {
        let whole = regex::Regex::new(
            r"(?i)^(?:(present|attendance|members present)\s*$|(present|members present|councillors present|councillors|panel members|panel|attending|attendees|attendance|members|in attendance|also in attendance|also present|also attending|officers in attendance|officers present|officers|officer|lead officer|apologies|apologies for absence|apologies received|declarations of interest|contact|contact officer|contact officers)\s*[:–]\s*(.*)$)",
        )
        .unwrap();
        let pieces = [
            "Present",
            "present",
            "Members",
            "members present",
            "Apologies",
            " for absence",
            "Officers",
            " in attendance",
            "Contact",
            " officer",
            ":",
            "–",
            "-",
            " ",
            "  ",
            "\t",
            "Cllr A Example",
            ", ",
            "Pat Lee (Head of Service)",
            "none",
            "\u{a0}",
            "é",
        ];
        let mut rng = fastrand::Rng::with_seed(19);
        let mut lists = 0;
        for _ in 0..30_000 {
            // Most lines open with a label's word.
            let first = pieces[rng.usize(..10)];
            let line: String = std::iter::once(first)
                .chain((0..rng.usize(..8)).map(|_| pieces[rng.usize(..pieces.len())]))
                .collect();
            let expected = whole.captures(&line).map(|captures| {
                let group = |index| captures.get(index).map(|label| label.as_str().to_string());
                let value = captures
                    .get(3)
                    .map_or("", |value| value.as_str())
                    .trim()
                    .to_string();
                (group(1), group(2), value)
            });
            let found = LIST_LABEL.captures(&line).map(|captures| {
                let group = |index| captures.get(index).map(|label| label.as_str().to_string());
                let head = captures.get(0).map_or(0, |head| head.end());
                let value = captures
                    .get(2)
                    .map_or("", |_| line[head..].trim())
                    .to_string();
                (group(1), group(2), value)
            });
            assert_eq!(found, expected, "{line:?}");
            lists += usize::from(expected.is_some_and(|(_, _, value)| !value.is_empty()));
        }
        assert!(lists > 1_000, "{lists} lists with entries");
    }

    #[test]
    fn bracketed_attendance_notes_give_what_the_whole_pattern_captures() {
        const PIECES: &[&str] = &[
            "*",
            "[",
            "]",
            ".",
            " ",
            "  ",
            "Pat Example",
            "(Head of Service)",
            "were",
            "was",
            "also",
            "in attendance",
            "In Attendance",
            "for this item",
            "and",
            "é",
            "\n",
            "x",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |below: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % below
        };
        let mut matched_any = 0;
        for round in 0..20_000 {
            // Every other text has the shape of a note, pieces inside.
            let mut text = String::from(if round % 2 == 0 { "[" } else { "" });
            for _ in 0..next(14) {
                text.push_str(PIECES[next(PIECES.len() as u64) as usize]);
                if next(3) == 0 {
                    text.push(' ');
                }
            }
            if round % 2 == 0 {
                text.push_str(
                    [" in attendance]", " were in attendance for this item.]"][round % 4 / 2],
                );
            }
            let expected = BRACKET_ATTENDANCE
                .captures(&text)
                .and_then(|captures| captures.get(1))
                .map(|listed| listed.as_str());
            matched_any += usize::from(expected.is_some());
            assert_eq!(bracket_attendance(&text), expected, "in {text:?}");
        }
        assert!(matched_any > 1_000, "only {matched_any} notes");
    }

    #[test]
    fn surnames_are_found_as_whole_capitalised_words_however_many_are_known() {
        let mut surnames = Surnames::default();
        let mut known = vec![person("Ann Hart"), person("Lee")];
        // Few known: searched one by one. "Lee" has one word, so is not
        // searched for; "Hartley" is not "Hart".
        let text = "Hartley and Lee met Ann Hart (Hart-Smith was away).";
        assert_eq!(surnames.found(&known, text), vec!["Hart"]);
        assert_eq!(surnames.found(&known, "Hartley spoke."), Vec::<&str>::new());
        // Enough known for the combined search, then more after it.
        for name in [
            "Jo Bell",
            "Kim Olu",
            "Sam Okafor",
            "Ray O'Neil",
            "Di Ross",
            "Al Hartley",
        ] {
            known.push(person(name));
        }
        let found = surnames.found(&known, "Hartley, O'Neil and Ross; not Bellamy or hart.");
        assert_eq!(found, vec!["Hartley", "O'Neil", "Ross"]);
        assert!(surnames.search.is_some());
        known.push(person("Viv Bellamy"));
        let found = surnames.found(&known, "Hartley, O'Neil and Ross; not Bellamy or hart.");
        assert_eq!(found, vec!["Hartley", "O'Neil", "Ross", "Bellamy"]);
        assert_eq!(surnames.searched, 7);
    }
}
