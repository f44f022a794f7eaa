//! Checking a message's content and building its wire form. Field paths here are relative to
//! `message`; [`prepare`](super::prepare) adds the prefix.

use crate::error::Error;

use super::check::{bytes, chars, http_url, list};
use super::model::{AttachmentInput, Button, ButtonTemplate, GenericTemplate, OutgoingMessage};
use super::model::{QuickReply, TemplateElement};
use super::wire::{
    DefaultAction, MediaSharePayload, MediaSource, QuickReplyContent, TemplatePayload, WireAttachment, WireButton,
    WireElement, WireMessage, WireQuickReply,
};

/// Most UTF-8 bytes in `message.text`.
pub const MAX_TEXT_BYTES: usize = 1000;
/// Most quick replies under one text.
pub const MAX_QUICK_REPLIES: usize = 13;
/// Most characters in a quick reply or button title.
pub const MAX_BUTTON_TITLE_CHARS: usize = 20;
/// Most characters in a quick reply or postback payload.
pub const MAX_PAYLOAD_CHARS: usize = 1000;
/// Most images in one `images` message.
pub const MAX_IMAGES: usize = 10;
/// Most cards in a generic template.
pub const MAX_ELEMENTS: usize = 10;
/// Most characters in a card's title or subtitle.
pub const MAX_ELEMENT_TEXT_CHARS: usize = 80;
/// Most buttons on a card or a button template.
pub const MAX_BUTTONS: usize = 3;
/// Most characters in a button template's text.
pub const MAX_BUTTON_TEMPLATE_TEXT_CHARS: usize = 640;

const KINDS: &str = "text, attachment, images, sticker, mediaShare, genericTemplate or buttonTemplate";

/// Exactly one content kind, checked and converted.
pub(super) fn message(m: &OutgoingMessage) -> Result<WireMessage, Error> {
    if m.quick_replies.is_some() && m.text.is_none() {
        return Err(Error::invalid("quickReplies", "only allowed with text"));
    }
    let given: Vec<&str> = [
        ("text", m.text.is_some()),
        ("attachment", m.attachment.is_some()),
        ("images", m.images.is_some()),
        ("sticker", m.sticker.is_some()),
        ("mediaShare", m.media_share.is_some()),
        ("genericTemplate", m.generic_template.is_some()),
        ("buttonTemplate", m.button_template.is_some()),
    ]
    .into_iter()
    .filter_map(|(name, present)| present.then_some(name))
    .collect();
    if given.len() > 1 {
        return Err(Error::invalid("", format!("must have exactly one of {KINDS} (got {})", given.join(" and "))));
    }

    if let Some(text) = &m.text {
        text_message(text, m.quick_replies.as_deref())
    } else if let Some(a) = &m.attachment {
        let attachment = attachment(a).map_err(|e| e.within("attachment"))?;
        Ok(WireMessage::Attachment { attachment })
    } else if let Some(urls) = &m.images {
        images(urls)
    } else if let Some(sticker) = &m.sticker {
        if sticker != "like_heart" {
            return Err(Error::invalid("sticker", "must be like_heart"));
        }
        Ok(WireMessage::Attachment { attachment: WireAttachment::LikeHeart })
    } else if let Some(share) = &m.media_share {
        if share.post_id.is_empty() {
            return Err(Error::invalid("mediaShare.postId", "is required"));
        }
        Ok(WireMessage::Attachment {
            attachment: WireAttachment::MediaShare(MediaSharePayload { id: share.post_id.clone() }),
        })
    } else if let Some(t) = &m.generic_template {
        template(generic(t).map_err(|e| e.within("genericTemplate"))?)
    } else if let Some(t) = &m.button_template {
        template(button_template(t).map_err(|e| e.within("buttonTemplate"))?)
    } else {
        Err(Error::invalid("", format!("must have one of {KINDS}")))
    }
}

fn text_message(text: &str, quick_replies: Option<&[QuickReply]>) -> Result<WireMessage, Error> {
    let text = bytes("text", text, MAX_TEXT_BYTES)?;
    let quick_replies = match quick_replies {
        None => None,
        Some(qrs) => Some(list("quickReplies", qrs, MAX_QUICK_REPLIES, "quick replies", quick_reply)?),
    };
    Ok(WireMessage::Text { text, quick_replies })
}

fn quick_reply(q: &QuickReply) -> Result<WireQuickReply, Error> {
    Ok(WireQuickReply {
        content_type: QuickReplyContent::Text,
        title: chars("title", &q.title, MAX_BUTTON_TITLE_CHARS)?,
        payload: chars("payload", &q.payload, MAX_PAYLOAD_CHARS)?,
    })
}

