//! Query text → a tantivy query with filters.
//!
//! The language is tantivy's: words, `"phrases"`, `AND`/`OR`/`NOT`, `+`/`-`,
//! parentheses and `field:value`. Before tantivy parses it we check what
//! people get wrong (an unclosed quote or bracket, an unknown field, an
//! operator with nothing beside it) so the error can point at the column and
//! suggest a fix; tantivy's own parser then builds the query.

use std::ops::Bound;

use jiff::civil::Date;
use serde::Serialize;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::query_grammar::{self, Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Searcher;
use tantivy::Term;

use crate::error::{Error, QueryError, Result};
use crate::extract::date::{FIRST_MEETING, LAST_MEETING};
use crate::glossary::{self, Glossary};
use crate::index::{document, schema, ScrutinyIndex};
use crate::request::{Filters, GroupFilter};

/// Fields a query may name, as `field:value`.
pub const QUERY_FIELDS: &[&str] = &[
    "body",
    "topic",
    "council",
    "committee",
    "officer",
    "member",
    "kind",
    "item",
    "year",
];

/// The deepest nesting of brackets a query may have. Parsing and expanding
/// a query recurse once per level, so a bound keeps any query, on any front
/// end and any thread's stack, from overflowing it; no one writes 32.
pub const MAX_DEPTH: usize = 32;
/// The most words and operators a query may hold, phrases' words included.
/// Each word becomes clauses (stems, glossary alternatives, typo variants),
/// and thousands of them took gigabytes; a pasted paragraph of about 250
/// words still searches.
pub const MAX_TERMS: usize = 256;

/// Checks a query for the mistakes people make, pointing at the column.
///
/// Longer than 100 lines on purpose: a tokeniser (quotes, brackets, words
/// with their columns) followed by one check per kind of mistake, each a
/// few lines; the checks read the same token list and share its columns.
pub fn validate(query: &str) -> std::result::Result<(), QueryError> {
    let fail = |column: usize, message: String, hint: Option<String>| QueryError {
        query: query.to_string(),
        column,
        message,
        hint,
    };
    if query.trim().is_empty() {
        return Err(fail(
            1,
            "the query is empty".into(),
            Some("type a word or a \"phrase\"".into()),
        ));
    }
    let characters: Vec<char> = query.chars().collect();
    let mut open_quote: Option<usize> = None;
    let mut open_brackets: Vec<usize> = Vec::new();
    // Words outside quotes, with their 1-based starting column.
    let mut words: Vec<(usize, String)> = Vec::new();
    let mut word = String::new();
    let mut word_start = 0;
    for (index, &character) in characters.iter().enumerate() {
        let column = index + 1;
        if let Some(_start) = open_quote {
            if character == '"' {
                open_quote = None;
                word.push('"');
            } else {
                word.push(character);
            }
            continue;
        }
        match character {
            '"' => {
                open_quote = Some(column);
                if word.is_empty() {
                    word_start = column;
                }
                word.push('"');
            }
            '(' | ')' | ' ' | '\t' | '\n' => {
                if !word.is_empty() {
                    words.push((word_start, std::mem::take(&mut word)));
                }
                if character == '(' {
                    open_brackets.push(column);
                    if open_brackets.len() > MAX_DEPTH {
                        return Err(fail(
                            column,
                            format!("brackets nest more than {MAX_DEPTH} deep here"),
                            Some("remove brackets that hold a single group".into()),
                        ));
                    }
                    words.push((column, "(".into()));
                } else if character == ')' {
                    if open_brackets.pop().is_none() {
                        return Err(fail(
                            column,
                            "this ')' closes no '('".into(),
                            Some("remove it or add the '(' it closes".into()),
                        ));
                    }
                    words.push((column, ")".into()));
                }
            }
            _ => {
                if word.is_empty() {
                    word_start = column;
                }
                word.push(character);
            }
        }
    }
    if let Some(column) = open_quote {
        return Err(fail(
            column,
            "this quote is never closed".into(),
            Some("end the phrase with another \"".into()),
        ));
    }
    if !word.is_empty() {
        words.push((word_start, word));
    }
    if let Some(&column) = open_brackets.last() {
        return Err(fail(
            column,
            "this '(' is never closed".into(),
            Some("add a ')'".into()),
        ));
    }
    let mut n_terms = 0;
    for (column, word) in &words {
        if word != "(" && word != ")" {
            n_terms += word.split_whitespace().count().max(1);
        }
        if n_terms > MAX_TERMS {
            return Err(fail(
                *column,
                format!("the query has more than {MAX_TERMS} words and operators"),
                Some("search for the few words that matter most".into()),
            ));
        }
    }

    for (position, (column, word)) in words.iter().enumerate() {
        let before = position.checked_sub(1).map(|index| words[index].1.as_str());
        let after = words.get(position + 1).map(|(_, word)| word.as_str());
        match word.as_str() {
            "AND" | "OR" => {
                let left_ok =
                    before.is_some_and(|word| !matches!(word, "AND" | "OR" | "NOT" | "("));
                let right_ok = after.is_some_and(|word| !matches!(word, "AND" | "OR" | ")"));
                if !left_ok || !right_ok {
                    return Err(fail(
                        *column,
                        format!("{word} needs a term on each side"),
                        Some(format!(
                            "write `a {word} b`, or quote \"{word}\" to search for the word"
                        )),
                    ));
                }
            }
            "NOT" => {
                if after.is_none_or(|word| matches!(word, "AND" | "OR" | ")")) {
                    return Err(fail(
                        *column,
                        "NOT needs a term after it".into(),
                        Some("write `a AND NOT b`".into()),
                    ));
                }
                if after == Some("NOT") {
                    return Err(fail(
                        *column,
                        "NOT NOT cancels itself".into(),
                        Some("remove both, or keep one NOT".into()),
                    ));
                }
            }
            _ if word.starts_with(['<', '>']) => {
                return Err(fail(
                    *column,
                    format!("{:?} is a comparison without a field", &word[..1]),
                    Some(format!(
                        "compare a field, as in year:>2016, or quote the text (\"{word}\") to search for it"
                    )),
                ));
            }
            _ => check_field(query, *column, word)?,
        }
    }
    Ok(())
}

/// A query ready for the grammar: what a person typed, read leniently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The text to parse; empty when nothing searchable was typed (it
    /// matches nothing).
    pub text: String,
    /// True when `text` differs from what was typed beyond spacing.
    pub rewritten: bool,
}

