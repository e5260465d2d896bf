//! Extraction on records beyond the seeds: the development set and the
//! held-out sets (`tests/devset`, `tests/heldout`, `tests/heldout2`), whole records of every
//! page kind, as text and as saved web pages, and crafted traps for dates
//! and for councillors named as officers.

use std::path::{Path, PathBuf};

use scrutiny::eval::extraction::{evaluate, ExtractionReport};
use scrutiny::ingest::{inspect, RecordReport};

fn set(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
        .join("records")
}

fn misses(report: &ExtractionReport) -> Vec<String> {
    report
        .misses
        .iter()
        .map(|miss| {
            format!(
                "{} {}: expected {:?}, found {:?}",
                miss.file, miss.field, miss.expected, miss.found
            )
        })
        .collect()
}

fn assert_targets(report: &ExtractionReport, all: f64, each: f64) {
    assert!(
        report.all_fields.accuracy() >= all,
        "all fields {:.3}: {:#?}",
        report.all_fields.accuracy(),
        misses(report)
    );
    for (name, tally) in report.fields.iter().chain(&report.kinds) {
        assert!(
            tally.accuracy() >= each,
            "{name} {:.3}: {:#?}",
            tally.accuracy(),
            misses(report)
        );
    }
}

#[test]
fn the_development_set_meets_its_targets_and_misses_only_what_is_known() {
    let report = evaluate(&set("devset")).unwrap();
    assert_eq!(report.records, 74);
    assert_targets(&report, 0.97, 0.90);
    // The one known failing: a famous case's place named in the text is
    // taken as the council of a record that names none (with a warning).
    assert_eq!(
        misses(&report),
        [
            "dunmore/issue-taxi-safeguarding-training.html council: expected \"\", found \"Rotherham\"",
            "dunmore/issue-taxi-safeguarding-training.txt council: expected \"\", found \"Rotherham\"",
            "eastmoor/issue-cse-strategy.txt council: expected \"\", found \"Rotherham\"",
        ]
    );
}

#[test]
fn the_held_out_set_meets_the_targets() {
    let report = evaluate(&set("heldout")).unwrap();
    assert_eq!(report.records, 36);
    assert_targets(&report, 0.97, 0.85);
}

/// The fields a set's `.expected.toml` gives that `eval` does not score:
/// item numbers, standard items, the meetings of a record of several, and
/// the order of members.
#[derive(Debug, serde::Deserialize)]
struct Expected {
    #[serde(default)]
    items: Vec<ExpectedItem>,
    #[serde(default)]
    meetings: Vec<ExpectedMeeting>,
}

#[derive(Debug, serde::Deserialize)]
struct ExpectedItem {
    #[serde(default)]
    number: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    standard: bool,
}

#[derive(Debug, serde::Deserialize)]
struct ExpectedMeeting {
    date: String,
    committee: String,
}

fn normal(text: &str) -> String {
    text.chars()
        .filter(|character| character.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every record of a set with its expected fields, as text and HTML.
fn records(set_name: &str) -> Vec<(PathBuf, Expected)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(set(set_name)).sort_by_file_name() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".expected.toml") else {
            continue;
        };
        let folder = entry.path().parent().unwrap();
        for extension in ["txt", "html"] {
            let path = folder.join(format!("{stem}.{extension}"));
            if path.exists() {
                let expected: Expected =
                    toml::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
                out.push((path, expected));
            }
        }
    }
    out
}

/// Differences between a record as read and its expected numbers,
/// standard flags and meetings.
fn differences(path: &Path, expected: &Expected, report: &RecordReport) -> Vec<String> {
    let mut out = Vec::new();
    let name = path.display().to_string();
    let found: Vec<(String, String, bool)> = report
        .items
        .iter()
        .filter(|item| item.title.is_some() || item.number.is_some())
        .map(|item| {
            (
                item.number.clone().unwrap_or_default(),
                normal(item.title.as_deref().unwrap_or_default()),
                item.standard,
            )
        })
        .collect();
    let wanted: Vec<(String, String, bool)> = expected
        .items
        .iter()
        .map(|item| (item.number.clone(), normal(&item.title), item.standard))
        .collect();
    if !expected.items.is_empty() && found != wanted {
        out.push(format!(
            "{name} items: expected {wanted:?}, found {found:?}"
        ));
    }
    let meetings: Vec<(String, String)> = report
        .meetings
        .iter()
        .map(|meeting| {
            (
                meeting.date.clone().unwrap_or_default(),
                normal(meeting.committee.as_deref().unwrap_or_default()),
            )
        })
        .collect();
    let wanted: Vec<(String, String)> = expected
        .meetings
        .iter()
        .map(|meeting| (meeting.date.clone(), normal(&meeting.committee)))
        .collect();
    // A record of one meeting lists none (its date and committee are the
    // record's own); an issue page lists even one.
    if meetings != wanted && (!wanted.is_empty() || meetings.len() > 1) {
        out.push(format!(
            "{name} meetings: expected {wanted:?}, found {meetings:?}"
        ));
    }
    out
}

