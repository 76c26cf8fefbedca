//! The shapes of the targets files (`*File`, as written by people) and of the
//! validated configuration the rest of the pipeline uses.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, Utc};
use regex::Regex;
use rust_decimal::Decimal;
use scraper::Selector;
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;
use url::Url;

use crate::money::Currency;

/// Reads a table of amounts by currency code, refusing a currency given twice:
/// `floor = { USD = "199.00", usd = "150" }` (or `RUB` and its old code `RUR`) were
/// one floor, the last written, and `check` said OK: a price of 180 went unseen
/// under the 199 meant.
fn one_per_currency<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<Currency, Amount>, D::Error> {
    use serde::de::Error;
    let written = BTreeMap::<String, Amount>::deserialize(d)?;
    let mut out: BTreeMap<Currency, Amount> = BTreeMap::new();
    let mut codes: BTreeMap<Currency, String> = BTreeMap::new();
    for (code, amount) in written {
        let currency = Currency::new(&code).map_err(D::Error::custom)?;
        if let Some(first) = codes.insert(currency.clone(), code.clone()) {
            return Err(D::Error::custom(format!(
                "{currency} is given twice (as `{first}` and `{code}`): give one amount per currency"
            )));
        }
        out.insert(currency, amount);
    }
    Ok(out)
}

/// A money amount as written in a targets file: a string (`"199.00"`) or an integer.
///
/// Floats are refused on purpose: `199.99` in TOML is a binary float and a floor must
/// be exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(pub Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Str(String),
            Int(i64),
            Float(f64),
        }
        match Raw::deserialize(d)? {
            Raw::Str(s) => s
                .trim()
                .parse::<Decimal>()
                .map(Amount)
                .map_err(|_| serde::de::Error::custom(format!("`{s}` is not a decimal amount"))),
            Raw::Int(i) => Ok(Amount(Decimal::from(i))),
            Raw::Float(f) => Err(serde::de::Error::custom(format!(
                "write money as a string, e.g. \"{f}\": TOML floats are not exact"
            ))),
        }
    }
}

// ---------------------------------------------------------------- brand.toml

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BrandFile {
    pub brand: BrandSection,
    #[serde(default)]
    pub trademark: Vec<Trademark>,
    #[serde(default)]
    pub sku: Vec<SkuFile>,
    #[serde(default)]
    pub seller: Vec<SellerFile>,
    #[serde(default)]
    pub policy: PolicyFile,
    #[serde(default)]
    pub crawl: CrawlSettings,
    #[serde(default)]
    pub notify: NotifySettings,
    #[serde(default)]
    pub evidence: EvidenceSettings,
    #[serde(default)]
    pub promotion: Vec<PromotionFile>,
    #[serde(default)]
    pub escalation: Option<EscalationFile>,
    #[serde(default)]
    pub enforcement: EnforcementFile,
    #[serde(default)]
    pub confirm: Confirm,
    #[serde(default)]
    pub networks: NetworkSettings,
    #[serde(default)]
    pub render: RenderSettings,
}

/// A date and time as written: a TOML datetime or a string, always with a UTC offset.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum WhenFile {
    Toml(toml::value::Datetime),
    Text(String),
}

