//! The data compiled code reads at fixed offsets (RATIONALE.md, "Instance layout (VMContext) and the store context"):
//!
//! - one [`VMStoreContext`] per store: the trap-code slot, the stack limit, the limits (fuel, interrupt flag),
//!   the funcref array (one [`VMFuncRef`] per function of the store, indexed by store address)
//!   and the libcall table. Every instance's VMContext points to it, so a trap raised in any
//!   instance is seen by every caller up the stack, whatever instance it belongs to.
//! - one VMContext per instance: a header ([`VMContextHeader`]) and a tail laid out by
//!   [`VMOffsets`] from the module: canonical type ids, store addresses of the functions,
//!   imported functions, code pointers of the module's own functions, and pointers to the
//!   definitions of globals, tables and memories (`vm::defs`, whose addresses never change).

use super::libcalls::LIBCALL_COUNT;
use crate::vm::defs::{VMGlobalDefinition, VMMemoryDefinition, VMTableDefinition};
use crate::vm::{Trap};
use crate::wasm::Module;
use std::any::Any;
use std::mem::{offset_of, size_of};
use std::ptr::NonNull;

/// The values of [`VMStoreContext::trap_code`] besides a wasm trap's
/// [`TrapCode`](crate::vm::TrapCode) (`vm/trap.rs`, where every trap is declared once).
pub(crate) mod trap_code {
    /// No trap.
    pub const NONE: u32 = 0;
    /// The trap (or a host panic) is in [`super::VMStoreContext::pending`].
    pub const PENDING: u32 = 0xffff;
    /// Not a trap: an exception is being thrown, the one in
    /// [`super::VMStoreContext::exception`]; a `try_table` on the way may catch it.
    pub const EXCEPTION: u32 = 0xfffe;
    const _: () = assert!(crate::vm::TrapCode::Interrupted as u32 != EXCEPTION);
    const _: () = assert!(crate::vm::TrapCode::Interrupted as u32 != PENDING);
}

/// The trap a code stands for (`PENDING` is resolved by the caller).
pub(crate) fn trap_of(code: u32) -> Trap {
    match crate::vm::TrapCode::from_u32(code) {
        Some(c) => Trap::from(c),
        None => Trap::host(format!("internal error: unknown trap code {code}")),
    }
}

/// What a pending trap holds: a trap, or the payload of a host function's panic, which is
/// resumed once the outermost compiled frame has returned to Rust.
pub(crate) enum Pending {
    Trap(Trap),
    Panic(Box<dyn Any + Send>),
}

/// A function as `call_indirect` and imports see it. Host functions have a null `code`: they
/// are called through the `host_call` libcall.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct VMFuncRef {
    /// The function's machine code (wasm calling convention), or null for host functions.
    pub code: *const u8,
    /// The VMContext of the function's instance (null for host functions).
    pub vmctx: *mut u8,
    /// The canonical type id (`Store::intern_type`).
    pub type_id: u32,
}

/// Per-store state shared by every instance's VMContext. The `#[repr(C)]` prefix up to
/// `libcalls` is read by compiled code; the rest only by Rust.
#[repr(C)]
pub(crate) struct VMStoreContext {
    /// The trap being propagated ([`trap_code`]); compiled code checks it after every call.
    pub trap_code: u32,
    /// The lowest stack pointer compiled code may run with; 0 while no wasm runs.
    pub stack_limit: usize,
    /// The store's fuel and interrupt flag ([`crate::vm::VMLimits`], a fixed address).
    pub limits: *mut crate::vm::VMLimits,
    /// Nested wasm calls running, when the call depth is limited.
    pub call_depth: u32,
    /// The exnref cell of the exception being thrown, while `trap_code` is `EXCEPTION`.
    pub exception: u64,
    /// The store's funcref array (`funcrefs` below), indexed by store address.
    pub funcrefs: *const VMFuncRef,
    /// The store, for libcalls; set on every entry from the host.
    pub store: *mut crate::vm::Store,
    /// Addresses of the libcalls ([`super::libcalls::Libcall`]).
    pub libcalls: [usize; LIBCALL_COUNT],
    /// The trap or panic behind `trap_code == PENDING`.
    pub pending: Option<Pending>,
}

