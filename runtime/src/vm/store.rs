//! The [store](https://webassembly.github.io/spec/core/exec/runtime.html#store): every function,
//! table, memory, global and instance of one runtime, addressed by index ("addr").

use super::defs::{Pinned, VMGlobalDefinition, VMTableDefinition};
use super::registry::{AppendVec, GroupCell, GroupLock, LockError, LockTable, Slot};
use super::VMLimits;
use super::{Engine, EngineCode, GroupEngineState, InstanceEngineState, MemoryEntity, MAX_TABLE_ELEMS};
use crate::wasm::types::{ExternType, FuncType, GlobalType, TableType, TypeId, ValType};
use crate::vm::{ApiError, Trap};
use std::collections::{BTreeSet, HashMap};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Cells taken by values of types `tys` (two for v128, one otherwise).
pub(crate) fn cell_count(tys: &[ValType]) -> usize {
    tys.iter().map(|t| if *t == ValType::V128 { 2 } else { 1 }).sum()
}

/// A host function on the store's cells, for the calling instance if any: it reads its
/// arguments from the slice, then writes its results over them (the slice holds the larger of
/// the two). The API builds these from Rust closures, typed or on values (`api/host.rs`).
pub(crate) type HostFn = dyn Fn(&mut Store, Option<u32>, &mut [u64]) -> Result<(), Trap> + Send + Sync;

/// What a runtime's function listener is told, in cells: the API turns them into values
/// (`api/listener.rs`). Installed only when the runtime has a listener.
pub(crate) trait CallObserver: Send + Sync {
    /// Wasm function `func` (module index) of `instance` is entered with the argument `cells`
    /// (`enter`) or returns the result `cells`.
    fn wasm(&self, store: &Store, instance: u32, func: u32, enter: bool, cells: &[u64]);
    /// Host function `func` (a store address) is entered or returns.
    fn host(&self, store: &Store, func: u32, enter: bool, cells: &[u64]);
}

/// Called with the outermost call's trap and the view that ran it (its recorded frames), to
/// publish the backtrace; set by the API.
pub(crate) type TrapHook = fn(&Store, &Trap);

/// Runs `f` on `n` zeroed cells: on the stack when few (nearly every call), else on the heap.
#[inline]
pub(crate) fn with_cells<R>(n: usize, f: impl FnOnce(&mut [u64]) -> R) -> R {
    const STACK_CELLS: usize = 16;
    if n <= STACK_CELLS {
        f(&mut [0u64; STACK_CELLS][..n])
    } else {
        f(&mut vec![0u64; n])
    }
}

/// Cells a host call's buffer needs: the larger of the arguments' and the results'.
pub(crate) fn call_cells(ty: &FuncType) -> usize {
    cell_count(ty.params()).max(cell_count(ty.results()))
}

pub(crate) enum FuncEntity {
    /// A function defined by a module: the `index`-th body of `instance`'s module.
    Wasm { instance: u32, index: u32, type_id: u32 },
    /// A host function of host module `instance`. A freed instance's functions, wasm or host,
    /// become host functions that trap with [`Trap::InstanceClosed`] (see `vm/lifecycle.rs`).
    Host { type_id: u32, func: Arc<HostFn>, instance: u32 },
}

impl FuncEntity {
    pub fn type_id(&self) -> u32 {
        match self {
            FuncEntity::Wasm { type_id, .. } | FuncEntity::Host { type_id, .. } => *type_id,
        }
    }
    /// The instance that defined the function.
    pub fn owner(&self) -> u32 {
        match self {
            FuncEntity::Wasm { instance, .. } | FuncEntity::Host { instance, .. } => *instance,
        }
    }
}

pub(crate) struct TableEntity {
    /// Elements as reference cells (`addr + 1`, 0 = null). Only [`TableEntity::grow`] may
    /// change its length (it keeps `def` in step).
    pub elems: Vec<u64>,
    pub ty: TableType,
    /// Base and length of `elems` at a fixed address, for compiled code.
    def: Pinned<VMTableDefinition>,
    /// The instance that defined the table (set by [`Store::add_table`]).
    pub owner: u32,
}

impl TableEntity {
    /// A table of type `ty` holding `elems`.
    pub fn new(mut elems: Vec<u64>, ty: TableType) -> TableEntity {
        let def = Pinned::new(VMTableDefinition { base: elems.as_mut_ptr(), length: elems.len() });
        TableEntity { elems, ty, def, owner: u32::MAX }
    }

