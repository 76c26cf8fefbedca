//! Snapshots: the exact bytes of every page, content-addressed by SHA-256 and
//! kept zstd-compressed; stored once however often they are fetched.

#[allow(unused_imports)]
use super::*;

/// zstd level 3, with one compression context per thread: creating a context per
/// page showed up in the scan's profile.
pub(super) fn compress(body: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = Some(zstd::bulk::Compressor::new(3)?);
        }
        match c.as_mut() {
            Some(z) => z.compress(body),
            None => zstd::encode_all(body, 3),
        }
    })
}

/// Page bytes hashed and compressed for [`Store::put_prepared`].
pub struct PreparedSnapshot {
    digest: [u8; 32],
    size: usize,
    compressed: Vec<u8>,
}

impl PreparedSnapshot {
    /// Hashes and compresses `body` (CPU work: run it off the scan's loop).
    pub fn new(body: &[u8]) -> std::io::Result<PreparedSnapshot> {
        Ok(PreparedSnapshot {
            digest: Sha256::digest(body).into(),
            size: body.len(),
            compressed: compress(body)?,
        })
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Store {
    /// Stores page bytes under their SHA-256, compressed; identical bytes are stored once.
    pub fn put_snapshot(&self, body: &[u8]) -> Result<SnapshotRef, EvidenceError> {
        let digest = Sha256::digest(body);
        if self.snapshots.contains_key(digest.as_slice())? {
            return Ok(SnapshotRef {
                sha256: hex::encode(digest),
                size: body.len() as u64,
                stored_size: 0,
                deduplicated: true,
            });
        }
        let compressed = compress(body)?;
        self.put_compressed(digest.as_slice(), body.len(), compressed)
    }

    /// Stores a snapshot hashed and compressed beforehand ([`PreparedSnapshot`], made
    /// on another thread: a large page's hashing and compression should not hold up
    /// the scan's other requests).
    pub fn put_prepared(&self, p: PreparedSnapshot) -> Result<SnapshotRef, EvidenceError> {
        if self.snapshots.contains_key(p.digest.as_slice())? {
            return Ok(SnapshotRef {
                sha256: hex::encode(p.digest),
                size: p.size as u64,
                stored_size: 0,
                deduplicated: true,
            });
        }
        self.put_compressed(&p.digest, p.size, p.compressed)
    }

    pub(super) fn put_compressed(
        &self,
        digest: &[u8],
        size: usize,
        compressed: Vec<u8>,
    ) -> Result<SnapshotRef, EvidenceError> {
        let sha256 = hex::encode(digest);
        let stored_size = compressed.len() as u64;
        let body_len = size;
        // compare_and_swap against "absent": stored bytes are never overwritten, even
        // when another task stores the same bytes in between.
        let prior =
            self.snapshots
                .compare_and_swap(digest, None as Option<&[u8]>, Some(compressed))?;
        Ok(SnapshotRef {
            sha256,
            size: body_len as u64,
            stored_size: if prior.is_ok() { stored_size } else { 0 },
            deduplicated: prior.is_err(),
        })
    }

    /// The exact bytes of a snapshot.
    pub fn snapshot(&self, sha256_hex: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        let key = hex::decode(sha256_hex).map_err(|e| EvidenceError::Corrupt {
            tree: "snapshots",
            key: sha256_hex.to_string(),
            message: format!("not a hex SHA-256: {e}"),
        })?;
        let Some(z) = self.snapshots.get(&key)? else {
            return Ok(None);
        };
        // Readers (packets, exports, resumes, 304s) never get bytes other than the
        // ones the SHA-256 names: an altered snapshot is refused as verify would.
        let corrupt = |message: String| EvidenceError::Corrupt {
            tree: "snapshots",
            key: sha256_hex.to_string(),
            message: format!("{message}: run `brandguard evidence verify`"),
        };
        let bytes = zstd::decode_all(z.as_ref())
            .map_err(|e| corrupt(format!("does not decompress: {e}")))?;
        let got = Sha256::digest(&bytes);
        if got.as_slice() != key.as_slice() {
            return Err(corrupt(format!(
                "content hashes to {}, expected the key",
                hex::encode(got)
            )));
        }
        Ok(Some(bytes))
    }

    /// The stored (zstd) bytes of a snapshot, for copying between stores.
    pub fn snapshot_stored(&self, sha256_hex: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        let key = hex::decode(sha256_hex).map_err(|e| EvidenceError::Corrupt {
            tree: "snapshots",
            key: sha256_hex.to_string(),
            message: format!("not a hex SHA-256: {e}"),
        })?;
        Ok(self.snapshots.get(key)?.map(|v| v.to_vec()))
    }
}
