//! Where fuel is charged and how much: a pure function of a function body, shared by both
//! engines so that they consume fuel identically (see `vm::limits`).
//!
//! A *segment* starts at the function's first operator and after every operator that can
//! transfer control or is a branch target's boundary (`block`, `loop`, `if`, `else`, `end`,
//! `br`, `br_if`, `br_table`, `br_on_null`, `br_on_non_null`, `return`, the tail calls
//! `return_call*`, `unreachable`, and, for the issues to come, `br_on_cast*`, `try_table` and
//! throws). Every path into a segment enters at its
//! start (labels are at segment starts), and leaves only at its end or by a call or a trap, so
//! charging a segment's whole cost on entry charges exactly the operators that run, except
//! that a trap or a host exit inside a segment has already paid for the operators after it.
//! Calls do not end segments: the callee charges its own segments when it runs.

use wasmparser::{FunctionBody, Operator};

/// What one operator costs: structure and no-ops are free (as in wasmtime), all else costs 1.
pub(crate) fn cost(op: &Operator<'_>) -> u32 {
    match op {
        Operator::Nop
        | Operator::Drop
        | Operator::Block { .. }
        | Operator::Loop { .. }
        | Operator::Else
        | Operator::End => 0,
        _ => 1,
    }
}

/// Whether a segment ends after `op`.
fn ends_segment(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::Else
            | Operator::End
            | Operator::Br { .. }
            | Operator::BrIf { .. }
            | Operator::BrTable { .. }
            | Operator::BrOnNull { .. }
            | Operator::BrOnNonNull { .. }
            | Operator::Return
            | Operator::ReturnCall { .. }
            | Operator::ReturnCallIndirect { .. }
            | Operator::ReturnCallRef { .. }
            | Operator::Unreachable
            // GC's casting branches and exception handling's transfers, for the issues to come.
            | Operator::BrOnCast { .. }
            | Operator::BrOnCastFail { .. }
            | Operator::TryTable { .. }
            | Operator::Throw { .. }
            | Operator::ThrowRef
    )
}

/// The segments of one body with a non-zero cost, as `(operator index, cost)` in order: the
/// translator charges `cost` when it reaches operator `index` (counting from 0) in reachable code.
#[derive(Debug, Default)]
pub(crate) struct FuelPlan {
    charges: Vec<(u32, u32)>,
    next: usize,
}

impl FuelPlan {
    /// The plan of `body` (already validated).
    pub fn new(body: &FunctionBody<'_>) -> Result<FuelPlan, wasmparser::BinaryReaderError> {
        let mut charges = Vec::new();
        let (mut start, mut acc) = (0u32, 0u32);
        let mut reader = body.get_operators_reader()?;
        let mut index = 0u32;
        while !reader.eof() {
            let op = reader.read()?;
            acc = acc.saturating_add(cost(&op));
            index += 1;
            if ends_segment(&op) {
                if acc > 0 {
                    charges.push((start, acc));
                }
                (start, acc) = (index, 0);
            }
        }
        if acc > 0 {
            charges.push((start, acc));
        }
        Ok(FuelPlan { charges, next: 0 })
    }

    /// The fuel to charge before operator `index`, if a segment with a cost starts there.
    /// Call with every operator index in increasing order.
    pub fn charge_at(&mut self, index: u32) -> Option<u32> {
        while let Some(&(at, c)) = self.charges.get(self.next) {
            if at > index {
                return None;
            }
            self.next += 1;
            if at == index {
                return Some(c);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(wat: &str) -> Vec<(u32, u32)> {
        let bin = wat::parse_str(wat).unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&bin) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                return FuelPlan::new(&body).unwrap().charges;
            }
        }
        panic!("no body")
    }

    #[test]
    fn segments_split_at_control_and_skip_free_operators() {
        // 0 local.get, 1 loop | 2 i32.const, 3 i32.sub, 4 local.tee, 5 local.get, 6 br_if |
        // 7 end | 8 drop, 9 nop, 10 i32.const, 11 end
        let p = plan(
            "(module (func (param i32) (result i32)
               local.get 0
               loop (param i32) (result i32)
                 i32.const 1 i32.sub local.tee 0 local.get 0 br_if 0
               end
               drop nop i32.const 7))",
        );
        assert_eq!(p, vec![(0, 1), (2, 5), (8, 1)]);
    }

    #[test]
    fn charge_at_walks_the_plan_in_order() {
        let mut p = FuelPlan { charges: vec![(0, 2), (5, 3)], next: 0 };
        assert_eq!(p.charge_at(0), Some(2));
        assert_eq!(p.charge_at(3), None);
        assert_eq!(p.charge_at(5), Some(3));
        assert_eq!(p.charge_at(6), None);
    }
}
