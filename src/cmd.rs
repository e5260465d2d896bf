//! The subcommands: each is one library call and the output it chooses,
//! JSON or terminal text through [`output`], notes on stderr through
//! [`notes`] (silent with `--quiet`).

use std::io::{self, IsTerminal, Write};

use anstream::{AutoStream, ColorChoice};
use clap::CommandFactory;
use serde::Serialize;

use scrutiny::cli::{
    BenchArgs, Cli, ColorWhen, CompareArgs, CompletionsArgs, CoverageArgs, EvalArgs, ExportArgs,
    ExtractArgs, FetchArgs, IndexArgs, QueryArgs, SearchArgs, ServeArgs, ShowArgs, SynthArgs,
    TimelineArgs, WatchAction,
};
use scrutiny::error::Error;
use scrutiny::glossary::Glossary;
use scrutiny::index::ScrutinyIndex;
use scrutiny::render::{json, terminal};
use scrutiny::request::{Bounds, Selection};
use scrutiny::{bench, compare, coverage, eval, export, fetch, ingest, query, search, synth};

/// Exit status for "ran, found nothing" (search) or "committed, some files failed" (index).
pub const EXIT_PARTIAL: u8 = 1;
/// Exit status for an error.
pub const EXIT_ERROR: u8 = 2;

type Out = AutoStream<io::StdoutLock<'static>>;

/// Builds or updates the index.
pub fn index(cli: &Cli, args: &IndexArgs) -> anyhow::Result<u8> {
    // Before any worker thread starts: they inherit the priority.
    if let Err(reason) = scrutiny::process::lower_priority(args.nice) {
        notes(cli, |err| writeln!(err, "scrutiny: {reason}"))?;
    }
    let summary = ingest::run(&ingest::IndexOptions {
        corpus: args.corpus.clone(),
        index: cli.index.clone(),
        threads: cli.threads,
        rebuild: args.rebuild,
        progress: show_progress(cli),
    })?;
    if args.json {
        json::write(&mut stdout(cli), &summary)?;
    } else if !cli.quiet {
        terminal::index_summary(&mut io::stderr().lock(), &summary)?;
    }
    Ok(partial_if(summary.any_failed()))
}

/// Ranked, highlighted passages.
pub fn search(cli: &Cli, args: &SearchArgs) -> anyhow::Result<u8> {
    let request = &args.request;
    request.check(&Bounds::COMMAND_LINE)?;
    let index = open_for_query(cli, Some(&request.selection), &args.common)?;
    let results = search::search(&index, request, glossary(cli)?.as_ref())?;
    output(cli, args.common.json, &results, |out, results| {
        notes(cli, |err| {
            if let Some(searched) = &results.searched_as {
                writeln!(err, "scrutiny: searched for {searched:?}")?;
            }
            terminal::rewrites(err, &results.expansions, &results.corrections)
        })?;
        terminal::search(out, results)?;
        out.flush()?;
        notes(cli, |err| terminal::search_tally(err, results))
    })?;
    Ok(partial_if(results.hits.is_empty()))
}

/// Councils (or committees, or years) side by side.
pub fn compare(cli: &Cli, args: &CompareArgs) -> anyhow::Result<u8> {
    args.request.check(&Bounds::COMMAND_LINE)?;
    let index = open_for_query(cli, Some(&args.request.selection), &args.common)?;
    let comparison = compare::compare(&index, &args.request, glossary(cli)?.as_ref())?;
    output(cli, args.common.json, &comparison, |out, comparison| {
        notes(cli, |err| {
            terminal::rewrites(err, &comparison.expansions, &[])
        })?;
        terminal::comparison(out, comparison, terminal_width())
    })?;
    Ok(partial_if(comparison.groups.is_empty()))
}

