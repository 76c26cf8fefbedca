//! Rendered captures: a listing page through Debian's Chromium, with its DOM, a
//! full-page screenshot and every request the page made; no browser process left
//! behind, whatever happens to the browser.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use brandguard::crawl::Fetcher;
use brandguard::demo::{DemoOptions, DemoServer, Site};
use brandguard::render::{RenderError, Renderer};

/// Processes whose command line names `needle` (from /proc).
fn processes_with(needle: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmd) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmd = String::from_utf8_lossy(&cmd);
        // A zombie has an empty command line; a process being torn down may too.
        if cmd.contains(needle) {
            out.push(pid);
        }
    }
    out
}

/// Waits up to 5 s for every process naming `needle` to end.
async fn none_left(needle: &str) -> Vec<u32> {
    for _ in 0..50 {
        let left = processes_with(needle);
        if left.is_empty() {
            return left;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    processes_with(needle)
}

/// What the profile folder of a browser of this test process is named with.
fn ours() -> String {
    format!("brandguard-browser-{}-", std::process::id())
}

fn browser_available() -> bool {
    common::tool_available("chromium", "rendered captures")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_page_renders_to_dom_and_full_page_png() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let fetcher = Arc::new(Fetcher::new(&config.brand.crawl).unwrap());
    let truth = server.ground_truth();
    let item = truth
        .listings
        .iter()
        .find(|l| l.marketplace == "shopusa")
        .unwrap();
    let url = url::Url::parse(&format!("{}{}", server.base_url(Site::Shopusa), item.path)).unwrap();
    let renderer = Renderer::start(&config.brand.render, fetcher)
        .await
        .expect("chromium starts");
    let pid = renderer.pid().await.unwrap();
    let r = renderer.render(&url, &[]).await.expect("the page renders");
    assert!(r.png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    // PNG IHDR: width and height, big-endian, at bytes 16..24.
    let width = u32::from_be_bytes(r.png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(r.png[20..24].try_into().unwrap());
    assert_eq!(width, config.brand.render.viewport_width);
    assert_eq!(height, r.meta.captured_height);
    let dom = String::from_utf8(r.dom.clone()).unwrap();
    assert!(dom.contains(&item.listing_id), "the DOM is the listing's");
    assert_eq!(r.meta.document.as_ref().map(|d| d.status), Some(200));
    assert!(r.meta.browser.contains("Chrome/"), "{}", r.meta.browser);
    assert!(
        r.meta.user_agent.starts_with("brandguard"),
        "{}",
        r.meta.user_agent
    );
    assert!(
        r.meta
            .requests
            .iter()
            .any(|q| q.url == url.as_str() && q.status == Some(200)),
        "{:?}",
        r.meta.requests
    );
    // The browser asked the demo server as brandguard, through the rate limit.
    let asked: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|q| q.target == item.path)
        .collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(asked[0].user_agent.starts_with("brandguard"), "{asked:?}");
    renderer.close().await;
    let left = none_left(&ours()).await;
    assert!(
        left.is_empty(),
        "browser processes left: {left:?} (browser was {pid})"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_browser_costs_its_pages_and_leaves_no_process() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let fetcher = Arc::new(Fetcher::new(&config.brand.crawl).unwrap());
    let renderer = Renderer::start(&config.brand.render, fetcher)
        .await
        .unwrap();
    let pid = renderer.pid().await.unwrap();
    let url = url::Url::parse(&format!(
        "{}/search?q=acme&page=1",
        server.base_url(Site::Shopusa)
    ))
    .unwrap();
    renderer
        .render(&url, &[])
        .await
        .expect("renders before the kill");
    // SAFETY-free: kill(1) the browser as an outside crash would.
    std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    match renderer.render(&url, &[]).await {
        Err(RenderError::BrowserGone(_)) => {}
        other => panic!("expected BrowserGone, got {:?}", other.map(|r| r.meta)),
    }
    renderer.close().await;
    let left = none_left(&ours()).await;
    assert!(left.is_empty(), "browser processes left: {left:?}");
}

/// Browser tests one at a time: each checks that no browser process is left.
static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The demo with rendering of confirmed findings, scanned on nights 0 and 1 (a
/// finding is confirmed on its second night).
async fn two_nights(
    tune: impl FnOnce(&mut brandguard::config::Config),
) -> (
    brandguard::demo::DemoServer,
    brandguard::config::Config,
    tempfile::TempDir,
    brandguard::evidence::Store,
    Vec<brandguard::summary::ScanSummary>,
) {
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    config.override_render(brandguard::config::RenderMode::Findings);
    tune(&mut config);
    let (dir, store) = common::fresh_store();
    let mut summaries = Vec::new();
    for n in 0..2 {
        server.set_night(n);
        summaries.push(common::night(&config, &store, n).await);
    }
    (server, config, dir, store, summaries)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_findings_are_rendered_once_and_verified_like_snapshots() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, _config, dir, store, s) = two_nights(|_| {}).await;
    // Night 0 confirms nothing: no browser is started, nothing is rendered.
    assert_eq!(s[0].pages_rendered, 0, "{:?}", s[0].failures);
    // Night 1 confirms the findings seen twice: each listing rendered once.
    assert!(s[1].pages_rendered > 0, "{:?}", s[1].failures);
    assert_eq!(s[1].renders_failed, 0, "{:?}", s[1].failure_examples);
    let renders = store.renders().unwrap();
    assert_eq!(renders.len() as u64, s[1].pages_rendered);
    let listings: HashSet<_> = renders
        .iter()
        .map(|r| (r.marketplace.clone(), r.listing_id.clone()))
        .collect();
    assert_eq!(listings.len(), renders.len(), "one render per listing");
    // Every confirmed finding's listing has one, and it renders the very page the
    // finding was read from (same capture, same bytes).
    for f in store.findings().map(Result::unwrap) {
        let r = renders.iter().find(|r| {
            r.marketplace == f.finding.marketplace && r.listing_id == f.finding.listing_id
        });
        if f.times_seen >= 2 {
            let r = r.unwrap_or_else(|| panic!("no render of {}", f.key()));
            assert_eq!(r.snapshot_sha256, f.snapshot_sha256, "{}", f.key());
            let png = store.snapshot(&r.png.sha256).unwrap().unwrap();
            assert!(png.starts_with(b"\x89PNG"));
            let dom = String::from_utf8(store.snapshot(&r.dom.sha256).unwrap().unwrap()).unwrap();
            // The browser decoded the page (tmart's is GBK) and shows its title.
            let obs = store
                .latest(&f.finding.marketplace, &f.finding.listing_id)
                .unwrap()
                .unwrap();
            let title: String = obs
                .listing
                .title
                .unwrap_or_default()
                .chars()
                .take(6)
                .collect();
            assert!(
                !title.is_empty() && dom.contains(&title),
                "{}: {title}",
                f.key()
            );
            assert_eq!(r.meta.document.as_ref().map(|d| d.status), Some(200));
        }
    }
    let v = store.verify().expect("verifies");
    assert_eq!(v.renders, renders.len() as u64);
    // A third night of the same pages renders nothing again.
    server.set_night(1);
    let (_, mut config) = common::demo(&DemoOptions::default()).await;
    config.override_render(brandguard::config::RenderMode::Findings);
    for (name, url) in server.base_urls() {
        config.override_base_url(&name, &url).unwrap();
    }
    let again = common::night(&config, &store, 1).await;
    assert_eq!(
        again.pages_rendered, 0,
        "the same content is not rendered twice"
    );
    // Another night changes pages (prices, sellers): a listing rendered in its
    // case's current revision (no packet built since) is not rendered again, however
    // its bytes changed; listings flagged for the first time are.
    server.set_night(2);
    let next = common::night(&config, &store, 2).await;
    let renders = store.renders().unwrap();
    let listings: HashSet<_> = renders
        .iter()
        .map(|r| (r.marketplace.clone(), r.listing_id.clone()))
        .collect();
    assert_eq!(
        listings.len(),
        renders.len(),
        "still one render per listing"
    );
    assert_eq!(next.renders_failed, 0, "{:?}", next.failure_examples);
    assert!(none_left(&ours()).await.is_empty());
    let store = renders_are_found_by_their_index(&dir, store);
    an_altered_screenshot_byte_fails_verify(&dir, store);
}

/// Readers find renders through their entries in the `listings` tree (after 0xFE):
/// a store without them is indexed on first open with the same renders found;
/// `verify` finds an entry removed or moved to another listing.
fn renders_are_found_by_their_index(
    dir: &tempfile::TempDir,
    store: brandguard::evidence::Store,
) -> brandguard::evidence::Store {
    let of = |s: &brandguard::evidence::Store| -> Vec<(u64, String, String)> {
        s.renders()
            .unwrap()
            .into_iter()
            .map(|r| (r.log_seq, r.marketplace, r.listing_id))
            .collect()
    };
    let before = of(&store);
    assert!(before.len() > 1);
    let (_, m, l) = &before[0];
    let newest = store.latest_render(m, l).unwrap().expect("a render");
    assert_eq!(
        Some(newest.log_seq),
        before
            .iter()
            .filter(|(_, bm, bl)| bm == m && bl == l)
            .map(|(s, ..)| *s)
            .max()
    );
    drop(store);
    let path = dir.path().join("store");
    let edit = |f: &dyn Fn(&sled::Db)| {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        f(&db);
        db.flush().unwrap();
    };
    let entries = |db: &sled::Db| -> Vec<sled::IVec> {
        db.open_tree("listings")
            .unwrap()
            .scan_prefix([0xFE])
            .map(|r| r.unwrap().0)
            .collect()
    };
    // A store from before the index.
    edit(&|db| {
        let listings = db.open_tree("listings").unwrap();
        for k in entries(db) {
            listings.remove(k).unwrap();
        }
        db.open_tree("meta")
            .unwrap()
            .remove("render_index")
            .unwrap();
    });
    let store = brandguard::evidence::Store::open(&path).unwrap();
    assert_eq!(of(&store), before, "indexed again on open");
    store.verify().expect("the rebuilt index verifies");
    drop(store);
    // One entry removed, then one filed under another listing.
    let first = std::sync::Mutex::new(None);
    edit(&|db| {
        let k = entries(db).remove(0);
        db.open_tree("listings").unwrap().remove(&k).unwrap();
        *first.lock().unwrap() = Some(k);
    });
    let err = brandguard::evidence::Store::open(&path)
        .unwrap()
        .verify()
        .expect_err("a missing render entry is found")
        .to_string();
    assert!(
        err.contains("renders/") && err.contains("evidence rebuild"),
        "{err}"
    );
    let first = first.into_inner().unwrap().unwrap();
    let moved = {
        let mut k = b"\xFEother\0listing\0".to_vec();
        k.extend_from_slice(&first[first.len() - 8..]);
        k
    };
    edit(&|db| {
        let listings = db.open_tree("listings").unwrap();
        listings.insert(&first, &[]).unwrap();
        listings.insert(&moved, &[]).unwrap();
    });
    let err = brandguard::evidence::Store::open(&path)
        .unwrap()
        .verify()
        .expect_err("a moved render entry is found")
        .to_string();
    assert!(err.contains("no rendered capture of this listing"), "{err}");
    edit(&|db| {
        db.open_tree("listings").unwrap().remove(&moved).unwrap();
    });
    let store = brandguard::evidence::Store::open(&path).unwrap();
    store.verify().expect("restored");
    store
}

/// One byte flipped in a stored screenshot: `verify` names it.
fn an_altered_screenshot_byte_fails_verify(
    dir: &tempfile::TempDir,
    store: brandguard::evidence::Store,
) {
    let render = store
        .renders()
        .unwrap()
        .into_iter()
        .next()
        .expect("a render");
    drop(store);
    // Flip one byte of the stored PNG in its pack, as an attacker with the files would.
    let path = dir.path().join("store");
    common::flip_stored_byte(&path, &render.png.sha256);
    let store = brandguard::evidence::Store::open(&path).unwrap();
    let err = store.verify().expect_err("an altered screenshot is found");
    let msg = err.to_string();
    assert!(msg.contains(&render.png.sha256), "{msg}");
}

/// Kills this test's browsers as an outside crash would (the out-of-memory killer),
/// each once it has lived `after`, until `stop` is set or `times` were killed;
/// returns how many were.
async fn kill_browsers(
    times: usize,
    after: std::time::Duration,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> usize {
    let mut killed = 0;
    for _ in 0..2400 {
        if killed == times || stop.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
        if !processes_with(&ours()).is_empty() {
            tokio::time::sleep(after).await;
            for pid in processes_with(&ours()) {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
            killed += 1;
            none_left(&ours()).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    killed
}

/// The demo with rendering of confirmed findings, one tab (so the scan is still
/// rendering when its browser is killed), scanned on night 0.
async fn rendering_demo() -> (
    brandguard::demo::DemoServer,
    brandguard::config::Config,
    tempfile::TempDir,
    brandguard::evidence::Store,
) {
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    config.override_render(brandguard::config::RenderMode::Findings);
    config.brand.render.tabs = 1;
    let (dir, store) = common::fresh_store();
    server.set_night(0);
    common::night(&config, &store, 0).await;
    server.set_night(1);
    (server, config, dir, store)
}

/// A browser killed mid-scan (a crash, the out-of-memory killer) is started again
/// and the page it was rendering tried once more: the night loses no render.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_killed_mid_scan_is_started_again_and_loses_no_render() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (_server, config, _dir, store) = rendering_demo().await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let killer = tokio::spawn(kill_browsers(
        1,
        std::time::Duration::from_millis(1500),
        stop.clone(),
    ));
    let s = common::night(&config, &store, 1).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        killer.await.unwrap(),
        1,
        "the browser was started and killed"
    );
    assert!(s.pages_rendered > 0);
    assert_eq!(s.renders_failed, 0, "{:?}", s.failure_examples);
    store.verify().expect("the store verifies");
    assert!(none_left(&ours()).await.is_empty());
    // Nothing was left for the next scan to render.
    let next = common::night(&config, &store, 1).await;
    assert_eq!(next.pages_rendered, 0);
    assert_eq!(next.renders_failed, 0, "{:?}", next.failure_examples);
    assert!(none_left(&ours()).await.is_empty());
}

/// A browser that keeps dying is started again twice, then the scan goes on
/// without one: its pages are counted as failed renders, named, and the next
/// scan renders them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_keeps_dying_costs_its_pages_which_the_next_scan_renders() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (_server, config, _dir, store) = rendering_demo().await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let killer = tokio::spawn(kill_browsers(
        usize::MAX,
        std::time::Duration::from_millis(300),
        stop.clone(),
    ));
    let s = common::night(&config, &store, 1).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let killed = killer.await.unwrap();
    assert!(killed >= 1, "the browser was started and killed");
    assert!(killed <= 3 * 3, "{killed} browsers: the scan gives up");
    // The scan finished: every listing read, the findings recorded.
    let scanned: u64 = s.marketplaces.values().map(|m| m.listing_pages).sum();
    assert!(scanned >= 60, "{scanned} listing pages");
    assert!(s.renders_failed > 0, "{:?}", s.failures);
    let gone = s.failures.get("render_browser_gone").copied().unwrap_or(0);
    let unstarted = s.failures.get("render_browser_start").copied().unwrap_or(0);
    assert_eq!(gone + unstarted, s.renders_failed, "{:?}", s.failures);
    let named = s
        .failure_examples
        .iter()
        .filter(|e| e.contains("/item/") || e.contains("/itm/") || e.contains("/detail"))
        .count();
    assert!(
        named > 0,
        "the failed pages are named: {:?}",
        s.failure_examples
    );
    store.verify().expect("the store verifies");
    assert!(none_left(&ours()).await.is_empty());
    // The next scan renders what the killed browsers did not.
    let done_before = store.renders().unwrap().len() as u64;
    let next = common::night(&config, &store, 1).await;
    assert_eq!(next.renders_failed, 0, "{:?}", next.failure_examples);
    assert_eq!(next.pages_rendered, s.renders_failed);
    assert_eq!(
        store.renders().unwrap().len() as u64,
        done_before + s.renders_failed
    );
    assert!(none_left(&ours()).await.is_empty());
}

/// A packet's cover shows the screenshot of each rendered listing.
fn packet_cover_shows_the_screenshots(
    config: &brandguard::config::Config,
    dir: &tempfile::TempDir,
    store: &brandguard::evidence::Store,
) {
    let renders = store.renders().unwrap();
    let c = brandguard::case::all(store)
        .unwrap()
        .into_iter()
        .find(|c| {
            c.open_findings.iter().any(|k| {
                renders
                    .iter()
                    .any(|r| k.starts_with(&format!("{}/{}/", r.marketplace, r.listing_id)))
            })
        })
        .expect("a case with a rendered listing");
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let p = brandguard::report::packet::build(config, store, &c.id, None, &out).unwrap();
    // minijinja's HTML escaping writes `/` as `&#x2f;`, which a browser reads back.
    let cover = std::fs::read_to_string(p.dir.join("cover.html"))
        .unwrap()
        .replace("&#x2f;", "/");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("manifest.json")).unwrap()).unwrap();
    let shots: Vec<&serde_json::Value> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"].as_str().unwrap().ends_with(".png"))
        .collect();
    assert!(!shots.is_empty(), "the packet holds a screenshot");
    for f in &shots {
        let path = f["path"].as_str().unwrap();
        let sha = f["sha256"].as_str().unwrap();
        // The cover shows it, names its hash, and the hash is the stored PNG's.
        assert!(cover.contains(&format!("<img src=\"{path}\"")), "{path}");
        assert!(cover.contains(sha), "{sha}");
        assert!(renders.iter().any(|r| r.png.sha256 == sha));
        assert!(p.dir.join(path).exists());
        let dom = path.replace("screenshot-", "dom-").replace(".png", ".html");
        assert!(p.dir.join(&dom).exists(), "{dom}");
    }
    // Chromium shows the cover with the screenshot: its picture of the cover
    // differs from the same cover with the screenshot file taken away.
    let profile = tempfile::tempdir().unwrap();
    let picture = |name: &str| {
        let png = dir.path().join(name);
        let o = common::headless(
            &[
                &format!("--screenshot={}", png.display()),
                "--window-size=1000,3000",
                &format!("file://{}", p.dir.join("cover.html").display()),
            ],
            profile.path(),
        );
        assert!(png.exists(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(png).unwrap()
    };
    let with_shot = picture("cover-with.png");
    let first = shots[0]["path"].as_str().unwrap();
    std::fs::rename(p.dir.join(first), dir.path().join("aside.png")).unwrap();
    let without = picture("cover-without.png");
    assert_ne!(with_shot, without, "the cover shows the screenshot");
    std::fs::rename(dir.path().join("aside.png"), p.dir.join(first)).unwrap();
    if let Ok(keep) = std::env::var("BRANDGUARD_KEEP_COVER") {
        std::fs::copy(dir.path().join("cover-with.png"), keep).unwrap();
    }
}

/// The compliance report's violation rows name their listing's screenshot, which
/// `report compliance` writes beside them under its hash.
fn violations_link_their_screenshots(
    config: &brandguard::config::Config,
    dir: &tempfile::TempDir,
    store: &brandguard::evidence::Store,
) {
    use brandguard::report::compliance;
    let period = "2026-11".parse().unwrap();
    let report = compliance::build(config, store, period, None).unwrap();
    let out = dir.path().join("report");
    compliance::write(config, &report, period, &out).unwrap();
    let written = compliance::write_screenshots(store, &report, &out).unwrap();
    let renders = store.renders().unwrap();
    let mut linked = 0;
    for v in &report.violations {
        // A render of the evidence page, or of a capture that read its price and
        // seller: a render of the listing at another price is no picture of it.
        let history = store.history(&v.marketplace, &v.listing_id).unwrap();
        let offer = |seq: u64| {
            history
                .iter()
                .find(|o| o.capture_log_seq == seq)
                .map(|o| o.listing.offer())
        };
        let same_offer = |seq: u64| match (offer(v.capture_log_seq), offer(seq)) {
            (Some(evidence), Some(o)) => evidence.shown_otherwise(&o).is_empty(),
            _ => false,
        };
        let rendered = renders.iter().any(|r| {
            r.marketplace == v.marketplace
                && r.listing_id == v.listing_id
                && r.shows_otherwise.is_empty()
                && (r.snapshot_sha256 == v.evidence_sha256 || same_offer(r.capture_log_seq))
        });
        assert_eq!(
            v.screenshot_sha256.is_some(),
            rendered,
            "{}/{}",
            v.marketplace,
            v.listing_id
        );
        if let Some(sha) = &v.screenshot_sha256 {
            let png = std::fs::read(out.join("screenshots").join(format!("{sha}.png"))).unwrap();
            assert_eq!(&brandguard::evidence::sha256_hex(&png), sha);
            linked += 1;
        }
    }
    assert!(linked > 0 && written > 0, "{linked} rows, {written} files");
    let csv = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",screenshot_sha256"));
}

