//! `exchangeToken`, `refreshToken`, `preAuthenticate`, `tokenStatus`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::convert::{from_js, js_error, ms, settled, spawn};
use super::options::{call_options_and_policy, request_and_options};
use crate::error::Error as CoreError;
use crate::token::{self as core, CredentialInput, ExchangeRequest, RefreshRequest, TokenState};

/// Which Instagram API a token belongs to: `'instagram'` (Instagram Login, `IGAA…` tokens,
/// graph.instagram.com) or `'facebook'` (Facebook Login, `EAA…` tokens, graph.facebook.com).
#[napi(string_enum = "lowercase")]
pub enum LoginType {
    Instagram,
    Facebook,
}

impl From<crate::graph::LoginType> for LoginType {
    fn from(l: crate::graph::LoginType) -> Self {
        match l {
            crate::graph::LoginType::Instagram => LoginType::Instagram,
            crate::graph::LoginType::Facebook => LoginType::Facebook,
        }
    }
}

/// A long-lived token as Meta granted it.
#[napi(object)]
pub struct TokenGrant {
    /// The long-lived access token (about 60 days).
    pub access_token: String,
    /// `"bearer"`.
    pub token_type: String,
    /// Lifetime in seconds, as Meta sent it.
    pub expires_in: f64,
    /// Epoch milliseconds: `issuedAt + expiresIn * 1000`.
    pub expires_at: f64,
    /// Epoch milliseconds: the clock (or `options.now`) when the answer arrived.
    pub issued_at: f64,
    pub login_type: LoginType,
}

impl From<core::TokenGrant> for TokenGrant {
    fn from(g: core::TokenGrant) -> Self {
        TokenGrant {
            access_token: g.access_token.expose().to_string(),
            token_type: g.token_type,
            expires_in: g.expires_in as f64,
            expires_at: ms(g.expires_at),
            issued_at: ms(g.issued_at),
            login_type: g.login_type.into(),
        }
    }
}

/// The request of `exchangeToken`.
#[napi(object)]
#[allow(dead_code)] // describes the JS shape for index.d.ts; read through serde into the core type
pub struct ExchangeTokenRequest {
    /// The short-lived token from the OAuth flow.
    pub access_token: String,
    /// The app secret.
    pub client_secret: String,
    /// The Meta app id; required for loginType `'facebook'`.
    pub client_id: Option<String>,
    /// Default: `'facebook'` for a token starting `EAA`, else `'instagram'`.
    pub login_type: Option<LoginType>,
}

/// The request of `refreshToken`.
#[napi(object)]
#[allow(dead_code)] // describes the JS shape for index.d.ts; read through serde into the core type
pub struct RefreshTokenRequest {
    /// A long-lived Instagram-login token, at least 24 h old and not expired.
    pub access_token: String,
}

/// Exchanges a short-lived OAuth token for a long-lived one (about 60 days).
///
/// Instagram login: `GET {instagramUrl}/access_token?grant_type=ig_exchange_token`;
/// Facebook login: `GET {facebookUrl}/{apiVersion}/oauth/access_token?grant_type=fb_exchange_token`.
#[napi(ts_args_type = "req: ExchangeTokenRequest, options?: CallOptions")]
pub fn exchange_token<'env>(
    env: &'env Env,
    req: Unknown,
    options: Option<Unknown>,
) -> Result<PromiseRaw<'env, TokenGrant>> {
    match request_and_options::<ExchangeRequest>(env, req, options) {
        Err(e) => settled(env, Err(e)),
        Ok((req, opts)) => spawn(env, async move { core::exchange(&req, &opts).await }, TokenGrant::from),
    }
}

/// Refreshes a long-lived Instagram-login token: `GET {instagramUrl}/refresh_access_token`.
/// The token must be at least 24 h old and not expired. A Facebook-login token (`EAA…`) is
/// `INVALID_ARGUMENT`: re-exchange it, or use a page token, which does not expire.
#[napi(ts_args_type = "req: RefreshTokenRequest, options?: CallOptions")]
pub fn refresh_token<'env>(
    env: &'env Env,
    req: Unknown,
    options: Option<Unknown>,
) -> Result<PromiseRaw<'env, TokenGrant>> {
    match request_and_options::<RefreshRequest>(env, req, options) {
        Err(e) => settled(env, Err(e)),
        Ok((req, opts)) => spawn(env, async move { core::refresh(&req, &opts).await }, TokenGrant::from),
    }
}

/// A stored credential, as an n8n credential holds it.
#[napi(object)]
#[allow(dead_code)] // describes the JS shape for index.d.ts; read through serde into the core type
pub struct CredentialState {
    /// The stored long-lived token (`''` or absent: none yet).
    pub access_token: Option<String>,
    /// When it expires: epoch ms, epoch seconds (a number below 10^11) or an RFC 3339 string.
    #[napi(ts_type = "number | string")]
    pub access_token_expires_at: Option<String>,
    /// When it was issued: epoch ms, epoch seconds or an RFC 3339 string.
    #[napi(ts_type = "number | string")]
    pub access_token_issued_at: Option<String>,
    /// From an earlier result: which OAuth token the stored token came from.
    pub source_token_fingerprint: Option<String>,
    /// The short-lived token from the OAuth flow, if any.
    pub oauth_access_token: Option<String>,
    /// The Meta app id (needed to exchange a Facebook-login token).
    pub client_id: Option<String>,
    /// The app secret (needed to exchange).
    pub client_secret: Option<String>,
    /// Default: `'facebook'` for tokens starting `EAA`, else `'instagram'`.
    pub login_type: Option<LoginType>,
}

