//! One line of a record → what it states about the meeting, if anything.
//!
//! Each recogniser matches one way councils print a fact: a ModernGov
//! "Agenda and minutes" header (`<Committee> - <Weekday> <date> <time>`), a
//! "Meeting:" line, a CMIS heading (`<d Mon yyyy HH:MM> - <Committee>`), the
//! sentence printed minutes open with, the labels of decision pages and
//! committee reports, a council's banner. The names returned (`rule`) are
//! what `scrutiny extract` shows as the source of each field.
//!
//! Dates come only from these lines. A date written anywhere else (the
//! previous meeting's, a deadline, a publication date) is never a meeting
//! date, so lines such as "Publication date:" are recognised only to be
//! set aside.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

use super::date::find_date;

macro_rules! pattern {
    ($name:ident, $regex:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($regex).unwrap());
    };
}

const WEEKDAY: &str =
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?";
const MONTH: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";

/// The nouns a committee's name ends with.
pub const COMMITTEE_NOUNS: &str = r"(?:Committee|Sub-Committee|Subcommittee|Board|Panel|Forum|Commission|Cabinet|Executive|Group|Sub-Group|Partnership|Assembly|Council|Conference|Network)";

pattern!(
    MEETING,
    r"^Meeting:\s*(.+?)\s+[-–]\s+(.+?)(?:\s*\((?i:item)\s+([\w.()]+?)\.?\))?\s*$"
);
static CMIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(\d{{1,2}}\s+{MONTH}\.?\s+\d{{4}})(?:\s+\d{{1,2}}[:.]\d{{2}})?\s+[-–]\s+(.+)$"
    ))
    .unwrap()
});
static DATED_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"^(.+?)\s+[-–]\s+((?:{WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?,?\s+{MONTH},?\s+\d{{4}}.*)$"
    ))
    .unwrap()
});
static DATE_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:{WEEKDAY},?\s+)?(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+\d{{4}}\.?$|^\d{{1,2}}/\d{{1,2}}/\d{{4}}$"
    ))
    .unwrap()
});
pattern!(
    MINUTES_HELD,
    r"(?i)^(?:the\s+)?(?:minutes|notes?)\s+of\s+(?:a\s+|an\s+|the\s+)?(?:(?:special\s+|extraordinary\s+|virtual\s+)?meeting\s+of\s+(?:the\s+)?)?(.+?)\s+held\b(.*)$"
);
pattern!(REPORTED, r"(?i)\b(?:were|was|be|been|are|is|had)\b");
pattern!(
    MINUTES_OF,
    r"(?i)^(?:the\s+)?(?:minutes|notes?)\s+of\s+(?:a\s+|the\s+)?(?:meeting\s+of\s+(?:the\s+)?)?(.+)$"
);
pattern!(
    HELD,
    r"(?i)^(?:held|meeting held|which was held)\s+(?:on|at|in)\b(.*)$"
);
pattern!(
    MINUTES_DASH,
    r"(?i)^(?:minutes|notes|note|agenda)\s*(?:of\s+(?:the\s+)?meeting)?\s*[-–:,]\s*(.*\d{4}.*)$"
);
pattern!(
    DATE_LABEL,
    r"(?i)^(?:date|date of meeting|meeting date|date of decision|date and time)\s*:\s*(.+)$"
);
pattern!(
    DECIDED_AT,
    r"(?i)^decided at meeting\s*:\s*(.+?)(?:\s+[-–]\s+(.+))?$"
);
pattern!(DECISION_MAKER, r"(?i)^decision maker\s*:\s*(.+)$");
pattern!(REPORT_TO, r"(?i)^(?:report to|report for)\s*:\s*(.+)$");
pattern!(SUBJECT, r"(?i)^(?:subject|title|report title)\s*:\s*(.+)$");
pattern!(
    AGENDA_ITEM_NUMBER,
    r"(?i)^agenda item\s*(?:no\.?|number)?\s*:?\s*(\w{1,6})$"
);
pattern!(
    ORGANISED_BY,
    r"(?i)^(?:organised|hosted|convened) by\s+(.+)$"
);
pattern!(
    COUNCIL_NAME,
    r"^(?:The\s+)?((?:(?:\p{Lu}[\p{L}'’.-]*|of|upon|on|and|under|in|the)\s+){1,5}?(?:(?:County|District|Borough|City|Metropolitan\s+Borough|Metropolitan\s+District|Town|Parish|Unitary|Royal\s+Borough)\s+)?Council)(?:\s*$|\s+[-–|:]|\s+website\b|\s+-\s)"
);
pattern!(
    COUNCIL_NAME_CAPS,
    r"^(?:THE\s+)?((?:(?:\p{Lu}[\p{Lu}'’.-]*|OF|UPON|ON|AND)\s+){1,5}?(?:(?:COUNTY|DISTRICT|BOROUGH|CITY|METROPOLITAN\s+BOROUGH|TOWN|PARISH|ROYAL\s+BOROUGH)\s+)?COUNCIL)\b"
);
static COMMITTEE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:the\s+)?((?:[\p{{L}}'’&,-]+\s+){{0,10}}{COMMITTEE_NOUNS})(?:\s*\([^)]*\))?$"
    ))
    .unwrap()
});

