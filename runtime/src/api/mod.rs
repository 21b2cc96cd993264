//! The public embedding API: [`Runtime`] (with [`RuntimeConfig`], [`RuntimeStats`] and
//! [`InterruptHandle`]), [`CompiledModule`], [`ModuleConfig`], [`Instance`],
//! [`Func`]/[`TypedFunc`], [`Memory`], [`Global`], [`Table`], [`HostModuleBuilder`] and
//! [`Caller`], values ([`Val`], [`ExternRef`]) and types, and the typed errors
//! ([`CompileError`], [`LinkError`], [`InstantiationError`], [`ExportError`], [`LimitError`],
//! [`Trap`]).

pub(crate) mod backtrace;
pub(crate) mod cache;
pub(crate) mod cells;
mod config;
mod error;
mod exception;
mod func;
mod host;
mod instance;
mod limits;
mod listener;
mod module;
mod runtime;
mod val;

pub use backtrace::{FrameInfo, WasmBacktrace};
pub use cache::{CacheStats, CompilationCache};
pub use config::{CoreFeatures, EngineKind, RuntimeConfig};
pub use error::{ApiError, CallError, CompileError, HostError, InstantiationError, LinkError, Trap};
pub use func::{Func, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use host::{Caller, HostFuncResult, HostModuleBuilder, IntoHostFunc};
pub use exception::Tag;
pub use crate::vm::Exception;
pub use instance::{ExportError, Extern, Global, Instance, Memory, Table};
pub use limits::{InterruptHandle, LimitError};
pub use listener::FunctionListener;
pub(crate) use listener::ListenerSlot;
pub use module::{CompiledModule, ModuleConfig, UnknownImports};
pub use runtime::{Runtime, RuntimeStats};
#[doc(hidden)]
pub use runtime::RuntimeInner;
pub use host::WithCaller;
pub use crate::wasm::types::{
    ExportType, ExternType, FuncType, GlobalType, HeapType, ImportType, IndexType, MemoryType, RefType, TableType, TagType, TypeId,
    ValType,
};
pub use val::{ExternRef, Val};