    /// Frees the elements (the table's instance was freed).
    pub fn free(&mut self) {
        self.elems = Vec::new();
        *self.def.get_mut() = VMTableDefinition { base: self.elems.as_mut_ptr(), length: 0 };
    }

    /// The definition compiled code reads (base and length in elements, updated by `grow`);
    /// its address is fixed for the table's lifetime.
    pub fn definition(&self) -> *mut VMTableDefinition {
        self.def.as_ptr()
    }

    /// [`table.grow`](https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-table-mathsf-table-grow):
    /// the old size, or -1 past the table's maximum, the runtime's table limit
    /// ([`MAX_TABLE_ELEMS`]), or when memory runs out.
    pub fn grow(&mut self, delta: u32, init: u64) -> i32 {
        let old = self.elems.len() as u32;
        let max = self.ty.max.unwrap_or(u64::MAX).min(MAX_TABLE_ELEMS as u64) as u32;
        match old.checked_add(delta) {
            Some(new) if new <= max && self.elems.try_reserve_exact(delta as usize).is_ok() => {
                self.elems.resize(new as usize, init);
                *self.def.get_mut() =
                    VMTableDefinition { base: self.elems.as_mut_ptr(), length: self.elems.len() };
                old as i32
            }
            _ => -1,
        }
    }

    /// The type seen by import matching: current size as minimum.
    pub fn ty(&self) -> TableType {
        TableType { min: self.elems.len() as u64, ..self.ty }
    }
}

pub(crate) struct GlobalEntity {
    /// The value's bits at a fixed address (compiled code reads and writes it in place).
    def: Pinned<VMGlobalDefinition>,
    pub ty: GlobalType,
    /// The instance that defined the global (set by [`Store::add_global`]).
    pub owner: u32,
}

/// A pointer to a global's definition ([`GlobalEntity::definition`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct GlobalDef(pub *mut VMGlobalDefinition);

// SAFETY: points into a global of the same store, only dereferenced under the lock of its owner's link group.
unsafe impl Send for GlobalDef {}
// SAFETY: as for `Send`.
unsafe impl Sync for GlobalDef {}

impl GlobalEntity {
    pub fn new(bits: u128, ty: GlobalType) -> GlobalEntity {
        GlobalEntity { def: Pinned::new(VMGlobalDefinition { bits }), ty, owner: u32::MAX }
    }
    /// The value's bits (v128 uses all 128; other types the low 64).
    #[inline(always)]
    pub fn bits(&self) -> u128 {
        self.def.get().bits
    }
    #[inline(always)]
    pub fn set_bits(&mut self, bits: u128) {
        self.def.get_mut().bits = bits;
    }
    /// Where the value lives, for compiled code; fixed for the global's lifetime.
    pub fn definition(&self) -> *mut VMGlobalDefinition {
        self.def.as_ptr()
    }
}

/// The address of an external value in the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ExternAddr {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
    Tag(u32),
}

/// Where an instance is in its life (see `vm/lifecycle.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum InstanceStatus {
    /// Usable through the API.
    Open = 0,
    /// Closed through the API, but still referred to by an open instance (an import, or a
    /// funcref in a table or global), so its code, memories and tables are kept.
    Closed = 1,
    /// Closed and unreferenced: its memories, tables, code and engine state are freed; its
    /// store addresses stay as tombstones.
    Freed = 2,
}

/// What an instance is made of, fixed when it is made (so any thread may read it without a
/// lock): the store addresses of its functions, tables, memories and globals, its exports.
pub(crate) struct InstanceShape {
    /// A host module's instance (no wasm module).
    pub is_host: bool,
    /// Canonical type id of each of the module's types (for `call_indirect`).
    pub type_ids: Vec<u32>,
    pub funcs: Vec<u32>,
    pub tables: Vec<u32>,
    pub memories: Vec<u32>,
    pub globals: Vec<u32>,
    /// Where each of `globals` keeps its value (fixed addresses), for engines that access
    /// globals in place.
    pub global_defs: Vec<GlobalDef>,
    /// Store addresses of its tags (exception handling).
    pub tags: Vec<u32>,
    pub exports: Vec<(String, ExternAddr)>,
}

impl InstanceShape {
    pub fn export(&self, name: &str) -> Option<ExternAddr> {
        self.exports.iter().find(|(n, _)| n == name).map(|(_, a)| *a)
    }
}

