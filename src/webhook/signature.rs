//! Meta's request signatures and the verify-token comparison, all in constant time through
//! the RustCrypto `Mac::verify_slice` (never a hand-written comparison).

use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

use crate::secret::Secret;

/// The header Meta signs every delivery with: `sha256=<hex HMAC-SHA256(body, app secret)>`.
pub const SIGNATURE_256_HEADER: &str = "x-hub-signature-256";
/// The legacy header: `sha1=<hex HMAC-SHA1(body, app secret)>`, checked only when the
/// SHA-256 one is absent.
pub const SIGNATURE_SHA1_HEADER: &str = "x-hub-signature";

/// Which algorithm a signature header uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Sha256,
    Sha1,
}

impl Algorithm {
    /// The header's name as Meta writes it (for messages).
    pub(crate) fn header_name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "X-Hub-Signature-256",
            Algorithm::Sha1 => "X-Hub-Signature",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256=",
            Algorithm::Sha1 => "sha1=",
        }
    }
}

/// A signature as the request carried it. Its value is never put in a message.
#[derive(Clone, Copy)]
pub(crate) struct ProvidedSignature<'r> {
    pub(crate) algorithm: Algorithm,
    value: &'r str,
}

impl std::fmt::Debug for ProvidedSignature<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvidedSignature").field("algorithm", &self.algorithm).finish_non_exhaustive()
    }
}

/// The first value of the first header called `name` (any case) that has a non-blank value,
/// trimmed.
pub(crate) fn header<'r>(headers: &'r [(String, Vec<String>)], name: &str) -> Option<&'r str> {
    headers
        .iter()
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .filter_map(|(_, values)| values.first())
        .map(|v| v.trim())
        .find(|v| !v.is_empty())
}

/// The signature to check: `X-Hub-Signature-256` when present (even if `X-Hub-Signature`
/// is too), else the legacy `X-Hub-Signature`, else `None`.
pub(crate) fn find(headers: &[(String, Vec<String>)]) -> Option<ProvidedSignature<'_>> {
    if let Some(value) = header(headers, SIGNATURE_256_HEADER) {
        return Some(ProvidedSignature { algorithm: Algorithm::Sha256, value });
    }
    header(headers, SIGNATURE_SHA1_HEADER).map(|value| ProvidedSignature { algorithm: Algorithm::Sha1, value })
}

impl ProvidedSignature<'_> {
    /// True when the signature is well formed (`sha256=`/`sha1=` prefix in any case, hex of
    /// the right length in any case) and is the HMAC of `body` under one of `secrets`.
    /// Every secret is tried, so the time taken does not depend on which one matched.
    pub(crate) fn matches(&self, body: &[u8], secrets: &[&Secret]) -> bool {
        let Some(hex_digits) = strip_prefix_ignore_case(self.value, self.algorithm.prefix()) else {
            return false;
        };
        let Ok(tag) = hex::decode(hex_digits) else {
            return false;
        };
        let mut matched = false;
        for secret in secrets {
            let key = secret.expose().as_bytes();
            matched |= match self.algorithm {
                Algorithm::Sha256 => hmac_matches::<Hmac<Sha256>>(key, body, &tag),
                Algorithm::Sha1 => hmac_matches::<Hmac<Sha1>>(key, body, &tag),
            };
        }
        matched
    }
}

fn strip_prefix_ignore_case<'v>(value: &'v str, prefix: &str) -> Option<&'v str> {
    let head = value.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        value.get(prefix.len()..)
    } else {
        None
    }
}

/// `verify_slice` compares in constant time and fails on a tag of the wrong length.
fn hmac_matches<M: Mac + hmac::digest::KeyInit>(key: &[u8], body: &[u8], tag: &[u8]) -> bool {
    // HMAC takes keys of any length: `new_from_slice` cannot fail, but stay total.
    let Ok(mut mac) = <M as Mac>::new_from_slice(key) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(tag).is_ok()
}

/// Compares a verify token from the query with the configured one in constant time, length
/// included: both are HMAC'd under a fixed key and the tags compared with `verify_slice`.
pub(crate) fn verify_token_matches(given: &str, expected: &Secret) -> bool {
    const KEY: &[u8] = b"instagram-native/verify-token/v1";
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(KEY) else {
        return false;
    };
    mac.update(expected.expose().as_bytes());
    let expected_tag = mac.finalize().into_bytes();
    hmac_matches::<Hmac<Sha256>>(KEY, given.as_bytes(), &expected_tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
        pairs.iter().map(|(n, v)| (n.to_string(), vec![v.to_string()])).collect()
    }

    #[test]
    fn header_lookup_ignores_case_and_takes_the_first_value() {
        let h = vec![
            ("Content-Type".to_string(), vec!["application/json".to_string()]),
            ("X-HUB-SIGNATURE-256".to_string(), vec!["sha256=ab".to_string(), "sha256=cd".to_string()]),
        ];
        assert_eq!(header(&h, SIGNATURE_256_HEADER), Some("sha256=ab"));
        let h = vec![
            ("x-hub-signature-256".to_string(), vec![]),
            ("X-Hub-Signature-256".to_string(), vec![" sha256=ef ".to_string()]),
        ];
        assert_eq!(header(&h, SIGNATURE_256_HEADER), Some("sha256=ef"));
        assert_eq!(header(&headers(&[("x-hub-signature-256", "  ")]), SIGNATURE_256_HEADER), None);
    }

    #[test]
    fn sha256_header_wins_over_sha1() {
        let h = headers(&[("x-hub-signature", "sha1=00"), ("x-hub-signature-256", "sha256=00")]);
        assert_eq!(find(&h).map(|s| s.algorithm), Some(Algorithm::Sha256));
        let h = headers(&[("X-Hub-Signature", "sha1=00")]);
        assert_eq!(find(&h).map(|s| s.algorithm), Some(Algorithm::Sha1));
        assert!(find(&headers(&[("x-other", "1")])).is_none());
    }

    #[test]
    fn debug_never_prints_the_value() {
        let h = headers(&[("x-hub-signature-256", "sha256=deadbeef")]);
        let shown = format!("{:?}", find(&h));
        assert!(!shown.contains("deadbeef"), "{shown}");
    }

    #[test]
    fn verify_tokens() {
        let t = Secret::new("my-verify-token");
        assert!(verify_token_matches("my-verify-token", &t));
        assert!(!verify_token_matches("my-verify-toke", &t));
        assert!(!verify_token_matches("my-verify-tokenx", &t));
        assert!(!verify_token_matches("", &t));
        assert!(!verify_token_matches("MY-VERIFY-TOKEN", &t));
    }
}
