//! The normalised event model: one [`WebhookEvent`] per item of a webhook body.
//!
//! Field names mirror API.md's `WebhookEvent` in snake_case; the `Serialize` impls produce the
//! JavaScript shape exactly (camelCase keys, absent fields omitted): the result JavaScript
//! gets is these types serialised, nothing else. An event borrows from the body it came
//! from (strings without escapes, and `raw`), so normalising copies no text.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

use super::json::Json;

/// What kind of update an event is. Serialises as the lowercase string of API.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    /// An incoming message (text, attachments, quick reply, reply, referral).
    Message,
    /// A message your own account sent (`message.is_echo: true`).
    MessageEcho,
    /// A message the user deleted (`message.is_deleted: true`).
    MessageDeleted,
    /// A message Meta cannot show through the API (`message.is_unsupported: true`).
    MessageUnsupported,
    /// A message the user edited (`message_edit`); the new text is in `text`.
    MessageEdit,
    /// A tap on a postback button or an icebreaker.
    Postback,
    /// A reaction added to or removed from a message.
    Reaction,
    /// The user read the conversation up to a message.
    Read,
    /// The user entered the conversation through an ad, a link or a ref parameter.
    Referral,
    /// An opt-in (notification messages, …).
    Optin,
    /// Thread control passed, taken or requested (`*_thread_control`).
    Handover,
    /// `changes[]` field `comments`.
    Comment,
    /// `changes[]` field `live_comments`.
    LiveComment,
    /// `changes[]` field `mentions`.
    Mention,
    /// `changes[]` field `story_insights`.
    StoryInsights,
    /// Anything else: the item is kept whole in `raw`.
    Unknown,
}

impl EventType {
    /// Every type, in the order of API.md.
    pub const ALL: [EventType; 16] = [
        EventType::Message,
        EventType::MessageEcho,
        EventType::MessageDeleted,
        EventType::MessageUnsupported,
        EventType::MessageEdit,
        EventType::Postback,
        EventType::Reaction,
        EventType::Read,
        EventType::Referral,
        EventType::Optin,
        EventType::Handover,
        EventType::Comment,
        EventType::LiveComment,
        EventType::Mention,
        EventType::StoryInsights,
        EventType::Unknown,
    ];

    /// The string JavaScript sees as `event.type`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Message => "message",
            EventType::MessageEcho => "message_echo",
            EventType::MessageDeleted => "message_deleted",
            EventType::MessageUnsupported => "message_unsupported",
            EventType::MessageEdit => "message_edit",
            EventType::Postback => "postback",
            EventType::Reaction => "reaction",
            EventType::Read => "read",
            EventType::Referral => "referral",
            EventType::Optin => "optin",
            EventType::Handover => "handover",
            EventType::Comment => "comment",
            EventType::LiveComment => "live_comment",
            EventType::Mention => "mention",
            EventType::StoryInsights => "story_insights",
            EventType::Unknown => "unknown",
        }
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a router sends an event: the n8n trigger's outputs, in their order. Computed here,
/// once, from the event's type and fields (docs/API-beyond-dms.md, "Changes to verifyWebhook").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    /// A message that is none of the kinds below.
    Message,
    /// A postback (button, ice breaker, menu item) or a message with a quick-reply payload.
    Postback,
    /// A message answering a story (`replyTo.storyId` or `replyTo.storyUrl`).
    StoryReply,
    /// A message with a `story_mention` attachment.
    StoryMention,
    /// A reaction added or removed.
    Reaction,
    /// A read receipt.
    Read,
    /// A comment or a live comment.
    Comment,
    /// Everything else (echoes, edits, deletions, referrals, opt-ins, handovers, mentions, …).
    Other,
}

impl Route {
    /// Every route, in the order of the trigger's outputs.
    pub const ALL: [Route; 8] = [
        Route::Message,
        Route::Postback,
        Route::StoryReply,
        Route::StoryMention,
        Route::Reaction,
        Route::Read,
        Route::Comment,
        Route::Other,
    ];

    /// The string JavaScript sees as `event.route`.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Message => "message",
            Route::Postback => "postback",
            Route::StoryReply => "story_reply",
            Route::StoryMention => "story_mention",
            Route::Reaction => "reaction",
            Route::Read => "read",
            Route::Comment => "comment",
            Route::Other => "other",
        }
    }

    /// The route of `ev`, from the fields normalisation filled in. For a message, the first
    /// that applies: a story mention, a story reply, a quick-reply payload, a plain message.
    pub fn of(ev: &WebhookEvent) -> Route {
        match ev.event_type {
            EventType::Message => {
                let attachments = ev.attachments.as_deref().unwrap_or_default();
                if attachments.iter().any(|a| a.type_ == "story_mention") {
                    Route::StoryMention
                } else if ev.reply_to.as_ref().is_some_and(|r| r.story_id.is_some() || r.story_url.is_some()) {
                    Route::StoryReply
                } else if ev.quick_reply_payload.is_some() {
                    Route::Postback
                } else {
                    Route::Message
                }
            }
            EventType::Postback => Route::Postback,
            EventType::Reaction => Route::Reaction,
            EventType::Read => Route::Read,
            EventType::Comment | EventType::LiveComment => Route::Comment,
            EventType::MessageEcho
            | EventType::MessageDeleted
            | EventType::MessageUnsupported
            | EventType::MessageEdit
            | EventType::Referral
            | EventType::Optin
            | EventType::Handover
            | EventType::Mention
            | EventType::StoryInsights
            | EventType::Unknown => Route::Other,
        }
    }
}

