//! "Not looked" is never "not seen": a marketplace that blocks the crawler or cannot
//! be reached resolves nothing, and the night says so in its exit code.

mod common;

use std::path::Path;

use brandguard::case;
use brandguard::demo::{DemoOptions, DemoServer, Fault, Site};

/// Fails with `what` and the values of `faulted` the `control` lacks, if any.
fn only_in<T: Ord + std::fmt::Debug>(
    faulted: std::collections::BTreeSet<T>,
    control: std::collections::BTreeSet<T>,
    what: &str,
) {
    let extra: Vec<&T> = faulted.difference(&control).collect();
    assert!(extra.is_empty(), "{what}: {extra:?}");
}

/// The keys of every finding in `store`.
fn finding_keys(store: &brandguard::evidence::Store) -> std::collections::BTreeSet<String> {
    store.findings().map(|f| f.unwrap().key()).collect()
}

/// The keys of the findings in `store` that are resolved.
fn resolved_keys(store: &brandguard::evidence::Store) -> std::collections::BTreeSet<String> {
    store
        .findings()
        .map(|f| f.unwrap())
        .filter(|f| f.resolved.is_some())
        .map(|f| f.key())
        .collect()
}

/// Eight of the demo's changing nights scanned twice: into `control` with every
/// marketplace answering removed listings 410, and into `store` with `fault` on
/// every marketplace; `each` is handed the night, the faulted night's summary and
/// both stores after each night.
struct BesideA410 {
    control: brandguard::evidence::Store,
    store: brandguard::evidence::Store,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
}

async fn eight_nights_beside_a_410(
    fault: Fault,
    mut each: impl FnMut(
        u32,
        &brandguard::scan::ScanSummary,
        &brandguard::evidence::Store,
        &brandguard::evidence::Store,
    ),
) -> BesideA410 {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (control_dir, control) = common::fresh_store();
    let (dir, store) = common::fresh_store();
    let faults: Vec<(Site, Fault)> = Site::ALL.into_iter().map(|s| (s, fault)).collect();
    for night in 0..8 {
        server.set_night(night);
        server.set_faults(vec![]);
        common::night(&config, &control, night).await;
        server.set_faults(faults.clone());
        let s = common::night(&config, &store, night).await;
        each(night, &s, &store, &control);
    }
    BesideA410 {
        control,
        store,
        _dirs: (control_dir, dir),
    }
}

/// The reasons of the findings resolved as "listing removed".
fn takedown_reasons(store: &brandguard::evidence::Store) -> Vec<String> {
    store
        .findings()
        .map(|f| f.unwrap())
        .filter_map(|f| f.resolved.map(|r| r.reason))
        .filter(|why| why.starts_with("listing removed"))
        .collect()
}

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
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("NOT LOOKED AT: tmart"));
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    assert_eq!(s["not_looked"], serde_json::json!(["tmart"]));
    // Each kind of failure is shown with its first page and error: what and where.
    let failures = s["failures"].as_object().expect("failures");
    assert!(!failures.is_empty());
    for reason in failures.keys() {
        let first = s["failure_first"][reason].as_str().expect("its first page");
        assert!(first.starts_with("http://127.0.0.1:"), "{first}");
        assert!(
            stdout.contains(&format!("  {reason}, first: {first}")),
            "{stdout}"
        );
    }
    assert_eq!(s["degraded"], serde_json::json!(["tmart"]));
    let store = brandguard::evidence::Store::open(&store_path).unwrap();
    assert_eq!(
        open_on_tmart(&store),
        tmart_cases,
        "tmart cases resolved while blocked"
    );

    // The month's compliance report shows which nights tmart was not looked at.
    let period = "2026-11".parse().unwrap();
    let report = brandguard::report::compliance::build(&config, &store, period, None).unwrap();
    let tmart: Vec<_> = report
        .coverage
        .iter()
        .filter(|c| c.marketplace == "tmart")
        .collect();
    // Three stamped nights of November, and the command's own night when the
    // clock that stamped it is still in November.
    let fourth_in_period = s["as_of"]
        .as_str()
        .is_some_and(|d| d.starts_with("2026-11"));
    assert_eq!(tmart.len(), 3 + usize::from(fourth_in_period), "{tmart:?}");
    assert!(
        tmart[0].looked && tmart[0].coverage_percent == 100,
        "{:?}",
        tmart[0]
    );
    for c in &tmart[1..] {
        assert!(!c.looked && c.degraded, "{c:?}");
        assert_eq!(c.listings_read, 0, "{c:?}");
        assert_eq!(c.listings_expected, 24, "{c:?}");
        assert!(c.failed >= 24, "{c:?}");
    }
    let out = tempfile::tempdir().unwrap();
    brandguard::report::compliance::write(&config, &report, period, out.path()).unwrap();
    let csv = std::fs::read_to_string(out.path().join("coverage.csv")).unwrap();
    // Three marketplaces on each night in the period.
    assert_eq!(csv.lines().count(), 1 + 3 * tmart.len(), "{csv}");
    assert!(csv.contains(",tmart,3,0,24,0,0,"), "{csv}");
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        html.contains("failed night"),
        "coverage section in report.html"
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

