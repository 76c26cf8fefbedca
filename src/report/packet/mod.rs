//! Complaint packets: one folder (and the same as a .zip) per case revision, holding
//! what the marketplace's form asks for, the evidence and a manifest of hashes.
//!
//! The wording lives in `templates/packet/` (HTML templates and `statements.toml`);
//! see `super::templates` for how a brand replaces it.

mod evidence;
mod forms;
pub mod network;
mod verify;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::{ReportError, networks, templates};
use crate::case::{self, Case, PacketRevision};
use crate::config::{ComplaintFormat, Config};
use crate::evidence::{Store, sha256_hex};
use crate::sanitize::{file_name, terminal};
use evidence::{Evidence, EvidenceFiles};
use forms::Form;
pub use verify::verify;

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
    /// A draft, not for filing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Findings of the case left out as not yet confirmed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspected: Vec<String>,
    /// The RFC 3161 time-stamp token that covers every capture of the packet (the
    /// first anchor of the log at or after the last of them), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<ManifestTimestamp>,
    /// The accounts linked to the case's seller and the evidence of each link
    /// (`network/`), when the seller is in a network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<network::ManifestNetwork>,
    /// Cases of linked accounts whose listings this filing also covers
    /// (`packet --network`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers_cases: Vec<String>,
    /// Listings whose screenshot shows another price or seller than the page
    /// their findings were read from (only a draft holds any: such a packet is not
    /// fit to file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub screenshots_differ: Vec<String>,
}

/// A time-stamp token in a packet: `file` holds the TSA's response as received.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestTimestamp {
    pub file: String,
    pub tsa: String,
    /// The log record whose hash the TSA signed, and that hash.
    pub head_seq: u64,
    pub head: String,
    pub gen_time: chrono::DateTime<Utc>,
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
    /// What an interrupted build of this revision had left, moved aside.
    pub set_aside: Vec<PathBuf>,
    /// A draft: every finding, not for filing, not a revision of the case.
    pub draft: bool,
    /// The case's findings left out as not yet confirmed (all of them are in a draft).
    pub suspected: Vec<String>,
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
    #[error("packet {path}: {message}")]
    Invalid { path: String, message: String },
    #[error(
        "case {case_id}: no finding is confirmed yet ({rule}); suspected: {}. Wait for the next scan, or build a draft with --draft (not for filing)",
        suspected.join(", ")
    )]
    Unconfirmed {
        case_id: String,
        rule: String,
        suspected: Vec<String>,
    },
    #[error(
        "case {case_id}: not fit to file: {}. Nothing was written; build a draft with --draft (not for filing) to review it",
        reasons.join("; ")
    )]
    NotFit {
        case_id: String,
        reasons: Vec<String>,
    },
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

/// Builds the next revision of case `case_id`'s packet under `out`: the form's
/// fields, the cover, the evidence of every listing, listings.csv and the
/// manifest, written under a temporary name and renamed when complete; then the
/// case records the revision. Only confirmed findings (`[confirm]`) are in it; a
/// case with none is refused with [`PacketError::Unconfirmed`].
pub fn build(
    config: &Config,
    store: &Store,
    case_id: &str,
    format: Option<ComplaintFormat>,
    out: &Path,
) -> Result<Packet, PacketError> {
    let opts = BuildOptions {
        format,
        ..BuildOptions::default()
    };
    build_with(config, store, case_id, out, opts)
}

/// How a packet is built.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// The form (default: the marketplace's `complaint_format`).
    pub format: Option<ComplaintFormat>,
    /// A draft (see [`build_draft`]).
    pub draft: bool,
    /// Also cover the open cases of accounts linked to the seller on the same
    /// marketplace that take the same path (see [`network::covered_cases`]).
    pub network: bool,
}

/// [`build`] or [`build_draft`], with every option.
pub fn build_with(
    config: &Config,
    store: &Store,
    case_id: &str,
    out: &Path,
    opts: BuildOptions,
) -> Result<Packet, PacketError> {
    build_packet(config, store, case_id, out, opts)
}

