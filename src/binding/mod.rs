//! The JavaScript surface: the only module that imports napi. Each file converts JS
//! values to core types, calls the core, and converts the result (or error) back.

mod account;
mod convert;
mod js;
mod messaging;
mod options;
mod token;
mod webhook;
