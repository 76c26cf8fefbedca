//! Who is behind the demo's sellers, as their profile pages show it, with planted
//! networks and decoys (the ground truth of `sellers network`):
//!
//! - a counterfeiter's three shops over two marketplaces: `shopusa/lxr` and
//!   `bidbay/a1-deals-hk` share a phone written two ways, `shopusa/lxr` and
//!   `bidbay/cheap_electronics_99` a legal name and an address written two ways;
//! - Pacific's undeclared second shop `shopusa/gadgetoutlet`, under another name,
//!   sharing Pacific's registration number;
//! - the distributors' declared accounts, linked as they should be (Northwind's by
//!   e-mail and phone, Huaqiang's by its unified social credit code);
//! - `tmart/gf666` and `tmart/yp2020`, two shops of one business licence (one
//!   selling fakes, one posing as a reseller);
//! - decoys: `shopusa/bd4u` and `tmart/gf666` use one cross-border agent's address,
//!   phone and e-mail (on `targets/demo/brand.toml`'s stoplist), and `shopusa/
//!   nw-audio-deals` copies Northwind's legal name at another address.

use super::catalog::{Catalog, Site};
use super::pages::{attr, esc};

/// A seller's identity as its profile page prints it.
#[derive(Debug, Clone, Copy)]
pub struct DemoIdentity {
    pub legal: &'static str,
    pub address: &'static str,
    pub phone: &'static str,
    pub email: &'static str,
    pub registration: &'static str,
    pub opened: &'static str,
}

const AGENT_ADDRESS: &str = "c/o Global Seller Services Ltd, Room 1501, 15/F, Grand Plaza, 88 Nathan Road, Tsim Sha Tsui, Hong Kong";

