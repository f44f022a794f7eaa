//! The TypeScript of the public types, generated from the core's own input and output types
//! (their fields, serde names and `///` docs, through `ts-rs`) and from the core's lists of
//! codes. The result is `src/binding/index-header.d.ts`, which `napi build` puts in front of
//! the declarations of the exports in `index.d.ts`.
//!
//! `cargo test` fails when the committed header differs from what the types say; after
//! changing a type, `npm run dts` (`UPDATE_DTS=1 cargo test --lib dts`) rewrites it.

use ts_rs::{Config, TS};

use crate::account::{AccountRequest, InstagramAccount};
use crate::comments::{
    CommentReply, DeleteCommentRequest, DeleteCommentResult, HideCommentRequest, HideCommentResult,
    ReplyToCommentRequest,
};
use crate::conversations::{
    AttachmentKind, Conversation, ConversationAttachment, ConversationMessage, ConversationPage, Direction,
    GetMessagesRequest, ListConversationsRequest, MessageHistory, Participant,
};
use crate::error::{ErrorCode, ErrorProperties};
use crate::graph::{CallOptionsInput, LoginType, Usage};
use crate::messaging::model::{
    AttachmentInput, ButtonTemplate, GenericTemplate, MediaShare, QuickReply, SendRequest, TemplateElement, BUTTON_TS,
    OUTGOING_MESSAGE_TS,
};
use crate::messaging::window::Allowed;
use crate::messaging::{
    MarkSeenRequest, MarkSeenResult, MessagingWindow, PartialSend, SendResult, SentPart, WindowOptions, WindowRequest,
};
use crate::messenger_profile::{
    IceBreakerQuestion, IceBreakers, MessengerProfileRequest, MessengerProfileResult, PersistentMenu,
    SetIceBreakersRequest, SetPersistentMenuRequest,
};
use crate::profile::{UserProfile, UserProfileRequest};
use crate::time::TimeInput;
use crate::token::{
    CredentialInput, Decision, ExchangeRequest, Next, PolicyInput, PreAuthAction, PreAuthResult, RefreshRequest,
    TokenGrant,
};
use crate::webhook::{
    Attachment, Comment, EventType, OneOrMany, Postback, Reaction, Referral, RejectReason, ReplyTo, RequestInput,
    Route, SecretsInput, WebhookEvent, WebhookResult,
};

const HEADER_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/binding/index-header.d.ts");

fn header() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "/* Generated from the Rust types by src/dts.rs (`npm run dts`), then by `napi build`: edit the types, not this file. */\n/* eslint-disable */\n",
    );
    let mut item = |docs: Option<String>, decl: String| {
        out.push('\n');
        out.push_str(&format_decl(docs.as_deref(), &decl));
    };
    macro_rules! types {
        ($($t:ty),* $(,)?) => { $( item(<$t>::docs(), <$t>::decl(&cfg)); )* };
    }
    let union = |values: Vec<&str>| values.iter().map(|v| format!("\n  | '{v}'")).collect::<String>();
    item(
        Some("/** A token or a secret, as text: this package never logs or echoes one. */".into()),
        "type Secret = string;".into(),
    );
    types!(LoginType, CallOptionsInput, PolicyInput);
    item(
        Some("/** What went wrong, one stable code per class of failure (README, \"Errors\"). */".into()),
        format!("type ErrorCode ={};", union(ErrorCode::ALL.iter().map(|c| c.as_str()).collect())),
    );
    // A JS `Error` with the core's error properties.
    let error = format_decl(ErrorProperties::docs().as_deref(), &ErrorProperties::decl(&cfg));
    item(
        None,
        error.replacen("export interface InstagramError {", "export interface InstagramError extends Error {", 1),
    );
    types!(TokenGrant, ExchangeRequest, RefreshRequest, TimeInput, CredentialInput, PreAuthAction, PreAuthResult);
    types!(Next, Decision, AccountRequest, InstagramAccount);
    types!(SendRequest);
    item(
        Some("/** Exactly one content kind per message. */".into()),
        format!("type OutgoingMessage ={OUTGOING_MESSAGE_TS};"),
    );
    types!(QuickReply, AttachmentInput, MediaShare, GenericTemplate, TemplateElement, ButtonTemplate);
    item(
        Some(
            "/** A template button: titles 1–20 characters; `url` absolute http(s); `payload` 1–1000 characters. */"
                .into(),
        ),
        format!("type Button ={BUTTON_TS};"),
    );
    types!(SendResult, SentPart, PartialSend, Usage);
    types!(ReplyToCommentRequest, CommentReply, HideCommentRequest, HideCommentResult);
    types!(DeleteCommentRequest, DeleteCommentResult, UserProfileRequest, UserProfile);
    types!(ListConversationsRequest, Participant, Conversation, ConversationPage);
    types!(GetMessagesRequest, Direction, AttachmentKind, ConversationAttachment, ConversationMessage, MessageHistory);
    types!(MarkSeenRequest, MarkSeenResult);
    types!(MessengerProfileRequest, MessengerProfileResult, SetIceBreakersRequest, IceBreakers, IceBreakerQuestion);
    types!(SetPersistentMenuRequest, PersistentMenu);
    item(
        Some(
            "/** A persistent-menu item: title 1–30 characters; `url` absolute http(s); `payload` 1–1000 characters. */"
                .into(),
        ),
        format!("type MenuItem ={BUTTON_TS};"),
    );
    types!(WindowRequest, WindowOptions, Allowed, MessagingWindow);
    types!(RequestInput, SecretsInput, OneOrMany, WebhookResult);
    item(
        Some("/** Why a webhook request was refused. */".into()),
        format!("type RejectReason ={};", union(RejectReason::ALL.iter().map(|r| r.as_str()).collect())),
    );
    item(
        Some("/** What kind of update a webhook event is. */".into()),
        format!("type WebhookEventType ={};", union(EventType::ALL.iter().map(|t| t.as_str()).collect())),
    );
    item(
        Some("/** Where a router sends a webhook event: the n8n trigger's outputs, in order. */".into()),
        format!("type WebhookRoute ={};", union(Route::ALL.iter().map(|r| r.as_str()).collect())),
    );
    types!(WebhookEvent, Attachment, ReplyTo, Postback, Reaction, Referral, Comment);
    item(
        None,
        "/** Every `code` an error of this package can carry, frozen. */\nexport declare const errorCodes: readonly ErrorCode[]\n\
         /** Every `reason` of a refused webhook request, frozen. */\nexport declare const rejectReasons: readonly RejectReason[]\n\
         /** Every `type` a webhook event can have, frozen. */\nexport declare const webhookEventTypes: readonly WebhookEventType[]\n\
         /** Every `route` of a webhook event, in the order of the trigger's outputs, frozen. */\nexport declare const webhookRoutes: readonly WebhookRoute[]\n"
            .into(),
    );
    out
}

