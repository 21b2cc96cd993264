//! Memory traps from guard pages (x86_64 Linux): compiled code accesses a reserved linear
//! memory without comparing the address with its length (`vm::memory::LinearBytes`); an access
//! past the end faults, and the `SIGSEGV`/`SIGBUS` handler installed here turns the fault into
//! the spec's "out of bounds memory access" trap.
//!
//! - **Which faults are ours.** Only a fault on the current thread while it runs compiled code
//!   entered through [`enter`], at a PC Cranelift recorded as a linear-memory access of a
//!   registered module ([`CodeRegistration`]). Any other fault goes to the handler installed
//!   before ours (Rust's stack-overflow report, a debugger's, or the default: the process dies).
//! - **Unwinding.** [`enter`] calls the entry trampoline from a small assembly routine that
//!   saves the callee-saved registers on its own frame and records its stack pointer in the
//!   thread's [`Activation`]. The handler resumes execution at a landing pad in that routine
//!   with that stack pointer: the wasm frames below it are dropped (they own nothing; the
//!   caller restores what the store tracks per call), the registers are restored and `enter`
//!   returns "trapped". The signal mask is restored by the kernel on return from the handler.
//! - **Backtrace.** Compiled code keeps frame pointers, so the handler walks them (within the
//!   wasm part of the stack) and records which function each frame is in.
//!
//! RATIONALE.md, "Memory traps from guard pages", has the trade-offs against explicit checks.

use std::cell::{Cell, UnsafeCell};
use std::collections::BTreeMap;
use std::mem::MaybeUninit;
use std::sync::{Arc, OnceLock, RwLock};

/// Whether this target has the handler and the entry routine.
pub(crate) const SUPPORTED: bool = cfg!(all(target_os = "linux", target_arch = "x86_64"));

/// The most frames the handler records for a trap's backtrace (as `vm`'s limit).
const MAX_FRAMES: usize = 256;

/// Where a module's code lies and which of its instructions access linear memory.
pub(crate) struct CodeMap {
    /// Address of the first byte of code and one past the last.
    pub start: usize,
    pub end: usize,
    /// Offset of each defined function's first byte, ascending; functions end where the next
    /// starts, and the last one at `funcs_end` (entry trampolines follow).
    pub funcs: Vec<usize>,
    pub funcs_end: usize,
    /// Offsets of the instructions that access linear memory, ascending.
    pub trap_sites: Vec<u32>,
}

impl CodeMap {
    /// The defined-function index whose code holds `pc`, if any.
    fn func_at(&self, pc: usize) -> Option<u32> {
        let off = pc.checked_sub(self.start)?;
        if off >= self.funcs_end {
            return None;
        }
        let i = self.funcs.partition_point(|&f| f <= off);
        i.checked_sub(1).map(|i| i as u32)
    }
}

/// The registered modules' code, by start address.
static CODE: RwLock<BTreeMap<usize, Arc<CodeMap>>> = RwLock::new(BTreeMap::new());

thread_local! {
    /// The innermost [`enter`] running on this thread (null: none).
    static ACTIVE: Cell<*mut Activation> = const { Cell::new(std::ptr::null_mut()) };
    /// Set while this thread holds `CODE`'s write lock: a fault then is never ours, and the
    /// handler must not wait for the lock.
    static WRITING: Cell<bool> = const { Cell::new(false) };
    /// The frames of the last fault the handler took on this thread, innermost first (the
    /// first [`Activation::nframes`] of the activation it resumed). Kept here rather than in
    /// each activation so that an entry costs no more stack than the routine's frame.
    static FRAMES: UnsafeCell<[MaybeUninit<FaultFrame>; MAX_FRAMES]> =
        const { UnsafeCell::new([MaybeUninit::uninit(); MAX_FRAMES]) };
}

/// Keeps a module's code registered with the handler while it lives.
pub(crate) struct CodeRegistration {
    map: Arc<CodeMap>,
}

