//! `kill -9` mid-scan, then the same command again: the interrupted scan is resumed,
//! nothing already stored is fetched again, and no observation or finding is doubled.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;

mod common;

use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::Store;

/// A demo market of `listings` listings a site, and a folder for the store and the
/// summary: the nightly command on them.
struct Night {
    server: DemoServer,
    dir: tempfile::TempDir,
}

impl Night {
    async fn start(listings: usize) -> Night {
        let server = DemoServer::start(&DemoOptions {
            listings_per_site: listings,
            ..DemoOptions::default()
        })
        .await
        .unwrap();
        Night {
            server,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store")
    }

    fn summary_path(&self) -> PathBuf {
        self.dir.path().join("last-scan.json")
    }

    /// `brandguard scan` of the demo targets into the store (no failure point).
    fn scan(&self) -> std::process::Command {
        let mut c = common::scan_command(
            Path::new("targets/demo"),
            &self.store(),
            &self.summary_path(),
            &self.server,
        );
        c.env_remove("BRANDGUARD_FAILPOINT");
        c
    }

    /// The summary the last scan wrote.
    fn summary(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.summary_path()).unwrap()).unwrap()
    }

    /// After a scan that stopped: the store verifies, and holds that one scan,
    /// unfinished.
    fn assert_unfinished(&self) {
        let store = Store::open(&self.store()).unwrap();
        store.verify().unwrap();
        let scans: Vec<_> = store.scans().map(|s| s.unwrap()).collect();
        assert_eq!(scans.len(), 1);
        assert!(
            scans[0].finished_at.is_none(),
            "a stopped scan is unfinished"
        );
    }

    /// The same command again: it resumes the stopped scan and finishes it with the
    /// demo's ground truth; its summary.
    fn resume_to_the_ground_truth(&self) -> serde_json::Value {
        let out = self.scan().output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary = self.summary();
        assert!(summary.get("stopped").is_none(), "{summary}");
        assert_eq!(summary["resumed"], true);
        let store = Store::open(&self.store()).unwrap();
        store.verify().unwrap();
        assert_eq!(store.scans().count(), 1, "resumed, not restarted");
        let found = brandguard::scan::findings_of_scan(&store, 1).unwrap();
        assert_eq!(found, self.server.ground_truth().expected_findings());
        summary
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_scan_resumes_without_refetching() {
    let night = Night::start(60).await;
    let (server, store_path) = (&night.server, night.store());
    let scan = || night.scan();

    // Killed once the scan says 40 log records are durable (not after a fixed time: a
    // slow machine had stored nothing 2.5 s in). The first few are robots.txt, search
    // pages and identities; 40 is well past them and well short of the ~400 of the scan.
    let run = common::AcknowledgedScan::spawn(scan());
    while run.next_ack() < 40 {}
    let (status, _) = run.kill();
    assert!(!status.success(), "the kill came after the scan ended");

    // What the killed run left: observed pages must not be asked for again.
    let observed: HashSet<String> = {
        let store = Store::open(&store_path).unwrap();
        store.verify().unwrap();
        store
            .observations(1)
            .map(|o| o.unwrap().page.url.path().to_string())
            .collect()
    };
    assert!(
        !observed.is_empty(),
        "the first run stored nothing before the kill"
    );
    let before = server.requests().len();

    let status = scan()
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let after: Vec<_> = server.requests().into_iter().skip(before).collect();
    for r in &after {
        assert!(
            !observed.contains(r.target.as_str()),
            "{} was fetched again",
            r.target
        );
    }

    let store = Store::open(&store_path).unwrap();
    store.verify().unwrap();
    let scans: Vec<_> = store.scans().map(|s| s.unwrap()).collect();
    assert_eq!(scans.len(), 1, "resumed, not restarted");
    assert!(scans[0].finished_at.is_some());
    // Exactly one observation per listing, and every listing observed.
    let mut per_listing: BTreeMap<(String, String), usize> = BTreeMap::new();
    for o in store.observations(1) {
        let o = o.unwrap();
        *per_listing
            .entry((o.listing.marketplace, o.listing.listing_id))
            .or_default() += 1;
    }
    assert!(
        per_listing.values().all(|n| *n == 1),
        "an observation was doubled"
    );
    assert_eq!(per_listing.len(), server.ground_truth().listings.len());
    let summary = night.summary();
    assert_eq!(summary["resumed"], true);
    assert!(summary["pages_resumed"].as_u64().unwrap() > 0);
    // The whole scan's findings, counted once: the demo's ground truth, exactly.
    let found = brandguard::scan::findings_of_scan(&store, 1).unwrap();
    assert_eq!(found, server.ground_truth().expected_findings());
    assert_eq!(
        summary["findings_new"].as_u64().unwrap() as usize,
        found.len()
    );
    // The listings of both runs, each counted once (the earlier part at resume).
    assert_eq!(
        summary["listings_seen"].as_u64().unwrap() as usize,
        per_listing.len()
    );
    assert_eq!(summary["findings_ongoing"], 0);
    // Each marketplace's listing pages read tonight: both runs' (the compliance
    // report's coverage reads them), so a resumed night is no quiet night.
    let read: u64 = summary["marketplaces"]
        .as_object()
        .unwrap()
        .values()
        .map(|m| m["listing_pages"].as_u64().unwrap())
        .sum();
    assert_eq!(read as usize, per_listing.len());
}

/// The disk fills up mid-scan (a failure point cuts a snapshot's write short with
/// "No space left on device"): the scan stops with exit 1 and the advice, its
/// summary says what it had done and why it stopped (last night's summary is not
/// left to pass for tonight's), the store verifies, and the next scan resumes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_stopped_by_a_full_disk_says_so_and_the_next_resumes_it() {
    let night = Night::start(30).await;
    std::fs::write(
        night.summary_path(),
        r#"{"scan_id": 7, "pages_fetched": 5}"#,
    )
    .unwrap();

    let out = night
        .scan()
        .env("BRANDGUARD_FAILPOINT", "pack-write:25")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("the disk is full: free space"), "{stderr}");
    assert!(
        stdout.contains("scan 1 STOPPED before it finished") && stdout.contains("not finished ("),
        "{stdout}"
    );
    assert!(
        !stdout.contains("cases:"),
        "a stopped scan moved no case: {stdout}"
    );
    assert!(
        !stdout.contains("coverage") && stdout.contains("so far (stopped)"),
        "a stopped scan's share read is no coverage: {stdout}"
    );
    let summary = night.summary();
    assert_eq!(summary["scan_id"], 1, "{summary}");
    assert!(
        summary["stopped"]
            .as_str()
            .is_some_and(|s| s.contains("No space left on device")),
        "{summary}"
    );
    assert!(summary["finished_at"].is_string());
    // The 25th snapshot write failed: at least the 24 before it were counted.
    assert!(
        summary["pages_fetched"].as_u64().unwrap() >= 24,
        "{summary}"
    );
    assert_eq!(summary["not_looked"].as_array().unwrap().len(), 3);

    night.assert_unfinished();
    let summary = night.resume_to_the_ground_truth();
    assert!(summary["pages_resumed"].as_u64().unwrap() > 0);
}

