//! The brand's policy applied to one [`Listing`]: is it the brand's product (and which
//! SKU), is the seller authorised here, is the advertised price at or above the floor,
//! does it look counterfeit.

mod disguise;
pub mod dismissals;
mod matching;
mod pack;

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::config::{AuthorizedSeller, Brand};
use crate::extract::{Condition, Listing, ON_A_CONDITION, PriceBasis, choice_sentence};
use crate::money::Money;

pub use crate::ident::{fold, normalize_gtin, normalize_seller};
pub use matching::{SkuMatch, leave_out_other_variants, match_sku};
pub use pack::{Pack, units as pack_units};

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
    /// A shop the brand was never told of, linked to an authorised distributor's
    /// declared account by an identifier both profile pages show
    /// ([`crate::sellers::Declared`]): judged as the distributor's.
    UndeclaredShop,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::UnauthorizedSeller => "unauthorized_seller",
            FindingKind::TerritoryBreach => "territory_breach",
            FindingKind::BelowFloor => "below_floor",
            FindingKind::SuspectedCounterfeit => "suspected_counterfeit",
            FindingKind::PromotionOverrun => "promotion_overrun",
            FindingKind::UndeclaredShop => "undeclared_shop",
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
    /// How the seller was identified, in words (by account id; an imitated name;
    /// no id on the page): what `extract` shows for each page.
    #[serde(default)]
    pub identity: String,
}

/// How a counterfeit signal of a price far under the floor begins: such a signal
/// alone is a suspicion, never grounds for a sworn counterfeit claim.
const PRICE_SIGNAL: &str = "price ";

/// The grounds of a `suspected_counterfeit` finding beyond its price: counterfeit
/// words on the page, impersonation, misbranding (its detail's signals, the price
/// signal left out). Empty for a finding flagged by price alone.
///
/// Signals are joined by `; `, and a price signal's choice in parentheses may hold
/// one too (`price 59.99 USD (a price only some buyers pay …; the lowest price for
/// every buyer: 249.99) is under 50% of the floor`): split everywhere, its two
/// halves were two grounds, and a price alone made a sworn counterfeit claim. So
/// signals are split only outside parentheses.
pub fn counterfeit_grounds(detail: &str) -> Vec<&str> {
    let mut signals = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, c) in detail.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 && detail[i + 1..].starts_with(' ') => {
                signals.push(&detail[start..i]);
                start = i + 2;
            }
            _ => {}
        }
    }
    signals.push(&detail[start..]);
    signals
        .into_iter()
        .filter(|s| {
            let price_only = s.starts_with(PRICE_SIGNAL) && s.ends_with("of the floor");
            !s.is_empty() && !price_only
        })
        .collect()
}

/// The counterfeit word a `title contains "WORD"` signal names (see
/// [`counterfeit_grounds`]), for forms that quote it in their own language.
pub fn title_word(signal: &str) -> Option<&str> {
    signal
        .strip_prefix(TITLE_WORD.0)?
        .strip_suffix(TITLE_WORD.1)
}

/// How a counterfeit-word signal is written: `title contains "WORD"`.
const TITLE_WORD: (&str, &str) = ("title contains \"", "\"");