impl Serialize for Route {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One normalised webhook update.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct WebhookEvent<'a> {
    /// 32 lowercase hex digits, stable across Meta's redeliveries of the same item: derived
    /// from the entry id, the list the item came in (`messaging`, `standby`, `changes`) and
    /// the item's canonical JSON. Dedupe on it.
    pub id: String,
    /// What kind of update this is.
    #[serde(rename = "type")]
    #[cfg_attr(test, ts(type = "WebhookEventType"))]
    pub event_type: EventType,
    /// Where a router sends the event: the n8n trigger's output for it (`webhookRoutes`).
    #[cfg_attr(test, ts(type = "WebhookRoute"))]
    pub route: Route,
    /// 32 lowercase hex digits, equal for Meta's redeliveries of one event even when their
    /// bytes differ: comments are keyed by their comment id, messages and echoes by their
    /// `mid`, every other event by its `id`. Deduplicate on this.
    pub dedupe_key: String,
    /// `entry[].id`: your own professional account (exact decimal string; `""` if absent).
    pub account_id: Cow<'a, str>,
    /// Epoch milliseconds. Messaging items: their `timestamp` (ms), else the entry's `time`;
    /// `changes[]` items: the entry's `time` (seconds) × 1000.
    pub timestamp: i64,
    /// `sender.id` (IGSID of the user, or your account for an echo).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_id: Option<Cow<'a, str>>,
    /// `recipient.id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_id: Option<Cow<'a, str>>,
    /// True when the item came in `entry[].standby[]` (another app owns the thread).
    pub standby: bool,
    /// The `mid` of the message concerned (messages, edits, postbacks, reactions, reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Cow<'a, str>>,
    /// The message text (for an edit: the new text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Cow<'a, str>>,
    /// The message's attachments, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment<'a>>>,
    /// `message.quick_reply.payload`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quick_reply_payload: Option<Cow<'a, str>>,
    /// What the message replies to (a message or a story).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<ReplyTo<'a>>,
    /// The postback's title and payload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postback: Option<Postback<'a>>,
    /// The reaction (present when `action` is `react` or `unreact`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Reaction<'a>>,
    /// The referral (top-level `referral`, or one inside a message or postback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<Referral<'a>>,
    /// The comment of a `comment`, `live_comment` or `mention` event (present when it has an id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<Comment<'a>>,
    /// `changes[].field` for every `changes[]` event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<Cow<'a, str>>,
    /// The original `messaging[]` / `standby[]` / `changes[]` item, as `JSON.parse` gives it:
    /// keys in the body's order; numbers as serde_json reads them (an integer above 2^53 is
    /// rounded by JavaScript: the typed id fields above keep it exact).
    #[cfg_attr(test, ts(type = "unknown"))]
    pub raw: Json<'a>,
}

/// One attachment of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "WebhookAttachment"))]
pub struct Attachment<'a> {
    /// `audio`, `file`, `image`, `share`, `story_mention`, `video`, `ig_reel`, `reel`, … as
    /// Meta sent it (`"unknown"` when Meta sent no type).
    #[serde(rename = "type")]
    pub type_: Cow<'a, str>,
    /// `payload.url` (a CDN URL; Meta's expire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Cow<'a, str>>,
    /// `payload.title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Cow<'a, str>>,
    /// `payload.reel_video_id` (reels), else `payload.id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Cow<'a, str>>,
}

/// What a message replies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "WebhookReplyTo"))]
pub struct ReplyTo<'a> {
    /// `reply_to.mid`: the message replied to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<Cow<'a, str>>,
    /// `reply_to.story.id`: the story replied to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub story_id: Option<Cow<'a, str>>,
    /// `reply_to.story.url`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub story_url: Option<Cow<'a, str>>,
}

/// A postback button tap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "WebhookPostback"))]
pub struct Postback<'a> {
    /// The button's title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<Cow<'a, str>>,
    /// The button's payload, as the sender set it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<Cow<'a, str>>,
}

/// Whether a reaction was added or removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReactionAction {
    /// A reaction was added.
    React,
    /// A reaction was removed.
    Unreact,
}

impl ReactionAction {
    /// `"react"` or `"unreact"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionAction::React => "react",
            ReactionAction::Unreact => "unreact",
        }
    }
}

impl Serialize for ReactionAction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A reaction to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "WebhookReaction"))]
pub struct Reaction<'a> {
    /// Added or removed.
    #[cfg_attr(test, ts(type = "'react' | 'unreact'"))]
    pub action: ReactionAction,
    /// The reaction's name (`love`, `other`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Cow<'a, str>>,
    /// The emoji itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emoji: Option<Cow<'a, str>>,
}

/// How the user came into the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "WebhookReferral"))]
pub struct Referral<'a> {
    /// The `ref` parameter of the link.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub ref_: Option<Cow<'a, str>>,
    /// `ADS`, `SHORTLINK`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Cow<'a, str>>,
    /// `OPEN_THREAD`, …
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<Cow<'a, str>>,
    /// `ad_id` for a click-to-message ad.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ad_id: Option<Cow<'a, str>>,
}

/// A comment (or the comment of a mention).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "WebhookComment"))]
pub struct Comment<'a> {
    /// `value.id` (Instagram login) or `value.comment_id` (Facebook login, mentions).
    pub id: Cow<'a, str>,
    /// The comment's text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Cow<'a, str>>,
    /// `value.from.id`: the commenter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_id: Option<Cow<'a, str>>,
    /// `value.from.username`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_username: Option<Cow<'a, str>>,
    /// `value.media.id` (or `value.media_id` for mentions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_id: Option<Cow<'a, str>>,
    /// `value.media.media_product_type` (`FEED`, `REELS`, `AD`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_product_type: Option<Cow<'a, str>>,
    /// `value.parent_id`: the comment this one replies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Cow<'a, str>>,
}
