//! Complaint packets of every format for demo cases: the fields each form asks for,
//! filled from the right source; `packet verify` on folders and zips, failing after
//! one changed byte of any file; revisions after a rejection; hostile seller names.

mod common;

use std::path::{Path, PathBuf};

use brandguard::case::{self, Case};
use brandguard::config::{ComplaintFormat, Config};
use brandguard::demo::DemoOptions;
use brandguard::evidence::{FindingStatus, Store};
use brandguard::report::packet::{self, Manifest};

/// The demo with one capture confirming a finding (`[confirm] captures = 1`):
/// these tests are about what the forms hold after one scan; confirmation has
/// its own tests in tests/confirm.rs.
async fn forms_demo() -> (brandguard::demo::DemoServer, Config) {
    let (server, mut config) = common::demo(&DemoOptions::default()).await;
    config.brand.confirm.captures = 1;
    (server, config)
}

fn case_of(store: &Store, market: &str, seller_id: &str) -> Case {
    case::all(store)
        .unwrap()
        .into_iter()
        .find(|c| c.marketplace == market && c.seller_id.as_deref() == Some(seller_id))
        .unwrap_or_else(|| panic!("no case for {market}/{seller_id}"))
}

fn manifest(dir: &Path) -> Manifest {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

fn value<'a>(m: &'a Manifest, id: &str) -> (&'a str, &'a str) {
    let f = m.fields.iter().find(|f| f.id == id).unwrap_or_else(|| {
        panic!(
            "field {id} not in {:?}",
            m.fields.iter().map(|f| &f.id).collect::<Vec<_>>()
        )
    });
    (
        f.value
            .as_deref()
            .unwrap_or_else(|| panic!("{id} has no value")),
        f.source.as_str(),
    )
}

