//! Query text → a tantivy query with filters.
//!
//! The language is tantivy's: words, `"phrases"`, `AND`/`OR`/`NOT`, `+`/`-`,
//! parentheses and `field:value`. Before tantivy parses it we check what
//! people get wrong (an unclosed quote or bracket, an unknown field, an
//! operator with nothing beside it) so the error can point at the column and
//! suggest a fix; tantivy's own parser then builds the query.

use std::ops::Bound;

use jiff::civil::Date;
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::query_grammar::{self, UserInputAst, UserInputLeaf};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::error::{Error, QueryError, Result};
use crate::index::{document, schema, ScrutinyIndex};

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

/// Restrictions on top of the query text.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Any of these councils (case does not matter).
    pub councils: Vec<String>,
    pub committee: Option<String>,
    pub officer: Option<String>,
    /// First meeting date included.
    pub from: Option<Date>,
    /// Last meeting date included.
    pub to: Option<Date>,
}

/// Parses a `YYYY-MM-DD` date given on the command line or in a URL.
pub fn parse_date(what: &'static str, value: &str) -> Result<Date> {
    value
        .parse::<Date>()
        .map_err(|error| Error::InvalidArgument {
            what,
            value: value.to_string(),
            reason: format!("expected a date as YYYY-MM-DD ({error})"),
        })
}

/// Checks a query for the mistakes people make, pointing at the column.
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
            }
            _ => check_field(query, *column, word)?,
        }
    }
    Ok(())
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

/// Builds the tantivy query for a query text and filters.
pub fn build(index: &ScrutinyIndex, query: &str, filters: &Filters) -> Result<Box<dyn Query>> {
    validate(query)?;
    let fields = index.fields;
    let mut parser = QueryParser::for_index(&index.index, vec![fields.body, fields.topic]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(fields.topic, 0.5);
    let tantivy_error = |message: String| QueryError {
        query: query.to_string(),
        column: 1,
        message,
        hint: None,
    };
    let ast = query_grammar::parse_query(query)
        .map_err(|_| tantivy_error("the query does not parse".into()))?;
    let parsed = parser
        .build_query_from_user_input_ast(complete_negations(ast))
        .map_err(|error| tantivy_error(error.to_string()))?;

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Must, parsed),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(fields.doc_type, schema::PASSAGE),
                IndexRecordOption::Basic,
            )),
        ),
    ];
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
            words_query(index, fields.committee, "committee", committee)?,
        ));
    }
    if let Some(officer) = &filters.officer {
        clauses.push((
            Occur::Must,
            words_query(index, fields.officer, "officer", officer)?,
        ));
    }
    if filters.from.is_some() || filters.to.is_some() {
        if let (Some(from), Some(to)) = (filters.from, filters.to) {
            if from > to {
                return Err(Error::InvalidArgument {
                    what: "date range",
                    value: format!("{from} to {to}"),
                    reason: "the first date is after the last".into(),
                });
            }
        }
        let lower = match filters.from {
            Some(from) => Bound::Included(Term::from_field_date_for_search(
                fields.date,
                document::tantivy_date(from),
            )),
            None => Bound::Unbounded,
        };
        let upper = match filters.to.and_then(|to| to.tomorrow().ok()) {
            Some(after) => Bound::Excluded(Term::from_field_date_for_search(
                fields.date,
                document::tantivy_date(after),
            )),
            None => Bound::Unbounded,
        };
        clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
    }
    Ok(Box::new(BooleanQuery::new(clauses)))
}

/// Gives every purely negative group something to subtract from.
///
/// tantivy matches nothing for a group that only excludes, so `CSE AND NOT
/// sexting` (`+cse +(-sexting)`) and `-sexting` would find nothing. Adding
/// "all passages" to such a group gives the meaning a reader expects.
fn complete_negations(ast: UserInputAst) -> UserInputAst {
    match ast {
        UserInputAst::Clause(children) => {
            let mut children: Vec<(Option<Occur>, UserInputAst)> = children
                .into_iter()
                .map(|(occur, child)| (occur, complete_negations(child)))
                .collect();
            let only_negative = !children.is_empty()
                && children
                    .iter()
                    .all(|(occur, _)| *occur == Some(Occur::MustNot));
            if only_negative {
                children.push((
                    Some(Occur::Must),
                    UserInputAst::Leaf(Box::new(UserInputLeaf::All)),
                ));
            }
            UserInputAst::Clause(children)
        }
        UserInputAst::Boost(inner, boost) => {
            UserInputAst::Boost(Box::new(complete_negations(*inner)), boost)
        }
        leaf => leaf,
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
    }

    #[test]
    fn unknown_fields_get_the_nearest_name() {
        let error = validate("sexting councl:wiltshire").unwrap_err();
        assert_eq!(error.column, 9);
        assert_eq!(error.message, "unknown field `councl`");
        assert!(error.hint.unwrap().starts_with("did you mean `council:`"));
    }
}
