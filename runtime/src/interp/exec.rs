//! The executor: runs IR with an explicit frame stack (no Rust recursion per wasm call) over
//! one value stack of untyped 64-bit cells.
//!
//! Dispatch is threaded: every instruction carries a pointer to its handler, and each handler
//! ends by calling the next instruction's handler with the interpreter's registers (instruction
//! pointer, frame pointer, linear memory base and bound, the accumulator) as arguments. In
//! optimized builds these are sibling calls that LLVM turns into jumps, so each handler has its
//! own indirect branch, which predicts far better than one shared `match` (see RATIONALE.md).
//! Unoptimized builds do not eliminate sibling calls, so there (`not(zerowasm_tail_dispatch)`,
//! set by build.rs) handlers return to a driver loop instead.

use super::ir::{width, Op, Slot, ACC_OUT};
use super::isa::for_each_op;
use super::access::{effective_address, LaneKind, LoadKind, StoreKind};
use super::simd;
use crate::vm::bulk;
use super::num::*;
use super::{InterpFunc, InterpModule};
use crate::vm::{Trap};
use crate::vm::{FuncEntity, GlobalDef, Store, VMLimits, PAGE_SIZE};
use std::sync::atomic::Ordering;
use std::ptr;

/// The most cells the value stack may grow to (1 GiB), beyond which calls trap with
/// "call stack exhausted".
const MAX_STACK_CELLS: usize = 1 << 27;
/// Nested host → wasm entries (each uses native stack) allowed before trapping.
const MAX_REENTRY: u32 = 100;

/// An instruction as executed: its handler and its operands.
#[derive(Clone, Copy)]
pub(crate) struct Instr {
    handler: Handler,
    op: Op,
}

impl Instr {
    /// The instruction (for tests of the translation).
    #[cfg(test)]
    pub(crate) fn op(&self) -> &Op {
        &self.op
    }
}

/// How a handler leaves the dispatch chain.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// The entry function returned; its results are in cells `0..n` of the stack.
    Return,
    /// Execution trapped; the trap is in [`State::trap`].
    Trap,
    /// Loop dispatch only: continue with the registers saved in [`State`].
    #[cfg_attr(zerowasm_tail_dispatch, allow(dead_code))]
    Continue,
}

/// A handler: the instruction, the frame pointer, the linear memory's base and bound register
/// (`Ctx::mem_bound`, bytes), the run's state, and the accumulator (the scalar result of the instruction just before, see
/// [`isa`](super::isa)'s `acc` fact).
type Handler = unsafe fn(*const Instr, *mut u64, *mut u8, usize, &mut State, u64) -> Flow;

/// A suspended caller.
#[derive(Clone, Copy)]
struct Frame {
    /// Where to continue in the caller.
    ip: *const Instr,
    /// The caller's frame base, in cells from the bottom of the stack.
    fp: usize,
    /// The caller's instance.
    instance: u32,
    /// The caller's frame size (debug builds: restored into [`State::frame_size`] on return).
    #[cfg(debug_assertions)]
    frame_size: usize,
}

/// What the executor caches about the running instance; reloaded when a call crosses instances
/// and (memory) after anything that can grow or move linear memory.
struct Ctx {
    instance: u32,
    module: *const InterpModule,
    funcs: *const u32,
    /// The instance's globals' definitions (fixed addresses).
    globals: *const GlobalDef,
    type_ids: *const u32,
    tables: *const u32,
    /// The store addresses of the instance's memories (for the general memory instructions).
    memories: *const u32,
    memory: Option<u32>,
    mem: *mut u8,
    mem_len: usize,
    /// The handlers' bound register: the first address at which [`FAST_ACCESS`] bytes are not
    /// all in memory, `mem_len + 1 - FAST_ACCESS` (0 if the memory is shorter: then none is).
    mem_bound: usize,
}

/// The widest access that the bound register alone checks (bytes): an access of at most this
/// many bytes at an address below `mem_bound` is within memory, so a scalar load or store
/// compares its address once, and only one at or past the bound goes on to the exact test
/// against the length.
const FAST_ACCESS: usize = 8;

impl Ctx {
    fn load(store: &mut Store, instance: u32) -> Ctx {
        let inst = store.reg().instance(instance);
        let module = store
            .state_of(inst)
            .code
            .as_ref()
            .and_then(|c| match c {
                crate::vm::EngineCode::Interp(m) => Some(&**m),
                crate::vm::EngineCode::Compiled(_) => None,
            })
            .expect("a wasm instance compiled by the Interpreter") as *const InterpModule;
        let mut ctx = Ctx {
            instance,
            module,
            funcs: inst.funcs.as_ptr(),
            globals: inst.global_defs.as_ptr(),
            type_ids: inst.type_ids.as_ptr(),
            tables: inst.tables.as_ptr(),
            memories: inst.memories.as_ptr(),
            memory: inst.memories.first().copied(),
            mem: ptr::null_mut(),
            mem_len: 0,
            mem_bound: 0,
        };
        ctx.reload_memory(store);
        ctx
    }

    #[inline]
    fn reload_memory(&mut self, store: &mut Store) {
        if let Some(m) = self.memory {
            let data = &mut store.memories_mut()[m as usize].data;
            self.mem = data.as_mut_ptr();
            self.mem_len = data.len();
            self.mem_bound = (data.len() + 1).saturating_sub(FAST_ACCESS);
        }
    }
}

/// Everything a running call needs besides the registers passed between handlers.
///
/// What the handlers rely on, established by `run` and kept by every handler:
/// - `store` is the `&mut Store` of the running call, which outlives the run and is used by
///   nobody else meanwhile (its link group is locked); `limits` points into it (the group's
///   pinned `VMLimits`, a fixed address);
/// - `ctx` describes the running function's instance: its arrays are the instance's, which live
///   as long as the instance, and every index an instruction holds (function, global, table,
///   type, segment) was checked against them by validation;
/// - the frame pointer register points `frame_size` cells or more into `stack` (see
///   [`slot_read`]), and the memory registers are `ctx.mem` and `ctx.mem_bound` (see
///   [`mem_read`]).
struct State {
    store: *mut Store,
    /// The store's fuel and interrupt flag (a fixed address).
    limits: *mut VMLimits,
    ctx: Ctx,
    stack: Vec<u64>,
    frames: Vec<Frame>,
    max_depth: usize,
    trap: Option<Trap>,
    /// Where the trap was raised (null if unknown) and in which instance, for its backtrace;
    /// and the frame it was raised in, where an exception's unwinding starts.
    trap_ip: *const Instr,
    trap_instance: u32,
    trap_fp: *mut u64,
    /// The exnref cell of the exception being thrown (0: none; `trap` is then the outcome).
    exn: u64,
    /// The exception was thrown by a host function a tail call replaced the running frame
    /// with: unwinding starts in the caller.
    skip_frame: bool,
    // Registers saved between handlers by the loop dispatch.
    ip: *const Instr,
    fp: *mut u64,
    mem: *mut u8,
    mem_bound: usize,
    acc: u64,
    /// The running function's frame size, for the checks of debug builds ([`check_slots`]).
    #[cfg(debug_assertions)]
    frame_size: usize,
}

/// Attaches handlers to translated instructions and makes branch targets relative (in
/// instructions, from the branch itself).
pub(crate) fn link(code: Vec<Op>) -> Box<[Instr]> {
    check_extension_words(&code);
    code.into_iter()
        .enumerate()
        .map(|(pc, mut op)| {
            if let Some(t) = op.target_mut() {
                *t = (*t as i64 - pc as i64) as i32 as u32;
            }
            Instr { handler: handler_of(&op), op }
        })
        .collect()
}

/// Checks what handlers rely on when they read their extension word unchecked (`ext!`): each
/// instruction that has one is followed by it, and no other instruction is one.
fn check_extension_words(code: &[Op]) {
    let mut pc = 0;
    while pc < code.len() {
        let width = code[pc].width();
        let words = code.get(pc + 1..pc + width).unwrap_or_default();
        let ok = !matches!(code[pc], Op::Ext { .. })
            && words.len() == width - 1
            && words.iter().all(|w| matches!(w, Op::Ext { .. }));
        assert!(ok, "instruction {pc} ({}) is not followed by its extension word or is one", code[pc].name());
        pc += width;
    }
}

/// Debug builds: checks what the handlers rely on when they follow control flow unchecked
/// ([`branch_target`], `BrTable`, the dispatch to the next instruction): every branch target is
/// an instruction of the function, a `BrTable` is followed by its `len + 1` `Br`s, and the last
/// instruction does not fall through (a return, a branch or a trap). Run by the translator on
/// every function it makes, before `link`.
#[cfg(debug_assertions)]
pub(crate) fn check_control(code: &[Op], pads: &[u32]) {
    for (pc, op) in code.iter().enumerate() {
        if let Some(&mut t) = { *op }.target_mut() {
            assert!((t as usize) < code.len(), "instruction {pc} ({}) branches outside the code", op.name());
        }
        if let Op::BrTable { len, .. } = *op {
            let brs = code.get(pc + 1..pc + 2 + len as usize).unwrap_or_default();
            assert!(
                brs.len() == len as usize + 1 && brs.iter().all(|b| matches!(b, Op::Br { .. })),
                "br_table at {pc} is not followed by its {} branches",
                len + 1
            );
        }
    }
    assert!(
        matches!(
            code.last(),
            Some(
                Op::Return
                    | Op::Return1 { .. }
                    | Op::ReturnCall { .. }
                    | Op::ReturnCallImported { .. }
                    | Op::ReturnCallIndirect { .. }
                    | Op::ReturnCallRef { .. }
                    | Op::Br { .. }
                    | Op::Unreachable
            )
        ),
        "the code falls off its end"
    );
    // An operand read from the accumulator follows the instruction that left it there, in a
    // straight line.
    let landing = super::ir::landings(code, pads);
    // A result left in the accumulator only is read from there by the next instruction.
    let reads_acc = |pc: usize| code.get(pc).is_some_and(|op| op.acc_mode() & !ACC_OUT != 0) && !landing[pc];
    for (pc, op) in code.iter().enumerate() {
        let m = op.acc_mode();
        let (mode, out) = (m & !ACC_OUT, m & ACC_OUT != 0);
        assert!(
            mode == 0 || (mode.is_power_of_two() && pc > 0 && !landing[pc] && code[pc - 1].dst().is_some()),
            "instruction {pc} ({}) reads an accumulator that the one before did not write",
            op.name()
        );
        assert!(!out || reads_acc(pc + 1), "instruction {pc} ({}) leaves its result in the accumulator for nobody", op.name());
    }
}

/// Calls store function `func` with argument cells, writing result cells.
pub(crate) fn call(store: &mut Store, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
    let (instance, index) = match store.funcs()[func as usize] {
        FuncEntity::Host { .. } => return store.invoke_host(func, None, args, results),
        FuncEntity::Wasm { instance, index, .. } => (instance, index),
    };
    // Entries nest on this thread's native stack, whatever runtime or group they enter.
    let depth = REENTRY.with(|r| r.get());
    if depth >= MAX_REENTRY {
        return Err(Trap::CallStackExhausted);
    }
    REENTRY.with(|r| r.set(depth + 1));
    let r = run(store, instance, index, args, results);
    REENTRY.with(|r| r.set(depth));
    r
}

fn run(store: &mut Store, instance: u32, index: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
    let ctx = Ctx::load(store, instance);
    // SAFETY: the module's code lives as long as the instance, which outlives this call.
    let f: &InterpFunc = unsafe { &(&(*ctx.module).funcs)[index as usize] };
    // (`try_with`: a call from another thread-local's destructor finds none and allocates.)
    let spare = SPARE_STACK.try_with(|s| s.take()).ok().flatten();
    let (mut stack, mut frames) = spare.unwrap_or_else(|| (Vec::new(), Vec::with_capacity(16)));
    let need = (f.frame_size as usize + FRAME_SLACK).max(1024);
    if stack.len() < need {
        stack.resize(need, 0);
    }
    // A reused stack holds old values: the arguments, then the rest of the frame as `enter`
    // makes it for callees.
    assert!(args.len() == f.num_params as usize && f.frame_size as usize + FRAME_SLACK <= stack.len(), "the entry frame fits");
    let p = stack.as_mut_ptr();
    // SAFETY: the stack holds the frame's `frame_size` cells (asserted just above), the first
    // `num_params` of which the arguments fill, from the caller's own slice.
    unsafe {
        copy_cells(args.as_ptr(), p, args.len());
        init_frame(p, f);
    }
    frames.clear();
    let mut st = State {
        limits: store.vm_limits(),
        store: store as *mut Store,
        max_depth: store.max_call_depth() as usize,
        frames,
        trap: None,
        trap_ip: ptr::null(),
        trap_instance: instance,
        trap_fp: ptr::null_mut(),
        exn: 0,
        skip_frame: false,
        ip: f.code.as_ptr(),
        fp: stack.as_mut_ptr(),
        mem: ctx.mem,
        mem_bound: ctx.mem_bound,
        acc: 0,
        ctx,
        stack,
        #[cfg(debug_assertions)]
        frame_size: f.frame_size as usize,
    };
    // SAFETY: `st` is set up as `State` documents: the store is this call's, `ctx` is the
    // instance's, `ip` the entry function's first instruction and `fp` its frame of at least
    // `frame_size` cells, locals and constant slots initialised.
    let mut flow = unsafe { drive(&mut st) };
    while flow == Flow::Trap {
        // A host function's exception is thrown on from its caller.
        if let Some(Trap::Exception(e)) = &st.trap {
            match store.throw_into(e) {
                Ok(c) => (st.exn, st.trap) = (c, None),
                Err(t) => st.trap = Some(t),
            }
        }
        if st.exn == 0 {
            break;
        }
        // SAFETY: `st` is as `State` documents, with `trap_fp` the frame of `trap_ip`.
        if !unsafe { unwind(&mut st) } {
            // Nothing catches it: its backtrace is every frame of the run (still there).
            record_frames(store, trap_frames(&st));
            break;
        }
        // SAFETY: `unwind` left the registers at a catch pad of the frame it found.
        flow = unsafe { drive(&mut st) };
    }
    if st.exn != 0 {
        let rt = store.owner.upgrade().expect("the runtime outlives every call into it");
        st.trap = Some(Trap::Exception(crate::vm::Exception { rt, addr: (st.exn - 1) as u32 }));
    }
    let r = match flow {
        Flow::Return => {
            let r = &st.stack[..results.len()];
            // SAFETY: `r` and `results` have the same length and are different allocations.
            unsafe { copy_cells(r.as_ptr(), results.as_mut_ptr(), r.len()) };
            Ok(())
        }
        _ => {
            // (An uncaught exception's frames are recorded already.)
            if st.exn == 0 {
                record_frames(store, trap_frames(&st));
            }
            Err(st.trap.take().unwrap_or(Trap::Unreachable))
        }
    };
    if st.stack.len() <= SPARE_STACK_MAX_CELLS {
        let _ = SPARE_STACK.try_with(|s| s.set(Some((st.stack, st.frames))));
    }
    r
}

thread_local! {
    /// How many host → wasm entries of the Interpreter are nested on this thread right now.
    static REENTRY: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// The value and frame stacks of the last finished call on this thread, reused by the next
    /// so that a host->wasm call allocates nothing. (A call nested in a host function finds
    /// none while the outer call holds it, and allocates its own.)
    static SPARE_STACK: std::cell::Cell<Option<(Vec<u64>, Vec<Frame>)>> = const { std::cell::Cell::new(None) };
}

/// The largest value stack kept for reuse: 1 MiB; a deep recursion's grown stack is freed.
const SPARE_STACK_MAX_CELLS: usize = 1 << 17;

/// The wasm frames of a run that trapped or threw, innermost first: (instance, instruction).
fn trap_frames(st: &State) -> Vec<(u32, *const Instr)> {
    let mut frames = vec![(st.trap_instance, st.trap_ip)];
    // A suspended caller's `ip` is the instruction after its call.
    frames.extend(st.frames.iter().rev().map(|f| (f.instance, f.ip.wrapping_sub(1))));
    frames
}

/// Records `frames` ([`trap_frames`]) in the store's backtrace.
fn record_frames(store: &mut Store, frames: Vec<(u32, *const Instr)>) {
    for (instance, ip) in frames {
        if let Some(func) = func_at(store, instance, ip) {
            store.record_trap_frame(instance, func);
        }
    }
}

/// The module function index whose code holds `ip`, in `instance`.
fn func_at(store: &Store, instance: u32, ip: *const Instr) -> Option<u32> {
    let Some(crate::vm::EngineCode::Interp(m)) = &store.inst(instance).code else { return None };
    let i = m.func_at(ip)?;
    Some(m.module.num_imported_funcs + i as u32)
}

/// Runs from the registers saved in `st` until the entry function returns or a trap.
///
/// # Safety
/// `st` holds what [`State`] documents, and its registers are an instruction of the running
/// function and that function's frame.
#[cfg(zerowasm_tail_dispatch)]
unsafe fn drive(st: &mut State) -> Flow {
    // SAFETY: the function's contract, which is the handlers' (see `handlers!`).
    unsafe { ((*st.ip).handler)(st.ip, st.fp, st.mem, st.mem_bound, st, st.acc) }
}

/// Runs from the registers saved in `st` until the entry function returns or a trap.
///
/// # Safety
/// As for the threaded `drive`; each handler leaves the registers in `st` as valid.
#[cfg(not(zerowasm_tail_dispatch))]
unsafe fn drive(st: &mut State) -> Flow {
    #[cfg(zerowasm_op_profile)]
    let mut counts = super::profile::Counts::default();
    let flow = loop {
        let (ip, fp, mem, mem_bound, acc) = (st.ip, st.fp, st.mem, st.mem_bound, st.acc);
        // SAFETY: the function's contract, which is the handlers' (see `handlers!`); a handler
        // returning `Continue` saved valid registers for the next one.
        let flow = unsafe { ((*ip).handler)(ip, fp, mem, mem_bound, st, acc) };
        #[cfg(zerowasm_op_profile)]
        {
            // SAFETY: `ip` is an instruction (the contract above) and, on `Continue`, `st.ip`
            // the next one to run.
            let (op, next) = unsafe { (&(*ip).op, (flow == Flow::Continue).then(|| &(*st.ip).op)) };
            // A pair can become one instruction only if the second follows the first in the code.
            let straight = next.filter(|_| st.ip == ip.wrapping_add(op.width()));
            counts.record(op, straight);
        }
        if flow != Flow::Continue {
            break flow;
        }
    };
    #[cfg(zerowasm_op_profile)]
    super::profile::merge(counts);
    flow
}

/// Cells of the value stack past a frame that `init_frame` may overwrite: every frame is made
/// with this many more cells behind it (`run`, `enter`).
const FRAME_SLACK: usize = 4;

