//! The Kubernetes deployment (`deploy/kubernetes/brandguard-nightly.yaml`), checked the
//! way a platform team would and then run: the manifest is validated against the
//! schemas of every supported Kubernetes version, its pods are checked for a hardened
//! security context, resources and a pinned image, and its three scripts (controller,
//! shard, merge) run as local processes of the real binary against the demo
//! marketplace on loopback, with a stand-in for kubectl that runs a Job's pods as
//! processes. Two nights: one complete (one alert, shard stores pruned), one where a
//! shard fails for good (the others' evidence merged, one alert naming the lost share,
//! the controller fails).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

mod common;

use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::Store;
use serde_norway::Value;

const MANIFEST: &str = "deploy/kubernetes/brandguard-nightly.yaml";
/// The oldest Kubernetes the manifest is for (`backoffLimitPerIndex`), and the newest
/// kubernetes-validate knows.
const SUPPORTED: std::ops::RangeInclusive<u32> = 29..=37;

fn manifest() -> Vec<Value> {
    let text = std::fs::read_to_string(MANIFEST).unwrap();
    serde_norway::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .collect()
}

fn object<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"].as_str() == Some(kind) && d["metadata"]["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("{kind} {name} in the manifest"))
}

fn container(cron: &Value) -> &Value {
    &cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
}

