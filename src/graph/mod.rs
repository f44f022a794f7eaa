//! The one Graph API client: every HTTP request of the addon goes through [`execute`], so
//! timeouts, retries, usage headers, error mapping and secret redaction live here only.

mod auth;
mod options;
pub mod pacing;
mod response;
mod retry;

pub(crate) use auth::auth_request;
pub use auth::{account_id, numeric_id, opaque_id, Auth, Authed};
pub use options::{BaseUrl, CallOptions, CallOptionsInput, DEFAULT_API_VERSION};
pub use response::{
    id_string, interpret, opt_id_string, parse_graph_error, parse_usage, RawResponse, SuccessAnswer, Usage,
};
pub use retry::Idempotence;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

use crate::error::{Error, TransportKind};
use crate::secret::{redact, Secret};

/// The largest answer read; anything longer is not a Graph answer.
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Which of Meta's two Instagram APIs a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum LoginType {
    /// Instagram API with Instagram Login: `IGAA…` tokens, graph.instagram.com.
    Instagram,
    /// Instagram API with Facebook Login: `EAA…` tokens, graph.facebook.com.
    Facebook,
}

impl LoginType {
    /// The explicit choice, or by the token's prefix: `EAA…` is Facebook, anything else Instagram.
    pub fn resolve(explicit: Option<LoginType>, token: &Secret) -> LoginType {
        explicit.unwrap_or_else(|| {
            if token.expose().starts_with("EAA") {
                LoginType::Facebook
            } else {
                LoginType::Instagram
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LoginType::Instagram => "instagram",
            LoginType::Facebook => "facebook",
        }
    }
}

/// One request to the Graph API, described before it is sent. `Debug` shows the method,
/// host and path only: the query may hold secrets.
pub struct GraphRequest<'a> {
    pub method: reqwest::Method,
    /// The full URL; it may hold secrets in its query (the Instagram token endpoints
    /// take them there), so it never goes into an error.
    pub url: Url,
    /// Sent as `Authorization: Bearer`.
    pub bearer: Option<&'a Secret>,
    /// A JSON body.
    pub json: Option<Vec<u8>>,
    /// Every secret of this call, scrubbed from any text that reaches an error.
    pub secrets: Vec<&'a Secret>,
    pub idempotence: Idempotence,
    /// The account and classes this request is paced in; `None`: not paced.
    pub pacing: Option<pacing::Paced>,
}

impl std::fmt::Debug for GraphRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphRequest")
            .field("request", &self.describe())
            .field("bearer", &self.bearer)
            .field("json_bytes", &self.json.as_ref().map(Vec::len))
            .field("idempotence", &self.idempotence)
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

impl GraphRequest<'_> {
    /// This request, paced in `classes` for `key` (when the call's options keep pacing on).
    pub fn paced(self, key: pacing::AccountKey, classes: Vec<pacing::Class>) -> Self {
        GraphRequest { pacing: Some(pacing::Paced { key, classes }), ..self }
    }

    /// `GET host/path` without the query, for messages.
    fn describe(&self) -> String {
        format!("{} {}{}", self.method, self.url.host_str().unwrap_or(""), self.url.path())
    }
}

/// A successful answer: the typed body and what the usage headers said.
#[derive(Debug)]
pub struct GraphAnswer<T> {
    pub body: T,
    pub usage: Usage,
}

