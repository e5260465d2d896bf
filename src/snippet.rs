//! A passage's best fragment with its matched words marked, from tantivy's
//! `SnippetGenerator`, turned into plain text with character ranges, into
//! escaped HTML, or into terminal text.

use serde::Serialize;
use tantivy::snippet::Snippet;

/// A fragment of a passage and the character ranges of its matched words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Highlighted {
    /// The fragment, line breaks turned to spaces.
    pub text: String,
    /// `[start, end)` ranges counted in characters (Unicode scalar values).
    pub ranges: Vec<[usize; 2]>,
}

impl Highlighted {
    /// Converts a tantivy snippet, whose ranges count bytes. Runs of
    /// whitespace (line breaks between a passage's lines) become one space,
    /// and an ellipsis marks a fragment cut from a longer passage.
    pub fn from_snippet(snippet: &Snippet, passage: &str) -> Highlighted {
        let fragment = snippet.fragment();
        let range = snippet.fragment_range();
        let mut text = String::with_capacity(fragment.len() + 8);
        if range.start > 0 {
            text.push('…');
        }
        // For every byte offset of the fragment, the character offset it
        // lands on in the collapsed text.
        let mut char_at_byte = vec![0usize; fragment.len() + 1];
        let mut n_chars = text.chars().count();
        let mut in_space = false;
        for (offset, character) in fragment.char_indices() {
            for slot in &mut char_at_byte[offset..offset + character.len_utf8()] {
                *slot = n_chars;
            }
            if character.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    n_chars += 1;
                }
                in_space = true;
            } else {
                text.push(character);
                n_chars += 1;
                in_space = false;
            }
        }
        char_at_byte[fragment.len()] = n_chars;
        if range.end < passage.len() {
            text.push('…');
        }
        let ranges = snippet
            .highlighted()
            .iter()
            .filter(|range| range.start < range.end && range.end <= fragment.len())
            .map(|range| [char_at_byte[range.start], char_at_byte[range.end]])
            .collect();
        Highlighted { text, ranges }
    }

    /// A fragment with nothing marked: the start of `text`, cut at a word.
    pub fn plain(text: &str, max_chars: usize) -> Highlighted {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut cut: String = flat.chars().take(max_chars).collect();
        if cut.len() < flat.len() {
            if let Some(space) = cut.rfind(' ') {
                cut.truncate(space);
            }
            cut.push('…');
        }
        Highlighted {
            text: cut,
            ranges: Vec::new(),
        }
    }

    /// True when some word is marked.
    pub fn has_highlights(&self) -> bool {
        !self.ranges.is_empty()
    }

    /// The pieces of the fragment in order, each with whether it is marked.
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let offsets: Vec<usize> = self
            .text
            .char_indices()
            .map(|(offset, _)| offset)
            .chain(std::iter::once(self.text.len()))
            .collect();
        let byte = |character: usize| offsets[character.min(offsets.len() - 1)];
        let mut pieces = Vec::new();
        let mut position = 0;
        for [start, end] in &self.ranges {
            let (start, end) = (byte(*start), byte(*end));
            if start < position || end < start {
                continue;
            }
            if position < start {
                pieces.push((&self.text[position..start], false));
            }
            pieces.push((&self.text[start..end], true));
            position = end;
        }
        if position < self.text.len() {
            pieces.push((&self.text[position..], false));
        }
        pieces
    }

    /// HTML with every piece escaped and matched words in `<mark>`.
    pub fn to_html(&self) -> String {
        let mut html = String::new();
        for (piece, marked) in self.pieces() {
            if marked {
                html.push_str("<mark>");
                html.push_str(&escape_html(piece));
                html.push_str("</mark>");
            } else {
                html.push_str(&escape_html(piece));
            }
        }
        html
    }
}

/// Escapes text for an HTML element or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_follow_character_ranges_across_multibyte_text() {
        let highlighted = Highlighted {
            text: "“Sexting” – £5 sexted".into(),
            ranges: vec![[1, 8], [15, 21]],
        };
        assert_eq!(
            highlighted.pieces(),
            vec![
                ("“", false),
                ("Sexting", true),
                ("” – £5 ", false),
                ("sexted", true)
            ]
        );
    }

    #[test]
    fn html_escapes_text_and_adds_only_marks() {
        let highlighted = Highlighted {
            text: "<script>alert(1)</script> sexting".into(),
            ranges: vec![[26, 33]],
        };
        assert_eq!(
            highlighted.to_html(),
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>sexting</mark>"
        );
    }

    #[test]
    fn plain_fragments_cut_at_a_word() {
        assert_eq!(Highlighted::plain("one two three", 9).text, "one two…");
    }
}
