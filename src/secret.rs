//! Secrets (tokens, app/client secrets, verify tokens) as a type that cannot be printed.

use std::fmt;

use sha2::{Digest, Sha256};

/// A secret string. `Debug` and `Display` print `[redacted]`; the only way to read it is
/// [`Secret::expose`], used where the secret goes on the wire or into an HMAC.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A short one-way fingerprint: 16 hex digits of SHA-256 over a domain tag and the
    /// secret. Enough to tell two tokens apart; useless for recovering one.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"instagram-native/token-fingerprint/v1\0");
        h.update(self.0.as_bytes());
        hex::encode(&h.finalize()[..8])
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Removes every occurrence of the given secrets from a text (server messages, transport
/// errors) before it goes into an error.
pub fn redact(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        // Very short values would blank out ordinary words; real secrets are long.
        if s.0.len() >= 4 && out.contains(s.expose()) {
            out = out.replace(s.expose(), "[redacted]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("IGAAsecretvalue");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([redacted])");
    }

    #[test]
    fn fingerprint_is_short_stable_and_not_the_token() {
        let a = Secret::new("IGAAfirst").fingerprint();
        assert_eq!(a.len(), 16);
        assert_eq!(a, Secret::new("IGAAfirst").fingerprint());
        assert_ne!(a, Secret::new("IGAAsecond").fingerprint());
        assert!(!a.contains("IGAA"));
    }

    #[test]
    fn redact_removes_each_secret() {
        let t = Secret::new("IGAAtok");
        let c = Secret::new("clientsecret");
        let text = "bad token IGAAtok with clientsecret and IGAAtok";
        assert_eq!(redact(text, &[&t, &c]), "bad token [redacted] with [redacted] and [redacted]");
    }
}