impl CodeRegistration {
    pub fn new(map: CodeMap) -> CodeRegistration {
        let map = Arc::new(map);
        with_code_mut(|c| c.insert(map.start, map.clone()));
        CodeRegistration { map }
    }
}

impl Drop for CodeRegistration {
    fn drop(&mut self) {
        // Only this registration's entry: never one made since for the same address.
        with_code_mut(|c| {
            if c.get(&self.map.start).is_some_and(|m| Arc::ptr_eq(m, &self.map)) {
                c.remove(&self.map.start);
            }
        });
    }
}

fn with_code_mut<R>(f: impl FnOnce(&mut BTreeMap<usize, Arc<CodeMap>>) -> R) -> R {
    WRITING.with(|w| w.set(true));
    let r = f(&mut CODE.write().unwrap_or_else(|e| e.into_inner()));
    WRITING.with(|w| w.set(false));
    r
}

/// The code map holding `pc`, if it is in a registered module.
fn map_at(code: &BTreeMap<usize, Arc<CodeMap>>, pc: usize) -> Option<&CodeMap> {
    let (_, m) = code.range(..=pc).next_back()?;
    (pc < m.end).then_some(&**m)
}

/// One wasm frame a fault unwound: the start address of its module's code and the defined
/// function's index.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub(crate) struct FaultFrame {
    pub code_start: usize,
    pub func: u32,
}

/// One call from the host into compiled code ([`enter`]), linked into the thread's list.
#[repr(C)]
struct Activation {
    /// The stack pointer to resume at after a fault (written by the entry routine; offset 0).
    sp: usize,
    prev: *mut Activation,
    /// Frames the handler recorded in `FRAMES` when it resumed this activation.
    nframes: usize,
}

/// Installs the handler once per process. Errors: the OS refused (as text).
pub(crate) fn install() -> Result<(), String> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED.get_or_init(imp::install).clone()
}

