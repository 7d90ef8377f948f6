//! How a TikTok Shop connection attempt ended: one enum for the server's redirect (its query
//! string) and the dashboard's explanation (parsed back from that query), so the two can never
//! disagree.

/// Why a connection attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The user declined on TikTok's page.
    ConsentDenied,
    /// No state came back (and no App Store install could be told from it).
    StateMissing,
    /// A state we never issued, or one issued to another browser or wallet.
    StateInvalid,
    /// The state expired.
    StateExpired,
    /// The state was used already.
    StateReused,
    /// No authorization code came back.
    CodeMissing,
    /// TikTok refused the code (expired, used, forged).
    CodeRejected,
    /// The authorization holds no active shop.
    NoShop,
    /// The shops are outside the supported regions.
    RestrictedRegion,
    /// TikTok did not say where the creator sells.
    RegionUnknown,
    /// A partner (agency) account: shopscore reads sellers and creators only.
    PartnerAccount,
    /// The account is connected to another wallet.
    AlreadyLinked,
    /// A permission was not granted.
    MissingPermission(String),
    /// The authorization expired.
    TokenExpired,
    /// The authorization was revoked.
    TokenRevoked,
    /// TikTok is not answering.
    TikTokUnavailable,
    /// An App Store install waited too long for a wallet (or was claimed already).
    InstallExpired,
    /// Our side failed.
    Internal,
}

/// How a connection attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectOutcome {
    /// Connected; with `syncing`, the first sync is still running in the background.
    Connected {
        /// The backfill continues after the redirect.
        syncing: bool,
    },
    /// An App Store install is held for this browser: sign in with the wallet that should own
    /// it, then claim it.
    InstallPending,
    /// Failed.
    Failed(ConnectFailure),
}

const CODES: &[(&str, ConnectFailure)] = &[
    ("consent_denied", ConnectFailure::ConsentDenied),
    ("state_missing", ConnectFailure::StateMissing),
    ("state_invalid", ConnectFailure::StateInvalid),
    ("state_expired", ConnectFailure::StateExpired),
    ("state_reused", ConnectFailure::StateReused),
    ("code_missing", ConnectFailure::CodeMissing),
    ("code_rejected", ConnectFailure::CodeRejected),
    ("no_shop", ConnectFailure::NoShop),
    ("restricted_region", ConnectFailure::RestrictedRegion),
    ("region_unknown", ConnectFailure::RegionUnknown),
    ("partner_account", ConnectFailure::PartnerAccount),
    ("already_linked", ConnectFailure::AlreadyLinked),
    ("token_expired", ConnectFailure::TokenExpired),
    ("token_revoked", ConnectFailure::TokenRevoked),
    ("tiktok_unavailable", ConnectFailure::TikTokUnavailable),
    ("install_expired", ConnectFailure::InstallExpired),
    ("internal", ConnectFailure::Internal),
];

