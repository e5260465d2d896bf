//! Searching the bundled corpus from the command line: ranking, snippets,
//! citations, filters, phrases and boolean queries.

mod util;

use serde_json::Value;
use util::{highlighted_words, hits, text, Workspace};

fn search(workspace: &Workspace, args: &[&str]) -> Value {
    let mut with_search = vec!["search", "--limit", "200", "--per-record", "0"];
    with_search.extend_from_slice(args);
    workspace.json(&with_search)
}

/// The text of source lines `[first, last]` of a hit, read from disk.
/// How many passages the index holds from the file named `file_name`, as
/// `scrutiny export --all` lists them.
fn passages_in(workspace: &Workspace, file_name: &str) -> usize {
    let export = workspace
        .scrutiny(&["export", "--all", "--format", "jsonl"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&export.stdout)
        .lines()
        .filter(|line| line.contains(file_name))
        .count()
}

fn cited_lines(workspace: &Workspace, hit: &Value) -> String {
    let path = workspace
        .path()
        .join(hit["source"]["path"].as_str().unwrap());
    let source = std::fs::read_to_string(&path).unwrap();
    let first = hit["source"]["lines"][0].as_u64().unwrap() as usize;
    let last = hit["source"]["lines"][1].as_u64().unwrap() as usize;
    assert!(first >= 1 && first <= last, "{hit}");
    source.lines().collect::<Vec<_>>()[first - 1..last].join("\n")
}

#[test]
fn sexting_finds_only_staffordshire_with_highlights_and_right_lines() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["sexting"]);
    let hits = hits(&results);
    // 27 passages match: 20 hits, and 7 passages of the earlier
    // publication of the same minutes (000) listed under the hits they
    // repeat.
    assert_eq!(hits.len(), 20, "{results}");
    assert_eq!(results["total"], 27, "{results}");
    // Every matching passage is a hit or listed under the hit it duplicates.
    let n_duplicates: usize = hits
        .iter()
        .map(|hit| hit["also_in"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        results["total"].as_u64().unwrap() as usize,
        hits.len() + n_duplicates
    );
    for hit in hits {
        assert_eq!(text(hit, "council"), "Staffordshire", "{hit}");
        let words = highlighted_words(hit);
        assert!(
            words
                .iter()
                .any(|word| word.to_lowercase().starts_with("sext")),
            "snippet highlights no form of sexting: {hit}"
        );
        let cited = cited_lines(&workspace, hit);
        let passage = text(hit, "text");
        let first_word = passage.split_whitespace().next().unwrap();
        assert!(cited.contains(first_word), "{cited:?} vs {passage:?}");
        if text(hit, "snippet_field") == "body" {
            assert!(cited.to_lowercase().contains("sext"), "{cited:?}");
        }
    }
    // Both publications of the 26 September 2017 minutes and the undated
    // agenda item on youth produced sexual imagery are found.
    let keys: Vec<&str> = hits
        .iter()
        .map(|hit| hit["source"]["key"].as_str().unwrap())
        .collect();
    for file in [
        "staffordshire/000_69e15054d1adbb5c.txt",
        "staffordshire/001_8db6af9c7e41f3bb.txt",
        "staffordshire/002_5ee31838867c6c3e.txt",
    ] {
        assert!(keys.contains(&file), "{file} missing from {keys:?}");
    }
}

#[test]
fn the_first_search_builds_the_index_and_says_so() {
    let workspace = Workspace::with_corpus();
    let output = workspace.scrutiny(&["search", "sexting"]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no index at index yet; building it from corpus first"),
        "{stderr}"
    );
    assert!(workspace.path().join("index/meta.json").is_file());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("corpus/staffordshire/"), "{stdout}");
    assert!(!stdout.contains("\u{1b}["), "no colour when not a terminal");

    let again = workspace.scrutiny(&["search", "sexting"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!stderr.contains("building"), "{stderr}");
    assert_eq!(again.stdout, output.stdout);
}

#[test]
fn colour_is_used_only_when_asked_for() {
    let workspace = Workspace::with_corpus();
    let coloured = workspace
        .scrutiny(&["search", "sexting", "--color", "always"])
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}[1m\u{1b}[31msexting"));
}

#[test]
fn taxi_puts_the_worcestershire_taxi_driver_passage_first() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["taxi"]);
    let first = &hits(&results)[0];
    assert_eq!(text(first, "council"), "Worcestershire");
    assert_eq!(text(first, "committee"), "Children and Families O&S Panel");
    assert!(text(first, "text").contains("taxi drivers were well placed"));
    assert_eq!(
        first["source"]["key"],
        "worcestershire/003_1493e5dddea95e7c.txt"
    );
}

