//! The one error type of the core, with a stable code per failure kind.
//!
//! Three families, kept apart as in every good HTTP client: the caller's mistake
//! ([`Error::InvalidArgument`]), the server saying no ([`Error::Graph`] and
//! [`Error::Status`]), and the exchange itself failing ([`Error::Transport`],
//! [`Error::BadResponse`]). No variant ever holds a secret: messages are built from
//! field names, numbers and server text that has been passed through a redactor.

use std::fmt;

use crate::messaging::PartialSend;

/// The stable strings that reach JavaScript as `err.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidArgument,
    TokenExpired,
    TokenInvalid,
    PermissionDenied,
    OutsideMessagingWindow,
    RecipientUnavailable,
    RateLimited,
    GraphTransient,
    GraphError,
    Network,
    Timeout,
    BadResponse,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 12] = [
        ErrorCode::InvalidArgument,
        ErrorCode::TokenExpired,
        ErrorCode::TokenInvalid,
        ErrorCode::PermissionDenied,
        ErrorCode::OutsideMessagingWindow,
        ErrorCode::RecipientUnavailable,
        ErrorCode::RateLimited,
        ErrorCode::GraphTransient,
        ErrorCode::GraphError,
        ErrorCode::Network,
        ErrorCode::Timeout,
        ErrorCode::BadResponse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ErrorCode::TokenInvalid => "TOKEN_INVALID",
            ErrorCode::PermissionDenied => "PERMISSION_DENIED",
            ErrorCode::OutsideMessagingWindow => "OUTSIDE_MESSAGING_WINDOW",
            ErrorCode::RecipientUnavailable => "RECIPIENT_UNAVAILABLE",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::GraphTransient => "GRAPH_TRANSIENT",
            ErrorCode::GraphError => "GRAPH_ERROR",
            ErrorCode::Network => "NETWORK",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::BadResponse => "BAD_RESPONSE",
        }
    }

    /// True when the condition is temporary (API.md: rate limits, transient Graph
    /// errors, network failures and timeouts).
    pub fn retryable(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::GraphTransient | ErrorCode::Network | ErrorCode::Timeout)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Meta's error object (`{"error":{…}}`), as parsed from a response body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphErrorInfo {
    pub message: String,
    pub kind: Option<String>,
    pub code: i64,
    pub subcode: Option<i64>,
    pub fbtrace_id: Option<String>,
    pub is_transient: bool,
    pub user_title: Option<String>,
    pub user_message: Option<String>,
}

/// How a request failed on the way, before a complete answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// DNS, TCP connect or TLS handshake failed: nothing was sent.
    Connect,
    /// The connection broke after the request was (or may have been) written.
    Interrupted,
    /// No complete answer within the time limit.
    Timeout,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The caller's input is wrong; raised before any network call.
    #[error("{field}: {problem}")]
    InvalidArgument { field: String, problem: String },

    /// The stored expiry has passed (a local decision, no request made).
    #[error("{message}")]
    TokenExpired { message: String },

    /// Meta answered with a Graph error object.
    #[error("{}", graph_message(.code, .info, .http_status))]
    Graph { code: ErrorCode, info: Box<GraphErrorInfo>, http_status: u16, retry_after_ms: Option<u64> },

    /// Meta (or a proxy) answered with an error status and no Graph error body.
    #[error("HTTP {http_status} without a Graph error body{}", content_hint(.content_type))]
    Status { code: ErrorCode, http_status: u16, content_type: Option<String>, retry_after_ms: Option<u64> },

    /// The exchange failed in transit.
    #[error("{detail}")]
    Transport { kind: TransportKind, detail: String },

    /// Meta answered 2xx without an error object but said the action was not done
    /// (`{"success": false}`): `GRAPH_ERROR` without a Graph code, not retried.
    #[error("Meta answered {detail}: the action was not done")]
    Unsuccessful { detail: String },

    /// The server answered something that is not the documented shape.
    #[error("unexpected response{}: {detail}", status_hint(.http_status))]
    BadResponse { http_status: Option<u16>, detail: String },

    /// One part of a `splitLongText` send failed: that part's error (its code, Graph fields and
    /// all), with what was sent before it. The parts after it were not sent.
    #[error("{source} (split text: part {} of {} failed, the {} before it sent, none after it)", .partial.failed_index + 1, .partial.parts.len(), .partial.sent.len())]
    PartialSend { source: Box<Error>, partial: Box<PartialSend> },

    /// Client-side pacing would have waited longer than `pacingMaxWaitMs`: `RATE_LIMITED`,
    /// and the request was not sent. `retry_after_ms` is the wait still ahead, when known.
    #[error("not sent: {detail}")]
    PacingWait { retry_after_ms: Option<u64>, detail: String },
}