/// Marketplace `market` files its complaints in `lang`.
fn set_language(config: &mut Config, market: &str, lang: &str) {
    let m = config
        .marketplaces
        .iter_mut()
        .find(|m| m.name == market)
        .unwrap();
    m.language = Some(lang.into());
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packets_of_every_format_hold_the_forms_fields_and_verify() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let build = |c: &Case, f: Option<ComplaintFormat>| {
        packet::build(&config, &store, &c.id, f, &out).unwrap()
    };

    // Amazon: the counterfeiter on shopusa (marketplace complaint, high priority).
    let lxr = case_of(&store, "shopusa", "lxr");
    let p = build(&lxr, None);
    assert_eq!(p.format, "amazon");
    assert!(p.missing.is_empty(), "{:?}", p.missing);
    let m = manifest(&p.dir);
    assert_eq!(
        value(&m, "trademark_registration"),
        ("1234567", "brand.toml [[trademark]] number")
    );
    assert_eq!(value(&m, "rights_owner").0, "Acme Audio Inc.");
    assert_eq!(value(&m, "brand_registry_account").0, "ACME-BR-0001");
    // Counterfeit or plain trademark claim: see
    // a_price_alone_never_makes_a_sworn_counterfeit_claim.
    assert!(value(&m, "issue_type").0.starts_with("Trademark"));
    assert!(
        value(&m, "accuracy_statement")
            .0
            .contains("penalty of perjury")
    );
    let ids = value(&m, "listing_ids").0;
    let expected: Vec<String> = lxr
        .open_findings
        .iter()
        .map(|k| k.split('/').nth(1).unwrap().to_string())
        .collect();
    for id in &expected {
        assert!(ids.contains(id.as_str()), "{id} not in {ids}");
    }
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(cover.contains("Report a Violation") && cover.contains("high priority"));
    // The scan is stamped with demo night 0's date: the cover says so.
    assert!(cover.contains("scans were stamped with"));

    // eBay VeRO, with the API request body.
    let a1 = case_of(&store, "bidbay", "a1-deals-hk");
    let p = build(&a1, None);
    assert_eq!(p.format, "ebay_vero");
    let m = manifest(&p.dir);
    assert_eq!(
        value(&m, "vero_participant_id"),
        ("5550123", "brand.toml [enforcement] program_ids.ebay_vero")
    );
    assert_eq!(value(&m, "phone").0, "+1 555 0100");
    // Some of a1's listings are counterfeit by their words, some only by price:
    // the case's code is the trademark one, each item's follows its own grounds
    // (a_price_alone_never_makes_a_sworn_counterfeit_claim).
    assert_eq!(value(&m, "vero_reason_code").0, "DEMO-TRADEMARK");
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("api/vero_report.json")).unwrap())
            .unwrap();
    let items = api["reportItems"].as_array().unwrap();
    assert!(!items.is_empty());
    for it in items {
        assert!(it["itemId"].as_str().unwrap().starts_with("3951"), "{it}");
        let code = it["veroReasonCodeId"].as_str().unwrap();
        assert!(
            ["DEMO-COUNTERFEIT", "DEMO-TRADEMARK"].contains(&code),
            "{it}"
        );
        assert!(it["messageToSeller"].as_str().unwrap().len() <= 1000);
    }
    // An item claimed counterfeit says what shows it; one suspected by price alone
    // is claimed and described as trademark infringement only.
    let said = |code: &str| -> Vec<String> {
        items
            .iter()
            .filter(|it| it["veroReasonCodeId"] == code)
            .map(|it| it["detailedMessage"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        said("DEMO-COUNTERFEIT").iter().all(
            |d| d.contains("counterfeit of") && d.contains("the listing's title says \u{201c}")
        ),
        "{items:?}"
    );
    assert!(
        said("DEMO-TRADEMARK")
            .iter()
            .all(|d| !d.contains("counterfeit") && !d.contains("title says")),
        "{items:?}"
    );

    // Alibaba, in Chinese, with the CNIPA registration.
    let gf = case_of(&store, "tmart", "gf666");
    let p = build(&gf, None);
    assert_eq!(p.format, "alibaba");
    let m = manifest(&p.dir);
    assert_eq!(value(&m, "商标注册号").0, "30123456");
    assert_eq!(value(&m, "注册机关").0, "CNIPA");
    // 假冒 (counterfeit) only when every listing has grounds beyond price.
    assert!(value(&m, "投诉类型").0.contains("商标"));
    assert!(value(&m, "good_faith_statement").0.contains("善意"));
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(cover.contains("lang=\"zh-CN\"") && cover.contains("被投诉链接"));

    // Generic notice for any other site: the same case as a generic form.
    let yp = case_of(&store, "tmart", "yp2020");
    let p = build(&yp, Some(ComplaintFormat::Generic));
    assert_eq!(p.format, "generic");
    assert!(
        value(&manifest(&p.dir), "trademarks")
            .0
            .contains("USPTO reg. no. 1234567")
    );

    // Letters follow the path: cease-and-desist to an unauthorised seller of genuine
    // goods, a distributor notice to a distributor.
    let p = build(&case_of(&store, "shopusa", "bd4u"), None);
    assert_eq!(p.format, "cease_and_desist");
    assert!(
        std::fs::read_to_string(p.dir.join("cover.html"))
            .unwrap()
            .contains("cease and desist")
    );
    let p = build(&case_of(&store, "shopusa", "nwaudio"), None);
    assert_eq!(p.format, "distributor_notice");
    let m = manifest(&p.dir);
    assert!(
        !m.fields.iter().any(|f| f.id == "good_faith_statement"),
        "no sworn statement in a distributor notice"
    );

    // Evidence: the exact captured bytes, pinned to the log.
    let m = manifest(&p.dir);
    for c in &m.captures {
        let bytes = std::fs::read(p.dir.join(&c.file)).unwrap();
        assert_eq!(Some(bytes), store.snapshot(&c.snapshot_sha256).unwrap());
        assert_eq!(
            store.log_record(c.capture_log_seq).unwrap().unwrap().hash,
            c.capture_record_hash
        );
    }

    // verify passes on the folder and the zip, and fails after one changed byte of
    // any file (a copy per file).
    packet::verify(&p.dir, Some(&store)).unwrap();
    packet::verify(&p.zip, Some(&store)).unwrap();
    packet::verify(&p.zip, None).unwrap();
    let all = files(&p.dir);
    assert!(all.len() >= 6);
    for (i, f) in all.iter().enumerate() {
        let copy = dir.path().join(format!("tampered-{i}"));
        common::copy_dir(&p.dir, &copy);
        let target = copy.join(f.strip_prefix(&p.dir).unwrap());
        let mut bytes = std::fs::read(&target).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x01;
        std::fs::write(&target, bytes).unwrap();
        let err = packet::verify(&copy, Some(&store)).unwrap_err().to_string();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            err.contains(&name) || (name == "manifest.json" && err.contains("manifest")),
            "{name}: {err}"
        );
    }
    // A packet is never overwritten: the next one is a new revision.
    let again = build(&case_of(&store, "shopusa", "nwaudio"), None);
    assert_eq!(again.revision, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_filing_gets_a_new_revision_with_the_reason() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let c = case_of(&store, "shopusa", "lxr");
    let r1 = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let r1_sha = r1.manifest_sha256.clone();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    case::file(&store, &c.id, "AMZ-123", day, "jane").unwrap();
    case::reject(
        &store,
        &c.id,
        "The test buy order number is missing",
        "jane",
    )
    .unwrap();
    // A later scan adds evidence.
    common::night(&config, &store, 0).await;
    let r2 = packet::build(&config, &store, &c.id, None, &out).unwrap();
    assert_eq!(r2.revision, 2);
    let cover = std::fs::read_to_string(r2.dir.join("cover.html")).unwrap();
    assert!(
        cover.contains("The test buy order number is missing"),
        "rejection reason carried"
    );
    assert!(
        cover.contains("class=\"new\""),
        "evidence added since revision 1 is marked"
    );
    // Revision 1 is as it was.
    let check = packet::verify(&r1.dir, Some(&store)).unwrap();
    assert_eq!(check.manifest_sha256, r1_sha);
    let c = case::refile(&store, &c.id, "AMZ-124", day, "jane").unwrap();
    assert_eq!(c.filings.last().unwrap().revision, 2);
}

/// A build killed between its renames leaves a folder (and maybe a zip) the case
/// never recorded; building again sets them aside and writes the revision whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_interrupted_between_its_renames_is_completed_by_the_next() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let c = case_of(&store, "shopusa", "lxr");
    let r1 = packet::build(&config, &store, &c.id, None, &out).unwrap();
    // What an interrupted build of revision 2 leaves: the folder renamed into
    // place, half its files, no zip, no record in the case.
    let r2_name = r1
        .dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .replace("-r1", "-r2");
    let left = out.join(&r2_name);
    std::fs::create_dir_all(&left).unwrap();
    std::fs::write(left.join("cover.html"), b"<html>cut").unwrap();
    let r2 = packet::build(&config, &store, &c.id, None, &out).unwrap();
    assert_eq!(r2.revision, 2);
    assert_eq!(r2.dir, left);
    assert_eq!(r2.set_aside.len(), 1, "{:?}", r2.set_aside);
    assert_eq!(
        std::fs::read(r2.set_aside[0].join("cover.html")).unwrap(),
        b"<html>cut",
        "what the crash left is kept aside, not deleted"
    );
    packet::verify(&r2.dir, Some(&store)).unwrap();
    packet::verify(&r2.zip, Some(&store)).unwrap();
    // Revision 1, recorded, is never touched.
    packet::verify(&r1.dir, Some(&store)).unwrap();
    assert_eq!(case::get(&store, &c.id).unwrap().packets.len(), 2);
}

