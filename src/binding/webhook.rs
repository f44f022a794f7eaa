//! `verifyWebhook` and `verifyWebhookSync`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::convert::{from_js, js_error, json_from_js, settled, spawn, ParsedJson, MAX_JS_VALUES};
use crate::error::Error as CoreError;
use crate::webhook::{
    self as core, string_map, SecretsInput, WebhookRequest as CoreRequest, WebhookSecrets as CoreSecrets,
    SIGNATURE_256_HEADER, SIGNATURE_SHA1_HEADER,
};

// Requests are read property by property (the body zero-copy); `WebhookRequest` and
// `WebhookSecrets` below describe them for index.d.ts. Results are built by the core as one
// JSON text (`core::verify_to_js_json`) and handed to JavaScript through `JSON.parse`, far
// cheaper than setting every property through N-API; the `#[napi(object)]` result types
// below describe that shape for index.d.ts (`WebhookResult` is their union) and are never
// constructed.

/// An incoming webhook request, as the web framework received it.
#[napi(object)]
#[allow(dead_code)]
pub struct WebhookRequest {
    /// `'GET'` or `'POST'`, any case.
    pub method: String,
    /// The query parameters (`hub.mode`, `hub.verify_token`, `hub.challenge`).
    #[napi(ts_type = "Record<string, string | string[] | undefined>")]
    pub query: Option<serde_json::Value>,
    /// The headers, names in any case (`x-hub-signature-256`).
    #[napi(ts_type = "Record<string, string | string[] | undefined>")]
    pub headers: Option<serde_json::Value>,
    /// The RAW body bytes as received (n8n: `this.getRequestObject().rawBody`), never
    /// re-serialised JSON: the signature covers the exact bytes.
    #[napi(ts_type = "Buffer | Uint8Array | string")]
    pub body: Option<serde_json::Value>,
}

/// What the checks need.
#[napi(object)]
#[allow(dead_code)]
pub struct WebhookSecrets {
    /// The verify token entered in Meta's dashboard; required for `GET`.
    pub verify_token: Option<String>,
    /// App secret(s) for `POST` signatures; any may match (rotation, Instagram vs Meta app secret).
    #[napi(ts_type = "string | string[]")]
    pub app_secret: Option<serde_json::Value>,
    /// Accept a `POST` without a signature header (local testing only). Default false.
    pub allow_unsigned: Option<bool>,
    /// Largest accepted body in bytes. Default 1 MiB (1048576).
    pub max_body_bytes: Option<f64>,
}

/// A valid subscription check: answer 200 with `body` as `text/plain`.
#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct ChallengeResult {
    #[napi(ts_type = "'challenge'")]
    pub kind: String,
    #[napi(ts_type = "200")]
    pub status: u32,
    /// `hub.challenge`, to send back as is.
    pub body: String,
}

/// A valid delivery: answer 200 quickly (Meta retries slow answers), then handle `events`.
#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct EventsResult {
    #[napi(ts_type = "'events'")]
    pub kind: String,
    #[napi(ts_type = "200")]
    pub status: u32,
    /// The payload's `object` (`'instagram'`, `'page'`).
    pub object: String,
    /// Every item of every entry, in order: entries in order, and within one its
    /// `messaging[]`, `standby[]`, then `changes[]` items.
    pub events: Vec<WebhookEvent>,
}

/// A refused request: answer with `status`.
#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct RejectedResult {
    #[napi(ts_type = "'rejected'")]
    pub kind: String,
    #[napi(ts_type = "400 | 401 | 403 | 405 | 413")]
    pub status: u32,
    #[napi(ts_type = "RejectReason")]
    pub reason: String,
    /// A short explanation (no secrets).
    pub message: String,
}

/// One normalised update.
#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct WebhookEvent {
    /// Stable across Meta's redeliveries of the same item (dedupe on it): derived from the
    /// item itself, its entry's id and list, never from its siblings or the entry's time.
    pub id: String,
    #[napi(ts_type = "WebhookEventType")]
    pub r#type: String,
    /// `entry[].id`: your own professional account.
    pub account_id: String,
    /// Epoch milliseconds (`changes[]` times, sent in seconds, are converted).
    pub timestamp: f64,
    pub sender_id: Option<String>,
    pub recipient_id: Option<String>,
    /// True when the item came in `entry[].standby[]` (another app owns the thread).
    pub standby: bool,
    /// The `mid` (messages, edits, postbacks, reactions, reads).
    pub message_id: Option<String>,
    /// The message text (an edit: the new text).
    pub text: Option<String>,
    pub attachments: Option<Vec<WebhookAttachment>>,
    /// `message.quick_reply.payload`.
    pub quick_reply_payload: Option<String>,
    pub reply_to: Option<WebhookReplyTo>,
    pub postback: Option<WebhookPostback>,
    pub reaction: Option<WebhookReaction>,
    pub referral: Option<WebhookReferral>,
    pub comment: Option<WebhookComment>,
    /// `changes[].field` for changes events.
    pub field: Option<String>,
    /// The original messaging/standby/changes item (as `JSON.parse` would give it).
    #[napi(ts_type = "unknown")]
    pub raw: serde_json::Value,
}

