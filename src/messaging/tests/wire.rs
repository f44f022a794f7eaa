//! The exact wire JSON of every kind (GRAPH_FACTS.md, "Send bodies").

use serde_json::json;

use super::{body, ok, send, TOKEN};
use crate::graph::LoginType;

#[test]
fn text() {
    assert_eq!(
        ok(json!({ "text": "Hi" })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE", "message": { "text": "Hi" } })
    );
}

#[test]
fn text_with_quick_replies() {
    let m = json!({ "text": "Pick", "quickReplies": [
        { "title": "Red", "payload": "R" }, { "title": "Blue", "payload": "B" } ] });
    assert_eq!(
        ok(m),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE", "message": {
            "text": "Pick",
            "quick_replies": [
                { "content_type": "text", "title": "Red", "payload": "R" },
                { "content_type": "text", "title": "Blue", "payload": "B" } ] } })
    );
}

#[test]
fn one_attachment_by_url_of_each_type() {
    for kind in ["image", "audio", "video", "file"] {
        let url = format!("https://cdn.example.com/a.{kind}");
        assert_eq!(
            ok(json!({ "attachment": { "type": kind, "url": url } })),
            json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE",
                    "message": { "attachment": { "type": kind, "payload": { "url": url } } } })
        );
    }
}

#[test]
fn attachment_by_id() {
    assert_eq!(
        ok(json!({ "attachment": { "type": "video", "attachmentId": "987654" } })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE",
                "message": { "attachment": { "type": "video", "payload": { "attachment_id": "987654" } } } })
    );
}

#[test]
fn several_images() {
    assert_eq!(
        ok(json!({ "images": ["https://x.example/1.jpg", "http://x.example/2.png"] })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE", "message": { "attachments": [
            { "type": "image", "payload": { "url": "https://x.example/1.jpg" } },
            { "type": "image", "payload": { "url": "http://x.example/2.png" } } ] } })
    );
}

#[test]
fn one_image_is_a_single_attachment() {
    assert_eq!(
        ok(json!({ "images": ["https://x.example/1.jpg"] })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE",
                "message": { "attachment": { "type": "image", "payload": { "url": "https://x.example/1.jpg" } } } })
    );
}

#[test]
fn sticker() {
    assert_eq!(
        ok(json!({ "sticker": "like_heart" })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE",
                "message": { "attachment": { "type": "like_heart" } } })
    );
}

#[test]
fn media_share() {
    assert_eq!(
        ok(json!({ "mediaShare": { "postId": "17900000000000001" } })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE",
                "message": { "attachment": { "type": "MEDIA_SHARE", "payload": { "id": "17900000000000001" } } } })
    );
}

#[test]
fn generic_template() {
    let m = json!({ "genericTemplate": { "elements": [
        { "title": "Shoe", "subtitle": "Red, size 42", "imageUrl": "https://x.example/shoe.jpg",
          "defaultActionUrl": "https://shop.example/shoe",
          "buttons": [
            { "type": "web_url", "title": "Buy", "url": "https://shop.example/buy" },
            { "type": "postback", "title": "Later", "payload": "LATER_1" } ] },
        { "title": "Bare card" } ] } });
    assert_eq!(
        ok(m),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE", "message": { "attachment": {
            "type": "template",
            "payload": { "template_type": "generic", "elements": [
                { "title": "Shoe", "subtitle": "Red, size 42", "image_url": "https://x.example/shoe.jpg",
                  "default_action": { "type": "web_url", "url": "https://shop.example/shoe" },
                  "buttons": [
                    { "type": "web_url", "url": "https://shop.example/buy", "title": "Buy" },
                    { "type": "postback", "title": "Later", "payload": "LATER_1" } ] },
                { "title": "Bare card" } ] } } } })
    );
}

#[test]
fn button_template() {
    let m = json!({ "buttonTemplate": { "text": "What next?", "buttons": [
        { "type": "postback", "title": "Talk to us", "payload": "HUMAN" },
        { "type": "web_url", "title": "Site", "url": "https://example.com" } ] } });
    assert_eq!(
        ok(m),
        json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE", "message": { "attachment": {
            "type": "template",
            "payload": { "template_type": "button", "text": "What next?", "buttons": [
                { "type": "postback", "title": "Talk to us", "payload": "HUMAN" },
                { "type": "web_url", "url": "https://example.com", "title": "Site" } ] } } } })
    );
}

