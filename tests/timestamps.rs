//! Third-party time on the evidence log (RFC 3161), against a real time-stamp
//! authority on loopback: OpenSSL's own `openssl ts -reply` behind a small HTTP
//! responder, with a root and a TSA certificate made for the test. The token is
//! checked by brandguard and by `openssl ts -verify`; it does not cover another head;
//! a signer that does not chain to the given roots fails verify; a history rewritten
//! before an anchored head (every hash recomputed) is named by verify; a TSA that
//! does not answer changes nothing and never fails a scan.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

mod common;

use brandguard::evidence::{Store, anchor};
use sha2::{Digest, Sha256};

fn brandguard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_brandguard"))
}

fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A root, a TSA certificate it signed (extended key usage: timeStamping, critical)
/// and the `[tsa]` configuration `openssl ts -reply` reads.
fn make_tsa(dir: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let root_subj = format!("/CN={name} Root");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "root.key",
            "-out",
            "root.pem",
            "-days",
            "30",
            "-subj",
            &root_subj,
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.csr",
            "-subj",
            &format!("/CN={name}"),
        ],
    );
    std::fs::write(
        dir.join("ext.cnf"),
        "extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "tsa.csr",
            "-CA",
            "root.pem",
            "-CAkey",
            "root.key",
            "-CAcreateserial",
            "-out",
            "tsa.pem",
            "-days",
            "30",
            "-extfile",
            "ext.cnf",
        ],
    );
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    std::fs::write(
        dir.join("tsa.cnf"),
        format!(
            "[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\ndir = {}\nserial = $dir/serial\n\
             crypto_device = builtin\nsigner_cert = $dir/tsa.pem\nsigner_key = $dir/tsa.key\n\
             signer_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256, sha384, sha512\n\
             accuracy = secs:1\nordering = no\ntsa_name = yes\ness_cert_id_chain = no\n\
             ess_cert_id_alg = sha256\n",
            dir.display()
        ),
    )
    .unwrap();
    dir.join("root.pem")
}

