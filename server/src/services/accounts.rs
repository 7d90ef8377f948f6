//! What a TikTok grant covers: the seller's authorized shops (in the supported regions), or the
//! creator account with its region from TikTok (the creator profile, else the token), never a
//! silent default.

use app::api::ConnectFailure;
use shopscore::money::Currency;
use shopscore::records::{SellerType, SourceInfo, SourceKind};
use shopscore::region::{availability_of, Availability, Region};

use crate::db::NewConnection;
use crate::tiktok::api::{GetAuthorizedShops, GetCreatorProfile};
use crate::tiktok::{
    AccessToken, ApiRequest, ErrorKind, Scope, TikTokClient, TikTokError, UserType,
};

/// What discovery found.
pub struct Discovered {
    /// The accounts to connect.
    pub accounts: Vec<NewConnection>,
    /// Why some (or all) were left out.
    pub left_out: Option<ConnectFailure>,
}

/// A TikTok failure while connecting, as the borrower reads it.
pub fn failure_of(error: &TikTokError, permission: &str) -> ConnectFailure {
    match error.kind() {
        ErrorKind::InvalidToken => ConnectFailure::TokenRevoked,
        ErrorKind::TokenExpired => ConnectFailure::TokenExpired,
        ErrorKind::MissingScope => ConnectFailure::MissingPermission(permission.to_string()),
        ErrorKind::ServerError
        | ErrorKind::Timeout
        | ErrorKind::Transport
        | ErrorKind::RateLimited
        | ErrorKind::Decode
        | ErrorKind::TooLarge => ConnectFailure::TikTokUnavailable,
        _ => {
            tracing::error!(error = %error, "connecting failed on a TikTok answer we did not expect");
            ConnectFailure::Internal
        }
    }
}

fn seller_type(text: &str) -> Option<SellerType> {
    match text.trim() {
        "LOCAL" => Some(SellerType::Local),
        "CROSS_BORDER" => Some(SellerType::CrossBorder),
        _ => None,
    }
}

/// A supported region's code and currency, or why it is not.
fn supported(region: &str) -> Result<(Region, Currency), ConnectFailure> {
    if region.trim().is_empty() {
        return Err(ConnectFailure::RegionUnknown);
    }
    if availability_of(region) != Availability::Supported {
        return Err(ConnectFailure::RestrictedRegion);
    }
    let region = Region::from_code(region).ok_or(ConnectFailure::RestrictedRegion)?;
    let currency = region
        .default_currency()
        .ok_or(ConnectFailure::RestrictedRegion)?;
    Ok((region, currency))
}

fn connection(
    kind: SourceKind,
    id: &str,
    name: &str,
    region: Region,
    currency: Currency,
    cipher: Option<String>,
    seller: Option<SellerType>,
) -> NewConnection {
    let mut source = SourceInfo::new(id, kind, currency);
    source.name = name.to_string();
    source.region = Some(region);
    source.seller_type = seller;
    NewConnection {
        account: kind,
        platform_account_id: id.to_string(),
        name: name.to_string(),
        shop_cipher: cipher,
        region: region.code().to_string(),
        currency,
        source,
    }
}

/// The accounts a grant covers.
pub async fn discover(
    client: &TikTokClient,
    token: &AccessToken,
    user: UserType,
    open_id: &str,
    seller_name: &str,
    base_region: &str,
) -> Result<Discovered, ConnectFailure> {
    match user {
        UserType::Seller => shops(client, token, open_id).await,
        UserType::Creator => creator(client, token, open_id, seller_name, base_region).await,
        UserType::Partner => Err(ConnectFailure::PartnerAccount),
        UserType::Other(value) => {
            tracing::warn!(
                user_type = value,
                "TikTok granted an account of an unknown user_type"
            );
            Err(ConnectFailure::PartnerAccount)
        }
    }
}

async fn shops(
    client: &TikTokClient,
    token: &AccessToken,
    open_id: &str,
) -> Result<Discovered, ConnectFailure> {
    let list = client
        .send(token, Scope::User(open_id), &GetAuthorizedShops)
        .await
        .map_err(|e| failure_of(&e, GetAuthorizedShops::SCOPE))?;
    let mut left_out = None;
    let mut accounts = Vec::new();
    for (id, reason) in &list.shops.bad {
        tracing::warn!(shop.id = %id, %reason, "an authorized shop could not be read; skipped");
    }
    for shop in &list.shops.ok {
        let (region, currency) = match supported(&shop.region) {
            Ok(found) => found,
            Err(why) => {
                tracing::info!(region = %shop.region, "skipping a shop outside the supported regions");
                left_out.get_or_insert(why);
                continue;
            }
        };
        if shop.id.is_empty() || shop.cipher.is_empty() {
            tracing::warn!(shop.id = %shop.id, "skipping a shop without an id or a cipher");
            continue;
        }
        accounts.push(connection(
            SourceKind::Shop,
            &shop.id,
            &shop.name,
            region,
            currency,
            Some(shop.cipher.clone()),
            seller_type(&shop.seller_type),
        ));
    }
    if accounts.is_empty() {
        return Err(left_out.unwrap_or(ConnectFailure::NoShop));
    }
    Ok(Discovered { accounts, left_out })
}

async fn creator(
    client: &TikTokClient,
    token: &AccessToken,
    open_id: &str,
    seller_name: &str,
    base_region: &str,
) -> Result<Discovered, ConnectFailure> {
    // The region comes from the creator's profile; without the profile permission, from the
    // token's region when TikTok sent one; otherwise it is unknown and said so.
    let profile = match client
        .send(token, Scope::User(open_id), &GetCreatorProfile)
        .await
    {
        Ok(profile) => Some(profile),
        Err(e) if e.code() == Some(crate::tiktok::codes::CREATOR_NO_SALE_REGION) => {
            return Err(ConnectFailure::RegionUnknown)
        }
        Err(e) if e.kind() == ErrorKind::MissingScope => None,
        Err(e) => return Err(failure_of(&e, GetCreatorProfile::SCOPE)),
    };
    let region = profile
        .as_ref()
        .map(|p| p.selection_region.trim())
        .filter(|r| !r.is_empty())
        .or_else(|| {
            profile
                .as_ref()
                .map(|p| p.register_region.trim())
                .filter(|r| !r.is_empty())
        })
        .unwrap_or(base_region.trim())
        .to_string();
    let (region, currency) = supported(&region)?;
    let name = profile
        .as_ref()
        .map(|p| p.username.trim())
        .filter(|n| !n.is_empty())
        .unwrap_or(seller_name.trim());
    let name = if name.is_empty() {
        "Creator account"
    } else {
        name
    };
    Ok(Discovered {
        accounts: vec![connection(
            SourceKind::Creator,
            open_id,
            name,
            region,
            currency,
            None,
            profile.as_ref().and_then(|p| seller_type(&p.seller_type)),
        )],
        left_out: None,
    })
}