/// The plain `value:` environment of a container.
fn env_values(container: &Value) -> Vec<(String, String)> {
    container["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_string(),
                e["value"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn env_of(container: &Value, name: &str) -> String {
    env_values(container)
        .into_iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("env {name} in the manifest"))
        .1
}

fn script(container: &Value) -> String {
    assert_eq!(
        container["command"].as_sequence().unwrap().len(),
        2,
        "sh -c"
    );
    container["args"][0]
        .as_str()
        .expect("the pod script")
        .to_string()
}

#[test]
fn manifest_validates_for_every_supported_kubernetes_version() {
    if !common::tool_available(
        "kubernetes-validate",
        "the manifest against Kubernetes' schemas",
    ) {
        return;
    }
    let validate = |version: &str| {
        let o = Command::new("kubernetes-validate")
            .args(["--strict", "-k", version, MANIFEST])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (
            o.status.success() && !text.contains("did not validate"),
            text,
        )
    };
    for minor in SUPPORTED {
        let version = format!("1.{minor}.0");
        let (ok, text) = validate(&version);
        let passed = text.matches(" passed for resource ").count();
        println!("kubernetes-validate --strict -k {version}: {passed} resources passed");
        assert!(ok, "Kubernetes {version}:\n{text}");
        assert_eq!(passed, manifest().len(), "every object checked: {text}");
    }
    // The stated minimum is real: 1.27 does not know backoffLimitPerIndex.
    let (ok, text) = validate("1.27.0");
    assert!(!ok && text.contains("backoffLimitPerIndex"), "{text}");
    println!("kubernetes-validate --strict -k 1.27.0: rejected (backoffLimitPerIndex), as stated");
}

#[test]
fn every_pod_is_hardened_sized_and_pinned() {
    let docs = manifest();
    let version = env!("CARGO_PKG_VERSION");
    let claim = object(&docs, "PersistentVolumeClaim", "brandguard-data");
    assert_eq!(
        claim["spec"]["accessModes"][0].as_str(),
        Some("ReadWriteMany")
    );
    assert!(
        claim["spec"]["storageClassName"].as_str().is_some(),
        "a storage class"
    );
    let nightly = object(&docs, "CronJob", "brandguard-nightly");
    assert_eq!(
        nightly["spec"]["concurrencyPolicy"].as_str(),
        Some("Forbid")
    );
    assert!(
        nightly["spec"]["startingDeadlineSeconds"]
            .as_u64()
            .is_some()
    );
    assert!(
        nightly["spec"]["successfulJobsHistoryLimit"]
            .as_u64()
            .is_some()
    );
    assert!(nightly["spec"]["failedJobsHistoryLimit"].as_u64().is_some());
    let kustomization = std::fs::read_to_string("deploy/kubernetes/kustomization.yaml").unwrap();
    for name in [
        "brandguard-nightly",
        "brandguard-shards",
        "brandguard-merge",
    ] {
        let cron = object(&docs, "CronJob", name);
        let job = &cron["spec"]["jobTemplate"]["spec"];
        assert!(
            job["ttlSecondsAfterFinished"].as_u64().is_some(),
            "{name}: TTL"
        );
        assert!(
            job["activeDeadlineSeconds"].as_u64().is_some(),
            "{name}: deadline"
        );
        if name != "brandguard-nightly" {
            assert_eq!(
                cron["spec"]["suspend"].as_bool(),
                Some(true),
                "{name} is a template"
            );
        }
        let pod = &job["template"]["spec"];
        assert_eq!(
            pod["securityContext"]["runAsNonRoot"].as_bool(),
            Some(true),
            "{name}"
        );
        assert!(
            pod["securityContext"]["runAsUser"]
                .as_u64()
                .is_some_and(|u| u > 0)
        );
        assert_eq!(
            pod["securityContext"]["seccompProfile"]["type"].as_str(),
            Some("RuntimeDefault")
        );
        let c = container(cron);
        let sc = &c["securityContext"];
        assert_eq!(
            sc["allowPrivilegeEscalation"].as_bool(),
            Some(false),
            "{name}"
        );
        assert_eq!(sc["readOnlyRootFilesystem"].as_bool(), Some(true), "{name}");
        assert_eq!(
            sc["capabilities"]["drop"][0].as_str(),
            Some("ALL"),
            "{name}"
        );
        assert!(
            c["resources"]["requests"]["cpu"].as_str().is_some(),
            "{name}"
        );
        assert!(
            c["resources"]["limits"]["memory"].as_str().is_some(),
            "{name}"
        );
        let image = c["image"].as_str().unwrap();
        let (repo, tag) = image.rsplit_once(':').unwrap();
        assert_eq!(tag, version, "{name}: the release's tag, never latest");
        assert!(
            kustomization.contains(&format!("name: {repo}")),
            "the kustomization pins {repo}"
        );
    }
    // The controller only waits: it asks for almost nothing.
    let controller = container(nightly);
    assert_eq!(
        controller["resources"]["requests"]["cpu"].as_str(),
        Some("10m")
    );
    // The shard Job: one pod per shard, retried per index.
    let shards = object(&docs, "CronJob", "brandguard-shards");
    let job = &shards["spec"]["jobTemplate"]["spec"];
    let n: u64 = env_of(container(shards), "SHARDS").parse().unwrap();
    assert_eq!(job["completionMode"].as_str(), Some("Indexed"));
    assert_eq!(job["completions"].as_u64(), Some(n));
    assert_eq!(job["parallelism"].as_u64(), Some(n));
    assert!(job["backoffLimitPerIndex"].as_u64().is_some());
    let merge = object(&docs, "CronJob", "brandguard-merge");
    assert_eq!(env_of(container(merge), "SHARDS"), n.to_string());
    // The controller may create Jobs from the two templates and nothing more.
    let role = object(&docs, "Role", "brandguard-nightly");
    let verbs: BTreeSet<&str> = role["rules"]
        .as_sequence()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["verbs"]
                .as_sequence()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
        })
        .collect();
    assert_eq!(verbs, BTreeSet::from(["create", "get"]));
}