/// SIGTERM mid-scan (`systemctl stop`, a Kubernetes pod's end): the scan stops
/// without concluding anything, flushes, says so in its summary (exit 1), the
/// store verifies, and the same command resumes and finishes the night.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_asked_to_stop_says_so_and_the_next_resumes_it() {
    let night = Night::start(60).await;
    let mut run = common::AcknowledgedScan::spawn(night.scan());
    while run.next_ack() < 40 {}
    let term = std::process::Command::new("kill")
        .args(["-TERM", &run.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = run.child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{status}");
    let summary = common::stopped_by_sigterm(&night.summary_path());
    assert_eq!(summary["findings_resolved"], 0);
    night.assert_unfinished();
    night.resume_to_the_ground_truth();
}

/// A scan stopped after it had stored pages that were no listings (tmart answering
/// every item page with a captcha, 200 as Taobao's slider does), then resumed: the
/// resumed run reads back what the stopped one stored, and must judge it as the
/// stopped run did. Before, a stored page was read back as a listing page whatever
/// it was: each captcha of the stopped run became an observation "of a listing"
/// (no title, no price), no failure, and tmart counted as looked at in full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_scan_judges_the_pages_it_reads_back_as_the_stopped_one_did() {
    use brandguard::demo::{Fault, Site, Wall};
    use brandguard::scan::{ScanOptions, run};
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let server = std::sync::Arc::new(server);
    let mut faults = vec![(
        Site::Tmart,
        Fault::Wall {
            wall: Wall::Captcha,
            percent: 40,
        },
    )];
    faults.extend(Site::ALL.map(|s| (s, Fault::Slow { millis: 60 })));
    server.set_faults(faults);
    // What the night is without a stop, and which tmart item pages are walled.
    let (_control_dir, control) = common::fresh_store();
    let whole = common::night(&config, &control, 0).await;
    assert!(!whole.failures.is_empty(), "{:?}", whole.failures);
    let paths = |pages: Vec<String>| -> std::collections::BTreeSet<String> {
        pages
            .into_iter()
            .filter(|p| p.starts_with("/detail/"))
            .collect()
    };
    let observed = |st: &Store| {
        paths(
            st.observations(1)
                .map(|o| o.unwrap().page.url.path().to_string())
                .collect(),
        )
    };
    let captured = |st: &Store| {
        paths(
            st.captures(1)
                .unwrap()
                .into_iter()
                .map(|(_, c)| c.page.url.path().to_string())
                .collect(),
        )
    };
    let walled: std::collections::BTreeSet<String> = captured(&control)
        .difference(&observed(&control))
        .cloned()
        .collect();
    assert!(!walled.is_empty());
    // Stopped once a walled page has been answered (and had time to be stored).
    let (_dir, store) = common::fresh_store();
    let before = server.requests().len();
    let stop = Box::pin({
        let (server, walled) = (server.clone(), walled.clone());
        async move {
            while !server
                .requests()
                .iter()
                .skip(before)
                .any(|r| walled.contains(&r.target))
            {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            "the test".to_string()
        }
    });
    let stopped = run(
        &config,
        &store,
        ScanOptions {
            as_of: Some(brandguard::demo::night_date(0)),
            stop: Some(stop),
            ..ScanOptions::default()
        },
    )
    .await;
    assert!(stopped.is_err(), "the scan ended before it was stopped");
    let stored_walled = captured(&store).intersection(&walled).count();
    assert!(
        stored_walled > 0,
        "no walled page stored before the stop: the test proves nothing"
    );
    let resumed = common::night(&config, &store, 0).await;
    assert!(resumed.resumed);
    let (got, want) = (observed(&store), observed(&control));
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(extra.is_empty(), "walled pages read as listings: {extra:?}");
    assert_eq!(got, want);
    // The walled pages are failures tonight, the stored ones too: as without a stop.
    assert_eq!(resumed.failures, whole.failures);
    assert_eq!(resumed.not_looked, whole.not_looked);
    store.verify().unwrap();
}

/// A night stopped after some of its pages, a share of them bot checks no rule
/// knows (nothing read), and resumed: the resumed night counts each such page as
/// the uninterrupted one does, a `nothing_read` failure. The resume counted every
/// page the stopped run recorded as read: past a crash the night was "looked at in
/// full" behind its bot checks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resumed_night_counts_pages_nothing_was_read_from_as_failures() {
    use brandguard::demo::{Fault, Site, Wall};
    let server = DemoServer::start(&DemoOptions {
        listings_per_site: 30,
        faults: vec![(
            Site::Tmart,
            Fault::Wall {
                wall: Wall::Unknown,
                percent: 30,
            },
        )],
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let summary_of = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("last-scan.json")).unwrap()).unwrap()
    };
    let scan = |dir: &Path| {
        let mut c = common::scan_command(
            Path::new("targets/demo"),
            &dir.join("store"),
            &dir.join("last-scan.json"),
            &server,
        );
        c.env_remove("BRANDGUARD_FAILPOINT");
        c
    };
    let whole = tempfile::tempdir().unwrap();
    scan(whole.path()).output().unwrap();
    let whole = summary_of(whole.path());
    let unread = whole["failures"]["nothing_read"].as_u64().unwrap_or(0);
    assert!(unread > 0, "{whole}");

    let dir = tempfile::tempdir().unwrap();
    let out = scan(dir.path())
        .env("BRANDGUARD_FAILPOINT", "pack-write:60")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "stopped part-way");
    let out = scan(dir.path()).output().unwrap();
    let resumed = summary_of(dir.path());
    assert_eq!(resumed["resumed"], true, "{resumed}");
    assert!(resumed["pages_resumed"].as_u64().unwrap() > 0, "{resumed}");
    assert_eq!(
        resumed["failures"]["nothing_read"],
        whole["failures"]["nothing_read"]
    );
    assert_eq!(
        resumed["marketplaces"]["tmart"]["listing_pages"],
        whole["marketplaces"]["tmart"]["listing_pages"],
        "{resumed}"
    );
    assert_eq!(out.status.code(), Some(5), "{resumed}");
}
