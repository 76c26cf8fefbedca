//! The demo's targets folder, built into the binary so `brandguard demo` works from
//! anywhere, and written out pointing at a running demo for `serve-demo`.

use std::path::Path;

use super::{DemoServer, Site, pages};

/// `(file name, text)` of `targets/demo/`.
const FILES: &[(&str, &str)] = &[
    ("brand.toml", include_str!("../../targets/demo/brand.toml")),
    (
        "marketplaces/shopusa.toml",
        include_str!("../../targets/demo/marketplaces/shopusa.toml"),
    ),
    (
        "marketplaces/tmart.toml",
        include_str!("../../targets/demo/marketplaces/tmart.toml"),
    ),
    (
        "marketplaces/bidbay.toml",
        include_str!("../../targets/demo/marketplaces/bidbay.toml"),
    ),
];

/// Writes the demo targets into `dir`. With `server`, each marketplace's `base_url`
/// points at it and, for catalogs larger than one search category, `start_urls`
/// lists every category (so every listing is reachable within `max_pages`, and
/// `scan --shard` has one unit of work per category to share out).
pub fn write_targets(dir: &Path, server: Option<&DemoServer>) -> Result<(), TargetsError> {
    let catalog = server.map(|s| s.catalog());
    // Pages one marketplace of this catalog takes: its listings and search pages, and
    // room to spare; the default budget (20,000) would cut a large demo short.
    let budget = catalog.as_ref().map(|c| {
        let most = Site::ALL.iter().map(|s| c.on(*s).len()).max().unwrap_or(0);
        (most + most / pages::PAGE_SIZE) * 2
    });
    for (name, text) in FILES {
        let path = dir.join(name);
        let site = Site::ALL
            .into_iter()
            .find(|s| *name == format!("marketplaces/{}.toml", s.name()));
        let text = match (server, &catalog, site) {
            (Some(server), Some(c), Some(site)) => {
                let cats = pages::categories(c, site);
                let starts: Vec<String> = (0..cats)
                    .map(|k| format!("{:?}", pages::search_path(site, (cats > 1).then_some(k), 1)))
                    .collect();
                text.lines()
                    .map(|line| {
                        if line.starts_with("base_url =") {
                            format!("base_url = {:?}", server.base_url(site))
                        } else if line.starts_with("start_urls =") {
                            format!("start_urls = [{}]", starts.join(", "))
                        } else {
                            line.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
                    + "\n"
            }
            _ => match budget {
                Some(b) if *name == "brand.toml" => text.replace(
                    "\n[crawl]\n",
                    &format!("\n[crawl]\npage_budget = {}\n", b.max(20_000)),
                ),
                _ => text.to_string(),
            },
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| TargetsError {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, text).map_err(|source| TargetsError {
            path: path.clone(),
            source,
        })?;
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write the demo targets to {}: {source}", path.display())]
pub struct TargetsError {
    pub path: std::path::PathBuf,
    pub source: std::io::Error,
}
