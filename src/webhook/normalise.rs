//! From a webhook body to events: one [`WebhookEvent`] per item, in order, none dropped.
//!
//! Order: entries in order; within an entry its `messaging[]`, then `standby[]`, then
//! `changes[]`. Junk is never a reason to reject a body that has the `{object, entry[]}`
//! envelope: an item that is not an object, or of a kind not known here, becomes an
//! `unknown` event with `raw` set. Two further cases, decided here since Meta never sends
//! them: an entry that is not an object becomes one `unknown` event (list `"entry"`,
//! `accountId` `""`), and a `messaging`/`standby`/`changes` value that is not an array is
//! taken as a list of that one item (`null` as an empty list). A body without `entry[]` that is
//! a bare change, `{"field": …, "value": {…}}`, is one `changes[]` item of no entry.
//!
//! Every event also gets its `route` and `dedupeKey`, computed from its other fields.
//!
//! Timestamps (epoch ms): a messaging/standby item's own `timestamp` (ms); when it has none,
//! its entry's `time` (ms for messaging entries); a `changes[]` item has no time of its own
//! and takes its entry's `time` (seconds) × 1000. Every value goes through one rule, the
//! API's: a number below 10^11 is seconds (so a seconds `time` is × 1000 and a ms one is
//! kept). With no usable time at all, `timestamp` is 0.

use std::borrow::Cow;

use super::event::{
    Attachment, Comment, EventType, Postback, Reaction, ReactionAction, Referral, ReplyTo, Route, WebhookEvent,
};
use super::event_id::{dedupe_key, EventIds};
use super::json::Json;
use super::surrogates::mend_lone_surrogates;

/// A body that has the webhook envelope, normalised. Borrows from the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Payload<'a> {
    /// The top-level `object` (`"instagram"`, `"page"`, …).
    pub object: Cow<'a, str>,
    /// Every item of every entry, in order.
    pub events: Vec<WebhookEvent<'a>>,
}

/// Why a body is not a webhook payload (→ 400 `MALFORMED_PAYLOAD`). The text is safe to
/// show: it never quotes the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

/// The three lists of an entry, in the order their items come out.
const LISTS: [(&str, bool); 3] = [("messaging", false), ("standby", true), ("changes", false)];

/// Parses the raw body and normalises every item, in one pass over one borrowed parse: each
/// item's id is taken from the parse, its fields read from it, and the item itself becomes
/// the event's `raw` (moved, not copied). Pure: no clock, no secrets.
pub fn normalise(body: &[u8]) -> Result<Payload<'_>, Malformed> {
    let mut root = parse(body)?;
    let object = root.get("object").and_then(Json::as_str).cloned();
    let entries = match root.take("entry") {
        Some(Json::Array(entries)) => Some(entries),
        _ => None,
    };
    let (object, entries) = match (object, entries) {
        (Some(object), Some(entries)) => (object, entries),
        // No `entry[]` at all: perhaps a bare change.
        (object, None) => return bare_change(root, object).ok_or_else(not_a_payload),
        (None, Some(_)) => return Err(not_a_payload()),
    };
    // Sized once for every item: a 1,000-item body would otherwise grow the vector of
    // ~700-byte events ten times over, copying each event again at every step.
    let mut events = Vec::with_capacity(entries.iter().map(item_count).sum());
    for entry in entries {
        normalise_entry(entry, &mut events);
    }
    Ok(Payload { object, events })
}

fn not_a_payload() -> Malformed {
    Malformed(
        "the body is not a webhook payload: expected a JSON object with a string \"object\" and an array \"entry\" (or a string \"field\" and an object \"value\")"
            .into(),
    )
}

/// A bare change body, `{"field": "comments", "value": {…}}` (Meta's sample payloads, some
/// test tools): one `changes[]` item of no entry. `object` is the body's when it is a string,
/// else `""`; `accountId` is `""`; the time is the value's `time` or `timestamp`, else 0; the
/// id is taken over `{field, value}` alone. `None` when the body is not of that shape.
fn bare_change<'a>(mut root: Json<'a>, object: Option<Cow<'a, str>>) -> Option<Payload<'a>> {
    if root.get("field").and_then(Json::as_str).is_none() || !root.get("value").is_some_and(Json::is_object) {
        return None;
    }
    let field = root.take("field")?;
    let value = root.take("value")?;
    let time = ["time", "timestamp"].iter().find_map(|key| value.get(key).and_then(Json::epoch_ms));
    let item = Json::Object(vec![(Cow::Borrowed("field"), field), (Cow::Borrowed("value"), value)]);
    let id = EventIds::new("", "changes").of(&item);
    let mut event = change_event(id, Cow::Borrowed(""), item, None);
    event.timestamp = time.unwrap_or(0);
    Some(Payload { object: object.unwrap_or(Cow::Borrowed("")), events: vec![finished(event)] })
}

