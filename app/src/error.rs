//! The one error type that crosses the wire: what the browser may learn when something fails.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// An error a server function reports to the browser. Internal causes are logged on the server
/// where they are handled; only these plain descriptions travel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No wallet is signed in on this session.
    #[error("Sign in with your wallet first.")]
    Unauthorized,
    /// The signed-in wallet may not act on this resource.
    #[error("This belongs to another wallet.")]
    Forbidden,
    /// The request itself was malformed.
    #[error("{0}")]
    BadRequest(String),
    /// Something on our side failed; the details are in the server log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the server function or its answer could not be read.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
