//! `leadctl`: what an operator of a deployed stack does by hand. It writes through the
//! same use cases as the admin API (`shared::admin`), so what it stores is exactly what
//! the API would store. Standard AWS configuration (profile, region, `AWS_ENDPOINT_URL`).

mod commands;
mod doctor;
mod meta;
mod target;

use clap::{Args, Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "leadctl",
    version,
    about = "Operate a Lead Connectors deployment"
)]
struct Cli {
    #[command(flatten)]
    target: target::TargetArgs,
    /// Answer JSON (for scripts) instead of lines for people.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a workspace (and its first admin key), show or change its settings.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Issue, list and revoke a workspace's API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// The Meta webhook secret: app secret and verify token (page tokens are each
    /// workspace's: `PUT /admin/meta/pages/{page_id}`).
    #[command(subcommand)]
    Meta(MetaCommand),
    /// Check what a deployed stack needs: table, SES, the Meta secret, failure queues.
    Doctor,
}

#[derive(Debug, Subcommand)]
enum WorkspaceCommand {
    /// A new workspace; its first admin key is printed once.
    Create {
        /// The email slug: the local part of the workspace's forwarding address.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        /// Where lead notifications go when a lead has no assigned rep.
        #[arg(long)]
        notify: Option<String>,
    },
    /// The workspace and its settings.
    Show {
        #[arg(long)]
        workspace: String,
    },
    /// Change settings; only the options given change ("" clears a text).
    Set(SetArgs),
}

#[derive(Debug, Args)]
pub struct SetArgs {
    #[arg(long)]
    pub workspace: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub slug: Option<String>,
    #[arg(long)]
    pub notify: Option<String>,
    /// Reviewer addresses, comma-separated ("" for none).
    #[arg(long)]
    pub reviewers: Option<String>,
    /// Acknowledge new leads by email: on or off.
    #[arg(long, value_parser = ["on", "off"])]
    pub acknowledge: Option<String>,
    #[arg(long)]
    pub sender: Option<String>,
    #[arg(long)]
    pub sender_name: Option<String>,
    #[arg(long)]
    pub acknowledgement_subject: Option<String>,
    #[arg(long)]
    pub acknowledgement_body: Option<String>,
    #[arg(long)]
    pub notification_subject: Option<String>,
    #[arg(long)]
    pub safety_lock_minutes: Option<u32>,
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Issue a key; it is printed once.
    Create {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_parser = ["admin", "leads:write"])]
        scope: Vec<String>,
        #[arg(long)]
        name: Option<String>,
    },
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Revoke a key by its id (as `list` shows it): it stops working at once.
    Revoke {
        #[arg(long)]
        workspace: String,
        id: String,
    },
}

#[derive(Debug, Subcommand)]
enum MetaCommand {
    /// Fill the secret: what is given replaces what is there; the rest stays.
    Set {
        /// The secret's name or ARN (default: the stack's `MetaWebhookSecretName`).
        #[arg(long)]
        secret_id: Option<String>,
        /// The Meta app's id: Connect Meta opens Facebook Login for this app.
        #[arg(long)]
        app_id: Option<String>,
        /// The Meta app's secret; `-` reads it from standard input.
        #[arg(long)]
        app_secret: Option<String>,
        #[arg(long)]
        verify_token: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = commands::Out { json: cli.json };
    let result = match target::Target::resolve(&cli.target).await {
        Ok(target) => run(&target, out, cli.command).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("leadctl: {}", err.describe());
            ExitCode::FAILURE
        }
    }
}

async fn run(
    target: &target::Target,
    out: commands::Out,
    command: Command,
) -> Result<ExitCode, commands::CliError> {
    use commands as c;
    if let Command::Doctor = command {
        return Ok(doctor::run(target, out.json).await);
    }
    match command {
        Command::Workspace(WorkspaceCommand::Create { slug, name, notify }) => {
            c::create_workspace(target, out, &slug, &name, notify).await
        }
        Command::Workspace(WorkspaceCommand::Show { workspace }) => {
            c::show_workspace(target, out, &workspace).await
        }
        Command::Workspace(WorkspaceCommand::Set(args)) => {
            c::set_workspace(target, out, args).await
        }
        Command::ApiKey(ApiKeyCommand::Create {
            workspace,
            scope,
            name,
        }) => c::create_key(target, out, &workspace, scope, name).await,
        Command::ApiKey(ApiKeyCommand::List { workspace }) => {
            c::list_keys(target, out, &workspace).await
        }
        Command::ApiKey(ApiKeyCommand::Revoke { workspace, id }) => {
            c::revoke_key(target, out, &workspace, &id).await
        }
        Command::Meta(MetaCommand::Set {
            secret_id,
            app_id,
            app_secret,
            verify_token,
        }) => {
            let change = meta::MetaChange {
                app_id,
                app_secret,
                verify_token,
            };
            meta::set_meta(target, out, secret_id, change).await
        }
        Command::Doctor => Ok(()),
    }?;
    Ok(ExitCode::SUCCESS)
}