#[test]
fn words_side_by_side_rank_above_the_same_words_apart() {
    let workspace = Workspace::with_corpus();
    // Worcestershire's passage at line 3 has "children reported missing";
    // the one at line 5 has "missing children" as typed.
    let results = search(&workspace, &["missing children", "--no-expand"]);
    let first = &hits(&results)[0];
    assert_eq!(
        first["source"]["key"],
        "worcestershire/003_1493e5dddea95e7c.txt"
    );
    assert_eq!(first["source"]["lines"][0], 5, "{first}");
    assert!(text(first, "text").contains("missing children"));
    let apart = hits(&results)
        .iter()
        .position(|hit| hit["source"]["lines"][0] == 3)
        .expect("the passage with both words apart still matches");
    assert!(apart > 0);
}

/// An item titled with the query's word, whose other passages never use
/// it, and another record that uses the word once in its text.
fn title_and_text_corpus() -> Workspace {
    let workspace = Workspace::empty();
    let write = |path: &str, text: &str| workspace.add_record(path, text);
    // Each paragraph is long enough to be a passage of its own.
    write(
        "wiltshire/sexting-item.txt",
        "Minutes of the Children's Select Committee held on 4 March 2021\n\n\
         5. Sexting in schools\n\n\
         The committee heard how sexting among pupils is reported by schools, \
         and how the designated safeguarding leads record each report, talk to \
         the pupils involved and decide with the police whether any further \
         action is needed, which in most cases it is not.\n\n\
         Head teachers described the assemblies given each autumn term, the \
         lessons on respect and consent in the personal development programme, \
         and the letters sent home so that parents know what their children \
         are taught and whom to contact with a worry.\n\n\
         The school nursing service gave figures for its drop-in sessions: \
         attendance had doubled over two years, most of it by girls in years \
         nine and ten, and the service had trained two more nurses to run the \
         sessions in the rural secondary schools from September.\n\n\
         Members asked for the next report to include the views of parents \
         gathered by the parent carer forum, a breakdown of the figures by \
         district, and a note of how the new statutory guidance on relationships \
         education had changed what the schools teach.\n",
    );
    write(
        "staffordshire/online-safety.txt",
        "Minutes of the Safe and Strong Communities Select Committee held on 9 June 2021\n\n\
         7. Online safety\n\n\
         The police described a rise in reports about online gaming, chat rooms \
         and messaging, and a smaller number about sexting between teenagers, \
         which officers handled with the schools concerned. The committee \
         asked how the force would keep pace with new platforms, how many \
         officers had been trained in digital investigation, and whether the \
         schools had the guidance they needed to respond to reports quickly.\n",
    );
    workspace
}

#[test]
fn a_title_match_counts_once_for_its_item() {
    let workspace = title_and_text_corpus();
    let results = search(&workspace, &["sexting", "--no-expand"]);
    let order: Vec<(String, u64)> = hits(&results)
        .iter()
        .map(|hit| {
            (
                text(hit, "council").to_string(),
                hit["source"]["lines"][0].as_u64().unwrap(),
            )
        })
        .collect();
    // The titled item's passage that also says "sexting" holds the
    // title's match; the other record's passage comes before the item's
    // passages that match through the title alone.
    assert_eq!(order[0], ("Wiltshire".to_string(), 5), "{order:?}");
    assert_eq!(order[1].0, "Staffordshire", "{order:?}");
    let titled = passages_in(&workspace, "sexting-item.txt");
    assert!(titled >= 2, "{titled}");
    assert_eq!(order.len(), titled + 1, "{order:?}");
    for title_only in &hits(&results)[2..] {
        assert_eq!(title_only["snippet_field"], "topic", "{title_only}");
    }
    // The title's match is marked wherever the title is shown.
    for hit in hits(&results) {
        if text(hit, "council") == "Wiltshire" {
            assert_eq!(
                hit["topic_highlights"],
                serde_json::json!([[0, 7]]),
                "{hit}"
            );
        } else {
            assert!(hit.get("topic_highlights").is_none(), "{hit}");
        }
    }
    let coloured = workspace
        .scrutiny(&["search", "sexting", "--no-expand", "--color", "always"])
        .output()
        .unwrap();
    let coloured = String::from_utf8_lossy(&coloured.stdout);
    assert!(
        coloured.contains("item 5: \u{1b}[0m\u{1b}[1m\u{1b}[31mSexting\u{1b}[0m"),
        "{coloured}"
    );
    let server = util::Server::start(&workspace);
    let (status, _, page) = server.get("/?q=sexting&no_expand=1&per_record=0");
    assert_eq!(status, 200);
    assert!(page.contains("5. <mark>Sexting</mark>"), "{page}");
}

