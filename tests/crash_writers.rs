//! The other writers killed at each window between their writes (a failure point
//! that aborts the process, as `kill -9` would, in debug builds): `evidence merge`
//! after a shard scan is copied and after it is marked, `packet` between its two
//! renames, `report compliance` between its files. Each time `evidence verify`
//! passes, the next run completes, and the result equals an uninterrupted run's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::Store;

mod common;

fn brandguard(args: &[&str], failpoint: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_brandguard"));
    c.args(args).env_remove("BRANDGUARD_FAILPOINT");
    if let Some(f) = failpoint {
        c.env("BRANDGUARD_FAILPOINT", f);
    }
    c.output().expect("brandguard runs")
}

fn ok(out: &Output, what: &str) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what}: {text}");
    text
}

fn killed(out: &Output, what: &str) {
    assert!(
        !out.status.success() && out.status.code().is_none(),
        "{what} was to die at its failure point: {} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_packet_and_report_killed_between_writes_complete_on_the_next_run() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let targets = root.join("targets");
    brandguard::demo::write_targets(&targets, Some(&server)).unwrap();
    // One capture confirms a finding: the packet below is built after one night
    // (confirmation has its own tests in tests/confirm.rs).
    let brand = targets.join("brand.toml");
    let text = std::fs::read_to_string(&brand).unwrap();
    std::fs::write(&brand, format!("{text}\n[confirm]\ncaptures = 1\n")).unwrap();
    let shards: Vec<PathBuf> = (0..2).map(|i| root.join(format!("shard-{i}"))).collect();
    for (i, shard) in shards.iter().enumerate() {
        let out = brandguard(
            &[
                "scan",
                "--targets",
                p(&targets),
                "--store",
                p(shard),
                "--shard",
                &format!("{i}/2"),
                "--benchmark-unthrottled",
            ],
            None,
        );
        assert!(
            out.status.code().is_some_and(|c| c == 0 || c == 3),
            "shard {i}"
        );
    }
    let merge = |store: &Path, failpoint: Option<&str>| {
        let mut args = vec![
            "evidence",
            "merge",
            "--store",
            p(store),
            "--targets",
            p(&targets),
        ];
        args.extend(shards.iter().map(|s| p(s)));
        brandguard(&args, failpoint)
    };
    let verify = |store: &Path, what: &str| {
        ok(
            &brandguard(&["evidence", "verify", "--store", p(store)], None),
            what,
        )
    };
    let control = root.join("control");
    ok(&merge(&control, None), "control merge");
    let want = common::outcome(&control, 1);
    // Seller identities come along, each once, pointing at its capture as copied
    // (verify checks it), whatever shard read it.
    let identities = |store: &Path| {
        let s = brandguard::evidence::Store::open(store).unwrap();
        let all: Vec<_> = s
            .log_of_kind(brandguard::evidence::IDENTITY_KIND)
            .map(|r| r.unwrap().payload["identity"].clone())
            .collect();
        let mut keys: Vec<String> = all
            .iter()
            .map(|i| format!("{}/{}", i["marketplace"], i["seller_id"]))
            .collect();
        keys.sort();
        (all.len(), keys)
    };
    let want_identities = identities(&control);
    assert!(want_identities.0 >= 7, "{want_identities:?}");
    assert!(
        want.scans[0].len() >= 60,
        "{} listings merged",
        want.scans[0].len()
    );

    // Merge: killed after copying the first shard scan (not yet marked), after
    // marking it, after copying the second.
    for point in [
        "merge-copied:1",
        "merge-marked:1",
        "merge-copied:2",
        "merge-marked:2",
    ] {
        let store = root.join(point.replace(':', "-"));
        killed(&merge(&store, Some(point)), point);
        verify(&store, &format!("verify after {point}"));
        let text = ok(&merge(&store, None), &format!("merge after {point}"));
        verify(
            &store,
            &format!("verify after the merge that followed {point}"),
        );
        assert_eq!(common::outcome(&store, 1), want, "{point}: {text}");
        assert_eq!(identities(&store), want_identities, "{point}");
        assert_eq!(
            brandguard::evidence::Store::open(&store)
                .unwrap()
                .scans()
                .count(),
            1,
            "{point}: the night completed in the scan the killed merge began"
        );
    }

    // Packet: killed with the folder renamed into place and the zip not.
    let case_id = brandguard::case::all(&brandguard::evidence::Store::open(&control).unwrap())
        .unwrap()
        .into_iter()
        .find(|c| !c.state.is_done())
        .expect("an open case")
        .id;
    let packets = root.join("packets");
    let packet = |failpoint| {
        brandguard(
            &[
                "packet",
                "--case",
                &case_id,
                "--targets",
                p(&targets),
                "--store",
                p(&control),
                "--out",
                p(&packets),
            ],
            failpoint,
        )
    };
    killed(&packet(Some("packet-between-renames")), "packet");
    let text = ok(&packet(None), "packet after the kill");
    assert!(
        text.contains("revision 1") && text.contains("moved to"),
        "{text}"
    );
    let zip = std::fs::read_dir(&packets)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .expect("the zip");
    ok(
        &brandguard(&["packet", "verify", p(&zip), "--store", p(&control)], None),
        "packet verify",
    );

    // Report: killed after scorecards.csv was replaced and before violations.csv
    // was written; and while a file's bytes were written but not yet renamed. Of
    // the month the scans ran in (they are dated when they run), so that the
    // report has violations to write.
    let period = {
        let store = Store::open(&control).unwrap();
        let scan = store.scans().next().unwrap().unwrap();
        scan.date().format("%Y-%m").to_string()
    };
    let report = root.join("report");
    let run_report = |failpoint| {
        brandguard(
            &[
                "report",
                "compliance",
                "--period",
                &period,
                "--targets",
                p(&targets),
                "--store",
                p(&control),
                "--out",
                p(&report),
            ],
            failpoint,
        )
    };
    ok(&run_report(None), "first report");
    let before = std::fs::read(report.join("violations.csv")).unwrap();
    assert!(
        String::from_utf8_lossy(&before).lines().count() > 1,
        "the report has violations"
    );
    for point in ["report-between-files", "report-file-written:2"] {
        killed(&run_report(Some(point)), point);
        assert_eq!(
            std::fs::read(report.join("violations.csv")).unwrap(),
            before,
            "{point}: the previous violations.csv is whole"
        );
        let names: Vec<String> = std::fs::read_dir(&report)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.ends_with(".csv")
                || ["scorecards.csv", "violations.csv", "coverage.csv"].contains(&n.as_str())),
            "{point}: {names:?}"
        );
        ok(&run_report(None), &format!("report after {point}"));
        assert_eq!(
            std::fs::read(report.join("violations.csv")).unwrap(),
            before
        );
    }
}

