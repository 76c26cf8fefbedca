//! `packet verify`: a packet (folder or .zip) checked against its manifest and,
//! with a store at hand, against the evidence log and the case's record.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Manifest, ManifestCapture, PacketCheck, PacketError};
use crate::case;
use crate::evidence::{Store, sha256_hex};
use crate::report::ReportError;

/// Reads a packet's files: from its folder or its .zip.
/// Largest file a packet may hold (a captured page is at most the 64 MiB body cap).
const MAX_PACKET_FILE: u64 = 80 * 1024 * 1024;
/// Most files a packet may hold.
const MAX_PACKET_FILES: usize = 10_000;

/// A packet as found on disk: `manifest.json`'s bytes, and the SHA-256 of every other
/// file by its path inside the packet. Files are hashed as they are read, never held
/// whole, so a zip bomb costs at most [`MAX_PACKET_FILE`] of inflating per entry.
struct PacketFiles {
    manifest: Option<Vec<u8>>,
    digests: BTreeMap<String, String>,
}

/// A path inside a packet, as a zip entry or a manifest names it: relative, `/`
/// separated, no `..`, no drive or root. Such a name is only ever compared, never
/// used to write, but a packet holding one was not written by brandguard.
fn check_inner_path(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains(':')
        || name.chars().any(char::is_control)
        || name
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        return Err(format!(
            "`{}` is not a path inside a packet (absolute, `..` or odd characters)",
            crate::sanitize::terminal(name, 200)
        ));
    }
    Ok(())
}

/// SHA-256 of what `r` yields, refusing more than [`MAX_PACKET_FILE`] bytes.
fn digest_capped(
    r: &mut impl Read,
    name: &str,
    keep: bool,
) -> Result<(String, Option<Vec<u8>>), String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    let mut kept = keep.then(Vec::new);
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = r.read(&mut buf).map_err(|e| format!("{name}: {e}"))?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > MAX_PACKET_FILE {
            return Err(format!(
                "{name} inflates beyond {} MiB: not a packet brandguard wrote",
                MAX_PACKET_FILE / (1024 * 1024)
            ));
        }
        hasher.update(&buf[..n]);
        if let Some(k) = kept.as_mut() {
            k.extend_from_slice(&buf[..n]);
        }
    }
    Ok((hex::encode(hasher.finalize()), kept))
}

fn read_packet(path: &Path) -> Result<PacketFiles, PacketError> {
    let shown = path.display().to_string();
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| PacketError::Read { path, source }
    };
    let bad = |message: String| PacketError::Invalid {
        path: shown.clone(),
        message,
    };
    let mut out = PacketFiles {
        manifest: None,
        digests: BTreeMap::new(),
    };
    let mut add = |name: String, r: &mut dyn Read| -> Result<(), PacketError> {
        check_inner_path(&name).map_err(&bad)?;
        if out.digests.contains_key(&name) || (name == "manifest.json" && out.manifest.is_some()) {
            return Err(bad(format!("{name} is in the packet twice")));
        }
        if out.digests.len() >= MAX_PACKET_FILES {
            return Err(bad(format!("more than {MAX_PACKET_FILES} files")));
        }
        let is_manifest = name == "manifest.json";
        let (sha, bytes) = digest_capped(&mut &mut *r, &name, is_manifest).map_err(&bad)?;
        if is_manifest {
            out.manifest = bytes;
        } else {
            out.digests.insert(name, sha);
        }
        Ok(())
    };
    if path.is_dir() {
        for entry in walk(path).map_err(io(path))? {
            let rel = entry
                .strip_prefix(path)
                .map_err(|e| bad(e.to_string()))?
                .to_string_lossy()
                .replace('\\', "/");
            let mut f = std::fs::File::open(&entry).map_err(io(&entry))?;
            add(rel, &mut f)?;
        }
    } else {
        let file = std::fs::File::open(path).map_err(io(path))?;
        let mut z = zip::ZipArchive::new(file).map_err(|e| bad(format!("not a zip: {e}")))?;
        // The archive keeps one entry per name; a second entry of a name (a tampered
        // cover behind the real one, shown by other unzip tools) would go unseen.
        if z.has_duplicate_names() {
            return Err(bad(
                "an entry name is in the zip twice: not a packet brandguard wrote".into(),
            ));
        }
        for i in 0..z.len() {
            let mut f = z
                .by_index(i)
                .map_err(|e| bad(format!("zip entry {i}: {e}")))?;
            if f.is_dir() {
                continue;
            }
            // Entry names are checked, never used as paths on disk.
            let name = f
                .name()
                .map_err(|e| bad(format!("zip entry {i}: {e}")))?
                .to_string();
            // The declared size is refused before inflating; the actual one is
            // capped while reading (a declared size can lie).
            if f.size() > MAX_PACKET_FILE {
                return Err(bad(format!(
                    "{} declares {} bytes: not a packet brandguard wrote",
                    crate::sanitize::terminal(&name, 200),
                    f.size()
                )));
            }
            add(name, &mut f)?;
        }
    }
    Ok(out)
}

/// Every file under `dir` (symbolic links refused: a packet holds plain files).
fn walk(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        let kind = e.file_type()?;
        if kind.is_symlink() {
            return Err(std::io::Error::other(format!(
                "{} is a symbolic link: a packet holds plain files",
                p.display()
            )));
        }
        if kind.is_dir() {
            out.extend(walk(&p)?);
        } else {
            out.push(p);
        }
    }
    Ok(out)
}

