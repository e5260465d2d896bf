//! Citations: `scrutiny show ID` prints a passage in its agenda item with a
//! citation to paste, ids stay the same when other files change, and the
//! web page offers the same citation.

mod util;

use util::{hits, Server, Workspace};

fn first_hit_id(workspace: &Workspace, query: &str, council: &str) -> String {
    let found = workspace.json(&["search", query, "--council", council, "--limit", "1"]);
    hits(&found)[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn show_prints_the_passage_in_its_item_with_a_citation() {
    let workspace = Workspace::with_corpus();
    let found = workspace.json(&["search", "\"For the Whole World to See\"", "--limit", "1"]);
    let hit = &hits(&found)[0];
    let id = hit["id"].as_str().unwrap();
    let output = workspace.scrutiny(&["show", id]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    // The passage is marked among the rest of its item.
    let marked: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with('\u{258c}'))
        .collect();
    assert!(
        marked
            .iter()
            .any(|line| line.contains("For the Whole World to See")),
        "{text}"
    );
    // Its one line is marked; the other 19 passages of item 3 of the
    // minutes (001) give 32 lines around it.
    assert_eq!(marked.len(), 1, "{text}");
    assert_eq!(
        text.lines().filter(|line| line.starts_with("  ")).count(),
        32,
        "{text}"
    );
    let citation = text
        .lines()
        .find_map(|line| line.strip_prefix("cite as: "))
        .unwrap_or_else(|| panic!("no citation: {text}"));
    let key = hit["source"]["key"].as_str().unwrap();
    for part in [
        "Staffordshire",
        "Safe and Strong Communities Select Committee",
        "meeting of 26 September 2017",
        "item 3, \u{201c}Child Sexual Exploitation (CSE) in Staffordshire",
        key,
        &format!("[scrutiny passage {id}]"),
    ] {
        assert!(citation.contains(part), "{part:?} missing from {citation}");
    }
    let json = workspace.json(&["show", id]);
    assert_eq!(json["citation"], citation);
    assert_eq!(json["passage"]["id"], id);
}

#[test]
fn an_id_survives_changes_to_other_files_and_an_unknown_one_is_named() {
    let workspace = Workspace::with_corpus();
    let id = first_hit_id(&workspace, "sexting", "staffordshire");
    let wiltshire = workspace
        .path()
        .join("corpus/wiltshire/004_d19465a48595deaa.txt");
    let mut text = std::fs::read_to_string(&wiltshire).unwrap();
    text.push_str("\n\nThe board noted new guidance on sexting for schools.\n");
    std::fs::write(&wiltshire, text).unwrap();
    std::fs::write(
        workspace.path().join("corpus/worcestershire/new.txt"),
        "Agenda item\n\nSexting\n\nSexting was discussed by the panel.\n",
    )
    .unwrap();
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_changed"], 1, "{summary}");
    assert_eq!(first_hit_id(&workspace, "sexting", "staffordshire"), id);
    workspace.scrutiny(&["show", &id]).assert().success();

    let output = workspace
        .scrutiny(&["show", "0123456789abcdef"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no passage 0123456789abcdef in the index"),
        "{stderr}"
    );
}

#[test]
fn the_passage_page_offers_the_citation_to_copy() {
    let workspace = Workspace::with_corpus();
    let id = first_hit_id(&workspace, "sexting", "staffordshire");
    let shown = workspace.json(&["show", &id]);
    let server = Server::start(&workspace);
    let (status, _, page) = server.get(&format!("/passage/{id}"));
    assert_eq!(status, 200);
    let citation = shown["citation"].as_str().unwrap().replace('&', "&amp;");
    assert!(
        page.contains(&format!("readonly rows=\"3\">{citation}</textarea>")),
        "{page}"
    );
    assert!(page.contains("data-copy=\"citation\""));
    let (status, content_type, script) = server.get("/copy.js");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/javascript"));
    assert!(script.contains("clipboard"));
}
