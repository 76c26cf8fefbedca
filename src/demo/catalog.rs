//! The demo marketplace's world: products, sellers and listings, generated from a seed,
//! and the ground truth of which listings violate the brand's policy and why.
//!
//! The ground truth is written here from what the generator *intended* (who the seller
//! is, how the price was chosen), not by running the judge, so that it can catch the
//! judge being wrong. It must agree with `targets/demo/brand.toml`.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rust_decimal::Decimal;
use serde::Serialize;

/// The three demo sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Site {
    /// English, USD, JSON-LD item pages, paginated search.
    Shopusa,
    /// Chinese, CNY, GBK-encoded, selectors only, coupon prices.
    Tmart,
    /// Auction/fixed-price site with microdata + OpenGraph and seller pages.
    Bidbay,
}

impl Site {
    pub const ALL: [Site; 3] = [Site::Shopusa, Site::Tmart, Site::Bidbay];

    /// The marketplace name used in `targets/demo/marketplaces/`.
    pub fn name(self) -> &'static str {
        match self {
            Site::Shopusa => "shopusa",
            Site::Tmart => "tmart",
            Site::Bidbay => "bidbay",
        }
    }

    pub fn currency(self) -> &'static str {
        match self {
            Site::Tmart => "CNY",
            _ => "USD",
        }
    }
}

/// A product of the demo brand (Acme), with the floors the demo brand file sets.
pub struct Product {
    pub sku: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub gtin: &'static str,
    pub mpn: &'static str,
    pub floor_usd: Decimal,
    pub floor_cny: Decimal,
}

pub fn products() -> Vec<Product> {
    vec![
        Product {
            sku: "ACME-X1",
            en: "Acme X1 Wireless Noise-Cancelling Headphones",
            zh: "Acme艾克米 X1 无线降噪耳机",
            gtin: "0012345678905",
            mpn: "ACX1-BLK",
            floor_usd: Decimal::new(19900, 2),
            floor_cny: Decimal::new(129900, 2),
        },
        Product {
            sku: "ACME-S2",
            en: "Acme S2 Portable Bluetooth Speaker",
            zh: "Acme艾克米 S2 便携蓝牙音箱",
            gtin: "0012345678912",
            mpn: "ACS2-RED",
            floor_usd: Decimal::new(8900, 2),
            floor_cny: Decimal::new(59900, 2),
        },
        Product {
            sku: "ACME-P3",
            en: "Acme P3 True Wireless Earbuds",
            zh: "Acme艾克米 P3 真无线耳机",
            gtin: "0012345678929",
            mpn: "ACP3-WHT",
            floor_usd: Decimal::new(4900, 2),
            floor_cny: Decimal::new(32900, 2),
        },
    ]
}

impl Product {
    pub fn floor(&self, site: Site) -> Decimal {
        match site {
            Site::Tmart => self.floor_cny,
            _ => self.floor_usd,
        }
    }
}

/// What kind of seller a demo seller is, which decides the expected findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// An authorised distributor, selling where it may.
    Authorized,
    /// An authorised distributor selling on a marketplace outside its territory.
    OutOfTerritory,
    /// A reseller the brand never authorised.
    Unauthorized,
    /// Fakes: very low prices, "replica" in some titles.
    Counterfeiter,
    /// Sells only other brands' goods.
    OtherBrand,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoSeller {
    pub site: Site,
    pub id: String,
    pub name: String,
    pub role: Role,
}

fn sellers() -> Vec<DemoSeller> {
    use Role::*;
    use Site::*;
    let s = |site, id: &str, name: &str, role| DemoSeller {
        site,
        id: id.into(),
        name: name.into(),
        role,
    };
    vec![
        s(Shopusa, "nwaudio", "Northwind Audio", Authorized),
        s(Shopusa, "pacsound", "Pacific Sound Co.", Authorized),
        s(Shopusa, "bd4u", "BestDeals4U", Unauthorized),
        s(Shopusa, "gadgetoutlet", "Gadget Outlet", Unauthorized),
        s(Shopusa, "lxr", "LuxReplica Store", Counterfeiter),
        s(Shopusa, "sonora", "Sonora Official", OtherBrand),
        s(Tmart, "hq8888", "华强电子旗舰店", Authorized),
        s(
            Tmart,
            "nw-cn",
            "Northwind Audio Official Store",
            OutOfTerritory,
        ),
        s(Tmart, "yp2020", "优品数码专营店", Unauthorized),
        s(Tmart, "gf666", "高仿耳机批发", Counterfeiter),
        s(Tmart, "snr-cn", "索诺拉旗舰店", OtherBrand),
        s(Bidbay, "northwind_audio", "northwind_audio", Authorized),
        s(Bidbay, "pacific-sound", "Pacific-Sound", OutOfTerritory),
        s(
            Bidbay,
            "cheap_electronics_99",
            "cheap_electronics_99",
            Unauthorized,
        ),
        s(Bidbay, "a1-deals-hk", "a1-deals-hk", Counterfeiter),
        s(Bidbay, "sonora_outlet", "sonora_outlet", OtherBrand),
    ]
}

