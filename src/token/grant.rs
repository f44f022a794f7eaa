//! Exchange and refresh calls: short-lived → long-lived token, long-lived → renewed.

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::graph::{self, CallOptions, GraphRequest, Idempotence, LoginType};
use crate::secret::Secret;

/// A long-lived token as Meta granted it (`TokenGrant` of API.md).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenGrant {
    pub access_token: Secret,
    pub token_type: String,
    /// Seconds, as Meta sent it.
    pub expires_in: u64,
    /// Epoch ms: `issued_at + expires_in * 1000`.
    pub expires_at: i64,
    /// Epoch ms: the clock (or `options.now`) when the answer arrived.
    pub issued_at: i64,
    pub login_type: LoginType,
}

/// `exchangeToken`'s request.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeRequest {
    pub access_token: Secret,
    pub client_secret: Secret,
    pub client_id: Option<String>,
    pub login_type: Option<LoginType>,
}

/// `refreshToken`'s request.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    pub access_token: Secret,
}

#[derive(Deserialize, Serialize)]
struct WireGrant {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    expires_in: u64,
}

fn require(secret: &Secret, field: &str) -> Result<(), Error> {
    if secret.expose().trim().is_empty() {
        return Err(Error::invalid(field, "must be a non-empty string"));
    }
    Ok(())
}

/// Exchanges a short-lived OAuth token for a long-lived one (about 60 days).
pub async fn exchange(req: &ExchangeRequest, opts: &CallOptions) -> Result<TokenGrant, Error> {
    require(&req.access_token, "accessToken")?;
    require(&req.client_secret, "clientSecret")?;
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
    };
    call(&request, login_type, opts).await
}

/// Refreshes a long-lived Instagram-login token (at least 24 h old, not expired).
pub async fn refresh(req: &RefreshRequest, opts: &CallOptions) -> Result<TokenGrant, Error> {
    require(&req.access_token, "accessToken")?;
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
    };
    call(&request, LoginType::Instagram, opts).await
}

async fn call(request: &GraphRequest<'_>, login_type: LoginType, opts: &CallOptions) -> Result<TokenGrant, Error> {
    let answer = graph::execute::<WireGrant>(request, opts).await?;
    let issued_at = opts.now_ms();
    grant_from_wire(answer.body, issued_at, login_type)
}

fn grant_from_wire(w: WireGrant, issued_at: i64, login_type: LoginType) -> Result<TokenGrant, Error> {
    if w.access_token.is_empty() {
        return Err(Error::bad_response(Some(200), "the answer has an empty access_token"));
    }
    let expires_in_ms = i64::try_from(w.expires_in).ok().and_then(|s| s.checked_mul(1000));
    let expires_at = expires_in_ms
        .and_then(|ms| issued_at.checked_add(ms))
        .ok_or_else(|| Error::bad_response(Some(200), "expires_in is out of range"))?;
    Ok(TokenGrant {
        access_token: Secret::new(w.access_token),
        token_type: w.token_type.unwrap_or_else(|| "bearer".to_string()),
        expires_in: w.expires_in,
        expires_at,
        issued_at,
        login_type,
    })
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