/// Reads a query as a person meant it. Text typed or pasted searches as
/// its words: apostrophes (`children's`, `O'Brien`), hyphens, slashes,
/// ampersands, a colon that names no field (`Item 3: CSE`), an unbalanced
/// bracket or quote, a dangling operator. Errors are kept for expert
/// queries with an unmistakable mistake: a field name one or two letters
/// from a real one, an unclosed quote that spans an operator, an operator
/// misused among other operators; a query with no operator at all always
/// searches.
pub fn prepare(query: &str) -> std::result::Result<Prepared, QueryError> {
    if query.trim().is_empty() {
        validate(query)?;
    }
    let text = lenient(query);
    // The bounds hold for every query, typed by anyone: past them the
    // error is the answer, never a fallback that would search it all.
    if beyond_limits(&text) {
        validate(&text)?;
    }
    let parses = |text: &str| {
        validate(text).and_then(|()| {
            query_grammar::parse_query(text)
                .map(drop)
                .map_err(|_| QueryError {
                    query: text.to_string(),
                    column: 1,
                    message: "the query does not parse".into(),
                    hint: Some("quote the text to search for it as it is".into()),
                })
        })
    };
    let text = match parses(&text) {
        Ok(()) => text,
        Err(error) if is_expert(query) => return Err(error),
        Err(_) => words_of(query),
    };
    let spaced = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(Prepared {
        rewritten: spaced(&text) != spaced(query),
        text,
    })
}

/// True when a text nests brackets past [`MAX_DEPTH`] or holds more than
/// [`MAX_TERMS`] words and operators.
fn beyond_limits(text: &str) -> bool {
    let (mut depth, mut deepest, mut in_quote) = (0usize, 0usize, false);
    for character in text.chars() {
        match character {
            '"' => in_quote = !in_quote,
            '(' if !in_quote => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !in_quote => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let terms = text
        .split(|character: char| character.is_whitespace() || character == '(' || character == ')')
        .filter(|word| !word.is_empty())
        .count();
    deepest > MAX_DEPTH || terms > MAX_TERMS
}

/// True for a query that uses the query language on purpose: an operator
/// in capitals, or a field name close to a real one.
fn is_expert(query: &str) -> bool {
    query.split_whitespace().any(|word| {
        let word = word.trim_start_matches(['(', '+', '-']);
        matches!(word, "AND" | "OR" | "NOT")
            || word
                .split_once(':')
                .is_some_and(|(field, _)| near_a_field(field))
    })
}

/// True for a name one or two letters from a field's (or a field's own).
fn near_a_field(name: &str) -> bool {
    let name = name.to_lowercase();
    name.chars().count() >= 3
        && QUERY_FIELDS
            .iter()
            .any(|known| strsim::levenshtein(known, &name) <= 2)
}

/// The words of a text and nothing else: what a query searches when
/// nothing else of it can be read.
///
/// In lower case, so that no word is read as one of the grammar's
/// operators (`AND`, `OR`, `NOT`, `IN`, `TO`); the analyser lowers
/// everything anyway.
fn words_of(text: &str) -> String {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One piece of a query as [`lenient`] sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Open,
    Close,
    Word(String),
}

/// The query with what the grammar would stumble on taken out or made
/// plain; see [`prepare`].
fn lenient(query: &str) -> String {
    let query = balance_quotes(query);
    let mut pieces: Vec<Piece> = Vec::new();
    let mut word = String::new();
    let mut in_quote = false;
    let characters: Vec<char> = query.chars().collect();
    let flush = |word: &mut String, pieces: &mut Vec<Piece>| {
        if !word.is_empty() {
            pieces.push(Piece::Word(std::mem::take(word)));
        }
    };
    for (index, &character) in characters.iter().enumerate() {
        let previous = index.checked_sub(1).map(|at| characters[at]);
        if in_quote {
            word.push(character);
            in_quote = character != '"';
            continue;
        }
        match character {
            '"' => {
                word.push(character);
                in_quote = true;
            }
            '(' | ')' => {
                flush(&mut word, &mut pieces);
                pieces.push(if character == '(' {
                    Piece::Open
                } else {
                    Piece::Close
                });
            }
            // An apostrophe inside a word is part of it (as the curly one,
            // which the grammar reads as a letter): `children's`,
            // `O'Brien`. One opening or closing a word is left out.
            '\'' | '\u{2018}' | '\u{2019}' | '`' | '\u{b4}' => {
                let next = characters.get(index + 1);
                if previous.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(|next| next.is_alphanumeric())
                {
                    word.push('\u{2019}');
                }
            }
            // Signs the grammar reads: at the start of a word (+ -), after
            // a field's colon (ranges), or at a word's end (*).
            '+' | '-' if word.is_empty() => word.push(character),
            '<' | '>' | '=' | '[' | ']' | '{' | '}' if word.contains(':') => word.push(character),
            '*' => word.push(character),
            ':' => word.push(character),
            _ if character.is_alphanumeric() || character == '.' || character == '_' => {
                word.push(character)
            }
            // Anything else (whitespace, hyphens inside words, slashes,
            // ampersands, other punctuation) separates words.
            _ => flush(&mut word, &mut pieces),
        }
    }
    flush(&mut word, &mut pieces);
    let pieces = balance_brackets(pieces);
    let pieces = drop_dangling_operators(pieces);
    let mut out = String::new();
    for (position, piece) in pieces.iter().enumerate() {
        let text = match piece {
            Piece::Open => "(".to_string(),
            Piece::Close => ")".to_string(),
            Piece::Word(word) => plain_colon(word),
        };
        if position > 0
            && !matches!(piece, Piece::Close)
            && !matches!(pieces[position - 1], Piece::Open)
        {
            out.push(' ');
        }
        out.push_str(&text);
    }
    out.trim().to_string()
}

/// Drops a last, unmatched `"`, unless the text after it holds an
/// operator (then the unclosed quote is an expert's mistake, reported).
fn balance_quotes(query: &str) -> String {
    if query.matches('"').count().is_multiple_of(2) {
        return query.to_string();
    }
    let Some(last) = query.rfind('"') else {
        return query.to_string();
    };
    let after = &query[last + 1..];
    if after
        .split_whitespace()
        .any(|word| matches!(word, "AND" | "OR" | "NOT"))
    {
        return query.to_string();
    }
    format!("{}{after}", &query[..last])
}

/// Drops brackets that close nothing or are never closed.
fn balance_brackets(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut kept: Vec<Option<Piece>> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Open => {
                open.push(kept.len());
                kept.push(Some(Piece::Open));
            }
            Piece::Close if open.pop().is_some() => kept.push(Some(Piece::Close)),
            Piece::Close => {}
            word => kept.push(Some(word)),
        }
    }
    for at in open {
        kept[at] = None;
    }
    kept.into_iter().flatten().collect()
}