/// Who sells, as the brand can tell: by the marketplace's seller id alone. Names
/// can be copied by anyone; ids are what a marketplace vouches for.
#[derive(Debug, Clone, Copy)]
enum Identity<'a> {
    /// One of a distributor's declared accounts on this marketplace.
    Account(&'a AuthorizedSeller),
    /// A seller id that is none of the distributors' accounts here, under a name
    /// that looks like this distributor's: impersonation (or a shop of the
    /// distributor the brand never declared; either way not authorised).
    Imitates(&'a AuthorizedSeller),
    /// A name but no seller id on the page, a name like this distributor's (if
    /// any): names are not identity, so authorisation is not decided.
    NoId(Option<&'a AuthorizedSeller>),
    /// A seller who is none of the distributors.
    Other,
    /// No seller on the page.
    Unknown,
}

fn identify<'a>(brand: &'a Brand, l: &Listing) -> Identity<'a> {
    let looks_like = || {
        let forms = crate::ident::name_forms(l.seller.name.as_deref()?);
        if forms.first().is_none_or(String::is_empty) {
            return None;
        }
        brand.sellers.iter().find(|s| {
            std::iter::once(&s.name)
                .chain(s.aliases.iter())
                .chain(s.accounts.iter().map(|a| &a.id))
                .map(|n| crate::ident::remembered(crate::ident::name_skeleton, n))
                .any(|n| !n.is_empty() && forms.iter().any(|f| **f == *n))
        })
    };
    match l
        .seller
        .id
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        Some(id) => {
            let account = brand.sellers.iter().find(|s| {
                s.accounts
                    .iter()
                    .any(|a| a.marketplace == l.marketplace && a.id.eq_ignore_ascii_case(id))
            });
            match (account, looks_like()) {
                (Some(s), _) => Identity::Account(s),
                (None, Some(s)) => Identity::Imitates(s),
                (None, None) => Identity::Other,
            }
        }
        None if l.seller.name.is_none() => Identity::Unknown,
        None => match looks_like() {
            Some(s) => Identity::NoId(Some(s)),
            None => Identity::NoId(None),
        },
    }
}

/// The brand's name, an alias or its rights owner's company that seller name
/// `shown` is, dressing and shop words aside (`Acme Store`, `Acme Official Store`,
/// Amazon's `Visit the Acme Store`): such a shop under an id brand.toml does not
/// list was an unauthorised seller with nothing said, though it may be the brand's
/// own shop, which a complaint must not name unawares.
fn the_brand_s_name<'a>(brand: &'a Brand, shown: &str) -> Option<&'a str> {
    let forms = crate::ident::name_forms(shown);
    std::iter::once(&brand.name)
        .chain(&brand.aliases)
        .chain(brand.owner.as_ref().map(|o| &o.company))
        .find(|n| {
            let want = crate::ident::remembered(crate::ident::name_skeleton, n);
            !want.is_empty() && forms.iter().any(|f| **f == *want)
        })
        .map(String::as_str)
}

/// Fewest letters (of its confusable skeleton, [`crate::ident::name_skeleton`]) a
/// distributor's name must have for a name one edit from it to be worth a note:
/// short names one letter apart are as often two businesses.
const LOOK_ALIKE_LETTERS: usize = 8;

/// The distributor whose name or alias seller name `shown` is one edit from
/// (a letter changed, dropped, added or two swapped, in their skeletons, dressing
/// words aside): `Northwlnd Audio`, `Northw1nd Audio`, `Nortwind Audio`, a
/// typosquat no skeleton equals ([`identify`] finds those). Said in a note for
/// review, never a counterfeit ground.
fn one_letter_from<'a>(brand: &'a Brand, shown: &str) -> Option<(&'a AuthorizedSeller, String)> {
    // Letters that read as one in most fonts, which skeletons keep apart.
    let joined = |s: &str| s.replace("vv", "w").replace("rn", "m");
    let forms: Vec<String> = crate::ident::name_forms(shown)
        .iter()
        .map(|f| joined(f))
        .collect();
    brand.sellers.iter().find_map(|s| {
        std::iter::once(&s.name)
            .chain(s.aliases.iter())
            .find(|n| {
                let want = joined(&crate::ident::remembered(crate::ident::name_skeleton, n));
                want.chars().count() >= LOOK_ALIKE_LETTERS
                    && forms
                        .iter()
                        .any(|f| strsim::damerau_levenshtein(f, &want) <= 1)
            })
            .map(|n| (s, n.clone()))
    })
}

/// Says in `v` whose name seller name `shown` is one letter from
/// ([`one_letter_from`]), or that it is the brand's own ([`the_brand_s_name`]),
/// where it is.
fn note_look_alike(brand: &Brand, l: &Listing, shown: &str, v: &mut Verdict) {
    let Some(seller_name) = l.seller.name.as_deref() else {
        return;
    };
    if let Some(own) = the_brand_s_name(brand, seller_name) {
        v.identity
            .push_str(&format!("; the name is the brand's own (\"{own}\")"));
        v.notes.push(format!(
            "the seller's name \"{shown}\" is the brand's own (\"{own}\"): the brand's own shop, \
             which brand.toml does not list among a seller's accounts on {} (list it there if \
             it is), or a shop taking the brand's name; not a ground of impersonation until \
             which is known",
            l.marketplace
        ));
        return;
    }
    let Some((s, name)) = one_letter_from(brand, seller_name) else {
        return;
    };
    v.identity.push_str(&format!(
        "; the name is one letter from distributor {}'s (\"{name}\")",
        s.name
    ));
    v.notes.push(format!(
        "the seller's name \"{shown}\" is one letter from distributor {}'s (\"{name}\"): a \
         look-alike to review; not a ground of impersonation, since names one letter apart \
         may be another business's",
        s.name
    ));
}