/// The WARC export holds each render beside the response it renders again.
fn the_warc_holds_each_render(dir: &tempfile::TempDir, store: &brandguard::evidence::Store) {
    let renders = store.renders().unwrap();
    let warc = dir.path().join("night.warc.gz");
    let mut file = std::fs::File::create(&warc).unwrap();
    let stats = brandguard::evidence::warc::export_gzip(store, &mut file).unwrap();
    drop(file);
    assert_eq!(stats.renders, renders.len() as u64);
    if !common::tool_available("warcio", "the WARC's digests with warcio") {
        return;
    }
    let check = std::process::Command::new("warcio")
        .args(["check", "-v"])
        .arg(&warc)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "warcio check: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    // warcio's index: each render's DOM resource and screenshot conversion, linked
    // to a response record of the export.
    let index = std::process::Command::new("warcio")
        .args([
            "index",
            "-f",
            "warc-type,warc-target-uri,warc-concurrent-to,warc-record-id,content-type",
        ])
        .arg(&warc)
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&index.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: HashSet<&str> = lines
        .iter()
        .filter(|l| matches!(l["warc-type"].as_str(), Some("response" | "revisit")))
        .filter_map(|l| l["warc-record-id"].as_str())
        .collect();
    for (kind, urn, mime) in [
        ("resource", "urn:dom:", "text/html; charset=utf-8"),
        ("conversion", "urn:screenshot:", "image/png"),
    ] {
        let recs: Vec<_> = lines.iter().filter(|l| l["warc-type"] == kind).collect();
        assert_eq!(recs.len(), renders.len(), "{kind}");
        for r in recs {
            assert!(
                r["warc-target-uri"].as_str().unwrap().starts_with(urn),
                "{r}"
            );
            assert_eq!(r["content-type"], mime);
            let to = r["warc-concurrent-to"].as_str().unwrap_or("");
            assert!(
                ids.contains(to),
                "{kind} concurrent to {to:?}, no response of the file"
            );
        }
    }
}

