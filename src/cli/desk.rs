//! `brandguard serve`: the review desk (see `brandguard::desk`), and how the
//! CLI's readers reach a store the desk holds.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use brandguard::desk::{self, Advert};
use brandguard::evidence::{EvidenceError, Store};
use clap::Args;

use super::{exit, load_config};

#[derive(Args)]
pub struct ServeCommand {
    /// The targets folder (brand, marketplaces, templates).
    #[arg(long)]
    targets: PathBuf,
    /// The evidence store the desk opens and keeps (scans started from the desk
    /// write it; the CLI's readers ask the desk while it holds it).
    #[arg(long, default_value = "evidence/store")]
    store: PathBuf,
    /// Where to listen: loopback only without --users; any address with it (put an
    /// HTTPS proxy in front: browsers send the session cookie over HTTPS, or to
    /// loopback).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The accounts file (`brandguard users add`): every page then needs a
    /// signed-in person whose role allows it.
    #[arg(long, env = "BRANDGUARD_USERS")]
    users: Option<PathBuf>,
}

/// `brandguard users …`
#[derive(clap::Subcommand)]
pub enum UsersCommand {
    /// Adds an account, or gives an existing one a new role and password. The
    /// password is asked for on the terminal, or read as one line from stdin.
    Add {
        /// The account's name (recorded as who did what).
        name: String,
        /// legal (everything), channel (distributors and reports) or viewer (read only).
        #[arg(long)]
        role: desk::Role,
        /// The users file (created if missing; written readable by its owner only).
        #[arg(long, env = "BRANDGUARD_USERS")]
        users: PathBuf,
    },
    /// Removes an account. A running desk signs it out at its next request (it
    /// reads the users file again when the file changes).
    Remove {
        /// The account's name.
        name: String,
        #[arg(long, env = "BRANDGUARD_USERS")]
        users: PathBuf,
    },
    /// Lists the accounts and their roles.
    List {
        #[arg(long, env = "BRANDGUARD_USERS")]
        users: PathBuf,
    },
}

impl UsersCommand {
    pub fn run(&self) -> Result<u8> {
        match self {
            UsersCommand::Add { name, role, users } => {
                use std::io::IsTerminal;
                let password = if std::io::stdin().is_terminal() {
                    rpassword::prompt_password(format!("password for {name}: "))?
                } else {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                };
                desk::accounts::add_user(users, name, *role, &password)?;
                println!("{name} ({}) saved in {}", role.as_str(), users.display());
            }
            UsersCommand::Remove { name, users } => {
                desk::accounts::remove_user(users, name)?;
                println!(
                    "{} removed from {}; a running desk signs it out at its next request",
                    brandguard::sanitize::terminal(name, 80),
                    users.display()
                );
            }
            UsersCommand::List { users } => {
                for u in desk::Users::load(users)?.users() {
                    println!("{}\t{}", u.name, u.role.as_str());
                }
            }
        }
        Ok(exit::OK)
    }
}

impl ServeCommand {
    pub fn run(&self, cli: &super::Cli) -> Result<u8> {
        let mut config = match load_config(&self.targets, &[]) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        cli.override_render(&mut config);
        let users = match &self.users {
            Some(p) => Some(desk::Users::load(p)?),
            None => None,
        };
        let store = Store::open(&self.store)?;
        let rt = super::runtime()?;
        rt.block_on(async {
            let running = desk::start(config, store, self.listen, users).await?;
            println!(
                "review desk on http://{} (store {}); Ctrl-C stops it",
                running.addr,
                self.store.display()
            );
            running.until_signal().await;
            println!("review desk stopped");
            Ok::<_, anyhow::Error>(())
        })?;
        Ok(exit::OK)
    }
}

/// A desk that stopped (and no longer answers) while this waited stopped its scan
/// too, which wrote its summary at `path`: if that summary is one written after
/// `since` and says the scan stopped, it is said as `brandguard scan` says it, and
/// the exit code is 1.
fn ended_with_the_desk(path: &Path, since: chrono::DateTime<chrono::Utc>) -> Option<u8> {
    /// What of the summary is said here.
    #[derive(serde::Deserialize)]
    struct Stopped {
        scan_id: u64,
        pages_fetched: u64,
        listings_seen: u64,
        finished_at: chrono::DateTime<chrono::Utc>,
        stopped: String,
    }
    let s: Stopped = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    (s.finished_at >= since).then(|| {
        println!(
            "scan {} in the review desk STOPPED before it finished, with the desk, after {} pages and {} listings: {} (summary in {})",
            s.scan_id,
            s.pages_fetched,
            s.listings_seen,
            brandguard::sanitize::terminal(&s.stopped, 500),
            path.display()
        );
        exit::ERROR
    })
}

