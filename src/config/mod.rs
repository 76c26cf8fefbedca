//! Loading and validating a targets folder: `brand.toml` plus one adapter file per
//! marketplace under `marketplaces/`.
//!
//! Every error names the file, the line and the field, because the people who edit
//! these files are brand and operations staff, not the authors of this code.

pub mod edit;
mod limits;
mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;
use scraper::Selector;
use serde::de::DeserializeOwned;
use url::Url;

pub use limits::max_burst;
pub use types::*;

/// What went wrong while loading a targets folder.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}:{line}: field `{field}`: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        field: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Folder { path: PathBuf, message: String },
}

/// A spanned value's location, for error messages.
struct Site<'a> {
    path: &'a Path,
    src: &'a str,
}

impl Site<'_> {
    /// An error about `field` (dotted, like `crawl.max_redirects`), on the line where
    /// its last key is written (or line 1 if it is not written: a default).
    fn invalid_key(&self, field: &str, message: impl Into<String>) -> ConfigError {
        let key = field.rsplit('.').next().unwrap_or(field);
        let at = self
            .src
            .lines()
            .scan(0, |pos, l| {
                let start = *pos;
                *pos += l.len() + 1;
                Some((start, l))
            })
            .find(|(_, l)| {
                let t = l.trim_start();
                t.strip_prefix(key)
                    .is_some_and(|r| r.trim_start().starts_with('='))
                    || t.contains(&format!("{key} ="))
                    || t.contains(&format!("{key}="))
            })
            .map_or(0, |(start, _)| start);
        self.invalid(at..at, field, message)
    }

    fn invalid(
        &self,
        span: std::ops::Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        let line = self.src[..span.start.min(self.src.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1;
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}

fn read_toml<T: DeserializeOwned>(path: &Path) -> Result<(T, String), ConfigError> {
    let src = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    // toml's own message already says "at line N, column M" and quotes the line.
    let value = toml::from_str(&src).map_err(|e: toml::de::Error| ConfigError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    Ok((value, src))
}

impl Config {
    /// What `check` warns about how sellers and SKUs are identified: a
    /// SKU keyword that is only the brand's name matches every title naming the
    /// brand; and sellers are known by
    /// their marketplace id alone, so a marketplace whose adapter reads no seller
    /// id recognises no distributor (only its pages' structured data could give
    /// one), and a distributor without a declared account on a marketplace it is
    /// authorised on would have its own listings there taken for someone else's.
    pub fn identity_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for m in &self.marketplaces {
            if m.fields.seller_id.is_empty() {
                out.push(format!(
                    "marketplace {}: no fields.seller_id: sellers there are known by name only, and names are not identity: no seller is recognised as a distributor unless the page's structured data gives an id (add fields.seller_id, e.g. the shop link's id)",
                    m.name
                ));
            }
        }
        // A keyword phrase that is only the brand's name matches every title naming
        // the brand: a toaster of the brand would be held to that SKU's floor.
        let names: Vec<String> = std::iter::once(&self.brand.name)
            .chain(&self.brand.aliases)
            .map(|n| crate::ident::fold(n))
            .collect();
        for sku in &self.brand.skus {
            for k in sku
                .keywords
                .iter()
                .filter(|k| names.contains(&crate::ident::fold(k)))
            {
                out.push(format!(
                    "SKU {}: keyword \"{k}\" is only the brand's name: every title naming {} that names no other SKU is matched to {} (give words of the product itself: its model and what it is)",
                    sku.id, self.brand.name, sku.id
                ));
            }
        }
        for s in &self.brand.sellers {
            for m in &s.authorized_on {
                if !s.accounts.iter().any(|a| &a.marketplace == m) {
                    out.push(format!(
                        "distributor {} is authorised on {m} but has no account id there: its listings on {m} cannot be recognised as its own (add accounts = [{{ marketplace = \"{m}\", id = \"…\" }}])",
                        s.id
                    ));
                }
            }
        }
        out
    }

    /// What `check` warns about the floors: a SKU without a floor in a currency a
    /// marketplace prices in is never price-checked there (its listings' prices
    /// are read and compared with no floor), which nothing else says until a
    /// report shows no violations for it.
    pub fn floor_warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        for sku in &self.brand.skus {
            let mut missing: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for m in &self.marketplaces {
                if !sku.floor.contains_key(&m.currency) {
                    missing
                        .entry(m.currency.code())
                        .or_default()
                        .push(m.name.as_str());
                }
            }
            for (currency, markets) in missing {
                out.push(format!(
                    "SKU {}: no floor in {currency}, the currency of {}: its listings priced in {currency} are not checked against a floor (add {currency} = \"…\" to its floor)",
                    sku.id,
                    markets.join(", ")
                ));
            }
        }
        out
    }

    /// Loads and validates the targets folder `dir`.
    pub fn load(dir: &Path) -> Result<Config, ConfigError> {
        let brand_path = dir.join("brand.toml");
        let (brand, brand_src): (BrandFile, String) = read_toml(&brand_path)?;
        let market_dir = dir.join("marketplaces");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&market_dir)
            .map_err(|source| ConfigError::Read {
                path: market_dir.clone(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(ConfigError::Folder {
                path: market_dir,
                message: "no marketplace adapter files (*.toml) found".into(),
            });
        }
        let mut marketplaces = Vec::new();
        for file in files {
            let (m, src): (MarketplaceFile, String) = read_toml(&file)?;
            let site = Site {
                path: &file,
                src: &src,
            };
            marketplaces.push(Marketplace::validate(m, &site, file.clone())?);
        }
        let mut names = BTreeSet::new();
        for m in &marketplaces {
            if !names.insert(m.name.clone()) {
                return Err(ConfigError::Folder {
                    path: m.file.clone(),
                    message: format!("marketplace name `{}` is used by two files", m.name),
                });
            }
        }
        let site = Site {
            path: &brand_path,
            src: &brand_src,
        };
        let brand = Brand::validate(brand, &site, &names)?;
        for m in &mut marketplaces {
            m.plausible = brand.policy.plausible.clone();
        }
        Ok(Config {
            dir: dir.to_path_buf(),
            brand,
            marketplaces,
        })
    }

    /// Points marketplace `name` at another base URL (the demo marketplace on a
    /// random port, a staging mirror). Start URLs are relative to the base URL.
    pub fn override_base_url(&mut self, name: &str, url: &str) -> Result<(), ConfigError> {
        let known: Vec<String> = self.marketplaces.iter().map(|m| m.name.clone()).collect();
        let m = self
            .marketplaces
            .iter_mut()
            .find(|m| m.name == name)
            .ok_or_else(|| ConfigError::Folder {
                path: self.dir.clone(),
                message: format!(
                    "--base-url names marketplace `{name}`, which is not defined (known: {})",
                    known.join(", ")
                ),
            })?;
        let parsed = Url::parse(url).map_err(|e| ConfigError::Folder {
            path: m.file.clone(),
            message: format!("base URL override `{url}` for `{name}` is not a URL: {e}"),
        })?;
        let site = Site {
            path: &m.file,
            src: "",
        };
        limits::web_url(&parsed, &site, "base_url (--base-url override)")?;
        m.base_url = parsed;
        Ok(())
    }

    pub fn marketplace(&self, name: &str) -> Option<&Marketplace> {
        self.marketplaces.iter().find(|m| m.name == name)
    }

    /// When `m`'s listing pages go through a browser: its file's `render`, else
    /// brand.toml's `[render] mode`.
    pub fn render_mode(&self, m: &Marketplace) -> RenderMode {
        m.render.unwrap_or(self.brand.render.mode)
    }

    /// One render mode for every marketplace (`scan --render`, `BRANDGUARD_RENDER`):
    /// e.g. `never` on a machine without a browser.
    pub fn override_render(&mut self, mode: RenderMode) {
        self.brand.render.mode = mode;
        for m in &mut self.marketplaces {
            m.render = Some(mode);
        }
    }
}

fn compile_selector(
    site: &Site,
    s: &toml::Spanned<String>,
    field: &str,
) -> Result<Selector, ConfigError> {
    parse_selector(s.get_ref()).map_err(|why| site.invalid(s.span(), field, why))
}

/// Parses a selector from a targets file, or says why not. An empty one is said so:
/// scraper calls it an "unexpected error" to "report to the developer".
fn parse_selector(css: &str) -> Result<Selector, String> {
    if css.trim().is_empty() {
        return Err("the selector is empty: give a CSS selector, or leave the field out".into());
    }
    Selector::parse(css).map_err(|e| {
        // scraper words some errors as its own fault; the kind after it says what.
        let e = e.to_string();
        let e = e
            .trim_start_matches("Unexpected error occurred. Please report this to the developer")
            .trim();
        format!("`{css}` is not a valid CSS selector: {e}")
    })
}

fn compile_fields(
    site: &Site,
    list: &Option<toml::Spanned<OneOrMany>>,
    field: &str,
) -> Result<Vec<FieldRule>, ConfigError> {
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    let span = list.span();
    list.get_ref()
        .rules()
        .iter()
        .map(|r| {
            let (css, attr, regex) = match r {
                FieldRuleFile::Css(css) => (css, None, None),
                FieldRuleFile::Full { css, attr, regex } => (css, attr.clone(), regex.as_ref()),
            };
            let selector =
                parse_selector(css).map_err(|why| site.invalid(span.clone(), field, why))?;
            let regex = match regex {
                Some(re) => Some(Regex::new(re).map_err(|e| {
                    site.invalid(span.clone(), field, format!("bad regex `{re}`: {e}"))
                })?),
                None => None,
            };
            Ok(FieldRule {
                css: css.clone(),
                selector,
                attr,
                regex,
            })
        })
        .collect()
}

impl Marketplace {
    fn validate(
        m: MarketplaceFile,
        site: &Site,
        file: PathBuf,
    ) -> Result<Marketplace, ConfigError> {
        let name = valid_name(&m, site)?;
        let base_url = Url::parse(m.base_url.get_ref())
            .map_err(|e| site.invalid(m.base_url.span(), "base_url", format!("not a URL: {e}")))?;
        limits::web_url(&base_url, site, "base_url")?;
        limits::marketplace(&m.rate_limit, m.search.max_pages, site)?;
        if m.start_urls.is_empty() {
            return Err(ConfigError::Folder {
                path: file,
                message: "`start_urls` is empty: give at least one search URL".into(),
            });
        }
        for u in &m.start_urls {
            base_url.join(u.get_ref()).map_err(|e| {
                site.invalid(u.span(), "start_urls", format!("not a URL path: {e}"))
            })?;
        }
        let id_re = listing_id_regex(&m, site)?;
        let fields = field_rules(&m.item.fields, site)?;
        // `.` or `,`, or a sign some shops put between whole and cents (`12€50`).
        let decimal_separator = match &m.decimal_separator {
            Some(c) if c.get_ref().is_alphanumeric() || c.get_ref().is_whitespace() => {
                return Err(site.invalid(
                    c.span(),
                    "decimal_separator",
                    format!(
                        "`{}` cannot separate whole and cents: give a sign like \".\" or \",\"",
                        c.get_ref()
                    ),
                ));
            }
            d => d.as_ref().map(|c| *c.get_ref()),
        };
        let country = match &m.country {
            Some(c) => Some(country_code(c, site)?),
            None => None,
        };
        Ok(Marketplace {
            name,
            file,
            base_url,
            currency: m.currency,
            rate_limit: m.rate_limit,
            max_pages: m.search.max_pages,
            start_urls: m.start_urls.into_iter().map(|s| s.into_inner()).collect(),
            listing_link: compile_selector(site, &m.search.listing_link, "search.listing_link")?,
            next_page: match &m.search.next_page {
                Some(s) => Some(compile_selector(site, s, "search.next_page")?),
                None => None,
            },
            listing_id_from_url: id_re,
            fields,
            complaint_format: m.complaint_format.unwrap_or_default(),
            vat_basis: m.vat_basis,
            decimal_separator,
            country,
            plausible: PlausiblePrices::default(),
            seller_page: match &m.seller_page {
                Some(p) => Some(seller_page(p, site)?),
                None => None,
            },
            language: match &m.language {
                Some(l) => Some(language_code(l, site)?),
                None => None,
            },
            render: m.render,
            reveal: m
                .item
                .reveal
                .iter()
                .map(|r| compile_selector(site, r, "item.reveal").map(|_| r.get_ref().clone()))
                .collect::<Result<_, _>>()?,
            item_hosts: item_hosts(&m.search.item_hosts, site)?,
        })
    }

    /// Is `url` a page of this marketplace: on its base URL's site (the same
    /// registrable domain, by the Public Suffix List: `m.shop.example` and
    /// `item.shop.example` for `search.shop.example`, as Mercado Libre's items at
    /// `articulo.` are its search's at `listado.`, but not `shop2.myshopify.com`
    /// for `shop1.myshopify.com`) and port, or on one of its `[search]
    /// item_hosts`? A search result linking elsewhere (another shop's ad, a
    /// partner's site) or a listing redirecting there is not its listing: read as
    /// one, its findings were this marketplace's, and a complaint to it named
    /// another site's page.
    pub fn is_its_page(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let on_site = match (url.host(), self.base_url.host()) {
            (Some(url::Host::Domain(h)), Some(url::Host::Domain(own))) => {
                let (h, own) = (h.to_ascii_lowercase(), own.to_ascii_lowercase());
                h == own || psl::domain_str(&h).is_some_and(|d| psl::domain_str(&own) == Some(d))
            }
            (Some(h), Some(own)) => h == own,
            _ => false,
        };
        // The port written, `None` for the scheme's own: `http://shop.example` and
        // `https://shop.example` are one site (a base URL written `http://` whose
        // pages answer from `https://` is not another site's).
        let host = host.to_ascii_lowercase();
        (on_site && url.port() == self.base_url.port())
            || self.item_hosts.iter().any(|h| {
                let url_port = url.port_or_known_default().map(|p| p.to_string());
                match host_and_port(h) {
                    (name, Some(p)) => name == host && Some(p) == url_port.as_deref(),
                    (name, None) => name == host,
                }
            })
    }
}

/// `[search] item_hosts`, each checked by [`item_host`].
fn item_hosts(hosts: &[toml::Spanned<String>], site: &Site) -> Result<Vec<String>, ConfigError> {
    hosts.iter().map(|h| item_host(h, site)).collect()
}

/// `host:port` as its host and port, `host` (an IPv6 `[::1]` too) as a host alone.
fn host_and_port(h: &str) -> (&str, Option<&str>) {
    match h.rsplit_once(':') {
        Some((name, p)) if !h.ends_with(']') => (name, Some(p)),
        _ => (h, None),
    }
}

/// One of `[search] item_hosts`: a host name, with a port where it needs one,
/// never an address with a scheme or a path.
fn item_host(h: &toml::Spanned<String>, site: &Site) -> Result<String, ConfigError> {
    let raw = h.get_ref().trim().to_ascii_lowercase();
    // The port as written: `Url` drops the default one (`shop.example:80` parses as
    // `shop.example`), which is still a host and a port.
    let (name, port) = host_and_port(&raw);
    let parsed = Url::parse(&format!("http://{raw}/")).ok().filter(|u| {
        u.host_str() == Some(name) && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0))
    });
    match parsed {
        Some(_) => Ok(raw),
        None => Err(site.invalid(
            h.span(),
            "search.item_hosts",
            format!(
                "`{}` is not a host name: write it as `detail.tmall.com` (no scheme, no path)",
                h.get_ref()
            ),
        )),
    }
}

