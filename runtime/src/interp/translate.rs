//! Translation of one validated function body into the register IR ([`super::ir`]).
//!
//! Slots: `0..L` are the locals (parameters first); the operand at stack height `h` lives in slot
//! `L + h`. The translator keeps a compile-time operand stack whose entries are either in their
//! height slot (`Temp`), or deferred: a `local.get` (`Local`) or a constant (`Const`) that is only
//! written to a slot ("materialized") when something needs it there (a call argument, a branch
//! value, a block boundary). So `local.get a; local.get b; i32.add; local.set c` becomes one
//! instruction `I32Add { dst: c, a, b }`.
//!
//! Deferred `Local` entries are materialized at every block boundary, so a `local.set` only ever
//! has to preserve those pushed in the same straight-line region.
//!
//! Constants: a constant that an instruction reads from a slot (no immediate form fits) would
//! cost one `Const` instruction per use. Constants that recur in the body, or appear inside a
//! loop, get a constant slot instead: cells right after the locals, written once per call by
//! `enter` after the locals' zeros ([`InterpFunc::consts`]), and read like any local.

use super::access::{LaneKind, LoadKind, StoreKind};
use super::ir::{ext, landings, slot16, Op, Slot};
use super::InterpFunc;
use crate::wasm::types::{IndexType, ValType};
use crate::wasm::error::CompileError;
use crate::wasm::func::Kind;
use crate::vm::Instrumentation;
use crate::wasm::Module;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use wasmparser::{FunctionBody, MemArg, Operator};

#[path = "translate_simd.rs"]
mod simd;

/// A module's v128 constants and shuffle masks, each stored once; instructions refer to them by
/// index ([`super::InterpModule::v128_consts`]).
#[derive(Default)]
pub(crate) struct V128Pool {
    values: Vec<u128>,
    index: HashMap<u128, u32>,
}

impl V128Pool {
    fn intern(&mut self, v: u128) -> u32 {
        let values = &mut self.values;
        *self.index.entry(v).or_insert_with(|| {
            values.push(v);
            (values.len() - 1) as u32
        })
    }

    pub(crate) fn finish(self) -> Box<[u128]> {
        self.values.into_boxed_slice()
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Operand {
    Local(u32),
    Temp,
    Const(u64),
    ConstV128(u128),
}

/// The compile-time operand stack: entries and where each one's cells start. A value takes one
/// 64-bit cell, a v128 two; so the slot of height `h` is the locals' cells plus the widths of the
/// entries below `h`.
#[derive(Clone, Debug, Default)]
struct OpStack {
    v: Vec<Operand>,
    /// Cell offset just past each entry.
    end: Vec<u32>,
}

impl OpStack {
    fn len(&self) -> usize {
        self.v.len()
    }
    /// Cell offset of height `h` (any `h <= len`).
    fn off(&self, h: usize) -> u32 {
        if h == 0 { 0 } else { self.end[h - 1] }
    }
    fn wide(&self, h: usize) -> bool {
        self.end[h] - self.off(h) == 2
    }
    fn push(&mut self, x: Operand, wide: bool) {
        let o = self.off(self.v.len());
        self.v.push(x);
        self.end.push(o + 1 + wide as u32);
    }
    fn pop(&mut self) -> Option<Operand> {
        self.end.pop();
        self.v.pop()
    }
    fn truncate(&mut self, n: usize) {
        self.v.truncate(n);
        self.end.truncate(n);
    }
}

impl std::ops::Index<usize> for OpStack {
    type Output = Operand;
    fn index(&self, h: usize) -> &Operand {
        &self.v[h]
    }
}
impl std::ops::IndexMut<usize> for OpStack {
    fn index_mut(&mut self, h: usize) -> &mut Operand {
        &mut self.v[h]
    }
}

fn is_wide(t: ValType) -> bool {
    t == ValType::V128
}

/// The temporaries one instruction reads for the last time (see `Translator::deaths`): at
/// most four are kept (a fused instruction may gather more), the rest forgotten, which only
/// loses chances to keep a result in the accumulator. A fixed array, as the translator makes
/// one per instruction.
#[derive(Clone, Copy, Default)]
struct Dying {
    slots: [Slot; 4],
    len: u8,
}

impl Dying {
    fn of(s: Option<Slot>) -> Dying {
        let mut d = Dying::default();
        d.extend(s);
        d
    }

    fn push(&mut self, s: Slot) {
        if let Some(cell) = self.slots.get_mut(self.len as usize) {
            *cell = s;
            self.len += 1;
        }
    }

    fn extend(&mut self, slots: impl IntoIterator<Item = Slot>) {
        for s in slots {
            self.push(s);
        }
    }

    fn iter(self) -> impl Iterator<Item = Slot> {
        self.slots.into_iter().take(self.len as usize)
    }
}

/// The Interpreter's part of a control frame ([`crate::wasm::func::Frame`]): where branches to
/// its label go.
#[derive(Debug, Default)]
struct Label {
    /// Forward branches to patch with the construct's end.
    fixups: Vec<usize>,
    /// An `if`'s branch to its second arm, patched at its `else` (or its end, without one).
    else_fixup: Option<usize>,
    /// A loop's first instruction, where its branches go.
    start: u32,
    /// A `try_table`'s entry in `Translator::handlers` (none without catch clauses), or a
    /// legacy `try`'s.
    try_index: Option<usize>,
    /// The handler active around the construct (`Translator::active` when it opened), and the
    /// one for the code directly inside it.
    saved: Option<u32>,
    inside: Option<u32>,
}

/// A control frame of the shared walk, with this engine's part.
type Frame<'m> = crate::wasm::func::Frame<'m, Label>;
/// The shared walk's control frames, with this engine's parts.
type Control<'m> = crate::wasm::func::Control<'m, Label>;

#[derive(Clone, Copy, Debug)]
enum Cmp {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Cmp {
    fn invert(self) -> Cmp {
        use Cmp::*;
        match self {
            Eq => Ne,
            Ne => Eq,
            LtS => GeS,
            LtU => GeU,
            GtS => LeS,
            GtU => LeU,
            LeS => GtS,
            LeU => GtU,
            GeS => LtS,
            GeU => LtU,
        }
    }
}

/// A branch condition, possibly fused from the comparison that produced it.
#[derive(Clone, Copy, Debug)]
enum Cond {
    Nez(Slot),
    Eqz(Slot),
    Cmp(Cmp, Slot, Slot),
    CmpImm(Cmp, Slot, i32),
    /// `slot += imm` first, then whether `slot` is non-zero (`AddNez`) or zero: a counted
    /// loop's `local.tee $n (i32.add (local.get $n) (i32.const -1))` before `br_if`.
    AddNez(Slot, i32),
    AddEqz(Slot, i32),
    /// `dst = src` first, then whether `cond` is non-zero (`CopyNez`) or zero: a loop
    /// variable's update before the loop's `br_if` (slots below 2^16).
    CopyNez { dst: u16, src: u16, cond: u16 },
    CopyEqz { dst: u16, src: u16, cond: u16 },
    /// Whether `a & imm` is non-zero (`AndImmNez`) or zero: a flag test.
    AndImmNez(Slot, i32),
    AndImmEqz(Slot, i32),
    AndNez(Slot, Slot),
    AndEqz(Slot, Slot),
    /// Whether the i32 at `addr + offset` is non-zero (`LoadNez`) or zero.
    LoadNez(Slot, u32),
    LoadEqz(Slot, u32),
}

impl Cond {
    fn invert(self) -> Cond {
        match self {
            Cond::Nez(s) => Cond::Eqz(s),
            Cond::Eqz(s) => Cond::Nez(s),
            Cond::Cmp(c, a, b) => Cond::Cmp(c.invert(), a, b),
            Cond::CmpImm(c, a, i) => Cond::CmpImm(c.invert(), a, i),
            Cond::AddNez(s, i) => Cond::AddEqz(s, i),
            Cond::AddEqz(s, i) => Cond::AddNez(s, i),
            Cond::CopyNez { dst, src, cond } => Cond::CopyEqz { dst, src, cond },
            Cond::CopyEqz { dst, src, cond } => Cond::CopyNez { dst, src, cond },
            Cond::AndImmNez(a, i) => Cond::AndImmEqz(a, i),
            Cond::AndImmEqz(a, i) => Cond::AndImmNez(a, i),
            Cond::AndNez(a, b) => Cond::AndEqz(a, b),
            Cond::AndEqz(a, b) => Cond::AndNez(a, b),
            Cond::LoadNez(a, o) => Cond::LoadEqz(a, o),
            Cond::LoadEqz(a, o) => Cond::LoadNez(a, o),
        }
    }

    /// The comparison `op` computes into `slot`, if it is one that can be fused.
    fn from_op(op: &Op, slot: Slot) -> Option<Cond> {
        use Op::*;
        let (dst, cond) = match *op {
            I32Eqz { dst, src } => (dst, Cond::Eqz(src)),
            I32AndImm { dst, a, imm } => (dst, Cond::AndImmNez(a, imm)),
            I32And { dst, a, b } => (dst, Cond::AndNez(a, b)),
            I32Load { dst, addr, offset } => (dst, Cond::LoadNez(addr, offset)),
            I32Eq { dst, a, b } => (dst, Cond::Cmp(Cmp::Eq, a, b)),
            I32Ne { dst, a, b } => (dst, Cond::Cmp(Cmp::Ne, a, b)),
            I32LtS { dst, a, b } => (dst, Cond::Cmp(Cmp::LtS, a, b)),
            I32LtU { dst, a, b } => (dst, Cond::Cmp(Cmp::LtU, a, b)),
            I32GtS { dst, a, b } => (dst, Cond::Cmp(Cmp::GtS, a, b)),
            I32GtU { dst, a, b } => (dst, Cond::Cmp(Cmp::GtU, a, b)),
            I32LeS { dst, a, b } => (dst, Cond::Cmp(Cmp::LeS, a, b)),
            I32LeU { dst, a, b } => (dst, Cond::Cmp(Cmp::LeU, a, b)),
            I32GeS { dst, a, b } => (dst, Cond::Cmp(Cmp::GeS, a, b)),
            I32GeU { dst, a, b } => (dst, Cond::Cmp(Cmp::GeU, a, b)),
            I32EqImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::Eq, a, imm)),
            I32NeImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::Ne, a, imm)),
            I32LtSImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::LtS, a, imm)),
            I32LtUImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::LtU, a, imm)),
            I32GtSImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::GtS, a, imm)),
            I32GtUImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::GtU, a, imm)),
            I32LeSImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::LeS, a, imm)),
            I32LeUImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::LeU, a, imm)),
            I32GeSImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::GeS, a, imm)),
            I32GeUImm { dst, a, imm } => (dst, Cond::CmpImm(Cmp::GeU, a, imm)),
            _ => return None,
        };
        (dst == slot).then_some(cond)
    }

    /// The branch instruction taken when the condition holds.
    fn branch(self, target: u32) -> Op {
        use Op::*;
        match self {
            Cond::Nez(cond) => BrIfNez { cond, target },
            Cond::Eqz(cond) => BrIfEqz { cond, target },
            Cond::AddNez(slot, imm) => BrIfI32AddImmNez { slot, imm, target },
            Cond::AddEqz(slot, imm) => BrIfI32AddImmEqz { slot, imm, target },
            Cond::CopyNez { dst, src, cond } => BrIfNezAfterCopy { dst, src, cond, target },
            Cond::CopyEqz { dst, src, cond } => BrIfEqzAfterCopy { dst, src, cond, target },
            Cond::AndImmNez(a, imm) => BrIfI32AndImmNez { a, imm, target },
            Cond::AndImmEqz(a, imm) => BrIfI32AndImmEqz { a, imm, target },
            Cond::AndNez(a, b) => BrIfI32AndNez { a, b, target },
            Cond::AndEqz(a, b) => BrIfI32AndEqz { a, b, target },
            Cond::LoadNez(addr, offset) => BrIfI32LoadNez { addr, offset, target },
            Cond::LoadEqz(addr, offset) => BrIfI32LoadEqz { addr, offset, target },
            Cond::Cmp(c, a, b) => match c {
                Cmp::Eq => BrIfI32Eq { a, b, target },
                Cmp::Ne => BrIfI32Ne { a, b, target },
                Cmp::LtS => BrIfI32LtS { a, b, target },
                Cmp::LtU => BrIfI32LtU { a, b, target },
                Cmp::GtS => BrIfI32GtS { a, b, target },
                Cmp::GtU => BrIfI32GtU { a, b, target },
                Cmp::LeS => BrIfI32LeS { a, b, target },
                Cmp::LeU => BrIfI32LeU { a, b, target },
                Cmp::GeS => BrIfI32GeS { a, b, target },
                Cmp::GeU => BrIfI32GeU { a, b, target },
            },
            Cond::CmpImm(c, a, imm) => match c {
                Cmp::Eq => BrIfI32EqImm { a, imm, target },
                Cmp::Ne => BrIfI32NeImm { a, imm, target },
                Cmp::LtS => BrIfI32LtSImm { a, imm, target },
                Cmp::LtU => BrIfI32LtUImm { a, imm, target },
                Cmp::GtS => BrIfI32GtSImm { a, imm, target },
                Cmp::GtU => BrIfI32GtUImm { a, imm, target },
                Cmp::LeS => BrIfI32LeSImm { a, imm, target },
                Cmp::LeU => BrIfI32LeUImm { a, imm, target },
                Cmp::GeS => BrIfI32GeSImm { a, imm, target },
                Cmp::GeU => BrIfI32GeUImm { a, imm, target },
            },
        }
    }
}

