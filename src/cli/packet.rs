//! Complaint packets: `packet --case ID` and `packet verify PATH`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use brandguard::evidence::Store;
use brandguard::report::packet::{self, Packet};
use clap::{Args, Subcommand};

use super::{exit, load_config};

#[derive(Args)]
pub struct PacketCommand {
    #[command(subcommand)]
    command: Option<PacketSubcommand>,
    /// The case (see `brandguard case list`).
    #[arg(long)]
    case: Option<String>,
    /// The form: amazon, ebay_vero, alibaba or generic (default: the marketplace's
    /// `complaint_format`). Letters (cease-and-desist, distributor notice) follow the case's path.
    #[arg(long)]
    format: Option<brandguard::config::ComplaintFormat>,
    #[arg(long, default_value = "evidence/packets")]
    out: PathBuf,
    /// The targets folder (brand, trademarks, templates).
    #[arg(long)]
    targets: Option<PathBuf>,
    #[arg(long, default_value = "evidence/store")]
    store: PathBuf,
    /// Build a draft with every finding, suspected ones included: marked "not for
    /// filing" and never recorded as a revision of the case.
    #[arg(long)]
    draft: bool,
    /// Also cover the open cases of accounts linked to this seller (`sellers
    /// network`) on the same marketplace and enforcement path, in one filing.
    #[arg(long)]
    network: bool,
    /// Build without rendering the listings that have no rendered capture yet
    /// (otherwise they are rendered first when their marketplace renders).
    #[arg(long)]
    no_render: bool,
}

#[derive(Subcommand)]
enum PacketSubcommand {
    /// Check a packet (folder or .zip) against its manifest and the evidence store.
    Verify {
        path: PathBuf,
        #[arg(long, default_value = "evidence/store")]
        store: PathBuf,
        /// Check the files against the manifest only (no store at hand).
        #[arg(long)]
        no_store: bool,
    },
}

impl PacketCommand {
    pub fn run(&self, cli: &super::Cli) -> Result<u8> {
        match &self.command {
            Some(PacketSubcommand::Verify {
                path,
                store,
                no_store,
            }) => verify(path, (!*no_store).then_some(store)),
            None => self.build(cli),
        }
    }

    /// Writes the case's next packet revision: a folder and a .zip.
    fn build(&self, cli: &super::Cli) -> Result<u8> {
        let (Some(case), Some(targets)) = (&self.case, &self.targets) else {
            eprintln!("error: give --case ID and --targets DIR (or `packet verify PATH`)");
            return Ok(exit::BAD_CONFIG);
        };
        let mut config = match load_config(targets, &[]) {
            Ok(c) => c,
            Err(code) => return Ok(code),
        };
        // The pages it renders first are rendered as a scan would render them
        // (`BRANDGUARD_RENDER=never` on a machine without a browser renders none).
        cli.override_render(&mut config);
        let store = Store::open_existing(&self.store)?;
        std::fs::create_dir_all(&self.out)
            .with_context(|| format!("cannot create {}", self.out.display()))?;
        let opts = packet::BuildOptions {
            format: self.format,
            draft: self.draft,
            network: self.network,
        };
        if !self.no_render {
            render_first(&config, &store, case, opts)?;
        }
        let built = packet::build_with(&config, &store, case, &self.out, opts);
        match built {
            Ok(p) => {
                print_packet(&p);
                Ok(exit::OK)
            }
            Err(
                e @ (packet::PacketError::Unconfirmed { .. } | packet::PacketError::NotFit { .. }),
            ) => {
                eprintln!("not built: {e}");
                Ok(exit::UNCONFIRMED)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Renders the packet's listings that have no rendered capture of the page their
/// findings were read from (`render = "findings"` renders a listing when a finding
/// is confirmed by a scan; a case confirmed otherwise, or a render that failed
/// then, gets it here). A page that cannot be rendered is named; the packet is
/// built without its screenshot and its cover lists it as not rendered.
fn render_first(
    config: &brandguard::config::Config,
    store: &Store,
    case: &str,
    opts: packet::BuildOptions,
) -> Result<()> {
    let pages = match packet::pages_to_render(config, store, case, opts) {
        Ok(p) => p,
        // The build names what is wrong with the case.
        Err(_) => return Ok(()),
    };
    if pages.is_empty() {
        return Ok(());
    }
    println!(
        "rendering {} listing page(s) with no rendered capture yet …",
        pages.len()
    );
    let done = super::runtime()?.block_on(brandguard::scan::render_pages(config, store, &pages))?;
    if done.rendered > 0 {
        println!("  rendered {} page(s)", done.rendered);
    }
    for (url, why) in &done.failed {
        println!("  not rendered: {url}: {why}");
    }
    for (url, why) in &done.shown_otherwise {
        println!("  rendered, but not beside its findings: {url}: {why}");
    }
    Ok(())
}

/// Checks a packet against its manifest and, given a store, the evidence log;
/// exit 4 with the first mismatch.
fn verify(path: &std::path::Path, store: Option<&PathBuf>) -> Result<u8> {
    let store = store.map(|s| Store::open_existing(s)).transpose()?;
    match packet::verify(path, store.as_ref()) {
        Ok(c) => {
            println!(
                "OK: {} revision {}: {} files match the manifest ({}); {} captures match the evidence log{}",
                c.case_id,
                c.revision,
                c.files,
                c.manifest_sha256,
                c.captures_checked_against_store,
                if store.is_none() {
                    " (not checked: --no-store)"
                } else {
                    ""
                }
            );
            Ok(exit::OK)
        }
        Err(e) => {
            eprintln!("FAILED: {e}");
            Ok(exit::TAMPERED)
        }
    }
}

fn print_packet(p: &Packet) {
    let what = match p.draft {
        true => "DRAFT (not for filing, not a revision)".to_string(),
        false => format!("revision {}", p.revision),
    };
    println!(
        "{} {what} ({}): {} files in {} and {}",
        p.case_id,
        p.format,
        p.files,
        p.dir.display(),
        p.zip.display()
    );
    for a in &p.set_aside {
        println!(
            "  an interrupted build of this revision had left files, never recorded or filed: moved to {}",
            a.display()
        );
    }
    for m in &p.missing {
        println!("  missing: {m}");
    }
    for s in &p.suspected {
        let how = if p.draft {
            "included, unconfirmed"
        } else {
            "left out until confirmed"
        };
        println!("  suspected ({how}): {s}");
    }
}
