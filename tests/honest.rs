//! "Not looked" is never "not seen": a marketplace that blocks the crawler or cannot
//! be reached resolves nothing, and the night says so in its exit code.

mod common;

use std::path::Path;

use brandguard::case;
use brandguard::demo::{DemoOptions, DemoServer, Fault, Site};

async fn start(faults: Vec<(Site, Fault)>) -> DemoServer {
    DemoServer::start(&DemoOptions {
        faults,
        ..DemoOptions::default()
    })
    .await
    .expect("demo starts on loopback")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nights_a_marketplace_blocks_resolve_nothing_on_it() {
    let server = start(vec![]).await;
    let mut config = brandguard::config::Config::load(Path::new("targets/demo")).unwrap();
    for (name, url) in server.base_urls() {
        config.override_base_url(&name, &url).unwrap();
    }
    let (dir, store) = common::fresh_store();
    let first = common::night(&config, &store, 0).await;
    assert!(first.not_looked.is_empty(), "{:?}", first.not_looked);
    let open_on_tmart = |store: &brandguard::evidence::Store| {
        case::all(store)
            .unwrap()
            .into_iter()
            .filter(|c| c.marketplace == "tmart" && !c.state.is_done())
            .count()
    };
    let tmart_cases = open_on_tmart(&store);
    assert!(tmart_cases > 0);

    // Nights 2 and 3: tmart answers its listing pages with 403.
    server.set_faults(vec![(Site::Tmart, Fault::Forbidden)]);
    for night in [1, 2] {
        let s = common::night(&config, &store, night).await;
        assert_eq!(s.not_looked, vec!["tmart".to_string()], "night {night}");
        // (Other marketplaces go on as usual: a promotion window may bring a listing
        // into line on these dates.)
    }
    assert_eq!(
        open_on_tmart(&store),
        tmart_cases,
        "tmart cases resolved while blocked"
    );
    for f in store.findings() {
        let f = f.unwrap();
        if f.finding.marketplace == "tmart" {
            assert!(f.resolved.is_none(), "{:?}", f.resolved);
        }
    }

    // The nightly command says so: exit code 5, and the summary names tmart.
    let store_path = store.path().to_path_buf();
    drop(store);
    let summary = dir.path().join("night4.json");
    let o = common::scan_command(Path::new("targets/demo"), &store_path, &summary, &server)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("NOT LOOKED AT: tmart"));
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(s["not_looked"], serde_json::json!(["tmart"]));
    assert_eq!(s["degraded"], serde_json::json!(["tmart"]));
    let store = brandguard::evidence::Store::open(&store_path).unwrap();
    assert_eq!(
        open_on_tmart(&store),
        tmart_cases,
        "tmart cases resolved while blocked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marketplace_that_does_not_answer_is_a_failed_night() {
    let server = start(vec![]).await;
    let dir = tempfile::tempdir().unwrap();
    // shopusa points at a port nobody listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let summary = dir.path().join("s.json");
    let mut cmd = common::scan_command(
        Path::new("targets/demo"),
        &dir.path().join("store"),
        &summary,
        &server,
    );
    cmd.args(["--base-url", &format!("shopusa=http://{dead}")]);
    let o = cmd.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(s["not_looked"], serde_json::json!(["shopusa"]));
    assert_eq!(s["degraded"], serde_json::json!(["shopusa"]));
    assert!(
        s["failures"]["robots_unreachable"].as_u64().unwrap_or(0) >= 1,
        "{}",
        s["failures"]
    );
    assert_eq!(s["marketplaces"]["shopusa"]["robots_blocked"], 0);
}
