//! The Graph API stand-in of local runs, served on the gateway's own port:
//! `POST /_local/meta/leads` registers a Graph-shaped lead (`{"id", "created_time",
//! "field_data": [...]}`), and `GET /_local/graph/{version}/{leadgen_id}` serves it as
//! the Graph API would, so `meta-webhook` runs with `GRAPH_API_BASE` = [`base`].
//! `POST /_local/meta/pages` `{"id", "token"}` makes a page readable with that token
//! (`graph_login` serves the route; without a token the page is only the person's):
//! `GET /_local/graph/{version}/{page_id}?fields=id` answers `{"id"}` for it and Meta's
//! "cannot be loaded due to missing permissions" for any other token (the admin API's
//! page check).

use crate::graph_login::MetaAccounts;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Where the stand-in answers Graph API paths.
pub const GRAPH_PREFIX: &str = "/_local/graph";

/// The Graph API base URL of the stand-in behind the gateway at `api_base`.
pub fn base(api_base: &str) -> String {
    format!("{}{GRAPH_PREFIX}", api_base.trim_end_matches('/'))
}

/// The stand-in's state: the registered leads, by id, and the person of Connect Meta
/// with their pages and the tokens that read each (`graph_login`), who is the same for
/// every stand-in of the process, as Facebook is one service.
#[derive(Debug, Clone)]
pub struct GraphLeads(Arc<Mutex<HashMap<String, Value>>>, MetaAccounts);

impl Default for GraphLeads {
    fn default() -> Self {
        Self(Arc::default(), MetaAccounts::of_this_process())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("a lead is a JSON object with an \"id\" (string or number)")]
    NoId,
}

impl GraphLeads {
    /// Registers `lead` under its `id`, replacing an earlier one; answers the id.
    pub fn register(&self, lead: Value) -> Result<String, RegisterError> {
        let id = match lead.get("id") {
            Some(Value::String(id)) if !id.trim().is_empty() => id.trim().to_owned(),
            Some(Value::Number(id)) => id.to_string(),
            _ => return Err(RegisterError::NoId),
        };
        let mut lead = lead;
        lead["id"] = id.clone().into();
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(id.clone(), lead);
        Ok(id)
    }

    /// Makes `page_id` readable with `token` (and with the tokens registered before).
    pub fn register_page(&self, page_id: &str, token: &str) {
        self.1.add_token(page_id, token);
    }

    /// The person behind the login dialog: their pages and the tokens handed out.
    pub fn accounts(&self) -> &MetaAccounts {
        &self.1
    }

    fn get(&self, id: &str) -> Option<Value> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(id)
            .cloned()
    }
}

/// The stand-in's routes, to merge into the gateway.
pub fn router(leads: GraphLeads) -> axum::Router {
    axum::Router::new()
        .route("/_local/meta/leads", post(register))
        .route(
            &format!("{GRAPH_PREFIX}/{{version}}/{{leadgen_id}}"),
            get(lead),
        )
        .merge(crate::graph_login::router())
        .with_state(leads)
}

pub(crate) fn json_response(status: u16, body: Value) -> Response {
    let status = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_REQUEST);
    (
        status,
        [(http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn register(State(leads): State<GraphLeads>, body: Bytes) -> Response {
    let registered = serde_json::from_slice::<Value>(&body)
        .ok()
        .filter(Value::is_object)
        .ok_or(RegisterError::NoId)
        .and_then(|lead| leads.register(lead));
    match registered {
        Ok(id) => json_response(201, json!({ "id": id })),
        Err(err) => json_response(400, json!({ "message": err.to_string() })),
    }
}

/// Meta's error body.
pub(crate) fn graph_error(
    code: i64,
    subcode: Option<i64>,
    kind: &str,
    message: String,
) -> Response {
    let mut error = json!({
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "LocalStandIn",
    });
    if let Some(subcode) = subcode {
        error["error_subcode"] = subcode.into();
    }
    json_response(400, json!({ "error": error }))
}

async fn lead(
    State(leads): State<GraphLeads>,
    Path((_version, leadgen_id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let has_token = query
        .get("access_token")
        .is_some_and(|token| !token.trim().is_empty());
    if !has_token {
        let message = "An access token is required to request this resource.".to_owned();
        return graph_error(104, None, "OAuthException", message);
    }
    let unreadable = || {
        let message = format!(
            "Unsupported get request. Object with ID '{leadgen_id}' does not exist, cannot be \
             loaded due to missing permissions, or does not support this operation."
        );
        graph_error(100, Some(33), "GraphMethodException", message)
    };
    let token = query.get("access_token").map_or("", |t| t.trim());
    if leads.accounts().has_ended(token) {
        let message = "Error validating access token: Session has expired.".to_owned();
        return graph_error(190, Some(463), "OAuthException", message);
    }
    match leads.accounts().reads(&leadgen_id, token) {
        Some(true) => return json_response(200, json!({ "id": leadgen_id })),
        Some(false) => return unreadable(),
        None => {}
    }
    let Some(lead) = leads.get(&leadgen_id) else {
        return unreadable();
    };
    json_response(200, only_fields(lead, query.get("fields")))
}

/// The lead with only the `fields` asked for (and its id), as the Graph API answers.
fn only_fields(lead: Value, fields: Option<&String>) -> Value {
    let (Value::Object(all), Some(fields)) = (&lead, fields) else {
        return lead;
    };
    let wanted: Vec<&str> = fields.split(',').map(str::trim).collect();
    let kept = all
        .iter()
        .filter(|(name, _)| *name == "id" || wanted.contains(&name.as_str()))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Value::Object(kept)
}

/// The lead behind the sample leadgen event (`events/meta-webhook/200-leadgen.json`).
pub fn sample_lead() -> Value {
    json!({
        "id": crate::seed::SAMPLE_META_LEADGEN_ID,
        "created_time": "2026-11-24T12:00:00+0000",
        "form_id": "908070605040302",
        "field_data": [
            {"name": "full_name", "values": ["Pat Example"]},
            {"name": "email", "values": ["pat@example.com"]},
            {"name": "phone_number", "values": ["+17175551212"]},
            {"name": "street_address", "values": ["123 Main St"]},
            {"name": "city", "values": ["Lancaster"]},
            {"name": "state", "values": ["PA"]},
            {"name": "zip_code", "values": ["17601"]},
            {"name": "which_service_do_you_need?", "values": ["house_wash"]}
        ]
    })
}

/// Serves the stand-in alone on a thread of its own (it outlives any one test's
/// runtime); answers its Graph API base.
pub fn spawn_detached(leads: GraphLeads) -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            if let Ok(listener) = tokio::net::TcpListener::from_std(listener) {
                let _ = axum::serve(listener, router(leads)).await;
            }
        });
    });
    Ok(base(&format!("http://{address}")))
}

/// Serves the stand-in alone on a free loopback port (tests); answers its Graph API base.
pub async fn spawn(leads: GraphLeads) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router(leads)).await });
    Ok(base(&format!("http://{address}")))
}