/// Ordinary item pages that embed captcha widgets (reCAPTCHA, TencentCaptcha) are
/// read as always: no page is taken for a block, and the findings are the demo's
/// ground truth.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_with_captcha_widgets_are_not_blocks() {
    let widget = Fault::Wall {
        wall: brandguard::demo::Wall::Widget,
        percent: 60,
    };
    let (server, config) = common::demo(&DemoOptions {
        faults: Site::ALL.into_iter().map(|s| (s, widget)).collect(),
        ..DemoOptions::default()
    })
    .await;
    let (_dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    assert!(summary.failures.is_empty(), "{:?}", summary.failures);
    assert!(summary.degraded.is_empty() && summary.not_looked.is_empty());
    let report = brandguard::scan::demo_report(&store, &summary, &server.ground_truth()).unwrap();
    assert_eq!(
        (report.detection.precision, report.detection.recall),
        (1.0, 1.0),
        "{:?}",
        report.detection
    );
}

/// Nights when marketplaces answer a share of item pages with captchas,
/// challenges and "no longer available" pages: those captures are kept and counted
/// by provider, nothing is read from them, the night is degraded, and no finding
/// or case is resolved or reopened that an unblocked run would not have.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn captchas_challenges_and_soft_404s_conclude_nothing() {
    use brandguard::demo::Wall;
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_control_dir, control) = common::fresh_store();
    let (_dir, store) = common::fresh_store();
    let walls = vec![
        (
            Site::Bidbay,
            Fault::Wall {
                wall: Wall::Captcha,
                percent: 30,
            },
        ),
        (
            Site::Tmart,
            Fault::Wall {
                wall: Wall::Challenge,
                percent: 30,
            },
        ),
        (
            Site::Shopusa,
            Fault::Wall {
                wall: Wall::Soft404,
                percent: 30,
            },
        ),
    ];
    for night in 0..4 {
        server.set_night(night);
        server.set_faults(vec![]);
        let clean = common::night(&config, &control, night).await;
        assert!(
            clean.failures.is_empty(),
            "night {night}: {:?}",
            clean.failures
        );
        let walled = (1..=2).contains(&night);
        server.set_faults(if walled { walls.clone() } else { vec![] });
        let s = common::night(&config, &store, night).await;
        if !walled {
            continue;
        }
        for reason in ["blocked_alibaba", "blocked_cloudflare", "soft_404"] {
            assert!(
                s.failures.get(reason).is_some_and(|n| *n > 0),
                "night {night}: {reason} not counted: {:?}",
                s.failures
            );
        }
        assert_eq!(
            s.degraded.len(),
            3,
            "night {night}: every walled marketplace is a failed night: {:?}",
            s.degraded
        );
        // Nothing resolved or reopened that the unblocked run did not.
        only_in(
            resolved_keys(&store),
            resolved_keys(&control),
            &format!("night {night}: resolved only behind walls"),
        );
        assert!(s.cases.reopened <= clean.cases.reopened, "night {night}");
        let resolved_cases =
            |st: &brandguard::evidence::Store| -> std::collections::BTreeSet<(String, String)> {
                case::all(st)
                    .unwrap()
                    .into_iter()
                    .filter(|c| c.state == case::CaseState::Resolved)
                    .map(|c| (c.marketplace, c.seller_key))
                    .collect()
            };
        only_in(
            resolved_cases(&store),
            resolved_cases(&control),
            &format!("night {night}: cases resolved only behind walls"),
        );
    }
}

/// A marketplace that sends a removed listing's address to its search page (as many
/// shops send dead product links to a category or search page): that page is no
/// listing, and nothing may be read from it as one: no finding on "the listing at
/// the search page's address", no resolution a marketplace answering 410 would not
/// also have made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_listing_redirected_to_search_results_is_not_read_as_a_listing() {
    use std::collections::BTreeSet;
    let BesideA410 {
        store,
        control,
        _dirs,
    } = eight_nights_beside_a_410(Fault::RemovedRedirect, |night, _, store, control| {
        only_in(
            finding_keys(store),
            finding_keys(control),
            &format!("night {night}: findings only behind redirects"),
        );
        only_in(
            resolved_keys(store),
            resolved_keys(control),
            &format!("night {night}: resolved only behind redirects"),
        );
    })
    .await;
    let observed_search = (1..=8u64)
        .flat_map(|scan| {
            store
                .observations(scan)
                .map(|o| o.unwrap())
                .collect::<Vec<_>>()
        })
        .filter(|o| {
            !o.listing.url.contains("/item/")
                && !o.listing.url.contains("/itm/")
                && !o.listing.url.contains("/detail/")
        })
        .map(|o| o.listing.url)
        .collect::<BTreeSet<_>>();
    assert!(
        observed_search.is_empty(),
        "read as listings: {observed_search:?}"
    );
    // The takedowns are the control's, each saying how it was seen.
    assert_eq!(resolved_keys(&store), resolved_keys(&control));
    let redirected = store
        .findings()
        .map(|f| f.unwrap())
        .filter_map(|f| f.resolved.map(|r| r.reason))
        .filter(|why| why.contains("redirects (HTTP 302) to a page that is no listing"))
        .count();
    assert!(redirected > 0, "no takedown seen as a redirect");
}

