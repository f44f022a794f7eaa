//! Client-side pacing (docs/API-beyond-dms.md, "Client-side pacing"): a burst queues under
//! Meta's published limits instead of failing, counted per account and per class within this
//! process (every worker thread shares one table; each process paces alone).
//!
//! - A paced request reserves its start time under a lock, in arrival order, then sleeps until
//!   then ([`slot`]): in each class the reserved times never decrease (first in, first out),
//!   and no window of the class's period holds more than its count.
//! - After Meta answered `RATE_LIMITED` with a wait of at most 30 s, the classes of that
//!   request are held until the wait is over ([`hold`]); a request that reserved a time inside
//!   the hold reserves again when it wakes.
//! - Every wait is bounded by `pacingMaxWaitMs`: a start known to lie further ahead fails at
//!   once with [`Error::PacingWait`] (`RATE_LIMITED`, nothing sent).
//! - Sends to one recipient keep their call order ([`order::Turn`]).
//!
//! The clock is tokio's monotonic one (paused in the tests), never `CallOptions::now`.

pub mod order;

use std::collections::{HashMap, VecDeque};
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::retry::MAX_HONOURED_WAIT_MS;
use super::BaseUrl;
use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// A limit of Meta's, as counted here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Every send request (each split part) and `markSeen`: 100 starts in any 1 s (Meta
    /// publishes 300/s for text and 100/s on an older page: the lower is used).
    Send,
    /// Audio or video attachments: 10 in any 1 s (they take a `Send` slot too).
    SendMedia,
    /// Private replies to comments: 750 in any 3600 s (they take a `Send` slot too).
    PrivateReply,
    /// Each request of `listConversations` and `getMessages`: 2 in any 1 s.
    Conversations,
}

impl Class {
    /// At most `.0` starts in any `.1`.
    pub const fn limit(self) -> (usize, Duration) {
        match self {
            Class::Send => (100, Duration::from_secs(1)),
            Class::SendMedia => (10, Duration::from_secs(1)),
            Class::PrivateReply => (750, Duration::from_secs(3600)),
            Class::Conversations => (2, Duration::from_secs(1)),
        }
    }
}

/// Whose limits a request counts against: the base URL's host (and port) with the numeric
/// account id, or, for `"me"`, with a one-way fingerprint of the token (never the token).
/// `Debug` shows the host only.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct AccountKey(String);

impl AccountKey {
    pub fn new(base: &BaseUrl, account_id: &str, token: &Secret) -> Self {
        let url = base.join(&[], &[]);
        let host = format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(0));
        if account_id.bytes().all(|b| b.is_ascii_digit()) && !account_id.is_empty() {
            AccountKey(format!("{host}/{account_id}"))
        } else {
            AccountKey(format!("{host}/me:{}", token.fingerprint()))
        }
    }

    fn host(&self) -> &str {
        self.0.split('/').next().unwrap_or("")
    }
}

impl std::fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AccountKey({}/…)", self.host())
    }
}

/// How one request is paced: for which account, in which classes (it takes a slot in each).
#[derive(Debug, Clone)]
pub struct Paced {
    pub key: AccountKey,
    pub classes: Vec<Class>,
}

/// One (account, class) window: the reserved start times and any hold.
#[derive(Debug, Default)]
struct Window {
    /// Reserved start times, never decreasing; only the last `count` are kept (older ones
    /// cannot limit a later start).
    starts: VecDeque<Instant>,
    /// No start before this: Meta answered `RATE_LIMITED` with a wait.
    held_until: Option<Instant>,
}

impl Window {
    /// The earliest start from `now` on that keeps the class's order and limit.
    fn earliest(&self, class: Class, now: Instant) -> Instant {
        let (count, period) = class.limit();
        let mut at = now.max(self.held_until.unwrap_or(now));
        if let Some(&last) = self.starts.back() {
            at = at.max(last);
        }
        if self.starts.len() >= count {
            at = at.max(self.starts[self.starts.len() - count] + period);
        }
        at
    }

    fn push(&mut self, class: Class, at: Instant) {
        self.starts.push_back(at);
        while self.starts.len() > class.limit().0 {
            self.starts.pop_front();
        }
    }

    /// Gives back a reservation at `at` (any one of equal value: they are interchangeable).
    fn release(&mut self, at: Instant) {
        if let Some(i) = self.starts.iter().rposition(|&s| s == at) {
            self.starts.remove(i);
        }
    }

    /// Nothing here can delay a request any more.
    fn idle(&self, class: Class, now: Instant) -> bool {
        let period = class.limit().1;
        self.held_until.is_none_or(|h| h <= now) && self.starts.back().is_none_or(|&last| last + period <= now)
    }
}

