//! The review desk (`brandguard serve`): its pages over a scanned demo store, a
//! case worked through its forms, a packet built and downloaded from it, the
//! sandboxed viewer of captured pages, and the CLI reading a store the desk holds.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use brandguard::demo::DemoOptions;
use brandguard::desk;

/// The demo scanned on nights 0 and 1 (findings confirmed), a hostile seller's
/// listing recorded beside them, and a desk serving the store on loopback.
async fn desk_over_demo() -> (
    brandguard::demo::DemoServer,
    tempfile::TempDir,
    desk::Running,
) {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (dir, store) = common::fresh_store();
    for n in 0..2 {
        server.set_night(n);
        common::night(&config, &store, n).await;
    }
    let scan = store
        .begin_scan("hostile", Some(brandguard::demo::night_date(1)))
        .unwrap();
    common::record(
        &store,
        &config,
        scan,
        "H1",
        "<script>alert(1)</script>\u{202e}evil",
    );
    store.finish_scan(scan, serde_json::json!({})).unwrap();
    let running = desk::start(config, store, "127.0.0.1:0".parse().unwrap(), None)
        .await
        .expect("the desk starts");
    (server, dir, running)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(base: &str, path: &str) -> (u16, String) {
    let r = client().get(format!("{base}{path}")).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

async fn post(base: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let r = client()
        .post(format!("{base}{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_shows_the_queue_and_works_a_case_to_a_verified_packet() {
    let (_server, dir, running) = desk_over_demo().await;
    let base = format!("http://{}", running.addr);
    let token = running.desk.token().to_string();
    // The store's folder advertises the desk, to its owner only.
    let advert = dir.path().join("store").join(desk::ADVERT_FILE);
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&advert).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "desk.json is the owner's only");

    // The queue: confirmed findings first, the hostile name escaped, never markup.
    let (status, queue) = get(&base, "/").await;
    assert_eq!(status, 200, "{queue}");
    assert!(queue.contains("suspected_counterfeit") && queue.contains("confirmed"));
    assert!(
        !queue.contains("<script>alert(1)"),
        "a seller name became markup"
    );
    assert!(
        queue.contains("&lt;script&gt;alert(1)&lt;"),
        "the hostile name is shown, escaped"
    );
    let first_confirmed = queue.find("tag confirmed").unwrap();
    let first_suspected = queue.find("tag suspected").unwrap_or(usize::MAX);
    assert!(
        first_confirmed < first_suspected,
        "confirmed findings come first"
    );
    // Filters narrow it.
    let (_, tmart) = get(&base, "/?marketplace=tmart&show=confirmed").await;
    assert!(
        tmart.contains("tmart/") && !tmart.contains("bidbay/"),
        "filtered by marketplace"
    );

    // A case with confirmed findings: its page, then filed, rejected and refiled.
    let cases = brandguard::case::all(running_store(&running)).unwrap();
    let c = cases
        .iter()
        .find(|c| c.marketplace == "bidbay" && c.path.path.as_str() == "marketplace_complaint")
        .expect("a marketplace complaint on bidbay");
    let case_path = format!("/cases/{}", c.id);
    let (status, page) = get(&base, &case_path).await;
    assert_eq!(status, 200);
    assert!(page.contains("<iframe class=\"capture\" sandbox loading=\"lazy\" src=\"/capture/"));
    // Without the token nothing changes.
    let (status, _) = post(
        &base,
        &format!("{case_path}/action"),
        &[("csrf", "forged"), ("action", "file"), ("reference", "X")],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        brandguard::case::get(running_store(&running), &c.id)
            .unwrap()
            .state,
        c.state
    );

    // The packet: built from the desk, downloaded, verified against the store.
    let (status, _) = post(&base, &format!("{case_path}/packet"), &[("csrf", &token)]).await;
    assert_eq!(status, 303, "the packet is built");
    let (_, page) = get(&base, &case_path).await;
    let zip = page
        .split("href=\"/packets/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a download link")
        .to_string();
    let r = client()
        .get(format!("{base}/packets/{zip}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let bytes = r.bytes().await.unwrap();
    let downloaded = dir.path().join(&zip);
    std::fs::write(&downloaded, &bytes).unwrap();
    let check = brandguard::report::packet::verify(&downloaded, Some(running_store(&running)))
        .expect("the downloaded packet verifies");
    assert_eq!(check.case_id, c.id);
    // No path out of the packets folder.
    for bad in ["..%2Fstore%2Fconf", "x.zip%2F..%2F..%2Fconf", ".zip"] {
        let (status, _) = get(&base, &format!("/packets/{bad}")).await;
        assert_eq!(status, 404, "{bad}");
    }

    for (action, field, value, state) in [
        ("file", "reference", "VERO-1", "filed"),
        ("reject", "reason", "need the order id", "rejected"),
        ("refile", "reference", "VERO-2", "refiled"),
    ] {
        let form = [
            ("csrf", token.as_str()),
            ("action", action),
            (field, value),
            ("by", "j.doe"),
        ];
        let (status, body) = post(&base, &format!("{case_path}/action"), &form).await;
        assert_eq!(status, 303, "{action}: {body}");
        let now = brandguard::case::get(running_store(&running), &c.id).unwrap();
        assert_eq!(now.state.as_str(), state);
        let e = now.events.last().unwrap();
        assert_eq!(
            (e.action.as_str(), e.by.as_str()),
            (state, "j.doe"),
            "who did it is recorded"
        );
        if action == "reject" {
            // Refiling wants a revision that answers the rejection.
            let (status, body) = post(
                &base,
                &format!("{case_path}/action"),
                &[("csrf", &token), ("action", "refile"), ("reference", "X")],
            )
            .await;
            assert_eq!(status, 400, "{body}");
            assert!(body.contains("build a new packet revision"), "{body}");
            let (status, _) =
                post(&base, &format!("{case_path}/packet"), &[("csrf", &token)]).await;
            assert_eq!(status, 303, "revision 2 is built");
        }
    }
    // A step that does not fit the case's state is refused with the reason.
    let (status, body) = post(
        &base,
        &format!("{case_path}/action"),
        &[("csrf", &token), ("action", "refile"), ("reference", "X")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (_, history) = get(&base, &case_path).await;
    assert!(history.contains("need the order id") && history.contains("VERO-2"));

    // Counterfeit grounds from the case page: a reviewer's and a test buy.
    let listing = c
        .open_findings
        .iter()
        .next()
        .and_then(|k| k.rsplit_once('/'))
        .unwrap()
        .0
        .to_string();
    let form = [
        ("csrf", token.as_str()),
        ("action", "confirm"),
        ("listing", listing.as_str()),
        ("grounds", "misprinted logo"),
        ("appears_product", "1"),
        ("by", "a.lawyer"),
    ];
    let (status, body) = post(&base, &format!("{case_path}/action"), &form).await;
    assert_eq!(status, 303, "{body}");
    let form = [
        ("csrf", token.as_str()),
        ("action", "testbuy"),
        ("listing", listing.as_str()),
        ("order", "112-7-01"),
        ("date", "2026-11-20"),
        ("result", "counterfeit"),
        ("notes", "no serial"),
        ("appears_packaging", "1"),
        ("by", "a.lawyer"),
    ];
    let (status, body) = post(&base, &format!("{case_path}/action"), &form).await;
    assert_eq!(status, 303, "{body}");
    let now = brandguard::case::get(running_store(&running), &c.id).unwrap();
    let kinds: Vec<_> = now
        .grounds
        .iter()
        .map(|g| (g.kind.as_str(), g.by.as_str(), g.appears_in.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("reviewer", "a.lawyer", vec!["product".to_string()]),
            ("test_buy", "a.lawyer", vec!["packaging".to_string()])
        ]
    );
    assert_eq!(now.grounds[1].order_id.as_deref(), Some("112-7-01"));
    // Grounds for a listing not of the case are refused.
    let form = [
        ("csrf", token.as_str()),
        ("action", "confirm"),
        ("listing", "bidbay/none"),
        ("grounds", "x"),
    ];
    let (status, _) = post(&base, &format!("{case_path}/action"), &form).await;
    assert_eq!(status, 400);

    // The other pages load.
    for p in ["/cases", "/scans", "/distributors?period=2026-11"] {
        let (status, body) = get(&base, p).await;
        assert_eq!(status, 200, "{p}: {body}");
    }
    let (_, scorecards) = get(&base, "/distributors?period=2026-11").await;
    assert!(scorecards.contains("Pacific"), "distributors' scorecards");
    // Each distributor's price charts, drawn as in the compliance report, with
    // the nights scanned as points.
    assert!(
        scorecards.contains("<svg class=\"chart\"") && scorecards.contains("class=\"point\""),
        "price charts on the distributors page"
    );
    // The report to send a distributor: a zip of its report alone.
    let r = client()
        .get(format!("{base}/distributors/pacific/report?period=2026-11"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut html = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("report.html").unwrap(), &mut html).unwrap();
    assert!(html.contains("Pacific"), "Pacific's report");
    assert!(!html.contains("Northwind"), "no other distributor in it");
    let (status, _) = get(&base, "/distributors/nobody/report?period=2026-11").await;
    assert_eq!(status, 404);
    running_store(&running)
        .verify()
        .expect("the store verifies");
    running.stop().await;
    assert!(!advert.exists(), "desk.json goes with the desk");
}

fn running_store(r: &desk::Running) -> &brandguard::evidence::Store {
    r.desk.store()
}

/// Requests the desk answered, by path (to see what a captured page reached).
static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
static API_CALLS: AtomicUsize = AtomicUsize::new(0);

async fn count(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/api") || path.starts_with("/scans") || path.starts_with("/cases") {
        API_CALLS.fetch_add(1, Ordering::SeqCst);
    }
    SEEN.lock().unwrap().push(path);
    next.run(req).await
}

/// A captured page's scripts never run in the desk's viewer, and it reaches
/// nothing of the desk: no API call, no cookie, no request at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_captured_page_is_shown_sandboxed_and_reaches_nothing() {
    if !common::tool_available("chromium", "the captured-page sandbox") {
        return;
    }
    let (_server, dir, running) = desk_over_demo().await;
    let store = running_store(&running);
    let evil = br#"<!doctype html><html><head><title>captured</title>
<script>document.title = 'RAN ' + document.cookie; fetch('/api/cases').then(() => {}); fetch('/scans', {method: 'POST'});</script>
<link rel="stylesheet" href="/scans?css"></head>
<body><p id="p">the captured listing</p><img src="/cases?img">
<script>document.getElementById('p').textContent = 'SCRIPT RAN';</script></body></html>"#;
    let snap = store.put_snapshot(evil).unwrap();
    // The desk's own router behind a counting layer, served apart.
    let app = desk::router(running.desk.clone()).layer(axum::middleware::from_fn(count));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://{addr}/capture/{}", snap.sha256);
    let r = client().get(&url).send().await.unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.starts_with("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        evil.as_slice(),
        "the exact bytes"
    );
    API_CALLS.store(0, Ordering::SeqCst);
    SEEN.lock().unwrap().clear();
    let profile = tempfile::tempdir().unwrap();
    let out = common::headless(
        &["--dump-dom", "--virtual-time-budget=3000", &url],
        profile.path(),
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("the captured listing"),
        "the page is shown: {dom}"
    );
    // The scripts' source is in the page; what they would have done is not.
    assert!(
        dom.contains("<title>captured</title>")
            && dom.contains("<p id=\"p\">the captured listing</p>"),
        "a script ran: {dom}"
    );
    assert_eq!(
        API_CALLS.load(Ordering::SeqCst),
        0,
        "the page reached the desk: {:?}",
        SEEN.lock().unwrap()
    );
    let seen = SEEN.lock().unwrap().clone();
    assert!(seen.iter().all(|p| p.starts_with("/capture/")), "{seen:?}");
    drop(dir);
    running.stop().await;
}

/// `case list` answers while the desk holds the store (which no second process
/// may open), through the desk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_lists_cases_through_the_desk_that_holds_the_store() {
    let (_server, dir, running) = desk_over_demo().await;
    let want = brandguard::case::all(running_store(&running))
        .unwrap()
        .len();
    let store = dir.path().join("store");
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
            .args(["case", "list", "--store"])
            .arg(&store)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&format!("{want} cases")), "{text}");
    running.stop().await;
}

/// The desk's scan state, as the CLI reads it.
async fn scan_state(base: &str, token: &str) -> desk::ApiScan {
    let r = client()
        .get(format!("{base}/api/scan"))
        .header(desk::TOKEN_HEADER, token)
        .send()
        .await
        .unwrap();
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

/// While the desk scans a slow marketplace, its pages and the CLI's `case list`
/// answer (reading never waits for the scan), and `brandguard scan` run by the
/// scheduler meanwhile waits for the desk's scan and exits as it ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_and_the_cli_answer_while_the_desk_scans_a_slow_marketplace() {
    use brandguard::demo::{Fault, Site};
    let opts = DemoOptions {
        faults: vec![(Site::Bidbay, Fault::Slow { millis: 600 })],
        ..DemoOptions::default()
    };
    let (server, config) = common::demo(&opts).await;
    let (dir, store) = common::fresh_store();
    server.set_night(0);
    common::night(&config, &store, 0).await;
    let targets = config.dir.clone();
    let running = desk::start(config, store, "127.0.0.1:0".parse().unwrap(), None)
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let token = running.desk.token().to_string();
    assert!(desk::spawn_scan(&running.desk), "the scan starts");
    assert!(!desk::spawn_scan(&running.desk), "one scan at a time");
    let mut answered_during = 0;
    for p in ["/", "/cases", "/scans", "/distributors?period=2026-11"] {
        let (status, body) = get(&base, p).await;
        assert_eq!(status, 200, "{p}: {body}");
        if scan_state(&base, &token)
            .await
            .state
            .running_since
            .is_some()
        {
            answered_during += 1;
        }
    }
    assert!(
        answered_during > 0,
        "the pages were read while the scan ran"
    );
    // The CLI meanwhile: `case list` through the desk; `scan` waits for the desk's.
    let store_path = dir.path().join("store");
    let cli = move |args: Vec<std::ffi::OsString>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
            .args(args)
            .output()
            .unwrap()
    };
    let list_args = vec![
        "case".into(),
        "list".into(),
        "--store".into(),
        store_path.clone().into_os_string(),
    ];
    let c = cli;
    let listed = tokio::task::spawn_blocking(move || c(list_args))
        .await
        .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert!(
        scan_state(&base, &token)
            .await
            .state
            .running_since
            .is_some(),
        "listed during the scan"
    );
    // As the unit `brandguard schedule` prints runs it: --summary naming the
    // default file, beside the store.
    let scan_args = vec![
        "scan".into(),
        "--targets".into(),
        targets.clone().into_os_string(),
        "--store".into(),
        store_path.clone().into_os_string(),
        "--summary".into(),
        dir.path().join("last-scan.json").into_os_string(),
    ];
    let scanned = tokio::task::spawn_blocking(move || cli(scan_args))
        .await
        .unwrap();
    let out = String::from_utf8_lossy(&scanned.stdout);
    assert!(
        out.contains("review desk"),
        "{out}{}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    let end = scan_state(&base, &token).await;
    assert!(end.state.running_since.is_none());
    let last = end.state.last.expect("the desk's scan ended");
    assert_eq!(scanned.status.code(), Some(i32::from(last.exit)), "{out}");
    assert!(last.scan_id.is_some(), "{}", last.message);
    assert!(
        dir.path().join("last-scan.json").exists(),
        "the night's summary"
    );
    assert!(
        dir.path().join("findings.csv").exists(),
        "the night's findings"
    );
    running.desk.store().verify().expect("the store verifies");
    // An option the desk's scan would not honour is refused, and named.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .arg("scan")
        .arg("--targets")
        .arg(&targets)
        .arg("--store")
        .arg(&store_path)
        .args(["--concurrency", "2"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        err.contains("review desk") && err.contains("--concurrency"),
        "{err}"
    );
    running.stop().await;
}

/// A listing's newest render that shows a buyer another price than the capture its
/// findings were read from is what the queue and the case page show, with how it
/// differs. Before, the desk left it out and showed the older render that agreed:
/// the reviewer saw a screenshot of a state the page had left, and nothing of the
/// browser showing another price (which makes the packet unfit to file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_shows_a_listings_newest_render_and_how_it_shows_otherwise() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    for n in 0..2 {
        server.set_night(n);
        common::night(&config, &store, n).await;
    }
    let finding = store
        .findings()
        .map(|f| f.expect("finding"))
        .find(|f| f.resolved.is_none() && f.finding.kind.as_str() == "below_floor")
        .expect("an open below-floor finding");
    let (m, l) = (&finding.finding.marketplace, &finding.finding.listing_id);
    let capture = store
        .history(m, l)
        .unwrap()
        .pop()
        .expect("a capture of the listing");
    let at = |minute: u32| format!("2026-11-02T01:{minute:02}:00Z");
    let agreeing = common::fake_render(&store, &capture, b"older png agreeing", &at(10), &[]);
    let otherwise = ["price: 2598.00 CNY as rendered, 1299.00 CNY as fetched".to_string()];
    let newest = common::fake_render(
        &store,
        &capture,
        b"newer png otherwise",
        &at(20),
        &otherwise,
    );
    let case_id = brandguard::case::all(&store)
        .unwrap()
        .into_iter()
        .find(|c| c.open_findings.contains(&finding.key()))
        .expect("the finding's case")
        .id;
    let running = desk::start(config, store, "127.0.0.1:0".parse().unwrap(), None)
        .await
        .expect("the desk starts");
    let base = format!("http://{}", running.addr);
    let (status, queue) = get(&base, "/").await;
    assert_eq!(status, 200);
    let (status, case) = get(&base, &format!("/cases/{case_id}")).await;
    assert_eq!(status, 200);
    for page in [&queue, &case] {
        assert!(
            page.contains(&newest.png.sha256),
            "the newest render is shown"
        );
        assert!(!page.contains(&agreeing.png.sha256), "not the older one");
        assert!(page.contains("2598.00 CNY as rendered, 1299.00 CNY as fetched"));
        assert!(page.contains("rendered 2026-11-02 01:20 UTC"));
    }
    assert!(case.contains("This screenshot does not show what the findings were read from"));
    running.stop().await;
}

/// A dismissed false positive of a distributor: gone from its scorecard (on every
/// night), not flagged by the next scan, its case never "complied".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dismissed_finding_leaves_the_scorecard_and_stays_dismissed() {
    let dir = tempfile::tempdir().unwrap();
    let (server, config) = common::demo_copy(&DemoOptions::default(), dir.path()).await;
    let store = brandguard::evidence::Store::open(&dir.path().join("store")).unwrap();
    for n in 0..2 {
        server.set_night(n);
        common::night(&config, &store, n).await;
    }
    // An open below-floor finding of a distributor.
    let (f, distributor) = store
        .findings()
        .map(|r| r.unwrap())
        .filter(|r| r.resolved.is_none() && r.finding.kind.as_str() == "below_floor")
        .find_map(|r| {
            let o = store
                .latest(&r.finding.marketplace, &r.finding.listing_id)
                .unwrap()?;
            o.authorized_seller.map(|d| (r, d))
        })
        .expect("a distributor's listing under the floor");
    let period: brandguard::report::compliance::Period = brandguard::demo::night_date(0)
        .format("%Y-%m")
        .to_string()
        .parse()
        .unwrap();
    let card = |config: &brandguard::config::Config| {
        brandguard::report::compliance::build(config, &store, period, Some(&distributor))
            .unwrap()
            .scorecards
            .into_iter()
            .next()
            .unwrap()
    };
    let before = card(&config);
    let key = f.key();
    let d = brandguard::case::dismiss(&config.dir, &store, &key, "sold as a pair", "lena").unwrap();
    assert_eq!(d.by, "lena");
    let after = card(&config);
    assert_eq!(
        after.violations.get("below_floor").copied().unwrap_or(0) + 1,
        before.violations["below_floor"],
        "one fewer violation: {:?} → {:?}",
        before.violations,
        after.violations
    );
    // Dismissing again is refused: it is resolved.
    assert!(brandguard::case::dismiss(&config.dir, &store, &key, "again", "lena").is_err());
    server.set_night(2);
    common::night(&config, &store, 2).await;
    let now = store
        .finding(&brandguard::evidence::finding_key_of_printable(&key))
        .unwrap()
        .unwrap();
    let reason = now.resolved.expect("still resolved").reason;
    assert!(brandguard::case::is_dismissal(&reason), "{reason}");
    for c in brandguard::case::all(&store).unwrap() {
        if c.findings.contains(&key) {
            assert_ne!(c.state.as_str(), "complied", "{:?}", c.events);
            assert!(!c.open_findings.contains(&key));
        }
    }
    // Undone: the next scan flags it again.
    brandguard::judge::dismissals::Dismissals::remove(&config.dir, 0).unwrap();
    server.set_night(3);
    common::night(&config, &store, 3).await;
    let back = store
        .finding(&brandguard::evidence::finding_key_of_printable(&key))
        .unwrap()
        .unwrap();
    let o = store
        .latest(&back.finding.marketplace, &back.finding.listing_id)
        .unwrap()
        .unwrap();
    if o.listing.price == f.finding.observed {
        assert!(back.resolved.is_none(), "flagged again after the undo");
    }
    store.verify().expect("the store verifies");
}

