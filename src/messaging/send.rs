//! Sending: a checked request goes out through the one Graph client, at most once unless
//! Meta said nothing was done.

use serde::Deserialize;

use super::model::SendRequest;
use super::validate::prepare_authed;
use crate::error::Error;
use crate::graph::{self, id_string, Auth, CallOptions, Idempotence, Usage};

/// Meta's answer to a send.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct SendResult {
    pub recipient_id: String,
    /// The `mid` of the sent message; absent for some sender actions and reactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// What the usage headers said, when they said anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<Usage>,
}

#[derive(Deserialize)]
struct WireSendResult {
    #[serde(deserialize_with = "id_string")]
    recipient_id: String,
    #[serde(default)]
    message_id: Option<String>,
}

/// Checks `req` (no request is made when it is wrong), then sends it.
///
/// Retries only what API.md allows for a send: rate limits and Graph errors with code 1, 2
/// or `is_transient` (Meta answered, so nothing was done) and connect failures (nothing was
/// sent). A timeout, a reset after the request was written, or a bare 5xx is never retried:
/// the message may have been delivered.
pub async fn send_message(req: &SendRequest, opts: &CallOptions) -> Result<SendResult, Error> {
    let auth = Auth::check(req)?;
    let prepared = prepare_authed(req, &auth)?;
    let json =
        serde_json::to_vec(&prepared.body).map_err(|_| Error::invalid("message", "cannot be encoded as JSON"))?;
    let path = [prepared.account_id.as_str(), "messages"];
    let request = auth.request(opts, reqwest::Method::POST, &path, &[], Some(json), Idempotence::AtMostOnce);
    let answer = graph::execute::<WireSendResult>(&request, opts).await?;
    Ok(SendResult {
        recipient_id: answer.body.recipient_id,
        message_id: answer.body.message_id.filter(|m| !m.is_empty()),
        rate_limit: (!answer.usage.is_empty()).then_some(answer.usage),
    })
}
