use std::sync::Arc;

use super::order::Turn;
use super::*;
use crate::error::GraphErrorInfo;

const SECOND: Duration = Duration::from_secs(1);

/// A key of its own for each test: the table is process-wide.
fn key(account: &str) -> AccountKey {
    let base = BaseUrl::parse("https://pacing.test.example", "f").unwrap();
    AccountKey::new(&base, account, &Secret::new("IGAAunused"))
}

fn paced(account: &str, classes: &[Class]) -> Paced {
    Paced { key: key(account), classes: classes.to_vec() }
}

fn rate_limited(retry_after_ms: Option<u64>) -> Error {
    Error::Graph {
        code: ErrorCode::RateLimited,
        info: Box::new(GraphErrorInfo { code: 4, ..Default::default() }),
        http_status: 429,
        retry_after_ms,
    }
}

#[test]
fn account_keys_are_host_and_id_or_a_token_fingerprint() {
    let base = BaseUrl::parse("http://127.0.0.1:8080", "f").unwrap();
    let other = BaseUrl::parse("http://127.0.0.1:8081", "f").unwrap();
    let (a, b) = (Secret::new("IGAAtoken-a-secret"), Secret::new("IGAAtoken-b-secret"));
    assert_eq!(AccountKey::new(&base, "17", &a), AccountKey::new(&base, "17", &b));
    assert_ne!(AccountKey::new(&base, "17", &a), AccountKey::new(&other, "17", &a));
    assert_ne!(AccountKey::new(&base, "me", &a), AccountKey::new(&base, "me", &b));
    assert_eq!(AccountKey::new(&base, "me", &a), AccountKey::new(&base, "me", &a));
    let me = AccountKey::new(&base, "me", &a);
    assert!(!me.0.contains("IGAAtoken"));
    assert_eq!(format!("{me:?}"), "AccountKey(127.0.0.1:8080/…)");
    let https = BaseUrl::parse("https://graph.instagram.com", "f").unwrap();
    assert_eq!(AccountKey::new(&https, "17", &a).0, "graph.instagram.com:443/17");
}

#[test]
fn at_most_count_starts_in_any_period() {
    let mut t = Table::default();
    let now = Instant::now();
    let p = paced("1", &[Class::Conversations]);
    let starts: Vec<_> = (0..7).map(|_| t.reserve(&p, now, None).unwrap() - now).collect();
    assert_eq!(starts, [0, 0, 1, 1, 2, 2, 3].map(|s| s * SECOND));

    let p = paced("2", &[Class::Send]);
    let starts: Vec<_> = (0..250).map(|_| t.reserve(&p, now, None).unwrap() - now).collect();
    assert!(starts[..100].iter().all(|&s| s == Duration::ZERO));
    assert!(starts[100..200].iter().all(|&s| s == SECOND));
    assert!(starts[200..].iter().all(|&s| s == 2 * SECOND));

    // A window is sliding: starts spread over the second leave room exactly a period later.
    let p = paced("3", &[Class::Conversations]);
    assert_eq!(t.reserve(&p, now, None).unwrap(), now);
    let later = now + Duration::from_millis(400);
    assert_eq!(t.reserve(&p, later, None).unwrap(), later);
    assert_eq!(t.reserve(&p, later, None).unwrap(), now + SECOND);
    assert_eq!(t.reserve(&p, later, None).unwrap(), later + SECOND);
    // Time that passed frees the window.
    let much_later = now + 10 * SECOND;
    assert_eq!(t.reserve(&p, much_later, None).unwrap(), much_later);
}

#[test]
fn private_replies_count_per_hour_and_take_a_send_slot() {
    let mut t = Table::default();
    let now = Instant::now();
    let reply = paced("4", &[Class::Send, Class::PrivateReply]);
    let starts: Vec<_> = (0..751).map(|_| t.reserve(&reply, now, None).unwrap() - now).collect();
    // 100 sends per second, and the 751st waits for the hour to pass since the first.
    assert_eq!(starts[99], Duration::ZERO);
    assert_eq!(starts[100], SECOND);
    assert_eq!(starts[749], 7 * SECOND);
    assert_eq!(starts[750], Duration::from_secs(3600));
    // Known at once: a wait beyond the bound reserves nothing.
    assert_eq!(t.reserve(&reply, now, Some(now + 60 * SECOND)), Err(Duration::from_secs(3600)));
}