/// `{type, url}` or `{type, attachmentId}`.
fn attachment(a: &AttachmentInput) -> Result<WireAttachment, Error> {
    let kind: fn(MediaSource) -> WireAttachment = match a.type_.as_str() {
        "image" => WireAttachment::Image,
        "audio" => WireAttachment::Audio,
        "video" => WireAttachment::Video,
        "file" => WireAttachment::File,
        _ => return Err(Error::invalid("type", "must be image, audio, video or file")),
    };
    let source = match (&a.url, &a.attachment_id) {
        (Some(url), None) => MediaSource::Url(http_url("url", url)?),
        (None, Some(id)) if id.is_empty() => return Err(Error::invalid("attachmentId", "must not be empty")),
        (None, Some(id)) => MediaSource::AttachmentId(id.clone()),
        (Some(_), Some(_)) => return Err(Error::invalid("", "must have exactly one of url or attachmentId, not both")),
        (None, None) => return Err(Error::invalid("", "must have url or attachmentId")),
    };
    Ok(kind(source))
}

/// One image is sent as Meta's single `attachment`; two to ten as `attachments`.
fn images(urls: &[String]) -> Result<WireMessage, Error> {
    let attachments = list("images", urls, MAX_IMAGES, "images", |url| {
        http_url("", url).map(|u| WireAttachment::Image(MediaSource::Url(u)))
    })?;
    Ok(match <[WireAttachment; 1]>::try_from(attachments) {
        Ok([attachment]) => WireMessage::Attachment { attachment },
        Err(attachments) => WireMessage::Attachments { attachments },
    })
}

fn template(payload: TemplatePayload) -> Result<WireMessage, Error> {
    Ok(WireMessage::Attachment { attachment: WireAttachment::Template(payload) })
}

fn generic(t: &GenericTemplate) -> Result<TemplatePayload, Error> {
    let elements = list("elements", &t.elements, MAX_ELEMENTS, "elements", element)?;
    Ok(TemplatePayload::Generic { elements })
}

fn element(e: &TemplateElement) -> Result<WireElement, Error> {
    let title = chars("title", &e.title, MAX_ELEMENT_TEXT_CHARS)?;
    let subtitle = match &e.subtitle {
        None => None,
        Some(s) => Some(chars("subtitle", s, MAX_ELEMENT_TEXT_CHARS)?),
    };
    let image_url = match &e.image_url {
        None => None,
        Some(u) => Some(http_url("imageUrl", u)?),
    };
    let default_action = match &e.default_action_url {
        None => None,
        Some(u) => Some(DefaultAction::WebUrl { url: http_url("defaultActionUrl", u)? }),
    };
    let buttons = match &e.buttons {
        None => None,
        Some(b) => Some(list("buttons", b, MAX_BUTTONS, "buttons", button)?),
    };
    Ok(WireElement { title, subtitle, image_url, default_action, buttons })
}

fn button_template(t: &ButtonTemplate) -> Result<TemplatePayload, Error> {
    Ok(TemplatePayload::Button {
        text: chars("text", &t.text, MAX_BUTTON_TEMPLATE_TEXT_CHARS)?,
        buttons: list("buttons", &t.buttons, MAX_BUTTONS, "buttons", button)?,
    })
}

/// A template button: [`button_titled`] with titles of 1–20 characters.
fn button(b: &Button) -> Result<WireButton, Error> {
    button_titled(b, MAX_BUTTON_TITLE_CHARS)
}

/// `web_url` needs `url` and has no `payload`; `postback` the other way round; the title has
/// 1–`max_title` characters (a template button 20, a persistent-menu item 30).
pub(crate) fn button_titled(b: &Button, max_title: usize) -> Result<WireButton, Error> {
    match b.type_.as_str() {
        "web_url" => {
            if b.payload.is_some() {
                return Err(Error::invalid("payload", "only allowed on postback buttons"));
            }
            let title = chars("title", &b.title, max_title)?;
            let url = match &b.url {
                None => return Err(Error::invalid("url", "is required on web_url buttons")),
                Some(u) => http_url("url", u)?,
            };
            Ok(WireButton::WebUrl { url, title })
        }
        "postback" => {
            if b.url.is_some() {
                return Err(Error::invalid("url", "only allowed on web_url buttons"));
            }
            let title = chars("title", &b.title, max_title)?;
            let payload = match &b.payload {
                None => return Err(Error::invalid("payload", "is required on postback buttons")),
                Some(p) => chars("payload", p, MAX_PAYLOAD_CHARS)?,
            };
            Ok(WireButton::Postback { title, payload })
        }
        _ => Err(Error::invalid("type", "must be web_url or postback")),
    }
}