/// The body read as serde_json reads it, after [`mend_lone_surrogates`]: borrowed when
/// nothing had to be mended.
fn parse(body: &[u8]) -> Result<Json<'_>, Malformed> {
    let not_json = |e: &dyn std::fmt::Display| Malformed(format!("the body is not valid JSON ({e})"));
    match mend_lone_surrogates(body) {
        Cow::Borrowed(body) => {
            let text = std::str::from_utf8(body).map_err(|_| not_utf8(body))?;
            Json::parse(text).map_err(|e| not_json(&e))
        }
        Cow::Owned(mended) => {
            let text = std::str::from_utf8(&mended).map_err(|_| not_utf8(&mended))?;
            Json::parse(text).map(Json::into_owned).map_err(|e| not_json(&e))
        }
    }
}

/// serde_json's own answer for a body that is not UTF-8 (its wording and position, as a
/// parse of the bytes into a `Value` gives it; a rare path, so the slow parse is fine).
fn not_utf8(body: &[u8]) -> Malformed {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(e) => Malformed(format!("the body is not valid JSON ({e})")),
        Ok(_) => Malformed("the body is not valid JSON (it is not UTF-8)".into()),
    }
}

/// How many events [`normalise_entry`] makes of `entry`.
fn item_count(entry: &Json) -> usize {
    if !entry.is_object() {
        return 1;
    }
    LISTS
        .iter()
        .map(|(list, _)| match entry.get(list) {
            None | Some(Json::Null) => 0,
            Some(Json::Array(items)) => items.len(),
            Some(_) => 1,
        })
        .sum()
}

/// Appends the events of `entry`, moving each item into its event's `raw`.
fn normalise_entry<'a>(entry: Json<'a>, events: &mut Vec<WebhookEvent<'a>>) {
    let mut entry = match entry {
        Json::Object(_) => entry,
        other => {
            let id = EventIds::new("", "entry").of(&other);
            events.push(finished(base_event(id, Cow::Borrowed(""), None, false, other)));
            return;
        }
    };
    let account_id = entry.id_at("id").unwrap_or_default();
    let entry_time = entry.get("time").and_then(Json::epoch_ms);
    for (list, standby) in LISTS {
        let items = match entry.take(list) {
            None | Some(Json::Null) => continue,
            Some(Json::Array(items)) => items,
            Some(single) => vec![single],
        };
        let mut ids = EventIds::new(&account_id, list);
        for item in items {
            let id = ids.of(&item);
            let event = if list == "changes" {
                change_event(id, account_id.clone(), item, entry_time)
            } else {
                messaging_event(id, account_id.clone(), item, entry_time, standby)
            };
            events.push(finished(event));
        }
    }
}

/// `ev` with the fields computed from the others: its route and its deduplication key.
fn finished(mut ev: WebhookEvent) -> WebhookEvent {
    ev.route = Route::of(&ev);
    ev.dedupe_key = dedupe_key(&ev);
    ev
}

/// An `unknown` event for `raw` with only the envelope fields set (route and key by [`finished`]).
fn base_event<'a>(
    id: String,
    account_id: Cow<'a, str>,
    timestamp: Option<i64>,
    standby: bool,
    raw: Json<'a>,
) -> WebhookEvent<'a> {
    WebhookEvent {
        id,
        event_type: EventType::Unknown,
        route: Route::Other,
        dedupe_key: String::new(),
        account_id,
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
        raw,
    }
}

fn messaging_event<'a>(
    id: String,
    account_id: Cow<'a, str>,
    item: Json<'a>,
    entry_time: Option<i64>,
    standby: bool,
) -> WebhookEvent<'a> {
    let own_time = item.get("timestamp").and_then(Json::epoch_ms);
    let mut ev = base_event(id, account_id, own_time.or(entry_time), standby, Json::Null);
    if item.is_object() {
        fill_messaging(&mut ev, &item);
    }
    ev.raw = item;
    ev
}

fn fill_messaging<'a>(ev: &mut WebhookEvent<'a>, item: &Json<'a>) {
    ev.sender_id = item.get("sender").and_then(|s| s.id_at("id"));
    ev.recipient_id = item.get("recipient").and_then(|r| r.id_at("id"));

    if let Some(message) = item.obj_at("message") {
        ev.event_type = if message.flag("is_echo") {
            EventType::MessageEcho
        } else if message.flag("is_deleted") {
            EventType::MessageDeleted
        } else if message.flag("is_unsupported") {
            EventType::MessageUnsupported
        } else {
            EventType::Message
        };
        fill_message(ev, message);
    } else if let Some(edit) = item.obj_at("message_edit") {
        ev.event_type = EventType::MessageEdit;
        ev.message_id = edit.id_at("mid");
        ev.text = edit.str_at("text");
    } else if let Some(postback) = item.obj_at("postback") {
        ev.event_type = EventType::Postback;
        ev.message_id = postback.id_at("mid");
        ev.postback = Some(Postback { title: postback.str_at("title"), payload: postback.str_at("payload") });
        ev.referral = postback.obj_at("referral").map(referral);
    } else if let Some(reaction) = item.obj_at("reaction") {
        ev.event_type = EventType::Reaction;
        ev.message_id = reaction.id_at("mid");
        ev.reaction = reaction_of(reaction);
    } else if let Some(read) = item.obj_at("read") {
        ev.event_type = EventType::Read;
        ev.message_id = read.id_at("mid");
    } else if let Some(r) = item.obj_at("referral") {
        ev.event_type = EventType::Referral;
        ev.referral = Some(referral(r));
    } else if item.obj_at("optin").is_some() {
        ev.event_type = EventType::Optin;
    } else if ["pass_thread_control", "take_thread_control", "request_thread_control"]
        .iter()
        .any(|k| item.obj_at(k).is_some())
    {
        ev.event_type = EventType::Handover;
    }
}

