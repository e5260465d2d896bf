//! Each seed record's extracted metadata equals its row in the design brief:
//! council, committee, meeting date, topic (agenda item) and officers.

mod util;

use serde_json::Value;
use util::Workspace;

struct Expected<'a> {
    council: &'a str,
    committee: &'a str,
    date: Option<&'a str>,
    /// The agenda item the row speaks of: its number, if it has one.
    item: Option<&'a str>,
    topic: &'a str,
    kind: &'a str,
    officers: &'a [&'a str],
}

/// `scrutiny extract --json` on a corpus file.
fn extract(file: &str) -> Value {
    let workspace = Workspace::with_corpus();
    let reports = workspace.json(&["extract", &format!("corpus/{file}")]);
    assert_eq!(reports.as_array().map(Vec::len), Some(1), "{reports}");
    reports[0].clone()
}

fn people(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|person| {
            let mut shown = String::new();
            if let Some(title) = person["title"].as_str() {
                shown.push_str(title);
                shown.push(' ');
            }
            shown.push_str(person["name"].as_str().unwrap());
            if let Some(role) = person["role"].as_str() {
                shown.push_str(&format!(" ({role})"));
            }
            shown
        })
        .collect()
}

fn check(file: &str, expected: Expected) {
    let report = extract(file);
    assert_eq!(report["council"], expected.council, "{file}: council");
    assert_eq!(report["committee"], expected.committee, "{file}: committee");
    assert_eq!(report["date"].as_str(), expected.date, "{file}: date");
    assert_eq!(report["kind"], expected.kind, "{file}: kind");
    let items = report["items"].as_array().unwrap();
    let item = items
        .iter()
        .find(|item| item["number"].as_str() == expected.item)
        .unwrap_or_else(|| panic!("{file}: no item {:?} in {items:?}", expected.item));
    assert_eq!(item["title"], expected.topic, "{file}: topic");
    assert_eq!(
        people(&item["officers"]),
        expected.officers,
        "{file}: officers"
    );
    assert_eq!(
        people(&report["officers"]),
        expected.officers,
        "{file}: all officers"
    );
}

const CSE_ITEM_3: &str = "Child Sexual Exploitation (CSE) in Staffordshire, to include progress against the CSAF Action Plan and information regarding Revenge Porn & Sexting";
const CSE_ITEM_3_OFFICERS: &[&str] = &[
    "Superintendent Tim Martin (Staffordshire Police)",
    "Robert Simpson (Regulatory Services Group Manager, Stafford Borough Council)",
    "Dave Anslow (Manager, Children & Young Peoples Voice Project)",
];

#[test]
fn seed_000_staffordshire_agenda_item_3() {
    check(
        "staffordshire/000_69e15054d1adbb5c.txt",
        Expected {
            council: "Staffordshire",
            committee: "Safe and Strong Communities Select Committee",
            date: Some("2017-09-26"),
            item: Some("3"),
            topic: CSE_ITEM_3,
            kind: "agenda_item",
            officers: CSE_ITEM_3_OFFICERS,
        },
    );
}

#[test]
fn seed_001_staffordshire_full_minutes() {
    check(
        "staffordshire/001_8db6af9c7e41f3bb.txt",
        Expected {
            council: "Staffordshire",
            committee: "Safe and Strong Communities Select Committee",
            date: Some("2017-09-26"),
            item: Some("3"),
            topic: CSE_ITEM_3,
            kind: "minutes",
            officers: CSE_ITEM_3_OFFICERS,
        },
    );
}

#[test]
fn seed_001_has_items_one_to_five_members_and_apologies() {
    let report = extract("staffordshire/001_8db6af9c7e41f3bb.txt");
    let items: Vec<(&str, &str)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["number"].as_str().unwrap(),
                item["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        vec![
            ("1", "Declarations of Interest"),
            ("2", "Minutes of the previous meeting held on 13 July 2017"),
            ("3", CSE_ITEM_3),
            (
                "4",
                "Cabinet Response: Preventing Low Level Neglect of Children in Staffordshire"
            ),
            ("5", "Work Programme"),
        ]
    );
    assert_eq!(
        people(&report["members"]),
        vec![
            "John Francis (Chairman)",
            "Syed Hussain",
            "Kyle Robinson",
            "Trevor Johnson",
            "Conor Wileman (Vice-Chairman)",
            "Jason Jones",
            "Victoria Wilson",
            "Natasha Pullen",
            "Mike Worthington",
        ]
    );
    assert_eq!(people(&report["apologies"]), vec!["Paul Snape"]);
    assert_eq!(people(&report["also_attending"]), vec!["Mark Sutton"]);
}

