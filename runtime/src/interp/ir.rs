//! The Interpreter's internal IR: a register-style instruction set where operands are slots of
//! the current frame (locals first, then one slot per operand-stack height). Branch targets are
//! absolute instruction indices within the function, resolved at translation time; no LEB128 is
//! decoded at run time. Every instruction fits in 16 bytes.

/// A slot index into the current frame's cells.
pub(crate) type Slot = u32;

/// One IR instruction. Naming: `dst` is written, other slots are read; `Imm` variants take their
/// right operand as an immediate; `BrIf*` variants fuse a comparison with a conditional branch.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(missing_docs)]
pub(crate) enum Op {
    // Control.
    Unreachable,
    Br { target: u32 },
    BrIfNez { cond: Slot, target: u32 },
    BrIfEqz { cond: Slot, target: u32 },
    BrIfI32Eq { a: Slot, b: Slot, target: u32 },
    BrIfI32Ne { a: Slot, b: Slot, target: u32 },
    BrIfI32LtS { a: Slot, b: Slot, target: u32 },
    BrIfI32LtU { a: Slot, b: Slot, target: u32 },
    BrIfI32GtS { a: Slot, b: Slot, target: u32 },
    BrIfI32GtU { a: Slot, b: Slot, target: u32 },
    BrIfI32LeS { a: Slot, b: Slot, target: u32 },
    BrIfI32LeU { a: Slot, b: Slot, target: u32 },
    BrIfI32GeS { a: Slot, b: Slot, target: u32 },
    BrIfI32GeU { a: Slot, b: Slot, target: u32 },
    BrIfI32EqImm { a: Slot, imm: i32, target: u32 },
    BrIfI32NeImm { a: Slot, imm: i32, target: u32 },
    BrIfI32LtSImm { a: Slot, imm: i32, target: u32 },
    BrIfI32LtUImm { a: Slot, imm: i32, target: u32 },
    BrIfI32GtSImm { a: Slot, imm: i32, target: u32 },
    BrIfI32GtUImm { a: Slot, imm: i32, target: u32 },
    BrIfI32LeSImm { a: Slot, imm: i32, target: u32 },
    BrIfI32LeUImm { a: Slot, imm: i32, target: u32 },
    BrIfI32GeSImm { a: Slot, imm: i32, target: u32 },
    BrIfI32GeUImm { a: Slot, imm: i32, target: u32 },
    /// `slot += imm` (i32), then branches if `slot` is non-zero: a counted loop's back edge.
    BrIfI32AddImmNez { slot: Slot, imm: i32, target: u32 },
    /// `slot += imm` (i32), then branches if `slot` is zero.
    BrIfI32AddImmEqz { slot: Slot, imm: i32, target: u32 },
    /// `dst = src`, then branches if `cond` is non-zero (a loop variable's update before the
    /// back edge; slots below 2^16).
    BrIfNezAfterCopy { dst: u16, src: u16, cond: u16, target: u32 },
    /// `dst = src`, then branches if `cond` is zero.
    BrIfEqzAfterCopy { dst: u16, src: u16, cond: u16, target: u32 },
    /// Branches if `a & imm` (i32) is non-zero: a flag test.
    BrIfI32AndImmNez { a: Slot, imm: i32, target: u32 },
    /// Branches if `a & imm` (i32) is zero.
    BrIfI32AndImmEqz { a: Slot, imm: i32, target: u32 },
    /// Branches if `a & b` (i32) is non-zero.
    BrIfI32AndNez { a: Slot, b: Slot, target: u32 },
    /// Branches if `a & b` (i32) is zero.
    BrIfI32AndEqz { a: Slot, b: Slot, target: u32 },
    /// Branches if the i32 loaded from `addr + offset` is non-zero (the value is not kept).
    BrIfI32LoadNez { addr: Slot, offset: u32, target: u32 },
    /// Branches if the i32 loaded from `addr + offset` is zero.
    BrIfI32LoadEqz { addr: Slot, offset: u32, target: u32 },
    /// Jumps to the `min(index, len)`-th of the `len + 1` `Br` instructions that follow.
    BrTable { index: Slot, len: u32 },
    /// Returns; results are already in slots `0..n`.
    Return,
    /// Copies `src` to slot 0 and returns.
    Return1 { src: Slot },
    /// Calls function `func` of this module (a defined one, by its index among bodies); the
    /// callee's frame starts at slot `base`, where the arguments are and the results will be.
    Call { func: u32, base: Slot },
    /// Calls imported function `func` (module function index).
    CallImported { func: u32, base: Slot },
    /// Calls through table `table` at the index in slot `index`, expecting type `ty`.
    CallIndirect { ty: u32, index: Slot, base: Slot, table: u16 },
    /// Takes `cost` units of fuel, or traps with "fuel exhausted" (and takes none) when fewer
    /// are left; at the start of every fuel segment (`wasm::fuel`), when fuel is on.
    ConsumeFuel { cost: u32 },
    /// Traps with "interrupted" if an interrupt was requested (clearing the request); on
    /// function entry and at loop headers, when the runtime is interruptible.
    CheckInterrupt,
    /// Calls the function listener's `before` with the arguments (slots `0..`) of function
    /// `func` (module index); the first instruction when a listener is installed.
    ListenEnter { func: u32 },
    /// Calls the function listener's `after` with the results (slots `0..`); just before every
    /// return when a listener is installed.
    ListenExit { func: u32 },

    // Data movement.
    Copy { dst: Slot, src: Slot },
    Const32 { dst: Slot, value: u32 },
    Const64 { dst: Slot, lo: u32, hi: u32 },
    /// `dst = if cond != 0 { a } else { b }`, for frames whose slots fit in 16 bits.
    Select16 { dst: u16, a: u16, b: u16, cond: u16 },
    /// `dst = if cond != 0 { dst } else { b }` (the first operand was placed in `dst`).
    Select { dst: Slot, b: Slot, cond: Slot },
    GlobalGet { dst: Slot, global: u32 },
    GlobalSet { src: Slot, global: u32 },
    /// v128 moves: two cells.
    Copy128 { dst: Slot, src: Slot },
    Select128 { dst: u16, a: u16, b: u16, cond: u16 },
    /// `Select` of v128 values, for frames past 16-bit slots.
    SelectWide128 { dst: Slot, b: Slot, cond: Slot },
    GlobalGet128 { dst: Slot, global: u32 },
    GlobalSet128 { src: Slot, global: u32 },

    // Bulk memory and tables (Core 2.0). `args` is the first of the instruction's operands,
    // which sit in consecutive slots in wasm's order.
    /// `memory.copy d s n`.
    MemoryCopy { args: Slot },
    /// `memory.fill d val n`.
    MemoryFill { args: Slot },
    /// `memory.init seg d s n`.
    MemoryInit { seg: u32, args: Slot },
    DataDrop { seg: u32 },
    /// `table.copy dst src d s n`.
    TableCopy { dst: u32, src: u32, args: Slot },
    /// `table.init seg table d s n`.
    TableInit { seg: u32, table: u32, args: Slot },
    ElemDrop { seg: u32 },
    TableGet { dst: Slot, table: u32, index: Slot },
    TableSet { table: u32, index: Slot, src: Slot },
    TableSize { dst: Slot, table: u32 },
    /// `table.grow table init delta`; the result replaces `init`.
    TableGrow { table: u32, args: Slot },
    /// `table.fill table i val n`.
    TableFill { table: u32, args: Slot },
    RefFunc { dst: Slot, func: u32 },

