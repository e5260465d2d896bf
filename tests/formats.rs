//! Records in other formats and encodings yield what their plain text does:
//! the seeds converted to DOCX and to Windows-1252 text, by code in the
//! repository, give the same metadata and the same top hits.

mod util;

use serde_json::Value;
use util::{bundled_corpus, hits, text, Workspace};

const SEEDS: &[&str] = &[
    "staffordshire/000_69e15054d1adbb5c.txt",
    "staffordshire/001_8db6af9c7e41f3bb.txt",
    "staffordshire/002_5ee31838867c6c3e.txt",
    "worcestershire/003_1493e5dddea95e7c.txt",
    "wiltshire/004_d19465a48595deaa.txt",
];

/// A workspace whose corpus holds the seeds converted by `convert`, named
/// with `extension`.
fn converted(extension: &str, convert: impl Fn(&str) -> Vec<u8>) -> Workspace {
    let workspace = Workspace::empty();
    for seed in SEEDS {
        let source = std::fs::read_to_string(bundled_corpus().join(seed)).unwrap();
        let target = workspace
            .path()
            .join("corpus")
            .join(seed)
            .with_extension(extension);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, convert(&source)).unwrap();
    }
    workspace
}

/// What extraction found, without paths and line numbers.
fn metadata(report: &Value) -> Value {
    let items: Vec<Value> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| serde_json::json!([item["number"], item["title"], item["officers"]]))
        .collect();
    serde_json::json!({
        "council": report["council"],
        "committee": report["committee"],
        "date": report["date"],
        "kind": report["kind"],
        "items": items,
        "members": report["members"],
        "apologies": report["apologies"],
    })
}

fn check_same_as_text(workspace: &Workspace, extension: &str) {
    let plain = Workspace::with_corpus();
    for seed in SEEDS {
        let original = plain.json(&["extract", &format!("corpus/{seed}")]);
        let other_name = std::path::Path::new(seed).with_extension(extension);
        let other = workspace.json(&["extract", &format!("corpus/{}", other_name.display())]);
        assert_eq!(
            metadata(&other[0]),
            metadata(&original[0]),
            "{seed} as .{extension}"
        );
    }
    for query in ["sexting", "taxi"] {
        let original = plain.json(&["search", query, "--limit", "3"]);
        let other = workspace.json(&["search", query, "--limit", "3"]);
        for (a, b) in hits(&original).iter().zip(hits(&other)) {
            assert_eq!(text(a, "council"), text(b, "council"), "{query}");
            assert_eq!(text(a, "topic"), text(b, "topic"), "{query}");
            // A passage published twice may be shown under either place.
            let places = |hit: &Value| {
                let mut places: Vec<String> = std::iter::once(&hit["source"])
                    .chain(
                        hit["also_in"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|place| &place["source"]),
                    )
                    .map(|source| {
                        std::path::Path::new(source["key"].as_str().unwrap())
                            .with_extension("")
                            .display()
                            .to_string()
                    })
                    .collect();
                places.sort();
                places
            };
            assert_eq!(places(a), places(b), "{query}");
        }
        assert_eq!(hits(&original).len(), hits(&other).len(), "{query}");
    }
}

#[test]
fn seeds_as_docx_read_like_their_text() {
    let workspace = converted("docx", |source| scrutiny::convert::to_docx(source).unwrap());
    check_same_as_text(&workspace, "docx");
}

#[test]
fn seeds_in_windows_1252_read_like_their_utf8() {
    let workspace = converted("txt", |source| {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(source);
        assert!(!unmappable, "the seeds fit Windows-1252");
        bytes.into_owned()
    });
    let raw = std::fs::read(workspace.path().join("corpus").join(SEEDS[0])).unwrap();
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "the file really is not UTF-8"
    );
    check_same_as_text(&workspace, "txt");
}

#[test]
fn a_broken_docx_is_named_with_its_reason() {
    let workspace = Workspace::with_corpus();
    std::fs::write(
        workspace.path().join("corpus/wiltshire/broken.docx"),
        b"PK\x03\x04 not really a zip",
    )
    .unwrap();
    let output = workspace.scrutiny(&["index"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot index corpus/wiltshire/broken.docx: not a readable Word file"),
        "{stderr}"
    );
}

#[test]
fn seeds_as_pdf_read_like_their_text() {
    if !util::have_tool("pdftotext", "seeds_as_pdf_read_like_their_text") {
        return;
    }
    let workspace = converted("pdf", scrutiny::convert::to_pdf);
    check_same_as_text(&workspace, "pdf");
    // Hits cite pages, and the page furniture is not indexed.
    let found = workspace.json(&["search", "sexting", "--limit", "1"]);
    let source = &hits(&found)[0]["source"];
    assert!(source["pages"][0].as_u64().unwrap() >= 1, "{source}");
    let banner = workspace.json(&["search", "\"democratic services minutes of meetings\""]);
    assert_eq!(hits(&banner).len(), 0, "the running header was indexed");
    let footer = workspace.json(&["search", "\"page 1 of\""]);
    assert_eq!(hits(&footer).len(), 0, "the page footer was indexed");
}

#[test]
fn seeds_as_moderngov_pages_read_like_their_text() {
    let workspace = converted("html", |source| {
        scrutiny::convert::to_html(source).into_bytes()
    });
    check_same_as_text(&workspace, "html");
    // Navigation, scripts, the cookie banner and the footer are not indexed.
    let furniture = format!("\"{}\"", scrutiny::convert::HTML_FURNITURE);
    let found = workspace.json(&["search", &furniture]);
    assert_eq!(hits(&found).len(), 0, "page furniture was indexed");
    let cookies = workspace.json(&["search", "cookies"]);
    assert_eq!(hits(&cookies).len(), 0, "the cookie banner was indexed");
    // A hit cites the line of the HTML file that holds its text.
    let sexting = workspace.json(&["search", "sexting", "--limit", "1"]);
    let hit = &hits(&sexting)[0];
    let line = hit["source"]["lines"][0].as_u64().unwrap() as usize;
    let path = workspace
        .path()
        .join(hit["source"]["path"].as_str().unwrap());
    let html = std::fs::read_to_string(&path).unwrap();
    let cited = html.lines().nth(line - 1).unwrap();
    let first_word = text(hit, "text")
        .split(|character: char| !character.is_alphanumeric())
        .find(|word| !word.is_empty())
        .unwrap()
        .to_string();
    assert!(
        cited.contains(&first_word),
        "line {line} of {path:?} is {cited:?}, not {first_word:?}"
    );
}
