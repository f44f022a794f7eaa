//! Which sends Meta allows now (docs/API-beyond-dms.md, "Which sends are allowed now"): a pure
//! function of the person's last message, the comment's time, a clock and a safety margin.
//! `sendMessage` does not call it (a stale time would refuse sends Meta accepts).

use serde::Deserialize;

use crate::error::Error;
use crate::time::{optional_ms, TimeInput, MAX_TIME_MS};

const HOUR_MS: i64 = 60 * 60 * 1000;
/// The standard messaging window after the person's last message.
pub const STANDARD_WINDOW_MS: i64 = 24 * HOUR_MS;
/// The `HUMAN_AGENT` window after the person's last message, and the private-reply window
/// after a comment.
pub const SEVEN_DAYS_MS: i64 = 7 * 24 * HOUR_MS;
/// The default safety margin: one minute.
pub const DEFAULT_SAFETY_MARGIN_MS: i64 = 60_000;

/// The request of `messagingWindow`. Times are epoch ms, epoch seconds (below 10^11) or RFC 3339;
/// absent, `null` or `''` is unknown.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "MessagingWindowRequest"))]
pub struct WindowRequest {
    /// The person's last message or postback (what opens the window). Do not pass the time of a
    /// reaction or a read: whether they open it is unconfirmed.
    #[cfg_attr(test, ts(optional, type = "number | string | null"))]
    pub last_user_message_at: Option<TimeInput>,
    /// For a private reply: when the comment was made.
    #[cfg_attr(test, ts(optional, type = "number | string | null"))]
    pub comment_at: Option<TimeInput>,
}

/// The options of `messagingWindow`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "MessagingWindowOptions"))]
pub struct WindowOptions {
    /// Epoch milliseconds that replace the clock.
    pub now: Option<f64>,
    /// Shortens every window by this many milliseconds, so that a send decided just before
    /// the limit does not arrive after it. Default 60000; a whole number ≥ 0.
    pub safety_margin_ms: Option<f64>,
}

/// Which kind of send is allowed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
#[cfg_attr(test, ts(rename = "MessagingAllowed"))]
pub enum Allowed {
    /// Any `messagingType`: within 24 h of the person's last message.
    Standard,
    /// Only `messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT'`, for a text a person wrote
    /// (apps Meta granted the Human Agent feature): within 7 days.
    HumanAgent,
    /// No send (the person must write first), or the last message time is unknown.
    None,
}

/// The answer of `messagingWindow`. Times are epoch ms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct MessagingWindow {
    pub allowed: Allowed,
    /// `lastUserMessageAt` + 24 h − margin; absent when that time is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_until: Option<i64>,
    /// `lastUserMessageAt` + 7 days − margin; absent when that time is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_agent_until: Option<i64>,
    /// Present when `commentAt` is known: whether the 7-day rule allows a private reply now.
    /// One private reply per comment is Meta's rule too, which this helper cannot know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_reply: Option<bool>,
    /// `commentAt` + 7 days − margin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_reply_until: Option<i64>,
}

/// The checked options: the clock and the margin, in epoch ms and ms.
fn clock_and_margin(opts: &WindowOptions) -> Result<(i64, i64), Error> {
    let in_range = |x: f64| x.is_finite() && (0.0..=MAX_TIME_MS as f64).contains(&x);
    let now = match opts.now {
        None => crate::time::now_ms(),
        Some(n) if in_range(n) => n.round() as i64,
        Some(_) => return Err(Error::invalid("options.now", "must be epoch milliseconds")),
    };
    let margin = match opts.safety_margin_ms {
        None => DEFAULT_SAFETY_MARGIN_MS,
        Some(m) if in_range(m) && m.fract() == 0.0 => m as i64,
        Some(_) => return Err(Error::invalid("options.safetyMarginMs", "must be a whole number of milliseconds ≥ 0")),
    };
    Ok((now, margin))
}

