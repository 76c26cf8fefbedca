//! Shared setup of the integration tests: a demo marketplace on loopback, the demo
//! targets pointed at it, and a scan into a fresh store.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use brandguard::config::Config;
use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::Store;
use brandguard::scan::{self, ScanOptions, ScanSummary};

/// The demo marketplace started with `opts`, and targets/demo pointed at it.
pub async fn demo(opts: &DemoOptions) -> (DemoServer, Config) {
    let server = DemoServer::start(opts)
        .await
        .expect("demo starts on loopback");
    let mut config = Config::load(Path::new("targets/demo")).expect("demo targets are valid");
    for (name, url) in server.base_urls() {
        config
            .override_base_url(&name, &url)
            .expect("known marketplace");
    }
    // No browser unless a test asks for one (tests/render.rs): rendered captures
    // are tested there, and the other tests stay quick and need no Chromium.
    config.override_render(brandguard::config::RenderMode::Never);
    (server, config)
}

/// [`demo`] over a copy of targets/demo in `dir` (for tests that change the
/// targets: dismissals, sellers authorised at the desk).
pub async fn demo_copy(opts: &DemoOptions, dir: &Path) -> (DemoServer, Config) {
    let (server, mut config) = demo(opts).await;
    let targets = dir.join("targets");
    std::fs::create_dir_all(targets.join("marketplaces")).expect("targets folder");
    std::fs::copy("targets/demo/brand.toml", targets.join("brand.toml")).expect("brand.toml");
    for e in std::fs::read_dir("targets/demo/marketplaces").expect("marketplaces") {
        let p = e.expect("entry").path();
        std::fs::copy(
            &p,
            targets
                .join("marketplaces")
                .join(p.file_name().expect("name")),
        )
        .expect("adapter copied");
    }
    let loaded = Config::load(&targets).expect("the copy loads");
    config.dir = loaded.dir;
    (server, config)
}

/// A store in a fresh temporary folder (kept alive by the returned guard).
pub fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("store")).expect("store opens");
    (dir, store)
}

/// One scan of `config` into `store`, stamped with the demo's first night (the
/// date its ground truth is written for).
pub async fn scan(config: &Config, store: &Store) -> ScanSummary {
    night(config, store, 0).await
}

/// One scan stamped with the date of demo night `n` (the server must be on that night).
pub async fn night(config: &Config, store: &Store, n: u32) -> ScanSummary {
    let opts = ScanOptions {
        as_of: Some(brandguard::demo::night_date(n)),
        ..ScanOptions::default()
    };
    scan::run(config, store, opts).await.expect("scan runs")
}

