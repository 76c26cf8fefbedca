//! The brand's name written so that a plain comparison misses it and a buyer does
//! not: with look-alike letters of another script (`Асmе`: Cyrillic А, с, е),
//! with accents (`Acmé`), spelt out letter by letter (`A.C.M.E`, `A C M E`), broken
//! by a mark inside the word (`Ac-me`, `AC*ME`), or glued to the model (`AcmeX1`). Sellers who keep their listings from brand
//! monitoring write it so; each was a title that "does not name Acme", and its
//! price under the floor and its unauthorised seller went unseen. A title so
//! written is read as naming the brand, and the match says how it was written.

use crate::ident::fold;

/// `title` (as the page gives it) folded ([`fold`]) with each disguised writing of
/// one of the brand's `names` (folded) written as the name, and how each was
/// written; `None` where nothing was disguised. `models` are the words of the
/// SKUs' keywords that hold a digit (`x1`): what a name glued to a model is
/// glued to. Only names of one word are looked for.
pub(super) fn undisguised(
    title: &str,
    names: &[String],
    models: &[String],
) -> Option<(String, Vec<String>)> {
    let folded = fold(title);
    // The look-alike letters of capitals are not those of small letters (Cyrillic
    // М reads as M; м does not read as m): compared as the page writes them.
    let cased = crate::ident::fold_cased(title);
    let folded_words: Vec<&str> = folded.split(' ').collect();
    let cased_words: Vec<&str> = cased.split(' ').collect();
    // Folding changes no word count (lower-casing adds no space): each folded word
    // has its cased one. Where it did, nothing is undone.
    if folded_words.len() != cased_words.len() {
        return None;
    }
    let names: Vec<&String> = names.iter().filter(|n| !n.contains(' ')).collect();
    // Each name's looks, once per text rather than once per word of it.
    let looks: Vec<Looks> = names.iter().map(|n| Looks::of(n)).collect();
    let mut out: Vec<String> = Vec::with_capacity(folded_words.len());
    let mut said = Vec::new();
    let mut i = 0;
    while i < folded_words.len() {
        // Letters spelt out one word each: "a c m e".
        let run = folded_words[i..]
            .iter()
            .take_while(|w| w.chars().count() == 1 && w.chars().all(char::is_alphanumeric))
            .count();
        if run >= 3 {
            let joined: String = folded_words[i..i + run].concat();
            if let Some(n) = names.iter().find(|n| ***n == joined) {
                out.push(n.to_string());
                said.push(cased_words[i..i + run].join(" "));
                i += run;
                continue;
            }
        }
        match one_word(folded_words[i], cased_words[i], &names, &looks, models) {
            Some(plain) => {
                out.push(plain);
                said.push(cased_words[i].to_string());
            }
            None => out.push(folded_words[i].to_string()),
        }
        i += 1;
    }
    (!said.is_empty()).then(|| (out.join(" "), said))
}

/// One word of a title with a disguised name in it written plainly, keeping the
/// punctuation around it (`[асме]`).
fn one_word(
    folded: &str,
    cased: &str,
    names: &[&String],
    looks: &[Looks],
    models: &[String],
) -> Option<String> {
    // `@`, `$` and `€` stand for letters (`@cme`): kept at a word's edge.
    let edge = |c: char| !c.is_alphanumeric() && !LEET_SIGNS.contains(&c);
    let core = folded.trim_matches(edge);
    let cased_core = cased.trim_matches(edge);
    if core.is_empty() {
        return None;
    }
    let (start, end) = folded.find(core).map(|s| (s, s + core.len()))?;
    let (head, tail) = (&folded[..start], &folded[end..]);
    let word = Looks::of(cased_core);
    let plain = names.iter().zip(looks).find_map(|(n, name_looks)| {
        if core == n.as_str() {
            return None;
        }
        // Spelt out with dots or hyphens in one word: "a.c.m.e", "a-c-m-e".
        let spelt = core.len() > 2
            && core.chars().step_by(2).all(char::is_alphanumeric)
            && core
                .chars()
                .skip(1)
                .step_by(2)
                .all(|c| c == '.' || c == '-');
        // Broken by a mark inside the word: "ac-me", "ac.me", "ac*me", "a_cme" (a
        // hyphen where no word ends; a title so written "did not name Acme").
        let broken = core.contains(BREAKS)
            && core
                .chars()
                .all(|c| c.is_alphanumeric() || BREAKS.contains(&c));
        let letters: String = core.chars().filter(|c| c.is_alphanumeric()).collect();
        let leet = n.chars().count() >= 3
            && ['l', 'i']
                .into_iter()
                .any(|one| unleet(core, one).is_some_and(|w| w == **n));
        if ((spelt || broken) && letters == **n) || word.like(name_looks) || leet {
            return Some(n.to_string());
        }
        // Glued to a model: "acmex1" (or "асмеx1").
        models.iter().find_map(|m| {
            let name = core.strip_suffix(m.as_str())?;
            let cased_name = cased_core.get(..cased_core.len().checked_sub(m.len())?)?;
            (name == n.as_str() || Looks::of(cased_name).like(name_looks))
                .then(|| format!("{n} {m}"))
        })
    })?;
    Some(format!("{head}{plain}{tail}"))
}

/// Signs written for the letters they look like (`@cme`, `Ac$e`, `Acm€`).
const LEET_SIGNS: &[char] = &['@', '$', '€'];

