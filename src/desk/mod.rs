//! The review desk: `brandguard serve`, a local web app where the legal team and
//! channel managers work the queue of findings, the cases and the distributors'
//! scorecards, and start a scan, without the command line.
//!
//! **Why the desk owns the store and runs the scans itself.** A sled store is
//! opened by one process at a time (its lock file), and every write goes through
//! the store's one hash chain, serialised by a mutex inside that process. A second
//! process cannot read a store a scan is writing, so a reader that wanted a scan's
//! store would wait for hours. The desk therefore opens the store once and keeps it:
//! its pages read it while the scan it runs writes it (sled readers never wait for
//! writers, and a page sees every record committed so far); a scan started from
//! the desk (`Scans` page, or `brandguard scan` while a desk runs, which asks the
//! desk) runs as a task of the same process on the same store. The other choice,
//! a scan writing a shard store merged when it finishes, would show the queue
//! nothing of tonight's scan until morning and double the disk; merging stays for
//! scans on other machines.
//!
//! **How the CLI finds a desk.** While it runs, the desk writes `desk.json` in
//! the store's folder (its address and a random token, readable by the store's
//! owner only); the CLI's readers that find the store locked ask the desk's JSON
//! API instead (`case list`), sending the token in a header, which a web page of
//! another origin cannot do (no CORS is answered).
//!
//! **Safety.** Every form carries the desk's CSRF token and every POST is checked
//! against it; pages are server-rendered with auto-escaping (seller names with
//! `<script>`, right-to-left overrides and 5 MB names are page text, escaped and
//! cut); a captured page is shown only from `/capture/SHA` with
//! `Content-Security-Policy: sandbox` and `default-src 'none'`: no script runs, it
//! has an opaque origin (no cookie, no same-origin request to the desk) and may
//! fetch nothing. Without accounts the desk listens on loopback only; with a
//! users file ([`accounts`]) every page wants a signed-in person whose role allows
//! it, forms carry that session's own token, and the account is recorded as who
//! acted.

pub mod accounts;
mod actions;
mod pages;

pub use accounts::{Actor, LiveUsers, Role, Users};
pub use actions::{ApiScan, TOKEN_HEADER, spawn_scan};

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::evidence::Store;

/// The file a running desk advertises itself in, inside the store's folder.
pub const ADVERT_FILE: &str = "desk.json";

