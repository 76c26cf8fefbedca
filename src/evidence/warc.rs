//! WARC/1.1 (ISO 28500) export of every capture in the store, so standard web-archive
//! tools can read and replay what brandguard saw.
//!
//! Written by hand rather than through the `warc` crate's writer: the records must be
//! built from the store's own capture records with digests computed over exactly the
//! bytes written, and the format of a record is a few header lines. The tests read
//! the file back with the `warc` crate, an independent reader.

use std::io::Write;

use data_encoding::BASE32;
use sha2::{Digest, Sha256};

use super::{Capture, EvidenceError, Store};
use crate::crawl::Page;

/// `sha256:BASE32`, the digest form WARC tools expect.
pub fn warc_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", BASE32.encode(&Sha256::digest(bytes)))
}

/// A stable record id from what it records, shaped like a UUID URN.
fn record_id(seed: &str) -> String {
    let h = hex::encode(Sha256::digest(seed.as_bytes()));
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Where records go: the file, each record its own gzip member when the file is a
/// `.warc.gz` (the WARC standard's annex: tools seek to a record by its offset).
struct Sink<'a, W: Write> {
    out: CountingWriter<'a, W>,
    gzip: bool,
}

impl<W: Write> Sink<'_, W> {
    /// Writes one record; returns its offset and length in the file (of its gzip
    /// member in a `.warc.gz`), what an index points replay tools at.
    fn record(
        &mut self,
        headers: &[(&str, String)],
        block: &[u8],
    ) -> Result<(u64, u64), EvidenceError> {
        let offset = self.out.n;
        let mut rec = String::from("WARC/1.1\r\n");
        for (k, v) in headers {
            // Header values come from pages and servers: no line breaks may pass.
            let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
            rec.push_str(&format!("{k}: {v}\r\n"));
        }
        rec.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
        let mut bytes = rec.into_bytes();
        bytes.extend_from_slice(block);
        bytes.extend_from_slice(b"\r\n\r\n");
        if self.gzip {
            let mut gz =
                flate2::write::GzEncoder::new(&mut self.out, flate2::Compression::default());
            gz.write_all(&bytes)?;
            gz.finish()?;
        } else {
            self.out.write_all(&bytes)?;
        }
        Ok((offset, self.out.n - offset))
    }
}

/// The response record a payload was first written in: what a later `304 Not
/// Modified` capture of it refers to.
struct Original {
    record_id: String,
    uri: String,
    date: String,
    payload_digest: String,
}

/// What an export wrote.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct WarcExport {
    pub responses: u64,
    /// Captures answered `304 Not Modified`, written as revisit records.
    pub revisits: u64,
    pub requests: u64,
    /// Redirects answered on the way to a capture, each a response record.
    pub redirects: u64,
    /// Rendered captures, each a DOM resource, a screenshot conversion and a
    /// metadata record.
    #[serde(default)]
    pub renders: u64,
    pub bytes: u64,
    /// Where each response and revisit record went: the index a WACZ carries.
    #[serde(skip)]
    pub index: Vec<IndexEntry>,
}

/// One response or revisit record of the file, as a CDXJ index line describes it.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub url: String,
    /// `WARC-Date` as 14 digits (`YYYYMMDDhhmmss`).
    pub timestamp: String,
    /// The HTTP status; none for a revisit, whose block holds no HTTP head.
    pub status: Option<u16>,
    /// The response's Content-Type; `warc/revisit` for a revisit, as replay tools
    /// index them.
    pub mime: String,
    /// The payload's `sha256:BASE32` digest (a revisit's: the original's).
    pub digest: Option<String>,
    pub offset: u64,
    pub length: u64,
}

/// Writes a warcinfo record, then a request and a response record per capture;
/// uncompressed.
pub fn export(store: &Store, out: &mut impl Write) -> Result<WarcExport, EvidenceError> {
    export_to(store, out, false)
}

/// [`export`], each record a gzip member (a `.warc.gz` file).
pub fn export_gzip(store: &Store, out: &mut impl Write) -> Result<WarcExport, EvidenceError> {
    export_to(store, out, true)
}

