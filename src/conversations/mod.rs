//! The conversation context an AI agent needs (docs/API-beyond-dms.md, "Conversation
//! context"): the inbox (`listConversations`) and the newest messages of one conversation
//! (`getMessages`). Both are idempotent reads (retried like the account calls) and bounded in
//! requests: at most 5 pages per `listConversations`, at most 22 requests per `getMessages`;
//! every request is paced in the `conversations` class (2 a second per account).
//!
//! Paging follows Meta's `paging.cursors.after` only, never a `paging.next` URL (the URL is
//! rebuilt on the configured base, so the token goes nowhere else).

mod wire;

use crate::error::Error;
use crate::graph::pacing::Class;
use crate::graph::{
    self, account_id, auth_request, numeric_id, opaque_id, Auth, CallOptions, GraphRequest, Idempotence,
};
use wire::{WireConversation, WireConversationMessages, WireMessage, WirePage};

/// The most requests one `listConversations` call makes.
pub const MAX_LIST_REQUESTS: usize = 5;
/// `listConversations`' `limit`: 1–100, default 25.
pub const MAX_LIST_LIMIT: u32 = 100;
pub const DEFAULT_LIST_LIMIT: u32 = 25;
/// `getMessages`' `limit`: 1–20 (Meta details only the 20 newest messages), default 20.
pub const MAX_MESSAGES_LIMIT: u32 = 20;
/// The longest conversation / message id accepted, in characters.
pub const MAX_ID_CHARS: usize = 512;
/// The longest paging cursor accepted, in characters.
pub const MAX_CURSOR_CHARS: usize = 2048;

/// The fields of a conversation asked for.
pub const CONVERSATION_FIELDS: &str = "id,updated_time,participants";
/// The fields of a message asked for (in the expansion and in the per-message fallback).
pub const MESSAGE_FIELDS: &str = "id,created_time,from,to,message,attachments,shares,story";

auth_request! {
    /// The request of `listConversations`.
    pub struct ListConversationsRequest {
        /// `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login).
        pub account_id: Option<String>,
        /// Conversations to return: an integer 1–100, default 25.
        pub limit: Option<f64>,
        /// The `nextCursor` of an earlier call: 1–2048 visible ASCII characters.
        pub after: Option<String>,
    }
}

auth_request! {
    /// The request of `getMessages`: exactly one of `conversationId` / `userId`.
    pub struct GetMessagesRequest {
        /// `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login).
        pub account_id: Option<String>,
        /// The conversation (an id of `listConversations`): 1–512 visible ASCII characters.
        pub conversation_id: Option<String>,
        /// The person (IGSID, ASCII digits): the conversation with them; sets `direction`.
        pub user_id: Option<String>,
        /// Messages to return, newest first: an integer 1–20, default 20.
        pub limit: Option<f64>,
    }
}

/// One side of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct Participant {
    /// The IGSID (the account's own id for its side).
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// A conversation of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct Conversation {
    /// Opaque id, for `getMessages`' `conversationId`.
    pub id: String,
    /// Epoch ms of the newest message (absent when Meta omits it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Both sides, the account's own included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<Vec<Participant>>,
}

/// The result of `listConversations`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct ConversationPage {
    /// In Meta's order (most recently active first).
    pub conversations: Vec<Conversation>,
    /// Present exactly when Meta announced a further page: pass it as `after`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Who sent a message, seen from the `userId` of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "MessageDirection"))]
pub enum Direction {
    /// Sent by the person (`userId`).
    Incoming,
    /// Sent by the account.
    Outgoing,
}

/// What an attachment of a past message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "ConversationAttachmentType"))]
pub enum AttachmentKind {
    Image,
    Video,
    Audio,
    File,
    Share,
    Story,
    Unknown,
}

/// An attachment of a past message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct ConversationAttachment {
    /// `image_data` → image, `video_data` → video, `audio_data` → audio, `file_url` → file,
    /// `shares` → share, `story` (mention or reply) → story, anything else → unknown.
    #[serde(rename = "type")]
    pub kind: AttachmentKind,
    /// The media, share or story URL (never for `unknown`); Meta's media URLs expire.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A past message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct ConversationMessage {
    /// The mid, as webhook events carry it.
    pub id: String,
    /// Epoch ms.
    pub created_at: i64,
    pub sender_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient_id: Option<String>,
    /// Set when `userId` was given: `incoming` = sent by that person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// Absent for attachment-only messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<ConversationAttachment>>,
}

/// The result of `getMessages`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct MessageHistory {
    /// The conversation read; absent when `userId` has no conversation with the account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// Newest first (by `createdAt`; ties in Meta's order), at most `limit`.
    pub messages: Vec<ConversationMessage>,
}

/// An optional integer count within `1..=max`.
fn count(field: &str, given: Option<f64>, default: u32, max: u32) -> Result<u32, Error> {
    match given {
        None => Ok(default),
        Some(n) if n.fract() == 0.0 && n >= 1.0 && n <= f64::from(max) => Ok(n as u32),
        Some(_) => Err(Error::invalid(field, format!("must be an integer from 1 to {max}"))),
    }
}

/// `GET {base}/{v}/{path…}?{query}`: an idempotent read, paced in the `conversations` class of
/// `account` (every request of these calls is).
fn read<'a>(
    auth: &'a Auth<'_>,
    opts: &CallOptions,
    account: &str,
    path: &[&str],
    query: &[(&str, &str)],
) -> GraphRequest<'a> {
    auth.request(opts, reqwest::Method::GET, path, query, None, Idempotence::Repeatable)
        .paced(auth.account_key(opts, account), vec![Class::Conversations])
}

