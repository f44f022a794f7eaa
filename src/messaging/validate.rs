//! Checking a [`SendRequest`] against API.md's rules and turning it into a [`PreparedSend`].
//!
//! Pure: no network, no clock. Every refusal is an `INVALID_ARGUMENT` whose field is the JS
//! path (`recipient.id`, `message.quickReplies[13]`) and whose problem names the limit. No
//! problem text ever repeats a value the caller passed, so neither the access token nor the
//! app secret can leak through one, wherever the caller put them.

use crate::error::Error;
use crate::graph::{account_id, numeric_id, Auth};

use super::content::{self, MAX_TEXT_BYTES};
use super::model::{ReactionInput, Recipient, SendRequest};
use super::split::split_text;
use super::wire::{
    MessageTag, MessagingType, PreparedSend, ReactionPayload, SenderAction, WireBody, WireContent, WireRecipient,
};

/// Checks a send request and builds its wire body; the first rule broken is the error.
pub fn prepare(req: &SendRequest) -> Result<PreparedSend, Error> {
    prepare_authed(req, &Auth::check(req)?)
}

/// What `send_message` sends, every request checked before the first goes out.
pub(super) enum Plan {
    /// One request (no `splitLongText`).
    Single(PreparedSend),
    /// `splitLongText`: one request per part of the text, in order (one for a short text).
    Parts(Vec<PreparedPart>),
}

/// One part of a split text and its request.
pub(super) struct PreparedPart {
    /// The part's text, as its request carries it.
    pub text: String,
    /// The request: the whole send's fields with this text, and `quickReplies` only on the last.
    pub send: PreparedSend,
}

/// [`prepare_authed`] for `sendMessage`: with `splitLongText`, a `message.text` over
/// [`MAX_TEXT_BYTES`] is cut into parts (see [`split`](super::split)) and each part checked
/// as a whole send. Refused (`message.text`) for a private reply that would need splitting:
/// Meta allows one message per comment. `splitLongText` is refused without `message.text`.
pub(super) fn plan(req: &SendRequest, auth: &Auth<'_>) -> Result<Plan, Error> {
    if req.split_long_text != Some(true) {
        return prepare_authed(req, auth).map(Plan::Single);
    }
    let Some(text) = req.message.as_ref().and_then(|m| m.text.as_deref()) else {
        // The request's own mistakes first (no message, two kinds, …).
        prepare_authed(req, auth)?;
        return Err(Error::invalid("splitLongText", "only allowed with message.text"));
    };
    if text.len() <= MAX_TEXT_BYTES {
        let send = prepare_authed(req, auth)?;
        return Ok(Plan::Parts(vec![PreparedPart { text: text.to_string(), send }]));
    }
    if req.recipient.comment_id.is_some() && req.recipient.id.is_none() {
        return Err(Error::invalid(
            "message.text",
            format!(
                "must be 1 to {MAX_TEXT_BYTES} UTF-8 bytes (got {}) in a private reply: Meta allows one message per comment, so it cannot be split",
                text.len()
            ),
        ));
    }
    let texts = split_text(text).map_err(|e| e.within("message"))?;
    let last = texts.len() - 1;
    let parts = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let send = prepare_authed(&part_request(req, &text, i == last), auth)?;
            Ok(PreparedPart { text, send })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Plan::Parts(parts))
}

/// The request of one part: `req` with `text`, and its quick replies only on the last part.
fn part_request(req: &SendRequest, text: &str, last: bool) -> SendRequest {
    let mut part = req.clone();
    if let Some(message) = part.message.as_mut() {
        message.text = Some(text.to_string());
        if !last {
            message.quick_replies = None;
        }
    }
    part
}

/// [`prepare`] after the `AuthFields` were checked.
pub(super) fn prepare_authed(req: &SendRequest, auth: &Auth<'_>) -> Result<PreparedSend, Error> {
    let account_id = account_id(req.account_id.as_deref())?.to_string();
    let recipient = recipient(&req.recipient).map_err(|e| e.within("recipient"))?;
    let content = content_of(req)?;
    let (messaging_type, tag) = messaging_type_and_tag(req)?;

    let is_message = matches!(content, WireContent::Message { .. });
    if matches!(recipient, WireRecipient::CommentId(_)) && !is_message {
        return Err(Error::invalid(
            "recipient.commentId",
            "a private reply to a comment must be a message, not a sender action or reaction",
        ));
    }
    // A message always states its type (RESPONSE unless told otherwise); sender actions and
    // reactions carry one only when the caller chose it.
    let messaging_type =
        if is_message { Some(messaging_type.unwrap_or(MessagingType::Response)) } else { messaging_type };

    Ok(PreparedSend {
        login_type: auth.login_type,
        account_id,
        body: WireBody { recipient, messaging_type, tag, content },
    })
}

