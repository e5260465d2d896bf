//! Building and updating the index: determinism across runs and thread
//! counts, incremental updates, bad files, and clear errors.

mod util;

use scrutiny::index::ScrutinyIndex;
use scrutiny::ingest::{self, IndexOptions};
use util::{hits, text, Workspace};

fn index_with(workspace: &Workspace, index: &str, threads: usize) -> Vec<String> {
    let options = IndexOptions {
        corpus: workspace.path().join("corpus"),
        index: workspace.path().join(index),
        threads,
        rebuild: false,
        progress: false,
    };
    let summary = ingest::run(&options).unwrap();
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    ScrutinyIndex::open(&options.index)
        .unwrap()
        .stored_documents()
        .unwrap()
}

#[test]
fn one_thread_and_all_cores_give_the_same_index_contents() {
    let workspace = Workspace::with_corpus();
    let single = index_with(&workspace, "index-1", 1);
    let all = index_with(&workspace, "index-all", 0);
    let two = index_with(&workspace, "index-2", 2);
    // 65 passages and one manifest document per file.
    assert_eq!(single.len(), 70, "{} documents", single.len());
    assert_eq!(single, all);
    assert_eq!(single, two);
}

#[test]
fn indexing_twice_gives_the_same_hits() {
    let workspace = Workspace::with_corpus();
    workspace.scrutiny(&["index"]).assert().success();
    let first = workspace.json(&["search", "CSE", "--limit", "100"]);
    workspace
        .scrutiny(&["index", "--rebuild"])
        .assert()
        .success();
    let second = workspace.json(&["search", "CSE", "--limit", "100"]);
    assert_eq!(first, second);
}

#[test]
fn summary_names_files_passages_and_speed() {
    let workspace = Workspace::with_corpus();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("indexed 5 files: 5 added, 0 changed, 0 removed, 0 unchanged;"),
        "{stderr}"
    );
    assert!(stderr.contains("MB/s"), "{stderr}");
    let again = workspace.scrutiny(&["index"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("index up to date: 5 files unchanged"),
        "{stderr}"
    );

    let summary = workspace.json(&["index", "--rebuild"]);
    assert_eq!(summary["n_files"], 5);
    assert_eq!(summary["n_added"], 5);
    assert_eq!(summary["n_passages"], 65);
}

#[test]
fn a_changed_file_is_reindexed_and_a_deleted_one_removed() {
    let workspace = Workspace::with_corpus();
    workspace.scrutiny(&["index"]).assert().success();
    let wiltshire = workspace
        .path()
        .join("corpus/wiltshire/004_d19465a48595deaa.txt");
    let mut source = std::fs::read_to_string(&wiltshire).unwrap();
    source.push_str(
        "\n\nThe Board asked that hackney carriage and taxi drivers receive CSE training.\n",
    );
    std::fs::write(&wiltshire, source).unwrap();

    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_changed"], 1, "{summary}");
    assert_eq!(summary["n_unchanged"], 4, "{summary}");
    let taxi = workspace.json(&["search", "taxi", "--limit", "50"]);
    assert!(hits(&taxi)
        .iter()
        .any(|hit| text(hit, "council") == "Wiltshire"));

    let before = workspace.json(&["search", "Rochdale"]);
    assert_eq!(text(&hits(&before)[0], "council"), "Wiltshire");
    std::fs::remove_file(&wiltshire).unwrap();
    // A search notices the change and refreshes the index first.
    let output = workspace
        .scrutiny(&["search", "Rochdale", "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 removed"), "{stderr}");
    assert_eq!(
        output.status.code(),
        Some(1),
        "Wiltshire's passages are gone"
    );
}

#[test]
fn a_renamed_file_is_reported_as_renamed_and_found_under_its_new_name() {
    let workspace = Workspace::with_corpus();
    workspace.scrutiny(&["index"]).assert().success();
    let council = workspace.path().join("corpus/wiltshire");
    std::fs::rename(
        council.join("004_d19465a48595deaa.txt"),
        council.join("2015-10-12-area-board.txt"),
    )
    .unwrap();
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_renamed"], 1, "{summary}");
    assert_eq!(summary["n_added"], 0, "{summary}");
    assert_eq!(summary["n_removed"], 0, "{summary}");
    let found = workspace.json(&["search", "Rochdale", "--all"]);
    let keys: Vec<&str> = hits(&found)
        .iter()
        .map(|hit| hit["source"]["key"].as_str().unwrap())
        .collect();
    // Rochdale is named once, in the background passage (lines 25-27).
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys.iter()
            .all(|key| *key == "wiltshire/2015-10-12-area-board.txt"),
        "{keys:?}"
    );
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("index up to date"));
}

