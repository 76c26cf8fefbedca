//! Rate-limit accuracy on loopback: three demo hosts at different limits, held at the
//! same time for 30 s by a crawler asking as fast as it can. Prints, per host, the
//! limit, the achieved rate and the most requests seen in any one-second window.
//! Run: `cargo bench --bench rate_limit` (BENCH_SECS to change the 30 s).

use std::sync::Arc;
use std::time::{Duration, Instant};

use brandguard::config::{CrawlSettings, RateLimit};
use brandguard::crawl::Fetcher;
use brandguard::demo::{DemoOptions, DemoServer, Site};
use url::Url;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // cargo bench probing for benchmark names
    }
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let server = DemoServer::start(&DemoOptions::default())
        .await
        .expect("demo");
    let settings = CrawlSettings {
        concurrency: 64,
        ..CrawlSettings::default()
    };
    let fetcher = Arc::new(Fetcher::new(&settings).expect("fetcher"));
    let limits = [
        (Site::Shopusa, 5.0, 1),
        (Site::Tmart, 10.0, 2),
        (Site::Bidbay, 20.0, 4),
    ];
    let mut tasks = Vec::new();
    for (site, rate, burst) in limits {
        let base = Url::parse(&server.base_url(site)).expect("url");
        fetcher.register_host(
            &base,
            RateLimit {
                per_second: rate,
                burst,
            },
        );
        // Warm the robots.txt cache so only page requests are measured.
        let _ = fetcher.robots(&base).await;
        let url = base.join("/robots-free-page").expect("url");
        let deadline = Instant::now() + Duration::from_secs(secs);
        for _ in 0..16 {
            let (f, url) = (fetcher.clone(), url.clone());
            tasks.push(tokio::spawn(async move {
                while Instant::now() < deadline {
                    let _ = f.fetch(&url).await;
                }
            }));
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    println!(
        "{:<8} {:>6} {:>6} {:>9} {:>9} {:>7} {:>14}",
        "host", "limit", "burst", "requests", "achieved", "error", "max in 1 s"
    );
    for (site, rate, burst) in limits {
        let times: Vec<u64> = server
            .requests()
            .iter()
            .filter(|r| r.site == site && r.target != "/robots.txt")
            .map(|r| r.at_ms)
            .collect();
        let (first, last) = (times[0], times[times.len() - 1]);
        let achieved = (times.len() - 1) as f64 / ((last - first) as f64 / 1000.0);
        let mut max_window = 0;
        let mut j = 0;
        for i in 0..times.len() {
            while times[i] - times[j] >= 1000 {
                j += 1;
            }
            max_window = max_window.max(i - j + 1);
        }
        println!(
            "{:<8} {:>6.1} {:>6} {:>9} {:>9.3} {:>6.2}% {:>7} (≤ {})",
            site.name(),
            rate,
            burst,
            times.len(),
            achieved,
            (achieved - rate) / rate * 100.0,
            max_window,
            burst as f64 + rate
        );
    }
}