/// What went wrong serving the desk or one of its pages.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(
        "the desk listens on {addr}, which is not a loopback address: without accounts it may only listen on 127.0.0.1 or ::1 (give it a users file: --users FILE, made with `brandguard users add`)"
    )]
    NotLoopback { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Advert {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Evidence(#[from] crate::evidence::EvidenceError),
    #[error(transparent)]
    Case(#[from] crate::case::CaseError),
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    #[error(transparent)]
    Packet(#[from] crate::report::packet::PacketError),
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("not found: {0}")]
    NotFound(String),
    #[error("the form's token does not match this desk's: reload the page and try again")]
    Csrf,
    #[error("your role ({role}) may not {what}: ask someone with the legal role")]
    Forbidden { role: &'static str, what: String },
    #[error("{0}")]
    BadRequest(String),
}

impl IntoResponse for DeskError {
    fn into_response(self) -> Response {
        let status = match &self {
            DeskError::NotFound(_) => StatusCode::NOT_FOUND,
            DeskError::Case(crate::case::CaseError::NotFound(_)) => StatusCode::NOT_FOUND,
            DeskError::Csrf | DeskError::Forbidden { .. } => StatusCode::FORBIDDEN,
            DeskError::BadRequest(_)
            | DeskError::Case(
                crate::case::CaseError::WrongState { .. } | crate::case::CaseError::Invalid(_),
            ) => StatusCode::BAD_REQUEST,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "desk page failed");
        }
        let text = html_escape::encode_text(&self.to_string()).to_string();
        // A channel manager cannot open the queue: send them back where they work.
        let (back, to) = match &self {
            DeskError::Forbidden {
                role: "channel", ..
            } => ("/distributors", "the distributors"),
            _ => ("/", "the queue"),
        };
        let body = format!(
            "<!doctype html><meta charset=\"utf-8\"><title>brandguard desk</title><p>{text}</p><p><a href=\"{back}\">back to {to}</a></p>"
        );
        (status, Html(body)).into_response()
    }
}

/// The scan the desk runs, if any, and how the last one ended.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ScanState {
    /// When the running scan started.
    pub running_since: Option<DateTime<Utc>>,
    /// The last scan the desk ran: its id and exit code, or why it failed.
    pub last: Option<LastScan>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LastScan {
    pub finished_at: DateTime<Utc>,
    pub scan_id: Option<u64>,
    /// The exit code `brandguard scan` would have given (0 fine, 3 partial, 5 a
    /// marketplace not looked at in full or no longer matching its adapter), or 1
    /// when the scan failed.
    pub exit: u8,
    pub message: String,
}

/// A running desk's state, shared by its handlers.
pub struct Desk {
    /// The targets as last loaded: read again when the desk changes them
    /// (a dismissal, a seller authorised); a running scan keeps the one it began with.
    config: std::sync::RwLock<Arc<Config>>,
    store: Arc<Store>,
    env: minijinja::Environment<'static>,
    /// The CSRF token of every form, and the CLI's API token (see `desk.json`).
    token: String,
    scan: Mutex<ScanState>,
    /// Set (to why) when the desk is asked to stop: its running scan then stops,
    /// flushes and writes its summary, as `brandguard scan` does on SIGTERM.
    stop_scan: tokio::sync::watch::Sender<Option<String>>,
    /// Where packets built from the desk are written (`STORE/../packets`).
    packets: PathBuf,
    /// The accounts, when the desk has any: then every page wants a session.
    users: Option<LiveUsers>,
    /// Held while the desk changes the targets folder (a file is read, changed
    /// and written whole: two reviewers at once must not lose one's change).
    targets_edit: Mutex<()>,
    sessions: accounts::Sessions,
    /// What the heavy pages (queue, scorecards) read of the whole store, kept
    /// [`PAGE_TTL`]: fifty people reading the queue during a scan then cost one
    /// walk of the findings every few seconds, not fifty. Any change made at the
    /// desk empties it.
    cache: PageCache,
}

/// How long a heavy page's data is reused: pages may be this far behind a
/// running scan, never behind a change made at the desk.
pub const PAGE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Default)]
struct PageCache {
    entries: Mutex<std::collections::HashMap<String, (std::time::Instant, serde_json::Value)>>,
    /// One heavy page built at a time: readers asking meanwhile wait for it and
    /// take it, and the scan keeps the other core.
    building: tokio::sync::Mutex<()>,
    /// Counts clears: data built before a change made at the desk is not kept.
    generation: std::sync::atomic::AtomicU64,
}

impl PageCache {
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn fresh(&self, key: &str) -> Option<serde_json::Value> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .filter(|(at, _)| at.elapsed() < PAGE_TTL)
            .map(|(_, v)| v.clone())
    }

    fn put(&self, key: String, v: serde_json::Value, built_in: u64) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if built_in != self.generation() {
            return;
        }
        map.retain(|_, (at, _)| at.elapsed() < PAGE_TTL);
        map.insert(key, (std::time::Instant::now(), v));
    }

    fn clear(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

impl Desk {
    /// A desk over `store` for the brand of `config`, with accounts when `users`
    /// is given.
    pub fn new(config: Config, store: Store, users: Option<Users>) -> Arc<Desk> {
        let packets = store
            .path()
            .parent()
            .unwrap_or(Path::new("."))
            .join("packets");
        let mut env = crate::report::templates::environment(&config.dir, "desk");
        env.add_filter("short", |s: String| s.chars().take(12).collect::<String>());
        // A case id in a path: percent-encoded (ids are ours, but a path is a path).
        env.add_filter("urlencode", |s: String| {
            url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
        });
        let sessions = users
            .as_ref()
            .map_or_else(accounts::Sessions::default, |u| {
                accounts::Sessions::kept_in(u.sessions_file())
            });
        Arc::new(Desk {
            config: std::sync::RwLock::new(Arc::new(config)),
            store: Arc::new(store),
            env,
            token: random_token(),
            scan: Mutex::new(ScanState::default()),
            stop_scan: tokio::sync::watch::channel(None).0,
            packets,
            users: users.map(LiveUsers::new),
            targets_edit: Mutex::new(()),
            sessions,
            cache: PageCache::default(),
        })
    }

    /// The targets as they are now.
    pub fn config(&self) -> Arc<Config> {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs `change` on the targets folder, one change at a time, then loads the
    /// targets again.
    fn edit_targets<T>(
        &self,
        change: impl FnOnce(&Config) -> Result<T, DeskError>,
    ) -> Result<T, DeskError> {
        let _one = self.targets_edit.lock().unwrap_or_else(|p| p.into_inner());
        let out = change(&self.config())?;
        self.reload_config()?;
        Ok(out)
    }

    /// Loads the targets folder again after the desk changed it; the desk keeps
    /// the targets it had if they no longer load (and says why).
    fn reload_config(&self) -> Result<(), DeskError> {
        let old = self.config();
        let mut fresh = Config::load(&old.dir)
            .map_err(|e| DeskError::BadRequest(format!("the targets no longer load: {e}")))?;
        // What the desk was started with beyond the files (base URL overrides,
        // render mode) stays.
        fresh.marketplaces = old.marketplaces.clone();
        fresh.brand.render = old.brand.render.clone();
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(fresh);
        Ok(())
    }

    /// The store the desk holds.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The token forms and the CLI must send.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The desk's scan: running since when, how the last one ended.
    pub fn scan_state_now(&self) -> ScanState {
        self.scan_state().clone()
    }

    fn scan_state(&self) -> std::sync::MutexGuard<'_, ScanState> {
        self.scan.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks the running scan, if any, to stop (`why`: the signal), and any scan
    /// started after this to stop at once. Returns when no scan runs.
    pub async fn stop_scan(&self, why: &str) {
        self.stop_scan.send_replace(Some(why.to_string()));
        let mut every = tokio::time::interval(std::time::Duration::from_millis(100));
        while self.scan_state().running_since.is_some() {
            every.tick().await;
        }
    }

    /// Whether the desk was asked to stop.
    pub fn stopping(&self) -> bool {
        self.stop_scan.borrow().is_some()
    }

    /// Resolves (to why) when the desk's scan is asked to stop.
    fn scan_stop_asked(
        &self,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = String> + Send>> {
        let mut asked = self.stop_scan.subscribe();
        Box::pin(async move {
            let why = asked.wait_for(Option::is_some).await.map(|w| w.clone());
            match why {
                Ok(why) => why.unwrap_or_default(),
                // The desk is gone: nobody can ask any more.
                Err(_) => std::future::pending().await,
            }
        })
    }

    /// Who acts on a desk without accounts: the machine's user, with the desk's
    /// token.
    fn machine(&self) -> Actor {
        Actor {
            account: None,
            role: Role::Legal,
            csrf: self.token.clone(),
        }
    }

    /// Renders desk template `name` for `who` with `ctx` (plus their form token,
    /// what they may do, and the scan state).
    fn page(
        &self,
        who: &Actor,
        name: &str,
        mut ctx: serde_json::Value,
    ) -> Result<Html<String>, DeskError> {
        ctx["csrf"] = who.csrf.clone().into();
        ctx["account"] = who.account.clone().into();
        ctx["role"] = who.role.as_str().into();
        // Forms that change something are shown to those who may send them.
        ctx["can_act"] = (who.role == Role::Legal).into();
        ctx["can_read_cases"] = (who.role != Role::Channel).into();
        ctx["brand"] = self.config().brand.name.clone().into();
        ctx["scan"] = serde_json::to_value(&*self.scan_state()).unwrap_or_default();
        let t = self
            .env
            .get_template(name)
            .map_err(|e| DeskError::Template {
                name: name.into(),
                message: format!("{e:#}"),
            })?;
        t.render(minijinja::value::Serde(ctx))
            .map(Html)
            .map_err(|e| DeskError::Template {
                name: name.into(),
                message: format!("{e:#}"),
            })
    }
}

/// 32 random bytes, hex.
pub(crate) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// The desk's routes.
pub fn router(desk: Arc<Desk>) -> Router {
    Router::new()
        .route("/", get(pages::queue))
        .route("/login", get(actions::login_page).post(actions::login))
        .route("/logout", post(actions::logout))
        .route("/cases", get(pages::cases))
        .route("/findings/dismiss", post(actions::dismiss))
        .route("/findings/authorize", post(actions::authorize))
        .route("/dismissals", get(pages::dismissals))
        .route("/dismissals/undo", post(actions::undo_dismissal))
        .route("/cases/{id}", get(pages::case))
        .route("/cases/{id}/action", post(actions::case_action))
        .route("/cases/{id}/packet", post(actions::build_packet))
        .route(
            "/cases/{id}/testbuy",
            post(actions::test_buy_upload)
                .layer(axum::extract::DefaultBodyLimit::max(actions::UPLOAD_LIMIT)),
        )
        .route("/packets/{name}", get(actions::download_packet))
        .route("/capture/{sha}", get(pages::capture))
        .route("/screenshot/{sha}", get(pages::screenshot))
        .route("/scans", get(pages::scans).post(actions::start_scan))
        .route("/distributors", get(pages::distributors))
        .route("/distributors/{id}/report", get(pages::distributor_report))
        .route("/api/cases", get(actions::api_cases))
        .route(
            "/api/scan",
            get(actions::api_scan_state).post(actions::api_start_scan),
        )
        .layer(axum::middleware::from_fn_with_state(desk.clone(), guard))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(desk)
}

/// Who may reach what. Without accounts everyone is the machine's user. With
/// accounts: `/login` is open; the JSON API checks the CLI's token itself; every
/// other request needs a session (a page asked for without one is sent to sign in,
/// and comes back after), and a role that may not make it gets 403.
async fn guard(
    axum::extract::State(d): axum::extract::State<Arc<Desk>>,
    jar: axum_extra::extract::CookieJar,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path().to_string();
    if !same_origin(&req) {
        tracing::warn!(%path, "refused: a form sent from another site");
        return DeskError::Csrf.into_response();
    }
    let changes = !matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD
    );
    let res = if d.users.is_none() || path.starts_with("/api/") {
        req.extensions_mut().insert(d.machine());
        next.run(req).await
    } else {
        signed_in(&d, &jar, req, next).await
    };
    if changes {
        // Whatever it changed, no page shows what was before.
        d.cache.clear();
    }
    res
}

/// [`guard`] on a desk with accounts.
async fn signed_in(
    d: &Desk,
    jar: &axum_extra::extract::CookieJar,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path().to_string();
    if path == "/login" {
        return next.run(req).await;
    }
    let users = d.users.as_ref().map(LiveUsers::get);
    let actor = jar
        .get(accounts::SESSION_COOKIE)
        .zip(users.as_deref())
        .and_then(|(c, users)| d.sessions.actor(c.value(), users));
    let Some(actor) = actor else {
        let back = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .filter(|_| req.method() == axum::http::Method::GET)
            .unwrap_or("/");
        let to = format!(
            "/login?next={}",
            url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
        );
        return axum::response::Redirect::to(&to).into_response();
    };
    if !actor.role.may(req.method(), &path) {
        tracing::warn!(account = ?actor.account, role = actor.role.as_str(), method = %req.method(), %path, "refused: role");
        let what = format!("{} {}", req.method(), crate::sanitize::terminal(&path, 120));
        return DeskError::Forbidden {
            role: actor.role.as_str(),
            what,
        }
        .into_response();
    }
    req.extensions_mut().insert(actor);
    next.run(req).await
}

/// Whether a request that changes something came from the desk's own pages: a
/// browser names the page's origin in `Origin` on every POST; another site's
/// (or a sandboxed capture's `null`) is refused before any token is looked at,
/// the sign-in form included. Requests without `Origin` (the CLI) pass on to the
/// token checks.
fn same_origin(req: &axum::extract::Request) -> bool {
    if req.method() == axum::http::Method::GET || req.method() == axum::http::Method::HEAD {
        return true;
    }
    let Some(origin) = req.headers().get(axum::http::header::ORIGIN) else {
        return true;
    };
    let host = req
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| url::Url::parse(o).ok())
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            })
        });
    matches!((origin_host, host), (Some(o), Some(h)) if o == h)
}