/// Opens the store at `path` for reading, or, when a running desk holds it, the
/// desk's advert: the caller then asks the desk.
pub(super) enum Reader {
    Store(Box<Store>),
    Desk(Advert),
}

pub(super) fn open_or_desk(path: &Path) -> Result<Reader> {
    // A desk that runs and answers holds the lock: ask it at once, rather than let
    // the store's open wait out its lock wait (3 s a command, measured by
    // bench/desk_slow.sh) before finding the lock held.
    if let Some(advert) = Advert::read(path).filter(Advert::answers) {
        return Ok(Reader::Desk(advert));
    }
    match Store::open_existing(path) {
        Ok(s) => Ok(Reader::Store(Box::new(s))),
        Err(EvidenceError::Locked { .. }) if Advert::read(path).is_some() => Ok(Reader::Desk(
            Advert::read(path).context("the desk's advert vanished")?,
        )),
        Err(e) => Err(e.into()),
    }
}

/// GETs `path` of the desk's JSON API.
pub(super) fn ask_desk<T: serde::de::DeserializeOwned>(advert: &Advert, path: &str) -> Result<T> {
    let url = format!("{}{path}", advert.url);
    super::runtime()?.block_on(async {
        let res = reqwest::Client::new()
            .get(&url)
            .header(desk::TOKEN_HEADER, &advert.token)
            .timeout(std::time::Duration::from_secs(30))
            .send()
            .await
            .with_context(|| {
                format!("the review desk holding the store does not answer at {url}")
            })?;
        let status = res.status();
        if !status.is_success() {
            anyhow::bail!("the review desk answered {status} to {url}");
        }
        let body = res
            .bytes()
            .await
            .with_context(|| format!("reading the desk's answer to {url}"))?;
        serde_json::from_slice(&body).with_context(|| {
            format!("the review desk's answer to {url} is not what this brandguard reads")
        })
    })
}

/// `brandguard scan` while a desk holds the store: the desk runs the night (the
/// same scan, time-stamp, findings.csv and announcement, summary in
/// `last-scan.json` beside the store) and this waits for it, exiting as the scan
/// would have. A scan the desk is already running is waited for instead. Should
/// the desk stop meanwhile (SIGTERM), its scan stops too and writes `summary`:
/// that is what this reports.
pub(super) fn scan_through(advert: &Advert, targets: &Path, summary: &Path) -> Result<u8> {
    let rt = super::runtime()?;
    let client = reqwest::Client::new();
    let url = format!("{}/api/scan", advert.url);
    let started_at = chrono::Utc::now();
    let api = rt.block_on(async {
        let res = client
            .post(&url)
            .header(desk::TOKEN_HEADER, &advert.token)
            .send()
            .await
            .with_context(|| {
                format!("the review desk holding the store does not answer at {url}")
            })?;
        let body = res.bytes().await?;
        serde_json::from_slice::<desk::ApiScan>(&body).with_context(|| {
            format!("the review desk's answer to {url} is not what this brandguard reads")
        })
    })?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if !same(&api.targets, targets) {
        anyhow::bail!(
            "the review desk at {} holds this store and scans the targets {}, not {}: stop the desk or scan into another --store",
            advert.url,
            api.targets.display(),
            targets.display()
        );
    }
    println!(
        "the review desk at {} holds the store: {} there; waiting for it to end",
        advert.url,
        if api.started {
            "the scan runs"
        } else {
            "a scan started from the desk runs already"
        }
    );
    loop {
        std::thread::sleep(std::time::Duration::from_secs(2));
        let now: desk::ApiScan = match ask_desk(advert, "/api/scan") {
            Ok(now) => now,
            Err(e) => return ended_with_the_desk(summary, started_at).ok_or(e),
        };
        if now.state.running_since.is_some() {
            continue;
        }
        let Some(last) = now.state.last else {
            anyhow::bail!("the review desk's scan ended without a result");
        };
        if !api.started && last.finished_at < started_at {
            anyhow::bail!("the review desk reports no scan after {started_at}");
        }
        println!(
            "scan {} in the review desk: {} (exit {}); its summary is in last-scan.json beside the store",
            last.scan_id.map_or("?".into(), |i| i.to_string()),
            last.message,
            last.exit
        );
        return Ok(last.exit);
    }
}
