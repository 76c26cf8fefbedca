//! The embedded demo marketplace: three synthetic sites generated from a seed, served
//! on 127.0.0.1, with a request log and the ground truth of every listing.
//!
//! `brandguard demo` and the integration tests scan it; `brandguard serve-demo` runs
//! it alone so adapters can be tried against it.

pub mod catalog;
mod furniture;
pub mod hostile;
pub mod identities;
mod pages;
mod server;
mod targets;
mod walls;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde::Serialize;

pub use catalog::{Catalog, DemoListing, DemoPromotion, Role, Site, night_date};
pub use furniture::PageWeight;
pub use server::{Fault, RequestRecord, Wall};
pub use targets::{TargetsError, write_targets};

/// How to generate and serve the demo.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Listings per site.
    pub listings_per_site: usize,
    /// Port of the first site; the others take the next two. 0 picks free ports.
    pub port: u16,
    /// Misbehaviour to inject, per site.
    pub faults: Vec<(Site, Fault)>,
    /// How much a page weighs around its listing (`light` by default: fast tests).
    pub page_weight: PageWeight,
    /// Percent of the listings (0 by default) sold instead by an authorised
    /// distributor in its territory at or above the floor: a market where few
    /// listings violate, for benchmarks of what findings cost (see
    /// [`Catalog::generate_with`]). Ground truth follows the listings.
    pub compliant_percent: u8,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            seed: 42,
            listings_per_site: 24,
            port: 0,
            faults: Vec::new(),
            page_weight: PageWeight::Light,
            compliant_percent: 0,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot listen on 127.0.0.1:{port}: {source} (is another demo running? try --port 0)")]
    Bind { port: u16, source: std::io::Error },
}