/// The fields of `message` shared by messages, echoes, deletions and unsupported messages.
fn fill_message<'a>(ev: &mut WebhookEvent<'a>, message: &Json<'a>) {
    ev.message_id = message.id_at("mid");
    ev.text = message.str_at("text");
    ev.attachments = match message.get("attachments") {
        Some(Json::Array(list)) => Some(list.iter().map(attachment).collect()),
        _ => None,
    };
    ev.quick_reply_payload = message.get("quick_reply").and_then(|q| q.str_at("payload"));
    ev.reply_to = message.obj_at("reply_to").and_then(reply_to);
    ev.referral = message.obj_at("referral").map(referral);
}

/// `{type, payload: {url, title?, reel_video_id?, id?}}`. An element that is not an
/// object still counts (type `"unknown"`), so indexes match `raw`.
fn attachment<'a>(a: &Json<'a>) -> Attachment<'a> {
    let payload = a.obj_at("payload");
    let from_payload = |key: &str| payload.and_then(|p| p.str_at(key));
    Attachment {
        type_: a.str_at("type").unwrap_or(Cow::Borrowed("unknown")),
        url: from_payload("url"),
        title: from_payload("title"),
        id: payload.and_then(|p| p.id_at("reel_video_id").or_else(|| p.id_at("id"))),
    }
}

/// `{mid}` or `{story: {url, id}}`; `None` when neither is there.
fn reply_to<'a>(r: &Json<'a>) -> Option<ReplyTo<'a>> {
    let story = r.obj_at("story");
    let reply = ReplyTo {
        message_id: r.id_at("mid"),
        story_id: story.and_then(|s| s.id_at("id")),
        story_url: story.and_then(|s| s.str_at("url")),
    };
    let empty = reply.message_id.is_none() && reply.story_id.is_none() && reply.story_url.is_none();
    (!empty).then_some(reply)
}

fn referral<'a>(r: &Json<'a>) -> Referral<'a> {
    Referral { ref_: r.str_at("ref"), source: r.str_at("source"), type_: r.str_at("type"), ad_id: r.id_at("ad_id") }
}

/// `None` when `action` is neither `react` nor `unreact` (the event stays a `reaction`;
/// the item is in `raw`).
fn reaction_of<'a>(r: &Json<'a>) -> Option<Reaction<'a>> {
    let action = match r.get("action").and_then(Json::as_str).map(|a| a.as_ref()) {
        Some("react") => ReactionAction::React,
        Some("unreact") => ReactionAction::Unreact,
        _ => return None,
    };
    Some(Reaction { action, reaction: r.str_at("reaction"), emoji: r.str_at("emoji") })
}

fn change_event<'a>(id: String, account_id: Cow<'a, str>, item: Json<'a>, entry_time: Option<i64>) -> WebhookEvent<'a> {
    let mut ev = base_event(id, account_id, entry_time, false, Json::Null);
    if let Some(field) = item.str_at("field") {
        ev.event_type = match field.as_ref() {
            "comments" => EventType::Comment,
            "live_comments" => EventType::LiveComment,
            "mentions" => EventType::Mention,
            "story_insights" => EventType::StoryInsights,
            _ => EventType::Unknown,
        };
        ev.field = Some(field);
        if matches!(ev.event_type, EventType::Comment | EventType::LiveComment | EventType::Mention) {
            ev.comment = item.obj_at("value").and_then(comment);
        }
    }
    ev.raw = item;
    ev
}

/// A comment from a `comments`/`live_comments` value (`id` with Instagram login,
/// `comment_id` + `parent_id` with Facebook login) or a `mentions` value (`comment_id`,
/// `media_id`). `None` without an id (a caption mention has only `media_id`: it stays in `raw`).
fn comment<'a>(v: &Json<'a>) -> Option<Comment<'a>> {
    let id = v.id_at("id").or_else(|| v.id_at("comment_id"))?;
    let from = v.obj_at("from");
    let media = v.obj_at("media");
    Some(Comment {
        id,
        text: v.str_at("text"),
        from_id: from.and_then(|f| f.id_at("id")),
        from_username: from.and_then(|f| f.str_at("username")),
        media_id: media.and_then(|m| m.id_at("id")).or_else(|| v.id_at("media_id")),
        media_product_type: media.and_then(|m| m.str_at("media_product_type")),
        parent_id: v.id_at("parent_id"),
    })
}
