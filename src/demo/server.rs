//! The HTTP side of the demo marketplace (axum): one router per site, every request
//! logged so tests can prove what the crawler did and did not ask for, and faults a
//! real marketplace shows, injected on demand.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::Serialize;

use super::catalog::{Catalog, DemoListing, Site};
use super::furniture::PageWeight;
use super::{GroundTruth, pages};

/// Misbehaviour of a demo site, as real marketplaces show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "fault")]
pub enum Fault {
    /// 429 with `Retry-After: 1` above this many requests in one second.
    RateLimit { per_second: u32 },
    /// 503 with `Retry-After: 0` on every `every`-th page request.
    Flaky503 { every: u64 },
    /// Every response waits this long.
    Slow { millis: u64 },
    /// Every `every`-th item page: the connection is cut halfway through the body the
    /// first time it is asked for.
    Reset { every: u64 },
    /// Item pages redirect to each other in a loop.
    RedirectLoop,
    /// Item pages answer `301 Moved Permanently` once, to the same page with a
    /// tracking parameter (`?ref=moved`), as marketplaces do.
    Moved,
    /// Item pages answer `301 Moved Permanently` to the same path on another site
    /// (`http://localhost:PORT/…`, another host to the crawler), whose page sells
    /// the product at three tenths of the price: a listing's address sending the
    /// buyer to another shop (the seller's own, a partner's, a domain the
    /// marketplace does not own).
    MovedElsewhere,
    /// Removed listings answer `301 Moved Permanently` to the same path on another
    /// site (as `MovedElsewhere`), which answers 410: the seller's own shop saying
    /// the item is gone there.
    RemovedElsewhere,
    /// Search pages never end.
    EndlessPagination,
    /// robots.txt answers 500.
    Robots500,
    /// robots.txt asks for this many seconds between requests.
    CrawlDelay { secs: u64 },
    /// Every item page answers 403 (bot protection on product pages).
    Forbidden,
    /// Every item page answers 404, listings there or not (a broken deploy, a
    /// changed URL scheme, a block served as "not found").
    NotFound,
    /// Removed listings answer 200 with an "item no longer available" page (as
    /// eBay and Taobao do) instead of 410.
    RemovedAsSoft404,
    /// Removed listings answer with a redirect to the marketplace's search page
    /// (as many shops send a dead product address to a category or search page):
    /// a page of other listings, at an address that is no listing's.
    RemovedRedirect,
    /// Removed listings answer `301 Moved Permanently` to another live listing of
    /// the site (as a marketplace merges a listing into another, or sends an ended
    /// item to its relisting): a listing page, of another listing.
    RemovedMoved,
    /// Removed listings answer 200 with the product's page showing no offer, as
    /// Amazon's does once the seller's offer is gone: the title, and "Currently
    /// unavailable. We don't know when or if this item will be back in stock."
    /// where the price and seller stood ([`Wall::NoOffer`]).
    RemovedNoOffer,
    /// Item pages show their prices in markup of a new design: every class
    /// naming a price is renamed (`price-now` becomes `v2-price-now`), as when a
    /// marketplace redesigns its pages. Structured data is left as it was, so an
    /// adapter reading prices from it still reads them; one reading them by CSS
    /// selectors reads none.
    Redesign,
    /// Search pages link to their results in markup of a new design: every class
    /// naming a link is renamed (`item-link` becomes `v2-item-link`), so an
    /// adapter's `listing_link` matches nothing while every search page answers.
    RedesignSearch,
    /// Live item pages carry the marketplace's "no longer available" wording
    /// without showing it, as eBay's and AliExpress's do: in a script's message
    /// table and in a hidden countdown span (`pages::with_unshown_gone_words`).
    UnshownGoneWords,
    /// Item pages' scripts show a buyer another price than their HTML: once the
    /// page has loaded, every amount shown in a price element is doubled (as on
    /// pages whose server-written price is a placeholder a script replaces). A
    /// browser shows the doubled price; the fetched bytes and their structured
    /// data keep the HTML's (`pages::with_script_price`).
    ScriptPrice,
    /// tmart's price box also carries a pay-later offer and a saving, as real
    /// shops' do: `¥1,299.00 或分4期 每期¥324.75 立省¥129.90` (four instalments of a
    /// quarter of the price, a saving of a tenth). The price is still the first
    /// amount; read as "the lowest", an instalment or the saving becomes a false
    /// below-floor finding (`pages::with_pay_later`).
    PayLater,
    /// tmart's price box also shows a price for members (`¥1,299.00 PLUS会员价
    /// ¥1,169.10`, a tenth less), as real shops' do for Prime, Plus or club
    /// members: a price the listing advertises, but only some buyers pay, and no
    /// variant's (`pages::with_member_price`).
    MemberPrice,
    /// tmart's price box also shows a quantity tier's price (`¥1,299.00 10件以上
    /// ¥1,169.10`, a tenth less for ten or more), as B2B marketplaces' do: paid
    /// only by buyers of ten, and no variant's (`pages::with_tier_price`).
    TierPrice,
    /// tmart's price box also shows the former price and the discount in percent
    /// after the price (`¥1,299.00 ¥1,623.75 -20%`), as Lazada's, Shopee's and
    /// Tmall's do (`pages::with_percent_off`).
    PercentOff,
    /// The search results also link, beside each result, to an ad on another site
    /// (`http://ads.invalid/…`) in the results' own markup
    /// (`pages::with_links_elsewhere`).
    LinksElsewhere,
    /// shopusa's item pages describe, before their own product, a "frequently
    /// bought together" list of one item in JSON-LD: another of the brand's
    /// products, at three tenths of the listing's price, as shops' recommendation
    /// widgets write them (`pages::with_bought_together`).
    BoughtTogether,
    /// tmart's price box also shows other offers of the item, as Amazon's and
    /// Taobao's do: a used one at six tenths of the price and other sellers' from
    /// eight tenths (`¥1,299.00 二手¥779.40 其他卖家 ¥1,039.20起`). Neither is what the
    /// listing's seller asks (`pages::with_other_offers`).
    OtherOffers,
    /// tmart's price box shows the price per item and a former price
    /// (`¥1,299.00/件 原价¥1,623.75`), as eBay's does for a listing of several (`US
    /// $149.99/ea`): the price per item is the price (`pages::with_per_item`).
    PerItem,
    /// tmart's price box shows a pre-sale deposit beside the price (`¥1,299.00
    /// 预售定金¥130`), as Taobao's and JD's do for pre-orders: the deposit is paid
    /// first, the price is what the listing asks (`pages::with_presale`).
    Presale,
    /// tmart's item pages show the price only in the cart (`加入购物车查看价格`,
    /// "add to cart to see the price"), with no coupon price: as shops do for items
    /// priced under a brand's minimum advertised price
    /// (`pages::with_price_in_cart`).
    PriceInCart,
    /// bidbay's structured data is stale: its microdata and Open Graph prices are a
    /// fifth over what the price box shows, as a shop's markup template keeps the
    /// price from before a sale (`pages::with_stale_structured_price`).
    StaleStructuredPrice,
    /// bidbay's price box shows the shipping cost above the price, each in an element
    /// of its own (`<span>US $8.99 shipping</span> <span>US $149.99</span>`): as text
    /// alone the shipping word reads as the label of the price after it
    /// (`pages::with_shipping_above`).
    ShippingAbove,
    /// shopusa's price box shows the sales tax under the price, in the price's own
    /// element (`<span class="price">$149.99 <small>Tax: $12.37</small></span>`):
    /// read as one of the box's prices, the tax was the lower one
    /// (`pages::with_tax_line`).
    TaxLine,
    /// shopusa's price box holds each variant's price and hides all but the
    /// listing's (`<span class="variant-price hidden">` with a travel size at six
    /// tenths of the price), as variant pickers print them
    /// (`pages::with_hidden_variant_price`).
    HiddenVariantPrice,
    /// shopusa's price element holds its product form's data as a script, as
    /// Shopify's themes print it (`<script type="application/json">` with the
    /// subscribe-and-save price, seven tenths of the price): the script's text is no
    /// text of the box (`pages::with_script_in_price_box`).
    ScriptInPriceBox,
    /// shopusa sells each listing in two variants, as Shopify's shops do: search
    /// links name the listing's variant (`/item/ID?variant=2`), and the item page's
    /// JSON-LD lists an offer per variant at its own address, a travel size at six
    /// tenths of the price first (`pages::with_variants`). The listing's price is
    /// its variant's.
    Variants,
    /// shopusa sells each listing in two variants as under [`Fault::Variants`], the
    /// travel size at six tenths of the price out of stock, and its search links name
    /// no variant: the page's price is the one variant for sale.
    SoldOutVariant,
    /// shopusa lists an accessory beside the product as a variant of it, as
    /// Shopify's shops do: replacement ear pads at a tenth of the price first, the
    /// listing's own variant second, neither at an address of its own
    /// (`pages::with_variants`). The price is the product's, not the pads'.
    AccessoryVariant,
    /// bidbay's listings sell by auction (`Auction` where `Buy It Now` stood): their
    /// price is a bid (`pages::as_auction`).
    Auction,
    /// The brand's listings are multipacks, or come with a pack of something: of
    /// every four, one sells two at twice the price ("… (Pack of 2)"), one the same
    /// ("2-Pack …"), one the same ("… 2 Pack Black"), and one is one item "with 3
    /// Pack Ear Tips" at its own price.
    /// Each item's price, and so what is a violation, is unchanged
    /// (`pages::multipacked`).
    Multipack,
    /// shopusa sells each listing only three at a time: its price box shows "3 for
    /// $X" and its JSON-LD offer the same X, three times the item's price. Each
    /// item's price, and so what is a violation, is unchanged
    /// (`pages::as_multi_buy`).
    MultiBuy,
    /// robots.txt disallows the item pages of every `every`-th listing (by
    /// position), or all item pages with `every` 1: a marketplace that starts
    /// keeping crawlers off its listings while its search pages stay open.
    RobotsItems { every: u64 },
    /// Item pages carry this many bytes of padding after the document.
    Huge { bytes: usize },
    /// Every `every`-th item page (by position, from the first) is a hostile page
    /// instead ([`crate::demo::hostile::Hostile::PLANTED`], in turn).
    Hostile { every: u64 },
    /// This share (percent) of item pages answer as real marketplaces answer
    /// crawlers they refuse or cannot serve (see [`Wall`]).
    Wall { wall: Wall, percent: u8 },
    /// The host is down: every connection is dropped as soon as it is accepted,
    /// before a byte of HTTP (see `SiteListener`).
    Down,
}

