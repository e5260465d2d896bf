//! Every front end takes the same request: the command line, the JSON API,
//! a saved search and export, given each filter alone and all of them at
//! once, match the same passages. A filter one front end dropped or read
//! differently would show here as a different set.

mod util;

use std::collections::BTreeSet;

use serde_json::Value;
use util::{hits, Server, Workspace};

/// Each filter as command-line flags, with the number of `CSE` passages it
/// leaves in the seed corpus (55 without any).
const FILTERS: &[(&[&str], usize)] = &[
    (&[], 55),
    (&["--council", "wiltshire"], 11),
    (
        &["--council", "wiltshire", "--council", "worcestershire"],
        18,
    ),
    (&["--committee", "select"], 37),
    (&["--officer", "keltie"], 11),
    (&["--from", "2017-01-01"], 26),
    (&["--to", "2017-12-31"], 26),
    (&["--resolutions"], 1),
    (&["--no-expand"], 55),
    (
        &[
            "--council",
            "staffordshire",
            "--committee",
            "select",
            "--from",
            "2017-09-01",
            "--to",
            "2017-09-30",
        ],
        26,
    ),
];

/// The same flags as URL parameters: `--council x` is `council=x`, a
/// switch `--no-expand` is `no_expand=1`.
fn parameters(flags: &[&str]) -> String {
    let mut pairs = Vec::new();
    let mut flags = flags.iter().peekable();
    while let Some(flag) = flags.next() {
        let name = flag.trim_start_matches("--").replace('-', "_");
        match flags.peek() {
            Some(value) if !value.starts_with("--") => {
                pairs.push(format!("{name}={value}"));
                flags.next();
            }
            _ => pairs.push(format!("{name}=1")),
        }
    }
    pairs.join("&")
}

fn ids(hits: &[Value]) -> BTreeSet<String> {
    hits.iter()
        .map(|hit| hit["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn command_line_api_saved_search_and_export_match_the_same_passages() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    for (number, (flags, expected)) in FILTERS.iter().enumerate() {
        let what = format!("CSE {}", flags.join(" "));

        let mut args = vec![
            "search",
            "CSE",
            "--all",
            "--limit",
            "100",
            "--per-record",
            "0",
        ];
        args.extend_from_slice(flags);
        let cli = ids(hits(&workspace.json(&args)));

        let url = format!(
            "/api/search?q=CSE&all=1&limit=100&per_record=0&{}",
            parameters(flags)
        );
        let (status, api) = server.json(&url);
        assert_eq!(status, 200, "{url}: {api}");
        let api = ids(hits(&api));

        let name = format!("w{number}");
        let mut args = vec!["watch", "add", &name, "CSE", "-q"];
        args.extend_from_slice(flags);
        workspace.scrutiny(&args).assert().success();
        let listed = workspace.json(&["watch", "list"]);
        let saved = listed
            .as_array()
            .unwrap()
            .iter()
            .find(|watch| watch["name"] == name.as_str())
            .unwrap();
        let saved: BTreeSet<String> = saved["seen"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| id.as_str().unwrap().to_string())
            .collect();

        let mut args = vec!["export", "CSE", "--format", "jsonl"];
        args.extend_from_slice(flags);
        let output = workspace.scrutiny(&args).output().unwrap();
        assert!(output.status.success(), "{what}");
        let exported: BTreeSet<String> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|line| {
                let row: Value = serde_json::from_str(line).unwrap();
                row["id"].as_str().unwrap().to_string()
            })
            .collect();

        assert_eq!(cli.len(), *expected, "{what}: the command line");
        assert_eq!(api, cli, "{what}: the API");
        assert_eq!(saved, cli, "{what}: the saved search");
        assert_eq!(exported, cli, "{what}: export");
    }
}

#[test]
fn compare_and_timeline_count_the_same_on_the_command_line_and_the_api() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    for (flags, _) in FILTERS {
        let query = parameters(flags);
        let mut args = vec!["compare", "CSE", "--by", "committee"];
        args.extend_from_slice(flags);
        let (status, api) = server.json(&format!("/api/compare?q=CSE&by=committee&{query}"));
        assert_eq!(status, 200);
        assert_eq!(api, workspace.json(&args), "compare {flags:?}");

        let mut args = vec!["timeline", "CSE"];
        args.extend_from_slice(flags);
        let (status, api) = server.json(&format!("/api/timeline?q=CSE&{query}"));
        assert_eq!(status, 200);
        assert_eq!(api, workspace.json(&args), "timeline {flags:?}");
    }
}

#[test]
fn a_parameter_no_request_takes_is_refused_by_every_web_route() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    for route in [
        "/api/search",
        "/api/compare",
        "/api/timeline",
        "/export.csv",
        "/timeline.svg",
    ] {
        let (status, body) = server.json(&format!("{route}?q=CSE&colour=red"));
        assert_eq!(status, 400, "{route}");
        let error = body["error"].as_str().unwrap();
        assert!(
            error.starts_with("unknown parameter \"colour\"; this page takes q, council, committee, officer, from, to, resolutions, no_expand"),
            "{route}: {error}"
        );
    }
}
