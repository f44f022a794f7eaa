//! Per-call options (`CallOptions` of API.md): base URLs, API version, timeout, retries,
//! the clock, and client-side pacing.

use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use url::{Host, Url};

use crate::error::Error;

pub const DEFAULT_INSTAGRAM_URL: &str = "https://graph.instagram.com";
pub const DEFAULT_FACEBOOK_URL: &str = "https://graph.facebook.com";
/// The Graph API version used when the caller names none.
pub const DEFAULT_API_VERSION: &str = "v24.0";
pub const DEFAULT_TIMEOUT_MS: u64 = 30_000;
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// How long a paced call may wait for its turn by default (docs/API-beyond-dms.md, "Client-side pacing").
pub const DEFAULT_PACING_MAX_WAIT_MS: u64 = 60_000;
/// Upper bounds that keep a typo from turning into a call that never ends.
const MAX_TIMEOUT_MS: f64 = 600_000.0;
const MAX_RETRIES: f64 = 10.0;
use crate::time::MAX_TIME_MS;

/// Options accepted as the last argument of every networked function.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "CallOptions"))]
pub struct CallOptionsInput {
    /// Base URL of the Instagram-login Graph host. Default `"https://graph.instagram.com"`.
    /// Must be `https://`; `http://` only for loopback hosts. A trailing `/` is ignored.
    pub instagram_url: Option<String>,
    /// Base URL of the Facebook-login Graph host. Default `"https://graph.facebook.com"`.
    pub facebook_url: Option<String>,
    /// Graph API version, e.g. `"v24.0"` (the default).
    pub api_version: Option<String>,
    /// Time limit per attempt in milliseconds. Default 30000.
    pub timeout_ms: Option<f64>,
    /// Automatic retries for the retryable cases (rate limits, transient Graph errors,
    /// connect failures). Default 2; 0 to 10.
    pub max_retries: Option<f64>,
    /// Epoch milliseconds that replace the clock for every time decision (tests, replays);
    /// also the `issuedAt` of a grant.
    pub now: Option<f64>,
    /// Client-side pacing of `sendMessage`, `markSeen`, `listConversations` and `getMessages`
    /// within this process: a burst queues under Meta's published limits (per account) and
    /// sends to one recipient start in call order. Default `true`; `false` sends at once, with
    /// no per-recipient ordering.
    pub pacing: Option<bool>,
    /// The longest a paced call waits for its turn, in milliseconds; a call that would wait
    /// longer fails with `RATE_LIMITED` (`retryable`, not sent). Default 60000; 0 = never
    /// wait. A finite integer ≥ 0.
    pub pacing_max_wait_ms: Option<f64>,
}

/// Checked call options.
#[derive(Debug, Clone)]
pub struct CallOptions {
    pub instagram_url: BaseUrl,
    pub facebook_url: BaseUrl,
    pub api_version: String,
    pub timeout: Duration,
    pub max_retries: u32,
    /// Epoch ms that replaces the clock for every time decision, when given.
    pub now: Option<i64>,
    /// Whether paced requests wait for their slot ([`super::pacing`]).
    pub pacing: bool,
    /// The longest one pacing wait may last.
    pub pacing_max_wait: Duration,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions::from_input(&CallOptionsInput::default()).expect("defaults are valid")
    }
}

