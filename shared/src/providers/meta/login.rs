//! The Graph API calls of connecting a page: the login code exchanged for a user token
//! and that for a long-lived one, the pages the person manages with their page tokens,
//! the app's `leadgen` subscription on a page, and a token's health (`debug_token`).

use super::graph::{answer, appsecret_proof, GraphClient, GraphError};
use serde::Deserialize;
use std::fmt;

/// What lead retrieval needs the person to grant: list their pages, read and manage
/// the page's metadata (the webhook subscription), and read its leads.
pub const LOGIN_SCOPES: &str =
    "pages_show_list,pages_read_engagement,pages_manage_metadata,pages_manage_ads,leads_retrieval";
/// `me/accounts` pages read at most: a person managing more is asked to narrow the login.
const MOST_PAGES: usize = 500;
const PAGE_SIZE: &str = "100";

/// The deployment's Meta app.
#[derive(Clone, Copy)]
pub struct MetaApp<'a> {
    pub app_id: &'a str,
    pub app_secret: &'a str,
}

impl MetaApp<'_> {
    /// The app access token `{app id}|{app secret}` that `debug_token` is asked with.
    fn token(&self) -> String {
        format!("{}|{}", self.app_id, self.app_secret)
    }
}

/// An access token from the Graph API; never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(…)")
    }
}

/// A user token, and the seconds it lives (Meta omits it for tokens that do not expire).
#[derive(Debug, Clone, Deserialize)]
pub struct UserToken {
    pub access_token: AccessToken,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

/// A page the person manages, with its page access token.
#[derive(Debug, Clone, Deserialize)]
pub struct ManagedPage {
    pub id: super::super::ids::Id,
    #[serde(default)]
    pub name: Option<String>,
    pub access_token: AccessToken,
}

#[derive(Deserialize)]
struct Accounts {
    #[serde(default)]
    data: Vec<ManagedPage>,
    #[serde(default)]
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Paging {
    #[serde(default)]
    cursors: Option<Cursors>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
struct Cursors {
    #[serde(default)]
    after: Option<String>,
}

/// What `debug_token` says of a token. An `expires_at` or `data_access_expires_at` of 0
/// means never.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TokenInfo {
    pub is_valid: bool,
    pub expires_at: Option<i64>,
    pub data_access_expires_at: Option<i64>,
    pub scopes: Vec<String>,
}

impl TokenInfo {
    /// The first time the token stops reading leads, if it ever does.
    pub fn ends_at(&self) -> Option<i64> {
        [self.expires_at, self.data_access_expires_at]
            .into_iter()
            .flatten()
            .filter(|at| *at > 0)
            .min()
    }
}

#[derive(Deserialize)]
struct Debugged {
    data: TokenInfo,
}

#[derive(Deserialize)]
struct Success {
    #[serde(default)]
    success: bool,
}

impl GraphClient {
    /// The Facebook Login dialog at `dialog_base` for `app`, coming back to
    /// `redirect_uri` with `state`.
    pub fn login_dialog(
        &self,
        dialog_base: &str,
        app_id: &str,
        redirect_uri: &str,
        state: &str,
    ) -> Result<String, GraphError> {
        let mut url =
            reqwest::Url::parse(dialog_base).map_err(|e| GraphError::BadBase(Box::new(e)))?;
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty()
                .extend([self.version(), "dialog", "oauth"]);
        }
        url.query_pairs_mut()
            .append_pair("client_id", app_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("response_type", "code")
            .append_pair("scope", LOGIN_SCOPES);
        Ok(url.into())
    }

    /// The login's `code` for a (short-lived) user token.
    pub async fn exchange_code(
        &self,
        app: MetaApp<'_>,
        code: &str,
        redirect_uri: &str,
    ) -> Result<UserToken, GraphError> {
        let request = self
            .http()?
            .get(self.url(&["oauth", "access_token"]))
            .query(&[
                ("client_id", app.app_id),
                ("client_secret", app.app_secret),
                ("redirect_uri", redirect_uri),
                ("code", code),
            ]);
        answer(request).await
    }