/// The demo with every shopusa item page a script shell (`js-shell` fault): the
/// listing is filled in by the page's script after load, as on a JavaScript
/// storefront.
async fn shell_market(
    shopusa: brandguard::config::RenderMode,
    reveal: bool,
) -> (
    brandguard::summary::ScanSummary,
    brandguard::demo::Detection,
    Vec<brandguard::evidence::RenderRecord>,
    Option<String>,
) {
    let (server, mut config) = common::demo(&DemoOptions {
        faults: vec![(
            Site::Shopusa,
            brandguard::demo::Fault::Wall {
                wall: brandguard::demo::Wall::JsShell,
                percent: 100,
            },
        )],
        ..DemoOptions::default()
    })
    .await;
    for m in &mut config.marketplaces {
        if m.name == "shopusa" {
            m.render = Some(shopusa);
            if !reveal {
                m.reveal.clear();
            }
        }
    }
    let (_dir, store) = common::fresh_store();
    let s = common::scan(&config, &store).await;
    store.verify().expect("verifies");
    let truth = server.ground_truth();
    let detection = brandguard::scan::demo_report(&store, &s, &truth)
        .unwrap()
        .detection;
    let renders = store.renders().unwrap();
    // The first shopusa listing's app shows its seller only after "Show seller".
    let catalog = server.catalog();
    let first = catalog.on(Site::Shopusa).next().unwrap().id.clone();
    let seller = store
        .latest("shopusa", &first)
        .unwrap()
        .and_then(|o| o.listing.seller.name);
    (s, detection, renders, seller)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_javascript_storefront_is_read_only_when_rendered() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    use brandguard::config::RenderMode;
    // Fetched bytes only: every shopusa page is a shell, nothing is read from it,
    // and the night says so.
    let (s, d, renders, _) = shell_market(RenderMode::Never, true).await;
    assert!(renders.is_empty());
    assert!(
        s.failures.get("js_shell").copied().unwrap_or(0) >= 24,
        "{:?}",
        s.failures
    );
    assert!(
        s.not_looked.contains(&"shopusa".to_string()),
        "{:?}",
        s.not_looked
    );
    assert!(d.recall < 1.0, "shells hid shopusa's findings: {d:?}");
    assert_eq!(d.precision, 1.0, "{:?}", d.false_positives);
    // Rendered: every listing read from the DOM its script built.
    let (s, d, renders, seller) = shell_market(RenderMode::Always, true).await;
    assert!(
        seller.is_some(),
        "the seller shown after the click was read"
    );
    let clicked: Vec<_> = renders
        .iter()
        .filter(|r| !r.meta.clicked.is_empty())
        .collect();
    assert_eq!(clicked.len(), 1, "one page needed the click");
    assert_eq!(clicked[0].meta.clicked, ["button.show-seller"]);
    assert!(s.failures.is_empty(), "{:?}", s.failure_examples);
    assert!(s.not_looked.is_empty(), "{:?}", s.not_looked);
    assert_eq!((d.precision, d.recall), (1.0, 1.0), "{d:?}");
    let shopusa = s.marketplaces["shopusa"].listing_pages;
    assert_eq!(
        renders.len() as u64,
        shopusa,
        "one render per shopusa listing page"
    );
    assert_eq!(s.pages_rendered, shopusa);
    for r in &renders {
        assert_eq!(r.marketplace, "shopusa");
        assert!(!r.listing_id.is_empty());
        // The page's script fetched the listing: the render's requests show it.
        assert!(
            r.meta
                .requests
                .iter()
                .any(|q| q.url.contains("/_app/render/item/") && q.status == Some(200)),
            "{:?}",
            r.meta.requests
        );
    }
    // Without the click, that page is read without its seller.
    let (_, _, _, seller) = shell_market(RenderMode::Always, false).await;
    assert_eq!(seller, None, "no click, no seller");
    assert!(none_left(&ours()).await.is_empty());
}

