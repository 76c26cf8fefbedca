//! Seller identities: each one read from a captured profile page is a
//! `seller_identity` log record, so the hash chain vouches for every word of it and
//! no state tree needs checking beside it.

#[allow(unused_imports)]
use super::*;
use crate::sellers::SellerIdentity;

/// The log record kind of a seller identity.
pub const IDENTITY_KIND: &str = "seller_identity";

/// A seller identity as the log holds it: what the profile page said and which
/// capture it was read from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityRecord {
    pub scan_id: u64,
    /// The date of the scan that read it (what `networks.identity_refresh_days`
    /// counts from).
    pub as_of: DateTime<Utc>,
    /// The `capture` record of the profile page.
    pub capture_log_seq: u64,
    pub snapshot_sha256: String,
    pub identity: SellerIdentity,
    /// This record's own sequence number (not part of the payload).
    #[serde(skip)]
    pub log_seq: u64,
}

impl IdentityRecord {
    /// The identity as a network member.
    pub fn member(&self) -> crate::sellers::Member {
        crate::sellers::Member {
            account: crate::sellers::Account {
                marketplace: self.identity.marketplace.clone(),
                seller_id: self.identity.seller_id.clone(),
            },
            shop_name: self.identity.shop_name.clone(),
            capture_log_seq: self.capture_log_seq,
            identifiers: self.identity.identifiers(),
        }
    }
}

impl Store {
    /// Records a seller identity read from the capture `capture_log_seq`; returns
    /// its log sequence number.
    pub fn record_identity(&self, mut rec: IdentityRecord) -> Result<u64, EvidenceError> {
        let value = serde_json::to_value(&rec).unwrap_or_default();
        rec.log_seq = self.append_log(IDENTITY_KIND, value)?.seq;
        Ok(rec.log_seq)
    }

    /// The newest identity of every seller account recorded by scans dated on or
    /// before `as_of` (all of them when `None`), by `(marketplace, seller id)`.
    ///
    /// Read from the log ([`Store::log_of_kind`]).
    pub fn identities(
        &self,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<std::collections::BTreeMap<(String, String), IdentityRecord>, EvidenceError> {
        let mut out = std::collections::BTreeMap::new();
        for rec in self.log_of_kind(IDENTITY_KIND) {
            let rec = rec?;
            let mut id: IdentityRecord =
                serde_json::from_value(rec.payload).map_err(|e| EvidenceError::Corrupt {
                    tree: "log",
                    key: rec.seq.to_string(),
                    message: format!("seller_identity record: {e}"),
                })?;
            if as_of.is_some_and(|d| id.as_of > d) {
                continue;
            }
            id.log_seq = rec.seq;
            let key = (
                id.identity.marketplace.clone(),
                id.identity.seller_id.clone(),
            );
            // Later records are newer: the log is in order.
            out.insert(key, id);
        }
        Ok(out)
    }
}
