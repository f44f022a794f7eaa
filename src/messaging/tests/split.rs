//! `splitLongText`: where the parts of a long text end (every rule of the contract on texts
//! made for it, then as properties over random texts), and how a split send is planned.

use std::collections::HashSet;

use proptest::prelude::*;
use serde_json::{json, Value};
use unicode_segmentation::UnicodeSegmentation;

use super::TOKEN;
use crate::error::{Error, ErrorCode};
use crate::graph::Auth;
use crate::input::from_json;
use crate::messaging::split::{split_ranges, split_text, MAX_TEXT_PARTS, MIN_LINE_PART_BYTES};
use crate::messaging::validate::{plan, Plan};
use crate::messaging::{SendRequest, MAX_TEXT_BYTES};

const FAMILY: &str = "👨\u{200d}👩\u{200d}👧\u{200d}👦"; // 25 bytes, one cluster
const FLAG: &str = "🇩🇪"; // 8 bytes, one cluster
const KANJI: &str = "漢"; // 3 bytes

fn parts(text: &str) -> Vec<String> {
    split_text(text).unwrap_or_else(|e| panic!("refused: {e}"))
}

/// The `(field, problem)` of a text that cannot be split.
fn refused(text: &str) -> (String, String) {
    match split_text(text) {
        Err(Error::InvalidArgument { field, problem }) => (field, problem),
        other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
    }
}

/// `n` bytes of words ("lorem ipsum …", ASCII), ending without a space.
fn words(n: usize) -> String {
    let mut s = String::new();
    while s.len() < n {
        s.push_str("lorem ipsum ");
    }
    s.truncate(n);
    if s.ends_with(' ') {
        s.pop();
        s.push('x');
    }
    s
}

#[test]
fn a_text_within_the_limit_is_one_part_as_it_is() {
    for text in ["hello", "  spaced  \n", &"a".repeat(MAX_TEXT_BYTES), &"😀".repeat(250)] {
        assert_eq!(parts(text), [text]);
    }
}

#[test]
fn a_line_break_is_preferred_when_the_part_keeps_500_bytes() {
    let first = words(600);
    let text = format!("{first}\n{}", words(900));
    let got = parts(&text);
    assert_eq!(got[0], first);
    assert_eq!(got[1], words(900));
    // \r\n, U+2028 and U+2029 count too, and the break is dropped with the whitespace around it.
    for br in ["\r\n", "\u{2028}", "\u{2029}", "  \n  "] {
        let got = parts(&format!("{first}{br}{}", words(900)));
        assert_eq!(got, [first.clone(), words(900)], "{br:?}");
    }
}

#[test]
fn a_line_break_that_leaves_less_than_500_bytes_is_not_preferred() {
    let short = words(MIN_LINE_PART_BYTES - 2);
    let text = format!("{short}\n{}", words(1200));
    let got = parts(&text);
    // The part runs on past the line break to the last word boundary of the window.
    assert!(got[0].len() > short.len() + 400, "{}", got[0].len());
    assert!(got[0].starts_with(&format!("{short}\n")));
    assert!(text.as_bytes()[got[0].len()] == b' ', "cut between words");
    // Exactly 500 bytes kept is enough.
    let edge = words(MIN_LINE_PART_BYTES);
    assert_eq!(parts(&format!("{edge}\n{}", words(1200)))[0], edge);
}

#[test]
fn a_word_boundary_is_preferred_over_a_cjk_opportunity() {
    // 499 bytes of words, a space, then 1200 bytes of ideographs (an opportunity between each).
    let latin = words(499);
    let cjk = KANJI.repeat(400);
    let got = parts(&format!("{latin} {cjk}"));
    assert_eq!(got[0], latin, "the last word boundary, not the last CJK opportunity at ~999 bytes");
    // Ideographs alone are cut between two of them, as late as the window allows.
    assert_eq!(got[1], KANJI.repeat(333));
    assert_eq!(got[2], KANJI.repeat(67));
}

