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
pub mod params;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use maud::Markup;
use serde::Serialize;

use crate::compare::{self, CompareRequest};
use crate::error::Error;
use crate::glossary::Glossary;
use crate::index::ScrutinyIndex;
use crate::search::{self, SearchRequest};
use params::{BadParameter, Params, PAGE_SIZE};

/// What the handlers share.
struct App {
    index: ScrutinyIndex,
    glossary: Option<Glossary>,
}

type Shared = Arc<App>;

const SEARCH_PARAMS: &[&str] = &[
    "q",
    "council",
    "committee",
    "officer",
    "from",
    "to",
    "page",
    "all",
    "no_expand",
    "resolutions",
];
const API_SEARCH_PARAMS: &[&str] = &[
    "q",
    "council",
    "committee",
    "officer",
    "from",
    "to",
    "page",
    "limit",
    "all",
    "no_expand",
    "resolutions",
];
const COMPARE_PARAMS: &[&str] = &[
    "q",
    "council",
    "committee",
    "officer",
    "from",
    "to",
    "by",
    "per",
    "no_expand",
    "resolutions",
];
const TIMELINE_PARAMS: &[&str] = &[
    "q",
    "council",
    "committee",
    "officer",
    "from",
    "to",
    "no_expand",
    "resolutions",
];

/// Serves until `shutdown` completes (the CLI passes Ctrl-C). `ready` is
/// told the bound address (useful with port 0) before the first request is
/// taken.
pub fn run(
    index: ScrutinyIndex,
    glossary: Option<Glossary>,
    addr: SocketAddr,
    threads: usize,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|error| anyhow::anyhow!("cannot listen on {addr}: {error}"))?;
        ready(listener.local_addr()?);
        let app = router(Arc::new(App { index, glossary }));
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    })
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

    fn page(self, params: &Params) -> Response {
        let status = self.status();
        (
            status,
            Html(pages::error_page(params, self.message()).into_string()),
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

fn request_of(app: &App, params: &Params, limit: usize) -> SearchRequest {
    SearchRequest {
        query: params.query.clone(),
        filters: params.filters(),
        limit,
        glossary: if params.no_expand {
            None
        } else {
            app.glossary.clone()
        },
        all: params.all,
        any_word: false,
    }
}

fn councils(app: &App) -> Vec<String> {
    app.index
        .searcher()
        .ok()
        .and_then(|searcher| search::councils(&app.index, &searcher).ok())
        .unwrap_or_default()
}

/// A page: its parameters checked, the work done on the blocking pool, and
/// a failure shown as a page that keeps the form filled in.
async fn page(
    raw: Option<String>,
    allowed: &'static [&'static str],
    render: impl FnOnce(Params) -> Result<Markup, Failure> + Send + 'static,
) -> Response {
    let params = match Params::parse(raw.as_deref(), allowed) {
        Ok(params) => params,
        Err(bad) => return Failure::from(bad).page(&Params::default()),
    };
    let for_page = params.clone();
    match blocking(move || render(params)).await {
        Ok(markup) => html(markup),
        Err(failure) => failure.page(&for_page),
    }
}

/// An API call: its parameters checked (a query required where it takes
/// parameters at all), the work done on the blocking pool, the answer or
/// the failure as JSON.
async fn api<T: Serialize + Send + 'static>(
    raw: Option<String>,
    allowed: &'static [&'static str],
    work: impl FnOnce(Params) -> Result<T, Failure> + Send + 'static,
) -> Response {
    let answer = async {
        let params = Params::parse(raw.as_deref(), allowed)?;
        if !allowed.is_empty() {
            require_query(&params)?;
        }
        blocking(move || work(params)).await
    }
    .await;
    match answer {
        Ok(value) => Json(value).into_response(),
        Err(failure) => failure.json(),
    }
}