/// An attachment of a received message.
#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct WebhookAttachment {
    /// `image`, `video`, `audio`, `file`, `share`, `story_mention`, `ig_reel`, `reel`, …
    pub r#type: String,
    pub url: Option<String>,
    pub title: Option<String>,
    /// A reel's `reel_video_id`.
    pub id: Option<String>,
}

#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct WebhookReplyTo {
    pub message_id: Option<String>,
    pub story_id: Option<String>,
    pub story_url: Option<String>,
}

#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct WebhookPostback {
    pub title: Option<String>,
    pub payload: Option<String>,
}

#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct WebhookReaction {
    #[napi(ts_type = "'react' | 'unreact'")]
    pub action: String,
    pub reaction: Option<String>,
    pub emoji: Option<String>,
}

#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct WebhookReferral {
    pub r#ref: Option<String>,
    pub source: Option<String>,
    pub r#type: Option<String>,
    pub ad_id: Option<String>,
}

#[napi(object, object_from_js = false)]
#[allow(dead_code)]
pub struct WebhookComment {
    pub id: String,
    pub text: Option<String>,
    pub from_id: Option<String>,
    pub from_username: Option<String>,
    pub media_id: Option<String>,
    pub media_product_type: Option<String>,
    pub parent_id: Option<String>,
}

/// The body, borrowed from the JS Buffer/Uint8Array (no copy) or the bytes of a string.
enum Body {
    Absent,
    Bytes(Uint8Array),
    Text(Vec<u8>),
}

impl Body {
    fn as_slice(&self) -> Option<&[u8]> {
        match self {
            Body::Absent => None,
            Body::Bytes(b) => Some(b),
            Body::Text(t) => Some(t),
        }
    }
}

/// Everything of a request, owned (so the async variant can move it to another thread).
struct Request {
    method: String,
    query: Vec<(String, Vec<String>)>,
    headers: Vec<(String, Vec<String>)>,
    body: Body,
}

impl Request {
    /// The result as the JSON text of the JavaScript `WebhookResult`.
    fn verify(&self, secrets: &CoreSecrets) -> std::result::Result<String, CoreError> {
        let req = CoreRequest {
            method: self.method.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.as_slice(),
        };
        core::verify_to_js_json(&req, secrets)
    }
}

fn read_request(
    env: &Env,
    request: Unknown,
    secrets: Unknown,
) -> std::result::Result<(Request, CoreSecrets), CoreError> {
    let secrets = CoreSecrets::from_input(from_js::<SecretsInput>(env, secrets, "secrets")?)?;
    if !matches!(request.get_type(), Ok(ValueType::Object)) {
        return Err(CoreError::invalid("request", "must be an object"));
    }
    // SAFETY: the value was just checked to be an object.
    let obj: Object = unsafe { request.cast() }.map_err(|_| CoreError::invalid("request", "must be an object"))?;
    let prop = |name: &str| obj.get_named_property_unchecked::<Unknown>(name).ok().filter(|v| !is_nullish(v));
    let method = match prop("method") {
        Some(v) if matches!(v.get_type(), Ok(ValueType::String)) => {
            String::from_unknown(v).map_err(|_| CoreError::invalid("request.method", "must be a string"))?
        }
        Some(_) => return Err(CoreError::invalid("request.method", "must be a string such as 'GET' or 'POST'")),
        None => return Err(CoreError::invalid("request.method", "is required ('GET' or 'POST')")),
    };
    let map = |name: &str, read: fn(&str) -> bool| -> std::result::Result<Vec<(String, Vec<String>)>, CoreError> {
        match prop(name) {
            None => Ok(Vec::new()),
            Some(v) if matches!(v.get_type(), Ok(ValueType::Object)) => {
                if let Some(entries) = string_entries(&v, read) {
                    return Ok(entries);
                }
                let json = json_from_js(env, v, &format!("request.{name}"))?;
                Ok(string_map(&json))
            }
            Some(_) => Err(CoreError::invalid(format!("request.{name}"), "must be an object of strings")),
        }
    };
    // Only the names the core looks at are read into Rust (see `string_entries`).
    let query = map("query", |n| matches!(n, "hub.mode" | "hub.challenge" | "hub.verify_token"))?;
    let headers = map("headers", |n| {
        let n = n.trim();
        n.eq_ignore_ascii_case(SIGNATURE_256_HEADER) || n.eq_ignore_ascii_case(SIGNATURE_SHA1_HEADER)
    })?;
    let body = match prop("body") {
        None => Body::Absent,
        Some(v) if matches!(v.get_type(), Ok(ValueType::String)) => Body::Text(
            String::from_unknown(v).map_err(|_| CoreError::invalid("request.body", "must be a string"))?.into_bytes(),
        ),
        Some(v) if matches!(v.get_type(), Ok(ValueType::Object)) => {
            // SAFETY: `v` is a live value of this env; a non-Uint8Array gives an Err.
            match unsafe { Uint8Array::from_napi_value(env.raw(), v.raw()) } {
                Ok(bytes) => Body::Bytes(bytes),
                Err(_) => {
                    return Err(CoreError::invalid(
                        "request.body",
                        "is an already-parsed object: pass the raw body bytes (a Buffer such as n8n's `this.getRequestObject().rawBody`, or the exact string received); the signature covers the exact bytes",
                    ))
                }
            }
        }
        Some(_) => return Err(CoreError::invalid("request.body", "must be a Buffer, a Uint8Array or a string")),
    };
    Ok((Request { method, query, headers, body }, secrets))
}

