//! A token filter that reads British and American spellings as one word
//! (licence/license, organisation/organization, behaviour/behavior), placed
//! before the stemmer, at index and at query time alike. One token in, one
//! token out, so phrase positions are untouched.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// The table of variants (`data/spelling.txt`).
const TABLE: &str = include_str!("../../data/spelling.txt");

static VARIANTS: LazyLock<Arc<HashMap<&'static str, &'static str>>> = LazyLock::new(|| {
    let map = TABLE
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some((words.next()?, words.next()?))
        })
        .collect();
    Arc::new(map)
});

/// The form a lower-case word is indexed as.
pub fn canonical(word: &str) -> Option<String> {
    if let Some(form) = VARIANTS.get(word) {
        return Some((*form).to_string());
    }
    for (british, american) in [("isations", "izations"), ("isation", "ization")] {
        if let Some(stem) = word.strip_suffix(british) {
            if !stem.is_empty() {
                return Some(format!("{stem}{american}"));
            }
        }
    }
    None
}

/// The filter; expects lower-case tokens.
#[derive(Clone, Default)]
pub struct SpellingVariants;

impl TokenFilter for SpellingVariants {
    type Tokenizer<T: Tokenizer> = SpellingVariantsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        SpellingVariantsFilter { tokenizer }
    }
}

#[derive(Clone)]
pub struct SpellingVariantsFilter<T> {
    tokenizer: T,
}

impl<T: Tokenizer> Tokenizer for SpellingVariantsFilter<T> {
    type TokenStream<'a> = SpellingVariantsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SpellingVariantsStream {
            tail: self.tokenizer.token_stream(text),
        }
    }
}

pub struct SpellingVariantsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for SpellingVariantsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        if let Some(form) = canonical(&self.tail.token().text) {
            self.tail.token_mut().text = form;
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_map_to_one_form() {
        assert_eq!(canonical("licence").as_deref(), Some("license"));
        assert_eq!(canonical("organisations").as_deref(), Some("organizations"));
        assert_eq!(
            canonical("prioritisation").as_deref(),
            Some("prioritization")
        );
        assert_eq!(canonical("license"), None);
        assert_eq!(canonical("isation"), None);
    }
}
