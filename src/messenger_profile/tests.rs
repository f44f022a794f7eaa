use serde_json::json;

use super::*;
use crate::error::ErrorCode;
use crate::graph::{interpret, RawResponse};
use crate::input::from_json;

fn field(e: Error) -> String {
    match e {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("{other}"),
    }
}

fn ice(value: serde_json::Value) -> Result<serde_json::Value, String> {
    let req: SetIceBreakersRequest =
        from_json(json!({ "accessToken": "IGAAx", "iceBreakers": value }), "req").map_err(|e| e.to_string())?;
    ice_breakers_to_wire(&req.ice_breakers).map(|w| json!(w)).map_err(field)
}

fn menu(value: serde_json::Value) -> Result<serde_json::Value, String> {
    let req: SetPersistentMenuRequest =
        from_json(json!({ "accessToken": "IGAAx", "persistentMenu": value }), "req").map_err(|e| e.to_string())?;
    menu_to_wire(&req.persistent_menu).map(|w| json!(w)).map_err(field)
}

fn q(question: &str, payload: &str) -> serde_json::Value {
    json!({ "question": question, "payload": payload })
}

fn postback(title: &str) -> serde_json::Value {
    json!({ "type": "postback", "title": title, "payload": "P" })
}

#[test]
fn ice_breakers_go_out_in_metas_form() {
    let wire = ice(json!([
        { "locale": "default", "questions": [q("Opening hours?", "HOURS"), q("Prices?", "PRICES")] },
        { "locale": "en_GB", "questions": [q("Opening times?", "HOURS")] },
    ]))
    .unwrap();
    assert_eq!(
        wire,
        json!([
            { "locale": "default", "call_to_actions": [
                { "question": "Opening hours?", "payload": "HOURS" }, { "question": "Prices?", "payload": "PRICES" } ] },
            { "locale": "en_GB", "call_to_actions": [{ "question": "Opening times?", "payload": "HOURS" }] },
        ])
    );
}

#[test]
fn menus_go_out_in_metas_form() {
    let wire = menu(json!([{ "locale": "default", "items": [
        postback("Talk to a human"),
        { "type": "web_url", "title": "Shop", "url": "https://example.com/shop" },
    ] }]))
    .unwrap();
    assert_eq!(
        wire,
        json!([{ "locale": "default", "call_to_actions": [
            { "type": "postback", "title": "Talk to a human", "payload": "P" },
            { "type": "web_url", "title": "Shop", "url": "https://example.com/shop" },
        ] }])
    );
}

#[test]
fn every_ice_breaker_rule_names_its_field() {
    let default = |questions: serde_json::Value| json!({ "locale": "default", "questions": questions });
    let cases = [
        (json!([]), "iceBreakers"),
        (json!([{ "locale": "en_GB", "questions": [q("a", "b")] }]), "iceBreakers"),
        (json!([default(json!([q("a", "b")])), default(json!([q("a", "b")]))]), "iceBreakers[1].locale"),
        (
            json!([default(json!([q("a", "b")])), { "locale": "en", "questions": [q("a", "b")] }]),
            "iceBreakers[1].locale",
        ),
        (json!([{ "locale": "EN_gb", "questions": [q("a", "b")] }]), "iceBreakers[0].locale"),
        (json!([{ "questions": [q("a", "b")] }]), "iceBreakers[0].locale"),
        (json!([default(json!([]))]), "iceBreakers[0].questions"),
        (json!([default(json!(vec![q("a", "b"); 5]))]), "iceBreakers[0].questions[4]"),
        (json!([default(json!([q("a", "b"), q("", "b")]))]), "iceBreakers[0].questions[1].question"),
        (json!([default(json!([q("a", "")]))]), "iceBreakers[0].questions[0].payload"),
        (json!([default(json!([q("a", &"é".repeat(1001))]))]), "iceBreakers[0].questions[0].payload"),
        (
            json!([default(json!([q("a", "b")])), { "locale": "fr_FR", "questions": [{ "question": "a" }] }]),
            "iceBreakers[1].questions[0].payload",
        ),
    ];
    for (value, want) in cases {
        assert_eq!(ice(value.clone()), Err(want.to_string()), "{value}");
    }
    // The limits themselves are fine: 4 questions, a 1000-character payload, any question length.
    let long = "é".repeat(1000);
    assert!(ice(json!([default(json!([q("a", &long), q(&"x".repeat(5000), "b"), q("c", "d"), q("e", "f")]))])).is_ok());
}

