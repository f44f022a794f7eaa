//! JS values ⇄ core types, and core errors → JS `Error` objects with `code` and the
//! structured properties of API.md.

use std::future::Future;

use napi::bindgen_prelude::*;
use serde::de::DeserializeOwned;

use crate::error::Error as CoreError;
pub use crate::input::from_json;

/// Reads a JS argument into a core input type. Wrong shapes become `INVALID_ARGUMENT`
/// naming the field path (`message.quickReplies[3].title`), never echoing the value (it
/// may be a secret).
///
/// For a plain struct only its own fields are read (by name), so other keys of a large
/// object (an n8n credential) cost nothing and cannot fail the call.
pub fn from_js<T: DeserializeOwned>(env: &Env, value: Unknown, root: &str) -> std::result::Result<T, CoreError> {
    match value.get_type() {
        Ok(ValueType::Object) => {}
        _ => return Err(CoreError::invalid(root, "must be an object")),
    }
    let Some(fields) = crate::input::struct_fields::<T>() else {
        return from_json(json_from_js(env, value, root)?, root);
    };
    // SAFETY: the value was just checked to be an object.
    let obj: Object = unsafe { value.cast() }.map_err(|_| CoreError::invalid(root, "must be an object"))?;
    if obj.is_array().unwrap_or(false) {
        return Err(CoreError::invalid(root, "must be an object"));
    }
    let mut map = serde_json::Map::new();
    for name in fields {
        let field = if root == "options" || root == "secrets" { format!("{root}.{name}") } else { (*name).to_string() };
        let v = obj
            .get_named_property_unchecked::<Unknown>(name)
            .map_err(|_| CoreError::invalid(field.as_str(), "cannot be read"))?;
        match v.get_type() {
            Ok(ValueType::Undefined) => {}
            Ok(ValueType::Object) => {
                map.insert((*name).to_string(), json_from_js(env, v, &field)?);
            }
            _ => {
                let json =
                    env.from_js_value(v).map_err(|_| CoreError::invalid(field.as_str(), "has an unsupported type"))?;
                map.insert((*name).to_string(), json);
            }
        }
    }
    from_json(serde_json::Value::Object(map), root)
}

/// The deepest nesting of objects/arrays read from a JS argument (real inputs nest < 10).
const MAX_JS_DEPTH: u32 = 64;
/// The most values (objects, arrays, primitives) read from one JS argument.
pub(super) const MAX_JS_VALUES: u32 = 100_000;

/// A JS value as JSON, refusing cyclic, too deeply nested or huge structures first: napi's
/// own conversion recurses without a limit (a cycle overflows the stack and kills the
/// process) and visits a shared sub-object once per reference (a small DAG can stand for
/// billions of values).
pub fn json_from_js(env: &Env, value: Unknown, field: &str) -> std::result::Result<serde_json::Value, CoreError> {
    let mut budget = MAX_JS_VALUES;
    if !matches!(within_limits(&value, 0, &mut budget), Ok(true)) {
        return Err(CoreError::invalid(
            field,
            "must be a plain, acyclic object nested at most 64 levels deep with at most 100000 values",
        ));
    }
    env.from_js_value(value).map_err(|_| {
        CoreError::invalid(field, "must be a plain object of strings, numbers, booleans, arrays and objects")
    })
}

