//! `scrutiny serve`: the search, compare and timeline views as web pages,
//! and the same answers as JSON, on a loopback address.
//!
//! axum routes requests on tokio; each search runs on tokio's blocking pool,
//! since tantivy's searches are synchronous. The server only reads: it opens
//! the index once, and tantivy's reader follows new commits by itself, so a
//! `scrutiny index` run in another terminal shows up without a restart. No
//! route takes a file path: passages are found by id in the index, so
//! nothing outside it can be read.
//!
//! | route | answers |
//! |---|---|
//! | `/` | search page: form, facets, passages, paging |
//! | `/passage/{id}` | a passage inside its whole agenda item |
//! | `/compare`, `/timeline` | side-by-side columns; the per-year chart |
//! | `/timeline.svg` | the chart alone |
//! | `/export.csv`, `/export.jsonl` | every passage a search matches, as `scrutiny export` writes them |
//! | `/coverage`, `/api/coverage` | what the index holds per council, and the files it could not read |
//! | `/api/search`, `/api/compare`, `/api/timeline`, `/api/passage/{id}` | the CLI's `--json` answers |

mod chart;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use maud::Markup;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::compare;
use crate::error::Error;
use crate::glossary::Glossary;
use crate::index::ScrutinyIndex;
use crate::request::{self, BadParameter, Bounds, CompareRequest, SearchRequest, Selection};
use crate::search;

/// What the handlers share.
struct App {
    index: ScrutinyIndex,
    glossary: Option<Glossary>,
    /// The coverage ledger of the commit being served, with that commit's
    /// searcher generation: it walks the corpus and reads every passage's
    /// columns, so it is made once per commit, not once per request.
    coverage: std::sync::Mutex<Option<(u64, Arc<crate::coverage::Coverage>)>>,
}

impl App {
    fn coverage(&self) -> Result<Arc<crate::coverage::Coverage>, Failure> {
        let generation = self.index.searcher()?.generation().generation_id();
        let mut cached = self
            .coverage
            .lock()
            .map_err(|_| Failure::Internal("the coverage cache was poisoned".into()))?;
        if let Some((made_for, coverage)) = cached.as_ref() {
            if *made_for == generation {
                return Ok(coverage.clone());
            }
        }
        let coverage = Arc::new(crate::coverage::coverage(&self.index)?);
        *cached = Some((generation, coverage.clone()));
        Ok(coverage)
    }
}

type Shared = Arc<App>;

/// What a page or API call reads from its URL: one of the request types
/// every front end shares, read by [`request::from_query_string`] (unknown
/// parameters refused) and checked against [`Bounds::SERVER`].
trait Form: clap::Args + DeserializeOwned + Send + 'static {
    /// Whether the API answers nothing without a query.
    const NEEDS_QUERY: bool = true;
    /// The query and filters, to keep in the form when the request fails.
    fn selection(&self) -> Selection;
    fn check(&self) -> Result<(), Error>;
}

impl Form for SearchRequest {
    fn selection(&self) -> Selection {
        self.selection.clone()
    }
    fn check(&self) -> Result<(), Error> {
        SearchRequest::check(self, &Bounds::SERVER)
    }
}

impl Form for CompareRequest {
    fn selection(&self) -> Selection {
        self.selection.clone()
    }
    fn check(&self) -> Result<(), Error> {
        CompareRequest::check(self, &Bounds::SERVER)
    }
}

impl Form for Selection {
    fn selection(&self) -> Selection {
        self.clone()
    }
    fn check(&self) -> Result<(), Error> {
        Bounds::SERVER.check_selection(self)
    }
}

/// The passage page's one parameter: the query to carry on to the other
/// views.
#[derive(Debug, Default, clap::Args, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Carried {
    #[arg(id = "q")]
    query: Option<String>,
}

impl Form for Carried {
    fn selection(&self) -> Selection {
        Selection {
            query: self.query.clone(),
            ..Selection::default()
        }
    }
    fn check(&self) -> Result<(), Error> {
        Bounds::SERVER.check_selection(&self.selection())
    }
}

/// No parameters at all: the coverage page and API.
#[derive(Debug, Default, clap::Args, Deserialize)]
#[serde(deny_unknown_fields)]
struct Nothing {}

impl Form for Nothing {
    const NEEDS_QUERY: bool = false;
    fn selection(&self) -> Selection {
        Selection::default()
    }
    fn check(&self) -> Result<(), Error> {
        Ok(())
    }
}

/// Reads and checks a request from a URL's query string.
fn read<T: Form>(raw: Option<&str>) -> Result<T, Failure> {
    let form: T = request::from_query_string(raw)?;
    form.check()?;
    Ok(form)
}