/// What a refused or empty item page looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Wall {
    /// 200 with a slider captcha (Alibaba/Taobao style: `nc_1_n1z`, `x5secdata`).
    Captcha,
    /// Cloudflare: 403 with `cf-mitigated: challenge`, or 503 "Just a moment...".
    Challenge,
    /// 200 with a sign-in form instead of the listing.
    LoginWall,
    /// 200 with an empty JavaScript application shell.
    JsShell,
    /// 200 saying the item is no longer available.
    Soft404,
    /// 200 with the product's page and no offer on it: no price, no seller,
    /// Amazon's "Currently unavailable" box (an item out of stock, or an offer
    /// removed).
    NoOffer,
    /// The ordinary item page, embedding a captcha widget: it must stay readable.
    Widget,
    /// 200 with a challenge page no verdict rule knows (a bot check of some other
    /// vendor): nothing can be read from it, and it must not count as read.
    Unknown,
}

impl Wall {
    fn parse(name: &str) -> Option<Wall> {
        Some(match name {
            "captcha" => Wall::Captcha,
            "challenge" => Wall::Challenge,
            "login-wall" => Wall::LoginWall,
            "js-shell" => Wall::JsShell,
            "soft-404" => Wall::Soft404,
            "no-offer" => Wall::NoOffer,
            "widget" => Wall::Widget,
            "unknown-wall" => Wall::Unknown,
            _ => return None,
        })
    }
}

