//! The Interpreter's internal IR: a register-style instruction set where operands are slots of
//! the current frame (locals first, then one slot per operand-stack height). Branch targets are
//! absolute instruction indices within the function, resolved at translation time; no LEB128 is
//! decoded at run time. Every instruction fits in 16 bytes. The instructions are declared in [`isa`](super::isa).

/// A slot index into the current frame's cells.
pub(crate) type Slot = u32;

use super::isa::{for_each_op, op_fact};

/// Defines [`Op`] and the accessors that cover every instruction from the table (`isa`).
macro_rules! define_op {
    ($( $(#[$attr:meta])* $name:ident $({ $($field:ident : $ty:ty),* })? $(=> $($fact:ident($of:ident)),+)? ; )*) => {
        /// One IR instruction. Naming: `dst` is written, other slots are read; `Imm` variants take
        /// their right operand as an immediate; `BrIf*` variants fuse a comparison with a
        /// conditional branch.
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[allow(missing_docs)]
        pub(crate) enum Op {
            $( $(#[$attr])* $name $({ $($field: $ty),* })?, )*
        }

        // Each accessor binds every operand of every instruction (most go unused) so that the
        // fact's field is picked by name from the table.
        #[allow(unused_variables)]
        impl Op {
            /// The instruction's name, as in the table (for disassembly).
            #[allow(dead_code)]
            pub(crate) fn name(&self) -> &'static str {
                match self {
                    $( Op::$name { .. } => stringify!($name), )*
                }
            }

            /// The slot this instruction writes as its last action after reading all operands,
            /// if it is safe to redirect that write elsewhere (used to fold `local.set` into the
            /// producer): the table's `result` fact.
            pub(crate) fn dst_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    $( Op::$name { $($($field),*)? } => op_fact!(result; $($($fact($of)),+)?), )*
                }
            }

            /// [`Op::dst_mut`] for the forms whose slots are 16-bit: the `result16` fact.
            fn dst16_mut(&mut self) -> Option<&mut u16> {
                match self {
                    $( Op::$name { $($($field),*)? } => op_fact!(result16; $($($fact($of)),+)?), )*
                }
            }

            /// The branch target of this instruction, if it is a branch: the `branch` fact.
            pub(crate) fn target_mut(&mut self) -> Option<&mut u32> {
                match self {
                    $( Op::$name { $($($field),*)? } => op_fact!(branch; $($($fact($of)),+)?), )*
                }
            }
        }
    };
}
for_each_op!(define_op);

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
}
