//! The exports. Each reads its arguments through [`crate::input`] (own properties only,
//! copied, bounded), calls the core and hands back the result or a typed error. Their
//! TypeScript comes from the core types (`src/dts.rs` writes `index-header.d.ts`).

use std::future::Future;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::convert::{js_error, settled, spawn, Out, ParsedJson};
use super::js::Arg;
use crate::account::{self, InstagramAccount};
use crate::comments::{self, CommentReply, DeleteCommentResult, HideCommentResult};
use crate::conversations::{self, ConversationPage, MessageHistory};
use crate::error::{Error as CoreError, ErrorCode};
use crate::graph::{CallOptions, CallOptionsInput};
use crate::input::{read, read_opt};
use crate::messaging::{self, MarkSeenResult, MessagingWindow, SendResult, WindowOptions, WindowRequest};
use crate::messenger_profile::{self, IceBreakers, MessengerProfileResult, PersistentMenu};
use crate::profile::{self, UserProfile};
use crate::token::{self, CredentialInput, Decision, PolicyInput, PreAuthResult, TokenGrant, TokenPolicy, TokenState};
use crate::webhook::{self, EventType, RejectReason, RequestInput, Route, SecretsInput, WebhookSecrets};

type Core<T> = std::result::Result<T, CoreError>;

/// What a networked export returns: a promise of the core result.
type Networked<'e, R> = Result<PromiseRaw<'e, Out<R>>>;

fn call_options(options: Option<Arg>) -> Core<CallOptions> {
    CallOptions::from_input(&read_opt::<_, CallOptionsInput>(options, "options")?)
}

/// A networked export: request and options read and checked on this thread (a mistake
/// settles the promise at once), then `run` on the shared runtime.
fn networked<'e, T, R, F>(
    env: &'e Env,
    req: Unknown,
    options: Option<Unknown>,
    run: impl FnOnce(T, CallOptions) -> F,
) -> Networked<'e, R>
where
    T: DeserializeOwned,
    R: Serialize + Send + 'static,
    F: Future<Output = Core<R>> + Send + 'static,
{
    match read::<_, T>(Arg::new(req), "req").and_then(|req| Ok((req, call_options(options.map(Arg::new))?))) {
        Err(e) => settled(env, Err(e)),
        Ok((req, opts)) => spawn(env, run(req, opts), Out),
    }
}

