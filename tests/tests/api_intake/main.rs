//! `POST /api/v1/leads` against a real DynamoDB API (moto).

mod auth;
mod idempotency;
mod leads;
mod refusals;
