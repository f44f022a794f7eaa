//! Every limit at its edge: the last allowed value passes, the next is refused at the exact path.

use serde_json::{json, Value};

use super::{bad, msg, ok, refused};

fn qrs(n: usize) -> Value {
    (0..n).map(|i| json!({ "title": format!("Q{i}"), "payload": format!("P{i}") })).collect()
}

fn urls(n: usize) -> Value {
    (0..n).map(|i| json!(format!("https://x.example/{i}.jpg"))).collect()
}

fn postbacks(n: usize) -> Value {
    (0..n).map(|i| json!({ "type": "postback", "title": format!("B{i}"), "payload": "P" })).collect()
}

fn cards(n: usize) -> Value {
    (0..n).map(|i| json!({ "title": format!("Card {i}") })).collect()
}

#[test]
fn text_bytes_ascii_and_multibyte() {
    for ok_text in ["a".repeat(1000), "é".repeat(500), "€".repeat(333) + "a", "😀".repeat(250)] {
        assert_eq!(ok_text.len(), 1000);
        ok(json!({ "text": ok_text }));
    }
    for long in ["a".repeat(1001), "é".repeat(500) + "a", "€".repeat(334), "😀".repeat(250) + "a"] {
        assert!(long.len() > 1000);
        let (field, problem) = refused(msg(json!({ "text": long })));
        assert_eq!(field, "message.text");
        assert_eq!(problem, format!("must be 1 to 1000 UTF-8 bytes (got {})", long.len()));
    }
    // 500 two-byte characters are fine; 501 are 1002 bytes although only 501 characters.
    bad(json!({ "text": "é".repeat(501) }), "message.text");
    bad(json!({ "text": "" }), "message.text");
}

#[test]
fn quick_reply_count() {
    ok(json!({ "text": "t", "quickReplies": qrs(13) }));
    let (field, problem) = refused(msg(json!({ "text": "t", "quickReplies": qrs(14) })));
    assert_eq!((field.as_str(), problem.as_str()), ("message.quickReplies[13]", "at most 13 quick replies"));
    bad(json!({ "text": "t", "quickReplies": [] }), "message.quickReplies");
}

#[test]
fn quick_reply_title_characters_with_emoji() {
    let q = |title: String| json!({ "text": "t", "quickReplies": [{ "title": "ok", "payload": "p" }, { "title": title, "payload": "p" }] });
    ok(q("😀".repeat(20)));
    ok(q("a".repeat(20)));
    bad(q("😀".repeat(21)), "message.quickReplies[1].title");
    bad(q("a".repeat(21)), "message.quickReplies[1].title");
    bad(q(String::new()), "message.quickReplies[1].title");
}

#[test]
fn quick_reply_payload_characters() {
    let q = |payload: String| json!({ "text": "t", "quickReplies": [{ "title": "ok", "payload": payload }] });
    ok(q("€".repeat(1000)));
    bad(q("€".repeat(1001)), "message.quickReplies[0].payload");
    bad(q(String::new()), "message.quickReplies[0].payload");
    bad(json!({ "text": "t", "quickReplies": [{ "title": "ok" }] }), "message.quickReplies[0].payload");
}

#[test]
fn image_count() {
    ok(json!({ "images": urls(10) }));
    let (field, problem) = refused(msg(json!({ "images": urls(11) })));
    assert_eq!((field.as_str(), problem.as_str()), ("message.images[10]", "at most 10 images"));
    bad(json!({ "images": [] }), "message.images");
}

#[test]
fn element_count() {
    ok(json!({ "genericTemplate": { "elements": cards(10) } }));
    let (field, problem) = refused(msg(json!({ "genericTemplate": { "elements": cards(11) } })));
    assert_eq!((field.as_str(), problem.as_str()), ("message.genericTemplate.elements[10]", "at most 10 elements"));
    bad(json!({ "genericTemplate": { "elements": [] } }), "message.genericTemplate.elements");
    bad(json!({ "genericTemplate": {} }), "message.genericTemplate.elements");
}

#[test]
fn element_title_and_subtitle() {
    let card = |title: String, subtitle: String| json!({ "genericTemplate": { "elements": [{ "title": "ok" }, { "title": title, "subtitle": subtitle }] } });
    ok(card("ü".repeat(80), "😀".repeat(80)));
    bad(card("ü".repeat(81), "s".into()), "message.genericTemplate.elements[1].title");
    bad(card(String::new(), "s".into()), "message.genericTemplate.elements[1].title");
    bad(card("t".into(), "😀".repeat(81)), "message.genericTemplate.elements[1].subtitle");
    bad(card("t".into(), String::new()), "message.genericTemplate.elements[1].subtitle");
}

