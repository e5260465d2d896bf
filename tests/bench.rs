//! `scrutiny bench --json` reports every figure, on a small generated corpus.
//! Only the shape is checked: timings are measured, never asserted.

mod util;

use util::Workspace;

#[test]
fn bench_json_has_every_figure() {
    let workspace = Workspace::empty();
    workspace
        .scrutiny(&["synth", "--records", "30", "--out", "generated"])
        .assert()
        .success();
    let report = workspace.json(&["bench", "generated", "--repeat", "3"]);
    assert_eq!(report["files"], 30);
    assert!(report["megabytes"].as_f64().unwrap() > 0.0);
    assert!(report["passages"].as_u64().unwrap() > 30);
    for stage in ["walk_and_read", "extract", "split", "index_and_commit"] {
        assert!(report["stages"][stage].as_f64().unwrap() >= 0.0, "{stage}");
    }
    let runs = report["runs"].as_array().unwrap();
    assert_eq!(runs[0]["threads"], 1);
    assert!(runs[0]["one_core"].is_boolean());
    let ceiling = &report["ceiling"];
    assert!(ceiling["threads"].as_u64().unwrap() >= 1);
    for figure in ["read_mb_per_second", "tokenise_mb_per_second"] {
        assert!(ceiling[figure].as_f64().unwrap() > 0.0, "{figure}");
    }
    assert!(ceiling["distinct_terms"].as_u64().unwrap() > 100);
    for run in runs {
        for figure in [
            "wall_seconds",
            "cpu_seconds",
            "mb_per_second",
            "records_per_second",
            "passages_per_second",
            "peak_rss_mb",
        ] {
            assert!(run[figure].as_f64().unwrap() >= 0.0, "{figure}");
        }
    }
    for figure in [
        "thread_speedup",
        "peak_rss_mb",
        "index_megabytes",
        "index_ratio",
    ] {
        assert!(report[figure].as_f64().unwrap() > 0.0, "{figure}: {report}");
    }
    let kinds: Vec<&str> = report["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|query| query["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec![
            "rare word",
            "common word",
            "two words",
            "phrase",
            "by council",
            "by date"
        ]
    );
    for query in report["queries"].as_array().unwrap() {
        let p50 = query["p50_ms"].as_f64().unwrap();
        let p99 = query["p99_ms"].as_f64().unwrap();
        assert!(p50 > 0.0 && p50 <= p99, "{query}");
    }
    // The web pages were served and timed, each answering with a body.
    let pages: Vec<&str> = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|page| page["page"].as_str().unwrap())
        .collect();
    assert_eq!(
        pages,
        [
            "search page",
            "search page, filtered",
            "compare page",
            "timeline page",
            "API search"
        ]
    );
    for page in report["pages"].as_array().unwrap() {
        assert!(page["bytes"].as_u64().unwrap() > 500, "{page}");
        let p50 = page["p50_ms"].as_f64().unwrap();
        assert!(
            p50 > 0.0 && p50 <= page["p99_ms"].as_f64().unwrap(),
            "{page}"
        );
    }
    // The user's index is not touched.
    assert!(!workspace.path().join("index").exists());
}

/// `--queries-only` times the queries on the index as it is, without
/// indexing: the passages it reports are the index's, each given query
/// finds what `search` finds, and a missing index is an error naming it.
#[test]
fn queries_only_times_the_given_queries_on_the_index_as_it_is() {
    let workspace = Workspace::with_corpus();
    let indexed = workspace.json(&["index", "corpus"]);
    let report = workspace.json(&[
        "bench",
        "--queries-only",
        "--repeat",
        "2",
        "--query",
        "sexting",
        "--query",
        "taxi drivers",
    ]);
    assert_eq!(
        report["passages"], indexed["n_passages"],
        "{report}\n{indexed}"
    );
    let queries = report["queries"].as_array().unwrap();
    let given: Vec<&str> = queries
        .iter()
        .map(|query| query["query"].as_str().unwrap())
        .collect();
    assert_eq!(given, vec!["sexting", "taxi drivers"]);
    for query in queries {
        let words = query["query"].as_str().unwrap();
        let searched = workspace.json(&["search", words]);
        assert_eq!(query["kind"], "given");
        assert_eq!(
            query["hits"].as_u64().unwrap() as usize,
            util::hits(&searched).len(),
            "{words}"
        );
        assert!(query["hits"].as_u64().unwrap() > 0, "{words}");
    }
    assert_eq!(report["pages"].as_array().unwrap().len(), 0);

    let missing = workspace
        .scrutiny(&["bench", "--queries-only", "--index", "nowhere"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("nowhere"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}
