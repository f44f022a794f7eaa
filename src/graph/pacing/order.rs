//! Order within a conversation: sends to one recipient of one account start in the order the
//! calls were made, each after the previous one settled.
//!
//! The place in line is taken synchronously, when the call is made ([`Turn::take`]), because
//! the runtime may poll the calls' futures in any order. Each key keeps the receiving end of
//! its last call's "settled" signal; a new call swaps in its own and waits on the one it took.
//! The signal fires when the call's [`Turn`] is dropped (the call settled).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use tokio::sync::oneshot::{self, error::TryRecvError};

use super::AccountKey;
use crate::error::Error;

/// One conversation: an account and a recipient (`id:…` or `comment:…`).
type ChainKey = (AccountKey, String);

#[derive(Default)]
struct Chains {
    /// The "settled" signal of the last call per conversation.
    last: HashMap<ChainKey, oneshot::Receiver<()>>,
    sweep_at: usize,
}

/// The table never sweeps below this many conversations.
const MIN_SWEEP: usize = 256;

static CHAINS: LazyLock<Mutex<Chains>> = LazyLock::new(Default::default);

/// A call's place in its conversation's line, held until the call settles.
#[derive(Debug)]
pub struct Turn {
    /// The previous call's "settled" signal, until it came.
    earlier: Option<oneshot::Receiver<()>>,
    /// This call's signal: fires (is dropped) with the turn.
    settled: Option<oneshot::Sender<()>>,
}

impl Turn {
    /// Takes the next place in line for `recipient` of `account`.
    pub fn take(account: AccountKey, recipient: String) -> Turn {
        let (settled, mine) = oneshot::channel();
        let mut chains = CHAINS.lock().unwrap_or_else(|p| p.into_inner());
        if chains.last.len() >= chains.sweep_at.max(MIN_SWEEP) {
            // Conversations whose last call settled are forgotten.
            chains.last.retain(|_, rx| matches!(rx.try_recv(), Err(TryRecvError::Empty)));
            chains.sweep_at = chains.last.len() * 2;
        }
        let earlier = chains.last.insert((account, recipient), mine);
        drop(chains);
        // Already settled: nothing to wait for.
        let earlier = earlier.and_then(|mut rx| match rx.try_recv() {
            Err(TryRecvError::Empty) => Some(rx),
            _ => None,
        });
        Turn { earlier, settled: Some(settled) }
    }

    /// Waits until the previous call to this recipient settled, at most `max_wait`; after
    /// that, `RATE_LIMITED` with nothing sent (the calls after this one still wait for it).
    pub async fn wait(&mut self, max_wait: Duration) -> Result<(), Error> {
        let Some(earlier) = self.earlier.as_mut() else { return Ok(()) };
        match tokio::time::timeout(max_wait, earlier).await {
            Ok(_) => {
                self.earlier = None;
                Ok(())
            }
            Err(_) => Err(Error::PacingWait {
                retry_after_ms: None,
                detail: format!(
                    "client-side pacing: an earlier send to this recipient was still in progress after \
                     pacingMaxWaitMs ({} ms)",
                    max_wait.as_millis()
                ),
            }),
        }
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        // Given up before the previous call settled: the next call must still wait for that
        // one, so this signal fires only after it.
        if let (Some(earlier), Some(settled)) = (self.earlier.take(), self.settled.take()) {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let _ = earlier.await;
                    drop(settled);
                });
            }
        }
    }
}
