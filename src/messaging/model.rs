//! The send request exactly as JavaScript passes it (API.md, "Sending").
//!
//! These structs only describe the shape: every value is kept as the caller wrote it, and
//! enum-like values (`senderAction`, `messagingType`, `tag`, attachment and button `type`,
//! `sticker`) stay strings so that [`prepare`](super::prepare) can refuse an unknown one with
//! the exact field path. Required strings default to empty when missing, so a missing field
//! and an empty one get the same precise `INVALID_ARGUMENT` from validation.
//!
//! Unknown fields are ignored, as a JavaScript caller expects of an options object.

use serde::Deserialize;

use crate::graph::LoginType;
use crate::secret::Secret;

/// The request of `sendMessage`: exactly one of `message`, `senderAction`, `reaction`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct SendRequest {
    /// Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`.
    /// Required, non-empty.
    #[serde(default)]
    pub access_token: Secret,
    /// IG professional account id (instagram login) or page id (facebook login): `"me"` or
    /// ASCII digits. Default `"me"`.
    pub account_id: Option<String>,
    /// Default: `facebook` for a token starting `EAA`, else `instagram`.
    pub login_type: Option<LoginType>,
    /// Facebook login only: adds `appsecret_proof` to the request.
    pub app_secret: Option<Secret>,
    /// `{ id }` (an Instagram-scoped user id) or `{ commentId }` (a private reply to a comment).
    #[serde(default)]
    #[cfg_attr(test, ts(type = "{ id: string } | { commentId: string }"))]
    pub recipient: Recipient,
    /// A message; exactly one of `message` / `senderAction` / `reaction`.
    #[cfg_attr(test, ts(optional, type = "OutgoingMessage"))]
    pub message: Option<OutgoingMessage>,
    /// A typing indicator or read receipt.
    #[cfg_attr(test, ts(optional, type = "'typing_on' | 'typing_off' | 'mark_seen'"))]
    pub sender_action: Option<String>,
    /// React to (or, without `reaction`, unreact from) a message.
    #[cfg_attr(test, ts(optional, type = "{ messageId: string; reaction?: string }"))]
    pub reaction: Option<ReactionInput>,
    /// Messages default to `'RESPONSE'`.
    #[cfg_attr(test, ts(optional, type = "'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG'"))]
    pub messaging_type: Option<String>,
    /// Only with `messagingType: 'MESSAGE_TAG'`, which requires it; `HUMAN_AGENT` allows
    /// answers up to 7 days after the user's last message.
    #[cfg_attr(test, ts(optional, type = "'HUMAN_AGENT'"))]
    pub tag: Option<String>,
    /// Default `false`: a `message.text` over 1000 UTF-8 bytes is `INVALID_ARGUMENT`. `true`:
    /// such a text is cut into at most 10 parts of at most 1000 bytes (at line breaks, between
    /// words, at other Unicode line-break opportunities, never inside a grapheme cluster;
    /// whitespace at a cut is dropped), all checked before the first is sent, then sent one
    /// after the other (`quickReplies` with the last). Only with `message.text`; a private reply
    /// (`recipient.commentId`) cannot be split. The result lists the `parts`; a failed part
    /// rejects with `partial` set.
    pub split_long_text: Option<bool>,
}

impl crate::graph::Authed for SendRequest {
    fn auth_fields(&self) -> (&Secret, Option<LoginType>, Option<&Secret>) {
        (&self.access_token, self.login_type, self.app_secret.as_ref())
    }
}

/// `recipient`: `{ id }` (an IGSID / PSID) or `{ commentId }` (a private reply to a comment).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
pub struct Recipient {
    /// Instagram-scoped user id: ASCII digits.
    pub id: Option<String>,
    /// Comment to answer privately: ASCII digits.
    pub comment_id: Option<String>,
}

/// `reaction`: `{ messageId, reaction? }`; without `reaction` the existing reaction is removed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
pub struct ReactionInput {
    /// The `mid` of the message reacted to. Required, non-empty.
    pub message_id: Option<String>,
    /// The reaction, e.g. `love`; non-empty when given. Absent means unreact.
    pub reaction: Option<String>,
}

