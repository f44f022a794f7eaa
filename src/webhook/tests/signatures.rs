//! POST signatures: X-Hub-Signature-256, the legacy X-Hub-Signature, several secrets.

use super::{fixture, is_events, post, rejection, run, secrets, sign, sign_sha1, BODY, SECRET};
use crate::webhook::{verify, WebhookResult};
#[test]
fn a_good_signature_in_lower_or_upper_hex_passes() {
    let sig = sign(BODY, SECRET);
    let upper = format!("sha256={}", sig["sha256=".len()..].to_uppercase());
    let upper_prefix = format!("SHA256={}", &sig["sha256=".len()..]);
    for s in [&sig, &upper, &upper_prefix] {
        let result = run(BODY, &[("X-Hub-Signature-256", s)], &[SECRET]);
        assert!(is_events(&result), "{result:?}");
        assert_eq!(result.status(), 200);
    }
    let WebhookResult::Events { object, events } = run(BODY, &[("x-hub-signature-256", &sig)], &[SECRET]) else {
        panic!()
    };
    assert_eq!(object, "instagram");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].text.as_deref(), Some("hi"));
}

#[test]
fn header_names_in_any_case_and_arrays_use_the_first_value() {
    let sig = sign(BODY, SECRET);
    for name in ["X-HUB-SIGNATURE-256", "x-hub-signature-256", "X-Hub-Signature-256"] {
        assert!(is_events(&run(BODY, &[(name, &sig)], &[SECRET])), "{name}");
    }
    let mut request = post(BODY, &[]);
    request.headers = vec![("X-Hub-Signature-256".into(), vec![sig.clone(), "sha256=00".into()])];
    assert!(is_events(&verify(&request, &secrets(&[SECRET])).unwrap()));
    request.headers = vec![("X-Hub-Signature-256".into(), vec!["sha256=00".into(), sig])];
    assert_eq!(rejection(&verify(&request, &secrets(&[SECRET])).unwrap()), (401, "SIGNATURE_MISMATCH"));
}

#[test]
fn a_wrong_signature_is_a_mismatch_and_its_message_shows_no_secret() {
    let wrong = sign(BODY, "another-secret");
    let result = run(BODY, &[("X-Hub-Signature-256", &wrong)], &[SECRET]);
    assert_eq!(rejection(&result), (401, "SIGNATURE_MISMATCH"));
    let WebhookResult::Rejected { message, .. } = result else { panic!() };
    assert!(!message.contains(SECRET) && !message.contains(&wrong["sha256=".len()..]), "{message}");
    // A body changed by one byte.
    let sig = sign(BODY, SECRET);
    let mut tampered = BODY.to_vec();
    tampered[BODY.len() - 5] = b'!';
    assert_eq!(rejection(&run(&tampered, &[("X-Hub-Signature-256", &sig)], &[SECRET])), (401, "SIGNATURE_MISMATCH"));
}

#[test]
fn a_missing_signature_is_refused() {
    for headers in [&[][..], &[("Content-Type", "application/json")], &[("X-Hub-Signature-256", " ")]] {
        let result = run(BODY, headers, &[SECRET]);
        assert_eq!(rejection(&result), (401, "SIGNATURE_MISSING"), "{headers:?}");
    }
}

#[test]
fn a_malformed_signature_header_is_a_mismatch() {
    let sig = sign(BODY, SECRET);
    let hex_digits = &sig["sha256=".len()..];
    let cases = [
        hex_digits.to_string(),                    // no prefix
        format!("sha1={hex_digits}"),              // wrong prefix
        format!("sha256:{hex_digits}"),            // wrong separator
        format!("sha256={}", &hex_digits[..62]),   // too short
        format!("sha256={hex_digits}00"),          // too long
        format!("sha256={}zz", &hex_digits[..62]), // not hex
        format!("sha256={}", &hex_digits[1..]),    // odd length
        "sha256=".to_string(),                     // empty
        "sha256=\u{e4}\u{e4}".to_string(),         // non-ASCII
        "s".to_string(),                           // shorter than the prefix
        "\u{e4}ha256=00".to_string(),              // multi-byte char at the prefix
    ];
    for value in &cases {
        let result = run(BODY, &[("X-Hub-Signature-256", value)], &[SECRET]);
        assert_eq!(rejection(&result), (401, "SIGNATURE_MISMATCH"), "{value:?}");
    }
}