/// Matches per year and council.
pub fn timeline(cli: &Cli, args: &TimelineArgs) -> anyhow::Result<u8> {
    Bounds::COMMAND_LINE.check_selection(&args.selection)?;
    let index = open_for_query(cli, Some(&args.selection), &args.common)?;
    let timeline = compare::timeline(&index, &args.selection, glossary(cli)?.as_ref())?;
    output(cli, args.common.json, &timeline, |out, timeline| {
        notes(cli, |err| {
            terminal::rewrites(err, &timeline.expansions, &[])
        })?;
        terminal::timeline(out, timeline)
    })?;
    Ok(partial_if(timeline.councils.is_empty()))
}

/// What scrutiny reads from record files, without indexing them.
pub fn extract(cli: &Cli, args: &ExtractArgs) -> anyhow::Result<u8> {
    let mut failed = false;
    let mut reports = Vec::new();
    for path in &args.files {
        match ingest::inspect(path) {
            Ok(report) => reports.push(report),
            Err(error) => {
                let path = path.display().to_string();
                eprintln!(
                    "scrutiny: cannot read {}: {error}",
                    terminal::printable(&path)
                );
                failed = true;
            }
        }
    }
    output(cli, args.json, &reports, |out, reports| {
        for (position, report) in reports.iter().enumerate() {
            if position > 0 {
                writeln!(out)?;
            }
            terminal::record(out, report)?;
        }
        Ok(())
    })?;
    Ok(if failed { EXIT_ERROR } else { 0 })
}

/// A passage inside its agenda item.
pub fn show(cli: &Cli, args: &ShowArgs) -> anyhow::Result<u8> {
    let index = open_for_query(cli, None, &args.common)?;
    let Some(found) = search::passage(&index, &args.id)? else {
        anyhow::bail!(
            "no passage {} in the index at {} (ids come from `scrutiny search --json`; \
             a passage whose text changed has a new id)",
            args.id,
            cli.index.display()
        );
    };
    output(cli, args.common.json, &found, terminal::passage)?;
    Ok(0)
}

/// Search results or the whole index, for other tools.
pub fn export(cli: &Cli, args: &ExportArgs) -> anyhow::Result<u8> {
    let query = args.selection.query.as_ref().map(|_| &args.selection);
    let index = open_for_query(cli, query, &args.common)?;
    let hits = match query {
        Some(selection) => search::all_matches(&index, selection, glossary(cli)?.as_ref())?.hits,
        None => search::all_passages(&index)?,
    };
    let rows: Vec<export::Row> = hits.iter().map(export::Row::of).collect();
    let destination = export::Destination {
        format: args.format,
        out: args.out.as_deref(),
        push: args.push.as_deref(),
        force: args.force,
    };
    for line in export::write(&rows, &destination).map_err(anyhow::Error::msg)? {
        notes(cli, |err| writeln!(err, "scrutiny: {line}"))?;
    }
    Ok(0)
}

/// What the index holds, and what it could not read.
pub fn coverage(cli: &Cli, args: &CoverageArgs) -> anyhow::Result<u8> {
    let index = open_for_query(cli, None, &args.common)?;
    let coverage = coverage::coverage(&index)?;
    let corpus = index.commit_info().and_then(|info| info.corpus);
    output(cli, args.common.json, &coverage, |out, coverage| {
        terminal::coverage(out, coverage, corpus.as_deref())
    })?;
    Ok(0)
}