// SAFETY: the raw pointers point into the runtime that owns this context (its funcref array,
// the view of the running call) and are only dereferenced by the thread holding the lock of the
// context's link group (there is one VMStoreContext per group).
unsafe impl Send for VMStoreContext {}

pub(crate) const STORE_TRAP_CODE: i32 = offset_of!(VMStoreContext, trap_code) as i32;
pub(crate) const STORE_STACK_LIMIT: i32 = offset_of!(VMStoreContext, stack_limit) as i32;
pub(crate) const STORE_LIMITS: i32 = offset_of!(VMStoreContext, limits) as i32;
pub(crate) const STORE_CALL_DEPTH: i32 = offset_of!(VMStoreContext, call_depth) as i32;
pub(crate) const STORE_EXCEPTION: i32 = offset_of!(VMStoreContext, exception) as i32;
pub(crate) const STORE_FUNCREFS: i32 = offset_of!(VMStoreContext, funcrefs) as i32;
pub(crate) const STORE_LIBCALLS: i32 = offset_of!(VMStoreContext, libcalls) as i32;
pub(crate) const FUNCREF_CODE: i32 = offset_of!(VMFuncRef, code) as i32;
pub(crate) const FUNCREF_VMCTX: i32 = offset_of!(VMFuncRef, vmctx) as i32;
pub(crate) const FUNCREF_TYPE_ID: i32 = offset_of!(VMFuncRef, type_id) as i32;
pub(crate) const FUNCREF_SIZE: i64 = size_of::<VMFuncRef>() as i64;
pub(crate) const MEMORY_BASE: i32 = offset_of!(VMMemoryDefinition, base) as i32;
pub(crate) const MEMORY_LENGTH: i32 = offset_of!(VMMemoryDefinition, length) as i32;
pub(crate) const TABLE_BASE: i32 = offset_of!(VMTableDefinition, base) as i32;
pub(crate) const TABLE_LENGTH: i32 = offset_of!(VMTableDefinition, length) as i32;
/// Where the low and high 64 bits of a global's native `u128` are.
pub(crate) const GLOBAL_LOW: i32 =
    offset_of!(VMGlobalDefinition, bits) as i32 + if cfg!(target_endian = "little") { 0 } else { 8 };
pub(crate) const GLOBAL_HIGH: i32 =
    offset_of!(VMGlobalDefinition, bits) as i32 + if cfg!(target_endian = "little") { 8 } else { 0 };

/// The fixed start of every VMContext.
#[repr(C)]
pub(crate) struct VMContextHeader {
    /// The store's [`VMStoreContext`].
    pub store_ctx: *mut VMStoreContext,
    /// Memory 0's definition, or null when the module has no memory.
    pub memory0: *mut VMMemoryDefinition,
    /// The instance's address in the store (for libcalls).
    pub instance: u32,
}

pub(crate) const VMCTX_STORE_CTX: i32 = offset_of!(VMContextHeader, store_ctx) as i32;
pub(crate) const VMCTX_MEMORY0: i32 = offset_of!(VMContextHeader, memory0) as i32;
pub(crate) const VMCTX_INSTANCE: i32 = offset_of!(VMContextHeader, instance) as i32;

/// An imported function in a VMContext: where to call it and with which VMContext (null code:
/// a host function, called through `host_call` with its store address).
#[repr(C)]
pub(crate) struct VMFuncImport {
    pub code: *const u8,
    pub vmctx: *mut u8,
}

pub(crate) const IMPORT_CODE: i32 = offset_of!(VMFuncImport, code) as i32;
pub(crate) const IMPORT_VMCTX: i32 = offset_of!(VMFuncImport, vmctx) as i32;