#[test]
fn whole_records_of_every_kind_keep_numbers_standard_items_and_meetings() {
    let mut found = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for set_name in ["devset", "heldout", "heldout2", "heldout3"] {
        for (path, expected) in records(set_name) {
            let report = inspect(&path).unwrap();
            kinds.insert(report.kind_name());
            found.extend(differences(&path, &expected, &report));
        }
    }
    assert_eq!(found, Vec::<String>::new());
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["agenda_item", "decision", "minutes", "report"]
    );
}

#[test]
fn each_passage_of_a_record_of_several_meetings_carries_its_own_meeting() {
    let path = set("devset").join("eastmoor/issue-cse-strategy.txt");
    let report = inspect(&path).unwrap();
    let items: Vec<(Option<&str>, Option<&str>, Option<&str>)> = report
        .items
        .iter()
        .map(|item| {
            (
                item.number.as_deref(),
                item.date.as_deref(),
                item.committee.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            (
                Some("5"),
                Some("2015-09-14"),
                Some("Children's Select Committee")
            ),
            (
                Some("11"),
                Some("2015-03-02"),
                Some("Children's Select Committee")
            ),
            (Some("88"), Some("2014-12-01"), Some("Cabinet")),
        ]
    );
    // The record as a whole has no one date or committee.
    assert_eq!(report.date, None);
    assert_eq!(report.committee, None);
}

/// People as `scrutiny extract` shows them: the name, then the role in
/// brackets.
fn shown(people: &[scrutiny::extract::Person]) -> Vec<String> {
    people.iter().map(|person| person.display()).collect()
}

/// A record written here to one page kind's form, read as a text file.
fn read(folder: &Path, name: &str, text: &str) -> RecordReport {
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    inspect(&path).unwrap()
}

#[test]
fn dates_that_are_not_the_meeting_date_are_never_taken() {
    let folder = tempfile::tempdir().unwrap();
    let cases = [
        (
            "decision.txt",
            "Decision details\nRefuge Contract Award\nDecision Maker: Executive\nPurpose:\nTo award a contract from 1 April 2022.\nPublication date: 11/02/2022\nEffective from: 19/02/2022\n",
        ),
        (
            "agenda-and-minutes.txt",
            "Agenda and minutes\nVenue: Committee Room 1\nItems\nNo. Item\n1.\nMinutes of the previous meeting\nMinutes:\nThe minutes of the meeting held on 8 May 2018 were agreed.\n2.\nTaxi Licensing\nMinutes:\nThe consultation closes on 30 November 2018.\n",
        ),
        (
            "report.txt",
            "Report to: Cabinet\nReport of: Director of Place\nSubject: Prevent Duty\nPurpose\nTo report progress since the meeting of 3 March 2019.\nReport date: 14 November 2019\n",
        ),
        (
            "agenda-item.txt",
            "Agenda item\nSchool Transport Escorts\nReport of the Head of Transport.\nMinutes:\nIn June 2018 the escorts were retrained; the next review is due on 1 September 2019.\n",
        ),
        (
            "printed.txt",
            "ANYSHIRE COUNTY COUNCIL\nLicensing Committee\nPresent: Councillors Ali (Chair), Brennan\n1. MINUTES\nThe minutes of the meeting held on 12 November 2013 were confirmed.\n2. NEXT MEETING\nThe next meeting would be held on 5 June 2014.\n",
        ),
    ];
    for (name, text) in cases {
        let report = read(folder.path(), name, text);
        assert_eq!(report.date, None, "{name}: {:?}", report.sources);
        assert!(
            report
                .warnings
                .iter()
                .any(|warning| warning.contains("date")),
            "{name}"
        );
    }
}

#[test]
fn councillors_are_members_and_officers_are_not() {
    let folder = tempfile::tempdir().unwrap();
    let report = read(
        folder.path(),
        "minutes.txt",
        "Minutes of the Licensing Committee held on 3rd May 2012\n\
         Present: Councillor R. Hepworth (Chair), Cllr A. Lacey, Mrs J Moss (Licensing Manager)\n\
         Officers in attendance: Councillor T Bright (Cabinet Member), Sam Whitcombe, Licensing Officer\n\
         1 Taxi licence conditions\n\
         Sam Whitcombe, Licensing Officer, presented the report. Councillor P Garrow asked about checks. \
         The Head of Licensing said that drivers would be retrained. DI Ruth Penrose (Anyshire Police) described an operation.\n",
    );
    let members = shown(&report.members);
    assert_eq!(
        members,
        [
            "Councillor R. Hepworth (Chair)",
            "Cllr A. Lacey",
            "Councillor T Bright (Cabinet Member)",
            "Councillor P Garrow",
        ]
    );
    let attending = shown(&report.also_attending);
    assert_eq!(
        attending,
        [
            "Mrs J Moss (Licensing Manager)",
            "Sam Whitcombe (Licensing Officer)"
        ]
    );
    let officers = shown(&report.items[0].officers);
    // A role with no name ("The Head of Licensing") names nobody.
    assert_eq!(
        officers,
        [
            "Sam Whitcombe (Licensing Officer)",
            "DI Ruth Penrose (Anyshire Police)"
        ]
    );
}

#[test]
fn a_folder_that_is_not_a_council_is_never_the_council() {
    let root = tempfile::tempdir().unwrap();
    for folder in ["downloads", "staffordshire"] {
        std::fs::create_dir_all(root.path().join(folder)).unwrap();
    }
    let text = "Agenda item\nFees\nMinutes:\nThe fees were agreed.\n";
    let loose = read(&root.path().join("downloads"), "fees.txt", text);
    assert_eq!(loose.council, None);
    assert!(loose
        .warnings
        .iter()
        .any(|warning| warning.contains("council")));
    let known = read(&root.path().join("staffordshire"), "fees.txt", text);
    assert_eq!(known.council.as_deref(), Some("Staffordshire"));
    assert_eq!(
        known
            .sources
            .iter()
            .find(|source| source.field == "council")
            .map(|source| source.rule),
        Some("corpus folder of a known council")
    );
}

/// The council a corpus walk and `scrutiny extract` give each of `keys`
/// (paths below `root`, each holding `text`).
fn councils_by_folder(root: &Path, keys: &[&str], text: &str) -> Vec<(String, Option<String>)> {
    for key in keys {
        let path = root.join(key);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let walked = scrutiny::walk::walk(root);
    assert_eq!(walked.files.len(), keys.len());
    walked
        .files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(&file.path).unwrap();
            let record = scrutiny::ingest::record::record_of(&bytes, file).unwrap();
            let alone = inspect(&file.path).unwrap();
            assert_eq!(alone.council, record.council, "{}", file.key);
            (file.key.clone(), record.council)
        })
        .collect()
}