/// The common case of `request.headers`/`request.query`, a plain object whose every value is a
/// string (as Node gives them), read in one pass: every name and value type is checked, but
/// only the values of the entries `read` accepts are copied, and the pairs `string_map` would
/// give for those entries come out, in its order. `None` for anything else (an array, a non-string value, a
/// read that fails, more values than `json_from_js` accepts): the caller then takes the
/// general path, which gives the value or the error it always gave.
fn string_entries(value: &Unknown, read: fn(&str) -> bool) -> Option<Vec<(String, Vec<String>)>> {
    // SAFETY: the caller checked that the value is an object.
    let obj: Object = unsafe { value.cast() }.ok()?;
    if obj.is_array().ok()? || obj.is_typedarray().ok()? || obj.is_buffer().ok()? || obj.is_arraybuffer().ok()? {
        return None;
    }
    let names = obj.get_property_names().ok()?;
    let len = names.get_array_length_unchecked().ok()?;
    // The object and each value count against `json_from_js`'s budget.
    if len >= MAX_JS_VALUES {
        return None;
    }
    let mut entries = Vec::new();
    for i in 0..len {
        // The value is looked up with the key as JavaScript gave it (no re-encoding of the
        // name), the same property as by `name` unless the name had to replace an unpaired
        // surrogate (U+FFFD): then by `name`, as the general path does.
        let key = names.get_element::<Unknown>(i).ok()?;
        let name = String::from_unknown(key).ok()?;
        let v = if name.contains('\u{fffd}') {
            obj.get_named_property_unchecked::<Unknown>(&name).ok()?
        } else {
            obj.get_property::<Unknown, Unknown>(key).ok()?
        };
        if !matches!(v.get_type(), Ok(ValueType::String)) {
            return None;
        }
        if read(&name) {
            entries.push((name, vec![String::from_unknown(v).ok()?]));
        }
    }
    // In the order of the general path's map (names sorted by bytes): the first matching
    // header wins, so `X-Hub-Signature-256` and `x-hub-signature-256` together pick the same.
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Some(entries)
}

fn is_nullish(v: &Unknown) -> bool {
    matches!(v.get_type(), Ok(ValueType::Undefined | ValueType::Null))
}

/// Checks a webhook request from Meta: the `GET` subscription handshake (answers the
/// challenge) or a `POST` delivery (signature over the raw body, then every event
/// normalised). Expected outcomes are values: a forged or malformed request comes back as
/// `{ kind: 'rejected', status, reason }`. Throws `INVALID_ARGUMENT` only for a caller's
/// mistake (no `verifyToken` for a GET, no `appSecret` for a POST, a parsed body).
#[napi(
    catch_unwind,
    ts_args_type = "request: WebhookRequest, secrets: WebhookSecrets",
    ts_return_type = "WebhookResult"
)]
pub fn verify_webhook_sync(env: &Env, request: Unknown, secrets: Unknown) -> Result<ParsedJson> {
    match read_request(env, request, secrets).and_then(|(req, secrets)| req.verify(&secrets)) {
        Ok(json) => Ok(ParsedJson(json)),
        Err(e) => Err(js_error(env, &e)),
    }
}

/// `verifyWebhookSync` off the JavaScript thread: the same checks and the same results.
#[napi(ts_args_type = "request: WebhookRequest, secrets: WebhookSecrets", ts_return_type = "Promise<WebhookResult>")]
pub fn verify_webhook<'env>(
    env: &'env Env,
    request: Unknown,
    secrets: Unknown,
) -> Result<PromiseRaw<'env, ParsedJson>> {
    match read_request(env, request, secrets) {
        // A caller's mistake is known at once: no trip through the runtime.
        Err(e) => settled(env, Err(e)),
        Ok((req, secrets)) => spawn(env, async move { req.verify(&secrets) }, ParsedJson),
    }
}