/// `ts-rs`'s one-line declaration as a readable, exported one: an object type becomes an
/// `interface` with one member per line and its docs above it.
fn format_decl(docs: Option<&str>, decl: &str) -> String {
    let mut out = String::new();
    if let Some(docs) = docs {
        out.push_str(&format_docs(docs, ""));
    }
    if !decl.starts_with("type ") {
        return format!("{out}{decl}");
    }
    let decl = decl.trim().trim_end_matches(';').trim_end();
    let (name, body) = decl.strip_prefix("type ").and_then(|d| d.split_once('=')).expect("a ts-rs declaration");
    let (name, body) = (name.trim(), body.trim());
    match body.strip_prefix('{').and_then(|b| b.strip_suffix('}')).filter(|_| is_one_object(body)) {
        Some(members) => {
            out.push_str(&format!("export interface {name} {{\n"));
            for (docs, member) in top_level_members(members) {
                if let Some(docs) = docs {
                    out.push_str(&format_docs(&docs, "  "));
                }
                out.push_str(&format!("  {member}\n"));
            }
            out.push_str("}\n");
        }
        _ if body.starts_with('|') => out.push_str(&format!("export type {name} =\n  {body}\n")),
        _ => out.push_str(&format!("export type {name} = {body}\n")),
    }
    out
}

/// True when `body` is one object type `{ … }`, not a union or intersection of several.
fn is_one_object(body: &str) -> bool {
    let mut depth = 0;
    for (i, c) in body.char_indices() {
        match c {
            '{' | '(' | '[' | '<' => depth += 1,
            '}' | ')' | ']' | '>' => depth -= 1,
            _ => {}
        }
        if depth == 0 && i + c.len_utf8() < body.len() {
            return false;
        }
    }
    true
}

/// The members of an object type, each with its doc comment, split at top-level commas.
fn top_level_members(body: &str) -> Vec<(Option<String>, String)> {
    let mut members = Vec::new();
    let (mut depth, mut docs, mut current) = (0i32, None, String::new());
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("/**") && depth == 0 {
            let end = rest.find("*/").expect("a closed doc comment") + 2;
            docs = Some(rest[..end].to_string());
            rest = &rest[end..];
            continue;
        }
        match c {
            '{' | '(' | '[' | '<' => depth += 1,
            '}' | ')' | ']' | '>' => depth -= 1,
            ',' if depth == 0 => {
                if !current.trim().is_empty() {
                    members.push((docs.take(), current.trim().to_string()));
                }
                current.clear();
                rest = &rest[1..];
                continue;
            }
            _ => {}
        }
        current.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if !current.trim().is_empty() {
        members.push((docs.take(), current.trim().to_string()));
    }
    members
}

/// A `/** … */` comment re-indented: one line when it is one line.
fn format_docs(docs: &str, indent: &str) -> String {
    let lines: Vec<&str> = docs
        .trim()
        .trim_start_matches("/**")
        .trim_end_matches("*/")
        .lines()
        .map(|l| l.trim().trim_start_matches('*').strip_prefix(' ').unwrap_or(l.trim().trim_start_matches('*')))
        .map(str::trim_end)
        .collect();
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(lines.len());
    let last = lines.iter().rposition(|l| !l.is_empty()).map_or(first, |i| i + 1);
    let lines = &lines[first..last];
    match lines {
        [one] => format!("{indent}/** {one} */\n"),
        many => {
            let mut s = format!("{indent}/**\n");
            for l in many {
                s.push_str(&format!("{indent} *{}{l}\n", if l.is_empty() { "" } else { " " }));
            }
            s.push_str(&format!("{indent} */\n"));
            s
        }
    }
}

#[test]
fn dts_header_is_what_the_types_say() {
    let generated = header();
    if std::env::var_os("UPDATE_DTS").is_some() {
        std::fs::write(HEADER_PATH, &generated).expect("write the header");
        return;
    }
    let committed = std::fs::read_to_string(HEADER_PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "src/binding/index-header.d.ts is not what the Rust types say: run `npm run dts`, then `npm run build:debug`"
    );
}
