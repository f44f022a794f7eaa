//! `WebhookSecrets` as JavaScript passes them, and the JS request maps (query, headers).

use serde::Deserialize;

use super::{WebhookSecrets, DEFAULT_MAX_BODY_BYTES};
use crate::error::Error;
use crate::secret::Secret;

/// The largest `maxBodyBytes` accepted: far above anything Meta sends.
const MAX_BODY_LIMIT: f64 = 64.0 * 1024.0 * 1024.0;

/// `WebhookSecrets` of API.md.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretsInput {
    pub verify_token: Option<Secret>,
    pub app_secret: Option<OneOrMany>,
    pub allow_unsigned: Option<bool>,
    pub max_body_bytes: Option<f64>,
}

/// `string | string[]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
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

/// A JS `Record<string, string | string[] | undefined>` (query or headers) as name/values
/// pairs. Numbers and booleans become their text; `undefined`, `null` and nested objects
/// (a query parser's output for unrelated parameters) are skipped rather than refused: a
/// delivery must not fail over a parameter nobody reads.
pub fn string_map(value: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    fn text(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    let Some(map) = value.as_object() else { return Vec::new() };
    map.iter()
        .filter_map(|(name, v)| {
            let values: Vec<String> = match v {
                serde_json::Value::Array(items) => items.iter().filter_map(text).collect(),
                other => text(other).into_iter().collect(),
            };
            (!values.is_empty()).then(|| (name.clone(), values))
        })
        .collect()
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

    #[test]
    fn maps_are_lenient() {
        let m = string_map(
            &serde_json::json!({"hub.mode": "subscribe", "a": ["x", 1], "n": null, "o": {"x": 1}, "b": true}),
        );
        assert!(m.contains(&("hub.mode".into(), vec!["subscribe".into()])));
        assert!(m.contains(&("a".into(), vec!["x".into(), "1".into()])));
        assert!(m.contains(&("b".into(), vec!["true".into()])));
        assert_eq!(m.len(), 3);
    }
}
