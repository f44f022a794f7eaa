//! `sendMessage`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::convert::{settled, spawn};
use super::options::request_and_options;
use crate::graph::Usage;
use crate::messaging::{self as core, SendRequest as CoreSendRequest};

// The request types below describe the JS shape for index.d.ts; the value itself is read
// through serde into `crate::messaging::SendRequest`. Unions (`OutgoingMessage`, `Button`,
// the recipient) are type aliases in `index-header.d.ts`.

/// The request of `sendMessage`: exactly one of `message`, `senderAction`, `reaction`.
#[napi(object)]
#[allow(dead_code)]
pub struct SendRequest {
    /// Instagram user token (`IGAA…`) or page token (`EAA…`), sent as `Authorization: Bearer`.
    pub access_token: String,
    /// IG account id (instagram login) or page id (facebook login): `"me"` (default) or digits.
    pub account_id: Option<String>,
    /// Default: `'facebook'` for a token starting `EAA`, else `'instagram'`.
    pub login_type: Option<super::token::LoginType>,
    /// Facebook login: adds `appsecret_proof` (HMAC-SHA256 of the token keyed by this secret).
    pub app_secret: Option<String>,
    /// `{ id }` (an Instagram-scoped user id) or `{ commentId }` (a private reply to a comment).
    #[napi(ts_type = "Recipient")]
    pub recipient: serde_json::Value,
    /// A message (exactly one content kind).
    #[napi(ts_type = "OutgoingMessage")]
    pub message: Option<serde_json::Value>,
    /// A typing indicator or read receipt.
    #[napi(ts_type = "'typing_on' | 'typing_off' | 'mark_seen'")]
    pub sender_action: Option<String>,
    /// React to a message; without `reaction`, remove the reaction (unreact).
    pub reaction: Option<Reaction>,
    /// Default `'RESPONSE'` for messages.
    #[napi(ts_type = "'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG'")]
    pub messaging_type: Option<String>,
    /// Requires `messagingType: 'MESSAGE_TAG'`; `HUMAN_AGENT` allows answers up to 7 days
    /// after the user's last message.
    #[napi(ts_type = "'HUMAN_AGENT'")]
    pub tag: Option<String>,
}

/// A reaction to a message.
#[napi(object)]
#[allow(dead_code)]
pub struct Reaction {
    /// The `mid` of the message to react to.
    pub message_id: String,
    /// The reaction, e.g. `"love"`; absent → unreact.
    pub reaction: Option<String>,
}

/// A text message, optionally with quick replies.
#[napi(object)]
#[allow(dead_code)]
pub struct TextMessage {
    /// 1–1000 UTF-8 bytes.
    pub text: String,
    /// 1–13 quick replies (an empty array is an error).
    pub quick_replies: Option<Vec<QuickReply>>,
}

/// A quick-reply button under a text.
#[napi(object)]
#[allow(dead_code)]
pub struct QuickReply {
    /// 1–20 characters.
    pub title: String,
    /// 1–1000 characters, sent back in the webhook's `quickReplyPayload`.
    pub payload: String,
}

/// One image, audio, video or file, by URL or by a previously uploaded attachment id.
#[napi(object)]
#[allow(dead_code)]
pub struct AttachmentMessage {
    pub attachment: MessageAttachment,
}

/// An attachment: exactly one of `url` / `attachmentId`.
#[napi(object)]
#[allow(dead_code)]
pub struct MessageAttachment {
    #[napi(ts_type = "'image' | 'audio' | 'video' | 'file'")]
    pub r#type: String,
    /// Absolute http(s) URL.
    pub url: Option<String>,
    pub attachment_id: Option<String>,
}

/// Several images in one message.
#[napi(object)]
#[allow(dead_code)]
pub struct ImagesMessage {
    /// 1–10 absolute http(s) image URLs.
    pub images: Vec<String>,
}

/// The heart sticker.
#[napi(object)]
#[allow(dead_code)]
pub struct StickerMessage {
    #[napi(ts_type = "'like_heart'")]
    pub sticker: String,
}

