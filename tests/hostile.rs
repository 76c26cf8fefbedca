//! Hostile pages and careless settings (issue 18), through the real binary and
//! through a scan of the demo with hostile pages planted.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn brandguard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_brandguard"))
}

/// A copy of targets/demo with `edit` applied to file `file` (relative to the folder).
fn targets_with(file: &str, edit: impl Fn(String) -> String) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("targets");
    common::copy_dir(Path::new("targets/demo"), &t);
    let p = t.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = edit(text.clone());
    assert_ne!(text, edited, "the edit of {file} changed nothing");
    std::fs::write(&p, edited).unwrap();
    (dir, t)
}

/// `check` refuses the targets with exit code 2 and a message holding each of `says`.
fn refused(t: &Path, says: &[&str]) {
    let o = brandguard()
        .args(["check", "--targets"])
        .arg(t)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "accepted: {err}{}",
        String::from_utf8_lossy(&o.stdout)
    );
    for s in says {
        assert!(err.contains(s), "`{s}` not in: {err}");
    }
}

fn with_crawl(line: &str) -> impl Fn(String) -> String {
    let line = line.to_string();
    move |t: String| {
        assert!(t.contains("[crawl]"), "demo brand.toml has a [crawl] table");
        let key = line.split('=').next().unwrap().trim();
        let kept: Vec<&str> = t
            .lines()
            .filter(|l| l.split('=').next().map(str::trim) != Some(key))
            .collect();
        kept.join("\n")
            .replacen("[crawl]", &format!("[crawl]\n{line}"), 1)
    }
}

#[test]
fn careless_crawl_settings_are_refused_at_check_time_naming_file_line_and_field() {
    for (line, field, says) in [
        (
            "connect_timeout_secs = 18446744073709551615",
            "connect_timeout_secs",
            "1 s to 600 s",
        ),
        (
            "request_timeout_secs = 0",
            "request_timeout_secs",
            "1 s to 600 s",
        ),
        ("max_redirects = 100000000000", "max_redirects", "0 to 20"),
        ("max_body_bytes = 0", "max_body_bytes", "65536 bytes"),
        ("concurrency = 0", "concurrency", "1 to 256"),
        (
            "user_agent_token = \"bg\\r\\nX-Evil: 1\"",
            "user_agent_token",
            "product token",
        ),
        (
            "contact_url = \"https://x.example/a b\"",
            "contact_url",
            "space",
        ),
        ("page_budget = 0", "page_budget", "1 to"),
    ] {
        let (_d, t) = targets_with("brand.toml", with_crawl(line));
        refused(&t, &["brand.toml:", &format!("crawl.{field}"), says]);
    }
}

#[test]
fn careless_marketplace_settings_are_refused() {
    let rate = |r: &'static str| {
        move |t: String| {
            let start = t.find("rate_limit").unwrap();
            let end = start + t[start..].find('\n').unwrap();
            format!("{}rate_limit = {r}{}", &t[..start], &t[end..])
        }
    };
    for (edit, says) in [
        (
            Box::new(rate("{ per_second = 0.000001, burst = 1 }")) as Box<dyn Fn(String) -> String>,
            vec!["shopusa.toml:10", "per_second", "0.01 to 1000"],
        ),
        (
            Box::new(rate("{ per_second = 5.0, burst = 100000000 }")),
            vec!["shopusa.toml:10", "burst", "1 to 10"],
        ),
        (
            Box::new(|t: String| {
                t.replace(
                    "base_url = \"http://127.0.0.1:8701",
                    "base_url = \"file:///etc/",
                )
            }),
            vec!["base_url", "use http or https"],
        ),
        (
            Box::new(|t: String| t.replace("base_url = \"http://", "base_url = \"ftp://")),
            vec!["base_url", "use http or https"],
        ),
        (
            Box::new(|t: String| {
                t.replace("base_url = \"http://", "base_url = \"http://user:secret@")
            }),
            vec!["base_url", "credentials"],
        ),
        (
            Box::new(|t: String| t.replace("max_pages = 50", "max_pages = 0")),
            vec!["shopusa.toml:16", "search.max_pages", "1 to"],
        ),
        (
            Box::new(|t: String| {
                t.replace(
                    "max_pages = 50",
                    "max_pages = 50\nitem_hosts = [\"https://detail.tmall.com/item\"]",
                )
            }),
            vec!["shopusa.toml:17", "search.item_hosts", "not a host name"],
        ),
    ] {
        let (_d, t) = targets_with("marketplaces/shopusa.toml", edit);
        refused(&t, &says);
    }
    // The same for a --base-url override: credentials never reach a scan.
    let store = tempfile::tempdir().unwrap();
    let o = brandguard()
        .args([
            "scan",
            "--targets",
            "targets/demo",
            "--base-url",
            "shopusa=http://u:p@127.0.0.1:1",
            "--store",
        ])
        .arg(store.path().join("s"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("credentials"));
}