type Bin = fn(Slot, Slot, Slot) -> Op;
type BinImm = fn(Slot, Slot, i32) -> Op;

struct Translator<'m> {
    module: &'m Module,
    pool: &'m mut V128Pool,
    code: Vec<Op>,
    stack: OpStack,
    /// The function's result types.
    results: &'m [ValType],
    /// Cells taken by the locals (parameters first); the operand stack starts after them.
    locals: u32,
    /// First cell of each local.
    local_slot: Vec<Slot>,
    local_wide: Vec<bool>,
    /// The most cells the operand stack reaches.
    max_cells: u32,
    /// Index of the last instruction if it wrote the top `Temp` and its `dst` may be redirected.
    last_producer: Option<usize>,
    /// The last position a branch was resolved to (a loop's start, a block's end, an `else`):
    /// no instruction may be fused with the one before it at that position.
    label_pc: Option<u32>,
    /// The function's index in the module (imports included).
    func_index: u32,
    /// Where the operand stack starts: after the locals and the constant slots.
    stack_base: u32,
    /// The constants that get a slot when read (see the module docs), with the slot once one
    /// is handed out; and the values of the slots handed out, in slot order.
    const_slot: FxHashMap<u64, Option<Slot>>,
    consts: Vec<u64>,
    /// Operand-stack temporaries that the next instruction emitted reads for the last time
    /// (it pops them), moved into `deaths` when it is.
    dying: Dying,
    /// `(pc, slot)`: the instruction at `pc` reads the value in `slot` for the last time, in
    /// `pc` order; `forward_results` keeps a result that dies in the instruction after its
    /// producer in the accumulator only. (An instruction taken back out of the code takes its
    /// entries with it, which only loses chances.)
    deaths: Vec<(u32, Slot)>,
    /// The temporaries a branch condition popped by `pop_cond` read, which die at the branch
    /// if it is the next instruction, at this position.
    cond_dying: (usize, Dying),
    /// The function's `try_table`s with catch clauses and legacy `try`s, in the order they open.
    handlers: Vec<super::TryHandler>,
    /// The entry of `handlers` for the `try_table` whose frame opens next (set by `catches`).
    pending_try: Option<usize>,
    /// The first instruction of every catch pad: entered from the unwinder, as a branch lands.
    pads: Vec<u32>,
    /// The handler of the code being translated (an index into `handlers`; `None`: the
    /// caller's).
    active: Option<u32>,
}

/// The bits of a scalar constant as the translator keeps them (`Operand::Const`).
fn const_bits(op: &Operator<'_>) -> Option<u64> {
    match *op {
        Operator::I32Const { value } => Some(value as u32 as u64),
        Operator::I64Const { value } => Some(value as u64),
        Operator::F32Const { value } => Some(value.bits() as u64),
        Operator::F64Const { value } => Some(value.bits()),
        _ => None,
    }
}

/// The constants of a body worth a constant slot: those that occur more than once, or inside a
/// loop. (A constant used once outside loops is written at most once per call either way.)
fn const_candidates(body: &FunctionBody<'_>) -> Result<FxHashMap<u64, Option<Slot>>, CompileError> {
    // Per constant: whether it gets a slot (seen twice, or in a loop).
    let mut seen: FxHashMap<u64, bool> = FxHashMap::default();
    // Block nesting, `true` for loops, and how many loops are open.
    let mut blocks: Vec<bool> = Vec::new();
    let mut loops = 0usize;
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        match op {
            Operator::Block { .. } | Operator::If { .. } => blocks.push(false),
            Operator::Loop { .. } => {
                blocks.push(true);
                loops += 1;
            }
            Operator::End => {
                if blocks.pop() == Some(true) {
                    loops -= 1;
                }
            }
            _ => {
                if let Some(c) = const_bits(&op) {
                    seen.entry(c).and_modify(|chosen| *chosen = true).or_insert(loops > 0);
                }
            }
        }
    }
    Ok(seen.into_iter().filter(|&(_, chosen)| chosen).map(|(c, _)| (c, None)).collect())
}

/// How the general memory instructions do a memory access (`Translator::general_access`).
#[derive(Clone, Copy, Debug)]
enum Access {
    /// `LoadMem` of the kind.
    Load(LoadKind),
    /// `StoreMem` of the kind, with the lane for the lane kinds (0 otherwise).
    Store(StoreKind, u8),
    /// `LoadLaneMem` of the kind, with the lane.
    LoadLane(LaneKind, u8),
}

/// The memory argument of every operator that loads or stores through one (a memory index and
/// an offset), with how the general instructions do it; `None` for other operators.
/// (`memory.size`, `grow`, `copy`, `fill`, `init` have their own general instructions.)
fn memory_access(op: &Operator<'_>) -> Option<(MemArg, Access)> {
    use Access::*;
    use Operator as O;
    Some(match *op {
        O::I32Load { memarg } | O::F32Load { memarg } => (memarg, Load(LoadKind::I32)),
        O::I64Load { memarg } | O::F64Load { memarg } => (memarg, Load(LoadKind::I64)),
        O::I32Load8S { memarg } => (memarg, Load(LoadKind::I32_8S)),
        O::I32Load8U { memarg } => (memarg, Load(LoadKind::I32_8U)),
        O::I32Load16S { memarg } => (memarg, Load(LoadKind::I32_16S)),
        O::I32Load16U { memarg } => (memarg, Load(LoadKind::I32_16U)),
        O::I64Load8S { memarg } => (memarg, Load(LoadKind::I64_8S)),
        O::I64Load8U { memarg } => (memarg, Load(LoadKind::I64_8U)),
        O::I64Load16S { memarg } => (memarg, Load(LoadKind::I64_16S)),
        O::I64Load16U { memarg } => (memarg, Load(LoadKind::I64_16U)),
        O::I64Load32S { memarg } => (memarg, Load(LoadKind::I64_32S)),
        O::I64Load32U { memarg } => (memarg, Load(LoadKind::I64_32U)),
        O::V128Load { memarg } => (memarg, Load(LoadKind::V128)),
        O::V128Load8x8S { memarg } => (memarg, Load(LoadKind::V128_8x8S)),
        O::V128Load8x8U { memarg } => (memarg, Load(LoadKind::V128_8x8U)),
        O::V128Load16x4S { memarg } => (memarg, Load(LoadKind::V128_16x4S)),
        O::V128Load16x4U { memarg } => (memarg, Load(LoadKind::V128_16x4U)),
        O::V128Load32x2S { memarg } => (memarg, Load(LoadKind::V128_32x2S)),
        O::V128Load32x2U { memarg } => (memarg, Load(LoadKind::V128_32x2U)),
        O::V128Load8Splat { memarg } => (memarg, Load(LoadKind::V128Splat8)),
        O::V128Load16Splat { memarg } => (memarg, Load(LoadKind::V128Splat16)),
        O::V128Load32Splat { memarg } => (memarg, Load(LoadKind::V128Splat32)),
        O::V128Load64Splat { memarg } => (memarg, Load(LoadKind::V128Splat64)),
        O::V128Load32Zero { memarg } => (memarg, Load(LoadKind::V128Zero32)),
        O::V128Load64Zero { memarg } => (memarg, Load(LoadKind::V128Zero64)),
        O::I32Store8 { memarg } | O::I64Store8 { memarg } => (memarg, Store(StoreKind::Bytes1, 0)),
        O::I32Store16 { memarg } | O::I64Store16 { memarg } => (memarg, Store(StoreKind::Bytes2, 0)),
        O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => (memarg, Store(StoreKind::Bytes4, 0)),
        O::I64Store { memarg } | O::F64Store { memarg } => (memarg, Store(StoreKind::Bytes8, 0)),
        O::V128Store { memarg } => (memarg, Store(StoreKind::V128, 0)),
        O::V128Store8Lane { memarg, lane } => (memarg, Store(StoreKind::Lane8, lane)),
        O::V128Store16Lane { memarg, lane } => (memarg, Store(StoreKind::Lane16, lane)),
        O::V128Store32Lane { memarg, lane } => (memarg, Store(StoreKind::Lane32, lane)),
        O::V128Store64Lane { memarg, lane } => (memarg, Store(StoreKind::Lane64, lane)),
        O::V128Load8Lane { memarg, lane } => (memarg, LoadLane(LaneKind::Lane8, lane)),
        O::V128Load16Lane { memarg, lane } => (memarg, LoadLane(LaneKind::Lane16, lane)),
        O::V128Load32Lane { memarg, lane } => (memarg, LoadLane(LaneKind::Lane32, lane)),
        O::V128Load64Lane { memarg, lane } => (memarg, LoadLane(LaneKind::Lane64, lane)),
        // Wasmparser's operators number in the hundreds; those above are every load and store
        // of Core 2.0 and Wasm 3.0 save the atomic ones, which are not implemented (and refused
        // as unsupported operators).
        _ => return None,
    })
}

fn unsupported(op: &Operator<'_>, offset: usize) -> CompileError {
    CompileError {
        message: format!("the Interpreter does not support {op:?} yet"),
        offset: Some(offset),
    }
}

/// Translates the `index`-th function body of `module`.
pub(crate) fn translate(
    module: &Module,
    index: usize,
    pool: &mut V128Pool,
    instr: Instrumentation,
) -> Result<InterpFunc, CompileError> {
    let body: FunctionBody<'_> = crate::wasm::body(module, index);
    let ty = module.func_type(module.num_imported_funcs + index as u32);
    let num_results = ty.results().len() as u32;
    let mut local_wide: Vec<bool> = ty.params().iter().map(|t| is_wide(*t)).collect();
    for l in body.get_locals_reader()? {
        let (count, t) = l?;
        let wide = is_wide(crate::wasm::val_type(t, &module.type_ids)?);
        local_wide.extend(std::iter::repeat_n(wide, count as usize));
    }
    let mut local_slot = Vec::with_capacity(local_wide.len());
    let mut locals = 0u32;
    let mut num_params = 0u32;
    for (i, w) in local_wide.iter().enumerate() {
        if i == ty.params().len() {
            num_params = locals;
        }
        local_slot.push(locals);
        locals += 1 + *w as u32;
    }
    if ty.params().len() == local_wide.len() {
        num_params = locals;
    }
    // The constants are counted before translation starts, because their slots come before the
    // operand stack's. This decodes the body twice; buffering the decoded operators instead was
    // ~5 % faster but took ~64 bytes per operator, 64 times a `nop`-filled body's size.
    let const_slot = const_candidates(&body)?;
    let mut t = Translator {
        module,
        pool,
        code: Vec::new(),
        stack: OpStack::default(),
        results: ty.results(),
        locals,
        local_slot,
        local_wide,
        max_cells: 0,
        last_producer: None,
        label_pc: None,
        func_index: module.num_imported_funcs + index as u32,
        stack_base: locals + const_slot.len() as u32,
        const_slot,
        consts: Vec::new(),
        dying: Dying::default(),
        deaths: Vec::new(),
        cond_dying: (usize::MAX, Dying::default()),
        handlers: Vec::new(),
        pending_try: None,
        pads: Vec::new(),
        active: None,
    };
    crate::wasm::func::walk(module, ty.results(), &body, instr.checks(), Label::default(), &mut t)?;
    forward_results(&mut t.code, &t.deaths, &t.pads);
    #[cfg(debug_assertions)]
    super::exec::check_control(&t.code, &t.pads);
    Ok(InterpFunc {
        code: super::exec::link(t.code),
        num_params,
        num_locals: locals,
        small_init: locals - num_params <= 4 && t.consts.len() <= 4,
        head: std::array::from_fn(|i| t.consts.get(i).copied().unwrap_or(0)),
        consts: t.consts.into_boxed_slice(),
        frame_size: t.stack_base + t.max_cells + 2,
        num_results,
        handlers: t.handlers.into_boxed_slice(),
    })
}

