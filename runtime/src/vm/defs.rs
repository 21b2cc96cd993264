//! Definitions at stable addresses: the parts of memories, tables and globals that compiled code
//! reads and writes through pointers in its VMContext (RATIONALE.md, "Instance layout (VMContext) and the store context").
//!
//! The store keeps its entities in `Vec`s, which move when they grow; each entity therefore keeps
//! its definition in a [`Pinned`] heap cell whose address never changes, and updates it whenever
//! the entity's storage moves (`memory.grow`, `table.grow`). The Interpreter keeps using the
//! entities' own fields (`MemoryEntity::data`, `TableEntity::elems`) directly.

use std::ptr::NonNull;

/// A heap cell with a fixed address for as long as it lives, written through raw pointers by
/// compiled code while the owner holds it. Unlike `Box`, it makes no uniqueness promise, so
/// writes through [`Pinned::as_ptr`] alongside the owner's accesses are allowed.
pub(crate) struct Pinned<T>(NonNull<T>);

// SAFETY: a `Pinned<T>` owns its `T` like a `Box<T>`; the raw pointers inside the definitions
// point into data owned by the same store, which is only used under the lock of its owner's link group.
unsafe impl<T: Send> Send for Pinned<T> {}
// SAFETY: as for `Send`: shared access hands out `&T` only (`get`), so `T: Sync` suffices.
unsafe impl<T: Sync> Sync for Pinned<T> {}

impl<T> Pinned<T> {
    pub fn new(value: T) -> Self {
        Pinned(NonNull::from(Box::leak(Box::new(value))))
    }
    /// The cell's fixed address.
    pub fn as_ptr(&self) -> *mut T {
        self.0.as_ptr()
    }
    pub fn get(&self) -> &T {
        // SAFETY: the cell is live while `self` is; writers go through `&mut self` or happen
        // while no Rust reference into the cell is held (compiled code runs under its link group's lock).
        unsafe { self.0.as_ref() }
    }
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: as in `get`.
        unsafe { self.0.as_mut() }
    }
}

impl<T> Drop for Pinned<T> {
    fn drop(&mut self) {
        // SAFETY: allocated by `Box::new` in `new`, freed once here.
        unsafe { drop(Box::from_raw(self.0.as_ptr())) }
    }
}

/// A linear memory as compiled code sees it: base address and current length in bytes.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMMemoryDefinition {
    pub base: *mut u8,
    pub length: usize,
}

/// A table as compiled code sees it: its reference cells (`addr + 1`, 0 = null) and their count.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMTableDefinition {
    pub base: *mut u64,
    pub length: usize,
}

/// A global's value bits (v128 uses all 128; other types the low 64).
#[repr(C, align(16))]
#[derive(Debug)]
pub(crate) struct VMGlobalDefinition {
    pub bits: u128,
}

// SAFETY: the pointers refer to the `Vec` buffer of the entity that owns the definition, in the
// same store; they are only dereferenced by code running under the lock of the owner's link group.
unsafe impl Send for VMMemoryDefinition {}
// SAFETY: as for `Send`: dereferenced only under the owner's group lock.
unsafe impl Sync for VMMemoryDefinition {}
// SAFETY: as for `VMMemoryDefinition`: points into the owning table entity's buffer, in the
// same store, dereferenced only under the owner's group lock.
unsafe impl Send for VMTableDefinition {}
// SAFETY: as for `Send`.
unsafe impl Sync for VMTableDefinition {}
