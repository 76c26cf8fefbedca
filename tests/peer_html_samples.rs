//! Real pages saved by scrapinghub/extruct (tests/data/peer/html_samples/extruct), read
//! with an adapter that has no selectors: structured data only. The expected values
//! come from extruct's own expected output beside each page.

use std::path::Path;

use brandguard::config::Config;
use brandguard::crawl::Page;
use brandguard::scan::inspect;

struct Expect {
    page: &'static str,
    title: Option<&'static str>,
    price: Option<&'static str>,
    currency: Option<&'static str>,
    seller: Option<&'static str>,
}

/// Values as extruct's expected files give them (`*.json`, `*.jsonld`).
const EXPECTED: &[Expect] = &[
    Expect {
        page: "schema.org_product.html",
        title: Some("Executive Anvil"),
        price: Some("119.99"),
        currency: Some("USD"),
        seller: Some("Executive Objects"),
    },
    Expect {
        page: "schema.org_product-ref.html",
        title: Some("Executive Anvil"),
        price: Some("119.99"),
        currency: Some("USD"),
        seller: Some("Executive Objects"),
    },
    Expect {
        page: "misc_product_microdata.html",
        title: Some("Executive Anvil"),
        price: Some("119.99"),
        currency: Some("USD"),
        seller: Some("Executive Objects"),
    },
    Expect {
        page: "misc_opengraph_ns_product_test.html",
        // The page's microdata names the product without og:title's site suffix
        // (" - New on Blu-ray Disc | FYE"); microdata is read before OpenGraph.
        title: Some("Better Off Dead [Exclusive Blu-ray Steelbook]"),
        price: Some("17.99"),
        currency: Some("USD"),
        seller: None,
    },
    Expect {
        // A real pet-shop page: an AggregateOffer (5.29 to 9.56 GBP) and two Offers
        // (a 6-pack at 9.56, a 3-pack at 5.29). The listing's price is the lowest
        // advertised: what a floor is checked against.
        page: "websites_microdata-with-description.html",
        title: Some("Johnsons 4 Fleas Cats & Kittens Tablets"),
        price: Some("5.29"),
        currency: Some("GBP"),
        seller: None,
    },
    // Pages without a product: nothing may be invented.
    Expect {
        page: "misc_null_ld_mock.html",
        title: None,
        price: None,
        currency: None,
        seller: None,
    },
    Expect {
        page: "custom.invalid_JSONLD_with_JS_comment.html",
        title: None,
        price: None,
        currency: None,
        seller: None,
    },
    Expect {
        page: "custom.invalid_JSONLD_with_control_characters.html",
        title: None,
        price: None,
        currency: None,
        seller: None,
    },
];