/// `evidence merge` copies a shard store's renders.
fn a_merge_keeps_the_renders(
    config: &brandguard::config::Config,
    dir: &tempfile::TempDir,
    shard: brandguard::evidence::Store,
) {
    let renders = shard.renders().unwrap();
    assert!(!renders.is_empty());
    let shard_path = dir.path().join("store");
    let target_dir = tempfile::tempdir().unwrap();
    let target = brandguard::evidence::Store::open(&target_dir.path().join("store")).unwrap();
    let shards = vec![(shard_path, shard)];
    brandguard::scan::merge::merge(config, &target, &shards).expect("merges");
    let copied = target.renders().unwrap();
    assert_eq!(copied.len(), renders.len());
    for (a, b) in renders.iter().zip(&copied) {
        assert_eq!(
            (&a.marketplace, &a.listing_id),
            (&b.marketplace, &b.listing_id)
        );
        assert_eq!(a.png.sha256, b.png.sha256);
        assert_eq!(a.dom.sha256, b.dom.sha256);
        assert_eq!(a.meta, b.meta);
        // It names the capture as the target holds it, of the same page.
        let cap = target.log_record(b.capture_log_seq).unwrap().unwrap();
        assert_eq!(cap.kind, "capture");
    }
    let v = target.verify().expect("the merged store verifies");
    assert_eq!(v.renders, renders.len() as u64);
    // Merging again copies nothing twice.
    brandguard::scan::merge::merge(config, &target, &shards).expect("merges again");
    assert_eq!(target.renders().unwrap().len(), renders.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rendered_night_goes_into_packets_the_warc_and_merges() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (_server, config, dir, store, _) = two_nights(|_| {}).await;
    packet_cover_shows_the_screenshots(&config, &dir, &store);
    violations_link_their_screenshots(&config, &dir, &store);
    the_warc_holds_each_render(&dir, &store);
    a_merge_keeps_the_renders(&config, &dir, store);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_never_answers_times_out_and_the_browser_carries_on() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    config.brand.render.timeout_secs = 5;
    // A host whose robots.txt allows everything and whose pages never come.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    let held = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut open = Vec::new();
        while let Ok((mut sock, _)) = silent.accept().await {
            let mut buf = [0u8; 2048];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            if String::from_utf8_lossy(&buf[..n]).starts_with("GET /robots.txt") {
                let body = "User-agent: *\nAllow: /\n";
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = sock.write_all(format!("{head}{body}").as_bytes()).await;
            } else {
                open.push(sock);
            }
        }
    });
    let fetcher = Arc::new(Fetcher::new(&config.brand.crawl).unwrap());
    let renderer = Renderer::start(&config.brand.render, fetcher)
        .await
        .unwrap();
    let hung = url::Url::parse(&format!("http://{addr}/item/1")).unwrap();
    let started = std::time::Instant::now();
    let outcome = renderer.render(&hung, &[]).await;
    assert!(
        matches!(outcome, Err(RenderError::Timeout { .. })),
        "{:?}",
        outcome.map(|r| r.meta)
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    renders_the_next_page_and_closes(renderer, &server).await;
    held.abort();
}

