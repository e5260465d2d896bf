//! PDF: the text layer, page by page, through poppler's `pdftotext`.
//!
//! `pdftotext -bbox-layout` prints the words of each page grouped into
//! poppler's reading-order blocks and lines; those blocks become paragraphs.
//! The program runs as a child process fed through a pipe, so a PDF that
//! crashes or hangs the parser costs only that file: the child is killed
//! after [`TIMEOUT`] and its output is capped.
//!
//! After reading, the page furniture is taken away: lines at the top or
//! bottom of a page that are page numbers ("Page 3 of 12", "- 3 -") or that
//! repeat at the edge of most pages (a council banner). Words hyphenated at
//! a line end are joined again unless the document writes them with a hyphen
//! elsewhere. Every line keeps its page and its line on that page, so a hit
//! cites `minutes.pdf` page 3, lines 12–18.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{Line, ReadError, Text};

/// How long one PDF may take to convert before its converter is killed.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// The most converter output read for one PDF.
const MAX_OUTPUT_BYTES: u64 = 512 * 1024 * 1024;
/// The environment variable that names another `pdftotext`.
pub const PROGRAM_VARIABLE: &str = "SCRUTINY_PDFTOTEXT";

/// Reads the text layer of a PDF.
pub fn read(bytes: &[u8]) -> Result<Text, ReadError> {
    if !bytes.starts_with(b"%PDF")
        && !bytes[..bytes.len().min(1024)]
            .windows(4)
            .any(|w| w == b"%PDF")
    {
        return Err(ReadError::Invalid("not a PDF (no %PDF header)".to_string()));
    }
    let xml = convert(bytes)?;
    let pages = parse_layout(&xml)
        .map_err(|error| ReadError::Invalid(format!("unreadable pdftotext output: {error}")))?;
    if pages
        .iter()
        .all(|page| page.iter().all(|block| block.is_empty()))
    {
        return Err(ReadError::Invalid(
            "no text layer — scanned image? (run OCR and index the text beside it)".to_string(),
        ));
    }
    Ok(tidy(pages))
}

/// Runs `pdftotext -bbox-layout` on the bytes and returns its XHTML.
fn convert(bytes: &[u8]) -> Result<Vec<u8>, ReadError> {
    let program = std::env::var_os(PROGRAM_VARIABLE).unwrap_or_else(|| "pdftotext".into());
    let mut child = Command::new(&program)
        .args(["-bbox-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                ReadError::Invalid(format!(
                    "PDF needs {} from poppler-utils, which is not installed \
                     (Debian/Ubuntu: apt-get install poppler-utils)",
                    program.to_string_lossy()
                ))
            } else {
                ReadError::Invalid(format!("cannot run {}: {error}", program.to_string_lossy()))
            }
        })?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let result = std::thread::scope(|scope| {
        // The converter may stop reading early (a corrupt file); a broken
        // pipe here is expected and its exit status tells the story.
        scope.spawn(move || {
            let _ = stdin.write_all(bytes);
        });
        // The output ends when the converter exits: wait for that, not by
        // polling, and only poll for the exit status after it.
        let (done, finished) = std::sync::mpsc::channel();
        let output = scope.spawn(move || {
            let mut output = Vec::new();
            let _ = (&mut stdout)
                .take(MAX_OUTPUT_BYTES + 1)
                .read_to_end(&mut output);
            let _ = done.send(());
            output
        });
        let errors = scope.spawn(move || {
            let mut errors = Vec::new();
            let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut errors);
            errors
        });
        let start = Instant::now();
        let _ = finished.recv_timeout(TIMEOUT);
        let status = wait_with_timeout(&mut child, TIMEOUT.saturating_sub(start.elapsed()));
        (status, output.join(), errors.join())
    });
    let (status, output, errors) = result;
    let output = output.unwrap_or_default();
    let errors = String::from_utf8_lossy(&errors.unwrap_or_default()).into_owned();
    let status = status.map_err(ReadError::Io)?;
    let Some(status) = status else {
        return Err(ReadError::Invalid(format!(
            "pdftotext took longer than {} s and was stopped; the PDF may be malformed",
            TIMEOUT.as_secs()
        )));
    };
    if output.len() as u64 > MAX_OUTPUT_BYTES {
        return Err(ReadError::TooLarge {
            size: output.len() as u64,
            limit: MAX_OUTPUT_BYTES,
        });
    }
    if !status.success() {
        return Err(ReadError::Invalid(failure_reason(&errors)));
    }
    Ok(output)
}

