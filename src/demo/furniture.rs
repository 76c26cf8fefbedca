//! What surrounds a listing on a real marketplace page: menus, footers, tracking
//! scripts, inline JSON state, descriptions, reviews that quote other prices and
//! rails of other sellers' products with their prices.
//!
//! The demo's `light` pages (about 1 KB) measure the crawler's fixed cost per page
//! and keep tests fast; real listing pages weigh 15–60 KB before images and the
//! captured pages in the peer tests 300 KB–1.6 MB. `real` and `heavy` pages wrap the
//! same listing in that furniture, so extraction cost is measured on pages of real
//! weight and every price a review or a rail quotes is a chance to read the wrong
//! one: the ground truth does not change with the weight.

use std::fmt::Write as _;
use std::str::FromStr;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rust_decimal::Decimal;

use super::catalog::{DemoListing, Site, products};

/// How much a demo page weighs around its listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PageWeight {
    /// The listing alone: ~1 KB item pages, 10 results per search page.
    #[default]
    Light,
    /// Item pages of 15–40 KB with a marketplace's furniture; 48 results per search page.
    Real,
    /// Item pages of 300 KB–1.5 MB (large inline state, many reviews), like the
    /// captured pages; 60 results per search page.
    Heavy,
}

impl PageWeight {
    /// Listings per search results page.
    pub fn page_size(self) -> usize {
        match self {
            PageWeight::Light => 10,
            PageWeight::Real => 48,
            PageWeight::Heavy => 60,
        }
    }

    /// The size an item page of this listing is filled to, in bytes (0: no furniture).
    fn item_target(self, seed: u64) -> usize {
        match self {
            PageWeight::Light => 0,
            // A little inside the promised ranges (15-40 KB, 300 KB-1.5 MB): the
            // listing's own markup and the state's rounding are not counted exactly.
            PageWeight::Real => 16_000 + (seed % 23_000) as usize,
            PageWeight::Heavy => 310_000 + (seed % 1_170_000) as usize,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PageWeight::Light => "light",
            PageWeight::Real => "real",
            PageWeight::Heavy => "heavy",
        }
    }
}

impl FromStr for PageWeight {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "light" => Ok(PageWeight::Light),
            "real" => Ok(PageWeight::Real),
            "heavy" => Ok(PageWeight::Heavy),
            other => Err(format!(
                "unknown page weight `{other}`: use light, real or heavy"
            )),
        }
    }
}

/// Furniture to place around a page's own content.
#[derive(Debug, Default)]
pub struct Furniture {
    /// Inside `<head>`, after the page's own head elements.
    pub head: String,
    /// Right after `<body>`: header, menus, breadcrumbs.
    pub top: String,
    /// Before `</body>`: description, reviews, rails, inline state, footer.
    pub bottom: String,
}

