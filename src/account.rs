//! Account discovery: which Instagram professional account(s) a token reaches.

use serde::Deserialize;
use url::Url;

use crate::error::Error;
use crate::graph::{self, id_string, opt_id_string, CallOptions, GraphRequest, Idempotence, LoginType};
use crate::secret::Secret;

/// Pages of `/me/accounts` followed at most (a page holds 25 by default).
const MAX_PAGES: usize = 100;

/// The request of `getAccount`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
#[cfg_attr(test, ts(rename = "GetAccountRequest"))]
pub struct AccountRequest {
    pub access_token: Secret,
    /// Default: `'facebook'` for a token starting `EAA`, else `'instagram'`.
    pub login_type: Option<LoginType>,
}

/// An Instagram professional account reachable with a token.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct InstagramAccount {
    /// The IG professional account id (`user_id`): the id webhooks carry in `entry[].id`
    /// and the `accountId` for sending. Always a string.
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `BUSINESS` or `MEDIA_CREATOR` (Instagram login).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// The linked Facebook page (Facebook login).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_name: Option<String>,
}

#[derive(Deserialize)]
struct WireMe {
    #[serde(deserialize_with = "id_string")]
    user_id: String,
    username: Option<String>,
    name: Option<String>,
    account_type: Option<String>,
}

#[derive(Deserialize)]
struct WirePages {
    data: Vec<WirePage>,
    paging: Option<WirePaging>,
}

#[derive(Deserialize)]
struct WirePage {
    #[serde(deserialize_with = "id_string")]
    id: String,
    name: Option<String>,
    instagram_business_account: Option<WireIgAccount>,
}

#[derive(Deserialize)]
struct WireIgAccount {
    #[serde(deserialize_with = "id_string")]
    id: String,
    username: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct WirePaging {
    #[serde(default, deserialize_with = "opt_id_string")]
    next: Option<String>,
}

pub async fn get_account(req: &AccountRequest, opts: &CallOptions) -> Result<Vec<InstagramAccount>, Error> {
    crate::secret::require_token(&req.access_token, "accessToken")?;
    let request = |url: Url| GraphRequest {
        method: reqwest::Method::GET,
        url,
        bearer: Some(&req.access_token),
        json: None,
        secrets: vec![&req.access_token],
        idempotence: Idempotence::Repeatable,
        pacing: None,
    };
    match LoginType::resolve(req.login_type, &req.access_token) {
        LoginType::Instagram => {
            let url = opts
                .instagram_url
                .join(&[&opts.api_version, "me"], &[("fields", "user_id,username,name,account_type")]);
            let me = graph::execute::<WireMe>(&request(url), opts).await?.body;
            Ok(vec![InstagramAccount {
                id: me.user_id,
                username: me.username,
                name: me.name,
                account_type: me.account_type,
                ..Default::default()
            }])
        }
        LoginType::Facebook => {
            let mut url = opts.facebook_url.join(
                &[&opts.api_version, "me", "accounts"],
                &[("fields", "id,name,instagram_business_account{id,username,name}")],
            );
            let mut accounts = Vec::new();
            for _ in 0..MAX_PAGES {
                let page = graph::execute::<WirePages>(&request(url), opts).await?.body;
                accounts.extend(page.data.into_iter().filter_map(|p| {
                    p.instagram_business_account.map(|ig| InstagramAccount {
                        id: ig.id,
                        username: ig.username,
                        name: ig.name,
                        account_type: None,
                        page_id: Some(p.id),
                        page_name: p.name,
                    })
                }));
                let Some(next) = page.paging.and_then(|p| p.next) else { return Ok(accounts) };
                url = next_page(&next, opts)?;
            }
            Err(Error::bad_response(Some(200), format!("/me/accounts paging did not end after {MAX_PAGES} pages")))
        }
    }
}

/// A `paging.next` link, accepted only on the Facebook base URL's origin: the token is
/// sent with it, and must not go anywhere else.
fn next_page(next: &str, opts: &CallOptions) -> Result<Url, Error> {
    match Url::parse(next) {
        Ok(u) if opts.facebook_url.same_origin(&u) => Ok(u),
        _ => Err(Error::bad_response(Some(200), "paging.next does not point at the Graph API host")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_stays_on_the_graph_host() {
        let opts = CallOptions::default();
        assert!(next_page("https://graph.facebook.com/v24.0/me/accounts?after=x", &opts).is_ok());
        assert!(next_page("https://evil.example/v24.0/me/accounts", &opts).is_err());
        assert!(next_page("http://graph.facebook.com/v24.0/me/accounts", &opts).is_err());
        assert!(next_page("not a url", &opts).is_err());
    }
}
