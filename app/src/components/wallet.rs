//! Wallet sign-in: a button that asks the browser wallet (EIP-1193) for an account, has it sign
//! the EIP-4361 message with a server nonce, and sends both to the server.

use leptos::prelude::*;

use super::form::PostForm;

/// Shortens `0x1234…abcd` for display.
pub fn short_address(address: &str) -> String {
    if address.len() > 12 {
        format!("{}…{}", &address[..6], &address[address.len() - 4..])
    } else {
        address.to_string()
    }
}

#[cfg(feature = "hydrate")]
async fn sign_in_flow() -> Result<(), String> {
    use crate::api::{wallet_nonce, wallet_verify};
    use crate::web3;
    let account = web3::request_account().await?;
    let address = shopscore::wallet::WalletAddress::parse(&account)
        .map_err(|e| format!("The wallet shared an unusable address: {e}"))?
        .to_string();
    let nonce = wallet_nonce().await.map_err(|e| e.to_string())?.nonce;
    let (host, origin) = web3::location();
    let message = crate::siwe::siwe_message(&host, &address, &origin, &nonce, &web3::now_iso());
    let signature = web3::personal_sign(&message, &account).await?;
    wallet_verify(message, signature)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Sign in with the browser wallet, or show who is signed in with a sign-out button.
#[component]
pub fn WalletSignIn(
    /// The signed-in wallet, if any.
    wallet: Option<String>,
) -> impl IntoView {
    let (busy, set_busy) = signal(false);
    let (error, set_error) = signal(None::<String>);
    let hydrated = super::hydrated();
    let (has_provider, set_has_provider) = signal(true);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        set_has_provider.set(crate::web3::has_provider());
        #[cfg(not(feature = "hydrate"))]
        let _ = set_has_provider;
    });

    let sign_in = move |_| {
        set_busy.set(true);
        set_error.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match sign_in_flow().await {
                Ok(()) => crate::web3::reload(),
                Err(message) => {
                    set_error.set(Some(message));
                    set_busy.set(false);
                }
            }
        });
    };
    let sign_out = move |_| {
        set_busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let _ = crate::api::wallet_logout().await;
            crate::web3::reload();
        });
    };

    let everywhere = ServerAction::<crate::api::WalletLogoutEverywhere>::new();
    Effect::new(move |_| {
        if everywhere.value().get().is_some() {
            #[cfg(feature = "hydrate")]
            crate::web3::reload();
        }
    });
    match wallet {
        Some(address) => view! {
            <div class="wallet-chip" data-testid="wallet-signed-in">
                <span class="wallet-dot" aria-hidden="true"></span>
                <span>"Signed in as "</span>
                <code title=address.clone()>{short_address(&address)}</code>
                <button type="button" class="button button-ghost button-sm" on:click=sign_out
                    disabled=move || busy.get() || !hydrated.get()>
                    "Sign out"
                </button>
                <PostForm action=everywhere read=|_| Ok(crate::api::WalletLogoutEverywhere {}) class="inline-form">
                    <button type="submit" class="button button-ghost button-sm" data-testid="sign-out-everywhere">"Sign out everywhere"</button>
                </PostForm>
            </div>
        }
        .into_any(),
        None => view! {
            <div class="wallet-sign-in">
                <button type="button" class="button button-primary" data-testid="wallet-sign-in"
                    on:click=sign_in
                    disabled=move || busy.get() || !hydrated.get() || !has_provider.get()
                    aria-describedby="wallet-help">
                    {move || if busy.get() { "Check your wallet…" } else { "Sign in with wallet" }}
                </button>
                <p id="wallet-help" class="help-text" role="status">
                    {move || {
                        if !hydrated.get() {
                            "Signing in needs JavaScript and a browser wallet.".to_string()
                        } else if !has_provider.get() {
                            "No wallet found in this browser. Install a wallet extension such as MetaMask or Rabby, then reload this page.".to_string()
                        } else {
                            "Your wallet signs a message to prove it is yours. No transaction, no fee.".to_string()
                        }
                    }}
                </p>
                {move || error.get().map(|e| view! { <p class="error-text" role="alert" data-testid="wallet-error">{e}</p> })}
            </div>
        }
        .into_any(),
    }
}
