//! Pure parsing of Graph answers: error bodies, usage headers, typed success bodies.
//! Tested with canned bytes; no network here.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{classify_graph, Error, ErrorCode, GraphErrorInfo};
use crate::secret::{redact, Secret};

/// What the usage headers said about rate limits (`x-app-usage`,
/// `x-business-use-case-usage`; percentages, throttling at 100).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "RateLimitInfo"))]
pub struct Usage {
    /// Percent of the app's call budget used (`call_count`, or `call_volume` on graph.instagram.com).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_call_count_pct: Option<f64>,
    /// The highest `call_count` percent among the business-use-case entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_call_count_pct: Option<f64>,
    /// `estimated_time_to_regain_access` (sent in minutes), in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_time_to_regain_access_ms: Option<u64>,
}

impl Usage {
    pub fn is_empty(&self) -> bool {
        *self == Usage::default()
    }
}

/// The parts of an HTTP answer the parsers need.
#[derive(Debug, Clone, Default)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub app_usage: Option<String>,
    pub business_usage: Option<String>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn usage(&self) -> Usage {
        parse_usage(self.app_usage.as_deref(), self.business_usage.as_deref())
    }

    /// `Retry-After` (seconds or an HTTP date, against `now_ms`), else the usage estimate.
    pub fn retry_after_ms(&self, now_ms: i64) -> Option<u64> {
        self.retry_after
            .as_deref()
            .and_then(|v| parse_retry_after(v, now_ms))
            .or(self.usage().estimated_time_to_regain_access_ms.filter(|ms| *ms > 0))
    }
}

/// The longest wait reported in `retryAfterMs` / `estimatedTimeToRegainAccessMs`: a server
/// that asks for more (or for a number past any integer range) is reported as asking for a day.
pub const MAX_REPORTED_WAIT_MS: u64 = 24 * 60 * 60 * 1000;

/// `Retry-After` in milliseconds: whole seconds (any number of digits; past a day counts as
/// a day) or an HTTP date against `now_ms` (a date in the past is 0). `None` for anything else.
pub fn parse_retry_after(value: &str, now_ms: i64) -> Option<u64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let ms = v.parse::<u64>().map_or(u64::MAX, |secs| secs.saturating_mul(1000));
        return Some(ms.min(MAX_REPORTED_WAIT_MS));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?.timestamp_millis();
    Some((at.saturating_sub(now_ms).max(0) as u64).min(MAX_REPORTED_WAIT_MS))
}

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn parse_usage(app: Option<&str>, business: Option<&str>) -> Usage {
    let mut usage = Usage::default();
    let mut regain_minutes: Option<f64> = None;
    let mut note_regain = |obj: &serde_json::Map<String, serde_json::Value>| {
        if let Some(m) = obj.get("estimated_time_to_regain_access").and_then(number) {
            regain_minutes = Some(regain_minutes.map_or(m, |r: f64| r.max(m)));
        }
    };
    if let Some(serde_json::Value::Object(obj)) = app.and_then(|a| serde_json::from_str(a).ok()) {
        usage.app_call_count_pct = obj.get("call_count").or_else(|| obj.get("call_volume")).and_then(number);
        note_regain(&obj);
    }
    if let Some(serde_json::Value::Object(accounts)) = business.and_then(|b| serde_json::from_str(b).ok()) {
        for entries in accounts.values() {
            for entry in entries.as_array().into_iter().flatten() {
                if let Some(obj) = entry.as_object() {
                    if let Some(c) = obj.get("call_count").and_then(number) {
                        usage.business_call_count_pct = Some(usage.business_call_count_pct.map_or(c, |b| b.max(c)));
                    }
                    note_regain(obj);
                }
            }
        }
    }
    usage.estimated_time_to_regain_access_ms = regain_minutes
        .filter(|m| !m.is_nan() && *m >= 0.0)
        .map(|m| (m * 60_000.0).min(MAX_REPORTED_WAIT_MS as f64).round() as u64);
    usage
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: WireGraphError,
}

#[derive(Deserialize)]
struct WireGraphError {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    code: i64,
    #[serde(default)]
    error_subcode: Option<i64>,
    #[serde(default)]
    fbtrace_id: Option<String>,
    #[serde(default)]
    is_transient: Option<bool>,
    #[serde(default)]
    error_user_title: Option<String>,
    #[serde(default)]
    error_user_msg: Option<String>,
}

/// The most characters of one server text kept in an error.
const MAX_SERVER_TEXT_CHARS: usize = 2_000;