impl CallOptions {
    pub fn from_input(input: &CallOptionsInput) -> Result<Self, Error> {
        let instagram_url =
            BaseUrl::parse(input.instagram_url.as_deref().unwrap_or(DEFAULT_INSTAGRAM_URL), "options.instagramUrl")?;
        let facebook_url =
            BaseUrl::parse(input.facebook_url.as_deref().unwrap_or(DEFAULT_FACEBOOK_URL), "options.facebookUrl")?;
        let api_version = match input.api_version.as_deref() {
            None => DEFAULT_API_VERSION.to_string(),
            Some(v) if is_api_version(v) => v.to_string(),
            Some(_) => return Err(Error::invalid("options.apiVersion", "must look like \"v24.0\"")),
        };
        let timeout_ms = match input.timeout_ms {
            None => DEFAULT_TIMEOUT_MS,
            Some(t) if t.is_finite() && t > 0.0 && t <= MAX_TIMEOUT_MS => t.ceil() as u64,
            Some(_) => return Err(Error::invalid("options.timeoutMs", "must be more than 0 and at most 600000 ms")),
        };
        let max_retries = match input.max_retries {
            None => DEFAULT_MAX_RETRIES,
            Some(r) if r.fract() == 0.0 && (0.0..=MAX_RETRIES).contains(&r) => r as u32,
            Some(_) => return Err(Error::invalid("options.maxRetries", "must be a whole number from 0 to 10")),
        };
        let now = match input.now {
            None => None,
            // The same range as every other time input (up to the year 275760): beyond
            // it the time arithmetic of the token decision would overflow.
            Some(n) if n.is_finite() && (0.0..=MAX_TIME_MS as f64).contains(&n) => Some(n.round() as i64),
            Some(_) => return Err(Error::invalid("options.now", "must be epoch milliseconds")),
        };
        let pacing_max_wait_ms = match input.pacing_max_wait_ms {
            None => DEFAULT_PACING_MAX_WAIT_MS,
            // `as` saturates: a wait beyond u64 milliseconds is "forever" in every sense.
            Some(ms) if ms.is_finite() && ms >= 0.0 && ms.fract() == 0.0 => ms as u64,
            Some(_) => {
                return Err(Error::invalid("options.pacingMaxWaitMs", "must be a whole number of ms, 0 or more"))
            }
        };
        Ok(CallOptions {
            instagram_url,
            facebook_url,
            api_version,
            timeout: Duration::from_millis(timeout_ms),
            max_retries,
            now,
            pacing: input.pacing.unwrap_or(true),
            pacing_max_wait: Duration::from_millis(pacing_max_wait_ms),
        })
    }

    /// The clock for time decisions: `now` when given, else the wall clock.
    pub fn now_ms(&self) -> i64 {
        self.now.unwrap_or_else(crate::time::now_ms)
    }

    /// The longest this call may wait for an answer: every attempt its `timeout`
    /// (`timeoutMs × (maxRetries + 1)`). A call that joins another caller's request in
    /// flight waits no longer than this.
    pub fn patience(&self) -> Duration {
        self.timeout.saturating_mul(self.max_retries.saturating_add(1))
    }
}

fn is_api_version(v: &str) -> bool {
    let Some(rest) = v.strip_prefix('v') else { return false };
    let mut parts = rest.split('.');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()));
    ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
}

/// A checked base URL: `https://…`, or `http://` to a loopback host only; no query, no
/// fragment, no credentials; a trailing `/` dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(Url);

/// The base URLs parsed lately: a caller passes the same one or two on every call.
static PARSED: Mutex<Vec<(String, BaseUrl)>> = Mutex::new(Vec::new());
const PARSED_KEPT: usize = 8;

