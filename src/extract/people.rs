//! People named in a record: officers with their roles, members present,
//! apologies.
//!
//! Minutes list people as `Superintendent Tim Martin (Staffordshire Police),
//! Robert Simpson (Regulatory Services Group Manager, Stafford Borough Council)
//! and Dave Anslow (...)`, or as `Officer: Blair Keltie, Child Sexual
//! Exploitation Manager`. Commas inside brackets belong to the role, so lists
//! are split only outside them.

use serde::Serialize;

use super::header::matched;

/// A person named in a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Person {
    /// The name without rank or honorific: `Tim Martin`.
    pub name: String,
    /// Rank or honorific written before the name: `Superintendent`, `DCI`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub title: Option<String>,
    /// Role and organisation: `Regulatory Services Group Manager, Stafford
    /// Borough Council`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<String>,
}

impl Person {
    /// The person as minutes would write them: `DCI David Giles (Staffordshire Police)`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(title);
            out.push(' ');
        }
        out.push_str(&self.name);
        if let Some(role) = &self.role {
            out.push_str(" (");
            out.push_str(role);
            out.push(')');
        }
        out
    }
}

/// Ranks and honorifics, longest first so `Chief Inspector` wins over `Inspector`.
const TITLES: &[&str] = &[
    "Deputy Chief Constable",
    "Assistant Chief Constable",
    "Chief Constable",
    "Police Constable",
    "Detective Chief Superintendent",
    "Detective Superintendent",
    "Chief Superintendent",
    "Detective Chief Inspector",
    "Detective Inspector",
    "Detective Sergeant",
    "Detective Constable",
    "Chief Inspector",
    "Superintendent",
    "Inspector",
    "Sergeant",
    "Constable",
    "County Councillor",
    "Councillor",
    "Professor",
    "Cllr.",
    "Cllr",
    "DCI",
    "DCS",
    "DSU",
    "ACC",
    "DCC",
    "Supt.",
    "Supt",
    "Insp.",
    "Insp",
    "Sgt.",
    "Sgt",
    "DI",
    "DS",
    "DC",
    "PC",
    "PCSO",
    "Dr.",
    "Dr",
    "Prof.",
    "Mrs.",
    "Mrs",
    "Mr.",
    "Mr",
    "Ms.",
    "Ms",
    "Miss",
];

/// Parses one person: `Title Name (Role)` or `Name, Role`.
pub fn parse_person(text: &str) -> Option<Person> {
    let text = super::trimmed(super::trimmed(text).trim_end_matches(['.', ';']));
    if text.is_empty() {
        return None;
    }
    // "Name, Role (Adults)": the brackets are the role's, not the name's.
    let comma = comma_space(text);
    let open = memchr::memchr(b'(', text.as_bytes());
    let comma_first = comma.is_some_and(|comma| open.is_some_and(|open| comma < open));
    let (before, role) = match (open, memchr::memrchr(b')', text.as_bytes())) {
        (Some(open), Some(close)) if open < close && !comma_first => (
            text[..open].trim(),
            Some(text[open + 1..close].trim().to_string()),
        ),
        _ => match comma {
            Some(comma) => (
                text[..comma].trim(),
                Some(text[comma + 2..].trim().to_string()),
            ),
            None => (text, None),
        },
    };
    let (title, name) = split_title(before);
    if name.is_empty() || !name.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    Some(Person {
        name: name.to_string(),
        title: title.map(str::to_string),
        role: role.filter(|role| !role.is_empty()),
    })
}

/// Where ", " first stands in `text`, found from its commas.
fn comma_space(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b',', bytes).find(|&at| bytes.get(at + 1) == Some(&b' '))
}

/// The first words of [`TITLES`]: a title followed by a space is one of
/// them followed by a space.
static TITLE_FIRST_WORDS: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        TITLES
            .iter()
            .filter_map(|title| title.split(' ').next())
            .collect()
    });

fn split_title(text: &str) -> (Option<&str>, &str) {
    let first = text.split(' ').next().unwrap_or(text);
    if !TITLE_FIRST_WORDS.contains(first) {
        return (None, text);
    }
    for title in TITLES {
        if let Some(rest) = text.strip_prefix(title) {
            if rest.starts_with(' ') {
                return (Some(title), rest.trim());
            }
        }
    }
    (None, text)
}

/// Splits a list of people at commas, semicolons and `and` outside brackets.
pub fn parse_people_list(text: &str) -> Vec<Person> {
    split_outside_brackets(text)
        .iter()
        .filter_map(|part| parse_person(part))
        .collect()
}

