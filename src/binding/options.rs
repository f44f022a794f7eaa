//! `CallOptions` and `TokenPolicy` as JavaScript passes them.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::convert::from_js_opt;
use crate::error::Error as CoreError;
use crate::graph::{CallOptions as CoreCallOptions, CallOptionsInput};
use crate::token::{PolicyInput, TokenPolicy as CoreTokenPolicy};

/// Options accepted as the last argument of every networked function.
#[napi(object)]
#[allow(dead_code)] // describes the JS shape for index.d.ts; read through serde into the core type
pub struct CallOptions {
    /// Base URL of the Instagram-login Graph host. Default `"https://graph.instagram.com"`.
    /// Must be `https://`; `http://` only for loopback hosts. A trailing `/` is ignored.
    pub instagram_url: Option<String>,
    /// Base URL of the Facebook-login Graph host. Default `"https://graph.facebook.com"`.
    pub facebook_url: Option<String>,
    /// Graph API version, e.g. `"v24.0"` (the default).
    pub api_version: Option<String>,
    /// Time limit per attempt in milliseconds. Default 30000.
    pub timeout_ms: Option<f64>,
    /// Automatic retries for the retryable cases (rate limits, transient Graph errors,
    /// connect failures). Default 2; 0 to 10.
    pub max_retries: Option<f64>,
    /// Epoch milliseconds that replace the clock for every time decision (tests, replays);
    /// also the `issuedAt` of a grant.
    pub now: Option<f64>,
}

/// When `preAuthenticate` refreshes. All in milliseconds.
#[napi(object)]
#[allow(dead_code)] // describes the JS shape for index.d.ts; read through serde into the core type
pub struct TokenPolicy {
    /// Refresh when less than this remains before expiry. Default 7 days (604800000).
    pub refresh_window_ms: Option<f64>,
    /// Do not refresh tokens younger than this (Meta refuses). Default 24 h (86400000).
    pub min_refresh_age_ms: Option<f64>,
    /// A token this close to its expiry counts as expired. Default 5 min (300000).
    pub expiry_skew_ms: Option<f64>,
}

/// The request and the optional `options` of a networked export, or the first input error.
pub fn request_and_options<T: serde::de::DeserializeOwned>(
    env: &Env,
    req: Unknown,
    options: Option<Unknown>,
) -> std::result::Result<(T, CoreCallOptions), CoreError> {
    Ok((super::convert::from_js::<T>(env, req, "req")?, call_options(env, options)?))
}

/// Reads the optional `options` argument.
pub fn call_options(env: &Env, value: Option<Unknown>) -> std::result::Result<CoreCallOptions, CoreError> {
    let input: CallOptionsInput = from_js_opt(env, value, "options")?;
    CoreCallOptions::from_input(&input)
}

/// Reads `options` as `CallOptions & TokenPolicy`.
pub fn call_options_and_policy(
    env: &Env,
    value: Option<Unknown>,
) -> std::result::Result<(CoreCallOptions, CoreTokenPolicy), CoreError> {
    let call: CallOptionsInput = from_js_opt(env, value, "options")?;
    let policy: PolicyInput = from_js_opt(env, value, "options")?;
    Ok((CoreCallOptions::from_input(&call)?, CoreTokenPolicy::from_input(&policy)?))
}