impl BaseUrl {
    /// [`BaseUrl::check`], remembering the last few accepted texts.
    pub fn parse(text: &str, field: &str) -> Result<Self, Error> {
        if let Some((_, url)) = PARSED.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(t, _)| t == text) {
            return Ok(url.clone());
        }
        let url = Self::check(text, field)?;
        let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
        if parsed.len() >= PARSED_KEPT {
            parsed.remove(0);
        }
        parsed.push((text.to_string(), url.clone()));
        Ok(url)
    }

    /// Parses and checks a base URL (see [`BaseUrl`]).
    fn check(text: &str, field: &str) -> Result<Self, Error> {
        let url = Url::parse(text).map_err(|_| Error::invalid(field, "must be an absolute https:// URL"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(Error::invalid(
                    field,
                    "plain http:// is accepted only for loopback hosts (127.0.0.0/8, [::1], localhost); use https://",
                ))
            }
            _ => return Err(Error::invalid(field, "must be an https:// URL")),
        }
        if url.host().is_none() {
            return Err(Error::invalid(field, "must name a host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid(field, "must not contain credentials"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(field, "must not contain a query or a fragment"));
        }
        let mut url = url;
        if let Ok(mut path) = url.path_segments_mut() {
            // A trailing `/` (or several) is ignored: never `//` in a joined path.
            path.pop_if_empty();
        }
        while url.path().len() > 1 && url.path().ends_with('/') {
            let trimmed = url.path().trim_end_matches('/').to_string();
            url.set_path(&trimmed);
        }
        Ok(BaseUrl(url))
    }

    /// The base as text, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// The URL of `segments` below this base, each segment percent-encoded, with the
    /// given query pairs.
    pub fn join(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        let mut url = self.0.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    /// True when `url` has this base's scheme, host and port (paging links must not
    /// lead the token anywhere else).
    pub fn same_origin(&self, url: &Url) -> bool {
        self.0.origin() == url.origin()
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            BaseUrl::parse("https://graph.instagram.com/", "f").unwrap().as_str(),
            "https://graph.instagram.com"
        );
        assert_eq!(BaseUrl::parse("http://127.0.0.1:8080//", "f").unwrap().as_str(), "http://127.0.0.1:8080");
        assert!(BaseUrl::parse("http://127.1.2.3:1", "f").is_ok());
        assert!(BaseUrl::parse("http://[::1]:1", "f").is_ok());
        assert!(BaseUrl::parse("http://localhost:1", "f").is_ok());
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
            "ftp://x",
            "graph.instagram.com",
            "https://u:p@x.com",
            "https://x.com/?a=1",
        ] {
            let e = BaseUrl::parse(bad, "options.instagramUrl").unwrap_err();
            assert!(e.to_string().starts_with("options.instagramUrl:"), "{bad}: {e}");
        }
    }

    #[test]
    fn join_never_doubles_slashes_and_encodes() {
        let b = BaseUrl::parse("https://proxy.example/graph/", "f").unwrap();
        let u = b.join(&["v24.0", "me", "messages"], &[("a", "x y&z")]);
        assert_eq!(u.as_str(), "https://proxy.example/graph/v24.0/me/messages?a=x+y%26z");
        let b = BaseUrl::parse("https://graph.instagram.com", "f").unwrap();
        assert_eq!(b.join(&["access_token"], &[]).as_str(), "https://graph.instagram.com/access_token");
    }

    #[test]
    fn option_limits() {
        let bad = |i: CallOptionsInput, field: &str| {
            let e = CallOptions::from_input(&i).unwrap_err();
            assert!(e.to_string().starts_with(field), "{e}");
        };
        bad(CallOptionsInput { timeout_ms: Some(0.0), ..Default::default() }, "options.timeoutMs");
        bad(CallOptionsInput { timeout_ms: Some(f64::NAN), ..Default::default() }, "options.timeoutMs");
        bad(CallOptionsInput { max_retries: Some(1.5), ..Default::default() }, "options.maxRetries");
        bad(CallOptionsInput { api_version: Some("24".into()), ..Default::default() }, "options.apiVersion");
        for ms in [-1.0, 0.5, f64::NAN, f64::INFINITY] {
            bad(CallOptionsInput { pacing_max_wait_ms: Some(ms), ..Default::default() }, "options.pacingMaxWaitMs");
        }
        // Found by the bad-input suite: a `now` past JavaScript's last date overflowed the
        // token decision's arithmetic (a panic reaching Node).
        bad(CallOptionsInput { now: Some(1e300), ..Default::default() }, "options.now");
        bad(CallOptionsInput { now: Some(8.64e15 + 1.0), ..Default::default() }, "options.now");
        assert!(CallOptions::from_input(&CallOptionsInput { now: Some(8.64e15), ..Default::default() }).is_ok());
        let o = CallOptions::from_input(&CallOptionsInput { api_version: Some("v21.0".into()), ..Default::default() })
            .unwrap();
        assert_eq!(o.api_version, "v21.0");
        assert_eq!(o.timeout, Duration::from_millis(30_000));
        assert_eq!(o.max_retries, 2);
        assert!(o.pacing);
        assert_eq!(o.pacing_max_wait, Duration::from_millis(60_000));
        let o = CallOptions::from_input(&CallOptionsInput {
            pacing: Some(false),
            pacing_max_wait_ms: Some(0.0),
            ..Default::default()
        })
        .unwrap();
        assert_eq!((o.pacing, o.pacing_max_wait), (false, Duration::ZERO));
    }
}
