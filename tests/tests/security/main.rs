//! The security sweep of issue 8: wrong credentials and hostile input on every door,
//! the documented refusal for each, the victim's items unchanged, and no secret in any
//! answer or log line (a key's prefix or id may show).

mod credentials;
mod hostile_input;