/// What changes in an instance's life: of its link group (see [`GroupCell`]).
pub(crate) struct InstanceState {
    /// The module it is an instance of (`None` for host modules, and once freed).
    pub module: Option<Arc<crate::wasm::Module>>,
    /// The engine's compiled code for `module` (`None` once freed).
    pub code: Option<EngineCode>,
    pub dropped_elems: Vec<bool>,
    pub dropped_datas: Vec<bool>,
    /// State the engine keeps per instance (the Compiler's VMContext); `None` for the
    /// Interpreter and for host modules.
    pub engine_state: Option<InstanceEngineState>,
    /// Host instances of other link groups this one imports functions from (each counted in
    /// their [`InstanceEntity::importers`] until this instance is freed).
    pub pins: Vec<u32>,
}

/// A module instance ([§4.2.5](https://webassembly.github.io/spec/core/exec/runtime.html#module-instances)).
/// Host modules are instances without a module. Dereferences to its [`InstanceShape`].
pub(crate) struct InstanceEntity {
    pub shape: InstanceShape,
    /// The link group it belongs to now (changes when groups merge, under both groups' locks).
    pub group: AtomicU32,
    /// An [`InstanceStatus`]; read without a lock by handles, written under the group's lock.
    status: AtomicU8,
    /// Instances of other groups importing this (host) instance's functions; a closed host
    /// instance is kept while any do.
    pub importers: AtomicU32,
    pub state: GroupCell<InstanceState>,
}

impl std::ops::Deref for InstanceEntity {
    type Target = InstanceShape;
    fn deref(&self) -> &InstanceShape {
        &self.shape
    }
}

impl InstanceEntity {
    pub fn status(&self) -> InstanceStatus {
        match self.status.load(Ordering::Acquire) {
            0 => InstanceStatus::Open,
            1 => InstanceStatus::Closed,
            _ => InstanceStatus::Freed,
        }
    }
    /// Sets the status; only the holder of the instance's group lock does.
    pub fn set_status(&self, s: InstanceStatus) {
        self.status.store(s as u8, Ordering::Release);
    }
}

/// Limits the store enforces, from [`crate::RuntimeConfig`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct StoreLimits {
    /// The most pages any one memory may have.
    pub memory_pages: u32,
    /// The most nested wasm calls.
    pub max_call_depth: u32,
}

/// A link group: instances that share state (one imports another's memory, table, global or
/// wasm function, or holds a funcref to its functions), and so must not run on two threads at
/// once. Calls into different groups run in parallel (RATIONALE.md, "Calls in parallel").
pub(crate) struct Group {
    pub lock: GroupLock,
    pub state: GroupCell<GroupState>,
}

/// What a link group holds, under its lock.
pub(crate) struct GroupState {
    /// Its instances.
    pub members: Vec<u32>,
    /// Its open instances and its closed ones not yet freed, so that collecting costs what is
    /// alive rather than everything ever instantiated.
    pub open: BTreeSet<u32>,
    pub kept: Vec<u32>,
    /// Fuel left and the interrupt flag, where running code of either engine reads them.
    pub vm_limits: Pinned<VMLimits>,
    /// State the engine keeps per group (the Compiler's VM context: trap code, stack limit).
    pub engine_state: Option<GroupEngineState>,
}

/// A host value behind an externref (the API's `ExternRef` wraps one).
pub(crate) type HostRef = Arc<dyn std::any::Any + Send + Sync>;

/// Host values passed in as externrefs; a non-null externref cell is `index + 1`.
#[derive(Default)]
struct Externs {
    list: Vec<HostRef>,
    index: HashMap<usize, u32>,
}

