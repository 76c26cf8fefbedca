//! The bounds `check` holds settings to, so an operator's typo never reaches the
//! network: a timeout of 18446744073709551615 s (which panicked), a redirect limit
//! of a hundred billion (a loop that never ends), a rate of one request a week, a
//! burst that sends hundreds of requests a second where five are allowed, a body cap
//! of zero (a night of empty pages that exits 0). The README's "Limits" table says
//! the same; keep them in step.

use std::ops::RangeInclusive;

use url::Url;

use super::{ConfigError, CrawlSettings, RateLimit, Site};

pub const TIMEOUT_SECS: RangeInclusive<u64> = 1..=600;
pub const MAX_REDIRECTS: RangeInclusive<usize> = 0..=20;
pub const MAX_RETRIES: RangeInclusive<usize> = 0..=10;
pub const RETRY_BASE_MILLIS: RangeInclusive<u64> = 10..=60_000;
pub const RETRY_MAX_SECS: RangeInclusive<u64> = 1..=600;
pub const MAX_RETRY_AFTER_SECS: RangeInclusive<u64> = 0..=3_600;
pub const BODY_BYTES: RangeInclusive<usize> = 64 * 1024..=64 * 1024 * 1024;
pub const CONCURRENCY: RangeInclusive<usize> = 1..=256;
pub const BREAKER_THRESHOLD: RangeInclusive<u32> = 1..=1_000;
pub const PAGE_BUDGET: RangeInclusive<usize> = 1..=10_000_000;
/// Blocked answers in a row before a marketplace is paused.
pub const PAUSE_AFTER_BLOCKED: RangeInclusive<u32> = 1..=10_000;
pub const MIN_COVERAGE_PERCENT: RangeInclusive<u8> = 1..=100;
/// 0 turns the check off.
pub const MIN_FIELDS_PERCENT: RangeInclusive<u8> = 0..=100;
pub const MAX_PAGES: RangeInclusive<usize> = 1..=10_000;
/// Requests per second to one host: at least one every 100 s, at most 1,000.
pub const PER_SECOND: RangeInclusive<f64> = 0.01..=1_000.0;

/// The most requests a host may get at once: twice its per-second rate (at least 2).
pub fn max_burst(per_second: f64) -> u32 {
    ((per_second * 2.0).ceil() as u32).max(2)
}

fn check<T: PartialOrd + std::fmt::Display>(
    site: &Site,
    field: &str,
    value: T,
    range: &RangeInclusive<T>,
    unit: &str,
) -> Result<(), ConfigError> {
    if range.contains(&value) {
        return Ok(());
    }
    Err(site.invalid_key(
        field,
        format!(
            "{value}{unit} is out of bounds: use {}{unit} to {}{unit}",
            range.start(),
            range.end()
        ),
    ))
}

/// `[crawl]` of brand.toml.
pub(super) fn crawl(c: &CrawlSettings, site: &Site) -> Result<(), ConfigError> {
    crawl_numbers(c, site)?;
    crawl_identity(c, site)
}

/// Timeouts, retries, sizes and counts of `[crawl]`.
fn crawl_numbers(c: &CrawlSettings, site: &Site) -> Result<(), ConfigError> {
    check(
        site,
        "crawl.connect_timeout_secs",
        c.connect_timeout_secs,
        &TIMEOUT_SECS,
        " s",
    )?;
    check(
        site,
        "crawl.request_timeout_secs",
        c.request_timeout_secs,
        &TIMEOUT_SECS,
        " s",
    )?;
    check(
        site,
        "crawl.max_redirects",
        c.max_redirects,
        &MAX_REDIRECTS,
        "",
    )?;
    check(site, "crawl.max_retries", c.max_retries, &MAX_RETRIES, "")?;
    check(
        site,
        "crawl.retry_base_millis",
        c.retry_base_millis,
        &RETRY_BASE_MILLIS,
        " ms",
    )?;
    check(
        site,
        "crawl.retry_max_secs",
        c.retry_max_secs,
        &RETRY_MAX_SECS,
        " s",
    )?;
    check(
        site,
        "crawl.max_retry_after_secs",
        c.max_retry_after_secs,
        &MAX_RETRY_AFTER_SECS,
        " s",
    )?;
    check(
        site,
        "crawl.max_body_bytes",
        c.max_body_bytes,
        &BODY_BYTES,
        " bytes",
    )?;
    check(site, "crawl.concurrency", c.concurrency, &CONCURRENCY, "")?;
    check(
        site,
        "crawl.breaker_threshold",
        c.breaker_threshold,
        &BREAKER_THRESHOLD,
        "",
    )?;
    check(site, "crawl.page_budget", c.page_budget, &PAGE_BUDGET, "")?;
    crawl_thresholds(c, site)
}

