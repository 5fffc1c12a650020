//! The request's language, negotiated from `Accept-Language`.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use gatehouse_core::i18n::Lang;

tokio::task_local! {
    static LANG: Lang;
}

/// The language of the request being handled (English outside a request).
pub fn current_lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or(Lang::En)
}

fn negotiate(headers: &axum::http::HeaderMap) -> Lang {
    Lang::negotiate(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// Middleware: makes the negotiated language available to errors raised anywhere below,
/// including extractor rejections, and tells caches the response varies by it.
pub async fn scope_lang(request: Request, next: Next) -> Response {
    let lang = negotiate(request.headers());
    let mut response = LANG.scope(lang, next.run(request)).await;
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

/// Extractor for handlers that render localised text.
#[derive(Debug, Clone, Copy)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(negotiate(&parts.headers)))
    }
}
