//! After a scan: announce what is new (new findings, hosts cut off, failures) to a
//! webhook (Slack, Teams or plain JSON) and by email (SMTP through lettre).
//!
//! A notification that fails is retried, then logged and reported in the summary; it
//! never fails the scan or touches what the scan stored.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;

use crate::config::NotifySettings;
use crate::evidence::{EvidenceError, Store};
use crate::summary::ScanSummary;

/// What is announced.
#[derive(Debug, Clone, Serialize)]
pub struct Announcement {
    pub brand: String,
    pub scan_id: u64,
    /// The first [`MAX_LISTED`] new findings; `new_findings_total` counts them all.
    pub new_findings: Vec<NewFinding>,
    pub new_findings_total: u64,
    pub hosts_cut_off: Vec<String>,
    pub failures: std::collections::BTreeMap<String, u64>,
    /// Marketplaces the scan could not look at (unreachable, blocked, searches
    /// failed, under 90% of listing pages read): a quiet night there is not a
    /// clean one.
    #[serde(default)]
    pub not_looked_at: Vec<String>,
    /// Marketplaces left alone after repeated blocks.
    #[serde(default)]
    pub paused: Vec<String>,
    /// Marketplaces whose pages no longer match their adapter (has the
    /// marketplace changed its pages?): what was not read (`ScanSummary`'s
    /// `adapter_unmatched`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub adapter_unmatched: std::collections::BTreeMap<String, Vec<String>>,
    pub summary_line: String,
    /// The findings file the scan wrote (every finding, open or resolved), which the
    /// message points at for the findings it does not list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings_file: Option<String>,
    /// The scan stopped before it finished (the store failed, the disk filled up,
    /// SIGTERM): why. The announcement lists no findings then: the run that
    /// resumes the scan announces the night's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewFinding {
    pub kind: String,
    pub marketplace: String,
    pub listing_id: String,
    pub url: String,
    pub seller: String,
    pub detail: String,
}

pub use crate::summary::Delivery;

/// New findings listed in an announcement: a first scan of a large market finds
/// tens of thousands, which belong in findings.csv, not in a webhook body or an email.
pub const MAX_LISTED: usize = 1000;

impl Announcement {
    /// What scan `summary` found new, read from the store.
    pub fn of(
        brand: &str,
        store: &Store,
        summary: &ScanSummary,
    ) -> Result<Announcement, EvidenceError> {
        let mut new_findings = Vec::new();
        let mut total = 0;
        for f in store.findings() {
            let f = f?;
            if f.first_scan == summary.scan_id && f.last_scan == summary.scan_id {
                total += 1;
                if new_findings.len() >= MAX_LISTED {
                    continue;
                }
                let x = f.finding;
                new_findings.push(NewFinding {
                    kind: x.kind.as_str().into(),
                    marketplace: x.marketplace,
                    listing_id: x.listing_id,
                    url: x.url,
                    seller: x.seller_name.or(x.seller_id).unwrap_or_default(),
                    detail: x.detail,
                });
            }
        }
        Ok(Announcement {
            brand: brand.to_string(),
            scan_id: summary.scan_id,
            summary_line: format!(
                "brandguard scan {} of {}: {} new findings, {} ongoing; {} pages; {} hosts cut off",
                summary.scan_id,
                brand,
                summary.findings_new,
                summary.findings_ongoing,
                summary.pages_fetched,
                summary.hosts_cut_off.len()
            ),
            new_findings,
            new_findings_total: total,
            hosts_cut_off: summary.hosts_cut_off.clone(),
            failures: summary.failures.clone(),
            not_looked_at: summary.degraded.clone(),
            paused: summary.paused.clone(),
            adapter_unmatched: summary.adapter_unmatched.clone(),
            findings_file: None,
            stopped: None,
        })
    }

    /// A scan that stopped before it finished (`summary.stopped` says why): always
    /// news, since an operator waiting for the night's announcement would
    /// otherwise hear nothing at all.
    pub fn stopped(brand: &str, summary: &ScanSummary) -> Announcement {
        let why = summary.stopped.clone().unwrap_or_default();
        Announcement {
            brand: brand.to_string(),
            scan_id: summary.scan_id,
            new_findings: Vec::new(),
            new_findings_total: 0,
            hosts_cut_off: summary.hosts_cut_off.clone(),
            failures: summary.failures.clone(),
            not_looked_at: Vec::new(),
            paused: summary.paused.clone(),
            adapter_unmatched: Default::default(),
            summary_line: format!(
                "brandguard scan {} of {} STOPPED before it finished, after {} pages: {why}. The next scan of these targets resumes it and finishes the night.",
                summary.scan_id, brand, summary.pages_fetched
            ),
            findings_file: None,
            stopped: Some(why),
        }
    }