impl FromStr for Fault {
    type Err = String;
    /// `rate-limit:5`, `flaky-503:4`, `slow:200`, `reset:3`, `redirect-loop`, `moved`, `moved-elsewhere`,
    /// `endless-pagination`, `robots-500`, `forbidden`, `down`, `redesign`, `redesign-search`, `unshown-gone-words`, `script-price`, `pay-later`, `member-price`, `tier-price`, `percent-off`, `bought-together`, `links-elsewhere`, `other-offers`, `per-item`, `presale`, `price-in-cart`, `stale-structured-price`, `shipping-above`, `tax-line`, `hidden-variant-price`, `box-script`, `variants`, `sold-out-variant`, `accessory-variant`, `auction`, `multipack`, `multi-buy`, `removed-redirect`, `removed-moved`, `removed-elsewhere`, `removed-no-offer`, `robots-items:3`, `huge:6000000`, `hostile:8`,
    /// `captcha:30%`, `challenge:30%`, `login-wall`, `js-shell`, `soft-404`, `no-offer`,
    /// `widget:50%`, `unknown-wall:20%` (a share of item pages; all without one).
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, arg) = s.split_once(':').unwrap_or((s, ""));
        let n = || {
            arg.parse::<u64>()
                .map_err(|_| format!("fault `{name}` needs a number, e.g. `{name}:3`"))
        };
        Ok(match name {
            "rate-limit" => Fault::RateLimit {
                per_second: n()?.max(1) as u32,
            },
            "flaky-503" => Fault::Flaky503 { every: n()?.max(1) },
            "slow" => Fault::Slow { millis: n()? },
            "reset" => Fault::Reset { every: n()?.max(1) },
            "redirect-loop" => Fault::RedirectLoop,
            "moved" => Fault::Moved,
            "moved-elsewhere" => Fault::MovedElsewhere,
            "removed-elsewhere" => Fault::RemovedElsewhere,
            "endless-pagination" => Fault::EndlessPagination,
            "robots-500" => Fault::Robots500,
            "crawl-delay" => Fault::CrawlDelay { secs: n()? },
            "forbidden" => Fault::Forbidden,
            "not-found" => Fault::NotFound,
            "removed-soft-404" => Fault::RemovedAsSoft404,
            "removed-redirect" => Fault::RemovedRedirect,
            "removed-moved" => Fault::RemovedMoved,
            "removed-no-offer" => Fault::RemovedNoOffer,
            "redesign" => Fault::Redesign,
            "redesign-search" => Fault::RedesignSearch,
            "unshown-gone-words" => Fault::UnshownGoneWords,
            "script-price" => Fault::ScriptPrice,
            "pay-later" => Fault::PayLater,
            "member-price" => Fault::MemberPrice,
            "tier-price" => Fault::TierPrice,
            "percent-off" => Fault::PercentOff,
            "bought-together" => Fault::BoughtTogether,
            "links-elsewhere" => Fault::LinksElsewhere,
            "other-offers" => Fault::OtherOffers,
            "per-item" => Fault::PerItem,
            "presale" => Fault::Presale,
            "price-in-cart" => Fault::PriceInCart,
            "auction" => Fault::Auction,
            "stale-structured-price" => Fault::StaleStructuredPrice,
            "shipping-above" => Fault::ShippingAbove,
            "tax-line" => Fault::TaxLine,
            "hidden-variant-price" => Fault::HiddenVariantPrice,
            "box-script" => Fault::ScriptInPriceBox,
            "variants" => Fault::Variants,
            "sold-out-variant" => Fault::SoldOutVariant,
            "accessory-variant" => Fault::AccessoryVariant,
            "multipack" => Fault::Multipack,
            "multi-buy" => Fault::MultiBuy,
            "robots-items" => Fault::RobotsItems { every: n()?.max(1) },
            "down" => Fault::Down,
            "hostile" => Fault::Hostile { every: n()?.max(1) },
            "huge" => Fault::Huge {
                bytes: n()? as usize,
            },
            wall => match Wall::parse(wall) {
                Some(wall) => {
                    let percent = arg.trim_end_matches('%');
                    let percent = if percent.is_empty() { "100" } else { percent };
                    let percent: u8 =
                        percent.parse().ok().filter(|p| *p <= 100).ok_or_else(|| {
                            format!("fault `{name}` wants a share, e.g. `{name}:30%`")
                        })?;
                    Fault::Wall { wall, percent }
                }
                None => return Err(format!("unknown fault `{name}`")),
            },
        })
    }
}