/// The [store](https://webassembly.github.io/spec/core/exec/runtime.html#store) of one
/// runtime, shared by every thread: entities in vectors that never move ([`AppendVec`]), their
/// mutable state owned by link groups ([`Group`]), and the registry of names and canonical
/// types. Calls reach it through a [`Store`] view holding one group's lock.
pub(crate) struct Registry {
    pub engine: Arc<dyn Engine>,
    pub limits: StoreLimits,
    pub funcs: AppendVec<Slot<FuncEntity>>,
    pub tables: AppendVec<Slot<TableEntity>>,
    pub memories: AppendVec<Slot<MemoryEntity>>,
    pub globals: AppendVec<Slot<GlobalEntity>>,
    /// Tags (immutable: any view reads them).
    pub tags: AppendVec<Slot<super::exceptions::TagEntity>>,
    /// Every exception thrown so far (immutable once made; see `vm::exceptions`).
    pub exceptions: AppendVec<super::exceptions::ExnObj>,
    /// Every instance ever made. Closed ones stay as tombstones (see `vm/lifecycle.rs`).
    pub instances: AppendVec<InstanceEntity>,
    pub groups: AppendVec<Group>,
    pub locks: LockTable,
    /// Instances registered by module name, for import resolution.
    pub names: RwLock<HashMap<String, u32>>,
    externs: Mutex<Externs>,
    /// What owns this registry (the API's runtime), for building handles from addresses.
    pub owner: std::sync::Weak<dyn std::any::Any + Send + Sync>,
    /// The interrupt flag every group's `vm_limits` points to, shared with every
    /// [`crate::InterruptHandle`].
    pub interrupt: Arc<AtomicU32>,
    /// The runtime's function listener, if it has one.
    pub listener: Option<Arc<dyn CallObserver>>,
    /// Publishes the backtrace of an outermost call's trap.
    trap_hook: TrapHook,
    /// Every instance joins group 0 (fuel: one tank per runtime, charged exactly, so calls
    /// take turns).
    single_group: bool,
    /// Groups that keep closed instances a later collection may free (see `vm/lifecycle.rs`).
    pub uncollected: Mutex<BTreeSet<u32>>,
    /// Held from choosing a new instance's address ([`Store::next_instance`]) until it is added,
    /// so that its entities name the right owner.
    alloc: Mutex<()>,
}

/// A call's way into the store: the registry plus the lock of one link group, whose entities it
/// may change. Indexing `funcs`, `tables`, `memories` and `globals` works as on vectors.
pub(crate) struct Store {
    reg: NonNull<Registry>,
    /// The group this view holds locked.
    pub(in crate::vm) group: u32,
    pub(in crate::vm) funcs: Entities<FuncEntity>,
    pub(in crate::vm) tables: Entities<TableEntity>,
    pub(in crate::vm) memories: Entities<MemoryEntity>,
    pub(in crate::vm) globals: Entities<GlobalEntity>,
    /// Whether a call from the host is running (calls made while it is are nested).
    in_call: bool,
    /// The wasm frames a trap has unwound through so far, innermost first, as (instance,
    /// module function index); at most [`MAX_TRAP_FRAMES`].
    trap_frames: Vec<(u32, u32)>,
}

// SAFETY: a view is used by the thread holding its group's lock; moving it to another thread
// moves that use with it (the lock is released by the guard on the thread that took it).
unsafe impl Send for Store {}

/// One kind of entity as a [`Store`] view indexes it: shared reads of any entity (the engines
/// only read other groups' host functions, which do not change while imported), writes of the
/// view's own group's.
pub(crate) struct Entities<T> {
    v: NonNull<AppendVec<Slot<T>>>,
    reg: NonNull<Registry>,
    group: u32,
}

impl<T> Entities<T> {
    fn new(v: &AppendVec<Slot<T>>, reg: &Registry, group: u32) -> Self {
        Entities { v: NonNull::from(v), reg: NonNull::from(reg), group }
    }
    #[inline(always)]
    fn vec(&self) -> &AppendVec<Slot<T>> {
        // SAFETY: the registry outlives every view into it (`Store`'s contract).
        unsafe { self.v.as_ref() }
    }
    /// The instance that defined entity `i`.
    pub fn owner(&self, i: usize) -> u32 {
        self.vec()[i].owner
    }
}

impl<T> std::ops::Index<usize> for Entities<T> {
    type Output = T;
    #[inline(always)]
    fn index(&self, i: usize) -> &T {
        // SAFETY: a view reads its own group's entities (it holds the lock; `&self` excludes
        // a `&mut` from `index_mut`) and other groups' host functions, which nobody changes
        // while they are imported (their instance is pinned, see `InstanceState::pins`).
        unsafe { self.vec()[i].cell.get() }
    }
}

impl<T> std::ops::IndexMut<usize> for Entities<T> {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut T {
        let slot = &self.vec()[i];
        debug_assert_eq!(
            // SAFETY: the registry outlives the view.
            unsafe { self.reg.as_ref() }.group_of(slot.owner),
            self.group,
            "a view changed an entity of another link group"
        );
        // SAFETY: the entity belongs to this view's group, whose lock the view holds (checked
        // above in debug builds; `vm` only indexes entities its group reaches), and `&mut self`
        // makes this the only reference into it from this view; no other view of the group
        // exists (the lock is not re-entrant).
        unsafe { slot.cell.get_mut() }
    }
}

/// The most frames a trap's backtrace keeps (the innermost ones).
const MAX_TRAP_FRAMES: usize = 256;

