//! `scrutiny coverage`: what the index holds per council, the undated
//! records, and the files that could not be indexed — in the CLI, its JSON
//! and on the web page.

mod util;

use util::{Server, Workspace};

#[test]
fn the_bundled_corpus_covers_three_councils_with_their_undated_records() {
    let workspace = Workspace::with_corpus();
    let coverage = workspace.json(&["coverage"]);
    let councils: Vec<(&str, u64, u64)> = coverage["councils"]
        .as_array()
        .unwrap()
        .iter()
        .map(|council| {
            (
                council["council"].as_str().unwrap(),
                council["records"].as_u64().unwrap(),
                council["undated_records"].as_u64().unwrap(),
            )
        })
        .collect();
    // The seeds: three Staffordshire records, of which 002 states no
    // meeting date; one from Wiltshire's area board and one from
    // Worcestershire's panel, neither stating a date.
    assert_eq!(
        councils,
        [
            ("Staffordshire", 3, 1),
            ("Wiltshire", 1, 1),
            ("Worcestershire", 1, 1)
        ]
    );
    let staffordshire = &coverage["councils"][0];
    assert_eq!(staffordshire["first_date"], "2017-09-26");
    assert_eq!(staffordshire["last_date"], "2017-09-26");
    assert!(staffordshire["committees"]
        .as_array()
        .unwrap()
        .iter()
        .any(|committee| committee == "Safe and Strong Communities Select Committee"));
    // The passages add up to what a search over everything counts.
    let total: u64 = coverage["councils"]
        .as_array()
        .unwrap()
        .iter()
        .map(|council| council["passages"].as_u64().unwrap())
        .sum();
    assert_eq!(coverage["passages"].as_u64().unwrap(), total);
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_unchanged"], 5);
    assert_eq!(coverage["records"], 5);
    assert!(coverage["failures"].as_array().unwrap().is_empty());
}

#[test]
fn a_file_that_could_not_be_read_is_listed_under_failures() {
    let workspace = Workspace::with_corpus();
    std::fs::write(
        workspace.path().join("corpus/wiltshire/scan.txt"),
        b"\x00\x01binary\x00",
    )
    .unwrap();
    let output = workspace.scrutiny(&["coverage"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("1 file could not be indexed"), "{text}");
    assert!(
        text.contains("wiltshire/scan.txt: binary data, not text"),
        "{text}"
    );
    let coverage = workspace.json(&["coverage"]);
    assert_eq!(coverage["failures"][0]["key"], "wiltshire/scan.txt");

    let server = Server::start(&workspace);
    let (status, page_type, page) = server.get("/coverage");
    assert_eq!(status, 200);
    assert!(page_type.starts_with("text/html"));
    assert!(page.contains("<th scope=\"row\">Worcestershire</th>"));
    assert!(page.contains("<code>wiltshire/scan.txt</code>: binary data, not text"));
    let (status, served) = server.json("/api/coverage");
    assert_eq!(status, 200);
    assert_eq!(served, coverage);
}

#[test]
fn paths_passed_over_are_listed_and_date_filters_say_what_they_leave_out() {
    let workspace = Workspace::with_corpus();
    std::fs::write(
        workspace.path().join("corpus/wiltshire/photo.jpg"),
        b"\xff\xd8",
    )
    .unwrap();
    let coverage = workspace.json(&["coverage"]);
    assert_eq!(coverage["skipped"][0]["key"], "wiltshire/photo.jpg");
    assert!(coverage["skipped"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("not a record format"));

    // "sexting" matches 27 passages; one comes from a record with no date.
    let all = workspace.json(&["search", "sexting"]);
    let dated = workspace.json(&["search", "sexting", "--from", "2000-01-01"]);
    assert_eq!(dated["undated_excluded"], 1);
    assert_eq!(
        dated["total"].as_u64().unwrap() + 1,
        all["total"].as_u64().unwrap()
    );
    assert_eq!(all["undated_excluded"], 0);
    let output = workspace
        .scrutiny(&["search", "sexting", "--from", "2000-01-01"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 more passages match in records that state no meeting date"),
        "{stderr}"
    );
}

#[test]
fn passages_of_a_removed_undated_record_are_not_counted_as_left_out() {
    let workspace = Workspace::with_corpus();
    let dated = workspace.json(&["search", "sexting", "--from", "2000-01-01"]);
    assert_eq!(dated["undated_excluded"], 1);

    // The undated record goes: its passages are deleted from a segment that
    // keeps the dated ones, and the count must skip the deleted passages.
    std::fs::remove_file(
        workspace
            .path()
            .join("corpus/staffordshire/002_5ee31838867c6c3e.txt"),
    )
    .unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let after = workspace.json(&["search", "sexting", "--from", "2000-01-01"]);
    assert_eq!(after["undated_excluded"], 0);
    assert_eq!(after["total"], dated["total"]);
    let everything = workspace.json(&["search", "sexting"]);
    assert_eq!(everything["total"], dated["total"]);
}
