//! Enforcement cases across several nights of the changing demo marketplace: opened
//! by scans, moved by scans (takedowns, listings brought into line, relapses), and
//! moved by people (packet, file, reject, re-file, close), every step in the log.

mod common;

use std::collections::BTreeMap;

use brandguard::case::{self, CaseState, EnforcementPath, PacketRevision, Priority};
use brandguard::demo::DemoOptions;
use brandguard::scan;

fn by_seller(cases: &[case::Case]) -> BTreeMap<(String, String), case::Case> {
    cases
        .iter()
        .map(|c| {
            (
                (
                    c.marketplace.clone(),
                    c.seller_id.clone().unwrap_or_default(),
                ),
                c.clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_follow_seven_nights_of_the_demo() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    let mut summaries = Vec::new();
    for night in 0..7 {
        server.set_night(night);
        let s = common::night(&config, &store, night).await;
        // The ground truth covers every night.
        let d = scan::demo_report(&store, &s, &server.ground_truth())
            .unwrap()
            .detection;
        assert_eq!(d.precision, 1.0, "night {night}: {:?}", d.false_positives);
        assert_eq!(d.recall, 1.0, "night {night}: {:?}", d.missed);
        assert!(
            s.failures.is_empty(),
            "night {night}: {:?}",
            s.failure_examples
        );
        summaries.push(s);
    }
    let cases = case::all(&store).unwrap();
    let by = by_seller(&cases);
    let get = |m: &str, id: &str| {
        by.get(&(m.to_string(), id.to_string()))
            .unwrap_or_else(|| panic!("no case for {m}/{id}: {:?}", by.keys()))
    };

    // One case per seller and marketplace; the first night opens them all.
    assert_eq!(summaries[0].cases.opened as usize, 13);
    // A finding already in an open case is not new the next night.
    assert!(
        summaries[1].findings_new < 5,
        "{}",
        summaries[1].findings_new
    );

    // Paths by who the seller is and what was found.
    let nw = get("shopusa", "nwaudio");
    assert_eq!(nw.path.path, EnforcementPath::DistributorNotice);
    assert_eq!(nw.authorized_seller.as_deref(), Some("northwind"));
    let lxr = get("shopusa", "lxr");
    assert_eq!(lxr.path.path, EnforcementPath::MarketplaceComplaint);
    assert_eq!(lxr.path.priority, Priority::High);
    let bd = get("shopusa", "bd4u");
    assert_eq!(
        bd.path.path,
        EnforcementPath::CeaseAndDesist,
        "{}",
        bd.path.reason
    );
    // tmart: the brand file gives grounds (material differences) for complaints.
    let yp = get("tmart", "yp2020");
    assert_eq!(yp.path.path, EnforcementPath::MarketplaceComplaint);
    assert!(
        yp.path.reason.contains("material difference"),
        "{}",
        yp.path.reason
    );
    // Huaqiang appears on shopusa on night 4 (index 3): a territory breach, a
    // distributor notice, not an unauthorised-seller complaint.
    let hq = get("shopusa", "hq-us");
    assert_eq!(hq.path.path, EnforcementPath::DistributorNotice);
    assert!(
        hq.open_findings
            .iter()
            .any(|k| k.ends_with("territory_breach")),
        "{:?}",
        hq.open_findings
    );
    assert!(
        !hq.open_findings
            .iter()
            .any(|k| k.ends_with("unauthorized_seller")),
        "{:?}",
        hq.open_findings
    );

    // The counterfeiter's listings were taken down on night 4 (410 at their
    // address): findings and case resolved by the scan; it came back on night 6
    // with a new listing: the case reopened and the history shows the relapse.
    assert!(
        summaries[3].cases.ids_resolved.contains(&lxr.id),
        "{:?}",
        summaries[3].cases
    );
    assert!(
        summaries[5].cases.ids_reopened.contains(&lxr.id),
        "{:?}",
        summaries[5].cases
    );
    assert_eq!(lxr.relapses, 1);
    assert_eq!(lxr.state, CaseState::Open);
    let actions: Vec<&str> = lxr.events.iter().map(|e| e.action.as_str()).collect();
    let resolved = actions
        .iter()
        .position(|a| *a == "resolved")
        .expect("resolved");
    let reopened = actions
        .iter()
        .position(|a| *a == "reopened")
        .expect("reopened");
    assert!(resolved < reopened, "{actions:?}");
    assert!(
        lxr.events.iter().any(|e| e.action == "finding_resolved"
            && e.reason.as_deref().is_some_and(|r| r.contains("HTTP 410"))),
        "{:?}",
        lxr.events
    );
    // bidbay's counterfeiter, taken down on night 5, stays resolved.
    assert_eq!(get("bidbay", "a1-deals-hk").state, CaseState::Resolved);
    // The new seller of night 5 has its own case.
    assert_eq!(get("shopusa", "soundsteals").state, CaseState::Open);

    // Northwind's promotion listing: exempt while the promotion ran, an overrun
    // from the first night after it ended.
    let overrun = store
        .finding("shopusa\0SU90400\0promotion_overrun")
        .unwrap()
        .expect("overrun found");
    assert_eq!(overrun.first_seen, brandguard::demo::night_date(5));
    assert!(
        store
            .finding("shopusa\0SU90400\0below_floor")
            .unwrap()
            .is_none()
    );

    // Every case change is a log record; the store verifies, and finds a case edited
    // behind its back.
    let v = store.verify().expect("verifies");
    assert_eq!(v.cases as usize, cases.len());
    let case_events = store
        .log()
        .filter_map(Result::ok)
        .filter(|r| r.kind == "case_event")
        .count();
    assert!(case_events >= cases.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_move_cases_and_wrong_steps_are_refused() {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let cases = case::all(&store).unwrap();
    let id = cases
        .iter()
        .find(|c| c.seller_id.as_deref() == Some("lxr"))
        .unwrap()
        .id
        .clone();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();

    // Filing needs a packet.
    let err = case::file(&store, &id, "AMZ-1", day, "jane").unwrap_err();
    assert!(
        err.to_string().contains("brandguard packet --case"),
        "{err}"
    );
    let rev = |n: u32| PacketRevision {
        revision: n,
        format: "amazon".into(),
        built_at: chrono::Utc::now(),
        manifest_sha256: "00".repeat(32),
        log_len: store.log_len(),
    };
    let c = case::packet_built(&store, &id, rev(1)).unwrap();
    assert_eq!(c.state, CaseState::PacketReady);
    assert!(
        case::reject(&store, &id, "x", "jane").is_err(),
        "reject before filing"
    );
    let c = case::file(&store, &id, "AMZ-1", day, "jane").unwrap();
    assert_eq!(c.state, CaseState::Filed);
    let c = case::reject(
        &store,
        &id,
        "Please provide the trademark registration number",
        "jane",
    )
    .unwrap();
    assert_eq!(c.state, CaseState::Rejected);
    // Re-filing needs a new revision built after the rejection.
    let err = case::refile(&store, &id, "AMZ-2", day, "jane").unwrap_err();
    assert!(err.to_string().contains("new packet revision"), "{err}");
    case::packet_built(&store, &id, rev(2)).unwrap();
    let c = case::refile(&store, &id, "AMZ-2", day, "jane").unwrap();
    assert_eq!((c.state, c.refiled), (CaseState::Refiled, 1));
    assert_eq!(c.filings.last().unwrap().revision, 2);
    let c = case::override_path(
        &store,
        &id,
        EnforcementPath::CeaseAndDesist,
        "test buy showed genuine goods",
        "jane",
    )
    .unwrap();
    assert_eq!(c.path.path, EnforcementPath::CeaseAndDesist);
    assert_eq!(
        c.path.overridden.as_ref().unwrap().rule_path,
        EnforcementPath::MarketplaceComplaint
    );
    let c = case::close(&store, &id, "authorised after review", "jane").unwrap();
    assert_eq!(c.state, CaseState::Closed);
    assert!(case::close(&store, &id, "again", "jane").is_err());
    // Each step is in the chain with its actor and reason.
    let steps: Vec<String> = store
        .log()
        .filter_map(Result::ok)
        .filter(|r| r.kind == "case_event" && r.payload["case_id"] == id.as_str())
        .flat_map(|r| {
            r.payload["events"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|e| {
                    format!(
                        "{}:{}",
                        e["action"].as_str().unwrap_or(""),
                        e["by"].as_str().unwrap_or("")
                    )
                })
        })
        .collect();
    for step in [
        "opened:brandguard",
        "filed:jane",
        "rejected:jane",
        "refiled:jane",
        "path_overridden:jane",
        "closed:jane",
    ] {
        assert!(
            steps.iter().any(|s| s == step),
            "{step} missing from {steps:?}"
        );
    }
    // A closed case is not reopened by later scans.
    common::scan(&config, &store).await;
    assert_eq!(case::get(&store, &id).unwrap().state, CaseState::Closed);
    store.verify().expect("verifies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_unseen_for_n_scans_resolve() {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    // bidbay drops out of the targets: its listings are neither in search results nor
    // fetched again; after `resolve_after_scans` (2) scans their findings resolve.
    let mut without = config.clone();
    without.marketplaces.retain(|m| m.name != "bidbay");
    let s1 = common::scan(&without, &store).await;
    assert_eq!(s1.cases.resolved, 0);
    let s2 = common::scan(&without, &store).await;
    let bidbay_cases: Vec<_> = case::all(&store)
        .unwrap()
        .into_iter()
        .filter(|c| c.marketplace == "bidbay")
        .collect();
    assert!(!bidbay_cases.is_empty());
    for c in &bidbay_cases {
        assert_eq!(c.state, CaseState::Resolved, "{}", c.id);
    }
    assert_eq!(s2.cases.resolved as usize, bidbay_cases.len());
    let r = store
        .findings()
        .filter_map(Result::ok)
        .find(|f| f.finding.marketplace == "bidbay")
        .unwrap();
    assert!(r.resolved.unwrap().reason.contains("for 2 scans"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_finds_an_edited_case() {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let store = brandguard::evidence::Store::open(&path).unwrap();
        common::scan(&config, &store).await;
        store.verify().unwrap();
    }
    {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        let t = db.open_tree("cases").unwrap();
        let (k, v) = t.first().unwrap().unwrap();
        let edited = String::from_utf8(v.to_vec())
            .unwrap()
            .replace("\"open\"", "\"closed\"");
        t.insert(k, edited.as_bytes()).unwrap();
        db.flush().unwrap();
    }
    let store = brandguard::evidence::Store::open(&path).unwrap();
    let err = store.verify().unwrap_err().to_string();
    assert!(err.contains("cases") && err.contains("C0001"), "{err}");
}

/// One scan of shopusa listing `id` as the page `product` (JSON-LD) shows it: its
/// capture and observation recorded, then the cases moved as a scan ends.
fn night_of(
    store: &brandguard::evidence::Store,
    config: &brandguard::config::Config,
    night: u32,
    id: &str,
    product: serde_json::Value,
) -> Vec<brandguard::judge::Finding> {
    let at = brandguard::demo::night_date(night);
    let scan = store.begin_scan("disguise", Some(at)).unwrap();
    let body = format!(
        "<html><head><script type=\"application/ld+json\">{product}</script></head><body>{id}</body></html>"
    );
    let (v, _) = common::observe(store, config, scan, at, id, body.into_bytes());
    case::after_scan_of(
        config,
        store,
        scan,
        at,
        &case::Gone::new(),
        &Default::default(),
    )
    .unwrap();
    store.finish_scan(scan, serde_json::json!({})).unwrap();
    v.findings
}

/// A listing seen again that no longer shows what a finding was about resolves
/// it; one that only stopped being recognised, or whose price can no longer be
/// checked, does not: a seller who rewrites the title to drop the brand's name,
/// or a page that now prices in a currency the brand set no floor for, has not
/// been brought into line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_no_longer_recognised_or_checkable_is_not_brought_into_line() {
    let (_server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    let offer = |price: &str, currency: &str| {
        serde_json::json!({"@type": "Offer", "price": price, "priceCurrency": currency,
            "seller": {"@type": "Organization", "name": "Shady Trader", "identifier": "shady"}})
    };
    let matched = |price: &str, currency: &str| {
        serde_json::json!({"@context": "https://schema.org", "@type": "Product",
            "name": "Acme X1 Wireless Noise-Cancelling Headphones",
            "brand": {"@type": "Brand", "name": "Acme"}, "gtin13": "0012345678905",
            "offers": offer(price, currency)})
    };
    let first = night_of(&store, &config, 0, "B0SHADY1", matched("99.00", "USD"));
    let kinds: Vec<_> = first.iter().map(|f| f.kind.as_str()).collect();
    assert!(
        kinds.contains(&"below_floor") && kinds.contains(&"unauthorized_seller"),
        "{kinds:?}"
    );
    let open = |store: &brandguard::evidence::Store| -> Vec<String> {
        let mut k: Vec<String> = store
            .findings()
            .map(|f| f.unwrap())
            .filter(|f| f.resolved.is_none())
            .map(|f| f.finding.kind.as_str().to_string())
            .collect();
        k.sort();
        k
    };
    let before = open(&store);

    // The title rewritten without the brand, no identifiers: not recognised.
    let disguised = serde_json::json!({"@context": "https://schema.org", "@type": "Product",
        "name": "X-One Wireless Noise-Cancelling Headphones", "offers": offer("99.00", "USD")});
    assert!(night_of(&store, &config, 1, "B0SHADY1", disguised).is_empty());
    assert_eq!(open(&store), before, "nothing resolved by a disguise");

    // Priced in a currency the brand set no floor for: the floor was not checked.
    let found = night_of(&store, &config, 2, "B0SHADY1", matched("90.00", "EUR"));
    assert!(found.iter().all(|f| f.kind.as_str() != "below_floor"));
    assert_eq!(open(&store), before, "the price was not checked");

    // At the floor, in USD: brought into line.
    let found = night_of(&store, &config, 3, "B0SHADY1", matched("1000.00", "USD"));
    assert!(found.iter().all(|f| f.kind.as_str() != "below_floor"));
    let resolved = store
        .findings()
        .map(|f| f.unwrap())
        .find(|f| f.finding.kind.as_str() == "below_floor")
        .unwrap();
    assert!(
        resolved
            .resolved
            .as_ref()
            .is_some_and(|r| r.reason.starts_with("brought into line")),
        "{resolved:?}"
    );
    store.verify().unwrap();
}
