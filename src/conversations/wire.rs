//! Meta's answers of the conversations API, read loosely (every field that may be absent is
//! optional) and turned into the public shapes; a missing id or time is `BAD_RESPONSE`.

use serde::Deserialize;

use super::{AttachmentKind, Conversation, ConversationAttachment, ConversationMessage, Direction, Participant};
use crate::error::Error;
use crate::graph::{id_string, opt_id_string};
use crate::time::TimeInput;

/// `{"data": [...], "paging": {...}}`: `data` is required (an answer without it is not a list).
#[derive(Deserialize)]
pub(super) struct WirePage<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub paging: Option<WirePaging>,
}

#[derive(Deserialize, Default)]
pub(super) struct WirePaging {
    #[serde(default)]
    pub cursors: Option<WireCursors>,
    /// Only whether it is there counts: the URL itself is never followed.
    #[serde(default)]
    pub next: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
pub(super) struct WireCursors {
    #[serde(default)]
    pub after: Option<String>,
}

/// `{"data": [...]}` inside a node (participants, `to`, attachments, shares).
#[derive(Deserialize)]
pub(super) struct WireList<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
}

#[derive(Deserialize)]
pub(super) struct WireConversation {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub updated_time: Option<serde_json::Value>,
    #[serde(default)]
    pub participants: Option<WireList<WirePerson>>,
}

#[derive(Deserialize)]
pub(super) struct WirePerson {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}

/// `GET /{conversationId}?fields=messages.limit(n){…}`: `{"messages": {"data": [...]}, "id": …}`.
#[derive(Deserialize)]
pub(super) struct WireConversationMessages {
    #[serde(default)]
    pub messages: Option<WireList<WireMessage>>,
}

#[derive(Deserialize)]
pub(super) struct WireMessage {
    #[serde(default, deserialize_with = "opt_id_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub created_time: Option<serde_json::Value>,
    #[serde(default)]
    pub from: Option<WirePerson>,
    #[serde(default)]
    pub to: Option<WireList<WirePerson>>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub attachments: Option<WireList<WireAttachment>>,
    #[serde(default)]
    pub shares: Option<WireList<WireLink>>,
    #[serde(default)]
    pub story: Option<WireStory>,
}

