//! The Interpreter's instruction set, declared once: every instruction with its operands and
//! what the translator and the executor need to know about it. Everything that must cover every
//! instruction is expanded from this table, so that an instruction added here is either handled
//! everywhere or does not compile:
//! - [`Op`](super::ir::Op), its accessors, name and width, and its extension words' operands
//!   (`ir`);
//! - the handler table (`exec`: every instruction needs a handler of its own name);
//! - the tests' sample of every instruction (below).
//!
//! An entry is `Name { operand: Type, .. } ext { operand: Type, .. } => fact(field), ..;`
//! after its doc comment, where `Name;` has no operands and `ext { .. }` and the facts are
//! optional. The operands in `ext { .. }` are those that do not fit in the instruction's 16 bytes
//! (a 64-bit offset, a memory index, a second type index): the translator emits them right after
//! the instruction as an extension word, `Op::Ext` (made by `ext::Name { .. }.word()`, at most 12
//! bytes), which the instruction's handler reads (`ext!()`) and steps over; `link` checks that
//! every such instruction is followed by its word and that no other `Op::Ext` is in the code.
//! (The translator's peepholes, which look at the last instruction emitted, see the word and so
//! leave such an instruction alone.) The facts:
//! - `result(f)`: `f` (a [`Slot`](super::ir::Slot)) is written as the instruction's last action,
//!   after all operands are read, so the write may be redirected to another slot (folding a
//!   `local.set` into the producer). A slot that is also read after being written, or written
//!   before a branch is taken, is not a result.
//! - `result16(f)`: the same for forms whose slots are 16-bit (`f: u16`).
//! - `branch(f)`: `f` (a `u32`) is a branch target: an instruction index when translated, made
//!   relative to the branch by `link`.
//! - `acc(f)`: operand `f` (a [`Slot`](super::ir::Slot)) may be read from the accumulator
//!   instead of the frame, when the instruction just before wrote it (see
//!   [`Op::forward_acc`](super::ir::Op::forward_acc)). The handler reads `f` only through
//!   `get!` (and the macros built on it), which is where the accumulator is picked; each `acc`
//!   field gets a handler of its own (`exec`'s `handler_of`), so an instruction with `n` of them
//!   has `n + 1` handlers. Only scalar operands (a v128 takes two cells), read before the
//!   handler writes any slot (every write also sets the accumulator).
//! - `acc_out(f)`: the result `f` may be written to the accumulator only, when the
//!   instruction after reads it from there and nothing reads the slot afterwards (see
//!   [`Op::set_acc_out`](super::ir::Op::set_acc_out)); doubles the handlers.