/// Signs `user` in with a form post; the session cookie as a `Cookie` header.
async fn session_of(base: &str, user: &str, password: &str) -> String {
    let r = sign_in(base, user, password).await;
    assert_eq!(r.status().as_u16(), 303, "{user} signs in");
    let set = r.headers()["set-cookie"].to_str().unwrap();
    set.split(';').next().unwrap().to_string()
}

/// The desk's answer to the sign-in form posted with `user` and `password`.
async fn sign_in(base: &str, user: &str, password: &str) -> reqwest::Response {
    client()
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={user}&password={password}&next=/scans"))
        .send()
        .await
        .unwrap()
}

/// What `GET path` answers a session: its status and where it redirects.
async fn as_session(base: &str, cookie: &str, path: &str) -> (u16, String) {
    let r = client()
        .get(format!("{base}{path}"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    let to = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
        .unwrap_or_default();
    (r.status().as_u16(), to)
}

/// A running desk follows its users file: an account removed with `users remove`
/// is signed out at its next request, one whose password is set again is signed out
/// everywhere, and one whose role is changed by hand works in the new role at once.
/// The last account is not removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_desk_follows_its_users_file() {
    use desk::Role;
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let (dir, store) = common::fresh_store();
    let file = dir.path().join("users.toml");
    let (lena_pw, chan_pw, vic_pw) = (
        "lena's long password",
        "chan's long password",
        "vic's long password",
    );
    desk::accounts::add_user(&file, "lena", Role::Legal, lena_pw).unwrap();
    desk::accounts::add_user(&file, "chan", Role::Legal, chan_pw).unwrap();
    desk::accounts::add_user(&file, "vic", Role::Legal, vic_pw).unwrap();
    let users = desk::Users::load(&file).unwrap();
    let running = desk::start(
        config.clone(),
        store,
        "127.0.0.1:0".parse().unwrap(),
        Some(users),
    )
    .await
    .expect("the desk starts");
    let base = format!("http://{}", running.addr);
    let lena = session_of(&base, "lena", lena_pw).await;
    let chan = session_of(&base, "chan", chan_pw).await;
    let vic = session_of(&base, "vic", vic_pw).await;
    for s in [&lena, &chan, &vic] {
        assert_eq!(as_session(&base, s, "/cases").await.0, 200);
    }

    // lena leaves: removed, her session ends, she cannot sign in again.
    desk::accounts::remove_user(&file, "lena").unwrap();
    let (status, to) = as_session(&base, &lena, "/cases").await;
    assert_eq!(status, 303);
    assert!(to.starts_with("/login"), "{to}");
    let r = sign_in(&base, "lena", lena_pw).await;
    assert_eq!(
        r.status().as_u16(),
        401,
        "a removed account does not sign in"
    );

    // chan's role becomes channel, by hand: the same session, the new role.
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("name = \"chan\"").unwrap();
    let role = at + text[at..].find("role = \"legal\"").unwrap();
    let edited = format!(
        "{}role = \"channel\"{}",
        &text[..role],
        &text[role + "role = \"legal\"".len()..]
    );
    std::fs::write(&file, edited).unwrap();
    assert_eq!(
        as_session(&base, &chan, "/cases").await.0,
        403,
        "no cases as channel"
    );
    assert_eq!(as_session(&base, &chan, "/distributors").await.0, 200);

    // vic's password is set again: every session of vic ends.
    desk::accounts::add_user(&file, "vic", Role::Legal, "vic's new long password").unwrap();
    assert_eq!(as_session(&base, &vic, "/cases").await.0, 303);
    session_of(&base, "vic", "vic's new long password").await;

    // A file broken by hand keeps the accounts last loaded (nobody locked out).
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, "[[user]\nbroken").unwrap();
    assert_eq!(as_session(&base, &chan, "/distributors").await.0, 200);
    std::fs::write(&file, good).unwrap();

    // The last account stays.
    desk::accounts::remove_user(&file, "vic").unwrap();
    let err = desk::accounts::remove_user(&file, "chan").unwrap_err();
    assert!(err.to_string().contains("last account"), "{err}");
    let err = desk::accounts::remove_user(&file, "nobody").unwrap_err();
    assert!(err.to_string().contains("no account `nobody`"), "{err}");

    // The desk restarted (an upgrade): chan is still signed in, as channel; vic's
    // session ended by the new password stays ended.
    running.stop().await;
    let store = brandguard::evidence::Store::open(&dir.path().join("store")).unwrap();
    let users = desk::Users::load(&file).unwrap();
    let running = desk::start(config, store, "127.0.0.1:0".parse().unwrap(), Some(users))
        .await
        .expect("the desk starts again");
    let base = format!("http://{}", running.addr);
    assert_eq!(as_session(&base, &chan, "/distributors").await.0, 200);
    assert_eq!(as_session(&base, &chan, "/cases").await.0, 403);
    assert_eq!(as_session(&base, &vic, "/cases").await.0, 303);
    running.stop().await;
}

