//! brandguard: police how a brand's products are sold online.
//!
//! The pipeline flows one way (see `DESIGN.md` in the repository's shared notes):
//!
//! ```text
//! targets/*.toml ─► config ─► crawl ─► extract ─► judge ─► evidence ─► case ─► report ─► notify
//! ```
//!
//! Each stage is one module and knows only the stages to its left. [`scan`] wires
//! them together for one run; [`demo`] is the embedded synthetic marketplace that
//! the `demo` command and the integration tests scan.

// A function longer than a screen is split into named steps (see clippy.toml).
#![warn(clippy::too_many_lines)]

pub mod actor;
pub mod case;
pub mod config;
pub mod crawl;
pub mod demo;
pub mod desk;
pub mod evidence;
pub mod extract;
pub mod failpoint;
pub mod ident;
pub mod judge;
pub mod money;
pub mod notify;
pub mod render;
pub mod report;
pub mod sanitize;
pub mod scan;
pub mod sellers;
pub mod shard;
pub mod summary;
pub mod usage;
pub mod verdict;

/// The tool's name and version, as written into evidence records and the User-Agent.
pub const TOOL: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
