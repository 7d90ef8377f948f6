//! The SQL shared by both backends, written once and instantiated for SQLite and PostgreSQL.

/// Implements [`super::Database`] for a backend type with a `pool` field.
macro_rules! impl_database {
    ($ty:ty, $row:ty, $backend:expr, $migrations:tt, $store:expr) => {
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
            fn backend(&self) -> $crate::db::Backend {
                $backend
            }

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

            async fn store_records(&self, connection_id: &str, records: &[shopscore::records::Record], now: i64) -> Result<(), $crate::db::DbError> {
                let mut tx = self.pool.begin().await?;
                for record in records {
                    let body = serde_json::to_string(record).map_err(|e| $crate::db::DbError::Corrupt(e.to_string()))?;
                    sqlx::query(
                        "INSERT INTO connection_records (connection_id, kind, record_id, body, stored_at) \
                         VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (connection_id, kind, record_id) DO UPDATE SET body = excluded.body, stored_at = excluded.stored_at",
                    )
                    .bind(connection_id)
                    .bind(record_kind_name(record.kind()))
                    .bind(record.id())
                    .bind(body)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
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
                        inputs_digest = $4, fetch_issues = $5, status = $6, last_synced_at = $7, source_info = $8 \
                     WHERE id = $9",
                )
                .bind(&c.revenue_data)
                .bind(&c.score)
                .bind(&c.model_version)
                .bind(&c.inputs_digest)
                .bind(&c.fetch_issues)
                .bind(&c.status)
                .bind(c.last_synced_at)
                .bind(&c.source_info)
                .bind(&c.id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn list_connections(&self, wallet: &str) -> Result<Vec<$crate::db::ConnectionRow>, $crate::db::DbError> {
                let rows = sqlx::query("SELECT * FROM business_connections WHERE wallet = $1 ORDER BY connected_at, id")
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
        }
    };
}

pub(crate) use impl_database;
