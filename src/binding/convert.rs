//! Core results and errors → JavaScript: results through serde straight into JS values (or,
//! for webhook results, one JSON text), errors as `Error` objects with `code` and the
//! structured properties of API.md; and the two ways an export hands back a promise.

use std::future::Future;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::JsString;
use serde::Serialize;

use crate::error::Error as CoreError;

/// The JS `Error` for a core error: its message and [`CoreError::properties`].
pub fn js_error(env: &Env, e: &CoreError) -> napi::Error {
    let build = || -> Result<Object<'_>> {
        let mut obj = env.create_error(napi::Error::new(Status::GenericFailure, e.to_string()))?;
        if let Ok(serde_json::Value::Object(properties)) = serde_json::to_value(e.properties()) {
            for (name, value) in properties {
                match value {
                    serde_json::Value::String(s) => obj.set(name, s)?,
                    serde_json::Value::Bool(b) => obj.set(name, b)?,
                    serde_json::Value::Number(n) => obj.set(name, n.as_f64())?,
                    // `partial`: a plain object (its numbers fit a u32, so they come out as numbers).
                    value @ serde_json::Value::Object(_) => obj.set(name, env.to_js_value(&value)?)?,
                    _ => {}
                }
            }
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
/// without any I/O (bad input, nothing due), no round trip through the runtime. The caller's
/// own exception (a getter, a Proxy trap) rejects it as it is: an async export never throws.
pub fn settled<'env, V: ToNapiValue>(
    env: &'env Env,
    result: std::result::Result<V, CoreError>,
) -> Result<PromiseRaw<'env, V>> {
    match (take_exception(env)?, result) {
        (Some(exception), _) => PromiseRaw::reject(env, exception),
        (None, Ok(value)) => PromiseRaw::resolve(env, value),
        (None, Err(e)) => PromiseRaw::reject(env, js_error(env, &e)),
    }
}

/// The exception pending in `env`, cleared.
pub fn take_exception(env: &Env) -> Result<Option<Unknown<'_>>> {
    let (mut pending, mut exception) = (false, ptr::null_mut());
    // SAFETY: the live env of this call; the exception value is of it.
    unsafe {
        napi::check_status!(napi::sys::napi_is_exception_pending(env.raw(), &mut pending))?;
        if !pending {
            return Ok(None);
        }
        napi::check_status!(napi::sys::napi_get_and_clear_last_exception(env.raw(), &mut exception))?;
        Ok(Some(Unknown::from_raw_unchecked(env.raw(), exception)))
    }
}

/// A core result as the JS value serde describes (camelCase fields, absent options left
/// out), built property by property on the JavaScript thread.
pub struct Out<T>(pub T);

impl<T: Serialize> ToNapiValue for Out<T> {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        Ok(Env::from_raw(env).to_js_value(&val.0)?.raw())
    }
}

/// JSON text handed to JavaScript as the value `JSON.parse` gives for it (the global
/// `JSON.parse`, looked up at each conversion): one string crosses N-API instead of every
/// property, and numbers, `__proto__` keys and key order are exactly `JSON.parse`'s.
pub struct ParsedJson(pub String);

impl ToNapiValue for ParsedJson {
    unsafe fn to_napi_value(env: napi::sys::napi_env, val: Self) -> Result<napi::sys::napi_value> {
        let env = Env::from_raw(env);
        let json: Object = env.get_global()?.get_named_property_unchecked("JSON")?;
        let parse: Function<JsString, Unknown> = json.get_named_property_unchecked("parse")?;
        // ASCII text (the core escapes everything else) is Latin-1 as it stands: a one-byte
        // string, copied without decoding.
        let text =
            if val.0.is_ascii() { env.create_string_latin1(val.0.as_bytes())? } else { env.create_string(&val.0)? };
        // V8 has its own copy: the buffer serves the next result (`webhook::recycle_js_json`).
        crate::webhook::recycle_js_json(val.0);
        Ok(parse.apply(json, text)?.raw())
    }
}
