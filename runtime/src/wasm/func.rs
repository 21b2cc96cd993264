//! The one walk over a function body that both engines' translators share: it reads the
//! operators, keeps the control frames, places the checks a runtime asked for, skips the code
//! that cannot run, and hands every other operator to the engine's [`Lower`]ing.
//!
//! - Control frames ([`Frame`], [`Control`]): the walk opens one per `block`, `loop`, `if`,
//!   `try_table` and legacy `try` (the function body's is at the bottom), switches it at `else`
//!   (and a `try`'s at each `catch`) and closes it at `end` (or `delegate`). A frame has what
//!   the spec's validation algorithm keeps (its kind, parameter and result types from
//!   [`block_type`], the operand-stack height below its parameters, the `unreachable` flag)
//!   plus the engine's payload ([`Lower::Payload`]: the Interpreter's branch fix-ups, the
//!   Compiler's Cranelift blocks). Label types (a loop's parameters, any other construct's
//!   results) are computed here, once per frame.
//! - Checks: the listener's entry hook and an interrupt check on function entry, an interrupt
//!   check at every loop header, fuel charges where the segments of [`super::fuel`] start, and
//!   the listener's exit hook before every return ([`Control::exit`]: `return`, the body's
//!   final `end`, and the branches to the body's label an engine lowers as returns, as the
//!   Interpreter does; the Compiler's join the body's end instead).
//! - Tail calls (`return_call`, `return_call_indirect`, `return_call_ref`) go to the engine's
//!   [`Lower::op`] as they are, and the code after them is dead; with a listener, whose exit
//!   hook needs the results, the walk passes the plain call instead and returns after it.
//! - Dead code: after `br`, `br_table`, `return`, the tail calls, `unreachable`, `throw`,
//!   `throw_ref` and `rethrow`, and after an `end` the engine knows nothing reaches, the code
//!   up to the `else`, `catch` or `end` of the enclosing construct is skipped; constructs
//!   opened inside it are only counted, they get no frame.
//!
//! What remains in each translator is its lowering: its operand stack and code.

use super::error::CompileError;
use super::fuel::FuelPlan;
use super::types::ValType;
use super::Module;
use wasmparser::{BinaryReaderError, BlockType, FunctionBody, Operator};