/// Walks `value` as napi's conversion would (arrays by index, other objects by their
/// enumerable property names; byte arrays are leaves), within the depth and value budget.
fn within_limits(value: &Unknown, depth: u32, budget: &mut u32) -> Result<bool> {
    if *budget == 0 {
        return Ok(false);
    }
    *budget -= 1;
    if !matches!(value.get_type()?, ValueType::Object) {
        return Ok(true);
    }
    if depth >= MAX_JS_DEPTH {
        return Ok(false);
    }
    // SAFETY: the value was just checked to be an object.
    let obj: Object = unsafe { value.cast() }?;
    if obj.is_array()? {
        for i in 0..obj.get_array_length_unchecked()? {
            if !within_limits(&obj.get_element::<Unknown>(i)?, depth + 1, budget)? {
                return Ok(false);
            }
        }
    } else if !(obj.is_typedarray()? || obj.is_buffer()? || obj.is_arraybuffer()?) {
        let names = obj.get_property_names()?;
        for i in 0..names.get_array_length_unchecked()? {
            let name = names.get_element::<String>(i)?;
            if !within_limits(&obj.get_named_property_unchecked::<Unknown>(&name)?, depth + 1, budget)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Like [`from_js`] for an optional argument: `undefined` and `null` give the default.
pub fn from_js_opt<T: DeserializeOwned + Default>(
    env: &Env,
    value: Option<Unknown>,
    root: &str,
) -> std::result::Result<T, CoreError> {
    match value {
        None => Ok(T::default()),
        Some(v) if matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null)) => Ok(T::default()),
        Some(v) => from_js(env, v, root),
    }
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

/// A promise already settled with `result`, made on the JavaScript thread: for outcomes known
/// without any I/O (bad input, nothing due), no round trip through the runtime.
pub fn settled<'env, V: ToNapiValue>(
    env: &'env Env,
    result: std::result::Result<V, CoreError>,
) -> Result<PromiseRaw<'env, V>> {
    use napi::{check_status, sys};
    let raw = env.raw();
    let mut deferred = std::ptr::null_mut();
    let mut promise = std::ptr::null_mut();
    // SAFETY: `raw` is the live env of this call; the deferred is settled exactly once below.
    unsafe {
        check_status!(sys::napi_create_promise(raw, &mut deferred, &mut promise))?;
        match result {
            Ok(value) => {
                let value = V::to_napi_value(raw, value)?;
                check_status!(sys::napi_resolve_deferred(raw, deferred, value))?;
            }
            Err(e) => {
                let error = napi::Error::to_napi_value(raw, js_error(env, &e))?;
                check_status!(sys::napi_reject_deferred(raw, deferred, error))?;
            }
        }
    }
    Ok(PromiseRaw::new(raw, promise))
}

/// Epoch ms as a JS number.
pub fn ms(v: i64) -> f64 {
    v as f64
}

/// JSON text handed to JavaScript as the value `JSON.parse` gives for it (the global
/// `JSON.parse`, looked up at each conversion): one string crosses N-API instead of every
/// property, and numbers, `__proto__` keys and key order are exactly `JSON.parse`'s.
pub struct ParsedJson(pub String);

impl ToNapiValue for ParsedJson {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        use napi::{check_status, sys};
        let mut global = std::ptr::null_mut();
        let mut json = std::ptr::null_mut();
        let mut parse = std::ptr::null_mut();
        let mut text = std::ptr::null_mut();
        let mut out = std::ptr::null_mut();
        // SAFETY: `env` is the live env of the current call; every napi_value used was just
        // obtained from it, the names are NUL-terminated and the text is passed with its
        // byte length.
        unsafe {
            check_status!(sys::napi_get_global(env, &mut global))?;
            check_status!(sys::napi_get_named_property(env, global, c"JSON".as_ptr(), &mut json))?;
            check_status!(sys::napi_get_named_property(env, json, c"parse".as_ptr(), &mut parse))?;
            // ASCII text (the core escapes everything else) is Latin-1 as it stands: a
            // one-byte string, copied without decoding.
            if val.0.is_ascii() {
                check_status!(sys::napi_create_string_latin1(
                    env,
                    val.0.as_ptr().cast(),
                    val.0.len() as isize,
                    &mut text
                ))?;
            } else {
                check_status!(sys::napi_create_string_utf8(
                    env,
                    val.0.as_ptr().cast(),
                    val.0.len() as isize,
                    &mut text
                ))?;
            }
            check_status!(sys::napi_call_function(env, json, parse, 1, &text, &mut out))?;
        }
        Ok(out)
    }
}
