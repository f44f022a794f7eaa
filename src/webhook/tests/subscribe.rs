//! GET subscription checks, and methods other than GET/POST.

use super::{rejection, secrets};
use crate::error::ErrorCode;
use crate::secret::Secret;
use crate::webhook::{verify, WebhookRequest, WebhookResult, WebhookSecrets};

fn get(query: &[(&str, &[&str])]) -> WebhookRequest<'static> {
    WebhookRequest {
        method: "GET".into(),
        query: query.iter().map(|(n, vs)| (n.to_string(), vs.iter().map(|v| v.to_string()).collect())).collect(),
        headers: Vec::new(),
        body: None,
    }
}

fn check(query: &[(&str, &[&str])]) -> WebhookResult<'static> {
    verify(&get(query), &secrets(&[])).unwrap()
}

const GOOD: &[(&str, &[&str])] =
    &[("hub.mode", &["subscribe"]), ("hub.challenge", &["1158201444"]), ("hub.verify_token", &["verify-me-please"])];

#[test]
fn a_good_handshake_answers_the_challenge() {
    let result = check(GOOD);
    assert_eq!(result, WebhookResult::Challenge { body: "1158201444".into() });
    assert_eq!(result.status(), 200);
    for method in ["get", "Get", " GET "] {
        let mut request = get(GOOD);
        request.method = method.into();
        assert_eq!(verify(&request, &secrets(&[])).unwrap().status(), 200, "{method}");
    }
}

#[test]
fn a_wrong_or_missing_token_is_a_mismatch() {
    for token in [&["verify-me-pleas"][..], &["VERIFY-ME-PLEASE"], &["verify-me-please "], &[""], &[]] {
        let q = [("hub.mode", &["subscribe"][..]), ("hub.challenge", &["1"]), ("hub.verify_token", token)];
        assert_eq!(rejection(&check(&q)), (403, "VERIFY_TOKEN_MISMATCH"), "{token:?}");
    }
    let q: &[(&str, &[&str])] = &[("hub.mode", &["subscribe"]), ("hub.challenge", &["1"])];
    assert_eq!(rejection(&check(q)), (403, "VERIFY_TOKEN_MISMATCH"));
    // Query names are taken as given: `Hub.Verify_Token` is not `hub.verify_token`.
    let q: &[(&str, &[&str])] =
        &[("hub.mode", &["subscribe"]), ("hub.challenge", &["1"]), ("Hub.Verify_Token", &["verify-me-please"])];
    assert_eq!(rejection(&check(q)), (403, "VERIFY_TOKEN_MISMATCH"));
}

#[test]
fn another_mode_or_no_challenge_is_an_invalid_handshake() {
    let cases: &[&[(&str, &[&str])]] = &[
        &[("hub.mode", &["unsubscribe"]), ("hub.challenge", &["1"]), ("hub.verify_token", &["verify-me-please"])],
        &[("hub.mode", &["SUBSCRIBE"]), ("hub.challenge", &["1"]), ("hub.verify_token", &["verify-me-please"])],
        &[("hub.challenge", &["1"]), ("hub.verify_token", &["verify-me-please"])],
        &[("hub.mode", &["subscribe"]), ("hub.verify_token", &["verify-me-please"])],
        &[("hub.mode", &["subscribe"]), ("hub.challenge", &[""]), ("hub.verify_token", &["verify-me-please"])],
        &[("hub.mode", &["subscribe"]), ("hub.challenge", &[]), ("hub.verify_token", &["verify-me-please"])],
        &[],
    ];
    for q in cases {
        assert_eq!(rejection(&check(q)), (403, "HANDSHAKE_INVALID"), "{q:?}");
    }
    // The shape is checked before the token: a non-handshake with a wrong token is invalid.
    let q: &[(&str, &[&str])] = &[("hub.mode", &["unsubscribe"]), ("hub.verify_token", &["wrong"])];
    assert_eq!(rejection(&check(q)), (403, "HANDSHAKE_INVALID"));
}

#[test]
fn query_arrays_use_their_first_value() {
    let q: &[(&str, &[&str])] = &[
        ("hub.mode", &["subscribe", "unsubscribe"]),
        ("hub.challenge", &["42", "43"]),
        ("hub.verify_token", &["verify-me-please", "wrong"]),
    ];
    assert_eq!(check(q), WebhookResult::Challenge { body: "42".into() });
    let q: &[(&str, &[&str])] = &[
        ("hub.mode", &["subscribe"]),
        ("hub.challenge", &["42"]),
        ("hub.verify_token", &["wrong", "verify-me-please"]),
    ];
    assert_eq!(rejection(&check(q)), (403, "VERIFY_TOKEN_MISMATCH"));
    // A name given twice (raw query pairs): the first one with a value wins.
    let q: &[(&str, &[&str])] = &[
        ("hub.mode", &["subscribe"]),
        ("hub.challenge", &[]),
        ("hub.challenge", &["7"]),
        ("hub.challenge", &["8"]),
        ("hub.verify_token", &["verify-me-please"]),
    ];
    assert_eq!(check(q), WebhookResult::Challenge { body: "7".into() });
}

#[test]
fn a_get_without_a_verify_token_is_the_callers_mistake() {
    for token in [None, Some(Secret::new(""))] {
        let s = WebhookSecrets { verify_token: token, ..secrets(&["app-secret"]) };
        let err = verify(&get(GOOD), &s).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument);
        assert!(err.to_string().starts_with("secrets.verifyToken"), "{err}");
    }
}

#[test]
fn rejections_never_show_the_tokens() {
    let q: &[(&str, &[&str])] =
        &[("hub.mode", &["subscribe"]), ("hub.challenge", &["1"]), ("hub.verify_token", &["guess-123"])];
    let WebhookResult::Rejected { message, .. } = check(q) else { panic!() };
    assert!(!message.contains("verify-me-please") && !message.contains("guess-123"), "{message}");
    let shown = format!("{:?} {:?}", get(q), secrets(&["app-secret-xyz"]));
    for secret in ["verify-me-please", "guess-123", "app-secret-xyz"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn other_methods_are_not_allowed() {
    for method in ["PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "", "GETS", "POST2"] {
        let mut request = get(GOOD);
        request.method = method.into();
        // No secrets needed to refuse a method.
        let result = verify(&request, &WebhookSecrets::default()).unwrap();
        assert_eq!(rejection(&result), (405, "METHOD_NOT_ALLOWED"), "{method:?}");
    }
}

#[test]
fn the_query_names_read_are_the_three_hub_parameters() {
    use crate::webhook::reads_query_name;
    for name in ["hub.mode", "hub.verify_token", "hub.challenge"] {
        assert!(reads_query_name(name), "{name}");
    }
    for name in ["HUB.MODE", "hub.mode ", "hub", "mode", ""] {
        assert!(!reads_query_name(name), "{name}");
    }
}