fn split_outside_brackets(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(character) = text[at..].chars().next() {
        if depth == 0 && character == ' ' && text[at..].starts_with(" and ") {
            parts.push(&text[start..at]);
            at += " and ".len();
            start = at;
            continue;
        }
        match character {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (character == ',' || character == ';' || character == '\t') {
            parts.push(&text[start..at]);
            start = at + 1;
        }
        at += character.len_utf8();
    }
    parts.push(&text[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect()
}

/// Ranks and honorifics that mark a person as a person even without a role.
const PERSON_TITLES: &[&str] = &[
    "Deputy Chief Constable",
    "Assistant Chief Constable",
    "Chief Constable",
    "Police Constable",
    "Detective Chief Superintendent",
    "Detective Superintendent",
    "Chief Superintendent",
    "Detective Chief Inspector",
    "Detective Inspector",
    "Detective Sergeant",
    "Detective Constable",
    "Chief Inspector",
    "Superintendent",
    "Inspector",
    "Sergeant",
    "Constable",
    "Professor",
    "DCI",
    "DCS",
    "DSU",
    "Supt",
    "Insp",
    "Sgt",
    "PCSO",
    "DI",
    "DS",
    "DC",
    "PC",
    "Dr",
    "Mrs",
    "Mr",
    "Ms",
    "Miss",
];

/// Words that never appear in a person's name: roles, bodies, sentence
/// openers. A capitalised phrase holding one is not a name.
const NOT_NAME: &[&str] = &[
    "The",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "They",
    "We",
    "Our",
    "Its",
    "His",
    "Her",
    "Their",
    "Members",
    "Member",
    "All",
    "Each",
    "Every",
    "Several",
    "Some",
    "Any",
    "No",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "RESOLVED",
    "Resolved",
    "Agreed",
    "Noted",
    "Action",
    "Minutes",
    "Item",
    "Items",
    "Report",
    "Committee",
    "Sub-Committee",
    "Council",
    "Councillor",
    "Councillors",
    "Cllr",
    "Board",
    "Panel",
    "Forum",
    "Cabinet",
    "Executive",
    "Group",
    "Partnership",
    "Commission",
    "Police",
    "Policing",
    "Constabulary",
    "Officer",
    "Officers",
    "Manager",
    "Head",
    "Director",
    "Chair",
    "Chairman",
    "Vice-Chairman",
    "Lead",
    "Adviser",
    "Advisor",
    "Co-ordinator",
    "Coordinator",
    "Clerk",
    "Solicitor",
    "Services",
    "Service",
    "Unit",
    "Team",
    "Trust",
    "CCG",
    "NHS",
    "Chief",
    "Assistant",
    "Deputy",
    "Principal",
    "Senior",
    "Consultant",
    "Nurse",
    "Education",
    "Health",
    "Safeguarding",
    "Children",
    "Children's",
    "Child",
    "Adults",
    "Adult",
    "Public",
    "Democratic",
    "Commissioner",
    "Headteacher",
    "Representative",
    "Partners",
    "Residents",
    "Youth",
    "School",
    "Schools",
    "Agency",
    "Office",
    "Department",
    "University",
    "College",
    "Hospital",
    "Authority",
    "Ltd",
    "Limited",
    "Society",
    "Association",
    "Network",
    "Project",
    "Programme",
    "Strategy",
    "Plan",
    "Policy",
    "Update",
    "Annual",
    "Local",
    "County",
    "City",
    "Borough",
    "District",
    "Town",
    "Hall",
    "House",
    "Room",
    "Centre",
    "Road",
    "Street",
    "Street",
    "Home",
    "Secretary",
    "State",
    "Mayor",
    "Leader",
    "Portfolio",
    "Worker",
    "Workers",
    "Practitioner",
    "Specialist",
    "Analyst",
    "Administrator",
    "Advocate",
    "Army",
    "Probation",
    "Jobcentre",
    "Holder",
    "Strategic",
    "Operation",
    "Act",
    "Government",
    "Department",
    "Ofsted",
    "Channel",
    "Prevent",
    "Sexual",
    "Exploitation",
    "Abuse",
    "Domestic",
    "Missing",
    "Licensing",
    "Transport",
    "Community",
    "Communities",
    "Safety",
    "Social",
    "Care",
    "Housing",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Apologies",
    "Present",
    "Attendance",
    "Declarations",
    "Interest",
    "Welcome",
    "Questions",
    "Urgent",
    "Business",
    "Work",
    "Forward",
    "Next",
    "Date",
    "Venue",
    "Contact",
    "Decision",
    "Purpose",
    "Background",
    "Recommendation",
];

/// Honours written after a name, kept as part of it.
const HONOURS: &[&str] = &["OBE", "MBE", "CBE", "KC", "QC", "DBE", "JP", "BEM"];

/// Particles a name may hold in lower case.
const PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "la", "le", "da", "di", "du", "bin",
];

/// The rank or honorific `text` opens with, and the rest.
pub fn split_person_title(text: &str) -> (Option<&'static str>, &str) {
    // Most text opens with no title: its first word tells at once.
    let opening = text
        .as_bytes()
        .iter()
        .position(|&byte| byte == b' ' || byte == b'.')
        .map_or(text, |end| &text[..end]);
    if !opens_title(opening) {
        return (None, text);
    }
    // Only the titles that open with that word can be there.
    for (title, _) in PERSON_TITLES
        .iter()
        .zip(TITLE_OPENING_LENGTHS)
        .filter(|&(title, length)| length == opening.len() && title.starts_with(opening))
    {
        if let Some(rest) = text.strip_prefix(title) {
            let rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.starts_with(' ') {
                return (Some(title), rest.trim());
            }
        }
    }
    (None, text)
}

/// True when `text` reads as a person's name: one to five capitalised
/// words or initials, none of them a role or a body ("Ruth Penrose",
/// "K. Tate", "Declan O'Brien", "Gillian Harte OBE", "E. R. FOXLEY").
/// A single word counts only when `single` allows it (a surname after a
/// rank or under "Councillors").
pub fn is_name(text: &str, single: bool) -> bool {
    // Up to five words are a name; a sixth means "too many". Each word is
    // tested as it comes, so most phrases that are no name ("The Head of
    // Service") fail at their first word.
    let mut count = 0;
    let mut last = "";
    for word in text.split_whitespace() {
        // Honours and particles are words of three letters at most.
        if word.len() <= 3 && (HONOURS.contains(&word) || PARTICLES.contains(&word)) {
            continue;
        }
        count += 1;
        let bare = word.trim_end_matches([',', '.']);
        let named = opens_with_capital(bare)
            && bare.chars().all(name_character)
            && !NOT_NAME_SET.contains(bare);
        if count == 6 || !named {
            return false;
        }
        last = word;
    }
    if count == 0 || (count == 1 && !single) {
        return false;
    }
    // A name ends in a surname, not an initial.
    last.trim_end_matches('.').chars().nth(1).is_some()
}

static NOT_NAME_SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| NOT_NAME.iter().copied().collect());

static PERSON_TITLE_SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| PERSON_TITLES.iter().copied().collect());

/// The first words of the ranks and honorifics.
static TITLE_OPENINGS: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        PERSON_TITLES
            .iter()
            .filter_map(|title| title.split(' ').next())
            .collect()
    });

/// A letter, or punctuation a name holds ("O'Brien", "Smith-Jones", "K.").
fn name_character(character: char) -> bool {
    character.is_alphabetic() || matches!(character, '\'' | '’' | '-' | '.')
}

/// A member written with their councillor title, or a list entry read
/// as a councillor's name.
pub fn councillor(name: &str, title: &str) -> Person {
    let (name, role) = match (name.find('('), name.rfind(')')) {
        (Some(open), Some(close)) if open < close => (
            name[..open].trim(),
            Some(name[open + 1..close].trim().to_string()),
        ),
        _ => (name.trim(), None),
    };
    Person {
        name: name.trim_end_matches(['.', ',']).trim().to_string(),
        title: Some(title.to_string()),
        role: role.filter(|role| !role.is_empty()),
    }
}

/// One entry of an attendance list, sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attendee {
    Member(Person),
    Other(Person),
}

/// Notes in brackets after a member's name that are not a role.
fn is_annotation(role: &str) -> bool {
    [
        "chair",
        "chairman",
        "chairwoman",
        "chairperson",
        "vice-chair",
        "vice-chairman",
        "vice chair",
        "vice chairman",
        "in the chair",
        "leader",
        "deputy leader",
        "substitute",
        "borough",
        "county",
        "district",
        "parish",
        "ex officio",
    ]
    .iter()
    .any(|note| {
        starts_with_ignoring_case(role, note)
            && matches!(role.as_bytes().get(note.len()), None | Some(b' '))
    })
}

