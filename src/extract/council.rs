//! Which council a record belongs to: the corpus folder it sits in, or else
//! the council the text names most often (a gazetteer match).

use std::sync::LazyLock;

use regex::Regex;

/// The gazetteer, one council name per line (`data/councils.txt`).
const GAZETTEER: &str = include_str!("../../data/councils.txt");

static GAZETTEER_PATTERN: LazyLock<(Regex, Vec<&'static str>)> = LazyLock::new(|| {
    let mut names: Vec<&str> = GAZETTEER
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect();
    // Longest first, so the alternation prefers "West Sussex" to "Sussex".
    names.sort_by_key(|name| std::cmp::Reverse(name.len()));
    let alternation: Vec<String> = names.iter().map(|name| regex::escape(name)).collect();
    let pattern = format!(r"(?-u:\b)(?:{})(?-u:\b)", alternation.join("|"));
    (Regex::new(&pattern).unwrap(), names)
});

/// A council name from a corpus folder: `west-sussex` → `West Sussex`; a
/// folder that matches a gazetteer name takes its spelling.
pub fn from_folder(folder: &str) -> Option<String> {
    match known_folder(folder) {
        Some(name) => Some(name.to_string()),
        None => spaced_name(folder),
    }
}

/// The gazetteer's spelling of the council a folder names, if it knows it.
pub fn known_folder(folder: &str) -> Option<&'static str> {
    // `spaced_name(folder)`, lower-cased as `gazetteer_spelling` looks it
    // up, written into one string.
    let mut key = String::with_capacity(folder.len());
    for word in folder
        .split(['-', '_', ' '])
        .filter(|word| !word.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        let mut characters = word.chars();
        if let Some(first) = characters.next() {
            key.extend(first.to_uppercase());
            key.push_str(characters.as_str());
        }
    }
    key.make_ascii_lowercase();
    GAZETTEER_BY_FOLDER.get(&key).copied()
}

/// A folder's words, each capitalised, joined by spaces.
fn spaced_name(folder: &str) -> Option<String> {
    let words: Vec<String> = folder
        .split(['-', '_', ' '])
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut characters = word.chars();
            match characters.next() {
                Some(first) => first.to_uppercase().chain(characters).collect(),
                None => String::new(),
            }
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The gazetteer's spelling of a spaced name, ignoring case and hyphens:
/// the second of the two steps [`known_folder`] takes at once, kept for
/// the test that holds it to them.
#[cfg(test)]
fn gazetteer_spelling(spaced: &str) -> Option<&'static str> {
    GAZETTEER_BY_FOLDER
        .get(&spaced.to_ascii_lowercase())
        .copied()
}

/// Gazetteer names by their folder form: lower case, hyphens as spaces
/// (`stoke on trent` → `Stoke-on-Trent`); the longest name first wins.
static GAZETTEER_BY_FOLDER: LazyLock<rustc_hash::FxHashMap<String, &'static str>> =
    LazyLock::new(|| {
        let mut names = rustc_hash::FxHashMap::default();
        for name in &GAZETTEER_PATTERN.1 {
            names
                .entry(name.replace('-', " ").to_ascii_lowercase())
                .or_insert(*name);
        }
        names
    });

/// The council named most often in `text`; the earliest wins a tie.
pub fn from_text(text: &str) -> Option<String> {
    let mut counts: Vec<(&str, usize, usize)> = Vec::new();
    for found in GAZETTEER_PATTERN.0.find_iter(text) {
        // "Hackney carriage" is a kind of taxi, not the borough.
        let after = text[found.end()..].trim_start().as_bytes();
        if after.len() >= 8 && after[..8].eq_ignore_ascii_case(b"carriage") {
            continue;
        }
        match counts
            .iter_mut()
            .find(|(name, _, _)| *name == found.as_str())
        {
            Some(entry) => entry.1 += 1,
            None => counts.push((found.as_str(), 1, found.start())),
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
        .map(|(name, _, _)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_become_council_names() {
        assert_eq!(from_folder("wiltshire").as_deref(), Some("Wiltshire"));
        // The one look-up is the two steps it stands for.
        for folder in [
            "wiltshire",
            "west-sussex",
            "WEST_sussex",
            "stoke-on-trent",
            "downloads",
            "",
            "-",
            "élan-vale",
            "ŉorth",
            "Isle of Wight",
            "isle-of--wight",
        ] {
            assert_eq!(
                known_folder(folder),
                spaced_name(folder).and_then(|spaced| gazetteer_spelling(&spaced)),
                "{folder:?}"
            );
        }
        assert_eq!(from_folder("west-sussex").as_deref(), Some("West Sussex"));
        assert_eq!(
            from_folder("stoke-on-trent").as_deref(),
            Some("Stoke-on-Trent")
        );
    }

    #[test]
    fn the_most_named_council_wins() {
        let text = "Stoke-on-Trent and Staffordshire boards; Staffordshire Police.";
        assert_eq!(from_text(text).as_deref(), Some("Staffordshire"));
        assert_eq!(from_text("nothing here"), None);
    }
}