#[derive(Deserialize)]
pub(super) struct WireAttachment {
    #[serde(default)]
    image_data: Option<WireUrl>,
    #[serde(default)]
    video_data: Option<WireUrl>,
    #[serde(default)]
    audio_data: Option<WireUrl>,
    #[serde(default)]
    file_url: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireUrl {
    #[serde(default)]
    url: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireLink {
    #[serde(default)]
    link: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WireStory {
    #[serde(default)]
    mention: Option<WireLink>,
    #[serde(default)]
    reply_to: Option<WireLink>,
}

fn bad(detail: impl Into<String>) -> Error {
    Error::bad_response(Some(200), detail)
}

/// A Graph time: `2026-11-30T10:00:00+0000` (Graph's own form), RFC 3339, or epoch seconds /
/// milliseconds as a number or a numeric string. `None` when it is none of these.
pub(super) fn graph_time(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(n) => TimeInput::Number(n.as_f64()?).to_epoch_ms("").ok(),
        serde_json::Value::String(s) => {
            let s = s.trim();
            TimeInput::Text(s.to_string()).to_epoch_ms("").ok().or_else(|| {
                ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%.f%z"]
                    .iter()
                    .find_map(|f| chrono::DateTime::parse_from_str(s, f).ok())
                    .map(|t| t.timestamp_millis())
            })
        }
        _ => None,
    }
}

/// The non-empty string, or `None`.
fn present(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

impl WireConversation {
    pub(super) fn into_conversation(self) -> Result<Conversation, Error> {
        if self.id.is_empty() {
            return Err(bad("a conversation without an id"));
        }
        let updated_at = match self.updated_time.as_ref().filter(|v| !v.is_null()) {
            None => None,
            Some(v) => Some(graph_time(v).ok_or_else(|| bad("a conversation's updated_time is not a time"))?),
        };
        let participants = self.participants.map(|list| {
            list.data
                .into_iter()
                .filter_map(|p| Some(Participant { id: present(p.id)?, username: present(p.username) }))
                .collect()
        });
        Ok(Conversation { id: self.id, updated_at, participants })
    }
}

impl WireMessage {
    /// Lists the message without its details (the field expansion was not honoured)?
    pub(super) fn lacks_details(&self) -> bool {
        self.created_time.as_ref().is_none_or(serde_json::Value::is_null)
    }

    /// The public shape; `user` is the person of the `userId` form (sets `direction`).
    pub(super) fn into_message(self, user: Option<&str>) -> Result<ConversationMessage, Error> {
        let id = present(self.id).ok_or_else(|| bad("a message without an id"))?;
        let created =
            self.created_time.as_ref().filter(|v| !v.is_null()).ok_or_else(|| bad("a message without created_time"))?;
        let created_at = graph_time(created).ok_or_else(|| bad("a message's created_time is not a time"))?;
        let from = self.from.ok_or_else(|| bad("a message without its sender (from)"))?;
        let sender_id = present(from.id).ok_or_else(|| bad("a message without its sender's id"))?;
        let recipient_id = self.to.and_then(|to| to.data.into_iter().find_map(|p| present(p.id)));
        let mut attachments: Vec<ConversationAttachment> = self
            .attachments
            .map(|a| a.data.into_iter().map(WireAttachment::into_attachment).collect())
            .unwrap_or_default();
        for share in self.shares.map(|s| s.data).unwrap_or_default() {
            attachments.push(ConversationAttachment { kind: AttachmentKind::Share, url: present(share.link) });
        }
        if let Some(story) = self.story {
            if let Some(link) = story.mention.or(story.reply_to) {
                attachments.push(ConversationAttachment { kind: AttachmentKind::Story, url: present(link.link) });
            }
        }
        let direction = user.map(|u| if u == sender_id { Direction::Incoming } else { Direction::Outgoing });
        Ok(ConversationMessage {
            id,
            created_at,
            sender_username: present(from.username),
            sender_id,
            recipient_id,
            direction,
            text: present(self.message),
            attachments: (!attachments.is_empty()).then_some(attachments),
        })
    }
}

impl WireAttachment {
    fn into_attachment(self) -> ConversationAttachment {
        let (kind, url) = if let Some(d) = self.image_data {
            (AttachmentKind::Image, d.url)
        } else if let Some(d) = self.video_data {
            (AttachmentKind::Video, d.url)
        } else if let Some(d) = self.audio_data {
            (AttachmentKind::Audio, d.url)
        } else if let Some(url) = self.file_url {
            (AttachmentKind::File, Some(url))
        } else {
            (AttachmentKind::Unknown, None)
        };
        ConversationAttachment { kind, url: present(url) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn times_in_every_form_meta_uses() {
        let ms = 1_796_032_800_000; // 2026-11-30T10:00:00Z
        for v in [
            json!("2026-11-30T10:00:00+0000"),
            json!("2026-11-30T11:00:00+0100"),
            json!("2026-11-30T10:00:00.000+0000"),
            json!("2026-11-30T10:00:00Z"),
            json!(1_796_032_800),
            json!("1796032800"),
            json!(ms),
            json!("1796032800000"),
        ] {
            assert_eq!(graph_time(&v), Some(ms), "{v}");
        }
        for v in [json!("yesterday"), json!(-5), json!(true), json!({}), json!("2026-13-30T10:00:00+0000")] {
            assert_eq!(graph_time(&v), None, "{v}");
        }
    }

    fn message(v: serde_json::Value) -> WireMessage {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn attachments_map_by_their_data_field() {
        let m = message(json!({
            "id": "m1", "created_time": "2026-11-30T10:00:00+0000", "from": { "id": "7", "username": "ana" },
            "to": { "data": [{ "id": "9" }] }, "message": "",
            "attachments": { "data": [
                { "image_data": { "url": "https://i" } }, { "video_data": { "url": "https://v" } },
                { "audio_data": { "url": "https://a" } }, { "file_url": "https://f" }, { "sticker": "x" }
            ] },
            "shares": { "data": [{ "link": "https://s" }] },
            "story": { "reply_to": { "link": "https://st", "id": "1" } }
        }))
        .into_message(Some("7"))
        .unwrap();
        let got: Vec<_> = m.attachments.unwrap().into_iter().map(|a| (a.kind, a.url)).collect();
        use AttachmentKind::*;
        let url = |s: &str| Some(s.to_string());
        assert_eq!(
            got,
            vec![
                (Image, url("https://i")),
                (Video, url("https://v")),
                (Audio, url("https://a")),
                (File, url("https://f")),
                (Unknown, None),
                (Share, url("https://s")),
                (Story, url("https://st")),
            ]
        );
        assert_eq!((m.text, m.direction, m.recipient_id.as_deref()), (None, Some(Direction::Incoming), Some("9")));
    }

    #[test]
    fn missing_ids_and_times_are_bad_responses() {
        let base = json!({ "id": "m1", "created_time": 1, "from": { "id": "7" } });
        assert!(message(base.clone()).into_message(None).is_ok());
        for key in ["id", "created_time", "from"] {
            let mut v = base.clone();
            v.as_object_mut().unwrap().remove(key);
            let e = message(v).into_message(None).unwrap_err();
            assert_eq!(e.code(), ErrorCode::BadResponse, "{key}");
        }
        let c: WireConversation = serde_json::from_value(json!({ "id": "c", "updated_time": "soon" })).unwrap();
        assert_eq!(c.into_conversation().unwrap_err().code(), ErrorCode::BadResponse);
        let c: WireConversation = serde_json::from_value(json!({ "id": "c", "updated_time": null })).unwrap();
        assert_eq!(c.into_conversation().unwrap().updated_at, None);
    }
}