/// One listing on one demo site.
#[derive(Debug, Clone, Serialize)]
pub struct DemoListing {
    pub site: Site,
    pub id: String,
    /// The Acme SKU, or `None` for another brand's product or an accessory.
    pub sku: Option<&'static str>,
    pub title: String,
    pub seller: usize,
    /// List price in the site's currency.
    pub price: Decimal,
    /// A coupon ("券后价") price beside the list price (tmart only).
    pub coupon: Option<Decimal>,
    /// Shipping cost (bidbay only); never part of the advertised price.
    pub shipping: Option<Decimal>,
    pub gtin: Option<&'static str>,
    pub mpn: Option<&'static str>,
    pub brand: &'static str,
    /// Expected finding kinds, from the generator's intent.
    pub expected: Vec<&'static str>,
}

/// The generated world.
pub struct Catalog {
    pub seed: u64,
    pub sellers: Vec<DemoSeller>,
    pub listings: Vec<DemoListing>,
}

fn money(rng: &mut StdRng, floor: Decimal, lo_pct: i64, hi_pct: i64) -> Decimal {
    let pct = rng.random_range(lo_pct..=hi_pct);
    // Whole cents, then end in .99 or .00 the way shops price.
    let cents = (floor * Decimal::new(pct, 2)).round_dp(0);
    let cents = if rng.random_bool(0.5) {
        cents - Decimal::new(1, 2)
    } else {
        cents
    };
    cents.max(Decimal::new(1, 0)).round_dp(2)
}

impl Catalog {
    /// Generates `per_site` listings on each of the three sites from `seed`.
    pub fn generate(seed: u64, per_site: usize) -> Catalog {
        let mut rng = StdRng::seed_from_u64(seed);
        let sellers = sellers();
        let products = products();
        let mut listings = Vec::new();
        for site in Site::ALL {
            let site_sellers: Vec<usize> = sellers
                .iter()
                .enumerate()
                .filter(|(_, s)| s.site == site)
                .map(|(i, _)| i)
                .collect();
            for n in 0..per_site {
                let seller_ix = site_sellers[n % site_sellers.len()];
                let seller = &sellers[seller_ix];
                let id = match site {
                    Site::Shopusa => format!("SU{:05}", 1000 + n * 7 + (seed as usize % 7)),
                    Site::Tmart => format!("{}", 600_000 + n * 13 + (seed as usize % 13)),
                    Site::Bidbay => format!("{}", 395_100_000 + n * 31 + (seed as usize % 31)),
                };
                let listing = match seller.role {
                    Role::OtherBrand => other_brand(&mut rng, site, id, seller_ix, n),
                    role => {
                        // Every sixth listing of a non-counterfeit seller is an accessory
                        // "for" an Acme product: never the brand's own goods.
                        if role != Role::Counterfeiter && n % 6 == 5 {
                            accessory(&mut rng, site, id, seller_ix, &products[n % 3])
                        } else {
                            brand_listing(&mut rng, site, id, seller_ix, role, &products[n % 3])
                        }
                    }
                };
                listings.push(listing);
            }
        }
        Catalog {
            seed,
            sellers,
            listings,
        }
    }

    pub fn seller(&self, l: &DemoListing) -> &DemoSeller {
        &self.sellers[l.seller]
    }

    pub fn on(&self, site: Site) -> impl Iterator<Item = &DemoListing> {
        self.listings.iter().filter(move |l| l.site == site)
    }

    pub fn find(&self, site: Site, id: &str) -> Option<&DemoListing> {
        self.listings.iter().find(|l| l.site == site && l.id == id)
    }

    pub fn seller_by_id(&self, site: Site, id: &str) -> Option<&DemoSeller> {
        self.sellers.iter().find(|s| s.site == site && s.id == id)
    }
}

