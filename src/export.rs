//! Export: search results or the whole index in formats other tools read.
//!
//! - `csv` and `jsonl`: one row or object per passage with every metadata
//!   field, for spreadsheets and scripts.
//! - `opensearch`: bulk NDJSON chunks (`bulk-0001.ndjson`, …) and the index
//!   body (`index.json`: settings and mapping with the English analyser on
//!   text, keywords for council and committee, a date field), ready for
//!   `PUT /scrutiny` and `POST /_bulk`.
//! - `quickwit`: NDJSON chunks (`docs-0001.ndjson`, …) and the index
//!   configuration (`index-config.yaml`) for `quickwit index create` and
//!   `quickwit tool local-ingest`.
//!
//! Nothing is sent anywhere unless `--push URL` is given; then the chunks
//! are posted to the engine's bulk or ingest endpoint, one request each.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::search::Hit;

/// The index name used in the files written for another engine.
pub const INDEX_NAME: &str = "scrutiny";
/// Passages per NDJSON chunk: small enough for any bulk endpoint's default
/// request limit.
pub const CHUNK_DOCUMENTS: usize = 2000;

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Comma-separated values, one row per passage, with a header row.
    Csv,
    /// One JSON object per line, one per passage.
    Jsonl,
    /// OpenSearch (or Elasticsearch) bulk files and index mapping.
    Opensearch,
    /// Quickwit NDJSON files and index configuration.
    Quickwit,
}

/// One passage as exported: every metadata field, flat.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    pub id: String,
    pub council: Option<String>,
    pub committee: Option<String>,
    /// YYYY-MM-DD, or null.
    pub date: Option<String>,
    pub kind: String,
    pub item: Option<String>,
    pub topic: Option<String>,
    pub officers: Vec<String>,
    pub resolution: bool,
    /// The file relative to the corpus folder.
    pub source: String,
    pub line_first: u32,
    pub line_last: u32,
    pub page_first: Option<u32>,
    pub page_last: Option<u32>,
    pub url: Option<String>,
    pub text: String,
}

impl Row {
    pub fn of(hit: &Hit) -> Row {
        Row {
            id: hit.id.clone(),
            council: hit.council.clone(),
            committee: hit.committee.clone(),
            date: hit.date.clone(),
            kind: hit.kind.clone(),
            item: hit.item.clone(),
            topic: hit.topic.clone(),
            officers: hit
                .officers
                .iter()
                .map(|officer| officer.display())
                .collect(),
            resolution: hit.resolution,
            source: hit.source.key.clone(),
            line_first: hit.source.lines[0],
            line_last: hit.source.lines[1],
            page_first: hit.source.pages.map(|pages| pages[0]),
            page_last: hit.source.pages.map(|pages| pages[1]),
            url: hit.url.clone(),
            text: hit.text.clone(),
        }
    }
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "council",
    "committee",
    "date",
    "kind",
    "item",
    "topic",
    "officers",
    "resolution",
    "source",
    "line_first",
    "line_last",
    "page_first",
    "page_last",
    "url",
    "text",
];

/// The I/O error inside a CSV error, so that a closed pipe stays one.
fn io_error(error: csv::Error) -> std::io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// Writes rows as CSV with a header row; officers are joined by "; ".
pub fn write_csv(out: impl Write, rows: &[Row]) -> std::io::Result<()> {
    write_csv_records(out, rows).map_err(io_error)
}

