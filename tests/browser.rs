//! The web page in a real browser: Debian's headless Chromium driven over
//! WebDriver (chromedriver) by thirtyfour. A person types "sexting" and sees
//! highlighted Staffordshire passages, narrows by a council facet, opens the
//! comparison of "taxi driver licensing" and the timeline chart. Each step
//! leaves a screenshot under `target/screenshots/` to look at.
//!
//! Without `chromium` and `chromedriver` the test fails, unless
//! `SCRUTINY_SKIP_MISSING_TOOLS=1` is set, when it says it was skipped.

mod util;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use util::{Server, Workspace};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "chromedriver";
/// How long the whole walk through the pages may take; it takes seconds.
const BROWSER_LIMIT: Duration = Duration::from_secs(180);

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, url }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn browser_available() -> bool {
    let chromium = Path::new(CHROMIUM).is_file();
    let driver = Command::new(CHROMEDRIVER)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if chromium && driver {
        return true;
    }
    util::missing_tool(
        "browser tests",
        &format!("they need {CHROMIUM} and {CHROMEDRIVER}, and one is not installed"),
        "apt-get install chromium chromium-driver",
    );
    false
}

fn screenshots() -> PathBuf {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Waits until `selector` matches at least `count` elements.
async fn wait_for(driver: &WebDriver, selector: &str, count: usize) -> Vec<WebElement> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found = driver.find_all(By::Css(selector)).await.unwrap();
        if found.len() >= count {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{selector}: {} of {count} elements",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn a_person_searches_narrows_compares_and_charts_in_chromium() {
    if !browser_available() {
        return;
    }
    let workspace = Workspace::with_corpus();
    let server = Server::start(&workspace);
    let chromedriver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let shots = screenshots();

    // The councils the comparison has, as the JSON API gives them.
    let (_, comparison) = server.json("/api/compare?q=taxi+driver+licensing&by=council");
    let mut expected_columns: Vec<String> = comparison["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["key"].as_str().unwrap_or("none stated").to_string())
        .collect();
    expected_columns.sort();
    let (_, found) = server.json("/api/search?q=sexting&limit=1");
    let passage_id = found["hits"][0]["id"].as_str().unwrap().to_string();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    // A browser that stops answering fails the test rather than hanging it.
    let walk = async {
        let mut capabilities = DesiredCapabilities::chrome();
        capabilities.set_binary(CHROMIUM).unwrap();
        for argument in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1280,1000",
        ] {
            capabilities.add_arg(argument).unwrap();
        }
        capabilities
            .add_arg(&format!("--user-data-dir={}", profile.path().display()))
            .unwrap();
        let driver = WebDriver::new(&chromedriver.url, capabilities)
            .await
            .expect("a Chromium session");

        // Type "sexting" and press Enter: Staffordshire passages, highlighted.
        driver.goto(format!("{}/", server.url)).await.unwrap();
        let input = driver.find(By::Id("q")).await.unwrap();
        input.send_keys("sexting" + Key::Enter).await.unwrap();
        let hits = wait_for(&driver, "article.hit", 3).await;
        let first = hits[0]
            .find(By::Css(".council"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(first, "Staffordshire");
        let marks = driver.find_all(By::Css(".snippet mark")).await.unwrap();
        // 11 marked words in the page's five snippets, two at most from
        // each record (the page's snapshot in
        // tests/snapshots/page_search_sexting.snap shows them).
        assert_eq!(marks.len(), 11, "highlights");
        let mut marked = Vec::new();
        for mark in &marks {
            marked.push(mark.text().await.unwrap().to_lowercase());
        }
        assert!(marked.iter().any(|word| word == "sexting"), "{marked:?}");
        assert!(driver
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("q=sexting"));
        driver
            .screenshot(&shots.join("search-sexting.png"))
            .await
            .unwrap();

        // Click a council facet: the results narrow to that council.
        driver.goto(format!("{}/?q=CSE", server.url)).await.unwrap();
        let before = wait_for(&driver, "article.hit", 1).await.len();
        let facet = driver
            .find(By::Css(
                "a.facet[data-facet=\"council\"][href*=\"Wiltshire\"]",
            ))
            .await
            .unwrap();
        facet.click().await.unwrap();
        wait_for(&driver, ".facets .chosen", 1).await;
        let councils = driver
            .find_all(By::Css("article.hit .council"))
            .await
            .unwrap();
        // Two passages from each of the five records mention CSE; Wiltshire's
        // 11 are one record's: two shown, the rest behind a link.
        assert_eq!(before, 10);
        assert_eq!(councils.len(), 2);
        let more = driver.find(By::Css("p.more a")).await.unwrap();
        assert_eq!(more.text().await.unwrap(), "9 more in this record");
        for council in &councils {
            assert_eq!(council.text().await.unwrap(), "Wiltshire");
        }
        assert!(driver
            .current_url()
            .await
            .unwrap()
            .as_str()
            .contains("council=Wiltshire"));
        driver
            .screenshot(&shots.join("search-narrowed.png"))
            .await
            .unwrap();

        // Compare "taxi driver licensing": one column per council.
        driver
            .goto(format!(
                "{}/compare?q=taxi+driver+licensing&by=council",
                server.url
            ))
            .await
            .unwrap();
        let columns = wait_for(&driver, "section.column", 2).await;
        let mut names = Vec::new();
        for column in &columns {
            names.push(
                column
                    .find(By::Tag("h2"))
                    .await
                    .unwrap()
                    .text()
                    .await
                    .unwrap(),
            );
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), columns.len(), "{names:?}");
        assert_eq!(names, expected_columns);
        driver
            .screenshot(&shots.join("compare-taxi.png"))
            .await
            .unwrap();

        // The timeline chart renders: an SVG with bars, drawn with a size.
        driver
            .goto(format!("{}/timeline?q=sexting", server.url))
            .await
            .unwrap();
        let bars = wait_for(&driver, "svg.timeline rect.bar", 1).await;
        let size = bars[0].rect().await.unwrap();
        assert!(size.height > 0.0 && size.width > 0.0, "{size:?}");
        let chart = driver.find(By::Css("svg.timeline")).await.unwrap();
        assert!(chart.rect().await.unwrap().width > 100.0);
        driver
            .screenshot(&shots.join("timeline-sexting.png"))
            .await
            .unwrap();

        // A passage page: the copy button copies its citation.
        driver
            .goto(format!("{}/passage/{passage_id}?q=sexting", server.url))
            .await
            .unwrap();
        let copy = wait_for(&driver, "button[data-copy]", 1).await;
        assert!(
            copy[0].is_displayed().await.unwrap(),
            "the script showed the button"
        );
        copy[0].click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while copy[0].text().await.unwrap() != "Copied" {
            assert!(Instant::now() < deadline, "the button never said Copied");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
            .screenshot(&shots.join("passage-citation.png"))
            .await
            .unwrap();

        // On a phone-sized screen the page is one column: results start at
        // the left edge and the facets follow them.
        driver.set_window_rect(0, 0, 390, 844).await.unwrap();
        driver
            .goto(format!("{}/?q=sexting", server.url))
            .await
            .unwrap();
        wait_for(&driver, "article.hit", 1).await;
        let results = driver
            .find(By::Css("section[aria-label=\"Results\"]"))
            .await
            .unwrap()
            .rect()
            .await
            .unwrap();
        let facets = driver
            .find(By::Css("aside.facets"))
            .await
            .unwrap()
            .rect()
            .await
            .unwrap();
        assert!(results.x < 40.0, "{results:?}");
        assert!(
            facets.y > results.y,
            "facets {facets:?} results {results:?}"
        );
        driver
            .screenshot(&shots.join("search-narrow.png"))
            .await
            .unwrap();

        driver.quit().await.unwrap();
    };
    runtime
        .block_on(async { tokio::time::timeout(BROWSER_LIMIT, walk).await })
        .unwrap_or_else(|_| panic!("the browser walk did not finish within {BROWSER_LIMIT:?}"));
}
