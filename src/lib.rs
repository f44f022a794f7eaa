//! instagram-native: a correct Instagram core for Node.js.
//!
//! The core modules know nothing of JavaScript and are tested with `cargo test`:
//! - [`error`]: the error enum and its stable codes;
//! - [`secret`]: secrets that cannot be printed;
//! - [`time`]: timestamps as the API accepts them;
//! - [`input`]: caller input → core types, with field paths in errors;
//! - [`runtime`]: the one HTTP client of the process;
//! - [`graph`]: the one Graph API client (URLs, auth, timeouts, retries, error mapping, pacing);
//! - [`token`]: the token policy and lifecycle (exchange, refresh, preAuthenticate);
//! - [`account`]: account discovery;
//! - [`comments`]: public replies to comments, hiding and deleting them;
//! - [`conversations`]: the inbox and a conversation's newest messages;
//! - [`profile`]: the profile of a person who wrote to the account;
//! - [`messenger_profile`]: the account's ice breakers and persistent menu;
//! - [`messaging`]: outgoing messages: model, validation, wire JSON, send; the messaging window;
//! - [`webhook`]: signature checks and event normalisation.
//!
//! [`binding`] is the only module that imports napi.

pub mod account;
pub mod comments;
pub mod conversations;
pub mod error;
pub mod graph;
pub mod input;
pub mod messaging;
pub mod messenger_profile;
pub mod profile;
pub mod runtime;
pub mod secret;
pub mod time;
pub mod token;
pub mod webhook;

#[cfg(test)]
mod dts;
#[cfg(test)]
mod secret_hygiene_tests;

// Under `cargo test` the napi registrations are compiled out, so the exports look unused.
#[cfg_attr(test, allow(dead_code))]
mod binding;