fn is_operator(piece: &Piece, names: &[&str]) -> bool {
    matches!(piece, Piece::Word(word) if names.contains(&word.as_str()))
}

/// Drops operators with nothing to join: `AND`/`OR` at either end or next
/// to a bracket, `NOT` at the end, a bare `+` or `-`. Operators next to
/// other operators are left for [`validate`] to report.
fn drop_dangling_operators(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut kept: Vec<Piece> = Vec::new();
    for (position, piece) in pieces.iter().enumerate() {
        let next = pieces.get(position + 1);
        let previous = kept.last();
        let dangling = if is_operator(piece, &["AND", "OR"]) {
            previous.is_none_or(|previous| matches!(previous, Piece::Open))
                || next.is_none_or(|next| matches!(next, Piece::Close))
        } else if is_operator(piece, &["NOT"]) {
            next.is_none_or(|next| matches!(next, Piece::Close))
        } else {
            is_operator(piece, &["+", "-"])
        };
        if !dangling {
            kept.push(piece.clone());
        }
    }
    kept
}

/// A word's colon as the grammar should read it: kept after a field name
/// (or a name close to one, for the error to name), else a space.
fn plain_colon(word: &str) -> String {
    if word.starts_with('"') {
        return word.to_string();
    }
    let bare = word.trim_start_matches(['+', '-']);
    match bare.split_once(':') {
        Some((field, _)) if QUERY_FIELDS.contains(&field) || near_a_field(field) => {
            word.to_string()
        }
        Some(_) => word.replace(':', " ").trim().to_string(),
        None => word.to_string(),
    }
}

/// Checks the `field:` prefix of one word, if it has one.
fn check_field(query: &str, column: usize, word: &str) -> std::result::Result<(), QueryError> {
    let bare = word.trim_start_matches(['+', '-']);
    let Some((field, value)) = bare.split_once(':') else {
        return Ok(());
    };
    if field.is_empty() || field.starts_with('"') {
        return Ok(());
    }
    let column = column + (word.len() - bare.len());
    let looks_like_field = field
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !looks_like_field {
        return Err(QueryError {
            query: query.to_string(),
            column,
            message: format!("`{field}:` is read as a field name"),
            hint: Some(format!("to search for the text, quote it: \"{bare}\"")),
        });
    }
    if !QUERY_FIELDS.contains(&field) {
        let nearest = QUERY_FIELDS
            .iter()
            .map(|known| (strsim::levenshtein(known, &field.to_lowercase()), *known))
            .min()
            .filter(|(distance, _)| *distance <= 3)
            .map(|(_, known)| known);
        let hint = match nearest {
            Some(known) => format!(
                "did you mean `{known}:`? fields are {}",
                QUERY_FIELDS.join(", ")
            ),
            None => format!(
                "fields are {}; to search for the text, quote it",
                QUERY_FIELDS.join(", ")
            ),
        };
        return Err(QueryError {
            query: query.to_string(),
            column,
            message: format!("unknown field `{field}`"),
            hint: Some(hint),
        });
    }
    if value.is_empty() {
        return Err(QueryError {
            query: query.to_string(),
            column,
            message: format!("`{field}:` needs a value"),
            hint: Some(format!("write `{field}:word` or `{field}:\"two words\"`")),
        });
    }
    Ok(())
}

/// How much an expanded term weighs against the words the user typed.
pub const EXPANSION_BOOST: f32 = 0.6;
/// How much a typo-tolerant match weighs against an exact one.
pub const FUZZY_BOOST: f32 = 0.4;
/// How much a match in the agenda item's title weighs against one in the text.
pub const TOPIC_BOOST: f32 = 1.5;
/// How much the query's words side by side, in the order typed, add to a
/// passage that holds them. (A second clause for words within three of
/// each other, at 0.2, was tried: the judged sets scored no better, 0.939
/// against 0.940 and 0.971 against 0.974, and each query read positions
/// twice.)
pub const ADJACENT_BOOST: f32 = 0.5;
/// Words shorter than this are never matched with typos.
pub const FUZZY_MIN_CHARS: usize = 5;

