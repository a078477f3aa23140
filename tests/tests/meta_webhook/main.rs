//! `GET`/`POST /webhooks/meta` against moto (DynamoDB, Secrets Manager) and a Graph API
//! stand-in: the local gateway's for leads that exist, wiremock for Meta's failures.

mod delivery;
mod graph_failures;
mod handshake;
