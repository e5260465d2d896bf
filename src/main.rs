//! The `scrutiny` command: parse flags, call the library, report, exit.

/// mimalloc: tantivy's indexing allocates and frees millions of small buffers,
/// which it serves faster than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use anstream::{AutoStream, ColorChoice};
use clap::Parser;

use scrutiny::bench;
use scrutiny::cli::{
    BenchArgs, Cli, ColorWhen, Command, CompareArgs, CoverageArgs, EvalArgs, ExportArgs,
    ExtractArgs, FilterArgs, IndexArgs, QueryArgs, SearchArgs, ServeArgs, ShowArgs, SynthArgs,
    TimelineArgs, WatchAction, WatchArgs,
};
use scrutiny::compare::{self, CompareRequest};
use scrutiny::error::Error;
use scrutiny::eval;
use scrutiny::glossary::Glossary;
use scrutiny::index::ScrutinyIndex;
use scrutiny::ingest::{self, Freshness, IndexOptions};
use scrutiny::query::{self, Filters};
use scrutiny::query::{Correction, Expansion};
use scrutiny::render;
use scrutiny::search::{self, SearchRequest};
use scrutiny::synth;

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
        Command::Compare(args) => run_compare(&cli, args),
        Command::Timeline(args) => run_timeline(&cli, args),
        Command::Eval(args) => run_eval(&cli, args),
        Command::Coverage(args) => run_coverage(&cli, args),
        Command::Show(args) => run_show(&cli, args),
        Command::Watch(args) => run_watch(&cli, args),
        Command::Export(args) => run_export(&cli, args),
        Command::Synth(args) => run_synth(&cli, args),
        Command::Bench(args) => run_bench(&cli, args),
        Command::Serve(args) => run_serve(&cli, args),
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

fn filters_of(args: &FilterArgs) -> anyhow::Result<Filters> {
    Ok(Filters {
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
        group: None,
        resolutions: args.resolutions,
    })
}

/// Checks the query, then builds or refreshes the index as needed and opens it.
fn open_for_query(
    cli: &Cli,
    query_text: Option<&str>,
    common: &QueryArgs,
) -> anyhow::Result<ScrutinyIndex> {
    // A malformed query is reported before any indexing work is done.
    if let Some(query_text) = query_text {
        query::validate(query_text).map_err(Error::from)?;
    }
    if !common.no_refresh {
        refresh_before_search(cli, common)?;
    }
    Ok(ScrutinyIndex::open(&cli.index)?)
}