/// What `preAuthenticate` did.
#[napi(string_enum = "lowercase")]
pub enum PreAuthAction {
    /// Nothing was due (or the token is too young to refresh).
    None,
    /// A new OAuth token was exchanged for a long-lived one.
    Exchanged,
    /// The stored token was refreshed.
    Refreshed,
    /// A due refresh or exchange failed; the stored token is still valid and was kept (see `warning`).
    Kept,
}

/// The result of `preAuthenticate`. The fields other than `action`, `changed` and `warning`
/// are what an n8n credential's `preAuthentication` hook returns for n8n to persist.
#[napi(object)]
pub struct PreAuthResult {
    pub action: PreAuthAction,
    /// True when a field below differs from the input (times compared as epoch ms).
    pub changed: bool,
    /// Never empty: the token to use now.
    pub access_token: String,
    /// Epoch ms; absent only when still unknown (e.g. a Facebook token never exchanged here).
    pub access_token_expires_at: Option<f64>,
    /// Epoch ms; absent when unknown.
    pub access_token_issued_at: Option<f64>,
    /// A short one-way fingerprint (never the token) of the OAuth token the stored token
    /// came from; carried over when not exchanged now.
    pub source_token_fingerprint: Option<String>,
    /// Set with action `'kept'`: why the refresh or exchange failed (no secrets).
    pub warning: Option<String>,
}

impl From<core::PreAuthResult> for PreAuthResult {
    fn from(r: core::PreAuthResult) -> Self {
        PreAuthResult {
            action: match r.action {
                core::PreAuthAction::None => PreAuthAction::None,
                core::PreAuthAction::Exchanged => PreAuthAction::Exchanged,
                core::PreAuthAction::Refreshed => PreAuthAction::Refreshed,
                core::PreAuthAction::Kept => PreAuthAction::Kept,
            },
            changed: r.changed,
            access_token: r.access_token.expose().to_string(),
            access_token_expires_at: r.access_token_expires_at.map(ms),
            access_token_issued_at: r.access_token_issued_at.map(ms),
            source_token_fingerprint: r.source_token_fingerprint,
            warning: r.warning,
        }
    }
}

/// The checked credential and `options` (`CallOptions & TokenPolicy`) of the token hooks.
fn credentials_and_options(
    env: &Env,
    credentials: Unknown,
    options: Option<Unknown>,
) -> std::result::Result<(TokenState, crate::token::TokenPolicy, crate::graph::CallOptions), CoreError> {
    let c: CredentialInput = from_js(env, credentials, "credentials")?;
    let (opts, policy) = call_options_and_policy(env, options)?;
    Ok((TokenState::from_input(&c)?, policy, opts))
}

/// The n8n credential hook: exchanges a new OAuth token, refreshes a token that is inside
/// its refresh window, keeps a valid token when a refresh fails, and returns the fields to
/// persist. Concurrent calls for the same token share one network request.
///
/// Rejects with `TOKEN_EXPIRED` (reconnect the credential) when the stored token has
/// expired, and with `INVALID_ARGUMENT` when there is no token at all.
#[napi(ts_args_type = "credentials: CredentialState, options?: CallOptions & TokenPolicy")]
pub fn pre_authenticate<'env>(
    env: &'env Env,
    credentials: Unknown,
    options: Option<Unknown>,
) -> Result<PromiseRaw<'env, PreAuthResult>> {
    let (state, policy, opts) = match credentials_and_options(env, credentials, options) {
        Ok(input) => input,
        Err(e) => return settled(env, Err(e)),
    };
    // Nothing due (the usual case before every n8n request): answer on this thread.
    if let core::Step::Settled(outcome) = core::plan(&state, &policy, opts.now_ms()) {
        return settled(env, outcome.map(PreAuthResult::from));
    }
    spawn(env, core::pre_authenticate(state, policy, opts), PreAuthResult::from)
}

/// What is due for a credential (no network).
#[napi(object)]
pub struct TokenStatus {
    /// `'exchange'` a new OAuth token, `'refresh'` the stored one, `'wait'` (inside the
    /// refresh window but younger than `minRefreshAgeMs`), `'expired'` (reconnect), or `'none'`.
    #[napi(ts_type = "'none' | 'exchange' | 'refresh' | 'wait' | 'expired'")]
    pub next: String,
    /// Milliseconds until expiry (negative once passed); absent when unknown.
    pub expires_in_ms: Option<f64>,
    /// Milliseconds since issue; absent when unknown.
    pub age_ms: Option<f64>,
}

/// The decision `preAuthenticate` would carry out, synchronously and without network.
/// Throws `INVALID_ARGUMENT` when there is no token at all.
#[napi(catch_unwind, ts_args_type = "credentials: CredentialState, options?: CallOptions & TokenPolicy")]
pub fn token_status(env: &Env, credentials: Unknown, options: Option<Unknown>) -> Result<TokenStatus> {
    let status = credentials_and_options(env, credentials, options)
        .and_then(|(state, policy, opts)| core::decide(&state, &policy, opts.now_ms()));
    match status {
        Ok(d) => Ok(TokenStatus {
            next: d.next.as_str().to_string(),
            expires_in_ms: d.expires_in_ms.map(ms),
            age_ms: d.age_ms.map(ms),
        }),
        Err(e) => Err(js_error(env, &e)),
    }
}