/// A marketplace that sends a removed listing's address to another listing (a
/// listing merged into another, an ended item sent to its relisting): the listing
/// asked for is gone, the night it is rechecked, as a 410 shows it, and its
/// resolution names the listing it now leads to. Before, the other listing's page
/// was read (rightly) and the one asked for resolved only after it had been "not
/// seen in search results or at its address" for two scans: a night late, and
/// untrue (its address was asked, and answered).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_listing_redirected_to_another_listing_is_gone_that_night() {
    let nights = eight_nights_beside_a_410(Fault::RemovedMoved, |night, _, store, control| {
        only_in(
            finding_keys(store),
            finding_keys(control),
            &format!("night {night}: findings only behind redirects"),
        );
        assert_eq!(
            resolved_keys(store),
            resolved_keys(control),
            "night {night}: the takedowns a 410 shows, the same night"
        );
    })
    .await;
    let reasons = takedown_reasons(&nights.store);
    assert!(!reasons.is_empty(), "no takedown");
    for why in &reasons {
        assert!(
            why.starts_with(
                "listing removed: its address redirects (HTTP 301) to another listing, "
            ),
            "{why}"
        );
    }
}

/// Each finding's resolution, by finding key.
fn resolutions(st: &brandguard::evidence::Store) -> std::collections::BTreeMap<String, String> {
    st.findings()
        .map(|f| f.unwrap())
        .filter_map(|f| Some((f.key(), f.resolved?.reason)))
        .collect()
}

/// Night `night` scanned as one shard (`0/1`) into a fresh store under `shards`,
/// then merged into `target`, as `scan --shard` and `evidence merge` do. The shard
/// starts from an empty store: it rechecks its share of the merged store's open
/// listings and judges with the promotions it knows (what `evidence merge` writes
/// for it, shard-context.json).
async fn night_in_one_shard(
    config: &brandguard::config::Config,
    target: &brandguard::evidence::Store,
    shards: &Path,
    night: u32,
) {
    use brandguard::scan::{ScanOptions, merge, run};
    let mut narrowed = config.clone();
    let plan = brandguard::shard::apply(&mut narrowed, "0/1".parse().unwrap());
    let path = shards.join(format!("night{night}"));
    let shard = brandguard::evidence::Store::open(&path).unwrap();
    let mut merged = brandguard::scan::shard_context(target).unwrap();
    merged.open_listings = plan.rechecks(&narrowed, &merged.open_listings);
    let opts = ScanOptions {
        as_of: Some(brandguard::demo::night_date(night)),
        merged,
        shard: Some(plan),
        ..ScanOptions::default()
    };
    run(&narrowed, &shard, opts).await.expect("the shard scans");
    merge::merge(config, target, &[(path, shard)]).expect("the merge");
}

/// A sharded night (shard scans merged into the store the case pass runs on) sees
/// the takedowns a single scan sees, however the marketplace shows them: each shard
/// rechecks its share of the merged store's open listings (before, a shard started
/// from an empty store and rechecked none, so takedowns resolved only as "not seen
/// for N scans" a night or more late), and a soft 404, a redirect to a search
/// page or to another listing is known to the merge as it was to the shard. The same for a promotion's
/// overrun, which a shard judges from the merged store's history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sharded_night_sees_takedowns_shown_by_the_page_as_one_scan_does() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_control_dir, control) = common::fresh_store();
    let (_target_dir, target) = common::fresh_store();
    let shards = tempfile::tempdir().unwrap();
    server.set_faults(vec![
        (Site::Shopusa, Fault::RemovedAsSoft404),
        (Site::Tmart, Fault::RemovedMoved),
        (Site::Bidbay, Fault::RemovedRedirect),
    ]);
    // Twelve nights: takedowns on 3 and after; on night 5 the demo's promotion
    // overruns, which needs the listing's history (before, a shard judged it a
    // plain price under the floor); on night 8 sellers impersonate a distributor.
    for night in 0..12 {
        server.set_night(night);
        common::night(&config, &control, night).await;
        night_in_one_shard(&config, &target, shards.path(), night).await;
        assert_eq!(resolutions(&target), resolutions(&control), "night {night}");
        assert_eq!(
            finding_keys(&target),
            finding_keys(&control),
            "night {night}"
        );
    }
    let shown = resolutions(&control)
        .into_values()
        .filter(|why| {
            why.contains("shows the item as unavailable") || why.contains("redirects (HTTP 302)")
        })
        .count();
    assert!(shown > 0, "{:?}", resolutions(&control));
}