/// What an engine's translator does with the operators [`walk`] gives it. Control operators
/// come as their own calls, with the frames they concern; the walk keeps the frames and the
/// reachability, and places the checks: an engine says how, never where.
pub(crate) trait Lower {
    /// The translator's error (a [`BinaryReaderError`] converts into it).
    type Error: From<BinaryReaderError> + From<CompileError>;
    /// The engine's part of a control frame (what its branches to the frame's label need).
    type Payload;
    /// The height of the operand stack, in wasm values.
    fn height(&self) -> usize;
    /// Charges `cost` units of fuel here (at a segment's start, in reachable code).
    fn charge_fuel(&mut self, cost: u32);
    /// Checks the interrupt flag here (function entry, loop headers).
    fn check_interrupt(&mut self);
    /// Calls the listener's entry hook with the arguments (function entry).
    fn listen_enter(&mut self);
    /// Calls the listener's exit hook with the function's results, the top values of the
    /// operand stack (right before a [`Lower::return_`], see [`Control::exit`]).
    fn listen_exit(&mut self);
    /// Returns from the function with the top values of the operand stack as its results.
    /// `after_hook`: [`Lower::listen_exit`] came right before (the results may already be
    /// where it put them).
    fn return_(&mut self, after_hook: bool);
    /// Opens `frame`, a `block`, `loop` or `if` (an `if` pops its condition here), and returns
    /// its payload; the walk then pushes the frame.
    fn enter(&mut self, frame: &Frame<'_, ()>) -> Self::Payload;
    /// The `else` of `frame`, the innermost: still an `if`, whose `unreachable` says whether
    /// its first arm falls through. The walk then makes it an `else`, reachable.
    fn else_(&mut self, frame: &mut Frame<'_, Self::Payload>);
    /// The `end` of `frame`, popped. Returns whether the code after it can run (after the
    /// body's: whether the function returns there; the walk then places the return). An
    /// engine that knows nothing reaches the end (no branch to its label, no fall-through) may
    /// say no; the walk then skips the code after it as after a `br`.
    fn end(&mut self, frame: Frame<'_, Self::Payload>) -> bool;
    /// `br` to the label `depth` frames out of `ctrl`'s innermost.
    fn br(&mut self, depth: u32, ctrl: &mut Control<'_, Self::Payload>);
    /// `br_if` to the label `depth` frames out (its condition on top of the operand stack).
    fn br_if(&mut self, depth: u32, ctrl: &mut Control<'_, Self::Payload>);
    /// `br_on_null` (`non_null`: `br_on_non_null`) to the label `depth` frames out: branches
    /// when the reference on top of the operand stack is null (popping it) or, for
    /// `br_on_non_null`, when it is not (carrying it as the label's last value; it is popped
    /// when the branch is not taken).
    fn br_on_null(&mut self, depth: u32, non_null: bool, ctrl: &mut Control<'_, Self::Payload>);
    /// `br_table` with the labels `targets` and `default` (depths; the index on top of the
    /// operand stack).
    fn br_table(&mut self, targets: &[u32], default: u32, ctrl: &mut Control<'_, Self::Payload>);
    /// The catch clauses of a `try_table` (exception handling), right before its frame opens
    /// (through [`Lower::enter`], as a [`Kind::TryTable`]): their labels are depths from
    /// `ctrl`'s innermost frame, the one around the `try_table`. Errors: the engine's, for a
    /// construct it does not implement.
    fn catches(&mut self, catches: &[wasmparser::Catch], ctrl: &mut Control<'_, Self::Payload>) -> Result<(), Self::Error>;
    /// A legacy `catch` (`tag`: its tag) or `catch_all` (`None`) of `frame`, the innermost, a
    /// [`Kind::Try`] or [`Kind::Catch`] (legacy exception handling): the part before it ends
    /// (its results go to the frame's end, if it is reachable) and an arm starts whose
    /// operands are the caught exception's payload. The walk then makes the frame a
    /// [`Kind::Catch`], reachable.
    fn catch(&mut self, frame: &mut Frame<'_, Self::Payload>, tag: Option<u32>);
    /// A legacy `delegate` ending `frame`, a [`Kind::Try`] (popped): the exceptions of its body
    /// go to the handlers of the label `depth` frames out of `ctrl`'s innermost (after the pop),
    /// as if thrown right inside that construct; the function's label: to the caller. Returns
    /// whether the code after it can run, as [`Lower::end`].
    fn delegate(&mut self, frame: Frame<'_, Self::Payload>, depth: u32, ctrl: &mut Control<'_, Self::Payload>) -> bool;
    /// A legacy `rethrow` of the exception caught by the [`Kind::Catch`] arm of the label
    /// `depth` frames out.
    fn rethrow(&mut self, depth: u32, ctrl: &mut Control<'_, Self::Payload>);
    /// Lowers a reachable operator other than the above, found at byte `offset` of the module.
    /// The walk never passes a control operator here (an engine that got one would refuse it
    /// as unsupported, like any operator it does not know).
    fn op(&mut self, op: Operator<'_>, offset: usize) -> Result<(), Self::Error>;
}

/// The checks a runtime has its code do (from its configuration).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Checks {
    /// Charge fuel per segment.
    pub fuel: bool,
    /// Check the interrupt flag on entry and at loop headers.
    pub interrupt: bool,
    /// Tell the function listener about the entry and the returns.
    pub listen: bool,
}

/// What opened a control frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The function body: a branch to its label returns.
    Func,
    /// A `block`.
    Block,
    /// A `loop`: a branch to its label starts it over.
    Loop,
    /// An `if` before its `else`; one that never gets one passes its parameters through.
    If,
    /// The `else` arm of an `if`.
    Else,
    /// A `try_table` (exception handling): a block whose catch clauses ([`Lower::catches`])
    /// catch the exceptions its instructions throw.
    TryTable,
    /// A legacy `try` before its first `catch`: a block whose exceptions its catch arms (or its
    /// `delegate`) take.
    Try,
    /// A legacy `catch` or `catch_all` arm of a `try`; the exception it caught is what
    /// `rethrow` to its label throws again.
    Catch,
}

/// A control frame: a construct being lowered, with the engine's `payload`.
#[derive(Debug)]
pub(crate) struct Frame<'m, P> {
    /// What opened it.
    pub kind: Kind,
    /// The construct's parameter types (none for the function body: its parameters are
    /// locals).
    pub params: &'m [ValType],
    /// The construct's result types.
    pub results: &'m [ValType],
    /// The types of the values a branch to the frame's label carries: a loop's parameters,
    /// any other construct's results.
    pub label: &'m [ValType],
    /// The operand-stack height below the parameters, in wasm values.
    pub height: usize,
    /// The spec's flag: the code at this point of the construct cannot run (set after an
    /// unconditional transfer of control, cleared by `else`). Set by the walk only.
    pub unreachable: bool,
    /// The engine's part.
    pub payload: P,
}

impl<'m> Frame<'m, ()> {
    /// A frame for `kind` with these types and `height`, reachable, without a payload yet.
    fn new(kind: Kind, params: &'m [ValType], results: &'m [ValType], height: usize) -> Self {
        let label = match kind {
            Kind::Loop => params,
            Kind::Func | Kind::Block | Kind::If | Kind::Else | Kind::TryTable | Kind::Try | Kind::Catch => results,
        };
        Frame { kind, params, results, label, height, unreachable: false, payload: () }
    }

    /// This frame with `payload`.
    fn with<P>(self, payload: P) -> Frame<'m, P> {
        let Frame { kind, params, results, label, height, unreachable, payload: () } = self;
        Frame { kind, params, results, label, height, unreachable, payload }
    }
}

/// The walk's stack of control frames, innermost last, and how the function returns.
#[derive(Debug)]
pub(crate) struct Control<'m, P> {
    frames: Vec<Frame<'m, P>>,
    /// Whether returns call the listener's exit hook.
    listen: bool,
}

impl<'m, P> Control<'m, P> {
    /// The frame of the label `depth` frames out of the innermost (0: the innermost).
    pub fn label(&self, depth: u32) -> &Frame<'m, P> {
        &self.frames[self.frames.len() - 1 - depth as usize]
    }

    /// [`Control::label`], to update its payload.
    pub fn label_mut(&mut self, depth: u32) -> &mut Frame<'m, P> {
        let i = self.frames.len() - 1 - depth as usize;
        &mut self.frames[i]
    }

    /// Returns from the function, with the listener's exit hook first when it is on. Every
    /// return goes through here: the walk's (`return`, the body's `end`) and those an engine
    /// lowers a branch to the function body's label into.
    pub fn exit<L: Lower<Payload = P>>(&self, lower: &mut L) {
        if self.listen {
            lower.listen_exit();
        }
        lower.return_(self.listen);
    }

    /// Marks the code after an unconditional transfer of control as unreachable.
    fn set_unreachable(&mut self) {
        self.frames.last_mut().expect("inside the body").unreachable = true;
    }

    /// Opens a `kind` construct of block type `bt`. Errors: as [`block_type`].
    fn open<L: Lower<Payload = P>>(
        &mut self,
        module: &'m Module,
        kind: Kind,
        bt: BlockType,
        lower: &mut L,
    ) -> Result<(), CompileError> {
        let (params, results) = block_type(module, bt)?;
        // An `if`'s condition lies above its parameters until the engine pops it.
        let below = params.len() + (kind == Kind::If) as usize;
        let frame = Frame::new(kind, params, results, lower.height() - below);
        let payload = lower.enter(&frame);
        self.frames.push(frame.with(payload));
        Ok(())
    }

    /// Lowers `else`, which makes the second arm reachable.
    fn else_<L: Lower<Payload = P>>(&mut self, lower: &mut L) {
        let frame = self.frames.last_mut().expect("validated: else inside if");
        lower.else_(frame);
        frame.kind = Kind::Else;
        frame.unreachable = false;
    }

    /// Lowers a legacy `catch` or `catch_all` (`tag`: `None`), which makes a new arm reachable.
    fn catch<L: Lower<Payload = P>>(&mut self, lower: &mut L, tag: Option<u32>) {
        let frame = self.frames.last_mut().expect("validated: catch inside try");
        lower.catch(frame, tag);
        frame.kind = Kind::Catch;
        frame.unreachable = false;
    }

    /// Lowers a legacy `delegate`, which ends its `try` as `end` does.
    fn delegate<L: Lower<Payload = P>>(&mut self, lower: &mut L, depth: u32) {
        let frame = self.frames.pop().expect("validated: delegate ends a try");
        let reached = lower.delegate(frame, depth, self);
        self.frames.last_mut().expect("the body's frame is last").unreachable = !reached;
    }

    /// Lowers `end`: the function returns after the body's; after any other the code runs on
    /// unless the engine knows nothing gets there.
    fn end<L: Lower<Payload = P>>(&mut self, lower: &mut L) {
        let frame = self.frames.pop().expect("validated: balanced blocks");
        let func = frame.kind == Kind::Func;
        let reached = lower.end(frame);
        if func {
            if reached {
                self.exit(lower);
            }
        } else {
            self.frames.last_mut().expect("the body's frame is last").unreachable = !reached;
        }
    }
}

/// Walks `body` (validated), a function of `module` returning `results`, lowering it with
/// `lower` and placing `checks`; `payload` is the engine's part of the body's frame.
pub(crate) fn walk<'m, L: Lower>(
    module: &'m Module,
    results: &'m [ValType],
    body: &FunctionBody<'_>,
    checks: Checks,
    payload: L::Payload,
    lower: &mut L,
) -> Result<(), L::Error> {
    let mut plan = if checks.fuel { Some(FuelPlan::new(body)?) } else { None };
    let mut ctrl = Control { frames: vec![Frame::new(Kind::Func, &[], results, 0).with(payload)], listen: checks.listen };
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
    // A `br_table`'s depths (reused).
    let mut targets = Vec::new();
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read()?;
        let reachable = ctrl.frames.last().is_some_and(|f| !f.unreachable);
        // A segment's charge goes first, where every path into the segment (labels included)
        // arrives.
        if let Some(cost) = plan.as_mut().and_then(|p| p.charge_at(index)) {
            if reachable {
                lower.charge_fuel(cost);
            }
        }
        index += 1;
        if !reachable {
            match op {
                Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } | Operator::TryTable { .. } | Operator::Try { .. } => {
                    dead_depth += 1
                }
                Operator::Else if dead_depth == 0 => ctrl.else_(lower),
                Operator::Catch { tag_index } if dead_depth == 0 => ctrl.catch(lower, Some(tag_index)),
                Operator::CatchAll if dead_depth == 0 => ctrl.catch(lower, None),
                Operator::Delegate { relative_depth } if dead_depth == 0 => ctrl.delegate(lower, relative_depth),
                Operator::End if dead_depth == 0 => ctrl.end(lower),
                Operator::End | Operator::Delegate { .. } => dead_depth -= 1,
                _ => {}
            }
            continue;
        }
        match op {
            Operator::Block { blockty } => ctrl.open(module, Kind::Block, blockty, lower)?,
            Operator::Loop { blockty } => {
                ctrl.open(module, Kind::Loop, blockty, lower)?;
                // A loop's header is where its back edges arrive: check there.
                if checks.interrupt {
                    lower.check_interrupt();
                }
            }
            Operator::If { blockty } => ctrl.open(module, Kind::If, blockty, lower)?,
            Operator::Try { blockty } => ctrl.open(module, Kind::Try, blockty, lower)?,
            Operator::Catch { tag_index } => ctrl.catch(lower, Some(tag_index)),
            Operator::CatchAll => ctrl.catch(lower, None),
            Operator::Delegate { relative_depth } => ctrl.delegate(lower, relative_depth),
            Operator::Rethrow { relative_depth } => {
                lower.rethrow(relative_depth, &mut ctrl);
                ctrl.set_unreachable();
            }
            Operator::TryTable { try_table } => {
                lower.catches(&try_table.catches, &mut ctrl)?;
                ctrl.open(module, Kind::TryTable, try_table.ty, lower)?;
            }
            Operator::Else => ctrl.else_(lower),
            Operator::End => ctrl.end(lower),
            Operator::Br { relative_depth } => {
                lower.br(relative_depth, &mut ctrl);
                ctrl.set_unreachable();
            }
            Operator::BrIf { relative_depth } => lower.br_if(relative_depth, &mut ctrl),
            Operator::BrOnNull { relative_depth } => lower.br_on_null(relative_depth, false, &mut ctrl),
            Operator::BrOnNonNull { relative_depth } => lower.br_on_null(relative_depth, true, &mut ctrl),
            Operator::BrTable { targets: table } => {
                targets.clear();
                for depth in table.targets() {
                    targets.push(depth?);
                }
                lower.br_table(&targets, table.default(), &mut ctrl);
                ctrl.set_unreachable();
            }
            Operator::Return => {
                ctrl.exit(lower);
                ctrl.set_unreachable();
            }
            Operator::Unreachable | Operator::Throw { .. } | Operator::ThrowRef => {
                lower.op(op, offset as usize)?;
                ctrl.set_unreachable();
            }
            Operator::ReturnCall { .. } | Operator::ReturnCallIndirect { .. } | Operator::ReturnCallRef { .. } => {
                if ctrl.listen {
                    // The listener's exit hook reports this function's results, which only a
                    // call that comes back has: with a listener a tail call is a call and a
                    // return (the stack then grows with tail recursion, see RATIONALE.md).
                    lower.op(untail(op), offset as usize)?;
                    ctrl.exit(lower);
                } else {
                    lower.op(op, offset as usize)?;
                }
                ctrl.set_unreachable();
            }
            op => lower.op(op, offset as usize)?,
        }
    }
    Ok(())
}

/// A `try_table` catch clause as both engines lower it: the tag it catches (`None`: the
/// `catch_all` forms), its label (a depth from outside the `try_table`), and whether the
/// exnref goes to the label after the payload (the `_ref` forms).
pub(crate) fn catch_clause(c: &wasmparser::Catch) -> (Option<u32>, u32, bool) {
    use wasmparser::Catch;
    match *c {
        Catch::One { tag, label } => (Some(tag), label, false),
        Catch::OneRef { tag, label } => (Some(tag), label, true),
        Catch::All { label } => (None, label, false),
        Catch::AllRef { label } => (None, label, true),
    }
}

/// The call a tail call makes when it is not a tail call (`return_call` → `call`, ...); any
/// other operator as it is.
fn untail(op: Operator<'_>) -> Operator<'_> {
    match op {
        Operator::ReturnCall { function_index } => Operator::Call { function_index },
        Operator::ReturnCallIndirect { type_index, table_index } => Operator::CallIndirect { type_index, table_index },
        Operator::ReturnCallRef { type_index } => Operator::CallRef { type_index },
        op => op,
    }
}

/// The parameter and result types of block type `bt` in `module`. Errors: as
/// [`super::val_type`].
pub(crate) fn block_type(module: &Module, bt: BlockType) -> Result<(&[ValType], &[ValType]), CompileError> {
    Ok(match bt {
        BlockType::Empty => (&[], &[]),
        BlockType::Type(t) => (&[], single(super::val_type(t, &module.type_ids)?)),
        BlockType::FuncType(i) => {
            let t = &module.types[i as usize];
            (t.params(), t.results())
        }
    })
}

/// `[t]`, borrowed for as long as any module (a block type's one result, without allocating;
/// a concrete reference type's list is made once per process, [`super::canon::single`]).
fn single(t: ValType) -> &'static [ValType] {
    use super::types::{HeapType, RefType};
    // (A macro, not a function: only literals are promoted to `'static`.)
    macro_rules! r {
        ($nullable:expr, $h:expr) => {
            ValType::Ref(RefType { nullable: $nullable, heap_type: $h })
        };
    }
    match t {
        ValType::I32 => &[ValType::I32],
        ValType::I64 => &[ValType::I64],
        ValType::F32 => &[ValType::F32],
        ValType::F64 => &[ValType::F64],
        ValType::V128 => &[ValType::V128],
        ValType::Ref(RefType { nullable, heap_type }) => match (nullable, heap_type) {
            (true, HeapType::Func) => &[r!(true, HeapType::Func)],
            (false, HeapType::Func) => &[r!(false, HeapType::Func)],
            (true, HeapType::Extern) => &[r!(true, HeapType::Extern)],
            (false, HeapType::Extern) => &[r!(false, HeapType::Extern)],
            (true, HeapType::NoFunc) => &[r!(true, HeapType::NoFunc)],
            (false, HeapType::NoFunc) => &[r!(false, HeapType::NoFunc)],
            (true, HeapType::NoExtern) => &[r!(true, HeapType::NoExtern)],
            (false, HeapType::NoExtern) => &[r!(false, HeapType::NoExtern)],
            (true, HeapType::Exn) => &[r!(true, HeapType::Exn)],
            (false, HeapType::Exn) => &[r!(false, HeapType::Exn)],
            (true, HeapType::NoExn) => &[r!(true, HeapType::NoExn)],
            (false, HeapType::NoExn) => &[r!(false, HeapType::NoExn)],
            (_, HeapType::Concrete(_)) => super::canon::single(t),
        },
    }
}
