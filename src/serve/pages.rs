//! The web pages, written with maud: every piece of record text, query text
//! and parameter is escaped by the template; the only markup let through
//! unescaped is a snippet's `snippet_html`, which is escaped first and then
//! given its `<mark>` tags (see `snippet.rs`).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::compare::{Comparison, Facets, GroupBy, Timeline};
use crate::render::terminal::counted;
use crate::request::{self, Bounds, CompareRequest, SearchRequest, Selection};
use crate::search::{Hit, PassageInContext, SearchResults};
use crate::snippet::Highlighted;

/// The page's stylesheet, served at `/style.css`.
pub const STYLE: &str = include_str!("style.css");
/// The copy-citation button's script, served at `/copy.js`.
pub const COPY_SCRIPT: &str = include_str!("copy.js");

/// The frame every page shares: header, navigation, the main content.
/// The views' links keep the query and filters of the page they are on.
fn layout(title: &str, selection: &Selection, current: &str, content: Markup) -> Markup {
    let keep = if selection.query.is_none() {
        String::new()
    } else {
        format!("?{}", request::to_query_string(selection))
    };
    let link = |path: &str, label: &str| {
        let aria = (path == current).then_some("page");
        html! { a href={ (path) (keep) } aria-current=[aria] { (label) } }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — scrutiny" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                a class="skip" href="#content" { "Skip to results" }
                header {
                    a class="brand" href="/" { "scrutiny" }
                    nav aria-label="Views" {
                        (link("/", "Search"))
                        (link("/compare", "Compare"))
                        (link("/timeline", "Timeline"))
                        a href="/coverage" aria-current=[(current == "/coverage").then_some("page")] { "Coverage" }
                    }
                }
                main id="content" { (content) }
                footer { p { "Runs on this computer; nothing you search is sent anywhere." } }
            }
        }
    }
}

/// The query box and filters, filled in from the URL.
fn search_form(action: &str, selection: &Selection, councils: &[String], extra: Markup) -> Markup {
    let filters = &selection.filters;
    html! {
        form class="search" method="get" action=(action) role="search" {
            div class="query" {
                label for="q" { "Search the records" }
                input id="q" name="q" type="search" value=(selection.text())
                    maxlength=(Bounds::SERVER.query_chars) autofocus
                    placeholder="sexting, \"taxi driver\" licensing, CSE AND NOT training";
                button type="submit" { "Search" }
            }
            details class="filters" open[filters.any()] {
                summary { "Filters" }
                div class="fields" {
                    label {
                        "Council"
                        input name="council" list="councils"
                            value=(filters.councils.first().map(String::as_str).unwrap_or(""));
                    }
                    datalist id="councils" {
                        @for council in councils { option value=(council) {} }
                    }
                    label { "Committee" input name="committee" value=(filters.committee.as_deref().unwrap_or("")); }
                    label { "Officer" input name="officer" value=(filters.officer.as_deref().unwrap_or("")); }
                    label { "From" input name="from" type="date" value=(filters.from.map(|date| date.to_string()).unwrap_or_default()); }
                    label { "To" input name="to" type="date" value=(filters.to.map(|date| date.to_string()).unwrap_or_default()); }
                    label class="check" {
                        input name="resolutions" type="checkbox" value="1" checked[filters.resolutions];
                        "Only decisions (RESOLVED)"
                    }
                    (extra)
                }
            }
        }
    }
}

