//! Hostile pages: what an attacker (or a broken shop) can put behind a listing URL to
//! stall or crash a crawler. The demo plants them (`serve-demo --fault
//! shopusa=hostile:8`), the tests scan them and `cargo bench --bench hostile`
//! measures what each costs to read.

/// A hostile page kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostile {
    /// `n` nested `<div>`s: quadratic in html5ever's tree builder without a depth cap.
    NestedDivs(usize),
    /// A JSON-LD script nested `n` levels deep: overflowed the JSON5 reader's stack.
    DeepJsonLd(usize),
    /// One element carrying about `bytes` of attributes (`a0=1 a1=1 …`): html5ever
    /// checks each new attribute against the earlier ones.
    Attributes(usize),
    /// `n` small `<script>` elements.
    Scripts(usize),
    /// A price box of `n` amounts (`$1 $2 …`, each in an element of its own): the
    /// price reader weighs every amount against its neighbours' words.
    PriceAmounts(usize),
}

impl Hostile {
    /// The kinds the demo plants, in turn, and the benchmark measures.
    pub const PLANTED: [Hostile; 4] = [
        Hostile::NestedDivs(100_000),
        Hostile::DeepJsonLd(50_000),
        Hostile::Attributes(5 * 1024 * 1024),
        Hostile::Scripts(100_000),
    ];

    pub fn name(self) -> String {
        match self {
            Hostile::NestedDivs(n) => format!("{n} nested <div>"),
            Hostile::DeepJsonLd(n) => format!("JSON-LD nested {n} deep"),
            Hostile::Attributes(b) => format!("{} MiB of attributes", b / (1024 * 1024)),
            Hostile::Scripts(n) => format!("{n} <script> tags"),
            Hostile::PriceAmounts(n) => format!("a price box of {n} amounts"),
        }
    }

    /// The page's bytes.
    pub fn page(self) -> String {
        let head = "<!DOCTYPE html><html><head><title>Item</title>";
        match self {
            Hostile::NestedDivs(n) => format!(
                "{head}</head><body>{}<span>Acme</span>{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            ),
            Hostile::DeepJsonLd(n) => format!(
                "{head}<script type=\"application/ld+json\">{}{}</script></head><body></body></html>",
                "[".repeat(n),
                "]".repeat(n)
            ),
            Hostile::Attributes(bytes) => {
                let mut s = format!("{head}</head><body><div ");
                let mut i = 0u64;
                while s.len() < bytes {
                    s.push_str(&format!("a{i}=1 "));
                    i += 1;
                }
                s.push_str(">x</div></body></html>");
                s
            }
            Hostile::Scripts(n) => format!(
                "{head}</head><body>{}</body></html>",
                "<script>var a=1;</script>".repeat(n)
            ),
            // In the generic adapter's price box and the demo's.
            Hostile::PriceAmounts(n) => {
                let amounts: String = (1..=n).map(|k| format!("<i>${k}</i> ")).collect();
                format!(
                    "{head}</head><body><h1>Acme X1</h1><div id=\"price_inside_buybox\">{amounts}</div>\
                     <div class=\"buybox\"><div class=\"price\">{amounts}</div></div></body></html>"
                )
            }
        }
    }
}