/// What one line states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// A meeting that starts a block of the record: "Meeting:" lines on
    /// issue and agenda item pages, CMIS headings.
    Meeting {
        date: Option<Date>,
        committee: String,
        item: Option<String>,
        rule: &'static str,
    },
    /// The record's one meeting: its committee, date or both.
    Header {
        committee: Option<String>,
        date: Option<Date>,
        rule: &'static str,
    },
    /// The committee a decision was taken by (a decision maker may be a
    /// cabinet member), or the committee a report is to.
    Committee { name: String, rule: &'static str },
    /// The title of a page's one subject ("Subject:" on a report).
    Subject(String),
    /// The number a report carries on its committee's agenda.
    ItemNumber(String),
    /// The council that published the record.
    Council { name: String, rule: &'static str },
}

/// `pattern`'s captures in `text`. Most lines match none of the patterns,
/// and a plain match test, unlike a capture search, allocates nothing.
pub(crate) fn matched<'h>(pattern: &Regex, text: &'h str) -> Option<regex::Captures<'h>> {
    if pattern.is_match(text) {
        pattern.captures(text)
    } else {
        None
    }
}

fn date_in(text: &str) -> Option<Date> {
    find_date(text).map(|(date, _)| date)
}

/// A committee's name as printed, without a trailing annotation in
/// brackets ("(Stage Two)") or a trailing " Meeting".
pub fn clean_committee(name: &str) -> String {
    cleaned_committee(name).to_string()
}

/// [`clean_committee`] without the copy.
fn cleaned_committee(name: &str) -> &str {
    let mut name = super::trimmed(super::trimmed(name).trim_end_matches([',', '.', ':']));
    if name.ends_with(')') {
        if let Some(open) = name.rfind('(') {
            if open > 0 {
                name = name[..open].trim();
            }
        }
    }
    // "Children's Scrutiny Committee: Minutes" names the committee before
    // the colon.
    for page in [": minutes", ": draft minutes", ": notes", ": agenda"] {
        let cut = name.len().saturating_sub(page.len());
        if name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(page) {
            name = name[..cut].trim();
            break;
        }
    }
    for suffix in [" Meeting", " meeting", " MEETING"] {
        if let Some(rest) = name.strip_suffix(suffix) {
            name = rest.trim();
        }
    }
    name
}

/// True when `name` reads as a committee's name: a few words ending in a
/// committee noun ("Licensing Committee", "HEALTH AND WELLBEING BOARD").
pub fn is_committee_name(name: &str) -> bool {
    const JOINING: &[&str] = &[
        "and", "of", "for", "the", "on", "in", "&", "with", "to", "-", "–",
    ];
    // The cheap tests first: most lines tried are sentences, which fail
    // at their first small word.
    if !name.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let mut words = 0;
    for word in name.split_whitespace() {
        words += 1;
        // Most words open with a capital; the joining words are looked
        // up only for those that do not.
        let capitalised = word
            .chars()
            .next()
            .is_some_and(|first| !first.is_lowercase())
            || JOINING.contains(&word);
        if words > 12 || !capitalised {
            return false;
        }
    }
    words >= 1
        && !name.bytes().any(|byte| byte.is_ascii_digit())
        && may_end_with_committee_noun(name)
        && COMMITTEE_LINE.is_match(name)
        && council_in(name).is_none()
}