/// How to read a query.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueryOptions<'a> {
    /// The glossary to expand terms with; `None` expands nothing.
    pub glossary: Option<&'a Glossary>,
    /// Match passages with any of the words, not all (compare and timeline).
    pub any_word: bool,
    /// Search the agenda item's title only, not the passage text: what the
    /// title adds to a passage's score (see `search::title_once`).
    pub topic_only: bool,
}

/// A glossary expansion applied to a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expansion {
    /// The query's own words.
    pub term: String,
    /// What they were expanded with.
    pub alternatives: Vec<String>,
}

/// A word of the query found nowhere in the index, matched with typos.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    pub word: String,
    /// The edit distance allowed.
    pub distance: u8,
}

/// A query ready to run, and what was done to the user's words.
pub struct BuiltQuery {
    pub query: Box<dyn Query>,
    pub expansions: Vec<Expansion>,
    pub corrections: Vec<Correction>,
    /// What was searched, when the query as typed had to be read leniently.
    pub searched_as: Option<String>,
}

/// True when the query, as it will be read, excludes something (`-word`,
/// `NOT word`): an expert's query, whose other words all count.
pub fn excludes(query: &str) -> bool {
    fn walk(ast: &UserInputAst) -> bool {
        match ast {
            UserInputAst::Clause(children) => children
                .iter()
                .any(|(occur, child)| *occur == Some(Occur::MustNot) || walk(child)),
            UserInputAst::Boost(inner, _) => walk(inner),
            UserInputAst::Leaf(_) => false,
        }
    }
    let Ok(prepared) = prepare(query) else {
        return true;
    };
    query_grammar::parse_query(&prepared.text).map_or(true, |ast| walk(&ast))
}

/// Builds the tantivy query for a query text and filters.
pub fn build(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    query: &str,
    filters: &Filters,
    options: QueryOptions,
) -> Result<BuiltQuery> {
    let prepared = prepare(query)?;
    let searched_as = prepared.rewritten.then(|| prepared.text.clone());
    match build_text(index, searcher, &prepared.text, filters, options) {
        Ok(mut built) => {
            built.searched_as = searched_as;
            Ok(built)
        }
        // What tantivy refuses in typed text (a phrase of no words, say)
        // leaves the text's words to search.
        Err(Error::Query(_)) if !is_expert(query) => {
            let words = words_of(query);
            let mut built = match build_text(index, searcher, &words, filters, options) {
                Err(Error::Query(_)) => build_text(index, searcher, "", filters, options)?,
                built => built?,
            };
            built.searched_as = Some(words);
            Ok(built)
        }
        Err(error) => Err(error),
    }
}

/// Builds the query for a text [`prepare`] has read.
fn build_text(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    query: &str,
    filters: &Filters,
    options: QueryOptions,
) -> Result<BuiltQuery> {
    if query.is_empty() {
        return Ok(BuiltQuery {
            query: Box::new(EmptyQuery),
            expansions: Vec::new(),
            corrections: Vec::new(),
            searched_as: None,
        });
    }
    let fields = index.fields;
    let searched: Vec<Field> = if options.topic_only {
        vec![fields.topic]
    } else {
        vec![fields.body, fields.topic]
    };
    let mut parser = QueryParser::for_index(&index.index, searched.clone());
    if !options.any_word {
        parser.set_conjunction_by_default();
    }
    parser.set_field_boost(fields.topic, TOPIC_BOOST);
    let tantivy_error = |message: String| QueryError {
        query: query.to_string(),
        column: 1,
        message,
        hint: None,
    };
    let ast = query_grammar::parse_query(query)
        .map_err(|_| tantivy_error("the query does not parse".into()))?;
    let mut analyzer = index.index.tokenizer_for_field(fields.body)?;
    // Proximity only ranks passages with every word: compare and timeline
    // (any word) rank many more passages, each of whose positions it would
    // read.
    let close_together = if options.any_word {
        None
    } else {
        proximity(&ast, &mut analyzer, fields.body)
    };
    let longest_term = options
        .glossary
        .map_or(0, |glossary| glossary.longest_term(&mut analyzer));
    let mut expander = Expander {
        index,
        searcher,
        parser: &parser,
        analyzer,
        glossary: options.glossary,
        longest_term,
        searched,
        default_occur: if options.any_word {
            Occur::Should
        } else {
            Occur::Must
        },
        expansions: Vec::new(),
        corrections: Vec::new(),
    };
    let parsed = expander.convert(ast).map_err(|error| match error {
        Error::Search(error) => Error::Query(tantivy_error(error.to_string())),
        other => other,
    })?;
    let expansions = std::mem::take(&mut expander.expansions);
    let corrections = std::mem::take(&mut expander.corrections);

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, parsed)];
    clauses.extend(close_together.map(|query| (Occur::Should, query)));
    clauses.extend(filter_clauses(index, searcher, filters)?);
    let query: Box<dyn Query> = if clauses.len() == 1 {
        clauses.remove(0).1
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Ok(BuiltQuery {
        query,
        expansions,
        corrections,
        searched_as: None,
    })
}

/// The query's plain words side by side, in the order typed, as an
/// optional clause that lifts the passages where they are ("missing
/// children" above "children reported missing"). None for a query of fewer
/// than two plain words: a field, a phrase, a prefix or an exclusion is not
/// a plain word.
fn proximity(
    ast: &UserInputAst,
    analyzer: &mut TextAnalyzer,
    field: Field,
) -> Option<Box<dyn Query>> {
    let UserInputAst::Clause(children) = ast else {
        return None;
    };
    let mut terms = Vec::new();
    for (occur, child) in children {
        if *occur == Some(Occur::MustNot) {
            continue;
        }
        let UserInputAst::Leaf(leaf) = child else {
            continue;
        };
        if let UserInputLeaf::Literal(literal) = leaf.as_ref() {
            if literal.field_name.is_none()
                && literal.delimiter == Delimiter::None
                && !literal.prefix
            {
                terms.extend(
                    glossary::analyse(analyzer, &literal.phrase)
                        .into_iter()
                        .map(|word| Term::from_field_text(field, &word)),
                );
            }
        }
    }
    if terms.len() < 2 {
        return None;
    }
    let adjacent = PhraseQuery::new(terms);
    Some(Box::new(BoostQuery::new(
        Box::new(adjacent),
        ADJACENT_BOOST,
    )))
}