/// Lets each instruction that reads the result of the instruction just before take it from the
/// accumulator, where every scalar result is also left, instead of from the frame (the `acc`
/// fact, see [`isa`](super::isa)): the value then goes from register to register, where a chain
/// of dependent instructions would otherwise wait for each store to reach the next load. Not
/// where a branch lands: the accumulator then holds whatever ran before the branch.
///
/// When the result is an operand-stack temporary that this read is the last of (`deaths`, in
/// `pc` order) and the reader names its slot in no other operand (its own result may go
/// there), the producer writes it to the accumulator only (`acc_out`), saving the store.
/// Catch pads (`pads`) are entered from the unwinder, as a branch lands.
fn forward_results(code: &mut [Op], deaths: &[(u32, Slot)], pads: &[u32]) {
    let landing = landings(code, pads);
    // The entries of `deaths` from the current instruction on.
    let mut deaths = deaths;
    for pc in 1..code.len() {
        if let (Some(result), false) = (code[pc - 1].dst(), landing[pc]) {
            if code[pc].forward_acc(result) {
                while deaths.first().is_some_and(|&(p, _)| (p as usize) < pc) {
                    deaths = &deaths[1..];
                }
                let dies = deaths.iter().take_while(|&&(p, _)| p as usize == pc).any(|&(_, s)| s == result);
                if dies && !code[pc].mentions_besides_result(result) {
                    code[pc - 1].set_acc_out();
                }
            }
        }
    }
}

impl crate::wasm::func::Lower for Translator<'_> {
    type Error = CompileError;
    type Payload = Label;
    fn height(&self) -> usize {
        self.stack.len()
    }
    fn charge_fuel(&mut self, cost: u32) {
        self.emit(Op::ConsumeFuel { cost });
    }
    fn check_interrupt(&mut self) {
        self.emit(Op::CheckInterrupt);
    }
    fn listen_enter(&mut self) {
        self.emit(Op::ListenEnter { func: self.func_index });
    }
    fn listen_exit(&mut self) {
        // The listener reads the results where `Return` leaves them.
        self.results_to_frame_base();
        self.emit(Op::ListenExit { func: self.func_index });
    }
    fn return_(&mut self, after_hook: bool) {
        let len = self.stack.len();
        if !after_hook && self.results.len() == 1 && !self.stack.wide(len - 1) {
            let src = self.operand_slot(len - 1);
            self.emit(Op::Return1 { src });
            return;
        }
        // After the hook, the results are in place already.
        if !after_hook {
            self.results_to_frame_base();
        }
        self.emit(Op::Return);
    }
    fn enter(&mut self, frame: &crate::wasm::func::Frame<'_, ()>) -> Label {
        self.open(frame)
    }
    fn else_(&mut self, frame: &mut Frame<'_>) {
        self.op_else(frame);
    }
    fn end(&mut self, frame: Frame<'_>) -> bool {
        self.op_end(frame);
        // The code after every `end` is translated: at worst dead code, and the body's own
        // return keeps the code from falling off its end (`exec::check_control`).
        true
    }
    fn br(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        self.emit_br(depth, ctrl);
    }
    fn br_if(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        self.op_br_if(depth, ctrl);
    }
    fn br_table(&mut self, targets: &[u32], default: u32, ctrl: &mut Control<'_>) {
        self.op_br_table(targets, default, ctrl);
    }
    fn br_on_null(&mut self, depth: u32, non_null: bool, ctrl: &mut Control<'_>) {
        self.op_br_on_null(depth, non_null, ctrl);
    }
    fn catches(&mut self, catches: &[wasmparser::Catch], ctrl: &mut Control<'_>) -> Result<(), CompileError> {
        self.op_catches(catches, ctrl);
        Ok(())
    }
    fn catch(&mut self, frame: &mut Frame<'_>, tag: Option<u32>) {
        self.op_catch(frame, tag);
    }
    fn delegate(&mut self, frame: Frame<'_>, depth: u32, ctrl: &mut Control<'_>) -> bool {
        let i = frame.payload.try_index.expect("a legacy try has a handler");
        self.handlers[i].outer = ctrl.label(depth).payload.inside;
        self.op_end(frame);
        true
    }
    fn rethrow(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        // The arm keeps the exception it caught below its operands (`op_catch`).
        let exn = self.slot_at(ctrl.label(depth).height);
        self.emit(Op::ThrowRef { exn });
    }
    fn op(&mut self, op: Operator<'_>, offset: usize) -> Result<(), CompileError> {
        self.lower(op, offset)
    }
}

