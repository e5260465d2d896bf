//! Decisions: "RESOLVED – That: a) … b) …" blocks are passages of their own,
//! marked as resolutions, and `--resolutions` keeps a search to them.

mod util;

use util::{bundled_corpus, hits, text, Server, Workspace};

#[test]
fn the_resolution_on_governor_training_about_sexting_is_found_among_decisions() {
    let workspace = Workspace::with_corpus();
    let found = workspace.json(&["search", "sexting", "--resolutions"]);
    let decisions = hits(&found);
    // One RESOLVED block names sexting (001, lines 79-84).
    assert_eq!(decisions.len(), 1, "{found}");
    assert!(decisions.iter().all(|hit| hit["resolution"] == true));
    let first = &decisions[0];
    assert_eq!(text(first, "council"), "Staffordshire");
    assert_eq!(text(first, "date"), "2017-09-26");
    let resolution = text(first, "text");
    assert!(resolution.starts_with("RESOLVED"), "{resolution}");
    assert!(
        resolution.contains("School Governor training includes the issue of sexting"),
        "{resolution}"
    );
    // Its points stay together, and the discussion before it is not in it.
    assert!(
        resolution.contains("a) schools be encouraged") && resolution.contains("d) LGBT groups")
    );
    assert!(!resolution.contains("Members watched a DVD"));

    // Without the flag, the discussion ranks too and is not a decision.
    let all = workspace.json(&["search", "sexting", "--limit", "20", "--per-record", "0"]);
    assert!(hits(&all).iter().any(|hit| hit["resolution"] == false));
    assert_eq!(hits(&all).len(), 20);

    // The web page and API take the same filter.
    let server = Server::start(&workspace);
    let (status, served) = server.json("/api/search?q=sexting&resolutions=1");
    assert_eq!(status, 200);
    assert_eq!(hits(&served)[0]["id"], first["id"]);
    let (_, _, page) = server.get("/?q=sexting&resolutions=1");
    assert!(page.contains("class=\"decision\""));
    assert!(page.contains("name=\"resolutions\" type=\"checkbox\" value=\"1\" checked"));
}

#[test]
fn each_resolved_block_of_the_minutes_is_one_decision_passage() {
    let workspace = Workspace::with_corpus();
    let path = bundled_corpus().join("staffordshire/001_8db6af9c7e41f3bb.txt");
    let report = workspace.json(&["extract", path.to_str().unwrap()]);
    let decisions: Vec<(u64, u64)> = report[0]["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|passage| passage["resolution"] == true)
        .map(|passage| {
            (
                passage["lines"][0].as_u64().unwrap(),
                passage["lines"][1].as_u64().unwrap(),
            )
        })
        .collect();
    // The four RESOLVED blocks of the minutes, each with its points.
    assert_eq!(decisions, [(27, 27), (79, 84), (94, 98), (114, 117)]);
}
