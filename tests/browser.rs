//! The search page in headless Chromium, driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`; fantoccini as the client): type a query,
//! click a facet, check the citation each copy button carries in two formats,
//! use the keyboard, open the reader, and see hostile document text shown as
//! text. Screenshots at desktop and phone widths go to
//! `$CARGO_TARGET_TMPDIR/browser/` for a person to look at.
//!
//! Without Chromium the test says SKIP loudly; with `CI=true` it fails.

mod common;
use common::serve::Served;
use common::Env;

use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMEDRIVER: [&str; 2] = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"];
const CHROMIUM: [&str; 2] = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

fn find(paths: &[&str]) -> Option<PathBuf> {
    paths.iter().map(PathBuf::from).find(|p| p.exists())
}

/// Chromedriver on a free port; killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(driver: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // A process group of its own, so that the browser it starts goes with it even when a check panics.
        let child = Command::new(driver).arg(format!("--port={port}")).process_group(0).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start chromedriver");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the process group this test started (chromedriver and its browser).
        unsafe { libc::kill(-(self.child.id() as libc::pid_t), libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Evaluates `expr` (a JavaScript expression) in the page.
async fn js(c: &Client, expr: &str) -> Value {
    c.execute(&format!("return ({expr});"), vec![]).await.unwrap_or_else(|e| panic!("`{expr}`: {e}"))
}

/// Waits until `expr` is truthy in the page.
async fn wait(c: &Client, expr: &str, what: &str) {
    let started = Instant::now();
    loop {
        let v = js(c, expr).await;
        if v.as_bool().unwrap_or(!v.is_null() && v != json!(0) && v != json!("")) {
            return;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let state = js(c, "document.getElementById('summary').textContent + ' | ' + location.href").await;
            panic!("timed out waiting for {what} (`{expr}`); page: {state}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn screenshot(c: &Client, name: &str) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    let path = dir.join(name);
    std::fs::write(&path, png).unwrap();
    eprintln!("screenshot: {}", path.display());
}

#[test]
fn the_page_searches_filters_and_carries_citations() {
    let (Some(driver), Some(chromium)) = (find(&CHROMEDRIVER), find(&CHROMIUM)) else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium and chromium-driver are needed for tests/browser.rs under CI=true: apt-get install chromium chromium-driver");
        }
        eprintln!("\n*** SKIP tests/browser.rs: chromium and chromium-driver are not installed (apt-get install chromium chromium-driver) ***\n");
        return;
    };
    let env = Env::new();
    common::copy_seed_corpus(&env.corpus());
    common::serve::write_hostile_corpus(&env.corpus());
    let served = Served::start(&env.corpus(), &env.index(), &["--no-watch"]);
    let driver = Driver::start(&driver);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(drive(&served, &driver, &chromium));
}

async fn drive(served: &Served, driver: &Driver, chromium: &Path) {
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), json!({"binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]}));
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let c = ClientBuilder::new(connector).capabilities(caps).connect(&format!("http://127.0.0.1:{}", driver.port)).await.expect("a WebDriver session");
    page_checks(&c, served).await;
    let _ = c.close().await;
}

async fn page_checks(c: &Client, served: &Served) {
    c.goto(&served.url).await.unwrap();
    // Results as you type, and the query in the URL.
    let q = c.wait().for_element(Locator::Id("q")).await.unwrap();
    q.send_keys("cyber sovereignty").await.unwrap();
    wait(c, "document.querySelectorAll('.hit').length > 0 && location.search.includes('q=cyber+sovereignty')", "hits for the typed query").await;
    let total_before = js(c, "document.getElementById('summary').textContent").await;
    // More than a page of hits: "More results" appends the next page (offset).
    assert_eq!(js(c, "document.querySelectorAll('.hit').length").await, 20, "{total_before}");
    c.find(Locator::Id("more")).await.unwrap().click().await.unwrap();
    wait(c, "document.querySelectorAll('.hit').length > 20", "the next page").await;
    assert_eq!(js(c, "new Set(Array.from(document.querySelectorAll('.hit')).map(h => h.dataset.id)).size === document.querySelectorAll('.hit').length").await, true, "no hit twice");
    // Click a facet: the filter goes into the URL and every hit has the topic.
    let facet = c.find(Locator::Css("button.facet[data-facet='topic'][data-value='sovereignty']")).await.unwrap();
    facet.click().await.unwrap();
    wait(c, "location.search.includes('topic=sovereignty') && document.querySelector(\"button.facet[data-value='sovereignty']\").getAttribute('aria-pressed') === 'true'", "the facet to apply").await;
    wait(c, "Array.from(document.querySelectorAll('.hit')).every(h => h.querySelector(\".chip[data-topic='sovereignty']\"))", "filtered hits").await;
    assert_ne!(js(c, "document.getElementById('summary').textContent").await, total_before, "the facet narrowed the results");
    // Topic chips carry their explanation (shown on hover and focus).
    let topics = served.json("/api/topics").1;
    let description = topics["topics"].as_array().unwrap().iter().find(|t| t["id"] == "sovereignty").unwrap()["description"].clone();
    assert_eq!(js(c, "document.querySelector(\".hit .chip[data-topic='sovereignty'] [role=tooltip]\").textContent").await, description);
    assert_eq!(js(c, "document.getElementById(document.querySelector(\".hit .chip[data-topic='sovereignty']\").getAttribute('aria-describedby')).textContent").await, description);
    // The copy button carries the citation in the chosen format, as the API gives it.
    wait(c, "document.querySelector('.hit .copy').dataset.citation", "the first citation").await;
    let id = js(c, "document.querySelector('.hit').dataset.id").await.as_str().unwrap().to_string();
    let carried = js(c, "document.querySelector('.hit .copy').dataset.citation").await;
    let pandoc = served.get(&format!("/api/cite/{id}?format=pandoc")).body;
    assert_eq!(carried.as_str().unwrap(), pandoc.trim());
    assert!(pandoc.starts_with("[@"), "{pandoc}");
    c.find(Locator::Id("cite-format")).await.unwrap().select_by_value("oscola").await.unwrap();
    wait(c, "document.querySelector('.hit .copy').dataset.format === 'oscola'", "the OSCOLA citation").await;
    let oscola = served.get(&format!("/api/cite/{id}?format=text&style=oscola")).body;
    assert_eq!(js(c, "document.querySelector('.hit .copy').dataset.citation").await.as_str().unwrap(), oscola.trim());
    // Keyboard: ↓ from the search box to the first hit, Enter copies its citation.
    let q = c.find(Locator::Id("q")).await.unwrap();
    q.send_keys("\u{E015}").await.unwrap();
    wait(c, "document.activeElement.classList.contains('hit')", "the first hit to take focus").await;
    c.active_element().await.unwrap().send_keys("\u{E007}").await.unwrap();
    wait(c, "document.querySelector('.hit .copy').dataset.copied", "Enter to copy").await;
    wait(c, "document.getElementById('toast').textContent.length > 0", "the copy to be announced").await;
    // The reader opens the document at the passage.
    let passage_text = served.json(&format!("/api/passages/{id}")).1["passage"]["text"].as_str().unwrap().to_string();
    c.find(Locator::Css(".hit .read")).await.unwrap().click().await.unwrap();
    wait(c, "document.getElementById('reader').open && document.querySelector('.reader-passage.current')", "the reader").await;
    let current = js(c, "document.querySelector('.reader-passage.current').textContent").await;
    assert!(current.as_str().unwrap().contains(&passage_text), "the reader shows the passage");
    assert!(js(c, "location.search.includes('read=')").await.as_bool().unwrap());
    screenshot(c, "reader-desktop.png").await;
    c.find(Locator::Id("reader-close")).await.unwrap().click().await.unwrap();
    screenshot_pages(c, served).await;
    hostile_text_is_text(c, served).await;
}

async fn screenshot_pages(c: &Client, served: &Served) {
    c.goto(&format!("{}?q=cyber+norms&topic=sovereignty", served.url)).await.unwrap();
    wait(c, "document.querySelectorAll('.hit .copy[data-citation]').length > 0", "a bookmarked search to load").await;
    assert_eq!(js(c, "document.getElementById('q').value").await, "cyber norms", "the query is read from the URL");
    screenshot(c, "desktop.png").await;
    c.set_window_size(390, 844).await.unwrap();
    wait(c, "getComputedStyle(document.getElementById('filters-toggle')).display !== 'none'", "the phone layout").await;
    assert!(js(c, "document.documentElement.scrollWidth <= window.innerWidth + 1").await.as_bool().unwrap(), "nothing wider than a phone");
    screenshot(c, "phone.png").await;
    c.find(Locator::Id("filters-toggle")).await.unwrap().click().await.unwrap();
    wait(c, "getComputedStyle(document.getElementById('facets')).display !== 'none'", "the filters on a phone").await;
    screenshot(c, "phone-filters.png").await;
    c.set_window_size(1280, 900).await.unwrap();
}

async fn hostile_text_is_text(c: &Client, served: &Served) {
    c.goto(&format!("{}?q=ampersands", served.url)).await.unwrap();
    wait(c, "document.querySelectorAll('.hit').length > 0", "the hostile document's hit").await;
    let snippet = js(c, "document.querySelector('.hit .snippet').textContent").await;
    assert!(snippet.as_str().unwrap().contains("<script>alert(1)</script>") && snippet.as_str().unwrap().contains("<img src=x onerror=alert(2)>"), "{snippet}");
    let title = js(c, "document.querySelector('.hit .title').textContent").await;
    assert!(title.as_str().unwrap().contains("<img src=x onerror=alert(3)>"), "{title}");
    assert_eq!(js(c, "document.querySelectorAll('#hits script, #hits img, #hits [onerror]').length").await, 0, "no element made from document text");
    assert_eq!(js(c, "document.querySelectorAll('#hits mark').length > 0").await, true, "the highlight is markup");
    assert_eq!(js(c, "document.getElementById('more').offsetParent === null").await, true, "no \"More results\" when all are shown");
    // The reader shows it as text too (an alert would have made every WebDriver command fail).
    c.find(Locator::Css(".hit .read")).await.unwrap().click().await.unwrap();
    wait(c, "document.querySelector('.reader-passage.current')", "the reader").await;
    assert_eq!(js(c, "document.querySelectorAll('#reader script, #reader img').length").await, 0);
    assert!(js(c, "document.getElementById('reader-title').textContent").await.as_str().unwrap().contains("<img"));
    screenshot(c, "hostile.png").await;
}