/// A draft of case `case_id`'s packet: every finding, confirmed or suspected,
/// under a cover marked "DRAFT — not for filing". A draft is not a revision of
/// the case (nothing is recorded) and is named `…-draft-TIME`, never replacing
/// anything.
pub fn build_draft(
    config: &Config,
    store: &Store,
    case_id: &str,
    format: Option<ComplaintFormat>,
    out: &Path,
) -> Result<Packet, PacketError> {
    let opts = BuildOptions {
        format,
        draft: true,
        ..BuildOptions::default()
    };
    build_with(config, store, case_id, out, opts)
}

/// The pages of case `case_id`'s next packet (built with `opts`) that have no
/// rendered capture yet, on marketplaces that render (`render` is not `never`):
/// the CLI renders them before building, so the cover shows what a buyer saw.
pub fn pages_to_render(
    config: &Config,
    store: &Store,
    case_id: &str,
    opts: BuildOptions,
) -> Result<Vec<crate::evidence::PageToRender>, PacketError> {
    let c = case::get(store, case_id)?;
    let (_, covered) = network_and_covered(config, store, &c, opts.network)?;
    let cases: Vec<&Case> = std::iter::once(&c).chain(&covered).collect();
    let confirm = (!opts.draft).then_some(&config.brand.confirm);
    let (evidence, _) = evidence::gather(store, &cases, confirm)?;
    let renders = |name: &str| {
        config
            .marketplaces
            .iter()
            .find(|m| m.name == name)
            .is_some_and(|m| config.render_mode(m) != crate::config::RenderMode::Never)
    };
    Ok(evidence::unrendered(store, &evidence)?
        .into_iter()
        .filter(|p| renders(&p.marketplace))
        .collect())
}

fn build_packet(
    config: &Config,
    store: &Store,
    case_id: &str,
    out: &Path,
    opts: BuildOptions,
) -> Result<Packet, PacketError> {
    let draft = opts.draft;
    let c = case::get(store, case_id)?;
    let form = form_of(config, &c, opts.format);
    let confirm = &config.brand.confirm;
    let (view, covered) = network_and_covered(config, store, &c, opts.network)?;
    let cases: Vec<&Case> = std::iter::once(&c).chain(&covered).collect();
    let (evidence, suspected) = evidence::gather(store, &cases, (!draft).then_some(confirm))?;
    if evidence.is_empty() && !suspected.is_empty() {
        return Err(PacketError::Unconfirmed {
            case_id: c.id.clone(),
            rule: confirm.rule(),
            suspected: suspected.iter().map(describe_suspected).collect(),
        });
    }
    let revision = c.packets.len() as u32 + 1;
    let words = Wording::of(config, form, &c.marketplace)?;
    let built_at = Utc::now();
    let facts = forms::Facts {
        config,
        case: &c,
        evidence: &evidence,
        statements: &words.statements,
        statements_section: &words.section,
        built_at,
        sentences: &words.sentences,
    };
    let kept_apart = Apart {
        covers: covered
            .iter()
            .map(|o| (o.id.clone(), seller_name(o).to_string()))
            .collect(),
        network: view,
        draft,
        suspected: suspected.iter().map(describe_suspected).collect(),
        rule: confirm.rule(),
    };
    let (mut files, manifest) = compose(store, &facts, form, (revision, built_at), &kept_apart)?;
    let missing = manifest.missing.clone();
    let mut unfit = unfit(&c, &missing);
    unfit.extend(manifest.screenshots_differ.iter().cloned());
    if !draft && !unfit.is_empty() {
        return Err(PacketError::NotFit {
            case_id: c.id.clone(),
            reasons: unfit,
        });
    }
    // Only a packet that will be written moves an interrupted build's leftovers
    // aside: a refused one touches nothing.
    let name = packet_name(&c, revision, draft);
    let dir = out.join(&name);
    let zip_path = out.join(format!("{name}.zip"));
    let set_aside = set_aside_unrecorded(out, &[&dir, &zip_path])?;
    let manifest_bytes = json_bytes(&manifest);
    let manifest_sha256 = sha256_hex(&manifest_bytes);
    files.insert("manifest.json".into(), manifest_bytes);
    write_atomically(out, &name, &files)?;
    if !draft {
        record_revision(store, &c, form, (revision, built_at), &manifest_sha256)?;
    }
    Ok(Packet {
        case_id: c.id,
        revision,
        format: form.id().into(),
        dir,
        zip: zip_path,
        manifest_sha256,
        files: files.len(),
        missing,
        set_aside,
        draft,
        suspected: kept_apart.suspected,
    })
}