#[test]
fn a_word_matched_with_typos_is_marked_as_the_index_matched_it() {
    let workspace = Workspace::with_corpus();
    // Two edits from "safeguarding": a letter dropped and two swapped.
    let results = search(&workspace, &["safgaurding"]);
    assert_eq!(results["corrections"][0]["distance"], 2, "{results}");
    assert!(!hits(&results).is_empty());
    for hit in hits(&results) {
        let marked = highlighted_words(hit);
        assert!(
            !marked.is_empty()
                && marked
                    .iter()
                    .all(|word| word.to_lowercase().starts_with("safeguard")),
            "{marked:?}: {hit}"
        );
    }
}

#[test]
fn council_filter_narrows_to_that_council() {
    let workspace = Workspace::with_corpus();
    let all = search(&workspace, &["CSE"]);
    let councils: std::collections::BTreeSet<&str> =
        hits(&all).iter().map(|hit| text(hit, "council")).collect();
    assert_eq!(councils.len(), 3, "{councils:?}");
    let wiltshire = search(&workspace, &["CSE", "--council", "wiltshire"]);
    // Every one of Wiltshire's 11 passages is in its CSE item; 55 in all.
    assert_eq!(hits(&wiltshire).len(), 11, "{wiltshire}");
    assert!(hits(&wiltshire)
        .iter()
        .all(|hit| text(hit, "council") == "Wiltshire"));
    assert_eq!(wiltshire["total"], 11);
    assert_eq!(all["total"], 55);

    let two = search(
        &workspace,
        &[
            "CSE",
            "--council",
            "Wiltshire",
            "--council",
            "WORCESTERSHIRE",
        ],
    );
    let councils: std::collections::BTreeSet<&str> =
        hits(&two).iter().map(|hit| text(hit, "council")).collect();
    assert_eq!(
        councils,
        ["Wiltshire", "Worcestershire"].into_iter().collect()
    );
}

#[test]
fn officer_filter_finds_the_items_the_officer_attended() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["CSE", "--officer", "Blair Keltie"]);
    // Wiltshire's one item, all 11 passages of it.
    assert_eq!(hits(&results).len(), 11, "{results}");
    for hit in hits(&results) {
        assert_eq!(text(hit, "council"), "Wiltshire");
        assert_eq!(hit["officers"][0]["name"], "Blair Keltie");
    }
    let police = search(&workspace, &["CSE", "--officer", "tim martin"]);
    // The CSE item of both publications of the 26 September 2017 minutes:
    // 20 passages in 001 and 6 in 000, 7 of those repeats of 001's.
    assert_eq!(police["total"], 26, "{police}");
    assert_eq!(hits(&police).len(), 19, "{police}");
    assert!(hits(&police)
        .iter()
        .all(|hit| text(hit, "date") == "2017-09-26"));
}

