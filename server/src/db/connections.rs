//! `business_connections` and the act of connecting: a grant, its connections, their jobs and
//! first checkpoints are written in **one** transaction, tokens sealed with the id the upsert
//! returned; status changes compare the generation they came from; an active TikTok account
//! belongs to one wallet.

use async_trait::async_trait;
use shopscore::money::Currency;
use shopscore::records::SourceKind;
use sqlx::any::AnyRow;
use sqlx::Row;

use super::{
    from_json, to_json, Checkpoint, Connection, ConnectionStatus, DbError, NewConnection, NewGrant,
    Sealer, SqlDb, SyncProgress,
};

/// The platform name stored and shown.
pub const PLATFORM: &str = "tiktok_shop";

/// What [`ConnectionStore::connect`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connected {
    /// The grant's id.
    pub grant_id: String,
    /// Each account's connection id, in the order given.
    pub connection_ids: Vec<String>,
}

/// The first run of each resource of a new (or renewed) connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstRun {
    /// The resource.
    pub resource: String,
    /// Its first slices (connection id left empty: filled in per connection).
    pub slices: Vec<Checkpoint>,
}

/// The connections table.
#[async_trait]
pub trait ConnectionStore {
    /// Stores an authorization and its accounts in one transaction: the grant (tokens sealed
    /// with its id), each connection (a reconnect keeps its id, bumps its generation, ends any
    /// run's lease and starts a new backfill), its jobs and first checkpoints. An account active
    /// on another wallet is [`DbError::AlreadyLinked`] and nothing is written.
    async fn connect(
        &self,
        grant: &NewGrant,
        seal: Sealer<'_>,
        accounts: &[NewConnection],
        first_runs: &[(SourceKind, Vec<FirstRun>)],
        now: i64,
    ) -> Result<Connected, DbError>;
    /// The wallet's connections, oldest first.
    async fn list_connections(&self, wallet: &str) -> Result<Vec<Connection>, DbError>;
    /// The wallet's connections, oldest first, each with the scopes its grant holds (none when
    /// the grant is gone), in one query.
    async fn list_connections_with_scopes(
        &self,
        wallet: &str,
    ) -> Result<Vec<(Connection, Vec<String>)>, DbError>;
    /// One connection.
    async fn load_connection(&self, id: &str) -> Result<Option<Connection>, DbError>;
    /// The connections (of any wallet) of a TikTok shop id or creator open id.
    async fn connections_for_account(&self, account: &str) -> Result<Vec<Connection>, DbError>;
    /// `from` → `to` only while the connection is still at `generation` and in `from`.
    async fn set_status(
        &self,
        id: &str,
        generation: i64,
        from: ConnectionStatus,
        to: ConnectionStatus,
    ) -> Result<bool, DbError>;
    /// Revokes a connection (any status), bumping its generation and ending its lease; the
    /// grant's tokens are deleted when no live connection is left on it.
    async fn revoke_connection(&self, id: &str, now: i64) -> Result<bool, DbError>;
    /// Deletes a wallet's connection (records with it; its grant when it was the last).
    async fn delete_connection(&self, wallet: &str, id: &str) -> Result<bool, DbError>;
    /// Stores a rescore's figures for the connection.
    async fn save_figures(&self, id: &str, figures: &app::api::RevenueData) -> Result<(), DbError>;
}

pub(super) const SELECT: &str = "SELECT id, wallet, grant_id, account_kind, platform_account_id, name, \
    shop_cipher, region, currency, status, generation, connected_at, last_synced_at, source_info, \
    fetch_issues, view, sync_lease_token, sync_fetched, sync_total, next_sync_at FROM business_connections";

pub(super) fn decode(r: &AnyRow) -> Result<Connection, DbError> {
    let kind: String = r.try_get("account_kind")?;
    let currency: String = r.try_get("currency")?;
    let view: Option<String> = r.try_get("view")?;
    let lease: Option<String> = r.try_get("sync_lease_token")?;
    Ok(Connection {
        id: r.try_get("id")?,
        wallet: r.try_get("wallet")?,
        grant_id: r.try_get("grant_id")?,
        account: SourceKind::from_name(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("account kind {kind:?}")))?,
        platform_account_id: r.try_get("platform_account_id")?,
        name: r.try_get("name")?,
        shop_cipher: r.try_get("shop_cipher")?,
        region: r.try_get("region")?,
        currency: Currency::from_code(&currency).map_err(|e| DbError::Corrupt(e.to_string()))?,
        status: ConnectionStatus::parse(&r.try_get::<String, _>("status")?)?,
        generation: r.try_get("generation")?,
        connected_at: r.try_get("connected_at")?,
        last_synced_at: r.try_get("last_synced_at")?,
        source: from_json("source_info", &r.try_get::<String, _>("source_info")?)?,
        fetch_issues: from_json("fetch_issues", &r.try_get::<String, _>("fetch_issues")?)?,
        figures: view.map(|v| from_json("view", &v)).transpose()?,
        sync: SyncProgress {
            running: lease.is_some(),
            fetched: r.try_get("sync_fetched")?,
            total: r.try_get("sync_total")?,
        },
        next_sync_at: r.try_get("next_sync_at")?,
    })
}