/// Waits for the child; kills it and returns `None` once `timeout` passes.
fn wait_with_timeout(
    child: &mut std::process::Child,
    timeout: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let start = Instant::now();
    let mut pause = Duration::from_micros(100);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if start.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// A reader's sentence for why poppler gave up on a file.
fn failure_reason(errors: &str) -> String {
    let lowered = errors.to_ascii_lowercase();
    if lowered.contains("password") || lowered.contains("encrypt") {
        return "encrypted PDF: it needs a password to open".to_string();
    }
    let last = errors
        .lines()
        .map(str::trim)
        .rfind(|line| !line.is_empty())
        .unwrap_or("no reason given");
    format!("not a readable PDF: {last}")
}

/// One line as poppler laid it out, before tidying.
#[derive(Debug, Clone, PartialEq)]
struct RawLine {
    text: String,
    /// The line's number on its page, from 1.
    number: u32,
    /// Where the line starts and ends across the page, and its top, in
    /// points.
    left: f64,
    right: f64,
    top: f64,
}

/// Pages of blocks of lines.
type Pages = Vec<Vec<Vec<RawLine>>>;

/// Reads `-bbox-layout` XHTML into pages of blocks of lines. Words far
/// apart on one line (table cells) are joined by a tab, others by a space.
///
/// Longer than 100 lines on purpose: one quick-xml event loop whose arms
/// (page, block, line, word) update the same nesting of open elements.
fn parse_layout(xml: &[u8]) -> Result<Pages, String> {
    let mut reader = Reader::from_reader(xml);
    let mut pages: Pages = Vec::new();
    let mut buffer = Vec::new();
    let mut line = String::new();
    let mut line_number = 0u32;
    let mut in_word = false;
    let mut word = String::new();
    let mut word_span = (0.0f64, 0.0f64);
    let mut previous_end: Option<f64> = None;
    let mut height = 10.0f64;
    let mut span = (0.0f64, 0.0f64);
    let mut line_top = 0.0f64;
    loop {
        let event = reader
            .read_event_into(&mut buffer)
            .map_err(|error| error.to_string())?;
        match event {
            Event::Start(start) => match start.local_name().into_inner() {
                "page" => {
                    pages.push(Vec::new());
                    line_number = 0;
                }
                "block" => {
                    if let Some(page) = pages.last_mut() {
                        page.push(Vec::new());
                    }
                }
                "line" => {
                    line.clear();
                    previous_end = None;
                    line_number += 1;
                    let (top, bottom) = (
                        attribute(&start, "yMin").unwrap_or(0.0),
                        attribute(&start, "yMax").unwrap_or(10.0),
                    );
                    height = (bottom - top).max(1.0);
                    line_top = top;
                    span = (
                        attribute(&start, "xMin").unwrap_or(0.0),
                        attribute(&start, "xMax").unwrap_or(0.0),
                    );
                }
                "word" => {
                    in_word = true;
                    word.clear();
                    word_span = (
                        attribute(&start, "xMin").unwrap_or(0.0),
                        attribute(&start, "xMax").unwrap_or(0.0),
                    );
                }
                _ => {}
            },
            Event::Text(content) if in_word => word.push_str(&content.xml10_content()),
            Event::GeneralRef(reference) if in_word => {
                if let Ok(Some(character)) = reference.resolve_char_ref() {
                    word.push(character);
                } else if let Some(entity) =
                    quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
                {
                    word.push_str(entity);
                }
            }
            Event::End(end) => match end.local_name().into_inner() {
                "word" => {
                    in_word = false;
                    if let Some(end) = previous_end {
                        // A gap wider than one and a half line heights is a
                        // column gap, not a space.
                        line.push(if word_span.0 - end > 1.5 * height {
                            '\t'
                        } else {
                            ' '
                        });
                    }
                    line.push_str(&word);
                    previous_end = Some(word_span.1);
                }
                "line" => {
                    let text = super::normalise_whitespace(&line);
                    if let Some(block) = pages.last_mut().and_then(|page| page.last_mut()) {
                        if !text.is_empty() {
                            block.push(RawLine {
                                text,
                                number: line_number,
                                left: span.0,
                                right: span.1,
                                top: line_top,
                            });
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    for page in &mut pages {
        merge_table_columns(page);
    }
    Ok(pages)
}

/// Poppler reads a table column by column, each column its own block. A
/// block whose lines sit level with the lines of the block before it, to its
/// right, is that table's next column: its cells are joined to the rows
/// with a tab, so "Name<TAB>Name" rows read as the table shows them.
fn merge_table_columns(page: &mut Vec<Vec<RawLine>>) {
    let mut index = 1;
    while index < page.len() {
        let (before, after) = page.split_at_mut(index);
        let left = before.last_mut().expect("index starts at 1");
        let right = &after[0];
        let level = left.len() == right.len()
            && left.len() > 1
            && left
                .iter()
                .zip(right)
                .all(|(a, b)| (a.top - b.top).abs() < 2.0 && b.left > a.right);
        if level {
            for (a, b) in left.iter_mut().zip(right) {
                a.text.push('\t');
                a.text.push_str(&b.text);
                a.right = b.right;
            }
            page.remove(index);
        } else {
            index += 1;
        }
    }
}

/// A number-valued attribute of an element.
fn attribute(start: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<f64> {
    start
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.local_name().into_inner() == name)
        .and_then(|attribute| attribute.value.trim().parse().ok())
}

/// Removes page furniture, then joins each paragraph's soft-wrapped lines
/// into logical lines (repairing hyphenation), numbered by page and line.
fn tidy(mut pages: Pages) -> Text {
    remove_furniture(&mut pages);
    let hyphenated = hyphenated_words(&pages);
    // Paragraphs as lists of (page, line, wraps into the next line); one that
    // runs over a page break (its last line reaches the right margin and the
    // next page starts in lower case) stays one paragraph.
    let mut paragraphs: Vec<Vec<(u32, RawLine, bool)>> = Vec::new();
    let mut open_at_page_end = false;
    for (page_index, page) in pages.into_iter().enumerate() {
        let page_number = u32::try_from(page_index + 1).unwrap_or(u32::MAX);
        let margin = page
            .iter()
            .flatten()
            .map(|line| line.right)
            .fold(0.0, f64::max);
        let n_blocks = page.len();
        for (position, block) in page.into_iter().enumerate() {
            let left = block.iter().map(|line| line.left).fold(f64::MAX, f64::min);
            let right = block.iter().map(|line| line.right).fold(0.0, f64::max);
            let n_lines = block.len();
            let starts_lower = block
                .first()
                .and_then(|line| line.text.chars().next())
                .is_some_and(char::is_lowercase);
            if !(position == 0 && open_at_page_end && starts_lower) {
                paragraphs.push(Vec::new());
            }
            let paragraph = paragraphs.last_mut().expect("a paragraph is open");
            for (index, line) in block.into_iter().enumerate() {
                // A line that runs to (near) the right edge was wrapped by
                // the typesetter; a short one ended on purpose.
                let wraps = !line.text.contains('\t')
                    && if index + 1 < n_lines {
                        right > left && line.right - left >= 0.75 * (right - left)
                    } else {
                        position + 1 == n_blocks && margin > left && line.right >= 0.95 * margin
                    };
                if index + 1 == n_lines && position + 1 == n_blocks {
                    open_at_page_end = wraps;
                }
                paragraph.push((page_number, line, wraps));
            }
        }
    }
    let mut text = Text::default();
    for paragraph in paragraphs {
        let Some((_, first, _)) = paragraph.first() else {
            continue;
        };
        text.push_break(first.number);
        let mut current: Option<Line> = None;
        let mut wraps = false;
        for (page, line, line_wraps) in paragraph {
            match current.as_mut() {
                Some(logical) if wraps && !line.text.contains('\t') => {
                    match join_hyphenated(&logical.text, &line.text, &hyphenated) {
                        Some((joined, rest)) => {
                            logical.text = joined;
                            if !rest.is_empty() {
                                logical.text.push(' ');
                                logical.text.push_str(&rest);
                            }
                        }
                        None => {
                            logical.text.push(' ');
                            logical.text.push_str(&line.text);
                        }
                    }
                    logical.last_number = line.number;
                    logical.last_page = page;
                }
                _ => {
                    text.lines.extend(current.take());
                    current = Some(Line {
                        text: line.text,
                        number: line.number,
                        last_number: line.number,
                        page,
                        last_page: page,
                        heading: false,
                    });
                }
            }
            wraps = line_wraps;
        }
        text.lines.extend(current);
    }
    text
}

/// Joins `stem-` at the end of `current` with the first word of `next`:
/// the new current line and what is left of the next one.
fn join_hyphenated(
    current: &str,
    next: &str,
    hyphenated: &HashSet<String>,
) -> Option<(String, String)> {
    let stem_start = current.rfind(' ').map_or(0, |space| space + 1);
    let stem = current[stem_start..].strip_suffix('-')?;
    if !stem.chars().last()?.is_alphabetic() || !stem.chars().all(char::is_alphabetic) {
        return None;
    }
    let first_end = next.find([' ', '\t']).unwrap_or(next.len());
    let first = &next[..first_end];
    let letters_end = first
        .char_indices()
        .find(|(_, character)| !character.is_alphabetic())
        .map_or(first.len(), |(index, _)| index);
    let tail = &first[..letters_end];
    if !tail.chars().next()?.is_lowercase() {
        return None;
    }
    let keep_hyphen = hyphenated.contains(&format!("{stem}-{tail}").to_lowercase());
    let mut joined = current[..current.len() - 1].to_string();
    if keep_hyphen {
        joined.push('-');
    }
    joined.push_str(first);
    let rest = next[first_end..].trim_start().to_string();
    Some((joined, rest))
}

/// Words the document writes with a hyphen inside a line ("child-friendly"),
/// lowercased: a line-end hyphen in one of these is kept.
fn hyphenated_words(pages: &Pages) -> HashSet<String> {
    let mut words = HashSet::new();
    for line in pages.iter().flatten().flatten() {
        for word in line.text.split_whitespace() {
            let word = word.trim_matches(|character: char| !character.is_alphanumeric());
            if let Some((head, tail)) = word.split_once('-') {
                if !head.is_empty() && !tail.is_empty() {
                    words.insert(word.to_lowercase());
                }
            }
        }
    }
    words
}

/// How many lines at each end of a page may be headers or footers.
const EDGE_LINES: usize = 2;

/// Drops page numbers and lines repeated at the top or bottom of most pages.
fn remove_furniture(pages: &mut Pages) {
    let mut edge_counts: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let mut seen = HashSet::new();
        for line in edge_lines(page) {
            let shape = shape_of(&line.text);
            if seen.insert(shape.clone()) {
                *edge_counts.entry(shape).or_default() += 1;
            }
        }
    }
    let repeated_on = (pages.len() / 2).max(2);
    for page in pages.iter_mut() {
        let edges: HashSet<(u32, String)> = edge_lines(page)
            .map(|line| (line.number, line.text.clone()))
            .collect();
        for block in page.iter_mut() {
            block.retain(|line| {
                if !edges.contains(&(line.number, line.text.clone())) {
                    return true;
                }
                let shape = shape_of(&line.text);
                let repeated = edge_counts.get(&shape).copied().unwrap_or(0) >= repeated_on;
                !(is_page_number(&shape) || repeated)
            });
        }
        page.retain(|block| !block.is_empty());
    }
}

/// The first and last few lines of a page.
fn edge_lines(page: &[Vec<RawLine>]) -> impl Iterator<Item = &RawLine> {
    let all: Vec<&RawLine> = page.iter().flatten().collect();
    let head = all.len().min(EDGE_LINES);
    let tail_start = all.len().saturating_sub(EDGE_LINES).max(head);
    let mut chosen: Vec<&RawLine> = all[..head].to_vec();
    chosen.extend_from_slice(&all[tail_start..]);
    chosen.into_iter()
}

/// A line with its digits made `#` and its case folded, so "Page 3 of 12"
/// and "Page 4 of 12" have one shape.
fn shape_of(line: &str) -> String {
    let mut shape = String::with_capacity(line.len());
    let mut in_number = false;
    for character in line.chars() {
        if character.is_ascii_digit() {
            if !in_number {
                shape.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            shape.extend(character.to_lowercase());
        }
    }
    shape
}

/// True for "#", "- # -", "page #", "page # of #", "#/#" and the like.
fn is_page_number(shape: &str) -> bool {
    let words: Vec<&str> = shape
        .split(|character: char| character.is_whitespace() || "-–—|/.,()[]".contains(character))
        .filter(|word| !word.is_empty())
        .collect();
    !words.is_empty()
        && words.contains(&"#")
        && words
            .iter()
            .all(|word| matches!(*word, "#" | "page" | "of" | "p"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(lines: &[&str]) -> Vec<RawLine> {
        lines
            .iter()
            .enumerate()
            .map(|(index, text)| RawLine {
                text: (*text).to_string(),
                number: u32::try_from(index + 1).unwrap(),
                left: 50.0,
                right: 300.0,
                top: 0.0,
            })
            .collect()
    }

    #[test]
    fn page_numbers_have_a_shape() {
        for line in ["3", "Page 3", "Page 3 of 12", "- 3 -", "3/12", "p. 4"] {
            assert!(is_page_number(&shape_of(line)), "{line}");
        }
        for line in ["3 Sexting", "Item 3", "Minutes of 3 May", "Page"] {
            assert!(!is_page_number(&shape_of(line)), "{line}");
        }
    }

    #[test]
    fn banners_repeated_on_most_pages_go_and_body_text_stays() {
        let page = |body: &str, number: &str| {
            vec![raw(&["Wiltshire Council"]), raw(&[body]), raw(&[number])]
        };
        let mut pages = vec![
            page("Taxi licensing was discussed.", "Page 1 of 3"),
            page("Sexting was discussed.", "Page 2 of 3"),
            page("Nothing else.", "Page 3 of 3"),
        ];
        remove_furniture(&mut pages);
        let left: Vec<&str> = pages
            .iter()
            .flatten()
            .flatten()
            .map(|line| line.text.as_str())
            .collect();
        assert_eq!(
            left,
            [
                "Taxi licensing was discussed.",
                "Sexting was discussed.",
                "Nothing else."
            ]
        );
    }

    #[test]
    fn a_one_page_document_keeps_its_first_line() {
        let mut pages = vec![vec![raw(&["Wiltshire Council", "Minutes"])]];
        remove_furniture(&mut pages);
        assert_eq!(pages[0][0].len(), 2);
    }

    #[test]
    fn line_end_hyphens_are_repaired_unless_the_word_has_one() {
        let hyphenated: HashSet<String> = ["child-friendly".to_string()].into();
        assert_eq!(
            join_hyphenated("the safe-", "guarding board met", &hyphenated),
            Some(("the safeguarding".to_string(), "board met".to_string()))
        );
        assert_eq!(
            join_hyphenated("a child-", "friendly space", &hyphenated),
            Some(("a child-friendly".to_string(), "space".to_string()))
        );
        assert_eq!(join_hyphenated("Item 3 -", "Sexting", &hyphenated), None);
        assert_eq!(join_hyphenated("Stoke-on-", "Trent", &hyphenated), None);
    }

    #[test]
    fn layout_xhtml_gives_blocks_lines_and_columns() {
        let xml = br#"<html><body><doc><page width="595" height="842"><flow>
<block><line yMin="10" yMax="20"><word xMin="50" xMax="80">Fish&amp;</word><word xMin="83" xMax="100">chips</word></line></block>
<block><line yMin="40" yMax="50"><word xMin="50" xMax="80">Cllr</word><word xMin="220" xMax="260">Present</word></line></block>
</flow></page></doc></body></html>"#;
        let pages = parse_layout(xml).unwrap();
        assert_eq!(pages.len(), 1);
        assert_eq!(pages[0][0][0].text, "Fish& chips");
        assert_eq!(pages[0][1][0].text, "Cllr\tPresent");
        assert_eq!(pages[0][1][0].number, 2);
    }

    #[test]
    fn bytes_that_are_not_a_pdf_are_refused_before_any_converter_runs() {
        let error = read(b"hello").unwrap_err().to_string();
        assert!(error.contains("not a PDF"), "{error}");
    }
}
