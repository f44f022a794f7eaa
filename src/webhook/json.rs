//! [`Json`]: a JSON value parsed from the body without copying it, and small, total readers
//! over it that never panic and never round an ID.
//!
//! The parse is serde_json's own (`serde_json::from_str` with the visitor below), so a body
//! is accepted or refused, at the same line and column, with the same number values and the
//! same nesting limit (128) exactly as a parse into `serde_json::Value` would; only the tree
//! is cheaper: strings without escapes borrow from the body, and objects keep their entries
//! in the body's order (duplicate keys included: lookups take the last one, as
//! `serde_json::Value` and `JSON.parse` do).

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::Number;

use crate::time::SECONDS_BELOW;

/// A JSON value borrowed from a webhook body: what JavaScript gets as an event's `raw`
/// (objects in the body's key order, numbers as serde_json reads them).
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number as serde_json reads it: an exact `u64`/`i64` when it is an integer that fits,
    /// else an `f64`.
    Number(Number),
    /// A string, borrowed from the body when it has no escapes.
    String(Cow<'a, str>),
    /// An array, in order.
    Array(Vec<Json<'a>>),
    /// An object's entries in the body's order (a repeated key appears as often as it was sent).
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// Parses `text` (the whole of it) as serde_json does.
    pub(crate) fn parse(text: &'a str) -> serde_json::Result<Self> {
        serde_json::from_str(text)
    }

    /// The same value owning all its strings (for a body that had to be copied to be read).
    pub(crate) fn into_owned(self) -> Json<'static> {
        let own = |s: Cow<'_, str>| Cow::Owned(s.into_owned());
        match self {
            Json::Null => Json::Null,
            Json::Bool(b) => Json::Bool(b),
            Json::Number(n) => Json::Number(n),
            Json::String(s) => Json::String(own(s)),
            Json::Array(items) => Json::Array(items.into_iter().map(Json::into_owned).collect()),
            Json::Object(entries) => Json::Object(entries.into_iter().map(|(k, v)| (own(k), v.into_owned())).collect()),
        }
    }

    /// `self[key]` when `self` is an object that has `key` (the last one if repeated).
    pub(crate) fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(entries) => entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Takes `self[key]` out (the last one if repeated), leaving `null` in its place.
    pub(crate) fn take(&mut self, key: &str) -> Option<Json<'a>> {
        match self {
            Json::Object(entries) => {
                entries.iter_mut().rev().find(|(k, _)| k == key).map(|(_, v)| std::mem::replace(v, Json::Null))
            }
            _ => None,
        }
    }

    pub(crate) fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// The string, if this is one.
    pub(crate) fn as_str(&self) -> Option<&Cow<'a, str>> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// A Graph ID as a string, whether Meta sent it as a JSON string or as a bare integer
    /// (read by [`crate::graph::id_string`], exactly, never through `f64`: IDs above 2^53
    /// stay exact). A number that only fits a float (a fraction, or above `u64::MAX`)
    /// cannot be exact any more and is absent rather than rounded.
    pub(crate) fn as_id(&self) -> Option<Cow<'a, str>> {
        match self {
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => crate::graph::id_string(n.clone()).ok().map(Cow::Owned),
            _ => None,
        }
    }

    /// The ID at `self[key]` (see [`Json::as_id`]).
    pub(crate) fn id_at(&self, key: &str) -> Option<Cow<'a, str>> {
        self.get(key).and_then(Json::as_id)
    }

    /// The string at `self[key]`, if it is a string (other JSON types count as absent).
    pub(crate) fn str_at(&self, key: &str) -> Option<Cow<'a, str>> {
        self.get(key).and_then(Json::as_str).cloned()
    }

    /// The object at `self[key]`, if it is an object.
    pub(crate) fn obj_at(&self, key: &str) -> Option<&Json<'a>> {
        self.get(key).filter(|v| v.is_object())
    }

    /// True when `self[key]` is the JSON boolean `true`.
    pub(crate) fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some(Json::Bool(true)))
    }

    /// An epoch timestamp in milliseconds from a JSON number or a string of digits.
    ///
    /// Values below [`SECONDS_BELOW`] (10^11) are epoch seconds and are multiplied by 1000
    /// (so an entry `time` in seconds, as `changes[]` entries send it, becomes ms, and one
    /// already in ms is kept). Fractions are truncated; out-of-range values saturate;
    /// anything else is `None`.
    pub(crate) fn epoch_ms(&self) -> Option<i64> {
        let n = match self {
            Json::Number(n) => {
                if let Some(i) = n.as_i64() {
                    i
                } else if let Some(u) = n.as_u64() {
                    i64::try_from(u).unwrap_or(i64::MAX)
                } else {
                    let f = n.as_f64()?;
                    if !f.is_finite() {
                        return None;
                    }
                    if f.abs() < SECONDS_BELOW as f64 {
                        // Keep the sub-second part of fractional seconds.
                        return Some((f * 1000.0) as i64);
                    }
                    f as i64
                }
            }
            Json::String(s) => s.trim().parse::<i64>().ok()?,
            _ => return None,
        };
        if n.unsigned_abs() < SECONDS_BELOW as u64 {
            Some(n.saturating_mul(1000))
        } else {
            Some(n)
        }
    }
}

