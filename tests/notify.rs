//! After a scan, what is new is announced to a webhook and by email; both are received
//! on loopback here. A failing webhook is retried and never fails the scan.

use std::path::Path;
use std::sync::{Arc, Mutex};

mod common;

use brandguard::demo::{DemoOptions, DemoServer};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

type Inbox = Arc<Mutex<Vec<String>>>;

/// A webhook receiver answering `status` and keeping every body.
async fn webhook(status: u16) -> (String, Inbox) {
    webhook_answering(Some(status)).await
}

/// A webhook receiver keeping every body and answering `status`, or never.
async fn webhook_answering(status: Option<u16>) -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    let app = axum::Router::new().fallback(move |body: String| {
        let kept = kept.clone();
        async move {
            kept.lock().unwrap().push(body);
            match status {
                Some(s) => axum::http::StatusCode::from_u16(s).unwrap(),
                None => std::future::pending().await,
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

/// Runs `command` until the webhook behind `called` is called (it then waits on
/// it, as a hanging webhook makes it), kills it there, as a scheduler's timeout
/// would, and reads the JSON summary it left at `summary`.
async fn killed_once_called(
    mut command: std::process::Command,
    called: &Inbox,
    summary: &Path,
) -> serde_json::Value {
    let mut child = command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..1200 {
        if !called.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!called.lock().unwrap().is_empty(), "the webhook was called");
    let _ = child.kill();
    let _ = child.wait();
    serde_json::from_str(&std::fs::read_to_string(summary).unwrap()).unwrap()
}

/// The smallest SMTP server that accepts mail: enough for a real client to deliver.
async fn smtp_sink() -> (u16, Inbox) {
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let kept = kept.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut mail = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if cmd.starts_with("MAIL") || cmd.starts_with("RCPT") {
                        mail.push_str(&line);
                        mail.push('\n');
                        b"250 OK\r\n"
                    } else if cmd.starts_with("DATA") {
                        w.write_all(b"354 go ahead\r\n").await.unwrap();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            mail.push_str(&l);
                            mail.push('\n');
                        }
                        kept.lock().unwrap().push(std::mem::take(&mut mail));
                        b"250 queued\r\n"
                    } else if cmd.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, inbox)
}

/// targets/demo with a [notify] section appended.
fn targets_with(notify: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("marketplaces")).unwrap();
    for f in ["shopusa", "tmart", "bidbay"] {
        let name = format!("marketplaces/{f}.toml");
        std::fs::copy(
            Path::new("targets/demo").join(&name),
            dir.path().join(&name),
        )
        .unwrap();
    }
    let brand = std::fs::read_to_string("targets/demo/brand.toml").unwrap();
    std::fs::write(
        dir.path().join("brand.toml"),
        format!("{brand}\n[notify]\n{notify}\n"),
    )
    .unwrap();
    dir
}

fn scan(targets: &Path, server: &DemoServer, store: &Path) -> std::process::Output {
    common::scan_command(targets, store, &store.with_extension("json"), server)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_findings_reach_the_webhook_and_the_mailbox() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let (hook, hooked) = webhook(200).await;
    let (port, mailed) = smtp_sink().await;
    let targets = targets_with(&format!(
        "webhook_url = \"{hook}\"\nwebhook_format = \"slack\"\nemail_to = [\"legal@acme.example\"]\n\
         email_from = \"brandguard@acme.example\"\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {port}\nsmtp_security = \"none\""
    ));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let o = scan(targets.path(), &server, &store);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let bodies = hooked.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    let v: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("84 new findings"), "{text}");
    assert!(text.contains("unauthorized_seller on shopusa"), "{text}");

    let mails = mailed.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("RCPT TO:<legal@acme.example>"),
        "{}",
        mails[0]
    );
    assert!(
        mails[0].contains("Subject: brandguard: 84 new findings for Acme"),
        "{}",
        mails[0]
    );
    assert!(mails[0].contains("below_floor on"), "{}", mails[0]);
    // Proper MIME: a version, a text and an HTML part in UTF-8, a Message-ID on the
    // sender's domain and a Date.
    for header in ["MIME-Version: 1.0", "Message-ID: <", "Date: "] {
        assert!(mails[0].contains(header), "{header}: {}", mails[0]);
    }
    assert!(mails[0].contains("@acme.example>"), "{}", mails[0]);
    assert!(mails[0].contains("multipart/alternative"), "{}", mails[0]);
    assert!(
        mails[0].contains("text/plain; charset=utf-8"),
        "{}",
        mails[0]
    );
    assert!(
        mails[0].contains("text/html; charset=utf-8"),
        "{}",
        mails[0]
    );

    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(store.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(summary["notifications"].as_array().unwrap().len(), 2);
    assert!(
        summary["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["ok"] == true)
    );

    // The next night nothing is new: nobody is disturbed.
    let o = scan(targets.path(), &server, &store);
    assert!(o.status.success());
    assert_eq!(hooked.lock().unwrap().len(), 1);
    assert_eq!(mailed.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_webhook_is_retried_and_never_fails_the_scan() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let (hook, hooked) = webhook(500).await;
    let targets = targets_with(&format!(
        "webhook_url = \"{hook}\"\nwebhook_format = \"teams\""
    ));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let o = scan(targets.path(), &server, &store);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("notification via webhook (teams) failed"));
    let bodies = hooked.lock().unwrap().clone();
    assert_eq!(bodies.len(), 4, "one try and three retries");
    let card: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(card["@type"], "MessageCard");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(store.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(summary["notifications"][0]["ok"], false);
    assert!(
        summary["findings_new"].as_u64().unwrap() > 0,
        "the scan's work is all there"
    );
}

/// A marketplace whose host is down (`--fault bidbay=down`: every connection
/// dropped unanswered) makes a failed night: exit 5, named in the summary with 0%
/// coverage, and the alert says it was not looked at, on the second night too
/// (nothing new was found, but a night not looked at is news).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marketplace_that_is_down_is_a_failed_night_and_the_alert_says_so() {
    use brandguard::demo::{Fault, Site};
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let (hook, hooked) = webhook(200).await;
    let targets = targets_with(&format!(
        "webhook_url = \"{hook}\"\nwebhook_format = \"json\""
    ));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let o = scan(targets.path(), &server, &store);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    server.set_faults(vec![(Site::Bidbay, Fault::Down)]);
    let o = scan(targets.path(), &server, &store);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(5), "{stdout}");
    assert!(stdout.contains("NOT LOOKED AT: bidbay"), "{stdout}");
    assert!(stdout.contains("bidbay: searches 0 ok"), "{stdout}");
    assert!(stdout.contains("coverage 0%"), "{stdout}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(store.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(s["degraded"], serde_json::json!(["bidbay"]));
    let bidbay = &s["marketplaces"]["bidbay"];
    assert_eq!(bidbay["search_pages"], 0, "{bidbay}");
    assert_eq!(bidbay["listing_pages"], 0, "{bidbay}");
    assert_eq!(bidbay["listings_expected"], 24, "{bidbay}");
    // The other marketplaces were looked at as on any night.
    assert_eq!(s["marketplaces"]["shopusa"]["listing_pages"], 24);
    // Nothing on bidbay was resolved by a night that could not reach it.
    assert_eq!(s["cases"]["resolved"], 0, "{}", s["cases"]);
    let bodies = hooked.lock().unwrap().clone();
    assert_eq!(
        bodies.len(),
        2,
        "the first night's news and the failed night"
    );
    assert!(bodies[1].contains("bidbay"), "{}", bodies[1]);
    assert!(bodies[1].contains("not_looked_at"), "{}", bodies[1]);
}

/// A scan that stops before it finished (here the disk fills up: a failure point
/// cuts a snapshot write short with ENOSPC) is announced on the night's channels,
/// with why and no findings (the run that resumes it announces the night's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_that_stops_is_announced_with_why() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let (hook, hooked) = webhook(200).await;
    let targets = targets_with(&format!(
        "webhook_url = \"{hook}\"\nwebhook_format = \"json\""
    ));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let o = common::scan_command(
        targets.path(),
        &store,
        &store.with_extension("json"),
        &server,
    )
    .env("BRANDGUARD_FAILPOINT", "pack-write:20")
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let bodies = hooked.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let a: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert!(
        a["stopped"]
            .as_str()
            .is_some_and(|s| s.contains("No space left on device")),
        "{a}"
    );
    assert!(
        a["summary_line"]
            .as_str()
            .is_some_and(|s| s.contains("STOPPED before it finished")),
        "{a}"
    );
    assert_eq!(a["new_findings_total"], 0, "{a}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(store.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(s["notifications"][0]["ok"], true, "{s}");

    // The run that resumes it announces the night's findings, once.
    let o = scan(targets.path(), &server, &store);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bodies = hooked.lock().unwrap().clone();
    assert_eq!(bodies.len(), 2);
    let a: serde_json::Value = serde_json::from_str(&bodies[1]).unwrap();
    assert!(a.get("stopped").is_none(), "{a}");
    assert_eq!(
        a["new_findings_total"].as_u64().unwrap() as usize,
        server.ground_truth().expected_findings().len(),
        "{a}"
    );
}

/// The night's summary is written as soon as the scan ends, before the
/// announcement: a webhook that never answers (and the process killed while it
/// waits, as a scheduler's timeout would) leaves tonight's summary, not last
/// night's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_is_written_before_a_slow_announcement() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let (hook, called) = webhook_answering(None).await;
    let targets = targets_with(&format!("webhook_url = \"{hook}\""));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let summary = store.with_extension("json");
    std::fs::write(&summary, "{\"scan_id\": 0, \"last night\": true}").unwrap();
    // The scan waits on the webhook: killed there.
    let s = killed_once_called(
        common::scan_command(targets.path(), &store, &summary, &server),
        &called,
        &summary,
    )
    .await;
    assert_eq!(s["scan_id"], 1, "tonight's summary: {s}");
    assert!(s.get("stopped").is_none(), "{s}");
    assert_eq!(
        s["findings_new"].as_u64(),
        Some(server.ground_truth().expected_findings().len() as u64),
        "{s}"
    );
}