/// A finding's words changed behind the store's back (straight through sled) never
/// reach a packet: the build refuses with verify's message, naming the finding.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_altered_outside_the_chain_is_refused_by_the_packet() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let c = case_of(&store, "shopusa", "lxr");
    let path = store.path().to_path_buf();
    drop(store);
    let altered = {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        let findings = db.open_tree("findings").unwrap();
        let key = c.open_findings.iter().next().unwrap().replace('/', "\0");
        let bytes = findings.get(&key).unwrap().unwrap();
        let mut r: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        r["finding"]["detail"] = "advertised 10.00 USD is below the floor".into();
        findings
            .insert(&key, serde_json::to_vec(&r).unwrap())
            .unwrap();
        db.flush().unwrap();
        key.replace('\0', "/")
    };
    let store = Store::open(&path).unwrap();
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let err = packet::build(&config, &store, &c.id, None, &out)
        .expect_err("an altered finding must not reach a packet")
        .to_string();
    assert!(
        err.contains(&altered) && err.contains("hashes to") && err.contains("evidence verify"),
        "{err}"
    );
    assert!(
        std::fs::read_dir(&out).unwrap().next().is_none(),
        "nothing written"
    );
    let verified = store.verify().expect_err("verify finds it too").to_string();
    assert!(verified.contains(&altered), "{verified}");

    // A case's bytes changed the same way (the seller it names): every case
    // command refuses it with verify's message.
    drop(store);
    {
        let db = brandguard::evidence::open_sled(&path).unwrap();
        let cases = db.open_tree("cases").unwrap();
        let bytes = cases.get(c.id.as_bytes()).unwrap().unwrap();
        let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        v["seller_name"] = "Northwind Audio".into();
        cases
            .insert(c.id.as_bytes(), serde_json::to_vec(&v).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let store = Store::open(&path).unwrap();
    for err in [
        case::get(&store, &c.id).unwrap_err().to_string(),
        case::all(&store).unwrap_err().to_string(),
    ] {
        assert!(
            err.contains(&format!("cases/{}", c.id)) && err.contains("evidence verify"),
            "{err}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_form_fields_are_listed_not_left_blank() {
    let (_server, mut config) = forms_demo().await;
    if let Some(o) = config.brand.owner.as_mut() {
        o.phone = None;
    }
    config.brand.enforcement.program_ids.remove("ebay_vero");
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("p");
    std::fs::create_dir_all(&out).unwrap();
    let c = case_of(&store, "bidbay", "a1-deals-hk");
    // Not fit to file: refused, naming what is missing, nothing written.
    match packet::build(&config, &store, &c.id, None, &out) {
        Err(packet::PacketError::NotFit { reasons, .. }) => {
            assert!(
                reasons.iter().any(|r| r.contains("VeRO participant ID")),
                "{reasons:?}"
            );
        }
        other => panic!("an incomplete packet was built: {other:?}"),
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    assert!(case::get(&store, &c.id).unwrap().packets.is_empty());
    // A draft shows it, marked.
    let p = packet::build_draft(&config, &store, &c.id, None, &out).unwrap();
    assert!(p.draft);
    assert!(
        p.missing
            .iter()
            .any(|m| m.contains("VeRO participant ID") && m.contains("program_ids.ebay_vero")),
        "{:?}",
        p.missing
    );
    assert!(
        p.missing.iter().any(|m| m.contains("phone")),
        "{:?}",
        p.missing
    );
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(cover.contains("Missing before filing") && cover.contains("DRAFT"));

    // A trademark without its number is missing, never "reg. no. , class 9".
    let mut blank = config.clone();
    blank.brand.trademarks[0].number = " ".into();
    let c = case_of(&store, "shopusa", "lxr");
    match packet::build(&blank, &store, &c.id, None, &out) {
        Err(packet::PacketError::NotFit { reasons, .. }) => {
            assert!(
                reasons.iter().any(|r| r.contains("trademark")),
                "{reasons:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A listing suspected of being counterfeit only because of its price is never
/// claimed as a counterfeit: eBay's reason code for it is the trademark one, a
/// form with one claim per case claims trademark infringement unless every listing
/// has grounds beyond price, and the cover names the price-only listings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_alone_never_makes_a_sworn_counterfeit_claim() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("p");
    std::fs::create_dir_all(&out).unwrap();
    let grounds = |f: &brandguard::evidence::FindingRecord| {
        !brandguard::judge::counterfeit_grounds(&f.finding.detail).is_empty()
    };
    let counterfeit_findings = |market: &str| -> Vec<brandguard::evidence::FindingRecord> {
        store
            .findings()
            .map(|f| f.unwrap())
            .filter(|f| {
                f.finding.marketplace == market
                    && f.finding.kind == brandguard::judge::FindingKind::SuspectedCounterfeit
            })
            .collect()
    };

    // bidbay's counterfeiter: some listings say "replica", some are only cheap.
    let c = case_of(&store, "bidbay", "a1-deals-hk");
    let mine: Vec<_> = counterfeit_findings("bidbay")
        .into_iter()
        .filter(|f| f.finding.seller_id.as_deref() == Some("a1-deals-hk"))
        .collect();
    let (with, without): (Vec<_>, Vec<_>) = mine.iter().partition(|f| grounds(f));
    assert!(!with.is_empty() && !without.is_empty(), "the demo has both");
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("api/vero_report.json")).unwrap())
            .unwrap();
    let codes = &config.brand.enforcement.reason_codes;
    for item in api["reportItems"].as_array().unwrap() {
        let id = item["itemId"].as_str().unwrap();
        let want = if with.iter().any(|f| f.finding.listing_id == id) {
            codes.get("ebay_vero.counterfeit")
        } else {
            codes.get("ebay_vero.trademark")
        };
        assert_eq!(
            item["veroReasonCodeId"].as_str(),
            want.map(String::as_str),
            "{id}"
        );
    }
    // The NOCI's reason, item by item, and its signature date.
    let m = manifest(&p.dir);
    let (reasons, _) = value(&m, "reason");
    for f in &with {
        let id = &f.finding.listing_id;
        assert!(
            reasons.contains(&format!("{id}: counterfeit")),
            "{id}: {reasons}"
        );
        // What shows it follows the item's reason, as in the API's detail.
        let after = &reasons[reasons.find(&format!("{id}: counterfeit")).unwrap()..];
        let said = after
            .split_once("; the listing's title says ")
            .map(|(before, words)| (before, words.split("; ").next().unwrap_or("")));
        let (before, words) = said.unwrap_or_else(|| panic!("{id}: no title words: {reasons}"));
        assert!(
            !before.contains("; "),
            "{id}: the words belong to the next item: {reasons}"
        );
        assert!(words.starts_with('\u{201c}'), "{id}: {words}");
    }
    for f in &without {
        let id = &f.finding.listing_id;
        assert!(
            reasons.contains(&format!("{id}: trademark infringement")),
            "{id}: {reasons}"
        );
    }
    assert_eq!(value(&m, "signature_date").0.len(), 10);
    let form: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("form.json")).unwrap()).unwrap();
    let not_claimed = form["counterfeit_not_claimed_price_only"]
        .as_array()
        .unwrap();
    assert_eq!(not_claimed.len(), without.len(), "{form:#}");
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(cover.contains("Not claimed: counterfeit"));

    // shopusa's counterfeiter on Amazon's one-claim form: mixed grounds, so the
    // claim is trademark infringement, not "counterfeit product".
    let c = case_of(&store, "shopusa", "lxr");
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let m = manifest(&p.dir);
    let lxr: Vec<_> = counterfeit_findings("shopusa")
        .into_iter()
        .filter(|f| f.finding.seller_id.as_deref() == Some("lxr"))
        .collect();
    let (issue, _) = value(&m, "issue_type");
    // Amazon asks a counterfeit report for a test buy: none recorded yet, so the
    // claim is trademark infringement whatever the pages say, and the cover says
    // what a counterfeit claim would need when they do say more.
    assert_eq!(issue, "Trademark — trademark infringement");
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    if lxr.iter().all(grounds) {
        assert!(cover.contains("Not claimed: counterfeit (no test buy)"));
    }
    let (appears, _) = value(&m, "appears_in");
    assert!(appears.starts_with("the listing content"), "{appears}");

    // A test buy of every listing, each found counterfeit, a photo with the first:
    // the claim is "counterfeit product", citing each order id; the photo is in the
    // packet with its hash in the manifest.
    let listings: std::collections::BTreeSet<String> =
        lxr.iter().map(|f| f.finding.listing_id.clone()).collect();
    for (i, id) in listings.iter().enumerate() {
        brandguard::case::test_buy(
            &store,
            &c.id,
            brandguard::case::TestBuy {
                listing: id.clone(),
                order_id: format!("112-000000{i}-555"),
                order_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
                counterfeit: true,
                notes: "logo misprinted, no serial number".into(),
                appears_in: vec!["product".into(), "packaging".into()],
                file: (i == 0)
                    .then(|| ("photo.jpg".to_string(), b"JPEG bytes of the item".to_vec())),
            },
            "legal@acme",
        )
        .unwrap();
    }
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let m = manifest(&p.dir);
    assert_eq!(value(&m, "issue_type").0, "Trademark — counterfeit product");
    let (orders, _) = value(&m, "test_buy_order");
    for (i, id) in listings.iter().enumerate() {
        assert!(
            orders.contains(&format!("{id}: order 112-000000{i}-555 of 2026-11-20")),
            "{orders}"
        );
    }
    let (appears, _) = value(&m, "appears_in");
    assert!(
        appears.contains("the product") && appears.contains("the packaging"),
        "{appears}"
    );
    let photo = m
        .files
        .iter()
        .find(|f| f.path.ends_with("grounds-1-photo.jpg"))
        .expect("the photo is in the packet");
    assert_eq!(
        std::fs::read(p.dir.join(&photo.path)).unwrap(),
        b"JPEG bytes of the item"
    );
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(cover.contains("Test buys and reviews") && cover.contains("112-0000000-555"));
    assert!(!cover.contains("Not claimed: counterfeit"));
    store.verify().expect("the test buys and the photo verify");

    // One more test buy that came back genuine: no counterfeit claim on the case.
    let first = listings.iter().next().unwrap().clone();
    brandguard::case::test_buy(
        &store,
        &c.id,
        brandguard::case::TestBuy {
            listing: first,
            order_id: "112-9999999-000".into(),
            order_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            counterfeit: false,
            notes: "genuine, serial checks out".into(),
            appears_in: Vec::new(),
            file: None,
        },
        "legal@acme",
    )
    .unwrap();
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    assert_eq!(
        value(&manifest(&p.dir), "issue_type").0,
        "Trademark — trademark infringement"
    );

    // bidbay: a reviewer confirms one price-only listing; its VeRO reason becomes
    // counterfeit, the others stay as they were.
    let c = case_of(&store, "bidbay", "a1-deals-hk");
    let reviewed = without[0].finding.listing_id.clone();
    brandguard::case::confirm_counterfeit(
        &store,
        &c.id,
        &reviewed,
        "hologram sticker missing; box printed in the wrong blue",
        &["packaging".to_string()],
        "reviewer@acme",
    )
    .unwrap();
    assert!(
        brandguard::case::confirm_counterfeit(&store, &c.id, "not-a-listing", "x", &[], "r")
            .is_err(),
        "only the case's own listings"
    );
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("api/vero_report.json")).unwrap())
            .unwrap();
    let item = api["reportItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["itemId"] == reviewed.as_str())
        .unwrap();
    assert_eq!(
        item["veroReasonCodeId"].as_str(),
        codes.get("ebay_vero.counterfeit").map(String::as_str)
    );
}

/// A shopusa item page whose seller is `name` (JSON-LD, as the demo writes them).
use common::record;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_reached_twice_in_a_scan_counts_its_findings_once() {
    let (_server, config) = forms_demo().await;
    let (_dir, store) = common::fresh_store();
    let night = |n| Some(brandguard::demo::night_date(n));
    let first = store.begin_scan("twice", night(0)).unwrap();
    let new = record(&store, &config, first, "T1", "Grey Seller");
    assert!(new.iter().all(|s| *s == FindingStatus::New), "{new:?}");
    let again = record(&store, &config, first, "T1", "Grey Seller");
    assert!(
        again.iter().all(|s| *s == FindingStatus::Again),
        "{again:?}"
    );
    let second = store.begin_scan("twice", night(1)).unwrap();
    let ongoing = record(&store, &config, second, "T1", "Grey Seller");
    assert!(
        ongoing.iter().all(|s| *s == FindingStatus::Ongoing),
        "{ongoing:?}"
    );
    let r = store.findings().next().unwrap().unwrap();
    assert_eq!(r.times_seen, 2, "seen in two scans");
}

/// A listing that changes hands stays open in the old seller's case (a scan cannot tell
/// the old offer ended) and joins the new seller's; once the listing is gone, it leaves
/// both. The scan's findings pass meets the finding under its new seller only, so the
/// old seller's case is the one whose findings are read back by key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_that_changes_hands_leaves_both_cases_once_gone() {
    let (_server, config) = forms_demo().await;
    let (_dir, store) = common::fresh_store();
    let night = brandguard::demo::night_date;
    let none = case::Gone::new();
    let s1 = store.begin_scan("hands", Some(night(0))).unwrap();
    record(&store, &config, s1, "H1", "First Seller");
    record(&store, &config, s1, "H2", "First Seller");
    case::after_scan(&config, &store, s1, night(0), &none).unwrap();
    let s2 = store.begin_scan("hands", Some(night(1))).unwrap();
    record(&store, &config, s2, "H1", "Second Seller");
    record(&store, &config, s2, "H2", "First Seller");
    case::after_scan(&config, &store, s2, night(1), &none).unwrap();
    let holds = |c: &Case, id: &str| c.open_findings.iter().any(|k| k.contains(id));
    let (first, second) = (
        case_of(&store, "shopusa", "First Seller"),
        case_of(&store, "shopusa", "Second Seller"),
    );
    assert!(holds(&first, "H1") && holds(&first, "H2"), "{first:?}");
    assert!(holds(&second, "H1") && !holds(&second, "H2"), "{second:?}");

    // Night 3: H1 answers 404, H2 is still offered.
    let url = store
        .findings()
        .map(Result::unwrap)
        .find(|f| f.finding.listing_id == "H1")
        .unwrap()
        .finding
        .url;
    let s3 = store.begin_scan("hands", Some(night(2))).unwrap();
    record(&store, &config, s3, "H2", "First Seller");
    let gone = case::Gone::from([(url, (404, 1))]);
    let summary = case::after_scan(&config, &store, s3, night(2), &gone).unwrap();
    let (first, second) = (
        case_of(&store, "shopusa", "First Seller"),
        case_of(&store, "shopusa", "Second Seller"),
    );
    assert!(!holds(&first, "H1") && holds(&first, "H2"), "{first:?}");
    assert_eq!(first.state, case::CaseState::Open);
    assert!(
        first.events.iter().any(|e| e.action == "finding_resolved"
            && e.reference.as_deref().is_some_and(|r| r.contains("H1"))
            && e.reason.as_deref().is_some_and(|r| r.contains("404"))),
        "{:?}",
        first.events
    );
    assert!(second.open_findings.is_empty(), "{second:?}");
    assert_eq!(second.state, case::CaseState::Resolved);
    assert_eq!(summary.resolved, 1, "{summary:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_seller_names_are_escaped_sanitised_neutralised_and_cut() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    let scan = store
        .begin_scan("hostile", Some(brandguard::demo::night_date(0)))
        .unwrap();
    let huge = "A".repeat(5 * 1024 * 1024);
    let names = [
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "=HYPERLINK(\"http://x\",\"y\")",
        "CON",
        huge.as_str(),
        "Good_Seller_\u{202e}fdp.exe",
        "Shop\u{1b}]8;;http://evil.example\u{7}click\u{1b}]8;;\u{7}\u{1b}[2J",
        "Nul\u{0}Byte\u{1b}[31m",
    ];
    for (i, n) in names.iter().enumerate() {
        record(&store, &config, scan, &format!("H{i}"), n);
    }
    case::after_scan(
        &config,
        &store,
        scan,
        brandguard::demo::night_date(0),
        &Default::default(),
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for c in case::all(&store).unwrap() {
        let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
        // The folder stays inside `out`, with a bounded, harmless name.
        assert_eq!(p.dir.parent().unwrap(), out, "{}", p.dir.display());
        let name = p.dir.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name.len() <= 100 && !name.contains("..") && !name.contains('/'),
            "{name}"
        );
        let zip_name = p.zip.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            !zip_name
                .chars()
                .any(|c| c.is_control() || brandguard::sanitize::is_bidi_control(c)),
            "{zip_name:?}"
        );
        let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
        assert!(!cover.contains("<script>alert"), "script escaped");
        assert!(
            !cover.contains(['\u{1b}', '\u{0}', '\u{202e}', '\u{7}']),
            "raw control or bidi characters in cover.html"
        );
        assert!(
            cover.len() < 200_000,
            "5 MB name cut: cover is {} bytes",
            cover.len()
        );
        let csv = std::fs::read_to_string(p.dir.join("listings.csv")).unwrap();
        assert!(!csv.contains(['\u{1b}', '\u{0}', '\u{202e}']), "{csv:.200}");
        for line in csv.lines().skip(1) {
            for cell in line.split(',') {
                assert!(
                    !cell.trim_matches('"').starts_with('='),
                    "formula in {line:.80}"
                );
            }
        }
        packet::verify(&p.zip, Some(&store)).unwrap();
    }
    let all: String = files(&out)
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        all.contains("&lt;script&gt;") || !all.contains("<script>"),
        "file names carry no markup"
    );
    let covers: Vec<String> = files(&out)
        .into_iter()
        .filter(|p| p.ends_with("cover.html"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        covers
            .iter()
            .any(|c| c.contains("&lt;script&gt;alert(1)&lt;"))
    );
    assert!(covers.iter().any(|c| c.contains("[truncated from")));
    // The stored listing says how long the name was.
    let o = store.latest("shopusa", "H4").unwrap().unwrap();
    assert!(
        o.listing
            .seller
            .name
            .unwrap()
            .ends_with("[truncated from 5242880 characters]")
    );
    // findings.csv and the terminal commands carry no escape, NUL or bidi characters.
    let findings = dir.path().join("findings.csv");
    brandguard::report::write_findings_csv(&store, &findings).unwrap();
    let csv = std::fs::read_to_string(&findings).unwrap();
    assert!(csv.contains("Good_Seller_fdp.exe"), "{csv:.300}");
    assert!(!csv.contains(['\u{1b}', '\u{0}', '\u{202e}', '\u{7}']));
    let store_dir = store.path().to_path_buf();
    drop(store);
    for args in [
        vec!["evidence", "show", "shopusa/H6"],
        vec!["evidence", "show", "shopusa/H5"],
        vec!["findings"],
        vec!["case", "list"],
    ] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
            .args(&args)
            .arg("--store")
            .arg(&store_dir)
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            !out.contains(['\u{1b}', '\u{0}', '\u{202e}', '\u{7}']),
            "{args:?} printed raw control characters: {out:?}"
        );
        assert!(out.contains("\\u{"), "{args:?} shows the escapes: {out}");
    }
}