/// Sends `req`, retrying as API.md says, and parses the answer as `T`. A paced request
/// (with `opts.pacing`) waits for its slot before every attempt, retries included.
pub async fn execute<T: DeserializeOwned>(req: &GraphRequest<'_>, opts: &CallOptions) -> Result<GraphAnswer<T>, Error> {
    let paced = req.pacing.as_ref().filter(|_| opts.pacing);
    let mut attempt = 0;
    loop {
        if let Some(paced) = paced {
            pacing::slot(paced, opts.pacing_max_wait).await?;
        }
        let result = match attempt_once(req, opts).await {
            Ok(raw) => {
                let usage = raw.usage();
                interpret::<T>(&raw, opts.now_ms(), &req.secrets).map(|body| GraphAnswer { body, usage })
            }
            Err(e) => Err(e),
        };
        let err = match result {
            Ok(answer) => return Ok(answer),
            Err(e) => e,
        };
        if let Some(paced) = paced {
            pacing::hold(paced, &err);
        }
        match retry::next_step(&err, attempt, opts.max_retries, req.idempotence, fastrand::f64()) {
            retry::Next::RetryAfter(wait) => {
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            retry::Next::Fail => return Err(err),
        }
    }
}

/// One attempt: send, read the whole answer, all within the call's timeout.
async fn attempt_once(req: &GraphRequest<'_>, opts: &CallOptions) -> Result<RawResponse, Error> {
    let client = crate::runtime::http_client()
        .map_err(|e| Error::Transport { kind: TransportKind::Connect, detail: e.to_string() })?;
    let mut builder =
        client.request(req.method.clone(), req.url.clone()).header(reqwest::header::ACCEPT, "application/json");
    if let Some(token) = req.bearer {
        builder = builder.bearer_auth(token.expose());
    }
    if let Some(json) = &req.json {
        builder = builder.header(reqwest::header::CONTENT_TYPE, "application/json").body(json.clone());
    }
    let started = std::sync::atomic::AtomicBool::new(false);
    let exchange = async {
        // Held until the whole answer is read: at most MAX_CONNECTIONS_PER_HOST requests to
        // one host at a time; the others queue here, within their timeout.
        let _permit = host_permit(&req.url).await;
        started.store(true, std::sync::atomic::Ordering::Relaxed);
        let resp = builder.send().await.map_err(|e| transport_error(req, e))?;
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut raw = RawResponse {
            status: resp.status().as_u16(),
            content_type: header("content-type"),
            retry_after: header("retry-after"),
            app_usage: header("x-app-usage"),
            business_usage: header("x-business-use-case-usage"),
            body: Vec::new(),
        };
        let mut resp = resp;
        while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(req, e))? {
            if raw.body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                return Err(Error::bad_response(
                    Some(raw.status),
                    format!("{}: answer larger than {} bytes", req.describe(), MAX_RESPONSE_BYTES),
                ));
            }
            raw.body.extend_from_slice(&chunk);
        }
        Ok(raw)
    };
    match tokio::time::timeout(opts.timeout, exchange).await {
        Ok(result) => result,
        Err(_) if !started.load(std::sync::atomic::Ordering::Relaxed) => Err(Error::Transport {
            kind: TransportKind::Timeout,
            detail: format!(
                "{}: still queued after {} ms behind {} requests in flight to this host: not sent",
                req.describe(),
                opts.timeout.as_millis(),
                crate::runtime::MAX_CONNECTIONS_PER_HOST
            ),
        }),
        Err(_) => Err(Error::Transport {
            kind: TransportKind::Timeout,
            detail: format!("{}: no complete answer within {} ms", req.describe(), opts.timeout.as_millis()),
        }),
    }
}

/// A place among the requests in flight to `url`'s host (see
/// [`crate::runtime::MAX_CONNECTIONS_PER_HOST`]).
async fn host_permit(url: &Url) -> Option<tokio::sync::OwnedSemaphorePermit> {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};
    use tokio::sync::Semaphore;
    static HOSTS: LazyLock<Mutex<HashMap<String, Arc<Semaphore>>>> = LazyLock::new(Default::default);
    let host =
        format!("{}://{}:{}", url.scheme(), url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0));
    let semaphore = {
        let mut hosts = HOSTS.lock().unwrap_or_else(|p| p.into_inner());
        // Hosts come and go (test servers, a changed base URL): forget the idle ones now and
        // then, so the table stays small.
        if hosts.len() >= 256 {
            hosts.retain(|_, s| Arc::strong_count(s) > 1);
        }
        hosts.entry(host).or_insert_with(|| Arc::new(Semaphore::new(crate::runtime::MAX_CONNECTIONS_PER_HOST))).clone()
    };
    semaphore.acquire_owned().await.ok()
}

/// A transport failure, classified, with its text stripped of the URL and every secret.
fn transport_error(req: &GraphRequest<'_>, e: reqwest::Error) -> Error {
    let kind = if e.is_connect() {
        TransportKind::Connect
    } else if e.is_timeout() {
        TransportKind::Timeout
    } else {
        TransportKind::Interrupted
    };
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    let what = match kind {
        TransportKind::Connect => "could not connect",
        TransportKind::Timeout => "timed out",
        TransportKind::Interrupted => "connection failed after the request was sent",
    };
    Error::Transport { kind, detail: redact(&format!("{}: {what} ({text})", req.describe()), &req.secrets) }
}
