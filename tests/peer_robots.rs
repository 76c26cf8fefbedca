//! google/robotstxt's test cases (tests/data/peer/robots_cases.jsonl) through the
//! robots.txt matcher the crawler uses. Cases marked `google_specific` test Google's
//! extensions beyond RFC 9309 and are counted separately.

use brandguard::crawl::RobotsPolicy;

#[test]
fn google_robotstxt_cases() {
    let text = std::fs::read_to_string("tests/data/peer/robots_cases.jsonl").unwrap();
    let cases: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The extraction script paired some C++ assertions with the wrong robots.txt (a
    // test reassigns its `robotstxt` variable): the same file, agent and URL then
    // appear with both answers. Such contradictory cases are skipped, and counted.
    let key = |c: &serde_json::Value| {
        (
            c["robots_txt"].to_string(),
            c["user_agent"].to_string(),
            c["url"].to_string(),
        )
    };
    let mut answers: std::collections::HashMap<_, std::collections::HashSet<bool>> =
        Default::default();
    for c in &cases {
        answers
            .entry(key(c))
            .or_default()
            .insert(c["allowed"].as_bool().unwrap());
    }
    // These tests define `robotstxt` again inside `{ }` blocks; the extraction kept
    // only the last definition, so their cases pair assertions with the wrong file.
    // (The same semantics are tested with the right files in src/crawl/robots.rs.)
    const MISPAIRED: &[&str] = &[
        "ID_LineSyntax_Groups_OtherRules",
        "ID_LongestMatch",
        "ID_Encoding",
        "ID_SpecialCharacters",
    ];
    let (mut rfc, mut rfc_pass, mut google, mut google_pass, mut contradictory, mut mispaired) =
        (0, 0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for c in &cases {
        if answers[&key(c)].len() > 1 {
            contradictory += 1;
            continue;
        }
        if MISPAIRED.contains(&c["source_test"].as_str().unwrap_or("")) {
            mispaired += 1;
            continue;
        }
        let robots = c["robots_txt"].as_str().unwrap_or("");
        let agent = c["user_agent"].as_str().unwrap_or("");
        let url = c["url"].as_str().unwrap_or("");
        let expected = c["allowed"].as_bool().unwrap();
        let got = RobotsPolicy::parse(agent, robots.as_bytes()).allows_str(url);
        let specific = c["google_specific"].as_bool() == Some(true);
        let ok = got == expected;
        if specific {
            google += 1;
            google_pass += usize::from(ok);
        } else {
            rfc += 1;
            rfc_pass += usize::from(ok);
            if !ok {
                failures.push(format!(
                    "{}: agent {agent:?} url {url:?} expected {expected}",
                    c["source_test"]
                ));
            }
        }
    }
    println!(
        "robots.txt RFC 9309 cases: {rfc_pass}/{rfc}; Google-specific: {google_pass}/{google}; \
         skipped: {contradictory} contradictory, {mispaired} mispaired"
    );
    assert!(failures.is_empty(), "RFC 9309 cases failing: {failures:#?}");
}
