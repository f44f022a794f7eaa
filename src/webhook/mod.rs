//! Meta webhooks: the subscription handshake, signature checks on the raw body, and the
//! normalisation of a delivery into [`WebhookEvent`]s.
//!
//! One entry point, [`verify`], pure (no clock, no I/O): a request and the secrets in, a
//! [`WebhookResult`] out. Expected outcomes (a bad signature, a wrong verify token) are
//! values ([`WebhookResult::Rejected`]); `Err` is only for the caller's mistakes (no secret
//! configured for the check the request needs).
//!
//! - `GET` (subscription check): needs [`WebhookSecrets::verify_token`]. The handshake's
//!   shape is checked first, then the token: `hub.mode` other than `subscribe`, or no (or an
//!   empty) `hub.challenge` → 403 `HANDSHAKE_INVALID`; then a `hub.verify_token` absent or
//!   not equal (constant time) → 403 `VERIFY_TOKEN_MISMATCH`; else the challenge. Checking
//!   the shape first tells a stray visitor "this is not a handshake" without ever comparing
//!   a token; both answers are 403, so the order reveals nothing about the token.
//! - `POST` (delivery): size first (→ 413), then the signature (→ 401), then parsing (→ 400).
//! - Any other method → 405.

mod event;
mod event_id;
mod input;
mod json;
mod normalise;
mod request;
mod signature;

#[cfg(test)]
mod tests;

pub use event::{Attachment, Comment, EventType, Postback, Reaction, ReactionAction, Referral, ReplyTo, WebhookEvent};
pub use input::{OneOrMany, SecretsInput};
pub use normalise::{mend_lone_surrogates, normalise, Malformed, Payload};
pub use request::{reads_header_name, reads_query_name, string_pairs, RequestInput};
pub use signature::{SIGNATURE_256_HEADER, SIGNATURE_SHA1_HEADER};

use crate::error::Error;
use crate::secret::Secret;

/// The body limit when the caller gives none: 1 MiB (Meta batches up to 1000 updates).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1_048_576;

/// An incoming HTTP request, as the web framework received it. `Debug` shows names and
/// sizes only: query and header values may hold the verify token or a signature.
#[derive(Clone, Default)]
pub struct WebhookRequest<'a> {
    /// The HTTP method, any case (`GET`, `post`, …); surrounding blanks are ignored.
    pub method: String,
    /// The query parameters, names as given (`hub.mode`, …); a JS `string | string[]` becomes
    /// a `Vec`. For a repeated name, the first entry with a value wins, and its first value.
    pub query: Vec<(String, Vec<String>)>,
    /// The headers, names in any case; for an array value the first one is used.
    pub headers: Vec<(String, Vec<String>)>,
    /// The raw body bytes exactly as received (never re-serialised JSON). `None` = empty.
    pub body: Option<&'a [u8]>,
}

impl std::fmt::Debug for WebhookRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |list: &[(String, Vec<String>)]| list.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        f.debug_struct("WebhookRequest")
            .field("method", &self.method)
            .field("query", &names(&self.query))
            .field("headers", &names(&self.headers))
            .field("body_bytes", &self.body.map(<[u8]>::len))
            .finish()
    }
}

/// What the checks need. `Debug` never shows a secret.
#[derive(Debug, Clone)]
pub struct WebhookSecrets {
    /// The token you entered in Meta's dashboard; required for `GET`. Empty = absent.
    pub verify_token: Option<Secret>,
    /// App secrets for `POST` signatures; any one may match (rotation, Instagram vs Meta app
    /// secret). Empty strings are ignored.
    pub app_secrets: Vec<Secret>,
    /// Accept a `POST` without a signature header (local testing only). A request that does
    /// carry a signature is still checked when an app secret is given.
    pub allow_unsigned: bool,
    /// Largest accepted body, in bytes (pass [`DEFAULT_MAX_BODY_BYTES`] when JS gave none).
    pub max_body_bytes: usize,
}

impl Default for WebhookSecrets {
    fn default() -> Self {
        WebhookSecrets {
            verify_token: None,
            app_secrets: Vec::new(),
            allow_unsigned: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// The answer to give Meta, and what came with the request.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(type = "\
    /** A valid subscription check: answer 200 with `body` (`hub.challenge`) as `text/plain`. */
  | { kind: 'challenge'; status: 200; body: string }
  /** A valid delivery: answer 200 quickly (Meta retries slow answers), then handle `events`:
   * every item of every entry, in order (entries in order, and within one its `messaging[]`,
   * `standby[]`, then `changes[]` items). `object` is the payload's (`'instagram'`, `'page'`). */
  | { kind: 'events'; status: 200; object: string; events: WebhookEvent[] }
  /** A refused request: answer with `status`; `message` is a short explanation (no secrets). */
  | { kind: 'rejected'; status: 400 | 401 | 403 | 405 | 413; reason: RejectReason; message: string }")
)]
pub enum WebhookResult {
    /// A valid subscription check: answer 200 with `body` as plain text.
    Challenge {
        /// `hub.challenge`, to send back as is.
        body: String,
    },
    /// A valid delivery: answer 200 (quickly: Meta retries slow answers).
    Events {
        /// The payload's `object` (`"instagram"`, `"page"`).
        object: String,
        /// Every item, in order (see [`normalise`]).
        events: Vec<WebhookEvent>,
    },
    /// The request must be refused with `status`.
    Rejected {
        /// 400, 401, 403, 405 or 413 (see [`RejectReason::status`]).
        status: u16,
        /// Why, as a stable code.
        reason: RejectReason,
        /// A short human explanation; never holds a secret or the signature sent.
        message: String,
    },
}

impl WebhookResult {
    /// The HTTP status to answer with: 200 for a challenge or events.
    pub fn status(&self) -> u16 {
        match self {
            WebhookResult::Challenge { .. } | WebhookResult::Events { .. } => 200,
            WebhookResult::Rejected { status, .. } => *status,
        }
    }