/// A stable seed from a listing's id (FNV-1a), so a page is the same on every request.
fn seed_of(site: Site, id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ site as u64;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

const WORDS: &[&str] = &[
    "sound",
    "battery",
    "comfortable",
    "bass",
    "case",
    "charging",
    "bluetooth",
    "range",
    "quality",
    "clear",
    "calls",
    "travel",
    "noise",
    "fit",
    "volume",
    "pairing",
    "design",
    "premium",
    "light",
    "durable",
    "crisp",
    "warm",
    "balanced",
    "controls",
    "app",
    "firmware",
    "microphone",
    "latency",
    "gaming",
    "music",
    "podcast",
    "commute",
    "office",
];

const ZH_WORDS: &[&str] = &[
    "音质",
    "续航",
    "佩戴",
    "舒适",
    "低音",
    "降噪",
    "充电",
    "蓝牙",
    "连接",
    "稳定",
    "包装",
    "物流",
    "很快",
    "客服",
    "耐心",
    "做工",
    "精致",
    "性价比",
    "推荐",
    "通话",
    "清晰",
];

fn words(rng: &mut StdRng, zh: bool, n: usize) -> String {
    let list = if zh { ZH_WORDS } else { WORDS };
    let mut s = String::new();
    for i in 0..n {
        if i > 0 && !zh {
            s.push(' ');
        }
        s.push_str(list[rng.random_range(0..list.len())]);
    }
    s
}

/// A price as a page in `site`'s style writes one.
fn money(site: Site, cents: i64) -> String {
    let d = Decimal::new(cents, 2);
    match site {
        Site::Tmart => format!("¥{d:.2}"),
        Site::Bidbay => format!("US ${d:.2}"),
        Site::Shopusa => format!("${d:.2}"),
    }
}

/// A review's sentence quoting a price that is not this listing's: another shop's,
/// a former price, another currency.
fn quoted_price(rng: &mut StdRng, site: Site) -> String {
    let cents = rng.random_range(500..60_000);
    let d = Decimal::new(cents, 2);
    if site == Site::Tmart {
        return match rng.random_range(0..4) {
            0 => format!("之前在别家买的¥{d:.2}，这家更好"),
            1 => format!("原价¥{d:.2}，活动时入手"),
            2 => format!("朋友在美国买的才${d:.2}"),
            _ => format!("比实体店便宜了¥{d:.2}"),
        };
    }
    match rng.random_range(0..6) {
        0 => format!("Paid ${d:.2} for the same at BigBox last year."),
        1 => format!("Was ${d:.2} when I first looked, glad I waited."),
        2 => format!("My sister got hers for €{d:.2} in Berlin."),
        3 => format!("In London it's £{d:.2}, so this is a fair deal."),
        4 => format!("Saw it for {d:.2} USD on another site but shipping was extra."),
        _ => format!("Bought two, the second one was ${d:.2} with a coupon."),
    }
}

/// Other listings a page recommends, with other sellers and their prices: among them
/// the brand's own products far under any floor.
struct RailItem {
    title: String,
    seller: String,
    cents: i64,
    gtin: Option<&'static str>,
    href: String,
}

fn rail(rng: &mut StdRng, site: Site, n: usize) -> Vec<RailItem> {
    let catalog = products();
    (0..n)
        .map(|i| {
            let p = &catalog[rng.random_range(0..catalog.len())];
            let own = rng.random_bool(0.5);
            let title = match (site, own) {
                (Site::Tmart, true) => p.zh.to_string(),
                (_, true) => p.en.to_string(),
                (Site::Tmart, false) => format!("蓝牙耳机 {}", words(rng, true, 2)),
                (_, false) => format!("Wireless {} earbuds", words(rng, false, 2)),
            };
            let id = 900_000 + rng.random_range(0..99_999);
            RailItem {
                title,
                seller: format!("shop{}", rng.random_range(100..999)),
                cents: rng.random_range(299..9_999),
                gtin: own.then_some(p.gtin),
                href: match site {
                    Site::Shopusa => format!("/item/R{id}x{i}"),
                    Site::Tmart => format!("/detail/{id}{i}.html"),
                    Site::Bidbay => format!("/itm/{id}{i}"),
                },
            }
        })
        .collect()
}

fn esc(s: &str) -> String {
    html_escape::encode_text(s).into_owned()
}

/// JSON for a `<script>`: `</` would end the script early.
fn script_json(v: &serde_json::Value) -> String {
    v.to_string().replace("</", "<\\/")
}

const CSS: &str = ".site-header{display:flex;align-items:center;gap:16px;padding:8px 24px;background:#131921;color:#fff}\
.mega-menu ul{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(4,1fr)}\
.mega-menu a{color:#ddd;text-decoration:none;font:13px/1.6 system-ui}.crumbs{font-size:12px;color:#565959}\
.rail{display:flex;overflow-x:auto;gap:12px}.rail-item{min-width:160px;border:1px solid #eee;padding:8px}\
.rail-price{color:#b12704;font-weight:700}.review{border-top:1px solid #ddd;padding:12px 0}.stars{color:#ffa41c}\
.site-footer{background:#232f3e;color:#ccc;padding:32px}.site-footer a{color:#ccc}";

const TRACKER: &str = "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});\
var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;\
j.src='/_static/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})(window,document,'script','dataLayer','GTM-DEMO');\
window.addEventListener('scroll',function(){if(!window.__seen){window.__seen=1;navigator.sendBeacon&&navigator.sendBeacon('/_beacon',JSON.stringify({e:'scroll',t:Date.now()}))}});";

/// The furniture of an item page of `l` at `weight`: empty for `light`.
pub fn item(weight: PageWeight, l: &DemoListing) -> Furniture {
    let seed = seed_of(l.site, &l.id);
    let target = weight.item_target(seed);
    if target == 0 {
        return Furniture::default();
    }
    let site = l.site;
    let zh = site == Site::Tmart;
    let mut rng = StdRng::seed_from_u64(seed);
    let rails = rail(&mut rng, site, 16);
    let mut f = Furniture {
        head: head(&mut rng, site, &rails),
        top: header(&mut rng, site, &l.title),
        bottom: String::new(),
    };
    let mut b = rail_html(site, &rails);
    // Description and reviews until the page has its weight; what is left goes into
    // the inline state, as marketplaces' hydration data does.
    let fixed = f.head.len() + f.top.len() + b.len() + 4_000;
    b.push_str(&text(
        &mut rng,
        site,
        target.saturating_sub(fixed).min(60_000) / 2,
    ));
    let footer = footer(zh);
    // The listing's own markup is about 1 KB.
    let used = f.head.len() + f.top.len() + b.len() + footer.len() + 1_000;
    b.push_str(&state(&mut rng, site, &l.id, target.saturating_sub(used)));
    b.push_str(&footer);
    f.bottom = b;
    f
}

/// Other sellers' products as a rail and (on shopusa) as a schema.org `ItemList`.
fn rail_html(site: Site, rails: &[RailItem]) -> String {
    let zh = site == Site::Tmart;
    let mut b = String::new();
    let heading = if zh {
        "看了又看"
    } else {
        "Customers also viewed"
    };
    let _ = write!(b, "<section class=\"rail\"><h2>{heading}</h2><ul>");
    for r in rails {
        let _ = write!(
            b,
            "<li class=\"rail-item\"><a href=\"{}\">{}</a> <span class=\"rail-price\">{}</span> \
             <span class=\"rail-seller\">{}</span></li>",
            r.href,
            esc(&r.title),
            money(site, r.cents),
            r.seller
        );
    }
    b.push_str("</ul></section>");
    if site == Site::Shopusa {
        let list: Vec<serde_json::Value> = rails
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut p = serde_json::json!({
                    "@type": "Product", "name": r.title, "url": r.href,
                    "offers": {"@type": "Offer", "price": format!("{:.2}", Decimal::new(r.cents, 2)),
                               "priceCurrency": "USD",
                               "seller": {"@type": "Organization", "name": r.seller}}
                });
                if let Some(g) = r.gtin {
                    p["gtin13"] = g.into();
                }
                serde_json::json!({"@type": "ListItem", "position": i + 1, "item": p})
            })
            .collect();
        let _ = write!(
            b,
            "<script type=\"application/ld+json\">{}</script>",
            script_json(&serde_json::json!({
                "@context": "https://schema.org", "@type": "ItemList",
                "name": "Customers also viewed", "itemListElement": list
            }))
        );
    }
    b
}