/// Exactly one of `id` / `commentId`, each ASCII digits (IGSIDs, PSIDs and comment ids are).
fn recipient(r: &Recipient) -> Result<WireRecipient, Error> {
    match (&r.id, &r.comment_id) {
        (Some(id), None) => numeric("id", id, "Instagram-scoped user id").map(WireRecipient::Id),
        (None, Some(id)) => numeric("commentId", id, "comment id").map(WireRecipient::CommentId),
        (Some(_), Some(_)) => Err(Error::invalid("", "must have exactly one of id or commentId, not both")),
        (None, None) => Err(Error::invalid("", "must have id or commentId")),
    }
}

fn numeric(field: &str, id: &str, what: &str) -> Result<String, Error> {
    numeric_id(field, id, what).map(str::to_string)
}

/// Exactly one of `message` / `senderAction` / `reaction`, checked and converted.
fn content_of(req: &SendRequest) -> Result<WireContent, Error> {
    let given: Vec<&str> = [
        ("message", req.message.is_some()),
        ("senderAction", req.sender_action.is_some()),
        ("reaction", req.reaction.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect();
    if let [first, second, ..] = given.as_slice() {
        return Err(Error::invalid(
            *second,
            format!("cannot be combined with {first}: send exactly one of message, senderAction or reaction"),
        ));
    }

    if let Some(message) = &req.message {
        let message = content::message(message).map_err(|e| e.within("message"))?;
        Ok(WireContent::Message { message })
    } else if let Some(action) = &req.sender_action {
        let sender_action = SenderAction::parse(action)
            .ok_or_else(|| Error::invalid("senderAction", "must be typing_on, typing_off or mark_seen"))?;
        Ok(WireContent::SenderAction { sender_action })
    } else if let Some(reaction) = &req.reaction {
        reaction_content(reaction).map_err(|e| e.within("reaction"))
    } else {
        Err(Error::invalid("message", "one of message, senderAction or reaction is required"))
    }
}

/// `react` with a reaction, `unreact` without one.
fn reaction_content(r: &ReactionInput) -> Result<WireContent, Error> {
    let message_id = match r.message_id.as_deref() {
        None => return Err(Error::invalid("messageId", "is required")),
        Some("") => return Err(Error::invalid("messageId", "must not be empty")),
        Some(id) => id.to_string(),
    };
    if r.reaction.as_deref() == Some("") {
        return Err(Error::invalid("reaction", "must not be empty; omit it to remove the reaction"));
    }
    let sender_action = if r.reaction.is_some() { SenderAction::React } else { SenderAction::Unreact };
    Ok(WireContent::Reaction { sender_action, payload: ReactionPayload { message_id, reaction: r.reaction.clone() } })
}

/// `messagingType` and `tag`: known values, and a tag exactly with `MESSAGE_TAG`.
fn messaging_type_and_tag(req: &SendRequest) -> Result<(Option<MessagingType>, Option<MessageTag>), Error> {
    let messaging_type = match req.messaging_type.as_deref() {
        None => None,
        Some(value) => Some(
            MessagingType::parse(value)
                .ok_or_else(|| Error::invalid("messagingType", "must be RESPONSE, UPDATE or MESSAGE_TAG"))?,
        ),
    };
    let tag = match req.tag.as_deref() {
        None => None,
        Some(value) => Some(MessageTag::parse(value).ok_or_else(|| Error::invalid("tag", "must be HUMAN_AGENT"))?),
    };
    match (messaging_type, tag) {
        (Some(MessagingType::MessageTag), None) => {
            Err(Error::invalid("tag", "is required with messagingType MESSAGE_TAG"))
        }
        (Some(MessagingType::MessageTag), Some(_)) | (_, None) => Ok((messaging_type, tag)),
        (_, Some(_)) => Err(Error::invalid("tag", "only allowed with messagingType MESSAGE_TAG")),
    }
}