#[test]
fn seed_001_markdown_markup_does_not_leak() {
    let report = extract("staffordshire/001_8db6af9c7e41f3bb.txt");
    for item in report["items"].as_array().unwrap() {
        let title = item["title"].as_str().unwrap();
        assert!(!title.contains('*') && !title.starts_with('#'), "{title}");
    }
    for passage in report["passages"].as_array().unwrap() {
        let text = passage["text"].as_str().unwrap();
        assert!(!text.contains("**"), "{text}");
        assert!(!text.lines().any(|line| line.starts_with('#')), "{text}");
    }
}

#[test]
fn seed_002_staffordshire_undated_select_committee() {
    check(
        "staffordshire/002_5ee31838867c6c3e.txt",
        Expected {
            council: "Staffordshire",
            committee: "Select Committee",
            date: None,
            item: None,
            topic: "Child Sexual Exploitation (CSE) in Staffordshire",
            kind: "agenda_item",
            officers: &[
                "DCI David Giles (Staffordshire Police)",
                "Megan Richards (Stoke City Council)",
            ],
        },
    );
}

#[test]
fn seed_003_worcestershire_panel_comments() {
    check(
        "worcestershire/003_1493e5dddea95e7c.txt",
        Expected {
            council: "Worcestershire",
            committee: "Children and Families O&S Panel",
            date: None,
            item: None,
            topic: "Comments from Children and Families O&S Panel: Child Sexual Exploitation",
            kind: "comments",
            officers: &[],
        },
    );
}

#[test]
fn seed_004_wiltshire_area_board() {
    check(
        "wiltshire/004_d19465a48595deaa.txt",
        Expected {
            council: "Wiltshire",
            committee: "Area Board",
            date: None,
            item: None,
            topic: "Child Sexual Exploitation (CSE)",
            kind: "agenda_item",
            officers: &["Blair Keltie (Child Sexual Exploitation Manager)"],
        },
    );
}

#[test]
fn council_comes_from_the_text_outside_a_council_folder() {
    let workspace = Workspace::with_corpus();
    let loose = workspace.path().join("loose");
    std::fs::create_dir_all(&loose).unwrap();
    for (file, council) in [
        ("worcestershire/003_1493e5dddea95e7c.txt", "Worcestershire"),
        ("wiltshire/004_d19465a48595deaa.txt", "Wiltshire"),
        ("staffordshire/000_69e15054d1adbb5c.txt", "Staffordshire"),
    ] {
        let name = file.split('/').next_back().unwrap();
        std::fs::copy(util::bundled_corpus().join(file), loose.join(name)).unwrap();
        let reports = workspace.json(&["extract", &format!("loose/{name}")]);
        assert_eq!(reports[0]["council"], council, "{file}");
    }
}

#[test]
fn passages_cite_lines_that_hold_their_text() {
    for file in [
        "staffordshire/000_69e15054d1adbb5c.txt",
        "staffordshire/001_8db6af9c7e41f3bb.txt",
        "staffordshire/002_5ee31838867c6c3e.txt",
        "worcestershire/003_1493e5dddea95e7c.txt",
        "wiltshire/004_d19465a48595deaa.txt",
    ] {
        let report = extract(file);
        let source = std::fs::read_to_string(util::bundled_corpus().join(file)).unwrap();
        let lines: Vec<&str> = source.lines().collect();
        for passage in report["passages"].as_array().unwrap() {
            let first = passage["lines"][0].as_u64().unwrap() as usize;
            let last = passage["lines"][1].as_u64().unwrap() as usize;
            let text = passage["text"].as_str().unwrap();
            let first_word = text.split_whitespace().next().unwrap();
            let last_word = text.split_whitespace().next_back().unwrap();
            assert!(
                lines[first - 1].contains(first_word),
                "{file}:{first} should start with {first_word:?}"
            );
            assert!(
                lines[last - 1].contains(last_word),
                "{file}:{last} should end with {last_word:?}"
            );
        }
    }
}
