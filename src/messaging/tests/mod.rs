//! Tests of the messaging core through its public path: JSON value → `SendRequest` →
//! `prepare` → wire JSON, as the binding uses it.

use serde_json::{json, Value};

use super::{prepare, PreparedSend, SendRequest};
use crate::error::Error;

mod limits;
mod parse;
mod rules;
mod split;
mod wire;

const TOKEN: &str = "IGAAtesttokenvalue123";

/// Reads and prepares a JS-shaped request.
fn send(req: Value) -> Result<PreparedSend, Error> {
    prepare(&crate::input::from_json::<SendRequest>(req, "req")?)
}

/// The wire body of a request that must pass.
fn body(req: Value) -> Value {
    match send(req) {
        Ok(prepared) => serde_json::to_value(&prepared.body).unwrap(),
        Err(e) => panic!("refused: {e}"),
    }
}

/// The `(field, problem)` of a request that must be refused as INVALID_ARGUMENT.
fn refused(req: Value) -> (String, String) {
    match send(req) {
        Err(Error::InvalidArgument { field, problem }) => (field, problem),
        Err(other) => panic!("wrong error: {other:?}"),
        Ok(p) => panic!("accepted: {p:?}"),
    }
}

/// The field path of a refused request.
fn field(req: Value) -> String {
    refused(req).0
}

/// A request to user `123` carrying `message`.
fn msg(message: Value) -> Value {
    json!({ "accessToken": TOKEN, "recipient": { "id": "123" }, "message": message })
}

/// `message` passes.
fn ok(message: Value) -> Value {
    body(msg(message))
}

/// `message` is refused at `path`.
fn bad(message: Value, path: &str) {
    assert_eq!(field(msg(message)), path);
}
