//! Search that understands the domain: the glossary in both directions,
//! British and American spellings, typo tolerance, punctuation folding and
//! one hit per passage published twice.

mod util;

use serde_json::Value;
use util::{hits, text, Workspace};

fn search(workspace: &Workspace, args: &[&str]) -> Value {
    let mut with_search = vec!["search", "--limit", "200", "--per-record", "0"];
    with_search.extend_from_slice(args);
    workspace.json(&with_search)
}

fn keys_and_lines(results: &Value) -> Vec<(String, u64)> {
    hits(results)
        .iter()
        .map(|hit| {
            (
                hit["source"]["key"].as_str().unwrap().to_string(),
                hit["source"]["lines"][0].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn sexting_shows_each_item_3_paragraph_once_with_also_in() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["sexting"]);
    // Every paragraph of the item-3 minutes published as 000 is also in 001:
    // each must appear once, as a hit or under one.
    let mut seen: Vec<(String, u64)> = Vec::new();
    for hit in hits(&results) {
        let mut places = vec![(
            hit["source"]["key"].as_str().unwrap().to_string(),
            hit["source"]["lines"][0].as_u64().unwrap(),
        )];
        for other in hit["also_in"].as_array().unwrap() {
            places.push((
                other["source"]["key"].as_str().unwrap().to_string(),
                other["source"]["lines"][0].as_u64().unwrap(),
            ));
        }
        for place in places {
            assert!(!seen.contains(&place), "{place:?} shown twice");
            seen.push(place);
        }
    }
    let hit_with = |needle: &str| {
        hits(&results)
            .iter()
            .find(|hit| text(hit, "text").contains(needle))
            .unwrap_or_else(|| panic!("no hit contains {needle:?}"))
            .clone()
    };
    let whilst = hit_with("no intention to criminalise them");
    let also: Vec<&str> = whilst["also_in"]
        .as_array()
        .unwrap()
        .iter()
        .map(|place| place["source"]["key"].as_str().unwrap())
        .collect();
    assert_eq!(also.len(), 1, "{whilst}");
    assert_ne!(also[0], whilst["source"]["key"].as_str().unwrap());
    // Seed 002's line on youth produced sexual imagery is found too.
    let imagery = hit_with("youth produced sexual imagery (sexting)");
    assert_eq!(
        imagery["source"]["key"],
        "staffordshire/002_5ee31838867c6c3e.txt"
    );

    let all = search(&workspace, &["sexting", "--all"]);
    assert_eq!(hits(&all).len() as u64, all["total"].as_u64().unwrap());
    assert_eq!(hits(&all).len(), 27);
    assert_eq!(hits(&results).len(), 20);
}

#[test]
fn sharing_nudes_finds_the_sexting_passages_through_the_glossary() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["sharing nudes"]);
    // The same 27 passages as "sexting", in 20 hits.
    assert_eq!(results["total"], 27, "{results}");
    assert_eq!(hits(&results).len(), 20, "{results}");
    assert!(hits(&results)[0..5]
        .iter()
        .all(|hit| text(hit, "text").to_lowercase().contains("sext")));
    assert_eq!(results["expansions"][0]["term"], "sharing nudes");
    assert!(results["expansions"][0]["alternatives"]
        .as_array()
        .unwrap()
        .contains(&Value::from("sexting")));

    // No passage says it in those words: without the glossary only
    // passages with one of them are found, and they say so.
    let unexpanded = search(&workspace, &["sharing nudes", "--no-expand"]);
    assert_eq!(unexpanded["total_all_words"], 0, "{unexpanded}");
    assert!(hits(&unexpanded).iter().all(|hit| hit["partial"] == true));
}

#[test]
fn cse_finds_passages_that_only_spell_it_out() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["CSE"]);
    let spelt_out = hits(&results).iter().find(|hit| {
        let body = text(hit, "text");
        let words: Vec<&str> = body.split(|c: char| !c.is_alphanumeric()).collect();
        body.to_lowercase().contains("child sexual exploitation") && !words.contains(&"CSE")
    });
    assert!(
        spelt_out.is_some(),
        "no passage found only through the glossary"
    );
    // An expanded term ranks below the words the user typed.
    let first = &hits(&results)[0];
    assert!(text(first, "text").contains("CSE"), "{first}");
}

#[test]
fn american_spelling_finds_british_records() {
    let workspace = Workspace::with_corpus();
    let license = search(&workspace, &["license"]);
    assert_eq!(
        hits(&license)[0]["source"]["key"],
        "worcestershire/003_1493e5dddea95e7c.txt"
    );
    let keys = keys_and_lines(&license);
    assert!(
        keys.iter()
            .any(|(key, _)| key == "staffordshire/001_8db6af9c7e41f3bb.txt"),
        "`license` finds the British `driving licence`: {keys:?}"
    );
    let phrase = search(&workspace, &["\"driving license\""]);
    assert_eq!(hits(&phrase).len(), 1);
}

#[test]
fn hackney_carriage_finds_taxi_passages() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["hackney carriage"]);
    assert!(text(&hits(&results)[0], "text").contains("taxi drivers"));
}

#[test]
fn pshe_finds_the_phse_misspelling() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["PSHE"]);
    assert!(hits(&results)
        .iter()
        .any(|hit| text(hit, "text").contains("PHSE") && !text(hit, "text").contains("PSHE")));
    assert!(hits(&results)
        .iter()
        .any(|hit| text(hit, "text").contains("PSHE")));
}

#[test]
fn typos_in_long_words_are_tolerated_below_exact_matches() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["lisencing"]);
    assert_eq!(results["corrections"][0]["word"], "lisencing");
    let keys = keys_and_lines(&results);
    assert!(
        keys.contains(&("staffordshire/002_5ee31838867c6c3e.txt".into(), 35)),
        "{keys:?}"
    );
    // A word that exists is matched exactly, never by typo.
    let exact = search(&workspace, &["licensing"]);
    assert_eq!(exact["corrections"], Value::Array(vec![]));
    let short = workspace.scrutiny(&["search", "taxo"]).output().unwrap();
    assert_eq!(
        short.status.code(),
        Some(1),
        "short words get no typo tolerance"
    );
}

#[test]
fn punctuation_is_folded() {
    let workspace = Workspace::with_corpus();
    let ampersand = search(&workspace, &["O&S"]);
    assert_eq!(text(&hits(&ampersand)[0], "council"), "Worcestershire");
    let hyphens = search(&workspace, &["stoke on trent"]);
    let hyphenated = search(&workspace, &["Stoke-on-Trent"]);
    assert_eq!(hyphens["total_all_words"], hyphenated["total_all_words"]);
    assert_eq!(hyphens["total_all_words"], 7, "{hyphens}");
}

#[test]
fn a_user_glossary_adds_groups() {
    let workspace = Workspace::with_corpus();
    let glossary = workspace.path().join("mine.toml");
    std::fs::write(&glossary, "[[group]]\nterms = [\"dvd\", \"video clip\"]\n").unwrap();
    let results = workspace.json(&[
        "search",
        "video clip",
        "--glossary",
        glossary.to_str().unwrap(),
    ]);
    assert!(hits(&results)
        .iter()
        .any(|hit| text(hit, "text").contains("DVD")));
    std::fs::write(&glossary, "[[group]]\nterms = [\"alone\"]\n").unwrap();
    let bad = workspace
        .scrutiny(&["search", "taxi", "--glossary", glossary.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("mine.toml is not valid"));
}