#[test]
fn a_signature_over_re_serialised_json_does_not_match() {
    let raw = fixture("non-ascii.json");
    let parsed: serde_json::Value = serde_json::from_slice(&raw).unwrap();
    let reserialised = serde_json::to_vec(&parsed).unwrap();
    assert_ne!(raw, reserialised, "re-serialising must change the bytes (escapes become UTF-8)");
    // Meta signs the raw bytes: checking re-serialised JSON against it fails…
    let meta_sig = sign(&raw, SECRET);
    assert_eq!(
        rejection(&run(&reserialised, &[("X-Hub-Signature-256", &meta_sig)], &[SECRET])),
        (401, "SIGNATURE_MISMATCH")
    );
    // …and a signature over re-serialised JSON does not match the raw bytes.
    let reser_sig = sign(&reserialised, SECRET);
    assert_eq!(rejection(&run(&raw, &[("X-Hub-Signature-256", &reser_sig)], &[SECRET])), (401, "SIGNATURE_MISMATCH"));
    // The raw bytes with Meta's signature pass.
    assert!(is_events(&run(&raw, &[("X-Hub-Signature-256", &meta_sig)], &[SECRET])));
}

#[test]
fn any_of_several_secrets_may_match() {
    let sig = sign(BODY, "second-secret");
    assert!(is_events(&run(BODY, &[("X-Hub-Signature-256", &sig)], &["first-secret", "second-secret"])));
    assert!(is_events(&run(BODY, &[("X-Hub-Signature-256", &sig)], &["", "second-secret", "third"])));
    assert_eq!(
        rejection(&run(BODY, &[("X-Hub-Signature-256", &sig)], &["first-secret", "third"])),
        (401, "SIGNATURE_MISMATCH")
    );
}

#[test]
fn the_legacy_sha1_header_alone_is_checked_with_sha1() {
    let sha1 = sign_sha1(BODY, SECRET);
    assert!(is_events(&run(BODY, &[("X-Hub-Signature", &sha1)], &[SECRET])));
    assert!(is_events(&run(BODY, &[("x-hub-signature", &sha1.to_uppercase())], &[SECRET])));
    let wrong = sign_sha1(BODY, "another-secret");
    assert_eq!(rejection(&run(BODY, &[("X-Hub-Signature", &wrong)], &[SECRET])), (401, "SIGNATURE_MISMATCH"));
    // A SHA-256 signature in the SHA-1 header is malformed for it.
    let sha256 = sign(BODY, SECRET);
    assert_eq!(rejection(&run(BODY, &[("X-Hub-Signature", &sha256)], &[SECRET])), (401, "SIGNATURE_MISMATCH"));
}

#[test]
fn a_wrong_sha256_signature_is_not_rescued_by_a_right_sha1() {
    let sha1 = sign_sha1(BODY, SECRET);
    let wrong256 = sign(BODY, "another-secret");
    let result = run(BODY, &[("X-Hub-Signature-256", &wrong256), ("X-Hub-Signature", &sha1)], &[SECRET]);
    assert_eq!(rejection(&result), (401, "SIGNATURE_MISMATCH"));
    let WebhookResult::Rejected { message, .. } = result else { panic!() };
    assert!(message.contains("X-Hub-Signature-256"), "{message}");
    // Both right: passes (SHA-256 is the one checked).
    let good256 = sign(BODY, SECRET);
    assert!(is_events(&run(BODY, &[("X-Hub-Signature", &sha1), ("X-Hub-Signature-256", &good256)], &[SECRET])));
}

#[test]
fn the_header_names_read_are_the_signature_headers_in_any_case() {
    use crate::webhook::reads_header_name;
    for name in ["x-hub-signature-256", "X-Hub-Signature-256", " X-HUB-SIGNATURE ", "x-hub-signature"] {
        assert!(reads_header_name(name), "{name}");
    }
    for name in ["content-type", "x-hub-signature-2", "x-hub-signature-256x", ""] {
        assert!(!reads_header_name(name), "{name}");
    }
    // Leaving out every other header changes nothing.
    let sig = sign(BODY, SECRET);
    let headers = [("Content-Type", "application/json"), ("X-Hub-Signature-256", sig.as_str()), ("x-other", "1")];
    let kept: Vec<(&str, &str)> = headers.iter().copied().filter(|(n, _)| reads_header_name(n)).collect();
    assert_eq!(run(BODY, &headers, &[SECRET]), run(BODY, &kept, &[SECRET]));
}