impl Translator<'_> {
    fn slot_at(&self, h: usize) -> Slot {
        self.stack_base + self.stack.off(h)
    }

    /// The slot of the `k`-th value of the label of `frame`.
    fn label_slot(&self, frame: &Frame<'_>, k: usize) -> Slot {
        let below: u32 = frame.label[..k].iter().map(|t| 1 + is_wide(*t) as u32).sum();
        self.stack_base + self.stack.off(frame.height) + below
    }

    fn local(&self, i: u32) -> Slot {
        self.local_slot[i as usize]
    }

    fn emit(&mut self, op: Op) -> usize {
        self.push_code(op);
        self.last_producer = None;
        self.code.len() - 1
    }

    fn emit_producer(&mut self, op: Op) {
        self.push_code(op);
        self.last_producer = Some(self.code.len() - 1);
    }

    /// Appends `op`, recording the temporaries it reads for the last time (`dying`, and a
    /// condition's when `op` is its branch).
    #[inline]
    fn push_code(&mut self, mut op: Op) {
        let pc = self.code.len();
        while self.deaths.last().is_some_and(|&(p, _)| p as usize >= pc) {
            self.deaths.pop();
        }
        if self.cond_dying.0 != usize::MAX {
            let (at, cond) = std::mem::replace(&mut self.cond_dying, (usize::MAX, Dying::default()));
            if at == pc && op.target_mut().is_some() {
                self.dying.extend(cond.iter());
            }
        }
        if self.dying.len != 0 {
            let dying = std::mem::take(&mut self.dying);
            self.deaths.extend(dying.iter().map(|s| (pc as u32, s)));
        }
        self.code.push(op);
    }

    /// Takes the last instruction back out of the code; returns the temporaries it read for
    /// the last time, for the instruction that takes its place (and its reads).
    fn pop_code(&mut self) -> Dying {
        self.code.pop();
        let pc = self.code.len() as u32;
        let mut popped = Dying::default();
        while let Some(&(_, s)) = self.deaths.last().filter(|&&(p, _)| p >= pc) {
            popped.push(s);
            self.deaths.pop();
        }
        popped
    }

    /// Takes the last instruction back out for the one about to be emitted in its place, which
    /// does its reads (a fused instruction): its last reads become the replacement's.
    fn replace_last(&mut self) {
        let dying = self.pop_code();
        self.dying.extend(dying.iter());
    }

    /// The slot of the entry at height `h` if it is a temporary (so dies when popped).
    fn temp(&self, h: usize) -> Option<Slot> {
        (self.stack[h] == Operand::Temp).then(|| self.slot_at(h))
    }

    fn push(&mut self, v: Operand) {
        self.push_wide(v, false);
    }

    fn push_wide(&mut self, v: Operand, wide: bool) {
        self.stack.push(v, wide);
        self.max_cells = self.max_cells.max(self.stack.off(self.stack.len()));
    }

    /// Emits a copy of the value of `wide`th width from `src` to `dst`.
    fn emit_copy(&mut self, dst: Slot, src: Slot, wide: bool) {
        if dst != src {
            self.emit(if wide { Op::Copy128 { dst, src } } else { Op::Copy { dst, src } });
        }
    }

    fn emit_operand(&mut self, dst: Slot, v: Operand, wide: bool) {
        match v {
            Operand::Temp => unreachable!("temps are in their slot"),
            Operand::Local(i) => {
                let src = self.local(i);
                self.emit_copy(dst, src, wide);
            }
            Operand::Const(c) => self.emit_const(dst, c),
            Operand::ConstV128(c) => {
                let index = self.pool.intern(c);
                self.emit(Op::V128Const { dst, index });
            }
        }
    }

    fn pc(&self) -> u32 {
        self.code.len() as u32
    }

    fn emit_const(&mut self, dst: Slot, c: u64) {
        if c >> 32 == 0 {
            self.emit(Op::Const32 { dst, value: c as u32 });
        } else {
            self.emit(Op::Const64 { dst, lo: c as u32, hi: (c >> 32) as u32 });
        }
    }

    /// Writes the entry at height `h` into its own slot.
    fn materialize(&mut self, h: usize) {
        let dst = self.slot_at(h);
        let v = self.stack[h];
        if v != Operand::Temp {
            self.emit_operand(dst, v, self.stack.wide(h));
        }
        self.stack[h] = Operand::Temp;
    }

    fn materialize_top(&mut self, n: usize) {
        let len = self.stack.len();
        for h in len - n..len {
            self.materialize(h);
        }
    }

    /// The slot holding the entry at height `h` (constants get materialized).
    fn operand_slot(&mut self, h: usize) -> Slot {
        match self.stack[h] {
            Operand::Local(i) => self.local(i),
            Operand::Temp => self.slot_at(h),
            Operand::Const(c) => match self.const_slot(c) {
                Some(slot) => slot,
                None => {
                    self.materialize(h);
                    self.slot_at(h)
                }
            },
            Operand::ConstV128(_) => {
                self.materialize(h);
                self.slot_at(h)
            }
        }
    }

    /// The constant slot holding `c`, handed out on first use, if `c` is a candidate.
    fn const_slot(&mut self, c: u64) -> Option<Slot> {
        let next = self.locals + self.consts.len() as u32;
        let slot = self.const_slot.get_mut(&c)?;
        Some(*slot.get_or_insert_with(|| {
            self.consts.push(c);
            next
        }))
    }

    /// Starts a block, loop or if (`frame`): deferred locals are materialized so that no
    /// `local.set` inside can change a value pushed before the construct.
    fn open(&mut self, frame: &crate::wasm::func::Frame<'_, ()>) -> Label {
        let cond = (frame.kind == Kind::If).then(|| self.pop_cond());
        for h in 0..self.stack.len() {
            if matches!(self.stack[h], Operand::Local(_)) {
                self.materialize(h);
            }
        }
        self.materialize_top(frame.params.len());
        // Every construct remembers the handler around it, which its end restores.
        let base = Label { saved: self.active, inside: self.active, ..Label::default() };
        match (frame.kind, cond) {
            (Kind::Block, _) => base,
            (Kind::TryTable, _) => {
                let try_index = self.pending_try.take();
                if let Some(i) = try_index {
                    self.handlers[i].start = self.pc();
                    self.active = Some(i as u32);
                }
                Label { try_index, inside: self.active, ..base }
            }
            (Kind::Try, _) => {
                let pc = self.pc();
                // Its first instruction is a branch target, so nothing before it fuses with it.
                self.label_pc = Some(pc);
                self.last_producer = None;
                self.handlers.push(super::TryHandler { start: pc, end: pc, catches: Vec::new(), outer: base.saved });
                let i = self.handlers.len() - 1;
                self.active = Some(i as u32);
                Label { try_index: Some(i), inside: self.active, ..base }
            }
            (Kind::Loop, _) => {
                self.last_producer = None;
                let start = self.pc();
                self.label_pc = Some(start);
                Label { start, ..base }
            }
            (Kind::If, Some(cond)) => {
                let cond = self.fuse_branch(cond.invert());
                let at = self.emit(cond.branch(0));
                Label { else_fixup: Some(at), ..base }
            }
            (Kind::If, None) | (Kind::Func | Kind::Else | Kind::Catch, _) => unreachable!("the walk opens blocks, loops, ifs and trys"),
        }
    }

    /// Emits the copies that move the top values to the slots of `frame`'s label. The
    /// destination slots never lie above their sources, so copying in order is safe.
    fn emit_branch_copies(&mut self, frame: &Frame<'_>) {
        let arity = frame.label.len();
        let from = self.stack.len() - arity;
        for k in 0..arity {
            let dst = self.label_slot(frame, k);
            let wide = self.stack.wide(from + k);
            match self.stack[from + k] {
                Operand::Temp => {
                    let src = self.slot_at(from + k);
                    self.emit_copy(dst, src, wide);
                }
                v => self.emit_operand(dst, v, wide),
            }
        }
    }

    /// Copies the function's results, the top values, to the bottom of the frame, where
    /// `Return` leaves them (at or below their sources).
    fn results_to_frame_base(&mut self) {
        let n = self.results.len();
        let len = self.stack.len();
        self.materialize_top(n);
        let mut dst = 0;
        for h in len - n..len {
            let wide = self.stack.wide(h);
            let src = self.slot_at(h);
            self.emit_copy(dst, src, wide);
            dst += 1 + wide as u32;
        }
    }

    /// Emits an unconditional branch to the label `depth` levels out, carrying its values: a
    /// return for the function body's label.
    fn emit_br(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        let frame = ctrl.label(depth);
        if frame.kind == Kind::Func {
            return ctrl.exit(self);
        }
        self.emit_branch_copies(frame);
        self.emit_jump(ctrl.label_mut(depth), |target| Op::Br { target });
    }

    /// Emits `make(target)` towards `frame`'s label, recording a fixup for forward labels.
    fn emit_jump(&mut self, frame: &mut Frame<'_>, make: impl FnOnce(u32) -> Op) {
        match frame.kind {
            Kind::Loop => {
                self.emit(make(frame.payload.start));
            }
            Kind::Block | Kind::If | Kind::Else | Kind::Func | Kind::TryTable | Kind::Try | Kind::Catch => {
                let at = self.emit(make(0));
                frame.payload.fixups.push(at);
            }
        }
    }

    /// Whether a branch to `frame`'s label needs no copies once the top values are
    /// materialized (never for the body's label: that branch returns).
    fn in_place(&self, frame: &Frame<'_>) -> bool {
        let arity = frame.label.len();
        frame.kind != Kind::Func && (arity == 0 || self.stack.len() - arity == frame.height)
    }

    /// The last instruction emitted, if it wrote the temporary at height `h` (its result may
    /// then be redirected, or the instruction fused into the one consuming it).
    fn producer_of(&self, h: usize) -> Option<Op> {
        let op = *self.code.last()?;
        let produced = self.stack[h] == Operand::Temp
            && self.last_producer == Some(self.code.len() - 1)
            && op.dst() == Some(self.slot_at(h));
        produced.then_some(op)
    }

    /// Pops the top operand as a branch condition, fusing the comparison that produced it.
    fn pop_cond(&mut self) -> Cond {
        let h = self.stack.len() - 1;
        if let Some(op) = self.producer_of(h) {
            let slot = self.slot_at(h);
            if let Some(c) = Cond::from_op(&op, slot) {
                // The branch takes the comparison's place, and its last reads.
                let mut dying = self.pop_code();
                self.last_producer = None;
                self.stack.pop();
                // `i32.eqz` of a temporary the instruction before it computed (with no branch
                // landing in between): that one's condition, inverted.
                if let (Cond::Eqz(s), Some(prev)) = (c, self.code.last().copied()) {
                    let inner = Cond::from_op(&prev, slot).filter(|_| s == slot && prev.dst() == Some(slot));
                    if let (Some(inner), false) = (inner, self.label_pc == Some(self.pc())) {
                        dying = self.pop_code();
                        self.cond_dying = (self.code.len(), dying);
                        return inner.invert();
                    }
                }
                self.cond_dying = (self.code.len(), dying);
                return c;
            }
        }
        let s = self.operand_slot(h);
        let dying = self.temp(h);
        self.stack.pop();
        self.cond_dying = (self.code.len(), Dying::of(dying));
        Cond::Nez(s)
    }

    /// `cond`, fused with the instruction just emitted when that is an in-place `i32.add` of
    /// the tested slot or a copy, and no branch lands between the two. Called right before the
    /// branch is emitted, so that the fused instruction keeps its place in the order.
    fn fuse_branch(&mut self, cond: Cond) -> Cond {
        let (s, nez) = match cond {
            Cond::Nez(s) => (s, true),
            Cond::Eqz(s) => (s, false),
            _ => return cond,
        };
        if self.label_pc == Some(self.pc()) {
            return cond;
        }
        let fused = match self.code.last().copied() {
            Some(Op::I32AddImm { dst, a, imm }) if dst == s && a == s => {
                if nez { Cond::AddNez(s, imm) } else { Cond::AddEqz(s, imm) }
            }
            Some(Op::Copy { dst, src }) => match (slot16(dst), slot16(src), slot16(s)) {
                (Some(dst), Some(src), Some(cond)) if nez => Cond::CopyNez { dst, src, cond },
                (Some(dst), Some(src), Some(cond)) => Cond::CopyEqz { dst, src, cond },
                _ => return cond,
            },
            _ => return cond,
        };
        self.replace_last();
        self.last_producer = None;
        fused
    }

    fn patch(&mut self, at: usize, target: u32) {
        self.label_pc = Some(self.label_pc.map_or(target, |l| l.max(target)));
        *self.code[at].target_mut().expect("fixups are branches") = target;
    }

    fn bin(&mut self, make: Bin) {
        self.bin_to(false, make)
    }

    /// A binary operator whose result is a v128 when `wide`.
    fn bin_to(&mut self, wide: bool, make: impl FnOnce(Slot, Slot, Slot) -> Op) {
        let len = self.stack.len();
        // An operand just computed into its temporary by the last instruction, which may be
        // fused into this one: the operand's height and its producer.
        let inner = [len - 1, len - 2].into_iter().find_map(|h| self.producer_of(h).map(|op| (h, op)));
        let emitted = self.code.len();
        let a = self.operand_slot(len - 2);
        let b = self.operand_slot(len - 1);
        let dying = [self.temp(len - 2), self.temp(len - 1)];
        self.stack.truncate(len - 2);
        let dst = self.slot_at(len - 2);
        let op = make(dst, a, b);
        self.dying.extend(dying.into_iter().flatten());
        // Only when nothing was emitted after the producer (a constant's materialization).
        if let (Some((h, inner)), true) = (inner, self.code.len() == emitted) {
            if let Some(fused) = fuse_binary(op, inner, h == len - 1) {
                self.replace_last();
                self.emit_producer(fused);
                self.push_wide(Operand::Temp, wide);
                return;
            }
        }
        self.emit_producer(op);
        self.push_wide(Operand::Temp, wide);
    }

    /// A binary operator with an immediate form for a constant right operand (or left one when
    /// `commutative`); `imm` maps the constant's bits to the immediate, if it fits.
    fn bin_imm(&mut self, make: Bin, make_imm: BinImm, commutative: bool, imm: fn(u64) -> Option<i32>) {
        let len = self.stack.len();
        let (x, y) = (self.stack[len - 2], self.stack[len - 1]);
        let pick = match (x, y) {
            (_, Operand::Const(c)) => imm(c).map(|i| (len - 2, i)),
            (Operand::Const(c), _) if commutative => imm(c).map(|i| (len - 1, i)),
            _ => None,
        };
        let Some((h, i)) = pick else { return self.bin(make) };
        let inner = self.producer_of(h);
        let a = self.operand_slot(h);
        let dying = self.temp(h);
        self.stack.truncate(len - 2);
        let dst = self.slot_at(len - 2);
        let op = make_imm(dst, a, i);
        self.dying.extend(dying);
        // The non-constant operand's producer fused in (`operand_slot` of a temporary emits
        // nothing, so it is still the last instruction).
        if let Some(fused) = inner.and_then(|inner| fuse_binary(op, inner, false)) {
            self.replace_last();
            self.emit_producer(fused);
            self.push(Operand::Temp);
            return;
        }
        self.emit_producer(op);
        self.push(Operand::Temp);
    }

    fn un(&mut self, make: impl FnOnce(Slot, Slot) -> Op) {
        let len = self.stack.len();
        let src = self.operand_slot(len - 1);
        let dying = self.temp(len - 1);
        self.dying.extend(dying);
        self.stack.pop();
        let dst = self.slot_at(len - 1);
        self.emit_producer(make(dst, src));
        self.push(Operand::Temp);
    }

    fn load(&mut self, offset: u64, make: fn(Slot, Slot, u32) -> Op) {
        let h = self.stack.len() - 1;
        // An address computed just before into its temporary: fused into the access.
        if let Some(inner) = self.producer_of(h) {
            let op = make(self.slot_at(h), self.slot_at(h), offset as u32);
            if let Some(fused) = fuse_access(op, inner) {
                self.replace_last();
                self.stack.pop();
                self.emit_producer(fused);
                self.push(Operand::Temp);
                return;
            }
        }
        self.un_with(move |dst, addr| make(dst, addr, offset as u32));
    }

    fn un_with(&mut self, make: impl FnOnce(Slot, Slot) -> Op) {
        self.un_to(false, make)
    }

    /// A unary operator whose result is a v128 when `wide`.
    fn un_to(&mut self, wide: bool, make: impl FnOnce(Slot, Slot) -> Op) {
        let len = self.stack.len();
        let src = self.operand_slot(len - 1);
        let dying = self.temp(len - 1);
        self.dying.extend(dying);
        self.stack.pop();
        let dst = self.slot_at(len - 1);
        self.emit_producer(make(dst, src));
        self.push_wide(Operand::Temp, wide);
    }

    /// An instruction taking its `n` operands from consecutive slots (and pushing nothing).
    fn bulk(&mut self, n: usize, make: impl FnOnce(Slot) -> Op) {
        self.materialize_top(n);
        let len = self.stack.len();
        let args = self.slot_at(len - n);
        self.stack.truncate(len - n);
        self.emit(make(args));
    }

    /// A wide-arithmetic instruction: `n` operands in consecutive slots, replaced by the two
    /// i64 results (low, high) in the first two.
    fn wide(&mut self, n: usize, make: impl FnOnce(Slot) -> Op) {
        self.bulk(n, make);
        self.push(Operand::Temp);
        self.push(Operand::Temp);
    }

    fn store(&mut self, offset: u64, make: impl FnOnce(Slot, Slot, u32) -> Op) {
        let len = self.stack.len();
        // The value, or else the address, computed by the last instruction.
        let inner = self.producer_of(len - 1).or_else(|| self.producer_of(len - 2));
        let emitted = self.code.len();
        let addr = self.operand_slot(len - 2);
        let src = self.operand_slot(len - 1);
        let dying = [self.temp(len - 2), self.temp(len - 1)];
        self.stack.truncate(len - 2);
        let op = make(addr, src, offset as u32);
        self.dying.extend(dying.into_iter().flatten());
        // Only if nothing was emitted since (a constant's materialization).
        if let (Some(inner), true) = (inner, self.code.len() == emitted) {
            if let Some(fused) = fuse_access(op, inner) {
                self.replace_last();
                self.emit(fused);
                return;
            }
        }
        self.emit(op);
    }

    fn local_set(&mut self, i: u32, tee: bool) {
        let len = self.stack.len();
        let x = self.stack[len - 1];
        let h = len - 1;
        let wide = self.stack.wide(h);
        let dst = self.local(i);
        // Fold the write into the instruction that produced the value, when it wrote `x`'s slot.
        let producer = self.producer_of(h).and_then(|mut op| op.retarget(dst).then_some(op));
        let dying = self.temp(h);
        self.stack.pop();
        // The producer's last reads stay its own when it comes back after the copies.
        let producer_dying = if producer.is_some() { self.pop_code() } else { Dying::default() };
        // Entries still reading the old value of local `i` get it copied out first. Those copies
        // go before the producer: they write slots below `x`, which the producer does not read.
        for k in 0..self.stack.len() {
            if self.stack[k] == Operand::Local(i) {
                self.materialize(k);
            }
        }
        if let Some(op) = producer {
            self.dying.extend(producer_dying.iter());
            self.emit(op);
            if tee {
                self.push_wide(Operand::Local(i), wide);
            }
            return;
        }
        match x {
            Operand::Temp => {
                let src = self.slot_at(h);
                // The copy is the value's last read unless `local.tee` keeps it on the stack.
                if dst != src && !tee {
                    self.dying.extend(dying);
                }
                self.emit_copy(dst, src, wide);
            }
            v => self.emit_operand(dst, v, wide),
        }
        if tee {
            self.push_wide(x, wide);
        }
    }

    fn push_results(&mut self, results: &[crate::wasm::types::ValType]) {
        for t in results {
            self.push_wide(Operand::Temp, is_wide(*t));
        }
    }

    /// Pops the `n` arguments of a call into consecutive slots and returns the first, where the
    /// callee's frame starts.
    fn call_args(&mut self, n: usize) -> Slot {
        self.materialize_top(n);
        let len = self.stack.len();
        let base = self.slot_at(len - n);
        self.stack.truncate(len - n);
        base
    }

    /// Pops a tail call's arguments (see [`Translator::call_args`]); the frame keeps room for
    /// the `results` from their slot on, where a host callee leaves them before they move to
    /// slot 0 (`exec::tail_call_addr`).
    fn tail_call_args(&mut self, n: usize, results: &[crate::wasm::types::ValType]) -> Slot {
        let base = self.call_args(n);
        let len = self.stack.len();
        self.push_results(results);
        self.stack.truncate(len);
        base
    }

    fn call(&mut self, func_index: u32) {
        let ty = self.module.func_type(func_index);
        let base = self.call_args(ty.params().len());
        let op = if func_index < self.module.num_imported_funcs {
            Op::CallImported { func: func_index, base }
        } else {
            Op::Call { func: func_index - self.module.num_imported_funcs, base }
        };
        self.emit(op);
        self.push_results(self.module.func_type(func_index).results());
    }

    /// The memory an atomic instruction names, and its offset if the fast instructions (memory 0
    /// of 32 bits, an offset below 2^32) serve it; `None`: the general ones (`AtomicMem`, …).
    fn atomic_memarg(&self, memarg: &wasmparser::MemArg, offset: usize) -> Result<(u32, Option<u32>), CompileError> {
        let memory = crate::wasm::memarg_memory(memarg).map_err(|e| CompileError { offset: Some(offset), ..e })?;
        let fast = self.fast_memory(memory).then(|| u32::try_from(memarg.offset).ok()).flatten();
        Ok((memory, fast))
    }

    /// An atomic load, store, read-modify-write or compare-exchange (`wasm::atomics`).
    fn atomic(&mut self, a: crate::wasm::atomics::AtomicAccess, at: usize) -> Result<(), CompileError> {
        use crate::wasm::atomics::AtomicOp;
        let width = a.width_log2 as u16;
        match self.atomic_memarg(&a.memarg, at)? {
            (_, Some(offset)) => match a.op {
                AtomicOp::Load => self.bulk(1, |args| Op::AtomicLoad { args, offset, width }),
                AtomicOp::Store => self.bulk(2, |args| Op::AtomicStore { args, offset, width }),
                AtomicOp::Rmw(r) => self.bulk(2, |args| Op::AtomicRmw { args, offset, code: (r as u16) << 2 | width }),
                AtomicOp::Cmpxchg => self.bulk(3, |args| Op::AtomicCmpxchg { args, offset, width }),
            },
            (memory, None) => {
                let code = a.op.code() << 2 | width;
                self.bulk(a.operands(), |args| Op::AtomicMem { args, code });
                self.emit((ext::AtomicMem { memory, offset: a.memarg.offset }).word());
            }
        }
        if a.has_result() {
            self.push(Operand::Temp);
        }
        Ok(())
    }

    /// Whether memory `memory` is reached by the fast instructions: memory 0 of 32 bits, whose
    /// base and bound the handlers keep in registers. Every other goes through the general
    /// instructions (`access`), which look the memory up by index.
    fn fast_memory(&self, memory: u32) -> bool {
        memory == 0 && self.module.memories[0].index == IndexType::I32
    }

    /// Whether an access at `offset` to memory `memory` may take the fast instructions on its
    /// i64 address narrowed to u32 (`narrow_address`): memory 0 is 64-bit, and so shorter than
    /// 2^32 bytes (`vm::MAX_MEMORY64_BYTES`), and the offset fits the instructions' u32.
    fn fast_memory64(&self, memory: u32, offset: u64) -> bool {
        const _: () = assert!(crate::vm::MAX_MEMORY64_BYTES < 1 << 32, "a saturated address must stay out of bounds");
        memory == 0 && self.module.memories[0].index == IndexType::I64 && offset <= u32::MAX as u64
    }

    /// Replaces the i64 address at height `h` by `min(address, 2^32 - 1)` in its own slot
    /// (`I64SatU32`), for a fast instruction on a 64-bit memory 0 (`fast_memory64`): the
    /// memory being shorter than 2^32 bytes, a saturated address is out of bounds as the
    /// original was, and the sum with the offset cannot wrap.
    fn narrow_address(&mut self, h: usize) {
        let src = self.operand_slot(h);
        let dst = self.slot_at(h);
        self.stack[h] = Operand::Temp;
        let op = Op::I64SatU32 { dst, src };
        // On top, it is the address's producer (forwarded through the accumulator); below the
        // value of a store, nothing fuses with it.
        if h + 1 == self.stack.len() {
            self.emit_producer(op);
        } else {
            self.emit(op);
        }
    }

    /// Whether table `table` takes i64 indices (table64).
    fn table64(&self, table: u32) -> bool {
        self.module.tables[table as usize].index == IndexType::I64
    }

    /// Narrows the i64 table indices among the `n` operands on top of the stack (consecutive
    /// slots, as `bulk` leaves them), those whose bit is set in `wide_mask` (bit `k` for the
    /// `k`-th from the bottom), to u32 in place: `I64SatU32` keeps an index out of bounds when
    /// it is, so the table instructions can take u32s.
    fn narrow_table_operands(&mut self, n: usize, wide_mask: u32) {
        if wide_mask == 0 {
            return;
        }
        self.materialize_top(n);
        let args = self.slot_at(self.stack.len() - n);
        for k in 0..n {
            if wide_mask & (1 << k) != 0 {
                let s = args + k as Slot;
                self.emit(Op::I64SatU32 { dst: s, src: s });
            }
        }
    }

    /// A memory access through the general instructions: any memory, i32 or i64 addresses,
    /// any offset (see `access`).
    fn general_access(&mut self, memory: u32, memarg: MemArg, access: Access) {
        let len = self.stack.len();
        match access {
            Access::Load(kind) => {
                let addr = self.operand_slot(len - 1);
                let dying = self.temp(len - 1);
                self.dying.extend(dying);
                self.stack.pop();
                let dst = self.slot_at(len - 1);
                self.emit(Op::LoadMem { dst, addr, kind: kind as u8 });
                self.emit((ext::LoadMem { memory, offset: memarg.offset }).word());
                let wide = kind.is_v128();
                self.push_wide(Operand::Temp, wide);
            }
            Access::Store(kind, lane) => {
                let addr = self.operand_slot(len - 2);
                let src = self.operand_slot(len - 1);
                let dying = [self.temp(len - 2), self.temp(len - 1)];
                self.stack.truncate(len - 2);
                self.dying.extend(dying.into_iter().flatten());
                self.emit(Op::StoreMem { addr, src, kind: kind as u8, lane });
                self.emit((ext::StoreMem { memory, offset: memarg.offset }).word());
            }
            Access::LoadLane(kind, lane) => {
                self.materialize_top(2);
                let args = self.slot_at(len - 2);
                self.stack.truncate(len - 2);
                self.emit(Op::LoadLaneMem { args, kind: kind as u8, lane });
                self.emit((ext::LoadLaneMem { memory, offset: memarg.offset }).word());
                self.push_wide(Operand::Temp, true);
            }
        }
    }

    /// `return_call`: the code after it is dead (the walk skips it).
    fn return_call(&mut self, func_index: u32) {
        let ty = self.module.func_type(func_index);
        let base = self.tail_call_args(ty.params().len(), ty.results());
        self.emit(if func_index < self.module.num_imported_funcs {
            Op::ReturnCallImported { func: func_index, base }
        } else {
            Op::ReturnCall { func: func_index - self.module.num_imported_funcs, base }
        });
    }

    /// `call_indirect` (`tail`: `return_call_indirect`) of type `ty` through `table`.
    fn call_indirect(&mut self, ty: u32, table: u32, tail: bool) {
        if self.table64(table) {
            self.un(|dst, src| Op::I64SatU32 { dst, src });
        }
        let ft = &self.module.types[ty as usize];
        let len = self.stack.len();
        let index = self.operand_slot(len - 1);
        // The index is read before the callee's frame (which may cover its slot) is set up.
        self.stack.pop();
        let table = table as u16;
        if tail {
            let base = self.tail_call_args(ft.params().len(), ft.results());
            self.emit(Op::ReturnCallIndirect { ty, index, base, table });
        } else {
            let base = self.call_args(ft.params().len());
            self.emit(Op::CallIndirect { ty, index, base, table });
            self.push_results(ft.results());
        }
    }

    /// `call_ref` (`tail`: `return_call_ref`) of type `ty`.
    fn call_ref(&mut self, ty: u32, tail: bool) {
        let ft = &self.module.types[ty as usize];
        let len = self.stack.len();
        // Read before the callee's frame is set up, as `call_indirect`'s index.
        let fref = self.operand_slot(len - 1);
        self.stack.pop();
        if tail {
            let base = self.tail_call_args(ft.params().len(), ft.results());
            self.emit(Op::ReturnCallRef { fref, base });
        } else {
            let base = self.call_args(ft.params().len());
            self.emit(Op::CallRef { fref, base });
            self.push_results(ft.results());
        }
    }

    fn lower(&mut self, op: Operator<'_>, offset: usize) -> Result<(), CompileError> {
        use Operator as O;
        if let Some(a) = crate::wasm::atomics::atomic_access(&op) {
            return self.atomic(a, offset);
        }
        if let Some((memarg, access)) = memory_access(&op) {
            let memory = crate::wasm::memarg_memory(&memarg).map_err(|e| CompileError { offset: Some(offset), ..e })?;
            if self.fast_memory64(memory, memarg.offset) {
                // The fast instruction below, on the address narrowed to u32.
                let len = self.stack.len();
                self.narrow_address(match access {
                    Access::Load(_) => len - 1,
                    Access::Store(..) | Access::LoadLane(..) => len - 2,
                });
            } else if !self.fast_memory(memory) {
                self.general_access(memory, memarg, access);
                return Ok(());
            }
        }
        match op {
            O::Nop => {}
            O::Unreachable => {
                self.emit(Op::Unreachable);
            }
            O::Throw { tag_index } => {
                let base = self.call_args(self.module.tag_payload(tag_index).len());
                self.emit(Op::Throw { tag: tag_index, base });
            }
            O::ThrowRef => {
                let exn = self.operand_slot(self.stack.len() - 1);
                self.emit(Op::ThrowRef { exn });
            }
            O::Call { function_index } => self.call(function_index),
            O::CallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index, false),
            O::ReturnCall { function_index } => self.return_call(function_index),
            O::ReturnCallIndirect { type_index, table_index } => self.call_indirect(type_index, table_index, true),
            O::CallRef { type_index } => self.call_ref(type_index, false),
            O::ReturnCallRef { type_index } => self.call_ref(type_index, true),
            O::Drop => {
                self.stack.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let len = self.stack.len();
                let wide = self.stack.wide(len - 2);
                let cond = self.operand_slot(len - 1);
                let b = self.operand_slot(len - 2);
                let a = self.operand_slot(len - 3);
                let dst = self.slot_at(len - 3);
                let dying = [self.temp(len - 3), self.temp(len - 2), self.temp(len - 1)];
                self.stack.truncate(len - 3);
                let small = slot16;
                match (small(dst), small(a), small(b), small(cond)) {
                    (Some(dst), Some(a), Some(b), Some(cond)) if wide => {
                        self.emit_producer(Op::Select128 { dst, a, b, cond })
                    }
                    (Some(dst), Some(a), Some(b), Some(cond)) => {
                        self.dying.extend(dying.into_iter().flatten());
                        self.emit_producer(Op::Select16 { dst, a, b, cond })
                    }
                    _ => {
                        // Frames past 65 536 slots: place `a` in `dst` first.
                        self.emit_copy(dst, a, wide);
                        self.emit(if wide { Op::SelectWide128 { dst, b, cond } } else { Op::Select { dst, b, cond } });
                    }
                }
                self.push_wide(Operand::Temp, wide);
            }
            O::LocalGet { local_index } => {
                self.push_wide(Operand::Local(local_index), self.local_wide[local_index as usize])
            }
            O::LocalSet { local_index } => self.local_set(local_index, false),
            O::LocalTee { local_index } => self.local_set(local_index, true),
            O::GlobalGet { global_index } => {
                let dst = self.slot_at(self.stack.len());
                let global = global_index;
                if is_wide(self.module.globals[global as usize].content) {
                    self.emit_producer(Op::GlobalGet128 { dst, global });
                    self.push_wide(Operand::Temp, true);
                } else {
                    self.emit_producer(Op::GlobalGet { dst, global });
                    self.push(Operand::Temp);
                }
            }
            O::GlobalSet { global_index } => {
                let len = self.stack.len();
                let src = self.operand_slot(len - 1);
                self.stack.pop();
                let global = global_index;
                if is_wide(self.module.globals[global as usize].content) {
                    self.emit(Op::GlobalSet128 { src, global });
                } else {
                    self.emit(Op::GlobalSet { src, global });
                }
            }
            O::I32Load { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I32Load { dst, addr, offset }),
            O::I64Load { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I64Load { dst, addr, offset }),
            O::F32Load { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::F32Load { dst, addr, offset }),
            O::F64Load { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::F64Load { dst, addr, offset }),
            O::I32Load8S { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I32Load8S { dst, addr, offset }),
            O::I32Load8U { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I32Load8U { dst, addr, offset }),
            O::I32Load16S { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I32Load16S { dst, addr, offset }),
            O::I32Load16U { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I32Load16U { dst, addr, offset }),
            O::I64Load8S { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I64Load8S { dst, addr, offset }),
            O::I64Load8U { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I64Load8U { dst, addr, offset }),
            O::I64Load16S { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I64Load16S { dst, addr, offset }),
            O::I64Load16U { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I64Load16U { dst, addr, offset }),
            O::I64Load32S { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I64Load32S { dst, addr, offset }),
            O::I64Load32U { memarg } => self.load(memarg.offset, |dst, addr, offset| Op::I64Load32U { dst, addr, offset }),
            O::I32Store { memarg } | O::F32Store { memarg } => {
                self.store(memarg.offset, |addr, src, offset| Op::I32Store { addr, src, offset })
            }
            O::I64Store { memarg } | O::F64Store { memarg } => {
                self.store(memarg.offset, |addr, src, offset| Op::I64Store { addr, src, offset })
            }
            O::I32Store8 { memarg } => self.store(memarg.offset, |addr, src, offset| Op::I32Store8 { addr, src, offset }),
            O::I32Store16 { memarg } => self.store(memarg.offset, |addr, src, offset| Op::I32Store16 { addr, src, offset }),
            O::I64Store8 { memarg } => self.store(memarg.offset, |addr, src, offset| Op::I64Store8 { addr, src, offset }),
            O::I64Store16 { memarg } => self.store(memarg.offset, |addr, src, offset| Op::I64Store16 { addr, src, offset }),
            O::I64Store32 { memarg } => self.store(memarg.offset, |addr, src, offset| Op::I64Store32 { addr, src, offset }),
            O::MemorySize { mem } => {
                let dst = self.slot_at(self.stack.len());
                // (`MemorySize` counts pages of 64 KiB.)
                if self.fast_memory(mem) && self.module.memories[0].page_size_log2 == 16 {
                    self.emit_producer(Op::MemorySize { dst });
                } else {
                    self.emit_producer(Op::MemorySizeMem { dst, memory: mem });
                }
                self.push(Operand::Temp);
            }
            O::MemoryGrow { mem } if self.fast_memory(mem) => self.un(|dst, delta| Op::MemoryGrow { dst, delta }),
            O::MemoryGrow { mem } => {
                self.un(|dst, delta| Op::MemoryGrowMem { dst, delta, memory: mem });
            }
            O::MemoryAtomicNotify { memarg } => {
                match self.atomic_memarg(&memarg, offset)? {
                    (_, Some(offset)) => self.bulk(2, |args| Op::AtomicNotify { args, offset }),
                    (memory, None) => {
                        self.bulk(2, |args| Op::AtomicNotifyMem { args });
                        self.emit((ext::AtomicNotifyMem { memory, offset: memarg.offset }).word());
                    }
                }
                self.push(Operand::Temp);
            }
            O::MemoryAtomicWait32 { memarg } | O::MemoryAtomicWait64 { memarg } => {
                let width = if matches!(op, O::MemoryAtomicWait32 { .. }) { 2 } else { 3 };
                match self.atomic_memarg(&memarg, offset)? {
                    (_, Some(offset)) => self.bulk(3, |args| Op::AtomicWait { args, offset, width }),
                    (memory, None) => {
                        self.bulk(3, |args| Op::AtomicWaitMem { args, width });
                        self.emit((ext::AtomicWaitMem { memory, offset: memarg.offset }).word());
                    }
                }
                self.push(Operand::Temp);
            }
            // One thread at a time runs a link group's code (`vm::atomics`): nothing to order.
            O::AtomicFence { .. } => {}
            O::I32Const { value } => self.push(Operand::Const(value as u32 as u64)),
            O::I64Const { value } => self.push(Operand::Const(value as u64)),
            O::F32Const { value } => self.push(Operand::Const(value.bits() as u64)),
            O::F64Const { value } => self.push(Operand::Const(value.bits())),
            O::V128Const { value } => {
                self.push_wide(Operand::ConstV128(u128::from_le_bytes(*value.bytes())), true)
            }

            O::I32Eqz => self.un(|dst, src| Op::I32Eqz { dst, src }),
            O::I32Eq => self.bin_imm(|dst, a, b| Op::I32Eq { dst, a, b }, |dst, a, imm| Op::I32EqImm { dst, a, imm }, true, imm32),
            O::I32Ne => self.bin_imm(|dst, a, b| Op::I32Ne { dst, a, b }, |dst, a, imm| Op::I32NeImm { dst, a, imm }, true, imm32),
            O::I32LtS => self.bin_imm(|dst, a, b| Op::I32LtS { dst, a, b }, |dst, a, imm| Op::I32LtSImm { dst, a, imm }, false, imm32),
            O::I32LtU => self.bin_imm(|dst, a, b| Op::I32LtU { dst, a, b }, |dst, a, imm| Op::I32LtUImm { dst, a, imm }, false, imm32),
            O::I32GtS => self.bin_imm(|dst, a, b| Op::I32GtS { dst, a, b }, |dst, a, imm| Op::I32GtSImm { dst, a, imm }, false, imm32),
            O::I32GtU => self.bin_imm(|dst, a, b| Op::I32GtU { dst, a, b }, |dst, a, imm| Op::I32GtUImm { dst, a, imm }, false, imm32),
            O::I32LeS => self.bin_imm(|dst, a, b| Op::I32LeS { dst, a, b }, |dst, a, imm| Op::I32LeSImm { dst, a, imm }, false, imm32),
            O::I32LeU => self.bin_imm(|dst, a, b| Op::I32LeU { dst, a, b }, |dst, a, imm| Op::I32LeUImm { dst, a, imm }, false, imm32),
            O::I32GeS => self.bin_imm(|dst, a, b| Op::I32GeS { dst, a, b }, |dst, a, imm| Op::I32GeSImm { dst, a, imm }, false, imm32),
            O::I32GeU => self.bin_imm(|dst, a, b| Op::I32GeU { dst, a, b }, |dst, a, imm| Op::I32GeUImm { dst, a, imm }, false, imm32),
            O::I32Clz => self.un(|dst, src| Op::I32Clz { dst, src }),
            O::I32Ctz => self.un(|dst, src| Op::I32Ctz { dst, src }),
            O::I32Popcnt => self.un(|dst, src| Op::I32Popcnt { dst, src }),
            O::I32Add => self.bin_imm(|dst, a, b| Op::I32Add { dst, a, b }, |dst, a, imm| Op::I32AddImm { dst, a, imm }, true, imm32),
            O::I32Sub => self.bin_imm(|dst, a, b| Op::I32Sub { dst, a, b }, |dst, a, imm| Op::I32AddImm { dst, a, imm }, false, |c| Some((c as u32 as i32).wrapping_neg())),
            O::I32Mul => self.bin_imm(|dst, a, b| Op::I32Mul { dst, a, b }, |dst, a, imm| Op::I32MulImm { dst, a, imm }, true, imm32),
            O::I32DivS => self.bin(|dst, a, b| Op::I32DivS { dst, a, b }),
            O::I32DivU => self.bin(|dst, a, b| Op::I32DivU { dst, a, b }),
            O::I32RemS => self.bin(|dst, a, b| Op::I32RemS { dst, a, b }),
            O::I32RemU => self.bin(|dst, a, b| Op::I32RemU { dst, a, b }),
            O::I32And => self.bin_imm(|dst, a, b| Op::I32And { dst, a, b }, |dst, a, imm| Op::I32AndImm { dst, a, imm }, true, imm32),
            O::I32Or => self.bin_imm(|dst, a, b| Op::I32Or { dst, a, b }, |dst, a, imm| Op::I32OrImm { dst, a, imm }, true, imm32),
            O::I32Xor => self.bin_imm(|dst, a, b| Op::I32Xor { dst, a, b }, |dst, a, imm| Op::I32XorImm { dst, a, imm }, true, imm32),
            O::I32Shl => self.bin_imm(|dst, a, b| Op::I32Shl { dst, a, b }, |dst, a, imm| Op::I32ShlImm { dst, a, imm }, false, imm32),
            O::I32ShrS => self.bin_imm(|dst, a, b| Op::I32ShrS { dst, a, b }, |dst, a, imm| Op::I32ShrSImm { dst, a, imm }, false, imm32),
            O::I32ShrU => self.bin_imm(|dst, a, b| Op::I32ShrU { dst, a, b }, |dst, a, imm| Op::I32ShrUImm { dst, a, imm }, false, imm32),
            O::I32Rotl => self.bin(|dst, a, b| Op::I32Rotl { dst, a, b }),
            O::I32Rotr => self.bin(|dst, a, b| Op::I32Rotr { dst, a, b }),

            O::I64Eqz => self.un(|dst, src| Op::I64Eqz { dst, src }),
            O::I64Eq => self.bin(|dst, a, b| Op::I64Eq { dst, a, b }),
            O::I64Ne => self.bin(|dst, a, b| Op::I64Ne { dst, a, b }),
            O::I64LtS => self.bin(|dst, a, b| Op::I64LtS { dst, a, b }),
            O::I64LtU => self.bin(|dst, a, b| Op::I64LtU { dst, a, b }),
            O::I64GtS => self.bin(|dst, a, b| Op::I64GtS { dst, a, b }),
            O::I64GtU => self.bin(|dst, a, b| Op::I64GtU { dst, a, b }),
            O::I64LeS => self.bin(|dst, a, b| Op::I64LeS { dst, a, b }),
            O::I64LeU => self.bin(|dst, a, b| Op::I64LeU { dst, a, b }),
            O::I64GeS => self.bin(|dst, a, b| Op::I64GeS { dst, a, b }),
            O::I64GeU => self.bin(|dst, a, b| Op::I64GeU { dst, a, b }),
            O::I64Clz => self.un(|dst, src| Op::I64Clz { dst, src }),
            O::I64Ctz => self.un(|dst, src| Op::I64Ctz { dst, src }),
            O::I64Popcnt => self.un(|dst, src| Op::I64Popcnt { dst, src }),
            O::I64Add => self.bin_imm(|dst, a, b| Op::I64Add { dst, a, b }, |dst, a, imm| Op::I64AddImm { dst, a, imm }, true, imm64),
            O::I64Sub => self.bin_imm(|dst, a, b| Op::I64Sub { dst, a, b }, |dst, a, imm| Op::I64AddImm { dst, a, imm }, false, |c| imm64((c as i64).wrapping_neg() as u64)),
            O::I64Mul => self.bin(|dst, a, b| Op::I64Mul { dst, a, b }),
            O::I64Add128 => self.wide(4, |args| Op::I64Add128 { args }),
            O::I64Sub128 => self.wide(4, |args| Op::I64Sub128 { args }),
            O::I64MulWideS => self.wide(2, |args| Op::I64MulWideS { args }),
            O::I64MulWideU => self.wide(2, |args| Op::I64MulWideU { args }),
            O::I64DivS => self.bin(|dst, a, b| Op::I64DivS { dst, a, b }),
            O::I64DivU => self.bin(|dst, a, b| Op::I64DivU { dst, a, b }),
            O::I64RemS => self.bin(|dst, a, b| Op::I64RemS { dst, a, b }),
            O::I64RemU => self.bin(|dst, a, b| Op::I64RemU { dst, a, b }),
            O::I64And => self.bin_imm(|dst, a, b| Op::I64And { dst, a, b }, |dst, a, imm| Op::I64AndImm { dst, a, imm }, true, imm64),
            O::I64Or => self.bin(|dst, a, b| Op::I64Or { dst, a, b }),
            O::I64Xor => self.bin(|dst, a, b| Op::I64Xor { dst, a, b }),
            O::I64Shl => self.bin_imm(|dst, a, b| Op::I64Shl { dst, a, b }, |dst, a, imm| Op::I64ShlImm { dst, a, imm }, false, shift64),
            O::I64ShrS => self.bin_imm(|dst, a, b| Op::I64ShrS { dst, a, b }, |dst, a, imm| Op::I64ShrSImm { dst, a, imm }, false, shift64),
            O::I64ShrU => self.bin_imm(|dst, a, b| Op::I64ShrU { dst, a, b }, |dst, a, imm| Op::I64ShrUImm { dst, a, imm }, false, shift64),
            O::I64Rotl => self.bin(|dst, a, b| Op::I64Rotl { dst, a, b }),
            O::I64Rotr => self.bin(|dst, a, b| Op::I64Rotr { dst, a, b }),

            O::F32Eq => self.bin(|dst, a, b| Op::F32Eq { dst, a, b }),
            O::F32Ne => self.bin(|dst, a, b| Op::F32Ne { dst, a, b }),
            O::F32Lt => self.bin(|dst, a, b| Op::F32Lt { dst, a, b }),
            O::F32Gt => self.bin(|dst, a, b| Op::F32Gt { dst, a, b }),
            O::F32Le => self.bin(|dst, a, b| Op::F32Le { dst, a, b }),
            O::F32Ge => self.bin(|dst, a, b| Op::F32Ge { dst, a, b }),
            O::F64Eq => self.bin(|dst, a, b| Op::F64Eq { dst, a, b }),
            O::F64Ne => self.bin(|dst, a, b| Op::F64Ne { dst, a, b }),
            O::F64Lt => self.bin(|dst, a, b| Op::F64Lt { dst, a, b }),
            O::F64Gt => self.bin(|dst, a, b| Op::F64Gt { dst, a, b }),
            O::F64Le => self.bin(|dst, a, b| Op::F64Le { dst, a, b }),
            O::F64Ge => self.bin(|dst, a, b| Op::F64Ge { dst, a, b }),
            O::F32Abs => self.un(|dst, src| Op::F32Abs { dst, src }),
            O::F32Neg => self.un(|dst, src| Op::F32Neg { dst, src }),
            O::F32Ceil => self.un(|dst, src| Op::F32Ceil { dst, src }),
            O::F32Floor => self.un(|dst, src| Op::F32Floor { dst, src }),
            O::F32Trunc => self.un(|dst, src| Op::F32Trunc { dst, src }),
            O::F32Nearest => self.un(|dst, src| Op::F32Nearest { dst, src }),
            O::F32Sqrt => self.un(|dst, src| Op::F32Sqrt { dst, src }),
            O::F32Add => self.bin(|dst, a, b| Op::F32Add { dst, a, b }),
            O::F32Sub => self.bin(|dst, a, b| Op::F32Sub { dst, a, b }),
            O::F32Mul => self.bin(|dst, a, b| Op::F32Mul { dst, a, b }),
            O::F32Div => self.bin(|dst, a, b| Op::F32Div { dst, a, b }),
            O::F32Min => self.bin(|dst, a, b| Op::F32Min { dst, a, b }),
            O::F32Max => self.bin(|dst, a, b| Op::F32Max { dst, a, b }),
            O::F32Copysign => self.bin(|dst, a, b| Op::F32Copysign { dst, a, b }),
            O::F64Abs => self.un(|dst, src| Op::F64Abs { dst, src }),
            O::F64Neg => self.un(|dst, src| Op::F64Neg { dst, src }),
            O::F64Ceil => self.un(|dst, src| Op::F64Ceil { dst, src }),
            O::F64Floor => self.un(|dst, src| Op::F64Floor { dst, src }),
            O::F64Trunc => self.un(|dst, src| Op::F64Trunc { dst, src }),
            O::F64Nearest => self.un(|dst, src| Op::F64Nearest { dst, src }),
            O::F64Sqrt => self.un(|dst, src| Op::F64Sqrt { dst, src }),
            O::F64Add => self.bin(|dst, a, b| Op::F64Add { dst, a, b }),
            O::F64Sub => self.bin(|dst, a, b| Op::F64Sub { dst, a, b }),
            O::F64Mul => self.bin(|dst, a, b| Op::F64Mul { dst, a, b }),
            O::F64Div => self.bin(|dst, a, b| Op::F64Div { dst, a, b }),
            O::F64Min => self.bin(|dst, a, b| Op::F64Min { dst, a, b }),
            O::F64Max => self.bin(|dst, a, b| Op::F64Max { dst, a, b }),
            O::F64Copysign => self.bin(|dst, a, b| Op::F64Copysign { dst, a, b }),

            O::I32WrapI64 => self.un(|dst, src| Op::I32WrapI64 { dst, src }),
            O::I32TruncF32S => self.un(|dst, src| Op::I32TruncF32S { dst, src }),
            O::I32TruncF32U => self.un(|dst, src| Op::I32TruncF32U { dst, src }),
            O::I32TruncF64S => self.un(|dst, src| Op::I32TruncF64S { dst, src }),
            O::I32TruncF64U => self.un(|dst, src| Op::I32TruncF64U { dst, src }),
            O::I64ExtendI32S => self.un(|dst, src| Op::I64ExtendI32S { dst, src }),
            O::I64ExtendI32U => self.un(|dst, src| Op::I64ExtendI32U { dst, src }),
            O::I64TruncF32S => self.un(|dst, src| Op::I64TruncF32S { dst, src }),
            O::I64TruncF32U => self.un(|dst, src| Op::I64TruncF32U { dst, src }),
            O::I64TruncF64S => self.un(|dst, src| Op::I64TruncF64S { dst, src }),
            O::I64TruncF64U => self.un(|dst, src| Op::I64TruncF64U { dst, src }),
            O::F32ConvertI32S => self.un(|dst, src| Op::F32ConvertI32S { dst, src }),
            O::F32ConvertI32U => self.un(|dst, src| Op::F32ConvertI32U { dst, src }),
            O::F32ConvertI64S => self.un(|dst, src| Op::F32ConvertI64S { dst, src }),
            O::F32ConvertI64U => self.un(|dst, src| Op::F32ConvertI64U { dst, src }),
            O::F32DemoteF64 => self.un(|dst, src| Op::F32DemoteF64 { dst, src }),
            O::F64ConvertI32S => self.un(|dst, src| Op::F64ConvertI32S { dst, src }),
            O::F64ConvertI32U => self.un(|dst, src| Op::F64ConvertI32U { dst, src }),
            O::F64ConvertI64S => self.un(|dst, src| Op::F64ConvertI64S { dst, src }),
            O::F64ConvertI64U => self.un(|dst, src| Op::F64ConvertI64U { dst, src }),
            O::F64PromoteF32 => self.un(|dst, src| Op::F64PromoteF32 { dst, src }),
            // Reinterpretations keep the bits: nothing to do on untyped cells. The upper half of
            // an i32/f32 cell is never read, so i32 <-> f32 needs no masking either.
            O::I32ReinterpretF32 | O::F32ReinterpretI32 | O::I64ReinterpretF64 | O::F64ReinterpretI64 => {}
            O::I32Extend8S => self.un(|dst, src| Op::I32Extend8S { dst, src }),
            O::I32Extend16S => self.un(|dst, src| Op::I32Extend16S { dst, src }),
            O::I64Extend8S => self.un(|dst, src| Op::I64Extend8S { dst, src }),
            O::I64Extend16S => self.un(|dst, src| Op::I64Extend16S { dst, src }),
            O::I64Extend32S => self.un(|dst, src| Op::I64Extend32S { dst, src }),
            O::I32TruncSatF32S => self.un(|dst, src| Op::I32TruncSatF32S { dst, src }),
            O::I32TruncSatF32U => self.un(|dst, src| Op::I32TruncSatF32U { dst, src }),
            O::I32TruncSatF64S => self.un(|dst, src| Op::I32TruncSatF64S { dst, src }),
            O::I32TruncSatF64U => self.un(|dst, src| Op::I32TruncSatF64U { dst, src }),
            O::I64TruncSatF32S => self.un(|dst, src| Op::I64TruncSatF32S { dst, src }),
            O::I64TruncSatF32U => self.un(|dst, src| Op::I64TruncSatF32U { dst, src }),
            O::I64TruncSatF64S => self.un(|dst, src| Op::I64TruncSatF64S { dst, src }),
            O::I64TruncSatF64U => self.un(|dst, src| Op::I64TruncSatF64U { dst, src }),
            O::RefNull { .. } => self.push(Operand::Const(0)),
            O::RefIsNull => self.un(|dst, src| Op::I64Eqz { dst, src }),
            O::RefAsNonNull => {
                let src = self.operand_slot(self.stack.len() - 1);
                self.emit(Op::RefAsNonNull { src });
            }
            O::RefFunc { function_index } => {
                let dst = self.slot_at(self.stack.len());
                self.emit_producer(Op::RefFunc { dst, func: function_index });
                self.push(Operand::Temp);
            }
            O::MemoryCopy { dst_mem, src_mem } if self.fast_memory(dst_mem) && self.fast_memory(src_mem) => {
                self.bulk(3, |args| Op::MemoryCopy { args })
            }
            O::MemoryCopy { dst_mem, src_mem } => self.bulk(3, |args| Op::MemoryCopyMem { args, dst_mem, src_mem }),
            O::MemoryFill { mem } if self.fast_memory(mem) => self.bulk(3, |args| Op::MemoryFill { args }),
            O::MemoryFill { mem } => self.bulk(3, |args| Op::MemoryFillMem { args, memory: mem }),
            O::MemoryInit { data_index, mem } => self.bulk(3, |args| Op::MemoryInit { seg: data_index, args, memory: mem }),
            O::DataDrop { data_index } => {
                self.emit(Op::DataDrop { seg: data_index });
            }
            O::TableCopy { dst_table, src_table } => {
                // `d` and `s` are i64 for a table64 each, the length if both are.
                let (d64, s64) = (self.table64(dst_table), self.table64(src_table));
                self.narrow_table_operands(3, d64 as u32 | (s64 as u32) << 1 | ((d64 && s64) as u32) << 2);
                self.bulk(3, |args| Op::TableCopy { dst: dst_table, src: src_table, args })
            }
            O::TableInit { elem_index, table } => {
                self.narrow_table_operands(3, self.table64(table) as u32);
                self.bulk(3, |args| Op::TableInit { seg: elem_index, table, args })
            }
            O::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop { seg: elem_index });
            }
            O::TableFill { table } => {
                self.narrow_table_operands(3, if self.table64(table) { 0b101 } else { 0 });
                self.bulk(3, |args| Op::TableFill { table, args })
            }
            O::TableGrow { table } => {
                let t64 = self.table64(table);
                self.narrow_table_operands(2, if t64 { 0b10 } else { 0 });
                self.bulk(2, |args| Op::TableGrow { table, args });
                self.push(Operand::Temp);
                if t64 {
                    // The old size, or -1 as an i64.
                    self.un(|dst, src| Op::I64ExtendI32S { dst, src });
                }
            }
            O::TableSize { table } => {
                let dst = self.slot_at(self.stack.len());
                self.emit_producer(Op::TableSize { dst, table });
                self.push(Operand::Temp);
            }
            O::TableGet { table } => {
                if self.table64(table) {
                    self.un(|dst, src| Op::I64SatU32 { dst, src });
                }
                self.un_with(|dst, index| Op::TableGet { dst, table, index })
            }
            O::TableSet { table } => {
                if self.table64(table) {
                    self.narrow_table_operands(2, 0b01);
                }
                let len = self.stack.len();
                let index = self.operand_slot(len - 2);
                let src = self.operand_slot(len - 1);
                self.stack.truncate(len - 2);
                self.emit(Op::TableSet { table, index, src });
            }
            op => return self.simd_op(op, offset),
        }
        Ok(())
    }

    /// `br_if` to the label `depth` levels out: a conditional branch when the values are in
    /// place, else a branch over the copies (or the return) taken when the condition fails.
    fn op_br_if(&mut self, depth: u32, ctrl: &mut Control<'_>) {
        let cond = self.pop_cond();
        if self.in_place(ctrl.label(depth)) {
            let arity = ctrl.label(depth).label.len();
            self.materialize_top(arity);
            let cond = self.fuse_branch(cond);
            self.emit_jump(ctrl.label_mut(depth), |target| cond.branch(target));
        } else {
            // Skip over the copies (or return) when the condition does not hold.
            let cond = self.fuse_branch(cond.invert());
            self.branch_over_br(cond.branch(0), depth, ctrl);
        }
    }

    /// Emits `skip` (a conditional branch, target patched here), then the branch to the label
    /// `depth` levels out (copies or return, [`Translator::emit_br`]) that `skip` jumps over;
    /// the operand stack is as before the label's branch.
    fn branch_over_br(&mut self, skip: Op, depth: u32, ctrl: &mut Control<'_>) {
        let skip = self.emit(skip);
        let saved = self.stack.clone();
        self.emit_br(depth, ctrl);
        self.stack = saved;
        let pc = self.pc();
        self.patch(skip, pc);
        self.last_producer = None;
    }

    /// `br_on_null` (`non_null`: `br_on_non_null`) to the label `depth` levels out: the
    /// reference's nullness (all 64 bits of its cell) into the slot above it, then a branch over
    /// the label's branch (copies or return, as [`Translator::emit_br`] makes them) when it is
    /// not to be taken. Typed-reference code is rare enough not to need `br_if`'s fused forms.
    fn op_br_on_null(&mut self, depth: u32, non_null: bool, ctrl: &mut Control<'_>) {
        let h = self.stack.len() - 1;
        self.materialize(h);
        let (r, null) = (self.slot_at(h), self.slot_at(h + 1));
        // Room for the nullness in the frame.
        self.push(Operand::Temp);
        self.stack.pop();
        self.emit(Op::I64Eqz { dst: null, src: r });
        if !non_null {
            // The reference is not part of the label's values.
            self.stack.pop();
        }
        let skip = if non_null { Op::BrIfNez { cond: null, target: 0 } } else { Op::BrIfEqz { cond: null, target: 0 } };
        self.branch_over_br(skip, depth, ctrl);
        if non_null {
            self.stack.pop();
        } else {
            // Still in its slot: the branch's copies go below it.
            self.push(Operand::Temp);
        }
    }

    /// `br_table`: a table of branches, each straight to its label when the values are in
    /// place, else to a stub after the table that copies them (or returns).
    fn op_br_table(&mut self, depths: &[u32], default: u32, ctrl: &mut Control<'_>) {
        let len = self.stack.len();
        let index = self.operand_slot(len - 1);
        self.stack.pop();
        let arity = ctrl.label(default).label.len();
        self.materialize_top(arity);
        self.emit(Op::BrTable { index, len: depths.len() as u32 });
        let mut stubs = Vec::new();
        for &d in depths.iter().chain(std::iter::once(&default)) {
            if self.in_place(ctrl.label(d)) {
                self.emit_jump(ctrl.label_mut(d), |target| Op::Br { target });
            } else {
                let at = self.emit(Op::Br { target: 0 });
                stubs.push((at, d));
            }
        }
        for (at, d) in stubs {
            let pc = self.pc();
            self.patch(at, pc);
            self.emit_br(d, ctrl);
        }
    }

    /// The `else` of `frame`: the first arm jumps to the end, the second starts.
    fn op_else(&mut self, frame: &mut Frame<'_>) {
        if !frame.unreachable {
            self.materialize_top(frame.results.len());
            let at = self.emit(Op::Br { target: 0 });
            frame.payload.fixups.push(at);
        }
        let pc = self.pc();
        if let Some(at) = frame.payload.else_fixup.take() {
            self.patch(at, pc);
        }
        self.last_producer = None;
        // The else branch starts from the parameters as the `if` left them in their slots.
        self.stack.truncate(frame.height);
        for t in frame.params {
            self.push_wide(Operand::Temp, is_wide(*t));
        }
    }

    /// A `try_table`'s catch clauses: a pad for each, which branches to the clause's label
    /// with the values the unwinder writes above the operand stack (the payload, then the
    /// exnref for the `_ref` clauses), all jumped over; the frame opened next records where its
    /// body starts and ends (`open`, `op_end`).
    fn op_catches(&mut self, catches: &[wasmparser::Catch], ctrl: &mut Control<'_>) {
        if catches.is_empty() {
            return;
        }
        let skip = self.emit(Op::Br { target: 0 });
        let mut pads = Vec::with_capacity(catches.len());
        for c in catches {
            let (tag, label, with_ref) = crate::wasm::func::catch_clause(c);
            let h = self.stack.len();
            self.push_results(self.module.caught_payload(tag));
            if with_ref {
                self.push(Operand::Temp);
            }
            let pad = self.pc();
            self.pads.push(pad);
            self.last_producer = None;
            let exn_slot = with_ref.then(|| self.slot_at(self.stack.len() - 1));
            pads.push(super::CatchPad { tag, slot: self.slot_at(h), exn_slot, pad });
            self.emit_br(label, ctrl);
            self.stack.truncate(h);
        }
        let body = self.pc();
        self.patch(skip, body);
        self.last_producer = None;
        self.handlers.push(super::TryHandler { start: body, end: body, catches: pads, outer: self.active });
        self.pending_try = Some(self.handlers.len() - 1);
    }

    /// A legacy `catch` (`tag`) or `catch_all` of `frame`: the part before goes to the end with
    /// its results; the arm starts with the exception's exnref (for `rethrow`) at the frame's
    /// height and the payload above it, written there by the unwinder.
    fn op_catch(&mut self, frame: &mut Frame<'_>, tag: Option<u32>) {
        if !frame.unreachable {
            self.emit_branch_copies(frame);
            let at = self.emit(Op::Br { target: 0 });
            frame.payload.fixups.push(at);
        }
        let i = frame.payload.try_index.expect("a legacy try has a handler");
        if frame.kind == Kind::Try {
            // The body ends here; its catch arms are covered by the handlers around.
            self.handlers[i].end = self.pc();
            self.active = frame.payload.saved;
            frame.payload.inside = frame.payload.saved;
        }
        self.stack.truncate(frame.height);
        let exn_slot = self.slot_at(frame.height);
        self.push(Operand::Temp);
        let slot = self.slot_at(frame.height + 1);
        self.push_results(self.module.caught_payload(tag));
        let pad = self.pc();
        self.pads.push(pad);
        self.label_pc = Some(pad);
        self.last_producer = None;
        self.handlers[i].catches.push(super::CatchPad { tag, slot, exn_slot: Some(exn_slot), pad });
    }

    /// The `end` of `frame`: its forward branches land here, with its results.
    fn op_end(&mut self, frame: Frame<'_>) {
        if frame.kind == Kind::Catch && !frame.unreachable {
            // The arm's results lie above the exnref it keeps: down to the label's slots.
            self.emit_branch_copies(&frame);
            self.stack.truncate(frame.height);
            self.push_results(frame.results);
        }
        let func = frame.kind == Kind::Func;
        if !frame.unreachable && !func {
            self.materialize_top(frame.results.len());
        }
        let pc = self.pc();
        if let (Some(i), Kind::TryTable | Kind::Try) = (frame.payload.try_index, frame.kind) {
            self.handlers[i].end = pc;
        }
        if !matches!(frame.kind, Kind::Func) {
            self.active = frame.payload.saved;
        }
        for &at in &frame.payload.fixups {
            self.patch(at, pc);
        }
        if let Some(at) = frame.payload.else_fixup {
            self.patch(at, pc);
        }
        self.last_producer = None;
        // The body's return (placed by the walk) takes the results from the top of the stack;
        // unreachable, it still gets them (as if a branch had brought them).
        if func && !frame.unreachable {
            return;
        }
        self.stack.truncate(frame.height);
        for t in frame.results {
            self.push_wide(Operand::Temp, is_wide(*t));
        }
    }
}

