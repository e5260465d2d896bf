//! A corpus of hostile and broken files, made here by code, beside good
//! records: every file has an expected outcome (indexed, or named with its
//! reason), nothing crashes or hangs, memory stays bounded, and every good
//! file is indexed.

mod util;

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::Value;
use util::{bundled_corpus, Workspace};

/// What must happen to a file.
enum Expect {
    /// Indexed; a search for the word finds it.
    Indexed(&'static str),
    /// Named on stderr with a reason containing this.
    Refused(&'static str),
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, content) in entries {
        archive.start_file(*name, options).unwrap();
        archive.write_all(content).unwrap();
    }
    archive.finish().unwrap().into_inner()
}

fn minimal_pdf(objects: &[&str], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    for (index, object) in objects.iter().enumerate() {
        out.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    out.extend_from_slice(format!("trailer\n{trailer}\n%%EOF\n").as_bytes());
    out
}

#[test]
fn hostile_files_are_refused_or_read_and_good_files_are_all_indexed() {
    let pdf_tool = util::have_tool("pdftotext", "hostile_files");
    let workspace = Workspace::with_corpus();
    let corpus = workspace.path().join("corpus");
    let dir = corpus.join("wiltshire");
    let seed = std::fs::read_to_string(bundled_corpus().join("wiltshire/004_d19465a48595deaa.txt"))
        .unwrap();
    let good_pdf =
        scrutiny::synth::formats::to_pdf(&format!("{seed}\n\nThe word quokkapdf closes it.\n"));
    let mut files: Vec<(String, Vec<u8>, Expect)> = Vec::new();
    let mut add =
        |name: &str, bytes: Vec<u8>, expect: Expect| files.push((name.to_string(), bytes, expect));

    // PDFs.
    if pdf_tool {
        // Damaged PDFs: poppler's own words after ours vary with its
        // version, so only ours are checked.
        add(
            "truncated.pdf",
            good_pdf[..good_pdf.len() / 2].to_vec(),
            Expect::Refused("not a readable PDF: "),
        );
        add(
            "recursive.pdf",
            minimal_pdf(
                &[
                    "<< /Type /Catalog /Pages 2 0 R >>",
                    "<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
                ],
                "<< /Root 1 0 R >>",
            ),
            // Poppler gives up on the page tree and returns no text.
            Expect::Refused("no text layer — scanned image?"),
        );
        add(
            "huge-length.pdf",
            minimal_pdf(
                &[
                    "<< /Type /Catalog /Pages 2 0 R >>",
                    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
                    "<< /Length 99999999999999 >>\nstream\nBT (x) Tj ET\nendstream",
                ],
                "<< /Root 1 0 R >>",
            ),
            // The stream's stated length is refused; the page has no text.
            Expect::Refused("no text layer — scanned image?"),
        );
        add("good.pdf", good_pdf.clone(), Expect::Indexed("quokkapdf"));
    }
    add(
        "not-a-pdf.pdf",
        b"<html>a web page saved as .pdf</html>".to_vec(),
        Expect::Refused("not a PDF"),
    );
    // Word files.
    let bomb = vec![b'a'; 200 * 1024 * 1024];
    add(
        "bomb.docx",
        zip(&[("word/document.xml", &bomb)]),
        Expect::Refused(
            "not a readable Word file: its text (word/document.xml) unpacks to more than 32 MB, \
             from a 199 KB file (a damaged file or a zip bomb)",
        ),
    );
    add(
        "no-document.docx",
        zip(&[("other.xml", b"<x/>")]),
        Expect::Refused("word/document.xml"),
    );
    add(
        "text-named.docx",
        b"just text".to_vec(),
        Expect::Refused("not a readable Word file"),
    );
    add(
        "good.docx",
        scrutiny::synth::formats::to_docx("Agenda item\n\nWord\n\nThe word quokkadocx is here.\n")
            .unwrap(),
        Expect::Indexed("quokkadocx"),
    );
    // Web pages.
    add(
        "deep.html",
        format!(
            "<body>{}x{}</body>",
            "<div>".repeat(200_000),
            "</div>".repeat(200_000)
        )
        .into_bytes(),
        Expect::Refused("nested more than"),
    );
    add(
        "script-only.html",
        format!(
            "<body><script>{}</script></body>",
            "var a = 1;".repeat(1_000_000)
        )
        .into_bytes(),
        Expect::Refused("no text"),
    );
    add(
        "wide.html",
        format!(
            "<body><main>{}<p>quokkawide</p></main></body>",
            "<p>cell</p>".repeat(100_000)
        )
        .into_bytes(),
        Expect::Indexed("quokkawide"),
    );
    // Text.
    add(
        "long-line.txt",
        vec![b'a'; 200 * 1024 * 1024],
        Expect::Refused("over the limit"),
    );
    add(
        "nul.txt",
        b"Agenda item\n\x00\x00binary".to_vec(),
        Expect::Refused("binary data"),
    );
    add("empty.txt", Vec::new(), Expect::Refused("empty file"));
    add(
        "blank.txt",
        b"   \n\n\t\n".to_vec(),
        Expect::Refused("no text to index"),
    );
    add(
        "mixed-encoding.txt",
        b"Agenda item\n\nMixed\n\nCaf\xc3\xa9 \x93quokkamixed\x94 \xe2\x80\x94 \xa3150\n".to_vec(),
        Expect::Indexed("quokkamixed"),
    );
    add(
        "controls.txt",
        b"Agenda item\n\nControls\n\n\x01\x02\x1b[31m quokkacontrol\x07\x7f text\r\n".to_vec(),
        Expect::Indexed("quokkacontrol"),
    );
    add(
        "bidi.txt",
        "Agenda item\n\nBidi\n\nA \u{202e}reversed\u{202c} quokkabidi \u{200f}word\u{feff}.\n"
            .as_bytes()
            .to_vec(),
        Expect::Indexed("quokkabidi"),
    );
    add(
        "long-words.txt",
        format!(
            "Agenda item\n\nWords\n\n{} quokkalong {}\n",
            "x".repeat(16 * 1024),
            "y".repeat(100 * 1024)
        )
        .into_bytes(),
        Expect::Indexed("quokkalong"),
    );
    add(
        "utf16-odd.txt",
        {
            let mut bytes = vec![0xff, 0xfe];
            for unit in "Agenda item\n\nUTF-16\n\nquokkasixteen\n".encode_utf16() {
                bytes.extend_from_slice(&unit.to_le_bytes());
            }
            bytes.push(b'x');
            bytes
        },
        Expect::Indexed("quokkasixteen"),
    );
    add(
        "markdown-nesting.md",
        format!(
            "# Item\n\n{}quokkaquote\n\n{}\n",
            "> ".repeat(10_000),
            "[".repeat(50_000)
        )
        .into_bytes(),
        Expect::Indexed("quokkaquote"),
    );
    // Odd names.
    for (name, word) in [
        ("odd name with spaces & 'quotes'.txt", "quokkaspaces"),
        ("-leading-dash.txt", "quokkadash"),
        ("ünïcödé – minutes.txt", "quokkaunicode"),
        ("line\nbreak.txt", "quokkabreak"),
    ] {
        add(
            name,
            format!("Agenda item\n\nOdd\n\nThe word {word} is here.\n").into_bytes(),
            Expect::Indexed(word),
        );
    }
    let long_name = format!("{}.txt", "n".repeat(250));
    add(
        &long_name,
        b"Agenda item\n\nLong\n\nquokkalongname\n".to_vec(),
        Expect::Indexed("quokkalongname"),
    );
    add(
        "bad-sidecar.txt",
        b"Agenda item\n\nSidecar\n\nquokkasidecar\n".to_vec(),
        Expect::Refused("bad-sidecar.txt.meta.toml"),
    );

    for (name, bytes, _) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    std::fs::write(
        dir.join("bad-sidecar.txt.meta.toml"),
        b"council = [unclosed",
    )
    .unwrap();
    std::os::unix::fs::symlink("..", dir.join("loop")).unwrap();
    std::os::unix::fs::symlink("missing-target.txt", dir.join("dangling.txt")).unwrap();
    let fifo = dir.join("pipe.txt");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    std::fs::write(
        dir.join("unreadable.txt"),
        b"Agenda item\n\nSecret\n\nquokkasecret\n",
    )
    .unwrap();
    std::fs::set_permissions(
        dir.join("unreadable.txt"),
        std::os::unix::fs::PermissionsExt::from_mode(0o000),
    )
    .unwrap();

    // No file may hang the run: the helper stops it after
    // `util::RUN_LIMIT` and fails the test, and the run must also finish
    // well within a minute.
    let started = Instant::now();
    let output = util::scrutiny_unprivileged(&workspace, &["index", "--json"]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "the hostile corpus took {:?} to index",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert_eq!(
        output.status.code(),
        Some(1),
        "committed, with files named: {stderr}"
    );
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let reasons: Vec<(String, String)> = summary["failures"]
        .as_array()
        .unwrap()
        .iter()
        .chain(summary["walk_errors"].as_array().unwrap())
        .map(|failure| {
            (
                failure["path"].as_str().unwrap().to_string(),
                failure["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let reason_of = |name: &str| {
        reasons
            .iter()
            .find(|(path, _)| path.ends_with(&format!("/{name}")))
            .map(|(_, reason)| reason.clone())
    };
    let mut words = Vec::new();
    for (name, _, expect) in &files {
        match expect {
            Expect::Refused(reason) => {
                let given =
                    reason_of(name).unwrap_or_else(|| panic!("{name} was not named: {stderr}"));
                assert!(given.contains(reason), "{name}: {given}");
            }
            Expect::Indexed(word) => {
                assert!(
                    reason_of(name).is_none(),
                    "{name} failed: {:?}",
                    reason_of(name)
                );
                words.push((name.clone(), *word));
            }
        }
    }
    // Nothing else was refused: the files expected to fail and the four
    // links, pipe and unreadable file below, each named once.
    let n_refused = files
        .iter()
        .filter(|(_, _, expect)| matches!(expect, Expect::Refused(_)))
        .count();
    assert_eq!(reasons.len(), n_refused + 4, "{reasons:?}");
    for (name, reason) in [
        ("unreadable.txt", "Permission denied"),
        ("loop", "not followed"),
        ("dangling.txt", "broken symbolic link"),
        ("pipe.txt", "not a regular file"),
    ] {
        let given = reason_of(name).unwrap_or_else(|| panic!("{name} was not named: {stderr}"));
        assert!(given.contains(reason), "{name}: {given}");
    }
    // Memory stayed bounded: no file was held more than a few times over.
    let peak = summary["peak_memory_mb"].as_f64().unwrap();
    assert!(peak > 0.0 && peak < 1500.0, "peak memory {peak} MB");
    eprintln!(
        "hostile corpus: {} files and links tried, {} refused with reasons, peak memory {peak:.0} MB, {:.1} s",
        files.len() + 4,
        reasons.len(),
        started.elapsed().as_secs_f64()
    );

    // Every good file beside them is searchable, the five seeds included.
    for (name, word) in words {
        let output =
            util::scrutiny_unprivileged(&workspace, &["search", word, "--json", "--no-refresh"]);
        let found: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|_| panic!("{word}: {}", String::from_utf8_lossy(&output.stderr)));
        let keys: Vec<&str> = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["source"]["key"].as_str().unwrap())
            .collect();
        assert!(
            keys.iter().any(|key| key.ends_with(name.as_str())),
            "{word} in {name}: {keys:?}"
        );
    }
    let output = util::scrutiny_unprivileged(&workspace, &["coverage", "--json", "--no-refresh"]);
    let coverage: Value = serde_json::from_slice(&output.stdout).unwrap();
    let councils: Vec<&str> = coverage["councils"]
        .as_array()
        .unwrap()
        .iter()
        .map(|council| council["council"].as_str().unwrap())
        .collect();
    assert_eq!(
        councils,
        ["Staffordshire", "Wiltshire", "Worcestershire"],
        "{coverage}"
    );
}
