//! The review desk with accounts, driven in real headless Chromium (Debian's
//! `chromium`, over the DevTools protocol): signing in, a false positive dismissed
//! and gone after the next scan, a seller authorised, a case filed, rejected and
//! refiled, a packet built, downloaded and verified; a channel manager kept out of
//! cases (403); a stranger sent to sign in; a captured page that reaches nothing.

mod common;

use std::time::Duration;

use brandguard::demo::DemoOptions;
use brandguard::desk::{self, Role};
use chromiumoxide::{Browser, BrowserConfig, Page};
use futures::StreamExt;

const LEGAL_PW: &str = "lena's long password";
const CHANNEL_PW: &str = "chan's long password";

/// Headless Chromium in its own profile; the handler's task.
async fn browser(profile: &std::path::Path) -> (Browser, tokio::task::JoinHandle<()>) {
    let exe = common::chromium().expect("chromium");
    let config = BrowserConfig::builder()
        .chrome_executable(exe)
        .no_sandbox()
        .new_headless_mode()
        .user_data_dir(profile)
        .arg("--disable-gpu")
        .arg("--no-first-run")
        .arg("--disable-background-networking")
        .build()
        .expect("browser config");
    let (browser, mut handler) = Browser::launch(config).await.expect("chromium starts");
    let task = tokio::spawn(async move { while handler.next().await.is_some() {} });
    (browser, task)
}

