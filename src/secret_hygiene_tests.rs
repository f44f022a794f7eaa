//! `Debug` of every core type that holds a secret prints it redacted (API.md: secrets never
//! appear in `Debug` output). Each type is built with distinctive secrets, the way callers
//! build it (from the JSON a JS argument becomes, or directly), and its `{:?}` and `{:#?}`
//! are searched for each secret.

use crate::account::AccountRequest;
use crate::graph::{CallOptions, GraphRequest, Idempotence, LoginType};
use crate::input::from_json;
use crate::messaging::SendRequest;
use crate::secret::Secret;
use crate::token::{
    CredentialInput, ExchangeRequest, PreAuthAction, PreAuthResult, RefreshRequest, TokenGrant, TokenState,
};
use crate::webhook::{WebhookRequest, WebhookSecrets};

const TOKEN: &str = "IGAAhygieneToken7c1e9a";
const OAUTH: &str = "IGAAhygieneOauth3b8f2d";
const CLIENT_SECRET: &str = "client-secret-hygiene-55e1";
const APP_SECRET: &str = "app-secret-hygiene-9d0a";
const VERIFY_TOKEN: &str = "verify-token-hygiene-2f6c";
const SIGNATURE: &str = "sha256=5f1cdeadbeefhygiene";
const ALL: [&str; 6] = [TOKEN, OAUTH, CLIENT_SECRET, APP_SECRET, VERIFY_TOKEN, SIGNATURE];

#[track_caller]
fn assert_redacted(what: &str, value: &impl std::fmt::Debug) {
    for shown in [format!("{value:?}"), format!("{value:#?}")] {
        for secret in ALL {
            assert!(!shown.contains(secret), "{what}: Debug shows a secret: {shown}");
        }
    }
}

#[test]
fn secret() {
    assert_redacted("Secret", &Secret::new(TOKEN));
    assert_eq!(format!("{}", Secret::new(TOKEN)), "[redacted]");
}

#[test]
fn token_requests() {
    let exchange: ExchangeRequest = from_json(
        serde_json::json!({"accessToken": OAUTH, "clientSecret": CLIENT_SECRET, "clientId": "1234"}),
        "request",
    )
    .unwrap();
    assert_redacted("ExchangeRequest", &exchange);
    let refresh: RefreshRequest = from_json(serde_json::json!({"accessToken": TOKEN}), "request").unwrap();
    assert_redacted("RefreshRequest", &refresh);
}

#[test]
fn credentials_and_state() {
    let input: CredentialInput = from_json(
        serde_json::json!({
            "accessToken": TOKEN, "oauthAccessToken": OAUTH, "clientSecret": CLIENT_SECRET,
            "clientId": "1234", "accessTokenExpiresAt": 1_800_000_000_000_i64,
        }),
        "credentials",
    )
    .unwrap();
    assert_redacted("CredentialInput", &input);
    assert_redacted("TokenState", &TokenState::from_input(&input).unwrap());
}

#[test]
fn grants_and_results() {
    let grant = TokenGrant {
        access_token: Secret::new(TOKEN),
        token_type: "bearer".into(),
        expires_in: 5_183_944,
        expires_at: 2,
        issued_at: 1,
        login_type: LoginType::Instagram,
    };
    assert_redacted("TokenGrant", &grant);
    let result = PreAuthResult {
        action: PreAuthAction::Refreshed,
        changed: true,
        access_token: Secret::new(TOKEN),
        access_token_expires_at: Some(2),
        access_token_issued_at: Some(1),
        source_token_fingerprint: Some(Secret::new(OAUTH).fingerprint()),
        warning: None,
    };
    assert_redacted("PreAuthResult", &result);
}

#[test]
fn send_and_account_requests() {
    let send: SendRequest = from_json(
        serde_json::json!({
            "accessToken": TOKEN, "appSecret": APP_SECRET, "loginType": "facebook",
            "recipient": {"id": "1"}, "message": {"text": "hi"},
        }),
        "request",
    )
    .unwrap();
    assert_redacted("SendRequest", &send);
    let account: AccountRequest = from_json(serde_json::json!({"accessToken": TOKEN}), "request").unwrap();
    assert_redacted("AccountRequest", &account);
}

#[test]
fn conversation_requests() {
    let auth =
        serde_json::json!({ "accessToken": TOKEN, "appSecret": APP_SECRET, "userId": "1", "conversationId": "c" });
    let list: crate::conversations::ListConversationsRequest = from_json(auth.clone(), "request").unwrap();
    assert_redacted("ListConversationsRequest", &list);
    let get: crate::conversations::GetMessagesRequest = from_json(auth.clone(), "request").unwrap();
    assert_redacted("GetMessagesRequest", &get);
    let seen: crate::messaging::MarkSeenRequest = from_json(auth, "request").unwrap();
    assert_redacted("MarkSeenRequest", &seen);
    assert_redacted("markSeen's SendRequest", &crate::messaging::seen_as_send(&seen).unwrap());
}

#[test]
fn messenger_profile_requests() {
    let auth = serde_json::json!({ "accessToken": TOKEN, "appSecret": APP_SECRET, "accountId": "me",
        "iceBreakers": [{ "locale": "default", "questions": [{ "question": "q", "payload": "p" }] }],
        "persistentMenu": [{ "locale": "default", "items": [{ "type": "postback", "title": "t", "payload": "p" }] }] });
    let get: crate::messenger_profile::MessengerProfileRequest = from_json(auth.clone(), "request").unwrap();
    assert_redacted("MessengerProfileRequest", &get);
    let ice: crate::messenger_profile::SetIceBreakersRequest = from_json(auth.clone(), "request").unwrap();
    assert_redacted("SetIceBreakersRequest", &ice);
    let menu: crate::messenger_profile::SetPersistentMenuRequest = from_json(auth, "request").unwrap();
    assert_redacted("SetPersistentMenuRequest", &menu);
}

#[test]
fn webhook_types() {
    let secrets = WebhookSecrets {
        verify_token: Some(Secret::new(VERIFY_TOKEN)),
        app_secrets: vec![Secret::new(APP_SECRET)],
        ..Default::default()
    };
    assert_redacted("WebhookSecrets", &secrets);
    let request = WebhookRequest {
        method: "GET".into(),
        query: vec![("hub.verify_token".into(), vec![VERIFY_TOKEN.into()])],
        headers: vec![("x-hub-signature-256".into(), vec![SIGNATURE.into()])],
        body: Some(APP_SECRET.as_bytes()),
    };
    assert_redacted("WebhookRequest", &request);
}

#[test]
fn graph_request_with_secrets_in_its_query() {
    // The Instagram token endpoints take the token and the client secret in the query.
    let token = Secret::new(OAUTH);
    let client_secret = Secret::new(CLIENT_SECRET);
    let url = CallOptions::default()
        .instagram_url
        .join(&["access_token"], &[("client_secret", client_secret.expose()), ("access_token", token.expose())]);
    let bearer = Secret::new(TOKEN);
    let request = GraphRequest {
        method: reqwest::Method::GET,
        url,
        bearer: Some(&bearer),
        json: None,
        secrets: vec![&token, &client_secret],
        idempotence: Idempotence::Repeatable,
        pacing: None,
    };
    assert_redacted("GraphRequest", &request);
    assert!(format!("{request:?}").contains("graph.instagram.com/access_token"));
}