#[test]
fn bad_files_are_named_and_the_rest_indexed() {
    let workspace = Workspace::with_corpus();
    let corpus = workspace.path().join("corpus");
    std::fs::write(
        corpus.join("wiltshire/binary.txt"),
        b"\x00\x01\x02PK\x03\x04",
    )
    .unwrap();
    std::fs::write(
        corpus.join("wiltshire/minutes.pdf"),
        b"<html>saved as PDF</html>",
    )
    .unwrap();
    std::fs::write(corpus.join("wiltshire/empty.txt"), b"").unwrap();
    std::fs::write(
        corpus.join("wiltshire/latin1.txt"),
        b"Agenda item\n\nFees\n\nThe \x93taxi\x94 fee rose to \xa3150.\n",
    )
    .unwrap();

    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "committed, with failures");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot index corpus/wiltshire/binary.txt: binary data, not text"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot index corpus/wiltshire/minutes.pdf: not a PDF (no %PDF header)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot index corpus/wiltshire/empty.txt: an empty file (0 bytes)"),
        "{stderr}"
    );
    assert!(stderr.contains("3 failed"), "{stderr}");

    let pound = workspace.json(&["search", "taxi", "--council", "wiltshire"]);
    assert!(text(&hits(&pound)[0], "text").contains("\u{201c}taxi\u{201d} fee rose to \u{a3}150"));
    let sexting = workspace.json(&["search", "sexting"]);
    assert_eq!(sexting["total"], 27, "good files are indexed: {sexting}");

    // Unchanged bad files are still reported on the next run.
    let again = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr)
        .contains("still cannot index corpus/wiltshire/binary.txt"));
}

#[test]
fn a_malformed_query_says_what_and_where() {
    let workspace = Workspace::with_corpus();
    // An expert's query with an operator misused is an error at its
    // column; typed text with a stray bracket searches its words (below).
    let output = workspace
        .scrutiny(&["search", "taxi AND OR licence"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "scrutiny: error: in the query at column 6: AND needs a term on each side\n  taxi AND OR licence\n       ^\nhint: write `a AND b`, or quote \"AND\" to search for the word\n"
    );
    assert!(
        !workspace.path().join("index/meta.json").exists(),
        "no work before the query is checked"
    );
    let output = workspace
        .scrutiny(&["search", "taxi (licence"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("scrutiny: searched for \"taxi licence\"\n"));

    let unknown = workspace
        .scrutiny(&["search", "councl:wiltshire"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `council:`?"));
}

#[test]
fn an_empty_corpus_is_an_error() {
    let workspace = Workspace::empty();
    std::fs::create_dir_all(workspace.path().join("corpus/wiltshire")).unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("scrutiny: error: no records in corpus corpus"),
        "{stderr}"
    );
}

#[test]
fn a_missing_corpus_or_index_is_an_error() {
    let workspace = Workspace::empty();
    let output = workspace.scrutiny(&["index", "nowhere"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "scrutiny: error: corpus folder nowhere does not exist\n"
    );
    let search = workspace.scrutiny(&["search", "taxi"]).output().unwrap();
    assert_eq!(search.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&search.stderr).contains("no index at index"));
}

#[test]
fn an_unreadable_index_is_reported_not_a_panic() {
    let workspace = Workspace::with_corpus();
    std::fs::create_dir_all(workspace.path().join("index")).unwrap();
    std::fs::write(workspace.path().join("index/meta.json"), "{ not json").unwrap();
    let output = workspace.scrutiny(&["search", "taxi"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot open the index at index"),
        "{stderr}"
    );
    assert!(stderr.contains("--rebuild"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    workspace
        .scrutiny(&["index", "--rebuild"])
        .assert()
        .success();
    workspace.scrutiny(&["search", "taxi"]).assert().success();
}

#[test]
fn bad_arguments_are_named() {
    let workspace = Workspace::with_corpus();
    let output = workspace
        .scrutiny(&["search", "CSE", "--from", "2017-13-01"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains(
        "invalid value '2017-13-01' for '--from <DATE>': \"2017-13-01\" is not a date: expected YYYY-MM-DD"
    ));
    let council = workspace
        .scrutiny(&["search", "CSE", "--council", "wiltshre"])
        .output()
        .unwrap();
    assert_eq!(council.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&council.stderr).contains("did you mean \"wiltshire\"?"));
}

/// An index in an older layout (same field names, other options, or other
/// fields) is built again from its corpus, by `index` and before a search.
#[test]
fn an_index_from_an_older_scrutiny_is_rebuilt() {
    let workspace = Workspace::with_corpus();
    let old_index = |workspace: &Workspace| {
        let dir = workspace.path().join("index");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut builder = tantivy::schema::Schema::builder();
        let path = builder.add_text_field("path", tantivy::schema::STRING);
        let index = tantivy::Index::create_in_dir(&dir, builder.build()).unwrap();
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).unwrap();
        writer.add_document(tantivy::doc!(path => "x")).unwrap();
        writer.commit().unwrap();
    };
    old_index(&workspace);
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["rebuilt"], true);
    assert_eq!(summary["n_added"], 5);

    old_index(&workspace);
    let results = workspace.json(&["search", "taxi", "--corpus", "corpus"]);
    assert_eq!(text(&hits(&results)[0], "council"), "Worcestershire");
}