    /// A long-lived user token for a short-lived one: the page tokens read with it
    /// do not expire (their data access still does, after 90 days without a login).
    pub async fn long_lived(
        &self,
        app: MetaApp<'_>,
        token: &AccessToken,
    ) -> Result<UserToken, GraphError> {
        let request = self
            .http()?
            .get(self.url(&["oauth", "access_token"]))
            .query(&[
                ("grant_type", "fb_exchange_token"),
                ("client_id", app.app_id),
                ("client_secret", app.app_secret),
                ("fb_exchange_token", token.expose()),
            ]);
        answer(request).await
    }

    /// The pages the person manages, each with its page token.
    pub async fn managed_pages(
        &self,
        app: MetaApp<'_>,
        user: &AccessToken,
    ) -> Result<Vec<ManagedPage>, GraphError> {
        let proof = appsecret_proof(app.app_secret, user.expose());
        let mut pages = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut query = vec![
                ("fields", "id,name,access_token"),
                ("limit", PAGE_SIZE),
                ("access_token", user.expose()),
                ("appsecret_proof", &proof),
            ];
            if let Some(after) = &after {
                query.push(("after", after));
            }
            let request = self
                .http()?
                .get(self.url(&["me", "accounts"]))
                .query(&query);
            let accounts: Accounts = answer(request).await?;
            pages.extend(accounts.data);
            after = accounts
                .paging
                .filter(|paging| paging.next.is_some())
                .and_then(|paging| paging.cursors)
                .and_then(|cursors| cursors.after);
            if after.is_none() || pages.len() >= MOST_PAGES {
                return Ok(pages);
            }
        }
    }

    /// Subscribes the app to the page's `leadgen` changes (`true` = subscribed), or
    /// removes the subscription.
    pub async fn subscribe(
        &self,
        app: MetaApp<'_>,
        page_id: &str,
        page_token: &str,
        on: bool,
    ) -> Result<bool, GraphError> {
        let url = self.url(&[page_id, "subscribed_apps"]);
        let proof = appsecret_proof(app.app_secret, page_token);
        let auth = [("access_token", page_token), ("appsecret_proof", &proof)];
        let request = match on {
            true => self
                .http()?
                .post(url)
                .query(&auth)
                .query(&[("subscribed_fields", "leadgen")]),
            false => self.http()?.delete(url).query(&auth),
        };
        Ok(answer::<Success>(request).await?.success)
    }

    /// What Meta says of `token`, asked with the app's own token.
    pub async fn debug_token(
        &self,
        app: MetaApp<'_>,
        token: &str,
    ) -> Result<TokenInfo, GraphError> {
        let request = self
            .http()?
            .get(self.url(&["debug_token"]))
            .query(&[("input_token", token), ("access_token", &app.token())]);
        Ok(answer::<Debugged>(request).await?.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_login_dialog_asks_for_lead_retrieval_and_comes_back_with_the_state() {
        let graph = GraphClient::new("https://graph.facebook.com", "v21.0").unwrap();
        let url = graph
            .login_dialog(
                "https://www.facebook.com",
                "123",
                "https://api.example/oauth/meta/callback",
                "s.t.a.t.e",
            )
            .unwrap();
        assert!(url.starts_with("https://www.facebook.com/v21.0/dialog/oauth?client_id=123&"));
        assert!(url.contains("redirect_uri=https%3A%2F%2Fapi.example%2Foauth%2Fmeta%2Fcallback"));
        assert!(url.contains("state=s.t.a.t.e"));
        assert!(url.contains("leads_retrieval"));
    }

    #[test]
    fn a_token_ends_at_its_first_expiry_and_zero_means_never() {
        let info = |expires_at, data| TokenInfo {
            is_valid: true,
            expires_at: Some(expires_at),
            data_access_expires_at: Some(data),
            ..Default::default()
        };
        assert_eq!(info(0, 500).ends_at(), Some(500));
        assert_eq!(info(400, 500).ends_at(), Some(400));
        assert_eq!(info(0, 0).ends_at(), None);
        assert!(!format!("{:?}", AccessToken::new("secret")).contains("secret"));
    }
}
