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
mod result;
mod signature;
mod surrogates;

#[cfg(test)]
mod tests;

pub use event::{
    Attachment, Comment, EventType, Postback, Reaction, ReactionAction, Referral, ReplyTo, Route, WebhookEvent,
};
pub use input::{OneOrMany, SecretsInput};
pub use json::Json;
pub use normalise::{normalise, Malformed, Payload};
pub use request::{string_pairs, RequestInput};
pub use result::{RejectReason, WebhookResult};
pub use signature::{SIGNATURE_256_HEADER, SIGNATURE_SHA1_HEADER};
pub use surrogates::mend_lone_surrogates;

use crate::error::Error;
use crate::secret::Secret;

/// The query parameters the handshake reads; every other one is ignored.
pub const QUERY_NAMES: [&str; 3] = ["hub.mode", "hub.verify_token", "hub.challenge"];

/// True when [`verify`] reads the query parameter `name` (exact case, as Meta sends it): a
/// caller may leave every other parameter out of [`WebhookRequest::query`].
pub fn reads_query_name(name: &str) -> bool {
    QUERY_NAMES.contains(&name)
}

/// True when [`verify`] reads the header `name` (any case, surrounding blanks ignored): a
/// caller may leave every other header out of [`WebhookRequest::headers`].
pub fn reads_header_name(name: &str) -> bool {
    let name = name.trim();
    [SIGNATURE_256_HEADER, SIGNATURE_SHA1_HEADER].iter().any(|h| name.eq_ignore_ascii_case(h))
}

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

/// Checks a webhook request and, for a delivery, normalises its events (see the module
/// documentation for the order of the checks).
///
/// # Errors
/// `INVALID_ARGUMENT` when the secrets cannot check this request: a `GET` without a
/// `verify_token` (`secrets.verifyToken`), or a `POST` without a non-empty app secret and
/// without `allow_unsigned` (`secrets.appSecret`).
pub fn verify<'a>(request: &WebhookRequest<'a>, secrets: &WebhookSecrets) -> Result<WebhookResult<'a>, Error> {
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

fn handshake(request: &WebhookRequest, secrets: &WebhookSecrets) -> Result<WebhookResult<'static>, Error> {
    let token =
        secrets.verify_token.as_ref().filter(|t| !t.is_empty()).ok_or_else(|| {
            Error::invalid("secrets.verifyToken", "is required to answer Meta's GET subscription check")
        })?;
    let [mode, verify_token, challenge] = QUERY_NAMES;
    let mode = query_value(&request.query, mode);
    let challenge = query_value(&request.query, challenge).filter(|c| !c.is_empty());
    let Some(challenge) = challenge.filter(|_| mode == Some("subscribe")) else {
        return Ok(WebhookResult::rejected(
            RejectReason::HandshakeInvalid,
            "not a subscription handshake: expected hub.mode=subscribe and a hub.challenge",
        ));
    };
    let given = query_value(&request.query, verify_token);
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

fn delivery<'a>(request: &WebhookRequest<'a>, secrets: &WebhookSecrets) -> Result<WebhookResult<'a>, Error> {
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
fn delivery_checks(
    request: &WebhookRequest,
    secrets: &WebhookSecrets,
) -> Result<Option<WebhookResult<'static>>, Error> {
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
/// [`WebhookResult::to_js_json`]). The text is written into the buffer last given back to
/// [`recycle_js_json`], if any.
///
/// # Errors
/// As [`verify`].
pub fn verify_to_js_json(request: &WebhookRequest, secrets: &WebhookSecrets) -> Result<String, Error> {
    let result = verify(request, secrets)?;
    // Events hold every item and its fields, with `\uXXXX` escapes: about 2.2 times the body
    // (Meta-style deliveries); a little more, so that the buffer is not grown near its end.
    let capacity = match result {
        WebhookResult::Events { .. } => request.body.map_or(0, <[u8]>::len).saturating_mul(5) / 2,
        _ => 0,
    };
    let mut buf = spare::take();
    buf.reserve(capacity.saturating_add(256));
    Ok(result.to_js_json_into(buf))
}

/// Gives back a text made by [`verify_to_js_json`] once its caller is done with it, so that
/// the next call writes into the same memory. A large result (a 1,000-item delivery gives a
/// megabyte of text) would otherwise take a fresh allocation every time, which the allocator
/// serves with fresh pages (mapped, zeroed and faulted in) and unmaps again on free.
pub fn recycle_js_json(text: String) {
    spare::give(text.into_bytes());
}

/// One spare output buffer, shared by every thread (the sync export runs on the JavaScript
/// thread, the async one on the runtime's). Never waits: a busy slot means a fresh buffer.
mod spare {
    use std::sync::Mutex;

    /// Buffers larger than this are freed, not kept: the most memory the slot ever holds.
    const KEEP_AT_MOST: usize = 4 << 20;

    static SLOT: Mutex<Vec<u8>> = Mutex::new(Vec::new());

    pub(super) fn take() -> Vec<u8> {
        SLOT.try_lock().map(|mut slot| std::mem::take(&mut *slot)).unwrap_or_default()
    }

    pub(super) fn give(mut buf: Vec<u8>) {
        if buf.capacity() > KEEP_AT_MOST {
            return;
        }
        buf.clear();
        if let Ok(mut slot) = SLOT.try_lock() {
            if slot.capacity() < buf.capacity() {
                *slot = buf;
            }
        }
    }
}
