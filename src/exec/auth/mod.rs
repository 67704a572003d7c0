//! Credentials per auth scheme (declared in `service.yaml`): obtaining them, caching issued
//! tokens per role, putting them on requests, and the refused variants auth cases send.

pub mod apply;
pub mod credential;
pub mod oauth2;
pub mod role;
pub mod signer;
pub mod static_schemes;
pub mod token_cache;
pub mod token_request;
pub mod variants;

pub use apply::apply;
pub use credential::Credential;
pub use role::for_role;
pub use token_cache::TokenCache;
pub use variants::{apply_cred, role_needed};
