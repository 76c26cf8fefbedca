//! Shared setup of the integration tests: a demo marketplace on loopback, the demo
//! targets pointed at it, and a scan into a fresh store.
#![allow(dead_code)]

use std::path::Path;

use brandguard::config::Config;
use brandguard::demo::{DemoOptions, DemoServer};
use brandguard::evidence::Store;
use brandguard::scan::{self, ScanOptions, ScanSummary};

/// The demo marketplace started with `opts`, and targets/demo pointed at it.
pub async fn demo(opts: &DemoOptions) -> (DemoServer, Config) {
    let server = DemoServer::start(opts)
        .await
        .expect("demo starts on loopback");
    let mut config = Config::load(Path::new("targets/demo")).expect("demo targets are valid");
    for (name, url) in server.base_urls() {
        config
            .override_base_url(&name, &url)
            .expect("known marketplace");
    }
    (server, config)
}

/// A store in a fresh temporary folder (kept alive by the returned guard).
pub fn fresh_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("store")).expect("store opens");
    (dir, store)
}

/// One scan of `config` into `store`, stamped with the demo's first night (the
/// date its ground truth is written for).
pub async fn scan(config: &Config, store: &Store) -> ScanSummary {
    night(config, store, 0).await
}

/// One scan stamped with the date of demo night `n` (the server must be on that night).
pub async fn night(config: &Config, store: &Store, n: u32) -> ScanSummary {
    let opts = ScanOptions {
        as_of: Some(brandguard::demo::night_date(n)),
        ..ScanOptions::default()
    };
    scan::run(config, store, opts).await.expect("scan runs")
}

/// `--base-url` value pointing every demo marketplace at `server`.
pub fn base_urls(server: &DemoServer) -> String {
    server
        .base_urls()
        .iter()
        .map(|(n, u)| format!("{n}={u}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The real binary scanning `targets` into `store` against the demo `server`, writing
/// its summary to `summary`. Output is left for the caller to direct.
pub fn scan_command(
    targets: &Path,
    store: &Path,
    summary: &Path,
    server: &DemoServer,
) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"));
    c.arg("scan")
        .arg("--targets")
        .arg(targets)
        .arg("--store")
        .arg(store)
        .arg("--summary")
        .arg(summary)
        .args(["--base-url", &base_urls(server)]);
    c
}

/// `brandguard extract PAGE` of `body` as a shopusa item page at `item` (an id), with
/// the demo targets: the JSON it prints.
pub fn extract_shopusa(body: &[u8], item: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("page.html");
    std::fs::write(&page, body).expect("page written");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .arg("extract")
        .arg(&page)
        .args([
            "--targets",
            "targets/demo",
            "--marketplace",
            "shopusa",
            "--url",
        ])
        .arg(format!("http://127.0.0.1:8701/item/{item}"))
        .output()
        .expect("brandguard runs");
    assert!(
        o.status.success(),
        "extract failed ({:?}): {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("extract prints JSON")
}