/// The filters as clauses every match must satisfy.
fn filter_clauses(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    filters: &Filters,
) -> Result<Vec<(Occur, Box<dyn Query>)>> {
    let fields = index.fields;
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !filters.councils.is_empty() {
        let any_council: Vec<(Occur, Box<dyn Query>)> = filters
            .councils
            .iter()
            .map(|council| {
                let term = Term::from_field_text(fields.council, &council.trim().to_lowercase());
                (
                    Occur::Should,
                    Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                )
            })
            .collect();
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_council))));
    }
    if let Some(committee) = &filters.committee {
        clauses.push((
            Occur::Must,
            whole_committees(
                index,
                searcher,
                &*words_query(index, fields.committee, "committee", committee)?,
            )?,
        ));
    }
    if let Some(officer) = &filters.officer {
        clauses.push((
            Occur::Must,
            words_query(index, fields.officer, "officer", officer)?,
        ));
    }
    if let Some(group) = &filters.group {
        clauses.push((Occur::Must, group_query(index, group)));
    }
    if filters.resolutions {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(fields.resolution, 1),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if filters.from.is_some() || filters.to.is_some() {
        filters.check()?;
        clauses.push((
            Occur::Must,
            date_range(fields.date, filters.from, filters.to),
        ));
    }
    Ok(clauses)
}

/// Meetings from `from` to `to`, both included; undated records never
/// match. Every stored date lies in [`FIRST_MEETING`]..=[`LAST_MEETING`], so
/// the range is cut to that span and always has both bounds: a date asked
/// for beyond it (`--to 9999-12-31`) means "to the last", and a range wholly
/// outside it matches nothing.
fn date_range(field: Field, from: Option<Date>, to: Option<Date>) -> Box<dyn Query> {
    let from = from.unwrap_or(FIRST_MEETING).max(FIRST_MEETING);
    let to = to.unwrap_or(LAST_MEETING).min(LAST_MEETING);
    if from > to {
        return Box::new(EmptyQuery);
    }
    let term = |date: Date| Term::from_field_date_for_search(field, document::tantivy_date(date));
    // The day after the last kept date is still far inside what tantivy's
    // dates hold.
    let after = to.tomorrow().unwrap_or(to);
    Box::new(RangeQuery::new(
        Bound::Included(term(from)),
        Bound::Excluded(term(after)),
    ))
}

/// Turns the parsed query into tantivy queries: leaves are built by
/// tantivy's own parser; around them we add glossary alternatives, typo
/// tolerance for words the index does not hold, and "all passages" for
/// groups that only exclude.
struct Expander<'a> {
    index: &'a ScrutinyIndex,
    searcher: &'a Searcher,
    parser: &'a QueryParser,
    analyzer: TextAnalyzer,
    glossary: Option<&'a Glossary>,
    longest_term: usize,
    /// The fields a word without a field is searched in.
    searched: Vec<Field>,
    default_occur: Occur,
    expansions: Vec<Expansion>,
    corrections: Vec<Correction>,
}

