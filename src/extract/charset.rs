//! Decoding page bytes to text: HTTP header, then BOM, then `<meta charset>` /
//! `http-equiv`, then UTF-8 — in that order of trust, through encoding_rs.

use encoding_rs::Encoding;

/// Decoded text and the name of the encoding used.
pub struct Decoded {
    pub text: String,
    pub charset: &'static str,
    /// Where the charset came from: `bom`, `header`, `meta` or `guessed`.
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

/// How far the prescan looks. The HTML Standard prescans 1,024 bytes and then lets
/// the parser switch encoding when it meets a `<meta>` later in the head; reading a
/// saved page whole, the same result comes from prescanning further (html5lib's
/// tests put declarations at byte 8,323, and a real Amazon page at byte 1,032).
const PRESCAN_WINDOW: usize = 64 * 1024;

/// The HTML Standard's "prescan a byte stream to determine its encoding", step for
/// step (comments skipped, `<meta>` attributes read by "get an attribute", other tags'
/// attributes skipped so a `charset=` inside them is never taken, `http-equiv` +
/// `content` needed together).
///
/// Written here because no crate on the registry this project builds from offers
/// the algorithm (encoding_rs decodes but does not sniff; html5ever leaves sniffing
/// to the embedder); tested against html5lib's encoding suite
/// (tests/peer_charset.rs).
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let b = &bytes[..bytes.len().min(PRESCAN_WINDOW)];
    let mut pos = 0;
    while pos < b.len() {
        let rest = &b[pos..];
        if rest.starts_with(b"<!--") {
            // The first `>` preceded by `--`, counting the comment's own dashes.
            let mut end = pos + 2;
            loop {
                if end + 2 >= b.len() {
                    return None;
                }
                if b[end] == b'-' && b[end + 1] == b'-' && b[end + 2] == b'>' {
                    pos = end + 3;
                    break;
                }
                end += 1;
            }
            continue;
        }
        if rest.len() >= 6
            && rest[..5].eq_ignore_ascii_case(b"<meta")
            && (is_space(rest[5]) || rest[5] == b'/')
        {
            pos += 6;
            match meta(b, &mut pos) {
                Meta::Found(enc) => return Some(enc),
                Meta::Next => continue,
                Meta::OutOfBytes => return None,
            }
        }
        let letter_at = |i: usize| rest.get(i).is_some_and(u8::is_ascii_alphabetic);
        if rest.first() == Some(&b'<')
            && (letter_at(1) || (rest.get(1) == Some(&b'/') && letter_at(2)))
        {
            // Another tag: skip its name, then its attributes.
            pos += 1;
            while pos < b.len() && !is_space(b[pos]) && b[pos] != b'>' {
                pos += 1;
            }
            loop {
                match attribute(b, &mut pos) {
                    Attr::Some(..) => {}
                    Attr::None => break,
                    Attr::OutOfBytes => return None,
                }
            }
            pos += 1;
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            match b[pos + 2..].iter().position(|&c| c == b'>') {
                Some(i) => pos += 2 + i + 1,
                None => return None,
            }
            continue;
        }
        pos += 1;
    }
    None
}

fn is_space(c: u8) -> bool {
    matches!(c, 0x09 | 0x0A | 0x0C | 0x0D | 0x20)
}

