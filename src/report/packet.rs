//! Complaint packets: one folder (and the same as a .zip) per case revision, holding
//! what the marketplace's form asks for, the evidence and a manifest of hashes.
//!
//! The wording lives in `templates/packet/` (HTML templates and `statements.toml`);
//! see [`super::templates`] for how a brand replaces it.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{ReportError, templates};
use crate::case::{self, Case, EnforcementPath, PacketRevision};
use crate::config::{ComplaintFormat, Config};
use crate::evidence::{FindingRecord, Observation, Store, sha256_hex};
use crate::judge::FindingKind;
use crate::sanitize::{csv_cell, file_name, terminal};

/// Page text longer than this is cut in packets, with a note.
const MAX_TEXT: usize = 300;

/// One field of a complaint form: the form's label, the value and where it came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormField {
    pub id: String,
    pub label: String,
    pub value: Option<String>,
    /// Where the value comes from (`brand.toml [brand.owner] email`, `findings`).
    pub source: String,
}

/// One file of a packet, as listed in its manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// One capture in a packet, pinned to its place in the evidence log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestCapture {
    pub listing: String,
    pub file: String,
    pub snapshot_sha256: String,
    pub capture_log_seq: u64,
    pub capture_record_hash: String,
    pub observation_log_seq: u64,
    pub observation_record_hash: String,
    /// The capture's HTTP status: 304 means the server confirmed the page unchanged
    /// since the capture the snapshot comes from.
    pub capture_status: u16,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub case_id: String,
    pub revision: u32,
    pub format: String,
    pub path: String,
    pub built_at: chrono::DateTime<Utc>,
    pub tool: String,
    pub store_log_head: String,
    pub store_log_len: u64,
    pub fields: Vec<FormField>,
    pub missing: Vec<String>,
    pub captures: Vec<ManifestCapture>,
    pub files: Vec<ManifestFile>,
}

/// A packet as written.
#[derive(Debug, Clone, Serialize)]
pub struct Packet {
    pub case_id: String,
    pub revision: u32,
    pub format: String,
    pub dir: PathBuf,
    pub zip: PathBuf,
    pub manifest_sha256: String,
    pub files: usize,
    pub missing: Vec<String>,
}

