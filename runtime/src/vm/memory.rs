//! Linear memory ([§4.2.8](https://webassembly.github.io/spec/core/exec/runtime.html#memory-instances)).

use super::defs::{Pinned, VMMemoryDefinition};
use crate::api::MemoryType;

/// Bytes per page ([§2.3.8](https://webassembly.github.io/spec/core/syntax/types.html#memory-types)).
pub(crate) const PAGE_SIZE: usize = 65536;
/// The most pages a 32-bit memory can have (4 GiB).
pub(crate) const MAX_PAGES: u32 = 65536;

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

/// One linear memory: its bytes and its limits in pages.
pub(crate) struct MemoryEntity {
    /// The bytes. Only [`MemoryEntity::grow`] may change its length (it keeps `def` in step).
    pub data: Vec<u8>,
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
    /// Allocates `ty.min` zeroed pages; fails when that exceeds `limit_pages` or the allocation fails.
    pub fn new(ty: MemoryType, limit_pages: u32) -> Result<MemoryEntity, String> {
        let max_pages = ty.max.unwrap_or(MAX_PAGES).min(limit_pages).min(MAX_PAGES);
        if ty.min > max_pages {
            return Err(format!(
                "memory of {} pages exceeds the limit of {} pages",
                ty.min, max_pages
            ));
        }
        let bytes = ty.min as usize * PAGE_SIZE;
        let data = zeroed_bytes(bytes).ok_or_else(|| format!("cannot allocate {} pages", ty.min))?;
        let mut data = data;
        let def = Pinned::new(VMMemoryDefinition { base: data.as_mut_ptr(), length: data.len() });
        Ok(MemoryEntity { data, def, declared_max: ty.max, max_pages, owner: u32::MAX })
    }

    /// Frees the bytes (the memory's instance was freed); the memory has 0 pages and cannot grow.
    pub fn free(&mut self) {
        self.data = Vec::new();
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
        MemoryType { min: self.pages(), max: self.declared_max }
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
        let bytes = new as usize * PAGE_SIZE;
        if self.data.try_reserve_exact(bytes - self.data.len()).is_err() {
            return None;
        }
        self.data.resize(bytes, 0);
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
