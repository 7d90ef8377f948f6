//! The EIP-4361 (Sign-In with Ethereum) message the browser asks the wallet to sign. Exactly the
//! standard text, so any SIWE library's message verifies the same way.

/// The statement line shown in the wallet.
pub const STATEMENT: &str = "Sign in to shopscore to see your verified income.";

/// The chain the message names (Ethereum mainnet).
pub const CHAIN_ID: u64 = 1;

/// Builds the message for `address` (EIP-55) at `domain` (`host[:port]`) and `uri` (origin).
pub fn siwe_message(
    domain: &str,
    address: &str,
    uri: &str,
    nonce: &str,
    issued_at: &str,
) -> String {
    format!(
        "{domain} wants you to sign in with your Ethereum account:\n{address}\n\n{STATEMENT}\n\n\
         URI: {uri}\nVersion: 1\nChain ID: {CHAIN_ID}\nNonce: {nonce}\nIssued At: {issued_at}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_has_the_eip_4361_layout() {
        let m = siwe_message(
            "example.com",
            "0xAb",
            "https://example.com",
            "n0nce123",
            "2026-01-01T00:00:00Z",
        );
        let lines: Vec<&str> = m.lines().collect();
        assert_eq!(
            lines[0],
            "example.com wants you to sign in with your Ethereum account:"
        );
        assert_eq!(lines[1], "0xAb");
        assert_eq!(lines[2], "");
        assert_eq!(lines[3], STATEMENT);
        assert_eq!(
            &lines[5..],
            [
                "URI: https://example.com",
                "Version: 1",
                "Chain ID: 1",
                "Nonce: n0nce123",
                "Issued At: 2026-01-01T00:00:00Z"
            ]
        );
    }
}
