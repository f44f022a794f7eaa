//! The body of `POST /{accountId}/messages` exactly as Meta reads it (GRAPH_FACTS.md, "Send
//! bodies"): snake_case JSON, built only by [`prepare`](super::prepare) from a checked request.
//!
//! Every shape is a serde type; the enums make the tags (`type`, `template_type`,
//! `sender_action`, …) impossible to misspell.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::graph::LoginType;
use crate::secret::Secret;

/// A checked request, ready to send: where to, as whom, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedSend {
    /// Which Graph host and token flavour to use (explicit, or by the token's prefix).
    pub login_type: LoginType,
    /// The path segment before `/messages`: `"me"` or ASCII digits.
    pub account_id: String,
    /// The JSON body.
    pub body: WireBody,
}

/// The whole JSON body of a send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireBody {
    /// `{"id": …}` or `{"comment_id": …}`.
    pub recipient: WireRecipient,
    /// Always present for a message (default `RESPONSE`); for sender actions and reactions
    /// only when the caller gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messaging_type: Option<MessagingType>,
    /// Present exactly when `messaging_type` is `MESSAGE_TAG`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<MessageTag>,
    /// `message`, `sender_action`, or `sender_action` + `payload`.
    #[serde(flatten)]
    pub content: WireContent,
}

/// `recipient`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WireRecipient {
    /// `{"id": "<IGSID>"}`.
    Id(String),
    /// `{"comment_id": "<COMMENT_ID>"}`: a private reply.
    CommentId(String),
}

/// `messaging_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessagingType {
    /// An answer within the 24-hour window opened by the user's message.
    Response,
    /// A message the business sends on its own initiative, within the window.
    Update,
    /// A tagged message (`tag` says which), e.g. a human agent within 7 days.
    MessageTag,
}

impl MessagingType {
    /// The API spelling (`RESPONSE`, `UPDATE`, `MESSAGE_TAG`), or `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "RESPONSE" => Some(MessagingType::Response),
            "UPDATE" => Some(MessagingType::Update),
            "MESSAGE_TAG" => Some(MessagingType::MessageTag),
            _ => None,
        }
    }
}

/// `tag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageTag {
    /// A person answers, up to 7 days after the user's last message.
    HumanAgent,
}

impl MessageTag {
    /// The API spelling (`HUMAN_AGENT`), or `None` for anything else.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "HUMAN_AGENT" => Some(MessageTag::HumanAgent),
            _ => None,
        }
    }
}

/// `sender_action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderAction {
    /// Show the typing indicator.
    TypingOn,
    /// Hide the typing indicator.
    TypingOff,
    /// Mark the conversation as seen.
    MarkSeen,
    /// React to a message (with a [`ReactionPayload`]).
    React,
    /// Remove a reaction (with a [`ReactionPayload`] without `reaction`).
    Unreact,
}

impl SenderAction {
    /// One of the caller-facing actions (`typing_on`, `typing_off`, `mark_seen`); `react` and
    /// `unreact` come from `reaction`, not from `senderAction`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "typing_on" => Some(SenderAction::TypingOn),
            "typing_off" => Some(SenderAction::TypingOff),
            "mark_seen" => Some(SenderAction::MarkSeen),
            _ => None,
        }
    }
}

/// What the body carries besides recipient and messaging type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum WireContent {
    /// `"message": {…}`.
    Message {
        /// The message.
        message: WireMessage,
    },
    /// `"sender_action": "typing_on"` and the like.
    SenderAction {
        /// The action.
        sender_action: SenderAction,
    },
    /// `"sender_action": "react"|"unreact", "payload": {"message_id", "reaction"?}`.
    Reaction {
        /// `React` or `Unreact`.
        sender_action: SenderAction,
        /// Which message, and which reaction.
        payload: ReactionPayload,
    },
}

/// `payload` of a reaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReactionPayload {
    /// The `mid` of the message.
    pub message_id: String,
    /// The reaction (`love`); absent for unreact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction: Option<String>,
}