impl Expander<'_> {
    fn convert(&mut self, ast: UserInputAst) -> Result<Box<dyn Query>> {
        match ast {
            UserInputAst::Clause(children) => self.clause(children),
            UserInputAst::Boost(inner, boost) => Ok(Box::new(BoostQuery::new(
                self.convert(*inner)?,
                boost.into_inner() as f32,
            ))),
            leaf @ UserInputAst::Leaf(_) => self.clause(vec![(None, leaf)]),
        }
    }

    fn occur(&self, occur: Option<Occur>) -> Occur {
        occur.unwrap_or(self.default_occur)
    }

    fn clause(&mut self, children: Vec<(Option<Occur>, UserInputAst)>) -> Result<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut any_forced = false;
        let mut position = 0;
        while position < children.len() {
            if let Some((length, query)) = self.glossary_run(&children[position..])? {
                clauses.push((self.occur(children[position].0), query));
                position += length;
                continue;
            }
            let (occur, child) = children[position].clone();
            // With any word enough, a field (`council:wiltshire`) or a
            // quoted phrase still must match: the user typed it as one.
            let forced = occur.is_none()
                && self.default_occur == Occur::Should
                && match &child {
                    UserInputAst::Leaf(leaf) => match leaf.as_ref() {
                        UserInputLeaf::Literal(literal) => {
                            literal.field_name.is_some()
                                || literal.delimiter == Delimiter::DoubleQuotes
                        }
                        UserInputLeaf::Range { field, .. } => field.is_some(),
                        _ => false,
                    },
                    _ => false,
                };
            let query = match child {
                UserInputAst::Leaf(leaf) => self.leaf(*leaf)?,
                other => self.convert(other)?,
            };
            let occur = if forced {
                Occur::Must
            } else {
                self.occur(occur)
            };
            any_forced |= forced;
            clauses.push((occur, query));
            position += 1;
        }
        if !clauses.is_empty() && clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
            // tantivy matches nothing for a group that only excludes:
            // `CSE AND NOT sexting` means "CSE, and all passages but sexting".
            clauses.push((Occur::Must, passages_query(&self.index.fields)));
        }
        if clauses.len() == 1 && clauses[0].0 != Occur::MustNot {
            return Ok(clauses.remove(0).1);
        }
        // A field or phrase held as required leaves the words optional:
        // at least one of them must still match.
        if any_forced && clauses.iter().any(|(occur, _)| *occur == Occur::Should) {
            return Ok(Box::new(BooleanQuery::with_minimum_required_clauses(
                clauses, 1,
            )));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// A plain word or phrase of the default fields, not negated.
    fn expandable(child: &(Option<Occur>, UserInputAst)) -> Option<&UserInputLiteral> {
        match child {
            (None | Some(Occur::Must) | Some(Occur::Should), UserInputAst::Leaf(leaf)) => {
                match &**leaf {
                    UserInputLeaf::Literal(literal)
                        if literal.field_name.is_none() && !literal.prefix =>
                    {
                        Some(literal)
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The longest run of plain words at the start of `children` that is a
    /// glossary term, built as "the words, or any of their alternatives".
    fn glossary_run(
        &mut self,
        children: &[(Option<Occur>, UserInputAst)],
    ) -> Result<Option<(usize, Box<dyn Query>)>> {
        let Some(glossary) = self.glossary else {
            return Ok(None);
        };
        let mut literals = Vec::new();
        for child in children.iter().take(self.longest_term.max(1)) {
            match Self::expandable(child) {
                Some(literal) if literals.is_empty() || child.0 == children[0].0 => {
                    literals.push(literal.clone())
                }
                _ => break,
            }
        }
        for length in (1..=literals.len()).rev() {
            let mut words = Vec::new();
            for literal in &literals[..length] {
                words.extend(glossary::analyse(&mut self.analyzer, &literal.phrase));
            }
            if words.is_empty() {
                continue;
            }
            let typed: Vec<&str> = literals[..length]
                .iter()
                .map(|literal| literal.phrase.as_str())
                .collect();
            let typed = typed.join(" ");
            let alternatives = glossary.alternatives(&mut self.analyzer, &words, &typed);
            if alternatives.is_empty() {
                continue;
            }
            let mut originals: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for literal in &literals[..length] {
                // No typo tolerance inside a glossary term: its alternatives
                // already say what it means.
                let query = if glossary.is_capitals_only(&literal.phrase) {
                    self.as_written(&literal.phrase)
                } else {
                    self.tantivy_leaf(UserInputLeaf::Literal(literal.clone()))?
                };
                originals.push((Occur::Must, query));
            }
            let original: Box<dyn Query> = if originals.len() == 1 {
                originals.remove(0).1
            } else {
                Box::new(BooleanQuery::new(originals))
            };
            let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, original)];
            for alternative in &alternatives {
                if glossary.is_capitals_only(alternative) {
                    any.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            self.as_written(alternative),
                            EXPANSION_BOOST,
                        )),
                    ));
                    continue;
                }
                let phrase = UserInputLiteral {
                    field_name: None,
                    phrase: alternative.clone(),
                    delimiter: Delimiter::DoubleQuotes,
                    slop: 0,
                    prefix: false,
                };
                let query = self.tantivy_leaf(UserInputLeaf::Literal(phrase))?;
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(query, EXPANSION_BOOST)),
                ));
            }
            self.expansions.push(Expansion {
                term: typed,
                alternatives,
            });
            return Ok(Some((length, Box::new(BooleanQuery::new(any)))));
        }
        Ok(None)
    }

    /// An acronym matched only where it is written in capitals. The
    /// acronym field holds a passage's own acronyms (and its item title's
    /// on the item's first passage only): a title-only query has none.
    fn as_written(&self, acronym: &str) -> Box<dyn Query> {
        if !self.searched.contains(&self.index.fields.body) {
            return Box::new(EmptyQuery);
        }
        Box::new(TermQuery::new(
            Term::from_field_text(self.index.fields.acronym, acronym),
            IndexRecordOption::WithFreqs,
        ))
    }

    /// One leaf: tantivy builds it; a single word that the index holds
    /// nowhere is also matched with typos, ranked below exact matches.
    fn leaf(&mut self, leaf: UserInputLeaf) -> Result<Box<dyn Query>> {
        let word = match &leaf {
            UserInputLeaf::Literal(literal)
                if literal.field_name.is_none()
                    && literal.delimiter == Delimiter::None
                    && !literal.prefix
                    && literal.phrase.chars().count() >= FUZZY_MIN_CHARS =>
            {
                Some(literal.phrase.clone())
            }
            _ => None,
        };
        let exact = self.tantivy_leaf(leaf)?;
        let Some(word) = word else {
            return Ok(exact);
        };
        let analysed = glossary::analyse(&mut self.analyzer, &word);
        if analysed.len() != 1 {
            return Ok(exact);
        }
        let fields = self.index.fields;
        let mut known = false;
        for field in [fields.body, fields.topic] {
            if self
                .searcher
                .doc_freq(&Term::from_field_text(field, &analysed[0]))?
                > 0
            {
                known = true;
            }
        }
        if known {
            return Ok(exact);
        }
        let distance: u8 = if word.chars().count() >= 8 { 2 } else { 1 };
        let neighbours = self.known_neighbours(&word)?;
        self.corrections.push(Correction { word, distance });
        let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, exact)];
        for &field in &self.searched {
            let fuzzy =
                FuzzyTermQuery::new(Term::from_field_text(field, &analysed[0]), distance, true);
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(fuzzy), FUZZY_BOOST)),
            ));
        }
        // The index holds stems, and a typo the stemmer cannot reduce
        // ("exploitaton") is far from its word's stem ("exploit"): the
        // word's single-edit neighbours that the index knows, stemmed,
        // are matched too.
        for stem in neighbours {
            for &field in &self.searched {
                let term = TermQuery::new(
                    Term::from_field_text(field, &stem),
                    IndexRecordOption::WithFreqs,
                );
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(term), FUZZY_BOOST)),
                ));
            }
        }
        Ok(Box::new(BooleanQuery::new(any)))
    }

    /// The stems of `word`'s single-edit variants (a letter dropped,
    /// added, changed or two swapped) that some passage holds.
    fn known_neighbours(&mut self, word: &str) -> Result<Vec<String>> {
        let letters: Vec<char> = word.to_lowercase().chars().collect();
        if letters.len() > 30 || !letters.iter().all(char::is_ascii_alphabetic) {
            return Ok(Vec::new());
        }
        let mut variants: Vec<String> = Vec::new();
        let text = |chars: &[char]| chars.iter().collect::<String>();
        for at in 0..=letters.len() {
            for letter in 'a'..='z' {
                let mut added = letters.clone();
                added.insert(at, letter);
                variants.push(text(&added));
                if at < letters.len() {
                    let mut changed = letters.clone();
                    changed[at] = letter;
                    variants.push(text(&changed));
                }
            }
            if at < letters.len() {
                let mut dropped = letters.clone();
                dropped.remove(at);
                variants.push(text(&dropped));
            }
            if at + 1 < letters.len() {
                let mut swapped = letters.clone();
                swapped.swap(at, at + 1);
                variants.push(text(&swapped));
            }
        }
        let fields = self.index.fields;
        let mut stems: Vec<String> = Vec::new();
        for variant in variants {
            let analysed = glossary::analyse(&mut self.analyzer, &variant);
            let [stem] = analysed.as_slice() else {
                continue;
            };
            if stems.contains(stem) || stem.chars().count() < FUZZY_MIN_CHARS {
                continue;
            }
            for field in [fields.body, fields.topic] {
                if self
                    .searcher
                    .doc_freq(&Term::from_field_text(field, stem))?
                    > 0
                {
                    stems.push(stem.clone());
                    break;
                }
            }
        }
        Ok(stems)
    }

    fn tantivy_leaf(&self, leaf: UserInputLeaf) -> Result<Box<dyn Query>> {
        if matches!(leaf, UserInputLeaf::All) {
            return Ok(passages_query(&self.index.fields));
        }
        let field = leaf_field(&leaf).map(str::to_string);
        let query = self
            .parser
            .build_query_from_user_input_ast(UserInputAst::Leaf(Box::new(leaf)))
            .map_err(|error| {
                Error::Search(tantivy::TantivyError::InvalidArgument(error.to_string()))
            })?;
        match field.as_deref() {
            Some("committee") => whole_committees(self.index, self.searcher, &*query),
            Some("member") => whole_records(self.index, self.searcher, &*query),
            _ => Ok(query),
        }
    }
}

