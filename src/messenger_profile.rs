//! Greeting and menu (docs/API-beyond-dms.md, "Greeting and menu"): the ice breakers (up to
//! four questions a person can tap to start a conversation) and the persistent menu of the
//! account, on Meta's Messenger Profile API for Instagram (`{accountId}/messenger_profile`,
//! always with `platform=instagram`).
//!
//! A set replaces the whole property (every locale); clearing it is a delete. All six calls
//! are idempotent: retried like the account calls (a bare 5xx too).
//!
//! Decisions where the contract is open:
//! - Meta's answer to a set or a delete is `{"result": "success"}` on Messenger's reference and
//!   *unconfirmed* for Instagram; `{"success": true}` is accepted too. `{"success": false}` or
//!   another `result` is `GRAPH_ERROR` without a Graph code; anything else `BAD_RESPONSE`.
//! - A read accepts the forms Meta has documented: `{"data": [{locale, call_to_actions}]}`, the
//!   older ice breakers without locales (`{"data": [{question, payload}]}`, one `"default"`
//!   locale), and either wrapped in the field's name (`{"data": [{"ice_breakers": […]}]}`).
//!   No `data` (absent, `null` or `[]`) is `[]`. A menu item other than `postback`/`web_url`,
//!   or a locale without `call_to_actions`, is `BAD_RESPONSE`.
//! - A question must not be empty; its length is not documented by Meta and not checked.

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Error;
use crate::graph::{self, account_id, auth_request, Auth, CallOptions, Idempotence, SuccessAnswer};
use crate::messaging::check::{chars, list};
use crate::messaging::model::Button;
use crate::messaging::wire::WireButton;
use crate::messaging::{button_titled, MAX_PAYLOAD_CHARS};

/// Most ice-breaker questions per locale.
pub const MAX_QUESTIONS: usize = 4;
/// Most persistent-menu items per locale.
pub const MAX_MENU_ITEMS: usize = 20;
/// Most characters in a persistent-menu item's title.
pub const MAX_MENU_TITLE_CHARS: usize = 30;
/// The locale every property must have once: what a person whose locale is not listed sees.
pub const DEFAULT_LOCALE: &str = "default";

auth_request! {
    /// The request of `getIceBreakers`, `deleteIceBreakers`, `getPersistentMenu` and
    /// `deletePersistentMenu` (`AccountFields`).
    pub struct MessengerProfileRequest {
        /// `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login).
        pub account_id: Option<String>,
    }
}

auth_request! {
    /// The request of `setIceBreakers`.
    pub struct SetIceBreakersRequest {
        /// `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login).
        pub account_id: Option<String>,
        /// The ice breakers of every locale (they replace all there are): exactly one `"default"`.
        #[serde(default)]
        pub ice_breakers: Vec<IceBreakers>,
    }
}

auth_request! {
    /// The request of `setPersistentMenu`.
    pub struct SetPersistentMenuRequest {
        /// `"me"` (default) or digits: the IG account id (instagram login) or page id (facebook login).
        pub account_id: Option<String>,
        /// The menu of every locale (it replaces the whole menu): exactly one `"default"`.
        #[serde(default)]
        pub persistent_menu: Vec<PersistentMenu>,
    }
}

/// The ice breakers of one locale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct IceBreakers {
    /// `"default"` or `ll_CC` (e.g. `"en_GB"`): who sees these questions.
    #[serde(default)]
    pub locale: String,
    /// 1–4 questions.
    #[serde(default)]
    pub questions: Vec<IceBreakerQuestion>,
}

/// One ice breaker: a tap sends `question` as the person's message and `payload` in a
/// `postback` webhook event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct IceBreakerQuestion {
    /// Not empty (Meta documents no maximum length).
    #[serde(default)]
    pub question: String,
    /// 1–1000 characters.
    #[serde(default)]
    pub payload: String,
}