/// Removed shopusa listings redirect to another site (`removed-elsewhere`: the
/// same path at `localhost`), which answers 410. Nothing is read from that page:
/// the 410 is the other site's answer, not the listing's. On the recheck of a
/// listing search results no longer bring, the redirect itself, shopusa's answer,
/// is the takedown, said as such, in one scan and in a sharded night alike.
/// Before, the 410 was read as the listing's ("listing removed: the page answered
/// HTTP 410", on another site's word); a merge still took any 404 or 410 capture
/// for one, wherever its redirects had led.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_site_is_the_takedown_not_its_410() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_control_dir, control) = common::fresh_store();
    let (_target_dir, target) = common::fresh_store();
    let shards = tempfile::tempdir().unwrap();
    // Takedowns start on night 3.
    server.set_faults(vec![(Site::Shopusa, Fault::RemovedElsewhere)]);
    for night in 0..5 {
        server.set_night(night);
        common::night(&config, &control, night).await;
        night_in_one_shard(&config, &target, shards.path(), night).await;
        assert_eq!(resolutions(&target), resolutions(&control), "night {night}");
    }
    let removed: Vec<String> = resolutions(&control)
        .into_iter()
        .filter(|(k, why)| k.starts_with("shopusa/") && why.starts_with("listing removed"))
        .map(|(_, why)| why)
        .collect();
    assert!(!removed.is_empty());
    let port = server.base_url(Site::Shopusa);
    let port = port.rsplit(':').next().unwrap_or_default();
    for why in &removed {
        assert!(
            why.starts_with(&format!(
                "listing removed: its address redirects (HTTP 301) to another site, http://localhost:{port}/item/"
            )),
            "{why}"
        );
    }
}

/// A Taobao-like marketplace says "this item is gone" in Chinese and in GBK, as its
/// pages are: that notice is known for what it is (a soft 404, nothing read from
/// it), not read as a listing whose title and price went missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gbk_marketplaces_own_unavailable_notice_is_known() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    server.set_faults(vec![(
        Site::Tmart,
        Fault::Wall {
            wall: brandguard::demo::Wall::Soft404,
            percent: 100,
        },
    )]);
    let s = common::night(&config, &store, 0).await;
    let tmart_items = server
        .ground_truth()
        .listings
        .iter()
        .filter(|l| l.marketplace == "tmart")
        .count() as u64;
    assert!(tmart_items > 0);
    assert_eq!(
        s.failures.get("soft_404").copied(),
        Some(tmart_items),
        "{:?}",
        s.failures
    );
    assert_eq!(s.not_looked, vec!["tmart".to_string()]);
    assert!(
        !s.adapter_unmatched.contains_key("tmart"),
        "{:?}",
        s.adapter_unmatched
    );
}

/// A night's few listings whose pages say they have ended since the search ran
/// (auctions end all night) are counted, nothing is read from them, and they are no
/// failure: before, each made the night exit 3 and its marketplace "not looked at"
/// (no case there resolved), every night on a marketplace of auctions. More of
/// them stay a failed night (`captchas_challenges_and_soft_404s_conclude_nothing`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_night_s_few_ended_listings_are_no_failure() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    server.set_faults(vec![(
        Site::Bidbay,
        Fault::Wall {
            wall: brandguard::demo::Wall::Soft404,
            percent: 8,
        },
    )]);
    let s = common::night(&config, &store, 0).await;
    let bidbay = &s.marketplaces["bidbay"];
    let ended = bidbay.listings_ended;
    assert!(
        ended >= 1 && ended == bidbay.ended_since_the_search(),
        "{ended} of {} results said ended: {bidbay:?}",
        bidbay.listings_in_results
    );
    assert_eq!(s.failures.get("soft_404").copied(), Some(ended));
    assert!(bidbay.looked(), "{bidbay:?}");
    assert!(s.not_looked.is_empty() && s.degraded.is_empty(), "{s:?}");
    assert_eq!(s.exit_code(), 0, "{:?}", s.failures);
}

/// A marketplace that answers every listing page with a captcha is left alone after
/// `crawl.pause_after_blocked` (10) blocked answers in a row: no attempt to get
/// around the block, the rest of its pages not asked for, the night degraded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marketplace_that_keeps_blocking_is_left_alone() {
    let captcha = Fault::Wall {
        wall: brandguard::demo::Wall::Captcha,
        percent: 100,
    };
    let (server, config) = common::demo(&DemoOptions {
        listings_per_site: 100,
        faults: vec![(Site::Bidbay, captcha)],
        ..DemoOptions::default()
    })
    .await;
    let (_dir, store) = common::fresh_store();
    let s = common::scan(&config, &store).await;
    assert_eq!(s.paused, vec!["bidbay".to_string()]);
    assert!(
        s.degraded.contains(&"bidbay".to_string()),
        "{:?}",
        s.degraded
    );
    let asked = server
        .requests()
        .iter()
        .filter(|r| r.site == Site::Bidbay && r.target.starts_with("/itm/"))
        .count();
    let in_flight = config.brand.crawl.concurrency;
    assert!(
        asked <= 10 + 2 * in_flight,
        "{asked} bidbay listing pages asked for after it kept blocking"
    );
    assert!(s.failures.get("blocked_alibaba").is_some_and(|n| *n >= 10));
    // The other marketplaces were scanned as usual.
    assert!(!s.degraded.contains(&"shopusa".to_string()));
}