/// The decision. A time later than `now` counts as `now` (clock skew).
pub fn messaging_window(req: &WindowRequest, opts: &WindowOptions) -> Result<MessagingWindow, Error> {
    let (now, margin) = clock_and_margin(opts)?;
    let last = optional_ms(req.last_user_message_at.as_ref(), "lastUserMessageAt")?.map(|t| t.min(now));
    let comment = optional_ms(req.comment_at.as_ref(), "commentAt")?.map(|t| t.min(now));
    let until = |t: i64, window: i64| t + window - margin;
    let standard_until = last.map(|t| until(t, STANDARD_WINDOW_MS));
    let human_agent_until = last.map(|t| until(t, SEVEN_DAYS_MS));
    let allowed = match (standard_until, human_agent_until) {
        (Some(s), _) if now < s => Allowed::Standard,
        (_, Some(h)) if now < h => Allowed::HumanAgent,
        _ => Allowed::None,
    };
    let private_reply_until = comment.map(|t| until(t, SEVEN_DAYS_MS));
    Ok(MessagingWindow {
        allowed,
        standard_until,
        human_agent_until,
        private_reply: private_reply_until.map(|u| now < u),
        private_reply_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_867_200_000; // 2026-11-28T12:00:00Z

    fn at(last: Option<i64>, comment: Option<Option<i64>>, margin: Option<f64>) -> MessagingWindow {
        let req = WindowRequest {
            last_user_message_at: last.map(|t| TimeInput::Number(t as f64)),
            comment_at: comment.map(|c| match c {
                Some(t) => TimeInput::Number(t as f64),
                None => TimeInput::Text(String::new()),
            }),
        };
        messaging_window(&req, &WindowOptions { now: Some(NOW as f64), safety_margin_ms: margin }).unwrap()
    }

    #[test]
    fn the_three_answers_and_their_edges() {
        let w = at(Some(NOW - HOUR_MS), None, None);
        assert_eq!(w.allowed, Allowed::Standard);
        assert_eq!(w.standard_until, Some(NOW - HOUR_MS + STANDARD_WINDOW_MS - 60_000));
        assert_eq!(w.human_agent_until, Some(NOW - HOUR_MS + SEVEN_DAYS_MS - 60_000));
        assert_eq!(w.private_reply, None);
        // The margin: 23 h 59 min 30 s ago is already past the standard window.
        assert_eq!(at(Some(NOW - STANDARD_WINDOW_MS + 30_000), None, None).allowed, Allowed::HumanAgent);
        assert_eq!(at(Some(NOW - STANDARD_WINDOW_MS + 30_000), None, Some(0.0)).allowed, Allowed::Standard);
        assert_eq!(at(Some(NOW - STANDARD_WINDOW_MS), None, Some(0.0)).allowed, Allowed::HumanAgent);
        assert_eq!(at(Some(NOW - SEVEN_DAYS_MS), None, Some(0.0)).allowed, Allowed::None);
        let unknown = at(None, None, None);
        assert_eq!((unknown.allowed, unknown.standard_until, unknown.human_agent_until), (Allowed::None, None, None));
    }

    #[test]
    fn future_times_count_as_now_and_private_replies_have_seven_days() {
        let w = at(Some(NOW + 10 * HOUR_MS), Some(Some(NOW + HOUR_MS)), Some(0.0));
        assert_eq!(w.standard_until, Some(NOW + STANDARD_WINDOW_MS));
        assert_eq!(w.private_reply_until, Some(NOW + SEVEN_DAYS_MS));
        assert_eq!(w.private_reply, Some(true));
        assert_eq!(at(None, Some(Some(NOW - SEVEN_DAYS_MS)), Some(0.0)).private_reply, Some(false));
        let unknown = at(None, Some(None), None);
        assert_eq!((unknown.private_reply, unknown.private_reply_until), (None, None));
    }

    #[test]
    fn bad_times_and_options_are_named() {
        let req = WindowRequest { last_user_message_at: Some(TimeInput::Number(f64::NAN)), comment_at: None };
        let e = messaging_window(&req, &WindowOptions::default()).unwrap_err();
        assert!(e.to_string().starts_with("lastUserMessageAt:"), "{e}");
        let req = WindowRequest { last_user_message_at: None, comment_at: Some(TimeInput::Text("soon".into())) };
        assert!(messaging_window(&req, &WindowOptions::default()).unwrap_err().to_string().starts_with("commentAt:"));
        for margin in [-1.0, 1.5, f64::INFINITY] {
            let opts = WindowOptions { now: None, safety_margin_ms: Some(margin) };
            let e = messaging_window(&WindowRequest::default(), &opts).unwrap_err();
            assert!(e.to_string().starts_with("options.safetyMarginMs:"), "{e}");
        }
        let opts = WindowOptions { now: Some(f64::NAN), safety_margin_ms: None };
        assert!(messaging_window(&WindowRequest::default(), &opts)
            .unwrap_err()
            .to_string()
            .starts_with("options.now:"));
    }
}
