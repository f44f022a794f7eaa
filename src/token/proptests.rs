//! Property tests of the token policy over random credentials, policies and timelines.
//!
//! The rules checked are API.md's decision, restated as properties rather than as the
//! code's own branches: what may lead to a refresh, what an expired token always gives,
//! that Facebook-login tokens are never refreshed, that an exchange happens exactly for a
//! new OAuth token, and that along a timeline the decision only moves forward
//! (none → wait → refresh → expired). Times span everything the input layer accepts:
//! RFC 3339 years 0000–9999 and numbers up to 8.64e15 ms, `now` up to 8.64e15.

use proptest::prelude::*;

use super::policy::{decide, Next, PolicyInput, TokenPolicy, TokenState};
use crate::error::ErrorCode;
use crate::graph::{CallOptions, CallOptionsInput, LoginType};
use crate::secret::Secret;
use crate::time::TimeInput;

const DAY: i64 = 86_400_000;
/// The earliest time an input can give: RFC 3339 `0000-01-01T00:00:00Z`.
const MIN_TIME: i64 = -62_167_219_200_000;
/// The latest: 8.64e15 ms (numbers and `options.now`).
const MAX_TIME: i64 = 8_640_000_000_000_000;
const MAX_POLICY: i64 = 10_000_000_000_000;

fn any_time() -> impl Strategy<Value = i64> {
    prop_oneof![
        // Realistic: around 2026, within a year.
        (1_795_867_200_000i64 - 365 * DAY)..(1_795_867_200_000i64 + 365 * DAY),
        // Anything the input layer accepts, edges included.
        MIN_TIME..=MAX_TIME,
        Just(MIN_TIME),
        Just(MAX_TIME),
        Just(0i64),
    ]
}

fn any_now() -> impl Strategy<Value = i64> {
    prop_oneof![(1_795_867_200_000i64 - 365 * DAY)..(1_795_867_200_000i64 + 365 * DAY), 0..=MAX_TIME, Just(MAX_TIME)]
}

fn any_policy() -> impl Strategy<Value = TokenPolicy> {
    let ms = prop_oneof![0..=MAX_POLICY, 0..=30 * DAY, Just(0i64), Just(MAX_POLICY)];
    (ms.clone(), ms.clone(), ms).prop_map(|(refresh_window_ms, min_refresh_age_ms, expiry_skew_ms)| TokenPolicy {
        refresh_window_ms,
        min_refresh_age_ms,
        expiry_skew_ms,
    })
}

/// Which OAuth token the credential carries, relative to its recorded fingerprint.
#[derive(Debug, Clone, Copy)]
enum Oauth {
    None,
    Seen,
    New,
}

fn state(
    stored: bool,
    expires_at: Option<i64>,
    issued_at: Option<i64>,
    oauth: Oauth,
    login_type: LoginType,
) -> TokenState {
    let oauth_token = Secret::new("IGAAoauth-short-lived");
    TokenState {
        stored: stored.then(|| Secret::new("IGAAstored-long-lived")),
        expires_at,
        issued_at,
        source_fingerprint: match oauth {
            Oauth::Seen => Some(oauth_token.fingerprint()),
            Oauth::New => Some(Secret::new("IGAAan-older-oauth-token").fingerprint()),
            Oauth::None => None,
        },
        oauth: (!matches!(oauth, Oauth::None)).then_some(oauth_token),
        client_id: None,
        client_secret: None,
        login_type,
    }
}

fn any_state() -> impl Strategy<Value = TokenState> {
    (
        any::<bool>(),
        proptest::option::of(any_time()),
        proptest::option::of(any_time()),
        prop_oneof![Just(Oauth::None), Just(Oauth::Seen), Just(Oauth::New)],
        prop_oneof![Just(LoginType::Instagram), Just(LoginType::Facebook)],
    )
        .prop_map(|(stored, exp, iss, oauth, lt)| state(stored, exp, iss, oauth, lt))
}

