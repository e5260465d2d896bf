//! Sidecar metadata beside a record, or for a whole folder, states or
//! overrides council, committee, meeting date, title and source URL.

mod util;

use util::{hits, text, Workspace};

const WILTSHIRE: &str = "corpus/wiltshire/004_d19465a48595deaa.txt";

#[test]
fn a_record_sidecar_overrides_and_its_url_appears_in_results() {
    let workspace = Workspace::with_corpus();
    std::fs::write(
        workspace.path().join(format!("{WILTSHIRE}.meta.toml")),
        "committee = \"Southern Wiltshire Area Board\"\ndate = \"2015-10-12\"\nurl = \"https://example.gov.uk/item/1234\"\n",
    )
    .unwrap();
    let results = workspace.json(&["search", "Rochdale"]);
    let hit = &hits(&results)[0];
    assert_eq!(text(hit, "committee"), "Southern Wiltshire Area Board");
    assert_eq!(text(hit, "date"), "2015-10-12");
    assert_eq!(text(hit, "url"), "https://example.gov.uk/item/1234");
    assert_eq!(
        text(hit, "council"),
        "Wiltshire",
        "unstated fields keep what extraction found"
    );

    let terminal = workspace
        .scrutiny(&["search", "Rochdale"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&terminal.stdout)
        .contains("published at https://example.gov.uk/item/1234"));

    let extracted = workspace.json(&["extract", WILTSHIRE]);
    assert_eq!(extracted[0]["date"], "2015-10-12");
    assert_eq!(extracted[0]["url"], "https://example.gov.uk/item/1234");
}

#[test]
fn a_folder_sidecar_applies_below_it_and_the_nearest_wins() {
    let workspace = Workspace::with_corpus();
    std::fs::write(
        workspace.path().join("corpus/staffordshire/scrutiny.toml"),
        "council = \"Staffordshire County Council\"\ncommittee = \"Folder Committee\"\n",
    )
    .unwrap();
    std::fs::write(
        workspace
            .path()
            .join("corpus/staffordshire/002_5ee31838867c6c3e.txt.meta.toml"),
        "committee = \"Safe and Strong Communities Select Committee\"\n",
    )
    .unwrap();
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_files"], 5, "sidecars are not records: {summary}");
    let results = workspace.json(&[
        "search",
        "CSE",
        "--council",
        "staffordshire county council",
        "--limit",
        "100",
    ]);
    let mut committees: Vec<(String, String)> = hits(&results)
        .iter()
        .map(|hit| {
            (
                hit["source"]["key"].as_str().unwrap().to_string(),
                text(hit, "committee").to_string(),
            )
        })
        .collect();
    committees.sort();
    committees.dedup();
    assert!(committees.contains(&(
        "staffordshire/002_5ee31838867c6c3e.txt".into(),
        "Safe and Strong Communities Select Committee".into()
    )));
    assert!(committees.contains(&(
        "staffordshire/000_69e15054d1adbb5c.txt".into(),
        "Folder Committee".into()
    )));
}

#[test]
fn a_changed_sidecar_reindexes_its_record() {
    let workspace = Workspace::with_corpus();
    let sidecar = workspace.path().join(format!("{WILTSHIRE}.meta.toml"));
    std::fs::write(&sidecar, "date = \"2015-10-12\"\n").unwrap();
    workspace.scrutiny(&["index"]).assert().success();
    std::fs::write(&sidecar, "date = \"2016-01-20\"\n").unwrap();
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_changed"], 1, "{summary}");
    let results = workspace.json(&["search", "Rochdale"]);
    assert_eq!(text(&hits(&results)[0], "date"), "2016-01-20");
}

#[test]
fn a_bad_sidecar_is_named_and_the_rest_indexed() {
    let workspace = Workspace::with_corpus();
    std::fs::write(
        workspace.path().join(format!("{WILTSHIRE}.meta.toml")),
        "date = \"12/10/2015\"\n",
    )
    .unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "004_d19465a48595deaa.txt.meta.toml: date \"12/10/2015\" is not a date as YYYY-MM-DD"
        ),
        "{stderr}"
    );
    std::fs::write(
        workspace.path().join(format!("{WILTSHIRE}.meta.toml")),
        "comittee = \"typo\"\n",
    )
    .unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown field `comittee`"));
    // Only Wiltshire's record is refused; sexting is all Staffordshire's.
    let sexting = workspace.json(&["search", "sexting", "--per-record", "0"]);
    assert_eq!(sexting["total"], 27, "{sexting}");
    assert_eq!(hits(&sexting).len(), 10, "{sexting}");
}
