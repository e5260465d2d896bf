//! Property tests that feed the query parser, the metadata extractor and
//! the format readers arbitrary input: none may panic, and what they return
//! keeps its promises. `cargo test` runs a bounded number of cases; a longer
//! run for RELIABILITY.md sets proptest's own variable (eleven properties,
//! so 100,000 cases each is over a million inputs):
//!
//!     PROPTEST_CASES=100000 cargo test --release --test fuzz

use std::sync::OnceLock;

use proptest::prelude::*;
use scrutiny::glossary::Glossary;
use scrutiny::index::ScrutinyIndex;
use scrutiny::ingest::{self, IndexOptions};
use scrutiny::query::{MAX_DEPTH, MAX_TERMS};
use scrutiny::read;
use scrutiny::read::html::MAX_ATTRIBUTES;
use scrutiny::request::SearchRequest;
use scrutiny::search;
use scrutiny::split::{self, MAX_PASSAGE_BYTES};
use scrutiny::walk::Format;

/// An index of the bundled corpus, built once for every query case.
fn index() -> &'static ScrutinyIndex {
    static INDEX: OnceLock<(tempfile::TempDir, ScrutinyIndex)> = OnceLock::new();
    let (_, index) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        ingest::run(&IndexOptions {
            corpus: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
            index: path.clone(),
            threads: 1,
            rebuild: true,
            progress: false,
        })
        .unwrap();
        let index = ScrutinyIndex::open(&path).unwrap();
        (dir, index)
    });
    index
}

fn glossary() -> &'static Glossary {
    static GLOSSARY: OnceLock<Glossary> = OnceLock::new();
    GLOSSARY.get_or_init(Glossary::builtin)
}