impl WhenFile {
    pub fn text(&self) -> String {
        match self {
            WhenFile::Toml(d) => d.to_string(),
            WhenFile::Text(s) => s.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PromotionFile {
    pub name: String,
    pub start: Spanned<WhenFile>,
    pub end: Spanned<WhenFile>,
    #[serde(default)]
    pub skus: Vec<Spanned<String>>,
    #[serde(default)]
    pub marketplaces: Vec<Spanned<String>>,
    #[serde(deserialize_with = "one_per_currency")]
    pub floor: BTreeMap<Currency, Amount>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EscalationFile {
    #[serde(default = "default_repeat_days")]
    pub repeat_within_days: u32,
    pub step: Vec<EscalationStep>,
}

fn default_repeat_days() -> u32 {
    30
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EnforcementFile {
    #[serde(default)]
    pub resolve_after_scans: Option<u32>,
    #[serde(default)]
    pub material_differences: BTreeMap<String, String>,
    #[serde(default)]
    pub protected_content: BTreeMap<String, String>,
    #[serde(default)]
    pub program_ids: BTreeMap<String, String>,
    #[serde(default)]
    pub reason_codes: BTreeMap<String, String>,
}

/// Where to announce what a scan found new. Secrets come from environment variables
/// named here, never from the file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotifySettings {
    /// A webhook that takes a JSON POST (Slack or Teams incoming webhook, or any).
    pub webhook_url: Option<String>,
    /// `slack`, `teams` or `json` (the full announcement as JSON).
    #[serde(default = "default_webhook_format")]
    pub webhook_format: String,
    /// Email recipients; needs `smtp_host` and `email_from`.
    #[serde(default)]
    pub email_to: Vec<String>,
    pub email_from: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    /// `starttls` (default), `tls`, or `none` (a local relay).
    pub smtp_security: Option<String>,
    /// Names of the environment variables holding the SMTP user and password.
    pub smtp_user_env: Option<String>,
    pub smtp_password_env: Option<String>,
    /// Announce even when nothing is new.
    #[serde(default)]
    pub always: bool,
}

/// `[evidence]`: what happens to the evidence after each scan.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSettings {
    /// An RFC 3161 time-stamp authority (e.g. `https://freetsa.org/tsr`): after every
    /// scan the log head is time-stamped there. A TSA that does not answer leaves the
    /// night unanchored (said in the summary) and the next scan's token covers it.
    pub tsa: Option<String>,
}

fn default_webhook_format() -> String {
    "slack".into()
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            webhook_url: None,
            webhook_format: default_webhook_format(),
            email_to: Vec::new(),
            email_from: None,
            smtp_host: None,
            smtp_port: None,
            smtp_security: None,
            smtp_user_env: None,
            smtp_password_env: None,
            always: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BrandSection {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub owner: Option<RightsOwner>,
}

/// Who owns the rights, and who acts for them: every complaint form asks.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RightsOwner {
    pub company: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub agent: Option<String>,
    /// Phone number forms ask for (eBay's NOCI, Alibaba's IPP).
    #[serde(default)]
    pub phone: Option<String>,
    /// The person who signs complaints and sworn statements.
    #[serde(default)]
    pub signatory: Option<String>,
    /// Country of the rights owner (ISO 3166 code or name).
    #[serde(default)]
    pub country: Option<String>,
}

/// A registered trademark the complaints rely on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Trademark {
    pub mark: String,
    pub number: String,
    pub office: String,
    #[serde(default)]
    pub classes: Vec<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SkuFile {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub gtin: Vec<Spanned<String>>,
    #[serde(default)]
    pub mpn: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default, deserialize_with = "one_per_currency")]
    pub floor: BTreeMap<Currency, Amount>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SellerFile {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub authorized_on: Vec<Spanned<String>>,
    #[serde(default)]
    pub accounts: Vec<AccountFile>,
    /// Who authorised the seller at the review desk, and when (RFC 3339): kept in
    /// the file for whoever reviews the targets.
    #[serde(default)]
    #[allow(dead_code)]
    pub authorized_by: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub authorized_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccountFile {
    pub marketplace: Spanned<String>,
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicyFile {
    #[serde(default)]
    pub counterfeit_words: Vec<String>,
    /// Title phrases of accessories; the built-in list when not given.
    #[serde(default)]
    pub exclusion_words: Option<Vec<String>>,
    /// Brand values that say nothing ("Generic", "Unbranded", "OEM"); the built-in
    /// list when not given.
    #[serde(default)]
    pub decoy_brands: Option<Vec<String>>,
    #[serde(default = "default_ratio")]
    pub counterfeit_price_ratio: Amount,
    #[serde(default = "default_confidence")]
    pub min_match_confidence: u8,
    /// `[policy.plausible_price]`: `default = { min, max }` and per currency code.
    #[serde(default)]
    pub plausible_price: BTreeMap<Spanned<String>, PriceRangeFile>,
}

/// A range of amounts as written: `{ min = "0.01", max = "100000" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PriceRangeFile {
    pub min: Option<Amount>,
    pub max: Option<Amount>,
}

fn default_confidence() -> u8 {
    80
}

impl Default for PolicyFile {
    fn default() -> Self {
        PolicyFile {
            counterfeit_words: Vec::new(),
            exclusion_words: None,
            decoy_brands: None,
            counterfeit_price_ratio: default_ratio(),
            min_match_confidence: default_confidence(),
            plausible_price: BTreeMap::new(),
        }
    }
}

fn default_ratio() -> Amount {
    Amount(Decimal::new(5, 1))
}

/// How the crawler presents itself and the limits that are always on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlSettings {
    /// The robots.txt product token, and the first word of the User-Agent.
    pub user_agent_token: String,
    /// Where a site operator can read who we are and ask us to stop.
    pub contact_url: String,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
    /// Bodies beyond this are cut off and the page is marked truncated.
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    /// Retries of one request after 429/5xx, timeouts and connection errors.
    pub max_retries: usize,
    /// First backoff delay; doubles each retry, with jitter, up to `retry_max_secs`.
    pub retry_base_millis: u64,
    pub retry_max_secs: u64,
    /// A Retry-After longer than this is not waited for: the request fails.
    pub max_retry_after_secs: u64,
    /// Refusals in a row (after retries) that cut a host off for the rest of a scan.
    pub breaker_threshold: u32,
    /// Pages fetched from one marketplace in one scan, at most (search and items).
    pub page_budget: usize,
    /// Blocked answers in a row (captchas, challenges, login walls) after which a
    /// marketplace is left alone for the rest of the scan: no attempt is made to
    /// get around a block.
    pub pause_after_blocked: u32,
    /// Share of a marketplace's listing pages (percent) that must be read for a
    /// night to count as covered; below it the scan exits 5.
    pub min_coverage_percent: u8,
    /// Share of a marketplace's listing pages (percent) whose title, and of the
    /// brand's listings whose price and seller, must be read; below it the
    /// marketplace's pages have likely changed under its adapter, and the scan
    /// exits 5. 0 turns the check off.
    pub min_fields_percent: u8,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        CrawlSettings {
            user_agent_token: "brandguard".into(),
            contact_url: "https://github.com/brandguard/brandguard".into(),
            concurrency: 8,
            connect_timeout_secs: 10,
            request_timeout_secs: 30,
            max_body_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            max_retries: 3,
            retry_base_millis: 500,
            retry_max_secs: 30,
            max_retry_after_secs: 120,
            breaker_threshold: 5,
            page_budget: 20_000,
            pause_after_blocked: 10,
            min_coverage_percent: 90,
            min_fields_percent: 50,
        }
    }
}

impl CrawlSettings {
    pub fn user_agent(&self) -> String {
        format!(
            "{}/{} (+{})",
            self.user_agent_token,
            env!("CARGO_PKG_VERSION"),
            self.contact_url
        )
    }
}

// ---------------------------------------------------------- marketplaces/*.toml

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MarketplaceFile {
    pub name: Spanned<String>,
    pub base_url: Spanned<String>,
    pub currency: Currency,
    pub rate_limit: RateLimit,
    pub start_urls: Vec<Spanned<String>>,
    pub search: SearchFile,
    #[serde(default)]
    pub item: ItemFile,
    /// Which complaint form this marketplace takes (`amazon`, `ebay_vero`, `alibaba`,
    /// `generic`); `generic` when not given.
    #[serde(default)]
    pub complaint_format: Option<ComplaintFormat>,
    /// `inclusive` (the default: consumer prices with VAT) or `exclusive`: which of
    /// two prices a page shows with and without VAT is the advertised one.
    #[serde(default)]
    pub vat_basis: VatBasis,
    /// The decimal separator the site prints (`","` or `"."`), when it is known: read
    /// `1.299` as 1.299 rather than guessing thousands.
    #[serde(default)]
    pub decimal_separator: Option<Spanned<char>>,
    /// The country whose buyers the marketplace serves (ISO 3166-1 alpha-2, e.g.
    /// `US`): where a distributor selling outside its territory imports into, which
    /// eBay's unlawful-importation reason must name.
    #[serde(default)]
    pub country: Option<Spanned<String>>,
    /// Where the marketplace shows who is behind a seller account, and how to read it.
    #[serde(default)]
    pub seller_page: Option<SellerPageFile>,
    /// The language its complaint forms are filed in (ISO 639-1, `de`), when it is
    /// not the form's own (English; Chinese for Alibaba): sworn statements then come
    /// from `statements.toml`'s `["FORM@LANG"]` section, never the English ones.
    #[serde(default)]
    pub language: Option<Spanned<String>>,
    /// When its listing pages go through a browser (`never`, `findings`,
    /// `always`); brand.toml's `[render] mode` when not given.
    #[serde(default)]
    pub render: Option<RenderMode>,
}

/// `[seller_page]` of a marketplace file: the address of a seller's profile page
/// (`url = "/seller/{id}"`) and selectors for what schema.org data on it lacks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SellerPageFile {
    pub url: Spanned<String>,
    #[serde(default)]
    pub fields: IdentityFieldsFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct IdentityFieldsFile {
    pub shop_name: Option<Spanned<OneOrMany>>,
    pub legal_name: Option<Spanned<OneOrMany>>,
    pub address: Option<Spanned<OneOrMany>>,
    pub phone: Option<Spanned<OneOrMany>>,
    pub email: Option<Spanned<OneOrMany>>,
    pub registration: Option<Spanned<OneOrMany>>,
    pub vat: Option<Spanned<OneOrMany>>,
    pub opened: Option<Spanned<OneOrMany>>,
}

/// Whether a marketplace's advertised prices include VAT. Consumer marketplaces show
/// prices with VAT (the default); business marketplaces often show them without.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatBasis {
    #[default]
    Inclusive,
    Exclusive,
}

