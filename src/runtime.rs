//! The process-wide HTTP client: created once, shared by every call (its connection pool
//! is reused), safe to use from any thread.
//!
//! Async work runs on napi-rs's process-wide tokio runtime (one per process, shared by
//! every worker thread that loads the addon). Its threads are not libuv handles, so an idle
//! addon never keeps Node alive, and every request carries a timeout, so a pending call
//! ends by itself.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How long an idle keep-alive connection is kept in the pool: below the shortest common
/// server keep-alive (Node's default is 5 s), so the pool hands out a connection the server
/// has not yet decided to close. A send on a connection the server closed at that moment
/// fails as `NETWORK` and is never re-sent (it may have arrived): this keeps that rare.
pub const POOL_IDLE: Duration = Duration::from_secs(4);
/// The most requests in flight to one host (scheme, host, port); beyond it calls queue, and
/// the wait counts against the call's timeout. Over HTTP/1.1 this bounds the open sockets
/// (and the pool's idle ones); over HTTP/2 (Meta) the concurrent streams.
pub const MAX_CONNECTIONS_PER_HOST: usize = 64;
/// A connection attempt (DNS + TCP + TLS) never takes longer than this, whatever the
/// per-call timeout: a connect failure is retried, a slow connect is not useful.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();

/// The shared client, or why it could not be built (a TLS set-up failure, a proxy variable
/// that is not a URL).
pub fn http_client() -> Result<&'static reqwest::Client, &'static str> {
    CLIENT.get_or_init(build_client).as_ref().map_err(|e| e.as_str())
}

fn build_client() -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config()?)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE)
        .pool_max_idle_per_host(MAX_CONNECTIONS_PER_HOST)
        .user_agent(concat!("instagram-native/", env!("CARGO_PKG_VERSION")))
        // Proxies are decided here, not by reqwest's reading of the environment.
        .no_proxy();
    if let Some(proxy) = proxy_from_env(|name| std::env::var(name).ok())? {
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))
}

/// The proxy for `https://` destinations, from the environment as curl reads it:
/// `HTTPS_PROXY` (or `https_proxy`), else `ALL_PROXY` (or `all_proxy`); `http://`, `https://`,
/// `socks5://`, `socks5h://`, `socks4://` and `socks4a://` proxies; hosts in `NO_PROXY` (or
/// `no_proxy`) go direct. `HTTP_PROXY` is not used: plain `http://` is only ever allowed to a
/// loopback host. A loopback destination (`localhost`, `127.0.0.0/8`, `::1`) never goes
/// through a proxy, whatever the variables say. Read once, when the first call is made.
fn proxy_from_env(var: impl Fn(&str) -> Option<String>) -> Result<Option<reqwest::Proxy>, String> {
    let first = |names: &[&'static str]| {
        names.iter().find_map(|n| var(n).filter(|v| !v.trim().is_empty()).map(|v| (*n, v.trim().to_string())))
    };
    let Some((name, url)) = first(&["HTTPS_PROXY", "https_proxy"]).or_else(|| first(&["ALL_PROXY", "all_proxy"]))
    else {
        return Ok(None);
    };
    // A bare `host:port` means an HTTP proxy, as curl takes it.
    let url = if url.contains("://") { url } else { format!("http://{url}") };
    let scheme = url.split("://").next().unwrap_or("").to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "socks5" | "socks5h" | "socks4" | "socks4a") {
        return Err(format!(
            "the proxy in {name} uses the scheme '{scheme}': use http://, https://, socks5://, socks5h://, socks4:// or socks4a://"
        ));
    }
    let no_proxy = first(&["NO_PROXY", "no_proxy"]).map(|(_, v)| v).unwrap_or_default();
    let bypass = format!("{no_proxy},localhost,127.0.0.0/8,::1");
    // The value itself may hold a password: never echoed.
    let proxy = reqwest::Proxy::https(url.as_str())
        .map_err(|_| format!("the proxy in {name} is not a valid URL"))?
        .no_proxy(reqwest::NoProxy::from_string(&bypass));
    Ok(Some(proxy))
}

/// rustls with the ring provider; the system's root certificates, and the bundled Mozilla
/// set when the system has none (a bare container image without ca-certificates).
fn tls_config() -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    let (added, _ignored) = roots.add_parsable_certificates(native.certs);
    if added == 0 {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up failed: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::proxy_from_env;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        move |name| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn proxy_variables() {
        assert!(proxy_from_env(env(&[])).unwrap().is_none());
        // HTTP_PROXY alone never applies: http:// goes only to loopback hosts.
        assert!(proxy_from_env(env(&[("HTTP_PROXY", "http://proxy:3128")])).unwrap().is_none());
        for ok in ["http://proxy:3128", "proxy:3128", "socks5h://u:p@proxy:1080", "https://proxy"] {
            assert!(proxy_from_env(env(&[("ALL_PROXY", ok)])).unwrap().is_some(), "{ok}");
        }
        let e = proxy_from_env(env(&[("HTTPS_PROXY", "ftp://user:hunter2@proxy")])).unwrap_err();
        assert!(e.contains("HTTPS_PROXY") && !e.contains("hunter2"), "{e}");
    }

    #[test]
    fn the_client_builds_once() {
        let a = super::http_client().expect("client") as *const _;
        let b = super::http_client().expect("client") as *const _;
        assert_eq!(a, b);
    }
}
