//! The checks every message field is made of: lengths in characters or UTF-8 bytes,
//! bounded lists with indexed field paths, absolute http(s) URLs. Used by the request
//! checks (`validate`) and the content checks (`content`), and by the other modules whose
//! inputs are made of the same pieces (`messenger_profile`).

use crate::error::Error;

/// 1 to `max` characters (Unicode code points).
pub(crate) fn chars(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let n = value.chars().count();
    if (1..=max).contains(&n) {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(field, format!("must be 1 to {max} characters (got {n})")))
    }
}

/// 1 to `max` UTF-8 bytes.
pub(crate) fn bytes(field: &str, value: &str, max: usize) -> Result<String, Error> {
    let n = value.len();
    if (1..=max).contains(&n) {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(field, format!("must be 1 to {max} UTF-8 bytes (got {n})")))
    }
}

/// A list of 1 to `max` items (`noun` names them in the problem), each converted by `each`;
/// paths come out as `field`, `field[max]` and `field[i].…`.
pub(crate) fn list<T, U>(
    field: &str,
    items: &[T],
    max: usize,
    noun: &str,
    each: impl Fn(&T) -> Result<U, Error>,
) -> Result<Vec<U>, Error> {
    if items.is_empty() {
        return Err(Error::invalid(field, format!("must have 1 to {max} {noun} (got 0)")));
    }
    if items.len() > max {
        return Err(Error::invalid(format!("{field}[{max}]"), format!("at most {max} {noun}")));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| each(item).map_err(|e| e.within(&format!("[{i}]")).within(field)))
        .collect()
}

/// An absolute `http`/`https` URL with a host, without surrounding whitespace or control
/// characters (which a URL parser would quietly drop). Sent exactly as given.
pub(crate) fn http_url(field: &str, value: &str) -> Result<String, Error> {
    const PROBLEM: &str = "must be an absolute http or https URL with a host";
    if value.chars().any(|c| c.is_control()) || value.trim() != value {
        return Err(Error::invalid(field, "must not contain control characters or surrounding spaces"));
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()) => {
            Ok(value.to_string())
        }
        _ => Err(Error::invalid(field, PROBLEM)),
    }
}
