//! Small, total readers over `serde_json::Value`: they never panic and never round an ID.

use serde_json::Value;

use crate::time::SECONDS_BELOW;

/// A Graph ID as a string, whether Meta sent it as a JSON string or as a bare integer.
///
/// Integers are printed from serde_json's exact `u64`/`i64`, never through `f64`, so IDs
/// above 2^53 stay exact. A number that only fits a float (a fraction, or above `u64::MAX`)
/// cannot be exact any more and is treated as absent rather than rounded.
pub(crate) fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Some(u.to_string())
            } else {
                n.as_i64().map(|i| i.to_string())
            }
        }
        _ => None,
    }
}

/// The ID at `v[key]`, if present (see [`id_string`]).
pub(crate) fn id_at(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(id_string)
}

/// The string at `v[key]`, if it is a string (other JSON types count as absent).
pub(crate) fn str_at(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The object at `v[key]`, if it is an object.
pub(crate) fn obj_at<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key).filter(|x| x.is_object())
}

/// True when `v[key]` is the JSON boolean `true`.
pub(crate) fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool) == Some(true)
}

/// An epoch timestamp in milliseconds from a JSON number or a string of digits.
///
/// Values below 10^11 are epoch seconds and are multiplied by 1000 (so an entry `time` in
/// seconds, as `changes[]` entries send it, becomes ms, and one already in ms is kept).
/// Fractions are truncated; out-of-range values saturate; anything else is `None`.
pub(crate) fn epoch_ms(v: &Value) -> Option<i64> {
    let n = match v {
        Value::Number(n) => {
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
        Value::String(s) => s.trim().parse::<i64>().ok()?,
        _ => return None,
    };
    if n.unsigned_abs() < SECONDS_BELOW as u64 {
        Some(n.saturating_mul(1000))
    } else {
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_stay_exact_above_two_to_the_53() {
        let v: Value =
            serde_json::from_str(r#"{"a":17841405793187218,"b":"17841405793187218","c":18446744073709551615,"d":-5}"#)
                .unwrap();
        assert_eq!(id_at(&v, "a").as_deref(), Some("17841405793187218"));
        assert_eq!(id_at(&v, "b").as_deref(), Some("17841405793187218"));
        assert_eq!(id_at(&v, "c").as_deref(), Some("18446744073709551615"));
        assert_eq!(id_at(&v, "d").as_deref(), Some("-5"));
        // 20 digits still fit a u64 (its max is 18446744073709551615).
        let v: Value = serde_json::from_str(r#"{"a":17841405793187218123}"#).unwrap();
        assert_eq!(id_at(&v, "a").as_deref(), Some("17841405793187218123"));
        // Above u64::MAX serde_json parses a float: it is not rounded into an ID.
        let v: Value =
            serde_json::from_str(r#"{"a":18446744073709551616,"b":1.5,"c":null,"d":true,"e":178414057931872181234}"#)
                .unwrap();
        for k in ["a", "b", "c", "d", "e", "missing"] {
            assert_eq!(id_at(&v, k), None, "{k}");
        }
    }

    #[test]
    fn epoch_numbers() {
        assert_eq!(epoch_ms(&json!(1569262485349_i64)), Some(1569262485349));
        assert_eq!(epoch_ms(&json!(1569262485)), Some(1569262485000));
        assert_eq!(epoch_ms(&json!("1569262485")), Some(1569262485000));
        assert_eq!(epoch_ms(&json!(1569262485.5)), Some(1569262485500));
        assert_eq!(epoch_ms(&json!(u64::MAX)), Some(i64::MAX));
        assert_eq!(epoch_ms(&json!(0)), Some(0));
        assert_eq!(epoch_ms(&json!("soon")), None);
        assert_eq!(epoch_ms(&json!(null)), None);
        assert_eq!(epoch_ms(&json!({"t": 1})), None);
    }
}
