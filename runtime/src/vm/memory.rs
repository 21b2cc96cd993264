//! Linear memory ([§4.2.8](https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances)).
//!
//! A memory's bytes live in one of two ways ([`LinearBytes`]): on the heap, growing by
//! reallocation (the Interpreter, and the Compiler with explicit bounds checks), or in a
//! *reservation*: 8 GiB of address space mapped inaccessible, of which the first `length`
//! bytes are made read-write and `memory.grow` makes more. Every address a 32-bit memory
//! access can form (an i32 address plus an offset below 4 GiB, 16 bytes at most) lies inside
//! the reservation, so compiled code need not compare it with the length: an access past the
//! end faults, and the Compiler's signal handler turns the fault into a trap
//! (RATIONALE.md, "Memory traps from guard pages").

use super::defs::{Pinned, VMMemoryDefinition};
use crate::wasm::types::{ExternType, IndexType, MemoryType};

/// Bytes per page ([§2.3.8](https://webassembly.github.io/spec/core/syntax/types.html#memory-types)).
pub(crate) const PAGE_SIZE: usize = 65536;
/// The most pages a 32-bit memory can have (4 GiB).
pub(crate) const MAX_PAGES: u32 = 65536;
/// Bytes of address space a reserved memory takes: the furthest byte an access can reach is
/// `(2^32 - 1) + (2^32 - 1) + 15`, and one page more rounds it up. Zero on hosts with less
/// than 64-bit addresses, where memories are never reserved (the Compiler needs 64 bits).
pub(crate) const RESERVATION_BYTES: usize =
    if usize::BITS >= 64 { (8u64 << 30) as usize + PAGE_SIZE } else { 0 };

/// `len` zero bytes, or `None` if the allocation fails. Uses the allocator's zeroed allocation,
/// which the OS provides lazily, so a large initial memory costs nothing until it is touched.
fn zeroed_bytes(len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).ok()?;
    // SAFETY: `layout` has a non-zero size; the pointer, if not null, owns `len` initialised
    // (zero) bytes allocated by the global allocator with `u8` alignment, as `Vec` requires.
    unsafe {
        let p = std::alloc::alloc_zeroed(layout);
        (!p.is_null()).then(|| Vec::from_raw_parts(p, len, len))
    }
}

/// The bytes of a linear memory: a heap buffer, or the accessible start of a reservation.
/// Dereferences to the accessible bytes (`length` of them).
pub(crate) enum LinearBytes {
    /// A heap buffer; grows by reallocation (its address may change).
    Heap(Vec<u8>),
    /// `len` read-write bytes at the start of a [`RESERVATION_BYTES`] mapping that is
    /// otherwise inaccessible; grows in place.
    #[cfg(unix)]
    Reserved { ptr: *mut u8, len: usize },
}

// SAFETY: a reservation is owned by its `LinearBytes` alone (like a `Vec`'s buffer) and only
// used under the lock of its owner's link group.
unsafe impl Send for LinearBytes {}
// SAFETY: as for `Send`: shared access reads only (`Deref`), writes need `&mut self`.
unsafe impl Sync for LinearBytes {}

impl LinearBytes {
    /// A reservation whose first `len` bytes are zeroed read-write memory; `None` if the
    /// address space or the memory is not available.
    #[cfg(unix)]
    fn reserve(len: usize) -> Option<LinearBytes> {
        use rustix::mm::{mmap_anonymous, MapFlags, ProtFlags};
        if RESERVATION_BYTES == 0 {
            return None;
        }
        // SAFETY: a fresh private anonymous mapping that nothing else refers to.
        let ptr = unsafe {
            mmap_anonymous(std::ptr::null_mut(), RESERVATION_BYTES, ProtFlags::empty(), MapFlags::PRIVATE | MapFlags::NORESERVE)
        }
        .ok()? as *mut u8;
        let mut bytes = LinearBytes::Reserved { ptr, len: 0 };
        bytes.grow_to(len).then_some(bytes)
    }

    /// Makes the first `new_len` bytes accessible (they keep their contents; new ones are
    /// zero). Returns false if that fails (nothing changed).
    fn grow_to(&mut self, new_len: usize) -> bool {
        match self {
            LinearBytes::Heap(v) => {
                if v.try_reserve_exact(new_len - v.len()).is_err() {
                    return false;
                }
                v.resize(new_len, 0);
                true
            }
            #[cfg(unix)]
            LinearBytes::Reserved { ptr, len } => {
                use rustix::mm::{mprotect, MprotectFlags};
                if new_len > RESERVATION_BYTES {
                    return false;
                }
                if new_len > *len {
                    // SAFETY: the range lies within the reservation this value owns; the pages
                    // past `len` were never accessible, so nothing refers to them.
                    let r = unsafe {
                        mprotect(ptr.add(*len) as *mut _, new_len - *len, MprotectFlags::READ | MprotectFlags::WRITE)
                    };
                    if r.is_err() {
                        return false;
                    }
                }
                *len = new_len;
                true
            }
        }
    }
}