/// Fourteen nights of the changing demo: tmart answers its listing pages 403 on
/// nights 2–3 and bidbay answers 30% of them with captchas and Cloudflare
/// challenges on nights 4–6. Compared night by night with the same fourteen
/// nights unblocked: no finding or case is resolved, reopened or escalated that
/// the unblocked run did not, each blocked night is a failed night that counts its
/// blocked pages by provider, and after the blocks end both stores hold the same
/// findings, resolutions and case states.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fourteen_nights_with_blocked_nights_end_as_the_unblocked_fourteen() {
    use brandguard::demo::Wall;
    use std::collections::BTreeSet;
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_control_dir, control) = common::fresh_store();
    let (_dir, store) = common::fresh_store();
    let cases = |st: &brandguard::evidence::Store| -> BTreeSet<(String, String, String)> {
        case::all(st)
            .unwrap()
            .into_iter()
            .map(|c| (c.marketplace, c.seller_key, c.state.as_str().to_string()))
            .collect()
    };
    let wall = |wall| (Site::Bidbay, Fault::Wall { wall, percent: 30 });
    for night in 0..14 {
        server.set_night(night);
        server.set_faults(vec![]);
        let clean = common::night(&config, &control, night).await;
        let faults = match night {
            1 | 2 => vec![(Site::Tmart, Fault::Forbidden)],
            3 | 5 => vec![wall(Wall::Captcha)],
            4 => vec![wall(Wall::Challenge)],
            // Every item page "not found", rechecks of open findings included: a
            // marketplace answering so to everything has not taken them all down.
            9 => vec![(Site::Tmart, Fault::NotFound)],
            _ => vec![],
        };
        let blocked = !faults.is_empty();
        server.set_faults(faults);
        let s = common::night(&config, &store, night).await;
        match night {
            1 | 2 => {
                assert_eq!(s.degraded, vec!["tmart".to_string()], "night {night}");
                // 403s, then the host cut off by the breaker: every listing page failed.
                assert!(s.failures.contains_key("http_403"), "{:?}", s.failures);
                assert!(s.marketplaces["tmart"].failures >= 24, "{:?}", s.failures);
            }
            3 | 5 => {
                assert_eq!(s.degraded, vec!["bidbay".to_string()], "night {night}");
                assert!(
                    s.failures.contains_key("blocked_alibaba"),
                    "{:?}",
                    s.failures
                );
                assert!(s.marketplaces["bidbay"].blocked > 0);
            }
            4 => {
                assert_eq!(s.degraded, vec!["bidbay".to_string()], "night {night}");
                assert!(
                    s.failures.contains_key("blocked_cloudflare"),
                    "{:?}",
                    s.failures
                );
            }
            9 => {
                assert_eq!(s.degraded, vec!["tmart".to_string()], "night {night}");
                assert!(s.failures.contains_key("http_404"), "{:?}", s.failures);
                // Takedowns elsewhere are counted; tmart's "not found" are not.
                let elsewhere: u64 = ["bidbay", "shopusa"]
                    .iter()
                    .map(|m| s.marketplaces[*m].rechecks_gone)
                    .sum();
                assert_eq!(s.listings_gone, elsewhere, "night {night}: {s:?}");
            }
            _ => assert!(s.degraded.is_empty(), "night {night}: {:?}", s.degraded),
        }
        if blocked {
            only_in(
                resolved_keys(&store),
                resolved_keys(&control),
                &format!("night {night}: resolved only behind blocks"),
            );
            assert!(s.cases.reopened <= clean.cases.reopened, "night {night}");
            assert!(s.cases.resolved <= clean.cases.resolved, "night {night}");
            assert_eq!(s.cases.escalated, 0, "night {night}");
        }
    }
    // Eight unblocked nights later, the two histories have met again.
    assert_eq!(finding_keys(&store), finding_keys(&control));
    assert_eq!(resolved_keys(&store), resolved_keys(&control));
    assert_eq!(cases(&store), cases(&control));
}

/// A marketplace that answers a removed listing with 200 and "this item is no
/// longer available" (eBay, Taobao) instead of 410: the recheck of a listing with
/// open findings that finds that page has found its takedown. The nights end as
/// those of a marketplace answering 410: the same findings and cases resolved,
/// no night failed. Live item pages that carry the wording unshown (as eBay's and
/// AliExpress's do) are read as live: before, each was a soft 404.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_takedown_shown_as_item_unavailable_resolves_as_a_410_does() {
    use std::collections::BTreeSet;
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_control_dir, control) = common::fresh_store();
    let (_dir, store) = common::fresh_store();
    let resolved = |st: &brandguard::evidence::Store| -> BTreeSet<(String, String)> {
        st.findings()
            .map(|f| f.unwrap())
            .filter_map(|f| {
                let r = f.resolved.as_ref()?;
                Some((f.key(), r.reason.replace("HTTP 410", "…")))
            })
            .collect()
    };
    // Live item pages carry the same wording unshown (a script's message table, a
    // hidden span): those are no takedowns.
    let soft: Vec<(Site, Fault)> = Site::ALL
        .into_iter()
        .flat_map(|s| [(s, Fault::RemovedAsSoft404), (s, Fault::UnshownGoneWords)])
        .collect();
    let mut gone = 0;
    for night in 0..8 {
        server.set_night(night);
        server.set_faults(vec![]);
        let clean = common::night(&config, &control, night).await;
        server.set_faults(soft.clone());
        let s = common::night(&config, &store, night).await;
        assert!(s.failures.is_empty(), "night {night}: {:?}", s.failures);
        assert!(s.not_looked.is_empty(), "night {night}: {:?}", s.not_looked);
        assert_eq!(s.listings_gone, clean.listings_gone, "night {night}");
        assert_eq!(s.cases.resolved, clean.cases.resolved, "night {night}");
        gone += s.listings_gone;
    }
    assert!(gone > 0, "the demo's nights take listings down");
    assert!(
        resolved(&store)
            .iter()
            .any(|(_, why)| why.contains("its page shows the item as unavailable (HTTP 200)")),
        "{:?}",
        resolved(&store)
    );
    let keys = |r: BTreeSet<(String, String)>| -> BTreeSet<String> {
        r.into_iter().map(|(k, _)| k).collect()
    };
    assert_eq!(keys(resolved(&store)), keys(resolved(&control)));
}