/// Whether a permission name is a scope key (only those are echoed back, so a crafted link
/// cannot put prose in the dashboard).
fn is_scope_key(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'_' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl ConnectFailure {
    /// The stable code in `tiktokshop_error`.
    pub fn code(&self) -> &'static str {
        if let ConnectFailure::MissingPermission(_) = self {
            return "missing_permission";
        }
        CODES
            .iter()
            .find(|(_, f)| f == self)
            .map_or("internal", |(code, _)| code)
    }

    /// The failure of a code (and, for a missing permission, its scope).
    pub fn from_code(code: &str, permission: Option<&str>) -> ConnectFailure {
        if code == "missing_permission" {
            return ConnectFailure::MissingPermission(
                permission
                    .filter(|p| is_scope_key(p))
                    .unwrap_or("required")
                    .to_string(),
            );
        }
        CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(ConnectFailure::Internal, |(_, f)| f.clone())
    }

    /// A sentence for the borrower.
    pub fn message(&self) -> String {
        match self {
            ConnectFailure::ConsentDenied => "You declined access on TikTok Shop, so nothing was connected. Connect again whenever you are ready.".into(),
            ConnectFailure::StateMissing | ConnectFailure::StateInvalid => "This connection attempt could not be verified: it did not start from this browser session and wallet. Please start again with the Connect button.".into(),
            ConnectFailure::StateExpired => "The connection attempt took too long and expired. Please start again.".into(),
            ConnectFailure::StateReused => "This authorization link was already used. Please start again with the Connect button.".into(),
            ConnectFailure::CodeMissing | ConnectFailure::CodeRejected => "TikTok Shop did not confirm the authorization (the code was missing, expired or already used). Please connect again.".into(),
            ConnectFailure::NoShop => "No active TikTok Shop found. Please set up your shop first.".into(),
            ConnectFailure::RestrictedRegion => "TikTok Shop is not available in your region yet. Supported: United States, Canada, United Kingdom, France, Germany, Italy, Spain, Indonesia, Malaysia, Thailand, Vietnam, the Philippines and Singapore.".into(),
            ConnectFailure::RegionUnknown => "TikTok Shop did not tell us which region your creator account sells in, so it cannot be scored yet. Make sure your creator account has a selection region on TikTok Shop, then connect again.".into(),
            ConnectFailure::PartnerAccount => "This is a TikTok Shop partner (agency) account. shopscore reads seller shops and creator accounts only: connect the shop or creator account itself.".into(),
            ConnectFailure::AlreadyLinked => "This TikTok Shop account is already connected to another wallet, and one account can back only one wallet. To move it, sign in with that wallet, disconnect the account there, then connect it here.".into(),
            ConnectFailure::MissingPermission(scope) => format!(
                "shopscore was not granted the {scope} permission. Approve it on TikTok Shop's consent screen (or ask your shop admin to grant it in Partner Center), then reconnect."
            ),
            ConnectFailure::TokenExpired => "Your TikTok Shop authorization has expired. Reconnect to keep your score current.".into(),
            ConnectFailure::TokenRevoked => "Your TikTok Shop authorization was revoked. Reconnect to keep your score current.".into(),
            ConnectFailure::TikTokUnavailable => "TikTok Shop is not answering right now. Nothing was lost; please try again in a few minutes.".into(),
            ConnectFailure::InstallExpired => "The TikTok Shop App Store installation waited too long for a wallet (or was already claimed). Install again from the App Store, or use the Connect button.".into(),
            ConnectFailure::Internal => "Something went wrong on our side while connecting. Please try again.".into(),
        }
    }

    /// Whether connecting again can help (the dashboard then offers the button).
    pub fn reconnect_helps(&self) -> bool {
        matches!(
            self,
            ConnectFailure::TokenExpired
                | ConnectFailure::TokenRevoked
                | ConnectFailure::MissingPermission(_)
                | ConnectFailure::StateExpired
                | ConnectFailure::StateReused
                | ConnectFailure::CodeRejected
                | ConnectFailure::TikTokUnavailable
        )
    }
}

impl ConnectOutcome {
    /// The dashboard URL the callback redirects to.
    pub fn redirect(&self) -> String {
        match self {
            ConnectOutcome::Connected { syncing: false } => {
                "/dashboard?tiktokshop_connected=true".into()
            }
            ConnectOutcome::Connected { syncing: true } => {
                "/dashboard?tiktokshop_connected=true&syncing=true".into()
            }
            ConnectOutcome::InstallPending => "/dashboard?tiktokshop_install=pending".into(),
            ConnectOutcome::Failed(ConnectFailure::MissingPermission(scope)) => format!(
                "/dashboard?tiktokshop_error=missing_permission&permission={}",
                urlencode(scope)
            ),
            ConnectOutcome::Failed(f) => format!("/dashboard?tiktokshop_error={}", f.code()),
        }
    }

    /// The outcome a dashboard URL's query names, if any (`get` reads one parameter).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Option<ConnectOutcome> {
        if let Some(code) = get("tiktokshop_error") {
            let permission = get("permission");
            return Some(ConnectOutcome::Failed(ConnectFailure::from_code(
                &code,
                permission.as_deref(),
            )));
        }
        if get("tiktokshop_install").as_deref() == Some("pending") {
            return Some(ConnectOutcome::InstallPending);
        }
        get("tiktokshop_connected").map(|_| ConnectOutcome::Connected {
            syncing: get("syncing").as_deref() == Some("true"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_of(url: &str) -> impl Fn(&str) -> Option<String> + '_ {
        move |key| {
            url.split_once('?')?.1.split('&').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                (k == key).then(|| v.replace("%2E", "."))
            })
        }
    }

    #[test]
    fn every_outcome_survives_the_redirect() {
        let mut outcomes: Vec<ConnectOutcome> = CODES
            .iter()
            .map(|(_, f)| ConnectOutcome::Failed(f.clone()))
            .collect();
        outcomes.push(ConnectOutcome::Failed(ConnectFailure::MissingPermission(
            "seller.finance.info".into(),
        )));
        outcomes.push(ConnectOutcome::Connected { syncing: true });
        outcomes.push(ConnectOutcome::Connected { syncing: false });
        outcomes.push(ConnectOutcome::InstallPending);
        for outcome in outcomes {
            let url = outcome.redirect();
            assert_eq!(
                ConnectOutcome::from_query(query_of(&url)),
                Some(outcome),
                "{url}"
            );
        }
    }

    #[test]
    fn a_crafted_permission_is_not_echoed() {
        let f = ConnectFailure::from_code("missing_permission", Some("Send money to <evil>"));
        assert_eq!(f, ConnectFailure::MissingPermission("required".into()));
        assert!(!ConnectFailure::from_code("bogus", None).reconnect_helps());
    }
}