/// A capture answered `304 Not Modified` is written as a `revisit` record (profile
/// server-not-modified) referring to the response that first held its bytes, as
/// the WARC standard says: replay tools then serve that night the original bytes,
/// never an empty 304.
fn export_to(store: &Store, out: &mut impl Write, gzip: bool) -> Result<WarcExport, EvidenceError> {
    let mut sink = Sink {
        out: CountingWriter { inner: out, n: 0 },
        gzip,
    };
    let mut stats = WarcExport::default();
    let mut originals: std::collections::HashMap<String, Original> = Default::default();
    write_warcinfo(store, &mut sink)?;
    // Capture record seq → the id of its response or revisit record, which the
    // records of a later rendered capture of that page name.
    let mut written: std::collections::HashMap<u64, String> = Default::default();
    for rec in store.log() {
        let rec = rec?;
        if rec.kind == super::RENDER_KIND {
            write_render(store, &mut sink, &rec, &written, &mut stats)?;
            continue;
        }
        if rec.kind != "capture" {
            continue;
        }
        let c: Capture =
            serde_json::from_value(rec.payload.clone()).map_err(|e| EvidenceError::Corrupt {
                tree: "log",
                key: rec.seq.to_string(),
                message: format!("capture record unreadable: {e}"),
            })?;
        let body = store
            .snapshot(&c.snapshot.sha256)?
            .ok_or_else(|| EvidenceError::Corrupt {
                tree: "snapshots",
                key: c.snapshot.sha256.clone(),
                message: format!("missing, but capture record {} refers to it", rec.seq),
            })?;
        // Redirects first, each a request and a response of its own, as they happened.
        for (i, hop) in c.page.redirects.iter().enumerate() {
            let hop = hop.as_page(&c.page.user_agent);
            let seed = format!("{}.hop{i}", rec.seq);
            let request_id = write_request(&mut sink, &seed, &hop)?;
            write_response(&mut sink, &seed, &hop, &hop.body, request_id, &mut stats)?;
            stats.requests += 1;
            stats.redirects += 1;
        }
        let request_id = write_request(&mut sink, &rec.seq.to_string(), &c.page)?;
        stats.requests += 1;
        // A 304 confirms the last 200 at the same address: its validators were the
        // ones sent.
        let key = c.page.final_url.to_string();
        if c.page.status == 304 {
            write_revisit(
                &mut sink,
                rec.seq,
                &c.page,
                request_id,
                originals.get(&key),
                &mut stats,
            )?;
            written.insert(rec.seq, record_id(&format!("revisit {}", rec.seq)));
            stats.revisits += 1;
        } else {
            let id = write_response(
                &mut sink,
                &rec.seq.to_string(),
                &c.page,
                &body,
                request_id,
                &mut stats,
            )?;
            stats.responses += 1;
            written.insert(rec.seq, id.clone());
            if c.page.status == 200 {
                originals.insert(
                    key.clone(),
                    Original {
                        record_id: id,
                        uri: key,
                        date: warc_date(&c.page),
                        payload_digest: warc_digest(&body),
                    },
                );
            }
        }
    }
    stats.bytes = sink.out.n;
    Ok(stats)
}

