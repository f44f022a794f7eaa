//! Timestamps as the API accepts them: epoch milliseconds, epoch seconds (a number below
//! 10^11, as older integrations stored them) or an RFC 3339 string.

use serde::Deserialize;

use crate::error::Error;

/// A point in time as a caller may give it: epoch ms, epoch seconds (a number below 10^11)
/// or an RFC 3339 string.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged, expecting = "must be epoch milliseconds or an RFC 3339 date-time string")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum TimeInput {
    Number(f64),
    Text(String),
}

/// Numbers below this are epoch seconds (10^11 s is the year 5138; 10^11 ms is March 1973),
/// in every time the API reads: a caller's input or a webhook's `time`/`timestamp`.
pub const SECONDS_BELOW: i64 = 100_000_000_000;

/// The latest time accepted, in epoch ms: 8.64e15, JavaScript's largest `Date`.
pub const MAX_TIME_MS: i64 = 8_640_000_000_000_000;

impl TimeInput {
    /// Epoch milliseconds, or `INVALID_ARGUMENT` naming `field`.
    pub fn to_epoch_ms(&self, field: &str) -> Result<i64, Error> {
        match self {
            TimeInput::Number(n) => {
                if !n.is_finite() || *n < 0.0 || *n > MAX_TIME_MS as f64 {
                    return Err(Error::invalid(field, "must be a finite, non-negative time"));
                }
                let ms = if *n < SECONDS_BELOW as f64 { n * 1000.0 } else { *n };
                Ok(ms.round() as i64)
            }
            TimeInput::Text(s) => {
                let s = s.trim();
                if let Ok(n) = s.parse::<f64>() {
                    return TimeInput::Number(n).to_epoch_ms(field);
                }
                chrono::DateTime::parse_from_rfc3339(s)
                    .map(|t| t.timestamp_millis())
                    .map_err(|_| Error::invalid(field, "must be epoch milliseconds or an RFC 3339 date-time"))
            }
        }
    }
}

/// An optional time: absent, `null` and `""` all mean "unknown".
pub fn optional_ms(value: Option<&TimeInput>, field: &str) -> Result<Option<i64>, Error> {
    match value {
        None => Ok(None),
        Some(TimeInput::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(t) => t.to_epoch_ms(field).map(Some),
    }
}

/// The wall clock in epoch milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_seconds_and_rfc3339() {
        let ms = 1_795_867_200_000; // 2026-11-28T12:00:00Z
        assert_eq!(TimeInput::Number(ms as f64).to_epoch_ms("t").unwrap(), ms);
        assert_eq!(TimeInput::Number(1_795_867_200.0).to_epoch_ms("t").unwrap(), ms);
        assert_eq!(TimeInput::Text("2026-11-28T12:00:00Z".into()).to_epoch_ms("t").unwrap(), ms);
        assert_eq!(TimeInput::Text("2026-11-28T13:00:00+01:00".into()).to_epoch_ms("t").unwrap(), ms);
        assert_eq!(TimeInput::Text("1795867200000".into()).to_epoch_ms("t").unwrap(), ms);
    }

    #[test]
    fn bad_values_name_the_field() {
        for bad in [TimeInput::Number(f64::NAN), TimeInput::Number(-1.0), TimeInput::Text("tomorrow".into())] {
            let e = bad.to_epoch_ms("accessTokenExpiresAt").unwrap_err();
            assert!(e.to_string().starts_with("accessTokenExpiresAt:"), "{e}");
        }
    }

    #[test]
    fn empty_is_unknown() {
        assert_eq!(optional_ms(None, "t").unwrap(), None);
        assert_eq!(optional_ms(Some(&TimeInput::Text(" ".into())), "t").unwrap(), None);
    }
}
