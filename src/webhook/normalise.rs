//! From a webhook body to events: one [`WebhookEvent`] per item, in order, none dropped.
//!
//! Order: entries in order; within an entry its `messaging[]`, then `standby[]`, then
//! `changes[]`. Junk is never a reason to reject a body that has the `{object, entry[]}`
//! envelope: an item that is not an object, or of a kind not known here, becomes an
//! `unknown` event with `raw` set. Two further cases, decided here since Meta never sends
//! them: an entry that is not an object becomes one `unknown` event (list `"entry"`,
//! `accountId` `""`), and a `messaging`/`standby`/`changes` value that is not an array is
//! taken as a list of that one item (`null` as an empty list).
//!
//! Timestamps (epoch ms): a messaging/standby item's own `timestamp` (ms); when it has none,
//! its entry's `time` (ms for messaging entries); a `changes[]` item has no time of its own
//! and takes its entry's `time` (seconds) × 1000. Every value goes through one rule, the
//! API's: a number below 10^11 is seconds (so a seconds `time` is × 1000 and a ms one is
//! kept). With no usable time at all, `timestamp` is 0.

use serde_json::Value;

use super::event::{
    Attachment, Comment, EventType, Postback, Reaction, ReactionAction, Referral, ReplyTo, WebhookEvent,
};
use super::event_id::event_id;
use super::json::{epoch_ms, flag, id_at, obj_at, str_at};

/// A body that has the webhook envelope, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    /// The top-level `object` (`"instagram"`, `"page"`, …).
    pub object: String,
    /// Every item of every entry, in order.
    pub events: Vec<WebhookEvent>,
}

/// Why a body is not a webhook payload (→ 400 `MALFORMED_PAYLOAD`). The text is safe to
/// show: it never quotes the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

/// The three lists of an entry, in the order their items come out.
const LISTS: [(&str, bool); 3] = [("messaging", false), ("standby", true), ("changes", false)];

/// Parses the raw body and normalises every item. Pure: no clock, no secrets.
pub fn normalise(body: &[u8]) -> Result<Payload, Malformed> {
    let root = parse(body)?;
    let (object, entries) = envelope(&root)?;
    let mut events = Vec::new();
    for entry in entries {
        normalise_entry(entry, &mut |mut event: WebhookEvent, item: &Value| {
            event.raw = item.clone();
            events.push(event);
        });
    }
    Ok(Payload { object: object.to_owned(), events })
}

/// [`normalise`] straight to the JSON text of the JavaScript `EventsResult`
/// (`{"kind":"events","status":200,"object":…,"events":[…]}`, each event as its
/// `Serialize` gives it), without copying any item into its event: `raw` is written from
/// the parsed body directly.
pub(crate) fn normalise_to_js_json(body: &[u8]) -> Result<String, Malformed> {
    let root = parse(body)?;
    let (object, entries) = envelope(&root)?;
    let mut out = Vec::with_capacity(body.len() * 2 + 128);
    out.extend_from_slice(br#"{"kind":"events","status":200,"object":"#);
    write_json(&mut out, object);
    out.extend_from_slice(br#","events":["#);
    let mut first = true;
    for entry in entries {
        normalise_entry(entry, &mut |event: WebhookEvent, item: &Value| {
            if !first {
                out.push(b',');
            }
            first = false;
            write_event(&mut out, &event, item);
        });
    }
    out.extend_from_slice(b"]}");
    // ASCII only (see `write_json`); stay total all the same.
    String::from_utf8(out).map_err(|_| Malformed("the body is not valid UTF-8".into()))
}

/// One event whose `raw` is still `null` (as the normaliser leaves it), with `item` as `raw`.
fn write_event(out: &mut Vec<u8>, event: &WebhookEvent, item: &Value) {
    const RAW_NULL: &[u8] = br#""raw":null}"#;
    write_json(out, event);
    // `raw` is the last field of `WebhookEvent`: put the item in place of its `null`.
    if out.ends_with(RAW_NULL) {
        out.truncate(out.len() - 5);
        write_json(out, item);
        out.push(b'}');
    }
}

/// Compact JSON, every character above ASCII written as a `\uXXXX` escape: the whole text is
/// ASCII, which JavaScript takes in as a one-byte string (no UTF-8 decoding, and a faster
/// `JSON.parse` than over a two-byte string), giving the very same values.
pub(crate) fn write_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, AsciiFormatter);
    // Serialising these types into a Vec cannot fail (string keys, no I/O).
    let _ = value.serialize(&mut ser);
}

