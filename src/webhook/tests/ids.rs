//! Event ids: stable across redeliveries, distinct for distinct items.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::{deliver, fixture};
use crate::webhook::{WebhookEvent, WebhookResult};

fn events(body: &[u8]) -> Vec<WebhookEvent<'_>> {
    match deliver(body) {
        WebhookResult::Events { events, .. } => events,
        other => panic!("expected events, got {other:?}"),
    }
}

fn ids(body: &[u8]) -> Vec<String> {
    events(body).into_iter().map(|e| e.id).collect()
}

#[test]
fn the_same_body_twice_gives_the_same_ids() {
    for name in ["batch.json", "handover.json", "junk-items.json", "big-ids.json", "non-ascii.json"] {
        let body = fixture(name);
        assert_eq!(ids(&body), ids(&body), "{name}");
    }
}

#[test]
fn ids_are_32_lowercase_hex_digits() {
    for id in ids(&fixture("batch.json")) {
        assert_eq!(id.len(), 32, "{id}");
        assert!(id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{id}");
    }
}

#[test]
fn a_redelivered_item_keeps_its_id_in_another_batch_and_entry_time() {
    let item = json!({"sender":{"id":"1234567890123456"},"recipient":{"id":"17841400000000001"},
                      "timestamp":1732799999123_i64,"message":{"mid":"aWdfZAG1faXRlbToxOnJlZGVsaXZlcmVk","text":"hello"}});
    let other = json!({"sender":{"id":"99"},"recipient":{"id":"17841400000000001"},"timestamp":1,"read":{"mid":"x"}});
    let first = json!({"object":"instagram","entry":[
        {"id":"17841400000000001","time":1732800000000_i64,"messaging":[item]}]});
    // Redelivered hours later, in a bigger batch, after a sibling, in the second entry, with
    // another entry time, the entry id as a number, and other key order and spacing.
    let redelivery = format!(
        r#"{{ "entry": [ {{"id":"17841400000000002","time":5,"messaging":[{other}]}},
            {{"time": 1732810000000, "messaging": [ {other}, {item_reordered} ], "id": 17841400000000001 }} ],
            "object": "instagram" }}"#,
        item_reordered = r#"{"message":{"text":"hello","mid":"aWdfZAG1faXRlbToxOnJlZGVsaXZlcmVk"},"timestamp":1732799999123,
                             "recipient":{"id":"17841400000000001"},"sender":{"id":"1234567890123456"}}"#,
    );
    let first = first.to_string();
    let a = events(first.as_bytes());
    let b = events(redelivery.as_bytes());
    assert_eq!(b.len(), 3);
    assert_eq!(a[0].id, b[2].id);
    // The same value (keys in each body's own order, as `JSON.parse` gives them).
    assert_eq!(serde_json::to_value(&a[0].raw).unwrap(), serde_json::to_value(&b[2].raw).unwrap());

    // A changes[] item has no time of its own: its id still ignores the entry's time.
    let change = json!({"field":"comments","value":{"id":"17865799348089039","text":"hi"}});
    let at = |time: i64| {
        let body = json!({"object":"instagram","entry":[{"id":"17841400000000001","time":time,"changes":[change]}]});
        ids(body.to_string().as_bytes())
    };
    assert_eq!(at(1732800000), at(1732890000));
}

#[test]
fn escapes_and_raw_utf8_give_the_same_id() {
    let escaped = fixture("non-ascii.json");
    let parsed: Value = serde_json::from_slice(&escaped).unwrap();
    let reserialised = serde_json::to_vec(&parsed).unwrap();
    assert_ne!(escaped, reserialised);
    assert_eq!(ids(&escaped), ids(&reserialised));
}

