//! [`Record`] → [`Passage`]s: paragraph-sized pieces of text that never cross
//! an agenda item, each knowing its item and its source lines.
//!
//! Blocks (paragraphs, lists) are the units. Short blocks (a sub-heading, a
//! one-line bullet) join the blocks after them until the passage is long
//! enough to stand alone; a block longer than the maximum is cut at line
//! ends, then at sentence ends, then (a single endless sentence) anywhere.
//!
//! A decision ("RESOLVED – That: a) … b) …") is a passage of its own: the
//! RESOLVED block and the lettered or numbered points after it, marked as a
//! resolution so that a search can be kept to what boards decided.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::extract::Record;

/// A passage shorter than this takes in the next block of its item.
pub const MIN_PASSAGE_BYTES: usize = 300;
/// No passage grows beyond this unless a single word is longer.
pub const MAX_PASSAGE_BYTES: usize = 1500;

/// A searchable piece of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Passage {
    /// Position of the passage in its record, from 0.
    pub number: u32,
    /// Index of its item in [`Record::items`].
    pub item: usize,
    /// The text: lines joined by `\n`, blocks by a blank line.
    pub text: String,
    pub first_line: u32,
    pub last_line: u32,
    /// Pages of the first and last line; 0 for formats without pages.
    pub first_page: u32,
    pub last_page: u32,
    /// True for a decision: a RESOLVED block and its points.
    pub resolution: bool,
}

/// A block that records a decision: "RESOLVED – That …", "Resolved:".
static RESOLVED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\W_]*(?i:resolved|it was resolved)\b").unwrap());
/// A point of a decision: "a) …", "(ii) …", "1. …", "- …".
static POINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:[-•·*]\s*)?(?:\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}[.)]|[-•·*])\s").unwrap()
});

/// True when a block opens a decision.
pub fn is_resolution(text: &str) -> bool {
    RESOLVED.is_match(text)
}

/// A unit of text with its line range, before packing into passages.
struct Unit {
    text: String,
    first_line: u32,
    last_line: u32,
    first_page: u32,
    last_page: u32,
    /// True when this unit starts a new block (joins with a blank line).
    starts_block: bool,
}

/// Splits a record into passages.
pub fn split(record: &Record) -> Vec<Passage> {
    let mut passages = Vec::new();
    for (item_index, item) in record.items.iter().enumerate() {
        let mut current: Option<Passage> = None;
        let mut in_resolution = false;
        for block in &item.blocks {
            let joined = block.joined();
            let opens_resolution = is_resolution(&joined);
            if in_resolution && !opens_resolution && !POINT.is_match(&joined) {
                // The decision ended with its last point.
                passages.extend(current.take());
                in_resolution = false;
            }
            if opens_resolution {
                passages.extend(current.take());
                in_resolution = true;
            }
            for unit in units_of(block) {
                if let Some(passage) = &current {
                    if passage.text.len() + unit.text.len() > MAX_PASSAGE_BYTES {
                        passages.extend(current.take());
                    }
                }
                match &mut current {
                    Some(passage) => {
                        passage
                            .text
                            .push_str(if unit.starts_block { "\n\n" } else { "\n" });
                        passage.text.push_str(&unit.text);
                        passage.last_line = unit.last_line;
                        passage.last_page = unit.last_page;
                    }
                    None => {
                        current = Some(Passage {
                            number: 0,
                            item: item_index,
                            text: unit.text,
                            first_line: unit.first_line,
                            last_line: unit.last_line,
                            first_page: unit.first_page,
                            last_page: unit.last_page,
                            resolution: in_resolution,
                        });
                    }
                }
                // A decision keeps its points together; other text stops
                // growing once it can stand alone.
                if !in_resolution
                    && current
                        .as_ref()
                        .is_some_and(|passage| passage.text.len() >= MIN_PASSAGE_BYTES)
                {
                    passages.extend(current.take());
                }
            }
        }
        passages.extend(current);
    }
    for (number, passage) in passages.iter_mut().enumerate() {
        passage.number = u32::try_from(number).unwrap_or(u32::MAX);
    }
    passages
}

