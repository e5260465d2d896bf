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
struct Group {
    terms: Vec<String>,
}

/// Groups of terms that mean the same thing.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    groups: Vec<Vec<String>>,
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
        glossary
            .groups
            .extend(Glossary::parse(&text, &display)?.groups);
        Ok(glossary)
    }

    fn parse(text: &str, path: &str) -> Result<Glossary, GlossaryError> {
        let file: GlossaryFile = toml::from_str(text).map_err(|error| GlossaryError::Invalid {
            path: path.to_string(),
            message: error.message().to_string(),
        })?;
        let mut groups = Vec::new();
        for group in file.group {
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

    /// The terms that mean the same as `words` (already analysed), other than
    /// itself, in glossary order.
    pub fn alternatives(&self, analyzer: &mut TextAnalyzer, words: &[String]) -> Vec<String> {
        let mut alternatives: Vec<String> = Vec::new();
        for group in &self.groups {
            let analysed: Vec<Vec<String>> =
                group.iter().map(|term| analyse(analyzer, term)).collect();
            if !analysed.iter().any(|term| term.as_slice() == words) {
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
    fn the_builtin_glossary_parses() {
        assert!(Glossary::builtin().len() >= 20);
    }

    #[test]
    fn groups_need_two_terms() {
        let error = Glossary::parse("[[group]]\nterms = [\"alone\"]\n", "g.toml").unwrap_err();
        assert!(error.to_string().contains("needs two terms"), "{error}");
    }
}