/// `text.to_lowercase().starts_with(prefix)` for an ASCII `prefix` holding
/// no "k" and not ending in "i", without lower-casing: only an ASCII letter
/// lower-cases to such a prefix's letters (the Kelvin sign becomes "k";
/// "İ" becomes "i" and a combining dot, which no ASCII prefix goes on to).
pub fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// An attendance list ("Councillors Ali (Chair), Brennan and Pike"; "Dr
/// Peter Lyle, Clinical Chair, Westleigh CCG"; "Sergeant Jo Whitfield;
/// Carys Morgan, Early Help Manager") → its people, members apart.
/// Entries with no councillor title and no role are members when
/// `bare_are_members`, as under "Present:", and others elsewhere.
pub fn attendance(text: &str, bare_are_members: bool) -> Vec<Attendee> {
    let mut out = Vec::new();
    let mut councillors = false;
    // Semicolons, where a list has them, part people whose roles hold
    // commas; within a part, fragments that are roles join their name.
    let dashed: Vec<std::borrow::Cow<'_, str>> = split_outside_brackets_on(text, ';')
        .into_iter()
        .map(dashes_as_brackets)
        .collect();
    let parts: Vec<String> = dashed
        .iter()
        .flat_map(|part| merge_roles(split_outside_brackets(part)))
        .collect();
    for part in parts {
        let part = super::trimmed(super::trimmed(&part).trim_end_matches(['.', ';', ',']));
        let mut rest = part;
        for plural in ["Councillors ", "COUNCILLORS ", "Cllrs ", "Cllrs. "] {
            if let Some(after) = part.strip_prefix(plural) {
                councillors = true;
                rest = after;
            }
        }
        let singular = [
            "County Councillor ",
            "Councillor ",
            "COUNCILLOR ",
            "Cllr. ",
            "Cllr ",
        ]
        .iter()
        .find_map(|title| {
            Some((
                title.trim_end_matches([' ', '.']),
                rest.strip_prefix(title)?,
            ))
        });
        if let Some((title, name)) = singular {
            if is_name(strip_brackets(name), true) {
                out.push(Attendee::Member(councillor(name, title)));
            }
            continue;
        }
        if councillors {
            if is_name(strip_brackets(rest), true) {
                out.push(Attendee::Member(councillor(rest, "Councillor")));
            }
            continue;
        }
        let Some(person) = parse_person(rest) else {
            continue;
        };
        let (rank, bare) = split_person_title(strip_brackets(rest));
        let bare = bare.split(", ").next().unwrap_or(bare);
        if !is_name(bare, rank.is_some()) {
            continue;
        }
        let person = with_rank(person, rest);
        let has_role = person
            .role
            .as_deref()
            .is_some_and(|role| !is_annotation(role));
        if bare_are_members
            && !has_role
            && rank.is_none_or(|rank| ["Mrs", "Mr", "Ms", "Miss"].contains(&rank))
        {
            out.push(Attendee::Member(person));
        } else {
            out.push(Attendee::Other(person));
        }
    }
    out
}

/// `Dr Peter Lyle` parsed keeps `Dr` as its title; a rank `parse_person`
/// does not know (`Chief Constable`) is put there too.
fn with_rank(mut person: Person, written: &str) -> Person {
    if person.title.is_none() {
        if let (Some(rank), rest) = split_person_title(written) {
            person.title = Some(rank.to_string());
            person.name = rest
                .split([',', '('])
                .next()
                .unwrap_or(rest)
                .trim()
                .to_string();
        }
    }
    person
}

fn strip_brackets(text: &str) -> &str {
    super::trimmed(text.split(['(', ',']).next().unwrap_or(text))
}

/// A list entry written with dashes, "Pat Example - Head of Service -
/// Anyshire Police", as the bracketed form the rest of the list reading
/// takes: "Pat Example (Head of Service, Anyshire Police)". An entry whose
/// name part already has brackets, or whose dash is followed by words in
/// small letters, is left as it is.
fn dashes_as_brackets(part: &str) -> std::borrow::Cow<'_, str> {
    // Both dashes hold a byte no other character does: a hyphen, or the
    // first byte of the en dash (which curly quotes share).
    if !part.bytes().any(|byte| byte == b'-' || byte == 0xE2) {
        return part.into();
    }
    let dash = part.find(" - ").or_else(|| part.find(" – "));
    match dash {
        Some(at) if !part[..at].contains('(') => {
            let role = part[at..]
                .trim_start_matches([' ', '-', '–'])
                .replace(" - ", ", ")
                .replace(" – ", ", ");
            // A role or a body opens with a capital; "Councillor Pat
            // Example - employed by the trust" is a declaration, kept whole.
            if !role.starts_with(char::is_uppercase) {
                return part.into();
            }
            format!("{} ({})", part[..at].trim(), role.trim()).into()
        }
        _ => part.into(),
    }
}

/// Joins list fragments that are roles to the name before them:
/// `["Graham Sutcliffe", "Democratic Services Officer"]` → one entry.
fn merge_roles(parts: Vec<&str>) -> Vec<String> {
    let mut merged: Vec<String> = Vec::new();
    let mut councillors = false;
    for part in parts {
        let trimmed = super::trimmed(part.trim_end_matches(['.', ';']));
        let opens = |prefix: &str| starts_with_ignoring_case(trimmed, prefix);
        councillors |= opens("councillors ") || opens("cllrs ");
        let councillor = councillors || opens("councillor") || opens("cllr");
        let (rank, bare) = split_person_title(strip_brackets(trimmed));
        let named = councillor || is_name(bare, rank.is_some() || merged.is_empty());
        match merged.last_mut() {
            Some(previous) if !named && !previous.contains('(') => {
                previous.push_str(", ");
                previous.push_str(trimmed);
            }
            _ => merged.push(trimmed.to_string()),
        }
    }
    merged
}

fn split_outside_brackets_on(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (at, character) in text.char_indices() {
        match character {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && character == separator {
            parts.push(&text[start..at]);
            start = at + character.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect()
}

/// A "Contact:" line's people: names before the telephone number or
/// e-mail address, two names joined by "/", a role after a comma, in
/// brackets or after the number.
pub fn contacts(text: &str) -> Vec<Person> {
    let cut = text
        .find(|character: char| character.is_ascii_digit() || character == '@')
        .unwrap_or(text.len());
    let mut head = &text[..cut];
    for label in [
        "Email:",
        "E-mail:",
        "Tel:",
        "Telephone:",
        "Phone:",
        "email:",
        "tel:",
    ] {
        if let Some(at) = head.find(label) {
            head = &head[..at];
        }
    }
    // An e-mail address's local part reaches back into the name.
    if text[cut..].starts_with('@') {
        head = &head[..head.rfind(' ').unwrap_or(0)];
    }
    let tail: String = text[cut..]
        .split_whitespace()
        .filter(|word| {
            word.chars()
                .all(|character| character.is_alphabetic() || "-'’&".contains(character))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut people = Vec::new();
    for part in head.split(" / ") {
        let part = part.trim().trim_end_matches([',', ';', '-']).trim();
        if let Some(mut person) = parse_person(part) {
            let (rank, bare) = split_person_title(strip_brackets(part));
            if !is_name(bare, rank.is_some()) {
                continue;
            }
            if let Some(role) = &person.role {
                person.role = Some(role.trim_end_matches(',').trim().to_string());
            }
            if person.role.is_none() && !tail.is_empty() && !tail.contains('@') {
                person.role = Some(tail.clone());
            }
            people.push(person);
        }
    }
    people
}

/// A mention of a person in running text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    /// A named person with a role or a rank: an officer or a guest.
    Person(Person),
    /// A councillor: a member.
    Councillor(Person),
    /// A rank and surname ("Superintendent Benedetti"), to be matched to a
    /// person named in full elsewhere in the record.
    Brief { title: String, surname: String },
}

static COUNCILLOR_MENTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?-u:\b)(County Councillor|Councillor|Cllr\.?)\s+((?:(?:Mrs|Mr|Ms|Miss|Dr)\.?\s+)?(?:\p{Lu}\.?\s+){0,2}\p{Lu}[\p{L}'’-]+(?:\s+\p{Lu}[\p{L}'’-]+)?)",
    )
    .unwrap()
});

// The roles' lengths are bounded in code (`role_before`, `role_after`,
// `organisation_after`), not in the patterns: a bounded repetition of a
// Unicode class makes the regex engine's automaton many times larger.

static ROLE_BEFORE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?:^|[\s(])(?:[Tt]he|[Oo]ur|[Ii]ts|[Hh]er|[Hh]is)\s+(\p{Lu}[^,.;()]{2,}?)(?:,\s*|\s+\()$",
    )
    .unwrap()
});