    /// The result as JavaScript sees it, as JSON text (for `JSON.parse`): `kind` and `status`
    /// first, then the variant's fields; events as their `Serialize` gives them (absent
    /// fields omitted), `raw` as the parsed item. ASCII only: any other character is
    /// written as a `\uXXXX` escape.
    pub fn to_js_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Challenge<'a> {
            kind: &'static str,
            status: u16,
            body: &'a str,
        }
        #[derive(serde::Serialize)]
        struct Events<'a> {
            kind: &'static str,
            status: u16,
            object: &'a str,
            events: &'a [WebhookEvent],
        }
        #[derive(serde::Serialize)]
        struct Rejected<'a> {
            kind: &'static str,
            status: u16,
            reason: &'static str,
            message: &'a str,
        }
        let mut out = Vec::new();
        match self {
            WebhookResult::Challenge { body } => {
                normalise::write_json(&mut out, &Challenge { kind: "challenge", status: 200, body })
            }
            WebhookResult::Events { object, events } => {
                normalise::write_json(&mut out, &Events { kind: "events", status: 200, object, events })
            }
            WebhookResult::Rejected { status, reason, message } => normalise::write_json(
                &mut out,
                &Rejected { kind: "rejected", status: *status, reason: reason.as_str(), message },
            ),
        }
        // ASCII only; stay total all the same.
        String::from_utf8(out).unwrap_or_default()
    }

    fn rejected(reason: RejectReason, message: impl Into<String>) -> Self {
        WebhookResult::Rejected { status: reason.status(), reason, message: message.into() }
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectReason {
    /// 403: `hub.verify_token` is absent or not the configured verify token.
    VerifyTokenMismatch,
    /// 403: a `GET` that is not a subscription handshake (`hub.mode` not `subscribe`, or no
    /// `hub.challenge`).
    HandshakeInvalid,
    /// 401: a `POST` without `X-Hub-Signature-256` (nor the legacy `X-Hub-Signature`).
    SignatureMissing,
    /// 401: the signature is malformed or matches none of the app secrets.
    SignatureMismatch,
    /// 400: the body is not JSON, or not an object with a string `object` and an array `entry`.
    MalformedPayload,
    /// 413: the body is over `max_body_bytes`.
    PayloadTooLarge,
    /// 405: neither `GET` nor `POST`.
    MethodNotAllowed,
}

impl RejectReason {
    /// Every reason, in the order of API.md.
    pub const ALL: [RejectReason; 7] = [
        RejectReason::VerifyTokenMismatch,
        RejectReason::HandshakeInvalid,
        RejectReason::SignatureMissing,
        RejectReason::SignatureMismatch,
        RejectReason::MalformedPayload,
        RejectReason::PayloadTooLarge,
        RejectReason::MethodNotAllowed,
    ];

    /// The stable string JavaScript sees as `reason`.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::VerifyTokenMismatch => "VERIFY_TOKEN_MISMATCH",
            RejectReason::HandshakeInvalid => "HANDSHAKE_INVALID",
            RejectReason::SignatureMissing => "SIGNATURE_MISSING",
            RejectReason::SignatureMismatch => "SIGNATURE_MISMATCH",
            RejectReason::MalformedPayload => "MALFORMED_PAYLOAD",
            RejectReason::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            RejectReason::MethodNotAllowed => "METHOD_NOT_ALLOWED",
        }
    }

    /// The HTTP status that goes with the reason.
    pub fn status(self) -> u16 {
        match self {
            RejectReason::VerifyTokenMismatch | RejectReason::HandshakeInvalid => 403,
            RejectReason::SignatureMissing | RejectReason::SignatureMismatch => 401,
            RejectReason::MalformedPayload => 400,
            RejectReason::PayloadTooLarge => 413,
            RejectReason::MethodNotAllowed => 405,
        }
    }
}