/// Query-like text: words, the query language's operators and punctuation.
fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z]{1,12}",
        Just("AND".to_string()),
        Just("OR".to_string()),
        Just("NOT".to_string()),
        Just("\"".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        "[-+*~^:<>\\[\\]{}!/\\\\'.,;=&|]{1,3}",
        "(council|topic|officer|committee|date|year|body|nofield):[a-z0-9*>=<-]{0,10}",
        "[0-9]{1,4}",
        "\\PC{1,4}",
    ];
    prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any query either answers or is refused with a message; never a panic.
    #[test]
    fn any_query_answers_or_is_refused_with_a_reason(query in query_text()) {
        match search::search(index(), &SearchRequest::new(&query, 10), Some(glossary())) {
            Ok(results) => {
                prop_assert!(results.hits.len() <= 10);
                for hit in &results.hits {
                    let characters = hit.snippet.chars().count();
                    for [start, end] in &hit.highlights {
                        prop_assert!(start < end && *end <= characters, "{query:?}");
                    }
                }
            }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    /// Any text reads, extracts and splits; passages stay within an item,
    /// within the size limit (but for one unbreakable word), in order.
    #[test]
    fn any_text_extracts_and_splits_within_limits(text in "(\\PC{0,80}\n{0,3}){0,40}") {
        let Ok(read) = read::read_bytes(text.as_bytes(), Format::Text) else {
            return Ok(());
        };
        let record = scrutiny::extract::extract(&read, &scrutiny::extract::Hints::default());
        let passages = split::split(&record);
        for passage in &passages {
            prop_assert!(passage.item < record.items.len());
            prop_assert!(!passage.text.is_empty());
            let longest_word = passage.text.split_whitespace().map(str::len).max().unwrap_or(0);
            prop_assert!(passage.text.len() <= MAX_PASSAGE_BYTES.max(longest_word) + 4);
            prop_assert!(passage.first_line <= passage.last_line);
        }
    }

    /// Arbitrary bytes in any format's reader: text or a reason, never a
    /// panic.
    #[test]
    fn any_bytes_read_or_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        for format in [Format::Text, Format::Markdown, Format::Html, Format::Docx] {
            if let Err(error) = read::read_bytes(&bytes, format) {
                prop_assert!(!error.to_string().is_empty());
            }
        }
    }

    /// A real Word file with bytes changed: still read or refused cleanly.
    #[test]
    fn a_damaged_word_file_is_read_or_refused(
        changes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20)
    ) {
        let seed = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/wiltshire/004_d19465a48595deaa.txt"),
        ).unwrap();
        let mut docx = scrutiny::synth::formats::to_docx(&seed).unwrap();
        for (index, byte) in changes {
            let at = index.index(docx.len());
            docx[at] = byte;
        }
        let _ = read::read_bytes(&docx, Format::Docx);
    }

    /// Deeply nested and broken HTML: read or refused, never a panic.
    #[test]
    fn tangled_html_is_read_or_refused(
        tags in prop::collection::vec("(div|p|table|tr|td|li|ul|h2|script|nav|span|b)", 0..300),
        text in "\\PC{0,40}",
    ) {
        let mut page = String::from("<html><body>");
        for tag in &tags {
            page.push_str(&format!("<{tag}>{text}"));
        }
        for tag in tags.iter().rev().step_by(2) {
            page.push_str(&format!("</{tag}>"));
        }
        let _ = read::read_bytes(page.as_bytes(), Format::Html);
    }

    /// Brackets nested to any depth: answered up to the limit, refused with
    /// the column past it; never a stack overflow.
    #[test]
    fn nested_brackets_answer_or_are_refused(depth in 0..400usize, word in "(taxi|CSE|sexting|licensing)") {
        let query = format!("{}{word}{}", "(".repeat(depth), ")".repeat(depth));
        let outcome = search::search(index(), &SearchRequest::new(&query, 10), Some(glossary()));
        if depth <= MAX_DEPTH {
            prop_assert!(outcome.is_ok(), "{depth}: {:?}", outcome.err());
        } else {
            let message = outcome.unwrap_err().to_string();
            prop_assert!(message.contains(&format!("brackets nest more than {MAX_DEPTH} deep")), "{message}");
        }
    }

    /// Chains of operators of any length: an answer or a reason.
    #[test]
    fn operator_chains_answer_or_are_refused(
        length in 0..1200usize,
        operator in "(AND|OR|NOT|AND NOT|-|\\+)",
        word in "(taxi|CSE|board)",
    ) {
        let query = format!("{word} {}{word}", format!("{operator} {word} ").repeat(length));
        match search::search(index(), &SearchRequest::new(&query, 10), Some(glossary())) {
            Ok(results) => prop_assert!(results.hits.len() <= 10),
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    /// Any number of words: searched up to the bound, refused past it.
    #[test]
    fn clause_counts_are_bounded(words in prop::collection::vec("[a-z]{1,9}", 1..700), or in any::<bool>()) {
        let query = words.join(if or { " OR " } else { " " });
        let terms = if or { words.len() * 2 - 1 } else { words.len() };
        let outcome = search::search(index(), &SearchRequest::new(&query, 10), Some(glossary()));
        if terms <= MAX_TERMS {
            prop_assert!(outcome.is_ok(), "{terms}: {:?}", outcome.err());
        } else {
            let message = outcome.unwrap_err().to_string();
            prop_assert!(message.contains("more than 256 words and operators"), "{message}");
        }
    }

    /// Any dates in a filter, however far: the seeds' 26 dated CSE passages
    /// (all of 26 September 2017) are found exactly when the range holds
    /// that day; a reversed range is refused.
    #[test]
    fn any_date_range_finds_what_it_holds(
        from in (1i16..=9999, 1i8..=12, 1i8..=28),
        to in (1i16..=9999, 1i8..=12, 1i8..=28),
    ) {
        let date = |(year, month, day)| jiff::civil::date(year, month, day);
        let (from, to) = (date(from), date(to));
        let mut request = SearchRequest::new("CSE", 10);
        request.selection.filters.from = Some(from);
        request.selection.filters.to = Some(to);
        let outcome = search::search(index(), &request, Some(glossary()));
        if from > to {
            prop_assert!(outcome.unwrap_err().to_string().contains("the first date is after the last"));
        } else {
            let meeting = jiff::civil::date(2017, 9, 26);
            let expected = if (from..=to).contains(&meeting) { 26 } else { 0 };
            prop_assert_eq!(outcome.unwrap().total, expected);
        }
    }

    /// Elements with any number of attributes: read up to the bound,
    /// refused past it.
    #[test]
    fn attributes_are_bounded(count in 0..3000usize, quoted in any::<bool>()) {
        let attribute = |number: usize| if quoted { format!(" a{number}=\"x y\"") } else { format!(" a{number}") };
        let attributes: String = (0..count).map(attribute).collect();
        let page = format!("<html><body><main><p{attributes}>the text</p></main></body></html>");
        let outcome = read::read_bytes(page.as_bytes(), Format::Html);
        if count <= MAX_ATTRIBUTES {
            prop_assert!(outcome.is_ok());
        } else {
            prop_assert_eq!(
                outcome.unwrap_err().to_string(),
                "an element with more than 1000 attributes; not read (a damaged or hostile page)"
            );
        }
    }

    /// Any printable text up to 200 characters with no operator in it (no
    /// AND, OR or NOT, no field's colon) searches: results or none, never an
    /// error.
    #[test]
    fn typed_text_always_searches(
        text in "[^:\\p{Cc}]{1,200}".prop_filter("no operators, not blank", |text| {
            !text.trim().is_empty()
                && !text.split_whitespace().any(|word| {
                    matches!(word.trim_start_matches(['(', '+', '-']), "AND" | "OR" | "NOT")
                })
        })
    ) {
        let outcome = search::search(index(), &SearchRequest::new(&text, 10), Some(glossary()));
        prop_assert!(outcome.is_ok(), "{text:?}: {:?}", outcome.err());
    }
}
