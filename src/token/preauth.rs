//! `preAuthenticate`: the n8n credential hook. Carries out [`decide`]'s decision and returns
//! exactly the fields for n8n to persist. Concurrent calls for the same token share one
//! request (single flight within the process).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use futures_util::future::{BoxFuture, FutureExt, Shared};
use sha2::{Digest, Sha256};

use super::grant::{exchange, refresh, ExchangeRequest, RefreshRequest, TokenGrant};
use super::policy::{decide, expired_error, Next, TokenPolicy, TokenState};
use crate::error::{Error, ErrorCode};
use crate::graph::{CallOptions, LoginType};
use crate::secret::Secret;

/// What `preAuthenticate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
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

impl PreAuthAction {
    pub fn as_str(self) -> &'static str {
        match self {
            PreAuthAction::None => "none",
            PreAuthAction::Exchanged => "exchanged",
            PreAuthAction::Refreshed => "refreshed",
            PreAuthAction::Kept => "kept",
        }
    }
}

/// The result of `preAuthenticate`. The fields other than `action`, `changed` and `warning`
/// are what an n8n credential's `preAuthentication` hook returns for n8n to persist.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct PreAuthResult {
    pub action: PreAuthAction,
    /// True when a field below differs from the input (times compared as epoch ms).
    pub changed: bool,
    /// Never empty: the token to use now.
    #[serde(serialize_with = "Secret::serialize_exposed")]
    #[cfg_attr(test, ts(type = "string"))]
    pub access_token: Secret,
    /// Epoch ms; absent only when still unknown (e.g. a Facebook token never exchanged here).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_expires_at: Option<i64>,
    /// Epoch ms; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_issued_at: Option<i64>,
    /// A short one-way fingerprint (never the token) of the OAuth token the stored token
    /// came from; carried over when not exchanged now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_token_fingerprint: Option<String>,
    /// Set with action `'kept'`: why the refresh or exchange failed (no secrets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
}

type SharedGrant = Shared<BoxFuture<'static, Result<TokenGrant, Error>>>;

static IN_FLIGHT: LazyLock<Mutex<HashMap<[u8; 32], SharedGrant>>> = LazyLock::new(Default::default);

/// Runs `call` unless an identical call (same `key`) is already running, in which case its
/// result is shared. A caller that joins a running call waits at most `patience` (its own
/// limits, not the first caller's): past it, a `TIMEOUT` for this caller alone while the
/// shared request goes on for the others.
async fn single_flight(
    key: [u8; 32],
    patience: std::time::Duration,
    call: impl FnOnce() -> BoxFuture<'static, Result<TokenGrant, Error>>,
) -> Result<TokenGrant, Error> {
    let (shared, joined) = {
        let mut map = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(&key) {
            Some(running) => (running.clone(), true),
            None => {
                let fresh = call().shared();
                map.insert(key, fresh.clone());
                (fresh, false)
            }
        }
    };
    let result = if joined {
        match tokio::time::timeout(patience, shared.clone()).await {
            Ok(result) => result,
            Err(_) => Err(Error::Transport {
                kind: crate::error::TransportKind::Timeout,
                detail: format!(
                    "the token request this call joined gave no answer within this call's limit ({} ms)",
                    patience.as_millis()
                ),
            }),
        }
    } else {
        shared.clone().await
    };
    let mut map = IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner());
    if map.get(&key).is_some_and(|s| s.ptr_eq(&shared)) && shared.peek().is_some() {
        map.remove(&key);
    }
    result
}

/// The identity of a network call: what it does, with which token and secrets, where.
fn flight_key(parts: &[&str]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().into()
}

/// The stored fields as they are, with `action` and `warning`.
fn unchanged(state: &TokenState, action: PreAuthAction, warning: Option<String>) -> PreAuthResult {
    PreAuthResult {
        action,
        changed: false,
        access_token: state.stored.clone().unwrap_or_default(),
        access_token_expires_at: state.expires_at,
        access_token_issued_at: state.issued_at,
        source_token_fingerprint: state.source_fingerprint.clone(),
        warning,
    }
}

/// What `preAuthenticate` does for a credential: answer at once (nothing due, too young to
/// refresh, expired, nothing to work with), or make a request.
#[derive(Debug)]
pub enum Step {
    Settled(Result<PreAuthResult, Error>),
    Exchange,
    Refresh,
}

/// The step for `state` now. A `Settled` step needs no I/O, so a caller can answer at once.
pub fn plan(state: &TokenState, policy: &TokenPolicy, now: i64) -> Step {
    match decide(state, policy, now) {
        Err(e) => Step::Settled(Err(e)),
        Ok(d) => match d.next {
            Next::None | Next::Wait => Step::Settled(Ok(unchanged(state, PreAuthAction::None, None))),
            Next::Expired => Step::Settled(Err(expired_error(state.expires_at))),
            Next::Exchange => Step::Exchange,
            Next::Refresh => Step::Refresh,
        },
    }
}