/// What `packet verify` checked.
#[derive(Debug, Clone, Serialize)]
pub struct PacketCheck {
    pub case_id: String,
    pub revision: u32,
    pub files: usize,
    pub captures_checked_against_store: usize,
    pub manifest_sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PacketError {
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Case(#[from] case::CaseError),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("{path} already exists: packets are never overwritten (build a new revision instead)")]
    Exists { path: PathBuf },
    #[error("packet {path}: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Zip {
        path: String,
        source: zip::result::ZipError,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PacketError + '_ {
    move |source| {
        PacketError::Report(ReportError::Write {
            path: path.display().to_string(),
            source,
        })
    }
}

fn render(
    env: &minijinja::Environment,
    name: &str,
    ctx: &serde_json::Value,
) -> Result<String, PacketError> {
    let t = env.get_template(name).map_err(|e| PacketError::Template {
        name: name.into(),
        message: e.to_string(),
    })?;
    t.render(minijinja::value::Serde(ctx))
        .map_err(|e| PacketError::Template {
            name: name.into(),
            message: format!("{e:#}"),
        })
}

fn field(id: &str, label: &str, value: Option<String>, source: &str) -> FormField {
    FormField {
        id: id.into(),
        label: label.into(),
        value: value.filter(|v| !v.trim().is_empty()),
        source: source.into(),
    }
}

/// The listings of a case and the observations that show its findings.
struct Evidence {
    listing: String,
    records: Vec<FindingRecord>,
    observations: Vec<Observation>,
}

fn gather(store: &Store, c: &Case) -> Result<Vec<Evidence>, PacketError> {
    // Open findings are what a filing is about; a case with none (resolved) still
    // documents all of them.
    let keys = if c.open_findings.is_empty() {
        &c.findings
    } else {
        &c.open_findings
    };
    let mut by_listing: BTreeMap<String, Vec<FindingRecord>> = BTreeMap::new();
    for k in keys {
        if let Some(f) = store
            .finding(&crate::evidence::finding_key_of_printable(k))
            .map_err(ReportError::from)?
        {
            by_listing
                .entry(format!(
                    "{}/{}",
                    f.finding.marketplace, f.finding.listing_id
                ))
                .or_default()
                .push(f);
        }
    }
    let mut out = Vec::new();
    for (listing, records) in by_listing {
        let first = &records[0].finding;
        let kinds: Vec<FindingKind> = records.iter().map(|r| r.finding.kind).collect();
        let observations = store
            .history(&first.marketplace, &first.listing_id)
            .map_err(ReportError::from)?
            .into_iter()
            .filter(|o| o.findings.iter().any(|k| kinds.contains(k)))
            .collect();
        out.push(Evidence {
            listing,
            records,
            observations,
        });
    }
    Ok(out)
}

/// The packet's kind: the marketplace's form for complaints, else the letter.
fn document(c: &Case, format: ComplaintFormat) -> (&'static str, &'static str) {
    match c.path.path {
        EnforcementPath::DistributorNotice => ("distributor_notice", "Distributor notice"),
        EnforcementPath::CeaseAndDesist => ("cease_and_desist", "Cease-and-desist letter"),
        EnforcementPath::MarketplaceComplaint => match format {
            ComplaintFormat::Amazon => ("amazon", "Amazon Brand Registry — Report a Violation"),
            ComplaintFormat::EbayVero => {
                ("ebay_vero", "eBay VeRO — Notice of Claimed Infringement")
            }
            ComplaintFormat::Alibaba => ("alibaba", "Alibaba IP Protection Platform complaint"),
            ComplaintFormat::Generic => ("generic", "Notice of trademark infringement"),
        },
    }
}

/// Builds the next revision of case `case_id`'s packet under `out`.
pub fn build(
    config: &Config,
    store: &Store,
    case_id: &str,
    format: Option<ComplaintFormat>,
    out: &Path,
) -> Result<Packet, PacketError> {
    let c = case::get(store, case_id)?;
    let brand = &config.brand;
    let market = config.marketplace(&c.marketplace);
    let format = format
        .or(market.map(|m| m.complaint_format))
        .unwrap_or_default();
    let (doc, title) = document(&c, format);
    let revision = c.packets.len() as u32 + 1;
    let seller_name = c
        .seller_name
        .as_deref()
        .or(c.seller_id.as_deref())
        .unwrap_or("?");
    let name = format!(
        "{}-{}-r{revision}",
        c.id,
        file_name(&format!("{}-{}", c.marketplace, seller_name), 60)
    );
    let dir = out.join(&name);
    let zip_path = out.join(format!("{name}.zip"));
    for p in [&dir, &zip_path] {
        if p.exists() {
            return Err(PacketError::Exists { path: p.clone() });
        }
    }
    let evidence = gather(store, &c)?;
    let previous = c.packets.last().cloned();
    let env = templates::environment(&config.dir, "packet");
    let statements: BTreeMap<String, BTreeMap<String, String>> =
        templates::text(&config.dir, "packet", "statements.toml")
            .map(|t| toml::from_str(&t))
            .transpose()
            .map_err(|e| PacketError::Template {
                name: "statements.toml".into(),
                message: e.to_string(),
            })?
            .unwrap_or_default();
    let statement_key = if doc == "cease_and_desist" || doc == "distributor_notice" {
        "generic"
    } else {
        doc
    };
    let statements = statements.get(statement_key).cloned().unwrap_or_default();

    // Files of the packet: path inside the packet → bytes.
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut captures = Vec::new();
    let mut listings_ctx = Vec::new();
    let mut csv_rows = Vec::new();
    for e in &evidence {
        let first = &e.records[0].finding;
        let folder = format!(
            "evidence/{}",
            file_name(&format!("{}-{}", first.marketplace, first.listing_id), 80)
        );
        let mut caps = Vec::new();
        for o in &e.observations {
            let Some(body) = store
                .snapshot(&o.snapshot.sha256)
                .map_err(ReportError::from)?
            else {
                continue;
            };
            let page_file = format!("{folder}/page-{}.html", o.log_seq);
            let fields_file = format!("{folder}/fields-{}.json", o.log_seq);
            let capture_file = format!("{folder}/capture-{}.json", o.log_seq);
            files.insert(page_file.clone(), body);
            files.insert(
                fields_file,
                serde_json::to_vec_pretty(&serde_json::json!({
                    "listing": o.listing, "sku_match": o.sku_match, "findings": o.findings,
                    "notes": o.notes, "promotion": o.promotion, "observed_at": o.at(),
                }))
                .unwrap_or_default(),
            );
            let capture_rec = store
                .log_record(o.capture_log_seq)
                .map_err(ReportError::from)?;
            let capture_rec_status = capture_rec
                .as_ref()
                .and_then(|r| r.payload.pointer("/page/status").and_then(|v| v.as_u64()))
                .unwrap_or(0) as u16;
            let obs_rec = store.log_record(o.log_seq).map_err(ReportError::from)?;
            files.insert(
                capture_file,
                serde_json::to_vec_pretty(&serde_json::json!({
                    "url": o.page.url, "final_url": o.page.final_url, "status": o.page.status,
                    "headers": o.page.headers, "sent_at": o.page.sent_at, "received_at": o.page.received_at,
                    "remote_addr": o.page.remote_addr, "user_agent": o.page.user_agent,
                    "snapshot_sha256": o.snapshot.sha256, "capture_log_seq": o.capture_log_seq,
                    "observation_log_seq": o.log_seq, "scan_id": o.scan_id,
                }))
                .unwrap_or_default(),
            );
            captures.push(ManifestCapture {
                listing: e.listing.clone(),
                file: page_file.clone(),
                snapshot_sha256: o.snapshot.sha256.clone(),
                capture_log_seq: o.capture_log_seq,
                capture_record_hash: capture_rec.map(|r| r.hash).unwrap_or_default(),
                observation_log_seq: o.log_seq,
                observation_record_hash: obs_rec.map(|r| r.hash).unwrap_or_default(),
                capture_status: capture_rec_status,
            });
            caps.push(serde_json::json!({
                "at": o.page.received_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                "price": o.listing.price.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                "file": page_file,
                "sha256": o.snapshot.sha256,
                "new": previous.as_ref().is_some_and(|p| o.log_seq >= p.log_len),
            }));
        }
        let latest = e.observations.last();
        let title_text = latest
            .and_then(|o| o.listing.title.clone())
            .unwrap_or_default();
        let price = first
            .observed
            .as_ref()
            .map(|p| p.to_string())
            .unwrap_or_default();
        let floor = first
            .floor
            .as_ref()
            .map(|p| p.to_string())
            .or_else(|| {
                e.records
                    .iter()
                    .find_map(|r| r.finding.floor.as_ref().map(|p| p.to_string()))
            })
            .unwrap_or_default();
        let first_seen = e
            .records
            .iter()
            .map(|r| r.first_seen)
            .min()
            .unwrap_or_else(Utc::now);
        let last_seen = e
            .records
            .iter()
            .map(|r| r.last_seen)
            .max()
            .unwrap_or_else(Utc::now);
        let kinds: Vec<&str> = e.records.iter().map(|r| r.finding.kind.as_str()).collect();
        listings_ctx.push(serde_json::json!({
            "marketplace": first.marketplace,
            "listing_id": terminal(&first.listing_id, 80),
            "url": first.url,
            "title": terminal(&title_text, MAX_TEXT),
            "sku": first.sku,
            "price": price,
            "floor": floor,
            "first_seen": first_seen.format("%Y-%m-%d").to_string(),
            "last_seen": last_seen.format("%Y-%m-%d").to_string(),
            "kinds": kinds,
            "details": e.records.iter().map(|r| terminal(&r.finding.detail, MAX_TEXT)).collect::<Vec<_>>(),
            "captures": caps,
        }));
        csv_rows.push(vec![
            first.marketplace.clone(),
            first.listing_id.clone(),
            first.url.clone(),
            terminal(&title_text, MAX_TEXT),
            terminal(seller_name, MAX_TEXT),
            first.seller_id.clone().unwrap_or_default(),
            first.sku.clone(),
            price,
            floor,
            kinds.join(" "),
            first_seen.to_rfc3339(),
            last_seen.to_rfc3339(),
        ]);
    }

    let fields = form_fields(config, &c, doc, &evidence, &statements);
    let missing: Vec<String> = fields
        .iter()
        .filter(|f| f.value.is_none())
        .map(|f| format!("{} ({}): set {}", f.label, f.id, f.source))
        .collect();
    let owner = brand.owner.clone();
    let rejection = c
        .pending_rejection()
        .or(c.rejections.last())
        .filter(|_| previous.is_some())
        .map(|r| {
            serde_json::json!({
                "reason": terminal(r.reason.as_deref().unwrap_or(""), 2000),
                "at": r.at.format("%Y-%m-%d").to_string(),
                "reference": r.reference,
                "revision": previous.as_ref().map(|p| p.revision),
            })
        });
    let built_at = Utc::now();
    let ctx = serde_json::json!({
        "packet": {
            "case_id": c.id, "revision": revision, "format_title": title,
            "built_at": built_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            "date": built_at.format("%Y-%m-%d").to_string(),
            "tool": crate::TOOL, "log_head": store.log_head(),
        },
        "brand": brand.name,
        "owner": owner,
        "trademarks": brand.trademarks,
        "seller": {"name": terminal(seller_name, MAX_TEXT), "id": terminal(c.seller_id.as_deref().unwrap_or("?"), MAX_TEXT)},
        "distributor": c.authorized_seller,
        "marketplace": c.marketplace,
        "marketplace_url": market.map(|m| m.base_url.to_string()).unwrap_or_default(),
        "priority": format!("{:?}", c.path.priority).to_lowercase(),
        "listings": listings_ctx,
        "fields": fields,
        "missing": missing,
        "statements": statements,
        "rejection": rejection,
    });
    files.insert(
        "cover.html".into(),
        render(&env, &format!("{doc}.html"), &ctx)?.into_bytes(),
    );
    files.insert(
        "form.json".into(),
        serde_json::to_vec_pretty(&serde_json::json!({
            "form": title, "case_id": c.id, "revision": revision, "path": c.path.path.as_str(),
            "path_reason": c.path.reason, "fields": fields, "missing": missing,
        }))
        .unwrap_or_default(),
    );
    if doc == "ebay_vero" {
        files.insert(
            "api/vero_report.json".into(),
            serde_json::to_vec_pretty(&vero_request(config, &c, &evidence)).unwrap_or_default(),
        );
    }
    let mut csv = csv::Writer::from_writer(Vec::new());
    let header = [
        "marketplace",
        "listing_id",
        "url",
        "title",
        "seller",
        "seller_id",
        "sku",
        "advertised",
        "floor",
        "findings",
        "first_seen",
        "last_seen",
    ];
    let csv_bytes = (|| -> Result<Vec<u8>, csv::Error> {
        csv.write_record(header)?;
        for row in &csv_rows {
            csv.write_record(row.iter().map(|c| csv_cell(c)))?;
        }
        csv.into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    })()
    .map_err(|source| ReportError::Csv {
        path: "listings.csv".into(),
        source,
    })?;
    files.insert("listings.csv".into(), csv_bytes);

    let manifest = Manifest {
        case_id: c.id.clone(),
        revision,
        format: doc.into(),
        path: c.path.path.as_str().into(),
        built_at,
        tool: crate::TOOL.into(),
        store_log_head: store.log_head(),
        store_log_len: store.log_len(),
        fields,
        missing: missing.clone(),
        captures,
        files: files
            .iter()
            .map(|(p, b)| ManifestFile {
                path: p.clone(),
                sha256: sha256_hex(b),
                bytes: b.len() as u64,
            })
            .collect(),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    let manifest_sha256 = sha256_hex(&manifest_bytes);
    files.insert("manifest.json".into(), manifest_bytes);

    // Written to a temporary name first, then renamed: a crash leaves no half packet
    // under the final name.
    let tmp = out.join(format!(".{name}.partial"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    for (p, bytes) in &files {
        let path = tmp.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    let zip_tmp = out.join(format!(".{name}.zip.partial"));
    write_zip(&zip_tmp, &files)?;
    std::fs::rename(&tmp, &dir).map_err(io(&dir))?;
    std::fs::rename(&zip_tmp, &zip_path).map_err(io(&zip_path))?;

    case::packet_built(
        store,
        &c.id,
        PacketRevision {
            revision,
            format: doc.into(),
            built_at,
            manifest_sha256: manifest_sha256.clone(),
            log_len: store.log_len(),
        },
    )?;
    Ok(Packet {
        case_id: c.id,
        revision,
        format: doc.into(),
        dir,
        zip: zip_path,
        manifest_sha256,
        files: files.len(),
        missing,
    })
}

fn write_zip(path: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), PacketError> {
    let zerr = |source| PacketError::Zip {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::create(path).map_err(io(path))?;
    let mut z = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (p, bytes) in files {
        z.start_file(p.as_str(), opts).map_err(zerr)?;
        z.write_all(bytes).map_err(io(path))?;
    }
    z.finish().map_err(zerr)?;
    Ok(())
}

/// Every field the form asks for, with its value and source.
fn form_fields(
    config: &Config,
    c: &Case,
    doc: &str,
    evidence: &[Evidence],
    statements: &BTreeMap<String, String>,
) -> Vec<FormField> {
    let b = &config.brand;
    let o = b.owner.as_ref();
    let owner = |f: fn(&crate::config::RightsOwner) -> Option<String>| o.and_then(f);
    let tm = b
        .trademarks
        .iter()
        .find(|t| doc != "alibaba" || t.office == "CNIPA")
        .or(b.trademarks.first());
    let tm_all = b
        .trademarks
        .iter()
        .map(|t| {
            format!(
                "{} — {} reg. no. {}, class {}",
                t.mark,
                t.office,
                t.number,
                t.classes
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let urls = evidence
        .iter()
        .map(|e| e.records[0].finding.url.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let ids = evidence
        .iter()
        .map(|e| e.records[0].finding.listing_id.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let prices = evidence
        .iter()
        .map(|e| {
            let f = &e.records[0];
            format!(
                "{}: {} (seen {} to {})",
                f.finding.listing_id,
                f.finding
                    .observed
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "no price".into()),
                f.first_seen.format("%Y-%m-%d"),
                f.last_seen.format("%Y-%m-%d")
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let counterfeit = evidence.iter().any(|e| {
        e.records
            .iter()
            .any(|r| r.finding.kind == FindingKind::SuspectedCounterfeit)
    });
    let seller = terminal(c.seller_name.as_deref().unwrap_or(""), MAX_TEXT);
    let seller_id = c.seller_id.clone().map(|s| terminal(&s, MAX_TEXT));
    let program = |k: &str| b.enforcement.program_ids.get(k).cloned();
    let grounds = b.enforcement.complaint_grounds(&c.marketplace);
    let reason_en = if counterfeit {
        "Trademark infringement: the item is a counterfeit of a product bearing the registered trademark".to_string()
    } else {
        format!(
            "Trademark infringement{}",
            grounds
                .as_ref()
                .map(|g| format!(" ({g})"))
                .unwrap_or_default()
        )
    };
    let src_owner = "brand.toml [brand.owner]";
    let mut f = Vec::new();
    match doc {
        "amazon" => {
            f.push(field(
                "brand",
                "Brand name",
                Some(b.name.clone()),
                "brand.toml [brand] name",
            ));
            f.push(field(
                "rights_owner",
                "Rights owner",
                owner(|o| Some(o.company.clone())),
                &format!("{src_owner} company"),
            ));
            f.push(field(
                "brand_registry_account",
                "Brand Registry account",
                program("amazon"),
                "brand.toml [enforcement] program_ids.amazon",
            ));
            f.push(field(
                "contact_email",
                "Contact email",
                owner(|o| o.email.clone()),
                &format!("{src_owner} email"),
            ));
            f.push(field(
                "issue_type",
                "What is the issue?",
                Some(if counterfeit {
                    "Trademark — counterfeit product".into()
                } else {
                    "Trademark — trademark infringement".to_string()
                }),
                "case findings",
            ));
            f.push(field(
                "trademark_registration",
                "Trademark registration number",
                tm.map(|t| t.number.clone()),
                "brand.toml [[trademark]] number",
            ));
            f.push(field(
                "trademark_office",
                "Trademark office and classes",
                tm.map(|t| {
                    format!(
                        "{}, class {}",
                        t.office,
                        t.classes
                            .iter()
                            .map(|c| c.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
                "brand.toml [[trademark]] office, classes",
            ));
            f.push(field(
                "listing_ids",
                "ASINs / listing ids",
                Some(ids),
                "findings",
            ));
            f.push(field(
                "listing_urls",
                "Listing URLs",
                Some(urls),
                "findings",
            ));
            f.push(field(
                "seller",
                "Seller name",
                Some(seller),
                "the listing pages",
            ));
            f.push(field(
                "seller_id",
                "Seller id",
                seller_id,
                "the listing pages",
            ));
            f.push(field(
                "observed",
                "Observed prices and dates",
                Some(prices),
                "observations",
            ));
            f.push(field(
                "details",
                "Additional information",
                Some(reason_en),
                "case path",
            ));
        }
        "ebay_vero" => {
            f.push(field(
                "rights_owner",
                "Name of intellectual property rights owner",
                owner(|o| Some(o.company.clone())),
                &format!("{src_owner} company"),
            ));
            f.push(field(
                "vero_participant_id",
                "VeRO participant ID",
                program("ebay_vero"),
                "brand.toml [enforcement] program_ids.ebay_vero",
            ));
            f.push(field(
                "agent",
                "Name of authorised agent",
                owner(|o| o.agent.clone()),
                &format!("{src_owner} agent"),
            ));
            f.push(field(
                "address",
                "Address",
                owner(|o| o.address.clone()),
                &format!("{src_owner} address"),
            ));
            f.push(field(
                "email",
                "Email",
                owner(|o| o.email.clone()),
                &format!("{src_owner} email"),
            ));
            f.push(field(
                "phone",
                "Telephone",
                owner(|o| o.phone.clone()),
                &format!("{src_owner} phone"),
            ));
            f.push(field(
                "trademarks",
                "Trademark(s) infringed (registration, office, class)",
                (!tm_all.is_empty()).then_some(tm_all),
                "brand.toml [[trademark]]",
            ));
            f.push(field(
                "item_numbers",
                "eBay item numbers",
                Some(ids),
                "findings",
            ));
            f.push(field(
                "reason",
                "Reason for reporting (per item)",
                Some(reason_en),
                "case findings",
            ));
            let code_key = if counterfeit {
                "ebay_vero.counterfeit"
            } else {
                "ebay_vero.trademark"
            };
            f.push(field("vero_reason_code", "VeRO reason code (API)", b.enforcement.reason_codes.get(code_key).cloned(), &format!("brand.toml [enforcement] reason_codes.\"{code_key}\" (from eBay's getVeroReasonCodes)")));
            f.push(field(
                "seller",
                "Seller user id",
                seller_id.or(Some(seller)),
                "the listing pages",
            ));
            f.push(field(
                "observed",
                "Observed prices and dates",
                Some(prices),
                "observations",
            ));
            f.push(field(
                "signature",
                "Signature",
                owner(|o| o.signatory.clone()),
                &format!("{src_owner} signatory"),
            ));
        }
        "alibaba" => {
            f.push(field(
                "权利人",
                "权利人 Rights owner",
                owner(|o| Some(o.company.clone())),
                &format!("{src_owner} company"),
            ));
            f.push(field(
                "平台账号",
                "知识产权保护平台账号 IPP account",
                program("alibaba"),
                "brand.toml [enforcement] program_ids.alibaba",
            ));
            f.push(field(
                "联系人",
                "联系人 Contact",
                owner(|o| o.agent.clone()),
                &format!("{src_owner} agent"),
            ));
            f.push(field(
                "邮箱",
                "邮箱 Email",
                owner(|o| o.email.clone()),
                &format!("{src_owner} email"),
            ));
            f.push(field(
                "电话",
                "电话 Phone",
                owner(|o| o.phone.clone()),
                &format!("{src_owner} phone"),
            ));
            f.push(field(
                "知识产权类型",
                "知识产权类型 IP type",
                Some("商标权 Trademark".into()),
                "fixed",
            ));
            f.push(field(
                "商标",
                "商标名称 Mark",
                tm.map(|t| t.mark.clone()),
                "brand.toml [[trademark]] mark (CNIPA first)",
            ));
            f.push(field(
                "商标注册号",
                "商标注册号 Registration number",
                tm.map(|t| t.number.clone()),
                "brand.toml [[trademark]] number",
            ));
            f.push(field(
                "注册机关",
                "注册机关 Office",
                tm.map(|t| t.office.clone()),
                "brand.toml [[trademark]] office",
            ));
            f.push(field(
                "类别",
                "核定使用类别 Class",
                tm.map(|t| {
                    t.classes
                        .iter()
                        .map(|c| format!("第{c}类"))
                        .collect::<Vec<_>>()
                        .join("、")
                }),
                "brand.toml [[trademark]] classes",
            ));
            f.push(field(
                "投诉类型",
                "投诉类型 Complaint type",
                Some(if counterfeit {
                    "假冒商标（售假）Counterfeit".into()
                } else {
                    "商标侵权 Trademark infringement".to_string()
                }),
                "case findings",
            ));
            f.push(field(
                "侵权链接",
                "被投诉链接 Listing URLs",
                Some(urls),
                "findings",
            ));
            f.push(field("商品ID", "商品ID Listing ids", Some(ids), "findings"));
            f.push(field(
                "店铺",
                "被投诉店铺 Seller",
                Some(format!(
                    "{seller} ({})",
                    seller_id.as_deref().unwrap_or("?")
                )),
                "the listing pages",
            ));
            let zh = if counterfeit {
                "被投诉商品使用权利人注册商标，价格远低于正品或标题含“高仿”等字样，涉嫌销售假冒注册商标的商品。".to_string()
            } else {
                format!(
                    "被投诉店铺未经授权销售带有权利人注册商标的商品。{}",
                    grounds.clone().unwrap_or_default()
                )
            };
            f.push(field(
                "投诉理由",
                "投诉理由 Reason",
                Some(zh),
                "case findings",
            ));
            f.push(field(
                "价格",
                "观察到的价格 Observed prices",
                Some(prices),
                "observations",
            ));
        }
        _ => {
            f.push(field(
                "rights_owner",
                "Rights owner",
                owner(|o| Some(o.company.clone())),
                &format!("{src_owner} company"),
            ));
            f.push(field(
                "agent",
                "Acting for the owner",
                owner(|o| o.agent.clone()),
                &format!("{src_owner} agent"),
            ));
            f.push(field(
                "address",
                "Address",
                owner(|o| o.address.clone()),
                &format!("{src_owner} address"),
            ));
            f.push(field(
                "email",
                "Email",
                owner(|o| o.email.clone()),
                &format!("{src_owner} email"),
            ));
            f.push(field(
                "trademarks",
                "Registered trademarks",
                (!tm_all.is_empty()).then_some(tm_all),
                "brand.toml [[trademark]]",
            ));
            f.push(field("seller", "Seller", Some(seller), "the listing pages"));
            f.push(field(
                "seller_id",
                "Seller id",
                seller_id,
                "the listing pages",
            ));
            f.push(field("listing_urls", "Listings", Some(urls), "findings"));
            f.push(field(
                "observed",
                "Observed prices and dates",
                Some(prices),
                "observations",
            ));
            f.push(field(
                "signature",
                "Signed by",
                owner(|o| o.signatory.clone()),
                &format!("{src_owner} signatory"),
            ));
        }
    }
    if matches!(doc, "amazon" | "ebay_vero" | "alibaba" | "generic") {
        f.push(field(
            "good_faith_statement",
            "Good-faith statement",
            statements.get("good_faith").cloned(),
            "templates/packet/statements.toml good_faith",
        ));
        f.push(field(
            "accuracy_statement",
            "Accuracy statement (under penalty of perjury)",
            statements.get("accuracy").cloned(),
            "templates/packet/statements.toml accuracy",
        ));
    }
    f
}

/// The body of eBay's VeRO API `POST /commerce/vero/v1/vero_report` for the case's
/// listings (up to 150 items per request, as the API allows).
fn vero_request(config: &Config, c: &Case, evidence: &[Evidence]) -> serde_json::Value {
    let counterfeit = |e: &Evidence| {
        e.records
            .iter()
            .any(|r| r.finding.kind == FindingKind::SuspectedCounterfeit)
    };
    let items: Vec<serde_json::Value> = evidence
        .iter()
        .take(150)
        .map(|e| {
            let key = if counterfeit(e) { "ebay_vero.counterfeit" } else { "ebay_vero.trademark" };
            serde_json::json!({
                "itemId": e.records[0].finding.listing_id,
                "veroReasonCodeId": config.brand.enforcement.reason_codes.get(key),
                "messageToSeller": terminal(&format!(
                    "This listing infringes the registered trademark of {} ({}). Case {}.",
                    config.brand.name,
                    config.brand.owner.as_ref().map(|o| o.company.as_str()).unwrap_or(""),
                    c.id
                ), 1000),
                "copyEmailToRightsOwner": true,
                "detailedMessage": terminal(&e.records.iter().map(|r| r.finding.detail.clone()).collect::<Vec<_>>().join("; "), 1000),
            })
        })
        .collect();
    serde_json::json!({ "reportItems": items })
}

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
    let shown = path.display().to_string();
    let bad = |message: String| PacketError::Invalid {
        path: shown.clone(),
        message,
    };
    let PacketFiles {
        manifest,
        digests: mut files,
    } = read_packet(path)?;
    let manifest_bytes = manifest.ok_or_else(|| bad("no manifest.json".into()))?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| bad(format!("manifest.json unreadable: {e}")))?;
    let manifest_sha256 = sha256_hex(&manifest_bytes);
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
    let mut checked = 0;
    if let Some(store) = store {
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
        for cap in &manifest.captures {
            let rec = store
                .log_record(cap.capture_log_seq)
                .map_err(ReportError::from)?
                .ok_or_else(|| {
                    bad(format!(
                        "capture log record {} is not in the store",
                        cap.capture_log_seq
                    ))
                })?;
            if rec.hash != cap.capture_record_hash {
                return Err(bad(format!(
                    "capture log record {} hashes to {}, the manifest says {}",
                    cap.capture_log_seq, rec.hash, cap.capture_record_hash
                )));
            }
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
            let obs = store
                .log_record(cap.observation_log_seq)
                .map_err(ReportError::from)?
                .ok_or_else(|| {
                    bad(format!(
                        "observation log record {} is not in the store",
                        cap.observation_log_seq
                    ))
                })?;
            if obs.hash != cap.observation_record_hash {
                return Err(bad(format!(
                    "observation log record {} hashes to {}, the manifest says {}",
                    cap.observation_log_seq, obs.hash, cap.observation_record_hash
                )));
            }
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
            checked += 1;
        }
    }
    Ok(PacketCheck {
        case_id: manifest.case_id,
        revision: manifest.revision,
        files: manifest.files.len() + 1,
        captures_checked_against_store: checked,
        manifest_sha256,
    })
}