/// `word` with the digits and signs sellers write for letters read as those
/// letters (`acm3`, `4cme`, `@cme`, `ac0me`; `1` as `one`, an l or an i), where
/// it holds at least one of them and a letter: a title naming `Acm3 X1
/// Headphones` "did not name Acme", its price under the floor unseen.
fn unleet(word: &str, one: char) -> Option<String> {
    let stand_in =
        |c: char| matches!(c, '0' | '1' | '3' | '4' | '5' | '7') || LEET_SIGNS.contains(&c);
    if !word.contains(stand_in) || !word.contains(char::is_alphabetic) {
        return None;
    }
    Some(
        word.chars()
            .map(|c| match c {
                '0' => 'o',
                '1' => one,
                '3' | '€' => 'e',
                '4' | '@' => 'a',
                '5' | '$' => 's',
                '7' => 't',
                c => c,
            })
            .collect(),
    )
}

/// Marks a name is broken by inside one word ([`one_word`]).
const BREAKS: &[char] = &['-', '.', '*', '_', '·', '\u{2010}', '\u{2011}'];

/// What decides whether a word (cased: the look-alike of a capital is a capital)
/// reads as a name to a buyer: the same letters but for accents (either way:
/// `Acmé` for Acme, `Nestle` for a brand written Nestlé), or the same UTS #39
/// skeleton (letters of another script that look the same). Computed once per
/// word and once per name of a text: a profile of a real-weight scan (2026-12-06)
/// put the skeletons at ~2% of its CPU, each name's taken anew for every word of
/// every title.
struct Looks {
    marks: String,
    skeleton: String,
}

impl Looks {
    fn of(word: &str) -> Looks {
        Looks {
            marks: without_marks(word),
            skeleton: caseless_skeleton(word),
        }
    }

    fn like(&self, name: &Looks) -> bool {
        self.marks == name.marks || self.skeleton == name.skeleton
    }
}

/// The skeleton of `s`'s skeleton lower-cased: `ACME` and `acme` have different
/// skeletons (a small m reads as "rn"), the same once lower-cased and taken again.
fn caseless_skeleton(s: &str) -> String {
    crate::ident::skeleton(&crate::ident::skeleton(s))
}

/// `word` lower-cased without its accents (`acmé` → `acme`).
fn without_marks(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(title: &str) -> Option<(String, Vec<String>)> {
        undisguised(title, &["acme".to_string()], &["x1".to_string()])
    }

    #[test]
    fn disguised_names_are_written_plainly_and_said() {
        for (title, plain, written) in [
            // Cyrillic А, с and е, a Latin m (Cyrillic м does not look like m).
            (
                "\u{410}\u{441}m\u{435} X1 Headphones",
                "acme x1 headphones",
                "\u{410}\u{441}m\u{435}",
            ),
            ("AСME X1 Headphones", "acme x1 headphones", "AСME"),
            ("Acmé X1 Headphones", "acme x1 headphones", "Acmé"),
            ("A.C.M.E X1 Headphones", "acme x1 headphones", "A.C.M.E"),
            ("A-C-M-E X1 Headphones", "acme x1 headphones", "A-C-M-E"),
            ("A C M E X1 Headphones", "acme x1 headphones", "A C M E"),
            ("Ac-me X1 Headphones", "acme x1 headphones", "Ac-me"),
            ("AC*ME X1 Headphones", "acme x1 headphones", "AC*ME"),
            ("Acm.e X1 Headphones", "acme x1 headphones", "Acm.e"),
            ("AcmeX1 Headphones", "acme x1 headphones", "AcmeX1"),
            ("Acm3 X1 Headphones", "acme x1 headphones", "Acm3"),
            ("4CME X1 Headphones", "acme x1 headphones", "4CME"),
            ("@cme X1 Headphones", "acme x1 headphones", "@cme"),
            (
                "[\u{410}\u{441}m\u{435}] X1",
                "[acme] x1",
                "[\u{410}\u{441}m\u{435}]",
            ),
            (
                "\u{410}\u{441}m\u{435}X1 Headphones",
                "acme x1 headphones",
                "\u{410}\u{441}m\u{435}X1",
            ),
        ] {
            let (t, said) = read(title).unwrap_or_else(|| panic!("{title}"));
            assert_eq!(t, plain, "{title}");
            assert_eq!(said, [written], "{title}");
        }
    }

    #[test]
    fn a_name_written_with_accents_is_read_without_them() {
        let read = |title: &str| undisguised(title, &["nestlé".to_string()], &[]);
        assert_eq!(
            read("Nestle Nescafe Gold"),
            Some((
                "nestlé nescafe gold".to_string(),
                vec!["Nestle".to_string()]
            ))
        );
        assert_eq!(read("Nestlé Nescafe Gold"), None);
    }

    #[test]
    fn plain_and_other_words_are_no_disguise() {
        for title in [
            "Acme X1 Headphones",
            "ACME X1 HEADPHONES",
            "Acne X1 Headphones",
            "Acmex X1 Headphones",
            "A C M X1 Headphones",
            "Ac me X1 Headphones",
            "Ac-mex X1 Headphones",
            "Acme-Tech X1 Headphones",
            "Acm3x X1 Headphones",
            "4 X1 Headphones",
            "$99 X1 Headphones",
            "Sonora X1 Headphones",
            "耳机 Acme",
            // A small Cyrillic м is no m.
            "\u{430}\u{441}\u{43c}\u{435} X1 Headphones",
        ] {
            assert_eq!(read(title), None, "{title}");
        }
    }
}
