//! The comment kit (docs/API-beyond-dms.md, "Comments"): a public reply under a comment,
//! hiding or unhiding it, deleting it. A private reply is a send (`sendMessage` with
//! `recipient: { commentId }`).
//!
//! Retry classes: the reply and the delete are *writes* (never repeated after a timeout, a
//! reset or a bare 5xx: a second reply would be a duplicate, a second delete Meta's error);
//! hiding is idempotent.

use serde::Deserialize;
use serde_json::json;

use crate::error::Error;
use crate::graph::{self, auth_request, id_string, numeric_id, Auth, CallOptions, Idempotence, SuccessAnswer};

auth_request! {
    /// The request of `replyToComment`.
    pub struct ReplyToCommentRequest {
        /// The comment to answer publicly: ASCII digits.
        #[serde(default)]
        pub comment_id: String,
        /// The reply's text; must contain a non-whitespace character. Its maximum length is not
        /// documented by Meta and not checked here.
        #[serde(default)]
        pub text: String,
    }
}

auth_request! {
    /// The request of `hideComment`.
    pub struct HideCommentRequest {
        /// The comment to hide or unhide: ASCII digits.
        #[serde(default)]
        pub comment_id: String,
        /// `true` (the default) hides the comment, `false` shows it again.
        pub hide: Option<bool>,
    }
}

auth_request! {
    /// The request of `deleteComment`.
    pub struct DeleteCommentRequest {
        /// The comment to delete (on the account's own media, or its own comment): ASCII digits.
        #[serde(default)]
        pub comment_id: String,
    }
}

/// The new reply of `replyToComment`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct CommentReply {
    /// The id of the reply (a comment id), always a string.
    pub id: String,
}

/// The result of `hideComment`: the state now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct HideCommentResult {
    pub comment_id: String,
    /// `true` when the comment is hidden now.
    pub hidden: bool,
}

/// The result of `deleteComment`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct DeleteCommentResult {
    pub comment_id: String,
    /// Always `true`: a delete that was not done rejects.
    #[cfg_attr(test, ts(type = "true"))]
    pub deleted: bool,
}

#[derive(Deserialize)]
struct WireId {
    #[serde(deserialize_with = "id_string")]
    id: String,
}

/// `POST {base}/{v}/{commentId}/replies` with `{"message": text}`.
pub async fn reply_to_comment(req: &ReplyToCommentRequest, opts: &CallOptions) -> Result<CommentReply, Error> {
    let auth = Auth::check(req)?;
    let comment_id = numeric_id("commentId", &req.comment_id, "comment id")?;
    if req.text.trim().is_empty() {
        return Err(Error::invalid("text", "must contain a non-whitespace character"));
    }
    let body = json!({ "message": req.text });
    let request = auth.request(
        opts,
        reqwest::Method::POST,
        &[comment_id, "replies"],
        &[],
        Some(body.to_string().into_bytes()),
        Idempotence::AtMostOnce,
    );
    let answer = graph::execute::<WireId>(&request, opts).await?.body;
    if answer.id.is_empty() {
        return Err(Error::bad_response(Some(200), "the reply's id is empty"));
    }
    Ok(CommentReply { id: answer.id })
}

/// `POST {base}/{v}/{commentId}` with `{"hide": true|false}`.
pub async fn hide_comment(req: &HideCommentRequest, opts: &CallOptions) -> Result<HideCommentResult, Error> {
    let auth = Auth::check(req)?;
    let comment_id = numeric_id("commentId", &req.comment_id, "comment id")?;
    let hide = req.hide.unwrap_or(true);
    let request = auth.request(
        opts,
        reqwest::Method::POST,
        &[comment_id],
        &[],
        Some(json!({ "hide": hide }).to_string().into_bytes()),
        Idempotence::Repeatable,
    );
    graph::execute::<SuccessAnswer>(&request, opts).await?.body.done()?;
    Ok(HideCommentResult { comment_id: comment_id.to_string(), hidden: hide })
}

/// `DELETE {base}/{v}/{commentId}`.
pub async fn delete_comment(req: &DeleteCommentRequest, opts: &CallOptions) -> Result<DeleteCommentResult, Error> {
    let auth = Auth::check(req)?;
    let comment_id = numeric_id("commentId", &req.comment_id, "comment id")?;
    let request = auth.request(opts, reqwest::Method::DELETE, &[comment_id], &[], None, Idempotence::AtMostOnce);
    graph::execute::<SuccessAnswer>(&request, opts).await?.body.done()?;
    Ok(DeleteCommentResult { comment_id: comment_id.to_string(), deleted: true })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::from_json;

    #[test]
    fn requests_read_with_field_paths() {
        let req: ReplyToCommentRequest =
            from_json(serde_json::json!({ "accessToken": "IGAAx", "commentId": "17", "text": "hi" }), "req").unwrap();
        assert_eq!((req.comment_id.as_str(), req.text.as_str()), ("17", "hi"));
        let e = from_json::<HideCommentRequest>(serde_json::json!({ "accessToken": "IGAAx", "hide": "yes" }), "req")
            .unwrap_err();
        assert!(e.to_string().starts_with("hide:"), "{e}");
    }

    #[tokio::test]
    async fn checked_before_the_network() {
        // An unroutable base URL: every check below must fail before any request.
        let opts = CallOptions::default();
        let req = |comment: &str, text: &str| ReplyToCommentRequest {
            access_token: crate::secret::Secret::new("IGAAx"),
            comment_id: comment.into(),
            text: text.into(),
            ..Default::default()
        };
        let field = |e: Error| match e {
            Error::InvalidArgument { field, .. } => field,
            other => panic!("{other}"),
        };
        assert_eq!(field(reply_to_comment(&req("", "hi"), &opts).await.unwrap_err()), "commentId");
        assert_eq!(field(reply_to_comment(&req("1/2", "hi"), &opts).await.unwrap_err()), "commentId");
        assert_eq!(field(reply_to_comment(&req("12", " \n\t"), &opts).await.unwrap_err()), "text");
        let del = DeleteCommentRequest { comment_id: "12".into(), ..Default::default() };
        assert_eq!(field(delete_comment(&del, &opts).await.unwrap_err()), "accessToken");
    }
}