/// `[seller_page]`: its address must hold `{id}` (else every seller would get one
/// page) and its selectors compile.
fn seller_page(p: &SellerPageFile, site: &Site) -> Result<SellerPage, ConfigError> {
    if !p.url.get_ref().contains("{id}") {
        return Err(site.invalid(
            p.url.span(),
            "seller_page.url",
            "the address needs `{id}` where the seller id goes, e.g. \"/seller/{id}\"",
        ));
    }
    let f = &p.fields;
    let c = |rules, field| compile_fields(site, rules, field);
    Ok(SellerPage {
        url: p.url.get_ref().clone(),
        fields: IdentityFieldRules {
            shop_name: c(&f.shop_name, "seller_page.fields.shop_name")?,
            legal_name: c(&f.legal_name, "seller_page.fields.legal_name")?,
            address: c(&f.address, "seller_page.fields.address")?,
            phone: c(&f.phone, "seller_page.fields.phone")?,
            email: c(&f.email, "seller_page.fields.email")?,
            registration: c(&f.registration, "seller_page.fields.registration")?,
            vat: c(&f.vat, "seller_page.fields.vat")?,
            opened: c(&f.opened, "seller_page.fields.opened")?,
        },
    })
}

/// A marketplace's `language`: an ISO 639-1 code, two lower-case letters (`de`).
fn language_code(l: &toml::Spanned<String>, site: &Site) -> Result<String, ConfigError> {
    let code = l.get_ref().trim();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(site.invalid(
            l.span(),
            "language",
            format!(
                "`{code}` is not an ISO 639-1 language code (two lower-case letters, e.g. \"de\")"
            ),
        ));
    }
    Ok(code.to_string())
}