/// One request the demo marketplace received.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub site: Site,
    /// Path and query, as requested.
    pub target: String,
    pub user_agent: String,
    /// Milliseconds since the demo started.
    pub at_ms: u64,
    /// The status the demo answered (before any connection reset).
    pub status: u16,
}

/// The catalog of the current night; `DemoServer::set_night` swaps it.
pub(super) type Shared = Arc<std::sync::RwLock<Arc<Catalog>>>;

struct SiteState {
    site: Site,
    catalog: Shared,
    log: Arc<Mutex<Vec<RequestRecord>>>,
    /// Every site's faults, swappable while the demo runs (`DemoServer::set_faults`).
    faults: Faults,
    /// How much furniture surrounds each page.
    weight: PageWeight,
    started: Instant,
    requests: AtomicU64,
    /// (second, requests in it) for the rate-limit fault.
    window: Mutex<(u64, u32)>,
    /// Pages already failed once by the reset and 503 faults.
    reset_done: Mutex<std::collections::HashSet<String>>,
}

/// The faults of every site, shared by the sites and the [`super::DemoServer`].
pub(super) type Faults = Arc<std::sync::RwLock<Vec<(Site, Fault)>>>;

pub(super) fn router(
    site: Site,
    catalog: Shared,
    log: Arc<Mutex<Vec<RequestRecord>>>,
    faults: Faults,
    weight: PageWeight,
) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(Arc::new(SiteState {
            site,
            catalog,
            log,
            faults,
            weight,
            started: Instant::now(),
            requests: AtomicU64::new(0),
            window: Mutex::new((0, 0)),
            reset_done: Mutex::default(),
        }))
}

/// tmart: GBK bytes declared only by <meta charset>; the header names no charset, as
/// on many Chinese shops.
pub(super) fn content_type(site: Site) -> &'static str {
    match site {
        Site::Tmart => "text/html",
        _ => "text/html; charset=utf-8",
    }
}

fn html(site: Site, body: String) -> Response {
    (
        [(header::CONTENT_TYPE, content_type(site))],
        Body::from(pages::encode(site, body)),
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn query_param(query: &str, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

impl SiteState {
    fn has(&self, f: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let faults = match self.faults.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        faults
            .iter()
            .filter(|(s, _)| *s == self.site)
            .map(|(_, x)| *x)
            .find(|x| f(x))
    }

    fn record(&self, target: &str, user_agent: &str, status: u16) {
        if let Ok(mut log) = self.log.lock() {
            log.push(RequestRecord {
                site: self.site,
                target: target.to_string(),
                user_agent: user_agent.to_string(),
                at_ms: self.started.elapsed().as_millis() as u64,
                status,
            });
        }
    }

    /// A fault answering instead of the page, if one applies now.
    fn fault_response(&self, path: &str) -> Option<Response> {
        if path == "/robots.txt" {
            return self.has(|f| matches!(f, Fault::Robots500)).map(|_| {
                (StatusCode::INTERNAL_SERVER_ERROR, "robots.txt unavailable").into_response()
            });
        }
        if let Some(Fault::RateLimit { per_second }) =
            self.has(|f| matches!(f, Fault::RateLimit { .. }))
        {
            let second = self.started.elapsed().as_secs();
            let mut w = self.window.lock().unwrap_or_else(|p| p.into_inner());
            if w.0 != second {
                *w = (second, 0);
            }
            w.1 += 1;
            if w.1 > per_second {
                return Some(
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "1")],
                        "slow down",
                    )
                        .into_response(),
                );
            }
        }
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        // At most once per path, so a retry gets through and tests do not depend on
        // chance.
        if let Some(Fault::Flaky503 { every }) = self.has(|f| matches!(f, Fault::Flaky503 { .. }))
            && n.is_multiple_of(every)
            && self
                .reset_done
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(format!("503 {path}"))
        {
            return Some(
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "0")],
                    "try again",
                )
                    .into_response(),
            );
        }
        None
    }
}

