//! `leadctl doctor`: what a deployed stack needs and AWS can tell, one line per check,
//! ok / warn / fail with what to do. A check AWS (or a local emulator) cannot answer is
//! a warning that says so, never a crash.

mod aws_checks;
mod meta_pages;
mod stack_checks;

use crate::target::Target;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
    /// What to do about a warning or failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    pub fn ok(name: &str, detail: impl Into<String>) -> Self {
        Self::new(name, Status::Ok, detail, None)
    }

    pub fn warn(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Status::Warn, detail, Some(fix.into()))
    }

    pub fn fail(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Status::Fail, detail, Some(fix.into()))
    }

    /// AWS could not answer: said as a warning, with the cause.
    pub fn unknown(name: &str, error: &dyn std::error::Error) -> Self {
        let detail = format!("could not check: {}", shared::http::chain(error));
        Self::new(name, Status::Warn, detail, None)
    }

    /// A check that needs the stack's outputs, run with `--table` only.
    pub fn needs_stack(name: &str) -> Self {
        let fix = "run with --stack <stack name> so its outputs name what to check";
        Self::warn(name, "could not check: no stack named", fix)
    }

    fn new(name: &str, status: Status, detail: impl Into<String>, fix: Option<String>) -> Self {
        Self {
            name: name.to_owned(),
            status,
            detail: detail.into(),
            fix,
        }
    }

    fn line(&self) -> String {
        let status = match self.status {
            Status::Ok => "ok  ",
            Status::Warn => "warn",
            Status::Fail => "FAIL",
        };
        match &self.fix {
            Some(fix) => format!("{status}  {}: {} -> {fix}", self.name, self.detail),
            None => format!("{status}  {}: {}", self.name, self.detail),
        }
    }
}

/// Runs every check and prints them; fails (exit 1) when any check failed.
pub async fn run(target: &Target, json: bool) -> ExitCode {
    let mut checks = Vec::new();
    checks.extend(aws_checks::table(target).await);
    checks.extend(aws_checks::receipt_rule_set(target).await);
    checks.extend(aws_checks::identities(target).await);
    checks.push(aws_checks::sandbox(target).await);
    checks.push(stack_checks::meta_secret(target).await);
    checks.push(meta_pages::reconnects(target).await);
    checks.extend(stack_checks::failure_queues(target).await);
    if json {
        match serde_json::to_string_pretty(&checks) {
            Ok(text) => println!("{text}"),
            Err(err) => eprintln!("leadctl: could not write JSON: {err}"),
        }
    } else {
        for check in &checks {
            println!("{}", check.line());
        }
    }
    match checks.iter().any(|c| c.status == Status::Fail) {
        true => ExitCode::FAILURE,
        false => ExitCode::SUCCESS,
    }
}
