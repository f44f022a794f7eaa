//! The Graph answer parsers on arbitrary answers: `interpret` (into a JSON value and into a
//! typed body with ID fields), `parse_graph_error`, `parse_usage`. Checks: no panic; a Graph
//! error body always wins over the status; 2xx without a Graph error never comes out as a
//! status error; a token in the body never reaches an error's message.
#![no_main]

use instagram_native::error::{Error, ErrorCode};
use instagram_native::graph::{interpret, opt_id_string, parse_graph_error, parse_usage, RawResponse};
use instagram_native::secret::Secret;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<String>,
    app_usage: Option<String>,
    business_usage: Option<String>,
    now_ms: i64,
    body: Vec<u8>,
}

#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)]
struct Typed {
    #[serde(default, deserialize_with = "opt_id_string")]
    recipient_id: Option<String>,
    message_id: Option<String>,
    expires_in: Option<u64>,
}

const TOKEN: &str = "IGAAfuzzSecretToken0123456789";

fuzz_target!(|input: Input| {
    let raw = RawResponse {
        status: input.status,
        content_type: input.content_type,
        retry_after: input.retry_after,
        app_usage: input.app_usage,
        business_usage: input.business_usage,
        body: input.body,
    };
    let secret = Secret::new(TOKEN);
    let _ = parse_usage(raw.app_usage.as_deref(), raw.business_usage.as_deref());
    let graph = parse_graph_error(&raw.body, &[&secret]);
    let check = |r: Result<(), Error>| {
        let Err(e) = r else { return };
        let text = e.to_string();
        assert!(!text.contains(TOKEN), "a token in an error message: {text}");
        let _ = (e.code(), e.retryable(), e.http_status(), e.retry_after_ms());
        if graph.is_some() {
            assert!(matches!(e, Error::Graph { .. }), "a Graph error body must win: {e:?}");
        } else if (200..300).contains(&raw.status) {
            assert!(matches!(e, Error::BadResponse { .. }), "2xx without a Graph error: {e:?}");
        }
        if let Error::Status { code, http_status, .. } = &e {
            assert!(*http_status == 429 || (500..600).contains(http_status));
            assert!(matches!(code, ErrorCode::RateLimited | ErrorCode::GraphTransient));
        }
    };
    check(interpret::<serde_json::Value>(&raw, input.now_ms, &[&secret]).map(|_| ()));
    check(interpret::<Typed>(&raw, input.now_ms, &[&secret]).map(|_| ()));
});
