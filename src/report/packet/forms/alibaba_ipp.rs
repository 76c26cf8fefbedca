//! Alibaba's IP Protection Platform (知识产权保护平台) complaint.

use super::{Facts, Form, field};
use crate::report::packet::FormField;

pub(super) struct AlibabaIpp;

impl Form for AlibabaIpp {
    fn id(&self) -> &'static str {
        "alibaba"
    }
    fn title(&self) -> &'static str {
        "Alibaba IP Protection Platform complaint"
    }
    fn statements(&self) -> &'static str {
        "alibaba"
    }
    fn language(&self) -> &'static str {
        "zh"
    }
    fn sworn(&self) -> bool {
        true
    }
    fn fields(&self, f: &Facts) -> Vec<FormField> {
        let kind = if f.counterfeit() {
            "issue_counterfeit"
        } else {
            "issue_trademark"
        };
        let shop = format!(
            "{} ({})",
            f.seller(),
            f.seller_id().as_deref().unwrap_or("?")
        );
        let mut fields = complainant(f);
        fields.extend(mark(f));
        fields.extend([
            field(
                "投诉类型",
                "投诉类型 Complaint type",
                f.sentences.word(kind),
                &format!("case findings; {}", f.sentences.source(kind)),
            ),
            field(
                "侵权链接",
                "被投诉链接 Listing URLs",
                links(f),
                &format!("findings; {}", f.sentences.source("links_batched")),
            ),
            field("商品ID", "商品ID Listing ids", Some(f.ids()), "findings"),
            field("店铺", "被投诉店铺 Seller", Some(shop), "the listing pages"),
            field("投诉理由", "投诉理由 Reason", f.claim(), &f.claim_source()),
            field(
                "价格",
                "观察到的价格 Observed prices",
                f.prices(),
                &f.prices_source(),
            ),
        ]);
        fields
    }

    fn text_files(&self, f: &Facts) -> Vec<(String, Vec<u8>)> {
        let urls: Vec<String> = f
            .evidence
            .iter()
            .map(|e| e.records[0].finding.url.clone())
            .collect();
        link_batches(&urls)
    }
}

/// Most links IPP takes in one complaint.
const MAX_LINKS: usize = 300;

/// The listing URLs; more than one complaint takes are split into complaints of at
/// most [`MAX_LINKS`] (`ipp/links-K.txt`), and the field says how many and where.
fn links(f: &Facts) -> Option<String> {
    let n = f.evidence.len();
    if n <= MAX_LINKS {
        return Some(f.urls());
    }
    f.sentences.say(
        "links_batched",
        minijinja::context! { n, max => MAX_LINKS, k => n.div_ceil(MAX_LINKS) },
    )
}

/// `ipp/links-K.txt`, one URL a line, at most [`MAX_LINKS`] each: one complaint
/// each, none left out. Nothing when one complaint takes them all.
fn link_batches(urls: &[String]) -> Vec<(String, Vec<u8>)> {
    if urls.len() <= MAX_LINKS {
        return Vec::new();
    }
    urls.chunks(MAX_LINKS)
        .enumerate()
        .map(|(i, c)| {
            (
                format!("ipp/links-{}.txt", i + 1),
                format!("{}\n", c.join("\n")).into_bytes(),
            )
        })
        .collect()
}

/// Who complains: the rights owner, its IPP account and contact.
fn complainant(f: &Facts) -> Vec<FormField> {
    vec![
        f.owner_field("权利人", "权利人 Rights owner", "company", |o| {
            Some(o.company.clone())
        }),
        field(
            "平台账号",
            "知识产权保护平台账号 IPP account",
            f.program("alibaba"),
            "brand.toml [enforcement] program_ids.alibaba",
        ),
        f.owner_field("联系人", "联系人 Contact", "agent", |o| {
            o.agent.clone()
        }),
        f.owner_field("邮箱", "邮箱 Email", "email", |o| o.email.clone()),
        f.owner_field("电话", "电话 Phone", "phone", |o| o.phone.clone()),
    ]
}

/// The right: a trademark, the mainland registration where there is one.
fn mark(f: &Facts) -> Vec<FormField> {
    let tm = f.trademark(true);
    let class = tm.map(|t| {
        t.classes
            .iter()
            .map(|c| format!("第{c}类"))
            .collect::<Vec<_>>()
            .join("、")
    });
    vec![
        field(
            "知识产权类型",
            "知识产权类型 IP type",
            f.sentences.word("ip_type"),
            &f.sentences.source("ip_type"),
        ),
        field(
            "商标",
            "商标名称 Mark",
            tm.map(|t| t.mark.clone()),
            "brand.toml [[trademark]] mark (CNIPA first)",
        ),
        field(
            "商标注册号",
            "商标注册号 Registration number",
            tm.map(|t| t.number.clone()),
            "brand.toml [[trademark]] number",
        ),
        field(
            "注册机关",
            "注册机关 Office",
            tm.map(|t| t.office.clone()),
            "brand.toml [[trademark]] office",
        ),
        field(
            "类别",
            "核定使用类别 Class",
            class,
            "brand.toml [[trademark]] classes",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_links_than_one_complaint_takes_are_split_none_dropped() {
        let urls = |n: usize| -> Vec<String> {
            (0..n)
                .map(|i| format!("https://detail.example/{i}.html"))
                .collect()
        };
        assert!(link_batches(&urls(300)).is_empty(), "one complaint");
        let two = link_batches(&urls(301));
        let sizes: Vec<usize> = two
            .iter()
            .map(|(_, b)| String::from_utf8_lossy(b).lines().count())
            .collect();
        assert_eq!(sizes, [300, 1]);
        assert_eq!(two[0].0, "ipp/links-1.txt");
        assert!(String::from_utf8_lossy(&two[1].1).contains("/300.html"));
    }
}
