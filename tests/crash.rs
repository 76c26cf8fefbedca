//! Power cuts at random moments: seeded `kill -9`s of scans of a 600-listing demo over
//! two nights or more, until at least 20 kills have landed (later nights answered
//! mostly with 304s, with removed listings and faults), some while the scan opens
//! its store, some while it captures pages, each followed by `evidence verify`. The store the interrupted scans end
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

/// Waits for the scan's "scan started" log line (JSON logs on a pipe) and keeps
/// its stderr drained so it never blocks; false if it ended first.
fn started_line(child: &mut std::process::Child) -> bool {
    use std::io::BufRead;
    let Some(err) = child.stderr.take() else {
        return false;
    };
    let mut lines = std::io::BufReader::new(err).lines();
    let started = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("scan started"));
    std::thread::spawn(move || lines.for_each(drop));
    started
}

/// Keeps the child's stderr drained so it never blocks on a full pipe.
fn drain(child: &mut std::process::Child) {
    if let Some(err) = child.stderr.take() {
        std::thread::spawn(move || std::io::copy(&mut { err }, &mut std::io::sink()));
    }
}

/// `evidence verify` passes; the number of captures it counted.
fn verify(store: &Path) -> u64 {
    let out = Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .args(["evidence", "verify", "--store"])
        .arg(store)
        .output()
        .expect("verify runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "verify after a kill: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // "OK: N snapshots, M log records (C captures, O observations, I seller identities), …"
    text.split(" captures")
        .next()
        .and_then(|t| t.rsplit('(').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
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
    let (mut kills, mut progressed) = (0, 0);
    // Two nights at least, more while fewer than 20 kills have landed (a night
    // whose scan runs to its end stops being killable).
    let mut nights = 0u64;
    for night in 0..5 {
        if night >= 2 && kills >= 20 {
            break;
        }
        nights += 1;
        server.set_night(night);
        // The control run, timed: its start-up (to the "scan started" log line:
        // store opened and recovered, robots read) and its work after that.
        let t0 = Instant::now();
        let mut control_run = scan(&targets, &control, &server)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        started_line(&mut control_run);
        let startup = t0.elapsed();
        let status = control_run.wait().unwrap();
        assert!(
            status.code().is_some_and(|c| c == 0 || c == 3),
            "control scan: {status}"
        );
        let work = t0.elapsed().saturating_sub(startup);
        // Kill the scan of the same night at random moments, each time resuming
        // what the last one left: half the moments fall in its start-up (opening a
        // store a kill has just interrupted), half while it captures pages (after
        // its "scan started" line, within the first 60% of the control's working
        // time). At most twelve kills a night, then a run to the end. (Moments
        // drawn from the whole run time, as before, left too few kills once scans
        // got cheaper: the scans finished after 13 in all.)
        let mut landed = 0;
        for _ in 0..40 {
            if finished_scans(&crashed) > night as usize || landed >= 12 {
                break;
            }
            let before = if crashed.exists() {
                verify(&crashed)
            } else {
                0
            };
            let mut child = scan(&targets, &crashed, &server)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            if rng.random_bool(0.5) {
                drain(&mut child);
                tokio::time::sleep(startup.mul_f64(rng.random_range(0.05..0.95))).await;
            } else {
                started_line(&mut child);
                tokio::time::sleep(work.mul_f64(rng.random_range(0.05..0.60))).await;
            }
            let killed = child.try_wait().unwrap().is_none();
            if killed {
                child.kill().unwrap();
            }
            child.wait().unwrap();
            // Kills after which the store holds more captures than before cut a
            // scan past a group commit (a kill before its first commit leaves
            // nothing of that run, as it must).
            let after = verify(&crashed);
            if killed {
                landed += 1;
                kills += 1;
                progressed += u32::from(after > before);
            }
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
    let want = common::outcome(&control, nights);
    let got = common::outcome(&crashed, nights);
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
    eprintln!("{kills} kills landed mid-scan, {progressed} of them after captures were committed");
    assert!(kills >= 20, "only {kills} kills landed mid-scan");
    assert!(
        progressed >= 3,
        "only {progressed} kills came after a group commit"
    );
}
