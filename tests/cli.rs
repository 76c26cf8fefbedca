//! The real binary, as a user runs it.

mod common;

use std::path::Path;
use std::process::Command;

fn brandguard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_brandguard"))
}

#[test]
fn demo_command_writes_summary_with_perfect_detection() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    // Started as `cargo run` starts it: by a process that had a large child (the
    // compiler), then replaced itself with brandguard (execve keeps the finished
    // children's counters). That child is not reported as the browser.
    let o = Command::new("sh")
        .arg("-c")
        .arg("python3 -c \"b = b'x' * (700 << 20)\" && exec \"$0\" demo --out \"$1\"")
        .arg(env!("CARGO_BIN_EXE_brandguard"))
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for line in stdout.lines().filter(|l| l.starts_with("browser: ")) {
        let largest = line
            .split("the largest ")
            .nth(1)
            .and_then(|m| m.trim_end_matches(" MiB").parse::<f64>().ok());
        assert!(largest.is_none_or(|mib| mib < 650.0), "{line}");
    }
    assert!(stdout.contains("precision 1.000, recall 1.000"), "{stdout}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert!(summary["pages_fetched"].as_u64().unwrap() > 70);
    assert!(summary["listings_seen"].as_u64().unwrap() >= 72);
    assert_eq!(summary["detection"]["precision"], 1.0);
    assert_eq!(summary["detection"]["recall"], 1.0);
    assert!(out.join("findings.csv").exists());
    assert!(out.join("targets/brand.toml").exists());

    // The store it wrote verifies.
    let v = brandguard()
        .args(["evidence", "verify", "--store"])
        .arg(out.join("store"))
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let text = String::from_utf8_lossy(&v.stdout);
    assert!(text.starts_with("OK:") && !text.contains("note:"), "{text}");
    a_torn_pack_record_is_said_not_failed(&out.join("store"));

    // The summary says what happened to cases; demo wrote packets and the report.
    assert!(stdout.contains("cases 13 opened"), "{stdout}");
    assert!(out.join("report/scorecards.csv").exists() && out.join("report/report.html").exists());

    // The case, packet and report commands of the README, as written.
    let store = out.join("store");
    let run = |args: &[&str]| {
        let o = brandguard().args(args).output().unwrap();
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            o.status.success(),
            "{args:?}: {text}{}",
            String::from_utf8_lossy(&o.stderr)
        );
        text
    };
    let s = store.to_str().unwrap();
    let list = run(&["case", "list", "--store", s]);
    assert!(
        list.contains("C0001") && list.contains("13 cases"),
        "{list}"
    );
    let show = run(&["case", "show", "C0001", "--store", s]);
    assert!(
        show.contains("history:") && show.contains("opened"),
        "{show}"
    );
    let packets = dir.path().join("packets");
    let targets = out.join("targets");
    let built = run(&[
        "packet",
        "--case",
        "C0001",
        "--targets",
        targets.to_str().unwrap(),
        "--out",
        packets.to_str().unwrap(),
        "--store",
        s,
    ]);
    assert!(
        built.contains("C0001 revision 2"),
        "demo built revision 1: {built}"
    );
    let filed = run(&[
        "case",
        "file",
        "C0001",
        "--reference",
        "NOCI-1",
        "--store",
        s,
        "--by",
        "jane",
    ]);
    assert!(filed.contains("filed"), "{filed}");
    let zip = std::fs::read_dir(&packets)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "zip"))
        .unwrap();
    let verified = run(&["packet", "verify", zip.to_str().unwrap(), "--store", s]);
    assert!(verified.starts_with("OK: C0001 revision 2"), "{verified}");
    let report = dir.path().join("report");
    let r = run(&[
        "report",
        "compliance",
        "--period",
        "2026-11",
        "--targets",
        targets.to_str().unwrap(),
        "--out",
        report.to_str().unwrap(),
        "--store",
        s,
    ]);
    assert!(
        r.contains("northwind") && report.join("report.html").exists(),
        "{r}"
    );
    // A wrong period names what is wrong.
    let o = brandguard()
        .args([
            "report",
            "compliance",
            "--period",
            "2026-13",
            "--targets",
            "targets/demo",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a month like 2026-11"));

    // Every packet's capture records tell each capture as it happened: the status
    // of its own capture record (a night-2 304 says 304, with its own time, and
    // names the earlier capture whose bytes it confirmed).
    let (mut checked, mut not_modified) = (0, 0);
    for entry in std::fs::read_dir(out.join("packets")).unwrap() {
        let folder = entry.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
        for c in manifest["captures"].as_array().unwrap() {
            let page = c["file"].as_str().unwrap();
            let record = folder.join(
                page.replace("/page-", "/capture-")
                    .replace(".html", ".json"),
            );
            let r: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&record).unwrap()).unwrap();
            assert_eq!(r["status"], c["capture_status"], "{}", record.display());
            if r["status"] == 304 {
                not_modified += 1;
                let before = &r["not_modified_since"];
                assert_eq!(before["status"], 200, "{}", record.display());
                assert_ne!(
                    before["received_at"],
                    r["received_at"],
                    "{}",
                    record.display()
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked > 0 && not_modified > 0,
        "{checked} captures, {not_modified} 304s"
    );
}

/// Half a record at a pack's end (what a process killed mid-write leaves) and a
/// few foreign bytes after it: `evidence verify` still says OK (no snapshot names
/// them; nothing stored is missing) and notes each, naming the pack and offset.
fn a_torn_pack_record_is_said_not_failed(store: &std::path::Path) {
    use std::io::Write;
    let pack = std::fs::read_dir(store.join("packs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .max()
        .expect("a pack");
    let whole = std::fs::read(&pack).unwrap();
    let name = format!("packs/{}", pack.file_name().unwrap().to_string_lossy());
    let verify = || {
        let v = brandguard()
            .args(["evidence", "verify", "--store"])
            .arg(store)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&v.stdout).into_owned();
        assert!(
            v.status.success(),
            "{text}{}",
            String::from_utf8_lossy(&v.stderr)
        );
        text
    };
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&pack)
        .unwrap();
    f.write_all(&whole[..60]).unwrap();
    let text = verify();
    assert!(text.starts_with("OK:"), "{text}");
    assert!(
        text.contains(&format!(
            "note: {name} ends in 60 bytes of a record cut short (from offset {})",
            whole.len()
        )),
        "{text}"
    );
    // Bytes no brandguard writes, where a record should begin.
    f.set_len(whole.len() as u64).unwrap();
    f.write_all(b"<script>alert(1)</script>").unwrap();
    let text = verify();
    assert!(
        text.contains(&format!(
            "note: {name} holds 25 bytes at offset {}",
            whole.len()
        )) && text.contains("something other than brandguard wrote them"),
        "{text}"
    );
    f.set_len(whole.len() as u64).unwrap();
    assert!(!verify().contains("note:"));
    // A folder named like a pack is no pack: a note, not a failed verify.
    let folder = store.join("packs").join("99999999.pack");
    std::fs::create_dir(&folder).unwrap();
    let text = verify();
    assert!(
        text.starts_with("OK:") && text.contains("note: packs/99999999.pack is no pack file"),
        "{text}"
    );
    std::fs::remove_dir(&folder).unwrap();
    assert!(!verify().contains("note:"));
}

#[test]
fn check_accepts_the_demo_targets() {
    let o = brandguard()
        .args(["check", "--targets", "targets/demo"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("3 marketplaces"), "{out}");
    assert!(!out.contains("warning:"), "{out}");
}

/// A SKU without a floor in a marketplace's currency is never price-checked there:
/// `check` accepts it, and says where.
#[test]
fn check_warns_of_a_sku_without_a_floor_in_a_marketplace_s_currency() {
    let d = broken_targets(
        "brand.toml",
        "floor = { USD = \"199.00\", CNY = \"1299.00\" }",
        "floor = { EUR = \"199.00\", CNY = \"1299.00\" }",
    );
    let out = check_ok(d.path());
    assert!(
        out.contains("warning: SKU ACME-X1: no floor in USD, the currency of bidbay, shopusa: its listings priced in USD are not checked against a floor"),
        "{out}"
    );
    assert_eq!(out.matches("warning:").count(), 1, "{out}");
}

/// A keyword that is only the brand's name would match every title naming the
/// brand to that SKU: `check` accepts it, and says so.
#[test]
fn check_warns_of_a_keyword_that_is_only_the_brand_s_name() {
    let d = broken_targets(
        "brand.toml",
        "keywords = [\"s2 speaker\", \"s2 音箱\"]",
        "keywords = [\"s2 speaker\", \"ACME\"]",
    );
    let out = check_ok(d.path());
    assert!(
        out.contains("warning: SKU ACME-S2: keyword \"ACME\" is only the brand's name"),
        "{out}"
    );
}

/// What `check` prints of targets `dir`, which it accepts.
fn check_ok(dir: &Path) -> String {
    let o = brandguard()
        .args(["check", "--targets"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Copies targets/demo to a temp folder with one file edited.
fn broken_targets(file: &str, from: &str, to: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["", "marketplaces"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(Path::new("targets/demo").join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, dir.path().join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

fn check_fails(dir: &tempfile::TempDir) -> String {
    let o = brandguard()
        .args(["check", "--targets"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "bad configuration exits 2");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A floor finer than its currency's smallest unit (a 9 typed twice): `check` said
/// OK, and a listing at 199.99 was below a floor of 199.999, a finding for a tenth
/// of a cent.
#[test]
fn a_floor_finer_than_its_currency_is_refused() {
    let d = broken_targets("brand.toml", "USD = \"199.00\"", "USD = \"199.999\"");
    let err = check_fails(&d);
    assert!(
        err.contains("sku[0].floor.USD") && err.contains("USD has 2 decimal places"),
        "{err}"
    );
    let d = broken_targets("brand.toml", "CNY = \"1299.00\"", "JPY = \"1299.5\"");
    let err = check_fails(&d);
    assert!(err.contains("JPY has 0 decimal places"), "{err}");
    // Trailing zeros are no finer.
    let d = broken_targets("brand.toml", "USD = \"199.00\"", "USD = \"199.990\"");
    let o = brandguard()
        .args(["check", "--targets"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn bad_configuration_names_file_line_and_field() {
    // A float floor: money must be exact.
    let d = broken_targets("brand.toml", "USD = \"199.00\"", "USD = 199.99");
    let err = check_fails(&d);
    assert!(
        err.contains("brand.toml") && err.contains("line 37"),
        "{err}"
    );
    assert!(err.contains("write money as a string"), "{err}");

    // A decimal separator that cannot be one, named with its line.
    let d = broken_targets(
        "marketplaces/tmart.toml",
        "currency = \"CNY\"",
        "currency = \"CNY\"\ndecimal_separator = \"x\"",
    );
    let err = check_fails(&d);
    assert!(
        err.contains("tmart.toml:5") && err.contains("decimal_separator"),
        "{err}"
    );
    assert!(err.contains("cannot separate whole and cents"), "{err}");

    // A mistyped currency code: it would silently disable that floor.
    let d = broken_targets("brand.toml", "USD = \"199.00\"", "UDS = \"199.00\"");
    let err = check_fails(&d);
    assert!(
        err.contains("brand.toml") && err.contains("line 37"),
        "{err}"
    );
    assert!(err.contains("did you mean USD?"), "{err}");

    // A confidence no match reaches, and one MPN given to two SKUs (separators
    // aside): each was accepted, the first matching nothing, the second letting the
    // brand file's order decide a listing's SKU.
    let d = broken_targets(
        "brand.toml",
        "min_match_confidence = 80",
        "min_match_confidence = 180",
    );
    let err = check_fails(&d);
    assert!(err.contains("from 0 to 100"), "{err}");
    let d = broken_targets("brand.toml", "mpn = [\"ACS2-RED\"]", "mpn = [\"ACX1BLK\"]");
    let err = check_fails(&d);
    assert!(
        err.contains("sku[1].mpn") && err.contains("also given to SKU `ACME-X1`"),
        "{err}"
    );

    // One currency given twice (another case, an old code): one of the two floors
    // was silently the floor, and `check` said OK.
    for twice in [
        "USD = \"199.00\", usd = \"150\"",
        "USD = \"199.00\", RUB = \"1\", RUR = \"2\"",
    ] {
        let d = broken_targets("brand.toml", "USD = \"199.00\"", twice);
        let err = check_fails(&d);
        assert!(
            err.contains("brand.toml") && err.contains("line 37") && err.contains("is given twice"),
            "{twice}: {err}"
        );
    }

    // A bad CSS selector.
    let d = broken_targets(
        "marketplaces/tmart.toml",
        "title = \"h1.tb-title\"",
        "title = \"h1..tb-title\"",
    );
    let err = check_fails(&d);
    assert!(
        err.contains("tmart.toml:21") && err.contains("item.fields.title"),
        "{err}"
    );
    assert!(!err.contains("report this to the developer"), "{err}");
    // An empty one says so.
    let d = broken_targets(
        "marketplaces/tmart.toml",
        "title = \"h1.tb-title\"",
        "title = \"\"",
    );
    let err = check_fails(&d);
    assert!(err.contains("the selector is empty"), "{err}");

    // A seller authorised on a marketplace that does not exist.
    let d = broken_targets(
        "brand.toml",
        "authorized_on = [\"tmart\"]",
        "authorized_on = [\"tmall\"]",
    );
    let err = check_fails(&d);
    assert!(
        err.contains("brand.toml:") && err.contains("`tmall`"),
        "{err}"
    );

    // A promotion time without a UTC offset, and one that ends before it starts.
    let d = broken_targets(
        "brand.toml",
        "start = \"2026-11-03T00:00:00-05:00\"",
        "start = \"2026-11-03 00:00\"",
    );
    let err = check_fails(&d);
    assert!(
        err.contains("brand.toml:")
            && err.contains("promotion[0].start")
            && err.contains("UTC offset"),
        "{err}"
    );
    let d = broken_targets(
        "brand.toml",
        "end = \"2026-11-06T00:00:00-05:00\"",
        "end = \"2026-11-02T00:00:00-05:00\"",
    );
    let err = check_fails(&d);
    assert!(
        err.contains("promotion[0].end") && err.contains("ends before it starts"),
        "{err}"
    );

    // A GTIN with a wrong check digit.
    let d = broken_targets("brand.toml", "0012345678905", "0012345678906");
    let err = check_fails(&d);
    assert!(
        err.contains("sku[0].gtin") && err.contains("check digit"),
        "{err}"
    );
}

/// A seller box whose element holds the box's words with the name (a label, a
/// rating): the name alone is the seller's, so an unknown shop under a
/// distributor's name is found imitating it (read whole, "Sold by 华强电子 (4.9 ★)"
/// looked like no distributor, and a complaint would have named that as the seller).
#[test]
fn a_seller_box_s_words_are_no_part_of_the_seller_s_name() {
    let v = common::extract_on(
        r#"<meta charset="utf-8"><h1 class="tb-title">Acme X1 耳机 无线降噪</h1>
        <div class="tb-price"><span class="price-now">¥1,499.00</span></div>
        <a class="shop-name" data-shop-id="hq0000">Sold by 华强电子 (4.9 ★ 2,031)</a>"#
            .as_bytes(),
        "tmart",
        "http://127.0.0.1:1/detail/1.html",
    );
    assert_eq!(v["listing"]["seller"]["name"], "华强电子");
    assert_eq!(
        v["listing"]["sources"]["seller"],
        "selector a.shop-name (left out the seller box's words: \"Sold by\", \"(4.9 ★ 2,031)\")"
    );
    let identity = v["verdict"]["identity"].as_str().unwrap_or_default();
    assert!(
        identity.contains("the name imitates distributor Huaqiang Electronics"),
        "{identity}"
    );
    // eBay's badge before the name and feedback count after it, Amazon's "Ships
    // from X." before the label.
    for printed in [
        "Top Rated Plus 华强电子 (2,031) 99.2% positive over last 12 months",
        "Ships from Shenzhen. Sold by 华强电子 |",
    ] {
        let page = format!(
            r#"<meta charset="utf-8"><h1 class="tb-title">Acme X1 耳机 无线降噪</h1>
            <div class="tb-price"><span class="price-now">¥1,499.00</span></div>
            <a class="shop-name" data-shop-id="hq0000">{printed}</a>"#
        );
        let v = common::extract_on(page.as_bytes(), "tmart", "http://127.0.0.1:1/detail/1.html");
        assert_eq!(v["listing"]["seller"]["name"], "华强电子", "{printed}");
    }
}

/// A seller box saying only who ships (`Fulfilled by Amazon`) names no seller: read as
/// the name, "Fulfilled by Amazon" was the seller a finding and a complaint named.
/// The id the page gives still decides who sells, and the missing name says why.
#[test]
fn a_seller_box_saying_only_who_ships_names_no_seller() {
    let page = r#"<meta charset="utf-8"><h1 class="tb-title">Acme X1 耳机 无线降噪</h1>
        <div class="tb-price"><span class="price-now">¥1,499.00</span></div>
        <a class="shop-name" data-shop-id="shady01">Fulfilled by Amazon</a>"#;
    let v = common::extract_on(page.as_bytes(), "tmart", "http://127.0.0.1:1/detail/1.html");
    assert_eq!(v["listing"]["seller"]["name"], serde_json::Value::Null);
    assert_eq!(v["listing"]["seller"]["id"], "shady01");
    let missing = v["listing"]["missing"]["seller"]
        .as_str()
        .unwrap_or_default();
    assert!(missing.contains("says only who ships"), "{missing}");
    let findings = v["verdict"]["findings"].to_string();
    assert!(!findings.contains("Fulfilled by"), "{findings}");
}

/// A seller box holding only a button's words (`Contact seller`, `进店逛逛`: the
/// store's link where the page printed no name) names no seller: read as the name,
/// "Contact seller" was the unauthorized seller a finding and a complaint named. Nor
/// does the brand's line (`品牌：艾克米`).
#[test]
fn a_seller_box_holding_only_a_button_names_no_seller() {
    for printed in ["Contact seller", "进店逛逛", "Visit store ›"] {
        let page = format!(
            r#"<meta charset="utf-8"><h1 class="tb-title">Acme X1 耳机 无线降噪</h1>
            <div class="tb-price"><span class="price-now">¥1,499.00</span></div>
            <a class="shop-name" data-shop-id="shady01">{printed}</a>"#
        );
        let v = common::extract_on(page.as_bytes(), "tmart", "http://127.0.0.1:1/detail/1.html");
        assert_eq!(
            v["listing"]["seller"]["name"],
            serde_json::Value::Null,
            "{printed}"
        );
        assert_eq!(v["listing"]["seller"]["id"], "shady01");
        let missing = v["listing"]["missing"]["seller"]
            .as_str()
            .unwrap_or_default();
        assert!(missing.contains("a button's words"), "{missing}");
        let findings = v["verdict"]["findings"].to_string();
        assert!(findings.contains("unauthorized_seller"), "{findings}");
        assert!(!findings.contains(printed), "{findings}");
    }
    // The brand's line (a selector that took the byline) names who makes the item.
    let page = r#"<meta charset="utf-8"><h1 class="tb-title">Acme X1 耳机 无线降噪</h1>
        <div class="tb-price"><span class="price-now">¥1,499.00</span></div>
        <a class="shop-name" data-shop-id="shady01">品牌：艾克米</a>"#;
    let v = common::extract_on(page.as_bytes(), "tmart", "http://127.0.0.1:1/detail/1.html");
    assert_eq!(v["listing"]["seller"]["name"], serde_json::Value::Null);
    let missing = v["listing"]["missing"]["seller"]
        .as_str()
        .unwrap_or_default();
    assert!(missing.contains("names the brand"), "{missing}");
}

/// A seller box holding the buy box's offers line (`New (3) from ¥1,299.00`, a
/// selector that took the wrong line) names no seller: read as the name, it was an
/// unauthorized seller a finding named. A coupon's value beside the price is no price
/// either (`Coupon ¥200` before it was read as a price far under the floor).
#[test]
fn an_offers_line_names_no_seller_and_a_coupon_is_no_price() {
    let page = r#"<meta charset="utf-8"><h1 class="tb-title">Acme X1 耳机 无线降噪</h1>
        <div class="tb-price"><span class="price-now">Coupon ¥200 ¥1,499.00</span></div>
        <a class="shop-name" data-shop-id="shady01">New (3) from ¥1,299.00</a>"#;
    let v = common::extract_on(page.as_bytes(), "tmart", "http://127.0.0.1:1/detail/1.html");
    assert_eq!(v["listing"]["seller"]["name"], serde_json::Value::Null);
    assert_eq!(v["listing"]["seller"]["id"], "shady01");
    let missing = v["listing"]["missing"]["seller"]
        .as_str()
        .unwrap_or_default();
    assert!(missing.contains("offers"), "{missing}");
    assert_eq!(v["listing"]["price"]["amount"], "1499.00");
    let findings = v["verdict"]["findings"].to_string();
    assert!(!findings.contains("New (3)"), "{findings}");
    assert!(!findings.contains("below_floor"), "{findings}");
}

/// A session id in the seller's link (`/seller/nwaudio;jsessionid=…`, the servlet
/// way) is no part of the seller's id: read into it, the distributor's account was
/// no account of the distributor's, an unauthorized seller and a suspected
/// counterfeit.
#[test]
fn a_session_id_in_the_seller_s_link_is_no_part_of_its_id() {
    let page = r#"<html><body><h1 class="product-title">Acme X1 Headphones</h1>
        <div class="buybox"><span class="price">$249.99</span></div>
        <a class="seller" href="/seller/nwaudio;jsessionid=8F2A91C0D3">Northwind Audio</a>
        </body></html>"#;
    let v = common::extract_on(page.as_bytes(), "shopusa", "http://127.0.0.1:1/item/S1");
    assert_eq!(v["listing"]["seller"]["id"], "nwaudio");
    assert_eq!(v["verdict"]["authorized_seller"], "northwind");
    let findings = v["verdict"]["findings"].to_string();
    assert!(!findings.contains("unauthorized_seller"), "{findings}");
}

/// A rental's offer (`businessFunction` `LeaseOut`) is no sale price: a month's
/// rent was read as the price, a below-floor finding and a counterfeit signal.
/// With the box showing the rent per month, the listing has no price, and says why.
#[test]
fn a_rental_s_offer_is_no_sale_price() {
    let page = r#"<html><head><script type="application/ld+json">{"@context":"https://schema.org",
        "@type":"Product","name":"Acme X1 Headphones","offers":{"@type":"Offer","price":"29.99",
        "priceCurrency":"USD","businessFunction":"http://purl.org/goodrelations/v1#LeaseOut"}}
        </script></head><body><h1 class="product-title">Acme X1 Headphones (rental)</h1>
        <div class="buybox"><span class="price">$29.99/month</span></div>
        <a class="seller" href="/seller/rentals">Rent-a-Gadget</a></body></html>"#;
    let v = common::extract_on(page.as_bytes(), "shopusa", "http://127.0.0.1:1/item/R1");
    assert_eq!(v["listing"]["price"], serde_json::Value::Null);
    let missing = v["listing"]["missing"]["price"]
        .as_str()
        .unwrap_or_default();
    assert!(missing.contains("per month"), "{missing}");
    let findings = v["verdict"]["findings"].to_string();
    assert!(!findings.contains("below_floor"), "{findings}");
    assert!(!findings.contains("counterfeit"), "{findings}");
}

/// An AggregateOffer's range beside one price in the price box: the range's low end
/// is the lowest of offers whose sellers the data does not name, so the box's price
/// is the listing's (a seller whose box showed 249.99 was found advertising another's
/// 149.99). Alone, the range's low end is checked and a finding says which variant
/// or seller sells at it the page does not say; a box showing the range agrees.
#[test]
fn an_aggregate_offer_s_low_end_is_not_the_price_a_box_shows() {
    let aggregate = r#"<script type="application/ld+json">{"@context":"https://schema.org",
        "@type":"Product","name":"Acme X1 Headphones","offers":{"@type":"AggregateOffer",
        "lowPrice":"149.99","highPrice":"299.99","priceCurrency":"USD","offerCount":5}}</script>"#;
    let page = |price_box: &str| {
        format!(
            r#"<html><head>{aggregate}</head><body><h1 class="product-title">Acme X1 Headphones</h1>
            <div class="buybox"><span class="price">{price_box}</span></div>
            <a class="seller" href="/seller/cheapo">cheapo</a></body></html>"#
        )
    };
    let read = |price_box: &str| {
        let v = common::extract_on(
            page(price_box).as_bytes(),
            "shopusa",
            "http://127.0.0.1:1/item/A1",
        );
        let findings = v["verdict"]["findings"].to_string();
        (v["listing"]["price"]["amount"].clone(), findings)
    };
    let (price, findings) = read("$249.99");
    assert_eq!(price, "249.99");
    assert!(!findings.contains("below_floor"), "{findings}");
    let (price, findings) = read("");
    assert_eq!(price, "149.99");
    assert!(
        findings.contains("which variant or which seller sells at it"),
        "{findings}"
    );
    let (price, findings) = read("$149.99 – $299.99");
    assert_eq!(price, "149.99");
    assert!(findings.contains("below_floor"), "{findings}");
}

/// A price box saying the item is sold out (`$149.99 Sold out`): a finding on its
/// price says so, as it does where the structured data says every offer is out of
/// stock (it said nothing: whoever files on it must know no buyer can take it).
#[test]
fn a_price_box_saying_sold_out_is_said_in_the_finding() {
    let read = |price_box: &str| {
        let page = format!(
            r#"<html><body><h1 class="product-title">Acme X1 Headphones</h1>
            <div class="buybox"><span class="price">{price_box}</span></div>
            <a class="seller" href="/seller/cheapo">cheapo</a></body></html>"#
        );
        let v = common::extract_on(page.as_bytes(), "shopusa", "http://127.0.0.1:1/item/A1");
        v["verdict"]["findings"].to_string()
    };
    for (price_box, said) in [
        ("$149.99 Sold out", "sold out"),
        ("$149.99 Out of Stock", "out of stock"),
        ("$149.99 Ausverkauft", "ausverkauft"),
    ] {
        let findings = read(price_box);
        assert!(
            findings.contains("below_floor")
                && findings.contains(&format!("the page's price box says \\\"{said}\\\"")),
            "{price_box}: {findings}"
        );
    }
    let findings = read("$149.99 Only 2 left");
    assert!(!findings.contains("price box says"), "{findings}");
    // The price from structured data, the box read beside it: said the same.
    let page = r#"<html><head><script type="application/ld+json">{"@context":"https://schema.org",
        "@type":"Product","name":"Acme X1 Headphones","offers":{"@type":"Offer",
        "price":"149.99","priceCurrency":"USD"}}</script></head><body>
        <h1 class="product-title">Acme X1 Headphones</h1>
        <div class="buybox"><span class="price">$149.99 Sold out</span></div>
        <a class="seller" href="/seller/cheapo">cheapo</a></body></html>"#;
    let v = common::extract_on(page.as_bytes(), "shopusa", "http://127.0.0.1:1/item/A1");
    let findings = v["verdict"]["findings"].to_string();
    assert!(
        findings.contains("the page's price box says \\\"sold out\\\""),
        "{findings}"
    );
}

/// A saved page is read as of when it was captured (`--captured`): its structured
/// price, valid until the end of 2023, was "held until 2023-12-31, before the page
/// was captured" when read today, whatever day it was saved. Read as of its
/// capture, it is the price, with nothing said; a day that is no day is refused.
#[test]
fn extract_reads_a_saved_page_as_of_its_capture() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("item.html");
    std::fs::write(
        &page,
        r#"<script type="application/ld+json">{"@type":"Product","name":"Acme X1 Headphones",
        "offers":{"@type":"Offer","price":"99.99","priceCurrency":"USD",
        "priceValidUntil":"2023-12-31"}}</script><h1>Acme X1 Headphones</h1>"#,
    )
    .unwrap();
    let read = |captured: Option<&str>| {
        let mut cmd = brandguard();
        cmd.args(["extract"]).arg(&page).args([
            "--targets",
            "targets/demo",
            "--marketplace",
            "shopusa",
        ]);
        if let Some(c) = captured {
            cmd.args(["--captured", c]);
        }
        cmd.output().unwrap()
    };
    let choice = |o: &std::process::Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["listing"]["price"]["amount"], "99.99");
        v["listing"]["price_choice"].as_str().map(str::to_string)
    };
    assert_eq!(
        choice(&read(None)).as_deref(),
        Some(
            "its structured data says this price held until 2023-12-31, before the page was \
             captured"
        )
    );
    assert_eq!(choice(&read(Some("2023-12-20"))), None);
    assert_eq!(choice(&read(Some("2023-12-31T21:14:00Z"))), None);
    let o = read(Some("yesterday"));
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("`yesterday` is neither a day"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn extract_command_explains_a_saved_gbk_page() {
    let catalog = brandguard::demo::Catalog::generate(42, 24);
    let (_, path, bytes) =
        brandguard::demo::item_pages(&catalog, brandguard::demo::PageWeight::Light)
            .into_iter()
            .find(|(site, _, _)| *site == brandguard::demo::Site::Tmart)
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("item.html");
    std::fs::write(&page, &bytes).unwrap();
    let url = format!("http://127.0.0.1:1{path}");
    let o = brandguard()
        .args(["extract"])
        .arg(&page)
        .args([
            "--targets",
            "targets/demo",
            "--marketplace",
            "tmart",
            "--url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["listing"]["charset"], "GBK");
    assert_eq!(v["listing"]["charset_source"], "meta");
    assert_eq!(v["listing"]["sources"]["title"], "selector h1.tb-title");
    assert_eq!(v["listing"]["price"]["currency"], "CNY");
    assert!(
        v["listing"]["missing"]["mpn"]
            .as_str()
            .unwrap()
            .contains("no selector")
    );
    assert!(v["verdict"]["sku_match"]["confidence"].as_u64().is_some());

    // An empty page: nothing extracted, and the reasons say why.
    let o = brandguard()
        .args([
            "extract",
            "-",
            "--targets",
            "targets/demo",
            "--marketplace",
            "shopusa",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["listing"]["title"].is_null());
    assert!(
        v["listing"]["missing"]["price"]
            .as_str()
            .unwrap()
            .contains("selectors matched nothing")
    );

    // A selector that matches says so: the reason names what gave nothing (an
    // element without text, a regex that no longer fits), not "matched nothing".
    let page = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        page.path(),
        r#"<h1 class="product-title">Acme X1</h1><div class="buybox"><span class="price"></span>
        <a class="seller" href="/about">Sold by Acme</a></div>"#,
    )
    .unwrap();
    let o = brandguard()
        .args(["extract"])
        .arg(page.path())
        .args(["--targets", "targets/demo", "--marketplace", "shopusa"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let missing = &v["listing"]["missing"];
    assert_eq!(
        missing["price"], "not in structured data; `.buybox .price` matched, but none has text",
        "{missing}"
    );
    assert_eq!(
        missing["seller_id"],
        "not in structured data; `a.seller` matched, but no `href` value there fits its regex",
        "{missing}"
    );

    // An unknown marketplace is a configuration error naming the known ones.
    let o = brandguard()
        .args([
            "extract",
            "-",
            "--targets",
            "targets/demo",
            "--marketplace",
            "nope",
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shopusa"));
}

#[test]
fn schedule_prints_units_and_a_crontab_line() {
    let o = brandguard()
        .args([
            "schedule",
            "--targets",
            "targets/demo",
            "--store",
            "/var/lib/brandguard/store",
            "--at",
            "03:15",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("OnCalendar=*-*-* 03:15:00"), "{text}");
    assert!(
        text.contains("ExecStart=\"/") && text.contains(" scan --targets \"/"),
        "{text}"
    );
    assert!(
        text.contains("\n15 3 * * * BRANDGUARD_ACTOR=cron '/"),
        "{text}"
    );
    let bad = brandguard()
        .args(["schedule", "--targets", "t", "--at", "25:00"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    // A targets folder that does not exist is refused, not scheduled.
    let missing = brandguard()
        .args(["schedule", "--targets", "targets/acme"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("targets/acme"));
}

/// Paths with spaces and `%` survive the unit and the crontab line, and the service
/// is sandboxed: `systemd-analyze security --offline=true` rates it 2.5 or less.
#[test]
fn scheduled_units_are_hardened_and_quote_their_paths() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("has space/t%1");
    copy_tree(Path::new("targets/demo"), &targets);
    let store = dir.path().join("state dir/store");
    let o = brandguard()
        .args(["schedule", "--at", "02:30", "--targets"])
        .arg(&targets)
        .arg("--store")
        .arg(&store)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(text.contains("/has space/t%%1\" --store \""), "{text}");
    assert!(text.contains("/has space/t\\%1' --store '"), "{text}");
    assert!(text.contains("ReadWritePaths=\""), "{text}");
    if let Some(exposure) = exposure(dir.path(), &text) {
        assert!(exposure <= 2.5, "exposure {exposure}");
    }
}

/// The service of `schedule`'s output, rated by `systemd-analyze security
/// --offline=true` (None where it is not installed).
fn exposure(dir: &Path, text: &str) -> Option<f64> {
    let service = text
        .split("# /etc/systemd/system/brandguard-scan.timer")
        .next()
        .unwrap();
    let unit = dir.join("brandguard-scan.service");
    std::fs::write(&unit, service).unwrap();
    if !common::tool_available("systemd-analyze", "the unit's hardening") {
        return None;
    }
    let sec = std::process::Command::new("systemd-analyze")
        .args(["security", "--offline=true", "--no-pager"])
        .arg(&unit)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&sec.stdout).to_string();
    let exposure: f64 = report
        .lines()
        .find_map(|l| {
            l.split("Overall exposure level for brandguard-scan.service: ")
                .nth(1)
        })
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "no exposure level in: {report}{}",
                String::from_utf8_lossy(&sec.stderr)
            )
        });
    println!("systemd-analyze security --offline=true: exposure {exposure}\n{report}");
    Some(exposure)
}

/// Where listing pages are rendered (the default `[render] mode`), the unit lets
/// Chromium run: under `RestrictNamespaces=yes`, the syscall filter's `chroot` and
/// `capset` and `MemoryDenyWriteExecute=yes`, the browser did not start ("No usable
/// sandbox!") or its tabs died as they started, and every night had no
/// screenshots. Where nothing is rendered, the unit keeps them.
#[test]
fn a_unit_where_pages_are_rendered_lets_the_browser_run() {
    let dir = tempfile::tempdir().unwrap();
    let never = targets_rendering_never(dir.path());
    let unit = |targets: &Path| {
        let o = brandguard()
            .args(["schedule", "--targets"])
            .arg(targets)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let rendered = unit(Path::new("targets/demo"));
    assert!(
        rendered.contains("\nRestrictNamespaces=user pid net\n"),
        "{rendered}"
    );
    assert!(
        rendered.contains("\nSystemCallFilter=chroot capset\n"),
        "{rendered}"
    );
    assert!(
        !rendered.contains("\nMemoryDenyWriteExecute=yes\n"),
        "{rendered}"
    );
    assert!(
        !rendered.contains("\nRestrictNamespaces=yes\n"),
        "{rendered}"
    );
    let plain = unit(&never);
    assert!(plain.contains("\nRestrictNamespaces=yes\n"), "{plain}");
    assert!(plain.contains("\nMemoryDenyWriteExecute=yes\n"), "{plain}");
    assert!(!plain.contains("chroot capset"), "{plain}");
    for text in [&rendered, &plain] {
        if let Some(e) = exposure(dir.path(), text) {
            assert!(e <= 2.5, "exposure {e}");
        }
    }
}

/// A render mode given to `schedule` (`BRANDGUARD_RENDER` in the operator's shell,
/// `--render`) is the night's: the unit's sandbox is chosen for it and the nightly
/// command carries it. Before, the unit was chosen by brand.toml alone and the
/// night ran without the shell's variable: a brand rendering nothing whose operator
/// set `BRANDGUARD_RENDER=findings` got a unit the browser cannot start in.
#[test]
fn a_render_mode_given_to_schedule_is_the_night_s() {
    let dir = tempfile::tempdir().unwrap();
    let never = targets_rendering_never(dir.path());
    let unit = |targets: &Path, env: Option<&str>, args: &[&str]| {
        let mut c = brandguard();
        c.env_remove("BRANDGUARD_RENDER")
            .env_remove("BRANDGUARD_BROWSER_SANDBOX");
        if let Some(mode) = env {
            c.env("BRANDGUARD_RENDER", mode);
        }
        let o = c
            .args(["schedule", "--targets"])
            .arg(targets)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let exec = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("ExecStart=") || l.contains(" BRANDGUARD_ACTOR=cron "))
            .map(str::to_string)
            .collect()
    };
    let rendered = unit(&never, Some("findings"), &[]);
    assert!(
        rendered.contains("\nRestrictNamespaces=user pid net\n"),
        "{rendered}"
    );
    assert!(
        !rendered.contains("\nMemoryDenyWriteExecute=yes\n"),
        "{rendered}"
    );
    let lines = exec(&rendered);
    assert_eq!(lines.len(), 2, "{rendered}");
    assert!(
        lines.iter().all(|l| l.contains(" --render findings")),
        "{lines:?}"
    );
    let plain = unit(Path::new("targets/demo"), None, &["--render", "never"]);
    assert!(plain.contains("\nMemoryDenyWriteExecute=yes\n"), "{plain}");
    assert!(
        exec(&plain).iter().all(|l| l.contains(" --render never")),
        "{plain}"
    );
    let off = unit(
        &never,
        None,
        &["--render", "always", "--browser-sandbox", "off"],
    );
    assert!(off.contains("\nSystemCallFilter=chroot capset\n"), "{off}");
    assert!(
        exec(&off)
            .iter()
            .all(|l| l.contains(" --render always --browser-sandbox off")),
        "{off}"
    );
    // Nothing given: the targets decide each night, and the command says nothing.
    let own = unit(&never, None, &[]);
    assert!(own.contains("\nMemoryDenyWriteExecute=yes\n"), "{own}");
    assert!(exec(&own).iter().all(|l| !l.contains("--render")), "{own}");
}

/// A copy of the demo targets under `dir` whose brand.toml renders nothing.
fn targets_rendering_never(dir: &Path) -> std::path::PathBuf {
    let never = dir.join("never");
    copy_tree(Path::new("targets/demo"), &never);
    let brand = never.join("brand.toml");
    let toml = std::fs::read_to_string(&brand).unwrap();
    std::fs::write(&brand, format!("{toml}\n[render]\nmode = \"never\"\n")).unwrap();
    never
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn a_second_scan_on_the_same_store_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("store");
    let _held = brandguard::evidence::Store::open(&store_path).unwrap();
    let o = brandguard()
        .args(["scan", "--targets", "targets/demo", "--store"])
        .arg(&store_path)
        .args([
            "--base-url",
            "shopusa=http://127.0.0.1:9,tmart=http://127.0.0.1:9,bidbay=http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("in use by another brandguard process"),
        "{err}"
    );
}

/// Prices split over elements, read through the shopusa adapter's selector
/// (`.buybox .price`) by `brandguard extract`: the whole number, never its parts.
#[test]
fn prices_split_over_elements_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    for (markup, amount) in [
        (
            r#"$<span class="w">87<span class="d">.</span></span><span class="f">11</span>"#,
            "87.11",
        ),
        ("$119.<sup>95</sup>", "119.95"),
        ("<span>$87.</span><span>11</span>", "87.11"),
    ] {
        let page = dir.path().join("p.html");
        std::fs::write(
            &page,
            format!(
                "<html><body><h1 class=\"product-title\">Acme X1 Wireless Noise-Cancelling Headphones</h1>\
                 <div class=\"buybox\"><span class=\"price\">{markup}</span></div>\
                 <a class=\"seller\" href=\"/seller/cheap-deals\">Cheap Deals</a></body></html>"
            ),
        )
        .unwrap();
        let v = common::extract_shopusa(&std::fs::read(&page).unwrap(), "SU09998");
        assert_eq!(v["listing"]["price"]["amount"], amount, "{markup}");
    }
}

/// A targets folder's own capture-verdict rules that do not parse: `check` and
/// `scan` exit 2 naming the file and line, and the scan begins nothing in the store.
#[test]
fn a_bad_verdicts_file_is_a_bad_targets_folder() {
    let d = broken_targets("brand.toml", "[crawl]", "[crawl]");
    std::fs::write(
        d.path().join("verdicts.toml"),
        "[[rule]]\nprovider = \"x\"\nname = \"y\"\nverdict = \"maybe\"\n",
    )
    .unwrap();
    let err = check_fails(&d);
    assert!(
        err.contains("verdicts.toml") && err.contains("line 4"),
        "{err}"
    );
    let store = d.path().join("store");
    let o = brandguard()
        .args(["scan", "--targets"])
        .arg(d.path())
        .arg("--store")
        .arg(&store)
        .args(["--base-url", "shopusa=http://127.0.0.1:9"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("verdicts.toml"));
    assert!(!store.exists(), "nothing begun in the store");
}

/// A mistyped `--store` is an error with its own exit code (7), never a new empty
/// store whose empty report would read as a clean month; nothing is created.
#[test]
fn a_wrong_store_is_refused_and_never_created() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/stroe");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let targets = "targets/demo";
    for store in [&missing, &empty] {
        let s = store.to_str().unwrap();
        let runs: Vec<Vec<&str>> = vec![
            vec!["findings", "--store", s],
            vec!["evidence", "verify", "--store", s],
            vec!["case", "list", "--store", s],
            vec![
                "report",
                "compliance",
                "--period",
                "2026-11",
                "--targets",
                targets,
                "--store",
                s,
                "--out",
            ],
        ];
        for mut args in runs {
            let out_dir = dir.path().join("out");
            let out = out_dir.to_str().unwrap().to_string();
            if args.last() == Some(&"--out") {
                args.push(&out);
            }
            let o = brandguard().args(&args).output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(7), "{args:?}: {err}");
            assert!(
                err.contains("no brandguard evidence store"),
                "{args:?}: {err}"
            );
            assert!(!out_dir.exists(), "{args:?} wrote a report");
        }
    }
    assert!(!missing.exists(), "a reader created the mistyped store");
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);

    // A store whose `db` is gone is damaged, not absent: verify fails (exit 4) and
    // names it; nothing recreates it empty.
    let damaged = dir.path().join("damaged");
    std::fs::create_dir(&damaged).unwrap();
    std::fs::write(damaged.join("conf"), "segment_size: 524288\n").unwrap();
    let o = brandguard()
        .args(["evidence", "verify", "--store"])
        .arg(&damaged)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(
        err.contains("damaged") && err.contains("`db` is missing"),
        "{err}"
    );
    assert!(!damaged.join("db").exists());
}

/// The README's walkthrough, as written: `demo` (the first screen's command, into
/// `evidence/demo`), then every command of the "Cases, packets and reports" block in
/// order, each run by `sh` from a folder holding the repository's `targets/demo`.
#[test]
fn the_readme_walkthrough_runs_as_written() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let block = readme
        .split("## Cases, packets and reports\n\n```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README's cases block");
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new("targets/demo"), &dir.path().join("targets/demo"));
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_brandguard"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let demo = brandguard()
        .args(["demo", "--out", "evidence/demo"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let mut ran = 0;
    for line in block.lines().filter(|l| l.starts_with("brandguard ")) {
        let o = Command::new("sh")
            .args(["-c", line])
            .env("PATH", &path)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "README line failed ({:?}): {line}\n{}{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        ran += 1;
    }
    assert_eq!(ran, 9, "{block}");
    assert!(dir.path().join("evidence/demo/report/report.html").exists());
}

/// The first command a new user runs, on a machine without a browser: the demo
/// says once that it renders nothing, and the night is clean (before, exit 3 and
/// a `render_no_browser` failure, with its warning, per confirmed listing).
#[test]
fn the_demo_without_a_browser_says_so_once_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir_all(targets.join("marketplaces")).unwrap();
    for e in std::fs::read_dir("targets/demo/marketplaces").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(
            &p,
            targets.join("marketplaces").join(p.file_name().unwrap()),
        )
        .unwrap();
    }
    let brand = std::fs::read_to_string("targets/demo/brand.toml").unwrap();
    std::fs::write(
        targets.join("brand.toml"),
        format!("{brand}\n[render]\nmode = \"findings\"\nbrowser = \"/nonexistent/chromium\"\n"),
    )
    .unwrap();
    let o = brandguard()
        .env_remove("BRANDGUARD_RENDER")
        .args(["demo", "--nights", "2", "--targets"])
        .arg(&targets)
        .arg("--out")
        .arg(dir.path().join("demo"))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(o.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout
            .matches("no browser at /nonexistent/chromium: the demo runs without rendered captures")
            .count(),
        1,
        "{stdout}"
    );
    assert!(
        !stdout.contains("render_no_browser") && !stderr.contains("no browser at"),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("precision 1.000, recall 1.000"), "{stdout}");
}

/// A test buy recorded from the command line, as legal would: accepted for one of the
/// case's listings with its photo, refused for a listing of no case, shown by
/// `case show --json`, and the store still verifies (the photo is a snapshot).
#[test]
fn a_test_buy_is_recorded_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = brandguard()
        .args(["demo", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let store = out.join("store");
    let list = brandguard()
        .args(["case", "list", "--json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let cases: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let c = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["marketplace"] == "shopusa" && c["seller_id"] == "lxr")
        .expect("the demo's shopusa counterfeiter");
    let id = c["id"].as_str().unwrap();
    let key = c["findings"][0].as_str().unwrap();
    let listing = key.split('/').nth(1).unwrap();
    let photo = dir.path().join("photo.jpg");
    std::fs::write(&photo, b"JPEG bytes").unwrap();
    let testbuy = |listing: &str| {
        brandguard()
            .args(["case", "testbuy", id, "--listing", listing])
            .args([
                "--order",
                "112-4417-0021",
                "--date",
                "2026-11-20",
                "--result",
                "counterfeit",
            ])
            .args([
                "--appears",
                "product,packaging",
                "--notes",
                "logo misprinted",
                "--file",
            ])
            .arg(&photo)
            .args(["--by", "j.doe", "--store"])
            .arg(&store)
            .output()
            .unwrap()
    };
    let o = testbuy(listing);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&format!("case {id}")));
    let o = testbuy("NOT-A-LISTING");
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("is not a listing of case"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // A file of more than 64 MiB (sparse here) is refused before it is read.
    let big = dir.path().join("huge.jpg");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    let o = brandguard()
        .args(["case", "testbuy", id, "--listing", listing, "--order", "1"])
        .args(["--date", "2026-11-21", "--result", "genuine", "--file"])
        .arg(&big)
        .arg("--store")
        .arg(&store)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most"));
    let show = brandguard()
        .args(["case", "show", id, "--json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
    let g = &shown["grounds"][0];
    assert_eq!(g["order_id"], "112-4417-0021");
    assert_eq!(g["by"], "j.doe");
    assert_eq!(g["counterfeit"], true);
    assert_eq!(g["appears_in"], serde_json::json!(["product", "packaging"]));
    assert_eq!(g["file_sha256"].as_str().map(str::len), Some(64));
    // Another case's finding dismissed as a false positive from the command line:
    // resolved as dismissed, kept in the targets' dismissals.toml; twice is refused.
    let other = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] != id && !c["open_findings"].as_array().unwrap().is_empty())
        .expect("another case with open findings");
    let finding = other["open_findings"][0].as_str().unwrap();
    let dismiss = || {
        brandguard()
            .args(["case", "dismiss", finding, "--reason", "a pair sold as one"])
            .args(["--by", "j.doe", "--targets"])
            .arg(out.join("targets"))
            .arg("--store")
            .arg(&store)
            .output()
            .unwrap()
    };
    let o = dismiss();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("dismissed as a false positive by j.doe"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let kept = std::fs::read_to_string(out.join("targets/dismissals.toml")).unwrap();
    assert!(kept.contains("a pair sold as one"), "{kept}");
    let o = dismiss();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("already resolved"));
    let v = brandguard()
        .args(["evidence", "verify", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}

#[test]
fn a_bad_dismissals_file_is_a_bad_targets_folder() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new("targets/demo"), dir.path());
    std::fs::write(
        dir.path().join("dismissals.toml"),
        "[[dismissal]]\nmarketplace = 1\n",
    )
    .unwrap();
    let o = brandguard()
        .args(["check", "--targets"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("dismissals.toml"), "{err}");
}

/// A marketplace whose robots.txt disallows every listing page the search results
/// link to: the night read none of them. The coverage line said "read 0,
/// disallowed by robots.txt 27; coverage 100%" (of the pages asked for, none) and
/// coverage.csv "100"; both now say what robots.txt kept out.
#[test]
fn a_night_robots_txt_kept_out_of_every_listing_says_so_in_its_coverage() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = brandguard()
        .env_remove("BRANDGUARD_RENDER")
        .args(["demo", "--nights", "1", "--render", "never"])
        .args(["--fault", "shopusa=robots-items:1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("shopusa: searches"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        line.contains("read 0,")
            && line.contains("robots.txt DISALLOWS all 27 results: not looked at"),
        "{line}"
    );
    assert!(!line.contains("coverage 100%"), "{line}");
    assert!(
        stdout.contains("NOT LOOKED AT: shopusa (robots.txt disallows 27 of its 27 results)"),
        "{stdout}"
    );
    let allowed = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("tmart: searches"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        allowed.ends_with("coverage 100% of the pages robots.txt allows"),
        "{allowed}"
    );
    let csv = std::fs::read_to_string(out.join("report/coverage.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",disallowed_by_robots_txt"),
        "{csv}"
    );
    let shopusa = csv.lines().find(|l| l.contains(",shopusa,")).unwrap();
    assert!(shopusa.ends_with(",false,true,false,,27"), "{shopusa}");
}