fn rank(next: Next) -> u8 {
    match next {
        Next::None => 0,
        Next::Wait => 1,
        Next::Refresh => 2,
        Next::Expired => 3,
        Next::Exchange => 4,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// Every rule of the decision, as properties of its outcome.
    #[test]
    fn decision_follows_the_rules(s in any_state(), policy in any_policy(), now in any_now()) {
        let exchange_due = s.oauth.as_ref().is_some_and(|o| {
            s.stored.is_none() || s.source_fingerprint.as_deref() != Some(o.fingerprint().as_str())
        });
        let result = decide(&s, &policy, now);
        if s.stored.is_none() && s.oauth.is_none() {
            prop_assert_eq!(result.map(|d| d.next).map_err(|e| e.code()), Err(ErrorCode::InvalidArgument));
            return Ok(());
        }
        let d = result.expect("a decision whenever there is a token");
        prop_assert_eq!(d.expires_in_ms, s.expires_at.map(|at| at - now));
        prop_assert_eq!(d.age_ms, s.issued_at.map(|at| now - at));

        // An exchange exactly for a new OAuth token (or the only token there is).
        prop_assert_eq!(d.next == Next::Exchange, exchange_due);
        if exchange_due {
            return Ok(());
        }
        let expired = s.expires_at.is_some_and(|at| now >= at - policy.expiry_skew_ms);
        let in_window = s.expires_at.is_none_or(|at| at - now < policy.refresh_window_ms);
        let old_enough = s.issued_at.is_none_or(|at| now - at >= policy.min_refresh_age_ms);

        // An expired stored token is always `expired`: never none, refresh or wait.
        prop_assert_eq!(d.next == Next::Expired, expired);
        if d.next == Next::Refresh {
            prop_assert!(s.stored.is_some());
            prop_assert_eq!(s.login_type, LoginType::Instagram, "a Facebook-login token is never refreshed");
            prop_assert!(!expired, "never refresh an expired token");
            prop_assert!(in_window, "refresh only inside the window or with the expiry unknown");
            prop_assert!(old_enough, "refresh only when old enough or with the age unknown");
        }
        if d.next == Next::Wait {
            prop_assert_eq!(s.login_type, LoginType::Instagram);
            prop_assert!(in_window && !old_enough && !expired);
            prop_assert!(s.issued_at.is_some(), "wait needs a known age");
        }
        if s.login_type == LoginType::Facebook {
            prop_assert!(matches!(d.next, Next::None | Next::Expired));
        }
        // And the converse: inside the window, old enough, valid, Instagram → refresh.
        if !expired && in_window && old_enough && s.login_type == LoginType::Instagram {
            prop_assert_eq!(d.next, Next::Refresh);
        }
        if !expired && !in_window {
            prop_assert_eq!(d.next, Next::None);
        }
    }

    /// Along a timeline (a stored token, the clock moving forward) the decision never goes
    /// back: none → wait → refresh → expired.
    #[test]
    fn decisions_only_move_forward_in_time(
        expires_at in proptest::option::of(any_time()),
        issued_at in proptest::option::of(any_time()),
        login_type in prop_oneof![Just(LoginType::Instagram), Just(LoginType::Facebook)],
        policy in any_policy(),
        mut nows in proptest::collection::vec(any_now(), 1..64),
    ) {
        let s = state(true, expires_at, issued_at, Oauth::None, login_type);
        nows.sort_unstable();
        let mut last = 0;
        for now in nows {
            let next = decide(&s, &policy, now).expect("a stored token").next;
            prop_assert!(rank(next) >= last, "{:?} after rank {} at {}", next, last, now);
            last = rank(next);
        }
    }

    /// Whatever JavaScript passes as a policy or a time, the result is an error or a value
    /// inside the range the decision's arithmetic is safe for.
    #[test]
    fn inputs_are_bounded(x in any::<f64>(), y in prop_oneof![any::<f64>(), -1e17..1e17f64]) {
        for v in [x, y] {
            let p = PolicyInput { refresh_window_ms: Some(v), min_refresh_age_ms: Some(v), expiry_skew_ms: Some(v) };
            if let Ok(p) = TokenPolicy::from_input(&p) {
                prop_assert!((0..=MAX_POLICY).contains(&p.refresh_window_ms));
            }
            if let Ok(t) = TimeInput::Number(v).to_epoch_ms("t") {
                prop_assert!((0..=MAX_TIME).contains(&t));
            }
            let o = CallOptionsInput { now: Some(v), ..Default::default() };
            if let Ok(o) = CallOptions::from_input(&o) {
                prop_assert!((0..=MAX_TIME).contains(&o.now.expect("given")));
            }
        }
    }
}
