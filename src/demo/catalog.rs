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
    /// Shows an authorised distributor's name (or a homoglyph copy of it) under
    /// its own seller id: not authorised, and an impersonation signal.
    Impersonator,
    /// A distributor's second shop it never declared, under another name, linked
    /// to it by the registration number both profile pages show
    /// (`demo::identities`): the distributor's listings, an `undeclared_shop`.
    UndeclaredShop,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoSeller {
    pub site: Site,
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The distributor id in `targets/demo/brand.toml`, for authorised sellers.
    pub distributor: Option<&'static str>,
}

fn sellers() -> Vec<DemoSeller> {
    use Role::*;
    use Site::*;
    let s = |site, id: &str, name: &str, role| DemoSeller {
        site,
        id: id.into(),
        name: name.into(),
        role,
        distributor: match id {
            "nwaudio" | "nw-cn" | "northwind_audio" => Some("northwind"),
            "pacsound" | "pacific-sound" | "gadgetoutlet" => Some("pacific"),
            "hq8888" | "hq-us" => Some("huaqiang"),
            _ => None,
        },
    };
    vec![
        s(Shopusa, "nwaudio", "Northwind Audio", Authorized),
        s(Shopusa, "pacsound", "Pacific Sound Co.", Authorized),
        s(Shopusa, "bd4u", "BestDeals4U", Unauthorized),
        s(Shopusa, "gadgetoutlet", "Gadget Outlet", UndeclaredShop),
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
        // Sellers that only appear on later nights (see `Catalog::night`).
        s(Shopusa, "soundsteals", "SoundSteals", Unauthorized),
        s(Shopusa, "hq-us", "Huaqiang Electronics", OutOfTerritory),
        // Northwind's name under another shop id, and a homoglyph copy of its bidbay
        // name (Cyrillic о and а, a zero for an o) under yet another.
        s(Shopusa, "nw-audio-deals", "Northwind Audio", Impersonator),
        s(
            Bidbay,
            "n0rthwind-audio",
            "n0rthwind_\u{430}udi\u{43e}",
            Impersonator,
        ),
    ]
}

/// The first night of `brandguard demo --nights`, 06:00 UTC on 1 November 2026
/// (a fixed month, so the ground truth does not depend on the day the demo runs).
pub fn night_date(night: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 11, 1, 6, 0, 0)
        .single()
        .unwrap_or_default()
        + chrono::Duration::days(i64::from(night))
}

/// The listing Northwind opens for the promotion on night 2.
pub const PROMO_LISTING: &str = "SU90400";

/// The promotion of `targets/demo/brand.toml`: ACME-S2 on shopusa down to 79.00 USD
/// from 3 November 00:00 to 6 November 00:00 New York time (UTC−5).
pub struct DemoPromotion;

impl DemoPromotion {
    pub const NAME: &'static str = "Black Friday preview";
    pub const SKU: &'static str = "ACME-S2";
    pub const SITE: Site = Site::Shopusa;
    pub fn floor() -> Decimal {
        Decimal::new(7900, 2)
    }
    pub fn start() -> chrono::DateTime<chrono::Utc> {
        night_date(2) - chrono::Duration::hours(1)
    }
    pub fn end() -> chrono::DateTime<chrono::Utc> {
        night_date(5) - chrono::Duration::hours(1)
    }
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
    /// "Replica"-style words in the title.
    pub fake_words: bool,
    /// Taken down: gone from search, the item page answers 410.
    pub removed: bool,
    /// The promotion whose floor made a price under the regular floor allowed.
    pub promotion: Option<&'static str>,
    /// Expected finding kinds, from the generator's intent.
    pub expected: Vec<&'static str>,
}

impl DemoListing {
    /// The lowest advertised price (coupon or list).
    pub fn lowest(&self) -> Decimal {
        self.coupon.map_or(self.price, |c| c.min(self.price))
    }
}

