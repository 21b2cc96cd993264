//! The Interpreter engine: each function body is translated once, at compile time, into a
//! register-style IR ([`isa`], [`ir`], [`translate`]) and run with an explicit frame stack
//! ([`exec`]), each handler calling the next, with the last result also kept in an accumulator
//! register that the next instruction may read instead of its slot (RATIONALE.md, "The
//! accumulator"). Portable Rust only, so it runs on every target.

mod access;
mod exec;
mod ir;
mod isa;
mod num;
#[cfg(zerowasm_op_profile)]
pub(crate) mod profile;
mod simd;
#[cfg(test)]
mod tests;
mod translate;

use crate::vm::{Trap};
use crate::wasm::error::CompileError;
use crate::vm::{Engine, EngineCode, Instrumentation, Store};
use crate::wasm::Module;
use std::sync::Arc;

/// One translated function.
pub(crate) struct InterpFunc {
    pub code: Box<[exec::Instr]>,
    /// Cells taken by the parameters.
    pub num_params: u32,
    /// Cells taken by parameters plus declared locals (zeroed on entry).
    pub num_locals: u32,
    /// The constant slots' values, copied on entry to the cells right after the locals (see
    /// `translate`). Kept apart from the locals' zeros, which cost no memory: a function may
    /// declare 50 000 locals in three bytes.
    pub consts: Box<[u64]>,
    /// Whether there are at most four declared locals and four constant slots, so that making
    /// the frame takes four zero cells and `head` (see `exec::init_frame`).
    pub small_init: bool,
    /// The constant slots' values padded with zeros to four cells, when `small_init`.
    pub head: [u64; 4],
    /// Slots the function's frame needs: locals plus the deepest operand stack.
    pub frame_size: u32,
    #[allow(dead_code)]
    pub num_results: u32,
    /// Its `try_table`s with catch clauses and legacy `try`s (exception handling), in the order
    /// they open: an inner one comes after the ones around it, so the last whose range holds an
    /// instruction is the innermost.
    pub handlers: Box<[TryHandler]>,
}

/// A `try_table` or legacy `try` of a function: the instructions it covers, its catch clauses,
/// and the handler an exception they do not take goes to.
pub(crate) struct TryHandler {
    /// The instructions `start..end` (indices into the code) are its body (a legacy `try`'s
    /// up to its first `catch`).
    pub start: u32,
    pub end: u32,
    /// Its catch clauses, in order: the first that takes an exception runs.
    pub catches: Vec<CatchPad>,
    /// The handler of the code around it (an index into the function's handlers), or for a
    /// `try … delegate l` the handler of the code inside label `l`; `None`: the caller's.
    pub outer: Option<u32>,
}

/// A catch clause: where the unwinder writes what it catches and where execution goes on. A
/// `try_table`'s clause is lowered to a pad, code that branches to the clause's label with the
/// payload (and, for `catch_ref`/`catch_all_ref`, the exnref after it); a legacy `catch` arm
/// starts with the payload as its operands, the exnref below them for `rethrow`.
pub(crate) struct CatchPad {
    /// The module tag index it catches; `None` for the `catch_all` forms.
    pub tag: Option<u32>,
    /// Where the unwinder writes the payload cells.
    pub slot: u32,
    /// Where it writes the exnref, if the clause takes it.
    pub exn_slot: Option<u32>,
    /// The first instruction to run.
    pub pad: u32,
}

/// A module's translated functions, indexed like its bodies.
pub(crate) struct InterpModule {
    /// The module, for its data and element segments.
    pub module: Arc<Module>,
    pub funcs: Vec<InterpFunc>,
    /// The v128 constants and `i8x16.shuffle` masks the code refers to by index.
    pub v128_consts: Box<[u128]>,
    /// Each function's first instruction's address and its index in `funcs`, by address: which
    /// function a frame is in, for unwinding an exception and for backtraces.
    by_address: Box<[(usize, u32)]>,
}

impl InterpModule {
    fn new(module: Arc<Module>, funcs: Vec<InterpFunc>, v128_consts: Box<[u128]>) -> InterpModule {
        let mut by_address: Vec<(usize, u32)> = funcs.iter().enumerate().map(|(i, f)| (f.code.as_ptr() as usize, i as u32)).collect();
        by_address.sort_unstable();
        InterpModule { module, funcs, v128_consts, by_address: by_address.into_boxed_slice() }
    }

    /// The index in `funcs` of the function whose code holds instruction `ip`, if any.
    pub(crate) fn func_at(&self, ip: *const exec::Instr) -> Option<usize> {
        let i = self.by_address.partition_point(|&(start, _)| start <= ip as usize).checked_sub(1)?;
        let f = self.by_address[i].1 as usize;
        self.funcs[f].code.as_ptr_range().contains(&ip).then_some(f)
    }
}

/// The Interpreter engine.
pub(crate) struct Interpreter {
    /// The fuel and interrupt checks to translate into every function.
    instr: Instrumentation,
}

impl Interpreter {
    pub fn new(instr: Instrumentation) -> Self {
        Interpreter { instr }
    }
}

impl Engine for Interpreter {
    fn compile(&self, module: &Arc<Module>) -> Result<EngineCode, CompileError> {
        let mut pool = translate::V128Pool::default();
        let funcs = (0..module.bodies.len())
            .map(|i| translate::translate(module, i, &mut pool, self.instr))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(EngineCode::Interp(Arc::new(InterpModule::new(module.clone(), funcs, pool.finish()))))
    }

    fn fingerprint(&self) -> String {
        "interpreter".into()
    }

    fn call(&self, store: &mut Store, func: u32, args: &[u64], results: &mut [u64]) -> Result<(), Trap> {
        exec::call(store, func, args, results)
    }
}