#[test]
fn two_different_items_never_share_an_id() {
    // Within every fixture body, and across all of them.
    let mut all: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(super::fixture_path("")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") || name.ends_with(".expected.json") {
            continue;
        }
        let list = ids(&fixture(&name));
        let distinct: BTreeSet<&String> = list.iter().collect();
        assert_eq!(distinct.len(), list.len(), "{name}: two items share an id");
        for id in list {
            if let Some(first) = all.insert(id.clone(), name.clone()) {
                panic!("{name} and {first} share the id {id}");
            }
        }
    }

    // Items that differ only slightly, or only by entry or list, still differ.
    let item = json!({"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":3,"message":{"mid":"m","text":"a"}});
    let mut changed = item.clone();
    changed["message"]["text"] = json!("b");
    let mut as_number = item.clone();
    as_number["timestamp"] = json!("3");
    let body = json!({"object":"instagram","entry":[
        {"id":"10","messaging":[item, changed, as_number],"standby":[item]},
        {"id":"11","messaging":[item]}]});
    let list = ids(body.to_string().as_bytes());
    let distinct: BTreeSet<&String> = list.iter().collect();
    assert_eq!(list.len(), 5);
    assert_eq!(distinct.len(), 5, "{list:?}");
}

fn keys(body: &[u8]) -> Vec<String> {
    events(body).into_iter().map(|e| e.dedupe_key).collect()
}

#[test]
fn dedupe_keys_are_32_lowercase_hex_digits_and_stable_across_redeliveries() {
    for name in ["batch.json", "handover.json", "junk-items.json", "big-ids.json", "standby.json"] {
        let body = fixture(name);
        let first = keys(&body);
        assert_eq!(first, keys(&body), "{name}");
        for k in first {
            assert!(k.len() == 32 && k.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "{name}: {k}");
        }
    }
}

#[test]
fn an_ad_comment_delivered_twice_with_other_bytes_has_two_ids_and_one_key() {
    let ev = events_owned("comments-ad-twice.json");
    assert_eq!(ev.len(), 2);
    assert_ne!(ev[0].0, ev[1].0, "different bytes, different ids");
    assert_eq!(ev[0].1, ev[1].1, "one comment, one key");
}

#[test]
fn a_comment_bare_and_inside_an_entry_shares_its_key() {
    let bare = fixture("comments-bare.json");
    let value: Value = serde_json::from_slice(&bare).unwrap();
    let wrapped =
        json!({"object":"instagram","entry":[{"id":"17841400000000001","time":1732800000_i64,"changes":[value]}]})
            .to_string();
    let (a, b) = (events(&bare), events(wrapped.as_bytes()));
    assert_ne!(a[0].id, b[0].id, "the entry's account is part of the id");
    assert_eq!(a[0].dedupe_key, b[0].dedupe_key);
}

#[test]
fn a_message_keyed_by_its_mid_is_not_its_echo_and_other_events_follow_their_id() {
    let mid = "aWdfZAG1faXRlbToxOmtleQ";
    let body = json!({"object":"instagram","entry":[{"id":"17841400000000001","time":1,"messaging":[
        {"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"message":{"mid":mid,"text":"a"}},
        // The same mid with other text (an edit seen as a new delivery): same message, same key.
        {"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":2,"message":{"mid":mid,"text":"b"}},
        {"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":3,"message":{"mid":mid,"text":"a","is_echo":true}},
        {"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":4,"read":{"mid":mid}},
        {"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":5,"read":{"mid":mid}},
        {"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":6,"reaction":{"mid":mid,"action":"react"}}
    ]}]})
    .to_string();
    let ev = events(body.as_bytes());
    let k: Vec<&str> = ev.iter().map(|e| e.dedupe_key.as_str()).collect();
    assert_eq!(k[0], k[1]);
    assert_ne!(k[0], k[2], "an echo is not the message");
    // Reads and reactions are keyed by their id (the bytes): two reads at different times differ.
    assert_ne!(k[3], k[4]);
    assert_ne!(ev[3].id, ev[4].id);
    let distinct: BTreeSet<&str> = [k[0], k[2], k[3], k[4], k[5]].into_iter().collect();
    assert_eq!(distinct.len(), 5);
    // Every key is distinct from every event id (a domain of its own).
    assert!(ev.iter().all(|e| e.id != e.dedupe_key));
}

#[test]
fn the_batch_has_as_many_keys_as_distinct_events() {
    // Every item of the batch is its own event (own mid or comment id, own bytes).
    let k = keys(&fixture("batch.json"));
    let distinct: BTreeSet<&String> = k.iter().collect();
    assert_eq!(distinct.len(), k.len());
}

fn events_owned(name: &str) -> Vec<(String, String)> {
    events(&fixture(name)).into_iter().map(|e| (e.id, e.dedupe_key)).collect()
}
