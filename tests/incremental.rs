//! Incremental indexing at scale: on a generated corpus of 10,000 records,
//! changing one file re-indexes only that file, and deleting one removes its
//! passages.

mod util;

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