/// Calls macro `$m` with the instruction table (see the module docs for its grammar). Besides
/// the doc comments, `//` comments in the table group the instructions; they are not passed on.
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
            // Control.
            Unreachable;
            Br { target: u32 } => branch(target);
            BrIfNez { cond: Slot, target: u32 } => branch(target), acc(cond);
            BrIfEqz { cond: Slot, target: u32 } => branch(target), acc(cond);
            BrIfI32Eq { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32Ne { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32LtS { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32LtU { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32GtS { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32GtU { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32LeS { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32LeU { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32GeS { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32GeU { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            BrIfI32EqImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32NeImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32LtSImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32LtUImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32GtSImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32GtUImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32LeSImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32LeUImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32GeSImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            BrIfI32GeUImm { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            /// `slot += imm` (i32), then branches if `slot` is non-zero: a counted loop's back edge.
            BrIfI32AddImmNez { slot: Slot, imm: i32, target: u32 } => branch(target);
            /// `slot += imm` (i32), then branches if `slot` is zero.
            BrIfI32AddImmEqz { slot: Slot, imm: i32, target: u32 } => branch(target);
            /// `dst = src`, then branches if `cond` is non-zero (a loop variable's update before the
            /// back edge; slots below 2^16).
            BrIfNezAfterCopy { dst: u16, src: u16, cond: u16, target: u32 } => branch(target), acc(src);
            /// `dst = src`, then branches if `cond` is zero.
            BrIfEqzAfterCopy { dst: u16, src: u16, cond: u16, target: u32 } => branch(target), acc(src);
            /// Branches if `a & imm` (i32) is non-zero: a flag test.
            BrIfI32AndImmNez { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            /// Branches if `a & imm` (i32) is zero.
            BrIfI32AndImmEqz { a: Slot, imm: i32, target: u32 } => branch(target), acc(a);
            /// Branches if `a & b` (i32) is non-zero.
            BrIfI32AndNez { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            /// Branches if `a & b` (i32) is zero.
            BrIfI32AndEqz { a: Slot, b: Slot, target: u32 } => branch(target), acc(a), acc(b);
            /// Branches if the i32 loaded from `addr + offset` is non-zero (the value is not kept).
            BrIfI32LoadNez { addr: Slot, offset: u32, target: u32 } => branch(target), acc(addr);
            /// Branches if the i32 loaded from `addr + offset` is zero.
            BrIfI32LoadEqz { addr: Slot, offset: u32, target: u32 } => branch(target), acc(addr);
            /// Jumps to the `min(index, len)`-th of the `len + 1` `Br` instructions that follow.
            BrTable { index: Slot, len: u32 } => acc(index);
            /// Returns; results are already in slots `0..n`.
            Return;
            /// Copies `src` to slot 0 and returns.
            Return1 { src: Slot } => acc(src);
            /// Calls function `func` of this module (a defined one, by its index among bodies); the
            /// callee's frame starts at slot `base`, where the arguments are and the results will be.
            Call { func: u32, base: Slot };
            /// Calls imported function `func` (module function index).
            CallImported { func: u32, base: Slot };
            /// Calls through table `table` at the index in slot `index`, expecting type `ty`.
            CallIndirect { ty: u32, index: Slot, base: Slot, table: u16 };
            /// Calls the function that the reference in slot `fref` refers to (`call_ref`; null
            /// traps with "null function reference"); its type is the instruction's, which
            /// validation checked, so there is nothing to compare at run time.
            CallRef { fref: Slot, base: Slot };
            /// Tail-calls function `func` of this module (a defined one, `return_call`): the `n`
            /// arguments at slot `base` move to slots `0..n` and the callee's frame replaces this
            /// function's, returning to this function's caller.
            ReturnCall { func: u32, base: Slot };
            /// Tail-calls imported function `func` (module function index).
            ReturnCallImported { func: u32, base: Slot };
            /// Tail-calls through table `table` at the index in slot `index`, expecting type `ty`
            /// (`return_call_indirect`).
            ReturnCallIndirect { ty: u32, index: Slot, base: Slot, table: u16 };
            /// Tail-calls the function that the reference in slot `fref` refers to
            /// (`return_call_ref`).
            ReturnCallRef { fref: Slot, base: Slot };
            /// Throws a new exception of tag `tag` (module tag index) whose payload is in the
            /// cells from slot `base` (exception handling): the nearest `try_table` around this
            /// instruction, in this function or a caller, whose catch clause takes it runs that
            /// clause's pad (`InterpFunc::handlers`); with none, the call ends with it.
            Throw { tag: u32, base: Slot };
            /// Throws the exception that the reference in slot `exn` refers to again
            /// (`throw_ref`; null traps with "null exception reference").
            ThrowRef { exn: Slot };
            /// Takes `cost` units of fuel, or traps with "fuel exhausted" (and takes none) when fewer
            /// are left; at the start of every fuel segment (`wasm::fuel`), when fuel is on.
            ConsumeFuel { cost: u32 };
            /// Traps with "interrupted" if an interrupt was requested (clearing the request); on
            /// function entry and at loop headers, when the runtime is interruptible.
            CheckInterrupt;
            /// Calls the function listener's `before` with the arguments (slots `0..`) of function
            /// `func` (module index); the first instruction when a listener is installed.
            ListenEnter { func: u32 };
            /// Calls the function listener's `after` with the results (slots `0..`); just before every
            /// return when a listener is installed.
            ListenExit { func: u32 };

            // Data movement.
            Copy { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            Const32 { dst: Slot, value: u32 } => result(dst);
            Const64 { dst: Slot, lo: u32, hi: u32 } => result(dst);
            /// `dst = if cond != 0 { a } else { b }`, for frames whose slots fit in 16 bits.
            Select16 { dst: u16, a: u16, b: u16, cond: u16 } => result16(dst), acc_out(dst), acc(a), acc(b), acc(cond);
            /// `dst = if cond != 0 { dst } else { b }` (the first operand was placed in `dst`).
            Select { dst: Slot, b: Slot, cond: Slot };
            GlobalGet { dst: Slot, global: u32 } => result(dst);
            GlobalSet { src: Slot, global: u32 } => acc(src);
            /// v128 moves: two cells.
            Copy128 { dst: Slot, src: Slot } => result(dst);
            Select128 { dst: u16, a: u16, b: u16, cond: u16 } => result16(dst);
            /// `Select` of v128 values, for frames past 16-bit slots.
            SelectWide128 { dst: Slot, b: Slot, cond: Slot };
            GlobalGet128 { dst: Slot, global: u32 } => result(dst);
            GlobalSet128 { src: Slot, global: u32 };

            // Bulk memory and tables (Core 2.0). `args` is the first of the instruction's operands,
            // which sit in consecutive slots in wasm's order.
            /// `memory.copy d s n`.
            MemoryCopy { args: Slot };
            /// `memory.fill d val n`.
            MemoryFill { args: Slot };
            /// `memory.init seg d s n` into memory `memory` (any: `d` is an i64 for a 64-bit one).
            MemoryInit { seg: u32, args: Slot, memory: u32 };
            DataDrop { seg: u32 };
            /// `table.copy dst src d s n`.
            TableCopy { dst: u32, src: u32, args: Slot };
            /// `table.init seg table d s n`.
            TableInit { seg: u32, table: u32, args: Slot };
            ElemDrop { seg: u32 };
            TableGet { dst: Slot, table: u32, index: Slot } => result(dst);
            TableSet { table: u32, index: Slot, src: Slot };
            TableSize { dst: Slot, table: u32 } => result(dst);
            /// `table.grow table init delta`; the result replaces `init`.
            TableGrow { table: u32, args: Slot };
            /// `table.fill table i val n`.
            TableFill { table: u32, args: Slot };
            RefFunc { dst: Slot, func: u32 } => result(dst);
            /// Traps with "null reference" if the reference in `src` is null (`ref.as_non_null`,
            /// which leaves it where it is).
            RefAsNonNull { src: Slot } => acc(src);

            // Atomic memory instructions (threads proposal, Wasm 3.0), memory 0: `args` is the
            // first of the operands in consecutive slots (the address, then the values in wasm's
            // order), and a result replaces the address; `width` is log2 of the access's bytes.
            // Each traps with "unaligned atomic" first, then with "out of bounds memory access".
            /// `*.atomic.load*`: the value, zero-extended.
            AtomicLoad { args: Slot, offset: u32, width: u16 };
            /// `*.atomic.store*`: the value in `args + 1`, wrapped to the width.
            AtomicStore { args: Slot, offset: u32, width: u16 };
            /// `*.atomic.rmw*.<op>`: `code` is the [`RmwOp`](crate::wasm::atomics::RmwOp)'s
            /// index in `RmwOp::ALL` times 4 plus the width; the old value, zero-extended.
            AtomicRmw { args: Slot, offset: u32, code: u16 };
            /// `*.atomic.rmw*.cmpxchg*`: expected in `args + 1`, replacement in `args + 2`.
            AtomicCmpxchg { args: Slot, offset: u32, width: u16 };
            /// `memory.atomic.notify`: the count in `args + 1`; the number woken.
            AtomicNotify { args: Slot, offset: u32 };
            /// `memory.atomic.wait32` (`width` 2) or `wait64` (3): expected in `args + 1`, the
            /// timeout in nanoseconds in `args + 2` (`vm::atomics::wait`).
            AtomicWait { args: Slot, offset: u32, width: u16 };
            /// An atomic access to any memory, i32 or i64 addresses, any offset (the others are
            /// memory 0's of 32 bits): `code` is the [`AtomicOp`](crate::wasm::atomics::AtomicOp)'s
            /// code times 4 plus the width; operands and result as above (`vm::atomics::access`).
            AtomicMem { args: Slot, code: u16 } ext { memory: u32, offset: u64 };
            /// `memory.atomic.notify` of any memory.
            AtomicNotifyMem { args: Slot } ext { memory: u32, offset: u64 };
            /// `memory.atomic.wait32`/`wait64` (`width` 2 or 3) of any memory.
            AtomicWaitMem { args: Slot, width: u16 } ext { memory: u32, offset: u64 };

            // Memory.
            I32Load { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I64Load { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            F32Load { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            F64Load { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I32Load8S { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I32Load8U { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I32Load16S { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I32Load16U { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I64Load8S { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I64Load8U { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I64Load16S { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I64Load16U { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I64Load32S { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I64Load32U { dst: Slot, addr: Slot, offset: u32 } => result(dst), acc_out(dst), acc(addr);
            I32Store { addr: Slot, src: Slot, offset: u32 } => acc(addr), acc(src);
            I64Store { addr: Slot, src: Slot, offset: u32 } => acc(addr), acc(src);
            I32Store8 { addr: Slot, src: Slot, offset: u32 } => acc(addr), acc(src);
            I32Store16 { addr: Slot, src: Slot, offset: u32 } => acc(addr), acc(src);
            I64Store8 { addr: Slot, src: Slot, offset: u32 } => acc(addr), acc(src);
            I64Store16 { addr: Slot, src: Slot, offset: u32 } => acc(addr), acc(src);
            I64Store32 { addr: Slot, src: Slot, offset: u32 } => acc(addr), acc(src);
            // Accesses whose address is computed by the instruction itself, from an i32 addition the
            // translator fused in (the sum wraps to 32 bits, then `offset` is added, as in wasm), for
            // frames whose slots fit in 16 bits: `a + imm`, `a + b`, `a + (b << shift)` (`shift < 32`).
            I32LoadAddImm16 { dst: u16, a: u16, imm: i32, offset: u32 } => result16(dst), acc_out(dst), acc(a);
            I64LoadAddImm16 { dst: u16, a: u16, imm: i32, offset: u32 } => result16(dst), acc_out(dst), acc(a);
            I32Load8UAddImm16 { dst: u16, a: u16, imm: i32, offset: u32 } => result16(dst), acc_out(dst), acc(a);
            I32LoadAdd16 { dst: u16, a: u16, b: u16, offset: u32 } => result16(dst), acc_out(dst), acc(a), acc(b);
            I64LoadAdd16 { dst: u16, a: u16, b: u16, offset: u32 } => result16(dst), acc_out(dst), acc(a), acc(b);
            I32Load8UAdd16 { dst: u16, a: u16, b: u16, offset: u32 } => result16(dst), acc_out(dst), acc(a), acc(b);
            I32LoadAddShl16 { dst: u16, a: u16, b: u16, shift: u8, offset: u32 } => result16(dst), acc_out(dst), acc(a), acc(b);
            I64LoadAddShl16 { dst: u16, a: u16, b: u16, shift: u8, offset: u32 } => result16(dst), acc_out(dst), acc(a), acc(b);
            I32StoreAddImm16 { a: u16, imm: i32, src: u16, offset: u32 } => acc(a), acc(src);
            I64StoreAddImm16 { a: u16, imm: i32, src: u16, offset: u32 } => acc(a), acc(src);
            I32Store8AddImm16 { a: u16, imm: i32, src: u16, offset: u32 } => acc(a), acc(src);
            /// Stores the i32 (i64) loaded from `src + src_offset` at `addr + offset`: a field copied
            /// from one place in memory to another, the value not kept. The load's bounds are checked
            /// first, as the two instructions would.
            I32LoadStore16 { addr: u16, src: u16, offset: u32, src_offset: u32 } => acc(addr), acc(src);
            I64LoadStore16 { addr: u16, src: u16, offset: u32, src_offset: u32 } => acc(addr), acc(src);
            MemorySize { dst: Slot } => result(dst);
            MemoryGrow { dst: Slot, delta: Slot } => result(dst);
            // Any memory (multi-memory, memory64, custom page sizes): the handlers look memory
            // `mem` up among the instance's memories and take an i64 address (and sizes) if it
            // is 64-bit, an i32 otherwise, so these are slower than the instructions above,
            // which reach a 32-bit memory 0 through the memory registers (see `access`).
            /// Loads `kind` (an `access::LoadKind`) from `addr + offset` of memory `memory` into
            /// `dst` (two slots for the v128 kinds).
            LoadMem { dst: Slot, addr: Slot, kind: u8 } ext { memory: u32, offset: u64 };
            /// Stores `kind` (an `access::StoreKind`) of `src` (its lane `lane` for the lane
            /// kinds) at `addr + offset` of memory `memory`.
            StoreMem { addr: Slot, src: Slot, kind: u8, lane: u8 } ext { memory: u32, offset: u64 };
            /// `v128.loadN_lane` (`kind`, an `access::LaneKind`) from memory `memory`: the address
            /// at `args`, the vector at `args + 1`, the result at `args`.
            LoadLaneMem { args: Slot, kind: u8, lane: u8 } ext { memory: u32, offset: u64 };
            /// `memory.size` of memory `memory`, in its pages.
            MemorySizeMem { dst: Slot, memory: u32 } => result(dst);
            /// `memory.grow` of memory `memory`.
            MemoryGrowMem { dst: Slot, delta: Slot, memory: u32 } => result(dst);
            /// `memory.copy d s n` from memory `src_mem` to memory `dst_mem`.
            MemoryCopyMem { args: Slot, dst_mem: u32, src_mem: u32 };
            /// `memory.fill d val n` of memory `memory`.
            MemoryFillMem { args: Slot, memory: u32 };
            /// `dst = min(src, 2^32 - 1)` (u64 to u32): an i64 index into a table64 for the table
            /// instructions, which take u32 indices, or an i64 address into a 64-bit memory 0 for
            /// the fast memory instructions. No table has 2^32 - 1 elements
            /// (`vm::MAX_TABLE_ELEMS`) and no 64-bit memory 2^32 - 1 bytes
            /// (`vm::MAX_MEMORY64_BYTES`), so the index or address stays out of bounds when it
            /// was.
            I64SatU32 { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);

            // i32 arithmetic.
            I32Eqz { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32Eq { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Ne { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32LtS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32LtU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32GtS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32GtU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32LeS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32LeU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32GeS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32GeU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32EqImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32NeImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32LtSImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32LtUImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32GtSImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32GtUImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32LeSImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32LeUImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32GeSImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32GeUImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32Clz { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32Ctz { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32Popcnt { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32Add { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Sub { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Mul { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32DivS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32DivU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32RemS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32RemU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32And { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Or { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Xor { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Shl { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32ShrS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32ShrU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Rotl { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32Rotr { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I32AddImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32MulImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32AndImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            /// `dst = a * b + c` (i32, wrapping), for frames whose slots fit in 16 bits.
            I32MulAdd16 { dst: u16, a: u16, b: u16, c: u16 } => result16(dst), acc_out(dst), acc(a), acc(b), acc(c);
            /// `dst = a + (b << shift)` (i32, wrapping; `shift < 32`): an element's address.
            I32AddShlImm { dst: Slot, a: Slot, b: Slot, shift: u8 } => result(dst), acc_out(dst), acc(a), acc(b);
            /// `dst = a ^ (b << shift)` and `dst = a ^ (b >> shift)` (i32, unsigned; `shift < 32`): the
            /// steps of xorshift generators and hash finalizers.
            I32XorShlImm { dst: Slot, a: Slot, b: Slot, shift: u8 } => result(dst), acc_out(dst), acc(a), acc(b);
            I32XorShrUImm { dst: Slot, a: Slot, b: Slot, shift: u8 } => result(dst), acc_out(dst), acc(a), acc(b);
            /// `dst = rotl(a ^ b, c)` (i32), for frames whose slots fit in 16 bits: the mixing step of
            /// ARX ciphers and hashes (ChaCha, BLAKE).
            I32XorRotl16 { dst: u16, a: u16, b: u16, c: u16 } => result16(dst), acc_out(dst), acc(a), acc(b), acc(c);
            /// `dst = (a >> shift) & mask` (i32, unsigned shift): a bit-field extraction.
            I32ShrUAndImm { dst: Slot, a: Slot, mask: u32, shift: u8 } => result(dst), acc_out(dst), acc(a);
            I32OrImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32XorImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32ShlImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32ShrSImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I32ShrUImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);

            // i64 arithmetic.
            I64Eqz { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64Eq { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Ne { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64LtS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64LtU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64GtS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64GtU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64LeS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64LeU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64GeS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64GeU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Clz { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64Ctz { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64Popcnt { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64Add { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Sub { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Mul { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            /// [Wide arithmetic](https://github.com/WebAssembly/wide-arithmetic): `i64.add128`
            /// of the 128-bit integers `args + 1:args` and `args + 3:args + 2` (high:low, four
            /// consecutive slots in wasm's operand order); the low half of the sum goes to
            /// `args`, the high half to `args + 1`.
            I64Add128 { args: Slot };
            /// `i64.sub128`, laid out as `I64Add128`.
            I64Sub128 { args: Slot };
            /// `i64.mul_wide_s` of the i64s in `args` and `args + 1`: the 128-bit product's low
            /// half goes to `args`, its high half to `args + 1`.
            I64MulWideS { args: Slot };
            /// `i64.mul_wide_u`, laid out as `I64MulWideS`.
            I64MulWideU { args: Slot };
            I64DivS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64DivU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64RemS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64RemU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64And { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Or { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Xor { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Shl { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64ShrS { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64ShrU { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Rotl { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            I64Rotr { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            /// `dst = a * b + c` (i64, wrapping), for frames whose slots fit in 16 bits.
            I64MulAdd16 { dst: u16, a: u16, b: u16, c: u16 } => result16(dst), acc_out(dst), acc(a), acc(b), acc(c);
            /// `imm` is sign-extended to 64 bits.
            I64AddImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I64AndImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I64ShlImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I64ShrSImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);
            I64ShrUImm { dst: Slot, a: Slot, imm: i32 } => result(dst), acc_out(dst), acc(a);

            // Floats.
            F32Eq { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Ne { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Lt { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Gt { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Le { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Ge { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Eq { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Ne { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Lt { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Gt { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Le { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Ge { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Abs { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32Neg { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32Ceil { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32Floor { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32Trunc { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32Nearest { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32Sqrt { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32Add { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Sub { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Mul { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Div { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Min { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Max { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F32Copysign { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Abs { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64Neg { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64Ceil { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64Floor { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64Trunc { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64Nearest { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64Sqrt { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64Add { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Sub { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Mul { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Div { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Min { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Max { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);
            F64Copysign { dst: Slot, a: Slot, b: Slot } => result(dst), acc_out(dst), acc(a), acc(b);

            // Conversions.
            I32WrapI64 { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncF32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncF32U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncF64S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncF64U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64ExtendI32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64ExtendI32U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncF32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncF32U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncF64S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncF64U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32ConvertI32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32ConvertI32U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32ConvertI64S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32ConvertI64U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F32DemoteF64 { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64ConvertI32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64ConvertI32U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64ConvertI64S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64ConvertI64U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            F64PromoteF32 { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32Extend8S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32Extend16S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64Extend8S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64Extend16S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64Extend32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncSatF32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncSatF32U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncSatF64S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I32TruncSatF64U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncSatF32S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncSatF32U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncSatF64S { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);
            I64TruncSatF64U { dst: Slot, src: Slot } => result(dst), acc_out(dst), acc(src);

            // 128-bit SIMD (Core 2.0). Every v128 operand and result takes two consecutive slots, low
            // half first. Lane semantics are in `simd.rs`; f32x4/f64x2 splat, extract_lane and
            // replace_lane share the i32x4/i64x2 instructions (cells hold floats as their bits).
            /// `dst = v128_consts[index]` of the module.
            V128Const { dst: Slot, index: u32 } => result(dst);
            V128Store { addr: Slot, src: Slot, offset: u32 };
            /// `i8x16.shuffle` with mask `v128_consts[mask]`, for frames whose slots fit in 16 bits.
            I8x16Shuffle { dst: u16, a: u16, b: u16, mask: u32 } => result16(dst);
            /// `i8x16.shuffle` of `args` and `args + 2` into `args`, for larger frames.
            I8x16ShuffleArgs { args: Slot, mask: u32 };
            /// `dst = bitselect(a, b, c)`, for frames whose slots fit in 16 bits.
            V128Bitselect { dst: u16, a: u16, b: u16, c: u16 } => result16(dst);
            /// `bitselect` of `args`, `args + 2`, `args + 4` into `args`, for larger frames.
            V128BitselectArgs { args: Slot };
            // Relaxed SIMD (Wasm 3.0) without a Core 2.0 twin; each is one documented,
            // deterministic choice (RATIONALE.md, "Relaxed SIMD").
            /// `f32x4.relaxed_madd` of `args`, `args + 2`, `args + 4` into `args`: `a * b + c`
            /// rounded after each step (not fused).
            F32x4RelaxedMaddArgs { args: Slot };
            /// `f32x4.relaxed_nmadd`: `-(a * b) + c`, not fused; laid out as `F32x4RelaxedMaddArgs`.
            F32x4RelaxedNmaddArgs { args: Slot };
            /// `f64x2.relaxed_madd`, laid out as `F32x4RelaxedMaddArgs`.
            F64x2RelaxedMaddArgs { args: Slot };
            /// `f64x2.relaxed_nmadd`, laid out as `F32x4RelaxedMaddArgs`.
            F64x2RelaxedNmaddArgs { args: Slot };
            /// `f32x4.relaxed_min`: `f32x4.min` with canonical NaNs.
            F32x4RelaxedMin { dst: Slot, a: Slot, b: Slot } => result(dst);
            /// `f32x4.relaxed_max`: `f32x4.max` with canonical NaNs.
            F32x4RelaxedMax { dst: Slot, a: Slot, b: Slot } => result(dst);
            /// `f64x2.relaxed_min`: `f64x2.min` with canonical NaNs.
            F64x2RelaxedMin { dst: Slot, a: Slot, b: Slot } => result(dst);
            /// `f64x2.relaxed_max`: `f64x2.max` with canonical NaNs.
            F64x2RelaxedMax { dst: Slot, a: Slot, b: Slot } => result(dst);
            /// `i16x8.relaxed_dot_i8x16_i7x16_s`: `b`'s lanes read as signed, pair sums wrapping.
            I16x8RelaxedDotI8x16I7x16S { dst: Slot, a: Slot, b: Slot } => result(dst);
            /// `i32x4.relaxed_dot_i8x16_i7x16_add_s` of `args`, `args + 2`, `args + 4` into
            /// `args`: the i16x8 dot above, pairwise sign-extended and added, plus `c`.
            I32x4RelaxedDotI8x16I7x16AddSArgs { args: Slot };
            V128Load { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load8x8S { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load8x8U { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load16x4S { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load16x4U { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load32x2S { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load32x2U { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load8Splat { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load16Splat { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load32Splat { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load64Splat { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load32Zero { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            V128Load64Zero { dst: Slot, addr: Slot, offset: u32 } => result(dst);
            /// `v128.loadN_lane`: the address at `args`, the vector at `args + 1`, the result at `args`.
            V128Load8Lane { args: Slot, offset: u32, lane: u8 };
            V128Load16Lane { args: Slot, offset: u32, lane: u8 };
            V128Load32Lane { args: Slot, offset: u32, lane: u8 };
            V128Load64Lane { args: Slot, offset: u32, lane: u8 };
            V128Store8Lane { addr: Slot, src: Slot, offset: u32, lane: u8 };
            V128Store16Lane { addr: Slot, src: Slot, offset: u32, lane: u8 };
            V128Store32Lane { addr: Slot, src: Slot, offset: u32, lane: u8 };
            V128Store64Lane { addr: Slot, src: Slot, offset: u32, lane: u8 };
            I8x16ExtractLaneS { dst: Slot, src: Slot, lane: u8 } => result(dst);
            I8x16ExtractLaneU { dst: Slot, src: Slot, lane: u8 } => result(dst);
            I16x8ExtractLaneS { dst: Slot, src: Slot, lane: u8 } => result(dst);
            I16x8ExtractLaneU { dst: Slot, src: Slot, lane: u8 } => result(dst);
            I32x4ExtractLane { dst: Slot, src: Slot, lane: u8 } => result(dst);
            I64x2ExtractLane { dst: Slot, src: Slot, lane: u8 } => result(dst);
            I8x16ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 } => result(dst);
            I16x8ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 } => result(dst);
            I32x4ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 } => result(dst);
            I64x2ReplaceLane { dst: Slot, a: Slot, b: Slot, lane: u8 } => result(dst);
            I8x16Splat { dst: Slot, src: Slot } => result(dst);
            I16x8Splat { dst: Slot, src: Slot } => result(dst);
            I32x4Splat { dst: Slot, src: Slot } => result(dst);
            I64x2Splat { dst: Slot, src: Slot } => result(dst);
            I8x16Swizzle { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16Eq { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16Ne { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16LtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16LtU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16GtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16GtU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16LeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16LeU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16GeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16GeU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8Eq { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8Ne { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8LtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8LtU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8GtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8GtU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8LeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8LeU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8GeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8GeU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4Eq { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4Ne { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4LtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4LtU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4GtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4GtU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4LeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4LeU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4GeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4GeU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2Eq { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2Ne { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2LtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2GtS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2LeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2GeS { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Eq { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Ne { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Lt { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Gt { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Le { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Ge { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Eq { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Ne { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Lt { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Gt { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Le { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Ge { dst: Slot, a: Slot, b: Slot } => result(dst);
            V128Not { dst: Slot, src: Slot } => result(dst);
            V128And { dst: Slot, a: Slot, b: Slot } => result(dst);
            V128AndNot { dst: Slot, a: Slot, b: Slot } => result(dst);
            V128Or { dst: Slot, a: Slot, b: Slot } => result(dst);
            V128Xor { dst: Slot, a: Slot, b: Slot } => result(dst);
            V128AnyTrue { dst: Slot, src: Slot } => result(dst);
            I8x16Abs { dst: Slot, src: Slot } => result(dst);
            I8x16Neg { dst: Slot, src: Slot } => result(dst);
            I8x16AllTrue { dst: Slot, src: Slot } => result(dst);
            I8x16Bitmask { dst: Slot, src: Slot } => result(dst);
            I8x16Shl { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16ShlImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I8x16ShrS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16ShrSImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I8x16ShrU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16ShrUImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I8x16Add { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16Sub { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8Abs { dst: Slot, src: Slot } => result(dst);
            I16x8Neg { dst: Slot, src: Slot } => result(dst);
            I16x8AllTrue { dst: Slot, src: Slot } => result(dst);
            I16x8Bitmask { dst: Slot, src: Slot } => result(dst);
            I16x8Shl { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ShlImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I16x8ShrS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ShrSImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I16x8ShrU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ShrUImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I16x8Add { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8Sub { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4Abs { dst: Slot, src: Slot } => result(dst);
            I32x4Neg { dst: Slot, src: Slot } => result(dst);
            I32x4AllTrue { dst: Slot, src: Slot } => result(dst);
            I32x4Bitmask { dst: Slot, src: Slot } => result(dst);
            I32x4Shl { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4ShlImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I32x4ShrS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4ShrSImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I32x4ShrU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4ShrUImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I32x4Add { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4Sub { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2Abs { dst: Slot, src: Slot } => result(dst);
            I64x2Neg { dst: Slot, src: Slot } => result(dst);
            I64x2AllTrue { dst: Slot, src: Slot } => result(dst);
            I64x2Bitmask { dst: Slot, src: Slot } => result(dst);
            I64x2Shl { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2ShlImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I64x2ShrS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2ShrSImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I64x2ShrU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2ShrUImm { dst: Slot, a: Slot, imm: u32 } => result(dst);
            I64x2Add { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2Sub { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16Popcnt { dst: Slot, src: Slot } => result(dst);
            I8x16AddSatS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16AddSatU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16SubSatS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16SubSatU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16AvgrU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8AddSatS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8AddSatU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8SubSatS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8SubSatU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8AvgrU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16MinS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16MinU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16MaxS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16MaxU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8MinS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8MinU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8MaxS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8MaxU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4MinS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4MinU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4MaxS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4MaxU { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8Mul { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4Mul { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2Mul { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16NarrowI16x8S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I8x16NarrowI16x8U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8NarrowI32x4S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8NarrowI32x4U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ExtendLowI8x16S { dst: Slot, src: Slot } => result(dst);
            I16x8ExtMulLowI8x16S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ExtendLowI8x16U { dst: Slot, src: Slot } => result(dst);
            I16x8ExtMulLowI8x16U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ExtendHighI8x16S { dst: Slot, src: Slot } => result(dst);
            I16x8ExtMulHighI8x16S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ExtendHighI8x16U { dst: Slot, src: Slot } => result(dst);
            I16x8ExtMulHighI8x16U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4ExtendLowI16x8S { dst: Slot, src: Slot } => result(dst);
            I32x4ExtMulLowI16x8S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4ExtendLowI16x8U { dst: Slot, src: Slot } => result(dst);
            I32x4ExtMulLowI16x8U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4ExtendHighI16x8S { dst: Slot, src: Slot } => result(dst);
            I32x4ExtMulHighI16x8S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4ExtendHighI16x8U { dst: Slot, src: Slot } => result(dst);
            I32x4ExtMulHighI16x8U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2ExtendLowI32x4S { dst: Slot, src: Slot } => result(dst);
            I64x2ExtMulLowI32x4S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2ExtendLowI32x4U { dst: Slot, src: Slot } => result(dst);
            I64x2ExtMulLowI32x4U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2ExtendHighI32x4S { dst: Slot, src: Slot } => result(dst);
            I64x2ExtMulHighI32x4S { dst: Slot, a: Slot, b: Slot } => result(dst);
            I64x2ExtendHighI32x4U { dst: Slot, src: Slot } => result(dst);
            I64x2ExtMulHighI32x4U { dst: Slot, a: Slot, b: Slot } => result(dst);
            I16x8ExtAddPairwiseI8x16S { dst: Slot, src: Slot } => result(dst);
            I16x8ExtAddPairwiseI8x16U { dst: Slot, src: Slot } => result(dst);
            I32x4ExtAddPairwiseI16x8S { dst: Slot, src: Slot } => result(dst);
            I32x4ExtAddPairwiseI16x8U { dst: Slot, src: Slot } => result(dst);
            I16x8Q15MulrSatS { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4DotI16x8S { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Ceil { dst: Slot, src: Slot } => result(dst);
            F32x4Floor { dst: Slot, src: Slot } => result(dst);
            F32x4Trunc { dst: Slot, src: Slot } => result(dst);
            F32x4Nearest { dst: Slot, src: Slot } => result(dst);
            F32x4Abs { dst: Slot, src: Slot } => result(dst);
            F32x4Neg { dst: Slot, src: Slot } => result(dst);
            F32x4Sqrt { dst: Slot, src: Slot } => result(dst);
            F32x4Add { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Sub { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Mul { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Div { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Min { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4Max { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4PMin { dst: Slot, a: Slot, b: Slot } => result(dst);
            F32x4PMax { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Ceil { dst: Slot, src: Slot } => result(dst);
            F64x2Floor { dst: Slot, src: Slot } => result(dst);
            F64x2Trunc { dst: Slot, src: Slot } => result(dst);
            F64x2Nearest { dst: Slot, src: Slot } => result(dst);
            F64x2Abs { dst: Slot, src: Slot } => result(dst);
            F64x2Neg { dst: Slot, src: Slot } => result(dst);
            F64x2Sqrt { dst: Slot, src: Slot } => result(dst);
            F64x2Add { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Sub { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Mul { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Div { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Min { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2Max { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2PMin { dst: Slot, a: Slot, b: Slot } => result(dst);
            F64x2PMax { dst: Slot, a: Slot, b: Slot } => result(dst);
            I32x4TruncSatF32x4S { dst: Slot, src: Slot } => result(dst);
            I32x4TruncSatF32x4U { dst: Slot, src: Slot } => result(dst);
            F32x4ConvertI32x4S { dst: Slot, src: Slot } => result(dst);
            F32x4ConvertI32x4U { dst: Slot, src: Slot } => result(dst);
            I32x4TruncSatF64x2SZero { dst: Slot, src: Slot } => result(dst);
            I32x4TruncSatF64x2UZero { dst: Slot, src: Slot } => result(dst);
            F64x2ConvertLowI32x4S { dst: Slot, src: Slot } => result(dst);
            F64x2ConvertLowI32x4U { dst: Slot, src: Slot } => result(dst);
            F32x4DemoteF64x2Zero { dst: Slot, src: Slot } => result(dst);
            F64x2PromoteLowF32x4 { dst: Slot, src: Slot } => result(dst);

            /// The operands that an instruction declares in `ext { .. }`, right after it; never
            /// executed.
            Ext { w0: u32, w1: u32, w2: u32 };
        }
    };
}
pub(crate) use for_each_op;

/// The field that fact `$want` (`result`, `result16` or `branch`) names in an entry's facts, as
/// `Some(field)`, or `None` if the entry has no such fact. A fact not listed here is an error.
macro_rules! op_fact {
    (result; result($f:ident) $(, $($rest:tt)*)?) => { Some($f) };
    (result16; result16($f:ident) $(, $($rest:tt)*)?) => { Some($f) };
    (branch; branch($f:ident) $(, $($rest:tt)*)?) => { Some($f) };
    ($want:ident; result($f:ident) $(, $($rest:tt)*)?) => { op_fact!($want; $($($rest)*)?) };
    ($want:ident; result16($f:ident) $(, $($rest:tt)*)?) => { op_fact!($want; $($($rest)*)?) };
    ($want:ident; branch($f:ident) $(, $($rest:tt)*)?) => { op_fact!($want; $($($rest)*)?) };
    ($want:ident; acc($f:ident) $(, $($rest:tt)*)?) => { op_fact!($want; $($($rest)*)?) };
    ($want:ident; acc_out($f:ident) $(, $($rest:tt)*)?) => { op_fact!($want; $($($rest)*)?) };
    ($want:ident;) => { None };
}
pub(crate) use op_fact;

/// The bit of the `acc` fields (see the module docs) that read the accumulator: starting at
/// `$bit` for the first `acc` fact, doubling for each next one; 0 if none does. The fields are
/// bound by reference.
macro_rules! acc_mode {
    ($bit:expr; acc($f:ident) $(, $($rest:tt)*)?) => {
        (if $crate::interp::ir::AccOperand::is_acc(*$f) { $bit } else { 0 }) | $crate::interp::isa::acc_mode!(($bit) << 1; $($($rest)*)?)
    };
    ($bit:expr; acc_out($f:ident) $(, $($rest:tt)*)?) => {
        (if $crate::interp::ir::AccOperand::is_acc(*$f) { $crate::interp::ir::ACC_OUT } else { 0 })
            | $crate::interp::isa::acc_mode!($bit; $($($rest)*)?)
    };
    ($bit:expr; $other:ident($f:ident) $(, $($rest:tt)*)?) => { $crate::interp::isa::acc_mode!($bit; $($($rest)*)?) };
    ($bit:expr;) => { 0u8 };
}
pub(crate) use acc_mode;

/// Makes the first `acc` field equal to slot `$s` read the accumulator: true if there was one.
/// The fields are bound by mutable reference.
macro_rules! acc_take {
    ($s:ident; acc($f:ident) $(, $($rest:tt)*)?) => {
        if $crate::interp::ir::AccOperand::is_slot(*$f, $s) { *$f = $crate::interp::ir::AccOperand::ACC; true } else { $crate::interp::isa::acc_take!($s; $($($rest)*)?) }
    };
    ($s:ident; $other:ident($f:ident) $(, $($rest:tt)*)?) => { $crate::interp::isa::acc_take!($s; $($($rest)*)?) };
    ($s:ident;) => { false };
}
pub(crate) use acc_take;

/// Makes the `acc_out` field write the accumulator only: true if the entry has one.
macro_rules! acc_out_take {
    (acc_out($f:ident) $(, $($rest:tt)*)?) => {{ *$f = $crate::interp::ir::AccOperand::ACC; true }};
    ($other:ident($f:ident) $(, $($rest:tt)*)?) => { $crate::interp::isa::acc_out_take!($($($rest)*)?) };
    () => { false };
}
pub(crate) use acc_out_take;

/// The name of an entry's `acc_out` field, or "" if it has none.
macro_rules! acc_out_name {
    (acc_out($f:ident) $(, $($rest:tt)*)?) => { stringify!($f) };
    ($other:ident($f:ident) $(, $($rest:tt)*)?) => { $crate::interp::isa::acc_out_name!($($($rest)*)?) };
    () => { "" };
}
pub(crate) use acc_out_name;

/// The names of an entry's `acc` fields, in order, as a `&[&str]` (bit `1 << i` of a handler's
/// mode is the `i`-th).
macro_rules! acc_names {
    ([$($done:expr),*]; acc($f:ident) $(, $($rest:tt)*)?) => { $crate::interp::isa::acc_names!([$($done,)* stringify!($f)]; $($($rest)*)?) };
    ([$($done:expr),*]; $other:ident($f:ident) $(, $($rest:tt)*)?) => { $crate::interp::isa::acc_names!([$($done),*]; $($($rest)*)?) };
    ([$($done:expr),*];) => { &[$($done),*] };
}
pub(crate) use acc_names;

/// The number of extension words of an entry: 1 if it has `ext { .. }` (passed as `{ .. }`).
macro_rules! ext_words {
    () => { 0 };
    ({ $($operands:tt)* }) => { 1 };
}
pub(crate) use ext_words;

/// An operand type that an extension word can hold, in 32-bit words.
pub(crate) trait ExtOperand: Copy {
    /// The words it takes.
    const WORDS: usize;
    /// Writes it at the start of `words`.
    fn put(self, words: &mut [u32]);
    /// Reads it from the start of `words`.
    fn get(words: &[u32]) -> Self;
}

macro_rules! ext_operand_in_one_word {
    ($($t:ty),*) => {$(
        impl ExtOperand for $t {
            const WORDS: usize = 1;
            fn put(self, words: &mut [u32]) {
                words[0] = self as u32;
            }
            fn get(words: &[u32]) -> Self {
                words[0] as $t
            }
        }
    )*};
}
ext_operand_in_one_word!(u8, u16, u32, i32);

impl ExtOperand for u64 {
    const WORDS: usize = 2;
    fn put(self, words: &mut [u32]) {
        words[0] = self as u32;
        words[1] = (self >> 32) as u32;
    }
    fn get(words: &[u32]) -> Self {
        words[0] as u64 | (words[1] as u64) << 32
    }
}

#[cfg(test)]
mod tests {
    use super::super::exec::link;
    use super::super::ir::{Op, Slot};

    /// An operand of a sample instruction: its name, value and size in bytes.
    type Operand = (&'static str, i64, usize);

    /// Defines `samples`, every instruction of the table (and its extension word) with its
    /// operands numbered from 1 in order (so that a change to one is told from a change to
    /// another), and `operands`.
    macro_rules! define_samples {
        ($(
            $(#[$attr:meta])* $name:ident $({ $($field:ident : $ty:ty),* })?
            $(ext { $($xfield:ident : $xty:ty),* })? $(=> $($fact:ident($of:ident)),+)? ;
        )*) => {
            fn samples() -> Vec<Op> {
                let mut n = 0;
                let mut next = || {
                    n += 1;
                    n
                };
                let mut code = Vec::new();
                $(
                    // Extension words only where an instruction has one.
                    let op = Op::$name $({ $($field: next() as $ty),* })?;
                    if !matches!(op, Op::Ext { .. }) {
                        code.push(op);
                    }
                    $( code.push(crate::interp::ir::ext::$name { $($xfield: next() as $xty),* }.word()); )?
                )*
                code
            }

            fn operands(op: &Op) -> Vec<Operand> {
                match *op {
                    $( Op::$name $({ $($field),* })? => {
                        vec![$($( (stringify!($field), $field as i64, std::mem::size_of::<$ty>()) ),*)?]
                    } )*
                }
            }
        };
    }
    for_each_op!(define_samples);

    /// The operands of `a` and `b` (the same instruction) that differ.
    fn changed(a: &Op, b: &Op) -> Vec<&'static str> {
        operands(a).into_iter().zip(operands(b)).filter(|(x, y)| x != y).map(|(x, _)| x.0).collect()
    }

    #[test]
    fn names_are_those_of_the_variants() {
        let ops: Vec<_> = samples().into_iter().filter(|op| !matches!(op, Op::Ext { .. })).collect();
        let mut names: Vec<_> = ops.iter().map(Op::name).collect();
        for (op, name) in ops.iter().zip(&names) {
            let debug = format!("{op:?}");
            assert!(debug == *name || debug.starts_with(&format!("{name} {{")), "{debug}");
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ops.len());
    }

    /// The branch target accessor finds exactly the operands named `target`, and `link` makes
    /// each relative to its branch.
    #[test]
    fn branch_targets() {
        let ops = samples();
        let mut branches = 0;
        for op in &ops {
            let mut moved = *op;
            let has_target = operands(op).iter().any(|o| o.0 == "target");
            assert_eq!(moved.target_mut().map(|t| *t = 1_000_000).is_some(), has_target, "{op:?}");
            if has_target {
                assert_eq!(changed(op, &moved), ["target"], "{op:?}");
                branches += 1;
            }
        }
        assert!(branches > 30);
        for (pc, (op, instr)) in ops.iter().zip(link(ops.clone()).iter()).enumerate() {
            let (mut op, mut linked) = (*op, *instr.op());
            if let Some(t) = op.target_mut() {
                *t = t.wrapping_sub(pc as u32);
            }
            assert_eq!(linked.target_mut().copied(), op.target_mut().copied());
            assert_eq!(linked, op);
        }
    }

    /// Redirecting a producer's result changes its `dst` operand and nothing else, within the
    /// width of its encoding.
    #[test]
    fn results_retarget() {
        let mut producers = 0;
        for op in samples() {
            let Some(dst) = op.dst() else {
                let mut same = op;
                assert!(!same.retarget(7) && same == op, "{op:?}");
                continue;
            };
            producers += 1;
            let &(name, value, size) = operands(&op).iter().find(|o| o.0 == "dst").expect("a result is `dst`");
            assert_eq!((name, value), ("dst", dst as i64), "{op:?}");
            let mut moved = op;
            assert!(moved.retarget(0xfff0), "{op:?}");
            assert_eq!((moved.dst(), changed(&op, &moved)), (Some(0xfff0), vec!["dst"]), "{op:?}");
            // Past 16 bits: only the forms with 32-bit slots take it.
            let mut wide = op;
            assert_eq!(wide.retarget(0x1_0000), size == 4, "{op:?}");
            assert_eq!(wide.dst(), Some(if size == 4 { 0x1_0000 } else { dst }), "{op:?}");
        }
        assert!(producers > 400);
    }

    /// `forward_acc` turns exactly the first `acc` operand naming a slot into the accumulator,
    /// `acc_mode` reports it by its bit, and each such mode links (to a handler of its own).
    #[test]
    fn accumulator_operands() {
        use crate::interp::ir::ACC;
        let mut forwarded = 0;
        for op in samples() {
            assert_eq!(op.acc_mode(), 0, "{op:?}");
            let mut bit = 1u8;
            for &(name, value, size) in &operands(&op) {
                let mut moved = op;
                let took = moved.forward_acc(value as u32);
                let first = operands(&op).iter().position(|o| o.1 == value).map(|i| operands(&op)[i].0) == Some(name);
                let is_acc = crate::interp::ir::acc_fields_of(&op).contains(&name);
                if is_acc && first {
                    assert!(took, "{op:?} {name}");
                    assert_eq!(changed(&op, &moved), [name], "{op:?}");
                    let acc = if size == 2 { u16::MAX as i64 } else { ACC as i64 };
                    assert!(operands(&moved).iter().any(|o| o.0 == name && o.1 == acc), "{moved:?}");
                    assert_eq!(moved.acc_mode(), bit, "{moved:?}");
                    link(vec![moved, Op::Return]);
                    forwarded += 1;
                    // With the result in the accumulator only, where the form has it.
                    let mut out = moved;
                    if out.set_acc_out() {
                        assert_eq!(changed(&moved, &out), [crate::interp::ir::acc_out_field_of(&op)], "{op:?}");
                        assert_eq!(out.acc_mode(), bit | crate::interp::ir::ACC_OUT, "{out:?}");
                        link(vec![out, Op::Return]);
                    }
                }
                if is_acc {
                    bit <<= 1;
                } else if !took {
                    assert_eq!(moved, op, "{op:?} {name}");
                }
            }
        }
        assert!(forwarded > 200, "{forwarded}");
        // Only results have the form, and only scalar ones with an accumulator operand.
        for op in samples() {
            let mut out = op;
            let name = crate::interp::ir::acc_out_field_of(&op);
            assert_eq!(out.set_acc_out(), !name.is_empty(), "{op:?}");
            if !name.is_empty() {
                assert_eq!(name, "dst", "{op:?}");
                assert!(op.dst().is_some() && !crate::interp::ir::acc_fields_of(&op).is_empty(), "{op:?}");
                assert_eq!(out.acc_mode(), crate::interp::ir::ACC_OUT, "{out:?}");
            }
        }
    }

    /// An extension word that no instruction declares does not link.
    #[test]
    #[should_panic(expected = "extension word")]
    fn a_stray_extension_word_does_not_link() {
        link(vec![Op::Return, Op::Ext { w0: 1, w1: 2, w2: 3 }]);
    }
}
