//! `preAuthenticate` driven by arbitrary server answers (issue #10, finding 5): whatever a
//! server sends back to an exchange or a refresh, the result is never an empty, unusable or
//! already expired token, and a stored token that is still valid is never lost (only
//! Meta's own "this token is dead" answer, Graph 190, ends it). Each case answers over a
//! real loopback HTTP exchange, so the whole path runs: the Graph client, the parsers, the
//! grant checks and the hook's decisions.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use proptest::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::policy::{CredentialInput, TokenPolicy, TokenState};
use super::preauth::{pre_authenticate, PreAuthAction};
use crate::error::ErrorCode;
use crate::graph::{CallOptions, CallOptionsInput};
use crate::secret::Secret;
use crate::time::TimeInput;

const DAY: i64 = 86_400_000;
const NOW: i64 = 1_795_867_200_000;

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap());
static CASE: AtomicUsize = AtomicUsize::new(0);

/// Serves one canned answer to every request on a fresh loopback port; returns its URL.
async fn serve(status: u16, content_type: &'static str, body: Vec<u8>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let body = body.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    url
}

/// Token-answer bodies: well-formed grants with hostile values, Graph errors, and junk.
fn any_body() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(serde_json::json!("IGAAgoodFreshToken0123456789")),
        Just(serde_json::json!("")),
        Just(serde_json::json!("   ")),
        Just(serde_json::json!(null)),
        Just(serde_json::json!(42)),
        "[ -~]{0,40}".prop_map(serde_json::Value::from),
        "\\PC{0,20}".prop_map(serde_json::Value::from),
    ];
    let expires = prop_oneof![
        Just(serde_json::json!(5_183_944)),
        (-10i64..1_000).prop_map(serde_json::Value::from),
        (0u64..u64::MAX).prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)),
        Just(serde_json::json!("5183944")),
        Just(serde_json::Value::Null),
    ];
    let grant = (token, expires, any::<bool>()).prop_map(|(t, e, with_expiry)| {
        let mut m = serde_json::Map::new();
        m.insert("access_token".into(), t);
        m.insert("token_type".into(), "bearer".into());
        if with_expiry {
            m.insert("expires_in".into(), e);
        }
        serde_json::to_vec(&m).unwrap()
    });
    let graph_error = (
        prop_oneof![Just(190i64), Just(4), Just(2), Just(100), Just(10), any::<i64>()],
        proptest::option::of(any::<i64>()),
    )
        .prop_map(|(code, sub)| {
            serde_json::to_vec(&serde_json::json!({"error": {"message": "x", "code": code, "error_subcode": sub}}))
                .unwrap()
        });
    prop_oneof![4 => grant, 2 => graph_error, 1 => proptest::collection::vec(any::<u8>(), 0..64)]
}

fn any_status() -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => Just(200u16),
        1 => prop::sample::select(vec![400u16, 401, 429, 500, 503, 302]),
        1 => 100u16..600,
    ]
}

/// A credential whose stored token is valid and due for a refresh, or one with a new OAuth
/// token to exchange (with or without a still-valid stored token).
#[derive(Debug, Clone, Copy)]
enum Flow {
    Refresh,
    ExchangeOverValid,
    ExchangeFirst,
}

fn credential(flow: Flow, case: usize) -> TokenState {
    let stored = Some(Secret::new(format!("IGAAstored{case}x0123456789")));
    let input = CredentialInput {
        access_token: stored.clone().filter(|_| !matches!(flow, Flow::ExchangeFirst)),
        access_token_expires_at: Some(TimeInput::Number((NOW + 3 * DAY) as f64)),
        access_token_issued_at: Some(TimeInput::Number((NOW - 57 * DAY) as f64)),
        oauth_access_token: (!matches!(flow, Flow::Refresh))
            .then(|| Secret::new(format!("IGAAoauth{case}x0123456789"))),
        client_secret: Some(Secret::new("answer-proptest-client-secret")),
        ..CredentialInput::default()
    };
    TokenState::from_input(&input).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn any_answer_keeps_the_guarantees(
        status in any_status(),
        body in any_body(),
        flow in prop_oneof![Just(Flow::Refresh), Just(Flow::ExchangeOverValid), Just(Flow::ExchangeFirst)],
        skew_min in 0i64..120,
    ) {
        let case = CASE.fetch_add(1, Ordering::Relaxed);
        let state = credential(flow, case);
        let policy = TokenPolicy { expiry_skew_ms: skew_min * 60_000, ..TokenPolicy::default() };
        let stored_valid = state.stored_is_valid(&policy, NOW);
        let stored_expires_at = state.expires_at;
        let stored = state.stored.clone();
        let result = RUNTIME.block_on(async {
            let url = serve(status, "application/json", body).await;
            let input = CallOptionsInput { instagram_url: Some(url.clone()), facebook_url: Some(url), max_retries: Some(0.0), timeout_ms: Some(5_000.0), now: Some(NOW as f64), ..Default::default() };
            pre_authenticate(state, policy, CallOptions::from_input(&input).unwrap()).await
        });
        match result {
            Ok(r) => {
                let token = r.access_token.expose();
                prop_assert!(crate::secret::is_header_token(token), "unusable token returned");
                if let Some(at) = r.access_token_expires_at {
                    prop_assert!(NOW < at - policy.expiry_skew_ms, "an already expired token returned: {:?}", r.action);
                }
                match r.action {
                    PreAuthAction::Kept | PreAuthAction::None => prop_assert_eq!(Some(&r.access_token), stored.as_ref()),
                    PreAuthAction::Refreshed => prop_assert!(r.access_token_expires_at >= stored_expires_at, "a refresh shortened the token's life"),
                    PreAuthAction::Exchanged => {}
                }
            }
            Err(e) => {
                // A valid stored token is lost only when Meta says it is dead (Graph 190).
                if stored_valid && matches!(flow, Flow::Refresh | Flow::ExchangeOverValid) {
                    prop_assert!(
                        matches!(flow, Flow::Refresh) && matches!(e.code(), ErrorCode::TokenExpired | ErrorCode::TokenInvalid),
                        "a valid stored token was lost: {}", e.code()
                    );
                }
            }
        }
    }
}