/// What a form says in its language: its sworn statements (and the
/// `statements.toml` section they come from) and the sentences of its values.
struct Wording {
    section: String,
    statements: BTreeMap<String, String>,
    sentences: forms::Sentences,
}

impl Wording {
    fn of(config: &Config, form: &dyn Form, marketplace: &str) -> Result<Wording, PacketError> {
        let lang = form_language(config, form, marketplace);
        let section = statements_section(form, &lang);
        Ok(Wording {
            statements: statements(config, &section)?,
            sentences: forms::Sentences::load(&config.dir, &lang)?,
            section,
        })
    }
}

/// The form a case's packet takes: the one asked for, else its marketplace's
/// `complaint_format` (letters follow the case's path either way).
fn form_of(config: &Config, c: &Case, format: Option<ComplaintFormat>) -> &'static dyn Form {
    let format = format
        .or(config
            .marketplace(&c.marketplace)
            .map(|m| m.complaint_format))
        .unwrap_or_default();
    forms::for_case(c, format)
}

/// Why a packet may not be filed: a required field missing, or the case done.
fn unfit(c: &Case, missing: &[String]) -> Vec<String> {
    let mut unfit: Vec<String> = missing.iter().map(|m| format!("missing {m}")).collect();
    if c.state.is_done() {
        unfit.push(format!("the case is {}: there is nothing to file", c.state));
    }
    unfit
}

/// `C0003-bidbay-seller-r2`, or `C0003-bidbay-seller-draft-TIME` for a draft.
fn packet_name(c: &Case, revision: u32, draft: bool) -> String {
    let stem = format!(
        "{}-{}",
        c.id,
        file_name(&format!("{}-{}", c.marketplace, seller_name(c)), 60)
    );
    match draft {
        false => format!("{stem}-r{revision}"),
        true => format!("{stem}-draft-{}", Utc::now().format("%Y%m%dT%H%M%S%.3f")),
    }
}

/// What a packet leaves out or says it is not: a draft, and the suspected
/// findings (not yet confirmed) of the case.
struct Apart {
    /// The seller's network, if it is in one.
    network: Option<crate::report::networks::NetworkView>,
    draft: bool,
    suspected: Vec<String>,
    rule: String,
    /// Cases of linked accounts this filing also covers: (case id, seller).
    covers: Vec<(String, String)>,
}

/// The seller's network (worked out once, for the cases the filing covers and
/// for the packet's section) and, with `packet --network`, those cases.
fn network_and_covered(
    config: &Config,
    store: &Store,
    c: &Case,
    asked: bool,
) -> Result<(Option<networks::NetworkView>, Vec<Case>), PacketError> {
    let view = match &c.seller_id {
        Some(id) => networks::network_of(store, &config.brand, &c.marketplace, id)
            .map_err(ReportError::from)?,
        None => None,
    };
    let covered = network::covered_cases(store, c, view.as_ref(), asked)?;
    Ok((view, covered))
}

/// The case records revision `revision` of its packet (not a draft).
fn record_revision(
    store: &Store,
    c: &Case,
    form: &dyn Form,
    (revision, built_at): (u32, chrono::DateTime<Utc>),
    manifest_sha256: &str,
) -> Result<(), PacketError> {
    let rev = PacketRevision {
        revision,
        format: form.id().into(),
        built_at,
        manifest_sha256: manifest_sha256.to_string(),
        log_len: store.log_len(),
    };
    case::packet_built(store, &c.id, rev)?;
    Ok(())
}

/// A suspected finding in words: `shopusa/B0001/below_floor (seen 1 time since 2026-11-01)`.
fn describe_suspected(f: &crate::evidence::FindingRecord) -> String {
    format!(
        "{} (seen {} time{} since {})",
        f.key(),
        f.times_seen,
        if f.times_seen == 1 { "" } else { "s" },
        f.first_seen.format("%Y-%m-%d %H:%M UTC")
    )
}

