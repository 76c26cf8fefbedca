//! The Dockerfile, checked without a Docker engine (none runs on CI machines): linted
//! with hadolint, read for what a platform team requires (pinned bases, a non-root
//! user, the binary only, a default target without kubectl), and its build stage run
//! for real: the files `.dockerignore` lets into the context are copied to a scratch
//! folder and the stage's RUN commands run there with its ARG and ENV values (the
//! profile set to `dev` to reuse this test run's compiled crates), after which every
//! file the runtime stage copies from it must exist and the binary must run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

/// One instruction: its keyword and the rest of the line, continuations joined.
type Instruction = (String, String);

/// A build stage: `FROM image AS name` and its instructions.
struct Stage {
    from: String,
    name: String,
    body: Vec<Instruction>,
}

/// The Dockerfile's global ARGs and its stages.
fn dockerfile() -> (BTreeMap<String, String>, Vec<Stage>) {
    let text = std::fs::read_to_string("Dockerfile").unwrap();
    let mut lines = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('#') || (t.is_empty() && current.is_empty()) {
            continue;
        }
        match t.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(t);
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    let mut args = BTreeMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    for line in lines {
        let (keyword, rest) = line.split_once(' ').unwrap_or((&line, ""));
        let (keyword, rest) = (keyword.to_ascii_uppercase(), rest.trim().to_string());
        if keyword == "FROM" {
            let words: Vec<&str> = rest.split_whitespace().collect();
            assert_eq!(words.len(), 3, "FROM image AS name: {rest}");
            stages.push(Stage {
                from: expand(words[0], &args),
                name: words[2].to_string(),
                body: Vec::new(),
            });
        } else if let Some(stage) = stages.last_mut() {
            stage.body.push((keyword, rest));
        } else {
            assert_eq!(keyword, "ARG", "only ARG before the first FROM");
            let (k, v) = rest.split_once('=').unwrap();
            args.insert(k.to_string(), v.to_string());
        }
    }
    (args, stages)
}

/// `${NAME}` and `$NAME` replaced by their values.
fn expand(s: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = s.to_string();
    for (k, v) in vars {
        out = out
            .replace(&format!("${{{k}}}"), v)
            .replace(&format!("${k}"), v);
    }
    out
}

fn stage<'a>(stages: &'a [Stage], name: &str) -> &'a Stage {
    stages
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("stage {name}"))
}

#[test]
fn dockerfile_passes_hadolint() {
    if !common::tool_available("hadolint", "the Dockerfile's lint") {
        return;
    }
    let o = Command::new("hadolint").arg("Dockerfile").output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    println!(
        "hadolint Dockerfile: {}",
        if text.trim().is_empty() {
            "no findings"
        } else {
            &text
        }
    );
    assert!(o.status.success() && text.trim().is_empty(), "{text}");
}

#[test]
fn the_image_is_pinned_unprivileged_and_holds_the_binary_only() {
    let (_, stages) = dockerfile();
    for s in &stages {
        if stages.iter().any(|o| o.name == s.from) {
            continue; // FROM an earlier stage
        }
        let (_, tag) = s
            .from
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("{}: a tag", s.from));
        assert!(
            tag != "latest"
                && tag
                    .chars()
                    .any(|c| c.is_ascii_digit() || c.is_ascii_alphabetic())
        );
        assert!(
            s.from.starts_with("rust:") || s.from.starts_with("debian:"),
            "Debian bases only: {}",
            s.from
        );
    }
    // The default target (the last stage) is the runtime without kubectl.
    let last = stages.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.from.as_str()),
        ("runtime", "base")
    );
    let base = stage(&stages, "base");
    let user = base
        .body
        .iter()
        .rev()
        .find(|(k, _)| k == "USER")
        .map(|(_, v)| v.clone())
        .expect("USER in the runtime");
    let uid: u32 = user
        .split(':')
        .next()
        .unwrap()
        .parse()
        .expect("a numeric user");
    assert!(uid >= 1000, "not root: {user}");
    assert!(
        base.body
            .iter()
            .any(|(k, v)| k == "ENTRYPOINT" && v.contains("brandguard"))
    );
    let copies: Vec<&String> = base
        .body
        .iter()
        .filter(|(k, _)| k == "COPY")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(copies.len(), 1, "the binary only: {copies:?}");
    assert!(copies[0].starts_with("--from=build "), "{}", copies[0]);
    for s in &stages {
        assert!(
            !s.body.iter().any(|(k, _)| k == "ADD"),
            "{}: COPY, not ADD",
            s.name
        );
    }
    let k8s = stage(&stages, "kubernetes");
    assert_eq!(k8s.from, "base");
    let fetch = stage(&stages, "kubectl");
    assert!(
        fetch
            .body
            .iter()
            .any(|(k, v)| k == "RUN" && v.contains("sha256sum -c")),
        "kubectl is checked against its checksum"
    );
}