/// A marketplace's `country`: an ISO 3166-1 alpha-2 code as eBay's and other forms
/// take it (`GB`, never `UK`).
fn country_code(c: &toml::Spanned<String>, site: &Site) -> Result<String, ConfigError> {
    let code = c.get_ref().trim();
    if isocountry::CountryCode::for_alpha2(code).is_ok() {
        return Ok(code.to_string());
    }
    let up = code.to_ascii_uppercase();
    let hint = if up == "UK" {
        " (the United Kingdom is GB)".to_string()
    } else if isocountry::CountryCode::for_alpha2(&up).is_ok() {
        format!(" (did you mean {up}?)")
    } else {
        String::new()
    };
    Err(site.invalid(
        c.span(),
        "country",
        format!("`{code}` is not an ISO 3166-1 alpha-2 country code{hint}"),
    ))
}

/// A marketplace's name: letters, digits, `-` and `_` (it appears in file names
/// and keys).
fn valid_name(m: &MarketplaceFile, site: &Site) -> Result<String, ConfigError> {
    let name = m.name.get_ref().trim().to_string();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(site.invalid(
            m.name.span(),
            "name",
            "use letters, digits, `-` or `_` only (it appears in file names and keys)",
        ));
    }
    Ok(name)
}

/// `item.listing_id_from_url`, compiled; it must capture the id in a group.
fn listing_id_regex(m: &MarketplaceFile, site: &Site) -> Result<Option<Regex>, ConfigError> {
    let Some(re) = &m.item.listing_id_from_url else {
        return Ok(None);
    };
    let field = "item.listing_id_from_url";
    let compiled = Regex::new(re.get_ref())
        .map_err(|e| site.invalid(re.span(), field, format!("bad regex: {e}")))?;
    if compiled.captures_len() < 2 {
        return Err(site.invalid(
            re.span(),
            field,
            "the regex needs one capture group around the id",
        ));
    }
    Ok(Some(compiled))
}

