//! A token filter that remembers what a word analyser made of each word.
//!
//! Lower-casing, accent folding, spelling variants and above all stemming
//! were a quarter of the CPU time of an index run, spent again on every
//! occurrence of words that recur thousands of times ("committee",
//! "safeguarding"). Council prose, like all prose, has a small working
//! vocabulary, so each indexing thread keeps what it has already worked out
//! and looks it up. The output is exactly the word analyser's, token for
//! token; only the time changes.

use std::collections::HashMap;

use rustc_hash::FxBuildHasher;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per thread before the memory is cleared and started
/// again: a few megabytes, which covers the working vocabulary of a corpus.
pub const DEFAULT_CAPACITY: usize = 50_000;

/// Runs each token's text through `word`, an analyser that turns one word
/// (given whole, as by tantivy's `RawTokenizer`) into exactly one token,
/// remembering the answers. Positions and offsets are the incoming token's.
#[derive(Clone)]
pub struct Memoised {
    word: TextAnalyzer,
    capacity: usize,
}

impl Memoised {
    pub fn new(word: TextAnalyzer) -> Memoised {
        Memoised::with_capacity(word, DEFAULT_CAPACITY)
    }

    /// At most `capacity` words are remembered at once (at least one).
    pub fn with_capacity(word: TextAnalyzer, capacity: usize) -> Memoised {
        Memoised {
            word,
            capacity: capacity.max(1),
        }
    }
}

impl TokenFilter for Memoised {
    type Tokenizer<T: Tokenizer> = MemoisedFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> Self::Tokenizer<T> {
        MemoisedFilter {
            inner: tokenizer,
            word: self.word,
            capacity: self.capacity,
            known: HashMap::default(),
        }
    }
}

#[derive(Clone)]
pub struct MemoisedFilter<T> {
    inner: T,
    word: TextAnalyzer,
    capacity: usize,
    known: HashMap<Box<str>, Box<str>, FxBuildHasher>,
}

impl<T: Tokenizer> Tokenizer for MemoisedFilter<T> {
    type TokenStream<'a> = MemoisedStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoisedStream {
            tail: self.inner.token_stream(text),
            word: &mut self.word,
            capacity: self.capacity,
            known: &mut self.known,
        }
    }
}

pub struct MemoisedStream<'a, T> {
    tail: T,
    word: &'a mut TextAnalyzer,
    capacity: usize,
    known: &'a mut HashMap<Box<str>, Box<str>, FxBuildHasher>,
}

impl<T: TokenStream> TokenStream for MemoisedStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(form) = self.known.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(form);
            return true;
        }
        let form = {
            let mut stream = self.word.token_stream(&token.text);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        if self.known.len() >= self.capacity {
            self.known.clear();
        }
        self.known.insert(
            std::mem::take(&mut token.text).into_boxed_str(),
            form.clone().into_boxed_str(),
        );
        token.text = form;
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
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, SimpleTokenizer, Stemmer,
    };

    fn word_analyser() -> TextAnalyzer {
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build()
    }

    fn tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyser.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let token = stream.token();
            out.push((
                token.text.clone(),
                token.position,
                token.offset_from,
                token.offset_to,
            ));
        }
        out
    }

    #[test]
    fn same_tokens_as_the_chain_it_remembers() {
        let text = "Members noted the Committee's REPORTS on Safeguarding; the committee \
                    reported that safeguarding reports were reported. Café CAFÉ café.";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        for capacity in [1, 2, 3, DEFAULT_CAPACITY] {
            let mut memoised = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(Memoised::with_capacity(word_analyser(), capacity))
                .build();
            // Twice through one analyser: the second pass reads the memory.
            for _ in 0..2 {
                assert_eq!(
                    tokens(&mut memoised, text),
                    tokens(&mut plain, text),
                    "capacity {capacity}"
                );
            }
        }
    }
}
