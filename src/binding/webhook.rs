//! `verifyWebhook` and `verifyWebhookSync`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::convert::{from_js, js_error, settled, spawn, ParsedJson};
use super::js::{json_number, Failed, Js, Kind};
use crate::error::Error as CoreError;
use crate::webhook::{
    self as core, SecretsInput, WebhookRequest as CoreRequest, WebhookSecrets as CoreSecrets, SIGNATURE_256_HEADER,
    SIGNATURE_SHA1_HEADER,
};

// Requests are read property by property, own properties only, the body copied (see
// `Request`); `WebhookRequest` and `WebhookSecrets` below describe them for index.d.ts. Results are built by the core as one
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
    /// The query parameters (`hub.mode`, `hub.verify_token`, `hub.challenge`): a plain object
    /// (own properties only), a `Map` or a `URLSearchParams`.
    #[napi(
        ts_type = "Record<string, string | string[] | undefined> | Map<string, string | string[]> | URLSearchParams"
    )]
    pub query: Option<serde_json::Value>,
    /// The headers, names in any case (`x-hub-signature-256`): a plain object (own properties
    /// only), a `Map` or a fetch `Headers`.
    #[napi(ts_type = "Record<string, string | string[] | undefined> | Map<string, string | string[]> | Headers")]
    pub headers: Option<serde_json::Value>,
    /// The RAW body bytes as received (n8n: `this.getRequestObject().rawBody`), never
    /// re-serialised JSON: the signature covers the exact bytes. Copied when the call is made
    /// (at most `maxBodyBytes + 1` bytes), so the caller may reuse or transfer the buffer at once.
    #[napi(ts_type = "Buffer | Uint8Array | ArrayBufferView | ArrayBuffer | string")]
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

/// Everything of a request, owned: the body is a copy, so neither a transfer, a change nor
/// a worker's exit after the call can reach what is checked and parsed (the signature is
/// always checked on exactly the bytes that are parsed).
struct Request {
    method: String,
    query: Vec<(String, Vec<String>)>,
    headers: Vec<(String, Vec<String>)>,
    body: Option<Vec<u8>>,
}

impl Request {
    /// The result as the JSON text of the JavaScript `WebhookResult`.
    fn verify(&self, secrets: &CoreSecrets) -> std::result::Result<String, CoreError> {
        let req = CoreRequest {
            method: self.method.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.as_deref(),
        };
        core::verify_to_js_json(&req, secrets)
    }
}

/// The query names the core reads.
fn is_query_name(name: &str) -> bool {
    matches!(name, "hub.mode" | "hub.challenge" | "hub.verify_token")
}

/// The header names the core reads (any case).
fn is_header_name(name: &str) -> bool {
    let n = name.trim();
    n.eq_ignore_ascii_case(SIGNATURE_256_HEADER) || n.eq_ignore_ascii_case(SIGNATURE_SHA1_HEADER)
}

fn read_request(
    env: &Env,
    request: Unknown,
    secrets: Unknown,
) -> std::result::Result<(Request, CoreSecrets), CoreError> {
    let js = Js::new(env);
    let secrets = CoreSecrets::from_input(from_js::<SecretsInput>(env, secrets, "secrets")?)?;
    let obj = request.raw();
    if !matches!(js.kind(obj), Ok(Kind::Object)) {
        return Err(CoreError::invalid("request", "must be an object"));
    }
    let prop = |name: &str| {
        js.own(obj, name)
            .map_err(|_| CoreError::invalid(format!("request.{name}"), "cannot be read"))
            .map(|v| v.filter(|v| !js.is_nullish(*v)))
    };
    let method = match prop("method")? {
        Some(v) if js.kind(v) == Ok(Kind::String) => {
            js.string(v).map_err(|_| CoreError::invalid("request.method", "cannot be read"))?
        }
        Some(_) => return Err(CoreError::invalid("request.method", "must be a string such as 'GET' or 'POST'")),
        None => return Err(CoreError::invalid("request.method", "is required ('GET' or 'POST')")),
    };
    let query = match prop("query")? {
        Some(v) => string_pairs(&js, v, "request.query", is_query_name)?,
        None => Vec::new(),
    };
    let headers = match prop("headers")? {
        Some(v) => string_pairs(&js, v, "request.headers", is_header_name)?,
        None => Vec::new(),
    };
    let body = match prop("body")? {
        None => None,
        Some(v) if js.kind(v) == Ok(Kind::String) => {
            Some(js.string(v).map_err(|_| CoreError::invalid("request.body", "cannot be read"))?.into_bytes())
        }
        Some(v) if js.kind(v) == Ok(Kind::Object) => {
            // One byte more than the limit is enough to refuse an oversized body (413).
            let limit = secrets.max_body_bytes.saturating_add(1);
            match js.bytes(v, limit) {
                Ok(Some((bytes, _len))) => Some(bytes),
                Ok(None) => {
                    return Err(CoreError::invalid(
                        "request.body",
                        "is an already-parsed object: pass the raw body bytes (a Buffer such as n8n's `this.getRequestObject().rawBody`, a Uint8Array, an ArrayBuffer or DataView, or the exact string received); the signature covers the exact bytes",
                    ))
                }
                Err(_) => {
                    return Err(CoreError::invalid(
                        "request.body",
                        "cannot be read (a detached or transferred buffer): pass the bytes as received",
                    ))
                }
            }
        }
        Some(_) => {
            return Err(CoreError::invalid(
                "request.body",
                "must be a Buffer, a Uint8Array, an ArrayBuffer, a DataView or a string",
            ))
        }
    };
    Ok((Request { method, query, headers, body }, secrets))
}

