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
    let workspace = converted("docx", |source| {
        scrutiny::synth::formats::to_docx(source).unwrap()
    });
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
    let workspace = converted("pdf", scrutiny::synth::formats::to_pdf);
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
        scrutiny::synth::formats::to_html(source).into_bytes()
    });
    check_same_as_text(&workspace, "html");
    // Navigation, scripts, the cookie banner and the footer are not indexed.
    let furniture = format!("\"{}\"", scrutiny::synth::formats::HTML_FURNITURE);
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

#[cfg(unix)]
#[test]
fn a_mixed_corpus_with_bad_files_indexes_every_good_file_and_names_the_rest() {
    use std::os::unix::fs::PermissionsExt as _;
    if !util::have_tool("pdftotext", "a_mixed_corpus_with_bad_files") {
        return;
    }
    let workspace = Workspace::empty();
    let corpus = workspace.path().join("corpus");
    let seed = |index: usize| std::fs::read_to_string(bundled_corpus().join(SEEDS[index])).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = corpus.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    // Good records, one per format and encoding.
    let pdf = scrutiny::synth::formats::to_pdf(&seed(0));
    write("staffordshire/issue.pdf", &pdf);
    write(
        "staffordshire/minutes.html",
        scrutiny::synth::formats::to_html(&seed(1)).as_bytes(),
    );
    write(
        "staffordshire/report.docx",
        &scrutiny::synth::formats::to_docx(&seed(2)).unwrap(),
    );
    let worcestershire = seed(3);
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&worcestershire);
    write("worcestershire/minutes.txt", &latin);
    let mut damaged = seed(4).into_bytes();
    damaged.extend_from_slice(b"\n\nA damaged byte \xff sits beside the word quokkadamage.\n");
    write("wiltshire/damaged.txt", &damaged);
    let mut big = String::from("Agenda item\n\nSchool transport\n\n");
    let mut number = 0;
    while big.len() < 50 * 1024 * 1024 {
        number += 1;
        big.push_str(&format!(
            "Paragraph {number}: the board reviewed home to school transport contracts, \
             the checks made on drivers and escorts, and the complaints received this term.\n\n"
        ));
    }
    big.push_str("The last paragraph names the word quokkafinale.\n");
    write("wiltshire/large.txt", big.as_bytes());
    // Bad files, each with the reason it must be named with.
    let mut encrypted = pdf.clone();
    let trailer = encrypted
        .windows(11)
        .rposition(|window| window == b"/Root 1 0 R")
        .unwrap();
    let dictionary = format!(
        " /Encrypt << /Filter /Standard /V 1 /R 2 /O <{}> /U <{}> /P -4 >> /ID [<{}> <{}>]",
        "11".repeat(32),
        "22".repeat(32),
        "33".repeat(16),
        "33".repeat(16)
    );
    encrypted.splice(trailer + 11..trailer + 11, dictionary.bytes());
    write("wiltshire/encrypted.pdf", &encrypted);
    write("wiltshire/corrupt.pdf", &pdf[..pdf.len() / 3]);
    write(
        "wiltshire/scanned.pdf",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    );
    write("wiltshire/empty.txt", b"");
    write(
        "wiltshire/binary.txt",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00",
    );
    write(
        "wiltshire/unreadable.txt",
        b"Agenda item\n\nSecret\n\nquokkasecret\n",
    );
    let unreadable = corpus.join("wiltshire/unreadable.txt");
    std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::os::unix::fs::symlink("..", corpus.join("wiltshire/loop")).unwrap();

    let output = util::scrutiny_unprivileged(&workspace, &["index"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "committed with failures: {stderr}"
    );
    for (file, reason) in [
        (
            "wiltshire/encrypted.pdf",
            "encrypted PDF: it needs a password",
        ),
        ("wiltshire/corrupt.pdf", "not a readable PDF"),
        ("wiltshire/scanned.pdf", "no text layer — scanned image?"),
        ("wiltshire/empty.txt", "an empty file (0 bytes)"),
        ("wiltshire/binary.txt", "binary data, not text"),
        ("wiltshire/unreadable.txt", "Permission denied"),
        (
            "wiltshire/loop",
            "a symbolic link to a folder, not followed",
        ),
    ] {
        let line = format!("cannot index corpus/{file}: ");
        let named = stderr
            .lines()
            .find(|candidate| candidate.contains(&line))
            .unwrap_or_else(|| panic!("{file} is not named: {stderr}"));
        assert!(named.contains(reason), "{named}");
    }
    assert!(stderr.contains("6 failed"), "{stderr}");

    let search = |query: &str| {
        let output =
            util::scrutiny_unprivileged(&workspace, &["search", query, "--json", "--limit", "50"]);
        let found: serde_json::Value =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
                panic!(
                    "search {query}: {error}; {}; stderr: {}",
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                )
            });
        hits(&found)
            .iter()
            .map(|hit| hit["source"]["key"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(search("quokkafinale"), ["wiltshire/large.txt"]);
    assert_eq!(search("quokkadamage"), ["wiltshire/damaged.txt"]);
    assert!(search("quokkasecret").is_empty());
    let sexting = search("sexting");
    for key in [
        "staffordshire/issue.pdf",
        "staffordshire/minutes.html",
        "staffordshire/report.docx",
    ] {
        assert!(
            sexting.contains(&key.to_string()),
            "{key} not found: {sexting:?}"
        );
    }
    assert!(search("\"Blair Keltie\"")
        .iter()
        .any(|key| key == "wiltshire/damaged.txt"));
    assert!(search("worcestershire")
        .iter()
        .any(|key| key == "worcestershire/minutes.txt"));
}
