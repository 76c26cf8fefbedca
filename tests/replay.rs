//! Evidence a court can replay, checked with tools nobody here wrote. Fourteen nights
//! of the changing demo (most later captures answered `304 Not Modified`), then:
//! every packet's capture records equal the store's capture log records they cite
//! (status, times, Date, SHA-256); the `.warc.gz` export passes `warcio check`; the
//! WACZ bundle passes the `wacz` package's validator and its CDXJ index equals the
//! one `cdxj-indexer` (pywb's indexer) makes of the same WARC; and pywb replays night
//! 14 of a listing, a revisit, with the exact bytes of its original 200 capture.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;

use brandguard::evidence::Store;

fn brandguard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_brandguard"))
}

fn run(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{cmd:?}:\n{text}");
    text
}

/// The CDXJ lines of an index: `(key, timestamp)` → the JSON fields.
fn cdxj_lines(text: &str) -> Vec<(String, String, serde_json::Value)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let key = parts.next().unwrap().to_string();
            let ts = parts.next().unwrap().to_string();
            let json = serde_json::from_str(parts.next().unwrap()).unwrap();
            (key, ts, json)
        })
        .collect()
}

#[test]
fn fourteen_nights_replay_from_the_export_as_they_were_captured() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    run(brandguard()
        .args(["demo", "--nights", "14", "--out"])
        .arg(&out));
    let store_dir = out.join("store");
    let warc = dir.path().join("evidence.warc.gz");
    let wacz = dir.path().join("evidence.wacz");
    let text = run(brandguard()
        .args(["evidence", "export", "--store"])
        .arg(&store_dir)
        .arg("--warc")
        .arg(&warc)
        .arg("--wacz")
        .arg(&wacz));
    println!("{text}");

    // 1. Packets: each capture record is the store's, one to one.
    let store = Store::open_existing(&store_dir).unwrap();
    // For each 304 capture, the bytes of the last 200 at its address: what it confirmed.
    let mut confirmed: BTreeMap<u64, String> = BTreeMap::new();
    let mut last_200: BTreeMap<String, String> = BTreeMap::new();
    for r in store.log() {
        let r = r.unwrap();
        if r.kind != "capture" {
            continue;
        }
        let url = r.payload["page"]["final_url"].as_str().unwrap().to_string();
        match r.payload["page"]["status"].as_u64() {
            Some(200) => {
                let sha = r.payload["snapshot"]["sha256"]
                    .as_str()
                    .unwrap()
                    .to_string();
                last_200.insert(url, sha);
            }
            Some(304) => {
                confirmed.insert(r.seq, last_200[&url].clone());
            }
            _ => {}
        }
    }
    let mut cited = 0;
    for packet in std::fs::read_dir(out.join("packets")).unwrap() {
        let packet = packet.unwrap().path();
        if !packet.is_dir() {
            continue;
        }
        let mut seen = BTreeSet::new();
        for f in walk(&packet) {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if !(name.starts_with("capture-") && name.ends_with(".json")) {
                continue;
            }
            let rec: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
            let seq = rec["capture_log_seq"].as_u64().unwrap();
            assert!(
                seen.insert((f.parent().unwrap().to_path_buf(), seq)),
                "{}: cited twice",
                f.display()
            );
            let log = store.log_record(seq).unwrap().unwrap();
            assert_eq!(log.kind, "capture");
            let page = &log.payload["page"];
            for field in ["status", "sent_at", "received_at", "headers", "final_url"] {
                assert_eq!(rec[field], page[field], "{}: {field}", f.display());
            }
            // A 200 cites its own bytes; a 304 the bytes of the 200 it confirmed.
            let expected = if page["status"] == 304 {
                serde_json::Value::from(confirmed[&seq].clone())
            } else {
                log.payload["snapshot"]["sha256"].clone()
            };
            assert_eq!(rec["snapshot_sha256"], expected, "{}", f.display());
            if page["status"] == 304 {
                assert_eq!(rec["not_modified_since"]["snapshot_sha256"], expected);
            }
            cited += 1;
        }
    }
    assert!(cited > 0, "the packets cite captures");
    println!("packets: {cited} capture records, each equal to the store's");

    // The captures the replay check uses: a listing's last capture (night 14) that
    // answered 304, and the bytes of the 200 it revisits.
    let mut last_200: BTreeMap<String, String> = BTreeMap::new();
    let mut revisit = None;
    for r in store.log() {
        let r = r.unwrap();
        if r.kind != "capture" {
            continue;
        }
        let page = &r.payload["page"];
        let url = page["final_url"].as_str().unwrap().to_string();
        let sha = r.payload["snapshot"]["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        match page["status"].as_u64() {
            Some(200) => {
                last_200.insert(url, sha);
            }
            Some(304)
                if url.contains("/item") || url.contains("/listing") || url.contains("/p/") =>
            {
                let sent: chrono::DateTime<chrono::Utc> =
                    serde_json::from_value(page["sent_at"].clone()).unwrap();
                revisit = Some((url.clone(), sent, last_200[&url].clone()));
            }
            _ => {}
        }
    }
    let (revisit_url, revisit_at, original_sha) =
        revisit.expect("a listing answered 304 on a later night");
    let original = store.snapshot(&original_sha).unwrap().unwrap();
    drop(store);

    // 2. warcio reads every record and checks every digest.
    if common::tool_available("warcio", "the WARC's digests with warcio") {
        let o = run(Command::new("warcio").arg("check").arg("-v").arg(&warc));
        let checked = o.lines().filter(|l| l.contains("digest pass")).count();
        println!("warcio check: {checked} digests pass");
        assert!(!o.contains("digest fail") && checked > 0, "{o}");
    }

    // 3. The WACZ: the `wacz` validator, then our index against cdxj-indexer's.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&wacz).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut s).unwrap();
        s
    };
    let index = String::from_utf8(read("indexes/index.cdx")).unwrap();
    let inner_warc = read("archive/data.warc.gz");
    if common::tool_available("wacz", "the WACZ bundle with the wacz validator") {
        let o = run(Command::new("wacz").arg("validate").arg("-f").arg(&wacz));
        assert!(o.contains("Validation succeeded"), "{o}");
        println!("wacz validate: {}", o.lines().last().unwrap_or(""));
    }
    if common::tool_available("cdxj-indexer", "the WACZ index against pywb's indexer") {
        let inner = dir.path().join("data.warc.gz");
        std::fs::write(&inner, &inner_warc).unwrap();
        let theirs = run(Command::new("cdxj-indexer").arg(&inner));
        let pick = |lines: Vec<(String, String, serde_json::Value)>| -> BTreeSet<(String, String, String, String, String)> {
            lines
                .into_iter()
                .filter(|(_, _, j)| j.get("method").is_none_or(|m| m == "GET"))
                .map(|(k, t, j)| {
                    (
                        k,
                        t,
                        format!("{}/{}", j["status"].as_str().unwrap_or("-"), j["mime"].as_str().unwrap_or("-")),
                        j["offset"].as_str().unwrap_or("").to_string(),
                        j["length"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        };
        let ours = pick(cdxj_lines(&index));
        let theirs = pick(cdxj_lines(&theirs));
        assert_eq!(ours, theirs, "our CDXJ index equals cdxj-indexer's");
        println!(
            "cdxj-indexer: {} response/revisit lines, the same as ours",
            ours.len()
        );
    }

    // 4. pywb replays night 14 of the listing (a revisit) with the original bytes.
    if common::tool_available("wb-manager", "replay in pywb") {
        let root = dir.path().join("pywb");
        std::fs::create_dir_all(&root).unwrap();
        run(Command::new("wb-manager")
            .args(["init", "evidence"])
            .current_dir(&root));
        run(Command::new("wb-manager")
            .args(["add", "evidence"])
            .arg(&warc)
            .current_dir(&root));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Command::new("wayback")
            .args(["-b", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let ts = revisit_at.format("%Y%m%d%H%M%S");
        let path = format!("/evidence/{ts}id_/{revisit_url}");
        // pywb starts in a few seconds; ask until it answers.
        let mut answer = None;
        for _ in 0..240 {
            if let Some(a) = http_get(port, &path) {
                answer = Some(a);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        let _ = server.kill();
        let _ = server.wait();
        let (status, head, body) = answer.expect("pywb answered");
        let memento = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("memento-datetime:"))
            .map(str::to_string);
        assert_eq!(
            status, 200,
            "pywb replays the 304 night as the page it confirmed"
        );
        assert_eq!(
            &body[..],
            &original[..],
            "the exact bytes of the original 200 capture"
        );
        println!(
            "pywb: {revisit_url} at {ts} -> 200, {} bytes equal to the original capture (Memento-Datetime {:?})",
            body.len(),
            memento
        );
    }
}

/// One HTTP/1.0 GET on loopback: status, head, body; `None` while nothing listens.
fn http_get(port: u16, path: &str) -> Option<(u16, String, Vec<u8>)> {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, head, raw[split + 4..].to_vec()))
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