#[test]
fn every_menu_rule_names_its_field() {
    let default = |items: serde_json::Value| json!({ "locale": "default", "items": items });
    let web = |url: &str| json!({ "type": "web_url", "title": "Shop", "url": url });
    let cases = [
        (json!([]), "persistentMenu"),
        (json!([{ "locale": "de_DE", "items": [postback("a")] }]), "persistentMenu"),
        (
            json!([default(json!([postback("a")])), { "locale": "default", "items": [postback("a")] }]),
            "persistentMenu[1].locale",
        ),
        (json!([default(json!([]))]), "persistentMenu[0].items"),
        (json!([default(json!(vec![postback("a"); 21]))]), "persistentMenu[0].items[20]"),
        (json!([default(json!([postback(&"t".repeat(31))]))]), "persistentMenu[0].items[0].title"),
        (json!([default(json!([postback("")]))]), "persistentMenu[0].items[0].title"),
        (json!([default(json!([postback("a"), web("ftp://example.com")]))]), "persistentMenu[0].items[1].url"),
        (json!([default(json!([web("/relative")]))]), "persistentMenu[0].items[0].url"),
        (json!([default(json!([{ "type": "web_url", "title": "a" }]))]), "persistentMenu[0].items[0].url"),
        (json!([default(json!([{ "type": "postback", "title": "a" }]))]), "persistentMenu[0].items[0].payload"),
        (
            json!([default(json!([{ "type": "postback", "title": "a", "payload": "x".repeat(1001) }]))]),
            "persistentMenu[0].items[0].payload",
        ),
        (json!([default(json!([{ "type": "nested", "title": "a" }]))]), "persistentMenu[0].items[0].type"),
    ];
    for (value, want) in cases {
        assert_eq!(menu(value.clone()), Err(want.to_string()), "{value}");
    }
    let thirty = "t".repeat(30);
    assert!(menu(json!([default(json!(vec![postback(&thirty); 20]))])).is_ok());
}

#[test]
fn wrong_types_are_named_by_the_reader() {
    let e = ice(json!([{ "locale": "default", "questions": [{ "question": 5, "payload": "p" }] }])).unwrap_err();
    assert!(e.starts_with("iceBreakers[0].questions[0].question:"), "{e}");
    let e =
        from_json::<MessengerProfileRequest>(json!({ "accessToken": "IGAAx", "accountId": 17 }), "req").unwrap_err();
    assert!(e.to_string().contains("accountId"), "{e}");
}

fn answer(body: &str) -> RawResponse {
    RawResponse {
        status: 200,
        content_type: Some("application/json".into()),
        body: body.as_bytes().to_vec(),
        ..Default::default()
    }
}

fn read_ice(body: &str) -> Result<Vec<IceBreakers>, Error> {
    ice_breakers_of(interpret::<WireRead<WireIceBreakersItem>>(&answer(body), 0, &[])?.data.unwrap_or_default())
}

fn read_menu(body: &str) -> Result<Vec<PersistentMenu>, Error> {
    Ok(menu_of(interpret::<WireRead<WireMenuItem>>(&answer(body), 0, &[])?.data.unwrap_or_default()))
}

fn question(question: &str, payload: &str) -> IceBreakerQuestion {
    IceBreakerQuestion { question: question.into(), payload: payload.into() }
}

#[test]
fn ice_breakers_read_back_in_every_documented_form() {
    let localized = r#"{"data":[{"call_to_actions":[{"question":"Hours?","payload":"H"}],"locale":"default"},
        {"locale":"en_GB","call_to_actions":[{"question":"Times?","payload":"T"}]}]}"#;
    let want = vec![
        IceBreakers { locale: "default".into(), questions: vec![question("Hours?", "H")] },
        IceBreakers { locale: "en_GB".into(), questions: vec![question("Times?", "T")] },
    ];
    assert_eq!(read_ice(localized).unwrap(), want);
    // The older form without locales: one "default" locale, in Meta's order.
    let older = r#"{"data":[{"question":"Hours?","payload":"H"},{"question":"Prices?","payload":"P"}]}"#;
    let default = vec![IceBreakers {
        locale: "default".into(),
        questions: vec![question("Hours?", "H"), question("Prices?", "P")],
    }];
    assert_eq!(read_ice(older).unwrap(), default);
    // Messenger's form, wrapped in the field's name.
    assert_eq!(
        read_ice(
            r#"{"data":[{"ice_breakers":[{"question":"Hours?","payload":"H"},{"question":"Prices?","payload":"P"}]}]}"#
        )
        .unwrap(),
        default
    );
    for none in [r#"{"data":[]}"#, r#"{}"#, r#"{"data":null}"#] {
        assert_eq!(read_ice(none).unwrap(), vec![], "{none}");
    }
}

