//! Evidence store write throughput: snapshots per second and MB/s for storing a page
//! (SHA-256, zstd, sled insert) and its capture record in the hash chain.
//! Run: `cargo bench --bench store`.

use std::hint::black_box;

use brandguard::crawl::Page;
use brandguard::demo::{Catalog, PageWeight, item_pages};
use brandguard::evidence::Store;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use url::Url;

fn bench(c: &mut Criterion) {
    let pages: Vec<Vec<u8>> = item_pages(&Catalog::generate(42, 100), PageWeight::Light)
        .into_iter()
        .map(|(_, _, b)| b)
        .collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("store")).expect("store");
    let url = Url::parse("http://127.0.0.1/item").expect("url");
    let mut round = 0u64;
    let mut g = c.benchmark_group("store");
    g.throughput(Throughput::Elements(pages.len() as u64));
    g.bench_function("put_snapshot_and_capture_300_pages", |b| {
        b.iter(|| {
            round += 1;
            for body in &pages {
                // Unique bytes each round, as new pages would be: no deduplication.
                let mut body = body.clone();
                body.extend_from_slice(format!("<!-- {round} -->").as_bytes());
                let snap = store.put_snapshot(&body).expect("put");
                let page = Page::saved(url.clone(), body);
                black_box(store.record_capture(1, &page, &snap).expect("capture"));
            }
        })
    });
    let big =
        std::fs::read("tests/data/peer/html_samples/extruct/misc_opengraph_ns_product_test.html")
            .expect("sample");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("put_snapshot_and_capture_900KB_page", |b| {
        b.iter(|| {
            round += 1;
            let mut body = big.clone();
            body.extend_from_slice(format!("<!-- {round} -->").as_bytes());
            let snap = store.put_snapshot(&body).expect("put");
            let page = Page::saved(url.clone(), body);
            black_box(store.record_capture(1, &page, &snap).expect("capture"));
        })
    });
    g.finish();
    println!(
        "corpus: {} pages, {:.1} KiB on average",
        pages.len(),
        bytes as f64 / pages.len() as f64 / 1024.0
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
