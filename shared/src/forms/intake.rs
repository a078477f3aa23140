//! One website-form submission through its checks and the shared pipeline. Every
//! refusal on a known connector is in the import log with its reason.

use super::decode::{self, DecodeError, Encoding};
use super::{cors, redirect, rules, BODY_LIMIT};
use crate::domain::{new_id, Connector, FieldError, ImportRecord, ImportStatus, RequestOrigin};
use crate::http::ApiError;
use crate::mapping;
use crate::pipeline::{self, Delivery, IntakeError, Outcome, Receipt};
use crate::store::Store;
use crate::throttle::{self, Rule, Verdict};
use url::Url;

/// A form post as the door received it.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    pub content_type: Option<&'a str>,
    /// The `Origin` header, if any.
    pub origin: Option<&'a str>,
    pub body: &'a [u8],
    pub client: RequestOrigin,
}

/// A submission answered as a success: a new lead, a replay, or a honeypot hit
/// (which must look exactly like a new lead).
#[derive(Debug, Clone, PartialEq)]
pub struct Accepted {
    pub receipt: Receipt,
    pub created: bool,
    pub redirect: Option<Url>,
}

/// A refused submission: the problem, and where a browser is sent with it.
#[derive(Debug)]
pub struct Refused {
    pub error: ApiError,
    pub redirect: Option<Url>,
}

struct Attempt<'a> {
    store: &'a Store,
    connector: &'a Connector,
    delivery: Delivery<'a>,
    redirect: Option<Url>,
}