/// The most connections served at once. More wait in the listening
/// socket's queue until one closes, so a flood of idle or half-sent
/// connections can neither exhaust the process's file descriptors nor keep
/// everyone else out for longer than [`HEADER_TIMEOUT`].
pub const MAX_CONNECTIONS: usize = 256;
/// How long a client may take to send a request's headers; a connection
/// that sends nothing for this long between requests is closed too.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long in-flight requests may take to finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves until `shutdown` completes (the CLI passes Ctrl-C). `ready` is
/// told the bound address (useful with port 0) before the first request is
/// taken.
///
/// `threads` async workers take connections; searches run on a blocking
/// pool of at most twice as many threads, so under any load the number of
/// searches at once, and the memory they hold, stay bounded: the rest wait
/// their turn.
pub fn run(
    index: ScrutinyIndex,
    glossary: Option<Glossary>,
    addr: SocketAddr,
    threads: usize,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let threads = threads.max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .max_blocking_threads(threads * 2)
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|error| anyhow::anyhow!("cannot listen on {addr}: {error}"))?;
        ready(listener.local_addr()?);
        let app = router(Arc::new(App {
            index,
            glossary,
            coverage: std::sync::Mutex::new(None),
        }));
        accept(listener, app, shutdown).await;
        Ok(())
    })
}

/// Takes connections until `shutdown`, each served with a header timeout
/// under the connection cap; then lets open requests finish.
async fn accept(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection that failed as it was accepted (reset, or
                // out of descriptors for a moment) costs only itself.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await;
}

fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(search_page))
        .route("/passage/{id}", get(passage_page))
        .route("/compare", get(compare_page))
        .route("/timeline", get(timeline_page))
        .route("/timeline.svg", get(timeline_svg))
        .route("/coverage", get(coverage_page))
        .route("/export.csv", get(export_csv))
        .route("/export.jsonl", get(export_jsonl))
        .route("/api/coverage", get(api_coverage))
        .route("/style.css", get(style))
        .route("/copy.js", get(copy_script))
        .route("/api/search", get(api_search))
        .route("/api/compare", get(api_compare))
        .route("/api/timeline", get(api_timeline))
        .route("/api/passage/{id}", get(api_passage))
        .fallback(not_found)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(app)
}

/// Headers on every answer: nothing from elsewhere may load (the one
/// script is the server's own copy button, never inline), and browsers must
/// not guess content types.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Why a request failed, as the client is told.
enum Failure {
    /// The request is wrong: 400 with the reason.
    Bad(String),
    /// No such passage or page: 404.
    Missing(String),
    /// The server's fault: 500.
    Internal(String),
}

impl From<BadParameter> for Failure {
    fn from(bad: BadParameter) -> Failure {
        Failure::Bad(bad.0)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        match error {
            Error::Query(_) | Error::InvalidArgument { .. } => Failure::Bad(error.to_string()),
            other => Failure::Internal(other.to_string()),
        }
    }
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Failure::Bad(_) => StatusCode::BAD_REQUEST,
            Failure::Missing(_) => StatusCode::NOT_FOUND,
            Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::Bad(message) | Failure::Missing(message) | Failure::Internal(message) => {
                message
            }
        }
    }

    fn json(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: &'a str,
        }
        let status = self.status();
        (
            status,
            Json(Body {
                error: self.message(),
            }),
        )
            .into_response()
    }

    fn page(self, selection: &Selection) -> Response {
        let status = self.status();
        (
            status,
            Html(pages::error_page(selection, self.message()).into_string()),
        )
            .into_response()
    }
}

/// Runs blocking search work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Failure> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|error| Err(Failure::Internal(format!("the search stopped: {error}"))))
}

fn html(markup: Markup) -> Response {
    Html(markup.into_string()).into_response()
}

fn councils(app: &App) -> Vec<String> {
    app.index
        .searcher()
        .ok()
        .and_then(|searcher| search::councils(&app.index, &searcher).ok())
        .unwrap_or_default()
}

/// A page: its parameters read and checked, the work done on the blocking
/// pool, and a failure shown as a page that keeps the form filled in.
async fn page<T: Form>(
    raw: Option<String>,
    render: impl FnOnce(T) -> Result<Markup, Failure> + Send + 'static,
) -> Response {
    let form: T = match read(raw.as_deref()) {
        Ok(form) => form,
        Err(failure) => return failure.page(&kept_form(raw.as_deref())),
    };
    let kept = form.selection();
    match blocking(move || render(form)).await {
        Ok(markup) => html(markup),
        Err(failure) => failure.page(&kept),
    }
}