/// `(name, bytes)` of every entry of zip `path`.
fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
}

/// `brandguard packet verify ZIP --no-store`: `(exit code, stderr)`.
fn verify_cli(zip: &Path) -> (Option<i32>, String) {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .args(["packet", "verify"])
        .arg(zip)
        .arg("--no-store")
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn packet_verify_refuses_doubled_escaping_and_bombing_zips() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let c = case_of(&store, "shopusa", "lxr");
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    drop(store);
    let (code, text) = verify_cli(&p.zip);
    assert_eq!(code, Some(0), "{text}");
    let entries = zip_entries(&p.zip);
    let prefix = entries[0].0.split('/').next().unwrap().to_string() + "/";
    let strip = |n: &str| n.strip_prefix(&prefix).unwrap_or(n).to_string();
    assert!(
        entries.iter().any(|(n, _)| strip(n) == "cover.html"),
        "{:?}",
        entries.iter().map(|e| &e.0).collect::<Vec<_>>()
    );

    // A second, tampered cover.html after the real one.
    // The zip writer refuses duplicate names, so the second is written as
    // `cover.htmX` and renamed in the archive's bytes (local header and directory).
    let mut doubled = entries.clone();
    let (name, _) = entries
        .iter()
        .find(|(n, _)| strip(n) == "cover.html")
        .unwrap()
        .clone();
    let placeholder = name.replace("cover.html", "cover.htmX");
    doubled.push((placeholder.clone(), b"<h1>Tampered</h1>".to_vec()));
    let z = dir.path().join("doubled.zip");
    write_zip(&z, &doubled);
    let mut bytes = std::fs::read(&z).unwrap();
    let (from, to) = (placeholder.as_bytes(), name.as_bytes());
    let mut renamed = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            renamed += 1;
        }
        i += 1;
    }
    assert_eq!(renamed, 2, "local header and central directory");
    std::fs::write(&z, bytes).unwrap();
    let (code, text) = verify_cli(&z);
    assert_ne!(code, Some(0), "{text}");
    assert!(
        text.contains("twice") || text.contains("Duplicate"),
        "{text}"
    );

    // A manifest listing a path that escapes the packet, with an entry to match.
    let mut escaping = entries.clone();
    let evil = "../../../../tmp/brandguard-evil.txt".to_string();
    let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"x"));
    for (n, b) in escaping.iter_mut() {
        if strip(n) == "manifest.json" {
            let mut m: serde_json::Value = serde_json::from_slice(b).unwrap();
            m["files"]
                .as_array_mut()
                .unwrap()
                .push(serde_json::json!({"path": evil, "sha256": sha, "bytes": 1}));
            *b = serde_json::to_vec(&m).unwrap();
        }
    }
    escaping.push((format!("{prefix}{evil}"), b"x".to_vec()));
    let z = dir.path().join("escaping.zip");
    write_zip(&z, &escaping);
    let (code, text) = verify_cli(&z);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("not a path inside a packet"), "{text}");

    // A bomb: 100 MiB of zeros (100 KB deflated) declared honestly.
    let mut bomb = entries.clone();
    bomb.push((
        format!("{prefix}evidence/bomb.bin"),
        vec![0u8; 100 * 1024 * 1024],
    ));
    let z = dir.path().join("bomb.zip");
    write_zip(&z, &bomb);
    assert!(std::fs::metadata(&z).unwrap().len() < 5 * 1024 * 1024);
    let (code, text) = verify_cli(&z);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("MiB") || text.contains("declares"), "{text}");
}