/// The generated world, as it is on one night.
pub struct Catalog {
    pub seed: u64,
    /// 0 for the first night.
    pub night: u32,
    pub sellers: Vec<DemoSeller>,
    /// Every listing ever shown up to this night; taken-down ones are `removed`.
    pub listings: Vec<DemoListing>,
    /// `(site, listing id)` → position in `listings`, and each site's live listings in
    /// order: item and search pages of a 100,000-listing demo are answered without
    /// walking the whole catalog per request.
    index: std::collections::HashMap<(Site, String), usize>,
    live: std::collections::HashMap<Site, Vec<usize>>,
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
        Catalog::generate_with(seed, per_site, 0)
    }

    /// [`Catalog::generate`], with `compliant_percent` of the listings (spread evenly
    /// over each site) sold instead by the site's first authorised distributor at
    /// 100-125% of the floor and without a coupon: listings no rule flags.
    pub fn generate_with(seed: u64, per_site: usize, compliant_percent: u8) -> Catalog {
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
                // The sellers of later nights take no part in the first night.
                let seller_ix = site_sellers[n
                    % (site_sellers
                        .len()
                        .min(if site == Site::Shopusa { 6 } else { 5 }))];
                let seller = &sellers[seller_ix];
                let id = match site {
                    // Large catalogs (benchmarks) take seven digits, so they never meet
                    // the five-digit listings later nights add (SU90100…).
                    Site::Shopusa if per_site > 12_000 => {
                        format!("SU{:07}", 1000 + n * 7 + (seed as usize % 7))
                    }
                    Site::Shopusa => format!("SU{:05}", 1000 + n * 7 + (seed as usize % 7)),
                    Site::Tmart => format!("{}", 600_000 + n * 13 + (seed as usize % 13)),
                    Site::Bidbay => format!("{}", 395_100_000 + n * 31 + (seed as usize % 31)),
                };
                // Evenly spread: listing n is compliant when the n-th step of the
                // percentage crosses a whole number.
                let compliant = (n + 1) * compliant_percent.min(100) as usize / 100
                    > n * compliant_percent.min(100) as usize / 100;
                let authorised = site_sellers
                    .iter()
                    .copied()
                    .find(|&i| sellers[i].role == Role::Authorized);
                if let (true, Some(a)) = (compliant, authorised) {
                    let p = &products[n % 3];
                    let mut l = brand_listing(&mut rng, site, id, a, Role::Authorized, p);
                    l.price = money(&mut rng, p.floor(site), 100, 125);
                    l.coupon = None;
                    listings.push(l);
                    continue;
                }
                let listing = match seller.role {
                    Role::OtherBrand => other_brand(&mut rng, site, id, seller_ix, n),
                    role => {
                        // Every sixth listing of a non-counterfeit seller is an accessory
                        // "for" an Acme product: never the brand's own goods. One in
                        // three of them names the product first, the accessory after.
                        if role != Role::Counterfeiter && n % 6 == 5 {
                            let named_first = (n / 6) % 3 == 1;
                            accessory(&mut rng, site, id, seller_ix, &products[n % 3], named_first)
                        } else {
                            brand_listing(&mut rng, site, id, seller_ix, role, &products[n % 3])
                        }
                    }
                };
                listings.push(listing);
            }
        }
        let mut c = Catalog {
            seed,
            night: 0,
            sellers,
            listings,
            index: Default::default(),
            live: Default::default(),
        };
        c.write_expected();
        c.reindex();
        c
    }

    /// Rebuilds the lookups after listings were added or taken down.
    fn reindex(&mut self) {
        self.index = self
            .listings
            .iter()
            .enumerate()
            .map(|(i, l)| ((l.site, l.id.clone()), i))
            .collect();
        self.live.clear();
        for (i, l) in self.listings.iter().enumerate() {
            if !l.removed {
                self.live.entry(l.site).or_default().push(i);
            }
        }
    }

    /// The marketplace on night `night` (0 is [`Catalog::generate`]'s): each night
    /// some prices move; from night 2 Northwind runs the promotion on ACME-S2 at
    /// shopusa and never ends it (an overrun from the first night after its end);
    /// on night 3 the counterfeiter's shopusa listings are taken down (410) and
    /// Huaqiang, authorised on tmart only, starts selling on shopusa; on night 4 bidbay's
    /// counterfeiter is taken down and a new unauthorised seller, SoundSteals,
    /// appears; on night 5 the shopusa counterfeiter comes back with a new listing;
    /// on night 8 two sellers impersonate Northwind (its name under another id on
    /// shopusa, a homoglyph copy on bidbay) and SoundSteals lists headphones
    /// without the brand in the title or brand field, only the GTIN.
    pub fn night(seed: u64, per_site: usize, night: u32) -> Catalog {
        Catalog::night_with(seed, per_site, 0, night)
    }

    /// [`Catalog::night`] of a catalog made by [`Catalog::generate_with`].
    pub fn night_with(seed: u64, per_site: usize, compliant_percent: u8, night: u32) -> Catalog {
        let mut c = Catalog::generate_with(seed, per_site, compliant_percent);
        for k in 1..=night {
            c.advance(k);
        }
        c.reindex();
        c
    }

    /// From the night before to night `k`: prices move, then the night's events.
    fn advance(&mut self, k: u32) {
        self.reprice(k);
        match k {
            // Northwind's promotion listing, at the promotion's price and never ended.
            2 => self.add("nwaudio", PROMO_LISTING, 1, Decimal::new(7999, 2), false),
            3 => {
                self.take_down("lxr");
                self.add("hq-us", "SU90100", 0, Decimal::new(20900, 2), false);
                self.add("hq-us", "SU90102", 2, Decimal::new(4599, 2), false);
            }
            4 => {
                self.take_down("a1-deals-hk");
                self.add("soundsteals", "SU90200", 0, Decimal::new(17999, 2), false);
                self.add("soundsteals", "SU90201", 1, Decimal::new(7499, 2), false);
                self.add("soundsteals", "SU90202", 2, Decimal::new(5200, 2), false);
            }
            5 => self.add("lxr", "SU90300", 0, Decimal::new(6900, 2), true),
            8 => {
                self.add(
                    "nw-audio-deals",
                    "SU90500",
                    0,
                    Decimal::new(20500, 2),
                    false,
                );
                self.add_on(
                    Site::Bidbay,
                    "n0rthwind-audio",
                    "395190001",
                    1,
                    Decimal::new(9500, 2),
                );
                self.add("soundsteals", "SU90501", 0, Decimal::new(18900, 2), false);
                if let Some(l) = self.listings.last_mut() {
                    l.title = "Wireless Noise-Cancelling Headphones, Black".into();
                    l.brand = "";
                }
            }
            _ => {}
        }
        self.night = k;
        self.write_expected();
    }

    /// A fifth of the listings reprice each night, in the band their seller keeps
    /// to (the promotion listing keeps its price).
    fn reprice(&mut self, k: u32) {
        let products = products();
        let mut rng =
            StdRng::seed_from_u64(self.seed ^ u64::from(k).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for l in self.listings.iter_mut() {
            let role = self.sellers[l.seller].role;
            let Some(p) = products.iter().find(|p| Some(p.sku) == l.sku) else {
                continue;
            };
            if matches!(
                role,
                Role::Authorized | Role::Unauthorized | Role::UndeclaredShop
            ) && l.id != PROMO_LISTING
                && rng.random_bool(0.2)
            {
                let floor = p.floor(l.site);
                l.price = if rng.random_bool(0.35) {
                    money(&mut rng, floor, 88, 99)
                } else {
                    money(&mut rng, floor, 100, 120)
                };
                l.coupon = None;
            }
        }
    }

    fn seller_ix(&self, id: &str) -> usize {
        self.sellers.iter().position(|s| s.id == id).unwrap_or(0)
    }

    /// The marketplace removes every listing of `seller`.
    fn take_down(&mut self, seller: &str) {
        let ix = self.seller_ix(seller);
        for l in self.listings.iter_mut().filter(|l| l.seller == ix) {
            l.removed = true;
        }
    }

    /// `seller` lists genuine-looking product `p` on `site` at `price`.
    fn add_on(&mut self, site: Site, seller: &str, id: &str, p: usize, price: Decimal) {
        self.add(seller, id, p, price, false);
        if let Some(l) = self.listings.last_mut() {
            l.site = site;
            l.shipping = (site == Site::Bidbay).then(|| Decimal::new(499, 2));
        }
    }

    /// `seller` lists product `p` on ShopUSA at `price`; a fake one says so in its
    /// title and carries no GTIN or MPN.
    fn add(&mut self, seller: &str, id: &str, p: usize, price: Decimal, fake: bool) {
        let products = products();
        let p = &products[p];
        let title = if fake {
            format!("{} (Replica, AAA quality)", p.en)
        } else {
            p.en.to_string()
        };
        let seller = self.seller_ix(seller);
        self.listings.push(DemoListing {
            site: Site::Shopusa,
            id: id.into(),
            sku: Some(p.sku),
            title,
            seller,
            price,
            coupon: None,
            shipping: None,
            gtin: (!fake).then_some(p.gtin),
            mpn: (!fake).then_some(p.mpn),
            brand: "Acme",
            fake_words: fake,
            removed: false,
            promotion: None,
            expected: Vec::new(),
        });
    }

    /// Writes each listing's expected findings from the generator's intent, for the
    /// catalog's night (promotion windows depend on the date).
    fn write_expected(&mut self) {
        let at = night_date(self.night);
        let products = products();
        for l in self.listings.iter_mut() {
            l.expected.clear();
            // What the previous night carried decides whether this is an overrun.
            let carried = l.promotion.take().is_some();
            let Some(p) = products.iter().find(|p| Some(p.sku) == l.sku) else {
                continue;
            };
            let role = self.sellers[l.seller].role;
            let floor = p.floor(l.site);
            let lowest = l.lowest();
            match role {
                Role::Unauthorized | Role::Counterfeiter | Role::Impersonator => {
                    l.expected.push("unauthorized_seller")
                }
                Role::OutOfTerritory => l.expected.push("territory_breach"),
                Role::UndeclaredShop => l.expected.push("undeclared_shop"),
                _ => {}
            }
            let promo = l.site == DemoPromotion::SITE && p.sku == DemoPromotion::SKU;
            if lowest < floor {
                let running = promo && DemoPromotion::start() <= at && at < DemoPromotion::end();
                let ended = promo && DemoPromotion::end() <= at;
                if running && lowest >= DemoPromotion::floor() {
                    l.promotion = Some(DemoPromotion::NAME);
                } else if ended && carried && lowest >= DemoPromotion::floor() {
                    l.promotion = Some(DemoPromotion::NAME);
                    l.expected.push("promotion_overrun");
                } else {
                    l.expected.push("below_floor");
                }
            }
            // Counterfeit signals: a counterfeit word, or a price under half the floor.
            if l.fake_words || lowest * Decimal::TWO < floor || role == Role::Impersonator {
                l.expected.push("suspected_counterfeit");
            }
            l.expected.sort();
        }
    }

    pub fn seller(&self, l: &DemoListing) -> &DemoSeller {
        &self.sellers[l.seller]
    }

    /// The live listings of a site (what search shows).
    pub fn on(&self, site: Site) -> impl ExactSizeIterator<Item = &DemoListing> {
        self.live
            .get(&site)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| &self.listings[i])
    }

    /// The `n`-th live listing of a site (search order), if there are that many.
    pub fn nth_live(&self, site: Site, n: usize) -> Option<&DemoListing> {
        let i = *self.live.get(&site)?.get(n)?;
        self.listings.get(i)
    }

    pub fn find(&self, site: Site, id: &str) -> Option<&DemoListing> {
        let i = *self.index.get(&(site, id.to_string()))?;
        self.listings.get(i)
    }

    /// Position of a listing among its site's live listings (for the reset fault).
    pub fn position(&self, site: Site, id: &str) -> Option<usize> {
        let i = *self.index.get(&(site, id.to_string()))?;
        self.live.get(&site)?.iter().position(|&x| x == i)
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
        Role::Unauthorized | Role::UndeclaredShop => {
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
    // Structured identifiers only on genuine-looking listings, as on real sites.
    let ids = role != Role::Counterfeiter && rng.random_bool(0.6);
    // bidbay sellers name what else the item goes with: the speaker's title names the
    // headphones after it, and only its own floor holds (its keywords come first).
    // Others say what the item works with, after it (the brand file's exclusion
    // phrase "compatible with" is said of the phone, not of the product).
    let title = match (site, p.sku) {
        _ if ids || fake_words => title,
        (Site::Bidbay, "ACME-S2") => format!("{title} - pairs with Acme X1 Headphones"),
        (Site::Shopusa, "ACME-P3") | (Site::Bidbay, "ACME-X1") => {
            format!("{title}, Compatible with iPhone and Android")
        }
        _ => title,
    };
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
        fake_words,
        removed: false,
        promotion: None,
        expected: Vec::new(),
    }
}

