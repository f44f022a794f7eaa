//! `webhook::verify` with arbitrary methods, query, headers (signature headers included),
//! secrets and bodies. Checks: no panic; a rejection's status is its reason's; a correctly
//! signed body within the limit is never refused for its signature; the order size →
//! signature → parsing holds.
#![no_main]

use hmac::{Hmac, Mac};
use instagram_native::secret::Secret;
use instagram_native::webhook::{self, RejectReason, WebhookRequest, WebhookResult, WebhookSecrets};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    raw_method: String,
    query: Vec<(String, Vec<String>)>,
    headers: Vec<(String, Vec<String>)>,
    /// 0: no signature header added; 1: a correct sha256; 2: a correct sha1; 3: sha256 of another secret.
    sign: u8,
    upper_hex: bool,
    verify_token: Option<String>,
    app_secrets: Vec<String>,
    allow_unsigned: bool,
    max_body_bytes: u16,
    body: Option<Vec<u8>>,
}

fn hex_mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], body: &[u8]) -> String {
    let mut m = <M as Mac>::new_from_slice(key).expect("HMAC takes any key");
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

fuzz_target!(|input: Input| {
    let method = match input.method % 4 {
        0 => "GET".to_string(),
        1 => "post".to_string(),
        2 => " POST ".to_string(),
        _ => input.raw_method.clone(),
    };
    let body = input.body.clone();
    let secret = input.app_secrets.iter().find(|s| !s.is_empty()).cloned();
    let mut headers = input.headers.clone();
    let mut correctly_signed = false;
    if let (Some(secret), Some(body)) = (&secret, &body) {
        let case = |s: String| if input.upper_hex { s.to_uppercase() } else { s };
        match input.sign % 4 {
            1 => {
                let sig = format!("sha256={}", case(hex_mac::<Hmac<sha2::Sha256>>(secret.as_bytes(), body)));
                headers.retain(|(n, _)| !n.trim().eq_ignore_ascii_case("x-hub-signature-256"));
                headers.insert(0, ("X-Hub-Signature-256".into(), vec![sig]));
                correctly_signed = true;
            }
            2 => {
                let sig = format!("sha1={}", case(hex_mac::<Hmac<sha1::Sha1>>(secret.as_bytes(), body)));
                headers.retain(|(n, _)| {
                    let n = n.trim();
                    !n.eq_ignore_ascii_case("x-hub-signature-256") && !n.eq_ignore_ascii_case("x-hub-signature")
                });
                headers.push(("x-hub-signature".into(), vec![sig]));
                correctly_signed = true;
            }
            3 => {
                let sig = format!("sha256={}", hex_mac::<Hmac<sha2::Sha256>>(b"not-the-secret", body));
                headers.push(("x-hub-signature-256".into(), vec![sig]));
            }
            _ => {}
        }
    }
    let request = WebhookRequest { method: method.clone(), query: input.query.clone(), headers, body: body.as_deref() };
    let secrets = WebhookSecrets {
        verify_token: input.verify_token.clone().map(Secret::new),
        app_secrets: input.app_secrets.iter().cloned().map(Secret::new).collect(),
        allow_unsigned: input.allow_unsigned,
        max_body_bytes: input.max_body_bytes as usize,
    };
    let Ok(result) = webhook::verify(&request, &secrets) else { return };
    // Debug output never shows the secrets.
    let shown = format!("{secrets:?} {request:?}");
    for s in input.app_secrets.iter().chain(input.verify_token.iter()) {
        if s.len() >= 8 && !"[redacted]".contains(s.as_str()) && !method.contains(s.as_str()) {
            let names: String = input.query.iter().chain(input.headers.iter()).map(|(n, _)| n.as_str()).collect();
            if !names.contains(s.as_str()) && !"WebhookSecretsWebhookRequest".contains(s.as_str()) {
                assert!(!shown.contains(s.as_str()), "a secret in Debug output");
            }
        }
    }
    if let WebhookResult::Rejected { status, reason, .. } = &result {
        assert_eq!(*status, reason.status());
    }
    let is_post = method.trim().eq_ignore_ascii_case("POST");
    let len = body.as_ref().map_or(0, Vec::len);
    if is_post && correctly_signed {
        let sig_refused = matches!(
            result,
            WebhookResult::Rejected { reason: RejectReason::SignatureMismatch | RejectReason::SignatureMissing, .. }
        );
        assert!(!sig_refused, "a correctly signed body was refused for its signature");
    }
    if is_post && len > input.max_body_bytes as usize {
        assert!(matches!(result, WebhookResult::Rejected { reason: RejectReason::PayloadTooLarge, .. }));
    }
    if let WebhookResult::Events { .. } = result {
        assert!(is_post);
    }
});
