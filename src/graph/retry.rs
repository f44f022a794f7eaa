//! The retry policy of API.md, as a pure decision over an attempt's failure.

use std::time::Duration;

use crate::error::{Error, ErrorCode, TransportKind};

/// The longest server-requested wait that is still waited out automatically.
pub const MAX_HONOURED_WAIT_MS: u64 = 30_000;
const BASE_BACKOFF_MS: u64 = 200;
const MAX_BACKOFF_MS: u64 = 5_000;

/// Whether a bare HTTP 5xx (no Graph body) may be retried: yes for token and account
/// calls, never for a send (a proxy may have passed the message on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotence {
    /// Reads and token calls: repeating them is harmless.
    Repeatable,
    /// A send: repeat only when Meta said nothing was done, or nothing was sent.
    AtMostOnce,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Give up with the error as it is.
    Fail,
}

/// Decides what follows a failed attempt number `attempt` (0-based).
/// `jitter` is a number in [0, 1) that spreads the backoff.
pub fn next_step(err: &Error, attempt: u32, max_retries: u32, idem: Idempotence, jitter: f64) -> Next {
    if attempt >= max_retries {
        return Next::Fail;
    }
    let retryable = match err {
        Error::Graph { code, .. } => matches!(code, ErrorCode::RateLimited | ErrorCode::GraphTransient),
        Error::Status { code: ErrorCode::RateLimited, .. } => true,
        Error::Status { code: ErrorCode::GraphTransient, .. } => idem == Idempotence::Repeatable,
        Error::Transport { kind: TransportKind::Connect, .. } => true,
        _ => false,
    };
    if !retryable {
        return Next::Fail;
    }
    // A server's wait is honoured up to 30 s, but never shorter than the backoff: a
    // `Retry-After: 0` or a date in the past must not turn retries into a tight loop.
    let backoff = backoff(attempt, jitter);
    match err.retry_after_ms() {
        Some(ms) if ms > MAX_HONOURED_WAIT_MS => Next::Fail,
        Some(ms) => Next::RetryAfter(Duration::from_millis(ms).max(backoff)),
        None => Next::RetryAfter(backoff),
    }
}

/// Exponential backoff with jitter: 200 ms, 400 ms, 800 ms … (capped at 5 s), each between
/// half and the full value.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let full = BASE_BACKOFF_MS.saturating_mul(1 << attempt.min(16)).min(MAX_BACKOFF_MS);
    let ms = full as f64 * (0.5 + 0.5 * jitter.clamp(0.0, 1.0));
    Duration::from_millis(ms as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::GraphErrorInfo;

    fn graph(code: i64, retry_after_ms: Option<u64>) -> Error {
        let info = GraphErrorInfo { code, ..Default::default() };
        Error::Graph {
            code: crate::error::classify_graph(code, None, false),
            info: Box::new(info),
            http_status: 400,
            retry_after_ms,
        }
    }

    fn status(code: ErrorCode) -> Error {
        Error::Status { code, http_status: 503, content_type: None, retry_after_ms: None }
    }

    fn transport(kind: TransportKind) -> Error {
        Error::Transport { kind, detail: String::new() }
    }

    #[test]
    fn what_is_retried() {
        use Idempotence::*;
        let retried = |e: &Error, idem| matches!(next_step(e, 0, 2, idem, 0.5), Next::RetryAfter(_));
        for idem in [Repeatable, AtMostOnce] {
            assert!(retried(&graph(4, None), idem));
            assert!(retried(&graph(1, None), idem));
            assert!(retried(&graph(2, None), idem));
            assert!(retried(&status(ErrorCode::RateLimited), idem));
            assert!(retried(&transport(TransportKind::Connect), idem));
            assert!(!retried(&transport(TransportKind::Timeout), idem));
            assert!(!retried(&transport(TransportKind::Interrupted), idem));
            assert!(!retried(&graph(190, None), idem));
            assert!(!retried(&graph(100, None), idem));
            assert!(!retried(&graph(368, None), idem));
        }
        assert!(retried(&status(ErrorCode::GraphTransient), Repeatable));
        assert!(!retried(&status(ErrorCode::GraphTransient), AtMostOnce));
    }

    #[test]
    fn waits_and_limits() {
        let e = graph(4, Some(2_000));
        assert_eq!(next_step(&e, 0, 2, Idempotence::Repeatable, 0.0), Next::RetryAfter(Duration::from_millis(2_000)));
        assert_eq!(next_step(&graph(4, Some(30_001)), 0, 2, Idempotence::Repeatable, 0.0), Next::Fail);
        assert_eq!(next_step(&graph(4, None), 2, 2, Idempotence::Repeatable, 0.0), Next::Fail);
        assert_eq!(next_step(&graph(4, None), 0, 0, Idempotence::Repeatable, 0.0), Next::Fail);
        assert_eq!(backoff(0, 0.0), Duration::from_millis(100));
        // A zero or past wait still backs off; a huge one fails at once.
        assert_eq!(
            next_step(&graph(4, Some(0)), 1, 2, Idempotence::Repeatable, 0.0),
            Next::RetryAfter(backoff(1, 0.0))
        );
        assert_eq!(next_step(&graph(4, Some(u64::MAX)), 0, 2, Idempotence::Repeatable, 0.0), Next::Fail);
        assert_eq!(backoff(1, 0.999_999), Duration::from_millis(399));
        assert_eq!(backoff(30, 1.0), Duration::from_millis(5_000));
    }
}