/// The complaint form a marketplace takes, which decides the packet's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintFormat {
    /// Amazon Brand Registry, "Report a Violation".
    Amazon,
    /// eBay VeRO Notice of Claimed Infringement (and the VeRO reporting API).
    EbayVero,
    /// Alibaba IP Protection platform (Taobao, Tmall, 1688, AliExpress).
    Alibaba,
    /// A notice any site can take (DMCA-style notice, cease-and-desist letter).
    #[default]
    Generic,
}

impl ComplaintFormat {
    pub const ALL: [ComplaintFormat; 4] = [
        ComplaintFormat::Amazon,
        ComplaintFormat::EbayVero,
        ComplaintFormat::Alibaba,
        ComplaintFormat::Generic,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintFormat::Amazon => "amazon",
            ComplaintFormat::EbayVero => "ebay_vero",
            ComplaintFormat::Alibaba => "alibaba",
            ComplaintFormat::Generic => "generic",
        }
    }
}

impl std::str::FromStr for ComplaintFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        ComplaintFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s.replace('-', "_"))
            .ok_or_else(|| format!("unknown format `{s}` (amazon, ebay_vero, alibaba, generic)"))
    }
}

/// Requests per second and burst for one host.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per_second: f64,
    #[serde(default = "one")]
    pub burst: u32,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SearchFile {
    pub listing_link: Spanned<String>,
    #[serde(default)]
    pub next_page: Option<Spanned<String>>,
    #[serde(default = "default_max_pages")]
    pub max_pages: usize,
    /// Hosts other than the marketplace's own whose pages its search results link
    /// to as its listings (Taobao's results link Tmall's `detail.tmall.com`).
    #[serde(default)]
    pub item_hosts: Vec<Spanned<String>>,
}

