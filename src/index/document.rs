//! Record and passages → tantivy documents.

use jiff::civil::Date;
use tantivy::{DateTime, TantivyDocument};

use super::schema::{self, Fields};
use super::FileStatus;
use crate::extract::Record;
use crate::split::Passage;
use crate::walk::SourceFile;

/// Seconds since the Unix epoch at midnight UTC on `date`.
pub fn date_seconds(date: Date) -> i64 {
    let epoch = Date::constant(1970, 1, 1);
    let days = i64::from(date.since(epoch).map_or(0, |span| span.get_days()));
    days * 86_400
}

/// The date a tantivy date field holds for `date`.
pub fn tantivy_date(date: Date) -> DateTime {
    DateTime::from_timestamp_secs(date_seconds(date))
}

/// The hash at the head of a passage's identifier: of its file's key and
/// its text, so it survives changes to any other file and to other passages
/// of its own.
pub fn passage_hash(key: &str, text: &str) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(key.as_bytes());
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    hasher.digest()
}

/// A passage's stable identifier: its hash in hex, then `-n` for the n-th
/// repeat of the same text in one file.
pub fn passage_id(key: &str, text: &str, occurrence: usize) -> String {
    id_of(passage_hash(key, text), occurrence)
}

fn id_of(hash: u64, occurrence: usize) -> String {
    if occurrence == 0 {
        format!("{hash:016x}")
    } else {
        format!("{hash:016x}-{occurrence}")
    }
}

/// The hash an identifier starts with, if it is one scrutiny could make.
pub fn hash_of_id(id: &str) -> Option<u64> {
    let (hash, occurrence) = match id.split_once('-') {
        Some((hash, occurrence)) => (hash, Some(occurrence)),
        None => (id, None),
    };
    if hash.len() != 16 || occurrence.is_some_and(|n| n.parse::<usize>().is_err()) {
        return None;
    }
    u64::from_str_radix(hash, 16).ok()
}

/// One document per passage, carrying its record's and item's metadata.
pub fn passage_documents(
    fields: &Fields,
    key: &str,
    record: &Record,
    passages: &[Passage],
) -> Vec<TantivyDocument> {
    // What every passage of the record, or of one item, repeats: made once.
    let members: Vec<String> = record
        .members
        .iter()
        .map(|member| member.display())
        .collect();
    let officers: Vec<(Vec<String>, String)> = record
        .items
        .iter()
        .map(|item| {
            (
                item.officers
                    .iter()
                    .map(|officer| officer.display())
                    .collect(),
                serde_json::to_string(&item.officers).unwrap_or_default(),
            )
        })
        .collect();
    let mut seen: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
    let mut committees_indexed: rustc_hash::FxHashSet<&str> = rustc_hash::FxHashSet::default();
    let mut titles_indexed: rustc_hash::FxHashSet<usize> = rustc_hash::FxHashSet::default();
    let first_number = passages.iter().map(|passage| passage.number).min();
    passages
        .iter()
        .map(|passage| {
            let item = &record.items[passage.item];
            let (officer_names, officers_json) = &officers[passage.item];
            let mut document = TantivyDocument::default();
            let occurrence = seen.entry(passage.text.as_str()).or_insert(0);
            document.add_text(fields.doc_type, schema::PASSAGE);
            let hash = passage_hash(key, &passage.text);
            document.add_text(fields.id, id_of(hash, *occurrence));
            document.add_u64(fields.id_hash, hash);
            *occurrence += 1;
            document.add_text(fields.path, key);
            if let Some(council) = &record.council {
                document.add_text(fields.council, council);
            }
            // A record of several meetings: each passage carries its own
            // meeting's committee and date.
            let committee = record.item_committee(item);
            if let Some(committee) = committee {
                document.add_text(fields.committee_key, committee);
            }
            if let Some(date) = record.item_date(item) {
                document.add_date(fields.date, tantivy_date(date));
                document.add_u64(fields.year, u64::try_from(date.year()).unwrap_or(0));
            }
            document.add_text(fields.kind, record.kind.as_str());
            if let Some(url) = &record.url {
                document.add_text(fields.url, url);
            }
            if let Some(number) = &item.number {
                document.add_text(fields.item, number);
            }
            if let Some(title) = &item.title {
                document.add_text(fields.topic, title);
            }
            // The title's acronyms count once for the item, on its first
            // passage, as a title's words count once (`search::title_once`).
            let mut acronyms = acronyms(&passage.text);
            if titles_indexed.insert(passage.item) {
                if let Some(title) = &item.title {
                    let in_title = self::acronyms(title);
                    if !in_title.is_empty() {
                        acronyms.push(' ');
                        acronyms.push_str(&in_title);
                    }
                }
            }
            if !acronyms.trim().is_empty() {
                document.add_text(fields.acronym, acronyms.trim());
            }
            for officer in officer_names {
                document.add_text(fields.officer, officer);
            }
            if !officer_names.is_empty() {
                document.add_text(fields.officers_json, officers_json);
            }
            // The committee's words and the members belong to the meeting,
            // not to a passage: indexed once, on the record's first
            // passage (each committee's first, for a record of several
            // meetings), and a `committee:` or `member:` search widens to
            // the whole record (`query`), which saves indexing them again
            // on every passage.
            let first_of_committee = committee.is_some_and(|name| committees_indexed.insert(name));
            if first_of_committee {
                document.add_text(fields.committee, committee.unwrap_or_default());
            }
            if Some(passage.number) == first_number {
                for member in &members {
                    document.add_text(fields.member, member);
                }
            }
            document.add_text(fields.body, &passage.text);
            document.add_u64(fields.passage_no, u64::from(passage.number));
            document.add_u64(fields.line_first, u64::from(passage.first_line));
            document.add_u64(fields.line_last, u64::from(passage.last_line));
            document.add_u64(fields.resolution, u64::from(passage.resolution));
            document.add_u64(fields.standard, u64::from(item.standard));
            if passage.first_page > 0 {
                document.add_u64(fields.page_first, u64::from(passage.first_page));
                document.add_u64(fields.page_last, u64::from(passage.last_page));
            }
            document
        })
        .collect()
}