/// Makes the frame of a call to `f` whose arguments are in place: zeroes its declared locals
/// and copies its constant slots after them (every other slot is written before it is read).
/// When there are at most four of each (`InterpFunc::small_init`), that is four zero cells and
/// the four cells of `InterpFunc::head`, whatever the counts, with no branch on them: the
/// zeros past the locals are overwritten by the constants, and the constants' padding falls on
/// operand-stack slots (written before they are read) or on the [`FRAME_SLACK`] cells.
///
/// # Safety
/// `frame` points to `f.frame_size + FRAME_SLACK` writable cells, which the locals and constant
/// slots lie within (the translator's layout).
#[inline(always)]
unsafe fn init_frame(frame: *mut u64, f: &InterpFunc) {
    let (params, locals) = (f.num_params as usize, f.num_locals as usize);
    // SAFETY: the ranges lie in the frame and its slack (the function's contract: at most
    // `locals + 4 <= frame_size + FRAME_SLACK` in the small case); the constants are the
    // function's own, not the frame.
    unsafe {
        if f.small_init {
            frame.add(params).cast::<[u64; 4]>().write_unaligned([0; 4]);
            frame.add(locals).cast::<[u64; 4]>().write_unaligned(f.head);
        } else {
            zero_cells(frame.add(params), locals - params);
            copy_cells(f.consts.as_ptr(), frame.add(locals), f.consts.len());
        }
    }
}

/// Zeroes the `n` cells at `dst`. Most functions have a few locals: up to four are plain
/// stores, since calling libc's `memset` for them cost more than the stores (3% of the
/// instructions of a call-heavy program under callgrind, with `memcpy` below).
///
/// # Safety
/// The `n` cells at `dst` are writable.
#[inline(always)]
unsafe fn zero_cells(dst: *mut u64, n: usize) {
    // SAFETY: the `n` cells are writable (the function's contract); each arm writes `n`.
    unsafe {
        match n {
            0 => {}
            1 => dst.write(0),
            2 => dst.cast::<[u64; 2]>().write_unaligned([0; 2]),
            3 => dst.cast::<[u64; 3]>().write_unaligned([0; 3]),
            4 => dst.cast::<[u64; 4]>().write_unaligned([0; 4]),
            _ => ptr::write_bytes(dst, 0, n),
        }
    }
}

/// Copies `n` cells from `src` to `dst` (not overlapping), up to four by plain moves (see
/// [`zero_cells`]).
///
/// # Safety
/// The `n` cells at `src` are readable, those at `dst` writable, and the two do not overlap.
#[inline(always)]
unsafe fn copy_cells(src: *const u64, dst: *mut u64, n: usize) {
    // SAFETY: the function's contract; each arm moves `n` cells.
    unsafe {
        match n {
            0 => {}
            1 => dst.write(src.read()),
            2 => dst.cast::<[u64; 2]>().write_unaligned(src.cast::<[u64; 2]>().read_unaligned()),
            3 => dst.cast::<[u64; 3]>().write_unaligned(src.cast::<[u64; 3]>().read_unaligned()),
            4 => dst.cast::<[u64; 4]>().write_unaligned(src.cast::<[u64; 4]>().read_unaligned()),
            _ => ptr::copy_nonoverlapping(src, dst, n),
        }
    }
}

/// Pushes a frame for wasm function `f` whose frame starts at slot `base` of the caller's frame
/// `fp`; returns the callee's frame pointer, or `None` (trap set) when a limit is hit.
///
/// Growing either stack and the trap are cold functions out of line, so that the common case
/// (the stacks have room) is straight-line code.
///
/// # Safety
/// `fp` is the running function's frame, in `st.stack`, and `base` one of its slots (where the
/// translator put the call's arguments).
#[inline(always)]
unsafe fn enter(
    st: &mut State,
    ret: *const Instr,
    fp: *mut u64,
    base: Slot,
    f: &InterpFunc,
    caller_instance: u32,
) -> Option<*mut u64> {
    if st.frames.len() >= st.max_depth {
        return call_stack_exhausted(st);
    }
    // SAFETY: `fp` points into `st.stack` (the function's contract).
    let fp_idx = unsafe { fp.offset_from(st.stack.as_ptr()) } as usize;
    let new_fp = fp_idx + base as usize;
    check_slots(st, base as usize, f.num_params as usize);
    let need = new_fp + f.frame_size as usize + FRAME_SLACK;
    if need > st.stack.len() && !grow_stack(st, need) {
        return call_stack_exhausted(st);
    }
    let p = st.stack.as_mut_ptr();
    // SAFETY: the stack holds `need = new_fp + frame_size` cells (grown above).
    unsafe { init_frame(p.add(new_fp), f) };
    if st.frames.len() == st.frames.capacity() {
        grow_frames(st);
    }
    st.frames.push(Frame {
        ip: ret,
        fp: fp_idx,
        instance: caller_instance,
        #[cfg(debug_assertions)]
        frame_size: st.frame_size,
    });
    #[cfg(debug_assertions)]
    {
        st.frame_size = f.frame_size as usize;
    }
    // SAFETY: as above: `new_fp` is within the stack.
    Some(unsafe { p.add(new_fp) })
}

/// Sets the "call stack exhausted" trap.
#[cold]
#[inline(never)]
fn call_stack_exhausted(st: &mut State) -> Option<*mut u64> {
    st.trap = Some(Trap::CallStackExhausted);
    None
}

/// Grows the value stack to at least `need` cells (doubling), or false past [`MAX_STACK_CELLS`].
#[cold]
#[inline(never)]
fn grow_stack(st: &mut State, need: usize) -> bool {
    if need > MAX_STACK_CELLS {
        return false;
    }
    let len = need.max(st.stack.len() * 2).min(MAX_STACK_CELLS);
    st.stack.resize(len, 0);
    true
}

/// Makes room for more suspended callers.
#[cold]
#[inline(never)]
fn grow_frames(st: &mut State) {
    st.frames.reserve(st.frames.len().max(16));
}

/// Calls store function `addr` (wasm of any instance, or host) with its frame at `base`;
/// returns where to continue and the frame pointer there, or `None` (trap set).
///
/// # Safety
/// `st` is as [`State`] documents, `ip` the calling instruction, `fp` the running function's
/// frame and `base` the slot of the call's arguments.
#[inline(never)]
unsafe fn call_addr(st: &mut State, ip: *const Instr, fp: *mut u64, addr: u32, base: Slot) -> Option<(*const Instr, *mut u64)> {
    // SAFETY: the run's store (see `State`); no other reference to it is alive in this call.
    let store = unsafe { &mut *st.store };
    match store.funcs()[addr as usize] {
        FuncEntity::Wasm { instance, index, .. } => {
            let caller = st.ctx.instance;
            if instance != caller {
                st.ctx = Ctx::load(store, instance);
            }
            // SAFETY: `ctx.module` is the callee's instance's module, alive as long as it is.
            let f = unsafe { &(&(*st.ctx.module).funcs)[index as usize] };
            // SAFETY: this function's contract; a call is never the last instruction of a
            // function (`check_control`), so `ip + 1` is one.
            let fp = unsafe { enter(st, ip.add(1), fp, base, f, caller)? };
            Some((f.code.as_ptr(), fp))
        }
        FuncEntity::Host { type_id, .. } => {
            // Arguments and results share the frame's cells from `base`: translation reserved
            // the heights of both.
            let n = crate::vm::call_cells(store.type_of(type_id));
            check_slots(st, base as usize, n);
            // SAFETY: the `n` cells from `base` are in the frame, as just said (and checked in
            // debug builds), and nothing else refers to them during the host call.
            let cells = unsafe { std::slice::from_raw_parts_mut(fp.add(base as usize), n) };
            if let Err(t) = store.invoke_host_in_place(addr, Some(st.ctx.instance), cells) {
                st.trap = Some(t);
                return None;
            }
            st.ctx.reload_memory(store);
            // SAFETY: as for the wasm callee's return address.
            Some((unsafe { ip.add(1) }, fp))
        }
    }
}

/// Replaces the running function's frame at `fp` with a frame for wasm function `f` (a tail
/// call): the `f.num_params` argument cells at slot `base` move to slots `0..`, then the rest
/// of the frame is made as `enter` makes it. The suspended callers stay as they are, so the
/// callee returns to this function's caller. Returns the callee's frame pointer (`fp`'s cell,
/// wherever the stack now is), or `None` (trap set) when the stack cannot grow.
///
/// # Safety
/// `fp` is the running function's frame, in `st.stack`, and `base` one of its slots (where the
/// translator put the call's arguments); `st.ctx` is the callee's instance.
#[inline(always)]
unsafe fn tail_enter(st: &mut State, fp: *mut u64, base: Slot, f: &InterpFunc) -> Option<*mut u64> {
    // SAFETY: `fp` points into `st.stack` (the function's contract).
    let fp_idx = unsafe { fp.offset_from(st.stack.as_ptr()) } as usize;
    let n = f.num_params as usize;
    check_slots(st, base as usize, n);
    // SAFETY: the `n` cells from `base` are in the running frame (the translator's layout,
    // checked just above in debug builds), hence also the `n` from 0; `copy` allows overlap.
    unsafe { ptr::copy(fp.add(base as usize), fp, n) };
    let need = fp_idx + f.frame_size as usize + FRAME_SLACK;
    if need > st.stack.len() && !grow_stack(st, need) {
        return call_stack_exhausted(st);
    }
    let p = st.stack.as_mut_ptr();
    // SAFETY: the stack holds `need` cells (grown above), the new frame and its slack.
    unsafe { init_frame(p.add(fp_idx), f) };
    #[cfg(debug_assertions)]
    {
        st.frame_size = f.frame_size as usize;
    }
    // SAFETY: as above: `fp_idx` is within the stack.
    Some(unsafe { p.add(fp_idx) })
}

/// Where a tail call continues.
enum Tail {
    /// At this instruction with this frame.
    Run(*const Instr, *mut u64),
    /// The entry function returned (its results are in the stack's first cells).
    Returned,
    /// The call trapped (the trap is set).
    Trapped,
}

/// Tail-calls store function `addr` (wasm of any instance, or host) with its arguments at slot
/// `base` of the running frame `fp`: a wasm callee's frame replaces the running one
/// ([`tail_enter`]); a host callee runs in place, then its results move to slot 0 and the
/// running function returns.
///
/// # Safety
/// `st` is as [`State`] documents, `fp` the running function's frame and `base` the slot of the
/// call's arguments, with room for the callee's results (the translator's `tail_call_args`).
#[inline(never)]
unsafe fn tail_call_addr(st: &mut State, fp: *mut u64, addr: u32, base: Slot) -> Tail {
    // SAFETY: the run's store (see `State`); no other reference to it is alive in this call.
    let store = unsafe { &mut *st.store };
    match store.funcs()[addr as usize] {
        FuncEntity::Wasm { instance, index, .. } => {
            if instance != st.ctx.instance {
                st.ctx = Ctx::load(store, instance);
            }
            // SAFETY: `ctx.module` is the callee's instance's module, alive as long as it is.
            let f = unsafe { &(&(*st.ctx.module).funcs)[index as usize] };
            // SAFETY: this function's contract, and `ctx` is the callee's (just above).
            match unsafe { tail_enter(st, fp, base, f) } {
                Some(fp) => Tail::Run(f.code.as_ptr(), fp),
                None => Tail::Trapped,
            }
        }
        FuncEntity::Host { type_id, .. } => {
            let ty = store.type_of(type_id);
            let (n, results) = (crate::vm::call_cells(ty), crate::vm::cell_count(ty.results()));
            check_slots(st, base as usize, n);
            // SAFETY: the `n` cells from `base` are in the frame (this function's contract),
            // and nothing else refers to them during the host call.
            let cells = unsafe { std::slice::from_raw_parts_mut(fp.add(base as usize), n) };
            if let Err(t) = store.invoke_host_in_place(addr, Some(st.ctx.instance), cells) {
                // The running frame is already gone as far as the exception is concerned.
                st.skip_frame = matches!(t, Trap::Exception(_));
                st.trap = Some(t);
                return Tail::Trapped;
            }
            st.ctx.reload_memory(store);
            // SAFETY: the results are in the frame from `base`, hence also from 0; `copy`
            // allows overlap.
            unsafe { ptr::copy(fp.add(base as usize), fp, results) };
            // SAFETY: `st` is as `State` documents.
            match unsafe { leave(st) } {
                Some((n, f)) => Tail::Run(n, f),
                None => Tail::Returned,
            }
        }
    }
}

/// Returns from the current function; `None` when it was the entry function.
///
/// # Safety
/// `st` is as [`State`] documents.
#[inline(always)]
unsafe fn leave(st: &mut State) -> Option<(*const Instr, *mut u64)> {
    let frame = st.frames.pop()?;
    if frame.instance != st.ctx.instance {
        // SAFETY: the run's store (see `State`).
        st.ctx = Ctx::load(unsafe { &mut *st.store }, frame.instance);
    }
    #[cfg(debug_assertions)]
    {
        st.frame_size = frame.frame_size;
    }
    // SAFETY: the caller's frame was within the stack when `enter` saved it, and the stack
    // never shrinks during a run.
    Some((frame.ip, unsafe { st.stack.as_mut_ptr().add(frame.fp) }))
}

/// Tells the function listener that `func` of the running instance is entered (arguments at
/// `fp`) or returns (results at `fp`).
///
/// # Safety
/// `st` is as [`State`] documents and `fp` the running function's frame.
#[cold]
#[inline(never)]
unsafe fn listen(st: &mut State, fp: *mut u64, func: u32, enter: bool) {
    // SAFETY: the run's store (see `State`).
    let store = unsafe { &*st.store };
    let n = store.listen_cells(st.ctx.instance, func, enter);
    check_slots(st, 0, n);
    // SAFETY: the function's parameters (or results) are its first `n` slots.
    store.listen(st.ctx.instance, func, enter, unsafe { std::slice::from_raw_parts(fp, n) });
}

#[cold]
#[inline(never)]
fn set_trap(st: &mut State, ip: *const Instr, fp: *mut u64, t: Trap) -> Flow {
    st.trap = Some(t);
    trapped_at(st, ip, fp, st.ctx.instance)
}

/// `throw` (instruction `ip` of the frame `fp`): makes an exception of the instance's tag
/// `tag` with the payload in the cells from slot `base`, and raises it (`run` unwinds).
///
/// # Safety
/// `st` is as [`State`] documents, `fp` the running frame and `base` a slot of it followed by
/// the payload's cells (the translator's `call_args`).
#[cold]
#[inline(never)]
unsafe fn throw_new(st: &mut State, ip: *const Instr, fp: *mut u64, tag: u32, base: Slot) -> Flow {
    // SAFETY: the run's store (see `State`).
    let store = unsafe { &*st.store };
    let addr = store.instance(st.ctx.instance).tags[tag as usize];
    let n = crate::vm::cell_count(store.tag_payload(addr));
    check_slots(st, base as usize, n);
    // SAFETY: the payload's `n` cells from `base` are in the frame (this function's contract).
    let payload = unsafe { std::slice::from_raw_parts(fp.add(base as usize), n) };
    st.exn = store.new_exception(addr, payload);
    trapped_at(st, ip, fp, st.ctx.instance)
}

/// Looks for the handler of the exception being thrown (`st.exn`, raised where `st.trap_ip`
/// and `st.trap_fp` say): the innermost `try_table` or legacy `try` around the instruction
/// whose catch clause takes it, in the running function and then in each caller. Found, the
/// frames inside the handler's are dropped, the payload (and the exnref) written where the
/// clause reads them and the registers in `st` left at the clause's first instruction: `true`.
/// Otherwise nothing changes (the frames stay for the backtrace): `false`.
///
/// # Safety
/// `st` is as [`State`] documents, with `trap_fp` the frame of the instruction `trap_ip`.
#[cold]
#[inline(never)]
unsafe fn unwind(st: &mut State) -> bool {
    /// Where a catch clause takes the exception: frame `k` out, of `instance`, at `pad`.
    struct Catch {
        k: usize,
        instance: u32,
        pad: *const Instr,
        slot: u32,
        exn_slot: Option<u32>,
        cells: usize,
        #[cfg(debug_assertions)]
        frame_size: usize,
    }
    // SAFETY: the run's store (see `State`).
    let store = unsafe { &*st.store };
    let exn = store.exception(st.exn);
    let depth = st.frames.len();
    // Frame `k` counts out from the one that raised it (0); a suspended caller's instruction
    // is the call just before its return address. The search changes nothing.
    let found = (std::mem::take(&mut st.skip_frame) as usize..=depth).find_map(|k| {
        let (instance, ip) = match k {
            0 => (st.trap_instance, st.trap_ip),
            k => (st.frames[depth - k].instance, st.frames[depth - k].ip.wrapping_sub(1)),
        };
        let Some(crate::vm::EngineCode::Interp(module)) = &store.inst(instance).code else { return None };
        let f = &module.funcs[module.func_at(ip)?];
        // SAFETY: `ip` is in `f`'s code (just found).
        let pc = unsafe { ip.offset_from(f.code.as_ptr()) } as u32;
        let tags = &store.instance(instance).tags;
        // The innermost handler around the instruction, then the handlers it passes on to.
        let mut handler = f.handlers.iter().rposition(|h| (h.start..h.end).contains(&pc)).map(|i| i as u32);
        while let Some(h) = handler.map(|i| &f.handlers[i as usize]) {
            if let Some(c) = h.catches.iter().find(|c| c.tag.is_none_or(|t| tags[t as usize] == exn.tag)) {
                return Some(Catch {
                    k,
                    instance,
                    pad: f.code[c.pad as usize..].as_ptr(),
                    slot: c.slot,
                    exn_slot: c.exn_slot,
                    cells: if c.tag.is_some() { exn.payload.len() } else { 0 },
                    #[cfg(debug_assertions)]
                    frame_size: f.frame_size as usize,
                });
            }
            handler = h.outer;
        }
        None
    });
    let Some(c) = found else { return false };
    // Drop the frames inside the handler's.
    let mut fp = st.trap_fp;
    for _ in 0..c.k {
        // SAFETY: `st` is as `State` documents; there are `depth >= k` suspended frames.
        (_, fp) = unsafe { leave(st) }.expect("a suspended frame");
    }
    if st.ctx.instance != c.instance {
        // SAFETY: the run's store (see `State`).
        st.ctx = Ctx::load(unsafe { &mut *st.store }, c.instance);
    }
    #[cfg(debug_assertions)]
    {
        st.frame_size = c.frame_size;
    }
    check_slots(st, c.slot as usize, c.cells);
    // SAFETY: the clause's cells are in the frame `fp` (checked in debug builds); the payload
    // is an immutable exception of the registry.
    unsafe { copy_cells(exn.payload.as_ptr(), fp.add(c.slot as usize), c.cells) };
    if let Some(s) = c.exn_slot {
        check_slots(st, s as usize, 1);
        // SAFETY: as for the payload.
        unsafe { *fp.add(s as usize) = st.exn };
    }
    st.ip = c.pad;
    st.fp = fp;
    st.mem = st.ctx.mem;
    st.mem_bound = st.ctx.mem_bound;
    st.acc = 0;
    st.exn = 0;
    st.trap = None;
    true
}

