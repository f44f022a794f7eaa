//! `WebhookRequest` as the caller passes it, read from any [`Source`] (a JavaScript object in
//! the binding, JSON in tests) into owned values: the body is a copy, so neither a transfer,
//! a change nor a worker's exit after the call can reach what is checked and parsed.

use super::{reads_header_name, reads_query_name, WebhookRequest};
use crate::error::Error;
use crate::input::{Kind, Source, Unreadable};

/// An incoming webhook request, as the web framework received it.
#[derive(Debug, Clone, Default)]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields, rename = "WebhookRequest"))]
pub struct RequestInput {
    /// `'GET'` or `'POST'`, any case.
    #[cfg_attr(test, ts(optional = false))]
    pub method: String,
    /// The query parameters (`hub.mode`, `hub.verify_token`, `hub.challenge`): a plain object
    /// (own properties only), a `Map` or a `URLSearchParams`.
    #[cfg_attr(
        test,
        ts(
            optional,
            type = "Record<string, string | string[] | undefined> | Map<string, string | string[]> | URLSearchParams"
        )
    )]
    pub query: Vec<(String, Vec<String>)>,
    /// The headers, names in any case (`x-hub-signature-256`): a plain object (own properties
    /// only), a `Map` or a fetch `Headers`.
    #[cfg_attr(
        test,
        ts(
            optional,
            type = "Record<string, string | string[] | undefined> | Map<string, string | string[]> | Headers"
        )
    )]
    pub headers: Vec<(String, Vec<String>)>,
    /// The RAW body bytes as received (n8n: `this.getRequestObject().rawBody`), never
    /// re-serialised JSON: the signature covers the exact bytes. Copied when the call is made
    /// (at most `maxBodyBytes + 1` bytes), so the caller may reuse or transfer the buffer at once.
    #[cfg_attr(test, ts(optional, type = "Buffer | Uint8Array | ArrayBufferView | ArrayBuffer | string"))]
    pub body: Option<Vec<u8>>,
}

impl RequestInput {
    /// Reads `request`; a body is copied up to `max_body_bytes + 1` bytes (one more than the
    /// limit is enough to refuse it with 413).
    pub fn read<S: Source>(request: S, max_body_bytes: usize) -> Result<Self, Error> {
        let unreadable = |field: &str| Error::invalid(format!("request.{field}"), "cannot be read");
        if request.kind().map_err(|_| Error::invalid("request", "cannot be read"))? != Kind::Object {
            return Err(Error::invalid("request", "must be an object"));
        }
        let prop = |name: &'static str| -> Result<Option<(S, Kind)>, Error> {
            let Some(v) = request.static_field(name).map_err(|_| unreadable(name))? else { return Ok(None) };
            let kind = v.kind().map_err(|_| unreadable(name))?;
            Ok((kind != Kind::Nullish).then_some((v, kind)))
        };
        let method = match prop("method")? {
            Some((v, Kind::String)) => v.string().map_err(|_| unreadable("method"))?,
            Some(_) => return Err(Error::invalid("request.method", "must be a string such as 'GET' or 'POST'")),
            None => return Err(Error::invalid("request.method", "is required ('GET' or 'POST')")),
        };
        let query = match prop("query")? {
            Some((v, _)) => string_pairs(v, "request.query", reads_query_name)?,
            None => Vec::new(),
        };
        let headers = match prop("headers")? {
            Some((v, _)) => string_pairs(v, "request.headers", reads_header_name)?,
            None => Vec::new(),
        };
        let body = match prop("body")? {
            None => None,
            Some((v, Kind::String)) => Some(v.string().map_err(|_| unreadable("body"))?.into_bytes()),
            Some((v, Kind::Binary)) => match v.bytes(max_body_bytes.saturating_add(1)) {
                Ok(Some(bytes)) => Some(bytes),
                _ => {
                    return Err(Error::invalid(
                        "request.body",
                        "cannot be read (a detached or transferred buffer): pass the bytes as received",
                    ))
                }
            },
            Some((_, Kind::Object | Kind::Array)) => {
                return Err(Error::invalid(
                    "request.body",
                    "is an already-parsed object: pass the raw body bytes (a Buffer such as n8n's `this.getRequestObject().rawBody`, a Uint8Array, an ArrayBuffer or DataView, or the exact string received); the signature covers the exact bytes",
                ))
            }
            Some(_) => {
                return Err(Error::invalid(
                    "request.body",
                    "must be a Buffer, a Uint8Array, an ArrayBuffer, a DataView or a string",
                ))
            }
        };
        Ok(RequestInput { method, query, headers, body })
    }

    /// The request the checks read, borrowing from this one.
    pub fn as_request(&self) -> WebhookRequest<'_> {
        WebhookRequest {
            method: self.method.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.as_deref(),
        }
    }
}

