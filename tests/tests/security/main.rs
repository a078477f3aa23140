//! The security sweep of issues 8 and 16: wrong credentials and hostile input on every
//! door, the documented refusal for each, the victim's items unchanged, no secret in
//! any answer or log line (a key's prefix or id may show), and the public doors under
//! abuse.

mod acknowledgements;
mod credentials;
mod email_senders;
mod form_door;
mod hostile_input;
mod inbound_bucket;
mod logs;
mod meta_pages;
mod public_ids;
mod retention;
mod settings;
