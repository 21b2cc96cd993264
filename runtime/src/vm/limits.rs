//! Limits enforced while wasm runs, the same way on both engines: fuel and interruption.
//!
//! Both are opt-in ([`crate::RuntimeConfig::with_consume_fuel`],
//! [`crate::RuntimeConfig::with_interruptible`]) because they cost time in every loop: an engine
//! only inserts the checks into code it translates for a runtime that asked for them
//! ([`Instrumentation`]). The state lives in one [`VMLimits`] per store, at a fixed address
//! that the Interpreter's handlers and the Compiler's machine code read and write directly.
//!
//! Fuel is charged per *segment*, a straight-line run of operators computed from the function
//! body alone ([`crate::wasm::fuel`]), so both engines charge the same amounts at the same
//! points and a fuel-limited run ends at the same operator on either.

use std::sync::atomic::AtomicU32;

/// What an engine inserts into the code it translates, from [`crate::RuntimeConfig`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Instrumentation {
    /// Charge fuel at the start of every segment; trap with "fuel exhausted" when short.
    pub fuel: bool,
    /// Check the interrupt flag on function entry and at every loop header; trap with
    /// "interrupted" when set.
    pub interruptible: bool,
    /// Call the runtime's [`crate::FunctionListener`] on function entry and before returns.
    pub listen: bool,
    /// The Compiler counts call depth against this limit (the Interpreter always counts).
    pub max_call_depth: Option<u32>,
}

impl Instrumentation {
    /// The checks the shared walk over a body places (`wasm::func`).
    pub fn checks(&self) -> crate::wasm::func::Checks {
        crate::wasm::func::Checks { fuel: self.fuel, interrupt: self.interruptible, listen: self.listen }
    }
}

/// A store's execution limits as running code sees them (`#[repr(C)]`: compiled code reads
/// the fields at fixed offsets).
#[repr(C)]
pub(crate) struct VMLimits {
    /// Fuel left, in units: one per executed wasm operator except `nop`, `drop`, `block`,
    /// `loop`, `else` and `end`, which are free (wasmtime's cost model).
    pub fuel: u64,
    /// The store's interrupt flag, non-zero when an interrupt is requested. Points into the
    /// `Arc` the store and every [`crate::InterruptHandle`] share, which outlives the store's
    /// running code.
    pub interrupt: *const AtomicU32,
}

impl VMLimits {
    /// Offset of [`VMLimits::fuel`], for compiled code.
    pub const FUEL: i32 = std::mem::offset_of!(VMLimits, fuel) as i32;
    /// Offset of [`VMLimits::interrupt`], for compiled code.
    pub const INTERRUPT: i32 = std::mem::offset_of!(VMLimits, interrupt) as i32;
}

// SAFETY: `interrupt` points into an `Arc<AtomicU32>` owned by the same store; reading it from
// any thread is what it is for.
unsafe impl Send for VMLimits {}
// SAFETY: as for `Send`; `fuel` is part of one link group's state and only read or written
// by the thread holding that group's lock.
unsafe impl Sync for VMLimits {}