#[test]
fn extruct_samples_per_field() {
    let config = Config::load(Path::new("tests/data/generic")).unwrap();
    let m = config.marketplace("generic").unwrap();
    let dir = Path::new("tests/data/peer/html_samples/extruct");
    let mut right = [0usize; 4];
    let mut wrong = Vec::new();
    for e in EXPECTED {
        let body = std::fs::read(dir.join(e.page)).unwrap();
        let url = url::Url::parse("https://shop.example/p/1").unwrap();
        let i = inspect(&config, m, &Page::saved(url, body)).expect("built-in verdict rules");
        assert!(i.capture.is_ok(), "{:?}", i.capture);
        let l = &i.listing;
        let got = [
            l.title.clone(),
            l.price.as_ref().map(|p| p.amount.to_string()),
            l.price.as_ref().map(|p| p.currency.to_string()),
            l.seller.name.clone(),
        ];
        let want = [e.title, e.price, e.currency, e.seller];
        for (f, (g, w)) in got.iter().zip(want).enumerate() {
            if g.as_deref() == w {
                right[f] += 1;
            } else {
                wrong.push(format!("{}: field {f}: got {g:?}, expected {w:?}", e.page));
            }
        }
    }
    let n = EXPECTED.len();
    println!(
        "extruct samples ({n} pages): title {}/{n}, price {}/{n}, currency {}/{n}, seller {}/{n}",
        right[0], right[1], right[2], right[3]
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_product_page_is_matched_and_judged() {
    let config = Config::load(Path::new("tests/data/generic")).unwrap();
    let m = config.marketplace("generic").unwrap();
    let body =
        std::fs::read("tests/data/peer/html_samples/extruct/schema.org_product.html").unwrap();
    let url = url::Url::parse("https://shop.example/p/1").unwrap();
    let i = inspect(&config, m, &Page::saved(url, body)).expect("built-in verdict rules");
    assert!(i.capture.is_ok(), "{:?}", i.capture);
    assert_eq!(i.verdict.sku_match.sku.as_deref(), Some("ANVIL"));
    assert_eq!(i.verdict.sku_match.reason, "mpn");
    // "Executive Objects" is not authorised. The anvil is 119.99 < 150.00, but
    // the page offers it used ("Previously owned", `itemCondition` UsedCondition):
    // a floor is checked on new items only.
    assert_eq!(
        i.listing.condition.as_deref(),
        Some("http://schema.org/UsedCondition")
    );
    let kinds: Vec<&str> = i.verdict.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["unauthorized_seller"]);
    assert!(
        i.verdict
            .notes
            .contains(&"item used (not new): floor not checked".to_string())
    );
}

/// The ten real captured marketplace pages (Amazon, eBay, Alibaba, Yandex Market,
/// TMON, eMAG, PCStore) are product pages: no capture-verdict rule takes any of
/// them for a captcha, challenge, login wall, shell or soft 404. One, amazon.com's
/// B07FW264WL (out of stock in its ground truth), shows "Currently unavailable. We
/// don't know when or if this item will be back in stock." where the buy box
/// stands, 850 KB into the page: it has no offer (`NoOffer`, read as it is, a
/// takedown only on a recheck), and is the only one.
#[test]
fn real_captured_product_pages_are_not_taken_for_blocks() {
    let dir = Path::new("tests/data/peer/html_samples/product-extraction-benchmark");
    let rules = brandguard::verdict::Rules::default();
    let mut pages = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if !path.to_string_lossy().ends_with(".html.gz") {
            continue;
        }
        let mut body = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap()),
            &mut body,
        )
        .unwrap();
        let url = url::Url::parse("https://shop.example/item/1").unwrap();
        let verdict = rules.judge(&Page::saved(url, body));
        let no_offer = path.to_string_lossy().contains("0094967f");
        if no_offer {
            assert!(
                matches!(verdict, brandguard::verdict::Verdict::NoOffer { .. }),
                "{}: {verdict:?}",
                path.display()
            );
        } else {
            assert!(verdict.is_ok(), "{}: {verdict:?}", path.display());
        }
        pages += 1;
    }
    assert_eq!(pages, 10);
}

/// The ten real captured marketplace pages (scrapinghub/product-extraction-benchmark),
/// read through `scan::inspect` with the generic targets folder: structured data,
/// OpenGraph and the built-in generic selectors only (src/config/generic_fields.toml).
/// Each page's price and currency must be the manifest's; a page whose ground truth
/// has no price (out of stock) must give none, never a price from a rail of other
/// products. Sellers are asserted where the page names one in a place the generic
/// selectors read.
#[test]
fn real_captured_pages_give_the_ground_truth_price() {
    let dir = Path::new("tests/data/peer/html_samples/product-extraction-benchmark");
    let config = Config::load(Path::new("tests/data/generic")).unwrap();
    let m = config.marketplace("generic").unwrap();
    let manifest = std::fs::read_to_string(dir.join("manifest.jsonl")).unwrap();
    // Sellers the pages name (read by eye from each page).
    let sellers = [
        ("01efbb74", Some("Gothamite")),
        ("95f9586d", Some("Amazon")),
        ("2fa16d14", Some("eMAG")),
        ("21e72a8e", Some("phoenixemporium")),
        ("359ca699", Some("clipclopthriftshop")),
        ("d8830de9", Some("Huizhou Yongli Industrial Co., Ltd.")),
    ];
    let (mut pages, mut prices) = (0, 0);
    let mut wrong = Vec::new();
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let e: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut body = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(
                std::fs::File::open(dir.join(e["file"].as_str().unwrap())).unwrap(),
            ),
            &mut body,
        )
        .unwrap();
        let url = url::Url::parse(e["url"].as_str().unwrap()).unwrap();
        let i = inspect(&config, m, &Page::saved(url.clone(), body)).expect("verdict rules");
        assert!(
            i.capture.is_ok() || matches!(i.capture, brandguard::verdict::Verdict::NoOffer { .. }),
            "{url}: {:?}",
            i.capture
        );
        let gt = &e["ground_truth"];
        let want_price = gt["price"][0]
            .as_str()
            .map(|p| rust_decimal::Decimal::from_str_exact(p).unwrap());
        let want_currency = gt["currency"][0].as_str().map(|c| match c {
            "$" => "USD",
            "€" => "EUR",
            "£" => "GBP",
            "₽" => "RUB",
            "원~" => "KRW",
            "Lei" => "RON",
            other => panic!("no ISO code written for {other}"),
        });
        let got = &i.listing.price;
        if got.as_ref().map(|p| p.amount) != want_price {
            wrong.push(format!("{url}: price {got:?}, expected {want_price:?}"));
        }
        if let (Some(w), Some(g)) = (want_currency, got)
            && g.currency.code() != w
        {
            wrong.push(format!("{url}: currency {}, expected {w}", g.currency));
        }
        let id = e["id"].as_str().unwrap();
        if let Some((_, s)) = sellers.iter().find(|(p, _)| id.starts_with(p))
            && i.listing.seller.name.as_deref() != *s
        {
            wrong.push(format!(
                "{url}: seller {:?}, expected {s:?}",
                i.listing.seller.name
            ));
        }
        pages += 1;
        prices += usize::from(want_price.is_some() && got.as_ref().map(|p| p.amount) == want_price);
        println!(
            "{}: price {:?} from {:?}, seller {:?}",
            &url.as_str()[..url.as_str().len().min(50)],
            got.as_ref().map(|p| p.to_string()),
            i.listing.sources.get("price"),
            i.listing.seller.name
        );
    }
    println!("real captured pages: {pages}, prices right {prices} of 9 with a price");
    assert_eq!(pages, 10);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// `brandguard extract --report` over a folder of the ten real pages: one line per
