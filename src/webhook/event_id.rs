//! Event ids: stable across Meta's redeliveries, distinct for distinct items.
//!
//! `id` = the first 16 bytes, as 32 lowercase hex digits, of
//!
//! ```text
//! SHA-256( "instagram-native/webhook-event/v1\0"
//!          ‖ len64le(account id) ‖ account id      (entry.id as a decimal string; "" if absent)
//!          ‖ len64le(list)       ‖ list            ("messaging" | "standby" | "changes" | "entry")
//!          ‖ canonical JSON of the item )
//! ```
//!
//! Canonical JSON: no whitespace, object keys sorted by their UTF-8 bytes at every level,
//! strings escaped by serde_json (so `"\u00e4"` and `"ä"` in the body give the same id),
//! numbers as serde_json prints them. Nothing else goes in: not the entry's `time`, not the
//! item's position, not its siblings, so a redelivery in another batch keeps its id. Two
//! items that differ in any byte of their canonical form, or that came from different
//! entries or lists, get different ids (up to SHA-256 collisions at 128 bits); two
//! byte-for-byte identical items in the same list of the same account are the same event
//! and share their id, which is what deduplication wants.

use serde_json::Value;
use sha2::{Digest, Sha256};

const DOMAIN: &[u8] = b"instagram-native/webhook-event/v1\0";

/// The id of one item (see the module documentation).
pub(crate) fn event_id(account_id: &str, list: &str, item: &Value) -> String {
    let mut h = Sha256::new();
    h.update(DOMAIN);
    for part in [account_id, list] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let mut canonical = Vec::with_capacity(256);
    write_canonical(item, &mut canonical);
    h.update(&canonical);
    hex::encode(&h.finalize()[..16])
}

/// Appends the canonical JSON of `v` to `out`.
pub(crate) fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        // As `Display` prints it (itoa / ryu), without the intermediate String.
        Value::Number(n) => write_json(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // serde_json's default map is already sorted; checking (and sorting if not) keeps
            // the ids canonical even if a dependency turns on `preserve_order`.
            let sorted = map.keys().zip(map.keys().skip(1)).all(|(a, b)| a.as_bytes() <= b.as_bytes());
            if sorted {
                write_entries(map.iter(), out);
            } else {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
                write_entries(entries.into_iter(), out);
            }
        }
    }
}

fn write_entries<'v>(entries: impl Iterator<Item = (&'v String, &'v Value)>, out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (key, value)) in entries.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(key, out);
        out.push(b':');
        write_canonical(value, out);
    }
    out.push(b'}');
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    // Writing a &str into a Vec cannot fail; should it ever, fall back to the raw bytes
    // (still injective enough for an id) rather than panic.
    if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(s.as_bytes());
    }
}

fn write_json(n: &serde_json::Number, out: &mut Vec<u8>) {
    if serde_json::to_writer(&mut *out, n).is_err() {
        out.extend_from_slice(n.to_string().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canonical(v: &Value) -> String {
        let mut out = Vec::new();
        write_canonical(v, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn canonical_form_sorts_keys_and_drops_whitespace() {
        let a: Value = serde_json::from_str(r#"{ "b": [1, {"z":null,"a":true}], "a": "\u00e4\"" }"#).unwrap();
        assert_eq!(canonical(&a), r#"{"a":"ä\"","b":[1,{"a":true,"z":null}]}"#);
        let b: Value = serde_json::from_str(r#"{"a":"ä\"","b":[1,{"a":true,"z":null}]}"#).unwrap();
        assert_eq!(event_id("1", "messaging", &a), event_id("1", "messaging", &b));
    }

    #[test]
    fn numbers_are_written_as_display_prints_them() {
        let v: Value = serde_json::from_str(
            "[0,-1,17841405793187218,18446744073709551615,-9223372036854775808,1.5,-0.0,1e300,18446744073709551616,5e-324]",
        )
        .unwrap();
        let shown: Vec<String> = v.as_array().unwrap().iter().map(|n| n.to_string()).collect();
        assert_eq!(canonical(&v), format!("[{}]", shown.join(",")));
    }

    #[test]
    fn id_depends_on_account_list_and_item_only() {
        let item = json!({"sender":{"id":"1"},"timestamp":5,"message":{"mid":"m"}});
        let id = event_id("17841400000000000", "messaging", &item);
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(id, event_id("17841400000000000", "messaging", &item.clone()));
        assert_ne!(id, event_id("17841400000000001", "messaging", &item));
        assert_ne!(id, event_id("17841400000000000", "standby", &item));
        let other = json!({"sender":{"id":"1"},"timestamp":6,"message":{"mid":"m"}});
        assert_ne!(id, event_id("17841400000000000", "messaging", &other));
        // The length prefixes keep the parts apart.
        assert_ne!(event_id("ab", "c", &json!(null)), event_id("a", "bc", &json!(null)));
    }
}