/// Every `item.fields.*` selector list, compiled.
fn field_rules(f: &FieldsFile, site: &Site) -> Result<FieldRules, ConfigError> {
    let generic = &*GENERIC_FIELDS;
    // A field the adapter does not mention gets the generic selectors.
    let or_generic = |given: &Option<toml::Spanned<OneOrMany>>,
                      field: &str,
                      fallback: &Vec<FieldRule>|
     -> Result<Vec<FieldRule>, ConfigError> {
        match given {
            Some(_) => compile_fields(site, given, field),
            None => Ok(fallback.clone()),
        }
    };
    Ok(FieldRules {
        title: or_generic(&f.title, "item.fields.title", &generic.title)?,
        price: or_generic(&f.price, "item.fields.price", &generic.price)?,
        coupon_price: compile_fields(site, &f.coupon_price, "item.fields.coupon_price")?,
        currency: compile_fields(site, &f.currency, "item.fields.currency")?,
        seller: or_generic(&f.seller, "item.fields.seller", &generic.seller)?,
        seller_id: compile_fields(site, &f.seller_id, "item.fields.seller_id")?,
        listing_id: compile_fields(site, &f.listing_id, "item.fields.listing_id")?,
        brand: or_generic(&f.brand, "item.fields.brand", &generic.brand)?,
        gtin: compile_fields(site, &f.gtin, "item.fields.gtin")?,
        mpn: compile_fields(site, &f.mpn, "item.fields.mpn")?,
        condition: compile_fields(site, &f.condition, "item.fields.condition")?,
        format: compile_fields(site, &f.format, "item.fields.format")?,
    })
}

/// Title phrases of things sold for a product rather than the product, as
/// marketplaces' accessory listings write them (`policy.exclusion_words` in
/// brand.toml replaces the list). Without any, an unbranded "Acme X1 Headphones Ear
/// Pads" at 12.99 was matched to the headphones: an unauthorised seller, below their
/// floor and a suspected counterfeit. Only phrases an item in the box is seldom
/// called ("charging case" is not one: earbuds come in one).
pub const DEFAULT_EXCLUSION_WORDS: &[&str] = &[
    "replacement",
    "compatible with",
    "case for",
    "cover for",
    "skin for",
    "ear pads",
    "earpads",
    "ear cushions",
    "ear tips",
    "eartips",
    "screen protector",
    "empty box",
    "box only",
    "manual only",
    // The packaging without the product (`Acme X1 Headphones Retail Packaging Only`),
    // at a few dollars below the floor of the headphones.
    "packaging only",
    "empty packaging",
    "leerkarton",
    "nur ovp",
    "boîte vide",
    "caja vacía",
    "空盒",
    // One earbud of a pair (`Acme P3 Earbuds Right Earbud Only`) at a part's price
    // was the earbuds below their floor.
    "single earbud",
    "left earbud",
    "right earbud",
    "left side only",
    "right side only",
    "left ear only",
    "right ear only",
    // A shop's display model that does not work (`Acme X1 Headphones Dummy`): at a
    // few dollars it was below the floor of the headphones.
    "dummy",
    "display dummy",
    "attrappe",
    "factice",
    "ersatz",
    "remplacement",
    "repuesto",
    "ricambio",
    "适用于",
    "替换",
    "保护套",
    "交換用",
];

/// Brand values that name no brand, as marketplaces and counterfeit sellers write
/// them (`policy.decoy_brands` in brand.toml replaces the list).
pub const DEFAULT_DECOY_BRANDS: &[&str] = &[
    "generic",
    "unbranded",
    "no brand",
    "no-brand",
    "nobrand",
    "non-branded",
    "oem",
    "n/a",
    "na",
    "none",
    "unknown",
    "does not apply",
    "not applicable",
    "sans marque",
    "ohne marke",
    "markenlos",
    "sin marca",
    "senza marca",
    "无品牌",
    "無品牌",
    "无牌",
    "ノーブランド",
    "ノーブランド品",
    "브랜드 없음",
    "без бренда",
];

/// The built-in generic selectors (`generic_fields.toml`), compiled once.
static GENERIC_FIELDS: std::sync::LazyLock<FieldRules> = std::sync::LazyLock::new(|| {
    const SRC: &str = include_str!("generic_fields.toml");
    let site = Site {
        path: Path::new("(built in) generic_fields.toml"),
        src: SRC,
    };
    // The file is part of the binary and a unit test parses it: an error here is a
    // build defect, so it leaves the defaults empty rather than stopping a scan.
    toml::from_str::<FieldsFile>(SRC)
        .ok()
        .and_then(|f| {
            Some(FieldRules {
                title: compile_fields(&site, &f.title, "title").ok()?,
                price: compile_fields(&site, &f.price, "price").ok()?,
                seller: compile_fields(&site, &f.seller, "seller").ok()?,
                brand: compile_fields(&site, &f.brand, "brand").ok()?,
                ..FieldRules::default()
            })
        })
        .unwrap_or_default()
});