/// Files of the repository the build context holds, by `.dockerignore`: a `*` then
/// `!path` lines (the only forms it uses; anything else fails here, to be taught).
fn context_files() -> Vec<PathBuf> {
    let ignore = std::fs::read_to_string(".dockerignore").unwrap();
    let patterns: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for p in &patterns {
        assert!(
            *p == "*" || p.starts_with('!'),
            "a .dockerignore form this test does not read: {p}"
        );
    }
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .output()
        .unwrap();
    assert!(listed.status.success(), "git ls-files");
    String::from_utf8(listed.stdout)
        .unwrap()
        .split('\0')
        .filter(|f| !f.is_empty())
        .filter(|f| {
            let mut included = true;
            for p in &patterns {
                match p.strip_prefix('!') {
                    None => included = false,
                    Some(path) => {
                        let path = path.trim_end_matches('/');
                        if *f == path || f.starts_with(&format!("{path}/")) {
                            included = true;
                        }
                    }
                }
            }
            included
        })
        .map(PathBuf::from)
        .collect()
}

#[test]
fn the_build_stage_runs_and_makes_what_the_runtime_copies() {
    let (global, stages) = dockerfile();
    let build = stage(&stages, "build");
    let scratch = tempfile::tempdir().unwrap();
    let root = |p: &str| scratch.path().join(p.trim_start_matches('/'));
    // This test run's target folder: the dependencies are compiled already.
    let exe = Path::new(env!("CARGO_BIN_EXE_brandguard"));
    let target_dir = exe.parent().unwrap().parent().unwrap();

    let mut vars = global.clone();
    let mut workdir = root("/");
    for (keyword, rest) in &build.body {
        match keyword.as_str() {
            "WORKDIR" => {
                workdir = root(rest);
                std::fs::create_dir_all(&workdir).unwrap();
            }
            "COPY" => {
                assert_eq!(rest, ". .", "the build stage copies the context");
                let files = context_files();
                assert!(files.iter().any(|f| f.ends_with("Cargo.lock")));
                assert!(
                    !files
                        .iter()
                        .any(|f| f.starts_with("target") || f.starts_with("evidence/")),
                    "no build output or evidence in the context"
                );
                for f in files {
                    let to = workdir.join(&f);
                    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                    std::fs::copy(&f, &to).unwrap();
                }
            }
            "ARG" | "ENV" => {
                let (k, v) = rest.split_once('=').unwrap_or((rest, ""));
                let v = match k {
                    "PROFILE" => "dev".to_string(),
                    // Paths of the image, inside the scratch folder here.
                    _ if v.starts_with('/') => root(v).display().to_string(),
                    _ => v.to_string(),
                };
                vars.insert(k.to_string(), v);
            }
            "RUN" => {
                let o = Command::new("/bin/sh")
                    .arg("-c")
                    .arg(rest)
                    .current_dir(&workdir)
                    .envs(&vars)
                    // Intermediate artifacts from (and to) this run's build folder;
                    // the final binary in the scratch folder, never over the
                    // target/debug/brandguard that other tests run.
                    .env("CARGO_BUILD_BUILD_DIR", target_dir)
                    .env("CARGO_TARGET_DIR", root("/target"))
                    .output()
                    .unwrap();
                assert!(
                    o.status.success(),
                    "RUN {rest}\n{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
                println!("RUN {rest}: ok");
            }
            other => panic!("the build stage has {other}: teach this test to run it"),
        }
    }
    // Everything the runtime copies from the build stage now exists, and runs.
    let base = stage(&stages, "base");
    for (_, rest) in base.body.iter().filter(|(k, _)| k == "COPY") {
        let from = rest.split_whitespace().nth(1).unwrap();
        let made = root(from);
        assert!(
            made.exists(),
            "COPY {rest}: {} was not made",
            made.display()
        );
        let o = Command::new(&made).arg("--version").output().unwrap();
        assert!(o.status.success());
        assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            format!("brandguard {}", env!("CARGO_PKG_VERSION"))
        );
    }
}
