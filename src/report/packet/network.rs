//! The seller's network in a packet: the accounts linked to the case's seller,
//! their open findings, and every link with the profile pages it was read from
//! (`network/profile-*.html`, pinned to their capture records like listing pages).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PacketError;
use crate::evidence::Store;
use crate::report::ReportError;
use crate::report::networks;
use crate::sanitize::file_name;
use crate::sellers::Account;

/// `manifest.json`'s `network`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestNetwork {
    pub id: String,
    /// Larger than `networks.max_network`: shown for review, not asserted.
    pub needs_review: bool,
    pub accounts: Vec<NetworkAccount>,
    pub links: Vec<ManifestLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetworkAccount {
    /// `marketplace/seller id`.
    pub account: String,
    pub legal_name: Option<String>,
    /// The distributor this is a declared account of, if any.
    pub declared_for: Option<String>,
    pub open_findings: Vec<String>,
    /// Its listings with open findings (address and kinds).
    #[serde(default)]
    pub listings: Vec<networks::NetworkListing>,
}

/// One link: the shared value, and each side's profile page as captured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestLink {
    pub words: String,
    pub sides: Vec<LinkSide>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinkSide {
    pub account: String,
    pub shown: String,
    /// The profile page as stored (a file of the packet).
    pub file: String,
    pub snapshot_sha256: String,
    pub capture_log_seq: u64,
    pub capture_record_hash: String,
}

/// The network of the case's seller (`None` when it is in none), with the profile
/// pages its links rest on added to `files`.
pub(super) fn section(
    store: &Store,
    view: Option<&networks::NetworkView>,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<Option<ManifestNetwork>, PacketError> {
    let Some(view) = view else {
        return Ok(None);
    };
    let identities = store.identities(None).map_err(ReportError::from)?;
    let mut pinned =
        |a: &Account, shown: &str, seq: u64| side(store, &identities, files, (a, shown, seq));
    let mut links = Vec::new();
    for l in &view.network.links {
        links.push(ManifestLink {
            words: l.words(),
            sides: vec![
                pinned(&l.a, &l.a_shown, l.a_capture_log_seq)?,
                pinned(&l.b, &l.b_shown, l.b_capture_log_seq)?,
            ],
        });
    }
    let section = ManifestNetwork {
        id: view.network.id.clone(),
        needs_review: view.network.needs_review,
        accounts: view
            .accounts
            .iter()
            .map(|m| NetworkAccount {
                account: m.account.to_string(),
                legal_name: m.legal_name.clone(),
                declared_for: m.declared_for.clone(),
                open_findings: m.open_findings.clone(),
                listings: m.listings.clone(),
            })
            .collect(),
        links,
    };
    files.insert("network/network.json".into(), super::json_bytes(&section));
    Ok(Some(section))
}

/// One side of a link: the profile page of account `a` as captured (record
/// `seq`), added to `files`.
fn side(
    store: &Store,
    identities: &BTreeMap<(String, String), crate::evidence::IdentityRecord>,
    files: &mut BTreeMap<String, Vec<u8>>,
    (a, shown, seq): (&Account, &str, u64),
) -> Result<LinkSide, PacketError> {
    let key = (a.marketplace.clone(), a.seller_id.clone());
    let sha = identities
        .get(&key)
        .filter(|r| r.capture_log_seq == seq)
        .map(|r| r.snapshot_sha256.clone())
        .unwrap_or_default();
    let bytes = store
        .snapshot(&sha)
        .map_err(ReportError::from)?
        .ok_or_else(|| {
            ReportError::from(crate::evidence::EvidenceError::Corrupt {
                tree: "snapshots",
                key: sha.clone(),
                message: format!("the profile page of {a} (capture {seq}) is missing"),
            })
        })?;
    let file = format!(
        "network/profile-{}-{seq}.html",
        file_name(&format!("{}-{}", a.marketplace, a.seller_id), 80)
    );
    files.insert(file.clone(), bytes);
    let record = store
        .log_record(seq)
        .map_err(ReportError::from)?
        .map(|r| r.hash)
        .unwrap_or_default();
    Ok(LinkSide {
        account: a.to_string(),
        shown: shown.to_string(),
        file,
        snapshot_sha256: sha,
        capture_log_seq: seq,
        capture_record_hash: record,
    })
}

/// The open cases a filing for case `c` may also cover (`packet --network`): those
/// of accounts in the same network as its seller, on the same marketplace, on the
/// same enforcement path (so one claim of one kind covers them all; a form whose
/// claim depends on every item, such as Amazon's counterfeit claim, is then
/// judged over all of them). None from a network held for review, or unless
/// `asked`.
pub fn covered_cases(
    store: &Store,
    c: &crate::case::Case,
    view: Option<&networks::NetworkView>,
    asked: bool,
) -> Result<Vec<crate::case::Case>, PacketError> {
    let Some(view) = view.filter(|v| asked && !v.network.needs_review) else {
        return Ok(Vec::new());
    };
    let Some(id) = &c.seller_id else {
        return Ok(Vec::new());
    };
    let me = Account {
        marketplace: c.marketplace.clone(),
        seller_id: id.clone(),
    };
    let linked: std::collections::BTreeSet<&str> = view
        .network
        .members
        .iter()
        .filter(|a| a.marketplace == c.marketplace && **a != me)
        .map(|a| a.seller_id.as_str())
        .collect();
    Ok(crate::case::all(store)?
        .into_iter()
        .filter(|o| {
            o.id != c.id
                && o.marketplace == c.marketplace
                && o.seller_id.as_deref().is_some_and(|s| linked.contains(s))
                && !o.state.is_done()
                && o.path.path == c.path.path
        })
        .collect())
}

/// With the store: each link's profile pages are the captures the store logged,
/// holding the bytes the packet carries.
pub(super) fn check(
    path: &std::path::Path,
    store: &Store,
    manifest: &super::Manifest,
) -> Result<usize, PacketError> {
    let Some(n) = &manifest.network else {
        return Ok(0);
    };
    let bad = |message: String| PacketError::Invalid {
        path: path.display().to_string(),
        message,
    };
    let mut checked = 0;
    for s in n.links.iter().flat_map(|l| &l.sides) {
        let rec = store
            .log_record(s.capture_log_seq)
            .map_err(ReportError::from)?
            .ok_or_else(|| {
                bad(format!(
                    "capture log record {} is not in the store",
                    s.capture_log_seq
                ))
            })?;
        if rec.hash != s.capture_record_hash || rec.kind != "capture" {
            return Err(bad(format!(
                "{}: capture log record {} is not the one the manifest names",
                s.file, s.capture_log_seq
            )));
        }
        let status = rec.payload.pointer("/page/status").and_then(|v| v.as_u64());
        let snap = rec
            .payload
            .pointer("/snapshot/sha256")
            .and_then(|v| v.as_str());
        if status != Some(304) && snap != Some(s.snapshot_sha256.as_str()) {
            return Err(bad(format!(
                "{}: the capture record holds another page than {}",
                s.file, s.snapshot_sha256
            )));
        }
        let file = manifest.files.iter().find(|f| f.path == s.file);
        if file.map(|f| f.sha256.as_str()) != Some(s.snapshot_sha256.as_str()) {
            return Err(bad(format!("{} is not the captured profile page", s.file)));
        }
        checked += 1;
    }
    Ok(checked)
}
