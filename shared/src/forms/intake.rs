//! One website-form submission through its checks and the shared pipeline. Every
//! refusal on a known connector is in the import log with its reason.

use super::decode::{self, DecodeError, Encoding};
use super::{cors, redirect, rules, BODY_LIMIT};
use crate::domain::ImportId;
use crate::domain::{Connector, ConnectorStatus, FieldError, ImportRecord, ValidLead};
use crate::domain::{Provider, RequestOrigin};
use crate::mapping::{self, Payload};
use crate::pipeline::{self, inactive_reason, Delivery, Outcome};
use crate::store::keys::RouteKind;
use crate::store::{Store, StoreError};
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

/// A submission the pipeline settled (a honeypot hit is settled `ignored`, answered like a
/// new lead), and where a browser is sent next.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    pub outcome: Outcome,
    pub redirect: Option<Url>,
}

/// Why a submission makes no lead.
#[derive(Debug, thiserror::Error)]
pub enum FormRefusal {
    #[error("there is no form with this id")]
    UnknownForm,
    #[error("the body is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("origin {0} is not allowed to post to this form")]
    Origin(String),
    #[error("{}", inactive_reason(*.0))]
    Inactive(ConnectorStatus),
    #[error(transparent)]
    Undecodable(DecodeError),
    #[error(
        "too many submissions from {}; retry after {retry_after} s",
        subject(scope)
    )]
    Throttled {
        retry_after: u64,
        scope: &'static str,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn subject(scope: &str) -> &'static str {
    match scope {
        rules::IP_SCOPE => "this IP address",
        rules::EMAIL_SCOPE => "this email address",
        _ => "this phone number",
    }
}

/// A refused submission: why, its import-log entry, and where a browser is sent.
#[derive(Debug)]
pub struct Refused {
    pub refusal: FormRefusal,
    pub import_id: Option<ImportId>,
    pub redirect: Option<Url>,
}

impl From<FormRefusal> for Refused {
    fn from(refusal: FormRefusal) -> Self {
        Refused {
            refusal,
            import_id: None,
            redirect: None,
        }
    }
}

/// The website-form connector a public form id routes to.
pub async fn connector(store: &Store, form_id: &str) -> Result<Connector, FormRefusal> {
    if form_id.is_empty() {
        return Err(FormRefusal::UnknownForm);
    }
    store
        .connector_by_route(RouteKind::FormId, form_id)
        .await?
        .filter(|connector| connector.provider == Provider::WebsiteForm)
        .ok_or(FormRefusal::UnknownForm)
}

struct Attempt<'a> {
    store: &'a Store,
    connector: &'a Connector,
    delivery: Delivery<'a>,
    /// Who is counted: the source IP, or one shared bucket when there is none.
    ip: &'a str,
    redirect: Option<Url>,
}

impl Attempt<'_> {
    fn record(&self) -> ImportRecord {
        pipeline::record(self.store.clock(), self.connector, &self.delivery)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.store.clock().epoch()).unwrap_or_default()
    }

    /// Logs the refusal as `failed` with its reason (and field errors), then answers it;
    /// past the few refusals per IP and window that are logged, only counts it.
    async fn refuse(&self, refusal: FormRefusal) -> Refused {
        let counter = rules::refusals(self.connector, self.ip);
        match throttle::hit(self.store, &counter, self.now()).await {
            Ok(Verdict::Allowed) => {}
            Ok(Verdict::Limited { .. }) => return self.answer(refusal),
            Err(err) => return self.answer(err.into()),
        }
        let errors = match &refusal {
            FormRefusal::Undecodable(DecodeError::TooLong(field)) => {
                vec![FieldError::new(field, refusal.to_string())]
            }
            _ => Vec::new(),
        };
        let reason = match &refusal {
            FormRefusal::Throttled { scope, .. } => format!("throttled: {refusal} ({scope})"),
            _ => refusal.to_string(),
        };
        match pipeline::fail(self.store, self.record(), reason, errors).await {
            Ok(outcome) => Refused {
                import_id: Some(outcome.import_id().clone()),
                ..self.answer(refusal)
            },
            Err(err) => self.answer(err.into()),
        }
    }

    /// Answers `refusal` without logging (already logged, or the log is unreachable).
    fn answer(&self, refusal: FormRefusal) -> Refused {
        Refused {
            refusal,
            import_id: None,
            redirect: self.redirect.clone(),
        }
    }

    /// The refusal when any of `rules` is over its limit (the longest wait), counting
    /// this post on each.
    async fn throttled(&self, rules: &[Rule], now: u64) -> Result<(), Refused> {
        let mut limited: Option<(u64, &'static str)> = None;
        for rule in rules {
            match throttle::hit(self.store, rule, now).await {
                Ok(Verdict::Allowed) => {}
                Ok(Verdict::Limited { retry_after }) => {
                    if limited.is_none_or(|(wait, _)| retry_after > wait) {
                        limited = Some((retry_after, rule.scope));
                    }
                }
                Err(err) => return Err(self.answer(err.into())),
            }
        }
        match limited {
            None => Ok(()),
            Some((retry_after, scope)) => Err(self
                .refuse(FormRefusal::Throttled { retry_after, scope })
                .await),
        }
    }
}

