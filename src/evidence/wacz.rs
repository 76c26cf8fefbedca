//! WACZ 1.1.1 bundles (Web Archive Collection Zipped): the store's WARC export with
//! its CDXJ index, a page list and a data package that lists every file with its
//! SHA-256, so a lawyer can hand over one file that replay tools (ReplayWeb.page,
//! pywb) open as it is and anyone can check for alteration.
//!
//! Layout, as the specification gives it:
//! - `archive/data.warc.gz`: every capture (see [`super::warc`]), each record a gzip
//!   member, stored in the ZIP without compression so tools can seek into it;
//! - `indexes/index.cdx`: one CDXJ line per response and revisit record (SURT key,
//!   14-digit time, JSON with url, mime, status, digest, offset, length, filename),
//!   sorted;
//! - `pages/pages.jsonl`: each listing address captured, with its last capture time;
//! - `evidence/chain.json`: which brandguard store and log head the bundle came from,
//!   and the RFC 3161 time-stamps of the log (`evidence/anchor-N.tsr`, each the TSA's
//!   response as received, with the `openssl ts -verify` line that checks it);
//! - `datapackage.json` and `datapackage-digest.json`: every file's size and SHA-256,
//!   and the SHA-256 of `datapackage.json` itself.

use std::collections::BTreeMap;
use std::io::{Read, Seek, Write};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use super::warc::{IndexEntry, WarcExport, export_gzip};
use super::{EvidenceError, Store};

/// The WACZ version written, the one the `wacz` validator checks.
pub const WACZ_VERSION: &str = "1.1.1";

/// What a WACZ export wrote.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct WaczExport {
    pub warc: WarcExport,
    /// Distinct listing addresses in `pages/pages.jsonl`.
    pub pages: u64,
    /// `sha256:HEX` of `datapackage.json`, as `datapackage-digest.json` gives it.
    pub datapackage_digest: String,
}

/// Writes the store as a WACZ bundle to `out`. The WARC is written to a temporary
/// file first (a store can hold gigabytes; nothing is held in memory).
pub fn export_wacz(
    store: &Store,
    out: impl Write + Seek,
    title: &str,
) -> Result<WaczExport, EvidenceError> {
    let mut warc_file = tempfile::tempfile()?;
    let warc = {
        let mut w = std::io::BufWriter::new(&mut warc_file);
        let stats = export_gzip(store, &mut w)?;
        w.flush()?;
        stats
    };
    warc_file.rewind()?;
    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();

    let mut zip = zip::ZipWriter::new(out);
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(warc.bytes >= u64::from(u32::MAX));
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut resources = Vec::new();

    // The WARC, copied from the temporary file and hashed on the way.
    zip.start_file("archive/data.warc.gz", stored)?;
    let mut hashing = Hashing::new(&mut zip);
    std::io::copy(&mut (&mut warc_file).take(warc.bytes), &mut hashing)?;
    resources.push(hashing.resource("archive/data.warc.gz"));

    let index = cdxj(&warc.index, "data.warc.gz");
    let pages = pages_jsonl(&warc.index, title);
    let chain = json_bytes(&chain(store, &created)?)?;
    let mut files: Vec<(String, Vec<u8>, SimpleFileOptions)> = vec![
        ("indexes/index.cdx".into(), index.into_bytes(), stored),
        ("pages/pages.jsonl".into(), pages.0.into_bytes(), deflated),
        ("evidence/chain.json".into(), chain, deflated),
    ];
    // The TSA responses (RFC 3161) that date the log, as received.
    for a in store.anchors()? {
        files.push((
            format!("evidence/anchor-{}.tsr", a.head_seq),
            a.response_bytes(),
            stored,
        ));
    }
    for (path, bytes, options) in &files {
        zip.start_file(path.as_str(), *options)?;
        zip.write_all(bytes)?;
        resources.push(Resource::of(path, bytes));
    }

    let package = serde_json::json!({
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "description": "Captures of marketplace listings kept by brandguard: exact bytes as received, \
                        each page's request and response; 304 answers as revisits of the capture they confirm.",
        "created": created,
        "software": crate::TOOL,
        "resources": resources,
    });
    let package = json_bytes(&package)?;
    let datapackage_digest = format!("sha256:{}", hex::encode(Sha256::digest(&package)));
    zip.start_file("datapackage.json", deflated)?;
    zip.write_all(&package)?;
    let digest = json_bytes(&serde_json::json!({
        "path": "datapackage.json",
        "hash": datapackage_digest,
    }))?;
    zip.start_file("datapackage-digest.json", deflated)?;
    zip.write_all(&digest)?;
    zip.finish()?;
    Ok(WaczExport {
        warc,
        pages: pages.1,
        datapackage_digest,
    })
}