impl Registry {
    pub fn new(
        engine: Arc<dyn Engine>,
        limits: StoreLimits,
        owner: std::sync::Weak<dyn std::any::Any + Send + Sync>,
        listener: Option<Arc<dyn CallObserver>>,
        trap_hook: TrapHook,
        single_group: bool,
    ) -> Registry {
        let reg = Registry {
            engine,
            limits,
            funcs: AppendVec::default(),
            tables: AppendVec::default(),
            memories: AppendVec::default(),
            globals: AppendVec::default(),
            tags: AppendVec::default(),
            exceptions: AppendVec::default(),
            instances: AppendVec::default(),
            groups: AppendVec::default(),
            locks: LockTable::default(),
            names: RwLock::new(HashMap::new()),
            externs: Mutex::new(Externs::default()),
            owner,
            interrupt: Arc::new(AtomicU32::new(0)),
            listener,
            trap_hook,
            single_group,
            alloc: Mutex::new(()),
            uncollected: Mutex::new(BTreeSet::new()),
        };
        // Group 0 always exists: the fuel tank's group (see `single_group`), else unused.
        reg.groups.push(Group { lock: GroupLock::default(), state: GroupCell::new(reg.new_group_state()) });
        reg
    }

    /// The names registered, for reading.
    pub fn names(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, u32>> {
        self.names.read().unwrap_or_else(|e| e.into_inner())
    }
    /// The names registered, for changing.
    pub fn names_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, u32>> {
        self.names.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The group instance `i` belongs to now.
    #[inline]
    pub fn group_of(&self, instance: u32) -> u32 {
        self.instances[instance as usize].group.load(Ordering::Acquire)
    }

    /// A new, empty link group (group 0 when every instance shares one); returns its id.
    pub fn add_group(&self) -> u32 {
        if self.single_group {
            return 0;
        }
        self.groups.push(Group { lock: GroupLock::default(), state: GroupCell::new(self.new_group_state()) }) as u32
    }

    fn new_group_state(&self) -> GroupState {
        GroupState {
            members: Vec::new(),
            open: BTreeSet::new(),
            kept: Vec::new(),
            vm_limits: Pinned::new(VMLimits { fuel: 0, interrupt: Arc::as_ptr(&self.interrupt) }),
            engine_state: None,
        }
    }

    /// Takes the lock of group `g` for this thread (see [`LockTable::lock`]).
    pub fn lock_group(&self, g: u32) -> Result<(), LockError> {
        self.locks.lock(g, &|g| &self.groups[g as usize].lock)
    }
    /// Takes the lock of group `g` if no thread holds it.
    pub fn try_lock_group(&self, g: u32) -> bool {
        self.locks.try_lock(g, &|g| &self.groups[g as usize].lock)
    }
    /// Releases the lock of group `g`, which this thread holds.
    pub fn unlock_group(&self, g: u32) {
        self.locks.unlock(&self.groups[g as usize].lock)
    }
    /// Locks the group instance `i` belongs to (following merges); returns it.
    pub fn lock_instance(&self, instance: u32) -> Result<u32, LockError> {
        let e = &self.instances[instance as usize];
        loop {
            let g = e.group.load(Ordering::Acquire);
            self.lock_group(g)?;
            if e.group.load(Ordering::Acquire) == g {
                return Ok(g);
            }
            self.unlock_group(g);
        }
    }

    /// A view of group `g`, whose lock this thread holds.
    ///
    /// # Safety
    /// The caller holds `g`'s lock for as long as the view lives, and keeps `self` alive as
    /// long.
    pub unsafe fn view(&self, g: u32) -> Store {
        debug_assert!(self.groups[g as usize].lock.held_by_me());
        Store {
            reg: NonNull::from(self),
            group: g,
            funcs: Entities::new(&self.funcs, self, g),
            tables: Entities::new(&self.tables, self, g),
            memories: Entities::new(&self.memories, self, g),
            globals: Entities::new(&self.globals, self, g),
            in_call: false,
            trap_frames: Vec::new(),
        }
    }

    /// The address the next instance will get (its entities are added before it), with the
    /// lock that keeps it so until the guard is dropped after [`Store::add_instance`].
    pub fn next_instance(&self) -> (u32, std::sync::MutexGuard<'_, ()>) {
        let g = self.alloc.lock().unwrap_or_else(|e| e.into_inner());
        (self.instances.len() as u32, g)
    }

    /// The type id of a host function of type `ty`: its process-wide identity as a type alone
    /// in its recursion group ([`TypeId::of`]). Type ids are these identities' numbers, the
    /// same in every runtime.
    pub fn intern_type(&self, ty: &FuncType) -> u32 {
        TypeId::of(ty).0
    }

    /// `Ok` if `instance` is open; [`ApiError::InstanceClosed`] once it (or the runtime) was
    /// closed.
    pub fn check_open(&self, instance: u32) -> Result<(), ApiError> {
        match self.instances.get(instance as usize) {
            Some(i) if i.status() == InstanceStatus::Open => Ok(()),
            _ => Err(ApiError::InstanceClosed),
        }
    }

    /// Instance `i`'s entity: what it is made of (its shape: entities' store addresses, type
    /// ids, exports; fixed at instantiation and read without a lock) and its state (through
    /// [`Store::state_of`]).
    pub fn instance(&self, i: u32) -> &InstanceEntity {
        &self.instances[i as usize]
    }

    /// Withdraws a pending interrupt request (consumed by the trap it caused).
    pub fn clear_interrupt(&self) {
        self.interrupt.store(0, Ordering::Relaxed);
    }

    /// The function type of type id `type_id` (see [`Registry::intern_type`]).
    pub fn type_of(&self, type_id: u32) -> &'static FuncType {
        TypeId(type_id).func_type()
    }

    /// The most nested wasm calls a call may make.
    pub fn max_call_depth(&self) -> u32 {
        self.limits.max_call_depth
    }

    pub fn func_type(&self, func: u32) -> &FuncType {
        self.type_of(self.func_type_id(func))
    }

    /// The type id of store function `func`.
    pub fn func_type_id(&self, func: u32) -> u32 {
        // SAFETY: a function's type id never changes (freeing keeps it).
        unsafe { self.funcs[func as usize].cell.get() }.type_id()
    }

    /// The host value behind a non-null externref cell.
    pub fn extern_at(&self, c: u64) -> HostRef {
        self.externs.lock().unwrap_or_else(|e| e.into_inner()).list[(c - 1) as usize].clone()
    }

    /// The cell of externref `r`, registering it on first sight.
    pub fn extern_cell(&self, r: &HostRef) -> u64 {
        let mut e = self.externs.lock().unwrap_or_else(|e| e.into_inner());
        let next = e.list.len() as u32;
        let key = Arc::as_ptr(r) as *const () as usize;
        let index = *e.index.entry(key).or_insert(next);
        if index == next {
            e.list.push(r.clone());
        }
        index as u64 + 1
    }
}

/// Accessors of a view's entity tables: `name()` to read any entity, `name_mut()` to change
/// one of the view's own link group (checked in debug builds, see [`Entities`]). The engines
/// and the API reach the store only through these and the view's methods.
macro_rules! entity_accessors {
    ($($name:ident $(, $name_mut:ident)?: $t:ty;)*) => {
        impl Store {
            $(
                #[doc = concat!("The store's ", stringify!($name), ", to read.")]
                #[inline(always)]
                pub fn $name(&self) -> &Entities<$t> {
                    &self.$name
                }
                $(
                    #[doc = concat!("The store's ", stringify!($name), ", to change those of this view's group.")]
                    #[inline(always)]
                    pub fn $name_mut(&mut self) -> &mut Entities<$t> {
                        &mut self.$name
                    }
                )?
            )*
            /// The link group this view holds locked.
            #[inline(always)]
            pub fn group(&self) -> u32 {
                self.group
            }
        }
    };
}
entity_accessors! {
    // Functions never change once created (closing swaps in stubs inside `vm`).
    funcs: FuncEntity;
    tables, tables_mut: TableEntity;
    memories, memories_mut: MemoryEntity;
    globals, globals_mut: GlobalEntity;
}

impl std::ops::Deref for Store {
    type Target = Registry;
    #[inline(always)]
    fn deref(&self) -> &Registry {
        // SAFETY: the registry outlives the view (`Registry::view`'s contract).
        unsafe { self.reg.as_ref() }
    }
}

impl Store {
    /// The registry, with a lifetime independent of the view's borrow (it outlives the view).
    pub fn reg<'a>(&self) -> &'a Registry {
        // SAFETY: as in `deref`.
        unsafe { &*self.reg.as_ptr() }
    }

