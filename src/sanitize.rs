//! Text from pages, made safe for where it goes. Seller names and titles are hostile
//! input: they carry terminal escape sequences (`ESC ]8;;` hyperlinks, screen
//! clearing), NUL bytes, spreadsheet formulas (`=HYPERLINK(…)`), path separators and
//! right-to-left overrides (U+202E turns `…fdp.exe` into what reads as `…exe.pdf`).
//! One module, one function per destination, so every output takes the same care:
//!
//! | destination | function | what happens |
//! | --- | --- | --- |
//! | terminal | [`terminal`] | control and bidi characters shown as `\u{…}`, long text cut |
//! | file name | [`file_name`] | control and bidi characters removed, path and reserved names defused |
//! | CSV cell | [`csv_cell`] | control characters (NUL, ESC, …) and bidi removed, formulas neutralised |
//! | HTML | [`html`] | escaped and isolated in `<bdi>` so its direction cannot spill over |

/// Characters that change the direction of the text around them (embeddings,
/// overrides, isolates and marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Control characters (C0, DEL, C1) and bidi controls.
fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Page text for a terminal line: control and bidi characters (escape sequences
/// among them) shown as `\u{1b}`, so nothing a page says can drive the terminal or
/// reverse what follows it; text beyond `max` characters is cut with a note saying
/// how long it was.
pub fn terminal(s: &str, max: usize) -> String {
    let n = s.chars().count();
    let mut out = String::with_capacity(s.len().min(max * 4));
    for c in s.chars().take(max) {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    if n > max {
        out.push_str(&format!("… [truncated from {n} characters]"));
    }
    out
}

/// [`terminal`] text of at most `max` characters in all, its escapes and its
/// truncation note included: for fields with a hard length limit (eBay's VeRO
/// messages take 1,000), where the note must not push the text over it.
pub fn terminal_within(s: &str, max: usize) -> String {
    let whole = terminal(s, max);
    if whole.chars().count() <= max {
        return whole;
    }
    // Keep fewer characters until the text, escapes and note fit.
    let (mut lo, mut hi) = (0, max);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if terminal(s, mid).chars().count() <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let cut = terminal(s, lo);
    if cut.chars().count() <= max {
        cut
    } else {
        cut.chars().take(max).collect()
    }
}

/// A file or folder name made from page text (a seller name, a listing id): no
/// control or bidi characters, no path separators or `..`, no characters or names
/// Windows refuses (`CON`, `aux.txt`), no leading dot, at most `max` bytes; never
/// empty.
pub fn file_name(s: &str, max: usize) -> String {
    let opts = || sanitize_filename::Options {
        truncate: true,
        windows: true,
        replacement: "_",
    };
    let visible: String = s.chars().filter(|&c| !is_bidi_control(c)).collect();
    let mut name: String = sanitize_filename::sanitize_with_options(&visible, opts())
        .chars()
        .filter(|&c| !is_unsafe(c))
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    // `..` is harmless inside one name, but looks like a path escape to people.
    while name.contains("..") {
        name = name.replace("..", "_");
    }
    name = name.trim_start_matches(['.', '_', ' ']).to_string();
    if name.len() > max {
        let mut end = max;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    // After truncation a reserved name (`con`) may appear again: sanitise once more.
    let name = sanitize_filename::sanitize_with_options(&name, opts());
    if name.is_empty() || name.chars().all(|c| c == '.' || c == '_') {
        "unnamed".into()
    } else {
        name
    }
}

/// A CSV cell safe to open in a spreadsheet: control characters (NUL, ESC, …) and
/// bidi controls removed (line breaks inside the text become spaces), and text a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.
pub fn csv_cell(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if is_unsafe(c) => None,
            c => Some(c),
        })
        .collect();
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{clean}"),
        _ => clean,
    }
}

/// Page text as HTML: escaped, control characters dropped, bidi controls removed and
/// the whole isolated in `<bdi>` (direction from its own first strong character), so a
/// right-to-left name cannot reorder the text around it.
pub fn html(s: &str) -> String {
    let clean: String = s.chars().filter(|&c| !is_unsafe(c) || c == '\n').collect();
    format!("<bdi>{}</bdi>", html_escape::encode_text(&clean))
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_within_a_limit_stays_within_it_note_and_escapes_included() {
        let long = "x".repeat(5000);
        let t = terminal_within(&long, 1000);
        assert!(t.chars().count() <= 1000, "{}", t.chars().count());
        assert!(t.ends_with("[truncated from 5000 characters]"));
        let escapes = "\u{1b}".repeat(600);
        assert!(terminal_within(&escapes, 1000).chars().count() <= 1000);
        assert_eq!(terminal_within("short", 1000), "short");
    }

    use super::*;

    #[test]
    fn terminal_text_shows_escapes_instead_of_running_them() {
        let evil = "Shop\u{1b}]8;;http://x\u{7}link\u{1b}[2J\u{202e}fdp.exe";
        let t = terminal(evil, 200);
        assert!(!t.chars().any(is_unsafe), "{t}");
        assert!(t.contains("\\u{1b}") && t.contains("\\u{202e}"), "{t}");
        assert_eq!(
            terminal("a".repeat(10).as_str(), 3),
            "aaa… [truncated from 10 characters]"
        );
    }

    #[test]
    fn file_names_lose_bidi_controls_and_paths() {
        assert_eq!(
            file_name("Good_Seller_\u{202e}fdp.exe", 80),
            "Good_Seller_fdp.exe"
        );
        assert_eq!(file_name("../../etc/passwd", 80), "etc_passwd");
        assert_eq!(file_name("a\u{0}b\u{1b}c", 80), "a_b_c");
        assert_eq!(file_name("CON", 80), "unnamed");
    }

    #[test]
    fn csv_cells_lose_nul_and_escape_and_formulas_are_neutralised() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("Northwind"), "Northwind");
        assert_eq!(csv_cell("A\u{0}B\u{1b}[31mC\u{202e}D"), "AB[31mCD");
        assert_eq!(csv_cell("\t=1+1"), " =1+1");
        assert_eq!(csv_cell("\u{0}=1+1"), "'=1+1");
    }

    #[test]
    fn html_is_escaped_and_isolated() {
        assert_eq!(
            html("<script>x</script>\u{202e}abc"),
            "<bdi>&lt;script&gt;x&lt;/script&gt;abc</bdi>"
        );
    }
}