/// False when [`COMMITTEE_LINE`] cannot match `name`: an ASCII name that
/// ends with no committee noun (in any case) and no closing bracket. A
/// name with other characters is left to the pattern, whose case-blind
/// letters include some outside ASCII (the Kelvin sign is a "k").
fn may_end_with_committee_noun(name: &str) -> bool {
    const ENDINGS: [&str; 13] = [
        "committee",
        "board",
        "panel",
        "forum",
        "commission",
        "cabinet",
        "executive",
        "group",
        "partnership",
        "assembly",
        "council",
        "conference",
        "network",
    ];
    !name.is_ascii()
        || name.ends_with(')')
        || ENDINGS.iter().any(|noun| {
            name.len() >= noun.len() && name[name.len() - noun.len()..].eq_ignore_ascii_case(noun)
        })
}

/// The council named at the start of a banner or heading line.
pub fn council_in(line: &str) -> Option<String> {
    // Both patterns hold "Council" or "COUNCIL", found from the places
    // a capital C stands (few in a line).
    let bytes = line.as_bytes();
    if !memchr::memchr_iter(b'C', bytes).any(|at| {
        let rest = &bytes[at + 1..];
        rest.starts_with(b"ouncil") || rest.starts_with(b"OUNCIL")
    }) {
        return None;
    }
    let captures = matched(&COUNCIL_NAME, line).or_else(|| matched(&COUNCIL_NAME_CAPS, line))?;
    let name = captures[1].trim().to_string();
    // "Full Council", "County Council" alone and the like name no council.
    let first = name.split_whitespace().next().unwrap_or_default();
    let generic = [
        "Full", "County", "District", "Borough", "City", "Town", "Parish", "Children", "Youth",
        "Council", "FULL", "COUNTY", "DISTRICT", "BOROUGH", "CITY", "COUNCIL",
    ];
    (!generic.contains(&first)).then_some(name)
}

