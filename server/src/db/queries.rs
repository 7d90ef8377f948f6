//! The SQL shared by both backends, written once and instantiated for SQLite and PostgreSQL.

/// Implements [`super::Database`] for a backend type with a `pool` field.
macro_rules! impl_database {
    ($ty:ty, $row:ty, $migrations:tt, $store:expr, $claim:expr) => {
        /// A connection with its sync progress and next due job.
        const CONNECTION_SELECT: &str = "SELECT c.*, \
            CAST(COALESCE((SELECT SUM(k.fetched) FROM sync_checkpoints k WHERE k.connection_id = c.id), 0) AS BIGINT) AS sync_fetched, \
            CAST(COALESCE((SELECT SUM(k.total) FROM sync_checkpoints k WHERE k.connection_id = c.id), 0) AS BIGINT) AS sync_total, \
            (SELECT MIN(j.next_run_at) FROM sync_jobs j WHERE j.connection_id = c.id) AS next_sync_at \
            FROM business_connections c";

        fn row_to_checkpoint(r: &$row) -> Result<$crate::db::CheckpointRow, $crate::db::DbError> {
            use sqlx::Row;
            Ok($crate::db::CheckpointRow {
                connection_id: r.try_get("connection_id")?,
                resource: r.try_get("resource")?,
                slice: r.try_get("slice")?,
                incremental: r.try_get::<i64, _>("incremental")? != 0,
                window_from: r.try_get("window_from")?,
                window_until: r.try_get("window_until")?,
                page_token: r.try_get("page_token")?,
                done: r.try_get::<i64, _>("done")? != 0,
                fetched: r.try_get("fetched")?,
                total: r.try_get("total")?,
            })
        }

        fn row_to_connection(r: &$row) -> Result<$crate::db::ConnectionRow, $crate::db::DbError> {
            use sqlx::Row;
            let sealed = |blob: Option<Vec<u8>>, key: Option<String>| match (blob, key) {
                (Some(blob), Some(key_id)) => Some($crate::db::SealedToken { key_id, blob }),
                _ => None,
            };
            let scopes: String = r.try_get("scopes")?;
            Ok($crate::db::ConnectionRow {
                id: r.try_get("id")?,
                wallet: r.try_get("wallet")?,
                platform: r.try_get("platform")?,
                platform_account_id: r.try_get("platform_account_id")?,
                account_kind: r.try_get("account_kind")?,
                open_id: r.try_get("open_id")?,
                shop_name: r.try_get("shop_name")?,
                shop_cipher: r.try_get("shop_cipher")?,
                region: r.try_get("region")?,
                currency: r.try_get("currency")?,
                seller_type: r.try_get("seller_type")?,
                status: r.try_get("status")?,
                scopes: serde_json::from_str(&scopes)
                    .map_err(|e| $crate::db::DbError::Corrupt(format!("scopes: {e}")))?,
                access_token: sealed(r.try_get("access_token")?, r.try_get("access_key_id")?),
                access_expires_at: r.try_get("access_expires_at")?,
                refresh_token: sealed(r.try_get("refresh_token")?, r.try_get("refresh_key_id")?),
                refresh_expires_at: r.try_get("refresh_expires_at")?,
                connected_at: r.try_get("connected_at")?,
                last_synced_at: r.try_get("last_synced_at")?,
                source_info: r.try_get("source_info")?,
                revenue_data: r.try_get("revenue_data")?,
                score: r.try_get("score")?,
                model_version: r.try_get("model_version")?,
                inputs_digest: r.try_get("inputs_digest")?,
                fetch_issues: r.try_get("fetch_issues")?,
                sync_fetched: r.try_get("sync_fetched")?,
                sync_total: r.try_get("sync_total")?,
                next_sync_at: r.try_get("next_sync_at")?,
            })
        }

        fn record_kind_name(kind: shopscore::records::RecordKind) -> &'static str {
            use shopscore::records::RecordKind;
            match kind {
                RecordKind::Order => "order",
                RecordKind::Return => "return",
                RecordKind::Statement => "statement",
                RecordKind::Payment => "payment",
                RecordKind::AffiliateOrder => "affiliate_order",
                RecordKind::Product => "product",
            }
        }

        #[async_trait::async_trait]
        impl $crate::db::Database for $ty {
            async fn migrate(&self) -> Result<(), $crate::db::DbError> {
                sqlx::migrate!($migrations)
                    .run(&self.pool)
                    .await
                    .map_err(|e| $crate::db::DbError::Migration(e.to_string()))?;
                self.session_store()
                    .migrate()
                    .await
                    .map_err(|e| $crate::db::DbError::Migration(e.to_string()))
            }

            async fn ping(&self) -> Result<(), $crate::db::DbError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            fn session_store(&self) -> $crate::db::AnySessionStore {
                ($store)(self.pool.clone())
            }

            async fn record_event(&self, kind: &str, wallet: Option<&str>, detail: &str) -> Result<(), $crate::db::DbError> {
                sqlx::query("INSERT INTO audit_events (occurred_at, kind, wallet, detail) VALUES ($1, $2, $3, $4)")
                    .bind($crate::db::now_unix())
                    .bind(kind)
                    .bind(wallet)
                    .bind(detail)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn recent_events(&self, limit: i64) -> Result<Vec<(String, Option<String>, String)>, $crate::db::DbError> {
                use sqlx::Row;
                let rows = sqlx::query("SELECT kind, wallet, detail FROM audit_events ORDER BY id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(rows.into_iter().map(|r| (r.get("kind"), r.get("wallet"), r.get("detail"))).collect())
            }

            async fn create_wallet_nonce(&self, nonce: &str, session_id: &str, now: i64, expires_at: i64) -> Result<(), $crate::db::DbError> {
                sqlx::query("INSERT INTO wallet_nonces (nonce, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(nonce)
                    .bind(session_id)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn redeem_wallet_nonce(&self, nonce: &str, session_id: &str, now: i64) -> Result<$crate::db::Redeemed<()>, $crate::db::DbError> {
                use sqlx::Row;
                let used = sqlx::query(
                    "UPDATE wallet_nonces SET used_at = $1 \
                     WHERE nonce = $2 AND session_id = $3 AND used_at IS NULL AND expires_at > $1",
                )
                .bind(now)
                .bind(nonce)
                .bind(session_id)
                .execute(&self.pool)
                .await?;
                if used.rows_affected() == 1 {
                    return Ok($crate::db::Redeemed::Fresh(()));
                }
                let row = sqlx::query("SELECT used_at, expires_at FROM wallet_nonces WHERE nonce = $1 AND session_id = $2")
                    .bind(nonce)
                    .bind(session_id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(match row {
                    None => $crate::db::Redeemed::Unknown,
                    Some(r) if r.get::<Option<i64>, _>("used_at").is_some() => $crate::db::Redeemed::Reused,
                    Some(_) => $crate::db::Redeemed::Expired,
                })
            }

            async fn create_oauth_state(&self, state_hash: &str, session_id: &str, wallet: &str, now: i64, expires_at: i64) -> Result<(), $crate::db::DbError> {
                sqlx::query(
                    "INSERT INTO oauth_states (state_hash, session_id, wallet, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(state_hash)
                .bind(session_id)
                .bind(wallet)
                .bind(now)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn redeem_oauth_state(&self, state_hash: &str, now: i64) -> Result<$crate::db::Redeemed<(String, String)>, $crate::db::DbError> {
                use sqlx::Row;
                let fresh = sqlx::query(
                    "UPDATE oauth_states SET used_at = $1 \
                     WHERE state_hash = $2 AND used_at IS NULL AND expires_at > $1 \
                     RETURNING session_id, wallet",
                )
                .bind(now)
                .bind(state_hash)
                .fetch_optional(&self.pool)
                .await?;
                if let Some(r) = fresh {
                    return Ok($crate::db::Redeemed::Fresh((r.get("session_id"), r.get("wallet"))));
                }
                let row = sqlx::query("SELECT used_at FROM oauth_states WHERE state_hash = $1")
                    .bind(state_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(match row {
                    None => $crate::db::Redeemed::Unknown,
                    Some(r) if r.get::<Option<i64>, _>("used_at").is_some() => $crate::db::Redeemed::Reused,
                    Some(_) => $crate::db::Redeemed::Expired,
                })
            }

            async fn upsert_connection(&self, c: &$crate::db::ConnectionRow) -> Result<String, $crate::db::DbError> {
                use sqlx::Row;
                let scopes = serde_json::to_string(&c.scopes).map_err(|e| $crate::db::DbError::Corrupt(e.to_string()))?;
                let row = sqlx::query(
                    "INSERT INTO business_connections (id, wallet, platform, platform_account_id, account_kind, open_id, \
                        shop_name, shop_cipher, region, currency, seller_type, status, scopes, access_token, access_key_id, \
                        access_expires_at, refresh_token, refresh_key_id, refresh_expires_at, connected_at, last_synced_at, \
                        source_info, revenue_data, score, model_version, inputs_digest, fetch_issues) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
                        $21, $22, $23, $24, $25, $26, $27) \
                     ON CONFLICT (wallet, platform, platform_account_id) DO UPDATE SET \
                        account_kind = excluded.account_kind, open_id = excluded.open_id, shop_name = excluded.shop_name, \
                        shop_cipher = excluded.shop_cipher, region = excluded.region, currency = excluded.currency, \
                        seller_type = excluded.seller_type, status = excluded.status, scopes = excluded.scopes, \
                        access_token = excluded.access_token, access_key_id = excluded.access_key_id, \
                        access_expires_at = excluded.access_expires_at, refresh_token = excluded.refresh_token, \
                        refresh_key_id = excluded.refresh_key_id, refresh_expires_at = excluded.refresh_expires_at, \
                        connected_at = excluded.connected_at, source_info = excluded.source_info \
                     RETURNING id",
                )
                .bind(&c.id)
                .bind(&c.wallet)
                .bind(&c.platform)
                .bind(&c.platform_account_id)
                .bind(&c.account_kind)
                .bind(&c.open_id)
                .bind(&c.shop_name)
                .bind(&c.shop_cipher)
                .bind(&c.region)
                .bind(&c.currency)
                .bind(&c.seller_type)
                .bind(&c.status)
                .bind(scopes)
                .bind(c.access_token.as_ref().map(|t| t.blob.clone()))
                .bind(c.access_token.as_ref().map(|t| t.key_id.clone()))
                .bind(c.access_expires_at)
                .bind(c.refresh_token.as_ref().map(|t| t.blob.clone()))
                .bind(c.refresh_token.as_ref().map(|t| t.key_id.clone()))
                .bind(c.refresh_expires_at)
                .bind(c.connected_at)
                .bind(c.last_synced_at)
                .bind(&c.source_info)
                .bind(&c.revenue_data)
                .bind(&c.score)
                .bind(&c.model_version)
                .bind(&c.inputs_digest)
                .bind(&c.fetch_issues)
                .fetch_one(&self.pool)
                .await?;
                Ok(row.get("id"))
            }

            async fn for_each_record(&self, connection_ids: &[String], sink: &mut (dyn FnMut(shopscore::records::Record) + Send)) -> Result<(), $crate::db::DbError> {
                use futures::TryStreamExt;
                use sqlx::Row;
                for id in connection_ids {
                    let mut rows = sqlx::query("SELECT body FROM connection_records WHERE connection_id = $1")
                        .bind(id)
                        .fetch(&self.pool);
                    while let Some(row) = rows.try_next().await? {
                        let body: String = row.try_get("body")?;
                        let record = serde_json::from_str(&body)
                            .map_err(|e| $crate::db::DbError::Corrupt(format!("record of connection {id}: {e}")))?;
                        sink(record);
                    }
                }
                Ok(())
            }

            async fn save_connection_results(&self, c: &$crate::db::ConnectionRow) -> Result<(), $crate::db::DbError> {
                sqlx::query(
                    "UPDATE business_connections SET revenue_data = $1, score = $2, model_version = $3, \
                        inputs_digest = $4, fetch_issues = $5, last_synced_at = $6, source_info = $7 \
                     WHERE id = $8",
                )
                .bind(&c.revenue_data)
                .bind(&c.score)
                .bind(&c.model_version)
                .bind(&c.inputs_digest)
                .bind(&c.fetch_issues)
                .bind(c.last_synced_at)
                .bind(&c.source_info)
                .bind(&c.id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn list_connections(&self, wallet: &str) -> Result<Vec<$crate::db::ConnectionRow>, $crate::db::DbError> {
                let rows = sqlx::query(&format!("{CONNECTION_SELECT} WHERE c.wallet = $1 ORDER BY c.connected_at, c.id"))
                    .bind(wallet)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(row_to_connection).collect()
            }

            async fn delete_connection(&self, wallet: &str, id: &str) -> Result<bool, $crate::db::DbError> {
                // Records go with it (ON DELETE CASCADE); so do the encrypted tokens in the row.
                let deleted = sqlx::query("DELETE FROM business_connections WHERE id = $1 AND wallet = $2")
                    .bind(id)
                    .bind(wallet)
                    .execute(&self.pool)
                    .await?;
                Ok(deleted.rows_affected() == 1)
            }

            async fn save_wallet_score(&self, s: &$crate::db::WalletScoreRow) -> Result<(), $crate::db::DbError> {
                sqlx::query(
                    "INSERT INTO wallet_scores (wallet, income, score, model_version, inputs_digest, computed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (wallet) DO UPDATE SET income = excluded.income, score = excluded.score, \
                        model_version = excluded.model_version, inputs_digest = excluded.inputs_digest, \
                        computed_at = excluded.computed_at",
                )
                .bind(&s.wallet)
                .bind(&s.income)
                .bind(&s.score)
                .bind(&s.model_version)
                .bind(&s.inputs_digest)
                .bind(s.computed_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn delete_wallet_score(&self, wallet: &str) -> Result<(), $crate::db::DbError> {
                sqlx::query("DELETE FROM wallet_scores WHERE wallet = $1").bind(wallet).execute(&self.pool).await?;
                Ok(())
            }

            async fn load_wallet_score(&self, wallet: &str) -> Result<Option<$crate::db::WalletScoreRow>, $crate::db::DbError> {
                use sqlx::Row;
                let row = sqlx::query("SELECT * FROM wallet_scores WHERE wallet = $1")
                    .bind(wallet)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| {
                    Ok($crate::db::WalletScoreRow {
                        wallet: r.try_get("wallet")?,
                        income: r.try_get("income")?,
                        score: r.try_get("score")?,
                        model_version: r.try_get("model_version")?,
                        inputs_digest: r.try_get("inputs_digest")?,
                        computed_at: r.try_get("computed_at")?,
                    })
                })
                .transpose()
            }
            async fn load_connection(&self, id: &str) -> Result<Option<$crate::db::ConnectionRow>, $crate::db::DbError> {
                let row = sqlx::query(&format!("{CONNECTION_SELECT} WHERE c.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.as_ref().map(row_to_connection).transpose()
            }

            async fn connections_for_account(&self, account: &str) -> Result<Vec<$crate::db::ConnectionRow>, $crate::db::DbError> {
                let rows = sqlx::query(&format!("{CONNECTION_SELECT} WHERE c.platform_account_id = $1 ORDER BY c.id"))
                    .bind(account)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(row_to_connection).collect()
            }

            async fn save_tokens(&self, id: &str, previous_refresh: &$crate::db::SealedToken, access: &$crate::db::SealedToken, access_expires_at: i64, refresh: &$crate::db::SealedToken, refresh_expires_at: i64) -> Result<bool, $crate::db::DbError> {
                let saved = sqlx::query(
                    "UPDATE business_connections SET access_token = $1, access_key_id = $2, access_expires_at = $3, \
                        refresh_token = $4, refresh_key_id = $5, refresh_expires_at = $6 \
                     WHERE id = $7 AND status = 'active' AND refresh_token = $8",
                )
                .bind(&access.blob)
                .bind(&access.key_id)
                .bind(access_expires_at)
                .bind(&refresh.blob)
                .bind(&refresh.key_id)
                .bind(refresh_expires_at)
                .bind(id)
                .bind(&previous_refresh.blob)
                .execute(&self.pool)
                .await?;
                Ok(saved.rows_affected() == 1)
            }

            async fn set_connection_status(&self, id: &str, status: &str, delete_tokens: bool) -> Result<(), $crate::db::DbError> {
                let sql = if delete_tokens {
                    "UPDATE business_connections SET status = $1, access_token = NULL, access_key_id = NULL, \
                        access_expires_at = NULL, refresh_token = NULL, refresh_key_id = NULL, refresh_expires_at = NULL \
                     WHERE id = $2"
                } else {
                    "UPDATE business_connections SET status = $1 WHERE id = $2"
                };
                sqlx::query(sql).bind(status).bind(id).execute(&self.pool).await?;
                Ok(())
            }

            async fn claim_due_connection(&self, owner: &str, now: i64, lease_until: i64) -> Result<Option<String>, $crate::db::DbError> {
                use sqlx::Row;
                let row = sqlx::query($claim)
                    .bind(owner)
                    .bind(lease_until)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| r.get("id")))
            }

            async fn lease_connection(&self, id: &str, owner: &str, now: i64, lease_until: i64) -> Result<bool, $crate::db::DbError> {
                let done = sqlx::query(
                    "UPDATE business_connections SET sync_lease_owner = $1, sync_lease_until = $2 \
                     WHERE id = $3 AND (sync_lease_owner IS NULL OR sync_lease_until IS NULL OR sync_lease_until < $4 OR sync_lease_owner = $1)",
                )
                .bind(owner)
                .bind(lease_until)
                .bind(id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn renew_lease(&self, id: &str, owner: &str, lease_until: i64) -> Result<bool, $crate::db::DbError> {
                let done = sqlx::query("UPDATE business_connections SET sync_lease_until = $1 WHERE id = $2 AND sync_lease_owner = $3")
                    .bind(lease_until)
                    .bind(id)
                    .bind(owner)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn release_lease(&self, id: &str, owner: &str) -> Result<(), $crate::db::DbError> {
                sqlx::query("UPDATE business_connections SET sync_lease_owner = NULL, sync_lease_until = NULL WHERE id = $1 AND sync_lease_owner = $2")
                    .bind(id)
                    .bind(owner)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn ensure_sync_jobs(&self, connection_id: &str, resources: &[&str], next_run_at: i64) -> Result<(), $crate::db::DbError> {
                let mut tx = self.pool.begin().await?;
                for resource in resources {
                    sqlx::query(
                        "INSERT INTO sync_jobs (connection_id, resource, next_run_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (connection_id, resource) DO NOTHING",
                    )
                    .bind(connection_id)
                    .bind(*resource)
                    .bind(next_run_at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn reset_sync_jobs(&self, connection_id: &str, resources: &[&str], now: i64) -> Result<(), $crate::db::DbError> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM sync_checkpoints WHERE connection_id = $1").bind(connection_id).execute(&mut *tx).await?;
                sqlx::query("DELETE FROM sync_jobs WHERE connection_id = $1").bind(connection_id).execute(&mut *tx).await?;
                for resource in resources {
                    sqlx::query("INSERT INTO sync_jobs (connection_id, resource, next_run_at) VALUES ($1, $2, $3)")
                        .bind(connection_id)
                        .bind(*resource)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn list_sync_jobs(&self, connection_id: &str) -> Result<Vec<$crate::db::SyncJobRow>, $crate::db::DbError> {
                use sqlx::Row;
                let rows = sqlx::query("SELECT * FROM sync_jobs WHERE connection_id = $1 ORDER BY resource")
                    .bind(connection_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| {
                        Ok($crate::db::SyncJobRow {
                            connection_id: r.try_get("connection_id")?,
                            resource: r.try_get("resource")?,
                            next_run_at: r.try_get("next_run_at")?,
                            watermark: r.try_get("watermark")?,
                            last_run_at: r.try_get("last_run_at")?,
                            attempts: r.try_get("attempts")?,
                            issue: r.try_get("issue")?,
                        })
                    })
                    .collect()
            }

            async fn request_sync(&self, connection_id: &str, resources: &[&str], now: i64) -> Result<(), $crate::db::DbError> {
                for resource in resources {
                    sqlx::query("UPDATE sync_jobs SET next_run_at = $1, requested = 1 WHERE connection_id = $2 AND resource = $3")
                        .bind(now)
                        .bind(connection_id)
                        .bind(*resource)
                        .execute(&self.pool)
                        .await?;
                }
                Ok(())
            }

            async fn defer_job(&self, connection_id: &str, resource: &str, next_run_at: i64) -> Result<(), $crate::db::DbError> {
                sqlx::query("UPDATE sync_jobs SET next_run_at = $1, attempts = attempts + 1, requested = 0 WHERE connection_id = $2 AND resource = $3")
                    .bind(next_run_at)
                    .bind(connection_id)
                    .bind(resource)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn finish_job(&self, connection_id: &str, resource: &str, o: &$crate::db::JobOutcome) -> Result<(), $crate::db::DbError> {
                let mut tx = self.pool.begin().await?;
                // A request that arrived during the run keeps the job due.
                sqlx::query(
                    "UPDATE sync_jobs SET next_run_at = CASE WHEN requested = 1 THEN next_run_at ELSE $1 END, \
                        watermark = COALESCE($2, watermark), last_run_at = $3, \
                        attempts = CASE WHEN $4 = 1 THEN attempts + 1 ELSE 0 END, issue = $5 \
                     WHERE connection_id = $6 AND resource = $7",
                )
                .bind(o.next_run_at)
                .bind(o.watermark)
                .bind(o.now)
                .bind(if o.issue.is_some() { 1i64 } else { 0i64 })
                .bind(&o.issue)
                .bind(connection_id)
                .bind(resource)
                .execute(&mut *tx)
                .await?;
                if o.watermark.is_some() {
                    sqlx::query("DELETE FROM sync_checkpoints WHERE connection_id = $1 AND resource = $2")
                        .bind(connection_id)
                        .bind(resource)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn take_requests(&self, connection_id: &str) -> Result<(), $crate::db::DbError> {
                sqlx::query("UPDATE sync_jobs SET requested = 0 WHERE connection_id = $1")
                    .bind(connection_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn load_checkpoints(&self, connection_id: &str, resource: &str) -> Result<Vec<$crate::db::CheckpointRow>, $crate::db::DbError> {
                let rows = sqlx::query("SELECT * FROM sync_checkpoints WHERE connection_id = $1 AND resource = $2 ORDER BY slice")
                    .bind(connection_id)
                    .bind(resource)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(row_to_checkpoint).collect()
            }

            async fn create_checkpoints(&self, slices: &[$crate::db::CheckpointRow]) -> Result<(), $crate::db::DbError> {
                let mut tx = self.pool.begin().await?;
                for k in slices {
                    sqlx::query(
                        "INSERT INTO sync_checkpoints (connection_id, resource, slice, incremental, window_from, window_until, \
                            page_token, done, fetched, total) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    )
                    .bind(&k.connection_id)
                    .bind(&k.resource)
                    .bind(k.slice)
                    .bind(i64::from(k.incremental))
                    .bind(k.window_from)
                    .bind(k.window_until)
                    .bind(&k.page_token)
                    .bind(i64::from(k.done))
                    .bind(k.fetched)
                    .bind(k.total)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn store_page(&self, owner: &str, k: &$crate::db::CheckpointRow, records: &[shopscore::records::Record], now: i64) -> Result<u64, $crate::db::DbError> {
                let mut tx = self.pool.begin().await?;
                // The fence: the checkpoint moves only while this instance holds the lease, and
                // the records commit with it or not at all.
                let moved = sqlx::query(
                    "UPDATE sync_checkpoints SET page_token = $1, done = $2, fetched = $3, total = $4 \
                     WHERE connection_id = $5 AND resource = $6 AND slice = $7 \
                       AND EXISTS (SELECT 1 FROM business_connections b WHERE b.id = $5 AND b.sync_lease_owner = $8)",
                )
                .bind(&k.page_token)
                .bind(i64::from(k.done))
                .bind(k.fetched)
                .bind(k.total)
                .bind(&k.connection_id)
                .bind(&k.resource)
                .bind(k.slice)
                .bind(owner)
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() != 1 {
                    tx.rollback().await?;
                    return Err($crate::db::DbError::LeaseLost(k.connection_id.clone()));
                }
                let mut changed = 0;
                for record in records {
                    let body = serde_json::to_string(record).map_err(|e| $crate::db::DbError::Corrupt(e.to_string()))?;
                    let done = sqlx::query(
                        "INSERT INTO connection_records (connection_id, kind, record_id, body, stored_at) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (connection_id, kind, record_id) DO UPDATE SET body = excluded.body, stored_at = excluded.stored_at \
                         WHERE connection_records.body <> excluded.body",
                    )
                    .bind(&k.connection_id)
                    .bind(record_kind_name(record.kind()))
                    .bind(record.id())
                    .bind(body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    changed += done.rows_affected();
                }
                tx.commit().await?;
                Ok(changed)
            }

            async fn start_run(&self, id: &str, connection_id: &str, owner: &str, started_ms: i64) -> Result<(), $crate::db::DbError> {
                sqlx::query("INSERT INTO sync_runs (id, connection_id, owner, started_ms) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(connection_id)
                    .bind(owner)
                    .bind(started_ms)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn finish_run(&self, id: &str, finished_ms: i64, outcome: &str) -> Result<(), $crate::db::DbError> {
                sqlx::query("UPDATE sync_runs SET finished_ms = $1, outcome = $2 WHERE id = $3")
                    .bind(finished_ms)
                    .bind(outcome)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_runs(&self, connection_id: &str) -> Result<Vec<(String, i64, Option<i64>)>, $crate::db::DbError> {
                use sqlx::Row;
                let rows = sqlx::query("SELECT owner, started_ms, finished_ms FROM sync_runs WHERE connection_id = $1 ORDER BY started_ms, id")
                    .bind(connection_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get("owner")?, r.try_get("started_ms")?, r.try_get("finished_ms")?)))
                    .collect()
            }

            async fn record_webhook(&self, notification_id: &str, shop_id: &str, kind: i64, now: i64) -> Result<bool, $crate::db::DbError> {
                let done = sqlx::query(
                    "INSERT INTO webhook_deliveries (notification_id, shop_id, kind, received_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (notification_id) DO NOTHING",
                )
                .bind(notification_id)
                .bind(shop_id)
                .bind(kind)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn forget_webhook(&self, notification_id: &str) -> Result<(), $crate::db::DbError> {
                sqlx::query("DELETE FROM webhook_deliveries WHERE notification_id = $1")
                    .bind(notification_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn purge_expired(&self, now: i64, webhooks_before: i64) -> Result<u64, $crate::db::DbError> {
                let mut gone = 0;
                for (sql, cutoff) in [
                    ("DELETE FROM wallet_nonces WHERE expires_at < $1", now),
                    ("DELETE FROM oauth_states WHERE expires_at < $1", now),
                    ("DELETE FROM webhook_deliveries WHERE received_at < $1", webhooks_before),
                ] {
                    gone += sqlx::query(sql).bind(cutoff).execute(&self.pool).await?.rows_affected();
                }
                Ok(gone)
            }

            async fn for_each_record_id(&self, connection_id: &str, kind: &str, sink: &mut (dyn FnMut(String) + Send)) -> Result<(), $crate::db::DbError> {
                use futures::TryStreamExt;
                use sqlx::Row;
                let mut rows = sqlx::query("SELECT record_id FROM connection_records WHERE connection_id = $1 AND kind = $2 ORDER BY record_id")
                    .bind(connection_id)
                    .bind(kind)
                    .fetch(&self.pool);
                while let Some(row) = rows.try_next().await? {
                    sink(row.try_get("record_id")?);
                }
                Ok(())
            }
        }
    };
}

pub(crate) use impl_database;