/// `request.headers` or `request.query` as name/values pairs, keeping only the names the
/// core reads (`wanted`), so no other value is even touched. Accepted: a plain object of
/// `string | string[]` (own properties only; numbers and booleans count as their text;
/// other values are skipped, as a query parser's output for unrelated parameters may hold
/// anything), or a `Map`, `Headers` or `URLSearchParams` (what fetch-style servers hand
/// over). Names sorted, so that with `X-Hub-Signature-256` and `x-hub-signature-256` both
/// present the same one wins every time.
fn string_pairs(
    js: &Js,
    value: napi::sys::napi_value,
    field: &str,
    wanted: fn(&str) -> bool,
) -> std::result::Result<Vec<(String, Vec<String>)>, CoreError> {
    let unreadable = || CoreError::invalid(field, "cannot be read");
    if js.kind(value) != Ok(Kind::Object) || js.is_array(value).map_err(|_| unreadable())? {
        return Err(CoreError::invalid(field, "must be an object of strings, a Map, Headers or URLSearchParams"));
    }
    let mut pairs = Vec::new();
    let mut take = |name: String, v: napi::sys::napi_value| -> std::result::Result<(), CoreError> {
        if wanted(&name) {
            let values = texts(js, v).map_err(|_| unreadable())?;
            if !values.is_empty() {
                pairs.push((name, values));
            }
        }
        Ok(())
    };
    let keys = js.own_keys(value).map_err(|_| unreadable())?;
    // A Map, Headers or URLSearchParams has no own keys; a plain object usually has some.
    let collection = if keys.is_empty() { js.collection_entries(value).map_err(|_| unreadable())? } else { None };
    if let Some(entries) = collection {
        for (k, v) in entries {
            if js.kind(k) == Ok(Kind::String) {
                take(js.string(k).map_err(|_| unreadable())?, v)?;
            }
        }
    } else {
        for key in keys {
            let name = js.string(key).map_err(|_| unreadable())?;
            if wanted(&name) {
                if let Some(v) = js.own(value, &name).map_err(|_| unreadable())? {
                    take(name, v)?;
                }
            }
        }
    }
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(pairs)
}

/// A header/query value as texts: a string, number or boolean is one; an array gives its
/// own elements of those kinds; anything else none.
fn texts(js: &Js, v: napi::sys::napi_value) -> std::result::Result<Vec<String>, Failed> {
    let one = |v| -> std::result::Result<Option<String>, Failed> {
        Ok(match js.kind(v)? {
            Kind::String => Some(js.string(v)?),
            Kind::Number => Some(json_number(js.number(v)?).to_string()).filter(|t| t != "null"),
            Kind::Boolean => Some(js.boolean(v)?.to_string()),
            _ => None,
        })
    };
    if js.kind(v)? == Kind::Object && js.is_array(v)? {
        let mut out = Vec::new();
        for i in 0..js.array_len(v)?.min(1_000) {
            if let Some(item) = js.own_element(v, i)? {
                out.extend(one(item)?);
            }
        }
        return Ok(out);
    }
    Ok(one(v)?.into_iter().collect())
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