fn json_bytes(v: &serde_json::Value) -> Result<Vec<u8>, EvidenceError> {
    serde_json::to_vec_pretty(v).map_err(|e| EvidenceError::Io(std::io::Error::other(e)))
}

/// A file of the bundle as `datapackage.json` lists it.
#[derive(Debug, serde::Serialize)]
struct Resource {
    name: String,
    path: String,
    hash: String,
    bytes: u64,
}

impl Resource {
    fn of(path: &str, bytes: &[u8]) -> Resource {
        Resource {
            name: resource_name(path),
            path: path.into(),
            hash: format!("sha256:{}", hex::encode(Sha256::digest(bytes))),
            bytes: bytes.len() as u64,
        }
    }
}

/// Frictionless data package names: lowercase, the file's name.
fn resource_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase()
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W: Write> {
    inner: W,
    hasher: Sha256,
    n: u64,
}

impl<W: Write> Hashing<W> {
    fn new(inner: W) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            n: 0,
        }
    }

    fn resource(self, path: &str) -> Resource {
        Resource {
            name: resource_name(path),
            path: path.into(),
            hash: format!("sha256:{}", hex::encode(self.hasher.finalize())),
            bytes: self.n,
        }
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The CDXJ index: `SURT TIMESTAMP {json}` per record, sorted as replay tools
/// binary-search it.
fn cdxj(index: &[IndexEntry], filename: &str) -> String {
    let mut lines = Vec::with_capacity(index.len());
    for e in index {
        let key = surt(&e.url);
        let mut fields = serde_json::Map::new();
        fields.insert("url".into(), e.url.clone().into());
        if !e.mime.is_empty() {
            fields.insert("mime".into(), e.mime.clone().into());
        }
        if let Some(status) = e.status {
            fields.insert("status".into(), status.to_string().into());
        }
        if let Some(d) = &e.digest {
            fields.insert("digest".into(), d.clone().into());
        }
        fields.insert("length".into(), e.length.to_string().into());
        fields.insert("offset".into(), e.offset.to_string().into());
        fields.insert("filename".into(), filename.into());
        lines.push(format!(
            "{key} {} {}",
            e.timestamp,
            serde_json::Value::Object(fields)
        ));
    }
    lines.sort();
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The SURT form of a URL (Sort-friendly URI Reordering Transform) that CDXJ
/// indexes are keyed by, as the `surt` library of pywb and cdxj-indexer makes it:
/// host labels reversed and comma-joined without `www`, `)` then the path and the
/// query with its parameters sorted, all lowercase, no scheme or fragment.
///
/// Twenty lines here rather than the `surt-rs` crate (0.1, one maintainer, regex
/// and lazy_static for the same work): what matters is that the key equals the one
/// pywb computes at replay, and `tests/replay.rs` checks every key of a real export
/// against the Python `cdxj-indexer` that pywb's tools use.
pub fn surt(url: &str) -> String {
    // `urn:dom:URL`, `urn:screenshot:URL` (rendered captures): keyed lower-cased,
    // not reordered, as cdxj-indexer keys them.
    if url.starts_with("urn:") {
        return url.to_ascii_lowercase();
    }
    let Ok(u) = url::Url::parse(url) else {
        return url.to_ascii_lowercase();
    };
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.reverse();
    let mut key = labels.join(",");
    if let Some(port) = u.port() {
        key.push_str(&format!(":{port}"));
    }
    key.push(')');
    key.push_str(&u.path().to_ascii_lowercase());
    if let Some(q) = u.query().filter(|q| !q.is_empty()) {
        let q = q.to_ascii_lowercase();
        let mut params: Vec<&str> = q.split('&').collect();
        params.sort_unstable();
        key.push('?');
        key.push_str(&params.join("&"));
    }
    key
}

/// `pages/pages.jsonl`: the header line, then each address captured with a 200 or
/// confirmed by a 304 (a revisit), at its last capture time.
fn pages_jsonl(index: &[IndexEntry], title: &str) -> (String, u64) {
    let mut last: BTreeMap<&str, &str> = BTreeMap::new();
    for e in index
        .iter()
        .filter(|e| e.status == Some(200) || e.mime == "warc/revisit")
    {
        let ts = last.entry(&e.url).or_insert(&e.timestamp);
        if e.timestamp.as_str() > *ts {
            *ts = &e.timestamp;
        }
    }
    let mut out = serde_json::json!({
        "format": "json-pages-1.0",
        "id": "pages",
        "title": title,
    })
    .to_string();
    out.push('\n');
    for (url, ts) in &last {
        let line = serde_json::json!({
            "id": hex::encode(&Sha256::digest(url.as_bytes())[..8]),
            "url": url,
            "ts": iso(ts),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    (out, last.len() as u64)
}

/// `YYYYMMDDhhmmss` as `YYYY-MM-DDThh:mm:ssZ`.
fn iso(ts: &str) -> String {
    if ts.len() != 14 {
        return ts.to_string();
    }
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &ts[0..4],
        &ts[4..6],
        &ts[6..8],
        &ts[8..10],
        &ts[10..12],
        &ts[12..14]
    )
}

/// Which store the bundle came from: its first log record's hash, its head and
/// length, and each scan's own log head, so the bundle can be matched to the store
/// (`evidence verify`) it was cut from.
fn chain(store: &Store, created: &str) -> Result<serde_json::Value, EvidenceError> {
    let first = store.log_record(0)?.map(|r| r.hash);
    let mut scans = Vec::new();
    for s in store.scans() {
        let s = s?;
        scans.push(serde_json::json!({
            "scan_id": s.scan_id,
            "started_at": s.started_at,
            "finished_at": s.finished_at,
            "log_head": s.log_head,
        }));
    }
    let anchors: Vec<serde_json::Value> = store
        .anchors()?
        .into_iter()
        .map(|a| {
            serde_json::json!({
                "file": format!("evidence/anchor-{}.tsr", a.head_seq),
                "tsa": a.tsa, "head_seq": a.head_seq, "head": a.head, "gen_time": a.gen_time,
                "check": format!("openssl ts -verify -in evidence/anchor-{}.tsr -digest {} -CAfile tsa-root.pem", a.head_seq, a.head),
            })
        })
        .collect();
    Ok(serde_json::json!({
        "timestamps": anchors,
        "store_first_record": first,
        "log_head": store.log_head(),
        "log_records": store.log_len(),
        "scans": scans,
        "exported_at": created,
        "exported_by": crate::actor::actor(None),
        "software": crate::TOOL,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surt_keys_sort_like_replay_tools_expect() {
        assert_eq!(
            surt("https://www.Example.com/Item/42?b=2&a=1#x"),
            "com,example)/item/42?a=1&b=2"
        );
        assert_eq!(
            surt("http://127.0.0.1:8080/item/7"),
            "1,0,0,127:8080)/item/7"
        );
        assert_eq!(
            surt("http://shop.example:8080/Item/42?Q=A%20b&a=1"),
            "example,shop:8080)/item/42?a=1&q=a%20b"
        );
        assert_eq!(iso("20261130221500"), "2026-11-30T22:15:00Z");
    }
}