    // Memory.
    I32Load { dst: Slot, addr: Slot, offset: u32 },
    I64Load { dst: Slot, addr: Slot, offset: u32 },
    F32Load { dst: Slot, addr: Slot, offset: u32 },
    F64Load { dst: Slot, addr: Slot, offset: u32 },
    I32Load8S { dst: Slot, addr: Slot, offset: u32 },
    I32Load8U { dst: Slot, addr: Slot, offset: u32 },
    I32Load16S { dst: Slot, addr: Slot, offset: u32 },
    I32Load16U { dst: Slot, addr: Slot, offset: u32 },
    I64Load8S { dst: Slot, addr: Slot, offset: u32 },
    I64Load8U { dst: Slot, addr: Slot, offset: u32 },
    I64Load16S { dst: Slot, addr: Slot, offset: u32 },
    I64Load16U { dst: Slot, addr: Slot, offset: u32 },
    I64Load32S { dst: Slot, addr: Slot, offset: u32 },
    I64Load32U { dst: Slot, addr: Slot, offset: u32 },
    I32Store { addr: Slot, src: Slot, offset: u32 },
    I64Store { addr: Slot, src: Slot, offset: u32 },
    I32Store8 { addr: Slot, src: Slot, offset: u32 },
    I32Store16 { addr: Slot, src: Slot, offset: u32 },
    I64Store8 { addr: Slot, src: Slot, offset: u32 },
    I64Store16 { addr: Slot, src: Slot, offset: u32 },
    I64Store32 { addr: Slot, src: Slot, offset: u32 },
    // Accesses whose address is computed by the instruction itself, from an i32 addition the
    // translator fused in (the sum wraps to 32 bits, then `offset` is added, as in wasm), for
    // frames whose slots fit in 16 bits: `a + imm`, `a + b`, `a + (b << shift)` (`shift < 32`).
    I32LoadAddImm16 { dst: u16, a: u16, imm: i32, offset: u32 },
    I64LoadAddImm16 { dst: u16, a: u16, imm: i32, offset: u32 },
    I32Load8UAddImm16 { dst: u16, a: u16, imm: i32, offset: u32 },
    I32LoadAdd16 { dst: u16, a: u16, b: u16, offset: u32 },
    I64LoadAdd16 { dst: u16, a: u16, b: u16, offset: u32 },
    I32Load8UAdd16 { dst: u16, a: u16, b: u16, offset: u32 },
    I32LoadAddShl16 { dst: u16, a: u16, b: u16, shift: u8, offset: u32 },
    I64LoadAddShl16 { dst: u16, a: u16, b: u16, shift: u8, offset: u32 },
    I32StoreAddImm16 { a: u16, imm: i32, src: u16, offset: u32 },
    I64StoreAddImm16 { a: u16, imm: i32, src: u16, offset: u32 },
    I32Store8AddImm16 { a: u16, imm: i32, src: u16, offset: u32 },
    /// Stores the i32 (i64) loaded from `src + src_offset` at `addr + offset`: a field copied
    /// from one place in memory to another, the value not kept. The load's bounds are checked
    /// first, as the two instructions would.
    I32LoadStore16 { addr: u16, src: u16, offset: u32, src_offset: u32 },
    I64LoadStore16 { addr: u16, src: u16, offset: u32, src_offset: u32 },
    MemorySize { dst: Slot },
    MemoryGrow { dst: Slot, delta: Slot },

    // i32 arithmetic.
    I32Eqz { dst: Slot, src: Slot },
    I32Eq { dst: Slot, a: Slot, b: Slot },
    I32Ne { dst: Slot, a: Slot, b: Slot },
    I32LtS { dst: Slot, a: Slot, b: Slot },
    I32LtU { dst: Slot, a: Slot, b: Slot },
    I32GtS { dst: Slot, a: Slot, b: Slot },
    I32GtU { dst: Slot, a: Slot, b: Slot },
    I32LeS { dst: Slot, a: Slot, b: Slot },
    I32LeU { dst: Slot, a: Slot, b: Slot },
    I32GeS { dst: Slot, a: Slot, b: Slot },
    I32GeU { dst: Slot, a: Slot, b: Slot },
    I32EqImm { dst: Slot, a: Slot, imm: i32 },
    I32NeImm { dst: Slot, a: Slot, imm: i32 },
    I32LtSImm { dst: Slot, a: Slot, imm: i32 },
    I32LtUImm { dst: Slot, a: Slot, imm: i32 },
    I32GtSImm { dst: Slot, a: Slot, imm: i32 },
    I32GtUImm { dst: Slot, a: Slot, imm: i32 },
    I32LeSImm { dst: Slot, a: Slot, imm: i32 },
    I32LeUImm { dst: Slot, a: Slot, imm: i32 },
    I32GeSImm { dst: Slot, a: Slot, imm: i32 },
    I32GeUImm { dst: Slot, a: Slot, imm: i32 },
    I32Clz { dst: Slot, src: Slot },
    I32Ctz { dst: Slot, src: Slot },
    I32Popcnt { dst: Slot, src: Slot },
    I32Add { dst: Slot, a: Slot, b: Slot },
    I32Sub { dst: Slot, a: Slot, b: Slot },
    I32Mul { dst: Slot, a: Slot, b: Slot },
    I32DivS { dst: Slot, a: Slot, b: Slot },
    I32DivU { dst: Slot, a: Slot, b: Slot },
    I32RemS { dst: Slot, a: Slot, b: Slot },
    I32RemU { dst: Slot, a: Slot, b: Slot },
    I32And { dst: Slot, a: Slot, b: Slot },
    I32Or { dst: Slot, a: Slot, b: Slot },
    I32Xor { dst: Slot, a: Slot, b: Slot },
    I32Shl { dst: Slot, a: Slot, b: Slot },
    I32ShrS { dst: Slot, a: Slot, b: Slot },
    I32ShrU { dst: Slot, a: Slot, b: Slot },
    I32Rotl { dst: Slot, a: Slot, b: Slot },
    I32Rotr { dst: Slot, a: Slot, b: Slot },
    I32AddImm { dst: Slot, a: Slot, imm: i32 },
    I32MulImm { dst: Slot, a: Slot, imm: i32 },
    I32AndImm { dst: Slot, a: Slot, imm: i32 },
    /// `dst = a * b + c` (i32, wrapping), for frames whose slots fit in 16 bits.
    I32MulAdd16 { dst: u16, a: u16, b: u16, c: u16 },
    /// `dst = a + (b << shift)` (i32, wrapping; `shift < 32`): an element's address.
    I32AddShlImm { dst: Slot, a: Slot, b: Slot, shift: u8 },
    /// `dst = a ^ (b << shift)` and `dst = a ^ (b >> shift)` (i32, unsigned; `shift < 32`): the
    /// steps of xorshift generators and hash finalizers.
    I32XorShlImm { dst: Slot, a: Slot, b: Slot, shift: u8 },
    I32XorShrUImm { dst: Slot, a: Slot, b: Slot, shift: u8 },
    /// `dst = rotl(a ^ b, c)` (i32), for frames whose slots fit in 16 bits: the mixing step of
    /// ARX ciphers and hashes (ChaCha, BLAKE).
    I32XorRotl16 { dst: u16, a: u16, b: u16, c: u16 },
    /// `dst = (a >> shift) & mask` (i32, unsigned shift): a bit-field extraction.
    I32ShrUAndImm { dst: Slot, a: Slot, mask: u32, shift: u8 },
    I32OrImm { dst: Slot, a: Slot, imm: i32 },
    I32XorImm { dst: Slot, a: Slot, imm: i32 },
    I32ShlImm { dst: Slot, a: Slot, imm: i32 },
    I32ShrSImm { dst: Slot, a: Slot, imm: i32 },
    I32ShrUImm { dst: Slot, a: Slot, imm: i32 },

