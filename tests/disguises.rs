//! Disguises the judge must see through, each read by `brandguard extract` as a
//! scan reads it: a distributor's name under another seller id (and a homoglyph
//! copy of it), the brand's GTIN under a brandless or another brand's title, and a
//! seller given in JSON-LD by `@id` reference.

mod common;

use std::path::Path;

use brandguard::demo::{Catalog, DemoListing, PageWeight, Site, item_pages};

fn extract(targets: &str, market: &str, url: &str, body: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, body).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .arg("extract")
        .arg(&page)
        .args(["--targets", targets, "--marketplace", market, "--url", url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The item page of the first listing of the brand sold by `seller` (an index
/// into the catalog's sellers), after `change` edits the catalog.
fn page_of(c: &Catalog, seller: usize) -> (Site, String, Vec<u8>) {
    let l = c
        .listings
        .iter()
        .find(|l| l.seller == seller && l.sku.is_some() && !l.removed)
        .expect("a listing of the brand by this seller");
    item_pages(c, PageWeight::Light)
        .into_iter()
        .find(|(s, path, _)| *s == l.site && path.ends_with(&l.id))
        .unwrap()
}

fn kinds(v: &serde_json::Value) -> Vec<String> {
    v["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

fn demo_extract(site: Site, path: &str, body: &[u8]) -> serde_json::Value {
    extract(
        "targets/demo",
        site.name(),
        &format!("http://127.0.0.1:8701{path}"),
        body,
    )
}

/// Listing `l`'s light demo item page: its site, path and HTML.
fn item_page_of(c: &Catalog, l: &DemoListing) -> (Site, String, String) {
    let (site, path, body) = item_pages(c, PageWeight::Light)
        .into_iter()
        .find(|(s, path, _)| *s == l.site && path.ends_with(&l.id))
        .unwrap();
    (site, path, String::from_utf8(body).unwrap())
}

/// A shopusa listing of the brand without GTIN or MPN, so its title decides the SKU.
fn unidentified_shopusa_listing(c: &Catalog) -> &DemoListing {
    c.listings
        .iter()
        .find(|l| l.site == Site::Shopusa && l.sku.is_some() && l.gtin.is_none() && !l.removed)
        .expect("a shopusa listing without identifiers")
}

#[test]
fn a_distributors_name_under_another_id_is_an_impersonator() {
    let mut c = Catalog::generate(42, 24);
    let seller = |c: &Catalog, site: Site, id: &str| {
        c.sellers
            .iter()
            .position(|s| s.site == site && s.id == id)
            .unwrap()
    };
    let nw = seller(&c, Site::Shopusa, "nwaudio");
    let bb = seller(&c, Site::Bidbay, "northwind_audio");

    // As published: Northwind's own account on each marketplace.
    for (ix, site) in [(nw, Site::Shopusa), (bb, Site::Bidbay)] {
        let (_, path, body) = page_of(&c, ix);
        let v = demo_extract(site, &path, &body);
        assert_eq!(v["verdict"]["authorized_seller"], "northwind", "{v:#}");
        let k = kinds(&v);
        assert!(
            !k.iter()
                .any(|k| k == "unauthorized_seller" || k == "suspected_counterfeit"),
            "{k:?}"
        );
        let identity = v["verdict"]["identity"].as_str().unwrap();
        assert!(identity.starts_with("account "), "{identity}");
    }

    // shopusa: the same display name, another shop id. bidbay: a homoglyph copy
    // (Cyrillic о and а, a zero for an o) under another id.
    c.sellers[nw].id = "nwaudio-outlet".into();
    c.sellers[bb].id = "n0rthwind_audio".into();
    c.sellers[bb].name = "n0rthwind_аudiо".into();
    impersonates(&c, [(nw, Site::Shopusa), (bb, Site::Bidbay)]);
    // The name dressed as an authorised dealer's, an office's or a region's.
    c.sellers[nw].name = "Northwind Audio - Authorized Dealer".into();
    c.sellers[bb].name = "Northwind Audio (US)".into();
    impersonates(&c, [(nw, Site::Shopusa), (bb, Site::Bidbay)]);
}

/// Each of `shops` (a seller's index, its site) is an unauthorised seller and an
/// impersonator of Northwind Audio.
fn impersonates(c: &Catalog, shops: [(usize, Site); 2]) {
    for (ix, site) in shops {
        let (_, path, body) = page_of(c, ix);
        let v = demo_extract(site, &path, &body);
        let verdict = &v["verdict"];
        assert!(verdict["authorized_seller"].is_null(), "{site:?}: {v:#}");
        let k = kinds(&v);
        assert!(
            k.contains(&"unauthorized_seller".to_string())
                && k.contains(&"suspected_counterfeit".to_string()),
            "{site:?}: {k:?}"
        );
        let counterfeit = verdict["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "suspected_counterfeit")
            .unwrap();
        let detail = counterfeit["detail"].as_str().unwrap();
        assert!(
            detail.contains("imitates the name of authorised distributor Northwind Audio")
                && detail.contains("impersonation"),
            "{site:?}: {detail}"
        );
        let identity = verdict["identity"].as_str().unwrap();
        assert!(
            identity.contains("imitates distributor Northwind Audio"),
            "{identity}"
        );
    }
}

/// A distributor's name one letter off (`Northwlnd Audio`, `Northw1nd Audio`,
/// `Nortwind Audio`, `Northvvind Audio`) under another id: a typosquat no confusable
/// skeleton equals. The seller is unauthorised, as before, and the verdict now says
/// whose name it is one letter from, for review; no counterfeit ground rests on
/// it (names one letter apart may be two businesses'), and a name further off
/// (`Northwind Radio`) says nothing. A shop named as the brand is said so too.
#[test]
fn a_distributors_name_one_letter_off_is_said_for_review() {
    let mut c = Catalog::generate(42, 24);
    let nw = c
        .sellers
        .iter()
        .position(|s| s.site == Site::Shopusa && s.id == "nwaudio")
        .unwrap();
    c.sellers[nw].id = "nwaudio-outlet".into();
    for (name, said) in [
        ("Northwlnd Audio", true),
        ("Northw1nd Audio", true),
        ("Nortwind Audio", true),
        ("Northvvind Audio", true),
        ("Northwind Radio", false),
    ] {
        c.sellers[nw].name = name.into();
        let (_, path, body) = page_of(&c, nw);
        let v = demo_extract(Site::Shopusa, &path, &body);
        let k = kinds(&v);
        assert!(
            k.contains(&"unauthorized_seller".to_string()),
            "{name}: {k:?}"
        );
        assert!(
            !k.contains(&"suspected_counterfeit".to_string()),
            "{name}: {k:?}"
        );
        let notes = v["verdict"]["notes"].to_string();
        let identity = v["verdict"]["identity"].as_str().unwrap_or_default();
        assert_eq!(
            notes.contains("is one letter from distributor Northwind Audio's"),
            said,
            "{name}: {notes}"
        );
        assert_eq!(
            identity.contains("one letter from"),
            said,
            "{name}: {identity}"
        );
    }
    // The brand's own name, or its rights owner's, as a shop's: the brand's own
    // shop, undeclared, or one taking its name; said, and no counterfeit ground.
    for name in ["Acme Store", "Acme Official Store", "Acme Audio Inc."] {
        c.sellers[nw].name = name.into();
        let (_, path, body) = page_of(&c, nw);
        let v = demo_extract(Site::Shopusa, &path, &body);
        let k = kinds(&v);
        assert!(
            !k.contains(&"suspected_counterfeit".to_string()),
            "{name}: {k:?}"
        );
        let notes = v["verdict"]["notes"].to_string();
        assert!(notes.contains("is the brand's own"), "{name}: {notes}");
    }
}

#[test]
fn the_brands_gtin_identifies_the_sku_whatever_the_title_says() {
    let c = Catalog::generate(42, 24);
    let l = c
        .listings
        .iter()
        .find(|l| {
            l.site == Site::Shopusa
                && l.sku.is_some()
                && l.gtin.is_some()
                && !l.removed
                && !l.expected.is_empty()
        })
        .expect("a violating shopusa listing carrying its GTIN")
        .clone();
    let ix = c.listings.iter().position(|x| x.id == l.id).unwrap();
    let page = |c: &Catalog| {
        let (_, path, body) = item_pages(c, PageWeight::Light)
            .into_iter()
            .find(|(s, path, _)| *s == Site::Shopusa && path.ends_with(&l.id))
            .unwrap();
        demo_extract(Site::Shopusa, &path, &body)
    };
    let original = page(&c);
    let sku = original["verdict"]["sku_match"]["sku"].clone();
    assert!(sku.is_string(), "{original:#}");

    // The brand left out of the title and the brand field: matched by its GTIN,
    // judged as before.
    let mut brandless = Catalog::generate(42, 24);
    brandless.listings[ix].title = "Wireless noise cancelling headphones, black".into();
    brandless.listings[ix].brand = "";
    let v = page(&brandless);
    let m = &v["verdict"]["sku_match"];
    assert_eq!(m["sku"], sku, "{v:#}");
    assert_eq!(m["reason"], "gtin");
    let evidence = m["evidence"].as_str().unwrap();
    assert!(
        evidence.starts_with("GTIN ") && evidence.contains("the title does not name Acme"),
        "{evidence}"
    );
    assert_eq!(kinds(&v), kinds(&original), "judged the same");

    // Another brand's name over the brand's GTIN: matched, and a misbranding signal.
    let mut misbranded = Catalog::generate(42, 24);
    misbranded.listings[ix].title = "Sonora X1 wireless headphones".into();
    misbranded.listings[ix].brand = "Sonora";
    let v = page(&misbranded);
    assert_eq!(v["verdict"]["sku_match"]["sku"], sku, "{v:#}");
    assert_eq!(v["verdict"]["sku_match"]["other_brand"], "sonora");
    let signals: Vec<&str> = v["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "suspected_counterfeit")
        .map(|f| f["detail"].as_str().unwrap())
        .collect();
    assert!(
        signals
            .iter()
            .any(|d| d.contains("misbranding") && d.contains("names brand \"sonora\"")),
        "{signals:?}"
    );

    // A case maker's listing that gives the product's GTIN (as the "compatible
    // model") sells a case: no finding, and the reason names the GTIN. Matched by
    // it, the case was the product below its floor and, under the case maker's own
    // brand, a misbranded counterfeit.
    let mut case = Catalog::generate(42, 24);
    case.listings[ix].title = format!("Hard Shell Case for {}", l.title);
    case.listings[ix].brand = "CaseCraft";
    let v = page(&case);
    let m = &v["verdict"]["sku_match"];
    assert!(m["sku"].is_null(), "{v:#}");
    assert!(
        m["reason"].as_str().is_some_and(
            |r| r.contains("only as what its item is for") && r.contains("the page's GTIN")
        ),
        "{v:#}"
    );
    assert_eq!(kinds(&v), Vec::<String>::new(), "{v:#}");

    // Without an identifier, keywords still need the brand named.
    let mut bare = Catalog::generate(42, 24);
    bare.listings[ix].title = "Wireless noise cancelling headphones, black".into();
    bare.listings[ix].brand = "";
    bare.listings[ix].gtin = None;
    bare.listings[ix].mpn = None;
    let v = page(&bare);
    assert!(v["verdict"]["sku_match"]["sku"].is_null(), "{v:#}");
}

#[test]
fn json_ld_sellers_given_by_reference_are_read_from_their_node() {
    let html = r##"<!DOCTYPE html><html><head><title>Executive Anvil</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"Product","@id":"https://shop.example/p/anvil#product","name":"Executive Anvil",
  "mpn":"925872","brand":{"@id":"#acme"},"offers":{"@id":"#offer"}},
 {"@type":"Offer","@id":"#offer","price":"99.00","priceCurrency":"USD",
  "seller":{"@id":"/vendors/anvil-world.html#seller"}},
 {"@type":"Brand","@id":"#acme","name":"ACME"}]}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Organization",
 "@id":"https://shop.example/vendors/anvil-world.html#seller","name":"Anvil World","identifier":"vendor-77"}</script>
</head><body><h1>Executive Anvil</h1></body></html>"##;
    let v = extract(
        "tests/data/generic",
        "generic",
        "https://shop.example/p/anvil",
        html.as_bytes(),
    );
    let listing = &v["listing"];
    assert_eq!(listing["seller"]["name"], "Anvil World", "{v:#}");
    assert_eq!(listing["seller"]["id"], "vendor-77", "{v:#}");
    assert_eq!(listing["brand"], "ACME", "{v:#}");
    assert_eq!(v["verdict"]["sku_match"]["sku"], "ANVIL");
    let k = kinds(&v);
    assert!(
        k.contains(&"below_floor".to_string()) && k.contains(&"unauthorized_seller".to_string()),
        "{k:?}"
    );
    assert!(Path::new("tests/data/generic/brand.toml").exists());
}

/// A page whose structured data names one seller and whose seller box another:
/// the box is what a buyer (and the packet's screenshot) sees. Before, the
/// finding named the structured data's seller, here a name the box never shows,
/// with the id of neither.
#[test]
fn a_seller_box_naming_another_seller_than_the_structured_data_is_read() {
    let page = |box_text: &str| {
        format!(
            r##"<!DOCTYPE html><html><head><title>Executive Anvil</title>
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"Product",
 "name":"Executive Anvil","mpn":"925872","brand":"ACME","offers":{{"@type":"Offer",
 "price":"99.00","priceCurrency":"USD","seller":{{"@type":"Organization","name":"ShopExample Marketplace","identifier":"op-1"}}}}}}</script>
</head><body><h1>Executive Anvil</h1><div id="merchant-info">{box_text}</div></body></html>"##
        )
    };
    let read = |html: String| {
        extract(
            "tests/data/generic",
            "generic",
            "https://shop.example/p/anvil",
            html.as_bytes(),
        )
    };
    let v = read(page("Sold by Cheapo Deals and Fulfilled by Amazon."));
    let listing = &v["listing"];
    assert_eq!(listing["seller"]["name"], "Cheapo Deals", "{v:#}");
    // The structured data's id is the other seller's: not given to this one.
    assert!(listing["seller"]["id"].is_null(), "{v:#}");
    let source = listing["sources"]["seller"].as_str().unwrap();
    assert!(
        source.contains("names another seller, \"ShopExample Marketplace\""),
        "{source}"
    );
    let unauthorised = v["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "unauthorized_seller")
        .expect("a finding");
    assert!(
        unauthorised["detail"]
            .as_str()
            .unwrap()
            .contains("Cheapo Deals"),
        "{unauthorised:#}"
    );
    // Walmart's wording ("Sold and shipped by") with an ampersand: before, the
    // built-in box rule read nothing there, and the structured data's seller stood.
    let v = read(page("Sold &amp; shipped by Cheapo Deals."));
    assert_eq!(v["listing"]["seller"]["name"], "Cheapo Deals", "{v:#}");
    // A hostile box is capped as every field is (it was stored whole as the name).
    let huge = format!("Sold by {}", "Cheapo ".repeat(20_000));
    let v = read(page(&huge));
    let name = v["listing"]["seller"]["name"].as_str().unwrap();
    assert!(
        name.chars().count() < 1_100,
        "{} characters",
        name.chars().count()
    );
    // Where both name the same seller, the structured data's reading stands.
    let v = read(page("Sold by ShopExample Marketplace"));
    assert_eq!(v["listing"]["seller"]["name"], "ShopExample Marketplace");
    assert_eq!(v["listing"]["seller"]["id"], "op-1");
}

/// The demo plants the three disguises on night 9 (index 8): Northwind's name under
/// another shopusa id, a homoglyph copy of its bidbay name, and headphones listed
/// with the GTIN only. A scan of that night alone finds its ground truth, but for
/// Northwind's promotion listing (SU90400), whose overrun needs the nights before
/// (the 14-night demo finds it: precision and recall 1.000 there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_plants_the_disguises_and_finds_them_all() {
    let (server, config) = common::demo(&brandguard::demo::DemoOptions::default()).await;
    server.set_night(8);
    let (_dir, store) = common::fresh_store();
    let s = common::night(&config, &store, 8).await;
    let report = brandguard::scan::demo_report(&store, &s, &server.ground_truth()).unwrap();
    let d = &report.detection;
    assert!(
        d.missed
            .iter()
            .chain(&d.false_positives)
            .all(|k| k.starts_with("shopusa/SU90400/")),
        "{d:?}"
    );
    assert!(d.true_positives >= d.expected - 1, "{d:?}");
    let kinds_of = |listing: &str| -> Vec<String> {
        let mut k: Vec<String> = store
            .findings()
            .map(|f| f.unwrap())
            .filter(|f| format!("{}/{}", f.finding.marketplace, f.finding.listing_id) == listing)
            .map(|f| f.finding.kind.as_str().to_string())
            .collect();
        k.sort();
        k
    };
    for impersonated in ["shopusa/SU90500", "bidbay/395190001"] {
        assert_eq!(
            kinds_of(impersonated),
            ["suspected_counterfeit", "unauthorized_seller"],
            "{impersonated}"
        );
    }
    assert_eq!(
        kinds_of("shopusa/SU90501"),
        ["below_floor", "unauthorized_seller"]
    );
}

/// A brand field that names no brand ("Unbranded", "Generic", "无品牌") never clears
/// a listing: the $20 ACME Executive Anvil from an unauthorised seller gets the same
/// three findings with it as without a brand field, and the decoy is named among the
/// counterfeit signals. A real other brand over the same MPN is not the brand's
/// product (MPNs are not unique across brands).
#[test]
fn a_decoy_brand_never_clears_a_listing() {
    let page = |brand: Option<&str>| {
        format!(
            r#"<!doctype html><script type="application/ld+json">{{"@context":"https://schema.org",
            "@type":"Product","name":"ACME Executive Anvil","mpn":"925872"{}
            ,"offers":{{"@type":"Offer","price":"20.00","priceCurrency":"USD",
            "seller":{{"@type":"Organization","name":"Cheap Anvils"}}}}}}</script>"#,
            brand
                .map(|b| format!(r#","brand":{{"@type":"Brand","name":"{b}"}}"#))
                .unwrap_or_default()
        )
    };
    let url = "https://shop.example/p/anvil";
    let plain = extract("tests/data/generic", "generic", url, page(None).as_bytes());
    assert_eq!(
        kinds(&plain),
        [
            "unauthorized_seller",
            "below_floor",
            "suspected_counterfeit"
        ]
    );
    for decoy in ["Unbranded", "Generic", "无品牌", "OEM"] {
        let v = extract(
            "tests/data/generic",
            "generic",
            url,
            page(Some(decoy)).as_bytes(),
        );
        assert_eq!(kinds(&v), kinds(&plain), "{decoy}: {v:#}");
        let counterfeit = v["verdict"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "suspected_counterfeit")
            .unwrap();
        let words = counterfeit.to_string().to_lowercase();
        assert!(words.contains(&decoy.to_lowercase()), "{decoy}: {words}");
    }
    let other = extract(
        "tests/data/generic",
        "generic",
        url,
        page(Some("Zenith")).as_bytes(),
    );
    assert!(kinds(&other).is_empty(), "{other:#}");
}

/// A distributor's listing whose title denies a counterfeit word ("100% Genuine,
/// Not Fake", "No Replicas", "非高仿") is no suspected counterfeit; the same title
/// calling the item a replica is. Read as a bare substring, the denial was a
/// counterfeit signal against a genuine listing, and "1:1" matched "1:10".
#[test]
fn a_title_denying_a_counterfeit_word_is_no_signal() {
    let c = Catalog::generate(42, 24);
    // Northwind (seller 0) sells on shopusa at or above the floor.
    let l = c
        .listings
        .iter()
        .find(|l| l.seller == 0 && l.site == Site::Shopusa && l.sku.is_some() && !l.removed)
        .expect("a Northwind listing on shopusa");
    let (site, path, body) = item_page_of(&c, l);
    let with_title = |suffix: &str| {
        let escaped = l.title.replace('&', "&amp;").replace('<', "&lt;");
        body.replace(&l.title, &format!("{} {suffix}", l.title))
            .replace(&escaped, &format!("{escaped} {suffix}"))
    };
    let plain = kinds(&demo_extract(site, &path, body.as_bytes()));
    assert!(
        !plain.contains(&"suspected_counterfeit".to_string()),
        "{plain:?}"
    );
    for denial in [
        "- 100% Genuine, Not Fake",
        "(No Replicas)",
        "Beware of fakes",
        "Stand 1:10",
    ] {
        let v = demo_extract(site, &path, with_title(denial).as_bytes());
        assert_eq!(
            v["listing"]["title"].as_str().map(|t| t.ends_with(denial)),
            Some(true),
            "{v:#}"
        );
        assert_eq!(kinds(&v), plain, "{denial}: {v:#}");
    }
    let v = demo_extract(site, &path, with_title("Replica 1:1").as_bytes());
    assert!(
        kinds(&v).contains(&"suspected_counterfeit".to_string()),
        "{v:#}"
    );
}

/// A title naming the brand only as what its item is for ("Ear Cushions for Acme X1
/// Headphones", "Charger for the Acme S2 Speaker", brand field "Generic") sells a
/// thing made for the product, not the product: no finding. Matched by the
/// product's keywords, such an unbranded accessory at a fraction of the floor was
/// an unauthorised seller, below the floor and a suspected counterfeit (three
/// false findings, one a counterfeit claim). A title naming the brand first is the
/// product, whatever "for" follows.
#[test]
fn an_item_made_for_the_brands_product_is_not_the_product() {
    let c = Catalog::generate(42, 24);
    let l = unidentified_shopusa_listing(&c);
    let (site, path, body) = item_page_of(&c, l);
    assert!(!l.title.contains(['&', '<']), "{}", l.title);
    let retitled = |title: &str| {
        body.replace(&l.title, title)
            .replace("\"name\":\"Acme\"", "\"name\":\"Generic\"")
    };
    let product = l.title.replace(" (Replica, AAA quality)", "");
    let own = kinds(&demo_extract(site, &path, retitled(&product).as_bytes()));
    assert!(own.contains(&"below_floor".to_string()), "{own:?}");
    for accessory in [
        format!("Ear Cushions for {product}"),
        format!("Charger Cable for the {product}"),
        format!("Silicone Feet, for use with {product}"),
    ] {
        let v = demo_extract(site, &path, retitled(&accessory).as_bytes());
        assert_eq!(v["listing"]["title"].as_str(), Some(accessory.as_str()));
        assert_eq!(kinds(&v), Vec::<String>::new(), "{accessory}: {v:#}");
        assert!(
            v["verdict"]["sku_match"]["reason"]
                .as_str()
                .is_some_and(|r| r.contains("only as what its item is for")),
            "{v:#}"
        );
    }
    let v = demo_extract(
        site,
        &path,
        retitled(&format!("{product} for Travel")).as_bytes(),
    );
    assert_eq!(kinds(&v), own, "{v:#}");
}

/// A brand that names no `exclusion_words` gets the built-in accessory phrases: an
/// unbranded "Acme X1 Headphones Ear Pads" is not the headphones. A phrase the
/// brand names one of its own SKUs with excludes nothing, and the longest keyword
/// phrase found decides the SKU: the brand's own replacement pads are matched to
/// themselves, not to the headphones.
#[test]
fn built_in_accessory_phrases_apply_unless_the_brand_sells_such_an_item() {
    let c = Catalog::generate(42, 24);
    let l = unidentified_shopusa_listing(&c);
    let (_, path, body) = item_page_of(&c, l);
    let retitled = |title: &str| {
        body.replace(&l.title, title)
            .replace("\"name\":\"Acme\"", "\"name\":\"Generic\"")
    };
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    common::copy_dir(Path::new("targets/demo"), &targets);
    let brand_toml = targets.join("brand.toml");
    let text = std::fs::read_to_string(&brand_toml).unwrap();
    assert!(text.contains("\nexclusion_words = ["));
    // The demo's list, over several lines, left out.
    let mut in_list = false;
    let without: String = text
        .lines()
        .filter(|l| {
            in_list |= l.starts_with("exclusion_words = [");
            let keep = !in_list;
            in_list &= !l.trim_end().ends_with(']');
            keep
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&brand_toml, &without).unwrap();
    let url = format!("http://127.0.0.1:8701{path}");
    let read = |title: &str| {
        let v = extract(
            targets.to_str().unwrap(),
            "shopusa",
            &url,
            retitled(title).as_bytes(),
        );
        assert_eq!(v["listing"]["title"].as_str(), Some(title));
        v
    };
    let pads = read("Acme X1 Headphones Ear Pads, Memory Foam");
    assert_eq!(kinds(&pads), Vec::<String>::new(), "{pads:#}");
    assert!(
        pads["verdict"]["sku_match"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("exclusion phrase \"ear pads\"")),
        "{pads:#}"
    );
    let headphones = read("Acme X1 Wireless Noise-Cancelling Headphones");
    assert_eq!(headphones["verdict"]["sku_match"]["sku"], "ACME-X1");
    // The brand sells replacement ear pads of its own.
    std::fs::write(
        &brand_toml,
        // After the headphones: the longest keyword phrase decides, not the order.
        without.replacen(
            "[[seller]]",
            "[[sku]]\nid = \"ACME-X1-PADS\"\nname = \"Acme X1 Replacement Ear Pads\"\nkeywords = [\"x1 ear pads\"]\nfloor = { USD = \"29.00\" }\n\n[[seller]]",
            1,
        ),
    )
    .unwrap();
    for title in [
        "Acme X1 Replacement Ear Pads",
        "Acme X1 Headphones Replacement Ear Pads",
    ] {
        let v = read(title);
        assert_eq!(v["verdict"]["sku_match"]["sku"], "ACME-X1-PADS", "{v:#}");
    }
    let headphones = read("Acme X1 Wireless Noise-Cancelling Headphones");
    assert_eq!(headphones["verdict"]["sku_match"]["sku"], "ACME-X1");
}

/// A shop's product page whose structured data lists the product and the
/// accessories it sells for it as variants of one product (Shopify's
/// ProductGroup, each variant named "product - variant"): the price is the lowest
/// of the variants that are the product. Before, the ear pads' 19.99 was the
/// headphones' price: below the floor and, at under half of it, a suspected
/// counterfeit, "which variant sells at it, the page does not say".
#[test]
fn an_accessory_sold_as_a_variant_is_not_the_product_s_price() {
    let variant = |name: &str, price: &str| {
        format!(
            r#"{{"@type":"Product","name":"Acme X1 Headphones - {name}","offers":{{"@type":"Offer","price":"{price}","priceCurrency":"USD","availability":"https://schema.org/InStock"}}}}"#
        )
    };
    let page = |variants: &[String]| {
        format!(
            r#"<!DOCTYPE html><html><head><script type="application/ld+json">{{"@context":"https://schema.org","@type":"ProductGroup","name":"Acme X1 Headphones","brand":{{"@type":"Brand","name":"Acme"}},"hasVariant":[{}]}}</script></head><body><h1>Acme X1 Headphones</h1></body></html>"#,
            variants.join(",")
        )
    };
    let read = |variants: &[String]| {
        demo_extract(Site::Shopusa, "/item/SU99901", page(variants).as_bytes())
    };
    // The ear pads, the case and the earbuds are other things: the price is the
    // headphones', and the choice names what was left out and why.
    let v = read(&[
        variant("Black", "249.99"),
        variant("Replacement Ear Pads", "19.99"),
        variant("Travel Case", "29.99"),
    ]);
    assert_eq!(v["listing"]["price"]["amount"], "249.99", "{v:#}");
    let choice = v["listing"]["price_choice"].as_str().unwrap_or_default();
    assert!(
        choice.contains("\"Acme X1 Headphones - Replacement Ear Pads\" at 19.99 USD")
            && choice.contains("\"Acme X1 Headphones - Travel Case\" at 29.99 USD")
            && choice.contains("exclusion phrase \"replacement\""),
        "{choice}"
    );
    let k = kinds(&v);
    assert!(!k.contains(&"below_floor".to_string()), "{k:?}");
    assert!(!k.contains(&"suspected_counterfeit".to_string()), "{k:?}");
    // A colour of the product below the floor is still the product's price, said
    // with what was left out.
    let v = read(&[
        variant("Black", "249.99"),
        variant("White", "149.99"),
        variant("Replacement Ear Pads", "19.99"),
    ]);
    assert_eq!(v["listing"]["price"]["amount"], "149.99", "{v:#}");
    let below = v["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "below_floor")
        .unwrap_or_else(|| panic!("{v:#}"));
    let detail = below["detail"].as_str().unwrap();
    assert!(
        detail.contains(
            "the lowest of the seller's offers of its variants: 149.99 \"Acme X1 Headphones - \
             White\", 249.99 \"Acme X1 Headphones - Black\""
        ) && detail.contains("Replacement Ear Pads")
            && !detail.contains("the page does not say"),
        "{detail}"
    );
    // The page of the accessory's variant (its address names it) sells the
    // accessory: its title is the variant's, which names no SKU.
    let at = |n: u32, name: &str, price: &str| {
        format!(
            r#"{{"@type":"Product","name":"Acme X1 Headphones - {name}","offers":{{"@type":"Offer","price":"{price}","priceCurrency":"USD","url":"http://127.0.0.1:8701/item/SU99901?variant={n}"}}}}"#
        )
    };
    let variants = [
        at(1, "Black", "249.99"),
        at(2, "Replacement Ear Pads", "19.99"),
    ];
    let v = demo_extract(
        Site::Shopusa,
        "/item/SU99901?variant=2",
        page(&variants).as_bytes(),
    );
    assert_eq!(
        v["listing"]["title"], "Acme X1 Headphones - Replacement Ear Pads",
        "{v:#}"
    );
    assert!(v["verdict"]["sku_match"]["sku"].is_null(), "{v:#}");
    assert!(kinds(&v).is_empty(), "{v:#}");
    let v = demo_extract(
        Site::Shopusa,
        "/item/SU99901?variant=1",
        page(&variants).as_bytes(),
    );
    assert_eq!(v["verdict"]["sku_match"]["sku"], "ACME-X1", "{v:#}");
    assert_eq!(v["listing"]["price"]["amount"], "249.99", "{v:#}");
    // Another of the brand's SKUs among the variants is not this one's price.
    let v = read(&[
        variant("Black", "249.99"),
        r#"{"@type":"Product","name":"Acme P3 Earbuds","offers":{"@type":"Offer","price":"59.99","priceCurrency":"USD"}}"#.to_string(),
    ]);
    assert_eq!(v["listing"]["price"]["amount"], "249.99", "{v:#}");
    assert!(
        v["listing"]["price_choice"]
            .as_str()
            .is_some_and(|c| c.contains("names ACME-P3")),
        "{v:#}"
    );
}

/// The brand's name written so a plain comparison misses it: letters of another
/// script that look the same, accents, spelt out, glued to the model. Each title
/// "did not name Acme": the listing was no SKU's, its price under the floor and
/// its unauthorised seller unseen. Read as a scan reads it, each is the X1
/// headphones, and the match says how the name was written.
#[test]
fn a_brand_name_in_disguise_is_the_brand_s() {
    for (title, written) in [
        (
            "\u{410}\u{441}m\u{435} X1 Wireless Headphones",
            "\u{410}\u{441}m\u{435}",
        ),
        ("Acmé X1 Wireless Headphones", "Acmé"),
        ("A.C.M.E X1 Wireless Headphones", "A.C.M.E"),
        ("AcmeX1 Wireless Headphones", "AcmeX1"),
    ] {
        let html = format!(
            r#"<!DOCTYPE html><html><head><script type="application/ld+json">{{"@context":"https://schema.org","@type":"Product","name":"{title}","offers":{{"@type":"Offer","price":"59.99","priceCurrency":"USD","seller":{{"@type":"Organization","name":"Cheapo Deals"}}}}}}</script></head><body><h1>{title}</h1></body></html>"#
        );
        let v = demo_extract(Site::Shopusa, "/item/SU99902", html.as_bytes());
        let m = &v["verdict"]["sku_match"];
        assert_eq!(m["sku"], "ACME-X1", "{title}: {v:#}");
        let evidence = m["evidence"].as_str().unwrap_or_default();
        assert!(
            evidence.contains(&format!("written as \"{written}\"")),
            "{title}: {evidence}"
        );
        let k = kinds(&v);
        assert!(
            k.contains(&"below_floor".to_string())
                && k.contains(&"unauthorized_seller".to_string()),
            "{title}: {k:?}"
        );
    }
    // A word that only resembles the name is another brand's.
    let html = r#"<!DOCTYPE html><html><head></head><body><h1>Acne X1 Wireless Headphones</h1></body></html>"#;
    let v = demo_extract(Site::Shopusa, "/item/SU99903", html.as_bytes());
    assert!(v["verdict"]["sku_match"]["sku"].is_null(), "{v:#}");
}