#[test]
fn element_button_count() {
    let card = |buttons: Value| json!({ "genericTemplate": { "elements": [{ "title": "t", "buttons": buttons }] } });
    ok(card(postbacks(3)));
    let (field, problem) = refused(msg(card(postbacks(4))));
    assert_eq!(
        (field.as_str(), problem.as_str()),
        ("message.genericTemplate.elements[0].buttons[3]", "at most 3 buttons")
    );
    bad(card(json!([])), "message.genericTemplate.elements[0].buttons");
}

#[test]
fn button_template_text_and_count() {
    let tpl = |text: String, buttons: Value| json!({ "buttonTemplate": { "text": text, "buttons": buttons } });
    ok(tpl("ß".repeat(640), postbacks(3)));
    bad(tpl("ß".repeat(641), postbacks(1)), "message.buttonTemplate.text");
    bad(tpl(String::new(), postbacks(1)), "message.buttonTemplate.text");
    let (field, problem) = refused(msg(tpl("t".into(), postbacks(4))));
    assert_eq!((field.as_str(), problem.as_str()), ("message.buttonTemplate.buttons[3]", "at most 3 buttons"));
    bad(tpl("t".into(), json!([])), "message.buttonTemplate.buttons");
    bad(json!({ "buttonTemplate": { "text": "t" } }), "message.buttonTemplate.buttons");
}

#[test]
fn button_title_and_payload() {
    let card = |button: Value| {
        json!({ "genericTemplate": { "elements": [{ "title": "t", "buttons": [
        { "type": "postback", "title": "ok", "payload": "p" }, button ] }] } })
    };
    ok(card(json!({ "type": "postback", "title": "😀".repeat(20), "payload": "x".repeat(1000) })));
    bad(
        card(json!({ "type": "postback", "title": "😀".repeat(21), "payload": "p" })),
        "message.genericTemplate.elements[0].buttons[1].title",
    );
    bad(
        card(json!({ "type": "postback", "title": "", "payload": "p" })),
        "message.genericTemplate.elements[0].buttons[1].title",
    );
    bad(
        card(json!({ "type": "postback", "title": "t", "payload": "x".repeat(1001) })),
        "message.genericTemplate.elements[0].buttons[1].payload",
    );
    bad(
        card(json!({ "type": "postback", "title": "t", "payload": "" })),
        "message.genericTemplate.elements[0].buttons[1].payload",
    );
    bad(card(json!({ "type": "postback", "title": "t" })), "message.genericTemplate.elements[0].buttons[1].payload");
    bad(
        card(json!({ "type": "postback", "title": "t", "payload": "p", "url": "https://x.example" })),
        "message.genericTemplate.elements[0].buttons[1].url",
    );
    bad(card(json!({ "type": "web_url", "title": "t" })), "message.genericTemplate.elements[0].buttons[1].url");
    bad(
        card(json!({ "type": "web_url", "title": "t", "url": "ftp://x.example" })),
        "message.genericTemplate.elements[0].buttons[1].url",
    );
    bad(
        card(json!({ "type": "web_url", "title": "t", "url": "https://x.example", "payload": "p" })),
        "message.genericTemplate.elements[0].buttons[1].payload",
    );
    bad(
        card(json!({ "type": "phone_number", "title": "t", "payload": "+1" })),
        "message.genericTemplate.elements[0].buttons[1].type",
    );
    bad(card(json!({ "title": "t", "payload": "p" })), "message.genericTemplate.elements[0].buttons[1].type");
    let tpl = json!({ "buttonTemplate": { "text": "t", "buttons": [{ "type": "web_url", "title": "a".repeat(21), "url": "https://x.example" }] } });
    bad(tpl, "message.buttonTemplate.buttons[0].title");
}

#[test]
fn every_url_is_absolute_http() {
    let good = ["https://x.example/a.jpg", "http://x.example", "https://127.0.0.1:8080/p?q=1"];
    let wrong = [
        "",
        "x.example/a.jpg",
        "/a.jpg",
        "ftp://x.example/a",
        "file:///etc/passwd",
        "data:image/png;base64,AA",
        "javascript:alert(1)",
        "https://",
        " https://x.example",
        "https://x.example/\n",
        "mailto:a@x.example",
    ];
    for url in good {
        ok(json!({ "attachment": { "type": "image", "url": url } }));
    }
    for url in wrong {
        bad(json!({ "attachment": { "type": "image", "url": url } }), "message.attachment.url");
        let mut images = urls(4);
        images[3] = json!(url);
        bad(json!({ "images": images }), "message.images[3]");
        bad(
            json!({ "genericTemplate": { "elements": [{ "title": "t", "imageUrl": url }] } }),
            "message.genericTemplate.elements[0].imageUrl",
        );
        bad(
            json!({ "genericTemplate": { "elements": [{ "title": "t", "defaultActionUrl": url }] } }),
            "message.genericTemplate.elements[0].defaultActionUrl",
        );
        bad(
            json!({ "buttonTemplate": { "text": "t", "buttons": [{ "type": "web_url", "title": "t", "url": url }] } }),
            "message.buttonTemplate.buttons[0].url",
        );
    }
}
