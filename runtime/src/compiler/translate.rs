//! Translation of one validated function body into Cranelift IR with cranelift-frontend's
//! `FunctionBuilder`.
//!
//! - Locals are frontend `Variable`s (SSA construction inserts the block parameters); the wasm
//!   operand stack exists only at translation time, as a `Vec` of SSA values.
//! - Control: a `block`'s end and a `loop`'s header are Cranelift blocks whose parameters are the
//!   label's values ([`Label`], the payload of the shared walk's frames, `crate::wasm::func`);
//!   `if` branches to two parameterless blocks (the `if`'s parameters are SSA values that
//!   dominate both arms). The body's label is the return block: branches to it and the
//!   fall-through meet there, and the walk places the one return after it. A construct whose
//!   end block nothing reaches ends the reachable code, as a `br` does.
//! - Memory accesses: with guarded memories (`Env::guarded`, memories of 64 KiB pages) an
//!   access is the base plus the address plus the offset, unchecked; one past the end faults
//!   and `super::signals` makes it a trap. Memory 0's base is then loaded once at entry.
//!   Otherwise (and always for memories of 1-byte pages) memory 0's base and length live in two
//!   `Variable`s, loaded at entry and reloaded after every call and `memory.grow` (the only
//!   things that can move or resize it), so loops carry them in registers, and every access is
//!   bounds-checked explicitly against the length. A 64-bit memory is shorter than 2^32 bytes
//!   (`vm::MAX_MEMORY64_BYTES`): a guarded one traps on an address of 2^32 or more and is then
//!   reached as a 32-bit one is; an explicitly checked one clamps the address to 2^32 first (it
//!   stays out of bounds when it was, and the check's sum cannot wrap); an offset
//!   that leaves no byte of such a memory reachable traps unconditionally. Other memories
//!   (multi-memory) are reached through their definition pointer in the VMContext at each
//!   access.
//! - Every other trap stores its code in the store context and returns zeros; after every call
//!   the caller checks that code and returns at once if set, so the trap reaches the entry,
//!   which turns it into a [`Trap`](crate::Trap). Function entry compares the stack
//!   pointer with the store context's stack limit ("call stack exhausted").
//!
//! Calling convention of compiled functions (Cranelift's `tail`): `(vmctx, params...) ->
//! results`, `vmctx` being the callee instance's VMContext.

use super::libcalls::Libcall;
use super::vmctx::{self, VMOffsets};
use crate::wasm::types::{FuncType, IndexType, ValType};
use crate::wasm::error::CompileError;
use crate::wasm::func::Kind;
use crate::vm::{Instrumentation, TrapCode, VMLimits};
use crate::wasm::Module;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::types::{F32, F64, I16, I32, I64, I64X2, I8, I8X16};
use cranelift_codegen::ir::{
    AbiParam, AliasRegion, Block, BlockArg, ConstantData, Endianness, ExtFuncData, ExternalName, FuncRef,
    Function, InstBuilder, JumpTableData, MemFlags, SigRef, Signature, StackSlotData, StackSlotKind, Type,
    UserExternalName, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use std::collections::HashMap;
use wasmparser::{MemArg, Operator};

#[path = "simd.rs"]
mod simd;

/// The Cranelift type of a wasm value type: references are 64-bit cells (`addr + 1`, 0 = null).
pub(crate) fn clif_type(t: ValType) -> Type {
    match t {
        ValType::I32 => I32,
        ValType::I64 => I64,
        ValType::F32 => F32,
        ValType::F64 => F64,
        ValType::V128 => I8X16,
        ValType::Ref(_) => I64,
    }
}

/// The calling convention of compiled wasm functions.
pub(crate) const WASM_CALL_CONV: CallConv = CallConv::Tail;

/// The signature of a compiled function of type `ty`: the callee's VMContext, then the params.
pub(crate) fn wasm_signature(ty: &FuncType) -> Signature {
    let mut sig = Signature::new(WASM_CALL_CONV);
    sig.params.push(AbiParam::new(I64));
    sig.params.extend(ty.params().iter().map(|t| AbiParam::new(clif_type(*t))));
    sig.returns.extend(ty.results().iter().map(|t| AbiParam::new(clif_type(*t))));
    sig
}

/// Flags for loads of VMContext fields that never change for an instance's lifetime.
fn readonly() -> MemFlags {
    MemFlags::trusted().with_readonly().with_can_move().with_alias_region(Some(AliasRegion::Vmctx))
}

/// Flags for loads and stores of VM data that may change (definitions, the trap code).
fn vm_data() -> MemFlags {
    MemFlags::trusted()
}

/// Flags for linear memory accesses: unaligned, little-endian. With `guarded` memories an
/// access may fault (Cranelift records it as a trap site, which the signal handler looks for);
/// otherwise it was bounds-checked explicitly and cannot.
fn heap(guarded: bool) -> MemFlags {
    let f = MemFlags::new().with_endianness(Endianness::Little).with_alias_region(Some(AliasRegion::Heap));
    if guarded { f } else { f.with_notrap() }
}

/// Flags for table element accesses.
fn table_flags() -> MemFlags {
    MemFlags::trusted().with_alias_region(Some(AliasRegion::Table))
}

/// Cells a value of CLIF type `t` takes in a cell array.
fn cells_of(t: Type) -> i32 {
    if t == I8X16 { 2 } else { 1 }
}

/// Flags for bitcasts between vector shapes: wasm's lane order, whatever the host's byte order.
fn lane_order() -> MemFlags {
    MemFlags::new().with_endianness(Endianness::Little)
}

/// The low and high 64 bits of a v128.
fn v128_halves(b: &mut FunctionBuilder, v: Value) -> (Value, Value) {
    let w = b.ins().bitcast(I64X2, lane_order(), v);
    (b.ins().extractlane(w, 0), b.ins().extractlane(w, 1))
}

/// A v128 from its low and high 64 bits.
fn v128_from_halves(b: &mut FunctionBuilder, lo: Value, hi: Value) -> Value {
    let v = b.ins().scalar_to_vector(I64X2, lo);
    let v = b.ins().insertlane(v, hi, 1);
    b.ins().bitcast(I8X16, lane_order(), v)
}

/// Writes `v` to the cell array at `ptr + off` as its native 64-bit cell(s) (a v128: low half
/// first, as `vm` lays them out).
pub(crate) fn store_cell(b: &mut FunctionBuilder, v: Value, ptr: Value, off: i32) {
    store_value_bits(b, v, ptr, off, off + 8)
}

/// Writes `v`'s bits as native 64-bit words: the low (or only) word at `lo`, a v128's high
/// word at `hi`. Narrow values are zero-extended to 64 bits.
fn store_value_bits(b: &mut FunctionBuilder, v: Value, ptr: Value, lo: i32, hi: i32) {
    let flags = MemFlags::trusted();
    let t = b.func.dfg.value_type(v);
    let cell = match t {
        I32 => b.ins().uextend(I64, v),
        F32 => {
            let i = b.ins().bitcast(I32, MemFlags::new(), v);
            b.ins().uextend(I64, i)
        }
        F64 => b.ins().bitcast(I64, MemFlags::new(), v),
        I8X16 => {
            let (l, h) = v128_halves(b, v);
            b.ins().store(flags, l, ptr, lo);
            b.ins().store(flags, h, ptr, hi);
            return;
        }
        _ => v,
    };
    b.ins().store(flags, cell, ptr, lo);
}

/// Reads a value of CLIF type `t` from its native cell(s) at `ptr + off`.
pub(crate) fn load_cell(b: &mut FunctionBuilder, t: Type, ptr: Value, off: i32) -> Value {
    load_value_bits(b, t, ptr, off, off + 8)
}

/// Reads a value of CLIF type `t` from native 64-bit words: the low (or only) one at `lo`, a
/// v128's high one at `hi`.
fn load_value_bits(b: &mut FunctionBuilder, t: Type, ptr: Value, lo: i32, hi: i32) -> Value {
    let flags = MemFlags::trusted();
    if t == I8X16 {
        let l = b.ins().load(I64, flags, ptr, lo);
        let h = b.ins().load(I64, flags, ptr, hi);
        return v128_from_halves(b, l, h);
    }
    let off = lo;
    let cell = b.ins().load(I64, flags, ptr, off);
    match t {
        I32 => b.ins().ireduce(I32, cell),
        F32 => {
            let i = b.ins().ireduce(I32, cell);
            b.ins().bitcast(F32, MemFlags::new(), i)
        }
        F64 => b.ins().bitcast(F64, MemFlags::new(), cell),
        _ => cell,
    }
}

fn block_args(vals: &[Value]) -> Vec<BlockArg> {
    vals.iter().map(|v| BlockArg::Value(*v)).collect()
}

/// What the translator needs to know about the module.
pub(crate) struct Env<'a> {
    pub module: &'a Module,
    pub offsets: &'a VMOffsets,
    /// The host's C calling convention (libcalls).
    pub host_cc: CallConv,
    /// Whether calls between the module's own functions are direct, PC-relative calls (the
    /// code placement patches their relocations); otherwise they load the callee's address
    /// from the VMContext.
    pub direct_calls: bool,
    /// The fuel and interrupt checks to insert.
    pub instr: Instrumentation,
    /// Whether linear memories are reservations with inaccessible space after them
    /// (`vm::memory::LinearBytes::Reserved`): accesses are not bounds-checked, an access past
    /// the end faults and the signal handler (`super::signals`) makes it a trap. Memory 0's base
    /// then never changes and is loaded once per call.
    pub guarded: bool,
}

impl Env<'_> {
    /// Whether memory `m` is guarded: the memories are (`guarded`) and `m`'s type is
    /// [`crate::vm::guardable`], as the runtime then reserves it. A memory of 1-byte pages is a
    /// heap buffer, checked explicitly: its end need not be at an OS page's.
    /// (A module without memories asks about memory 0 too: its answer then does not matter.)
    pub fn memory_guarded(&self, m: u32) -> bool {
        self.guarded && self.module.memories.get(m as usize).is_none_or(crate::vm::guardable)
    }

    /// Whether memory `m` takes i64 addresses (memory64).
    fn memory64(&self, m: u32) -> bool {
        self.module.memories[m as usize].index == IndexType::I64
    }

    /// Whether table `t` takes i64 indices (table64).
    fn table64(&self, t: u32) -> bool {
        self.module.tables[t as usize].index == IndexType::I64
    }
}

/// The Compiler's part of a control frame ([`crate::wasm::func::Frame`]): its Cranelift blocks.
#[derive(Debug)]
struct Label {
    /// Where the construct ends; its parameters are the construct's results.
    dest: Block,
    /// Whether anything branches or falls through to `dest`.
    dest_used: bool,
    /// Where a loop's body starts (its header, where its branches go) or an `if`'s second
    /// arm; `dest` for the others.
    start: Block,
    /// An `if`'s parameters: SSA values that dominate both arms, the second arm's start.
    params: Vec<Value>,
    /// Where a trap code set directly inside the construct goes (`Translator::tries`' entry
    /// there; `None`: the unwind block), for a `delegate` to its label.
    inside: Option<Block>,
    /// A legacy `try`'s parts.
    legacy: Option<LegacyTry>,
}