/// Ranking quality on a judged query set.
pub fn eval(cli: &Cli, args: &EvalArgs) -> anyhow::Result<u8> {
    let Some(file) = &args.file else {
        let folder = args.extraction.as_deref().unwrap_or(".".as_ref());
        let report = eval::extraction::evaluate(folder)?;
        output(cli, args.common.json, &report, terminal::extraction)?;
        return Ok(0);
    };
    let glossary = if args.no_expand { None } else { glossary(cli)? };
    if eval::records::judges_records(file) {
        // Judged per record: over the records beside the set and the seeds,
        // in an index of their own.
        let (queries, councils) = eval::records::load(file)?;
        let scratch = tempfile::tempdir()?;
        let seeds = args
            .common
            .corpus
            .clone()
            .unwrap_or_else(|| "corpus".into());
        let corpus = eval::records::build_corpus(file, &seeds, &councils, scratch.path())?;
        let index_path = scratch.path().join("index");
        ingest::run(&ingest::IndexOptions {
            corpus,
            index: index_path.clone(),
            threads: cli.threads,
            rebuild: true,
            progress: false,
        })?;
        let index = ScrutinyIndex::open(&index_path)?;
        let report = eval::records::evaluate(&index, file, &queries, glossary.as_ref())?;
        output(cli, args.common.json, &report, terminal::record_eval)?;
        return Ok(0);
    }
    let queries = eval::load(file)?;
    let index = open_for_query(cli, None, &args.common)?;
    let report = eval::evaluate(&index, &queries, glossary.as_ref())?;
    output(cli, args.common.json, &report, terminal::eval)?;
    Ok(0)
}

/// The web pages and API, until Ctrl-C.
pub fn serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<u8> {
    let glossary = if args.no_expand { None } else { glossary(cli)? };
    let common = QueryArgs {
        json: false,
        corpus: args.corpus.clone(),
        no_refresh: false,
    };
    let index = open_for_query(cli, None, &common)?;
    if !args.addr.ip().is_loopback() {
        notes(cli, |err| {
            writeln!(
                err,
                "scrutiny: warning: listening on {}, which other computers may reach",
                args.addr
            )
        })?;
    }
    let ready = |bound| {
        // The first line of standard output is the address, for scripts.
        println!("http://{bound}/");
        let _ = io::stdout().flush();
        let _ = notes(cli, |err| {
            let index = cli.index.display();
            writeln!(
                err,
                "scrutiny: serving {index} at http://{bound}/ (Ctrl-C to stop)"
            )
        });
    };
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let threads = cli.threads.max(2);
    scrutiny::serve::run(index, glossary, args.addr, threads, ready, interrupted)?;
    Ok(0)
}

/// Gathers a council's records from its ModernGov site into the corpus.
pub fn fetch(cli: &Cli, args: &FetchArgs) -> anyhow::Result<u8> {
    if !(args.rate.is_finite() && args.rate > 0.0 && args.rate <= 50.0) {
        anyhow::bail!(
            "--rate {}: give requests per second, above 0 and at most 50",
            args.rate
        );
    }
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        anyhow::bail!(
            "--timeout {}: give the seconds an answer may take, above 0",
            args.timeout
        );
    }
    if args.max_size == 0 {
        anyhow::bail!("--max-size 0: give the largest answer to read, in MiB");
    }
    let contact = match args.contact.as_deref().map(str::trim) {
        Some(contact) if !contact.is_empty() => contact.to_string(),
        _ => {
            notes(cli, |err| {
                writeln!(
                    err,
                    "scrutiny: no --contact (or SCRUTINY_CONTACT) given: sites see no one to \
                     write to about this client, and some refuse such clients"
                )
            })?;
            "no contact given".to_string()
        }
    };
    let mut politeness = fetch::http::Politeness::new(&contact);
    politeness.interval = std::time::Duration::from_secs_f64(1.0 / args.rate);
    politeness.max_bytes = args.max_size << 20;
    politeness.retries = args.retries;
    politeness.timeout = std::time::Duration::from_secs_f64(args.timeout);
    politeness.backoff = std::time::Duration::from_secs_f64(args.backoff.max(0.0));
    let corpus = std::path::PathBuf::from("corpus");
    let options = fetch::FetchOptions {
        site: args.site.clone(),
        council: args.council.clone(),
        committees: args.committees.clone(),
        from: args.from,
        to: args.to,
        topic: args.topic.clone(),
        out: args.out.clone(),
        corpus: corpus.clone(),
        documents: args.documents,
        dry_run: args.dry_run,
        politeness,
        glossary: glossary(cli)?,
        progress: show_progress(cli),
    };
    let say = |note: &str| {
        if !cli.quiet {
            eprintln!("{}", terminal::printable(note));
        }
    };
    let summary = fetch::run(&options, &say).map_err(|error| anyhow::anyhow!(error))?;
    if args.json {
        json::write(&mut stdout(cli), &summary)?;
    } else {
        terminal::fetch_summary(&mut stdout(cli), &summary)?;
    }
    let mut code = partial_if(!summary.problems.is_empty());
    if args.then_index && !args.dry_run {
        // The corpus is the folder holding the council's folder.
        let corpus = match summary.out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        notes(cli, |err| {
            writeln!(err, "scrutiny: indexing {}", corpus.display())
        })?;
        if let Err(reason) = scrutiny::process::lower_priority(10) {
            notes(cli, |err| writeln!(err, "scrutiny: {reason}"))?;
        }
        let indexed = ingest::run(&ingest::IndexOptions {
            corpus,
            index: cli.index.clone(),
            threads: cli.threads,
            rebuild: false,
            progress: show_progress(cli),
        })?;
        if !cli.quiet {
            terminal::index_summary(&mut io::stderr().lock(), &indexed)?;
        }
        code = code.max(partial_if(indexed.any_failed()));
    }
    Ok(code)
}