/// What each demo seller's profile page shows (sellers not listed show nothing).
const IDENTITIES: &[(Site, &str, DemoIdentity)] = &[
    (
        Site::Shopusa,
        "nwaudio",
        DemoIdentity {
            legal: "Northwind Audio LLC",
            address: "500 Harbor Blvd, Suite 210, Portland, OR 97201",
            phone: "+1 503-555-0142",
            email: "sales@northwind-audio.example",
            registration: "",
            opened: "2015-03-02",
        },
    ),
    (
        Site::Bidbay,
        "northwind_audio",
        DemoIdentity {
            legal: "NORTHWIND AUDIO, LLC",
            address: "500 Harbor Boulevard Ste 210, Portland OR 97201",
            phone: "(503) 555-0142",
            email: "Sales@Northwind-Audio.example",
            registration: "",
            opened: "2016-07-11",
        },
    ),
    (
        Site::Tmart,
        "nw-cn",
        DemoIdentity {
            legal: "诺思温德音频（上海）有限公司",
            address: "上海市浦东新区世纪大道100号",
            phone: "021-5555 0142",
            email: "sales@northwind-audio.example",
            registration: "",
            opened: "2019-01-15",
        },
    ),
    (
        Site::Shopusa,
        "pacsound",
        DemoIdentity {
            legal: "Pacific Sound Co.",
            address: "88 Ocean Ave, San Diego, CA 92101",
            phone: "+1 619-555-0177",
            email: "info@pacificsound.example",
            registration: "File No. 5839201 (Delaware)",
            opened: "2012-05-20",
        },
    ),
    (
        Site::Bidbay,
        "pacific-sound",
        DemoIdentity {
            legal: "Pacific Sound Co., Ltd.",
            address: "88 Ocean Avenue, San Diego CA 92101",
            phone: "619.555.0177",
            email: "ebay@pacificsound.example",
            registration: "5839201",
            opened: "2014-09-01",
        },
    ),
    (
        Site::Shopusa,
        "gadgetoutlet",
        DemoIdentity {
            legal: "PSC Retail Holdings",
            address: "12 Commerce Way, San Diego, CA 92102",
            phone: "+1 619-555-0188",
            email: "orders@gadget-outlet.example",
            registration: "DE file no. 5839201",
            opened: "2025-02-14",
        },
    ),
    (
        Site::Tmart,
        "hq8888",
        DemoIdentity {
            legal: "深圳市华强电子有限公司",
            address: "深圳市福田区华强北路1001号",
            phone: "0755-8888 1234",
            email: "hq@huaqiang.example",
            registration: "91440300MA5F8K2Q4Y",
            opened: "2010-06-18",
        },
    ),
    (
        Site::Shopusa,
        "hq-us",
        DemoIdentity {
            legal: "Shenzhen Huaqiang Electronics Co., Ltd.",
            address: "1001 Huaqiang North Road, Futian, Shenzhen, China",
            phone: "+86 755 8888 1234",
            email: "us@huaqiang.example",
            registration: "９１４４ ０３００ ＭＡ５Ｆ ８Ｋ２Ｑ ４Ｙ",
            opened: "2021-11-03",
        },
    ),
    (
        Site::Shopusa,
        "lxr",
        DemoIdentity {
            legal: "Lux Trading Ltd",
            address: "Flat 12, 8/F, 33 Kwun Tong Road, Kowloon, Hong Kong",
            phone: "+852 2345 6789",
            email: "lux.trading88@mail.example",
            registration: "",
            opened: "2024-08-30",
        },
    ),
    (
        Site::Bidbay,
        "a1-deals-hk",
        DemoIdentity {
            legal: "A1 Deals HK",
            address: "Unit 5, 2/F, 190 Sai Yeung Choi Street, Mong Kok, Hong Kong",
            phone: "00852-2345-6789",
            email: "a1deals.hk@mail.example",
            registration: "",
            opened: "2025-01-09",
        },
    ),
    (
        Site::Bidbay,
        "cheap_electronics_99",
        DemoIdentity {
            legal: "LUX TRADING LIMITED",
            address: "8th Floor, Rm 12, 33 Kwun Tong Rd., KLN, HK",
            phone: "+852 6123 4567",
            email: "cheap.electronics99@mail.example",
            registration: "",
            opened: "2025-04-22",
        },
    ),
    (
        Site::Shopusa,
        "bd4u",
        DemoIdentity {
            legal: "BestDeals4U Trading LLC",
            address: AGENT_ADDRESS,
            phone: "+852 3590 0000",
            email: "agent@globalsellerservices.example",
            registration: "",
            opened: "2023-10-05",
        },
    ),
    (
        Site::Tmart,
        "gf666",
        DemoIdentity {
            legal: "广州市白云区优耳电子商行",
            address: AGENT_ADDRESS,
            phone: "+852-3590-0000",
            email: "AGENT@globalsellerservices.example",
            registration: "91440101MA59TB6R1K",
            opened: "2024-03-12",
        },
    ),
    (
        Site::Tmart,
        "yp2020",
        DemoIdentity {
            legal: "广州市白云区优耳电子商行",
            address: "上海市闵行区七莘路3000号",
            phone: "021-6666 2020",
            email: "yp2020@shop.example",
            registration: "9144 0101 MA59 TB6R 1K",
            opened: "2020-02-20",
        },
    ),
    (
        Site::Shopusa,
        "nw-audio-deals",
        DemoIdentity {
            legal: "Northwind Audio LLC",
            address: "77 Liberty St, Newark, NJ 07102",
            phone: "+1 973-555-0111",
            email: "deals.nwaudio@mail.example",
            registration: "",
            opened: "2026-10-30",
        },
    ),
    (
        Site::Shopusa,
        "soundsteals",
        DemoIdentity {
            legal: "Sound Steals Inc.",
            address: "9 Market St, Austin, TX 78701",
            phone: "+1 512-555-0160",
            email: "hello@soundsteals.example",
            registration: "",
            opened: "2026-06-01",
        },
    ),
];