/// `OutgoingMessage` in TypeScript: the union of the content kinds below (written here
/// because the struct holds every kind as an option, and `prepare` checks there is one).
#[cfg(test)]
pub const OUTGOING_MESSAGE_TS: &str = "
  | { text: string; quickReplies?: QuickReply[] }
  | { attachment: MessageAttachment }
  | { images: string[] }
  | { sticker: 'like_heart' }
  | { mediaShare: MediaShare }
  | { genericTemplate: GenericTemplate }
  | { buttonTemplate: ButtonTemplate }";

/// `message`: exactly one content kind (`text`, `attachment`, `images`, `sticker`,
/// `mediaShare`, `genericTemplate`, `buttonTemplate`); `quickReplies` only with `text`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
pub struct OutgoingMessage {
    /// 1–1000 UTF-8 bytes.
    pub text: Option<String>,
    /// 1–13 quick replies, only with `text`.
    pub quick_replies: Option<Vec<QuickReply>>,
    /// One image, audio, video or file, by URL or by uploaded attachment id.
    pub attachment: Option<AttachmentInput>,
    /// 1–10 image URLs sent as one message.
    pub images: Option<Vec<String>>,
    /// Only `like_heart`.
    pub sticker: Option<String>,
    /// Share one of the account's posts.
    pub media_share: Option<MediaShare>,
    /// A carousel of 1–10 cards.
    pub generic_template: Option<GenericTemplate>,
    /// Text with 1–3 buttons.
    pub button_template: Option<ButtonTemplate>,
}

/// A quick reply button under a text message.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct QuickReply {
    /// 1–20 characters.
    #[serde(default)]
    pub title: String,
    /// 1–1000 characters, sent back in the webhook when tapped.
    #[serde(default)]
    pub payload: String,
}

/// `message.attachment`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "MessageAttachment"))]
pub struct AttachmentInput {
    #[serde(rename = "type", default)]
    #[cfg_attr(test, ts(type = "'image' | 'audio' | 'video' | 'file'"))]
    pub type_: String,
    /// Absolute `http(s)` URL Meta fetches; exactly one of `url` / `attachmentId`.
    pub url: Option<String>,
    /// Id of an attachment uploaded before; exactly one of `url` / `attachmentId`.
    pub attachment_id: Option<String>,
}

/// `message.mediaShare`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct MediaShare {
    /// Id of the post to share. Required, non-empty.
    #[serde(default)]
    pub post_id: String,
}

/// `message.genericTemplate`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct GenericTemplate {
    /// 1–10 cards.
    #[serde(default)]
    pub elements: Vec<TemplateElement>,
}

/// One card of a generic template.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct TemplateElement {
    /// 1–80 characters.
    #[serde(default)]
    pub title: String,
    /// 1–80 characters when given.
    pub subtitle: Option<String>,
    /// Absolute `http(s)` URL of the card image.
    pub image_url: Option<String>,
    /// Absolute `http(s)` URL opened when the card is tapped.
    pub default_action_url: Option<String>,
    /// 1–3 buttons when given.
    #[cfg_attr(test, ts(optional, type = "Button[]"))]
    pub buttons: Option<Vec<Button>>,
}

/// `message.buttonTemplate`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct ButtonTemplate {
    /// 1–640 characters.
    #[serde(default)]
    pub text: String,
    /// 1–3 buttons.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "Button[]"))]
    pub buttons: Vec<Button>,
}

/// `Button` in TypeScript: one shape per button type.
#[cfg(test)]
pub const BUTTON_TS: &str = "
  | { type: 'web_url'; title: string; url: string }
  | { type: 'postback'; title: string; payload: string }";

/// A template button: `{ type: 'web_url', title, url }` or `{ type: 'postback', title, payload }`.
/// Also a persistent-menu item (`MenuItem`, titles up to 30 characters), which reads back in
/// the same shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
pub struct Button {
    /// `web_url` or `postback`.
    #[serde(rename = "type", default)]
    pub type_: String,
    /// 1–20 characters.
    #[serde(default)]
    pub title: String,
    /// `web_url` only (and required there): absolute `http(s)` URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `postback` only (and required there): 1–1000 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
}