/// After a page that failed: the browser still renders a demo page, and closing
/// it leaves no process behind.
async fn renders_the_next_page_and_closes(renderer: Renderer, server: &DemoServer) {
    let ok = url::Url::parse(&format!(
        "{}/search?q=acme&page=1",
        server.base_url(Site::Shopusa)
    ))
    .unwrap();
    renderer
        .render(&ok, &[])
        .await
        .expect("the next page renders");
    renderer.close().await;
    assert!(none_left(&ours()).await.is_empty());
}

/// A case confirmed on a night that rendered nothing (`render = "never"` then):
/// before its packet is built, its listings are rendered and the cover shows
/// them; a listing whose page the browser cannot be shown is named, with nothing
/// recorded for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_packet_renders_its_listings_that_have_no_render_yet() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, mut config, dir, store, s) =
        two_nights(|c| c.override_render(brandguard::config::RenderMode::Never)).await;
    assert_eq!(s[1].pages_rendered, 0);
    assert!(store.renders().unwrap().is_empty());
    config.override_render(brandguard::config::RenderMode::Findings);
    let opts = brandguard::report::packet::BuildOptions::default();
    let cases = brandguard::case::all(&store).unwrap();
    let mut wanted = Vec::new();
    for c in &cases {
        if let Ok(pages) = brandguard::report::packet::pages_to_render(&config, &store, &c.id, opts)
            && !pages.is_empty()
        {
            wanted.push((c.id.clone(), pages));
        }
    }
    assert!(
        wanted.len() >= 2,
        "cases with confirmed findings: {wanted:?}"
    );
    let filed = repriced_on_night_2(&wanted);
    let (case, pages) = &wanted[filed];
    let done = brandguard::scan::render_pages(&config, &store, pages)
        .await
        .expect("renders");
    assert_eq!(done.rendered, pages.len(), "{:?}", done.failed);
    let renders = store.renders().unwrap();
    for p in pages {
        let r = renders
            .iter()
            .find(|r| r.listing_id == p.listing_id && r.marketplace == p.marketplace)
            .expect("recorded");
        // Beside the very capture the packet cites, outside any scan.
        assert_eq!(
            (r.capture_log_seq, r.snapshot_sha256.as_str(), r.scan_id),
            (p.capture_log_seq, p.snapshot_sha256.as_str(), 0)
        );
    }
    // Asked again, nothing is left to render for that case.
    let again = brandguard::report::packet::pages_to_render(&config, &store, case, opts).unwrap();
    assert!(again.is_empty(), "{again:?}");
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let p = brandguard::report::packet::build(&config, &store, case, None, &out).unwrap();
    let manifest = std::fs::read_to_string(p.dir.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("screenshot-"),
        "the packet holds the screenshot"
    );
    a_packet_starts_a_new_revision(&server, &config, &store, case, pages).await;
    // The marketplace is down: the next case's pages are named, nothing recorded.
    let before = store.renders().unwrap().len();
    drop(server);
    let (_, pages) = &wanted[usize::from(filed == 0)];
    let done = brandguard::scan::render_pages(&config, &store, pages)
        .await
        .expect("renders");
    assert_eq!(done.rendered, 0);
    assert_eq!(done.failed.len(), pages.len(), "{:?}", done.failed);
    assert!(
        done.failed
            .iter()
            .all(|(u, _)| pages.iter().any(|p| &p.url == u))
    );
    assert_eq!(store.renders().unwrap().len(), before);
    store.verify().expect("verifies");
    assert!(none_left(&ours()).await.is_empty());
}

/// Which of `wanted` (cases and their pages to render) has a listing the demo
/// reprices on night 2, so a later scan sees its page changed (see
/// `a_packet_starts_a_new_revision`).
fn repriced_on_night_2(wanted: &[(String, Vec<brandguard::evidence::PageToRender>)]) -> usize {
    let demo = DemoOptions::default();
    let night = |n| brandguard::demo::Catalog::night(demo.seed, demo.listings_per_site, n);
    let (one, two) = (night(1), night(2));
    let price = |c: &brandguard::demo::Catalog, id: &str| {
        c.listings
            .iter()
            .find(|l| l.id == id)
            .map(|l| (l.price, l.coupon))
    };
    wanted
        .iter()
        .position(|(_, pages)| {
            pages
                .iter()
                .any(|p| price(&one, &p.listing_id) != price(&two, &p.listing_id))
        })
        .expect("a case whose listing is repriced on night 2")
}

