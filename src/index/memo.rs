//! A token filter that remembers what a word analyser made of each word.
//!
//! Lower-casing, accent folding, spelling variants and above all stemming
//! were a quarter of the CPU time of an index run, spent again on every
//! occurrence of words that recur thousands of times ("committee",
//! "safeguarding"). Council prose, like all prose, has a small working
//! vocabulary, so each indexing thread keeps what it has already worked out
//! and looks it up. The output is exactly the word analyser's, token for
//! token; only the time changes.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::{FxBuildHasher, FxHashMap};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// Words remembered per thread before the memory is cleared and started
/// again: a few megabytes, which covers the working vocabulary of a corpus.
pub const DEFAULT_CAPACITY: usize = 50_000;

/// Analysers whose memories a thread keeps at once; a thread meeting
/// another starts afresh, so that opening index after index in a
/// long-running process does not pile memories up.
const MEMORIES_PER_THREAD: usize = 4;

type Known = HashMap<Box<str>, Box<str>, FxBuildHasher>;

static NEXT_MEMORY: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Each thread's memories, by the `Memoised` filter they belong to.
    /// Kept by the thread rather than by each copy of the analyser: tantivy
    /// copies an analyser for every field of every segment written and for
    /// every snippet, and a fresh memory costs more than none.
    static MEMORIES: RefCell<FxHashMap<u64, Known>> = RefCell::default();
}

/// Takes this thread's memory for `memory` out of the thread's keeping.
fn take_memory(memory: u64) -> Known {
    MEMORIES
        .try_with(|memories| {
            let mut memories = memories.borrow_mut();
            if let Some(known) = memories.remove(&memory) {
                return known;
            }
            if memories.len() >= MEMORIES_PER_THREAD {
                memories.clear();
            }
            Known::default()
        })
        .unwrap_or_default()
}

/// Gives a memory back to the thread.
fn give_back(memory: u64, known: Known) {
    let _ = MEMORIES.try_with(|memories| memories.borrow_mut().insert(memory, known));
}

/// Runs each token's text through `word`, an analyser that turns one word
/// (given whole, as by tantivy's `RawTokenizer`) into exactly one token,
/// remembering the answers. Positions and offsets are the incoming token's.
/// Copies of one `Memoised` share each thread's memory.
#[derive(Clone)]
pub struct Memoised {
    word: TextAnalyzer,
    capacity: usize,
    memory: u64,
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
            memory: NEXT_MEMORY.fetch_add(1, Ordering::Relaxed),
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
            memory: self.memory,
        }
    }
}

#[derive(Clone)]
pub struct MemoisedFilter<T> {
    inner: T,
    word: TextAnalyzer,
    capacity: usize,
    memory: u64,
}

impl<T: Tokenizer> Tokenizer for MemoisedFilter<T> {
    type TokenStream<'a> = MemoisedStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoisedStream {
            tail: self.inner.token_stream(text),
            word: &mut self.word,
            capacity: self.capacity,
            memory: self.memory,
            known: take_memory(self.memory),
        }
    }
}

/// A stream holds its thread's memory while it runs and gives it back when
/// dropped (a stream opened inside another starts with an empty one).
pub struct MemoisedStream<'a, T> {
    tail: T,
    word: &'a mut TextAnalyzer,
    capacity: usize,
    memory: u64,
    known: Known,
}

impl<T> Drop for MemoisedStream<'_, T> {
    fn drop(&mut self) {
        give_back(self.memory, std::mem::take(&mut self.known));
    }
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

    /// A word analyser that counts the words it is asked about.
    #[derive(Clone)]
    struct Counting(std::sync::Arc<std::sync::atomic::AtomicUsize>);

    impl TokenFilter for Counting {
        type Tokenizer<T: Tokenizer> = CountingFilter<T>;
        fn transform<T: Tokenizer>(self, tokenizer: T) -> CountingFilter<T> {
            CountingFilter(tokenizer, self.0)
        }
    }

    #[derive(Clone)]
    struct CountingFilter<T>(T, std::sync::Arc<std::sync::atomic::AtomicUsize>);

    impl<T: Tokenizer> Tokenizer for CountingFilter<T> {
        type TokenStream<'a> = T::TokenStream<'a>;
        fn token_stream<'a>(&'a mut self, text: &'a str) -> T::TokenStream<'a> {
            self.1.fetch_add(1, Ordering::Relaxed);
            self.0.token_stream(text)
        }
    }

    #[test]
    fn copies_of_an_analyser_share_each_threads_memory() {
        let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let word = TextAnalyzer::builder(RawTokenizer::default())
            .filter(Counting(asked.clone()))
            .filter(LowerCaser)
            .build();
        let analyser = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(Memoised::new(word))
            .build();
        let text = "members noted the report and the members agreed";
        let words_asked = || asked.load(Ordering::Relaxed);

        tokens(&mut analyser.clone(), text);
        assert_eq!(words_asked(), 6, "each distinct word worked out once");
        tokens(&mut analyser.clone(), text);
        assert_eq!(words_asked(), 6, "a second copy reads the same memory");

        let mut elsewhere = analyser.clone();
        std::thread::spawn(move || tokens(&mut elsewhere, text))
            .join()
            .unwrap();
        assert_eq!(words_asked(), 12, "another thread keeps its own memory");

        // A stream opened while another runs works with a memory of its own.
        let mut outer_copy = analyser.clone();
        let mut inner_copy = analyser.clone();
        let mut outer = outer_copy.token_stream("sexting");
        assert!(outer.advance());
        assert_eq!(
            tokens(&mut inner_copy, "report"),
            tokens(&mut analyser.clone(), "report")
        );
        assert_eq!(outer.token().text, "sexting");
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