/// What a legacy `try` lowers to besides its blocks: a cold dispatch its body's calls go to
/// (filled at its first `catch`, its `delegate` or its `end`), tests of its catch clauses
/// built one after another, and the exception its current arm caught.
#[derive(Debug)]
struct LegacyTry {
    dispatch: Block,
    /// Where the next clause's test goes (after the last one: on to `outer`).
    next_test: Block,
    /// Where an exception no clause takes goes (`None`: the unwind block).
    outer: Option<Block>,
    /// The exnref the current arm caught (for `rethrow`).
    caught: Option<Value>,
    /// Set by `delegate`: where its body's exceptions go instead (`None`: the unwind block).
    delegate: Option<Option<Block>>,
}

/// A control frame of the shared walk, with this engine's part.
type Frame<'m> = crate::wasm::func::Frame<'m, Label>;
/// The shared walk's control frames, with this engine's parts.
type Control<'m> = crate::wasm::func::Control<'m, Label>;

/// The block a branch to `frame`'s label goes to.
fn label_block(frame: &Frame<'_>) -> Block {
    match frame.kind {
        Kind::Loop => frame.payload.start,
        Kind::Func | Kind::Block | Kind::If | Kind::Else | Kind::TryTable | Kind::Try | Kind::Catch => frame.payload.dest,
    }
}

struct Translator<'a, 'f> {
    b: FunctionBuilder<'f>,
    env: &'a Env<'a>,
    stack: Vec<Value>,
    locals: Vec<Variable>,
    vmctx: Value,
    store_ctx: Value,
    /// Memory 0's definition pointer, if the module has a memory.
    mem_def: Option<Value>,
    mem_base: Option<Variable>,
    /// Memory 0's length in bytes (explicitly checked memories only).
    mem_len: Option<Variable>,
    /// Flags of the linear memory access being translated (`heap`), set by `mem_addr`.
    heap: MemFlags,
    trap_blocks: HashMap<TrapCode, Block>,
    unwind: Option<Block>,
    /// Bounds checks done on the straight-line path ending in block `checked_in`: (memory
    /// index, address, end offset) triples known to be in bounds. Memory never shrinks, so a
    /// check that passed stays true; a later access at the same address ending no further
    /// needs none (`p->a`, `p->b` after `p->c`). Any other block entry forgets them.
    checked: Vec<(u32, Value, u64)>,
    checked_in: Option<Block>,
    results: Vec<Type>,
    sigs: HashMap<u32, SigRef>,
    libcall_sigs: HashMap<usize, SigRef>,
    /// Direct-call references to the module's own functions, by defined-function index.
    callees: HashMap<u32, FuncRef>,
    /// The function's index in the module (imports included), for backtraces.
    func_index: u32,
    /// The call depth on entry, restored before returning, when the depth is limited.
    entry_depth: Option<Value>,
    /// The store's [`VMLimits`], when fuel or interrupts are on.
    limits: Option<Value>,
    /// The function's arguments as it received them (for the listener's entry hook).
    args: Vec<Value>,
    /// The interrupt flag's address, when the runtime is interruptible.
    interrupt_flag: Option<Value>,
    /// An error found inside an operator's translation by a helper that returns none
    /// (`mem_addr`), reported once the operator is done.
    failed: Option<CompileError>,
    /// For each `try_table` frame and legacy `try` body open, innermost last: the block its
    /// calls go to when one ends with a trap code set (`Some`: it or one around it catches).
    tries: Vec<Option<Block>>,
}

/// Bounds checks remembered per straight-line path (see `Translator::checked`).
const MAX_CHECKED: usize = 16;

fn unsupported(op: &Operator) -> CompileError {
    CompileError { message: format!("the Compiler does not support {op:?} yet"), offset: None }
}

fn parse_error(e: wasmparser::BinaryReaderError) -> CompileError {
    CompileError { message: e.message().to_string(), offset: Some(e.offset() as usize) }
}

/// Translates the module's `index`-th body into `func` (whose signature is already set).
pub(crate) fn translate(
    env: &Env<'_>,
    index: usize,
    func: &mut Function,
    fctx: &mut FunctionBuilderContext,
) -> Result<(), CompileError> {
    let m = env.module;
    let ty = m.func_type(m.num_imported_funcs + index as u32).clone();
    let body = crate::wasm::body(m, index);
    let mut b = FunctionBuilder::new(func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let params: Vec<Value> = b.block_params(entry).to_vec();
    let vmctx = params[0];
    let store_ctx = b.ins().load(I64, readonly(), vmctx, vmctx::VMCTX_STORE_CTX);

    let mut locals = Vec::new();
    for (i, t) in ty.params().iter().enumerate() {
        let v = b.declare_var(clif_type(*t));
        b.def_var(v, params[i + 1]);
        locals.push(v);
    }
    let mut lr = body.get_locals_reader().map_err(parse_error)?;
    for _ in 0..lr.get_count() {
        let (n, t) = lr.read().map_err(parse_error)?;
        let t = clif_type(crate::wasm::val_type(t, &m.type_ids)?);
        for _ in 0..n {
            let v = b.declare_var(t);
            let zero = zero_of(&mut b, t);
            b.def_var(v, zero);
            locals.push(v);
        }
    }

    let results: Vec<Type> = ty.results().iter().map(|t| clif_type(*t)).collect();
    let ret = b.create_block();
    for t in &results {
        b.append_block_param(ret, *t);
    }
    let mut t = Translator {
        b,
        env,
        stack: Vec::new(),
        locals,
        vmctx,
        store_ctx,
        mem_def: None,
        mem_base: None,
        mem_len: None,
        heap: heap(env.guarded),
        trap_blocks: HashMap::new(),
        checked: Vec::new(),
        checked_in: None,
        unwind: None,
        results,
        sigs: HashMap::new(),
        libcall_sigs: HashMap::new(),
        callees: HashMap::new(),
        func_index: m.num_imported_funcs + index as u32,
        entry_depth: None,
        limits: None,
        args: params[1..].to_vec(),
        interrupt_flag: None,
        failed: None,
        tries: Vec::new(),
    };
    t.stack_check();
    let instr = env.instr;
    if let Some(max) = instr.max_call_depth {
        let d = t.b.ins().load(I32, vm_data(), store_ctx, vmctx::STORE_CALL_DEPTH);
        let deep = t.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, d, max as i64);
        t.trap_if(deep, TrapCode::CallStackExhausted);
        let d1 = t.b.ins().iadd_imm(d, 1);
        t.b.ins().store(vm_data(), d1, store_ctx, vmctx::STORE_CALL_DEPTH);
        t.entry_depth = Some(d);
    }
    if instr.fuel || instr.interruptible {
        let limits = t.b.ins().load(I64, readonly(), store_ctx, vmctx::STORE_LIMITS);
        t.limits = Some(limits);
        if instr.interruptible {
            t.interrupt_flag = Some(t.b.ins().load(I64, readonly(), limits, VMLimits::INTERRUPT));
        }
    }
    if !m.memories.is_empty() {
        let def = t.b.ins().load(I64, readonly(), vmctx, vmctx::VMCTX_MEMORY0);
        t.mem_def = Some(def);
        t.mem_base = Some(t.b.declare_var(I64));
        if !env.memory_guarded(0) {
            t.mem_len = Some(t.b.declare_var(I64));
        }
        t.load_memory();
    }

    // The body's label is the return block: branches to it, and the fall-through, meet there.
    let label = Label { dest: ret, dest_used: false, start: ret, params: Vec::new(), inside: None, legacy: None };
    crate::wasm::func::walk(m, ty.results(), &body, instr.checks(), label, &mut t)?;
    t.finish_cold_blocks();
    t.b.seal_all_blocks();
    t.b.finalize();
    Ok(())
}

fn zero_of(b: &mut FunctionBuilder, t: Type) -> Value {
    match t {
        F32 => b.ins().f32const(Ieee32::with_bits(0)),
        F64 => b.ins().f64const(Ieee64::with_bits(0)),
        I8X16 => {
            let c = b.func.dfg.constants.insert(ConstantData::from(vec![0u8; 16]));
            b.ins().vconst(I8X16, c)
        }
        t => b.ins().iconst(t, 0),
    }
}

impl crate::wasm::func::Lower for Translator<'_, '_> {
    type Error = CompileError;
    type Payload = Label;
    fn height(&self) -> usize {
        self.stack.len()
    }
    fn charge_fuel(&mut self, cost: u32) {
        self.consume_fuel(cost);
    }
    fn check_interrupt(&mut self) {
        Translator::check_interrupt(self);
    }
    fn listen_enter(&mut self) {
        let args = self.args.clone();
        self.listen(Libcall::ListenEnter, &args);
    }
    fn listen_exit(&mut self) {
        let vals = self.top(self.results.len());
        self.listen(Libcall::ListenExit, &vals);
    }
    fn return_(&mut self, _after_hook: bool) {
        let vals = self.top(self.results.len());
        self.restore_depth();
        self.b.ins().return_(&vals);
    }
    fn enter(&mut self, frame: &crate::wasm::func::Frame<'_, ()>) -> Label {
        self.open(frame)
    }
    fn else_(&mut self, frame: &mut Frame<'_>) {
        Translator::else_(self, frame);
    }
    fn end(&mut self, frame: Frame<'_>) -> bool {
        Translator::end(self, frame)
    }
    fn br(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        Translator::br(self, depth, ctrl);
    }
    fn br_if(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        Translator::br_if(self, depth, ctrl);
    }
    fn br_table(&mut self, targets: &[u32], default: u32, ctrl: &mut Control<'_>) {
        Translator::br_table(self, targets, default, ctrl);
    }
    fn catches(&mut self, catches: &[wasmparser::Catch], ctrl: &mut Control<'_>) -> Result<(), CompileError> {
        self.try_table(catches, ctrl);
        Ok(())
    }
    fn catch(&mut self, frame: &mut Frame<'_>, tag: Option<u32>) {
        self.legacy_catch(frame, tag);
    }
    fn delegate(&mut self, mut frame: Frame<'_>, depth: u32, ctrl: &mut Control<'_>) -> bool {
        let target = ctrl.label(depth).payload.inside;
        frame.payload.legacy.as_mut().expect("a legacy try").delegate = Some(target);
        crate::wasm::func::Lower::end(self, frame)
    }
    fn rethrow(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        let exn = ctrl.label(depth).payload.legacy.as_ref().and_then(|l| l.caught).expect("validated: rethrow names a catch");
        self.throw_exnref(exn);
    }
    fn br_on_null(&mut self, depth: u32, non_null: bool, ctrl: &mut Control<'_>) {
        let r = self.pop();
        if non_null {
            // The reference is the label's last value; it is its own condition.
            self.push(r);
            self.push(r);
            Translator::br_if(self, depth, ctrl);
            self.pop();
        } else {
            let null = self.b.ins().icmp_imm(IntCC::Equal, r, 0);
            self.push(null);
            Translator::br_if(self, depth, ctrl);
            self.push(r);
        }
    }
    fn op(&mut self, op: Operator<'_>, _offset: usize) -> Result<(), CompileError> {
        self.lower(op)?;
        self.failed.take().map_or(Ok(()), Err)
    }
}

