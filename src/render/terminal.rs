//! Terminal output in the manner of ripgrep: a `path:lines` citation, the
//! record's metadata, and the snippet with matched words marked. Styles are
//! ANSI codes; the caller's stream decides whether they are kept.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};

use crate::bench::{BenchReport, LatencyReport, PageLatency, QueryLatency};
use crate::compare::{Comparison, Group, GroupBy, Timeline};
use crate::eval::EvalReport;
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

/// A count and its noun, plural unless the count is one: `1 group`,
/// `3 groups`.
pub fn counted(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// A file or saved-search name as a terminal may show it: control
/// characters (a newline or an escape sequence in a file's name) written as
/// `\n` or `\u{1b}`, so one name is one line and the terminal never acts
/// on it.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|character| {
            if character.is_control() {
                character.escape_default().to_string()
            } else {
                character.to_string()
            }
        })
        .collect()
}

fn write_hit(out: &mut impl Write, hit: &Hit) -> io::Result<()> {
    let lines = hit.source.place();
    writeln!(
        out,
        "{PATH}{}{PATH:#}:{LINES}{lines}{LINES:#}",
        printable(&hit.source.path)
    )?;
    let context = [
        hit.council
            .clone()
            .unwrap_or_else(|| "council unknown".into()),
        hit.committee
            .clone()
            .unwrap_or_else(|| "committee unknown".into()),
        hit.date.clone().unwrap_or_else(|| "date not stated".into()),
    ];
    write!(out, "  {LABEL}{}", context.join(" · "))?;
    if let Some(topic) = &hit.topic {
        write!(out, " · ")?;
        if let Some(number) = &hit.item {
            write!(out, "item {number}: ")?;
        }
        // The title's matched words are marked, as the snippet's are.
        let shown = shorten(topic, 90);
        let whole = shown.chars().count();
        let title = Highlighted {
            text: shown,
            ranges: hit
                .topic_highlights
                .iter()
                .copied()
                .filter(|[_, end]| *end <= whole)
                .collect(),
        };
        for (piece, marked) in title.pieces() {
            if marked {
                write!(out, "{LABEL:#}{MATCH}{piece}{MATCH:#}{LABEL}")?;
            } else {
                write!(out, "{piece}")?;
            }
        }
    }
    if hit.resolution {
        write!(out, " · decision")?;
    }
    writeln!(out, "{LABEL:#}")?;
    if let Some(url) = &hit.url {
        writeln!(out, "  {LABEL}published at {url}{LABEL:#}")?;
    }
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
    writeln!(out)?;
    if !hit.also_in.is_empty() {
        let places: Vec<String> = hit
            .also_in
            .iter()
            .map(|place| format!("{}:{}", place.source.path, place.source.place()))
            .collect();
        writeln!(out, "  {LABEL}also in: {}{LABEL:#}", places.join("; "))?;
    }
    if hit.more_in_record > 0 {
        writeln!(
            out,
            "  {LABEL}… {} more in this record (--per-record 0 shows them){LABEL:#}",
            hit.more_in_record
        )?;
    }
    Ok(())
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
            printable(&failure.path),
            failure.reason
        )?;
    }
    for failure in &summary.earlier_failures {
        writeln!(
            out,
            "scrutiny: still cannot index {} (unchanged since it failed): {}",
            printable(&failure.path),
            failure.reason
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
        "indexed {} files: {} added, {} changed, {}{} removed, {} unchanged; {} passages from {:.2} MB in {:.2} s ({:.1} MB/s); {} failed",
        summary.n_files,
        summary.n_added,
        summary.n_changed,
        if summary.n_renamed > 0 {
            format!("{} renamed, ", summary.n_renamed)
        } else {
            String::new()
        },
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
    // Where a field's value came from: "(line 3: date line)".
    let source = |field: &str| {
        report
            .sources
            .iter()
            .find(|source| source.field == field)
            .map(|source| match source.line {
                0 => format!("  {LINES}({}){LINES:#}", source.rule),
                line => format!("  {LINES}(line {line}: {}){LINES:#}", source.rule),
            })
            .unwrap_or_default()
    };
    let unknown =
        |value: &Option<String>, what: &str| value.clone().unwrap_or_else(|| format!("({what})"));
    writeln!(out, "{PATH}{}{PATH:#}", printable(&report.path))?;
    writeln!(
        out,
        "  {LABEL}council  {LABEL:#} {}{}",
        unknown(&report.council, "unknown"),
        if report.council.is_some() {
            source("council")
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "  {LABEL}committee{LABEL:#} {}{}",
        unknown(&report.committee, "unknown"),
        if report.committee.is_some() {
            source("committee")
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "  {LABEL}date     {LABEL:#} {}{}",
        unknown(&report.date, "not stated"),
        if report.date.is_some() {
            source("date")
        } else {
            String::new()
        }
    )?;
    for meeting in &report.meetings {
        writeln!(
            out,
            "  {LABEL}meeting  {LABEL:#} {} {}  {LINES}(line {}){LINES:#}",
            meeting.date.as_deref().unwrap_or("(no date)"),
            meeting.committee.as_deref().unwrap_or("(no committee)"),
            meeting.line
        )?;
    }
    writeln!(out, "  {LABEL}kind     {LABEL:#} {}", report.kind_name())?;
    if let Some(url) = &report.url {
        writeln!(out, "  {LABEL}url      {LABEL:#} {url}")?;
    }
    for item in &report.items {
        let number = item
            .number
            .as_deref()
            .map(|number| format!("item {number}"))
            .unwrap_or_else(|| "item".into());
        let lines = item
            .lines
            .map(|lines| match item.pages {
                Some(_) => format!(" ({})", crate::search::place(lines, item.pages)),
                None => format!(" (lines {})", crate::search::place(lines, None)),
            })
            .unwrap_or_default();
        let standard = if item.standard { " [standard]" } else { "" };
        writeln!(
            out,
            "  {TITLE}{number}{TITLE:#} {}{standard}{LABEL}{lines}{LABEL:#}",
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
    people(out, "clerks   ", &report.clerks)?;
    // Where the people and items were read, line by line.
    let read_from: Vec<&crate::extract::Source> = report
        .sources
        .iter()
        .filter(|source| matches!(source.field, "items" | "members" | "officers"))
        .collect();
    if !read_from.is_empty() {
        writeln!(out, "  {LABEL}read from{LABEL:#}")?;
        for source in read_from {
            writeln!(
                out,
                "    {LINES}line {:<4}{LINES:#} {:<8} {}  {LINES}({}){LINES:#}",
                source.line,
                source.field,
                printable(&source.value),
                source.rule
            )?;
        }
    }
    for warning in &report.warnings {
        writeln!(out, "  {LABEL}note     {LABEL:#} {warning}")?;
    }
    writeln!(out, "  {LABEL}passages {LABEL:#} {}", report.passages.len())?;
    for passage in &report.passages {
        let place = crate::search::place(passage.lines, passage.pages);
        let flat: String = passage
            .text
            .chars()
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        let mut preview: String = flat.chars().take(70).collect();
        if preview.len() < flat.len() {
            preview.push('…');
        }
        writeln!(out, "    {LINES}{place}{LINES:#} {preview}")?;
    }
    Ok(())
}

/// A line of output with its width on screen (ANSI codes take none).
struct Cell {
    text: String,
    width: usize,
}

impl Cell {
    fn plain(text: &str, max: usize) -> Cell {
        let cut: String = text.chars().take(max).collect();
        Cell {
            width: cut.chars().count(),
            text: cut,
        }
    }

    fn styled(text: &str, style: Style, max: usize) -> Cell {
        let cut: String = text.chars().take(max).collect();
        Cell {
            width: cut.chars().count(),
            text: format!("{style}{cut}{style:#}"),
        }
    }
}

/// Wraps a highlighted snippet to `width` columns, marking matched words.
fn wrap(snippet: &Highlighted, width: usize) -> Vec<Cell> {
    // Each character with whether it is part of a match, split into words.
    let mut marked_chars: Vec<(char, bool)> = Vec::new();
    for (piece, marked) in snippet.pieces() {
        marked_chars.extend(piece.chars().map(|character| (character, marked)));
    }
    let words: Vec<&[(char, bool)]> = marked_chars
        .split(|(character, _)| *character == ' ')
        .filter(|word| !word.is_empty())
        .collect();
    let mut lines = Vec::new();
    let mut line = Cell::plain("", width);
    for word in words {
        let word = &word[..word.len().min(width)];
        if line.width > 0 && line.width + 1 + word.len() > width {
            lines.push(std::mem::replace(&mut line, Cell::plain("", width)));
        }
        if line.width > 0 {
            line.text.push(' ');
            line.width += 1;
        }
        for run in word.chunk_by(|a, b| a.1 == b.1) {
            let text: String = run.iter().map(|(character, _)| character).collect();
            if run[0].1 {
                line.text.push_str(&format!("{MATCH}{text}{MATCH:#}"));
            } else {
                line.text.push_str(&text);
            }
        }
        line.width += word.len();
    }
    if line.width > 0 {
        lines.push(line);
    }
    lines
}

fn group_cells(group: &Group, by: GroupBy, width: usize) -> Vec<Cell> {
    let unknown = match by {
        GroupBy::Year => "undated",
        GroupBy::Council => "(council not stated)",
        GroupBy::Committee => "(committee not stated)",
    };
    let key = group.key.clone().unwrap_or_else(|| unknown.into());
    let mut cells = vec![Cell::styled(&key, TITLE, width)];
    let mut summary = format!(
        "{} passage{}",
        group.count,
        if group.count == 1 { "" } else { "s" }
    );
    match (&group.first_date, &group.last_date) {
        (Some(first), Some(last)) if first == last => summary.push_str(&format!(" · {first}")),
        (Some(first), Some(last)) => summary.push_str(&format!(" · {first} to {last}")),
        _ => {}
    }
    if group.undated > 0 {
        summary.push_str(&format!(" · {} undated", group.undated));
    }
    cells.push(Cell::styled(&summary, LABEL, width));
    cells.push(Cell::plain(&"─".repeat(width), width));
    for hit in &group.hits {
        let citation = format!("{}:{}", hit.source.key, hit.source.place());
        cells.push(Cell::styled(&citation, PATH, width));
        if let Some(topic) = &hit.topic {
            cells.push(Cell::styled(&shorten(topic, width), LABEL, width));
        }
        let snippet = Highlighted {
            text: hit.snippet.clone(),
            ranges: hit.highlights.clone(),
        };
        cells.extend(wrap(&snippet, width));
        cells.push(Cell::plain("", width));
    }
    cells
}

/// Prints a comparison as columns side by side, as many as fit `width`.
pub fn comparison(out: &mut impl Write, comparison: &Comparison, width: usize) -> io::Result<()> {
    let by = match comparison.by {
        GroupBy::Council => "council",
        GroupBy::Committee => "committee",
        GroupBy::Year => "year",
    };
    writeln!(
        out,
        "{TITLE}{:?}{TITLE:#} by {by}: {} in {}",
        comparison.query,
        counted(comparison.total, "matching passage"),
        counted(comparison.groups.len(), "group")
    )?;
    const MIN_COLUMN: usize = 34;
    const GAP: &str = " │ ";
    let n_columns = (width / (MIN_COLUMN + GAP.len()))
        .max(1)
        .min(comparison.groups.len().max(1));
    let column_width = (width.saturating_sub(3 * (n_columns - 1)) / n_columns).max(20);
    for row in comparison.groups.chunks(n_columns) {
        writeln!(out)?;
        let columns: Vec<Vec<Cell>> = row
            .iter()
            .map(|group| group_cells(group, comparison.by, column_width))
            .collect();
        let height = columns.iter().map(Vec::len).max().unwrap_or(0);
        for line in 0..height {
            let mut text = String::new();
            for (position, column) in columns.iter().enumerate() {
                if position > 0 {
                    text.push_str(GAP);
                }
                let (cell_text, cell_width) = column
                    .get(line)
                    .map_or(("", 0), |cell| (cell.text.as_str(), cell.width));
                text.push_str(cell_text);
                if position + 1 < columns.len() {
                    text.push_str(&" ".repeat(column_width.saturating_sub(cell_width)));
                }
            }
            writeln!(out, "{}", text.trim_end())?;
        }
    }
    Ok(())
}

/// Prints a timeline: a row per council, a column per year and one for
/// undated records, each cell a bar and a count.
pub fn timeline(out: &mut impl Write, timeline: &Timeline) -> io::Result<()> {
    writeln!(
        out,
        "{TITLE}{:?}{TITLE:#}: matching passages per meeting year",
        timeline.query
    )?;
    const BAR: usize = 6;
    let max = timeline
        .councils
        .iter()
        .flat_map(|line| line.years.values().copied().chain([line.undated]))
        .max()
        .unwrap_or(1)
        .max(1);
    let name_width = timeline
        .councils
        .iter()
        .map(|line| {
            line.council
                .as_deref()
                .unwrap_or("(not stated)")
                .chars()
                .count()
        })
        .max()
        .unwrap_or(7)
        .max(7);
    let cell = |count: usize| -> (String, usize) {
        if count == 0 {
            return ("·".to_string(), 1);
        }
        let blocks = (count * BAR).div_ceil(max).max(1);
        let text = format!("{} {count}", "█".repeat(blocks));
        let width = text.chars().count();
        (
            format!("{LINES}{}{LINES:#} {count}", "█".repeat(blocks)),
            width,
        )
    };
    let column_width = BAR + 6;
    let mut header = format!("{:name_width$}", "");
    for year in &timeline.years {
        header.push_str(&format!("  {:<column_width$}", year));
    }
    header.push_str(&format!("  {:<column_width$}  total", "undated"));
    writeln!(out, "{LABEL}{}{LABEL:#}", header.trim_end())?;
    for line in &timeline.councils {
        let name = line.council.as_deref().unwrap_or("(not stated)");
        let mut text = format!("{name:name_width$}");
        let counts = timeline
            .years
            .iter()
            .map(|year| line.years.get(year).copied().unwrap_or(0))
            .chain([line.undated]);
        for count in counts {
            let (styled, width) = cell(count);
            text.push_str("  ");
            text.push_str(&styled);
            text.push_str(&" ".repeat(column_width.saturating_sub(width)));
        }
        text.push_str(&format!("  {}", line.total));
        writeln!(out, "{text}")?;
    }
    Ok(())
}

/// Prints ranking measures per query and their means.
pub fn eval(out: &mut impl Write, report: &EvalReport) -> io::Result<()> {
    let width = report
        .queries
        .iter()
        .map(|score| score.query.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{LABEL}{:width$}  nDCG@10     RR  recall@10{LABEL:#}",
        "query"
    )?;
    for score in &report.queries {
        writeln!(
            out,
            "{:width$}  {:>7.3}  {:>5.3}  {:>9.3}",
            score.query, score.ndcg, score.reciprocal_rank, score.recall
        )?;
    }
    writeln!(
        out,
        "{TITLE}{:width$}  {:>7.3}  {:>5.3}  {:>9.3}{TITLE:#}",
        "mean", report.ndcg_at_10, report.mrr, report.recall_at_10
    )
}

/// Prints scrutiny's and the FTS5 baseline's measures side by side, per
/// query (judged per record).
pub fn record_eval(
    out: &mut impl Write,
    report: &crate::eval::records::RecordEvalReport,
) -> io::Result<()> {
    let width = report
        .scrutiny
        .queries
        .iter()
        .map(|score| score.query.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    writeln!(
        out,
        "{LABEL}{:width$}  {:^22}  {:^22}{LABEL:#}",
        "", "scrutiny", "FTS5 (OR, bm25)"
    )?;
    writeln!(
        out,
        "{LABEL}{:width$}  nDCG@10     RR  recall  nDCG@10     RR  recall{LABEL:#}",
        "query"
    )?;
    for (ours, theirs) in report.scrutiny.queries.iter().zip(&report.fts5.queries) {
        writeln!(
            out,
            "{:width$}  {:>7.3}  {:>5.3}  {:>6.3}  {:>7.3}  {:>5.3}  {:>6.3}",
            ours.query,
            ours.ndcg,
            ours.reciprocal_rank,
            ours.recall,
            theirs.ndcg,
            theirs.reciprocal_rank,
            theirs.recall
        )?;
    }
    writeln!(
        out,
        "{TITLE}{:width$}  {:>7.3}  {:>5.3}  {:>6.3}  {:>7.3}  {:>5.3}  {:>6.3}{TITLE:#}",
        format!("mean of {}", report.queries),
        report.scrutiny.ndcg_at_10,
        report.scrutiny.mrr,
        report.scrutiny.recall_at_10,
        report.fts5.ndcg_at_10,
        report.fts5.mrr,
        report.fts5.recall_at_10
    )
}

/// Prints a benchmark report.
pub fn bench(out: &mut impl Write, report: &BenchReport) -> io::Result<()> {
    writeln!(
        out,
        "{TITLE}{}{TITLE:#}: {} files, {:.1} MB, {} passages",
        report.corpus, report.files, report.megabytes, report.passages
    )?;
    let stages = &report.stages;
    writeln!(
        out,
        "stages (1 thread): walk+read {:.3} s · extract {:.3} s · split {:.3} s · index+commit {:.3} s",
        stages.walk_and_read, stages.extract, stages.split, stages.index_and_commit
    )?;
    for run in &report.runs {
        writeln!(
            out,
            "index, {} thread{}{}: {:.2} s wall, {:.2} s CPU · {:.1} MB/s · {:.0} records/s · {:.0} passages/s · peak {:.0} MB",
            run.threads,
            if run.threads == 1 { "" } else { "s" },
            if run.one_core { " on one core" } else { "" },
            run.wall_seconds,
            run.cpu_seconds,
            run.mb_per_second,
            run.records_per_second,
            run.passages_per_second,
            run.peak_rss_mb
        )?;
    }
    writeln!(
        out,
        "thread speed-up {:.2}× · peak memory {:.0} MB · index {:.1} MB ({:.2}× the corpus)",
        report.thread_speedup, report.peak_rss_mb, report.index_megabytes, report.index_ratio
    )?;
    let ceiling = &report.ceiling;
    writeln!(
        out,
        "ceiling, {} thread{}: reading files {:.0} MB/s · reading + tokenising + counting {:.0} MB/s ({} distinct words)",
        ceiling.threads,
        if ceiling.threads == 1 { "" } else { "s" },
        ceiling.read_mb_per_second,
        ceiling.tokenise_mb_per_second,
        ceiling.distinct_terms
    )?;
    latency_lines(out, &report.queries, &report.pages)
}

/// Prints `scrutiny bench --queries-only`'s report.
pub fn latencies(out: &mut impl Write, report: &LatencyReport) -> io::Result<()> {
    writeln!(
        out,
        "{TITLE}{}{TITLE:#}: {} passages",
        report.index, report.passages
    )?;
    latency_lines(out, &report.queries, &report.pages)
}

fn latency_lines(
    out: &mut impl Write,
    queries: &[QueryLatency],
    pages: &[PageLatency],
) -> io::Result<()> {
    writeln!(
        out,
        "{LABEL}query latency (search + snippets, in process){LABEL:#}"
    )?;
    for query in queries {
        writeln!(
            out,
            "  {:<12} {:<32} p50 {:>7.3} ms · p95 {:>7.3} ms · p99 {:>7.3} ms ({} hits)",
            query.kind, query.query, query.p50_ms, query.p95_ms, query.p99_ms, query.hits
        )?;
    }
    if pages.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{LABEL}web pages (scrutiny serve over loopback HTTP, whole response){LABEL:#}"
    )?;
    for page in pages {
        writeln!(
            out,
            "  {:<22} {:<45} p50 {:>7.3} ms · p95 {:>7.3} ms · p99 {:>7.3} ms ({} KB)",
            page.page,
            page.path,
            page.p50_ms,
            page.p95_ms,
            page.p99_ms,
            page.bytes.div_ceil(1024)
        )?;
    }
    Ok(())
}

/// Prints the coverage ledger: a row per council, then the failures.
pub fn coverage(
    out: &mut impl Write,
    coverage: &crate::coverage::Coverage,
    corpus: Option<&std::path::Path>,
) -> io::Result<()> {
    let name = |council: &crate::coverage::CouncilCoverage| {
        council
            .council
            .clone()
            .unwrap_or_else(|| "(not stated)".to_string())
    };
    let width = coverage
        .councils
        .iter()
        .map(|council| name(council).chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    writeln!(
        out,
        "{LABEL}{:<width$}  records  passages  first meeting  last meeting  undated  committees{LABEL:#}",
        "council"
    )?;
    for council in &coverage.councils {
        writeln!(
            out,
            "{TITLE}{:<width$}{TITLE:#}  {:>7}  {:>8}  {:<13}  {:<12}  {:>7}  {}",
            name(council),
            council.records,
            council.passages,
            council.first_date.as_deref().unwrap_or("-"),
            council.last_date.as_deref().unwrap_or("-"),
            council.undated_records,
            council.committees.join("; ")
        )?;
    }
    writeln!(
        out,
        "{} records, {} passages from {} councils; {} records state no meeting date (date filters leave them out)",
        coverage.records,
        coverage.passages,
        coverage.councils.iter().filter(|council| council.council.is_some()).count(),
        coverage.undated_records
    )?;
    if coverage.failures.is_empty() {
        writeln!(out, "every file in the corpus was indexed")?;
    } else {
        writeln!(
            out,
            "{} file{} could not be indexed:",
            coverage.failures.len(),
            if coverage.failures.len() == 1 {
                ""
            } else {
                "s"
            }
        )?;
        for failure in &coverage.failures {
            let path = match corpus {
                Some(corpus) => corpus.join(&failure.key).display().to_string(),
                None => failure.key.clone(),
            };
            let path = printable(&path);
            writeln!(out, "  {PATH}{path}{PATH:#}: {}", failure.reason)?;
        }
    }
    if !coverage.skipped.is_empty() {
        writeln!(
            out,
            "{} path{} in the corpus passed over:",
            coverage.skipped.len(),
            if coverage.skipped.len() == 1 { "" } else { "s" }
        )?;
        for skipped in &coverage.skipped {
            let path = match corpus {
                Some(corpus) => corpus.join(&skipped.key).display().to_string(),
                None => skipped.key.clone(),
            };
            let path = printable(&path);
            writeln!(out, "  {PATH}{path}{PATH:#}: {}", skipped.reason)?;
        }
    }
    Ok(())
}

/// Prints a passage inside its agenda item, the passage itself marked with
/// a bar, and its citation.
pub fn passage(out: &mut impl Write, found: &crate::search::PassageInContext) -> io::Result<()> {
    let hit = &found.passage;
    writeln!(
        out,
        "{LABEL}{} · {} · {}{LABEL:#}",
        hit.council.as_deref().unwrap_or("council unknown"),
        hit.committee.as_deref().unwrap_or("committee unknown"),
        hit.date.as_deref().unwrap_or("undated")
    )?;
    let title = hit.topic.as_deref().unwrap_or("(untitled item)");
    match &hit.item {
        Some(item) => writeln!(out, "{TITLE}{item}. {title}{TITLE:#}")?,
        None => writeln!(out, "{TITLE}{title}{TITLE:#}")?,
    }
    writeln!(out, "{PATH}{}{PATH:#}", printable(&hit.source.path))?;
    for part in &found.item {
        writeln!(out)?;
        let this = part.id == hit.id;
        writeln!(out, "{LINES}{}{LINES:#}", part.source.place())?;
        for line in part.text.lines() {
            if this {
                writeln!(out, "{MATCH}\u{258c}{MATCH:#} {line}")?;
            } else {
                writeln!(out, "  {line}")?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "{LABEL}cite as:{LABEL:#} {}", found.citation)
}

/// Lists saved searches.
pub fn watches(out: &mut impl Write, watches: &[crate::watch::Watch]) -> io::Result<()> {
    if watches.is_empty() {
        return writeln!(
            out,
            "no saved searches; add one with `scrutiny watch add NAME QUERY`"
        );
    }
    for watch in watches {
        let filters = crate::request::to_flags(&crate::request::Selection {
            query: None,
            ..watch.selection.clone()
        });
        writeln!(
            out,
            "{TITLE}{}{TITLE:#}  {:?} {}  {LABEL}checked {} · {} passages seen{LABEL:#}",
            watch.name,
            watch.selection.text(),
            filters.join(" "),
            watch.checked,
            watch.seen.len()
        )?;
    }
    Ok(())
}

/// Prints what each saved search found that is new.
pub fn watch_reports(
    out: &mut impl Write,
    reports: &[crate::watch::WatchReport],
) -> io::Result<()> {
    if reports.is_empty() {
        return writeln!(
            out,
            "no saved searches; add one with `scrutiny watch add NAME QUERY`"
        );
    }
    for report in reports {
        if report.new.is_empty() {
            writeln!(
                out,
                "{TITLE}{}{TITLE:#} ({:?}): nothing new since {} · {} passages match",
                report.name, report.query, report.previously_checked, report.matching
            )?;
            continue;
        }
        writeln!(
            out,
            "{TITLE}{}{TITLE:#} ({:?}): {} new since {}",
            report.name,
            report.query,
            report.new.len(),
            report.previously_checked
        )?;
        for hit in &report.new {
            writeln!(out)?;
            write_hit(out, hit)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A query that does not parse, as the command line shows it: the message,
/// the query with a caret under the column at fault, and the hint.
///
/// A long query is shown as the stretch around the column, and control
/// characters as `\u{..}` escapes, so that the terminal shows the query
/// and never acts on it.
pub fn query_error(error: &crate::error::QueryError) -> String {
    /// Characters shown on each side of the column.
    const AROUND: usize = 40;
    let characters: Vec<char> = error.query.chars().collect();
    let at = error.column.saturating_sub(1).min(characters.len());
    let first = at.saturating_sub(AROUND);
    let last = (at + AROUND).min(characters.len());
    let shown = |range: &[char]| -> String {
        range
            .iter()
            .map(|&character| {
                if character.is_control() {
                    character.escape_unicode().to_string()
                } else {
                    character.to_string()
                }
            })
            .collect()
    };
    let lead = if first > 0 { "…" } else { "" };
    let tail = if last < characters.len() { "…" } else { "" };
    let before = format!("{lead}{}", shown(&characters[first..at]));
    let mut text = format!(
        "scrutiny: error: in the query at column {}: {}\n  {before}{}{tail}\n  {}^\n",
        error.column,
        error.message,
        shown(&characters[at..last]),
        " ".repeat(before.chars().count())
    );
    if let Some(hint) = &error.hint {
        text.push_str(&format!("hint: {hint}\n"));
    }
    text
}

/// Notes on what the glossary and typo tolerance did to a query.
pub fn rewrites(
    out: &mut impl Write,
    expansions: &[crate::query::Expansion],
    corrections: &[crate::query::Correction],
) -> io::Result<()> {
    for expansion in expansions {
        let alternatives: Vec<String> = expansion
            .alternatives
            .iter()
            .map(|alternative| format!("{alternative:?}"))
            .collect();
        writeln!(
            out,
            "scrutiny: also searching for {} (synonyms of {:?}; --no-expand to stop)",
            alternatives.join(", "),
            expansion.term
        )?;
    }
    for correction in corrections {
        writeln!(
            out,
            "scrutiny: {:?} is in no record; also matching words within {} letter(s) of it",
            correction.word, correction.distance
        )?;
    }
    Ok(())
}

/// The line under a search: how many passages were shown of how many, and
/// the undated matches a date filter left out.
pub fn search_tally(out: &mut impl Write, results: &SearchResults) -> io::Result<()> {
    writeln!(
        out,
        "{} of {} shown",
        results.hits.len(),
        counted(results.total, "matching passage")
    )?;
    if results.total > results.total_all_words {
        let all = results.total_all_words;
        let some = results.total - all;
        let hold = |count: usize| if count == 1 { "holds" } else { "hold" };
        writeln!(
            out,
            "{all} {} every word; {some} {} only some, shown after",
            hold(all),
            hold(some)
        )?;
    }
    if results.undated_excluded > 0 {
        writeln!(
            out,
            "scrutiny: {} more passages match in records that state no meeting date; \
             the date filter leaves them out",
            results.undated_excluded
        )?;
    }
    Ok(())
}

/// What was done to the index before a search: built, refreshed, or
/// searched as it is and why.
pub fn freshness(out: &mut impl Write, freshness: &crate::ingest::Freshness) -> io::Result<()> {
    use crate::ingest::Freshness;
    match freshness {
        Freshness::Built(summary) => index_summary(out, summary),
        Freshness::Refreshed(summary) => {
            writeln!(
                out,
                "scrutiny: the corpus changed since the last index; refreshed it"
            )?;
            index_summary(out, summary)
        }
        Freshness::UpToDate => Ok(()),
        Freshness::NotChecked(reason) => writeln!(
            out,
            "scrutiny: note: searching the index as it is: {reason}"
        ),
    }
}

/// Extraction accuracy: all fields, per field, per page kind, then each
/// miss with the line the value should have come from.
pub fn extraction(
    out: &mut impl Write,
    report: &crate::eval::extraction::ExtractionReport,
) -> io::Result<()> {
    let line = |out: &mut dyn Write, name: &str, tally: &crate::eval::extraction::Tally| {
        writeln!(
            out,
            "  {name:<22} {:>5.1} %  ({} of {})",
            tally.accuracy() * 100.0,
            tally.right,
            tally.total
        )
    };
    writeln!(
        out,
        "{TITLE}extraction{TITLE:#} over {} record files: {:.1} % of all fields ({} of {})",
        report.records,
        report.all_fields.accuracy() * 100.0,
        report.all_fields.right,
        report.all_fields.total
    )?;
    writeln!(out, "{LABEL}per field{LABEL:#}")?;
    for (field, tally) in &report.fields {
        line(out, field, tally)?;
    }
    writeln!(out, "{LABEL}per page kind{LABEL:#}")?;
    for (kind, tally) in &report.kinds {
        line(out, kind, tally)?;
    }
    if !report.misses.is_empty() {
        writeln!(out, "{LABEL}misses{LABEL:#}")?;
    }
    for miss in &report.misses {
        let place = match miss.line {
            Some(line) => format!("{}:{line}", miss.file),
            None => miss.file.clone(),
        };
        writeln!(
            out,
            "  {PATH}{}{PATH:#} {}: expected {:?}, found {:?}",
            printable(&place),
            miss.field,
            miss.expected,
            miss.found
        )?;
    }
    Ok(())
}

/// What `fetch` did: the counts in one sentence, then each problem.
pub fn fetch_summary(out: &mut impl Write, summary: &crate::fetch::Summary) -> io::Result<()> {
    let place = format!(
        "{} ({}, through its {}) into {}",
        summary.council,
        summary.site,
        summary.via,
        summary.out.display()
    );
    if summary.dry_run {
        writeln!(
            out,
            "Would fetch {} meeting{} of {}:",
            summary.meetings,
            plural(summary.meetings),
            printable(&place)
        )?;
        let width = summary
            .plan
            .iter()
            .map(|row| row.committee.chars().count())
            .max()
            .unwrap_or(0);
        for row in &summary.plan {
            writeln!(
                out,
                "  {:width$}  {}  {:>4} meeting{}",
                printable(&row.committee),
                row.year,
                row.meetings,
                plural(row.meetings)
            )?;
        }
    } else {
        let mut parts = vec![
            format!("{} new item{}", summary.new, plural(summary.new)),
            format!("{} changed", summary.changed),
            format!("{} unchanged", summary.unchanged),
        ];
        if summary.left_out > 0 {
            parts.push(format!("{} left out by --topic", summary.left_out));
        }
        let documents =
            summary.documents_new + summary.documents_changed + summary.documents_unchanged;
        if documents > 0 {
            parts.push(format!(
                "documents: {} new, {} changed, {} unchanged",
                summary.documents_new, summary.documents_changed, summary.documents_unchanged
            ));
        }
        for kind in ["blocked", "refused", "disallowed", "failed"] {
            let count = summary.count(kind);
            if count > 0 {
                parts.push(format!("{count} {kind}"));
            }
        }
        writeln!(
            out,
            "Fetched {} meeting{} of {}: {}",
            summary.meetings,
            plural(summary.meetings),
            printable(&place),
            parts.join(", ")
        )?;
    }
    for problem in &summary.problems {
        writeln!(
            out,
            "  {}: {}: {}",
            problem.kind,
            printable(&problem.url),
            printable(&problem.reason)
        )?;
    }
    Ok(())
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Person;
    use crate::search::{Location, Source};

    /// A hit from a record that states everything.
    fn hit() -> Hit {
        Hit {
            id: "0123456789abcdef".into(),
            council: Some("Staffordshire".into()),
            committee: Some("Safe and Strong Communities Select Committee".into()),
            date: Some("2017-09-26".into()),
            kind: "minutes".into(),
            topic: Some("Child Sexual Exploitation (CSE)".into()),
            item: Some("3".into()),
            officers: vec![Person {
                name: "Tim Martin".into(),
                title: Some("Superintendent".into()),
                role: Some("Staffordshire Police".into()),
            }],
            source: Source {
                path: "corpus/staffordshire/001.txt".into(),
                key: "staffordshire/001.txt".into(),
                lines: [35, 37],
                pages: None,
            },
            url: Some("https://example.org/minutes/2017-09-26".into()),
            score: 1.0,
            snippet: "…the taxi drivers were well placed…".into(),
            highlights: vec![[5, 9]],
            snippet_html: String::new(),
            snippet_field: "body".into(),
            topic_highlights: Vec::new(),
            text: "The taxi drivers were well placed.".into(),
            resolution: false,
            also_in: Vec::new(),
            standard: false,
            more_in_record: 0,
            partial: false,
        }
    }

    /// A hit from a record that states nothing about itself.
    fn bare_hit() -> Hit {
        Hit {
            council: None,
            committee: None,
            date: None,
            topic: None,
            item: None,
            officers: Vec::new(),
            url: None,
            ..hit()
        }
    }

    fn results(hits: Vec<Hit>, total: usize) -> SearchResults {
        SearchResults {
            query: "taxi".into(),
            total,
            total_all_words: total,
            expansions: Vec::new(),
            corrections: Vec::new(),
            searched_as: None,
            undated_excluded: 0,
            hits,
        }
    }

    /// What `render` writes, and the same without its ANSI styles.
    fn written(render: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> (String, String) {
        let mut out = Vec::new();
        render(&mut out).unwrap();
        let styled = String::from_utf8(out).unwrap();
        let plain = anstream::adapter::strip_str(&styled).to_string();
        (styled, plain)
    }

    #[test]
    fn a_hit_is_its_citation_context_officers_snippet_and_other_places() {
        let mut full = hit();
        full.resolution = true;
        full.also_in = vec![Location {
            id: "fedcba9876543210".into(),
            council: Some("Staffordshire".into()),
            committee: None,
            date: None,
            source: Source {
                path: "corpus/staffordshire/000.txt".into(),
                key: "staffordshire/000.txt".into(),
                lines: [20, 20],
                pages: None,
            },
        }];
        let (_, plain) = written(|out| search(out, &results(vec![full], 2)));
        assert_eq!(
            plain,
            "corpus/staffordshire/001.txt:35-37\n\
             \x20 Staffordshire · Safe and Strong Communities Select Committee · 2017-09-26 · \
             item 3: Child Sexual Exploitation (CSE) · decision\n\
             \x20 published at https://example.org/minutes/2017-09-26\n\
             \x20 officers: Superintendent Tim Martin (Staffordshire Police)\n\
             \x20 …the taxi drivers were well placed…\n\
             \x20 also in: corpus/staffordshire/000.txt:20\n"
        );
    }

    #[test]
    fn a_hit_that_states_nothing_says_what_is_unknown() {
        let (_, plain) = written(|out| search(out, &results(vec![bare_hit()], 1)));
        assert_eq!(
            plain,
            "corpus/staffordshire/001.txt:35-37\n\
             \x20 council unknown · committee unknown · date not stated\n\
             \x20 …the taxi drivers were well placed…\n"
        );
    }

    #[test]
    fn matched_words_are_styled_by_character_not_byte() {
        let mut pound = hit();
        // "£" and "…" take several bytes each; the ranges count characters.
        pound.snippet = "…£150 taxi fee, a taxi".into();
        pound.highlights = vec![[6, 10], [18, 22]];
        let (styled, _) = written(|out| search(out, &results(vec![pound], 1)));
        let snippet_line = styled.lines().nth(4).unwrap();
        assert_eq!(
            snippet_line,
            format!("  …£150 {MATCH}taxi{MATCH:#} fee, a {MATCH}taxi{MATCH:#}")
        );
    }

    #[test]
    fn hits_are_separated_by_one_blank_line_and_the_tally_counts_all_matches() {
        let (_, plain) = written(|out| search(out, &results(vec![hit(), bare_hit()], 27)));
        assert_eq!(plain.matches("\n\n").count(), 1, "{plain}");
        let (_, tally) = written(|out| search_tally(out, &results(vec![hit(), bare_hit()], 27)));
        assert_eq!(tally, "2 of 27 matching passages shown\n");
        let mut filtered = results(vec![hit()], 3);
        filtered.undated_excluded = 4;
        let (_, tally) = written(|out| search_tally(out, &filtered));
        assert_eq!(
            tally,
            "1 of 3 matching passages shown\n\
             scrutiny: 4 more passages match in records that state no meeting date; \
             the date filter leaves them out\n"
        );
    }

    #[test]
    fn a_long_topic_is_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(shorten("short", 90), "short");
        assert_eq!(shorten("taxi driver licensing", 15), "taxi driver…");
        let mut long = hit();
        long.topic = Some(format!("{} licensing", "word ".repeat(20)));
        let (_, plain) = written(|out| search(out, &results(vec![long], 1)));
        let context = plain.lines().nth(1).unwrap();
        assert!(
            context.ends_with(&format!("item 3: {}…", "word ".repeat(18).trim_end())),
            "{context}"
        );
    }

    fn group(
        key: Option<&str>,
        count: usize,
        undated: usize,
        dates: Option<(&str, &str)>,
    ) -> Group {
        Group {
            key: key.map(String::from),
            count,
            undated,
            first_date: dates.map(|(first, _)| first.to_string()),
            last_date: dates.map(|(_, last)| last.to_string()),
            hits: vec![hit()],
        }
    }

    #[test]
    fn a_comparison_puts_groups_side_by_side_within_the_width() {
        let comparison = Comparison {
            query: "taxi".into(),
            by: GroupBy::Council,
            total: 6,
            expansions: Vec::new(),
            groups: vec![
                group(
                    Some("Staffordshire"),
                    3,
                    1,
                    Some(("2017-09-26", "2017-09-26")),
                ),
                group(None, 1, 1, None),
                group(Some("Kent"), 2, 0, Some(("2015-01-01", "2017-09-26"))),
            ],
        };
        let (_, plain) = written(|out| super::comparison(out, &comparison, 120));
        let lines: Vec<&str> = plain.lines().collect();
        assert_eq!(
            lines[0],
            "\"taxi\" by council: 6 matching passages in 3 groups"
        );
        let titles: Vec<&str> = lines[2].split(" │ ").map(str::trim).collect();
        assert_eq!(titles, ["Staffordshire", "(council not stated)", "Kent"]);
        let summaries: Vec<&str> = lines[3].split(" │ ").map(str::trim).collect();
        assert_eq!(
            summaries,
            [
                "3 passages · 2017-09-26 · 1 undated",
                "1 passage · 1 undated",
                "2 passages · 2015-01-01 to 2017-09-26"
            ]
        );
        assert!(
            lines.iter().all(|line| line.chars().count() <= 120),
            "{plain}"
        );
        // Too narrow for three columns: one column, one group under another
        // (the heading line is not wrapped).
        let (_, narrow) = written(|out| super::comparison(out, &comparison, 40));
        assert!(!narrow.contains('│'), "{narrow}");
        assert!(
            narrow
                .lines()
                .skip(1)
                .all(|line| line.chars().count() <= 40),
            "{narrow}"
        );
    }

    #[test]
    fn wrapped_snippets_keep_their_marks() {
        let snippet = Highlighted {
            text: "the taxi drivers were well placed".into(),
            ranges: vec![[4, 8]],
        };
        let cells = wrap(&snippet, 12);
        let plain: Vec<String> = cells
            .iter()
            .map(|cell| anstream::adapter::strip_str(&cell.text).to_string())
            .collect();
        assert_eq!(plain, ["the taxi", "drivers were", "well placed"]);
        assert_eq!(cells[0].text, format!("the {MATCH}taxi{MATCH:#}"));
        assert!(cells.iter().all(|cell| cell.width <= 12));
    }
}