async fn search_page(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    page(raw, SEARCH_PARAMS, move |params| {
        let councils = councils(&app);
        if params.query.is_empty() {
            return Ok(pages::search_page(&params, &councils, None));
        }
        // One more than the page shows tells whether there is a next page.
        let request = request_of(&app, &params, params.page * PAGE_SIZE + 1);
        let results = search::search(&app.index, &request)?;
        let facets = compare::facets(&app.index, &request)?;
        Ok(pages::search_page(
            &params,
            &councils,
            Some((&results, &facets)),
        ))
    })
    .await
}

async fn api_search(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, API_SEARCH_PARAMS, move |params| {
        let limit = params.limit.unwrap_or(10);
        let request = request_of(&app, &params, limit * params.page);
        let mut results = search::search(&app.index, &request)?;
        let first = (limit * (params.page - 1)).min(results.hits.len());
        results.hits.drain(..first);
        Ok(results)
    })
    .await
}

fn require_query(params: &Params) -> Result<(), Failure> {
    if params.query.is_empty() {
        return Err(Failure::Bad(
            "q is required: the query to search for, e.g. ?q=sexting".to_string(),
        ));
    }
    Ok(())
}

fn compare_request(app: &App, params: &Params) -> CompareRequest {
    CompareRequest {
        query: params.query.clone(),
        by: params.by,
        per: params.limit.unwrap_or(3),
        filters: params.filters(),
        glossary: if params.no_expand {
            None
        } else {
            app.glossary.clone()
        },
    }
}

async fn compare_page(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    page(raw, COMPARE_PARAMS, move |params| {
        let councils = councils(&app);
        if params.query.is_empty() {
            return Ok(pages::compare_page(&params, &councils, None));
        }
        let comparison = compare::compare(&app.index, &compare_request(&app, &params))?;
        Ok(pages::compare_page(&params, &councils, Some(&comparison)))
    })
    .await
}

async fn api_compare(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, COMPARE_PARAMS, move |params| {
        Ok(compare::compare(
            &app.index,
            &compare_request(&app, &params),
        )?)
    })
    .await
}

fn timeline_of(app: &App, params: &Params) -> Result<compare::Timeline, Failure> {
    let glossary = if params.no_expand {
        None
    } else {
        app.glossary.as_ref()
    };
    Ok(compare::timeline(
        &app.index,
        &params.query,
        &params.filters(),
        glossary,
    )?)
}

async fn timeline_page(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    page(raw, TIMELINE_PARAMS, move |params| {
        let councils = councils(&app);
        if params.query.is_empty() {
            return Ok(pages::timeline_page(&params, &councils, None));
        }
        let timeline = timeline_of(&app, &params)?;
        Ok(pages::timeline_page(&params, &councils, Some(&timeline)))
    })
    .await
}

async fn timeline_svg(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    let answer = async {
        let params = Params::parse(raw.as_deref(), TIMELINE_PARAMS)?;
        require_query(&params)?;
        blocking(move || Ok(chart::svg(&timeline_of(&app, &params)?))).await
    }
    .await;
    match answer {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(failure) => failure.json(),
    }
}

async fn api_timeline(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, TIMELINE_PARAMS, move |params| {
        timeline_of(&app, &params)
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
    let params = match Params::parse(raw.as_deref(), &["q"]) {
        Ok(params) => params,
        Err(bad) => return Failure::from(bad).page(&Params::default()),
    };
    let for_page = params.clone();
    let answer = async {
        check_id(&id)?;
        blocking(move || match search::passage(&app.index, &id)? {
            Some(found) => Ok(pages::passage_page(&found, &params.query)),
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
        Err(failure) => failure.page(&for_page),
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
        let params = Params::parse(raw.as_deref(), SEARCH_PARAMS)?;
        require_query(&params)?;
        blocking(move || {
            let request = request_of(&app, &params, 1);
            let results = search::all_matches(&app.index, &request)?;
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
    page(raw, &[], move |_| {
        Ok(pages::coverage_page(&crate::coverage::coverage(
            &app.index,
        )?))
    })
    .await
}

async fn api_coverage(State(app): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    api(raw, &[], move |_| {
        Ok(crate::coverage::coverage(&app.index)?)
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