/// The reason a filled honeypot is logged `ignored` with.
pub const HONEYPOT: &str = "honeypot";

/// A form body's fields, with the honeypot and the redirect request taken out.
#[derive(Debug, Clone, PartialEq)]
pub struct FormFields {
    pub payload: Payload,
    /// The honeypot field's value: filled only by bots.
    pub honeypot: Option<String>,
    /// Where the form asks a browser to be sent (`_redirect`).
    pub redirect: Option<String>,
}

/// Decodes a form body (by its Content-Type) within the form limits and takes out the
/// fields that are not the lead's.
pub fn fields(
    connector: &Connector,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<FormFields, DecodeError> {
    let encoding = Encoding::of(content_type, body)?;
    let mut payload = decode::decode(encoding, body)?;
    Ok(FormFields {
        honeypot: payload.take(connector.settings.honeypot_field()),
        redirect: payload.take(redirect::REDIRECT_FIELD),
        payload,
    })
}

/// Takes one submission on `connector` through the form's checks and the pipeline. The
/// IP throttle comes before anything is written; then size, origin, status, encoding,
/// the honeypot and the contact throttle, which counts only the leads it lets in.
pub async fn submit(
    store: &Store,
    connector: &Connector,
    submission: Submission<'_>,
) -> Result<Submitted, Refused> {
    let settings = &connector.settings;
    // One byte over the cap, so the entry says it was cut.
    let logged = &submission.body[..submission.body.len().min(ImportRecord::PAYLOAD_CAP + 1)];
    let raw = String::from_utf8_lossy(logged);
    let mut attempt = Attempt {
        store,
        connector,
        ip: submission.client.source_ip.as_deref().unwrap_or("unknown"),
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

    attempt
        .throttled(&[rules::ip(connector, attempt.ip)], attempt.now())
        .await?;
    if submission.body.len() > BODY_LIMIT {
        let refusal = FormRefusal::TooLarge { limit: BODY_LIMIT };
        return Err(attempt.refuse(refusal).await);
    }
    if let cors::Cors::Refused(origin) = cors::check(&settings.allowed_origins, submission.origin) {
        return Err(attempt.refuse(FormRefusal::Origin(origin)).await);
    }
    if !connector.is_active() {
        return Err(attempt
            .refuse(FormRefusal::Inactive(connector.status))
            .await);
    }
    let FormFields {
        payload,
        honeypot,
        redirect: requested,
    } = match fields(connector, submission.content_type, submission.body) {
        Ok(fields) => fields,
        Err(err) => return Err(attempt.refuse(FormRefusal::Undecodable(err)).await),
    };
    attempt.redirect = redirect::target(
        settings.redirect_url.as_deref(),
        requested.as_deref(),
        &settings.allowed_origins,
    );

    let candidate = mapping::map(&payload, &connector.field_aliases);
    if honeypot.is_some() {
        return ignore_honeypot(&attempt, candidate.external_id).await;
    }
    // Only a lead counts against its contacts: junk with someone's address is not
    // counted, and a post that makes no new lead gives its count back.
    let contacts = match ValidLead::try_from(candidate.clone()) {
        Ok(_) => rules::contacts(connector, &candidate),
        Err(_) => Vec::new(),
    };
    let now = attempt.now();
    if let Err(refused) = attempt.throttled(&contacts, now).await {
        release(store, &contacts, now).await;
        return Err(refused);
    }
    let outcome = match pipeline::import(store, connector, candidate, &attempt.delivery).await {
        Ok(outcome) => outcome,
        Err(err) => {
            release(store, &contacts, now).await;
            return Err(attempt.answer(err.into()));
        }
    };
    if !matches!(outcome, Outcome::Imported(_)) {
        release(store, &contacts, now).await;
    }
    Ok(Submitted {
        outcome,
        redirect: attempt.redirect,
    })
}

/// Gives back the contact counts of a post that made no new lead; a failure only
/// tightens the limit.
async fn release(store: &Store, contacts: &[Rule], now: u64) {
    for rule in contacts {
        if let Err(err) = throttle::release(store, rule, now).await {
            tracing::warn!(scope = rule.scope, error = %crate::http::chain(&err), "contact count not given back");
        }
    }
}

/// A filled honeypot: logged `ignored`, no lead; the door answers it as it answers a
/// new lead, so a bot cannot tell.
async fn ignore_honeypot(
    attempt: &Attempt<'_>,
    external_id: Option<String>,
) -> Result<Submitted, Refused> {
    let mut record = attempt.record();
    record.external_id = external_id;
    match pipeline::ignore(attempt.store, record, HONEYPOT).await {
        Ok(outcome) => Ok(Submitted {
            outcome,
            redirect: attempt.redirect.clone(),
        }),
        Err(err) => Err(attempt.answer(err.into())),
    }
}
