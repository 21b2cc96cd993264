//! The engine contract: compile a validated module once, then call functions of its instances.

use super::Store;
use crate::vm::{InstantiationError, Trap};
use crate::wasm::error::CompileError;
use crate::wasm::Module;
use std::any::Any;
use std::sync::Arc;

/// An engine's compiled form of one module, shared by all its instances: one variant per engine
/// (the only place `vm` names the engines' types, so that each engine reaches its own state
/// with a match instead of a downcast).
#[derive(Clone)]
pub(crate) enum EngineCode {
    /// The Interpreter's translated functions.
    Interp(Arc<crate::interp::InterpModule>),
    /// The Compiler's machine code.
    Compiled(Arc<crate::compiler::CompiledCode>),
}

impl EngineCode {
    /// A weak reference to the code, to count modules still alive.
    pub fn downgrade(&self) -> std::sync::Weak<dyn Any + Send + Sync> {
        match self {
            EngineCode::Interp(c) => Arc::downgrade(c) as std::sync::Weak<dyn Any + Send + Sync>,
            EngineCode::Compiled(c) => Arc::downgrade(c) as std::sync::Weak<dyn Any + Send + Sync>,
        }
    }
}

/// What an engine keeps per instance (`None` where it keeps nothing).
pub(crate) enum InstanceEngineState {
    /// The Compiler's VMContext of the instance.
    Compiled(crate::compiler::InstanceState),
}

/// What an engine keeps per link group.
pub(crate) enum GroupEngineState {
    /// The Compiler's VM context of the group (trap code, stack limit, call depth).
    Compiled(crate::compiler::GroupState),
}

/// What the Interpreter and the Compiler implement; nothing outside them knows which one runs.
pub(crate) trait Engine: Send + Sync {
    /// Translates every function body of a validated module.
    fn compile(&self, module: &Arc<Module>) -> Result<EngineCode, CompileError>;
    /// Prepares instance `instance`, just added to the store with its imports resolved and its
    /// own functions, tables, memories and globals allocated, before its segments are
    /// initialised and its start function runs. The Compiler builds the instance's VMContext
    /// here; the Interpreter needs nothing.
    fn instantiate(&self, _store: &mut Store, _instance: u32) -> Result<(), InstantiationError> {
        Ok(())
    }
    /// Whether the store's linear memories must be reservations with inaccessible space after
    /// them (`vm::memory::LinearBytes::Reserved`): the Compiler's code with signal-based
    /// memory traps does not check addresses. Default: heap buffers.
    fn reserves_memories(&self) -> bool {
        false
    }
    /// Host functions `funcs` were added to the view's group (by a host module). The Compiler
    /// writes their funcrefs.
    fn add_host_funcs(&self, _store: &mut Store, _funcs: &[u32]) -> Result<(), InstantiationError> {
        Ok(())
    }
    /// Instances `moved` joined the view's link group (they were of another, merged into it);
    /// the Compiler points their VMContexts at the group's VM context.
    fn merge(&self, _store: &mut Store, _moved: &[u32]) {}
    /// Instance `instance` was freed: its functions `funcs` now trap with
    /// [`Trap::InstanceClosed`] (they are host functions), and its engine state and code were
    /// dropped. The Compiler points its funcref entries for `funcs` at the host-call path.
    fn release(&self, _store: &mut Store, _funcs: &[u32]) {}
    /// What the engine's compiled code depends on besides the module and the runtime
    /// configuration: its kind and, for the Compiler, the target and CPU features. Part of
    /// the compilation cache's key.
    fn fingerprint(&self) -> String;
    /// The compiled code as bytes for the on-disk cache, if the engine supports that.
    fn serialize(&self, _code: &EngineCode) -> Option<Vec<u8>> {
        None
    }
    /// Compiled code back from [`Engine::serialize`]'s bytes, for `module` (already validated).
    /// `None` if the bytes do not describe code for this module.
    fn deserialize(&self, _module: &Arc<Module>, _bytes: &[u8]) -> Option<EngineCode> {
        None
    }
    /// Calls the store's function `func` (wasm or host). `args` and `results` are cells laid out
    /// as the function's type says.
    fn call(&self, store: &mut Store, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap>;
}
