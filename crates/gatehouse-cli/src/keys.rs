//! `keys create|list|revoke`: operator API keys.

use anyhow::{bail, Result};
use gatehouse_server::service::{now, operators};
use gatehouse_store::Db;

use crate::KeysCommand;

pub async fn keys(db: &Db, command: &KeysCommand) -> Result<()> {
    match command {
        KeysCommand::Create { name, scope } => {
            let (key, secret) = operators::create_key(db, name, (*scope).into(), now())
                .await
                .map_err(|e| anyhow::anyhow!("cannot create key: {e}"))?;
            tracing::info!(key_id = %key.id, scope = key.scope.as_str(), "operator key created");
            println!("{secret}");
        }
        KeysCommand::List => {
            let keys = operators::list_keys(db)
                .await
                .map_err(|e| anyhow::anyhow!("cannot list keys: {e}"))?;
            for k in keys {
                let state = match k.revoked_at {
                    Some(t) => format!("revoked {}", t.to_rfc3339()),
                    None => "active".to_owned(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    k.id,
                    k.scope.as_str(),
                    k.created_at.to_rfc3339(),
                    state,
                    k.name
                );
            }
        }
        KeysCommand::Revoke { id } => match operators::revoke_key(db, id, now()).await {
            Ok(()) => println!("revoked {id}"),
            Err(gatehouse_server::error::ApiError::NotFound) => {
                bail!("no active key with id {id}")
            }
            Err(e) => bail!("cannot revoke key: {e}"),
        },
    }
    Ok(())
}