impl Attempt<'_> {
    fn record(&self, status: ImportStatus) -> ImportRecord {
        pipeline::record(self.connector, status, &self.delivery)
    }

    /// Logs the refusal as `failed` with `reason` (and the field errors the problem
    /// carries), then answers `error`.
    async fn refuse(&self, error: ApiError, reason: String) -> Refused {
        let errors = match &error {
            ApiError::Validation { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let record = self.record(ImportStatus::Failed);
        let logged = pipeline::log_failure(self.store, record, reason, errors).await;
        let error = match (logged, error) {
            (Err(err), _) => err.into(),
            (Ok(import_id), ApiError::Validation { detail, errors, .. }) => ApiError::Validation {
                detail,
                errors,
                import_id: Some(import_id),
            },
            (Ok(_), error) => error,
        };
        self.answer(error)
    }

    /// Answers `error` without logging (already logged, or the log is unreachable).
    fn answer(&self, error: ApiError) -> Refused {
        Refused {
            error,
            redirect: self.redirect.clone(),
        }
    }

    /// Counts one hit on each rule; the longest wait when any is over its limit.
    async fn throttled(&self, rules: &[Rule]) -> Result<Option<(u64, &'static str)>, Refused> {
        let now = throttle::now();
        let mut limited = None;
        for rule in rules {
            match throttle::hit(self.store, rule, now).await {
                Ok(Verdict::Allowed) => {}
                Ok(Verdict::Limited { retry_after }) => {
                    let longest = limited.is_none_or(|(wait, _)| retry_after > wait);
                    if longest {
                        limited = Some((retry_after, rule.scope));
                    }
                }
                Err(err) => return Err(self.answer(err.into())),
            }
        }
        Ok(limited)
    }

    async fn refuse_throttled(&self, retry_after: u64, scope: &str) -> Refused {
        let subject = match scope {
            rules::IP_SCOPE => "this IP address",
            rules::EMAIL_SCOPE => "this email address",
            _ => "this phone number",
        };
        let reason = format!(
            "throttled: too many submissions from {subject} ({scope}); retry after {retry_after} s"
        );
        self.refuse(ApiError::TooManyRequests { retry_after }, reason)
            .await
    }
}

fn decode_error(err: DecodeError) -> ApiError {
    match err {
        DecodeError::UnsupportedType(_) => ApiError::UnsupportedMediaType(err.to_string()),
        DecodeError::NotUtf8
        | DecodeError::Json(_)
        | DecodeError::NotAnObject
        | DecodeError::Multipart(_) => ApiError::BadRequest(err.to_string()),
        DecodeError::TooManyFields => ApiError::validation(err.to_string(), Vec::new()),
        DecodeError::TooLong(ref field) => {
            let errors = vec![FieldError::new(field, err.to_string())];
            ApiError::validation(err.to_string(), errors)
        }
    }
}

/// Takes one submission on `connector` through the form's checks (size, origin,
/// status, encoding, IP throttle, honeypot, contact throttle) and the pipeline.
pub async fn submit(
    store: &Store,
    connector: &Connector,
    submission: Submission<'_>,
) -> Result<Accepted, Refused> {
    let settings = &connector.settings;
    let logged = &submission.body[..submission.body.len().min(ImportRecord::PAYLOAD_CAP)];
    let raw = String::from_utf8_lossy(logged);
    let mut attempt = Attempt {
        store,
        connector,
        delivery: Delivery {
            raw: &raw,
            origin: submission.client.clone(),
        },
        redirect: redirect::target(
            settings.redirect_url.as_deref(),
            None,
            &settings.allowed_origins,
        ),
    };

    if submission.body.len() > BODY_LIMIT {
        let error = ApiError::PayloadTooLarge { limit: BODY_LIMIT };
        let reason = error.to_string();
        return Err(attempt.refuse(error, reason).await);
    }
    if let cors::Cors::Refused(origin) = cors::check(&settings.allowed_origins, submission.origin) {
        let reason = format!("origin {origin} is not allowed to post to this form");
        return Err(attempt
            .refuse(ApiError::Forbidden(reason.clone()), reason)
            .await);
    }
    if !connector.is_active() {
        let reason = format!(
            "this form's connector is {}: only an active connector takes submissions",
            connector.status.key()
        );
        return Err(attempt
            .refuse(ApiError::Forbidden(reason.clone()), reason)
            .await);
    }
    let decoded = Encoding::of(submission.content_type, submission.body)
        .and_then(|encoding| decode::decode(encoding, submission.body));
    let mut payload = match decoded {
        Ok(payload) => payload,
        Err(err) => {
            let reason = err.to_string();
            return Err(attempt.refuse(decode_error(err), reason).await);
        }
    };

    let honeypot = payload.take(settings.honeypot_field());
    let requested = payload.take(redirect::REDIRECT_FIELD);
    attempt.redirect = redirect::target(
        settings.redirect_url.as_deref(),
        requested.as_deref(),
        &settings.allowed_origins,
    );

    let ip_rules: Vec<Rule> = submission
        .client
        .source_ip
        .iter()
        .map(|ip| rules::ip(connector, ip))
        .collect();
    if let Some((retry_after, scope)) = attempt.throttled(&ip_rules).await? {
        return Err(attempt.refuse_throttled(retry_after, scope).await);
    }

    let candidate = mapping::map(&payload, &connector.field_aliases);
    if honeypot.is_some() {
        return ignore_honeypot(&attempt, candidate.external_id).await;
    }

    let contact_rules = rules::contacts(connector, &candidate);
    if let Some((retry_after, scope)) = attempt.throttled(&contact_rules).await? {
        return Err(attempt.refuse_throttled(retry_after, scope).await);
    }

    match pipeline::import(store, connector, candidate, &attempt.delivery).await {
        Ok(Outcome::Imported(receipt)) => Ok(Accepted {
            receipt,
            created: true,
            redirect: attempt.redirect,
        }),
        Ok(Outcome::Replayed(receipt)) => Ok(Accepted {
            receipt,
            created: false,
            redirect: attempt.redirect,
        }),
        Ok(Outcome::Failed { import_id, errors }) => Err(attempt.answer(ApiError::Validation {
            detail: pipeline::summary(&errors),
            errors,
            import_id: Some(import_id),
        })),
        Err(IntakeError::Inactive { status, .. }) => {
            Err(attempt.answer(ApiError::Forbidden(format!(
                "this form's connector is {status}: only an active connector takes submissions"
            ))))
        }
        Err(IntakeError::Store(err)) => Err(attempt.answer(err.into())),
    }
}

/// A filled honeypot: logged `ignored`, no lead, and an answer a bot cannot tell from
/// a real one.
async fn ignore_honeypot(
    attempt: &Attempt<'_>,
    external_id: Option<String>,
) -> Result<Accepted, Refused> {
    let connector = attempt.connector;
    let mut record = attempt.record(ImportStatus::Ignored);
    record.reason = Some("honeypot".to_owned());
    record.external_id = external_id;
    if let Err(err) = attempt.store.log_import(&record).await {
        return Err(attempt.answer(err.into()));
    }
    Ok(Accepted {
        receipt: Receipt {
            status: ImportStatus::Imported,
            lead_id: new_id(),
            client_id: new_id(),
            import_id: record.id,
            assigned_rep: connector.assigned_rep.clone(),
            source: connector.source(),
        },
        created: true,
        redirect: attempt.redirect.clone(),
    })
}