fn graph_message(code: &ErrorCode, info: &GraphErrorInfo, status: &u16) -> String {
    let sub = info.subcode.map(|s| format!("/{s}")).unwrap_or_default();
    let advice = match code {
        ErrorCode::TokenExpired => "the access token has expired: reconnect the Instagram credential. ",
        ErrorCode::TokenInvalid => "the access token is not valid: reconnect the Instagram credential. ",
        ErrorCode::OutsideMessagingWindow => {
            "outside the allowed messaging window: the user must message first (24 h), or use the HUMAN_AGENT tag (7 days). "
        }
        _ => "",
    };
    format!("Graph error {}{sub} (HTTP {status}): {advice}{}", info.code, info.message)
}

fn content_hint(ct: &Option<String>) -> String {
    ct.as_deref().map(|c| format!(" ({c})")).unwrap_or_default()
}

fn status_hint(status: &Option<u16>) -> String {
    status.map(|s| format!(" (HTTP {s})")).unwrap_or_default()
}

impl Error {
    pub fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::InvalidArgument { field: field.into(), problem: problem.into() }
    }

    pub fn bad_response(http_status: Option<u16>, detail: impl Into<String>) -> Self {
        Error::BadResponse { http_status, detail: detail.into() }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Error::TokenExpired { .. } => ErrorCode::TokenExpired,
            Error::Graph { code, .. } | Error::Status { code, .. } => *code,
            Error::Unsuccessful { .. } => ErrorCode::GraphError,
            Error::Transport { kind: TransportKind::Timeout, .. } => ErrorCode::Timeout,
            Error::Transport { .. } => ErrorCode::Network,
            Error::BadResponse { .. } => ErrorCode::BadResponse,
            Error::PartialSend { source, .. } => source.code(),
            Error::PacingWait { .. } => ErrorCode::RateLimited,
        }
    }

    pub fn retryable(&self) -> bool {
        self.code().retryable()
    }

    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Graph { http_status, .. } | Error::Status { http_status, .. } => Some(*http_status),
            Error::BadResponse { http_status, .. } => *http_status,
            Error::PartialSend { source, .. } => source.http_status(),
            _ => None,
        }
    }

    pub fn graph(&self) -> Option<&GraphErrorInfo> {
        match self {
            Error::Graph { info, .. } => Some(info),
            Error::PartialSend { source, .. } => source.graph(),
            _ => None,
        }
    }

    pub fn retry_after_ms(&self) -> Option<u64> {
        match self {
            Error::Graph { retry_after_ms, .. }
            | Error::Status { retry_after_ms, .. }
            | Error::PacingWait { retry_after_ms, .. } => *retry_after_ms,
            Error::PartialSend { source, .. } => source.retry_after_ms(),
            _ => None,
        }
    }

    /// What a split send had done when it failed, if this is such a failure.
    pub fn partial(&self) -> Option<&PartialSend> {
        match self {
            Error::PartialSend { partial, .. } => Some(partial),
            _ => None,
        }
    }

    /// Whether a write may have been carried out although it failed: after a timeout, a
    /// connection lost after the request was (or may have been) written, a bare HTTP 5xx (a
    /// proxy may have passed the request on), or a 2xx answer that did not parse (Meta
    /// answered success). False when nothing was sent (a connect failure, a check before the
    /// network) or Meta answered with an error (a Graph error object, another bare status).
    pub fn may_have_been_delivered(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => *kind != TransportKind::Connect,
            Error::Status { http_status, .. } => *http_status >= 500,
            Error::BadResponse { http_status, .. } => http_status.is_some_and(|s| (200..300).contains(&s)),
            Error::PartialSend { source, .. } => source.may_have_been_delivered(),
            _ => false,
        }
    }

    /// The properties API.md's `InstagramError` has besides `message`.
    pub fn properties(&self) -> ErrorProperties<'_> {
        let graph = self.graph();
        ErrorProperties {
            code: self.code().as_str(),
            retryable: self.retryable(),
            http_status: self.http_status(),
            graph_code: graph.map(|g| g.code),
            graph_subcode: graph.and_then(|g| g.subcode),
            graph_type: graph.and_then(|g| g.kind.as_deref()),
            fbtrace_id: graph.and_then(|g| g.fbtrace_id.as_deref()),
            user_title: graph.and_then(|g| g.user_title.as_deref()),
            user_message: graph.and_then(|g| g.user_message.as_deref()),
            retry_after_ms: self.retry_after_ms(),
            partial: self.partial(),
        }
    }

    /// Prefixes the field path of an `InvalidArgument` (`title` → `message.quickReplies[2].title`).
    pub fn within(self, prefix: &str) -> Self {
        match self {
            Error::InvalidArgument { field, problem } if !prefix.is_empty() => {
                let field = if field.is_empty() {
                    prefix.to_string()
                } else if field.starts_with('[') {
                    format!("{prefix}{field}")
                } else {
                    format!("{prefix}.{field}")
                };
                Error::InvalidArgument { field, problem }
            }
            other => other,
        }
    }
}

