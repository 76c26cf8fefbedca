//! People at the desk: accounts in a `users` file (argon2id password hashes), roles,
//! sessions and what each role may reach.
//!
//! A desk on loopback may run without accounts (whoever reaches 127.0.0.1 is the
//! machine's user, and names themself in the forms); given a users file, every page
//! but `/login` wants a session, and a desk on any other address needs one. Sessions
//! are kept in `NAME.sessions.json` beside the users file `NAME.toml` (owner-only,
//! each under the SHA-256 of its cookie, so the file signs no one in), so a desk
//! restarted for an upgrade keeps everyone signed in; they travel in a cookie that is `HttpOnly` (no script reads it), `SameSite=Strict` (no
//! other site's page sends it) and `Secure` (browsers send it back over HTTPS, and
//! over plain HTTP to loopback only: a desk on another address is put behind an
//! HTTPS proxy). Each session has its own CSRF token, so a form's token is worth
//! nothing to anyone else.
//!
//! The desk reads the users file again when it changes ([`LiveUsers`]): an account
//! removed (`brandguard users remove`) is signed out at its next request, one given
//! a new role works in it from then on, and one given a new password is signed out
//! everywhere (a password is changed because someone else may know it).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::http::Method;
use serde::{Deserialize, Serialize};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "brandguard_session";

/// A session unused this long ends (the next request signs in again).
const IDLE: Duration = Duration::from_secs(12 * 3600);

/// What a person may do at the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything: the queue, cases and their steps, packets, scans, distributors.
    Legal,
    /// The distributors' scorecards and reports, and the scans page; no case, no
    /// captured page, no action.
    Channel,
    /// Every page, read only.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Legal => "legal",
            Role::Channel => "channel",
            Role::Viewer => "viewer",
        }
    }

    /// Whether the role may make request `method path` (signing out is everyone's).
    pub fn may(self, method: &Method, path: &str) -> bool {
        if path == "/logout" {
            return true;
        }
        let reads = method == Method::GET || method == Method::HEAD;
        match self {
            Role::Legal => true,
            Role::Viewer => reads,
            Role::Channel => {
                reads
                    && (path == "/distributors"
                        || path.starts_with("/distributors/")
                        || path == "/scans")
            }
        }
    }

    /// Where the role starts after signing in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Channel => "/distributors",
            _ => "/",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = AccountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "legal" => Ok(Role::Legal),
            "channel" => Ok(Role::Channel),
            "viewer" => Ok(Role::Viewer),
            other => Err(AccountError::Invalid(format!(
                "role `{other}` is not one of legal, channel, viewer"
            ))),
        }
    }
}

/// One account of the users file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The password's argon2id hash as a PHC string (`$argon2id$v=19$…`); never the
    /// password.
    pub password: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UsersFile {
    #[serde(default, rename = "user")]
    users: Vec<User>,
}

/// What went wrong with the users file.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("cannot read the users file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the users file {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the users file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// The desk's accounts, loaded from a users file.
#[derive(Debug, Clone)]
pub struct Users {
    path: PathBuf,
    users: Vec<User>,
}

impl Users {
    /// Where a desk with these accounts keeps its sessions: `NAME.sessions.json`
    /// beside the users file `NAME.toml`.
    pub fn sessions_file(&self) -> PathBuf {
        self.path.with_extension("sessions.json")
    }

    /// Loads `path`: every account needs a name, a role and a well-formed argon2
    /// hash; names are unique.
    pub fn load(path: &Path) -> Result<Users, AccountError> {
        let file = read_file(path)?;
        let bad = |message: String| AccountError::Parse {
            path: path.to_path_buf(),
            message,
        };
        let mut seen = std::collections::BTreeSet::new();
        for u in &file.users {
            check_name(&u.name).map_err(|e| bad(e.to_string()))?;
            if !seen.insert(u.name.clone()) {
                return Err(bad(format!("user `{}` is listed twice", u.name)));
            }
            PasswordHash::new(&u.password).map_err(|e| {
                bad(format!(
                    "user `{}`: password is not an argon2 hash ({e}); set it with `brandguard users add`",
                    u.name
                ))
            })?;
        }
        if file.users.is_empty() {
            return Err(bad(
                "no [[user]] in it: add one with `brandguard users add NAME --role legal`".into(),
            ));
        }
        Ok(Users {
            path: path.to_path_buf(),
            users: file.users,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The account `name` if `password` is its password. An unknown name costs
    /// the same hashing as a wrong password (no timing tells which names exist).
    pub fn check(&self, name: &str, password: &str) -> Option<&User> {
        let user = self.users.iter().find(|u| u.name == name);
        let hash = user.map(|u| u.password.as_str()).unwrap_or(&DUMMY_HASH);
        let ok = PasswordHash::new(hash).ok().is_some_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        });
        user.filter(|_| ok)
    }
}

/// A hash of a password nobody knows, verified against when the name is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Argon2::default()
        .hash_password(super::random_token().as_bytes())
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Account names: letters, digits, `.`, `-`, `_` and `@`, 1–64 characters (they are
/// written into the evidence log as who did what).
fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AccountError::Invalid(format!(
            "user name `{}` may hold letters, digits, `.`, `-`, `_` and `@` only (1–64)",
            crate::sanitize::terminal(name, 80)
        )))
    }
}

