//! The process-wide HTTP client: created once, shared by every call (its connection pool
//! is reused), safe to use from any thread.
//!
//! Async work runs on napi-rs's process-wide tokio runtime (one per process, shared by
//! every worker thread that loads the addon). Its threads are not libuv handles, so an idle
//! addon never keeps Node alive, and every request carries a timeout, so a pending call
//! ends by itself.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How long an idle keep-alive connection is kept in the pool.
const POOL_IDLE: Duration = Duration::from_secs(60);
/// A connection attempt (DNS + TCP + TLS) never takes longer than this, whatever the
/// per-call timeout: a connect failure is retried, a slow connect is not useful.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();

/// The shared client, or why it could not be built (a TLS set-up failure, never expected).
pub fn http_client() -> Result<&'static reqwest::Client, &'static str> {
    CLIENT.get_or_init(build_client).as_ref().map_err(|e| e.as_str())
}

fn build_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config()?)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_idle_timeout(POOL_IDLE)
        .user_agent(concat!("instagram-native/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))
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
    #[test]
    fn the_client_builds_once() {
        let a = super::http_client().expect("client") as *const _;
        let b = super::http_client().expect("client") as *const _;
        assert_eq!(a, b);
    }
}
