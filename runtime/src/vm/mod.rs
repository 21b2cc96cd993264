//! The runtime layer shared by both engines
//! ([§4.2 runtime structure](https://webassembly.github.io/spec/core/exec/runtime.html)):
//! the store and its entities (functions, tables, linear memories, globals, module instances),
//! instantiation, and the boundary to host functions.
//!
//! Values live as raw bits ("cells"): i32/f32 in the low 32 bits of a `u64`, i64/f64 in all 64,
//! references as `addr + 1` with 0 for null. Engines never see [`crate::Val`].

pub(crate) mod atomics;
pub(crate) mod bulk;
pub(crate) mod registry;
mod trap;
mod error;
pub(crate) mod defs;
pub(crate) mod exceptions;
mod engine;
mod instantiate;
mod lifecycle;
mod limits;
mod memory;
mod store;

pub(crate) use engine::{Engine, EngineCode, GroupEngineState, InstanceEngineState};
pub(crate) use instantiate::{eval_const, instantiate, lock_import_groups, GroupsError, ImportRenames, MAX_TABLE_ELEMS};
pub(crate) use lifecycle::StoreCounts;
/// Allocation helpers shared with host modules.
pub(crate) mod instantiate_helpers {
    pub(crate) use super::instantiate::{new_memory, new_table};
}
pub(crate) use limits::{Instrumentation, VMLimits};
pub(crate) use memory::{guardable, MemoryEntity, MAX_MEMORY64_BYTES, PAGE_SIZE};
pub(crate) use store::*;
pub use trap::{HostError, Trap};
pub use exceptions::Exception;
pub(crate) use trap::TrapCode;
pub use error::{ApiError, CallError, InstantiationError, LinkError};