/// Notes where a trap (already in `st.trap`) or an exception (`st.exn`) was raised:
/// instruction `ip` of `instance`, whose frame is `fp`.
#[cold]
#[inline(never)]
fn trapped_at(st: &mut State, ip: *const Instr, fp: *mut u64, instance: u32) -> Flow {
    st.trap_ip = ip;
    st.trap_instance = instance;
    st.trap_fp = fp;
    Flow::Trap
}

// The handlers' only ways to the frame, linear memory and branch targets: each access is one
// of these, with the invariant it relies on stated once here and checked in debug builds.

/// Debug builds: checks that slots `s..s + n` are in the running function's frame.
#[inline(always)]
fn check_slots(st: &State, s: usize, n: usize) {
    #[cfg(debug_assertions)]
    debug_assert!(s + n <= st.frame_size, "slots {s}..{} outside a frame of {} cells", s + n, st.frame_size);
    let _ = (st, s, n);
}

/// Reads slot `s` of the frame at `fp`.
///
/// # Safety
/// `fp` is the running function's frame and `s` one of its slots: the translator numbers every
/// slot an instruction names below the function's frame size, and `enter` (`run` for the entry
/// function) made that many cells from `fp` part of the value stack.
#[inline(always)]
unsafe fn slot_read(st: &State, fp: *const u64, s: usize) -> u64 {
    check_slots(st, s, 1);
    // SAFETY: `fp + s` is a cell of the frame (the function's contract).
    unsafe { *fp.add(s) }
}

/// Writes slot `s` of the frame at `fp`.
///
/// # Safety
/// As for [`slot_read`].
#[inline(always)]
unsafe fn slot_write(st: &State, fp: *mut u64, s: usize, v: u64) {
    check_slots(st, s, 1);
    // SAFETY: `fp + s` is a cell of the frame (the function's contract).
    unsafe { *fp.add(s) = v }
}

/// Reads the v128 in slots `s` and `s + 1` of the frame at `fp`.
///
/// # Safety
/// As for [`slot_read`], for both slots (the translator gives a v128 two).
#[inline(always)]
unsafe fn slot_read128(st: &State, fp: *const u64, s: usize) -> simd::V128 {
    check_slots(st, s, 2);
    // SAFETY: both cells are in the frame (the function's contract).
    unsafe { simd::read_cells(fp.add(s)) }
}

/// Writes a v128 into slots `s` and `s + 1` of the frame at `fp`.
///
/// # Safety
/// As for [`slot_read128`].
#[inline(always)]
unsafe fn slot_write128(st: &State, fp: *mut u64, s: usize, v: simd::V128) {
    check_slots(st, s, 2);
    // SAFETY: both cells are in the frame (the function's contract).
    unsafe { simd::write_cells(fp.add(s), v) }
}

/// Copies the two cells of a v128 from slot `src` to slot `dst` (as raw bits).
///
/// # Safety
/// As for [`slot_read128`], for both slot pairs.
#[inline(always)]
unsafe fn slot_copy128(st: &State, fp: *mut u64, dst: usize, src: usize) {
    check_slots(st, src, 2);
    check_slots(st, dst, 2);
    // SAFETY: both pairs of cells are in the frame (the function's contract).
    unsafe {
        let v = ptr::read_unaligned(fp.add(src) as *const u128);
        ptr::write_unaligned(fp.add(dst) as *mut u128, v)
    }
}

/// Debug builds: checks that the memory registers are the running instance's memory and that
/// the `n` bytes at `ea` are within it.
#[inline(always)]
fn check_mem(st: &State, mem: *const u8, mem_bound: usize, ea: usize, n: usize) {
    debug_assert!(
        ptr::eq(mem, st.ctx.mem) && mem_bound == st.ctx.mem_bound,
        "the memory registers are stale"
    );
    let len = st.ctx.mem_len;
    debug_assert!(ea as u64 + n as u64 <= len as u64, "access at {ea} of {n} bytes outside memory of {len}");
    let _ = (st, mem, mem_bound, ea, n);
}

/// Reads a `T` (unaligned, native byte order) at effective address `ea` of linear memory.
///
/// # Safety
/// `mem` and `mem_bound` are the memory registers and `ea + size_of::<T>()` is at most the
/// memory's length (`ctx.mem_len`): `ea!` checks the access against the bound register (or,
/// past it, the length) before the address is used, and the registers are reloaded from the
/// instance after anything that can grow or move memory (calls, `memory.grow`), so they
/// describe the memory's current bytes.
#[inline(always)]
unsafe fn mem_read<T: Copy>(st: &State, mem: *const u8, mem_bound: usize, ea: usize) -> T {
    check_mem(st, mem, mem_bound, ea, std::mem::size_of::<T>());
    // SAFETY: `ea..ea + size_of::<T>()` is within the memory (the function's contract).
    unsafe { ptr::read_unaligned(mem.add(ea) as *const T) }
}

/// Writes a `T` (unaligned, native byte order) at effective address `ea` of linear memory.
///
/// # Safety
/// As for [`mem_read`].
#[inline(always)]
unsafe fn mem_write<T: Copy>(st: &State, mem: *mut u8, mem_bound: usize, ea: usize, v: T) {
    check_mem(st, mem, mem_bound, ea, std::mem::size_of::<T>());
    // SAFETY: `ea..ea + size_of::<T>()` is within the memory (the function's contract).
    unsafe { ptr::write_unaligned(mem.add(ea) as *mut T, v) }
}

/// Base, length in bytes and address type (true: i64) of memory `memory` of the running
/// instance, for the general memory instructions (`access`).
///
/// # Safety
/// `st` is as [`State`] documents and `memory` a memory index of the running instance
/// (validated).
#[inline(always)]
unsafe fn memory_raw(st: &mut State, memory: u32) -> (*mut u8, usize, bool) {
    // SAFETY: the run's store (the function's contract), used by nobody else meanwhile;
    // `memory` indexes the instance's memories, whose array lives as long as the instance.
    let (store, m) = unsafe { (&mut *st.store, *st.ctx.memories.add(memory as usize)) };
    let e = &mut store.memories_mut()[m as usize];
    (e.data.as_mut_ptr(), e.data.len(), e.is64())
}

/// Whether memory `memory` of the running instance takes i64 addresses (memory64).
///
/// # Safety
/// As for [`memory_raw`].
#[inline(always)]
unsafe fn memory_is64(st: &State, memory: u32) -> bool {
    // SAFETY: as in `memory_raw`.
    let (store, m) = unsafe { (&*st.store, *st.ctx.memories.add(memory as usize)) };
    store.memories()[m as usize].is64()
}

/// The `n <= 16` bytes at `base + ea`, little-endian, zero-extended (the general loads).
///
/// # Safety
/// The `n` bytes at `base + ea` are readable.
#[inline(always)]
unsafe fn read_bytes(base: *const u8, ea: usize, n: u64) -> u128 {
    let mut b = [0u8; 16];
    debug_assert!(n <= 16);
    // SAFETY: the `n` bytes are readable (the function's contract) and `b` has room for them.
    unsafe { ptr::copy_nonoverlapping(base.add(ea), b.as_mut_ptr(), n as usize) };
    u128::from_le_bytes(b)
}

/// Writes the low `n <= 16` bytes of `v`, little-endian, at `base + ea` (the general stores).
///
/// # Safety
/// The `n` bytes at `base + ea` are writable.
#[inline(always)]
unsafe fn write_bytes(base: *mut u8, ea: usize, n: u64, v: u128) {
    debug_assert!(n <= 16);
    let b = v.to_le_bytes();
    // SAFETY: the `n` bytes are writable (the function's contract), and `b` holds 16.
    unsafe { ptr::copy_nonoverlapping(b.as_ptr(), base.add(ea), n as usize) };
}

/// v128 constant `i` (or `i8x16.shuffle` mask) of the running instance's module.
///
/// # Safety
/// `i` indexes the module's `v128_consts`: the translator put the constant there when it made
/// the instruction.
#[inline(always)]
unsafe fn v128_const(st: &State, i: u32) -> u128 {
    // SAFETY: the module outlives the run (see `State`).
    let consts = unsafe { &(*st.ctx.module).v128_consts };
    debug_assert!((i as usize) < consts.len(), "v128 constant {i} of {}", consts.len());
    // SAFETY: `i` is in bounds (the function's contract).
    unsafe { *consts.get_unchecked(i as usize) }
}

/// The instruction a branch at `ip` with relative target `rel` goes to.
///
/// # Safety
/// `rel` is the target of the branch at `ip`: the translator resolves every target to an
/// instruction of the same function and `link` made it relative to the branch (both checked
/// by `check_control` in debug builds).
#[inline(always)]
unsafe fn branch_target(ip: *const Instr, rel: u32) -> *const Instr {
    // SAFETY: the target is in the function's code (the function's contract).
    unsafe { ip.offset(rel as i32 as isize) }
}

/// Defines one handler per instruction from `Name { operands } => { body }`, in the modules the
/// list is split into (`define_handler_of` checks it against the table). In a body, `ip` is the
/// instruction, `next` the instruction to continue with (set by branches), `fp`, `mem` and
/// `mem_bound` the registers, `st` the [`State`]. The `$d` argument is a literal `$`, for the
/// helper macros defined here.
macro_rules! handlers {
    ($d:tt ($ip:ident, $next:ident, $fp:ident, $mem:ident, $mem_bound:ident, $st:ident, $acc:ident);
     $( mod $module:ident { $( $name:ident { $($field:ident),* } => $body:block )* } )*) => {$(
        /// One function per instruction kind.
        #[allow(non_snake_case, unused_mut, unused_variables, unused_macros, unreachable_code, unused_assignments, clippy::all)]
        mod $module {
            use super::*;
            $(
                /// # Safety
                /// `ip` is an instruction of the running function whose handler this is (as
                /// `link` paired them), `fp` that function's frame, `mem` and `mem_bound` the
                /// instance's memory registers, `st` as [`State`] documents, and `acc` the
                /// result of the instruction just before if `MODE` says an operand reads it
                /// (bit `1 << i` for the `i`-th `acc` operand, see [`Op::acc_mode`]).
                pub(super) unsafe fn $name<const MODE: u8>(
                    $ip: *const Instr,
                    mut $fp: *mut u64,
                    mut $mem: *mut u8,
                    mut $mem_bound: usize,
                    $st: &mut State,
                    mut $acc: u64,
                ) -> Flow {
                    // SAFETY: `ip` is an instruction (this function's contract).
                    let op: &Op = unsafe { &(*$ip).op };
                    // (Matched as a place, so that each operand is loaded where it is used.)
                    let Op::$name { $($field),* } = *op else {
                        // SAFETY: `link` pairs every instruction with its own handler.
                        unsafe { std::hint::unreachable_unchecked() }
                    };
                    // SAFETY: `check_extension_words` saw the instruction's extension words in
                    // the code, so this is at most one past its end.
                    let mut $next = unsafe { $ip.add(width::$name) };
            // The operands in the instruction's extension word (`ext { .. }` in the table).
            macro_rules! ext { () => {
                // SAFETY: `link` checked that the word follows the instruction.
                unsafe { crate::interp::ir::ext::$name::of((*$ip.add(1)).op).unwrap_unchecked() }
            } }
            // The frame's slots, through the checked accessors: the translator's invariant is
            // that every slot an instruction names is below its function's frame size, which
            // `enter` reserved from `fp` (see `slot_read`). Operands are evaluated first, outside
            // the `unsafe` block.
            // An `acc` operand reads the accumulator in the handlers whose `MODE` has its bit
            // (a constant, so each handler has one of the two reads).
            macro_rules! get { ($d s:expr) => {{
                const BIT: u8 = acc_bit(stringify!($d s), crate::interp::ir::acc_fields::$name);
                if MODE & BIT != 0 {
                    $acc
                } else {
                    let s = $d s as usize;
                    // SAFETY: a slot the instruction names is in the frame (`slot_read`).
                    unsafe { slot_read($st, $fp, s) }
                }
            }} }
            // Every scalar write also leaves the value in the accumulator, so that the next
            // instruction may read a result from there rather than from the frame (the write
            // that counts is the last, the `result` fact's).
            // The result of a handler whose `MODE` has `ACC_OUT` goes there only.
            macro_rules! set { ($d s:expr, $d v:expr) => {{
                const OUT: bool = same_name(stringify!($d s), crate::interp::ir::acc_out_field::$name);
                let v: u64 = $d v;
                $acc = v;
                if !(OUT && MODE & ACC_OUT != 0) {
                    let s = $d s as usize;
                    // SAFETY: a slot the instruction names is in the frame (`slot_read`).
                    unsafe { slot_write($st, $fp, s, v) }
                }
            }} }
            macro_rules! i32_ { ($d s:expr) => { get!($d s) as u32 as i32 } }
            macro_rules! u32_ { ($d s:expr) => { get!($d s) as u32 } }
            macro_rules! f32_ { ($d s:expr) => { f32::from_bits(get!($d s) as u32) } }
            macro_rules! f64_ { ($d s:expr) => { f64::from_bits(get!($d s)) } }
            macro_rules! w32 { ($d d:expr, $d v:expr) => { set!($d d, ($d v) as u32 as u64) } }
            macro_rules! w64 { ($d d:expr, $d v:expr) => { set!($d d, ($d v) as u64) } }
            macro_rules! wf32 { ($d d:expr, $d v:expr) => { set!($d d, ($d v).to_bits() as u64) } }
            macro_rules! wf64 { ($d d:expr, $d v:expr) => { set!($d d, ($d v).to_bits()) } }
            // v128 values: two cells, low half first.
            macro_rules! v128 { ($d s:expr) => {{
                let s = $d s as usize;
                // SAFETY: a v128 slot the instruction names is in the frame with the slot after
                // it (`slot_read128`).
                unsafe { slot_read128($st, $fp, s) }
            }} }
            macro_rules! wv128 { ($d d:expr, $d v:expr) => {{
                let d = $d d as usize;
                let v: simd::V128 = $d v;
                // SAFETY: a v128 slot the instruction names is in the frame with the slot after
                // it (`slot_read128`).
                unsafe { slot_write128($st, $fp, d, v) }
            }} }
            macro_rules! trap { ($d t:expr) => { return set_trap($st, $ip, $fp, $d t) } }
            // A trap already set (in `st.trap`) by what the instruction called.
            macro_rules! trap_here { () => { return trapped_at($st, $ip, $fp, $st.ctx.instance) } }
            // The store function address of `call_indirect`'s callee: the table element at
            // `index`, of type `ty` (else the trap).
            macro_rules! indirect_callee { ($d ty:expr, $d index:expr, $d table:expr) => {{
                // SAFETY: the run's store; `table` is a table index of the instance (see `State`).
                let (store, t) = unsafe { (&*$st.store, *$st.ctx.tables.add($d table as usize)) };
                let elems = &store.tables()[t as usize].elems;
                let Some(&r) = elems.get(u32_!($d index) as usize) else { trap!(Trap::UndefinedElement) };
                if r == 0 {
                    trap!(Trap::UninitializedElement);
                }
                let addr = (r - 1) as u32;
                // SAFETY: `ty` is a type index of the instance (see `State`).
                let expected = unsafe { *$st.ctx.type_ids.add($d ty as usize) };
                if store.funcs()[addr as usize].type_id() != expected {
                    // A tail call, so that the fast path keeps no registers for the way back.
                    // SAFETY: this handler's contract; `addr` is a function of the store.
                    return unsafe { indirect_subtype($ip, $fp, $st, $acc, addr, expected) };
                }
                addr
            }} }
            // Tail-calls store function `addr` with its arguments at slot `base`.
            macro_rules! tail_call { ($d addr:expr, $d base:expr) => {{
                let caller = $st.ctx.instance;
                // SAFETY: `fp` is the running frame and `base` the call's argument slot, with
                // room for the results (this handler's contract and the translator's).
                match unsafe { tail_call_addr($st, $fp, $d addr, $d base) } {
                    Tail::Run(n, f) => { $next = n; $fp = f; $mem = $st.ctx.mem; $mem_bound = $st.ctx.mem_bound; }
                    Tail::Returned => return Flow::Return,
                    Tail::Trapped => return trapped_at($st, $ip, $fp, caller),
                }
            }} }
            macro_rules! tri { ($d e:expr) => { match $d e { Ok(v) => v, Err(t) => trap!(t) } } }
            // The general memory instructions (any memory, `ext { memory, offset }`): the store
            // address of the memory, the address in slot `addr` (an i64 on a 64-bit memory,
            // else an i32) and the offset.
            macro_rules! general_address { ($d addr:expr) => {{
                let x = ext!();
                // SAFETY: `x.memory` is a memory index of the instance (see `State`).
                let (is64, m) = unsafe { (memory_is64($st, x.memory), *$st.ctx.memories.add(x.memory as usize)) };
                let a = if is64 { get!($d addr) } else { u32_!($d addr) as u64 };
                (m, a, x.offset)
            }} }
            // The same for an access of `n` bytes, checked: the memory's base and the effective
            // address (else the trap).
            macro_rules! general_ea { ($d addr:expr, $d n:expr) => {{
                let x = ext!();
                // SAFETY: `x.memory` is a memory index of the instance (see `State`).
                let (base, len, is64) = unsafe { memory_raw($st, x.memory) };
                let a = if is64 { get!($d addr) } else { u32_!($d addr) as u64 };
                let Some(ea) = effective_address(a, x.offset, $d n, len) else { trap!(Trap::MemoryOutOfBounds) };
                (base, ea)
            }} }
            macro_rules! jump { ($d t:expr) => {{
                let t: u32 = $d t;
                // SAFETY: `t` is the instruction's branch target, inside the function
                // (`branch_target`).
                $next = unsafe { branch_target($ip, t) };
            }} }
            // Effective address check: `addr + offset + N <= len`, in u64 so it cannot wrap.
            // The result, an address checked against the length register, is what `mread!` and
            // `mwrite!` take.
            macro_rules! ea {
                ($d addr:expr, $d off:expr, $d n:expr) => { ea_of!(u32_!($d addr), $d off, $d n) };
            }
            // The same from the address's value (a u32) rather than its slot.
            // One comparison with the bound register (for an access of `n > FAST_ACCESS` bytes,
            // of its last `FAST_ACCESS`); at or past it (rare: the last bytes of memory, or out of
            // bounds) the exact test.
            macro_rules! ea_of {
                ($d base:expr, $d off:expr, $d n:expr) => {{
                    let ea = ($d base) as u64 + $d off as u64;
                    let n: u64 = $d n;
                    if ea + n.saturating_sub(FAST_ACCESS as u64) >= $mem_bound as u64 && ea + n > $st.ctx.mem_len as u64 {
                        trap!(Trap::MemoryOutOfBounds);
                    }
                    ea as usize
                }};
            }
            // Linear memory, through the checked accessors, at an address from `ea!`.
            macro_rules! mread { ($d t:ty, $d ea:expr) => {{
                let ea: usize = $d ea;
                // SAFETY: `ea!` checked the access against the memory registers (`mem_read`).
                unsafe { mem_read::<$d t>($st, $mem, $mem_bound, ea) }
            }} }
            macro_rules! mwrite { ($d t:ty, $d ea:expr, $d v:expr) => {{
                let ea: usize = $d ea;
                let v: $d t = $d v;
                // SAFETY: `ea!` checked the access against the memory registers (`mem_read`).
                unsafe { mem_write::<$d t>($st, $mem, $mem_bound, ea, v) }
            }} }
            macro_rules! load {
                ($d dst:expr, $d addr:expr, $d off:expr, $d t:ty, $d w:ident, $d conv:ty) => {
                    load_of!($d dst, u32_!($d addr), $d off, $d t, $d w, $d conv)
                };
            }
            macro_rules! vload {
                ($d dst:expr, $d addr:expr, $d off:expr, $d t:ty, $d f:expr) => {{
                    let ea = ea!($d addr, $d off, std::mem::size_of::<$d t>() as u64);
                    let x = <$d t>::from_le(mread!($d t, ea));
                    wv128!($d dst, ($d f)(x))
                }};
            }
            macro_rules! vload_bytes {
                ($d dst:expr, $d addr:expr, $d off:expr, $d n:literal, $d f:expr) => {{
                    let ea = ea!($d addr, $d off, $d n);
                    wv128!($d dst, ($d f)(mread!([u8; $d n], ea)))
                }};
            }
            macro_rules! vload_lane {
                ($d args:expr, $d off:expr, $d lane:expr, $d t:ty, $d f:expr) => {{
                    let ea = ea!($d args, $d off, std::mem::size_of::<$d t>() as u64);
                    let x = <$d t>::from_le(mread!($d t, ea));
                    wv128!($d args, ($d f)(v128!($d args + 1), $d lane, x as u64))
                }};
            }
            macro_rules! vstore {
                ($d addr:expr, $d off:expr, $d t:ty, $d v:expr) => {{
                    let ea = ea!($d addr, $d off, std::mem::size_of::<$d t>() as u64);
                    let v: $d t = $d v;
                    mwrite!($d t, ea, v.to_le())
                }};
            }
            // A load whose address is computed first: `base` is the wasm address operand (u32).
            macro_rules! load_of {
                ($d dst:expr, $d base:expr, $d off:expr, $d t:ty, $d w:ident, $d conv:ty) => {{
                    let ea = ea_of!($d base, $d off, std::mem::size_of::<$d t>() as u64);
                    let v = <$d t>::from_le(mread!($d t, ea));
                    $d w!($d dst, v as $d conv)
                }};
            }
            macro_rules! store_of {
                ($d base:expr, $d src:expr, $d off:expr, $d t:ty) => {{
                    let ea = ea_of!($d base, $d off, std::mem::size_of::<$d t>() as u64);
                    mwrite!($d t, ea, (get!($d src) as $d t).to_le())
                }};
            }
            macro_rules! store {
                ($d addr:expr, $d src:expr, $d off:expr, $d t:ty) => { store_of!(u32_!($d addr), $d src, $d off, $d t) };
            }
            // Wide arithmetic: a 128-bit integer in two consecutive slots, low half first.
            macro_rules! get128 { ($d s:expr) => { get!($d s) as u128 | (get!($d s + 1) as u128) << 64 } }
            macro_rules! w128 { ($d s:expr, $d v:expr) => {{
                let v: u128 = $d v;
                w64!($d s, v as u64);
                w64!($d s + 1, (v >> 64) as u64)
            }} }
            // Atomic accesses (threads proposal): the address in slot `args`, `2^width` bytes,
            // alignment then bounds checked exactly (`vm::atomics::check_access`).
            macro_rules! atomic_ea { ($d args:expr, $d off:expr, $d width:expr) => {
                tri!(crate::vm::atomics::check_access($st.ctx.mem_len as usize, u32_!($d args) as u64, $d off as u64, 1u64 << $d width))
            } }
            macro_rules! atomic_read { ($d ea:expr, $d width:expr) => {{
                let ea: usize = $d ea;
                match $d width {
                    0 => mread!(u8, ea) as u64,
                    1 => u16::from_le(mread!(u16, ea)) as u64,
                    2 => u32::from_le(mread!(u32, ea)) as u64,
                    _ => u64::from_le(mread!(u64, ea)),
                }
            }} }
            macro_rules! atomic_write { ($d ea:expr, $d width:expr, $d v:expr) => {{
                let (ea, v): (usize, u64) = ($d ea, $d v);
                match $d width {
                    0 => mwrite!(u8, ea, v as u8),
                    1 => mwrite!(u16, ea, (v as u16).to_le()),
                    2 => mwrite!(u32, ea, (v as u32).to_le()),
                    _ => mwrite!(u64, ea, v.to_le()),
                }
            }} }
                    $body
                    dispatch!($next, $fp, $mem, $mem_bound, $st, $acc)
                }
            )*
        }
        )*

        /// Every handler, whichever module holds it, by the name of its instruction.
        mod by_name {
            $( pub(super) use super::$module::*; )*
        }
    };
}

