//! `scan --shard I/N`: a deterministic, stable share of a scan for one of N machines.
//!
//! The unit of work is one search start URL of one marketplace host (a query). Each
//! unit goes to shard `hash(host, query) mod N`, with SHA-256 as the hash, so the
//! assignment is the same on every machine, every night and every build, and a unit
//! keeps its shard when other start URLs are added. Politeness holds across machines:
//! when a host's units land on k shards, each of those shards asks that host at 1/k
//! of its rate limit (and burst), so together they never exceed it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::config::{Config, RateLimit};
use crate::crawl::host_key;

/// One shard of N: `index` counts from 0, as Kubernetes' `JOB_COMPLETION_INDEX` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || {
            format!(
                "--shard wants I/N with 0 <= I < N (e.g. 0/4, as Kubernetes' JOB_COMPLETION_INDEX counts), got `{s}`"
            )
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = i.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard a unit of work (a host and one of its start URLs) belongs to.
pub fn shard_of(host: &str, start_url: &str, count: u32) -> u32 {
    let digest = Sha256::digest(format!("{host}\n{start_url}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

/// What the store a sharded night is merged into knows that its shards, each
/// starting from an empty store, need to judge as one scan of it would: the
/// listings with open findings (rechecked at their address when search results do
/// not bring them) and the promotion each listing's latest observation carried
/// (the same price after that promotion ended is an overrun, not a plain price
/// under the floor). `brandguard evidence merge` writes it beside the store
/// ([`crate::scan::shard_context`])
/// (`shard-context.json`); `scan --shard I/N --context-from` reads it.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Context {
    /// Marketplace → canonical addresses of listings with open findings.
    pub open_listings: BTreeMap<String, BTreeSet<url::Url>>,
    /// Marketplace → listing id → the promotion its latest observation carried.
    #[serde(default)]
    pub promotions: BTreeMap<String, BTreeMap<String, String>>,
}

impl Context {
    /// The promotion listing `listing_id` of `marketplace` carried when last seen.
    pub fn carried(&self, marketplace: &str, listing_id: &str) -> Option<&str> {
        self.promotions
            .get(marketplace)?
            .get(listing_id)
            .map(String::as_str)
    }
}

/// What a shard takes of a targets folder, for its run summary.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ShardPlan {
    pub shard: String,
    /// Marketplace → start URLs this shard scans.
    pub start_urls: BTreeMap<String, Vec<String>>,
    /// Marketplace → the number of shards sharing its host (its rate is divided by it).
    pub rate_divided_by: BTreeMap<String, u32>,
    /// Host → the shards holding its start URLs, over the whole targets folder:
    /// a listing to recheck goes to one of them, so its host's rate still holds.
    #[serde(skip)]
    shards_of_host: BTreeMap<String, Vec<u32>>,
    #[serde(skip)]
    index: u32,
}

impl ShardPlan {
    /// This shard's share of `open` (marketplace → listing addresses to recheck, of
    /// the whole targets folder): each address goes to one of the shards that ask
    /// its marketplace's host, chosen by the address's hash, so every listing is
    /// rechecked once a night and no host is asked beyond its divided rate.
    pub fn rechecks(
        &self,
        config: &Config,
        open: &BTreeMap<String, BTreeSet<url::Url>>,
    ) -> BTreeMap<String, BTreeSet<url::Url>> {
        let mut mine: BTreeMap<String, BTreeSet<url::Url>> = BTreeMap::new();
        for m in &config.marketplaces {
            let Some(shards) = self.shards_of_host.get(&host_key(&m.base_url)) else {
                continue;
            };
            for u in open.get(&m.name).into_iter().flatten() {
                let digest = Sha256::digest(u.as_str().as_bytes());
                let mut first = [0u8; 8];
                first.copy_from_slice(&digest[..8]);
                let pick = (u64::from_be_bytes(first) % shards.len().max(1) as u64) as usize;
                if shards.get(pick) == Some(&self.index) {
                    mine.entry(m.name.clone()).or_default().insert(u.clone());
                }
            }
        }
        mine
    }
}

/// Narrows `config` to `shard`'s units: each marketplace keeps only its start URLs of
/// this shard (marketplaces left with none are dropped), and the rate limit of each
/// host is divided among the shards that ask it.
pub fn apply(config: &mut Config, shard: Shard) -> ShardPlan {
    // Shards holding units of each host, over the whole targets folder.
    let mut shards_of_host: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for m in &config.marketplaces {
        let host = host_key(&m.base_url);
        for s in &m.start_urls {
            shards_of_host
                .entry(host.clone())
                .or_default()
                .insert(shard_of(&host, s, shard.count));
        }
    }
    let mut plan = ShardPlan {
        shard: shard.to_string(),
        shards_of_host: shards_of_host
            .iter()
            .map(|(h, s)| (h.clone(), s.iter().copied().collect()))
            .collect(),
        index: shard.index,
        ..ShardPlan::default()
    };
    for m in config.marketplaces.iter_mut() {
        let host = host_key(&m.base_url);
        m.start_urls
            .retain(|s| shard_of(&host, s, shard.count) == shard.index);
        let k = shards_of_host.get(&host).map_or(1, |s| s.len().max(1)) as u32;
        m.rate_limit = RateLimit {
            per_second: m.rate_limit.per_second / f64::from(k),
            burst: (m.rate_limit.burst / k).max(1),
        };
        if !m.start_urls.is_empty() {
            plan.start_urls.insert(m.name.clone(), m.start_urls.clone());
            plan.rate_divided_by.insert(m.name.clone(), k);
        }
    }
    config.marketplaces.retain(|m| !m.start_urls.is_empty());
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses_clearly() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["4/4", "1/0", "x/2", "3", "-1/2"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.contains("0 <= I < N"), "{bad}: {e}");
        }
    }

    /// Every open listing is rechecked by exactly one shard, and that shard asks
    /// the listing's host anyway (so its divided rate holds).
    #[test]
    fn each_open_listing_goes_to_one_shard_that_asks_its_host() {
        let full = Config::load(std::path::Path::new("targets/demo")).expect("demo targets");
        let mut open: BTreeMap<String, BTreeSet<url::Url>> = BTreeMap::new();
        for m in &full.marketplaces {
            for k in 0..50 {
                let u = m.base_url.join(&format!("/item/{k}")).unwrap();
                open.entry(m.name.clone()).or_default().insert(u);
            }
        }
        for n in [1, 2, 3, 5] {
            let mut taken: BTreeMap<url::Url, u32> = BTreeMap::new();
            for index in 0..n {
                let mut config = full.clone();
                let plan = apply(&mut config, Shard { index, count: n });
                for (name, urls) in plan.rechecks(&config, &open) {
                    assert!(
                        plan.start_urls.contains_key(&name),
                        "shard {index}/{n} rechecks {name}, whose host it does not ask"
                    );
                    for u in urls {
                        assert_eq!(taken.insert(u.clone(), index), None, "{u} twice");
                    }
                }
            }
            assert_eq!(taken.len(), 150, "{n} shards: every listing once");
        }
    }

    #[test]
    fn assignment_is_stable_and_covers_every_unit_once() {
        let units: Vec<String> = (0..200)
            .map(|k| format!("/s?q=acme&cat={k}&page=1"))
            .collect();
        for n in [1, 2, 3, 7] {
            let mut per_shard = vec![0; n as usize];
            for u in &units {
                let s = shard_of("http://shop.example:80", u, n);
                // Same answer every time (no per-process hash seeds).
                assert_eq!(s, shard_of("http://shop.example:80", u, n));
                per_shard[s as usize] += 1;
            }
            assert_eq!(per_shard.iter().sum::<usize>(), units.len());
            // Roughly even: no shard gets less than half its share.
            assert!(
                per_shard.iter().all(|&c| c * 2 * n as usize >= units.len()),
                "{per_shard:?}"
            );
        }
        // Pinned values (computed independently with Python's hashlib), so a change
        // of hash, which would move units to other shards, fails here first.
        assert_eq!(
            shard_of("http://127.0.0.1:8701", "/search?q=acme&page=1", 4),
            3
        );
        assert_eq!(
            shard_of("http://127.0.0.1:8701", "/search?q=acme&page=1", 7),
            2
        );
    }
}
