//! Outcomes as answers: the strict doors (API, forms) answer a lead with 201/200 and a
//! refusal with its problem; the acknowledging doors (webhooks) answer 200 to every
//! settled delivery, so the sender never redelivers what is already logged.

use super::refusals::api_refusal;
use super::response::{html, json, json_text, see_other, with_headers};
use super::{ApiError, HeaderValue};
use crate::api::{ApiAnswer, ApiRefusal};
use crate::domain::{ImportId, ImportStatus};
use crate::forms::cors::Cors;
use crate::forms::{page, redirect, Refused, Submitted};
use crate::pipeline::{Acknowledgement, Outcome};
#[cfg(feature = "admin")]
use crate::providers::meta::ConnectError;
use crate::store::{Replay, StoredResponse};
use lambda_http::{Body, Response};
use serde::Serialize;

const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";

/// The answer, or the problem of the error that stopped it.
pub fn respond(answer: Result<Response<Body>, ApiError>) -> Response<Body> {
    answer.unwrap_or_else(ApiError::into_response)
}

/// Why a strict door refuses an outcome that made no lead: 422 failed (with the field
/// errors and the import entry), 403 inactive connector.
fn refusal(outcome: &Outcome) -> Option<ApiError> {
    match outcome {
        Outcome::Failed {
            import_id,
            reason,
            errors,
        } => Some(ApiError::Validation {
            detail: reason.clone(),
            errors: errors.clone(),
            import_id: Some(import_id.clone()),
        }),
        Outcome::Inactive { .. } => Some(ApiError::Forbidden(outcome.reason().unwrap_or_default())),
        _ => None,
    }
}

/// A lead's outcome at a strict door, without logging it.
fn lead_response(outcome: &Outcome) -> Response<Body> {
    match (outcome, refusal(outcome)) {
        (_, Some(error)) => error.response(),
        (Outcome::Imported(receipt), _) => json(201, receipt),
        (Outcome::Replayed(receipt), _) => json(200, receipt),
        (Outcome::Held { .. }, _) => json(202, &Acknowledgement::from(outcome)),
        (other, _) => acknowledge(other),
    }
}

/// A lead's outcome at a strict door: 201 imported, 200 replayed, or its refusal.
pub fn lead(outcome: &Outcome) -> Response<Body> {
    match refusal(outcome) {
        Some(error) => error.into_response(),
        None => lead_response(outcome),
    }
}

/// A settled delivery at an acknowledging door: 200 with what became of it.
pub fn acknowledge(outcome: &Outcome) -> Response<Body> {
    json(200, &Acknowledgement::from(outcome))
}

/// `POST /api/v1/leads`: the outcome or refusal, or the first answer again (with
/// `Idempotent-Replayed: true`) for a replayed `Idempotency-Key`.
pub fn api(answer: ApiAnswer) -> Response<Body> {
    match answer {
        ApiAnswer::Settled(Ok(outcome)) => lead(&outcome),
        ApiAnswer::Settled(Err(refusal)) => ApiError::from(refusal).into_response(),
        ApiAnswer::Replayed(replay) => {
            let mut response = match replay {
                Replay::Response(stored) => json_text(stored.status, stored.body),
                Replay::Lead(receipt) if receipt.status == ImportStatus::Imported => {
                    lead_response(&Outcome::Imported(receipt))
                }
                Replay::Lead(receipt) => lead_response(&Outcome::Replayed(receipt)),
            };
            response
                .headers_mut()
                .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
            response
        }
    }
}

/// What [`api`] answers for a settled post, kept for replays of its `Idempotency-Key`.
pub fn api_stored(settled: &Result<Outcome, ApiRefusal>) -> StoredResponse {
    let response = match settled {
        Ok(outcome) => lead_response(outcome),
        Err(refusal) => api_refusal(refusal).response(),
    };
    let body = match response.body() {
        Body::Text(text) => text.clone(),
        _ => String::new(),
    };
    StoredResponse {
        status: response.status().as_u16(),
        body,
    }
}