/// Indexing and query speed on a corpus.
pub fn bench(cli: &Cli, args: &BenchArgs) -> anyhow::Result<u8> {
    if args.queries_only {
        if !args.json {
            notes(cli, |err| {
                writeln!(err, "scrutiny: timing queries on {} …", cli.index.display())
            })?;
        }
        let report = bench::latencies(&cli.index, &args.queries, args.repeat)?;
        output(cli, args.json, &report, terminal::latencies)?;
        return Ok(0);
    }
    if !args.json {
        notes(cli, |err| {
            writeln!(err, "scrutiny: measuring on {} …", args.corpus.display())
        })?;
    }
    let report = bench::run(&bench::BenchOptions {
        corpus: args.corpus.clone(),
        threads: cli.threads,
        repeat: args.repeat,
    })?;
    output(cli, args.json, &report, terminal::bench)?;
    Ok(0)
}

/// A generated corpus.
pub fn synth(cli: &Cli, args: &SynthArgs) -> anyhow::Result<u8> {
    let options = synth::SynthOptions {
        records: args.records,
        out: args.out.clone(),
        seed: args.seed,
        format: args.format,
    };
    let summary = synth::write(&options, args.judgements.as_deref())?;
    notes(cli, |err| {
        let megabytes = summary.bytes as f64 / 1e6;
        writeln!(
            err,
            "wrote {} records ({megabytes:.1} MB) to {}",
            summary.records,
            args.out.display()
        )
    })?;
    Ok(0)
}

/// A shell completion script.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<u8> {
    use clap_complete::Generator;
    // generate() panics when standard output closes early (`| head`);
    // try_generate reports it, and a broken pipe ends quietly.
    let mut command = Cli::command();
    command.set_bin_name("scrutiny");
    command.build();
    args.shell
        .try_generate(&command, &mut io::stdout().lock())?;
    Ok(0)
}

/// The manual page.
pub fn man() -> anyhow::Result<u8> {
    clap_mangen::Man::new(Cli::command()).render(&mut io::stdout())?;
    Ok(0)
}