/// `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum WireMessage {
    /// `{"text", "quick_replies"?}`.
    Text {
        /// 1–1000 UTF-8 bytes.
        text: String,
        /// 1–13 quick replies.
        #[serde(skip_serializing_if = "Option::is_none")]
        quick_replies: Option<Vec<WireQuickReply>>,
    },
    /// `{"attachment": {…}}`.
    Attachment {
        /// The one attachment.
        attachment: WireAttachment,
    },
    /// `{"attachments": [{…}, …]}`: several images in one message.
    Attachments {
        /// 1–10 image attachments.
        attachments: Vec<WireAttachment>,
    },
}

/// `quick_replies[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireQuickReply {
    /// Always `"text"`.
    pub content_type: QuickReplyContent,
    /// 1–20 characters.
    pub title: String,
    /// 1–1000 characters.
    pub payload: String,
}

/// `quick_replies[].content_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuickReplyContent {
    /// `"text"`, the only kind Instagram supports.
    Text,
}

/// `attachment`: `{"type": …, "payload": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "payload")]
pub enum WireAttachment {
    /// `"image"`.
    #[serde(rename = "image")]
    Image(MediaSource),
    /// `"audio"`.
    #[serde(rename = "audio")]
    Audio(MediaSource),
    /// `"video"`.
    #[serde(rename = "video")]
    Video(MediaSource),
    /// `"file"`.
    #[serde(rename = "file")]
    File(MediaSource),
    /// `{"type": "like_heart"}`, no payload.
    #[serde(rename = "like_heart")]
    LikeHeart,
    /// `{"type": "MEDIA_SHARE", "payload": {"id"}}`.
    #[serde(rename = "MEDIA_SHARE")]
    MediaShare(MediaSharePayload),
    /// `{"type": "template", "payload": {"template_type", …}}`.
    #[serde(rename = "template")]
    Template(TemplatePayload),
}

/// The payload of a media attachment: `{"url"}` or `{"attachment_id"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// A public URL Meta fetches.
    Url(String),
    /// An attachment uploaded before.
    AttachmentId(String),
}

/// The payload of a media share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaSharePayload {
    /// The post id.
    pub id: String,
}

/// The payload of a template attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "template_type", rename_all = "snake_case")]
pub enum TemplatePayload {
    /// A carousel of cards.
    Generic {
        /// 1–10 cards.
        elements: Vec<WireElement>,
    },
    /// Text with buttons.
    Button {
        /// 1–640 characters.
        text: String,
        /// 1–3 buttons.
        buttons: Vec<WireButton>,
    },
}

/// One card of a generic template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireElement {
    /// 1–80 characters.
    pub title: String,
    /// 1–80 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Card image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// What a tap on the card opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_action: Option<DefaultAction>,
    /// 1–3 buttons.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buttons: Option<Vec<WireButton>>,
}

/// `default_action` of a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DefaultAction {
    /// `{"type": "web_url", "url"}`.
    WebUrl {
        /// Absolute `http(s)` URL.
        url: String,
    },
}

/// A template button (and a persistent-menu item: Meta's `call_to_actions` read back in this shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WireButton {
    /// `{"type": "web_url", "url", "title"}`.
    WebUrl {
        /// Absolute `http(s)` URL.
        url: String,
        /// 1–20 characters.
        title: String,
    },
    /// `{"type": "postback", "title", "payload"}`.
    Postback {
        /// 1–20 characters.
        title: String,
        /// 1–1000 characters.
        payload: String,
    },
}

/// `appsecret_proof` for Facebook-login calls: lowercase hex HMAC-SHA256 of the access token,
/// keyed by the app secret.
pub fn appsecret_proof(token: &Secret, app_secret: &Secret) -> String {
    // HMAC takes a key of any length (longer keys are hashed), so this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(app_secret.expose().as_bytes()).expect("HMAC-SHA256 accepts keys of any length");
    mac.update(token.expose().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
