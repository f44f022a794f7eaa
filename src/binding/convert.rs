//! JS values ⇄ core types, and core errors → JS `Error` objects with `code` and the
//! structured properties of API.md.

use std::future::Future;

use napi::bindgen_prelude::*;
use serde::de::DeserializeOwned;

use crate::error::Error as CoreError;

/// Reads a JS argument into a core input type. Wrong shapes become `INVALID_ARGUMENT`
/// naming the field path (`message.quickReplies[3].title`), never echoing the value (it
/// may be a secret).
pub fn from_js<T: DeserializeOwned>(env: &Env, value: Unknown, root: &str) -> std::result::Result<T, CoreError> {
    match value.get_type() {
        Ok(ValueType::Object) => {}
        _ => return Err(CoreError::invalid(root, "must be an object")),
    }
    let json: serde_json::Value = env
        .from_js_value(value)
        .map_err(|_| CoreError::invalid(root, "must be a plain object of strings, numbers, booleans, arrays and objects"))?;
    from_json(json, root)
}

/// Like [`from_js`] for an optional argument: `undefined` and `null` give the default.
pub fn from_js_opt<T: DeserializeOwned + Default>(env: &Env, value: Option<Unknown>, root: &str) -> std::result::Result<T, CoreError> {
    match value {
        None => Ok(T::default()),
        Some(v) if matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)) => Ok(T::default()),
        Some(v) => from_js(env, v, root),
    }
}

/// Deserializes with the field path of the first mismatch.
pub fn from_json<T: DeserializeOwned>(json: serde_json::Value, root: &str) -> std::result::Result<T, CoreError> {
    if !json.is_object() {
        return Err(CoreError::invalid(root, "must be an object"));
    }
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let (field, problem) = describe(&path, &inner);
        let field = match (root, field.as_str()) {
            ("options", "") => "options".to_string(),
            ("options", f) => format!("options.{f}"),
            (r, "") => r.to_string(),
            (_, f) => f.to_string(),
        };
        CoreError::invalid(field, problem)
    })
}

/// Turns serde's message into a field path and a problem without the offending value.
fn describe(path: &str, message: &str) -> (String, String) {
    let path = if path == "." { "" } else { path };
    let join = |name: &str| if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return (join(name), "is required".into());
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let got = rest.split([' ', ',']).next().unwrap_or("value");
        let got = match got {
            "map" => "an object",
            "sequence" => "an array",
            "null" | "unit" => "null",
            "integer" | "floating" => "a number",
            "string" => "a string",
            "boolean" => "a boolean",
            other => other,
        };
        let expected = rest.rsplit(", expected ").next().unwrap_or("another type");
        let expected = match expected {
            "f64" | "u64" | "i64" | "u32" => "a number",
            "struct" | "a map" => "an object",
            "a sequence" => "an array",
            e if e.starts_with("struct ") => "an object",
            e => e,
        };
        return (path.to_string(), format!("must be {expected} (got {got})"));
    }
    if message.starts_with("unknown variant") {
        let expected = message.split("expected ").nth(1).unwrap_or("a known value").replace('`', "'");
        return (path.to_string(), format!("must be {expected}"));
    }
    if message.contains("untagged enum TimeInput") {
        return (path.to_string(), "must be epoch milliseconds or an RFC 3339 date-time string".into());
    }
    (path.to_string(), "has an invalid value".into())
}

/// The JS `Error` for a core error: `message`, `code`, `retryable`, and every known
/// property of API.md's `InstagramError`.
pub fn js_error(env: &Env, e: &CoreError) -> napi::Error {
    let build = || -> Result<Object<'_>> {
        let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, e.to_string()))?;
        obj.set("code", e.code().as_str())?;
        obj.set("retryable", e.retryable())?;
        if let Some(status) = e.http_status() {
            obj.set("httpStatus", status as u32)?;
        }
        if let Some(g) = e.graph() {
            obj.set("graphCode", g.code as f64)?;
            if let Some(s) = g.subcode {
                obj.set("graphSubcode", s as f64)?;
            }
            if let Some(t) = &g.kind {
                obj.set("graphType", t.as_str())?;
            }
            if let Some(t) = &g.fbtrace_id {
                obj.set("fbtraceId", t.as_str())?;
            }
            if let Some(t) = &g.user_title {
                obj.set("userTitle", t.as_str())?;
            }
            if let Some(t) = &g.user_message {
                obj.set("userMessage", t.as_str())?;
            }
        }
        if let Some(ms) = e.retry_after_ms() {
            obj.set("retryAfterMs", ms as f64)?;
        }
        Ok(obj)
    };
    match build() {
        Ok(obj) => napi::Error::from(obj.to_unknown()),
        Err(err) => err,
    }
}

/// Runs a core future on the shared runtime; the promise resolves with `to_js` of its
/// value or rejects with [`js_error`].
pub fn spawn<'env, T, V, F, M>(env: &'env Env, fut: F, to_js: M) -> Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue,
    F: Future<Output = std::result::Result<T, CoreError>> + Send + 'static,
    M: FnOnce(T) -> V + 'static,
{
    env.spawn_future_with_callback(async move { Ok(fut.await) }, move |env, result| match result {
        Ok(value) => Ok(to_js(value)),
        Err(e) => Err(js_error(env, &e)),
    })
}

/// Epoch ms as a JS number.
pub fn ms(v: i64) -> f64 {
    v as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Req {
        access_token: crate::secret::Secret,
        items: Option<Vec<Item>>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        title: String,
    }

    fn err(v: serde_json::Value) -> String {
        from_json::<Req>(v, "request").unwrap_err().to_string()
    }

    #[test]
    fn paths_without_values() {
        assert_eq!(err(serde_json::json!({})), "accessToken: is required");
        assert_eq!(err(serde_json::json!({"accessToken": 5})), "accessToken: must be a string (got a number)");
        assert_eq!(err(serde_json::json!({"accessToken": null})), "accessToken: must be a string (got null)");
        assert_eq!(
            err(serde_json::json!({"accessToken": "IGAAsecret", "items": [{"title": "a"}, {"title": 7}]})),
            "items[1].title: must be a string (got a number)"
        );
        assert_eq!(err(serde_json::json!({"accessToken": "IGAAsecret", "items": "IGAAsecret"})), "items: must be an array (got a string)");
        assert_eq!(err(serde_json::json!([1])), "request: must be an object");
    }
}