/// The distinct values a string column holds for the documents matching
/// `query`: each document's first value, named once per segment.
fn distinct_values(
    searcher: &Searcher,
    query: &dyn Query,
    column: &str,
) -> Result<std::collections::BTreeSet<String>> {
    let found = searcher.search(query, &tantivy::collector::DocSetCollector)?;
    let mut values = std::collections::BTreeSet::new();
    for (segment_ord, doc_ids) in crate::index::columns::by_segment(found) {
        let Some(strings) = searcher
            .segment_reader(segment_ord)
            .fast_fields()
            .str(column)?
        else {
            continue;
        };
        let ords: std::collections::BTreeSet<u64> = doc_ids
            .into_iter()
            .filter_map(|doc_id| strings.term_ords(doc_id).next())
            .collect();
        for ord in ords {
            let mut value = String::new();
            if strings.ord_to_str(ord, &mut value).unwrap_or(false) {
                values.insert(value);
            }
        }
    }
    Ok(values)
}

/// Every passage of the records that have a passage matching `query`:
/// how a `member:` search reaches the whole record, the members being
/// indexed on its first passage only. Each passage scores 1, as a filter
/// does.
fn whole_records(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    query: &dyn Query,
) -> Result<Box<dyn Query>> {
    let fields = &index.fields;
    let keys = distinct_values(searcher, query, "path")?;
    let records = TermSetQuery::new(
        keys.iter()
            .map(|key| Term::from_field_text(fields.path, key)),
    );
    // The path is on each record's manifest entry too: passages only.
    Ok(Box::new(ConstScoreQuery::new(
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(records) as Box<dyn Query>),
            (Occur::Must, passages_query(fields)),
        ])),
        1.0,
    )))
}

/// Every passage of the records whose committee's name matches `query`
/// (run on the committee's words, which are indexed on each record's first
/// passage only): the names found, as whole values of the committee
/// column. A handful of names rather than thousands of records.
fn whole_committees(
    index: &ScrutinyIndex,
    searcher: &Searcher,
    query: &dyn Query,
) -> Result<Box<dyn Query>> {
    let fields = &index.fields;
    let names = distinct_values(searcher, query, "committee_key")?;
    // The column holds each name as written; the index, as the committee
    // key's analyser made it.
    let mut analyzer = index.index.tokenizer_for_field(fields.committee_key)?;
    let terms: Vec<Term> = names
        .iter()
        .filter_map(|name| {
            let mut stream = analyzer.token_stream(name);
            stream
                .advance()
                .then(|| Term::from_field_text(fields.committee_key, &stream.token().text))
        })
        .collect();
    Ok(Box::new(ConstScoreQuery::new(
        Box::new(TermSetQuery::new(terms)),
        1.0,
    )))
}

/// The field a leaf names, if any.
fn leaf_field(leaf: &UserInputLeaf) -> Option<&str> {
    match leaf {
        UserInputLeaf::Literal(literal) => literal.field_name.as_deref(),
        UserInputLeaf::Range { field, .. }
        | UserInputLeaf::Set { field, .. }
        | UserInputLeaf::Regex { field, .. } => field.as_deref(),
        UserInputLeaf::Exists { field } => Some(field.as_str()),
        UserInputLeaf::All => None,
    }
}

