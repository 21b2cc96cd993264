//! [`CompiledModule`] and [`ModuleConfig`].

use super::runtime::RuntimeInner;
use super::*;
use crate::vm::{EngineCode, ImportRenames};
use crate::wasm::{ExternKind, Module};
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
                ty: m.import_type(&i.desc),
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
                    ExternKind::Tag => ExternType::Tag(TagType { ty: m.types[m.tags[e.index as usize] as usize].clone() }),
                },
            })
            .collect()
    }
}

/// Per-instantiation settings: the instance's name, renamings of imports, and which exported
/// start functions run.
///
/// ```
/// use zerowasm::ModuleConfig;
/// let config = ModuleConfig::new()
///     .with_name("app")                          // importable as "app"
///     .with_import_module("env", "host_v2")      // (import "env" ...) resolves in "host_v2"
///     .with_start_functions(&["_initialize"]);   // runs the reactor's initializer
/// ```
#[derive(Clone, Debug, Default)]
pub struct ModuleConfig {
    pub(crate) name: Option<String>,
    pub(crate) renames: ImportRenames,
    pub(crate) start_functions: Vec<String>,
    pub(crate) unknown_imports: Option<UnknownImports>,
}

/// What a function import that nothing provides is linked to
/// ([`ModuleConfig::with_unknown_imports`]); without it, such an import is a
/// [`LinkError::UnknownImport`](crate::LinkError::UnknownImport). Real programs import optional
/// host hooks that a command-line run never calls (wasmtime: `-W unknown-imports-trap=y`,
/// `-W unknown-imports-default=y`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnknownImports {
    /// A function that traps with [`Trap::Host`] ("unknown import `module.name` called") when
    /// called.
    Trap,
    /// A function that returns zeros (null for nullable references; a non-nullable reference
    /// result traps, having no default).
    Default,
}

impl ModuleConfig {
    /// Defaults: an anonymous instance (not importable by name), imports resolved as written,
    /// and no exported start function called (the module's own
    /// [start function](https://webassembly.github.io/spec/core/syntax/modules.html#start-function)
    /// always runs).
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the instance under `name`, so later modules can import from it. Instantiation
    /// fails with [`InstantiationError::DuplicateName`] if an open instance already has it; a
    /// closed instance's names are free again.
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Resolves every import from module `old` in the instance registered as `new` instead
    /// (wazero's "replace import"): for example a guest importing `"env"` can be linked to a
    /// host module registered as `"env_v2"`. Applies to this instantiation only; a later call
    /// for the same `old` replaces the earlier one. Link errors name the module looked up (`new`).
    pub fn with_import_module(mut self, old: impl Into<String>, new: impl Into<String>) -> Self {
        self.renames.modules.insert(old.into(), new.into());
        self
    }

    /// Resolves the single import `old_module`.`old_name` as `new_module`.`new_name`; takes
    /// precedence over [`ModuleConfig::with_import_module`].
    pub fn with_import(
        mut self,
        old_module: impl Into<String>,
        old_name: impl Into<String>,
        new_module: impl Into<String>,
        new_name: impl Into<String>,
    ) -> Self {
        self.renames
            .items
            .insert((old_module.into(), old_name.into()), (new_module.into(), new_name.into()));
        self
    }

    /// Links every function import that no registered instance provides (after the renamings)
    /// to a host function that traps or returns zeros when called, per `policy`. Imports of
    /// other kinds stay link errors. The stubs live in a host module the runtime registers under
    /// a name of its own (`zerowasm:unknown-imports:N`) for this instantiation.
    pub fn with_unknown_imports(mut self, policy: UnknownImports) -> Self {
        self.unknown_imports = Some(policy);
        self
    }

    /// Calls these exported functions, in order, after the module's own start function: for
    /// example `&["_initialize"]` for a WASI reactor or `&["_start"]` to run a WASI command at
    /// instantiation (as wazero does by default). Names the module does not export are skipped;
    /// an empty list (the default) calls none. Each must have type `[] -> []`, or instantiation
    /// fails with [`InstantiationError::InvalidStartFunction`]; a trap (including a guest's
    /// `proc_exit`, [`Trap::Exit`]) fails it with [`InstantiationError::Trap`].
    pub fn with_start_functions(mut self, names: &[&str]) -> Self {
        self.start_functions = names.iter().map(|n| n.to_string()).collect();
        self
    }
}