/// The same for the merge that ends a sharded night: `last-merge.json` is written
/// before the announcement, so a merge killed while the webhook hangs leaves
/// tonight's merge summary, not last night's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_merge_summary_is_written_before_a_slow_announcement() {
    let server = DemoServer::start(&DemoOptions::default()).await.unwrap();
    let (hook, called) = webhook_answering(None).await;
    let targets = targets_with(&format!("webhook_url = \"{hook}\""));
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("shard0");
    // A shard announces nothing: the merge announces the night.
    let o = common::scan_command(
        targets.path(),
        &shard,
        &shard.with_extension("json"),
        &server,
    )
    .args(["--shard", "0/1"])
    .output()
    .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let store = dir.path().join("night").join("store");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    let summary = dir.path().join("night").join("last-merge.json");
    std::fs::write(&summary, "{\"last night\": true}").unwrap();
    let mut merge = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"));
    merge
        .args(["evidence", "merge", "--announce", "--targets"])
        .arg(targets.path())
        .arg("--store")
        .arg(&store)
        .arg(&shard);
    let s = killed_once_called(merge, &called, &summary).await;
    assert!(
        s.get("last night").is_none(),
        "tonight's merge summary: {s}"
    );
    assert_eq!(s["merged"].as_array().map(Vec::len), Some(1), "{s}");
    assert_eq!(
        s["scans"][0]["findings_new"].as_u64(),
        Some(server.ground_truth().expected_findings().len() as u64),
        "{s}"
    );
}