    /// The state of this view's group.
    pub fn group_state(&mut self) -> &mut GroupState {
        // SAFETY: the view holds the group's lock; `&mut self` makes the reference unique.
        unsafe { self.reg().groups[self.group as usize].state.get_mut() }
    }

    /// The fuel and interrupt flag of this view's group (a fixed address).
    pub fn vm_limits(&mut self) -> *mut VMLimits {
        self.group_state().vm_limits.as_ptr()
    }

    /// The changing state of instance `i`, which belongs to this view's group.
    pub fn inst(&self, i: u32) -> &InstanceState {
        self.state_of(self.reg().instance(i))
    }
    /// [`Store::inst`] of an instance entity already looked up.
    pub fn state_of<'e>(&'e self, e: &'e InstanceEntity) -> &'e InstanceState {
        debug_assert_eq!(e.group.load(Ordering::Relaxed), self.group);
        // SAFETY: the instance is of this view's group, whose lock the view holds; `&self`
        // excludes `inst_mut`'s `&mut`.
        unsafe { e.state.get() }
    }
    /// [`Store::inst`] for changing.
    pub fn inst_mut(&mut self, i: u32) -> &mut InstanceState {
        let e = &self.reg().instances[i as usize];
        debug_assert_eq!(e.group.load(Ordering::Relaxed), self.group);
        // SAFETY: as in `inst`, and `&mut self` makes the reference unique.
        unsafe { e.state.get_mut() }
    }