/// The handler of instruction `$name` for the accumulator mode `$mode` (see [`Op::acc_mode`]):
/// one per `acc` operand, besides mode 0, listed from the entry's facts.
macro_rules! acc_handler {
    ($name:ident, $mode:expr; [$($bit:expr),*]; $next:expr; $out:ident; acc($f:ident) $(, $($rest:tt)*)?) => {
        acc_handler!($name, $mode; [$($bit,)* $next]; ($next) << 1; $out; $($($rest)*)?)
    };
    ($name:ident, $mode:expr; [$($bit:expr),*]; $next:expr; $out:ident; acc_out($f:ident) $(, $($rest:tt)*)?) => {
        acc_handler!($name, $mode; [$($bit),*]; $next; out; $($($rest)*)?)
    };
    ($name:ident, $mode:expr; [$($bit:expr),*]; $next:expr; $out:ident; $other:ident($f:ident) $(, $($rest:tt)*)?) => {
        acc_handler!($name, $mode; [$($bit),*]; $next; $out; $($($rest)*)?)
    };
    // Without an `acc_out` field: the input modes; with one, each also with `ACC_OUT`.
    ($name:ident, $mode:expr; [$($bit:expr),*]; $next:expr; no_out;) => {
        acc_handler!(@pick $name, $mode; [$($bit),*])
    };
    ($name:ident, $mode:expr; [$($bit:expr),*]; $next:expr; out;) => {
        acc_handler!(@pick $name, $mode; [$($bit,)* $((($bit) | crate::interp::ir::ACC_OUT)),*])
    };
    (@pick $name:ident, $mode:expr; [$($bit:expr),*]) => {{
        let mode: u8 = $mode;
        $( if mode == $bit { by_name::$name::<{ $bit }> as Handler } else )* {
            panic!("{} has no handler for accumulator mode {mode:#x}", stringify!($name))
        }
    }};
}

