//! The Interpreter's internal IR: a register-style instruction set where operands are slots of
//! the current frame (locals first, then one slot per operand-stack height). Branch targets are
//! absolute instruction indices within the function, resolved at translation time; no LEB128 is
//! decoded at run time. Every instruction fits in 16 bytes (operands past that go in an extension
//! word). The instructions are declared in [`isa`](super::isa).

/// A slot index into the current frame's cells.
pub(crate) type Slot = u32;

use super::isa::{for_each_op, op_fact};

/// The value of an `acc` operand (see [`isa`](super::isa)) that reads the accumulator, the
/// value the instruction just before wrote, rather than a slot. No frame has this many slots
/// (the value stack is far smaller).
pub(crate) const ACC: Slot = u32::MAX;
/// The bit of [`Op::acc_mode`] for a result written to the accumulator only (`acc_out`).
pub(crate) const ACC_OUT: u8 = 0x80;

/// [`ACC`] in the operands of the forms whose slots are 16-bit, which therefore take slots
/// below it only ([`slot16`]).
pub(crate) const ACC16: u16 = u16::MAX;

/// Slot `s` as the operand of a form whose slots are 16-bit, if it fits (below [`ACC16`]).
pub(crate) fn slot16(s: Slot) -> Option<u16> {
    u16::try_from(s).ok().filter(|&s| s != ACC16)
}

/// An operand that may stand for the accumulator (the `acc` fact): a slot of either width.
pub(crate) trait AccOperand: Copy {
    /// Whether it is the accumulator.
    fn is_acc(self) -> bool;
    /// Whether it is slot `s`.
    fn is_slot(self, s: Slot) -> bool;
    /// The accumulator's value of this width.
    const ACC: Self;
}

impl AccOperand for Slot {
    fn is_acc(self) -> bool {
        self == ACC
    }
    fn is_slot(self, s: Slot) -> bool {
        self == s
    }
    const ACC: Self = ACC;
}

impl AccOperand for u16 {
    fn is_acc(self) -> bool {
        self == ACC16
    }
    fn is_slot(self, s: Slot) -> bool {
        self as Slot == s
    }
    const ACC: Self = ACC16;
}

/// The instructions of `code` that branches land on (targets as translated: instruction
/// indices), and the catch pads `pads`, which the unwinder enters.
pub(crate) fn landings(code: &[Op], pads: &[u32]) -> Vec<bool> {
    let mut landing = vec![false; code.len()];
    for &p in pads {
        landing[p as usize] = true;
    }
    for op in code {
        if let Some(&mut t) = { *op }.target_mut() {
            landing[t as usize] = true;
        }
    }
    landing
}

