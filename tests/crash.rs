//! Power cuts at random moments: seeded `kill -9`s of scans of a 600-listing demo over
//! two nights (the second answered mostly with 304s, with removed listings and
//! faults), each followed by `evidence verify`. The store the interrupted scans end
//! with must equal an uninterrupted control run's: the same listings, one observation
//! per listing per scan, the same findings and cases, and never a page behind the
//! wrong listing.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use brandguard::demo::{DemoOptions, DemoServer, Fault, Site};
use brandguard::evidence::Store;
use rand::{RngExt, SeedableRng};

mod common;

fn scan(targets: &Path, store: &Path, server: &DemoServer) -> Command {
    let mut c = common::scan_command(targets, store, &store.with_extension("json"), server);
    c.arg("--benchmark-unthrottled")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Scans the store holds that finished.
fn finished_scans(path: &Path) -> usize {
    if !path.exists() {
        return 0;
    }
    let store = Store::open(path).expect("store opens");
    store
        .scans()
        .filter(|s| s.as_ref().expect("scan record").finished_at.is_some())
        .count()
}

fn verify(store: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .args(["evidence", "verify", "--store"])
        .arg(store)
        .output()
        .expect("verify runs");
    assert!(
        out.status.success(),
        "verify after a kill: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scans_killed_at_random_moments_end_as_an_uninterrupted_run() {
    let server = DemoServer::start(&DemoOptions {
        seed: 7,
        listings_per_site: 200,
        port: 0,
        // A flaky host: failures (retried) and their records mid-scan.
        faults: vec![(Site::Tmart, Fault::Flaky503 { every: 7 })],
        ..DemoOptions::default()
    })
    .await
    .expect("demo starts");
    // CRASH_KEEP=1 keeps the stores for a look after a failure.
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    let _guard = match std::env::var_os("CRASH_KEEP") {
        Some(_) => {
            eprintln!("stores kept in {}", tmp.keep().display());
            None
        }
        None => Some(tmp),
    };
    let targets = root.join("targets");
    brandguard::demo::write_targets(&targets, Some(&server)).expect("targets");
    let control = root.join("control");

    let crashed = root.join("crashed");
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261130);
    let mut kills = 0;
    for night in 0..2 {
        server.set_night(night);
        let started = Instant::now();
        let status = scan(&targets, &control, &server).status().unwrap();
        assert!(
            status.code().is_some_and(|c| c == 0 || c == 3),
            "control scan: {status}"
        );
        let took = started.elapsed();
        // Kill the scan of the same night at random moments within its run time,
        // each time resuming what the last one left, until it finishes.
        for _ in 0..16 {
            if finished_scans(&crashed) > night as usize {
                break;
            }
            let mut child = scan(&targets, &crashed, &server).spawn().unwrap();
            let at = took.mul_f64(rng.random_range(0.03..0.45));
            tokio::time::sleep(at).await;
            if child.try_wait().unwrap().is_none() {
                child.kill().unwrap();
                kills += 1;
            }
            child.wait().unwrap();
            verify(&crashed);
        }
        if finished_scans(&crashed) <= night as usize {
            let status = scan(&targets, &crashed, &server).status().unwrap();
            assert!(
                status.code().is_some_and(|c| c == 0 || c == 3),
                "final scan: {status}"
            );
        }
        assert_eq!(
            finished_scans(&crashed),
            night as usize + 1,
            "one scan per night"
        );
        verify(&crashed);
    }
    let want = common::outcome(&control, 2);
    let got = common::outcome(&crashed, 2);
    for (scan, (w, g)) in want.scans.iter().zip(&got.scans).enumerate() {
        let doubled: Vec<_> = g
            .iter()
            .filter(|(_, v)| v.0 != 1)
            .map(|(k, v)| (k, v.0))
            .collect();
        assert!(
            doubled.is_empty(),
            "scan {}: observed more than once: {doubled:?}",
            scan + 1
        );
        let missing: Vec<_> = w.keys().filter(|k| !g.contains_key(*k)).collect();
        let extra: Vec<_> = g.keys().filter(|k| !w.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "scan {}: missing {missing:?}, extra {extra:?}",
            scan + 1
        );
        let differs: Vec<_> = w
            .iter()
            .filter(|(k, v)| g.get(*k) != Some(v))
            .map(|(k, v)| format!("{k}: control {v:?}, crashed {:?}", g.get(k)))
            .take(8)
            .collect();
        assert!(
            differs.is_empty(),
            "scan {}: what was read differs:\n{}",
            scan + 1,
            differs.join("\n")
        );
    }
    let differs: Vec<_> = want
        .findings
        .iter()
        .filter(|(k, v)| got.findings.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: control {v:?}, crashed {:?}", got.findings.get(k)))
        .take(8)
        .collect();
    assert!(
        differs.is_empty() && want.findings.len() == got.findings.len(),
        "findings differ ({} vs {}):\n{}",
        want.findings.len(),
        got.findings.len(),
        differs.join("\n")
    );
    assert_eq!(want.cases, got.cases);
    assert!(
        want.scans[0].len() >= 550,
        "the control saw only {} listings",
        want.scans[0].len()
    );
    eprintln!("{kills} kills landed mid-scan");
    assert!(kills >= 20, "only {kills} kills landed mid-scan");
}