/// `request.headers` or `request.query` as name/values pairs, keeping only the names the
/// core reads (`wanted`), so no other value is even touched. Accepted: a plain object of
/// `string | string[]` (own properties only; numbers and booleans count as their text;
/// other values are skipped, as a query parser's output for unrelated parameters may hold
/// anything), or a `Map`, `Headers` or `URLSearchParams` (what fetch-style servers hand
/// over). Names sorted, so that with `X-Hub-Signature-256` and `x-hub-signature-256` both
/// present the same one wins every time.
pub fn string_pairs<S: Source>(
    value: S,
    field: &str,
    wanted: fn(&str) -> bool,
) -> Result<Vec<(String, Vec<String>)>, Error> {
    let unreadable = |_| Error::invalid(field, "cannot be read");
    if value.kind().map_err(unreadable)? != Kind::Object {
        return Err(Error::invalid(field, "must be an object of strings, a Map, Headers or URLSearchParams"));
    }
    let mut pairs = Vec::new();
    let mut take = |name: String, v: S| -> Result<(), Error> {
        if wanted(&name) {
            let values = texts(v).map_err(unreadable)?;
            if !values.is_empty() {
                pairs.push((name, values));
            }
        }
        Ok(())
    };
    let keys = value.keys().map_err(unreadable)?;
    // A Map, Headers or URLSearchParams has no own keys; a plain object usually has some.
    let collection = if keys.is_empty() { value.entries().map_err(unreadable)? } else { None };
    if let Some(entries) = collection {
        for (k, v) in entries {
            if k.kind().map_err(unreadable)? == Kind::String {
                take(k.string().map_err(unreadable)?, v)?;
            }
        }
    } else {
        for name in keys {
            if wanted(&name) {
                if let Some(v) = value.field(&name).map_err(unreadable)? {
                    take(name, v)?;
                }
            }
        }
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pairs)
}

/// A header/query value as texts: a string, number or boolean is one; an array gives its
/// own elements of those kinds (at most 1,000); anything else none.
fn texts<S: Source>(v: S) -> Result<Vec<String>, Unreadable> {
    let one = |v: S| -> Result<Option<String>, Unreadable> {
        Ok(match v.kind()? {
            Kind::String => Some(v.string()?),
            Kind::Number => Some(v.number()?).filter(|n| n.is_finite()).map(|n| {
                if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
                    (n as i64).to_string()
                } else {
                    serde_json::Number::from_f64(n).map_or_else(String::new, |n| n.to_string())
                }
            }),
            Kind::Boolean => Some(v.boolean()?.to_string()),
            _ => None,
        })
    };
    if v.kind()? == Kind::Array {
        let mut out = Vec::new();
        for i in 0..v.array_len()?.min(1_000) {
            if let Some(item) = v.element(i)? {
                out.extend(one(item)?);
            }
        }
        return Ok(out);
    }
    Ok(one(v)?.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keep_what_is_read_and_are_lenient() {
        let q = serde_json::json!({"hub.mode": "subscribe", "hub.challenge": ["x", 1, null, {"o": 1}], "a": {"x": 1}, "hub.verify_token": true});
        let pairs = string_pairs(&q, "request.query", reads_query_name).unwrap();
        assert_eq!(
            pairs,
            vec![
                ("hub.challenge".to_string(), vec!["x".to_string(), "1".to_string()]),
                ("hub.mode".to_string(), vec!["subscribe".to_string()]),
                ("hub.verify_token".to_string(), vec!["true".to_string()]),
            ]
        );
        let e = string_pairs(&serde_json::json!([1]), "request.query", reads_query_name).unwrap_err();
        assert_eq!(e.to_string(), "request.query: must be an object of strings, a Map, Headers or URLSearchParams");
    }

    #[test]
    fn a_parsed_body_is_refused_with_what_to_pass() {
        let e = RequestInput::read(&serde_json::json!({"method": "POST", "body": {"object": "instagram"}}), 10)
            .unwrap_err();
        assert!(e.to_string().starts_with("request.body: is an already-parsed object"));
        let r = RequestInput::read(&serde_json::json!({"method": "POST", "body": "{}"}), 10).unwrap();
        assert_eq!(r.body.as_deref(), Some(&b"{}"[..]));
    }
}
