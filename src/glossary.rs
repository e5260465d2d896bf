//! The domain glossary: acronyms and synonyms of safeguarding records
//! (CSE ↔ child sexual exploitation, sexting ↔ youth produced sexual
//! imagery, taxi ↔ hackney carriage ↔ private hire), applied at query time
//! in both directions.
//!
//! Expansion happens at query time only: multi-word synonyms added at index
//! time would break phrase positions. Terms are compared as analysed words
//! (lower case, stemmed), so `taxis` matches the entry `taxi`.

use std::path::Path;

use serde::Deserialize;
use tantivy::tokenizer::TextAnalyzer;

/// The glossary shipped with scrutiny (`data/glossary.toml`).
const DEFAULT: &str = include_str!("../data/glossary.toml");

#[derive(Debug, Deserialize)]
struct GlossaryFile {
    #[serde(default)]
    group: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    terms: Vec<String>,
    /// Terms of the group matched only as written, in capitals.
    #[serde(default)]
    capitals_only: Vec<String>,
}

/// Groups of terms that mean the same thing.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    groups: Vec<Vec<String>>,
    /// Acronyms that are also everyday words ("SEND"): matched only as
    /// written, in capitals.
    capitals_only: Vec<String>,
    /// [`Glossary::longest_term`], worked out at its first use: every query
    /// asks for it.
    longest: std::sync::OnceLock<usize>,
}

/// Why a glossary file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum GlossaryError {
    #[error("cannot read glossary {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("glossary {path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

impl Glossary {
    /// The glossary shipped with scrutiny.
    pub fn builtin() -> Glossary {
        Glossary::parse(DEFAULT, "data/glossary.toml").expect("the built-in glossary parses")
    }

    /// The built-in glossary with the groups of a user's file added.
    pub fn with_file(path: &Path) -> Result<Glossary, GlossaryError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| GlossaryError::Read {
            path: display.clone(),
            source,
        })?;
        let mut glossary = Glossary::builtin();
        let theirs = Glossary::parse(&text, &display)?;
        glossary.groups.extend(theirs.groups);
        glossary.capitals_only.extend(theirs.capitals_only);
        Ok(glossary)
    }

    fn parse(text: &str, path: &str) -> Result<Glossary, GlossaryError> {
        let file: GlossaryFile = toml::from_str(text).map_err(|error| GlossaryError::Invalid {
            path: path.to_string(),
            message: error.message().to_string(),
        })?;
        let mut groups = Vec::new();
        let mut capitals_only = Vec::new();
        for group in file.group {
            for term in &group.capitals_only {
                let term = term.trim();
                if !group.terms.iter().any(|listed| listed.trim() == term)
                    || term.chars().any(char::is_lowercase)
                    || !term.chars().all(char::is_alphanumeric)
                {
                    return Err(GlossaryError::Invalid {
                        path: path.to_string(),
                        message: format!(
                            "capitals_only lists {term:?}, which should be one of the group's \
                             terms, one word in capitals"
                        ),
                    });
                }
                capitals_only.push(term.to_string());
            }
            let terms: Vec<String> = group
                .terms
                .into_iter()
                .map(|term| term.trim().to_string())
                .filter(|term| !term.is_empty())
                .collect();
            if terms.len() < 2 {
                return Err(GlossaryError::Invalid {
                    path: path.to_string(),
                    message: format!("a group needs two terms or more, found {terms:?}"),
                });
            }
            groups.push(terms);
        }
        Ok(Glossary {
            groups,
            capitals_only,
            longest: std::sync::OnceLock::new(),
        })
    }

    /// The number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// True when the glossary has no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// True for an acronym matched only as written, in capitals.
    pub fn is_capitals_only(&self, term: &str) -> bool {
        self.capitals_only.iter().any(|known| known == term)
    }

    /// The terms that mean the same as `words` (already analysed; `typed`
    /// is how the query wrote them), other than itself, in glossary order.
    /// A capitals-only term stands for its group only as typed in
    /// capitals: "send" is a verb.
    pub fn alternatives(
        &self,
        analyzer: &mut TextAnalyzer,
        words: &[String],
        typed: &str,
    ) -> Vec<String> {
        let mut alternatives: Vec<String> = Vec::new();
        for group in &self.groups {
            let analysed: Vec<Vec<String>> =
                group.iter().map(|term| analyse(analyzer, term)).collect();
            if !group.iter().zip(&analysed).any(|(term, term_words)| {
                term_words.as_slice() == words
                    && (!self.is_capitals_only(term) || typed.trim() == term)
            }) {
                continue;
            }
            for (term, term_words) in group.iter().zip(&analysed) {
                if term_words.as_slice() != words && !alternatives.contains(term) {
                    alternatives.push(term.clone());
                }
            }
        }
        alternatives
    }

    /// The longest number of words in any term, to bound the search for
    /// multi-word terms in a query.
    pub fn longest_term(&self, analyzer: &mut TextAnalyzer) -> usize {
        *self.longest.get_or_init(|| {
            self.groups
                .iter()
                .flatten()
                .map(|term| analyse(analyzer, term).len())
                .max()
                .unwrap_or(0)
        })
    }
}

/// The words of `text` as the index sees them.
pub fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitals_only_names_a_term_of_its_group_in_capitals() {
        let good = "[[group]]\nterms = [\"SEND\", \"special needs\"]\ncapitals_only = [\"SEND\"]\n";
        let glossary = Glossary::parse(good, "g.toml").unwrap();
        assert!(glossary.is_capitals_only("SEND"));
        assert!(!glossary.is_capitals_only("send"));
        for bad in ["MASH", "Send"] {
            let text = format!(
                "[[group]]\nterms = [\"SEND\", \"Send\", \"x y\"]\ncapitals_only = [\"{bad}\"]\n"
            );
            let error = Glossary::parse(&text, "g.toml").unwrap_err().to_string();
            assert!(
                error.contains("capitals_only") && error.contains("g.toml"),
                "{error}"
            );
        }
    }

    #[test]
    fn the_builtin_glossary_parses() {
        assert!(Glossary::builtin().len() >= 20);
    }

    #[test]
    fn groups_need_two_terms() {
        let error = Glossary::parse("[[group]]\nterms = [\"alone\"]\n", "g.toml").unwrap_err();
        assert!(error.to_string().contains("needs two terms"), "{error}");
    }
}