static ROLE_AFTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^,\s*(?:(?:a|an|the)\s+)?([^,;()]{2,}?),\s*(?:and\s+\p{Lu}|presented|introduced|reported|said|explained|outlined|described|gave|confirmed|in attendance|that|circulated|set out|told|updated|informed|added|noted|responded|advised|answered|will|would|attended|stated|summarised|highlighted|spoke|led|has\s|had\s|was\s|on\s|who\s|about\s)")
        .unwrap()
});

static VERB_AFTER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^\s+(?:presented|introduced|reported|said|explained|outlined|described|gave|confirmed|circulated|set out|told|updated|informed|added|noted|responded|advised|answered|will|would|attended|stated|summarised|highlighted|spoke|led|was|had)\b")
        .unwrap()
});

static OF_ORGANISATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"^\s+(?:of|from)\s+(?:the\s+)?(\p{Lu}[\p{L}'’&\s-]{2,}?)(?:[,.;]|\s+\p{Ll}|$)",
    )
    .unwrap()
});

/// Where names may be: runs of capitalised words ("Detective Inspector
/// Ruth Penrose", "Gillian Harte OBE", "K. Tate"), each cut where
/// punctuation other than a name's own ends a word. A run that is not a
/// name as a whole offers its last two and three words (a role's words
/// before a name: "Board Manager Andrew Kettle").
fn candidates(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::with_capacity(8);
    let mut run: Vec<std::ops::Range<usize>> = Vec::with_capacity(8);
    // A finished run: the whole of it, then its last three and two words.
    let close = |run: &mut Vec<std::ops::Range<usize>>, out: &mut Vec<std::ops::Range<usize>>| {
        if let (Some(first), Some(last)) = (run.first(), run.last()) {
            out.push(first.start..last.end);
            for tail in [3, 2] {
                if run.len() > tail {
                    out.push(run[run.len() - tail].start..last.end);
                }
            }
        }
        run.clear();
    };
    // The words split at single spaces, as `text.split(' ')` gives them. Only
    // those that open with something other than a small letter or a digit
    // are looked at: the others end a run, and the empty words between
    // two spaces are passed over.
    let bytes = text.as_bytes();
    let mut from = 0;
    while from < bytes.len() {
        let start = open_word(bytes, from);
        if bytes[from..start].iter().any(|&byte| byte != b' ') {
            close(&mut run, &mut out);
        }
        if start == bytes.len() {
            break;
        }
        let end = word_end(bytes, start);
        from = end + 1;
        let word = &text[start..end];
        // Cheap first test: a name's word opens with a capital, perhaps
        // after a bracket or a quote.
        let opening = opened(word);
        if !opens_with_capital(opening) {
            close(&mut run, &mut out);
            continue;
        }
        let leading = word.len() - opening.len();
        let core = without_closing(opening);
        // A full stop ends a name unless it is an initial's ("K.").
        let (core, stop) = match core.strip_suffix('.') {
            Some(bare) if bare.chars().count() > 1 && !PERSON_TITLE_SET.contains(bare) => {
                (bare, true)
            }
            _ => (core, false),
        };
        let name_like = if core.is_ascii() {
            core.bytes()
                .all(|byte| byte.is_ascii_alphabetic() || matches!(byte, b'\'' | b'-' | b'.'))
        } else {
            core.chars().all(name_character)
        };
        if leading > 0 || !name_like {
            close(&mut run, &mut out);
            if !name_like {
                continue;
            }
        }
        let begin = start + leading;
        run.push(begin..begin + core.len());
        if stop || core.len() + leading < word.len() {
            close(&mut run, &mut out);
        }
    }
    close(&mut run, &mut out);
    out
}

/// `word` without the punctuation that may close a name's word: commas,
/// stops other than the full stop, closing brackets and quotes
/// (`trim_end_matches` of them, a byte at a time where they are ASCII).
fn without_closing(word: &str) -> &str {
    let mut word = word;
    loop {
        match word.as_bytes().last() {
            Some(b',' | b';' | b':' | b')' | b']' | b'"' | b'\'' | b'?' | b'!' | b'*') => {
                word = &word[..word.len() - 1];
            }
            Some(_) if word.ends_with(['”', '’']) => {
                word = &word[..word.len() - '”'.len_utf8()]
            }
            _ => return word,
        }
    }
}

/// True when `after`, the text after a name, opens the way a role beside
/// the name is written: " (role)", ", role," or the ")" closing a bracket
/// the role opened. Without a rank, a name makes a mention only so.
fn role_may_follow(after: &str) -> bool {
    after.starts_with(" (") || after.starts_with([',', ')'])
}