/// The persistent menu of one locale.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", expecting = "an object")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct PersistentMenu {
    /// `"default"` or `ll_CC` (e.g. `"en_GB"`): who sees this menu.
    #[serde(default)]
    pub locale: String,
    /// 1–20 items.
    #[serde(default)]
    #[cfg_attr(test, ts(type = "MenuItem[]"))]
    pub items: Vec<Button>,
}

/// The result of a set or a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct MessengerProfileResult {
    /// Always `true`: a change that was not made rejects.
    #[cfg_attr(test, ts(type = "true"))]
    pub success: bool,
}

/// The two properties of the Messenger Profile this module manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    IceBreakers,
    PersistentMenu,
}

impl Field {
    /// Meta's name of the property.
    fn wire(self) -> &'static str {
        match self {
            Field::IceBreakers => "ice_breakers",
            Field::PersistentMenu => "persistent_menu",
        }
    }
}

/// One locale of a property, in Meta's form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
struct WireLocale<T> {
    locale: String,
    call_to_actions: Vec<T>,
}

/// An ice breaker in Meta's form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
struct WireQuestion {
    question: String,
    payload: String,
}

/// Meta's answer to a set or a delete.
#[derive(Deserialize)]
#[serde(untagged)]
enum WireDone {
    Success(SuccessAnswer),
    Result { result: String },
}

impl WireDone {
    fn done(self) -> Result<MessengerProfileResult, Error> {
        match self {
            WireDone::Success(answer) => answer.done()?,
            WireDone::Result { result } if result == "success" => {}
            WireDone::Result { .. } => {
                return Err(Error::Unsuccessful { detail: "a \"result\" other than \"success\"".into() })
            }
        }
        Ok(MessengerProfileResult { success: true })
    }
}

/// Meta's answer to a read: `{"data": [...]}`; no data is none.
#[derive(Deserialize)]
struct WireRead<T> {
    data: Option<Vec<T>>,
}

/// One `data` item of an ice-breaker read.
#[derive(Deserialize)]
#[serde(untagged)]
enum WireIceBreakersItem {
    Localized(WireLocale<WireQuestion>),
    /// The older form without locales: the question itself.
    Question(WireQuestion),
    /// Messenger's form: the items wrapped in the field's name.
    Wrapped {
        ice_breakers: Vec<WireIceBreakersItem>,
    },
}

/// One `data` item of a menu read.
#[derive(Deserialize)]
#[serde(untagged)]
enum WireMenuItem {
    Localized(WireLocale<WireButton>),
    /// Messenger's form: the locales wrapped in the field's name.
    Wrapped {
        persistent_menu: Vec<WireLocale<WireButton>>,
    },
}

/// `"default"` or `ll_CC`: two lowercase ASCII letters, `_`, two uppercase ASCII letters.
fn is_locale(locale: &str) -> bool {
    let b = locale.as_bytes();
    locale == DEFAULT_LOCALE
        || (b.len() == 5
            && b[..2].iter().all(u8::is_ascii_lowercase)
            && b[2] == b'_'
            && b[3..].iter().all(u8::is_ascii_uppercase))
}

/// The locales of a property (`field`), each checked by `each` (paths `field[i].…`): at least
/// one, each `"default"` or `ll_CC`, none twice, exactly one `"default"`.
fn localized<T, U>(
    field: &str,
    given: &[T],
    locale_of: impl Fn(&T) -> &str,
    each: impl Fn(&T) -> Result<Vec<U>, Error>,
) -> Result<Vec<WireLocale<U>>, Error> {
    if given.is_empty() {
        return Err(Error::invalid(field, "must have at least one locale (to clear it, use the delete function)"));
    }
    let mut out: Vec<WireLocale<U>> = Vec::with_capacity(given.len());
    for (i, item) in given.iter().enumerate() {
        let at = |e: Error| e.within(&format!("[{i}]")).within(field);
        let locale = locale_of(item);
        if !is_locale(locale) {
            return Err(at(Error::invalid("locale", "must be \"default\" or ll_CC (e.g. \"en_GB\")")));
        }
        if let Some(j) = out.iter().position(|l| l.locale == locale) {
            return Err(at(Error::invalid("locale", format!("is given twice (also {field}[{j}])"))));
        }
        out.push(WireLocale { locale: locale.to_string(), call_to_actions: each(item).map_err(at)? });
    }
    if !out.iter().any(|l| l.locale == DEFAULT_LOCALE) {
        return Err(Error::invalid(field, "must have one \"default\" locale (what everyone else sees)"));
    }
    Ok(out)
}