fn default_max_pages() -> usize {
    50
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemFile {
    #[serde(default)]
    pub listing_id_from_url: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: FieldsFile,
    /// CSS selectors of what a buyer clicks to see the listing ("Show seller"),
    /// clicked in order in a rendered page (`render = "always"`) before it is read.
    #[serde(default)]
    pub reveal: Vec<Spanned<String>>,
}

/// Field selectors as written; each field's value carries its place in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct FieldsFile {
    pub title: Option<Spanned<OneOrMany>>,
    pub price: Option<Spanned<OneOrMany>>,
    pub coupon_price: Option<Spanned<OneOrMany>>,
    pub currency: Option<Spanned<OneOrMany>>,
    pub seller: Option<Spanned<OneOrMany>>,
    pub seller_id: Option<Spanned<OneOrMany>>,
    pub listing_id: Option<Spanned<OneOrMany>>,
    pub brand: Option<Spanned<OneOrMany>>,
    pub gtin: Option<Spanned<OneOrMany>>,
    pub mpn: Option<Spanned<OneOrMany>>,
    pub condition: Option<Spanned<OneOrMany>>,
    pub format: Option<Spanned<OneOrMany>>,
}

/// One selector rule or a list of them, tried in order.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum OneOrMany {
    Many(Vec<FieldRuleFile>),
    One(FieldRuleFile),
}

impl OneOrMany {
    pub fn rules(&self) -> &[FieldRuleFile] {
        match self {
            OneOrMany::Many(v) => v,
            OneOrMany::One(r) => std::slice::from_ref(r),
        }
    }
}

/// A field selector: `"h1.title"`, or `{ css = "a.shop", attr = "href", regex = "/shop/(\\d+)" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum FieldRuleFile {
    Css(String),
    Full {
        css: String,
        #[serde(default)]
        attr: Option<String>,
        #[serde(default)]
        regex: Option<String>,
    },
}

// ------------------------------------------------------------ validated config

/// A validated targets folder.
#[derive(Debug, Clone)]
pub struct Config {
    pub dir: PathBuf,
    pub brand: Brand,
    pub marketplaces: Vec<Marketplace>,
}

#[derive(Debug, Clone)]
pub struct Brand {
    pub name: String,
    pub aliases: Vec<String>,
    pub owner: Option<RightsOwner>,
    pub trademarks: Vec<Trademark>,
    pub skus: Vec<Sku>,
    pub sellers: Vec<AuthorizedSeller>,
    pub policy: Policy,
    pub crawl: CrawlSettings,
    pub notify: NotifySettings,
    pub evidence: EvidenceSettings,
    pub promotions: Vec<Promotion>,
    pub escalation: Escalation,
    pub enforcement: Enforcement,
    pub confirm: Confirm,
    pub networks: NetworkSettings,
    pub render: RenderSettings,
}

/// A sanctioned promotion: between `start` and `end` the SKUs may be advertised down
/// to `floor` on the marketplaces named (all, when none are named).
#[derive(Debug, Clone, Serialize)]
pub struct Promotion {
    pub name: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// Empty: every SKU.
    pub skus: Vec<String>,
    /// Empty: every marketplace.
    pub marketplaces: Vec<String>,
    pub floor: BTreeMap<Currency, Decimal>,
}