/// `outer` with `inner`, the producer of its right operand (`rhs`) or left one, as one
/// instruction, if there is such a form: `x * y + c` (i32, i64), `a + (x << k)`,
/// `a ^ (x << k)`, `a ^ (x >> k)`, `rotl(x ^ y, k)` and `(x >> k) & m` (i32).
fn fuse_binary(outer: Op, inner: Op, rhs: bool) -> Option<Op> {
    let s16 = slot16;
    // The operand of a commutative `outer` that `inner` does not produce.
    let other = |a: Slot, b: Slot| if rhs { a } else { b };
    Some(match (outer, inner) {
        (Op::I32Add { dst, a, b }, Op::I32Mul { a: x, b: y, .. }) => {
            Op::I32MulAdd16 { dst: s16(dst)?, a: s16(x)?, b: s16(y)?, c: s16(other(a, b))? }
        }
        (Op::I64Add { dst, a, b }, Op::I64Mul { a: x, b: y, .. }) => {
            Op::I64MulAdd16 { dst: s16(dst)?, a: s16(x)?, b: s16(y)?, c: s16(other(a, b))? }
        }
        (Op::I32Add { dst, a, b }, Op::I32ShlImm { a: x, imm, .. }) => {
            Op::I32AddShlImm { dst, a: other(a, b), b: x, shift: (imm & 31) as u8 }
        }
        (Op::I32Xor { dst, a, b }, Op::I32ShlImm { a: x, imm, .. }) => {
            Op::I32XorShlImm { dst, a: other(a, b), b: x, shift: (imm & 31) as u8 }
        }
        (Op::I32Xor { dst, a, b }, Op::I32ShrUImm { a: x, imm, .. }) => {
            Op::I32XorShrUImm { dst, a: other(a, b), b: x, shift: (imm & 31) as u8 }
        }
        (Op::I32Rotl { dst, b: k, .. }, Op::I32Xor { a: x, b: y, .. }) if !rhs => {
            Op::I32XorRotl16 { dst: s16(dst)?, a: s16(x)?, b: s16(y)?, c: s16(k)? }
        }
        // A bit-field extraction (the immediate form's operand is the shift).
        (Op::I32AndImm { dst, imm: mask, .. }, Op::I32ShrUImm { a: x, imm, .. }) => {
            Op::I32ShrUAndImm { dst, a: x, mask: mask as u32, shift: (imm & 31) as u8 }
        }
        _ => return None,
    })
}

