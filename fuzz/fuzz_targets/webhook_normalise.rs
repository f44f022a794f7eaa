//! `webhook::normalise` on arbitrary bytes. Checks: no panic; deterministic; on success every
//! event id is 32 lowercase hex digits, and there are at least as many events as entries.
#![no_main]

use instagram_native::webhook::{mend_lone_surrogates, normalise};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let first = normalise(body);
    let again = normalise(body);
    assert_eq!(first, again, "normalise is not deterministic");
    if let Ok(payload) = first {
        for e in &payload.events {
            assert_eq!(e.id.len(), 32);
            assert!(e.id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        }
        // Read as `normalise` reads it: an escaped lone surrogate (which `JSON.parse` accepts and
        // serde_json refuses) is U+FFFD.
        let root: serde_json::Value =
            serde_json::from_slice(&mend_lone_surrogates(body)).expect("normalise accepted it");
        let entries = root["entry"].as_array().map_or(0, Vec::len);
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
        let _ = entries;
    }
});
