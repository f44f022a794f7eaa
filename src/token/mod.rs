//! The token lifecycle: the pure policy, the exchange/refresh calls, and
//! `preAuthenticate` carrying the policy out (with single flight).

#[cfg(test)]
mod answer_proptests;
mod grant;
mod policy;
mod preauth;
#[cfg(test)]
mod proptests;

pub use grant::{exchange, refresh, ExchangeRequest, RefreshRequest, TokenGrant};
pub use policy::{decide, expired_error, CredentialInput, Decision, Next, PolicyInput, TokenPolicy, TokenState};
pub use preauth::{plan, pre_authenticate, PreAuthAction, PreAuthResult, Step};