/// The search page: form, facets, ranked passages, paging.
/// `found` holds every passage up to the end of the requested page, and
/// one more when there is a next page.
pub fn search_page(
    request: &SearchRequest,
    councils: &[String],
    found: Option<(&SearchResults, &Facets)>,
) -> Markup {
    let selection = &request.selection;
    let query = selection.text();
    let title = if query.is_empty() {
        "Search".to_string()
    } else {
        format!("{query} — search")
    };
    let page_size = request.limit;
    let order = html! {
        label {
            "Order"
            select name="sort" {
                @for (value, label, sort) in [
                    ("relevance", "best match first", request::Sort::Relevance),
                    ("newest", "newest meeting first", request::Sort::Newest),
                    ("oldest", "oldest meeting first", request::Sort::Oldest),
                ] {
                    option value=(value) selected[request.sort == sort] { (label) }
                }
            }
        }
        label {
            "Passages per record"
            select name="per_record" {
                @for (value, label) in [(2, "2"), (1, "1"), (5, "5"), (0, "all")] {
                    option value=(value) selected[request.per_record == value] { (label) }
                }
            }
        }
    };
    let content = html! {
        (search_form("/", selection, councils, order))
        @if let Some((results, facets)) = found {
            @let first = (request.page - 1) * page_size;
            @let end = (first + page_size).min(results.hits.len());
            @let shown = &results.hits[first.min(end)..end];
            p class="summary" role="status" {
                @if shown.is_empty() {
                    "No passages match " q { (query) } "."
                } @else {
                    "Passages " (first + 1) "–" (first + shown.len()) " of "
                    (facets.total) " matching " q { (query) }
                    @if !results.expansions.is_empty() {
                        " (with "
                        @for (index, expansion) in results.expansions.iter().enumerate() {
                            @if index > 0 { "; " }
                            (expansion.term) " = " (expansion.alternatives.join(", "))
                        }
                        ")"
                    }
                    "."
                }
                @if !shown.is_empty() && results.total > results.total_all_words {
                    @let all = results.total_all_words;
                    @let some = results.total - all;
                    " " (all) @if all == 1 { " holds" } @else { " hold" } " every word; "
                    (some) @if some == 1 { " holds" } @else { " hold" } " only some, shown after."
                }
                @if results.undated_excluded > 0 {
                    " " (results.undated_excluded) " more passages match in records that state no meeting date; the date filter leaves them out."
                }
                @if !shown.is_empty() {
                    " Download every match: "
                    a href={ "/export.csv?" (request::to_query_string(selection)) } download { "CSV" }
                    ", "
                    a href={ "/export.jsonl?" (request::to_query_string(selection)) } download { "JSON lines" }
                    "."
                }
            }
            div class="results" {
                (facet_panel(request, facets))
                section aria-label="Results" {
                    ol class="hits" start=(first + 1) {
                        @for hit in shown {
                            li {
                                (hit_card(hit, query))
                                @if hit.more_in_record > 0 {
                                    p class="more" {
                                        a href={ "/?" (every_passage(request)) } {
                                            (hit.more_in_record) " more in this record"
                                        }
                                    }
                                }
                            }
                        }
                    }
                    (pager(request, results.hits.len() > first + page_size))
                }
            }
        }
    };
    layout(&title, selection, "/", content)
}

/// The request with every passage of each record shown.
fn every_passage(request: &SearchRequest) -> String {
    request::to_query_string(&SearchRequest {
        page: 1,
        per_record: 0,
        ..request.clone()
    })
}

/// The request as a query string for links to its first page.
fn first_page(request: &SearchRequest) -> String {
    request::to_query_string(&SearchRequest {
        page: 1,
        ..request.clone()
    })
}

fn facet_panel(request: &SearchRequest, facets: &Facets) -> Markup {
    let base = first_page(request);
    let filters = &request.selection.filters;
    html! {
        aside class="facets" aria-label="Narrow the search" {
            @if !facets.councils.is_empty() {
                h2 { "Council" }
                ul {
                    @for (council, count) in &facets.councils {
                        li {
                            @if filters.councils.iter().any(|chosen| chosen.eq_ignore_ascii_case(council)) {
                                span class="chosen" { (council) " " span class="count" { (count) } }
                            } @else {
                                a class="facet" data-facet="council"
                                    href={ "/?" (base) "&" (pair("council", council)) } {
                                    (council) " " span class="count" { (count) }
                                }
                            }
                        }
                    }
                }
            }
            @if !facets.committees.is_empty() {
                h2 { "Committee" }
                ul {
                    @for (committee, count) in &facets.committees {
                        li {
                            a class="facet" data-facet="committee"
                                href={ "/?" (without(request, "committee")) "&" (pair("committee", committee)) } {
                                (committee) " " span class="count" { (count) }
                            }
                        }
                    }
                }
            }
            @if !facets.years.is_empty() || facets.undated > 0 {
                h2 { "Year" }
                ul {
                    @for (year, count) in &facets.years {
                        li {
                            a class="facet" data-facet="year"
                                href={ "/?" (without(request, "year")) "&from=" (year) "-01-01&to=" (year) "-12-31" } {
                                (year) " " span class="count" { (count) }
                            }
                        }
                    }
                    @if facets.undated > 0 {
                        li { "undated " span class="count" { (facets.undated) } }
                    }
                }
            }
        }
    }
}

