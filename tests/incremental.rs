//! Incremental indexing at scale: on a generated corpus of 10,000 records,
//! changing one file re-indexes only that file, and deleting one removes its
//! passages.

mod util;

use serde_json::Value;
use util::{hits, Workspace};

#[test]
fn one_changed_file_in_10000_is_the_only_one_read_again() {
    let workspace = Workspace::empty();
    workspace
        .scrutiny(&[
            "synth",
            "--records",
            "10000",
            "--seed",
            "5",
            "--out",
            "corpus",
        ])
        .assert()
        .success();
    let first = workspace.json(&["index"]);
    assert_eq!(first["n_added"], 10_000, "{first}");

    let council = workspace.path().join("corpus/kent");
    let mut records: Vec<_> = std::fs::read_dir(&council)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    records.sort();
    let changed = &records[0];
    let mut text = std::fs::read_to_string(changed).unwrap();
    text.push_str("\nThe Committee asked for a Zanzibarine review of escort checks.\n");
    std::fs::write(changed, text).unwrap();

    let second = workspace.json(&["index"]);
    assert_eq!(second["n_changed"], 1, "{second}");
    assert_eq!(second["n_added"], 0, "{second}");
    assert_eq!(second["n_unchanged"], 9_999, "{second}");
    assert_eq!(
        second["bytes_read"].as_u64().unwrap(),
        std::fs::metadata(changed).unwrap().len(),
        "only the changed file was read"
    );
    let found = workspace.json(&["search", "zanzibarine"]);
    let key = changed
        .strip_prefix(workspace.path().join("corpus"))
        .unwrap()
        .display()
        .to_string();
    assert_eq!(hits(&found)[0]["source"]["key"], key.as_str());

    std::fs::remove_file(changed).unwrap();
    let third = workspace.json(&["index"]);
    assert_eq!(third["n_removed"], 1, "{third}");
    let gone = workspace
        .scrutiny(&["search", "zanzibarine", "--no-refresh"])
        .output()
        .unwrap();
    assert_eq!(
        gone.status.code(),
        Some(1),
        "the deleted file's passages are gone"
    );
}

#[test]
fn a_killed_index_run_leaves_the_last_commit_searchable_and_the_next_run_completes() {
    let workspace = Workspace::empty();
    let synth = |records: &str| {
        workspace
            .scrutiny(&[
                "synth",
                "--records",
                records,
                "--seed",
                "8",
                "--out",
                "corpus",
            ])
            .assert()
            .success();
    };
    synth("500");
    let first = workspace.json(&["index"]);
    assert_eq!(first["n_added"], 500, "{first}");
    let before = workspace.json(&["search", "taxi", "--limit", "1000", "--no-refresh"]);
    let before_keys: Vec<Value> = hits(&before)
        .iter()
        .map(|hit| hit["source"]["key"].clone())
        .collect();
    assert!(!before_keys.is_empty());

    // The same seed writes the same first 500 records and 3,500 more.
    synth("4000");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scrutiny"))
        .arg("index")
        .current_dir(workspace.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run ended before it could be interrupted"
    );
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();

    // The last commit answers, exactly as before.
    let after = workspace.json(&["search", "taxi", "--limit", "1000", "--no-refresh"]);
    let after_keys: Vec<Value> = hits(&after)
        .iter()
        .map(|hit| hit["source"]["key"].clone())
        .collect();
    assert_eq!(after_keys, before_keys);

    // The next run finishes the work: every file indexed once.
    let second = workspace.json(&["index"]);
    assert_eq!(second["n_added"], 3500, "{second}");
    assert_eq!(second["n_unchanged"], 500, "{second}");
    let fresh = workspace.json(&["index", "--rebuild", "--index", "fresh-index"]);
    let resumed = workspace.json(&[
        "search",
        "sexting",
        "--limit",
        "1000",
        "--all",
        "--no-refresh",
    ]);
    let clean = workspace.json(&[
        "search",
        "sexting",
        "--limit",
        "1000",
        "--all",
        "--no-refresh",
        "--index",
        "fresh-index",
    ]);
    assert_eq!(
        fresh["n_passages"],
        second["n_passages"].as_u64().unwrap() + first["n_passages"].as_u64().unwrap(),
        "{fresh}"
    );
    assert!(hits(&clean).len() < 1000, "the limit did not cut the list");
    assert_eq!(hits(&resumed).len(), hits(&clean).len());
}
