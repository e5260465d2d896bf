//! `scrutiny fetch` against fake ModernGov sites on 127.0.0.1 (see
//! `fetch/site.rs`): nothing here reaches another address.

#[path = "fetch/site.rs"]
mod site;
mod util;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use site::{Council, FakeCommittee, FakeItem, FakeMeeting, FakeSite, Fault};
use util::Workspace;

fn item(id: u64, number: &'static str, title: &'static str, minutes: &[&'static str]) -> FakeItem {
    FakeItem {
        id,
        number,
        title,
        agenda: "To consider the report of the Director.",
        minutes: minutes.to_vec(),
        restricted: false,
        documents: Vec::new(),
    }
}

fn meeting(id: u64, date: &'static str, items: Vec<FakeItem>) -> FakeMeeting {
    FakeMeeting {
        id,
        date,
        cancelled: false,
        items,
    }
}

/// Fakeshire: two live committees and a deleted one; a meeting before the
/// date range, a cancelled one, an item without minutes and a restricted
/// one, none of which may be fetched.
fn fakeshire() -> Council {
    let mut restricted = item(1199, "9", "Exempt staffing matter", &["Confidential."]);
    restricted.restricted = true;
    let mut cancelled = meeting(
        104,
        "20/11/2017",
        vec![item(1401, "1", "Apologies", &["None."])],
    );
    cancelled.cancelled = true;
    Council {
        committees: vec![
            FakeCommittee {
                id: 11,
                title: "Children and Young People Scrutiny Committee",
                deleted: false,
                meetings: vec![
                    meeting(
                        100,
                        "02/02/2015",
                        vec![item(1001, "1", "Early help offer", &["Noted."])],
                    ),
                    meeting(
                        101,
                        "14/03/2016",
                        vec![
                            item(
                                1101,
                                "4",
                                "Sexting and online safety in schools",
                                &[
                                    "The Head of Safeguarding reported that sexting referrals from secondary schools had doubled.",
                                    "RESOLVED: That schools be offered training on image sharing.",
                                ],
                            ),
                            item(1102, "5", "Work programme", &[]),
                            restricted,
                        ],
                    ),
                    meeting(
                        102,
                        "05/06/2017",
                        vec![item(
                            1201,
                            "6",
                            "Child sexual exploitation: annual report",
                            &["Members asked how CSE referrals were shared with the police and the taxi licensing team."],
                        )],
                    ),
                    cancelled,
                ],
            },
            FakeCommittee {
                id: 12,
                title: "Licensing Committee",
                deleted: false,
                meetings: vec![
                    meeting(
                        201,
                        "12/09/2016",
                        vec![item(
                            2101,
                            "3",
                            "Taxi and private hire driver licensing policy",
                            &[
                                "The Licensing Manager presented the revised policy, which requires safeguarding training for every taxi driver.",
                                "RESOLVED: That the policy be adopted.",
                            ],
                        )],
                    ),
                    meeting(
                        202,
                        "27/02/2017",
                        vec![item(
                            2201,
                            "2a",
                            "Taxi licensing: criminal record checks",
                            &["Members agreed that taxi licensing should require checks every six months."],
                        )],
                    ),
                ],
            },
            FakeCommittee {
                id: 13,
                title: "Former Scrutiny Panel",
                deleted: true,
                meetings: vec![meeting(
                    301,
                    "01/05/2017",
                    vec![item(3101, "1", "Taxi ranks", &["Noted."])],
                )],
            },
        ],
    }
}

/// Mockford: another council, other committees.
fn mockford() -> Council {
    Council {
        committees: vec![
            FakeCommittee {
                id: 21,
                title: "Safeguarding Overview and Scrutiny Panel",
                deleted: false,
                meetings: vec![meeting(
                    501,
                    "10/05/2016",
                    vec![item(
                        5101,
                        "7",
                        "Taxi licensing and child safeguarding",
                        &["The panel heard how taxi licensing officers check drivers for safeguarding concerns."],
                    )],
                )],
            },
            FakeCommittee {
                id: 22,
                title: "Licensing and Regulatory Committee",
                deleted: false,
                meetings: vec![meeting(
                    601,
                    "16/01/2017",
                    vec![item(
                        6101,
                        "4",
                        "Hackney carriage and private hire licensing",
                        &["The committee approved taxi licensing conditions on safeguarding awareness."],
                    )],
                )],
            },
        ],
    }
}

/// The records Fakeshire should give for 2016–2017, by path under --out.
const FAKESHIRE_RECORDS: [&str; 4] = [
    "children-and-young-people-scrutiny-committee/2016-03-14-m101-i1101.html",
    "children-and-young-people-scrutiny-committee/2017-06-05-m102-i1201.html",
    "licensing-committee/2016-09-12-m201-i2101.html",
    "licensing-committee/2017-02-27-m202-i2201.html",
];

/// `scrutiny fetch BASE --out OUT ARGS…` at a quick rate.
fn fetch(workspace: &Workspace, site: &FakeSite, out: &str, args: &[&str]) -> std::process::Output {
    let base = site.base();
    let mut all = vec![
        "fetch",
        base.as_str(),
        "--council",
        "Fakeshire",
        "--out",
        out,
        "--from",
        "2016-01-01",
        "--to",
        "2017-12-31",
        "--rate",
        "50",
        "--backoff",
        "0.05",
        "--contact",
        "tests@example.org",
    ];
    all.extend_from_slice(args);
    workspace
        .scrutiny(&all)
        .output()
        .expect("run scrutiny fetch")
}

fn summary(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "fetch printed no JSON ({error}); stdout {}; stderr {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Every file under `dir` but the fetch state: path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| !entry.path().to_string_lossy().contains(".scrutiny-fetch"))
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap();
            (
                relative.to_string_lossy().replace('\\', "/"),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// The same files with the same content under `expected` and `actual`,
/// but for the fake site's port in the addresses sidecars state.
fn assert_same_files(expected: &Path, expected_port: u16, actual: &Path, actual_port: u16) {
    let expected = files(expected);
    let actual = files(actual);
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        let wanted = String::from_utf8_lossy(bytes)
            .replace(&format!(":{expected_port}/"), &format!(":{actual_port}/"));
        assert_eq!(String::from_utf8_lossy(&actual[path]), wanted, "{path}");
    }
}

fn records(dir: &Path) -> Vec<String> {
    files(dir)
        .into_keys()
        .filter(|path| path.ends_with(".html"))
        .collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn fetches_every_item_once_with_exact_sidecars() {
    let site = FakeSite::start(fakeshire());
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "out", &["--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = workspace.path().join("out");
    assert_eq!(records(&out), FAKESHIRE_RECORDS);
    let json = summary(&output);
    assert_eq!(json["new"], 4);
    assert_eq!(json["via"], "web service");
    assert_eq!(
        json["meetings"], 4,
        "the cancelled meeting and the 2015 one are left out"
    );
    assert_eq!(json["problems"].as_array().unwrap().len(), 0);

    let sidecar = std::fs::read_to_string(
        out.join("licensing-committee/2017-02-27-m202-i2201.html.meta.toml"),
    )
    .unwrap();
    let expected = format!(
        "# Written by scrutiny fetch: what the site states about this record.\n\
         council = \"Fakeshire\"\ncommittee = \"Licensing Committee\"\ndate = \"2017-02-27\"\n\
         title = \"Taxi licensing: criminal record checks\"\nitem = \"2a\"\n\
         url = \"{}mgAi.aspx?ID=2201\"\n",
        site.base()
    );
    assert_eq!(sidecar, expected);
    let record = std::fs::read_to_string(
        out.join("children-and-young-people-scrutiny-committee/2016-03-14-m101-i1101.html"),
    )
    .unwrap();
    assert!(
        record.contains("<h1>4. Sexting and online safety in schools</h1>"),
        "{record}"
    );
    assert!(record.contains("<p>The Head of Safeguarding reported that sexting referrals"));

    // What extraction reads from the record is what the site states.
    let extracted = workspace.json(&[
        "extract",
        "out/licensing-committee/2016-09-12-m201-i2101.html",
    ]);
    let record = &extracted[0];
    assert_eq!(record["council"], "Fakeshire", "{extracted}");
    assert_eq!(record["committee"], "Licensing Committee");
    assert_eq!(record["date"], "2016-09-12");
    assert_eq!(record["items"][0]["number"], "3");
    assert_eq!(
        record["items"][0]["title"],
        "Taxi and private hire driver licensing policy"
    );

    let log = site.log();
    for id in [101, 102, 201, 202] {
        assert_eq!(
            site.requests_for(&format!("meeting:{id}")),
            1,
            "meeting {id}"
        );
    }
    for id in [100, 104, 301] {
        assert_eq!(
            site.requests_for(&format!("meeting:{id}")),
            0,
            "meeting {id}"
        );
    }
    assert_eq!(site.requests_for("robots"), 1);
    assert!(log
        .iter()
        .all(|logged| logged.user_agent.starts_with("scrutiny/")
            && logged.user_agent.contains("tests@example.org")));
}

/// No two requests to one port closer than `interval` (less a little for
/// the time between the client's send and the site's log).
fn assert_rate(log: &[site::Logged], interval: Duration) {
    let mut last: BTreeMap<u16, Instant> = BTreeMap::new();
    for logged in log {
        if let Some(previous) = last.insert(logged.port, logged.at) {
            let gap = logged.at.duration_since(previous);
            assert!(
                gap >= interval.mul_f64(0.8),
                "{} came {gap:?} after the request before, closer than {interval:?}",
                logged.path
            );
        }
    }
}

#[test]
fn requests_to_a_host_keep_to_the_rate() {
    let site = FakeSite::start(fakeshire());
    let workspace = Workspace::empty();
    let base = site.base();
    let output = workspace
        .scrutiny(&[
            "fetch",
            &base,
            "--council",
            "Fakeshire",
            "--out",
            "out",
            "--committee",
            "licensing",
            "--from",
            "2016-01-01",
            "--to",
            "2017-12-31",
            "--rate",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no --contact"),
        "a run without a contact says so: {}",
        stderr(&output)
    );
    let log = site.log();
    // robots.txt, committees, meetings, two meetings.
    assert_eq!(log.len(), 5);
    assert_rate(&log, Duration::from_millis(500));
}

#[test]
fn a_site_whose_service_is_off_is_read_from_its_pages_into_the_same_files() {
    let service = FakeSite::start(fakeshire());
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &service, "service", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let pages = FakeSite::start(fakeshire());
    *pages.shared.service_off.lock().unwrap() = true;
    let output = fetch(&workspace, &pages, "pages", &["--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(summary(&output)["via"], "pages");
    assert!(stderr(&output).contains("reading the site's pages instead"));
    // The same records; sidecars differ only in the port of their address.
    assert_same_files(
        &workspace.path().join("service"),
        service.port,
        &workspace.path().join("pages"),
        pages.port,
    );
    assert_eq!(pages.requests_for("page-meeting:101"), 1);
    assert_eq!(pages.requests_for("page-meeting:104"), 0, "cancelled");
}

#[test]
fn passing_faults_are_retried_and_lasting_ones_named() {
    let site = FakeSite::start(fakeshire());
    site.fault("meeting:101", Fault::Status(503, 2));
    site.fault("meeting:102", Fault::TooMany(1, 1));
    site.fault("meeting:201", Fault::Truncated(1));
    site.fault("meeting:202", Fault::WrongType);
    site.fault("meetings:12", Fault::Slow(Duration::from_millis(300)));
    let workspace = Workspace::empty();
    let started = Instant::now();
    let output = fetch(&workspace, &site, "out", &["--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(records(&workspace.path().join("out")), FAKESHIRE_RECORDS);
    assert_eq!(site.requests_for("meeting:101"), 3);
    assert_eq!(site.requests_for("meeting:102"), 2);
    assert_eq!(site.requests_for("meeting:201"), 2);
    // XML under a wrong content type is still the service's answer.
    assert_eq!(site.requests_for("meeting:202"), 1);
    assert_eq!(site.requests_for("page-meeting:202"), 0);

    // An answer slower than --timeout is retried, then named.
    let site = FakeSite::start(fakeshire());
    site.fault("meeting:202", Fault::Slow(Duration::from_secs(3)));
    site.fault("page-meeting:202", Fault::Slow(Duration::from_secs(3)));
    let output = fetch(
        &workspace,
        &site,
        "slow",
        &["--json", "--retries", "1", "--timeout", "0.5"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json = summary(&output);
    assert_eq!(json["new"], 3);
    assert!(
        json["problems"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("timeout"),
        "{json}"
    );
    assert_eq!(site.requests_for("meeting:202"), 2);

    // A fault that lasts: the meeting is named as failed, the rest fetched.
    let site = FakeSite::start(fakeshire());
    site.fault("meeting:101", Fault::Status(500, 100));
    site.fault("page-meeting:101", Fault::Status(500, 100));
    let output = fetch(&workspace, &site, "again", &["--json", "--retries", "1"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json = summary(&output);
    assert_eq!(json["new"], 3);
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{json}");
    assert_eq!(problems[0]["kind"], "failed");
    assert!(
        problems[0]["reason"].as_str().unwrap().contains("HTTP 500"),
        "{json}"
    );
}

#[test]
fn a_challenge_page_is_reported_as_blocked_never_as_no_meetings() {
    // The whole site behind a challenge: an error naming the block.
    let site = FakeSite::start(fakeshire());
    for resource in ["committees", "page-committees"] {
        site.fault(resource, Fault::Challenge);
    }
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "out", &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("blocked") && message.contains("challenge"),
        "{message}"
    );

    // One meeting behind it, service and page: that meeting is blocked.
    let site = FakeSite::start(fakeshire());
    site.fault("meeting:102", Fault::Challenge);
    site.fault("page-meeting:102", Fault::Challenge);
    site.fault("meetings:12", Fault::Challenge);
    let output = fetch(&workspace, &site, "out", &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("3 new items") && printed.contains("1 blocked"),
        "{printed}"
    );
    assert!(
        printed.contains("meeting:102") || printed.contains("lMeetingId=102"),
        "{printed}"
    );
    // The licensing meetings came from its meeting-list page instead.
    assert_eq!(site.requests_for("page-meetings:12"), 1);
}

#[test]
fn hostile_answers_are_refused_and_nothing_is_written_outside_out() {
    let mut council = fakeshire();
    let items = &mut council.committees[0].meetings[1].items[0];
    items.documents = vec![
        (
            9001,
            "Report on sexting",
            "/documents/s9001/Report on sexting.pdf",
        ),
        (9002, "Private notes", "/private/s9002/Notes.pdf"),
        (9003, "Escape", "/documents/s9003/..%2F..%2F..%2Fescape.pdf"),
        (9004, "Huge", "/documents/s9004/Huge.pdf"),
        (9005, "Endless", "/documents/s9005/Endless.pdf"),
        (9006, "Loop", "/loop"),
        (9007, "Not a PDF", "/documents/s9007/Challenge.pdf"),
    ];
    let site = FakeSite::start(council);
    site.fault("file:/documents/s9004/huge.pdf", Fault::HugeLength);
    site.fault("file:/documents/s9005/endless.pdf", Fault::Endless);
    site.fault("file:/documents/s9007/challenge.pdf", Fault::Challenge);
    site.fault("meeting:201", Fault::Bomb);
    site.fault("meeting:202", Fault::BadBytes);
    let workspace = Workspace::empty();
    let output = fetch(
        &workspace,
        &site,
        "out",
        &["--json", "--documents", "--max-size", "1"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json = summary(&output);
    let reasons: Vec<String> = json["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| {
            format!(
                "{}: {}: {}",
                problem["kind"].as_str().unwrap(),
                problem["url"].as_str().unwrap(),
                problem["reason"].as_str().unwrap()
            )
        })
        .collect();
    let find = |needle: &str| {
        reasons
            .iter()
            .find(|reason| reason.contains(needle))
            .unwrap_or_else(|| panic!("no problem mentions {needle:?}: {reasons:#?}"))
    };
    assert!(find("Notes.pdf").starts_with("disallowed"));
    assert!(find("escape.pdf").starts_with("refused"));
    assert!(find("Huge.pdf").contains("10737418240 bytes"));
    assert!(find("Endless.pdf").contains("runs past"));
    assert!(find("loop").contains("more than 5 redirects"));
    assert!(find("Challenge.pdf").contains("not a PDF"));
    assert!(find("lMeetingId=201").contains("DTD"));
    assert!(find("lMeetingId=202").contains("UTF-8"));
    assert_eq!(reasons.len(), 8, "{reasons:#?}");
    // The report, and the printed minutes of the two meetings read.
    assert_eq!(json["documents_new"], 3);
    assert_eq!(site.requests_for("page-meeting:101"), 1);
    assert_eq!(site.requests_for("file:/private/s9002/notes.pdf"), 0);
    assert!(site.requests_for("loop") <= 6);

    // Everything written is inside out/, and only where fetch puts it.
    let everything = files(workspace.path());
    assert!(
        everything.keys().all(|path| path.starts_with("out/")),
        "{:?}",
        everything.keys()
    );
    let out = workspace.path().join("out");
    let document = "children-and-young-people-scrutiny-committee/documents/2016-03-14-m101-s9001-report-on-sexting.pdf";
    assert!(
        files(&out).contains_key(document),
        "{:?}",
        files(&out).keys()
    );
    let sidecar = std::fs::read_to_string(out.join(format!("{document}.meta.toml"))).unwrap();
    assert!(
        sidecar.contains("date = \"2016-03-14\"") && sidecar.contains("Report%20on%20sexting.pdf"),
        "{sidecar}"
    );
}

#[test]
fn a_redirect_to_another_port_is_followed_and_its_robots_read() {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let target = FakeSite::start_logging(fakeshire(), std::sync::Arc::clone(&log));
    *target.shared.robots.lock().unwrap() =
        "User-agent: scrutiny\nDisallow: /mgWebService.asmx/GetMeeting?lMeetingId=202\n".into();
    let old = FakeSite::start_logging(fakeshire(), std::sync::Arc::clone(&log));
    *old.shared.redirect_to.lock().unwrap() = Some(target.port);
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &old, "out", &["--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json = summary(&output);
    assert_eq!(json["new"], 3);
    assert_eq!(json["problems"][0]["kind"], "disallowed", "{json}");
    let robots: Vec<u16> = log
        .lock()
        .unwrap()
        .iter()
        .filter(|logged| logged.resource == "robots")
        .map(|logged| logged.port)
        .collect();
    assert_eq!(robots, vec![old.port, target.port]);
    let asked = log
        .lock()
        .unwrap()
        .iter()
        .filter(|logged| logged.port == target.port && logged.resource == "meeting:202")
        .count();
    assert_eq!(
        asked, 0,
        "robots.txt of the host redirected to disallows it"
    );
}

#[test]
fn documents_are_asked_for_conditionally_when_their_meeting_changed() {
    let mut council = fakeshire();
    council.committees[0].meetings[1].items[0].documents = vec![(
        9001,
        "Report on sexting",
        "/documents/s9001/Report on sexting.pdf",
    )];
    let site = FakeSite::start(council);
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "out", &["--json", "--documents"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // The report and the printed minutes of four meetings.
    assert_eq!(summary(&output)["documents_new"], 5);

    *site.shared.revision.lock().unwrap() = 2;
    site.clear_log();
    let output = fetch(&workspace, &site, "out", &["--json", "--documents"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = summary(&output);
    assert_eq!(json["changed"], 4, "{json}");
    assert_eq!(
        (
            json["documents_new"].as_u64(),
            json["documents_unchanged"].as_u64()
        ),
        (Some(0), Some(5)),
        "{json}"
    );
    let documents: Vec<_> = site
        .log()
        .into_iter()
        .filter(|logged| logged.resource.starts_with("file:/documents/"))
        .collect();
    assert_eq!(documents.len(), 5);
    assert!(documents
        .iter()
        .all(|logged| logged.if_none_match.is_some() && logged.status == 304));
}

#[test]
fn a_moved_robots_txt_is_followed_and_obeyed() {
    let site = FakeSite::start(fakeshire());
    *site.shared.robots.lock().unwrap() =
        "User-agent: *\nDisallow: /mgWebService.asmx/GetMeeting?lMeetingId=101\n".into();
    *site.shared.robots_moved.lock().unwrap() = true;
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "out", &["--json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json = summary(&output);
    assert_eq!(json["problems"][0]["kind"], "disallowed", "{json}");
    assert_eq!(json["new"], 3);
    assert_eq!(site.requests_for("file:/policy/robots.txt"), 1);
    assert_eq!(site.requests_for("meeting:101"), 0);
}

#[test]
fn a_rerun_asks_conditionally_rewrites_nothing_and_then_sees_changes() {
    let site = FakeSite::start(fakeshire());
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "out", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = workspace.path().join("out");
    let modified = |path: &str| {
        std::fs::metadata(out.join(path))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before: Vec<_> = FAKESHIRE_RECORDS
        .iter()
        .map(|path| modified(path))
        .collect();

    site.clear_log();
    std::thread::sleep(Duration::from_millis(20));
    let output = fetch(&workspace, &site, "out", &["--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json = summary(&output);
    assert_eq!(
        (json["new"].as_u64(), json["unchanged"].as_u64()),
        (Some(0), Some(4)),
        "{json}"
    );
    for logged in site
        .log()
        .iter()
        .filter(|logged| logged.resource.starts_with("meeting:"))
    {
        assert!(
            logged.if_none_match.is_some(),
            "{} was not conditional",
            logged.path
        );
        assert_eq!(logged.status, 304);
    }
    let after: Vec<_> = FAKESHIRE_RECORDS
        .iter()
        .map(|path| modified(path))
        .collect();
    assert_eq!(before, after, "nothing was rewritten");

    // The site corrects its minutes: every item is fetched again and changed.
    *site.shared.revision.lock().unwrap() = 2;
    let output = fetch(&workspace, &site, "out", &[]);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("0 new items, 4 changed, 0 unchanged"),
        "{printed}"
    );
    let record = std::fs::read_to_string(out.join(FAKESHIRE_RECORDS[0])).unwrap();
    assert!(record.contains("Corrected at revision 2."));
}

#[test]
fn a_run_killed_part_way_resumes_to_the_same_files() {
    let site = FakeSite::start(fakeshire());
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "whole", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let slow = FakeSite::start(fakeshire());
    for id in [101, 102, 201, 202] {
        slow.fault(
            &format!("meeting:{id}"),
            Fault::Slow(Duration::from_millis(400)),
        );
    }
    let base = slow.base();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scrutiny"))
        .current_dir(workspace.path())
        .args([
            "fetch",
            &base,
            "--council",
            "Fakeshire",
            "--out",
            "resumed",
            "--from",
            "2016-01-01",
            "--to",
            "2017-12-31",
            "--rate",
            "50",
            "--contact",
            "tests@example.org",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while slow
        .log()
        .iter()
        .filter(|logged| logged.resource.starts_with("meeting:"))
        .count()
        < 2
    {
        assert!(
            Instant::now() < deadline,
            "the fetch never reached its second meeting"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Killed while the third meeting is on its way.
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = records(&workspace.path().join("resumed"));
    assert!(
        !partial.is_empty() && partial.len() < 4,
        "killed part way: {partial:?}"
    );

    slow.clear_faults();
    let output = fetch(&workspace, &slow, "resumed", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_same_files(
        &workspace.path().join("whole"),
        site.port,
        &workspace.path().join("resumed"),
        slow.port,
    );
}

#[test]
fn dry_run_counts_per_committee_and_year_and_unknown_committees_list_the_nearest() {
    let site = FakeSite::start(fakeshire());
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "out", &["--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.starts_with("Would fetch 4 meetings of Fakeshire"),
        "{printed}"
    );
    assert!(
        printed.contains("Children and Young People Scrutiny Committee  2016     1 meeting\n"),
        "{printed}"
    );
    assert!(
        printed.contains("Licensing Committee                           2017     1 meeting\n"),
        "{printed}"
    );
    assert_eq!(
        site.log()
            .iter()
            .filter(|l| l.resource.starts_with("meeting:"))
            .count(),
        0
    );
    assert!(!workspace.path().join("out").exists());

    let output = fetch(
        &workspace,
        &site,
        "out",
        &["--committee", "young people CHILDREN scrutiny"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(records(&workspace.path().join("out")).len(), 2);

    let output = fetch(
        &workspace,
        &site,
        "out",
        &["--committee", "Licencing Comittee"],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("no committee of the site matches \"Licencing Comittee\""),
        "{message}"
    );
    assert!(message.contains("  Licensing Committee"), "{message}");
}

#[test]
fn topic_keeps_items_that_mention_it_in_any_form() {
    let site = FakeSite::start(fakeshire());
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &site, "out", &["--topic", "CSE", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        records(&workspace.path().join("out")),
        ["children-and-young-people-scrutiny-committee/2017-06-05-m102-i1201.html"]
    );
    assert_eq!(summary(&output)["left_out"], 3);
}

#[test]
fn fetch_then_index_then_compare_gives_groups_per_council_and_year() {
    let fakeshire = FakeSite::start(fakeshire());
    let mockford = FakeSite::start(mockford());
    let workspace = Workspace::empty();
    let output = fetch(&workspace, &fakeshire, "corpus/fakeshire", &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let base = mockford.base();
    let output = workspace
        .scrutiny(&[
            "fetch",
            &base,
            "--council",
            "Mockford",
            "--rate",
            "50",
            "--contact",
            "tests@example.org",
            "--then-index",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        workspace.path().join("corpus/mockford").is_dir(),
        "--out defaults to corpus/<council>"
    );

    let by_council = workspace.json(&[
        "compare",
        "taxi licensing",
        "--by",
        "council",
        "--per",
        "10",
    ]);
    let groups: Vec<(&str, u64, &str, &str)> = by_council["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            (
                group["key"].as_str().unwrap(),
                group["count"].as_u64().unwrap(),
                group["first_date"].as_str().unwrap(),
                group["last_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            // Item 3 of 12 Sep 2016 has two passages: its minutes and its
            // resolution (matched through the title).
            ("Fakeshire", 4, "2016-09-12", "2017-06-05"),
            ("Mockford", 2, "2016-05-10", "2017-01-16"),
        ],
        "{by_council}"
    );
    let mut committees: Vec<(String, String, String)> = Vec::new();
    for group in by_council["groups"].as_array().unwrap() {
        for hit in group["hits"].as_array().unwrap() {
            committees.push((
                hit["council"].as_str().unwrap().into(),
                hit["date"].as_str().unwrap().into(),
                hit["committee"].as_str().unwrap().into(),
            ));
        }
    }
    committees.sort();
    committees.dedup();
    assert_eq!(
        committees,
        [
            (
                "Fakeshire".into(),
                "2016-09-12".into(),
                "Licensing Committee".into()
            ),
            (
                "Fakeshire".into(),
                "2017-02-27".into(),
                "Licensing Committee".into()
            ),
            (
                "Fakeshire".into(),
                "2017-06-05".into(),
                "Children and Young People Scrutiny Committee".into()
            ),
            (
                "Mockford".into(),
                "2016-05-10".into(),
                "Safeguarding Overview and Scrutiny Panel".into()
            ),
            (
                "Mockford".into(),
                "2017-01-16".into(),
                "Licensing and Regulatory Committee".into()
            ),
        ]
    );
    let by_year = workspace.json(&["compare", "taxi licensing", "--by", "year"]);
    let years: Vec<(&str, u64)> = by_year["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            (
                group["key"].as_str().unwrap(),
                group["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(years, [("2016", 3), ("2017", 3)], "{by_year}");
}