fn write_csv_records(out: impl Write, rows: &[Row]) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(CSV_COLUMNS)?;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let number = |value: Option<u32>| value.map(|value| value.to_string()).unwrap_or_default();
    for row in rows {
        writer.write_record([
            row.id.clone(),
            text(&row.council),
            text(&row.committee),
            text(&row.date),
            row.kind.clone(),
            text(&row.item),
            text(&row.topic),
            row.officers.join("; "),
            row.resolution.to_string(),
            row.source.clone(),
            row.line_first.to_string(),
            row.line_last.to_string(),
            number(row.page_first),
            number(row.page_last),
            text(&row.url),
            row.text.clone(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes rows as JSON lines.
pub fn write_jsonl(mut out: impl Write, rows: &[Row]) -> std::io::Result<()> {
    for row in rows {
        serde_json::to_writer(&mut out, row)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// A document as another engine indexes it: the date as an RFC 3339
/// timestamp (both engines' date type), the rest as exported.
#[derive(Serialize)]
struct EngineDocument<'a> {
    #[serde(flatten)]
    row: &'a Row,
    meeting_date: Option<String>,
}

fn engine_document(row: &Row) -> EngineDocument<'_> {
    EngineDocument {
        row,
        meeting_date: row.date.as_ref().map(|date| format!("{date}T00:00:00Z")),
    }
}

/// The OpenSearch index body: English analysis for text, keywords for
/// the fields people filter and facet on, a date field.
pub fn opensearch_index_body() -> serde_json::Value {
    let keyword = serde_json::json!({ "type": "keyword" });
    let english = serde_json::json!({ "type": "text", "analyzer": "english" });
    serde_json::json!({
        "settings": { "number_of_shards": 1 },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": keyword,
                "council": keyword,
                "committee": { "type": "keyword", "fields": { "text": english } },
                "date": keyword,
                "meeting_date": { "type": "date", "format": "strict_date_optional_time" },
                "kind": keyword,
                "item": keyword,
                "topic": english,
                "officers": { "type": "text" },
                "resolution": { "type": "boolean" },
                "source": keyword,
                "line_first": { "type": "integer" },
                "line_last": { "type": "integer" },
                "page_first": { "type": "integer" },
                "page_last": { "type": "integer" },
                "url": { "type": "keyword", "index": false },
                "text": english
            }
        }
    })
}

/// The Quickwit index configuration, as YAML.
pub fn quickwit_index_config() -> String {
    format!(
        "# Quickwit index for passages exported by `scrutiny export --all --format quickwit`.\n\
         version: 0.8\n\
         index_id: {INDEX_NAME}\n\
         doc_mapping:\n\
         \x20 mode: strict\n\
         \x20 field_mappings:\n\
         \x20   - {{ name: id, type: text, tokenizer: raw }}\n\
         \x20   - {{ name: council, type: text, tokenizer: raw, fast: true }}\n\
         \x20   - {{ name: committee, type: text, tokenizer: raw, fast: true }}\n\
         \x20   - {{ name: date, type: text, tokenizer: raw }}\n\
         \x20   - {{ name: meeting_date, type: datetime, input_formats: [rfc3339], fast: true }}\n\
         \x20   - {{ name: kind, type: text, tokenizer: raw }}\n\
         \x20   - {{ name: item, type: text, tokenizer: raw }}\n\
         \x20   - {{ name: topic, type: text, tokenizer: en_stem, record: position }}\n\
         \x20   - {{ name: officers, type: array<text>, tokenizer: default }}\n\
         \x20   - {{ name: resolution, type: bool, fast: true }}\n\
         \x20   - {{ name: source, type: text, tokenizer: raw }}\n\
         \x20   - {{ name: line_first, type: u64 }}\n\
         \x20   - {{ name: line_last, type: u64 }}\n\
         \x20   - {{ name: page_first, type: u64 }}\n\
         \x20   - {{ name: page_last, type: u64 }}\n\
         \x20   - {{ name: url, type: text, indexed: false }}\n\
         \x20   - {{ name: text, type: text, tokenizer: en_stem, record: position }}\n\
         \x20 timestamp_field: meeting_date\n\
         search_settings:\n\
         \x20 default_search_fields: [text, topic]\n"
    )
}

/// Writes the files for another engine into `dir`; returns their paths,
/// the configuration first and then the data chunks.
pub fn write_engine_files(
    dir: &Path,
    format: ExportFormat,
    rows: &[Row],
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let (config_name, config, chunk_prefix) = match format {
        ExportFormat::Opensearch => (
            "index.json",
            serde_json::to_string_pretty(&opensearch_index_body())? + "\n",
            "bulk",
        ),
        ExportFormat::Quickwit => ("index-config.yaml", quickwit_index_config(), "docs"),
        ExportFormat::Csv | ExportFormat::Jsonl => {
            return Err(std::io::Error::other(
                "csv and jsonl are written to one file",
            ))
        }
    };
    let config_path = dir.join(config_name);
    std::fs::write(&config_path, config)?;
    written.push(config_path);
    for (number, chunk) in rows.chunks(CHUNK_DOCUMENTS).enumerate() {
        let mut out = Vec::new();
        for row in chunk {
            if format == ExportFormat::Opensearch {
                serde_json::to_writer(
                    &mut out,
                    &serde_json::json!({ "index": { "_index": INDEX_NAME, "_id": row.id } }),
                )?;
                out.push(b'\n');
            }
            serde_json::to_writer(&mut out, &engine_document(row))?;
            out.push(b'\n');
        }
        let path = dir.join(format!("{chunk_prefix}-{:04}.ndjson", number + 1));
        std::fs::write(&path, out)?;
        written.push(path);
    }
    Ok(written)
}

/// Posts the written files to a running engine at `base` (an `http://`
/// address): OpenSearch gets the index body (`PUT /scrutiny`) and each bulk
/// chunk (`POST /_bulk`); Quickwit gets each chunk at
/// `POST /api/v1/scrutiny/ingest`. Returns one line per request.
pub fn push(base: &str, format: ExportFormat, files: &[PathBuf]) -> Result<Vec<String>, String> {
    let base = base.trim_end_matches('/');
    if !base.starts_with("http://") {
        return Err(format!(
            "--push {base}: only http:// addresses are supported (a local engine, or one behind a local proxy)"
        ));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut log = Vec::new();
    let mut send = |method: &str, url: String, body: Vec<u8>, content_type: &str| {
        let request = match method {
            "PUT" => agent.put(&url),
            _ => agent.post(&url),
        };
        let response = request
            .header("Content-Type", content_type)
            .send(&body[..])
            .map_err(|error| format!("{method} {url}: {error}"))?;
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(format!("{method} {url}: the engine answered {status}"));
        }
        log.push(format!("{method} {url}: {status}"));
        Ok(())
    };
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|error| format!("{}: {error}", path.display()))
    };
    match format {
        ExportFormat::Opensearch => {
            let (config, chunks) = files.split_first().ok_or("nothing to push")?;
            send(
                "PUT",
                format!("{base}/{INDEX_NAME}"),
                read(config)?,
                "application/json",
            )?;
            for chunk in chunks {
                send(
                    "POST",
                    format!("{base}/_bulk"),
                    read(chunk)?,
                    "application/x-ndjson",
                )?;
            }
        }
        ExportFormat::Quickwit => {
            for chunk in files.iter().skip(1) {
                send(
                    "POST",
                    format!("{base}/api/v1/{INDEX_NAME}/ingest"),
                    read(chunk)?,
                    "application/x-ndjson",
                )?;
            }
        }
        ExportFormat::Csv | ExportFormat::Jsonl => {
            return Err("--push takes --format opensearch or quickwit".to_string())
        }
    }
    Ok(log)
}

