//! `scrutiny bench`: how fast scrutiny indexes and answers on a corpus, in
//! one run on this machine.
//!
//! It times each stage on its own (walk and read, extract, split), then the
//! whole pipeline into a fresh temporary index with one thread and with
//! every thread, each run a `scrutiny index` process of its own (as a user
//! runs it, with nothing left over from the run before), reports
//! throughput, CPU time, thread scaling, peak memory and index size, and
//! measures query latency percentiles (search with snippets, in process)
//! over a mixed query set.

use std::path::{Path, PathBuf};
use std::time::Instant;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::glossary::Glossary;
use crate::index::ScrutinyIndex;
use crate::ingest::record;
use crate::process;
use crate::read;
use crate::request::{Filters, SearchRequest};
use crate::search;
use crate::split;
use crate::walk;

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub corpus: PathBuf,
    /// Threads for the parallel run (0 = every core).
    pub threads: usize,
    /// How many times each query is run.
    pub repeat: usize,
}

/// Seconds spent in each stage when run one after another on one thread.
#[derive(Debug, Clone, Serialize)]
pub struct StageSeconds {
    pub walk_and_read: f64,
    pub extract: f64,
    pub split: f64,
    /// The one-thread index run less the three stages above: adding to
    /// tantivy, committing and merging.
    pub index_and_commit: f64,
}

/// One whole index run.
#[derive(Debug, Clone, Serialize)]
pub struct IndexRun {
    pub threads: usize,
    /// True when the run was held to one CPU core (one-thread runs on
    /// Linux), so that its reading thread and tantivy's indexing thread
    /// could not share two.
    pub one_core: bool,
    pub wall_seconds: f64,
    pub cpu_seconds: f64,
    pub mb_per_second: f64,
    pub records_per_second: f64,
    pub passages_per_second: f64,
    /// The most memory the index process held, in MB.
    pub peak_rss_mb: f64,
}

/// How fast this machine can go at all on the corpus: the distance between
/// these and the index runs is what indexing itself costs.
#[derive(Debug, Clone, Serialize)]
pub struct Ceiling {
    pub threads: usize,
    /// Reading every file (from the page cache, after the runs above).
    pub read_mb_per_second: f64,
    /// Reading, splitting into words, lower-casing and counting each
    /// distinct word, on every thread: the least an indexer must do.
    pub tokenise_mb_per_second: f64,
    pub distinct_terms: usize,
}

/// Latency of one kind of query, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct QueryLatency {
    pub kind: String,
    pub query: String,
    pub hits: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// Latency of one web page or API call served by `scrutiny serve`, from
/// connecting to the last byte, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct PageLatency {
    pub page: String,
    pub path: String,
    /// Size of the whole response.
    pub bytes: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

/// Everything `scrutiny bench` reports.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub corpus: String,
    pub files: usize,
    pub megabytes: f64,
    pub passages: usize,
    pub stages: StageSeconds,
    pub runs: Vec<IndexRun>,
    /// Wall time with one thread over wall time with all.
    pub thread_speedup: f64,
    /// The most memory any index run held (VmHWM), in MB.
    pub peak_rss_mb: f64,
    pub index_megabytes: f64,
    /// Index size over corpus size.
    pub index_ratio: f64,
    pub ceiling: Ceiling,
    pub queries: Vec<QueryLatency>,
    /// Pages and API calls over loopback HTTP.
    pub pages: Vec<PageLatency>,
}

/// What `scrutiny bench --queries-only` reports: the query and page
/// latencies of an index that already exists, with no index runs.
#[derive(Debug, Clone, Serialize)]
pub struct LatencyReport {
    pub index: String,
    pub passages: u64,
    pub queries: Vec<QueryLatency>,
    /// Pages and API calls over loopback HTTP.
    pub pages: Vec<PageLatency>,
}