impl std::ops::Deref for LinearBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            LinearBytes::Heap(v) => v,
            // SAFETY: the first `len` bytes of the reservation are read-write and owned by us.
            #[cfg(unix)]
            LinearBytes::Reserved { ptr, len } => unsafe { std::slice::from_raw_parts(*ptr, *len) },
        }
    }
}

impl std::ops::DerefMut for LinearBytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        match self {
            LinearBytes::Heap(v) => v,
            // SAFETY: as in `deref`, and `&mut self` makes the access unique.
            #[cfg(unix)]
            LinearBytes::Reserved { ptr, len } => unsafe { std::slice::from_raw_parts_mut(*ptr, *len) },
        }
    }
}

impl Drop for LinearBytes {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let LinearBytes::Reserved { ptr, .. } = self {
            // SAFETY: the mapping made in `reserve`, unmapped once; no code runs on this memory
            // any more (its store is being freed or its instance was closed).
            unsafe {
                let _ = rustix::mm::munmap(*ptr as *mut _, RESERVATION_BYTES);
            }
        }
    }
}

/// One linear memory: its bytes and its limits in pages.
pub(crate) struct MemoryEntity {
    /// The bytes. Only [`MemoryEntity::grow`] may change their length (it keeps `def` in step).
    pub data: LinearBytes,
    /// Base and length of `data` at a fixed address, for compiled code.
    def: Pinned<VMMemoryDefinition>,
    /// The declared maximum, in pages, as the module gave it (for import matching).
    pub declared_max: Option<u32>,
    /// The effective maximum in pages: the declared one capped by the runtime's memory limit.
    pub max_pages: u32,
    /// The instance that defined the memory (set by `Store::add_memory`).
    pub owner: u32,
}

impl MemoryEntity {
    /// Allocates `ty.min` zeroed pages, in a reservation if `reserved` (see the module docs);
    /// fails when that exceeds `limit_pages` or the allocation or reservation fails.
    pub fn new(ty: MemoryType, limit_pages: u32, reserved: bool) -> Result<MemoryEntity, String> {
        if ty.index != IndexType::I32 || ty.shared || ty.page_size_log2 != 16 {
            return Err(format!("memory type {} is not supported yet", ExternType::Memory(ty)));
        }
        let max_pages = ty.max.unwrap_or(MAX_PAGES as u64).min(limit_pages as u64).min(MAX_PAGES as u64) as u32;
        if ty.min > max_pages as u64 {
            return Err(format!(
                "memory of {} pages exceeds the limit of {} pages",
                ty.min, max_pages
            ));
        }
        let bytes = ty.min as usize * PAGE_SIZE;
        let mut data = if reserved {
            #[cfg(unix)]
            let r = LinearBytes::reserve(bytes);
            #[cfg(not(unix))]
            let r = None;
            r.ok_or_else(|| format!("cannot reserve {} GiB of address space for a memory of {} pages", RESERVATION_BYTES >> 30, ty.min))?
        } else {
            LinearBytes::Heap(zeroed_bytes(bytes).ok_or_else(|| format!("cannot allocate {} pages", ty.min))?)
        };
        let def = Pinned::new(VMMemoryDefinition { base: data.as_mut_ptr(), length: data.len() });
        Ok(MemoryEntity { data, def, declared_max: ty.max.map(|m| m as u32), max_pages, owner: u32::MAX })
    }

    /// Frees the bytes (the memory's instance was freed); the memory has 0 pages and cannot grow.
    pub fn free(&mut self) {
        self.data = LinearBytes::Heap(Vec::new());
        self.max_pages = 0;
        *self.def.get_mut() = VMMemoryDefinition { base: self.data.as_mut_ptr(), length: 0 };
    }

    /// The definition compiled code reads (base and length, updated by `grow`); its address is
    /// fixed for the memory's lifetime.
    pub fn definition(&self) -> *mut VMMemoryDefinition {
        self.def.as_ptr()
    }

    /// The current size in pages.
    pub fn pages(&self) -> u32 {
        (self.data.len() / PAGE_SIZE) as u32
    }

    /// The type seen by import matching: current size as minimum, declared maximum.
    pub fn ty(&self) -> MemoryType {
        MemoryType::new(self.pages(), self.declared_max)
    }

    /// [`memory.grow`](https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-memory-mathsf-memory-grow):
    /// returns the old size in pages, or `None` (the instruction's -1) when the new size would
    /// exceed the maximum or cannot be allocated.
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        if !self.data.grow_to(new as usize * PAGE_SIZE) {
            return None;
        }
        *self.def.get_mut() = VMMemoryDefinition { base: self.data.as_mut_ptr(), length: self.data.len() };
        Some(old)
    }
}

impl std::fmt::Debug for MemoryEntity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryEntity")
            .field("pages", &self.pages())
            .field("declared_max", &self.declared_max)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}