/// The manifest document for one source file.
pub fn file_document(
    fields: &Fields,
    file: &SourceFile,
    content_hash: u64,
    failure: Option<&str>,
) -> TantivyDocument {
    let mut document = TantivyDocument::default();
    document.add_text(fields.doc_type, schema::FILE);
    document.add_text(fields.path, &file.key);
    document.add_text(fields.file_key, &file.key);
    document.add_u64(fields.size, file.size);
    document.add_u64(fields.modified, file.modified);
    document.add_u64(fields.content_hash, content_hash);
    match failure {
        None => document.add_text(fields.status, FileStatus::INDEXED),
        Some(message) => {
            document.add_text(fields.status, FileStatus::FAILED);
            document.add_text(fields.message, message);
        }
    }
    document
}

/// The words of `text` written wholly in capitals, two letters or more
/// ("SEND", "CSE", "DBS"), joined by spaces, case kept: what the `acronym`
/// field indexes, so that an acronym that is also an everyday word is
/// matched only where it is written as an acronym.
pub fn acronyms(text: &str) -> String {
    let mut out = String::new();
    for word in text.split(|character: char| !character.is_alphanumeric()) {
        let letters = word
            .chars()
            .filter(|character| character.is_alphabetic())
            .count();
        if letters >= 2 && !word.chars().any(char::is_lowercase) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passage_ids_hash_key_nul_text() {
        let mut joined = b"council/minutes.md".to_vec();
        joined.push(0);
        joined.extend_from_slice(b"The committee noted the report.");
        let hash = xxhash_rust::xxh3::xxh3_64(&joined);
        let text = "The committee noted the report.";
        assert_eq!(
            passage_id("council/minutes.md", text, 0),
            format!("{hash:016x}")
        );
        assert_eq!(
            passage_id("council/minutes.md", text, 2),
            format!("{hash:016x}-2")
        );
    }

    #[test]
    fn identifiers_give_back_their_hash() {
        let hash = passage_hash("a/b.md", "text");
        assert_eq!(hash_of_id(&passage_id("a/b.md", "text", 0)), Some(hash));
        assert_eq!(hash_of_id(&passage_id("a/b.md", "text", 3)), Some(hash));
        for bad in [
            "",
            "xyz",
            "0123456789abcdef-",
            "0123456789abcdef-x",
            "0123456789abcde",
        ] {
            assert_eq!(hash_of_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_become_midnight_utc() {
        assert_eq!(date_seconds(Date::constant(1970, 1, 2)), 86_400);
        assert_eq!(date_seconds(Date::constant(2017, 9, 26)), 1_506_384_000);
    }
}
