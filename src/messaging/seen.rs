//! `markSeen` (docs/API-beyond-dms.md): exactly `sendMessage` with `recipient: { id: userId }`
//! and `senderAction: 'mark_seen'` — the same wire body, checks, errors and retry class (a
//! write). Its own export because it is its own AI-agent tool.

use std::future::Future;

use super::model::{Recipient, SendRequest};
use super::send::send_message_in_order;
use crate::error::Error;
use crate::graph::{account_id, auth_request, numeric_id, Auth, CallOptions};

auth_request! {
    /// The request of `markSeen`.
    pub struct MarkSeenRequest {
        /// `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login).
        pub account_id: Option<String>,
        /// The person whose messages are marked as seen (IGSID): ASCII digits.
        #[serde(default)]
        pub user_id: String,
    }
}

/// The result of `markSeen`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct MarkSeenResult {
    /// The IGSID Meta answered for (`recipient_id`).
    pub recipient_id: String,
}

/// The `sendMessage` request `markSeen` stands for.
pub fn as_send(req: &MarkSeenRequest) -> Result<SendRequest, Error> {
    // In the order sendMessage checks, but under markSeen's own field names.
    Auth::check(req)?;
    account_id(req.account_id.as_deref())?;
    numeric_id("userId", &req.user_id, "Instagram-scoped user id")?;
    Ok(SendRequest {
        access_token: req.access_token.clone(),
        account_id: req.account_id.clone(),
        login_type: req.login_type,
        app_secret: req.app_secret.clone(),
        recipient: Recipient { id: Some(req.user_id.clone()), comment_id: None },
        sender_action: Some("mark_seen".into()),
        ..Default::default()
    })
}

/// `POST {base}/{v}/{accountId}/messages` with `{"recipient":{"id":…},"sender_action":"mark_seen"}`,
/// in its recipient's line as `sendMessage` is (the place taken now, when the call is made).
pub fn mark_seen(
    req: MarkSeenRequest,
    opts: CallOptions,
) -> impl Future<Output = Result<MarkSeenResult, Error>> + Send + 'static {
    let send = as_send(&req).map(|send| send_message_in_order(send, opts));
    async move {
        let sent = send?.await?;
        Ok(MarkSeenResult { recipient_id: sent.recipient_id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::from_json;
    use crate::messaging::prepare;

    #[test]
    fn the_same_wire_body_as_send_message() {
        let req: MarkSeenRequest =
            from_json(serde_json::json!({ "accessToken": "EAAx", "accountId": "91", "userId": "17" }), "req").unwrap();
        let mine = prepare(&as_send(&req).unwrap()).unwrap();
        let theirs: SendRequest = from_json(
            serde_json::json!({ "accessToken": "EAAx", "accountId": "91", "recipient": { "id": "17" }, "senderAction": "mark_seen" }),
            "req",
        )
        .unwrap();
        let theirs = prepare(&theirs).unwrap();
        assert_eq!(serde_json::to_value(&mine.body).unwrap(), serde_json::to_value(&theirs.body).unwrap());
        assert_eq!(
            serde_json::to_value(&mine.body).unwrap(),
            serde_json::json!({ "recipient": { "id": "17" }, "sender_action": "mark_seen" })
        );
        assert_eq!((mine.account_id.as_str(), mine.login_type), ("91", crate::graph::LoginType::Facebook));
    }

    #[test]
    fn fields_are_named_as_in_mark_seen() {
        let field = |v: serde_json::Value| match as_send(&from_json::<MarkSeenRequest>(v, "req").unwrap()) {
            Err(Error::InvalidArgument { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(serde_json::json!({ "accessToken": "IGAAx" })), "userId");
        assert_eq!(field(serde_json::json!({ "accessToken": "IGAAx", "userId": "1 2" })), "userId");
        assert_eq!(field(serde_json::json!({ "accessToken": "IGAAx", "userId": "1", "accountId": "" })), "accountId");
        assert_eq!(field(serde_json::json!({ "userId": "1" })), "accessToken");
    }
}