fn random_id() -> String {
    hex::encode(rand::random::<[u8; 12]>())
}

#[async_trait]
impl ConnectionStore for SqlDb {
    async fn connect(
        &self,
        grant: &NewGrant,
        seal: Sealer<'_>,
        accounts: &[NewConnection],
        first_runs: &[(SourceKind, Vec<FirstRun>)],
        now: i64,
    ) -> Result<Connected, DbError> {
        let mut tx = self.write_tx().await?;
        // One shop backs one wallet: refuse before writing anything.
        for account in accounts {
            let other = sqlx::query(
                "SELECT wallet FROM business_connections \
                 WHERE platform = $1 AND platform_account_id = $2 AND status <> 'revoked' AND wallet <> $3",
            )
            .bind(PLATFORM)
            .bind(&account.platform_account_id)
            .bind(&grant.wallet)
            .fetch_optional(&mut *tx)
            .await?;
            if other.is_some() {
                return Err(DbError::AlreadyLinked(account.platform_account_id.clone()));
            }
        }
        let grant_id: String = sqlx::query(
            "INSERT INTO tiktok_grants (id, wallet, open_id, user_type, market, scopes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (wallet, open_id) DO UPDATE SET user_type = excluded.user_type, \
               market = excluded.market, scopes = excluded.scopes, updated_at = excluded.updated_at \
             RETURNING id",
        )
        .bind(random_id())
        .bind(&grant.wallet)
        .bind(&grant.open_id)
        .bind(grant.user.as_str())
        .bind(grant.market.as_str())
        .bind(to_json("scopes", &grant.scopes)?)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        // Sealed with the id the upsert returned.
        let tokens = seal(&grant_id).map_err(DbError::Seal)?;
        sqlx::query(
            "UPDATE tiktok_grants SET access_token = $1, access_key_id = $2, access_expires_at = $3, \
               refresh_token = $4, refresh_key_id = $5, refresh_expires_at = $6, \
               token_version = token_version + 1, refresh_lock_owner = NULL, refresh_lock_until = NULL \
             WHERE id = $7",
        )
        .bind(&tokens.access.blob)
        .bind(&tokens.access.key_id)
        .bind(tokens.access_expires_at)
        .bind(&tokens.refresh.blob)
        .bind(&tokens.refresh.key_id)
        .bind(tokens.refresh_expires_at)
        .bind(&grant_id)
        .execute(&mut *tx)
        .await?;
        let mut connection_ids = Vec::with_capacity(accounts.len());
        for account in accounts {
            let result = sqlx::query(
                "INSERT INTO business_connections (id, wallet, grant_id, platform, platform_account_id, \
                   account_kind, name, shop_cipher, region, currency, status, generation, connected_at, \
                   source_info, fetch_issues) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', 0, $11, $12, '[]') \
                 ON CONFLICT (wallet, platform, platform_account_id) DO UPDATE SET \
                   grant_id = excluded.grant_id, name = excluded.name, shop_cipher = excluded.shop_cipher, \
                   region = excluded.region, currency = excluded.currency, status = 'active', \
                   generation = business_connections.generation + 1, connected_at = excluded.connected_at, \
                   source_info = excluded.source_info, fetch_issues = '[]', revoked_at = NULL, \
                   sync_lease_token = NULL, sync_lease_until = NULL, sync_fetched = 0, sync_total = 0 \
                 RETURNING id",
            )
            .bind(random_id())
            .bind(&grant.wallet)
            .bind(&grant_id)
            .bind(PLATFORM)
            .bind(&account.platform_account_id)
            .bind(account.account.name())
            .bind(&account.name)
            .bind(&account.shop_cipher)
            .bind(&account.region)
            .bind(account.currency.code())
            .bind(now)
            .bind(to_json("source_info", &account.source)?)
            .fetch_one(&mut *tx)
            .await;
            let id: String = match result {
                Ok(row) => row.try_get("id")?,
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(DbError::AlreadyLinked(account.platform_account_id.clone()))
                }
                Err(e) => return Err(e.into()),
            };
            // A new backfill: forget the old run's place and every watermark.
            sqlx::query("DELETE FROM sync_checkpoints WHERE connection_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sync_jobs WHERE connection_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            let runs = first_runs
                .iter()
                .find(|(kind, _)| *kind == account.account)
                .map(|(_, runs)| runs.as_slice())
                .unwrap_or_default();
            for run in runs {
                sqlx::query(
                    "INSERT INTO sync_jobs (connection_id, resource, next_run_at, attempts, requested) \
                     VALUES ($1, $2, $3, 0, 0)",
                )
                .bind(&id)
                .bind(&run.resource)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                for slice in &run.slices {
                    super::jobs::insert_checkpoint(&mut tx, &id, slice).await?;
                }
            }
            sqlx::query("UPDATE business_connections SET next_sync_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            connection_ids.push(id);
        }
        tx.commit().await?;
        Ok(Connected {
            grant_id,
            connection_ids,
        })
    }

    async fn list_connections(&self, wallet: &str) -> Result<Vec<Connection>, DbError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE wallet = $1 ORDER BY connected_at, id"
        ))
        .bind(wallet)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    async fn list_connections_with_scopes(
        &self,
        wallet: &str,
    ) -> Result<Vec<(Connection, Vec<String>)>, DbError> {
        let rows = sqlx::query(&format!(
            "SELECT c.*, g.scopes AS grant_scopes FROM ({SELECT} WHERE wallet = $1) c \
             LEFT JOIN tiktok_grants g ON g.id = c.grant_id ORDER BY c.connected_at, c.id"
        ))
        .bind(wallet)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let scopes = match r.try_get::<Option<String>, _>("grant_scopes")? {
                    Some(text) => from_json("scopes", &text)?,
                    None => Vec::new(),
                };
                Ok((decode(r)?, scopes))
            })
            .collect()
    }

    async fn load_connection(&self, id: &str) -> Result<Option<Connection>, DbError> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    async fn connections_for_account(&self, account: &str) -> Result<Vec<Connection>, DbError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE platform = $1 AND platform_account_id = $2"
        ))
        .bind(PLATFORM)
        .bind(account)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    async fn set_status(
        &self,
        id: &str,
        generation: i64,
        from: ConnectionStatus,
        to: ConnectionStatus,
    ) -> Result<bool, DbError> {
        let done = sqlx::query(
            "UPDATE business_connections SET status = $1 \
             WHERE id = $2 AND generation = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(id)
        .bind(generation)
        .bind(from.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_connection(&self, id: &str, now: i64) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let grant: Option<String> = sqlx::query(
            "UPDATE business_connections SET status = 'revoked', generation = generation + 1, \
               revoked_at = $1, sync_lease_token = NULL, sync_lease_until = NULL \
             WHERE id = $2 AND status <> 'revoked' RETURNING grant_id",
        )
        .bind(now)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get::<String, _>("grant_id"))
        .transpose()?;
        let Some(grant) = grant else {
            tx.rollback().await?;
            return Ok(false);
        };
        super::grants::drop_tokens_if_unused(&mut tx, &grant).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn delete_connection(&self, wallet: &str, id: &str) -> Result<bool, DbError> {
        let mut tx = self.write_tx().await?;
        let grant: Option<String> = sqlx::query(
            "DELETE FROM business_connections WHERE id = $1 AND wallet = $2 RETURNING grant_id",
        )
        .bind(id)
        .bind(wallet)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get::<String, _>("grant_id"))
        .transpose()?;
        let Some(grant) = grant else {
            tx.rollback().await?;
            return Ok(false);
        };
        let left: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM business_connections WHERE grant_id = $1")
                .bind(&grant)
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        if left == 0 {
            sqlx::query("DELETE FROM tiktok_grants WHERE id = $1")
                .bind(&grant)
                .execute(&mut *tx)
                .await?;
        } else {
            super::grants::drop_tokens_if_unused(&mut tx, &grant).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn save_figures(&self, id: &str, figures: &app::api::RevenueData) -> Result<(), DbError> {
        sqlx::query("UPDATE business_connections SET view = $1 WHERE id = $2")
            .bind(to_json("view", figures)?)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
