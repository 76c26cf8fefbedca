//! The sentences a form's values are written in, in the form's language
//! (`templates/packet/sentences.toml`, one section per language). A form filed on
//! amazon.de carries German claims, an Alibaba form Chinese ones; a sentence the
//! language lacks is a missing field naming where to add it, never the English one
//! standing in.

use std::collections::BTreeMap;
use std::path::Path;

use crate::report::packet::PacketError;
use crate::report::templates;

const FILE: &str = "sentences.toml";

/// The sentences of one language, each a minijinja template.
pub(crate) struct Sentences {
    lang: String,
    env: minijinja::Environment<'static>,
}

impl Sentences {
    /// The sentences of `lang`: the built-in section, with the keys of the targets
    /// folder's own `templates/packet/sentences.toml` replacing them one by one (a
    /// brand adding Japanese or rewording one claim writes only that).
    pub(crate) fn load(targets: &Path, lang: &str) -> Result<Self, PacketError> {
        let mut table = section(templates::built_in("packet", FILE), lang, FILE)?;
        if let Some(own) = templates::own(targets, "packet", FILE) {
            table.extend(section(
                Some(&own),
                lang,
                "TARGETS/templates/packet/sentences.toml",
            )?);
        }
        let mut env = minijinja::Environment::new();
        // A misspelt variable in a brand's sentence is an error, not a blank in a
        // filed form; `{% if grounds %}` on an absent one still reads as false.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        for (key, text) in table {
            env.add_template_owned(key.clone(), text)
                .map_err(|e| PacketError::Template {
                    name: format!("{FILE} [{lang}] {key}"),
                    message: e.to_string(),
                })?;
        }
        Ok(Self {
            lang: lang.to_string(),
            env,
        })
    }

    /// The language, ISO 639-1.
    pub(crate) fn lang(&self) -> &str {
        &self.lang
    }

    /// Sentence `key` said with `ctx`; `None` when the language has no such
    /// sentence (or the brand's version of it does not render), which makes the
    /// field it fills a missing one.
    pub(crate) fn say(&self, key: &str, ctx: minijinja::Value) -> Option<String> {
        let template = self.env.get_template(key).ok()?;
        template.render(ctx).ok().filter(|s| !s.trim().is_empty())
    }

    /// A sentence that takes no variables.
    pub(crate) fn word(&self, key: &str) -> Option<String> {
        self.say(key, minijinja::Value::UNDEFINED)
    }

    /// Where sentence `key` is given, for a field's source.
    pub(crate) fn source(&self, key: &str) -> String {
        format!("templates/packet/{FILE} [{}] {key}", self.lang)
    }

    /// `items` joined by the language's separator `key` (`item_separator`,
    /// `list_separator`); `None` when any item is (a sentence the language lacks).
    pub(crate) fn join(&self, key: &str, items: Vec<Option<String>>) -> Option<String> {
        let items: Option<Vec<String>> = items.into_iter().collect();
        let sep = self.env.get_template(key).ok()?.render(()).ok()?;
        Some(items?.join(&sep))
    }
}

/// Section `lang` of a sentences file (empty when it has none).
fn section(
    text: Option<&str>,
    lang: &str,
    name: &str,
) -> Result<BTreeMap<String, String>, PacketError> {
    let Some(text) = text else {
        return Ok(BTreeMap::new());
    };
    let mut all: BTreeMap<String, BTreeMap<String, String>> =
        toml::from_str(text).map_err(|e| PacketError::Template {
            name: name.into(),
            message: e.to_string(),
        })?;
    Ok(all.remove(lang).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn every_language_has_every_sentence_and_each_renders() {
        let text = templates::built_in("packet", FILE).unwrap();
        let all: BTreeMap<String, BTreeMap<String, String>> = toml::from_str(text).unwrap();
        let english: Vec<&String> = all["en"].keys().collect();
        let dir = tempfile::tempdir().unwrap();
        for (lang, table) in &all {
            assert_eq!(table.keys().collect::<Vec<_>>(), english, "[{lang}]");
            let s = Sentences::load(dir.path(), lang).unwrap();
            let said = s
                .say(
                    "trademark",
                    context! { mark => "ACME", office => "EUIPO", number => "018", classes => vec![9, 10] },
                )
                .unwrap();
            assert!(
                said.contains("018") && said.contains('9') && said.contains("10"),
                "{said}"
            );
            let obs = s
                .say("observed", context! { id => "L1", price => "9.00 EUR", from => "2026-01-01", to => "2026-01-02" })
                .unwrap();
            assert!(
                obs.contains("9.00 EUR") && obs.contains("2026-01-02"),
                "{obs}"
            );
        }
    }

    #[test]
    fn a_brands_sentence_replaces_one_key_and_a_language_it_adds_is_added() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/packet")).unwrap();
        std::fs::write(
            dir.path().join("templates/packet/sentences.toml"),
            "[en]\nno_price = \"price not shown\"\n[ja]\nno_price = \"価格なし\"\n",
        )
        .unwrap();
        let en = Sentences::load(dir.path(), "en").unwrap();
        assert_eq!(en.word("no_price").unwrap(), "price not shown");
        assert_eq!(en.word("ip_type").unwrap(), "Trademark", "the others kept");
        let ja = Sentences::load(dir.path(), "ja").unwrap();
        assert_eq!(ja.word("no_price").unwrap(), "価格なし");
        assert_eq!(ja.word("ip_type"), None, "never the English one");
        assert_eq!(
            ja.source("ip_type"),
            "templates/packet/sentences.toml [ja] ip_type"
        );
    }

    #[test]
    fn a_broken_or_misspelt_sentence_is_named_not_filed_blank() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/packet")).unwrap();
        let own = dir.path().join("templates/packet/sentences.toml");
        std::fs::write(&own, "[en]\nobserved = \"{{ id \"\n").unwrap();
        let err = Sentences::load(dir.path(), "en").err().unwrap();
        assert!(
            err.to_string().contains("sentences.toml [en] observed"),
            "{err}"
        );
        std::fs::write(&own, "[en]\nobserved = \"{{ idd }}: {{ price }}\"\n").unwrap();
        let s = Sentences::load(dir.path(), "en").unwrap();
        assert_eq!(
            s.say("observed", context! { id => "L1", price => "1 EUR" }),
            None
        );
    }
}
