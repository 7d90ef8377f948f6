//! `TikTokShopConnectButton`: starts the TikTok Shop authorization for the signed-in wallet.

use leptos::prelude::*;

/// Button sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonSize {
    /// Compact, for cards.
    Sm,
    /// The default.
    #[default]
    Md,
    /// Hero-sized.
    Lg,
}

/// Button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonVariant {
    /// Black, TikTok's branding.
    #[default]
    Primary,
    /// Outlined, for secondary places (reconnect).
    Outline,
}

/// Whether the borrower picks the seller market (the instance connects two): provided by the
/// island around the buttons, from the site's settings read on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MarketChoice(pub bool);

impl MarketChoice {
    /// From the site's settings: a choice when the instance connects more than one market
    /// (none when the settings could not be read).
    pub fn of(site: Result<crate::api::SiteInfo, crate::error::AppError>) -> MarketChoice {
        MarketChoice(site.is_ok_and(|site| site.markets.len() > 1))
    }
}

/// The shopping-cart icon (Heroicons, outline).
#[component]
pub fn CartIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor"
            stroke-width="1.5" aria-hidden="true" focusable="false">
            <path stroke-linecap="round" stroke-linejoin="round"
                d="M2.25 3h1.386c.51 0 .955.343 1.087.835l.383 1.437M7.5 14.25a3 3 0 0 0-3 3h15.75m-12.75-3h11.218c1.121-2.3 2.1-4.684 2.924-7.138a60.114 60.114 0 0 0-16.536-1.84M7.5 14.25 5.106 5.272M6 20.25a.75.75 0 1 1-1.5 0 .75.75 0 0 1 1.5 0Zm12.75 0a.75.75 0 1 1-1.5 0 .75.75 0 0 1 1.5 0Z" />
        </svg>
    }
}

/// Connects TikTok Shop: asks the server for the authorize URL (bound to this session and
/// wallet) and sends the browser there. Disabled, with the reason, when no wallet is signed in.
#[component]
pub fn TikTokShopConnectButton(
    /// The signed-in wallet; `None` disables the button.
    wallet: Option<String>,
    /// Size.
    #[prop(optional)]
    size: ButtonSize,
    /// Look.
    #[prop(optional)]
    variant: ButtonVariant,
    /// Text; "Connect TikTok Shop" by default.
    #[prop(optional, into)]
    label: Option<String>,
    /// Use TikTok Shop's creator authorization page (creator affiliates) instead of the
    /// seller's.
    #[prop(optional)]
    creator: bool,
    /// The seller market (`us` or `global`) when it is known (a reconnect); otherwise the
    /// borrower chooses when the instance connects both.
    #[prop(optional, into)]
    market: Option<String>,
    /// Called with the authorize URL just before the browser leaves for TikTok Shop.
    #[prop(optional)]
    on_connection_success: Option<Callback<String>>,
    /// Called with the error message when the authorization cannot start.
    #[prop(optional)]
    on_connection_error: Option<Callback<String>>,
) -> impl IntoView {
    let (loading, set_loading) = signal(false);
    let (error, set_error) = signal(None::<String>);
    // No guessing where a shop is: with two markets and none given, the borrower picks.
    let must_choose = !creator
        && market.is_none()
        && use_context::<MarketChoice>().is_some_and(|choice| choice.0);
    let (chosen, set_chosen) = signal(market);
    let hydrated = super::hydrated();
    // A market picked before the page hydrated is only in the DOM: read it once the radios are
    // there, so the button does not stay disabled with a choice on screen.
    let us_radio = NodeRef::<leptos::html::Input>::new();
    let global_radio = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        let us = us_radio.get().is_some_and(|i| i.checked());
        let global = global_radio.get().is_some_and(|i| i.checked());
        if chosen.get_untracked().is_none() {
            if us {
                set_chosen.set(Some("us".into()));
            } else if global {
                set_chosen.set(Some("global".into()));
            }
        }
    });
    let label = label.unwrap_or_else(|| "Connect TikTok Shop".to_string());
    let group = format!("market-{}", group_suffix(&label));
    let signed_in = wallet.is_some();
    let help_id = format!(
        "connect-help-{}",
        label.to_ascii_lowercase().replace(' ', "-")
    );

    let class = format!(
        "button tiktok-button {} {}",
        match size {
            ButtonSize::Sm => "button-sm",
            ButtonSize::Md => "",
            ButtonSize::Lg => "button-lg",
        },
        match variant {
            ButtonVariant::Primary => "tiktok-primary",
            ButtonVariant::Outline => "tiktok-outline",
        }
    );

    let start = move |_| {
        let Some(wallet) = wallet.clone() else { return };
        set_loading.set(true);
        set_error.set(None);
        leptos::task::spawn_local(async move {
            let account = creator.then(|| "creator".to_string());
            let market = if creator {
                None
            } else {
                chosen.get_untracked()
            };
            match crate::api::tiktokshop_auth(wallet, account, market).await {
                Ok(auth) => {
                    if let Some(callback) = on_connection_success {
                        callback.run(auth.auth_url.clone());
                    }
                    #[cfg(feature = "hydrate")]
                    crate::web3::navigate(&auth.auth_url);
                }
                Err(e) => {
                    let message = e.to_string();
                    if let Some(callback) = on_connection_error {
                        callback.run(message.clone());
                    }
                    set_error.set(Some(message));
                    set_loading.set(false);
                }
            }
        });
    };

    view! {
        <div class="connect-button">
            {must_choose.then(|| {
                    let group = group.clone();
                    view! {
                        <fieldset class="market-choice" data-testid="market-choice">
                            <legend>"Where is your shop registered?"</legend>
                            <label>
                                <input type="radio" name=group.clone() value="us" data-testid="market-us" node_ref=us_radio
                                    on:change=move |_| set_chosen.set(Some("us".into())) />
                                " United States"
                            </label>
                            <label>
                                <input type="radio" name=group value="global" data-testid="market-global" node_ref=global_radio
                                    on:change=move |_| set_chosen.set(Some("global".into())) />
                                " Anywhere else"
                            </label>
                        </fieldset>
                    }
                })}
            <button type="button" class=class data-testid=if creator { "tiktok-connect-creator" } else { "tiktok-connect" }
                on:click=start
                disabled=move || !signed_in || loading.get() || !hydrated.get() || (must_choose && chosen.get().is_none())
                aria-busy=move || loading.get().to_string()
                aria-describedby=help_id.clone()>
                <CartIcon />
                <span>{move || if loading.get() { "Opening TikTok Shop…".to_string() } else { label.clone() }}</span>
            </button>
            {(!signed_in).then(|| view! {
                <p id=help_id.clone() class="help-text">"Sign in with your wallet first: the shop is connected to that wallet."</p>
            })}
            {move || error.get().map(|e| view! { <p class="error-text" role="alert" data-testid="connect-error">{e}</p> })}
        </div>
    }
}

/// A stable suffix for a radio group's name (several buttons on one page).
fn group_suffix(label: &str) -> String {
    label
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}
