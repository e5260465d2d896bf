//! `scrutiny serve` over HTTP: every route, bad parameters, escaping, and a
//! re-index while the server runs. The real binary serves on a free
//! loopback port; requests go through a plain HTTP client.

mod util;

use std::time::{Duration, Instant};

use util::{hits, Server, Workspace};

#[test]
fn pages_answer_with_results_facets_and_citations() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);

    let (status, content_type, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert!(
        home.contains("<label for=\"q\">"),
        "the query box has a label"
    );

    let (status, _, page) = server.get("/?q=sexting");
    assert_eq!(status, 200);
    assert!(page.contains("<mark>sexting</mark>"), "highlighted");
    assert!(page.contains("class=\"council\">Staffordshire<"));
    assert!(page.contains("data-facet=\"council\""), "council facet");
    assert!(page.contains("data-facet=\"year\""), "year facet");
    assert!(
        page.contains("000_69e15054d1adbb5c.txt:"),
        "citation with lines"
    );

    // A facet link narrows the search; its URL holds the whole state.
    let (_, _, narrowed) = server.get("/?q=CSE&council=Wiltshire");
    assert!(narrowed.contains("class=\"council\">Wiltshire<"));
    assert!(!narrowed.contains("class=\"council\">Staffordshire<"));
    assert!(narrowed.contains("<span class=\"chosen\">Wiltshire"));

    // Paging: page 2 starts at result 11.
    let (_, _, second) = server.get("/?q=sexting&page=2");
    assert!(
        second.contains("<ol class=\"hits\" start=\"11\">"),
        "page 2"
    );
    assert!(second.contains("rel=\"prev\""));

    let (status, _, compare) = server.get("/compare?q=taxi+driver+licensing&by=council");
    assert_eq!(status, 200);
    let columns = compare.matches("<section class=\"column\"").count();
    assert_eq!(columns, 2, "Staffordshire and Worcestershire");

    let (status, _, timeline) = server.get("/timeline?q=sexting");
    assert_eq!(status, 200);
    assert!(timeline.contains("<svg") && timeline.contains("<rect class=\"bar\""));
    let (status, content_type, svg) = server.get("/timeline.svg?q=sexting");
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/svg+xml");
    assert!(svg.starts_with("<svg"));

    let (status, content_type, css) = server.get("/style.css");
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/css"));
    assert!(css.contains("mark"));
}

#[test]
fn the_api_answers_as_the_cli_does() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    for (api, cli) in [
        ("/api/search?q=sexting", vec!["search", "sexting"]),
        (
            "/api/compare?q=taxi+driver+licensing&by=council",
            vec!["compare", "taxi driver licensing", "--by", "council"],
        ),
        ("/api/timeline?q=sexting", vec!["timeline", "sexting"]),
    ] {
        let (status, served) = server.json(api);
        assert_eq!(status, 200, "{api}");
        let printed = workspace.json(&cli);
        assert_eq!(served, printed, "{api}");
    }
    // A passage is found by its id, with its agenda item around it.
    let (_, found) = server.json("/api/search?q=sexting&limit=1");
    let id = hits(&found)[0]["id"].as_str().unwrap().to_string();
    let (status, passage) = server.json(&format!("/api/passage/{id}"));
    assert_eq!(status, 200);
    assert_eq!(passage["passage"]["id"], id.as_str());
    let item = passage["item"].as_array().unwrap();
    assert!(item.iter().any(|part| part["id"] == id.as_str()));
    let (status, _, page) = server.get(&format!("/passage/{id}?q=sexting"));
    assert_eq!(status, 200);
    assert!(page.contains("class=\"this\""), "the passage is marked");
    // Paging in the API: page 2 of 5 is results 6 to 10.
    let (_, all) = server.json("/api/search?q=sexting&limit=10&per_record=0");
    let (_, second) = server.json("/api/search?q=sexting&limit=5&page=2&per_record=0");
    assert_eq!(hits(&second)[0]["id"], hits(&all)[5]["id"]);
}