/// A description and reviews quoting other prices, each about `share` bytes.
fn text(rng: &mut StdRng, site: Site, share: usize) -> String {
    let zh = site == Site::Tmart;
    let mut desc = String::from("<section class=\"description\"><h2>");
    desc.push_str(if zh {
        "商品详情"
    } else {
        "About this item"
    });
    desc.push_str("</h2>");
    let mut reviews = String::from("<section class=\"reviews\"><h2>");
    reviews.push_str(if zh {
        "累计评价"
    } else {
        "Customer reviews"
    });
    reviews.push_str("</h2>");
    while desc.len() < share {
        let n = rng.random_range(20..60);
        let _ = write!(desc, "<p>{}.</p>", words(rng, zh, n));
    }
    desc.push_str("</section>");
    let mut k = 0;
    while reviews.len() < share {
        k += 1;
        let stars = "★".repeat(rng.random_range(1..=5));
        let n = rng.random_range(8..30);
        let _ = write!(
            reviews,
            "<div class=\"review\" id=\"r{k}\"><span class=\"stars\">{stars}</span> \
             <span class=\"reviewer\">user{}</span><p class=\"review-body\">{} {}</p></div>",
            rng.random_range(1000..99_999),
            words(rng, zh, n),
            esc(&quoted_price(rng, site)),
        );
    }
    reviews.push_str("</section>");
    desc + &reviews
}