fn shorten(text: String) -> String {
    match text.char_indices().nth(MAX_SERVER_TEXT_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The Graph error object of a body, when it has one.
pub fn parse_graph_error(body: &[u8], secrets: &[&Secret]) -> Option<GraphErrorInfo> {
    let env: ErrorEnvelope = serde_json::from_slice(body).ok()?;
    let e = env.error;
    // Every field is server text: scrubbed of the call's secrets, then cut to a sane length.
    let clean = |s: Option<String>| s.map(|s| shorten(redact(&s, secrets)));
    Some(GraphErrorInfo {
        message: clean(e.message).unwrap_or_default(),
        kind: clean(e.kind),
        code: e.code,
        subcode: e.error_subcode,
        fbtrace_id: clean(e.fbtrace_id),
        is_transient: e.is_transient.unwrap_or(false),
        user_title: clean(e.error_user_title),
        user_message: clean(e.error_user_msg),
    })
}

/// Turns an answer into the typed success body or the error it stands for.
///
/// A Graph error object wins over the HTTP status (Meta sends 190 as HTTP 400 and has sent
/// messaging errors as 403 and 500); without one, 429 is a rate limit, 5xx transient, and
/// anything else that is not a 2xx with the documented shape is `BAD_RESPONSE`.
pub fn interpret<T: DeserializeOwned>(resp: &RawResponse, now_ms: i64, secrets: &[&Secret]) -> Result<T, Error> {
    if let Some(info) = parse_graph_error(&resp.body, secrets) {
        let code = classify_graph(info.code, info.subcode, info.is_transient);
        return Err(Error::Graph {
            code,
            info: Box::new(info),
            http_status: resp.status,
            retry_after_ms: resp.retry_after_ms(now_ms),
        });
    }
    let status = resp.status;
    if !(200..300).contains(&status) {
        let code = match status {
            429 => ErrorCode::RateLimited,
            500..=599 => ErrorCode::GraphTransient,
            _ => {
                return Err(Error::bad_response(
                    Some(status),
                    format!("HTTP {status} without a Graph error body{}", content_type_hint(resp, secrets)),
                ))
            }
        };
        return Err(Error::Status {
            code,
            http_status: status,
            content_type: resp.content_type.as_deref().map(|ct| redact(ct, secrets)),
            retry_after_ms: resp.retry_after_ms(now_ms),
        });
    }
    let value: serde_json::Value = serde_json::from_slice(&resp.body).map_err(|e| {
        let what = if e.is_eof() { "truncated JSON" } else { "not JSON" };
        Error::bad_response(Some(status), format!("{what}{}", content_type_hint(resp, secrets)))
    })?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = shorten(redact(&e.path().to_string(), secrets));
        Error::bad_response(Some(status), format!("the answer does not have the documented shape (at `{path}`)"))
    })
}

/// The content type for a message: server text, so scrubbed of the call's secrets too.
fn content_type_hint(resp: &RawResponse, secrets: &[&Secret]) -> String {
    match &resp.content_type {
        Some(ct) => format!(" (content-type {})", redact(ct, secrets)),
        None => String::new(),
    }
}

/// Meta's answer to an action: `{"success": true}`, or `{"success": false}` when it was not done.
#[derive(Debug, Deserialize)]
pub struct SuccessAnswer {
    pub success: bool,
}

impl SuccessAnswer {
    /// `Ok` for `true`; `false` is [`Error::Unsuccessful`] (`GRAPH_ERROR` without a Graph code,
    /// not retried).
    pub fn done(self) -> Result<(), Error> {
        if self.success {
            Ok(())
        } else {
            Err(Error::Unsuccessful { detail: "{\"success\": false}".into() })
        }
    }
}

/// Graph IDs arrive as strings, and sometimes as bare JSON numbers above 2^53: both become
/// the exact decimal string (serde_json keeps integers exact; no float on the way).
pub fn id_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Unsigned(u64),
        Signed(i64),
    }
    Ok(match Id::deserialize(d)? {
        Id::Text(s) => s,
        Id::Unsigned(n) => n.to_string(),
        Id::Signed(n) => n.to_string(),
    })
}

