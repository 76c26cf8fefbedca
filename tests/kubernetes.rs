//! Sharded scans and the merge, run the way `deploy/kubernetes/brandguard-nightly.yaml`
//! runs them: the manifest is parsed, checked to be an Indexed Job with one pod per
//! shard plus the merge pod, and its container script is run for every completion
//! index at once, as separate processes of the real binary, against the demo
//! marketplace on loopback.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::Store;

const MANIFEST: &str = "deploy/kubernetes/brandguard-nightly.yaml";

/// `(marketplace, listing id)` of every observation of every scan of a store.
fn observed(store: &Store) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for scan in store.scans() {
        let scan = scan.unwrap();
        for o in store.observations(scan.scan_id) {
            let o = o.unwrap();
            out.push((o.listing.marketplace, o.listing.listing_id));
        }
    }
    out
}

fn env_of(container: &serde_norway::Value, name: &str) -> String {
    container["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|e| e["name"].as_str() == Some(name))
        .and_then(|e| e["value"].as_str())
        .unwrap_or_else(|| panic!("env {name} in the manifest"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manifest_shards_scan_and_merge_into_one_verifiable_store() {
    // The manifest: a CronJob of an Indexed Job, SHARDS + 1 completions in parallel.
    let text = std::fs::read_to_string(MANIFEST).unwrap();
    let docs: Vec<serde_norway::Value> = serde_norway::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect();
    let cron = docs
        .iter()
        .find(|d| d["kind"].as_str() == Some("CronJob"))
        .expect("a CronJob");
    assert_eq!(cron["apiVersion"].as_str(), Some("batch/v1"));
    assert_eq!(cron["spec"]["concurrencyPolicy"].as_str(), Some("Forbid"));
    let job = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(job["completionMode"].as_str(), Some("Indexed"));
    let container = &job["template"]["spec"]["containers"][0];
    let shards: u32 = env_of(container, "SHARDS").parse().unwrap();
    assert!(shards >= 2);
    assert_eq!(job["completions"].as_u64(), Some(u64::from(shards) + 1));
    assert_eq!(job["parallelism"].as_u64(), Some(u64::from(shards) + 1));
    assert_eq!(
        container["command"].as_sequence().unwrap().len(),
        2,
        "sh -c"
    );
    let script = container["args"][0].as_str().expect("the pod script");
    let claim = docs
        .iter()
        .find(|d| d["kind"].as_str() == Some("PersistentVolumeClaim"))
        .expect("the shared volume");
    assert_eq!(
        claim["spec"]["accessModes"][0].as_str(),
        Some("ReadWriteMany")
    );

    // The demo, large enough for several search categories (units) per marketplace,
    // with rate limits high enough for a quick test (still divided among shards).
    let server = DemoServer::start(&DemoOptions {
        listings_per_site: 1500,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let targets = data.path().join("targets");
    brandguard::demo::write_targets(&targets, Some(&server)).unwrap();
    for m in ["shopusa", "tmart", "bidbay"] {
        let p = targets.join(format!("marketplaces/{m}.toml"));
        let t = std::fs::read_to_string(&p).unwrap();
        let line = t
            .lines()
            .find(|l| l.starts_with("rate_limit"))
            .unwrap()
            .to_string();
        std::fs::write(
            &p,
            t.replace(&line, "rate_limit = { per_second = 400.0, burst = 8 }"),
        )
        .unwrap();
    }

    // Every pod of the Job, at once, as a process running the manifest's script.
    let exe = Path::new(env!("CARGO_BIN_EXE_brandguard"));
    let path = format!(
        "{}:{}",
        exe.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let children: Vec<_> = (0..=shards)
        .map(|index| {
            Command::new("/bin/sh")
                .arg("-c")
                .arg(script)
                .env("PATH", &path)
                .env("JOB_COMPLETION_INDEX", index.to_string())
                .env("JOB_NAME", "brandguard-nightly-29000000")
                .env("SHARDS", shards.to_string())
                .env("DATA", data.path())
                .env("TARGETS", &targets)
                .env("MERGE_WAIT_SECS", "300")
                .env("POLL_SECS", "1")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    for (i, o) in outputs.iter().enumerate() {
        assert!(
            o.status.success(),
            "pod {i}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let merge_out = String::from_utf8_lossy(&outputs[shards as usize].stdout).to_string();
    assert!(
        merge_out.contains("OK:"),
        "the merge pod verified: {merge_out}"
    );

    // The shards took disjoint shares that cover the whole demo, each host's rate
    // divided among the shards that asked it.
    let truth = server.ground_truth();
    let live: BTreeSet<(String, String)> = truth
        .listings
        .iter()
        .map(|l| (l.marketplace.clone(), l.listing_id.clone()))
        .collect();
    let mut union: Vec<(String, String)> = Vec::new();
    let mut units = 0;
    for i in 0..shards {
        let dir = data.path().join(format!("shards/{i}/store"));
        let store = Store::open(&dir).unwrap();
        store.verify().expect("each shard store verifies");
        union.extend(observed(&store));
        let summary: serde_json::Value = serde_json::from_slice(
            &std::fs::read(
                data.path()
                    .join(format!("runs/brandguard-nightly-29000000/shard-{i}.json")),
            )
            .unwrap(),
        )
        .unwrap();
        let plan = &summary["shard"];
        assert_eq!(plan["shard"], format!("{i}/{shards}"));
        for (m, starts) in plan["start_urls"].as_object().unwrap() {
            units += starts.as_array().unwrap().len();
            let k = plan["rate_divided_by"][m].as_u64().unwrap();
            assert!(k >= 1 && k <= u64::from(shards), "{m}: divided by {k}");
        }
    }
    assert_eq!(
        units, 9,
        "three search categories on each of three marketplaces"
    );
    let union_set: BTreeSet<_> = union.iter().cloned().collect();
    assert_eq!(
        union.len(),
        union_set.len(),
        "no listing scanned by two shards"
    );
    assert_eq!(
        union_set, live,
        "the shards together saw every live listing"
    );

    // The merged store: every observation once, the findings the demo expects, a
    // chain that verifies.
    let main_dir = data.path().join("store");
    let log_len;
    {
        let main = Store::open(&main_dir).unwrap();
        main.verify().expect("the merged store verifies");
        let merged = observed(&main);
        let merged_set: BTreeSet<_> = merged.iter().cloned().collect();
        assert_eq!(merged.len(), union.len(), "nothing lost or duplicated");
        assert_eq!(merged_set, live);
        let scans: Vec<_> = main.scans().map(Result::unwrap).collect();
        assert_eq!(scans.len(), 1, "one night's shards make one scan");
        let found = brandguard::scan::findings_of_scan(&main, scans[0].scan_id).unwrap();
        assert_eq!(found, truth.expected_findings());
        // Each shard's scan is pinned in the merged chain by its source log head.
        let pinned = main
            .log()
            .map(Result::unwrap)
            .filter(|r| r.kind == "shard_merged")
            .filter(|r| {
                r.payload["source_log_head"]
                    .as_str()
                    .is_some_and(|h| h.len() == 64)
            })
            .count();
        assert_eq!(pinned, shards as usize);
        // A case that gained many findings in the night lists every one, with a
        // history line for the first 20 and one line counting the rest.
        let cases = brandguard::case::all(&main).unwrap();
        let big = cases.iter().filter(|c| c.findings.len() > 20).count();
        assert!(
            big > 0,
            "the large demo puts more than 20 findings in a case"
        );
        for c in &cases {
            let each = c
                .events
                .iter()
                .filter(|e| e.action == "finding_added")
                .count();
            assert_eq!(each, c.findings.len().min(20), "{}", c.id);
            let rest: Vec<_> = c
                .events
                .iter()
                .filter(|e| e.action == "findings_added")
                .collect();
            if c.findings.len() > 20 {
                assert_eq!(rest.len(), 1, "{}", c.id);
                let reason = rest[0].reason.as_deref().unwrap_or("");
                assert!(
                    reason.starts_with(&format!(
                        "and {} more findings added",
                        c.findings.len() - 20
                    )),
                    "{reason}"
                );
            } else {
                assert!(rest.is_empty(), "{}", c.id);
            }
        }
        log_len = main.log_len();
    }

    // Merging again changes nothing.
    let again = Command::new(exe)
        .args(["evidence", "merge", "--store"])
        .arg(&main_dir)
        .arg("--targets")
        .arg(&targets)
        .args((0..shards).map(|i| data.path().join(format!("shards/{i}/store"))))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{text}");
    assert!(
        text.contains(&format!("merged 0 shard scans (0 captures, 0 observations, 0 new snapshots); {shards} already merged")),
        "{text}"
    );
    assert_eq!(Store::open(&main_dir).unwrap().log_len(), log_len);
}
