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
    /// Where to listen: loopback only (no accounts yet).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

impl ServeCommand {
    pub fn run(&self, cli: &super::Cli) -> Result<u8> {
        let mut config = match load_config(&self.targets, &[]) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        if let Some(mode) = cli.render {
            config.override_render(mode);
        }
        let store = Store::open(&self.store)?;
        let rt = super::runtime()?;
        rt.block_on(async {
            let running = desk::start(config, store, self.listen).await?;
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

/// Opens the store at `path` for reading, or, when a running desk holds it, the
/// desk's advert: the caller then asks the desk.
pub(super) enum Reader {
    Store(Box<Store>),
    Desk(Advert),
}

pub(super) fn open_or_desk(path: &Path) -> Result<Reader> {
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
