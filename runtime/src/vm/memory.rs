//! Linear memory ([§4.2.8](https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances)).
//!
//! A memory's bytes live in one of two ways ([`LinearBytes`]): on the heap, growing by
//! reallocation (the Interpreter, and the Compiler with explicit bounds checks), or in a
//! *reservation*: 8 GiB of address space mapped inaccessible, of which the first `length`
//! bytes are made read-write and `memory.grow` makes more. Every address a 32-bit memory
//! access can form (an i32 address plus an offset below 4 GiB, 16 bytes at most) lies inside
//! the reservation, so compiled code need not compare it with the length: an access past the
//! end faults, and the Compiler's signal handler turns the fault into a trap
//! (RATIONALE.md, "Memory traps from guard pages"). A 64-bit memory (memory64) is kept shorter
//! than 2^32 bytes ([`MAX_MEMORY64_BYTES`]), so compiled code clamps its i64 address to 2^32
//! and the same reservation holds every address it then forms. Only memories of 64 KiB pages
//! are reserved ([`guardable`]); those of 1-byte pages (custom page sizes) are heap buffers that
//! compiled code checks explicitly.

use super::defs::{Pinned, VMMemoryDefinition};
use crate::wasm::types::{IndexType, MemoryType};

/// Bytes per page ([§2.3.8](https://webassembly.github.io/spec/core/syntax/types.html#memory-types)).
pub(crate) const PAGE_SIZE: usize = 65536;
/// The most bytes a 64-bit memory (memory64) may have: one less than 2^32. The runtime's memory
/// limit (at most 65536 pages, 4 GiB) caps every memory anyway; keeping 64-bit ones below 2^32
/// lets both engines narrow an i64 address to 32 bits plus one: the Interpreter's fast
/// instructions take it saturated to u32 (`I64SatU32`), the Compiler clamps it to 2^32 (so the
/// guard-page reservation holds every address formed, and explicit checks cannot wrap); an
/// address of 2^32 or more then stays out of bounds.
pub(crate) const MAX_MEMORY64_BYTES: u64 = (1 << 32) - 1;

/// Bytes of address space a reserved memory takes: the furthest byte an access can reach is
/// `(2^32 - 1) + (2^32 - 1) + 15`, and one page more rounds it up. Zero on hosts with less
/// than 64-bit addresses, where memories are never reserved (the Compiler needs 64 bits).
pub(crate) const RESERVATION_BYTES: usize =
    if usize::BITS >= 64 { (8u64 << 30) as usize + PAGE_SIZE } else { 0 };

/// Whether a memory of type `ty` may be a reservation that compiled code accesses unchecked
/// (guard pages): one whose pages are of 64 KiB, so that its length is always a multiple of
/// the host's page size (a memory of 3 one-byte pages would leave the rest of its OS page
/// accessible). Every address an access can form lies within [`RESERVATION_BYTES`]: an i32
/// plus an offset below 2^32, or, for a 64-bit memory, its i64 address clamped to 2^32 by the
/// Compiler (sound as the memory is shorter than that, [`MAX_MEMORY64_BYTES`]) plus such an
/// offset (a larger one always traps). The Compiler asks the same of the memory types it
/// compiles accesses for.
pub(crate) fn guardable(ty: &MemoryType) -> bool {
    ty.page_size_log2 == 16
}

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

/// One linear memory: its bytes, its type and its limits in pages (of the memory's own page
/// size, [`MemoryType::page_size`]).
pub(crate) struct MemoryEntity {
    /// The bytes. Only [`MemoryEntity::grow`] may change their length (it keeps `def` in step).
    pub data: LinearBytes,
    /// Base and length of `data` at a fixed address, for compiled code.
    def: Pinned<VMMemoryDefinition>,
    /// The type as declared: address type, page size and maximum (for import matching); its
    /// `min` is the initial size.
    pub decl: MemoryType,
    /// The effective maximum in pages: the declared one capped by the runtime's memory limit
    /// and by what the address type can reach.
    pub max_pages: u64,
    /// The instance that defined the memory (set by `Store::add_memory`).
    pub owner: u32,
}

impl MemoryEntity {
    /// Allocates `ty.min` zeroed pages, in a reservation if `reserved` and the memory is
    /// [`guardable`] (see the module docs: memories of 1-byte pages are heap buffers that
    /// compiled code checks explicitly); fails when that exceeds the
    /// runtime's limit (`limit_pages`, in pages of 64 KiB) or the allocation or reservation
    /// fails, or for a shared memory (threads are not implemented).
    pub fn new(ty: MemoryType, limit_pages: u32, reserved: bool) -> Result<MemoryEntity, String> {
        let log2 = ty.page_size_log2 as u32;
        let limit_bytes = limit_pages as u64 * PAGE_SIZE as u64;
        // The most pages an address of the memory's type can reach: 4 GiB for i32; for i64
        // [`MAX_MEMORY64_BYTES`] (the address space could hold more, the runtime's limit not).
        let index_max = match ty.index {
            IndexType::I32 => (1u64 << 32) >> log2,
            IndexType::I64 => MAX_MEMORY64_BYTES.min(usize::MAX as u64) >> log2,
        };
        let max_pages = ty.max.unwrap_or(u64::MAX).min(limit_bytes >> log2).min(index_max);
        if ty.min > max_pages {
            return Err(format!("memory of {} pages exceeds the limit of {} pages", ty.min, max_pages));
        }
        let bytes = (ty.min << log2) as usize;
        let mut data = if reserved && guardable(&ty) {
            #[cfg(unix)]
            let r = LinearBytes::reserve(bytes);
            #[cfg(not(unix))]
            let r = None;
            r.ok_or_else(|| format!("cannot reserve {} GiB of address space for a memory of {} pages", RESERVATION_BYTES >> 30, ty.min))?
        } else {
            LinearBytes::Heap(zeroed_bytes(bytes).ok_or_else(|| format!("cannot allocate {} pages", ty.min))?)
        };
        let def = Pinned::new(VMMemoryDefinition { base: data.as_mut_ptr(), length: data.len() });
        Ok(MemoryEntity { data, def, decl: ty, max_pages, owner: u32::MAX })
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

    /// Whether addresses into the memory are i64 (memory64).
    pub fn is64(&self) -> bool {
        self.decl.index == IndexType::I64
    }

    /// The current size in pages of the memory's page size.
    pub fn pages(&self) -> u64 {
        (self.data.len() as u64) >> self.decl.page_size_log2
    }

    /// The type seen by import matching: current size as minimum, declared maximum, address
    /// type and page size.
    pub fn ty(&self) -> MemoryType {
        MemoryType { min: self.pages(), ..self.decl }
    }

    /// [`memory.grow`](https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-memory-mathsf-memory-grow):
    /// returns the old size in pages, or `None` (the instruction's -1) when the new size would
    /// exceed the maximum or cannot be allocated.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        // `max_pages` keeps the size in bytes within the address space (`new`'s constructor).
        if !self.data.grow_to((new << self.decl.page_size_log2) as usize) {
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
            .field("decl", &self.decl)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}
