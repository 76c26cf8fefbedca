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
    // 119.99 < 150.00, and "Executive Objects" is not authorised.
    let kinds: Vec<&str> = i.verdict.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["unauthorized_seller", "below_floor"]);
}

/// The ten real captured marketplace pages (Amazon, eBay, Alibaba, Yandex Market,
/// TMON, eMAG, PCStore) are product pages: no capture-verdict rule takes any of
/// them for a captcha, challenge, login wall, shell or soft 404.
#[test]
fn real_captured_product_pages_are_not_taken_for_blocks() {
    let dir = Path::new("tests/data/peer/html_samples/product-extraction-benchmark");
    let rules = brandguard::crawl::verdict::Rules::default();
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
        assert!(verdict.is_ok(), "{}: {verdict:?}", path.display());
        pages += 1;
    }
    assert_eq!(pages, 10);
}
