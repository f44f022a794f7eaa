//! POST deliveries: the secrets required, the size limit, parsing, and the order of the checks.

use super::{is_events, post, rejection, run, secrets, sign, BODY, SECRET};
use crate::error::ErrorCode;
use crate::secret::Secret;
use crate::webhook::{verify, WebhookRequest, WebhookResult, WebhookSecrets, DEFAULT_MAX_BODY_BYTES};

#[test]
fn the_size_limit_comes_first() {
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 1_048_576);
    assert_eq!(WebhookSecrets::default().max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    let sig = sign(BODY, SECRET);
    let with_max = |max: usize| WebhookSecrets { max_body_bytes: max, ..secrets(&[SECRET]) };
    let request = post(BODY, &[("X-Hub-Signature-256", &sig)]);
    assert!(is_events(&verify(&request, &with_max(BODY.len())).unwrap()), "exactly the limit passes");
    let result = verify(&request, &with_max(BODY.len() - 1)).unwrap();
    assert_eq!(rejection(&result), (413, "PAYLOAD_TOO_LARGE"));
    // Before the signature: an unsigned or wrongly signed oversized body is a 413, not a 401.
    for headers in [&[][..], &[("X-Hub-Signature-256", "sha256=00")]] {
        let result = verify(&post(BODY, headers), &with_max(BODY.len() - 1)).unwrap();
        assert_eq!(rejection(&result), (413, "PAYLOAD_TOO_LARGE"), "{headers:?}");
    }
    // And before parsing.
    let junk = vec![b'x'; 2 * 1024 * 1024];
    let result = verify(&post(&junk, &[]), &secrets(&[SECRET])).unwrap();
    assert_eq!(rejection(&result), (413, "PAYLOAD_TOO_LARGE"));
    // The default limit: 1 MiB passes the size check (then fails parsing), 1 MiB + 1 does not.
    let mib = vec![b' '; DEFAULT_MAX_BODY_BYTES];
    let sig = sign(&mib, SECRET);
    assert_eq!(rejection(&run(&mib, &[("X-Hub-Signature-256", &sig)], &[SECRET])), (400, "MALFORMED_PAYLOAD"));
    let over = vec![b' '; DEFAULT_MAX_BODY_BYTES + 1];
    assert_eq!(rejection(&run(&over, &[], &[SECRET])), (413, "PAYLOAD_TOO_LARGE"));
}

#[test]
fn bodies_that_are_not_a_webhook_payload_are_400_after_the_signature() {
    let cases: &[&[u8]] = &[
        b"",
        b"not json",
        b"{\"object\":\"instagram\",\"entry\":[]", // truncated
        b"[]",
        b"null",
        b"\"instagram\"",
        b"{}",
        b"{\"object\":\"instagram\"}",
        b"{\"entry\":[]}",
        b"{\"object\":7,\"entry\":[]}",
        b"{\"object\":\"instagram\",\"entry\":{}}",
        b"{\"object\":\"instagram\",\"entry\":null}",
        b"\xef\xbb\xbf{\"object\":\"instagram\",\"entry\":[]}", // a BOM
        b"{\"object\":\"instagram\",\"entry\":[]}\xff",
        b"{\"object\":\"\xff\",\"entry\":[]}", // invalid UTF-8
    ];
    for body in cases {
        let sig = sign(body, SECRET);
        let result = run(body, &[("X-Hub-Signature-256", &sig)], &[SECRET]);
        assert_eq!(rejection(&result), (400, "MALFORMED_PAYLOAD"), "{}", String::from_utf8_lossy(body));
        // Unsigned, the signature is what fails.
        assert_eq!(rejection(&run(body, &[], &[SECRET])), (401, "SIGNATURE_MISSING"));
    }
    // An absent body is an empty one.
    let mut request = post(b"", &[("X-Hub-Signature-256", &sign(b"", SECRET))]);
    request.body = None;
    assert_eq!(rejection(&verify(&request, &secrets(&[SECRET])).unwrap()), (400, "MALFORMED_PAYLOAD"));
    // The envelope with no entries is fine: no events.
    let empty = br#"{"object":"instagram","entry":[]}"#;
    let result = run(empty, &[("X-Hub-Signature-256", &sign(empty, SECRET))], &[SECRET]);
    assert_eq!(result, WebhookResult::Events { object: "instagram".into(), events: Vec::new() });
}

