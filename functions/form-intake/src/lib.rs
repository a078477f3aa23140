//! `POST /forms/{form_id}` (and its `OPTIONS` preflight): public website forms. The
//! form id is the connector's public id, not a secret; no API key lives in a browser.
//! Browsers posting a plain HTML form get a redirect or a page, scripts get JSON.

use lambda_http::{Body, Request, RequestExt, Response};
use shared::domain::{Connector, Provider};
use shared::forms::{self, cors::Cors, page, redirect, Accepted, Refused, Submission};
use shared::http::{self, ApiError, HeaderValue};
use shared::store::keys::RouteKind;
use shared::store::Store;

/// What the handler needs, built once per cold start.
#[derive(Debug, Clone)]
pub struct Deps {
    pub store: Store,
}

pub async fn handle(deps: &Deps, request: Request) -> Response<Body> {
    let browser = forms::wants_html(
        http::header(&request, "content-type"),
        http::header(&request, "accept"),
    );
    let connector = match find_connector(&deps.store, &request).await {
        Ok(connector) => connector,
        Err(error) => {
            return refused(
                browser,
                Refused {
                    error,
                    redirect: None,
                },
                None,
            )
        }
    };
    let cors = forms::cors::check(
        &connector.settings.allowed_origins,
        http::header(&request, "origin"),
    );
    let mut response = if request.method() == lambda_http::http::Method::OPTIONS {
        preflight(&cors)
    } else {
        post(deps, &connector, &request, browser).await
    };
    let headers = if request.method() == lambda_http::http::Method::OPTIONS {
        cors.preflight_headers()
    } else {
        cors.headers()
    };
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

async fn find_connector(store: &Store, request: &Request) -> Result<Connector, ApiError> {
    let form_id = request
        .path_parameters_ref()
        .and_then(|params| params.first("form_id"))
        .unwrap_or_default();
    let unknown = || ApiError::NotFound("there is no form with this id".to_owned());
    if form_id.is_empty() {
        return Err(unknown());
    }
    store
        .connector_by_route(RouteKind::FormId, form_id)
        .await?
        .filter(|connector| connector.provider == Provider::WebsiteForm)
        .ok_or_else(unknown)
}

fn preflight(cors: &Cors) -> Response<Body> {
    let status = match cors {
        Cors::Refused(_) => 403,
        Cors::Allowed(_) | Cors::NoOrigin => 204,
    };
    with_status(Response::new(Body::Empty), status)
}

async fn post(
    deps: &Deps,
    connector: &Connector,
    request: &Request,
    browser: bool,
) -> Response<Body> {
    let body = match http::body_bytes(request, usize::MAX) {
        Ok(body) => body,
        Err(error) => {
            return refused(
                browser,
                Refused {
                    error,
                    redirect: None,
                },
                None,
            )
        }
    };
    let submission = Submission {
        content_type: http::header(request, "content-type"),
        origin: http::header(request, "origin"),
        body,
        client: http::origin(request),
    };
    match forms::submit(&deps.store, connector, submission).await {
        Ok(accepted) => accepted_response(browser, accepted),
        Err(refusal) => refused(browser, refusal, http::header(request, "referer")),
    }
}

fn accepted_response(browser: bool, accepted: Accepted) -> Response<Body> {
    if !browser {
        let status = if accepted.created { 201 } else { 200 };
        return http::json(status, &accepted.receipt);
    }
    match accepted.redirect {
        Some(url) => see_other(url.as_str()),
        None => html(200, page::thank_you()),
    }
}

fn refused(browser: bool, refusal: Refused, referer: Option<&str>) -> Response<Body> {
    let Refused { error, redirect } = refusal;
    if !browser {
        return error.into_response();
    }
    let status = error.status();
    if status >= 500 {
        tracing::error!(status, error = ?error, "form submission failed");
    } else {
        tracing::info!(status, error = %error, "form submission refused");
    }
    let problem = error.problem();
    let mut response = match redirect {
        Some(url) => {
            let reason = problem.kind.trim_start_matches("/problems/");
            see_other(redirect::with_error(&url, reason).as_str())
        }
        None => {
            let back = referer.filter(|r| r.starts_with("https://") || r.starts_with("http://"));
            let detail = if status >= 500 {
                "Something went wrong on our side. Please try again in a few minutes.".to_owned()
            } else {
                problem.detail
            };
            html(
                status,
                page::error(problem.title, &detail, &problem.errors, back),
            )
        }
    };
    if let ApiError::TooManyRequests { retry_after } = error {
        response
            .headers_mut()
            .insert("retry-after", HeaderValue::from(retry_after));
    }
    response
}

fn see_other(location: &str) -> Response<Body> {
    let mut response = with_status(Response::new(Body::Empty), 303);
    if let Ok(location) = HeaderValue::from_str(location) {
        response.headers_mut().insert("location", location);
    }
    response
}

fn html(status: u16, page: String) -> Response<Body> {
    let mut response = with_status(Response::new(Body::Text(page)), status);
    response.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

fn with_status(mut response: Response<Body>, status: u16) -> Response<Body> {
    *response.status_mut() = lambda_http::http::StatusCode::from_u16(status)
        .unwrap_or(lambda_http::http::StatusCode::INTERNAL_SERVER_ERROR);
    response
}