#[test]
fn careless_brand_settings_are_refused() {
    let floor = |t: String| {
        let i = t.find("floor = {").unwrap();
        let j = i + t[i..].find('}').unwrap();
        format!("{}floor = {{ USD = \"-5.00\" {}", &t[..i], &t[j..])
    };
    let (_d, t) = targets_with("brand.toml", floor);
    refused(&t, &["brand.toml:", "floor", "above zero"]);

    // The second SKU given the first one's GTIN.
    let dup_gtin = |t: String| {
        let first = t.find("gtin = [").unwrap();
        let line_end = first + t[first..].find('\n').unwrap();
        let gtin_line = t[first..line_end].to_string();
        let second = line_end + t[line_end..].find("gtin = [").unwrap();
        let second_end = second + t[second..].find('\n').unwrap();
        format!("{}{}{}", &t[..second], gtin_line, &t[second_end..])
    };
    let (_d, t) = targets_with("brand.toml", dup_gtin);
    refused(&t, &["brand.toml:", "gtin", "also given to SKU"]);

    // Two [[seller]] entries with one id.
    let dup_seller = |t: String| {
        let i = t.find("[[seller]]").unwrap();
        let id_at = i + t[i..].find("id = ").unwrap();
        let id_end = id_at + t[id_at..].find('\n').unwrap();
        let first_id = t[id_at..id_end].to_string();
        let j = id_end + t[id_end..].find("[[seller]]").unwrap();
        let id2 = j + t[j..].find("id = ").unwrap();
        let id2_end = id2 + t[id2..].find('\n').unwrap();
        format!("{}{}{}", &t[..id2], first_id, &t[id2_end..])
    };
    let (_d, t) = targets_with("brand.toml", dup_seller);
    refused(&t, &["brand.toml:", "seller[", "used by two"]);

    let plausible = |t: String| {
        t.replacen(
            "[crawl]",
            "[policy.plausible_price]\nUSD = { min = \"0\" }\n\n[crawl]",
            1,
        )
    };
    let (_d, t) = targets_with("brand.toml", plausible);
    refused(&t, &["plausible_price.USD", "0 < min < max"]);
}