/// Letters to outside parties (cease-and-desist, distributor notice) carry no
/// internal "from: brand.toml" column, and a compliance report for one
/// distributor holds no other party's names or counterfeit signals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn letters_and_a_distributors_report_hold_nothing_internal() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("p");
    std::fs::create_dir_all(&out).unwrap();
    for (market, seller, form) in [
        ("bidbay", "cheap_electronics_99", "cease_and_desist"),
        ("bidbay", "pacific-sound", "distributor_notice"),
    ] {
        let c = case_of(&store, market, seller);
        let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
        assert_eq!(p.format, form);
        let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
        let letter = cover.split("Evidence</h2>").next().unwrap();
        assert!(
            !letter.contains("<th>from</th>") && !letter.contains("brand.toml"),
            "{form}"
        );
        assert!(
            !letter.contains("not yet confirmed"),
            "{form}: internal notes"
        );
        assert!(!cover.contains("Inc.."), "{form}: doubled full stop");
        assert!(
            !cover.contains("word-break: break-word"),
            "cells may not split words"
        );
    }
    // An internal form keeps where each value comes from.
    let c = case_of(&store, "shopusa", "lxr");
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(cover.contains("<th>from</th>") && cover.contains("brand.toml"));

    let period = "2026-11".parse().unwrap();
    let r =
        brandguard::report::compliance::build(&config, &store, period, Some("pacific")).unwrap();
    assert!(r.outsiders.is_empty());
    assert!(
        r.violations
            .iter()
            .all(|v| v.distributor.as_deref() == Some("pacific"))
    );
    let rep = dir.path().join("report");
    brandguard::report::compliance::write(&config, &r, period, &rep).unwrap();
    let html = std::fs::read_to_string(rep.join("report.html")).unwrap();
    assert!(!html.contains("Unauthorised sellers"));
    for other in ["LuxReplica", "cheap_electronics_99", "BestDeals4U"] {
        assert!(!html.contains(other), "{other} in pacific's report");
    }
    // The brand's own report keeps them.
    let all = brandguard::report::compliance::build(&config, &store, period, None).unwrap();
    assert!(!all.outsiders.is_empty());
}