/// The networked exports: `name(req, options?)`, a promise of the core function's result.
/// Their docs are written `#[doc = "…"]`: napi-derive would copy a `///` passed through a
/// macro into index.d.ts as the raw string it becomes.
macro_rules! networked {
    ($($(#[doc = $doc:literal])* $name:ident: $args:literal -> $ts:literal, $out:ty = $core:path;)*) => {$(
        $(#[doc = $doc])*
        #[napi(ts_args_type = $args, ts_return_type = $ts)]
        pub fn $name<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, $out> {
            networked(env, req, options, |req, opts| async move { $core(&req, &opts).await })
        }
    )*};
}

networked! {
    #[doc = " Exchanges a short-lived OAuth token for a long-lived one (about 60 days)."]
    #[doc = ""]
    #[doc = " Instagram login: `GET {instagramUrl}/access_token?grant_type=ig_exchange_token`;"]
    #[doc = " Facebook login: `GET {facebookUrl}/{apiVersion}/oauth/access_token?grant_type=fb_exchange_token`."]
    exchange_token: "req: ExchangeTokenRequest, options?: CallOptions" -> "Promise<TokenGrant>", TokenGrant = token::exchange;

    #[doc = " Refreshes a long-lived Instagram-login token: `GET {instagramUrl}/refresh_access_token`."]
    #[doc = " The token must be at least 24 h old and not expired. A Facebook-login token (`EAA…`) is"]
    #[doc = " `INVALID_ARGUMENT`: re-exchange it, or use a page token, which does not expire."]
    refresh_token: "req: RefreshTokenRequest, options?: CallOptions" -> "Promise<TokenGrant>", TokenGrant = token::refresh;

    #[doc = " The Instagram account(s) a token reaches. Instagram login: `GET /me` → one account."]
    #[doc = " Facebook login: `GET /me/accounts` → one per page with a linked Instagram account,"]
    #[doc = " following `paging.next`."]
    get_account: "req: GetAccountRequest, options?: CallOptions" -> "Promise<InstagramAccount[]>", Vec<InstagramAccount> = account::get_account;

    #[doc = " Answers a comment publicly: `POST /{apiVersion}/{commentId}/replies`. Never sent twice (a"]
    #[doc = " timeout or a connection lost after the request was written is not retried: the reply may"]
    #[doc = " have been posted)."]
    reply_to_comment: "req: ReplyToCommentRequest, options?: CallOptions" -> "Promise<CommentReply>", CommentReply = comments::reply_to_comment;

    #[doc = " Hides a comment (`hide` default `true`) or shows it again (`hide: false`):"]
    #[doc = " `POST /{apiVersion}/{commentId}`. Idempotent: retried like the account calls."]
    hide_comment: "req: HideCommentRequest, options?: CallOptions" -> "Promise<HideCommentResult>", HideCommentResult = comments::hide_comment;

    #[doc = " Deletes a comment on the account's own media (or its own comment):"]
    #[doc = " `DELETE /{apiVersion}/{commentId}`. A write: not retried after a timeout or a bare 5xx."]
    delete_comment: "req: DeleteCommentRequest, options?: CallOptions" -> "Promise<DeleteCommentResult>", DeleteCommentResult = comments::delete_comment;

    #[doc = " The profile of a person who messaged the account: `GET /{apiVersion}/{userId}?fields=…`."]
    #[doc = " Without the person's consent Meta answers an error (`PERMISSION_DENIED` in the mock)."]
    get_user_profile: "req: UserProfileRequest, options?: CallOptions" -> "Promise<UserProfile>", UserProfile = profile::get_user_profile;

    #[doc = " The inbox, most recently active first: `GET /{apiVersion}/{accountId}/conversations`,"]
    #[doc = " following Meta's cursors (at most 5 requests) until `limit`; `nextCursor` continues it."]
    list_conversations: "req: ListConversationsRequest, options?: CallOptions" -> "Promise<ConversationPage>", ConversationPage = conversations::list_conversations;

    #[doc = " The newest messages of a conversation (by `conversationId`, or with the person `userId`),"]
    #[doc = " newest first: `GET /{apiVersion}/{conversationId}?fields=messages.limit(n){…}` (1–22 requests)."]
    get_messages: "req: GetMessagesRequest, options?: CallOptions" -> "Promise<MessageHistory>", MessageHistory = conversations::get_messages;

    #[doc = " Sets the ice breakers (up to 4 questions a person can tap to start a conversation) of every"]
    #[doc = " locale, replacing all there are: `POST /{apiVersion}/{accountId}/messenger_profile`. Exactly one"]
    #[doc = " `\"default\"` locale. Idempotent: retried like the account calls. Not shown on desktop."]
    set_ice_breakers: "req: SetIceBreakersRequest, options?: CallOptions" -> "Promise<MessengerProfileResult>", MessengerProfileResult = messenger_profile::set_ice_breakers;

    #[doc = " The ice breakers of every locale (`[]` when none are set):"]
    #[doc = " `GET /{apiVersion}/{accountId}/messenger_profile?fields=ice_breakers`."]
    get_ice_breakers: "req: MessengerProfileRequest, options?: CallOptions" -> "Promise<IceBreakers[]>", Vec<IceBreakers> = messenger_profile::get_ice_breakers;

    #[doc = " Removes the ice breakers of every locale: `DELETE /{apiVersion}/{accountId}/messenger_profile`"]
    #[doc = " with `{\"fields\": [\"ice_breakers\"]}`. Idempotent: retried like the account calls."]
    delete_ice_breakers: "req: MessengerProfileRequest, options?: CallOptions" -> "Promise<MessengerProfileResult>", MessengerProfileResult = messenger_profile::delete_ice_breakers;

    #[doc = " Sets the persistent menu (1–20 postback or web_url items) of every locale, replacing the whole"]
    #[doc = " menu: `POST /{apiVersion}/{accountId}/messenger_profile`. Exactly one `\"default\"` locale."]
    #[doc = " Idempotent: retried like the account calls. Not shown on desktop."]
    set_persistent_menu: "req: SetPersistentMenuRequest, options?: CallOptions" -> "Promise<MessengerProfileResult>", MessengerProfileResult = messenger_profile::set_persistent_menu;

    #[doc = " The persistent menu of every locale (`[]` when none is set):"]
    #[doc = " `GET /{apiVersion}/{accountId}/messenger_profile?fields=persistent_menu`."]
    get_persistent_menu: "req: MessengerProfileRequest, options?: CallOptions" -> "Promise<PersistentMenu[]>", Vec<PersistentMenu> = messenger_profile::get_persistent_menu;

    #[doc = " Removes the persistent menu of every locale: `DELETE /{apiVersion}/{accountId}/messenger_profile`"]
    #[doc = " with `{\"fields\": [\"persistent_menu\"]}`. Idempotent: retried like the account calls."]
    delete_persistent_menu: "req: MessengerProfileRequest, options?: CallOptions" -> "Promise<MessengerProfileResult>", MessengerProfileResult = messenger_profile::delete_persistent_menu;
}

/// Sends a message, a sender action or a reaction. Checked before any network call (each
/// mistake an `INVALID_ARGUMENT` naming the field, e.g. `message.quickReplies[13]`), then
/// `POST /{apiVersion}/{accountId}/messages`. Never sent twice: a timeout or a connection
/// lost after the request was written is not retried (`TIMEOUT` / `NETWORK`; the message
/// may have been delivered). Paced (unless `pacing: false`): sends to one recipient start in
/// call order, each after the previous one settled.
#[napi(ts_args_type = "req: SendRequest, options?: CallOptions", ts_return_type = "Promise<SendResult>")]
pub fn send_message<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, SendResult> {
    // The place in the recipient's line is taken here, on the JavaScript thread, in call order.
    networked(env, req, options, messaging::send_message_in_order)
}

/// Marks the person's messages as seen: exactly `sendMessage` with `recipient: { id: userId }`
/// and `senderAction: 'mark_seen'` (a write: not retried after a timeout or a bare 5xx; in
/// the recipient's line like `sendMessage`).
#[napi(ts_args_type = "req: MarkSeenRequest, options?: CallOptions", ts_return_type = "Promise<MarkSeenResult>")]
pub fn mark_seen<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, MarkSeenResult> {
    networked(env, req, options, messaging::mark_seen)
}

/// The checked credential, policy and call options of the token hooks.
fn hook_inputs(credentials: Unknown, options: Option<Unknown>) -> Core<(TokenState, TokenPolicy, CallOptions)> {
    let credentials: CredentialInput = read(Arg::new(credentials), "credentials")?;
    let options = options.map(Arg::new);
    let policy = TokenPolicy::from_input(&read_opt::<_, PolicyInput>(options, "options")?)?;
    Ok((TokenState::from_input(&credentials)?, policy, call_options(options)?))
}

/// The n8n credential hook: exchanges a new OAuth token, refreshes a token that is inside
/// its refresh window, keeps a valid token when a refresh fails, and returns the fields to
/// persist. Concurrent calls for the same token share one network request.
///
/// Rejects with `TOKEN_EXPIRED` (reconnect the credential) when the stored token has
/// expired, and with `INVALID_ARGUMENT` when there is no token at all.
#[napi(
    ts_args_type = "credentials: CredentialState, options?: CallOptions & TokenPolicy",
    ts_return_type = "Promise<PreAuthResult>"
)]
pub fn pre_authenticate<'e>(
    env: &'e Env,
    credentials: Unknown,
    options: Option<Unknown>,
) -> Networked<'e, PreAuthResult> {
    let (state, policy, opts) = match hook_inputs(credentials, options) {
        Ok(inputs) => inputs,
        Err(e) => return settled(env, Err(e)),
    };
    // Nothing due (the usual case before every n8n request): answer on this thread.
    if let token::Step::Settled(outcome) = token::plan(&state, &policy, opts.now_ms()) {
        return settled(env, outcome.map(Out));
    }
    spawn(env, token::pre_authenticate(state, policy, opts), Out)
}