/// Whether two names are the same (in constants).
const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut k = 0;
    while k < a.len() {
        if a[k] != b[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// The bit of a handler's mode for operand `operand` (its source text in the handler) among the
/// instruction's `acc` operands `acc_fields`; 0 if it is not one.
const fn acc_bit(operand: &str, acc_fields: &[&str]) -> u8 {
    let mut i = 0;
    while i < acc_fields.len() {
        if same_name(operand, acc_fields[i]) {
            return 1 << i;
        }
        i += 1;
    }
    0
}

/// Defines `handler_of` from the instruction table: an instruction without a handler (or with
/// two) is a compile error, as is a handler without an instruction (its `let Op::$name` pattern
/// names no variant) or with other operands (the pattern lists them all).
macro_rules! define_handler_of {
    ($(
        $(#[$attr:meta])* $name:ident $({ $($field:ident : $ty:ty),* })?
        $(ext { $($xfield:ident : $xty:ty),* })? $(=> $($fact:ident($of:ident)),+)? ;
    )*) => {
        // Every operand is bound, for the `acc` ones (most go unused).
        #[allow(unused_variables)]
        fn handler_of(op: &Op) -> Handler {
            match op {
                $( Op::$name { $($($field),*)? } => acc_handler!(
                    $name,
                    crate::interp::isa::acc_mode!(1u8; $($($fact($of)),+)?);
                    [0u8]; 1u8; no_out; $($($fact($of)),+)?
                ), )*
            }
        }
    };
}
for_each_op!(define_handler_of);

#[cfg(zerowasm_tail_dispatch)]
macro_rules! dispatch {
    ($next:ident, $fp:ident, $mem:ident, $mem_bound:ident, $st:ident, $acc:ident) => {
        // SAFETY: `next` is an instruction of the running function (the one after this, which
        // exists as the code does not fall off its end, or a branch target) or, after a call or
        // return, of the new running function, and the registers are that function's: the
        // next handler's contract.
        return unsafe { ((*$next).handler)($next, $fp, $mem, $mem_bound, $st, $acc) }
    };
}

#[cfg(not(zerowasm_tail_dispatch))]
macro_rules! dispatch {
    ($next:ident, $fp:ident, $mem:ident, $mem_bound:ident, $st:ident, $acc:ident) => {{
        $st.ip = $next;
        $st.fp = $fp;
        $st.mem = $mem;
        $st.mem_bound = $mem_bound;
        $st.acc = $acc;
        return Flow::Continue;
    }};
}

/// The rest of `call_indirect` or `return_call_indirect` (the instruction `ip`) when the type
/// id of its callee, store function `addr`, is not the `expected` one: the call goes on if the
/// callee's type declares the expected one as a (transitive) supertype, else traps. Out of line
/// and reached by a tail call from the handlers (six arguments, all in registers), so that their
/// fast path, where the ids are equal, saves no registers for a way back.
///
/// # Safety
/// As for the handler of `ip` (`ip`, `fp`, `st`), and `addr` is a function of the store.
#[cold]
#[inline(never)]
unsafe fn indirect_subtype(ip: *const Instr, mut fp: *mut u64, st: &mut State, acc: u64, addr: u32, expected: u32) -> Flow {
    use crate::wasm::types::TypeId;
    // SAFETY: the run's store (see `State`).
    let actual = unsafe { &*st.store }.funcs()[addr as usize].type_id();
    if !TypeId(actual).is_subtype_of(TypeId(expected)) {
        return set_trap(st, ip, fp, Trap::IndirectCallTypeMismatch);
    }
    let caller = st.ctx.instance;
    // SAFETY: `ip` is an instruction (the function's contract).
    let next = match unsafe { (*ip).op } {
        // SAFETY: the handler's contract, which is this function's.
        Op::CallIndirect { base, .. } => match unsafe { call_addr(st, ip, fp, addr, base) } {
            Some((n, f)) => {
                fp = f;
                n
            }
            None => return trapped_at(st, ip, fp, caller),
        },
        // SAFETY: as for `call_addr`.
        Op::ReturnCallIndirect { base, .. } => match unsafe { tail_call_addr(st, fp, addr, base) } {
            Tail::Run(n, f) => {
                fp = f;
                n
            }
            Tail::Returned => return Flow::Return,
            Tail::Trapped => return trapped_at(st, ip, fp, caller),
        },
        _ => unreachable!("only the indirect calls check a callee's type"),
    };
    let (mem, mem_bound) = (st.ctx.mem, st.ctx.mem_bound);
    dispatch!(next, fp, mem, mem_bound, st, acc)
}

// Every slot, memory and branch access below goes through the checked accessors (`get!`,
// `set!`, `v128!`, `wv128!`, `mread!`, `mwrite!` after `ea!`, `jump!`); the few other unsafe
// operations (the store, the instance's arrays, calls and returns) say why they are sound where
// they are, relying on what `State` documents.
handlers! { $ (ip, next, fp, mem, mem_bound, st, acc);
mod handlers {
    Unreachable {} => { trap!(Trap::Unreachable) }
    ConsumeFuel { cost } => {
        // SAFETY: `limits` is the group's `VMLimits`, only used by this thread (see `State`).
        let fuel = unsafe { &mut (*st.limits).fuel };
        if *fuel < cost as u64 {
            trap!(Trap::FuelExhausted)
        }
        *fuel -= cost as u64;
    }
    ListenEnter { func } => {
        // SAFETY: `fp` is the running function's frame (this handler's contract).
        unsafe { listen(st, fp, func, true) }
    }
    ListenExit { func } => {
        // SAFETY: as in `ListenEnter`.
        unsafe { listen(st, fp, func, false) }
    }
    CheckInterrupt {} => {
        // SAFETY: `limits` is the group's `VMLimits`, whose `interrupt` points to the store's
        // flag (see `State`).
        let interrupt = unsafe { &*(*st.limits).interrupt };
        // Relaxed: the flag carries no data; the trap only has to come eventually, promptly.
        if interrupt.load(Ordering::Relaxed) != 0 {
            interrupt.store(0, Ordering::Relaxed);
            trap!(Trap::Interrupted)
        }
    }
    Br { target } => { jump!(target) }
    BrTable { index, len } => {
        let i = u32_!(index).min(len) as usize;
        // SAFETY: a `BrTable` is followed by its `len + 1` `Br`s (`check_control`).
        next = unsafe { ip.add(1 + i) }
    }
    Return {} => {
        // SAFETY: `st` is as `State` documents (this handler's contract).
        match unsafe { leave(st) } {
            Some((n, f)) => { next = n; fp = f; mem = st.ctx.mem; mem_bound = st.ctx.mem_bound; }
            None => return Flow::Return,
        }
    }
    Return1 { src } => {
        set!(0, get!(src));
        // SAFETY: as in `Return`.
        match unsafe { leave(st) } {
            Some((n, f)) => { next = n; fp = f; mem = st.ctx.mem; mem_bound = st.ctx.mem_bound; }
            None => return Flow::Return,
        }
    }
    Call { func, base } => {
        // SAFETY: the instance's module outlives the run (see `State`).
        let f = unsafe { &(&(*st.ctx.module).funcs)[func as usize] };
        let caller = st.ctx.instance;
        // SAFETY: `fp` is the running frame and `base` the call's argument slot (this handler's
        // contract and the translator's).
        match unsafe { enter(st, next, fp, base, f, caller) } {
            Some(new_fp) => { fp = new_fp; next = f.code.as_ptr(); }
            None => return trapped_at(st, ip, fp, caller),
        }
    }
    CallImported { func, base } => {
        let caller = st.ctx.instance;
        // SAFETY: `func` is a function index of the instance (see `State`).
        let addr = unsafe { *st.ctx.funcs.add(func as usize) };
        // SAFETY: as in `Call`.
        match unsafe { call_addr(st, ip, fp, addr, base) } {
            Some((n, f)) => { next = n; fp = f; mem = st.ctx.mem; mem_bound = st.ctx.mem_bound; }
            None => return trapped_at(st, ip, fp, caller),
        }
    }
    CallIndirect { ty, index, base, table } => {
        let addr = indirect_callee!(ty, index, table);
        let caller = st.ctx.instance;
        // SAFETY: as in `Call`.
        match unsafe { call_addr(st, ip, fp, addr, base) } {
            Some((n, f)) => { next = n; fp = f; mem = st.ctx.mem; mem_bound = st.ctx.mem_bound; }
            None => return trapped_at(st, ip, fp, caller),
        }
    }
    Throw { tag, base } => {
        // SAFETY: `fp` is the running frame and `base` the payload's slot (the translator's).
        return unsafe { throw_new(st, ip, fp, tag, base) };
    }
    ThrowRef { exn } => {
        let r = get!(exn);
        if r == 0 {
            trap!(Trap::NullExceptionReference);
        }
        st.exn = r;
        return trapped_at(st, ip, fp, st.ctx.instance);
    }
    RefAsNonNull { src } => {
        if get!(src) == 0 {
            trap!(Trap::NullReference);
        }
    }
    CallRef { fref, base } => {
        let r = get!(fref);
        if r == 0 {
            trap!(Trap::NullFunctionReference);
        }
        let caller = st.ctx.instance;
        // SAFETY: as in `Call`; a non-null function reference holds a store function address
        // plus one.
        match unsafe { call_addr(st, ip, fp, (r - 1) as u32, base) } {
            Some((n, f)) => { next = n; fp = f; mem = st.ctx.mem; mem_bound = st.ctx.mem_bound; }
            None => return trapped_at(st, ip, fp, caller),
        }
    }
    ReturnCall { func, base } => {
        // SAFETY: the instance's module outlives the run (see `State`).
        let f = unsafe { &(&(*st.ctx.module).funcs)[func as usize] };
        // SAFETY: `fp` is the running frame and `base` the call's argument slot (this handler's
        // contract and the translator's); the callee is of the running instance.
        match unsafe { tail_enter(st, fp, base, f) } {
            Some(new_fp) => { fp = new_fp; next = f.code.as_ptr(); }
            None => trap_here!(),
        }
    }
    ReturnCallImported { func, base } => {
        // SAFETY: `func` is a function index of the instance (see `State`).
        let addr = unsafe { *st.ctx.funcs.add(func as usize) };
        tail_call!(addr, base)
    }
    ReturnCallIndirect { ty, index, base, table } => {
        let addr = indirect_callee!(ty, index, table);
        tail_call!(addr, base)
    }
    ReturnCallRef { fref, base } => {
        let r = get!(fref);
        if r == 0 {
            trap!(Trap::NullFunctionReference);
        }
        tail_call!((r - 1) as u32, base)
    }
    GlobalGet { dst, global } => {
        // SAFETY: `global` is an index of the instance, whose definitions are live (see `State`).
        let bits = unsafe { (*(*st.ctx.globals.add(global as usize)).0).bits };
        set!(dst, bits as u64)
    }
    GlobalSet { src, global } => {
        // SAFETY: as in `GlobalGet`.
        let g = unsafe { (*st.ctx.globals.add(global as usize)).0 };
        let v = get!(src) as u128;
        // SAFETY: a live global definition, which only this thread uses (the group's lock).
        unsafe { (*g).bits = v }
    }
    MemorySize { dst } => { w32!(dst, st.ctx.mem_len / PAGE_SIZE) }
    Copy128 { dst, src } => {
        // SAFETY: both are v128 slots the instruction names (`slot_copy128`).
        unsafe { slot_copy128(st, fp, dst as usize, src as usize) }
    }
    Select128 { dst, a, b, cond } => {
        let from = if u32_!(cond) != 0 { a } else { b };
        // SAFETY: both are v128 slots the instruction names (`slot_copy128`).
        unsafe { slot_copy128(st, fp, dst as usize, from as usize) }
    }
    SelectWide128 { dst, b, cond } => {
        if u32_!(cond) == 0 {
            wv128!(dst, v128!(b))
        }
    }
    GlobalGet128 { dst, global } => {
        // SAFETY: as in `GlobalGet`.
        let bits = unsafe { (*(*st.ctx.globals.add(global as usize)).0).bits };
        wv128!(dst, bits.into())
    }
    GlobalSet128 { src, global } => {
        // SAFETY: as in `GlobalGet`.
        let g = unsafe { (*st.ctx.globals.add(global as usize)).0 };
        let v = v128!(src).into();
        // SAFETY: as in `GlobalSet`.
        unsafe { (*g).bits = v }
    }
    MemoryCopy { args } => {
        let (d, s, n) = (u32_!(args) as u64, u32_!(args + 1) as u64, u32_!(args + 2) as u64);
        let len = st.ctx.mem_len;
        // SAFETY: `mem` is the instance's memory, `ctx.mem_len` bytes (`mem_read`).
        tri!(unsafe { bulk::memory_copy(mem, len, mem, len, d, s, n) })
    }
    MemoryFill { args } => {
        let (d, val, n) = (u32_!(args) as u64, u32_!(args + 1) as u8, u32_!(args + 2) as u64);
        // SAFETY: as in `MemoryCopy`.
        tri!(unsafe { bulk::memory_fill(mem, st.ctx.mem_len, d, val, n) })
    }
    MemoryInit { seg, args, memory } => {
        // SAFETY: the instance's module outlives the run (see `State`).
        let module = unsafe { &(*st.ctx.module).module };
        // SAFETY: `memory` is a memory index of the instance (see `State`).
        let d = if unsafe { memory_is64(st, memory) } { get!(args) } else { u32_!(args) as u64 };
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        tri!(bulk::memory_init(store, st.ctx.instance, module, memory, seg, d, u32_!(args + 1), u32_!(args + 2)))
    }
    MemoryCopyMem { args, dst_mem, src_mem } => {
        // SAFETY: both are memory indices of the instance (see `State`).
        let (d64, s64) = unsafe { (memory_is64(st, dst_mem), memory_is64(st, src_mem)) };
        let d = if d64 { get!(args) } else { u32_!(args) as u64 };
        let s = if s64 { get!(args + 1) } else { u32_!(args + 1) as u64 };
        // The length is an i64 only if both memories are 64-bit.
        let n = if d64 && s64 { get!(args + 2) } else { u32_!(args + 2) as u64 };
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        tri!(bulk::memory_copy_in(store, st.ctx.instance, dst_mem, src_mem, d, s, n))
    }
    MemoryFillMem { args, memory } => {
        // SAFETY: `memory` is a memory index of the instance (see `State`).
        let is64 = unsafe { memory_is64(st, memory) };
        let d = if is64 { get!(args) } else { u32_!(args) as u64 };
        let n = if is64 { get!(args + 2) } else { u32_!(args + 2) as u64 };
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        tri!(bulk::memory_fill_in(store, st.ctx.instance, memory, d, u32_!(args + 1) as u8, n))
    }
    MemorySizeMem { dst, memory } => {
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &*st.store };
        let pages = bulk::memory_size(store, st.ctx.instance, memory);
        // SAFETY: `memory` is a memory index of the instance (see `State`).
        if unsafe { memory_is64(st, memory) } { w64!(dst, pages) } else { w32!(dst, pages) }
    }
    MemoryGrowMem { dst, delta, memory } => {
        // SAFETY: `memory` is a memory index of the instance (see `State`).
        let is64 = unsafe { memory_is64(st, memory) };
        let d = if is64 { get!(delta) } else { u32_!(delta) as u64 };
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        // `u64::MAX` when it fails: -1 as either an i64 or, truncated, an i32.
        let r = bulk::memory_grow(store, st.ctx.instance, memory, d);
        // Memory 0 may be this memory, or be imported twice: the registers follow.
        st.ctx.reload_memory(store);
        mem = st.ctx.mem;
        mem_bound = st.ctx.mem_bound;
        if is64 { w64!(dst, r) } else { w32!(dst, r) }
    }
    LoadMem { dst, addr, kind } => {
        let k = LoadKind::of(kind);
        let (base, ea) = general_ea!(addr, k.bytes());
        // SAFETY: the `k.bytes()` bytes at `ea` are within the memory (`general_ea!` checked).
        let raw = unsafe { read_bytes(base, ea, k.bytes()) };
        match k {
            LoadKind::I32 => w32!(dst, raw as u32),
            LoadKind::I64 => w64!(dst, raw as u64),
            LoadKind::I32_8S => w32!(dst, raw as u8 as i8 as i32),
            LoadKind::I32_8U => w32!(dst, raw as u8),
            LoadKind::I32_16S => w32!(dst, raw as u16 as i16 as i32),
            LoadKind::I32_16U => w32!(dst, raw as u16),
            LoadKind::I64_8S => w64!(dst, raw as u8 as i8 as i64),
            LoadKind::I64_8U => w64!(dst, raw as u8),
            LoadKind::I64_16S => w64!(dst, raw as u16 as i16 as i64),
            LoadKind::I64_16U => w64!(dst, raw as u16),
            LoadKind::I64_32S => w64!(dst, raw as u32 as i32 as i64),
            LoadKind::I64_32U => w64!(dst, raw as u32),
            // The bytes past those read are zero: `v128.load32_zero` and `load64_zero` as is.
            LoadKind::V128 | LoadKind::V128Zero32 | LoadKind::V128Zero64 => wv128!(dst, raw.into()),
            LoadKind::V128_8x8S => wv128!(dst, simd::load8x8_s((raw as u64).to_le_bytes())),
            LoadKind::V128_8x8U => wv128!(dst, simd::load8x8_u((raw as u64).to_le_bytes())),
            LoadKind::V128_16x4S => wv128!(dst, simd::load16x4_s((raw as u64).to_le_bytes())),
            LoadKind::V128_16x4U => wv128!(dst, simd::load16x4_u((raw as u64).to_le_bytes())),
            LoadKind::V128_32x2S => wv128!(dst, simd::load32x2_s((raw as u64).to_le_bytes())),
            LoadKind::V128_32x2U => wv128!(dst, simd::load32x2_u((raw as u64).to_le_bytes())),
            LoadKind::V128Splat8 => wv128!(dst, simd::i8x16_splat(raw as u64)),
            LoadKind::V128Splat16 => wv128!(dst, simd::i16x8_splat(raw as u64)),
            LoadKind::V128Splat32 => wv128!(dst, simd::i32x4_splat(raw as u64)),
            LoadKind::V128Splat64 => wv128!(dst, simd::i64x2_splat(raw as u64)),
        }
    }
    LoadLaneMem { args, kind, lane } => {
        let k = LaneKind::of(kind);
        let (base, ea) = general_ea!(args, k.bytes());
        // SAFETY: as in `LoadMem`.
        let raw = unsafe { read_bytes(base, ea, k.bytes()) } as u64;
        let v = v128!(args + 1);
        let r = match k {
            LaneKind::Lane8 => simd::i8x16_replace_lane(v, lane, raw),
            LaneKind::Lane16 => simd::i16x8_replace_lane(v, lane, raw),
            LaneKind::Lane32 => simd::i32x4_replace_lane(v, lane, raw),
            LaneKind::Lane64 => simd::i64x2_replace_lane(v, lane, raw),
        };
        wv128!(args, r)
    }
    StoreMem { addr, src, kind, lane } => {
        let k = StoreKind::of(kind);
        let (base, ea) = general_ea!(addr, k.bytes());
        // The value, whose low `k.bytes()` bytes are stored.
        let v: u128 = match k {
            StoreKind::Bytes1 | StoreKind::Bytes2 | StoreKind::Bytes4 | StoreKind::Bytes8 => get!(src) as u128,
            StoreKind::V128 => v128!(src).into(),
            StoreKind::Lane8 => simd::i8x16_extract_lane_u(v128!(src), lane) as u8 as u128,
            StoreKind::Lane16 => simd::i16x8_extract_lane_u(v128!(src), lane) as u16 as u128,
            StoreKind::Lane32 => simd::i32x4_extract_lane(v128!(src), lane) as u32 as u128,
            StoreKind::Lane64 => simd::i64x2_extract_lane(v128!(src), lane) as u64 as u128,
        };
        // SAFETY: as in `LoadMem`.
        unsafe { write_bytes(base, ea, k.bytes(), v) }
    }
    I64SatU32 { dst, src } => { w32!(dst, get!(src).min(u32::MAX as u64)) }
    DataDrop { seg } => {
        // SAFETY: the run's store (see `State`).
        bulk::data_drop(unsafe { &mut *st.store }, st.ctx.instance, seg)
    }
    TableCopy { dst, src, args } => {
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        tri!(bulk::table_copy(store, st.ctx.instance, dst, src, u32_!(args), u32_!(args + 1), u32_!(args + 2)))
    }
    TableInit { seg, table, args } => {
        // SAFETY: as in `MemoryInit`.
        let module = unsafe { &(*st.ctx.module).module };
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        tri!(bulk::table_init(store, st.ctx.instance, module, table, seg, u32_!(args), u32_!(args + 1), u32_!(args + 2)))
    }
    ElemDrop { seg } => {
        // SAFETY: the run's store (see `State`).
        bulk::elem_drop(unsafe { &mut *st.store }, st.ctx.instance, seg)
    }
    TableGet { dst, table, index } => {
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &*st.store };
        set!(dst, tri!(bulk::table_get(store, st.ctx.instance, table, u32_!(index))))
    }
    TableSet { table, index, src } => {
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        tri!(bulk::table_set(store, st.ctx.instance, table, u32_!(index), get!(src)))
    }
    TableSize { dst, table } => {
        // SAFETY: the run's store (see `State`).
        w32!(dst, bulk::table_size(unsafe { &*st.store }, st.ctx.instance, table))
    }
    TableGrow { table, args } => {
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        w32!(args, bulk::table_grow(store, st.ctx.instance, table, get!(args), u32_!(args + 1)))
    }
    TableFill { table, args } => {
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        tri!(bulk::table_fill(store, st.ctx.instance, table, u32_!(args), get!(args + 1), u32_!(args + 2)))
    }
    RefFunc { dst, func } => {
        // SAFETY: `func` is a function index of the instance (see `State`).
        let addr = unsafe { *st.ctx.funcs.add(func as usize) };
        set!(dst, addr as u64 + 1)
    }
    // Atomic accesses: one thread at a time uses a memory (calls into a link group take
    // turns; `vm::atomics`), so plain accesses are atomic.
    AtomicLoad { args, offset, width } => {
                    let ea = atomic_ea!(args, offset, width);
                    w64!(args, atomic_read!(ea, width))
                }
    AtomicStore { args, offset, width } => {
                    let ea = atomic_ea!(args, offset, width);
                    atomic_write!(ea, width, get!(args + 1))
                }
    AtomicRmw { args, offset, code } => {
                    let (op, width) = (crate::wasm::atomics::RmwOp::ALL[(code >> 2) as usize], code & 3);
                    let ea = atomic_ea!(args, offset, width);
                    let old = atomic_read!(ea, width);
                    atomic_write!(ea, width, op.apply(old, get!(args + 1)));
                    w64!(args, old)
                }
    AtomicCmpxchg { args, offset, width } => {
                    let ea = atomic_ea!(args, offset, width);
                    let old = atomic_read!(ea, width);
                    // The expected value is wrapped to the width, as the read value is.
                    let mask = u64::MAX >> (64 - (8u32 << width));
                    if old == get!(args + 1) & mask {
                        atomic_write!(ea, width, get!(args + 2));
                    }
                    w64!(args, old)
                }
    AtomicNotify { args, offset } => {
                    let m = st.ctx.memory.expect("validated: the module has a memory");
                    // SAFETY: the run's store (see `State`).
                    let store = unsafe { &*st.store };
                    w32!(args, tri!(crate::vm::atomics::notify(store, m, u32_!(args) as u64, offset as u64)))
                }
    AtomicWait { args, offset, width } => {
                    let m = st.ctx.memory.expect("validated: the module has a memory");
                    // SAFETY: the run's store (see `State`).
                    let store = unsafe { &*st.store };
                    let r = crate::vm::atomics::wait(store, m, u32_!(args) as u64, offset as u64, get!(args + 1), 1 << width, get!(args + 2) as i64);
                    w32!(args, tri!(r))
                }
    AtomicMem { args, code } => {
        use crate::wasm::atomics::AtomicOp;
        let (m, addr, offset) = general_address!(args);
        let op = AtomicOp::of_code(code >> 2);
        // Only the operands the instruction has are read.
        let v = if op == AtomicOp::Load { 0 } else { get!(args + 1) };
        let replacement = if op == AtomicOp::Cmpxchg { get!(args + 2) } else { 0 };
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        let r = tri!(crate::vm::atomics::access(store, m, addr, offset, op, (code & 3) as u8, v, replacement));
        if op != AtomicOp::Store {
            w64!(args, r)
        }
    }
    AtomicNotifyMem { args } => {
        let (m, addr, offset) = general_address!(args);
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &*st.store };
        w32!(args, tri!(crate::vm::atomics::notify(store, m, addr, offset)))
    }
    AtomicWaitMem { args, width } => {
        let (m, addr, offset) = general_address!(args);
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &*st.store };
        let r = crate::vm::atomics::wait(store, m, addr, offset, get!(args + 1), 1 << width, get!(args + 2) as i64);
        w32!(args, tri!(r))
    }
    MemoryGrow { dst, delta } => {
        let m = st.ctx.memory.expect("validated: the module has a memory");
        // SAFETY: the run's store (see `State`).
        let store = unsafe { &mut *st.store };
        let r = store.memories_mut()[m as usize].grow(u32_!(delta) as u64).map_or(-1i32, |old| old as i32);
        st.ctx.reload_memory(store);
        mem = st.ctx.mem;
        mem_bound = st.ctx.mem_bound;
        w32!(dst, r)
    }
    BrIfNez { cond, target } => {
                    if u32_!(cond) != 0 {
                        jump!(target)
                    }
                }
    BrIfEqz { cond, target } => {
                    if u32_!(cond) == 0 {
                        jump!(target)
                    }
                }
    BrIfI32Eq { a, b, target } => { if u32_!(a) == u32_!(b) { jump!(target) } }
    BrIfI32Ne { a, b, target } => { if u32_!(a) != u32_!(b) { jump!(target) } }
    BrIfI32LtS { a, b, target } => { if i32_!(a) < i32_!(b) { jump!(target) } }
    BrIfI32LtU { a, b, target } => { if u32_!(a) < u32_!(b) { jump!(target) } }
    BrIfI32GtS { a, b, target } => { if i32_!(a) > i32_!(b) { jump!(target) } }
    BrIfI32GtU { a, b, target } => { if u32_!(a) > u32_!(b) { jump!(target) } }
    BrIfI32LeS { a, b, target } => { if i32_!(a) <= i32_!(b) { jump!(target) } }
    BrIfI32LeU { a, b, target } => { if u32_!(a) <= u32_!(b) { jump!(target) } }
    BrIfI32GeS { a, b, target } => { if i32_!(a) >= i32_!(b) { jump!(target) } }
    BrIfI32GeU { a, b, target } => { if u32_!(a) >= u32_!(b) { jump!(target) } }
    BrIfI32EqImm { a, imm, target } => { if i32_!(a) == imm { jump!(target) } }
    BrIfI32AddImmNez { slot, imm, target } => {
        let v = u32_!(slot).wrapping_add(imm as u32);
        w32!(slot, v);
        if v != 0 { jump!(target) }
    }
    BrIfI32AddImmEqz { slot, imm, target } => {
        let v = u32_!(slot).wrapping_add(imm as u32);
        w32!(slot, v);
        if v == 0 { jump!(target) }
    }
    BrIfNezAfterCopy { dst, src, cond, target } => {
        set!(dst, get!(src));
        if u32_!(cond) != 0 { jump!(target) }
    }
    BrIfEqzAfterCopy { dst, src, cond, target } => {
        set!(dst, get!(src));
        if u32_!(cond) == 0 { jump!(target) }
    }
    BrIfI32LoadNez { addr, offset, target } => {
        let ea = ea!(addr, offset, 4);
        if mread!(u32, ea) != 0 { jump!(target) }
    }
    BrIfI32LoadEqz { addr, offset, target } => {
        let ea = ea!(addr, offset, 4);
        if mread!(u32, ea) == 0 { jump!(target) }
    }
    BrIfI32AndImmNez { a, imm, target } => { if u32_!(a) & imm as u32 != 0 { jump!(target) } }
    BrIfI32AndImmEqz { a, imm, target } => { if u32_!(a) & imm as u32 == 0 { jump!(target) } }
    BrIfI32AndNez { a, b, target } => { if u32_!(a) & u32_!(b) != 0 { jump!(target) } }
    BrIfI32AndEqz { a, b, target } => { if u32_!(a) & u32_!(b) == 0 { jump!(target) } }
    BrIfI32NeImm { a, imm, target } => { if i32_!(a) != imm { jump!(target) } }
    BrIfI32LtSImm { a, imm, target } => { if i32_!(a) < imm { jump!(target) } }
    BrIfI32LtUImm { a, imm, target } => { if u32_!(a) < imm as u32 { jump!(target) } }
    BrIfI32GtSImm { a, imm, target } => { if i32_!(a) > imm { jump!(target) } }
    BrIfI32GtUImm { a, imm, target } => { if u32_!(a) > imm as u32 { jump!(target) } }
    BrIfI32LeSImm { a, imm, target } => { if i32_!(a) <= imm { jump!(target) } }
    BrIfI32LeUImm { a, imm, target } => { if u32_!(a) <= imm as u32 { jump!(target) } }
    BrIfI32GeSImm { a, imm, target } => { if i32_!(a) >= imm { jump!(target) } }
    BrIfI32GeUImm { a, imm, target } => { if u32_!(a) >= imm as u32 { jump!(target) } }
    Copy { dst, src } => { set!(dst, get!(src)) }
    Const32 { dst, value } => { set!(dst, value as u64) }
    Const64 { dst, lo, hi } => { set!(dst, (hi as u64) << 32 | lo as u64) }
    Select16 { dst, a, b, cond } => { set!(dst, if u32_!(cond) != 0 { get!(a) } else { get!(b) }) }
    Select { dst, b, cond } => {
                    if u32_!(cond) == 0 {
                        set!(dst, get!(b))
                    }
                }
    I32Load { dst, addr, offset } => { load!(dst, addr, offset, u32, w32, u32) }
    I64Load { dst, addr, offset } => { load!(dst, addr, offset, u64, w64, u64) }
    F32Load { dst, addr, offset } => { load!(dst, addr, offset, u32, w32, u32) }
    F64Load { dst, addr, offset } => { load!(dst, addr, offset, u64, w64, u64) }
    I32Load8S { dst, addr, offset } => { load!(dst, addr, offset, i8, w32, i32) }
    I32Load8U { dst, addr, offset } => { load!(dst, addr, offset, u8, w32, u32) }
    I32Load16S { dst, addr, offset } => { load!(dst, addr, offset, i16, w32, i32) }
    I32Load16U { dst, addr, offset } => { load!(dst, addr, offset, u16, w32, u32) }
    I64Load8S { dst, addr, offset } => { load!(dst, addr, offset, i8, w64, i64) }
    I64Load8U { dst, addr, offset } => { load!(dst, addr, offset, u8, w64, u64) }
    I64Load16S { dst, addr, offset } => { load!(dst, addr, offset, i16, w64, i64) }
    I64Load16U { dst, addr, offset } => { load!(dst, addr, offset, u16, w64, u64) }
    I64Load32S { dst, addr, offset } => { load!(dst, addr, offset, i32, w64, i64) }
    I64Load32U { dst, addr, offset } => { load!(dst, addr, offset, u32, w64, u64) }
    I32LoadAddImm16 { dst, a, imm, offset } => { load_of!(dst, u32_!(a).wrapping_add(imm as u32), offset, u32, w32, u32) }
    I64LoadAddImm16 { dst, a, imm, offset } => { load_of!(dst, u32_!(a).wrapping_add(imm as u32), offset, u64, w64, u64) }
    I32Load8UAddImm16 { dst, a, imm, offset } => { load_of!(dst, u32_!(a).wrapping_add(imm as u32), offset, u8, w32, u32) }
    I32LoadAdd16 { dst, a, b, offset } => { load_of!(dst, u32_!(a).wrapping_add(u32_!(b)), offset, u32, w32, u32) }
    I64LoadAdd16 { dst, a, b, offset } => { load_of!(dst, u32_!(a).wrapping_add(u32_!(b)), offset, u64, w64, u64) }
    I32Load8UAdd16 { dst, a, b, offset } => { load_of!(dst, u32_!(a).wrapping_add(u32_!(b)), offset, u8, w32, u32) }
    I32LoadAddShl16 { dst, a, b, shift, offset } => { load_of!(dst, u32_!(a).wrapping_add(u32_!(b) << shift), offset, u32, w32, u32) }
    I64LoadAddShl16 { dst, a, b, shift, offset } => { load_of!(dst, u32_!(a).wrapping_add(u32_!(b) << shift), offset, u64, w64, u64) }
    I32StoreAddImm16 { a, imm, src, offset } => { store_of!(u32_!(a).wrapping_add(imm as u32), src, offset, u32) }
    I64StoreAddImm16 { a, imm, src, offset } => { store_of!(u32_!(a).wrapping_add(imm as u32), src, offset, u64) }
    I32Store8AddImm16 { a, imm, src, offset } => { store_of!(u32_!(a).wrapping_add(imm as u32), src, offset, u8) }
    I32LoadStore16 { addr, src, offset, src_offset } => {
        let from = ea!(src, src_offset, 4);
        let to = ea!(addr, offset, 4);
        mwrite!(u32, to, mread!(u32, from))
    }
    I64LoadStore16 { addr, src, offset, src_offset } => {
        let from = ea!(src, src_offset, 8);
        let to = ea!(addr, offset, 8);
        mwrite!(u64, to, mread!(u64, from))
    }
    I32Store { addr, src, offset } => { store!(addr, src, offset, u32) }
    I64Store { addr, src, offset } => { store!(addr, src, offset, u64) }
    I32Store8 { addr, src, offset } => { store!(addr, src, offset, u8) }
    I32Store16 { addr, src, offset } => { store!(addr, src, offset, u16) }
    I64Store8 { addr, src, offset } => { store!(addr, src, offset, u8) }
    I64Store16 { addr, src, offset } => { store!(addr, src, offset, u16) }
    I64Store32 { addr, src, offset } => { store!(addr, src, offset, u32) }
    I32Eqz { dst, src } => { w32!(dst, (u32_!(src) == 0) as u32) }
    I32Eq { dst, a, b } => { w32!(dst, (u32_!(a) == u32_!(b)) as u32) }
    I32Ne { dst, a, b } => { w32!(dst, (u32_!(a) != u32_!(b)) as u32) }
    I32LtS { dst, a, b } => { w32!(dst, (i32_!(a) < i32_!(b)) as u32) }
    I32LtU { dst, a, b } => { w32!(dst, (u32_!(a) < u32_!(b)) as u32) }
    I32GtS { dst, a, b } => { w32!(dst, (i32_!(a) > i32_!(b)) as u32) }
    I32GtU { dst, a, b } => { w32!(dst, (u32_!(a) > u32_!(b)) as u32) }
    I32LeS { dst, a, b } => { w32!(dst, (i32_!(a) <= i32_!(b)) as u32) }
    I32LeU { dst, a, b } => { w32!(dst, (u32_!(a) <= u32_!(b)) as u32) }
    I32GeS { dst, a, b } => { w32!(dst, (i32_!(a) >= i32_!(b)) as u32) }
    I32GeU { dst, a, b } => { w32!(dst, (u32_!(a) >= u32_!(b)) as u32) }
    I32EqImm { dst, a, imm } => { w32!(dst, (i32_!(a) == imm) as u32) }
    I32NeImm { dst, a, imm } => { w32!(dst, (i32_!(a) != imm) as u32) }
    I32LtSImm { dst, a, imm } => { w32!(dst, (i32_!(a) < imm) as u32) }
    I32LtUImm { dst, a, imm } => { w32!(dst, (u32_!(a) < imm as u32) as u32) }
    I32GtSImm { dst, a, imm } => { w32!(dst, (i32_!(a) > imm) as u32) }
    I32GtUImm { dst, a, imm } => { w32!(dst, (u32_!(a) > imm as u32) as u32) }
    I32LeSImm { dst, a, imm } => { w32!(dst, (i32_!(a) <= imm) as u32) }
    I32LeUImm { dst, a, imm } => { w32!(dst, (u32_!(a) <= imm as u32) as u32) }
    I32GeSImm { dst, a, imm } => { w32!(dst, (i32_!(a) >= imm) as u32) }
    I32GeUImm { dst, a, imm } => { w32!(dst, (u32_!(a) >= imm as u32) as u32) }
    I32Clz { dst, src } => { w32!(dst, u32_!(src).leading_zeros()) }
    I32Ctz { dst, src } => { w32!(dst, u32_!(src).trailing_zeros()) }
    I32Popcnt { dst, src } => { w32!(dst, u32_!(src).count_ones()) }
    I32Add { dst, a, b } => { w32!(dst, crate::interp::num::i32_add(u32_!(a), u32_!(b))) }
    I32Sub { dst, a, b } => { w32!(dst, u32_!(a).wrapping_sub(u32_!(b))) }
    I32Mul { dst, a, b } => { w32!(dst, u32_!(a).wrapping_mul(u32_!(b))) }
    I32DivS { dst, a, b } => {
                    let (x, y) = (i32_!(a), i32_!(b));
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    if x == i32::MIN && y == -1 {
                        trap!(Trap::IntegerOverflow);
                    }
                    w32!(dst, x / y)
                }
    I32DivU { dst, a, b } => {
                    let y = u32_!(b);
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    w32!(dst, u32_!(a) / y)
                }
    I32RemS { dst, a, b } => {
                    let y = i32_!(b);
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    w32!(dst, i32_!(a).wrapping_rem(y))
                }
    I32RemU { dst, a, b } => {
                    let y = u32_!(b);
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    w32!(dst, u32_!(a) % y)
                }
    I32And { dst, a, b } => { w32!(dst, u32_!(a) & u32_!(b)) }
    I32Or { dst, a, b } => { w32!(dst, u32_!(a) | u32_!(b)) }
    I32Xor { dst, a, b } => { w32!(dst, u32_!(a) ^ u32_!(b)) }
    I32Shl { dst, a, b } => { w32!(dst, u32_!(a).wrapping_shl(u32_!(b))) }
    I32ShrS { dst, a, b } => { w32!(dst, i32_!(a).wrapping_shr(u32_!(b))) }
    I32ShrU { dst, a, b } => { w32!(dst, u32_!(a).wrapping_shr(u32_!(b))) }
    I32Rotl { dst, a, b } => { w32!(dst, u32_!(a).rotate_left(u32_!(b) % 32)) }
    I32Rotr { dst, a, b } => { w32!(dst, u32_!(a).rotate_right(u32_!(b) % 32)) }
    I32AddImm { dst, a, imm } => { w32!(dst, u32_!(a).wrapping_add(imm as u32)) }
    I32MulImm { dst, a, imm } => { w32!(dst, u32_!(a).wrapping_mul(imm as u32)) }
    I32AndImm { dst, a, imm } => { w32!(dst, u32_!(a) & imm as u32) }
    I32ShrUAndImm { dst, a, mask, shift } => { w32!(dst, (u32_!(a) >> shift) & mask) }
    I32AddShlImm { dst, a, b, shift } => { w32!(dst, u32_!(a).wrapping_add(u32_!(b) << shift)) }
    I32XorShlImm { dst, a, b, shift } => { w32!(dst, u32_!(a) ^ (u32_!(b) << shift)) }
    I32XorShrUImm { dst, a, b, shift } => { w32!(dst, u32_!(a) ^ (u32_!(b) >> shift)) }
    I32XorRotl16 { dst, a, b, c } => { w32!(dst, (u32_!(a) ^ u32_!(b)).rotate_left(u32_!(c) % 32)) }
    I64MulAdd16 { dst, a, b, c } => { w64!(dst, get!(a).wrapping_mul(get!(b)).wrapping_add(get!(c))) }
    I32MulAdd16 { dst, a, b, c } => { w32!(dst, u32_!(a).wrapping_mul(u32_!(b)).wrapping_add(u32_!(c))) }
    I32OrImm { dst, a, imm } => { w32!(dst, u32_!(a) | imm as u32) }
    I32XorImm { dst, a, imm } => { w32!(dst, u32_!(a) ^ imm as u32) }
    I32ShlImm { dst, a, imm } => { w32!(dst, u32_!(a).wrapping_shl(imm as u32)) }
    I32ShrSImm { dst, a, imm } => { w32!(dst, i32_!(a).wrapping_shr(imm as u32)) }
    I32ShrUImm { dst, a, imm } => { w32!(dst, u32_!(a).wrapping_shr(imm as u32)) }
    I64Eqz { dst, src } => { w32!(dst, (get!(src) == 0) as u32) }
    I64Eq { dst, a, b } => { w32!(dst, (get!(a) == get!(b)) as u32) }
    I64Ne { dst, a, b } => { w32!(dst, (get!(a) != get!(b)) as u32) }
    I64LtS { dst, a, b } => { w32!(dst, ((get!(a) as i64) < get!(b) as i64) as u32) }
    I64LtU { dst, a, b } => { w32!(dst, (get!(a) < get!(b)) as u32) }
    I64GtS { dst, a, b } => { w32!(dst, (get!(a) as i64 > get!(b) as i64) as u32) }
    I64GtU { dst, a, b } => { w32!(dst, (get!(a) > get!(b)) as u32) }
    I64LeS { dst, a, b } => { w32!(dst, (get!(a) as i64 <= get!(b) as i64) as u32) }
    I64LeU { dst, a, b } => { w32!(dst, (get!(a) <= get!(b)) as u32) }
    I64GeS { dst, a, b } => { w32!(dst, (get!(a) as i64 >= get!(b) as i64) as u32) }
    I64GeU { dst, a, b } => { w32!(dst, (get!(a) >= get!(b)) as u32) }
    I64Clz { dst, src } => { w64!(dst, get!(src).leading_zeros()) }
    I64Ctz { dst, src } => { w64!(dst, get!(src).trailing_zeros()) }
    I64Popcnt { dst, src } => { w64!(dst, get!(src).count_ones()) }
    I64Add { dst, a, b } => { w64!(dst, get!(a).wrapping_add(get!(b))) }
    I64Sub { dst, a, b } => { w64!(dst, get!(a).wrapping_sub(get!(b))) }
    I64Mul { dst, a, b } => { w64!(dst, get!(a).wrapping_mul(get!(b))) }
    I64Add128 { args } => { w128!(args, get128!(args).wrapping_add(get128!(args + 2))) }
    I64Sub128 { args } => { w128!(args, get128!(args).wrapping_sub(get128!(args + 2))) }
    I64MulWideS { args } => { w128!(args, (get!(args) as i64 as i128).wrapping_mul(get!(args + 1) as i64 as i128) as u128) }
    I64MulWideU { args } => { w128!(args, (get!(args) as u128).wrapping_mul(get!(args + 1) as u128)) }
    I64DivS { dst, a, b } => {
                    let (x, y) = (get!(a) as i64, get!(b) as i64);
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    if x == i64::MIN && y == -1 {
                        trap!(Trap::IntegerOverflow);
                    }
                    w64!(dst, x / y)
                }
    I64DivU { dst, a, b } => {
                    let y = get!(b);
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    w64!(dst, get!(a) / y)
                }
    I64RemS { dst, a, b } => {
                    let y = get!(b) as i64;
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    w64!(dst, (get!(a) as i64).wrapping_rem(y))
                }
    I64RemU { dst, a, b } => {
                    let y = get!(b);
                    if y == 0 {
                        trap!(Trap::IntegerDivideByZero);
                    }
                    w64!(dst, get!(a) % y)
                }
    I64And { dst, a, b } => { w64!(dst, get!(a) & get!(b)) }
    I64Or { dst, a, b } => { w64!(dst, get!(a) | get!(b)) }
    I64Xor { dst, a, b } => { w64!(dst, get!(a) ^ get!(b)) }
    I64Shl { dst, a, b } => { w64!(dst, get!(a).wrapping_shl(get!(b) as u32)) }
    I64ShrS { dst, a, b } => { w64!(dst, (get!(a) as i64).wrapping_shr(get!(b) as u32)) }
    I64ShrU { dst, a, b } => { w64!(dst, get!(a).wrapping_shr(get!(b) as u32)) }
    I64Rotl { dst, a, b } => { w64!(dst, get!(a).rotate_left((get!(b) % 64) as u32)) }
    I64Rotr { dst, a, b } => { w64!(dst, get!(a).rotate_right((get!(b) % 64) as u32)) }
    I64AddImm { dst, a, imm } => { w64!(dst, get!(a).wrapping_add(imm as i64 as u64)) }
    I64AndImm { dst, a, imm } => { w64!(dst, get!(a) & imm as i64 as u64) }
    I64ShlImm { dst, a, imm } => { w64!(dst, get!(a) << imm as u32) }
    I64ShrSImm { dst, a, imm } => { w64!(dst, (get!(a) as i64) >> imm as u32) }
    I64ShrUImm { dst, a, imm } => { w64!(dst, get!(a) >> imm as u32) }
    F32Eq { dst, a, b } => { w32!(dst, (f32_!(a) == f32_!(b)) as u32) }
    F32Ne { dst, a, b } => { w32!(dst, (f32_!(a) != f32_!(b)) as u32) }
    F32Lt { dst, a, b } => { w32!(dst, (f32_!(a) < f32_!(b)) as u32) }
    F32Gt { dst, a, b } => { w32!(dst, (f32_!(a) > f32_!(b)) as u32) }
    F32Le { dst, a, b } => { w32!(dst, (f32_!(a) <= f32_!(b)) as u32) }
    F32Ge { dst, a, b } => { w32!(dst, (f32_!(a) >= f32_!(b)) as u32) }
    F64Eq { dst, a, b } => { w32!(dst, (f64_!(a) == f64_!(b)) as u32) }
    F64Ne { dst, a, b } => { w32!(dst, (f64_!(a) != f64_!(b)) as u32) }
    F64Lt { dst, a, b } => { w32!(dst, (f64_!(a) < f64_!(b)) as u32) }
    F64Gt { dst, a, b } => { w32!(dst, (f64_!(a) > f64_!(b)) as u32) }
    F64Le { dst, a, b } => { w32!(dst, (f64_!(a) <= f64_!(b)) as u32) }
    F64Ge { dst, a, b } => { w32!(dst, (f64_!(a) >= f64_!(b)) as u32) }
                // Sign operations are bit operations so that NaN payloads are kept.
    F32Abs { dst, src } => { w32!(dst, u32_!(src) & 0x7fff_ffff) }
    F32Neg { dst, src } => { w32!(dst, u32_!(src) ^ 0x8000_0000) }
    F32Ceil { dst, src } => { wf32!(dst, f32_quiet(f32_!(src).ceil())) }
    F32Floor { dst, src } => { wf32!(dst, f32_quiet(f32_!(src).floor())) }
    F32Trunc { dst, src } => { wf32!(dst, f32_quiet(f32_!(src).trunc())) }
    F32Nearest { dst, src } => { wf32!(dst, f32_quiet(f32_nearest(f32_!(src)))) }
    F32Sqrt { dst, src } => { wf32!(dst, f32_!(src).sqrt()) }
    F32Add { dst, a, b } => { wf32!(dst, f32_!(a) + f32_!(b)) }
    F32Sub { dst, a, b } => { wf32!(dst, f32_!(a) - f32_!(b)) }
    F32Mul { dst, a, b } => { wf32!(dst, f32_!(a) * f32_!(b)) }
    F32Div { dst, a, b } => { wf32!(dst, f32_!(a) / f32_!(b)) }
    F32Min { dst, a, b } => { wf32!(dst, f32_min(f32_!(a), f32_!(b))) }
    F32Max { dst, a, b } => { wf32!(dst, f32_max(f32_!(a), f32_!(b))) }
    F32Copysign { dst, a, b } => {
                    w32!(dst, (u32_!(a) & 0x7fff_ffff) | (u32_!(b) & 0x8000_0000))
                }
    F64Abs { dst, src } => { w64!(dst, get!(src) & 0x7fff_ffff_ffff_ffff) }
    F64Neg { dst, src } => { w64!(dst, get!(src) ^ 0x8000_0000_0000_0000) }
    F64Ceil { dst, src } => { wf64!(dst, f64_quiet(f64_!(src).ceil())) }
    F64Floor { dst, src } => { wf64!(dst, f64_quiet(f64_!(src).floor())) }
    F64Trunc { dst, src } => { wf64!(dst, f64_quiet(f64_!(src).trunc())) }
    F64Nearest { dst, src } => { wf64!(dst, f64_quiet(f64_nearest(f64_!(src)))) }
    F64Sqrt { dst, src } => { wf64!(dst, f64_!(src).sqrt()) }
    F64Add { dst, a, b } => { wf64!(dst, f64_!(a) + f64_!(b)) }
    F64Sub { dst, a, b } => { wf64!(dst, f64_!(a) - f64_!(b)) }
    F64Mul { dst, a, b } => { wf64!(dst, f64_!(a) * f64_!(b)) }
    F64Div { dst, a, b } => { wf64!(dst, f64_!(a) / f64_!(b)) }
    F64Min { dst, a, b } => { wf64!(dst, f64_min(f64_!(a), f64_!(b))) }
    F64Max { dst, a, b } => { wf64!(dst, f64_max(f64_!(a), f64_!(b))) }
    F64Copysign { dst, a, b } => { w64!(
                    dst,
                    (get!(a) & 0x7fff_ffff_ffff_ffff) | (get!(b) & 0x8000_0000_0000_0000)
                ) }
    I32WrapI64 { dst, src } => { w32!(dst, get!(src)) }
    I32TruncF32S { dst, src } => { w32!(dst, tri!(i32_trunc_f32_s(f32_!(src)))) }
    I32TruncF32U { dst, src } => { w32!(dst, tri!(i32_trunc_f32_u(f32_!(src)))) }
    I32TruncF64S { dst, src } => { w32!(dst, tri!(i32_trunc_f64_s(f64_!(src)))) }
    I32TruncF64U { dst, src } => { w32!(dst, tri!(i32_trunc_f64_u(f64_!(src)))) }
    I64ExtendI32S { dst, src } => { w64!(dst, i32_!(src) as i64) }
    I64ExtendI32U { dst, src } => { w64!(dst, u32_!(src)) }
    I64TruncF32S { dst, src } => { w64!(dst, tri!(i64_trunc_f32_s(f32_!(src)))) }
    I64TruncF32U { dst, src } => { w64!(dst, tri!(i64_trunc_f32_u(f32_!(src)))) }
    I64TruncF64S { dst, src } => { w64!(dst, tri!(i64_trunc_f64_s(f64_!(src)))) }
    I64TruncF64U { dst, src } => { w64!(dst, tri!(i64_trunc_f64_u(f64_!(src)))) }
    F32ConvertI32S { dst, src } => { wf32!(dst, i32_!(src) as f32) }
    F32ConvertI32U { dst, src } => { wf32!(dst, u32_!(src) as f32) }
    F32ConvertI64S { dst, src } => { wf32!(dst, get!(src) as i64 as f32) }
    F32ConvertI64U { dst, src } => { wf32!(dst, get!(src) as f32) }
    F32DemoteF64 { dst, src } => { wf32!(dst, f64_!(src) as f32) }
    F64ConvertI32S { dst, src } => { wf64!(dst, i32_!(src) as f64) }
    F64ConvertI32U { dst, src } => { wf64!(dst, u32_!(src) as f64) }
    F64ConvertI64S { dst, src } => { wf64!(dst, get!(src) as i64 as f64) }
    F64ConvertI64U { dst, src } => { wf64!(dst, get!(src) as f64) }
    F64PromoteF32 { dst, src } => { wf64!(dst, f32_!(src) as f64) }
    I32Extend8S { dst, src } => { w32!(dst, get!(src) as i8 as i32) }
    I32Extend16S { dst, src } => { w32!(dst, get!(src) as i16 as i32) }
    I64Extend8S { dst, src } => { w64!(dst, get!(src) as i8 as i64) }
    I64Extend16S { dst, src } => { w64!(dst, get!(src) as i16 as i64) }
    I64Extend32S { dst, src } => { w64!(dst, get!(src) as i32 as i64) }
                // Rust's float-to-int `as` saturates and maps NaN to 0, exactly trunc_sat.
    I32TruncSatF32S { dst, src } => { w32!(dst, f32_!(src) as i32) }
    I32TruncSatF32U { dst, src } => { w32!(dst, f32_!(src) as u32) }
    I32TruncSatF64S { dst, src } => { w32!(dst, f64_!(src) as i32) }
    I32TruncSatF64U { dst, src } => { w32!(dst, f64_!(src) as u32) }
    I64TruncSatF32S { dst, src } => { w64!(dst, f32_!(src) as i64) }
    I64TruncSatF32U { dst, src } => { w64!(dst, f32_!(src) as u64) }
    I64TruncSatF64S { dst, src } => { w64!(dst, f64_!(src) as i64) }
    I64TruncSatF64U { dst, src } => { w64!(dst, f64_!(src) as u64) }
    Ext { w0, w1, w2 } => { unreachable!("an extension word is stepped over by its instruction") }
}

