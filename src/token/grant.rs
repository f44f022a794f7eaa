//! Exchange and refresh calls: short-lived → long-lived token, long-lived → renewed.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::graph::{self, CallOptions, GraphRequest, Idempotence, LoginType};
use crate::secret::Secret;

/// A long-lived token as Meta granted it (`TokenGrant` of API.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TokenGrant {
    /// The long-lived access token (about 60 days).
    #[serde(serialize_with = "Secret::serialize_exposed")]
    #[cfg_attr(test, ts(type = "string"))]
    pub access_token: Secret,
    /// `"bearer"`.
    pub token_type: String,
    /// Lifetime in seconds, as Meta sent it.
    pub expires_in: u64,
    /// Epoch milliseconds: `issuedAt + expiresIn * 1000`.
    pub expires_at: i64,
    /// Epoch milliseconds: the clock (or `options.now`) when the answer arrived.
    pub issued_at: i64,
    pub login_type: LoginType,
}

/// The request of `exchangeToken`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "ExchangeTokenRequest"))]
pub struct ExchangeRequest {
    /// The short-lived token from the OAuth flow.
    pub access_token: Secret,
    /// The app secret.
    pub client_secret: Secret,
    /// The Meta app id; required for loginType `'facebook'`.
    pub client_id: Option<String>,
    /// Default: `'facebook'` for a token starting `EAA`, else `'instagram'`.
    pub login_type: Option<LoginType>,
}

/// The request of `refreshToken`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "RefreshTokenRequest"))]
pub struct RefreshRequest {
    /// A long-lived Instagram-login token, at least 24 h old and not expired.
    pub access_token: Secret,
}

#[derive(Deserialize, Serialize)]
struct WireGrant {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    expires_in: u64,
}

/// Exchanges a short-lived OAuth token for a long-lived one (about 60 days).
pub async fn exchange(req: &ExchangeRequest, opts: &CallOptions) -> Result<TokenGrant, Error> {
    crate::secret::require_token(&req.access_token, "accessToken")?;
    crate::secret::require_present(&req.client_secret, "clientSecret")?;
    let login_type = LoginType::resolve(req.login_type, &req.access_token);
    let url = match login_type {
        LoginType::Instagram => opts.instagram_url.join(
            &["access_token"],
            &[
                ("grant_type", "ig_exchange_token"),
                ("client_secret", req.client_secret.expose()),
                ("access_token", req.access_token.expose()),
            ],
        ),
        LoginType::Facebook => {
            let client_id =
                req.client_id.as_deref().filter(|c| !c.trim().is_empty()).ok_or_else(|| {
                    Error::invalid("clientId", "is required for loginType 'facebook' (the Meta app id)")
                })?;
            opts.facebook_url.join(
                &[&opts.api_version, "oauth", "access_token"],
                &[
                    ("grant_type", "fb_exchange_token"),
                    ("client_id", client_id),
                    ("client_secret", req.client_secret.expose()),
                    ("fb_exchange_token", req.access_token.expose()),
                ],
            )
        }
    };
    let request = GraphRequest {
        method: reqwest::Method::GET,
        url,
        bearer: None,
        json: None,
        secrets: vec![&req.access_token, &req.client_secret],
        idempotence: Idempotence::Repeatable,
        pacing: None,
    };
    call(&request, login_type, opts).await
}

/// Refreshes a long-lived Instagram-login token (at least 24 h old, not expired).
pub async fn refresh(req: &RefreshRequest, opts: &CallOptions) -> Result<TokenGrant, Error> {
    crate::secret::require_token(&req.access_token, "accessToken")?;
    if LoginType::resolve(None, &req.access_token) == LoginType::Facebook {
        return Err(Error::invalid(
            "accessToken",
            "a Facebook-login token (EAA…) cannot be refreshed: exchange a new short-lived token, or use a page token derived from a long-lived user token, which does not expire",
        ));
    }
    let url = opts.instagram_url.join(
        &["refresh_access_token"],
        &[("grant_type", "ig_refresh_token"), ("access_token", req.access_token.expose())],
    );
    let request = GraphRequest {
        method: reqwest::Method::GET,
        url,
        bearer: None,
        json: None,
        secrets: vec![&req.access_token],
        idempotence: Idempotence::Repeatable,
        pacing: None,
    };
    call(&request, LoginType::Instagram, opts).await
}

async fn call(request: &GraphRequest<'_>, login_type: LoginType, opts: &CallOptions) -> Result<TokenGrant, Error> {
    let answer = graph::execute::<WireGrant>(request, opts).await?;
    let issued_at = opts.now_ms();
    grant_from_wire(answer.body, issued_at, login_type)
}