    /// Adds an instance of this view's group; returns its address.
    pub fn add_instance(&mut self, shape: InstanceShape, state: InstanceState) -> u32 {
        let idx = self.instances.push(InstanceEntity {
            shape,
            group: AtomicU32::new(self.group),
            status: AtomicU8::new(InstanceStatus::Open as u8),
            importers: AtomicU32::new(0),
            state: GroupCell::new(state),
        }) as u32;
        let g = self.group_state();
        g.members.push(idx);
        g.open.insert(idx);
        idx
    }
    /// Adds a function; returns its address.
    pub fn add_func(&mut self, f: FuncEntity) -> u32 {
        self.reg().funcs.push(Slot { owner: f.owner(), cell: GroupCell::new(f) }) as u32
    }
    /// Adds a table defined by instance `owner`; returns its address.
    pub fn add_table(&mut self, mut t: TableEntity, owner: u32) -> u32 {
        t.owner = owner;
        self.reg().tables.push(Slot { owner, cell: GroupCell::new(t) }) as u32
    }
    /// Adds a linear memory defined by instance `owner`; returns its address.
    pub fn add_memory(&mut self, mut m: MemoryEntity, owner: u32) -> u32 {
        m.owner = owner;
        self.reg().memories.push(Slot { owner, cell: GroupCell::new(m) }) as u32
    }
    /// Adds a global defined by instance `owner`; returns its address.
    pub fn add_global(&mut self, mut g: GlobalEntity, owner: u32) -> u32 {
        g.owner = owner;
        self.reg().globals.push(Slot { owner, cell: GroupCell::new(g) }) as u32
    }

    /// Adds a tag of store type id `type_id` defined by instance `owner`; returns its address.
    pub fn add_tag(&mut self, type_id: u32, owner: u32) -> u32 {
        self.reg().tags.push(Slot { owner, cell: GroupCell::new(super::exceptions::TagEntity { type_id }) }) as u32
    }

    /// Moves every instance of group `from` (whose lock this thread also holds) into this
    /// view's group: from now on they share its lock.
    pub fn merge_group(&mut self, from: u32) {
        if from == self.group {
            return;
        }
        let reg = self.reg();
        // SAFETY: this thread holds `from`'s lock (the caller's contract) and it is another
        // group than the view's.
        let src = unsafe { reg.groups[from as usize].state.get_mut() };
        let moved = std::mem::take(&mut src.members);
        let open = std::mem::take(&mut src.open);
        let kept = std::mem::take(&mut src.kept);
        for m in &moved {
            reg.instances[*m as usize].group.store(self.group, Ordering::Release);
        }
        let dst = self.group_state();
        dst.members.extend_from_slice(&moved);
        dst.open.extend(open);
        dst.kept.extend(kept);
        let engine = self.engine.clone();
        engine.merge(self, &moved);
    }

    /// Makes the function at `addr` reachable from this view's group: if it belongs to another
    /// group, that group is merged into this one (see [`Group`]).
    /// Errors: [`ApiError::WouldDeadlock`] if the other group is in use by a thread that waits
    /// for this one (merging would deadlock).
    pub fn adopt_func(&mut self, addr: u32) -> Result<(), ApiError> {
        let owner = self.funcs.owner(addr as usize);
        let reg = self.reg();
        // Only a holder of this view's lock (this thread) could merge the owner into this
        // group, so a group other than ours now stays other while we lock it.
        if reg.group_of(owner) == self.group {
            return Ok(());
        }
        let g = reg.lock_instance(owner).map_err(|_| ApiError::WouldDeadlock)?;
        self.merge_group(g);
        reg.unlock_group(g);
        Ok(())
    }

