//! The atomic memory instructions of the [threads proposal](https://github.com/WebAssembly/threads/blob/main/proposals/threads/Overview.md)
//! (in the Wasm 3.0 preset), classified once for both engines: every `*.atomic.*` load, store,
//! read-modify-write and compare-exchange is an [`AtomicAccess`]: what it does, how wide it
//! is and where. `memory.atomic.wait32/64`, `memory.atomic.notify` and `atomic.fence` are
//! instructions of their own in each engine (`vm::atomics` has their shared semantics).
//!
//! Every atomic access traps with "unaligned atomic" when its effective address is not a
//! multiple of its width (checked before the bounds, so that the Compiler, whose bounds check
//! may be the access itself faulting on a guard page, traps the same way), and reads or writes
//! little-endian like any access. Narrow accesses (`load8_u`, `rmw16.add_u`, …) zero-extend what
//! they read and wrap their operands to their width.

use wasmparser::{MemArg, Operator};

/// Every read-modify-write operation, once: its variant and what it stores given the old value
/// and the operand (both at full 64 bits; the access wraps the result to its width).
macro_rules! for_each_rmw {
    ($m:ident) => {
        $m! {
            Add |old, v| old.wrapping_add(v);
            Sub |old, v| old.wrapping_sub(v);
            And |old, v| old & v;
            Or |old, v| old | v;
            Xor |old, v| old ^ v;
            Xchg |_old, v| v;
        }
    };
}

macro_rules! define_rmw {
    ($($name:ident |$old:ident, $v:ident| $e:expr;)*) => {
        /// A read-modify-write operation (`*.atomic.rmw*.<op>`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum RmwOp {
            $($name,)*
        }

        impl RmwOp {
            /// Every operation, in declaration order (`op as usize` is its index).
            pub const ALL: [RmwOp; [$(RmwOp::$name),*].len()] = [$(RmwOp::$name),*];

            /// The value stored, given the old value and the operand.
            #[inline(always)]
            pub fn apply(self, old: u64, v: u64) -> u64 {
                match self {
                    $(RmwOp::$name => {
                        let ($old, $v) = (old, v);
                        $e
                    })*
                }
            }
        }
    };
}
for_each_rmw!(define_rmw);

/// What an atomic access does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AtomicOp {
    /// Reads (operands: address; result: the value).
    Load,
    /// Writes (operands: address, value; no result).
    Store,
    /// Reads, stores `op(old, v)`, returns the old value (operands: address, v).
    Rmw(RmwOp),
    /// Reads, stores the replacement if the old value equals the expected one (both wrapped to
    /// the width), returns the old value (operands: address, expected, replacement).
    Cmpxchg,
}

/// One atomic access instruction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AtomicAccess {
    /// What it does.
    pub op: AtomicOp,
    /// log2 of its width in bytes (0 to 3).
    pub width_log2: u8,
    /// Whether its value type is i64 (else i32).
    pub i64: bool,
    /// Its memory index, offset and alignment hint.
    pub memarg: MemArg,
}

impl AtomicOp {
    /// A small number for the operation (the Interpreter's instructions carry it): 0 load,
    /// 1 store, 2 + the index in [`RmwOp::ALL`] for a read-modify-write, then compare-exchange.
    pub fn code(self) -> u16 {
        match self {
            AtomicOp::Load => 0,
            AtomicOp::Store => 1,
            AtomicOp::Rmw(r) => 2 + r as u16,
            AtomicOp::Cmpxchg => 2 + RmwOp::ALL.len() as u16,
        }
    }

    /// The operation of [`AtomicOp::code`] `c` (a code past the last is a compare-exchange).
    pub fn of_code(c: u16) -> AtomicOp {
        match c {
            0 => AtomicOp::Load,
            1 => AtomicOp::Store,
            c => match RmwOp::ALL.get(c as usize - 2) {
                Some(r) => AtomicOp::Rmw(*r),
                None => AtomicOp::Cmpxchg,
            },
        }
    }
}

