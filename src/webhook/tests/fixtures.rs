//! Every fixture body, signed as Meta signs it, gives exactly its `.expected.json`.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{deliver, fixture, fixture_path};
use crate::webhook::{EventType, WebhookResult};

/// The JS shape of a result (API.md), event ids left out, for comparison with the files.
fn js_shape(result: &WebhookResult) -> Value {
    let WebhookResult::Events { object, events } = result else {
        panic!("expected events, got {result:?}");
    };
    let events: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut v = serde_json::to_value(e).unwrap();
            let id = v.as_object_mut().unwrap().remove("id").unwrap();
            assert_eq!(id.as_str(), Some(e.id.as_str()));
            v
        })
        .collect();
    serde_json::json!({ "kind": "events", "status": 200, "object": object, "events": events })
}

fn fixture_names() -> Vec<String> {
    let dir = fixture_path("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".expected.json").map(str::to_owned))
        .collect();
    names.sort();
    names
}

fn expected(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("{name}.expected.json"))).unwrap()
}

#[test]
fn every_fixture_gives_its_expected_events_field_by_field() {
    let names = fixture_names();
    assert!(names.len() >= 38, "only {} fixtures found", names.len());
    for name in &names {
        let body = fixture(&format!("{name}.json"));
        let got = js_shape(&deliver(&body));
        let want = expected(name);
        for key in ["kind", "status", "object"] {
            assert_eq!(got[key], want[key], "{name}: {key}");
        }
        let (got, want) = (got["events"].as_array().unwrap(), want["events"].as_array().unwrap());
        assert_eq!(got.len(), want.len(), "{name}: number of events");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            let keys: BTreeSet<&String> = g.as_object().unwrap().keys().chain(w.as_object().unwrap().keys()).collect();
            for key in keys {
                if key == "dedupeKey" && w.get(key).is_none() {
                    // Keyed by the event id, which the files leave out: see `ids.rs`.
                    assert!(g[key].as_str().is_some_and(|k| k.len() == 32), "{name}: events[{i}].{key}");
                    continue;
                }
                assert_eq!(g.get(key), w.get(key), "{name}: events[{i}].{key}");
            }
        }
    }
}

#[test]
fn the_fixtures_cover_every_case_of_the_brief() {
    let names: BTreeSet<String> = fixture_names().into_iter().collect();
    for required in [
        "message-text",
        "comments-bare",
        "comments-bare-with-object",
        "comments-ad-twice",
        "message-attachment-audio",
        "message-attachment-file",
        "message-attachment-image",
        "message-attachment-share",
        "message-attachment-story-mention",
        "message-attachment-video",
        "message-attachment-ig-reel",
        "message-attachment-reel",
        "message-quick-reply",
        "message-reply-to-message",
        "message-reply-to-story",
        "message-referral",
        "message-echo",
        "message-deleted",
        "message-unsupported",
        "message-edit",
        "postback",
        "reaction",
        "unreact",
        "read",
        "referral",
        "optin",
        "handover",
        "standby",
        "comments-instagram-login",
        "comments-facebook-login",
        "live-comments",
        "mentions",
        "story-insights",
        "unknown-messaging",
        "unknown-changes-field",
        "big-ids",
        "batch",
        "non-ascii",
    ] {
        assert!(names.contains(required), "missing fixture {required}");
    }
    // Every event type appears in some expected file.
    let mut seen = BTreeSet::new();
    for name in &names {
        for e in expected(name)["events"].as_array().unwrap() {
            seen.insert(e["type"].as_str().unwrap().to_owned());
        }
    }
    for t in EventType::ALL {
        assert!(seen.contains(t.as_str()), "no fixture has an event of type {}", t.as_str());
    }
}

#[test]
fn the_non_ascii_fixture_is_escaped_as_meta_sends_it() {
    let body = fixture("non-ascii.json");
    assert!(body.is_ascii());
    assert!(String::from_utf8_lossy(&body).contains(r"\u00e4\u00f6\u00e5"));
}

#[test]
fn the_big_id_fixture_has_bare_numbers_above_2_pow_53() {
    let body = String::from_utf8(fixture("big-ids.json")).unwrap();
    assert!(body.contains(r#""id":17841405793187218,"#), "entry id must be a bare number");
    let WebhookResult::Events { events, .. } = deliver(body.as_bytes()) else { panic!() };
    assert_eq!(events[0].account_id, "17841405793187218");
    assert_eq!(events[0].sender_id.as_deref(), Some("1234567890123456789"));
    assert_eq!(events[1].comment.as_ref().unwrap().from_id.as_deref(), Some("9007199254740993"));
}

#[test]
fn a_batch_keeps_every_item_in_order() {
    let body = fixture("batch.json");
    let WebhookResult::Events { events, .. } = deliver(&body) else { panic!() };
    assert_eq!(events.len(), 1000);
    let payload: Value = serde_json::from_slice(&body).unwrap();
    // Rebuild the expected order from the body itself: entries in order, then messaging,
    // standby, changes within each entry.
    let mut raws = Vec::new();
    for entry in payload["entry"].as_array().unwrap() {
        for list in ["messaging", "standby", "changes"] {
            for item in entry.get(list).and_then(Value::as_array).into_iter().flatten() {
                raws.push((item.clone(), list == "standby"));
            }
        }
    }
    assert_eq!(raws.len(), events.len());
    for (i, (event, (raw, standby))) in events.iter().zip(&raws).enumerate() {
        assert_eq!(&serde_json::to_value(&event.raw).unwrap(), raw, "events[{i}].raw");
        assert_eq!(event.standby, *standby, "events[{i}].standby");
    }
    let ids: BTreeSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), events.len(), "two items of the batch share an id");
}

