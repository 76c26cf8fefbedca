//! The HTTP side of the demo marketplace (axum): one router per site, every request
//! logged so tests can prove what the crawler did and did not ask for.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::catalog::{Catalog, Site};
use super::{GroundTruth, pages};

/// One request the demo marketplace received.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    pub site: Site,
    /// Path and query, as requested.
    pub target: String,
    pub user_agent: String,
}

#[derive(Clone)]
struct SiteState {
    site: Site,
    catalog: Arc<Catalog>,
    log: Arc<Mutex<Vec<RequestRecord>>>,
}

pub(super) fn router(
    site: Site,
    catalog: Arc<Catalog>,
    log: Arc<Mutex<Vec<RequestRecord>>>,
) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(SiteState { site, catalog, log })
}

fn html(site: Site, body: String) -> Response {
    if site == Site::Tmart {
        // GBK bytes, declared only by <meta charset>: the header names no charset,
        // as on many Chinese shops.
        let (bytes, _, _) = encoding_rs::GBK.encode(&body);
        (
            [(header::CONTENT_TYPE, "text/html")],
            Body::from(bytes.into_owned()),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn query_param(query: &str, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn handle(State(st): State<SiteState>, req: Request) -> Response {
    let uri = req.uri().clone();
    let target = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if let Ok(mut log) = st.log.lock() {
        log.push(RequestRecord {
            site: st.site,
            target: target.clone(),
            user_agent,
        });
    }
    let path = uri.path();
    let query = uri.query().unwrap_or("");
    let site = st.site;
    let c = &st.catalog;

    if path == "/robots.txt" {
        return ([(header::CONTENT_TYPE, "text/plain")], pages::robots(site)).into_response();
    }
    if path == "/_demo/ground-truth" {
        return axum::Json(GroundTruth::of(c)).into_response();
    }
    let (search_path, page_key) = match site {
        Site::Shopusa => ("/search", "page"),
        Site::Tmart => ("/s", "p"),
        Site::Bidbay => ("/sch", "_pgn"),
    };
    if path == search_path {
        let page = query_param(query, page_key)
            .and_then(|p| p.parse().ok())
            .unwrap_or(1usize);
        return match pages::search(c, site, page) {
            Some(body) => html(site, body),
            None => not_found(),
        };
    }
    // Item pages, including the robots-disallowed twins (served, but a polite crawler
    // never asks for them).
    let id = match site {
        Site::Shopusa => path
            .strip_prefix("/item/")
            .or_else(|| path.strip_prefix("/sponsored/item/")),
        Site::Tmart => path
            .strip_prefix("/detail/")
            .or_else(|| path.strip_prefix("/promo/detail/"))
            .and_then(|p| p.strip_suffix(".html")),
        Site::Bidbay => path
            .strip_prefix("/itm/watch/")
            .or_else(|| path.strip_prefix("/itm/")),
    };
    if let Some(l) = id.and_then(|id| c.find(site, id)) {
        return html(site, pages::item(c, l));
    }
    if let Some(seller) = path.strip_prefix("/usr/").filter(|_| site == Site::Bidbay)
        && let Some(body) = pages::seller_page(c, site, seller)
    {
        return html(site, body);
    }
    not_found()
}
