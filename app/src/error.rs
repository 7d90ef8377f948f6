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
    /// The thing asked for does not exist (or is not this wallet's).
    #[error("Not found.")]
    NotFound,
    /// The thing asked for existed but is gone for good (a revoked or expired share).
    #[error("This link was revoked or has expired.")]
    Gone,
    /// The request itself was malformed or failed a check; the message says which.
    #[error("{0}")]
    BadRequest(String),
    /// An upstream service (TikTok Shop) is unavailable.
    #[error("{0}")]
    Unavailable(String),
    /// Something on our side failed; the details are in the server log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the server function or its answer could not be read.
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    /// The HTTP status that goes with the error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Gone => 410,
            AppError::BadRequest(_) => 400,
            AppError::Unavailable(_) => 503,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message)
            | ServerFnErrorErr::MissingArg(message)
            | ServerFnErrorErr::Deserialization(message) => {
                AppError::BadRequest(format!("Malformed request: {message}"))
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}