impl std::fmt::Display for RejectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a webhook request and, for a delivery, normalises its events (see the module
/// documentation for the order of the checks).
///
/// # Errors
/// `INVALID_ARGUMENT` when the secrets cannot check this request: a `GET` without a
/// `verify_token` (`secrets.verifyToken`), or a `POST` without a non-empty app secret and
/// without `allow_unsigned` (`secrets.appSecret`).
pub fn verify(request: &WebhookRequest, secrets: &WebhookSecrets) -> Result<WebhookResult, Error> {
    let method = request.method.trim();
    if method.eq_ignore_ascii_case("GET") {
        handshake(request, secrets)
    } else if method.eq_ignore_ascii_case("POST") {
        delivery(request, secrets)
    } else {
        Ok(WebhookResult::rejected(
            RejectReason::MethodNotAllowed,
            "only GET (subscription check) and POST (event delivery) are accepted",
        ))
    }
}

fn handshake(request: &WebhookRequest, secrets: &WebhookSecrets) -> Result<WebhookResult, Error> {
    let token =
        secrets.verify_token.as_ref().filter(|t| !t.is_empty()).ok_or_else(|| {
            Error::invalid("secrets.verifyToken", "is required to answer Meta's GET subscription check")
        })?;
    let mode = query_value(&request.query, "hub.mode");
    let challenge = query_value(&request.query, "hub.challenge").filter(|c| !c.is_empty());
    let Some(challenge) = challenge.filter(|_| mode == Some("subscribe")) else {
        return Ok(WebhookResult::rejected(
            RejectReason::HandshakeInvalid,
            "not a subscription handshake: expected hub.mode=subscribe and a hub.challenge",
        ));
    };
    let given = query_value(&request.query, "hub.verify_token");
    if !given.is_some_and(|g| signature::verify_token_matches(g, token)) {
        return Ok(WebhookResult::rejected(
            RejectReason::VerifyTokenMismatch,
            "hub.verify_token does not match the configured verify token",
        ));
    }
    Ok(WebhookResult::Challenge { body: challenge.to_owned() })
}

/// The first value of the first query parameter called exactly `name` that has one.
fn query_value<'r>(query: &'r [(String, Vec<String>)], name: &str) -> Option<&'r str> {
    query.iter().filter(|(n, _)| n == name).find_map(|(_, values)| values.first()).map(String::as_str)
}

fn delivery(request: &WebhookRequest, secrets: &WebhookSecrets) -> Result<WebhookResult, Error> {
    if let Some(refused) = delivery_checks(request, secrets)? {
        return Ok(refused);
    }
    let body = request.body.unwrap_or(&[]);
    match normalise(body) {
        Ok(Payload { object, events }) => Ok(WebhookResult::Events { object, events }),
        Err(Malformed(message)) => Ok(WebhookResult::rejected(RejectReason::MalformedPayload, message)),
    }
}

/// The checks of a delivery before its body is parsed: `Some` when it must be refused.
fn delivery_checks(request: &WebhookRequest, secrets: &WebhookSecrets) -> Result<Option<WebhookResult>, Error> {
    let app_secrets: Vec<&Secret> = secrets.app_secrets.iter().filter(|s| !s.is_empty()).collect();
    if app_secrets.is_empty() && !secrets.allow_unsigned {
        return Err(Error::invalid(
            "secrets.appSecret",
            "is required to check the signature of POST deliveries (allowUnsigned: true only for local testing)",
        ));
    }

    let body = request.body.unwrap_or(&[]);
    if body.len() > secrets.max_body_bytes {
        return Ok(Some(WebhookResult::rejected(
            RejectReason::PayloadTooLarge,
            format!("the body is {} bytes, over the limit of {} bytes", body.len(), secrets.max_body_bytes),
        )));
    }

    match signature::find(&request.headers) {
        None if !secrets.allow_unsigned => {
            return Ok(Some(WebhookResult::rejected(
                RejectReason::SignatureMissing,
                "no X-Hub-Signature-256 header: the request is not signed by Meta",
            )));
        }
        None => {}
        Some(sig) if !app_secrets.is_empty() && !sig.matches(body, &app_secrets) => {
            return Ok(Some(WebhookResult::rejected(
                RejectReason::SignatureMismatch,
                format!(
                    "the {} signature does not match the body for any configured app secret (check the secret, and pass the raw body bytes, not re-serialised JSON)",
                    sig.algorithm.header_name()
                ),
            )));
        }
        Some(_) => {}
    }

    Ok(None)
}

/// [`verify`], with the result as the JSON text of the JavaScript `WebhookResult` (see
/// [`WebhookResult::to_js_json`]): for a delivery, the events are written as they are
/// normalised, never copied into a [`WebhookResult`] first.
///
/// # Errors
/// As [`verify`].
pub fn verify_to_js_json(request: &WebhookRequest, secrets: &WebhookSecrets) -> Result<String, Error> {
    if !request.method.trim().eq_ignore_ascii_case("POST") {
        return verify(request, secrets).map(|r| r.to_js_json());
    }
    if let Some(refused) = delivery_checks(request, secrets)? {
        return Ok(refused.to_js_json());
    }
    match normalise::normalise_to_js_json(request.body.unwrap_or(&[])) {
        Ok(json) => Ok(json),
        Err(Malformed(message)) => Ok(WebhookResult::rejected(RejectReason::MalformedPayload, message).to_js_json()),
    }
}
