//! Changes the review desk makes to the targets folder: a seller authorised from
//! the queue is appended to `brand.toml` as a `[[seller]]` table (TOML lets an
//! array's tables come anywhere in the file), with who and when; the rest of the
//! file, comments included, stays as the brand wrote it. The new file must load
//! before it replaces the old one.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{Config, ConfigError};

/// A seller to authorise: its account on one marketplace.
#[derive(Debug, Clone)]
pub struct NewSeller {
    pub marketplace: String,
    /// The seller's account id on the marketplace (sellers are known by id).
    pub account_id: String,
    /// Its name as the marketplace shows it.
    pub name: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Serialize)]
struct Table<'a> {
    seller: [Entry<'a>; 1],
}

#[derive(Serialize)]
struct Entry<'a> {
    id: String,
    name: &'a str,
    authorized_on: [&'a str; 1],
    accounts: [Account<'a>; 1],
    authorized_by: &'a str,
    authorized_at: String,
}

#[derive(Serialize)]
struct Account<'a> {
    marketplace: &'a str,
    id: &'a str,
}

/// Adds `s` to the authorised sellers of the targets at `config.dir`; the id it
/// was given (from its name, unique among the sellers). Refused when the account
/// is already a seller's.
pub fn authorize_seller(config: &Config, s: &NewSeller) -> Result<String, ConfigError> {
    let brand_path = config.dir.join("brand.toml");
    let refuse = |message: String| ConfigError::Folder {
        path: brand_path.clone(),
        message,
    };
    if s.account_id.trim().is_empty() {
        return Err(refuse(
            "a seller is authorised by its account id on the marketplace, and this listing shows none".into(),
        ));
    }
    if let Some(known) = config.brand.sellers.iter().find(|x| {
        x.accounts
            .iter()
            .any(|a| a.marketplace == s.marketplace && a.id.eq_ignore_ascii_case(&s.account_id))
    }) {
        return Err(refuse(format!(
            "account {} on {} is already distributor {}'s",
            s.account_id, s.marketplace, known.id
        )));
    }
    let id = fresh_id(config, &s.name, &s.account_id);
    let body = toml::to_string(&Table {
        seller: [Entry {
            id: id.clone(),
            name: if s.name.trim().is_empty() {
                &s.account_id
            } else {
                &s.name
            },
            authorized_on: [&s.marketplace],
            accounts: [Account {
                marketplace: &s.marketplace,
                id: &s.account_id,
            }],
            authorized_by: &s.by,
            authorized_at: s.at.to_rfc3339(),
        }],
    })
    .map_err(|e| refuse(format!("cannot write the seller: {e}")))?;
    let old = std::fs::read_to_string(&brand_path).map_err(|source| ConfigError::Read {
        path: brand_path.clone(),
        source,
    })?;
    let sep = if old.ends_with('\n') { "\n" } else { "\n\n" };
    let text = format!(
        "{old}{sep}# Authorised at the review desk by {} on {}.\n{body}",
        crate::sanitize::terminal(&s.by, 64).replace('\n', " "),
        s.at.format("%Y-%m-%d")
    );
    replace_checked(&config.dir, &brand_path, &old, &text)?;
    Ok(id)
}

/// An id for a new seller: its name (or account) folded to `a-z0-9-`, with a
/// number added when taken.
fn fresh_id(config: &Config, name: &str, account: &str) -> String {
    let base: String = crate::ident::fold(if name.trim().is_empty() {
        account
    } else {
        name
    })
    .chars()
    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
    .collect::<String>()
    .split('-')
    .filter(|p| !p.is_empty())
    .collect::<Vec<_>>()
    .join("-");
    let base = if base.is_empty() {
        "seller".to_string()
    } else {
        base.chars().take(40).collect()
    };
    let taken = |id: &str| config.brand.sellers.iter().any(|s| s.id == id);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

/// Writes `text` over `path` (through a temporary file renamed over it), then
/// checks the targets still load; if not, puts `old` back and says why.
fn replace_checked(dir: &Path, path: &Path, old: &str, text: &str) -> Result<(), ConfigError> {
    let write = |t: &str| -> Result<(), ConfigError> {
        use std::io::Write;
        let err = |source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
        tmp.write_all(t.as_bytes()).map_err(err)?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(path).map_err(|e| err(e.error))?;
        Ok(())
    };
    write(text)?;
    if let Err(e) = Config::load(dir) {
        write(old)?;
        return Err(e);
    }
    Ok(())
}