/// `--base-url` value pointing every demo marketplace at `server`.
pub fn base_urls(server: &DemoServer) -> String {
    server
        .base_urls()
        .iter()
        .map(|(n, u)| format!("{n}={u}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The real binary scanning `targets` into `store` against the demo `server`, writing
/// its summary to `summary`. Output is left for the caller to direct.
pub fn scan_command(
    targets: &Path,
    store: &Path,
    summary: &Path,
    server: &DemoServer,
) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"));
    c.arg("scan")
        .arg("--targets")
        .arg(targets)
        .arg("--store")
        .arg(store)
        .arg("--summary")
        .arg(summary)
        .args(["--base-url", &base_urls(server)]);
    c
}

/// `brandguard extract PAGE` of `body` as a shopusa item page at `item` (an id), with
/// the demo targets: the JSON it prints.
pub fn extract_shopusa(body: &[u8], item: &str) -> serde_json::Value {
    extract_on(
        body,
        "shopusa",
        &format!("http://127.0.0.1:8701/item/{item}"),
    )
}

/// `brandguard extract` of `body` as demo marketplace `marketplace`'s page at `url`.
pub fn extract_on(body: &[u8], marketplace: &str, url: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("page.html");
    std::fs::write(&page, body).expect("page written");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .arg("extract")
        .arg(&page)
        .args([
            "--targets",
            "targets/demo",
            "--marketplace",
            marketplace,
            "--url",
            url,
        ])
        .output()
        .expect("brandguard runs");
    assert!(
        o.status.success(),
        "extract failed ({:?}): {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("extract prints JSON")
}

/// What one observation read: (observations of the listing in the scan, price,
/// seller, snapshot it was read from, its findings).
pub type Read = (usize, String, String, String, Vec<String>);
/// A case: (marketplace, seller key, state, findings, open findings).
pub type CaseView = (String, String, String, Vec<String>, Vec<String>);

/// What a store concluded, in a form two stores can be compared by.
#[derive(Debug, PartialEq)]
pub struct Outcome {
    /// Per scan: listing → (observations of it, price, seller, snapshot the
    /// observation was read from, its findings).
    pub scans: Vec<BTreeMap<String, Read>>,
    /// Finding key → (resolved, times seen, first scan, last scan, words).
    pub findings: BTreeMap<String, (bool, u64, u64, u64, String)>,
    /// Case → (marketplace, seller key, state, findings, open findings).
    pub cases: BTreeMap<String, CaseView>,
}

pub fn outcome(path: &Path, scans: u64) -> Outcome {
    let store = Store::open(path).expect("store opens");
    let mut per_scan = Vec::new();
    for scan in 1..=scans {
        let mut seen: BTreeMap<String, Read> = BTreeMap::new();
        for o in store.observations(scan) {
            let o = o.expect("observation");
            // The page an observation was read from is that listing's page.
            assert_eq!(
                o.page.url.path(),
                url::Url::parse(&o.listing.url).unwrap().path(),
                "observation of {} read from another page",
                o.listing.listing_id
            );
            let e = seen
                .entry(format!(
                    "{}/{}",
                    o.listing.marketplace, o.listing.listing_id
                ))
                .or_default();
            e.0 += 1;
            e.1 = o
                .listing
                .price
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default();
            e.2 = o.listing.seller.name.clone().unwrap_or_default();
            e.3 = o.snapshot.sha256.clone();
            e.4 = o.findings.iter().map(|k| k.as_str().to_string()).collect();
        }
        per_scan.push(seen);
    }
    let findings = store
        .findings()
        .map(|f| {
            let f = f.expect("finding");
            (
                f.key(),
                (
                    f.resolved.is_some(),
                    f.times_seen,
                    f.first_scan,
                    f.last_scan,
                    f.finding.detail.clone(),
                ),
            )
        })
        .collect();
    let cases = brandguard::case::all(&store)
        .expect("cases")
        .into_iter()
        .map(|c| {
            (
                c.id.clone(),
                (
                    c.marketplace,
                    c.seller_key,
                    c.state.as_str().to_string(),
                    c.findings.into_iter().collect(),
                    c.open_findings.into_iter().collect(),
                ),
            )
        })
        .collect();
    Outcome {
        scans: per_scan,
        findings,
        cases,
    }
}

/// Whether an external checker (`systemd-analyze`, `kubernetes-validate`, `hadolint`)
/// can be run. `.ci/run` installs them and sets `BRANDGUARD_REQUIRE_TOOLS=1`, so there
/// a missing tool fails the test; a developer without it is told what was not checked.
pub fn tool_available(program: &str, what: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        assert!(
            std::env::var_os("BRANDGUARD_REQUIRE_TOOLS").is_none(),
            "{program} is required here (BRANDGUARD_REQUIRE_TOOLS is set): {what}"
        );
        println!("{program} is not installed: {what} is not checked");
    }
    found
}

/// Headless Chromium, where a Debian or Google package puts it.
pub fn chromium() -> Option<std::path::PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.exists())
}