/// Applies the brand's policy to a listing seen at `at` (the scan's date: promotion
/// windows depend on it). `carried` is the promotion the listing's previous
/// observation carried (see [`Verdict::promotion`]): the same price after that
/// promotion ended is an overrun rather than a plain price under the floor.
pub fn judge(brand: &Brand, l: &Listing, at: DateTime<Utc>, carried: Option<&str>) -> Verdict {
    judge_linked(brand, l, at, carried, None)
}

/// [`judge`], knowing that the listing's seller is an undeclared shop of a
/// distributor (`linked`): the listing is then the distributor's.
pub fn judge_linked(
    brand: &Brand,
    l: &Listing,
    at: DateTime<Utc>,
    carried: Option<&str>,
    linked: Option<&crate::sellers::network::Undeclared>,
) -> Verdict {
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
        identity: "not judged: not the brand's product".into(),
    };
    let Some(sku) = sku_match
        .sku
        .as_ref()
        .and_then(|id| brand.skus.iter().find(|s| &s.id == id))
    else {
        return v;
    };
    let floor = floor_of(sku, l, &sku_match, &mut v.notes);
    let j = Judging {
        brand,
        l,
        sku,
        at,
        carried,
        floor,
        pack: sku_match.pack.clone(),
        linked,
    };
    let mut signals = if j.undeclared_shop(&mut v) {
        Vec::new()
    } else {
        j.seller(&mut v)
    };
    if let Some(other) = &sku_match.other_brand {
        signals.push(format!(
            "carries {}'s {} but names brand \"{other}\" (misbranding)",
            brand.name,
            sku_match.evidence.split(';').next().unwrap_or("identifier")
        ));
    }
    if let Some(decoy) = &sku_match.decoy_brand {
        signals.push(format!(
            "names its brand \"{decoy}\", a value that hides the brand, over {}'s {}",
            brand.name,
            sku_match.evidence.split(';').next().unwrap_or("product")
        ));
    }
    signals.extend(j.price(&mut v));
    signals.extend(j.counterfeit_words());
    if !signals.is_empty() {
        let finding = j.finding(
            FindingKind::SuspectedCounterfeit,
            j.floor.clone(),
            signals.join("; "),
        );
        v.findings.push(finding);
    }
    v
}

/// The floor listing `l` is held to in its price's currency: the SKU's, times the
/// pack's count for a multipack (held to the floor of each item in it, and noted).
fn floor_of(
    sku: &crate::config::Sku,
    l: &Listing,
    m: &SkuMatch,
    notes: &mut Vec<String>,
) -> Option<Money> {
    if let Some(pack) = &m.pack {
        notes.push(format!(
            "the price is for {} ({}): held to {} times the SKU's floor",
            pack.count,
            pack.said(),
            pack.count
        ));
    }
    let units = m.units();
    l.price.as_ref().and_then(|p| {
        sku.floor
            .get(&p.currency)
            .map(|f| Money::new(*f * units, p.currency.clone()))
    })
}

/// A claim of authorisation in a seller's name (`ACME Authorized Dealer`,
/// `Foo (Authorised Reseller)`, `Foo Vertragshändler`, `Foo 官方授权店`).
static AUTHORISATION_CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        # Whole Latin words (`Unauthorized Deals` claims nothing).
        \b(?: (?:brand[\ -])?authori[sz]ed (?:\s+(?:dealer|reseller|retailer|seller|distributor
                |partner|agent|store|shop))?
          | autorisierter\s+(?:händler|fachhändler|vertriebspartner) | vertragshändler
          | (?:revendeur|distributeur)\s+agréé
          | (?:distribuidor|vendedor|revendedor)\s+autorizado
          | (?:rivenditore|distributore)\s+autorizzato )\b
        | (?: 官方授权 | 授权 | 正規代理店 | 正規販売店 | 공식\s*인증 | 정품\s*인증 )",
    )
    // A constant pattern, compiled by the test below: no page's input reaches it.
    .expect("the words of a claim of authorisation are a valid pattern")
});

