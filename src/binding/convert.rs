//! Core results and errors → JavaScript: results through serde straight into JS values (or,
//! for webhook results, one JSON text), errors as `Error` objects with `code` and the
//! structured properties of API.md; and the two ways an export hands back a promise.

use std::future::Future;

use napi::bindgen_prelude::*;
use serde::Serialize;

use crate::error::Error as CoreError;

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
        // The caller's own exception (a getter, a Proxy trap) rejects the promise as it is:
        // an async export never throws.
        let mut pending = false;
        check_status!(sys::napi_is_exception_pending(raw, &mut pending))?;
        if pending {
            let mut exception = std::ptr::null_mut();
            check_status!(sys::napi_get_and_clear_last_exception(raw, &mut exception))?;
            check_status!(sys::napi_create_promise(raw, &mut deferred, &mut promise))?;
            check_status!(sys::napi_reject_deferred(raw, deferred, exception))?;
            return Ok(PromiseRaw::new(raw, promise));
        }
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