/// The desk asked to stop (SIGTERM: `systemctl stop`, an upgrade) while its scan
/// runs: the scan stops as `brandguard scan` does on SIGTERM (nothing concluded,
/// the store flushed), its summary says so in `last-scan.json` (not last night's
/// left in place) and on the Scans page; the desk started again resumes it to the
/// demo's ground truth.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desk_asked_to_stop_stops_its_scan_and_says_so() {
    use brandguard::demo::{Fault, Site};
    let opts = DemoOptions {
        faults: vec![(Site::Bidbay, Fault::Slow { millis: 300 })],
        ..DemoOptions::default()
    };
    let (server, config) = common::demo(&opts).await;
    let (dir, store) = common::fresh_store();
    let summary_path = dir.path().join("last-scan.json");
    std::fs::write(&summary_path, "{\"last night\": true}").unwrap();
    let running = desk::start(config.clone(), store, "127.0.0.1:0".parse().unwrap(), None)
        .await
        .unwrap();
    assert!(desk::spawn_scan(&running.desk), "the scan starts");
    // Stopped once it has stored pages (not after a fixed time).
    let store = running_store(&running);
    for _ in 0..600 {
        if store.observations(1).count() >= 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(store.observations(1).count() >= 10, "the scan stored pages");
    running.desk.stop_scan("SIGTERM").await;
    assert!(
        !desk::spawn_scan(&running.desk),
        "a desk asked to stop starts no scan"
    );
    let last = running.desk.scan_state_now().last.expect("the scan ended");
    assert_eq!(last.exit, 1, "{}", last.message);
    assert!(
        last.message.contains("stopped before it finished")
            && last.message.contains("interrupted by SIGTERM"),
        "{}",
        last.message
    );
    let summary = common::stopped_by_sigterm(&summary_path);
    assert_eq!(summary["findings_resolved"], 0);
    let scans: Vec<_> = store.scans().map(|s| s.unwrap()).collect();
    assert_eq!(scans.len(), 1);
    assert!(scans[0].finished_at.is_none(), "nothing concluded");
    store.verify().expect("the store verifies");
    running.stop().await;

    // Started again, the desk's next scan resumes the stopped one.
    let store = brandguard::evidence::Store::open(&dir.path().join("store")).unwrap();
    let running = desk::start(config, store, "127.0.0.1:0".parse().unwrap(), None)
        .await
        .unwrap();
    assert!(desk::spawn_scan(&running.desk));
    while running.desk.scan_state_now().running_since.is_some() {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let last = running.desk.scan_state_now().last.expect("the scan ended");
    assert_eq!(last.exit, 0, "{}", last.message);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&summary_path).unwrap()).unwrap();
    assert!(summary.get("stopped").is_none(), "{summary}");
    assert_eq!(summary["resumed"], true, "{summary}");
    let store = running_store(&running);
    store.verify().expect("the store verifies");
    assert_eq!(store.scans().count(), 1, "resumed, not restarted");
    let found = brandguard::scan::findings_of_scan(store, 1).unwrap();
    assert_eq!(found, server.ground_truth().expected_findings());
    running.stop().await;
}
