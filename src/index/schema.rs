//! The tantivy schema: one document per passage, plus one per source file
//! (the manifest that makes re-indexing incremental).

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};
use tantivy::Index;

use super::memo::Memoised;
use super::spelling::SpellingVariants;

/// English text: words, lower-cased, accents folded, British and American
/// spellings made one, stemmed (Porter2).
pub const ENGLISH: &str = "scrutiny_en";
/// Names: words, lower-cased, accents folded, not stemmed.
pub const NAMES: &str = "scrutiny_names";
/// Keys such as council names: the whole value, lower-cased.
pub const KEYWORD: &str = "scrutiny_keyword";
/// Acronyms as written: words, case kept (see `document::acronyms`).
pub const ACRONYM: &str = "scrutiny_acronym";

/// The `doc_type` of a passage document.
pub const PASSAGE: &str = "passage";
/// The `doc_type` of a source-file (manifest) document.
pub const FILE: &str = "file";

/// Handles to every field, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub doc_type: Field,
    pub id: Field,
    pub id_hash: Field,
    pub path: Field,
    pub file_key: Field,
    pub council: Field,
    pub committee: Field,
    pub committee_key: Field,
    pub date: Field,
    pub year: Field,
    pub kind: Field,
    pub url: Field,
    pub item: Field,
    pub topic: Field,
    pub officer: Field,
    pub officers_json: Field,
    pub member: Field,
    pub body: Field,
    /// The passage's words written in capitals ("SEND", "CSE"), case
    /// kept: where a glossary acronym that is also an everyday word
    /// ("send") is matched.
    pub acronym: Field,
    pub passage_no: Field,
    pub line_first: Field,
    pub line_last: Field,
    pub page_first: Field,
    pub page_last: Field,
    pub resolution: Field,
    /// 1 for a passage of a standard item (apologies, declarations,
    /// previous minutes, …), which ranks below substantive items.
    pub standard: Field,
    pub content_hash: Field,
    pub size: Field,
    pub modified: Field,
    pub status: Field,
    pub message: Field,
}

fn text_field(tokenizer: &str, positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::Basic
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// A field matched whole, as a filter, never ranked by length: no
/// fieldnorms (one byte per document per field saved, and the work of
/// recording them). Each value is one token, so scores are the same.
fn keyword_field(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let keyword = keyword_field(KEYWORD) | STORED;
    let string = keyword_field("raw");
    let fields = Fields {
        doc_type: builder.add_text_field("doc_type", string.clone()),
        // Shown, not searched: a passage is found by its identifier's hash,
        // a column read only when someone asks for one passage.
        id: builder.add_text_field("id", STORED),
        id_hash: builder.add_u64_field("id_hash", FAST),
        path: builder.add_text_field("path", string.clone() | STORED | FAST),
        file_key: builder.add_text_field("file_key", string.clone()),
        council: builder.add_text_field("council", keyword.clone().set_fast("raw")),
        // Searched, not shown (the name shown is `committee_key`'s column),
        // and indexed on a record's first passage only, as `member` is.
        committee: builder.add_text_field("committee", text_field(ENGLISH, true)),
        committee_key: builder
            .add_text_field("committee_key", keyword_field(KEYWORD).set_fast("raw")),
        date: builder.add_date_field(
            "date",
            DateOptions::from(INDEXED | STORED | FAST).set_precision(DateTimePrecision::Seconds),
        ),
        year: builder.add_u64_field("year", NumericOptions::default() | INDEXED | STORED | FAST),
        kind: builder.add_text_field("kind", keyword.clone()),
        url: builder.add_text_field("url", STORED),
        item: builder.add_text_field("item", keyword),
        topic: builder.add_text_field("topic", text_field(ENGLISH, true) | STORED),
        officer: builder.add_text_field("officer", text_field(NAMES, true)),
        officers_json: builder.add_text_field("officers_json", STORED),
        member: builder.add_text_field("member", text_field(NAMES, true)),
        body: builder.add_text_field("body", text_field(ENGLISH, true) | STORED),
        // Scored by how often, not by how long the list is: a passage's
        // acronyms are a handful of words whatever its length.
        acronym: builder.add_text_field(
            "acronym",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ACRONYM)
                    .set_index_option(IndexRecordOption::WithFreqs)
                    .set_fieldnorms(false),
            ),
        ),
        passage_no: builder.add_u64_field("passage_no", STORED),
        line_first: builder.add_u64_field("line_first", STORED),
        line_last: builder.add_u64_field("line_last", STORED),
        page_first: builder.add_u64_field("page_first", STORED),
        page_last: builder.add_u64_field("page_last", STORED),
        resolution: builder.add_u64_field("resolution", INDEXED | STORED),
        standard: builder.add_u64_field("standard", STORED),
        content_hash: builder.add_u64_field("content_hash", STORED | FAST),
        size: builder.add_u64_field("size", STORED | FAST),
        modified: builder.add_u64_field("modified", STORED | FAST),
        status: builder.add_text_field("status", string | STORED | FAST),
        message: builder.add_text_field("message", STORED),
    };
    (builder.build(), fields)
}

/// Looks the fields up in an opened index's schema.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let field = |name: &str| schema.get_field(name);
    Ok(Fields {
        doc_type: field("doc_type")?,
        id: field("id")?,
        id_hash: field("id_hash")?,
        path: field("path")?,
        file_key: field("file_key")?,
        council: field("council")?,
        committee: field("committee")?,
        committee_key: field("committee_key")?,
        date: field("date")?,
        year: field("year")?,
        kind: field("kind")?,
        url: field("url")?,
        item: field("item")?,
        topic: field("topic")?,
        officer: field("officer")?,
        officers_json: field("officers_json")?,
        member: field("member")?,
        body: field("body")?,
        acronym: field("acronym")?,
        passage_no: field("passage_no")?,
        line_first: field("line_first")?,
        line_last: field("line_last")?,
        page_first: field("page_first")?,
        page_last: field("page_last")?,
        resolution: field("resolution")?,
        standard: field("standard")?,
        content_hash: field("content_hash")?,
        size: field("size")?,
        modified: field("modified")?,
        status: field("status")?,
        message: field("message")?,
    })
}

/// Registers scrutiny's analysers. tantivy does not store analysers in the
/// index, so this runs at every open.
pub fn register_tokenizers(index: &Index) {
    let manager = index.tokenizers();
    // One word at a time, remembered by `Memoised`: the same tokens as
    // running the chain on every occurrence, for a fraction of the time.
    let english_word = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(SpellingVariants)
        .filter(Stemmer::new(Language::English))
        .build();
    manager.register(
        ENGLISH,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(Memoised::new(english_word))
            .build(),
    );
    manager.register(
        NAMES,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    );
    manager.register(ACRONYM, TextAnalyzer::from(SimpleTokenizer::default()));
    manager.register(
        KEYWORD,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}
