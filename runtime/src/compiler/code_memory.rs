//! Code memory: pages that are writable while the compiled functions are copied in and then
//! only readable and executable (W^X: never both), unmapped when the last owner drops them
//! (the [`super::CompiledCode`] is shared by the `CompiledModule` and all its instances).

/// Executable memory holding one module's machine code.
pub(crate) struct CodeMemory {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: after `new` returns, the mapping is immutable (read + execute only) until it is
// unmapped in `drop`; sharing its address between threads is safe.
unsafe impl Send for CodeMemory {}
// SAFETY: as for `Send`: no method writes through `ptr` after `new`.
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Maps fresh pages, copies `code` into them while they are read-write, then makes them
    /// read-execute. Errors: the OS's, as text.
    #[cfg(unix)]
    pub fn new(code: &[u8]) -> Result<CodeMemory, String> {
        use rustix::mm::{mmap_anonymous, mprotect, MapFlags, MprotectFlags, ProtFlags};
        let page = rustix::param::page_size();
        let len = code.len().max(1).div_ceil(page) * page;
        // SAFETY: a fresh private anonymous mapping; nothing else refers to it.
        let ptr = unsafe {
            mmap_anonymous(std::ptr::null_mut(), len, ProtFlags::READ | ProtFlags::WRITE, MapFlags::PRIVATE)
        }
        .map_err(|e| format!("cannot map code memory: {e}"))? as *mut u8;
        let mem = CodeMemory { ptr, len };
        // SAFETY: `ptr` is `len >= code.len()` writable bytes that nothing else uses.
        unsafe {
            std::ptr::copy_nonoverlapping(code.as_ptr(), ptr, code.len());
            mprotect(ptr as *mut _, len, MprotectFlags::READ | MprotectFlags::EXEC)
                .map_err(|e| format!("cannot make code memory executable: {e}"))?;
        }
        flush_icache(ptr, code.len());
        Ok(mem)
    }

    #[cfg(not(unix))]
    pub fn new(_code: &[u8]) -> Result<CodeMemory, String> {
        Err("code memory is only implemented on Unix".into())
    }

    /// The start of the code.
    pub fn base(&self) -> *const u8 {
        self.ptr
    }
}

/// Makes freshly written code visible to instruction fetch. x86_64 and s390x keep instruction
/// caches coherent; aarch64 and riscv64 need explicit maintenance.
#[allow(unused_variables)]
fn flush_icache(ptr: *mut u8, len: usize) {
    #[cfg(target_arch = "aarch64")]
    // SAFETY: cache maintenance by virtual address over memory we own; no memory is changed.
    unsafe {
        // Cache line sizes from CTR_EL0 (DminLine, IminLine: log2 of words).
        let ctr: u64;
        std::arch::asm!("mrs {}, ctr_el0", out(reg) ctr);
        let dline = 4usize << ((ctr >> 16) & 0xf);
        let iline = 4usize << (ctr & 0xf);
        let (start, end) = (ptr as usize, ptr as usize + len);
        let mut a = start & !(dline - 1);
        while a < end {
            std::arch::asm!("dc cvau, {}", in(reg) a);
            a += dline;
        }
        std::arch::asm!("dsb ish");
        let mut a = start & !(iline - 1);
        while a < end {
            std::arch::asm!("ic ivau, {}", in(reg) a);
            a += iline;
        }
        std::arch::asm!("dsb ish", "isb");
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: `fence.i` only orders instruction fetches after earlier stores on this hart.
    // (Other harts would need the membarrier syscall; code runs on the compiling thread's
    // store lock, and a new thread fetching it for the first time sees the stores.)
    unsafe {
        std::arch::asm!("fence.i");
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: the mapping made in `new`, unmapped once here; no code in it runs any more
        // (every instance and module holding it is gone).
        unsafe {
            let _ = rustix::mm::munmap(self.ptr as *mut _, self.len);
        }
    }
}