#[test]
fn menus_read_back_as_the_items_that_were_set() {
    let body = r#"{"data":[{"locale":"default","composer_input_disabled":false,"call_to_actions":[
        {"type":"postback","title":"Human","payload":"HUMAN"},{"type":"web_url","title":"Shop","url":"https://example.com","webview_height_ratio":"full"}]}]}"#;
    let got = read_menu(body).unwrap();
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        json!([{ "locale": "default", "items": [
            { "type": "postback", "title": "Human", "payload": "HUMAN" },
            { "type": "web_url", "title": "Shop", "url": "https://example.com" },
        ] }])
    );
    let wrapped = r#"{"data":[{"persistent_menu":[{"locale":"default","call_to_actions":[{"type":"postback","title":"Human","payload":"HUMAN"}]}]}]}"#;
    assert_eq!(read_menu(wrapped).unwrap()[0].items[0].payload.as_deref(), Some("HUMAN"));
    assert_eq!(read_menu(r#"{"data":[]}"#).unwrap(), vec![]);
}

#[test]
fn odd_answers_are_bad_responses() {
    for body in [
        r#"{"data":{"locale":"default"}}"#,
        r#"{"data":[{"locale":"default"}]}"#,
        r#"{"data":[{"call_to_actions":[{"question":"a","payload":"b"}]}]}"#,
        r#"{"data":[{"question":"a"}]}"#,
        r#"{"data":[{"question":"a","payload":"b"},{"locale":"en_GB","call_to_actions":[]}]}"#,
        r#"[]"#,
    ] {
        assert_eq!(read_ice(body).unwrap_err().code(), ErrorCode::BadResponse, "{body}");
    }
    for body in [
        r#"{"data":[{"locale":"default","call_to_actions":[{"type":"nested","title":"More","call_to_actions":[]}]}]}"#,
        r#"{"data":[{"locale":"default","call_to_actions":[{"type":"web_url","title":"Shop"}]}]}"#,
        r#"{"data":"none"}"#,
    ] {
        assert_eq!(read_menu(body).unwrap_err().code(), ErrorCode::BadResponse, "{body}");
    }
}

#[test]
fn a_change_is_done_only_when_meta_says_so() {
    let done = |body: &str| interpret::<WireDone>(&answer(body), 0, &[]).and_then(WireDone::done);
    assert_eq!(done(r#"{"result":"success"}"#).unwrap(), MessengerProfileResult { success: true });
    assert_eq!(done(r#"{"success":true}"#).unwrap(), MessengerProfileResult { success: true });
    for refused in [r#"{"success":false}"#, r#"{"result":"failure"}"#] {
        let e = done(refused).unwrap_err();
        assert_eq!((e.code(), e.retryable(), e.graph().is_none()), (ErrorCode::GraphError, false, true), "{refused}");
    }
    for odd in [r#"{"ok":true}"#, r#"{}"#, r#"{"success":"yes"}"#, r#"{"result":1}"#] {
        assert_eq!(done(odd).unwrap_err().code(), ErrorCode::BadResponse, "{odd}");
    }
}

#[tokio::test]
async fn checked_before_the_network() {
    // Every call below fails its checks, so nothing is sent (the default hosts are real ones).
    let opts = CallOptions::default();
    let token = || crate::secret::Secret::new("IGAAx");
    let get = |account: Option<&str>| MessengerProfileRequest {
        access_token: token(),
        account_id: account.map(str::to_string),
        ..Default::default()
    };
    assert_eq!(field(get_ice_breakers(&get(Some("../me")), &opts).await.unwrap_err()), "accountId");
    assert_eq!(field(delete_persistent_menu(&get(Some("")), &opts).await.unwrap_err()), "accountId");
    let no_token = MessengerProfileRequest::default();
    assert_eq!(field(delete_ice_breakers(&no_token, &opts).await.unwrap_err()), "accessToken");
    assert_eq!(field(get_persistent_menu(&no_token, &opts).await.unwrap_err()), "accessToken");
    let set = SetIceBreakersRequest { access_token: token(), ..Default::default() };
    assert_eq!(field(set_ice_breakers(&set, &opts).await.unwrap_err()), "iceBreakers");
    let set = SetPersistentMenuRequest { access_token: token(), account_id: Some("me".into()), ..Default::default() };
    assert_eq!(field(set_persistent_menu(&set, &opts).await.unwrap_err()), "persistentMenu");
}
