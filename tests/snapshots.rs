//! Whole outputs on the bundled corpus, compared with the accepted copies
//! in `tests/snapshots/`: the terminal output of each command, the HTML of
//! each web page, and the text of each error. What varies between runs (the
//! temporary folder, timings, speeds, memory, timestamps) is masked.
//!
//! After a deliberate change of output, review and accept the new copies
//! with `cargo insta review` (or `INSTA_UPDATE=always cargo test --test
//! snapshots` and read the diff).

mod util;

use util::{Server, Workspace};

/// Masks what differs from run to run, then compares `text` with the
/// snapshot `name`.
fn check(workspace: &Workspace, name: &str, text: &str) {
    let text = text.replace(&workspace.path().display().to_string(), "[WORKSPACE]");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.add_filter(
        r"in \d+(\.\d+)? s \(\d+(\.\d+)? MB/s\)",
        "in [SECONDS] s ([SPEED] MB/s)",
    );
    settings.add_filter(r"\d+(\.\d+)? ms\b", "[MILLISECONDS] ms");
    settings.add_filter(r"peak memory \d+(\.\d+)? MB", "peak memory [MEMORY] MB");
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?",
        "[TIMESTAMP]",
    );
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// A copy of the bundled corpus with its index built.
fn indexed() -> Workspace {
    let workspace = Workspace::with_corpus();
    workspace.scrutiny(&["index", "-q"]).assert().success();
    workspace
}

/// The exit status, standard output and standard error of `scrutiny ARGS`,
/// without colour and 100 columns wide.
fn run(workspace: &Workspace, args: &[&str]) -> String {
    let mut with_colour = args.to_vec();
    with_colour.extend(["--color", "never"]);
    let output = workspace
        .scrutiny(&with_colour)
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    format!(
        "exit status: {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The id of the first hit for `query`.
fn first_id(workspace: &Workspace, query: &str) -> String {
    let results = workspace.json(&["search", query, "--limit", "1"]);
    results["hits"][0]["id"].as_str().unwrap().to_string()
}

/// A page's status and HTML, one element to a line so that a difference
/// shows where it is.
fn page(server: &Server, path: &str) -> String {
    let (status, content_type, body) = server.get(path);
    format!(
        "GET {path}\nstatus: {status}\ncontent-type: {content_type}\n\n{}\n",
        body.replace("><", ">\n<")
    )
}

#[test]
fn search_sexting() {
    let workspace = indexed();
    check(
        &workspace,
        "search_sexting",
        &run(&workspace, &["search", "sexting"]),
    );
}

#[test]
fn search_taxi_in_one_council() {
    let workspace = indexed();
    // Wiltshire's record never mentions taxis: no hits, exit status 1.
    check(
        &workspace,
        "search_taxi_council_wiltshire",
        &run(&workspace, &["search", "taxi", "--council", "wiltshire"]),
    );
    check(
        &workspace,
        "search_taxi_council_worcestershire",
        &run(
            &workspace,
            &["search", "taxi", "--council", "worcestershire"],
        ),
    );
}

#[test]
fn compare_taxi_driver_licensing() {
    let workspace = indexed();
    check(
        &workspace,
        "compare_taxi_driver_licensing",
        &run(&workspace, &["compare", "taxi driver licensing"]),
    );
}

#[test]
fn timeline_cse() {
    let workspace = indexed();
    check(
        &workspace,
        "timeline_cse",
        &run(&workspace, &["timeline", "CSE"]),
    );
}

#[test]
fn extract_one_record() {
    let workspace = Workspace::with_corpus();
    check(
        &workspace,
        "extract_wiltshire",
        &run(
            &workspace,
            &["extract", "corpus/wiltshire/004_d19465a48595deaa.txt"],
        ),
    );
}

#[test]
fn coverage() {
    let workspace = indexed();
    check(&workspace, "coverage", &run(&workspace, &["coverage"]));
}

#[test]
fn show_one_passage() {
    let workspace = indexed();
    let id = first_id(&workspace, "sexting");
    check(&workspace, "show_passage", &run(&workspace, &["show", &id]));
}

#[test]
fn watch_list() {
    let workspace = indexed();
    check(
        &workspace,
        "watch_list_empty",
        &run(&workspace, &["watch", "list"]),
    );
    workspace
        .scrutiny(&["watch", "add", "night-time economy", "taxi OR sexting"])
        .assert()
        .success();
    check(
        &workspace,
        "watch_list_one",
        &run(&workspace, &["watch", "list"]),
    );
}

#[test]
fn web_pages() {
    let workspace = indexed();
    let server = Server::start(&workspace);
    let id = first_id(&workspace, "sexting");
    for (name, path) in [
        ("page_search_sexting", "/?q=sexting".to_string()),
        // "taxi" alone matches one passage; three words give two columns.
        (
            "page_compare_taxi_driver_licensing",
            "/compare?q=taxi+driver+licensing".to_string(),
        ),
        ("page_timeline_cse", "/timeline?q=CSE".to_string()),
        ("page_passage", format!("/passage/{id}?q=sexting")),
        ("page_coverage", "/coverage".to_string()),
        // The error page keeps the query in the form and the views' links,
        // leaving out the parameter at fault.
        ("page_error_bad_date", "/?q=taxi&from=yesterday".to_string()),
    ] {
        check(&workspace, name, &page(&server, &path));
    }
}

#[test]
fn error_messages() {
    let workspace = indexed();
    for (name, args) in [
        (
            "error_unparsable_query",
            vec!["search", "taxi AND OR licence"],
        ),
        ("error_unknown_field", vec!["search", "cuncil:kent"]),
        (
            "error_unknown_council",
            vec!["search", "taxi", "--council", "wiltshre"],
        ),
        (
            "error_bad_date",
            vec!["search", "taxi", "--from", "2017-13-01"],
        ),
        (
            "error_reversed_dates",
            vec![
                "search",
                "taxi",
                "--from",
                "2018-01-01",
                "--to",
                "2017-01-01",
            ],
        ),
    ] {
        check(&workspace, name, &run(&workspace, &args));
    }
    let empty = Workspace::empty();
    check(
        &empty,
        "error_missing_index",
        &run(&empty, &["search", "taxi", "--no-refresh"]),
    );
}
