//! Who a person is (docs/API-beyond-dms.md, `getUserProfile`): the profile Meta gives of
//! someone who messaged the account (or tapped an ice breaker or a menu item). Without that
//! consent Meta answers an error, classified like any other (never by its text).

use serde::Deserialize;

use crate::error::Error;
use crate::graph::{self, auth_request, numeric_id, Auth, CallOptions, Idempotence};

/// The fields asked for, in Meta's names.
pub const PROFILE_FIELDS: &str =
    "name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user";

auth_request! {
    /// The request of `getUserProfile`.
    pub struct UserProfileRequest {
        /// The person's Instagram-scoped id (IGSID, the `senderId` of a webhook event): ASCII digits.
        #[serde(default)]
        pub user_id: String,
    }
}

/// A person's profile. A field Meta sends as `null` or omits is absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(optional_fields))]
pub struct UserProfile {
    /// The IGSID asked for.
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The profile picture; the URL expires after a few days: do not store it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_pic_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follower_count: Option<u64>,
    /// The person follows the account (`is_user_follow_business`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_follows_account: Option<bool>,
    /// The account follows the person (`is_business_follow_user`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_follows_user: Option<bool>,
}

#[derive(Deserialize)]
struct WireProfile {
    name: Option<String>,
    username: Option<String>,
    profile_pic: Option<String>,
    follower_count: Option<u64>,
    is_user_follow_business: Option<bool>,
    is_business_follow_user: Option<bool>,
}

impl WireProfile {
    fn into_profile(self, id: &str) -> UserProfile {
        UserProfile {
            id: id.to_string(),
            name: self.name,
            username: self.username,
            profile_pic_url: self.profile_pic,
            follower_count: self.follower_count,
            user_follows_account: self.is_user_follow_business,
            account_follows_user: self.is_business_follow_user,
        }
    }
}

/// `GET {base}/{v}/{userId}?fields=…` (idempotent: retried like the account calls).
pub async fn get_user_profile(req: &UserProfileRequest, opts: &CallOptions) -> Result<UserProfile, Error> {
    let auth = Auth::check(req)?;
    let user_id = numeric_id("userId", &req.user_id, "Instagram-scoped user id")?;
    let request = auth.request(
        opts,
        reqwest::Method::GET,
        &[user_id],
        &[("fields", PROFILE_FIELDS)],
        None,
        Idempotence::Repeatable,
    );
    Ok(graph::execute::<WireProfile>(&request, opts).await?.body.into_profile(user_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_missing_fields_are_absent() {
        let wire: WireProfile = serde_json::from_str(
            r#"{"name":null,"username":"ana","follower_count":12,"is_user_follow_business":true,"id":"1"}"#,
        )
        .unwrap();
        let p = wire.into_profile("1");
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({ "id": "1", "username": "ana", "followerCount": 12, "userFollowsAccount": true })
        );
    }

    #[test]
    fn a_wrong_type_is_not_the_documented_shape() {
        assert!(serde_json::from_str::<WireProfile>(r#"{"follower_count":"many"}"#).is_err());
    }
}
