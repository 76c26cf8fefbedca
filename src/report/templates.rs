//! The wording of packets and reports: minijinja templates in `templates/`, built into
//! the binary. A file of the same path under `TARGETS/templates/` replaces the built-in
//! one, so legal and channel teams change a text without a new release.

use std::path::Path;

/// `(path under templates/, text)` of every built-in template.
macro_rules! embedded {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../templates/", $path)))),*]
    };
}

const BUILT_IN: &[(&str, &str)] = embedded![
    "packet/_layout.html",
    "packet/_fields.html",
    "packet/_listings.html",
    "packet/amazon.html",
    "packet/ebay_vero.html",
    "packet/alibaba.html",
    "packet/generic.html",
    "packet/cease_and_desist.html",
    "packet/distributor_notice.html",
    "packet/statements.toml",
    "packet/sentences.toml",
    "report/compliance.html",
    "report/_chart.html",
    "desk/_layout.html",
    "desk/queue.html",
    "desk/cases.html",
    "desk/case.html",
    "desk/scans.html",
    "desk/distributors.html",
    "desk/login.html",
    "desk/dismissals.html",
];

/// Template `name` of folder `dir` (`packet`, `report`): the targets folder's own copy
/// first, else the built-in one.
pub(crate) fn text(targets: &Path, dir: &str, name: &str) -> Option<String> {
    own(targets, dir, name).or_else(|| built_in(dir, name).map(str::to_string))
}

/// The targets folder's own copy of template `name` of folder `dir`, if it has one.
pub(crate) fn own(targets: &Path, dir: &str, name: &str) -> Option<String> {
    std::fs::read_to_string(targets.join("templates").join(dir).join(name)).ok()
}

/// The built-in template `name` of folder `dir`.
pub(crate) fn built_in(dir: &str, name: &str) -> Option<&'static str> {
    let path = format!("{dir}/{name}");
    BUILT_IN.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}

/// A template environment over folder `dir` (see [`text`]); `.html` templates are
/// auto-escaped, so page text never becomes markup.
pub(crate) fn environment(targets: &Path, dir: &'static str) -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    let targets = targets.to_path_buf();
    // A name with a folder (`report/_chart.html`) is taken from that folder: the
    // desk draws the report's charts with the report's own template.
    env.set_loader(move |name| {
        Ok(match name.split_once('/') {
            Some((folder, file))
                if !folder.is_empty()
                    && folder.chars().all(|c| c.is_ascii_alphanumeric())
                    && !file.contains('/')
                    && !file.starts_with('.') =>
            {
                text(&targets, folder, file)
            }
            _ => text(&targets, dir, name),
        })
    });
    // `{{ seller.name | bdi }}`: page text escaped and direction-isolated.
    env.add_filter("bdi", |s: String| {
        minijinja::Value::from_safe_string(crate::sanitize::html(&s))
    });
    // `{{ field.value | prices_whole }}`: escaped, each amount kept on one line
    // with its currency ("107.00 USD" never split over two lines in print).
    env.add_filter("prices_whole", |s: String| {
        minijinja::Value::from_safe_string(prices_whole(&s))
    });
    env
}

/// `s` HTML-escaped, every `AMOUNT CUR` in a no-wrap span.
fn prices_whole(s: &str) -> String {
    static PRICE: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(\d[\d,.]*) ([A-Z]{3})\b").ok());
    let escaped = html_escape::encode_text(s).to_string();
    match PRICE.as_ref() {
        Some(re) => re
            .replace_all(&escaped, r#"<span class="nw">$1 $2</span>"#)
            .into_owned(),
        None => escaped,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prices_stay_whole_and_text_stays_escaped() {
        assert_eq!(
            super::prices_whole("A: 53.99 USD (seen <b>)"),
            r#"A: <span class="nw">53.99 USD</span> (seen &lt;b&gt;)"#
        );
    }

    #[test]
    fn a_targets_copy_replaces_the_built_in_template() {
        let dir = tempfile::tempdir().unwrap();
        let built_in = super::text(dir.path(), "packet", "statements.toml").unwrap();
        assert!(built_in.contains("[ebay_vero]"));
        std::fs::create_dir_all(dir.path().join("templates/packet")).unwrap();
        std::fs::write(
            dir.path().join("templates/packet/statements.toml"),
            "[generic]\n",
        )
        .unwrap();
        assert_eq!(
            super::text(dir.path(), "packet", "statements.toml").unwrap(),
            "[generic]\n"
        );
        assert!(super::text(dir.path(), "packet", "nope.html").is_none());
    }
}
