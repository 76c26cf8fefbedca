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
    let mut open: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for f in store.findings() {
        let f: FindingRecord = f?;
        if f.resolved.is_none()
            && let Some(id) = &f.finding.seller_id
        {
            open.entry((f.finding.marketplace.clone(), id.clone()))
                .or_default()
                .push(f.key().replace('\0', "/"));
        }
    }
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
