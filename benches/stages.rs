//! One criterion group per pipeline stage, each reporting bytes per second:
//! read (decode + Markdown), read per format (text, PDF, HTML, DOCX), extract,
//! split, index (walk to commit) and
//! query (search with snippets). Input: the bundled corpus, copied 40 times
//! for the index stage so that commit cost does not hide the rest.
//!
//! Run with `cargo bench --bench stages`.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use scrutiny::extract::{self, Hints};
use scrutiny::glossary::Glossary;
use scrutiny::index::ScrutinyIndex;
use scrutiny::ingest::{self, IndexOptions};
use scrutiny::read;
use scrutiny::request::SearchRequest;
use scrutiny::search;
use scrutiny::split;
use scrutiny::walk::{self, Format};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every record of the bundled corpus: bytes and folders.
fn records() -> Vec<(Vec<u8>, Vec<String>)> {
    walk::walk(&corpus())
        .files
        .into_iter()
        .map(|file| (std::fs::read(&file.path).unwrap(), file.folders))
        .collect()
}

fn total_bytes(records: &[(Vec<u8>, Vec<String>)]) -> u64 {
    records.iter().map(|(bytes, _)| bytes.len() as u64).sum()
}

/// Reading the same text in each format: the seeds as text, and converted
/// to PDF, HTML and DOCX by `scrutiny::convert`. Throughput counts the
/// seeds' text bytes in every case, so the figures compare directly: what a
/// format costs over plain text. PDF includes starting `pdftotext`.
fn formats(criterion: &mut Criterion) {
    let records = records();
    let bytes = total_bytes(&records);
    let sources: Vec<String> = records
        .iter()
        .map(|(source, _)| String::from_utf8(source.clone()).unwrap())
        .collect();
    let mut group = criterion.benchmark_group("read_format");
    group.throughput(Throughput::Bytes(bytes));
    let converted: [(&str, Format, Vec<Vec<u8>>); 4] = [
        (
            "txt",
            Format::Text,
            sources
                .iter()
                .map(|text| text.clone().into_bytes())
                .collect(),
        ),
        (
            "pdf",
            Format::Pdf,
            sources
                .iter()
                .map(|text| scrutiny::synth::formats::to_pdf(text))
                .collect(),
        ),
        (
            "html",
            Format::Html,
            sources
                .iter()
                .map(|text| scrutiny::synth::formats::to_html(text).into_bytes())
                .collect(),
        ),
        (
            "docx",
            Format::Docx,
            sources
                .iter()
                .map(|text| scrutiny::synth::formats::to_docx(text).unwrap())
                .collect(),
        ),
    ];
    for (name, format, files) in &converted {
        if *format == Format::Pdf && read::read_bytes(&files[0], *format).is_err() {
            eprintln!("read_format/pdf skipped: pdftotext (poppler-utils) is not installed");
            continue;
        }
        group.bench_function(*name, |bencher| {
            bencher.iter(|| {
                for file in files {
                    std::hint::black_box(read::read_bytes(file, *format).unwrap());
                }
            })
        });
    }
    group.finish();
}

fn stages(criterion: &mut Criterion) {
    let records = records();
    let bytes = total_bytes(&records);
    let texts: Vec<(read::Text, Hints)> = records
        .iter()
        .map(|(source, folders)| {
            (
                read::read_bytes(source, Format::Text).unwrap(),
                Hints {
                    folders: folders.clone(),
                },
            )
        })
        .collect();
    let extracted: Vec<extract::Record> = texts
        .iter()
        .map(|(text, hints)| extract::extract(text, hints))
        .collect();

    let mut group = criterion.benchmark_group("stage");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("read", |bencher| {
        bencher.iter(|| {
            for (source, _) in &records {
                std::hint::black_box(read::read_bytes(source, Format::Text).unwrap());
            }
        })
    });
    group.bench_function("extract", |bencher| {
        bencher.iter(|| {
            for (text, hints) in &texts {
                std::hint::black_box(extract::extract(text, hints));
            }
        })
    });
    group.bench_function("split", |bencher| {
        bencher.iter(|| {
            for record in &extracted {
                std::hint::black_box(split::split(record));
            }
        })
    });
    group.finish();
}

fn index(criterion: &mut Criterion) {
    let scratch = tempfile::tempdir().unwrap();
    let big_corpus = scratch.path().join("corpus");
    let mut bytes = 0u64;
    for copy in 0..40 {
        for file in walk::walk(&corpus()).files {
            let target = big_corpus.join(file.folders.join("/"));
            std::fs::create_dir_all(&target).unwrap();
            let name = format!(
                "{copy:02}-{}",
                file.path.file_name().unwrap().to_string_lossy()
            );
            bytes += std::fs::copy(&file.path, target.join(name)).unwrap();
        }
    }
    let mut group = criterion.benchmark_group("index");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    for threads in [1, 2] {
        group.bench_with_input(
            BenchmarkId::new("rebuild", threads),
            &threads,
            |bencher, &threads| {
                let options = IndexOptions {
                    corpus: big_corpus.clone(),
                    index: scratch.path().join(format!("index-{threads}")),
                    threads,
                    rebuild: true,
                    progress: false,
                };
                bencher.iter(|| ingest::run(&options).unwrap())
            },
        );
    }
    group.finish();
}

fn query(criterion: &mut Criterion) {
    let scratch = tempfile::tempdir().unwrap();
    let options = IndexOptions {
        corpus: corpus(),
        index: scratch.path().join("index"),
        threads: 1,
        rebuild: true,
        progress: false,
    };
    ingest::run(&options).unwrap();
    let index = ScrutinyIndex::open(&options.index).unwrap();
    let mut group = criterion.benchmark_group("query");
    for query in [
        "sexting",
        "taxi drivers",
        "\"driving licence\"",
        "CSE AND NOT sexting",
    ] {
        let request = SearchRequest::new(query, 10);
        let glossary = Glossary::builtin();
        group.bench_with_input(
            BenchmarkId::new("search+snippets", query),
            &request,
            |bencher, request| {
                bencher.iter(|| search::search(&index, request, Some(&glossary)).unwrap())
            },
        );
    }
    group.finish();
}

criterion_group!(benches, stages, formats, index, query);
criterion_main!(benches);