/// serde_json's compact formatter, escaping non-ASCII characters (UTF-16 units, as JSON has them).
struct AsciiFormatter;

impl serde_json::ser::Formatter for AsciiFormatter {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut rest = fragment;
        // Bytes, not chars: a non-ASCII byte starts (or continues) a non-ASCII character.
        while let Some(i) = rest.bytes().position(|b| !b.is_ascii()) {
            w.write_all(&rest.as_bytes()[..i])?;
            let c = rest[i..].chars().next().unwrap_or_default();
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let [hi, lo] = unit.to_be_bytes();
                let digit = |n: u8| HEX[usize::from(n & 0xf)];
                w.write_all(&[b'\\', b'u', digit(hi >> 4), digit(hi), digit(lo >> 4), digit(lo)])?;
            }
            rest = &rest[i + c.len_utf8()..];
        }
        w.write_all(rest.as_bytes())
    }
}

fn parse(body: &[u8]) -> Result<Value, Malformed> {
    let body = mend_lone_surrogates(body);
    serde_json::from_slice(&body).map_err(|e| Malformed(format!("the body is not valid JSON ({e})")))
}

/// The body with every escaped lone surrogate (`\ud83d` without its pair: a cut-off emoji,
/// which `JSON.parse` accepts and serde_json refuses) written as `\ufffd`, U+FFFD. Same
/// length, so nothing else moves; a body without one is returned as it is. Only escapes
/// inside strings are touched (`\\ud83d` is a backslash and text), and the signature has
/// already been checked on the bytes as received: this is a fixed, deterministic reading of
/// exactly those bytes, so redeliveries keep their event ids.
pub fn mend_lone_surrogates(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    fn unit(b: &[u8], at: usize) -> Option<u16> {
        let hex = b.get(at..at + 4)?;
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    }
    let is_escape_u = |b: &[u8], at: usize| b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u');
    let mut out: Option<Vec<u8>> = None;
    let (mut i, mut in_string) = (0, false);
    while i < body.len() {
        match body[i] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if body.get(i + 1) == Some(&b'u') {
                    if let Some(u) = unit(body, i + 2) {
                        let paired = (0xD800..0xDC00).contains(&u)
                            && is_escape_u(body, i + 6)
                            && unit(body, i + 8).is_some_and(|l| (0xDC00..0xE000).contains(&l));
                        if paired {
                            i += 12;
                            continue;
                        }
                        if (0xD800..0xE000).contains(&u) {
                            let buf = out.get_or_insert_with(|| body.to_vec());
                            buf[i + 2..i + 6].copy_from_slice(b"fffd");
                        }
                    }
                    i += 6;
                    continue;
                }
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    match out {
        Some(mended) => std::borrow::Cow::Owned(mended),
        None => std::borrow::Cow::Borrowed(body),
    }
}

/// The top-level `object` and `entry[]`, or why the body is not a webhook payload.
fn envelope(root: &Value) -> Result<(&str, &[Value]), Malformed> {
    let malformed = || {
        Malformed(
            "the body is not a webhook payload: expected a JSON object with a string \"object\" and an array \"entry\""
                .into(),
        )
    };
    let object = root.get("object").and_then(Value::as_str).ok_or_else(malformed)?;
    let entries = root.get("entry").and_then(Value::as_array).ok_or_else(malformed)?;
    Ok((object, entries))
}

/// Calls `emit` with each event of `entry` (its `raw` left `null`) and the item it is of.
fn normalise_entry(entry: &Value, emit: &mut impl FnMut(WebhookEvent, &Value)) {
    let Some(map) = entry.as_object() else {
        emit(base_event("", "entry", entry, None, false), entry);
        return;
    };
    let account_id = id_at(entry, "id").unwrap_or_default();
    let entry_time = map.get("time").and_then(epoch_ms);
    for (list, standby) in LISTS {
        let items: &[Value] = match map.get(list) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(single) => std::slice::from_ref(single),
        };
        for item in items {
            let event = if list == "changes" {
                change_event(&account_id, item, entry_time)
            } else {
                messaging_event(&account_id, list, item, entry_time, standby)
            };
            emit(event, item);
        }
    }
}