/// The role written before a name ending at the end of `before` ("the
/// Head of Safeguarding, " or "our Licensing Manager ("): the leftmost
/// one of at most 81 characters.
fn role_before(before: &str) -> Option<String> {
    let mut from = 0;
    while let Some(captures) = ROLE_BEFORE.captures_at(before, from) {
        let role = &captures[1];
        if role.chars().count() <= 81 {
            return Some(role.trim().to_string());
        }
        let start = captures.get(0).map_or(before.len(), |whole| whole.start());
        from = start + before[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The role after a name (", Head of Safeguarding, presented"): at most
/// 90 characters.
fn role_after(after: &str) -> Option<regex::Captures<'_>> {
    matched(&ROLE_AFTER, after).filter(|captures| captures[1].chars().count() <= 90)
}

/// The organisation after a ranked name (" of the Fire Service,"): at
/// most 61 characters.
fn organisation_after(after: &str) -> Option<String> {
    matched(&OF_ORGANISATION, after)
        .filter(|captures| captures[1].chars().count() <= 61)
        .map(|captures| captures[1].trim().to_string())
}

/// True when `text` holds "Councillor" or "Cllr": both open with "C", so
/// one vectorised search for that letter finds every place either may
/// start, and a sentence holds only a few.
fn names_councillor(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'C', bytes).any(|at| {
        let rest = &bytes[at + 1..];
        rest.starts_with(b"ouncillor") || rest.starts_with(b"llr")
    })
}

/// False when `text`, which names no councillor ("Councillor", "Cllr"),
/// cannot name anyone [`mentions`] would find, told by one pass over its
/// words; most sentences of minutes name nobody, and this costs far less
/// than looking for names. Such a mention needs a whole rank or honorific
/// ("Chief Inspector", not "Chief Executive"), or a role beside a name of
/// at least two capitalised words in a row: after the last of them a
/// comma or a closing bracket where [`role_beside`] allows a role, or an
/// opening bracket holding a role's words ("(Head of Safeguarding)", not
/// "(CSE)"). So this answers true for every sentence holding a mention,
/// and for some that hold none.
fn may_name_someone(text: &str) -> bool {
    let bytes = text.as_bytes();
    // The words split at single spaces, as `text.split(' ')` gives them; only
    // those that open with something other than a small letter or a digit
    // are looked at. Capitalised words in a row are a run, as in
    // [`candidates`]: nothing but spaces between them, and no closing
    // punctuation after the first. Each word is looked at byte by byte:
    // they are short, and most are not a rank's.
    let mut previous_open = false;
    let mut previous_end = None;
    // Where the run of capitalised words the current word ends began.
    let mut run_start = 0;
    let mut start = open_word(bytes, 0);
    while start < bytes.len() {
        let in_run =
            previous_end.is_some_and(|end| bytes[end..start].iter().all(|&byte| byte == b' '));
        if !in_run {
            previous_open = false;
        }
        let end = word_end(bytes, start);
        previous_end = Some(end);
        let written = &text[start..end];
        let word = opened(written);
        let opens = written.len() - word.len();
        let next = open_word(bytes, end + 1);
        if !opens_with_capital(word) {
            previous_open = false;
            start = next;
            continue;
        }
        if opens_title(without_stops(word))
            && split_person_title(&text[start + opens..]).0.is_some()
        {
            return true;
        }
        // A word opening with a bracket or quote starts a run of its own.
        if !previous_open || opens != 0 {
            run_start = start;
        } else {
            if word.bytes().any(|byte| byte == b',' || byte == b')')
                && role_beside(text, run_start, start..end)
            {
                return true;
            }
            if let Some(inside) = text[end..].strip_prefix(" (") {
                if may_hold_role(inside) {
                    return true;
                }
            }
        }
        previous_open = !matches!(word.as_bytes().last(), Some(b',' | b';' | b':' | b')'));
        start = next;
    }
    false
}

/// False when no role can stand beside the name that a run of capitalised
/// words from `run_start` may be, as [`mentions`] reads roles, given that
/// the run's last word, `text[last]`, holds a comma or a closing bracket.
/// A role before the name ends with a comma or an opening bracket just
/// before the run ("the Head of Safeguarding, Pat Example,", "the Head of
/// Safeguarding (Pat Example)"); a role after it opens with a capital,
/// after the comma and perhaps an article (", the Head of Safeguarding,
/// presented"). So ", which", "and South Derbyshire College," are let go.
fn role_beside(text: &str, run_start: usize, last: std::ops::Range<usize>) -> bool {
    if text[..run_start].trim_end().ends_with([',', '(']) || text[run_start..].starts_with(OPENING)
    {
        return true;
    }
    let Some(comma) = text[last.clone()].find(',') else {
        return false;
    };
    let after = text[last.start + comma + 1..].trim_start();
    let role = ["a", "an", "the"]
        .iter()
        .find_map(|article| {
            after
                .strip_prefix(article)
                .filter(|rest| rest.starts_with(char::is_whitespace))
        })
        .map_or(after, str::trim_start);
    role.chars().next().is_some_and(char::is_uppercase)
}

/// False when the brackets opened just before `inside` cannot hold a role:
/// they are never closed, or what they hold has no small letter
/// ("(CSE)"), which [`mentions`] takes for an abbreviation.
fn may_hold_role(inside: &str) -> bool {
    inside.split_once(')').is_some_and(|(role, _)| {
        role.bytes()
            .any(|byte| byte.is_ascii_lowercase() || !byte.is_ascii())
    })
}

/// What a name's word may open with before its capital.
const OPENING: [char; 7] = ['(', '[', '"', '“', '‘', '\'', '*'];

/// `word` without the [`OPENING`] brackets and quotes it opens with.
fn opened(word: &str) -> &str {
    // The curly quotes' first byte is 0xE2.
    match word.as_bytes().first() {
        Some(b'(' | b'[' | b'"' | b'\'' | b'*' | 0xE2) => word.trim_start_matches(OPENING),
        _ => word,
    }
}

/// True when `word` opens with a capital letter.
fn opens_with_capital(word: &str) -> bool {
    match word.as_bytes().first() {
        Some(byte) if byte.is_ascii() => byte.is_ascii_uppercase(),
        Some(_) => word.chars().next().is_some_and(char::is_uppercase),
        None => false,
    }
}

/// True when `word` is the first word of a rank or honorific. Most words
/// are told apart by their first byte and length, before any look-up.
fn opens_title(word: &str) -> bool {
    let shape = word
        .as_bytes()
        .first()
        .map_or(0, |&byte| TITLE_SHAPES[usize::from(byte)]);
    word.len() < 32 && shape & (1 << word.len()) != 0 && TITLE_OPENINGS.contains(word)
}

/// `word.trim_end_matches(['.', ','])`, a byte at a time.
fn without_stops(word: &str) -> &str {
    let bytes = word.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b'.' | b',') {
        end -= 1;
    }
    &word[..end]
}

/// The length of each of [`PERSON_TITLES`]' first words, in bytes; worked
/// out when the program is built.
const TITLE_OPENING_LENGTHS: [usize; PERSON_TITLES.len()] = {
    let mut lengths = [0; PERSON_TITLES.len()];
    let mut index = 0;
    while index < PERSON_TITLES.len() {
        let title = PERSON_TITLES[index].as_bytes();
        while lengths[index] < title.len() && title[lengths[index]] != b' ' {
            lengths[index] += 1;
        }
        index += 1;
    }
    lengths
};

/// For each byte a rank's or honorific's first word opens with, a bit for
/// each length such a word has; worked out when the program is built.
static TITLE_SHAPES: [u32; 256] = {
    let mut shapes = [0; 256];
    let mut index = 0;
    while index < PERSON_TITLES.len() {
        let length = TITLE_OPENING_LENGTHS[index];
        assert!(
            length < 32,
            "a rank's first word must be shorter than 32 bytes"
        );
        shapes[PERSON_TITLES[index].as_bytes()[0] as usize] |= 1 << length;
        index += 1;
    }
    shapes
};

/// The first position at or after `from` where a word opens (at the start,
/// or after a space) with a byte other than a small ASCII letter, a digit
/// or a space; `bytes.len()` when there is none. Sixteen bytes at a time
/// where the processor has vector instructions for it: most words of
/// running text open with a small letter, and a byte-by-byte loop pays a
/// branch for each.
fn open_word(bytes: &[u8], from: usize) -> usize {
    let plain = |byte: u8| byte == b' ' || byte.is_ascii_lowercase() || byte.is_ascii_digit();
    let mut at = from;
    if at == 0 && !bytes.is_empty() {
        if !plain(bytes[0]) {
            return 0;
        }
        at = 1;
    }
    // From here on every byte looked at has one before it.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while at + 16 <= bytes.len() {
        // SAFETY: this is compiled only where the build enables SSE2, so
        // the processor running it has it.
        let opens = unsafe { sixteen::opens(&bytes[at - 1..at + 16]) };
        if opens != 0 {
            return at + opens.trailing_zeros() as usize;
        }
        at += 16;
    }
    while at < bytes.len() {
        if bytes[at - 1] == b' ' && !plain(bytes[at]) {
            return at;
        }
        at += 1;
    }
    bytes.len()
}

/// The first space at or after `from`, or `bytes.len()`: where a word that
/// starts at `from` ends. Sixteen bytes at a time where the processor has
/// vector instructions for it, which for most words is one step.
fn word_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while at + 16 <= bytes.len() {
        // SAFETY: as in `open_word`.
        let spaces = unsafe { sixteen::spaces(&bytes[at..at + 16]) };
        if spaces != 0 {
            return at + spaces.trailing_zeros() as usize;
        }
        at += 16;
    }
    bytes[at..]
        .iter()
        .position(|&byte| byte == b' ')
        .map_or(bytes.len(), |offset| at + offset)
}

