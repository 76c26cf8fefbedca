//! robots.txt as RFC 9309 says to treat it, matched by the `texting_robots` crate.

use texting_robots::Robot;
use url::Url;

use super::{FetchError, Page};

/// RFC 9309 §2.5: crawlers may stop reading after 500 KiB.
pub const MAX_BYTES: usize = 500 * 1024;

/// What a host's robots.txt lets us fetch.
#[derive(Clone)]
pub enum RobotsPolicy {
    /// 2xx: the rules in the file for our product token (or `*`).
    Rules(std::sync::Arc<Robot>),
    /// 4xx (RFC 9309 §2.3.1.3: "unavailable"): everything may be crawled.
    AllowAll,
    /// 5xx or unreachable (§2.3.1.4: "unreachable"): nothing may be crawled.
    DisallowAll(String),
}

impl std::fmt::Debug for RobotsPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RobotsPolicy::Rules(_) => f.write_str("Rules"),
            RobotsPolicy::AllowAll => f.write_str("AllowAll"),
            RobotsPolicy::DisallowAll(why) => write!(f, "DisallowAll({why})"),
        }
    }
}

impl RobotsPolicy {
    pub fn from_response(token: &str, result: Result<Page, FetchError>) -> RobotsPolicy {
        match result {
            Ok(p) if (200..300).contains(&p.status) => match Robot::new(token, &p.body) {
                Ok(r) => RobotsPolicy::Rules(std::sync::Arc::new(r)),
                // An unparsable file is treated like no file.
                Err(_) => RobotsPolicy::AllowAll,
            },
            Ok(p) if (400..500).contains(&p.status) => RobotsPolicy::AllowAll,
            Ok(p) => RobotsPolicy::DisallowAll(format!("robots.txt answered {}", p.status)),
            Err(e) => RobotsPolicy::DisallowAll(format!("robots.txt unreachable: {e}")),
        }
    }

    pub fn allows(&self, url: &Url) -> bool {
        match self {
            RobotsPolicy::Rules(r) => r.allowed(url.as_str()),
            RobotsPolicy::AllowAll => true,
            RobotsPolicy::DisallowAll(_) => false,
        }
    }
}