/// A marketplace that redesigns its item pages (the price in markup its adapter's
/// selectors do not know) still answers every page with 200 and a title: the night
/// looked clean (exit 0, coverage 100%) while no floor was checked there. Now the
/// scan says which field it could not read and exits 5. The marketplace was looked
/// at all the same: what it resolves (takedowns, sellers gone) a night that read its
/// prices resolves too, and no price finding is taken as brought into line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marketplace_that_changed_its_pages_is_a_failed_night_not_a_clean_one() {
    use std::collections::BTreeSet;
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_control_dir, control) = common::fresh_store();
    let (_dir, store) = common::fresh_store();
    let resolved_on_tmart = |st: &brandguard::evidence::Store| -> BTreeSet<(String, String)> {
        st.findings()
            .map(|f| f.unwrap())
            .filter(|f| f.finding.marketplace == "tmart")
            .filter_map(|f| Some((f.key(), f.resolved.as_ref()?.reason.clone())))
            .collect()
    };
    let first = common::night(&config, &store, 0).await;
    common::night(&config, &control, 0).await;
    assert_eq!(first.exit_code(), 0, "{:?}", first.adapter_unmatched);
    assert!(first.adapter_unmatched.is_empty());
    for night in 1..3 {
        server.set_night(night);
        server.set_faults(vec![]);
        common::night(&config, &control, night).await;
        server.set_faults(vec![(Site::Tmart, Fault::Redesign)]);
        let s = common::night(&config, &store, night).await;
        let tmart = &s.marketplaces["tmart"];
        assert_eq!(tmart.coverage(), 1.0, "every page answered");
        assert_eq!(tmart.prices_read, 0);
        assert!(tmart.listings_matched >= 5);
        assert_eq!(
            s.adapter_unmatched["tmart"],
            vec![format!(
                "price read on 0 of {} listings of the brand",
                tmart.listings_matched
            )],
            "night {night}"
        );
        assert_eq!(s.adapter_unmatched.len(), 1, "{:?}", s.adapter_unmatched);
        // Looked at (its searches ran, its pages answered), but a failed night.
        assert!(s.not_looked.is_empty(), "{:?}", s.not_looked);
        assert!(s.degraded.is_empty(), "{:?}", s.degraded);
        assert_eq!(s.exit_code(), 5);
        let (faulted, clean) = (resolved_on_tmart(&store), resolved_on_tmart(&control));
        assert!(
            faulted.is_subset(&clean),
            "night {night}: {faulted:?} not in {clean:?}"
        );
        assert!(
            !faulted
                .iter()
                .any(|(k, why)| k.contains("below_floor") && why.starts_with("brought into line")),
            "{faulted:?}"
        );
    }
    server.set_faults(vec![]);
    server.set_night(3);
    let s = common::night(&config, &store, 3).await;
    assert!(s.adapter_unmatched.is_empty(), "{:?}", s.adapter_unmatched);
    assert_eq!(s.exit_code(), 0, "{:?} {:?}", s.degraded, s.failures);
}

/// Search pages redesigned (their result links in markup the adapter does not know)
/// still answer 200: the night found nothing new to look at and said nothing. Now
/// it names the marketplace whose searches linked to no listing where the last
/// nights saw some, and exits 5; the open findings' listings are still rechecked
/// at their address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_that_stop_linking_to_listings_are_a_failed_night() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    assert_eq!(common::night(&config, &store, 0).await.exit_code(), 0);
    server.set_night(1);
    server.set_faults(vec![(Site::Tmart, Fault::RedesignSearch)]);
    let s = common::night(&config, &store, 1).await;
    let tmart = &s.marketplaces["tmart"];
    assert_eq!(tmart.listings_in_results, 0);
    assert!(tmart.listings_expected >= 5, "{tmart:?}");
    assert_eq!(
        s.adapter_unmatched["tmart"],
        vec![format!(
            "search results linked to no listing ({} expected)",
            tmart.listings_expected
        )]
    );
    assert_eq!(s.adapter_unmatched.len(), 1, "{:?}", s.adapter_unmatched);
    assert!(
        tmart.listing_pages > 0,
        "open findings rechecked at their address"
    );
    assert_eq!(s.exit_code(), 5);
    server.set_faults(vec![]);
    server.set_night(2);
    let s = common::night(&config, &store, 2).await;
    assert!(s.adapter_unmatched.is_empty(), "{:?}", s.adapter_unmatched);
    assert_eq!(s.exit_code(), 0, "{:?} {:?}", s.degraded, s.failures);
}