#[test]
fn a_post_without_an_app_secret_is_the_callers_mistake() {
    for app_secrets in [&[][..], &[""], &["", ""]] {
        let s = WebhookSecrets { app_secrets: app_secrets.iter().map(|s| Secret::new(*s)).collect(), ..secrets(&[]) };
        let err = verify(&post(BODY, &[("X-Hub-Signature-256", "sha256=00")]), &s).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidArgument, "{app_secrets:?}");
        assert!(err.to_string().starts_with("secrets.appSecret"), "{err}");
    }
}

#[test]
fn allow_unsigned_accepts_unsigned_requests_but_still_checks_signatures() {
    let unsigned = |app_secrets: &[&str]| WebhookSecrets { allow_unsigned: true, ..secrets(app_secrets) };
    // No secret at all: fine with allowUnsigned.
    assert!(is_events(&verify(&post(BODY, &[]), &unsigned(&[])).unwrap()));
    assert!(is_events(&verify(&post(BODY, &[]), &unsigned(&[SECRET])).unwrap()));
    // A signature is still checked when a secret is given…
    let wrong = sign(BODY, "another-secret");
    let result = verify(&post(BODY, &[("X-Hub-Signature-256", &wrong)]), &unsigned(&[SECRET])).unwrap();
    assert_eq!(rejection(&result), (401, "SIGNATURE_MISMATCH"));
    let good = sign(BODY, SECRET);
    assert!(is_events(&verify(&post(BODY, &[("X-Hub-Signature-256", &good)]), &unsigned(&[SECRET])).unwrap()));
    // …and cannot be without one.
    assert!(is_events(&verify(&post(BODY, &[("X-Hub-Signature-256", &wrong)]), &unsigned(&[])).unwrap()));
    // Size and parsing still apply.
    let small = WebhookSecrets { max_body_bytes: 10, ..unsigned(&[]) };
    assert_eq!(rejection(&verify(&post(BODY, &[]), &small).unwrap()), (413, "PAYLOAD_TOO_LARGE"));
    assert_eq!(rejection(&verify(&post(b"{}", &[]), &unsigned(&[])).unwrap()), (400, "MALFORMED_PAYLOAD"));
}

#[test]
fn rejection_messages_are_short_and_show_no_secret_or_signature() {
    let wrong = sign(BODY, "another-secret");
    let requests: Vec<(WebhookRequest, WebhookSecrets)> = vec![
        (post(BODY, &[("X-Hub-Signature-256", &wrong)]), secrets(&[SECRET])),
        (post(BODY, &[("X-Hub-Signature", &wrong)]), secrets(&[SECRET])),
        (post(BODY, &[]), secrets(&[SECRET])),
        (post(BODY, &[]), WebhookSecrets { max_body_bytes: 3, ..secrets(&[SECRET]) }),
        (post(b"{", &[]), WebhookSecrets { allow_unsigned: true, ..secrets(&[SECRET]) }),
    ];
    for (request, s) in &requests {
        let WebhookResult::Rejected { status, reason, message } = verify(request, s).unwrap() else { panic!() };
        assert_eq!(status, reason.status());
        assert!(!message.is_empty() && message.len() < 200, "{message}");
        for secret in [SECRET, "verify-me-please", &wrong["sha256=".len()..], &wrong["sha256=".len()..][..16]] {
            assert!(!message.contains(secret), "{message}");
        }
    }
}