/// The decision `preAuthenticate` would carry out, synchronously and without network.
/// Throws `INVALID_ARGUMENT` when there is no token at all.
#[napi(
    catch_unwind,
    ts_args_type = "credentials: CredentialState, options?: CallOptions & TokenPolicy",
    ts_return_type = "TokenStatus"
)]
pub fn token_status(env: &Env, credentials: Unknown, options: Option<Unknown>) -> Result<Out<Decision>> {
    hook_inputs(credentials, options)
        .and_then(|(state, policy, opts)| token::decide(&state, &policy, opts.now_ms()))
        .map(Out)
        .map_err(|e| js_error(env, &e))
}

/// Which sends Meta allows now, from the time of the person's last message (and of a comment,
/// for a private reply): `standard` (24 h), `human_agent` (7 days, `HUMAN_AGENT` tag only) or
/// `none`. Synchronous, no network. Throws `INVALID_ARGUMENT` for a time that is not one.
#[napi(
    catch_unwind,
    ts_args_type = "req: MessagingWindowRequest, options?: MessagingWindowOptions",
    ts_return_type = "MessagingWindow"
)]
pub fn messaging_window(env: &Env, req: Unknown, options: Option<Unknown>) -> Result<Out<MessagingWindow>> {
    read::<_, WindowRequest>(Arg::new(req), "req")
        .and_then(|req| {
            messaging::messaging_window(&req, &read_opt::<_, WindowOptions>(options.map(Arg::new), "options")?)
        })
        .map(Out)
        .map_err(|e| js_error(env, &e))
}

