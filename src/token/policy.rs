//! The token decision: a pure function of the stored credential, the policy and a clock.

use serde::Deserialize;

use crate::error::Error;
use crate::graph::LoginType;
use crate::secret::Secret;
use crate::time::{optional_ms, TimeInput};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A stored credential, as an n8n credential holds it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "CredentialState"))]
pub struct CredentialInput {
    /// The stored long-lived token (`''` or absent: none yet).
    pub access_token: Option<Secret>,
    /// When it expires: epoch ms, epoch seconds (a number below 10^11) or an RFC 3339 string.
    pub access_token_expires_at: Option<TimeInput>,
    /// When it was issued: epoch ms, epoch seconds or an RFC 3339 string.
    pub access_token_issued_at: Option<TimeInput>,
    /// From an earlier result: which OAuth token the stored token came from.
    pub source_token_fingerprint: Option<String>,
    /// The short-lived token from the OAuth flow, if any.
    pub oauth_access_token: Option<Secret>,
    /// The Meta app id (needed to exchange a Facebook-login token).
    pub client_id: Option<String>,
    /// The app secret (needed to exchange).
    pub client_secret: Option<Secret>,
    /// Default: `'facebook'` for tokens starting `EAA`, else `'instagram'`.
    pub login_type: Option<LoginType>,
}

/// When `preAuthenticate` refreshes. All in milliseconds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "TokenPolicy"))]
pub struct PolicyInput {
    /// Refresh when less than this remains before expiry. Default 7 days (604800000).
    pub refresh_window_ms: Option<f64>,
    /// Do not refresh tokens younger than this (Meta refuses). Default 24 h (86400000).
    pub min_refresh_age_ms: Option<f64>,
    /// A token this close to its expiry counts as expired. Default 5 min (300000).
    pub expiry_skew_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenPolicy {
    /// Refresh when less than this remains. Default 7 days.
    pub refresh_window_ms: i64,
    /// Meta refuses to refresh younger tokens. Default 24 h.
    pub min_refresh_age_ms: i64,
    /// A token this close to expiry counts as expired. Default 5 min.
    pub expiry_skew_ms: i64,
}

impl Default for TokenPolicy {
    fn default() -> Self {
        TokenPolicy { refresh_window_ms: 7 * DAY_MS, min_refresh_age_ms: DAY_MS, expiry_skew_ms: 5 * 60 * 1000 }
    }
}

impl TokenPolicy {
    pub fn from_input(input: &PolicyInput) -> Result<Self, Error> {
        let d = TokenPolicy::default();
        let ms = |v: Option<f64>, default: i64, field: &str| match v {
            None => Ok(default),
            Some(x) if x.is_finite() && (0.0..=1e13).contains(&x) => Ok(x.round() as i64),
            Some(_) => Err(Error::invalid(field, "must be a non-negative number of milliseconds")),
        };
        Ok(TokenPolicy {
            refresh_window_ms: ms(input.refresh_window_ms, d.refresh_window_ms, "options.refreshWindowMs")?,
            min_refresh_age_ms: ms(input.min_refresh_age_ms, d.min_refresh_age_ms, "options.minRefreshAgeMs")?,
            expiry_skew_ms: ms(input.expiry_skew_ms, d.expiry_skew_ms, "options.expirySkewMs")?,
        })
    }
}

/// The checked credential: empty strings are "absent", times are epoch ms.
#[derive(Debug, Clone)]
pub struct TokenState {
    pub stored: Option<Secret>,
    pub expires_at: Option<i64>,
    pub issued_at: Option<i64>,
    pub source_fingerprint: Option<String>,
    pub oauth: Option<Secret>,
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    pub login_type: LoginType,
}

fn present(s: &Option<Secret>) -> Option<Secret> {
    s.as_ref().filter(|s| !s.expose().trim().is_empty()).cloned()
}

impl TokenState {
    pub fn from_input(c: &CredentialInput) -> Result<Self, Error> {
        let stored = present(&c.access_token);
        let oauth = present(&c.oauth_access_token);
        let login_type = match (&stored, &oauth) {
            (Some(t), _) | (None, Some(t)) => LoginType::resolve(c.login_type, t),
            (None, None) => c.login_type.unwrap_or(LoginType::Instagram),
        };
        Ok(TokenState {
            stored,
            expires_at: optional_ms(c.access_token_expires_at.as_ref(), "accessTokenExpiresAt")?,
            issued_at: optional_ms(c.access_token_issued_at.as_ref(), "accessTokenIssuedAt")?,
            source_fingerprint: c.source_token_fingerprint.clone().filter(|f| !f.is_empty()),
            oauth,
            client_id: c.client_id.clone().filter(|s| !s.trim().is_empty()),
            client_secret: present(&c.client_secret),
            login_type,
        })
    }