/// A rendered capture: the DOM after scripts ran as a `resource` record
/// (`urn:dom:URL`), the screenshot as a `conversion` record (`urn:screenshot:URL`)
/// and how they were taken as a `metadata` record, each `WARC-Concurrent-To` (and
/// the conversion `WARC-Refers-To`) the response or revisit of the capture whose
/// page was rendered again. Their own URIs keep replay of the page on its bytes.
fn write_render<W: Write>(
    store: &Store,
    out: &mut Sink<W>,
    rec: &super::LogRecord,
    written: &std::collections::HashMap<u64, String>,
    stats: &mut WarcExport,
) -> Result<(), EvidenceError> {
    let r: super::RenderRecord =
        serde_json::from_value(rec.payload.clone()).map_err(|e| EvidenceError::Corrupt {
            tree: "log",
            key: rec.seq.to_string(),
            message: format!("rendered_capture record unreadable: {e}"),
        })?;
    let part = |sha: &str, what: &str| {
        store.snapshot(sha)?.ok_or_else(|| EvidenceError::Corrupt {
            tree: "snapshots",
            key: sha.to_string(),
            message: format!(
                "missing, but rendered_capture {} names it as its {what}",
                rec.seq
            ),
        })
    };
    let (dom, png) = (part(&r.dom.sha256, "DOM")?, part(&r.png.sha256, "PNG")?);
    let date = r
        .meta
        .finished_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let url = r.meta.url.to_string();
    let mut common: Vec<(&str, String)> = vec![("WARC-Date", date)];
    if let Some(id) = written.get(&r.capture_log_seq) {
        common.push(("WARC-Concurrent-To", id.clone()));
    }
    let seq = rec.seq;
    let mut dom_headers = vec![
        ("WARC-Type", "resource".to_string()),
        ("WARC-Record-ID", record_id(&format!("dom {seq}"))),
        ("WARC-Target-URI", format!("urn:dom:{url}")),
        ("Content-Type", "text/html; charset=utf-8".into()),
        ("WARC-Block-Digest", warc_digest(&dom)),
    ];
    dom_headers.extend(common.iter().cloned());
    let timestamp = r.meta.finished_at.format("%Y%m%d%H%M%S").to_string();
    // The DOM and the metadata are indexed (as cdxj-indexer does: resource and
    // metadata records, not conversions), so a WACZ's index finds them.
    let (offset, length) = out.record(&dom_headers, &dom)?;
    stats.index.push(IndexEntry {
        url: format!("urn:dom:{url}"),
        timestamp: timestamp.clone(),
        status: None,
        mime: "text/html".into(),
        digest: Some(warc_digest(&dom)),
        offset,
        length,
    });
    let mut png_headers = vec![
        ("WARC-Type", "conversion".to_string()),
        ("WARC-Record-ID", record_id(&format!("screenshot {seq}"))),
        ("WARC-Target-URI", format!("urn:screenshot:{url}")),
        ("Content-Type", "image/png".into()),
        ("WARC-Block-Digest", warc_digest(&png)),
    ];
    if let Some(id) = written.get(&r.capture_log_seq) {
        png_headers.push(("WARC-Refers-To", id.clone()));
    }
    png_headers.extend(common.iter().cloned());
    out.record(&png_headers, &png)?;
    let meta = serde_json::to_vec_pretty(&r.meta).unwrap_or_default();
    let mut meta_headers = vec![
        ("WARC-Type", "metadata".to_string()),
        ("WARC-Record-ID", record_id(&format!("render {seq}"))),
        ("WARC-Target-URI", format!("urn:screenshot:{url}")),
        ("WARC-Refers-To", record_id(&format!("screenshot {seq}"))),
        ("Content-Type", "application/json".into()),
        ("WARC-Block-Digest", warc_digest(&meta)),
    ];
    meta_headers.extend(common);
    let (offset, length) = out.record(&meta_headers, &meta)?;
    stats.index.push(IndexEntry {
        url: format!("urn:screenshot:{url}"),
        timestamp,
        status: None,
        mime: "application/json".into(),
        digest: Some(warc_digest(&meta)),
        offset,
        length,
    });
    stats.renders += 1;
    Ok(())
}

/// The file's first record: what wrote it, for whom, from which store and scans,
/// and how it crawled (the robots policy and the user agent it announced).
fn write_warcinfo<W: Write>(store: &Store, out: &mut Sink<W>) -> Result<(), EvidenceError> {
    let mut info = format!(
        "software: {}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
        crate::TOOL
    );
    info.push_str(&format!("operator: {}\r\n", crate::actor::actor(None)));
    if let Some(first) = store.log_record(0)? {
        info.push_str(&format!(
            "isPartOf: brandguard evidence store {} (log of {} records, head {})\r\n",
            first.hash,
            store.log_len(),
            store.log_head()
        ));
    }
    info.push_str(
        "robots: obey (robots.txt per RFC 9309, Crawl-delay honoured, per-host rate limits)\r\n",
    );
    if let Some(ua) = store.log().filter_map(Result::ok).find_map(|r| {
        (r.kind == "capture")
            .then(|| r.payload["page"]["user_agent"].as_str().map(str::to_string))
            .flatten()
    }) {
        info.push_str(&format!("http-header-user-agent: {ua}\r\n"));
    }
    for scan in store.scans() {
        let scan = scan?;
        info.push_str(&format!(
            "scan: {} started {} finished {} by {} targets {} log head {}\r\n",
            scan.scan_id,
            scan.started_at.format("%Y-%m-%dT%H:%M:%SZ"),
            scan.finished_at
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_else(|| "never (interrupted)".into()),
            scan.tool,
            scan.targets,
            scan.log_head.as_deref().unwrap_or("-")
        ));
    }
    out.record(
        &[
            ("WARC-Type", "warcinfo".into()),
            (
                "WARC-Record-ID",
                record_id(&format!("warcinfo {}", store.log_head())),
            ),
            (
                "WARC-Date",
                chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            ),
            ("Content-Type", "application/warc-fields".into()),
        ],
        info.as_bytes(),
    )?;
    Ok(())
}

