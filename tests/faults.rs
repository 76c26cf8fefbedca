//! The demo marketplace misbehaves the way real ones do; each time the scan finishes,
//! records what failed and why, stays within its limits, and loses nothing stored.

mod common;

use brandguard::config::Config;
use brandguard::demo::{DemoOptions, DemoServer, Detection, Fault, Site};
use brandguard::extract::PriceBasis;
use brandguard::scan::{self, ScanSummary};

struct Run {
    config: Config,
    server: DemoServer,
    summary: ScanSummary,
    detection: Detection,
    store: brandguard::evidence::Store,
    _dir: tempfile::TempDir,
}

async fn scan_with(faults: Vec<(Site, Fault)>) -> Run {
    scan_tuned(faults, |_| {}).await
}

async fn scan_tuned(faults: Vec<(Site, Fault)>, tune: impl FnOnce(&mut Config)) -> Run {
    scan_market(
        DemoOptions {
            faults,
            ..DemoOptions::default()
        },
        tune,
    )
    .await
}

async fn scan_market(opts: DemoOptions, tune: impl FnOnce(&mut Config)) -> Run {
    let (server, mut config) = common::demo(&opts).await;
    // Short backoff so the tests stay quick; Retry-After still rules when longer.
    config.brand.crawl.retry_base_millis = 20;
    config.brand.crawl.retry_max_secs = 1;
    tune(&mut config);
    let (dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    store
        .verify()
        .expect("the store verifies whatever the marketplace did");
    let detection = scan::demo_report(&store, &summary, &server.ground_truth())
        .unwrap()
        .detection;
    // Whatever failed, nothing the scan reported is wrong.
    assert_eq!(detection.precision, 1.0, "{:?}", detection.false_positives);
    Run {
        config,
        server,
        summary,
        detection,
        store,
        _dir: dir,
    }
}

fn requests_to(run: &Run, site: Site) -> Vec<brandguard::demo::RequestRecord> {
    run.server
        .requests()
        .into_iter()
        .filter(|r| r.site == site)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_429s_wait_for_retry_after() {
    let run = scan_with(vec![(Site::Shopusa, Fault::RateLimit { per_second: 6 })]).await;
    let reqs = requests_to(&run, Site::Shopusa);
    let throttled: Vec<_> = reqs.iter().filter(|r| r.status == 429).collect();
    assert!(
        !throttled.is_empty(),
        "the fault should have throttled the scan"
    );
    // Every retry of a throttled URL came at least Retry-After (1 s) later.
    for t in &throttled {
        if let Some(next) = reqs
            .iter()
            .find(|r| r.target == t.target && r.at_ms > t.at_ms)
        {
            assert!(
                next.at_ms - t.at_ms >= 950,
                "{} retried after {} ms",
                t.target,
                next.at_ms - t.at_ms
            );
        }
    }
    // The other sites were not slowed into failure.
    assert!(run.summary.marketplaces["tmart"].failures == 0);
    assert!(run.summary.listings_seen > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_503s_are_retried_to_success() {
    let run = scan_with(vec![(Site::Tmart, Fault::Flaky503 { every: 3 })]).await;
    assert!(
        requests_to(&run, Site::Tmart)
            .iter()
            .any(|r| r.status == 503)
    );
    assert!(
        run.summary.failures.is_empty(),
        "{:?}",
        run.summary.failure_examples
    );
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_responses_and_connection_resets_are_survived() {
    let run = scan_with(vec![
        (Site::Bidbay, Fault::Slow { millis: 150 }),
        (Site::Shopusa, Fault::Reset { every: 4 }),
    ])
    .await;
    // Six listings (every fourth) were cut once and asked for again.
    let mut asked: std::collections::HashMap<String, usize> = Default::default();
    for r in requests_to(&run, Site::Shopusa)
        .iter()
        .filter(|r| r.target.starts_with("/item/"))
    {
        *asked.entry(r.target.clone()).or_default() += 1;
    }
    assert_eq!(asked.values().filter(|n| **n == 2).count(), 6, "{asked:?}");
    assert!(
        run.summary.failures.is_empty(),
        "{:?}",
        run.summary.failure_examples
    );
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_loops_fail_only_their_pages() {
    let run = scan_with(vec![(Site::Bidbay, Fault::RedirectLoop)]).await;
    let loops = run.summary.failures.get("redirects").copied().unwrap_or(0);
    assert_eq!(loops, 24, "{:?}", run.summary.failures);
    // Each looping page cost at most max_redirects + 1 requests.
    let item_requests = requests_to(&run, Site::Bidbay)
        .iter()
        .filter(|r| r.target.starts_with("/itm/"))
        .count();
    assert!(item_requests <= 24 * 6, "{item_requests}");
    assert_eq!(run.summary.marketplaces["shopusa"].failures, 0);
    assert_eq!(run.summary.marketplaces["tmart"].listings_seen, 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn endless_pagination_is_cut_short() {
    let run = scan_with(vec![(Site::Tmart, Fault::EndlessPagination)]).await;
    let searched = run.summary.marketplaces["tmart"].search_pages;
    assert!(
        (3..=6).contains(&searched),
        "tmart search pages: {searched}"
    );
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_answering_500_means_nothing_is_fetched() {
    let run = scan_with(vec![(Site::Bidbay, Fault::Robots500)]).await;
    let reqs = requests_to(&run, Site::Bidbay);
    assert_eq!(reqs.len(), 1, "only robots.txt: {reqs:?}");
    assert_eq!(reqs[0].target, "/robots.txt");
    // An unreachable robots.txt is the host failing, not its rules: a failure, and
    // a marketplace the scan could not look at.
    assert_eq!(run.summary.marketplaces["bidbay"].robots_blocked, 0);
    assert_eq!(run.summary.failures.get("robots_unreachable"), Some(&1));
    // Nor the profile pages of the two distributors' declared bidbay accounts (read
    // before any listing), counted apart from the marketplace's pages.
    assert_eq!(
        run.summary
            .failures
            .get("seller_profile_robots_unreachable"),
        Some(&2)
    );
    assert_eq!(run.summary.not_looked, vec!["bidbay".to_string()]);
    assert_eq!(run.summary.marketplaces["shopusa"].listings_seen, 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_keeps_refusing_is_cut_off_and_the_others_carry_on() {
    let run = scan_with(vec![(Site::Tmart, Fault::Forbidden)]).await;
    assert_eq!(
        run.summary.hosts_cut_off.len(),
        1,
        "{:?}",
        run.summary.hosts_cut_off
    );
    assert!(run.summary.hosts_cut_off[0].contains(&run.server.base_url(Site::Tmart)[7..]));
    // 403 is not retried: robots.txt, the search pages, then item pages until the
    // breaker's threshold (5) plus those already sent when it tripped (at most the
    // concurrency, 8). Requests still queued behind the host's rate limit are not
    // sent: before they were, 12 to 14 of them went out.
    let refused = requests_to(&run, Site::Tmart)
        .iter()
        .filter(|r| r.status == 403)
        .count();
    assert!(
        (5..=5 + 8).contains(&refused),
        "{refused} refused requests to a cut-off host"
    );
    assert!(
        run.summary
            .failures
            .get("host_cut_off")
            .copied()
            .unwrap_or(0)
            >= 24 - 13
    );
    assert_eq!(run.summary.marketplaces["shopusa"].listings_seen, 24);
    assert_eq!(run.summary.marketplaces["bidbay"].listings_seen, 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gigantic_pages_are_kept_truncated_and_marked() {
    let run = scan_with(vec![(
        Site::Shopusa,
        Fault::Huge {
            bytes: 6 * 1024 * 1024,
        },
    )])
    .await;
    assert_eq!(run.summary.pages_truncated, 24);
    // The listing data sits before the padding: still read, still judged.
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_delay_slows_the_host_down() {
    let (server, config) = common::demo(&DemoOptions {
        listings_per_site: 3,
        faults: vec![(Site::Bidbay, Fault::CrawlDelay { secs: 1 })],
        ..DemoOptions::default()
    })
    .await;
    let (_dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    assert_eq!(summary.marketplaces["bidbay"].listings_seen, 3);
    let times: Vec<u64> = server
        .requests()
        .iter()
        .filter(|r| r.site == Site::Bidbay && r.target != "/robots.txt")
        .map(|r| r.at_ms)
        .collect();
    // One search page, three listings and the sellers' profile pages (at least
    // the two declared bidbay accounts).
    let profiles = server
        .requests()
        .iter()
        .filter(|r| r.site == Site::Bidbay && r.target.starts_with("/usr/"))
        .count();
    assert!(profiles >= 2, "{profiles} profile pages");
    assert_eq!(times.len(), 4 + profiles);
    for w in times.windows(2) {
        // The adapter allows 15 per second; robots.txt asks for one a second.
        assert!(w[1] - w[0] >= 950, "requests {} ms apart", w[1] - w[0]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_budget_bounds_each_marketplace() {
    let run = scan_tuned(vec![], |c| c.brand.crawl.page_budget = 10).await;
    for (name, m) in &run.summary.marketplaces {
        assert!(m.search_pages + m.listing_pages <= 10, "{name}: {m:?}");
    }
    let mut exhausted = run.summary.budget_exhausted.clone();
    exhausted.sort();
    assert_eq!(exhausted, ["bidbay", "shopusa", "tmart"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_answering_429_is_slowed_down_not_only_retried() {
    // shopusa is configured at 20 requests/s and answers 429 above 5 in a second.
    // The first second's burst and each probe back towards the configured rate cost
    // a few 429s whatever the market's size; 120 listings a site make the scan long
    // enough that they are a small share (at the default 24, the shopusa part of the
    // scan is 43 requests and 9 throttled ones were 21%: the bound below measured the
    // market's size, not the slowdown).
    let run = scan_market(
        DemoOptions {
            listings_per_site: 120,
            faults: vec![(Site::Shopusa, Fault::RateLimit { per_second: 5 })],
            ..DemoOptions::default()
        },
        |_| {},
    )
    .await;
    let reqs = requests_to(&run, Site::Shopusa);
    let throttled = reqs.iter().filter(|r| r.status == 429).count();
    // Host keys are `scheme://host:port`, as the demo's base URLs.
    let key = run.server.base_url(Site::Shopusa);
    let rate = &run.summary.host_rates[&key];
    eprintln!(
        "shopusa: {throttled} of {} requests throttled; {rate:?}",
        reqs.len()
    );
    assert!(rate.slowdowns > 0, "{rate:?}");
    assert!(rate.lowest_per_second <= 10.0, "{rate:?}");
    assert_eq!(rate.configured_per_second, 20.0);
    // Before: 97 of 197 requests got 429 and 11 URLs failed. Slowed down, a few
    // 429s before the host's pace is found, and nothing fails.
    assert!(
        throttled * 5 <= reqs.len(),
        "{throttled} of {} requests throttled",
        reqs.len()
    );
    assert_eq!(
        run.summary.marketplaces["shopusa"].failures, 0,
        "{:?}",
        run.summary.failure_examples
    );
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    // The other hosts kept their own pace.
    let others: Vec<_> = run
        .summary
        .host_rates
        .iter()
        .filter(|(k, _)| **k != key)
        .collect();
    assert!(others.iter().all(|(_, r)| r.slowdowns == 0), "{others:?}");
}

/// A search that stops at `[search] max_pages` while its last page still links to
/// a next one leaves listings unread: the night says so (`search_cut_at_max_pages`
/// with the marketplace and the limit, the marketplace's `searches_cut`, exit 3)
/// instead of "coverage 100%" of what it happened to read. The same market with
/// room for every page, and pagination traps (which end searches on their own
/// guards), cut nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_cut_at_max_pages_with_results_left_is_said() {
    let market = || DemoOptions {
        listings_per_site: 60,
        ..DemoOptions::default()
    };
    let whole = scan_market(market(), |_| {}).await;
    assert_eq!(whole.summary.failures.get("search_cut_at_max_pages"), None);
    let tmart = &whole.summary.marketplaces["tmart"];
    assert_eq!(tmart.searches_cut, 0);
    assert!(
        tmart.search_pages > 3,
        "tmart's searches need more than one page each: {}",
        tmart.search_pages
    );
    let cut = scan_market(market(), |c| {
        for m in &mut c.marketplaces {
            if m.name == "tmart" {
                m.max_pages = 1;
            }
        }
    })
    .await;
    let tmart = &cut.summary.marketplaces["tmart"];
    assert!(tmart.searches_cut > 0, "{:?}", cut.summary.failures);
    assert_eq!(
        cut.summary.failures.get("search_cut_at_max_pages"),
        Some(&tmart.searches_cut)
    );
    assert!(tmart.listings_seen < whole.summary.marketplaces["tmart"].listings_seen);
    assert!(
        cut.summary
            .failure_examples
            .iter()
            .any(|e| e.starts_with("tmart: search stopped at [search] max_pages = 1")),
        "{:?}",
        cut.summary.failure_examples
    );
    assert_eq!(cut.summary.exit_code(), 3);
    for other in ["bidbay", "shopusa"] {
        assert_eq!(cut.summary.marketplaces[other].searches_cut, 0, "{other}");
    }
    // A trap is no cut: endless pagination ends on its stale-page guard.
    let trap = scan_with(vec![(Site::Tmart, Fault::EndlessPagination)]).await;
    assert_eq!(trap.summary.marketplaces["tmart"].searches_cut, 0);
}

/// A price box that also shows a members' price (`¥1,299.00 PLUS会员价¥1,169.10`,
/// read through tmart's CSS selector): the members' price is advertised, so it is
/// the price a floor is checked against, and every finding and choice on it says
/// that only some buyers pay it and what every buyer pays, never "which variant
/// sells at it" (it is no variant) as it did when it was "the lowest of 2 prices".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_price_is_said_as_one_not_as_a_variant() {
    a_price_on_a_condition_is_said_with_it(Fault::MemberPrice, "plus会员价").await;
}

/// The same for a quantity tier's price (`¥1,299.00 10件以上 ¥1,169.10`, a tenth
/// less for ten or more, as B2B marketplaces show): it was "the lowest of 2
/// prices on the page", a finding on a price only buyers of ten pay said as a
/// variant's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quantity_tiers_price_is_said_as_one_not_as_a_variant() {
    a_price_on_a_condition_is_said_with_it(Fault::TierPrice, "10件以上").await;
}

/// Scans the demo with tmart's price box showing a price a tenth under the
/// listing's on a condition (`fault`, named by `words`), and checks that price is
/// the one checked, said with its condition and the price for every buyer.
async fn a_price_on_a_condition_is_said_with_it(fault: Fault, words: &str) {
    let (server, config) = common::demo(&DemoOptions {
        faults: vec![(Site::Tmart, fault)],
        ..DemoOptions::default()
    })
    .await;
    let (_dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let mut read = 0;
    for (o, l) in site_listings(&store, &server, Site::Tmart) {
        let on_condition = (l.price * rust_decimal::Decimal::new(9, 1)).round_dp(2);
        let list = o.listing.list_price.as_ref().expect("a list price");
        assert_eq!(
            list.amount, on_condition,
            "{}: {:?}",
            l.id, o.listing.sources
        );
        if o.listing.price_basis == PriceBasis::Coupon {
            // A coupon under the price on a condition is the price: its own choice.
            continue;
        }
        let choice = o.listing.price_choice.as_deref().unwrap_or_default();
        assert_eq!(
            choice,
            format!(
                "a price only some buyers pay, as the page says (\"{words}\"); the lowest price for every buyer: {:.2}",
                l.price
            ),
            "{}",
            l.id
        );
        read += 1;
    }
    assert!(read > 10, "tmart listings read: {read}");
    // Findings on the price on a condition: some listings asking the floor or
    // more of every buyer are under it on the condition.
    let on_condition: Vec<String> = store
        .findings()
        .map(|f| f.expect("finding").finding)
        .filter(|f| {
            f.marketplace == "tmart"
                && f.price_basis == PriceBasis::List
                && f.detail.contains("advertised")
        })
        .map(|f| f.detail)
        .collect();
    assert!(!on_condition.is_empty());
    for d in &on_condition {
        assert!(
            d.contains("only some buyers pay") && !d.contains("variant"),
            "{d}"
        );
    }
}

/// A price box that also shows a used offer and other sellers' (`¥1,299.00
/// 二手¥779.40 其他卖家 ¥1,039.20起`, as Amazon's "Used from" and "Other sellers
/// from" and Taobao's do, read through tmart's CSS selector): neither is the
/// listing's price. Read as "the lowest of 3 prices", the used offer was every
/// tmart listing's price, and a false below-floor finding on most.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_offer_and_other_sellers_in_the_price_box_are_not_the_price() {
    tmart_reads_the_demos_price_leaving_out(Fault::OtherOffers, &["left out other offers"]).await;
}

/// Each tmart listing's latest observation, with the demo listing it read.
/// The latest observation of each of `site`'s listings, with the demo's listing.
fn site_listings(
    store: &brandguard::evidence::Store,
    server: &DemoServer,
    site: Site,
) -> Vec<(
    brandguard::evidence::Observation,
    brandguard::demo::DemoListing,
)> {
    let catalog = server.catalog();
    store
        .latest_observations()
        .map(|o| o.expect("observation"))
        .filter(|o| o.listing.marketplace == site.name())
        .map(|o| {
            let l = catalog
                .listings
                .iter()
                .find(|l| l.site == site && l.id == o.listing.listing_id)
                .expect("a demo listing")
                .clone();
            (o, l)
        })
        .collect()
}

/// Every listing of `site` read with a price has the demo's, with no choice among
/// several, and `also` holds of it; how many were read.
fn each_price_is_the_demos(
    run: &Run,
    site: Site,
    mut also: impl FnMut(&brandguard::evidence::Observation, &brandguard::demo::DemoListing),
) -> usize {
    let mut read = 0;
    for (o, l) in site_listings(&run.store, &run.server, site) {
        let Some(price) = &o.listing.price else {
            continue;
        };
        assert_eq!(price.amount, l.price, "{}: {:?}", l.id, o.listing.sources);
        assert_eq!(o.listing.price_choice, None, "{}", l.id);
        also(&o, &l);
        read += 1;
    }
    read
}

/// A scan with `fault` on tmart: every tmart listing's price read is the demo's,
/// with no choice among several, and its source names each of `left_out`.
async fn tmart_reads_the_demos_price_leaving_out(fault: Fault, left_out: &[&str]) {
    let run = scan_with(vec![(Site::Tmart, fault)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let mut read = 0;
    for (o, l) in site_listings(&run.store, &run.server, Site::Tmart) {
        let list = o.listing.list_price.as_ref().expect("a list price");
        assert_eq!(list.amount, l.price, "{}: {:?}", l.id, o.listing.sources);
        assert_eq!(o.listing.price_choice, None, "{}", l.id);
        assert!(
            left_out
                .iter()
                .all(|w| o.listing.sources["price"].contains(w)),
            "{}: {:?}",
            l.id,
            o.listing.sources
        );
        read += 1;
    }
    assert!(read > 10, "tmart listings read: {read}");
}

/// tmart's item pages show the price only in the cart (`加入购物车查看价格`), as
/// shops do for items priced under a brand's minimum advertised price: no price is
/// advertised, so none is checked, and each listing says why; the night is no
/// "PAGES DO NOT MATCH ITS ADAPTER" (exit 5), which it was ("price read on 0 of N
/// listings of the brand") while the adapter read every page right.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prices_shown_only_in_the_cart_are_said_and_no_adapter_failure() {
    let run = scan_with(vec![(Site::Tmart, Fault::PriceInCart)]).await;
    assert!(
        run.summary.adapter_unmatched.is_empty(),
        "{:?}",
        run.summary.adapter_unmatched
    );
    assert_eq!(run.summary.exit_code(), 0, "{:?}", run.summary.failures);
    let mut in_cart = 0;
    for o in run.store.latest_observations() {
        let o = o.expect("observation");
        if o.listing.marketplace != "tmart" || o.sku_match.sku.is_none() {
            continue;
        }
        assert_eq!(o.listing.price, None, "{}", o.listing.listing_id);
        assert_eq!(
            o.listing.price_in_cart.as_deref(),
            Some("加入购物车查看价格"),
            "{}: {:?}",
            o.listing.listing_id,
            o.listing.missing
        );
        assert!(
            o.notes
                .iter()
                .any(|n| n.starts_with("price shown only in the cart")),
            "{:?}",
            o.notes
        );
        in_cart += 1;
    }
    assert!(in_cart >= 5, "{in_cart}");
    assert_eq!(run.summary.marketplaces["tmart"].prices_in_cart, in_cart);
}

/// bidbay's listings sold by auction (`Auction` where `Buy It Now` stood, read
/// through the adapter's `format` selector): the price is a bid. A low bid is no
/// counterfeit signal, and a below-floor finding says it is an auction's bid whose
/// starting bid, the seller's price, was no higher; before, a bid under half the
/// floor made a genuine item a suspected counterfeit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auctions_bid_is_said_as_one_and_no_counterfeit_signal() {
    let run = scan_with(vec![(Site::Bidbay, Fault::Auction)]).await;
    let mut auctions = 0;
    for o in run.store.latest_observations() {
        let o = o.expect("observation");
        if o.listing.marketplace == "bidbay" {
            assert_eq!(o.listing.auction.as_deref(), Some("auction"));
            auctions += 1;
        }
    }
    assert!(auctions > 10, "{auctions}");
    let mut below = 0;
    for f in run.store.findings() {
        let f = f.expect("finding").finding;
        if f.marketplace != "bidbay" {
            continue;
        }
        match f.kind.as_str() {
            "below_floor" => {
                assert!(f.detail.contains("an auction's bid"), "{}", f.detail);
                below += 1;
            }
            "suspected_counterfeit" => {
                assert!(!f.detail.contains("of the floor"), "{}", f.detail)
            }
            _ => {}
        }
    }
    assert!(below > 0);
    assert!(!run.detection.missed.is_empty(), "bidbay has such listings");
    // What the demo's truth counts and the scan no longer claims: counterfeit
    // signals by price alone, on bidbay's auctions.
    for missed in &run.detection.missed {
        assert!(
            missed.starts_with("bidbay/") && missed.ends_with("/suspected_counterfeit"),
            "{missed}"
        );
    }
}

/// A price box that also shows a pay-later offer and a saving (`¥1,299.00 或分4期
/// 每期¥324.75 立省¥129.90`, as real shops' do, read through tmart's CSS selector):
/// the price is what the listing asks, never an instalment or the saving. Read as
/// "the lowest of 3 prices", the instalment was every tmart listing's price, a
/// quarter of it, and a false below-floor finding on each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pay_later_offer_and_a_saving_in_the_price_box_are_not_the_price() {
    tmart_reads_the_demos_price_leaving_out(
        Fault::PayLater,
        &["left out instalments", "left out savings"],
    )
    .await;
}

/// A price box showing the former price and the discount in percent after the
/// price (`¥1,299.00 ¥1,623.75 -20%`, as Lazada's, Shopee's and Tmall's do): the
/// former price is left out. Read as "the lowest of 2 prices", every tmart finding
/// said a variant might sell at each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_former_price_named_by_a_discount_in_percent_is_left_out() {
    tmart_reads_the_demos_price_leaving_out(
        Fault::PercentOff,
        &["left out former or reference prices"],
    )
    .await;
}

/// shopusa's pages describe a product "frequently bought together" in JSON-LD
/// before their own, at three tenths of the price: the listing is the product its
/// heading names, at its own price, and its sources say which was taken and what
/// was left out. Read as the first product described, every shopusa listing was
/// another product at three tenths of its price.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_bought_together_described_first_is_not_the_listings() {
    let run = scan_with(vec![(Site::Shopusa, Fault::BoughtTogether)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let mut read = 0;
    for (o, l) in site_listings(&run.store, &run.server, Site::Shopusa) {
        if o.listing.price.is_none() {
            continue;
        }
        assert_eq!(o.listing.title.as_deref(), Some(l.title.as_str()));
        let list = o.listing.list_price.as_ref().expect("a list price");
        assert_eq!(list.amount, l.price, "{}: {:?}", l.id, o.listing.sources);
        let source = &o.listing.sources["price"];
        assert!(
            source.contains("the page's own of 2 products") && source.contains("left out"),
            "{}: {source}",
            l.id
        );
        read += 1;
    }
    assert!(read > 10, "shopusa listings read: {read}");
}

/// shopusa's search results also link to ads on another site, in the results' own
/// markup (`a.result-link` to `http://ads.invalid/…`): they are not shopusa's
/// listings. Left out, never fetched, counted and shown in the night's summary.
/// Followed, each was fetched as a shopusa listing (here a host that does not
/// exist: the night failed; a real ad's page was read with shopusa's adapter, and
/// its findings and complaints named another site's page as shopusa's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_results_linking_to_another_site_are_not_its_listings() {
    let run = scan_with(vec![(Site::Shopusa, Fault::LinksElsewhere)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    assert!(
        run.summary.failures.is_empty(),
        "{:?}",
        run.summary.failure_examples
    );
    let shopusa = &run.summary.marketplaces["shopusa"];
    assert!(shopusa.links_elsewhere > 10, "{shopusa:?}");
    let example = shopusa
        .link_elsewhere_example
        .as_deref()
        .unwrap_or_default();
    assert!(example.starts_with("http://ads.invalid/"), "{example}");
    for o in run.store.latest_observations() {
        let o = o.expect("observation");
        assert!(!o.listing.url.contains("ads.invalid"), "{}", o.listing.url);
    }
}

/// shopusa's item pages redirect (301) to the same path on another host
/// (`localhost` instead of its `127.0.0.1`), another shop selling the product at
/// three tenths of the price. Nothing is read from those pages as shopusa's
/// listings, whatever their addresses look like: each fails as
/// `redirected_off_site`, naming where it went and the `item_hosts` entry that
/// would make that host shopusa's. Before, the other shop's page was read as the
/// listing (its address matched shopusa's listing pattern): its price was a
/// below-floor finding against a listing that asked the floor, and a complaint to
/// shopusa named a page it does not serve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_redirected_to_another_site_is_not_read_as_its_listing() {
    let run = scan_with(vec![(Site::Shopusa, Fault::MovedElsewhere)]).await;
    let shopusa = run.config.marketplace("shopusa").expect("shopusa");
    let listings = run
        .server
        .ground_truth()
        .listings
        .iter()
        .filter(|l| l.marketplace == "shopusa")
        .count() as u64;
    assert!(listings > 10);
    assert_eq!(
        run.summary.failures.get("redirected_off_site").copied(),
        Some(listings),
        "{:?}",
        run.summary.failure_examples
    );
    let example = run
        .summary
        .failure_examples
        .iter()
        .find(|e| e.contains("another site"))
        .cloned()
        .unwrap_or_default();
    let port = shopusa.base_url.port().expect("the demo's port");
    assert!(
        example.contains(&format!("redirected to http://localhost:{port}/item/"))
            && example.contains("add it to its [search] item_hosts"),
        "{example}"
    );
    for o in run.store.latest_observations() {
        let o = o.expect("observation");
        assert_ne!(o.listing.marketplace, "shopusa", "{}", o.listing.url);
    }
    // The other marketplaces' violations are all found.
    for missed in &run.detection.missed {
        assert!(missed.contains("shopusa"), "{missed}");
    }
}

/// shopusa's item pages redirect to another host that answers with a captcha, as
/// bot managers send a crawler to their own challenge host: that is a block,
/// counted and judged as one (a recheck so blocked is no takedown), not a page of
/// another site. Before, the off-site rule came first: every page failed as
/// `redirected_off_site`, and a rechecked listing so blocked was "taken down".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_hosts_captcha_is_a_block() {
    let captcha = Fault::Wall {
        wall: brandguard::demo::Wall::Captcha,
        percent: 100,
    };
    let run = scan_with(vec![
        (Site::Shopusa, Fault::MovedElsewhere),
        (Site::Shopusa, captcha),
    ])
    .await;
    let failures = &run.summary.failures;
    assert!(
        !failures.contains_key("redirected_off_site"),
        "{failures:?}"
    );
    assert!(
        failures.keys().any(|k| k.starts_with("blocked_")),
        "{failures:?}"
    );
    assert!(run.summary.marketplaces["shopusa"].blocked > 0);
}

/// A price box showing the price per item and a former price (`¥1,299.00/件
/// 原价¥1,623.75`; eBay's `US $149.99/ea Was US $199.99`): the price per item is the
/// price. Left out as a unit price, the text "held only a former price": no tmart
/// listing had a price, and every violation there was missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_per_item_beside_a_former_price_is_the_price() {
    tmart_reads_the_demos_price_leaving_out(
        Fault::PerItem,
        &["left out former or reference prices"],
    )
    .await;
}

/// A price box showing a pre-sale deposit beside the price (`¥1,299.00 预售定金¥130`,
/// Taobao's and JD's pre-orders): the price is what the listing asks. Read as "the
/// lowest of 2 prices", the deposit, a tenth of the price, was every tmart
/// listing's price and a false below-floor finding on each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_presale_deposit_in_the_price_box_is_not_the_price() {
    tmart_reads_the_demos_price_leaving_out(Fault::Presale, &["left out fees and deposits"]).await;
}

/// bidbay's structured data keeps a price a fifth over what its price box shows (a
/// sale the markup template never got): the lower is checked and the listing says
/// both. Read from the structured data alone, bidbay's violations under the floor
/// by less than a sixth were missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_box_under_stale_structured_data_is_checked_and_both_are_said() {
    let run = scan_with(vec![(Site::Bidbay, Fault::StaleStructuredPrice)]).await;
    assert!(
        run.detection.missed.is_empty(),
        "violations missed: {:?}",
        run.detection.missed
    );
    let mut said = 0;
    for o in run.store.latest_observations() {
        let o = o.expect("observation");
        if o.listing.marketplace != "bidbay" || o.listing.price.is_none() {
            continue;
        }
        let choice = o.listing.price_choice.clone().unwrap_or_default();
        assert!(
            choice.starts_with("the page's price box and its structured data disagree"),
            "{}: {choice:?}",
            o.listing.listing_id
        );
        said += 1;
    }
    assert!(said > 10, "bidbay listings with a price: {said}");
    let below = run
        .store
        .findings()
        .map(|f| f.expect("finding").finding)
        .filter(|f| f.marketplace == "bidbay" && f.kind.as_str() == "below_floor")
        .inspect(|f| assert!(f.detail.contains("disagree"), "{}", f.detail))
        .count();
    assert!(below > 0, "bidbay has violations");
}

/// bidbay's price box shows the shipping cost above the price, each in an element of
/// its own (`<span>US $4.99 shipping</span> <span>US $149.99</span>`). As text alone
/// the shipping word reads as the label of the price after it: the box was read at
/// the shipping cost, lower than the structured data's price, and "the lower is
/// checked" made a false below-floor finding of every bidbay listing shipped at a
/// cost (precision under 1, asserted by `scan_with`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shipping_cost_above_the_price_is_not_the_price() {
    let run = scan_with(vec![(Site::Bidbay, Fault::ShippingAbove)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let mut shipped = 0;
    each_price_is_the_demos(&run, Site::Bidbay, |_, l| {
        shipped += usize::from(l.shipping.is_some());
    });
    assert!(shipped > 10, "bidbay listings shipped at a cost: {shipped}");
}

/// shopusa's price box shows the sales tax under the price, in the price's own
/// element (`$149.99 Tax: $12.37`). Read as one of the box's prices, the tax was
/// the lower, the box and the JSON-LD disagreed, and the lower was checked: a false
/// below-floor finding on every shopusa listing (precision under 1, asserted by
/// `scan_with`). The tax is left out: the box agrees with the JSON-LD.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tax_line_in_the_price_box_is_not_the_price() {
    let run = scan_with(vec![(Site::Shopusa, Fault::TaxLine)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let read = each_price_is_the_demos(&run, Site::Shopusa, |_, _| {});
    assert!(read > 10, "shopusa listings with a price: {read}");
}

/// shopusa's price box holds each variant's price and hides all but the listing's,
/// a travel size at six tenths of the price first. Read, the hidden price was "the
/// lowest of 2 prices", the box and the JSON-LD disagreed and the lower was checked:
/// a false below-floor finding wherever the floor is over six tenths of the price
/// (precision under 1, asserted by `scan_with`). Text the markup hides from every
/// visitor is no part of a field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_variant_price_the_box_hides_is_not_the_price() {
    let run = scan_with(vec![(Site::Shopusa, Fault::HiddenVariantPrice)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let read = each_price_is_the_demos(&run, Site::Shopusa, |_, _| {});
    assert!(read > 10, "shopusa listings with a price: {read}");
}

/// shopusa's price element also holds its product form's data as a script, as
/// Shopify's themes print it, with the subscribe-and-save price at seven tenths of
/// the price. Read as the box's text, it was "the lowest of 2 prices", the box and
/// the JSON-LD disagreed and the lower was checked: a false below-floor finding
/// wherever the floor is over seven tenths of the price (precision under 1, asserted
/// by `scan_with`). A script's text is no text of the element holding it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_in_the_price_box_is_not_its_text() {
    let run = scan_with(vec![(Site::Shopusa, Fault::ScriptInPriceBox)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let read = each_price_is_the_demos(&run, Site::Shopusa, |_, _| {});
    assert!(read > 10, "shopusa listings with a price: {read}");
}

/// shopusa sells each listing in two variants, as Shopify's shops do: its search
/// links name the listing's variant (`/item/ID?variant=2`) and the item page's
/// JSON-LD lists an offer per variant at its own address, a travel size at six
/// tenths of the price first. Taken as the lowest of the seller's offers, the price
/// was the travel size's: a false below-floor finding on every shopusa listing whose
/// floor is over six tenths of its price (precision under 1, asserted by
/// `scan_with`). The listing's price is the offer at its address, and its source
/// says so; the GTIN written on that offer is the listing's, matched to the brand's
/// SKU by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_s_price_is_the_variant_its_address_names() {
    let run = scan_with(vec![(Site::Shopusa, Fault::Variants)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let mut gtins = 0;
    let read = each_price_is_the_demos(&run, Site::Shopusa, |o, l| {
        assert!(o.listing.url.ends_with("?variant=2"), "{}", o.listing.url);
        let source = o.listing.sources.get("price").cloned().unwrap_or_default();
        assert!(
            source.contains("the offer at the page's address") && source.contains("1 other offer"),
            "{}: {source}",
            l.id
        );
        // The variant's GTIN, written on its offer, is the listing's.
        if let Some(gtin) = l.gtin {
            assert_eq!(o.listing.gtin, [gtin.to_string()], "{}", l.id);
            if l.sku.is_some() {
                assert_eq!(o.sku_match.reason, "gtin", "{}", l.id);
                gtins += 1;
            }
        }
    });
    assert!(read > 10, "shopusa listings read: {read}");
    assert!(
        gtins > 5,
        "shopusa listings of the brand with a GTIN: {gtins}"
    );
}

/// shopusa sells each listing in two variants, the travel size at six tenths of
/// the price out of stock, and its addresses name no variant. Taken as the lowest
/// of the seller's offers, the price was the sold-out travel size's: a floor finding
/// on an offer no buyer could take (precision under 1, asserted by `scan_with`).
/// The price is the variant for sale, and its source says what was left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_variant_out_of_stock_is_not_the_price() {
    let run = scan_with(vec![(Site::Shopusa, Fault::SoldOutVariant)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let read = each_price_is_the_demos(&run, Site::Shopusa, |o, l| {
        let source = o.listing.sources.get("price").cloned().unwrap_or_default();
        assert!(
            source.contains("1 offer of the seller out of stock left out"),
            "{}: {source}",
            l.id
        );
    });
    assert!(read > 10, "shopusa listings read: {read}");
}

/// shopusa lists an accessory beside the product as a variant of it, as Shopify's
/// shops do: replacement ear pads at a tenth of the price first, the listing's own
/// variant second. Taken as the lowest of the seller's offers, the pads' price was
/// the product's: below the floor and a suspected counterfeit on every shopusa
/// listing of the brand (precision under 1, asserted by `scan_with`). The scan
/// leaves the pads out: the price is the demo's, and its choice names the pads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accessory_variant_is_not_the_price() {
    let run = scan_with(vec![(Site::Shopusa, Fault::AccessoryVariant)]).await;
    assert_eq!(run.detection.recall, 1.0, "{:?}", run.detection.missed);
    let mut said = 0;
    for (o, l) in site_listings(&run.store, &run.server, Site::Shopusa) {
        let (Some(price), Some(_)) = (&o.listing.price, &l.sku) else {
            continue;
        };
        assert_eq!(price.amount, l.price, "{}: {:?}", l.id, o.listing.sources);
        let choice = o.listing.price_choice.clone().unwrap_or_default();
        assert!(
            choice.starts_with("offers of variants its structured data names as other things")
                && choice.contains("- Replacement Ear Pads\" at"),
            "{}: {choice}",
            l.id
        );
        said += 1;
    }
    assert!(said > 5, "shopusa listings of the brand read: {said}");
}

/// Multipacks: a listing selling two at one price is held to the floor of each item
/// in it ("2-Pack Acme P3 Earbuds" at 60.00 is 30.00 an item, under a floor of
/// 49.00), as brands' price policies hold them; one item sold "with 3 Pack Ear
/// Tips" is one item. Read as one item, a multipack priced under twice the floor
/// but over it was no violation: the demo's truth is each item's price.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multipack_is_held_to_the_floor_of_each_item_in_it() {
    let run = scan_with(vec![(Site::Shopusa, Fault::Multipack)]).await;
    assert!(
        run.detection.missed.is_empty(),
        "violations of multipacks missed: {:?}",
        run.detection.missed
    );
    let (mut packs, mut with_tips) = (0, 0);
    for o in run.store.latest_observations() {
        let o = o.expect("observation");
        let title = o.listing.title.clone().unwrap_or_default();
        if o.listing.marketplace != "shopusa" || o.sku_match.sku.is_none() {
            continue;
        }
        if title.contains("Pack of 2")
            || title.starts_with("2-Pack")
            || title.ends_with("2 Pack Black")
        {
            assert_eq!(
                o.sku_match.pack.as_ref().map(|p| p.count),
                Some(2),
                "{title}"
            );
            packs += 1;
        } else if title.contains("with 3 Pack Ear Tips") {
            assert_eq!(o.sku_match.pack, None, "{title}");
            with_tips += 1;
        }
    }
    assert!(
        packs > 5 && with_tips > 2,
        "{packs} packs, {with_tips} with tips"
    );
    // A pack priced over one item's floor and under two: a violation only per item.
    let per_item_only = run
        .store
        .findings()
        .map(|f| f.expect("finding").finding)
        .filter(|f| f.marketplace == "shopusa" && f.kind.as_str() == "below_floor")
        .filter(|f| f.detail.contains("the title says"))
        .filter(|f| {
            assert!(f.detail.contains("(2 × "), "{}", f.detail);
            let (Some(p), Some(floor)) = (&f.observed, &f.floor) else {
                return false;
            };
            // The floor of the pack is twice the item's.
            p.amount * rust_decimal::Decimal::TWO >= floor.amount
        })
        .count();
    assert!(per_item_only > 0, "the market has such packs");
    // The distributors' report holds each pack to the same floor: every price
    // violation's lowest price is under the floor it is shown beside.
    let month: brandguard::report::compliance::Period = brandguard::demo::night_date(0)
        .format("%Y-%m")
        .to_string()
        .parse()
        .expect("a month");
    let report = brandguard::report::compliance::build(&run.config, &run.store, month, None)
        .expect("the report");
    let amount = |s: &str| {
        s.split(' ')
            .next()
            .and_then(|a| a.parse::<rust_decimal::Decimal>().ok())
    };
    let below: Vec<_> = report
        .violations
        .iter()
        .filter(|v| v.marketplace == "shopusa" && v.kind == "below_floor")
        .collect();
    assert!(!below.is_empty());
    for v in below {
        assert!(
            amount(&v.lowest_price) < amount(&v.floor),
            "{}/{}: {} beside a floor of {}",
            v.marketplace,
            v.listing_id,
            v.lowest_price,
            v.floor
        );
    }
}

/// shopusa sells each listing only three at a time: its price box shows "3 for
/// $X" and its JSON-LD offer the same X, three times the item's price. Read as
/// one item's price and held to one item's floor, a listing whose items sell
/// under the floor was a violation only where three of them were under it too:
/// the rest were missed (recall under 1). The price is read as the page shows it,
/// for three, held to three times the SKU's floor, and the finding says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_buy_is_held_to_the_floor_of_each_item_in_it() {
    let run = scan_with(vec![(Site::Shopusa, Fault::MultiBuy)]).await;
    assert_eq!(
        run.detection.recall, 1.0,
        "violations of multi-buys missed: {:?}",
        run.detection.missed
    );
    let mut read = 0;
    for (o, l) in site_listings(&run.store, &run.server, Site::Shopusa) {
        let Some(price) = &o.listing.price else {
            continue;
        };
        assert_eq!(
            price.amount,
            l.price * rust_decimal::Decimal::from(3),
            "{}",
            l.id
        );
        let several = o
            .listing
            .multi_buy
            .as_ref()
            .map(|m| (m.count, m.words.as_str()));
        assert_eq!(
            several,
            Some((3, "3 for")),
            "{}: {:?}",
            l.id,
            o.listing.sources
        );
        if o.sku_match.sku.is_some() {
            assert_eq!(
                o.sku_match.pack.as_ref().map(|p| p.count),
                Some(3),
                "{}",
                l.id
            );
        }
        read += 1;
    }
    assert!(read > 10, "shopusa listings read: {read}");
    // Items under the floor, three of them over it: a violation only per item.
    let per_item_only = run
        .store
        .findings()
        .map(|f| f.expect("finding").finding)
        .filter(|f| f.marketplace == "shopusa" && f.kind.as_str() == "below_floor")
        .filter(|f| {
            assert!(
                f.detail.contains("(3 × ") && f.detail.contains("the price box says \"3 for\""),
                "{}",
                f.detail
            );
            let (Some(p), Some(floor)) = (&f.observed, &f.floor) else {
                return false;
            };
            p.amount * rust_decimal::Decimal::from(3) >= floor.amount
        })
        .count();
    assert!(per_item_only > 0, "the market has such listings");
}