/// What an interrupted build of this revision left under its final names (the
/// folder renamed but not the zip, or both but not the case's record): the case
/// never recorded this revision, so nobody can have filed it. Each is moved to
/// `.unrecorded/NAME-TIME` beside it, never deleted, and returned to be reported.
fn set_aside_unrecorded(out: &Path, paths: &[&PathBuf]) -> Result<Vec<PathBuf>, PacketError> {
    let mut moved = Vec::new();
    for p in paths.iter().filter(|p| p.exists()) {
        let aside = out.join(".unrecorded");
        std::fs::create_dir_all(&aside).map_err(io(&aside))?;
        let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3f");
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let to = aside.join(format!("{name}-{stamp}"));
        std::fs::rename(p, &to).map_err(io(&to))?;
        tracing::warn!(from = %p.display(), to = %to.display(), "an unrecorded packet left by an interrupted build was set aside");
        moved.push(to);
    }
    Ok(moved)
}

/// Every file of the packet but the manifest (path inside the packet → bytes),
/// and the manifest that lists them: the form's fields (a missing one named),
/// the cover, form.json, the form's API bodies, the evidence and listings.csv.
fn compose(
    store: &Store,
    facts: &forms::Facts,
    form: &dyn Form,
    (revision, built_at): (u32, chrono::DateTime<Utc>),
    apart: &Apart,
) -> Result<(BTreeMap<String, Vec<u8>>, Manifest), PacketError> {
    let c = facts.case;
    let fields = forms::fields(form, facts);
    let missing: Vec<String> = fields
        .iter()
        .filter(|f| f.value.is_none())
        .map(|f| format!("{} ({}): set {}", f.label, f.id, f.source))
        .collect();
    let EvidenceFiles {
        mut files,
        captures,
        listings,
        csv_rows,
        shown_otherwise,
    } = evidence::files(store, facts.evidence, c.packets.last(), seller_name(c))?;
    let cover = Cover {
        form,
        revision,
        built_at,
        listings,
        fields: &fields,
        missing: &missing,
        statements: facts.statements,
    };
    let price_only = forms::price_only(facts.evidence);
    let network = network::section(store, apart.network.as_ref(), &mut files)?;
    let html = cover_html(store, facts, &cover, apart, (&price_only, network.as_ref()))?;
    files.insert("cover.html".into(), html);
    files.insert(
        "form.json".into(),
        json_bytes(&serde_json::json!({
            "form": form.title(), "case_id": c.id, "revision": revision, "path": c.path.path.as_str(),
            "path_reason": c.path.reason, "fields": fields, "missing": missing,
            "draft": apart.draft, "suspected_not_included": apart.suspected,
            "counterfeit_not_claimed_price_only": price_only,
        })),
    );
    for (path, body) in form.api_files(facts) {
        files.insert(path, json_bytes(&body));
    }
    for (path, bytes) in form.text_files(facts) {
        files.insert(path, bytes);
    }
    files.insert("listings.csv".into(), listings_csv(&csv_rows)?);
    let timestamp = timestamp_files(store, &captures, &mut files)?;
    let manifest = Manifest {
        case_id: c.id.clone(),
        revision,
        format: form.id().into(),
        path: c.path.path.as_str().into(),
        built_at,
        tool: crate::TOOL.into(),
        store_log_head: store.log_head(),
        store_log_len: store.log_len(),
        fields,
        missing,
        captures,
        files: files
            .iter()
            .map(|(p, b)| ManifestFile {
                path: p.clone(),
                sha256: sha256_hex(b),
                bytes: b.len() as u64,
            })
            .collect(),
        draft: apart.draft,
        suspected: apart.suspected.clone(),
        timestamp,
        network,
        covers_cases: apart.covers.iter().map(|(id, _)| id.clone()).collect(),
        screenshots_differ: shown_otherwise,
    };
    Ok((files, manifest))
}