/// A body that sends its first half, then fails: the connection is cut.
fn cut_off(bytes: Vec<u8>) -> Body {
    let half = bytes[..bytes.len() / 2].to_vec();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "demo: connection reset",
        )),
    ];
    Body::from_stream(futures::stream::iter(chunks))
}

async fn handle(State(st): State<Arc<SiteState>>, req: Request) -> Response {
    let uri = req.uri().clone();
    let target = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let (user_agent, if_none_match, host) = {
        let value = |name| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        (
            value(header::USER_AGENT).unwrap_or_default(),
            value(header::IF_NONE_MATCH),
            value(header::HOST).unwrap_or_default(),
        )
    };
    if let Some(Fault::Slow { millis }) = st.has(|f| matches!(f, Fault::Slow { .. })) {
        tokio::time::sleep(Duration::from_millis(millis)).await;
    }
    let mut response = respond(&st, &uri, &host).await;
    // Validators on every successful page: an ETag from the exact bytes, so an
    // unchanged page answers 304 to a conditional request.
    let resets = st.has(|f| matches!(f, Fault::Reset { .. })).is_some();
    if response.status() == StatusCode::OK && uri.path() != "/robots.txt" && !resets {
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        let etag = format!(
            "\"{}\"",
            &hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))[..16]
        );
        response = if if_none_match.as_deref() == Some(etag.as_str()) {
            (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response()
        } else {
            let mut r = Response::from_parts(parts, Body::from(bytes));
            if let Ok(v) = etag.parse() {
                r.headers_mut().insert(header::ETAG, v);
            }
            r
        };
    }
    st.record(&target, &user_agent, response.status().as_u16());
    response
}

async fn respond(st: &SiteState, uri: &axum::http::Uri, host: &str) -> Response {
    let path = uri.path();
    let query = uri.query().unwrap_or("");
    let site = st.site;
    let current = st
        .catalog
        .read()
        .map(|c| c.clone())
        .unwrap_or_else(|p| p.into_inner().clone());
    let c = &current;

    if let Some(r) = st.fault_response(path) {
        return r;
    }
    if path == "/robots.txt" {
        return robots(st, c);
    }
    if path == "/_demo/ground-truth" {
        return axum::Json(GroundTruth::of(c)).into_response();
    }
    if let Some(r) = app(st, c, path) {
        return r;
    }
    let (search_path, page_key) = match site {
        Site::Shopusa => ("/search", "page"),
        Site::Tmart => ("/s", "p"),
        Site::Bidbay => ("/sch", "_pgn"),
    };
    if path == search_path {
        let page = query_param(query, page_key)
            .and_then(|p| p.parse().ok())
            .unwrap_or(1usize);
        let endless = st.has(|f| matches!(f, Fault::EndlessPagination)).is_some();
        let cat = query_param(query, "cat").and_then(|k| k.parse().ok());
        return match pages::search(c, site, cat, page, endless, st.weight) {
            Some(body) if st.has(|f| matches!(f, Fault::RedesignSearch)).is_some() => {
                html(site, pages::redesigned(&body, "link"))
            }
            Some(body) if st.has(|f| matches!(f, Fault::LinksElsewhere)).is_some() => {
                html(site, pages::with_links_elsewhere(&body))
            }
            Some(body) if st.has(|f| matches!(f, Fault::Variants)).is_some() => {
                html(site, pages::with_variant_links(&body))
            }
            Some(body) => html(site, body),
            None => not_found(),
        };
    }
    if let Some(l) = item_id(site, path).and_then(|id| c.find(site, id)) {
        if let Some(r) = moved_elsewhere(st, c, l, host, path) {
            return r;
        }
        return item(st, c, l, path, query);
    }
    let seller_prefix = match site {
        Site::Shopusa => "/seller/",
        Site::Tmart => "/shop/",
        Site::Bidbay => "/usr/",
    };
    if let Some(seller) = path.strip_prefix(seller_prefix)
        && let Some(body) = super::identities::seller_page(c, site, seller)
    {
        return html(site, body);
    }
    not_found()
}

