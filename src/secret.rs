//! Secrets (tokens, app/client secrets, verify tokens) as a type that cannot be printed.

use std::fmt;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// A secret string. `Debug` and `Display` print `[redacted]`; the only way to read it is
/// [`Secret::expose`], used where the secret goes on the wire or into an HMAC.
#[derive(Clone, PartialEq, Eq, Default)]
#[cfg_attr(test, derive(ts_rs::TS), ts(type = "string"))]
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
    ///
    /// The last secret fingerprinted and its fingerprint are kept: the credential hook asks
    /// for the same OAuth token's fingerprint before every n8n request.
    pub fn fingerprint(&self) -> String {
        static LAST: Mutex<Option<(Secret, String)>> = Mutex::new(None);
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((secret, fingerprint)) = last.as_ref() {
            if secret.0 == self.0 {
                return fingerprint.clone();
            }
        }
        let mut h = Sha256::new();
        h.update(b"instagram-native/token-fingerprint/v1\0");
        h.update(self.0.as_bytes());
        let fingerprint = hex::encode(&h.finalize()[..8]);
        *last = Some((self.clone(), fingerprint.clone()));
        fingerprint
    }
}

impl Secret {
    /// Serializes the text itself: only for a result handed to the caller who owns the
    /// secret (a granted token in `TokenGrant` / `PreAuthResult`), never for a log or an error.
    pub fn serialize_exposed<S: serde::Serializer>(secret: &Secret, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&secret.0)
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

/// True when `token` can travel as an `Authorization: Bearer` value (or a query value)
/// unchanged: visible ASCII only, no spaces or control characters. Meta's tokens always are.
pub fn is_header_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic())
}

/// An access token given by the caller: non-blank and header-safe, or `INVALID_ARGUMENT`
/// naming `field` (never echoing the value). Checked before any network call.
pub fn require_token(token: &Secret, field: &str) -> Result<(), crate::error::Error> {
    require_present(token, field)?;
    if !is_header_token(token.expose()) {
        return Err(crate::error::Error::invalid(
            field,
            "must be an access token: visible ASCII characters only (no spaces, line breaks or control characters)",
        ));
    }
    Ok(())
}

/// The longest secret the addon sends or signs with: Meta's tokens and secrets are a few
/// hundred bytes at most, and HTTP servers refuse headers much past 8 KiB.
pub const MAX_SECRET_BYTES: usize = 4096;

/// A secret the call needs: a non-blank string of at most [`MAX_SECRET_BYTES`], or
/// `INVALID_ARGUMENT` naming `field`.
pub fn require_present(secret: &Secret, field: &str) -> Result<(), crate::error::Error> {
    if secret.expose().trim().is_empty() {
        return Err(crate::error::Error::invalid(field, "must be a non-empty string"));
    }
    if secret.expose().len() > MAX_SECRET_BYTES {
        return Err(crate::error::Error::invalid(field, format!("must be at most {MAX_SECRET_BYTES} bytes")));
    }
    Ok(())
}

/// Removes every plausible echo of the given secrets from a text (server messages, error
/// fields, transport errors) before it goes into an error or a warning.
///
/// A server may echo a secret in many forms; each of these is found, in any letter case:
/// the secret as it is, percent-encoded (a URL or a form body), JSON-escaped, base64
/// (standard or URL-safe, at any alignment inside a longer encoded text), and any part of
/// one of these forms that is at least [`echo_window`] bytes long (a secret cut by a few
/// characters is still a secret). Each stretch found becomes `[redacted]`.
pub fn redact(text: &str, secrets: &[&Secret]) -> String {
    use std::collections::{HashMap, HashSet};
    let mut scrubbed = None;
    for secret in secrets.iter().filter(|s| s.0.len() > MAX_SECRET_BYTES) {
        let current: &str = scrubbed.as_deref().unwrap_or(text);
        if current.contains(secret.expose()) {
            scrubbed = Some(current.replace(secret.expose(), "[redacted]"));
        }
    }
    let text: &str = scrubbed.as_deref().unwrap_or(text);
    let mut windows: HashMap<usize, HashSet<Vec<u8>>> = HashMap::new();
    for secret in secrets {
        // Very short values would blank out ordinary words; real secrets are long. A value
        // past MAX_SECRET_BYTES never leaves the process (refused as input): scrubbed above
        // where it appears whole.
        if secret.0.len() < 4 || secret.0.len() > MAX_SECRET_BYTES {
            continue;
        }
        for form in echo_forms(&secret.0) {
            if form.len() < 4 {
                continue;
            }
            let w = echo_window(form.len());
            let set = windows.entry(w).or_default();
            for part in form.windows(w) {
                set.insert(part.to_vec());
            }
        }
    }
    if windows.is_empty() {
        return text.to_string();
    }
    // A window can only match where every pair of neighbouring bytes occurs in some form:
    // ordinary text (and a 4 MiB server body) is passed over without hashing.
    let mut pairs = vec![false; 1 << 16];
    for set in windows.values() {
        for part in set {
            for p in part.windows(2) {
                pairs[(p[0] as usize) << 8 | p[1] as usize] = true;
            }
        }
    }
    let lower = text.to_ascii_lowercase().into_bytes();
    let mut hit = vec![false; lower.len()];
    let mut any = false;
    // `run` = how many windows of 2 bytes ending at `i` are all known pairs.
    let mut run = 0usize;
    for i in 1..lower.len() {
        run = if pairs[(lower[i - 1] as usize) << 8 | lower[i] as usize] { run + 1 } else { 0 };
        for (w, set) in &windows {
            if *w >= 2 && run + 1 >= *w && set.contains(&lower[i + 1 - w..=i]) {
                hit[i + 1 - w..=i].iter_mut().for_each(|h| *h = true);
                any = true;
            }
        }
    }
    if !any {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if hit[i] {
            let mut end = i;
            while end < text.len() && (hit[end] || !text.is_char_boundary(end)) {
                end += 1;
            }
            out.push_str("[redacted]");
            i = end;
        } else {
            let mut end = i + 1;
            while end < text.len() && !text.is_char_boundary(end) {
                end += 1;
            }
            out.push_str(&text[i..end]);
            i = end;
        }
    }
    out
}

