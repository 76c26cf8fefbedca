//! The brand's policy applied to one [`Listing`]: is it the brand's product (and which
//! SKU), is the seller authorised here, is the advertised price at or above the floor,
//! does it look counterfeit.

mod matching;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::{AuthorizedSeller, Brand};
use crate::extract::{Listing, PriceBasis};
use crate::money::Money;

pub use matching::{SkuMatch, fold, match_sku, normalize_gtin, normalize_seller};

/// What a finding says is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The seller is not one of the brand's authorised sellers.
    UnauthorizedSeller,
    /// An authorised distributor selling on a marketplace outside its territory.
    TerritoryBreach,
    /// The lowest advertised price is under the floor for its currency.
    BelowFloor,
    /// Signals of fakes: counterfeit words in the title, a price far under the floor.
    SuspectedCounterfeit,
    /// A promotion price still advertised after the promotion's window ended.
    PromotionOverrun,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::UnauthorizedSeller => "unauthorized_seller",
            FindingKind::TerritoryBreach => "territory_breach",
            FindingKind::BelowFloor => "below_floor",
            FindingKind::SuspectedCounterfeit => "suspected_counterfeit",
            FindingKind::PromotionOverrun => "promotion_overrun",
        }
    }

    /// Kinds that are about price (the distributor agreement's business, never a
    /// marketplace's).
    pub fn is_price(self) -> bool {
        matches!(
            self,
            FindingKind::BelowFloor | FindingKind::PromotionOverrun
        )
    }
}

/// One violation found on one listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub marketplace: String,
    pub listing_id: String,
    pub url: String,
    pub seller_name: Option<String>,
    pub seller_id: Option<String>,
    pub sku: String,
    pub observed: Option<Money>,
    pub price_basis: PriceBasis,
    pub floor: Option<Money>,
    /// In words, for the people who read the report.
    pub detail: String,
}

/// What the judge concluded about a listing.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verdict {
    pub sku_match: SkuMatch,
    /// The authorised seller the listing's seller was recognised as.
    pub authorized_seller: Option<String>,
    pub findings: Vec<Finding>,
    /// Checks that could not be made, e.g. "no floor for currency EUR".
    pub notes: Vec<String>,
    /// The promotion whose price the listing carries under the regular floor: allowed
    /// while it runs (an exemption), a `promotion_overrun` after it ended.
    pub promotion: Option<String>,
}

fn recognise<'a>(brand: &'a Brand, l: &Listing) -> Option<&'a AuthorizedSeller> {
    // By the marketplace's seller id first: names can be copied, ids cannot.
    if let Some(id) = &l.seller.id {
        let found = brand.sellers.iter().find(|s| {
            s.accounts
                .iter()
                .any(|a| a.marketplace == l.marketplace && a.id.eq_ignore_ascii_case(id.trim()))
        });
        if found.is_some() {
            return found;
        }
    }
    let name = normalize_seller(l.seller.name.as_deref()?);
    if name.is_empty() {
        return None;
    }
    brand.sellers.iter().find(|s| {
        std::iter::once(&s.name)
            .chain(s.aliases.iter())
            .any(|n| normalize_seller(n) == name)
    })
}

