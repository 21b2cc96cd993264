//! Typed errors: [`CompileError`] (decoding/validation), [`LinkError`] (import resolution),
//! [`InstantiationError`] (everything instantiation can fail on) and [`Trap`] (run time). They
//! are defined in the layer that raises them (`wasm`, `vm`) and re-exported here.

pub use crate::vm::{HostError, InstantiationError, LinkError, Trap};
pub use crate::wasm::error::CompileError;