/// The checked ice breakers in Meta's form.
fn ice_breakers_to_wire(given: &[IceBreakers]) -> Result<Vec<WireLocale<WireQuestion>>, Error> {
    localized(
        "iceBreakers",
        given,
        |l| &l.locale,
        |l| {
            list("questions", &l.questions, MAX_QUESTIONS, "questions", |q| {
                if q.question.is_empty() {
                    return Err(Error::invalid("question", "must not be empty"));
                }
                Ok(WireQuestion {
                    question: q.question.clone(),
                    payload: chars("payload", &q.payload, MAX_PAYLOAD_CHARS)?,
                })
            })
        },
    )
}

/// The checked menu in Meta's form.
fn menu_to_wire(given: &[PersistentMenu]) -> Result<Vec<WireLocale<WireButton>>, Error> {
    localized(
        "persistentMenu",
        given,
        |l| &l.locale,
        |l| list("items", &l.items, MAX_MENU_ITEMS, "items", |b| button_titled(b, MAX_MENU_TITLE_CHARS)),
    )
}

/// The ice breakers of a read, in every form Meta has sent them.
fn ice_breakers_of(data: Vec<WireIceBreakersItem>) -> Result<Vec<IceBreakers>, Error> {
    fn flatten(items: Vec<WireIceBreakersItem>, locales: &mut Vec<IceBreakers>, older: &mut Vec<IceBreakerQuestion>) {
        for item in items {
            match item {
                WireIceBreakersItem::Localized(l) => locales.push(IceBreakers {
                    locale: l.locale,
                    questions: l.call_to_actions.into_iter().map(question_of).collect(),
                }),
                WireIceBreakersItem::Question(q) => older.push(question_of(q)),
                WireIceBreakersItem::Wrapped { ice_breakers } => flatten(ice_breakers, locales, older),
            }
        }
    }
    let (mut locales, mut older) = (Vec::new(), Vec::new());
    flatten(data, &mut locales, &mut older);
    match (locales.is_empty(), older.is_empty()) {
        (_, true) => Ok(locales),
        (true, false) => Ok(vec![IceBreakers { locale: DEFAULT_LOCALE.into(), questions: older }]),
        (false, false) => Err(Error::bad_response(Some(200), "ice breakers with and without locales in one answer")),
    }
}

fn question_of(q: WireQuestion) -> IceBreakerQuestion {
    IceBreakerQuestion { question: q.question, payload: q.payload }
}

/// The menu of a read, in every form Meta has sent it.
fn menu_of(data: Vec<WireMenuItem>) -> Vec<PersistentMenu> {
    let locales = data.into_iter().flat_map(|item| match item {
        WireMenuItem::Localized(l) => vec![l],
        WireMenuItem::Wrapped { persistent_menu } => persistent_menu,
    });
    locales
        .map(|l| PersistentMenu { locale: l.locale, items: l.call_to_actions.into_iter().map(item_of).collect() })
        .collect()
}

fn item_of(b: WireButton) -> Button {
    match b {
        WireButton::Postback { title, payload } => {
            Button { type_: "postback".into(), title, url: None, payload: Some(payload) }
        }
        WireButton::WebUrl { url, title } => Button { type_: "web_url".into(), title, url: Some(url), payload: None },
    }
}

/// `POST` (a set, with its body) or `DELETE` (with `{"fields": [field]}`) on
/// `{base}/{v}/{accountId}/messenger_profile?platform=instagram`.
async fn change(
    auth: &Auth<'_>,
    opts: &CallOptions,
    account: &str,
    method: reqwest::Method,
    body: serde_json::Value,
) -> Result<MessengerProfileResult, Error> {
    let request = auth.request(
        opts,
        method,
        &[account, "messenger_profile"],
        &[("platform", "instagram")],
        Some(body.to_string().into_bytes()),
        Idempotence::Repeatable,
    );
    graph::execute::<WireDone>(&request, opts).await?.body.done()
}