/// The single-page app behind the `js-shell` fault's pages: its script asks
/// `/_app/render/PATH` for the listing at PATH and writes what it gets into the
/// document, as a JavaScript storefront fills in price and seller after load. A
/// browser shows the listing; the fetched shell holds none of it.
fn app(st: &SiteState, c: &Catalog, path: &str) -> Option<Response> {
    if path == APP_SCRIPT {
        let js = "fetch('/_app/render' + location.pathname + location.search)\
                  .then(function (r) { return r.text(); })\
                  .then(function (html) { document.open(); document.write(html); document.close(); });";
        return Some(([(header::CONTENT_TYPE, "text/javascript")], js).into_response());
    }
    let utf8 = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    if let Some(id) = path.strip_prefix("/_app/seller/") {
        let l = c.find(st.site, id)?;
        let seller = c.seller(l);
        let a = format!(
            "Sold by <a class=\"seller\" href=\"/seller/{}\">{}</a>",
            pages::attr(&seller.id),
            pages::esc(&seller.name)
        );
        return Some((utf8, a).into_response());
    }
    let rest = path.strip_prefix("/_app/render")?;
    let l = item_id(st.site, rest).and_then(|id| c.find(st.site, id))?;
    // The app's API answers UTF-8 on every site (a fetch decodes it as such).
    let mut page = pages::item(c, l, st.weight);
    if st.site == Site::Shopusa && c.position(st.site, &l.id) == Some(0) {
        page = seller_behind_a_button(&page, &l.id);
    }
    Some((utf8, page).into_response())
}

/// A shopusa page whose seller shows only after a click on "Show seller" (the
/// app fetches it then), as storefronts that hide who sells until asked: the
/// JSON-LD offer names no seller, the buy box a button.
fn seller_behind_a_button(page: &str, id: &str) -> String {
    let no_seller = regex::Regex::new(r#""seller":\{[^{}]*\},?"#)
        .map(|re| re.replace(page, "").into_owned())
        .unwrap_or_else(|_| page.to_string());
    let soldby = regex::Regex::new(r#"<p class="soldby">.*?</p>"#);
    let button = format!(
        "<p class=\"soldby\"><button class=\"show-seller\" onclick=\"var p = this.parentNode; \
         fetch('/_app/seller/{id}').then(function (r) {{ return r.text(); }})\
         .then(function (h) {{ p.innerHTML = h; }});\">Show seller</button></p>"
    );
    match soldby {
        Ok(re) => re.replace(&no_seller, button.as_str()).into_owned(),
        Err(_) => no_seller,
    }
}

/// The script a `js-shell` page loads (see [`app`]).
pub(super) const APP_SCRIPT: &str = "/static/js/main.4f2a9c.js";

/// robots.txt, with a Crawl-delay group under the `crawl-delay` fault, and item
/// pages disallowed under `robots-items`.
fn robots(st: &SiteState, c: &Catalog) -> Response {
    let mut robots = pages::robots(st.site).to_string();
    if let Some(Fault::RobotsItems { every }) = st.has(|f| matches!(f, Fault::RobotsItems { .. })) {
        let lines: Vec<String> = if every == 1 {
            let all = pages::item_path(st.site, "");
            vec![format!("Disallow: {}", all.trim_end_matches(".html"))]
        } else {
            c.on(st.site)
                .enumerate()
                .filter(|(i, _)| (*i as u64).is_multiple_of(every))
                .map(|(_, l)| format!("Disallow: {}$", pages::item_path(st.site, &l.id)))
                .collect()
        };
        robots.push_str(&format!("\nUser-agent: *\n{}\n", lines.join("\n")));
    }
    if let Some(Fault::CrawlDelay { secs }) = st.has(|f| matches!(f, Fault::CrawlDelay { .. })) {
        robots.push_str(&format!("\nUser-agent: brandguard\nCrawl-delay: {secs}\nDisallow: /itm/watch/\nDisallow: /sponsored/\nDisallow: /promo/\nDisallow: /cart\nDisallow: /bid/\nDisallow: /_demo/\n"));
    }
    ([(header::CONTENT_TYPE, "text/plain")], robots).into_response()
}

/// The listing id in an item page's path, including the robots-disallowed twins
/// (served, but a polite crawler never asks for them).
fn item_id(site: Site, path: &str) -> Option<&str> {
    match site {
        Site::Shopusa => path
            .strip_prefix("/item/")
            .or_else(|| path.strip_prefix("/sponsored/item/")),
        Site::Tmart => path
            .strip_prefix("/detail/")
            .or_else(|| path.strip_prefix("/promo/detail/"))
            .and_then(|p| p.strip_suffix(".html")),
        Site::Bidbay => path
            .strip_prefix("/itm/watch/")
            .or_else(|| path.strip_prefix("/itm/")),
    }
}

/// The answer instead of a listing's page, when there is no page to show: every
/// item "not found" (fault), a removed listing (410, or "item unavailable"), or
/// every item refused (403).
fn no_page(st: &SiteState, c: &Catalog, l: &DemoListing) -> Option<Response> {
    if st.has(|f| matches!(f, Fault::NotFound)).is_some() {
        return Some((StatusCode::NOT_FOUND, "not found").into_response());
    }
    if l.removed {
        if st.has(|f| matches!(f, Fault::RemovedRedirect)).is_some() {
            return Some(
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, pages::search_path(st.site, None, 1))],
                )
                    .into_response(),
            );
        }
        if st.has(|f| matches!(f, Fault::RemovedMoved)).is_some()
            && let Some(other) = c
                .listings
                .iter()
                .find(|o| o.site == st.site && !o.removed && o.id != l.id)
        {
            return Some(
                (
                    StatusCode::MOVED_PERMANENTLY,
                    [(header::LOCATION, pages::item_path(st.site, &other.id))],
                )
                    .into_response(),
            );
        }
        if st.has(|f| matches!(f, Fault::RemovedNoOffer)).is_some() {
            return Some(super::walls::page(
                Wall::NoOffer,
                st.site,
                c,
                l,
                0,
                st.weight,
            ));
        }
        if st.has(|f| matches!(f, Fault::RemovedAsSoft404)).is_some() {
            return Some(super::walls::page(
                Wall::Soft404,
                st.site,
                c,
                l,
                0,
                st.weight,
            ));
        }
        return Some(
            (
                StatusCode::GONE,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<!DOCTYPE html><html><body><h1>This listing was removed</h1></body></html>",
            )
                .into_response(),
        );
    }
    if st.has(|f| matches!(f, Fault::Forbidden)).is_some() {
        return Some((StatusCode::FORBIDDEN, "access denied").into_response());
    }
    None
}