    /// True when the stored token exists and has not reached `expiresAt − skew`
    /// (an unknown expiry counts as valid: only Meta can say otherwise).
    pub fn stored_is_valid(&self, policy: &TokenPolicy, now: i64) -> bool {
        self.stored.is_some() && self.expires_at.is_none_or(|at| now < at - policy.expiry_skew_ms)
    }
}

/// What is due for a credential: `'exchange'` a new OAuth token, `'refresh'` the stored one,
/// `'wait'` (inside the refresh window but younger than `minRefreshAgeMs`), `'expired'`
/// (reconnect), or `'none'`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "TokenNext"))]
pub enum Next {
    None,
    Exchange,
    Refresh,
    Wait,
    Expired,
}

impl Next {
    pub fn as_str(self) -> &'static str {
        match self {
            Next::None => "none",
            Next::Exchange => "exchange",
            Next::Refresh => "refresh",
            Next::Wait => "wait",
            Next::Expired => "expired",
        }
    }
}

/// What is due for a credential (no network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "TokenStatus"))]
pub struct Decision {
    pub next: Next,
    /// Milliseconds until expiry (negative once passed); absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in_ms: Option<i64>,
    /// Milliseconds since issue; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_ms: Option<i64>,
}

/// The six-step decision of API.md, in its order.
pub fn decide(state: &TokenState, policy: &TokenPolicy, now: i64) -> Result<Decision, Error> {
    let expires_in_ms = state.expires_at.map(|at| at - now);
    let age_ms = state.issued_at.map(|at| now - at);
    let decision = |next| Ok(Decision { next, expires_in_ms, age_ms });

    // 1. A new OAuth token (first connect or reconnect). With no stored token at all, an
    //    OAuth token is exchanged even if its fingerprint was seen: it is all there is.
    if let Some(oauth) = &state.oauth {
        let seen = state.source_fingerprint.as_deref() == Some(oauth.fingerprint().as_str());
        if !seen || state.stored.is_none() {
            return decision(Next::Exchange);
        }
    }
    // 2. Nothing to work with.
    if state.stored.is_none() {
        return Err(Error::invalid(
            "accessToken",
            "no stored access token and no OAuth token: connect the Instagram credential first",
        ));
    }
    // 3. Expired (or within the skew of it).
    if let Some(at) = state.expires_at {
        if now >= at - policy.expiry_skew_ms {
            return decision(Next::Expired);
        }
    }
    // 4./5. Inside the refresh window, or expiry unknown.
    let due = expires_in_ms.is_none_or(|left| left < policy.refresh_window_ms);
    if due {
        if state.login_type == LoginType::Facebook {
            return decision(Next::None);
        }
        let old_enough = age_ms.is_none_or(|age| age >= policy.min_refresh_age_ms);
        return decision(if old_enough { Next::Refresh } else { Next::Wait });
    }
    // 6.
    decision(Next::None)
}

