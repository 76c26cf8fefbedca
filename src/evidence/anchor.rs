//! Third-party time for the evidence log: RFC 3161 time-stamp tokens on the log head.
//!
//! The hash chain proves order and integrity inside the store, but only the brand
//! vouches for when its records were written. A time-stamp authority (TSA) signs
//! "this SHA-256 existed at this time"; signing the log head's hash covers every
//! record up to it, so one token a night dates the whole night's evidence. The request
//! and the TSA's response are kept, byte for byte, in a `timestamp_anchor` log record;
//! `evidence verify` checks each token offline (it covers exactly that head, its
//! signature and message digest hold) and, given the TSA's root certificates, that
//! the signer chains to one of them. The same check runs with
//! `openssl ts -verify -in anchor.tsr -digest HEAD -CAfile roots.pem`.
//!
//! ASN.1 and CMS come from `cryptographic-message-syntax` (its HTTP client is off:
//! the request goes through our own reqwest client, with a timeout); certificate
//! signatures from `x509-certificate`.

use bcder::decode::Constructed;
use bcder::encode::Values;
use chrono::{DateTime, Utc};
use cryptographic_message_syntax::SignedData;
use cryptographic_message_syntax::asn1::rfc3161::{
    MessageImprint, OID_CONTENT_TYPE_TST_INFO, PkiStatus, TimeStampReq, TimeStampResp, TstInfo,
};
use cryptographic_message_syntax::asn1::rfc5652::{
    OID_ID_SIGNED_DATA, SignedData as SignedDataAsn1,
};
use data_encoding::BASE64;
use x509_certificate::{CapturedX509Certificate, DigestAlgorithm};

use super::{EvidenceError, LogRecord, Store};

/// The log record kind that holds a token.
pub const KIND: &str = "timestamp_anchor";

/// What a TSA's token says, once checked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Token {
    /// The time the TSA vouches for (`genTime`).
    pub gen_time: DateTime<Utc>,
    /// The token's serial number (hex), unique per TSA.
    pub serial: String,
    /// The signer certificate's subject, as text.
    pub signer: String,
    /// The root the signer chains to, when roots were given.
    pub root: Option<String>,
}

/// A `timestamp_anchor` record of the log.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    /// The log record whose hash was time-stamped, and that hash.
    pub head_seq: u64,
    pub head: String,
    pub tsa: String,
    pub gen_time: DateTime<Utc>,
    pub serial: String,
    /// The DER request sent and the response received, base64.
    pub request: String,
    pub response: String,
}

impl Anchor {
    pub fn response_bytes(&self) -> Vec<u8> {
        BASE64.decode(self.response.as_bytes()).unwrap_or_default()
    }
}

/// Asks `tsa` for a token on `head` (a SHA-256, 32 bytes): returns the request and
/// the response as sent and received, and the checked token. Nothing is stored.
pub async fn obtain(
    client: &reqwest::Client,
    tsa: &str,
    head: &[u8],
) -> Result<(Vec<u8>, Vec<u8>, Token), String> {
    let nonce: u64 = rand::random::<u64>() >> 1;
    let request = TimeStampReq {
        version: bcder::Integer::from(1u8),
        message_imprint: MessageImprint {
            hash_algorithm: DigestAlgorithm::Sha256.into(),
            hashed_message: bcder::OctetString::new(
                cryptographic_message_syntax::Bytes::copy_from_slice(head),
            ),
        },
        req_policy: None,
        nonce: Some(bcder::Integer::from(nonce)),
        cert_req: Some(true),
        extensions: None,
    };
    let mut body = Vec::new();
    request
        .encode_ref()
        .write_encoded(bcder::Mode::Der, &mut body)
        .map_err(|e| format!("cannot encode the request: {e}"))?;
    let answer = client
        .post(tsa)
        .header("Content-Type", "application/timestamp-query")
        .timeout(std::time::Duration::from_secs(30))
        .body(body.clone())
        .send()
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    let status = answer.status();
    if !status.is_success() {
        return Err(format!("answered HTTP {status}"));
    }
    let response = answer
        .bytes()
        .await
        .map_err(|e| format!("answer cut off: {e}"))?
        .to_vec();
    let token = check(&response, head, Some(nonce), None)?;
    Ok((body, response, token))
}