/// A block as one unit, or cut into several when it is too long.
fn units_of(block: &crate::read::Block) -> Vec<Unit> {
    let whole: Vec<&str> = block.lines.iter().map(|line| line.text.as_str()).collect();
    let whole = whole.join("\n");
    if whole.len() <= MAX_PASSAGE_BYTES {
        return vec![Unit {
            text: whole,
            first_line: block.first_line(),
            last_line: block.last_line(),
            first_page: block.first_page(),
            last_page: block.last_page(),
            starts_block: true,
        }];
    }
    let mut units = Vec::new();
    for line in &block.lines {
        if line.text.len() <= MAX_PASSAGE_BYTES {
            units.push(Unit {
                text: line.text.clone(),
                first_line: line.number,
                last_line: line.last_number,
                first_page: line.page,
                last_page: line.last_page,
                starts_block: false,
            });
            continue;
        }
        for piece in cut_long_line(&line.text) {
            units.push(Unit {
                text: piece,
                first_line: line.number,
                last_line: line.last_number,
                first_page: line.page,
                last_page: line.last_page,
                starts_block: false,
            });
        }
    }
    if let Some(first) = units.first_mut() {
        first.starts_block = true;
    }
    units
}

/// Cuts one over-long line at sentence ends, packing sentences up to the
/// maximum; a sentence longer than the maximum is cut at a character boundary.
fn cut_long_line(line: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for sentence in line.split_sentence_bounds() {
        if !current.is_empty() && current.len() + sentence.len() > MAX_PASSAGE_BYTES {
            pieces.push(std::mem::take(&mut current).trim().to_string());
        }
        if sentence.len() > MAX_PASSAGE_BYTES {
            let mut rest = sentence;
            while rest.len() > MAX_PASSAGE_BYTES {
                let mut cut = MAX_PASSAGE_BYTES;
                while !rest.is_char_boundary(cut) {
                    cut -= 1;
                }
                pieces.push(rest[..cut].trim().to_string());
                rest = &rest[cut..];
            }
            current.push_str(rest);
        } else {
            current.push_str(sentence);
        }
    }
    if !current.trim().is_empty() {
        pieces.push(current.trim().to_string());
    }
    pieces.retain(|piece| !piece.is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{extract, Hints};
    use crate::format::Format;
    use crate::read::read_bytes;

    fn passages_of(source: &str) -> (Record, Vec<Passage>) {
        let text = read_bytes(source.as_bytes(), Format::Text).unwrap();
        let record = extract(&text, &Hints::default());
        let passages = split(&record);
        (record, passages)
    }

    #[test]
    fn passages_never_cross_items() {
        let (record, passages) = passages_of(
            "Minutes of the Panel held on 1 May 2019\n\n1. First\n\nShort.\n\n2. Second\n\nAlso short.\n",
        );
        assert_eq!(record.items.len(), 2);
        let texts: Vec<(&str, usize)> = passages
            .iter()
            .map(|passage| (passage.text.as_str(), passage.item))
            .collect();
        assert_eq!(texts, vec![("Short.", 0), ("Also short.", 1)]);
    }

    #[test]
    fn short_blocks_join_and_long_ones_stand_alone() {
        let long = "word ".repeat(80);
        let source = format!("Heading\n\nA sub-heading\n\n{long}\n\n{long}\n");
        let (_, passages) = passages_of(&source);
        assert_eq!(passages.len(), 2);
        assert!(passages[0].text.starts_with("A sub-heading\n\nword"));
        assert_eq!((passages[0].first_line, passages[0].last_line), (3, 5));
        assert_eq!((passages[1].first_line, passages[1].last_line), (7, 7));
    }

    #[test]
    fn an_endless_line_is_cut_within_the_limit() {
        let source = format!("Title\n\n{}\n", "x".repeat(10_000));
        let (_, passages) = passages_of(&source);
        assert!(passages.len() >= 6);
        assert!(passages
            .iter()
            .all(|passage| passage.text.len() <= MAX_PASSAGE_BYTES));
        let total: usize = passages.iter().map(|passage| passage.text.len()).sum();
        assert_eq!(total, 10_000);
    }
}
