//! What the desk changes: a case's steps, packets, scans; and its JSON API for the
//! CLI. Every form carries the desk's token ([`check_token`]); every change goes
//! through the same library calls as the CLI's, so it is a `case_event` record in
//! the evidence log naming who did it.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Actor, Desk, DeskError, LastScan};
use axum::Extension;

/// The header the CLI sends the desk's token in (a web page of another origin
/// cannot set it without a CORS preflight, which the desk never answers).
pub const TOKEN_HEADER: &str = "x-brandguard-token";

/// Refuses a form whose token is not the sender's (cross-site request forgery: a
/// page elsewhere, or a captured page, posting to the desk): the session's token
/// with accounts, the desk's without.
fn check_token(expected: &str, sent: &str) -> Result<(), DeskError> {
    // Compared in constant time: the token is a secret.
    let (a, b) = (sent.as_bytes(), expected.as_bytes());
    let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if same { Ok(()) } else { Err(DeskError::Csrf) }
}

/// A step of a case, from the case page's forms (a test buy's photo is added with
/// `brandguard case testbuy --file`: the desk takes no uploads yet).
#[derive(Debug, Deserialize)]
pub(super) struct CaseAction {
    csrf: String,
    /// file, reject, refile, resolve or close.
    action: String,
    #[serde(default)]
    reference: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    by: String,
    /// `confirm` and `testbuy`: the listing (`marketplace/id`).
    #[serde(default)]
    listing: String,
    /// `confirm`: what shows it is a counterfeit.
    #[serde(default)]
    grounds: String,
    /// `testbuy`: the marketplace's order id, the result (counterfeit or genuine)
    /// and notes; `date` is the order's date.
    #[serde(default)]
    order: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    notes: String,
    /// Where the infringement appears (checkboxes).
    #[serde(default)]
    appears_product: Option<String>,
    #[serde(default)]
    appears_packaging: Option<String>,
    #[serde(default)]
    appears_listing: Option<String>,
}

impl CaseAction {
    /// The boxes ticked under "where it appears".
    fn appears(&self) -> Vec<String> {
        [
            ("product", &self.appears_product),
            ("packaging", &self.appears_packaging),
            ("listing", &self.appears_listing),
        ]
        .into_iter()
        .filter(|(_, v)| v.is_some())
        .map(|(k, _)| k.to_string())
        .collect()
    }
}

/// `POST /cases/ID/action`: records the step and shows the case again.
pub(super) async fn case_action(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(a): Form<CaseAction>,
) -> Result<Redirect, DeskError> {
    check_token(&actor.csrf, &a.csrf)?;
    let desk = d.clone();
    let case_id = id.clone();
    let by = actor.who(&a.by);
    tokio::task::spawn_blocking(move || case_step(&desk, &case_id, &a, &by))
        .await
        .map_err(|e| DeskError::BadRequest(format!("the action failed: {e}")))??;
    Ok(Redirect::to(&format!("/cases/{}", urlencode(&id))))
}

fn case_step(d: &Desk, id: &str, a: &CaseAction, by: &str) -> Result<(), DeskError> {
    case_step_with(d, id, a, by, None)
}