/// The cover letter or form page, rendered from the form's template with what
/// the packet holds and what it leaves out.
fn cover_html(
    store: &Store,
    facts: &forms::Facts,
    cover: &Cover,
    apart: &Apart,
    (price_only, network): (&[String], Option<&network::ManifestNetwork>),
) -> Result<Vec<u8>, PacketError> {
    let (config, c, form) = (facts.config, facts.case, cover.form);
    let env = templates::environment(&config.dir, "packet");
    let mut ctx = cover.context(config, store, c);
    ctx["price_only"] = serde_json::json!(price_only);
    ctx["network"] = serde_json::json!(network);
    ctx["covers"] = apart
        .covers
        .iter()
        .map(|(id, seller)| serde_json::json!({"id": id, "seller": terminal(seller, MAX_TEXT)}))
        .collect::<Vec<_>>()
        .into();
    // A distributor's shop it never declared: the notice goes to the distributor.
    ctx["undeclared"] = c
        .open_findings
        .iter()
        .chain(&c.findings)
        .any(|k| k.ends_with("/undeclared_shop"))
        .into();
    ctx["distributor_name"] = c
        .authorized_seller
        .as_ref()
        .and_then(|d| config.brand.sellers.iter().find(|s| &s.id == d))
        .map(|s| s.name.clone())
        .into();
    ctx["needs_test_buy"] = forms::needs_test_buy(form, facts).into();
    // Letters go to the seller or distributor: no internal columns or notes.
    ctx["external"] = matches!(form.id(), "cease_and_desist" | "distributor_notice").into();
    ctx["draft"] = apart.draft.into();
    ctx["suspected"] = serde_json::json!(apart.suspected);
    ctx["confirm_rule"] = apart.rule.clone().into();
    Ok(render(&env, &cover_template(&env, form, facts), &ctx)?.into_bytes())
}

/// The cover template of `form`: `FORM@LANG.html` when the form is written in
/// another language than its own and the brand gives a cover in that language
/// (`TARGETS/templates/packet/ebay_vero@de.html`), else `FORM.html`, whose prose is
/// for the brand's own people (the values it shows are in the form's language).
fn cover_template(env: &minijinja::Environment, form: &dyn Form, facts: &forms::Facts) -> String {
    let lang = facts.sentences.lang();
    let own = format!("{}@{lang}.html", form.id());
    if lang != form.language() && env.get_template(&own).is_ok() {
        own
    } else {
        format!("{}.html", form.id())
    }
}

/// The time-stamp token covering the packet's captures, with a note on how to check
/// it with OpenSSL, added to `files`; none while the log is not anchored that far.
fn timestamp_files(
    store: &Store,
    captures: &[ManifestCapture],
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<Option<ManifestTimestamp>, PacketError> {
    let last = captures
        .iter()
        .map(|c| c.capture_log_seq.max(c.observation_log_seq))
        .max();
    let Some(last) = last else {
        return Ok(None);
    };
    let Some(a) = store.anchor_covering(last).map_err(ReportError::from)? else {
        return Ok(None);
    };
    let file = format!("timestamps/anchor-{}.tsr", a.head_seq);
    files.insert(file.clone(), a.response_bytes());
    let note = format!(
        "Third-party time for this packet's evidence (RFC 3161)\n\n\
         {file} is the time-stamp authority's response, as received from {tsa}.\n\
         It says that the SHA-256 {head}, the hash of record {seq} of the evidence log,\n\
         existed at {time}. Each record of the log holds the hash of the one before, and\n\
         every capture in this packet is at or before record {seq} (manifest.json,\n\
         captures: capture_log_seq), so every capture existed by then.\n\n\
         To check the token, with the TSA's root certificate in tsa-root.pem:\n\n\
         \topenssl ts -verify -in {file} -digest {head} -CAfile tsa-root.pem\n\n\
         (\"Verification: OK\"). `brandguard evidence verify --tsa-roots tsa-root.pem` checks\n\
         the same against the store, and that record {seq} still hashes to {head}.\n",
        tsa = a.tsa,
        head = a.head,
        seq = a.head_seq,
        time = a.gen_time.format("%Y-%m-%d %H:%M:%S UTC"),
    );
    files.insert("timestamps/README.txt".into(), note.into_bytes());
    Ok(Some(ManifestTimestamp {
        file,
        tsa: a.tsa,
        head_seq: a.head_seq,
        head: a.head,
        gen_time: a.gen_time,
    }))
}

/// The name a case's seller goes by in file names and letters.
fn seller_name(c: &Case) -> &str {
    c.seller_name
        .as_deref()
        .or(c.seller_id.as_deref())
        .unwrap_or("?")
}

fn json_bytes(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_default()
}

/// The language a form is written in on `marketplace`: the marketplace's
/// `language` for a complaint form filed there, else the form's own (English;
/// Chinese for Alibaba).
fn form_language(config: &Config, form: &dyn Form, marketplace: &str) -> String {
    config
        .marketplace(marketplace)
        .and_then(|m| m.language.clone())
        .filter(|_| form.in_marketplace_language())
        .unwrap_or_else(|| form.language().to_string())
}

/// The `statements.toml` section a form's sworn statements come from in `lang`:
/// the form's own (`amazon`), or `"amazon@de"` in another language than the form's.
fn statements_section(form: &dyn Form, lang: &str) -> String {
    if lang == form.language() {
        form.statements().to_string()
    } else {
        format!("{}@{lang}", form.statements())
    }
}

/// The sentences of `section` (empty when the file has none: every sworn
/// statement is then a missing field, and the packet is not fit to file).
fn statements(config: &Config, section: &str) -> Result<BTreeMap<String, String>, PacketError> {
    let all: BTreeMap<String, BTreeMap<String, String>> =
        templates::text(&config.dir, "packet", "statements.toml")
            .map(|t| toml::from_str(&t))
            .transpose()
            .map_err(|e| PacketError::Template {
                name: "statements.toml".into(),
                message: e.to_string(),
            })?
            .unwrap_or_default();
    Ok(all.get(section).cloned().unwrap_or_default())
}

/// What the cover template is given, besides the brand and the case.
struct Cover<'a> {
    form: &'a dyn Form,
    revision: u32,
    built_at: chrono::DateTime<Utc>,
    listings: Vec<serde_json::Value>,
    fields: &'a [FormField],
    missing: &'a [String],
    statements: &'a BTreeMap<String, String>,
}