/// The furniture of a search results page at `weight`: empty for `light`.
pub fn search(weight: PageWeight, site: Site, page: usize) -> Furniture {
    if weight == PageWeight::Light {
        return Furniture::default();
    }
    let zh = site == Site::Tmart;
    let mut rng = StdRng::seed_from_u64(seed_of(site, &format!("search-{page}")));
    let rails = rail(&mut rng, site, 8);
    let mut top = header(&mut rng, site, "acme");
    let _ = write!(
        top,
        "<aside class=\"filters\"><h3>{}</h3><ul><li><a href=\"?under=25\">{}</a></li>\
         <li><a href=\"?under=100\">{}</a></li><li><a href=\"?over=100\">{}</a></li></ul></aside>",
        if zh { "价格" } else { "Price" },
        money(site, 2500),
        money(site, 10_000),
        money(site, 10_000),
    );
    let mut bottom = String::from("<section class=\"rail sponsored-rail\"><ul>");
    for r in &rails {
        let _ = write!(
            bottom,
            "<li class=\"rail-item\"><a href=\"{}\">{}</a> <span class=\"rail-price\">{}</span></li>",
            r.href,
            esc(&r.title),
            money(site, r.cents)
        );
    }
    bottom.push_str("</ul></section>");
    let extra = if weight == PageWeight::Heavy {
        200_000
    } else {
        8_000
    };
    bottom.push_str(&state(&mut rng, site, "search", extra));
    bottom.push_str(&footer(zh));
    Furniture {
        head: head(&mut rng, site, &rails),
        top,
        bottom,
    }
}

fn head(rng: &mut StdRng, site: Site, rails: &[RailItem]) -> String {
    let mut h = format!(
        "<style>{CSS}</style><link rel=\"preload\" href=\"/_static/app.js\" as=\"script\">"
    );
    let _ = write!(h, "<script>{TRACKER}</script>");
    // An analytics push that names a recommended product's price.
    if let Some(r) = rails.first() {
        let _ = write!(
            h,
            "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({});</script>",
            script_json(&serde_json::json!({
                "event": "view_item_list", "ecommerce": {"items": [{
                    "item_name": r.title, "price": Decimal::new(r.cents, 2).to_string(),
                    "currency": if site == Site::Tmart { "CNY" } else { "USD" }
                }]}
            }))
        );
    }
    let _ = write!(
        h,
        "<script async src=\"/_static/vendor.{:08x}.js\"></script>",
        rng.random::<u32>()
    );
    h
}