    pub fn is_news(&self) -> bool {
        self.stopped.is_some()
            || !self.new_findings.is_empty()
            || !self.hosts_cut_off.is_empty()
            || !self.not_looked_at.is_empty()
            || !self.adapter_unmatched.is_empty()
    }

    /// Plain text, for email and chat. Page text is quoted as data, one line each.
    pub fn text(&self) -> String {
        let mut t = format!("{}\n", self.summary_line);
        if !self.new_findings.is_empty() {
            t.push_str("\nNew findings:\n");
            for f in self.new_findings.iter().take(50) {
                let seller: String = f
                    .seller
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(80)
                    .collect();
                t.push_str(&format!(
                    "- {} on {} ({}), seller \"{}\": {}\n",
                    f.kind, f.marketplace, f.listing_id, seller, f.url
                ));
            }
            if self.new_findings_total > 50 {
                t.push_str(&format!(
                    "… and {} more (see {})\n",
                    self.new_findings_total - 50,
                    self.findings_file
                        .as_deref()
                        .unwrap_or("`brandguard findings --csv`")
                ));
            }
        }
        if !self.hosts_cut_off.is_empty() {
            t.push_str(&format!(
                "\nHosts cut off after repeated refusals: {}\n",
                self.hosts_cut_off.join(", ")
            ));
        }
        if !self.not_looked_at.is_empty() {
            t.push_str(&format!(
                "\nNOT LOOKED AT (nothing concluded there tonight): {}\n",
                self.not_looked_at.join(", ")
            ));
            let blocked: Vec<String> = self
                .failures
                .iter()
                .filter(|(k, _)| k.starts_with("blocked_") || *k == "js_shell" || *k == "soft_404")
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            if !blocked.is_empty() {
                t.push_str(&format!("Pages refused or empty: {}\n", blocked.join(", ")));
            }
        }
        for (name, unread) in &self.adapter_unmatched {
            t.push_str(&format!(
                "\nPages not read on {name} (has it changed its pages, or is its adapter new? check it): {}\n",
                unread.join(", ")
            ));
        }
        if !self.paused.is_empty() {
            t.push_str(&format!(
                "Left alone after repeated blocks: {}\n",
                self.paused.join(", ")
            ));
        }
        t
    }

    /// The webhook body: Slack (`text`), Teams (MessageCard) or the announcement itself.
    pub fn webhook_body(&self, format: &str) -> serde_json::Value {
        match format {
            "teams" => serde_json::json!({
                "@type": "MessageCard",
                "@context": "http://schema.org/extensions",
                "summary": self.summary_line,
                "title": format!("brandguard: {}", self.brand),
                "text": self.text().replace('\n', "  \n"),
            }),
            "json" => serde_json::to_value(self).unwrap_or_default(),
            _ => serde_json::json!({ "text": self.text() }),
        }
    }
}

fn retry_policy() -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(200))
        .with_max_delay(Duration::from_secs(5))
        .with_max_times(3)
        .with_jitter()
}

async fn post_webhook(url: &str, body: &serde_json::Value) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .user_agent(crate::TOOL)
        .build()
        .map_err(|e| e.to_string())?;
    let send = || async {
        let r = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if r.status().is_success() {
            Ok(())
        } else {
            Err(format!("webhook answered {}", r.status()))
        }
    };
    send.retry(retry_policy())
        .notify(|e, wait| tracing::warn!(error = %e, wait_ms = wait.as_millis() as u64, "webhook failed; retrying"))
        .await
}