#[test]
fn bad_requests_get_a_clear_400_or_404() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    for (path, status, message) in [
        ("/api/search", 400, "q is required"),
        (
            "/api/search?q=taxi&limit=0",
            400,
            "invalid limit \"0\": use a whole number from 1 to 100",
        ),
        (
            "/api/search?q=taxi&page=x",
            400,
            "\"x\" is not a whole number",
        ),
        ("/api/search?q=taxi&from=26%2F09%2F2017", 400, "26/09/2017"),
        (
            "/api/search?q=taxi&colour=red",
            400,
            "unknown parameter \"colour\"",
        ),
        (
            "/api/search?q=taxi+AND+OR+licence",
            400,
            "AND needs a term on each side",
        ),
        ("/api/search?q=taxi&council=Narnia", 400, "Narnia"),
        (
            "/api/compare?q=taxi&by=month",
            400,
            "unknown variant `month`, expected one of `council`, `committee`, `year`",
        ),
        ("/api/timeline", 400, "q is required"),
        (
            "/api/passage/..%2F..%2Fetc%2Fpasswd",
            400,
            "is not a passage id",
        ),
        (
            "/api/passage/00000000deadbeef",
            404,
            "no passage 00000000deadbeef",
        ),
        ("/api/nothing", 404, "nothing is served at /api/nothing"),
    ] {
        let (got, body) = server.json(path);
        assert_eq!(got, status, "{path}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(error.contains(message), "{path}: {error}");
    }
    // Pages say the same in HTML, keeping the form.
    let (status, content_type, page) = server.get("/?q=taxi&from=yesterday");
    assert_eq!(status, 400);
    assert!(content_type.starts_with("text/html"));
    assert!(page.contains("role=\"alert\"") && page.contains("yesterday"));
    let (status, _, page) = server.get("/nowhere");
    assert_eq!(status, 404);
    assert!(page.contains("nothing is served at /nowhere"));

    // An over-long query is refused before any search runs.
    let long = "taxi+".repeat(150);
    let (status, body) = server.json(&format!("/api/search?q={long}"));
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("the limit is 500"),
        "{body}"
    );
    let (status, _, page) = server.get(&format!("/?q={long}"));
    assert_eq!(status, 400);
    assert!(page.contains("the limit is 500"));
}

#[test]
fn markup_in_a_query_comes_back_escaped() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    // "<script>" OR sexting: finds the sexting passages, and the query is
    // shown in the query box and the summary.
    let query = "%22%3Cscript%3Ealert(1)%3C%2Fscript%3E%22+OR+sexting";
    for path in [
        format!("/?q={query}"),
        format!("/compare?q={query}"),
        format!("/timeline?q={query}"),
    ] {
        let (status, _, page) = server.get(&path);
        assert_eq!(status, 200, "{path}");
        assert!(!page.contains("<script"), "{path} let markup through");
        assert!(
            page.contains("value=\"&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; OR sexting\""),
            "{path}: the query box"
        );
    }
    let (_, _, page) = server.get(&format!("/?q={query}"));
    assert!(page.contains("<mark>sexting</mark>"), "results are shown");
    assert!(page.contains("<q>&quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; OR sexting</q>"));
    // Unquoted, it searches its word, and the page escapes what was typed.
    let (status, _, page) = server.get("/?q=%3Cscript%3E");
    assert_eq!(status, 200);
    assert!(!page.contains("<script"));
    assert!(page.contains("&lt;script&gt;"));
}

#[test]
fn a_record_indexed_while_serving_is_served_without_a_restart() {
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    let (_, before) = server.json("/api/search?q=quokkaboard");
    assert!(hits(&before).is_empty());

    std::fs::write(
        workspace
            .path()
            .join("corpus/wiltshire/2016-03-01-area-board.txt"),
        "Agenda item\n\nQuokka review\n\nThe quokkaboard reviewed taxi licensing checks.\n",
    )
    .unwrap();
    workspace.scrutiny(&["index"]).assert().success();

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, after) = server.json("/api/search?q=quokkaboard");
        if let Some(hit) = hits(&after).first() {
            assert_eq!(hit["source"]["key"], "wiltshire/2016-03-01-area-board.txt");
            break;
        }
        assert!(Instant::now() < deadline, "the new record was not served");
        std::thread::sleep(Duration::from_millis(100));
    }
}