/// The query string of `request` without the filter a facet replaces.
fn without(request: &SearchRequest, facet: &str) -> String {
    let mut request = request.clone();
    let filters = &mut request.selection.filters;
    match facet {
        "committee" => filters.committee = None,
        "year" => {
            filters.from = None;
            filters.to = None;
        }
        _ => {}
    }
    first_page(&request)
}

fn pair(name: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish()
}

/// One ranked passage with its citation.
fn hit_card(hit: &Hit, query: &str) -> Markup {
    let topic = hit.topic.as_deref().unwrap_or("(untitled item)");
    html! {
        article class="hit" {
            h3 {
                a href={ "/passage/" (hit.id) "?" (pair("q", query)) } {
                    @if let Some(item) = &hit.item { (item) ". " }
                    (PreEscaped(Highlighted {
                        text: topic.to_string(),
                        ranges: hit.topic_highlights.clone(),
                    }.to_html()))
                }
            }
            p class="meta" {
                span class="council" { (hit.council.as_deref().unwrap_or("council unknown")) }
                " · " (hit.committee.as_deref().unwrap_or("committee unknown"))
                " · " (hit.date.as_deref().unwrap_or("undated"))
            }
            @if hit.resolution { p class="decision" { "Decision" } }
            @if hit.partial { p class="partial" { "Some of your words" } }
            p class="snippet" { (PreEscaped(&hit.snippet_html)) }
            (citation(hit))
            @if !hit.also_in.is_empty() {
                details class="also" {
                    summary { "Also in " (hit.also_in.len()) " other place" @if hit.also_in.len() > 1 { "s" } }
                    ul {
                        @for place in &hit.also_in {
                            li {
                                a href={ "/passage/" (place.id) } { (place.source.key) ":" (place.source.place()) }
                                " · " (place.council.as_deref().unwrap_or("council unknown"))
                                " · " (place.date.as_deref().unwrap_or("undated"))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn citation(hit: &Hit) -> Markup {
    html! {
        p class="cite" {
            span class="source" { (hit.source.key) ":" (hit.source.place()) }
            @if !hit.officers.is_empty() {
                " · officers: "
                @for (index, officer) in hit.officers.iter().enumerate() {
                    @if index > 0 { "; " }
                    (officer.display())
                }
            }
            @if let Some(url) = &hit.url {
                @if url.starts_with("https://") || url.starts_with("http://") {
                    " · " a href=(url) rel="noreferrer" { "published page" }
                }
            }
        }
    }
}

fn pager(request: &SearchRequest, more: bool) -> Markup {
    let base = first_page(request);
    let page = request.page;
    html! {
        nav class="pager" aria-label="Pages of results" {
            @if page > 1 {
                a rel="prev" href={ "/?" (base) "&page=" (page - 1) } { "← Previous" }
            }
            span { "Page " (page) }
            @if more && page < Bounds::SERVER.page {
                a rel="next" href={ "/?" (base) "&page=" (page + 1) } { "Next →" }
            }
        }
    }
}

/// A passage inside its whole agenda item.
pub fn passage_page(found: &PassageInContext, query: &str) -> Markup {
    let hit = &found.passage;
    let topic = hit.topic.as_deref().unwrap_or("(untitled item)");
    let content = html! {
        article class="passage" {
            h1 { @if let Some(item) = &hit.item { (item) ". " } (topic) }
            dl class="record" {
                dt { "Council" } dd { (hit.council.as_deref().unwrap_or("unknown")) }
                dt { "Committee" } dd { (hit.committee.as_deref().unwrap_or("unknown")) }
                dt { "Meeting" } dd { (hit.date.as_deref().unwrap_or("undated")) }
                dt { "Source" } dd { (hit.source.key) ":" (hit.source.place()) }
                @if !hit.officers.is_empty() {
                    dt { "Officers" }
                    dd { @for (index, officer) in hit.officers.iter().enumerate() {
                        @if index > 0 { "; " } (officer.display())
                    } }
                }
                @if let Some(url) = &hit.url {
                    dt { "Published at" } dd { (url) }
                }
            }
            div class="citation" {
                label for="citation" { "Cite as" }
                textarea id="citation" readonly rows="3" { (found.citation) }
                button type="button" data-copy="citation" hidden { "Copy citation" }
            }
            @for part in &found.item {
                @if part.id == hit.id {
                    section class="this" id="passage" aria-label="The passage found" {
                        p class="place" { (part.source.place()) }
                        @for paragraph in part.text.split("\n\n") { p { (paragraph) } }
                    }
                } @else {
                    section {
                        p class="place" { (part.source.place()) }
                        @for paragraph in part.text.split("\n\n") { p { (paragraph) } }
                    }
                }
            }
        }
    };
    let content = html! { (content) script src="/copy.js" defer {} };
    layout(topic, &Selection::of(query), "", content)
}

/// The compare view: one column per council, committee or year.
pub fn compare_page(
    request: &CompareRequest,
    councils: &[String],
    comparison: Option<&Comparison>,
) -> Markup {
    let selection = &request.selection;
    let by = html! {
        label {
            "Side by side by"
            select name="by" {
                @for (value, label) in [("council", "council"), ("committee", "committee"), ("year", "year")] {
                    option value=(value) selected[by_name(request.by) == value] { (label) }
                }
            }
        }
    };
    let content = html! {
        (search_form("/compare", selection, councils, by))
        @if let Some(comparison) = comparison {
            p class="summary" role="status" {
                (counted(comparison.total, "passage")) " mention" @if comparison.total == 1 { "s" } " " q { (selection.text()) }
                " in " (counted(comparison.groups.len(), "group")) "."
            }
            div class="columns" {
                @for group in &comparison.groups {
                    section class="column" aria-label=(group.key.as_deref().unwrap_or("none stated")) {
                        h2 { (group.key.as_deref().unwrap_or("none stated")) }
                        p class="meta" {
                            span class="count" { (group.count) } " passage" @if group.count != 1 { "s" }
                            @if let (Some(first), Some(last)) = (&group.first_date, &group.last_date) {
                                @if first == last { " · " (first) } @else { " · " (first) " to " (last) }
                            }
                            @if group.undated > 0 { " · " (group.undated) " undated" }
                        }
                        @for hit in &group.hits { (hit_card(hit, selection.text())) }
                    }
                }
            }
        }
    };
    layout("Compare", selection, "/compare", content)
}

fn by_name(by: GroupBy) -> &'static str {
    match by {
        GroupBy::Council => "council",
        GroupBy::Committee => "committee",
        GroupBy::Year => "year",
    }
}

/// The timeline view: how often the query came up per year and council.
pub fn timeline_page(
    selection: &Selection,
    councils: &[String],
    timeline: Option<&Timeline>,
) -> Markup {
    let query = selection.text();
    let content = html! {
        (search_form("/timeline", selection, councils, html! {}))
        @if let Some(timeline) = timeline {
            @if timeline.years.is_empty() {
                p class="summary" role="status" { "No dated passages match " q { (query) } "." }
            } @else {
                p class="summary" role="status" {
                    "Passages matching " q { (query) } " per meeting year and council. "
                    a href={ "/timeline.svg?" (request::to_query_string(selection)) } download="timeline.svg" { "Download the chart (SVG)" }
                }
                figure class="chart" {
                    (PreEscaped(super::chart::svg(timeline)))
                    figcaption { "Each bar is one council's matching passages in one year." }
                }
                table class="counts" {
                    caption { "The same counts as a table" }
                    thead { tr { th scope="col" { "Council" } @for year in &timeline.years { th scope="col" { (year) } } th scope="col" { "Undated" } } }
                    tbody {
                        @for line in &timeline.councils {
                            tr {
                                th scope="row" { (line.council.as_deref().unwrap_or("none stated")) }
                                @for year in &timeline.years { td { (line.years.get(year).copied().unwrap_or(0)) } }
                                td { (line.undated) }
                            }
                        }
                    }
                }
            }
        }
    };
    layout("Timeline", selection, "/timeline", content)
}

/// A page that says what went wrong, keeping the form so it can be fixed.
pub fn error_page(selection: &Selection, message: &str) -> Markup {
    let content = html! {
        (search_form("/", selection, &[], html! {}))
        div class="error" role="alert" { h1 { "That search cannot run" } p { (message) } }
    };
    layout("Error", selection, "", content)
}

/// The page for an address that is not one of the server's.
pub fn not_found_page(what: &str) -> Markup {
    let content = html! {
        div class="error" role="alert" { h1 { "Not found" } p { (what) } p { a href="/" { "Back to search" } } }
    };
    layout("Not found", &Selection::default(), "", content)
}

/// The coverage ledger: per council, what the index holds; then the files
/// that could not be read.
pub fn coverage_page(coverage: &crate::coverage::Coverage) -> Markup {
    let content = html! {
        h1 { "What the index covers" }
        p class="summary" {
            (coverage.records) " records and " (coverage.passages) " passages. "
            (coverage.undated_records) " records state no meeting date: a search finds them, but a date filter leaves them out."
        }
        table class="counts coverage" {
            caption { "Records per council" }
            thead {
                tr {
                    th scope="col" { "Council" } th scope="col" { "Records" } th scope="col" { "Passages" }
                    th scope="col" { "First meeting" } th scope="col" { "Last meeting" }
                    th scope="col" { "Undated records" } th scope="col" { "Committees" }
                }
            }
            tbody {
                @for council in &coverage.councils {
                    tr {
                        th scope="row" { (council.council.as_deref().unwrap_or("(not stated)")) }
                        td { (council.records) } td { (council.passages) }
                        td { (council.first_date.as_deref().unwrap_or("–")) }
                        td { (council.last_date.as_deref().unwrap_or("–")) }
                        td { (council.undated_records) }
                        td class="text" { (council.committees.join("; ")) }
                    }
                }
            }
        }
        h2 { "Files that could not be indexed" }
        @if coverage.failures.is_empty() {
            p { "None: every record file in the corpus was indexed." }
        } @else {
            ul class="failures" {
                @for failure in &coverage.failures {
                    li { code { (failure.key) } ": " (failure.reason) }
                }
            }
        }
        @if !coverage.skipped.is_empty() {
            h2 { "Paths passed over" }
            ul class="failures" {
                @for skipped in &coverage.skipped {
                    li { code { (skipped.key) } ": " (skipped.reason) }
                }
            }
        }
    };
    layout("Coverage", &Selection::default(), "/coverage", content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Group;
    use crate::search::Source;

    fn hit(id: &str) -> Hit {
        let snippet = Highlighted {
            text: "the taxi drivers".into(),
            ranges: vec![[4, 8]],
        };
        Hit {
            id: id.into(),
            council: Some("Worcestershire".into()),
            committee: Some("Children and Families O&S Panel".into()),
            date: Some("2019-01-15".into()),
            kind: "minutes".into(),
            topic: Some("Child Sexual Exploitation".into()),
            item: Some("5".into()),
            officers: Vec::new(),
            source: Source {
                path: "corpus/worcestershire/003.txt".into(),
                key: "worcestershire/003.txt".into(),
                lines: [14, 15],
                pages: None,
            },
            url: None,
            score: 1.0,
            snippet_html: snippet.to_html(),
            snippet: snippet.text,
            highlights: snippet.ranges,
            snippet_field: "body".into(),
            topic_highlights: Vec::new(),
            text: "the taxi drivers".into(),
            resolution: false,
            also_in: Vec::new(),
            standard: false,
            more_in_record: 0,
            partial: false,
        }
    }

    fn results(hits: Vec<Hit>) -> SearchResults {
        SearchResults {
            query: "taxi".into(),
            total: hits.len(),
            total_all_words: hits.len(),
            expansions: Vec::new(),
            corrections: Vec::new(),
            searched_as: None,
            undated_excluded: 0,
            hits,
        }
    }

    fn facets(total: usize) -> Facets {
        Facets {
            total,
            ..Facets::default()
        }
    }

    #[test]
    fn record_text_is_escaped_and_only_the_snippet_marks_pass_through() {
        let mut hostile = hit("a1");
        hostile.topic = Some("<script>alert(1)</script>".into());
        hostile.council = Some("<b>Kent</b>".into());
        hostile.committee = Some("Licensing & \"Regulatory\"".into());
        let snippet = Highlighted {
            text: "<img src=x onerror=alert(1)> taxi".into(),
            ranges: vec![[29, 33]],
        };
        hostile.snippet_html = snippet.to_html();
        let html = hit_card(&hostile, "<q>").into_string();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("5. &lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;Kent&lt;/b&gt;"), "{html}");
        assert!(
            html.contains("Licensing &amp; &quot;Regulatory&quot;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt; <mark>taxi</mark>"),
            "{html}"
        );
        // The query in the link is percent-encoded.
        assert!(html.contains("href=\"/passage/a1?q=%3Cq%3E\""), "{html}");
    }

    #[test]
    fn a_hit_that_states_nothing_says_so() {
        let bare = Hit {
            council: None,
            committee: None,
            date: None,
            topic: None,
            item: None,
            ..hit("b2")
        };
        let html = hit_card(&bare, "taxi").into_string();
        assert!(html.contains(">(untitled item)</a>"), "{html}");
        assert!(
            html.contains(
                "<span class=\"council\">council unknown</span> · committee unknown · undated"
            ),
            "{html}"
        );
    }

    #[test]
    fn only_web_addresses_are_linked() {
        for (url, linked) in [
            ("https://example.org/minutes", true),
            ("http://example.org/minutes", true),
            ("javascript:alert(1)", false),
            ("file:///etc/passwd", false),
            ("data:text/html,<b>x</b>", false),
        ] {
            let with_url = Hit {
                url: Some(url.into()),
                ..hit("c3")
            };
            let html = citation(&with_url).into_string();
            assert_eq!(html.contains("published page"), linked, "{url}: {html}");
            if linked {
                assert!(
                    html.contains(&format!("<a href=\"{url}\" rel=\"noreferrer\">")),
                    "{html}"
                );
            } else {
                assert!(!html.contains("href"), "{url}: {html}");
            }
        }
    }

    #[test]
    fn the_pager_offers_only_the_pages_there_are() {
        let request = |page: usize| SearchRequest {
            page,
            ..SearchRequest::new("taxi", 10)
        };
        let first = pager(&request(1), true).into_string();
        assert!(!first.contains("rel=\"prev\""), "{first}");
        assert!(
            first.contains("<a rel=\"next\" href=\"/?q=taxi&amp;page=2\">Next →</a>"),
            "{first}"
        );
        let only = pager(&request(1), false).into_string();
        assert!(
            !only.contains("rel=\"prev\"") && !only.contains("rel=\"next\""),
            "{only}"
        );
        let last = pager(&request(3), false).into_string();
        assert!(
            last.contains("<a rel=\"prev\" href=\"/?q=taxi&amp;page=2\">← Previous</a>"),
            "{last}"
        );
        assert!(!last.contains("rel=\"next\""), "{last}");
        assert!(last.contains("<span>Page 3</span>"), "{last}");
        // No link to a page past the server's last.
        let limit = Bounds::SERVER.page;
        let edge = pager(&request(limit), true).into_string();
        assert!(!edge.contains("rel=\"next\""), "{edge}");
    }

    #[test]
    fn the_search_page_counts_the_passages_it_shows() {
        let hits: Vec<Hit> = (0..13).map(|n| hit(&format!("h{n}"))).collect();
        let request = SearchRequest {
            page: 2,
            ..SearchRequest::new("taxi", 10)
        };
        let found = results(hits);
        let html = search_page(&request, &[], Some((&found, &facets(13)))).into_string();
        assert!(
            html.contains("Passages 11–13 of 13 matching <q>taxi</q>."),
            "{html}"
        );
        assert!(html.contains("<ol class=\"hits\" start=\"11\">"), "{html}");
        assert_eq!(html.matches("<article class=\"hit\">").count(), 3);
        let past = SearchRequest { page: 3, ..request };
        let html = search_page(&past, &[], Some((&found, &facets(13)))).into_string();
        assert!(html.contains("No passages match <q>taxi</q>."), "{html}");
        assert!(!html.contains("<article"), "{html}");
    }

    #[test]
    fn the_compare_page_names_each_group_and_its_counts() {
        let comparison = Comparison {
            query: "taxi".into(),
            by: GroupBy::Council,
            total: 4,
            expansions: Vec::new(),
            groups: vec![
                Group {
                    key: Some("Worcestershire".into()),
                    count: 3,
                    undated: 0,
                    first_date: Some("2018-01-01".into()),
                    last_date: Some("2019-01-15".into()),
                    hits: vec![hit("d4")],
                },
                Group {
                    key: None,
                    count: 1,
                    undated: 1,
                    first_date: None,
                    last_date: None,
                    hits: vec![hit("e5")],
                },
            ],
        };
        let request = CompareRequest {
            selection: Selection::of("taxi"),
            ..CompareRequest::default()
        };
        let html = compare_page(&request, &[], Some(&comparison)).into_string();
        assert!(
            html.contains("4 passages mention <q>taxi</q> in 2 groups."),
            "{html}"
        );
        assert!(html.contains("<h2>Worcestershire</h2>"), "{html}");
        assert!(
            html.contains("<span class=\"count\">3</span> passages · 2018-01-01 to 2019-01-15</p>"),
            "{html}"
        );
        assert!(html.contains("<h2>none stated</h2>"), "{html}");
        assert!(
            html.contains("<span class=\"count\">1</span> passage · 1 undated</p>"),
            "{html}"
        );
    }
}
