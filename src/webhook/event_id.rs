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
//! numbers as serde_json prints them (an integer that fits `u64`/`i64` exactly, any other
//! number as serde_json's `f64`, e.g. `1.5`, `1e300`, `1.8446744073709552e19`), a repeated
//! key once, with its last value: byte for byte serde_json's text of the item's `Value`.
//! It is computed by walking the borrowed parse ([`Json`]) with each object's keys sorted,
//! no `Value` built. Lone surrogates were mended to U+FFFD before the parse, so they count
//! as `"\ufffd"` would. Nothing else goes in: not the entry's `time`, not the
//! item's position, not its siblings, so a redelivery in another batch keeps its id. Two
//! items that differ in any byte of their canonical form, or that came from different
//! entries or lists, get different ids (up to SHA-256 collisions at 128 bits); two
//! byte-for-byte identical items in the same list of the same account are the same event
//! and share their id, which is what deduplication wants.

use sha2::{Digest, Sha256};

use super::event::{EventType, WebhookEvent};
use super::json::Json;

const DOMAIN: &[u8] = b"instagram-native/webhook-event/v1\0";
const DEDUPE_DOMAIN: &[u8] = b"instagram-native/webhook-dedupe/v1\0";

/// The `dedupeKey` of an event: the first 16 bytes, as 32 lowercase hex digits, of
///
/// ```text
/// SHA-256( "instagram-native/webhook-dedupe/v1\0" ‖ len64le(kind) ‖ kind ‖ len64le(key) ‖ key )
/// ```
///
/// with (kind, key) = `("comment", comment id)` for a comment or live comment that has one,
/// `(type, mid)` for a message or an echo that has a `mid`, and `("event", id)` for every
/// other event. Comments and messages are keyed by their Graph id because Meta delivers some
/// twice with different bytes (comments on ads come again with `ad_id`), and a comment can
/// arrive both bare and inside `entry[]`; the `id` (a hash of the bytes) would tell those apart.
pub(crate) fn dedupe_key(ev: &WebhookEvent) -> String {
    let (kind, key) = match (ev.event_type, &ev.comment, &ev.message_id) {
        (EventType::Comment | EventType::LiveComment, Some(comment), _) => ("comment", comment.id.as_ref()),
        (t @ (EventType::Message | EventType::MessageEcho), _, Some(mid)) => (t.as_str(), mid.as_ref()),
        _ => ("event", ev.id.as_str()),
    };
    let mut h = Sha256::new();
    h.update(DEDUPE_DOMAIN);
    for part in [kind, key] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// The ids of the items of one list of one entry: the hash of the domain, account id and
/// list is taken once, and one buffer serves every item's canonical JSON.
pub(crate) struct EventIds {
    prefix: Sha256,
    canonical: Vec<u8>,
}

impl EventIds {
    /// For the items of `list` in the entry of `account_id`.
    pub(crate) fn new(account_id: &str, list: &str) -> Self {
        let mut prefix = Sha256::new();
        prefix.update(DOMAIN);
        for part in [account_id, list] {
            prefix.update((part.len() as u64).to_le_bytes());
            prefix.update(part.as_bytes());
        }
        EventIds { prefix, canonical: Vec::with_capacity(1024) }
    }

    /// The id of one item (see the module documentation).
    pub(crate) fn of(&mut self, item: &Json) -> String {
        self.canonical.clear();
        write_canonical(item, &mut self.canonical);
        let mut h = self.prefix.clone();
        h.update(&self.canonical);
        hex::encode(&h.finalize()[..16])
    }
}

/// Appends the canonical JSON of `v` to `out`: the borrowed parse walked with each object's
/// keys sorted by their UTF-8 bytes (a repeated key counts once, with its last value, as in
/// a `serde_json::Value`), strings escaped and numbers printed by serde_json. This is byte
/// for byte what serde_json writes for the `Value` of the same text, so ids do not depend on
/// how the body was parsed.
pub(crate) fn write_canonical(v: &Json, out: &mut Vec<u8>) {
    match v {
        Json::Null => out.extend_from_slice(b"null"),
        Json::Bool(true) => out.extend_from_slice(b"true"),
        Json::Bool(false) => out.extend_from_slice(b"false"),
        // As `Display` prints it, without the intermediate String.
        Json::Number(n) => write_serde(n, out),
        Json::String(s) => write_string(s, out),
        Json::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Json::Object(entries) => {
            // Entry indexes sorted by key, the later of equal keys first; on the stack for
            // the small objects Meta sends.
            const SMALL: usize = 24;
            let mut small = [0usize; SMALL];
            let mut large = Vec::new();
            let order: &mut [usize] = if entries.len() <= SMALL {
                &mut small[..entries.len()]
            } else {
                large.resize(entries.len(), 0);
                &mut large
            };
            for (i, slot) in order.iter_mut().enumerate() {
                *slot = i;
            }
            order.sort_unstable_by(|&a, &b| entries[a].0.as_bytes().cmp(entries[b].0.as_bytes()).then(b.cmp(&a)));
            out.push(b'{');
            let mut last: Option<&str> = None;
            for &i in order.iter() {
                let (key, value) = &entries[i];
                if last == Some(key.as_ref()) {
                    continue;
                }
                if last.is_some() {
                    out.push(b',');
                }
                last = Some(key);
                write_string(key, out);
                out.push(b':');
                write_canonical(value, out);
            }
            out.push(b'}');
        }
    }
}

/// True when no byte of `s` is escaped in JSON text (no control character, `"` or `\\`).
/// Tested 32 bytes at a time without an early exit, a loop the compiler turns into vector
/// compares: most strings need no escape, and a byte-by-byte test with an early exit was a
/// tenth of the id's cost.
fn needs_no_escape(s: &[u8]) -> bool {
    let special = |b: u8| u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
    let any = |bytes: &[u8]| bytes.iter().fold(0u8, |any, &b| any | special(b)) != 0;
    let mut chunks = s.chunks_exact(32);
    !chunks.any(any) && !any(chunks.remainder())
}

/// A string as serde_json escapes it: `"` `\\` and control characters escaped, everything
/// else (non-ASCII included) as UTF-8.
fn write_string(s: &str, out: &mut Vec<u8>) {
    if needs_no_escape(s.as_bytes()) {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        write_serde(s, out);
    }
}

fn write_serde<T: serde::Serialize + ?Sized + ToString>(v: &T, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail; should it ever, fall back to `Display` (still
    // injective enough for an id) rather than panic.
    if serde_json::to_writer(&mut *out, v).is_err() {
        out.extend_from_slice(v.to_string().as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn canonical(text: &str) -> String {
        let mut out = Vec::new();
        write_canonical(&Json::parse(text).unwrap(), &mut out);
        String::from_utf8(out).unwrap()
    }

    fn id(account_id: &str, list: &str, item: &str) -> String {
        EventIds::new(account_id, list).of(&Json::parse(item).unwrap())
    }

    /// The canonical form as it was first defined: serde_json's text of the item's `Value`
    /// (its map sorted by key, a repeated key's last value), kept as the reference.
    fn value_canonical(text: &str) -> String {
        let v: Value = serde_json::from_str(text).unwrap();
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn canonical_form_sorts_keys_and_drops_whitespace() {
        let a = r#"{ "b": [1, {"z":null,"a":true}], "a": "\u00e4\"" }"#;
        assert_eq!(canonical(a), r#"{"a":"ä\"","b":[1,{"a":true,"z":null}]}"#);
        let b = r#"{"a":"ä\"","b":[1,{"a":true,"z":null}]}"#;
        assert_eq!(id("1", "messaging", a), id("1", "messaging", b));
    }

    #[test]
    fn canonical_form_is_serde_json_value_text() {
        let mut big = String::from("{");
        for i in (0..40).rev() {
            big.push_str(&format!("\"k{i:02}\":{i},"));
        }
        big.push_str("\"k07\":\"again\"}");
        for text in [
            r#"{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1732800000001,"message":{"mid":"m","text":"hi"}}"#,
            r#"{"b":1,"a":2,"b":{"y":[],"x":{}},"":0,"\u0000":"\u001f\u007f\/","é":"\ud83d\ude00","z":"\u2028"}"#,
            r#"{"ä":1,"a":2,"\ue000":3,"\ud83d\ude00":4,"A":5,"10":6,"9":7}"#,
            "[0,-1,17841405793187218,18446744073709551615,-9223372036854775808,1.5,-0.0,-0,1e300,18446744073709551616,5e-324,0.1,123456789012345678901234567890,1E2,2.5e-7]",
            r#"{"text":"tab\there\r\n\b\f \"quoted\" back\\slash ünïcödé"}"#,
            &big,
        ] {
            assert_eq!(canonical(text), value_canonical(text), "{text}");
        }
    }

    #[test]
    fn ids_are_the_ones_published() {
        // Fixed values: an id may never change for the same item.
        let item = r#"{"sender":{"id":"1"},"timestamp":5,"message":{"mid":"m"}}"#;
        assert_eq!(id("17841400000000000", "messaging", item), FIXED_ID);
    }

    const FIXED_ID: &str = "9f06bcc7245f88f23d9f0416a285bb17";

    #[test]
    fn id_depends_on_account_list_and_item_only() {
        let item = r#"{"sender":{"id":"1"},"timestamp":5,"message":{"mid":"m"}}"#;
        let id0 = id("17841400000000000", "messaging", item);
        assert_eq!(id0.len(), 32);
        assert!(id0.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let mut ids = EventIds::new("17841400000000000", "messaging");
        let parsed = Json::parse(item).unwrap();
        assert_eq!(ids.of(&parsed), id0);
        assert_eq!(ids.of(&parsed), id0, "the buffer is reused, not appended to");
        assert_ne!(id0, id("17841400000000001", "messaging", item));
        assert_ne!(id0, id("17841400000000000", "standby", item));
        let other = r#"{"sender":{"id":"1"},"timestamp":6,"message":{"mid":"m"}}"#;
        assert_ne!(id0, id("17841400000000000", "messaging", other));
        // The length prefixes keep the parts apart.
        assert_ne!(id("ab", "c", "null"), id("a", "bc", "null"));
    }
}
