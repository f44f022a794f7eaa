use super::wire::{WireCursors, WirePaging};
use super::*;
use crate::error::ErrorCode;
use crate::input::from_json;
use serde_json::json;

fn field(e: Error) -> String {
    match e {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("{other}"),
    }
}

#[test]
fn counts_are_integers_in_range() {
    assert_eq!(count("limit", None, 25, 100).unwrap(), 25);
    assert_eq!(count("limit", Some(1.0), 25, 100).unwrap(), 1);
    assert_eq!(count("limit", Some(100.0), 25, 100).unwrap(), 100);
    for bad in [0.0, 101.0, 2.5, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(field(count("limit", Some(bad), 25, 100).unwrap_err()), "limit", "{bad}");
    }
}

fn paging(next: bool, after: Option<&str>) -> Option<WirePaging> {
    Some(WirePaging {
        cursors: Some(WireCursors { after: after.map(str::to_string) }),
        next: next.then(|| json!("https://elsewhere.invalid/next")),
    })
}

#[test]
fn the_next_cursor_only_when_meta_announces_a_new_page() {
    assert_eq!(next_page(paging(true, Some("B")), Some("A")).unwrap().as_deref(), Some("B"));
    assert_eq!(next_page(paging(true, Some("B")), None).unwrap().as_deref(), Some("B"));
    assert_eq!(next_page(paging(false, Some("B")), None).unwrap(), None);
    assert_eq!(next_page(None, None).unwrap(), None);
    // the cursor asked with: no loop, no nextCursor
    assert_eq!(next_page(paging(true, Some("A")), Some("A")).unwrap(), None);
    // announced, but nothing to continue with
    assert_eq!(next_page(paging(true, None), None).unwrap_err().code(), ErrorCode::BadResponse);
}

#[test]
fn requests_read_with_field_paths() {
    let req: GetMessagesRequest =
        from_json(json!({ "accessToken": "IGAAx", "userId": "17", "limit": 5 }), "req").unwrap();
    assert_eq!((req.user_id.as_deref(), req.limit), (Some("17"), Some(5.0)));
    let e = from_json::<ListConversationsRequest>(json!({ "accessToken": "IGAAx", "limit": "5" }), "req").unwrap_err();
    assert!(e.to_string().starts_with("limit:"), "{e}");
}

#[tokio::test]
async fn checked_before_the_network() {
    // The default base URLs are Meta's: every case below must fail before any request.
    let opts = CallOptions::default();
    let list = |v: serde_json::Value| from_json::<ListConversationsRequest>(v, "req").unwrap();
    let get = |v: serde_json::Value| from_json::<GetMessagesRequest>(v, "req").unwrap();
    let t = "IGAAx";
    for (req, f) in [
        (json!({ "accessToken": t, "limit": 0 }), "limit"),
        (json!({ "accessToken": t, "limit": 101 }), "limit"),
        (json!({ "accessToken": t, "after": "" }), "after"),
        (json!({ "accessToken": t, "after": "a/b" }), "after"),
        (json!({ "accessToken": t, "after": "a".repeat(2049) }), "after"),
        (json!({ "accessToken": t, "accountId": "" }), "accountId"),
        (json!({ "accessToken": t, "accountId": "x1" }), "accountId"),
        (json!({}), "accessToken"),
    ] {
        assert_eq!(field(list_conversations(&list(req), &opts).await.unwrap_err()), f);
    }
    for (req, f) in [
        (json!({ "accessToken": t }), "conversationId"),
        (json!({ "accessToken": t, "conversationId": "c", "userId": "1" }), "userId"),
        (json!({ "accessToken": t, "conversationId": "" }), "conversationId"),
        (json!({ "accessToken": t, "conversationId": "a b" }), "conversationId"),
        (json!({ "accessToken": t, "conversationId": "a".repeat(513) }), "conversationId"),
        (json!({ "accessToken": t, "userId": "12a" }), "userId"),
        (json!({ "accessToken": t, "userId": "" }), "userId"),
        (json!({ "accessToken": t, "userId": "1", "limit": 21 }), "limit"),
        (json!({ "accessToken": t, "userId": "1", "accountId": "you" }), "accountId"),
    ] {
        assert_eq!(field(get_messages(&get(req), &opts).await.unwrap_err()), f);
    }
}
