//! Load on `scrutiny serve` while the index is rebuilt underneath it, and a
//! flood of malformed requests. The load generator is here: plain threads,
//! each a client making one HTTP/1.1 request per connection.
//!
//! The test suite runs 8 clients for 5 seconds. RELIABILITY.md's figures
//! come from the longer run:
//!
//!     SCRUTINY_LOAD_CLIENTS=32 SCRUTINY_LOAD_SECONDS=30 cargo test --release --test load -- --nocapture
//!
//! `SCRUTINY_LOAD_RECORDS` sets the generated corpus (1,500 records),
//! `SCRUTINY_LOAD_NICE` the rebuilds' `--nice` (their default when unset),
//! and `SCRUTINY_LOAD_REBUILD=0` leaves the index alone, for the figure
//! without indexing beside it (BENCHMARKS.md compares the three).

mod util;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use util::{Server, Workspace};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Sends raw bytes as one request; returns the status line's code, or
/// `None` if the server closed the connection without answering.
fn raw_request(address: &str, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    // The server may answer and close before reading everything we send.
    let _ = stream.write_all(request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    let status = text.strip_prefix("HTTP/1.1 ")?.get(..3)?;
    status.parse().ok()
}

const QUERIES: &[&str] = &[
    "/?q=sexting",
    "/?q=taxi+drivers&page=2",
    "/?q=CSE&council=kent",
    "/?q=%22child+sexual+exploitation%22",
    "/api/search?q=licensing&limit=20",
    "/api/search?q=escort+checks&from=2010-01-01",
    "/compare?q=taxi+driver+licensing&by=council",
    "/api/timeline?q=sexting",
    "/coverage",
    "/?q=safeguarding&resolutions=1",
];

#[test]
fn the_server_answers_every_request_while_the_index_is_rebuilt() {
    let clients = setting("SCRUTINY_LOAD_CLIENTS", 8) as usize;
    let seconds = setting("SCRUTINY_LOAD_SECONDS", 5);
    let records = setting("SCRUTINY_LOAD_RECORDS", 1500).to_string();
    let rebuild = setting("SCRUTINY_LOAD_REBUILD", 1) != 0;
    let nice = std::env::var("SCRUTINY_LOAD_NICE").ok();
    let workspace = Workspace::empty();
    workspace
        .scrutiny(&[
            "synth",
            "--records",
            &records,
            "--seed",
            "3",
            "--out",
            "corpus",
        ])
        .assert()
        .success();
    workspace.scrutiny(&["index", "-q"]).assert().success();
    let server = Server::start(&workspace);
    let address = server.url.trim_start_matches("http://").to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let mut handles = Vec::new();
    for client in 0..clients {
        let stop = Arc::clone(&stop);
        let address = address.clone();
        handles.push(std::thread::spawn(move || {
            let mut latencies = Vec::new();
            let mut errors = Vec::new();
            let mut turn = client;
            while !stop.load(Ordering::Relaxed) {
                let path = QUERIES[turn % QUERIES.len()];
                turn += 1;
                let request =
                    format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
                let started = Instant::now();
                match raw_request(&address, request.as_bytes()) {
                    Some(200) => latencies.push(started.elapsed()),
                    other => errors.push(format!("{path}: {other:?}")),
                }
            }
            (latencies, errors)
        }));
    }
    // Rebuild the index under the server for the whole run.
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut rebuilds = 0;
    let mut index = vec!["index", "-q", "--rebuild"];
    if let Some(nice) = &nice {
        index.extend(["--nice", nice.as_str()]);
    }
    while Instant::now() < deadline {
        if !rebuild {
            std::thread::sleep(Duration::from_millis(100));
            continue;
        }
        workspace.scrutiny(&index).assert().success();
        rebuilds += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    let mut errors = Vec::new();
    for handle in handles {
        let (mut client_latencies, mut client_errors) = handle.join().unwrap();
        latencies.append(&mut client_latencies);
        errors.append(&mut client_errors);
    }
    assert!(
        errors.is_empty(),
        "{} failed requests, e.g. {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    assert!(!latencies.is_empty());
    latencies.sort();
    let at = |quantile: f64| {
        latencies[((latencies.len() - 1) as f64 * quantile) as usize].as_secs_f64() * 1000.0
    };
    eprintln!(
        "load: {clients} clients, {seconds} s, {records} records, {rebuilds} rebuilds underneath \
         (--nice {}): {} requests, 0 errors, \
         {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        nice.as_deref().unwrap_or("default"),
        latencies.len(),
        latencies.len() as f64 / seconds as f64,
        at(0.50),
        at(0.99),
        at(1.0)
    );
    // The server's own figures: its peak memory under the load, its
    // threads, and what it holds once the load has stopped.
    let figure = |name: &str| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|value| value.split_whitespace().next()?.parse().ok())
            .unwrap()
    };
    let (peak, threads) = (figure("VmHWM:"), figure("Threads:"));
    std::thread::sleep(Duration::from_secs(5));
    eprintln!(
        "load: server peak memory {:.0} MB, {threads} threads; {:.0} MB resident 5 s after the load",
        peak as f64 / 1024.0,
        figure("VmRSS:") as f64 / 1024.0
    );
    // Two async workers, at most four search threads and the runtime's own:
    // the clients wait their turn rather than each getting a thread.
    assert!(threads <= 10, "{threads} threads");
}

#[test]
fn malformed_and_oversized_requests_get_clean_client_errors() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    let address = server.url.trim_start_matches("http://").to_string();
    let host = format!("Host: {address}\r\n");
    let long_query = format!(
        "GET /?q={} HTTP/1.1\r\n{host}Connection: close\r\n\r\n",
        "a".repeat(600)
    );
    let huge_uri = format!(
        "GET /?q={} HTTP/1.1\r\n{host}Connection: close\r\n\r\n",
        "a".repeat(200_000)
    );
    let many_headers = format!(
        "GET / HTTP/1.1\r\n{host}{}Connection: close\r\n\r\n",
        (0..2000)
            .map(|n| format!("X-Header-{n}: value\r\n"))
            .collect::<String>()
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("over-long query", long_query.into_bytes()),
        ("200 KB URI", huge_uri.into_bytes()),
        ("2,000 headers", many_headers.into_bytes()),
        ("bad percent-encoding", format!("GET /api/search?q=%ZZ%&limit=%FF HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes()),
        ("non-UTF-8 query", [b"GET /api/search?q=".as_slice(), b"\xff\xfe", format!(" HTTP/1.1\r\n{host}Connection: close\r\n\r\n").as_bytes()].concat()),
        ("path traversal", format!("GET /passage/..%2F..%2Fetc%2Fpasswd HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes()),
        ("unknown route", format!("GET /../../etc/passwd HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes()),
        ("POST", format!("POST / HTTP/1.1\r\n{host}Content-Length: 5\r\nConnection: close\r\n\r\nhello").into_bytes()),
        ("DELETE", format!("DELETE /api/search HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes()),
        ("garbage request line", b"\x16\x03\x01\x02\x00 not http at all\r\n\r\n".to_vec()),
        ("bad version", format!("GET / HTTP/9.9\r\n{host}Connection: close\r\n\r\n").into_bytes()),
        ("limit out of range", format!("GET /api/search?q=taxi&limit=1000000 HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes()),
        ("page out of range", format!("GET /?q=taxi&page=99999999999999999999 HTTP/1.1\r\n{host}Connection: close\r\n\r\n").into_bytes()),
    ];
    let mut answered = 0;
    for _ in 0..20 {
        for (what, request) in &cases {
            match raw_request(&address, request) {
                Some(status) => {
                    assert!((400..500).contains(&status), "{what}: status {status}");
                    answered += 1;
                }
                None => panic!("{what}: the server closed the connection without an answer"),
            }
        }
    }
    // And it still serves ordinary requests.
    let (status, _, _) = server.get("/?q=sexting");
    assert_eq!(status, 200);
    eprintln!("flood: {answered} malformed or oversized requests, every one a 4xx");
}
