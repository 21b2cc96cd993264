//! The Interpreter (work in progress).
use crate::api::{CompileError, Trap};
use crate::vm::{Engine, EngineCode, Store};
use crate::wasm::Module;
use std::sync::Arc;

pub(crate) struct Interpreter;
impl Interpreter {
    pub fn new() -> Self {
        Interpreter
    }
}
impl Engine for Interpreter {
    fn compile(&self, _module: &Arc<Module>) -> Result<EngineCode, CompileError> {
        Ok(Arc::new(()))
    }
    fn call(&self, store: &mut Store, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
        if let crate::vm::FuncEntity::Host { .. } = store.funcs[func as usize] {
            return store.invoke_host(func, None, args, results);
        }
        Err(Trap::Unreachable)
    }
}