/// What `line` states about the meeting, if it is one of the header forms.
/// `header` is true before the record's first item, where more forms apply.
pub fn fact(line: &str, header: bool) -> Option<Fact> {
    // Header lines are short; a paragraph is never one.
    if line.len() > 400 {
        return None;
    }
    if line.starts_with("Meeting") {
        let parts = meeting_parts(line).or_else(|| {
            matched(&MEETING, line).map(|captures| MeetingParts {
                date: captures.get(1).map_or("", |date| date.as_str()),
                committee: captures.get(2).map_or("", |committee| committee.as_str()),
                item: captures.get(3).map(|number| number.as_str()),
            })
        });
        if let Some(parts) = parts {
            return Some(Fact::Meeting {
                date: date_in(parts.date),
                committee: clean_committee(parts.committee),
                item: parts
                    .item
                    .map(|number| number.trim_end_matches('.').to_string()),
                rule: "Meeting: line",
            });
        }
    }
    let digit_first = line.starts_with(|character: char| character.is_ascii_digit());
    if let Some(captures) = digit_first.then(|| matched(&CMIS, line)).flatten() {
        let committee = clean_committee(&captures[2]);
        if is_committee_name(&committee) {
            return Some(Fact::Meeting {
                date: date_in(&captures[1]),
                committee,
                item: None,
                rule: "CMIS meeting heading",
            });
        }
    }
    if !header {
        return None;
    }
    // Each labelled form opens with one of a few words: the line's first
    // word picks the patterns worth trying.
    let opening = first_word(line);
    let opens = |words: &[&str]| {
        words
            .iter()
            .any(|word| opening.eq_ignore_ascii_case(word.as_bytes()))
    };
    if let Some(captures) = opens(&["decided"])
        .then(|| matched(&DECIDED_AT, line))
        .flatten()
    {
        return Some(Fact::Header {
            committee: captures.get(2).map(|name| clean_committee(name.as_str())),
            date: date_in(&captures[1]),
            rule: "Decided at meeting:",
        });
    }
    if let Some(captures) = opens(&["decision"])
        .then(|| matched(&DECISION_MAKER, line))
        .flatten()
    {
        return Some(Fact::Committee {
            name: clean_committee(&captures[1]),
            rule: "Decision Maker:",
        });
    }
    if let Some(captures) = opens(&["date", "meeting"])
        .then(|| matched(&DATE_LABEL, line))
        .flatten()
    {
        return date_in(&captures[1]).map(|date| Fact::Header {
            committee: None,
            date: Some(date),
            rule: "date label",
        });
    }
    if let Some(captures) = opens(&["report"])
        .then(|| matched(&REPORT_TO, line))
        .flatten()
    {
        let name = clean_committee(&captures[1]);
        if is_committee_name(&name) || name.split_whitespace().count() <= 8 {
            return Some(Fact::Committee {
                name,
                rule: "Report to:",
            });
        }
    }
    if let Some(captures) = opens(&["subject", "title", "report"])
        .then(|| matched(&SUBJECT, line))
        .flatten()
    {
        return Some(Fact::Subject(captures[1].trim().to_string()));
    }
    if let Some(captures) = opens(&["agenda"])
        .then(|| matched(&AGENDA_ITEM_NUMBER, line))
        .flatten()
    {
        return Some(Fact::ItemNumber(captures[1].to_string()));
    }
    let minutes = opens(&["the", "minutes", "notes", "note"]);
    if let Some(captures) = minutes
        .then(|| matched(&MINUTES_HELD, line))
        .flatten()
        .filter(|captures| !REPORTED.is_match(&captures[2]))
    {
        let named = clean_committee(&captures[1]);
        let committee = (!named.eq_ignore_ascii_case("meeting")).then_some(named);
        return Some(Fact::Header {
            committee,
            date: date_in(&captures[2]),
            rule: "minutes … held on",
        });
    }
    if let Some(captures) = opens(&["held", "meeting", "which"])
        .then(|| matched(&HELD, line))
        .flatten()
    {
        if let Some(date) = date_in(&captures[1]) {
            return Some(Fact::Header {
                committee: None,
                date: Some(date),
                rule: "held on",
            });
        }
    }
    if let Some(captures) = opens(&["minutes", "notes", "note", "agenda"])
        .then(|| matched(&MINUTES_DASH, line))
        .flatten()
    {
        if let Some(date) = date_in(&captures[1]) {
            return Some(Fact::Header {
                committee: None,
                date: Some(date),
                rule: "minutes – date",
            });
        }
    }
    // Both of its forms end in a year's digits, perhaps with a full stop.
    let last = line.strip_suffix('.').unwrap_or(line).chars().next_back();
    if last.is_some_and(char::is_numeric) && DATE_ONLY.is_match(line) {
        return date_in(line).map(|date| Fact::Header {
            committee: None,
            date: Some(date),
            rule: "date line",
        });
    }
    static DASHES: LazyLock<[memchr::memmem::Finder<'static>; 2]> =
        LazyLock::new(|| [" - ", " – "].map(memchr::memmem::Finder::new));
    let dashed = DASHES
        .iter()
        .any(|dash| dash.find(line.as_bytes()).is_some());
    if let Some(captures) = dashed.then(|| matched(&DATED_HEADER, line)).flatten() {
        let committee = clean_committee(&captures[1]);
        if let Some(date) = date_in(&captures[2]) {
            let (council, committee) = split_council(&committee);
            if council.is_some() || committee.split_whitespace().count() <= 12 {
                return Some(Fact::Header {
                    committee: Some(committee),
                    date: Some(date),
                    rule: "committee – date header",
                });
            }
        }
    }
    if let Some(captures) = minutes.then(|| matched(&MINUTES_OF, line)).flatten() {
        let name = clean_committee(&captures[1]);
        if is_committee_name(&name) {
            return Some(Fact::Header {
                committee: Some(name),
                date: None,
                rule: "minutes of",
            });
        }
    }
    if let Some(captures) = opens(&["organised", "hosted", "convened"])
        .then(|| matched(&ORGANISED_BY, line))
        .flatten()
    {
        // "Organised by Anyshire District Council Community Safety Team":
        // the council is the name up to its "Council".
        let organiser = captures[1].trim();
        let council = ["Council", "COUNCIL"]
            .iter()
            .filter_map(|word| organiser.find(word).map(|at| &organiser[..at + word.len()]))
            .min_by_key(|council| council.len())
            .unwrap_or(organiser);
        if let Some(name) = council_in(council) {
            return Some(Fact::Council {
                name,
                rule: "organised by",
            });
        }
    }
    if let Some(name) = council_in(line) {
        let (_, rest) = split_council(line);
        if rest != line && is_committee_name(&rest) {
            return Some(Fact::Header {
                committee: Some(line.to_string()),
                date: None,
                rule: "council – committee heading",
            });
        }
        return Some(Fact::Council {
            name,
            rule: "council banner",
        });
    }
    let name = cleaned_committee(after_last_dash(line));
    // "Pat Example, Community Safety Officer, Anyshire District Council"
    // is a person with a role, whatever the line ends with.
    // Asked second: most lines are no committee's name.
    let person_first = || {
        name.split_once(", ")
            .is_some_and(|(first, _)| super::people::is_name(first, false))
    };
    if is_committee_name(name) && !person_first() {
        return Some(Fact::Committee {
            name: name.to_string(),
            rule: "committee heading",
        });
    }
    None
}

/// What [`MEETING`] captures in a "Meeting:" line: the date, the
/// committee and the item number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MeetingParts<'a> {
    date: &'a str,
    committee: &'a str,
    item: Option<&'a str>,
}