/// Offsets (bytes from the VMContext's start) of the variable-length parts of one module's
/// VMContexts. Every part is 8-byte aligned.
#[derive(Clone, Debug)]
pub(crate) struct VMOffsets {
    /// `u32` canonical type id per type index.
    pub type_ids: u32,
    /// `u32` store address per function index (imports first).
    pub func_addrs: u32,
    /// [`VMFuncImport`] per imported function.
    pub imported_funcs: u32,
    /// Code pointer per defined function.
    pub defined_code: u32,
    /// `*mut VMGlobalDefinition` per global.
    pub globals: u32,
    /// `*mut VMTableDefinition` per table.
    pub tables: u32,
    /// `*mut VMMemoryDefinition` per memory.
    pub memories: u32,
    /// Total size in bytes.
    pub size: u32,
}

fn align8(x: usize) -> usize {
    (x + 7) & !7
}

impl VMOffsets {
    pub fn new(m: &Module) -> VMOffsets {
        let mut at = align8(size_of::<VMContextHeader>());
        let mut take = |bytes: usize| {
            let start = at;
            at = align8(at + bytes);
            start as u32
        };
        let type_ids = take(4 * m.types.len());
        let func_addrs = take(4 * m.funcs.len());
        let imported_funcs = take(size_of::<VMFuncImport>() * m.num_imported_funcs as usize);
        let defined_code = take(8 * m.bodies.len());
        let globals = take(8 * m.globals.len());
        let tables = take(8 * m.tables.len());
        let memories = take(8 * m.memories.len());
        VMOffsets { type_ids, func_addrs, imported_funcs, defined_code, globals, tables, memories, size: at as u32 }
    }
    pub fn type_id(&self, ty: u32) -> i32 {
        (self.type_ids + 4 * ty) as i32
    }
    pub fn func_addr(&self, func: u32) -> i32 {
        (self.func_addrs + 4 * func) as i32
    }
    pub fn imported_func(&self, func: u32) -> i32 {
        (self.imported_funcs + size_of::<VMFuncImport>() as u32 * func) as i32
    }
    pub fn defined_code(&self, defined: u32) -> i32 {
        (self.defined_code + 8 * defined) as i32
    }
    pub fn global(&self, g: u32) -> i32 {
        (self.globals + 8 * g) as i32
    }
    pub fn table(&self, t: u32) -> i32 {
        (self.tables + 8 * t) as i32
    }
    pub fn memory(&self, m: u32) -> i32 {
        (self.memories + 8 * m) as i32
    }
}

/// One instance's VMContext: an 8-byte aligned block of [`VMOffsets::size`] bytes at a fixed
/// address, freed with the instance's store.
pub(crate) struct VMContext {
    ptr: NonNull<u64>,
    words: usize,
}

// SAFETY: the block is owned like a `Box<[u64]>`; the pointers inside point into the same
// store, which is only used under its lock.
unsafe impl Send for VMContext {}

impl VMContext {
    /// A zeroed VMContext of `size` bytes.
    pub fn new(size: u32) -> VMContext {
        let words = (size as usize).div_ceil(8).max(1);
        let b: Box<[u64]> = vec![0u64; words].into_boxed_slice();
        let ptr = NonNull::new(Box::into_raw(b) as *mut u64).expect("a box is never null");
        VMContext { ptr, words }
    }
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr() as *mut u8
    }
    /// Writes `value` at byte offset `off`.
    ///
    /// # Safety
    /// `off + size_of::<T>()` must be within the block and `off` aligned for `T`.
    pub unsafe fn write<T>(&self, off: i32, value: T) {
        debug_assert!(off as usize + size_of::<T>() <= self.words * 8);
        // SAFETY: `off..off + size_of::<T>()` lies within the block and is aligned for `T`
        // (this function's contract).
        unsafe { (self.as_ptr().add(off as usize) as *mut T).write(value) }
    }
}

impl Drop for VMContext {
    fn drop(&mut self) {
        // SAFETY: made from a `Box<[u64]>` of `words` words in `new`, freed once here.
        unsafe {
            drop(Box::from_raw(std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.words)));
        }
    }
}
