//! Seller networks: `sellers network [SELLER]`.

use std::path::PathBuf;

use anyhow::Result;
use brandguard::evidence::Store;
use brandguard::report::networks::{self, NetworkReport};
use brandguard::sanitize::terminal;
use clap::Subcommand;

use super::{exit, load_config};

#[derive(Subcommand)]
pub enum SellersCommand {
    /// Sellers linked by what their profile pages share, each link with the value
    /// and the two captures it came from.
    Network {
        /// Only the network of this seller (`marketplace/id`, or an id).
        seller: Option<String>,
        #[arg(long)]
        targets: PathBuf,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

impl SellersCommand {
    pub fn run(&self) -> Result<u8> {
        let Self::Network {
            seller,
            targets,
            store,
            json,
        } = self;
        let config = match load_config(targets, &[]) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        let store = Store::open_existing(store)?;
        let r = networks::report(&store, &config.brand, seller.as_deref())?;
        if *json {
            println!("{}", serde_json::to_string_pretty(&r)?);
        } else {
            print_networks(&r);
        }
        if let Some(s) = seller
            && r.networks.is_empty()
        {
            eprintln!("no network holds seller `{}`", terminal(s, 200));
            return Ok(exit::ERROR);
        }
        Ok(exit::OK)
    }
}

fn print_networks(r: &NetworkReport) {
    println!(
        "{} networks among {} sellers with a known identity ({} identifiers)",
        r.networks.len(),
        r.sellers,
        r.identifiers
    );
    for n in &r.networks {
        let review = if n.network.needs_review {
            "  [held for review: larger than networks.max_network]"
        } else {
            ""
        };
        println!("\n{} ({} accounts){review}", n.network.id, n.accounts.len());
        for m in &n.accounts {
            let who = m
                .declared_for
                .as_ref()
                .map(|d| format!("declared account of {d}"))
                .unwrap_or_else(|| "not declared".into());
            println!(
                "  {:<32} {:<28} {:<24} {} open findings",
                terminal(&m.account.to_string(), 32),
                terminal(
                    m.legal_name
                        .as_deref()
                        .or(m.shop_name.as_deref())
                        .unwrap_or("?"),
                    60
                ),
                who,
                m.open_findings.len()
            );
        }
        for l in &n.network.links {
            println!("    link: {}", terminal(&l.explain(), 400));
        }
    }
    for u in &r.unlinked {
        println!(
            "not a link ({}): {} {} shared by {} sellers",
            u.why,
            u.kind.as_str(),
            terminal(&u.value, 120),
            u.sellers
        );
    }
}