/// Saved searches: add, list, remove, check.
pub fn watch(cli: &Cli, action: Option<&WatchAction>, common: &QueryArgs) -> anyhow::Result<u8> {
    let file = scrutiny::watch::file_of(&cli.index);
    match action {
        Some(WatchAction::Add {
            name,
            selection,
            common,
        }) => {
            Bounds::COMMAND_LINE.check_selection(selection)?;
            let index = open_for_query(cli, Some(selection), common)?;
            let saved = scrutiny::watch::Watch::new(name, selection.clone());
            let matching = scrutiny::watch::add(&index, &file, saved, glossary(cli)?.as_ref())?;
            notes(cli, |err| {
                writeln!(
                    err,
                    "scrutiny: saved {name:?}: {matching} passages match now; `scrutiny watch` \
                     will show the ones added after this ({})",
                    file.display()
                )
            })?;
        }
        Some(WatchAction::List { json }) => output(
            cli,
            *json,
            &scrutiny::watch::list(&file)?,
            |out, watches| terminal::watches(out, watches),
        )?,
        Some(WatchAction::Rm { name }) => {
            scrutiny::watch::remove(&file, name)?;
            notes(cli, |err| {
                writeln!(err, "scrutiny: removed the saved search {name:?}")
            })?;
        }
        Some(WatchAction::Check { common }) => check_watches(cli, &file, common)?,
        None => check_watches(cli, &file, common)?,
    }
    Ok(0)
}

fn check_watches(cli: &Cli, file: &std::path::Path, common: &QueryArgs) -> anyhow::Result<()> {
    let index = open_for_query(cli, None, common)?;
    let reports = scrutiny::watch::check(&index, file, glossary(cli)?.as_ref())?;
    output(cli, common.json, &reports, |out, reports| {
        terminal::watch_reports(out, reports)
    })?;
    Ok(())
}

/// Writes `value` to standard output as JSON when asked, else as text.
fn output<T: Serialize>(
    cli: &Cli,
    as_json: bool,
    value: &T,
    text: impl FnOnce(&mut Out, &T) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = stdout(cli);
    if as_json {
        json::write(&mut out, value)
    } else {
        text(&mut out, value)
    }
}

/// Writes notes on standard error, unless `--quiet`.
fn notes(
    cli: &Cli,
    write: impl FnOnce(&mut io::StderrLock<'static>) -> io::Result<()>,
) -> io::Result<()> {
    if cli.quiet {
        return Ok(());
    }
    write(&mut io::stderr().lock())
}

fn partial_if(partial: bool) -> u8 {
    if partial {
        EXIT_PARTIAL
    } else {
        0
    }
}

/// Checks the query, then builds or refreshes the index as needed and opens it.
fn open_for_query(
    cli: &Cli,
    selection: Option<&Selection>,
    common: &QueryArgs,
) -> anyhow::Result<ScrutinyIndex> {
    // A malformed query is reported before any indexing work is done.
    if let Some(selection) = selection {
        query::prepare(selection.text()).map_err(Error::from)?;
    }
    if !common.no_refresh {
        if !scrutiny::index::exists(&cli.index) {
            let corpus = common.corpus.as_deref().unwrap_or("corpus".as_ref());
            notes(cli, |err| {
                writeln!(
                    err,
                    "scrutiny: no index at {} yet; building it from {} first",
                    cli.index.display(),
                    corpus.display()
                )
            })?;
        }
        let corpus = common.corpus.as_deref();
        let freshness = ingest::ensure_fresh(&cli.index, corpus, cli.threads, show_progress(cli))?;
        notes(cli, |err| terminal::freshness(err, &freshness))?;
    }
    Ok(ScrutinyIndex::open(&cli.index)?)
}

/// The glossary to expand queries with: the built-in one plus the user's
/// file; a request's `--no-expand` leaves it out.
fn glossary(cli: &Cli) -> anyhow::Result<Option<Glossary>> {
    Ok(Some(match &cli.glossary {
        Some(path) => Glossary::with_file(path)?,
        None => Glossary::builtin(),
    }))
}

fn stdout(cli: &Cli) -> Out {
    let choice = match cli.color {
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
        ColorWhen::Auto => ColorChoice::Auto,
    };
    AutoStream::new(io::stdout().lock(), choice)
}

fn show_progress(cli: &Cli) -> bool {
    !cli.quiet && io::stderr().is_terminal()
}

/// The terminal's width in columns, or 100 when it is not a terminal.
fn terminal_width() -> usize {
    terminal_size::terminal_size()
        .map(|(width, _)| usize::from(width.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(100)
}