    // i64 arithmetic.
    I64Eqz { dst: Slot, src: Slot },
    I64Eq { dst: Slot, a: Slot, b: Slot },
    I64Ne { dst: Slot, a: Slot, b: Slot },
    I64LtS { dst: Slot, a: Slot, b: Slot },
    I64LtU { dst: Slot, a: Slot, b: Slot },
    I64GtS { dst: Slot, a: Slot, b: Slot },
    I64GtU { dst: Slot, a: Slot, b: Slot },
    I64LeS { dst: Slot, a: Slot, b: Slot },
    I64LeU { dst: Slot, a: Slot, b: Slot },
    I64GeS { dst: Slot, a: Slot, b: Slot },
    I64GeU { dst: Slot, a: Slot, b: Slot },
    I64Clz { dst: Slot, src: Slot },
    I64Ctz { dst: Slot, src: Slot },
    I64Popcnt { dst: Slot, src: Slot },
    I64Add { dst: Slot, a: Slot, b: Slot },
    I64Sub { dst: Slot, a: Slot, b: Slot },
    I64Mul { dst: Slot, a: Slot, b: Slot },
    I64DivS { dst: Slot, a: Slot, b: Slot },
    I64DivU { dst: Slot, a: Slot, b: Slot },
    I64RemS { dst: Slot, a: Slot, b: Slot },
    I64RemU { dst: Slot, a: Slot, b: Slot },
    I64And { dst: Slot, a: Slot, b: Slot },
    I64Or { dst: Slot, a: Slot, b: Slot },
    I64Xor { dst: Slot, a: Slot, b: Slot },
    I64Shl { dst: Slot, a: Slot, b: Slot },
    I64ShrS { dst: Slot, a: Slot, b: Slot },
    I64ShrU { dst: Slot, a: Slot, b: Slot },
    I64Rotl { dst: Slot, a: Slot, b: Slot },
    I64Rotr { dst: Slot, a: Slot, b: Slot },
    /// `dst = a * b + c` (i64, wrapping), for frames whose slots fit in 16 bits.
    I64MulAdd16 { dst: u16, a: u16, b: u16, c: u16 },
    /// `imm` is sign-extended to 64 bits.
    I64AddImm { dst: Slot, a: Slot, imm: i32 },
    I64AndImm { dst: Slot, a: Slot, imm: i32 },
    I64ShlImm { dst: Slot, a: Slot, imm: i32 },
    I64ShrSImm { dst: Slot, a: Slot, imm: i32 },
    I64ShrUImm { dst: Slot, a: Slot, imm: i32 },

    // Floats.
    F32Eq { dst: Slot, a: Slot, b: Slot },
    F32Ne { dst: Slot, a: Slot, b: Slot },
    F32Lt { dst: Slot, a: Slot, b: Slot },
    F32Gt { dst: Slot, a: Slot, b: Slot },
    F32Le { dst: Slot, a: Slot, b: Slot },
    F32Ge { dst: Slot, a: Slot, b: Slot },
    F64Eq { dst: Slot, a: Slot, b: Slot },
    F64Ne { dst: Slot, a: Slot, b: Slot },
    F64Lt { dst: Slot, a: Slot, b: Slot },
    F64Gt { dst: Slot, a: Slot, b: Slot },
    F64Le { dst: Slot, a: Slot, b: Slot },
    F64Ge { dst: Slot, a: Slot, b: Slot },
    F32Abs { dst: Slot, src: Slot },
    F32Neg { dst: Slot, src: Slot },
    F32Ceil { dst: Slot, src: Slot },
    F32Floor { dst: Slot, src: Slot },
    F32Trunc { dst: Slot, src: Slot },
    F32Nearest { dst: Slot, src: Slot },
    F32Sqrt { dst: Slot, src: Slot },
    F32Add { dst: Slot, a: Slot, b: Slot },
    F32Sub { dst: Slot, a: Slot, b: Slot },
    F32Mul { dst: Slot, a: Slot, b: Slot },
    F32Div { dst: Slot, a: Slot, b: Slot },
    F32Min { dst: Slot, a: Slot, b: Slot },
    F32Max { dst: Slot, a: Slot, b: Slot },
    F32Copysign { dst: Slot, a: Slot, b: Slot },
    F64Abs { dst: Slot, src: Slot },
    F64Neg { dst: Slot, src: Slot },
    F64Ceil { dst: Slot, src: Slot },
    F64Floor { dst: Slot, src: Slot },
    F64Trunc { dst: Slot, src: Slot },
    F64Nearest { dst: Slot, src: Slot },
    F64Sqrt { dst: Slot, src: Slot },
    F64Add { dst: Slot, a: Slot, b: Slot },
    F64Sub { dst: Slot, a: Slot, b: Slot },
    F64Mul { dst: Slot, a: Slot, b: Slot },
    F64Div { dst: Slot, a: Slot, b: Slot },
    F64Min { dst: Slot, a: Slot, b: Slot },
    F64Max { dst: Slot, a: Slot, b: Slot },
    F64Copysign { dst: Slot, a: Slot, b: Slot },

    // Conversions.
    I32WrapI64 { dst: Slot, src: Slot },
    I32TruncF32S { dst: Slot, src: Slot },
    I32TruncF32U { dst: Slot, src: Slot },
    I32TruncF64S { dst: Slot, src: Slot },
    I32TruncF64U { dst: Slot, src: Slot },
    I64ExtendI32S { dst: Slot, src: Slot },
    I64ExtendI32U { dst: Slot, src: Slot },
    I64TruncF32S { dst: Slot, src: Slot },
    I64TruncF32U { dst: Slot, src: Slot },
    I64TruncF64S { dst: Slot, src: Slot },
    I64TruncF64U { dst: Slot, src: Slot },
    F32ConvertI32S { dst: Slot, src: Slot },
    F32ConvertI32U { dst: Slot, src: Slot },
    F32ConvertI64S { dst: Slot, src: Slot },
    F32ConvertI64U { dst: Slot, src: Slot },
    F32DemoteF64 { dst: Slot, src: Slot },
    F64ConvertI32S { dst: Slot, src: Slot },
    F64ConvertI32U { dst: Slot, src: Slot },
    F64ConvertI64S { dst: Slot, src: Slot },
    F64ConvertI64U { dst: Slot, src: Slot },
    F64PromoteF32 { dst: Slot, src: Slot },
    I32Extend8S { dst: Slot, src: Slot },
    I32Extend16S { dst: Slot, src: Slot },
    I64Extend8S { dst: Slot, src: Slot },
    I64Extend16S { dst: Slot, src: Slot },
    I64Extend32S { dst: Slot, src: Slot },
    I32TruncSatF32S { dst: Slot, src: Slot },
    I32TruncSatF32U { dst: Slot, src: Slot },
    I32TruncSatF64S { dst: Slot, src: Slot },
    I32TruncSatF64U { dst: Slot, src: Slot },
    I64TruncSatF32S { dst: Slot, src: Slot },
    I64TruncSatF32U { dst: Slot, src: Slot },
    I64TruncSatF64S { dst: Slot, src: Slot },
    I64TruncSatF64U { dst: Slot, src: Slot },