/// `raw` as JavaScript gets it: the value in the body's order (a repeated key is written as
/// often as it came, and `JSON.parse` keeps the last, as serde_json does); numbers and
/// string escapes as serde_json writes them.
impl Serialize for Json<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(text) => s.serialize_str(text),
            Json::Array(items) => s.collect_seq(items),
            Json::Object(entries) => s.collect_map(entries.iter().map(|(k, v)| (k, v))),
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

/// The visitor of `serde_json::Value`, borrowing strings instead of copying them.
struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Json::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Self::Value, E> {
        Ok(Number::from_f64(n).map_or(Json::Null, Json::Number))
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(s.to_owned())))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Json::String(Cow::Owned(s)))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Json::Object(entries))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn parse(text: &str) -> Json<'_> {
        Json::parse(text).unwrap()
    }

    #[test]
    fn parses_as_serde_json_value_does() {
        for text in [
            r#"{"b":[1,-2,1.5,1e300,18446744073709551616,-0,-0.0,null,true,false,"x\u00e4\n"],"a":{},"a":{"z":[]}}"#,
            r#"[{"":"","\u0000":"\"\\"},17841405793187218123,5e-324]"#,
            "\"\\ud83d\\ude00\"",
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_value(parse(text)).unwrap(), value, "{text}");
        }
        // Refused alike, at the same place.
        for text in ["", "[1,", "{\"a\":1e400}", "[1] x", "\"\\ud83d\"", "{1:2}", &"[".repeat(200)] {
            let want = serde_json::from_str::<Value>(text).unwrap_err().to_string();
            assert_eq!(Json::parse(text).unwrap_err().to_string(), want, "{text}");
        }
    }

    #[test]
    fn keeps_the_body_order_and_reads_the_last_of_a_repeated_key() {
        let v = parse(r#"{"b":1,"a":2,"b":3}"#);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"b":1,"a":2,"b":3}"#);
        assert_eq!(v.get("b"), Some(&Json::Number(3.into())));
        let mut v = v;
        assert_eq!(v.take("b"), Some(Json::Number(3.into())));
        assert_eq!(v.get("b"), Some(&Json::Null));
        assert!(matches!(parse(r#""plain""#).as_str(), Some(Cow::Borrowed("plain"))));
        assert!(matches!(parse(r#""\u0041""#).as_str(), Some(Cow::Owned(_))));
    }

    #[test]
    fn ids_stay_exact_above_two_to_the_53() {
        let v = parse(r#"{"a":17841405793187218,"b":"17841405793187218","c":18446744073709551615,"d":-5}"#);
        assert_eq!(v.id_at("a").as_deref(), Some("17841405793187218"));
        assert_eq!(v.id_at("b").as_deref(), Some("17841405793187218"));
        assert_eq!(v.id_at("c").as_deref(), Some("18446744073709551615"));
        assert_eq!(v.id_at("d").as_deref(), Some("-5"));
        // 20 digits still fit a u64 (its max is 18446744073709551615).
        assert_eq!(parse(r#"{"a":17841405793187218123}"#).id_at("a").as_deref(), Some("17841405793187218123"));
        // Above u64::MAX serde_json parses a float: it is not rounded into an ID.
        let v = parse(r#"{"a":18446744073709551616,"b":1.5,"c":null,"d":true,"e":178414057931872181234,"f":5.0}"#);
        for k in ["a", "b", "c", "d", "e", "f", "missing"] {
            assert_eq!(v.id_at(k), None, "{k}");
        }
    }

    #[test]
    fn epoch_numbers() {
        let ms = |v: Value| parse(&v.to_string()).epoch_ms();
        assert_eq!(ms(json!(1569262485349_i64)), Some(1569262485349));
        assert_eq!(ms(json!(1569262485)), Some(1569262485000));
        assert_eq!(ms(json!("1569262485")), Some(1569262485000));
        assert_eq!(ms(json!(1569262485.5)), Some(1569262485500));
        assert_eq!(ms(json!(u64::MAX)), Some(i64::MAX));
        assert_eq!(ms(json!(0)), Some(0));
        assert_eq!(ms(json!("soon")), None);
        assert_eq!(ms(json!(null)), None);
        assert_eq!(ms(json!({"t": 1})), None);
    }
}