#[test]
fn a_long_url_is_cut_at_a_grapheme_boundary() {
    // The query is one run without a line-break opportunity, of 2 + 493 × 3 bytes; each "é" is
    // an "e" and a combining accent: one cluster of two characters.
    let run = format!("ab{}", "e\u{301}".repeat(493));
    let url = format!("https://example.com/{run}");
    assert!(url.len() > 1500);
    let got = parts(&url);
    // The last UAX #14 opportunity of the first window is after the path's "/".
    assert_eq!(got[0], "https://example.com/");
    // 2 + 332 × 3 = 998 bytes: the byte at 1000 is inside the 333rd cluster, so the part
    // ends before it, not between the "e" and its accent.
    assert_eq!(got[1], format!("ab{}", "e\u{301}".repeat(332)));
    assert_eq!(got[2], "e\u{301}".repeat(161));
}

#[test]
fn zwj_sequences_and_flags_are_never_split() {
    let unit = format!("{FAMILY}{FLAG}{FAMILY}{KANJI}{FLAG}");
    let text = unit.repeat(2500 / unit.len() + 1);
    let got = parts(&text);
    assert_eq!(got.concat(), text);
    let whole: HashSet<&str> = [FAMILY, FLAG, KANJI].into();
    for part in &got {
        assert!(part.len() <= MAX_TEXT_BYTES);
        for cluster in part.graphemes(true) {
            assert!(whole.contains(cluster), "{cluster:?}");
        }
    }
    // Families alone (an opportunity between two of them) and flags alone.
    for one in [FAMILY, FLAG] {
        let text = one.repeat(2000 / one.len());
        for part in parts(&text) {
            assert_eq!(part, one.repeat(part.len() / one.len()));
        }
    }
}

#[test]
fn a_single_cluster_over_1000_bytes_is_refused() {
    let huge = format!("a{}", "\u{301}".repeat(600)); // one cluster of 1201 bytes
    for text in [huge.clone(), format!("{} {huge}", words(200)), format!("{huge} tail")] {
        let (field, problem) = refused(&text);
        assert_eq!(field, "text");
        assert!(problem.contains("1201"), "{problem}");
    }
}

#[test]
fn more_than_10_parts_are_refused() {
    // Refused by the count of bytes to send, before any segmentation…
    assert_eq!(refused(&words(MAX_TEXT_PARTS * MAX_TEXT_BYTES + 1)).0, "text");
    // …and by the cut itself: eleven lines of 600 bytes are eleven parts.
    let lines = vec![words(600); MAX_TEXT_PARTS + 1].join("\n");
    assert_eq!(refused(&lines).0, "text");
    let ten = vec![words(600); MAX_TEXT_PARTS].join("\n");
    assert_eq!(parts(&ten).len(), MAX_TEXT_PARTS);
}

#[test]
fn whitespace_at_a_cut_is_dropped_elsewhere_kept() {
    let text = format!("  {}\n\t \n  {}  ", words(700), words(700));
    let got = parts(&text);
    assert_eq!(got, [format!("  {}", words(700)), format!("{}  ", words(700))]);
    // A text that is only whitespace beyond the limit has nothing to send.
    assert_eq!(refused(&" ".repeat(1500)).0, "text");
    // Whitespace longer than a window before the first word: dropped with the cut.
    let got = parts(&format!("{}word", " ".repeat(1200)));
    assert_eq!(got, ["word"]);
}

// ---- properties ----