/// Adds account `name` to the users file at `path` (created if missing), or gives
/// an existing one a new role and password. The file is written whole to a
/// temporary file and renamed, readable by its owner only.
pub fn add_user(path: &Path, name: &str, role: Role, password: &str) -> Result<(), AccountError> {
    check_name(name)?;
    if password.chars().count() < 12 {
        return Err(AccountError::Invalid(
            "a password needs at least 12 characters".into(),
        ));
    }
    let mut file = match read_file(path) {
        Ok(file) => file,
        Err(AccountError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            UsersFile::default()
        }
        Err(e) => return Err(e),
    };
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| AccountError::Invalid(format!("cannot hash the password: {e}")))?
        .to_string();
    let user = User {
        name: name.to_string(),
        role,
        password: hash,
    };
    match file.users.iter_mut().find(|u| u.name == name) {
        Some(u) => *u = user,
        None => file.users.push(user),
    }
    write_file(path, &file)
}

/// Removes account `name` from the users file at `path`. The last account is not
/// removed: a desk started with `--users` needs one (run it without `--users`, on
/// loopback, to have no accounts).
pub fn remove_user(path: &Path, name: &str) -> Result<(), AccountError> {
    let mut file = read_file(path)?;
    let before = file.users.len();
    file.users.retain(|u| u.name != name);
    if file.users.len() == before {
        return Err(AccountError::Invalid(format!(
            "no account `{}` in {} (`brandguard users list` shows them)",
            crate::sanitize::terminal(name, 80),
            path.display()
        )));
    }
    if file.users.is_empty() {
        return Err(AccountError::Invalid(format!(
            "`{}` is the last account in {}: a desk given this file needs one (add another first, or run the desk without --users)",
            crate::sanitize::terminal(name, 80),
            path.display()
        )));
    }
    write_file(path, &file)
}

/// The users file at `path`, parsed (not checked: [`Users::load`] checks).
fn read_file(path: &Path) -> Result<UsersFile, AccountError> {
    let text = std::fs::read_to_string(path).map_err(|source| AccountError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str::<UsersFile>(&text).map_err(|e| AccountError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })
}

/// Writes the users file whole (see [`write_private`]).
fn write_file(path: &Path, file: &UsersFile) -> Result<(), AccountError> {
    let text = format!(
        "# brandguard desk accounts: `brandguard users add NAME --role legal|channel|viewer`.\n# Passwords are argon2id hashes; keep this file readable by its owner only.\n\n{}",
        toml::to_string(file).map_err(|e| AccountError::Invalid(e.to_string()))?
    );
    write_private(path, text.as_bytes()).map_err(|source| AccountError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The accounts as the users file says now: read again whenever the file's
/// modification time or length changes (one `stat` a request), so a running desk
/// follows `users add` and `users remove`. A file changed into one that does not
/// load (a hand edit gone wrong) keeps the accounts last loaded, with an error in
/// the log each time it is read, rather than lock everyone out.
pub struct LiveUsers {
    current: RwLock<(Option<Stamp>, Arc<Users>)>,
}

/// A file's modification time and length: what tells that it changed.
type Stamp = (SystemTime, u64);

impl LiveUsers {
    pub fn new(users: Users) -> LiveUsers {
        let stamp = stamp(&users.path);
        LiveUsers {
            current: RwLock::new((stamp, Arc::new(users))),
        }
    }

    /// The accounts now.
    pub fn get(&self) -> Arc<Users> {
        let (stamp_then, users) = {
            let now = self.current.read().unwrap_or_else(|p| p.into_inner());
            (now.0, now.1.clone())
        };
        let stamp_now = stamp(&users.path);
        if stamp_now == stamp_then {
            return users;
        }
        match Users::load(&users.path) {
            Ok(fresh) => {
                tracing::info!(path = %users.path.display(), accounts = fresh.users.len(), "users file read again");
                let fresh = Arc::new(fresh);
                *self.current.write().unwrap_or_else(|p| p.into_inner()) =
                    (stamp_now, fresh.clone());
                fresh
            }
            Err(e) => {
                tracing::error!(error = %e, "the users file changed and does not load: the accounts last loaded stay in force until it is mended");
                users
            }
        }
    }
}

/// When the file at `path` was last changed, and its length.
fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Writes `bytes` to `path` through a temporary file in its folder (mode 0600),
/// renamed over it when complete.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Who makes a request: a signed-in account, or (no accounts) the machine's user.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The account's name; `None` on a desk without accounts.
    pub account: Option<String>,
    pub role: Role,
    /// The CSRF token this person's forms carry.
    pub csrf: String,
}

impl Actor {
    /// Who is recorded as having acted: the account, else the name the form gave,
    /// else the machine's user.
    pub fn who(&self, form_by: &str) -> String {
        match &self.account {
            Some(a) => a.clone(),
            None => crate::actor::actor(Some(form_by.trim()).filter(|b| !b.is_empty())),
        }
    }
}

/// A signed-in person, as the sessions file keeps it too.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Session {
    user: String,
    /// The account's password hash when it signed in: a new password ends the
    /// session.
    password: String,
    csrf: String,
    /// Wall-clock time (it must mean the same after a restart) of the last request.
    last_seen: SystemTime,
    /// `last_seen` as last written to the sessions file.
    #[serde(skip, default = "SystemTime::now")]
    saved_seen: SystemTime,
}