#[test]
fn the_nearest_folder_that_names_a_council_is_the_council() {
    let root = tempfile::tempdir().unwrap();
    let text = "Agenda item\nFees\nMinutes:\nThe fees were agreed.\n";
    let councils = councils_by_folder(
        root.path(),
        &[
            "downloads/wiltshire/fees.txt",
            "wiltshire/2019/fees.txt",
            "staffordshire/wiltshire/fees.txt",
            "downloads/2019/fees.txt",
        ],
        text,
    );
    let expected = [
        ("downloads/2019/fees.txt", None),
        ("downloads/wiltshire/fees.txt", Some("Wiltshire")),
        ("staffordshire/wiltshire/fees.txt", Some("Wiltshire")),
        ("wiltshire/2019/fees.txt", Some("Wiltshire")),
    ]
    .map(|(key, council)| (key.to_string(), council.map(str::to_string)));
    assert_eq!(councils, expected);
}

/// A `util`-free workspace: the record in a corpus folder, indexed by the
/// binary.
fn scrutiny_json(root: &Path, args: &[&str]) -> serde_json::Value {
    let output = assert_cmd::Command::cargo_bin("scrutiny")
        .unwrap()
        .current_dir(root)
        .env_remove("SCRUTINY_INDEX")
        .env_remove("SCRUTINY_CORPUS")
        .env("NO_COLOR", "1")
        .args(args)
        .arg("--json")
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{args:?}: {error}: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn compare_puts_each_meeting_of_an_issue_page_in_its_own_year_and_committee() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("corpus/eastmoor");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        set("devset").join("eastmoor/issue-cse-strategy.txt"),
        folder.join("issue-cse-strategy.txt"),
    )
    .unwrap();
    let keys = |by: &str| -> Vec<String> {
        let comparison = scrutiny_json(
            root.path(),
            &["compare", "child sexual exploitation", "--by", by],
        );
        let mut keys: Vec<String> = comparison["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|group| group["key"].as_str().unwrap_or_default().to_string())
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(keys("year"), ["2014", "2015"]);
    assert_eq!(
        keys("committee"),
        ["Cabinet", "Children's Select Committee"]
    );
}

#[test]
fn minutes_numbered_with_their_year_and_titles_with_link_chrome_split_into_items() {
    let folder = tempfile::tempdir().unwrap();
    let report = read(
        folder.path(),
        "printed.txt",
        "ANYSHIRE COUNTY COUNCIL\n\
         MINUTES of a meeting of the CHILDREN'S SCRUTINY PANEL held on Monday 3 June 2019\n\
         Present: Councillors Ali (Chair) and Brennan\n\
         41/19 APOLOGIES\n\
         None were received.\n\
         Minute 42/19 Exploitation Strategy\n\
         The Panel noted the strategy.\n\
         43/2019 WORK PROGRAMME\n\
         Agreed.\n\
         50/50 funding was agreed with the police.\n",
    );
    let items: Vec<(Option<&str>, Option<&str>, bool)> = report
        .items
        .iter()
        .map(|item| (item.number.as_deref(), item.title.as_deref(), item.standard))
        .collect();
    assert_eq!(
        items,
        [
            (Some("41/19"), Some("APOLOGIES"), true),
            (Some("42/19"), Some("Exploitation Strategy"), false),
            (Some("43/2019"), Some("WORK PROGRAMME"), false),
        ]
    );
    let report = read(
        folder.path(),
        "agenda-and-minutes.txt",
        "Agenda and minutes\nVenue: Committee Room 1\nItems\nNo. Item\n61.\nMinutes of the previous meeting\nMinutes:\nAgreed.\n62.\nLicensing Enforcement pdf icon PDF 97 KB  View the decision for item 62\nMinutes:\nThe Committee noted the enforcement activity.\n",
    );
    let titles: Vec<Option<&str>> = report
        .items
        .iter()
        .map(|item| item.title.as_deref())
        .collect();
    assert_eq!(
        titles,
        [
            Some("Minutes of the previous meeting"),
            Some("Licensing Enforcement")
        ]
    );
}

#[test]
fn a_heading_with_its_page_name_and_an_organising_council_are_read() {
    let folder = tempfile::tempdir().unwrap();
    let report = read(
        folder.path(),
        "markdown.txt",
        "# Anyshire District Council\n\n## Children's Scrutiny Committee: Minutes\n\n**Date:** Monday 11 September 2023, 6.00 pm\n\n**Present:** Councillors Ali (Chair) and Brennan\n\n## 1. Apologies\n\nNone.\n",
    );
    assert_eq!(report.council.as_deref(), Some("Anyshire District Council"));
    assert_eq!(
        report.committee.as_deref(),
        Some("Children's Scrutiny Committee")
    );
    let report = read(
        folder.path(),
        "notes.txt",
        "Anyshire Exploitation Forum\nNotes of meeting held on Wednesday 27 April 2022\nOrganised by Anyshire District Council Community Safety Team\n1. Welcome\nThe Forum noted the update.\n",
    );
    assert_eq!(report.council.as_deref(), Some("Anyshire District Council"));
}

#[test]
fn a_present_list_of_one_person_a_line_keeps_each_role_and_organisation() {
    let folder = tempfile::tempdir().unwrap();
    let report = read(
        folder.path(),
        "notes.txt",
        "Anyshire Anti-Slavery Network\nNotes of meeting held on Wednesday 27 April 2022\nPresent:\nCllr Ann Ali (Chair)\nPat Example, Community Safety Officer, Anyshire District Council\nLee Sample, Outreach Worker, Salvation Army\n1. Welcome\nThe Network noted the update.\n",
    );
    assert_eq!(
        report.committee.as_deref(),
        Some("Anyshire Anti-Slavery Network")
    );
    let members = shown(&report.members);
    assert_eq!(members, ["Cllr Ann Ali (Chair)"]);
    let attending = shown(&report.also_attending);
    assert_eq!(
        attending,
        [
            "Pat Example (Community Safety Officer, Anyshire District Council)",
            "Lee Sample (Outreach Worker, Salvation Army)"
        ]
    );
}

#[test]
fn the_second_held_out_batch_holds_its_figures() {
    let report = evaluate(&set("heldout2")).unwrap();
    assert_eq!(report.records, 30);
    assert_targets(&report, 0.97, 0.85);
}

#[test]
fn agenda_item_minute_no_and_lettered_numbers_and_short_weekdays_are_read() {
    let folder = tempfile::tempdir().unwrap();
    let cases = [
        (
            "markdown.txt",
            "# Anyshire Scrutiny Committee\n\nMinutes of the meeting held on 2025-01-28 at 14:00.\n\n## Agenda item 1: Declarations of interest\n\nNone.\n\n## Agenda item 2: Forward plan\n\nNoted.\n",
            "2025-01-28",
            [("1", "Declarations of interest"), ("2", "Forward plan")],
        ),
        (
            "printed.txt",
            "ANYSHIRE COUNTY COUNCIL\nCorporate Parenting Panel\nDate: February 25, 2025, 6pm\nMinute No. 45 APOLOGIES\nNone.\nMinute No. 46 PLACEMENT SUFFICIENCY\nThe Panel noted the report.\n",
            "2025-02-25",
            [("45", "APOLOGIES"), ("46", "PLACEMENT SUFFICIENCY")],
        ),
        (
            "notes.txt",
            "Anyshire Prevent Partnership\nLicensing Committee - Tues 11 March 2025 7.00 pm\nA.1 Apologies and introductions\nNoted.\nB.2 Prevent referrals\nThe Partnership noted the figures.\n",
            "2025-03-11",
            [("A.1", "Apologies and introductions"), ("B.2", "Prevent referrals")],
        ),
    ];
    for (name, text, date, expected) in cases {
        let report = read(folder.path(), name, text);
        assert_eq!(report.date.as_deref(), Some(date), "{name}");
        let items: Vec<(&str, &str)> = report
            .items
            .iter()
            .map(|item| {
                (
                    item.number.as_deref().unwrap_or_default(),
                    item.title.as_deref().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(items, expected, "{name}");
    }
}

#[test]
fn a_list_of_name_dash_role_dash_organisation_reads_each_person_whole() {
    let folder = tempfile::tempdir().unwrap();
    let report = read(
        folder.path(),
        "notes.txt",
        "ANYSHIRE PREVENT PARTNERSHIP BOARD\nNotes of meeting\nDate: 04.07.2023\nAttendees:\nCllr. Ann Ali - Chair; Cabinet Member for Safer Communities\nPat Example - Prevent Coordinator - Community Safety Team\nLee Sample - Designated Safeguarding Lead - Anyshire Academy\nDeclarations of interest:\nCouncillor Ali - employed by a local school\n1. Apologies\nNone.\n",
    );
    let members: Vec<String> = report
        .members
        .iter()
        .map(|person| person.name.clone())
        .collect();
    assert_eq!(members, ["Ann Ali"]);
    let attending = shown(&report.also_attending);
    assert_eq!(
        attending,
        [
            "Pat Example (Prevent Coordinator, Community Safety Team)",
            "Lee Sample (Designated Safeguarding Lead, Anyshire Academy)"
        ]
    );
}

#[test]
fn the_third_held_out_batch_holds_its_figures() {
    let report = evaluate(&set("heldout3")).unwrap();
    assert_eq!(report.records, 30);
    assert_targets(&report, 0.94, 0.85);
}