/// The thresholds of `[crawl]` past which a marketplace is left alone or its night
/// counts as failed.
fn crawl_thresholds(c: &CrawlSettings, site: &Site) -> Result<(), ConfigError> {
    check(
        site,
        "crawl.pause_after_blocked",
        c.pause_after_blocked,
        &PAUSE_AFTER_BLOCKED,
        "",
    )?;
    check(
        site,
        "crawl.min_coverage_percent",
        c.min_coverage_percent,
        &MIN_COVERAGE_PERCENT,
        "%",
    )?;
    check(
        site,
        "crawl.min_fields_percent",
        c.min_fields_percent,
        &MIN_FIELDS_PERCENT,
        "%",
    )?;
    Ok(())
}

/// `[confirm]` of brand.toml.
pub(super) fn confirm(c: &super::Confirm, site: &Site) -> Result<(), ConfigError> {
    check(site, "confirm.captures", c.captures, &(1..=30), "")?;
    check(
        site,
        "confirm.min_span_hours",
        c.min_span_hours,
        &(0..=24 * 30),
        " h",
    )?;
    check(
        site,
        "confirm.grace_percent",
        c.grace_percent,
        &(rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::TEN),
        "%",
    )?;
    check(
        site,
        "confirm.recheck_after_days",
        c.recheck_after_days,
        &(1..=365),
        " days",
    )
}

/// How the crawler names itself: `[crawl]`'s product token and contact URL.
fn crawl_identity(c: &CrawlSettings, site: &Site) -> Result<(), ConfigError> {
    // The token goes into every request's User-Agent and is what robots.txt groups
    // name (RFC 9309: letters, `_` and `-`).
    let token = &c.user_agent_token;
    if token.is_empty()
        || !token
            .chars()
            .all(|ch| ch.is_ascii_alphabetic() || ch == '_' || ch == '-')
    {
        return Err(site.invalid_key(
            "crawl.user_agent_token",
            format!(
                "`{}` is not a robots.txt product token: use letters, `_` and `-` only",
                token.escape_debug()
            ),
        ));
    }
    let contact = Url::parse(&c.contact_url)
        .map_err(|e| site.invalid_key("crawl.contact_url", format!("not a URL: {e}")))?;
    web_url(&contact, site, "crawl.contact_url")?;
    if c.contact_url.chars().any(|ch| ch.is_control() || ch == ' ') {
        return Err(site.invalid_key(
            "crawl.contact_url",
            "holds a space or a control character: it goes into the User-Agent header",
        ));
    }
    Ok(())
}

/// A marketplace's `rate_limit` and `search.max_pages`.
pub(super) fn marketplace(
    rate: &RateLimit,
    max_pages: usize,
    site: &Site,
) -> Result<(), ConfigError> {
    if !PER_SECOND.contains(&rate.per_second) || rate.per_second.is_nan() {
        return Err(site.invalid_key(
            "rate_limit",
            format!(
                "per_second = {} is out of bounds: use {} to {} requests per second",
                rate.per_second,
                PER_SECOND.start(),
                PER_SECOND.end()
            ),
        ));
    }
    let most = max_burst(rate.per_second);
    if rate.burst == 0 || rate.burst > most {
        return Err(site.invalid_key(
            "rate_limit",
            format!(
                "burst = {} is out of bounds: at {} requests per second use 1 to {most} \
                 (twice the rate, at least 2)",
                rate.burst, rate.per_second
            ),
        ));
    }
    check(site, "search.max_pages", max_pages, &MAX_PAGES, "")
}

/// A URL brandguard fetches or names in requests: http or https, no credentials.
pub fn web_url(url: &Url, site: &Site, field: &str) -> Result<(), ConfigError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(site.invalid_key(
            field,
            format!(
                "`{}:` URLs are not fetched: use http or https",
                url.scheme()
            ),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(site.invalid_key(
            field,
            "holds a user name or password: credentials in URLs end up in findings, \
             WARC exports and every packet; remove them (brandguard sends no credentials \
             to marketplaces, and secrets for notifications come from the environment \
             variables named in [notify])",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(site.invalid_key(field, "has no host"));
    }
    Ok(())
}