impl Session {
    fn idle_for(&self) -> Duration {
        // A clock set back reads as no idle time, never as an error.
        SystemTime::now()
            .duration_since(self.last_seen)
            .unwrap_or_default()
    }
}

/// How stale the sessions file's `last_seen` may grow before a request writes it
/// again: one write per person per few minutes, not per request.
const SAVE_SEEN_EVERY: Duration = Duration::from_secs(300);

/// The desk's sessions and its guard against password guessing.
pub struct Sessions {
    /// SHA-256 (hex) of the session's id → the session: the id itself, the
    /// cookie's value, is kept nowhere.
    by_id: Mutex<HashMap<String, Session>>,
    /// Where sessions are kept across restarts (`None`: memory only).
    file: Option<PathBuf>,
    /// Five tries a minute per account name, whatever the source address.
    tries: governor::DefaultKeyedRateLimiter<String>,
    /// How the file is written ([`write_private`]; tests put a failing one here).
    write: fn(&Path, &[u8]) -> std::io::Result<()>,
}

impl Default for Sessions {
    fn default() -> Self {
        let five = NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN);
        Sessions {
            by_id: Mutex::new(HashMap::new()),
            file: None,
            tries: governor::RateLimiter::keyed(governor::Quota::per_minute(five)),
            write: write_private,
        }
    }
}

fn id_key(id: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(id.as_bytes()))
}

