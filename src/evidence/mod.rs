//! The evidence store (sled): what was fetched, what was read from it and what was
//! found, kept so that it can be shown to a marketplace or a court.
//!
//! Trees and keys (numbers big-endian so key order is time order):
//!
//! | tree           | key                                   | value                               |
//! |----------------|---------------------------------------|-------------------------------------|
//! | `meta`         | `schema_version`                      | u32 BE                              |
//! | `snapshots`    | SHA-256 of the exact body (32 bytes)  | zstd of the body                    |
//! | `observations` | scan id u64 BE ‖ seq u64 BE           | JSON [`Observation`]                |
//! | `listings`     | marketplace `\0` listing id           | JSON latest [`Observation`]         |
//! | `findings`     | marketplace `\0` listing id `\0` kind | JSON [`FindingRecord`]              |
//! | `cases`        | case id (`C0001`)                     | JSON case (see `crate::case`)       |
//! | `scans`        | scan id u64 BE                        | JSON [`ScanRecord`]                 |
//! | `log`          | seq u64 BE                            | JSON [`LogRecord`], hash-chained    |
//!
//! The log holds, in order, `scan_started`, `capture` (every fetch: URLs, status,
//! headers, server address, times, User-Agent, tool, snapshot hash), `observation`
//! (with the SHA-256 of the observation's stored bytes), `finding`,
//! `finding_resolved`, `finding_relapsed`, `case_event` (with the SHA-256 of the
//! case's new bytes) and `scan_finished` (with the number and SHA-256 of the scan's
//! report rows) records. Each record holds the hash of the one before, so changing
//! any byte of any record, observation or snapshot is found by [`Store::verify`].
//! Snapshots and log records are never overwritten or deleted.
//!
//! Beside sled's files, `report_rows/` holds one zstd JSON-lines file per finished
//! scan with what the compliance report reads of each observation (see [`rows`]).

pub mod anchor;
pub mod rows;
mod store;
pub mod wacz;
pub mod warc;

pub use rows::ReportRow;
pub use store::*;
