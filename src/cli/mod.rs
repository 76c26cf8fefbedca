//! The `brandguard` command line: one module per command group, each command a
//! function that takes its parsed arguments, calls the library and prints.
//!
//! The CLI lives in the binary (`src/main.rs` declares this module), not in a
//! crate of its own: the library (`brandguard`) is already the only thing tests
//! and examples link, and a workspace would add a second manifest and lock step
//! for no reader's benefit. Nothing here is public API.

mod case;
mod demo;
mod desk;
mod evidence;
pub mod failure;
mod packet;
mod report;
mod scan;
mod sellers;

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result};
use brandguard::config::Config;
use clap::{Parser, Subcommand};

/// Exit codes a scheduler can act on.
pub mod exit {
    /// Everything worked.
    pub const OK: u8 = 0;
    /// Something failed that is not one of the cases below (I/O, the store).
    pub const ERROR: u8 = 1;
    /// The targets folder is invalid: nothing was fetched.
    pub const BAD_CONFIG: u8 = 2;
    /// The scan finished, but some fetches failed (see the summary's `failures`).
    pub const PARTIAL: u8 = 3;
    /// The evidence store failed verification.
    pub const TAMPERED: u8 = 4;
    /// The scan finished, but failed a marketplace (unreachable, robots.txt
    /// unreachable, searches failed or refused, under 90% of its listing pages
    /// read): see the summary's `degraded`. Nothing absent from it was concluded.
    pub const NOT_LOOKED: u8 = 5;
    /// `packet`: the case has no confirmed finding yet, a required field is
    /// missing or the case is done; nothing was built (`--draft` builds a draft).
    pub const UNCONFIRMED: u8 = 6;
    /// `--store` names no brandguard store (only `scan` and `demo` create one).
    pub const NO_STORE: u8 = 7;
}

#[derive(Parser)]
#[command(
    name = "brandguard",
    version,
    about = "Police how a brand's products are sold online"
)]
pub struct Cli {
    /// More log output (-v info, -vv debug).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Only errors, no progress bars.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// When listing pages go through the browser, for every marketplace: never,
    /// findings (render a listing once a finding on it is confirmed, for the
    /// screenshot its packet shows) or always (read every listing from its
    /// rendered DOM); default: each marketplace file's `render`, else brand.toml's
    /// `[render] mode`.
    #[arg(long, global = true, env = "BRANDGUARD_RENDER")]
    render: Option<brandguard::config::RenderMode>,
    /// Chromium's own sandbox, on or off, over brand.toml's `[render] sandbox`: off
    /// in a container that refuses the browser user namespaces (as Docker's and
    /// Kubernetes' default seccomp profiles do to a non-root user: "No usable
    /// sandbox!"), where the container confines the browser instead.
    #[arg(
        long,
        global = true,
        env = "BRANDGUARD_BROWSER_SANDBOX",
        value_name = "on|off",
        value_parser = clap::builder::BoolishValueParser::new(),
        hide_possible_values = true
    )]
    browser_sandbox: Option<bool>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the built-in demo marketplace, scan it, and write findings and a summary.
    Demo(demo::DemoCommand),
    /// Scan the marketplaces of a targets folder (the nightly job).
    Scan(scan::ScanCommand),
    /// Print systemd service and timer units and a crontab line for a nightly scan.
    Schedule(scan::ScheduleCommand),
    /// Validate a targets folder without fetching anything.
    Check(scan::CheckCommand),
    /// Show what brandguard reads from one saved page, to write or tune an adapter.
    Extract(scan::ExtractCommand),
    /// Run the demo marketplace alone until Ctrl-C.
    ServeDemo(demo::ServeDemoCommand),
    /// List the findings in a store, or write them as CSV.
    Findings(evidence::FindingsCommand),
    /// Evidence store integrity.
    Evidence {
        #[command(subcommand)]
        command: evidence::EvidenceCommand,
    },
    /// Reports for people: `report compliance --period 2026-11`.
    Report {
        #[command(subcommand)]
        command: report::ReportCommand,
    },
    /// Write the complaint packet (next revision) of a case: a folder and a .zip.
    #[command(args_conflicts_with_subcommands = true)]
    Packet(packet::PacketCommand),
    /// Enforcement cases: list, show, and record each step (filed, rejected, …).
    Case(case::CaseCommand),
    /// The review desk: a local web app for the queue, cases, distributors and
    /// scans, which keeps the store open so reading never waits for a scan.
    Serve(desk::ServeCommand),
    /// The review desk's accounts (a users file of argon2 password hashes).
    Users {
        #[command(subcommand)]
        command: desk::UsersCommand,
    },
    /// Who is behind the sellers: networks of accounts linked by shared identifiers.
    Sellers {
        #[command(subcommand)]
        command: sellers::SellersCommand,
    },
}