/// Maps a Graph error object to its stable code (API.md's table), by numbers only:
/// graph.instagram.com localizes the message text.
pub fn classify_graph(code: i64, subcode: Option<i64>, is_transient: bool) -> ErrorCode {
    match (code, subcode) {
        (190, Some(463)) => ErrorCode::TokenExpired,
        (190, _) => ErrorCode::TokenInvalid,
        (10, Some(2534022 | 2018278)) => ErrorCode::OutsideMessagingWindow,
        (551, _) | (100, Some(2018001 | 2534014)) | (200, Some(2534041)) => ErrorCode::RecipientUnavailable,
        (4 | 17 | 32 | 341 | 613 | 80001..=80006, _) => ErrorCode::RateLimited,
        (1 | 2, _) => ErrorCode::GraphTransient,
        _ if is_transient => ErrorCode::GraphTransient,
        (10 | 200..=299 | 368, _) => ErrorCode::PermissionDenied,
        _ => ErrorCode::GraphError,
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table() {
        let rows: &[(i64, Option<i64>, bool, ErrorCode)] = &[
            (190, Some(463), false, ErrorCode::TokenExpired),
            (190, Some(458), false, ErrorCode::TokenInvalid),
            (190, Some(460), false, ErrorCode::TokenInvalid),
            (190, Some(464), false, ErrorCode::TokenInvalid),
            (190, Some(467), false, ErrorCode::TokenInvalid),
            (190, Some(492), false, ErrorCode::TokenInvalid),
            (190, None, false, ErrorCode::TokenInvalid),
            (10, None, false, ErrorCode::PermissionDenied),
            (200, None, false, ErrorCode::PermissionDenied),
            (299, None, false, ErrorCode::PermissionDenied),
            (368, None, false, ErrorCode::PermissionDenied),
            (10, Some(2534022), false, ErrorCode::OutsideMessagingWindow),
            (10, Some(2018278), false, ErrorCode::OutsideMessagingWindow),
            (551, None, false, ErrorCode::RecipientUnavailable),
            (551, Some(1545041), false, ErrorCode::RecipientUnavailable),
            (100, Some(2018001), false, ErrorCode::RecipientUnavailable),
            (100, Some(2534014), false, ErrorCode::RecipientUnavailable),
            (200, Some(2534041), false, ErrorCode::RecipientUnavailable),
            (4, None, false, ErrorCode::RateLimited),
            (17, None, false, ErrorCode::RateLimited),
            (32, None, false, ErrorCode::RateLimited),
            (341, None, false, ErrorCode::RateLimited),
            (613, Some(2534040), false, ErrorCode::RateLimited),
            (80001, None, false, ErrorCode::RateLimited),
            (80002, None, false, ErrorCode::RateLimited),
            (80006, None, false, ErrorCode::RateLimited),
            (1, None, false, ErrorCode::GraphTransient),
            (2, None, false, ErrorCode::GraphTransient),
            (100, None, true, ErrorCode::GraphTransient),
            (100, None, false, ErrorCode::GraphError),
            (100, Some(2534025), false, ErrorCode::GraphError),
            (-1, Some(2534023), false, ErrorCode::GraphError),
        ];
        for &(code, sub, transient, want) in rows {
            assert_eq!(classify_graph(code, sub, transient), want, "code {code} sub {sub:?}");
        }
    }

    #[test]
    fn retryable_codes() {
        let retryable: Vec<_> = ErrorCode::ALL.iter().filter(|c| c.retryable()).map(|c| c.as_str()).collect();
        assert_eq!(retryable, ["RATE_LIMITED", "GRAPH_TRANSIENT", "NETWORK", "TIMEOUT"]);
    }

    #[test]
    fn a_partial_send_is_its_part_error_with_partial() {
        use crate::messaging::SentPart;
        let info = GraphErrorInfo { code: 4, fbtrace_id: Some("TrAcE".into()), ..Default::default() };
        let part = Error::Graph {
            code: ErrorCode::RateLimited,
            info: Box::new(info),
            http_status: 400,
            retry_after_ms: Some(1000),
        };
        let partial = PartialSend {
            parts: vec!["one".into(), "two".into(), "three".into()],
            sent: vec![SentPart { text: "one".into(), message_id: Some("m1".into()) }],
            failed_index: 1,
            failed_may_be_delivered: false,
        };
        let e = Error::PartialSend { source: Box::new(part), partial: Box::new(partial) };
        assert_eq!(e.code(), ErrorCode::RateLimited);
        assert!(e.retryable());
        let props = serde_json::to_value(e.properties()).unwrap();
        assert_eq!(
            props,
            serde_json::json!({
                "code": "RATE_LIMITED", "retryable": true, "httpStatus": 400, "graphCode": 4, "fbtraceId": "TrAcE",
                "retryAfterMs": 1000,
                "partial": {
                    "parts": ["one", "two", "three"],
                    "sent": [{ "text": "one", "messageId": "m1" }],
                    "failedIndex": 1,
                    "failedMayBeDelivered": false,
                },
            })
        );
        assert!(serde_json::to_value(Error::invalid("a", "b").properties()).unwrap().get("partial").is_none());
    }

    #[test]
    fn what_may_have_been_delivered() {
        let transport = |kind| Error::Transport { kind, detail: String::new() };
        let status = |http_status| Error::Status {
            code: ErrorCode::GraphTransient,
            http_status,
            content_type: None,
            retry_after_ms: None,
        };
        let graph =
            Error::Graph { code: ErrorCode::GraphError, info: Box::default(), http_status: 500, retry_after_ms: None };
        assert!(transport(TransportKind::Timeout).may_have_been_delivered());
        assert!(transport(TransportKind::Interrupted).may_have_been_delivered());
        assert!(!transport(TransportKind::Connect).may_have_been_delivered());
        assert!(status(500).may_have_been_delivered());
        assert!(status(503).may_have_been_delivered());
        assert!(!status(429).may_have_been_delivered());
        assert!(!graph.may_have_been_delivered(), "Meta answered with an error: not done");
        assert!(Error::bad_response(Some(200), "truncated JSON").may_have_been_delivered());
        assert!(!Error::bad_response(Some(404), "HTML").may_have_been_delivered());
        assert!(!Error::invalid("message.text", "too long").may_have_been_delivered());
    }

    #[test]
    fn field_paths_compose() {
        let e = Error::invalid("title", "at most 20 characters").within("quickReplies[2]").within("message");
        assert_eq!(e.to_string(), "message.quickReplies[2].title: at most 20 characters");
        let e = Error::invalid("[13]", "at most 13 quick replies").within("message.quickReplies");
        assert_eq!(e.to_string(), "message.quickReplies[13]: at most 13 quick replies");
    }
}

// Set on the JS `Error` by `binding::convert::js_error`; `src/dts.rs` declares it from this.
/// Every rejection of this package is an `Error` with these properties (the optional ones when known).
#[derive(Debug, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "InstagramError", optional_fields))]
pub struct ErrorProperties<'a> {
    #[cfg_attr(test, ts(type = "ErrorCode"))]
    pub code: &'static str,
    /// True for RATE_LIMITED, GRAPH_TRANSIENT, NETWORK and TIMEOUT.
    pub retryable: bool,
    /// The HTTP status of Meta's answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Meta's `error.code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_code: Option<i64>,
    /// Meta's `error.error_subcode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_subcode: Option<i64>,
    /// Meta's `error.type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_type: Option<&'a str>,
    /// Meta's `error.fbtrace_id`, for Meta's support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fbtrace_id: Option<&'a str>,
    /// Meta's `error_user_title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_title: Option<&'a str>,
    /// Meta's `error_user_msg`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_message: Option<&'a str>,
    /// From `Retry-After` or the usage headers, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    /// Only from a `splitLongText` send that failed at one part (the other properties are that
    /// part's): the parts, those Meta confirmed, and the one that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partial: Option<&'a PartialSend>,
}