impl Promotion {
    /// Whether the promotion is about this SKU on this marketplace (at any time).
    pub fn covers(&self, sku: &str, marketplace: &str) -> bool {
        (self.skus.is_empty() || self.skus.iter().any(|s| s == sku))
            && (self.marketplaces.is_empty() || self.marketplaces.iter().any(|m| m == marketplace))
    }

    /// Whether `at` falls inside the window (start inclusive, end exclusive).
    pub fn running_at(&self, at: DateTime<Utc>) -> bool {
        self.start <= at && at < self.end
    }
}

/// The escalation ladder against distributors who break the price policy.
#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    /// A violation starting within this many days of the previous one ending is a repeat.
    pub repeat_within_days: u32,
    /// From the mildest step to the hardest.
    pub steps: Vec<EscalationStep>,
}

/// One step of the ladder and the thresholds that reach it (any one is enough).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    pub name: String,
    #[serde(default)]
    pub min_violations: Option<u32>,
    #[serde(default)]
    pub min_days_below_floor: Option<u32>,
    #[serde(default)]
    pub min_repeats: Option<u32>,
}

impl Default for Escalation {
    /// reminder → formal warning → supply hold → termination, the ladder most
    /// distribution agreements describe.
    fn default() -> Self {
        let step = |name: &str, v, d, r| EscalationStep {
            name: name.into(),
            min_violations: v,
            min_days_below_floor: d,
            min_repeats: r,
        };
        Escalation {
            repeat_within_days: default_repeat_days(),
            steps: vec![
                step("reminder", Some(1), None, None),
                step("formal_warning", Some(3), Some(3), Some(1)),
                step("supply_hold", None, Some(7), Some(2)),
                step("termination", None, Some(15), Some(4)),
            ],
        }
    }
}

/// `[confirm]`: when a violation seen by a scan is believed. A finding is
/// *suspected* on its first capture and *confirmed* after `captures` ok captures
/// at least `min_span_hours` apart: a price dip gone by the next night never
/// reaches a packet, which is built from confirmed findings only (unless a draft
/// is asked for).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Confirm {
    /// Ok captures showing the violation before it is confirmed (1 confirms at once).
    pub captures: u32,
    /// Hours between the first and the last of those captures, at least (with
    /// more than one).
    pub min_span_hours: u32,
    /// A price this many percent (a decimal string, `"1"`) or less under the floor
    /// is not a violation: absorbs rounding and currency display.
    pub grace_percent: Decimal,
    /// Days after a filing before a listing still violating moves its case up a
    /// step (`escalated`).
    pub recheck_after_days: u32,
}

impl Confirm {
    /// The shortest span between the first and the last confirming capture.
    pub fn min_span(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.min_span_hours))
    }

    /// The rule in words, for messages and packets.
    pub fn rule(&self) -> String {
        format!(
            "confirmed after {} ok captures at least {} h apart ([confirm] in brand.toml)",
            self.captures, self.min_span_hours
        )
    }
}

impl Default for Confirm {
    fn default() -> Self {
        Confirm {
            captures: 2,
            min_span_hours: 6,
            grace_percent: Decimal::ZERO,
            recheck_after_days: 14,
        }
    }
}

/// How cases are enforced: which path each case takes and what the forms need.
#[derive(Debug, Clone, Serialize)]
pub struct Enforcement {
    /// Scans a listing may be missing from search results before its findings resolve.
    pub resolve_after_scans: u32,
    /// Marketplace (or `*`) → why the unauthorised goods differ materially from the
    /// brand's genuine goods there (no warranty, other packaging): grounds for a
    /// marketplace complaint against unauthorised sellers of genuine-looking goods.
    /// `"MARKET@zh"` gives the same in Chinese, for Chinese forms.
    pub material_differences: BTreeMap<String, String>,
    /// Marketplace (or `*`) → the protected content unauthorised listings misuse there
    /// (the brand's photos, copied product text): grounds for a complaint too.
    pub protected_content: BTreeMap<String, String>,
    /// Complaint format (`ebay_vero`, `amazon`, `alibaba`) → the brand's id in that
    /// marketplace's rights-owner programme.
    pub program_ids: BTreeMap<String, String>,
    /// `format.kind` (`ebay_vero.counterfeit`, `ebay_vero.trademark`) → the reason code
    /// the marketplace's API wants (eBay: from `getVeroReasonCodes`).
    pub reason_codes: BTreeMap<String, String>,
}