fn validate_notify(n: NotifySettings, site: &Site) -> Result<NotifySettings, ConfigError> {
    let bad = |message: String| ConfigError::Folder {
        path: site.path.to_path_buf(),
        message,
    };
    if !matches!(n.webhook_format.as_str(), "slack" | "teams" | "json") {
        return Err(bad(format!(
            "`notify.webhook_format` is `{}`: use slack, teams or json",
            n.webhook_format
        )));
    }
    if let Some(u) = &n.webhook_url {
        Url::parse(u).map_err(|e| bad(format!("`notify.webhook_url` is not a URL: {e}")))?;
    }
    if !n.email_to.is_empty() && (n.smtp_host.is_none() || n.email_from.is_none()) {
        return Err(bad(
            "`notify.email_to` needs `notify.smtp_host` and `notify.email_from`".into(),
        ));
    }
    if let Some(sec) = &n.smtp_security
        && !matches!(sec.as_str(), "starttls" | "tls" | "none")
    {
        return Err(bad(format!(
            "`notify.smtp_security` is `{sec}`: use starttls, tls or none"
        )));
    }
    Ok(n)
}

impl Brand {
    fn validate(
        b: BrandFile,
        site: &Site,
        marketplaces: &BTreeSet<String>,
    ) -> Result<Brand, ConfigError> {
        if b.brand.name.trim().is_empty() {
            return Err(ConfigError::Folder {
                path: site.path.to_path_buf(),
                message: "`brand.name` is empty".into(),
            });
        }
        let (skus, ids) = validate_skus(b.sku, site)?;
        if skus.is_empty() {
            return Err(ConfigError::Folder {
                path: site.path.to_path_buf(),
                message: "no [[sku]] defined: brandguard needs at least one product to watch"
                    .into(),
            });
        }
        let sellers = validate_sellers(b.seller, site, marketplaces)?;
        Ok(Brand {
            name: b.brand.name,
            aliases: b.brand.aliases,
            owner: b.brand.owner,
            trademarks: b.trademark,
            skus,
            sellers,
            policy: validate_policy(b.policy, site)?,
            crawl: {
                limits::crawl(&b.crawl, site)?;
                b.crawl
            },
            notify: validate_notify(b.notify, site)?,
            evidence: {
                if let Some(u) = &b.evidence.tsa {
                    Url::parse(u).map_err(|e| ConfigError::Folder {
                        path: site.path.to_path_buf(),
                        message: format!("`evidence.tsa` is not a URL: {e}"),
                    })?;
                }
                b.evidence
            },
            promotions: validate_promotions(b.promotion, site, marketplaces, &ids)?,
            escalation: match b.escalation {
                Some(e) => validate_escalation(e, site)?,
                None => Escalation::default(),
            },
            enforcement: Enforcement {
                resolve_after_scans: b.enforcement.resolve_after_scans.unwrap_or(2).max(1),
                material_differences: b.enforcement.material_differences,
                protected_content: b.enforcement.protected_content,
                program_ids: b.enforcement.program_ids,
                reason_codes: b.enforcement.reason_codes,
            },
            confirm: {
                limits::confirm(&b.confirm, site)?;
                b.confirm
            },
            networks: validate_networks(b.networks, site)?,
            render: validate_render(b.render, site)?,
        })
    }
}

/// `[policy]`: a counterfeit price ratio between 0 and 1, the decoy brands (the
/// built-in list unless given) folded once here rather than for every listing
/// (folding them per listing was 1.4% of a real-weight scan's CPU), plausible
/// price ranges.
fn validate_policy(p: PolicyFile, site: &Site) -> Result<Policy, ConfigError> {
    let ratio = p.counterfeit_price_ratio.0;
    if ratio <= rust_decimal::Decimal::ZERO || ratio >= rust_decimal::Decimal::ONE {
        return Err(ConfigError::Folder {
            path: site.path.to_path_buf(),
            message: "`policy.counterfeit_price_ratio` must be between 0 and 1 (e.g. \"0.5\")"
                .into(),
        });
    }
    if p.min_match_confidence > 100 {
        return Err(ConfigError::Folder {
            path: site.path.to_path_buf(),
            message: format!(
                "`policy.min_match_confidence` is a score from 0 to 100 (GTIN 100, MPN 95, title 80), not {}: above 100 no listing would be matched",
                p.min_match_confidence
            ),
        });
    }
    Ok(Policy {
        counterfeit_words: p.counterfeit_words,
        exclusion_words: p.exclusion_words.unwrap_or_else(|| {
            DEFAULT_EXCLUSION_WORDS
                .iter()
                .map(|s| s.to_string())
                .collect()
        }),
        decoy_brands: p
            .decoy_brands
            .unwrap_or_else(|| DEFAULT_DECOY_BRANDS.iter().map(|s| s.to_string()).collect())
            .iter()
            .map(|d| crate::ident::fold(d))
            .collect(),
        counterfeit_price_ratio: ratio,
        min_match_confidence: p.min_match_confidence,
        plausible: validate_plausible(&p.plausible_price, site)?,
    })
}

/// `[networks]`: a refresh period of at least a day, and a common value meaning
/// one shared by at least two sellers.
fn validate_networks(n: NetworkSettings, site: &Site) -> Result<NetworkSettings, ConfigError> {
    if n.identity_refresh_days == 0 || n.max_sharing < 2 {
        return Err(ConfigError::Folder {
            path: site.path.to_path_buf(),
            message: "`networks.identity_refresh_days` must be at least 1 and `networks.max_sharing` at least 2".into(),
        });
    }
    Ok(n)
}

