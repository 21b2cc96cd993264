//! [`Runtime`]: the entry point; owns the engine and the store all instances live in.

use super::*;
use super::cells::StoreVals;
use crate::vm::registry::LockError;
use crate::vm::{self, Engine, Registry, Store, StoreLimits};
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// The shared state behind a [`Runtime`] and every handle into it.
pub struct RuntimeInner {
    pub(crate) config: RuntimeConfig,
    pub(crate) engine: Arc<dyn Engine>,
    registry: Registry,
    /// Set by [`Runtime::close`].
    closed: AtomicBool,
    /// Every module compiled by this runtime, to count those still alive in [`Runtime::stats`].
    compiled: Mutex<Vec<Weak<dyn Any + Send + Sync>>>,
}

/// A view of one link group of the store, whose lock this thread holds; released on drop.
pub(crate) struct StoreGuard<'a> {
    store: Store,
    rt: &'a RuntimeInner,
}

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}
impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}
impl Drop for StoreGuard<'_> {
    fn drop(&mut self) {
        self.rt.registry.unlock_group(self.store.group());
    }
}

/// The message of a runtime's handle used inside one of its own host functions.
const REENTERED: &str = "a runtime was used from inside one of its own host functions; use the Caller instead";

impl RuntimeInner {
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// The store's registry (names, types, entities), for reading without a group lock.
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    /// A view of the link group of `instance`, waiting while another thread runs a call in it.
    /// Inside a host function the group may already be held by the running call: use the
    /// [`Caller`] there. Doing otherwise is a programming error and panics.
    pub(crate) fn store_of(&self, instance: u32) -> StoreGuard<'_> {
        match self.try_store_of(instance) {
            Ok(g) => g,
            Err(t) => panic!("zerowasm: {t}"),
        }
    }

    /// [`RuntimeInner::store_of`], failing instead of panicking.
    /// Errors: [`ApiError::Reentered`] when this thread holds the group already (a handle
    /// used inside a host function), [`ApiError::WouldDeadlock`] when waiting would deadlock.
    pub(crate) fn try_store_of(&self, instance: u32) -> Result<StoreGuard<'_>, ApiError> {
        let g = self.registry.lock_instance(instance).map_err(lock_error)?;
        // SAFETY: this thread holds `g`'s lock until the guard drops, and `self` (which owns
        // the registry) outlives the guard's borrow.
        Ok(StoreGuard { store: unsafe { self.registry.view(g) }, rt: self })
    }

    /// A view of the link group that holds the fuel tank: group 0, which every instance of a
    /// runtime with fuel joins (any group otherwise, where fuel calls fail before using it).
    pub(crate) fn fuel_store(&self) -> StoreGuard<'_> {
        if self.registry.lock_group(0).is_err() {
            panic!("zerowasm: {REENTERED}");
        }
        // SAFETY: as in `try_store_of`.
        StoreGuard { store: unsafe { self.registry.view(0) }, rt: self }
    }

    /// A view of a new, empty link group, for a host module.
    /// Errors: as [`RuntimeInner::try_store_of`].
    pub(crate) fn new_group(&self) -> Result<StoreGuard<'_>, ApiError> {
        let g = self.registry.add_group();
        self.registry.lock_group(g).map_err(lock_error)?;
        // SAFETY: as in `try_store_of`.
        Ok(StoreGuard { store: unsafe { self.registry.view(g) }, rt: self })
    }

    /// A view of the link group of the instance that defined memory `addr`.
    pub(crate) fn store_of_memory(&self, addr: u32) -> StoreGuard<'_> {
        self.store_of(self.registry.memories[addr as usize].owner)
    }
    /// A view of the link group of the instance that defined table `addr`.
    pub(crate) fn store_of_table(&self, addr: u32) -> StoreGuard<'_> {
        self.store_of(self.registry.tables[addr as usize].owner)
    }
    /// A view of the link group of the instance that defined global `addr`.
    pub(crate) fn store_of_global(&self, addr: u32) -> StoreGuard<'_> {
        self.store_of(self.registry.globals[addr as usize].owner)
    }

    /// Views of every link group, one at a time, each locked while `f` runs.
    fn for_each_group(&self, mut f: impl FnMut(&mut Store)) {
        for g in 0..self.registry.groups.len() as u32 {
            if self.registry.lock_group(g).is_err() {
                panic!("zerowasm: {REENTERED}");
            }
            // SAFETY: locked just above, released below; `self` outlives the view.
            let mut view = StoreGuard { store: unsafe { self.registry.view(g) }, rt: self };
            f(&mut view);
        }
    }
}

