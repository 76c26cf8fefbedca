//! Seller networks: accounts linked by identifiers they share, with rules a person
//! can read.
//!
//! - **What links**: a registration number that passes its scheme's check, a phone
//!   with more than five digits of national number that is not all zeros, a
//!   well-formed e-mail, and a normalised legal name *together with* a normalised
//!   address (an address alone is shared by every tenant of a building and every
//!   client of a registered agent).
//! - **What never links**: a value on the brand's stoplist (a marketplace's agent,
//!   a platform's address, a placeholder), and a value shared by more sellers than
//!   `networks.max_sharing` (a common value, not an identity; counted and shown).
//! - **Review**: a network larger than `networks.max_network` is shown but held for
//!   a person; no finding rests on it.
//!
//! Every link names the shared value, how each account's page wrote it and the
//! capture each came from. The result depends only on the identities given (sorted
//! first), so the same store gives the same networks every time.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::normalize;
use crate::config::NetworkSettings;

/// The kinds of value that link sellers, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Registration,
    Phone,
    Email,
    NameAndAddress,
}

impl IdKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Registration => "registration number",
            IdKind::Phone => "phone",
            IdKind::Email => "e-mail",
            IdKind::NameAndAddress => "legal name and address",
        }
    }
}

/// One normalised value of a seller's identity, and the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Identifier {
    pub kind: IdKind,
    pub value: String,
    pub shown: String,
}

impl Identifier {
    pub fn new(kind: IdKind, value: String, shown: &str) -> Self {
        Self {
            kind,
            value,
            shown: shown.to_string(),
        }
    }
}

/// A seller account: a seller id on a marketplace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Account {
    pub marketplace: String,
    pub seller_id: String,
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.marketplace, self.seller_id)
    }
}

/// A seller whose identity is known: its identifiers and the capture of the
/// profile page they were read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub account: Account,
    pub shop_name: Option<String>,
    pub capture_log_seq: u64,
    pub identifiers: Vec<Identifier>,
}

/// Two accounts linked by one shared value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub kind: IdKind,
    /// The value as normalised (what is equal).
    pub value: String,
    pub a: Account,
    pub a_shown: String,
    pub a_capture_log_seq: u64,
    pub b: Account,
    pub b_shown: String,
    pub b_capture_log_seq: u64,
}

impl Link {
    /// The link in words: the value and how each account's page wrote it. What a
    /// finding says (the captures are named beside it, in the network's view and
    /// in packets: log positions differ between runs, the words must not).
    pub fn words(&self) -> String {
        format!(
            "{} {}: \"{}\" on {} and \"{}\" on {}",
            self.kind.as_str(),
            self.value,
            self.a_shown,
            self.a,
            self.b_shown,
            self.b
        )
    }

    /// The link in words, with its sources.
    pub fn explain(&self) -> String {
        format!(
            "{} {}: \"{}\" on {} (capture log record {}) and \"{}\" on {} (capture log record {})",
            self.kind.as_str(),
            self.value,
            self.a_shown,
            self.a,
            self.a_capture_log_seq,
            self.b_shown,
            self.b,
            self.b_capture_log_seq
        )
    }
}

/// Accounts linked, directly or through each other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// `NET-` and 10 hex digits of the SHA-256 of its sorted members: the same
    /// members give the same id in every run.
    pub id: String,
    pub members: Vec<Account>,
    pub links: Vec<Link>,
    /// More members than `networks.max_network`: for a person to review; no
    /// finding rests on it.
    pub needs_review: bool,
}

impl Network {
    pub fn contains(&self, a: &Account) -> bool {
        self.members.binary_search(a).is_ok()
    }
}

/// A value shared by several sellers that did not link them, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unlinked {
    pub kind: IdKind,
    pub value: String,
    pub sellers: usize,
    /// `stoplist` or `common` (more than `networks.max_sharing` sellers).
    pub why: &'static str,
}

/// Every network of a set of sellers, and the shared values that linked no one.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Networks {
    pub networks: Vec<Network>,
    pub unlinked: Vec<Unlinked>,
    pub sellers: usize,
    pub identifiers: usize,
}

impl Networks {
    /// The network account `a` belongs to, if any.
    pub fn of(&self, a: &Account) -> Option<&Network> {
        self.networks.iter().find(|n| n.contains(a))
    }
}

/// The linking rules of a brand's `[networks]`.
#[derive(Debug, Clone)]
pub struct Rules {
    stop_values: HashSet<String>,
    stop_addresses: HashSet<String>,
    /// Values known to be shared by more than `max_sharing` sellers
    /// ([`Rules::with_common`]).
    common: HashSet<(IdKind, String)>,
    pub max_sharing: usize,
    pub max_network: usize,
}