    // 128-bit SIMD (Core 2.0). Every v128 operand and result takes two consecutive slots, low
    // half first. Lane semantics are in `simd.rs`; f32x4/f64x2 splat, extract_lane and
    // replace_lane share the i32x4/i64x2 instructions (cells hold floats as their bits).
    /// `dst = v128_consts[index]` of the module.
    V128Const { dst: Slot, index: u32 },
    V128Store { addr: Slot, src: Slot, offset: u32 },
    /// `i8x16.shuffle` with mask `v128_consts[mask]`, for frames whose slots fit in 16 bits.
    I8x16Shuffle { dst: u16, a: u16, b: u16, mask: u32 },
    /// `i8x16.shuffle` of `args` and `args + 2` into `args`, for larger frames.
    I8x16ShuffleArgs { args: Slot, mask: u32 },
    /// `dst = bitselect(a, b, c)`, for frames whose slots fit in 16 bits.
    V128Bitselect { dst: u16, a: u16, b: u16, c: u16 },
    /// `bitselect` of `args`, `args + 2`, `args + 4` into `args`, for larger frames.
    V128BitselectArgs { args: Slot },
    V128Load { dst: Slot, addr: Slot, offset: u32 },
    V128Load8x8S { dst: Slot, addr: Slot, offset: u32 },
    V128Load8x8U { dst: Slot, addr: Slot, offset: u32 },
    V128Load16x4S { dst: Slot, addr: Slot, offset: u32 },
    V128Load16x4U { dst: Slot, addr: Slot, offset: u32 },
    V128Load32x2S { dst: Slot, addr: Slot, offset: u32 },
    V128Load32x2U { dst: Slot, addr: Slot, offset: u32 },
    V128Load8Splat { dst: Slot, addr: Slot, offset: u32 },
    V128Load16Splat { dst: Slot, addr: Slot, offset: u32 },
    V128Load32Splat { dst: Slot, addr: Slot, offset: u32 },
    V128Load64Splat { dst: Slot, addr: Slot, offset: u32 },
    V128Load32Zero { dst: Slot, addr: Slot, offset: u32 },
    V128Load64Zero { dst: Slot, addr: Slot, offset: u32 },
    /// `v128.loadN_lane`: the address at `args`, the vector at `args + 1`, the result at `args`.
    V128Load8Lane { args: Slot, offset: u32, lane: u8 },
    V128Load16Lane { args: Slot, offset: u32, lane: u8 },
    V128Load32Lane { args: Slot, offset: u32, lane: u8 },
    V128Load64Lane { args: Slot, offset: u32, lane: u8 },
    V128Store8Lane { addr: Slot, src: Slot, offset: u32, lane: u8 },
    V128Store16Lane { addr: Slot, src: Slot, offset: u32, lane: u8 },
    V128Store32Lane { addr: Slot, src: Slot, offset: u32, lane: u8 },
    V128Store64Lane { addr: Slot, src: Slot, offset: u32, lane: u8 },
    I8x16ExtractLaneS { dst: Slot, src: Slot, lane: u8 },
    I8x16ExtractLaneU { dst: Slot, src: Slot, lane: u8 },
    I16x8ExtractLaneS { dst: Slot, src: Slot, lane: u8 },
    I16x8ExtractLaneU { dst: Slot, src: Slot, lane: u8 },
    I32x4ExtractLane { dst: Slot, src: Slot, lane: u8 },
    I64x2ExtractLane { dst: Slot, src: Slot, lane: u8 },
    I8x16ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 },
    I16x8ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 },
    I32x4ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 },
    I64x2ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 },
    I8x16Splat { dst: Slot, src: Slot },
    I16x8Splat { dst: Slot, src: Slot },
    I32x4Splat { dst: Slot, src: Slot },
    I64x2Splat { dst: Slot, src: Slot },
    I8x16Swizzle { dst: Slot, a: Slot, b: Slot },
    I8x16Eq { dst: Slot, a: Slot, b: Slot },
    I8x16Ne { dst: Slot, a: Slot, b: Slot },
    I8x16LtS { dst: Slot, a: Slot, b: Slot },
    I8x16LtU { dst: Slot, a: Slot, b: Slot },
    I8x16GtS { dst: Slot, a: Slot, b: Slot },
    I8x16GtU { dst: Slot, a: Slot, b: Slot },
    I8x16LeS { dst: Slot, a: Slot, b: Slot },
    I8x16LeU { dst: Slot, a: Slot, b: Slot },
    I8x16GeS { dst: Slot, a: Slot, b: Slot },
    I8x16GeU { dst: Slot, a: Slot, b: Slot },
    I16x8Eq { dst: Slot, a: Slot, b: Slot },
    I16x8Ne { dst: Slot, a: Slot, b: Slot },
    I16x8LtS { dst: Slot, a: Slot, b: Slot },
    I16x8LtU { dst: Slot, a: Slot, b: Slot },
    I16x8GtS { dst: Slot, a: Slot, b: Slot },
    I16x8GtU { dst: Slot, a: Slot, b: Slot },
    I16x8LeS { dst: Slot, a: Slot, b: Slot },
    I16x8LeU { dst: Slot, a: Slot, b: Slot },
    I16x8GeS { dst: Slot, a: Slot, b: Slot },
    I16x8GeU { dst: Slot, a: Slot, b: Slot },
    I32x4Eq { dst: Slot, a: Slot, b: Slot },
    I32x4Ne { dst: Slot, a: Slot, b: Slot },
    I32x4LtS { dst: Slot, a: Slot, b: Slot },
    I32x4LtU { dst: Slot, a: Slot, b: Slot },
    I32x4GtS { dst: Slot, a: Slot, b: Slot },
    I32x4GtU { dst: Slot, a: Slot, b: Slot },
    I32x4LeS { dst: Slot, a: Slot, b: Slot },
    I32x4LeU { dst: Slot, a: Slot, b: Slot },
    I32x4GeS { dst: Slot, a: Slot, b: Slot },
    I32x4GeU { dst: Slot, a: Slot, b: Slot },
    I64x2Eq { dst: Slot, a: Slot, b: Slot },
    I64x2Ne { dst: Slot, a: Slot, b: Slot },
    I64x2LtS { dst: Slot, a: Slot, b: Slot },
    I64x2GtS { dst: Slot, a: Slot, b: Slot },
    I64x2LeS { dst: Slot, a: Slot, b: Slot },
    I64x2GeS { dst: Slot, a: Slot, b: Slot },
    F32x4Eq { dst: Slot, a: Slot, b: Slot },
    F32x4Ne { dst: Slot, a: Slot, b: Slot },
    F32x4Lt { dst: Slot, a: Slot, b: Slot },
    F32x4Gt { dst: Slot, a: Slot, b: Slot },
    F32x4Le { dst: Slot, a: Slot, b: Slot },
    F32x4Ge { dst: Slot, a: Slot, b: Slot },
    F64x2Eq { dst: Slot, a: Slot, b: Slot },
    F64x2Ne { dst: Slot, a: Slot, b: Slot },
    F64x2Lt { dst: Slot, a: Slot, b: Slot },
    F64x2Gt { dst: Slot, a: Slot, b: Slot },
    F64x2Le { dst: Slot, a: Slot, b: Slot },
    F64x2Ge { dst: Slot, a: Slot, b: Slot },
    V128Not { dst: Slot, src: Slot },
    V128And { dst: Slot, a: Slot, b: Slot },
    V128AndNot { dst: Slot, a: Slot, b: Slot },
    V128Or { dst: Slot, a: Slot, b: Slot },
    V128Xor { dst: Slot, a: Slot, b: Slot },
    V128AnyTrue { dst: Slot, src: Slot },
    I8x16Abs { dst: Slot, src: Slot },
    I8x16Neg { dst: Slot, src: Slot },
    I8x16AllTrue { dst: Slot, src: Slot },
    I8x16Bitmask { dst: Slot, src: Slot },
    I8x16Shl { dst: Slot, a: Slot, b: Slot },
    I8x16ShlImm { dst: Slot, a: Slot, imm: u32 },
    I8x16ShrS { dst: Slot, a: Slot, b: Slot },
    I8x16ShrSImm { dst: Slot, a: Slot, imm: u32 },
    I8x16ShrU { dst: Slot, a: Slot, b: Slot },
    I8x16ShrUImm { dst: Slot, a: Slot, imm: u32 },
    I8x16Add { dst: Slot, a: Slot, b: Slot },
    I8x16Sub { dst: Slot, a: Slot, b: Slot },
    I16x8Abs { dst: Slot, src: Slot },
    I16x8Neg { dst: Slot, src: Slot },
    I16x8AllTrue { dst: Slot, src: Slot },
    I16x8Bitmask { dst: Slot, src: Slot },
    I16x8Shl { dst: Slot, a: Slot, b: Slot },
    I16x8ShlImm { dst: Slot, a: Slot, imm: u32 },
    I16x8ShrS { dst: Slot, a: Slot, b: Slot },
    I16x8ShrSImm { dst: Slot, a: Slot, imm: u32 },
    I16x8ShrU { dst: Slot, a: Slot, b: Slot },
    I16x8ShrUImm { dst: Slot, a: Slot, imm: u32 },
    I16x8Add { dst: Slot, a: Slot, b: Slot },
    I16x8Sub { dst: Slot, a: Slot, b: Slot },
    I32x4Abs { dst: Slot, src: Slot },
    I32x4Neg { dst: Slot, src: Slot },
    I32x4AllTrue { dst: Slot, src: Slot },
    I32x4Bitmask { dst: Slot, src: Slot },
    I32x4Shl { dst: Slot, a: Slot, b: Slot },
    I32x4ShlImm { dst: Slot, a: Slot, imm: u32 },
    I32x4ShrS { dst: Slot, a: Slot, b: Slot },
    I32x4ShrSImm { dst: Slot, a: Slot, imm: u32 },
    I32x4ShrU { dst: Slot, a: Slot, b: Slot },
    I32x4ShrUImm { dst: Slot, a: Slot, imm: u32 },
    I32x4Add { dst: Slot, a: Slot, b: Slot },
    I32x4Sub { dst: Slot, a: Slot, b: Slot },
    I64x2Abs { dst: Slot, src: Slot },
    I64x2Neg { dst: Slot, src: Slot },
    I64x2AllTrue { dst: Slot, src: Slot },
    I64x2Bitmask { dst: Slot, src: Slot },
    I64x2Shl { dst: Slot, a: Slot, b: Slot },
    I64x2ShlImm { dst: Slot, a: Slot, imm: u32 },
    I64x2ShrS { dst: Slot, a: Slot, b: Slot },
    I64x2ShrSImm { dst: Slot, a: Slot, imm: u32 },
    I64x2ShrU { dst: Slot, a: Slot, b: Slot },
    I64x2ShrUImm { dst: Slot, a: Slot, imm: u32 },
    I64x2Add { dst: Slot, a: Slot, b: Slot },
    I64x2Sub { dst: Slot, a: Slot, b: Slot },
    I8x16Popcnt { dst: Slot, src: Slot },
    I8x16AddSatS { dst: Slot, a: Slot, b: Slot },
    I8x16AddSatU { dst: Slot, a: Slot, b: Slot },
    I8x16SubSatS { dst: Slot, a: Slot, b: Slot },
    I8x16SubSatU { dst: Slot, a: Slot, b: Slot },
    I8x16AvgrU { dst: Slot, a: Slot, b: Slot },
    I16x8AddSatS { dst: Slot, a: Slot, b: Slot },
    I16x8AddSatU { dst: Slot, a: Slot, b: Slot },
    I16x8SubSatS { dst: Slot, a: Slot, b: Slot },
    I16x8SubSatU { dst: Slot, a: Slot, b: Slot },
    I16x8AvgrU { dst: Slot, a: Slot, b: Slot },
    I8x16MinS { dst: Slot, a: Slot, b: Slot },
    I8x16MinU { dst: Slot, a: Slot, b: Slot },
    I8x16MaxS { dst: Slot, a: Slot, b: Slot },
    I8x16MaxU { dst: Slot, a: Slot, b: Slot },
    I16x8MinS { dst: Slot, a: Slot, b: Slot },
    I16x8MinU { dst: Slot, a: Slot, b: Slot },
    I16x8MaxS { dst: Slot, a: Slot, b: Slot },
    I16x8MaxU { dst: Slot, a: Slot, b: Slot },
    I32x4MinS { dst: Slot, a: Slot, b: Slot },
    I32x4MinU { dst: Slot, a: Slot, b: Slot },
    I32x4MaxS { dst: Slot, a: Slot, b: Slot },
    I32x4MaxU { dst: Slot, a: Slot, b: Slot },
    I16x8Mul { dst: Slot, a: Slot, b: Slot },
    I32x4Mul { dst: Slot, a: Slot, b: Slot },
    I64x2Mul { dst: Slot, a: Slot, b: Slot },
    I8x16NarrowI16x8S { dst: Slot, a: Slot, b: Slot },
    I8x16NarrowI16x8U { dst: Slot, a: Slot, b: Slot },
    I16x8NarrowI32x4S { dst: Slot, a: Slot, b: Slot },
    I16x8NarrowI32x4U { dst: Slot, a: Slot, b: Slot },
    I16x8ExtendLowI8x16S { dst: Slot, src: Slot },
    I16x8ExtMulLowI8x16S { dst: Slot, a: Slot, b: Slot },
    I16x8ExtendLowI8x16U { dst: Slot, src: Slot },
    I16x8ExtMulLowI8x16U { dst: Slot, a: Slot, b: Slot },
    I16x8ExtendHighI8x16S { dst: Slot, src: Slot },
    I16x8ExtMulHighI8x16S { dst: Slot, a: Slot, b: Slot },
    I16x8ExtendHighI8x16U { dst: Slot, src: Slot },
    I16x8ExtMulHighI8x16U { dst: Slot, a: Slot, b: Slot },
    I32x4ExtendLowI16x8S { dst: Slot, src: Slot },
    I32x4ExtMulLowI16x8S { dst: Slot, a: Slot, b: Slot },
    I32x4ExtendLowI16x8U { dst: Slot, src: Slot },
    I32x4ExtMulLowI16x8U { dst: Slot, a: Slot, b: Slot },
    I32x4ExtendHighI16x8S { dst: Slot, src: Slot },
    I32x4ExtMulHighI16x8S { dst: Slot, a: Slot, b: Slot },
    I32x4ExtendHighI16x8U { dst: Slot, src: Slot },
    I32x4ExtMulHighI16x8U { dst: Slot, a: Slot, b: Slot },
    I64x2ExtendLowI32x4S { dst: Slot, src: Slot },
    I64x2ExtMulLowI32x4S { dst: Slot, a: Slot, b: Slot },
    I64x2ExtendLowI32x4U { dst: Slot, src: Slot },
    I64x2ExtMulLowI32x4U { dst: Slot, a: Slot, b: Slot },
    I64x2ExtendHighI32x4S { dst: Slot, src: Slot },
    I64x2ExtMulHighI32x4S { dst: Slot, a: Slot, b: Slot },
    I64x2ExtendHighI32x4U { dst: Slot, src: Slot },
    I64x2ExtMulHighI32x4U { dst: Slot, a: Slot, b: Slot },
    I16x8ExtAddPairwiseI8x16S { dst: Slot, src: Slot },
    I16x8ExtAddPairwiseI8x16U { dst: Slot, src: Slot },
    I32x4ExtAddPairwiseI16x8S { dst: Slot, src: Slot },
    I32x4ExtAddPairwiseI16x8U { dst: Slot, src: Slot },
    I16x8Q15MulrSatS { dst: Slot, a: Slot, b: Slot },
    I32x4DotI16x8S { dst: Slot, a: Slot, b: Slot },
    F32x4Ceil { dst: Slot, src: Slot },
    F32x4Floor { dst: Slot, src: Slot },
    F32x4Trunc { dst: Slot, src: Slot },
    F32x4Nearest { dst: Slot, src: Slot },
    F32x4Abs { dst: Slot, src: Slot },
    F32x4Neg { dst: Slot, src: Slot },
    F32x4Sqrt { dst: Slot, src: Slot },
    F32x4Add { dst: Slot, a: Slot, b: Slot },
    F32x4Sub { dst: Slot, a: Slot, b: Slot },
    F32x4Mul { dst: Slot, a: Slot, b: Slot },
    F32x4Div { dst: Slot, a: Slot, b: Slot },
    F32x4Min { dst: Slot, a: Slot, b: Slot },
    F32x4Max { dst: Slot, a: Slot, b: Slot },
    F32x4PMin { dst: Slot, a: Slot, b: Slot },
    F32x4PMax { dst: Slot, a: Slot, b: Slot },
    F64x2Ceil { dst: Slot, src: Slot },
    F64x2Floor { dst: Slot, src: Slot },
    F64x2Trunc { dst: Slot, src: Slot },
    F64x2Nearest { dst: Slot, src: Slot },
    F64x2Abs { dst: Slot, src: Slot },
    F64x2Neg { dst: Slot, src: Slot },
    F64x2Sqrt { dst: Slot, src: Slot },
    F64x2Add { dst: Slot, a: Slot, b: Slot },
    F64x2Sub { dst: Slot, a: Slot, b: Slot },
    F64x2Mul { dst: Slot, a: Slot, b: Slot },
    F64x2Div { dst: Slot, a: Slot, b: Slot },
    F64x2Min { dst: Slot, a: Slot, b: Slot },
    F64x2Max { dst: Slot, a: Slot, b: Slot },
    F64x2PMin { dst: Slot, a: Slot, b: Slot },
    F64x2PMax { dst: Slot, a: Slot, b: Slot },
    I32x4TruncSatF32x4S { dst: Slot, src: Slot },
    I32x4TruncSatF32x4U { dst: Slot, src: Slot },
    F32x4ConvertI32x4S { dst: Slot, src: Slot },
    F32x4ConvertI32x4U { dst: Slot, src: Slot },
    I32x4TruncSatF64x2SZero { dst: Slot, src: Slot },
    I32x4TruncSatF64x2UZero { dst: Slot, src: Slot },
    F64x2ConvertLowI32x4S { dst: Slot, src: Slot },
    F64x2ConvertLowI32x4U { dst: Slot, src: Slot },
    F32x4DemoteF64x2Zero { dst: Slot, src: Slot },
    F64x2PromoteLowF32x4 { dst: Slot, src: Slot },
}