/// What seller name `shown` claims of its authorisation, as printed: said in an
/// unauthorised seller's finding, since a shop calling itself the brand's dealer
/// is a claim of affiliation a legal team names in its complaint (the name alone
/// was all a finding said).
fn claimed_authorisation(shown: &str) -> Option<&str> {
    let m = AUTHORISATION_CLAIM.find(shown)?;
    // A disclaimer (`Foo - not an authorized dealer`, `Foo Non-Authorized`)
    // claims the opposite.
    let before = shown[..m.start()].to_lowercase();
    let mut words = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev();
    let last = match words.next() {
        Some("a" | "an") => words.next(),
        w => w,
    };
    let denied = matches!(last, Some("not" | "non" | "nicht" | "no"));
    (!denied).then_some(m.as_str())
}

/// ", though its name claims to be (\"Authorized Dealer\")" where seller name
/// `shown` claims authorisation ([`claimed_authorisation`]).
fn claim_in(shown: &str) -> String {
    claimed_authorisation(shown)
        .map(|c| format!(", though its name claims to be (\"{c}\")"))
        .unwrap_or_default()
}

/// One listing of a known SKU being judged.
struct Judging<'a> {
    brand: &'a Brand,
    l: &'a Listing,
    sku: &'a crate::config::Sku,
    at: DateTime<Utc>,
    /// The promotion the listing's previous observation carried.
    carried: Option<&'a str>,
    /// The SKU's floor in the listing's currency, times the pack's count.
    floor: Option<Money>,
    /// The pack the title says the listing sells at its price, if several.
    pack: Option<Pack>,
    /// The distributor whose undeclared shop the seller is, if it is one.
    linked: Option<&'a crate::sellers::network::Undeclared>,
}

