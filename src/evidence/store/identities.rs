//! Seller identities: each one read from a captured profile page is a
//! `seller_identity` log record, so the hash chain vouches for every word of it; the
//! `identities` tree points each seller at its newest record (committed with it,
//! checked by `verify`, derived again by `rebuild`), so readers never walk the log.

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

/// The key of a seller account in the `identities` tree.
pub(super) fn identity_key(marketplace: &str, seller_id: &str) -> Vec<u8> {
    format!("{marketplace}\0{seller_id}").into_bytes()
}

/// The `identities` key of the seller a `seller_identity` record is about (for
/// `verify` and `rebuild`, which read records, not parsed identities).
pub(super) fn identity_key_of(rec: &LogRecord) -> Vec<u8> {
    let field = |f: &str| rec.payload["identity"][f].as_str().unwrap_or("");
    identity_key(field("marketplace"), field("seller_id"))
}

impl Store {
    /// Records a seller identity read from the capture `capture_log_seq`; returns
    /// its log sequence number. The `identities` tree points at it in the same
    /// commit.
    pub fn record_identity(&self, mut rec: IdentityRecord) -> Result<u64, EvidenceError> {
        let value = serde_json::to_value(&rec).unwrap_or_default();
        let key = identity_key(&rec.identity.marketplace, &rec.identity.seller_id);
        let recs = self.commit(|_, seq| {
            Ok((
                vec![(IDENTITY_KIND.to_string(), value)],
                vec![(StateTree::Identities, key, seq.to_be_bytes().to_vec())],
            ))
        })?;
        rec.log_seq = recs.first().map_or(0, |r| r.seq);
        Ok(rec.log_seq)
    }

    /// The newest identity of every seller account, by `(marketplace, seller id)`;
    /// with `as_of`, only those recorded by scans dated on or before it (an
    /// account whose newest identity is dated later is left out).
    pub fn identities(
        &self,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<std::collections::BTreeMap<(String, String), IdentityRecord>, EvidenceError> {
        self.settle()?;
        let mut out = std::collections::BTreeMap::new();
        for r in Walk::all(&self.identities) {
            let (k, v) = r?;
            let corrupt = |message: String| EvidenceError::Corrupt {
                tree: "identities",
                key: String::from_utf8_lossy(&k).replace('\0', "/"),
                message,
            };
            let seq = u64::from_be_bytes(
                v.as_ref()
                    .try_into()
                    .map_err(|_| corrupt("not a log sequence number".into()))?,
            );
            let rec = self
                .log_record(seq)?
                .filter(|r| r.kind == IDENTITY_KIND)
                .ok_or_else(|| corrupt(format!("log record {seq} is no seller identity")))?;
            let mut id: IdentityRecord = serde_json::from_value(rec.payload)
                .map_err(|e| corrupt(format!("seller_identity record {seq}: {e}")))?;
            if as_of.is_some_and(|d| id.as_of > d) {
                continue;
            }
            id.log_seq = seq;
            out.insert(
                (
                    id.identity.marketplace.clone(),
                    id.identity.seller_id.clone(),
                ),
                id,
            );
        }
        Ok(out)
    }
}
