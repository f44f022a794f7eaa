//! The request-level and content rules: exactly-one choices, enum values, ids.

use serde_json::{json, Value};

use super::{bad, field, ok, refused, TOKEN};

fn req(extra: Value) -> Value {
    let mut r = json!({ "accessToken": TOKEN, "recipient": { "id": "123" } });
    if let (Some(r), Some(extra)) = (r.as_object_mut(), extra.as_object()) {
        r.extend(extra.clone());
    }
    r
}

#[test]
fn exactly_one_of_message_sender_action_reaction() {
    assert_eq!(field(req(json!({}))), "message");
    let (f, problem) = refused(req(json!({ "message": { "text": "x" }, "senderAction": "typing_on" })));
    assert_eq!(f, "senderAction");
    assert!(problem.contains("message"));
    assert_eq!(field(req(json!({ "message": { "text": "x" }, "reaction": { "messageId": "m" } }))), "reaction");
    assert_eq!(field(req(json!({ "senderAction": "typing_on", "reaction": { "messageId": "m" } }))), "reaction");
}

#[test]
fn exactly_one_content_kind() {
    bad(json!({}), "message");
    bad(json!({ "text": "x", "attachment": { "type": "image", "url": "https://x.example" } }), "message");
    bad(json!({ "images": ["https://x.example"], "sticker": "like_heart" }), "message");
    bad(json!({ "quickReplies": [{ "title": "a", "payload": "b" }] }), "message.quickReplies");
    bad(json!({ "sticker": "like_heart", "quickReplies": [{ "title": "a", "payload": "b" }] }), "message.quickReplies");
}

#[test]
fn attachment_rules() {
    bad(json!({ "attachment": { "type": "sticker", "url": "https://x.example" } }), "message.attachment.type");
    bad(json!({ "attachment": { "type": "IMAGE", "url": "https://x.example" } }), "message.attachment.type");
    bad(json!({ "attachment": { "url": "https://x.example" } }), "message.attachment.type");
    bad(json!({ "attachment": { "type": "image" } }), "message.attachment");
    bad(
        json!({ "attachment": { "type": "image", "url": "https://x.example", "attachmentId": "1" } }),
        "message.attachment",
    );
    bad(json!({ "attachment": { "type": "file", "attachmentId": "" } }), "message.attachment.attachmentId");
}

#[test]
fn sticker_and_media_share() {
    bad(json!({ "sticker": "thumbs_up" }), "message.sticker");
    bad(json!({ "sticker": "" }), "message.sticker");
    bad(json!({ "mediaShare": { "postId": "" } }), "message.mediaShare.postId");
    bad(json!({ "mediaShare": {} }), "message.mediaShare.postId");
}

#[test]
fn sender_action_values() {
    for wrong in ["typing", "TYPING_ON", "react", "unreact", ""] {
        assert_eq!(field(req(json!({ "senderAction": wrong }))), "senderAction");
    }
}

#[test]
fn reaction_rules() {
    assert_eq!(field(req(json!({ "reaction": {} }))), "reaction.messageId");
    assert_eq!(field(req(json!({ "reaction": { "messageId": "" } }))), "reaction.messageId");
    assert_eq!(field(req(json!({ "reaction": { "messageId": "m", "reaction": "" } }))), "reaction.reaction");
}

#[test]
fn messaging_type_and_tag() {
    let m = json!({ "text": "x" });
    for wrong in ["response", "MESSAGE", ""] {
        assert_eq!(field(req(json!({ "message": m, "messagingType": wrong }))), "messagingType");
    }
    assert_eq!(field(req(json!({ "message": m, "messagingType": "MESSAGE_TAG" }))), "tag");
    assert_eq!(field(req(json!({ "message": m, "messagingType": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE" }))), "tag");
    assert_eq!(field(req(json!({ "message": m, "tag": "HUMAN_AGENT" }))), "tag");
    assert_eq!(field(req(json!({ "message": m, "messagingType": "RESPONSE", "tag": "HUMAN_AGENT" }))), "tag");
}

#[test]
fn recipient_rules() {
    let m = json!({ "text": "x" });
    let with = |recipient: Value| json!({ "accessToken": TOKEN, "recipient": recipient, "message": m });
    assert_eq!(field(json!({ "accessToken": TOKEN, "message": m })), "recipient");
    assert_eq!(field(with(json!({}))), "recipient");
    assert_eq!(field(with(json!({ "id": "1", "commentId": "2" }))), "recipient");
    assert_eq!(field(with(json!({ "id": "" }))), "recipient.id");
    assert_eq!(field(with(json!({ "id": "@someone" }))), "recipient.id");
    assert_eq!(field(with(json!({ "id": "123 " }))), "recipient.id");
    assert_eq!(field(with(json!({ "commentId": "" }))), "recipient.commentId");
    assert_eq!(field(with(json!({ "commentId": "17x" }))), "recipient.commentId");
    // A private reply is a message.
    let comment =
        json!({ "accessToken": TOKEN, "recipient": { "commentId": "17858893269000001" }, "senderAction": "typing_on" });
    assert_eq!(field(comment), "recipient.commentId");
}

#[test]
fn account_id_goes_into_the_path() {
    let m = json!({ "text": "x" });
    for good in ["me", "17841400000000000"] {
        assert!(super::send(req(json!({ "message": m, "accountId": good }))).is_ok());
    }
    for wrong in ["", "../me", "me/messages?x=1", "1234 ", "ME", "12a"] {
        assert_eq!(field(req(json!({ "message": m, "accountId": wrong }))), "accountId");
    }
}

#[test]
fn access_token_and_app_secret() {
    let m = json!({ "text": "x" });
    assert_eq!(field(json!({ "recipient": { "id": "1" }, "message": m })), "accessToken");
    assert_eq!(field(json!({ "accessToken": "", "recipient": { "id": "1" }, "message": m })), "accessToken");
    assert_eq!(field(json!({ "accessToken": "IGAAabc\n", "recipient": { "id": "1" }, "message": m })), "accessToken");
    assert_eq!(field(req(json!({ "message": m, "appSecret": "" }))), "appSecret");
    ok(json!({ "text": "fine" }));
}