/// [`case_step`] with a test buy's photo or receipt (its file name and bytes).
fn case_step_with(
    d: &Desk,
    id: &str,
    a: &CaseAction,
    by: &str,
    file: Option<(String, Vec<u8>)>,
) -> Result<(), DeskError> {
    let store = &d.store;
    let date = if a.date.trim().is_empty() {
        chrono::Local::now().date_naive()
    } else {
        a.date.trim().parse().map_err(|_| {
            DeskError::BadRequest(format!("`{}` is not a date like 2026-12-01", a.date))
        })?
    };
    let need = |what: &str, v: &str| {
        if v.trim().is_empty() {
            Err(DeskError::BadRequest(format!("give the {what}")))
        } else {
            Ok(())
        }
    };
    let c = match a.action.as_str() {
        "file" => {
            need("marketplace's reference", &a.reference)?;
            crate::case::file(store, id, a.reference.trim(), date, by)?
        }
        "refile" => {
            need("marketplace's reference", &a.reference)?;
            crate::case::refile(store, id, a.reference.trim(), date, by)?
        }
        "reject" => {
            need("marketplace's reason", &a.reason)?;
            crate::case::reject(store, id, &a.reason, by)?
        }
        "resolve" => {
            need("reason", &a.reason)?;
            crate::case::resolve(store, id, &a.reason, by)?
        }
        "close" => {
            need("reason", &a.reason)?;
            crate::case::close(store, id, &a.reason, by)?
        }
        "confirm" => {
            need("grounds", &a.grounds)?;
            crate::case::confirm_counterfeit(store, id, &a.listing, &a.grounds, &a.appears(), by)?
        }
        "testbuy" => {
            need("order id", &a.order)?;
            let counterfeit = match a.result.as_str() {
                "counterfeit" => true,
                "genuine" => false,
                _ => {
                    return Err(DeskError::BadRequest(
                        "say what arrived: counterfeit or genuine".into(),
                    ));
                }
            };
            let t = crate::case::TestBuy {
                listing: a.listing.clone(),
                order_id: a.order.trim().to_string(),
                order_date: date,
                counterfeit,
                notes: a.notes.clone(),
                appears_in: a.appears(),
                file,
            };
            crate::case::test_buy(store, id, t, by)?
        }
        other => {
            return Err(DeskError::BadRequest(format!(
                "unknown action `{}`",
                crate::sanitize::terminal(other, 40)
            )));
        }
    };
    tracing::info!(case = %c.id, action = %a.action, %by, state = %c.state, "case step recorded from the desk");
    Ok(())
}

/// Largest test-buy photo or receipt the desk takes.
pub(super) const UPLOAD_LIMIT: usize = 25 * 1024 * 1024;

/// `POST /cases/ID/testbuy`: a test buy with its photo or receipt (a multipart
/// form: the case page's test-buy fields and a `file`), kept in the store like a
/// page and cited by its SHA-256 in the packets.
pub(super) async fn test_buy_upload(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    mut form: axum::extract::Multipart,
) -> Result<Redirect, DeskError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        DeskError::BadRequest(format!("the form could not be read: {}", e.body_text()))
    };
    let mut fields = serde_json::Map::new();
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field.bytes().await.map_err(bad)?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
        } else if !name.is_empty() {
            let text = field.text().await.map_err(bad)?;
            fields.insert(name, text.into());
        }
    }
    fields.insert("action".into(), "testbuy".into());
    let a: CaseAction = serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|e| DeskError::BadRequest(format!("the test buy's form: {e}")))?;
    check_token(&actor.csrf, &a.csrf)?;
    let by = actor.who(&a.by);
    let case_id = id.clone();
    super::pages::blocking(&d, move |desk| {
        case_step_with(desk, &case_id, &a, &by, file)
    })
    .await?;
    Ok(Redirect::to(&format!("/cases/{}", urlencode(&id))))
}

/// A form with only the token (and who acts).
#[derive(Debug, Deserialize)]
pub(super) struct Plain {
    csrf: String,
    #[serde(default)]
    by: String,
}

/// `POST /cases/ID/packet`: builds the case's next packet revision (rendering
/// first what has no rendered capture) and offers its zip.
pub(super) async fn build_packet(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Form(f): Form<Plain>,
) -> Result<Response, DeskError> {
    check_token(&actor.csrf, &f.csrf)?;
    let opts = crate::report::packet::BuildOptions::default();
    let pages = {
        let desk = d.clone();
        let id = id.clone();
        tokio::task::spawn_blocking(move || {
            crate::report::packet::pages_to_render(&desk.config(), &desk.store, &id, opts)
        })
        .await
        .map_err(|e| DeskError::BadRequest(format!("the packet failed: {e}")))?
    };
    if let Ok(pages) = pages
        && !pages.is_empty()
    {
        match crate::scan::render_pages(&d.config(), &d.store, &pages).await {
            Ok(done) => {
                for (url, why) in done.failed {
                    tracing::warn!(%url, %why, "not rendered for the packet");
                }
                for (url, why) in done.shown_otherwise {
                    tracing::warn!(%url, %why, "rendered, but not beside its findings");
                }
            }
            Err(e) => tracing::warn!(error = %e, "no renders for the packet"),
        }
    }
    let desk = d.clone();
    let case_id = id.clone();
    let by = actor.who(&f.by);
    let built = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&desk.packets).map_err(|e| {
            DeskError::BadRequest(format!("cannot create {}: {e}", desk.packets.display()))
        })?;
        let p = crate::report::packet::build_with(
            &desk.config(),
            &desk.store,
            &case_id,
            &desk.packets,
            opts,
        )?;
        tracing::info!(case = %case_id, revision = p.revision, %by, "packet built from the desk");
        Ok::<_, DeskError>(p)
    })
    .await
    .map_err(|e| DeskError::BadRequest(format!("the packet failed: {e}")))?;
    match built {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{}", urlencode(&id))).into_response()),
        Err(DeskError::Packet(
            e @ (crate::report::packet::PacketError::Unconfirmed { .. }
            | crate::report::packet::PacketError::NotFit { .. }),
        )) => Err(DeskError::BadRequest(format!("not built: {e}"))),
        Err(e) => Err(e),
    }
}