/// Every passage, each scoring 1 as tantivy's `AllQuery` does: what "all"
/// means wherever a query needs it (a group that only excludes, `*`, a
/// group with no value). Manifest documents are never among them, and
/// since every other query names a field only passages have, the whole
/// query needs no separate "passages only" clause that every match would
/// have to be intersected with.
pub(crate) fn passages_query(fields: &schema::Fields) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(
        Box::new(TermQuery::new(
            Term::from_field_text(fields.doc_type, schema::PASSAGE),
            IndexRecordOption::Basic,
        )),
        1.0,
    ))
}

/// The query for one group of a comparison. It scores nothing: a passage
/// scores within its group as it does in the whole search, which is what
/// lets compare rank every group's passages in one pass (`compare.rs`).
fn group_query(index: &ScrutinyIndex, group: &GroupFilter) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(group_members(index, group), 0.0))
}

fn group_members(index: &ScrutinyIndex, group: &GroupFilter) -> Box<dyn Query> {
    let fields = index.fields;
    let (name, term) = match group {
        GroupFilter::Council(council) => (
            "council",
            council
                .as_ref()
                .map(|council| Term::from_field_text(fields.council, &council.to_lowercase())),
        ),
        GroupFilter::Committee(committee) => (
            "committee_key",
            committee.as_ref().map(|committee| {
                Term::from_field_text(fields.committee_key, &committee.to_lowercase())
            }),
        ),
        GroupFilter::Year(year) => (
            "year",
            year.map(|year| Term::from_field_u64(fields.year, year)),
        ),
    };
    match term {
        Some(term) => Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        None => Box::new(BooleanQuery::new(vec![
            (Occur::Must, passages_query(&fields)),
            (
                Occur::MustNot,
                Box::new(ExistsQuery::new(name.to_string(), false)),
            ),
        ])),
    }
}

/// All the words of `text`, in order, in `field`: a term or a phrase.
fn words_query(
    index: &ScrutinyIndex,
    field: Field,
    what: &'static str,
    text: &str,
) -> Result<Box<dyn Query>> {
    let mut analyzer = index.index.tokenizer_for_field(field)?;
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(Term::from_field_text(field, &stream.token().text));
    }
    match terms.len() {
        0 => Err(Error::InvalidArgument {
            what,
            value: text.to_string(),
            reason: "it has no words to search for".into(),
        }),
        1 => Ok(Box::new(TermQuery::new(
            terms.remove(0),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Ok(Box::new(PhraseQuery::new(terms))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(query: &str) -> (usize, String) {
        let error = validate(query).unwrap_err();
        (error.column, error.message)
    }

    #[test]
    fn well_formed_queries_pass() {
        for query in [
            "sexting",
            "\"driving licence\"",
            "CSE AND NOT sexting",
            "(taxi OR \"private hire\") AND council:worcestershire",
            "officer:\"blair keltie\"",
            "-sexting CSE",
            "\"10:30\"",
        ] {
            assert_eq!(validate(query), Ok(()), "{query}");
        }
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(error_of("\"driving licence").0, 1);
        assert_eq!(error_of("taxi (licence").0, 6);
        assert_eq!(error_of("taxi)").0, 5);
        assert_eq!(error_of("taxi AND").0, 6);
        assert_eq!(error_of("OR taxi").0, 1);
        assert_eq!(error_of("taxi NOT").0, 6);
        assert_eq!(error_of("   ").0, 1);
        assert_eq!(error_of("at 10:30").0, 4);
        assert_eq!(
            error_of("sexting <script>"),
            (9, "\"<\" is a comparison without a field".to_string())
        );
        assert_eq!(validate("\"<script>\" OR sexting"), Ok(()));
    }

    #[test]
    fn typed_text_is_read_as_its_words() {
        let read = |query: &str| prepare(query).unwrap().text;
        for (typed, searched) in [
            ("Chelsea's Choice", "Chelsea’s Choice"),
            ("O'Brien", "O’Brien"),
            ("'taxi licensing'", "taxi licensing"),
            ("councils' duty", "councils duty"),
            ("Item 3: CSE", "Item 3 CSE"),
            ("taxi-driver checks", "taxi driver checks"),
            ("and/or S&P", "and or S P"),
            ("taxi AND", "taxi"),
            ("OR taxi", "taxi"),
            ("taxi NOT", "taxi"),
            ("taxi (licence", "taxi licence"),
            ("taxi) licence", "taxi licence"),
            ("\"driving licence", "driving licence"),
            ("sexting <script>", "sexting script"),
            ("!!!", ""),
            ("- taxi +", "taxi"),
        ] {
            assert_eq!(read(typed), searched, "{typed}");
            assert!(prepare(typed).unwrap().rewritten, "{typed}");
        }
        // What the language means is kept as it is.
        for query in [
            "CSE AND NOT sexting",
            "(taxi OR \"private hire\") AND council:worcestershire",
            "-sexting CSE",
            "year:>2016 CSE",
            "taxi*",
            "*",
            "children’s services",
        ] {
            assert_eq!(
                prepare(query).unwrap(),
                Prepared {
                    text: query.into(),
                    rewritten: false
                }
            );
        }
    }

    #[test]
    fn an_experts_unmistakable_mistake_is_still_an_error() {
        let error = |query: &str| prepare(query).unwrap_err().message;
        assert_eq!(error("cuncil:kent"), "unknown field `cuncil`");
        assert_eq!(error("\"taxi AND licensing"), "this quote is never closed");
        assert_eq!(
            error("taxi AND OR licence"),
            "AND needs a term on each side"
        );
        assert_eq!(error("NOT NOT taxi"), "NOT NOT cancels itself");
        assert_eq!(error("   "), "the query is empty");
    }

    #[test]
    fn unknown_fields_get_the_nearest_name() {
        let error = validate("sexting councl:wiltshire").unwrap_err();
        assert_eq!(error.column, 9);
        assert_eq!(error.message, "unknown field `councl`");
        assert!(error.hint.unwrap().starts_with("did you mean `council:`"));
    }
}
