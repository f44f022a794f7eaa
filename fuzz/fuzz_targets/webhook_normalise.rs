//! `webhook::normalise` on arbitrary bytes. Checks: no panic; deterministic; on success every
//! event id and dedupe key is 32 lowercase hex digits, and there is one event per item (one for a
//! bare `{field, value}` body).
#![no_main]

use instagram_native::webhook::{mend_lone_surrogates, normalise};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let first = normalise(body);
    let again = normalise(body);
    assert_eq!(first, again, "normalise is not deterministic");
    if let Ok(payload) = first {
        for e in &payload.events {
            for hex in [&e.id, &e.dedupe_key] {
                assert_eq!(hex.len(), 32);
                assert!(hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
            }
        }
        // Read as `normalise` reads it: an escaped lone surrogate (which `JSON.parse` accepts and
        // serde_json refuses) is U+FFFD.
        let root: serde_json::Value =
            serde_json::from_slice(&mend_lone_surrogates(body)).expect("normalise accepted it");
        if !root["entry"].is_array() {
            assert!(root["field"].is_string() && root["value"].is_object(), "accepted without an envelope");
            assert_eq!(payload.events.len(), 1, "a bare change is one event");
            return;
        }
        let items: usize = root["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| {
                if !entry.is_object() {
                    return 1;
                }
                ["messaging", "standby", "changes"]
                    .iter()
                    .map(|k| match &entry[*k] {
                        serde_json::Value::Null => 0,
                        serde_json::Value::Array(a) => a.len(),
                        _ => 1,
                    })
                    .sum()
            })
            .sum();
        assert_eq!(payload.events.len(), items, "an item was dropped or invented");
    }
});