/// The shortest lifetime a granted token may have: Meta grants about 60 days; a token that
/// expires within the default expiry skew (5 min) would be expired as soon as it is stored.
pub const MIN_GRANT_LIFETIME_S: u64 = 300;

/// Checks a token answer before anything can replace a stored token: the token must be a
/// non-blank string that fits in an `Authorization` header, and its lifetime plausible.
fn grant_from_wire(w: WireGrant, issued_at: i64, login_type: LoginType) -> Result<TokenGrant, Error> {
    if w.access_token.trim().is_empty() {
        return Err(Error::bad_response(Some(200), "the answer has an empty access_token"));
    }
    if !crate::secret::is_header_token(&w.access_token) {
        return Err(Error::bad_response(
            Some(200),
            "the answer's access_token is not a usable token (it holds spaces, control or non-ASCII characters)",
        ));
    }
    if w.expires_in < MIN_GRANT_LIFETIME_S {
        return Err(Error::bad_response(
            Some(200),
            format!(
                "the answer's expires_in ({} s) is shorter than {MIN_GRANT_LIFETIME_S} s: not a long-lived token",
                w.expires_in
            ),
        ));
    }
    let grant = TokenGrant {
        access_token: Secret::new(w.access_token),
        token_type: w.token_type.unwrap_or_else(|| "bearer".to_string()),
        expires_in: w.expires_in,
        expires_at: 0,
        issued_at,
        login_type,
    };
    grant.issued(issued_at)
}

impl TokenGrant {
    /// The same grant as received at `issued_at` (epoch ms): a caller that shared another
    /// caller's request sees it in its own clock (`options.now`).
    pub fn issued(mut self, issued_at: i64) -> Result<TokenGrant, Error> {
        let expires_in_ms = i64::try_from(self.expires_in).ok().and_then(|s| s.checked_mul(1000));
        self.expires_at = expires_in_ms
            .and_then(|ms| issued_at.checked_add(ms))
            .filter(|at| *at <= crate::time::MAX_TIME_MS)
            .ok_or_else(|| Error::bad_response(Some(200), "expires_in is out of range"))?;
        self.issued_at = issued_at;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_times() {
        let w = WireGrant { access_token: "IGAAx".into(), token_type: None, expires_in: 5_183_944 };
        let g = grant_from_wire(w, 1_000, LoginType::Instagram).unwrap();
        assert_eq!(g.expires_at, 1_000 + 5_183_944_000);
        assert_eq!(g.token_type, "bearer");
        assert!(!format!("{g:?}").contains("IGAAx"));
        let again = g.clone().issued(5_000).unwrap();
        assert_eq!((again.issued_at, again.expires_at), (5_000, 5_000 + 5_183_944_000));
    }

    #[test]
    fn implausible_answers_are_bad_responses() {
        let bad = |token: &str, expires_in: u64| {
            let w = WireGrant { access_token: token.into(), token_type: None, expires_in };
            grant_from_wire(w, 1_000, LoginType::Instagram).unwrap_err()
        };
        for (token, expires_in) in [
            ("IGAAok", 0),
            ("IGAAok", 1),
            ("IGAAok", 120),
            ("IGAAok", MIN_GRANT_LIFETIME_S - 1),
            ("   ", 5_183_944),
            ("", 5_183_944),
            ("IGAA\r\nX-Evil: 1", 5_183_944),
            ("IGAA tok", 5_183_944),
            ("IGAAtök", 5_183_944),
            ("IGAAok", u64::MAX),
        ] {
            let e = bad(token, expires_in);
            assert_eq!(e.code(), crate::error::ErrorCode::BadResponse, "{token:?} {expires_in}");
            assert!(!e.to_string().contains("IGAA"), "{e}");
        }
    }

    #[tokio::test]
    async fn facebook_refresh_and_missing_fields_fail_before_the_network() {
        // An unroutable base URL proves no request is attempted: the errors come first.
        let opts = CallOptions::default();
        let e = refresh(&RefreshRequest { access_token: Secret::new("EAAtoken") }, &opts).await.unwrap_err();
        assert!(e.to_string().contains("cannot be refreshed"));
        let req = ExchangeRequest {
            access_token: Secret::new("EAAshort"),
            client_secret: Secret::new("s3cret"),
            client_id: None,
            login_type: None,
        };
        assert!(exchange(&req, &opts).await.unwrap_err().to_string().starts_with("clientId:"));
        let req = ExchangeRequest { client_secret: Secret::new(""), ..req };
        assert!(exchange(&req, &opts).await.unwrap_err().to_string().starts_with("clientSecret:"));
    }
}