/// Every answer of the desk: no framing by other sites, no sniffing, no referrer
/// leaking a case id to a marketplace; pages allow no script at all.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: &'static str, v: &'static str| {
        h.entry(k)
            .or_insert(axum::http::HeaderValue::from_static(v));
    };
    set(h, "x-content-type-options", "nosniff");
    set(h, "x-frame-options", "SAMEORIGIN");
    // `same-origin`: nothing of a case reaches a marketplace through a link, and
    // the desk's own forms still carry their origin (see `same_origin`).
    set(h, "referrer-policy", "same-origin");
    set(
        h,
        "content-security-policy",
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-src 'self'; form-action 'self'; frame-ancestors 'self'",
    );
    res
}

/// What `desk.json` says: where the desk answers and the token its API wants.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Advert {
    pub url: String,
    pub token: String,
    pub pid: u32,
}

impl Advert {
    /// The advert of the desk running on the store at `store`, if one is there and
    /// its process still runs (a desk killed with SIGKILL leaves its file behind; the
    /// store's lock then belongs to someone else, e.g. a scan).
    pub fn read(store: &Path) -> Option<Advert> {
        let bytes = std::fs::read(store.join(ADVERT_FILE)).ok()?;
        let advert: Advert = serde_json::from_slice(&bytes).ok()?;
        let pid = libc::pid_t::try_from(advert.pid).ok()?;
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        let alive = unsafe { libc::kill(pid, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        alive.then_some(advert)
    }

    /// Whether something accepts connections at the advert's address (within 1 s):
    /// a live process under the advert's pid may be another program that reused the
    /// pid of a desk killed with SIGKILL.
    pub fn answers(&self) -> bool {
        url::Url::parse(&self.url)
            .ok()
            .and_then(|u| u.socket_addrs(|| None).ok())
            .and_then(|addrs| addrs.into_iter().next())
            .is_some_and(|addr| {
                std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(1))
                    .is_ok()
            })
    }
}

/// Removes `desk.json` when the desk stops.
struct AdvertGuard(PathBuf);

impl Drop for AdvertGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A desk serving in the background (tests, `serve`).
pub struct Running {
    pub addr: SocketAddr,
    pub desk: Arc<Desk>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops serving and waits until the desk has let go of the store's advert.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until the process is asked to stop (Ctrl-C, SIGTERM). A scan the
    /// desk runs then stops as `brandguard scan` would: its pages in flight
    /// dropped, the store flushed, its summary (`stopped`) written and announced;
    /// the next scan resumes it. A second signal ends the process at once (the
    /// store survives that as it survives a crash).
    pub async fn until_signal(self) {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        let mut int = signal(SignalKind::interrupt()).ok();
        async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
            match s.as_mut() {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        let why = tokio::select! {
            _ = next(&mut int) => "SIGINT (Ctrl-C)",
            _ = next(&mut term) => "SIGTERM",
        };
        tracing::info!(signal = why, "the desk is asked to stop");
        let desk = self.desk.clone();
        let stopping = async move {
            desk.stop_scan(why).await;
            self.stop().await;
        };
        tokio::select! {
            _ = stopping => {}
            _ = next(&mut int) => std::process::exit(1),
            _ = next(&mut term) => std::process::exit(1),
        }
    }
}

/// Starts the desk on `listen` (loopback only without accounts) and advertises it
/// in the store's folder.
pub async fn start(
    config: Config,
    store: Store,
    listen: SocketAddr,
    users: Option<Users>,
) -> Result<Running, DeskError> {
    if !listen.ip().is_loopback() && users.is_none() {
        return Err(DeskError::NotLoopback { addr: listen });
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|source| DeskError::Listen {
            addr: listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| DeskError::Listen {
        addr: listen,
        source,
    })?;
    let desk = Desk::new(config, store, users);
    let advert_path = desk.store.path().join(ADVERT_FILE);
    write_advert(
        &advert_path,
        &Advert {
            url: format!("http://{addr}"),
            token: desk.token.clone(),
            pid: std::process::id(),
        },
    )?;
    let guard = AdvertGuard(advert_path);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = router(desk.clone());
    let task = tokio::spawn(async move {
        let _guard = guard;
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "the desk stopped serving");
        }
    });
    tracing::info!(url = %format!("http://{addr}"), "review desk serving");
    Ok(Running {
        addr,
        desk,
        stop: Some(stop),
        task,
    })
}

/// Writes `desk.json` readable by the store's owner only (it holds the token).
fn write_advert(path: &Path, advert: &Advert) -> Result<(), DeskError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let err = |source| DeskError::Advert {
        path: path.to_path_buf(),
        source,
    };
    let _ = std::fs::remove_file(path);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(err)?;
    let bytes = serde_json::to_vec_pretty(advert).unwrap_or_default();
    f.write_all(&bytes).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_advert_counts_only_while_its_desk_runs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(ADVERT_FILE);
        let mut advert = Advert {
            url: "http://127.0.0.1:1".into(),
            token: "t".into(),
            pid: std::process::id(),
        };
        write_advert(&path, &advert).expect("written");
        assert!(Advert::read(dir.path()).is_some(), "this process runs");
        // A process that has ended: its advert is stale.
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("true runs");
        advert.pid = child.id();
        child.wait().expect("true ends");
        write_advert(&path, &advert).expect("written");
        assert!(
            Advert::read(dir.path()).is_none(),
            "a dead desk's advert is ignored"
        );
    }
}