/// A stand-in for kubectl: the three calls the controller makes. A Job is a folder
/// under `$FAKE_K8S/jobs`; its pods are processes running the template's script with
/// the Job's name and their completion index, as Kubernetes would set them. The shard
/// of index `$FAKE_FAIL_INDEX` fails every attempt (it never starts).
const FAKE_KUBECTL: &str = r#"#!/bin/sh
set -eu
jobs="$FAKE_K8S/jobs"
case "$1 $2" in
"get job")
  name="$3"; dir="$jobs/$name"
  if [ ! -d "$dir" ]; then echo "Error from server (NotFound): jobs.batch \"$name\" not found" >&2; exit 1; fi
  shift 3
  if [ "$#" -eq 0 ]; then echo "$name"; exit 0; fi
  n="$(cat "$dir/completions")"; ended=0; failed=""; i=0
  while [ "$i" -lt "$n" ]; do
    if [ -f "$dir/$i.rc" ]; then
      ended=$((ended + 1))
      [ "$(cat "$dir/$i.rc")" = 0 ] || failed="${failed:+$failed,}$i"
    fi
    i=$((i + 1))
  done
  case "$2" in
    *failedIndexes*) printf '%s' "$failed" ;;
    *conditions*) if [ "$ended" -eq "$n" ]; then if [ -z "$failed" ]; then printf Complete; else printf Failed; fi; fi ;;
    *) echo "fake kubectl: unexpected output $2" >&2; exit 2 ;;
  esac ;;
"create job")
  name="$3"; template="${4#--from=cronjob/}"; dir="$jobs/$name"
  mkdir -p "$jobs"; mkdir "$dir"
  n="$(cat "$FAKE_K8S/templates/$template.completions")"; echo "$n" > "$dir/completions"
  i=0
  while [ "$i" -lt "$n" ]; do
    (
      rc=0
      if [ "$template" = brandguard-shards ] && [ "$i" = "${FAKE_FAIL_INDEX:-}" ]; then
        rc=1
      else
        JOB_NAME="$name" JOB_COMPLETION_INDEX="$i" sh "$FAKE_K8S/templates/$template.sh" || rc=$?
      fi
      echo "$rc" > "$dir/$i.rc.tmp"; mv "$dir/$i.rc.tmp" "$dir/$i.rc"
    ) </dev/null >"$dir/$i.log" 2>&1 &
    i=$((i + 1))
  done
  echo "job.batch/$name created" ;;
*) echo "fake kubectl: unexpected: $*" >&2; exit 2 ;;
esac
"#;

type Inbox = Arc<Mutex<Vec<serde_json::Value>>>;