#[test]
fn media_take_a_send_slot_and_each_class_is_first_in_first_out() {
    let mut t = Table::default();
    let now = Instant::now();
    let media = paced("5", &[Class::Send, Class::SendMedia]);
    let text = paced("5", &[Class::Send]);
    let starts: Vec<_> = (0..11).map(|_| t.reserve(&media, now, None).unwrap() - now).collect();
    assert_eq!(starts[9], Duration::ZERO);
    assert_eq!(starts[10], SECOND);
    // The send class is FIFO: a text after the 11th audio starts with it, not before.
    assert_eq!(t.reserve(&text, now, None).unwrap() - now, SECOND);
    // Other accounts do not wait.
    assert_eq!(t.reserve(&paced("6", &[Class::Send]), now, None).unwrap(), now);
}

#[test]
fn a_refused_reservation_takes_nothing() {
    let mut t = Table::default();
    let now = Instant::now();
    let p = paced("7", &[Class::Conversations]);
    t.reserve(&p, now, Some(now)).unwrap();
    t.reserve(&p, now, Some(now)).unwrap();
    for _ in 0..5 {
        assert_eq!(t.reserve(&p, now, Some(now + Duration::from_millis(999))), Err(SECOND));
    }
    assert_eq!(t.reserve(&p, now, Some(now + SECOND)), Ok(now + SECOND));
}

#[test]
fn a_hold_delays_later_starts_and_moves_earlier_reservations() {
    let mut t = Table::default();
    let now = Instant::now();
    let p = paced("8", &[Class::Conversations]);
    let first = t.reserve(&p, now, None).unwrap();
    t.hold(&p, now + 5 * SECOND, now);
    assert_eq!(t.reserve(&p, now, None).unwrap(), now + 5 * SECOND);
    // The one reserved before the hold reserves again when it wakes: after the hold, and
    // behind the one that already waits there.
    assert_eq!(t.recheck(&p, first, now, None).unwrap(), Some(now + 5 * SECOND));
    assert_eq!(t.reserve(&p, now, None).unwrap(), now + 6 * SECOND);
    // Once the hold is over, a start goes.
    assert_eq!(t.recheck(&p, now + 5 * SECOND, now + 5 * SECOND, None), Ok(None));
    // …unless its bound is passed: then it fails, holding nothing.
    let q = paced("9", &[Class::Conversations]);
    let at = t.reserve(&q, now, None).unwrap();
    t.hold(&q, now + 5 * SECOND, now);
    assert_eq!(t.recheck(&q, at, now, Some(now + SECOND)), Err(5 * SECOND));
}

#[test]
fn idle_windows_are_dropped() {
    let mut t = Table::default();
    let now = Instant::now();
    let later = now + 2 * SECOND;
    for i in 0..2000 {
        t.reserve(&paced(&format!("10{i}"), &[Class::Send]), now, None).unwrap();
    }
    for i in 0..2000 {
        t.reserve(&paced(&format!("11{i}"), &[Class::Send]), later, None).unwrap();
    }
    // The windows used a second ago were idle at the sweeps; the ones in use are kept.
    assert!(t.windows.len() <= 2000, "{}", t.windows.len());
    assert!(t.windows.keys().all(|(k, _)| k.0.contains("/11")));
    let w = &t.windows[&(key("111999"), Class::Send)];
    assert!(!w.idle(Class::Send, later));
    assert!(w.idle(Class::Send, later + SECOND));
}

#[tokio::test(start_paused = true)]
async fn slots_are_waited_for_in_arrival_order() {
    let p = Arc::new(paced("20", &[Class::Conversations]));
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..5 {
        let p = p.clone();
        // The current-thread runtime polls spawned tasks in spawn order: arrival order.
        tasks.push(tokio::spawn(async move {
            slot(&p, Duration::from_secs(60)).await.unwrap();
            (i, Instant::now() - t0)
        }));
    }
    let mut starts = Vec::new();
    for task in tasks {
        starts.push(task.await.unwrap());
    }
    assert_eq!(starts, [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2)].map(|(i, s)| (i, s * SECOND)));
}

