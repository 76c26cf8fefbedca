//! Extraction against scraper's bare parse of the same bytes, the two timed in
//! turn: `cargo bench --bench extract_ratio [-- ROUNDS]` (`EXTRACT_RATIO_ONLY=NAME`
//! for one corpus).
//!
//! Goal (issues 4 and 22): extraction costs at most 1.3× the bare parse. criterion's
//! `extract` bench times its rows one after another, and on this shared machine the
//! speed drifts between rows by more than the margin asked about (one binary gave
//! 1.36×, 1.39× and 1.61× in three runs minutes apart). Here each round parses
//! every page of a set and then extracts every page of it, so drift hits both
//! alike; the fastest round of each (the least disturbed) and the median rounds
//! are compared.

use std::hint::black_box;
use std::time::Instant;

use brandguard::config::Config;
use brandguard::crawl::Page;
use common::{configs, corpora};

mod common;

/// The allocator brandguard runs with, as in the `extract` bench.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments is the rounds.
    let rounds = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(40);
    let (demo, generic) = configs();
    // `EXTRACT_RATIO_ONLY=demo_real_pages` times one corpus (to profile it alone).
    let only = std::env::var("EXTRACT_RATIO_ONLY").ok();
    for (name, config, pages) in corpora(&demo, &generic) {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let (parse, extract) = timed_in_turn(config, &pages, rounds);
        println!(
            "{name:<17} {} pages, {rounds} rounds: fastest parse {:.2} ms, extraction {:.2} ms \
             ({:.3}x); median {:.2} / {:.2} ms ({:.3}x)",
            pages.len(),
            parse[0],
            extract[0],
            extract[0] / parse[0],
            parse[rounds / 2],
            extract[rounds / 2],
            extract[rounds / 2] / parse[rounds / 2],
        );
    }
}

/// Milliseconds of each round's bare parse and extraction of `pages`, each sorted.
fn timed_in_turn(config: &Config, pages: &[(String, Page)], rounds: usize) -> (Vec<f64>, Vec<f64>) {
    let (mut parse, mut extract) = (Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        for (_, p) in pages {
            // The same decoding extraction does, then the parse.
            let text = brandguard::extract::decode(p).text;
            black_box(scraper::Html::parse_document(&text));
        }
        parse.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        for (m, p) in pages {
            let m = config.marketplace(m).expect("marketplace");
            black_box(brandguard::extract::listing(p, m));
        }
        extract.push(t.elapsed().as_secs_f64() * 1e3);
    }
    parse.sort_by(f64::total_cmp);
    extract.sort_by(f64::total_cmp);
    (parse, extract)
}