/// [`MEETING`]'s captures read by hand for the usual "Meeting: <date> -
/// <committee> (Item n)" line: a capture search costs microseconds a line.
/// None when the line does not match, or when it strays from the usual
/// form (no text after the dash, a non-ASCII item number), where the
/// pattern decides.
fn meeting_parts(line: &str) -> Option<MeetingParts<'_>> {
    if line.contains('\n') {
        return None;
    }
    let rest = line.strip_prefix("Meeting:")?.trim_start();
    // The date runs to the first dash with white space either side and
    // text after it; the date's own text opens with no white space.
    let (date_end, committee_start) = rest
        .char_indices()
        .filter(|&(_, character)| character == '-' || character == '–')
        .find_map(|(dash, character)| {
            let date = rest[..dash].trim_end();
            let after = &rest[dash + character.len_utf8()..];
            let committee = after.trim_start();
            (!date.is_empty() && date.len() < dash && committee.len() < after.len())
                .then(|| (date.len(), rest.len() - committee.len()))
        })?;
    // White space alone after the dash is a case for the pattern.
    let end = rest.trim_end().len();
    if committee_start >= end {
        return None;
    }
    let committee = &rest[committee_start..end];
    let (committee, item) = match item_suffix(committee)? {
        Some((before, number)) => (before, Some(number)),
        None => (committee, None),
    };
    Some(MeetingParts {
        date: &rest[..date_end],
        committee,
        item,
    })
}

/// "Cabinet (Item 5.)" → ("Cabinet", "5"): the text before a closing
/// "(Item n)" and the number, as [`MEETING`]'s lazy committee and item
/// groups split them; `committee` opens and ends with no white space.
/// Some(None) without one; None when the pattern must decide (a number
/// with a character outside ASCII).
fn item_suffix(committee: &str) -> Option<Option<(&str, &str)>> {
    let Some(inner) = committee.strip_suffix(')') else {
        return Some(None);
    };
    // The number holds no white space, so the last white space is the one
    // after "Item".
    let Some(space) = inner.rfind(char::is_whitespace) else {
        return Some(None);
    };
    let number = &inner[space..];
    let number = &number[number.chars().next().map_or(0, char::len_utf8)..];
    if !number.is_ascii() {
        return None;
    }
    let opening = inner[..space].trim_end();
    let first = committee.chars().next().map_or(0, char::len_utf8);
    let word = opening.len().checked_sub(5);
    let found = word.filter(|&bracket| {
        // The committee keeps at least its first character.
        bracket >= first
            && !number.is_empty()
            && number.bytes().all(|byte| {
                byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'.' | b'(' | b')')
            })
            && opening.is_char_boundary(bracket)
            && opening[bracket..].eq_ignore_ascii_case("(item")
    });
    let Some(bracket) = found else {
        return Some(None);
    };
    let number = match number.strip_suffix('.') {
        Some(bare) if !bare.is_empty() => bare,
        _ => number,
    };
    let before = opening[..bracket].trim_end();
    Some(Some((&committee[..before.len().max(first)], number)))
}

/// `line.rsplit(" - ").next()`: what follows the last " - ", found from
/// the last hyphen with a space either side, with no searcher to build.
pub(crate) fn after_last_dash(line: &str) -> &str {
    let bytes = line.as_bytes();
    memchr::memrchr_iter(b'-', bytes)
        .find(|&at| at > 0 && bytes[at - 1] == b' ' && bytes.get(at + 1) == Some(&b' '))
        .map_or(line, |at| &line[at + 2..])
}

/// The ASCII letters `line` opens with, at most sixteen ("Date:" →
/// "Date"); empty when it opens with anything else.
fn first_word(line: &str) -> &[u8] {
    let bytes = &line.as_bytes()[..line.len().min(16)];
    let letters = bytes
        .iter()
        .position(|byte| !byte.is_ascii_alphabetic())
        .unwrap_or(bytes.len());
    &bytes[..letters]
}

