//! The one Graph API client: every HTTP request of the addon goes through here.

use serde::Deserialize;

use crate::secret::Secret;

/// Which of Meta's two Instagram APIs a token belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LoginType {
    /// Instagram API with Instagram Login: `IGAA…` tokens, graph.instagram.com.
    Instagram,
    /// Instagram API with Facebook Login: `EAA…` tokens, graph.facebook.com.
    Facebook,
}

impl LoginType {
    /// The explicit choice, or by the token's prefix: `EAA…` is Facebook, anything else Instagram.
    pub fn resolve(explicit: Option<LoginType>, token: &Secret) -> LoginType {
        explicit.unwrap_or_else(|| {
            if token.expose().starts_with("EAA") {
                LoginType::Facebook
            } else {
                LoginType::Instagram
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LoginType::Instagram => "instagram",
            LoginType::Facebook => "facebook",
        }
    }
}