/// Every window of the process. Idle ones are dropped when the table has doubled since the
/// last sweep, so it stays as small as the accounts in use.
#[derive(Debug, Default)]
struct Table {
    windows: HashMap<(AccountKey, Class), Window>,
    sweep_at: usize,
}

/// The table never sweeps below this many windows.
const MIN_SWEEP: usize = 256;

impl Table {
    fn window(&mut self, key: &AccountKey, class: Class, now: Instant) -> &mut Window {
        if self.windows.len() >= self.sweep_at.max(MIN_SWEEP) {
            self.windows.retain(|(_, class), w| !w.idle(*class, now));
            self.sweep_at = self.windows.len() * 2;
        }
        self.windows.entry((key.clone(), class)).or_default()
    }

    /// Reserves the earliest start for `paced` from `now` on, or, when it lies after
    /// `deadline`, reserves nothing and answers how long the wait would be.
    fn reserve(&mut self, paced: &Paced, now: Instant, deadline: Option<Instant>) -> Result<Instant, Duration> {
        let at = paced.classes.iter().fold(now, |at, &c| at.max(self.window(&paced.key, c, now).earliest(c, now)));
        if deadline.is_some_and(|d| at > d) {
            return Err(at - now);
        }
        for &c in &paced.classes {
            self.window(&paced.key, c, now).push(c, at);
        }
        Ok(at)
    }

    /// At the reserved start `at`: `None` to go, or (a hold came meanwhile) the reservation
    /// given back and a new one taken.
    fn recheck(
        &mut self,
        paced: &Paced,
        at: Instant,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Result<Option<Instant>, Duration> {
        let held = paced
            .classes
            .iter()
            .any(|&c| self.windows.get(&(paced.key.clone(), c)).and_then(|w| w.held_until).is_some_and(|h| h > now));
        if !held {
            return Ok(None);
        }
        for &c in &paced.classes {
            self.window(&paced.key, c, now).release(at);
        }
        self.reserve(paced, now, deadline).map(Some)
    }

    /// Holds every class of `paced` until `until`.
    fn hold(&mut self, paced: &Paced, until: Instant, now: Instant) {
        for &c in &paced.classes {
            let w = self.window(&paced.key, c, now);
            w.held_until = Some(w.held_until.map_or(until, |h| h.max(until)));
        }
    }
}

static TABLE: LazyLock<Mutex<Table>> = LazyLock::new(Default::default);

fn table() -> std::sync::MutexGuard<'static, Table> {
    TABLE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Waits for this request's start: reserved now, in arrival order, then slept until. Fails
/// at once, reserving nothing, when the start lies more than `max_wait` ahead.
pub async fn slot(paced: &Paced, max_wait: Duration) -> Result<(), Error> {
    // The clock is read under the lock: reservations are then made in the order of their
    // `now`, and a FIFO reservation never lands after another thread's later `now`.
    let (mut at, deadline) = {
        let mut table = table();
        let now = Instant::now();
        let deadline = now.checked_add(max_wait);
        (table.reserve(paced, now, deadline).map_err(|wait| too_long(wait, max_wait))?, deadline)
    };
    loop {
        tokio::time::sleep_until(at).await;
        let recheck = {
            let mut table = table();
            table.recheck(paced, at, Instant::now(), deadline)
        };
        match recheck {
            Ok(None) => return Ok(()),
            Ok(Some(later)) => at = later,
            Err(wait) => return Err(too_long(wait, max_wait)),
        }
    }
}

/// After a failed attempt: a `RATE_LIMITED` answer with a wait of at most 30 s holds the
/// request's classes for that account until the wait is over.
pub fn hold(paced: &Paced, err: &Error) {
    let wait = match err {
        Error::Graph { code: ErrorCode::RateLimited, retry_after_ms: Some(ms), .. }
        | Error::Status { code: ErrorCode::RateLimited, retry_after_ms: Some(ms), .. } => *ms,
        _ => return,
    };
    if wait == 0 || wait > MAX_HONOURED_WAIT_MS {
        return;
    }
    let mut table = table();
    let now = Instant::now();
    table.hold(paced, now + Duration::from_millis(wait), now);
}

/// The error of a start too far ahead.
fn too_long(wait: Duration, max_wait: Duration) -> Error {
    let ms = wait.as_nanos().div_ceil(1_000_000).min(u128::from(u64::MAX)) as u64;
    Error::PacingWait {
        retry_after_ms: Some(ms),
        detail: format!(
            "client-side pacing: this account's request limit leaves the next start {ms} ms ahead, \
             more than pacingMaxWaitMs ({} ms)",
            max_wait.as_millis()
        ),
    }
}

#[cfg(test)]
mod tests;