    pub fn extern_type(&self, addr: ExternAddr) -> ExternType {
        match addr {
            ExternAddr::Func(f) => ExternType::Func(self.func_type(f).clone()),
            ExternAddr::Table(t) => ExternType::Table(self.tables[t as usize].ty()),
            ExternAddr::Memory(m) => ExternType::Memory(self.memories[m as usize].ty()),
            ExternAddr::Global(g) => ExternType::Global(self.globals[g as usize].ty),
            ExternAddr::Tag(t) => ExternType::Tag(crate::wasm::types::TagType { ty: self.type_of(self.tag_type_id(t)).clone() }),
        }
    }

    /// Calls store function `func` on cells through the engine. A trap raised by the outermost
    /// call from the host leaves its backtrace for [`crate::WasmBacktrace::last`].
    pub fn invoke(&mut self, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
        let outermost = !self.in_call;
        self.in_call = true;
        self.trap_frames.clear();
        // The registry outlives the view, so its engine needs no reference count of its own
        // here (an `Arc` clone is two atomic operations per call).
        let engine = &*self.reg().engine;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.call(self, func, args, results)));
        if outermost {
            self.in_call = false;
        }
        match r {
            Ok(Err(t)) if outermost && t.exit_code().is_none() => {
                (self.trap_hook)(self, &t);
                Err(t)
            }
            Ok(r) => r,
            Err(panic) => {
                self.in_call = false;
                std::panic::resume_unwind(panic)
            }
        }
    }

    /// Adds a frame to the backtrace of the trap being propagated (see `trap_frames`).
    pub fn record_trap_frame(&mut self, instance: u32, func: u32) {
        if self.trap_frames.len() < MAX_TRAP_FRAMES {
            self.trap_frames.push((instance, func));
        }
    }

    /// Tells the listener that wasm function `func` (module index) of `instance` is entered
    /// with the argument `cells` (`enter`) or returns the result `cells`.
    pub fn listen(&self, instance: u32, func: u32, enter: bool, cells: &[u64]) {
        if let Some(l) = &self.listener {
            l.wasm(self, instance, func, enter, cells);
        }
    }

    /// The cells function `func` (module index) of `instance` takes (`enter`) or returns.
    pub fn listen_cells(&self, instance: u32, func: u32, enter: bool) -> usize {
        let Some(module) = self.inst(instance).module.as_ref() else { return 0 };
        let ty = module.func_type(func);
        cell_count(if enter { ty.params() } else { ty.results() })
    }

    /// The frames recorded for the last trap, innermost first.
    pub fn trap_frames(&self) -> &[(u32, u32)] {
        &self.trap_frames
    }

    /// Runs host function `func` on cells: `args` in, `results` out, for `caller_instance`.
    pub fn invoke_host(
        &mut self,
        func: u32,
        caller_instance: Option<u32>,
        args: &[u64],
        results: &mut [u64],
    ) -> Result<(), Trap> {
        with_cells(args.len().max(results.len()), |buf| {
            buf[..args.len()].copy_from_slice(args);
            self.invoke_host_in_place(func, caller_instance, buf)?;
            results.copy_from_slice(&buf[..results.len()]);
            Ok(())
        })
    }

    /// Runs host function `func` for `caller_instance` on `cells`, which holds the argument
    /// cells and receives the result cells (its length is [`call_cells`] of the type).
    pub fn invoke_host_in_place(&mut self, func: u32, caller_instance: Option<u32>, cells: &mut [u64]) -> Result<(), Trap> {
        let FuncEntity::Host { type_id, func: code, .. } = &self.funcs[func as usize] else {
            // Engines only send host functions here.
            return Err(Trap::Host("internal error: invoke_host on a wasm function".into()));
        };
        let (type_id, code) = (*type_id, code.clone());
        let Some(l) = self.listener.clone() else { return code(self, caller_instance, cells) };
        let ty = self.reg().type_of(type_id);
        l.host(self, func, true, &cells[..cell_count(ty.params())]);
        code(self, caller_instance, cells)?;
        l.host(self, func, false, &cells[..cell_count(ty.results())]);
        Ok(())
    }
}
