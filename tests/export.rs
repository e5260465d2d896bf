//! Export: CSV and JSON lines with every field, and the whole index as
//! OpenSearch or Quickwit files (checked against golden files), pushed to a
//! stub engine on loopback.
//!
//! The golden files under `tests/golden/` are what the bundled corpus
//! exports to; after a deliberate change to extraction or the export
//! format, rewrite them with `SCRUTINY_UPDATE_GOLDEN=1 cargo test --test
//! export` and review the diff.

mod util;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use util::{hits, Server, Workspace};

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("SCRUTINY_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    assert!(
        expected == actual,
        "{name} differs from its golden file; if the change is meant, rewrite it with SCRUTINY_UPDATE_GOLDEN=1"
    );
}

#[test]
fn csv_and_jsonl_hold_every_matching_passage_with_every_field() {
    let workspace = Workspace::with_corpus();
    let all = workspace.json(&[
        "search",
        "sexting",
        "--all",
        "--limit",
        "1000",
        "--per-record",
        "0",
    ]);
    let mut expected: Vec<String> = hits(&all)
        .iter()
        .map(|hit| hit["id"].as_str().unwrap().to_string())
        .collect();
    expected.sort();
    assert_eq!(expected.len() as u64, all["total"].as_u64().unwrap());

    workspace
        .scrutiny(&[
            "export",
            "sexting",
            "--format",
            "csv",
            "--out",
            "sexting.csv",
        ])
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(workspace.path().join("sexting.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, scrutiny::export::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut ids: Vec<String> = rows.iter().map(|row| row[0].to_string()).collect();
    ids.sort();
    assert_eq!(ids, expected);
    // Multi-line passage text survives the round trip.
    let first = hits(&all)[0].clone();
    let row = rows
        .iter()
        .find(|row| row[0] == *first["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(&row[15], first["text"].as_str().unwrap());
    assert_eq!(&row[1], first["council"].as_str().unwrap());

    let output = workspace
        .scrutiny(&[
            "export",
            "sexting",
            "--format",
            "jsonl",
            "--council",
            "staffordshire",
        ])
        .output()
        .unwrap();
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), expected.len());
    assert!(lines.iter().all(|line| line["council"] == "Staffordshire"));
}

#[test]
fn the_whole_index_exports_for_opensearch_and_quickwit_as_the_golden_files() {
    let workspace = Workspace::with_corpus();
    let coverage = workspace.json(&["coverage"]);
    let passages = coverage["passages"].as_u64().unwrap() as usize;

    workspace
        .scrutiny(&["export", "--all", "--format", "opensearch", "--out", "os"])
        .assert()
        .success();
    let dir = workspace.path().join("os");
    let body = std::fs::read_to_string(dir.join("index.json")).unwrap();
    serde_json::from_str::<Value>(&body).unwrap();
    golden("opensearch-index.json", &body);
    let bulk = std::fs::read_to_string(dir.join("bulk-0001.ndjson")).unwrap();
    let lines: Vec<Value> = bulk
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        2 * passages,
        "an action and a document per passage"
    );
    for pair in lines.chunks(2) {
        assert_eq!(pair[0]["index"]["_id"], pair[1]["id"]);
        assert_eq!(pair[0]["index"]["_index"], "scrutiny");
    }
    golden("opensearch-bulk.ndjson", &bulk);

    workspace
        .scrutiny(&["export", "--all", "--format", "quickwit", "--out", "qw"])
        .assert()
        .success();
    let dir = workspace.path().join("qw");
    golden(
        "quickwit-index-config.yaml",
        &std::fs::read_to_string(dir.join("index-config.yaml")).unwrap(),
    );
    let docs = std::fs::read_to_string(dir.join("docs-0001.ndjson")).unwrap();
    let documents: Vec<Value> = docs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(documents.len(), passages);
    // The same documents as the OpenSearch bulk file.
    let bulk_documents: Vec<&Value> = lines.iter().skip(1).step_by(2).collect();
    assert_eq!(documents.iter().collect::<Vec<_>>(), bulk_documents);
    // Dated documents carry the engines' timestamp.
    let dated = documents
        .iter()
        .find(|document| document["date"] == "2017-09-26")
        .unwrap();
    assert_eq!(dated["meeting_date"], "2017-09-26T00:00:00Z");
}

/// A request the stub engine received: method, path, content type, body.
type Received = (String, String, String, Vec<u8>);

/// A stub engine on loopback: answers 200 to every request and records
/// each one.
fn stub_engine() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let recorded = Arc::clone(&recorded);
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = request_line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_string();
                    let path = parts.next().unwrap_or_default().to_string();
                    let (mut length, mut content_type) = (0usize, String::new());
                    loop {
                        let mut header = String::new();
                        reader.read_line(&mut header).unwrap();
                        let header = header.trim_end();
                        if header.is_empty() {
                            break;
                        }
                        let (name, value) = header.split_once(':').unwrap();
                        match name.to_ascii_lowercase().as_str() {
                            "content-length" => length = value.trim().parse().unwrap(),
                            "content-type" => content_type = value.trim().to_string(),
                            _ => {}
                        }
                    }
                    let mut body = vec![0; length];
                    reader.read_exact(&mut body).unwrap();
                    recorded
                        .lock()
                        .unwrap()
                        .push((method, path, content_type, body));
                    let answer = b"{\"errors\":false}";
                    write!(
                        writer,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                        answer.len()
                    )
                    .unwrap();
                    writer.write_all(answer).unwrap();
                }
            });
        }
    });
    (address, requests)
}