fn brand_listing(
    rng: &mut StdRng,
    site: Site,
    id: String,
    seller: usize,
    role: Role,
    p: &Product,
) -> DemoListing {
    let floor = p.floor(site);
    let (price, fake_words) = match role {
        Role::Authorized | Role::OutOfTerritory => {
            if rng.random_bool(0.35) {
                (money(rng, floor, 85, 99), false)
            } else {
                (money(rng, floor, 100, 125), false)
            }
        }
        Role::Unauthorized => {
            if rng.random_bool(0.5) {
                (money(rng, floor, 75, 99), false)
            } else {
                (money(rng, floor, 100, 120), false)
            }
        }
        _ => (money(rng, floor, 20, 45), rng.random_bool(0.5)),
    };
    // Coupons only on tmart, only for sellers priced at or above the floor, and only
    // sometimes below it: the lowest advertised price is what counts.
    let coupon = if site == Site::Tmart && price >= floor && rng.random_bool(0.4) {
        Some(money(rng, floor, 88, 99))
    } else {
        None
    };
    let shipping =
        (site == Site::Bidbay).then(|| Decimal::new(rng.random_range(0..=12) * 100 + 99, 2));
    let title = match (site, fake_words) {
        (Site::Tmart, true) => format!("高仿 {} 1:1", p.zh),
        (Site::Tmart, false) => format!("{} 正品行货", p.zh),
        (_, true) => format!("{} (Replica, AAA quality)", p.en),
        (_, false) => p.en.to_string(),
    };
    let lowest = coupon.map_or(price, |c| c.min(price));
    let mut expected = Vec::new();
    match role {
        Role::Unauthorized | Role::Counterfeiter => expected.push("unauthorized_seller"),
        Role::OutOfTerritory => expected.push("territory_breach"),
        _ => {}
    }
    if lowest < floor {
        expected.push("below_floor");
    }
    // Counterfeit signals: a counterfeit word, or a price under half the floor.
    if fake_words || lowest * Decimal::TWO < floor {
        expected.push("suspected_counterfeit");
    }
    expected.sort();
    // Structured identifiers only on genuine-looking listings, as on real sites.
    let ids = role != Role::Counterfeiter && rng.random_bool(0.6);
    DemoListing {
        site,
        id,
        sku: Some(p.sku),
        title,
        seller,
        price,
        coupon,
        shipping,
        gtin: ids.then_some(p.gtin),
        mpn: ids.then_some(p.mpn),
        brand: "Acme",
        expected,
    }
}

fn accessory(rng: &mut StdRng, site: Site, id: String, seller: usize, p: &Product) -> DemoListing {
    let title = match site {
        Site::Tmart => format!("适用于{} 保护套 硅胶", p.zh),
        _ => format!("Protective Case for {}", p.en),
    };
    let price = money(rng, p.floor(site), 5, 12);
    DemoListing {
        site,
        id,
        sku: None,
        title,
        seller,
        price,
        coupon: None,
        shipping: (site == Site::Bidbay).then(|| Decimal::new(299, 2)),
        gtin: None,
        mpn: None,
        brand: "CaseCraft",
        expected: Vec::new(),
    }
}

fn other_brand(rng: &mut StdRng, site: Site, id: String, seller: usize, n: usize) -> DemoListing {
    // Same model numbers and product words as Acme's, far below Acme's floors:
    // only the brand tells them apart.
    let (title, floor) = match (site, n % 3) {
        (Site::Tmart, 0) => (
            "索诺拉 Sonora X1 无线降噪耳机".to_string(),
            Decimal::new(129900, 2),
        ),
        (Site::Tmart, 1) => (
            "索诺拉 Sonora S2 便携蓝牙音箱".to_string(),
            Decimal::new(59900, 2),
        ),
        (Site::Tmart, _) => (
            "索诺拉 Sonora P3 真无线耳机".to_string(),
            Decimal::new(32900, 2),
        ),
        (_, 0) => (
            "Sonora X1 Wireless Noise-Cancelling Headphones".to_string(),
            Decimal::new(19900, 2),
        ),
        (_, 1) => (
            "Sonora S2 Portable Bluetooth Speaker".to_string(),
            Decimal::new(8900, 2),
        ),
        _ => (
            "Sonora P3 True Wireless Earbuds".to_string(),
            Decimal::new(4900, 2),
        ),
    };
    let price = money(rng, floor, 30, 60);
    DemoListing {
        site,
        id,
        sku: None,
        title,
        seller,
        price,
        coupon: None,
        shipping: (site == Site::Bidbay).then(|| Decimal::new(499, 2)),
        gtin: Some("0098765432105"),
        mpn: None,
        brand: "Sonora",
        expected: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        let a = Catalog::generate(7, 20);
        let b = Catalog::generate(7, 20);
        let pa: Vec<_> = a.listings.iter().map(|l| (l.id.clone(), l.price)).collect();
        let pb: Vec<_> = b.listings.iter().map(|l| (l.id.clone(), l.price)).collect();
        assert_eq!(pa, pb);
    }

    #[test]
    fn every_kind_of_seller_and_violation_appears() {
        let c = Catalog::generate(42, 24);
        let kinds: std::collections::BTreeSet<_> = c
            .listings
            .iter()
            .flat_map(|l| l.expected.iter().copied())
            .collect();
        for k in [
            "unauthorized_seller",
            "territory_breach",
            "below_floor",
            "suspected_counterfeit",
        ] {
            assert!(kinds.contains(k), "missing {k}");
        }
        assert!(
            c.listings
                .iter()
                .any(|l| l.sku.is_none() && l.expected.is_empty())
        );
        assert!(
            c.listings
                .iter()
                .any(|l| l.coupon.is_some_and(|cp| cp < l.price))
        );
    }
}