/// A Chinese form holds Chinese sentences only: the brand's grounds come from its
/// Chinese text (`"tmart@zh"`); given only in English, the reason is a missing
/// field and the packet is refused, never a Chinese form with an English sentence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chinese_form_carries_no_english_sentence() {
    let (_server, mut config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("p");
    std::fs::create_dir_all(&out).unwrap();
    let c = case::all(&store)
        .unwrap()
        .into_iter()
        .find(|c| {
            c.marketplace == "tmart"
                && c.path.path == brandguard::case::EnforcementPath::MarketplaceComplaint
                && c.authorized_seller.is_none()
        })
        .expect("a tmart complaint case");
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let m = manifest(&p.dir);
    let (reason, _) = value(&m, "投诉理由");
    for english in ["material difference", "warranty", "packaging of authorised"] {
        assert!(!reason.contains(english), "{reason}");
    }
    assert!(
        reason.contains("实质性差异"),
        "the brand's grounds, in Chinese: {reason}"
    );
    // Every value in words is Chinese: prices with their dates, the complaint type.
    let (prices, _) = value(&m, "价格");
    assert!(prices.contains("期间观察到"), "{prices}");
    for f in &m.fields {
        let v = f.value.as_deref().unwrap_or("");
        for english in ["seen ", "Trademark", "Counterfeit", "infringement"] {
            assert!(!v.contains(english), "{}: {v}", f.id);
        }
    }
    // The same brand file with its grounds in English only.
    config
        .brand
        .enforcement
        .material_differences
        .remove("tmart@zh");
    let err = packet::build(&config, &store, &c.id, None, &out).unwrap_err();
    assert!(err.to_string().contains("投诉理由"), "{err}");
}