#[test]
fn push_sends_well_formed_bulk_requests_to_the_engine() {
    let workspace = Workspace::with_corpus();
    let (address, requests) = stub_engine();
    workspace
        .scrutiny(&[
            "export",
            "--all",
            "--format",
            "opensearch",
            "--out",
            "os",
            "--push",
            &address,
        ])
        .assert()
        .success();
    let sent = requests.lock().unwrap().clone();
    assert_eq!(sent.len(), 2, "the index body, then one bulk chunk");
    let dir = workspace.path().join("os");
    assert_eq!(
        (sent[0].0.as_str(), sent[0].1.as_str()),
        ("PUT", "/scrutiny")
    );
    assert_eq!(sent[0].2, "application/json");
    assert_eq!(sent[0].3, std::fs::read(dir.join("index.json")).unwrap());
    assert_eq!((sent[1].0.as_str(), sent[1].1.as_str()), ("POST", "/_bulk"));
    assert_eq!(sent[1].2, "application/x-ndjson");
    assert_eq!(
        sent[1].3,
        std::fs::read(dir.join("bulk-0001.ndjson")).unwrap()
    );
    assert!(
        sent[1].3.ends_with(b"\n"),
        "a bulk body ends with a newline"
    );

    let (address, requests) = stub_engine();
    workspace
        .scrutiny(&[
            "export", "--all", "--format", "quickwit", "--out", "qw", "--push", &address,
        ])
        .assert()
        .success();
    let sent = requests.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].0.as_str(), sent[0].1.as_str()),
        ("POST", "/api/v1/scrutiny/ingest")
    );

    // Nothing is sent without --push, and bad combinations are refused.
    let output = workspace
        .scrutiny(&["export", "taxi", "--format", "csv", "--push", &address])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("use it with --format opensearch or quickwit"));
    let output = workspace
        .scrutiny(&["export", "--all", "--format", "opensearch"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("the following required arguments were not provided:\n  --out <PATH>"));
}

#[test]
fn the_web_page_offers_the_same_downloads() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    let (_, _, page) = server.get("/?q=sexting");
    assert!(page.contains("href=\"/export.csv?q=sexting\""));
    let (status, content_type, served) = server.get("/export.csv?q=sexting&council=staffordshire");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"));
    let printed = workspace
        .scrutiny(&[
            "export",
            "sexting",
            "--council",
            "staffordshire",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(served, String::from_utf8(printed.stdout).unwrap());
    let (status, body) = server.json("/export.jsonl");
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("q is required"));
}
