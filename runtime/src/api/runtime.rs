//! [`Runtime`]: the entry point; owns the engine and the store all instances live in.

use super::*;
use crate::vm::{self, Engine, Store, StoreLimits};
use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard};

/// The shared state behind a [`Runtime`] and every handle into it.
pub struct RuntimeInner {
    pub(crate) config: RuntimeConfig,
    pub(crate) engine: Arc<dyn Engine>,
    store: Mutex<Store>,
}

thread_local! {
    /// Runtimes whose store this thread holds locked, to turn re-entry into a clear panic
    /// message instead of a deadlock.
    static HELD: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// The store locked by the current thread; released on drop.
pub(crate) struct StoreGuard<'a> {
    guard: MutexGuard<'a, Store>,
    key: usize,
}

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.guard
    }
}
impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.guard
    }
}
impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        HELD.with(|h| h.borrow_mut().retain(|k| *k != self.key));
    }
}

impl RuntimeInner {
    /// Locks the store. Inside a host function the store is already held by the running call:
    /// use the [`Caller`] there. Doing otherwise is a programming error and panics.
    pub(crate) fn store(&self) -> StoreGuard<'_> {
        let key = self as *const _ as usize;
        if HELD.with(|h| h.borrow().contains(&key)) {
            panic!("zerowasm: a runtime was used from inside one of its own host functions; use the Caller instead");
        }
        // A panicking host function poisons the lock; the store itself stays consistent.
        let guard = self.store.lock().unwrap_or_else(|e| e.into_inner());
        HELD.with(|h| h.borrow_mut().push(key));
        StoreGuard { guard, key }
    }
}

/// A WebAssembly runtime: compiles modules with its engine and instantiates them into its store.
///
/// Instances instantiated with a name ([`ModuleConfig::with_name`]) or registered with
/// [`Runtime::register`] can be imported by later modules under that name.
/// Cloning a `Runtime` gives another handle to the same store.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<RuntimeInner>,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new()
    }
}

impl Runtime {
    /// A runtime with [`RuntimeConfig::new`].
    pub fn new() -> Runtime {
        Runtime::with_config(RuntimeConfig::new())
    }

    /// A runtime with the given configuration.
    pub fn with_config(mut config: RuntimeConfig) -> Runtime {
        let instr = vm::Instrumentation {
            fuel: config.consume_fuel,
            interruptible: config.interruptible,
            listen: config.listener.is_some(),
            max_call_depth: config.call_depth_set.then_some(config.max_call_depth),
        };
        let engine: Arc<dyn Engine> = match config.engine {
            EngineKind::Interpreter => Arc::new(crate::interp::Interpreter::new(instr)),
            EngineKind::Compiler => match crate::compiler::Compiler::new(config.max_wasm_stack, instr) {
                Ok(c) => Arc::new(c),
                Err(_) => {
                    config.engine = EngineKind::Interpreter;
                    Arc::new(crate::interp::Interpreter::new(instr))
                }
            },
        };
        let limits = StoreLimits {
            memory_pages: config.memory_limit_pages,
            max_call_depth: config.max_call_depth,
        };
        let listener = config.listener.clone().map(|l| l.0);
        let inner = Arc::new_cyclic(|weak| RuntimeInner {
            config,
            engine: engine.clone(),
            store: Mutex::new(Store::new(engine, limits, weak.clone(), listener)),
        });
        Runtime { inner }
    }

    /// The configuration this runtime was made with.
    pub fn config(&self) -> &RuntimeConfig {
        &self.inner.config
    }

    /// Decodes, [validates](https://webassembly.github.io/spec/core/valid/index.html) and compiles
    /// a module. `bytes` is a binary module or, if it does not start with the `\0asm` magic, the
    /// [text format](https://webassembly.github.io/spec/core/text/index.html).
    ///
    /// Errors: [`CompileError`] with the decoder's or validator's message and byte offset.
    pub fn compile(&self, bytes: impl AsRef<[u8]>) -> Result<CompiledModule, CompileError> {
        let bytes = bytes.as_ref();
        let binary: Arc<[u8]> = if bytes.starts_with(b"\0asm") {
            bytes.into()
        } else {
            wat::parse_bytes(bytes)
                .map_err(|e| CompileError { message: e.to_string(), offset: None })?
                .into_owned()
                .into()
        };
        let (module, code) = super::cache::compile(&self.inner, binary)?;
        Ok(CompiledModule::new(module, code, &self.inner))
    }

    /// [Instantiates](https://webassembly.github.io/spec/core/exec/modules.html#instantiation) a
    /// compiled module: resolves its imports by (module, name) against registered instances,
    /// allocates its memories, tables and globals, initialises segments and runs the start
    /// function. With a name in `config`, the instance is registered under it.
    ///
    /// Errors: [`InstantiationError`]: a [`LinkError`], a resource limit, a segment that does not
    /// fit, a trap in the start function, a duplicate name.
    pub fn instantiate(
        &self,
        module: &CompiledModule,
        config: ModuleConfig,
    ) -> Result<Instance, InstantiationError> {
        if !module.belongs_to(&self.inner) {
            return Err(InstantiationError::ForeignModule);
        }
        let mut store = self.inner.store();
        if let Some(name) = &config.name {
            if store.names.contains_key(name) {
                return Err(InstantiationError::DuplicateName(name.clone()));
            }
        }
        let idx = vm::instantiate(&mut store, module.module(), module.code())?;
        if let Some(name) = config.name {
            store.names.insert(name, idx);
        }
        Ok(Instance::new(self.inner.clone(), idx))
    }

    /// Registers `instance` under `name` (again), so later modules can import its exports as
    /// `(import "name" ...)`; replaces an earlier registration of that name, like the spec
    /// test suite's `register` command.
    pub fn register(&self, name: &str, instance: &Instance) -> Result<(), InstantiationError> {
        if !Arc::ptr_eq(&instance.rt, &self.inner) {
            return Err(InstantiationError::ForeignModule);
        }
        self.inner.store().names.insert(name.to_string(), instance.idx);
        Ok(())
    }

    /// The instance registered under `name`, if any.
    pub fn instance(&self, name: &str) -> Option<Instance> {
        let idx = *self.inner.store().names.get(name)?;
        Some(Instance::new(self.inner.clone(), idx))
    }
}
