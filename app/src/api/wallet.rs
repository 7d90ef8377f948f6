//! Sign-In with Ethereum (EIP-4361): nonce, verify, logout, and who is signed in.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json};

use super::types::{NonceResponse, WalletSession};
use crate::error::AppError;

/// `GET /api/wallet/nonce` → `{"nonce": "…"}`: single use, expires in 10 minutes.
#[server(prefix = "/api", endpoint = "wallet/nonce", input = GetUrl, output = Json)]
pub async fn wallet_nonce() -> Result<NonceResponse, AppError> {
    use super::server::{services, session};
    let session = session().await?;
    let nonce = services()?.wallet_nonce(&session).await?;
    Ok(NonceResponse { nonce })
}

/// `POST /api/wallet/verify` with `{"message": "<EIP-4361 text>", "signature": "0x…"}` →
/// `{"address": "0x…"}`; binds the wallet to a new session.
#[server(prefix = "/api", endpoint = "wallet/verify", input = Json, output = Json)]
pub async fn wallet_verify(message: String, signature: String) -> Result<WalletSession, AppError> {
    use super::server::{services, session};
    let session = session().await?;
    let address = services()?
        .wallet_verify(&session, &message, &signature)
        .await?;
    Ok(WalletSession { address })
}

/// `POST /api/wallet/logout`: ends the wallet session.
#[server(prefix = "/api", endpoint = "wallet/logout", input = Json, output = Json)]
pub async fn wallet_logout() -> Result<(), AppError> {
    use super::server::{services, session};
    let session = session().await?;
    services()?.wallet_logout(&session).await
}

/// `POST /api/wallet/logout-everywhere`: ends every session the wallet signed in on.
#[server(prefix = "/api", endpoint = "wallet/logout-everywhere")]
pub async fn wallet_logout_everywhere() -> Result<u64, AppError> {
    use super::server::{services, session};
    let session = session().await?;
    services()?.wallet_logout_everywhere(&session).await
}

/// `GET /api/wallet/me` → the signed-in wallet, or `null`.
#[server(prefix = "/api", endpoint = "wallet/me", input = GetUrl, output = Json)]
pub async fn current_wallet() -> Result<Option<WalletSession>, AppError> {
    use super::server::{prefetched, services, session};
    use crate::ports::PrefetchedWallet;
    // A landing page render: the server read the wallet already.
    let wallet = match prefetched::<PrefetchedWallet>() {
        Some(PrefetchedWallet(wallet)) => wallet,
        None => services()?.current_wallet(&session().await?).await?,
    };
    Ok(wallet.map(|address| WalletSession { address }))
}