/// A scan killed after it moved cases and before its `scan_finished` record (its
/// last two writes), and killed again after writing its report rows file: the
/// store verifies after each kill, the same command resumes and concludes it
/// again, and the store ends as an uninterrupted run's, each case with as many events (nothing
/// moved twice), over three nights of a changing demo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_killed_after_moving_cases_concludes_once_when_resumed() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let targets = root.join("targets");
    brandguard::demo::write_targets(&targets, Some(&server)).unwrap();
    let (control, crashed) = (root.join("control"), root.join("crashed"));
    let scan = |store: &Path, failpoint| {
        brandguard(
            &[
                "scan",
                "--targets",
                p(&targets),
                "--store",
                p(store),
                "--benchmark-unthrottled",
            ],
            failpoint,
        )
    };
    let finished = |o: &Output, what: &str| {
        assert!(
            o.status.code().is_some_and(|c| c == 0 || c == 3),
            "{what}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    for night in 0..3 {
        server.set_night(night);
        finished(&scan(&control, None), "control");
        killed(&scan(&crashed, Some("scan-cases-moved")), "scan");
        Store::open(&crashed)
            .unwrap()
            .verify()
            .expect("verify after the kill");
        // Killed again, resumed: between its report rows file and the record
        // vouching for it (a window the random kills of tests/crash.rs hit once).
        killed(&scan(&crashed, Some("scan-rows-written")), "resumed scan");
        Store::open(&crashed)
            .unwrap()
            .verify()
            .expect("verify after a kill between the rows and their record");
        finished(&scan(&crashed, None), "resumed scan");
        let store = Store::open(&crashed).unwrap();
        store.verify().unwrap();
        assert_eq!(
            store.scans().count() as u32,
            night + 1,
            "resumed, not begun again"
        );
    }
    assert_eq!(common::outcome(&control, 3), common::outcome(&crashed, 3));
    let events = |path: &Path| {
        let store = Store::open(path).unwrap();
        brandguard::case::all(&store)
            .unwrap()
            .into_iter()
            .map(|c| (c.id, c.events.len()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let want = events(&control);
    assert!(!want.is_empty());
    assert_eq!(want, events(&crashed));
}

/// The shard context a merge writes for the next night cannot be written (its path
/// is taken by a folder): the merge still merges, writes its summary and exits as
/// it would, saying what was not written; the next night's shard reading that
/// path says it rechecks nothing from it; a context file that is not JSON is a
/// bad configuration naming the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shard_context_that_cannot_be_written_costs_the_merge_nothing() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let targets = root.join("targets");
    brandguard::demo::write_targets(&targets, Some(&server)).unwrap();
    let shard = root.join("shard0");
    let store = root.join("night").join("store");
    let context = root.join("night").join("shard-context.json");
    std::fs::create_dir_all(context.join("in-the-way")).unwrap();
    let shard_scan = |context_from: &Path| {
        common::scan_command(&targets, &shard, &shard.with_extension("json"), &server)
            .args(["--shard", "0/1", "--fresh", "--context-from"])
            .arg(context_from)
            .output()
            .unwrap()
    };
    let o = shard_scan(&root.join("nowhere.json"));
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("no listing rechecked from it"),
        "{o:?}"
    );
    let merge = brandguard(
        &[
            "evidence",
            "merge",
            "--targets",
            p(&targets),
            "--store",
            p(&store),
            p(&shard),
        ],
        None,
    );
    let text = ok(&merge, "merge");
    assert!(text.contains("shard-context.json not written"), "{text}");
    assert!(root.join("night").join("last-merge.json").exists());
    assert!(context.is_dir(), "nothing was written over the folder");
    std::fs::remove_dir_all(&context).unwrap();
    std::fs::write(&context, "{\"open_listings\": [").unwrap();
    let o = shard_scan(&context);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("shard-context.json") && err.contains("line 1"),
        "{err}"
    );
}