/// A webhook receiver on loopback keeping every announcement.
async fn webhook() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    let app = axum::Router::new().fallback(move |body: String| {
        let kept = kept.clone();
        async move {
            kept.lock()
                .unwrap()
                .push(serde_json::from_str(&body).unwrap());
            axum::http::StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

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

/// The cluster as this test plays it: data volume, targets, templates, kubectl.
struct Cluster {
    dir: tempfile::TempDir,
    controller: String,
    path: String,
}

impl Cluster {
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs the controller of night `run` to its end, as the CronJob's pod would.
    async fn night(&self, run: &str, fail_index: Option<u32>) -> (bool, String) {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(&self.controller)
            .env("PATH", &self.path)
            .env("FAKE_K8S", self.dir.path().join("k8s"))
            .env("JOB_NAME", format!("brandguard-nightly-{run}"))
            .env("POLL_SECS", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(i) = fail_index {
            cmd.env("FAKE_FAIL_INDEX", i.to_string());
        }
        let child = cmd.spawn().unwrap();
        let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        let mut text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        // What each pod printed, for a failure's message.
        for job in std::fs::read_dir(self.dir.path().join("k8s/jobs")).unwrap() {
            let job = job.unwrap().path();
            for f in std::fs::read_dir(&job).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "log") {
                    text.push_str(&format!(
                        "\n--- {}/{}\n{}",
                        job.file_name().unwrap().to_string_lossy(),
                        f.file_name().unwrap().to_string_lossy(),
                        std::fs::read_to_string(&f).unwrap()
                    ));
                }
            }
        }
        (o.status.success(), text)
    }
}

fn cluster(docs: &[Value], server: &DemoServer, hook: &str) -> Cluster {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let targets = data.join("targets");
    brandguard::demo::write_targets(&targets, Some(server)).unwrap();
    // Rate limits high enough for a quick test (still divided among shards).
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
    let brand = targets.join("brand.toml");
    let text = std::fs::read_to_string(&brand).unwrap();
    std::fs::write(
        &brand,
        format!("{text}\n[notify]\nwebhook_url = \"{hook}\"\nwebhook_format = \"json\"\n"),
    )
    .unwrap();
    // The templates as the fake kubectl runs them: the manifest's environment with
    // the volume at this test's folder, then the manifest's script.
    let k8s = dir.path().join("k8s/templates");
    std::fs::create_dir_all(&k8s).unwrap();
    for name in ["brandguard-shards", "brandguard-merge"] {
        let cron = object(docs, "CronJob", name);
        let c = container(cron);
        let mut sh = String::new();
        for (k, v) in env_values(c) {
            let v = match k.as_str() {
                "DATA" => data.display().to_string(),
                "TARGETS" => targets.display().to_string(),
                _ => v,
            };
            sh.push_str(&format!("export {k}='{v}'\n"));
        }
        sh.push_str(&script(c));
        std::fs::write(k8s.join(format!("{name}.sh")), sh).unwrap();
        let completions = cron["spec"]["jobTemplate"]["spec"]["completions"]
            .as_u64()
            .unwrap_or(1);
        std::fs::write(
            k8s.join(format!("{name}.completions")),
            completions.to_string(),
        )
        .unwrap();
    }
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("kubectl"), FAKE_KUBECTL).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("kubectl"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let exe = Path::new(env!("CARGO_BIN_EXE_brandguard"));
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        exe.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Cluster {
        controller: script(container(object(docs, "CronJob", "brandguard-nightly"))),
        dir,
        path,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_night_runs_shards_then_one_merge_and_one_alert() {
    let docs = manifest();
    let shards: u32 = env_of(
        container(object(&docs, "CronJob", "brandguard-shards")),
        "SHARDS",
    )
    .parse()
    .unwrap();
    assert!(shards >= 2);
    // The demo, large enough for several search categories (units) per marketplace.
    let server = DemoServer::start(&DemoOptions {
        listings_per_site: 1500,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let (hook, inbox) = webhook().await;
    let k = cluster(&docs, &server, &hook);
    let data = k.data();

    // Night 1: every shard finishes.
    let (ok, text) = k.night("29000000", None).await;
    assert!(ok, "{text}");
    assert!(
        text.contains("shards of night 29000000: Complete"),
        "{text}"
    );
    assert!(text.contains("merge of night 29000000: Complete"), "{text}");
    assert!(text.contains("OK:"), "the merge pod verified: {text}");

    // The shards took disjoint shares that cover the demo, each host's rate divided
    // among the shards that asked it.
    let mut units = 0;
    for i in 0..shards {
        let summary: serde_json::Value = serde_json::from_slice(
            &std::fs::read(data.join(format!("runs/29000000/shard-{i}.json"))).unwrap(),
        )
        .unwrap();
        assert!(
            summary["notifications"].as_array().unwrap().is_empty(),
            "shards do not announce"
        );
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
    assert!(data.join("runs/29000000/merge.json").exists());
    assert!(
        !data.join("shards").exists(),
        "shard stores pruned after a verified merge"
    );

    // The merged store: every live listing observed once, the findings the demo
    // expects, each shard scan pinned, a chain that verifies.
    let truth = server.ground_truth();
    let live: BTreeSet<(String, String)> = truth
        .listings
        .iter()
        .map(|l| (l.marketplace.clone(), l.listing_id.clone()))
        .collect();
    let store_dir = data.join("store");
    let (night1, log_len) = {
        let main = Store::open(&store_dir).unwrap();
        main.verify().expect("the merged store verifies");
        let merged = observed(&main);
        let merged_set: BTreeSet<_> = merged.iter().cloned().collect();
        assert_eq!(
            merged.len(),
            merged_set.len(),
            "no listing scanned by two shards"
        );
        assert_eq!(
            merged_set, live,
            "the shards together saw every live listing"
        );
        let scans: Vec<_> = main.scans().map(Result::unwrap).collect();
        assert_eq!(scans.len(), 1, "one night's shards make one scan");
        let found = brandguard::scan::findings_of_scan(&main, scans[0].scan_id).unwrap();
        assert_eq!(found, truth.expected_findings());
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
        assert!(
            cases.iter().any(|c| c.findings.len() > 20),
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
        // The merge left the next night's shards the open listings to recheck.
        let context: serde_json::Value =
            serde_json::from_slice(&std::fs::read(data.join("shard-context.json")).unwrap())
                .unwrap();
        let listed: usize = context["open_listings"]
            .as_object()
            .unwrap()
            .values()
            .map(|u| u.as_array().unwrap().len())
            .sum();
        let expected: usize = brandguard::scan::shard_context(&main)
            .unwrap()
            .open_listings
            .values()
            .map(BTreeSet::len)
            .sum();
        assert!(expected > 0);
        assert_eq!(listed, expected);
        (scans[0].scan_id, main.log_len())
    };
    // One alert for the night, from the merge, naming the night's scan.
    {
        let got = inbox.lock().unwrap();
        assert_eq!(got.len(), 1, "one alert per night: {got:?}");
        assert_eq!(got[0]["scan_id"].as_u64(), Some(night1));
        assert_eq!(
            got[0]["new_findings_total"].as_u64(),
            Some(truth.expected_findings().len() as u64)
        );
        assert!(got[0]["not_looked_at"].as_array().unwrap().is_empty());
    }

    // The controller started again for the same night finds its Jobs ended: nothing
    // is scanned, merged or announced twice.
    let (ok, text) = k.night("29000000", None).await;
    assert!(ok, "{text}");
    assert_eq!(Store::open(&store_dir).unwrap().log_len(), log_len);
    assert_eq!(inbox.lock().unwrap().len(), 1);

    // Night 2: shard 1 fails every attempt. The others' evidence is merged; the one
    // alert names the lost share; the controller fails, so the CronJob shows it.
    let (ok, text) = k.night("29001440", Some(1)).await;
    assert!(!ok, "a night with a failed shard fails: {text}");
    assert!(
        text.contains("shards of night 29001440: Failed, failed for good: 1"),
        "{text}"
    );
    // The merge ran, announced and verified, then said the night was not looked at
    // in full (exit 5): its Job failed without a retry.
    assert!(text.contains("merge of night 29001440: Failed"), "{text}");
    assert!(text.contains("OK:"), "the merge pod verified: {text}");
    let got = inbox.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "one alert for night 2: {got:?}");
    let lost: Vec<&str> = got[1]["not_looked_at"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        lost.iter()
            .any(|l| l.contains("shards/1/store") && l.contains("missing")),
        "{lost:?}"
    );
    for i in [0, 2, 3].into_iter().filter(|i| *i < shards) {
        assert!(
            data.join(format!("shards/{i}/store")).exists(),
            "after a partial night the shard stores stay for a look"
        );
    }
    let main = Store::open(&store_dir).unwrap();
    main.verify()
        .expect("the merged store verifies after a partial night");
    assert_eq!(main.scans().count(), 2);
    let log_len = main.log_len();
    drop(main);

    // Merging again over the kept shard stores changes nothing.
    let exe = Path::new(env!("CARGO_BIN_EXE_brandguard"));
    let again = Command::new(exe)
        .args(["evidence", "merge", "--store"])
        .arg(&store_dir)
        .arg("--targets")
        .arg(data.join("targets"))
        .args(
            (0..shards)
                .filter(|i| *i != 1)
                .map(|i| data.join(format!("shards/{i}/store"))),
        )
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{text}");
    assert!(
        text.contains(&format!(
            "merged 0 shard scans (0 captures, 0 observations, 0 new snapshots); {} already merged",
            shards - 1
        )),
        "{text}"
    );
    assert_eq!(Store::open(&store_dir).unwrap().log_len(), log_len);
    assert_eq!(
        inbox.lock().unwrap().len(),
        2,
        "a merge without --announce is silent"
    );
}

/// A shard pod's end (SIGTERM to its first process, the manifest's shell) reaches
/// the scan: it stops, flushes and writes its shard summary saying so, and the pod
/// fails (to be retried, resuming the scan) instead of being killed unannounced
/// after the grace period.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shard_pods_end_is_passed_on_to_its_scan() {
    let docs = manifest();
    // Demo rate limits (10-20 pages/s): the scan is still running when the pod ends.
    let server = DemoServer::start(&DemoOptions {
        listings_per_site: 200,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let targets = data.join("targets");
    brandguard::demo::write_targets(&targets, Some(&server)).unwrap();
    let shard = container(object(&docs, "CronJob", "brandguard-shards"));
    let exe = Path::new(env!("CARGO_BIN_EXE_brandguard"));
    let mut pod = Command::new("/bin/sh");
    pod.arg("-c")
        .arg(script(shard))
        .env(
            "PATH",
            format!(
                "{}:{}",
                exe.parent().unwrap().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("SHARDS", "1")
        .env("DATA", &data)
        .env("TARGETS", &targets)
        .env("JOB_NAME", "brandguard-shards-29000001")
        .env("JOB_COMPLETION_INDEX", "0")
        .env_remove("BRANDGUARD_FAILPOINT")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut pod = pod.spawn().unwrap();
    // Under way: its store has taken pages.
    let packs = data.join("shards/0/store/packs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::read_dir(&packs)
        .map(|d| {
            d.flatten()
                .all(|f| f.metadata().map(|m| m.len()).unwrap_or(0) == 0)
        })
        .unwrap_or(true)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the shard scan stored nothing"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let term = Command::new("kill")
        .args(["-TERM", &pod.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = pod.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "the pod fails, to be retried: {status}"
    );
    common::stopped_by_sigterm(&data.join("runs/29000001/shard-0.json"));
    Store::open(&data.join("shards/0/store"))
        .unwrap()
        .verify()
        .unwrap();
}

/// The runtime's default seccomp profile (Docker's, which containerd's and CRI-O's
/// `RuntimeDefault` follow) for a pod without capabilities, where a browser meets
/// it: `clone` with a namespace flag refused (EPERM), `clone3` unknown (ENOSYS, so
/// callers fall back to `clone`), `unshare` of anything but a user namespace,
/// `setns`, `chroot`, `mount` and `pivot_root` refused. What the profile allows
/// besides is allowed. Two filters: the kernel applies both, each its own errno.
fn runtime_default_seccomp() -> Vec<seccompiler::BpfProgram> {
    use seccompiler::{
        SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
    };
    let (newns, newcgroup, newuts, newipc, newuser, newpid, newnet) = (
        0x0002_0000u64,
        0x0200_0000,
        0x0400_0000,
        0x0800_0000,
        0x1000_0000,
        0x2000_0000,
        0x4000_0000,
    );
    let any_flag = |flags: &[u64]| -> Vec<SeccompRule> {
        flags
            .iter()
            .map(|&f| {
                let c =
                    SeccompCondition::new(0, SeccompCmpArgLen::Qword, SeccompCmpOp::MaskedEq(f), f);
                SeccompRule::new(vec![c.unwrap()]).unwrap()
            })
            .collect()
    };
    let namespaces = [newns, newcgroup, newuts, newipc, newpid, newnet];
    let mut all = namespaces.to_vec();
    all.push(newuser);
    let mut eperm = std::collections::BTreeMap::new();
    eperm.insert(libc::SYS_clone, any_flag(&all));
    eperm.insert(libc::SYS_unshare, any_flag(&namespaces));
    for call in [
        libc::SYS_setns,
        libc::SYS_chroot,
        libc::SYS_mount,
        libc::SYS_pivot_root,
    ] {
        eperm.insert(call, vec![]);
    }
    let mut enosys = std::collections::BTreeMap::new();
    enosys.insert(libc::SYS_clone3, vec![]);
    let arch = std::env::consts::ARCH.try_into().unwrap();
    [(eperm, libc::EPERM as u32), (enosys, libc::ENOSYS as u32)]
        .into_iter()
        .map(|(rules, errno)| {
            SeccompFilter::new(
                rules,
                SeccompAction::Allow,
                SeccompAction::Errno(errno),
                arch,
            )
            .unwrap()
            .try_into()
            .unwrap()
        })
        .collect()
}

/// `brandguard demo` (2 listings a site, two nights, rendering confirmed findings)
/// run as a shard pod runs: as user 65534 when we are root (the pod's user is not
/// root), with no new privileges, under [`runtime_default_seccomp`], with `env`.
/// Its exit code and what it printed.
fn demo_as_a_pod(dir: &Path, env: &[(String, String)]) -> (Option<i32>, String) {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // The pod's user must reach the binary and its folder (the build may sit in
    // root's home).
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let exe = dir.join("brandguard");
    if !exe.exists() {
        std::fs::copy(env!("CARGO_BIN_EXE_brandguard"), &exe).unwrap();
    }
    let out = dir.join(format!("out-{}", env.len()));
    let filters = runtime_default_seccomp();
    let mut cmd = Command::new(&exe);
    cmd.args(["demo", "--listings", "2", "--nights", "2", "-q", "--out"])
        .arg(&out)
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("BRANDGUARD_BROWSER_SANDBOX")
        .env_remove("BRANDGUARD_RENDER")
        .envs(env.iter().map(|(k, v)| (k, v)));
    // SAFETY: between fork and exec only setgroups, setgid, setuid, prctl and
    // seccomp, on filters built before the fork.
    unsafe {
        cmd.pre_exec(move || {
            if libc::getuid() == 0
                && (libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(65534) != 0
                    || libc::setuid(65534) != 0)
            {
                return Err(std::io::Error::last_os_error());
            }
            for f in &filters {
                seccompiler::apply_filter(f).map_err(std::io::Error::other)?;
            }
            Ok(())
        });
    }
    let done = cmd.output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
    (done.status.code(), said)
}

/// A shard pod renders the listings of confirmed findings under the runtime's
/// default seccomp profile. Chromium's own sandbox cannot start there (no user
/// namespaces): before the manifest turned it off, every render of every night
/// failed ("gave no DevTools address within 30 s", exit 3, no screenshots). Without
/// the manifest's setting the night says why and what to set; with it, it renders.
#[test]
fn a_shard_pod_renders_under_the_runtimes_default_seccomp_profile() {
    if common::chromium().is_none() || !common::tool_available("chromium", "rendering in a pod") {
        return;
    }
    let docs = manifest();
    let shard = container(object(&docs, "CronJob", "brandguard-shards"));
    let env: Vec<_> = env_values(shard)
        .into_iter()
        .filter(|(k, _)| k.starts_with("BRANDGUARD_"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let (code, said) = demo_as_a_pod(dir.path(), &[]);
    assert_eq!(code, Some(3), "{said}");
    assert!(said.contains("failures: render_browser_sandbox"), "{said}");
    assert!(said.contains("No usable sandbox!"), "{said}");
    assert!(said.contains("user namespaces"), "{said}");
    assert!(said.contains("BRANDGUARD_BROWSER_SANDBOX=off"), "{said}");
    assert!(said.contains("rendered captures: 0 "), "{said}");
    let (code, said) = demo_as_a_pod(dir.path(), &env);
    assert_eq!(code, Some(0), "with the manifest's {env:?}: {said}");
    let rendered = said
        .lines()
        .find_map(|l| l.strip_prefix("rendered captures: "))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(rendered.ends_with(", 0 failed"), "{rendered}");
    let n: usize = rendered.split(' ').next().unwrap().parse().unwrap();
    assert!(n > 0, "{rendered}");
}