impl Rules {
    pub fn of(s: &NetworkSettings) -> Rules {
        let mut stop_values = HashSet::new();
        let mut stop_addresses = HashSet::new();
        for entry in &s.stoplist {
            // An entry is matched in every form it could take: as an e-mail, a
            // phone (written with its country code), a registration number, an address.
            stop_values.insert(crate::ident::fold(entry));
            stop_values.extend(normalize::email(entry));
            stop_values.extend(normalize::phone(entry, None));
            if let Some((scheme, v)) = super::registry::normalize(entry) {
                stop_values.insert(format!("{}:{v}", scheme.as_str()));
            }
            let a = normalize::address(entry);
            if !a.is_empty() {
                stop_addresses.insert(a);
            }
        }
        Rules {
            stop_values,
            stop_addresses,
            common: HashSet::new(),
            max_sharing: s.max_sharing,
            max_network: s.max_network,
        }
    }

    /// These rules, also setting aside the values more than `max_sharing` of
    /// `members` show. [`build`] counts sharing itself; a scan judging one listing
    /// at a time cannot, so it counts over the identities stored before it began:
    /// a distributor's fulfilment agent's phone must not make every shop using that
    /// agent an undeclared shop of the distributor.
    pub fn with_common(mut self, members: &[Member]) -> Rules {
        let mut holders: HashMap<(IdKind, &str), HashSet<&Account>> = HashMap::new();
        for m in members {
            for id in &m.identifiers {
                holders
                    .entry((id.kind, id.value.as_str()))
                    .or_default()
                    .insert(&m.account);
            }
        }
        self.common = holders
            .into_iter()
            .filter(|(_, h)| h.len() > self.max_sharing)
            .map(|((k, v), _)| (k, v.to_string()))
            .collect();
        self
    }

    /// Whether the stoplist holds this value (or it is a known common value).
    pub fn stopped(&self, id: &Identifier) -> bool {
        if self.common.contains(&(id.kind, id.value.clone())) {
            return true;
        }
        if self.stop_values.contains(&id.value)
            || self.stop_values.contains(&crate::ident::fold(&id.shown))
        {
            return true;
        }
        id.kind == IdKind::NameAndAddress
            && id
                .value
                .split_once(" | ")
                .is_some_and(|(_, addr)| self.stop_addresses.contains(addr))
    }
}

/// Links `members` into networks by the rules. Members are taken in account order
/// and values in sorted order, so the result does not depend on the input's order.
pub fn build(members: &[Member], rules: &Rules) -> Networks {
    let mut sorted: Vec<&Member> = members.iter().collect();
    sorted.sort_by(|a, b| a.account.cmp(&b.account));
    sorted.dedup_by(|a, b| a.account == b.account);
    // Value → the members showing it (each once, in account order).
    let mut by_value: BTreeMap<(IdKind, &str), Vec<(usize, &str)>> = BTreeMap::new();
    let mut identifiers = 0;
    for (i, m) in sorted.iter().enumerate() {
        for id in &m.identifiers {
            identifiers += 1;
            let e = by_value.entry((id.kind, id.value.as_str())).or_default();
            if e.last().is_none_or(|(j, _)| *j != i) {
                e.push((i, id.shown.as_str()));
            }
        }
    }
    let mut uf = petgraph::unionfind::UnionFind::<usize>::new(sorted.len());
    let mut links: Vec<Link> = Vec::new();
    let mut unlinked = Vec::new();
    for ((kind, value), holders) in &by_value {
        if holders.len() < 2 {
            continue;
        }
        let probe = Identifier::new(*kind, value.to_string(), holders[0].1);
        let why = if rules.stopped(&probe) {
            Some("stoplist")
        } else if holders.len() > rules.max_sharing {
            Some("common")
        } else {
            None
        };
        if let Some(why) = why {
            unlinked.push(Unlinked {
                kind: *kind,
                value: value.to_string(),
                sellers: holders.len(),
                why,
            });
            continue;
        }
        // A star from the first holder: each link is one shared value between two
        // accounts, each with its own source.
        let (first, first_shown) = holders[0];
        for &(other, shown) in &holders[1..] {
            uf.union(first, other);
            links.push(Link {
                kind: *kind,
                value: value.to_string(),
                a: sorted[first].account.clone(),
                a_shown: first_shown.to_string(),
                a_capture_log_seq: sorted[first].capture_log_seq,
                b: sorted[other].account.clone(),
                b_shown: shown.to_string(),
                b_capture_log_seq: sorted[other].capture_log_seq,
            });
        }
    }
    Networks {
        networks: group(&sorted, &mut uf, links, rules),
        unlinked,
        sellers: sorted.len(),
        identifiers,
    }
}