/// The identity the demo's seller `id` on `site` shows, if it shows one.
pub fn identity(site: Site, id: &str) -> Option<DemoIdentity> {
    IDENTITIES
        .iter()
        .find(|(s, i, _)| *s == site && *i == id)
        .map(|(_, _, d)| *d)
}

/// The planted networks: each a set of `(marketplace, seller id)` that should be
/// linked (declared accounts of one distributor included).
pub fn networks() -> Vec<Vec<SellerRef>> {
    vec![
        vec![
            ("bidbay", "a1-deals-hk"),
            ("bidbay", "cheap_electronics_99"),
            ("shopusa", "lxr"),
        ],
        vec![
            ("bidbay", "pacific-sound"),
            ("shopusa", "gadgetoutlet"),
            ("shopusa", "pacsound"),
        ],
        vec![
            ("bidbay", "northwind_audio"),
            ("shopusa", "nwaudio"),
            ("tmart", "nw-cn"),
        ],
        vec![("shopusa", "hq-us"), ("tmart", "hq8888")],
        // The counterfeiter gf666's second tmart shop, under the same business
        // licence (统一社会信用代码 written with spaces).
        vec![("tmart", "gf666"), ("tmart", "yp2020")],
    ]
}

/// `(marketplace, seller id)`.
pub type SellerRef = (&'static str, &'static str);

/// Pairs that share something and must never be linked.
pub fn decoys() -> Vec<(SellerRef, SellerRef)> {
    vec![
        (("shopusa", "bd4u"), ("tmart", "gf666")),
        (("shopusa", "nw-audio-deals"), ("shopusa", "nwaudio")),
    ]
}

/// A seller's profile page on `site`, or `None` for an unknown seller.
pub fn seller_page(c: &Catalog, site: Site, id: &str) -> Option<String> {
    let s = c.seller_by_id(site, id)?;
    let count = c.on(site).filter(|l| c.seller(l).id == s.id).count();
    let who = identity(site, id);
    Some(match site {
        Site::Shopusa => shopusa(&s.name, id, count, who),
        Site::Tmart => tmart(&s.name, count, who),
        Site::Bidbay => bidbay(&s.name, count, who),
    })
}

/// ShopUSA: schema.org `Organization` in JSON-LD, and the same shown to people.
fn shopusa(name: &str, id: &str, count: usize, who: Option<DemoIdentity>) -> String {
    let mut org = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": name,
        "identifier": id,
    });
    let mut shown = String::new();
    if let Some(w) = who {
        org["legalName"] = w.legal.into();
        org["address"] = serde_json::json!({"@type": "PostalAddress", "streetAddress": w.address});
        org["telephone"] = w.phone.into();
        org["email"] = w.email.into();
        org["foundingDate"] = w.opened.into();
        if !w.registration.is_empty() {
            org["identifier"] = serde_json::json!([
                id,
                {"@type": "PropertyValue", "propertyID": "registration", "value": w.registration}
            ]);
        }
        shown = format!(
            "<h2>Detailed seller information</h2><p>Business name: {}</p><p>Business address: {}</p>",
            esc(w.legal),
            esc(w.address)
        );
    }
    let json = org.to_string().replace("</", "<\\/");
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{n} - ShopUSA seller</title>\
         <script type=\"application/ld+json\">{json}</script></head><body>\
         <h1 class=\"seller-name\">{n}</h1><p>{count} items for sale</p>{shown}</body></html>",
        n = esc(name)
    )
}