/// Chromium run headless with `args` (what to render and where to put it), in its
/// own profile folder, quiet on the network; its output.
pub fn headless(args: &[&str], profile: &Path) -> std::process::Output {
    let chromium = chromium().expect(
        "this test renders HTML in headless Chromium: install Debian's chromium package \
         (apt-get install chromium), which `bash .ci/run` does",
    );
    std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

/// A listing page read from JSON-LD whose seller is `name` (hostile names in tests).
pub fn hostile_page(id: &str, name: &str) -> Vec<u8> {
    let product = serde_json::json!({
        "@context": "https://schema.org", "@type": "Product",
        "name": format!("Acme X1 Wireless Noise-Cancelling Headphones {name}"),
        "brand": {"@type": "Brand", "name": "Acme"}, "gtin13": "0012345678905",
        "offers": {"@type": "Offer", "price": "99.00", "priceCurrency": "USD",
                   "seller": {"@type": "Organization", "name": name, "identifier": name}}
    });
    format!(
        "<html><head><script type=\"application/ld+json\">{}</script></head><body>{id}</body></html>",
        product.to_string().replace("</", "<\\/")
    )
    .into_bytes()
}

/// Records shopusa listing `id` sold by `name` as scan `scan` saw it (capture,
/// observation, findings), without a marketplace: hostile names in tests.
pub fn record(
    store: &Store,
    config: &Config,
    scan: u64,
    id: &str,
    name: &str,
) -> Vec<brandguard::evidence::FindingStatus> {
    let at = brandguard::demo::night_date(0);
    let (v, recorded) = observe(store, config, scan, at, id, hostile_page(id, name));
    assert!(!v.findings.is_empty(), "{name:.40}: {:?}", v.sku_match);
    recorded
}

/// Records what scan `scan` (dated `at`) read on shopusa listing `id` whose page
/// is `body`: its capture, and its observation with the findings the judge
/// gives. The judge's verdict, and what the store made of the findings.
pub fn observe(
    store: &Store,
    config: &Config,
    scan: u64,
    at: chrono::DateTime<chrono::Utc>,
    id: &str,
    body: Vec<u8>,
) -> (
    brandguard::judge::Verdict,
    Vec<brandguard::evidence::FindingStatus>,
) {
    let m = config.marketplace("shopusa").unwrap();
    let url = m.base_url.join(&format!("/item/{id}")).unwrap();
    let page = brandguard::crawl::Page::saved(url, body);
    let snap = store.put_snapshot(&page.body).unwrap();
    let seq = store.record_capture(scan, &page, &snap).unwrap();
    let listing = brandguard::extract::listing(&page, m);
    let v = brandguard::judge::judge(&config.brand, &listing, at, None);
    let obs = brandguard::evidence::Observation {
        scan_id: scan,
        seq: 0,
        page,
        snapshot: snap,
        listing,
        sku_match: v.sku_match.clone(),
        findings: v.findings.iter().map(|f| f.kind).collect(),
        finding_details: Default::default(),
        notes: v.notes.clone(),
        log_seq: 0,
        capture_log_seq: seq,
        tool: String::new(),
        observed_at: Some(at),
        promotion: None,
        authorized_seller: v.authorized_seller.clone(),
    };
    let recorded = store.record_observation(obs, &v.findings).unwrap();
    (v, recorded)
}

/// A scan started from `scan` (see [`scan_command`]) with its info-level JSON logs
/// read as they come: `acks` receives the log sequence number of every "evidence
/// acknowledged as stored" line, and `reader` ends with the last one seen. Tests that
/// kill a scan wait on these instead of a fixed time, which a slow machine outruns.
pub struct AcknowledgedScan {
    pub child: std::process::Child,
    pub acks: std::sync::mpsc::Receiver<u64>,
    pub reader: std::thread::JoinHandle<Option<u64>>,
}

impl AcknowledgedScan {
    pub fn spawn(mut scan: std::process::Command) -> Self {
        // -v: info-level JSON logs on stderr carry the acknowledgements.
        scan.arg("-v")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut child = scan.spawn().expect("the scan starts");
        let stderr = child.stderr.take().expect("stderr piped");
        let (tx, acks) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            use std::io::BufRead;
            let mut acknowledged = None;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if line.contains("evidence acknowledged as stored")
                    && let Some(seq) = serde_json::from_str::<serde_json::Value>(&line)
                        .ok()
                        .and_then(|v| v["fields"]["log_seq"].as_u64())
                {
                    acknowledged = Some(seq);
                    let _ = tx.send(seq);
                }
            }
            acknowledged
        });
        AcknowledgedScan {
            child,
            acks,
            reader,
        }
    }

    /// Waits (at most a minute) for the next acknowledgement; its log sequence number.
    pub fn next_ack(&self) -> u64 {
        self.acks
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the scan acknowledges stored evidence")
    }

    /// SIGKILL (no chance to flush or clean up), then the exit status and the last
    /// acknowledgement seen.
    pub fn kill(mut self) -> (std::process::ExitStatus, Option<u64>) {
        std::process::Command::new("kill")
            .args(["-9", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        let status = self.child.wait().expect("the scan is reaped");
        let last = self.reader.join().expect("log reader");
        (status, last)
    }
}

/// The SHA-256 (hex) of the first snapshot of a closed store, in key order.
pub fn first_snapshot(store: &Path) -> String {
    let db = brandguard::evidence::open_sled(store).expect("sled");
    let (k, _) = db
        .open_tree("snapshots")
        .expect("tree")
        .first()
        .expect("read")
        .expect("a snapshot");
    hex::encode(k)
}

/// Flips one byte in the middle of snapshot `sha`'s compressed bytes in its pack
/// file, as someone with the store's files would. The store must be closed.
pub fn flip_stored_byte(store: &Path, sha: &str) {
    use std::os::unix::fs::FileExt;
    let (file, offset, len) = Store::open(store)
        .expect("open")
        .snapshot_location(sha)
        .expect("location")
        .expect("the snapshot is in a pack");
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&file)
        .expect("pack");
    let at = offset + len / 2;
    let mut b = [0u8; 1];
    f.read_exact_at(&mut b, at).expect("read");
    f.write_all_at(&[b[0] ^ 0x01], at).expect("write");
}

