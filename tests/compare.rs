//! Compare side by side, the timeline and the relevance evaluation.

mod util;

use serde_json::Value;
use util::{text, Workspace};

fn group<'a>(comparison: &'a Value, key: &str) -> &'a Value {
    comparison["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|group| group["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {comparison}"))
}

#[test]
fn taxi_driver_licensing_by_council() {
    let workspace = Workspace::with_corpus();
    let comparison = workspace.json(&["compare", "taxi driver licensing", "--by", "council"]);
    assert_eq!(comparison["query"], "taxi driver licensing");
    assert_eq!(comparison["by"], "council");
    assert_eq!(
        comparison["groups"].as_array().unwrap().len(),
        2,
        "{comparison}"
    );

    let worcestershire = group(&comparison, "Worcestershire");
    assert_eq!(worcestershire["count"], 1);
    assert_eq!(worcestershire["undated"], 1);
    assert_eq!(worcestershire["first_date"], Value::Null);
    assert!(text(&worcestershire["hits"][0], "text").contains("taxi drivers"));

    let staffordshire = group(&comparison, "Staffordshire");
    // Escorts and the driver (001:77), points on a driving licence
    // (001:75), and "CSE and licensing" in the undated report (002).
    assert_eq!(staffordshire["count"], 3);
    assert_eq!(staffordshire["undated"], 1);
    assert_eq!(staffordshire["first_date"], "2017-09-26");
    assert_eq!(staffordshire["last_date"], "2017-09-26");
    let texts: Vec<&str> = staffordshire["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| text(hit, "text"))
        .collect();
    assert!(
        texts.iter().any(|text| text.contains("CSE and licensing")),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|text| text.contains("escorts")),
        "{texts:?}"
    );

    // Counts add up to the total.
    let counted: u64 = comparison["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["count"].as_u64().unwrap())
        .sum();
    assert_eq!(Value::from(counted), comparison["total"]);
}

#[test]
fn compare_prints_columns_side_by_side() {
    let workspace = Workspace::with_corpus();
    let output = workspace
        .scrutiny(&["compare", "taxi driver licensing"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let header = stdout
        .lines()
        .find(|line| line.contains("Staffordshire"))
        .unwrap();
    assert!(header.contains("│ Worcestershire"), "{stdout}");
    assert!(
        stdout.lines().all(|line| line.chars().count() <= 100),
        "{stdout}"
    );
}

#[test]
fn compare_by_year_keeps_undated_records() {
    let workspace = Workspace::with_corpus();
    let comparison = workspace.json(&["compare", "CSE", "--by", "year", "--per", "1"]);
    let keys: Vec<&Value> = comparison["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| &group["key"])
        .collect();
    assert_eq!(keys, vec![&Value::from("2017"), &Value::Null]);
    for group in comparison["groups"].as_array().unwrap() {
        assert_eq!(group["hits"].as_array().unwrap().len(), 1);
    }
}

#[test]
fn timeline_shows_every_council_with_undated_in_its_own_bucket() {
    let workspace = Workspace::with_corpus();
    let timeline = workspace.json(&["timeline", "CSE"]);
    assert_eq!(timeline["years"], Value::from(vec![2017]));
    let councils: Vec<&str> = timeline["councils"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["council"].as_str().unwrap())
        .collect();
    assert_eq!(
        councils,
        vec!["Staffordshire", "Wiltshire", "Worcestershire"]
    );
    for line in timeline["councils"].as_array().unwrap() {
        let dated: u64 = line["years"]
            .as_object()
            .unwrap()
            .values()
            .map(|count| count.as_u64().unwrap())
            .sum();
        assert_eq!(
            dated + line["undated"].as_u64().unwrap(),
            line["total"].as_u64().unwrap()
        );
    }
    // Every council has undated records: Staffordshire's agenda report
    // (002), Wiltshire's and Worcestershire's whole records.
    let counts: Vec<(u64, u64)> = timeline["councils"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["total"].as_u64().unwrap(),
                line["undated"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, [(37, 11), (11, 11), (7, 7)], "{timeline}");
    let output = workspace.scrutiny(&["timeline", "CSE"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.lines().nth(1).unwrap().contains("2017"), "{stdout}");
    assert!(
        stdout.lines().nth(1).unwrap().contains("undated"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
}

#[test]
fn the_seed_judgements_hold_ndcg_at_least_0_95() {
    let workspace = Workspace::with_corpus();
    let judgements =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/judgements/seeds.toml");
    let report = workspace.json(&["eval", judgements.to_str().unwrap()]);
    let ndcg = report["ndcg_at_10"].as_f64().unwrap();
    assert!(ndcg >= 0.95, "nDCG@10 = {ndcg}: {report}");
    assert!(report["mrr"].as_f64().unwrap() >= 0.95, "{report}");
    assert!(report["recall_at_10"].as_f64().unwrap() >= 0.9, "{report}");
    assert_eq!(report["queries"].as_array().unwrap().len(), 13);
}

#[test]
fn eval_without_the_glossary_scores_lower() {
    let workspace = Workspace::with_corpus();
    let judgements =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/judgements/seeds.toml");
    let with = workspace.json(&["eval", judgements.to_str().unwrap()]);
    let without = workspace.json(&["eval", judgements.to_str().unwrap(), "--no-expand"]);
    assert!(
        without["ndcg_at_10"].as_f64().unwrap() < with["ndcg_at_10"].as_f64().unwrap(),
        "the glossary should help: {without} vs {with}"
    );
}

#[test]
fn a_malformed_judged_set_is_named() {
    let workspace = Workspace::with_corpus();
    let bad = workspace.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[query]]\ntext = \"x\"\nrelevant = [{ passage = \"no-line\", grade = 3 }]\n",
    )
    .unwrap();
    let output = workspace
        .scrutiny(&["eval", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("should be `file:line`"));
}

#[test]
fn compare_by_committee_groups_by_exact_committee() {
    let workspace = Workspace::with_corpus();
    let comparison = workspace.json(&["compare", "CSE", "--by", "committee", "--per", "2"]);
    let keys: Vec<&str> = comparison["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            "Safe and Strong Communities Select Committee",
            "Area Board",
            "Select Committee",
            "Children and Families O&S Panel"
        ]
    );
    for group in comparison["groups"].as_array().unwrap() {
        for hit in group["hits"].as_array().unwrap() {
            assert_eq!(hit["committee"], group["key"]);
        }
    }
}

#[test]
fn counts_leave_out_the_passages_of_a_removed_record() {
    let workspace = Workspace::with_corpus();
    let before = workspace.json(&["compare", "CSE", "--by", "council"]);
    let wiltshire = group(&before, "Wiltshire")["count"].as_u64().unwrap();
    assert_eq!(wiltshire, 11);

    // Wiltshire's one record goes; its passages are deleted, not merged
    // away, and the counts must not see them.
    std::fs::remove_file(
        workspace
            .path()
            .join("corpus/wiltshire/004_d19465a48595deaa.txt"),
    )
    .unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let after = workspace.json(&["compare", "CSE", "--by", "council"]);
    assert_eq!(
        after["total"].as_u64().unwrap() + wiltshire,
        before["total"].as_u64().unwrap()
    );
    let councils: Vec<&str> = after["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["key"].as_str().unwrap())
        .collect();
    assert_eq!(councils, vec!["Staffordshire", "Worcestershire"]);
    let timeline = workspace.json(&["timeline", "CSE"]);
    assert_eq!(timeline["councils"].as_array().unwrap().len(), 2);
}

/// Compare ranks every group's passages in one pass over the matches; the
/// answer is the one a ranked search per group gave before, to the byte,
/// for every grouping, with filters, with typos and glossary terms, on the
/// bundled corpus and on generated minutes from many councils.
#[test]
fn one_pass_gives_the_groups_and_passages_of_a_search_per_group() {
    use scrutiny::compare::{compare, compare_searching_each_group, GroupBy};
    use scrutiny::glossary::Glossary;
    use scrutiny::index::ScrutinyIndex;
    use scrutiny::request::{CompareRequest, Filters, Selection};

    let workspace = Workspace::with_corpus();
    workspace
        .scrutiny(&[
            "synth",
            "--records",
            "600",
            "--seed",
            "5",
            "--out",
            "corpus/synth",
        ])
        .assert()
        .success();
    workspace.scrutiny(&["index", "-q"]).assert().success();
    let index = ScrutinyIndex::open(&workspace.path().join("index")).unwrap();
    let glossary = Glossary::builtin();
    let date = |text: &str| Some(text.parse().unwrap());
    let filters = [
        Filters::default(),
        Filters {
            from: date("2012-01-01"),
            to: date("2018-12-31"),
            ..Filters::default()
        },
        Filters {
            councils: vec!["staffordshire".into(), "wiltshire".into(), "kent".into()],
            ..Filters::default()
        },
        Filters {
            resolutions: true,
            ..Filters::default()
        },
    ];
    let mut compared = 0;
    let mut turn = 0;
    for query in [
        "taxi driver licensing",
        "CSE",
        "sexting",
        "safgaurding children",
        "\"child sexual exploitation\" OR missing",
        "Prevent radicalisation",
    ] {
        for by in [GroupBy::Council, GroupBy::Committee, GroupBy::Year] {
            for (number, filters) in filters.iter().enumerate() {
                turn += 1;
                {
                    let per = [1, 3, 10][turn % 3];
                    let request = CompareRequest {
                        selection: Selection {
                            query: Some(query.into()),
                            filters: filters.clone(),
                            no_expand: false,
                        },
                        by,
                        per,
                    };
                    let one = compare(&index, &request, Some(&glossary));
                    let each = compare_searching_each_group(&index, &request, Some(&glossary));
                    let (one, each) = match (one, each) {
                        (Ok(one), Ok(each)) => (one, each),
                        (Err(one), Err(each)) => {
                            assert_eq!(one.to_string(), each.to_string());
                            continue;
                        }
                        (one, each) => panic!("{query} by {by:?}: {one:?} / {each:?}"),
                    };
                    assert!(
                        serde_json::to_string(&one).unwrap()
                            == serde_json::to_string(&each).unwrap(),
                        "{query:?} by {by:?}, filters #{number}, {per} per group:\n{}\n\n{}",
                        serde_json::to_string_pretty(&one).unwrap(),
                        serde_json::to_string_pretty(&each).unwrap()
                    );
                    if !one.groups.is_empty() {
                        compared += 1;
                    }
                }
            }
        }
    }
    assert!(compared > 50, "only {compared} comparisons had groups");
}
