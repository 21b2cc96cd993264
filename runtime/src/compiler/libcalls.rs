//! Libcalls: Rust functions compiled code calls for what is not worth inlining (host functions,
//! `memory.grow`, bulk memory and table operations). Their addresses sit in
//! [`VMStoreContext::libcalls`](super::vmctx::VMStoreContext), so machine code holds no
//! absolute addresses. Every libcall takes the caller's VMContext first, uses the host's C
//! calling convention, and reports a trap by setting the store context's trap code (to
//! `PENDING`, with the trap in `pending`) and returning; compiled code checks the code after the
//! call, as after any call. A panic (in a host function) is caught here and stored as pending,
//! so it never unwinds through compiled frames; the entry resumes it.

use super::vmctx::{trap_code, Pending, VMContextHeader, VMStoreContext};
use crate::vm::{Trap};
use crate::vm::{bulk, Store};
use cranelift_codegen::ir::{types, AbiParam, Signature, Type};
use cranelift_codegen::isa::CallConv;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Every libcall, once: its variant, the Rust function behind it, and its parameters and
/// results after the leading VMContext pointer, as `I32` (`u32`), `I64` (`u64`) or `Ptr`
/// (a pointer to cells, `*mut u64`). [`Libcall`], [`LIBCALL_COUNT`], the CLIF signatures, the
/// address table and a compile-time check of each function's Rust signature are expanded from
/// it, so they cannot disagree.
macro_rules! for_each_libcall {
    ($m:ident) => {
        $m! {
            HostCall = host_call(I32, Ptr);
            MemoryGrow = memory_grow(I32, I64) -> I64;
            MemoryCopy = memory_copy(I32, I32, I64, I64, I64);
            MemoryFill = memory_fill(I32, I64, I32, I64);
            MemoryInit = memory_init(I32, I32, I64, I32, I32);
            DataDrop = data_drop(I32);
            TableGrow = table_grow(I32, I64, I32) -> I32;
            TableFill = table_fill(I32, I32, I64, I32);
            TableCopy = table_copy(I32, I32, I32, I32, I32);
            TableInit = table_init(I32, I32, I32, I32, I32);
            ElemDrop = elem_drop(I32);
            RecordFrame = record_frame(I32);
            IsSubtype = is_subtype(I32, I32) -> I32;
            ListenEnter = listen_enter(I32, Ptr);
            ListenExit = listen_exit(I32, Ptr);
            AtomicNotify = atomic_notify(I32, I64, I64, I32) -> I32;
            AtomicWait32 = atomic_wait32(I32, I64, I64, I32, I64) -> I32;
            AtomicWait64 = atomic_wait64(I32, I64, I64, I64, I64) -> I32;
            Throw = throw(I32, Ptr);
            ExceptionTagIs = exception_tag_is(I32) -> I32;
            TakePayload = take_payload(Ptr);
        }
    };
}

/// A libcall operand's CLIF type.
macro_rules! clif_ty {
    (I32) => { types::I32 };
    (I64) => { types::I64 };
    (Ptr) => { types::I64 };
}

/// A libcall operand's Rust type.
macro_rules! rust_ty {
    (I32) => { u32 };
    (I64) => { u64 };
    (Ptr) => { *mut u64 };
}

macro_rules! define_libcalls {
    ($($name:ident = $f:ident($($p:ident),*) $(-> $r:ident)?;)*) => {
        /// The libcalls, in the order of the table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum Libcall {
            $($name,)*
        }

        /// How many libcalls there are.
        pub(crate) const LIBCALL_COUNT: usize = [$(Libcall::$name),*].len();

        impl Libcall {
            /// The CLIF signature (after the leading VMContext pointer): parameter and result
            /// types.
            fn types(self) -> (&'static [Type], &'static [Type]) {
                match self {
                    $(Libcall::$name => (&[$(clif_ty!($p)),*], &[$(clif_ty!($r))?]),)*
                }
            }
        }

        /// The libcall table stored in every store context, in [`Libcall`] order.
        pub(crate) fn table() -> [usize; LIBCALL_COUNT] {
            [$($f as *const () as usize),*]
        }

        // Each function has the signature its entry declares.
        $(const _: unsafe extern "C" fn(*mut u8 $(, rust_ty!($p))*) $(-> rust_ty!($r))? = $f;)*
    };
}

for_each_libcall!(define_libcalls);

