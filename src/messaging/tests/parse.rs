//! Reading the JS value, wrong types, secrets kept out of errors, appsecret_proof.

use serde_json::json;

use super::{field, refused, send, TOKEN};
use crate::error::{Error, ErrorCode};
use crate::messaging::{appsecret_proof, SendRequest};
use crate::secret::Secret;

#[test]
fn a_js_shaped_request_reads_into_the_model() {
    let value = json!({
        "accessToken": TOKEN, "accountId": "17841400000000000", "loginType": "instagram",
        "appSecret": "appsecretvalue",
        "recipient": { "id": "123" },
        "message": { "text": "hi", "quickReplies": [{ "title": "A", "payload": "a" }] },
        "messagingType": "MESSAGE_TAG", "tag": "HUMAN_AGENT", "somethingElse": 1
    });
    let req = crate::input::from_json::<SendRequest>(value, "req").unwrap();
    assert_eq!(req.access_token.expose(), TOKEN);
    assert_eq!(req.account_id.as_deref(), Some("17841400000000000"));
    let message = req.message.as_ref().unwrap();
    assert_eq!(message.quick_replies.as_ref().unwrap()[0].title, "A");
    assert_eq!(req.tag.as_deref(), Some("HUMAN_AGENT"));
    // Debug output hides both secrets.
    let debug = format!("{req:?}");
    assert!(!debug.contains(TOKEN) && !debug.contains("appsecretvalue"), "{debug}");
    assert!(debug.contains("[redacted]"));
}

#[test]
fn serde_path_to_error_on_a_raw_value() {
    let value = json!({ "accessToken": TOKEN, "recipient": { "id": "1" }, "message": { "text": 5 } });
    let err = serde_path_to_error::deserialize::<_, SendRequest>(value).unwrap_err();
    assert_eq!(err.path().to_string(), "message.text");
}

#[test]
fn wrong_types_name_their_path() {
    let base =
        |message: serde_json::Value| json!({ "accessToken": TOKEN, "recipient": { "id": "1" }, "message": message });
    assert_eq!(field(base(json!({ "text": 5 }))), "message.text");
    assert_eq!(
        field(base(json!({ "text": "t", "quickReplies": [{ "title": 1, "payload": "p" }] }))),
        "message.quickReplies[0].title"
    );
    assert_eq!(field(base(json!({ "images": ["https://x.example", null] }))), "message.images[1]");
    assert_eq!(field(base(json!({ "images": "https://x.example" }))), "message.images");
    assert_eq!(field(base(json!("hello"))), "message");
    assert_eq!(
        field(json!({ "accessToken": TOKEN, "recipient": { "id": 17841400000000000u64 }, "message": { "text": "t" } })),
        "recipient.id"
    );
    assert_eq!(
        field(json!({ "accessToken": null, "recipient": { "id": "1" }, "message": { "text": "t" } })),
        "accessToken"
    );
    assert_eq!(
        field(
            json!({ "accessToken": TOKEN, "loginType": "twitter", "recipient": { "id": "1" }, "message": { "text": "t" } })
        ),
        "loginType"
    );
    let (f, problem) = refused(json!(null));
    assert_eq!((f.as_str(), problem.as_str()), ("req", "must be an object"));
    let e = send(json!([])).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
}

#[test]
fn secrets_never_reach_an_error() {
    let secret = "appsecret-should-stay-hidden";
    let cases = [
        // The token where a struct is expected: serde would echo the string.
        json!({ "accessToken": TOKEN, "appSecret": secret, "recipient": TOKEN, "message": { "text": "t" } }),
        json!({ "accessToken": TOKEN, "appSecret": secret, "recipient": { "id": "1" }, "message": secret }),
        json!({ "accessToken": TOKEN, "appSecret": secret, "recipient": { "id": TOKEN }, "message": { "text": "t" } }),
        json!({ "accessToken": TOKEN, "appSecret": secret, "recipient": { "id": "1" }, "senderAction": TOKEN }),
        json!({ "accessToken": TOKEN, "appSecret": secret, "accountId": secret, "recipient": { "id": "1" }, "message": { "text": "t" } }),
        json!({ "accessToken": TOKEN, "appSecret": secret, "recipient": { "id": "1" }, "message": { "sticker": TOKEN } }),
        json!({ "accessToken": TOKEN, "appSecret": secret, "loginType": TOKEN, "recipient": { "id": "1" }, "message": { "text": "t" } }),
    ];
    for case in cases {
        let err = send(case).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(matches!(err, Error::InvalidArgument { .. }));
        assert!(!shown.contains(TOKEN) && !shown.contains(secret), "{shown}");
    }
}

#[test]
fn appsecret_proof_known_vectors() {
    // python3: hmac.new(key, msg, hashlib.sha256).hexdigest()
    assert_eq!(
        appsecret_proof(&Secret::new("EAAGm0PX4ZCpsBAtesttoken"), &Secret::new("0123456789abcdef0123456789abcdef")),
        "8422c679e91dbc2ecbb88c87539c65c4c5fb3f504c4462dfb61cacf82efe09fc"
    );
    assert_eq!(
        appsecret_proof(&Secret::new("The quick brown fox jumps over the lazy dog"), &Secret::new("key")),
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    );
}