/// An `unknown` event for `item` with only the envelope fields set (`raw` left `null`: the
/// caller puts the item there, or writes it out directly).
fn base_event(account_id: &str, list: &str, item: &Value, timestamp: Option<i64>, standby: bool) -> WebhookEvent {
    WebhookEvent {
        id: event_id(account_id, list, item),
        event_type: EventType::Unknown,
        account_id: account_id.to_owned(),
        timestamp: timestamp.unwrap_or(0),
        sender_id: None,
        recipient_id: None,
        standby,
        message_id: None,
        text: None,
        attachments: None,
        quick_reply_payload: None,
        reply_to: None,
        postback: None,
        reaction: None,
        referral: None,
        comment: None,
        field: None,
        raw: Value::Null,
    }
}

fn messaging_event(account_id: &str, list: &str, item: &Value, entry_time: Option<i64>, standby: bool) -> WebhookEvent {
    let own_time = item.get("timestamp").and_then(epoch_ms);
    let mut ev = base_event(account_id, list, item, own_time.or(entry_time), standby);
    if !item.is_object() {
        return ev;
    }
    ev.sender_id = item.get("sender").and_then(|s| id_at(s, "id"));
    ev.recipient_id = item.get("recipient").and_then(|r| id_at(r, "id"));

    if let Some(message) = obj_at(item, "message") {
        ev.event_type = if flag(message, "is_echo") {
            EventType::MessageEcho
        } else if flag(message, "is_deleted") {
            EventType::MessageDeleted
        } else if flag(message, "is_unsupported") {
            EventType::MessageUnsupported
        } else {
            EventType::Message
        };
        fill_message(&mut ev, message);
    } else if let Some(edit) = obj_at(item, "message_edit") {
        ev.event_type = EventType::MessageEdit;
        ev.message_id = id_at(edit, "mid");
        ev.text = str_at(edit, "text");
    } else if let Some(postback) = obj_at(item, "postback") {
        ev.event_type = EventType::Postback;
        ev.message_id = id_at(postback, "mid");
        ev.postback = Some(Postback { title: str_at(postback, "title"), payload: str_at(postback, "payload") });
        ev.referral = obj_at(postback, "referral").map(referral);
    } else if let Some(reaction) = obj_at(item, "reaction") {
        ev.event_type = EventType::Reaction;
        ev.message_id = id_at(reaction, "mid");
        ev.reaction = reaction_of(reaction);
    } else if let Some(read) = obj_at(item, "read") {
        ev.event_type = EventType::Read;
        ev.message_id = id_at(read, "mid");
    } else if let Some(r) = obj_at(item, "referral") {
        ev.event_type = EventType::Referral;
        ev.referral = Some(referral(r));
    } else if obj_at(item, "optin").is_some() {
        ev.event_type = EventType::Optin;
    } else if ["pass_thread_control", "take_thread_control", "request_thread_control"]
        .iter()
        .any(|k| obj_at(item, k).is_some())
    {
        ev.event_type = EventType::Handover;
    }
    ev
}