/// field with how many pages gave it and from which source, and the most common
/// reasons a field is missing.
#[test]
fn the_adapter_doctor_reports_fields_and_missing_reasons() {
    let src = Path::new("tests/data/peer/html_samples/product-extraction-benchmark");
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".gz") {
            let mut body = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap()),
                &mut body,
            )
            .unwrap();
            std::fs::write(dir.path().join(stem), body).unwrap();
        }
    }
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_brandguard"))
        .args(["extract", "--report", "--targets", "tests/data/generic"])
        .args(["--marketplace", "generic"])
        .arg(dir.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    println!("{out}");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        out.contains("generic: 10 pages read (0 unreadable)"),
        "{out}"
    );
    // Nine of the ten pages show a price (the tenth is out of stock).
    let price = out.lines().find(|l| l.starts_with("price ")).unwrap();
    assert!(price.contains("9/10"), "{price}");
    assert!(
        price.contains("microdata 3") && price.contains("json-ld 2"),
        "{price}"
    );
    assert!(
        out.contains("most common reasons a field is missing:"),
        "{out}"
    );
    assert!(out.contains("gtin: "), "{out}");
}

/// The real eBay capture (a UK seller's item at GBP 1.99, with eBay's "Approximately
/// US $2.66" under it for a visitor from the US), read by an adapter whose price
/// selector is the page's price box (`.vi-price`, which holds both) on a USD
/// marketplace, as ebay.com is. The estimate is not what the seller asks: before,
/// it was read as "2.66 USD" (the marketplace's own currency wins) and checked
/// against a USD floor. Microdata is taken out of the page first, so the selector
/// is what reads the price, as on a page without structured data.
#[test]
fn an_estimate_in_the_visitors_currency_is_not_read_as_the_price() {
    let (_dir, config) = generic_targets("[item.fields]\nprice = \".vi-price\"\n");
    let m = config.marketplace("generic").unwrap();
    let body = captured("21e72a8e");
    assert!(body.contains("Approximately"));
    let body = body.replace("itemprop=", "data-was-itemprop=");
    let url = url::Url::parse("https://www.ebay.com/itm/302474151804").unwrap();
    let i = inspect(&config, m, &Page::saved(url, body.into_bytes())).unwrap();
    let price = i.listing.price.expect("the seller's price");
    assert_eq!(price.to_string(), "1.99 GBP", "{:?}", i.listing.sources);
    assert!(
        i.listing.sources["price"].contains("converted estimate"),
        "{:?}",
        i.listing.sources
    );
    // The box's hidden "+GBP 8.75 shipping" is no second price of the listing
    // (it made "the lowest of 2 prices on the page: 1.99, 8.75").
    assert_eq!(i.listing.price_choice, None, "{:?}", i.listing.sources);
}

/// A targets folder with the generic marketplace, `extra` appended to its file.
fn generic_targets(extra: &str) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("marketplaces")).unwrap();
    std::fs::copy(
        "tests/data/generic/brand.toml",
        dir.path().join("brand.toml"),
    )
    .unwrap();
    let generic = std::fs::read_to_string("tests/data/generic/marketplaces/generic.toml").unwrap();
    std::fs::write(
        dir.path().join("marketplaces/generic.toml"),
        format!("{generic}\n{extra}"),
    )
    .unwrap();
    let config = Config::load(dir.path()).unwrap();
    (dir, config)
}

