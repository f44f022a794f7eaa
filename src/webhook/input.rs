//! `WebhookSecrets` as JavaScript passes them.

use serde::Deserialize;

use super::{WebhookSecrets, DEFAULT_MAX_BODY_BYTES};
use crate::error::Error;
use crate::secret::Secret;

/// The largest `maxBodyBytes` accepted: far above anything Meta sends.
const MAX_BODY_LIMIT: f64 = 64.0 * 1024.0 * 1024.0;

/// What the webhook checks need.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "WebhookSecrets"))]
pub struct SecretsInput {
    /// The verify token entered in Meta's dashboard; required for `GET`.
    pub verify_token: Option<Secret>,
    /// App secret(s) for `POST` signatures; any may match (rotation, Instagram vs Meta app secret).
    pub app_secret: Option<OneOrMany>,
    /// Accept a `POST` without a signature header (local testing only). Default false.
    pub allow_unsigned: Option<bool>,
    /// Largest accepted body in bytes. Default 1 MiB (1048576).
    pub max_body_bytes: Option<f64>,
}

/// `string | string[]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "must be a string or an array of strings")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum OneOrMany {
    One(Secret),
    Many(Vec<Secret>),
}

impl WebhookSecrets {
    pub fn from_input(input: SecretsInput) -> Result<Self, Error> {
        let max_body_bytes = match input.max_body_bytes {
            None => DEFAULT_MAX_BODY_BYTES,
            Some(n) if n.is_finite() && n.fract() == 0.0 && (0.0..=MAX_BODY_LIMIT).contains(&n) => n as usize,
            Some(_) => {
                return Err(Error::invalid(
                    "secrets.maxBodyBytes",
                    "must be a whole number of bytes from 0 to 67108864",
                ))
            }
        };
        let app_secrets = match input.app_secret {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        };
        Ok(WebhookSecrets {
            verify_token: input.verify_token,
            app_secrets,
            allow_unsigned: input.allow_unsigned.unwrap_or(false),
            max_body_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_forms() {
        let s: SecretsInput =
            serde_json::from_value(serde_json::json!({"appSecret": ["a", "b"], "maxBodyBytes": 10})).unwrap();
        let s = WebhookSecrets::from_input(s).unwrap();
        assert_eq!(s.app_secrets.len(), 2);
        assert_eq!(s.max_body_bytes, 10);
        let s: SecretsInput = serde_json::from_value(serde_json::json!({"appSecret": "a"})).unwrap();
        assert_eq!(WebhookSecrets::from_input(s).unwrap().max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        let s: SecretsInput = serde_json::from_value(serde_json::json!({"maxBodyBytes": -1})).unwrap();
        assert!(WebhookSecrets::from_input(s).unwrap_err().to_string().starts_with("secrets.maxBodyBytes"));
    }
}