/// Waits (bounded) until the page's address satisfies `ok`; the address.
async fn wait_url(page: &Page, ok: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..200 {
        last = page.url().await.ok().flatten().unwrap_or_default();
        let ready = page
            .evaluate("document.readyState")
            .await
            .ok()
            .and_then(|v| v.into_value::<String>().ok())
            .is_some_and(|s| s == "complete");
        if ok(&last) && ready {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = page.content().await.unwrap_or_default();
    panic!("the page did not get there: last at {last}: {body}");
}

/// Types `text` into the element `selector` names.
async fn fill(page: &Page, selector: &str, text: &str) {
    page.find_element(selector)
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .click()
        .await
        .expect("focus")
        .type_str(text)
        .await
        .expect("typed");
}

/// Clicks `selector` (a form's button) and waits for the page that answers.
async fn submit(page: &Page, selector: &str, then: impl Fn(&str) -> bool) -> String {
    page.evaluate("window.__before = 1").await.expect("mark");
    page.find_element(selector)
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .click()
        .await
        .expect("clicked");
    // The old document carried the mark; the answer does not.
    let mut sent = false;
    for _ in 0..200 {
        sent = page
            .evaluate("window.__before === undefined")
            .await
            .ok()
            .and_then(|v| v.into_value::<bool>().ok())
            .unwrap_or(false);
        if sent {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(sent, "{selector}: the click sent no form");
    wait_url(page, then).await
}

async fn sign_in(page: &Page, base: &str, user: &str, password: &str) -> String {
    page.goto(format!("{base}/login"))
        .await
        .expect("login page");
    wait_url(page, |u| u.contains("/login")).await;
    fill(page, "input[name=user]", user).await;
    fill(page, "input[name=password]", password).await;
    submit(page, "form[action='/login'] button", |u| {
        !u.contains("/login")
    })
    .await
}

async fn text(page: &Page) -> String {
    page.content().await.expect("content")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The session cookie Chromium holds, as a `Cookie` header.
async fn cookie_of(page: &Page) -> String {
    let cookies = page.get_cookies().await.expect("cookies");
    let c = cookies
        .iter()
        .find(|c| c.name == desk::accounts::SESSION_COOKIE)
        .expect("a session cookie");
    assert!(c.http_only && c.secure, "HttpOnly and Secure: {c:?}");
    format!("{}={}", c.name, c.value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_work_the_desk_in_a_browser_by_role() {
    if !common::tool_available("chromium", "the desk driven in a browser") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (server, config) = common::demo_copy(&DemoOptions::default(), dir.path()).await;
    let store = brandguard::evidence::Store::open(&dir.path().join("store")).unwrap();
    for n in 0..2 {
        server.set_night(n);
        common::night(&config, &store, n).await;
    }
    let users_file = dir.path().join("users.toml");
    desk::accounts::add_user(&users_file, "lena", Role::Legal, LEGAL_PW).unwrap();
    desk::accounts::add_user(&users_file, "chan", Role::Channel, CHANNEL_PW).unwrap();
    let users = desk::Users::load(&users_file).unwrap();
    let running = desk::start(config, store, "127.0.0.1:0".parse().unwrap(), Some(users))
        .await
        .expect("the desk starts");
    let base = format!("http://{}", running.addr);
    let profile = tempfile::tempdir().unwrap();
    let (mut browser, handler) = browser(profile.path()).await;
    let page = browser.new_page("about:blank").await.expect("a tab");

    // A stranger is sent to sign in, and comes back where they were going.
    for path in [
        "/",
        "/cases",
        "/cases/C0001",
        "/distributors",
        "/scans",
        "/dismissals",
    ] {
        let r = client().get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303, "{path}");
        let to = r.headers()["location"].to_str().unwrap().to_string();
        assert!(to.starts_with("/login?next="), "{path} → {to}");
    }
    let r = client()
        .post(format!("{base}/scans"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}", running.desk.token()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "no action without signing in");
    // A form posted from another site is refused, signing in included.
    let r = client()
        .post(format!("{base}/login"))
        .header("origin", "http://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user=lena&password={LEGAL_PW}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "cross-site sign-in refused");
    page.goto(format!("{base}/cases")).await.unwrap();
    wait_url(&page, |u| u.contains("/login?next=%2Fcases")).await;
    fill(&page, "input[name=user]", "lena").await;
    fill(&page, "input[name=password]", "not the password").await;
    submit(&page, "form[action='/login'] button", |u| {
        u.ends_with("/login")
    })
    .await;
    let t = text(&page).await;
    assert!(t.contains("Wrong name or password"), "{t}");

    // Legal signs in.
    let at = sign_in(&page, &base, "lena", LEGAL_PW).await;
    assert!(at.ends_with('/'), "{at}");
    let queue = text(&page).await;
    assert!(queue.contains("lena (legal)"), "signed in as lena");
    let legal_cookie = cookie_of(&page).await;

    // Dismiss a below-floor finding from the queue.
    let key: String = page
        .evaluate("[...document.querySelectorAll('form[action=\"/findings/dismiss\"] input[name=key]')].map(i => i.value).find(k => k.endsWith('/below_floor'))")
        .await
        .unwrap()
        .into_value()
        .expect("a below-floor finding in the queue");
    let form = format!("form[action='/findings/dismiss']:has(input[value='{key}'])");
    fill(
        &page,
        &format!("{form} input[name=reason]"),
        "a bundle of two: the price is per piece",
    )
    .await;
    submit(&page, &format!("{form} button"), |u| u.ends_with('/')).await;
    assert!(!text(&page).await.contains(&key), "{key} left the queue");
    let store = running.desk.store();
    let f = store
        .finding(&brandguard::evidence::finding_key_of_printable(&key))
        .unwrap()
        .unwrap();
    let reason = f.resolved.as_ref().expect("resolved").reason.clone();
    assert!(brandguard::case::is_dismissal(&reason), "{reason}");
    assert!(reason.contains("by lena"), "the account is who: {reason}");
    let file = std::fs::read_to_string(dir.path().join("targets/dismissals.toml")).unwrap();
    assert!(
        file.contains("per piece") && file.contains("by = \"lena\""),
        "{file}"
    );
    // The next scan does not flag it again, and says why.
    server.set_night(2);
    let config = running.desk.config();
    common::night(&config, store, 2).await;
    let f = store
        .finding(&brandguard::evidence::finding_key_of_printable(&key))
        .unwrap()
        .unwrap();
    assert!(
        f.resolved.is_some(),
        "still dismissed after the scan: {f:?}"
    );
    page.goto(format!("{base}/")).await.unwrap();
    wait_url(&page, |u| u.ends_with('/')).await;
    assert!(!text(&page).await.contains(&key), "not back after the scan");
    // It is listed, and undoable.
    page.goto(format!("{base}/dismissals")).await.unwrap();
    wait_url(&page, |u| u.ends_with("/dismissals")).await;
    assert!(text(&page).await.contains("per piece"));
    submit(&page, "form[action='/dismissals/undo'] button", |u| {
        u.ends_with("/dismissals")
    })
    .await;
    assert!(text(&page).await.contains("Nothing dismissed"));

    // Authorise an unauthorised seller from the queue: added to brand.toml with
    // who and when; its findings resolved as authorised, never as complied.
    page.goto(format!("{base}/")).await.unwrap();
    wait_url(&page, |u| u.ends_with('/')).await;
    let key: String = page
        .evaluate(
            "document.querySelector('form[action=\"/findings/authorize\"] input[name=key]').value",
        )
        .await
        .unwrap()
        .into_value()
        .expect("an unauthorised seller with an id in the queue");
    let seller = store
        .finding(&brandguard::evidence::finding_key_of_printable(&key))
        .unwrap()
        .unwrap()
        .finding;
    let form = format!("form[action='/findings/authorize']:has(input[value='{key}'])");
    submit(&page, &format!("{form} button"), |u| u.ends_with('/')).await;
    let brand = std::fs::read_to_string(dir.path().join("targets/brand.toml")).unwrap();
    let sid = seller.seller_id.clone().unwrap();
    assert!(
        brand.contains(&format!("id = \"{sid}\"")) && brand.contains("authorized_by = \"lena\""),
        "{brand}"
    );
    assert!(
        running
            .desk
            .config()
            .brand
            .sellers
            .iter()
            .any(|s| s.accounts.iter().any(|a| a.id == sid)),
        "the desk reads the new seller"
    );
    let r = store
        .finding(&brandguard::evidence::finding_key_of_printable(&key))
        .unwrap()
        .unwrap();
    let reason = r.resolved.expect("resolved").reason;
    assert!(reason.starts_with(brandguard::case::AUTHORISED), "{reason}");

    // A case: file, reject, build a packet, refile; the zip verifies.
    let case = brandguard::case::all(store)
        .unwrap()
        .into_iter()
        .find(|c| !c.state.is_done() && c.path.path.as_str() != "distributor_notice")
        .expect("an open case");
    let case_url = format!("{base}/cases/{}", case.id);
    page.goto(case_url.clone()).await.unwrap();
    wait_url(&page, |u| u == case_url).await;
    let step = |a: &str| format!("form:has(input[name=action][value={a}])");
    // A reviewer's confirmation of a counterfeit, with what shows it.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        .await
        .unwrap();
    fill(
        &page,
        &format!("{} input[name=grounds]", step("confirm")),
        "logo misprinted on the box",
    )
    .await;
    page.find_element(&format!(
        "{} input[name=appears_packaging]",
        step("confirm")
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    submit(&page, &format!("{} button", step("confirm")), |u| {
        u == case_url
    })
    .await;
    let c = brandguard::case::get(store, &case.id).unwrap();
    let g = c.grounds.last().expect("grounds recorded");
    assert_eq!(
        (g.kind.as_str(), g.by.as_str()),
        ("reviewer", "lena"),
        "{g:?}"
    );
    assert_eq!(g.appears_in, vec!["packaging".to_string()]);
    submit(&page, "form[action$='/packet'] button", |u| u == case_url).await;
    fill(
        &page,
        &format!("{} input[name=reference]", step("file")),
        "CMP-1",
    )
    .await;
    submit(&page, &format!("{} button", step("file")), |u| {
        u == case_url
    })
    .await;
    fill(
        &page,
        &format!("{} input[name=reason]", step("reject")),
        "need the order id",
    )
    .await;
    submit(&page, &format!("{} button", step("reject")), |u| {
        u == case_url
    })
    .await;
    submit(&page, "form[action$='/packet'] button", |u| u == case_url).await;
    fill(
        &page,
        &format!("{} input[name=reference]", step("refile")),
        "CMP-2",
    )
    .await;
    submit(&page, &format!("{} button", step("refile")), |u| {
        u == case_url
    })
    .await;
    let c = brandguard::case::get(store, &case.id).unwrap();
    assert_eq!(c.state.as_str(), "refiled", "{:?}", c.events);
    assert!(
        c.events
            .iter()
            .filter(|e| ["filed", "rejected", "refiled"].contains(&e.action.as_str()))
            .all(|e| e.by == "lena")
    );
    let zip: String = page
        .evaluate("document.querySelector('a[href^=\"/packets/\"]').getAttribute('href')")
        .await
        .unwrap()
        .into_value()
        .expect("a download link");
    let r = client()
        .get(format!("{base}{zip}"))
        .header("cookie", &legal_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let downloaded = dir.path().join("downloaded.zip");
    std::fs::write(&downloaded, r.bytes().await.unwrap()).unwrap();
    let check = brandguard::report::packet::verify(&downloaded, Some(store)).expect("verifies");
    assert_eq!(check.case_id, case.id);

    // A test buy with its receipt, uploaded from the case page.
    page.goto(case_url.clone()).await.unwrap();
    wait_url(&page, |u| u == case_url).await;
    page.evaluate(
        "(() => { document.querySelectorAll('details').forEach(d => d.open = true); \
          const f = document.querySelector('form[action$=\"/testbuy\"]'); \
          f.querySelector('input[name=order]').value = 'ORD-77'; \
          f.querySelector('input[name=date]').value = '2026-11-20'; \
          const dt = new DataTransfer(); \
          dt.items.add(new File([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], 'receipt.png', {type: 'image/png'})); \
          f.querySelector('input[name=file]').files = dt.files; })()",
    )
    .await
    .expect("test buy form filled");
    submit(&page, "form[action$='/testbuy'] button", |u| u == case_url).await;
    assert!(
        text(&page).await.contains("ORD-77"),
        "the test buy is shown"
    );
    let c = brandguard::case::get(store, &case.id).unwrap();
    let g = c
        .grounds
        .iter()
        .find(|g| g.order_id.as_deref() == Some("ORD-77"))
        .expect("recorded");
    assert_eq!(g.by, "lena");
    assert_eq!(g.file_name.as_deref(), Some("receipt.png"));
    let sha = g.file_sha256.clone().expect("the receipt is kept");
    assert_eq!(
        store.snapshot(&sha).unwrap().expect("stored"),
        vec![137, 80, 78, 71, 1, 2, 3],
        "the exact bytes"
    );

    // A captured page with scripts, opened by a signed-in lawyer: nothing runs, no
    // cookie is read, nothing reaches the desk.
    let evil = br#"<!doctype html><html><head><title>captured</title>
<script>document.title = 'RAN ' + document.cookie; fetch('/api/cases'); fetch('/scans', {method: 'POST', credentials: 'include'});</script></head>
<body><p id="p">the captured listing</p></body></html>"#;
    let snap = store.put_snapshot(evil).unwrap();
    let capture = format!("{base}/capture/{}", snap.sha256);
    page.goto(capture.clone()).await.unwrap();
    wait_url(&page, |u| u == capture).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let title: String = page
        .evaluate("document.title")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(title, "captured", "no script ran");
    assert!(
        running.desk.scan_state_now().running_since.is_none(),
        "no scan started"
    );

    // Sign out; a channel manager lands on the distributors and may not reach a case.
    page.goto(format!("{base}/distributors")).await.unwrap();
    wait_url(&page, |u| u.ends_with("/distributors")).await;
    submit(&page, "form[action='/logout'] button", |u| {
        u.contains("/login")
    })
    .await;
    let r = client()
        .get(format!("{base}/cases"))
        .header("cookie", &legal_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "the old session ended");
    let at = sign_in(&page, &base, "chan", CHANNEL_PW).await;
    assert!(at.ends_with("/distributors"), "{at}");
    let cards = text(&page).await;
    assert!(
        cards.contains("chan (channel)") && !cards.contains("href=\"/cases\""),
        "no case link for channel"
    );
    page.goto(case_url.clone()).await.unwrap();
    wait_url(&page, |u| u == case_url).await;
    let refused = text(&page).await;
    assert!(refused.contains("may not"), "403 page");
    assert!(
        refused.contains("href=\"/distributors\"") && !refused.contains("href=\"/\""),
        "the 403 page leads a channel manager back to the distributors: {refused}"
    );
    let chan_cookie = cookie_of(&page).await;
    let r = client()
        .get(&case_url)
        .header("cookie", &chan_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = client()
        .post(format!("{case_url}/action"))
        .header("cookie", &chan_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=x&action=close&reason=r")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "a case action is refused");
    let distributor = &running.desk.config().brand.sellers[0].id;
    let period = brandguard::demo::night_date(0).format("%Y-%m").to_string();
    let r = client()
        .get(format!(
            "{base}/distributors/{distributor}/report?period={period}"
        ))
        .header("cookie", &chan_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        200,
        "channel downloads a distributor's report"
    );
    assert_eq!(r.headers()["content-type"], "application/zip");

    browser.close().await.ok();
    handler.abort();
    store.verify().expect("the store verifies");
    running.stop().await;
}