impl Libcall {
    /// The libcall's signature in calling convention `cc`.
    pub fn signature(self, cc: CallConv) -> Signature {
        let mut sig = Signature::new(cc);
        sig.params.push(AbiParam::new(types::I64));
        let (p, r) = self.types();
        sig.params.extend(p.iter().map(|t| AbiParam::new(*t)));
        sig.returns.extend(r.iter().map(|t| AbiParam::new(*t)));
        sig
    }

    /// The libcall's position in the libcall table.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Runs `f` with the store and the calling instance; a trap or panic becomes pending and
/// `default` is returned.
///
/// # Safety
/// `vmctx` must be a live VMContext whose store context has its `store` set (true while
/// compiled code runs: the entry sets it).
///
/// This is the contract of every libcall below too: only compiled code calls them, passing
/// its own VMContext (the `SAFETY` comments there call it "the libcall contract").
unsafe fn with_store<R>(vmctx: *mut u8, default: R, f: impl FnOnce(&mut Store, u32) -> Result<R, Trap>) -> R {
    // SAFETY: `vmctx` is live (this function's contract) and starts with its header.
    let header = unsafe { &*(vmctx as *const VMContextHeader) };
    let ctx: *mut VMStoreContext = header.store_ctx;
    // SAFETY: the header's store context is live, and so is its store while compiled code of
    // the store's link group runs; only this thread uses them (the entry holds the lock).
    let store = unsafe { &mut *(*ctx).store };
    let instance = header.instance;
    match catch_unwind(AssertUnwindSafe(|| f(store, instance))) {
        Ok(Ok(r)) => r,
        // A host function's exception is thrown on from its caller.
        Ok(Err(Trap::Exception(e))) => {
            let thrown = store.throw_into(&e);
            // SAFETY: as for a trap below.
            unsafe {
                match thrown {
                    Ok(c) => {
                        (*ctx).exception = c;
                        (*ctx).trap_code = trap_code::EXCEPTION;
                    }
                    Err(t) => {
                        (*ctx).pending = Some(Pending::Trap(t));
                        (*ctx).trap_code = trap_code::PENDING;
                    }
                }
            }
            default
        }
        Ok(Err(t)) => {
            // SAFETY: the store context, as above; `store` is no longer used.
            unsafe {
                (*ctx).pending = Some(Pending::Trap(t));
                (*ctx).trap_code = trap_code::PENDING;
            }
            default
        }
        Err(payload) => {
            // SAFETY: as for a trap.
            unsafe {
                (*ctx).pending = Some(Pending::Panic(payload));
                (*ctx).trap_code = trap_code::PENDING;
            }
            default
        }
    }
}

/// Calls host function `func` (a store address) for the instance of `vmctx`; `values` holds
/// the argument cells and receives the result cells.
unsafe extern "C" fn host_call(vmctx: *mut u8, func: u32, values: *mut u64) {
    // SAFETY: the libcall contract; `values` has room for the larger of the function's
    // argument and result cells (the translator reserved it).
    unsafe {
        with_store(vmctx, (), |store, instance| {
            let n = crate::vm::call_cells(store.func_type(func));
            store.invoke_host_in_place(func, Some(instance), std::slice::from_raw_parts_mut(values, n))
        })
    }
}

/// `memory.grow` of memory `mem` (an index of the calling instance) by `delta` pages (an i32
/// operand zero-extended by the caller): the old size, or `u64::MAX` (-1).
unsafe extern "C" fn memory_grow(vmctx: *mut u8, mem: u32, delta: u64) -> u64 {
    // SAFETY: the libcall contract.
    unsafe { with_store(vmctx, u64::MAX, |store, instance| Ok(bulk::memory_grow(store, instance, mem, delta))) }
}

/// `memory.copy` from memory `src_mem` to `dst_mem` (operands zero-extended to 64 bits).
unsafe extern "C" fn memory_copy(vmctx: *mut u8, dst_mem: u32, src_mem: u32, d: u64, s: u64, n: u64) {
    // SAFETY: the libcall contract.
    unsafe { with_store(vmctx, (), |store, instance| bulk::memory_copy_in(store, instance, dst_mem, src_mem, d, s, n)) }
}

/// `memory.fill` of memory `mem` (operands zero-extended to 64 bits).
unsafe extern "C" fn memory_fill(vmctx: *mut u8, mem: u32, d: u64, val: u32, n: u64) {
    // SAFETY: the libcall contract.
    unsafe { with_store(vmctx, (), |store, instance| bulk::memory_fill_in(store, instance, mem, d, val as u8, n)) }
}

/// `memory.atomic.notify` at address `addr` plus `offset` of memory `mem` (module index;
/// `vm::atomics::notify`); `count` does not matter while no one can be waiting.
unsafe extern "C" fn atomic_notify(vmctx: *mut u8, mem: u32, addr: u64, offset: u64, _count: u32) -> u32 {
    // SAFETY: the libcall contract.
    unsafe {
        with_store(vmctx, 0, |store, instance| crate::vm::atomics::notify(store, bulk::memory_addr(store, instance, mem) as u32, addr, offset))
    }
}

/// `memory.atomic.wait32` at address `addr` plus `offset` of memory `mem` (`vm::atomics::wait`).
unsafe extern "C" fn atomic_wait32(vmctx: *mut u8, mem: u32, addr: u64, offset: u64, expected: u32, timeout: u64) -> u32 {
    // SAFETY: the libcall contract.
    unsafe {
        with_store(vmctx, 0, |store, instance| {
            crate::vm::atomics::wait(store, bulk::memory_addr(store, instance, mem) as u32, addr, offset, expected as u64, 4, timeout as i64)
        })
    }
}

/// `memory.atomic.wait64` at address `addr` plus `offset` of memory `mem` (`vm::atomics::wait`).
unsafe extern "C" fn atomic_wait64(vmctx: *mut u8, mem: u32, addr: u64, offset: u64, expected: u64, timeout: u64) -> u32 {
    // SAFETY: the libcall contract.
    unsafe {
        with_store(vmctx, 0, |store, instance| {
            crate::vm::atomics::wait(store, bulk::memory_addr(store, instance, mem) as u32, addr, offset, expected, 8, timeout as i64)
        })
    }
}

/// The module of a compiled instance.
fn module_of(store: &Store, instance: u32) -> std::sync::Arc<crate::wasm::Module> {
    store
        .inst(instance)
        .code
        .as_ref()
        .and_then(|c| match c {
            crate::vm::EngineCode::Compiled(c) => Some(&**c),
            crate::vm::EngineCode::Interp(_) => None,
        })
        .expect("an instance compiled by the Compiler")
        .module
        .clone()
}

/// `memory.init` of data segment `seg` into memory `mem` (`d` zero-extended to 64 bits).
unsafe extern "C" fn memory_init(vmctx: *mut u8, mem: u32, seg: u32, d: u64, s: u32, n: u32) {
    // SAFETY: the libcall contract.
    unsafe {
        with_store(vmctx, (), |store, instance| {
            let module = module_of(store, instance);
            bulk::memory_init(store, instance, &module, mem, seg, d, s, n)
        })
    }
}

unsafe extern "C" fn data_drop(vmctx: *mut u8, seg: u32) {
    // SAFETY: the libcall contract.
    unsafe {
        with_store(vmctx, (), |store, instance| {
            bulk::data_drop(store, instance, seg);
            Ok(())
        })
    }
}

unsafe extern "C" fn table_grow(vmctx: *mut u8, table: u32, init: u64, delta: u32) -> u32 {
    // SAFETY: the libcall contract.
    unsafe { with_store(vmctx, u32::MAX, |store, instance| Ok(bulk::table_grow(store, instance, table, init, delta) as u32)) }
}

unsafe extern "C" fn table_fill(vmctx: *mut u8, table: u32, i: u32, val: u64, n: u32) {
    // SAFETY: the libcall contract.
    unsafe { with_store(vmctx, (), |store, instance| bulk::table_fill(store, instance, table, i, val, n)) }
}

unsafe extern "C" fn table_copy(vmctx: *mut u8, dst: u32, src: u32, d: u32, s: u32, n: u32) {
    // SAFETY: the libcall contract.
    unsafe { with_store(vmctx, (), |store, instance| bulk::table_copy(store, instance, dst, src, d, s, n)) }
}

unsafe extern "C" fn table_init(vmctx: *mut u8, table: u32, seg: u32, d: u32, s: u32, n: u32) {
    // SAFETY: the libcall contract.
    unsafe {
        with_store(vmctx, (), |store, instance| {
            let module = module_of(store, instance);
            bulk::table_init(store, instance, &module, table, seg, d, s, n)
        })
    }
}

/// Adds the frame of function `func` (a module function index) of the instance of `vmctx` to
/// the backtrace of the trap being propagated; called by each compiled frame the trap unwinds
/// through, innermost first. Cannot trap or panic.
unsafe extern "C" fn record_frame(vmctx: *mut u8, func: u32) {
    // SAFETY: the libcall contract, as in `with_store`.
    let (store, instance) = unsafe {
        let header = &*(vmctx as *const VMContextHeader);
        (&mut *(*header.store_ctx).store, header.instance)
    };
    store.record_trap_frame(instance, func);
}

/// 1 if type id `actual` is type id `expected` or declares it as a (transitive) supertype, else
/// 0: `call_indirect`'s check when the ids differ. Cannot trap or panic (both are the ids of
/// registered types: a function's and one of the module's).
unsafe extern "C" fn is_subtype(_vmctx: *mut u8, actual: u32, expected: u32) -> u32 {
    use crate::wasm::types::TypeId;
    TypeId(actual).is_subtype_of(TypeId(expected)) as u32
}

/// Tells the function listener that function `func` (module index) of the instance of
/// `vmctx` is entered with the argument cells at `cells`.
unsafe extern "C" fn listen_enter(vmctx: *mut u8, func: u32, cells: *mut u64) {
    // SAFETY: `listen`'s contract is the libcall contract of this function.
    unsafe { listen(vmctx, func, cells, true) }
}

/// Tells the function listener that function `func` returns the result cells at `cells`.
unsafe extern "C" fn listen_exit(vmctx: *mut u8, func: u32, cells: *mut u64) {
    // SAFETY: `listen`'s contract is the libcall contract of this function.
    unsafe { listen(vmctx, func, cells, false) }
}

/// # Safety
/// The libcall contract, and `cells` points to the function's argument (`enter`) or result
/// cells.
unsafe fn listen(vmctx: *mut u8, func: u32, cells: *const u64, enter: bool) {
    // SAFETY: the libcall contract; `cells` holds the listened cells (this function's contract).
    unsafe {
        with_store(vmctx, (), |store, instance| {
            let n = store.listen_cells(instance, func, enter);
            store.listen(instance, func, enter, std::slice::from_raw_parts(cells, n));
            Ok(())
        })
    }
}

unsafe extern "C" fn elem_drop(vmctx: *mut u8, seg: u32) {
    // SAFETY: the libcall contract.
    unsafe {
        with_store(vmctx, (), |store, instance| {
            bulk::elem_drop(store, instance, seg);
            Ok(())
        })
    }
}

/// The store context of `vmctx`.
///
/// # Safety
/// The libcall contract.
unsafe fn store_ctx(vmctx: *mut u8) -> *mut VMStoreContext {
    // SAFETY: `vmctx` is live and starts with its header (the libcall contract).
    unsafe { (*(vmctx as *const VMContextHeader)).store_ctx }
}

/// `throw`: makes an exception of the instance's tag `tag` with the payload cells at
/// `payload` and starts throwing it (`trap_code::EXCEPTION`).
unsafe extern "C" fn throw(vmctx: *mut u8, tag: u32, payload: *mut u64) {
    // SAFETY: the libcall contract; `payload` holds the tag's payload cells (the translator
    // spilled them).
    unsafe {
        let c = with_store(vmctx, 0, |store, instance| {
            let addr = store.instance(instance).tags[tag as usize];
            let n = crate::vm::cell_count(store.tag_payload(addr));
            Ok(store.new_exception(addr, std::slice::from_raw_parts(payload, n)))
        });
        let ctx = store_ctx(vmctx);
        if c != 0 {
            (*ctx).exception = c;
            (*ctx).trap_code = trap_code::EXCEPTION;
        }
    }
}

/// Whether the exception being thrown is of the instance's tag `tag` (a catch clause's test).
unsafe extern "C" fn exception_tag_is(vmctx: *mut u8, tag: u32) -> u32 {
    // SAFETY: the libcall contract; an exception is being thrown (the translator calls this
    // only then), so `exception` is a non-null exnref cell.
    unsafe {
        let c = (*store_ctx(vmctx)).exception;
        with_store(vmctx, 0, |store, instance| Ok((store.instance(instance).tags[tag as usize] == store.exception(c).tag) as u32))
    }
}

/// Copies the payload cells of the exception being thrown to `out`, which has room for them.
unsafe extern "C" fn take_payload(vmctx: *mut u8, out: *mut u64) {
    // SAFETY: as in `exception_tag_is`; `out` has a cell per payload cell (the translator's
    // stack slot for the catch clause's tag).
    unsafe {
        let c = (*store_ctx(vmctx)).exception;
        with_store(vmctx, (), |store, _| {
            let p = &store.exception(c).payload;
            std::ptr::copy_nonoverlapping(p.as_ptr(), out, p.len());
            Ok(())
        })
    }
}
