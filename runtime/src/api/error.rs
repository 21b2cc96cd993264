//! Typed errors: [`CompileError`] (decoding/validation), [`LinkError`] (import resolution),
//! [`InstantiationError`] (everything instantiation can fail on), [`Trap`] (run time),
//! [`ApiError`] (the host's misuse of the API, refused before anything ran) and [`CallError`]
//! (a call's trap or refusal). They are defined in the layer that raises them (`wasm`, `vm`)
//! and re-exported here.

pub use crate::vm::{ApiError, CallError, HostError, InstantiationError, LinkError, Trap};
pub use crate::wasm::error::CompileError;
