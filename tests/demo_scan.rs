//! The walking skeleton end to end: the real scan against the demo marketplace on
//! loopback, checked against the demo's ground truth and its request log.

mod common;

use std::collections::BTreeSet;

use brandguard::demo::DemoOptions;
use brandguard::scan;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_scan_finds_exactly_the_ground_truth() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    let truth = server.ground_truth();
    let report = scan::demo_report(&store, &summary, &truth).unwrap();

    let d = &report.detection;
    assert!(
        d.expected > 50,
        "the demo should hold many violations, has {}",
        d.expected
    );
    assert_eq!(d.precision, 1.0, "false positives: {:?}", d.false_positives);
    assert_eq!(d.recall, 1.0, "missed: {:?}", d.missed);
    assert_eq!(summary.listings_seen as usize, truth.listings.len());
    assert!(
        summary.failures.is_empty(),
        "{:?}",
        summary.failure_examples
    );
    // Every finding kind appears in the demo.
    for kind in [
        "unauthorized_seller",
        "territory_breach",
        "below_floor",
        "suspected_counterfeit",
    ] {
        assert!(
            summary.findings_by_kind.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}"
        );
    }

    // summary.json carries what the issue asks for.
    let json = serde_json::to_value(&report).unwrap();
    for key in [
        "pages_fetched",
        "listings_seen",
        "findings_by_kind",
        "detection",
    ] {
        assert!(json.get(key).is_some(), "summary lacks {key}");
    }
    assert_eq!(json["detection"]["precision"], 1.0);

    // The store's chain and snapshots verify.
    let v = store.verify().unwrap();
    assert!(v.snapshots > 0);
    assert_eq!(
        v.captures, summary.pages_fetched,
        "one capture record per fetch"
    );
    assert_eq!(v.observations, summary.listings_seen);
    assert_eq!(v.head, summary.log_head);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_disallowed_paths_are_never_requested() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    let requests = server.requests();
    assert!(!requests.is_empty());
    // The search pages do link to disallowed paths: the crawler saw and skipped them.
    assert!(
        summary.robots_blocked >= 3,
        "robots_blocked = {}",
        summary.robots_blocked
    );
    let disallowed = [
        "/sponsored/",
        "/promo/",
        "/itm/watch/",
        "/cart",
        "/bid/",
        "/_demo/",
    ];
    for r in &requests {
        assert!(
            !disallowed.iter().any(|d| r.target.starts_with(d)),
            "robots.txt disallows {} but it was requested",
            r.target
        );
        assert!(
            r.user_agent.starts_with("brandguard/"),
            "user agent {}",
            r.user_agent
        );
    }
    // robots.txt itself: once per site per scan.
    let robots: Vec<_> = requests
        .iter()
        .filter(|r| r.target == "/robots.txt")
        .collect();
    assert_eq!(robots.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_brands_and_accessories_are_never_flagged() {
    let (server, config) = common::demo(&DemoOptions {
        seed: 7,
        ..DemoOptions::default()
    })
    .await;
    let (_dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let truth = server.ground_truth();
    let not_ours: BTreeSet<(String, String)> = truth
        .listings
        .iter()
        .filter(|l| l.sku.is_none())
        .map(|l| (l.marketplace.clone(), l.listing_id.clone()))
        .collect();
    assert!(
        not_ours.len() >= 9,
        "the demo must hold other-brand listings"
    );
    for rec in store.findings() {
        let f = rec.unwrap().finding;
        assert!(
            !not_ours.contains(&(f.marketplace.clone(), f.listing_id.clone())),
            "{}/{} is not an Acme product but got {:?}",
            f.marketplace,
            f.listing_id,
            f.kind
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gbk_pages_decode_and_a_second_scan_reports_nothing_new() {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    let first = common::scan(&config, &store).await;
    // The authorised tmart shop's Chinese name survives GBK decoding.
    let seen_huaqiang = store
        .observations(first.scan_id)
        .map(|o| o.unwrap())
        .any(|o| {
            o.listing.marketplace == "tmart"
                && o.listing.seller.name.as_deref() == Some("华强电子旗舰店")
        });
    assert!(seen_huaqiang);
    let gb: Vec<_> = store
        .observations(first.scan_id)
        .map(|o| o.unwrap())
        .filter(|o| o.listing.marketplace == "tmart")
        .map(|o| o.listing.charset)
        .collect();
    assert!(
        !gb.is_empty() && gb.iter().all(|c| c == "gb18030" || c == "GBK"),
        "{gb:?}"
    );

    let second = common::scan(&config, &store).await;
    // A first night expects nothing (its own findings are no expectation); the
    // second expects what the first saw.
    for (name, m) in &first.marketplaces {
        assert_eq!(m.listings_expected, 0, "{name}: {m:?}");
        assert_eq!(
            second.marketplaces[name].listings_expected, m.listings_seen,
            "{name}"
        );
    }
    assert_eq!(second.findings_new, 0);
    assert_eq!(second.findings_ongoing, first.findings_new);
    assert_eq!(second.listings_seen, first.listings_seen);
    assert_eq!(second.findings_resolved, 0, "every finding was seen again");
    // Unchanged pages answer 304 to conditional requests: no new snapshot bytes.
    // Seller profile pages read on the first night are not asked for again within
    // `networks.identity_refresh_days`.
    assert!(first.seller_identities_read > 0);
    assert_eq!(second.seller_identities_read, 0);
    assert_eq!(
        second.not_modified,
        first.pages_fetched - first.seller_identities_read,
        "every page was unchanged"
    );
    assert_eq!(second.snapshot_bytes_new, 0);
    // The same findings, read from the bytes of the first scan.
    assert_eq!(
        scan::findings_of_scan(&store, second.scan_id).unwrap(),
        scan::findings_of_scan(&store, first.scan_id).unwrap()
    );
    store.verify().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_csv_has_one_row_per_finding() {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let (dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    let path = dir.path().join("findings.csv");
    let n = brandguard::report::write_findings_csv(&store, &path).unwrap();
    assert_eq!(n as u64, summary.findings_new);
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    for col in [
        "marketplace",
        "listing_url",
        "listing_id",
        "seller",
        "sku",
        "observed_price",
        "floor",
        "kind",
        "first_seen",
        "evidence_sha256",
    ] {
        assert!(headers.iter().any(|h| h == col), "missing column {col}");
    }
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), n);
    // Evidence references point at stored bytes.
    let sha_col = headers.iter().position(|h| h == "evidence_sha256").unwrap();
    let bytes = store
        .snapshot(&rows[0][sha_col])
        .unwrap()
        .expect("snapshot stored");
    assert!(!bytes.is_empty());
    // Prices are exact decimals, never floats like 198.99000000001.
    let price_col = headers.iter().position(|h| h == "observed_price").unwrap();
    for r in &rows {
        let p = &r[price_col];
        assert!(p.parse::<rust_decimal::Decimal>().is_ok(), "price {p}");
        assert!(
            p.split('.').nth(1).is_none_or(|f| f.len() <= 2),
            "price {p}"
        );
    }
}

/// Under cron or systemd (stderr not a terminal) the real binary logs JSON lines at
/// info without any flag, and every line of the scan carries its scan_id.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unattended_logs_are_json_lines_with_the_scan_id() {
    let (server, _config) = common::demo(&DemoOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let o = common::scan_command(
        std::path::Path::new("targets/demo"),
        &dir.path().join("store"),
        &dir.path().join("last-scan.json"),
        &server,
    )
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stderr)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let started = lines
        .iter()
        .position(|l| l["fields"]["message"] == "scan started")
        .expect("a `scan started` line at the default level");
    let in_scan: Vec<&serde_json::Value> = lines[started..]
        .iter()
        .filter(|l| {
            l["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("brandguard::scan"))
        })
        .collect();
    assert!(in_scan.len() >= 2, "{lines:#?}");
    for l in in_scan {
        assert_eq!(l["span"]["scan_id"], 1, "{l}");
    }
}

/// Pages of real and heavy weight (menus, reviews quoting other prices, rails of
/// other sellers' products with their GTINs and prices, as lists and as schema.org
/// `ItemList`, inline state) give the same findings as light ones, and every
/// listing's price, seller and SKU are the listing's own, not a rail's or a review's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_real_weight_read_like_light_ones() {
    use brandguard::demo::{PageWeight, item_pages};
    for (weight, per_site, sizes) in [
        (PageWeight::Real, 24, 15_000..=40_000),
        (PageWeight::Heavy, 6, 300_000..=1_500_000),
    ] {
        let (server, config) = common::demo(&DemoOptions {
            page_weight: weight,
            listings_per_site: per_site,
            ..DemoOptions::default()
        })
        .await;
        for (_, path, body) in item_pages(&server.catalog(), weight) {
            assert!(
                sizes.contains(&body.len()),
                "{}: {path} weighs {} bytes",
                weight.name(),
                body.len()
            );
        }
        let (_dir, store) = common::fresh_store();
        let summary = common::scan(&config, &store).await;
        let truth = server.ground_truth();
        let report = scan::demo_report(&store, &summary, &truth).unwrap();
        let d = &report.detection;
        assert_eq!(
            d.precision,
            1.0,
            "{}: {:?}",
            weight.name(),
            d.false_positives
        );
        assert_eq!(d.recall, 1.0, "{}: {:?}", weight.name(), d.missed);
        // One search page per site (48 or 60 results hold every listing), and one
        // profile page per seller whose identity was read.
        assert_eq!(
            summary.pages_fetched as usize,
            truth.listings.len() + 3 + summary.seller_identities_read as usize,
            "{}",
            weight.name()
        );
        for t in &truth.listings {
            let o = store
                .latest(&t.marketplace, &t.listing_id)
                .unwrap()
                .unwrap_or_else(|| panic!("{} not read", t.listing_id));
            let price = o.listing.price.as_ref().expect("a price");
            assert_eq!(
                (price.amount, price.currency.code()),
                (t.price, t.currency.as_str()),
                "{}: {}",
                weight.name(),
                t.listing_id
            );
            assert_eq!(o.listing.seller.id.as_deref(), Some(t.seller_id.as_str()));
            assert_eq!(
                o.sku_match.sku,
                t.sku,
                "{}: {}",
                weight.name(),
                t.listing_id
            );
        }
    }
}