/// A running demo marketplace. Dropping it stops the servers.
pub struct DemoServer {
    catalog: server::Shared,
    seed: u64,
    per_site: usize,
    compliant_percent: u8,
    weight: PageWeight,
    addrs: Vec<(Site, SocketAddr)>,
    log: Arc<Mutex<Vec<RequestRecord>>>,
    faults: server::Faults,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl DemoServer {
    /// Generates the catalog and starts the three sites. Must run inside a tokio runtime.
    pub async fn start(opts: &DemoOptions) -> Result<DemoServer, DemoError> {
        let catalog: server::Shared = Arc::new(std::sync::RwLock::new(Arc::new(
            Catalog::generate_with(opts.seed, opts.listings_per_site, opts.compliant_percent),
        )));
        let log = Arc::new(Mutex::new(Vec::new()));
        let faults: server::Faults = Arc::new(std::sync::RwLock::new(opts.faults.clone()));
        let mut addrs = Vec::new();
        let mut tasks = Vec::new();
        for (i, site) in Site::ALL.into_iter().enumerate() {
            let port = if opts.port == 0 {
                0
            } else {
                opts.port + i as u16
            };
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|source| DemoError::Bind { port, source })?;
            let addr = listener
                .local_addr()
                .map_err(|source| DemoError::Bind { port, source })?;
            let app = server::router(
                site,
                catalog.clone(),
                log.clone(),
                faults.clone(),
                opts.page_weight,
            );
            let listener = server::SiteListener {
                inner: listener,
                site,
                faults: faults.clone(),
            };
            tasks.push(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!(site = site.name(), error = %e, "demo site stopped");
                }
            }));
            addrs.push((site, addr));
        }
        Ok(DemoServer {
            catalog,
            seed: opts.seed,
            per_site: opts.listings_per_site,
            compliant_percent: opts.compliant_percent,
            weight: opts.page_weight,
            addrs,
            log,
            faults,
            tasks,
        })
    }

    /// Replaces the misbehaviour of every site (a night a marketplace blocks the
    /// crawler, then one it does not), while the demo runs.
    pub fn set_faults(&self, faults: Vec<(Site, Fault)>) {
        match self.faults.write() {
            Ok(mut f) => *f = faults,
            Err(p) => *p.into_inner() = faults,
        }
    }

    /// How much its pages weigh around their listings.
    pub fn page_weight(&self) -> PageWeight {
        self.weight
    }

    /// `http://127.0.0.1:PORT` of a site.
    pub fn base_url(&self, site: Site) -> String {
        let addr = self
            .addrs
            .iter()
            .find(|(s, _)| *s == site)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
        format!("http://{addr}")
    }

    /// `(marketplace name, base URL)` for every site, to override the demo targets.
    pub fn base_urls(&self) -> Vec<(String, String)> {
        Site::ALL
            .iter()
            .map(|s| (s.name().to_string(), self.base_url(*s)))
            .collect()
    }

    /// Every request the sites received so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The catalog of the current night.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Moves the marketplace to night `night` (see [`Catalog::night`]).
    pub fn set_night(&self, night: u32) {
        let next = Arc::new(Catalog::night_with(
            self.seed,
            self.per_site,
            self.compliant_percent,
            night,
        ));
        match self.catalog.write() {
            Ok(mut c) => *c = next,
            Err(p) => *p.into_inner() = next,
        }
    }

    pub fn ground_truth(&self) -> GroundTruth {
        GroundTruth::of(&self.catalog())
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// The bytes of every item page of the demo with its path, as the server sends them:
/// for benchmarks and offline tests.
pub fn item_pages(c: &Catalog, weight: PageWeight) -> Vec<(Site, String, Vec<u8>)> {
    c.listings
        .iter()
        .map(|l| {
            (
                l.site,
                pages::item_path(l.site, &l.id),
                pages::encode(l.site, pages::item(c, l, weight)),
            )
        })
        .collect()
}

/// What the demo knows about each listing a polite crawler can reach.
#[derive(Debug, Clone, Serialize)]
pub struct GroundTruth {
    pub seed: u64,
    pub night: u32,
    /// The date the night's scan is stamped with.
    pub date: chrono::DateTime<chrono::Utc>,
    /// Live listings only: taken-down ones answer 410 and have nothing to find.
    pub listings: Vec<TruthListing>,
    /// The planted seller networks (`marketplace/seller id` each), see
    /// [`identities::networks`].
    pub networks: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TruthListing {
    pub marketplace: String,
    pub listing_id: String,
    pub path: String,
    pub brand: String,
    pub sku: Option<String>,
    pub seller_id: String,
    pub seller_role: Role,
    /// The brand's distributor id, for authorised sellers (in or out of territory).
    pub distributor: Option<String>,
    /// Lowest advertised price (list or coupon), in the site's currency.
    pub price: rust_decimal::Decimal,
    pub currency: String,
    /// The SKU's regular floor in that currency (brand listings only).
    pub floor: Option<rust_decimal::Decimal>,
    /// The promotion that allowed a price under the regular floor.
    pub promotion: Option<String>,
    /// Finding kinds a correct judge reports for this listing (snake_case).
    pub expected: Vec<String>,
}

impl GroundTruth {
    pub fn of(c: &Catalog) -> GroundTruth {
        let products = catalog::products();
        GroundTruth {
            seed: c.seed,
            night: c.night,
            date: catalog::night_date(c.night),
            listings: c
                .listings
                .iter()
                .filter(|l| !l.removed)
                .map(|l| TruthListing {
                    marketplace: l.site.name().into(),
                    listing_id: l.id.clone(),
                    path: pages::item_path(l.site, &l.id),
                    brand: l.brand.into(),
                    sku: l.sku.map(String::from),
                    seller_id: c.seller(l).id.clone(),
                    seller_role: c.seller(l).role,
                    distributor: c.seller(l).distributor.map(String::from),
                    price: l.lowest(),
                    currency: l.site.currency().into(),
                    floor: products
                        .iter()
                        .find(|p| Some(p.sku) == l.sku)
                        .map(|p| p.floor(l.site)),
                    promotion: l.promotion.map(String::from),
                    expected: l.expected.iter().map(|k| k.to_string()).collect(),
                })
                .collect(),
            networks: identities::networks()
                .into_iter()
                .map(|g| g.into_iter().map(|(m, id)| format!("{m}/{id}")).collect())
                .collect(),
        }
    }

    /// `(marketplace, listing id, kind)` of every expected finding.
    pub fn expected_findings(&self) -> BTreeSet<(String, String, String)> {
        self.listings
            .iter()
            .flat_map(|l| {
                l.expected
                    .iter()
                    .map(|k| (l.marketplace.clone(), l.listing_id.clone(), k.clone()))
            })
            .collect()
    }
}

/// Precision and recall of `found` against `expected`, each a set of
/// `(marketplace, listing id, kind)`.
#[derive(Debug, Clone, Serialize)]
pub struct Detection {
    pub expected: usize,
    pub found: usize,
    pub true_positives: usize,
    pub precision: f64,
    pub recall: f64,
    /// Up to 20 findings the demo did not expect.
    pub false_positives: Vec<String>,
    /// Up to 20 expected findings that were missed.
    pub missed: Vec<String>,
}

impl Detection {
    pub fn score(
        expected: &BTreeSet<(String, String, String)>,
        found: &BTreeSet<(String, String, String)>,
    ) -> Detection {
        let tp = expected.intersection(found).count();
        let show = |s: &(String, String, String)| format!("{}/{}/{}", s.0, s.1, s.2);
        // Ratios are a statistic for people, not money: f64 is right here.
        let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
        Detection {
            expected: expected.len(),
            found: found.len(),
            true_positives: tp,
            precision: ratio(tp, found.len()),
            recall: ratio(tp, expected.len()),
            false_positives: found.difference(expected).take(20).map(show).collect(),
            missed: expected.difference(found).take(20).map(show).collect(),
        }
    }
}
