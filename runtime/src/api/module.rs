//! [`CompiledModule`] and [`ModuleConfig`].

use super::runtime::RuntimeInner;
use super::*;
use crate::vm::EngineCode;
use crate::wasm::{ExternKind, ImportDesc, Module};
use std::sync::{Arc, Weak};

/// A validated module compiled by a runtime's engine, ready to instantiate any number of times
/// in that runtime.
#[derive(Clone)]
pub struct CompiledModule {
    module: Arc<Module>,
    code: EngineCode,
    runtime: Weak<RuntimeInner>,
}

impl std::fmt::Debug for CompiledModule {
    /// Lists the module's imports and exports.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledModule")
            .field("imports", &self.imports())
            .field("exports", &self.exports())
            .finish()
    }
}

impl CompiledModule {
    pub(crate) fn new(module: Arc<Module>, code: EngineCode, rt: &Arc<RuntimeInner>) -> Self {
        CompiledModule { module, code, runtime: Arc::downgrade(rt) }
    }
    pub(crate) fn module(&self) -> &Arc<Module> {
        &self.module
    }
    pub(crate) fn code(&self) -> &EngineCode {
        &self.code
    }
    pub(crate) fn belongs_to(&self, rt: &Arc<RuntimeInner>) -> bool {
        std::ptr::eq(self.runtime.as_ptr(), Arc::as_ptr(rt))
    }

    /// The module's imports, in declaration order, with the types they must match.
    pub fn imports(&self) -> Vec<ImportType> {
        let m = &self.module;
        m.imports
            .iter()
            .map(|i| ImportType {
                module: i.module.clone(),
                name: i.name.clone(),
                ty: match i.desc {
                    ImportDesc::Func(t) => ExternType::Func(m.types[t as usize].clone()),
                    ImportDesc::Table(t) => ExternType::Table(t),
                    ImportDesc::Memory(t) => ExternType::Memory(t),
                    ImportDesc::Global(t) => ExternType::Global(t),
                },
            })
            .collect()
    }

    /// The module's exports, in declaration order, with their types.
    pub fn exports(&self) -> Vec<ExportType> {
        let m = &self.module;
        m.exports
            .iter()
            .map(|e| ExportType {
                name: e.name.clone(),
                ty: match e.kind {
                    ExternKind::Func => ExternType::Func(m.func_type(e.index).clone()),
                    ExternKind::Table => ExternType::Table(m.tables[e.index as usize]),
                    ExternKind::Memory => ExternType::Memory(m.memories[e.index as usize]),
                    ExternKind::Global => ExternType::Global(m.globals[e.index as usize]),
                },
            })
            .collect()
    }
}

/// Per-instantiation settings.
#[derive(Clone, Debug, Default)]
pub struct ModuleConfig {
    pub(crate) name: Option<String>,
}

impl ModuleConfig {
    /// Defaults: an anonymous instance (not importable by name).
    pub fn new() -> Self {
        Self::default()
    }
    /// Registers the instance under `name`, so later modules can import from it.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}