/// The request of capture `seq`, as sent (method, target, host, our
/// User-Agent); returns its record id.
fn write_request<W: Write>(
    out: &mut Sink<W>,
    seq: &str,
    p: &Page,
) -> Result<String, EvidenceError> {
    let target = match p.final_url.query() {
        Some(q) => format!("{}?{q}", p.final_url.path()),
        None => p.final_url.path().to_string(),
    };
    let host = match p.final_url.port() {
        Some(port) => format!("{}:{port}", p.final_url.host_str().unwrap_or("")),
        None => p.final_url.host_str().unwrap_or("").to_string(),
    };
    // The headers actually sent, kept at capture time (a revalidation's
    // If-None-Match / If-Modified-Since included); older records kept only the
    // user agent.
    let mut request = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n");
    if p.request_headers.is_empty() {
        request.push_str(&format!("User-Agent: {}\r\n", p.user_agent));
    }
    for (k, v) in &p.request_headers {
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    let request_id = record_id(&format!("request {seq}"));
    out.record(
        &[
            ("WARC-Type", "request".into()),
            ("WARC-Record-ID", request_id.clone()),
            ("WARC-Date", warc_date(p)),
            ("WARC-Target-URI", p.final_url.to_string()),
            ("Content-Type", "application/http;msgtype=request".into()),
            ("WARC-Block-Digest", warc_digest(request.as_bytes())),
            ("WARC-Protocol", protocol(p)),
        ],
        request.as_bytes(),
    )?;
    Ok(request_id)
}

/// The response of capture `seq`: status line and headers as received, then the
/// exact body. The body is stored de-chunked, so Transfer-Encoding is dropped and
/// the Content-Length set to what follows, keeping the record replayable.
fn write_response<W: Write>(
    out: &mut Sink<W>,
    seq: &str,
    p: &Page,
    body: &[u8],
    request_id: String,
    stats: &mut WarcExport,
) -> Result<String, EvidenceError> {
    let mut block = http_head(p, Some(body.len())).into_bytes();
    block.extend_from_slice(body);
    let id = record_id(&format!("response {seq}"));
    let mut headers = vec![
        ("WARC-Type", "response".to_string()),
        ("WARC-Record-ID", id.clone()),
        ("WARC-Date", warc_date(p)),
        ("WARC-Target-URI", p.final_url.to_string()),
        ("WARC-Concurrent-To", request_id),
        ("WARC-Protocol", protocol(p)),
        ("Content-Type", "application/http;msgtype=response".into()),
        ("WARC-Payload-Digest", warc_digest(body)),
        ("WARC-Block-Digest", warc_digest(&block)),
    ];
    if let Some(ip) = p
        .remote_addr
        .as_deref()
        .and_then(|a| a.parse::<std::net::SocketAddr>().ok())
    {
        headers.push(("WARC-IP-Address", ip.ip().to_string()));
    }
    if p.truncated {
        headers.push(("WARC-Truncated", "length".into()));
    }
    let (offset, length) = out.record(&headers, &block)?;
    stats.index.push(IndexEntry {
        url: p.final_url.to_string(),
        timestamp: timestamp14(p),
        status: Some(p.status),
        mime: p
            .content_type()
            .map(|c| c.split(';').next().unwrap_or("").trim().to_string())
            .unwrap_or_default(),
        digest: Some(warc_digest(body)),
        offset,
        length,
    });
    Ok(id)
}

/// The status line and headers as received; with a body, Transfer-Encoding dropped
/// and Content-Length set to the stored (de-chunked) body, keeping it replayable.
fn http_head(p: &Page, body_len: Option<usize>) -> String {
    let mut http = format!("HTTP/1.1 {} {}\r\n", p.status, reason(p.status));
    for (k, v) in &p.headers {
        if body_len.is_some()
            && (k.eq_ignore_ascii_case("transfer-encoding")
                || k.eq_ignore_ascii_case("content-length"))
        {
            continue;
        }
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        http.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(n) = body_len {
        http.push_str(&format!("Content-Length: {n}\r\n"));
    }
    http.push_str("\r\n");
    http
}

/// A `304 Not Modified` capture: a revisit record (profile server-not-modified) at
/// its own time, referring to the response whose bytes it confirms (by record id,
/// URI, date and payload digest), then a metadata record with the 304's own status
/// line and headers as received.
///
/// The revisit's block is left empty, which the standard allows: replay tools
/// (pywb among them) then take status, headers and payload from the original and
/// serve that night the page the server confirmed unchanged; a revisit whose block
/// held the `304` head is served as an empty 304. The 304 head is not lost: it is
/// the metadata record's content (`application/warc-fields`, which indexers leave
/// out of replay).
fn write_revisit<W: Write>(
    out: &mut Sink<W>,
    seq: u64,
    p: &Page,
    request_id: String,
    original: Option<&Original>,
    stats: &mut WarcExport,
) -> Result<(), EvidenceError> {
    let revisit_id = record_id(&format!("revisit {seq}"));
    let mut headers = vec![
        ("WARC-Type", "revisit".to_string()),
        ("WARC-Record-ID", revisit_id.clone()),
        ("WARC-Date", warc_date(p)),
        ("WARC-Target-URI", p.final_url.to_string()),
        ("WARC-Concurrent-To", request_id),
        (
            "WARC-Profile",
            "http://netpreserve.org/warc/1.1/revisit/server-not-modified".into(),
        ),
        ("WARC-Protocol", protocol(p)),
        ("WARC-Block-Digest", warc_digest(b"")),
    ];
    if let Some(o) = original {
        headers.push(("WARC-Payload-Digest", o.payload_digest.clone()));
        headers.push(("WARC-Refers-To", o.record_id.clone()));
        headers.push(("WARC-Refers-To-Target-URI", o.uri.clone()));
        headers.push(("WARC-Refers-To-Date", o.date.clone()));
    }
    let (offset, length) = out.record(&headers, b"")?;
    stats.index.push(IndexEntry {
        url: p.final_url.to_string(),
        timestamp: timestamp14(p),
        status: None,
        mime: "warc/revisit".into(),
        digest: original.map(|o| o.payload_digest.clone()),
        offset,
        length,
    });
    // The 304 as received: status line and every header, one field each.
    let mut fields = format!(
        "http-response-status: {}\r\n",
        http_head(p, None).lines().next().unwrap_or("")
    );
    for (k, v) in &p.headers {
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        fields.push_str(&format!("http-response-header: {k}: {v}\r\n"));
    }
    fields.push_str(
        "description: the server answered 304 Not Modified to a conditional request made with the validators of the record WARC-Refers-To names; the page was unchanged\r\n",
    );
    out.record(
        &[
            ("WARC-Type", "metadata".to_string()),
            ("WARC-Record-ID", record_id(&format!("revisit-head {seq}"))),
            ("WARC-Date", warc_date(p)),
            ("WARC-Target-URI", p.final_url.to_string()),
            ("WARC-Refers-To", revisit_id),
            ("WARC-Concurrent-To", record_id(&format!("request {seq}"))),
            ("Content-Type", "application/warc-fields".into()),
            ("WARC-Block-Digest", warc_digest(fields.as_bytes())),
        ],
        fields.as_bytes(),
    )?;
    Ok(())
}

/// The protocol the exchange really used (the IIPC's proposed `WARC-Protocol`
/// field): `h2` or `http/1.1`. The record's message is written in HTTP/1.1 form
/// either way, as replay tools read it.
fn protocol(p: &Page) -> String {
    match p.http_version.as_deref() {
        Some("HTTP/2.0") => "h2".into(),
        Some("HTTP/1.0") => "http/1.0".into(),
        _ => "http/1.1".into(),
    }
}

fn warc_date(p: &Page) -> String {
    p.sent_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn timestamp14(p: &Page) -> String {
    p.sent_at.format("%Y%m%d%H%M%S").to_string()
}

struct CountingWriter<'a, W: Write> {
    inner: &'a mut W,
    n: u64,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.n += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
