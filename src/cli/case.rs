//! Enforcement cases: `case list|show|file|reject|refile|resolve|close|path|testbuy|confirm|dismiss`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use brandguard::case::{self, Case, CaseState, EnforcementPath};
use brandguard::evidence::Store;
use brandguard::sanitize;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::exit;

#[derive(Args)]
pub struct CaseCommand {
    #[command(subcommand)]
    command: CaseSubcommand,
    /// The evidence store folder.
    #[arg(long, global = true, default_value = "evidence/store")]
    store: PathBuf,
    /// Who does this (default: the login name).
    #[arg(long, global = true)]
    by: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TestBuyResult {
    Counterfeit,
    Genuine,
}

#[derive(Subcommand)]
enum CaseSubcommand {
    /// Every case, one line each.
    List {
        /// Only cases in this state (open, packet_ready, filed, rejected, refiled, resolved, closed).
        #[arg(long)]
        state: Option<CaseState>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A case with its path, findings, filings and history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
        /// The targets folder: with it, the accounts linked to the case's seller
        /// (by the brand's `[networks]` rules) and their open findings are listed.
        #[arg(long)]
        targets: Option<PathBuf>,
    },
    /// The complaint or notice was filed: the marketplace's reference and the date.
    File {
        id: String,
        #[arg(long)]
        reference: String,
        /// Date filed (YYYY-MM-DD, default today).
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// The marketplace rejected the filing: its reason, in its words.
    Reject {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Filed again after a rejection (build a new packet revision first).
    Refile {
        id: String,
        #[arg(long)]
        reference: String,
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// The listings are gone or in line.
    Resolve {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// No further action, with a reason (e.g. "authorised after review").
    Close {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Record a test purchase from one of the case's listings: the order, its date,
    /// what arrived (counterfeit or genuine), notes and a photo or receipt (kept in
    /// the store, hashed, and put in the next packet). A counterfeit result is
    /// grounds for a sworn counterfeit claim; a genuine one rules it out.
    Testbuy {
        id: String,
        /// The listing bought from (`marketplace/id`, or the id).
        #[arg(long)]
        listing: String,
        /// The marketplace's order id.
        #[arg(long)]
        order: String,
        /// Date ordered (YYYY-MM-DD).
        #[arg(long)]
        date: NaiveDate,
        #[arg(long, value_enum)]
        result: TestBuyResult,
        #[arg(long, default_value = "")]
        notes: String,
        /// Where the infringement appears: product, packaging, listing (comma-separated).
        #[arg(long, value_delimiter = ',')]
        appears: Vec<String>,
        /// A photo or receipt of the item.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// A reviewer confirms a listing is a counterfeit, with the grounds they saw
    /// (recorded with `--by`): grounds for a sworn counterfeit claim.
    Confirm {
        id: String,
        #[arg(long)]
        listing: String,
        /// What shows it is a counterfeit (misprinted logo, wrong serial format, …).
        #[arg(long)]
        grounds: String,
        /// Where the infringement appears: product, packaging, listing (comma-separated).
        #[arg(long, value_delimiter = ',')]
        appears: Vec<String>,
    },
    /// Dismiss an open finding as a false positive (`marketplace/listing/kind`, as
    /// `case show` and the desk's queue print it): resolved as dismissed, never as
    /// complied, and remembered in TARGETS/dismissals.toml, so later scans do not
    /// flag the listing again while its price, title and seller stay the same.
    Dismiss {
        finding: String,
        #[arg(long)]
        reason: String,
        /// The targets folder whose dismissals.toml keeps it.
        #[arg(long)]
        targets: PathBuf,
    },
    /// Choose another enforcement path than the rules did, with a reason.
    Path {
        id: String,
        /// distributor_notice, cease_and_desist or marketplace_complaint.
        #[arg(long)]
        to: EnforcementPath,
        #[arg(long)]
        reason: String,
    },
}

impl CaseCommand {
    /// `case dismiss`: prints what was dismissed and where it is kept.
    fn dismiss(
        store: &Store,
        finding: &str,
        reason: &str,
        targets: &std::path::Path,
        by: &str,
    ) -> Result<u8> {
        let d = case::dismiss(targets, store, finding, reason, by)?;
        println!(
            "{} dismissed as a false positive by {} (seller {}, price {}); kept in {}",
            sanitize::terminal(finding, 200),
            sanitize::terminal(&d.by, 64),
            sanitize::terminal(&d.seller, 80),
            if d.price.is_empty() { "none" } else { &d.price },
            targets.join(brandguard::judge::dismissals::FILE).display()
        );
        Ok(exit::OK)
    }

    /// Lists or shows cases, or records one step of a case and prints its new state.
    pub fn run(&self) -> Result<u8> {
        use CaseSubcommand as C;
        if let C::List { state, json } = &self.command {
            // A desk holding the store answers for it (see `brandguard serve`).
            let cases = match super::desk::open_or_desk(&self.store)? {
                super::desk::Reader::Store(store) => case::all(&store)?,
                super::desk::Reader::Desk(advert) => {
                    let q = state
                        .map(|s| format!("?state={}", s.as_str()))
                        .unwrap_or_default();
                    super::desk::ask_desk(&advert, &format!("/api/cases{q}"))?
                }
            };
            return list(cases, *state, *json);
        }
        let store = Store::open_existing(&self.store)?;
        let by = case::actor(self.by.as_deref());
        let today = || chrono::Local::now().date_naive();
        let changed = match &self.command {
            C::List { state, json } => return list(case::all(&store)?, *state, *json),
            C::Show { id, json, targets } => return show(&store, id, *json, targets.as_deref()),
            C::File {
                id,
                reference,
                date,
            } => case::file(&store, id, reference, date.unwrap_or_else(today), &by)?,
            C::Reject { id, reason } => case::reject(&store, id, reason, &by)?,
            C::Refile {
                id,
                reference,
                date,
            } => case::refile(&store, id, reference, date.unwrap_or_else(today), &by)?,
            C::Resolve { id, reason } => case::resolve(&store, id, reason, &by)?,
            C::Close { id, reason } => case::close(&store, id, reason, &by)?,
            C::Path { id, to, reason } => case::override_path(&store, id, *to, reason, &by)?,
            C::Dismiss {
                finding,
                reason,
                targets,
            } => return Self::dismiss(&store, finding, reason, targets, &by),
            C::Testbuy {
                id,
                listing,
                order,
                date,
                result,
                notes,
                appears,
                file,
            } => {
                let file = file.as_deref().map(test_buy_file).transpose()?;
                let t = case::TestBuy {
                    listing: listing.clone(),
                    order_id: order.clone(),
                    order_date: *date,
                    counterfeit: matches!(result, TestBuyResult::Counterfeit),
                    notes: notes.clone(),
                    appears_in: appears.clone(),
                    file,
                };
                case::test_buy(&store, id, t, &by)?
            }
            C::Confirm {
                id,
                listing,
                grounds,
                appears,
            } => case::confirm_counterfeit(&store, id, listing, grounds, appears, &by)?,
        };
        println!(
            "case {}: {} (path {})",
            changed.id,
            changed.state,
            changed.path.path.as_str()
        );
        Ok(exit::OK)
    }
}

/// A test buy's photo or receipt: its file name and bytes. It goes into the store,
/// so a file of gigabytes (a mistake) is refused before it is read.
fn test_buy_file(p: &std::path::Path) -> Result<(String, Vec<u8>)> {
    const MAX_FILE: u64 = 64 * 1024 * 1024;
    let what = || format!("cannot read the test buy's file {}", p.display());
    let len = std::fs::metadata(p).with_context(what)?.len();
    if len > MAX_FILE {
        anyhow::bail!(
            "{} is {len} bytes; a test buy's photo or receipt may be at most {MAX_FILE} (64 MiB)",
            p.display()
        );
    }
    let bytes = std::fs::read(p).with_context(what)?;
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "file".into());
    Ok((name, bytes))
}

fn list(cases: Vec<case::Case>, state: Option<CaseState>, json: bool) -> Result<u8> {
    let cases: Vec<_> = cases
        .into_iter()
        .filter(|c| state.is_none_or(|s| c.state == s))
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&cases)?);
        return Ok(exit::OK);
    }
    println!(
        "{:<6} {:<9} {:<13} {:<22} {:<8} {:>5}  seller",
        "case", "market", "state", "path", "priority", "open"
    );
    for c in &cases {
        println!(
            "{:<6} {:<9} {:<13} {:<22} {:<8} {:>5}  {}",
            c.id,
            c.marketplace,
            c.state.as_str(),
            c.path.path.as_str(),
            format!("{:?}", c.path.priority).to_lowercase(),
            c.open_findings.len(),
            sanitize::terminal(
                c.seller_name
                    .as_deref()
                    .or(c.seller_id.as_deref())
                    .unwrap_or("?"),
                40
            )
        );
    }
    println!("{} cases", cases.len());
    Ok(exit::OK)
}

fn show(store: &Store, id: &str, json: bool, targets: Option<&std::path::Path>) -> Result<u8> {
    let c = case::get(store, id)?;
    let linked = match targets {
        Some(t) => match super::load_config(t, &[]) {
            Ok(config) => linked_accounts(store, &config, &c)?,
            Err(code) => return Ok(code),
        },
        None => None,
    };
    if json {
        let mut v = serde_json::to_value(&c)?;
        if let Some(n) = &linked {
            v["network"] = serde_json::to_value(n)?;
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(exit::OK);
    }
    let show = |s: &str| sanitize::terminal(s, 200);
    println!("case {} on {}: {}", c.id, c.marketplace, c.state);
    println!(
        "seller: {} (id {})",
        show(c.seller_name.as_deref().unwrap_or("?")),
        show(c.seller_id.as_deref().unwrap_or("?"))
    );
    if let Some(d) = &c.authorized_seller {
        println!("authorised distributor: {d}");
    }
    println!(
        "path: {} ({:?} priority): {}",
        c.path.path.as_str(),
        c.path.priority,
        c.path.reason
    );
    if let Some(o) = &c.path.overridden {
        println!(
            "  overridden by {} on {} (rules chose {}): {}",
            o.by,
            o.at.format("%Y-%m-%d"),
            o.rule_path.as_str(),
            o.reason
        );
    }
    if let Some(n) = &linked {
        print_linked(&c, n);
    }
    print_findings_and_history(&c);
    Ok(exit::OK)
}

/// The network holding the case's seller, if any.
fn linked_accounts(
    store: &Store,
    config: &brandguard::config::Config,
    c: &Case,
) -> Result<Option<brandguard::report::networks::NetworkView>> {
    let Some(id) = &c.seller_id else {
        return Ok(None);
    };
    Ok(brandguard::report::networks::network_of(
        store,
        &config.brand,
        &c.marketplace,
        id,
    )?)
}

fn print_linked(c: &Case, n: &brandguard::report::networks::NetworkView) {
    let show = |s: &str| sanitize::terminal(s, 200);
    let me = format!("{}/{}", c.marketplace, c.seller_id.as_deref().unwrap_or(""));
    println!("linked accounts (network {}):", n.network.id);
    for m in n.accounts.iter().filter(|m| m.account.to_string() != me) {
        let declared = m
            .declared_for
            .as_ref()
            .map(|d| format!(", declared account of {d}"))
            .unwrap_or_default();
        println!(
            "  {} ({}{declared}): {} open findings",
            show(&m.account.to_string()),
            show(m.legal_name.as_deref().unwrap_or("?")),
            m.open_findings.len()
        );
        for f in &m.open_findings {
            println!("    {}", show(f));
        }
    }
    for l in &n.network.links {
        println!("  link: {}", show(&l.explain()));
    }
}

fn print_findings_and_history(c: &Case) {
    let show = |s: &str| sanitize::terminal(s, 200);
    println!(
        "findings ({} open of {}):",
        c.open_findings.len(),
        c.findings.len()
    );
    for k in &c.findings {
        let open = if c.open_findings.contains(k) {
            "open"
        } else {
            "resolved"
        };
        println!("  {:<9} {}", open, show(k));
    }
    for f in &c.filings {
        println!(
            "filed {} ref {} (packet r{}) by {}",
            f.filed_on, f.reference, f.revision, f.by
        );
    }
    println!("history:");
    for e in &c.events {
        println!(
            "  {}  {:<17} {:<12} {}{}",
            e.at.format("%Y-%m-%d %H:%M"),
            e.action,
            show(&e.by),
            e.reference
                .as_deref()
                .map(|r| format!("[{}] ", show(r)))
                .unwrap_or_default(),
            e.reason.as_deref().map(show).unwrap_or_default()
        );
    }
}