/// `GET {base}/{v}/{accountId}/messenger_profile?platform=instagram&fields={field}`.
async fn read<T: serde::de::DeserializeOwned>(
    req: &MessengerProfileRequest,
    opts: &CallOptions,
    field: Field,
) -> Result<Vec<T>, Error> {
    let auth = Auth::check(req)?;
    let account = account_id(req.account_id.as_deref())?;
    let request = auth.request(
        opts,
        reqwest::Method::GET,
        &[account, "messenger_profile"],
        &[("platform", "instagram"), ("fields", field.wire())],
        None,
        Idempotence::Repeatable,
    );
    Ok(graph::execute::<WireRead<T>>(&request, opts).await?.body.data.unwrap_or_default())
}

/// `DELETE …/messenger_profile?platform=instagram` with `{"fields": [field]}`.
async fn delete(
    req: &MessengerProfileRequest,
    opts: &CallOptions,
    field: Field,
) -> Result<MessengerProfileResult, Error> {
    let auth = Auth::check(req)?;
    let account = account_id(req.account_id.as_deref())?;
    change(&auth, opts, account, reqwest::Method::DELETE, json!({ "fields": [field.wire()] })).await
}

/// `setIceBreakers`: checks every locale, then `POST …/messenger_profile?platform=instagram`
/// with `{"platform": "instagram", "ice_breakers": [...]}`.
pub async fn set_ice_breakers(
    req: &SetIceBreakersRequest,
    opts: &CallOptions,
) -> Result<MessengerProfileResult, Error> {
    let auth = Auth::check(req)?;
    let account = account_id(req.account_id.as_deref())?;
    let body = json!({ "platform": "instagram", "ice_breakers": ice_breakers_to_wire(&req.ice_breakers)? });
    change(&auth, opts, account, reqwest::Method::POST, body).await
}

/// `getIceBreakers`: every locale's questions; none set is `[]`.
pub async fn get_ice_breakers(req: &MessengerProfileRequest, opts: &CallOptions) -> Result<Vec<IceBreakers>, Error> {
    ice_breakers_of(read(req, opts, Field::IceBreakers).await?)
}

/// `deleteIceBreakers`: removes the ice breakers of every locale.
pub async fn delete_ice_breakers(
    req: &MessengerProfileRequest,
    opts: &CallOptions,
) -> Result<MessengerProfileResult, Error> {
    delete(req, opts, Field::IceBreakers).await
}

/// `setPersistentMenu`: checks every locale, then `POST …/messenger_profile?platform=instagram`
/// with `{"platform": "instagram", "persistent_menu": [...]}`.
pub async fn set_persistent_menu(
    req: &SetPersistentMenuRequest,
    opts: &CallOptions,
) -> Result<MessengerProfileResult, Error> {
    let auth = Auth::check(req)?;
    let account = account_id(req.account_id.as_deref())?;
    let body = json!({ "platform": "instagram", "persistent_menu": menu_to_wire(&req.persistent_menu)? });
    change(&auth, opts, account, reqwest::Method::POST, body).await
}

/// `getPersistentMenu`: every locale's menu; none set is `[]`.
pub async fn get_persistent_menu(
    req: &MessengerProfileRequest,
    opts: &CallOptions,
) -> Result<Vec<PersistentMenu>, Error> {
    Ok(menu_of(read(req, opts, Field::PersistentMenu).await?))
}

/// `deletePersistentMenu`: removes the menu of every locale.
pub async fn delete_persistent_menu(
    req: &MessengerProfileRequest,
    opts: &CallOptions,
) -> Result<MessengerProfileResult, Error> {
    delete(req, opts, Field::PersistentMenu).await
}

#[cfg(test)]
mod tests;
