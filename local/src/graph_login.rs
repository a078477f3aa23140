//! The Graph API stand-in's side of Connect Meta: the Facebook Login dialog (approves at
//! once and sends the browser back with a code), the code and long-lived token
//! exchanges, `me/accounts` with a page token per managed page, the `leadgen`
//! subscription, and `debug_token`. The person manages the pages registered with
//! `POST /_local/meta/pages` (`{"id", "name"?, "token"?}`: a token given reads the page
//! too; `GET` lists them with their subscriptions); `POST /_local/meta/pages/{id}/expire` ends that page's tokens now,
//! or with `{"in_seconds": n}` makes them expire then.

use crate::graph::{graph_error, json_response, GraphLeads, GRAPH_PREFIX};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// How long a page token's data access lasts when nothing else was said (Meta: 90 days).
const DATA_ACCESS_SECONDS: i64 = 90 * 24 * 60 * 60;

/// The person behind the dialog: the pages they manage, the tokens handed out.
#[derive(Debug, Clone, Default)]
pub struct MetaAccounts(Arc<Mutex<Accounts>>);

#[derive(Debug, Default)]
struct Accounts {
    /// Page id → name, in the order registered.
    pages: BTreeMap<String, String>,
    logins: u64,
    codes: HashSet<String>,
    /// Page token → page id.
    tokens: HashMap<String, String>,
    /// Tokens that no longer work.
    expired: HashSet<String>,
    /// Page id → when its tokens' data access ends (epoch seconds).
    ends_at: HashMap<String, i64>,
    /// Pages the app is subscribed to, with the fields.
    subscribed: BTreeMap<String, String>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl MetaAccounts {
    /// The one person of this process.
    pub fn of_this_process() -> Self {
        static ONE: std::sync::OnceLock<MetaAccounts> = std::sync::OnceLock::new();
        ONE.get_or_init(MetaAccounts::default).clone()
    }

    fn lock(&self) -> MutexGuard<'_, Accounts> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lets the person manage page `id`.
    pub fn add_page(&self, id: &str, name: &str) {
        self.lock().pages.insert(id.to_owned(), name.to_owned());
    }

    /// Makes page `id` (the person's) readable with `token` too.
    pub fn add_token(&self, id: &str, token: &str) {
        let mut accounts = self.lock();
        let named = accounts.pages.entry(id.to_owned());
        named.or_insert_with(|| "Local page".to_owned());
        accounts.tokens.insert(token.to_owned(), id.to_owned());
    }

    /// Whether `id` is a page; if so, whether `token` reads it (a token of that page
    /// that has not ended).
    pub fn reads(&self, id: &str, token: &str) -> Option<bool> {
        let accounts = self.lock();
        accounts.pages.get(id)?;
        let of_page = accounts.tokens.get(token).is_some_and(|page| page == id);
        Some(of_page && !accounts.expired.contains(token))
    }

    /// Ends every token of `page_id` handed out so far: now, or in `seconds`.
    pub fn expire(&self, page_id: &str, seconds: Option<i64>) {
        let mut accounts = self.lock();
        match seconds {
            Some(seconds) => {
                accounts.ends_at.insert(page_id.to_owned(), now() + seconds);
            }
            None => {
                let ended: Vec<String> = accounts
                    .tokens
                    .iter()
                    .filter(|(_, page)| *page == page_id)
                    .map(|(token, _)| token.clone())
                    .collect();
                accounts.expired.extend(ended);
            }
        }
    }

    /// Whether `token` was handed out and has ended since (the lead endpoint refuses it).
    pub fn has_ended(&self, token: &str) -> bool {
        self.lock().expired.contains(token)
    }

    /// The pages the app is subscribed to, with their fields.
    pub fn subscriptions(&self) -> BTreeMap<String, String> {
        self.lock().subscribed.clone()
    }
}

/// The routes, to merge into the stand-in's.
pub fn router() -> axum::Router<GraphLeads> {
    axum::Router::new()
        .route("/_local/meta/pages", post(register_page).get(list_pages))
        .route("/_local/meta/pages/{page_id}/expire", post(expire))
        .route(
            &format!("{GRAPH_PREFIX}/{{version}}/dialog/oauth"),
            get(dialog),
        )
        .route(
            &format!("{GRAPH_PREFIX}/{{version}}/oauth/access_token"),
            get(access_token),
        )
        .route(
            &format!("{GRAPH_PREFIX}/{{version}}/me/accounts"),
            get(me_accounts),
        )
        .route(
            &format!("{GRAPH_PREFIX}/{{version}}/debug_token"),
            get(debug_token),
        )
        .route(
            &format!("{GRAPH_PREFIX}/{{version}}/{{page_id}}/subscribed_apps"),
            post(subscription).delete(subscription),
        )
}

type Params = Query<HashMap<String, String>>;

fn oauth_error(message: &str) -> Response {
    graph_error(100, None, "OAuthException", message.to_owned())
}

async fn register_page(State(graph): State<GraphLeads>, body: Bytes) -> Response {
    let page: Value = serde_json::from_slice(&body).unwrap_or_default();
    let id = match &page["id"] {
        Value::String(id) if !id.trim().is_empty() => id.trim().to_owned(),
        Value::Number(id) => id.to_string(),
        _ => {
            let message = "a page is {\"id\", \"name\"?, \"token\"?}";
            return json_response(400, json!({ "message": message }));
        }
    };
    let name = page["name"].as_str().unwrap_or("Local page");
    graph.accounts().add_page(&id, name);
    if let Some(token) = page["token"]
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        graph.accounts().add_token(&id, token);
    }
    json_response(201, json!({ "id": id, "name": name }))
}