/// A marketplace filing in another language than its form's (`language = "de"` on
/// bidbay's eBay form) gets its sworn statements from `["ebay_vero@de"]`, never the
/// English ones: without that section the packet is not fit to file and names it;
/// with it, the statements are the brand's German sentences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sworn_statements_come_in_the_marketplaces_language() {
    let (_server, mut config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("p");
    std::fs::create_dir_all(&out).unwrap();
    let c = case_of(&store, "bidbay", "a1-deals-hk");
    let english = packet::build_draft(&config, &store, &c.id, None, &out).unwrap();
    let m = manifest(&english.dir);
    let (said, source) = value(&m, "good_faith_statement");
    assert!(said.starts_with("I have a good faith belief"), "{said}");
    assert!(source.contains("[\"ebay_vero\"]"), "{source}");

    set_language(&mut config, "bidbay", "de");
    match packet::build(&config, &store, &c.id, None, &out) {
        Err(packet::PacketError::NotFit { reasons, .. }) => assert!(
            reasons
                .iter()
                .any(|r| r.contains("[\"ebay_vero@de\"] good_faith")),
            "{reasons:?}"
        ),
        other => panic!("built with English statements for a German form: {other:?}"),
    }
    // The brand's own statements file, with the German section, in a copy of the
    // targets folder.
    let targets = dir.path().join("targets");
    common::copy_dir(&config.dir, &targets);
    config.dir = targets;
    let german =
        "Ich bin in gutem Glauben der Ansicht, dass die beanstandete Nutzung nicht genehmigt ist.";
    let defaults = std::fs::read_to_string("templates/packet/statements.toml").unwrap();
    let dir_t = config.dir.join("templates/packet");
    std::fs::create_dir_all(&dir_t).unwrap();
    std::fs::write(
        dir_t.join("statements.toml"),
        format!(
            "{defaults}\n[\"ebay_vero@de\"]\ngood_faith = \"{german}\"\naccuracy = \"Die Angaben sind richtig.\"\n"
        ),
    )
    .unwrap();
    // And a cover of its own in German (the built-in one is English prose).
    std::fs::write(
        dir_t.join("ebay_vero@de.html"),
        "{% extends \"_layout.html\" %}{% block lang %}de{% endblock %}{% block title %}eBay VeRO{% endblock %}{% block body %}<h1>Meldung einer Rechtsverletzung — {{ brand }}</h1>{% include \"_fields.html\" %}{% endblock %}",
    )
    .unwrap();
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    let m = manifest(&p.dir);
    assert_eq!(value(&m, "good_faith_statement").0, german);
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(
        cover.contains("Meldung einer Rechtsverletzung"),
        "the brand's German cover"
    );
    // The values the form carries are German sentences too, each naming the
    // section it came from; no English claim, date phrase or registration words.
    let (observed, source) = value(&m, "observed");
    assert!(observed.contains("gesehen vom"), "{observed}");
    assert!(source.contains("sentences.toml [de] observed"), "{source}");
    let (reason, _) = value(&m, "reason");
    assert!(
        [
            "Markenrechtsverletzung",
            "Fälschung",
            "rechtswidrige Einfuhr"
        ]
        .iter()
        .any(|w| reason.contains(w)),
        "{reason}"
    );
    assert!(value(&m, "trademarks").0.contains("Reg.-Nr."));
    for f in &m.fields {
        let v = f.value.as_deref().unwrap_or("");
        for english in [
            "seen ",
            "infringement",
            "counterfeit of",
            "reg. no.",
            " class ",
        ] {
            assert!(!v.contains(english), "{}: {v}", f.id);
        }
    }
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("api/vero_report.json")).unwrap())
            .unwrap();
    let item = &api["reportItems"][0];
    assert!(
        item["messageToSeller"]
            .as_str()
            .unwrap()
            .contains("verletzt die eingetragene Marke"),
        "{item}"
    );
    assert!(
        item["detailedMessage"]
            .as_str()
            .unwrap()
            .contains("gesehen vom"),
        "{item}"
    );
    assert!(
        api["reportItems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|it| it["detailedMessage"]
                .as_str()
                .unwrap()
                .contains("der Titel des Angebots enthält")),
        "{api}"
    );

    // A language brandguard has no sentences for: every value in words is a
    // missing field naming where to give it, never the English sentence.
    set_language(&mut config, "bidbay", "ja");
    match packet::build(&config, &store, &c.id, None, &out) {
        Err(packet::PacketError::NotFit { reasons, .. }) => {
            for key in ["[ja] observed", "[ja] reason_trademark", "[ja] trademark"] {
                assert!(
                    reasons.iter().any(|r| r.contains(key)),
                    "{key}: {reasons:?}"
                );
            }
        }
        other => panic!("built a Japanese form without Japanese sentences: {other:?}"),
    }
}

/// A distributor selling outside its territory, reported to eBay: each of its items
/// is an unlawful importation (eBay's 9037) naming the country the marketplace sells
/// into; without that country (or the reason code) the packet is not fit to file
/// and says which setting is missing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlawful_importation_names_the_country_it_concerns() {
    let (_server, config) = forms_demo().await;
    let (dir, store) = common::fresh_store();
    common::scan(&config, &store).await;
    let out = dir.path().join("p");
    std::fs::create_dir_all(&out).unwrap();
    // A distributor's case is a notice under its agreement; legal takes it to the
    // marketplace (the notices went unanswered).
    let c = case_of(&store, "bidbay", "pacific-sound");
    let c = case::override_path(
        &store,
        &c.id,
        case::EnforcementPath::MarketplaceComplaint,
        "two notices unanswered",
        "legal",
    )
    .unwrap();
    let p = packet::build(&config, &store, &c.id, None, &out).unwrap();
    assert_eq!(p.format, "ebay_vero");
    let m = manifest(&p.dir);
    assert_eq!(
        value(&m, "countries"),
        (
            "US",
            "marketplaces/bidbay.toml country (ISO 3166-1 alpha-2)"
        )
    );
    assert_eq!(
        value(&m, "vero_reason_code_importation").0,
        "DEMO-IMPORTATION"
    );
    assert!(value(&m, "reason").0.contains("unlawful importation"));
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("api/vero_report.json")).unwrap())
            .unwrap();
    let items = api["reportItems"].as_array().unwrap();
    assert!(!items.is_empty());
    for it in items {
        assert_eq!(it["veroReasonCodeId"], "DEMO-IMPORTATION", "{it}");
        assert_eq!(it["countries"], serde_json::json!(["US"]), "{it}");
    }
    // A counterfeiter's items name no country.
    let a1 = case_of(&store, "bidbay", "a1-deals-hk");
    let p = packet::build(&config, &store, &a1.id, None, &out).unwrap();
    let api: serde_json::Value =
        serde_json::from_slice(&std::fs::read(p.dir.join("api/vero_report.json")).unwrap())
            .unwrap();
    for it in api["reportItems"].as_array().unwrap() {
        assert!(it.get("countries").is_none(), "{it}");
    }
    assert!(!manifest(&p.dir).fields.iter().any(|f| f.id == "countries"));

    // Without the marketplace's country: not fit to file, naming the setting.
    let mut no_country = config.clone();
    for mk in &mut no_country.marketplaces {
        mk.country = None;
    }
    let out2 = dir.path().join("p2");
    std::fs::create_dir_all(&out2).unwrap();
    match packet::build(&no_country, &store, &c.id, None, &out2) {
        Err(packet::PacketError::NotFit { reasons, .. }) => assert!(
            reasons
                .iter()
                .any(|r| r.contains("countries") && r.contains("bidbay.toml country")),
            "{reasons:?}"
        ),
        other => panic!("built without the country: {other:?}"),
    }
}

