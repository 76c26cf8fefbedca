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
    fn sworn(&self) -> bool {
        true
    }
    fn fields(&self, f: &Facts) -> Vec<FormField> {
        let kind = if f.counterfeit() {
            "假冒商标（售假）Counterfeit"
        } else {
            "商标侵权 Trademark infringement"
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
                Some(kind.into()),
                "case findings",
            ),
            field(
                "侵权链接",
                "被投诉链接 Listing URLs",
                Some(links(f)),
                "findings",
            ),
            field("商品ID", "商品ID Listing ids", Some(f.ids()), "findings"),
            field("店铺", "被投诉店铺 Seller", Some(shop), "the listing pages"),
            field(
                "投诉理由",
                "投诉理由 Reason",
                reason(f),
                "case findings; the brand's grounds in Chinese: brand.toml [enforcement] material_differences / protected_content \"MARKET@zh\"",
            ),
            field(
                "价格",
                "观察到的价格 Observed prices",
                Some(f.prices()),
                "observations",
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
fn links(f: &Facts) -> String {
    let n = f.evidence.len();
    if n <= MAX_LINKS {
        return f.urls();
    }
    let k = n.div_ceil(MAX_LINKS);
    format!(
        "共{n}条链接，超过每次投诉{MAX_LINKS}条的上限，分{k}次投诉：ipp/links-1.txt … ipp/links-{k}.txt"
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
            Some("商标权 Trademark".into()),
            "fixed",
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

/// 投诉理由: the grounds of the complaint, in Chinese only. The brand's grounds
/// for an unauthorised seller come from its Chinese text (`"MARKET@zh"`); when it
/// gives them only in English, the reason is `None` (a missing field, named), never
/// a Chinese sentence with an English one inside.
fn reason(f: &Facts) -> Option<String> {
    if f.counterfeit() {
        return Some(
            "被投诉商品使用权利人注册商标，页面含“高仿”等字样或经试购、审核确认为假冒，涉嫌销售假冒注册商标的商品。"
                .to_string(),
        );
    }
    let base = "被投诉店铺未经授权销售带有权利人注册商标的商品。";
    match (f.grounds_zh(), f.grounds()) {
        (Some(zh), _) => Some(format!("{base}{zh}。")),
        (None, Some(_english_only)) => None,
        (None, None) => Some(base.to_string()),
    }
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
