//! The `scrutiny` command: parse flags, call the library, report, exit.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anstream::{AutoStream, ColorChoice};
use clap::Parser;

use scrutiny::cli::{Cli, ColorWhen, Command, ExtractArgs, IndexArgs, SearchArgs};
use scrutiny::error::Error;
use scrutiny::glossary::Glossary;
use scrutiny::ingest::{self, Freshness, IndexOptions};
use scrutiny::query::{self, Filters};
use scrutiny::render;
use scrutiny::search::{self, SearchRequest};

/// Exit status for "ran, found nothing" (search) or "committed, some files failed" (index).
const EXIT_PARTIAL: u8 = 1;
/// Exit status for an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Index(args) => run_index(&cli, args),
        Command::Search(args) => run_search(&cli, args),
        Command::Extract(args) => run_extract(&cli, args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            report_error(&error);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Prints an error on stderr; a query error also shows the query with a
/// caret under the column at fault.
fn report_error(error: &anyhow::Error) {
    if let Some(Error::Query(query_error)) = error.downcast_ref::<Error>() {
        eprintln!(
            "scrutiny: error: in the query at column {}: {}",
            query_error.column, query_error.message
        );
        eprintln!("  {}", query_error.query);
        eprintln!("  {}^", " ".repeat(query_error.column.saturating_sub(1)));
        if let Some(hint) = &query_error.hint {
            eprintln!("hint: {hint}");
        }
        return;
    }
    let mut message = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            message.push_str(": ");
            message.push_str(&cause);
        }
    }
    eprintln!("scrutiny: error: {message}");
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
}

fn color_choice(cli: &Cli) -> ColorChoice {
    match cli.color {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto => ColorChoice::Auto,
    }
}

fn stdout(cli: &Cli) -> AutoStream<io::StdoutLock<'static>> {
    AutoStream::new(io::stdout().lock(), color_choice(cli))
}

fn show_progress(cli: &Cli) -> bool {
    !cli.quiet && io::stderr().is_terminal()
}

fn run_index(cli: &Cli, args: &IndexArgs) -> anyhow::Result<u8> {
    let options = IndexOptions {
        corpus: args.corpus.clone(),
        index: cli.index.clone(),
        threads: cli.threads,
        rebuild: args.rebuild,
        progress: show_progress(cli),
    };
    let summary = ingest::run(&options)?;
    if args.json {
        render::json::write(&mut stdout(cli), &summary)?;
    } else if !cli.quiet {
        render::terminal::index_summary(&mut io::stderr().lock(), &summary)?;
    }
    let failed = !summary.failures.is_empty()
        || !summary.earlier_failures.is_empty()
        || !summary.walk_errors.is_empty();
    Ok(if failed { EXIT_PARTIAL } else { 0 })
}

fn run_search(cli: &Cli, args: &SearchArgs) -> anyhow::Result<u8> {
    let filters = Filters {
        councils: args.councils.clone(),
        committee: args.committee.clone(),
        officer: args.officer.clone(),
        from: args
            .from
            .as_deref()
            .map(|date| query::parse_date("--from date", date))
            .transpose()?,
        to: args
            .to
            .as_deref()
            .map(|date| query::parse_date("--to date", date))
            .transpose()?,
    };
    // A malformed query is reported before any indexing work is done.
    query::validate(&args.query).map_err(Error::from)?;

    if !args.no_refresh {
        refresh_before_search(cli, args)?;
    }
    let index = scrutiny::index::ScrutinyIndex::open(&cli.index)?;
    let request = SearchRequest {
        query: args.query.clone(),
        filters,
        limit: usize::from(args.limit),
        glossary: glossary(cli, args.no_expand)?,
        all: args.all,
        any_word: false,
    };
    let results = search::search(&index, &request)?;
    let mut out = stdout(cli);
    if args.json {
        render::json::write(&mut out, &results)?;
    } else {
        render::terminal::search(&mut out, &results)?;
        out.flush()?;
        if !cli.quiet {
            eprintln!(
                "{} of {} matching passages shown",
                results.hits.len(),
                results.total
            );
        }
    }
    Ok(if results.hits.is_empty() {
        EXIT_PARTIAL
    } else {
        0
    })
}

/// The glossary to expand queries with: none with `--no-expand`, else the
/// built-in one plus the user's file.
fn glossary(cli: &Cli, no_expand: bool) -> anyhow::Result<Option<Glossary>> {
    if no_expand {
        return Ok(None);
    }
    Ok(Some(match &cli.glossary {
        Some(path) => Glossary::with_file(path)?,
        None => Glossary::builtin(),
    }))
}

fn refresh_before_search(cli: &Cli, args: &SearchArgs) -> anyhow::Result<()> {
    let building = !scrutiny::index::exists(&cli.index);
    if building && !cli.quiet {
        let corpus = args.corpus.as_deref().unwrap_or("corpus".as_ref());
        eprintln!(
            "scrutiny: no index at {} yet; building it from {} first",
            cli.index.display(),
            corpus.display()
        );
    }
    let freshness = ingest::ensure_fresh(
        &cli.index,
        args.corpus.as_deref(),
        cli.threads,
        show_progress(cli),
    )?;
    if cli.quiet {
        return Ok(());
    }
    let mut err = io::stderr().lock();
    match freshness {
        Freshness::Built(summary) => render::terminal::index_summary(&mut err, &summary)?,
        Freshness::Refreshed(summary) => {
            writeln!(
                err,
                "scrutiny: the corpus changed since the last index; refreshed it"
            )?;
            render::terminal::index_summary(&mut err, &summary)?;
        }
        Freshness::UpToDate => {}
        Freshness::NotChecked(reason) => {
            writeln!(
                err,
                "scrutiny: note: searching the index as it is: {reason}"
            )?;
        }
    }
    Ok(())
}

fn run_extract(cli: &Cli, args: &ExtractArgs) -> anyhow::Result<u8> {
    let mut reports = Vec::new();
    let mut failed = false;
    for path in &args.files {
        match ingest::inspect(path) {
            Ok(report) => reports.push(report),
            Err(error) => {
                eprintln!("scrutiny: cannot read {}: {error}", path.display());
                failed = true;
            }
        }
    }
    let mut out = stdout(cli);
    if args.json {
        render::json::write(&mut out, &reports)?;
    } else {
        for (position, report) in reports.iter().enumerate() {
            if position > 0 {
                writeln!(out)?;
            }
            render::terminal::record(&mut out, report)?;
        }
    }
    Ok(if failed { EXIT_ERROR } else { 0 })
}
