//! What refused or empty item pages look like on real marketplaces, for the
//! `captcha`, `challenge`, `login-wall`, `js-shell`, `soft-404`, `no-offer` and `widget` demo
//! faults. Written from the public descriptions of each (Alibaba's slider captcha,
//! Cloudflare's managed challenge, a sign-in redirect target, a single-page-app
//! shell, an "item no longer available" page), with the markers those pages carry;
//! `widget` is the ordinary page with a captcha widget embedded, which must stay
//! readable; `unknown-wall` a bot check no verdict rule knows.

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::catalog::{Catalog, DemoListing, Site};
use super::pages;
use super::server::Wall;

/// The page `wall` answers in place of listing `l`'s.
pub(super) fn page(
    wall: Wall,
    site: Site,
    c: &Catalog,
    l: &DemoListing,
    position: u64,
    weight: super::PageWeight,
) -> Response {
    let html = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    match wall {
        Wall::Captcha => (html, CAPTCHA.replace("{id}", &l.id)).into_response(),
        // Cloudflare answers either way; alternate between the two.
        Wall::Challenge if position.is_multiple_of(2) => (
            StatusCode::FORBIDDEN,
            [
                (header::CONTENT_TYPE, "text/html; charset=UTF-8"),
                (header::HeaderName::from_static("cf-mitigated"), "challenge"),
            ],
            JUST_A_MOMENT,
        )
            .into_response(),
        Wall::Challenge => (StatusCode::SERVICE_UNAVAILABLE, html, JUST_A_MOMENT).into_response(),
        Wall::LoginWall => (html, LOGIN).into_response(),
        Wall::JsShell => (html, SHELL).into_response(),
        // tmart is Taobao-like: its notice is in Chinese, in GBK like its pages.
        Wall::Soft404 if site == Site::Tmart => (
            [(header::CONTENT_TYPE, super::server::content_type(site))],
            Body::from(pages::encode(site, SOFT_404_GBK.to_string())),
        )
            .into_response(),
        Wall::Soft404 => (html, SOFT_404).into_response(),
        Wall::NoOffer => (
            [(header::CONTENT_TYPE, super::server::content_type(site))],
            Body::from(pages::encode(site, no_offer(site, l))),
        )
            .into_response(),
        Wall::Unknown => (html, UNKNOWN_WALL).into_response(),
        Wall::Widget => {
            let page = pages::item(c, l, weight).replace(
                "</body>",
                "<script src=\"https://www.google.com/recaptcha/api.js\" async defer></script>\
                 <div class=\"g-recaptcha\" data-sitekey=\"6Lc-demo\"></div>\
                 <script src=\"https://turing.captcha.qcloud.com/TCaptcha.js\"></script></body>",
            );
            (
                [(header::CONTENT_TYPE, super::server::content_type(site))],
                Body::from(pages::encode(site, page)),
            )
                .into_response()
        }
    }
}

/// The product's page with no offer on it, as Amazon shows one whose offer is gone:
/// the title under each demo site's own heading class, no price, no seller.
fn no_offer(site: Site, l: &DemoListing) -> String {
    let (charset, heading) = match site {
        Site::Shopusa => ("utf-8", "product-title"),
        Site::Tmart => ("gbk", "tb-title"),
        Site::Bidbay => ("utf-8", "x-item-title"),
    };
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>{t}</title></head><body>\
         <h1 class=\"{heading}\">{t}</h1><div id=\"availability\"><span class=\"a-color-price\">\
         Currently unavailable.</span><br>We don't know when or if this item will be back in stock.\
         </div></body></html>",
        t = pages::esc(&l.title),
    )
}

const CAPTCHA: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>验证码拦截</title>\
<script src=\"https://g.alicdn.com/AWSC/AWSC/awsc.js\"></script></head><body>\
<div id=\"nocaptcha\" class=\"nc-container\"><div id=\"nc_1_wrapper\"><div id=\"nc_1_n1t\">\
<span id=\"nc_1_n1z\" class=\"nc_iconfont btn_slide\"></span></div></div>\
<p>亲，请拖动下方滑块完成验证</p></div>\
<script>window._config_={action:'captcha',url:'/punish?x5secdata=xd{id}&x5step=1'};</script>\
</body></html>";

const JUST_A_MOMENT: &str = "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>\
<meta http-equiv=\"refresh\" content=\"390\"></head><body><div class=\"main-wrapper\" role=\"main\">\
<h1>Verifying you are human. This may take a few seconds.</h1>\
<noscript>Enable JavaScript and cookies to continue</noscript></div>\
<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=demo\"></script>\
</body></html>";

/// A bot check of a vendor no rule names: a checkbox form, status 200.
const UNKNOWN_WALL: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>One more step</title>\
</head><body><form action=\"/verify-human\" method=\"post\"><h2>Please confirm that you are not a \
robot</h2><label><input type=\"checkbox\" name=\"human\"> I am human</label><button>Continue</button>\
</form></body></html>";

const LOGIN: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sign in</title></head>\
<body><form action=\"/login\" method=\"post\"><h1>Sign in to continue</h1>\
<input type=\"email\" name=\"email\"><input type=\"password\" name=\"password\">\
<button>Sign in</button></form></body></html>";

const SHELL: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Shop</title>\
<script defer src=\"/static/js/main.4f2a9c.js\"></script></head>\
<body><noscript>You need to enable JavaScript to run this app.</noscript><div id=\"root\"></div></body></html>";

const SOFT_404: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Item unavailable</title></head>\
<body><h1>This item is no longer available</h1><p>Browse similar items below.</p></body></html>";

const SOFT_404_GBK: &str = "<!DOCTYPE html><html><head><meta charset=\"gbk\"><title>淘宝网 - 宝贝不存在</title></head>\
<body><div class=\"error-notice\"><h1>很抱歉，您查看的宝贝不存在，可能已下架或者被转移。</h1>\
<p>看看其他宝贝吧</p></div></body></html>";
