//! Decoding page bytes to text: HTTP header, then BOM, then `<meta charset>` /
//! `http-equiv`, then UTF-8 — in that order of trust, through encoding_rs.

use encoding_rs::Encoding;

/// Decoded text and the name of the encoding used.
pub struct Decoded {
    pub text: String,
    pub charset: &'static str,
    /// Where the charset came from: `header`, `bom`, `meta` or `default`.
    pub charset_source: &'static str,
    /// The bytes held sequences invalid in that charset (replaced with U+FFFD).
    pub had_errors: bool,
}

fn from_content_type(ct: &str) -> Option<&'static Encoding> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if k.trim().eq_ignore_ascii_case("charset") {
            Encoding::for_label(v.trim().trim_matches(['"', '\'']).as_bytes())
        } else {
            None
        }
    })
}

/// Finds `charset=` in the first 1024 bytes, as the HTML prescan does (meta charset
/// or `http-equiv="Content-Type" content="...; charset=..."`).
fn from_meta(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest: Vec<u8> = rest
                    .iter()
                    .copied()
                    .skip_while(|b| *b == b' ' || *b == b'"' || *b == b'\'')
                    .take_while(|b| !matches!(b, b'"' | b'\'' | b' ' | b'/' | b';' | b'>'))
                    .collect();
                if let Some(enc) = Encoding::for_label(&rest) {
                    // A page that says UTF-16 in ASCII-compatible bytes is lying.
                    return Some(
                        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                            encoding_rs::UTF_8
                        } else {
                            enc
                        },
                    );
                }
            }
        }
        from = end.max(start + 5);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes `bytes` using the `Content-Type` header value if any.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (enc, source) = if let Some(enc) = content_type.and_then(from_content_type) {
        (enc, "header")
    } else if let Some((enc, _)) = Encoding::for_bom(bytes) {
        (enc, "bom")
    } else if let Some(enc) = from_meta(bytes) {
        (enc, "meta")
    } else {
        (encoding_rs::UTF_8, "default")
    };
    // GBK labels decode as GB18030 in encoding_rs, a superset: what browsers do.
    let (text, used, had_errors) = enc.decode(bytes);
    Decoded {
        text: text.into_owned(),
        charset: used.name(),
        charset_source: source,
        had_errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_declared_by_meta_only() {
        let html =
            "<html><head><meta charset=\"gbk\"></head><body>华强电子旗舰店 ¥1,299.00</body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(html);
        let d = decode(&bytes, Some("text/html"));
        assert_eq!(d.charset_source, "meta");
        assert!(d.text.contains("华强电子旗舰店"));
        assert!(!d.had_errors);
    }

    #[test]
    fn header_beats_meta_and_http_equiv_is_read() {
        let page = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">";
        assert_eq!(decode(page, None).charset, "Shift_JIS");
        assert_eq!(
            decode(page, Some("text/html; charset=utf-8")).charset,
            "UTF-8"
        );
    }

    #[test]
    fn bom_wins_over_meta() {
        let mut page = vec![0xEF, 0xBB, 0xBF];
        page.extend_from_slice(b"<meta charset=\"windows-1252\">caf\xC3\xA9");
        let d = decode(&page, None);
        assert_eq!(d.charset_source, "bom");
        assert!(d.text.ends_with("café"));
    }

    #[test]
    fn the_charsets_of_asian_and_western_shops() {
        let cases: [(&'static encoding_rs::Encoding, &str, &str); 5] = [
            (encoding_rs::BIG5, "big5", "華強電子 售價 NT$1,299"),
            (
                encoding_rs::SHIFT_JIS,
                "shift_jis",
                "アクメ ヘッドホン ￥12,800",
            ),
            (encoding_rs::EUC_KR, "euc-kr", "애크미 헤드폰 129,000원"),
            (
                encoding_rs::WINDOWS_1252,
                "windows-1252",
                "Écouteurs Acme 129,00 €",
            ),
            (encoding_rs::GB18030, "gb18030", "艾克米 耳机 ¥1,299"),
        ];
        for (enc, label, text) in cases {
            let html =
                format!("<html><head><meta charset=\"{label}\"></head><body>{text}</body></html>");
            let (bytes, _, unmappable) = enc.encode(&html);
            assert!(!unmappable, "{label}");
            let d = decode(&bytes, None);
            assert_eq!(d.charset, enc.name(), "{label}");
            assert!(d.text.contains(text), "{label}: {}", d.text);
            // The same bytes with the charset in the header only.
            let d = decode(&bytes, Some(&format!("text/html; charset={label}")));
            assert_eq!(d.charset_source, "header");
            assert!(d.text.contains(text), "{label}");
        }
    }

    #[test]
    fn lying_charset_does_not_panic() {
        let page = b"<meta charset=\"utf-8\">\xB2\xE2\xCA\xD4\xff\xfe";
        let d = decode(page, None);
        assert!(d.had_errors);
    }
}
