//! Seller network clustering at scale: 100,000 sellers with 300,000 identifiers
//! (a phone, an e-mail and a registration number each; one seller in twenty in one
//! of 1,000 planted networks of five sharing a phone, a third of those sharing a
//! registration number too, and one agent's phone shown by 5,000 sellers, far over
//! `max_sharing`). Prints the time and the process's peak memory of one build, and
//! the time to normalise 100,000 identities as pages show them, then criterion's
//! timing of the build.
//! Run: `cargo bench --bench networks`.

use std::hint::black_box;

use brandguard::config::NetworkSettings;
use brandguard::sellers::network::{self, Account, IdKind, Identifier, Member, Rules};
use criterion::{Criterion, criterion_group, criterion_main};

const SELLERS: usize = 100_000;

fn members() -> Vec<Member> {
    let mut out = Vec::with_capacity(SELLERS);
    for i in 0..SELLERS {
        // Networks: sellers 20k..20k+5% come in groups of 2–6 sharing a phone.
        let group = (i % 20 == 0).then_some(i / 100);
        let phone = match (group, i % 1000) {
            (_, 0..50) => "+85235900000".to_string(),
            (Some(g), _) => format!("+1415{:07}", 5_000_000 + g),
            (None, _) => format!("+1212{:07}", i),
        };
        let reg = match group {
            Some(g) if g % 3 == 0 => format!("registration:{}", 7_000_000 + g),
            _ => format!("registration:{}", 10_000_000 + i),
        };
        let marketplace = ["shopusa", "tmart", "bidbay"][i % 3];
        out.push(Member {
            account: Account {
                marketplace: marketplace.into(),
                seller_id: format!("seller-{i}"),
            },
            shop_name: Some(format!("Shop {i}")),
            capture_log_seq: i as u64,
            identifiers: vec![
                Identifier::new(IdKind::Phone, phone.clone(), &phone),
                Identifier::new(IdKind::Email, format!("s{i}@mail.example"), "e-mail"),
                Identifier::new(IdKind::Registration, reg, "registration"),
            ],
        });
    }
    out
}

/// Identities as pages show them, for the normalisation pass (phones through
/// libphonenumber, e-mails, registration numbers, names and addresses).
fn shown(i: usize) -> brandguard::sellers::SellerIdentity {
    brandguard::sellers::SellerIdentity {
        marketplace: "shopusa".into(),
        seller_id: format!("seller-{i}"),
        legal_name: Some(format!("Shop {i} Trading Co., Ltd.")),
        address: Some(format!(
            "{} Market Street, Suite {}, San Francisco, CA",
            i % 900,
            i % 77
        )),
        phones: vec![format!("(415) {:03}-{:04}", 200 + i % 700, i % 10_000)],
        emails: vec![format!("Sales.{i}@Mail.example")],
        registrations: vec![format!("File No. {}", 10_000_000 + i)],
        country: Some("US".into()),
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let raw: Vec<_> = (0..SELLERS).map(shown).collect();
    let t = std::time::Instant::now();
    let ids: usize = raw.iter().map(|r| r.identifiers().len()).sum();
    println!(
        "identifiers: {} read from {} identities as shown in {:.3} s",
        ids,
        raw.len(),
        t.elapsed().as_secs_f64()
    );
    drop(raw);
    let members = members();
    let rules = Rules::of(&NetworkSettings::default());
    let before = brandguard::usage::Usage::now();
    let t = std::time::Instant::now();
    let n = network::build(&members, &rules);
    let took = t.elapsed();
    let after = brandguard::usage::Usage::now();
    let links: usize = n.networks.iter().map(|x| x.links.len()).sum();
    println!(
        "networks: {} sellers, {} identifiers -> {} networks, {} links, {} values not linked; \
         one build {:.3} s; process peak memory {:.0} MiB (before the build {:.0} MiB, with the input)",
        n.sellers,
        n.identifiers,
        n.networks.len(),
        links,
        n.unlinked.len(),
        took.as_secs_f64(),
        after.peak_rss_mib,
        before.peak_rss_mib
    );
    let mut g = c.benchmark_group("networks");
    g.sample_size(10);
    g.bench_function("build_100k_sellers_300k_identifiers", |b| {
        b.iter(|| black_box(network::build(black_box(&members), &rules)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