impl Enforcement {
    /// The stated grounds for a complaint against an unauthorised seller of
    /// genuine-looking goods on `marketplace`, if the brand file gives any (in
    /// English: the case's path gives this as its reason).
    pub fn complaint_grounds(&self, marketplace: &str) -> Option<String> {
        match self.grounds_parts(marketplace, "en") {
            (Some(a), Some(b)) => Some(format!("material difference: {a}; protected content: {b}")),
            (Some(a), None) => Some(format!("material difference: {a}")),
            (None, Some(b)) => Some(format!("protected content: {b}")),
            (None, None) => None,
        }
    }

    /// The brand's material differences and protected content on `marketplace` in
    /// a form's language: `en` reads the plain keys (`tmart`, `*`), another
    /// language its own (`"tmart@zh"`, `"*@zh"`), so a form in that language never
    /// carries an English sentence. The forms put them in words of their language
    /// (`templates/packet/sentences.toml` `grounds`).
    pub fn grounds_parts(&self, marketplace: &str, lang: &str) -> (Option<String>, Option<String>) {
        let key = |m: &str| {
            if lang == "en" {
                m.to_string()
            } else {
                format!("{m}@{lang}")
            }
        };
        let pick = |m: &BTreeMap<String, String>| {
            m.get(&key(marketplace))
                .or_else(|| m.get(&key("*")))
                .cloned()
        };
        (
            pick(&self.material_differences),
            pick(&self.protected_content),
        )
    }
}

/// A product the brand watches, with its minimum advertised price per currency.
#[derive(Debug, Clone)]
pub struct Sku {
    pub id: String,
    pub name: String,
    /// Normalised to 14 digits.
    pub gtin: Vec<String>,
    pub mpn: Vec<String>,
    /// Words that must all appear in a title (with the brand name) to match by title.
    pub keywords: Vec<String>,
    pub floor: BTreeMap<Currency, Decimal>,
}

/// A seller the brand authorised, and where.
#[derive(Debug, Clone)]
pub struct AuthorizedSeller {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// Marketplace names this seller may sell on.
    pub authorized_on: Vec<String>,
    /// The seller's account ids on marketplaces, matched before names.
    pub accounts: Vec<SellerAccount>,
}

#[derive(Debug, Clone)]
pub struct SellerAccount {
    pub marketplace: String,
    pub id: String,
}

#[derive(Debug, Clone)]
pub struct Policy {
    /// Title words that suggest a fake ("replica", "高仿").
    pub counterfeit_words: Vec<String>,
    /// Title phrases that make a listing an accessory, not the product ("case for");
    /// [`super::DEFAULT_EXCLUSION_WORDS`] when brand.toml gives none. A phrase that
    /// one of the brand's own SKUs is named with excludes nothing (see
    /// `judge::matching`).
    pub exclusion_words: Vec<String>,
    /// Brand-field values that name no brand, which counterfeit sellers use to keep
    /// the real brand off a page ("Unbranded", "Generic", "无品牌"). Such a value never
    /// clears a listing: the title and identifiers are judged as if no brand were
    /// given, and the value itself is a counterfeit signal. Held folded
    /// ([`crate::ident::fold`]), as every listing's brand field is compared with them.
    pub decoy_brands: Vec<String>,
    /// A price below `floor × ratio` is a counterfeit signal.
    pub counterfeit_price_ratio: Decimal,
    /// SKU matches below this confidence (0–100) count as unmatched: no finding.
    /// GTIN matches score 100, MPN 95, brand plus title keywords 80.
    pub min_match_confidence: u8,
    /// Amounts a shop could really ask; anything else is read as no price.
    pub plausible: PlausiblePrices,
}

/// The amounts a listing could really be offered at, per currency. A page is hostile
/// input: `$0.00`, `$99999999999` or a number a script wrote by mistake are not
/// advertised prices, and reading them as such would accuse a seller of pricing below
/// the floor. Outside the range, the price is recorded as unreadable with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlausiblePrices {
    pub default: (Decimal, Decimal),
    pub per_currency: BTreeMap<Currency, (Decimal, Decimal)>,
}

/// Currencies whose unit is worth so little that everyday prices run into millions
/// (ISO 4217 codes; the rough test: more than 1,000 units to the US dollar, or
/// close to it).
const SMALL_UNIT_CURRENCIES: &[&str] = &[
    "IDR", "VND", "IRR", "KRW", "UZS", "LAK", "GNF", "PYG", "COP", "UGX", "MMK", "KHR", "LBP",
    "SLL", "SLE", "TZS", "MGA", "SYP", "IQD", "STD", "BIF", "CLP", "ISK", "HUF", "JPY", "KZT",
    "MNT", "RWF", "CDF", "NGN", "AMD", "ARS", "VES", "BYR", "KMF", "DJF", "XAF", "XOF", "YER",
    "SOS", "MWK",
];

