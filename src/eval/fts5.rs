//! The baseline a search engine over these records has to beat: SQLite's
//! FTS5 (what a Datasette user gets) over the same passages, with porter
//! stemming, bm25 ranking and the query's words joined by OR.

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::search::Hit;

/// An in-memory FTS5 table of every passage.
pub struct Fts5 {
    connection: Connection,
}

fn failed(error: rusqlite::Error) -> Error {
    Error::InvalidArgument {
        what: "FTS5 baseline",
        value: "sqlite".into(),
        reason: error.to_string(),
    }
}

impl Fts5 {
    /// Loads `passages` (their text and item title, with record, council
    /// and date alongside).
    pub fn build(passages: &[Hit]) -> Result<Fts5> {
        let mut connection = Connection::open_in_memory().map_err(failed)?;
        connection
            .execute_batch(
                "CREATE VIRTUAL TABLE passages USING fts5(
                    body, topic, key UNINDEXED, council UNINDEXED, date UNINDEXED,
                    tokenize = 'porter unicode61'
                );",
            )
            .map_err(failed)?;
        let transaction = connection.transaction().map_err(failed)?;
        {
            let mut insert = transaction
                .prepare(
                    "INSERT INTO passages (body, topic, key, council, date) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(failed)?;
            for passage in passages {
                insert
                    .execute((
                        &passage.text,
                        passage.topic.as_deref().unwrap_or_default(),
                        &passage.source.key,
                        passage
                            .council
                            .as_deref()
                            .unwrap_or_default()
                            .to_lowercase(),
                        passage.date.as_deref().unwrap_or_default(),
                    ))
                    .map_err(failed)?;
            }
        }
        transaction.commit().map_err(failed)?;
        Ok(Fts5 { connection })
    }

    /// The record keys of the best `limit` passages for `text`'s words,
    /// best first, with the same filters scrutiny applies (an undated
    /// passage is left out by a date filter).
    pub fn search(
        &self,
        text: &str,
        council: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        limit: usize,
    ) -> Result<Vec<String>> {
        let words: Vec<String> = text
            .split(|character: char| !character.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(|word| format!("\"{}\"", word.to_lowercase()))
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut statement = self
            .connection
            .prepare(
                "SELECT key FROM passages
                 WHERE passages MATCH ?1
                   AND (?2 IS NULL OR council = ?2)
                   AND (?3 IS NULL OR (date <> '' AND date >= ?3))
                   AND (?4 IS NULL OR (date <> '' AND date <= ?4))
                 ORDER BY bm25(passages)
                 LIMIT ?5",
            )
            .map_err(failed)?;
        let keys = statement
            .query_map(
                (
                    words.join(" OR "),
                    council.map(str::to_lowercase),
                    from,
                    to,
                    i64::try_from(limit).unwrap_or(i64::MAX),
                ),
                |row| row.get::<_, String>(0),
            )
            .map_err(failed)?
            .collect::<std::result::Result<Vec<String>, _>>()
            .map_err(failed)?;
        Ok(keys)
    }
}
