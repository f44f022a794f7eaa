//! `getAccount`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use super::convert::{settled, spawn};
use super::options::request_and_options;
use super::token::LoginType;
use crate::account::{self as core, AccountRequest};

/// An Instagram professional account reachable with a token.
#[napi(object)]
pub struct InstagramAccount {
    /// The IG professional account id (`user_id`): the id webhooks carry in `entry[].id`
    /// and the `accountId` for sending. Always a string.
    pub id: String,
    pub username: Option<String>,
    pub name: Option<String>,
    /// `BUSINESS` or `MEDIA_CREATOR` (Instagram login).
    pub account_type: Option<String>,
    /// The linked Facebook page (Facebook login).
    pub page_id: Option<String>,
    pub page_name: Option<String>,
}

impl From<core::InstagramAccount> for InstagramAccount {
    fn from(a: core::InstagramAccount) -> Self {
        InstagramAccount {
            id: a.id,
            username: a.username,
            name: a.name,
            account_type: a.account_type,
            page_id: a.page_id,
            page_name: a.page_name,
        }
    }
}

/// The request of `getAccount`.
#[napi(object)]
#[allow(dead_code)] // describes the JS shape for index.d.ts; read through serde into the core type
pub struct GetAccountRequest {
    pub access_token: String,
    /// Default: `'facebook'` for a token starting `EAA`, else `'instagram'`.
    pub login_type: Option<LoginType>,
}

/// The Instagram account(s) a token reaches. Instagram login: `GET /me` → one account.
/// Facebook login: `GET /me/accounts` → one per page with a linked Instagram account,
/// following `paging.next`.
#[napi(ts_args_type = "req: GetAccountRequest, options?: CallOptions")]
pub fn get_account<'env>(
    env: &'env Env,
    req: Unknown,
    options: Option<Unknown>,
) -> Result<PromiseRaw<'env, Vec<InstagramAccount>>> {
    match request_and_options::<AccountRequest>(env, req, options) {
        Err(e) => settled(env, Err(e)),
        Ok((req, opts)) => spawn(env, async move { core::get_account(&req, &opts).await }, |accounts| {
            accounts.into_iter().map(InstagramAccount::from).collect::<Vec<_>>()
        }),
    }
}