/// Replaces snapshot `sha`'s stored value with its content changed by `edit` and
/// compressed again (a forger who re-compresses, so it still decompresses). The
/// store must be closed.
pub fn forge_snapshot(store: &Path, sha: &str, edit: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = Store::open(store)
        .expect("open")
        .snapshot(sha)
        .expect("read")
        .expect("the snapshot");
    edit(&mut bytes);
    let db = brandguard::evidence::open_sled(store).expect("sled");
    db.open_tree("snapshots")
        .expect("tree")
        .insert(
            hex::decode(sha).expect("hex"),
            zstd::encode_all(bytes.as_slice(), 3).expect("compress"),
        )
        .expect("insert");
    db.flush().expect("flush");
}

/// The run summary at `path`, asserted to be that of a scan stopped by SIGTERM
/// after it had fetched pages.
pub fn stopped_by_sigterm(path: &Path) -> serde_json::Value {
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the summary")).expect("json");
    assert!(
        summary["stopped"]
            .as_str()
            .is_some_and(|s| s.contains("interrupted by SIGTERM")),
        "{summary}"
    );
    assert!(
        summary["pages_fetched"].as_u64().unwrap_or(0) > 0,
        "{summary}"
    );
    summary
}

/// Records a rendered capture of `capture` without a browser: `png` as its
/// screenshot, taken `at` (RFC 3339), showing otherwise as `shows_otherwise` says.
pub fn fake_render(
    store: &Store,
    capture: &brandguard::evidence::Observation,
    png: &[u8],
    at: &str,
    shows_otherwise: &[String],
) -> brandguard::evidence::RenderRecord {
    let url = url::Url::parse(&capture.listing.url).expect("a listing URL");
    let at = chrono::DateTime::parse_from_rfc3339(at)
        .expect("an RFC 3339 time")
        .to_utc();
    let page = brandguard::evidence::PageToRender {
        marketplace: capture.listing.marketplace.clone(),
        listing_id: capture.listing.listing_id.clone(),
        url: url.clone(),
        capture_log_seq: capture.capture_log_seq,
        snapshot_sha256: capture.snapshot.sha256.clone(),
        offer: capture.listing.offer(),
    };
    let rendered = brandguard::render::Rendered {
        dom: b"<html></html>".to_vec(),
        png: png.to_vec(),
        meta: brandguard::render::RenderMeta {
            browser: "Chrome/1".into(),
            user_agent: "test".into(),
            viewport_width: 1280,
            viewport_height: 800,
            device_scale: 1,
            final_url: url.to_string(),
            url,
            started_at: at,
            loaded_ms: 1,
            settled_ms: 1,
            finished_at: at,
            page_height: 800,
            captured_height: 800,
            document: None,
            clicked: Vec::new(),
            requests: Vec::new(),
        },
    };
    store
        .record_render(page.of(0, shows_otherwise), rendered)
        .expect("a render recorded")
}

/// Copies folder `from` into `to` (made if missing), recursively: a targets folder
/// a test edits without touching the repository's.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            copy_dir(&p, &to.join(p.file_name().unwrap()));
        } else {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}