/// The person's pages, each with the fields the app is subscribed to (`null`: none).
async fn list_pages(State(graph): State<GraphLeads>) -> Response {
    let accounts = graph.accounts().lock();
    let pages: Vec<Value> = accounts
        .pages
        .iter()
        .map(|(id, name)| {
            let fields = accounts.subscribed.get(id);
            json!({ "id": id, "name": name, "subscribed_fields": fields })
        })
        .collect();
    json_response(200, json!({ "data": pages }))
}

async fn expire(
    State(graph): State<GraphLeads>,
    Path(page_id): Path<String>,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or_default();
    graph
        .accounts()
        .expire(&page_id, body["in_seconds"].as_i64());
    json_response(200, json!({ "page_id": page_id }))
}

/// The person approves at once: back to `redirect_uri` with a fresh code and the state.
async fn dialog(State(graph): State<GraphLeads>, Query(query): Params) -> Response {
    let Some(redirect_uri) = query.get("redirect_uri").filter(|u| u.starts_with("http")) else {
        return oauth_error("redirect_uri is required");
    };
    let mut accounts = graph.accounts().lock();
    accounts.logins += 1;
    let code = format!("local-code-{}", accounts.logins);
    accounts.codes.insert(code.clone());
    let back = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code)
        .append_pair("state", query.get("state").map_or("", String::as_str))
        .finish();
    let joiner = if redirect_uri.contains('?') { '&' } else { '?' };
    let back = format!("{redirect_uri}{joiner}{back}");
    Redirect::to(&back).into_response()
}

async fn access_token(State(graph): State<GraphLeads>, Query(query): Params) -> Response {
    if query.get("client_secret").is_none_or(|s| s.is_empty()) {
        return oauth_error("client_secret is required");
    }
    let mut accounts = graph.accounts().lock();
    let token = if query.get("grant_type").map(String::as_str) == Some("fb_exchange_token") {
        match query.get("fb_exchange_token") {
            Some(short) if short.starts_with("local-user-") => format!("{short}-long"),
            _ => return oauth_error("fb_exchange_token is not a user token"),
        }
    } else {
        let code = query.get("code").cloned().unwrap_or_default();
        if !accounts.codes.remove(&code) {
            return oauth_error("This authorization code has been used or is not valid.");
        }
        format!("local-user-{}", accounts.logins)
    };
    json_response(
        200,
        json!({"access_token": token, "token_type": "bearer", "expires_in": 5_183_944}),
    )
}

async fn me_accounts(State(graph): State<GraphLeads>, Query(query): Params) -> Response {
    let user = query.get("access_token").cloned().unwrap_or_default();
    if !user.starts_with("local-user-") {
        return graph_error(
            190,
            None,
            "OAuthException",
            "Invalid OAuth access token.".into(),
        );
    }
    let mut accounts = graph.accounts().lock();
    let login = accounts.logins;
    let pages: Vec<(String, String)> = accounts.pages.clone().into_iter().collect();
    let data: Vec<Value> = pages
        .into_iter()
        .map(|(id, name)| {
            let token = format!("page-token-{id}-{login}");
            accounts.tokens.insert(token.clone(), id.clone());
            json!({ "id": id, "name": name, "access_token": token, "tasks": ["ADVERTISE", "MODERATE"] })
        })
        .collect();
    json_response(
        200,
        json!({ "data": data, "paging": { "cursors": { "before": "b", "after": "a" } } }),
    )
}

/// `POST` subscribes the app to the page's `subscribed_fields`, `DELETE` removes the
/// subscription; either needs a working token of that page.
async fn subscription(
    method: axum::http::Method,
    State(graph): State<GraphLeads>,
    Path((_version, page_id)): Path<(String, String)>,
    Query(query): Params,
) -> Response {
    let mut accounts = graph.accounts().lock();
    let token = query.get("access_token").filter(|t| !t.is_empty());
    let works = token.is_some_and(|t| {
        accounts.tokens.get(t).is_some_and(|page| *page == page_id) && !accounts.expired.contains(t)
    });
    if !works {
        let message = "Error validating access token.".to_owned();
        return graph_error(190, Some(460), "OAuthException", message);
    }
    if method == axum::http::Method::DELETE {
        accounts.subscribed.remove(&page_id);
    } else {
        let fields = query.get("subscribed_fields").cloned().unwrap_or_default();
        accounts.subscribed.insert(page_id, fields);
    }
    json_response(200, json!({ "success": true }))
}

/// A token handed out here: valid until expired, its data access ending 90 days on (or
/// when `expire` said). Any other token is not valid.
async fn debug_token(State(graph): State<GraphLeads>, Query(query): Params) -> Response {
    if !query.get("access_token").is_some_and(|t| t.contains('|')) {
        return graph_error(
            190,
            None,
            "OAuthException",
            "An app access token is required.".into(),
        );
    }
    let accounts = graph.accounts().lock();
    let token = query.get("input_token").cloned().unwrap_or_default();
    let Some(page_id) = accounts.tokens.get(&token) else {
        return json_response(200, json!({ "data": { "is_valid": false, "scopes": [] } }));
    };
    let ends_at = accounts
        .ends_at
        .get(page_id)
        .copied()
        .unwrap_or_else(|| now() + DATA_ACCESS_SECONDS);
    let valid = !accounts.expired.contains(&token) && ends_at > now();
    json_response(
        200,
        json!({ "data": {
            "type": "PAGE",
            "profile_id": page_id,
            "is_valid": valid,
            "expires_at": 0,
            "data_access_expires_at": ends_at,
            "scopes": shared::providers::meta::LOGIN_SCOPES.split(',').collect::<Vec<_>>(),
        }}),
    )
}
