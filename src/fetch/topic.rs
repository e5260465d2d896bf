//! `--topic`: keeps the agenda items whose title or minutes mention the
//! words, in any form the index would match (stems, spelling variants) and
//! through the glossary (`CSE` keeps an item on child sexual exploitation).

use tantivy::tokenizer::TextAnalyzer;

use crate::glossary::{analyse, Glossary};
use crate::index::schema;

pub struct Topic {
    analyzer: TextAnalyzer,
    /// Word sequences any one of which stands for the whole topic.
    whole: Vec<Vec<String>>,
    /// For each word of the topic, the sequences that stand for it.
    words: Vec<Vec<Vec<String>>>,
}

impl Topic {
    pub fn new(topic: &str, glossary: Option<&Glossary>) -> Result<Topic, String> {
        let (built, _) = schema::build();
        let index = tantivy::Index::create_in_ram(built);
        schema::register_tokenizers(&index);
        let mut analyzer = index
            .tokenizers()
            .get(schema::ENGLISH)
            .expect("registered above");
        let analysed = analyse(&mut analyzer, topic);
        if analysed.is_empty() {
            return Err(format!("--topic {topic:?} holds no word to look for"));
        }
        let mut whole = vec![analysed.clone()];
        let mut words = Vec::new();
        if let Some(glossary) = glossary {
            for term in glossary.alternatives(&mut analyzer, &analysed, topic) {
                whole.push(analyse(&mut analyzer, &term));
            }
        }
        for typed in topic.split_whitespace() {
            let word = analyse(&mut analyzer, typed);
            if word.is_empty() {
                continue;
            }
            let mut forms = vec![word.clone()];
            if let Some(glossary) = glossary {
                for term in glossary.alternatives(&mut analyzer, &word, typed) {
                    forms.push(analyse(&mut analyzer, &term));
                }
            }
            words.push(forms);
        }
        whole.retain(|sequence| !sequence.is_empty());
        Ok(Topic {
            analyzer,
            whole,
            words,
        })
    }

    /// True when `text` holds the topic as a whole, or each of its words.
    pub fn matches(&mut self, text: &str) -> bool {
        let tokens = analyse(&mut self.analyzer, text);
        let holds = |sequence: &Vec<String>| {
            tokens
                .windows(sequence.len())
                .any(|window| window == sequence.as_slice())
        };
        self.whole.iter().any(holds)
            || (!self.words.is_empty() && self.words.iter().all(|forms| forms.iter().any(holds)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_word_forms_and_glossary_terms() {
        let glossary = Glossary::builtin();
        let mut topic = Topic::new("sexting", Some(&glossary)).unwrap();
        assert!(topic.matches("Pupils were warned about sexted images."));
        assert!(!topic.matches("Taxi licensing fees for 2017."));
        let mut topic = Topic::new("taxi licensing", Some(&glossary)).unwrap();
        assert!(topic.matches("The licensing of taxis was reviewed."));
        assert!(!topic.matches("Taxi ranks in the town centre."));
        let mut topic = Topic::new("child sexual exploitation", Some(&glossary)).unwrap();
        assert!(topic.matches("An update on CSE from the police."));
        assert!(Topic::new("   ", Some(&glossary)).is_err());
    }
}
