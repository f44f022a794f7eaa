//! No input makes `verify` panic, and junk inside a valid envelope never rejects it.

use serde_json::{json, Value};

use super::{fixture, post};
use crate::webhook::{verify, EventType, WebhookResult, WebhookSecrets};

fn unsigned() -> WebhookSecrets {
    WebhookSecrets { allow_unsigned: true, ..WebhookSecrets::default() }
}

fn events_of(body: &[u8]) -> Vec<crate::webhook::WebhookEvent<'_>> {
    match verify(&post(body, &[]), &unsigned()).unwrap() {
        WebhookResult::Events { events, .. } => events,
        other => panic!("expected events, got {other:?}"),
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x1d_5eed);
    let seeds: Vec<Vec<u8>> =
        ["handover.json", "big-ids.json", "junk-items.json", "message-referral.json", "mentions.json"]
            .iter()
            .map(|n| fixture(n))
            .collect();
    let alphabet = b"{}[]\":,0123456789-.eE \\unlltrufase\xff\xc3";
    for round in 0..4000 {
        let mut body = seeds[round % seeds.len()].clone();
        for _ in 0..rng.usize(1..6) {
            if body.is_empty() {
                break;
            }
            let at = rng.usize(..body.len());
            match rng.u8(..4) {
                0 => body[at] = alphabet[rng.usize(..alphabet.len())],
                1 => body.truncate(at),
                2 => body.insert(at, alphabet[rng.usize(..alphabet.len())]),
                _ => {
                    body.remove(at);
                }
            }
        }
        // Any outcome is fine as long as it is a value.
        let _ = verify(&post(&body, &[("X-Hub-Signature-256", "sha256=00")]), &unsigned()).unwrap();
    }
}

#[test]
fn any_json_shape_inside_an_item_is_kept_not_rejected() {
    let weird: Vec<Value> = vec![
        json!({"message": {"mid": ["not", "an", "id"], "text": 5, "attachments": "no", "quick_reply": "no", "reply_to": []}}),
        json!({"message": {"attachments": [7, null, {"type": 3, "payload": []}, {"payload": {"url": 1, "reel_video_id": 2.5}}]}}),
        json!({"sender": [], "recipient": "x", "timestamp": "yesterday", "reaction": {"action": 1}}),
        json!({"sender": {"id": -1}, "timestamp": -5, "reaction": {"mid": "m", "action": "wave"}}),
        json!({"timestamp": 1e300, "postback": {"title": {}, "payload": []}}),
        json!({"message_edit": "x", "read": null, "optin": 1}),
        json!({"a": {"b": {"c": {"d": {"e": [[[[[[[[[[[[[[[[[[[[{"f": null}]]]]]]]]]]]]]]]]]]]]}}}}}),
        json!({"field": "comments", "value": "no"}),
        json!({"": "", "\u{0}": "\u{0}"}),
    ];
    let body = json!({"object": "instagram", "entry": [
        {"id": {"nested": true}, "time": "never", "messaging": weird, "standby": weird, "changes": weird},
        {"id": "1", "changes": {"field": "mentions", "value": {"comment_id": 5}}},
        {},
        [],
    ]});
    let body = body.to_string();
    let events = events_of(body.as_bytes());
    // 9 + 9 + 9 items, one change given as a bare object, nothing for {}, one for [].
    assert_eq!(events.len(), 29);
    assert!(events[..27].iter().all(|e| e.account_id.is_empty()));
    assert_eq!(events[27].event_type, EventType::Mention);
    assert_eq!(events[27].comment.as_ref().map(|c| c.id.as_ref()), Some("5"));
    assert_eq!(serde_json::to_value(&events[28].raw).unwrap(), json!([]));
    assert_eq!(events[2].reaction, None);
    assert_eq!(events[2].event_type, EventType::Reaction);
    assert_eq!(events[3].sender_id.as_deref(), Some("-1"));
}

#[test]
fn deep_nesting_is_refused_as_malformed_not_a_stack_overflow() {
    // serde_json stops at 128 levels; a deeper body is a 400, never a crash.
    let depth = 100_000;
    let mut body = String::from(r#"{"object":"instagram","entry":[{"messaging":["#);
    body.push_str(&"[".repeat(depth));
    body.push_str(&"]".repeat(depth));
    body.push_str("]}]}");
    let result = verify(&post(body.as_bytes(), &[]), &unsigned()).unwrap();
    assert!(matches!(result, WebhookResult::Rejected { status: 400, .. }), "{result:?}");
    // 100 levels inside an item are fine.
    let mut body = String::from(r#"{"object":"instagram","entry":[{"messaging":["#);
    body.push_str(&"[".repeat(100));
    body.push_str(&"]".repeat(100));
    body.push_str("]}]}");
    assert_eq!(events_of(body.as_bytes()).len(), 1);
}

#[test]
fn a_lone_surrogate_is_read_as_u_fffd_not_refused() {
    let item = |text: &str| {
        format!(
            r#"{{"object":"instagram","entry":[{{"id":"1","time":1,"messaging":[{{"sender":{{"id":"2"}},"recipient":{{"id":"1"}},"timestamp":1,"message":{{"mid":"m","text":"{text}"}}}}]}}]}}"#
        )
    };
    // A cut-off emoji (high surrogate alone), a low one alone, both at the end of the text.
    for (text, want) in [
        (r"hi \ud83d", "hi \u{fffd}"),
        (r"\ude00 x", "\u{fffd} x"),
        (r"ok \ud83d\ude00", "ok \u{1f600}"),
        (r"\\ud83d", r"\ud83d"),
        (r"\ud83d\ud83d\ude00", "\u{fffd}\u{1f600}"),
    ] {
        let body = item(text);
        let events = events_of(body.as_bytes());
        assert_eq!(events[0].text.as_deref(), Some(want), "{text}");
    }
    // The same body twice gives the same id (redeliveries deduplicate).
    let (a, b) = (item(r"hi \ud83d"), item(r"hi \ud83d"));
    let (a, b) = (events_of(a.as_bytes()), events_of(b.as_bytes()));
    assert_eq!(a[0].id, b[0].id);
}