/// Applies the brand's policy to a listing seen at `at` (the scan's date: promotion
/// windows depend on it). `carried` is the promotion the listing's previous
/// observation carried (see [`Verdict::promotion`]): the same price after that
/// promotion ended is an overrun rather than a plain price under the floor.
pub fn judge(brand: &Brand, l: &Listing, at: DateTime<Utc>, carried: Option<&str>) -> Verdict {
    let mut sku_match = match_sku(brand, l);
    if sku_match.sku.is_some() && sku_match.confidence < brand.policy.min_match_confidence {
        sku_match.reason = format!(
            "{} match at confidence {} is below policy.min_match_confidence {}",
            sku_match.reason, sku_match.confidence, brand.policy.min_match_confidence
        );
        sku_match.sku = None;
    }
    let mut v = Verdict {
        sku_match: sku_match.clone(),
        authorized_seller: None,
        findings: Vec::new(),
        notes: Vec::new(),
        promotion: None,
    };
    let Some(sku_id) = sku_match.sku.clone() else {
        return v;
    };
    let Some(sku) = brand.skus.iter().find(|s| s.id == sku_id) else {
        return v;
    };
    let make = |kind, floor: Option<Money>, detail: String| Finding {
        kind,
        marketplace: l.marketplace.clone(),
        listing_id: l.listing_id.clone(),
        url: l.url.clone(),
        seller_name: l.seller.name.clone(),
        seller_id: l.seller.id.clone(),
        sku: sku.id.clone(),
        observed: l.price.clone(),
        price_basis: l.price_basis,
        floor,
        detail,
    };
    let floor = l.price.as_ref().and_then(|p| {
        sku.floor
            .get(&p.currency)
            .map(|f| Money::new(*f, p.currency.clone()))
    });

    let seller = recognise(brand, l);
    v.authorized_seller = seller.map(|s| s.id.clone());
    match seller {
        Some(s) if s.authorized_on.contains(&l.marketplace) => {}
        Some(s) => v.findings.push(make(
            FindingKind::TerritoryBreach,
            None,
            format!(
                "distributor {} is authorised on {} only",
                s.name,
                s.authorized_on.join(", ")
            ),
        )),
        None if l.seller.name.is_none() && l.seller.id.is_none() => v
            .notes
            .push("seller not found on the page: authorisation not checked".into()),
        None => v.findings.push(make(
            FindingKind::UnauthorizedSeller,
            None,
            format!(
                "seller {} is not an authorised seller of {}",
                l.seller
                    .name
                    .as_deref()
                    .or(l.seller.id.as_deref())
                    .unwrap_or("?"),
                brand.name
            ),
        )),
    }

    let mut signals = Vec::new();
    match (&l.price, &floor) {
        (Some(p), Some(f)) => {
            let basis = match l.price_basis {
                PriceBasis::Coupon => " (coupon price)",
                PriceBasis::List => "",
            };
            let covering = || {
                brand
                    .promotions
                    .iter()
                    .filter(|pr| pr.covers(&sku.id, &l.marketplace))
                    .filter_map(|pr| pr.floor.get(&p.currency).map(|pf| (pr, *pf)))
            };
            // The lowest floor of the promotions running now, if any.
            let running = covering()
                .filter(|(pr, _)| pr.running_at(at))
                .min_by_key(|(_, pf)| *pf);
            if p.amount < f.amount {
                match running {
                    Some((pr, pf)) if p.amount >= pf => {
                        v.promotion = Some(pr.name.clone());
                    }
                    Some((pr, pf)) => v.findings.push(make(
                        FindingKind::BelowFloor,
                        Some(Money::new(pf, p.currency.clone())),
                        format!(
                            "advertised {p}{basis} is below the floor of {} set by promotion \"{}\"",
                            Money::new(pf, p.currency.clone()),
                            pr.name
                        ),
                    )),
                    None => {
                        // Still at the price it carried in a promotion that has ended.
                        let ended = covering()
                            .filter(|(pr, pf)| {
                                pr.end <= at && p.amount >= *pf && carried == Some(pr.name.as_str())
                            })
                            .max_by_key(|(pr, _)| pr.end);
                        if let Some((pr, _)) = ended {
                            v.promotion = Some(pr.name.clone());
                        }
                        match ended {
                            Some((pr, _)) => v.findings.push(make(
                                FindingKind::PromotionOverrun,
                                Some(f.clone()),
                                format!(
                                    "advertised {p}{basis} is the price of promotion \"{}\", which ended {}; the floor is {f} again",
                                    pr.name,
                                    pr.end.to_rfc3339()
                                ),
                            )),
                            None => v.findings.push(make(
                                FindingKind::BelowFloor,
                                Some(f.clone()),
                                format!("advertised {p}{basis} is below the floor of {f}"),
                            )),
                        }
                    }
                }
            }
            if p.amount < f.amount * brand.policy.counterfeit_price_ratio {
                signals.push(format!(
                    "price {p} is under {}% of the floor",
                    (brand.policy.counterfeit_price_ratio * Decimal::ONE_HUNDRED).normalize()
                ));
            }
        }
        (Some(p), None) => v
            .notes
            .push(format!("no floor for currency {}", p.currency)),
        (None, _) => v
            .notes
            .push("no price on the page: floor not checked".into()),
    }
    if let Some(title) = &l.title {
        let t = fold(title);
        for w in &brand.policy.counterfeit_words {
            if t.contains(&fold(w)) {
                signals.push(format!("title contains \"{w}\""));
            }
        }
    }
    if !signals.is_empty() {
        v.findings.push(make(
            FindingKind::SuspectedCounterfeit,
            floor.clone(),
            signals.join("; "),
        ));
    }
    v
}
