//! `/`: what shopscore does for a borrower, and where sign-in and connecting a shop happen.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::{current_wallet, get_site_info};
use crate::components::connect_button::{
    ButtonSize, ButtonVariant, MarketChoice, TikTokShopConnectButton,
};
use crate::components::estimator::IncomeEstimator;
use crate::components::wallet::WalletSignIn;

/// The landing page.
#[component]
pub fn LandingPage() -> impl IntoView {
    let wallet = crate::codec::Resource::new_with_options(|| (), |_| current_wallet(), false);
    let info = crate::codec::OnceResource::new_with_options(get_site_info(), false);
    view! {
        <Title text="Verified TikTok Shop income for lenders" />
        <section class="hero">
            <div class="hero-text">
                <p class="eyebrow">"For TikTok Shop sellers and creators"</p>
                <h1>"Turn your TikTok Shop sales into credit a lender can trust"</h1>
                <p class="lead">
                    "Connect your shop or creator account with read-only access. shopscore reads your "
                    "actual orders, refunds, payouts and affiliate commissions, and gives your wallet a "
                    "verified-income report and a credit score that lenders can check."
                </p>
                <div class="hero-actions">
                    <a class="button button-primary" href="#connect">"Get started"</a>
                    <a class="button button-ghost" href="#how-it-works">"How it works"</a>
                </div>
            </div>
            <IncomeEstimator />
        </section>

        <section id="how-it-works" class="section" aria-labelledby="how-title">
            <h2 id="how-title">"How it works"</h2>
            <ol class="steps">
                <li class="card">
                    <h3>"1. Sign in with your wallet"</h3>
                    <p>"Your crypto wallet is your identity with the lender. Signing a message proves it is yours; no transaction, no fee."</p>
                </li>
                <li class="card">
                    <h3>"2. Connect TikTok Shop"</h3>
                    <p>"Approve read-only access on TikTok Shop. We never change your listings, orders or payouts."</p>
                </li>
                <li class="card">
                    <h3>"3. Get your verified income and score"</h3>
                    <p>"90 days of sales, refunds, settled payouts and commissions become a score from 0 to 100 with the reasons behind it."</p>
                </li>
            </ol>
        </section>

        <section class="section" aria-labelledby="lenders-title">
            <h2 id="lenders-title">"What a lender sees"</h2>
            <div class="feature-grid">
                <div class="card">
                    <h3>"Verified, not reported"</h3>
                    <p>"Sales are checked against the payouts TikTok Shop actually settled. A gap lowers confidence."</p>
                </div>
                <div class="card">
                    <h3>"Sellers and creators"</h3>
                    <p>"Shop revenue and affiliate commissions count together; several shops add up to one borrower."</p>
                </div>
                <div class="card">
                    <h3>"Explained and reproducible"</h3>
                    <p>"Four factors (revenue, consistency, reliability, growth), the reasons behind them, and a model version with an inputs digest."</p>
                </div>
            </div>
        </section>

        <section id="connect" class="section card connect-panel" aria-labelledby="connect-title">
            <h2 id="connect-title">"Connect your shop"</h2>
            <p>
                "Sign in with your wallet, then connect TikTok Shop. Shops in the US, Canada, the UK, "
                "the EU and Southeast Asia are supported."
            </p>
            <Suspense fallback=|| ()>
                {move || {
                    let wallet = wallet.get()?.ok().flatten().map(|w| w.address);
                    let market_choice = MarketChoice::of(info.get()?);
                    Some(view! { <ConnectActions wallet=wallet market_choice=market_choice /> })
                }}
            </Suspense>
        </section>
    }
}

/// Sign-in and the connect buttons: an island on the otherwise static page.
#[island]
fn ConnectActions(
    /// The signed-in wallet, if any.
    wallet: Option<String>,
    /// Whether the connect buttons ask for the seller market.
    market_choice: MarketChoice,
) -> impl IntoView {
    provide_context(market_choice);
    view! {
        <div class="connect-actions" data-testid="connect-area">
            <div class="connect-step">
                <h3>"1. Sign in"</h3>
                <WalletSignIn wallet=wallet.clone() />
            </div>
            <div class="connect-step">
                <h3>"2. Connect"</h3>
                <TikTokShopConnectButton wallet=wallet.clone() size=ButtonSize::Lg />
                <TikTokShopConnectButton wallet=wallet creator=true variant=ButtonVariant::Outline
                    label="Connect as a creator" />
            </div>
            <a class="button button-ghost" href="/dashboard">"Open your dashboard"</a>
        </div>
    }
}
