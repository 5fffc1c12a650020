//! Webhooks to the exchange: endpoint management (what operators call) and the dispatcher
//! that delivers the outbox's events (see `dispatch`).

pub mod dispatch;
pub mod events;

use chrono::{DateTime, Utc};
use gatehouse_core::application::FieldError;
use gatehouse_core::events::Subscription;
use gatehouse_core::ids::{DeliveryId, WebhookEndpointId};
use gatehouse_store::models::{Delivery, DeliveryAttempt, WebhookEndpoint};
use gatehouse_store::repo::WebhookRepo;
use gatehouse_store::StoreError;
use rand::RngCore;
use serde::Deserialize;
use utoipa::ToSchema;

pub use dispatch::{Dispatcher, StepReport};

use crate::error::ApiError;

/// Signing secrets start with this; the whole string, prefix included, is the HMAC key.
pub const SECRET_PREFIX: &str = "whsec_";

/// Longest accepted endpoint URL.
const MAX_URL_LEN: usize = 2048;

/// `POST /v1/admin/webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// `http://` or `https://`; redirects are never followed.
    pub url: String,
    /// Event names, or `"*"` for every event (including ones added later).
    pub events: Vec<String>,
}

/// A new signing secret: 256 random bits.
fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{SECRET_PREFIX}{}", hex::encode(bytes))
}

fn field_error(field: String, code: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        code,
        message: message.into(),
    }
}

/// The URL a delivery may go to: absolute http(s) with a host and without credentials (they
/// would be shown in every listing).
fn parse_url(raw: &str) -> Result<String, FieldError> {
    let error = |code, message: &str| field_error("url".into(), code, message);
    if raw.len() > MAX_URL_LEN {
        return Err(error("too_long", "must be at most 2048 characters"));
    }
    let url = url::Url::parse(raw).map_err(|_| error("invalid_url", "is not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(error(
            "unsupported_scheme",
            "must be an http:// or https:// URL",
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(error("invalid_url", "has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(error(
            "credentials_not_allowed",
            "must not contain a user name or password",
        ));
    }
    Ok(url.to_string())
}

/// Registers an endpoint; the returned record holds the secret, shown only this once.
pub async fn create(
    db: &impl WebhookRepo,
    body: CreateWebhook,
    now: DateTime<Utc>,
) -> Result<WebhookEndpoint, ApiError> {
    let mut errors = Vec::new();
    let url = parse_url(&body.url).map_err(|e| errors.push(e)).ok();
    let subscription = Subscription::parse(&body.events)
        .map_err(|(at, why)| {
            let field = at.map_or("events".to_owned(), |i| format!("events[{i}]"));
            errors.push(field_error(field, why.code, why.message));
        })
        .ok();
    let (Some(url), Some(subscription)) = (url, subscription) else {
        return Err(ApiError::Validation(errors));
    };
    let endpoint = WebhookEndpoint {
        id: WebhookEndpointId::new(),
        url,
        subscription,
        secret: new_secret(),
        created_at: now,
    };
    db.create_webhook_endpoint(&endpoint).await?;
    Ok(endpoint)
}

fn endpoint_id(id: &str) -> Result<WebhookEndpointId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

pub async fn list(db: &impl WebhookRepo) -> Result<Vec<WebhookEndpoint>, ApiError> {
    Ok(db.webhook_endpoints().await?)
}

pub async fn delete(db: &impl WebhookRepo, id: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
    Ok(db.delete_webhook_endpoint(endpoint_id(id)?, now).await?)
}

/// An endpoint's delivery log, newest first.
pub async fn deliveries(
    db: &impl WebhookRepo,
    id: &str,
    limit: Option<u32>,
) -> Result<Vec<(Delivery, Vec<DeliveryAttempt>)>, ApiError> {
    let limit = limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "out_of_range", "must be 1 to 200"));
    }
    let id = endpoint_id(id)?;
    db.webhook_endpoint(id).await?.ok_or(ApiError::NotFound)?;
    Ok(db.webhook_deliveries(id, limit).await?)
}

/// Sends a delivery again, now, with a fresh round of attempts.
pub async fn replay(
    db: &impl WebhookRepo,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Delivery, ApiError> {
    let id: DeliveryId = id.parse().map_err(|_| ApiError::NotFound)?;
    match db.replay_delivery(id, now).await {
        Err(StoreError::Conflict("delivery_in_progress")) => Err(ApiError::DeliveryInProgress),
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("https://exchange.example/hooks/kyc?x=1").unwrap(),
            "https://exchange.example/hooks/kyc?x=1"
        );
        assert!(parse_url("http://127.0.0.1:8080/h").is_ok());
        for (raw, code) in [
            ("ftp://exchange.example/", "unsupported_scheme"),
            ("file:///etc/passwd", "unsupported_scheme"),
            ("exchange.example/hook", "invalid_url"),
            ("https://", "invalid_url"),
            (
                "https://user:pw@exchange.example/",
                "credentials_not_allowed",
            ),
        ] {
            assert_eq!(parse_url(raw).unwrap_err().code, code, "{raw}");
        }
        let long = format!("https://e.example/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(parse_url(&long).unwrap_err().code, "too_long");
    }

    #[test]
    fn secrets_are_random_and_prefixed() {
        let s = new_secret();
        assert!(s.starts_with(SECRET_PREFIX));
        assert_eq!(s.len(), SECRET_PREFIX.len() + 64);
        assert_ne!(s, new_secret());
    }
}
