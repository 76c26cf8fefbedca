//! Seller networks on the demo: identities read from the sites' profile pages (JSON-LD
//! on shopusa, selectors on GBK-encoded tmart and on bidbay), linked by the brand's
//! `[networks]` rules, scored pairwise against the planted networks; decoys never
//! linked; every link explained by two captures in the store; the undeclared shop
//! on its distributor's scorecard; a network case's packet verified.

mod common;

use std::collections::BTreeSet;

use brandguard::case;
use brandguard::config::Config;
use brandguard::demo::{DemoOptions, identities};
use brandguard::evidence::Store;
use brandguard::report::compliance::{self, Period};
use brandguard::report::networks;
use brandguard::report::packet;
use brandguard::sellers::{self, Account};

async fn scanned() -> (
    brandguard::demo::DemoServer,
    Config,
    tempfile::TempDir,
    Store,
) {
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    config.brand.confirm.captures = 1;
    let (dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    assert!(summary.seller_identities_read > 0);
    (server, config, dir, store)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_networks_are_found_and_every_link_is_explained() {
    let (server, config, _dir, store) = scanned().await;
    let found = networks::of_store(&store, &config.brand).unwrap();
    let d = identities::score(&found);
    println!(
        "pairwise precision {:.3}, recall {:.3} ({} found, {} planted, {} sellers, {} identifiers)",
        d.precision, d.recall, d.pairs_found, d.pairs_planted, found.sellers, found.identifiers
    );
    assert!(d.precision >= 0.95, "{d:?}");
    assert!(d.recall >= 0.90, "{d:?}");
    // Decoys share an agent's address, phone and e-mail (on the stoplist), or a
    // copied legal name at another address: never linked.
    assert!(d.decoys_linked.is_empty(), "{d:?}");
    assert!(
        found.unlinked.iter().any(|u| u.why == "stoplist"),
        "the agent's values were seen and set aside: {:?}",
        found.unlinked
    );
    // Without the stoplist the agent would link the decoys: it is what keeps them apart.
    let mut open = config.brand.clone();
    open.networks.stoplist.clear();
    let loose = identities::score(&networks::of_store(&store, &open).unwrap());
    assert_eq!(loose.decoys_linked, vec!["shopusa/bd4u ~ tmart/gf666"]);

    // Each link: the shared value, how each page wrote it, and two capture records
    // of the two profile pages, whose stored bytes say it again when read afresh.
    let ids = store.identities(None).unwrap();
    for net in &found.networks {
        assert!(!net.needs_review);
        for l in &net.links {
            assert!(!l.value.is_empty() && l.explain().contains(&l.value));
            for (acct, shown, seq) in [
                (&l.a, &l.a_shown, l.a_capture_log_seq),
                (&l.b, &l.b_shown, l.b_capture_log_seq),
            ] {
                let rec = store.log_record(seq).unwrap().expect("capture record");
                assert_eq!(rec.kind, "capture", "{}", l.explain());
                let m = config.marketplace(&acct.marketplace).unwrap();
                let page_url = m
                    .seller_page
                    .as_ref()
                    .unwrap()
                    .url_of(&m.base_url, &acct.seller_id)
                    .unwrap();
                assert_eq!(
                    rec.payload["page"]["url"].as_str(),
                    Some(page_url.as_str()),
                    "{}",
                    l.explain()
                );
                let id = &ids[&(acct.marketplace.clone(), acct.seller_id.clone())];
                assert_eq!(id.capture_log_seq, seq);
                let mut page: brandguard::crawl::Page =
                    serde_json::from_value(rec.payload["page"].clone()).unwrap();
                page.body = store.snapshot(&id.snapshot_sha256).unwrap().unwrap();
                let again = sellers::identity::read(&page, m, &acct.seller_id);
                assert_eq!(again, id.identity, "{acct}: read again from its capture");
                assert!(
                    again
                        .identifiers()
                        .iter()
                        .any(|i| &i.shown == shown && i.value == l.value),
                    "{acct} shows {shown}"
                );
            }
        }
    }
    // Same store, same networks, every time.
    assert_eq!(
        networks::of_store(&store, &config.brand).unwrap().networks,
        found.networks
    );

    // Night 9 brings a shop copying Northwind's legal name at another address: its
    // identity is read, and it links to no one.
    server.set_night(8);
    common::night(&config, &store, 8).await;
    let ids = store.identities(None).unwrap();
    let copy = &ids[&("shopusa".to_string(), "nw-audio-deals".to_string())].identity;
    let real = &ids[&("shopusa".to_string(), "nwaudio".to_string())].identity;
    assert_eq!(
        sellers::normalize::company(copy.legal_name.as_deref().unwrap()),
        sellers::normalize::company(real.legal_name.as_deref().unwrap())
    );
    let later = networks::of_store(&store, &config.brand).unwrap();
    let d = identities::score(&later);
    assert!(d.decoys_linked.is_empty() && d.recall == 1.0, "{d:?}");
    assert!(
        later
            .of(&Account {
                marketplace: "shopusa".into(),
                seller_id: "nw-audio-deals".into()
            })
            .is_none()
    );
    store.verify().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undeclared_shop_is_its_distributors_and_its_packet_carries_the_links() {
    let (server, config, dir, store) = scanned().await;
    // The shop's listings are Pacific's: on its scorecard, as undeclared_shop.
    let truth = server.ground_truth();
    let shop: Vec<_> = truth
        .listings
        .iter()
        .filter(|l| l.seller_id == "gadgetoutlet" && l.sku.is_some())
        .collect();
    assert!(!shop.is_empty());
    assert!(
        shop.iter()
            .all(|l| l.distributor.as_deref() == Some("pacific"))
    );
    let period: Period = "2026-11".parse().unwrap();
    let report = compliance::build(&config, &store, period, Some("pacific")).unwrap();
    let pacific = report
        .scorecards
        .iter()
        .find(|s| s.distributor == "pacific")
        .unwrap();
    assert_eq!(
        pacific.violations.get("undeclared_shop").copied(),
        Some(shop.len()),
        "{:?}",
        pacific.violations
    );
    assert_eq!(
        pacific.undeclared_shops,
        vec!["shopusa/gadgetoutlet".to_string()]
    );
    assert!(report.violations.iter().any(|v| v.kind == "undeclared_shop"
        && v.distributor.as_deref() == Some("pacific")
        && v.marketplace == "shopusa"));

    // Its case is a notice to Pacific, with the link and the profile pages.
    let c = case::all(&store)
        .unwrap()
        .into_iter()
        .find(|c| c.seller_id.as_deref() == Some("gadgetoutlet"))
        .unwrap();
    assert_eq!(c.authorized_seller.as_deref(), Some("pacific"));
    let out = dir.path().join("packets");
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    assert_eq!(p.format, "distributor_notice");
    let manifest: packet::Manifest =
        serde_json::from_slice(&std::fs::read(p.dir.join("manifest.json")).unwrap()).unwrap();
    let n = manifest.network.as_ref().expect("network section");
    assert!(
        n.accounts
            .iter()
            .any(|a| a.account == "bidbay/pacific-sound")
    );
    let link = n
        .links
        .iter()
        .find(|l| l.sides.iter().any(|s| s.account == "shopusa/gadgetoutlet"))
        .expect("the link to the shop");
    assert!(link.words.contains("5839201"), "{}", link.words);
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(cover.contains("Pacific Sound Co.") && cover.contains("Linked accounts"));
    let checked = packet::verify(&p.zip, Some(&store)).unwrap();
    assert!(checked.captures_checked_against_store >= 2 * n.links.len());
    // One changed byte of a profile page: the packet no longer verifies.
    let profile = p.dir.join(&link.sides[0].file);
    let mut bytes = std::fs::read(&profile).unwrap();
    bytes[10] ^= 1;
    std::fs::write(&profile, bytes).unwrap();
    assert!(packet::verify(&p.dir, Some(&store)).is_err());

    // The counterfeiter's complaint names its other shops and how they are linked.
    let cf = case::all(&store)
        .unwrap()
        .into_iter()
        .find(|c| c.seller_id.as_deref() == Some("a1-deals-hk"))
        .unwrap();
    let p = packet::build(&config, &store, &cf.id, None, &out).unwrap();
    let manifest: packet::Manifest =
        serde_json::from_slice(&std::fs::read(p.dir.join("manifest.json")).unwrap()).unwrap();
    let accounts: Vec<&str> = manifest
        .network
        .as_ref()
        .unwrap()
        .accounts
        .iter()
        .map(|a| a.account.as_str())
        .collect();
    assert_eq!(
        accounts,
        vec![
            "bidbay/a1-deals-hk",
            "bidbay/cheap_electronics_99",
            "shopusa/lxr"
        ]
    );
    // Each account with its listings: lxr's on shopusa, with their addresses.
    let net = manifest.network.as_ref().unwrap();
    let lxr = net
        .accounts
        .iter()
        .find(|a| a.account == "shopusa/lxr")
        .unwrap();
    assert!(!lxr.listings.is_empty());
    assert!(lxr.listings.iter().all(
        |l| l.url.contains("/item/") && l.kinds.contains(&"suspected_counterfeit".to_string())
    ));
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    let id = lxr.listings[0].listing.rsplit('/').next().unwrap();
    assert!(cover.contains(id), "{id}");
    packet::verify(&p.zip, Some(&store)).unwrap();
}

/// A profile page is hostile input like any page: script in the legal name, a
/// megabyte phone, bidi overrides, JSON-LD nested deep. Read within bounds, kept
/// as text (capped), never a link on junk, and escaped wherever it is shown.
#[test]
fn a_hostile_profile_page_is_read_within_bounds() {
    let config = Config::load(std::path::Path::new("targets/demo")).unwrap();
    let m = config.marketplace("shopusa").unwrap();
    let org = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "<script>alert(1)</script>\u{202e}gnp.exe",
        "legalName": "=HYPERLINK(\"http://x\")",
        "telephone": "9".repeat(1_000_000),
        "email": "not an email",
        "identifier": {"@type": "PropertyValue", "propertyID": "registration", "value": "000000"},
    });
    // As a page writes it: `</` escaped inside the script.
    let org = org.to_string().replace("</", "<\\/");
    let deep = "[".repeat(50_000) + &"]".repeat(50_000);
    let body = format!(
        "<html><head><script type=\"application/ld+json\">{org}</script>\
         <script type=\"application/ld+json\">{deep}</script></head><body></body></html>"
    );
    let page = brandguard::crawl::Page::saved(
        url::Url::parse("http://127.0.0.1/seller/x").unwrap(),
        body.into_bytes(),
    );
    let id = sellers::identity::read(&page, m, "x");
    let name = id.shop_name.as_deref().unwrap();
    assert!(name.contains("<script>"), "kept as text: {name}");
    assert!(id.phones[0].chars().count() < 1100, "capped");
    // Nothing here identifies anyone: no phone of a million digits, no e-mail, no
    // all-zero registration number.
    let kinds: Vec<_> = id.identifiers().into_iter().map(|i| i.kind).collect();
    assert!(!kinds.contains(&sellers::IdKind::Email), "{kinds:?}");
    assert!(!kinds.contains(&sellers::IdKind::Registration), "{kinds:?}");
    // Shown on a terminal without its controls.
    let shown = brandguard::sanitize::terminal(name, 200);
    assert!(!shown.contains('\u{202e}'), "{shown}");
}

/// `extract --seller ID` reads a saved profile page as a scan would (tmart's is
/// GBK-encoded, read through selectors) and prints the identity and the values
/// that would link it: what an adapter author tunes `[seller_page]` with.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_reads_a_saved_profile_page() {
    let (server, _config) = common::demo(&DemoOptions::default()).await;
    let url = format!(
        "{}/shop/hq8888",
        server.base_url(brandguard::demo::Site::Tmart)
    );
    let body = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("shop.html");
    std::fs::write(&saved, &body).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .args([
            "extract",
            saved.to_str().unwrap(),
            "--targets",
            "targets/demo",
        ])
        .args([
            "--marketplace",
            "tmart",
            "--seller",
            "hq8888",
            "--url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["identity"]["legal_name"], "深圳市华强电子有限公司");
    let values: Vec<&str> = v["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&"cn_uscc:91440300MA5F8K2Q4Y"), "{values:?}");
    assert!(values.contains(&"+8675588881234"), "{values:?}");
}

/// `packet --network`: a filing for the counterfeiter gf666 on tmart also covers
/// the open case of its linked shop yp2020 there (same path: a marketplace
/// complaint), with yp2020's listings as items and its seller on each row; the
/// claim is judged over all items (no counterfeit claim for listings without
/// grounds). Without the option, only the case's own listings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_filing_covers_the_linked_shops_on_the_marketplace() {
    let (_server, config, dir, store) = scanned().await;
    let case_of = |seller: &str| {
        case::all(&store)
            .unwrap()
            .into_iter()
            .find(|c| c.seller_id.as_deref() == Some(seller))
            .unwrap()
    };
    let (gf, yp) = (case_of("gf666"), case_of("yp2020"));
    assert_eq!(gf.path.path, yp.path.path);
    let out = dir.path().join("packets");
    let manifest = |p: &packet::Packet| -> packet::Manifest {
        serde_json::from_slice(&std::fs::read(p.dir.join("manifest.json")).unwrap()).unwrap()
    };
    let listings_of = |m: &packet::Manifest| -> BTreeSet<String> {
        m.captures.iter().map(|c| c.listing.clone()).collect()
    };
    let alone = packet::build(&config, &store, &gf.id, None, &out).unwrap();
    let alone = manifest(&alone);
    assert!(alone.covers_cases.is_empty());
    let opts = packet::BuildOptions {
        network: true,
        ..packet::BuildOptions::default()
    };
    let p = packet::build_with(&config, &store, &gf.id, &out, opts).unwrap();
    let m = manifest(&p);
    assert_eq!(m.covers_cases, vec![yp.id.clone()]);
    let own = listings_of(&alone);
    let all = listings_of(&m);
    let theirs: BTreeSet<String> = yp
        .open_findings
        .iter()
        .map(|k| k.rsplit_once('/').unwrap().0.to_string())
        .collect();
    assert_eq!(all, own.union(&theirs).cloned().collect(), "{all:?}");
    let csv = std::fs::read_to_string(p.dir.join("listings.csv")).unwrap();
    assert!(
        csv.contains("优品数码专营店") && csv.contains("高仿耳机批发"),
        "{csv}"
    );
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(
        cover.contains(&format!("case {}", yp.id)),
        "the cover says whom it covers"
    );
    packet::verify(&p.zip, Some(&store)).unwrap();
}

/// A marketplace whose profile pages cannot be read (here: every one answers 404)
/// still had its listings read: the night says the profiles failed (a failure of
/// the night, `seller_profile_http_404`), the marketplace is still looked at in
/// full (its coverage and resolutions do not suffer), and each affected verdict
/// notes the check it could not make. Nothing untrue is claimed: precision stays 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_profile_pages_fail_the_profiles_not_the_marketplace() {
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    let bidbay = config
        .marketplaces
        .iter_mut()
        .find(|m| m.name == "bidbay")
        .unwrap();
    bidbay.seller_page.as_mut().unwrap().url = "/no-such-page/{id}".into();
    let (_dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    let failed = summary.failures.get("seller_profile_http_404").copied();
    assert!(failed.is_some_and(|n| n >= 2), "{:?}", summary.failures);
    assert_eq!(summary.seller_profiles_failed, failed.unwrap());
    assert_eq!(summary.marketplaces["bidbay"].failures, 0);
    assert!(summary.not_looked.is_empty() && summary.degraded.is_empty());
    let d = brandguard::scan::demo_report(&store, &summary, &server.ground_truth())
        .unwrap()
        .detection;
    assert_eq!(d.precision, 1.0, "{:?}", d.false_positives);
    let noted = store
        .observations(summary.scan_id)
        .map(Result::unwrap)
        .filter(|o| o.listing.marketplace == "bidbay")
        .any(|o| {
            o.notes
                .iter()
                .any(|n| n.contains("profile page could not be read"))
        });
    assert!(noted, "the verdicts say the check was not made");
}