/// The networks of linked members (two or more), each with its links, in member order.
fn group(
    sorted: &[&Member],
    uf: &mut petgraph::unionfind::UnionFind<usize>,
    links: Vec<Link>,
    rules: &Rules,
) -> Vec<Network> {
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..sorted.len() {
        groups.entry(uf.find_mut(i)).or_default().push(i);
    }
    let mut index: HashMap<&Account, usize> = HashMap::new();
    let mut networks: Vec<Network> = Vec::new();
    for members in groups.into_values().filter(|g| g.len() > 1) {
        let accounts: Vec<Account> = members.iter().map(|&i| sorted[i].account.clone()).collect();
        for &i in &members {
            index.insert(&sorted[i].account, networks.len());
        }
        networks.push(Network {
            id: network_id(&accounts),
            needs_review: accounts.len() > rules.max_network,
            members: accounts,
            links: Vec::new(),
        });
    }
    for l in links {
        if let Some(&n) = index.get(&l.a) {
            networks[n].links.push(l);
        }
    }
    networks.sort_by(|a, b| a.members.cmp(&b.members));
    networks
}

fn network_id(members: &[Account]) -> String {
    let mut h = Sha256::new();
    for m in members {
        h.update(m.marketplace.as_bytes());
        h.update([0]);
        h.update(m.seller_id.as_bytes());
        h.update([0]);
    }
    format!("NET-{}", &hex::encode(h.finalize())[..10])
}

/// A shop linked to an authorised distributor's declared account: the distributor's
/// own shop that the brand was never told of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undeclared {
    pub distributor: String,
    /// The link to the distributor's account (`a`) from the shop (`b`).
    pub link: Link,
}

/// The identifiers of the distributors' declared accounts, for recognising their
/// undeclared shops while a scan judges listings.
///
/// A shop counts as a distributor's only through a value it shares *directly* with
/// one of that distributor's declared accounts: a claim against a distributor rests
/// on its own identifier, never on a chain through third parties (chains are for
/// `sellers network` and a person's review). A value two distributors share names
/// neither.
#[derive(Debug, Default)]
pub struct Declared {
    by_value: BTreeMap<(IdKind, String), (String, Account, String, u64)>,
    ambiguous: BTreeSet<(IdKind, String)>,
}

impl Declared {
    /// From each distributor id and its declared accounts' identities.
    pub fn new(accounts: &[(String, Member)], rules: &Rules) -> Declared {
        let mut d = Declared::default();
        let mut sorted: Vec<&(String, Member)> = accounts.iter().collect();
        sorted.sort_by(|a, b| (&a.0, &a.1.account).cmp(&(&b.0, &b.1.account)));
        for (distributor, m) in sorted {
            for id in m.identifiers.iter().filter(|i| !rules.stopped(i)) {
                let key = (id.kind, id.value.clone());
                match d.by_value.get(&key) {
                    Some((other, ..)) if other != distributor => {
                        d.ambiguous.insert(key);
                    }
                    Some(_) => {}
                    None => {
                        d.by_value.insert(
                            key,
                            (
                                distributor.clone(),
                                m.account.clone(),
                                id.shown.clone(),
                                m.capture_log_seq,
                            ),
                        );
                    }
                }
            }
        }
        d
    }

    pub fn is_empty(&self) -> bool {
        self.by_value.is_empty()
    }