/// Shares one of the account's posts.
#[napi(object)]
#[allow(dead_code)]
pub struct MediaShareMessage {
    pub media_share: MediaShare,
}

#[napi(object)]
#[allow(dead_code)]
pub struct MediaShare {
    /// The id of the post to share.
    pub post_id: String,
}

/// A carousel of 1–10 elements.
#[napi(object)]
#[allow(dead_code)]
pub struct GenericTemplateMessage {
    pub generic_template: GenericTemplate,
}

#[napi(object)]
#[allow(dead_code)]
pub struct GenericTemplate {
    /// 1–10 elements.
    pub elements: Vec<TemplateElement>,
}

/// One card of a generic template.
#[napi(object)]
#[allow(dead_code)]
pub struct TemplateElement {
    /// 1–80 characters.
    pub title: String,
    /// At most 80 characters.
    pub subtitle: Option<String>,
    /// Absolute http(s) URL.
    pub image_url: Option<String>,
    /// Opened when the card is tapped; absolute http(s) URL.
    pub default_action_url: Option<String>,
    /// At most 3 buttons.
    #[napi(ts_type = "Array<Button>")]
    pub buttons: Option<Vec<serde_json::Value>>,
}

/// A text with 1–3 buttons.
#[napi(object)]
#[allow(dead_code)]
pub struct ButtonTemplateMessage {
    pub button_template: ButtonTemplate,
}

#[napi(object)]
#[allow(dead_code)]
pub struct ButtonTemplate {
    /// 1–640 characters.
    pub text: String,
    /// 1–3 buttons.
    #[napi(ts_type = "Array<Button>")]
    pub buttons: Vec<serde_json::Value>,
}

/// What the usage headers said about rate limits (percentages; throttling at 100).
#[napi(object)]
pub struct RateLimitInfo {
    /// `x-app-usage` `call_count` (or `call_volume`), percent.
    pub app_call_count_pct: Option<f64>,
    /// The highest `call_count` of `x-business-use-case-usage`, percent.
    pub business_call_count_pct: Option<f64>,
    /// `estimated_time_to_regain_access` (sent in minutes), in milliseconds.
    pub estimated_time_to_regain_access_ms: Option<f64>,
}

impl From<Usage> for RateLimitInfo {
    fn from(u: Usage) -> Self {
        RateLimitInfo {
            app_call_count_pct: u.app_call_count_pct,
            business_call_count_pct: u.business_call_count_pct,
            estimated_time_to_regain_access_ms: u.estimated_time_to_regain_access_ms.map(|ms| ms as f64),
        }
    }
}

/// Meta's answer to a send.
#[napi(object)]
pub struct SendResult {
    pub recipient_id: String,
    /// The `mid` of the sent message; absent for some sender actions and reactions.
    pub message_id: Option<String>,
    pub rate_limit: Option<RateLimitInfo>,
}

impl From<core::SendResult> for SendResult {
    fn from(r: core::SendResult) -> Self {
        SendResult {
            recipient_id: r.recipient_id,
            message_id: r.message_id,
            rate_limit: r.rate_limit.map(RateLimitInfo::from),
        }
    }
}

/// Sends a message, a sender action or a reaction. Checked before any network call (each
/// mistake an `INVALID_ARGUMENT` naming the field, e.g. `message.quickReplies[13]`), then
/// `POST /{apiVersion}/{accountId}/messages`. Never sent twice: a timeout or a connection
/// lost after the request was written is not retried (`TIMEOUT` / `NETWORK`; the message
/// may have been delivered).
#[napi(ts_args_type = "req: SendRequest, options?: CallOptions")]
pub fn send_message<'env>(
    env: &'env Env,
    req: Unknown,
    options: Option<Unknown>,
) -> Result<PromiseRaw<'env, SendResult>> {
    match request_and_options::<CoreSendRequest>(env, req, options) {
        Err(e) => settled(env, Err(e)),
        Ok((req, opts)) => spawn(env, async move { core::send_message(&req, &opts).await }, SendResult::from),
    }
}
