//! Reading caller input (a JSON value made of a JS argument) into core types, with
//! `INVALID_ARGUMENT` errors that name the field path and never echo the value (it may be
//! a secret passed in the wrong place).

use serde::de::DeserializeOwned;

use crate::error::Error as CoreError;

/// Deserializes with the field path of the first mismatch.
pub fn from_json<T: DeserializeOwned>(json: serde_json::Value, root: &str) -> std::result::Result<T, CoreError> {
    if !json.is_object() {
        return Err(CoreError::invalid(root, "must be an object"));
    }
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let (field, problem) = describe(&path, &inner);
        let field = match (root, field.as_str()) {
            ("options" | "secrets", "") => root.to_string(),
            ("options" | "secrets", f) => format!("{root}.{f}"),
            (r, "") => r.to_string(),
            (_, f) => f.to_string(),
        };
        CoreError::invalid(field, problem)
    })
}

/// Turns serde's message into a field path and a problem without the offending value.
fn describe(path: &str, message: &str) -> (String, String) {
    let path = if path == "." { "" } else { path };
    let join = |name: &str| if path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        return (join(name), "is required".into());
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let got = rest.split([' ', ',']).next().unwrap_or("value");
        let got = match got {
            "map" => "an object",
            "sequence" => "an array",
            "null" | "unit" => "null",
            "integer" | "floating" => "a number",
            "string" => "a string",
            "boolean" => "a boolean",
            other => other,
        };
        let expected = rest.rsplit(", expected ").next().unwrap_or("another type");
        let expected = match expected {
            "f64" | "u64" | "i64" | "u32" => "a number",
            "struct" | "a map" => "an object",
            "a sequence" => "an array",
            e if e.starts_with("struct ") => "an object",
            e => e,
        };
        return (path.to_string(), format!("must be {expected} (got {got})"));
    }
    if message.starts_with("unknown variant") {
        let expected = message.split("expected ").nth(1).unwrap_or("a known value").replace('`', "'");
        return (path.to_string(), format!("must be {expected}"));
    }
    if message.contains("untagged enum TimeInput") {
        return (path.to_string(), "must be epoch milliseconds or an RFC 3339 date-time string".into());
    }
    (path.to_string(), "has an invalid value".into())
}

/// The field names a plain `Deserialize` struct reads (after `rename_all`), so that a caller
/// can fetch just those from a large object (an n8n credential holds many other keys).
/// `None` for types that are not plain structs.
pub fn struct_fields<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    use serde::de::{self, Visitor};

    struct Probe(Option<&'static [&'static str]>);
    impl<'de> de::Deserializer<'de> for &mut Probe {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(de::Error::custom("probed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Req {
        access_token: crate::secret::Secret,
        items: Option<Vec<Item>>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        title: String,
    }

    fn err(v: serde_json::Value) -> String {
        from_json::<Req>(v, "request").unwrap_err().to_string()
    }

    #[test]
    fn struct_fields_are_the_js_names() {
        assert_eq!(struct_fields::<Req>(), Some(&["accessToken", "items"][..]));
        assert_eq!(struct_fields::<String>(), None);
    }

    #[test]
    fn paths_without_values() {
        assert_eq!(err(serde_json::json!({})), "accessToken: is required");
        assert_eq!(err(serde_json::json!({"accessToken": 5})), "accessToken: must be a string (got a number)");
        assert_eq!(err(serde_json::json!({"accessToken": null})), "accessToken: must be a string (got null)");
        assert_eq!(
            err(serde_json::json!({"accessToken": "IGAAsecret", "items": [{"title": "a"}, {"title": 7}]})),
            "items[1].title: must be a string (got a number)"
        );
        assert_eq!(
            err(serde_json::json!({"accessToken": "IGAAsecret", "items": "IGAAsecret"})),
            "items: must be an array (got a string)"
        );
        assert_eq!(err(serde_json::json!([1])), "request: must be an object");
    }
}
