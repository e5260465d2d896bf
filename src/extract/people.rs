//! People named in a record: officers with their roles, members present,
//! apologies.
//!
//! Minutes list people as `Superintendent Tim Martin (Staffordshire Police),
//! Robert Simpson (Regulatory Services Group Manager, Stafford Borough Council)
//! and Dave Anslow (...)`, or as `Officer: Blair Keltie, Child Sexual
//! Exploitation Manager`. Commas inside brackets belong to the role, so lists
//! are split only outside them.

use serde::Serialize;

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
    "Councillor",
    "Professor",
    "County Councillor",
    "Cllr.",
    "Cllr",
    "DCI",
    "DSU",
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
    let text = text.trim().trim_end_matches(['.', ';']).trim();
    if text.is_empty() {
        return None;
    }
    let (before, role) = match (text.find('('), text.rfind(')')) {
        (Some(open), Some(close)) if open < close => (
            text[..open].trim(),
            Some(text[open + 1..close].trim().to_string()),
        ),
        _ => match text.split_once(", ") {
            Some((name, role)) => (name.trim(), Some(role.trim().to_string())),
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

fn split_title(text: &str) -> (Option<&str>, &str) {
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

fn split_outside_brackets(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut rest = text;
    while let Some(character) = rest.chars().next() {
        if depth == 0 {
            if let Some(after) = rest.strip_prefix(" and ") {
                parts.push(std::mem::take(&mut current));
                rest = after;
                continue;
            }
        }
        match character {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && (character == ',' || character == ';' || character == '\t') {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(character);
        }
        rest = &rest[character.len_utf8()..];
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|part| part.trim().to_string())
        .filter(|part| !part.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str, title: Option<&str>, role: Option<&str>) -> Person {
        Person {
            name: name.into(),
            title: title.map(Into::into),
            role: role.map(Into::into),
        }
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
    }

    #[test]
    fn lowercase_fragments_are_not_people() {
        assert_eq!(parse_person("the officers"), None);
    }
}
