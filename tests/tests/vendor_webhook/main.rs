//! `POST /webhooks/{provider}/{connector_id}` against a real DynamoDB API (moto): every
//! vendor preset through one table per outcome (a signed sample makes one lead and its
//! redelivery replays; a forged, missing or stale signature is 401 with nothing stored;
//! a test delivery is logged `ignored`), and the connectors' signing secrets.

mod presets;
mod secrets;