/// Times the queries and pages of `scrutiny bench` on the index at
/// `index_dir`, leaving it as it is: latency at a scale that takes long to
/// index, measured again after a change to searching alone.
///
/// `queries`, when not empty, replaces the built-in set of queries, and
/// the pages are left out.
pub fn latencies(index_dir: &Path, queries: &[String], repeat: usize) -> Result<LatencyReport> {
    let index = ScrutinyIndex::open(index_dir)?;
    let passages = index.searcher()?.search(
        &*crate::query::passages_query(&index.fields),
        &tantivy::collector::Count,
    )? as u64;
    let set = if queries.is_empty() {
        query_set(&index)?
    } else {
        queries
            .iter()
            .map(|query| ("given", query.clone(), Filters::default()))
            .collect()
    };
    Ok(LatencyReport {
        index: index_dir.display().to_string(),
        passages,
        queries: time_queries(&index, set, repeat.max(1))?,
        pages: if queries.is_empty() {
            page_latencies(index_dir, repeat.max(1))?
        } else {
            Vec::new()
        },
    })
}

/// CPU seconds (user + system) used by this process and by the child
/// processes it has waited for (`pdftotext` for PDFs), from /proc.
/// Runs `work` with this thread, and every thread or process it starts,
/// held to one CPU core; false beside the result when that could not be
/// done.
#[cfg(target_os = "linux")]
fn on_one_core<T>(work: impl FnOnce() -> T) -> (T, bool) {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: cpu_set_t is plain data, for which all zeroes is the empty
    // set; the calls get its true size and act on this thread only (pid 0).
    let (saved, pinned) = unsafe {
        let mut saved: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, size, &mut saved) != 0 {
            return (work(), false);
        }
        let Some(first) = (0..libc::CPU_SETSIZE as usize).find(|&cpu| libc::CPU_ISSET(cpu, &saved))
        else {
            return (work(), false);
        };
        let mut one: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(first, &mut one);
        (saved, libc::sched_setaffinity(0, size, &one) == 0)
    };
    let result = work();
    if pinned {
        // SAFETY: as above; `saved` is the set this thread had before.
        unsafe {
            libc::sched_setaffinity(0, size, &saved);
        }
    }
    (result, pinned)
}

#[cfg(not(target_os = "linux"))]
fn on_one_core<T>(work: impl FnOnce() -> T) -> (T, bool) {
    (work(), false)
}

/// Reads every file, then reads and tokenises every file, on `threads`
/// threads, keeping nothing but the word counts.
fn ceiling(files: &[walk::SourceFile], threads: usize) -> Result<Ceiling> {
    use rayon::prelude::*;
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer, TokenStream};

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|error| Error::InvalidArgument {
            what: "threads",
            value: threads.to_string(),
            reason: error.to_string(),
        })?;
    pool.install(|| {
        let started = Instant::now();
        let bytes: usize = files
            .par_iter()
            .map(|file| std::fs::read(&file.path).map_or(0, |bytes| bytes.len()))
            .sum();
        let read_seconds = started.elapsed().as_secs_f64().max(1e-9);
        let started = Instant::now();
        let analyser = || {
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .build()
        };
        let counts = files
            .par_iter()
            .fold(
                || (analyser(), rustc_hash::FxHashMap::<String, u64>::default()),
                |(mut analyser, mut counts), file| {
                    let bytes = std::fs::read(&file.path).unwrap_or_default();
                    let text = String::from_utf8_lossy(&bytes);
                    let mut stream = analyser.token_stream(&text);
                    while stream.advance() {
                        let word = &stream.token().text;
                        match counts.get_mut(word.as_str()) {
                            Some(count) => *count += 1,
                            None => {
                                counts.insert(word.clone(), 1);
                            }
                        }
                    }
                    drop(stream);
                    (analyser, counts)
                },
            )
            .map(|(_, counts)| counts)
            .reduce(rustc_hash::FxHashMap::default, |mut all, part| {
                for (word, count) in part {
                    *all.entry(word).or_default() += count;
                }
                all
            });
        let tokenise_seconds = started.elapsed().as_secs_f64().max(1e-9);
        Ok(Ceiling {
            threads,
            read_mb_per_second: bytes as f64 / 1e6 / read_seconds,
            tokenise_mb_per_second: bytes as f64 / 1e6 / tokenise_seconds,
            distinct_terms: counts.len(),
        })
    })
}