enum Meta {
    Found(&'static Encoding),
    Next,
    OutOfBytes,
}

/// A `<meta>`'s attributes, from just after its name: the encoding it declares, if
/// it declares one the way the standard accepts.
fn meta(b: &[u8], pos: &mut usize) -> Meta {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let (mut got_pragma, mut need_pragma, mut charset) = (false, None::<bool>, None);
    loop {
        let (name, value) = match attribute(b, pos) {
            Attr::Some(n, v) => (n, v),
            Attr::None => break,
            Attr::OutOfBytes => return Meta::OutOfBytes,
        };
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" if value == b"content-type" => got_pragma = true,
            b"content" if charset.is_none() => {
                if let Some(enc) = from_content(&value) {
                    charset = Some(enc);
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Encoding::for_label(&value);
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    // Past the `>`: the scan goes on from the next byte when nothing was declared.
    *pos += 1;
    match (need_pragma, charset) {
        (None, _) | (_, None) => Meta::Next,
        (Some(true), _) if !got_pragma => Meta::Next,
        (_, Some(enc)) if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE => {
            // A page that says UTF-16 in ASCII-compatible bytes is not UTF-16.
            Meta::Found(encoding_rs::UTF_8)
        }
        (_, Some(enc)) if enc == encoding_rs::X_USER_DEFINED => {
            Meta::Found(encoding_rs::WINDOWS_1252)
        }
        (_, Some(enc)) => Meta::Found(enc),
    }
}

enum Attr {
    Some(Vec<u8>, Vec<u8>),
    None,
    OutOfBytes,
}

/// The standard's "get an attribute": name and value lower-cased, quotes honoured;
/// `None` at the tag's `>` (left for the caller to step over).
fn attribute(b: &[u8], pos: &mut usize) -> Attr {
    macro_rules! at {
        () => {
            match b.get(*pos) {
                Some(&c) => c,
                None => return Attr::OutOfBytes,
            }
        };
    }
    while is_space(at!()) || at!() == b'/' {
        *pos += 1;
    }
    if at!() == b'>' {
        return Attr::None;
    }
    let (mut name, mut value) = (Vec::new(), Vec::new());
    loop {
        let c = at!();
        if c == b'=' && !name.is_empty() {
            *pos += 1;
            break;
        }
        if is_space(c) {
            while is_space(at!()) {
                *pos += 1;
            }
            if at!() != b'=' {
                return Attr::Some(name, value);
            }
            *pos += 1;
            break;
        }
        if c == b'/' || c == b'>' {
            return Attr::Some(name, value);
        }
        name.push(c.to_ascii_lowercase());
        *pos += 1;
    }
    while is_space(at!()) {
        *pos += 1;
    }
    let c = at!();
    if c == b'"' || c == b'\'' {
        loop {
            *pos += 1;
            let d = at!();
            if d == c {
                *pos += 1;
                return Attr::Some(name, value);
            }
            value.push(d.to_ascii_lowercase());
        }
    }
    if c == b'>' {
        return Attr::Some(name, value);
    }
    value.push(c.to_ascii_lowercase());
    *pos += 1;
    loop {
        let d = at!();
        if is_space(d) || d == b'>' {
            return Attr::Some(name, value);
        }
        value.push(d.to_ascii_lowercase());
        *pos += 1;
    }
}

/// The standard's "extracting a character encoding from a meta element": the
/// `charset=` inside a `content` value (`text/html; charset=gbk`).
fn from_content(s: &[u8]) -> Option<&'static Encoding> {
    let mut pos = 0;
    loop {
        let i = s[pos..]
            .windows(7)
            .position(|w| w.eq_ignore_ascii_case(b"charset"))?;
        pos += i + 7;
        while s.get(pos).is_some_and(|&c| is_space(c)) {
            pos += 1;
        }
        if s.get(pos) != Some(&b'=') {
            continue;
        }
        pos += 1;
        while s.get(pos).is_some_and(|&c| is_space(c)) {
            pos += 1;
        }
        return match s.get(pos)? {
            &q @ (b'"' | b'\'') => {
                let len = s[pos + 1..].iter().position(|&c| c == q)?;
                Encoding::for_label(&s[pos + 1..pos + 1 + len])
            }
            _ => {
                let len = s[pos..]
                    .iter()
                    .position(|&c| is_space(c) || c == b';')
                    .unwrap_or(s.len() - pos);
                Encoding::for_label(&s[pos..pos + len])
            }
        };
    }
}

/// A page that declares nothing: guessed from its bytes the way Firefox does
/// (chardetng), with the page's top-level domain as the hint browsers use.
fn guess(bytes: &[u8], tld: Option<&[u8]>) -> &'static Encoding {
    let window = &bytes[..bytes.len().min(PRESCAN_WINDOW)];
    // Bytes beyond ASCII that are all valid UTF-8 are UTF-8 (a cut at the window's
    // end does not count against it); pure ASCII reads the same in any of these and
    // is named windows-1252 as the standard's default.
    let utf8 = match std::str::from_utf8(window) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if utf8 && !window.is_ascii() {
        return encoding_rs::UTF_8;
    }
    // ISO-2022-JP refused, as browsers do.
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(window, true);
    det.guess(tld, chardetng::Utf8Detection::Deny)
}

/// Decodes `bytes` by the HTML Standard's encoding sniffing: a byte order mark,
/// else the `Content-Type` header's charset, else the `<meta>` prescan, else a guess
/// from the bytes (`guessed`, chardetng, as Firefox does).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    decode_for(bytes, content_type, None)
}

/// The encoding a page declares, and where: a byte order mark (`bom`), the
/// `Content-Type` header's charset (`header`) or the `<meta>` prescan (`meta`);
/// `None` for a page that declares none (which [`decode_for`] then guesses).
pub fn declared(
    bytes: &[u8],
    content_type: Option<&str>,
) -> Option<(&'static Encoding, &'static str)> {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        Some((enc, "bom"))
    } else if let Some(enc) = content_type.and_then(from_content_type) {
        Some((enc, "header"))
    } else {
        prescan(bytes).map(|enc| (enc, "meta"))
    }
}

/// [`decode`] for a page from `host`, whose top-level domain steers the guess for a
/// page that declares nothing (`.jp` towards Shift_JIS, `.ru` towards windows-1251).
pub fn decode_for(bytes: &[u8], content_type: Option<&str>, host: Option<&str>) -> Decoded {
    let (enc, source) = declared(bytes, content_type).unwrap_or_else(|| {
        let tld = host.and_then(|h| h.rsplit('.').next()).map(str::as_bytes);
        (guess(bytes, tld), "guessed")
    });
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