impl Default for PlausiblePrices {
    fn default() -> Self {
        let big = Decimal::from(10_000_000_000u64);
        PlausiblePrices {
            // One cent to ten million: above that, no consumer listing is real.
            default: (Decimal::new(1, 2), Decimal::from(10_000_000u64)),
            per_currency: SMALL_UNIT_CURRENCIES
                .iter()
                .filter_map(|c| Currency::new(c).ok())
                .map(|c| (c, (Decimal::ONE, big)))
                .collect(),
        }
    }
}

impl PlausiblePrices {
    /// `(min, max)` for `currency`.
    pub fn range(&self, currency: &Currency) -> (Decimal, Decimal) {
        self.per_currency
            .get(currency)
            .copied()
            .unwrap_or(self.default)
    }

    /// `Err(why)` when `m` is outside the plausible range of its currency.
    pub fn check(&self, m: &crate::money::Money) -> Result<(), String> {
        let (min, max) = self.range(&m.currency);
        if m.amount < min || m.amount > max {
            return Err(format!(
                "{m} is outside the plausible range for {} ({min} to {max}; \
                 `[policy.plausible_price]` in brand.toml sets it)",
                m.currency
            ));
        }
        Ok(())
    }
}

/// One marketplace adapter: where to start and how to read its pages.
#[derive(Debug, Clone)]
pub struct Marketplace {
    pub name: String,
    pub file: PathBuf,
    pub base_url: Url,
    /// The currency assumed when a page gives none.
    pub currency: Currency,
    pub rate_limit: RateLimit,
    pub max_pages: usize,
    pub start_urls: Vec<String>,
    pub listing_link: Selector,
    pub next_page: Option<Selector>,
    pub listing_id_from_url: Option<Regex>,
    pub fields: FieldRules,
    pub complaint_format: ComplaintFormat,
    /// Whether the marketplace's advertised prices include VAT.
    pub vat_basis: VatBasis,
    /// The decimal separator the site prints, when the adapter says.
    pub decimal_separator: Option<char>,
    /// ISO 3166-1 alpha-2 code of the country the marketplace sells into.
    pub country: Option<String>,
    /// The brand's plausible price ranges (from brand.toml), which extraction applies.
    pub plausible: PlausiblePrices,
    /// The seller profile page, when the adapter names one: seller identity is read
    /// there ([`crate::sellers`]).
    pub seller_page: Option<SellerPage>,
    /// The language its forms are filed in (ISO 639-1), when the adapter says.
    pub language: Option<String>,
    /// When its listing pages go through a browser, as its file says (see
    /// [`Config::render_mode`]).
    pub render: Option<RenderMode>,
    /// What is clicked in a rendered listing page before it is read (`[item]
    /// reveal`: CSS selectors, each checked to parse).
    pub reveal: Vec<String>,
    /// `[search] item_hosts`: other hosts whose pages are its listings, lowercased,
    /// each `host` or `host:port` (see [`Marketplace::is_its_page`]).
    pub item_hosts: Vec<String>,
}

/// A marketplace's seller profile page.
#[derive(Debug, Clone)]
pub struct SellerPage {
    /// Relative to the marketplace's base URL, with `{id}` where the seller id goes.
    pub url: String,
    pub fields: IdentityFieldRules,
}

impl SellerPage {
    /// The profile page of seller `id` (the id percent-encoded: it came from a page).
    pub fn url_of(&self, base: &Url, id: &str) -> Option<Url> {
        // Every byte but letters, digits and `*-._` percent-encoded (so `/`, `?`,
        // `#` cannot leave the path); the form encoder writes a space as `+`, which
        // in a path is a plus (its own `+` it writes as `%2B`).
        let id: String = url::form_urlencoded::byte_serialize(id.as_bytes())
            .collect::<String>()
            .replace('+', "%20");
        base.join(&self.url.replace("{id}", &id)).ok()
    }
}

/// Selector fallbacks per identity field, tried where structured data gives none.
#[derive(Debug, Clone, Default)]
pub struct IdentityFieldRules {
    pub shop_name: Vec<FieldRule>,
    pub legal_name: Vec<FieldRule>,
    pub address: Vec<FieldRule>,
    pub phone: Vec<FieldRule>,
    pub email: Vec<FieldRule>,
    pub registration: Vec<FieldRule>,
    pub vat: Vec<FieldRule>,
    pub opened: Vec<FieldRule>,
}

/// `[networks]` of brand.toml: how seller identities are refreshed and which shared
/// values link sellers into a network ([`crate::sellers::network`]).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSettings {
    /// A seller's profile page is fetched again after this many days.
    pub identity_refresh_days: u32,
    /// Values that link unrelated sellers (a marketplace's registered agent, a
    /// platform's address, a placeholder): never a link, as written or normalised.
    pub stoplist: Vec<String>,
    /// A value shared by more sellers than this is a common value, not an identity
    /// (counted and shown, never a link).
    pub max_sharing: usize,
    /// A network larger than this is held for a person's review: shown, but no
    /// finding rests on it.
    pub max_network: usize,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        Self {
            identity_refresh_days: 7,
            stoplist: Vec::new(),
            max_sharing: 20,
            max_network: 25,
        }
    }
}

