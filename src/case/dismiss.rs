//! A finding dismissed as a false positive (the desk's queue): resolved as
//! dismissed, its case told, and remembered in the targets' `dismissals.toml` so
//! the next scans do not flag it again while the listing stays as it was (see
//! [`crate::judge::dismissals`]).

use chrono::Utc;

use std::path::Path;

use super::{CaseError, CaseState, all, save};
use crate::evidence::{
    EvidenceError, Resolution, StateTree, Store, finding_key, finding_key_of_printable,
};
use crate::judge::dismissals::{Dismissal, Dismissals};

/// How a dismissed finding's resolution begins (a case left with nothing but
/// such findings is resolved, never complied).
pub const DISMISSED: &str = "dismissed as a false positive";

/// Whether a finding's resolution says a person settled it (dismissed, or its
/// seller authorised) rather than the listing changing.
pub fn is_dismissal(reason: &str) -> bool {
    reason.starts_with(DISMISSED) || reason.starts_with(AUTHORISED)
}

/// How the resolution of an unauthorised-seller finding begins when the seller
/// was authorised at the desk.
pub const AUTHORISED: &str = "seller authorised";

/// Dismisses open finding `key` (`marketplace/listing/kind`, as the queue and
/// `case show` print it) for `reason`: the finding is resolved as dismissed (a
/// `finding_resolved` record in the log, naming who and how), its case drops it (and is
/// resolved if nothing else is open), and the dismissal is added to the targets'
/// `dismissals.toml` in the targets folder `targets`. The store is written first: a crash before the file is
/// written leaves the finding resolved and the next scan flags it again, which
/// says nothing untrue.
pub fn dismiss(
    targets: &Path,
    store: &Store,
    key: &str,
    reason: &str,
    by: &str,
) -> Result<Dismissal, CaseError> {
    if reason.trim().is_empty() {
        return Err(CaseError::Invalid(
            "say why it is a false positive (--reason)".into(),
        ));
    }
    let (f, latest) = open_finding(store, key)?;
    let d = Dismissal::of(&f.finding, &latest.listing, reason, by, Utc::now());
    let why = format!("{DISMISSED} by {by}: {}", d.reason);
    let facts = serde_json::json!({"price": d.price, "title": d.title});
    settle_by_person(store, f, &latest, &why, by, ("finding_dismissed", facts))?;
    Dismissals::add(targets, d.clone()).map_err(|e| CaseError::Invalid(e.to_string()))?;
    tracing::info!(finding = %key, %by, "finding dismissed as a false positive");
    Ok(d)
}

/// After seller `seller_key` on `marketplace` was authorised (by `by`, as
/// distributor `id`): its open unauthorised-seller findings are resolved as
/// such, never as brought into line. How many.
pub fn seller_authorised(
    store: &Store,
    marketplace: &str,
    seller_key: &str,
    id: &str,
    by: &str,
) -> Result<usize, CaseError> {
    let mut keys = Vec::new();
    for f in store.findings() {
        let f = f?;
        if f.resolved.is_none()
            && f.finding.kind == crate::judge::FindingKind::UnauthorizedSeller
            && f.finding.marketplace == marketplace
            && crate::ident::seller_key(
                f.finding.seller_id.as_deref(),
                f.finding.seller_name.as_deref(),
            ) == seller_key
        {
            keys.push(f.key());
        }
    }
    for key in &keys {
        let (f, latest) = open_finding(store, key)?;
        let why = format!("{AUTHORISED} by {by} as distributor {id}");
        let facts = serde_json::json!({"distributor": id});
        settle_by_person(store, f, &latest, &why, by, ("finding_authorised", facts))?;
    }
    Ok(keys.len())
}

/// Open finding `key` and its listing's newest observation.
fn open_finding(
    store: &Store,
    key: &str,
) -> Result<(crate::evidence::FindingRecord, crate::evidence::Observation), CaseError> {
    let f = store
        .finding(&finding_key_of_printable(key))?
        .ok_or_else(|| CaseError::Invalid(format!("no finding {key} in this store")))?;
    if let Some(r) = &f.resolved {
        return Err(CaseError::Invalid(format!(
            "finding {key} is already resolved ({})",
            r.reason
        )));
    }
    let latest = store
        .latest(&f.finding.marketplace, &f.finding.listing_id)?
        .ok_or_else(|| CaseError::Invalid(format!("finding {key} has no observation")))?;
    Ok((f, latest))
}

/// Resolves finding `f` on a person's word (`why`), recording `event` with its
/// facts in the log, and takes it out of its case (resolved, never complied, if
/// nothing else is open).
fn settle_by_person(
    store: &Store,
    mut f: crate::evidence::FindingRecord,
    latest: &crate::evidence::Observation,
    why: &str,
    by: &str,
    (event_name, facts): (&str, serde_json::Value),
) -> Result<(), CaseError> {
    let now = Utc::now();
    f.resolved = Some(Resolution {
        at: now,
        scan_id: f.last_scan,
        reason: why.to_string(),
        capture_log_seq: Some(latest.capture_log_seq),
    });
    let printable = f.key();
    store.record_with(|seq| {
        f.written_by = Some(seq);
        let bytes = serde_json::to_vec(&f).map_err(|e| EvidenceError::Io(e.into()))?;
        // A `finding_resolved` record like a scan's (verify and rebuild read it
        // the same way), saying how and by whom.
        let event = serde_json::json!({
            "key": printable,
            "scan_id": f.last_scan,
            "reason": why,
            "capture_log_seq": latest.capture_log_seq,
            "settled": event_name,
            "by": by,
            "facts": facts,
            "finding_sha256": crate::evidence::sha256_hex(&bytes),
        });
        Ok((
            vec![("finding_resolved".to_string(), event)],
            vec![(
                StateTree::Findings,
                finding_key(&f.finding).into_bytes(),
                bytes,
            )],
        ))
    })?;
    if let Some(mut c) = all(store)?
        .into_iter()
        .find(|c| c.open_findings.contains(&printable))
    {
        let n = c.events.len();
        c.open_findings.remove(&printable);
        let e = c.event(now, event_name, by);
        e.reason = Some(why.to_string());
        e.reference = Some(printable.clone());
        if c.open_findings.is_empty() && !c.state.is_done() {
            c.state = CaseState::Resolved;
            let e = c.event(now, "resolved", by);
            e.reason = Some(format!(
                "nothing left open ({why}): nothing complied, nothing to file"
            ));
        }
        save(store, &c, n)?;
    }
    Ok(())
}
