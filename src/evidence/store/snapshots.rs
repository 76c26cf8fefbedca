//! Snapshots: the exact bytes of every page, content-addressed by SHA-256 and
//! kept zstd-compressed; stored once however often they are fetched.

use super::packs::Stored;
#[allow(unused_imports)]
use super::*;

/// zstd level 1, with one compression context per thread: creating a context per
/// page showed up in the scan's profile, and so did level 3 (9% of a scan of
/// real-weight pages, for a store a tenth smaller; see [`LEVEL`]).
pub(super) fn compress(body: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = Some(zstd::bulk::Compressor::new(LEVEL)?);
        }
        match c.as_mut() {
            Some(z) => z.compress(body),
            None => zstd::encode_all(body, LEVEL),
        }
    })
}

/// The zstd level snapshots are written at. Any level reads back the same bytes
/// (verify re-hashes what decompresses), so stores written at another level stay
/// valid.
const LEVEL: i32 = 1;

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
        if self.has_snapshot(digest.as_slice())? {
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
        self.put_compressed(&p.digest, p.size, p.compressed)
    }

    /// Appends compressed bytes to the store's pack unless it holds them already
    /// (checked and appended as one step: stored bytes are never overwritten, and
    /// two tasks storing the same page store it once).
    pub(super) fn put_compressed(
        &self,
        digest: &[u8],
        size: usize,
        compressed: Vec<u8>,
    ) -> Result<SnapshotRef, EvidenceError> {
        let appended = self.packs.append(digest, &compressed, || {
            Ok(self.snapshots.contains_key(digest)?)
        })?;
        Ok(SnapshotRef {
            sha256: hex::encode(digest),
            size: size as u64,
            stored_size: if appended { compressed.len() as u64 } else { 0 },
            deduplicated: !appended,
        })
    }

    /// Whether the store holds snapshot `digest` (published or still pending).
    pub(super) fn has_snapshot(&self, digest: &[u8]) -> Result<bool, EvidenceError> {
        Ok(self.packs.pending(digest).is_some() || self.snapshots.contains_key(digest)?)
    }

    /// The compressed bytes of snapshot `digest` as stored: in a pack, or (older
    /// stores) in sled itself.
    pub(super) fn stored_compressed(
        &self,
        digest: &[u8],
    ) -> Result<Option<Vec<u8>>, EvidenceError> {
        if let Some(p) = self.packs.pending(digest) {
            return self.packs.read(digest, p).map(Some);
        }
        match self.snapshots.get(digest)? {
            Some(value) => self.resolve_stored(digest, value).map(Some),
            None => Ok(None),
        }
    }

    /// The compressed bytes a value of the `snapshots` tree stands for.
    pub(super) fn resolve_stored(
        &self,
        digest: &[u8],
        value: sled::IVec,
    ) -> Result<Vec<u8>, EvidenceError> {
        match Stored::of(value) {
            Stored::Inline(z) => Ok(z.to_vec()),
            Stored::InPack(p) => self.packs.read(digest, p),
        }
    }

    /// Where the compressed bytes of snapshot `sha256_hex` lie on disk (file, offset,
    /// length), if they are in a pack: for tools (and tests) that examine or alter
    /// the stored bytes themselves.
    pub fn snapshot_location(
        &self,
        sha256_hex: &str,
    ) -> Result<Option<(PathBuf, u64, u64)>, EvidenceError> {
        let key = snapshot_key(sha256_hex)?;
        self.settle()?;
        Ok(match self.snapshots.get(&key)?.map(Stored::of) {
            Some(Stored::InPack(p)) => Some(self.packs.location(p)),
            _ => None,
        })
    }

    /// The exact bytes of a snapshot.
    pub fn snapshot(&self, sha256_hex: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        let key = snapshot_key(sha256_hex)?;
        // Readers (packets, exports, resumes, 304s) never get bytes other than the
        // ones the SHA-256 names: an altered snapshot is refused as verify would.
        let with_hint = |e: EvidenceError| match e {
            EvidenceError::Corrupt { tree, key, message } => EvidenceError::Corrupt {
                tree,
                key,
                message: format!("{message}: run `brandguard evidence verify`"),
            },
            e => e,
        };
        let Some(z) = self.stored_compressed(&key).map_err(with_hint)? else {
            return Ok(None);
        };
        decompress_checked(&key, &z).map(Some).map_err(with_hint)
    }

    /// The stored (zstd) bytes of a snapshot, for copying between stores.
    pub fn snapshot_stored(&self, sha256_hex: &str) -> Result<Option<Vec<u8>>, EvidenceError> {
        self.stored_compressed(&snapshot_key(sha256_hex)?)
    }
}

/// The key of a snapshot named by its hex SHA-256.
fn snapshot_key(sha256_hex: &str) -> Result<Vec<u8>, EvidenceError> {
    hex::decode(sha256_hex).map_err(|e| EvidenceError::Corrupt {
        tree: "snapshots",
        key: sha256_hex.to_string(),
        message: format!("not a hex SHA-256: {e}"),
    })
}

/// Decompresses stored bytes and checks they hash to `key`.
pub(super) fn decompress_checked(key: &[u8], z: &[u8]) -> Result<Vec<u8>, EvidenceError> {
    let corrupt = |message: String| EvidenceError::Corrupt {
        tree: "snapshots",
        key: hex::encode(key),
        message,
    };
    let bytes = zstd::decode_all(z).map_err(|e| corrupt(format!("does not decompress: {e}")))?;
    let got = Sha256::digest(&bytes);
    if got.as_slice() != key {
        return Err(corrupt(format!(
            "content hashes to {}, expected the key",
            hex::encode(got)
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_kept_inline_by_older_stores_still_read_and_verify() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old_body = b"a page stored by a schema-1 build";
        let old_key = Sha256::digest(old_body);
        {
            let store = Store::open(dir.path()).expect("open");
            // As a schema-1 build left it: the zstd bytes as sled's value.
            store
                .snapshots
                .insert(old_key.as_slice(), compress(old_body).expect("zstd"))
                .expect("insert");
            store
                .db
                .open_tree("meta")
                .expect("meta")
                .insert("schema_version", &1u32.to_be_bytes())
                .expect("schema");
            store.flush_now().expect("flush");
        }
        let store = Store::open(dir.path()).expect("reopen");
        let meta = store.db.open_tree("meta").expect("meta");
        let version = meta.get("schema_version").expect("read").expect("set");
        assert_eq!(version.as_ref(), SCHEMA_VERSION.to_be_bytes().as_slice());
        let new = store.put_snapshot(b"a page stored now").expect("put");
        assert!(!new.deduplicated);
        // Pending (not yet in sled) and after the settle, both read.
        assert_eq!(
            store.snapshot(&new.sha256).expect("read").as_deref(),
            Some(&b"a page stored now"[..])
        );
        store.settle().expect("settle");
        assert!(
            store
                .snapshot_location(&new.sha256)
                .expect("where")
                .is_some()
        );
        let old_hex = hex::encode(old_key);
        assert!(store.snapshot_location(&old_hex).expect("where").is_none());
        assert_eq!(
            store.snapshot(&old_hex).expect("read").as_deref(),
            Some(&old_body[..])
        );
        assert_eq!(store.verify().expect("verifies").snapshots, 2);
        // Storing the old page again finds it: nothing is stored twice.
        assert!(store.put_snapshot(old_body).expect("put").deduplicated);
    }
}
