//! The one walk over a function body that both engines' translators share: it reads the
//! operators, places the checks a runtime asked for (the listener's entry hook and an
//! interrupt check on function entry, an interrupt check at every loop header, fuel charges
//! where the segments of [`super::fuel`] start), skips the code that cannot run (after `br`,
//! `return`, `unreachable`, ... until the `else` or `end` of the construct that became
//! unreachable), and hands every other operator to the engine's [`Lower`]ing. Block types are resolved here too ([`block_type`]). What remains in each
//! translator is its lowering: its operand stack, control frames and code.

use super::error::CompileError;
use super::fuel::FuelPlan;
use super::types::ValType;
use super::Module;
use std::borrow::Cow;
use wasmparser::{BinaryReaderError, BlockType, FunctionBody, Operator};

/// What an engine's translator does with the operators [`walk`] gives it.
pub(crate) trait Lower {
    /// The translator's error (a [`BinaryReaderError`] converts into it).
    type Error: From<BinaryReaderError>;
    /// Whether the code at this point can run: false from an unconditional transfer of control
    /// until the `else` or `end` that closes the construct it is in.
    fn reachable(&self) -> bool;
    /// Charges `cost` units of fuel here (at a segment's start, in reachable code).
    fn charge_fuel(&mut self, cost: u32);
    /// Checks the interrupt flag here (function entry, loop headers).
    fn check_interrupt(&mut self);
    /// Calls the listener's entry hook with the arguments (function entry).
    fn listen_enter(&mut self);
    /// Lowers a reachable operator found at byte `offset` of the module.
    fn op(&mut self, op: Operator<'_>, offset: usize) -> Result<(), Self::Error>;
    /// The `else` of the construct that became unreachable: its other arm may run.
    fn unreachable_else(&mut self) -> Result<(), Self::Error>;
    /// The `end` of the construct that became unreachable: code after it may run.
    fn unreachable_end(&mut self) -> Result<(), Self::Error>;
}

/// The checks a runtime has its code do (from its configuration).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Checks {
    /// Charge fuel per segment.
    pub fuel: bool,
    /// Check the interrupt flag on entry and at loop headers.
    pub interrupt: bool,
    /// Tell the function listener about the entry.
    pub listen: bool,
}

/// Walks `body` (validated), lowering it with `lower` and placing `checks`.
pub(crate) fn walk<L: Lower>(body: &FunctionBody<'_>, checks: Checks, lower: &mut L) -> Result<(), L::Error> {
    let mut plan = if checks.fuel { Some(FuelPlan::new(body)?) } else { None };
    if checks.listen {
        lower.listen_enter();
    }
    if checks.interrupt {
        lower.check_interrupt();
    }
    let mut reader = body.get_operators_reader()?;
    // Constructs opened inside code being skipped, not yet closed.
    let mut dead_depth = 0u32;
    let mut index = 0u32;
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read()?;
        // A segment's charge goes first, where every path into the segment (labels included)
        // arrives.
        if let Some(cost) = plan.as_mut().and_then(|p| p.charge_at(index)) {
            if lower.reachable() {
                lower.charge_fuel(cost);
            }
        }
        index += 1;
        if lower.reachable() {
            // A loop's header is where its back edges arrive: check there.
            let header = checks.interrupt && matches!(op, Operator::Loop { .. });
            lower.op(op, offset as usize)?;
            if header {
                lower.check_interrupt();
            }
            continue;
        }
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => dead_depth += 1,
            Operator::Else if dead_depth == 0 => lower.unreachable_else()?,
            Operator::End if dead_depth == 0 => lower.unreachable_end()?,
            Operator::End => dead_depth -= 1,
            _ => {}
        }
    }
    Ok(())
}

/// The parameter and result types of block type `bt` in `module`. Errors: as
/// [`super::val_type`].
pub(crate) fn block_type(
    module: &Module,
    bt: BlockType,
) -> Result<(Cow<'_, [ValType]>, Cow<'_, [ValType]>), CompileError> {
    Ok(match bt {
        BlockType::Empty => (Cow::Borrowed(&[]), Cow::Borrowed(&[])),
        BlockType::Type(t) => (Cow::Borrowed(&[]), Cow::Owned(vec![super::val_type(t)?])),
        BlockType::FuncType(i) => {
            let t = &module.types[i as usize];
            (Cow::Borrowed(t.params()), Cow::Borrowed(t.results()))
        }
    })
}