impl Cover<'_> {
    fn context(&self, config: &Config, store: &Store, c: &Case) -> serde_json::Value {
        let brand = &config.brand;
        let previous = c.packets.last();
        let rejection = c
            .pending_rejection()
            .or(c.rejections.last())
            .filter(|_| previous.is_some())
            .map(|r| {
                serde_json::json!({
                    "reason": terminal(r.reason.as_deref().unwrap_or(""), 2000),
                    "at": r.at.format("%Y-%m-%d").to_string(),
                    "reference": r.reference,
                    "revision": previous.map(|p| p.revision),
                })
            });
        let market_url = config
            .marketplace(&c.marketplace)
            .map(|m| m.base_url.to_string())
            .unwrap_or_default();
        serde_json::json!({
            "packet": {
                "case_id": c.id, "revision": self.revision, "format_title": self.form.title(),
                "built_at": self.built_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                "date": self.built_at.format("%Y-%m-%d").to_string(),
                "tool": crate::TOOL, "log_head": store.log_head(),
            },
            "brand": brand.name,
            "owner": brand.owner,
            "trademarks": brand.trademarks,
            "seller": {"name": terminal(seller_name(c), MAX_TEXT), "id": terminal(c.seller_id.as_deref().unwrap_or("?"), MAX_TEXT)},
            "distributor": c.authorized_seller,
            "marketplace": c.marketplace,
            "marketplace_url": market_url,
            "priority": format!("{:?}", c.path.priority).to_lowercase(),
            "listings": self.listings,
            // Whether listings of this marketplace are rendered at all: the cover
            // then names those without a screenshot.
            "renders": config.marketplace(&c.marketplace).is_some_and(|m| config.render_mode(m) != crate::config::RenderMode::Never),
            "fields": self.fields,
            "missing": self.missing,
            "statements": self.statements,
            "rejection": rejection,
        })
    }
}

/// listings.csv: one row per listing of the case, cells made safe for spreadsheets.
fn listings_csv(rows: &[Vec<String>]) -> Result<Vec<u8>, PacketError> {
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
        "prices_seen",
    ];
    Ok(super::csv_bytes(Path::new("listings.csv"), &header, rows)?)
}

/// Writes the packet's folder and .zip under temporary names, then renames them:
/// a crash leaves no half packet under the final name.
fn write_atomically(
    out: &Path,
    name: &str,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<(), PacketError> {
    let (dir, zip_path) = (out.join(name), out.join(format!("{name}.zip")));
    let tmp = out.join(format!(".{name}.partial"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    for (p, bytes) in files {
        let path = tmp.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    let zip_tmp = out.join(format!(".{name}.zip.partial"));
    write_zip(&zip_tmp, files)?;
    std::fs::rename(&tmp, &dir).map_err(io(&dir))?;
    crate::failpoint::hit("packet-between-renames");
    std::fs::rename(&zip_tmp, &zip_path).map_err(io(&zip_path))?;
    Ok(())
}

pub(crate) fn write_zip(path: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<(), PacketError> {
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