/// True for a file, or a folder with anything in it.
fn holds_something(path: &Path) -> bool {
    match std::fs::read_dir(path) {
        Ok(mut entries) => entries.next().is_some(),
        Err(_) => path.exists(),
    }
}

/// Where `scrutiny export` writes, and whether it then posts the files.
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    pub format: ExportFormat,
    /// The file (csv, jsonl) or folder (opensearch, quickwit); standard
    /// output for csv and jsonl when absent.
    pub out: Option<&'a Path>,
    /// An engine to post the written files to.
    pub push: Option<&'a str>,
    /// Replace a file (or fill a folder) that is already there.
    pub force: bool,
}

/// Writes `rows` where `destination` says; returns a line for the user per
/// thing done (the files written, each request sent).
pub fn write(rows: &[Row], destination: &Destination) -> Result<Vec<String>, String> {
    let Destination {
        format,
        out,
        push,
        force,
    } = *destination;
    let engine = matches!(format, ExportFormat::Opensearch | ExportFormat::Quickwit);
    if push.is_some() && !engine {
        return Err(
            "--push sends files to an engine: use it with --format opensearch or quickwit".into(),
        );
    }
    let cannot =
        |path: &Path, error: std::io::Error| format!("cannot write {}: {error}", path.display());
    let rows_to = |sink: &mut dyn Write| match format {
        ExportFormat::Csv => write_csv(sink, rows),
        _ => write_jsonl(sink, rows),
    };
    if let Some(path) = out.filter(|path| !force && holds_something(path)) {
        return Err(format!(
            "{} is already there; add --force to replace what is in it",
            path.display()
        ));
    }
    let mut notes = Vec::new();
    match (engine, out) {
        (false, None) => rows_to(&mut std::io::stdout().lock())
            .map_err(|error| format!("cannot write to standard output: {error}"))?,
        (false, Some(path)) => {
            let file = std::fs::File::create(path).map_err(|error| cannot(path, error))?;
            let mut sink = std::io::BufWriter::new(file);
            rows_to(&mut sink)
                .and_then(|()| sink.flush())
                .map_err(|error| cannot(path, error))?;
            notes.push(format!(
                "wrote {} passages to {}",
                rows.len(),
                path.display()
            ));
        }
        (true, None) => return Err(
            "--format opensearch and quickwit write several files: name a folder with --out DIR"
                .into(),
        ),
        (true, Some(dir)) => {
            let files =
                write_engine_files(dir, format, rows).map_err(|error| cannot(dir, error))?;
            notes.push(format!(
                "wrote {} passages in {} files to {}",
                rows.len(),
                files.len(),
                dir.display()
            ));
            if let Some(url) = push {
                notes.extend(self::push(url, format, &files)?);
            }
        }
    }
    Ok(notes)
}