/// The TSA on loopback: each POSTed query answered by `openssl ts -reply`.
async fn serve_tsa(dir: PathBuf) -> String {
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    let app = axum::Router::new().fallback(move |body: axum::body::Bytes| {
        let (dir, lock) = (dir.clone(), lock.clone());
        async move {
            let _one_at_a_time = lock.lock().await;
            std::fs::write(dir.join("query.tsq"), &body).unwrap();
            let o = Command::new("openssl")
                .args([
                    "ts",
                    "-reply",
                    "-config",
                    "tsa.cnf",
                    "-queryfile",
                    "query.tsq",
                    "-out",
                    "reply.tsr",
                ])
                .current_dir(&dir)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            (
                [(
                    axum::http::header::CONTENT_TYPE,
                    "application/timestamp-reply",
                )],
                std::fs::read(dir.join("reply.tsr")).unwrap(),
            )
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/tsr", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

fn output(cmd: &mut Command) -> (i32, String) {
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_head_is_time_stamped_and_verified_offline() {
    if !common::tool_available("openssl", "RFC 3161 time-stamps against a local TSA") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = make_tsa(&dir.path().join("tsa"), "Test TSA");
    let stranger = make_tsa(&dir.path().join("other"), "Other TSA");
    let tsa = serve_tsa(dir.path().join("tsa")).await;
    let out = dir.path().join("demo");
    let (code, text) = output(
        brandguard()
            .args(["demo", "--nights", "2", "--out"])
            .arg(&out),
    );
    assert!(code == 0 || code == 3, "{text}");
    let store_dir = out.join("store");
    let cli = |args: &[&str]| {
        let mut c = brandguard();
        c.args(args).arg("--store").arg(&store_dir);
        c
    };

    // A TSA that does not answer: an error, nothing changed.
    let before = Store::open_existing(&store_dir).unwrap().log_len();
    let (code, text) = output(&mut cli(&[
        "evidence",
        "anchor",
        "--tsa",
        "http://127.0.0.1:9/tsr",
    ]));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("gave no token"), "{text}");
    assert_eq!(Store::open_existing(&store_dir).unwrap().log_len(), before);

    // Anchored; asking again with nothing new is a no-op.
    let (code, text) = output(&mut cli(&["evidence", "anchor", "--tsa", &tsa]));
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!("anchored records 0-{}", before - 1)),
        "{text}"
    );
    let (code, text) = output(&mut cli(&["evidence", "anchor", "--tsa", &tsa]));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("already anchored"), "{text}");

    // verify: the token covers the head and chains to the TSA's root.
    let (code, text) = output(&mut cli(&[
        "evidence",
        "verify",
        "--tsa-roots",
        root.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("chains to CN=Test TSA Root"), "{text}");
    println!("{text}");
    // ...and not to a root that did not sign the TSA.
    let (code, text) = output(&mut cli(&[
        "evidence",
        "verify",
        "--tsa-roots",
        stranger.to_str().unwrap(),
    ]));
    assert_eq!(code, 4, "{text}");
    assert!(text.contains("does not chain"), "{text}");

    // The token, checked by OpenSSL itself, as a packet's reader would.
    let a = Store::open_existing(&store_dir)
        .unwrap()
        .anchors()
        .unwrap()
        .remove(0);
    let tsr = dir.path().join("anchor.tsr");
    std::fs::write(&tsr, a.response_bytes()).unwrap();
    let o = Command::new("openssl")
        .args(["ts", "-verify", "-digest", &a.head, "-in"])
        .arg(&tsr)
        .arg("-CAfile")
        .arg(&root)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("Verification: OK"),
        "{said}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    println!(
        "openssl ts -verify -digest {} -in anchor.tsr -CAfile root.pem: {}",
        a.head,
        said.trim()
    );

    // The token does not cover another head.
    let other = Sha256::digest(b"another head");
    let err = anchor::check(&a.response_bytes(), &other, None, None).unwrap_err();
    assert!(err.contains("not this head"), "{err}");

    // A packet built now carries the token covering its captures, with the note on
    // checking it; OpenSSL checks the packet's copy. The WACZ bundle carries it too.
    let packets = dir.path().join("packets");
    let targets = out.join("targets");
    let (code, text) = output(&mut cli(&[
        "packet",
        "--case",
        "C0001",
        "--targets",
        targets.to_str().unwrap(),
        "--out",
        packets.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{text}");
    let packet = std::fs::read_dir(&packets)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .expect("the packet folder");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(packet.join("manifest.json")).unwrap()).unwrap();
    let file = manifest["timestamp"]["file"]
        .as_str()
        .expect("the manifest names the token");
    assert_eq!(manifest["timestamp"]["head"], a.head.as_str());
    assert_eq!(
        std::fs::read(packet.join(file)).unwrap(),
        a.response_bytes()
    );
    let note = std::fs::read_to_string(packet.join("timestamps/README.txt")).unwrap();
    assert!(
        note.contains(&format!("openssl ts -verify -in {file} -digest {}", a.head)),
        "{note}"
    );
    let o = Command::new("openssl")
        .args(["ts", "-verify", "-digest", &a.head, "-in", file, "-CAfile"])
        .arg(&root)
        .current_dir(&packet)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("Verification: OK"));
    let (code, text) = output(cli(&["packet", "verify"]).arg(&packet));
    assert_eq!(code, 0, "{text}");
    let wacz = dir.path().join("evidence.wacz");
    let (code, text) = output(&mut cli(&[
        "evidence",
        "export",
        "--wacz",
        wacz.to_str().unwrap(),
    ]));
    assert_eq!(code, 0, "{text}");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&wacz).unwrap()).unwrap();
    let mut tsr = Vec::new();
    std::io::Read::read_to_end(
        &mut zip
            .by_name(&format!("evidence/anchor-{}.tsr", a.head_seq))
            .unwrap(),
        &mut tsr,
    )
    .unwrap();
    assert_eq!(tsr, a.response_bytes());
    if common::tool_available("wacz", "the WACZ bundle with its time-stamp") {
        let (code, text) = output(Command::new("wacz").arg("validate").arg("-f").arg(&wacz));
        assert!(code == 0 && text.contains("Validation succeeded"), "{text}");
    }

    // History rewritten before the anchored head, every hash recomputed so the chain
    // links again: verify names the anchored record whose hash changed.
    rewrite_history(&store_dir, 3);
    let (code, text) = output(&mut cli(&["evidence", "verify"]));
    assert_eq!(code, 4, "{text}");
    assert!(
        text.contains(&format!("record {} hashes to", a.head_seq))
            && text.contains("the log before it was changed"),
        "{text}"
    );
    println!("after a rewrite before the anchored head: {}", text.trim());
}

/// What an insider with write access could do: change record `at`, then recompute
/// every later record's hashes so the chain links again.
fn rewrite_history(store: &Path, at: u64) {
    let db = brandguard::evidence::open_sled(store).unwrap();
    let log = db.open_tree("log").unwrap();
    let mut prev: Option<String> = None;
    for item in log.iter() {
        let (k, v) = item.unwrap();
        let mut rec: serde_json::Value = serde_json::from_slice(&v).unwrap();
        let seq = rec["seq"].as_u64().unwrap();
        if seq < at {
            prev = rec["hash"].as_str().map(str::to_string);
            continue;
        }
        if seq == at {
            rec["payload"]["rewritten"] = serde_json::json!("an earlier time, say");
        }
        let payload_sha = hex::encode(Sha256::digest(serde_json::to_vec(&rec["payload"]).unwrap()));
        let p = prev.clone().unwrap();
        let mut h = Sha256::new();
        h.update(p.as_bytes());
        h.update(seq.to_be_bytes());
        h.update(rec["kind"].as_str().unwrap().as_bytes());
        h.update(payload_sha.as_bytes());
        let hash = hex::encode(h.finalize());
        rec["prev"] = p.into();
        rec["payload_sha256"] = payload_sha.into();
        rec["hash"] = hash.clone().into();
        log.insert(k, serde_json::to_vec(&rec).unwrap()).unwrap();
        prev = Some(hash);
    }
    db.flush().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_time_stamps_its_night_and_a_tsa_that_is_down_never_fails_it() {
    if !common::tool_available("openssl", "RFC 3161 time-stamps against a local TSA") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_tsa(&dir.path().join("tsa"), "Test TSA");
    let tsa = serve_tsa(dir.path().join("tsa")).await;
    let server = brandguard::demo::DemoServer::start(&brandguard::demo::DemoOptions::default())
        .await
        .unwrap();
    let targets = dir.path().join("targets");
    brandguard::demo::write_targets(&targets, Some(&server)).unwrap();
    let brand = targets.join("brand.toml");
    let text = std::fs::read_to_string(&brand).unwrap();
    let store = dir.path().join("store");
    let scan = |tsa_url: &str| {
        std::fs::write(&brand, format!("{text}\n[evidence]\ntsa = \"{tsa_url}\"\n")).unwrap();
        let mut c = brandguard();
        c.args(["scan", "--targets"])
            .arg(&targets)
            .arg("--store")
            .arg(&store);
        let o = c.output().unwrap();
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("last-scan.json")).unwrap())
                .unwrap();
        (o.status.code().unwrap_or(-1), summary)
    };
    // The TSA is down: the night is fine, the summary says it is unanchored.
    let (code, s) = scan("http://127.0.0.1:9/tsr");
    assert_eq!(code, 0, "{s}");
    assert!(s["timestamp"]["error"].as_str().is_some(), "{s}");
    assert!(s["timestamp"]["anchored_through"].is_null());
    // The next night's token covers both nights.
    let (code, s) = scan(&tsa);
    assert_eq!(code, 0, "{s}");
    let through = s["timestamp"]["anchored_through"]
        .as_u64()
        .expect("anchored");
    let st = Store::open_existing(&store).unwrap();
    assert_eq!(
        through + 2,
        st.log_len(),
        "the token covers every record but itself"
    );
    st.verify().unwrap();
    assert_eq!(st.anchors().unwrap().len(), 1);
}