#[test]
fn the_json_for_javascript_is_ascii_and_is_the_result_of_verify_for_every_fixture_and_refusal() {
    use super::{post, secrets, sign, SECRET};
    use crate::webhook::{verify, verify_to_js_json};
    let mut bodies: Vec<Vec<u8>> = fixture_names().iter().map(|n| fixture(&format!("{n}.json"))).collect();
    bodies.extend(
        [&b"not json"[..], b"{}", b"[1]", br#"{"object":"x","entry":[1,null,{"messaging":{"a":1}}]}"#].map(Vec::from),
    );
    bodies.push("{\"object\":\"\u{e4}\",\"entry\":[{\"id\":1,\"messaging\":[{\"message\":{\"text\":\"\u{e4}\u{1f600}\u{2028}\\u0000\"}}]}]}".into());
    for body in &bodies {
        let sig = sign(body, SECRET);
        for (headers, secret) in [(vec![("X-Hub-Signature-256", sig.as_str())], SECRET), (vec![], SECRET), (vec![], "")]
        {
            let req = post(body, &headers);
            let s = secrets(&[secret]);
            let direct = verify_to_js_json(&req, &s).map_err(|e| e.to_string());
            assert_eq!(direct.is_err(), verify(&req, &s).is_err());
            if let Ok(json) = direct {
                assert!(json.is_ascii(), "{json}");
                let parsed: Value = serde_json::from_str(&json).unwrap();
                let result = verify(&req, &s).unwrap();
                assert_eq!(parsed["status"], u64::from(result.status()));
                assert_eq!(parsed, serde_json::to_value(&result).unwrap());
                if let WebhookResult::Events { events, .. } = &result {
                    assert_eq!(parsed["events"], serde_json::to_value(events).unwrap());
                }
            }
        }
    }
    let mut get = post(b"", &[]);
    get.method = "GET".into();
    get.query = vec![("hub.mode".into(), vec!["subscribe".into()]), ("hub.challenge".into(), vec!["c\"1".into()])];
    get.query.push(("hub.verify_token".into(), vec!["verify-me-please".into()]));
    assert_eq!(verify_to_js_json(&get, &secrets(&[])).unwrap(), r#"{"kind":"challenge","status":200,"body":"c\"1"}"#);
}

#[test]
fn raw_keeps_the_body_order_and_escapes_as_ascii() {
    use super::{post, secrets, sign, SECRET};
    use crate::webhook::verify_to_js_json;
    let body = "{\"object\":\"instagram\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"timestamp\":5,\"sender\":{\"id\":\"2\"},\"message\":{\"text\":\"\u{e4}\\u00e4\",\"mid\":\"m\"},\"a\":1.50}]}]}";
    let sig = sign(body.as_bytes(), SECRET);
    let json =
        verify_to_js_json(&post(body.as_bytes(), &[("X-Hub-Signature-256", &sig)]), &secrets(&[SECRET])).unwrap();
    assert!(
        json.contains(
            r#""raw":{"timestamp":5,"sender":{"id":"2"},"message":{"text":"\u00e4\u00e4","mid":"m"},"a":1.5}}"#
        ),
        "{json}"
    );
}

#[test]
fn a_recycled_buffer_gives_the_same_text_and_the_same_result() {
    use super::{post, secrets, sign, SECRET};
    use crate::webhook::{recycle_js_json, verify_to_js_json};
    let mut names = fixture_names();
    names.extend(names.clone().into_iter().rev());
    for name in names {
        let body = fixture(&format!("{name}.json"));
        let sig = sign(&body, SECRET);
        let req = post(&body, &[("X-Hub-Signature-256", sig.as_str())]);
        let first = verify_to_js_json(&req, &secrets(&[SECRET])).unwrap();
        // A longer text from another body left in the spare buffer must not show through.
        recycle_js_json(format!("{first}{}", "x".repeat(4096)));
        let again = verify_to_js_json(&req, &secrets(&[SECRET])).unwrap();
        assert_eq!(again, first, "{name}");
        recycle_js_json(again);
    }
}