/// `GET {base}/{v}/{accountId}/conversations?platform=instagram&fields=…&limit=…[&after=…]`,
/// following `paging.cursors.after` until `limit`, the last page, or 5 requests.
pub async fn list_conversations(req: &ListConversationsRequest, opts: &CallOptions) -> Result<ConversationPage, Error> {
    let auth = Auth::check(req)?;
    let account = account_id(req.account_id.as_deref())?;
    let limit = count("limit", req.limit, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)? as usize;
    let mut cursor = match &req.after {
        Some(after) => Some(opaque_id("after", after, MAX_CURSOR_CHARS)?.to_string()),
        None => None,
    };
    let mut conversations = Vec::new();
    let mut next_cursor = None;
    for _ in 0..MAX_LIST_REQUESTS {
        let want = (limit - conversations.len()).to_string();
        let mut query = vec![("platform", "instagram"), ("fields", CONVERSATION_FIELDS), ("limit", want.as_str())];
        query.extend(cursor.as_deref().map(|c| ("after", c)));
        let request = read(&auth, opts, account, &[account, "conversations"], &query);
        let page = graph::execute::<WirePage<WireConversation>>(&request, opts).await?.body;
        for c in page.data {
            conversations.push(c.into_conversation()?);
        }
        next_cursor = next_page(page.paging, cursor.as_deref())?;
        match &next_cursor {
            Some(next) if conversations.len() < limit => cursor = Some(next.clone()),
            _ => break,
        }
    }
    Ok(ConversationPage { conversations, next_cursor })
}

/// The cursor of the page after this one: `None` when Meta announced none (no `paging.next`)
/// or handed back the cursor it was asked with (which would loop).
fn next_page(paging: Option<wire::WirePaging>, asked: Option<&str>) -> Result<Option<String>, Error> {
    let paging = paging.unwrap_or_default();
    if paging.next.as_ref().is_none_or(serde_json::Value::is_null) {
        return Ok(None);
    }
    let after = paging.cursors.and_then(|c| c.after).filter(|a| !a.is_empty());
    match after {
        None => {
            Err(Error::bad_response(Some(200), "a further page announced (paging.next) without paging.cursors.after"))
        }
        Some(after) if Some(after.as_str()) == asked => Ok(None),
        Some(after) => Ok(Some(after)),
    }
}

/// With `userId`: the conversation with that person (`None`: there is none). Then
/// `GET {base}/{v}/{conversationId}?fields=messages.limit(n){…}`, each message listed without
/// its details read by id, sorted newest first.
pub async fn get_messages(req: &GetMessagesRequest, opts: &CallOptions) -> Result<MessageHistory, Error> {
    let auth = Auth::check(req)?;
    let account = account_id(req.account_id.as_deref())?;
    let limit = count("limit", req.limit, MAX_MESSAGES_LIMIT, MAX_MESSAGES_LIMIT)? as usize;
    let (conversation, user) = match (&req.conversation_id, &req.user_id) {
        (Some(_), Some(_)) => return Err(Error::invalid("userId", "give either conversationId or userId, not both")),
        (None, None) => return Err(Error::invalid("conversationId", "give conversationId or userId")),
        (Some(id), None) => (opaque_id("conversationId", id, MAX_ID_CHARS)?.to_string(), None),
        (None, Some(user)) => {
            let user = numeric_id("userId", user, "Instagram-scoped user id")?;
            match conversation_with(&auth, opts, account, user).await? {
                Some(id) => (id, Some(user)),
                None => return Ok(MessageHistory { conversation_id: None, messages: Vec::new() }),
            }
        }
    };
    let fields = format!("messages.limit({limit}){{{MESSAGE_FIELDS}}}");
    let request = read(&auth, opts, account, &[conversation.as_str()], &[("fields", fields.as_str())]);
    let answer = graph::execute::<WireConversationMessages>(&request, opts).await?.body;
    let mut messages = Vec::new();
    for listed in answer.messages.map(|m| m.data).unwrap_or_default().into_iter().take(limit) {
        let message = if listed.lacks_details() { read_message(&auth, opts, account, listed).await? } else { listed };
        messages.push(message.into_message(user)?);
    }
    // Stable: ties keep Meta's order.
    messages.sort_by_key(|m| std::cmp::Reverse(m.created_at));
    Ok(MessageHistory { conversation_id: Some(conversation), messages })
}

/// `GET …/{accountId}/conversations?platform=instagram&user_id=…`: the first conversation's id.
async fn conversation_with(
    auth: &Auth<'_>,
    opts: &CallOptions,
    account: &str,
    user: &str,
) -> Result<Option<String>, Error> {
    let query = [("platform", "instagram"), ("user_id", user), ("fields", "id")];
    let request = read(auth, opts, account, &[account, "conversations"], &query);
    let page = graph::execute::<WirePage<WireConversation>>(&request, opts).await?.body;
    match page.data.into_iter().next() {
        None => Ok(None),
        Some(c) => Ok(Some(c.into_conversation()?.id)),
    }
}

/// The fallback: `GET {base}/{v}/{messageId}?fields=…` for a message listed by id only.
async fn read_message(
    auth: &Auth<'_>,
    opts: &CallOptions,
    account: &str,
    listed: WireMessage,
) -> Result<WireMessage, Error> {
    let Some(id) = listed.id.filter(|id| !id.is_empty()) else {
        return Err(Error::bad_response(Some(200), "a message without an id"));
    };
    let request = read(auth, opts, account, &[id.as_str()], &[("fields", MESSAGE_FIELDS)]);
    graph::execute::<WireMessage>(&request, opts).await.map(|a| a.body)
}

#[cfg(test)]
mod tests;