/// The zip of revision `revision` of case `c`'s packet in the desk's packets
/// folder, by file name, if it is there.
pub(super) fn packet_zip_name(d: &Desk, c: &crate::case::Case, revision: u32) -> Option<String> {
    let prefix = format!("{}-", c.id);
    let suffix = format!("-r{revision}.zip");
    std::fs::read_dir(&d.packets)
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .find(|n| n.starts_with(&prefix) && n.ends_with(&suffix))
}

/// `GET /packets/NAME.zip`: a packet the desk built, as a download.
pub(super) async fn download_packet(
    State(d): State<Arc<Desk>>,
    Path(name): Path<String>,
) -> Result<Response, DeskError> {
    // Only a plain file name of the packets folder: no `/`, no `..`.
    let plain = name.ends_with(".zip")
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    let path = d.packets.join(&name);
    if !plain || !path.is_file() {
        return Err(DeskError::NotFound(format!(
            "no packet {}",
            crate::sanitize::terminal(&name, 80)
        )));
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| DeskError::NotFound(format!("cannot read {name}: {e}")))?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /scans`: starts a scan of the targets now, as a task of the desk on its
/// store (one at a time); the Scans page shows it running and how it ended.
pub(super) async fn start_scan(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Form(f): Form<Plain>,
) -> Result<Redirect, DeskError> {
    check_token(&actor.csrf, &f.csrf)?;
    tracing::info!(by = %actor.who(&f.by), "scan started from the desk");
    spawn_scan(&d);
    Ok(Redirect::to("/scans"))
}

/// Starts the desk's scan unless one runs or the desk is stopping; whether it
/// started.
pub fn spawn_scan(d: &Arc<Desk>) -> bool {
    {
        let mut s = d.scan_state();
        // A desk asked to stop starts nothing more (its server still answers
        // while the running scan stops).
        if s.running_since.is_some() || d.stopping() {
            return false;
        }
        s.running_since = Some(chrono::Utc::now());
    }
    let desk = d.clone();
    tokio::spawn(async move {
        // The night runs as its own task: if it panics, the desk still says the
        // scan ended, and failed, instead of showing it running for ever.
        let night_desk = desk.clone();
        let ran = tokio::spawn(async move { run_night(&night_desk).await }).await;
        let last = ran.unwrap_or_else(|e| LastScan {
            finished_at: chrono::Utc::now(),
            scan_id: None,
            exit: 1,
            message: format!("the scan stopped on an internal error: {e}"),
        });
        tracing::info!(exit = last.exit, message = %last.message, "the desk's scan ended");
        let mut s = desk.scan_state();
        s.running_since = None;
        s.last = Some(last);
    });
    true
}

/// One night in the desk: the scan and the steps after it; how it ended.
async fn run_night(desk: &Desk) -> LastScan {
    let config = desk.config();
    let options = crate::scan::ScanOptions {
        stop: Some(desk.scan_stop_asked()),
        ..crate::scan::ScanOptions::default()
    };
    let started = chrono::Utc::now();
    let summary_path = beside_store(desk).join("last-scan.json");
    match crate::scan::run(&config, &desk.store, options).await {
        Ok(mut summary) => {
            night(desk, &mut summary).await;
            LastScan {
                finished_at: chrono::Utc::now(),
                scan_id: Some(summary.scan_id),
                exit: summary.exit_code(),
                message: format!(
                    "{} pages, {} listings, {} new findings, {} failures",
                    summary.pages_fetched,
                    summary.listings_seen,
                    summary.findings_new,
                    summary.failures.values().sum::<u64>()
                ),
            }
        }
        Err(e) => {
            let begun = matches!(e, crate::scan::ScanError::Stopped { .. });
            let kept =
                crate::scan::night::stopped(&config, &desk.store, started, None, e, &summary_path)
                    .await;
            let s = &kept.summary;
            let why = s.stopped.clone().unwrap_or_default();
            LastScan {
                finished_at: chrono::Utc::now(),
                scan_id: begun.then_some(s.scan_id),
                exit: 1,
                message: if begun {
                    format!(
                        "stopped before it finished, after {} pages and {} listings (the next scan resumes it): {why}",
                        s.pages_fetched, s.listings_seen
                    )
                } else {
                    why
                },
            }
        }
    }
}

/// The folder that holds the store, where the night's files go.
fn beside_store(d: &Desk) -> std::path::PathBuf {
    d.store
        .path()
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .to_path_buf()
}

/// The rest of the nightly job, as `brandguard scan` does it: the log
/// time-stamped, findings.csv written and what is new announced, the summary
/// written beside the store (`last-scan.json`).
async fn night(d: &Desk, s: &mut crate::summary::ScanSummary) {
    let beside = beside_store(d);
    let path = beside.join("last-scan.json");
    // At once, then again with the time-stamp and the announcement (see `scan`);
    // a failure is logged there.
    let _ = crate::scan::night::write_summary(&path, s);
    if let Some(tsa) = &d.config().brand.evidence.tsa {
        s.timestamp = Some(crate::scan::night::timestamp(&d.store, tsa).await);
    }
    crate::scan::night::announce(&d.config(), &d.store, s, &beside.join("findings.csv")).await;
    let _ = crate::scan::night::write_summary(&path, s);
}

/// The CLI's token, from its header.
fn check_api(d: &Desk, headers: &HeaderMap) -> Result<(), DeskError> {
    let sent = headers
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    check_token(&d.token, sent)
}

/// `GET /api/cases?state=S`: every case as JSON, for `brandguard case list`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct StateQuery {
    #[serde(default)]
    state: Option<crate::case::CaseState>,
}

pub(super) async fn api_cases(
    State(d): State<Arc<Desk>>,
    headers: HeaderMap,
    Query(q): Query<StateQuery>,
) -> Result<Response, DeskError> {
    check_api(&d, &headers)?;
    let desk = d.clone();
    let cases = tokio::task::spawn_blocking(move || crate::case::all(&desk.store))
        .await
        .map_err(|e| DeskError::BadRequest(format!("the listing failed: {e}")))??;
    let cases: Vec<_> = cases
        .into_iter()
        .filter(|c| q.state.is_none_or(|s| c.state == s))
        .collect();
    Ok(axum::Json(cases).into_response())
}

/// The desk's scan as the API reports it: its state and the targets it scans.
#[derive(Debug, Clone, serde::Serialize, Deserialize)]
pub struct ApiScan {
    pub targets: std::path::PathBuf,
    /// Whether this request started a scan (`POST`).
    #[serde(default)]
    pub started: bool,
    #[serde(flatten)]
    pub state: super::ScanState,
}

fn api_scan(d: &Desk, started: bool) -> ApiScan {
    ApiScan {
        targets: d.config().dir.clone(),
        started,
        state: d.scan_state().clone(),
    }
}

/// `GET /api/scan`: the desk's scan, running or last ended.
pub(super) async fn api_scan_state(
    State(d): State<Arc<Desk>>,
    headers: HeaderMap,
) -> Result<Response, DeskError> {
    check_api(&d, &headers)?;
    Ok(axum::Json(api_scan(&d, false)).into_response())
}

/// `POST /api/scan`: starts the desk's scan (the nightly job while a desk holds
/// the store: `brandguard scan` asks for it); 409 when one runs already.
pub(super) async fn api_start_scan(
    State(d): State<Arc<Desk>>,
    headers: HeaderMap,
) -> Result<Response, DeskError> {
    check_api(&d, &headers)?;
    let started = spawn_scan(&d);
    let status = if started {
        StatusCode::ACCEPTED
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, axum::Json(api_scan(&d, started))).into_response())
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The sign-in form's fields.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Login {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    /// Where to go after (a path of the desk).
    #[serde(default)]
    next: String,
}

/// A path of this desk to go back to after signing in: `/…` but never `//host`
/// or `/\host` (both would leave the desk).
fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\")).then_some(next)
}