/// Pieces random texts are made of: words, spaces and line breaks of every kind, ideographs,
/// emoji sequences, flags, combining sequences, a space carrying a combining mark, long runs.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z]{1,12}",
        3 => Just(" ".to_string()),
        1 => prop::sample::select(vec!["\n", "\r\n", "\u{2028}", "\u{2029}", "\t", "\u{3000}", "  \n", "\r", "\u{a0}"])
            .prop_map(str::to_string),
        2 => "[一-龥ぁ-んア-ン]{1,20}",
        1 => prop::sample::select(vec![FAMILY, FLAG, "👍🏽", "🏳️‍🌈", "❤️", "e\u{301}", " \u{301}", "क्षि", "-", "/", "—"])
            .prop_map(str::to_string),
        1 => "[a-z0-9]{50,400}",
        1 => "[é€😀]{1,30}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..500).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Every part is within the limit, not empty nor only whitespace, ends on a grapheme
    /// boundary; the parts in order are the text minus whitespace at the cuts only.
    #[test]
    fn parts_keep_every_rule(text in text()) {
        let ranges = match split_ranges(&text) {
            Ok(ranges) => ranges,
            Err(e) => {
                prop_assert_eq!(e.code(), ErrorCode::InvalidArgument);
                prop_assert!(text.len() > MAX_TEXT_BYTES);
                return Ok(());
            }
        };
        if text.len() <= MAX_TEXT_BYTES {
            prop_assert!(ranges.len() == 1 && ranges[0] == (0..text.len()));
            return Ok(());
        }
        prop_assert!(!ranges.is_empty() && ranges.len() <= MAX_TEXT_PARTS);
        let boundaries: HashSet<usize> =
            text.grapheme_indices(true).map(|(i, _)| i).chain([text.len()]).collect();
        let is_space = |s: &str| s.chars().all(char::is_whitespace);
        let mut at = 0;
        for (k, r) in ranges.iter().enumerate() {
            let part = &text[r.clone()];
            prop_assert!(!part.is_empty() && part.len() <= MAX_TEXT_BYTES, "part {} is {} bytes", k, part.len());
            prop_assert!(!is_space(part), "part {} is only whitespace", k);
            prop_assert!(boundaries.contains(&r.start) && boundaries.contains(&r.end), "part {} cuts a cluster", k);
            // Between two parts (and before the first, when the text begins with more
            // whitespace than a window) only whitespace is left out.
            prop_assert!(r.start >= at && is_space(&text[at..r.start]), "part {} skips text", k);
            at = r.end;
        }
        prop_assert!(is_space(&text[at..]));
        // Whitespace is dropped from both sides of every cut: no part ends with a whitespace
        // cluster before a cut, nor starts with one after a cut.
        for pair in ranges.windows(2) {
            let (before, after) = (&text[pair[0].clone()], &text[pair[1].clone()]);
            prop_assert!(!before.graphemes(true).next_back().is_some_and(is_space));
            prop_assert!(!after.graphemes(true).next().is_some_and(is_space));
        }
        if let Some(last) = ranges.last() {
            if last.end < text.len() {
                prop_assert!(!text[last.clone()].graphemes(true).next_back().is_some_and(is_space));
            }
        }
    }
}

// ---- planning a split send ----

fn request(message: Value, extra: Value) -> SendRequest {
    let mut req = json!({ "accessToken": TOKEN, "recipient": { "id": "123" }, "message": message });
    if let (Some(req), Some(extra)) = (req.as_object_mut(), extra.as_object()) {
        req.extend(extra.clone());
    }
    from_json::<SendRequest>(req, "req").unwrap_or_else(|e| panic!("not a request: {e}"))
}

fn plan_of(req: &SendRequest) -> Result<Plan, Error> {
    plan(req, &Auth::check(req)?)
}

/// The wire bodies of a planned split send.
fn bodies(message: Value, extra: Value) -> Vec<Value> {
    match plan_of(&request(message, extra)) {
        Ok(Plan::Parts(parts)) => parts.iter().map(|p| serde_json::to_value(&p.send.body).unwrap()).collect(),
        Ok(Plan::Single(_)) => panic!("not split"),
        Err(e) => panic!("refused: {e}"),
    }
}

fn plan_field(message: Value, extra: Value) -> String {
    match plan_of(&request(message, extra)) {
        Err(Error::InvalidArgument { field, .. }) => field,
        Err(other) => panic!("wrong error: {other:?}"),
        Ok(_) => panic!("accepted"),
    }
}

