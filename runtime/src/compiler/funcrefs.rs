//! The funcref array: one [`VMFuncRef`] per function of the store, indexed by store address,
//! which compiled code reads for `call_indirect` and `ref.func` calls. It is shared by every
//! link group of a runtime and must not move while any of them runs, so it lives in a
//! reservation of address space made readable and writable as functions are added (like a
//! reserved linear memory), never reallocated.
//!
//! Who writes an entry: the instantiation of its function's instance (wasm functions), the
//! host module that defines it (host functions), and the release of a freed instance (its
//! functions become host functions). Each is done holding the lock of the function's link
//! group, before the address is reachable by other threads, and only that group's code calls
//! its wasm functions (RATIONALE.md, "Calls in parallel").

use super::vmctx::VMFuncRef;
use std::sync::Mutex;

/// The most functions one runtime's store may have with the Compiler: 2^26 (1.5 GiB of
/// address space, committed as it is used).
pub(crate) const MAX_FUNCREFS: usize = 1 << 26;

/// A fixed-address array of [`VMFuncRef`]s (see the module docs).
pub(crate) struct FuncRefArray {
    base: *mut VMFuncRef,
    /// Entries made accessible so far (a multiple of a page's worth), under the lock.
    committed: Mutex<usize>,
}

// SAFETY: the reservation is owned by the array; entries are written by the holder of their
// function's group lock only (see the module docs) and read by that group's code.
unsafe impl Send for FuncRefArray {}
// SAFETY: as for `Send`; `ensure`'s changes to the mapping are serialised by `committed`'s lock.
unsafe impl Sync for FuncRefArray {}

impl FuncRefArray {
    /// Reserves the address space. Errors: the OS's, as text.
    #[cfg(unix)]
    pub fn new() -> Result<FuncRefArray, String> {
        use rustix::mm::{mmap_anonymous, MapFlags, ProtFlags};
        // SAFETY: a fresh private anonymous mapping, inaccessible until `ensure` opens it.
        let base = unsafe {
            mmap_anonymous(
                std::ptr::null_mut(),
                MAX_FUNCREFS * size_of::<VMFuncRef>(),
                ProtFlags::empty(),
                MapFlags::PRIVATE | MapFlags::NORESERVE,
            )
        }
        .map_err(|e| format!("cannot reserve the funcref array: {e}"))? as *mut VMFuncRef;
        Ok(FuncRefArray { base, committed: Mutex::new(0) })
    }

    #[cfg(not(unix))]
    pub fn new() -> Result<FuncRefArray, String> {
        Err("the funcref array is only implemented on Unix".into())
    }

    /// The array's fixed address, for the VM contexts.
    pub fn base(&self) -> *const VMFuncRef {
        self.base
    }

    /// Writes entry `addr`. Errors: past [`MAX_FUNCREFS`] or when the OS refuses the memory.
    pub fn set(&self, addr: u32, r: VMFuncRef) -> Result<(), String> {
        self.ensure(addr as usize + 1)?;
        // SAFETY: entry `addr` lies in the committed, read-write part; the caller holds the
        // lock of the function's group, the only writer and reader of the entry.
        unsafe { self.base.add(addr as usize).write(r) };
        Ok(())
    }

    /// Makes the first `n` entries accessible.
    #[cfg(unix)]
    fn ensure(&self, n: usize) -> Result<(), String> {
        use rustix::mm::{mprotect, MprotectFlags};
        let mut committed = self.committed.lock().unwrap_or_else(|e| e.into_inner());
        if n <= *committed {
            return Ok(());
        }
        if n > MAX_FUNCREFS {
            return Err(format!("more than {MAX_FUNCREFS} functions in one runtime"));
        }
        let per_page = rustix::param::page_size() / size_of::<VMFuncRef>();
        let want = n.max(*committed * 2).next_multiple_of(per_page.max(1)).min(MAX_FUNCREFS);
        let (from, to) = (*committed * size_of::<VMFuncRef>(), want * size_of::<VMFuncRef>());
        let page = rustix::param::page_size();
        let start = from / page * page;
        // SAFETY: the range lies within the reservation this array owns; opening more of it
        // does not change entries already there.
        unsafe {
            mprotect((self.base as *mut u8).add(start) as *mut _, to - start, MprotectFlags::READ | MprotectFlags::WRITE)
        }
        .map_err(|e| format!("cannot grow the funcref array: {e}"))?;
        *committed = want;
        Ok(())
    }

    #[cfg(not(unix))]
    fn ensure(&self, _n: usize) -> Result<(), String> {
        Err("the funcref array is only implemented on Unix".into())
    }
}

impl Drop for FuncRefArray {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: the reservation made in `new`, unmapped once, when no code of the runtime
        // runs any more (the engine outlives its store).
        unsafe {
            let _ = rustix::mm::munmap(self.base as *mut _, MAX_FUNCREFS * size_of::<VMFuncRef>());
        }
    }
}