/// The query and filters of a request that failed, to fill the form in
/// again: each parameter that reads as part of a selection on its own is
/// kept, the one at fault left out.
fn kept_form(raw: Option<&str>) -> Selection {
    let kept: Vec<&str> = raw
        .unwrap_or_default()
        .split('&')
        .filter(|pair| request::from_query_string::<Selection>(Some(pair)).is_ok())
        .collect();
    request::from_query_string(Some(&kept.join("&"))).unwrap_or_default()
}

/// An API call: its parameters read and checked (a query required where
/// the call takes one), the work done on the blocking pool, the answer or
/// the failure as JSON.
async fn api<T: Form, A: Serialize + Send + 'static>(
    raw: Option<String>,
    work: impl FnOnce(T) -> Result<A, Failure> + Send + 'static,
) -> Response {
    let answer = async {
        let form: T = read(raw.as_deref())?;
        if T::NEEDS_QUERY {
            require_query(&form.selection())?;
        }
        blocking(move || work(form)).await
    }
    .await;
    match answer {
        Ok(value) => Json(value).into_response(),
        Err(failure) => failure.json(),
    }
}

async fn search_page(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    page(raw, move |request: SearchRequest| {
        let councils = councils(&app);
        if request.selection.query.is_none() {
            return Ok(pages::search_page(&request, &councils, None));
        }
        // Every passage up to the end of the page, and one more to tell
        // whether there is a next page.
        let up_to_page = SearchRequest {
            limit: request.page * request.limit + 1,
            page: 1,
            ..request.clone()
        };
        let glossary = app.glossary.as_ref();
        let results = search::search(&app.index, &up_to_page, glossary)?;
        let facets = compare::facets(&app.index, &request, glossary)?;
        Ok(pages::search_page(
            &request,
            &councils,
            Some((&results, &facets)),
        ))
    })
    .await
}

async fn api_search(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, move |request: SearchRequest| {
        Ok(search::search(&app.index, &request, app.glossary.as_ref())?)
    })
    .await
}

fn require_query(selection: &Selection) -> Result<(), Failure> {
    if selection.query.is_none() {
        return Err(Failure::Bad(
            "q is required: the query to search for, e.g. ?q=sexting".to_string(),
        ));
    }
    Ok(())
}

async fn compare_page(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    page(raw, move |request: CompareRequest| {
        let councils = councils(&app);
        if request.selection.query.is_none() {
            return Ok(pages::compare_page(&request, &councils, None));
        }
        let comparison = compare::compare(&app.index, &request, app.glossary.as_ref())?;
        Ok(pages::compare_page(&request, &councils, Some(&comparison)))
    })
    .await
}

async fn api_compare(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, move |request: CompareRequest| {
        Ok(compare::compare(
            &app.index,
            &request,
            app.glossary.as_ref(),
        )?)
    })
    .await
}

fn timeline_of(app: &App, selection: &Selection) -> Result<compare::Timeline, Failure> {
    Ok(compare::timeline(
        &app.index,
        selection,
        app.glossary.as_ref(),
    )?)
}

async fn timeline_page(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    page(raw, move |selection: Selection| {
        let councils = councils(&app);
        if selection.query.is_none() {
            return Ok(pages::timeline_page(&selection, &councils, None));
        }
        let timeline = timeline_of(&app, &selection)?;
        Ok(pages::timeline_page(&selection, &councils, Some(&timeline)))
    })
    .await
}

async fn timeline_svg(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let answer = async {
        let selection: Selection = read(raw.as_deref())?;
        require_query(&selection)?;
        blocking(move || Ok(chart::svg(&timeline_of(&app, &selection)?))).await
    }
    .await;
    match answer {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(failure) => failure.json(),
    }
}

async fn api_timeline(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, move |selection: Selection| {
        timeline_of(&app, &selection)
    })
    .await
}

/// A passage id is the hex digest scrutiny gives it; anything else cannot
/// name one.
fn check_id(id: &str) -> Result<(), Failure> {
    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        return Err(Failure::Bad(format!(
            "{id:?} is not a passage id (ids are letters and digits, as search results give them)"
        )));
    }
    Ok(())
}

async fn passage_page(
    State(app): State<Shared>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let carried: Carried = match read(raw.as_deref()) {
        Ok(carried) => carried,
        Err(failure) => return failure.page(&Selection::default()),
    };
    let kept = carried.selection();
    let answer = async {
        check_id(&id)?;
        blocking(move || match search::passage(&app.index, &id)? {
            Some(found) => Ok(pages::passage_page(
                &found,
                carried.query.as_deref().unwrap_or_default(),
            )),
            None => Err(Failure::Missing(format!(
                "no passage {id} in the index (it may have changed since the link was made)"
            ))),
        })
        .await
    }
    .await;
    match answer {
        Ok(markup) => html(markup),
        Err(Failure::Missing(message)) => {
            (StatusCode::NOT_FOUND, html(pages::not_found_page(&message))).into_response()
        }
        Err(failure) => failure.page(&kept),
    }
}

