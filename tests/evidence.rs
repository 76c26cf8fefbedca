//! The evidence store holds up: single altered bytes are found, WARC export reads back
//! with an independent reader, a newer schema is refused, and `kill -9` mid-scan loses
//! nothing that was acknowledged.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::{EvidenceError, Store, warc::warc_digest};

async fn scanned_store(dir: &Path) -> PathBuf {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let path = dir.join("store");
    let store = Store::open(&path).unwrap();
    common::scan(&config, &store).await;
    store.verify().expect("a fresh store verifies");
    // On disk before its files are copied (sled flushes in the background too).
    store.flush_now().expect("flushed");
    drop(store);
    path
}

/// Alters the store through sled directly (the store must be closed), then verifies.
fn tamper(path: &Path, tree: &str, edit: impl FnOnce(&sled::Tree)) -> EvidenceError {
    {
        let db = brandguard::evidence::open_sled(path).unwrap();
        edit(&db.open_tree(tree).unwrap());
        db.flush().unwrap();
    }
    Store::open(path)
        .unwrap()
        .verify()
        .expect_err("tampering must be found")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_one_altered_byte_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let original = scanned_store(dir.path()).await;
    let fresh = |name: &str| {
        let p = dir.path().join(name);
        common::copy_dir(&original, &p);
        p
    };

    // One byte of a page's content, re-compressed so it still decompresses.
    let store = fresh("snap");
    let sha = common::first_snapshot(&store);
    common::forge_snapshot(&store, &sha, |b| {
        let mid = b.len() / 2;
        b[mid] ^= 0x01;
    });
    let msg = Store::open(&store)
        .unwrap()
        .verify()
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains(&format!("snapshots/{sha}")) && msg.contains("hashes to"),
        "{msg}"
    );
    // One byte of a pack file, where the page's compressed bytes are.
    let store = fresh("pack");
    let sha = common::first_snapshot(&store);
    common::flip_stored_byte(&store, &sha);
    let msg = Store::open(&store)
        .unwrap()
        .verify()
        .unwrap_err()
        .to_string();
    assert!(msg.contains(&format!("snapshots/{sha}")), "{msg}");
    // A pack file gone: verify names a snapshot that was in it.
    let store = fresh("pack-gone");
    let sha = common::first_snapshot(&store);
    let (file, _, _) = Store::open(&store)
        .unwrap()
        .snapshot_location(&sha)
        .unwrap()
        .unwrap();
    std::fs::remove_file(&file).unwrap();
    let msg = Store::open(&store)
        .unwrap()
        .verify()
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("snapshots/") && msg.contains("cannot be opened"),
        "{msg}"
    );

    // One byte of an observation (a digit of the price).
    let err = tamper(&fresh("obs"), "observations", |t| {
        let (k, v) = t.iter().next().unwrap().unwrap();
        let mut bytes = v.to_vec();
        let at = bytes.windows(9).position(|w| w == b"\"amount\":").unwrap() + 10;
        bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
        t.insert(k, bytes).unwrap();
    });
    let msg = err.to_string();
    assert!(
        msg.contains("observations/") && msg.contains("expected"),
        "{msg}"
    );

    // One byte inside a log record's payload.
    let err = tamper(&fresh("log"), "log", |t| {
        let k = 5u64.to_be_bytes();
        let mut bytes = t.get(k).unwrap().unwrap().to_vec();
        let at = bytes
            .windows(10)
            .position(|w| w == b"\"payload\":")
            .unwrap()
            + 20;
        bytes[at] ^= 0x01;
        t.insert(k, bytes).unwrap();
    });
    let msg = err.to_string();
    assert!(msg.contains("log/5"), "{msg}");

    // A forged record with its own hashes recomputed breaks the next record's link.
    let err = tamper(&fresh("forged"), "log", |t| {
        let k = 5u64.to_be_bytes();
        let mut rec: serde_json::Value =
            serde_json::from_slice(&t.get(k).unwrap().unwrap()).unwrap();
        rec["at"] = "2020-01-01T00:00:00Z".into();
        rec["hash"] = "f".repeat(64).into();
        t.insert(k, serde_json::to_vec(&rec).unwrap()).unwrap();
    });
    let msg = err.to_string();
    assert!(msg.contains("log/5") || msg.contains("log/6"), "{msg}");

    // An observation removed.
    let err = tamper(&fresh("gone"), "observations", |t| {
        let (k, _) = t.iter().next().unwrap().unwrap();
        t.remove(k).unwrap();
    });
    assert!(err.to_string().contains("missing"), "{err}");

    // A finding's words, which become a complaint's and a letter's words.
    let err = tamper(&fresh("finding-words"), "findings", |t| {
        let (k, v) = t
            .iter()
            .map(|r| r.unwrap())
            .find(|(_, v)| v.windows(11).any(|w| w == b"advertised "))
            .expect("a price finding");
        let text = String::from_utf8(v.to_vec()).unwrap();
        let at = text.find("advertised ").unwrap() + 11;
        let mut bytes = text.into_bytes();
        bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
        t.insert(k, bytes).unwrap();
    });
    let msg = err.to_string();
    assert!(
        msg.contains("findings/") && msg.contains("hashes to"),
        "{msg}"
    );
    // A finding planted outside the chain.
    let err = tamper(&fresh("finding-planted"), "findings", |t| {
        let (_, v) = t.iter().next().unwrap().unwrap();
        t.insert(b"shopusa\0SU99999\0below_floor", v).unwrap();
    });
    assert!(err.to_string().contains("outside the chain"), "{err}");
    // A listing pointed at another listing's observation.
    let err = tamper(&fresh("listing"), "listings", |t| {
        let mut it = t.iter();
        let (k1, _) = it.next().unwrap().unwrap();
        let (_, v2) = it.next().unwrap().unwrap();
        t.insert(k1, v2).unwrap();
    });
    let msg = err.to_string();
    assert!(
        msg.contains("listings/") && msg.contains("newest observation"),
        "{msg}"
    );
    // A finished scan made to look unfinished (so it would be resumed and re-run).
    let err = tamper(&fresh("scan"), "scans", |t| {
        let (k, v) = t.iter().next().unwrap().unwrap();
        let mut rec: serde_json::Value = serde_json::from_slice(&v).unwrap();
        rec["finished_at"] = serde_json::Value::Null;
        t.insert(k, serde_json::to_vec(&rec).unwrap()).unwrap();
    });
    assert!(err.to_string().contains("scans/1"), "{err}");
    // Validators pointed at another page's capture (a 304 would then stand for
    // that page's bytes).
    let err = tamper(&fresh("validators"), "validators", |t| {
        let mut it = t.iter();
        let (k1, _) = it.next().unwrap().unwrap();
        let (_, v2) = it.next().unwrap().unwrap();
        t.insert(k1, v2).unwrap();
    });
    assert!(err.to_string().contains("validators/"), "{err}");
    // A seller's identity pointed at another seller's (a shop would then read as
    // a distributor's undeclared one), or removed.
    let err = tamper(&fresh("identities"), "identities", |t| {
        let mut it = t.iter();
        let (k1, _) = it.next().unwrap().unwrap();
        let (_, v2) = it.next().unwrap().unwrap();
        t.insert(k1, v2).unwrap();
    });
    assert!(err.to_string().contains("identities/"), "{err}");
    let err = tamper(&fresh("identities-gone"), "identities", |t| {
        let (k, _) = t.iter().next().unwrap().unwrap();
        t.remove(k).unwrap();
    });
    assert!(err.to_string().contains("identities/"), "{err}");
    // A seller_identity record's words altered: the chain breaks.
    let err = tamper(&fresh("identity-words"), "log", |t| {
        let (k, v) = t
            .iter()
            .map(|r| r.unwrap())
            .find(|(_, v)| String::from_utf8_lossy(v).contains("\"kind\":\"seller_identity\""))
            .unwrap();
        let mut rec: serde_json::Value = serde_json::from_slice(&v).unwrap();
        // Another number than the record holds (which record comes first in the
        // log depends on the scan's order, and one of the demo's sellers prints
        // 5839201 itself: the edit must change something).
        let altered =
            if rec["payload"]["identity"]["registrations"] == serde_json::json!(["5839201"]) {
                "5839202"
            } else {
                "5839201"
            };
        rec["payload"]["identity"]["registrations"] = serde_json::json!([altered]);
        t.insert(k, serde_json::to_vec(&rec).unwrap()).unwrap();
    });
    assert!(err.to_string().contains("log/"), "{err}");

    // The history index (each listing's observations, what a case page shows): an
    // entry removed, and one filed under another listing.
    // They are the `listings` tree's entries after 0xFF.
    let history = |t: &sled::Tree| t.scan_prefix([0xFF]).map(|r| r.unwrap().0);
    let err = tamper(&fresh("history-gone"), "listings", |t| {
        let k = history(t).next().unwrap();
        t.remove(k).unwrap();
    });
    assert!(
        err.to_string().contains("listings/history/")
            && err.to_string().contains("evidence rebuild"),
        "{err}"
    );
    // As the message says, a rebuild writes the index again.
    let (_, rebuilt) = Store::open(&dir.path().join("history-gone"))
        .unwrap()
        .rebuild_into(&dir.path().join("history-rebuilt"))
        .expect("rebuilt");
    assert!(rebuilt.observations > 0);
    let err = tamper(&fresh("history-moved"), "listings", |t| {
        let mut it = history(t);
        let k1 = it.next().unwrap();
        let k2 = it
            .find(|k| k[..k.len() - 16] != k1[..k1.len() - 16])
            .unwrap();
        let mut moved = k2[..k2.len() - 16].to_vec();
        moved.extend_from_slice(&k1[k1.len() - 16..]);
        t.insert(moved, &[]).unwrap();
    });
    assert!(
        err.to_string()
            .contains("no observation record of the listing"),
        "{err}"
    );

    // A case's bytes (the seller a letter is addressed to).
    let err = tamper(&fresh("case"), "cases", |t| {
        let (k, v) = t.iter().next().unwrap().unwrap();
        let mut c: serde_json::Value = serde_json::from_slice(&v).unwrap();
        c["seller_name"] = "Someone Else".into();
        t.insert(k, serde_json::to_vec(&c).unwrap()).unwrap();
    });
    assert!(err.to_string().contains("cases/C"), "{err}");
    // A snapshot altered is refused to a reader too (packets, exports, 304s).
    let store = fresh("snap-read");
    let sha = common::first_snapshot(&store);
    common::flip_stored_byte(&store, &sha);
    let err = Store::open(&store)
        .unwrap()
        .snapshot(&sha)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&sha) && err.contains("evidence verify"),
        "{err}"
    );

    // The report rows (what the compliance report reads), kept in a file per scan.
    let rows_file = |store: &Path| {
        let dir = store.join("report_rows");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "one finished scan, one row file");
        files.remove(0)
    };
    let verify = |store: &Path| {
        Store::open(store)
            .unwrap()
            .verify()
            .expect_err("tampering must be found")
            .to_string()
    };
    // One byte of the file.
    let store = fresh("row-byte");
    let file = rows_file(&store);
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&file, bytes).unwrap();
    let msg = verify(&store);
    assert!(
        msg.contains("report_rows/") && msg.contains(".jsonl.zst"),
        "{msg}"
    );
    // A digit of a price, the file re-compressed so it still reads.
    let store = fresh("row-price");
    let file = rows_file(&store);
    let mut text = zstd::decode_all(std::fs::read(&file).unwrap().as_slice()).unwrap();
    let at = text.windows(9).position(|w| w == b"\"amount\":").unwrap() + 10;
    text[at] = if text[at] == b'1' { b'2' } else { b'1' };
    std::fs::write(&file, zstd::encode_all(text.as_slice(), 3).unwrap()).unwrap();
    let msg = verify(&store);
    assert!(
        msg.contains("hashing to") && msg.contains("expected"),
        "{msg}"
    );
    // The file removed.
    let store = fresh("row-gone");
    std::fs::remove_file(rows_file(&store)).unwrap();
    let msg = verify(&store);
    assert!(msg.contains("report_rows/"), "{msg}");
    // A file planted for a scan no record vouches for.
    let store = fresh("row-planted");
    let file = rows_file(&store);
    std::fs::copy(&file, file.with_file_name(format!("{:020}.jsonl.zst", 77))).unwrap();
    let msg = verify(&store);
    assert!(msg.contains("no scan_finished record vouches"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warc_export_reads_back_with_an_independent_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = scanned_store(dir.path()).await;
    let store = Store::open(&path).unwrap();
    let warc_path = dir.path().join("scan.warc");
    let mut file = std::fs::File::create(&warc_path).unwrap();
    let stats = brandguard::evidence::warc::export(&store, &mut file).unwrap();
    drop(file);
    let captures = store.verify().unwrap().captures;
    assert_eq!(stats.responses, captures);

    // warc 0.4's from_path opens with create but without write access, which current
    // Rust refuses; a reader over our own BufReader is the same parser.
    let reader = warc::WarcReader::new(std::io::BufReader::new(
        std::fs::File::open(&warc_path).unwrap(),
    ));
    let (mut responses, mut requests, mut infos) = (0, 0, 0);
    for record in reader.iter_records() {
        let record = record.expect("the warc crate reads every record");
        let block = record.body();
        if let Some(d) = record.header(warc::WarcHeader::BlockDigest) {
            assert_eq!(d.as_ref(), warc_digest(block), "block digest");
        }
        match record.header(warc::WarcHeader::WarcType).as_deref() {
            Some("response") => {
                responses += 1;
                let split = block.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                let payload = &block[split..];
                let digest = record.header(warc::WarcHeader::PayloadDigest).unwrap();
                assert_eq!(digest.as_ref(), warc_digest(payload), "payload digest");
                // The payload is exactly the stored snapshot.
                let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(payload));
                assert_eq!(store.snapshot(&sha).unwrap().as_deref(), Some(payload));
                assert!(
                    record
                        .header(warc::WarcHeader::TargetURI)
                        .unwrap()
                        .starts_with("http://127.0.0.1:")
                );
                assert_eq!(
                    record.header(warc::WarcHeader::IPAddress).as_deref(),
                    Some("127.0.0.1")
                );
            }
            Some("request") => requests += 1,
            Some("warcinfo") => infos += 1,
            other => panic!("unexpected record type {other:?}"),
        }
    }
    assert_eq!((responses, requests, infos), (captures, captures, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_from_a_newer_version_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = scanned_store(dir.path()).await;
    {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("schema_version", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let err = Store::open(&path).err().expect("newer schema refused");
    assert!(
        err.to_string().contains("newer brandguard (schema 99"),
        "{err}"
    );
    let db = brandguard::evidence::open_sled(&path).unwrap();
    assert_eq!(
        db.open_tree("meta")
            .unwrap()
            .get("schema_version")
            .unwrap()
            .unwrap()
            .as_ref(),
        99u32.to_be_bytes()
    );
    assert!(
        db.open_tree("log").unwrap().len() > 100,
        "nothing was rewritten"
    );
}

fn brandguard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_brandguard"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_show_prints_history_and_writes_snapshot_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = scanned_store(dir.path()).await;
    let o = brandguard()
        .args(["evidence", "show", "shopusa/SU01000", "--store"])
        .arg(&path)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = out.lines().nth(1).expect("one observation");
    let sha = line
        .split_whitespace()
        .find(|w| w.len() == 64)
        .expect("snapshot hash");
    let file = dir.path().join("page.html");
    let o = brandguard()
        .args(["evidence", "show", sha, "--store"])
        .arg(&path)
        .arg("--out")
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success());
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
        sha
    );
}

/// The scan is killed with SIGKILL at several moments, then run to its end. Every
/// record acknowledged as stored before a kill is still there, and the store verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_scan_loses_nothing_acknowledged() {
    let server = DemoServer::start(&DemoOptions {
        listings_per_site: 80,
        ..DemoOptions::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("store");
    let summary_path = dir.path().join("last-scan.json");
    let scan = || {
        common::scan_command(
            Path::new("targets/demo"),
            &store_path,
            &summary_path,
            &server,
        )
    };
    // Each run is killed a different number of acknowledgements in, and a different
    // time after the last one, so kills land at different points of the work.
    for (i, (acks, millis)) in [(1usize, 0u64), (4, 170), (2, 330)].into_iter().enumerate() {
        let run = common::AcknowledgedScan::spawn(scan());
        for _ in 0..acks {
            run.next_ack();
        }
        tokio::time::sleep(std::time::Duration::from_millis(millis)).await;
        let (status, acknowledged) = run.kill();
        assert!(!status.success(), "kill {i} came after the scan ended");
        let acknowledged = acknowledged.expect("an acknowledgement was seen");
        let store = Store::open(&store_path).expect("the store opens after kill -9");
        let v = store
            .verify()
            .unwrap_or_else(|e| panic!("after kill {i}: {e}"));
        println!(
            "kill {i}: {} log records kept, up to {acknowledged} acknowledged",
            v.log_records
        );
        assert!(
            v.log_records > acknowledged,
            "kill {i}: acknowledged log record {acknowledged} lost ({} left)",
            v.log_records
        );
    }
    let out = scan().stdout(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open(&store_path).unwrap();
    let v = store.verify().unwrap();
    let finished = store
        .scans()
        .filter_map(Result::ok)
        .filter(|s| s.finished_at.is_some())
        .count();
    assert_eq!(finished, 1, "the last run finished");
    assert!(v.observations >= 240);
}

/// Run summaries hold CPU seconds and MiB as floats; a record read back must hash as
/// it was written, or `verify` would call an untouched store tampered.
#[test]
fn records_with_awkward_floats_verify() {
    let dir = tempfile::tempdir().unwrap();
    let store = brandguard::evidence::Store::open(&dir.path().join("store")).unwrap();
    let values: Vec<f64> = (1..2000)
        .map(|i| f64::from(i) * 0.1 + 1.0 / f64::from(i * 7 + 3) + 1e-9 * f64::from(i))
        .collect();
    store
        .record(
            vec![(
                "test_floats".into(),
                serde_json::json!({"values": values, "third": 1.0 / 3.0, "mib": 278.140625_f64 / 1.1}),
            )],
            Vec::new(),
        )
        .unwrap();
    store.verify().expect("floats round-trip through the log");
}

/// Damaged sled files (a zeroed run of pages, a cut tail, sled's snapshot files
/// removed): never a panic, a message naming the store; a backup taken before
/// verifies and serves the case commands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_store_is_a_clear_error_never_a_panic_and_a_backup_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let original = scanned_store(dir.path()).await;
    let bin = env!("CARGO_BIN_EXE_brandguard");
    let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().unwrap();
    let backup = dir.path().join("backup");
    let out = run(&[
        "evidence",
        "backup",
        "--store",
        original.to_str().unwrap(),
        "--out",
        backup.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = run(&[
        "evidence",
        "backup",
        "--store",
        original.to_str().unwrap(),
        "--out",
        backup.to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already exists"),
        "a backup is never overwritten"
    );

    type Damage = fn(&Path);
    fn remove_snapshot_files(store: &Path) {
        for e in std::fs::read_dir(store).unwrap() {
            let p = e.unwrap().path();
            if p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("snap.")
            {
                std::fs::remove_file(p).unwrap();
            }
        }
    }
    let damages: [(&str, Damage); 4] = [
        ("zeroed pages", |store| {
            use std::io::{Seek, Write};
            let mut db = std::fs::OpenOptions::new()
                .write(true)
                .open(store.join("db"))
                .unwrap();
            db.seek(std::io::SeekFrom::Start(50 * 4096)).unwrap();
            db.write_all(&[0u8; 20 * 4096]).unwrap();
        }),
        ("cut tail", |store| {
            let db = std::fs::OpenOptions::new()
                .write(true)
                .open(store.join("db"))
                .unwrap();
            let len = db.metadata().unwrap().len();
            db.set_len(len / 2).unwrap();
        }),
        ("snapshot files removed", remove_snapshot_files),
        // sled then reads the log from the start of `db` and, finding it cut,
        // opens an empty store: readers must refuse it, not report no cases.
        ("cut tail and snapshot files removed", |store| {
            remove_snapshot_files(store);
            let db = std::fs::OpenOptions::new()
                .write(true)
                .open(store.join("db"))
                .unwrap();
            let len = db.metadata().unwrap().len();
            db.set_len(len / 2).unwrap();
        }),
    ];
    // What a rebuild of the undamaged store says it kept.
    let rebuilt_line = |store: &Path, to: &str| {
        let out = run(&[
            "evidence",
            "rebuild",
            "--store",
            store.to_str().unwrap(),
            "--out",
            dir.path().join(to).to_str().unwrap(),
        ]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            !err.contains("panicked") && out.status.code().is_some_and(|c| c != 101),
            "rebuild crashed: {err}"
        );
        (out.status.code(), text)
    };
    let (code, whole) = rebuilt_line(&original, "rebuilt-original");
    assert_eq!(code, Some(0), "{whole}");
    let kept = |text: &str| {
        text.lines()
            .next()
            .unwrap_or("")
            .split(": ")
            .nth(1)
            .map(str::to_string)
    };
    let mut refused = 0;
    for (what, damage) in damages {
        let store = dir.path().join(what.replace(' ', "-"));
        common::copy_dir(&original, &store);
        damage(&store);
        // A rebuild either keeps all the undamaged store held, or exits 3 naming
        // what it left out: never a clean success with less.
        let (code, text) = rebuilt_line(&store, &format!("rebuilt-{}", what.replace(' ', "-")));
        if what == "cut tail and snapshot files removed" {
            // sled kept a prefix of the log (or none of it): the rebuild keeps that
            // and names the report rows no record vouches for any more.
            assert_eq!(code, Some(3), "{text}");
            assert!(text.contains("report_rows"), "{text}");
        }
        match code {
            Some(0) => assert_eq!(kept(&text), kept(&whole), "{what}: {text}"),
            Some(3) => assert!(
                text.contains("left out:") || text.contains("chain breaks"),
                "{what}: {text}"
            ),
            _ => {}
        }
        for args in [
            vec!["evidence", "verify", "--store", store.to_str().unwrap()],
            vec!["case", "list", "--store", store.to_str().unwrap()],
            vec!["findings", "--store", store.to_str().unwrap()],
        ] {
            let out = run(&args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                !err.contains("panicked") && out.status.code().is_some_and(|c| c != 101),
                "{what}: {args:?} crashed: {err}"
            );
            if !out.status.success() {
                refused += 1;
                assert!(
                    err.contains(store.to_str().unwrap()) || err.contains("evidence store"),
                    "{what}: {args:?}: {err}"
                );
            }
        }
    }
    assert!(refused > 0, "no damage was noticed at all");
    let out = run(&["case", "list", "--store", backup.to_str().unwrap()]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("cases"));
    let out = run(&["evidence", "verify", "--store", backup.to_str().unwrap()]);
    assert!(out.status.success(), "the backup verifies");
}

/// `evidence rebuild`: an intact store rebuilds into one with the same listings,
/// observations, findings, cases and report; a tampered finding is named and left
/// out; a broken chain is named and nothing after it is kept; every result verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuild_keeps_what_the_log_proves_and_names_the_rest() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("store");
    {
        let store = Store::open(&original).unwrap();
        for night in 0..3 {
            server.set_night(night);
            common::night(&config, &store, night).await;
        }
    }
    let period: brandguard::report::compliance::Period = "2026-11".parse().unwrap();
    let report = |path: &Path| {
        let store = Store::open(path).unwrap();
        let r = brandguard::report::compliance::build(&config, &store, period, None).unwrap();
        let out = path.with_extension("report");
        let w = brandguard::report::compliance::write(&config, &r, period, &out).unwrap();
        (
            std::fs::read(w.scorecards).unwrap(),
            std::fs::read(w.violations).unwrap(),
        )
    };
    let want = common::outcome(&original, 3);
    let want_report = report(&original);

    // Intact: everything kept.
    let rebuilt = dir.path().join("rebuilt");
    let (r, _) = Store::open(&original)
        .unwrap()
        .rebuild_into(&rebuilt)
        .unwrap();
    assert!(
        r.left_out.is_empty() && r.chain_broken_at.is_none(),
        "{r:?}"
    );
    assert_eq!(
        r.findings_unvouched, 0,
        "every finding vouched in a new store"
    );
    assert_eq!(common::outcome(&rebuilt, 3), want);
    assert_eq!(report(&rebuilt), want_report);

    // A finding's words altered: left out and named; the rest verifies.
    let tampered = dir.path().join("tampered");
    common::copy_dir(&original, &tampered);
    let key = {
        let db = brandguard::evidence::open_sled(&tampered).unwrap();
        let t = db.open_tree("findings").unwrap();
        let (k, v) = t.iter().next().unwrap().unwrap();
        let mut r: serde_json::Value = serde_json::from_slice(&v).unwrap();
        r["finding"]["detail"] = "altered".into();
        t.insert(&k, serde_json::to_vec(&r).unwrap()).unwrap();
        db.flush().unwrap();
        String::from_utf8_lossy(&k).replace('\0', "/")
    };
    let out = dir.path().join("rebuilt-tampered");
    let (r, v) = Store::open(&tampered).unwrap().rebuild_into(&out).unwrap();
    assert!(
        r.left_out.iter().any(|l| l.contains(&key)),
        "{:?}",
        r.left_out
    );
    assert_eq!(r.left_out.len(), 1, "{:?}", r.left_out);
    assert_eq!(v.findings as usize, want.findings.len() - 1);

    // An observation's bytes altered: named and left out; the rebuilt store states
    // the loss in its log (an evidence_lost record) and verifies, saying so.
    let altered = dir.path().join("altered-observation");
    common::copy_dir(&original, &altered);
    let obs_key = {
        let db = brandguard::evidence::open_sled(&altered).unwrap();
        let t = db.open_tree("observations").unwrap();
        let (k, v) = t.iter().next().unwrap().unwrap();
        let mut o: serde_json::Value = serde_json::from_slice(&v).unwrap();
        o["listing"]["title"] = "altered".into();
        t.insert(&k, serde_json::to_vec(&o).unwrap()).unwrap();
        db.flush().unwrap();
        hex::encode(&k)
    };
    assert!(Store::open(&altered).unwrap().verify().is_err());
    let out = dir.path().join("rebuilt-altered-observation");
    let (r, v) = Store::open(&altered).unwrap().rebuild_into(&out).unwrap();
    assert!(
        r.left_out.iter().any(|l| l.contains(&obs_key)),
        "{:?}",
        r.left_out
    );
    assert_eq!(r.lost_observations.len(), 1, "{:?}", r.left_out);
    assert_eq!(v.observations_lost, 1);
    let held = Store::open(&original)
        .unwrap()
        .verify()
        .unwrap()
        .observations;
    assert_eq!(v.observations + 1, held);
    let rebuilt = Store::open(&out).unwrap();
    let last = rebuilt.log_record(rebuilt.log_len() - 1).unwrap().unwrap();
    assert_eq!(last.kind, "evidence_lost");
    // Readers work on what is left: the month's report and every case's packet.
    brandguard::report::compliance::build(&config, &rebuilt, period, None).unwrap();
    let packets = dir.path().join("packets-after-loss");
    for c in brandguard::case::all(&rebuilt).unwrap() {
        match brandguard::report::packet::build_draft(&config, &rebuilt, &c.id, None, &packets) {
            Ok(p) => {
                brandguard::report::packet::verify(&p.dir, None).unwrap();
            }
            Err(e) => panic!("case {}: {e}", c.id),
        }
    }
    // Put the altered bytes back under the lost key: verify refuses them.
    {
        drop(rebuilt);
        let db = brandguard::evidence::open_sled(&out).unwrap();
        let t = db.open_tree("observations").unwrap();
        t.insert(hex::decode(&obs_key).unwrap(), b"{}".to_vec())
            .unwrap();
        db.flush().unwrap();
    }
    assert!(Store::open(&out).unwrap().verify().is_err());

    // A snapshot's bytes altered: the same.
    let altered = dir.path().join("altered-snapshot");
    common::copy_dir(&original, &altered);
    let snap = {
        let db = brandguard::evidence::open_sled(&altered).unwrap();
        // The page of an observation with findings (one a packet cites).
        let sha = db
            .open_tree("observations")
            .unwrap()
            .iter()
            .map(|r| serde_json::from_slice::<serde_json::Value>(&r.unwrap().1).unwrap())
            .find(|o| o["findings"].as_array().is_some_and(|f| !f.is_empty()))
            .map(|o| o["snapshot"]["sha256"].as_str().unwrap().to_string())
            .unwrap();
        let t = db.open_tree("snapshots").unwrap();
        t.insert(
            hex::decode(&sha).unwrap(),
            zstd::encode_all(&b"forged page"[..], 3).unwrap(),
        )
        .unwrap();
        db.flush().unwrap();
        sha
    };
    let out = dir.path().join("rebuilt-altered-snapshot");
    let (r, v) = Store::open(&altered).unwrap().rebuild_into(&out).unwrap();
    assert!(
        r.left_out.iter().any(|l| l.contains(&snap)),
        "{:?}",
        r.left_out
    );
    assert!(v.snapshots_lost >= 1);
    // A packet citing that page says its bytes are lost, never drops it unseen.
    let rebuilt = Store::open(&out).unwrap();
    let packets = dir.path().join("packets-after-lost-page");
    let said = brandguard::case::all(&rebuilt).unwrap().iter().any(|c| {
        let p = brandguard::report::packet::build_draft(&config, &rebuilt, &c.id, None, &packets)
            .unwrap();
        let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
        cover.contains("page bytes lost") && cover.contains(&snap)
    });
    assert!(said, "no packet cover names the lost page {snap}");
    drop(rebuilt);

    // A log record altered in the middle: the chain breaks there.
    let broken = dir.path().join("broken");
    common::copy_dir(&original, &broken);
    let cut = {
        let db = brandguard::evidence::open_sled(&broken).unwrap();
        let t = db.open_tree("log").unwrap();
        let n = t.len() as u64;
        let k = (n / 2).to_be_bytes();
        let mut rec: serde_json::Value =
            serde_json::from_slice(&t.get(k).unwrap().unwrap()).unwrap();
        rec["payload"]["forged"] = true.into();
        t.insert(k, serde_json::to_vec(&rec).unwrap()).unwrap();
        db.flush().unwrap();
        n / 2
    };
    let out = dir.path().join("rebuilt-broken");
    let (r, _) = Store::open(&broken).unwrap().rebuild_into(&out).unwrap();
    assert_eq!(r.log_records, cut, "the records before the break are kept");
    assert!(
        r.chain_broken_at
            .as_deref()
            .is_some_and(|b| b.contains(&format!("log/{cut}"))),
        "{r:?}"
    );
    let store = Store::open(&out).unwrap();
    assert_eq!(store.log_len(), cut);
}

/// A second scan of an unchanged marketplace gets `304 Not Modified`: the `.warc.gz`
/// export writes those captures as revisit records (profile server-not-modified)
/// that refer to the response holding the bytes, each record its own gzip member.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unchanged_pages_are_exported_as_revisits_in_a_gzipped_warc() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let path = dir.path().join("store");
    let store = Store::open(&path).unwrap();
    common::scan(&config, &store).await;
    common::scan(&config, &store).await;
    let warc_path = dir.path().join("scan.warc.gz");
    let mut file = std::fs::File::create(&warc_path).unwrap();
    let stats = brandguard::evidence::warc::export_gzip(&store, &mut file).unwrap();
    drop(file);
    assert!(stats.revisits > 0, "{stats:?}");
    let raw = std::fs::read(&warc_path).unwrap();
    assert_eq!(&raw[..2], &[0x1f, 0x8b], "gzip");
    let reader = warc::WarcReader::new(std::io::BufReader::new(flate2::read::MultiGzDecoder::new(
        std::fs::File::open(&warc_path).unwrap(),
    )));
    let mut payload_of = std::collections::HashMap::new();
    let mut requests = std::collections::HashMap::new();
    let mut revisits = 0;
    let mut heads = 0;
    let mut revisit_ids = std::collections::HashSet::new();
    for record in reader.iter_records() {
        let record = record.expect("every record reads");
        let id = record
            .header(warc::WarcHeader::RecordID)
            .unwrap()
            .to_string();
        match record.header(warc::WarcHeader::WarcType).as_deref() {
            Some("response") => {
                let digest = record.header(warc::WarcHeader::PayloadDigest).unwrap();
                payload_of.insert(id, digest.to_string());
            }
            Some("request") => {
                requests.insert(id, String::from_utf8_lossy(record.body()).to_lowercase());
            }
            Some("revisit") => {
                revisits += 1;
                // The request as sent: a revalidation with the earlier ETag.
                let request = record.header(warc::WarcHeader::ConcurrentTo).unwrap();
                let sent = &requests[request.as_ref()];
                assert!(sent.contains("\r\nif-none-match: "), "{sent}");
                assert!(sent.contains("\r\nuser-agent: "), "{sent}");
                // Empty, so replay serves the original; the 304 head follows in a
                // metadata record.
                assert!(record.body().is_empty());
                revisit_ids.insert(id.clone());
                assert_eq!(
                    record.header(warc::WarcHeader::Profile).as_deref(),
                    Some("http://netpreserve.org/warc/1.1/revisit/server-not-modified")
                );
                let refers = record.header(warc::WarcHeader::RefersTo).unwrap();
                let digest = record.header(warc::WarcHeader::PayloadDigest).unwrap();
                assert_eq!(
                    payload_of.get(refers.as_ref()).map(String::as_str),
                    Some(digest.as_ref()),
                    "a revisit refers to an earlier response with the same payload"
                );
            }
            Some("metadata") => {
                let refers = record.header(warc::WarcHeader::RefersTo).unwrap();
                assert!(revisit_ids.contains(refers.as_ref()), "after its revisit");
                let fields = String::from_utf8_lossy(record.body()).to_string();
                assert!(
                    fields.starts_with("http-response-status: HTTP/1.1 304 Not Modified\r\n"),
                    "{fields}"
                );
                assert!(
                    fields
                        .to_lowercase()
                        .contains("http-response-header: etag: "),
                    "{fields}"
                );
                heads += 1;
            }
            _ => {}
        }
    }
    assert_eq!(revisits, stats.revisits);
    assert_eq!(heads, stats.revisits, "every 304's own head kept");
}

/// A listing page reached through a `301 Moved Permanently` keeps the hop: the
/// capture record holds the redirect as it was answered, and the WARC export writes
/// request and response for the hop, then for the page, so replay follows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_hops_are_kept_and_exported_as_they_happened() {
    use brandguard::demo::{Fault, Site};
    let (_server, config) = common::demo(&DemoOptions {
        faults: vec![(Site::Shopusa, Fault::Moved)],
        ..DemoOptions::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("store")).unwrap();
    common::scan(&config, &store).await;
    store.verify().unwrap();
    let mut hopped = 0;
    for r in store.log() {
        let r = r.unwrap();
        if r.kind != "capture" {
            continue;
        }
        let page = &r.payload["page"];
        if let Some(hops) = page["redirects"].as_array() {
            assert_eq!(hops.len(), 1, "{page}");
            assert_eq!(hops[0]["status"], 301);
            assert_eq!(
                hops[0]["url"], page["url"],
                "the hop is the address asked for"
            );
            assert!(page["final_url"].as_str().unwrap().ends_with("?ref=moved"));
            hopped += 1;
        }
    }
    assert!(hopped > 0, "shopusa's item pages came through a redirect");

    let mut out = Vec::new();
    let stats = brandguard::evidence::warc::export(&store, &mut out).unwrap();
    assert_eq!(stats.redirects, hopped);
    let reader = warc::WarcReader::new(std::io::BufReader::new(&out[..]));
    let records: Vec<_> = reader.iter_records().map(|r| r.unwrap()).collect();
    let mut followed = 0;
    for (i, rec) in records.iter().enumerate() {
        if rec.header(warc::WarcHeader::WarcType).as_deref() != Some("response")
            || !rec.body().starts_with(b"HTTP/1.1 301 ")
        {
            continue;
        }
        let head = String::from_utf8_lossy(rec.body()).to_string();
        let location = head
            .lines()
            .find_map(|l| {
                l.strip_prefix("location: ")
                    .or_else(|| l.strip_prefix("Location: "))
            })
            .expect("the 301 keeps its Location")
            .trim()
            .to_string();
        // Next: the request that followed it, then the page's response.
        let next = &records[i + 1];
        assert_eq!(
            next.header(warc::WarcHeader::WarcType).as_deref(),
            Some("request")
        );
        let target = next
            .header(warc::WarcHeader::TargetURI)
            .unwrap()
            .to_string();
        assert!(target.ends_with(&location), "{target} follows {location}");
        let page = &records[i + 2];
        assert_eq!(
            page.header(warc::WarcHeader::WarcType).as_deref(),
            Some("response")
        );
        assert!(page.body().starts_with(b"HTTP/1.1 200 "));
        followed += 1;
    }
    assert_eq!(followed, hopped);
}

/// sled keeps an older state of a store whose rows file of the last scan was already
/// written (a cut `db` can open so): the scan looks begun and unfinished, as after a
/// crash, but its rows file names capture records the log no longer holds. Readers
/// refuse it, saying sled lost part of the log, instead of showing the older store
/// as the truth; `evidence verify` fails; a crash in the same place (rows written
/// from durable records only) is still read as a crash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_missing_the_tail_of_its_log_is_refused_by_readers() {
    let dir = tempfile::tempdir().unwrap();
    let original = scanned_store(dir.path()).await;
    let bin = env!("CARGO_BIN_EXE_brandguard");
    let run = |args: &[&str]| std::process::Command::new(bin).args(args).output().unwrap();
    let case_list = |store: &Path| run(&["case", "list", "--store", store.to_str().unwrap()]);
    assert!(case_list(&original).status.success());

    // The last scan as a crash in finish_scan leaves it: rows written, the
    // scan_finished record and everything after it not.
    let crashed = dir.path().join("crashed");
    common::copy_dir(&original, &crashed);
    let lose_tail_from = |store: &Path, keep_scan_records: bool| {
        let db = brandguard::evidence::open_sled(store).unwrap();
        let log = db.open_tree("log").unwrap();
        let scans = db.open_tree("scans").unwrap();
        let (k, v) = scans.last().unwrap().unwrap();
        let mut last: serde_json::Value = serde_json::from_slice(&v).unwrap();
        let finished = last["finished_log_seq"].as_u64().unwrap();
        // From `from` on, the log is gone: from the scan_finished record (a crash),
        // or from the scan's last capture on (more than a crash takes).
        let scan_id = last["scan_id"].as_u64().unwrap();
        let last_capture = db
            .open_tree("observations")
            .unwrap()
            .scan_prefix(scan_id.to_be_bytes())
            .map(|r| {
                let v: serde_json::Value = serde_json::from_slice(&r.unwrap().1).unwrap();
                v["capture_log_seq"].as_u64().unwrap()
            })
            .max()
            .unwrap();
        let from = if keep_scan_records {
            finished
        } else {
            last_capture
        };
        for seq in from..log.len() as u64 {
            log.remove(seq.to_be_bytes()).unwrap();
        }
        for f in [
            "finished_at",
            "finished_log_seq",
            "summary",
            "log_head",
            "report_rows",
        ] {
            last[f] = serde_json::Value::Null;
        }
        scans.insert(k, serde_json::to_vec(&last).unwrap()).unwrap();
        db.flush().unwrap();
    };
    lose_tail_from(&crashed, true);
    let out = case_list(&crashed);
    assert!(
        out.status.success(),
        "a crash's leftovers read as a crash: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Captures of that scan lost too: more than any crash can take back.
    let lost = dir.path().join("lost");
    common::copy_dir(&original, &lost);
    lose_tail_from(&lost, false);
    for args in [
        vec!["case", "list", "--store", lost.to_str().unwrap()],
        vec!["findings", "--store", lost.to_str().unwrap()],
    ] {
        let out = run(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{args:?} read a store missing its log's tail"
        );
        assert!(err.contains("sled lost part of the log"), "{args:?}: {err}");
    }
    assert!(
        !run(&["evidence", "verify", "--store", lost.to_str().unwrap()])
            .status
            .success()
    );
}

/// Makes the store look as if written before the history index existed.
fn drop_history_index(db: &sled::Db) {
    let listings = db.open_tree("listings").unwrap();
    for k in listings.scan_prefix([0xFF]).map(|r| r.unwrap().0) {
        listings.remove(k).unwrap();
    }
    db.open_tree("meta")
        .unwrap()
        .remove("history_index")
        .unwrap();
}

/// A store written before the history index existed: the first open indexes every
/// observation, after which each listing's history and `verify` are as before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_without_the_history_index_gets_one_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = scanned_store(dir.path()).await;
    let (listing, before) = {
        let store = Store::open(&path).unwrap();
        let o = store.observations(1).next().unwrap().unwrap();
        let key = (o.listing.marketplace, o.listing.listing_id);
        let h = store.history(&key.0, &key.1).unwrap();
        (key, h.len())
    };
    assert!(before > 0);
    {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        drop_history_index(&db);
        db.flush().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.history(&listing.0, &listing.1).unwrap().len(), before);
    store.verify().expect("the rebuilt index verifies");
    drop(store);
    // Such a store with an observation that no longer parses still opens (so it
    // can be verified and rebuilt): verify names the observation.
    let key = {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        drop_history_index(&db);
        let observations = db.open_tree("observations").unwrap();
        let (k, _) = observations.iter().next().unwrap().unwrap();
        observations.insert(&k, b"{not json".as_slice()).unwrap();
        db.flush().unwrap();
        hex::encode(&k)
    };
    let err = Store::open(&path)
        .expect("opens despite the unreadable observation")
        .verify()
        .expect_err("the altered observation is found")
        .to_string();
    assert!(err.contains(&key), "{err}");
}