/// Checks a TSA response: granted, a token whose TSTInfo holds exactly `head` as a
/// SHA-256 imprint (and `nonce`, when one was sent), whose signed attributes' digest
/// matches the TSTInfo and whose signature verifies with the signer certificate it
/// carries; with `roots`, that certificate must chain to one of them.
pub fn check(
    response: &[u8],
    head: &[u8],
    nonce: Option<u64>,
    roots: Option<&[CapturedX509Certificate]>,
) -> Result<Token, String> {
    let (signed, info) = decode(response)?;
    let imprint = &info.message_imprint;
    let sha256: x509_certificate::rfc5280::AlgorithmIdentifier = DigestAlgorithm::Sha256.into();
    if imprint.hash_algorithm.algorithm != sha256.algorithm {
        return Err("the token's imprint is not a SHA-256".into());
    }
    if imprint.hashed_message.to_bytes().as_ref() != head {
        return Err(format!(
            "the token covers {}, not this head",
            hex::encode(imprint.hashed_message.to_bytes())
        ));
    }
    if let Some(n) = nonce
        && info.nonce != Some(bcder::Integer::from(n))
    {
        return Err("the response does not carry the request's nonce".into());
    }
    let cms = SignedData::try_from(&signed).map_err(|e| format!("the token's CMS: {e}"))?;
    let signer_cert = signer(&cms)?;
    let root = match roots {
        Some(roots) => Some(chain(&signer_cert, &cms, roots)?),
        None => None,
    };
    Ok(Token {
        gen_time: info.gen_time.clone().into(),
        serial: hex::encode(info.serial_number.as_slice()),
        signer: name(&signer_cert),
        root,
    })
}

/// The token of a granted response, and the TSTInfo it signs.
fn decode(response: &[u8]) -> Result<(SignedDataAsn1, TstInfo), String> {
    let resp = Constructed::decode(response, bcder::Mode::Ber, TimeStampResp::take_from)
        .map_err(|e| format!("not a time-stamp response: {e}"))?;
    if !matches!(
        resp.status.status,
        PkiStatus::Granted | PkiStatus::GrantedWithMods
    ) {
        return Err(format!("refused: {:?}", resp.status.status));
    }
    let token = resp
        .time_stamp_token
        .ok_or("granted, but no token in the response")?;
    if token.content_type != OID_ID_SIGNED_DATA {
        return Err("the token is not CMS SignedData".into());
    }
    let signed = token
        .content
        .clone()
        .decode(SignedDataAsn1::take_from)
        .map_err(|e| format!("the token does not decode: {e}"))?;
    if signed.content_info.content_type != OID_CONTENT_TYPE_TST_INFO {
        return Err("the token does not hold a TSTInfo".into());
    }
    let content = signed
        .content_info
        .content
        .as_ref()
        .ok_or("the token's TSTInfo is empty")?
        .to_bytes();
    let info = Constructed::decode(content.as_ref(), bcder::Mode::Der, TstInfo::take_from)
        .map_err(|e| format!("the TSTInfo does not decode: {e}"))?;
    Ok((signed, info))
}

/// Every signer's signature and signed digest verified; the certificate of the
/// signer the token names.
fn signer(cms: &SignedData) -> Result<CapturedX509Certificate, String> {
    let mut signer_cert = None;
    for signer in cms.signers() {
        signer
            .verify_signature_with_signed_data(cms)
            .map_err(|e| format!("the TSA's signature does not verify: {e}"))?;
        signer
            .verify_message_digest_with_signed_data(cms)
            .map_err(|e| format!("the signed digest does not match the TSTInfo: {e}"))?;
        let (issuer, serial) = signer
            .certificate_issuer_and_serial()
            .ok_or("the signer names no certificate")?;
        signer_cert = cms
            .certificates()
            .find(|c| c.issuer_name() == issuer && c.serial_number_asn1() == serial)
            .cloned();
    }
    signer_cert.ok_or_else(|| "the token carries no signer certificate".into())
}