async fn api_passage(State(app): State<Shared>, Path(id): Path<String>) -> Response {
    let answer = async {
        check_id(&id)?;
        blocking(move || {
            search::passage(&app.index, &id)?
                .ok_or_else(|| Failure::Missing(format!("no passage {id} in the index")))
        })
        .await
    }
    .await;
    match answer {
        Ok(found) => Json(found).into_response(),
        Err(failure) => failure.json(),
    }
}

async fn export_csv(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    export(app, raw, crate::export::ExportFormat::Csv).await
}

async fn export_jsonl(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    export(app, raw, crate::export::ExportFormat::Jsonl).await
}

/// Every passage a search matches, as a file to download.
async fn export(app: Shared, raw: Option<String>, format: crate::export::ExportFormat) -> Response {
    use crate::export::{ExportFormat, Row};
    let answer = async {
        let selection: Selection = read(raw.as_deref())?;
        require_query(&selection)?;
        blocking(move || {
            let results = search::all_matches(&app.index, &selection, app.glossary.as_ref())?;
            let rows: Vec<Row> = results.hits.iter().map(Row::of).collect();
            let mut out = Vec::new();
            let written = match format {
                ExportFormat::Csv => crate::export::write_csv(&mut out, &rows),
                _ => crate::export::write_jsonl(&mut out, &rows),
            };
            written.map_err(|error| Failure::Internal(error.to_string()))?;
            Ok(out)
        })
        .await
    }
    .await;
    let (content_type, name) = match format {
        crate::export::ExportFormat::Csv => (
            "text/csv; charset=utf-8",
            "attachment; filename=\"scrutiny.csv\"",
        ),
        _ => (
            "application/x-ndjson",
            "attachment; filename=\"scrutiny.jsonl\"",
        ),
    };
    match answer {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_DISPOSITION, name),
            ],
            body,
        )
            .into_response(),
        Err(failure) => failure.json(),
    }
}

async fn coverage_page(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    page(raw, move |_: Nothing| {
        Ok(pages::coverage_page(&*app.coverage()?))
    })
    .await
}

async fn api_coverage(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, move |_: Nothing| {
        app.coverage().map(|coverage| (*coverage).clone())
    })
    .await
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        pages::STYLE,
    )
        .into_response()
}

async fn copy_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        pages::COPY_SCRIPT,
    )
        .into_response()
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let what = format!("nothing is served at {}", uri.path());
    if uri.path().starts_with("/api/") {
        return Failure::Missing(what).json();
    }
    (StatusCode::NOT_FOUND, html(pages::not_found_page(&what))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The coverage ledger is made once per commit: asked twice, the
    /// server hands out the same one; after a new commit, a new one.
    #[test]
    fn coverage_is_made_once_per_commit() {
        let scratch = tempfile::tempdir().unwrap();
        let corpus = scratch.path().join("corpus");
        std::fs::create_dir_all(corpus.join("kent")).unwrap();
        let record = "Agenda item\n\nTaxi licensing\n\nThe panel discussed taxi licensing.\n";
        std::fs::write(corpus.join("kent/one.txt"), record).unwrap();
        let options = crate::ingest::IndexOptions {
            corpus: corpus.clone(),
            index: scratch.path().join("index"),
            threads: 1,
            rebuild: false,
            progress: false,
        };
        crate::ingest::run(&options).unwrap();
        let app = App {
            index: ScrutinyIndex::open(&options.index).unwrap(),
            glossary: None,
            coverage: std::sync::Mutex::new(None),
        };
        let made = || {
            let Ok(coverage) = app.coverage() else {
                panic!("no coverage")
            };
            coverage
        };
        // The reader may reload once more after the run's last merge (a new
        // generation of the same passages); within a generation the ledger
        // is made once.
        let mut first = made();
        let mut again = made();
        for _ in 0..100 {
            if Arc::ptr_eq(&first, &again) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            first = again;
            again = made();
        }
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(first.records, 1);

        std::fs::write(corpus.join("kent/two.txt"), record.replace("Taxi", "Bus")).unwrap();
        crate::ingest::run(&options).unwrap();
        // The reader follows the commit by itself, within moments.
        let mut after = first.clone();
        for _ in 0..100 {
            let Ok(made) = app.coverage() else {
                panic!("no coverage")
            };
            after = made;
            if after.records == 2 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(!Arc::ptr_eq(&first, &after));
        assert_eq!(after.records, 2);
    }
}