/// [`open_word`]'s and [`word_end`]'s tests of sixteen bytes at once, in
/// SSE2 (which every x86-64 processor has).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sixteen {
    use std::arch::x86_64::{
        __m128i, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x, _mm_sub_epi8,
    };

    /// The first sixteen of `bytes`, as one vector.
    #[target_feature(enable = "sse2")]
    fn load(bytes: &[u8]) -> __m128i {
        let half = |from: usize| i64::from_le_bytes(bytes[from..from + 8].try_into().unwrap());
        _mm_set_epi64x(half(8), half(0))
    }

    /// `byte` in every lane (as the signed byte the intrinsics take).
    #[target_feature(enable = "sse2")]
    fn splat(byte: u8) -> __m128i {
        _mm_set1_epi8(i8::from_ne_bytes([byte]))
    }

    /// True (all ones) in each lane of `value` at most `most`, unsigned.
    #[target_feature(enable = "sse2")]
    fn at_most(value: __m128i, most: u8) -> __m128i {
        _mm_cmpeq_epi8(_mm_min_epu8(value, splat(most)), value)
    }

    /// `window` is seventeen bytes: the byte before the sixteen, then
    /// them. Bit `i` of the answer is set when byte `i` of the sixteen
    /// follows a space and is not a space, a small ASCII letter or a digit.
    #[target_feature(enable = "sse2")]
    pub(super) fn opens(window: &[u8]) -> u32 {
        let before = load(&window[..16]);
        let bytes = load(&window[1..17]);
        let space = splat(b' ');
        let lower = at_most(_mm_sub_epi8(bytes, splat(b'a')), 25);
        let digit = at_most(_mm_sub_epi8(bytes, splat(b'0')), 9);
        let plain = _mm_or_si128(_mm_or_si128(lower, digit), _mm_cmpeq_epi8(bytes, space));
        let opens = _mm_andnot_si128(plain, _mm_cmpeq_epi8(before, space));
        u32::from_ne_bytes(_mm_movemask_epi8(opens).to_ne_bytes())
    }

    /// Bit `i` of the answer is set when byte `i` of the sixteen is a
    /// space.
    #[target_feature(enable = "sse2")]
    pub(super) fn spaces(sixteen: &[u8]) -> u32 {
        let spaces = _mm_cmpeq_epi8(load(sixteen), splat(b' '));
        u32::from_ne_bytes(_mm_movemask_epi8(spaces).to_ne_bytes())
    }
}

/// False when no sentence of `text` can name anyone [`mentions`] would
/// find: a sentence's words are the text's, and what lets one through
/// [`may_name_someone`] (a rank, a run of capitalised words, a role in
/// brackets closed later on) is still there in the whole. So a paragraph
/// that names nobody is read once, not once per sentence.
pub fn may_mention(text: &str) -> bool {
    names_councillor(text) || may_name_someone(text)
}

/// The people running text names: councillors; people with a role beside
/// their name ("Pat Example, Head of Safeguarding, presented", "The Head
/// of Safeguarding (Pat Example) reported", "[Pat Example (role) in
/// attendance]"); people with a rank ("PC Lee Example reported"). A role
/// with no name ("the Licensing Manager reported") names nobody.
pub fn mentions(text: &str) -> Vec<Mention> {
    let councillors = names_councillor(text);
    if !councillors && !may_name_someone(text) {
        return Vec::new();
    }
    mentions_in(text, councillors)
}