/// `country` in a marketplace file is an ISO 3166-1 alpha-2 code: `UK` is refused
/// with the code to use, naming the file and line.
#[test]
fn a_marketplace_country_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    brandguard::demo::write_targets(dir.path(), None).unwrap();
    let file = dir.path().join("marketplaces/bidbay.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("country = \"US\"", "country = \"UK\"")).unwrap();
    let err = Config::load(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("bidbay.toml")
            && err.contains("`UK` is not an ISO 3166-1 alpha-2")
            && err.contains("GB"),
        "{err}"
    );
}

/// "Observed prices and dates" is sworn to: each "ID: PRICE (seen FROM to TO)"
/// must hold for every sighting of the listing from FROM to TO. The demo moves
/// prices between nights while findings stay open, so a listing is seen at
/// several prices under one finding; the packet names each price with its own days
/// (it named the latest price with the finding's first and last day), and the
/// listings table and listings.csv show every price.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_observed_price_is_sworn_only_for_the_days_it_was_seen() {
    let (server, mut config) = forms_demo().await;
    // Render nothing: this test is about the prices the forms state.
    config.override_render(brandguard::config::RenderMode::Never);
    let (dir, store) = common::fresh_store();
    for n in 0..6 {
        server.set_night(n);
        common::night(&config, &store, n).await;
    }
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let (mut checked, mut moved) = (0, 0);
    for c in case::all(&store).unwrap() {
        let Ok(p) = packet::build(&config, &store, &c.id, None, &out) else {
            continue;
        };
        let m = manifest(&p.dir);
        // The nights are stamped 2026-11-01 on; the pages were fetched today: the
        // cover says the "seen" days are the scans' dates, and when pages came.
        let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
        let fetched = format!("was fetched {}", chrono::Utc::now().format("%Y-%m"));
        assert!(
            cover.contains(
                "the dates the scans were stamped with, not the days the pages were fetched"
            ) && cover.contains(&fetched),
            "{}: the cover passes stamped dates for fetch days",
            c.id
        );
        // The English forms (tmart's Chinese form says the same in Chinese).
        if !m.fields.iter().any(|f| f.id == "observed") {
            continue;
        }
        let (observed, _) = value(&m, "observed");
        let listings: Vec<String> = c
            .open_findings
            .iter()
            .map(|k| k.rsplit_once('/').unwrap().0.to_string())
            .collect();
        for sentence in observed.split("; ") {
            // "ID: 70.99 USD (seen 2026-11-01 to 2026-11-03 UTC)"
            let (id, rest) = sentence.split_once(": ").expect(sentence);
            let (price, days) = rest.split_once(" (seen ").expect(sentence);
            let (from, to) = days
                .strip_suffix(" UTC)")
                .expect("days said in UTC")
                .split_once(" to ")
                .expect(sentence);
            let listing = listings
                .iter()
                .find(|l| l.rsplit_once('/').unwrap().1 == id)
                .unwrap_or_else(|| panic!("{id} is no listing of {}", c.id));
            let (market, listing_id) = listing.split_once('/').unwrap();
            let kinds: Vec<_> = c
                .open_findings
                .iter()
                .filter(|k| k.starts_with(&format!("{listing}/")))
                .map(|k| k.rsplit_once('/').unwrap().1.to_string())
                .collect();
            let mut within = 0;
            for o in store.history(market, listing_id).unwrap() {
                let day = o.at().format("%Y-%m-%d").to_string();
                let shows = o
                    .findings
                    .iter()
                    .any(|k| kinds.contains(&k.as_str().to_string()));
                if shows && day.as_str() >= from && day.as_str() <= to {
                    let seen = o.listing.price.as_ref().map(|p| p.to_string());
                    assert_eq!(
                        seen.as_deref(),
                        Some(price),
                        "{} on {day}: {sentence}",
                        c.id
                    );
                    within += 1;
                }
            }
            assert!(within > 0, "{sentence}: no sighting on those days");
            checked += 1;
        }
        let several = listings.iter().any(|l| {
            let id = l.rsplit_once('/').unwrap().1;
            observed.matches(&format!("{id}: ")).count() > 1
        });
        if several {
            moved += 1;
            let csv = std::fs::read_to_string(p.dir.join("listings.csv")).unwrap();
            assert!(
                csv.lines().next().unwrap().ends_with(",prices_seen"),
                "{csv}"
            );
            let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
            assert!(
                cover.contains("<span class=\"meta\">(2026-11-"),
                "the table shows each price's days"
            );
        }
    }
    assert!(
        checked > 0 && moved > 0,
        "checked {checked} sentences, {moved} packets with a moved price"
    );
}

/// A scan dated the day it ran (the nightly job's): the "seen" days are the days
/// the pages were fetched, and the cover says nothing of stamped dates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unstamped_scan_s_seen_days_are_its_fetch_days() {
    let (_server, mut config) = forms_demo().await;
    config.override_render(brandguard::config::RenderMode::Never);
    let (dir, store) = common::fresh_store();
    brandguard::scan::run(&config, &store, brandguard::scan::ScanOptions::default())
        .await
        .expect("scan runs");
    let out = dir.path().join("packets");
    std::fs::create_dir_all(&out).unwrap();
    let lxr = case_of(&store, "shopusa", "lxr");
    let p = packet::build(&config, &store, &lxr.id, None, &out).unwrap();
    let cover = std::fs::read_to_string(p.dir.join("cover.html")).unwrap();
    assert!(!cover.contains("scans were stamped with"));
    let m = manifest(&p.dir);
    let (observed, _) = value(&m, "observed");
    let today = chrono::Utc::now().format("%Y-%m").to_string();
    assert!(observed.contains(&format!("(seen {today}")), "{observed}");
}