/// Carries out the decision for `state`.
pub async fn pre_authenticate(
    state: TokenState,
    policy: TokenPolicy,
    opts: CallOptions,
) -> Result<PreAuthResult, Error> {
    let now = opts.now_ms();
    let secrets: Vec<Secret> =
        [&state.stored, &state.oauth, &state.client_secret].into_iter().flatten().cloned().collect();
    let warning = |what: &str, e: &Error| warning(what, e, &secrets);
    let unchanged = |action, warning| unchanged(&state, action, warning);
    match plan(&state, &policy, now) {
        Step::Settled(outcome) => outcome,
        Step::Exchange => {
            let oauth = state.oauth.clone().unwrap_or_default();
            let client_secret = state.client_secret.clone().ok_or_else(|| {
                Error::invalid("clientSecret", "is required to exchange the OAuth token for a long-lived token")
            })?;
            if state.login_type == LoginType::Facebook && state.client_id.is_none() {
                return Err(Error::invalid("clientId", "is required for loginType 'facebook' (the Meta app id)"));
            }
            let req = ExchangeRequest {
                access_token: oauth.clone(),
                client_secret,
                client_id: state.client_id.clone(),
                login_type: Some(state.login_type),
            };
            let key = flight_key(&[
                "exchange",
                req.access_token.expose(),
                req.client_secret.expose(),
                req.client_id.as_deref().unwrap_or(""),
                state.login_type.as_str(),
                opts.instagram_url.as_str(),
                opts.facebook_url.as_str(),
                &opts.api_version,
            ]);
            let call_opts = opts.clone();
            let result =
                single_flight(key, opts.patience(), move || async move { exchange(&req, &call_opts).await }.boxed())
                    .await
                    .and_then(|grant| usable(grant, &state, &policy, &opts, false));
            match result {
                Ok(grant) => Ok(from_grant(&state, PreAuthAction::Exchanged, grant, Some(oauth.fingerprint()))),
                Err(e) if e.code() != ErrorCode::InvalidArgument && state.stored_is_valid(&policy, now) => {
                    let mut kept = unchanged(PreAuthAction::Kept, Some(warning("exchange of the new OAuth token", &e)));
                    // Meta refused the OAuth token itself: it will never exchange, so remember
                    // it as seen rather than trying it again before every request.
                    if matches!(e.code(), ErrorCode::TokenExpired | ErrorCode::TokenInvalid) {
                        kept.source_token_fingerprint = Some(oauth.fingerprint());
                        kept.changed = kept.source_token_fingerprint != state.source_fingerprint;
                    }
                    Ok(kept)
                }
                Err(e) => Err(e),
            }
        }
        Step::Refresh => {
            let stored = state.stored.clone().unwrap_or_default();
            let key = flight_key(&["refresh", stored.expose(), opts.instagram_url.as_str()]);
            let req = RefreshRequest { access_token: stored };
            let call_opts = opts.clone();
            let result =
                single_flight(key, opts.patience(), move || async move { refresh(&req, &call_opts).await }.boxed())
                    .await
                    .and_then(|grant| usable(grant, &state, &policy, &opts, true));
            match result {
                Ok(grant) => {
                    let fp = state.source_fingerprint.clone();
                    Ok(from_grant(&state, PreAuthAction::Refreshed, grant, fp))
                }
                Err(e) if matches!(e.code(), ErrorCode::TokenExpired | ErrorCode::TokenInvalid) => Err(e),
                Err(e) if state.stored_is_valid(&policy, now) => {
                    Ok(unchanged(PreAuthAction::Kept, Some(warning("refresh of the stored token", &e))))
                }
                Err(e) => Err(e),
            }
        }
    }
}

fn from_grant(
    state: &TokenState,
    action: PreAuthAction,
    grant: TokenGrant,
    fingerprint: Option<String>,
) -> PreAuthResult {
    let changed = state.stored.as_ref() != Some(&grant.access_token)
        || state.expires_at != Some(grant.expires_at)
        || state.issued_at != Some(grant.issued_at)
        || state.source_fingerprint != fingerprint;
    PreAuthResult {
        action,
        changed,
        access_token: grant.access_token,
        access_token_expires_at: Some(grant.expires_at),
        access_token_issued_at: Some(grant.issued_at),
        source_token_fingerprint: fingerprint,
        warning: None,
    }
}

/// Why a kept token was kept, scrubbed of every secret of the credential (error texts are
/// already redacted at the source; this covers what one call could not know).
fn warning(what: &str, e: &Error, secrets: &[Secret]) -> String {
    let text = format!("{what} failed ({}: {e}); the stored token is still valid and was kept", e.code());
    crate::secret::redact(&text, &secrets.iter().collect::<Vec<_>>())
}

/// A granted token as this caller sees it (its own clock), checked against this caller's
/// policy before it can replace anything: it must outlive the expiry skew, and a refresh must
/// not shorten the stored token's life. Anything else is `BAD_RESPONSE`, so that a valid
/// stored token is kept.
fn usable(
    grant: TokenGrant,
    state: &TokenState,
    policy: &TokenPolicy,
    opts: &CallOptions,
    is_refresh: bool,
) -> Result<TokenGrant, Error> {
    let now = opts.now_ms();
    let grant = grant.issued(now)?;
    if grant.expires_at.saturating_sub(policy.expiry_skew_ms) <= now {
        return Err(Error::bad_response(
            Some(200),
            format!(
                "the granted token's lifetime ({} s) is within the expiry skew ({} ms): it would be expired at once",
                grant.expires_in, policy.expiry_skew_ms
            ),
        ));
    }
    if is_refresh {
        if let Some(stored_at) = state.expires_at {
            if grant.expires_at < stored_at {
                return Err(Error::bad_response(
                    Some(200),
                    "the refreshed token would expire before the stored one: not taken",
                ));
            }
        }
    }
    Ok(grant)
}