/// A packet starts its case's next revision: a scan that finds a packeted listing's
/// finding on a changed page renders that page (the one the finding now rests on),
/// after the packet; a packeted listing whose page did not change is not rendered
/// again, and listings of cases without a packet get one render each.
async fn a_packet_starts_a_new_revision(
    server: &DemoServer,
    config: &brandguard::config::Config,
    store: &brandguard::evidence::Store,
    case: &str,
    pages: &[brandguard::evidence::PageToRender],
) {
    let cases = brandguard::case::all(store).unwrap();
    let packet_at = cases
        .iter()
        .find(|c| c.id == case)
        .and_then(|c| c.packets.last())
        .expect("the packet is on its case")
        .log_len;
    let packeted: HashSet<(String, String)> = pages
        .iter()
        .map(|p| (p.marketplace.clone(), p.listing_id.clone()))
        .collect();
    let cited: HashSet<&str> = pages.iter().map(|p| p.snapshot_sha256.as_str()).collect();
    server.set_night(2);
    let next = common::night(config, store, 2).await;
    assert_eq!(next.renders_failed, 0, "{:?}", next.failure_examples);
    let renders = store.renders().unwrap();
    let of = |l: &(String, String)| -> Vec<&brandguard::evidence::RenderRecord> {
        renders
            .iter()
            .filter(|r| (&r.marketplace, &r.listing_id) == (&l.0, &l.1))
            .collect()
    };
    let confirm = &config.brand.confirm;
    let span = chrono::Duration::hours(i64::from(confirm.min_span_hours));
    let mut rendered_again = 0;
    for f in store.findings().map(Result::unwrap) {
        let listing = (f.finding.marketplace.clone(), f.finding.listing_id.clone());
        let seen_tonight = f.last_scan == next.scan_id && f.confirmed(confirm.captures, span);
        let mine = of(&listing);
        if !packeted.contains(&listing) {
            assert!(mine.len() <= 1, "{}: {} renders", f.key(), mine.len());
            continue;
        }
        if seen_tonight && !cited.contains(f.snapshot_sha256.as_str()) {
            let r = mine
                .iter()
                .find(|r| r.snapshot_sha256 == f.snapshot_sha256)
                .unwrap_or_else(|| panic!("{}: its changed page is not rendered", f.key()));
            assert!(
                r.log_seq >= packet_at,
                "{}: rendered before the packet",
                f.key()
            );
            assert_eq!(r.scan_id, next.scan_id);
            rendered_again += 1;
        }
        // The render the packet cites, and at most one of the new revision.
        assert!(mine.len() <= 2, "{}: {} renders", f.key(), mine.len());
    }
    assert!(
        rendered_again > 0,
        "no packeted listing was seen on a changed page: the test proves nothing"
    );
    // Packeted listings whose pages did not change tonight keep their one render.
    for l in &packeted {
        let changed = store.findings().map(Result::unwrap).any(|f| {
            (&f.finding.marketplace, &f.finding.listing_id) == (&l.0, &l.1)
                && f.last_scan == next.scan_id
                && !cited.contains(f.snapshot_sha256.as_str())
        });
        if !changed {
            assert_eq!(of(l).len(), 1, "{l:?} rendered again on an unchanged page");
        }
    }
}

/// A page whose scripts grow without end crashes its own tab at `[render]
/// page_memory_mib` (Chromium is started with V8's heap limit): the page fails as
/// `tab_crashed`, said at once rather than after the timeout, and the browser
/// renders the next page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_eats_memory_crashes_its_tab_not_the_browser() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    config.brand.render.page_memory_mib = 64;
    config.brand.render.timeout_secs = 120;
    let hog = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = hog.local_addr().unwrap();
    let served = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut sock, _)) = hog.accept().await {
            let mut buf = [0u8; 2048];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let (kind, body) = if String::from_utf8_lossy(&buf[..n]).starts_with("GET /robots.txt")
            {
                ("text/plain", "User-agent: *\nAllow: /\n".to_string())
            } else {
                (
                    "text/html",
                    "<!doctype html><title>hog</title><p>price soon</p><script>\
                     const kept = []; function grow() { for (let i = 0; i < 200000; i++) \
                     { kept.push({ i, s: 'listing ' + i + Math.random() }); } setTimeout(grow, 0); } \
                     grow();</script>"
                        .to_string(),
                )
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(format!("{head}{body}").as_bytes()).await;
        }
    });
    let fetcher = Arc::new(Fetcher::new(&config.brand.crawl).unwrap());
    let renderer = Renderer::start(&config.brand.render, fetcher)
        .await
        .unwrap();
    let hog_url = url::Url::parse(&format!("http://{addr}/item/1")).unwrap();
    let outcome = renderer.render(&hog_url, &[]).await;
    match &outcome {
        Err(e @ RenderError::TabCrashed { .. }) => {
            assert_eq!(e.reason(), "tab_crashed");
            assert!(e.to_string().contains("page_memory_mib = 64"), "{e}");
        }
        other => panic!(
            "expected a crashed tab, got {:?}",
            other.as_ref().map(|r| &r.meta)
        ),
    }
    renders_the_next_page_and_closes(renderer, &server).await;
    served.abort();
}