/// Listing `l`'s page as the site's page-changing faults shape it (a redesign,
/// unshown "gone" words, a price-doubling script, a pay-later offer, a member price, a tier's price, a discount in percent, a product bought together, other offers, a price per item, a price shown only in the cart, an auction, stale structured data, multipacks).
fn shaped_by_faults(st: &SiteState, c: &Catalog, l: &DemoListing) -> String {
    let packed;
    let l = match st.has(|f| matches!(f, Fault::Multipack)) {
        Some(_) => {
            packed = pages::multipacked(l, c.position(st.site, &l.id).unwrap_or(0));
            &packed
        }
        None => l,
    };
    let mut page = pages::item(c, l, st.weight);
    if st.has(|f| matches!(f, Fault::Redesign)).is_some() {
        page = pages::redesigned(&page, "price");
    }
    if st.has(|f| matches!(f, Fault::UnshownGoneWords)).is_some() {
        page = pages::with_unshown_gone_words(&page);
    }
    if st.has(|f| matches!(f, Fault::ScriptPrice)).is_some() {
        page = pages::with_script_price(&page);
    }
    if st.has(|f| matches!(f, Fault::PayLater)).is_some() {
        page = pages::with_pay_later(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::MemberPrice)).is_some() {
        page = pages::with_member_price(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::TierPrice)).is_some() {
        page = pages::with_tier_price(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::PercentOff)).is_some() {
        page = pages::with_percent_off(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::BoughtTogether)).is_some() {
        page = pages::with_bought_together(&page, c, l);
    }
    if st.has(|f| matches!(f, Fault::OtherOffers)).is_some() {
        page = pages::with_other_offers(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::PerItem)).is_some() {
        page = pages::with_per_item(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::Presale)).is_some() {
        page = pages::with_presale(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::PriceInCart)).is_some() {
        page = pages::with_price_in_cart(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::Auction)).is_some() {
        page = pages::as_auction(&page);
    }
    if st
        .has(|f| matches!(f, Fault::StaleStructuredPrice))
        .is_some()
    {
        page = pages::with_stale_structured_price(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::ShippingAbove)).is_some() {
        page = pages::with_shipping_above(&page, l);
    }
    if st.has(|f| matches!(f, Fault::TaxLine)).is_some() {
        page = pages::with_tax_line(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::HiddenVariantPrice)).is_some() {
        page = pages::with_hidden_variant_price(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::ScriptInPriceBox)).is_some() {
        page = pages::with_script_in_price_box(&page, l.price);
    }
    if st.has(|f| matches!(f, Fault::MultiBuy)).is_some() {
        page = pages::as_multi_buy(&page, l.price);
    }
    with_variant_faults(st, page, l)
}

/// `page` as shopusa's variant faults shape it ([`pages::with_variants`]); with
/// several, the first writes the offers and the others find them written.
fn with_variant_faults(st: &SiteState, mut page: String, l: &DemoListing) -> String {
    use pages::VariantFault;
    let on = [
        (
            st.has(|f| matches!(f, Fault::Variants)),
            VariantFault::Listed,
        ),
        (
            st.has(|f| matches!(f, Fault::SoldOutVariant)),
            VariantFault::SoldOut,
        ),
        (
            st.has(|f| matches!(f, Fault::AccessoryVariant)),
            VariantFault::Accessory,
        ),
    ];
    for (fault, variant) in on {
        if fault.is_some() {
            page = pages::with_variants(&page, l, variant);
        }
    }
    page
}