/// Calls entry trampoline `trampoline(callee, vmctx, values)` so that a memory fault in the
/// compiled code it runs returns `Err` with the wasm frames it unwound, innermost first,
/// instead of killing the process. [`install`] must have succeeded.
///
/// # Safety
/// As calling the trampoline directly: `callee`, `vmctx` and `values` must be what it expects.
pub(crate) unsafe fn enter(
    trampoline: *const u8,
    callee: *const u8,
    vmctx: *mut u8,
    values: *mut u64,
) -> Result<(), Vec<FaultFrame>> {
    let mut act = MaybeUninit::<Activation>::uninit();
    let p = act.as_mut_ptr();
    // SAFETY: `p` points to `act`, on this frame; its fields are plain data, written without
    // reading the uninitialised ones.
    unsafe {
        (*p).sp = 0;
        (*p).nframes = 0;
        (*p).prev = ACTIVE.with(|a| a.replace(p));
    }
    // SAFETY: the trampoline's arguments are what it expects (the caller's contract); `p` is
    // a live activation, linked into `ACTIVE` until the call returns; `install` succeeded
    // (the caller's contract), so the handler that resumes at the landing pad is ours.
    let trapped = unsafe { imp::zerowasm_enter(trampoline, callee, vmctx, values, p) };
    // SAFETY: `p` still points to `act`, initialised above.
    let prev = unsafe { (*p).prev };
    ACTIVE.with(|a| a.set(prev));
    if trapped == 0 {
        return Ok(());
    }
    // SAFETY: as above (the handler wrote `nframes` before resuming this activation).
    let n = unsafe { (*p).nframes };
    // SAFETY: the handler initialised the first `n` frames before resuming this activation,
    // and nothing else writes them.
    Err(FRAMES.with(|f| unsafe { (&*f.get())[..n].iter().map(|f| f.assume_init()).collect() }))
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
mod imp {
    use super::*;
    use libc::{c_int, c_void, sigaction, siginfo_t};

    std::arch::global_asm!(
        ".text",
        ".p2align 4",
        ".globl zerowasm_enter",
        ".hidden zerowasm_enter",
        ".type zerowasm_enter, @function",
        // (trampoline: rdi, callee: rsi, vmctx: rdx, values: rcx, activation: r8) -> eax
        "zerowasm_enter:",
        "push rbp",
        "mov rbp, rsp",
        "push rbx",
        "push r12",
        "push r13",
        "push r14",
        "push r15",
        // Six pushes and the return address: 8 more keep the call 16-byte aligned.
        "sub rsp, 8",
        "mov [r8], rsp",
        "mov rax, rdi",
        "mov rdi, rsi",
        "mov rsi, rdx",
        "mov rdx, rcx",
        "call rax",
        "xor eax, eax",
        ".Lzerowasm_leave:",
        "add rsp, 8",
        "pop r15",
        "pop r14",
        "pop r13",
        "pop r12",
        "pop rbx",
        "pop rbp",
        "ret",
        // The handler resumes here with rsp = the activation's `sp`.
        ".globl zerowasm_trap_landing",
        ".hidden zerowasm_trap_landing",
        "zerowasm_trap_landing:",
        "mov eax, 1",
        "jmp .Lzerowasm_leave",
        ".size zerowasm_enter, . - zerowasm_enter",
    );

    extern "C" {
        /// Returns 0 when the trampoline returned, 1 when the handler resumed at the landing.
        pub(super) fn zerowasm_enter(
            trampoline: *const u8,
            callee: *const u8,
            vmctx: *mut u8,
            values: *mut u64,
            act: *mut Activation,
        ) -> u32;
        fn zerowasm_trap_landing();
    }

    /// The handlers ours replaced, for `SIGSEGV` and `SIGBUS`.
    static mut PREV: [MaybeUninit<sigaction>; 2] = [MaybeUninit::uninit(), MaybeUninit::uninit()];
    const SIGNALS: [c_int; 2] = [libc::SIGSEGV, libc::SIGBUS];

    pub(super) fn install() -> Result<(), String> {
        for (i, sig) in SIGNALS.into_iter().enumerate() {
            // SAFETY: `sa` is fully initialised before use; `PREV[i]` is written by this call
            // only (install runs once), before any fault can be handled by ours.
            unsafe {
                let mut sa: sigaction = std::mem::zeroed();
                sa.sa_sigaction = handle as *const () as usize;
                sa.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut sa.sa_mask);
                let prev = std::ptr::addr_of_mut!(PREV[i]) as *mut sigaction;
                if libc::sigaction(sig, &sa, prev) != 0 {
                    return Err(format!("cannot install the signal handler: {}", std::io::Error::last_os_error()));
                }
            }
        }
        Ok(())
    }

    unsafe extern "C" fn handle(sig: c_int, info: *mut siginfo_t, ctx: *mut c_void) {
        // SAFETY: the kernel calls this handler (installed with `SA_SIGINFO`) with the fault's
        // `siginfo_t` and `ucontext_t`, which is what both functions expect.
        unsafe {
            if !resume_at_landing(ctx) {
                chain(sig, info, ctx);
            }
        }
    }

    /// If the fault is a wasm memory access under [`enter`], records the backtrace and
    /// redirects the thread to the landing pad.
    ///
    /// # Safety
    /// Called from the signal handler with the fault's `ucontext_t`.
    unsafe fn resume_at_landing(ctx: *mut c_void) -> bool {
        let Ok(act) = ACTIVE.try_with(|a| a.get()) else { return false };
        if act.is_null() || WRITING.try_with(|w| w.get()).unwrap_or(true) {
            return false;
        }
        // SAFETY: `ctx` is the fault's `ucontext_t` (this function's contract), which only
        // this handler refers to until it returns.
        let uc = unsafe { &mut *(ctx as *mut libc::ucontext_t) };
        let gregs = &mut uc.uc_mcontext.gregs;
        let pc = gregs[libc::REG_RIP as usize] as usize;
        let code = CODE.read().unwrap_or_else(|e| e.into_inner());
        let Some(map) = map_at(&code, pc) else { return false };
        if map.trap_sites.binary_search(&((pc - map.start) as u32)).is_err() {
            return false;
        }
        let Some(func) = map.func_at(pc) else { return false };
        let Ok(frames) = FRAMES.try_with(|f| f.get()) else { return false };
        // SAFETY: this thread's frame buffer; `enter` reads it only after the activation it
        // resumes returned, never while compiled code (which can fault here) runs.
        let frames = unsafe { &mut *frames };
        // SAFETY: `act` is this thread's innermost activation, live (on `enter`'s frame)
        // while it is linked into `ACTIVE`.
        let a = unsafe { &mut *act };
        frames[0] = MaybeUninit::new(FaultFrame { code_start: map.start, func });
        let mut n = 1;
        // Walk the frame pointers of the wasm frames between the fault and the entry.
        let (sp, top) = (gregs[libc::REG_RSP as usize] as usize, a.sp);
        let mut fp = gregs[libc::REG_RBP as usize] as usize;
        while n < MAX_FRAMES && fp >= sp && fp + 16 <= top && fp % 8 == 0 {
            // SAFETY: `fp..fp + 16` lies in `sp..top`, the part of this thread's stack between
            // the fault and the entry routine, so it is mapped, and `fp` is aligned (checked
            // by the loop's condition).
            let ret = unsafe { *((fp + 8) as *const usize) };
            // The return address may be just past the call at a function's end.
            let Some(m) = map_at(&code, ret - 1) else { break };
            let Some(func) = m.func_at(ret - 1) else { break };
            frames[n] = MaybeUninit::new(FaultFrame { code_start: m.start, func });
            n += 1;
            // SAFETY: as for `ret`.
            let next = unsafe { *(fp as *const usize) };
            if next <= fp {
                break;
            }
            fp = next;
        }
        a.nframes = n;
        gregs[libc::REG_RIP as usize] = zerowasm_trap_landing as *const () as usize as i64;
        gregs[libc::REG_RSP as usize] = a.sp as i64;
        true
    }

    /// Passes a fault that is not ours to the handler installed before ours; with none, restores
    /// the default action and returns, so that the faulting instruction faults again and the
    /// process ends as it would have without us.
    ///
    /// # Safety
    /// Called from the signal handler with its arguments.
    unsafe fn chain(sig: c_int, info: *mut siginfo_t, ctx: *mut c_void) {
        let i = if sig == libc::SIGSEGV { 0 } else { 1 };
        // SAFETY: `install` initialised `PREV[i]` before our handler was installed for `sig`,
        // and nothing writes it afterwards.
        let prev = unsafe { &*(std::ptr::addr_of!(PREV[i]) as *const sigaction) };
        if prev.sa_flags & libc::SA_SIGINFO != 0 {
            // SAFETY: with `SA_SIGINFO`, `sa_sigaction` is a three-argument handler
            // (sigaction(2)).
            let f: extern "C" fn(c_int, *mut siginfo_t, *mut c_void) = unsafe { std::mem::transmute(prev.sa_sigaction) };
            f(sig, info, ctx);
        } else if prev.sa_sigaction == libc::SIG_DFL || prev.sa_sigaction == libc::SIG_IGN {
            // SAFETY: reinstates the previous disposition from a valid `sigaction`.
            unsafe { libc::sigaction(sig, prev, std::ptr::null_mut()) };
        } else {
            // SAFETY: without `SA_SIGINFO`, `sa_sigaction` is the union's one-argument
            // `sa_handler` (neither `SIG_DFL` nor `SIG_IGN`, checked above).
            let f: extern "C" fn(c_int) = unsafe { std::mem::transmute(prev.sa_sigaction) };
            f(sig);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
mod imp {
    use super::*;

    pub(super) fn install() -> Result<(), String> {
        Err("memory traps from guard pages are only implemented on x86_64 Linux".into())
    }

    pub(super) unsafe fn zerowasm_enter(
        _trampoline: *const u8,
        _callee: *const u8,
        _vmctx: *mut u8,
        _values: *mut u64,
        _act: *mut Activation,
    ) -> u32 {
        unreachable!("enter is only called after install succeeded")
    }
}
