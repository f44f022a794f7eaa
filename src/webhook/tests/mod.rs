//! Tests of the webhook module as a whole (per-file unit tests live beside their code).

mod fixtures;
mod ids;
mod post;
mod robustness;
mod signatures;
mod subscribe;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{verify, WebhookRequest, WebhookResult, WebhookSecrets};
use crate::secret::Secret;

pub(super) const SECRET: &str = "0123456789abcdef0123456789abcdef";

/// `sha256=<lowercase hex>` of `body` under `secret`.
pub(super) fn sign(body: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// `sha1=<lowercase hex>` of `body` under `secret`.
pub(super) fn sign_sha1(body: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

pub(super) fn secrets(app_secrets: &[&str]) -> WebhookSecrets {
    WebhookSecrets {
        verify_token: Some(Secret::new("verify-me-please")),
        app_secrets: app_secrets.iter().map(|s| Secret::new(*s)).collect(),
        ..WebhookSecrets::default()
    }
}

pub(super) fn post<'a>(body: &'a [u8], headers: &[(&str, &str)]) -> WebhookRequest<'a> {
    WebhookRequest {
        method: "POST".into(),
        query: Vec::new(),
        headers: headers.iter().map(|(n, v)| (n.to_string(), vec![v.to_string()])).collect(),
        body: Some(body),
    }
}

/// A POST of `body` signed with [`SECRET`], checked with [`SECRET`].
pub(super) fn deliver(body: &[u8]) -> WebhookResult<'_> {
    let sig = sign(body, SECRET);
    verify(&post(body, &[("X-Hub-Signature-256", &sig)]), &secrets(&[SECRET])).unwrap()
}

pub(super) fn fixture_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("__test__/fixtures/webhooks").join(name)
}

pub(super) fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `(status, reason)` of a rejection; panics on anything else.
pub(super) fn rejection(result: &WebhookResult) -> (u16, &'static str) {
    match result {
        WebhookResult::Rejected { status, reason, .. } => (*status, reason.as_str()),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

/// A small valid delivery.
pub(super) const BODY: &[u8] = br#"{"object":"instagram","entry":[{"id":"1","time":1732800000000,"messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":1732800000001,"message":{"mid":"m","text":"hi"}}]}]}"#;

pub(super) fn run<'a>(body: &'a [u8], headers: &[(&str, &str)], app_secrets: &[&str]) -> WebhookResult<'a> {
    verify(&post(body, headers), &secrets(app_secrets)).unwrap()
}

pub(super) fn is_events(result: &WebhookResult) -> bool {
    matches!(result, WebhookResult::Events { .. })
}