/// Checks a packet (folder or .zip) against its manifest and, with a store, against
/// the evidence log and the case's record of the revision.
pub fn verify(path: &Path, store: Option<&Store>) -> Result<PacketCheck, PacketError> {
    let bad = |message: String| invalid(path, message);
    let PacketFiles { manifest, digests } = read_packet(path)?;
    let manifest_bytes = manifest.ok_or_else(|| bad("no manifest.json".into()))?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| bad(format!("manifest.json unreadable: {e}")))?;
    let manifest_sha256 = sha256_hex(&manifest_bytes);
    check_files(path, &manifest, digests)?;
    let mut checked = 0;
    if let Some(store) = store {
        check_revision(path, store, &manifest, &manifest_sha256)?;
        for cap in &manifest.captures {
            check_capture(path, store, &manifest, cap)?;
            checked += 1;
        }
        checked += super::network::check(path, store, &manifest)?;
    }
    Ok(PacketCheck {
        case_id: manifest.case_id,
        revision: manifest.revision,
        files: manifest.files.len() + 1,
        captures_checked_against_store: checked,
        manifest_sha256,
    })
}

fn invalid(path: &Path, message: String) -> PacketError {
    PacketError::Invalid {
        path: path.display().to_string(),
        message,
    }
}

/// Every file the manifest lists is there with its hash, and nothing else is.
fn check_files(
    path: &Path,
    manifest: &Manifest,
    mut files: BTreeMap<String, String>,
) -> Result<(), PacketError> {
    let bad = |message: String| invalid(path, message);
    for f in &manifest.files {
        check_inner_path(&f.path).map_err(|e| bad(format!("manifest.json lists {e}")))?;
        let Some(got) = files.remove(&f.path) else {
            return Err(bad(format!(
                "{} is listed in the manifest but missing",
                f.path
            )));
        };
        if got != f.sha256 {
            return Err(bad(format!(
                "{} hashes to {got}, the manifest says {}",
                f.path, f.sha256
            )));
        }
    }
    if let Some(extra) = files.keys().next() {
        return Err(bad(format!("{extra} is not in the manifest")));
    }
    Ok(())
}

/// The store's case recorded this revision with this manifest's hash.
fn check_revision(
    path: &Path,
    store: &Store,
    manifest: &Manifest,
    manifest_sha256: &str,
) -> Result<(), PacketError> {
    let bad = |message: String| invalid(path, message);
    if manifest.draft {
        return Err(bad(format!(
            "a draft of case {}, not a revision of it: drafts are never recorded for filing",
            manifest.case_id
        )));
    }
    let c = case::get(store, &manifest.case_id)?;
    let rev = c
        .packets
        .iter()
        .find(|p| p.revision == manifest.revision)
        .ok_or_else(|| {
            bad(format!(
                "case {} has no revision {} in this store",
                manifest.case_id, manifest.revision
            ))
        })?;
    if rev.manifest_sha256 != manifest_sha256 {
        return Err(bad(format!(
            "manifest.json hashes to {manifest_sha256}, but the store recorded {} for {} revision {}",
            rev.manifest_sha256, manifest.case_id, manifest.revision
        )));
    }
    Ok(())
}

/// A capture's log records are the store's, hold the page the packet carries,
/// and the observation was read from it.
fn check_capture(
    path: &Path,
    store: &Store,
    manifest: &Manifest,
    cap: &ManifestCapture,
) -> Result<(), PacketError> {
    let bad = |message: String| invalid(path, message);
    let rec = logged(
        path,
        store,
        "capture",
        cap.capture_log_seq,
        &cap.capture_record_hash,
    )?;
    let snap = rec
        .payload
        .pointer("/snapshot/sha256")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    // A 304 capture has no body of its own; the observation says which stored
    // page it confirmed.
    if cap.capture_status != 304 && snap != cap.snapshot_sha256 {
        return Err(bad(format!(
            "{}: the capture record holds snapshot {snap}, the manifest {}",
            cap.file, cap.snapshot_sha256
        )));
    }
    let obs = logged(
        path,
        store,
        "observation",
        cap.observation_log_seq,
        &cap.observation_record_hash,
    )?;
    let read_from = obs
        .payload
        .get("snapshot_sha256")
        .and_then(|v| v.as_str())
        .unwrap_or("");
    if read_from != cap.snapshot_sha256 {
        return Err(bad(format!(
            "{}: the observation was read from {read_from}, the manifest says {}",
            cap.file, cap.snapshot_sha256
        )));
    }
    let file_sha = manifest
        .files
        .iter()
        .find(|f| f.path == cap.file)
        .map(|f| f.sha256.as_str());
    if file_sha != Some(cap.snapshot_sha256.as_str()) {
        return Err(bad(format!(
            "{} is not the captured page {}",
            cap.file, cap.snapshot_sha256
        )));
    }
    Ok(())
}

/// Log record `seq`, which must be in the store and hash to `hash`.
fn logged(
    path: &Path,
    store: &Store,
    what: &str,
    seq: u64,
    hash: &str,
) -> Result<crate::evidence::LogRecord, PacketError> {
    let bad = |message: String| invalid(path, message);
    let rec = store
        .log_record(seq)
        .map_err(ReportError::from)?
        .ok_or_else(|| bad(format!("{what} log record {seq} is not in the store")))?;
    if rec.hash != hash {
        return Err(bad(format!(
            "{what} log record {seq} hashes to {}, the manifest says {hash}",
            rec.hash
        )));
    }
    Ok(rec)
}
