//! Outgoing messages: the request as JavaScript passes it ([`model`]), its checks
//! ([`prepare`]), and Meta's wire JSON ([`wire`]). Pure Rust: no napi, no network.
//!
//! ```text
//! serde_json::Value ──input::from_json──▶ SendRequest
//!                   ──prepare──▶ PreparedSend { login_type, account_id, body: WireBody }
//! ```
//!
//! Decisions where API.md is open:
//! - `recipient.id` and `recipient.commentId` must be ASCII digits (IGSIDs, PSIDs and comment
//!   ids are numeric); `accountId` must be `"me"` (the default) or ASCII digits, since it goes
//!   into the URL path.
//! - `accessToken` must be printable ASCII without spaces (it goes into a header).
//! - Optional strings, when given, must be non-empty (`subtitle`, `reaction.reaction`,
//!   `appSecret`, `attachmentId`); an empty optional list (`elements[i].buttons`) is refused
//!   like an empty `quickReplies`.
//! - `images` with one URL is sent as Meta's single `attachment`, two to ten as `attachments`.
//! - A `web_url` button with a `payload`, or a `postback` button with a `url`, is refused.
//! - A comment reply (`recipient.commentId`) must be a message, not a sender action/reaction.
//! - URLs are sent exactly as given (not normalised); surrounding spaces and control
//!   characters are refused rather than silently stripped.
//! - Unknown request fields are ignored; `null` counts as absent for optional fields.

pub(crate) mod check;
mod content;
pub mod model;
mod seen;
mod send;
pub mod split;
mod validate;
pub mod window;
pub mod wire;

pub(crate) use content::button_titled;
pub use content::{
    MAX_BUTTONS, MAX_BUTTON_TEMPLATE_TEXT_CHARS, MAX_BUTTON_TITLE_CHARS, MAX_ELEMENTS, MAX_ELEMENT_TEXT_CHARS,
    MAX_IMAGES, MAX_PAYLOAD_CHARS, MAX_QUICK_REPLIES, MAX_TEXT_BYTES,
};
pub use model::SendRequest;
pub use seen::{as_send as seen_as_send, mark_seen, MarkSeenRequest, MarkSeenResult};
pub use send::{send_message, send_message_in_order, PartialSend, SendResult, SentPart};
pub use split::{split_text, MAX_TEXT_PARTS};
pub use validate::prepare;
pub use window::{messaging_window, MessagingWindow, WindowOptions, WindowRequest};
pub use wire::{appsecret_proof, PreparedSend, WireBody};

#[cfg(test)]
mod tests;