/// The refusal for a group lock that was not taken.
fn lock_error(e: LockError) -> ApiError {
    match e {
        LockError::Reentered => ApiError::Reentered,
        LockError::WouldDeadlock => ApiError::WouldDeadlock,
    }
}

/// A WebAssembly runtime: compiles modules with its engine and instantiates them into its store.
///
/// Instances instantiated with a name ([`ModuleConfig::with_name`]) or registered with
/// [`Runtime::register`] can be imported by later modules under that name.
/// Cloning a `Runtime` gives another handle to the same store. A runtime and its handles are
/// `Send + Sync`; calls from several threads run in parallel when their instances are of
/// different link groups, and take turns otherwise (see the crate docs, "Threads").
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
        let listener = config
            .listener
            .clone()
            .map(|l| Arc::new(super::cells::ListenerObserver(l.0)) as Arc<dyn vm::CallObserver>);
        // Fuel is one tank per runtime, charged without atomics: its runtimes keep every
        // instance in one link group, so their calls take turns.
        let single_group = config.consume_fuel;
        let inner = Arc::new_cyclic(|weak| RuntimeInner {
            config,
            engine: engine.clone(),
            registry: Registry::new(engine, limits, weak.clone() as Weak<dyn Any + Send + Sync>, listener, super::backtrace::publish, single_group),
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
        compiled.push(code.downgrade());
        drop(compiled);
        Ok(CompiledModule::new(module, code, &self.inner))
    }

    /// `config` with every function import of `module` that nothing provides renamed to a stub
    /// of a new host module, when `config` asks for stubs ([`ModuleConfig::with_unknown_imports`]).
    fn stub_unknown_imports(&self, module: &CompiledModule, mut config: ModuleConfig) -> Result<ModuleConfig, InstantiationError> {
        static STUB_MODULES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let Some(policy) = config.unknown_imports else { return Ok(config) };
        let reg = &self.inner.registry;
        let stub_module = format!("zerowasm:unknown-imports:{}", STUB_MODULES.fetch_add(1, Ordering::Relaxed));
        let mut builder = HostModuleBuilder::new(stub_module.clone());
        let mut stubs = 0;
        for (i, import) in module.imports().into_iter().enumerate() {
            let ExternType::Func(ty) = import.ty else { continue };
            let (m, n) = config.renames.resolve(&import.module, &import.name);
            if reg.names().get(m).is_some_and(|inst| reg.instances[*inst as usize].export(n).is_some()) {
                continue;
            }
            let called = format!("unknown import {}.{} called", import.module, import.name);
            builder = builder.func_dynamic(i.to_string(), ty, move |_, _, _results| match policy {
                UnknownImports::Trap => Err(Trap::host(called.clone())),
                // The results are zeros (null) already.
                UnknownImports::Default => Ok(()),
            });
            config.renames.items.insert((import.module, import.name), (stub_module.clone(), i.to_string()));
            stubs += 1;
        }
        if stubs > 0 {
            builder.instantiate(self)?;
        }
        Ok(config)
    }

    /// [Instantiates](https://webassembly.github.io/spec/core/exec/modules.html#instantiation) a
    /// compiled module: resolves its imports by (module, name) against registered instances
    /// (after the renamings of [`ModuleConfig::with_import_module`] and
    /// [`ModuleConfig::with_import`]), allocates its memories, tables and globals, initialises
    /// segments, runs the module's start function and then the exported functions named by
    /// [`ModuleConfig::with_start_functions`]. With a name in `config`, the instance is
    /// registered under it. With [`ModuleConfig::with_unknown_imports`], function imports that
    /// nothing provides are linked to stubs first.
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
        if self.inner.is_closed() {
            return Err(InstantiationError::RuntimeClosed);
        }
        if let Some(name) = &config.name {
            if self.inner.registry.names().contains_key(name) {
                return Err(InstantiationError::DuplicateName(name.clone()));
            }
        }
        let config = self.stub_unknown_imports(module, config)?;
        let reg = &self.inner.registry;
        let (group, imports) = vm::lock_import_groups(reg, module.module(), &config.renames).map_err(|e| match e {
            vm::GroupsError::Link(l) => InstantiationError::Link(l),
            vm::GroupsError::Lock(l) => InstantiationError::Api(lock_error(l)),
        })?;
        // SAFETY: `lock_import_groups` left this thread holding `group`'s lock, which the guard
        // releases; `self.inner` outlives it.
        let mut store = StoreGuard { store: unsafe { reg.view(group) }, rt: &self.inner };
        let idx = vm::instantiate(&mut store, module.module(), module.code(), &imports)?;
        // `Runtime::close` may have run meanwhile (it locks only the groups that existed).
        if self.inner.is_closed() {
            store.close_instance(idx);
            return Err(InstantiationError::RuntimeClosed);
        }
        if let Err(e) = run_start_functions(&mut store, idx, &config.start_functions) {
            store.close_instance(idx);
            return Err(e);
        }
        if let Some(name) = config.name {
            let mut names = reg.names_mut();
            if names.contains_key(&name) {
                drop(names);
                store.close_instance(idx);
                return Err(InstantiationError::DuplicateName(name));
            }
            names.insert(name, idx);
        }
        Ok(Instance::new(self.inner.clone(), idx))
    }

    /// Registers `instance` under `name` (again), so later modules can import its exports as
    /// `(import "name" ...)`; replaces an earlier registration of that name, like the spec
    /// test suite's `register` command. Closing the instance removes all its names.
    ///
    /// Errors: [`InstantiationError::ForeignModule`] for an instance of another runtime,
    /// [`InstantiationError::Api`]`(`[`ApiError::InstanceClosed`]`)` for a closed instance.
    pub fn register(&self, name: &str, instance: &Instance) -> Result<(), InstantiationError> {
        if !Arc::ptr_eq(&instance.rt, &self.inner) {
            return Err(InstantiationError::ForeignModule);
        }
        let reg = &self.inner.registry;
        let mut names = reg.names_mut();
        reg.check_open(instance.idx)?;
        names.insert(name.to_string(), instance.idx);
        Ok(())
    }

    /// The open instance registered under `name`, if any.
    pub fn instance(&self, name: &str) -> Option<Instance> {
        let idx = *self.inner.registry.names().get(name)?;
        Some(Instance::new(self.inner.clone(), idx))
    }

    /// Closes every instance of the runtime and frees their linear memories, tables, host
    /// functions and (with the Compiler) their references to compiled code, like wazero's
    /// `Runtime.Close`. Afterwards every handle into the runtime fails with
    /// [`ApiError::InstanceClosed`] (or returns `None`), and compiling or instantiating fails
    /// ([`InstantiationError::RuntimeClosed`]). Idempotent. Dropping every handle of a runtime
    /// frees everything too; `close` does it while handles are still around.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::Release);
        // Every group is locked first: a host instance of one group may be imported by another
        // whose call is still running, and freeing it must wait for that call.
        let reg = &self.inner.registry;
        let n = loop {
            let n = reg.groups.len() as u32;
            match (0..n).position(|g| reg.lock_group(g).is_err()) {
                None => break n,
                Some(failed) => {
                    (0..failed as u32).for_each(|g| reg.unlock_group(g));
                    if reg.groups[failed].lock.held_by_me() {
                        panic!("zerowasm: {REENTERED}");
                    }
                    // Another thread waits for a group this one held: let it finish first.
                    std::thread::yield_now();
                }
            }
        };
        for g in 0..n {
            // SAFETY: every group below `n` is locked by this thread until the loop below.
            unsafe { reg.view(g) }.close_all();
        }
        (0..n).for_each(|g| reg.unlock_group(g));
        reg.names_mut().clear();
    }

    /// Whether [`Runtime::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// What the runtime holds right now: instances by state, bytes of linear memory and table
    /// elements still allocated, and compiled modules still alive. For leak checks and
    /// monitoring; the figures are exact at the moment of the call.
    pub fn stats(&self) -> RuntimeStats {
        let mut c = vm::StoreCounts::default();
        self.inner.for_each_group(|store| store.count_into(&mut c));
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