#[test]
fn sender_actions_carry_no_default_messaging_type() {
    for action in ["typing_on", "typing_off", "mark_seen"] {
        assert_eq!(
            body(json!({ "accessToken": TOKEN, "recipient": { "id": "123" }, "senderAction": action })),
            json!({ "recipient": { "id": "123" }, "sender_action": action })
        );
    }
}

#[test]
fn sender_action_with_an_explicit_messaging_type() {
    assert_eq!(
        body(json!({ "accessToken": TOKEN, "recipient": { "id": "123" }, "senderAction": "mark_seen",
                     "messagingType": "UPDATE" })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "UPDATE", "sender_action": "mark_seen" })
    );
}

#[test]
fn reaction_and_unreact() {
    assert_eq!(
        body(json!({ "accessToken": TOKEN, "recipient": { "id": "123" },
                     "reaction": { "messageId": "aWdfZAG1", "reaction": "love" } })),
        json!({ "recipient": { "id": "123" }, "sender_action": "react",
                "payload": { "message_id": "aWdfZAG1", "reaction": "love" } })
    );
    assert_eq!(
        body(json!({ "accessToken": TOKEN, "recipient": { "id": "123" },
                     "reaction": { "messageId": "aWdfZAG1" } })),
        json!({ "recipient": { "id": "123" }, "sender_action": "unreact",
                "payload": { "message_id": "aWdfZAG1" } })
    );
    // JS `null` counts as absent.
    assert_eq!(
        body(json!({ "accessToken": TOKEN, "recipient": { "id": "123" },
                     "reaction": { "messageId": "aWdfZAG1", "reaction": null } }))["sender_action"],
        "unreact"
    );
}

#[test]
fn private_reply_to_a_comment() {
    assert_eq!(
        body(json!({ "accessToken": TOKEN, "recipient": { "commentId": "17858893269000001" },
                     "message": { "text": "Thanks!" } })),
        json!({ "recipient": { "comment_id": "17858893269000001" }, "messaging_type": "RESPONSE",
                "message": { "text": "Thanks!" } })
    );
}

#[test]
fn human_agent() {
    assert_eq!(
        body(json!({ "accessToken": TOKEN, "recipient": { "id": "123" }, "message": { "text": "Hello, Ana here" },
                     "messagingType": "MESSAGE_TAG", "tag": "HUMAN_AGENT" })),
        json!({ "recipient": { "id": "123" }, "messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT",
                "message": { "text": "Hello, Ana here" } })
    );
}

#[test]
fn update_messaging_type_on_a_message() {
    assert_eq!(
        body(json!({ "accessToken": TOKEN, "recipient": { "id": "123" }, "message": { "text": "x" },
                     "messagingType": "UPDATE" }))["messaging_type"],
        "UPDATE"
    );
}

#[test]
fn account_and_login_type() {
    let p = send(json!({ "accessToken": TOKEN, "recipient": { "id": "1" }, "message": { "text": "x" } })).unwrap();
    assert_eq!((p.login_type, p.account_id.as_str()), (LoginType::Instagram, "me"));
    let p = send(json!({ "accessToken": "EAAGpagetoken", "accountId": "1122334455",
                         "recipient": { "id": "1" }, "message": { "text": "x" } }))
    .unwrap();
    assert_eq!((p.login_type, p.account_id.as_str()), (LoginType::Facebook, "1122334455"));
    let p = send(json!({ "accessToken": "EAAGpagetoken", "loginType": "instagram", "accountId": "me",
                         "recipient": { "id": "1" }, "message": { "text": "x" } }))
    .unwrap();
    assert_eq!((p.login_type, p.account_id.as_str()), (LoginType::Instagram, "me"));
}

#[test]
fn urls_are_sent_as_given() {
    let url = "https://Example.com";
    assert_eq!(
        ok(json!({ "attachment": { "type": "image", "url": url } }))["message"]["attachment"]["payload"]["url"],
        url
    );
}