/// Memory access `access` with `inner`, the instruction just before that computed its address
/// (an i32 addition) or, for a store, its value (a load of the same width), as one
/// instruction, if there is such a form (see `Op::I32LoadAddImm16`, `Op::I32LoadStore16`).
fn fuse_access(access: Op, inner: Op) -> Option<Op> {
    use Op::*;
    let s16 = slot16;
    // Float loads move the same bits as integer loads of their width.
    let int = |op: Op| match op {
        F32Load { dst, addr, offset } => I32Load { dst, addr, offset },
        F64Load { dst, addr, offset } => I64Load { dst, addr, offset },
        op => op,
    };
    Some(match (int(access), int(inner)) {
        (I32Load { dst, offset, .. }, I32AddImm { a, imm, .. }) => I32LoadAddImm16 { dst: s16(dst)?, a: s16(a)?, imm, offset },
        (I64Load { dst, offset, .. }, I32AddImm { a, imm, .. }) => I64LoadAddImm16 { dst: s16(dst)?, a: s16(a)?, imm, offset },
        (I32Load8U { dst, offset, .. }, I32AddImm { a, imm, .. }) => I32Load8UAddImm16 { dst: s16(dst)?, a: s16(a)?, imm, offset },
        (I32Load { dst, offset, .. }, I32Add { a, b, .. }) => I32LoadAdd16 { dst: s16(dst)?, a: s16(a)?, b: s16(b)?, offset },
        (I64Load { dst, offset, .. }, I32Add { a, b, .. }) => I64LoadAdd16 { dst: s16(dst)?, a: s16(a)?, b: s16(b)?, offset },
        (I32Load8U { dst, offset, .. }, I32Add { a, b, .. }) => I32Load8UAdd16 { dst: s16(dst)?, a: s16(a)?, b: s16(b)?, offset },
        (I32Load { dst, offset, .. }, I32AddShlImm { a, b, shift, .. }) => {
            I32LoadAddShl16 { dst: s16(dst)?, a: s16(a)?, b: s16(b)?, shift, offset }
        }
        (I64Load { dst, offset, .. }, I32AddShlImm { a, b, shift, .. }) => {
            I64LoadAddShl16 { dst: s16(dst)?, a: s16(a)?, b: s16(b)?, shift, offset }
        }
        // The value loaded just before: a copy from memory to memory.
        (I32Store { addr, src, offset }, I32Load { dst, addr: from, offset: src_offset }) if dst == src => {
            I32LoadStore16 { addr: s16(addr)?, src: s16(from)?, offset, src_offset }
        }
        (I64Store { addr, src, offset }, I64Load { dst, addr: from, offset: src_offset }) if dst == src => {
            I64LoadStore16 { addr: s16(addr)?, src: s16(from)?, offset, src_offset }
        }
        // The address computed just before (not the value).
        (I32Store { addr, src, offset }, I32AddImm { dst, a, imm }) if dst == addr => {
            I32StoreAddImm16 { a: s16(a)?, imm, src: s16(src)?, offset }
        }
        (I64Store { addr, src, offset }, I32AddImm { dst, a, imm }) if dst == addr => {
            I64StoreAddImm16 { a: s16(a)?, imm, src: s16(src)?, offset }
        }
        (I32Store8 { addr, src, offset }, I32AddImm { dst, a, imm }) if dst == addr => {
            I32Store8AddImm16 { a: s16(a)?, imm, src: s16(src)?, offset }
        }
        _ => return None,
    })
}

fn imm32(c: u64) -> Option<i32> {
    Some(c as u32 as i32)
}

fn imm64(c: u64) -> Option<i32> {
    i32::try_from(c as i64).ok()
}

fn shift64(c: u64) -> Option<i32> {
    Some((c & 63) as i32)
}