/// Notes on stderr what the glossary and typo tolerance did to a query.
fn report_rewrites(cli: &Cli, expansions: &[Expansion], corrections: &[Correction]) {
    if cli.quiet {
        return;
    }
    for expansion in expansions {
        eprintln!(
            "scrutiny: also searching for {} (synonyms of {:?}; --no-expand to stop)",
            expansion
                .alternatives
                .iter()
                .map(|alternative| format!("{alternative:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            expansion.term
        );
    }
    for correction in corrections {
        eprintln!(
            "scrutiny: {:?} is in no record; also matching words within {} letter(s) of it",
            correction.word, correction.distance
        );
    }
}

fn run_search(cli: &Cli, args: &SearchArgs) -> anyhow::Result<u8> {
    let filters = filters_of(&args.filters)?;
    let glossary = glossary(cli, args.common.no_expand)?;
    let index = open_for_query(cli, Some(&args.query), &args.common)?;
    let request = SearchRequest {
        query: args.query.clone(),
        filters,
        limit: usize::from(args.limit),
        glossary,
        all: args.all,
        any_word: false,
    };
    let results = search::search(&index, &request)?;
    let mut out = stdout(cli);
    if args.common.json {
        render::json::write(&mut out, &results)?;
    } else {
        report_rewrites(cli, &results.expansions, &results.corrections);
        render::terminal::search(&mut out, &results)?;
        out.flush()?;
        if !cli.quiet {
            eprintln!(
                "{} of {} matching passages shown",
                results.hits.len(),
                results.total
            );
            if results.undated_excluded > 0 {
                eprintln!(
                    "scrutiny: {} more passages match in records that state no meeting date; \
                     the date filter leaves them out",
                    results.undated_excluded
                );
            }
        }
    }
    Ok(if results.hits.is_empty() {
        EXIT_PARTIAL
    } else {
        0
    })
}

fn run_compare(cli: &Cli, args: &CompareArgs) -> anyhow::Result<u8> {
    let filters = filters_of(&args.filters)?;
    let glossary = glossary(cli, args.common.no_expand)?;
    let index = open_for_query(cli, Some(&args.query), &args.common)?;
    let request = CompareRequest {
        query: args.query.clone(),
        by: args.by,
        per: usize::from(args.per),
        filters,
        glossary,
    };
    let comparison = compare::compare(&index, &request)?;
    let mut out = stdout(cli);
    if args.common.json {
        render::json::write(&mut out, &comparison)?;
    } else {
        report_rewrites(cli, &comparison.expansions, &[]);
        render::terminal::comparison(&mut out, &comparison, terminal_width())?;
    }
    Ok(if comparison.groups.is_empty() {
        EXIT_PARTIAL
    } else {
        0
    })
}

fn run_timeline(cli: &Cli, args: &TimelineArgs) -> anyhow::Result<u8> {
    let filters = filters_of(&args.filters)?;
    let glossary = glossary(cli, args.common.no_expand)?;
    let index = open_for_query(cli, Some(&args.query), &args.common)?;
    let timeline = compare::timeline(&index, &args.query, &filters, glossary.as_ref())?;
    let mut out = stdout(cli);
    if args.common.json {
        render::json::write(&mut out, &timeline)?;
    } else {
        report_rewrites(cli, &timeline.expansions, &[]);
        render::terminal::timeline(&mut out, &timeline)?;
    }
    Ok(if timeline.councils.is_empty() {
        EXIT_PARTIAL
    } else {
        0
    })
}

fn run_eval(cli: &Cli, args: &EvalArgs) -> anyhow::Result<u8> {
    let queries = eval::load(&args.file)?;
    let glossary = glossary(cli, args.common.no_expand)?;
    let index = open_for_query(cli, None, &args.common)?;
    let report = eval::evaluate(&index, &queries, glossary.as_ref())?;
    let mut out = stdout(cli);
    if args.common.json {
        render::json::write(&mut out, &report)?;
    } else {
        render::terminal::eval(&mut out, &report)?;
    }
    Ok(0)
}

fn run_bench(cli: &Cli, args: &BenchArgs) -> anyhow::Result<u8> {
    if !cli.quiet && !args.json {
        eprintln!("scrutiny: measuring on {} …", args.corpus.display());
    }
    let report = bench::run(&bench::BenchOptions {
        corpus: args.corpus.clone(),
        threads: cli.threads,
        repeat: args.repeat,
    })?;
    let mut out = stdout(cli);
    if args.json {
        render::json::write(&mut out, &report)?;
    } else {
        render::terminal::bench(&mut out, &report)?;
    }
    Ok(0)
}

fn run_export(cli: &Cli, args: &ExportArgs) -> anyhow::Result<u8> {
    use scrutiny::export::{self, ExportFormat, Row};

    let engine = matches!(
        args.format,
        ExportFormat::Opensearch | ExportFormat::Quickwit
    );
    if engine && args.out.is_none() {
        anyhow::bail!(
            "--format opensearch and quickwit write several files: name a folder with --out DIR"
        );
    }
    if args.push.is_some() && !engine {
        anyhow::bail!(
            "--push sends files to an engine: use it with --format opensearch or quickwit"
        );
    }
    let index = open_for_query(cli, args.query.as_deref(), &args.common)?;
    let hits = match &args.query {
        Some(query) => {
            let request = SearchRequest {
                query: query.clone(),
                filters: filters_of(&args.filters)?,
                limit: 1,
                glossary: glossary(cli, args.common.no_expand)?,
                all: true,
                any_word: false,
            };
            search::all_matches(&index, &request)?.hits
        }
        None => search::all_passages(&index)?,
    };
    let rows: Vec<Row> = hits.iter().map(Row::of).collect();
    let written = |what: String| {
        if !cli.quiet {
            eprintln!("scrutiny: wrote {} passages {what}", rows.len());
        }
    };
    match (args.format, &args.out) {
        (ExportFormat::Csv | ExportFormat::Jsonl, None) => {
            let out = io::stdout().lock();
            match args.format {
                ExportFormat::Csv => export::write_csv(out, &rows)?,
                _ => export::write_jsonl(out, &rows)?,
            }
        }
        (ExportFormat::Csv | ExportFormat::Jsonl, Some(path)) => {
            let file = std::fs::File::create(path)
                .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
            let out = io::BufWriter::new(file);
            match args.format {
                ExportFormat::Csv => export::write_csv(out, &rows)?,
                _ => export::write_jsonl(out, &rows)?,
            }
            written(format!("to {}", path.display()));
        }
        (_, Some(dir)) => {
            let files = export::write_engine_files(dir, args.format, &rows)
                .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", dir.display()))?;
            written(format!("in {} files to {}", files.len(), dir.display()));
            if let Some(url) = &args.push {
                for line in export::push(url, args.format, &files).map_err(anyhow::Error::msg)? {
                    if !cli.quiet {
                        eprintln!("scrutiny: {line}");
                    }
                }
            }
        }
        (_, None) => unreachable!("checked above"),
    }
    Ok(0)
}

fn run_watch(cli: &Cli, args: &WatchArgs) -> anyhow::Result<u8> {
    let file = scrutiny::watch::file_of(&cli.index);
    match &args.action {
        Some(WatchAction::Add {
            name,
            query,
            filters,
            common,
        }) => {
            let index = open_for_query(cli, Some(query), common)?;
            let glossary = glossary(cli, common.no_expand)?;
            let watch = scrutiny::watch::Watch {
                name: name.clone(),
                query: query.clone(),
                councils: filters.councils.clone(),
                committee: filters.committee.clone(),
                officer: filters.officer.clone(),
                from: filters.from.clone(),
                to: filters.to.clone(),
                resolutions: filters.resolutions,
                checked: String::new(),
                seen: Default::default(),
            };
            filters_of(filters)?;
            let matching = scrutiny::watch::add(&index, &file, watch, glossary.as_ref())?;
            if !cli.quiet {
                eprintln!(
                    "scrutiny: saved {name:?}: {matching} passages match now; `scrutiny watch` \
                     will show the ones added after this ({})",
                    file.display()
                );
            }
            Ok(0)
        }
        Some(WatchAction::List { json }) => {
            let watches = scrutiny::watch::list(&file)?;
            let mut out = stdout(cli);
            if *json {
                render::json::write(&mut out, &watches)?;
            } else {
                render::terminal::watches(&mut out, &watches)?;
            }
            Ok(0)
        }
        Some(WatchAction::Rm { name }) => {
            scrutiny::watch::remove(&file, name)?;
            if !cli.quiet {
                eprintln!("scrutiny: removed the saved search {name:?}");
            }
            Ok(0)
        }
        Some(WatchAction::Check { common }) => check_watches(cli, &file, common),
        None => check_watches(cli, &file, &args.common),
    }
}

fn check_watches(cli: &Cli, file: &std::path::Path, common: &QueryArgs) -> anyhow::Result<u8> {
    let index = open_for_query(cli, None, common)?;
    let glossary = glossary(cli, common.no_expand)?;
    let reports = scrutiny::watch::check(&index, file, glossary.as_ref())?;
    let mut out = stdout(cli);
    if common.json {
        render::json::write(&mut out, &reports)?;
    } else {
        render::terminal::watch_reports(&mut out, &reports)?;
    }
    Ok(0)
}

fn run_show(cli: &Cli, args: &ShowArgs) -> anyhow::Result<u8> {
    let index = open_for_query(cli, None, &args.common)?;
    let Some(found) = search::passage(&index, &args.id)? else {
        anyhow::bail!(
            "no passage {} in the index at {} (ids come from `scrutiny search --json`; \
             a passage whose text changed has a new id)",
            args.id,
            cli.index.display()
        );
    };
    let mut out = stdout(cli);
    if args.common.json {
        render::json::write(&mut out, &found)?;
    } else {
        render::terminal::passage(&mut out, &found)?;
    }
    Ok(0)
}

fn run_coverage(cli: &Cli, args: &CoverageArgs) -> anyhow::Result<u8> {
    let index = open_for_query(cli, None, &args.common)?;
    let coverage = scrutiny::coverage::coverage(&index)?;
    let mut out = stdout(cli);
    if args.common.json {
        render::json::write(&mut out, &coverage)?;
    } else {
        let corpus = index.commit_info().and_then(|info| info.corpus);
        render::terminal::coverage(&mut out, &coverage, corpus.as_deref())?;
    }
    Ok(0)
}

fn run_serve(cli: &Cli, args: &ServeArgs) -> anyhow::Result<u8> {
    let glossary = glossary(cli, args.no_expand)?;
    let common = QueryArgs {
        json: false,
        no_expand: args.no_expand,
        corpus: args.corpus.clone(),
        no_refresh: false,
    };
    let index = open_for_query(cli, None, &common)?;
    if !args.addr.ip().is_loopback() && !cli.quiet {
        eprintln!(
            "scrutiny: warning: listening on {}, which other computers may reach",
            args.addr
        );
    }
    let quiet = cli.quiet;
    let ready = |bound| {
        // The first line of standard output is the address, for scripts.
        println!("http://{bound}/");
        let _ = io::stdout().flush();
        if !quiet {
            eprintln!(
                "scrutiny: serving {} at http://{bound}/ (Ctrl-C to stop)",
                cli.index.display()
            );
        }
    };
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    scrutiny::serve::run(
        index,
        glossary,
        args.addr,
        cli.threads.max(2),
        ready,
        interrupted,
    )?;
    Ok(0)
}

fn run_synth(cli: &Cli, args: &SynthArgs) -> anyhow::Result<u8> {
    let options = synth::SynthOptions {
        records: args.records,
        out: args.out.clone(),
        seed: args.seed,
        format: args.format,
    };
    if args.judgements.is_some() && args.format != synth::SynthFormat::Txt {
        anyhow::bail!(
            "--judgements needs --format txt: the judged set cites lines of text records"
        );
    }
    let summary = synth::generate(&options)
        .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", args.out.display()))?;
    if let Some(path) = &args.judgements {
        synth::write_judgements(&summary, path)
            .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
    }
    if !cli.quiet {
        eprintln!(
            "wrote {} records ({:.1} MB) to {}",
            summary.records,
            summary.bytes as f64 / 1e6,
            args.out.display()
        );
    }
    Ok(0)
}

/// The terminal's width in columns, or 100 when it is not a terminal.
fn terminal_width() -> usize {
    terminal_size::terminal_size()
        .map(|(width, _)| usize::from(width.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(100)
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

fn refresh_before_search(cli: &Cli, args: &QueryArgs) -> anyhow::Result<()> {
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
