//! [`Runtime`]: the entry point; owns the engine and the store all instances live in.

use super::*;
use crate::vm::{self, Engine, Store, StoreLimits};
use std::any::Any;
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

/// The shared state behind a [`Runtime`] and every handle into it.
pub struct RuntimeInner {
    pub(crate) config: RuntimeConfig,
    pub(crate) engine: Arc<dyn Engine>,
    store: Mutex<Store>,
    /// Set by [`Runtime::close`].
    closed: AtomicBool,
    /// Every module compiled by this runtime, to count those still alive in [`Runtime::stats`].
    compiled: Mutex<Vec<Weak<dyn Any + Send + Sync>>>,
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
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

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
/// Cloning a `Runtime` gives another handle to the same store. A runtime and its handles are
/// `Send + Sync`; calls into one runtime from several threads take turns on its store.
/// Everything it holds is freed when the last handle into it is dropped, or earlier by
/// [`Runtime::close`] and [`Instance::close`]. A host function that owns a handle into its own
/// runtime (a `Runtime`, `Instance`, `Func`, ...) keeps the runtime alive: close it explicitly.
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
            EngineKind::Compiler => match crate::compiler::Compiler::new(config.max_wasm_stack, instr, config.signals_based_traps) {
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
            closed: AtomicBool::new(false),
            compiled: Mutex::new(Vec::new()),
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
    /// Errors: [`CompileError`] with the decoder's or validator's message and byte offset;
    /// "runtime closed" after [`Runtime::close`].
    pub fn compile(&self, bytes: impl AsRef<[u8]>) -> Result<CompiledModule, CompileError> {
        if self.inner.is_closed() {
            return Err(CompileError { message: "runtime closed".into(), offset: None });
        }
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
        let mut compiled = self.inner.compiled.lock().unwrap_or_else(|e| e.into_inner());
        compiled.retain(|w| w.strong_count() > 0);
        compiled.push(Arc::downgrade(&code));
        drop(compiled);
        Ok(CompiledModule::new(module, code, &self.inner))
    }

    /// [Instantiates](https://webassembly.github.io/spec/core/exec/modules.html#instantiation) a
    /// compiled module: resolves its imports by (module, name) against registered instances
    /// (after the renamings of [`ModuleConfig::with_import_module`] and
    /// [`ModuleConfig::with_import`]), allocates its memories, tables and globals, initialises
    /// segments, runs the module's start function and then the exported functions named by
    /// [`ModuleConfig::with_start_functions`]. With a name in `config`, the instance is
    /// registered under it.
    ///
    /// Any number of instances can be made from one module; each has its own memories, tables
    /// and globals.
    ///
    /// Errors: [`InstantiationError`]: a [`LinkError`], a resource limit, a segment that does not
    /// fit, a trap in a start function ([`Trap::Exit`] if it asked to exit), a duplicate name, a
    /// module of another runtime, a closed runtime. A failed instance is not registered and is
    /// closed at once.
    pub fn instantiate(
        &self,
        module: &CompiledModule,
        config: ModuleConfig,
    ) -> Result<Instance, InstantiationError> {
        if !module.belongs_to(&self.inner) {
            return Err(InstantiationError::ForeignModule);
        }
        let mut store = self.inner.store();
        if self.inner.is_closed() {
            return Err(InstantiationError::RuntimeClosed);
        }
        if let Some(name) = &config.name {
            if store.names.contains_key(name) {
                return Err(InstantiationError::DuplicateName(name.clone()));
            }
        }
        let idx = vm::instantiate(&mut store, module.module(), module.code(), &config.renames)?;
        if let Err(e) = run_start_functions(&mut store, idx, &config.start_functions) {
            store.close_instance(idx);
            return Err(e);
        }
        if let Some(name) = config.name {
            store.names.insert(name, idx);
        }
        Ok(Instance::new(self.inner.clone(), idx))
    }

    /// Registers `instance` under `name` (again), so later modules can import its exports as
    /// `(import "name" ...)`; replaces an earlier registration of that name, like the spec
    /// test suite's `register` command. Closing the instance removes all its names.
    ///
    /// Errors: [`InstantiationError::ForeignModule`] for an instance of another runtime,
    /// [`InstantiationError::Trap`]`(`[`Trap::InstanceClosed`]`)` for a closed instance.
    pub fn register(&self, name: &str, instance: &Instance) -> Result<(), InstantiationError> {
        if !Arc::ptr_eq(&instance.rt, &self.inner) {
            return Err(InstantiationError::ForeignModule);
        }
        let mut store = self.inner.store();
        store.check_open(instance.idx)?;
        store.names.insert(name.to_string(), instance.idx);
        Ok(())
    }

    /// The open instance registered under `name`, if any.
    pub fn instance(&self, name: &str) -> Option<Instance> {
        let idx = *self.inner.store().names.get(name)?;
        Some(Instance::new(self.inner.clone(), idx))
    }

    /// Closes every instance of the runtime and frees their linear memories, tables, host
    /// functions and (with the Compiler) their references to compiled code, like wazero's
    /// `Runtime.Close`. Afterwards every handle into the runtime fails with
    /// [`Trap::InstanceClosed`] (or returns `None`), and compiling or instantiating fails
    /// ([`InstantiationError::RuntimeClosed`]). Idempotent. Dropping every handle of a runtime
    /// frees everything too; `close` does it while handles are still around.
    pub fn close(&self) {
        let mut store = self.inner.store();
        self.inner.closed.store(true, Ordering::Release);
        store.close_all();
    }

    /// Whether [`Runtime::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// What the runtime holds right now: instances by state, bytes of linear memory and table
    /// elements still allocated, and compiled modules still alive. For leak checks and
    /// monitoring; the figures are exact at the moment of the call.
    pub fn stats(&self) -> RuntimeStats {
        let c = self.inner.store().counts();
        let compiled = self.inner.compiled.lock().unwrap_or_else(|e| e.into_inner());
        RuntimeStats {
            open_instances: c.open,
            closed_instances: c.closed,
            freed_instances: c.freed,
            memory_bytes: c.memory_bytes,
            table_elements: c.table_elements,
            compiled_modules: compiled.iter().filter(|w| w.strong_count() > 0).count(),
        }
    }
}

/// Calls the exported start functions `names` of instance `idx`, in order; missing ones are
/// skipped (so `["_start", "_initialize"]` fits commands and reactors alike).
fn run_start_functions(store: &mut Store, idx: u32, names: &[String]) -> Result<(), InstantiationError> {
    for name in names {
        let Some(addr) = store.instances[idx as usize].export(name) else { continue };
        let vm::ExternAddr::Func(f) = addr else {
            return Err(InstantiationError::InvalidStartFunction(format!("export {name:?} is not a function")));
        };
        let ty = store.func_type(f);
        if !ty.params().is_empty() || !ty.results().is_empty() {
            return Err(InstantiationError::InvalidStartFunction(format!(
                "{name:?} has type {ty}, expected (func)"
            )));
        }
        store.call(f, &[])?;
    }
    Ok(())
}

/// A snapshot of what a [`Runtime`] holds ([`Runtime::stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuntimeStats {
    /// Instances that can be used (host modules included).
    pub open_instances: usize,
    /// Closed instances kept because an open instance still refers to them (imports them, or
    /// holds a funcref to one of their functions in a table or global).
    pub closed_instances: usize,
    /// Closed instances whose memories, tables and code were freed.
    pub freed_instances: usize,
    /// Bytes of linear memory allocated, over all memories of open and kept instances.
    pub memory_bytes: usize,
    /// Table elements allocated, over all tables of open and kept instances.
    pub table_elements: usize,
    /// Modules compiled by this runtime whose code is still alive: referred to by a
    /// [`CompiledModule`], by an instance that is not freed, or by a
    /// [`CompilationCache`](crate::CompilationCache) entry (which keeps its code until the
    /// cache is dropped).
    pub compiled_modules: usize,
}