/// Search pages that keep linking to no listing, on a marketplace where nothing is
/// open to recheck (every listing compliant): the first such night failed (exit 5),
/// and the nights after were clean, expecting what it saw (none) while nothing was
/// looked at. Now a night whose searches linked to none lowers no expectation: every
/// such night fails until the searches link to listings again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_that_keep_linking_to_no_listing_fail_every_night() {
    let opts = DemoOptions {
        compliant_percent: 100,
        ..DemoOptions::default()
    };
    let (server, config) = common::demo(&opts).await;
    let (_dir, store) = common::fresh_store();
    let s = common::night(&config, &store, 0).await;
    assert_eq!(
        s.exit_code(),
        0,
        "{:?} {:?}",
        s.degraded,
        s.adapter_unmatched
    );
    let seen = s.marketplaces["tmart"].listings_seen;
    assert!(seen >= 5, "{seen}");
    server.set_faults(vec![(Site::Tmart, Fault::RedesignSearch)]);
    for night in 1..=3 {
        server.set_night(night);
        let s = common::night(&config, &store, night).await;
        let tmart = &s.marketplaces["tmart"];
        assert_eq!(tmart.listings_in_results, 0, "night {night}");
        assert_eq!(
            tmart.listing_pages, 0,
            "night {night}: nothing open to recheck"
        );
        assert_eq!(tmart.listings_expected, seen, "night {night}");
        assert_eq!(
            s.adapter_unmatched["tmart"],
            vec![format!(
                "search results linked to no listing ({seen} expected)"
            )],
            "night {night}"
        );
        assert_eq!(s.exit_code(), 5, "night {night}");
    }
    server.set_faults(vec![]);
    server.set_night(4);
    let s = common::night(&config, &store, 4).await;
    assert!(s.adapter_unmatched.is_empty(), "{:?}", s.adapter_unmatched);
    assert_eq!(s.exit_code(), 0, "{:?} {:?}", s.degraded, s.failures);
}

/// A marketplace newly added to the targets whose searches link to no listing on
/// its first night (here: result links in markup its adapter does not know) said
/// "none expected (no earlier scan saw any), read 0; coverage 100%" and exit 0:
/// nothing was checked there, and nothing said so. Now the first look that finds
/// nothing is a failed night (exit 5) naming the marketplace; the nights after
/// expect nothing (a brand not sold there is not flagged every night).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marketplace_whose_first_night_finds_nothing_is_not_a_clean_night() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    server.set_faults(vec![(Site::Tmart, Fault::RedesignSearch)]);
    let s = common::night(&config, &store, 0).await;
    let tmart = &s.marketplaces["tmart"];
    assert!(tmart.first_look && tmart.search_pages > 0 && tmart.listings_in_results == 0);
    assert_eq!(
        s.adapter_unmatched.keys().collect::<Vec<_>>(),
        ["tmart"],
        "{:?}",
        s.adapter_unmatched
    );
    assert!(
        s.adapter_unmatched["tmart"][0].contains("on the first night it was looked at"),
        "{:?}",
        s.adapter_unmatched
    );
    assert_eq!(s.exit_code(), 5);
    // The next night expects nothing there: not flagged again.
    server.set_night(1);
    let s = common::night(&config, &store, 1).await;
    assert!(!s.marketplaces["tmart"].first_look);
    assert!(s.adapter_unmatched.is_empty(), "{:?}", s.adapter_unmatched);
    // The other marketplaces' first night found listings: not flagged.
    let (_control_dir, control) = common::fresh_store();
    server.set_faults(vec![]);
    server.set_night(0);
    let c = common::night(&config, &control, 0).await;
    assert!(c.marketplaces.values().all(|m| m.first_look));
    assert_eq!(c.exit_code(), 0, "{:?}", c.adapter_unmatched);
}