const _: () = assert!(std::mem::size_of::<Op>() <= 16);

impl Op {
    /// Redirects the final write of a producer (see [`Op::dst_mut`]) to slot `to`; false if this
    /// instruction has no such write or `to` does not fit its encoding.
    pub(crate) fn retarget(&mut self, to: Slot) -> bool {
        if let Some(dst) = self.dst16_mut() {
            return u16::try_from(to).map(|t| *dst = t).is_ok();
        }
        self.dst_mut().map(|d| *d = to).is_some()
    }

    /// The slot a producer writes last, if it is one.
    pub(crate) fn dst(&mut self) -> Option<Slot> {
        if let Some(dst) = self.dst16_mut() {
            return Some(*dst as Slot);
        }
        self.dst_mut().map(|d| *d)
    }

    /// [`Op::dst_mut`] for the forms whose slots are 16-bit.
    fn dst16_mut(&mut self) -> Option<&mut u16> {
        match self {
            Op::Select16 { dst, .. } | Op::Select128 { dst, .. } | Op::I8x16Shuffle { dst, .. } | Op::I32MulAdd16 { dst, .. }
            | Op::I64MulAdd16 { dst, .. } | Op::I32XorRotl16 { dst, .. } | Op::V128Bitselect { dst, .. }
            | Op::I32LoadAddImm16 { dst, .. } | Op::I64LoadAddImm16 { dst, .. } | Op::I32Load8UAddImm16 { dst, .. }
            | Op::I32LoadAdd16 { dst, .. } | Op::I64LoadAdd16 { dst, .. } | Op::I32Load8UAdd16 { dst, .. }
            | Op::I32LoadAddShl16 { dst, .. } | Op::I64LoadAddShl16 { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// The slot this instruction writes as its last action after reading all operands, if it
    /// is safe to redirect that write elsewhere (used to fold `local.set` into the producer).
    pub(crate) fn dst_mut(&mut self) -> Option<&mut Slot> {
        use Op::*;
        match self {
            Copy { dst, .. } | Copy128 { dst, .. } | GlobalGet128 { dst, .. }
            | TableGet { dst, .. } | TableSize { dst, .. } | RefFunc { dst, .. }
            | Const32 { dst, .. } | Const64 { dst, .. } | GlobalGet { dst, .. }
            | I32Load { dst, .. } | I64Load { dst, .. } | F32Load { dst, .. } | F64Load { dst, .. }
            | I32Load8S { dst, .. } | I32Load8U { dst, .. } | I32Load16S { dst, .. }
            | I32Load16U { dst, .. } | I64Load8S { dst, .. } | I64Load8U { dst, .. }
            | I64Load16S { dst, .. } | I64Load16U { dst, .. } | I64Load32S { dst, .. }
            | I64Load32U { dst, .. } | MemorySize { dst } | MemoryGrow { dst, .. }
            | I32Eqz { dst, .. } | I32Eq { dst, .. } | I32Ne { dst, .. } | I32LtS { dst, .. }
            | I32LtU { dst, .. } | I32GtS { dst, .. } | I32GtU { dst, .. } | I32LeS { dst, .. }
            | I32LeU { dst, .. } | I32GeS { dst, .. } | I32GeU { dst, .. } | I32EqImm { dst, .. }
            | I32NeImm { dst, .. } | I32LtSImm { dst, .. } | I32LtUImm { dst, .. }
            | I32GtSImm { dst, .. } | I32GtUImm { dst, .. } | I32LeSImm { dst, .. }
            | I32LeUImm { dst, .. } | I32GeSImm { dst, .. } | I32GeUImm { dst, .. }
            | I32Clz { dst, .. } | I32Ctz { dst, .. } | I32Popcnt { dst, .. } | I32Add { dst, .. }
            | I32Sub { dst, .. } | I32Mul { dst, .. } | I32DivS { dst, .. } | I32DivU { dst, .. }
            | I32RemS { dst, .. } | I32RemU { dst, .. } | I32And { dst, .. } | I32Or { dst, .. }
            | I32Xor { dst, .. } | I32Shl { dst, .. } | I32ShrS { dst, .. } | I32ShrU { dst, .. }
            | I32Rotl { dst, .. } | I32Rotr { dst, .. } | I32AddImm { dst, .. }
            | I32MulImm { dst, .. } | I32AndImm { dst, .. } | I32ShrUAndImm { dst, .. } | I32AddShlImm { dst, .. } | I32XorShlImm { dst, .. } | I32XorShrUImm { dst, .. } | I32OrImm { dst, .. }
            | I32XorImm { dst, .. } | I32ShlImm { dst, .. } | I32ShrSImm { dst, .. }
            | I32ShrUImm { dst, .. } | I64Eqz { dst, .. } | I64Eq { dst, .. } | I64Ne { dst, .. }
            | I64LtS { dst, .. } | I64LtU { dst, .. } | I64GtS { dst, .. } | I64GtU { dst, .. }
            | I64LeS { dst, .. } | I64LeU { dst, .. } | I64GeS { dst, .. } | I64GeU { dst, .. }
            | I64Clz { dst, .. } | I64Ctz { dst, .. } | I64Popcnt { dst, .. } | I64Add { dst, .. }
            | I64Sub { dst, .. } | I64Mul { dst, .. } | I64DivS { dst, .. } | I64DivU { dst, .. }
            | I64RemS { dst, .. } | I64RemU { dst, .. } | I64And { dst, .. } | I64Or { dst, .. }
            | I64Xor { dst, .. } | I64Shl { dst, .. } | I64ShrS { dst, .. } | I64ShrU { dst, .. }
            | I64Rotl { dst, .. } | I64Rotr { dst, .. } | I64AddImm { dst, .. }
            | I64AndImm { dst, .. } | I64ShlImm { dst, .. } | I64ShrSImm { dst, .. }
            | I64ShrUImm { dst, .. } | F32Eq { dst, .. } | F32Ne { dst, .. } | F32Lt { dst, .. }
            | F32Gt { dst, .. } | F32Le { dst, .. } | F32Ge { dst, .. } | F64Eq { dst, .. }
            | F64Ne { dst, .. } | F64Lt { dst, .. } | F64Gt { dst, .. } | F64Le { dst, .. }
            | F64Ge { dst, .. } | F32Abs { dst, .. } | F32Neg { dst, .. } | F32Ceil { dst, .. }
            | F32Floor { dst, .. } | F32Trunc { dst, .. } | F32Nearest { dst, .. }
            | F32Sqrt { dst, .. } | F32Add { dst, .. } | F32Sub { dst, .. } | F32Mul { dst, .. }
            | F32Div { dst, .. } | F32Min { dst, .. } | F32Max { dst, .. }
            | F32Copysign { dst, .. } | F64Abs { dst, .. } | F64Neg { dst, .. }
            | F64Ceil { dst, .. } | F64Floor { dst, .. } | F64Trunc { dst, .. }
            | F64Nearest { dst, .. } | F64Sqrt { dst, .. } | F64Add { dst, .. }
            | F64Sub { dst, .. } | F64Mul { dst, .. } | F64Div { dst, .. } | F64Min { dst, .. }
            | F64Max { dst, .. } | F64Copysign { dst, .. } | I32WrapI64 { dst, .. }
            | I32TruncF32S { dst, .. } | I32TruncF32U { dst, .. } | I32TruncF64S { dst, .. }
            | I32TruncF64U { dst, .. } | I64ExtendI32S { dst, .. } | I64ExtendI32U { dst, .. }
            | I64TruncF32S { dst, .. } | I64TruncF32U { dst, .. } | I64TruncF64S { dst, .. }
            | I64TruncF64U { dst, .. } | F32ConvertI32S { dst, .. } | F32ConvertI32U { dst, .. }
            | F32ConvertI64S { dst, .. } | F32ConvertI64U { dst, .. } | F32DemoteF64 { dst, .. }
            | F64ConvertI32S { dst, .. } | F64ConvertI32U { dst, .. } | F64ConvertI64S { dst, .. }
            | F64ConvertI64U { dst, .. } | F64PromoteF32 { dst, .. } | I32Extend8S { dst, .. }
            | I32Extend16S { dst, .. } | I64Extend8S { dst, .. } | I64Extend16S { dst, .. }
            | I64Extend32S { dst, .. } | I32TruncSatF32S { dst, .. }
            | I32TruncSatF32U { dst, .. } | I32TruncSatF64S { dst, .. }
            | I32TruncSatF64U { dst, .. } | I64TruncSatF32S { dst, .. }
            | I64TruncSatF32U { dst, .. } | I64TruncSatF64S { dst, .. }
            | I64TruncSatF64U { dst, .. }
            | V128Const { dst, .. }
            | V128Load { dst, .. } | V128Load8x8S { dst, .. } | V128Load8x8U { dst, .. }
            | V128Load16x4S { dst, .. } | V128Load16x4U { dst, .. } | V128Load32x2S { dst, .. }
            | V128Load32x2U { dst, .. } | V128Load8Splat { dst, .. } | V128Load16Splat { dst, .. }
            | V128Load32Splat { dst, .. } | V128Load64Splat { dst, .. } | V128Load32Zero { dst, .. }
            | V128Load64Zero { dst, .. } | I8x16ExtractLaneS { dst, .. }
            | I8x16ExtractLaneU { dst, .. } | I16x8ExtractLaneS { dst, .. }
            | I16x8ExtractLaneU { dst, .. } | I32x4ExtractLane { dst, .. }
            | I64x2ExtractLane { dst, .. } | I8x16ReplaceLane { dst, .. }
            | I16x8ReplaceLane { dst, .. } | I32x4ReplaceLane { dst, .. }
            | I64x2ReplaceLane { dst, .. } | I8x16Splat { dst, .. } | I16x8Splat { dst, .. }
            | I32x4Splat { dst, .. } | I64x2Splat { dst, .. } | I8x16Swizzle { dst, .. }
            | I8x16Eq { dst, .. } | I8x16Ne { dst, .. } | I8x16LtS { dst, .. }
            | I8x16LtU { dst, .. } | I8x16GtS { dst, .. } | I8x16GtU { dst, .. }
            | I8x16LeS { dst, .. } | I8x16LeU { dst, .. } | I8x16GeS { dst, .. }
            | I8x16GeU { dst, .. } | I16x8Eq { dst, .. } | I16x8Ne { dst, .. }
            | I16x8LtS { dst, .. } | I16x8LtU { dst, .. } | I16x8GtS { dst, .. }
            | I16x8GtU { dst, .. } | I16x8LeS { dst, .. } | I16x8LeU { dst, .. }
            | I16x8GeS { dst, .. } | I16x8GeU { dst, .. } | I32x4Eq { dst, .. }
            | I32x4Ne { dst, .. } | I32x4LtS { dst, .. } | I32x4LtU { dst, .. }
            | I32x4GtS { dst, .. } | I32x4GtU { dst, .. } | I32x4LeS { dst, .. }
            | I32x4LeU { dst, .. } | I32x4GeS { dst, .. } | I32x4GeU { dst, .. }
            | I64x2Eq { dst, .. } | I64x2Ne { dst, .. } | I64x2LtS { dst, .. }
            | I64x2GtS { dst, .. } | I64x2LeS { dst, .. } | I64x2GeS { dst, .. }
            | F32x4Eq { dst, .. } | F32x4Ne { dst, .. } | F32x4Lt { dst, .. } | F32x4Gt { dst, .. }
            | F32x4Le { dst, .. } | F32x4Ge { dst, .. } | F64x2Eq { dst, .. } | F64x2Ne { dst, .. }
            | F64x2Lt { dst, .. } | F64x2Gt { dst, .. } | F64x2Le { dst, .. } | F64x2Ge { dst, .. }
            | V128Not { dst, .. } | V128And { dst, .. } | V128AndNot { dst, .. }
            | V128Or { dst, .. } | V128Xor { dst, .. } | V128AnyTrue { dst, .. }
            | I8x16Abs { dst, .. } | I8x16Neg { dst, .. } | I8x16AllTrue { dst, .. }
            | I8x16Bitmask { dst, .. } | I8x16Shl { dst, .. } | I8x16ShlImm { dst, .. }
            | I8x16ShrS { dst, .. } | I8x16ShrSImm { dst, .. } | I8x16ShrU { dst, .. }
            | I8x16ShrUImm { dst, .. } | I8x16Add { dst, .. } | I8x16Sub { dst, .. }
            | I16x8Abs { dst, .. } | I16x8Neg { dst, .. } | I16x8AllTrue { dst, .. }
            | I16x8Bitmask { dst, .. } | I16x8Shl { dst, .. } | I16x8ShlImm { dst, .. }
            | I16x8ShrS { dst, .. } | I16x8ShrSImm { dst, .. } | I16x8ShrU { dst, .. }
            | I16x8ShrUImm { dst, .. } | I16x8Add { dst, .. } | I16x8Sub { dst, .. }
            | I32x4Abs { dst, .. } | I32x4Neg { dst, .. } | I32x4AllTrue { dst, .. }
            | I32x4Bitmask { dst, .. } | I32x4Shl { dst, .. } | I32x4ShlImm { dst, .. }
            | I32x4ShrS { dst, .. } | I32x4ShrSImm { dst, .. } | I32x4ShrU { dst, .. }
            | I32x4ShrUImm { dst, .. } | I32x4Add { dst, .. } | I32x4Sub { dst, .. }
            | I64x2Abs { dst, .. } | I64x2Neg { dst, .. } | I64x2AllTrue { dst, .. }
            | I64x2Bitmask { dst, .. } | I64x2Shl { dst, .. } | I64x2ShlImm { dst, .. }
            | I64x2ShrS { dst, .. } | I64x2ShrSImm { dst, .. } | I64x2ShrU { dst, .. }
            | I64x2ShrUImm { dst, .. } | I64x2Add { dst, .. } | I64x2Sub { dst, .. }
            | I8x16Popcnt { dst, .. } | I8x16AddSatS { dst, .. } | I8x16AddSatU { dst, .. }
            | I8x16SubSatS { dst, .. } | I8x16SubSatU { dst, .. } | I8x16AvgrU { dst, .. }
            | I16x8AddSatS { dst, .. } | I16x8AddSatU { dst, .. } | I16x8SubSatS { dst, .. }
            | I16x8SubSatU { dst, .. } | I16x8AvgrU { dst, .. } | I8x16MinS { dst, .. }
            | I8x16MinU { dst, .. } | I8x16MaxS { dst, .. } | I8x16MaxU { dst, .. }
            | I16x8MinS { dst, .. } | I16x8MinU { dst, .. } | I16x8MaxS { dst, .. }
            | I16x8MaxU { dst, .. } | I32x4MinS { dst, .. } | I32x4MinU { dst, .. }
            | I32x4MaxS { dst, .. } | I32x4MaxU { dst, .. } | I16x8Mul { dst, .. }
            | I32x4Mul { dst, .. } | I64x2Mul { dst, .. } | I8x16NarrowI16x8S { dst, .. }
            | I8x16NarrowI16x8U { dst, .. } | I16x8NarrowI32x4S { dst, .. }
            | I16x8NarrowI32x4U { dst, .. } | I16x8ExtendLowI8x16S { dst, .. }
            | I16x8ExtMulLowI8x16S { dst, .. } | I16x8ExtendLowI8x16U { dst, .. }
            | I16x8ExtMulLowI8x16U { dst, .. } | I16x8ExtendHighI8x16S { dst, .. }
            | I16x8ExtMulHighI8x16S { dst, .. } | I16x8ExtendHighI8x16U { dst, .. }
            | I16x8ExtMulHighI8x16U { dst, .. } | I32x4ExtendLowI16x8S { dst, .. }
            | I32x4ExtMulLowI16x8S { dst, .. } | I32x4ExtendLowI16x8U { dst, .. }
            | I32x4ExtMulLowI16x8U { dst, .. } | I32x4ExtendHighI16x8S { dst, .. }
            | I32x4ExtMulHighI16x8S { dst, .. } | I32x4ExtendHighI16x8U { dst, .. }
            | I32x4ExtMulHighI16x8U { dst, .. } | I64x2ExtendLowI32x4S { dst, .. }
            | I64x2ExtMulLowI32x4S { dst, .. } | I64x2ExtendLowI32x4U { dst, .. }
            | I64x2ExtMulLowI32x4U { dst, .. } | I64x2ExtendHighI32x4S { dst, .. }
            | I64x2ExtMulHighI32x4S { dst, .. } | I64x2ExtendHighI32x4U { dst, .. }
            | I64x2ExtMulHighI32x4U { dst, .. } | I16x8ExtAddPairwiseI8x16S { dst, .. }
            | I16x8ExtAddPairwiseI8x16U { dst, .. } | I32x4ExtAddPairwiseI16x8S { dst, .. }
            | I32x4ExtAddPairwiseI16x8U { dst, .. } | I16x8Q15MulrSatS { dst, .. }
            | I32x4DotI16x8S { dst, .. } | F32x4Ceil { dst, .. } | F32x4Floor { dst, .. }
            | F32x4Trunc { dst, .. } | F32x4Nearest { dst, .. } | F32x4Abs { dst, .. }
            | F32x4Neg { dst, .. } | F32x4Sqrt { dst, .. } | F32x4Add { dst, .. }
            | F32x4Sub { dst, .. } | F32x4Mul { dst, .. } | F32x4Div { dst, .. }
            | F32x4Min { dst, .. } | F32x4Max { dst, .. } | F32x4PMin { dst, .. }
            | F32x4PMax { dst, .. } | F64x2Ceil { dst, .. } | F64x2Floor { dst, .. }
            | F64x2Trunc { dst, .. } | F64x2Nearest { dst, .. } | F64x2Abs { dst, .. }
            | F64x2Neg { dst, .. } | F64x2Sqrt { dst, .. } | F64x2Add { dst, .. }
            | F64x2Sub { dst, .. } | F64x2Mul { dst, .. } | F64x2Div { dst, .. }
            | F64x2Min { dst, .. } | F64x2Max { dst, .. } | F64x2PMin { dst, .. }
            | F64x2PMax { dst, .. } | I32x4TruncSatF32x4S { dst, .. }
            | I32x4TruncSatF32x4U { dst, .. } | F32x4ConvertI32x4S { dst, .. }
            | F32x4ConvertI32x4U { dst, .. } | I32x4TruncSatF64x2SZero { dst, .. }
            | I32x4TruncSatF64x2UZero { dst, .. } | F64x2ConvertLowI32x4S { dst, .. }
            | F64x2ConvertLowI32x4U { dst, .. } | F32x4DemoteF64x2Zero { dst, .. }
            | F64x2PromoteLowF32x4 { dst, .. } => Some(dst),
            _ => None,
        }
    }
}
