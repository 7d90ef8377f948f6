//! `score_history` and `wallet_scores`: every score computed is kept under its model version;
//! the wallet's current one carries the dashboard's view, so a page view reads one row and
//! recomputes nothing.

use app::api::InsightsView as Insights;
use async_trait::async_trait;
use sqlx::Row;

use super::{to_json, DbError, ScoreRecord, SqlDb, WalletScore};

/// A score to keep.
#[derive(Debug, Clone, PartialEq)]
pub struct NewScore<'a> {
    /// The wallet.
    pub wallet: &'a str,
    /// Model version.
    pub model_version: &'a str,
    /// Inputs digest.
    pub inputs_digest: &'a str,
    /// When.
    pub computed_at: i64,
    /// The score.
    pub score: f64,
    /// The grade.
    pub grade: &'a str,
    /// The income report as JSON.
    pub income: &'a str,
    /// The score report as JSON.
    pub report: &'a str,
}

/// Scores.
#[async_trait]
pub trait ScoreStore {
    /// Keeps a score in the history and makes it the wallet's current one with its view.
    async fn save_score(
        &self,
        score: &NewScore<'_>,
        view: &app::api::ScoreView,
        insights: &Insights,
    ) -> Result<i64, DbError>;
    /// The wallet's current score (its view).
    async fn load_wallet_score(&self, wallet: &str) -> Result<Option<WalletScore>, DbError>;
    /// Forgets the wallet's current score (no connection counts any more); history stays.
    async fn clear_wallet_score(&self, wallet: &str) -> Result<(), DbError>;
    /// One kept score.
    async fn load_score(&self, id: i64) -> Result<Option<ScoreRecord>, DbError>;
    /// The wallet's kept scores, newest first.
    async fn score_history(&self, wallet: &str, limit: i64) -> Result<Vec<ScoreRecord>, DbError>;
}

fn decode(r: &sqlx::any::AnyRow) -> Result<ScoreRecord, DbError> {
    Ok(ScoreRecord {
        id: r.try_get("id")?,
        wallet: r.try_get("wallet")?,
        model_version: r.try_get("model_version")?,
        inputs_digest: r.try_get("inputs_digest")?,
        computed_at: r.try_get("computed_at")?,
        score: r.try_get("score")?,
        grade: r.try_get("grade")?,
        income: r.try_get("income")?,
        report: r.try_get("report")?,
    })
}

#[async_trait]
impl ScoreStore for SqlDb {
    async fn save_score(
        &self,
        s: &NewScore<'_>,
        view: &app::api::ScoreView,
        insights: &Insights,
    ) -> Result<i64, DbError> {
        let mut tx = self.write_tx().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO score_history (wallet, model_version, inputs_digest, computed_at, score, grade, income, report) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(s.wallet)
        .bind(s.model_version)
        .bind(s.inputs_digest)
        .bind(s.computed_at)
        .bind(s.score)
        .bind(s.grade)
        .bind(s.income)
        .bind(s.report)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        sqlx::query(
            "INSERT INTO wallet_scores (wallet, history_id, model_version, computed_at, view, insights) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (wallet) DO UPDATE SET history_id = excluded.history_id, \
               model_version = excluded.model_version, computed_at = excluded.computed_at, \
               view = excluded.view, insights = excluded.insights",
        )
        .bind(s.wallet)
        .bind(id)
        .bind(s.model_version)
        .bind(s.computed_at)
        .bind(to_json("view", view)?)
        .bind(to_json("insights", insights)?)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn load_wallet_score(&self, wallet: &str) -> Result<Option<WalletScore>, DbError> {
        let row = sqlx::query(
            "SELECT wallet, history_id, model_version, computed_at, view, insights FROM wallet_scores \
             WHERE wallet = $1",
        )
        .bind(wallet)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(WalletScore {
                wallet: r.try_get("wallet")?,
                history_id: r.try_get("history_id")?,
                model_version: r.try_get("model_version")?,
                computed_at: r.try_get("computed_at")?,
                view_json: r.try_get("view")?,
                insights_json: r.try_get("insights")?,
            })
        })
        .transpose()
    }

    async fn clear_wallet_score(&self, wallet: &str) -> Result<(), DbError> {
        sqlx::query("DELETE FROM wallet_scores WHERE wallet = $1")
            .bind(wallet)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn load_score(&self, id: i64) -> Result<Option<ScoreRecord>, DbError> {
        let row = sqlx::query("SELECT * FROM score_history WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    async fn score_history(&self, wallet: &str, limit: i64) -> Result<Vec<ScoreRecord>, DbError> {
        let rows = sqlx::query(
            "SELECT * FROM score_history WHERE wallet = $1 ORDER BY computed_at DESC, id DESC LIMIT $2",
        )
        .bind(wallet)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decode).collect()
    }
}
