//! Terminal output in the manner of ripgrep: a `path:lines` citation, the
//! record's metadata, and the snippet with matched words marked. Styles are
//! ANSI codes; the caller's stream decides whether they are kept.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};

use crate::ingest::{IndexSummary, RecordReport};
use crate::search::{Hit, SearchResults};
use crate::snippet::Highlighted;

const PATH: Style = AnsiColor::Magenta.on_default();
const LINES: Style = AnsiColor::Green.on_default();
const MATCH: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
const LABEL: Style = Style::new().effects(Effects::DIMMED);
const TITLE: Style = Style::new().effects(Effects::BOLD);

/// Prints search hits, a blank line between each.
pub fn search(out: &mut impl Write, results: &SearchResults) -> io::Result<()> {
    for (position, hit) in results.hits.iter().enumerate() {
        if position > 0 {
            writeln!(out)?;
        }
        write_hit(out, hit)?;
    }
    Ok(())
}

fn write_hit(out: &mut impl Write, hit: &Hit) -> io::Result<()> {
    let [first, last] = hit.source.lines;
    let lines = if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    };
    writeln!(
        out,
        "{PATH}{}{PATH:#}:{LINES}{lines}{LINES:#}",
        hit.source.path
    )?;
    let mut context = vec![
        hit.council
            .clone()
            .unwrap_or_else(|| "council unknown".into()),
        hit.committee
            .clone()
            .unwrap_or_else(|| "committee unknown".into()),
        hit.date.clone().unwrap_or_else(|| "date not stated".into()),
    ];
    if let Some(topic) = &hit.topic {
        let topic = shorten(topic, 90);
        match &hit.item {
            Some(number) => context.push(format!("item {number}: {topic}")),
            None => context.push(topic),
        }
    }
    writeln!(out, "  {LABEL}{}{LABEL:#}", context.join(" · "))?;
    if !hit.officers.is_empty() {
        let officers: Vec<String> = hit
            .officers
            .iter()
            .map(|officer| officer.display())
            .collect();
        writeln!(out, "  {LABEL}officers: {}{LABEL:#}", officers.join("; "))?;
    }
    let snippet = Highlighted {
        text: hit.snippet.clone(),
        ranges: hit.highlights.clone(),
    };
    write!(out, "  ")?;
    for (piece, marked) in snippet.pieces() {
        if marked {
            write!(out, "{MATCH}{piece}{MATCH:#}")?;
        } else {
            write!(out, "{piece}")?;
        }
    }
    writeln!(out)
}

/// `text` cut at a word to at most `max_chars` characters, with an ellipsis.
fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars).collect();
    if let Some(space) = cut.rfind(' ') {
        cut.truncate(space);
    }
    cut.push('…');
    cut
}

/// The one-line summary of an index run, and one line per failed file.
pub fn index_summary(out: &mut impl Write, summary: &IndexSummary) -> io::Result<()> {
    for failure in summary.failures.iter().chain(&summary.walk_errors) {
        writeln!(
            out,
            "scrutiny: cannot index {}: {}",
            failure.path, failure.reason
        )?;
    }
    for failure in &summary.earlier_failures {
        writeln!(
            out,
            "scrutiny: still cannot index {} (unchanged since it failed): {}",
            failure.path, failure.reason
        )?;
    }
    if !summary.committed {
        return writeln!(
            out,
            "index up to date: {} files unchanged ({:.2} s)",
            summary.n_unchanged, summary.seconds
        );
    }
    writeln!(
        out,
        "indexed {} files: {} added, {} changed, {} removed, {} unchanged; {} passages from {:.2} MB in {:.2} s ({:.1} MB/s); {} failed",
        summary.n_files,
        summary.n_added,
        summary.n_changed,
        summary.n_removed,
        summary.n_unchanged,
        summary.n_passages,
        summary.bytes_read as f64 / 1e6,
        summary.seconds,
        summary.mb_per_second(),
        summary.failures.len() + summary.earlier_failures.len(),
    )
}

/// What `scrutiny extract` shows for one file.
pub fn record(out: &mut impl Write, report: &RecordReport) -> io::Result<()> {
    let unknown =
        |value: &Option<String>, what: &str| value.clone().unwrap_or_else(|| format!("({what})"));
    writeln!(out, "{PATH}{}{PATH:#}", report.path)?;
    writeln!(
        out,
        "  {LABEL}council  {LABEL:#} {}",
        unknown(&report.council, "unknown")
    )?;
    writeln!(
        out,
        "  {LABEL}committee{LABEL:#} {}",
        unknown(&report.committee, "unknown")
    )?;
    writeln!(
        out,
        "  {LABEL}date     {LABEL:#} {}",
        unknown(&report.date, "not stated")
    )?;
    writeln!(out, "  {LABEL}kind     {LABEL:#} {}", report.kind_name())?;
    for item in &report.items {
        let number = item
            .number
            .as_deref()
            .map(|number| format!("item {number}"))
            .unwrap_or_else(|| "item".into());
        let lines = item
            .lines
            .map(|[first, last]| format!(" (lines {first}-{last})"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {TITLE}{number}{TITLE:#} {}{LABEL}{lines}{LABEL:#}",
            item.title.as_deref().unwrap_or("(untitled)")
        )?;
        for officer in &item.officers {
            writeln!(out, "    {LABEL}officer{LABEL:#} {}", officer.display())?;
        }
    }
    let people =
        |out: &mut dyn Write, label: &str, people: &[crate::extract::Person]| -> io::Result<()> {
            if people.is_empty() {
                return Ok(());
            }
            let names: Vec<String> = people.iter().map(|person| person.display()).collect();
            writeln!(out, "  {LABEL}{label}{LABEL:#} {}", names.join("; "))
        };
    people(out, "members  ", &report.members)?;
    people(out, "also     ", &report.also_attending)?;
    people(out, "apologies", &report.apologies)?;
    for warning in &report.warnings {
        writeln!(out, "  {LABEL}note     {LABEL:#} {warning}")?;
    }
    writeln!(out, "  {LABEL}passages {LABEL:#} {}", report.passages.len())?;
    for passage in &report.passages {
        let [first, last] = passage.lines;
        let flat: String = passage
            .text
            .chars()
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        let mut preview: String = flat.chars().take(70).collect();
        if preview.len() < flat.len() {
            preview.push('…');
        }
        writeln!(out, "    {LINES}{first}-{last}{LINES:#} {preview}")?;
    }
    Ok(())
}
