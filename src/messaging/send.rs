//! Sending: a checked request goes out through the one Graph client, at most once unless
//! Meta said nothing was done. A `splitLongText` send is planned whole before its first part
//! goes out, then sent part after part.

use std::future::Future;

use serde::Deserialize;

use super::model::SendRequest;
use super::validate::{plan, Plan, PreparedPart};
use super::wire::{PreparedSend, WireRecipient};
use crate::error::Error;
use crate::graph::pacing::{order::Turn, Class};
use crate::graph::{self, id_string, Auth, CallOptions, Idempotence, Usage};

/// Meta's answer to a send.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct SendResult {
    pub recipient_id: String,
    /// The `mid` of the sent message (of the last part, for a split text); absent for some
    /// sender actions and reactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// What the usage headers said, when they said anything (of the last part's answer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<Usage>,
    /// Present whenever `splitLongText` is true: every part sent, in order (one for a text of
    /// at most 1000 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<SentPart>>,
}

/// One part of a split text that Meta confirmed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct SentPart {
    /// The part's text, exactly as sent.
    pub text: String,
    /// Its `mid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// What a `splitLongText` send had done when one of its parts failed (`InstagramError.partial`).
/// To finish, send `parts.slice(failedIndex)`, or from `failedIndex + 1` when
/// `failedMayBeDelivered` and the conversation shows that part arrived.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PartialSend {
    /// Every part's text, in order.
    pub parts: Vec<String>,
    /// The parts Meta confirmed: `parts[0 .. sent.length)`.
    pub sent: Vec<SentPart>,
    /// `sent.length`: the index in `parts` of the part whose send failed.
    pub failed_index: u32,
    /// True when the failed part may have been delivered all the same: after `TIMEOUT`, a
    /// `NETWORK` failure after the request was written, a bare HTTP 5xx, or a 2xx answer that
    /// did not parse.
    pub failed_may_be_delivered: bool,
}

#[derive(Deserialize)]
struct WireSendResult {
    #[serde(deserialize_with = "id_string")]
    recipient_id: String,
    #[serde(default)]
    message_id: Option<String>,
}

/// `sendMessage` as JavaScript calls it. With pacing on, the call takes its place in its
/// recipient's line now, when it is made (the runtime may start the futures in any order),
/// and the returned future sends only after the previous call to that recipient settled
/// (docs/API-beyond-dms.md, "Client-side pacing"). A wrong request takes no place.
pub fn send_message_in_order(
    req: SendRequest,
    opts: CallOptions,
) -> impl Future<Output = Result<SendResult, Error>> + Send + 'static {
    let turn = if opts.pacing { place_in_line(&req, &opts) } else { None };
    async move {
        let mut turn = turn;
        if let Some(turn) = turn.as_mut() {
            turn.wait(opts.pacing_max_wait).await?;
        }
        let result = send_message(&req, &opts).await;
        // Settled: the next call to this recipient may start.
        drop(turn);
        result
    }
}

/// The place of a valid send in the line of its account and recipient.
fn place_in_line(req: &SendRequest, opts: &CallOptions) -> Option<Turn> {
    let auth = Auth::check(req).ok()?;
    // A split text's parts all go to the one recipient of its first.
    let prepared = match plan(req, &auth).ok()? {
        Plan::Single(prepared) => prepared,
        Plan::Parts(parts) => parts.into_iter().next()?.send,
    };
    let recipient = match &prepared.body.recipient {
        WireRecipient::Id(id) => format!("id:{id}"),
        WireRecipient::CommentId(id) => format!("comment:{id}"),
    };
    Some(Turn::take(auth.account_key(opts, &prepared.account_id), recipient))
}

/// The pacing classes of a send: `send`, plus `sendMedia` for audio or video, plus
/// `privateReply` for a reply to a comment.
fn pacing_classes(req: &SendRequest) -> Vec<Class> {
    let mut classes = vec![Class::Send];
    let attachment = req.message.as_ref().and_then(|m| m.attachment.as_ref()).map(|a| a.type_.as_str());
    if matches!(attachment, Some("audio" | "video")) {
        classes.push(Class::SendMedia);
    }
    if req.recipient.comment_id.is_some() {
        classes.push(Class::PrivateReply);
    }
    classes
}