impl Sessions {
    /// Sessions kept in `file` (see [`Users::sessions_file`]): those still open
    /// are read back; a file that does not load is logged and replaced at the next
    /// sign-in (sessions are no evidence: the worst is signing in again).
    pub fn kept_in(file: PathBuf) -> Sessions {
        let mut map: HashMap<String, Session> = match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %file.display(), error = %e, "the sessions file does not load: everyone signs in again");
                HashMap::new()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => {
                tracing::warn!(path = %file.display(), error = %e, "the sessions file cannot be read: everyone signs in again");
                HashMap::new()
            }
        };
        map.retain(|_, s| s.idle_for() < IDLE);
        for s in map.values_mut() {
            s.saved_seen = s.last_seen;
        }
        Sessions {
            by_id: Mutex::new(map),
            file: Some(file),
            ..Sessions::default()
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.by_id.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `map` to the sessions file, if there is one. A failure is logged:
    /// the desk goes on with its sessions in memory. Either way the sessions count
    /// as saved now, so a file that cannot be written (a read-only folder) is tried
    /// again, and logged, once per [`SAVE_SEEN_EVERY`], not at every request.
    ///
    /// When the write fails the file left on disk is removed: it may hold a session
    /// ended since (a sign-out, a password set again), which a restart would
    /// otherwise bring back. Removing needs no free space, so on a full disk it
    /// works where the write did not; a restart then signs everyone out.
    fn save(&self, map: &mut HashMap<String, Session>) {
        let Some(file) = &self.file else {
            return;
        };
        let written = serde_json::to_vec(&*map)
            .map_err(std::io::Error::other)
            .and_then(|bytes| (self.write)(file, &bytes));
        if let Err(e) = written {
            match std::fs::remove_file(file) {
                Ok(()) => {
                    tracing::warn!(path = %file.display(), error = %e, "sessions not saved, the file removed: a restart will sign everyone out")
                }
                Err(gone) if gone.kind() == std::io::ErrorKind::NotFound => {
                    tracing::warn!(path = %file.display(), error = %e, "sessions not saved: a restart will sign everyone out")
                }
                Err(rm) => {
                    tracing::error!(path = %file.display(), error = %e, remove_error = %rm, "sessions not saved and the old sessions file cannot be removed: a restart would bring back sessions ended since; remove the file before restarting the desk")
                }
            }
        }
        map.values_mut().for_each(|s| s.saved_seen = s.last_seen);
    }

    /// Opens a session for `user`; its id (the cookie's value).
    pub fn open(&self, user: &User) -> String {
        let id = super::random_token();
        let mut map = self.sessions();
        map.retain(|_, s| s.idle_for() < IDLE);
        let now = SystemTime::now();
        map.insert(
            id_key(&id),
            Session {
                user: user.name.clone(),
                password: user.password.clone(),
                csrf: super::random_token(),
                last_seen: now,
                saved_seen: now,
            },
        );
        self.save(&mut map);
        id
    }

    /// The person behind session `id`, if it is open (and notes it was used), in
    /// the role `users` gives the account now. A session whose account is no longer
    /// in `users`, or whose password changed since it signed in, ends here.
    pub fn actor(&self, id: &str, users: &Users) -> Option<Actor> {
        let key = id_key(id);
        let mut map = self.sessions();
        let s = map.get_mut(&key)?;
        let account = users
            .users
            .iter()
            .find(|u| u.name == s.user && u.password == s.password);
        let Some(account) = account.filter(|_| s.idle_for() < IDLE) else {
            map.remove(&key);
            self.save(&mut map);
            return None;
        };
        s.last_seen = SystemTime::now();
        let actor = Actor {
            account: Some(s.user.clone()),
            role: account.role,
            csrf: s.csrf.clone(),
        };
        let stale = s
            .last_seen
            .duration_since(s.saved_seen)
            .is_ok_and(|d| d > SAVE_SEEN_EVERY);
        if stale {
            self.save(&mut map);
        }
        Some(actor)
    }

    pub fn close(&self, id: &str) {
        let mut map = self.sessions();
        if map.remove(&id_key(id)).is_some() {
            self.save(&mut map);
        }
    }

    /// Whether another sign-in attempt for `name` may be checked now.
    pub fn may_try(&self, name: &str) -> bool {
        self.tries.check_key(&name.to_string()).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_reach_what_they_may() {
        let get = Method::GET;
        let post = Method::POST;
        assert!(Role::Legal.may(&post, "/cases/C0001/action"));
        assert!(Role::Viewer.may(&get, "/cases/C0001"));
        assert!(!Role::Viewer.may(&post, "/cases/C0001/action"));
        assert!(Role::Channel.may(&get, "/distributors/pacific/report"));
        assert!(!Role::Channel.may(&get, "/cases/C0001"));
        assert!(!Role::Channel.may(&get, "/capture/ab"));
        assert!(!Role::Channel.may(&post, "/scans"));
        assert!(Role::Channel.may(&post, "/logout"));
    }

    #[test]
    fn a_users_file_holds_hashes_and_checks_passwords() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("users.toml");
        add_user(&path, "lena", Role::Legal, "correct horse battery").expect("added");
        add_user(&path, "chan", Role::Channel, "another long password").expect("added");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!text.contains("correct horse"), "no password in the file");
        assert!(text.contains("$argon2id$"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let users = Users::load(&path).expect("loads");
        assert_eq!(
            users.check("lena", "correct horse battery").map(|u| u.role),
            Some(Role::Legal)
        );
        assert!(users.check("lena", "wrong password here").is_none());
        assert!(users.check("nobody", "correct horse battery").is_none());
        assert!(add_user(&path, "x", Role::Viewer, "short").is_err());
        assert!(add_user(&path, "../x", Role::Viewer, "long enough password").is_err());
        // A new password replaces the old.
        add_user(&path, "lena", Role::Viewer, "a brand new password").expect("changed");
        let users = Users::load(&path).expect("loads");
        assert_eq!(users.users().len(), 2);
        assert!(users.check("lena", "correct horse battery").is_none());
        assert_eq!(
            users.check("lena", "a brand new password").map(|u| u.role),
            Some(Role::Viewer)
        );
    }

    #[test]
    fn sessions_open_close_and_limit_guessing() {
        let s = Sessions::default();
        let u = User {
            name: "lena".into(),
            role: Role::Legal,
            password: String::new(),
        };
        let users = Users {
            path: PathBuf::from("users.toml"),
            users: vec![u.clone()],
        };
        let id = s.open(&u);
        let a = s.actor(&id, &users).expect("open");
        assert_eq!(a.account.as_deref(), Some("lena"));
        assert_ne!(a.csrf, id);
        assert!(s.actor("nope", &users).is_none());
        s.close(&id);
        assert!(s.actor(&id, &users).is_none());
        let tries = (0..8).filter(|_| s.may_try("lena")).count();
        assert_eq!(tries, 5, "five tries a minute");
    }

    #[test]
    fn sessions_outlive_a_restart_and_the_file_signs_no_one_in() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("users.toml");
        add_user(&path, "lena", Role::Legal, "correct horse battery").expect("added");
        let users = Users::load(&path).expect("loads");
        let file = users.sessions_file();
        assert_eq!(file, dir.path().join("users.sessions.json"));
        let lena = users.users()[0].clone();
        let first = Sessions::kept_in(file.clone());
        let (kept, closed) = (first.open(&lena), first.open(&lena));
        let csrf = first.actor(&kept, &users).expect("open").csrf;
        first.close(&closed);
        drop(first);
        // The file holds no cookie value, and is the owner's alone.
        let text = std::fs::read_to_string(&file).expect("saved");
        assert!(!text.contains(&kept) && !text.contains(&closed), "{text}");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // The restarted desk: the open session goes on, with its CSRF token.
        let again = Sessions::kept_in(file.clone());
        let a = again.actor(&kept, &users).expect("still signed in");
        assert_eq!((a.account.as_deref(), a.csrf), (Some("lena"), csrf));
        assert!(
            again.actor(&closed, &users).is_none(),
            "signed out stays out"
        );
        // A session idle too long by the saved clock ends at the restart.
        let mut map: HashMap<String, Session> =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        for s in map.values_mut() {
            s.last_seen = SystemTime::now() - IDLE - Duration::from_secs(1);
        }
        std::fs::write(&file, serde_json::to_vec(&map).expect("json")).expect("write");
        assert!(
            Sessions::kept_in(file.clone())
                .actor(&kept, &users)
                .is_none()
        );
        // A file that does not load signs everyone out, and is replaced at the next
        // sign-in.
        std::fs::write(&file, b"{not json").expect("write");
        let broken = Sessions::kept_in(file.clone());
        assert!(broken.actor(&kept, &users).is_none());
        let id = broken.open(&lena);
        assert!(Sessions::kept_in(file).actor(&id, &users).is_some());
    }

    /// A sign-out the file could not take (a full disk) must not come back at a
    /// restart from the file written before it.
    #[test]
    fn a_sign_out_not_saved_is_not_undone_by_a_restart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("users.toml");
        add_user(&path, "lena", Role::Legal, "correct horse battery").expect("added");
        let users = Users::load(&path).expect("loads");
        let lena = users.users()[0].clone();
        let file = users.sessions_file();
        let mut s = Sessions::kept_in(file.clone());
        let (kept, closed) = (s.open(&lena), s.open(&lena));
        assert!(file.exists(), "both sessions saved");
        s.write = |_, _| Err(std::io::Error::from_raw_os_error(libc::ENOSPC));
        s.close(&closed);
        assert!(s.actor(&kept, &users).is_some(), "memory goes on");
        drop(s);
        let again = Sessions::kept_in(file.clone());
        assert!(
            again.actor(&closed, &users).is_none(),
            "the signed-out session stays out after the restart"
        );
        assert!(!file.exists(), "the stale file was removed");
    }

    #[test]
    fn a_sessions_file_that_cannot_be_written_is_tried_again_only_after_a_while() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("users.toml");
        add_user(&path, "lena", Role::Legal, "correct horse battery").expect("added");
        let users = Users::load(&path).expect("loads");
        let lena = users.users()[0].clone();
        // Its folder is a file: every write fails.
        std::fs::write(dir.path().join("plain"), b"x").expect("write");
        let s = Sessions::kept_in(dir.path().join("plain").join("sessions.json"));
        let id = s.open(&lena);
        assert!(s.actor(&id, &users).is_some(), "signed in, from memory");
        let long_ago = SystemTime::now() - SAVE_SEEN_EVERY - Duration::from_secs(1);
        s.sessions()
            .values_mut()
            .for_each(|x| x.saved_seen = long_ago);
        assert!(s.actor(&id, &users).is_some());
        // The failed write counts as the try: the next request does not write
        // (nor log) again.
        assert!(s.sessions().values().all(|x| x.saved_seen == x.last_seen));
    }
}
