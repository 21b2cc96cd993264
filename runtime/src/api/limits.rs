//! Fuel and interruption: stopping guest code that runs too long, on either engine
//! (`vm::limits` has how the engines enforce them).

use super::*;
use crate::vm::Store;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// A limit was used that the runtime was not configured for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitError {
    /// Fuel calls on a runtime made without [`RuntimeConfig::with_consume_fuel`].
    FuelNotEnabled,
    /// [`Runtime::interrupt_handle`] on a runtime made without [`RuntimeConfig::with_interruptible`].
    NotInterruptible,
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LimitError::FuelNotEnabled => "fuel is not enabled for this runtime (RuntimeConfig::with_consume_fuel)",
            LimitError::NotInterruptible => {
                "this runtime is not interruptible (RuntimeConfig::with_interruptible)"
            }
        })
    }
}
impl std::error::Error for LimitError {}

/// Stops the wasm code a [`Runtime`] is running, from any thread: the running call traps with
/// [`Trap::Interrupted`] ("interrupted") at its next function entry or loop iteration, on
/// either engine. Obtained from [`Runtime::interrupt_handle`]; cheap to clone, `Send + Sync`,
/// and harmless to use after the runtime is gone.
///
/// A request is consumed by the trap it causes: when several calls of the runtime run at once
/// (on instances of different link groups), it stops whichever checks first. One made while no wasm code runs stays
/// pending and stops the next call as soon as it starts (so a request that races with the
/// start of a call is never lost). Host functions are not interrupted: a guest blocked inside
/// one (reading stdin, say) stops when it returns to wasm code. The instance stays usable
/// after the trap, as after any trap; its state is whatever the guest had done so far.
///
/// ```
/// use zerowasm::{CallError, Runtime, RuntimeConfig, ModuleConfig, Trap};
/// let rt = Runtime::with_config(RuntimeConfig::new().with_interruptible(true));
/// let module = rt.compile(r#"(module (func (export "spin") (loop (br 0))))"#).unwrap();
/// let instance = rt.instantiate(&module, ModuleConfig::new()).unwrap();
/// let handle = rt.interrupt_handle().unwrap();
/// std::thread::spawn(move || {
///     std::thread::sleep(std::time::Duration::from_millis(10));
///     handle.interrupt();
/// });
/// let err = instance.func("spin").unwrap().call(&[]).unwrap_err();
/// assert_eq!(err, CallError::Trap(Trap::Interrupted));
/// ```
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    flag: Arc<AtomicU32>,
}

impl InterruptHandle {
    /// Requests that the running (or next) call trap with [`Trap::Interrupted`].
    pub fn interrupt(&self) {
        self.flag.store(1, Ordering::Relaxed);
    }
    /// Whether a request is pending (made and not yet consumed by a trap).
    pub fn is_pending(&self) -> bool {
        self.flag.load(Ordering::Relaxed) != 0
    }
    /// Withdraws a pending request.
    pub fn clear(&self) {
        self.flag.store(0, Ordering::Relaxed);
    }
}

fn fuel_of(store: &mut Store, enabled: bool) -> Result<u64, LimitError> {
    if !enabled {
        return Err(LimitError::FuelNotEnabled);
    }
    // SAFETY: the group's limits live as long as the group; the view holds its lock.
    Ok(unsafe { (*store.vm_limits()).fuel })
}

fn set_fuel_of(store: &mut Store, enabled: bool, fuel: u64) -> Result<(), LimitError> {
    if !enabled {
        return Err(LimitError::FuelNotEnabled);
    }
    // SAFETY: as in `fuel_of`.
    unsafe { (*store.vm_limits()).fuel = fuel };
    Ok(())
}

impl Runtime {
    /// The fuel left, in units ([`RuntimeConfig::with_consume_fuel`] says what costs what).
    /// Errors: [`LimitError::FuelNotEnabled`].
    pub fn fuel(&self) -> Result<u64, LimitError> {
        fuel_of(&mut self.inner.fuel_store(), self.inner.config.consume_fuel)
    }
    /// Sets the fuel left to `fuel` units. Errors: [`LimitError::FuelNotEnabled`].
    pub fn set_fuel(&self, fuel: u64) -> Result<(), LimitError> {
        set_fuel_of(&mut self.inner.fuel_store(), self.inner.config.consume_fuel, fuel)
    }
    /// Adds `fuel` units (saturating at `u64::MAX`) and returns the new amount left.
    /// Errors: [`LimitError::FuelNotEnabled`].
    pub fn add_fuel(&self, fuel: u64) -> Result<u64, LimitError> {
        let mut store = self.inner.fuel_store();
        let left = fuel_of(&mut store, self.inner.config.consume_fuel)?.saturating_add(fuel);
        set_fuel_of(&mut store, true, left)?;
        Ok(left)
    }
    /// A handle that stops this runtime's running code from another thread.
    /// Errors: [`LimitError::NotInterruptible`] unless made with
    /// [`RuntimeConfig::with_interruptible`].
    pub fn interrupt_handle(&self) -> Result<InterruptHandle, LimitError> {
        if !self.inner.config.interruptible {
            return Err(LimitError::NotInterruptible);
        }
        Ok(InterruptHandle { flag: self.inner.registry().interrupt.clone() })
    }
}

impl Caller<'_> {
    /// The runtime's fuel left, from inside a host function (see [`Runtime::fuel`]).
    /// Errors: [`LimitError::FuelNotEnabled`].
    pub fn fuel(&mut self) -> Result<u64, LimitError> {
        let enabled = self.fuel_enabled();
        fuel_of(self.store_mut(), enabled)
    }
    /// Sets the runtime's fuel left, from inside a host function (see [`Runtime::set_fuel`]).
    /// Errors: [`LimitError::FuelNotEnabled`].
    pub fn set_fuel(&mut self, fuel: u64) -> Result<(), LimitError> {
        let enabled = self.fuel_enabled();
        set_fuel_of(self.store_mut(), enabled, fuel)
    }
    fn fuel_enabled(&mut self) -> bool {
        super::cells::runtime_of(self.store_mut()).is_some_and(|rt| rt.config.consume_fuel)
    }
}