async fn send_email(n: &NotifySettings, a: &Announcement) -> Result<(), String> {
    let host = n.smtp_host.as_deref().ok_or("no smtp_host")?;
    let from: Mailbox = n
        .email_from
        .as_deref()
        .ok_or("no email_from")?
        .parse()
        .map_err(|e| format!("email_from: {e}"))?;
    let subject = match &a.stopped {
        Some(_) => format!(
            "brandguard: the scan for {} STOPPED before it finished",
            a.brand
        ),
        None => format!(
            "brandguard: {} new findings for {}",
            a.new_findings_total, a.brand
        ),
    };
    let mut builder = Message::builder().from(from).subject(subject);
    for to in &n.email_to {
        builder = builder.to(to.parse().map_err(|e| format!("email_to `{to}`: {e}"))?);
    }
    // A Message-ID on the sender's domain (mail without one is scored as spam), a
    // Date (lettre adds it), and a UTF-8 text part with an HTML twin: sellers'
    // names in Chinese or Cyrillic arrive intact in every client.
    let domain = n
        .email_from
        .as_deref()
        .and_then(|f| f.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches('>').to_string())
        .unwrap_or_else(|| "brandguard.invalid".into());
    let id: String = {
        use rand::RngExt;
        let mut rng = rand::rng();
        (0..24)
            .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)]))
            .collect()
    };
    builder = builder.message_id(Some(format!("<{id}.brandguard@{domain}>")));
    let text = a.text();
    let html = format!(
        "<!doctype html><meta charset=\"utf-8\"><pre style=\"font-family:monospace\">{}</pre>",
        html_escape::encode_text(&text)
    );
    let message = builder
        .multipart(lettre::message::MultiPart::alternative_plain_html(
            text, html,
        ))
        .map_err(|e| e.to_string())?;
    let transport = match n.smtp_security.as_deref().unwrap_or("starttls") {
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|e| e.to_string())?,
        _ => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|e| e.to_string())?
        }
    };
    let mut transport = transport.timeout(Some(Duration::from_secs(20)));
    if let Some(port) = n.smtp_port {
        transport = transport.port(port);
    }
    if let (Some(u), Some(p)) = (&n.smtp_user_env, &n.smtp_password_env)
        && let (Ok(user), Ok(pass)) = (std::env::var(u), std::env::var(p))
    {
        transport = transport.credentials(Credentials::new(user, pass));
    }
    let transport = transport.build();
    let send = || async {
        transport
            .send(message.clone())
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    send.retry(retry_policy())
        .notify(|e, wait| tracing::warn!(error = %e, wait_ms = wait.as_millis() as u64, "email failed; retrying"))
        .await
}

/// Sends the announcement on every configured channel. Never fails: each channel's
/// outcome is returned (and logged).
pub async fn announce(n: &NotifySettings, a: &Announcement) -> Vec<Delivery> {
    let mut out = Vec::new();
    if !a.is_news() && !n.always {
        return out;
    }
    if let Some(url) = &n.webhook_url {
        let r = post_webhook(url, &a.webhook_body(&n.webhook_format)).await;
        if let Err(e) = &r {
            tracing::error!(error = %e, "webhook notification failed; the scan is unaffected");
        }
        out.push(Delivery {
            channel: format!("webhook ({})", n.webhook_format),
            ok: r.is_ok(),
            error: r.err(),
        });
    }
    if !n.email_to.is_empty() {
        let r = send_email(n, a).await;
        if let Err(e) = &r {
            tracing::error!(error = %e, "email notification failed; the scan is unaffected");
        }
        out.push(Delivery {
            channel: "email".into(),
            ok: r.is_ok(),
            error: r.err(),
        });
    }
    out
}

#[cfg(test)]
mod announce_tests {
    use super::*;

    #[test]
    fn a_night_not_looked_at_is_news_and_says_why() {
        let a = Announcement {
            brand: "Acme".into(),
            scan_id: 3,
            new_findings: Vec::new(),
            new_findings_total: 0,
            hosts_cut_off: Vec::new(),
            failures: [
                ("blocked_alibaba".to_string(), 12),
                ("http_500".to_string(), 1),
            ]
            .into_iter()
            .collect(),
            not_looked_at: vec!["bidbay".into()],
            paused: vec!["bidbay".into()],
            adapter_unmatched: [(
                "bidbay".to_string(),
                vec!["price read on 0 of 17 listings of the brand".to_string()],
            )]
            .into_iter()
            .collect(),
            summary_line: "scan 3".into(),
            findings_file: None,
            stopped: None,
        };
        assert!(a.is_news(), "a quiet night is not a clean one");
        let t = a.text();
        assert!(
            t.contains("NOT LOOKED AT (nothing concluded there tonight): bidbay"),
            "{t}"
        );
        assert!(
            t.contains("Pages refused or empty: blocked_alibaba 12"),
            "{t}"
        );
        assert!(
            t.contains("Left alone after repeated blocks: bidbay"),
            "{t}"
        );
        assert!(
            t.contains("Pages not read on bidbay (has it changed its pages, or is its adapter new? check it): price read on 0 of 17 listings of the brand"),
            "{t}"
        );
    }
}
