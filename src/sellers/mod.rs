//! Who is really behind a listing: seller identity read from the profile pages
//! marketplaces publish, and accounts linked into networks by what they share.
//!
//! Sits beside `extract` (a profile page is read as a listing page is) and before
//! `judge` (a distributor's undeclared shop is judged as the distributor's).

pub mod identity;
pub mod network;
pub mod normalize;
pub mod registry;

pub use identity::SellerIdentity;
pub use network::{Account, Declared, IdKind, Identifier, Link, Member, Network, Networks, Rules};