fn folder_bytes(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter_map(|entry| entry.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum()
}

/// Runs the benchmark.
pub fn run(options: &BenchOptions) -> Result<BenchReport> {
    let corpus = &options.corpus;
    if !corpus.is_dir() {
        return Err(Error::CorpusMissing(corpus.clone()));
    }
    // Stages one at a time, on one thread, file by file: each stage's time
    // is summed over the files, and nothing is kept.
    let started = Instant::now();
    let walked = walk::walk(corpus);
    if walked.files.is_empty() {
        return Err(Error::CorpusEmpty(corpus.clone()));
    }
    let mut walk_and_read = started.elapsed().as_secs_f64();
    warm_page_cache(&walked.files);
    let pass = stage_pass(&walked.files);
    let (bytes, passages) = (pass.bytes, pass.passages);
    walk_and_read += pass.read;

    let scratch = tempfile::tempdir().map_err(|error| Error::Write {
        path: std::env::temp_dir(),
        reason: error.to_string(),
    })?;
    let all_threads = process::effective_threads(options.threads);
    let (runs, last_index) = index_runs(corpus, scratch.path(), &walked.files, all_threads)?;
    let one_thread = runs[0].wall_seconds;
    let stages = StageSeconds {
        walk_and_read,
        extract: pass.extract,
        split: pass.split,
        index_and_commit: (one_thread - walk_and_read - pass.extract - pass.split).max(0.0),
    };
    let thread_speedup = one_thread / runs.last().map_or(one_thread, |run| run.wall_seconds);
    let index_bytes = folder_bytes(&last_index);
    let peak_rss_mb = runs.iter().map(|run| run.peak_rss_mb).fold(0.0, f64::max);
    let ceiling = ceiling(&walked.files, all_threads)?;
    let queries = query_latencies(&last_index, options.repeat.max(1))?;
    let pages = page_latencies(&last_index, options.repeat.max(1))?;
    Ok(BenchReport {
        corpus: corpus.display().to_string(),
        files: walked.files.len(),
        megabytes: bytes as f64 / 1e6,
        passages,
        stages,
        runs,
        thread_speedup,
        peak_rss_mb,
        index_megabytes: index_bytes as f64 / 1e6,
        index_ratio: if bytes > 0 {
            index_bytes as f64 / bytes as f64
        } else {
            0.0
        },
        ceiling,
        queries,
        pages,
    })
}

/// What one pass of the stages over every file took, in seconds summed
/// over the files, and what it found.
struct StagePass {
    read: f64,
    extract: f64,
    split: f64,
    bytes: u64,
    passages: usize,
}

/// The stages one at a time, on one thread, file by file, through the same
/// steps an index run takes (sidecars included); nothing is kept.
fn stage_pass(files: &[walk::SourceFile]) -> StagePass {
    let mut pass = StagePass {
        read: 0.0,
        extract: 0.0,
        split: 0.0,
        bytes: 0,
        passages: 0,
    };
    for file in files {
        let started = Instant::now();
        let Ok(decoded) = read::read_file(&file.path, file.size)
            .map_err(|error| error.to_string())
            .and_then(|raw| record::decode(&raw, file))
        else {
            continue;
        };
        pass.bytes += file.size;
        let read_done = Instant::now();
        let record = record::extract(&decoded, file);
        let extract_done = Instant::now();
        pass.passages += split::split(&record).len();
        pass.read += (read_done - started).as_secs_f64();
        pass.extract += (extract_done - read_done).as_secs_f64();
        pass.split += extract_done.elapsed().as_secs_f64();
    }
    pass
}

/// Fresh index builds in `scratch`, one thread (held to one core) and then
/// every thread, each a process of its own started from a warm page cache;
/// returns the runs and the last index built.
fn index_runs(
    corpus: &Path,
    scratch: &Path,
    files: &[walk::SourceFile],
    all_threads: usize,
) -> Result<(Vec<IndexRun>, PathBuf)> {
    let mut runs = Vec::new();
    let mut thread_counts = vec![1];
    if all_threads > 1 {
        thread_counts.push(all_threads);
    }
    let mut last_index = PathBuf::new();
    for threads in thread_counts {
        let index = scratch.join(format!("index-{threads}"));
        warm_page_cache(files);
        let cpu_before = process::cpu_seconds();
        let started = Instant::now();
        let run = || index_process(corpus, &index, threads);
        let (summary, one_core) = if threads == 1 {
            on_one_core(run)
        } else {
            (run(), false)
        };
        let summary = summary?;
        let wall = started.elapsed().as_secs_f64().max(1e-9);
        runs.push(IndexRun {
            threads,
            one_core,
            peak_rss_mb: summary.peak_memory_mb,
            wall_seconds: wall,
            cpu_seconds: process::cpu_seconds() - cpu_before,
            mb_per_second: summary.bytes_read as f64 / 1e6 / wall,
            records_per_second: summary.n_files as f64 / wall,
            passages_per_second: summary.n_passages as f64 / wall,
        });
        last_index = index;
    }
    Ok((runs, last_index))
}

/// What an index process reports of its run (`scrutiny index --json`).
#[derive(serde::Deserialize)]
struct IndexProcessSummary {
    n_files: usize,
    n_passages: usize,
    bytes_read: u64,
    peak_memory_mb: f64,
}

/// Builds a fresh index of `corpus` at `index` with `threads` threads in a
/// `scrutiny index` process of its own (this executable), and waits for it.
/// The process inherits the calling thread's CPU affinity.
fn index_process(corpus: &Path, index: &Path, threads: usize) -> Result<IndexProcessSummary> {
    let failed = |reason: String| Error::IndexProcess {
        index: index.to_path_buf(),
        reason,
    };
    let executable = std::env::current_exe()
        .map_err(|error| failed(format!("cannot find the scrutiny executable: {error}")))?;
    let output = std::process::Command::new(&executable)
        .arg("index")
        .arg(corpus)
        .arg("--index")
        .arg(index)
        .args([
            "--threads",
            &threads.to_string(),
            "--rebuild",
            "--json",
            "-q",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|error| failed(format!("cannot run {}: {error}", executable.display())))?;
    // Exit status 1 means some files could not be indexed, which the
    // summary counts; anything else is a failed run.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(failed(format!(
            "the index run failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|error| failed(format!("the index run's summary is unreadable: {error}")))
}

/// Reads every file of the corpus, untimed, so that the figure taken next
/// comes from the page cache: otherwise the first stage would pay for the
/// disk alone (on a corpus not read for a while, ten times the rest), and a
/// machine that evicts cold pages (as this project's benchmark machine
/// does) would hand part of the disk reads to whichever run came second.
fn warm_page_cache(files: &[walk::SourceFile]) {
    for file in files {
        let _ = std::fs::read(&file.path);
    }
}

/// The mixed query set: rare and common words, two words, a phrase, and
/// searches filtered by council and by date, each with snippets.
fn query_set(index: &ScrutinyIndex) -> Result<Vec<(&'static str, String, Filters)>> {
    let searcher = index.searcher()?;
    let first_council = search::councils(index, &searcher)?.into_iter().next();
    let mut set = vec![
        ("rare word", "sexting".to_string(), Filters::default()),
        ("common word", "committee".to_string(), Filters::default()),
        ("two words", "taxi drivers".to_string(), Filters::default()),
        (
            "phrase",
            "\"child sexual exploitation\"".to_string(),
            Filters::default(),
        ),
    ];
    if let Some(council) = first_council {
        set.push((
            "by council",
            "CSE".to_string(),
            Filters {
                councils: vec![council],
                ..Filters::default()
            },
        ));
    }
    set.push((
        "by date",
        "CSE".to_string(),
        Filters {
            from: Some(jiff::civil::date(2010, 1, 1)),
            to: Some(jiff::civil::date(2019, 12, 31)),
            ..Filters::default()
        },
    ));
    Ok(set)
}

fn query_latencies(index_dir: &Path, repeat: usize) -> Result<Vec<QueryLatency>> {
    let index = ScrutinyIndex::open(index_dir)?;
    let set = query_set(&index)?;
    time_queries(&index, set, repeat)
}

/// Each query's latency percentiles over `repeat` runs.
fn time_queries(
    index: &ScrutinyIndex,
    set: Vec<(&'static str, String, Filters)>,
    repeat: usize,
) -> Result<Vec<QueryLatency>> {
    let mut latencies = Vec::new();
    for (kind, query, filters) in set {
        let mut request = SearchRequest::new(&query, 10);
        request.selection.filters = filters;
        let glossary = Glossary::builtin();
        let mut histogram =
            Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds");
        let mut hits = 0;
        for _ in 0..repeat {
            let started = Instant::now();
            hits = search::search(index, &request, Some(&glossary))?.hits.len();
            let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            histogram.saturating_record(micros.max(1));
        }
        let millis = |quantile: f64| histogram.value_at_quantile(quantile) as f64 / 1000.0;
        latencies.push(QueryLatency {
            kind: kind.to_string(),
            query,
            hits,
            p50_ms: millis(0.50),
            p95_ms: millis(0.95),
            p99_ms: millis(0.99),
        });
    }
    Ok(latencies)
}

/// Serves the index on a loopback port and times whole HTTP requests for
/// the pages a person opens and an API call, one connection each.
fn page_latencies(index_dir: &Path, repeat: usize) -> Result<Vec<PageLatency>> {
    use std::io::{Read, Write};

    let index = ScrutinyIndex::open(index_dir)?;
    let (ready_sender, ready) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        crate::serve::run(
            index,
            Some(crate::glossary::Glossary::builtin()),
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            2,
            |address| {
                let _ = ready_sender.send(address);
            },
            async {
                let _ = stopped.await;
            },
        )
    });
    let failed = |reason: String| Error::InvalidArgument {
        what: "web page benchmark",
        value: String::new(),
        reason,
    };
    let address = ready
        .recv()
        .map_err(|_| failed("the server did not start".to_string()))?;
    let pages = [
        ("search page", "/?q=sexting"),
        ("search page, filtered", "/?q=taxi+drivers&from=2010-01-01"),
        (
            "compare page",
            "/compare?q=taxi+driver+licensing&by=council",
        ),
        ("timeline page", "/timeline?q=sexting"),
        ("API search", "/api/search?q=sexting"),
    ];
    let mut latencies = Vec::new();
    for (page, path) in pages {
        let mut histogram =
            Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds");
        let mut bytes = 0;
        for _ in 0..repeat {
            let started = Instant::now();
            let mut stream =
                std::net::TcpStream::connect(address).map_err(|error| failed(error.to_string()))?;
            write!(
                stream,
                "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )
            .map_err(|error| failed(error.to_string()))?;
            let mut response = Vec::new();
            stream
                .read_to_end(&mut response)
                .map_err(|error| failed(error.to_string()))?;
            let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
            if !response.starts_with(b"HTTP/1.1 200") {
                return Err(failed(format!("{path} did not answer 200")));
            }
            histogram.saturating_record(micros.max(1));
            bytes = response.len();
        }
        let millis = |quantile: f64| histogram.value_at_quantile(quantile) as f64 / 1000.0;
        latencies.push(PageLatency {
            page: page.to_string(),
            path: path.to_string(),
            bytes,
            p50_ms: millis(0.50),
            p95_ms: millis(0.95),
            p99_ms: millis(0.99),
        });
    }
    let _ = stop.send(());
    let _ = server.join();
    Ok(latencies)
}