/// A listing's page: 410 once removed, else the page as the site's faults shape it.
/// The `moved-elsewhere` fault (`removed-elsewhere`: for removed listings only):
/// asked at the site's address (`127.0.0.1`), an item page sends the crawler to
/// the same path at `localhost`, another host to it; asked there, it is another
/// shop's page of the product at three tenths of the price (a 410 for a removed
/// listing).
fn moved_elsewhere(
    st: &SiteState,
    c: &Catalog,
    l: &DemoListing,
    host: &str,
    path: &str,
) -> Option<Response> {
    let every = st.has(|f| matches!(f, Fault::MovedElsewhere)).is_some();
    let removed = l.removed && st.has(|f| matches!(f, Fault::RemovedElsewhere)).is_some();
    if !every && !removed {
        return None;
    }
    if let Some(port) = host.strip_prefix("127.0.0.1:") {
        let to = format!("http://localhost:{port}{path}");
        return Some((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, to)]).into_response());
    }
    let mut other = l.clone();
    other.price = (l.price * Decimal::new(3, 1)).round_dp(2);
    other.coupon = None;
    Some(item(st, c, &other, path, ""))
}

fn item(st: &SiteState, c: &Catalog, l: &DemoListing, path: &str, query: &str) -> Response {
    let site = st.site;
    if let Some(answer) = no_page(st, c, l) {
        return answer;
    }
    let position = c.position(site, &l.id).unwrap_or(0) as u64;
    if let Some(Fault::Wall { wall, percent }) = st.has(|f| matches!(f, Fault::Wall { .. }))
        && (position * 37 + 11) % 100 < u64::from(percent)
    {
        return super::walls::page(wall, site, c, l, position, st.weight);
    }
    if st.has(|f| matches!(f, Fault::Moved)).is_some() && !query.contains("ref=moved") {
        return (
            StatusCode::MOVED_PERMANENTLY,
            [
                (header::LOCATION, format!("{path}?ref=moved")),
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            ],
            format!(
                "<!DOCTYPE html><html><body><a href=\"{path}?ref=moved\">Moved</a></body></html>"
            ),
        )
            .into_response();
    }
    if st.has(|f| matches!(f, Fault::RedirectLoop)).is_some() {
        let other = if query.contains("loop=1") {
            ""
        } else {
            "?loop=1"
        };
        return (
            StatusCode::FOUND,
            [(header::LOCATION, format!("{path}{other}"))],
        )
            .into_response();
    }
    if let Some(Fault::Hostile { every }) = st.has(|f| matches!(f, Fault::Hostile { .. }))
        && position.is_multiple_of(every)
    {
        let planted = super::hostile::Hostile::PLANTED;
        let kind = planted[(position / every) as usize % planted.len()];
        return (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            kind.page(),
        )
            .into_response();
    }
    let page = shaped_by_faults(st, c, l);
    let mut bytes = pages::encode(site, page);
    if let Some(Fault::Huge { bytes: n }) = st.has(|f| matches!(f, Fault::Huge { .. })) {
        bytes.extend(std::iter::repeat_n(b' ', n));
    }
    // Deterministic: the first request for every `every`-th listing is cut, so a
    // retry succeeds and tests do not depend on chance.
    if let Some(Fault::Reset { every }) = st.has(|f| matches!(f, Fault::Reset { .. }))
        && position.is_multiple_of(every)
        && st
            .reset_done
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(l.id.clone())
    {
        return ([(header::CONTENT_TYPE, "text/html")], cut_off(bytes)).into_response();
    }
    (
        [(header::CONTENT_TYPE, content_type(site))],
        Body::from(bytes),
    )
        .into_response()
}

/// A site's listener: while the site has the [`Fault::Down`] fault, every
/// connection is closed as soon as it is accepted, which a client sees as a host
/// that does not answer (a connection closed before any response). Swappable per
/// night like the other faults, which a listener closed for good would not be.
pub(super) struct SiteListener {
    pub(super) inner: tokio::net::TcpListener,
    pub(super) site: Site,
    pub(super) faults: Faults,
}

impl SiteListener {
    fn down(&self) -> bool {
        let faults = match self.faults.read() {
            Ok(f) => f,
            Err(p) => p.into_inner(),
        };
        faults
            .iter()
            .any(|(s, f)| *s == self.site && matches!(f, Fault::Down))
    }
}

impl axum::serve::Listener for SiteListener {
    type Io = tokio::net::TcpStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((io, addr)) if !self.down() => return (io, addr),
                // Down: dropped unanswered.
                Ok(_) => continue,
                // Out of file descriptors and the like: wait, as axum's own does.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}
