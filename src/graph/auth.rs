//! The shared request fields of the calls beyond sending (`AuthFields` of
//! docs/API-beyond-dms.md): the token, the login flavour and the app secret, declared once
//! ([`auth_request!`]) and turned into a [`GraphRequest`] on the flavour's host.

use super::pacing::AccountKey;
use super::{BaseUrl, CallOptions, GraphRequest, Idempotence, LoginType};
use crate::error::Error;
use crate::messaging::appsecret_proof;
use crate::secret::{require_present, require_token, Secret};

/// Declares a request struct whose first fields are `AuthFields` (`accessToken`, `loginType`,
/// `appSecret`), read like every input (own properties, field paths in errors), with its
/// TypeScript from ts-rs, and [`Authed`] to reach them.
macro_rules! auth_request {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, serde::Deserialize)]
        #[serde(rename_all = "camelCase", expecting = "an object")]
        #[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
        pub struct $name {
            /// Instagram user token (`IGAA…`) or page token (`EAA…`); sent as `Authorization: Bearer`.
            #[serde(default)]
            pub access_token: $crate::secret::Secret,
            /// Default: `facebook` for a token starting `EAA`, else `instagram`.
            pub login_type: Option<$crate::graph::LoginType>,
            /// Facebook login only: adds `appsecret_proof` to the request.
            pub app_secret: Option<$crate::secret::Secret>,
            $($fields)*
        }

        impl $crate::graph::Authed for $name {
            fn auth_fields(&self) -> (&$crate::secret::Secret, Option<$crate::graph::LoginType>, Option<&$crate::secret::Secret>) {
                (&self.access_token, self.login_type, self.app_secret.as_ref())
            }
        }
    };
}
pub(crate) use auth_request;

/// A request made with [`auth_request!`].
pub trait Authed {
    /// `accessToken`, `loginType`, `appSecret`.
    fn auth_fields(&self) -> (&Secret, Option<LoginType>, Option<&Secret>);
}

/// The checked `AuthFields` of a call: the flavour resolved, the `appsecret_proof` computed.
pub struct Auth<'a> {
    token: &'a Secret,
    app_secret: Option<&'a Secret>,
    pub login_type: LoginType,
    proof: Option<Secret>,
}

impl<'a> Auth<'a> {
    /// Checks the fields (before any request): a header-safe token, a non-empty app secret
    /// when one is given.
    pub fn check(req: &'a impl Authed) -> Result<Self, Error> {
        let (token, login_type, app_secret) = req.auth_fields();
        require_token(token, "accessToken")?;
        if let Some(secret) = app_secret {
            require_present(secret, "appSecret")?;
        }
        let login_type = LoginType::resolve(login_type, token);
        let proof = match (login_type, app_secret) {
            (LoginType::Facebook, Some(secret)) => Some(Secret::new(appsecret_proof(token, secret))),
            _ => None,
        };
        Ok(Auth { token, app_secret, login_type, proof })
    }

    /// The flavour's host: `instagramUrl` or `facebookUrl`.
    pub fn base<'o>(&self, opts: &'o CallOptions) -> &'o BaseUrl {
        match self.login_type {
            LoginType::Instagram => &opts.instagram_url,
            LoginType::Facebook => &opts.facebook_url,
        }
    }

    /// `method {base}/{apiVersion}/{path…}?{query}[&appsecret_proof]`, the token as
    /// `Authorization: Bearer`, every secret of the call scrubbed from its errors.
    pub fn request(
        &self,
        opts: &CallOptions,
        method: reqwest::Method,
        path: &[&str],
        query: &[(&str, &str)],
        json: Option<Vec<u8>>,
        idempotence: Idempotence,
    ) -> GraphRequest<'_> {
        let mut segments = vec![opts.api_version.as_str()];
        segments.extend_from_slice(path);
        let mut query = query.to_vec();
        query.extend(self.proof.iter().map(|p| ("appsecret_proof", p.expose())));
        let mut secrets = vec![self.token];
        secrets.extend(self.app_secret);
        GraphRequest {
            method,
            url: self.base(opts).join(&segments, &query),
            bearer: Some(self.token),
            json,
            secrets,
            idempotence,
            pacing: None,
        }
    }

    /// Whose pacing limits a request for `account` (`"me"` or digits) counts against.
    pub fn account_key(&self, opts: &CallOptions, account: &str) -> AccountKey {
        AccountKey::new(self.base(opts), account, self.token)
    }
}

