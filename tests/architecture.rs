//! The house rules a newcomer relies on (ARCHITECTURE.md), checked on the source:
//! no top-level module of the library imports a module that imports it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → the top-level modules its code names (`crate::x`, or
/// `crate::{x, …}`), comments and unit tests left out.
fn module_uses(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("src/") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if ["lib", "main", "cli"].contains(&name.as_str()) {
            continue;
        }
        if path.is_dir() || path.extension().is_some_and(|e| e == "rs") {
            modules.insert(name, path);
        }
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let word = regex::Regex::new(r"\bcrate::(\w+)").unwrap();
    let group = regex::Regex::new(r"\bcrate::\{([^}]*)\}").unwrap();
    let ident = regex::Regex::new(r"(?:^|,)\s*(\w+)").unwrap();
    let mut uses = BTreeMap::new();
    for (name, path) in &modules {
        let mut used = BTreeSet::new();
        for file in rust_files(path) {
            let text = std::fs::read_to_string(&file).expect("source");
            let code: String = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for c in word.captures_iter(&code) {
                used.insert(c[1].to_string());
            }
            for g in group.captures_iter(&code) {
                for c in ident.captures_iter(&g[1]) {
                    used.insert(c[1].to_string());
                }
            }
        }
        used.retain(|u| u != name && names.contains(u));
        uses.insert(name.clone(), used);
    }
    uses
}

fn rust_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(path).expect("folder") {
        out.extend(rust_files(&entry.expect("entry").path()));
    }
    out
}

/// Modules reachable from `from` through `uses`.
fn reachable(uses: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(m) = todo.pop() {
        for next in uses.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let uses = module_uses(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(uses.len() >= 10, "found only {:?}", uses.keys());
    let circles: Vec<String> = uses
        .keys()
        .filter(|m| reachable(&uses, m).contains(*m))
        .map(|m| {
            let back: Vec<&String> = uses[m]
                .iter()
                .filter(|u| reachable(&uses, u).contains(m))
                .collect();
            format!("{m} <-> {back:?}")
        })
        .collect();
    assert!(
        circles.is_empty(),
        "import circles: {circles:?}\nuses: {uses:#?}"
    );
    // The leaves stay leaves.
    for leaf in ["ident", "money", "sanitize", "usage"] {
        assert!(uses[leaf].is_empty(), "{leaf} uses {:?}", uses[leaf]);
    }
}