/// The local `TOKEN_EXPIRED` error, telling the user what to do.
pub fn expired_error(expires_at: Option<i64>) -> Error {
    let when = expires_at
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| format!(" (it expired at {})", t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
        .unwrap_or_default();
    Error::TokenExpired {
        message: format!(
            "The stored Instagram access token has expired{when}. Reconnect the credential (sign in with Instagram again) to get a new one."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_867_200_000;
    const HOUR: i64 = 3_600_000;

    fn state(stored: Option<&str>, expires_at: Option<i64>, issued_at: Option<i64>) -> TokenState {
        TokenState {
            stored: stored.map(Secret::new),
            expires_at,
            issued_at,
            source_fingerprint: None,
            oauth: None,
            client_id: None,
            client_secret: None,
            login_type: LoginType::Instagram,
        }
    }

    fn next(s: &TokenState) -> Next {
        decide(s, &TokenPolicy::default(), NOW).unwrap().next
    }

    #[test]
    fn each_step() {
        let p = TokenPolicy::default();
        // 1. new OAuth token
        let mut s = state(Some("IGAAold"), Some(NOW + 50 * DAY_MS), Some(NOW - 10 * DAY_MS));
        s.oauth = Some(Secret::new("IGAAshort"));
        assert_eq!(next(&s), Next::Exchange);
        s.source_fingerprint = Some(Secret::new("IGAAshort").fingerprint());
        assert_eq!(next(&s), Next::None);
        s.stored = None;
        assert_eq!(next(&s), Next::Exchange);
        // 2. nothing
        let e = decide(&state(None, None, None), &p, NOW).unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::InvalidArgument);
        // 3. expired, and the skew
        assert_eq!(next(&state(Some("t"), Some(NOW), None)), Next::Expired);
        assert_eq!(next(&state(Some("t"), Some(NOW + p.expiry_skew_ms), None)), Next::Expired);
        assert_eq!(next(&state(Some("t"), Some(NOW + p.expiry_skew_ms + 1), None)), Next::Refresh);
        // 4. refresh window edge
        assert_eq!(next(&state(Some("t"), Some(NOW + 7 * DAY_MS - 1), Some(NOW - 53 * DAY_MS))), Next::Refresh);
        assert_eq!(next(&state(Some("t"), Some(NOW + 7 * DAY_MS), Some(NOW - 53 * DAY_MS))), Next::None);
        assert_eq!(next(&state(Some("t"), None, None)), Next::Refresh);
        assert_eq!(next(&state(Some("t"), Some(NOW + DAY_MS), None)), Next::Refresh);
        // 5. too young
        assert_eq!(next(&state(Some("t"), Some(NOW + DAY_MS), Some(NOW - 24 * HOUR + 1))), Next::Wait);
        assert_eq!(next(&state(Some("t"), Some(NOW + DAY_MS), Some(NOW - 24 * HOUR))), Next::Refresh);
        // facebook never refreshes
        let mut f = state(Some("EAAx"), None, None);
        f.login_type = LoginType::Facebook;
        assert_eq!(next(&f), Next::None);
        // 6.
        let d = decide(&state(Some("t"), Some(NOW + 30 * DAY_MS), Some(NOW - 30 * DAY_MS)), &p, NOW).unwrap();
        assert_eq!(d, Decision { next: Next::None, expires_in_ms: Some(30 * DAY_MS), age_ms: Some(30 * DAY_MS) });
    }

    #[test]
    fn input_parsing() {
        let c: CredentialInput = serde_json::from_value(serde_json::json!({
            "accessToken": "", "oauthAccessToken": "EAAabc", "accessTokenExpiresAt": "",
            "accessTokenIssuedAt": 1_795_867_200, "unrelatedN8nField": true
        }))
        .unwrap();
        let s = TokenState::from_input(&c).unwrap();
        assert!(s.stored.is_none());
        assert_eq!(s.login_type, LoginType::Facebook);
        assert_eq!(s.issued_at, Some(NOW));
        assert_eq!(s.expires_at, None);
    }

    #[test]
    fn expired_message_says_reconnect() {
        let e = expired_error(Some(NOW));
        assert_eq!(e.code(), crate::error::ErrorCode::TokenExpired);
        assert!(e.to_string().contains("Reconnect"));
        assert!(e.to_string().contains("2026-11-28T12:00:00Z"));
    }
}
