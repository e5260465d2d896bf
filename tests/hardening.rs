//! Regression tests for inputs that once crashed, hung, corrupted or
//! silently dropped work (RELIABILITY.md lists each finding).

mod util;

use std::os::unix::fs::symlink;

use serde_json::Value;
use util::Workspace;

/// Links to devices and pipes, and hidden files, named like records, are
/// each named on stderr and make the run exit 1; the real records are
/// indexed. Ordinary hidden files (.DS_Store) pass without a word.
#[test]
fn paths_passed_over_are_each_named() {
    let workspace = Workspace::with_corpus();
    let kent = workspace.path().join("corpus/kent");
    std::fs::create_dir(&kent).unwrap();
    symlink("/dev/zero", kent.join("zero.txt")).unwrap();
    symlink("/dev/urandom", kent.join("random.pdf")).unwrap();
    std::fs::write(kent.join("..txt"), "Agenda item\n\nHidden\n\nText.\n").unwrap();
    std::fs::write(kent.join("...txt"), "Agenda item\n\nHidden\n\nText.\n").unwrap();
    std::fs::write(kent.join(".DS_Store"), "not a record").unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(kent.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(status.success());

    let output = workspace
        .scrutiny(&["index", "--rebuild"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let named: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("scrutiny: cannot index"))
        .collect();
    assert_eq!(
        named,
        [
            "scrutiny: cannot index corpus/kent/...txt: a hidden file (its name starts with a dot); not read (rename it to index it)",
            "scrutiny: cannot index corpus/kent/..txt: a hidden file (its name starts with a dot); not read (rename it to index it)",
            "scrutiny: cannot index corpus/kent/pipe.txt: not a regular file (a pipe, socket or device); not read",
            "scrutiny: cannot index corpus/kent/random.pdf: a symbolic link to a pipe, socket or device, not a regular file; not read",
            "scrutiny: cannot index corpus/kent/zero.txt: a symbolic link to a pipe, socket or device, not a regular file; not read",
        ],
        "{stderr}"
    );
    let summary = workspace.json(&["index"]);
    assert_eq!(summary["n_files"], 5);
    let coverage = workspace.json(&["coverage", "--no-refresh"]);
    assert_eq!(coverage["skipped"].as_array().unwrap().len(), 5);
}

/// A pipe named on the command line is refused at once, not waited on.
#[test]
fn extract_refuses_a_pipe() {
    let workspace = Workspace::empty();
    let pipe = workspace.path().join("p.txt");
    let status = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(status.success());
    let output = workspace
        .scrutiny(&["extract", "p.txt"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "scrutiny: cannot read p.txt: not a regular file (a folder, pipe or device cannot be read as a record)\n"
    );
}

fn passages(workspace: &Workspace, args: &[&str]) -> u64 {
    workspace.json(args)["total"].as_u64().unwrap()
}

/// Dates beyond what the index can hold neither panic nor wrap round: a
/// range reaching past them means "to the last", one wholly beyond them
/// matches nothing (the seeds have 26 dated CSE passages, all in 2017).
#[test]
fn far_dates_in_filters_answer_sensibly() {
    let workspace = Workspace::with_corpus();
    for (args, expected) in [
        (&["--to", "9999-12-31"][..], 26),
        (&["--from", "0001-01-01"], 26),
        (&["--from", "1600-01-01", "--to", "2262-04-12"], 26),
        (&["--from", "2500-01-01"], 0),
        (&["--to", "1700-01-01"], 0),
    ] {
        let mut search = vec!["search", "CSE"];
        search.extend_from_slice(args);
        assert_eq!(passages(&workspace, &search), expected, "{args:?}");
        let mut compare = vec!["compare", "CSE"];
        compare.extend_from_slice(args);
        assert_eq!(passages(&workspace, &compare), expected, "{args:?}");
        let mut timeline = vec!["timeline", "CSE"];
        timeline.extend_from_slice(args);
        let timeline = workspace.json(&timeline);
        let counted: u64 = timeline["councils"]
            .as_array()
            .unwrap()
            .iter()
            .map(|council| council["total"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, expected, "{args:?}");
    }
    let server = util::Server::start(&workspace);
    for path in [
        "/api/search?q=CSE&to=9999-12-31",
        "/api/compare?q=CSE&to=9999-12-31",
        "/api/timeline?q=CSE&to=9999-12-31",
    ] {
        let (status, body) = server.json(path);
        assert_eq!(status, 200, "{path}: {body}");
    }
    let (status, _, page) = server.get("/?q=CSE&to=9999-12-31");
    assert_eq!(status, 200);
    // Two passages of each of the two dated records on the page.
    assert!(page.contains("Passages 1–4 of 26 matching"), "{page}");
}

/// A meeting date outside 1800–2199 is never stored as another day: a
/// sidecar stating one fails its file, naming it; a text header with one
/// leaves the date unknown.
#[test]
fn far_meeting_dates_are_refused_or_left_unknown() {
    let workspace = Workspace::with_corpus();
    let kent = workspace.path().join("corpus/kent");
    std::fs::create_dir(&kent).unwrap();
    let record = "Agenda item\n\nQuokka licensing\n\nThe panel discussed quokka licensing.\n";
    std::fs::write(kent.join("early.txt"), record).unwrap();
    std::fs::write(kent.join("early.txt.meta.toml"), "date = \"0217-09-26\"\n").unwrap();
    std::fs::write(
        kent.join("late.txt"),
        format!("Meeting: 31/12/9999\n\n{record}"),
    )
    .unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "scrutiny: cannot index corpus/kent/early.txt: sidecar corpus/kent/early.txt.meta.toml: \
             date \"0217-09-26\" is outside the meeting dates scrutiny keeps (1800-01-01 to 2199-12-31)"
        ),
        "{stderr}"
    );
    let found = workspace.json(&["search", "quokka"]);
    let hits = util::hits(&found);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["source"]["key"], "kent/late.txt");
    assert_eq!(hits[0]["date"], Value::Null);
}

/// Twenty saved searches added at once are all saved, and each command
/// that exits 0 saved its search.
#[test]
fn concurrent_saved_searches_are_all_kept() {
    let workspace = Workspace::with_corpus();
    workspace.scrutiny(&["index", "-q"]).assert().success();
    let program = assert_cmd::cargo::cargo_bin("scrutiny");
    let children: Vec<_> = (0..20)
        .map(|number| {
            std::process::Command::new(&program)
                .current_dir(workspace.path())
                .args([
                    "watch",
                    "add",
                    &format!("w{number}"),
                    "taxi",
                    "--no-refresh",
                    "-q",
                ])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        let status = util::wait_with_deadline(&mut child, util::RUN_LIMIT, "watch add");
        assert!(status.success());
    }
    let listed = workspace.json(&["watch", "list"]);
    let mut names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|watch| watch["name"].as_str().unwrap())
        .collect();
    names.sort_by_key(|name| name[1..].parse::<u32>().unwrap());
    let expected: Vec<String> = (0..20).map(|number| format!("w{number}")).collect();
    assert_eq!(names, expected);
}

/// Queries built to exhaust the stack or memory are refused with the
/// column and a hint, on the command line and the API alike.
#[test]
fn queries_too_deep_or_too_long_are_refused() {
    let workspace = Workspace::with_corpus();
    let deep = format!("{}taxi{}", "(".repeat(10_000), ")".repeat(10_000));
    let chain = format!("{}taxi", "NOT ".repeat(1_000));
    let many: String = (0..17_000).map(|number| format!("w{number} ")).collect();
    let or_chain = (0..5_000)
        .map(|number| format!("w{number}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    for (query, message) in [
        (
            &deep[..],
            "at column 33: brackets nest more than 32 deep here",
        ),
        (
            &chain,
            "at column 1025: the query has more than 256 words and operators",
        ),
        (
            &many[..3_000],
            "the query has more than 256 words and operators",
        ),
        (&or_chain, "the query has more than 256 words and operators"),
        ("NOT NOT taxi", "at column 1: NOT NOT cancels itself"),
    ] {
        let output = workspace
            .scrutiny(&["search", query, "-q"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{message}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{stderr}");
        // The query is shown as the stretch around the column, not whole.
        assert!(stderr.len() < 600, "{}", stderr.len());
    }
    let output = workspace
        .scrutiny(&["search", &many, "-q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the limit is 100000"));
}

/// A query error never sends the terminal the control characters of a
/// query: the query is read without them, and what an error shows of a
/// query has any left escaped.
#[test]
fn a_query_error_never_echoes_control_characters() {
    let workspace = Workspace::with_corpus();
    let output = workspace
        .scrutiny(&["search", "taxi \u{1b}]0;pwned\u{7} AND OR x", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "scrutiny: error: in the query at column 14: AND needs a term on each side\n  \
         taxi 0 pwned AND OR x\n               ^\n\
         hint: write `a AND b`, or quote \"AND\" to search for the word\n"
    );
    let shown = scrutiny::render::terminal::query_error(&scrutiny::error::QueryError {
        query: "a\u{1b}]0;x\u{7} b".into(),
        column: 1,
        message: "m".into(),
        hint: None,
    });
    assert_eq!(
        shown,
        "scrutiny: error: in the query at column 1: m\n  a\\u{1b}]0;x\\u{7} b\n  ^\n"
    );
}

/// The server's threads and connections are bounded: 64 clients at once
/// get answers from a fixed pool (its thread count stays small), and
/// hundreds of connections that send half a request and stall neither keep
/// others out for good nor hold the server's descriptors.
#[test]
fn the_server_bounds_its_threads_and_its_connections() {
    use std::io::{Read, Write};

    let workspace = Workspace::with_corpus();
    let server = util::Server::start(&workspace);
    let address = server
        .url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let clients: Vec<_> = (0..64)
        .map(|number| {
            let address = address.clone();
            std::thread::spawn(move || {
                let path = if number % 2 == 0 {
                    "/api/compare?q=CSE+taxi+licensing"
                } else {
                    "/?q=safeguarding"
                };
                let mut stream = std::net::TcpStream::connect(&address).unwrap();
                stream.set_read_timeout(Some(util::REQUEST_LIMIT)).unwrap();
                write!(
                    stream,
                    "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
                let mut answer = String::new();
                stream.read_to_string(&mut answer).unwrap();
                answer
            })
        })
        .collect();
    for client in clients {
        assert!(client.join().unwrap().starts_with("HTTP/1.1 200"));
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
    let threads: usize = status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Two async workers, at most four search threads, and the runtime's own.
    assert!(threads <= 10, "{threads} threads");

    // More stalled connections than the server serves at once.
    let stalled: Vec<std::net::TcpStream> = (0..400)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(&address).unwrap();
            stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
            stream
        })
        .collect();
    let (status, body) = server.json("/api/search?q=taxi");
    assert_eq!(status, 200, "{body}");
    let open = std::fs::read_dir(format!("/proc/{}/fd", server.pid()))
        .unwrap()
        .count();
    assert!(open < 300, "{open} descriptors open");
    drop(stalled);
}

/// Query strings that do not decode are refused with 400, not searched as
/// replacement characters.
#[test]
fn undecodable_query_strings_are_refused() {
    let workspace = Workspace::with_corpus();
    let server = util::Server::start(&workspace);
    for (path, message) in [
        (
            "/api/search?q=%ff%fe",
            "\"q=%ff%fe\" does not decode to UTF-8 text",
        ),
        (
            "/api/search?q=%",
            "\"q=%\" has a % that is not followed by two hex digits (write a literal % as %25)",
        ),
        (
            "/api/search?q=%zz",
            "\"q=%zz\" has a % that is not followed by two hex digits (write a literal % as %25)",
        ),
    ] {
        let (status, body) = server.json(path);
        assert_eq!(status, 400, "{path}");
        assert_eq!(body["error"], message, "{path}");
    }
}

/// Names with control characters are shown escaped, one name to a line; a
/// saved search may not have one.
#[test]
fn names_with_control_characters_stay_on_one_line() {
    let workspace = Workspace::with_corpus();
    let odd = workspace.path().join("corpus/wiltshire/two\nlines.txt");
    std::fs::write(&odd, "").unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "scrutiny: cannot index corpus/wiltshire/two\\nlines.txt: an empty file (0 bytes)\n"
        ),
        "{stderr}"
    );
    let output = workspace
        .scrutiny(&["watch", "add", "two\nlines", "taxi"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("a name is one line of printable text")
    );
}

/// `export --out` replaces nothing without `--force`.
#[test]
fn export_does_not_replace_a_file_unasked() {
    let workspace = Workspace::with_corpus();
    std::fs::write(workspace.path().join("taxi.csv"), "keep me").unwrap();
    let output = workspace
        .scrutiny(&["export", "taxi", "--format", "csv", "--out", "taxi.csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("taxi.csv is already there; add --force to replace what is in it"));
    assert_eq!(
        std::fs::read_to_string(workspace.path().join("taxi.csv")).unwrap(),
        "keep me"
    );
    workspace
        .scrutiny(&[
            "export", "taxi", "--format", "csv", "--out", "taxi.csv", "--force",
        ])
        .assert()
        .success();
    let written = std::fs::read_to_string(workspace.path().join("taxi.csv")).unwrap();
    assert!(
        written.starts_with("id,council,committee,date"),
        "{written}"
    );
}

/// An index folder inside the corpus is refused before anything is written.
#[test]
fn an_index_among_the_records_is_refused() {
    let workspace = Workspace::with_corpus();
    for index in ["corpus", "corpus/wiltshire/index", "corpus/new/index"] {
        let output = workspace
            .scrutiny(&["index", "corpus", "--index", index])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{index}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!(
                "scrutiny: error: the index {index} would be written among the records of corpus \
                 corpus; give an index folder outside it, e.g. --index corpus.index\n"
            )
        );
    }
    assert!(!workspace.path().join("corpus/wiltshire/index").exists());
    assert!(!workspace.path().join("corpus/new").exists());
}

/// The server's coverage ledger follows each new commit.
#[test]
fn coverage_follows_new_commits() {
    let workspace = Workspace::with_corpus();
    let server = util::Server::start(&workspace);
    let (_, coverage) = server.json("/api/coverage");
    assert_eq!(coverage["records"], 5);
    std::fs::write(
        workspace
            .path()
            .join("corpus/wiltshire/2019-05-01-board.txt"),
        "Agenda item\n\nTaxi licensing\n\nThe board discussed taxi licensing.\n",
    )
    .unwrap();
    workspace.scrutiny(&["index", "-q"]).assert().success();
    let mut records = 5;
    for _ in 0..100 {
        records = server.json("/api/coverage").1["records"].as_u64().unwrap();
        if records == 6 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(records, 6);
}