const SPLIT: fn() -> Value = || json!({ "splitLongText": true });

#[test]
fn without_the_option_a_long_text_is_refused_as_before() {
    let long = words(1500);
    assert_eq!(plan_field(json!({ "text": long }), json!({})), "message.text");
    assert_eq!(plan_field(json!({ "text": long }), json!({ "splitLongText": false })), "message.text");
    assert!(matches!(plan_of(&request(json!({ "text": "hi" }), json!({}))), Ok(Plan::Single(_))));
}

#[test]
fn each_part_is_a_whole_send_and_quick_replies_go_with_the_last() {
    let text = format!("{}\n{}\n{}", words(900), words(900), words(300));
    let qr = json!([{ "title": "Yes", "payload": "Y" }]);
    let got = bodies(
        json!({ "text": text, "quickReplies": qr }),
        json!({ "splitLongText": true, "messagingType": "MESSAGE_TAG", "tag": "HUMAN_AGENT" }),
    );
    assert_eq!(got.len(), 3);
    for (i, body) in got.iter().enumerate() {
        assert_eq!(body["recipient"], json!({ "id": "123" }));
        assert_eq!(body["messaging_type"], "MESSAGE_TAG");
        assert_eq!(body["tag"], "HUMAN_AGENT");
        let has_qr = body["message"].get("quick_replies").is_some();
        assert_eq!(has_qr, i == 2, "part {i}");
    }
    assert_eq!(got[0]["message"]["text"], words(900));
    assert_eq!(got[2]["message"]["quick_replies"], json!([{ "content_type": "text", "title": "Yes", "payload": "Y" }]));
}

#[test]
fn a_short_text_is_one_part() {
    let got = bodies(json!({ "text": "hello" }), SPLIT());
    assert_eq!(
        got,
        [json!({ "recipient": { "id": "123" }, "messaging_type": "RESPONSE", "message": { "text": "hello" } })]
    );
}

#[test]
fn private_replies() {
    let comment = |text: &str| {
        request(json!({ "text": text }), json!({ "splitLongText": true, "recipient": { "commentId": "178" } }))
    };
    // A private reply that fits one message is sent as one part…
    assert!(matches!(plan_of(&comment("thanks!")), Ok(Plan::Parts(p)) if p.len() == 1));
    // …one that would need splitting is refused: Meta allows one message per comment.
    match plan_of(&comment(&words(1500))) {
        Err(Error::InvalidArgument { field, .. }) => assert_eq!(field, "message.text"),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn every_part_is_checked_before_anything_is_sent() {
    let long = words(1500);
    // A broken quick reply (only on the last part) refuses the whole send.
    let bad_qr = json!({ "text": long, "quickReplies": [{ "title": "", "payload": "P" }] });
    assert_eq!(plan_field(bad_qr, SPLIT()), "message.quickReplies[0].title");
    // The request's other rules hold as they do for one send.
    assert_eq!(plan_field(json!({ "text": long, "images": ["https://x.example/a.jpg"] }), SPLIT()), "message");
    assert_eq!(plan_field(json!({ "text": long }), json!({ "splitLongText": true, "tag": "HUMAN_AGENT" })), "tag");
    // The split's own refusals name message.text.
    assert_eq!(plan_field(json!({ "text": words(11_000) }), SPLIT()), "message.text");
    assert_eq!(plan_field(json!({ "text": format!("a{}", "\u{301}".repeat(600)) }), SPLIT()), "message.text");
}

#[test]
fn split_long_text_needs_a_text() {
    let image = json!({ "attachment": { "type": "image", "url": "https://x.example/a.jpg" } });
    assert_eq!(plan_field(image, SPLIT()), "splitLongText");
    // A request that is wrong anyway reports that first.
    assert_eq!(plan_field(json!({ "sticker": "nope" }), SPLIT()), "message.sticker");
}