impl Cli {
    /// Applies `--render` and `--browser-sandbox` (or their environment variables)
    /// to `config`; whether `--render` was given.
    fn override_render(&self, config: &mut brandguard::config::Config) -> bool {
        if let Some(on) = self.browser_sandbox {
            config.brand.render.sandbox = Some(on);
        }
        match self.render {
            Some(mode) => {
                config.override_render(mode);
                true
            }
            None => false,
        }
    }

    /// Commands that talk over sockets (they must not die of SIGPIPE when a
    /// peer hangs up; see `main`).
    pub fn uses_sockets(&self) -> bool {
        matches!(
            self.command,
            Command::Scan(_) | Command::Demo(_) | Command::ServeDemo(_) | Command::Serve(_)
        )
    }

    /// Runs the command; returns the exit code (see [`exit`]).
    pub fn run(&self) -> Result<u8> {
        match &self.command {
            Command::Demo(c) => c.run(self),
            Command::Scan(c) => c.run(self),
            Command::Schedule(c) => c.run(self),
            Command::Check(c) => Ok(c.run()),
            Command::Extract(c) => c.run(),
            Command::ServeDemo(c) => c.run(),
            Command::Findings(c) => c.run(),
            Command::Evidence { command } => command.run(),
            Command::Report { command } => command.run(),
            Command::Packet(c) => c.run(self),
            Command::Case(c) => c.run(),
            Command::Sellers { command } => command.run(),
            Command::Serve(c) => c.run(self),
            Command::Users { command } => command.run(),
        }
    }

    /// Logs go to standard error: coloured lines on a terminal, one JSON object
    /// per line otherwise (cron, systemd), filtered by `BRANDGUARD_LOG` if set.
    pub fn init_logs(&self) {
        // On a terminal the progress bars say what happens, so only warnings are
        // logged; under cron, systemd or a container the log is the record of the
        // night, so it starts at info.
        let terminal = std::io::stderr().is_terminal();
        let level = match (self.quiet, self.verbose) {
            (true, _) => "error",
            (false, 0) if terminal => "warn",
            (false, 0 | 1) => "info",
            _ => "debug",
        };
        let filter = tracing_subscriber::EnvFilter::try_from_env("BRANDGUARD_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("brandguard={level}")));
        let builder = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr);
        if terminal {
            builder.init();
        } else {
            // Each line carries its spans' fields: every line of a scan says its scan_id.
            builder.json().with_current_span(true).init();
        }
    }

    /// Progress bars, only on a terminal and unless `--quiet`.
    fn progress(&self) -> Option<indicatif::MultiProgress> {
        (!self.quiet && std::io::stderr().is_terminal()).then(indicatif::MultiProgress::new)
    }
}

/// Loads the targets folder and applies `--base-url NAME=URL` overrides; a
/// problem is printed and becomes [`exit::BAD_CONFIG`].
pub(super) fn load_config(targets: &Path, base: &[String]) -> Result<Config, u8> {
    let mut config = match Config::load(targets) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(exit::BAD_CONFIG);
        }
    };
    for pair in base.iter().filter(|p| !p.trim().is_empty()) {
        let Some((name, url)) = pair.split_once('=') else {
            eprintln!("error: --base-url wants NAME=URL, got `{pair}`");
            return Err(exit::BAD_CONFIG);
        };
        if let Err(e) = config.override_base_url(name.trim(), url.trim()) {
            eprintln!("error: {e}");
            return Err(exit::BAD_CONFIG);
        }
    }
    Ok(config)
}

/// Writes `value` as JSON to `path`, all or nothing (a full disk or a crash leaves
/// the file as it was, never a cut one).
fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)? + "\n";
    // Its error names the file.
    brandguard::report::write_file_with(path, |w| std::io::Write::write_all(w, text.as_bytes()))?;
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