/// The fields of `message` shared by messages, echoes, deletions and unsupported messages.
fn fill_message(ev: &mut WebhookEvent, message: &Value) {
    ev.message_id = id_at(message, "mid");
    ev.text = str_at(message, "text");
    ev.attachments =
        message.get("attachments").and_then(Value::as_array).map(|list| list.iter().map(attachment).collect());
    ev.quick_reply_payload = message.get("quick_reply").and_then(|q| str_at(q, "payload"));
    ev.reply_to = obj_at(message, "reply_to").and_then(reply_to);
    ev.referral = obj_at(message, "referral").map(referral);
}

/// `{type, payload: {url, title?, reel_video_id?, id?}}`. An element that is not an
/// object still counts (type `"unknown"`), so indexes match `raw`.
fn attachment(a: &Value) -> Attachment {
    let payload = obj_at(a, "payload");
    let from_payload = |key: &str| payload.and_then(|p| str_at(p, key));
    Attachment {
        type_: str_at(a, "type").unwrap_or_else(|| "unknown".to_owned()),
        url: from_payload("url"),
        title: from_payload("title"),
        id: payload.and_then(|p| id_at(p, "reel_video_id").or_else(|| id_at(p, "id"))),
    }
}

/// `{mid}` or `{story: {url, id}}`; `None` when neither is there.
fn reply_to(r: &Value) -> Option<ReplyTo> {
    let story = obj_at(r, "story");
    let reply = ReplyTo {
        message_id: id_at(r, "mid"),
        story_id: story.and_then(|s| id_at(s, "id")),
        story_url: story.and_then(|s| str_at(s, "url")),
    };
    let empty = reply.message_id.is_none() && reply.story_id.is_none() && reply.story_url.is_none();
    (!empty).then_some(reply)
}

fn referral(r: &Value) -> Referral {
    Referral { ref_: str_at(r, "ref"), source: str_at(r, "source"), type_: str_at(r, "type"), ad_id: id_at(r, "ad_id") }
}

/// `None` when `action` is neither `react` nor `unreact` (the event stays a `reaction`;
/// the item is in `raw`).
fn reaction_of(r: &Value) -> Option<Reaction> {
    let action = match r.get("action").and_then(Value::as_str)? {
        "react" => ReactionAction::React,
        "unreact" => ReactionAction::Unreact,
        _ => return None,
    };
    Some(Reaction { action, reaction: str_at(r, "reaction"), emoji: str_at(r, "emoji") })
}

fn change_event(account_id: &str, item: &Value, entry_time: Option<i64>) -> WebhookEvent {
    let mut ev = base_event(account_id, "changes", item, entry_time, false);
    let Some(field) = item.get("field").and_then(Value::as_str) else {
        return ev;
    };
    ev.field = Some(field.to_owned());
    ev.event_type = match field {
        "comments" => EventType::Comment,
        "live_comments" => EventType::LiveComment,
        "mentions" => EventType::Mention,
        "story_insights" => EventType::StoryInsights,
        _ => EventType::Unknown,
    };
    if matches!(ev.event_type, EventType::Comment | EventType::LiveComment | EventType::Mention) {
        ev.comment = obj_at(item, "value").and_then(comment);
    }
    ev
}

/// A comment from a `comments`/`live_comments` value (`id` with Instagram login,
/// `comment_id` + `parent_id` with Facebook login) or a `mentions` value (`comment_id`,
/// `media_id`). `None` without an id (a caption mention has only `media_id`: it stays in `raw`).
fn comment(v: &Value) -> Option<Comment> {
    let id = id_at(v, "id").or_else(|| id_at(v, "comment_id"))?;
    let from = obj_at(v, "from");
    let media = obj_at(v, "media");
    Some(Comment {
        id,
        text: str_at(v, "text"),
        from_id: from.and_then(|f| id_at(f, "id")),
        from_username: from.and_then(|f| str_at(f, "username")),
        media_id: media.and_then(|m| id_at(m, "id")).or_else(|| id_at(v, "media_id")),
        media_product_type: media.and_then(|m| str_at(m, "media_product_type")),
        parent_id: id_at(v, "parent_id"),
    })
}
