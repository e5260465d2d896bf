//! Command-line flags (clap) → plain configuration for the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::export::ExportFormat;
use crate::request::{CompareRequest, SearchRequest, Selection};
use crate::synth::SynthFormat;

const AFTER_HELP: &str = "\
Examples:
  scrutiny search sexting                      search the bundled corpus (builds index/ first)
  scrutiny search '\"driving licence\"' --council staffordshire
  scrutiny search 'CSE AND NOT sexting' --from 2017-01-01 --to 2017-12-31
  scrutiny search taxi --json                  one JSON object, for scripts
  scrutiny index ~/minutes --index ~/minutes.index
  scrutiny compare 'taxi driver licensing'     councils side by side
  scrutiny timeline CSE --council wiltshire    passages per year
  scrutiny extract corpus/wiltshire/*.txt      check what scrutiny reads from a record
  scrutiny search sexting --resolutions        only what boards decided
  scrutiny serve                               the same in a browser, http://127.0.0.1:7878/
  scrutiny coverage                            what the index holds, and what it could not read
  scrutiny watch add taxi 'taxi licensing'     then `scrutiny watch` after each index run
  scrutiny export taxi --format csv --out taxi.csv
  scrutiny fetch wiltshire --committee 'Area Board' --from 2015-01-01 --then-index

Exit status: search 0 = passages found, 1 = none, 2 = error;
index 0 = every file indexed, 1 = committed but some files failed or paths
were skipped (each named), 2 = error.";

/// Search local-council safeguarding committee records: minutes, agenda
/// items, reports and panel comments, ranked by passage.
#[derive(Debug, Parser)]
#[command(name = "scrutiny", version, about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Where the index lives.
    #[arg(long, global = true, env = "SCRUTINY_INDEX", default_value = "index")]
    pub index: PathBuf,

    /// Worker threads for indexing (0 = every core).
    #[arg(long, global = true, default_value_t = 0)]
    pub threads: usize,

    /// When to colour terminal output; `auto` also honours NO_COLOR.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Print only results and errors: no progress, notes or summaries.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// A glossary file whose groups of synonyms are used beside the built-in
    /// ones (see data/glossary.toml for the form).
    #[arg(long, global = true, env = "SCRUTINY_GLOSSARY", value_name = "FILE")]
    pub glossary: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or update the index from a corpus folder (one folder per council).
    ///
    /// Only files that changed since the last run are read again; files that
    /// were deleted lose their passages. A run ends in one commit: stopping
    /// it part way leaves the previous index intact.
    Index(IndexArgs),
    /// Search the index for ranked, highlighted passages.
    ///
    /// The query language: words (all must match, in any form: `sexted`
    /// finds `sexting`), "exact phrases", AND / OR / NOT, parentheses, and
    /// fields such as council:wiltshire, topic:licensing,
    /// officer:"blair keltie". With no index yet, builds one from the corpus
    /// first; if the corpus changed since, refreshes it.
    Search(SearchArgs),
    /// Show what scrutiny reads from record files, without indexing them.
    ///
    /// Prints council, committee, meeting date, record kind, agenda items
    /// with their officers, members present, apologies and the passages, so
    /// the extraction can be checked and trusted.
    Extract(ExtractArgs),
    /// Put councils (or committees, or years) side by side on a subject.
    ///
    /// One group per council: how many passages match, the earliest and
    /// latest meeting, and its best passages. Passages with any of the
    /// query's words match, so "taxi driver licensing" also finds a board
    /// that only discussed licensing.
    Compare(CompareArgs),
    /// How often a subject was discussed per year, for each council.
    ///
    /// Counts matching passages by meeting year; undated records have their
    /// own column.
    Timeline(TimelineArgs),
    /// Print a passage inside its agenda item, with a citation to paste.
    ///
    /// ID is the passage's identifier from `search --json` (or the web
    /// page): it stays the same while other files change.
    Show(ShowArgs),
    /// Write search results, or the whole index, for other tools.
    ///
    /// `export QUERY --format csv|jsonl` writes every passage the search
    /// matches, with every metadata field, to standard output or --out FILE.
    /// `export --all --format opensearch|quickwit --out DIR` writes the whole
    /// index as NDJSON chunks plus the engine's index mapping or
    /// configuration, to load into a distributed engine; --push URL then
    /// posts them to a running engine. Nothing is sent without --push.
    Export(ExportArgs),
    /// Saved searches that report what is new since they were last checked.
    ///
    /// `watch add NAME QUERY [filters]` saves a search and remembers what it
    /// matches now; after adding records and re-indexing, `watch` (or
    /// `watch check`) shows each saved search's new passages. `watch list`
    /// and `watch rm NAME` manage them. They are kept in the plain TOML file
    /// `<index>.watches.toml` beside the index folder.
    Watch(WatchArgs),
    /// What the index covers, per council, and which files it could not read.
    ///
    /// For each council: its committees, how many records and passages,
    /// the earliest and latest meeting date and the records that state no
    /// date (which date filters leave out). Then every file that could not
    /// be indexed, with the reason. Read it before trusting that a search
    /// with no hits means "not discussed".
    Coverage(CoverageArgs),
    /// Measure ranking quality on a judged query set (nDCG@10, MRR,
    /// recall@10), or with --extraction DIR the accuracy of what scrutiny
    /// reads from records.
    Eval(EvalArgs),
    /// Search, compare and chart in a web browser, on this computer only.
    ///
    /// Serves the search page (query box, filters, facet counts that narrow
    /// the search, highlighted passages with their citations), the compare
    /// and timeline views, and a JSON API (/api/search, /api/compare,
    /// /api/timeline, /api/passage/ID) answering as `--json` does. Listens on
    /// 127.0.0.1 unless told otherwise; builds the index from the corpus
    /// first if there is none. Passages indexed while it runs are served
    /// without a restart.
    Serve(ServeArgs),
    /// Measure indexing and query speed on a corpus, in one run.
    ///
    /// Builds fresh indexes in a temporary folder (your index is not
    /// touched) with one thread and with every thread, and reports MB/s,
    /// records/s and passages/s, CPU time, the time per stage, thread
    /// scaling, peak memory, index size and query latency percentiles.
    Bench(BenchArgs),
    /// Gather a council's committee papers from its ModernGov site into the
    /// corpus, politely and resumably.
    ///
    /// SITE is a ModernGov base address (https://democracy.example.gov.uk/)
    /// or a council named in data/sites.toml (staffordshire, worcestershire,
    /// wiltshire). Asks the site's web service first and reads its pages
    /// where the service is off or blocked. Each agenda item with minutes
    /// or a decision becomes an HTML record beside a .meta.toml sidecar
    /// stating council, committee, meeting date, item title, number and
    /// address, written to corpus/<council>/ unless --out says otherwise.
    ///
    /// Polite by default: robots.txt obeyed, one request at a time and at
    /// most one a second per host (--rate), a User-Agent naming scrutiny
    /// and a contact (--contact), conditional requests on later runs,
    /// retries on 429/5xx that honour Retry-After. Stopping it at any
    /// moment loses nothing: run it again and it resumes, fetching only
    /// what is new or changed.
    Fetch(FetchArgs),
    /// Print a shell's completion script: scrutiny completions bash > ~/.local/share/bash-completion/completions/scrutiny
    Completions(CompletionsArgs),
    /// Print the manual page (roff): scrutiny man > scrutiny.1; man ./scrutiny.1
    Man,
    /// Write a generated corpus of realistic council minutes (for benchmarks
    /// and relevance tests), the same for the same seed.
    Synth(SynthArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const FETCH_EXAMPLES: &str = "\
Examples:
  scrutiny fetch wiltshire --committee 'Southern Wiltshire Area Board' --from 2015-01-01 --to 2016-12-31 --dry-run
  scrutiny fetch wiltshire --committee 'Southern Wiltshire Area Board' --from 2015-01-01 --to 2016-12-31 --contact you@example.org
  scrutiny fetch https://democracy.example.gov.uk/ --council Example --topic 'taxi licensing' --then-index

Exit status: 0 = everything listed was fetched (or was unchanged), 1 = some
meetings or documents were blocked, refused or failed (each named), 2 = error.";

#[derive(Debug, Args)]
#[command(after_help = FETCH_EXAMPLES)]
pub struct FetchArgs {
    /// A ModernGov base address, or a council named in data/sites.toml.
    pub site: String,

    /// Fetch only this committee (repeatable). Case and word order do not
    /// matter; a name that matches no committee lists the nearest.
    #[arg(long = "committee", value_name = "NAME")]
    pub committees: Vec<String>,

    /// Only meetings on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = crate::request::parse_date)]
    pub from: Option<jiff::civil::Date>,

    /// Only meetings on or before this date (YYYY-MM-DD; default today).
    #[arg(long, value_name = "DATE", value_parser = crate::request::parse_date)]
    pub to: Option<jiff::civil::Date>,

    /// Keep only agenda items whose title or minutes mention these words
    /// (in any form; the glossary applies: CSE keeps child sexual
    /// exploitation).
    #[arg(long, value_name = "WORDS")]
    pub topic: Option<String>,

    /// Where to write the records (default corpus/<council>/).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// The council's name in the records (default: the name in
    /// data/sites.toml, or one made from the site's host).
    #[arg(long, value_name = "NAME")]
    pub council: Option<String>,

    /// Also download the items' linked reports and printed minutes (PDF,
    /// Word), each with its own sidecar.
    #[arg(long)]
    pub documents: bool,

    /// List the meetings that would be fetched, per committee and year, and
    /// fetch none of them.
    #[arg(long)]
    pub dry_run: bool,

    /// Update the index (--index) from the corpus once the fetch is done.
    #[arg(long)]
    pub then_index: bool,

    /// Requests per second to one host, at most.
    #[arg(long, default_value_t = 1.0, value_name = "PER_SECOND")]
    pub rate: f64,

    /// A contact address for the site's administrators, sent in the
    /// User-Agent.
    #[arg(long, env = "SCRUTINY_CONTACT", value_name = "EMAIL_OR_URL")]
    pub contact: Option<String>,

    /// The largest answer read, in MiB; larger ones are refused.
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_size: u64,

    /// Further attempts after a 429, a 5xx or a dropped connection.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,

    /// Seconds a whole answer may take (slow self-hosted sites may need
    /// more); connecting may take 10.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
    pub timeout: f64,

    /// Seconds before the first retry when the site gives no Retry-After
    /// (doubled each time).
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS", hide = true)]
    pub backoff: f64,

    /// Print the run's summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The corpus to measure on, e.g. one written by `scrutiny synth`.
    #[arg(default_value = "corpus")]
    pub corpus: PathBuf,

    /// How many times each query is run for its latency percentiles.
    #[arg(long, default_value_t = 200)]
    pub repeat: usize,

    /// Time only the queries and pages, on the index given by --index as it
    /// is, without indexing the corpus: e.g. `scrutiny bench --queries-only
    /// --index /tmp/big.index` after a change to searching.
    #[arg(long)]
    pub queries_only: bool,

    /// With --queries-only, time this query instead of the built-in set
    /// (repeatable).
    #[arg(long = "query", value_name = "QUERY", requires = "queries_only")]
    pub queries: Vec<String>,

    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// How many records (meetings) to write; about 2.5 KB each.
    #[arg(long, default_value_t = 1000)]
    pub records: usize,

    /// The folder to write the corpus to (one sub-folder per council).
    #[arg(long)]
    pub out: PathBuf,

    /// The random seed; the same seed writes the same corpus.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Also write a judged query set for the corpus to this file (text
    /// records only: the judged set cites their lines).
    #[arg(long, value_name = "FILE")]
    pub judgements: Option<PathBuf>,

    /// The format to write the records in: the same text as txt, pdf, html
    /// or docx files, or a mix (mostly PDF) as councils publish them.
    #[arg(long, value_enum, default_value_t = SynthFormat::Txt)]
    pub format: SynthFormat,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    /// The corpus folder: one sub-folder per council, holding .txt, .md,
    /// .pdf, .html and .docx records.
    #[arg(env = "SCRUTINY_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,

    /// Discard the index and build it again from every file.
    #[arg(long)]
    pub rebuild: bool,

    /// The run's CPU priority as nice(1) counts it: 10 (the default) lets
    /// searches answered beside it (`scrutiny serve`) go first and costs
    /// nothing on an idle machine; 0 competes with them at normal priority.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(i32).range(0..=19))]
    pub nice: i32,

    /// Print the run's summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub request: SearchRequest,

    #[command(flatten)]
    pub common: QueryArgs,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub request: CompareRequest,

    #[command(flatten)]
    pub common: QueryArgs,
}

#[derive(Debug, Args)]
pub struct TimelineArgs {
    #[command(flatten)]
    pub selection: Selection,

    #[command(flatten)]
    pub common: QueryArgs,
}

#[derive(Debug, Args)]
#[command(mut_arg("q", |query| query
    .required(false)
    .required_unless_present("all")
    .conflicts_with("all")
    .help("The search whose passages to export (or --all)")))]
pub struct ExportArgs {
    #[command(flatten)]
    pub selection: Selection,

    /// Export every passage in the index.
    #[arg(long)]
    pub all: bool,

    /// What to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,

    /// The file (csv, jsonl; default standard output) or folder
    /// (opensearch, quickwit: required) to write.
    #[arg(
        long,
        value_name = "PATH",
        required_if_eq_any([("format", "opensearch"), ("format", "quickwit")])
    )]
    pub out: Option<PathBuf>,

    /// After writing, post the files to this engine (an http:// address);
    /// with --format opensearch or quickwit.
    #[arg(long, value_name = "URL")]
    pub push: Option<String>,

    /// Replace the --out file, or write into a --out folder that is not
    /// empty.
    #[arg(long, requires = "out")]
    pub force: bool,

    #[command(flatten)]
    pub common: QueryArgs,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(subcommand)]
    pub action: Option<WatchAction>,

    #[command(flatten)]
    pub common: QueryArgs,
}

#[derive(Debug, Subcommand)]
pub enum WatchAction {
    /// Save a search; what it matches now counts as seen.
    Add {
        /// A short name for the search, e.g. taxi.
        name: String,
        #[command(flatten)]
        selection: Selection,
        #[command(flatten)]
        common: QueryArgs,
    },
    /// List the saved searches.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Remove a saved search.
    Rm {
        /// The saved search's name.
        name: String,
    },
    /// Show each saved search's passages that are new since its last check
    /// (what `scrutiny watch` alone does).
    Check {
        #[command(flatten)]
        common: QueryArgs,
    },
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The passage's id, e.g. 124eecfce32d23a8.
    pub id: String,

    #[command(flatten)]
    pub common: QueryArgs,
}

#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub common: QueryArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A judged query set (TOML): queries with the passages a good engine
    /// ranks first, graded; see tests/judgements/seeds.toml.
    #[arg(required_unless_present = "extraction", conflicts_with = "extraction")]
    pub file: Option<PathBuf>,

    /// Measure extraction instead: every NAME.expected.toml in this folder
    /// against what scrutiny reads from NAME.txt (and NAME.html, …) beside
    /// it; accuracy per field and per page kind, and each miss. See
    /// tests/devset/README.md.
    #[arg(long, value_name = "DIR")]
    pub extraction: Option<PathBuf>,

    /// Measure without the glossary's acronyms and synonyms.
    #[arg(long)]
    pub no_expand: bool,

    #[command(flatten)]
    pub common: QueryArgs,
}

/// Options shared by every command that reads the index.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,

    /// The corpus to build the index from, or refresh it from (default: the
    /// folder the index was built from, else `corpus`).
    #[arg(long, env = "SCRUTINY_CORPUS")]
    pub corpus: Option<PathBuf>,

    /// Use the index as it is, without checking the corpus for changes.
    #[arg(long)]
    pub no_refresh: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on. Keep it on 127.0.0.1 (this computer only)
    /// unless you mean others to read your index; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub addr: std::net::SocketAddr,

    /// The corpus to build the index from when there is none (default:
    /// the folder the index was built from, else `corpus`).
    #[arg(long, env = "SCRUTINY_CORPUS")]
    pub corpus: Option<PathBuf>,

    /// Do not expand acronyms and synonyms from the glossary.
    #[arg(long)]
    pub no_expand: bool,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Record files (.txt, .md, .pdf, .html, .docx).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Print a JSON array, one object per file, passages included.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
