//! [`WebhookResult`]: the answer to give Meta, and the JSON text JavaScript gets for it.
//!
//! There is one way to the JavaScript result: the `Serialize` impl below (`kind`, `status`,
//! then the variant's fields; events as their own `Serialize` gives them), written by
//! [`WebhookResult::to_js_json`] as ASCII-only JSON text.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use super::event::WebhookEvent;

/// The answer to give Meta, and what came with the request. A delivery's events borrow
/// from the request's body.
///
/// In JavaScript: `'challenge'`, a valid subscription check (answer 200 with `body`, the
/// `hub.challenge`, as `text/plain`); `'events'`, a valid delivery (answer 200 quickly, as
/// Meta retries slow answers, then handle `events`: every item of every entry, in order,
/// and within one entry its `messaging[]`, `standby[]`, then `changes[]` items; `object` is
/// the payload's, `'instagram'` or `'page'`); `'rejected'`, a refused request (answer with
/// `status`; `message` is a short explanation without secrets).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    test,
    derive(ts_rs::TS),
    ts(type = "
  | { kind: 'challenge'; status: 200; body: string }
  | { kind: 'events'; status: 200; object: string; events: WebhookEvent[] }
  | { kind: 'rejected'; status: 400 | 401 | 403 | 405 | 413; reason: RejectReason; message: string }")
)]
pub enum WebhookResult<'a> {
    /// A valid subscription check: answer 200 with `body` as plain text.
    Challenge {
        /// `hub.challenge`, to send back as is.
        body: String,
    },
    /// A valid delivery: answer 200 (quickly: Meta retries slow answers).
    Events {
        /// The payload's `object` (`"instagram"`, `"page"`).
        object: Cow<'a, str>,
        /// Every item, in order (see [`super::normalise`]).
        events: Vec<WebhookEvent<'a>>,
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

impl WebhookResult<'_> {
    /// The HTTP status to answer with: 200 for a challenge or events.
    pub fn status(&self) -> u16 {
        match self {
            WebhookResult::Challenge { .. } | WebhookResult::Events { .. } => 200,
            WebhookResult::Rejected { status, .. } => *status,
        }
    }

    /// The result as JavaScript sees it, as JSON text (for `JSON.parse`): its `Serialize`
    /// output. ASCII only: any other character is written as a `\uXXXX` escape.
    pub fn to_js_json(&self) -> String {
        self.to_js_json_into(Vec::with_capacity(256))
    }

    /// [`WebhookResult::to_js_json`] written into `out` (emptied first), keeping its memory.
    pub(crate) fn to_js_json_into(&self, mut out: Vec<u8>) -> String {
        out.clear();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, AsciiFormatter);
        // Serialising these types into a Vec cannot fail (string keys, no I/O); the text is
        // ASCII: stay total all the same.
        match self.serialize(&mut ser) {
            Ok(()) => String::from_utf8(out).unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    pub(crate) fn rejected(reason: RejectReason, message: impl Into<String>) -> Self {
        WebhookResult::Rejected { status: reason.status(), reason, message: message.into() }
    }
}

/// The JavaScript `WebhookResult`: `{kind, status, …}` (see the shapes below).
impl Serialize for WebhookResult<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            WebhookResult::Challenge { body } => ChallengeResult { kind: "challenge", status: 200, body }.serialize(s),
            WebhookResult::Events { object, events } => {
                EventsResult { kind: "events", status: 200, object, events }.serialize(s)
            }
            WebhookResult::Rejected { status, reason, message } => {
                RejectedResult { kind: "rejected", status: *status, reason: *reason, message }.serialize(s)
            }
        }
    }
}

/// A valid subscription check, as JavaScript gets it.
#[derive(Serialize)]
struct ChallengeResult<'r> {
    /// `'challenge'`.
    kind: &'static str,
    /// 200.
    status: u16,
    /// `hub.challenge`, to answer with as `text/plain`.
    body: &'r str,
}

/// A valid delivery, as JavaScript gets it.
#[derive(Serialize)]
struct EventsResult<'r, 'a> {
    /// `'events'`.
    kind: &'static str,
    /// 200.
    status: u16,
    /// The payload's `object` (`'instagram'`, `'page'`).
    object: &'r str,
    /// Every item of every entry, in order.
    events: &'r [WebhookEvent<'a>],
}

/// A refused request, as JavaScript gets it.
#[derive(Serialize)]
struct RejectedResult<'r> {
    /// `'rejected'`.
    kind: &'static str,
    /// The HTTP status to answer with: 400, 401, 403, 405 or 413.
    status: u16,
    /// Why, as a stable code.
    reason: RejectReason,
    /// A short explanation (no secrets).
    message: &'r str,
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

/// Serialises as [`RejectReason::as_str`].
impl Serialize for RejectReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// serde_json's compact formatter, every character above ASCII written as a `\uXXXX` escape
/// (UTF-16 units, as JSON has them): the whole text is ASCII, which JavaScript takes in as a
/// one-byte string (no UTF-8 decoding, and a faster `JSON.parse` than over a two-byte
/// string), giving the very same values.
struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        if fragment.is_ascii() {
            return w.write_all(fragment.as_bytes());
        }
        let mut rest = fragment;
        // Bytes, not chars: a non-ASCII byte starts (or continues) a non-ASCII character.
        while let Some(i) = rest.bytes().position(|b| !b.is_ascii()) {
            w.write_all(&rest.as_bytes()[..i])?;
            let c = rest[i..].chars().next().unwrap_or_default();
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let [hi, lo] = unit.to_be_bytes();
                let digit = |n: u8| HEX[usize::from(n & 0xf)];
                w.write_all(&[b'\\', b'u', digit(hi >> 4), digit(hi), digit(lo >> 4), digit(lo)])?;
            }
            rest = &rest[i + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
}