/// "PELLINGHAM BOROUGH COUNCIL - PARISH LIAISON FORUM" → the council and
/// the rest; a line without a council at its start comes back whole.
pub fn split_council(line: &str) -> (Option<String>, String) {
    if let Some(council) = council_in(line) {
        let start = line.find(&council).unwrap_or(0) + council.len();
        let rest = line[start..]
            .trim_start_matches([' ', '-', '–', '|', ':'])
            .trim()
            .to_string();
        if !rest.is_empty() {
            return (Some(council), rest);
        }
    }
    (None, line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_committee_line_ends_with_a_committee_noun_or_a_bracket() {
        let pieces = [
            "Licensing",
            "Committee",
            "committee",
            "SUB-COMMITTEE",
            "Board",
            "Group",
            "Network",
            "Networ\u{212a}",
            "(Hackney)",
            " ",
            "the ",
            "and",
            "Panels",
            "Forum.",
            "é",
            "&",
        ];
        let mut rng = fastrand::Rng::with_seed(18);
        let mut matched = 0;
        for _ in 0..20_000 {
            let name: String = crate::extract::random_text(&mut rng, &pieces, 5);
            if COMMITTEE_LINE.is_match(&name) {
                assert!(may_end_with_committee_noun(&name), "{name:?}");
                matched += 1;
            }
        }
        assert!(matched > 1_000, "{matched} matched");
    }

    #[test]
    fn the_text_after_the_last_dash_is_what_splitting_from_the_end_gives() {
        let pieces = ["-", " ", "a", "–", " - ", "- ", " -", "é", "Board"];
        let mut rng = fastrand::Rng::with_seed(14);
        let mut cut = 0;
        for _ in 0..20_000 {
            let line: String = crate::extract::random_text(&mut rng, &pieces, 10);
            let expected = line.rsplit(" - ").next().unwrap_or(&line);
            assert_eq!(after_last_dash(&line), expected, "{line:?}");
            cut += usize::from(expected.len() < line.len());
        }
        assert!(cut > 5_000, "{cut} cut");
    }

    #[test]
    fn meeting_lines_read_by_hand_give_what_the_pattern_captures() {
        let pieces = [
            " ",
            "  ",
            "\u{a0}",
            "\t",
            "-",
            "–",
            " - ",
            " – ",
            "5 May 2024",
            "Cabinet",
            "(Item",
            "(item",
            "(ITEM",
            " (Item ",
            "5",
            "5.",
            ".",
            ")",
            "(",
            "a",
            "é",
            "Board",
            "x-y",
            "_",
        ];
        let mut rng = fastrand::Rng::with_seed(14);
        let (mut decided, mut itemised) = (0, 0);
        for _ in 0..60_000 {
            let pick = |rng: &mut fastrand::Rng, count: usize| -> String {
                (0..rng.usize(..count))
                    .map(|_| pieces[rng.usize(..pieces.len())])
                    .collect()
            };
            // Half the lines are the usual form with random pieces between
            // its parts; half are random pieces throughout.
            let line = if rng.bool() {
                let [a, b, c, d, e] = [(); 5].map(|()| pick(&mut rng, 3));
                let dash = ["-", "–", "--"][rng.usize(..3)];
                let item = ["Item", "item", "ITEM", "Itém"][rng.usize(..4)];
                format!("Meeting:{a} 5 May 2024{b} {dash} Cabinet{c} ({item} {d}){e}")
            } else {
                format!("Meeting:{}", pick(&mut rng, 12))
            };
            let expected = matched(&MEETING, &line).map(|captures| MeetingParts {
                date: captures.get(1).map_or("", |date| date.as_str()),
                committee: captures.get(2).map_or("", |committee| committee.as_str()),
                item: captures.get(3).map(|number| number.as_str()),
            });
            if let Some(parts) = meeting_parts(&line) {
                assert_eq!(Some(parts), expected, "{line:?}");
                decided += 1;
                itemised += usize::from(parts.item.is_some());
            }
        }
        assert!(
            decided > 20_000 && itemised > 1_000,
            "{decided} read, {itemised} with items"
        );
    }

    #[test]
    fn every_date_line_ends_in_a_digit_or_a_digit_and_a_stop() {
        let mut rng = fastrand::Rng::with_seed(14);
        let mut pick = |choices: &[&'static str]| choices[rng.usize(..choices.len())];
        let mut dates = 0;
        for _ in 0..20_000 {
            let year = pick(&["2024", "٢٠٢٤", "１９９９", "202", "2024a"]);
            let line = if pick(&["words", "slashes"]) == "words" {
                [
                    pick(&["", "Monday ", "tuesday, "]),
                    pick(&["", "the "]),
                    pick(&["5", "21", "3rd", "٣"]),
                    pick(&[" ", "\u{a0}"]),
                    pick(&["", "of "]),
                    pick(&["May", "june", "Sept"]),
                    pick(&[" ", ", "]),
                    year,
                    pick(&["", ".", " ", "!"]),
                ]
                .concat()
            } else {
                [
                    pick(&["1", "12", "٣"]),
                    "/",
                    pick(&["1", "12"]),
                    "/",
                    year,
                    pick(&["", "."]),
                ]
                .concat()
            };
            if DATE_ONLY.is_match(&line) {
                let last = line.strip_suffix('.').unwrap_or(&line).chars().next_back();
                assert!(last.is_some_and(char::is_numeric), "{line:?}");
                dates += 1;
            }
        }
        assert!(dates > 2_000, "{dates} dates");
    }

    fn header(line: &str) -> Option<(Option<String>, Option<String>)> {
        match fact(line, true)? {
            Fact::Header {
                committee, date, ..
            } => Some((committee, date.map(|date| date.to_string()))),
            Fact::Meeting {
                committee, date, ..
            } => Some((Some(committee), date.map(|date| date.to_string()))),
            _ => None,
        }
    }

    #[test]
    fn agenda_and_minutes_headers_in_their_forms() {
        for (line, committee, date) in [
            (
                "Children's Services Scrutiny Panel - Tuesday, 4th March, 2014 6.00 pm",
                "Children's Services Scrutiny Panel",
                "2014-03-04",
            ),
            (
                "Cabinet - Wednesday 23 November 2016",
                "Cabinet",
                "2016-11-23",
            ),
            (
                "Communities Scrutiny Board – Monday 27 June 2022",
                "Communities Scrutiny Board",
                "2022-06-27",
            ),
            (
                "13 Jan 2020 10:00 - Licensing Committee",
                "Licensing Committee",
                "2020-01-13",
            ),
        ] {
            assert_eq!(
                header(line),
                Some((Some(committee.to_string()), Some(date.to_string()))),
                "{line}"
            );
        }
    }

    #[test]
    fn printed_minutes_sentences() {
        assert_eq!(
            header("MINUTES of a meeting of the SAFER COMMUNITIES SCRUTINY COMMITTEE held at County Hall, Wexcombe on Monday 6 March 2017 at 10.00 am"),
            Some((Some("SAFER COMMUNITIES SCRUTINY COMMITTEE".into()), Some("2017-03-06".into())))
        );
        assert_eq!(
            header("Minutes of the meeting held on Wednesday, 21 October 2015 at 2.00 pm"),
            Some((None, Some("2015-10-21".into())))
        );
        assert_eq!(
            header("Minutes of the School Transport Appeals Panel (Stage Two)"),
            Some((Some("School Transport Appeals Panel".into()), None))
        );
    }

    #[test]
    fn trap_dates_are_not_meeting_dates() {
        for line in [
            "Publication date: 20/03/2019",
            "Effective from: 12/10/2019",
            "Report date: 14 November 2016",
            "The minutes of the meeting held on 8 May 2018 were agreed.",
            "RESOLVED - That the consultation close on 31 December 2015.",
        ] {
            assert_eq!(header(line), None, "{line}");
        }
    }

    #[test]
    fn banners_name_councils_and_generic_councils_do_not() {
        assert_eq!(
            council_in("Kingsbridge Borough Council website").as_deref(),
            Some("Kingsbridge Borough Council")
        );
        assert_eq!(
            council_in("LOWTHER VALE DISTRICT COUNCIL").as_deref(),
            Some("LOWTHER VALE DISTRICT COUNCIL")
        );
        assert_eq!(
            council_in("Ravensby Council - Minutes").as_deref(),
            Some("Ravensby Council")
        );
        assert_eq!(council_in("Full Council"), None);
        assert_eq!(council_in("The Council agreed the budget."), None);
    }
}