/// [`id_string`] for optional fields.
pub fn opt_id_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "id_string")] String);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status,
            content_type: Some("application/json".into()),
            body: body.as_bytes().to_vec(),
            ..Default::default()
        }
    }

    #[derive(Debug, Deserialize)]
    struct Ok1 {
        #[serde(deserialize_with = "id_string")]
        user_id: String,
    }

    #[test]
    fn false_success_is_a_graph_error_without_a_code() {
        let e = SuccessAnswer { success: false }.done().unwrap_err();
        assert_eq!(e.code(), ErrorCode::GraphError);
        assert!(!e.retryable());
        assert!(e.graph().is_none());
        assert!(SuccessAnswer { success: true }.done().is_ok());
    }

    #[test]
    fn graph_error_wins_over_status() {
        let r = resp(
            400,
            r#"{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"H2il2t5bn4e"}}"#,
        );
        let e = interpret::<Ok1>(&r, 0, &[]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::TokenExpired);
        assert_eq!(e.http_status(), Some(400));
        let g = e.graph().unwrap();
        assert_eq!((g.code, g.subcode, g.fbtrace_id.as_deref()), (190, Some(463), Some("H2il2t5bn4e")));
        let r = resp(403, r#"{"error":{"message":"x","type":"IGApiException","code":10,"error_subcode":2534022}}"#);
        assert_eq!(interpret::<Ok1>(&r, 0, &[]).unwrap_err().code(), ErrorCode::OutsideMessagingWindow);
        let r = resp(500, r#"{"error":{"message":"x","code":-1,"error_subcode":2534023}}"#);
        assert_eq!(interpret::<Ok1>(&r, 0, &[]).unwrap_err().code(), ErrorCode::GraphError);
        let r = resp(200, r#"{"error":{"message":"x","code":2,"is_transient":true}}"#);
        assert_eq!(interpret::<Ok1>(&r, 0, &[]).unwrap_err().code(), ErrorCode::GraphTransient);
    }

    #[test]
    fn bare_statuses() {
        let mut r = resp(502, "<html>Bad gateway</html>");
        r.content_type = Some("text/html".into());
        let e = interpret::<Ok1>(&r, 0, &[]).unwrap_err();
        assert_eq!((e.code(), e.http_status()), (ErrorCode::GraphTransient, Some(502)));
        let mut r = resp(429, "");
        r.retry_after = Some("7".into());
        let e = interpret::<Ok1>(&r, 0, &[]).unwrap_err();
        assert_eq!((e.code(), e.retry_after_ms()), (ErrorCode::RateLimited, Some(7000)));
        assert_eq!(interpret::<Ok1>(&resp(404, "nope"), 0, &[]).unwrap_err().code(), ErrorCode::BadResponse);
    }

    #[test]
    fn bad_bodies() {
        let e = interpret::<Ok1>(&resp(200, r#"{"user_id":"12"#), 0, &[]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::BadResponse);
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = interpret::<Ok1>(&resp(200, "<html>"), 0, &[]).unwrap_err();
        assert!(e.to_string().contains("not JSON"), "{e}");
        let e = interpret::<Ok1>(&resp(200, r#"{"user_id":{"secret":"IGAAleak"}}"#), 0, &[]).unwrap_err();
        assert!(e.to_string().contains("user_id"), "{e}");
        assert!(!e.to_string().contains("IGAAleak"), "{e}");
    }

    #[test]
    fn big_ids_stay_exact() {
        let ok: Ok1 = interpret(&resp(200, r#"{"user_id":17841405793187218}"#), 0, &[]).unwrap();
        assert_eq!(ok.user_id, "17841405793187218");
        let ok: Ok1 = interpret(&resp(200, r#"{"user_id":"17841405793187218"}"#), 0, &[]).unwrap();
        assert_eq!(ok.user_id, "17841405793187218");
    }

    #[test]
    fn server_text_is_redacted() {
        let tok = Secret::new("IGAAsecret123");
        let r =
            resp(400, r#"{"error":{"message":"bad token IGAAsecret123","code":190,"error_user_msg":"IGAAsecret123"}}"#);
        let e = interpret::<Ok1>(&r, 0, &[&tok]).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("IGAAsecret123"));
    }

    #[test]
    fn a_content_type_echoing_the_token_is_redacted() {
        // Found by the graph_response fuzz target (fuzz/seeds/graph_response/content-type-echo.bin):
        // the content type went into the message unredacted.
        let tok = Secret::new("IGAAsecret123");
        for status in [200, 404, 502] {
            let mut r = resp(status, "<html>");
            r.content_type = Some("text/html; IGAAsecret123".into());
            let e = interpret::<Ok1>(&r, 0, &[&tok]).unwrap_err();
            assert!(!format!("{e} {e:?}").contains("IGAAsecret123"), "{e:?}");
        }
    }

    #[test]
    fn usage_headers_both_spellings() {
        let u = parse_usage(
            Some(r#"{"call_count":28,"total_time":25,"total_cputime":25}"#),
            Some(
                r#"{"17841400000000000":[{"type":"instagram","call_count":100,"total_cputime":25,"total_time":25,"estimated_time_to_regain_access":19}]}"#,
            ),
        );
        assert_eq!(u.app_call_count_pct, Some(28.0));
        assert_eq!(u.business_call_count_pct, Some(100.0));
        assert_eq!(u.estimated_time_to_regain_access_ms, Some(19 * 60_000));
        let u = parse_usage(Some(r#"{"call_volume":3,"cpu_time":0}"#), None);
        assert_eq!(u.app_call_count_pct, Some(3.0));
        assert!(parse_usage(Some("garbage"), Some("[1]")).is_empty());
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3", 0), Some(3000));
        let now = chrono::DateTime::parse_from_rfc2822("Sat, 28 Nov 2026 12:00:00 GMT").unwrap().timestamp_millis();
        assert_eq!(parse_retry_after("Sat, 28 Nov 2026 12:00:05 GMT", now), Some(5000));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