/// An id that goes into the URL path: ASCII digits, or `INVALID_ARGUMENT` naming `field`.
pub fn numeric_id<'s>(field: &str, id: &'s str, what: &str) -> Result<&'s str, Error> {
    if id.is_empty() {
        Err(Error::invalid(field, "must not be empty"))
    } else if !id.bytes().all(|b| b.is_ascii_digit()) {
        Err(Error::invalid(field, format!("must be a numeric {what} (ASCII digits)")))
    } else {
        Ok(id)
    }
}

/// `accountId`: absent (→ `"me"`), `"me"` or ASCII digits: it goes into the URL path.
pub fn account_id(given: Option<&str>) -> Result<&str, Error> {
    match given {
        None => Ok("me"),
        Some("me") => Ok("me"),
        Some(id) => numeric_id("accountId", id, "account id")
            .map_err(|_| Error::invalid("accountId", "must be \"me\" or a numeric account id (ASCII digits)")),
    }
}

/// An opaque Graph identifier (a conversation id, a message id: `max` 512; a paging cursor:
/// 2048): 1–`max` visible ASCII characters, none of space, `/`, `?`, `#`, `%`, `&`.
pub fn opaque_id<'s>(field: &str, id: &'s str, max: usize) -> Result<&'s str, Error> {
    if id.is_empty() {
        Err(Error::invalid(field, "must not be empty"))
    } else if id.len() > max {
        Err(Error::invalid(field, format!("must be at most {max} characters")))
    } else if !id.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b'?' | b'#' | b'%' | b'&')) {
        Err(Error::invalid(field, "must be visible ASCII characters without space, /, ?, #, % or &"))
    } else {
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    auth_request! {
        /// A test request.
        pub struct Probe {}
    }

    #[test]
    fn facebook_with_an_app_secret_carries_the_proof_and_scrubs_both() {
        let req = Probe {
            access_token: Secret::new("EAAtoken"),
            app_secret: Some(Secret::new("app-secret")),
            ..Default::default()
        };
        let auth = Auth::check(&req).unwrap();
        assert_eq!(auth.login_type, LoginType::Facebook);
        let r = auth.request(
            &CallOptions::default(),
            reqwest::Method::GET,
            &["1"],
            &[("a", "b")],
            None,
            Idempotence::Repeatable,
        );
        assert_eq!(r.url.host_str(), Some("graph.facebook.com"));
        assert_eq!(r.url.path(), "/v24.0/1");
        assert!(r.url.query().unwrap().starts_with("a=b&appsecret_proof="));
        assert_eq!(r.secrets.len(), 2);
    }

    #[test]
    fn instagram_never_sends_a_proof() {
        let req = Probe {
            access_token: Secret::new("IGAAtoken"),
            app_secret: Some(Secret::new("app-secret")),
            ..Default::default()
        };
        let auth = Auth::check(&req).unwrap();
        let r = auth.request(&CallOptions::default(), reqwest::Method::GET, &["1"], &[], None, Idempotence::Repeatable);
        assert_eq!(r.url.as_str(), "https://graph.instagram.com/v24.0/1");
    }

    #[test]
    fn bad_fields_are_named() {
        let e = Auth::check(&Probe::default()).err().unwrap();
        assert!(e.to_string().starts_with("accessToken:"), "{e}");
        let req = Probe { access_token: Secret::new("IGAA"), app_secret: Some(Secret::new(" ")), ..Default::default() };
        assert!(Auth::check(&req).err().unwrap().to_string().starts_with("appSecret:"));
        assert!(numeric_id("commentId", "12a", "comment id").is_err());
        assert!(numeric_id("commentId", "", "comment id").is_err());
        assert_eq!(numeric_id("commentId", "123", "comment id").unwrap(), "123");
    }

    #[test]
    fn account_ids_and_opaque_ids() {
        assert_eq!(account_id(None).unwrap(), "me");
        assert_eq!(account_id(Some("me")).unwrap(), "me");
        assert_eq!(account_id(Some("178")).unwrap(), "178");
        for bad in ["", "ME", "12a", "../1"] {
            assert!(account_id(Some(bad)).err().unwrap().to_string().starts_with("accountId:"), "{bad}");
        }
        assert_eq!(opaque_id("after", "QVFIU-_=.~", 2048).unwrap(), "QVFIU-_=.~");
        for bad in ["", "a b", "a/b", "a?b", "a#b", "a%b", "a&b", "é", "a\nb"] {
            assert!(opaque_id("after", bad, 2048).is_err(), "{bad:?}");
        }
        assert!(opaque_id("conversationId", &"a".repeat(512), 512).is_ok());
        assert!(opaque_id("conversationId", &"a".repeat(513), 512).is_err());
    }
}