#[test]
fn date_range_keeps_only_the_26_september_2017_records() {
    let workspace = Workspace::with_corpus();
    let results = search(
        &workspace,
        &["CSE", "--from", "2017-01-01", "--to", "2017-12-31"],
    );
    // The same 26 passages as the officer search above: the one dated
    // meeting.
    assert_eq!(results["total"], 26, "{results}");
    // Every matching passage is a hit or listed in a hit's `also_in` (how
    // near-duplicates group can vary with the index's thread layout).
    let listed: usize = hits(&results)
        .iter()
        .map(|hit| 1 + hit["also_in"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(listed, 26, "{results}");
    let mut files = std::collections::BTreeSet::new();
    for hit in hits(&results) {
        assert_eq!(text(hit, "date"), "2017-09-26", "{hit}");
        files.insert(hit["source"]["key"].as_str().unwrap().to_string());
    }
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        vec![
            "staffordshire/000_69e15054d1adbb5c.txt",
            "staffordshire/001_8db6af9c7e41f3bb.txt"
        ]
    );
    let later = workspace
        .scrutiny(&["search", "CSE", "--from", "2017-09-27"])
        .output()
        .unwrap();
    assert_eq!(
        later.status.code(),
        Some(1),
        "no dated record after the meeting"
    );
}

#[test]
fn phrase_query_matches_words_in_order() {
    let workspace = Workspace::with_corpus();
    let results = search(&workspace, &["\"driving licence\""]);
    assert_eq!(hits(&results).len(), 1, "{results}");
    assert!(text(&hits(&results)[0], "text").contains("points on a driving licence"));
    let reversed = workspace
        .scrutiny(&["search", "\"licence driving\""])
        .output()
        .unwrap();
    assert_eq!(reversed.status.code(), Some(1));
}

#[test]
fn and_not_excludes_passages() {
    let workspace = Workspace::with_corpus();
    let cse = search(&workspace, &["CSE"]);
    let without = search(&workspace, &["CSE AND NOT sexting"]);
    // Each of the 27 sexting passages is in a CSE item: 55 - 27.
    assert_eq!(cse["total"], 55);
    assert_eq!(without["total"], 28, "{without}");
    assert_eq!(hits(&without).len(), 28, "{without}");
    for hit in hits(&without) {
        let all_text = format!("{} {}", text(hit, "text"), text(hit, "topic")).to_lowercase();
        assert!(!all_text.contains("sext"), "{hit}");
        assert!(all_text.contains("cse"), "{hit}");
    }
    let either = search(&workspace, &["taxi OR sexting"]);
    let councils: std::collections::BTreeSet<&str> = hits(&either)
        .iter()
        .map(|hit| text(hit, "council"))
        .collect();
    assert_eq!(
        councils,
        ["Staffordshire", "Worcestershire"].into_iter().collect()
    );
}

#[test]
fn field_queries_and_stemming() {
    let workspace = Workspace::with_corpus();
    let by_field = search(&workspace, &["council:wiltshire grooming"]);
    // Grooming is defined in one Wiltshire passage (lines 45-51).
    assert_eq!(hits(&by_field).len(), 1, "{by_field}");
    assert_eq!(by_field["total"], 1, "{by_field}");
    assert!(hits(&by_field)
        .iter()
        .all(|hit| text(hit, "council") == "Wiltshire"));
    // "sexted" and "sexting" share a stem.
    let stemmed = search(&workspace, &["sexted"]);
    assert_eq!(stemmed["total"], search(&workspace, &["sexting"])["total"]);
}

#[test]
fn no_match_exits_1_and_prints_nothing() {
    let workspace = Workspace::with_corpus();
    let output = workspace
        .scrutiny(&["search", "zeppelin"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    use std::io::Read;
    let workspace = Workspace::with_corpus();
    workspace.scrutiny(&["index"]).assert().success();
    for args in [
        vec!["search", "CSE", "--limit", "500", "--all"],
        vec!["search", "CSE", "--limit", "500", "--all", "--json"],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scrutiny"))
            .current_dir(workspace.path())
            .args(&args)
            .arg("-q")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // stdout is now closed: the rest cannot be written.
        let output =
            util::output_with_deadline(child, util::RUN_LIMIT, &format!("scrutiny {args:?}"));
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(
            output.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn a_member_search_reaches_every_passage_of_the_meetings_they_attended() {
    let workspace = Workspace::with_corpus();
    let in_001 = |hit: &Value| hit["source"]["key"] == "staffordshire/001_8db6af9c7e41f3bb.txt";
    // John Francis chaired the Staffordshire meeting of 26 September 2017
    // (001); members are indexed on a record's first passage only.
    let passages_of_001 = passages_in(&workspace, "001_8db6af9c7e41f3bb.txt");
    assert_eq!(passages_of_001, 30);
    let attended = search(&workspace, &["--all", "member:francis"]);
    assert_eq!(attended["total"], passages_of_001);
    assert!(hits(&attended).iter().all(in_001));

    // With words, the record's passages that match them, wherever they
    // stand in it.
    let sexting_in_001 = hits(&search(&workspace, &["--all", "sexting"]))
        .iter()
        .filter(|hit| in_001(hit))
        .count();
    // The whole CSE item: its title names sexting.
    assert_eq!(sexting_in_001, 20);
    let with_member = search(&workspace, &["--all", "sexting member:\"john francis\""]);
    assert_eq!(with_member["total"], sexting_in_001);
    assert!(hits(&with_member).iter().all(in_001));

    // Excluded, the whole record goes.
    let cse = search(&workspace, &["--all", "CSE"]);
    let without = search(&workspace, &["--all", "CSE -member:francis"]);
    let cse_in_001 = hits(&cse).iter().filter(|hit| in_001(hit)).count();
    assert_eq!(cse_in_001, 20);
    assert_eq!(
        without["total"].as_u64().unwrap() + cse_in_001 as u64,
        cse["total"].as_u64().unwrap()
    );
    assert!(!hits(&without).iter().any(in_001));
    // Someone who sent apologies did not attend.
    assert_eq!(search(&workspace, &["member:snape"])["total"], 0);
}

#[test]
fn a_committee_search_reaches_every_passage_of_its_records_and_names_the_committee() {
    let workspace = Workspace::with_corpus();
    // Worcestershire's record (003) is its Children and Families O&S Panel;
    // the committee's words are indexed on a record's first passage only.
    let passages_of_003 = passages_in(&workspace, "003_1493e5dddea95e7c.txt");
    assert_eq!(passages_of_003, 7);
    for found in [
        search(&workspace, &["--all", "committee:panel"]),
        search(&workspace, &["--all", "*", "--committee", "o&s panel"]),
    ] {
        assert_eq!(found["total"], passages_of_003, "{found}");
        for hit in hits(&found) {
            assert_eq!(hit["committee"], "Children and Families O&S Panel");
        }
    }
    // Words and a committee: the record's matching passages, wherever
    // they stand in it; excluded, the whole record goes.
    let cse = search(&workspace, &["--all", "CSE"]);
    let cse_in_003 = hits(&cse)
        .iter()
        .filter(|hit| text(hit, "committee") == "Children and Families O&S Panel")
        .count();
    assert_eq!(cse_in_003, 7);
    let on_panel = search(&workspace, &["--all", "CSE", "--committee", "panel"]);
    assert_eq!(on_panel["total"], cse_in_003);
    let elsewhere = search(&workspace, &["--all", "CSE -committee:panel"]);
    assert_eq!(
        elsewhere["total"].as_u64().unwrap() + cse_in_003 as u64,
        cse["total"].as_u64().unwrap()
    );
    // Every hit still names its committee, first passage or not.
    assert!(hits(&cse)
        .iter()
        .all(|hit| !text(hit, "committee").is_empty()));
}

/// Three records: "send" as a verb, "SEND" as the acronym, and the words
/// the acronym stands for.
fn send_corpus() -> Workspace {
    let workspace = Workspace::empty();
    let write = |path: &str, text: &str| workspace.add_record(path, text);
    write(
        "wiltshire/verb.txt",
        "Minutes of the Licensing Committee held on 2 May 2022\n\n\
         4. Any other business\n\n\
         The clerk agreed to send the revised taxi policy to all members and to \
         send a reminder to the trade before the consultation closed.\n",
    );
    write(
        "staffordshire/acronym.txt",
        "Minutes of the Schools Forum held on 8 June 2022\n\n\
         6. Home to school transport\n\n\
         The forum noted the rising cost of SEND transport and asked for a \
         review of routes shared by several schools.\n",
    );
    write(
        "worcestershire/words.txt",
        "Minutes of the Children and Families Panel held on 9 June 2022\n\n\
         3. High needs funding\n\n\
         The panel heard that places for pupils with special educational needs \
         had grown by a tenth since the last report.\n",
    );
    workspace
}

fn councils_found(results: &Value) -> Vec<String> {
    let mut councils: Vec<String> = hits(results)
        .iter()
        .map(|hit| text(hit, "council").to_string())
        .collect();
    councils.sort();
    councils
}

#[test]
fn the_glossary_send_matches_the_acronym_in_capitals_not_the_verb() {
    let workspace = send_corpus();
    let acronym = search(&workspace, &["SEND"]);
    assert_eq!(
        councils_found(&acronym),
        ["Staffordshire", "Worcestershire"],
        "{acronym}"
    );
    for hit in hits(&acronym) {
        for word in highlighted_words(hit) {
            assert_ne!(word, "send", "{hit}");
        }
    }
    let words = search(&workspace, &["special educational needs"]);
    assert_eq!(
        councils_found(&words),
        ["Staffordshire", "Worcestershire"],
        "{words}"
    );
    // Typed in lower case, it is the everyday word: no glossary group.
    let verb = search(&workspace, &["send"]);
    assert_eq!(verb["expansions"], serde_json::json!([]), "{verb}");
    assert_eq!(
        councils_found(&verb),
        ["Staffordshire", "Wiltshire"],
        "{verb}"
    );
}