/// An accessory for product `p`. `named_first`: a title that names the product
/// before the accessory ("Acme X1 … Headphones Hard Case, Black", "Acme艾克米 X1 …
/// 耳机 保护壳") under an "Unbranded" brand field, the way third-party case sellers list on eBay; the others
/// say "Protective Case for …" under their own brand.
fn accessory(
    rng: &mut StdRng,
    site: Site,
    id: String,
    seller: usize,
    p: &Product,
    named_first: bool,
) -> DemoListing {
    let title = match site {
        Site::Tmart if named_first => format!("{} 保护壳", p.zh),
        Site::Tmart => format!("适用于{} 保护套 硅胶", p.zh),
        _ if named_first => format!("{} Hard Case, Black", p.en),
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
        brand: if named_first {
            "Unbranded"
        } else {
            "CaseCraft"
        },
        fake_words: false,
        removed: false,
        promotion: None,
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
        fake_words: false,
        removed: false,
        promotion: None,
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
    fn a_compliant_share_leaves_that_share_of_listings_without_findings() {
        let share = |c: &Catalog| {
            let flagged = c.listings.iter().filter(|l| !l.expected.is_empty()).count();
            flagged as f64 / c.listings.len() as f64
        };
        let all = Catalog::generate(42, 1000);
        let few = Catalog::generate_with(42, 1000, 92);
        assert_eq!(few.listings.len(), all.listings.len());
        // About 60% of the usual mix is flagged; with 92% compliant, 8% of that.
        assert!(share(&all) > 0.5, "{}", share(&all));
        assert!((0.03..0.07).contains(&share(&few)), "{}", share(&few));
        assert_eq!(
            Catalog::generate_with(42, 24, 0).listings.len(),
            Catalog::generate(42, 24).listings.len()
        );
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