/// Checks `req` (no request is made when it is wrong, nor when any part of a split text is),
/// then sends it: one request, or each part of a split text after Meta answered the one
/// before it. The first part that fails ends the send with its error and `partial`.
///
/// Retries only what API.md allows for a send: rate limits and Graph errors with code 1, 2
/// or `is_transient` (Meta answered, so nothing was done) and connect failures (nothing was
/// sent). A timeout, a reset after the request was written, or a bare 5xx is never retried:
/// the message may have been delivered.
pub async fn send_message(req: &SendRequest, opts: &CallOptions) -> Result<SendResult, Error> {
    let auth = Auth::check(req)?;
    match plan(req, &auth)? {
        Plan::Single(prepared) => send_prepared(&auth, &prepared, pacing_classes(req), opts).await,
        Plan::Parts(parts) => {
            let mut sent: Vec<SentPart> = Vec::with_capacity(parts.len());
            let mut last = None;
            for (index, part) in parts.iter().enumerate() {
                match send_prepared(&auth, &part.send, pacing_classes(req), opts).await {
                    Ok(result) => {
                        sent.push(SentPart { text: part.text.clone(), message_id: result.message_id.clone() });
                        last = Some(result);
                    }
                    Err(e) => return Err(partial_failure(e, &parts, sent, index)),
                }
            }
            // A plan has at least one part.
            let last = last.ok_or_else(|| Error::invalid("message.text", "nothing to send"))?;
            Ok(SendResult { parts: Some(sent), ..last })
        }
    }
}

/// One prepared request (a whole send, or one part of a split text) through the Graph client.
async fn send_prepared(
    auth: &Auth<'_>,
    prepared: &PreparedSend,
    classes: Vec<Class>,
    opts: &CallOptions,
) -> Result<SendResult, Error> {
    let json =
        serde_json::to_vec(&prepared.body).map_err(|_| Error::invalid("message", "cannot be encoded as JSON"))?;
    let path = [prepared.account_id.as_str(), "messages"];
    let request = auth
        .request(opts, reqwest::Method::POST, &path, &[], Some(json), Idempotence::AtMostOnce)
        .paced(auth.account_key(opts, &prepared.account_id), classes);
    let answer = graph::execute::<WireSendResult>(&request, opts).await?;
    Ok(SendResult {
        recipient_id: answer.body.recipient_id,
        message_id: answer.body.message_id.filter(|m| !m.is_empty()),
        rate_limit: (!answer.usage.is_empty()).then_some(answer.usage),
        parts: None,
    })
}

/// The error of part `index`, carrying what was sent before it.
fn partial_failure(e: Error, parts: &[PreparedPart], sent: Vec<SentPart>, index: usize) -> Error {
    let partial = PartialSend {
        parts: parts.iter().map(|p| p.text.clone()).collect(),
        sent,
        failed_index: u32::try_from(index).unwrap_or(u32::MAX),
        failed_may_be_delivered: e.may_have_been_delivered(),
    };
    Error::PartialSend { source: Box::new(e), partial: Box::new(partial) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::from_json;

    #[test]
    fn pacing_classes_of_a_send() {
        let classes = |v: serde_json::Value| pacing_classes(&from_json::<SendRequest>(v, "req").unwrap());
        let text = serde_json::json!({ "text": "hi" });
        let media = |t: &str| serde_json::json!({ "attachment": { "type": t, "url": "https://x.example/a" } });
        assert_eq!(classes(serde_json::json!({ "recipient": { "id": "1" }, "message": text })), [Class::Send]);
        assert_eq!(
            classes(serde_json::json!({ "recipient": { "id": "1" }, "senderAction": "mark_seen" })),
            [Class::Send]
        );
        assert_eq!(
            classes(serde_json::json!({ "recipient": { "id": "1" }, "message": media("image") })),
            [Class::Send]
        );
        for t in ["audio", "video"] {
            assert_eq!(
                classes(serde_json::json!({ "recipient": { "id": "1" }, "message": media(t) })),
                [Class::Send, Class::SendMedia]
            );
        }
        assert_eq!(
            classes(serde_json::json!({ "recipient": { "commentId": "5" }, "message": text })),
            [Class::Send, Class::PrivateReply]
        );
        assert_eq!(
            classes(serde_json::json!({ "recipient": { "commentId": "5" }, "message": media("video") })),
            [Class::Send, Class::SendMedia, Class::PrivateReply]
        );
    }
}