/// [`mentions`] with no gate before it: `councillors` tells whether
/// `text` names a councillor.
fn mentions_in(text: &str, councillors: bool) -> Vec<Mention> {
    let mut found = Vec::new();
    let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
    for captures in COUNCILLOR_MENTION
        .captures_iter(text)
        .take_while(|_| councillors)
    {
        let whole = captures.get(0).map_or(0..0, |whole| whole.range());
        let name = captures[2].trim();
        let title = captures[1].trim_end_matches('.');
        if is_name(name, true) {
            found.push((whole.start, Mention::Councillor(councillor(name, title))));
        }
        taken.push(whole);
    }
    for range in candidates(text) {
        if taken
            .iter()
            .any(|taken| taken.start < range.end && range.start < taken.end)
        {
            continue;
        }
        let written = text[range.clone()].trim();
        let (rank, bare) = split_person_title(written);
        let after = &text[range.end..];
        // Without a rank, only a role makes a mention, and every role is
        // written in brackets or between commas right after the name; most
        // capitalised words in running text have neither, and are let go
        // before the name test.
        if rank.is_none() && !role_may_follow(after) {
            continue;
        }
        let single = {
            let mut words = bare.split_whitespace();
            words.next().is_some() && words.next().is_none()
        };
        // One word names someone only after a rank ("PC Lee").
        if single && rank.is_none() {
            continue;
        }
        if !is_name(bare, rank.is_some()) {
            continue;
        }
        // The role before a name sits just before it: only the last words
        // are looked at, so long sentences cost no more per name.
        let mut from = range.start.saturating_sub(120);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = &text[from..range.start];
        let role = if let Some(captures) = after
            .strip_prefix(" (")
            .and_then(|rest| rest.split_once(')'))
            .map(|(inside, _)| inside)
        {
            Some(captures.trim().to_string())
        } else if let Some(role) = (after.starts_with(',') || after.starts_with(')'))
            .then(|| role_before(before))
            .flatten()
        {
            Some(role)
        } else if let Some(captures) = role_after(after) {
            let role = captures[1].trim();
            (rank.is_some() || role.chars().next().is_some_and(char::is_uppercase))
                .then(|| role.to_string())
        } else {
            rank.and_then(|_| organisation_after(after))
        };
        let police = rank
            .is_some_and(|rank| !["Dr", "Mrs", "Mr", "Ms", "Miss", "Professor"].contains(&rank));
        if single {
            if police && (VERB_AFTER.is_match(after) || role.is_none()) {
                found.push((
                    range.start,
                    Mention::Brief {
                        title: rank.unwrap_or_default().to_string(),
                        surname: bare.to_string(),
                    },
                ));
                taken.push(range);
            }
            continue;
        }
        let role = role.filter(|role| {
            !role.is_empty()
                && !role
                    .chars()
                    .all(|character| character.is_uppercase() || !character.is_alphabetic())
        });
        if role.is_none() && !police {
            continue;
        }
        found.push((
            range.start,
            Mention::Person(Person {
                name: bare.to_string(),
                title: rank.map(str::to_string),
                role,
            }),
        ));
        taken.push(range);
    }
    found.sort_by_key(|(start, _)| *start);
    found.into_iter().map(|(_, mention)| mention).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_commas_are_found_as_the_plain_searches_find_them() {
        let pieces = [
            "Dr",
            "Dr.",
            "PC",
            "PCSO",
            "Chief",
            "Chief Inspector",
            "County Councillor",
            "Cllr.",
            "Ann",
            "Lee",
            " ",
            ", ",
            ",",
            "(",
            ")",
            "é",
            "Miss",
            "Mr",
        ];
        let mut rng = fastrand::Rng::with_seed(16);
        let mut titled = 0;
        for _ in 0..20_000 {
            let text: String = crate::extract::random_text(&mut rng, &pieces, 6);
            let plain = TITLES
                .iter()
                .find_map(|title| {
                    let rest = text.strip_prefix(title)?;
                    rest.starts_with(' ').then(|| (Some(*title), rest.trim()))
                })
                .unwrap_or((None, text.as_str()));
            assert_eq!(split_title(&text), plain, "{text:?}");
            assert_eq!(comma_space(&text), text.find(", "), "{text:?}");
            titled += usize::from(plain.0.is_some());
        }
        assert!(titled > 200, "{titled} titled");
    }

    /// `text.split(' ')`, each word's end found by [`word_end`]: words are
    /// short, and a library search per word costs more than it saves.
    fn spaced_words(text: &str) -> impl Iterator<Item = &str> {
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let end = word_end(bytes, start);
            let word = &text[start..end];
            done = end == bytes.len();
            start = end + 1;
            Some(word)
        })
    }

    /// [`candidates`] as first written, every word looked at.
    fn candidates_by_words(text: &str) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::with_capacity(8);
        let mut run: Vec<std::ops::Range<usize>> = Vec::with_capacity(8);
        // A finished run: the whole of it, then its last three and two words.
        let close = |run: &mut Vec<std::ops::Range<usize>>,
                     out: &mut Vec<std::ops::Range<usize>>| {
            if let (Some(first), Some(last)) = (run.first(), run.last()) {
                out.push(first.start..last.end);
                for tail in [3, 2] {
                    if run.len() > tail {
                        out.push(run[run.len() - tail].start..last.end);
                    }
                }
            }
            run.clear();
        };
        let mut at = 0;
        for word in spaced_words(text) {
            let start = at;
            at += word.len() + 1;
            if word.is_empty() {
                continue;
            }
            // Cheap first test: a name's word opens with a capital, perhaps
            // after a bracket or a quote.
            let opening = opened(word);
            if !opens_with_capital(opening) {
                close(&mut run, &mut out);
                continue;
            }
            let leading = word.len() - opening.len();
            let core = opening
                .trim_end_matches([',', ';', ':', ')', ']', '"', '”', '’', '\'', '?', '!', '*']);
            // A full stop ends a name unless it is an initial's ("K.").
            let (core, stop) = match core.strip_suffix('.') {
                Some(bare) if bare.chars().count() > 1 && !PERSON_TITLE_SET.contains(bare) => {
                    (bare, true)
                }
                _ => (core, false),
            };
            let name_like = core.chars().all(name_character);
            if leading > 0 || !name_like {
                close(&mut run, &mut out);
                if !name_like {
                    continue;
                }
            }
            let begin = start + leading;
            run.push(begin..begin + core.len());
            if stop || core.len() + leading < word.len() {
                close(&mut run, &mut out);
            }
        }
        close(&mut run, &mut out);
        out
    }

    #[test]
    fn title_openings_told_by_shape_are_those_the_set_holds() {
        let mut words: Vec<String> = TITLE_OPENINGS.iter().map(|word| word.to_string()).collect();
        for word in words.clone() {
            words.extend([
                format!("{word}s"),
                word[..word.len() - 1].to_string(),
                word.to_lowercase(),
                format!("{word}."),
                format!("{word},."),
            ]);
        }
        words.extend(
            [
                "Committee",
                "Council",
                "Members",
                "D",
                "",
                "É",
                "Ms.",
                "Mrs,",
            ]
            .map(String::from),
        );
        let mut titles = 0;
        for word in &words {
            assert_eq!(
                without_stops(word),
                word.trim_end_matches(['.', ',']),
                "{word:?}"
            );
            assert_eq!(
                opens_title(word),
                TITLE_OPENINGS.contains(word.as_str()),
                "{word:?}"
            );
            titles += usize::from(opens_title(without_stops(word)));
        }
        assert!(titles >= 3 * TITLE_OPENINGS.len(), "{titles}");
    }

    #[test]
    fn candidates_skipping_plain_words_are_those_of_every_word() {
        let pieces = [
            "Pat",
            "Example",
            "K.",
            "Dr",
            "the",
            "of",
            "2024",
            " ",
            "  ",
            ",",
            ")",
            "(",
            "[",
            "“",
            "'",
            ".",
            "é",
            "Élodie",
            "O'Brien",
            "Smith-Jones",
            "OBE",
            "Head",
            "-",
            ";",
            "’",
            "”",
            "?",
            "!",
            "*",
            "]",
            ":",
            "\"",
            "Lee’s",
        ];
        let mut rng = fastrand::Rng::with_seed(14);
        let mut found = 0;
        for _ in 0..40_000 {
            let text: String = (0..rng.usize(..14))
                .map(|_| {
                    let piece = pieces[rng.usize(..pieces.len())];
                    if rng.bool() {
                        format!("{piece} ")
                    } else {
                        piece.to_string()
                    }
                })
                .collect();
            let expected = candidates_by_words(&text);
            assert_eq!(candidates(&text), expected, "{text:?}");
            found += expected.len();
        }
        assert!(found > 30_000, "{found} candidates");
    }

    #[test]
    fn the_name_gate_lets_through_every_sentence_that_names_someone() {
        let pieces = [
            "Pat Example",
            "Lee",
            "K.",
            "O'Brien",
            "Élodie",
            "Head of Safeguarding",
            "Licensing Manager",
            "HEAD",
            "the",
            "our",
            "a",
            "an",
            "The",
            ", Head of Safeguarding, ",
            ", the Licensing Manager, ",
            ", ",
            ",",
            " (",
            "(",
            ")",
            "  ",
            "[",
            "“",
            "presented",
            "reported",
            "said",
            "of the Fire Service",
            "Dr",
            "Dr.",
            "Mrs",
            "PC",
            "Sgt",
            "Detective Inspector",
            "Chief",
            "Police",
            "Constable",
            "(CSE)",
            "Child Sexual Exploitation",
            "Board",
            "(é)",
            ";",
            ".",
        ];
        let mut rng = fastrand::Rng::with_seed(15);
        let (mut named, mut let_go, mut passed_empty) = (0, 0, 0);
        for _ in 0..60_000 {
            let text: String = (0..rng.usize(1..12))
                .map(|_| {
                    let piece = pieces[rng.usize(..pieces.len())];
                    let space = ["", " ", " ", "  "][rng.usize(..4)];
                    format!("{piece}{space}")
                })
                .collect();
            let found = mentions_in(&text, false);
            let gate = may_name_someone(&text);
            if !found.is_empty() {
                assert!(gate, "{text:?} names {found:?}");
                named += 1;
            } else if gate {
                passed_empty += 1;
            } else {
                let_go += 1;
            }
        }
        assert!(named > 3_000, "{named} sentences name someone");
        assert!(let_go > 10_000, "{let_go} sentences let go");
        assert!(
            passed_empty > 1_000,
            "{passed_empty} let through naming nobody"
        );
    }

    #[test]
    fn abbreviations_in_brackets_and_lone_rank_words_name_nobody() {
        for text in [
            "The Select Committee received regular reports on Child Sexual Exploitation (CSE).",
            "Funding for the Staffordshire Police Preventing CSE Team had finished.",
            "Members noted the Personal, Social, Health & Economic (PHSE) lessons.",
            "Child Sexual Exploitation (CSE) Manager, Blair Keltie presented information.",
            "Members watched a DVD produced by Burton and South Derbyshire College, which showed the consequences.",
            "The pilot covered East Staffordshire Moorlands, and Stoke-on-Trent.",
        ] {
            assert!(!may_name_someone(text), "{text:?}");
            assert!(mentions_in(text, false).is_empty(), "{text:?}");
        }
        for text in [
            "The report from Mr Robert Simpson outlined the audit.",
            "Pat Example (Head of Safeguarding) presented the report.",
            "Pat  Example, Head of Safeguarding, presented the report.",
            "Pat Example, the Head of Safeguarding, presented the report.",
            "The Head of Safeguarding, Pat Example, presented the report.",
            "The Head of Safeguarding (Pat Example) presented the report.",
            "Detective Inspector Ruth Penrose reported.",
        ] {
            assert!(may_name_someone(text), "{text:?}");
        }
    }

    #[test]
    fn councillors_are_found_as_searching_for_both_words_finds_them() {
        let pieces = [
            "C",
            "Co",
            "Council",
            "Councillor",
            "ouncillor",
            "Cllr",
            "llr",
            "Cl",
            "CC",
            " ",
            "é",
        ];
        let mut rng = fastrand::Rng::with_seed(14);
        let mut found = 0;
        for _ in 0..20_000 {
            let text: String = crate::extract::random_text(&mut rng, &pieces, 8);
            let expected = text.contains("Councillor") || text.contains("Cllr");
            assert_eq!(names_councillor(&text), expected, "{text:?}");
            found += usize::from(expected);
        }
        assert!(found > 5_000, "{found} found");
    }

    #[test]
    fn case_blind_prefixes_answer_as_lower_casing_does() {
        // Pieces that lower-case to ASCII letters from elsewhere (the
        // Kelvin sign, the dotted capital I), that change length, and the
        // prefixes' own letters in both cases.
        let pieces = [
            "c", "C", "o", "U", "n", "ci", "CI", "l", "L", "lo", "r", "s", " ", "h", "HA", "a",
            "ir", "IR", "\u{212A}", "\u{130}", "ß", "Ω", "é", "É", "-", "vice", "VICE",
        ];
        let prefixes = [
            "councillors ",
            "councillor",
            "cllr",
            "cllrs ",
            "chair",
            "vice-chair",
            "in the chair",
        ];
        let mut rng = fastrand::Rng::with_seed(14);
        let mut matched = 0;
        for _ in 0..40_000 {
            let mut text = String::new();
            if rng.bool() {
                text.push_str(prefixes[rng.usize(..prefixes.len())]);
            }
            for _ in 0..rng.usize(..6) {
                text.push_str(pieces[rng.usize(..pieces.len())]);
            }
            for prefix in prefixes {
                let expected = text.to_lowercase().starts_with(prefix);
                assert_eq!(
                    starts_with_ignoring_case(&text, prefix),
                    expected,
                    "{text:?} {prefix:?}"
                );
                matched += usize::from(expected);
            }
        }
        assert!(matched > 5_000, "{matched} matched");
    }

    #[test]
    fn words_end_where_a_byte_loop_finds_the_next_space() {
        let pieces = ["a", " ", "  ", "Z", "é", "“", "abcdefghijklmnop", "-"];
        let mut rng = fastrand::Rng::with_seed(14);
        for _ in 0..4000 {
            let text: String = crate::extract::random_text(&mut rng, &pieces, 12);
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() {
                let naive = bytes[from..]
                    .iter()
                    .position(|&byte| byte == b' ')
                    .map_or(bytes.len(), |at| from + at);
                assert_eq!(word_end(bytes, from), naive, "{text:?} from {from}");
            }
        }
    }

    #[test]
    fn open_words_are_found_as_a_byte_loop_finds_them() {
        let naive = |bytes: &[u8], from: usize| {
            (from..bytes.len())
                .find(|&at| {
                    (at == 0 || bytes[at - 1] == b' ')
                        && !(bytes[at] == b' '
                            || bytes[at].is_ascii_lowercase()
                            || bytes[at].is_ascii_digit())
                })
                .unwrap_or(bytes.len())
        };
        // Texts of every mix of the kinds of byte that matter, at every
        // offset across the sixteen-byte steps.
        let pieces = [
            "a", "z", "0", "9", " ", "A", "Z", "(", "“", "é", "É", "`", "{", "/", ":", "@", "[",
        ];
        let mut state: u32 = 7;
        for _ in 0..4000 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let mut text = String::new();
            for _ in 0..(state >> 16) % 29 {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                text.push_str(pieces[(state >> 16) as usize % pieces.len()]);
            }
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() + 1 {
                assert_eq!(
                    super::open_word(bytes, from),
                    naive(bytes, from),
                    "{text:?} from {from}"
                );
            }
        }
    }

    fn person(name: &str, title: Option<&str>, role: Option<&str>) -> Person {
        Person {
            name: name.into(),
            title: title.map(Into::into),
            role: role.map(Into::into),
        }
    }

    #[test]
    fn roles_are_bounded_in_length_and_the_leftmost_short_one_wins() {
        // The first "The" opens a run of 85 letters and more: too long to
        // be a role, so the next determiner's role is the one.
        let long = "A".repeat(85);
        let before = format!("The {long} and the Head of Safeguarding, ");
        assert_eq!(
            role_before(&before).as_deref(),
            Some("Head of Safeguarding")
        );
        assert_eq!(
            role_before("The Licensing Manager (").as_deref(),
            Some("Licensing Manager")
        );
        assert_eq!(role_before(&format!("The {long}, ")), None);
        let after = format!(", {}, presented", "b".repeat(91));
        assert!(role_after(&after).is_none());
        let after = format!(", {}, presented", "b".repeat(90));
        assert!(role_after(&after).is_some());
        assert_eq!(
            organisation_after(" of the Fire Service, said").as_deref(),
            Some("Fire Service")
        );
        assert_eq!(
            organisation_after(&format!(" of {}, said", "F".repeat(62))),
            None
        );
    }

    #[test]
    fn commas_inside_brackets_stay_with_the_role() {
        let people = parse_people_list(
            "Superintendent Tim Martin (Staffordshire Police), Robert Simpson (Regulatory Services Group Manager, Stafford Borough Council) and Dave Anslow (Manager, Children & Young Peoples Voice Project)",
        );
        assert_eq!(
            people,
            vec![
                person(
                    "Tim Martin",
                    Some("Superintendent"),
                    Some("Staffordshire Police")
                ),
                person(
                    "Robert Simpson",
                    None,
                    Some("Regulatory Services Group Manager, Stafford Borough Council")
                ),
                person(
                    "Dave Anslow",
                    None,
                    Some("Manager, Children & Young Peoples Voice Project")
                ),
            ]
        );
    }

    #[test]
    fn name_comma_role() {
        assert_eq!(
            parse_person("Blair Keltie, Child Sexual Exploitation Manager"),
            Some(person(
                "Blair Keltie",
                None,
                Some("Child Sexual Exploitation Manager")
            ))
        );
        // Brackets after the role are the role's.
        assert_eq!(
            parse_person("Rosa Example, Safeguarding Lead (Adults)"),
            Some(person(
                "Rosa Example",
                None,
                Some("Safeguarding Lead (Adults)")
            ))
        );
        assert_eq!(
            parse_person("Rosa Example (Safeguarding Lead, Adults)"),
            Some(person(
                "Rosa Example",
                None,
                Some("Safeguarding Lead, Adults")
            ))
        );
    }

    #[test]
    fn lowercase_fragments_are_not_people() {
        assert_eq!(parse_person("the officers"), None);
    }
}