/// How many consecutive bytes of a secret's form (of `len` bytes) count as an echo: the
/// whole of a short one, else all but 4 bytes, between 8 and 16.
pub fn echo_window(len: usize) -> usize {
    if len < 8 {
        len
    } else {
        len.saturating_sub(4).clamp(8, 16)
    }
}

/// The forms of `secret` a server could plausibly echo, lower-cased (matching ignores case).
fn echo_forms(secret: &str) -> Vec<Vec<u8>> {
    use base64::Engine;
    let mut forms: Vec<String> = Vec::new();
    forms.push(secret.to_string());
    // Matching ignores ASCII case; these two cover a server that changes the case of
    // non-ASCII letters too.
    forms.push(secret.to_uppercase());
    forms.push(secret.to_lowercase());
    let mut percent = String::new();
    let mut form = String::new();
    for b in secret.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            percent.push(b as char);
            form.push(b as char);
        } else {
            percent.push_str(&format!("%{b:02X}"));
            form.push_str(&if b == b' ' { "+".to_string() } else { format!("%{b:02X}") });
        }
    }
    forms.push(percent);
    forms.push(form);
    if let Ok(json) = serde_json::to_string(secret) {
        let inner = json[1..json.len() - 1].to_string();
        forms.push(inner.replace('/', "\\/"));
        forms.push(inner);
    }
    let mut ascii = String::new();
    for c in secret.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                ascii.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    forms.push(ascii);
    // Inside a longer base64 text the secret starts at any of three alignments; the
    // characters that depend on its bytes alone are the same whatever surrounds it.
    for engine in [base64::engine::general_purpose::STANDARD, base64::engine::general_purpose::URL_SAFE] {
        for shift in 0..3usize {
            let mut bytes = vec![0u8; shift];
            bytes.extend_from_slice(secret.as_bytes());
            let encoded = engine.encode(&bytes);
            let first = if shift == 0 { 0 } else { 4 };
            let last = (bytes.len() / 3) * 4;
            if last > first {
                forms.push(encoded[first..last].to_string());
            }
            if shift == 0 {
                forms.push(encoded.trim_end_matches('=').to_string());
            }
        }
    }
    let mut out: Vec<Vec<u8>> = forms.into_iter().map(|f| f.to_ascii_lowercase().into_bytes()).collect();
    out.sort();
    out.dedup();
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

    /// The forms a server could echo, built here independently of `echo_forms`.
    fn echoes(secret: &str) -> Vec<String> {
        use base64::Engine;
        let b64 = |t: &str| base64::engine::general_purpose::STANDARD.encode(t);
        let url64 = |t: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(t);
        let pct: String = secret
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02x}") })
            .collect();
        vec![
            secret.to_string(),
            secret.to_uppercase(),
            secret.to_lowercase(),
            pct.clone(),
            pct.to_uppercase(),
            serde_json::to_string(secret).unwrap(),
            serde_json::to_string(secret).unwrap().replace('/', "\\/"),
            b64(&format!("token={secret}&x=1")),
            b64(&format!("t={secret}")),
            b64(&format!("tk={secret}")),
            url64(&format!("{{\"access_token\":\"{secret}\"}}")),
            secret[..secret.len() - 3].to_string(),
            secret[3..].to_string(),
        ]
    }

    #[test]
    fn every_echo_form_is_redacted() {
        for secret in ["IGAAc3oxdFAKE_token/with+specials=", "0123456789abcdef0123456789abcdef", "my verify tökén 42"]
        {
            let s = Secret::new(secret);
            for echo in echoes(secret) {
                let text = format!("Invalid OAuth access token - Cannot parse {echo} (see docs)");
                let out = redact(&text, &[&s]);
                assert!(out.contains("[redacted]"), "{echo:?} not found in {out:?}");
                assert!(out.starts_with("Invalid OAuth access token - Cannot parse"), "{out:?}");
                // (A cut echo may take a neighbouring space with it: the secret has one there.)
                assert!(out.ends_with("(see docs)"), "{out:?}");
            }
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let s = Secret::new("IGAAc3oxdFAKEtoken1234567890");
        let text = "Error validating access token: Session has expired on Friday. Ünïcode stays.";
        assert_eq!(redact(text, &[&s]), text);
        assert_eq!(redact("", &[&s]), "");
    }

    #[test]
    fn redact_removes_each_secret() {
        let t = Secret::new("IGAAtok");
        let c = Secret::new("clientsecret");
        let text = "bad token IGAAtok with clientsecret and IGAAtok";
        assert_eq!(redact(text, &[&t, &c]), "bad token [redacted] with [redacted] and [redacted]");
    }
}