#[tokio::test(start_paused = true)]
async fn a_start_beyond_the_bound_fails_at_once_without_a_slot() {
    let p = paced("21", &[Class::Conversations]);
    slot(&p, Duration::ZERO).await.unwrap();
    slot(&p, Duration::ZERO).await.unwrap();
    let t0 = Instant::now();
    let e = slot(&p, Duration::from_millis(500)).await.unwrap_err();
    assert_eq!(Instant::now(), t0, "failed at once");
    assert_eq!((e.code(), e.retryable(), e.retry_after_ms()), (ErrorCode::RateLimited, true, Some(1000)));
    assert!(e.to_string().starts_with("not sent:"), "{e}");
    // Nothing was taken: the next start is still a second after the first ones.
    slot(&p, SECOND).await.unwrap();
    assert_eq!(Instant::now() - t0, SECOND);
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_with_a_short_wait_holds_the_class() {
    let p = paced("22", &[Class::Send]);
    let other = paced("23", &[Class::Send]);
    let t0 = Instant::now();
    hold(&p, &rate_limited(Some(3_000)));
    // Longer than 30 s, unknown, or another error: no hold.
    hold(&other, &rate_limited(Some(30_001)));
    hold(&other, &rate_limited(None));
    hold(&other, &Error::invalid("x", "y"));
    slot(&other, Duration::ZERO).await.unwrap();
    assert_eq!(Instant::now(), t0);
    // Within the hold, a call that may not wait fails at once, saying how long it would be.
    let e = slot(&p, SECOND).await.unwrap_err();
    assert_eq!(e.retry_after_ms(), Some(3000));
    slot(&p, Duration::from_secs(60)).await.unwrap();
    assert_eq!(Instant::now() - t0, 3 * SECOND);
}

#[tokio::test(start_paused = true)]
async fn a_hold_that_comes_while_waiting_moves_the_start() {
    let p = Arc::new(paced("24", &[Class::Conversations]));
    let t0 = Instant::now();
    slot(&p, SECOND).await.unwrap();
    slot(&p, SECOND).await.unwrap();
    let waiting = {
        let p = p.clone();
        tokio::spawn(async move { slot(&p, Duration::from_secs(60)).await.map(|_| Instant::now() - t0) })
    };
    tokio::task::yield_now().await; // it reserved t0 + 1 s
    hold(&p, &rate_limited(Some(5_000)));
    assert_eq!(waiting.await.unwrap().unwrap(), 5 * SECOND);
    // One that could wait only until t0 + 2 s fails when it learns of the hold.
    let q = Arc::new(paced("25", &[Class::Conversations]));
    slot(&q, SECOND).await.unwrap();
    slot(&q, SECOND).await.unwrap();
    let bounded = {
        let q = q.clone();
        tokio::spawn(async move { slot(&q, 2 * SECOND).await })
    };
    tokio::task::yield_now().await;
    hold(&q, &rate_limited(Some(10_000)));
    let e = bounded.await.unwrap().unwrap_err();
    assert_eq!(e.code(), ErrorCode::RateLimited);
}

#[tokio::test(start_paused = true)]
async fn turns_keep_call_order_and_a_gone_turn_still_waits_for_the_one_before() {
    let (a_key, recipient) = (key("30"), "id:1".to_string());
    let a = Turn::take(a_key.clone(), recipient.clone());
    let mut b = Turn::take(a_key.clone(), recipient.clone());
    let mut c = Turn::take(a_key.clone(), recipient.clone());
    // Another recipient does not wait.
    let mut other = Turn::take(a_key.clone(), "id:2".into());
    other.wait(Duration::ZERO).await.unwrap();
    // b may not wait: it gives up at once, with nothing sent and no wait to tell.
    let e = b.wait(Duration::ZERO).await.unwrap_err();
    assert_eq!((e.code(), e.retry_after_ms()), (ErrorCode::RateLimited, None));
    drop(b);
    // c still waits for a, which has not settled.
    let t0 = Instant::now();
    let c_waits = tokio::spawn(async move {
        c.wait(Duration::from_secs(60)).await.unwrap();
        Instant::now() - t0
    });
    tokio::time::sleep(2 * SECOND).await;
    drop(a);
    assert_eq!(c_waits.await.unwrap(), 2 * SECOND);
    // Settled turns leave nothing to wait for.
    let mut d = Turn::take(a_key, recipient);
    d.wait(Duration::ZERO).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_turn_waits_at_most_its_bound() {
    let k = key("31");
    let _a = Turn::take(k.clone(), "comment:9".into());
    let mut b = Turn::take(k, "comment:9".into());
    let t0 = Instant::now();
    assert!(b.wait(Duration::from_millis(1500)).await.is_err());
    assert_eq!(Instant::now() - t0, Duration::from_millis(1500));
}