/// Defines [`Op`] and the accessors that cover every instruction from the table (`isa`).
macro_rules! define_op {
    ($(
        $(#[$attr:meta])* $name:ident $({ $($field:ident : $ty:ty),* })?
        $(ext { $($xfield:ident : $xty:ty),* })? $(=> $($fact:ident($of:ident)),+)? ;
    )*) => {
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

            /// The slot a producer writes last, if it is one: the `result` or `result16`
            /// fact, in one match (the translator asks it of every instruction).
            pub(crate) fn dst(&self) -> Option<Slot> {
                match *self {
                    $( Op::$name { $($($field),*)? } => {
                        let wide: Option<Slot> = op_fact!(result; $($($fact($of)),+)?);
                        let narrow: Option<u16> = op_fact!(result16; $($($fact($of)),+)?);
                        wide.or(narrow.map(Slot::from))
                    } )*
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

            /// Which `acc` operands read the accumulator: bit `1 << i` for the `i`-th `acc`
            /// field (in the table's order), so 0 for none; and [`ACC_OUT`] if the result goes
            /// to the accumulator only. (For checks and tests: `link` computes it in its own
            /// match.)
            #[cfg_attr(not(debug_assertions), allow(dead_code))]
            pub(crate) fn acc_mode(&self) -> u8 {
                match self {
                    $( Op::$name { $($($field),*)? } => $crate::interp::isa::acc_mode!(1u8; $($($fact($of)),+)?), )*
                }
            }

            /// Makes the first `acc` operand that reads `slot` read the accumulator instead:
            /// right when the instruction just before writes `slot` as its result (which it
            /// also leaves in the accumulator) and no branch lands between the two. True if
            /// an operand was changed.
            pub(crate) fn forward_acc(&mut self, slot: Slot) -> bool {
                match self {
                    $( Op::$name { $($($field),*)? } => $crate::interp::isa::acc_take!(slot; $($($fact($of)),+)?), )*
                }
            }

            /// Whether any operand of the instruction (of any kind) has the value `v`: a
            /// conservative test that it does not read slot `v`.
            pub(crate) fn mentions(&self, v: u32) -> bool {
                match *self {
                    $( Op::$name { $($($field),*)? } => false $($( || $field as u32 == v )*)?, )*
                }
            }

            /// Makes the instruction write its result to the accumulator only, not to its slot
            /// (the `acc_out` fact): for a result that the next instruction reads from the
            /// accumulator and nothing reads afterwards. False if it has no such form.
            pub(crate) fn set_acc_out(&mut self) -> bool {
                match self {
                    $( Op::$name { $($($field),*)? } => $crate::interp::isa::acc_out_take!($($($fact($of)),+)?), )*
                }
            }

            /// The instruction's width in code slots: 1, plus its extension word if it has one.
            pub(crate) fn width(&self) -> usize {
                match self {
                    $( Op::$name { .. } => width::$name, )*
                }
            }
        }

        /// Each instruction's width in code slots (see [`Op::width`]), a constant for its handler.
        #[allow(non_upper_case_globals)]
        pub(crate) mod width {
            $( pub(crate) const $name: usize = 1 + $crate::interp::isa::ext_words!($({ $($xfield)* })?); )*
        }

        /// Each instruction's `acc` operands by name, in order (see [`Op::acc_mode`]), for its
        /// handlers.
        #[allow(non_upper_case_globals, dead_code)]
        pub(crate) mod acc_fields {
            $( pub(crate) const $name: &[&str] = $crate::interp::isa::acc_names!([]; $($($fact($of)),+)?); )*
        }

        /// Each instruction's `acc_out` operand by name, or "" (see [`Op::set_acc_out`]).
        #[allow(non_upper_case_globals, dead_code)]
        pub(crate) mod acc_out_field {
            $( pub(crate) const $name: &str = $crate::interp::isa::acc_out_name!($($($fact($of)),+)?); )*
        }

        /// The name of `op`'s `acc_out` operand, or "" (see [`acc_out_field`]).
        #[cfg(test)]
        pub(crate) fn acc_out_field_of(op: &Op) -> &'static str {
            match op {
                $( Op::$name { .. } => acc_out_field::$name, )*
            }
        }

        /// The names of `op`'s `acc` operands (see [`acc_fields`]).
        #[cfg(test)]
        pub(crate) fn acc_fields_of(op: &Op) -> &'static [&'static str] {
            match op {
                $( Op::$name { .. } => acc_fields::$name, )*
            }
        }

        /// For each instruction with an extension word, the operands it holds.
        #[allow(dead_code, unused_imports)]
        pub(crate) mod ext {
            use super::*;
            use $crate::interp::isa::ExtOperand;
            $($(
                #[derive(Clone, Copy, Debug, PartialEq)]
                pub(crate) struct $name { $(pub(crate) $xfield: $xty),* }

                const _: () = assert!(0 $(+ <$xty as ExtOperand>::WORDS)* <= 3, "an extension word holds 12 bytes");

                impl $name {
                    /// The extension word holding these operands, to follow the instruction.
                    pub(crate) fn word(self) -> Op {
                        let mut w = [0u32; 3];
                        let mut at = 0;
                        $(
                            self.$xfield.put(&mut w[at..]);
                            at += <$xty as ExtOperand>::WORDS;
                        )*
                        let _ = at;
                        Op::Ext { w0: w[0], w1: w[1], w2: w[2] }
                    }

                    /// The operands in `op`, if it is an extension word.
                    pub(crate) fn of(op: Op) -> Option<Self> {
                        let Op::Ext { w0, w1, w2 } = op else { return None };
                        let w = [w0, w1, w2];
                        let mut at = 0;
                        $(
                            let $xfield = <$xty as ExtOperand>::get(&w[at..]);
                            at += <$xty as ExtOperand>::WORDS;
                        )*
                        let _ = at;
                        Some($name { $($xfield),* })
                    }
                }
            )?)*
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
            return slot16(to).map(|t| *dst = t).is_some();
        }
        self.dst_mut().map(|d| *d = to).is_some()
    }

    /// Whether an operand other than the result (see [`Op::dst_mut`]) has the value `v`: a
    /// conservative test that the instruction does not read slot `v`.
    pub(crate) fn mentions_besides_result(&self, v: u32) -> bool {
        let mut probe = *self;
        if let Some(d) = probe.dst16_mut() {
            *d = ACC16;
        } else if let Some(d) = probe.dst_mut() {
            *d = ACC;
        }
        probe.mentions(v)
    }
}

#[cfg(test)]
mod tests {
    /// A table with an instruction whose operands do not fit in 16 bytes, expanded as the real
    /// one is.
    #[allow(dead_code)]
    mod toy {
        use super::super::Slot;
        use crate::interp::isa::op_fact;
        define_op! {
            /// A load with a 64-bit offset from memory `memory`.
            Load { dst: Slot, addr: Slot } ext { offset: u64, memory: u32 } => result(dst);
            Nop;
            Ext { w0: u32, w1: u32, w2: u32 };
        }
    }

    #[test]
    fn extension_words_hold_the_operands_past_16_bytes() {
        use toy::{ext, width, Op};
        assert_eq!((width::Load, width::Nop, width::Ext), (2, 1, 1));
        let operands = ext::Load { offset: 0xfedc_ba98_7654_3210, memory: 7 };
        let word = operands.word();
        assert!(matches!(word, Op::Ext { .. }));
        assert_eq!(ext::Load::of(word), Some(operands));
        assert_eq!(ext::Load::of(Op::Nop), None);
        let mut load = Op::Load { dst: 1, addr: 2 };
        assert_eq!((load.width(), load.dst_mut().copied(), load.name()), (2, Some(1), "Load"));
    }
}