impl<'a, 'f> Translator<'a, 'f> {
    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated: operand stack underflow")
    }
    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }
    fn pop3(&mut self) -> (Value, Value, Value) {
        let c = self.pop();
        let (a, b) = self.pop2();
        (a, b, c)
    }
    fn push(&mut self, v: Value) {
        self.stack.push(v)
    }
    fn top(&self, n: usize) -> Vec<Value> {
        self.stack[self.stack.len() - n..].to_vec()
    }

    /// A new block whose parameters have types `tys`.
    fn block_with_params(&mut self, tys: &[ValType]) -> Block {
        let blk = self.b.create_block();
        for t in tys {
            self.b.append_block_param(blk, clif_type(*t));
        }
        blk
    }

    /// The block that returns zeros after a trap (its code is already set); filled by
    /// `finish_cold_blocks`.
    fn unwind_block(&mut self) -> Block {
        if let Some(b) = self.unwind {
            return b;
        }
        let blk = self.b.create_block();
        self.b.set_cold_block(blk);
        self.unwind = Some(blk);
        blk
    }

    /// The block that raises trap `code`; filled by `finish_cold_blocks`.
    fn trap_block(&mut self, code: TrapCode) -> Block {
        if let Some(b) = self.trap_blocks.get(&code) {
            return *b;
        }
        self.unwind_block();
        let blk = self.b.create_block();
        self.b.set_cold_block(blk);
        self.trap_blocks.insert(code, blk);
        blk
    }

    /// Fills the trap and unwind blocks, once the body is translated.
    fn finish_cold_blocks(&mut self) {
        let mut traps: Vec<(TrapCode, Block)> = self.trap_blocks.iter().map(|(c, b)| (*c, *b)).collect();
        traps.sort();
        for (code, blk) in traps {
            self.b.switch_to_block(blk);
            let c = self.b.ins().iconst(I32, code as u32 as i64);
            self.b.ins().store(vm_data(), c, self.store_ctx, vmctx::STORE_TRAP_CODE);
            self.b.ins().jump(self.unwind.expect("made with the trap block"), &[]);
        }
        if let Some(blk) = self.unwind {
            self.b.switch_to_block(blk);
            // The trap's backtrace gets this frame (only ever on this cold path).
            let f = self.b.ins().iconst(I32, self.func_index as i64);
            self.libcall(Libcall::RecordFrame, &[f]);
            let results = self.results.clone();
            let zeros: Vec<Value> = results.iter().map(|t| zero_of(&mut self.b, *t)).collect();
            self.b.ins().return_(&zeros);
        }
    }

    /// Continues in a fresh block; the current one must be terminated by the caller.
    fn continue_in(&mut self, blk: Block) {
        self.b.switch_to_block(blk);
        self.b.seal_block(blk);
    }

    /// Continues in `cont`, whose only predecessor is the current block (the other edge
    /// leaves the function), so the bounds checks done so far still hold there.
    fn continue_straight(&mut self, cont: Block) {
        let carry = self.b.current_block() == self.checked_in;
        self.continue_in(cont);
        if carry {
            self.checked_in = Some(cont);
        }
    }

    /// Traps with `code` if `cond` (an integer) is non-zero.
    fn trap_if(&mut self, cond: Value, code: TrapCode) {
        let t = self.trap_block(code);
        let cont = self.b.create_block();
        self.b.ins().brif(cond, t, &[], cont, &[]);
        self.continue_straight(cont);
    }

    /// Traps with `code` if `cond` is zero.
    fn trap_unless(&mut self, cond: Value, code: TrapCode) {
        let t = self.trap_block(code);
        let cont = self.b.create_block();
        self.b.ins().brif(cond, cont, &[], t, &[]);
        self.continue_straight(cont);
    }

    /// After a call: returns at once if the callee trapped, or (an exception) goes to the
    /// catch clauses of the `try_table`s around the call, if any.
    fn check_trap(&mut self) {
        let code = self.b.ins().load(I32, vm_data(), self.store_ctx, vmctx::STORE_TRAP_CODE);
        let unwind = self.catching_block();
        let cont = self.b.create_block();
        self.b.ins().brif(code, unwind, &[], cont, &[]);
        self.continue_straight(cont);
    }

    /// Where a trap code set here goes: the dispatch of the innermost `try_table` with catch
    /// clauses around, else the unwind block.
    fn catching_block(&mut self) -> Block {
        match self.tries.last() {
            Some(Some(b)) => *b,
            _ => self.unwind_block(),
        }
    }

    /// Throws the exception of non-null exnref `exn` (`throw_ref`, legacy `rethrow`).
    fn throw_exnref(&mut self, exn: Value) {
        self.b.ins().store(vm_data(), exn, self.store_ctx, vmctx::STORE_EXCEPTION);
        let code = self.b.ins().iconst(I32, vmctx::trap_code::EXCEPTION as i64);
        self.b.ins().store(vm_data(), code, self.store_ctx, vmctx::STORE_TRAP_CODE);
        let to = self.catching_block();
        self.b.ins().jump(to, &[]);
    }

    /// Catches the exception being thrown, in a block of a dispatch that found a clause for it:
    /// its payload if `tag` is the clause's (`None`: a `catch_all`, none), then its exnref if
    /// `with_ref`. The trap code is cleared, and this function's call depth is its own again
    /// (the frames the exception left returned without restoring theirs).
    fn take_exception(&mut self, tag: Option<u32>, with_ref: bool) -> Vec<Value> {
        let tys: Vec<Type> = self.env.module.caught_payload(tag).iter().map(|t| clif_type(*t)).collect();
        let mut vals = Vec::new();
        if !tys.is_empty() {
            let cells: i32 = tys.iter().map(|t| cells_of(*t)).sum();
            let ptr = self.spill(&[], cells);
            self.libcall(Libcall::TakePayload, &[ptr]);
            vals = self.load_cells(ptr, &tys);
        }
        if with_ref {
            vals.push(self.b.ins().load(I64, vm_data(), self.store_ctx, vmctx::STORE_EXCEPTION));
        }
        let zero = self.b.ins().iconst(I32, 0);
        self.b.ins().store(vm_data(), zero, self.store_ctx, vmctx::STORE_TRAP_CODE);
        if let Some(d) = self.entry_depth {
            let d1 = self.b.ins().iadd_imm(d, 1);
            self.b.ins().store(vm_data(), d1, self.store_ctx, vmctx::STORE_CALL_DEPTH);
        }
        vals
    }

    /// A catch clause's test of the exception being thrown, in the current block: on to a new
    /// block (the current one after) if its tag is `tag`, else to `next`; a `catch_all`
    /// (`None`) takes any, with no test.
    fn test_tag(&mut self, tag: Option<u32>, next: Block) {
        if let Some(tag) = tag {
            let take = self.b.create_block();
            self.b.set_cold_block(take);
            let t = self.b.ins().iconst(I32, tag as i64);
            let is = self.libcall(Libcall::ExceptionTagIs, &[t])[0];
            self.b.ins().brif(is, take, &[], next, &[]);
            self.b.switch_to_block(take);
            self.b.seal_block(take);
        }
    }

    /// Fills `dispatch`, where a trap code set inside a `try` goes: a trap on to the unwind
    /// block, an exception to `test`.
    fn fill_dispatch(&mut self, dispatch: Block, test: Block) {
        self.b.switch_to_block(dispatch);
        let code = self.b.ins().load(I32, vm_data(), self.store_ctx, vmctx::STORE_TRAP_CODE);
        let thrown = self.b.ins().icmp_imm(IntCC::Equal, code, vmctx::trap_code::EXCEPTION as i64);
        let unwind = self.unwind_block();
        self.b.ins().brif(thrown, test, &[], unwind, &[]);
    }

    /// A legacy `catch` (`tag`) or `catch_all` of `frame`: the part before goes to the end with
    /// its results; the clause's test joins the chain of the `try`'s dispatch (filled at the
    /// first one, when the body ends), and the arm starts with the payload as its operands.
    fn legacy_catch(&mut self, frame: &mut Frame<'_>, tag: Option<u32>) {
        if !frame.unreachable {
            frame.payload.dest_used = true;
            let vals = self.top(frame.results.len());
            self.b.ins().jump(frame.payload.dest, &block_args(&vals));
        }
        let first = frame.kind == Kind::Try;
        let lt = frame.payload.legacy.as_mut().expect("a legacy try");
        let (dispatch, test) = (lt.dispatch, lt.next_test);
        if first {
            // The body ends: its arms are covered by what is around the `try`.
            self.tries.pop();
            frame.payload.inside = frame.payload.legacy.as_ref().and_then(|l| l.outer);
            self.fill_dispatch(dispatch, test);
        }
        self.b.switch_to_block(test);
        self.b.seal_block(test);
        let next = self.b.create_block();
        self.b.set_cold_block(next);
        let tys: Vec<Type> = self.env.module.caught_payload(tag).iter().map(|t| clif_type(*t)).collect();
        let arm = self.b.create_block();
        for t in tys.iter().chain([&I64]) {
            self.b.append_block_param(arm, *t);
        }
        self.test_tag(tag, next);
        let vals = self.take_exception(tag, true);
        self.b.ins().jump(arm, &block_args(&vals));
        self.continue_in(arm);
        let params = self.b.block_params(arm).to_vec();
        self.stack.truncate(frame.height);
        self.stack.extend_from_slice(&params[..params.len() - 1]);
        let lt = frame.payload.legacy.as_mut().expect("a legacy try");
        lt.caught = params.last().copied();
        lt.next_test = next;
    }

    /// A `try_table`'s catch clauses (exception handling): a cold dispatch block that the code
    /// inside goes to when a call ends with a trap code set (`check_trap`) or a `throw` starts
    /// an exception. A trap goes on to the unwind block; an exception is tested against each
    /// clause in order, and the first that takes it branches to its label with the payload
    /// (and the exnref), the trap code cleared; none does: on to the next `try_table` out.
    /// Opens a fresh block for the body, as the walk opens its frame next (`open`).
    fn try_table(&mut self, catches: &[wasmparser::Catch], ctrl: &mut Control<'_>) {
        let outer = self.catching_block();
        if catches.is_empty() {
            let inherited = self.tries.last().copied().flatten();
            self.tries.push(inherited);
            return;
        }
        let body = self.b.create_block();
        self.b.ins().jump(body, &[]);
        let dispatch = self.b.create_block();
        self.b.set_cold_block(dispatch);
        let mut test = self.b.create_block();
        self.b.set_cold_block(test);
        self.fill_dispatch(dispatch, test);
        for c in catches {
            let (tag, depth, with_ref) = crate::wasm::func::catch_clause(c);
            self.b.switch_to_block(test);
            self.b.seal_block(test);
            let next = self.b.create_block();
            self.b.set_cold_block(next);
            self.test_tag(tag, next);
            let vals = self.take_exception(tag, with_ref);
            let frame = ctrl.label_mut(depth);
            if frame.kind != Kind::Loop {
                frame.payload.dest_used = true;
            }
            let target = label_block(frame);
            self.b.ins().jump(target, &block_args(&vals));
            test = next;
        }
        // No clause takes it: the `try_table` around, if any, may.
        self.b.switch_to_block(test);
        self.b.seal_block(test);
        self.b.ins().jump(outer, &[]);
        self.tries.push(Some(dispatch));
        self.continue_in(body);
    }

    fn stack_check(&mut self) {
        let sp = self.b.ins().get_stack_pointer(I64);
        let limit = self.b.ins().load(I64, vm_data(), self.store_ctx, vmctx::STORE_STACK_LIMIT);
        let low = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        self.trap_if(low, TrapCode::CallStackExhausted);
    }

    /// Calls listener libcall `lc` with this function's index and `vals` spilled as cells;
    /// a panic in the listener becomes a pending trap, checked here.
    fn listen(&mut self, lc: Libcall, vals: &[Value]) {
        let ptr = self.spill(vals, 0);
        let f = self.b.ins().iconst(I32, self.func_index as i64);
        self.libcall(lc, &[f, ptr]);
        self.check_trap();
    }

    /// Takes `cost` units of fuel, or traps with "fuel exhausted" (taking none) if fewer are
    /// left. The fuel lives in memory, not in a variable: host functions may read or add to it.
    fn consume_fuel(&mut self, cost: u32) {
        let limits = self.limits.expect("loaded on entry when fuel is on");
        let fuel = self.b.ins().load(I64, vm_data(), limits, VMLimits::FUEL);
        let short = self.b.ins().icmp_imm(IntCC::UnsignedLessThan, fuel, cost as i64);
        self.trap_if(short, TrapCode::FuelExhausted);
        let left = self.b.ins().iadd_imm(fuel, -(cost as i64));
        self.b.ins().store(vm_data(), left, limits, VMLimits::FUEL);
    }

    /// Traps with "interrupted" if the interrupt flag is set. The load is atomic so that
    /// Cranelift can neither hoist it out of a loop nor reuse an earlier one.
    fn check_interrupt(&mut self) {
        let Some(flag) = self.interrupt_flag else { return };
        let v = self.b.ins().atomic_load(I32, MemFlags::trusted(), flag);
        self.trap_if(v, TrapCode::Interrupted);
    }

    /// Reloads memory 0's base and length after anything that may move or grow it. A guarded
    /// memory's base never moves and its length is not kept.
    fn reload_memory(&mut self) {
        if !self.env.memory_guarded(0) {
            self.load_memory();
        }
    }

    /// Loads memory 0's base and (explicitly checked memories) length into their variables.
    fn load_memory(&mut self) {
        let (Some(def), Some(base)) = (self.mem_def, self.mem_base) else { return };
        let bv = self.b.ins().load(I64, vm_data(), def, vmctx::MEMORY_BASE);
        self.b.def_var(base, bv);
        if let Some(len) = self.mem_len {
            let lv = self.b.ins().load(I64, vm_data(), def, vmctx::MEMORY_LENGTH);
            self.b.def_var(len, lv);
        }
    }

    fn sig(&mut self, type_index: u32) -> SigRef {
        if let Some(s) = self.sigs.get(&type_index) {
            return *s;
        }
        let sig = wasm_signature(&self.env.module.types[type_index as usize]);
        let s = self.b.import_signature(sig);
        self.sigs.insert(type_index, s);
        s
    }

    /// Calls libcall `lc` with the VMContext and `args`; returns its results.
    fn libcall(&mut self, lc: Libcall, args: &[Value]) -> Vec<Value> {
        let sig = match self.libcall_sigs.get(&lc.index()) {
            Some(s) => *s,
            None => {
                let s = self.b.import_signature(lc.signature(self.env.host_cc));
                self.libcall_sigs.insert(lc.index(), s);
                s
            }
        };
        let off = vmctx::STORE_LIBCALLS + 8 * lc.index() as i32;
        let f = self.b.ins().load(I64, readonly(), self.store_ctx, off);
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        let inst = self.b.ins().call_indirect(sig, f, &all);
        self.b.inst_results(inst).to_vec()
    }

    /// Stores `vals` as cells in a fresh stack slot with room for at least `min_cells` cells;
    /// returns its address.
    fn spill(&mut self, vals: &[Value], min_cells: i32) -> Value {
        let cells: i32 = vals.iter().map(|v| cells_of(self.b.func.dfg.value_type(*v))).sum();
        let size = (cells.max(min_cells).max(1) * 8) as u32;
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 4));
        let ptr = self.b.ins().stack_addr(I64, slot, 0);
        let mut off = 0;
        for v in vals {
            store_cell(&mut self.b, *v, ptr, off);
            off += 8 * cells_of(self.b.func.dfg.value_type(*v));
        }
        ptr
    }

    /// Calls host function `addr` (an i32 store address) through the `host_call` libcall.
    fn host_call(&mut self, addr: Value, args: &[Value], results: &[Type]) -> Vec<Value> {
        let nres: i32 = results.iter().map(|t| cells_of(*t)).sum();
        let ptr = self.spill(args, nres);
        self.libcall(Libcall::HostCall, &[addr, ptr]);
        self.load_cells(ptr, results)
    }

    /// Values of types `tys` from consecutive cells at `ptr` (a v128 takes two), as `spill`
    /// lays them out.
    fn load_cells(&mut self, ptr: Value, tys: &[Type]) -> Vec<Value> {
        let mut off = 0;
        let mut out = Vec::with_capacity(tys.len());
        for t in tys {
            out.push(load_cell(&mut self.b, *t, ptr, off));
            off += 8 * cells_of(*t);
        }
        out
    }

    /// Calls `code` (null: the host function `addr`) with VMContext `callee_vmctx`.
    fn call_either(&mut self, type_index: u32, code: Value, callee_vmctx: Value, addr: Value, args: &[Value]) -> Vec<Value> {
        let ty = self.env.module.types[type_index as usize].clone();
        let results: Vec<Type> = ty.results().iter().map(|t| clif_type(*t)).collect();
        let wasm = self.b.create_block();
        let host = self.b.create_block();
        self.b.set_cold_block(host);
        let join = self.block_with_params(ty.results());
        self.b.ins().brif(code, wasm, &[], host, &[]);
        self.continue_in(wasm);
        let sig = self.sig(type_index);
        let mut all = vec![callee_vmctx];
        all.extend_from_slice(args);
        let inst = self.b.ins().call_indirect(sig, code, &all);
        let r = self.b.inst_results(inst).to_vec();
        self.b.ins().jump(join, &block_args(&r));
        self.continue_in(host);
        let r = self.host_call(addr, args, &results);
        self.b.ins().jump(join, &block_args(&r));
        self.continue_in(join);
        self.b.block_params(join).to_vec()
    }

    fn after_call(&mut self, results: Vec<Value>) {
        self.check_trap();
        self.reload_memory();
        self.stack.extend(results);
    }

    /// Tail-calls `code` (null: the host function `addr`) with VMContext `callee_vmctx`: a
    /// wasm callee returns to this function's caller; a host one is called, then this function
    /// returns its results.
    fn tail_call_either(&mut self, type_index: u32, code: Value, callee_vmctx: Value, addr: Value, args: &[Value]) {
        let results = self.results.clone();
        let wasm = self.b.create_block();
        let host = self.b.create_block();
        self.b.set_cold_block(host);
        self.b.ins().brif(code, wasm, &[], host, &[]);
        self.continue_in(wasm);
        self.restore_depth();
        let sig = self.sig(type_index);
        let mut all = vec![callee_vmctx];
        all.extend_from_slice(args);
        self.b.ins().return_call_indirect(sig, code, &all);
        self.continue_in(host);
        let r = self.host_call(addr, args, &results);
        self.check_trap();
        self.restore_depth();
        self.b.ins().return_(&r);
    }

    /// Puts the call depth back to what it was on entry, before this function returns or
    /// tail-calls (when the depth is limited).
    fn restore_depth(&mut self) {
        if let Some(d) = self.entry_depth {
            self.b.ins().store(vm_data(), d, self.store_ctx, vmctx::STORE_CALL_DEPTH);
        }
    }

    /// Pops the `n` arguments of a call.
    fn pop_args(&mut self, n: usize) -> Vec<Value> {
        let args = self.top(n);
        self.stack.truncate(self.stack.len() - n);
        args
    }

    /// `call` of function `func` (`tail`: `return_call`, which ends the block).
    fn call(&mut self, func: u32, tail: bool) {
        let m = self.env.module;
        let type_index = m.funcs[func as usize];
        let n = m.types[type_index as usize].params().len();
        let args = self.pop_args(n);
        let results = if func >= m.num_imported_funcs && self.env.direct_calls {
            let defined = func - m.num_imported_funcs;
            let sig = self.sig(type_index);
            let fref = match self.callees.get(&defined) {
                Some(f) => *f,
                None => {
                    let name = self.b.func.declare_imported_user_function(UserExternalName::new(0, defined));
                    let f = self.b.import_function(ExtFuncData {
                        name: ExternalName::user(name),
                        signature: sig,
                        colocated: true,
                    });
                    self.callees.insert(defined, f);
                    f
                }
            };
            let mut all = vec![self.vmctx];
            all.extend_from_slice(&args);
            if tail {
                self.restore_depth();
                self.b.ins().return_call(fref, &all);
                return;
            }
            let inst = self.b.ins().call(fref, &all);
            self.b.inst_results(inst).to_vec()
        } else if func >= m.num_imported_funcs {
            let off = self.env.offsets.defined_code(func - m.num_imported_funcs);
            let code = self.b.ins().load(I64, readonly(), self.vmctx, off);
            let sig = self.sig(type_index);
            let mut all = vec![self.vmctx];
            all.extend_from_slice(&args);
            if tail {
                self.restore_depth();
                self.b.ins().return_call_indirect(sig, code, &all);
                return;
            }
            let inst = self.b.ins().call_indirect(sig, code, &all);
            self.b.inst_results(inst).to_vec()
        } else {
            let off = self.env.offsets.imported_func(func);
            let code = self.b.ins().load(I64, readonly(), self.vmctx, off + vmctx::IMPORT_CODE);
            let cvm = self.b.ins().load(I64, readonly(), self.vmctx, off + vmctx::IMPORT_VMCTX);
            let addr = self.b.ins().load(I32, readonly(), self.vmctx, self.env.offsets.func_addr(func));
            if tail {
                self.tail_call_either(type_index, code, cvm, addr, &args);
                return;
            }
            self.call_either(type_index, code, cvm, addr, &args)
        };
        self.after_call(results);
    }

    /// Calls (`tail`: tail-calls) store function `addr64` (an i64 store address) of type
    /// `type_index` through the store's funcrefs, with `args`.
    fn call_funcref(&mut self, type_index: u32, addr64: Value, args: &[Value], tail: bool) {
        let fr = self.funcref_of(addr64);
        let code = self.b.ins().load(I64, vm_data(), fr, vmctx::FUNCREF_CODE);
        let cvm = self.b.ins().load(I64, vm_data(), fr, vmctx::FUNCREF_VMCTX);
        let addr = self.b.ins().ireduce(I32, addr64);
        if tail {
            self.tail_call_either(type_index, code, cvm, addr, args);
        } else {
            let results = self.call_either(type_index, code, cvm, addr, args);
            self.after_call(results);
        }
    }

    /// The address of the store's funcref of function `addr64` (an i64 store address).
    fn funcref_of(&mut self, addr64: Value) -> Value {
        let funcrefs = self.b.ins().load(I64, vm_data(), self.store_ctx, vmctx::STORE_FUNCREFS);
        let scaled = self.b.ins().imul_imm(addr64, vmctx::FUNCREF_SIZE);
        self.b.ins().iadd(funcrefs, scaled)
    }

    /// `call_ref` of type `type_index` (`tail`: `return_call_ref`): traps on a null reference;
    /// validation checked the callee's type.
    fn call_ref(&mut self, type_index: u32, tail: bool) {
        let cell = self.pop();
        let n = self.env.module.types[type_index as usize].params().len();
        let args = self.pop_args(n);
        self.trap_unless(cell, TrapCode::NullFunctionReference);
        let addr64 = self.b.ins().iadd_imm(cell, -1);
        self.call_funcref(type_index, addr64, &args, tail);
    }

    /// `call_indirect` of type `type_index` through `table` (`tail`: `return_call_indirect`).
    fn call_indirect(&mut self, type_index: u32, table: u32, tail: bool) {
        let m = self.env.module;
        let index = self.pop();
        let n = m.types[type_index as usize].params().len();
        let args = self.pop_args(n);
        let (base, len) = self.table_def(table);
        let idx = self.to_u64(index, self.env.table64(table));
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, idx, len);
        self.trap_if(oob, TrapCode::UndefinedElement);
        let p = self.elem_addr(base, idx);
        let cell = self.b.ins().load(I64, table_flags(), p, 0);
        self.trap_unless(cell, TrapCode::UninitializedElement);
        let addr64 = self.b.ins().iadd_imm(cell, -1);
        let fr = self.funcref_of(addr64);
        let tid = self.b.ins().load(I32, vm_data(), fr, vmctx::FUNCREF_TYPE_ID);
        let expected = self.b.ins().load(I32, readonly(), self.vmctx, self.env.offsets.type_id(type_index));
        // The same type (the common case) or, out of line, a declared subtype.
        let ne = self.b.ins().icmp(IntCC::NotEqual, tid, expected);
        let (slow, cont) = (self.b.create_block(), self.b.create_block());
        self.b.set_cold_block(slow);
        let carry = self.b.current_block() == self.checked_in;
        self.b.ins().brif(ne, slow, &[], cont, &[]);
        self.continue_in(slow);
        let sub = self.libcall(Libcall::IsSubtype, &[tid, expected])[0];
        self.trap_unless(sub, TrapCode::IndirectCallTypeMismatch);
        self.b.ins().jump(cont, &[]);
        self.continue_in(cont);
        // Both ways here come from the block the bounds checks were made in, and the subtype
        // check leaves memory alone: they still hold (as after `trap_if`).
        if carry {
            self.checked_in = Some(cont);
        }
        self.call_funcref(type_index, addr64, &args, tail);
    }

    /// Base and length of table `t`.
    fn table_def(&mut self, t: u32) -> (Value, Value) {
        let def = self.b.ins().load(I64, readonly(), self.vmctx, self.env.offsets.table(t));
        let base = self.b.ins().load(I64, vm_data(), def, vmctx::TABLE_BASE);
        let len = self.b.ins().load(I64, vm_data(), def, vmctx::TABLE_LENGTH);
        (base, len)
    }

    fn elem_addr(&mut self, base: Value, idx: Value) -> Value {
        let off = self.b.ins().ishl_imm(idx, 3);
        self.b.ins().iadd(base, off)
    }

    /// The checked native address of a `size`-byte access at the popped address (an i32, or
    /// an i64 for a 64-bit memory) of memory `memarg.memory`, and the static offset to add to
    /// it. Sets `heap` to the access's flags.
    fn mem_addr(&mut self, memarg: &MemArg, size: u32) -> (Value, i32) {
        let addr = self.pop();
        let m = match crate::wasm::memarg_memory(memarg) {
            Ok(m) => m,
            Err(e) => {
                // Reported after the operator (`op`); memory 0 keeps the IR well-formed.
                self.failed = Some(e);
                0
            }
        };
        let guarded = self.env.memory_guarded(m);
        self.heap = heap(guarded);
        let ea = if self.env.memory64(m) {
            if memarg.offset.saturating_add(size as u64) > crate::vm::MAX_MEMORY64_BYTES {
                // No 64-bit memory has a byte at that offset: the access always traps.
                let one = self.b.ins().iconst(I8, 1);
                self.trap_if(one, TrapCode::MemoryOutOfBounds);
            }
            // The memory is shorter than 2^32 bytes, so an address of 2^32 or more is out of
            // bounds whatever the offset.
            const _: () = assert!(crate::vm::MAX_MEMORY64_BYTES < 1 << 32);
            if guarded {
                // Trapped here, the address is then within the reservation, as a 32-bit one
                // is: a compare and a branch predicted not taken, off the address's dependency
                // chain (a clamp, `umin`, put a `cmov` on it: 1.4x the 32-bit loop's time).
                self.high_address_check(m, addr);
                addr
            } else {
                // Clamped, an address is out of bounds when it was, and the explicit check's
                // sum with an offset below 2^32 stays within 64 bits.
                let cap = self.b.ins().iconst(I64, 1i64 << 32);
                self.b.ins().umin(addr, cap)
            }
        } else {
            self.b.ins().uextend(I64, addr)
        };
        let base = if m == 0 {
            let base = self.mem_base.expect("validated: memory");
            if let Some(len) = self.mem_len {
                let len = self.b.use_var(len);
                self.bounds_check(m, addr, ea, memarg.offset, size, len);
            }
            self.b.use_var(base)
        } else {
            // Another memory: its definition holds base and length (read here, as a call or
            // `memory.grow` may have changed them).
            let def = self.b.ins().load(I64, readonly(), self.vmctx, self.env.offsets.memory(m));
            if !guarded {
                let len = self.b.ins().load(I64, vm_data(), def, vmctx::MEMORY_LENGTH);
                self.bounds_check(m, addr, ea, memarg.offset, size, len);
            }
            self.b.ins().load(I64, vm_data(), def, vmctx::MEMORY_BASE)
        };
        let p = self.b.ins().iadd(base, ea);
        if memarg.offset <= i32::MAX as u64 {
            (p, memarg.offset as i32)
        } else {
            // Wrapping is harmless: the bounds check (or, guarded, the reservation) placed the
            // sum within the memory.
            (self.b.ins().iadd_imm(p, memarg.offset as i64), 0)
        }
    }

    /// Traps unless the `size` bytes at `offset` from address `addr` (`ea` zero-extended, or
    /// for a 64-bit memory clamped to 2^32) of memory `m` lie within its length `len`, unless
    /// the same straight-line path checked that. `ea` is
    /// below 2^32 + 1 and an offset that could overflow was trapped on before (`mem_addr`), so
    /// the end cannot wrap.
    fn bounds_check(&mut self, m: u32, addr: Value, ea: Value, offset: u64, size: u32, len: Value) {
        if self.checked_in != self.b.current_block() {
            self.checked.clear();
            self.checked_in = self.b.current_block();
        }
        let Some(end_offset) = offset.checked_add(size as u64).filter(|&e| e <= 1 << 33) else {
            // Only a 64-bit memory's offsets go this far, and `mem_addr` trapped on them.
            return;
        };
        if self.checked.iter().any(|&(mm, a, e)| mm == m && a == addr && e >= end_offset) {
            return;
        }
        // At most 2^32 plus an offset below 2^32 plus 16: no wrap in 64 bits.
        let end = self.b.ins().iadd_imm(ea, end_offset as i64);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, len);
        self.trap_if(oob, TrapCode::MemoryOutOfBounds);
        match self.checked.iter().position(|&(mm, a, _)| mm == m && a == addr) {
            Some(i) => self.checked[i].2 = end_offset,
            None if self.checked.len() < MAX_CHECKED => self.checked.push((m, addr, end_offset)),
            None => self.checked[0] = (m, addr, end_offset),
        }
    }

    /// Traps unless 64-bit address `addr` of guarded memory `m` is below 2^32, unless the same
    /// straight-line path checked that (remembered in `checked` with an end offset of 0, which
    /// no explicit check records: a guarded memory has none).
    fn high_address_check(&mut self, m: u32, addr: Value) {
        if self.checked_in != self.b.current_block() {
            self.checked.clear();
            self.checked_in = self.b.current_block();
        }
        if self.checked.iter().any(|&(mm, a, _)| mm == m && a == addr) {
            return;
        }
        let high = self.b.ins().icmp_imm(IntCC::UnsignedGreaterThan, addr, u32::MAX as i64);
        self.trap_if(high, TrapCode::MemoryOutOfBounds);
        if self.checked.len() < MAX_CHECKED {
            self.checked.push((m, addr, 0));
        } else {
            self.checked[0] = (m, addr, 0);
        }
    }

    /// The length in bytes of memory `m`, now.
    fn memory_length(&mut self, m: u32) -> Value {
        match self.mem_len {
            Some(len) if m == 0 => self.b.use_var(len),
            _ => {
                let def = if m == 0 {
                    self.mem_def.expect("validated: memory")
                } else {
                    self.b.ins().load(I64, readonly(), self.vmctx, self.env.offsets.memory(m))
                };
                self.b.ins().load(I64, vm_data(), def, vmctx::MEMORY_LENGTH)
            }
        }
    }

    /// The memory an atomic instruction names (any memory; an error for a GC-array target).
    fn atomic_memory(&self, memarg: &MemArg, op: &Operator) -> Result<u32, CompileError> {
        crate::wasm::memarg_memory(memarg).map_err(|_| unsupported(op))
    }

    /// The address operand of an atomic access to memory `m`, as an i64 (zero-extended from a
    /// 32-bit memory's i32).
    fn atomic_addr(&mut self, m: u32, addr: Value) -> Value {
        if self.env.memory64(m) { addr } else { self.b.ins().uextend(I64, addr) }
    }

    /// Traps with "unaligned atomic" unless the effective address (the popped address plus the
    /// offset, wrapping: the low bits are the true sum's) of an atomic access of `bytes` to
    /// memory `m` is a multiple of `bytes`; before the bounds check, as in the Interpreter
    /// (`wasm::atomics`).
    fn atomic_ea(&mut self, m: u32, addr: Value, memarg: &MemArg, bytes: u64) {
        let ea = self.atomic_addr(m, addr);
        let ea = self.b.ins().iadd_imm(ea, memarg.offset as i64);
        if bytes > 1 {
            let low = self.b.ins().band_imm(ea, bytes as i64 - 1);
            let unaligned = self.b.ins().icmp_imm(IntCC::NotEqual, low, 0);
            self.trap_if(unaligned, TrapCode::UnalignedAtomic);
        }
    }

    /// An atomic load, store, read-modify-write or compare-exchange (`wasm::atomics`).
    fn atomic(&mut self, a: crate::wasm::atomics::AtomicAccess, op: &Operator) -> Result<(), CompileError> {
        use crate::wasm::atomics::{AtomicOp, RmwOp};
        use cranelift_codegen::ir::AtomicRmwOp;
        let m = self.atomic_memory(&a.memarg, op)?;
        let mut vals: Vec<Value> = (1..a.operands()).map(|_| self.pop()).collect();
        vals.reverse();
        let addr = self.pop();
        self.atomic_ea(m, addr, &a.memarg, a.bytes());
        self.push(addr);
        let (p, off) = self.mem_addr(&a.memarg, a.bytes() as u32);
        // Atomic instructions take no offset immediate.
        let p = if off != 0 { self.b.ins().iadd_imm(p, off as i64) } else { p };
        let ty = [I8, I16, I32, I64][a.width_log2 as usize];
        let rt = if a.i64 { I64 } else { I32 };
        let narrow = |b: &mut FunctionBuilder, v: Value| if ty == rt { v } else { b.ins().ireduce(ty, v) };
        let widen = |b: &mut FunctionBuilder, v: Value| if ty == rt { v } else { b.ins().uextend(rt, v) };
        let heap = self.heap;
        match a.op {
            AtomicOp::Load => {
                let v = self.b.ins().atomic_load(ty, heap, p);
                let v = widen(&mut self.b, v);
                self.push(v);
            }
            AtomicOp::Store => {
                let v = narrow(&mut self.b, vals[0]);
                self.b.ins().atomic_store(heap, v, p);
            }
            AtomicOp::Rmw(r) => {
                let op = match r {
                    RmwOp::Add => AtomicRmwOp::Add,
                    RmwOp::Sub => AtomicRmwOp::Sub,
                    RmwOp::And => AtomicRmwOp::And,
                    RmwOp::Or => AtomicRmwOp::Or,
                    RmwOp::Xor => AtomicRmwOp::Xor,
                    RmwOp::Xchg => AtomicRmwOp::Xchg,
                };
                let v = narrow(&mut self.b, vals[0]);
                let old = self.b.ins().atomic_rmw(ty, heap, op, p, v);
                let old = widen(&mut self.b, old);
                self.push(old);
            }
            AtomicOp::Cmpxchg => {
                let e = narrow(&mut self.b, vals[0]);
                let r = narrow(&mut self.b, vals[1]);
                let old = self.b.ins().atomic_cas(heap, p, e, r);
                let old = widen(&mut self.b, old);
                self.push(old);
            }
        }
        Ok(())
    }

    /// `v`, an address or length of a memory or table whose addresses are i64 if `is64`, as an
    /// i64: zero-extended if it is an i32.
    fn to_u64(&mut self, v: Value, is64: bool) -> Value {
        if is64 { v } else { self.b.ins().uextend(I64, v) }
    }

    /// An i64 table index, length or delta narrowed to an i32 that is out of bounds when it
    /// was: `min(v, 2^32 - 1)`. No table has 2^32 - 1 elements (`vm::MAX_TABLE_ELEMS`).
    fn narrow_index(&mut self, v: Value) -> Value {
        let max = self.b.ins().iconst(I64, u32::MAX as i64);
        let m = self.b.ins().umin(v, max);
        self.b.ins().ireduce(I32, m)
    }

    fn load(&mut self, memarg: &MemArg, size: u32, f: impl FnOnce(&mut FunctionBuilder, MemFlags, Value, i32) -> Value) {
        let (p, off) = self.mem_addr(memarg, size);
        let v = f(&mut self.b, self.heap, p, off);
        self.push(v);
    }

    fn store(&mut self, memarg: &MemArg, size: u32, narrow: Option<Type>) {
        let v = self.pop();
        let (p, off) = self.mem_addr(memarg, size);
        match narrow {
            None => {
                self.b.ins().store(self.heap, v, p, off);
            }
            Some(I8) => {
                self.b.ins().istore8(self.heap, v, p, off);
            }
            Some(I16) => {
                self.b.ins().istore16(self.heap, v, p, off);
            }
            Some(_) => {
                self.b.ins().istore32(self.heap, v, p, off);
            }
        }
    }

    fn global_ptr(&mut self, g: u32) -> Value {
        self.b.ins().load(I64, readonly(), self.vmctx, self.env.offsets.global(g))
    }

    fn bool_to_i32(&mut self, c: Value) -> Value {
        self.b.ins().uextend(I32, c)
    }

    fn icmp(&mut self, cc: IntCC) {
        let (a, b) = self.pop2();
        let c = self.b.ins().icmp(cc, a, b);
        let v = self.bool_to_i32(c);
        self.push(v);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (a, b) = self.pop2();
        let c = self.b.ins().fcmp(cc, a, b);
        let v = self.bool_to_i32(c);
        self.push(v);
    }

    /// Integer division and remainder with the spec's traps checked first.
    fn div(&mut self, ty: Type, signed: bool, rem: bool) {
        let (a, b) = self.pop2();
        self.trap_unless(b, TrapCode::IntegerDivideByZero);
        if signed && !rem {
            let min = if ty == I32 { i32::MIN as i64 } else { i64::MIN };
            let is_min = self.b.ins().icmp_imm(IntCC::Equal, a, min);
            let is_m1 = self.b.ins().icmp_imm(IntCC::Equal, b, -1);
            let both = self.b.ins().band(is_min, is_m1);
            self.trap_if(both, TrapCode::IntegerOverflow);
        }
        let v = match (signed, rem) {
            (true, false) => self.b.ins().sdiv(a, b),
            (false, false) => self.b.ins().udiv(a, b),
            // Cranelift defines `srem` of MIN by -1 as 0, as wasm does.
            (true, true) => self.b.ins().srem(a, b),
            (false, true) => self.b.ins().urem(a, b),
        };
        self.push(v);
    }

    /// Trapping float-to-int truncation: NaN traps "invalid conversion", values outside the
    /// exclusive bounds `(lo, hi)` trap "integer overflow" (the bounds of `interp/num.rs`).
    fn trunc(&mut self, to: Type, signed: bool) {
        let x = self.pop();
        let from = self.b.func.dfg.value_type(x);
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        self.trap_if(nan, TrapCode::InvalidConversionToInteger);
        let (lo, hi): (f64, f64) = match (to, signed, from) {
            (I32, true, F32) => (-2147483904.0, 2147483648.0),
            (I32, true, _) => (-2147483649.0, 2147483648.0),
            (I32, false, _) => (-1.0, 4294967296.0),
            (_, true, F32) => (-9223373136366403584.0, 9223372036854775808.0),
            (_, true, _) => (-9223372036854777856.0, 9223372036854775808.0),
            (_, false, _) => (-1.0, 18446744073709551616.0),
        };
        let (lo, hi) = if from == F32 {
            (self.b.ins().f32const(lo as f32), self.b.ins().f32const(hi as f32))
        } else {
            (self.b.ins().f64const(lo), self.b.ins().f64const(hi))
        };
        let above = self.b.ins().fcmp(FloatCC::GreaterThan, x, lo);
        let below = self.b.ins().fcmp(FloatCC::LessThan, x, hi);
        let ok = self.b.ins().band(above, below);
        self.trap_unless(ok, TrapCode::IntegerOverflow);
        let v = if signed { self.b.ins().fcvt_to_sint(to, x) } else { self.b.ins().fcvt_to_uint(to, x) };
        self.push(v);
    }

    fn unary(&mut self, f: impl FnOnce(&mut FunctionBuilder, Value) -> Value) {
        let a = self.pop();
        let v = f(&mut self.b, a);
        self.push(v);
    }

    fn binary(&mut self, f: impl FnOnce(&mut FunctionBuilder, Value, Value) -> Value) {
        let (a, b) = self.pop2();
        let v = f(&mut self.b, a, b);
        self.push(v);
    }

    fn i32const(&mut self, v: i64) -> Value {
        self.b.ins().iconst(I32, v)
    }

    /// Branches to label `depth` with its values from the stack top.
    fn br(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        let frame = ctrl.label_mut(depth);
        let target = label_block(frame);
        if frame.kind != Kind::Loop {
            frame.payload.dest_used = true;
        }
        let vals = self.top(frame.label.len());
        self.b.ins().jump(target, &block_args(&vals));
    }

    /// Branches to label `depth` if the condition on the stack top is non-zero.
    fn br_if(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        let cond = self.pop();
        let mut edges = Vec::new();
        let target = self.label_edge(depth, ctrl, &mut edges);
        let cont = self.b.create_block();
        self.b.ins().brif(cond, target, &[], cont, &[]);
        self.fill_edges(edges, ctrl);
        self.continue_in(cont);
    }

    /// Branches to the label `targets[index]` (`default` past the end), the index on the
    /// stack top.
    fn br_table(&mut self, targets: &[u32], default: u32, ctrl: &mut Control<'_>) {
        let index = self.pop();
        let mut edges = Vec::new();
        let mut calls = Vec::new();
        for &depth in targets {
            let blk = self.label_edge(depth, ctrl, &mut edges);
            calls.push(self.b.func.dfg.block_call(blk, &[]));
        }
        let def = self.label_edge(default, ctrl, &mut edges);
        let def = self.b.func.dfg.block_call(def, &[]);
        let jt = self.b.create_jump_table(JumpTableData::new(def, &calls));
        self.b.ins().br_table(index, jt);
        self.fill_edges(edges, ctrl);
    }

    /// A block for label `depth` usable in a conditional branch or a jump table (which pass no
    /// values): the label itself when it takes no values, else an edge block that passes them,
    /// recorded in `edges` to be filled by `fill_edges` once the branch is emitted.
    fn label_edge(&mut self, depth: u32, ctrl: &mut Control<'_>, edges: &mut Vec<(u32, Block)>) -> Block {
        let frame = ctrl.label_mut(depth);
        if frame.kind != Kind::Loop {
            frame.payload.dest_used = true;
        }
        if frame.label.is_empty() {
            return label_block(frame);
        }
        if let Some((_, b)) = edges.iter().find(|(d, _)| *d == depth) {
            return *b;
        }
        let edge = self.b.create_block();
        edges.push((depth, edge));
        edge
    }

    /// Fills the edge blocks made by `label_edge`; the current block must be terminated.
    fn fill_edges(&mut self, edges: Vec<(u32, Block)>, ctrl: &Control<'_>) {
        for (depth, edge) in edges {
            let frame = ctrl.label(depth);
            let vals = self.top(frame.label.len());
            self.b.switch_to_block(edge);
            self.b.seal_block(edge);
            self.b.ins().jump(label_block(frame), &block_args(&vals));
        }
    }

    /// Opens a block, loop or if (`frame`): the blocks where it ends and where its label is.
    fn open(&mut self, frame: &crate::wasm::func::Frame<'_, ()>) -> Label {
        let (params, results, height) = (frame.params, frame.results, frame.height);
        // (A `try_table`'s dispatch is already pushed, by `try_table`.)
        let inside = self.tries.last().copied().flatten();
        match frame.kind {
            Kind::Block | Kind::TryTable => {
                let dest = self.block_with_params(results);
                Label { dest, dest_used: false, start: dest, params: Vec::new(), inside, legacy: None }
            }
            Kind::Try => {
                let dest = self.block_with_params(results);
                let dispatch = self.b.create_block();
                self.b.set_cold_block(dispatch);
                let next_test = self.b.create_block();
                self.b.set_cold_block(next_test);
                self.tries.push(Some(dispatch));
                let legacy = LegacyTry { dispatch, next_test, outer: inside, caught: None, delegate: None };
                Label { dest, dest_used: false, start: dest, params: Vec::new(), inside: Some(dispatch), legacy: Some(legacy) }
            }
            Kind::Loop => {
                let header = self.block_with_params(params);
                let dest = self.block_with_params(results);
                let vals = self.top(params.len());
                self.b.ins().jump(header, &block_args(&vals));
                self.b.switch_to_block(header);
                self.stack.truncate(height);
                let hp = self.b.block_params(header).to_vec();
                self.stack.extend(hp);
                Label { dest, dest_used: false, start: header, params: Vec::new(), inside, legacy: None }
            }
            Kind::If => {
                let cond = self.pop();
                let dest = self.block_with_params(results);
                let then_block = self.b.create_block();
                let else_block = self.b.create_block();
                self.b.ins().brif(cond, then_block, &[], else_block, &[]);
                self.b.seal_block(else_block);
                self.continue_in(then_block);
                let pv = self.top(params.len());
                Label { dest, dest_used: false, start: else_block, params: pv, inside, legacy: None }
            }
            Kind::Func | Kind::Else | Kind::Catch => unreachable!("the walk opens blocks, loops, ifs and trys"),
        }
    }

    /// The `else` of `frame`: the first arm goes to the end, the second starts from the
    /// parameters.
    fn else_(&mut self, frame: &mut Frame<'_>) {
        let label = &mut frame.payload;
        if !frame.unreachable {
            label.dest_used = true;
            let vals = self.top(frame.results.len());
            self.b.ins().jump(label.dest, &block_args(&vals));
        }
        self.stack.truncate(frame.height);
        self.stack.append(&mut label.params);
        self.b.switch_to_block(label.start);
    }

    /// The `end` of `frame`: whether anything reaches its end block, where the code goes on.
    fn end(&mut self, frame: Frame<'_>) -> bool {
        let label = frame.payload;
        if !frame.unreachable {
            let vals = self.top(frame.results.len());
            self.b.ins().jump(label.dest, &block_args(&vals));
        }
        let mut dest_used = label.dest_used || !frame.unreachable;
        match frame.kind {
            Kind::If => {
                // No `else`: the false arm passes the parameters through (validation made the
                // types equal).
                self.b.switch_to_block(label.start);
                self.b.ins().jump(label.dest, &block_args(&label.params));
                dest_used = true;
            }
            Kind::Loop => self.b.seal_block(label.start),
            Kind::TryTable => {
                self.tries.pop();
            }
            // A `try` without catch clauses passes its exceptions on, or delegates them; after
            // the last arm, an exception no clause took goes on.
            Kind::Try | Kind::Catch => {
                let lt = label.legacy.as_ref().expect("a legacy try");
                let on = lt.delegate.unwrap_or(lt.outer);
                let on = on.unwrap_or_else(|| self.unwind_block());
                if frame.kind == Kind::Try {
                    self.tries.pop();
                    self.b.switch_to_block(lt.dispatch);
                    self.b.ins().jump(on, &[]);
                } else {
                    self.b.switch_to_block(lt.next_test);
                    self.b.seal_block(lt.next_test);
                    self.b.ins().jump(on, &[]);
                }
            }
            Kind::Func | Kind::Block | Kind::Else => {}
        }
        self.stack.truncate(frame.height);
        self.b.seal_block(label.dest);
        if dest_used {
            self.b.switch_to_block(label.dest);
            let vals = self.b.block_params(label.dest).to_vec();
            self.stack.extend(vals);
        }
        dest_used
    }

    fn lower(&mut self, op: Operator) -> Result<(), CompileError> {
        use Operator as O;
        if let Some(a) = crate::wasm::atomics::atomic_access(&op) {
            return self.atomic(a, &op);
        }
        match op {
            O::Unreachable => {
                let t = self.trap_block(TrapCode::Unreachable);
                self.b.ins().jump(t, &[]);
            }
            O::Throw { tag_index } => {
                let n = self.env.module.tag_payload(tag_index).len();
                let vals = self.pop_args(n);
                let ptr = self.spill(&vals, 0);
                let t = self.b.ins().iconst(I32, tag_index as i64);
                self.libcall(Libcall::Throw, &[t, ptr]);
                let to = self.catching_block();
                self.b.ins().jump(to, &[]);
            }
            O::ThrowRef => {
                let exn = self.pop();
                let null = self.b.ins().icmp_imm(IntCC::Equal, exn, 0);
                self.trap_if(null, TrapCode::NullExceptionReference);
                self.throw_exnref(exn);
            }
            O::Nop => {}
            O::Call { function_index } => self.call(function_index, false),
            O::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index, false),
            O::ReturnCall { function_index } => self.call(function_index, true),
            O::ReturnCallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index, true),
            O::CallRef { type_index } => self.call_ref(type_index, false),
            O::ReturnCallRef { type_index } => self.call_ref(type_index, true),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let (a, b, c) = self.pop3();
                let v = self.b.ins().select(c, a, b);
                self.push(v);
            }
            O::LocalGet { local_index } => {
                let v = self.b.use_var(self.locals[local_index as usize]);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.b.def_var(self.locals[local_index as usize], v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated");
                self.b.def_var(self.locals[local_index as usize], v);
            }
            // A global's value is a native u128 (vm::defs); scalars use its low 64 bits,
            // zero-extended like the Interpreter's cells.
            O::GlobalGet { global_index } => {
                let t = clif_type(self.env.module.globals[global_index as usize].content);
                let p = self.global_ptr(global_index);
                let v = load_value_bits(&mut self.b, t, p, vmctx::GLOBAL_LOW, vmctx::GLOBAL_HIGH);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let p = self.global_ptr(global_index);
                store_value_bits(&mut self.b, v, p, vmctx::GLOBAL_LOW, vmctx::GLOBAL_HIGH);
            }

            O::I32Load { memarg } => self.load(&memarg, 4, |b, h, p, o| b.ins().load(I32, h, p, o)),
            O::I64Load { memarg } => self.load(&memarg, 8, |b, h, p, o| b.ins().load(I64, h, p, o)),
            O::F32Load { memarg } => self.load(&memarg, 4, |b, h, p, o| b.ins().load(F32, h, p, o)),
            O::F64Load { memarg } => self.load(&memarg, 8, |b, h, p, o| b.ins().load(F64, h, p, o)),
            O::I32Load8S { memarg } => self.load(&memarg, 1, |b, h, p, o| b.ins().sload8(I32, h, p, o)),
            O::I32Load8U { memarg } => self.load(&memarg, 1, |b, h, p, o| b.ins().uload8(I32, h, p, o)),
            O::I32Load16S { memarg } => self.load(&memarg, 2, |b, h, p, o| b.ins().sload16(I32, h, p, o)),
            O::I32Load16U { memarg } => self.load(&memarg, 2, |b, h, p, o| b.ins().uload16(I32, h, p, o)),
            O::I64Load8S { memarg } => self.load(&memarg, 1, |b, h, p, o| b.ins().sload8(I64, h, p, o)),
            O::I64Load8U { memarg } => self.load(&memarg, 1, |b, h, p, o| b.ins().uload8(I64, h, p, o)),
            O::I64Load16S { memarg } => self.load(&memarg, 2, |b, h, p, o| b.ins().sload16(I64, h, p, o)),
            O::I64Load16U { memarg } => self.load(&memarg, 2, |b, h, p, o| b.ins().uload16(I64, h, p, o)),
            O::I64Load32S { memarg } => self.load(&memarg, 4, |b, h, p, o| b.ins().sload32(h, p, o)),
            O::I64Load32U { memarg } => self.load(&memarg, 4, |b, h, p, o| b.ins().uload32(h, p, o)),
            O::I32Store { memarg } | O::F32Store { memarg } => self.store(&memarg, 4, None),
            O::I64Store { memarg } | O::F64Store { memarg } => self.store(&memarg, 8, None),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(&memarg, 1, Some(I8)),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(&memarg, 2, Some(I16)),
            O::I64Store32 { memarg } => self.store(&memarg, 4, Some(I32)),
            O::MemorySize { mem } => {
                let len = self.memory_length(mem);
                let pages = self.b.ins().ushr_imm(len, self.env.module.memories[mem as usize].page_size_log2 as i64);
                let v = if self.env.memory64(mem) { pages } else { self.b.ins().ireduce(I32, pages) };
                self.push(v);
            }
            O::MemoryAtomicNotify { memarg } => {
                let m = self.atomic_memory(&memarg, &op)?;
                let count = self.pop();
                let addr = self.pop();
                let addr = self.atomic_addr(m, addr);
                let (mem, offset) = (self.i32const(m as i64), self.b.ins().iconst(I64, memarg.offset as i64));
                let r = self.libcall(Libcall::AtomicNotify, &[mem, addr, offset, count]);
                self.check_trap();
                self.stack.extend(r);
            }
            O::MemoryAtomicWait32 { memarg } | O::MemoryAtomicWait64 { memarg } => {
                let m = self.atomic_memory(&memarg, &op)?;
                let (addr, expected, timeout) = self.pop3();
                let addr = self.atomic_addr(m, addr);
                let (mem, offset) = (self.i32const(m as i64), self.b.ins().iconst(I64, memarg.offset as i64));
                let lc = if matches!(op, O::MemoryAtomicWait32 { .. }) { Libcall::AtomicWait32 } else { Libcall::AtomicWait64 };
                let r = self.libcall(lc, &[mem, addr, offset, expected, timeout]);
                self.check_trap();
                self.stack.extend(r);
            }
            // One thread at a time runs a link group's code (`vm::atomics`): nothing to order.
            O::AtomicFence { .. } => {}
            O::MemoryGrow { mem } => {
                let delta = self.pop();
                let is64 = self.env.memory64(mem);
                let delta = self.to_u64(delta, is64);
                let m = self.i32const(mem as i64);
                // The old size, or -1 (as an i64; an i32's -1 once truncated).
                let r = self.libcall(Libcall::MemoryGrow, &[m, delta]);
                let r = if is64 { r } else { vec![self.b.ins().ireduce(I32, r[0])] };
                self.after_call(r);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let (d, s, n) = self.pop3();
                let (d64, s64) = (self.env.memory64(dst_mem), self.env.memory64(src_mem));
                let d = self.to_u64(d, d64);
                let s = self.to_u64(s, s64);
                let n = self.to_u64(n, d64 && s64);
                let (dm, sm) = (self.i32const(dst_mem as i64), self.i32const(src_mem as i64));
                self.libcall(Libcall::MemoryCopy, &[dm, sm, d, s, n]);
                self.check_trap();
            }
            O::MemoryFill { mem } => {
                let (d, v, n) = self.pop3();
                let is64 = self.env.memory64(mem);
                let d = self.to_u64(d, is64);
                let n = self.to_u64(n, is64);
                let m = self.i32const(mem as i64);
                self.libcall(Libcall::MemoryFill, &[m, d, v, n]);
                self.check_trap();
            }
            O::MemoryInit { data_index, mem } => {
                let (d, s, n) = self.pop3();
                let d = self.to_u64(d, self.env.memory64(mem));
                let m = self.i32const(mem as i64);
                let seg = self.i32const(data_index as i64);
                self.libcall(Libcall::MemoryInit, &[m, seg, d, s, n]);
                self.check_trap();
            }
            O::DataDrop { data_index } => {
                let seg = self.i32const(data_index as i64);
                self.libcall(Libcall::DataDrop, &[seg]);
            }
            O::TableGet { table } => {
                let index = self.pop();
                let (base, len) = self.table_def(table);
                let idx = self.to_u64(index, self.env.table64(table));
                let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, idx, len);
                self.trap_if(oob, TrapCode::TableOutOfBounds);
                let p = self.elem_addr(base, idx);
                let v = self.b.ins().load(I64, table_flags(), p, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let (index, v) = self.pop2();
                let (base, len) = self.table_def(table);
                let idx = self.to_u64(index, self.env.table64(table));
                let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, idx, len);
                self.trap_if(oob, TrapCode::TableOutOfBounds);
                let p = self.elem_addr(base, idx);
                self.b.ins().store(table_flags(), v, p, 0);
            }
            O::TableSize { table } => {
                let (_, len) = self.table_def(table);
                let v = if self.env.table64(table) { len } else { self.b.ins().ireduce(I32, len) };
                self.push(v);
            }
            O::TableGrow { table } => {
                let (init, delta) = self.pop2();
                let t64 = self.env.table64(table);
                let delta = if t64 { self.narrow_index(delta) } else { delta };
                let t = self.i32const(table as i64);
                let r = self.libcall(Libcall::TableGrow, &[t, init, delta]);
                // The old size, or -1 as an i64.
                let r = if t64 { self.b.ins().sextend(I64, r[0]) } else { r[0] };
                self.push(r);
            }
            O::TableFill { table } => {
                let (i, v, n) = self.pop3();
                let (i, n) = if self.env.table64(table) { (self.narrow_index(i), self.narrow_index(n)) } else { (i, n) };
                let t = self.i32const(table as i64);
                self.libcall(Libcall::TableFill, &[t, i, v, n]);
                self.check_trap();
            }
            O::TableCopy { dst_table, src_table } => {
                let (d, s, n) = self.pop3();
                // `d` and `s` are i64 for a table64 each, the length if both are.
                let (d64, s64) = (self.env.table64(dst_table), self.env.table64(src_table));
                let d = if d64 { self.narrow_index(d) } else { d };
                let s = if s64 { self.narrow_index(s) } else { s };
                let n = if d64 && s64 { self.narrow_index(n) } else { n };
                let dt = self.i32const(dst_table as i64);
                let st = self.i32const(src_table as i64);
                self.libcall(Libcall::TableCopy, &[dt, st, d, s, n]);
                self.check_trap();
            }
            O::TableInit { elem_index, table } => {
                let (d, s, n) = self.pop3();
                let d = if self.env.table64(table) { self.narrow_index(d) } else { d };
                let t = self.i32const(table as i64);
                let seg = self.i32const(elem_index as i64);
                self.libcall(Libcall::TableInit, &[t, seg, d, s, n]);
                self.check_trap();
            }
            O::ElemDrop { elem_index } => {
                let seg = self.i32const(elem_index as i64);
                self.libcall(Libcall::ElemDrop, &[seg]);
            }
            O::RefNull { .. } => {
                let v = self.b.ins().iconst(I64, 0);
                self.push(v);
            }
            O::RefAsNonNull => {
                let r = *self.stack.last().expect("validated: a reference");
                self.trap_unless(r, TrapCode::NullReference);
            }
            O::RefIsNull => self.unary(|b, a| {
                let c = b.ins().icmp_imm(IntCC::Equal, a, 0);
                b.ins().uextend(I32, c)
            }),
            O::RefFunc { function_index } => {
                let off = self.env.offsets.func_addr(function_index);
                let addr = self.b.ins().load(I32, readonly(), self.vmctx, off);
                let a = self.b.ins().uextend(I64, addr);
                let v = self.b.ins().iadd_imm(a, 1);
                self.push(v);
            }

            O::I32Const { value } => {
                let v = self.i32const(value as i64);
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.b.ins().iconst(I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.b.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.b.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }
            O::V128Const { value } => {
                let c = self.b.func.dfg.constants.insert(ConstantData::from(value.bytes().to_vec()));
                let v = self.b.ins().vconst(I8X16, c);
                self.push(v);
            }

            O::I32Eqz | O::I64Eqz => self.unary(|b, a| {
                let c = b.ins().icmp_imm(IntCC::Equal, a, 0);
                b.ins().uextend(I32, c)
            }),
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            O::I32Clz | O::I64Clz => self.unary(|b, a| b.ins().clz(a)),
            O::I32Ctz | O::I64Ctz => self.unary(|b, a| b.ins().ctz(a)),
            O::I32Popcnt | O::I64Popcnt => self.unary(|b, a| b.ins().popcnt(a)),
            O::I32Add | O::I64Add => self.binary(|b, x, y| b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.binary(|b, x, y| b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.binary(|b, x, y| b.ins().imul(x, y)),
            // Wide arithmetic: 128-bit values as (low, high) i64 pairs on the stack.
            O::I64Add128 | O::I64Sub128 => {
                let (bh, bl) = (self.pop(), self.pop());
                let (ah, al) = (self.pop(), self.pop());
                let a = self.b.ins().iconcat(al, ah);
                let b = self.b.ins().iconcat(bl, bh);
                let r = if matches!(op, O::I64Add128) { self.b.ins().iadd(a, b) } else { self.b.ins().isub(a, b) };
                let (lo, hi) = self.b.ins().isplit(r);
                self.push(lo);
                self.push(hi);
            }
            O::I64MulWideS | O::I64MulWideU => {
                let (a, b) = self.pop2();
                let lo = self.b.ins().imul(a, b);
                let hi = if matches!(op, O::I64MulWideS) { self.b.ins().smulhi(a, b) } else { self.b.ins().umulhi(a, b) };
                self.push(lo);
                self.push(hi);
            }
            O::I32DivS => self.div(I32, true, false),
            O::I32DivU => self.div(I32, false, false),
            O::I32RemS => self.div(I32, true, true),
            O::I32RemU => self.div(I32, false, true),
            O::I64DivS => self.div(I64, true, false),
            O::I64DivU => self.div(I64, false, false),
            O::I64RemS => self.div(I64, true, true),
            O::I64RemU => self.div(I64, false, true),
            O::I32And | O::I64And => self.binary(|b, x, y| b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.binary(|b, x, y| b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.binary(|b, x, y| b.ins().bxor(x, y)),
            // Cranelift's shifts and rotates take the amount modulo the width, as wasm does.
            O::I32Shl | O::I64Shl => self.binary(|b, x, y| b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.binary(|b, x, y| b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.binary(|b, x, y| b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.binary(|b, x, y| b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.binary(|b, x, y| b.ins().rotr(x, y)),

            // Sign operations are bit operations in Cranelift: NaN payloads are kept.
            O::F32Abs | O::F64Abs => self.unary(|b, a| b.ins().fabs(a)),
            O::F32Neg | O::F64Neg => self.unary(|b, a| b.ins().fneg(a)),
            O::F32Copysign | O::F64Copysign => self.binary(|b, x, y| b.ins().fcopysign(x, y)),
            O::F32Ceil | O::F64Ceil => self.unary(|b, a| b.ins().ceil(a)),
            O::F32Floor | O::F64Floor => self.unary(|b, a| b.ins().floor(a)),
            O::F32Trunc | O::F64Trunc => self.unary(|b, a| b.ins().trunc(a)),
            O::F32Nearest | O::F64Nearest => self.unary(|b, a| b.ins().nearest(a)),
            O::F32Sqrt | O::F64Sqrt => self.unary(|b, a| b.ins().sqrt(a)),
            O::F32Add | O::F64Add => self.binary(|b, x, y| b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.binary(|b, x, y| b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.binary(|b, x, y| b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.binary(|b, x, y| b.ins().fdiv(x, y)),
            // Cranelift's fmin/fmax have wasm's semantics (NaN propagation, -0 < +0).
            O::F32Min | O::F64Min => self.binary(|b, x, y| b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.binary(|b, x, y| b.ins().fmax(x, y)),

            O::I32WrapI64 => self.unary(|b, a| b.ins().ireduce(I32, a)),
            O::I64ExtendI32S => self.unary(|b, a| b.ins().sextend(I64, a)),
            O::I64ExtendI32U => self.unary(|b, a| b.ins().uextend(I64, a)),
            O::I32Extend8S => self.unary(|b, a| {
                let n = b.ins().ireduce(I8, a);
                b.ins().sextend(I32, n)
            }),
            O::I32Extend16S => self.unary(|b, a| {
                let n = b.ins().ireduce(I16, a);
                b.ins().sextend(I32, n)
            }),
            O::I64Extend8S => self.unary(|b, a| {
                let n = b.ins().ireduce(I8, a);
                b.ins().sextend(I64, n)
            }),
            O::I64Extend16S => self.unary(|b, a| {
                let n = b.ins().ireduce(I16, a);
                b.ins().sextend(I64, n)
            }),
            O::I64Extend32S => self.unary(|b, a| {
                let n = b.ins().ireduce(I32, a);
                b.ins().sextend(I64, n)
            }),
            O::I32TruncF32S | O::I32TruncF64S => self.trunc(I32, true),
            O::I32TruncF32U | O::I32TruncF64U => self.trunc(I32, false),
            O::I64TruncF32S | O::I64TruncF64S => self.trunc(I64, true),
            O::I64TruncF32U | O::I64TruncF64U => self.trunc(I64, false),
            O::I32TruncSatF32S | O::I32TruncSatF64S => self.unary(|b, a| b.ins().fcvt_to_sint_sat(I32, a)),
            O::I32TruncSatF32U | O::I32TruncSatF64U => self.unary(|b, a| b.ins().fcvt_to_uint_sat(I32, a)),
            O::I64TruncSatF32S | O::I64TruncSatF64S => self.unary(|b, a| b.ins().fcvt_to_sint_sat(I64, a)),
            O::I64TruncSatF32U | O::I64TruncSatF64U => self.unary(|b, a| b.ins().fcvt_to_uint_sat(I64, a)),
            O::F32ConvertI32S | O::F32ConvertI64S => self.unary(|b, a| b.ins().fcvt_from_sint(F32, a)),
            O::F32ConvertI32U | O::F32ConvertI64U => self.unary(|b, a| b.ins().fcvt_from_uint(F32, a)),
            O::F64ConvertI32S | O::F64ConvertI64S => self.unary(|b, a| b.ins().fcvt_from_sint(F64, a)),
            O::F64ConvertI32U | O::F64ConvertI64U => self.unary(|b, a| b.ins().fcvt_from_uint(F64, a)),
            O::F32DemoteF64 => self.unary(|b, a| b.ins().fdemote(F32, a)),
            O::F64PromoteF32 => self.unary(|b, a| b.ins().fpromote(F64, a)),
            O::I32ReinterpretF32 => self.unary(|b, a| b.ins().bitcast(I32, MemFlags::new(), a)),
            O::I64ReinterpretF64 => self.unary(|b, a| b.ins().bitcast(I64, MemFlags::new(), a)),
            O::F32ReinterpretI32 => self.unary(|b, a| b.ins().bitcast(F32, MemFlags::new(), a)),
            O::F64ReinterpretI64 => self.unary(|b, a| b.ins().bitcast(F64, MemFlags::new(), a)),

            op => return self.simd(op),
        }
        Ok(())
    }
}