fn login_form(
    d: &Desk,
    next: &str,
    error: Option<&str>,
) -> Result<axum::response::Html<String>, DeskError> {
    let nobody = Actor {
        account: None,
        role: super::Role::Viewer,
        csrf: String::new(),
    };
    d.page(
        &nobody,
        "login.html",
        serde_json::json!({"title": "Sign in", "next": next, "error": error, "login": true}),
    )
}

/// `GET /login`.
pub(super) async fn login_page(
    State(d): State<Arc<Desk>>,
    Query(q): Query<Login>,
) -> Result<Response, DeskError> {
    if d.users.is_none() {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(login_form(&d, &q.next, None)?.into_response())
}

/// `POST /login`: checks the password (off the async threads: argon2 is meant to
/// be slow), opens a session and sets its cookie.
pub(super) async fn login(
    State(d): State<Arc<Desk>>,
    jar: axum_extra::extract::CookieJar,
    Form(f): Form<Login>,
) -> Result<Response, DeskError> {
    if d.users.is_none() {
        return Ok(Redirect::to("/").into_response());
    }
    let name = f.user.trim().to_string();
    if !d.sessions.may_try(&name) {
        tracing::warn!(user = %crate::sanitize::terminal(&name, 64), "sign-in refused: too many tries");
        let page = login_form(
            &d,
            &f.next,
            Some("Too many tries for this name: wait a minute."),
        )?;
        return Ok((StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let desk = d.clone();
    let (n, password) = (name.clone(), f.password.clone());
    let user = tokio::task::spawn_blocking(move || {
        desk.users
            .as_ref()
            .and_then(|u| u.get().check(&n, &password).cloned())
    })
    .await
    .map_err(|e| DeskError::BadRequest(format!("the sign-in failed: {e}")))?;
    let Some(user) = user else {
        tracing::warn!(user = %crate::sanitize::terminal(&name, 64), "sign-in failed");
        let page = login_form(&d, &f.next, Some("Wrong name or password."))?;
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    let id = d.sessions.open(&user);
    tracing::info!(user = %user.name, role = user.role.as_str(), "signed in");
    let cookie = axum_extra::extract::cookie::Cookie::build((super::accounts::SESSION_COOKIE, id))
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(axum_extra::extract::cookie::SameSite::Strict)
        .build();
    let to = safe_next(&f.next)
        .filter(|n| !n.starts_with("/login"))
        .unwrap_or(user.role.home())
        .to_string();
    Ok((jar.add(cookie), Redirect::to(&to)).into_response())
}

/// `POST /logout`: ends the session.
pub(super) async fn logout(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    jar: axum_extra::extract::CookieJar,
    Form(f): Form<Plain>,
) -> Result<Response, DeskError> {
    check_token(&actor.csrf, &f.csrf)?;
    if let Some(c) = jar.get(super::accounts::SESSION_COOKIE) {
        d.sessions.close(c.value());
    }
    tracing::info!(user = ?actor.account, "signed out");
    let jar = jar.remove(
        axum_extra::extract::cookie::Cookie::build(super::accounts::SESSION_COOKIE).path("/"),
    );
    Ok((jar, Redirect::to("/login")).into_response())
}

/// The queue's forms about one finding.
#[derive(Debug, Deserialize)]
pub(super) struct FindingForm {
    csrf: String,
    /// The finding (`marketplace/listing/kind`).
    key: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    by: String,
}

/// `POST /findings/dismiss`: the finding is a false positive; it leaves the
/// queue now and is not flagged again while the listing stays as it is.
pub(super) async fn dismiss(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Form(f): Form<FindingForm>,
) -> Result<Redirect, DeskError> {
    check_token(&actor.csrf, &f.csrf)?;
    let by = actor.who(&f.by);
    super::pages::blocking(&d, move |desk| {
        desk.edit_targets(|config| {
            crate::case::dismiss(&config.dir, &desk.store, &f.key, &f.reason, &by)?;
            Ok(())
        })
    })
    .await?;
    Ok(Redirect::to("/"))
}

/// `POST /findings/authorize`: the finding's seller becomes an authorised seller
/// (appended to brand.toml with who and when); its unauthorised-seller findings
/// are resolved as authorised.
pub(super) async fn authorize(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Form(f): Form<FindingForm>,
) -> Result<Redirect, DeskError> {
    check_token(&actor.csrf, &f.csrf)?;
    let by = actor.who(&f.by);
    super::pages::blocking(&d, move |desk| {
        let r = desk
            .store
            .finding(&crate::evidence::finding_key_of_printable(&f.key))?
            .ok_or_else(|| DeskError::NotFound(format!("no finding {}", f.key)))?;
        let fi = &r.finding;
        let seller = crate::config::edit::NewSeller {
            marketplace: fi.marketplace.clone(),
            account_id: fi.seller_id.clone().unwrap_or_default(),
            name: fi.seller_name.clone().unwrap_or_default(),
            by: by.clone(),
            at: chrono::Utc::now(),
        };
        let id = desk.edit_targets(|config| {
            crate::config::edit::authorize_seller(config, &seller)
                .map_err(|e| DeskError::BadRequest(e.to_string()))
        })?;
        let key = crate::ident::seller_key(fi.seller_id.as_deref(), fi.seller_name.as_deref());
        let n = crate::case::seller_authorised(&desk.store, &fi.marketplace, &key, &id, &by)?;
        tracing::info!(seller = %id, marketplace = %fi.marketplace, %by, findings = n, "seller authorised from the desk");
        Ok(())
    })
    .await?;
    Ok(Redirect::to("/"))
}

/// `POST /dismissals/undo`: dismissal number `n` is removed (the next scan
/// flags its listing again); `at` must be that dismissal's time, so a list
/// changed meanwhile by someone else cannot make it remove another.
#[derive(Debug, Deserialize)]
pub(super) struct UndoForm {
    csrf: String,
    n: usize,
    at: String,
    #[serde(default)]
    by: String,
}

pub(super) async fn undo_dismissal(
    State(d): State<Arc<Desk>>,
    Extension(actor): Extension<Actor>,
    Form(f): Form<UndoForm>,
) -> Result<Redirect, DeskError> {
    check_token(&actor.csrf, &f.csrf)?;
    let by = actor.who(&f.by);
    super::pages::blocking(&d, move |desk| {
        desk.edit_targets(|config| {
            use crate::judge::dismissals::Dismissals;
            let bad = |e: crate::judge::dismissals::DismissalError| {
                DeskError::BadRequest(e.to_string())
            };
            let same = Dismissals::load(&config.dir)
                .map_err(bad)?
                .0
                .get(f.n)
                .is_some_and(|x| x.at.to_rfc3339() == f.at);
            if !same {
                return Err(DeskError::BadRequest(
                    "the list of dismissals changed meanwhile: look at it again".into(),
                ));
            }
            let (_, gone) = Dismissals::remove(&config.dir, f.n).map_err(bad)?;
            desk.store.record(
                vec![(
                    "dismissal_undone".into(),
                    serde_json::json!({
                        "by": by,
                        "finding": format!("{}/{}/{}", gone.marketplace, gone.listing_id, gone.kind.as_str()),
                        "dismissed_by": gone.by,
                        "reason": gone.reason,
                    }),
                )],
                Vec::new(),
            )?;
            tracing::info!(listing = %gone.listing_id, %by, "dismissal undone");
            Ok(())
        })
    })
    .await?;
    Ok(Redirect::to("/dismissals"))
}
