//! `connection_records`: the normalised TikTok records of a connection, upserted by TikTok id.
//! A page's records and its checkpoint commit together, fenced by the run's lease, in one
//! multi-row statement per chunk; reading streams the records of a wallet's connections.

use async_trait::async_trait;
use futures::TryStreamExt;
use shopscore::records::Record;
use sqlx::Row;

use super::jobs::{fence, insert_checkpoint};
use super::{Checkpoint, DbError, RunLease, SqlDb};

/// Rows per multi-row upsert (5 parameters each; well under both dialects' limits).
const CHUNK: usize = 200;

/// A stored record. serde_json writes a record's `type` tag first; a body that starts with
/// a known tag is read as that variant's struct at once (the tag is a field the struct
/// ignores), which spares the tagged enum's buffering of every field (a rescore reads every
/// stored record). Any other body is read as the tagged enum.
pub(crate) fn decode(body: &str) -> Result<Record, DbError> {
    fn read<T: serde::de::DeserializeOwned>(body: &str) -> serde_json::Result<T> {
        serde_json::from_str(body)
    }
    let tag = body
        .strip_prefix("{\"type\":\"")
        .and_then(|rest| rest.split_once('"'))
        .filter(|(_, after)| after.starts_with(','))
        .map(|(tag, _)| tag);
    let record = match tag {
        Some("order") => read(body).map(Record::Order),
        Some("return") => read(body).map(Record::Return),
        Some("statement") => read(body).map(Record::Statement),
        Some("payment") => read(body).map(Record::Payment),
        Some("unsettled") => read(body).map(Record::Unsettled),
        Some("affiliateOrder") => read(body).map(Record::AffiliateOrder),
        Some("sellerAffiliateOrder") => read(body).map(Record::SellerAffiliateOrder),
        Some("product") => read(body).map(Record::Product),
        _ => read::<Record>(body),
    };
    record.map_err(|e| DbError::Corrupt(format!("a stored record: {e}")))
}

/// The records table.
#[async_trait]
pub trait RecordStore {
    /// Upserts one page's records and moves the slice's checkpoint past it in one transaction,
    /// only while `lease` holds the connection; the run's progress counters move too (by the
    /// page's records, and by `newly_counted`: a slice's `total_count` when first learned).
    /// Returns how many records are new or changed.
    async fn store_page(
        &self,
        lease: &RunLease,
        checkpoint: &Checkpoint,
        records: &[Record],
        newly_counted: i64,
        now: i64,
    ) -> Result<u64, DbError>;
    /// Deletes records of one kind by id, only while `lease` holds the connection (a snapshot
    /// resource drops what TikTok no longer lists). Returns how many went.
    async fn delete_records(
        &self,
        lease: &RunLease,
        kind: &str,
        ids: &[String],
    ) -> Result<u64, DbError>;
    /// Streams the stored records of the given connections into `sink`, one at a time.
    async fn for_each_record(
        &self,
        connection_ids: &[String],
        sink: &mut (dyn FnMut(Record) + Send),
    ) -> Result<(), DbError>;
    /// The ids of the stored records of one kind, in id order (streamed).
    async fn for_each_record_id(
        &self,
        connection_id: &str,
        kind: &str,
        sink: &mut (dyn FnMut(String) + Send),
    ) -> Result<(), DbError>;
}

#[async_trait]
impl RecordStore for SqlDb {
    async fn store_page(
        &self,
        lease: &RunLease,
        k: &Checkpoint,
        records: &[Record],
        newly_counted: i64,
        now: i64,
    ) -> Result<u64, DbError> {
        let bodies: Vec<(&str, &str, String)> = records
            .iter()
            .map(|r| {
                serde_json::to_string(r)
                    .map(|body| (r.kind().name(), r.id(), body))
                    .map_err(|e| DbError::Corrupt(e.to_string()))
            })
            .collect::<Result<_, _>>()?;
        let mut tx = self.write_tx().await?;
        // The fence: nothing is written unless this run still holds the lease.
        fence(&mut tx, lease).await?;
        insert_checkpoint(&mut tx, &lease.connection_id, k).await?;
        let mut changed = 0;
        for chunk in bodies.chunks(CHUNK) {
            let mut sql = String::from(
                "INSERT INTO connection_records (connection_id, kind, record_id, body, stored_at) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 5;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                ));
            }
            sql.push_str(
                " ON CONFLICT (connection_id, kind, record_id) DO UPDATE SET body = excluded.body, \
                  stored_at = excluded.stored_at WHERE connection_records.body <> excluded.body",
            );
            let mut query = sqlx::query(&sql);
            for (kind, id, body) in chunk {
                query = query
                    .bind(lease.connection_id.as_str())
                    .bind(*kind)
                    .bind(*id)
                    .bind(body.as_str())
                    .bind(now);
            }
            changed += query.execute(&mut *tx).await?.rows_affected();
        }
        sqlx::query(
            "UPDATE business_connections SET sync_fetched = sync_fetched + $1, \
               sync_total = sync_total + $2 WHERE id = $3",
        )
        .bind(records.len() as i64)
        .bind(newly_counted)
        .bind(&lease.connection_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(changed)
    }

    async fn delete_records(
        &self,
        lease: &RunLease,
        kind: &str,
        ids: &[String],
    ) -> Result<u64, DbError> {
        let mut tx = self.write_tx().await?;
        fence(&mut tx, lease).await?;
        let mut deleted = 0;
        for chunk in ids.chunks(CHUNK) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 3)).collect();
            let sql = format!(
                "DELETE FROM connection_records WHERE connection_id = $1 AND kind = $2 \
                 AND record_id IN ({})",
                list.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(&lease.connection_id).bind(kind);
            for id in chunk {
                query = query.bind(id);
            }
            deleted += query.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(deleted)
    }

    async fn for_each_record(
        &self,
        connection_ids: &[String],
        sink: &mut (dyn FnMut(Record) + Send),
    ) -> Result<(), DbError> {
        for id in connection_ids {
            let mut rows =
                sqlx::query("SELECT body FROM connection_records WHERE connection_id = $1")
                    .bind(id)
                    .fetch(&self.pool);
            while let Some(row) = rows.try_next().await? {
                let body: String = row.try_get("body")?;
                sink(decode(&body)?);
            }
        }
        Ok(())
    }

    async fn for_each_record_id(
        &self,
        connection_id: &str,
        kind: &str,
        sink: &mut (dyn FnMut(String) + Send),
    ) -> Result<(), DbError> {
        let mut rows = sqlx::query(
            "SELECT record_id FROM connection_records WHERE connection_id = $1 AND kind = $2 \
             ORDER BY record_id",
        )
        .bind(connection_id)
        .bind(kind)
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            sink(row.try_get("record_id")?);
        }
        Ok(())
    }
}