fn header(rng: &mut StdRng, site: Site, crumb: &str) -> String {
    let zh = site == Site::Tmart;
    let mut h = String::from(
        "<header class=\"site-header\"><a class=\"logo\" href=\"/\">home</a>\
         <form class=\"search-box\" action=\"/search\"><input name=\"q\"><button>Go</button></form>\
         <nav class=\"mega-menu\">",
    );
    for d in 0..8 {
        let _ = write!(h, "<div class=\"dept\"><h4>{}</h4><ul>", words(rng, zh, 2));
        for k in 0..10 {
            let _ = write!(
                h,
                "<li><a href=\"/c/{d}/{k}\">{}</a></li>",
                words(rng, zh, 2)
            );
        }
        h.push_str("</ul></div>");
    }
    let _ = write!(
        h,
        "</nav></header><div class=\"crumbs\"><a href=\"/\">Home</a> › <a href=\"/c/3\">{}</a> › {}</div>",
        if zh { "数码影音" } else { "Electronics" },
        esc(crumb)
    );
    h
}

/// Hydration state of `bytes` bytes or so: product ids, experiments and a long list of
/// recommendations with prices, in a plain (not ld+json) script.
fn state(rng: &mut StdRng, site: Site, id: &str, bytes: usize) -> String {
    let mut recs = Vec::new();
    let mut size = 0;
    while size < bytes {
        let cents = rng.random_range(199..99_999);
        let r = serde_json::json!({
            "id": format!("{}", rng.random_range(1_000_000..9_999_999)),
            "title": words(rng, site == Site::Tmart, 6),
            "price": {"value": Decimal::new(cents, 2).to_string(), "formatted": money(site, cents)},
            "seller": format!("shop{}", rng.random_range(100..999)),
            "rating": rng.random_range(10..50),
            "img": format!("/_img/{:016x}.jpg", rng.random::<u64>()),
        });
        size += r.to_string().len() + 1;
        recs.push(r);
    }
    let v = serde_json::json!({
        "page": {"listing": id, "locale": if site == Site::Tmart { "zh-CN" } else { "en-US" }},
        "experiments": {"buybox_v2": rng.random_bool(0.5), "rail_layout": rng.random_range(1..4)},
        "recommendations": recs,
    });
    format!(
        "<script>window.__INITIAL_STATE__={};</script>",
        script_json(&v)
    )
}

fn footer(zh: bool) -> String {
    let mut f = String::from("<footer class=\"site-footer\"><div class=\"cols\">");
    let cols: [(&str, &[&str]); 4] = if zh {
        [
            ("购物指南", &["免费注册", "开通支付宝", "支付宝充值"]),
            ("支付方式", &["快捷支付", "信用卡", "余额宝", "蚂蚁花呗"]),
            ("商家服务", &["商家中心", "运营服务", "物流服务"]),
            ("关于我们", &["联系我们", "隐私政策", "知识产权"]),
        ]
    } else {
        [
            (
                "Get to know us",
                &["Careers", "Blog", "About", "Investor relations"],
            ),
            (
                "Make money with us",
                &["Sell products", "Become an affiliate", "Advertise"],
            ),
            (
                "Payment",
                &["Business card", "Shop with points", "Reload your balance"],
            ),
            (
                "Let us help you",
                &["Your account", "Returns", "Help", "Report infringement"],
            ),
        ]
    };
    for (title, links) in cols {
        let _ = write!(f, "<div class=\"col\"><h5>{title}</h5><ul>");
        for l in links {
            let _ = write!(f, "<li><a href=\"/help/{}\">{l}</a></li>", l.len());
        }
        f.push_str("</ul></div>");
    }
    f.push_str("</div><p class=\"legal\">© 1996-2026, demo marketplace. Conditions of use. Privacy notice.</p></footer>");
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_parse_and_name_themselves() {
        for w in [PageWeight::Light, PageWeight::Real, PageWeight::Heavy] {
            assert_eq!(w.name().parse::<PageWeight>(), Ok(w));
        }
        assert!(
            "medium"
                .parse::<PageWeight>()
                .unwrap_err()
                .contains("light, real or heavy")
        );
    }
}
