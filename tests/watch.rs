//! Saved searches: `scrutiny watch` reports exactly the passages that are
//! new since the last check, kept in a plain file beside the index.

mod util;

use util::Workspace;

fn new_passages(workspace: &Workspace) -> Vec<(String, String)> {
    let reports = workspace.json(&["watch"]);
    reports
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|report| {
            let name = report["name"].as_str().unwrap().to_string();
            report["new"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |hit| {
                    (
                        name.clone(),
                        hit["source"]["key"].as_str().unwrap().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_saved_search_reports_only_what_is_new_since_it_was_checked() {
    let workspace = Workspace::with_corpus();
    workspace
        .scrutiny(&["watch", "add", "taxi", "taxi"])
        .assert()
        .success();
    workspace
        .scrutiny(&[
            "watch",
            "add",
            "wiltshire-cse",
            "CSE",
            "--council",
            "wiltshire",
        ])
        .assert()
        .success();
    let file = workspace.path().join("index.watches.toml");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains("name = \"taxi\"") && saved.contains("council = [\"wiltshire\"]"));

    // Nothing has changed: nothing is new, on the first check or the second.
    assert!(new_passages(&workspace).is_empty());
    assert!(new_passages(&workspace).is_empty());

    // A record mentioning taxis arrives and is indexed.
    std::fs::write(
        workspace
            .path()
            .join("corpus/worcestershire/2018-02-01-panel.txt"),
        "Agenda item\n\nTaxi licensing\n\nThe Panel asked that every taxi driver \
         complete safeguarding training before a licence is renewed.\n",
    )
    .unwrap();
    workspace.scrutiny(&["index"]).assert().success();
    assert_eq!(
        new_passages(&workspace),
        [(
            "taxi".to_string(),
            "worcestershire/2018-02-01-panel.txt".to_string()
        )]
    );
    // Reported once: the next check has nothing new.
    assert!(new_passages(&workspace).is_empty());

    // list and rm.
    let listed = workspace.json(&["watch", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    workspace
        .scrutiny(&["watch", "rm", "taxi"])
        .assert()
        .success();
    let listed = workspace.json(&["watch", "list"]);
    assert_eq!(listed[0]["name"], "wiltshire-cse");
    let output = workspace
        .scrutiny(&["watch", "rm", "taxi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("the saved searches are wiltshire-cse")
    );
}

#[test]
fn a_duplicate_name_or_a_bad_query_is_refused_and_nothing_is_saved() {
    let workspace = Workspace::with_corpus();
    workspace
        .scrutiny(&["watch", "add", "taxi", "taxi"])
        .assert()
        .success();
    let output = workspace
        .scrutiny(&["watch", "add", "taxi", "sexting"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has this name already"));
    let output = workspace
        .scrutiny(&["watch", "add", "broken", "taxi AND OR licence"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let listed = workspace.json(&["watch", "list"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}