/// When a marketplace's listing pages go through a browser ([`crate::render`]).
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum RenderMode {
    /// Never: pages are read as fetched, and packets carry no screenshot.
    Never,
    /// A listing is rendered (DOM and full-page screenshot kept beside its bytes)
    /// once a finding on it is confirmed, once per page content; extraction reads
    /// the fetched bytes.
    #[default]
    Findings,
    /// Every listing page is rendered too, and read from its rendered DOM: for
    /// marketplaces that show price and seller only after scripts run. The fetched
    /// bytes are kept as ever (a page that is a script shell is expected, not a
    /// failure); the rendered capture names their capture.
    Always,
}

impl RenderMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RenderMode::Never => "never",
            RenderMode::Findings => "findings",
            RenderMode::Always => "always",
        }
    }
}

impl std::str::FromStr for RenderMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "never" => Ok(RenderMode::Never),
            "findings" => Ok(RenderMode::Findings),
            "always" => Ok(RenderMode::Always),
            other => Err(format!(
                "`{other}` is no render mode (never, findings or always)"
            )),
        }
    }
}

/// `[render]` of brand.toml: the browser rendered captures are taken with.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RenderSettings {
    /// When listing pages go through the browser, for marketplaces whose file does
    /// not say (`BRANDGUARD_RENDER` in the environment overrides every one: e.g.
    /// `never` on a machine without a browser).
    pub mode: RenderMode,
    /// The browser: Debian's `chromium` (never a downloaded one).
    pub browser: PathBuf,
    /// The window a page is laid out in, CSS pixels.
    pub viewport_width: u32,
    pub viewport_height: u32,
    /// Device pixels per CSS pixel of the screenshot.
    pub device_scale: u32,
    /// A full-page screenshot stops at this height (CSS pixels); the capture
    /// record says when a page was taller.
    pub max_height: u32,
    /// Pages rendered at once (tabs of the one browser of a scan).
    pub tabs: usize,
    /// A page not loaded, settled and captured in this time is given up on.
    pub timeout_secs: u64,
    /// A browser that has not come up in this time is killed and started again
    /// (three tries in all; then the scan goes on without rendered captures).
    pub start_timeout_secs: u64,
    /// Most JavaScript heap a page may use, MiB (V8's old space, per renderer
    /// process): a page whose scripts grow past it crashes its tab, which fails
    /// that page (`render_tab_crashed`), never the browser or the scan.
    pub page_memory_mib: u32,
    /// Chromium's sandbox; off only when running as root, where Chromium refuses
    /// it. `false` turns it off everywhere (containers without user namespaces);
    /// `BRANDGUARD_BROWSER_SANDBOX` (`--browser-sandbox`) overrides it.
    pub sandbox: Option<bool>,
}

impl Default for RenderSettings {
    fn default() -> Self {
        Self {
            mode: RenderMode::default(),
            browser: PathBuf::from("/usr/bin/chromium"),
            viewport_width: 1280,
            viewport_height: 800,
            device_scale: 1,
            max_height: 16_000,
            tabs: 2,
            timeout_secs: 30,
            start_timeout_secs: 30,
            page_memory_mib: 512,
            sandbox: None,
        }
    }
}

/// Selector fallbacks per field, tried in order.
#[derive(Debug, Clone, Default)]
pub struct FieldRules {
    pub title: Vec<FieldRule>,
    pub price: Vec<FieldRule>,
    pub coupon_price: Vec<FieldRule>,
    pub currency: Vec<FieldRule>,
    pub seller: Vec<FieldRule>,
    pub seller_id: Vec<FieldRule>,
    pub listing_id: Vec<FieldRule>,
    pub brand: Vec<FieldRule>,
    pub gtin: Vec<FieldRule>,
    pub mpn: Vec<FieldRule>,
    /// The item's condition as the page writes it (`Used`, `Refurbished`), where
    /// structured data does not give `itemCondition`.
    pub condition: Vec<FieldRule>,
    /// How the listing sells (`Buy It Now`, `Auction`): an auction's price is a
    /// bid, not what its seller asks ([`crate::extract::auction_words`]).
    pub format: Vec<FieldRule>,
}

#[derive(Debug, Clone)]
pub struct FieldRule {
    pub css: String,
    pub selector: Selector,
    /// Read this attribute instead of the element's text.
    pub attr: Option<String>,
    /// Keep the first capture group (or the whole match) of this regex.
    pub regex: Option<Regex>,
}
