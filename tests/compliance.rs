//! The distributor compliance report over seven nights of the changing demo
//! marketplace, checked against the demo's ground truth for each distributor, and
//! seen by a person: report.html rendered in headless Chromium.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use brandguard::demo::{DemoOptions, GroundTruth};
use brandguard::report::compliance::{self, Period};
use rust_decimal::Decimal;

struct Built {
    _dir: tempfile::TempDir,
    out: PathBuf,
    truths: Vec<GroundTruth>,
}

async fn seven_nights() -> Built {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (dir, store) = common::fresh_store();
    let mut truths = Vec::new();
    for night in 0..7 {
        server.set_night(night);
        common::night(&config, &store, night).await;
        truths.push(server.ground_truth());
    }
    let period: Period = "2026-11".parse().unwrap();
    let report = compliance::build(&config, &store, period, None).unwrap();
    let out = dir.path().join("report");
    compliance::write(&config, &report, period, &out).unwrap();
    let verified = store.verify().unwrap();
    assert_eq!(verified.report_rows, verified.observations);

    // Read from the scans' full observations instead of their report rows: with
    // the row files gone (the report warns and falls back), and as a version
    // before rows left the store (no files, scans without a row count). The
    // report is the same.
    let path = store.path().to_path_buf();
    drop(store);
    std::fs::remove_dir_all(brandguard::evidence::rows::rows_dir(&path)).unwrap();
    let same_report = |name: &str| {
        let store = brandguard::evidence::Store::open(&path).unwrap();
        let again = compliance::build(&config, &store, period, None).unwrap();
        let again_out = dir.path().join(name);
        compliance::write(&config, &again, period, &again_out).unwrap();
        for csv in ["scorecards.csv", "violations.csv"] {
            assert_eq!(
                std::fs::read_to_string(out.join(csv)).unwrap(),
                std::fs::read_to_string(again_out.join(csv)).unwrap(),
                "{csv} read from report rows and {name}"
            );
        }
    };
    same_report("from-observations-rows-missing");
    {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        let scans = db.open_tree("scans").unwrap();
        for r in scans.iter() {
            let (k, v) = r.unwrap();
            let mut rec: serde_json::Value = serde_json::from_slice(&v).unwrap();
            rec.as_object_mut().unwrap().remove("report_rows").unwrap();
            scans.insert(k, serde_json::to_vec(&rec).unwrap()).unwrap();
        }
        db.flush().unwrap();
    }
    same_report("from-observations-of-an-older-store");
    Built {
        _dir: dir,
        out,
        truths,
    }
}

fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scorecards_match_the_ground_truth_of_every_night() {
    let b = seven_nights().await;
    let cards = rows(&b.out.join("scorecards.csv"));
    assert_eq!(cards.len(), 3);
    for card in &cards {
        let d = card["distributor"].as_str();
        let mine: Vec<(u32, &brandguard::demo::TruthListing)> = b
            .truths
            .iter()
            .flat_map(|t| t.listings.iter().map(move |l| (t.night, l)))
            .filter(|(_, l)| l.distributor.as_deref() == Some(d) && l.sku.is_some())
            .collect();
        let listings: BTreeSet<_> = mine
            .iter()
            .map(|(_, l)| (&l.marketplace, &l.listing_id))
            .collect();
        let mut by_kind: BTreeMap<&str, BTreeSet<_>> = BTreeMap::new();
        let mut bad_nights = BTreeSet::new();
        let mut exemptions = 0;
        let mut lowest: Option<Decimal> = None;
        for (night, l) in &mine {
            for k in &l.expected {
                by_kind
                    .entry(k.as_str())
                    .or_default()
                    .insert((&l.marketplace, &l.listing_id));
                if k == "below_floor" || k == "promotion_overrun" {
                    bad_nights.insert(*night);
                }
            }
            if l.promotion.is_some()
                && !l
                    .expected
                    .iter()
                    .any(|k| k == "below_floor" || k == "promotion_overrun")
            {
                exemptions += 1;
            }
            if let Some(f) = l.floor {
                let r = l.price / f;
                lowest = Some(lowest.map_or(r, |x| x.min(r)));
            }
        }
        let n = |k: &str| by_kind.get(k).map_or(0, |s| s.len()).to_string();
        assert_eq!(card["listings_watched"], listings.len().to_string(), "{d}");
        assert_eq!(card["observations"], mine.len().to_string(), "{d}");
        for k in ["below_floor", "promotion_overrun", "territory_breach"] {
            assert_eq!(card[&format!("violations_{k}")], n(k), "{d} {k}");
        }
        assert_eq!(
            card["days_below_floor"],
            bad_nights.len().to_string(),
            "{d}"
        );
        assert_eq!(card["territory_breaches"], n("territory_breach"), "{d}");
        assert_eq!(card["promotion_exemptions"], exemptions.to_string(), "{d}");
        assert_eq!(
            card["lowest_pct_of_floor"],
            (lowest.unwrap() * Decimal::ONE_HUNDRED)
                .round_dp(1)
                .to_string(),
            "{d}"
        );
        assert!(!card["escalation_step"].is_empty() && !card["escalation_why"].is_empty());
    }
    // Northwind ran the promotion (exempt for three nights) and never ended it.
    let nw = cards
        .iter()
        .find(|c| c["distributor"] == "northwind")
        .unwrap();
    assert_eq!(nw["promotion_exemptions"], "3");
    assert_ne!(nw["violations_promotion_overrun"], "0");
    // Huaqiang started selling outside its territory on night 4.
    let hq = cards
        .iter()
        .find(|c| c["distributor"] == "huaqiang")
        .unwrap();
    assert_eq!(hq["territory_breaches"], "2");

    // Violations carry their evidence; unauthorised sellers have their own section.
    let violations = rows(&b.out.join("violations.csv"));
    assert!(
        violations
            .iter()
            .all(|v| v["evidence_snapshot_sha256"].len() == 64)
    );
    let html = std::fs::read_to_string(b.out.join("report.html")).unwrap();
    assert!(html.contains("Unauthorised sellers") && html.contains("LuxReplica Store"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http://fonts"),
        "self-contained"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_renders_in_headless_chromium_with_data_in_every_chart() {
    let b = seven_nights().await;
    let page = format!("file://{}", b.out.join("report.html").display());
    let profile = tempfile::tempdir().unwrap();
    let dom = common::headless(
        &["--virtual-time-budget=3000", "--dump-dom", &page],
        profile.path(),
    );
    let dom = String::from_utf8_lossy(&dom.stdout).to_string();
    assert!(dom.contains("<svg class=\"chart\""), "no charts rendered");
    assert!(
        !dom.contains("data-script-error=\""),
        "script error on the page"
    );
    let charts = dom.matches("<svg class=\"chart\"").count();
    assert!(
        dom.contains(&format!("data-charts=\"{charts} charts, 0 empty\"")),
        "a chart without data points"
    );
    // Screenshots for people: the overview, and Northwind's charts.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    // (A `#fragment` URL renders blank in headless screenshots: the second shot is
    // the page tall enough to hold every distributor's charts instead.)
    for (name, size) in [("overview.png", "1300,1100"), ("charts.png", "1300,7000")] {
        let path = shots.join(name);
        let _ = std::fs::remove_file(&path);
        common::headless(
            &[
                &format!("--window-size={size}"),
                &format!("--screenshot={}", path.display()),
                &page,
            ],
            profile.path(),
        );
        let png =
            std::fs::read(&path).unwrap_or_else(|_| panic!("no screenshot {}", path.display()));
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 20_000,
            "{name}: {} bytes",
            png.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_or_edited_report_rows_file_stops_the_report_naming_it() {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    let file = brandguard::evidence::rows::rows_file(store.path(), summary.scan_id);
    let original = std::fs::read(&file).unwrap();
    let text = zstd::decode_all(original.as_slice()).unwrap();
    let period: Period = "2026-11".parse().unwrap();
    let refused = |what: &str| match compliance::build(&config, &store, period, None) {
        Ok(_) => panic!("{what}: the report used a rows file its record does not vouch for"),
        Err(e) => {
            let e = e.to_string();
            assert!(
                e.contains(&file.display().to_string())
                    && e.contains(&format!("scan {}", summary.scan_id))
                    && e.contains("evidence verify"),
                "{what}: {e}"
            );
        }
    };
    // A row that does not parse.
    let mut lines: Vec<&[u8]> = text.split(|b| *b == b'\n').collect();
    lines[3] = b"{\"listing\": <script>";
    std::fs::write(
        &file,
        zstd::encode_all(lines.join(&b'\n').as_slice(), 1).unwrap(),
    )
    .unwrap();
    refused("a damaged row");
    // A well-formed edit, recompressed: a price changed.
    let edited = String::from_utf8(text.clone()).unwrap();
    let price = regex::Regex::new(r#""amount":"(\d+)\.(\d\d)""#).unwrap();
    let edited = price.replace(&edited, r#""amount":"1.00""#).into_owned();
    assert_ne!(
        edited.as_bytes(),
        text.as_slice(),
        "the edit changed a price"
    );
    std::fs::write(&file, zstd::encode_all(edited.as_bytes(), 1).unwrap()).unwrap();
    refused("an edited price");
    // Put back, the report builds again.
    std::fs::write(&file, &original).unwrap();
    compliance::build(&config, &store, period, None).unwrap();
}

/// A scorecard says "no violations" only where something was looked at: a period
/// without a finished scan says nothing was looked at (and `report compliance`
/// exits 5), and a distributor none of whose listings was seen says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_period_nobody_scanned_is_not_a_clean_one() {
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    let (dir, store) = common::fresh_store();
    server.set_night(0);
    common::night(&config, &store, 0).await;
    let mut ghost = config.brand.sellers[0].clone();
    ghost.id = "ghost".into();
    ghost.name = "Ghost Trading".into();
    ghost.aliases.clear();
    ghost.accounts.clear();
    config.brand.sellers.push(ghost);
    let scanned: Period = brandguard::demo::night_date(0)
        .format("%Y-%m")
        .to_string()
        .parse()
        .unwrap();
    let r = compliance::build(&config, &store, scanned, None).unwrap();
    assert_eq!(r.scans, 1);
    let card = |r: &compliance::Compliance, id: &str| {
        r.scorecards
            .iter()
            .find(|c| c.distributor == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        card(&r, "ghost").escalation_why,
        "none of its listings was seen in the period"
    );
    assert!(card(&r, "pacific").observations > 0);

    // The month before: no scan at all.
    let before: Period = brandguard::demo::night_date(0)
        .checked_sub_months(chrono::Months::new(1))
        .unwrap()
        .format("%Y-%m")
        .to_string()
        .parse()
        .unwrap();
    let r = compliance::build(&config, &store, before, None).unwrap();
    assert_eq!(r.scans, 0);
    for c in &r.scorecards {
        assert_eq!(c.violations_total, 0);
        assert_eq!(c.escalation_why, compliance::NOTHING_LOOKED_AT, "{c:?}");
    }
    let out = dir.path().join("before");
    compliance::write(&config, &r, before, &out).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Nothing was looked at in the period"));
    assert!(!html.contains("No violations in the period"));
    // The command says so, and does not exit 0.
    let store_path = store.path().to_path_buf();
    drop(store);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .args([
            "report",
            "compliance",
            "--targets",
            "targets/demo",
            "--store",
        ])
        .arg(&store_path)
        .arg("--period")
        .arg(before.label())
        .arg("--out")
        .arg(dir.path().join("cli"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nothing was looked at"), "{err}");
}

/// A violation's screenshot is a render of its evidence page, or of a capture
/// that read the same price and seller; never a render of the listing at another
/// price. Before, a violation whose evidence page was not rendered got the
/// listing's newest render whatever it showed: beside a row stating one price, a
/// distributor saw a screenshot of another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_violation_is_shown_beside_no_screenshot_of_another_price() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    for night in 0..3 {
        server.set_night(night);
        common::night(&config, &store, night).await;
    }
    let period: Period = "2026-11".parse().unwrap();
    let report = compliance::build(&config, &store, period, None).unwrap();
    // A price violation of a listing seen at another price on some night.
    let (v, other) = report
        .violations
        .iter()
        .filter(|v| v.kind == "below_floor")
        .find_map(|v| {
            let other = store
                .history(&v.marketplace, &v.listing_id)
                .unwrap()
                .into_iter()
                .find(|o| {
                    o.listing
                        .price
                        .as_ref()
                        .is_some_and(|p| p.to_string() != v.lowest_price)
                })?;
            Some((v.clone(), other))
        })
        .expect("a below-floor violation of a listing repriced in the period");
    let at_another_price = common::fake_render(
        &store,
        &other,
        b"a render at another price",
        "2026-11-03T01:00:00Z",
        &[],
    );
    let shot = |store: &brandguard::evidence::Store| {
        compliance::build(&config, store, period, None)
            .unwrap()
            .violations
            .into_iter()
            .find(|r| r.listing_id == v.listing_id && r.kind == v.kind)
            .expect("the violation")
            .screenshot_sha256
    };
    assert_eq!(shot(&store), None, "{v:?}");
    // A render of the evidence page itself stands beside it.
    let evidence = store
        .history(&v.marketplace, &v.listing_id)
        .unwrap()
        .into_iter()
        .find(|o| o.capture_log_seq == v.capture_log_seq)
        .expect("the evidence capture");
    let of_evidence = common::fake_render(
        &store,
        &evidence,
        b"a render of the evidence",
        "2026-11-03T01:05:00Z",
        &[],
    );
    assert_ne!(of_evidence.png.sha256, at_another_price.png.sha256);
    assert_eq!(shot(&store), Some(of_evidence.png.sha256));
}

/// A distributor's used item is not held to the floor of a new one (the judge
/// checks none), so its price is no "lowest price" of the distributor's scorecard
/// and no price checked. Before, Northwind's used X1 at 50.00 USD made its
/// scorecard's lowest price "50.00 USD / 199.00 USD (25.1%)" with no violation
/// beside it: a distributor read as pricing at a quarter of the floor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_item_is_no_price_checked_on_the_scorecard() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    server.set_night(0);
    common::night(&config, &store, 0).await;
    let period: Period = "2026-11".parse().unwrap();
    let northwind = |store: &brandguard::evidence::Store| {
        compliance::build(&config, store, period, None)
            .unwrap()
            .scorecards
            .into_iter()
            .find(|c| c.distributor == "northwind")
            .expect("Northwind's scorecard")
    };
    let before = northwind(&store);
    let page = |condition: &str| {
        let product = serde_json::json!({
            "@context": "https://schema.org", "@type": "Product",
            "name": "Acme X1 Wireless Noise-Cancelling Headphones",
            "brand": {"@type": "Brand", "name": "Acme"}, "gtin13": "0012345678905",
            "offers": {"@type": "Offer", "price": "50.00", "priceCurrency": "USD",
                       "itemCondition": condition,
                       "seller": {"@type": "Organization", "name": "Northwind Audio",
                                  "identifier": "nwaudio"}}
        });
        format!(
            "<html><head><script type=\"application/ld+json\">{product}</script></head><body></body></html>"
        )
        .into_bytes()
    };
    let at = brandguard::demo::night_date(1);
    let scan = store.begin_scan("used item", Some(at)).unwrap();
    let (v, _) = common::observe(
        &store,
        &config,
        scan,
        at,
        "U1",
        page("https://schema.org/UsedCondition"),
    );
    assert!(v.findings.is_empty(), "{:?}", v.findings);
    store.finish_scan(scan, serde_json::json!({})).unwrap();
    let after = northwind(&store);
    assert_eq!(after.observations, before.observations + 1);
    assert_eq!(after.prices_checked, before.prices_checked);
    assert_eq!(after.lowest_price, before.lowest_price);
    // The same item stated new is checked, and is the lowest price (a violation).
    let scan = store.begin_scan("new item", Some(at)).unwrap();
    common::observe(
        &store,
        &config,
        scan,
        at,
        "U2",
        page("https://schema.org/NewCondition"),
    );
    store.finish_scan(scan, serde_json::json!({})).unwrap();
    let new = northwind(&store);
    assert_eq!(new.prices_checked, before.prices_checked + 1);
    assert_eq!(new.lowest_price.as_deref(), Some("50.00 USD"));
}
