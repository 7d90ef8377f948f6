//! Routed pages.

pub mod dashboard;
pub mod landing;
pub mod not_found;
pub mod share;
