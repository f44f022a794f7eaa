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
use crate::error::{Error as CoreError, ErrorCode};
use crate::graph::{CallOptions, CallOptionsInput};
use crate::input::{read, read_opt};
use crate::messaging::{self, MessagingWindow, SendResult, WindowOptions, WindowRequest};
use crate::profile::{self, UserProfile};
use crate::token::{self, CredentialInput, Decision, PolicyInput, PreAuthResult, TokenGrant, TokenPolicy, TokenState};
use crate::webhook::{self, EventType, RejectReason, RequestInput, SecretsInput, WebhookSecrets};

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

/// Exchanges a short-lived OAuth token for a long-lived one (about 60 days).
///
/// Instagram login: `GET {instagramUrl}/access_token?grant_type=ig_exchange_token`;
/// Facebook login: `GET {facebookUrl}/{apiVersion}/oauth/access_token?grant_type=fb_exchange_token`.
#[napi(ts_args_type = "req: ExchangeTokenRequest, options?: CallOptions", ts_return_type = "Promise<TokenGrant>")]
pub fn exchange_token<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, TokenGrant> {
    networked(env, req, options, |req, opts| async move { token::exchange(&req, &opts).await })
}

/// Refreshes a long-lived Instagram-login token: `GET {instagramUrl}/refresh_access_token`.
/// The token must be at least 24 h old and not expired. A Facebook-login token (`EAA…`) is
/// `INVALID_ARGUMENT`: re-exchange it, or use a page token, which does not expire.
#[napi(ts_args_type = "req: RefreshTokenRequest, options?: CallOptions", ts_return_type = "Promise<TokenGrant>")]
pub fn refresh_token<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, TokenGrant> {
    networked(env, req, options, |req, opts| async move { token::refresh(&req, &opts).await })
}

/// The Instagram account(s) a token reaches. Instagram login: `GET /me` → one account.
/// Facebook login: `GET /me/accounts` → one per page with a linked Instagram account,
/// following `paging.next`.
#[napi(ts_args_type = "req: GetAccountRequest, options?: CallOptions", ts_return_type = "Promise<InstagramAccount[]>")]
pub fn get_account<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, Vec<InstagramAccount>> {
    networked(env, req, options, |req, opts| async move { account::get_account(&req, &opts).await })
}

/// Sends a message, a sender action or a reaction. Checked before any network call (each
/// mistake an `INVALID_ARGUMENT` naming the field, e.g. `message.quickReplies[13]`), then
/// `POST /{apiVersion}/{accountId}/messages`. Never sent twice: a timeout or a connection
/// lost after the request was written is not retried (`TIMEOUT` / `NETWORK`; the message
/// may have been delivered).
#[napi(ts_args_type = "req: SendRequest, options?: CallOptions", ts_return_type = "Promise<SendResult>")]
pub fn send_message<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, SendResult> {
    networked(env, req, options, |req, opts| async move { messaging::send_message(&req, &opts).await })
}

/// Answers a comment publicly: `POST /{apiVersion}/{commentId}/replies`. Never sent twice (a
/// timeout or a connection lost after the request was written is not retried: the reply may
/// have been posted).
#[napi(ts_args_type = "req: ReplyToCommentRequest, options?: CallOptions", ts_return_type = "Promise<CommentReply>")]
pub fn reply_to_comment<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, CommentReply> {
    networked(env, req, options, |req, opts| async move { comments::reply_to_comment(&req, &opts).await })
}

/// Hides a comment (`hide` default `true`) or shows it again (`hide: false`):
/// `POST /{apiVersion}/{commentId}`. Idempotent: retried like the account calls.
#[napi(ts_args_type = "req: HideCommentRequest, options?: CallOptions", ts_return_type = "Promise<HideCommentResult>")]
pub fn hide_comment<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, HideCommentResult> {
    networked(env, req, options, |req, opts| async move { comments::hide_comment(&req, &opts).await })
}

/// Deletes a comment on the account's own media (or its own comment):
/// `DELETE /{apiVersion}/{commentId}`. A write: not retried after a timeout or a bare 5xx.
#[napi(
    ts_args_type = "req: DeleteCommentRequest, options?: CallOptions",
    ts_return_type = "Promise<DeleteCommentResult>"
)]
pub fn delete_comment<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, DeleteCommentResult> {
    networked(env, req, options, |req, opts| async move { comments::delete_comment(&req, &opts).await })
}

/// The profile of a person who messaged the account: `GET /{apiVersion}/{userId}?fields=…`.
/// Without the person's consent Meta answers an error (`PERMISSION_DENIED` in the mock).
#[napi(ts_args_type = "req: UserProfileRequest, options?: CallOptions", ts_return_type = "Promise<UserProfile>")]
pub fn get_user_profile<'e>(env: &'e Env, req: Unknown, options: Option<Unknown>) -> Networked<'e, UserProfile> {
    networked(env, req, options, |req, opts| async move { profile::get_user_profile(&req, &opts).await })
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

/// `errorCodes`, `rejectReasons` and `webhookEventTypes`: the core's lists, frozen, for code
/// that must know every value (the n8n trigger's event filter, a router).
#[napi(module_exports)]
pub fn lists(mut exports: Object, env: Env) -> Result<()> {
    let lists: [(&str, Vec<&str>); 3] = [
        ("errorCodes", ErrorCode::ALL.iter().map(|c| c.as_str()).collect()),
        ("rejectReasons", RejectReason::ALL.iter().map(|r| r.as_str()).collect()),
        ("webhookEventTypes", EventType::ALL.iter().map(|t| t.as_str()).collect()),
    ];
    for (name, items) in lists {
        let mut array = Object::from_unknown(env.to_js_value(&items)?)?;
        array.freeze()?;
        exports.set_named_property(name, array)?;
    }
    Ok(())
}