/// `[render]`: a page of some size, at least one tab, some time to render in.
fn validate_render(r: RenderSettings, site: &Site) -> Result<RenderSettings, ConfigError> {
    let sane = (320..=4096).contains(&r.viewport_width)
        && (240..=4096).contains(&r.viewport_height)
        && (1..=4).contains(&r.device_scale)
        && (r.viewport_height..=32_000).contains(&r.max_height)
        && (1..=16).contains(&r.tabs)
        && (5..=600).contains(&r.timeout_secs)
        && (5..=600).contains(&r.start_timeout_secs)
        && (16..=16_384).contains(&r.page_memory_mib);
    if !sane {
        return Err(ConfigError::Folder {
            path: site.path.to_path_buf(),
            message: "`[render]` out of bounds: viewport_width 320-4096, viewport_height 240-4096, device_scale 1-4, max_height from viewport_height to 32000, tabs 1-16, timeout_secs 5-600, start_timeout_secs 5-600, page_memory_mib 16-16384".into(),
        });
    }
    Ok(r)
}

/// The `[[sku]]` entries: ids once, valid GTINs each on one SKU, floors above zero.
/// Returns the SKUs and their ids.
fn validate_skus(
    files: Vec<SkuFile>,
    site: &Site,
) -> Result<(Vec<Sku>, BTreeSet<String>), ConfigError> {
    let mut ids = BTreeSet::new();
    let mut skus = Vec::new();
    // A GTIN names one product: on two SKUs, a listing's SKU would depend on order.
    let mut gtin_owner: std::collections::BTreeMap<String, String> = Default::default();
    let mut mpn_owner: std::collections::BTreeMap<String, String> = Default::default();
    for (i, s) in files.into_iter().enumerate() {
        if !ids.insert(s.id.get_ref().clone()) {
            return Err(site.invalid(s.id.span(), format!("sku[{i}].id"), "duplicate SKU id"));
        }
        let mut gtins = Vec::new();
        for g in &s.gtin {
            match crate::ident::normalize_gtin(g.get_ref()) {
                Some(n) => {
                    if let Some(other) = gtin_owner.insert(n.clone(), s.id.get_ref().clone()) {
                        return Err(site.invalid(
                            g.span(),
                            format!("sku[{i}].gtin"),
                            format!("GTIN `{}` is also given to SKU `{other}`", g.get_ref()),
                        ));
                    }
                    gtins.push(n)
                }
                None => {
                    return Err(site.invalid(
                        g.span(),
                        format!("sku[{i}].gtin"),
                        format!(
                            "`{}` is not a valid GTIN-8/12/13/14 (length or check digit)",
                            g.get_ref()
                        ),
                    ));
                }
            }
        }
        // An MPN names one product too, matched without its separators.
        for m in &s.mpn {
            let compact = crate::ident::compact_code(m);
            if let Some(other) = mpn_owner.insert(compact, s.id.get_ref().clone()) {
                return Err(site.invalid(
                    s.id.span(),
                    format!("sku[{i}].mpn"),
                    format!("MPN `{m}` is also given to SKU `{other}` (separators aside)"),
                ));
            }
        }
        if s.floor.is_empty() {
            return Err(site.invalid(
                s.id.span(),
                format!("sku[{i}].floor"),
                "every SKU needs a floor in at least one currency",
            ));
        }
        positive_floors(&s.floor, site, s.id.span(), &format!("sku[{i}].floor"))?;
        skus.push(Sku {
            id: s.id.into_inner(),
            name: s.name,
            gtin: gtins,
            mpn: s.mpn,
            keywords: s.keywords,
            floor: s.floor.into_iter().map(|(c, a)| (c, a.0)).collect(),
        });
    }
    Ok((skus, ids))
}