/// tmart (GBK, encoded by the server): the shop's business licence panel (亮照).
fn tmart(name: &str, count: usize, who: Option<DemoIdentity>) -> String {
    let panel = who
        .map(|w| {
            format!(
                "<ul class=\"licence\"><li class=\"lic-company\">公司名称：{}</li>\
                 <li class=\"lic-uscc\">统一社会信用代码：{}</li><li class=\"lic-addr\">地址：{}</li>\
                 <li class=\"lic-tel\">联系电话：{}</li><li class=\"lic-mail\">邮箱：{}</li>\
                 <li class=\"lic-since\">开店时间：{}</li></ul>",
                esc(w.legal),
                esc(w.registration),
                esc(w.address),
                esc(w.phone),
                esc(w.email),
                esc(w.opened)
            )
        })
        .unwrap_or_default();
    format!(
        "<html><head><meta charset=\"gbk\"><title>{n}-淘集市</title></head><body>\
         <h1 class=\"shop-title\">{n}</h1><p>在售宝贝 {count} 件</p>{panel}</body></html>",
        n = esc(name)
    )
}

/// bidbay: the "Business seller information" block of a business seller.
fn bidbay(name: &str, count: usize, who: Option<DemoIdentity>) -> String {
    let block = who
        .map(|w| {
            let reg = if w.registration.is_empty() {
                String::new()
            } else {
                format!(
                    "<p class=\"bsi-reg\">Registration number: {}</p>",
                    esc(w.registration)
                )
            };
            format!(
                "<section class=\"bsi\"><h2>Business seller information</h2>\
                 <p class=\"bsi-name\">{}</p><p class=\"bsi-addr\">{}</p>\
                 <p class=\"bsi-phone\">Phone: {}</p><p class=\"bsi-email\">Email: <a href=\"mailto:{}\">{}</a></p>{reg}\
                 <p class=\"bsi-since\">Member since {}</p></section>",
                esc(w.legal),
                esc(w.address),
                esc(w.phone),
                attr(w.email),
                esc(w.email),
                esc(w.opened)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{n} | bidbay</title></head><body>\
         <h1 class=\"str-seller\">{n}</h1><p class=\"listings\">{count} items for sale</p>{block}</body></html>",
        n = esc(name)
    )
}

/// Networks found against the planted ones, pair by pair: every two accounts in one
/// network is a pair.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NetworkDetection {
    pub networks: usize,
    pub pairs_found: usize,
    pub pairs_planted: usize,
    pub true_positives: usize,
    pub precision: f64,
    pub recall: f64,
    /// Decoy pairs that were linked (must be none).
    pub decoys_linked: Vec<String>,
    /// Planted pairs not found.
    pub missed: Vec<String>,
}

/// Every unordered pair of `marketplace/id` accounts within one group.
fn pairs(
    groups: impl IntoIterator<Item = Vec<String>>,
) -> std::collections::BTreeSet<(String, String)> {
    let mut out = std::collections::BTreeSet::new();
    for mut g in groups {
        g.sort();
        for (i, a) in g.iter().enumerate() {
            for b in &g[i + 1..] {
                out.insert((a.clone(), b.clone()));
            }
        }
    }
    out
}

/// Scores `found` against [`networks`] and [`decoys`].
pub fn score(found: &crate::sellers::Networks) -> NetworkDetection {
    let got = pairs(
        found
            .networks
            .iter()
            .map(|n| n.members.iter().map(|a| a.to_string()).collect()),
    );
    let planted = pairs(
        networks()
            .into_iter()
            .map(|g| g.into_iter().map(|(m, id)| format!("{m}/{id}")).collect()),
    );
    let tp = got.intersection(&planted).count();
    // Ratios are a statistic for people, not money: f64 is right here.
    let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    let show = |(a, b): &(String, String)| format!("{a} ~ {b}");
    NetworkDetection {
        networks: found.networks.len(),
        pairs_found: got.len(),
        pairs_planted: planted.len(),
        true_positives: tp,
        precision: ratio(tp, got.len()),
        recall: ratio(tp, planted.len()),
        decoys_linked: decoys()
            .into_iter()
            .map(|((ma, a), (mb, b))| pairs([vec![format!("{ma}/{a}"), format!("{mb}/{b}")]]))
            .flat_map(|p| p.into_iter())
            .filter(|p| got.contains(p))
            .map(|p| show(&p))
            .collect(),
        missed: planted.difference(&got).map(show).collect(),
    }
}