impl AtomicAccess {
    /// Its width in bytes.
    pub fn bytes(&self) -> u64 {
        1 << self.width_log2
    }

    /// How many operands it pops (the address included).
    pub fn operands(&self) -> usize {
        match self.op {
            AtomicOp::Load => 1,
            AtomicOp::Store | AtomicOp::Rmw(_) => 2,
            AtomicOp::Cmpxchg => 3,
        }
    }

    /// Whether it pushes a result.
    pub fn has_result(&self) -> bool {
        self.op != AtomicOp::Store
    }
}

/// Every atomic access instruction, once: wasmparser's operator, what it does, its width (log2
/// of bytes) and its value type.
macro_rules! for_each_atomic_access {
    ($m:ident) => {
        $m! {
            I32AtomicLoad Load 2 I32; I64AtomicLoad Load 3 I64;
            I32AtomicLoad8U Load 0 I32; I32AtomicLoad16U Load 1 I32;
            I64AtomicLoad8U Load 0 I64; I64AtomicLoad16U Load 1 I64; I64AtomicLoad32U Load 2 I64;
            I32AtomicStore Store 2 I32; I64AtomicStore Store 3 I64;
            I32AtomicStore8 Store 0 I32; I32AtomicStore16 Store 1 I32;
            I64AtomicStore8 Store 0 I64; I64AtomicStore16 Store 1 I64; I64AtomicStore32 Store 2 I64;
            I32AtomicRmwAdd (Rmw(RmwOp::Add)) 2 I32; I64AtomicRmwAdd (Rmw(RmwOp::Add)) 3 I64;
            I32AtomicRmw8AddU (Rmw(RmwOp::Add)) 0 I32; I32AtomicRmw16AddU (Rmw(RmwOp::Add)) 1 I32;
            I64AtomicRmw8AddU (Rmw(RmwOp::Add)) 0 I64; I64AtomicRmw16AddU (Rmw(RmwOp::Add)) 1 I64;
            I64AtomicRmw32AddU (Rmw(RmwOp::Add)) 2 I64;
            I32AtomicRmwSub (Rmw(RmwOp::Sub)) 2 I32; I64AtomicRmwSub (Rmw(RmwOp::Sub)) 3 I64;
            I32AtomicRmw8SubU (Rmw(RmwOp::Sub)) 0 I32; I32AtomicRmw16SubU (Rmw(RmwOp::Sub)) 1 I32;
            I64AtomicRmw8SubU (Rmw(RmwOp::Sub)) 0 I64; I64AtomicRmw16SubU (Rmw(RmwOp::Sub)) 1 I64;
            I64AtomicRmw32SubU (Rmw(RmwOp::Sub)) 2 I64;
            I32AtomicRmwAnd (Rmw(RmwOp::And)) 2 I32; I64AtomicRmwAnd (Rmw(RmwOp::And)) 3 I64;
            I32AtomicRmw8AndU (Rmw(RmwOp::And)) 0 I32; I32AtomicRmw16AndU (Rmw(RmwOp::And)) 1 I32;
            I64AtomicRmw8AndU (Rmw(RmwOp::And)) 0 I64; I64AtomicRmw16AndU (Rmw(RmwOp::And)) 1 I64;
            I64AtomicRmw32AndU (Rmw(RmwOp::And)) 2 I64;
            I32AtomicRmwOr (Rmw(RmwOp::Or)) 2 I32; I64AtomicRmwOr (Rmw(RmwOp::Or)) 3 I64;
            I32AtomicRmw8OrU (Rmw(RmwOp::Or)) 0 I32; I32AtomicRmw16OrU (Rmw(RmwOp::Or)) 1 I32;
            I64AtomicRmw8OrU (Rmw(RmwOp::Or)) 0 I64; I64AtomicRmw16OrU (Rmw(RmwOp::Or)) 1 I64;
            I64AtomicRmw32OrU (Rmw(RmwOp::Or)) 2 I64;
            I32AtomicRmwXor (Rmw(RmwOp::Xor)) 2 I32; I64AtomicRmwXor (Rmw(RmwOp::Xor)) 3 I64;
            I32AtomicRmw8XorU (Rmw(RmwOp::Xor)) 0 I32; I32AtomicRmw16XorU (Rmw(RmwOp::Xor)) 1 I32;
            I64AtomicRmw8XorU (Rmw(RmwOp::Xor)) 0 I64; I64AtomicRmw16XorU (Rmw(RmwOp::Xor)) 1 I64;
            I64AtomicRmw32XorU (Rmw(RmwOp::Xor)) 2 I64;
            I32AtomicRmwXchg (Rmw(RmwOp::Xchg)) 2 I32; I64AtomicRmwXchg (Rmw(RmwOp::Xchg)) 3 I64;
            I32AtomicRmw8XchgU (Rmw(RmwOp::Xchg)) 0 I32; I32AtomicRmw16XchgU (Rmw(RmwOp::Xchg)) 1 I32;
            I64AtomicRmw8XchgU (Rmw(RmwOp::Xchg)) 0 I64; I64AtomicRmw16XchgU (Rmw(RmwOp::Xchg)) 1 I64;
            I64AtomicRmw32XchgU (Rmw(RmwOp::Xchg)) 2 I64;
            I32AtomicRmwCmpxchg Cmpxchg 2 I32; I64AtomicRmwCmpxchg Cmpxchg 3 I64;
            I32AtomicRmw8CmpxchgU Cmpxchg 0 I32; I32AtomicRmw16CmpxchgU Cmpxchg 1 I32;
            I64AtomicRmw8CmpxchgU Cmpxchg 0 I64; I64AtomicRmw16CmpxchgU Cmpxchg 1 I64;
            I64AtomicRmw32CmpxchgU Cmpxchg 2 I64;
        }
    };
}