/// The `[[seller]]` entries: each id once, each marketplace account once, every
/// marketplace named defined.
fn validate_sellers(
    files: Vec<SellerFile>,
    site: &Site,
    marketplaces: &BTreeSet<String>,
) -> Result<Vec<AuthorizedSeller>, ConfigError> {
    let mut sellers = Vec::new();
    let mut seller_ids = BTreeSet::new();
    let mut accounts_seen = BTreeSet::new();
    for (i, s) in files.into_iter().enumerate() {
        if !seller_ids.insert(s.id.get_ref().clone()) {
            return Err(site.invalid(
                s.id.span(),
                format!("seller[{i}].id"),
                format!(
                    "seller id `{}` is used by two [[seller]] entries",
                    s.id.get_ref()
                ),
            ));
        }
        for a in &s.accounts {
            if !accounts_seen.insert((a.marketplace.get_ref().clone(), a.id.clone())) {
                return Err(site.invalid(
                    a.marketplace.span(),
                    format!("seller[{i}].accounts"),
                    format!(
                        "account `{}` on `{}` is given to two sellers",
                        a.id,
                        a.marketplace.get_ref()
                    ),
                ));
            }
        }
        for m in s
            .authorized_on
            .iter()
            .chain(s.accounts.iter().map(|a| &a.marketplace))
        {
            if !marketplaces.contains(m.get_ref()) {
                return Err(site.invalid(
                    m.span(),
                    format!("seller[{i}]"),
                    format!(
                        "marketplace `{}` is not defined in marketplaces/ (known: {})",
                        m.get_ref(),
                        marketplaces.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
        }
        sellers.push(AuthorizedSeller {
            id: s.id.into_inner(),
            name: s.name,
            aliases: s.aliases,
            authorized_on: s
                .authorized_on
                .into_iter()
                .map(|m| m.into_inner())
                .collect(),
            accounts: s
                .accounts
                .into_iter()
                .map(|a| SellerAccount {
                    marketplace: a.marketplace.into_inner(),
                    id: a.id,
                })
                .collect(),
        });
    }
    Ok(sellers)
}

/// Every floor of `floor` above zero: a zero or negative floor would make every
/// listing compliant, or every listing a violation. And none finer than its
/// currency's smallest unit: `USD = "199.999"` (a 9 typed twice) passed `check`,
/// and a listing at 199.99 was advertised below it, a finding for a tenth of a cent.
fn positive_floors(
    floor: &std::collections::BTreeMap<crate::money::Currency, Amount>,
    site: &Site,
    span: std::ops::Range<usize>,
    field: &str,
) -> Result<(), ConfigError> {
    for (c, a) in floor {
        if a.0 <= rust_decimal::Decimal::ZERO {
            return Err(site.invalid(
                span,
                format!("{field}.{c}"),
                format!("a floor must be above zero (got {})", a.0),
            ));
        }
        if let Some(units) = c.minor_units()
            && a.0.normalize().scale() > units
        {
            return Err(site.invalid(
                span,
                format!("{field}.{c}"),
                format!(
                    "{c} has {units} decimal place{}, and the floor {} has more: no price in {c} is written so",
                    if units == 1 { "" } else { "s" },
                    a.0
                ),
            ));
        }
    }
    Ok(())
}

/// `[policy.plausible_price]`: keys are `default` or ISO 4217 codes, each a range
/// with `0 < min < max`.
fn validate_plausible(
    ranges: &std::collections::BTreeMap<toml::Spanned<String>, PriceRangeFile>,
    site: &Site,
) -> Result<PlausiblePrices, ConfigError> {
    let mut out = PlausiblePrices::default();
    let mut given = std::collections::BTreeSet::new();
    for (key, r) in ranges {
        let field = format!("policy.plausible_price.{}", key.get_ref());
        let current = if key.get_ref() == "default" {
            out.default
        } else {
            let c = crate::money::Currency::new(key.get_ref())
                .map_err(|e| site.invalid(key.span(), &field, e))?;
            out.range(&c)
        };
        let min = r.min.map_or(current.0, |a| a.0);
        let max = r.max.map_or(current.1, |a| a.0);
        if min <= rust_decimal::Decimal::ZERO || max <= min {
            return Err(site.invalid(
                key.span(),
                &field,
                format!("needs 0 < min < max (got min {min}, max {max})"),
            ));
        }
        if key.get_ref() == "default" {
            out.default = (min, max);
        } else if let Ok(c) = crate::money::Currency::new(key.get_ref()) {
            // `usd` and `USD` (or `RUR` and `RUB`) are one currency.
            if !given.insert(c.clone()) {
                return Err(site.invalid(
                    key.span(),
                    &field,
                    format!("{c} is given twice: give one range per currency"),
                ));
            }
            out.per_currency.insert(c, (min, max));
        }
    }
    Ok(out)
}

fn when(
    site: &Site,
    w: &toml::Spanned<WhenFile>,
    field: &str,
) -> Result<chrono::DateTime<chrono::FixedOffset>, ConfigError> {
    let text = w.get_ref().text();
    chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        site.invalid(
            w.span(),
            field,
            format!("`{text}` is not a date and time with a UTC offset, like 2026-11-03T00:00:00-05:00 ({e})"),
        )
    })
}

fn validate_promotions(
    promos: Vec<PromotionFile>,
    site: &Site,
    marketplaces: &BTreeSet<String>,
    skus: &BTreeSet<String>,
) -> Result<Vec<Promotion>, ConfigError> {
    let mut out = Vec::new();
    for (i, p) in promos.into_iter().enumerate() {
        let field = format!("promotion[{i}]");
        let start = when(site, &p.start, &format!("{field}.start"))?;
        let end = when(site, &p.end, &format!("{field}.end"))?;
        if end <= start {
            return Err(site.invalid(
                p.end.span(),
                format!("{field}.end"),
                "the promotion ends before it starts",
            ));
        }
        for s in &p.skus {
            if !skus.contains(s.get_ref()) {
                return Err(site.invalid(
                    s.span(),
                    format!("{field}.skus"),
                    format!("unknown SKU `{}`", s.get_ref()),
                ));
            }
        }
        for m in &p.marketplaces {
            if !marketplaces.contains(m.get_ref()) {
                return Err(site.invalid(
                    m.span(),
                    format!("{field}.marketplaces"),
                    format!(
                        "marketplace `{}` is not defined in marketplaces/",
                        m.get_ref()
                    ),
                ));
            }
        }
        if p.floor.is_empty() {
            return Err(site.invalid(
                p.start.span(),
                format!("{field}.floor"),
                "a promotion needs its lower floor in at least one currency",
            ));
        }
        positive_floors(&p.floor, site, p.start.span(), &format!("{field}.floor"))?;
        out.push(Promotion {
            name: p.name,
            start,
            end,
            skus: p.skus.into_iter().map(|s| s.into_inner()).collect(),
            marketplaces: p.marketplaces.into_iter().map(|m| m.into_inner()).collect(),
            floor: p.floor.into_iter().map(|(c, a)| (c, a.0)).collect(),
        });
    }
    Ok(out)
}

fn validate_escalation(e: EscalationFile, site: &Site) -> Result<Escalation, ConfigError> {
    if e.step.is_empty() {
        return Err(ConfigError::Folder {
            path: site.path.to_path_buf(),
            message: "`[escalation]` has no `[[escalation.step]]`: remove the section to use the default ladder".into(),
        });
    }
    for (i, s) in e.step.iter().enumerate() {
        if s.min_violations.is_none() && s.min_days_below_floor.is_none() && s.min_repeats.is_none()
        {
            return Err(ConfigError::Folder {
                path: site.path.to_path_buf(),
                message: format!(
                    "escalation.step[{i}] (`{}`) has no threshold: give min_violations, min_days_below_floor or min_repeats",
                    s.name
                ),
            });
        }
    }
    Ok(Escalation {
        repeat_within_days: e.repeat_within_days,
        steps: e.step,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_generic_selectors_compile() {
        let g = &*super::GENERIC_FIELDS;
        assert!(g.title.len() >= 2, "{:?}", g.title);
        assert!(g.price.len() >= 6, "{:?}", g.price);
        assert!(!g.brand.is_empty() && !g.seller.is_empty());
        assert!(g.price.iter().any(|r| r.regex.is_some()));
    }

    /// Search results linking elsewhere are not the marketplace's listings: its
    /// pages are on its site (its registrable domain, and port) and its
    /// `[search] item_hosts`.
    #[test]
    fn a_marketplaces_pages_are_on_its_site_or_its_item_hosts() {
        let c = super::Config::load(std::path::Path::new("targets/demo")).expect("demo targets");
        let mut m = c.marketplace("shopusa").expect("shopusa").clone();
        m.base_url = url::Url::parse("https://www.shop.example/").expect("url");
        m.item_hosts = vec![
            "detail.tmall.com".into(),
            "127.0.0.1:8702".into(),
            "[::1]:8080".into(),
        ];
        for (u, its) in [
            ("https://www.shop.example/item/1", true),
            ("https://shop.example/item/1", true),
            ("https://m.shop.example/item/1", true),
            ("https://WWW.Shop.Example/item/1", true),
            ("https://detail.tmall.com/item.htm?id=1", true),
            ("http://127.0.0.1:8702/item/1", true),
            ("http://127.0.0.1:8703/item/1", false),
            ("http://[::1]:8080/item/1", true),
            ("http://[::1]/item/1", false),
            ("https://www.shop.example:8443/item/1", false),
            ("https://item.shop.example/1", true),
            // Another scheme on its own default port is the same site.
            ("http://www.shop.example/item/1", true),
            ("https://www.shop.example:443/item/1", true),
            ("http://www.shop.example:443/item/1", false),
            ("https://ads.example/item/1", false),
            ("https://evilshop.example/item/1", false),
            ("https://shop.example.evil.example/item/1", false),
            ("https://tmall.com/item/1", false),
        ] {
            let url = url::Url::parse(u).expect("url");
            assert_eq!(m.is_its_page(&url), its, "{u}");
        }
    }

    /// One registrable domain is one site, by the Public Suffix List: Mercado
    /// Libre's items (`articulo.`) are its search's (`listado.`; before, only
    /// subdomains of the base URL's host were), one myshopify.com shop is not
    /// another's, an address is only itself.
    #[test]
    fn one_registrable_domain_is_one_site() {
        let c = super::Config::load(std::path::Path::new("targets/demo")).expect("demo targets");
        let mut m = c.marketplace("shopusa").expect("shopusa").clone();
        for (base, u, its) in [
            (
                "https://listado.mercadolibre.com.ar/",
                "https://articulo.mercadolibre.com.ar/MLA-1",
                true,
            ),
            (
                "https://listado.mercadolibre.com.ar/",
                "https://www.mercadolibre.com.ar/p/MLA1",
                true,
            ),
            (
                "https://listado.mercadolibre.com.ar/",
                "https://mercadolibre.com.ar.evil.example/",
                false,
            ),
            (
                "https://s.taobao.com/",
                "https://item.taobao.com/item.htm?id=1",
                true,
            ),
            (
                "https://s.taobao.com/",
                "https://detail.tmall.com/item.htm?id=1",
                false,
            ),
            (
                "https://shop1.myshopify.com/",
                "https://shop2.myshopify.com/products/x",
                false,
            ),
            (
                "https://search.example.co.uk/",
                "https://item.example.co.uk/1",
                true,
            ),
            (
                "https://search.example.co.uk/",
                "https://other.co.uk/1",
                false,
            ),
            (
                "http://127.0.0.1:8702/",
                "http://127.0.0.2:8702/item/1",
                false,
            ),
            (
                "http://127.0.0.1:8702/",
                "http://localhost:8702/item/1",
                false,
            ),
            (
                "http://localhost:8702/",
                "http://localhost:8702/item/1",
                true,
            ),
        ] {
            m.base_url = url::Url::parse(base).expect("url");
            let url = url::Url::parse(u).expect("url");
            assert_eq!(m.is_its_page(&url), its, "{base} {u}");
        }
    }

    /// `[search] item_hosts` takes a host, with a port where it needs one (the
    /// scheme's default too: `shop.example:80` was refused as "not a host name"),
    /// never an address.
    #[test]
    fn an_item_host_is_a_host_and_a_port() {
        let site = super::Site {
            path: std::path::Path::new("shopusa.toml"),
            src: "",
        };
        let host = |h: &str| super::item_host(&toml::Spanned::new(0..0, h.to_string()), &site);
        for ok in [
            "detail.tmall.com",
            "Shop.Example:80",
            "127.0.0.1:8702",
            "[::1]:8080",
            "[::1]",
        ] {
            assert_eq!(host(ok).ok(), Some(ok.to_ascii_lowercase()), "{ok}");
        }
        for refused in [
            "https://detail.tmall.com/item",
            "detail.tmall.com/item",
            "shop.example:http",
            "shop.example:0",
            "shop.example:99999",
            "",
        ] {
            let e = host(refused).expect_err(refused).to_string();
            assert!(e.contains("not a host name"), "{refused}: {e}");
        }
    }

    /// A seller id comes from a page: whatever it holds, the profile page asked for
    /// stays on the marketplace's seller path.
    #[test]
    fn a_hostile_seller_id_stays_inside_the_seller_path() {
        let page = super::SellerPage {
            url: "/seller/{id}".into(),
            fields: Default::default(),
        };
        let base = url::Url::parse("https://shop.example/").unwrap();
        for id in [
            "../../admin",
            "x?delete=1",
            "a#b",
            "//evil.example/x",
            "名前 店",
        ] {
            let u = page.url_of(&base, id).unwrap();
            assert_eq!(u.host_str(), Some("shop.example"), "{id}: {u}");
            assert!(u.path().starts_with("/seller/"), "{id}: {u}");
            assert_eq!(u.query(), None, "{id}: {u}");
            assert_eq!(u.fragment(), None, "{id}: {u}");
        }
        let u = page.url_of(&base, "a b+c").unwrap();
        assert_eq!(u.path(), "/seller/a%20b%2Bc");
    }
}