    /// The distributor `shop` is an undeclared shop of, with the link (its
    /// strongest shared value), if any.
    pub fn undeclared(&self, shop: &Member, rules: &Rules) -> Option<Undeclared> {
        let mut ids: Vec<&Identifier> = shop.identifiers.iter().collect();
        ids.sort();
        ids.into_iter().filter(|i| !rules.stopped(i)).find_map(|i| {
            let key = (i.kind, i.value.clone());
            if self.ambiguous.contains(&key) {
                return None;
            }
            let (distributor, account, shown, capture) = self.by_value.get(&key)?;
            (account != &shop.account).then(|| Undeclared {
                distributor: distributor.clone(),
                link: Link {
                    kind: i.kind,
                    value: i.value.clone(),
                    a: account.clone(),
                    a_shown: shown.clone(),
                    a_capture_log_seq: *capture,
                    b: shop.account.clone(),
                    b_shown: i.shown.clone(),
                    b_capture_log_seq: shop.capture_log_seq,
                },
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(m: &str, id: &str, capture: u64, ids: &[(IdKind, &str)]) -> Member {
        Member {
            account: Account {
                marketplace: m.into(),
                seller_id: id.into(),
            },
            shop_name: None,
            capture_log_seq: capture,
            identifiers: ids
                .iter()
                .map(|(k, v)| Identifier::new(*k, v.to_string(), v))
                .collect(),
        }
    }

    fn rules(stop: &[&str], max_sharing: usize) -> Rules {
        Rules::of(&NetworkSettings {
            stoplist: stop.iter().map(|s| s.to_string()).collect(),
            max_sharing,
            ..NetworkSettings::default()
        })
    }

    #[test]
    fn shared_values_link_transitively_and_each_link_names_its_sources() {
        let ms = vec![
            member("b", "z", 3, &[(IdKind::Email, "x@y.cn")]),
            member(
                "a",
                "y",
                2,
                &[(IdKind::Phone, "+85223456789"), (IdKind::Email, "x@y.cn")],
            ),
            member("a", "x", 1, &[(IdKind::Phone, "+85223456789")]),
            member("c", "alone", 4, &[(IdKind::Phone, "+14155550100")]),
        ];
        let n = build(&ms, &rules(&[], 20));
        assert_eq!(n.networks.len(), 1);
        let net = &n.networks[0];
        assert_eq!(net.members.len(), 3);
        assert_eq!(net.links.len(), 2);
        let phone = net.links.iter().find(|l| l.kind == IdKind::Phone).unwrap();
        assert_eq!(
            (phone.a.seller_id.as_str(), phone.b.seller_id.as_str()),
            ("x", "y")
        );
        assert_eq!((phone.a_capture_log_seq, phone.b_capture_log_seq), (1, 2));
        assert!(phone.explain().contains("capture log record 1"));
        // Input order does not matter.
        let mut rev = ms.clone();
        rev.reverse();
        assert_eq!(build(&rev, &rules(&[], 20)).networks, n.networks);
    }

    #[test]
    fn stoplisted_and_common_values_link_no_one() {
        let agent = "c/o Registered Agent, 1000 N West St, Wilmington";
        let ms = vec![
            member("a", "p", 1, &[(IdKind::Email, "agent@ra.example")]),
            member("a", "q", 2, &[(IdKind::Email, "agent@ra.example")]),
            member(
                "a",
                "r",
                3,
                &[(IdKind::NameAndAddress, "r co | 1000 n st west wilmington")],
            ),
            member("a", "s", 4, &[(IdKind::Phone, "+13025550199")]),
            member("a", "t", 5, &[(IdKind::Phone, "+13025550199")]),
            member("a", "u", 6, &[(IdKind::Phone, "+13025550199")]),
        ];
        let n = build(&ms, &rules(&["AGENT@ra.example", agent], 2));
        assert!(n.networks.is_empty(), "{:?}", n.networks);
        let why: Vec<&str> = n.unlinked.iter().map(|u| u.why).collect();
        assert_eq!(why, vec!["common", "stoplist"]);
        let r = rules(&[agent], 20);
        assert!(r.stopped(&Identifier::new(
            IdKind::NameAndAddress,
            format!("r co | {}", normalize::address(agent)),
            "R Co"
        )));
    }

    #[test]
    fn a_shop_sharing_a_distributors_value_is_its_undeclared_shop() {
        let r = rules(&[], 20);
        let declared = Declared::new(
            &[
                (
                    "pacific".into(),
                    member(
                        "shop",
                        "pac",
                        7,
                        &[(IdKind::Registration, "registration:5839201")],
                    ),
                ),
                (
                    "north".into(),
                    member("shop", "nw", 8, &[(IdKind::Phone, "+15550100")]),
                ),
                (
                    "pacific".into(),
                    member("bid", "pac2", 9, &[(IdKind::Phone, "+15550100")]),
                ),
            ],
            &r,
        );
        let shop = member(
            "shop",
            "gadget",
            10,
            &[(IdKind::Registration, "registration:5839201")],
        );
        let u = declared.undeclared(&shop, &r).unwrap();
        assert_eq!(u.distributor, "pacific");
        assert_eq!(u.link.a.seller_id, "pac");
        // A phone two distributors share names neither.
        let both = member("shop", "other", 11, &[(IdKind::Phone, "+15550100")]);
        assert_eq!(declared.undeclared(&both, &r), None);
        // A value more than `max_sharing` stored sellers show links no shop.
        let many: Vec<Member> = (0..3)
            .map(|i| member("shop", &format!("s{i}"), i, &[(IdKind::Phone, "+15550100")]))
            .collect();
        let r2 = rules(&[], 2).with_common(&many);
        let d2 = Declared::new(
            &[(
                "pacific".into(),
                member("bid", "pac2", 9, &[(IdKind::Phone, "+15550100")]),
            )],
            &r2,
        );
        assert_eq!(d2.undeclared(&both, &r2), None);
        // A declared account is not its own undeclared shop.
        let pac = member(
            "shop",
            "pac",
            7,
            &[(IdKind::Registration, "registration:5839201")],
        );
        assert_eq!(declared.undeclared(&pac, &r), None);
    }
}