#[test]
fn the_demo_targets_pass_check() {
    let o = brandguard()
        .args(["check", "--targets", "targets/demo"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn extract(body: &[u8]) -> serde_json::Value {
    common::extract_shopusa(body, "SU09999")
}

/// A shopusa item page (JSON-LD, as the demo writes them) of an unauthorised seller
/// offering the brand's X1 at `price`.
fn item_page(price: &str) -> Vec<u8> {
    let product = serde_json::json!({
        "@context": "https://schema.org", "@type": "Product",
        "name": "Acme X1 Wireless Noise-Cancelling Headphones",
        "brand": {"@type": "Brand", "name": "Acme"}, "gtin13": "0012345678905",
        "offers": {"@type": "Offer", "price": price, "priceCurrency": "USD",
                   "seller": {"@type": "Organization", "name": "Cheap Deals", "identifier": "cheap-deals"}}
    });
    format!("<html><head><script type=\"application/ld+json\">{product}</script></head><body></body></html>").into_bytes()
}

fn kinds(v: &serde_json::Value) -> Vec<String> {
    v["verdict"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn absurd_prices_are_unreadable_never_a_below_floor_finding() {
    // Control: an ordinary low price is read and judged.
    let ok = extract(&item_page("$20.00"));
    assert_eq!(ok["listing"]["price"]["amount"], "20.00");
    assert!(kinds(&ok).contains(&"below_floor".to_string()), "{ok}");
    for price in [
        "$1e308",
        "-$5.00",
        "$-5.00",
        "$12.99e5",
        "US $12.99 - 1e9",
        "$0.00",
        "$99999999999",
    ] {
        let v = extract(&item_page(price));
        assert!(
            v["listing"]["price"].is_null(),
            "{price}: read as {}",
            v["listing"]["price"]
        );
        let why = v["listing"]["missing"]["price"]
            .as_str()
            .unwrap_or_default();
        assert!(
            why.contains("exponent") || why.contains("negative") || why.contains("plausible"),
            "{price}: {why}"
        );
        let k = kinds(&v);
        assert!(
            !k.contains(&"below_floor".to_string())
                && !k.contains(&"suspected_counterfeit".to_string()),
            "{price}: {k:?}"
        );
        // The seller is still unauthorised: that finding stands on its own evidence.
        assert!(
            k.contains(&"unauthorized_seller".to_string()),
            "{price}: {k:?}"
        );
    }
    // A fraction of a cent is refused as written, not as its rounding (it was
    // "0.00 USD is outside the plausible range", and `$0.005` a price of 0.01).
    for (price, said) in [("$0.001", "0.001 USD"), ("$0.005", "0.005 USD")] {
        let v = extract(&item_page(price));
        assert!(v["listing"]["price"].is_null(), "{price}: {v}");
        let why = v["listing"]["missing"]["price"].as_str().unwrap();
        assert!(why.contains(&format!("{said} is outside")), "{why}");
    }
}

/// Structured data whose only price is one of another kind (per two units, a
/// month's charge, a former price): no price is read from it, and the reason no
/// longer says "not in structured data", untrue of such a page.
#[test]
fn a_structured_price_of_another_kind_is_named_as_such() {
    let page = |offer: &str| {
        format!(
            "<html><head><script type=\"application/ld+json\">{{\"@type\":\"Product\",\
             \"name\":\"Acme X1 Wireless Noise-Cancelling Headphones\",\
             \"offers\":{offer}}}</script></head><body></body></html>"
        )
    };
    for spec in [
        r#"{"price":"149.99","priceCurrency":"USD","referenceQuantity":{"value":"2","unitCode":"C62"}}"#,
        r#"{"price":"14.99","priceCurrency":"USD","billingDuration":1,"billingIncrement":1}"#,
        r#"{"price":"249.99","priceCurrency":"USD","priceType":"https://schema.org/StrikethroughPrice"}"#,
    ] {
        let offer = format!("{{\"@type\":\"Offer\",\"priceSpecification\":{spec}}}");
        let v = extract(page(&offer).as_bytes());
        assert!(v["listing"]["price"].is_null(), "{spec}: {v}");
        let why = v["listing"]["missing"]["price"].as_str().unwrap();
        assert!(
            why.starts_with("not in structured data as a price asked of every buyer now"),
            "{spec}: {why}"
        );
    }
    // An offer with no price at all (none written, or written empty): not in
    // structured data, the offer there without one (since session 64).
    for offer in [
        r#"{"@type":"Offer","priceCurrency":"USD"}"#,
        r#"{"@type":"Offer","price":"","priceCurrency":"USD"}"#,
        r#"{"@type":"Offer","price":null,"priceCurrency":"USD"}"#,
    ] {
        let v = extract(page(offer).as_bytes());
        assert!(v["listing"]["price"].is_null(), "{v}");
        let why = v["listing"]["missing"]["price"].as_str().unwrap();
        assert!(
            why.starts_with("not in structured data (its offer gives no price);"),
            "{offer}: {why}"
        );
    }
}

/// Structured data holding a placeholder price (`"price": "0.00"`, written while a
/// script fills the box in) beside a price box showing the price: the box's is
/// checked, and its source says what it stands in for. Before, the listing had no
/// price ("0.00 USD is outside the plausible range") and its violation went
/// unchecked.
#[test]
fn a_placeholder_price_in_structured_data_gives_way_to_the_price_box() {
    let page = String::from_utf8(item_page("0.00"))
        .expect("utf-8")
        .replace(
            "<body></body>",
            r#"<body><div class="buybox"><span class="price">$179.99</span></div></body>"#,
        );
    let v = extract(page.as_bytes());
    assert_eq!(v["listing"]["price"]["amount"], "179.99", "{v}");
    let source = v["listing"]["sources"]["price"]
        .as_str()
        .unwrap_or_default();
    assert!(
        source.starts_with("selector .buybox .price (in place of its json-ld price `0.00`"),
        "{source}"
    );
    assert!(kinds(&v).contains(&"below_floor".to_string()), "{v}");
    // Where the box does not read either, both reasons are said.
    let page = page.replace("$179.99", "See price in cart");
    let v = extract(page.as_bytes());
    assert!(v["listing"]["price"].is_null());
    let why = v["listing"]["missing"]["price"]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.contains("`0.00`") && why.contains("the price box"),
        "{why}"
    );
    assert!(!v["listing"]["price_in_cart"].is_null(), "{v}");
}

/// A page whose JSON-LD is not JSON: a field it leaves missing says so, never
/// "not in structured data" (the product was there, unreadable).
#[test]
fn a_field_missing_beside_unreadable_json_ld_says_why() {
    let page = br#"<html><head><script type="application/ld+json">{"@type":"Product","name":"Acme X1","offers":{"price":</script></head><body></body></html>"#;
    let v = extract(page);
    let why = v["listing"]["missing"]["price"]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.starts_with(
            "not in structured data (1 JSON-LD script on the page could not be read as JSON)"
        ),
        "{why}"
    );
}

/// A seller offering the item new and used on one page: the new offer is what the
/// floor holds. Taken as the lowest of the seller's offers, the used one at 150.00
/// made the listing "used" (held to no floor), and the new one at 189.00, under
/// the floor of 199.00, went unchecked.
#[test]
fn a_used_offer_beside_a_new_one_does_not_make_the_listing_used() {
    let offer = |price: &str, condition: &str| {
        serde_json::json!({"@type": "Offer", "price": price, "priceCurrency": "USD",
            "itemCondition": format!("https://schema.org/{condition}"),
            "seller": {"@type": "Organization", "name": "Cheap Deals", "identifier": "cheap-deals"}})
    };
    let product = serde_json::json!({
        "@context": "https://schema.org", "@type": "Product",
        "name": "Acme X1 Wireless Noise-Cancelling Headphones",
        "brand": {"@type": "Brand", "name": "Acme"}, "gtin13": "0012345678905",
        "offers": [offer("189.00", "NewCondition"), offer("150.00", "UsedCondition")]
    });
    let page = format!(
        "<html><head><script type=\"application/ld+json\">{product}</script></head><body></body></html>"
    );
    let v = extract(page.as_bytes());
    assert_eq!(v["listing"]["price"]["amount"], "189.00", "{v}");
    assert_eq!(v["listing"]["condition"], "https://schema.org/NewCondition");
    assert!(kinds(&v).contains(&"below_floor".to_string()), "{v}");
}

/// A title that states the item refurbished or broken, on a page whose structured
/// data states no condition, is that condition's: `… - Renewed` at 150.00 was
/// judged as a new item below the floor (a complaint claiming a new item's price
/// violation of a refurbished one), and so was eBay's `For Parts or Repair`. Its
/// source names the title; a new item's damaged box is still a new item.
#[test]
fn a_title_stating_the_item_refurbished_or_broken_is_not_held_to_the_floor() {
    let page = |title: &str| {
        let product = serde_json::json!({
            "@context": "https://schema.org", "@type": "Product", "name": title,
            "brand": {"@type": "Brand", "name": "Acme"}, "gtin13": "0012345678905",
            "offers": {"@type": "Offer", "price": "150.00", "priceCurrency": "USD",
                       "seller": {"@type": "Organization", "name": "Cheap Deals", "identifier": "cheap-deals"}}
        });
        format!(
            "<html><head><script type=\"application/ld+json\">{product}</script></head><body></body></html>"
        )
    };
    for (title, condition) in [
        (
            "Acme X1 Wireless Noise-Cancelling Headphones - Renewed",
            "refurbished",
        ),
        (
            "Acme X1 Wireless Noise-Cancelling Headphones For Parts or Repair",
            "damaged",
        ),
        (
            "Acme X1 Wireless Noise-Cancelling Headphones (Used)",
            "used",
        ),
        // A fault or wear described by its symptom (each below the floor and a
        // suspected counterfeit before).
        (
            "Acme X1 Wireless Noise-Cancelling Headphones Right Ear No Sound",
            "damaged",
        ),
        (
            "Acme X1 Wireless Noise-Cancelling Headphones Worn Ear Pads",
            "used",
        ),
    ] {
        let v = extract(page(title).as_bytes());
        assert_eq!(v["listing"]["condition"], condition, "{v}");
        assert!(
            v["listing"]["sources"]["condition"]
                .as_str()
                .unwrap()
                .starts_with("the title"),
            "{v}"
        );
        assert!(
            !kinds(&v).contains(&"below_floor".to_string()),
            "{title}: {v}"
        );
    }
    // A theme's `NewCondition` on every product: the title's "(Used)" is read
    // (before, a new item below the floor and a suspected counterfeit).
    let marked_new = page("Acme X1 Wireless Noise-Cancelling Headphones (Used)").replace(
        "\"priceCurrency\":\"USD\"",
        "\"priceCurrency\":\"USD\",\"itemCondition\":\"https://schema.org/NewCondition\"",
    );
    assert!(marked_new.contains("NewCondition"));
    let v = extract(marked_new.as_bytes());
    assert_eq!(v["listing"]["condition"], "used", "{v}");
    let source = v["listing"]["sources"]["condition"].as_str().unwrap();
    assert!(
        source.starts_with("the title") && source.contains("NewCondition"),
        "{source}"
    );
    assert!(!kinds(&v).contains(&"below_floor".to_string()), "{v}");
    for title in [
        "Acme X1 Wireless Noise-Cancelling Headphones - Damaged Box",
        "Acme X1 Wireless Noise-Cancelling Headphones Used by DJs",
        "Acme X1 Wireless Noise-Cancelling Headphones No Sound Leakage",
    ] {
        let v = extract(page(title).as_bytes());
        assert!(v["listing"]["condition"].is_null(), "{v}");
        assert!(
            kinds(&v).contains(&"below_floor".to_string()),
            "{title}: {v}"
        );
    }
}

/// A price box stating the item's condition after its price (`$150.00 Used - Like
/// New`, Amazon's and eBay's wording of a second-hand offer) is that condition's:
/// read as a price alone, the used item was a new one below the floor, and a
/// suspected counterfeit. Its source names the box. Words after the price that
/// only begin like a condition (`used by pros`) or a used offer beside the price
/// (`Used from $99.00`) are no condition of the listing.
#[test]
fn a_price_box_stating_the_item_s_condition_after_the_price_is_that_condition_s() {
    let page = |price_box: &str| {
        format!(
            "<html><body><h1 class=\"product-title\">Acme X1 Wireless Noise-Cancelling Headphones</h1>\
             <div class=\"buybox\"><span class=\"price\">{price_box}</span>\
             <a class=\"seller\" href=\"/seller/cheap-deals\">Cheap Deals</a></div></body></html>"
        )
    };
    for (price_box, condition) in [
        ("$150.00 Used - Like New", "used - like new"),
        ("US $150.00 (Refurbished)", "refurbished"),
        ("$150.00 Renewed Premium", "renewed premium"),
        ("$150.00 Open Box", "open box"),
    ] {
        let v = extract(page(price_box).as_bytes());
        assert_eq!(v["listing"]["price"]["amount"], "150.00", "{v}");
        assert_eq!(v["listing"]["condition"], condition, "{v}");
        let source = v["listing"]["sources"]["condition"].as_str().unwrap();
        assert!(source.starts_with("the price box"), "{source}");
        let k = kinds(&v);
        assert!(
            !k.contains(&"below_floor".to_string())
                && !k.contains(&"suspected_counterfeit".to_string()),
            "{price_box}: {v}"
        );
    }
    for price_box in [
        "$150.00",
        "$150.00 New",
        "$150.00 used by pros",
        "$150.00 Used in studios worldwide",
        "$150.00 Used from $99.00",
    ] {
        let v = extract(page(price_box).as_bytes());
        assert_eq!(v["listing"]["price"]["amount"], "150.00", "{v}");
        assert!(v["listing"]["condition"].is_null(), "{price_box}: {v}");
        assert!(
            kinds(&v).contains(&"below_floor".to_string()),
            "{price_box}: {v}"
        );
    }
    // Beside structured data's price (a theme's `NewCondition` on every item),
    // the box's condition is read too, its source naming what it went against.
    let product = serde_json::json!({
        "@context": "https://schema.org", "@type": "Product",
        "name": "Acme X1 Wireless Noise-Cancelling Headphones",
        "offers": {"@type": "Offer", "price": "150.00", "priceCurrency": "USD",
                   "itemCondition": "https://schema.org/NewCondition"}
    });
    let structured = page("$150.00 Used - Good").replace(
        "<html>",
        &format!("<html><script type=\"application/ld+json\">{product}</script>"),
    );
    let v = extract(structured.as_bytes());
    assert_eq!(v["listing"]["sources"]["price"], "json-ld", "{v}");
    assert_eq!(v["listing"]["condition"], "used - good", "{v}");
    let source = v["listing"]["sources"]["condition"].as_str().unwrap();
    assert!(source.contains("NewCondition"), "{source}");
    assert!(!kinds(&v).contains(&"below_floor".to_string()), "{v}");
}

/// A coupon box of 5,000 amounts (`¥5000 ¥4999 … ¥1`) is read as far as every other
/// field is, its first 1,000 characters, and refused as no price box (more amounts
/// than one shows), said. Read whole, its reading took seconds a page (quadratic in
/// the amounts: a box of 10,000 took 10 s, a night of such pages never ended), and
/// its far end, `¥1`, was the listing's price.
#[test]
fn a_coupon_box_of_thousands_of_amounts_is_cut_and_refused() {
    let amounts: String = (1..=5000).rev().map(|n| format!("<i>¥{n}</i> ")).collect();
    let page = format!(
        "<html><body><h1 class=\"tb-title\">Acme X1 Wireless Noise-Cancelling Headphones</h1>\
         <div class=\"tb-price\">价格 <span class=\"price-now\">¥1,299.00</span></div>\
         <div class=\"tb-coupon\"><em class=\"coupon-price\">{amounts}</em></div></body></html>"
    );
    let v = common::extract_on(
        page.as_bytes(),
        "tmart",
        "http://127.0.0.1:8702/detail/1.html",
    );
    assert_eq!(v["listing"]["price"]["amount"], "1299.00", "{v}");
    assert!(v["listing"]["coupon_price"].is_null(), "{v}");
    let why = v["listing"]["missing"]["coupon_price"]
        .as_str()
        .unwrap_or_default();
    // Cut, and said to be.
    assert!(why.contains("… [truncated from "), "{why:.200}");
    assert!(
        why.contains("amounts, more than a price box shows"),
        "{why}"
    );
}

#[test]
fn hostile_pages_are_read_at_bounded_cost_and_never_crash_extract() {
    use brandguard::demo::hostile::Hostile;
    for h in [
        Hostile::NestedDivs(100_000),
        Hostile::DeepJsonLd(50_000),
        Hostile::Attributes(1024 * 1024),
        Hostile::Scripts(20_000),
        Hostile::PriceAmounts(200),
        Hostile::PriceAmounts(100_000),
    ] {
        let v = extract(h.page().as_bytes());
        assert!(v["listing"]["price"].is_null(), "{}", h.name());
        assert!(kinds(&v).is_empty(), "{}", h.name());
    }
    // More amounts than a price box shows are no price box: read, the lowest of them
    // was the price (a below-floor finding on `$1`), at 11.6 ms for a 4.6 KB page,
    // 25 times an ordinary page's cost per byte. Refused, and said.
    let v = extract(Hostile::PriceAmounts(200).page().as_bytes());
    let why = v["listing"]["missing"]["price"]
        .as_str()
        .unwrap_or_default();
    assert!(
        why.contains("holds 200 amounts, more than a price box shows"),
        "{v}"
    );
    // The real page inside 100,000 nested divs is still read right: the cap drops
    // the deep tags, not what the page says.
    let mut wrapped = String::from_utf8(item_page("$20.00")).unwrap();
    let at = wrapped.find("<body>").unwrap() + "<body>".len();
    wrapped.insert_str(
        at,
        &format!("{}x{}", "<div>".repeat(100_000), "</div>".repeat(100_000)),
    );
    let v = extract(wrapped.as_bytes());
    assert_eq!(v["listing"]["price"]["amount"], "20.00");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_hostile_pages_cost_their_own_listing_and_never_idle_other_hosts() {
    use brandguard::demo::{DemoOptions, Fault, Site};
    let (server, config) = common::demo(&DemoOptions {
        faults: vec![(Site::Shopusa, Fault::Hostile { every: 8 })],
        ..DemoOptions::default()
    })
    .await;
    let (_dir, store) = common::fresh_store();
    let summary = common::scan(&config, &store).await;
    store.verify().expect("the store verifies");

    // Positions 0, 8 and 16 of shopusa: 100k nested divs, 50k-deep JSON-LD, 5 MiB of
    // attributes.
    let catalog = server.catalog();
    let planted: Vec<_> = catalog
        .listings
        .iter()
        .filter(|l| {
            l.site == Site::Shopusa
                && catalog
                    .position(Site::Shopusa, &l.id)
                    .is_some_and(|p| p % 8 == 0)
        })
        .collect();
    assert_eq!(planted.len(), 3);
    // Each is recorded, with the reason nothing was read, and judged to nothing.
    for l in &planted {
        let o = store
            .latest("shopusa", &l.id)
            .unwrap()
            .unwrap_or_else(|| panic!("{} not recorded", l.id));
        assert!(o.listing.is_empty(), "{}: {:?}", l.id, o.listing.title);
        assert!(
            !o.listing.missing.is_empty(),
            "{}: no reason recorded",
            l.id
        );
        assert!(o.findings.is_empty(), "{}: {:?}", l.id, o.findings);
    }
    assert!(summary.pages_unreadable >= 3, "{summary:?}");
    // Every other listing was read and judged as the ground truth says.
    let planted_ids: std::collections::BTreeSet<String> =
        planted.iter().map(|l| l.id.clone()).collect();
    let expected: std::collections::BTreeSet<_> = server
        .ground_truth()
        .expected_findings()
        .into_iter()
        .filter(|(m, id, _)| !(m == "shopusa" && planted_ids.contains(id)))
        .collect();
    let found = brandguard::scan::findings_of_scan(&store, summary.scan_id).unwrap();
    assert_eq!(found, expected);

    // While the planted pages were parsed (off the async workers, in
    // `spawn_blocking`), the other hosts were asked on: they were asked between the
    // first planted page's request and the end of the scan. How long the widest gap
    // between two requests to one host was is printed, not asserted: a test asserts
    // no wall-clock time (it failed at 1.3 s with the machine's two cores busy with
    // a build; alone it is well under a second).
    let requests = server.requests();
    let first_planted = requests
        .iter()
        .find(|r| {
            r.site == Site::Shopusa
                && planted_ids
                    .iter()
                    .any(|id| r.target.contains(&format!("/{id}")))
        })
        .map(|r| r.at_ms)
        .expect("a planted page was asked for");
    for site in [Site::Tmart, Site::Bidbay] {
        let at: Vec<u64> = requests
            .iter()
            .filter(|r| r.site == site)
            .map(|r| r.at_ms)
            .collect();
        let widest = at.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
        eprintln!("{site:?}: {} requests, widest gap {widest} ms", at.len());
        assert!(
            at.iter().any(|t| *t > first_planted),
            "{site:?} was not asked after the first planted page"
        );
    }
}

#[test]
fn a_demo_of_huge_pages_is_not_killed_by_sigpipe() {
    let dir = tempfile::tempdir().unwrap();
    let o = brandguard()
        .args([
            "demo",
            "--listings",
            "3",
            "--fault",
            "bidbay=huge:20000000",
            "--out",
        ])
        .arg(dir.path().join("d"))
        .output()
        .unwrap();
    // Killed by a signal, there is no exit code (the shell showed 141).
    assert!(
        matches!(o.status.code(), Some(0 | 3 | 5)),
        "{:?}: {}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nightly_command_slows_a_host_that_answers_429() {
    use brandguard::demo::{DemoOptions, Fault, Site};
    // shopusa is configured at 20 requests/s and answers 429 above 5 in a second.
    // 120 listings a site: the first second's burst and each probe back toward the
    // configured rate cost a few 429s whatever the size, so on the default 24 (43
    // shopusa requests) they alone came to 21% (CI, 2026-12-01); the bound is about
    // the slowdown, as in `faults::a_host_answering_429_is_slowed_down_not_only_retried`.
    let (server, _config) = common::demo(&DemoOptions {
        faults: vec![(Site::Shopusa, Fault::RateLimit { per_second: 5 })],
        listings_per_site: 120,
        ..DemoOptions::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("s.json");
    let mut cmd = common::scan_command(
        Path::new("targets/demo"),
        &dir.path().join("store"),
        &summary,
        &server,
    );
    let o = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let s: serde_json::Value = serde_json::from_slice(&std::fs::read(&summary).unwrap()).unwrap();
    let rate = &s["host_rates"][server.base_url(Site::Shopusa)];
    assert_eq!(rate["configured_per_second"], 20.0);
    assert!(rate["slowdowns"].as_u64().unwrap() > 0, "{rate}");
    assert!(
        rate["lowest_per_second"].as_f64().unwrap() <= 10.0,
        "{rate}"
    );
    assert_eq!(s["failures"], serde_json::json!({}));
    let reqs: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.site == Site::Shopusa)
        .collect();
    let throttled = reqs.iter().filter(|r| r.status == 429).count();
    assert!(
        throttled * 5 <= reqs.len(),
        "{throttled} of {} requests throttled",
        reqs.len()
    );
}