/// The captured page of the benchmark whose file name starts with `prefix`.
fn captured(prefix: &str) -> String {
    let path = std::fs::read_dir("tests/data/peer/html_samples/product-extraction-benchmark")
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap();
    let mut body = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut body,
    )
    .unwrap();
    body
}

/// Amazon's buy box names a third-party seller that Amazon ships for as "Sold by X
/// and Fulfilled by Amazon." ("Verkauf durch X und Versand durch Amazon."). Read
/// through the built-in selector for it (`#merchant-info`) on the real amazon.de
/// capture with that sentence put in, the seller was "X and Fulfilled by Amazon": a
/// name no registry holds, so an authorized distributor's listing became an
/// unauthorized seller's.
#[test]
fn a_seller_fulfilled_by_amazon_is_named_without_the_fulfilment() {
    let (_dir, config) = generic_targets("");
    let m = config.marketplace("generic").unwrap();
    let body = captured("95f9586d");
    let shown = "Verkauf und Versand durch Amazon.";
    assert!(body.contains(shown));
    let url = url::Url::parse("https://www.amazon.de/dp/B006V2OP48").unwrap();
    for (sentence, seller) in [
        (shown, "Amazon"),
        (
            "Sold by Oaktree Trading and Fulfilled by Amazon.",
            "Oaktree Trading",
        ),
        (
            "Verkauf durch Oaktree Handel GmbH und Versand durch Amazon.",
            "Oaktree Handel GmbH",
        ),
        (
            "Vendu par Oaktree SARL et expédié par Amazon.",
            "Oaktree SARL",
        ),
        ("Vendido por Oaktree SL y enviado por Amazon.", "Oaktree SL"),
        (
            "Ships from and sold by Oaktree Trading. Gift-wrap available.",
            "Oaktree Trading",
        ),
        (
            "Sold by Sand and Sea Co. and ships from Amazon Fulfillment.",
            "Sand and Sea Co.",
        ),
    ] {
        let page = body.replacen(shown, sentence, 1);
        let i = inspect(&config, m, &Page::saved(url.clone(), page.into_bytes())).unwrap();
        assert_eq!(
            i.listing.seller.name.as_deref(),
            Some(seller),
            "{sentence}: {:?}",
            i.listing.sources
        );
    }
}

/// The real ebay.co.uk capture 143863282131 sells a *used* harness (microdata
/// `itemCondition` "Used", written on the outer of eBay's two nested offers) at GBP
/// 115. Held to a floor of 500 for the product new, it was "below the floor" and a
/// suspected counterfeit by price: a complaint against a genuine item resold. Now
/// the floor is checked on new items only, and the finding on the seller says the
/// page states the item used; the same page saying "New" is below the floor.
#[test]
fn a_used_item_is_not_held_to_the_floor_of_a_new_one() {
    let (dir, _) = generic_targets("");
    std::fs::write(
        dir.path().join("brand.toml"),
        "[brand]\nname = \"Pony\"\n\n[[sku]]\nid = \"HARNESS\"\nname = \"Pony Cart Harness\"\n\
         keywords = [\"cart harness\"]\nfloor = { GBP = \"500.00\" }\n",
    )
    .unwrap();
    let config = Config::load(dir.path()).unwrap();
    let m = config.marketplace("generic").unwrap();
    let body = captured("359ca699");
    let url = url::Url::parse("https://www.ebay.co.uk/itm/143863282131").unwrap();
    let read =
        |body: String| inspect(&config, m, &Page::saved(url.clone(), body.into_bytes())).unwrap();
    let used = read(body.clone());
    assert_eq!(used.listing.condition.as_deref(), Some("Used"));
    assert_eq!(used.verdict.sku_match.sku.as_deref(), Some("HARNESS"));
    let kinds: Vec<&str> = used
        .verdict
        .findings
        .iter()
        .map(|f| f.kind.as_str())
        .collect();
    assert_eq!(kinds, ["unauthorized_seller"], "{:?}", used.verdict);
    assert!(
        used.verdict.findings[0]
            .detail
            .ends_with("(the page states the item used)"),
        "{}",
        used.verdict.findings[0].detail
    );
    assert!(
        used.verdict
            .notes
            .contains(&"item used (not new): floor not checked".to_string()),
        "{:?}",
        used.verdict.notes
    );
    let new = read(body.replace(
        "itemprop=\"itemCondition\">Used<",
        "itemprop=\"itemCondition\">New<",
    ));
    assert_eq!(new.listing.condition.as_deref(), Some("New"));
    let kinds: Vec<&str> = new
        .verdict
        .findings
        .iter()
        .map(|f| f.kind.as_str())
        .collect();
    assert!(kinds.contains(&"below_floor"), "{kinds:?}");
}