/// What a public door tells a visitor about a submission it took: that it was taken
/// (`imported`, or `replayed` for one it has seen) and its import id; never the lead,
/// the client, the rep, nor whether it was kept, held or set aside (a honeypot).
#[derive(Debug, Serialize)]
struct PublicReceipt<'a> {
    status: ImportStatus,
    import_id: &'a ImportId,
}

fn public_receipt(outcome: &Outcome) -> Response<Body> {
    let (status, code) = match outcome {
        Outcome::Replayed(_) => (ImportStatus::Replayed, 200),
        _ => (ImportStatus::Imported, 201),
    };
    let import_id = outcome.import_id();
    json(code, &PublicReceipt { status, import_id })
}

/// A CORS preflight's answer: 204 with the allow headers for an allowed origin, 403
/// for one the connector does not list.
pub fn preflight(cors: &Cors) -> Response<Body> {
    let status = match cors {
        Cors::Refused(_) => super::status(403),
        Cors::Allowed(_) | Cors::NoOrigin => super::status(204),
    };
    with_headers(status, cors.preflight_headers())
}

/// A website form's answer: JSON for scripts; for a browser the thank-you page or the
/// connector's redirect, and a readable error page (or the redirect with the reason).
pub fn form(
    browser: bool,
    submitted: Result<Submitted, Refused>,
    referer: Option<&str>,
) -> Response<Body> {
    let (error, redirect) = match submitted {
        Ok(Submitted { outcome, redirect }) => match refusal(&outcome) {
            None if !browser => return public_receipt(&outcome),
            None => {
                return match redirect {
                    Some(url) => see_other(url.as_str()),
                    None => html(200, page::thank_you()),
                }
            }
            Some(error) => (error, redirect),
        },
        Err(refused) => {
            let redirect = refused.redirect.clone();
            (ApiError::from(refused), redirect)
        }
    };
    if !browser {
        return error.into_response();
    }
    let status = error.status();
    let ours = logged_for_a_browser(&error, "form submission");
    let problem = error.problem();
    let response = match redirect {
        Some(url) => {
            let reason = problem.kind.trim_start_matches("/problems/");
            see_other(redirect::with_error(&url, reason).as_str())
        }
        None => {
            let back = referer.filter(|r| r.starts_with("https://") || r.starts_with("http://"));
            let detail = if ours {
                "Something went wrong on our side. Please try again in a few minutes.".to_owned()
            } else {
                problem.detail
            };
            let page = page::error(problem.title, &detail, &problem.errors, back);
            html(status, page)
        }
    };
    match error {
        ApiError::TooManyRequests { retry_after } => {
            with_headers(response, [("retry-after", retry_after.to_string())])
        }
        _ => response,
    }
}

/// The end of Facebook Login, for the person's browser: the connector's admin page
/// (`redirect_url`, with the connector and page ids) or a page listing the pages to
/// choose from; or a readable page saying what went wrong (never the cause's internals).
#[cfg(feature = "admin")]
pub fn meta_login(
    connected: Result<crate::providers::meta::connect::Connected, ConnectError>,
) -> Response<Body> {
    use crate::providers::meta::connect::html;
    let err = match connected {
        Ok(connected) => {
            return match connected.return_url() {
                Some(url) => see_other(&url),
                None => html(200, html::connected(&connected)),
            }
        }
        Err(err) => err,
    };
    let detail = err.to_string();
    let error = ApiError::from(err);
    let detail = match logged_for_a_browser(&error, "Meta login") {
        true => "Something went wrong on our side or at Meta. Please try again in a few minutes."
            .to_owned(),
        false => detail,
    };
    html(
        error.status(),
        html::failed("Meta could not be connected", &detail),
    )
}

/// Logs `error`, which a person's browser gets as a page, as its status says: the cause
/// of a 5xx, the problem of a refusal. `true` for a 5xx, whose cause the page must not show.
fn logged_for_a_browser(error: &ApiError, what: &str) -> bool {
    let status = error.status();
    if status >= 500 {
        tracing::error!(status, error = %super::chain(error), "{what} failed");
        true
    } else {
        tracing::info!(status, problem = %error.problem().kind, "{what} refused");
        false
    }
}
