//! Seller networks as the store shows them: every account's newest identity,
//! linked by the brand's `[networks]` rules, with who each account is to the brand
//! (a distributor's declared account or not) and its open findings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::Brand;
use crate::evidence::{EvidenceError, FindingRecord, Store};
use crate::sellers::{Account, Network, Networks, Rules, network};

/// One account of a network, as a reader needs it.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub account: Account,
    pub shop_name: Option<String>,
    pub legal_name: Option<String>,
    /// The distributor this is a declared account of (brand.toml), if any.
    pub declared_for: Option<String>,
    /// Keys of the account's open findings (`marketplace/listing/kind`).
    pub open_findings: Vec<String>,
    /// The account's listings with open findings: address and kinds.
    pub listings: Vec<NetworkListing>,
}

/// A listing of a network's account with open findings.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct NetworkListing {
    /// `marketplace/listing id`.
    pub listing: String,
    pub url: String,
    pub kinds: Vec<String>,
}

/// A network with its members described.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkView {
    #[serde(flatten)]
    pub network: Network,
    pub accounts: Vec<MemberView>,
    /// Distributors with a declared account in the network.
    pub distributors: Vec<String>,
}

/// Every network of the store, with its members described, and the shared values
/// that linked no one.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkReport {
    pub networks: Vec<NetworkView>,
    pub unlinked: Vec<network::Unlinked>,
    pub sellers: usize,
    pub identifiers: usize,
}

/// The networks of every seller identity the store holds (each account's newest).
pub fn of_store(store: &Store, brand: &Brand) -> Result<Networks, EvidenceError> {
    let members: Vec<_> = store
        .identities(None)?
        .values()
        .map(|r| r.member())
        .collect();
    Ok(network::build(&members, &Rules::of(&brand.networks)))
}

/// Account → open finding keys, and account → listing → (address, kinds).
type Open = BTreeMap<(String, String), Vec<String>>;
type OpenListings = BTreeMap<(String, String), BTreeMap<String, (String, Vec<String>)>>;

/// Every open finding, by the account (marketplace, seller id) it is about.
fn open_by_account(store: &Store) -> Result<(Open, OpenListings), EvidenceError> {
    let mut open = Open::new();
    let mut listings = OpenListings::new();
    for f in store.findings() {
        let f: FindingRecord = f?;
        if f.resolved.is_none()
            && let Some(id) = &f.finding.seller_id
        {
            let account = (f.finding.marketplace.clone(), id.clone());
            open.entry(account.clone())
                .or_default()
                .push(f.key().replace('\0', "/"));
            let l = listings
                .entry(account)
                .or_default()
                .entry(format!(
                    "{}/{}",
                    f.finding.marketplace, f.finding.listing_id
                ))
                .or_insert_with(|| (f.finding.url.clone(), Vec::new()));
            l.1.push(f.finding.kind.as_str().to_string());
        }
    }
    Ok((open, listings))
}

/// [`of_store`], with each member's shop and legal name, declared distributor and
/// open findings; only the network of `seller` (`marketplace/id` or an id) when given.
pub fn report(
    store: &Store,
    brand: &Brand,
    seller: Option<&str>,
) -> Result<NetworkReport, EvidenceError> {
    let identities = store.identities(None)?;
    let members: Vec<_> = identities.values().map(|r| r.member()).collect();
    let built = network::build(&members, &Rules::of(&brand.networks));
    let (open, listings) = open_by_account(store)?;
    let declared = |a: &Account| {
        brand
            .sellers
            .iter()
            .find(|s| {
                s.accounts
                    .iter()
                    .any(|x| x.marketplace == a.marketplace && x.id == a.seller_id)
            })
            .map(|s| s.id.clone())
    };
    let wanted = |n: &Network| match seller {
        None => true,
        Some(s) => n
            .members
            .iter()
            .any(|a| a.to_string() == s || a.seller_id == s),
    };
    let networks = built
        .networks
        .into_iter()
        .filter(|n| wanted(n))
        .map(|n| {
            let accounts: Vec<MemberView> = n
                .members
                .iter()
                .map(|a| {
                    let id = identities.get(&(a.marketplace.clone(), a.seller_id.clone()));
                    MemberView {
                        account: a.clone(),
                        shop_name: id.and_then(|r| r.identity.shop_name.clone()),
                        legal_name: id.and_then(|r| r.identity.legal_name.clone()),
                        declared_for: declared(a),
                        open_findings: open
                            .get(&(a.marketplace.clone(), a.seller_id.clone()))
                            .cloned()
                            .unwrap_or_default(),
                        listings: listings
                            .get(&(a.marketplace.clone(), a.seller_id.clone()))
                            .into_iter()
                            .flatten()
                            .map(|(listing, (url, kinds))| NetworkListing {
                                listing: listing.clone(),
                                url: url.clone(),
                                kinds: kinds.clone(),
                            })
                            .collect(),
                    }
                })
                .collect();
            let mut distributors: Vec<String> = accounts
                .iter()
                .filter_map(|m| m.declared_for.clone())
                .collect();
            distributors.sort();
            distributors.dedup();
            NetworkView {
                network: n,
                accounts,
                distributors,
            }
        })
        .collect();
    Ok(NetworkReport {
        networks,
        unlinked: built.unlinked,
        sellers: built.sellers,
        identifiers: built.identifiers,
    })
}

/// The network holding seller `seller_id` on `marketplace`, if any.
pub fn network_of(
    store: &Store,
    brand: &Brand,
    marketplace: &str,
    seller_id: &str,
) -> Result<Option<NetworkView>, EvidenceError> {
    let me = Account {
        marketplace: marketplace.to_string(),
        seller_id: seller_id.to_string(),
    };
    Ok(report(store, brand, Some(&me.to_string()))?
        .networks
        .into_iter()
        .find(|n| n.network.contains(&me)))
}