/// The request (body copied) and the checked secrets of a webhook call.
fn webhook_inputs(request: Unknown, secrets: Unknown) -> Core<(RequestInput, WebhookSecrets)> {
    let secrets = WebhookSecrets::from_input(read::<_, SecretsInput>(Arg::new(secrets), "secrets")?)?;
    Ok((RequestInput::read(Arg::new(request), secrets.max_body_bytes)?, secrets))
}

/// Checks a webhook request from Meta: the `GET` subscription handshake (answers the
/// challenge) or a `POST` delivery (signature over the raw body, then every event
/// normalised). Expected outcomes are values: a forged or malformed request comes back as
/// `{ kind: 'rejected', status, reason }`. Throws `INVALID_ARGUMENT` only for a caller's
/// mistake (no `verifyToken` for a GET, no `appSecret` for a POST, a parsed body).
#[napi(
    catch_unwind,
    ts_args_type = "request: WebhookRequest, secrets: WebhookSecrets",
    ts_return_type = "WebhookResult"
)]
pub fn verify_webhook_sync(env: &Env, request: Unknown, secrets: Unknown) -> Result<ParsedJson> {
    webhook_inputs(request, secrets)
        .and_then(|(req, secrets)| webhook::verify_to_js_json(&req.as_request(), &secrets))
        .map(ParsedJson)
        .map_err(|e| js_error(env, &e))
}

/// `verifyWebhookSync` off the JavaScript thread: the same checks and the same results.
#[napi(ts_args_type = "request: WebhookRequest, secrets: WebhookSecrets", ts_return_type = "Promise<WebhookResult>")]
pub fn verify_webhook<'e>(env: &'e Env, request: Unknown, secrets: Unknown) -> Result<PromiseRaw<'e, ParsedJson>> {
    match webhook_inputs(request, secrets) {
        // A caller's mistake is known at once: no trip through the runtime.
        Err(e) => settled(env, Err(e)),
        Ok((req, secrets)) => {
            spawn(env, async move { webhook::verify_to_js_json(&req.as_request(), &secrets) }, ParsedJson)
        }
    }
}

/// `errorCodes`, `rejectReasons`, `webhookEventTypes` and `webhookRoutes`: the core's lists, frozen, for code
/// that must know every value (the n8n trigger's event filter, a router).
#[napi(module_exports)]
pub fn lists(mut exports: Object, env: Env) -> Result<()> {
    let lists: [(&str, Vec<&str>); 4] = [
        ("errorCodes", ErrorCode::ALL.iter().map(|c| c.as_str()).collect()),
        ("rejectReasons", RejectReason::ALL.iter().map(|r| r.as_str()).collect()),
        ("webhookEventTypes", EventType::ALL.iter().map(|t| t.as_str()).collect()),
        ("webhookRoutes", Route::ALL.iter().map(|r| r.as_str()).collect()),
    ];
    for (name, items) in lists {
        let mut array = Object::from_unknown(env.to_js_value(&items)?)?;
        array.freeze()?;
        exports.set_named_property(name, array)?;
    }
    Ok(())
}