impl Judging<'_> {
    fn finding(&self, kind: FindingKind, floor: Option<Money>, detail: String) -> Finding {
        let l = self.l;
        Finding {
            kind,
            marketplace: l.marketplace.clone(),
            listing_id: l.listing_id.clone(),
            url: l.url.clone(),
            seller_name: l.seller.name.clone(),
            seller_id: l.seller.id.clone(),
            sku: self.sku.id.clone(),
            observed: l.price.clone(),
            price_basis: l.price_basis,
            floor,
            detail,
        }
    }

    /// " (the page states the item used)" for an item stated other than new: a
    /// genuine item resold used is another claim than a new one sold outside the
    /// network, and whoever files must see it.
    fn stated_condition(&self) -> String {
        match self.l.condition_class() {
            Some(c) if c != Condition::New => format!(" (the page states the item {})", c.as_str()),
            _ => String::new(),
        }
    }

    /// The finding that seller `shown` is not authorised, with what its name
    /// claims ([`claim_in`]) and the condition the page states.
    fn unauthorized(&self, shown: &str) -> Finding {
        self.finding(
            FindingKind::UnauthorizedSeller,
            None,
            format!(
                "seller {shown} is not an authorised seller of {}{}{}",
                self.brand.name,
                claim_in(shown),
                self.stated_condition()
            ),
        )
    }

    /// Who sells ([`identify`]): an authorised distributor outside its territory,
    /// or a seller who is not authorised at all, is a finding; a seller imitating
    /// a distributor's name under another id is also a counterfeit signal (returned).
    fn seller(&self, v: &mut Verdict) -> Vec<String> {
        let (brand, l) = (self.brand, self.l);
        let shown = l
            .seller
            .name
            .as_deref()
            .or(l.seller.id.as_deref())
            .unwrap_or("?");
        let id = l.seller.id.as_deref().unwrap_or("");
        let unauthorized = || self.unauthorized(shown);
        match identify(brand, l) {
            Identity::Account(s) => {
                v.authorized_seller = Some(s.id.clone());
                v.identity = format!("account {id} of distributor {} ({})", s.name, s.id);
                if !s.authorized_on.contains(&l.marketplace) {
                    v.findings.push(self.finding(
                        FindingKind::TerritoryBreach,
                        None,
                        format!(
                            "distributor {} is authorised on {} only",
                            s.name,
                            s.authorized_on.join(", ")
                        ),
                    ));
                }
                Vec::new()
            }
            Identity::Imitates(s) => {
                v.identity = format!(
                    "id {id} is none of the distributors' accounts on {}; the name imitates distributor {} ({})",
                    l.marketplace, s.name, s.id
                );
                v.findings.push(unauthorized());
                vec![format!(
                    "seller \"{shown}\" (id {id}) imitates the name of authorised distributor {}, but is none of its accounts on {} (impersonation)",
                    s.name, l.marketplace
                )]
            }
            Identity::NoId(Some(s)) => {
                v.identity = format!(
                    "no seller id on the page; the name looks like distributor {}",
                    s.name
                );
                v.notes.push(format!(
                    "seller id not found on the page: the name \"{shown}\" looks like distributor {}, but names are not identity: authorisation not checked",
                    s.name
                ));
                Vec::new()
            }
            Identity::NoId(None) | Identity::Other => {
                v.identity = if id.is_empty() {
                    format!("no seller id on the page; the name {shown} is no distributor's")
                } else {
                    format!(
                        "id {id} is none of the distributors' accounts on {}",
                        l.marketplace
                    )
                };
                v.findings.push(unauthorized());
                note_look_alike(brand, l, shown, v);
                Vec::new()
            }
            Identity::Unknown => {
                v.identity = "no seller on the page".into();
                v.notes
                    .push("seller not found on the page: authorisation not checked".into());
                Vec::new()
            }
        }
    }

    /// Whether the seller, none of the declared accounts, is linked to one
    /// ([`Judging::linked`]): then it is judged as that distributor's shop.
    fn undeclared_shop(&self, v: &mut Verdict) -> bool {
        let Some(u) = self.linked else {
            return false;
        };
        let other = matches!(
            identify(self.brand, self.l),
            Identity::Imitates(_) | Identity::Other
        );
        match self.brand.sellers.iter().find(|s| s.id == u.distributor) {
            Some(d) if other => {
                self.undeclared(v, d, u);
                true
            }
            _ => false,
        }
    }

    /// A shop linked to distributor `d`'s declared account: the listing is the
    /// distributor's (its prices count on its scorecard), an `undeclared_shop`
    /// finding names the link, and outside the distributor's marketplaces it is
    /// also a territory breach.
    fn undeclared(
        &self,
        v: &mut Verdict,
        d: &AuthorizedSeller,
        u: &crate::sellers::network::Undeclared,
    ) {
        let l = self.l;
        let id = l.seller.id.as_deref().unwrap_or("");
        v.authorized_seller = Some(d.id.clone());
        v.identity = format!(
            "id {id} is none of the distributors' declared accounts on {}, but shares a {} with {}, an account of distributor {} ({}): an undeclared shop",
            l.marketplace,
            u.link.kind.as_str(),
            u.link.a,
            d.name,
            d.id
        );
        v.findings.push(self.finding(
            FindingKind::UndeclaredShop,
            None,
            format!(
                "shop {id} on {} is an undeclared shop of distributor {}: {}",
                l.marketplace,
                d.name,
                u.link.words()
            ),
        ));
        if !d.authorized_on.contains(&l.marketplace) {
            v.findings.push(self.finding(
                FindingKind::TerritoryBreach,
                None,
                format!(
                    "distributor {} (through its undeclared shop {id}) is authorised on {} only",
                    d.name,
                    d.authorized_on.join(", ")
                ),
            ));
        }
    }

    /// The price against the floor (or a running promotion's, or the price of a
    /// promotion that has ended); returns the counterfeit signal of a price far
    /// below the floor, if any.
    fn price(&self, v: &mut Verdict) -> Vec<String> {
        // A floor is what a new item may be advertised at: a used, refurbished or
        // damaged one sells lower for reasons of its own, and a genuine item resold
        // is no counterfeit (a complaint on it would claim what is not so).
        if let Some(c) = self.l.condition_class().filter(|c| *c != Condition::New) {
            v.notes
                .push(format!("item {} (not new): floor not checked", c.as_str()));
            return Vec::new();
        }
        let (Some(p), Some(f)) = (&self.l.price, &self.floor) else {
            let note = match (&self.l.price, &self.l.price_in_cart) {
                (Some(p), _) => format!("no floor for currency {}", p.currency),
                (None, Some(w)) => {
                    format!("price shown only in the cart (\"{w}\"): floor not checked")
                }
                (None, None) => "no price on the page: floor not checked".into(),
            };
            v.notes.push(note);
            return Vec::new();
        };
        // `[confirm] grace_percent`: a price a rounding's width under the floor is
        // not a violation.
        let grace = Decimal::ONE - self.brand.confirm.grace_percent / Decimal::ONE_HUNDRED;
        if p.amount < f.amount * grace {
            self.below_floor(v, p, f);
        }
        let ratio = self.brand.policy.counterfeit_price_ratio;
        if let Some(w) = &self.l.auction {
            // A bid is what a buyer offers so far, not what the item is sold at: a
            // low one says nothing of the item.
            v.notes.push(format!(
                "an auction (\"{w}\"): its price is a bid, no counterfeit signal"
            ));
            return Vec::new();
        }
        // A price on a condition (members', a card's, a carrier's line) is one a
        // programme pays part of: a low one says nothing of the item either.
        if (self.l.price_choice.as_deref()).is_some_and(|c| c.starts_with(ON_A_CONDITION)) {
            v.notes.push(format!(
                "{ON_A_CONDITION}: no counterfeit signal from its price"
            ));
            return Vec::new();
        }
        if p.amount < f.amount * ratio {
            let choice = self
                .l
                .price_choice
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            let pack = self
                .pack
                .as_ref()
                .map(|k| format!(" for {} ({})", k.count, k.said()))
                .unwrap_or_default();
            return vec![format!(
                "{PRICE_SIGNAL}{p}{choice}{pack} is under {}% of the floor",
                (ratio * Decimal::ONE_HUNDRED).normalize()
            )];
        }
        Vec::new()
    }

    /// A price under the floor: allowed by a running promotion, below even that
    /// promotion's floor, a promotion's price kept after it ended, or below floor.
    fn below_floor(&self, v: &mut Verdict, p: &Money, f: &Money) {
        let choice = |c| choice_sentence(c, self.l.auction.is_some());
        let basis = match (self.l.price_basis, &self.l.price_choice) {
            (PriceBasis::Coupon, None) => " (coupon price)".to_string(),
            (PriceBasis::List, None) => String::new(),
            (PriceBasis::Coupon, Some(c)) => format!(" (coupon price, {})", choice(c)),
            (PriceBasis::List, Some(c)) => format!(" ({})", choice(c)),
        };
        // An auction's price is a bid; its starting bid, which the seller set, was
        // no higher: that is what was advertised under the floor.
        let basis = match &self.l.auction {
            Some(w) => format!(
                "{basis} (an auction's bid, as the page says (\"{w}\"); its starting bid, the seller's price, was no higher)"
            ),
            None => basis,
        };
        let covering = || {
            self.brand
                .promotions
                .iter()
                .filter(|pr| pr.covers(&self.sku.id, &self.l.marketplace))
                .filter_map(|pr| pr.floor.get(&p.currency).map(|pf| (pr, *pf * self.units())))
        };
        // The lowest floor of the promotions running now, if any.
        let running = covering()
            .filter(|(pr, _)| pr.running_at(self.at))
            .min_by_key(|(_, pf)| *pf);
        match running {
            Some((pr, pf)) if p.amount >= pf => {
                v.promotion = Some(pr.name.clone());
                return;
            }
            Some((pr, pf)) => {
                let pf = Money::new(pf, p.currency.clone());
                let detail = format!(
                    "advertised {p}{basis} is below the floor of {pf}{} set by promotion \"{}\"",
                    self.per_item(&pf),
                    pr.name
                );
                v.findings
                    .push(self.finding(FindingKind::BelowFloor, Some(pf), detail));
                return;
            }
            None => {}
        }
        // Still at the price it carried in a promotion that has ended.
        let ended = covering()
            .filter(|(pr, pf)| {
                pr.end <= self.at && p.amount >= *pf && self.carried == Some(pr.name.as_str())
            })
            .max_by_key(|(pr, _)| pr.end);
        let finding = match ended {
            Some((pr, _)) => {
                v.promotion = Some(pr.name.clone());
                self.finding(
                    FindingKind::PromotionOverrun,
                    Some(f.clone()),
                    format!(
                        "advertised {p}{basis} is the price of promotion \"{}\", which ended {}; the floor is {f}{} again",
                        pr.name,
                        pr.end.to_rfc3339(),
                        self.per_item(f)
                    ),
                )
            }
            None => self.finding(
                FindingKind::BelowFloor,
                Some(f.clone()),
                format!(
                    "advertised {p}{basis} is below the floor of {f}{}",
                    self.per_item(f)
                ),
            ),
        };
        v.findings.push(finding);
    }

    /// How many of the SKU the price is for (see [`SkuMatch::units`]).
    fn units(&self) -> Decimal {
        pack::units(self.pack.as_ref())
    }

    /// How a floor `f` held to a pack was reached: " (2 × 49.00 USD: the title
    /// says \"pack of 2\")"; nothing for one item.
    fn per_item(&self, f: &Money) -> String {
        match &self.pack {
            Some(k) => {
                let mut each = f.amount / Decimal::from(k.count);
                each.rescale(f.amount.scale());
                format!(
                    " ({} × {}: {})",
                    k.count,
                    Money::new(each, f.currency.clone()),
                    k.said()
                )
            }
            None => String::new(),
        }
    }

    /// Counterfeit words of the brand's policy in the title.
    fn counterfeit_words(&self) -> Vec<String> {
        let Some(title) = &self.l.title else {
            return Vec::new();
        };
        let t = fold(title);
        self.brand
            .policy
            .counterfeit_words
            .iter()
            .filter(|w| matching::calls_it(&t, &fold(w)))
            .map(|w| format!("{}{w}{}", TITLE_WORD.0, TITLE_WORD.1))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{claimed_authorisation, counterfeit_grounds};

    /// A seller's name claiming authorisation is said as printed; a name merely
    /// holding a like word is not.
    #[test]
    fn a_claim_of_authorisation_in_a_name_is_read_as_printed() {
        for (name, want) in [
            ("ACME Authorized Dealer", Some("Authorized Dealer")),
            (
                "Northwind Audio (Authorised Reseller)",
                Some("Authorised Reseller"),
            ),
            ("Foo Brand-Authorized", Some("Brand-Authorized")),
            ("Klangwelt Vertragshändler", Some("Vertragshändler")),
            ("Boutique Son Revendeur Agréé", Some("Revendeur Agréé")),
            ("艾克米官方授权店", Some("官方授权")),
            ("Northwind Audio", None),
            ("Acme Official Store", None),
            ("Authorship Books", None),
            ("Unauthorized Deals", None),
            ("Foo Resale - not an authorized dealer", None),
            ("Foo Non-Authorized", None),
            ("Canon Authorized Dealer", Some("Authorized Dealer")),
        ] {
            assert_eq!(claimed_authorisation(name), want, "{name}");
        }
    }

    /// A price signal whose choice holds `; ` is still one price signal: split
    /// there, its halves were two grounds and a price alone made a sworn
    /// counterfeit claim.
    #[test]
    fn a_price_signal_is_one_signal_whatever_its_choice_holds() {
        let price = "price 59.99 USD (a price only some buyers pay, as the page says (\"members\"); the lowest price for every buyer: 249.99) is under 50% of the floor";
        assert!(counterfeit_grounds(price).is_empty(), "{price}");
        let both = format!("title contains \"replica\"; {price}");
        assert_eq!(counterfeit_grounds(&both), ["title contains \"replica\""]);
        let after = format!("{price}; title contains \"replica\"");
        assert_eq!(counterfeit_grounds(&after), ["title contains \"replica\""]);
        assert_eq!(
            counterfeit_grounds("price 9.99 USD is under 50% of the floor"),
            Vec::<&str>::new()
        );
    }
}