macro_rules! classify {
    ($($name:ident $op:tt $w:literal $ty:ident;)*) => {
        /// The atomic access `op` is, or `None` for any other instruction (wait, notify and
        /// fence included).
        pub(crate) fn atomic_access(op: &Operator<'_>) -> Option<AtomicAccess> {
            use AtomicOp::*;
            match op {
                $(Operator::$name { memarg } => Some(AtomicAccess {
                    op: $op,
                    width_log2: $w,
                    i64: classify!(@i64 $ty),
                    memarg: *memarg,
                }),)*
                _ => None,
            }
        }
    };
    (@i64 I32) => { false };
    (@i64 I64) => { true };
}
for_each_atomic_access!(classify);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accesses_are_classified_with_their_width_and_type() {
        let m = MemArg { align: 0, max_align: 0, offset: 8, target: wasmparser::MemArgTarget::Memory(0), ordering: None };
        let a = atomic_access(&Operator::I64AtomicRmw16XchgU { memarg: m }).unwrap();
        assert_eq!((a.op, a.width_log2, a.i64, a.bytes(), a.operands()), (AtomicOp::Rmw(RmwOp::Xchg), 1, true, 2, 2));
        let c = atomic_access(&Operator::I32AtomicRmwCmpxchg { memarg: m }).unwrap();
        assert_eq!((c.op, c.width_log2, c.i64, c.operands(), c.has_result()), (AtomicOp::Cmpxchg, 2, false, 3, true));
        assert!(!atomic_access(&Operator::I64AtomicStore32 { memarg: m }).unwrap().has_result());
        assert!(atomic_access(&Operator::I32Load { memarg: m }).is_none());
        assert_eq!(RmwOp::Sub.apply(1, 2), u64::MAX);
        for op in [AtomicOp::Load, AtomicOp::Store, AtomicOp::Cmpxchg].into_iter().chain(RmwOp::ALL.map(AtomicOp::Rmw)) {
            assert_eq!(AtomicOp::of_code(op.code()), op);
        }
        assert_eq!(RmwOp::Xchg.apply(1, 2), 2);
    }
}