/// A stand-in browser that hangs silently on its first `hangs` starts (as Chromium
/// now and then does on a loaded machine) and is Debian's Chromium after that.
/// Each start appends a line to `starts`.
fn flaky_browser(dir: &std::path::Path, hangs: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let starts = dir.join("starts");
    let exe = dir.join("flaky-chromium");
    std::fs::write(
        &exe,
        format!(
            "#!/bin/sh\necho start >> '{starts}'\nif [ $(wc -l < '{starts}') -le {hangs} ]; then exec sleep 617; fi\nexec /usr/bin/chromium \"$@\"\n",
            starts = starts.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    (exe, starts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_hangs_at_start_is_started_again() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    let fetcher = Arc::new(Fetcher::new(&config.brand.crawl).unwrap());
    let dir = tempfile::tempdir().unwrap();
    config.brand.render.start_timeout_secs = 5;

    // Two hangs, then a browser: the third start renders.
    let (exe, starts) = flaky_browser(dir.path(), 2);
    config.brand.render.browser = exe;
    let renderer = Renderer::start(&config.brand.render, fetcher.clone())
        .await
        .expect("the third start brings the browser up");
    assert_eq!(std::fs::read_to_string(&starts).unwrap().lines().count(), 3);
    assert!(
        processes_with("sleep 617").is_empty(),
        "a hung start was left running"
    );
    let url = url::Url::parse(&format!(
        "{}/search?q=acme&page=1",
        server.base_url(Site::Shopusa)
    ))
    .unwrap();
    renderer.render(&url, &[]).await.expect("the page renders");
    renderer.close().await;

    // A browser that never comes up: three tries, an error that says so, no process.
    let never = tempfile::tempdir().unwrap();
    let (exe, starts) = flaky_browser(never.path(), 1000);
    config.brand.render.browser = exe;
    match Renderer::start(&config.brand.render, fetcher).await {
        Err(RenderError::Start(why)) => {
            assert!(why.contains("within 5 s"), "{why}");
            assert!(why.contains("tried 3 times"), "{why}");
        }
        Err(e) => panic!("expected a start error, got {e}"),
        Ok(_) => panic!("a browser that never answers started"),
    }
    assert_eq!(std::fs::read_to_string(&starts).unwrap().lines().count(), 3);
    let left = none_left("sleep 617").await;
    assert!(left.is_empty(), "hung starts left running: {left:?}");
    let left = none_left(&ours()).await;
    assert!(left.is_empty(), "browser processes left: {left:?}");
}

/// A stand-in browser whose renderer processes die as they start: Debian's Chromium
/// under the kernel's refusal of memory made executable (`PR_SET_MDWE`, what
/// systemd's `MemoryDenyWriteExecute=yes` sets), or, on a kernel without it, with
/// every renderer started through `/bin/false`.
fn scriptless_browser(dir: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let exe = dir.join("mdwe-chromium");
    std::fs::write(
        &exe,
        "#!/usr/bin/env python3\n\
         import ctypes, os, sys\n\
         args = ['/usr/bin/chromium'] + sys.argv[1:]\n\
         if ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) != 0:\n\
         \x20   args.insert(1, '--renderer-cmd-prefix=/bin/false')\n\
         os.execv(args[0], args)\n",
    )
    .unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    exe
}

/// A browser that starts and answers but whose tabs run nothing (under systemd's
/// `MemoryDenyWriteExecute=yes`, V8 cannot make its code executable) is no browser:
/// each listing took the page timeout and more to fail, said as "took longer than
/// 30 s", 70 s a listing for every listing of the night. The start says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_whose_tabs_run_no_script_does_not_start() {
    if !browser_available()
        || !common::tool_available("python3", "a browser refused executable memory")
    {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (_server, mut config) = common::demo(&DemoOptions::default()).await;
    let fetcher = Arc::new(Fetcher::new(&config.brand.crawl).unwrap());
    let dir = tempfile::tempdir().unwrap();
    config.brand.render.start_timeout_secs = 10;
    config.brand.render.browser = scriptless_browser(dir.path());
    match Renderer::start(&config.brand.render, fetcher).await {
        Err(RenderError::Start(why)) => {
            assert!(why.contains("its tabs run no script"), "{why}");
            assert!(why.contains("MemoryDenyWriteExecute"), "{why}");
        }
        Err(e) => panic!("expected a start error, got {e}"),
        Ok(_) => panic!("a browser whose tabs run no script started"),
    }
    let left = none_left(&ours()).await;
    assert!(left.is_empty(), "browser processes left: {left:?}");
}

/// A page whose scripts show a buyer another price than its bytes (tmart's, with
/// the `script-price` fault): the findings read from the bytes get a render that
/// contradicts them. It is kept as evidence, but it is no screenshot of the
/// findings: the night counts it as a failed render (`render_shows_otherwise`,
/// naming both prices), a packet is not fit to file with it (a draft says so under
/// the screenshot), and a later scan whose fetch of the page changed renders it
/// again, which then stands beside the findings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_showing_another_price_than_the_findings_is_kept_but_not_filed() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    config.override_render(brandguard::config::RenderMode::Findings);
    server.set_faults(vec![(Site::Tmart, brandguard::demo::Fault::ScriptPrice)]);
    let (dir, store) = common::fresh_store();
    let mut s = Vec::new();
    for n in 0..2 {
        server.set_night(n);
        s.push(common::night(&config, &store, n).await);
    }
    let renders = store.renders().unwrap();
    let tmart: Vec<_> = renders
        .iter()
        .filter(|r| r.marketplace == "tmart")
        .collect();
    assert!(!tmart.is_empty(), "{:?}", s[1].failure_examples);
    for r in &renders {
        let fetched = store
            .history(&r.marketplace, &r.listing_id)
            .unwrap()
            .into_iter()
            .find(|o| o.capture_log_seq == r.capture_log_seq)
            .expect("the capture it renders");
        if r.marketplace != "tmart" {
            // Prices in structured data, which no script changes: the same.
            assert!(r.shows_otherwise.is_empty(), "{:?}", r.shows_otherwise);
            continue;
        }
        let price = fetched.listing.price.expect("a price");
        let doubled = brandguard::money::Money {
            amount: price.amount * rust_decimal::Decimal::TWO,
            currency: price.currency.clone(),
        };
        assert_eq!(
            r.shows_otherwise,
            [format!("price: {doubled} as rendered, {price} as fetched")],
            "{}",
            r.listing_id
        );
    }
    assert_eq!(
        s[1].failures.get("render_shows_otherwise").copied(),
        Some(tmart.len() as u64),
        "{:?}",
        s[1].failures
    );
    assert_eq!(s[1].renders_failed, tmart.len() as u64);
    assert_eq!(s[1].pages_rendered, (renders.len() - tmart.len()) as u64);
    assert_eq!(
        s[1].exit_code(),
        3,
        "a failed render is a failure of the night"
    );
    assert!(
        s[1].failure_examples
            .iter()
            .any(|e| e.contains("as rendered") && e.contains("render = \"always\"")),
        "{:?}",
        s[1].failure_examples
    );
    store.verify().expect("verifies");
    // A case of tmart listings: not fit to file; its draft says why under the
    // screenshot.
    let cases = brandguard::case::all(&store).unwrap();
    let on_tmart = cases
        .iter()
        .find(|c| {
            c.marketplace == "tmart"
                && c.open_findings.iter().any(|k| {
                    tmart
                        .iter()
                        .any(|r| k.starts_with(&format!("tmart/{}/", r.listing_id)))
                })
        })
        .expect("a tmart case with a rendered listing");
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let refused = brandguard::report::packet::build(&config, &store, &on_tmart.id, None, &out)
        .expect_err("a packet whose screenshot contradicts it is not fit to file");
    let said = refused.to_string();
    assert!(
        said.contains("not fit to file")
            && said.contains("shows otherwise")
            && said.contains("as rendered"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "nothing written"
    );
    let draft = brandguard::report::packet::build_draft(&config, &store, &on_tmart.id, None, &out)
        .expect("a draft");
    let cover = std::fs::read_to_string(draft.dir.join("cover.html")).unwrap();
    assert!(
        cover.contains("This screenshot does not show what the findings were read from"),
        "{cover}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(draft.dir.join("manifest.json")).unwrap()).unwrap();
    assert!(
        !manifest["screenshots_differ"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The compliance report sent to distributors shows no such render beside a
    // violation; the others keep theirs.
    let period = "2026-11".parse().unwrap();
    let report = brandguard::report::compliance::build(&config, &store, period, None).unwrap();
    let (mut tmart_rows, mut shown) = (0, 0);
    for v in &report.violations {
        if v.marketplace == "tmart" {
            tmart_rows += 1;
            assert_eq!(v.screenshot_sha256, None, "tmart/{}", v.listing_id);
        } else if v.screenshot_sha256.is_some() {
            shown += 1;
        }
    }
    assert!(
        tmart_rows > 0 && shown > 0,
        "{tmart_rows} tmart rows, {shown} shown"
    );
    // The marketplace stops the script: tonight's fetch of each tmart page differs
    // (no script in its bytes), so each is rendered again, showing what was fetched.
    server.set_faults(vec![]);
    let again = common::night(&config, &store, 1).await;
    assert_eq!(again.renders_failed, 0, "{:?}", again.failure_examples);
    let renders = store.renders().unwrap();
    for r in &tmart {
        let newest = renders
            .iter()
            .filter(|n| n.marketplace == "tmart" && n.listing_id == r.listing_id)
            .max_by_key(|n| n.log_seq)
            .unwrap();
        assert!(
            newest.log_seq > r.log_seq,
            "{} not rendered again",
            r.listing_id
        );
        assert!(
            newest.shows_otherwise.is_empty(),
            "{:?}",
            newest.shows_otherwise
        );
    }
    let p = brandguard::report::packet::build(&config, &store, &on_tmart.id, None, &out)
        .expect("fit to file once its screenshot shows what it was read from");
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(!cover.contains("does not show what the findings"));
    assert!(cover.contains("later.<br>"), "the render's delay is stated");
    assert!(none_left(&ours()).await.is_empty());
}

/// A case confirmed on nights that rendered nothing, whose packet is built after
/// the marketplace changed the listings (the demo's night 2: prices move, sellers
/// change, listings are taken down): rendered now, a listing shows a buyer
/// another price or seller than the capture its findings were read from. Such a
/// render is kept but named (`shown_otherwise`), the packet is not fit to file,
/// and the cover never calls a render made later "right after" the capture.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_packet_rendered_after_its_listing_changed_says_so_and_is_not_filed() {
    if !browser_available() {
        return;
    }
    let _one = ONE_BROWSER.lock().await;
    let (server, mut config, dir, store, _) =
        two_nights(|c| c.override_render(brandguard::config::RenderMode::Never)).await;
    config.override_render(brandguard::config::RenderMode::Findings);
    let opts = brandguard::report::packet::BuildOptions::default();
    let demo = DemoOptions::default();
    let night = |n| brandguard::demo::Catalog::night(demo.seed, demo.listings_per_site, n);
    let (one, two) = (night(1), night(2));
    let offer = |c: &brandguard::demo::Catalog, id: &str| {
        c.listings
            .iter()
            .find(|l| l.id == id)
            .map(|l| (l.lowest(), l.seller, l.removed))
    };
    server.set_night(2);
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let (mut changed, mut same) = (0, 0);
    for c in brandguard::case::all(&store).unwrap() {
        let Ok(pages) = brandguard::report::packet::pages_to_render(&config, &store, &c.id, opts)
        else {
            continue;
        };
        if pages.is_empty() {
            continue;
        }
        let done = brandguard::scan::render_pages(&config, &store, &pages)
            .await
            .expect("renders");
        let mut differs = false;
        for p in &pages {
            let (before, after) = (offer(&one, &p.listing_id), offer(&two, &p.listing_id));
            let after = after.expect("the listing is in the catalog");
            let failed = done.failed.iter().any(|(u, _)| u == &p.url);
            let otherwise = done.shown_otherwise.iter().find(|(u, _)| u == &p.url);
            if after.2 {
                assert!(failed, "{}: taken down, yet rendered", p.listing_id);
            } else if before.map(|b| (b.0, b.1)) != Some((after.0, after.1)) {
                let (_, why) = otherwise
                    .unwrap_or_else(|| panic!("{}: changed, not said: {done:?}", p.listing_id));
                assert!(
                    why.contains("as rendered") && why.contains("as fetched"),
                    "{why}"
                );
                differs = true;
                changed += 1;
            } else {
                assert!(!failed && otherwise.is_none(), "{}: {done:?}", p.listing_id);
                same += 1;
            }
        }
        let built = brandguard::report::packet::build(&config, &store, &c.id, None, &out);
        match (differs, built) {
            (true, Err(e)) => assert!(e.to_string().contains("shows otherwise"), "{e}"),
            (true, Ok(p)) => panic!("{}: filed with a contradicting screenshot", p.case_id),
            (false, Err(e)) => assert!(!e.to_string().contains("shows otherwise"), "{e}"),
            (false, Ok(p)) => {
                let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
                assert!(
                    !cover.contains("right after"),
                    "a later render is not 'right after'"
                );
                if cover.contains("What a buyer saw") {
                    assert!(cover.contains(" later.<br>"), "the delay is stated");
                }
            }
        }
    }
    assert!(
        changed > 0 && same > 0,
        "changed {changed}, same {same}: the test proves nothing"
    );
    store.verify().expect("verifies");
    assert!(none_left(&ours()).await.is_empty());
}

/// A stand-in browser that says `line` on stderr and exits 1 at once; each start
/// appends a line to `starts`.
fn failing_browser(dir: &std::path::Path, line: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let starts = dir.join("starts");
    let exe = dir.join("failing-chromium");
    std::fs::write(
        &exe,
        format!(
            "#!/bin/sh\necho start >> '{}'\necho '{line}' >&2\nexit 1\n",
            starts.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    (exe, starts)
}

/// A browser that ends as it starts is said to have ended, with its exit status and
/// what it said: it was "no DevTools address within 30 s", which was not what
/// happened. One whose sandbox cannot start (Chromium's own words) is not started
/// again, and the error says what to set (`tests/kubernetes.rs` runs the real
/// browser so, under the runtime's default seccomp profile).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_that_ends_at_start_is_said_to_and_one_without_a_sandbox_not_retried() {
    let (_server, mut config) = common::demo(&DemoOptions::default()).await;
    let fetcher = Arc::new(Fetcher::new(&config.brand.crawl).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let (exe, starts) = failing_browser(dir.path(), "cannot open display");
    config.brand.render.browser = exe;
    match Renderer::start(&config.brand.render, fetcher.clone()).await {
        Err(RenderError::Start(why)) => {
            assert!(
                why.contains("ended before it was ready (exit status: 1)"),
                "{why}"
            );
            assert!(why.contains(": cannot open display"), "{why}");
            assert!(!why.contains("DevTools address"), "{why}");
        }
        Err(e) => panic!("expected a start error, got {e}"),
        Ok(_) => panic!("a browser that ends started"),
    }
    let tries = std::fs::read_to_string(&starts).unwrap().lines().count();
    assert_eq!(tries, 3, "started three times");
    let dir = tempfile::tempdir().unwrap();
    let chromium_said = "[1:1:ERROR:content/browser/zygote_host/zygote_host_impl_linux.cc:130] \
        No usable sandbox! If this is a Debian system, please install the chromium-sandbox package";
    let (exe, starts) = failing_browser(dir.path(), chromium_said);
    config.brand.render.browser = exe;
    match Renderer::start(&config.brand.render, fetcher).await {
        Err(e @ RenderError::NoSandbox { .. }) => {
            let why = e.to_string();
            assert!(
                why.contains("(No usable sandbox!): set BRANDGUARD_BROWSER_SANDBOX=off"),
                "{why}"
            );
            assert!(!why.contains("chromium-sandbox package"), "{why}");
            assert_eq!(e.reason(), "browser_sandbox");
        }
        Err(e) => panic!("expected a sandbox error, got {e}"),
        Ok(_) => panic!("a browser without a sandbox started"),
    }
    let tries = std::fs::read_to_string(&starts).unwrap().lines().count();
    assert_eq!(tries, 1, "not started again");
}
