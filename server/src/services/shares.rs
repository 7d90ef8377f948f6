//! Sharing with lenders: a link (an unguessable token) to a snapshot of the borrower's score,
//! with an EAS off-chain attestation signed for it and bound to the wallet; a threshold share
//! claims only "monthly verified income ≥ $X". Every lender visit is in the audit trail and in
//! the borrower's access log; revoking a share answers 410 on its link and lists its
//! attestation as revoked.

use std::sync::Arc;

use app::api::{
    AttesterInfo, CreatedShare, FreshnessView, ShareRequest, ShareView, SharedReport, VerifyOutcome,
};
use app::error::AppError;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shopscore::wallet::WalletAddress;

use super::views;
use crate::attest::{Attester, ScoreClaim};
use crate::clock::Clock;
use crate::db::{ConnectionStatus, Database, DbError, NewShare, Share, ShareScope};
use crate::secret::Secret;
use crate::vault::{TokenKind, TokenVault};

/// The longest lender name kept.
const MAX_LENDER: usize = 80;

fn internal(context: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{context}");
    AppError::Internal
}

fn db(e: DbError) -> AppError {
    internal("database error", e)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The owner id a share's token is sealed for.
fn sealed_for(id: &str) -> String {
    format!("share/{id}")
}

/// Whole US cents, rounded to the nearest cent (a threshold the borrower typed).
fn cents(usd: f64) -> u64 {
    (usd * 100.0).round().max(0.0) as u64
}

/// Whole US cents, never more than `usd`: the income is already whole cents (the dashboard's
/// figure); flooring keeps floating-point noise from ever rounding it up (the small tolerance
/// reads 4333.33 stored as 4333.3299999 as 433333).
fn cents_floor(usd: f64) -> u64 {
    (usd * 100.0 + 1e-6).floor().max(0.0) as u64
}

/// The shares service.
pub struct ShareService {
    db: Arc<dyn Database>,
    attester: Arc<Attester>,
    vault: Arc<TokenVault>,
    clock: Clock,
    app_url: String,
    max_days: u32,
}

impl ShareService {
    /// Wires it.
    pub fn new(
        db: Arc<dyn Database>,
        attester: Arc<Attester>,
        vault: Arc<TokenVault>,
        clock: Clock,
        app_url: &url::Url,
        max_days: u32,
    ) -> Self {
        ShareService {
            db,
            attester,
            vault,
            clock,
            app_url: app_url.as_str().trim_end_matches('/').to_string(),
            max_days,
        }
    }

    fn url(&self, token: &str) -> String {
        format!("{}/share/{token}", self.app_url)
    }

    /// What the attester is.
    pub fn attester(&self) -> AttesterInfo {
        AttesterInfo {
            address: self.attester.address().to_string(),
            chain_id: self.attester.chain_id(),
            schema: crate::attest::SCHEMA.to_string(),
            schema_uid: self.attester.schema_uid(),
            eas_contract: self.attester.contract().to_string(),
            eas_version: self.attester.eas_version().to_string(),
        }
    }

    /// Shares the wallet's current score.
    pub async fn create(&self, wallet: &str, r: ShareRequest) -> Result<CreatedShare, AppError> {
        let lender = r.lender.trim();
        if lender.is_empty()
            || lender.chars().count() > MAX_LENDER
            || lender.chars().any(char::is_control)
        {
            return Err(AppError::BadRequest(format!(
                "Name the lender in 1 to {MAX_LENDER} characters."
            )));
        }
        if !(1..=self.max_days).contains(&r.expires_in_days) {
            return Err(AppError::BadRequest(format!(
                "A share lasts 1 to {} days.",
                self.max_days
            )));
        }
        let scope = ShareScope::parse(&r.scope)
            .ok_or_else(|| AppError::BadRequest("scope must be full or threshold.".into()))?;
        let recipient = WalletAddress::parse(wallet).map_err(|_| AppError::Unauthorized)?;
        let score = self
            .db
            .load_wallet_score(wallet)
            .await
            .map_err(db)?
            .ok_or_else(|| {
                AppError::BadRequest("There is no score to share yet: connect a shop first.".into())
            })?;
        let view = score.view().map_err(db)?;
        let monthly = cents_floor(view.monthly_income_usd);
        let threshold = match scope {
            ShareScope::Full => None,
            ShareScope::Threshold => {
                let usd = r
                    .threshold_usd
                    .filter(|t| t.is_finite() && *t > 0.0 && *t < 1e12)
                    .ok_or_else(|| {
                        AppError::BadRequest("Give the threshold in US dollars a month.".into())
                    })?;
                let t = cents(usd);
                if monthly < t {
                    return Err(AppError::BadRequest(format!(
                        "Your monthly verified income is below ${usd:.2}: that claim cannot be made."
                    )));
                }
                Some(t)
            }
        };
        let digest = format!("0x{}", view.inputs_digest.trim_start_matches("0x"));
        let full = threshold.is_none();
        let claim = ScoreClaim {
            model_version: view.model_version.clone(),
            score_tenths: if full {
                (view.score * 10.0).round().clamp(0.0, 1000.0) as u16
            } else {
                0
            },
            grade: if full {
                view.grade.clone()
            } else {
                String::new()
            },
            confidence: if full {
                view.confidence.clone()
            } else {
                String::new()
            },
            monthly_income_usd_cents: if full { monthly } else { 0 },
            window_days: view.period_days,
            computed_at: u64::try_from(score.computed_at).unwrap_or(0),
            inputs_digest: digest,
            sources: u8::try_from(view.sources.len()).unwrap_or(u8::MAX),
            threshold_only: !full,
            threshold_usd_cents: threshold.unwrap_or(0),
        };
        let now = self.clock.now();
        // Never beyond the score's freshness: a credential signed today for a score computed
        // weeks ago must not stay valid for the whole requested period.
        let fresh_until = score.computed_at + i64::from(self.max_days) * 86_400;
        if fresh_until <= now + 86_400 {
            return Err(AppError::BadRequest(format!(
                "Your score was computed more than {} days ago: reconnect or wait for the next sync before sharing it.",
                self.max_days.saturating_sub(1)
            )));
        }
        let expires_at = (now + i64::from(r.expires_in_days) * 86_400).min(fresh_until);
        let replaces = self.db.latest_attestation(wallet, now).await.map_err(db)?;
        let (attestation, uid) = self
            .attester
            .issue(
                &claim,
                &recipient,
                u64::try_from(now).unwrap_or(0),
                u64::try_from(expires_at).unwrap_or(0),
                replaces.as_deref(),
            )
            .map_err(|e| internal("cannot sign a credential", e))?;
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token = {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
        };
        let id = hex::encode(rand::random::<[u8; 12]>());
        let sealed = self
            .vault
            .seal(
                &sealed_for(&id),
                TokenKind::Access,
                &Secret::<()>::new(token.clone()),
            )
            .map_err(|e| internal("cannot seal a share link", e))?;
        self.db
            .create_share(&NewShare {
                id: id.clone(),
                wallet: wallet.to_string(),
                token_hash: token_hash(&token),
                token: sealed,
                lender: lender.to_string(),
                scope,
                threshold_cents: threshold.map(|t| t as i64),
                created_at: now,
                expires_at,
                attestation_uid: uid.clone(),
                attestation: attestation.clone(),
                report: view,
            })
            .await
            .map_err(db)?;
        if let Err(e) = self
            .db
            .record_event(
                "share_created",
                Some(wallet),
                &format!("share {id} for {lender}; attestation {uid}"),
                now,
            )
            .await
        {
            tracing::warn!(error = %e, "cannot record an audit event");
        }
        Ok(CreatedShare {
            id,
            url: self.url(&token),
            attestation,
            expires_at: views::rfc3339(expires_at),
        })
    }

    fn view(&self, s: &Share, now: i64) -> ShareView {
        let url = self
            .vault
            .open::<()>(&sealed_for(&s.id), TokenKind::Access, &s.token)
            .map(|t| self.url(t.expose()))
            .unwrap_or_default();
        ShareView {
            id: s.id.clone(),
            lender: s.lender.clone(),
            scope: s.scope.as_str().to_string(),
            threshold_usd: s.threshold_cents.map(|c| c as f64 / 100.0),
            url,
            created_at: views::rfc3339(s.created_at),
            expires_at: views::rfc3339(s.expires_at),
            revoked: s.revoked_at.is_some(),
            expired: now >= s.expires_at,
            last_access_at: s.last_access_at.map(views::rfc3339),
            access_count: s.access_count.max(0) as u64,
            attestation_uid: s.attestation_uid.clone(),
        }
    }

    /// The wallet's shares.
    pub async fn list(&self, wallet: &str) -> Result<Vec<ShareView>, AppError> {
        let now = self.clock.now();
        Ok(self
            .db
            .list_shares(wallet)
            .await
            .map_err(db)?
            .iter()
            .map(|s| self.view(s, now))
            .collect())
    }

    /// Revokes a share.
    pub async fn revoke(&self, wallet: &str, id: &str) -> Result<(), AppError> {
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(AppError::BadRequest("The share id is malformed.".into()));
        }
        let now = self.clock.now();
        if !self.db.revoke_share(wallet, id, now).await.map_err(db)? {
            return Err(AppError::NotFound);
        }
        if let Err(e) = self
            .db
            .record_event("share_revoked", Some(wallet), &format!("share {id}"), now)
            .await
        {
            tracing::warn!(error = %e, "cannot record an audit event");
        }
        Ok(())
    }

    /// The lender's view of a link.
    pub async fn open(&self, token: &str) -> Result<SharedReport, AppError> {
        if token.is_empty() || token.len() > 100 {
            return Err(AppError::NotFound);
        }
        let share = self
            .db
            .share_by_token(&token_hash(token))
            .await
            .map_err(db)?
            .ok_or(AppError::NotFound)?;
        let now = self.clock.now();
        if share.revoked_at.is_some() || now >= share.expires_at {
            return Err(AppError::Gone);
        }
        self.db.touch_share(&share.id, now).await.map_err(db)?;
        if let Err(e) = self
            .db
            .record_event(
                "share_opened",
                Some(&share.wallet),
                &format!("share {} opened by {}", share.id, share.lender),
                now,
            )
            .await
        {
            tracing::warn!(error = %e, "cannot record an audit event");
        }
        let freshness = self
            .db
            .list_connections(&share.wallet)
            .await
            .map_err(db)?
            .iter()
            .map(|c| {
                let stale = views::is_stale(c, now);
                let note = match c.status {
                    ConnectionStatus::Revoked => "Access revoked since: no longer counted.".to_string(),
                    ConnectionStatus::NeedsReconnect => "TikTok Shop no longer accepts this connection: its figures are not being refreshed.".to_string(),
                    ConnectionStatus::Active if stale => "Out of date: the last sync is overdue.".to_string(),
                    ConnectionStatus::Active => "Up to date.".to_string(),
                };
                FreshnessView {
                    name: c.name.clone(),
                    kind: c.account.name().to_string(),
                    status: c.status.as_str().to_string(),
                    last_synced_at: c.last_synced_at.map(views::rfc3339),
                    stale,
                    note,
                }
            })
            .collect();
        Ok(SharedReport {
            lender: share.lender,
            scope: share.scope.as_str().to_string(),
            threshold_usd: share.threshold_cents.map(|c| c as f64 / 100.0),
            score: (share.scope == ShareScope::Full).then_some(share.report),
            wallet: share.wallet,
            freshness,
            attestation: share.attestation,
            attestation_uid: share.attestation_uid,
            created_at: views::rfc3339(share.created_at),
            expires_at: views::rfc3339(share.expires_at),
        })
    }

    /// Verifies an attestation for anyone.
    pub async fn verify(&self, json: &serde_json::Value, recipient: Option<&str>) -> VerifyOutcome {
        let invalid = |reason: &str| VerifyOutcome {
            valid: false,
            reason: Some(reason.to_string()),
            uid: None,
            recipient: None,
            claim: None,
        };
        let recipient = match recipient.map(WalletAddress::parse).transpose() {
            Ok(r) => r,
            Err(_) => return invalid("the recipient is not a wallet address"),
        };
        let uid = json
            .get("sig")
            .unwrap_or(json)
            .get("uid")
            .and_then(|u| u.as_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let revoked = match self.db.is_revoked(&uid).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "cannot check a revocation");
                return invalid("revocation could not be checked; try again");
            }
        };
        let now = u64::try_from(self.clock.now()).unwrap_or(0);
        match self
            .attester
            .verify(json, now, &|_| revoked, recipient.as_ref())
        {
            Ok(v) => VerifyOutcome {
                valid: true,
                reason: None,
                uid: Some(v.uid),
                recipient: Some(v.recipient.to_string()),
                claim: serde_json::to_value(&v.claim).ok(),
            },
            Err(e) => invalid(e.reason()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_income_a_credential_states_is_never_rounded_up() {
        assert_eq!(cents_floor(4333.335), 433333);
        assert_eq!(cents_floor(4333.33), 433333);
        assert_eq!(cents_floor(4750.0), 475000);
        assert_eq!(cents_floor(0.009), 0);
        assert_eq!(cents_floor(-3.0), 0);
        assert_eq!(
            cents(4333.336),
            433334,
            "a typed threshold is read to the nearest cent"
        );
    }
}