// 128-bit SIMD, lane semantics in `simd`. A module of their own keeps them apart from the others
// in the binary (functions are laid out by symbol name), so that the scalar handlers stay as
// close together as without SIMD.
mod simd_handlers {
    V128Const { dst, index } => {
        // SAFETY: the translator made `index` into this module's constants (`v128_const`).
        wv128!(dst, unsafe { v128_const(st, index) }.into())
    }
    V128Store { addr, src, offset } => {
        // V128 is little-endian bytes, as linear memory.
        let ea = ea!(addr, offset, 16);
        mwrite!(simd::V128, ea, v128!(src))
    }
    I8x16Shuffle { dst, a, b, mask } => {
        // SAFETY: as in `V128Const`.
        let m = unsafe { v128_const(st, mask) }.into();
        wv128!(dst, simd::i8x16_shuffle(v128!(a), v128!(b), m))
    }
    I8x16ShuffleArgs { args, mask } => {
        // SAFETY: as in `V128Const`.
        let m = unsafe { v128_const(st, mask) }.into();
        wv128!(args, simd::i8x16_shuffle(v128!(args), v128!(args + 2), m))
    }
    V128Bitselect { dst, a, b, c } => { wv128!(dst, simd::v128_bitselect(v128!(a), v128!(b), v128!(c))) }
    V128BitselectArgs { args } => { wv128!(args, simd::v128_bitselect(v128!(args), v128!(args + 2), v128!(args + 4))) }
    F32x4RelaxedMaddArgs { args } => { wv128!(args, simd::f32x4_relaxed_madd(v128!(args), v128!(args + 2), v128!(args + 4))) }
    F32x4RelaxedNmaddArgs { args } => { wv128!(args, simd::f32x4_relaxed_nmadd(v128!(args), v128!(args + 2), v128!(args + 4))) }
    F64x2RelaxedMaddArgs { args } => { wv128!(args, simd::f64x2_relaxed_madd(v128!(args), v128!(args + 2), v128!(args + 4))) }
    F64x2RelaxedNmaddArgs { args } => { wv128!(args, simd::f64x2_relaxed_nmadd(v128!(args), v128!(args + 2), v128!(args + 4))) }
    F32x4RelaxedMin { dst, a, b } => { wv128!(dst, simd::f32x4_relaxed_min(v128!(a), v128!(b))) }
    F32x4RelaxedMax { dst, a, b } => { wv128!(dst, simd::f32x4_relaxed_max(v128!(a), v128!(b))) }
    F64x2RelaxedMin { dst, a, b } => { wv128!(dst, simd::f64x2_relaxed_min(v128!(a), v128!(b))) }
    F64x2RelaxedMax { dst, a, b } => { wv128!(dst, simd::f64x2_relaxed_max(v128!(a), v128!(b))) }
    I16x8RelaxedDotI8x16I7x16S { dst, a, b } => { wv128!(dst, simd::i16x8_relaxed_dot_i8x16_i7x16_s(v128!(a), v128!(b))) }
    I32x4RelaxedDotI8x16I7x16AddSArgs { args } => {
                    wv128!(args, simd::i32x4_relaxed_dot_i8x16_i7x16_add_s(v128!(args), v128!(args + 2), v128!(args + 4)))
                }
    V128Load { dst, addr, offset } => { wv128!(dst, mread!(simd::V128, ea!(addr, offset, 16))) }
    V128Load8x8S { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 8, simd::load8x8_s) }
    V128Load8x8U { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 8, simd::load8x8_u) }
    V128Load16x4S { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 8, simd::load16x4_s) }
    V128Load16x4U { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 8, simd::load16x4_u) }
    V128Load32x2S { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 8, simd::load32x2_s) }
    V128Load32x2U { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 8, simd::load32x2_u) }
    V128Load8Splat { dst, addr, offset } => { vload!(dst, addr, offset, u8, |x: u8| simd::i8x16_splat(x as u64)) }
    V128Load16Splat { dst, addr, offset } => { vload!(dst, addr, offset, u16, |x: u16| simd::i16x8_splat(x as u64)) }
    V128Load32Splat { dst, addr, offset } => { vload!(dst, addr, offset, u32, |x: u32| simd::i32x4_splat(x as u64)) }
    V128Load64Splat { dst, addr, offset } => { vload!(dst, addr, offset, u64, simd::i64x2_splat) }
    V128Load32Zero { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 4, simd::load_zero) }
    V128Load64Zero { dst, addr, offset } => { vload_bytes!(dst, addr, offset, 8, simd::load_zero) }
    V128Load8Lane { args, offset, lane } => { vload_lane!(args, offset, lane, u8, simd::i8x16_replace_lane) }
    V128Load16Lane { args, offset, lane } => { vload_lane!(args, offset, lane, u16, simd::i16x8_replace_lane) }
    V128Load32Lane { args, offset, lane } => { vload_lane!(args, offset, lane, u32, simd::i32x4_replace_lane) }
    V128Load64Lane { args, offset, lane } => { vload_lane!(args, offset, lane, u64, simd::i64x2_replace_lane) }
    V128Store8Lane { addr, src, offset, lane } => { vstore!(addr, offset, u8, simd::i8x16_extract_lane_u(v128!(src), lane) as u8) }
    V128Store16Lane { addr, src, offset, lane } => { vstore!(addr, offset, u16, simd::i16x8_extract_lane_u(v128!(src), lane) as u16) }
    V128Store32Lane { addr, src, offset, lane } => { vstore!(addr, offset, u32, simd::i32x4_extract_lane(v128!(src), lane) as u32) }
    V128Store64Lane { addr, src, offset, lane } => { vstore!(addr, offset, u64, simd::i64x2_extract_lane(v128!(src), lane) as u64) }
    I8x16ExtractLaneS { dst, src, lane } => { w32!(dst, simd::i8x16_extract_lane_s(v128!(src), lane)) }
    I8x16ExtractLaneU { dst, src, lane } => { w32!(dst, simd::i8x16_extract_lane_u(v128!(src), lane)) }
    I16x8ExtractLaneS { dst, src, lane } => { w32!(dst, simd::i16x8_extract_lane_s(v128!(src), lane)) }
    I16x8ExtractLaneU { dst, src, lane } => { w32!(dst, simd::i16x8_extract_lane_u(v128!(src), lane)) }
    I32x4ExtractLane { dst, src, lane } => { w32!(dst, simd::i32x4_extract_lane(v128!(src), lane)) }
    I64x2ExtractLane { dst, src, lane } => { w64!(dst, simd::i64x2_extract_lane(v128!(src), lane)) }
    I8x16ReplaceLane { dst, a, b, lane } => { wv128!(dst, simd::i8x16_replace_lane(v128!(a), lane, get!(b))) }
    I16x8ReplaceLane { dst, a, b, lane } => { wv128!(dst, simd::i16x8_replace_lane(v128!(a), lane, get!(b))) }
    I32x4ReplaceLane { dst, a, b, lane } => { wv128!(dst, simd::i32x4_replace_lane(v128!(a), lane, get!(b))) }
    I64x2ReplaceLane { dst, a, b, lane } => { wv128!(dst, simd::i64x2_replace_lane(v128!(a), lane, get!(b))) }
    I8x16Splat { dst, src } => { wv128!(dst, simd::i8x16_splat(get!(src))) }
    I16x8Splat { dst, src } => { wv128!(dst, simd::i16x8_splat(get!(src))) }
    I32x4Splat { dst, src } => { wv128!(dst, simd::i32x4_splat(get!(src))) }
    I64x2Splat { dst, src } => { wv128!(dst, simd::i64x2_splat(get!(src))) }
    I8x16Swizzle { dst, a, b } => { wv128!(dst, simd::i8x16_swizzle(v128!(a), v128!(b))) }
    I8x16Eq { dst, a, b } => { wv128!(dst, simd::i8x16_eq(v128!(a), v128!(b))) }
    I8x16Ne { dst, a, b } => { wv128!(dst, simd::i8x16_ne(v128!(a), v128!(b))) }
    I8x16LtS { dst, a, b } => { wv128!(dst, simd::i8x16_lt_s(v128!(a), v128!(b))) }
    I8x16LtU { dst, a, b } => { wv128!(dst, simd::i8x16_lt_u(v128!(a), v128!(b))) }
    I8x16GtS { dst, a, b } => { wv128!(dst, simd::i8x16_gt_s(v128!(a), v128!(b))) }
    I8x16GtU { dst, a, b } => { wv128!(dst, simd::i8x16_gt_u(v128!(a), v128!(b))) }
    I8x16LeS { dst, a, b } => { wv128!(dst, simd::i8x16_le_s(v128!(a), v128!(b))) }
    I8x16LeU { dst, a, b } => { wv128!(dst, simd::i8x16_le_u(v128!(a), v128!(b))) }
    I8x16GeS { dst, a, b } => { wv128!(dst, simd::i8x16_ge_s(v128!(a), v128!(b))) }
    I8x16GeU { dst, a, b } => { wv128!(dst, simd::i8x16_ge_u(v128!(a), v128!(b))) }
    I16x8Eq { dst, a, b } => { wv128!(dst, simd::i16x8_eq(v128!(a), v128!(b))) }
    I16x8Ne { dst, a, b } => { wv128!(dst, simd::i16x8_ne(v128!(a), v128!(b))) }
    I16x8LtS { dst, a, b } => { wv128!(dst, simd::i16x8_lt_s(v128!(a), v128!(b))) }
    I16x8LtU { dst, a, b } => { wv128!(dst, simd::i16x8_lt_u(v128!(a), v128!(b))) }
    I16x8GtS { dst, a, b } => { wv128!(dst, simd::i16x8_gt_s(v128!(a), v128!(b))) }
    I16x8GtU { dst, a, b } => { wv128!(dst, simd::i16x8_gt_u(v128!(a), v128!(b))) }
    I16x8LeS { dst, a, b } => { wv128!(dst, simd::i16x8_le_s(v128!(a), v128!(b))) }
    I16x8LeU { dst, a, b } => { wv128!(dst, simd::i16x8_le_u(v128!(a), v128!(b))) }
    I16x8GeS { dst, a, b } => { wv128!(dst, simd::i16x8_ge_s(v128!(a), v128!(b))) }
    I16x8GeU { dst, a, b } => { wv128!(dst, simd::i16x8_ge_u(v128!(a), v128!(b))) }
    I32x4Eq { dst, a, b } => { wv128!(dst, simd::i32x4_eq(v128!(a), v128!(b))) }
    I32x4Ne { dst, a, b } => { wv128!(dst, simd::i32x4_ne(v128!(a), v128!(b))) }
    I32x4LtS { dst, a, b } => { wv128!(dst, simd::i32x4_lt_s(v128!(a), v128!(b))) }
    I32x4LtU { dst, a, b } => { wv128!(dst, simd::i32x4_lt_u(v128!(a), v128!(b))) }
    I32x4GtS { dst, a, b } => { wv128!(dst, simd::i32x4_gt_s(v128!(a), v128!(b))) }
    I32x4GtU { dst, a, b } => { wv128!(dst, simd::i32x4_gt_u(v128!(a), v128!(b))) }
    I32x4LeS { dst, a, b } => { wv128!(dst, simd::i32x4_le_s(v128!(a), v128!(b))) }
    I32x4LeU { dst, a, b } => { wv128!(dst, simd::i32x4_le_u(v128!(a), v128!(b))) }
    I32x4GeS { dst, a, b } => { wv128!(dst, simd::i32x4_ge_s(v128!(a), v128!(b))) }
    I32x4GeU { dst, a, b } => { wv128!(dst, simd::i32x4_ge_u(v128!(a), v128!(b))) }
    I64x2Eq { dst, a, b } => { wv128!(dst, simd::i64x2_eq(v128!(a), v128!(b))) }
    I64x2Ne { dst, a, b } => { wv128!(dst, simd::i64x2_ne(v128!(a), v128!(b))) }
    I64x2LtS { dst, a, b } => { wv128!(dst, simd::i64x2_lt_s(v128!(a), v128!(b))) }
    I64x2GtS { dst, a, b } => { wv128!(dst, simd::i64x2_gt_s(v128!(a), v128!(b))) }
    I64x2LeS { dst, a, b } => { wv128!(dst, simd::i64x2_le_s(v128!(a), v128!(b))) }
    I64x2GeS { dst, a, b } => { wv128!(dst, simd::i64x2_ge_s(v128!(a), v128!(b))) }
    F32x4Eq { dst, a, b } => { wv128!(dst, simd::f32x4_eq(v128!(a), v128!(b))) }
    F32x4Ne { dst, a, b } => { wv128!(dst, simd::f32x4_ne(v128!(a), v128!(b))) }
    F32x4Lt { dst, a, b } => { wv128!(dst, simd::f32x4_lt(v128!(a), v128!(b))) }
    F32x4Gt { dst, a, b } => { wv128!(dst, simd::f32x4_gt(v128!(a), v128!(b))) }
    F32x4Le { dst, a, b } => { wv128!(dst, simd::f32x4_le(v128!(a), v128!(b))) }
    F32x4Ge { dst, a, b } => { wv128!(dst, simd::f32x4_ge(v128!(a), v128!(b))) }
    F64x2Eq { dst, a, b } => { wv128!(dst, simd::f64x2_eq(v128!(a), v128!(b))) }
    F64x2Ne { dst, a, b } => { wv128!(dst, simd::f64x2_ne(v128!(a), v128!(b))) }
    F64x2Lt { dst, a, b } => { wv128!(dst, simd::f64x2_lt(v128!(a), v128!(b))) }
    F64x2Gt { dst, a, b } => { wv128!(dst, simd::f64x2_gt(v128!(a), v128!(b))) }
    F64x2Le { dst, a, b } => { wv128!(dst, simd::f64x2_le(v128!(a), v128!(b))) }
    F64x2Ge { dst, a, b } => { wv128!(dst, simd::f64x2_ge(v128!(a), v128!(b))) }
    V128Not { dst, src } => { wv128!(dst, simd::v128_not(v128!(src))) }
    V128And { dst, a, b } => { wv128!(dst, simd::v128_and(v128!(a), v128!(b))) }
    V128AndNot { dst, a, b } => { wv128!(dst, simd::v128_andnot(v128!(a), v128!(b))) }
    V128Or { dst, a, b } => { wv128!(dst, simd::v128_or(v128!(a), v128!(b))) }
    V128Xor { dst, a, b } => { wv128!(dst, simd::v128_xor(v128!(a), v128!(b))) }
    V128AnyTrue { dst, src } => { w32!(dst, simd::v128_any_true(v128!(src))) }
    I8x16Abs { dst, src } => { wv128!(dst, simd::i8x16_abs(v128!(src))) }
    I8x16Neg { dst, src } => { wv128!(dst, simd::i8x16_neg(v128!(src))) }
    I8x16AllTrue { dst, src } => { w32!(dst, simd::i8x16_all_true(v128!(src))) }
    I8x16Bitmask { dst, src } => { w32!(dst, simd::i8x16_bitmask(v128!(src))) }
    I8x16Shl { dst, a, b } => { wv128!(dst, simd::i8x16_shl(v128!(a), u32_!(b))) }
    I8x16ShlImm { dst, a, imm } => { wv128!(dst, simd::i8x16_shl(v128!(a), imm)) }
    I8x16ShrS { dst, a, b } => { wv128!(dst, simd::i8x16_shr_s(v128!(a), u32_!(b))) }
    I8x16ShrSImm { dst, a, imm } => { wv128!(dst, simd::i8x16_shr_s(v128!(a), imm)) }
    I8x16ShrU { dst, a, b } => { wv128!(dst, simd::i8x16_shr_u(v128!(a), u32_!(b))) }
    I8x16ShrUImm { dst, a, imm } => { wv128!(dst, simd::i8x16_shr_u(v128!(a), imm)) }
    I8x16Add { dst, a, b } => { wv128!(dst, simd::i8x16_add(v128!(a), v128!(b))) }
    I8x16Sub { dst, a, b } => { wv128!(dst, simd::i8x16_sub(v128!(a), v128!(b))) }
    I16x8Abs { dst, src } => { wv128!(dst, simd::i16x8_abs(v128!(src))) }
    I16x8Neg { dst, src } => { wv128!(dst, simd::i16x8_neg(v128!(src))) }
    I16x8AllTrue { dst, src } => { w32!(dst, simd::i16x8_all_true(v128!(src))) }
    I16x8Bitmask { dst, src } => { w32!(dst, simd::i16x8_bitmask(v128!(src))) }
    I16x8Shl { dst, a, b } => { wv128!(dst, simd::i16x8_shl(v128!(a), u32_!(b))) }
    I16x8ShlImm { dst, a, imm } => { wv128!(dst, simd::i16x8_shl(v128!(a), imm)) }
    I16x8ShrS { dst, a, b } => { wv128!(dst, simd::i16x8_shr_s(v128!(a), u32_!(b))) }
    I16x8ShrSImm { dst, a, imm } => { wv128!(dst, simd::i16x8_shr_s(v128!(a), imm)) }
    I16x8ShrU { dst, a, b } => { wv128!(dst, simd::i16x8_shr_u(v128!(a), u32_!(b))) }
    I16x8ShrUImm { dst, a, imm } => { wv128!(dst, simd::i16x8_shr_u(v128!(a), imm)) }
    I16x8Add { dst, a, b } => { wv128!(dst, simd::i16x8_add(v128!(a), v128!(b))) }
    I16x8Sub { dst, a, b } => { wv128!(dst, simd::i16x8_sub(v128!(a), v128!(b))) }
    I32x4Abs { dst, src } => { wv128!(dst, simd::i32x4_abs(v128!(src))) }
    I32x4Neg { dst, src } => { wv128!(dst, simd::i32x4_neg(v128!(src))) }
    I32x4AllTrue { dst, src } => { w32!(dst, simd::i32x4_all_true(v128!(src))) }
    I32x4Bitmask { dst, src } => { w32!(dst, simd::i32x4_bitmask(v128!(src))) }
    I32x4Shl { dst, a, b } => { wv128!(dst, simd::i32x4_shl(v128!(a), u32_!(b))) }
    I32x4ShlImm { dst, a, imm } => { wv128!(dst, simd::i32x4_shl(v128!(a), imm)) }
    I32x4ShrS { dst, a, b } => { wv128!(dst, simd::i32x4_shr_s(v128!(a), u32_!(b))) }
    I32x4ShrSImm { dst, a, imm } => { wv128!(dst, simd::i32x4_shr_s(v128!(a), imm)) }
    I32x4ShrU { dst, a, b } => { wv128!(dst, simd::i32x4_shr_u(v128!(a), u32_!(b))) }
    I32x4ShrUImm { dst, a, imm } => { wv128!(dst, simd::i32x4_shr_u(v128!(a), imm)) }
    I32x4Add { dst, a, b } => { wv128!(dst, simd::i32x4_add(v128!(a), v128!(b))) }
    I32x4Sub { dst, a, b } => { wv128!(dst, simd::i32x4_sub(v128!(a), v128!(b))) }
    I64x2Abs { dst, src } => { wv128!(dst, simd::i64x2_abs(v128!(src))) }
    I64x2Neg { dst, src } => { wv128!(dst, simd::i64x2_neg(v128!(src))) }
    I64x2AllTrue { dst, src } => { w32!(dst, simd::i64x2_all_true(v128!(src))) }
    I64x2Bitmask { dst, src } => { w32!(dst, simd::i64x2_bitmask(v128!(src))) }
    I64x2Shl { dst, a, b } => { wv128!(dst, simd::i64x2_shl(v128!(a), u32_!(b))) }
    I64x2ShlImm { dst, a, imm } => { wv128!(dst, simd::i64x2_shl(v128!(a), imm)) }
    I64x2ShrS { dst, a, b } => { wv128!(dst, simd::i64x2_shr_s(v128!(a), u32_!(b))) }
    I64x2ShrSImm { dst, a, imm } => { wv128!(dst, simd::i64x2_shr_s(v128!(a), imm)) }
    I64x2ShrU { dst, a, b } => { wv128!(dst, simd::i64x2_shr_u(v128!(a), u32_!(b))) }
    I64x2ShrUImm { dst, a, imm } => { wv128!(dst, simd::i64x2_shr_u(v128!(a), imm)) }
    I64x2Add { dst, a, b } => { wv128!(dst, simd::i64x2_add(v128!(a), v128!(b))) }
    I64x2Sub { dst, a, b } => { wv128!(dst, simd::i64x2_sub(v128!(a), v128!(b))) }
    I8x16Popcnt { dst, src } => { wv128!(dst, simd::i8x16_popcnt(v128!(src))) }
    I8x16AddSatS { dst, a, b } => { wv128!(dst, simd::i8x16_add_sat_s(v128!(a), v128!(b))) }
    I8x16AddSatU { dst, a, b } => { wv128!(dst, simd::i8x16_add_sat_u(v128!(a), v128!(b))) }
    I8x16SubSatS { dst, a, b } => { wv128!(dst, simd::i8x16_sub_sat_s(v128!(a), v128!(b))) }
    I8x16SubSatU { dst, a, b } => { wv128!(dst, simd::i8x16_sub_sat_u(v128!(a), v128!(b))) }
    I8x16AvgrU { dst, a, b } => { wv128!(dst, simd::i8x16_avgr_u(v128!(a), v128!(b))) }
    I16x8AddSatS { dst, a, b } => { wv128!(dst, simd::i16x8_add_sat_s(v128!(a), v128!(b))) }
    I16x8AddSatU { dst, a, b } => { wv128!(dst, simd::i16x8_add_sat_u(v128!(a), v128!(b))) }
    I16x8SubSatS { dst, a, b } => { wv128!(dst, simd::i16x8_sub_sat_s(v128!(a), v128!(b))) }
    I16x8SubSatU { dst, a, b } => { wv128!(dst, simd::i16x8_sub_sat_u(v128!(a), v128!(b))) }
    I16x8AvgrU { dst, a, b } => { wv128!(dst, simd::i16x8_avgr_u(v128!(a), v128!(b))) }
    I8x16MinS { dst, a, b } => { wv128!(dst, simd::i8x16_min_s(v128!(a), v128!(b))) }
    I8x16MinU { dst, a, b } => { wv128!(dst, simd::i8x16_min_u(v128!(a), v128!(b))) }
    I8x16MaxS { dst, a, b } => { wv128!(dst, simd::i8x16_max_s(v128!(a), v128!(b))) }
    I8x16MaxU { dst, a, b } => { wv128!(dst, simd::i8x16_max_u(v128!(a), v128!(b))) }
    I16x8MinS { dst, a, b } => { wv128!(dst, simd::i16x8_min_s(v128!(a), v128!(b))) }
    I16x8MinU { dst, a, b } => { wv128!(dst, simd::i16x8_min_u(v128!(a), v128!(b))) }
    I16x8MaxS { dst, a, b } => { wv128!(dst, simd::i16x8_max_s(v128!(a), v128!(b))) }
    I16x8MaxU { dst, a, b } => { wv128!(dst, simd::i16x8_max_u(v128!(a), v128!(b))) }
    I32x4MinS { dst, a, b } => { wv128!(dst, simd::i32x4_min_s(v128!(a), v128!(b))) }
    I32x4MinU { dst, a, b } => { wv128!(dst, simd::i32x4_min_u(v128!(a), v128!(b))) }
    I32x4MaxS { dst, a, b } => { wv128!(dst, simd::i32x4_max_s(v128!(a), v128!(b))) }
    I32x4MaxU { dst, a, b } => { wv128!(dst, simd::i32x4_max_u(v128!(a), v128!(b))) }
    I16x8Mul { dst, a, b } => { wv128!(dst, simd::i16x8_mul(v128!(a), v128!(b))) }
    I32x4Mul { dst, a, b } => { wv128!(dst, simd::i32x4_mul(v128!(a), v128!(b))) }
    I64x2Mul { dst, a, b } => { wv128!(dst, simd::i64x2_mul(v128!(a), v128!(b))) }
    I8x16NarrowI16x8S { dst, a, b } => { wv128!(dst, simd::i8x16_narrow_i16x8_s(v128!(a), v128!(b))) }
    I8x16NarrowI16x8U { dst, a, b } => { wv128!(dst, simd::i8x16_narrow_i16x8_u(v128!(a), v128!(b))) }
    I16x8NarrowI32x4S { dst, a, b } => { wv128!(dst, simd::i16x8_narrow_i32x4_s(v128!(a), v128!(b))) }
    I16x8NarrowI32x4U { dst, a, b } => { wv128!(dst, simd::i16x8_narrow_i32x4_u(v128!(a), v128!(b))) }
    I16x8ExtendLowI8x16S { dst, src } => { wv128!(dst, simd::i16x8_extend_low_i8x16_s(v128!(src))) }
    I16x8ExtMulLowI8x16S { dst, a, b } => { wv128!(dst, simd::i16x8_extmul_low_i8x16_s(v128!(a), v128!(b))) }
    I16x8ExtendLowI8x16U { dst, src } => { wv128!(dst, simd::i16x8_extend_low_i8x16_u(v128!(src))) }
    I16x8ExtMulLowI8x16U { dst, a, b } => { wv128!(dst, simd::i16x8_extmul_low_i8x16_u(v128!(a), v128!(b))) }
    I16x8ExtendHighI8x16S { dst, src } => { wv128!(dst, simd::i16x8_extend_high_i8x16_s(v128!(src))) }
    I16x8ExtMulHighI8x16S { dst, a, b } => { wv128!(dst, simd::i16x8_extmul_high_i8x16_s(v128!(a), v128!(b))) }
    I16x8ExtendHighI8x16U { dst, src } => { wv128!(dst, simd::i16x8_extend_high_i8x16_u(v128!(src))) }
    I16x8ExtMulHighI8x16U { dst, a, b } => { wv128!(dst, simd::i16x8_extmul_high_i8x16_u(v128!(a), v128!(b))) }
    I32x4ExtendLowI16x8S { dst, src } => { wv128!(dst, simd::i32x4_extend_low_i16x8_s(v128!(src))) }
    I32x4ExtMulLowI16x8S { dst, a, b } => { wv128!(dst, simd::i32x4_extmul_low_i16x8_s(v128!(a), v128!(b))) }
    I32x4ExtendLowI16x8U { dst, src } => { wv128!(dst, simd::i32x4_extend_low_i16x8_u(v128!(src))) }
    I32x4ExtMulLowI16x8U { dst, a, b } => { wv128!(dst, simd::i32x4_extmul_low_i16x8_u(v128!(a), v128!(b))) }
    I32x4ExtendHighI16x8S { dst, src } => { wv128!(dst, simd::i32x4_extend_high_i16x8_s(v128!(src))) }
    I32x4ExtMulHighI16x8S { dst, a, b } => { wv128!(dst, simd::i32x4_extmul_high_i16x8_s(v128!(a), v128!(b))) }
    I32x4ExtendHighI16x8U { dst, src } => { wv128!(dst, simd::i32x4_extend_high_i16x8_u(v128!(src))) }
    I32x4ExtMulHighI16x8U { dst, a, b } => { wv128!(dst, simd::i32x4_extmul_high_i16x8_u(v128!(a), v128!(b))) }
    I64x2ExtendLowI32x4S { dst, src } => { wv128!(dst, simd::i64x2_extend_low_i32x4_s(v128!(src))) }
    I64x2ExtMulLowI32x4S { dst, a, b } => { wv128!(dst, simd::i64x2_extmul_low_i32x4_s(v128!(a), v128!(b))) }
    I64x2ExtendLowI32x4U { dst, src } => { wv128!(dst, simd::i64x2_extend_low_i32x4_u(v128!(src))) }
    I64x2ExtMulLowI32x4U { dst, a, b } => { wv128!(dst, simd::i64x2_extmul_low_i32x4_u(v128!(a), v128!(b))) }
    I64x2ExtendHighI32x4S { dst, src } => { wv128!(dst, simd::i64x2_extend_high_i32x4_s(v128!(src))) }
    I64x2ExtMulHighI32x4S { dst, a, b } => { wv128!(dst, simd::i64x2_extmul_high_i32x4_s(v128!(a), v128!(b))) }
    I64x2ExtendHighI32x4U { dst, src } => { wv128!(dst, simd::i64x2_extend_high_i32x4_u(v128!(src))) }
    I64x2ExtMulHighI32x4U { dst, a, b } => { wv128!(dst, simd::i64x2_extmul_high_i32x4_u(v128!(a), v128!(b))) }
    I16x8ExtAddPairwiseI8x16S { dst, src } => { wv128!(dst, simd::i16x8_extadd_pairwise_i8x16_s(v128!(src))) }
    I16x8ExtAddPairwiseI8x16U { dst, src } => { wv128!(dst, simd::i16x8_extadd_pairwise_i8x16_u(v128!(src))) }
    I32x4ExtAddPairwiseI16x8S { dst, src } => { wv128!(dst, simd::i32x4_extadd_pairwise_i16x8_s(v128!(src))) }
    I32x4ExtAddPairwiseI16x8U { dst, src } => { wv128!(dst, simd::i32x4_extadd_pairwise_i16x8_u(v128!(src))) }
    I16x8Q15MulrSatS { dst, a, b } => { wv128!(dst, simd::i16x8_q15mulr_sat_s(v128!(a), v128!(b))) }
    I32x4DotI16x8S { dst, a, b } => { wv128!(dst, simd::i32x4_dot_i16x8_s(v128!(a), v128!(b))) }
    F32x4Ceil { dst, src } => { wv128!(dst, simd::f32x4_ceil(v128!(src))) }
    F32x4Floor { dst, src } => { wv128!(dst, simd::f32x4_floor(v128!(src))) }
    F32x4Trunc { dst, src } => { wv128!(dst, simd::f32x4_trunc(v128!(src))) }
    F32x4Nearest { dst, src } => { wv128!(dst, simd::f32x4_nearest(v128!(src))) }
    F32x4Abs { dst, src } => { wv128!(dst, simd::f32x4_abs(v128!(src))) }
    F32x4Neg { dst, src } => { wv128!(dst, simd::f32x4_neg(v128!(src))) }
    F32x4Sqrt { dst, src } => { wv128!(dst, simd::f32x4_sqrt(v128!(src))) }
    F32x4Add { dst, a, b } => { wv128!(dst, simd::f32x4_add(v128!(a), v128!(b))) }
    F32x4Sub { dst, a, b } => { wv128!(dst, simd::f32x4_sub(v128!(a), v128!(b))) }
    F32x4Mul { dst, a, b } => { wv128!(dst, simd::f32x4_mul(v128!(a), v128!(b))) }
    F32x4Div { dst, a, b } => { wv128!(dst, simd::f32x4_div(v128!(a), v128!(b))) }
    F32x4Min { dst, a, b } => { wv128!(dst, simd::f32x4_min(v128!(a), v128!(b))) }
    F32x4Max { dst, a, b } => { wv128!(dst, simd::f32x4_max(v128!(a), v128!(b))) }
    F32x4PMin { dst, a, b } => { wv128!(dst, simd::f32x4_pmin(v128!(a), v128!(b))) }
    F32x4PMax { dst, a, b } => { wv128!(dst, simd::f32x4_pmax(v128!(a), v128!(b))) }
    F64x2Ceil { dst, src } => { wv128!(dst, simd::f64x2_ceil(v128!(src))) }
    F64x2Floor { dst, src } => { wv128!(dst, simd::f64x2_floor(v128!(src))) }
    F64x2Trunc { dst, src } => { wv128!(dst, simd::f64x2_trunc(v128!(src))) }
    F64x2Nearest { dst, src } => { wv128!(dst, simd::f64x2_nearest(v128!(src))) }
    F64x2Abs { dst, src } => { wv128!(dst, simd::f64x2_abs(v128!(src))) }
    F64x2Neg { dst, src } => { wv128!(dst, simd::f64x2_neg(v128!(src))) }
    F64x2Sqrt { dst, src } => { wv128!(dst, simd::f64x2_sqrt(v128!(src))) }
    F64x2Add { dst, a, b } => { wv128!(dst, simd::f64x2_add(v128!(a), v128!(b))) }
    F64x2Sub { dst, a, b } => { wv128!(dst, simd::f64x2_sub(v128!(a), v128!(b))) }
    F64x2Mul { dst, a, b } => { wv128!(dst, simd::f64x2_mul(v128!(a), v128!(b))) }
    F64x2Div { dst, a, b } => { wv128!(dst, simd::f64x2_div(v128!(a), v128!(b))) }
    F64x2Min { dst, a, b } => { wv128!(dst, simd::f64x2_min(v128!(a), v128!(b))) }
    F64x2Max { dst, a, b } => { wv128!(dst, simd::f64x2_max(v128!(a), v128!(b))) }
    F64x2PMin { dst, a, b } => { wv128!(dst, simd::f64x2_pmin(v128!(a), v128!(b))) }
    F64x2PMax { dst, a, b } => { wv128!(dst, simd::f64x2_pmax(v128!(a), v128!(b))) }
    I32x4TruncSatF32x4S { dst, src } => { wv128!(dst, simd::i32x4_trunc_sat_f32x4_s(v128!(src))) }
    I32x4TruncSatF32x4U { dst, src } => { wv128!(dst, simd::i32x4_trunc_sat_f32x4_u(v128!(src))) }
    F32x4ConvertI32x4S { dst, src } => { wv128!(dst, simd::f32x4_convert_i32x4_s(v128!(src))) }
    F32x4ConvertI32x4U { dst, src } => { wv128!(dst, simd::f32x4_convert_i32x4_u(v128!(src))) }
    I32x4TruncSatF64x2SZero { dst, src } => { wv128!(dst, simd::i32x4_trunc_sat_f64x2_s_zero(v128!(src))) }
    I32x4TruncSatF64x2UZero { dst, src } => { wv128!(dst, simd::i32x4_trunc_sat_f64x2_u_zero(v128!(src))) }
    F64x2ConvertLowI32x4S { dst, src } => { wv128!(dst, simd::f64x2_convert_low_i32x4_s(v128!(src))) }
    F64x2ConvertLowI32x4U { dst, src } => { wv128!(dst, simd::f64x2_convert_low_i32x4_u(v128!(src))) }
    F32x4DemoteF64x2Zero { dst, src } => { wv128!(dst, simd::f32x4_demote_f64x2_zero(v128!(src))) }
    F64x2PromoteLowF32x4 { dst, src } => { wv128!(dst, simd::f64x2_promote_low_f32x4(v128!(src))) }
}
}