/// robots.txt that starts disallowing some listings' pages while the search pages
/// that link to them stay open: the crawler obeys, and those listings are not read.
/// Their findings were resolved after two nights as "not seen in search results or
/// at its address", though search results showed them every night. Now such a
/// listing is one the night could not look at, never one it missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listings_robots_txt_disallows_are_not_taken_for_gone() {
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_dir, store) = common::fresh_store();
    common::night(&config, &store, 0).await;
    server.set_faults(vec![(Site::Tmart, Fault::RobotsItems { every: 3 })]);
    let mut unlooked = 0;
    for night in 1..4 {
        server.set_night(night);
        let s = common::night(&config, &store, night).await;
        let tmart = &s.marketplaces["tmart"];
        assert!(tmart.listings_disallowed > 0, "night {night}: {tmart:?}");
        assert!(!tmart.mostly_disallowed());
        assert!(s.not_looked.is_empty(), "night {night}: {:?}", s.not_looked);
        unlooked += s.listings_not_looked.len();
    }
    assert!(unlooked > 0, "open findings' listings were disallowed");
    let not_seen: Vec<String> = store
        .findings()
        .map(|f| f.unwrap())
        .filter(|f| f.finding.marketplace == "tmart")
        .filter_map(|f| f.resolved.map(|r| r.reason))
        .filter(|r| r.starts_with("not seen"))
        .collect();
    assert!(not_seen.is_empty(), "{not_seen:?}");

    // All item pages disallowed: the night could not look at tmart at all.
    server.set_faults(vec![(Site::Tmart, Fault::RobotsItems { every: 1 })]);
    server.set_night(4);
    let s = common::night(&config, &store, 4).await;
    assert!(s.marketplaces["tmart"].mostly_disallowed());
    assert_eq!(s.degraded, vec!["tmart".to_string()]);
    assert!(s.not_looked.contains(&"tmart".to_string()));
    assert_eq!(s.exit_code(), 5);
}

/// Amazon keeps a product's page when the offer on it is removed: "Currently
/// unavailable. We don't know when or if this item will be back in stock." where
/// the price and seller stood, HTTP 200. Before, such a recheck was read as the
/// listing seen with no price and no seller: its findings stayed open for good (the
/// page was seen, so never "not seen"), a filed case never complied. Now the
/// recheck of a listing search results no longer bring is the takedown, the night
/// a 410 shows it; a live listing showing no offer (out of stock, still in search
/// results) is read as it is, no failure of the night.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_offer_shown_as_currently_unavailable_is_gone_that_night() {
    use brandguard::demo::Wall;
    let nights = eight_nights_beside_a_410(Fault::RemovedNoOffer, |night, s, store, control| {
        assert_eq!(s.failures.get("no_offer"), None, "night {night}");
        assert_eq!(
            finding_keys(store),
            finding_keys(control),
            "night {night}: the same findings"
        );
        assert_eq!(
            resolved_keys(store),
            resolved_keys(control),
            "night {night}: the takedowns a 410 shows, the same night"
        );
    })
    .await;
    let reasons = takedown_reasons(&nights.store);
    assert!(!reasons.is_empty(), "no takedown");
    for why in &reasons {
        assert_eq!(
            why, "listing removed: its page shows the item as unavailable (HTTP 200)",
            "{why}"
        );
    }

    // Live listings whose pages show no offer are read as they are: no failure, and
    // 60% of a marketplace's pages without a price is no adapter gone wrong (it was
    // "PAGES DO NOT MATCH ITS ADAPTER", exit 5).
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_live_dir, live) = common::fresh_store();
    server.set_faults(vec![(
        Site::Shopusa,
        Fault::Wall {
            wall: Wall::NoOffer,
            percent: 60,
        },
    )]);
    let s = common::night(&config, &live, 0).await;
    assert_eq!(s.failures.get("no_offer"), None, "{:?}", s.failures);
    assert_eq!(s.failures.get("soft_404"), None, "{:?}", s.failures);
    assert_eq!(s.exit_code(), 0, "{:?}", s.failures);
}

/// A share of item pages answered with a bot check no verdict rule knows: nothing
/// can be read from them (no title, no price). Each was counted as a listing read:
/// the night said "read 24, failed 0, coverage 100%", exit 0, while its findings
/// went unseen. Now each is a failure (`nothing_read`, naming the page), the
/// marketplace is not looked at in full, and nothing is resolved on it that an
/// unwalled run would not resolve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_check_no_rule_knows_is_no_listing_read() {
    use brandguard::demo::Wall;
    let (server, config) = common::demo(&DemoOptions::default()).await;
    let (_control_dir, control) = common::fresh_store();
    let (_dir, store) = common::fresh_store();
    let wall = Fault::Wall {
        wall: Wall::Unknown,
        percent: 30,
    };
    for night in 0..3 {
        server.set_night(night);
        server.set_faults(vec![]);
        let clean = common::night(&config, &control, night).await;
        assert!(clean.failures.is_empty(), "{:?}", clean.failures);
        server.set_faults(if night == 1 {
            vec![(Site::Tmart, wall)]
        } else {
            vec![]
        });
        let s = common::night(&config, &store, night).await;
        if night != 1 {
            continue;
        }
        let unread = s.failures.get("nothing_read").copied().unwrap_or(0);
        assert!(unread > 0, "{:?}", s.failures);
        let tmart = &s.marketplaces["tmart"];
        let clean_tmart = &clean.marketplaces["tmart"];
        assert_eq!(
            tmart.listing_pages + unread,
            clean_tmart.listing_pages,
            "each walled page is a page not read"
        );
        assert!(tmart.coverage() < 1.0);
        assert!(
            s.not_looked.contains(&"tmart".to_string()),
            "{:?}",
            s.not_looked
        );
        assert_ne!(s.exit_code(), 0);
        let first = &s.failure_first["nothing_read"];
        assert!(
            first.contains("nothing read (no title, no price)"),
            "{first}"
        );
        only_in(
            resolved_keys(&store),
            resolved_keys(&control),
            "resolved only behind an unknown wall",
        );
    }
}