/// The signer certificate up to one of `roots`, through the certificates the token
/// carries (at most five links); returns the root's subject.
fn chain(
    leaf: &CapturedX509Certificate,
    cms: &SignedData,
    roots: &[CapturedX509Certificate],
) -> Result<String, String> {
    let mut current = leaf.clone();
    for _ in 0..5 {
        for root in roots {
            if root.subject_name() == current.issuer_name()
                && current.verify_signed_by_certificate(root).is_ok()
            {
                return Ok(name(root));
            }
        }
        let next = cms.certificates().find(|c| {
            c.subject_name() == current.issuer_name()
                && c.subject_name() != current.subject_name()
                && current.verify_signed_by_certificate(*c).is_ok()
        });
        match next {
            Some(c) => current = c.clone(),
            None => break,
        }
    }
    Err(format!(
        "the signer {} does not chain to a configured root",
        name(leaf)
    ))
}

fn name(c: &CapturedX509Certificate) -> String {
    c.subject_name()
        .user_friendly_str()
        .unwrap_or_else(|_| "(unnamed)".into())
}

/// Root certificates (PEM, one or more) the TSA's signer must chain to.
pub fn load_roots(path: &std::path::Path) -> Result<Vec<CapturedX509Certificate>, String> {
    let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let roots = CapturedX509Certificate::from_pem_multiple(pem)
        .map_err(|e| format!("{}: not PEM certificates: {e}", path.display()))?;
    if roots.is_empty() {
        return Err(format!("{}: no certificate in it", path.display()));
    }
    Ok(roots)
}

impl Store {
    /// Time-stamps the current log head at `tsa` and records the token. `Ok(None)`
    /// when the head is already anchored (nothing new since the last token).
    pub async fn anchor(
        &self,
        client: &reqwest::Client,
        tsa: &str,
    ) -> Result<Option<Anchor>, EvidenceError> {
        let len = self.log_len();
        let Some(head_seq) = len.checked_sub(1) else {
            return Ok(None);
        };
        if self
            .latest_anchor()?
            .is_some_and(|a| a.head_seq + 1 == head_seq)
        {
            return Ok(None);
        }
        let head = self.log_head();
        let bytes = hex::decode(&head).map_err(|e| EvidenceError::Corrupt {
            tree: "log",
            key: head_seq.to_string(),
            message: format!("head is not hex: {e}"),
        })?;
        let (request, response, token) =
            obtain(client, tsa, &bytes)
                .await
                .map_err(|message| EvidenceError::Tsa {
                    tsa: tsa.to_string(),
                    message,
                })?;
        let anchor = Anchor {
            head_seq,
            head,
            tsa: tsa.to_string(),
            gen_time: token.gen_time,
            serial: token.serial,
            request: BASE64.encode(&request),
            response: BASE64.encode(&response),
        };
        let payload = serde_json::to_value(&anchor).map_err(|e| EvidenceError::Corrupt {
            tree: "log",
            key: head_seq.to_string(),
            message: e.to_string(),
        })?;
        self.record(vec![(KIND.to_string(), payload)], Vec::new())?;
        self.flush().await?;
        Ok(Some(anchor))
    }

    /// Every anchor of the log, oldest first.
    pub fn anchors(&self) -> Result<Vec<Anchor>, EvidenceError> {
        let mut out = Vec::new();
        for r in self.log() {
            let r = r?;
            if r.kind == KIND {
                out.push(anchor_of(&r)?);
            }
        }
        Ok(out)
    }

    fn latest_anchor(&self) -> Result<Option<Anchor>, EvidenceError> {
        Ok(self.anchors()?.pop())
    }

    /// The first anchor that covers log record `seq` (anchored at or after it).
    pub fn anchor_covering(&self, seq: u64) -> Result<Option<Anchor>, EvidenceError> {
        Ok(self.anchors()?.into_iter().find(|a| a.head_seq >= seq))
    }
}

pub(super) fn anchor_of(r: &LogRecord) -> Result<Anchor, EvidenceError> {
    serde_json::from_value(r.payload.clone()).map_err(|e| EvidenceError::Corrupt {
        tree: "log",
        key: r.seq.to_string(),
        message: format!("timestamp anchor unreadable: {e}"),
    })
}
