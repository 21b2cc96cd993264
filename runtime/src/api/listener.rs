//! [`FunctionListener`]: hooks around every function call, for tracing and profiling (wazero's
//! experimental `FunctionListener`, in Rust's terms).

use super::{FrameInfo, Val};
use std::fmt;
use std::sync::Arc;

/// Hears about every call a runtime makes, wasm and host functions alike, on either engine:
/// [`before`](FunctionListener::before) with the arguments when a function is entered and
/// [`after`](FunctionListener::after) with the results when it returns normally (a call that
/// traps gets no `after`). Install one with [`RuntimeConfig::with_function_listener`](crate::RuntimeConfig::with_function_listener).
///
/// Costs nothing when not installed: the engines only compile the hooks into code for runtimes
/// that have a listener. When installed, every call pays for building the [`FrameInfo`] and
/// the [`Val`]s, so it is a debugging and tracing tool, not for production hot paths.
///
/// The hooks run on the thread making the call, inside it: they must not call into the same
/// runtime. A panic in a hook propagates to the caller of the outermost call, as a host
/// function's would.
pub trait FunctionListener: Send + Sync {
    /// `func` is about to run with `params`. `host` tells host functions from wasm ones.
    fn before(&self, func: &FrameInfo, host: bool, params: &[Val]);
    /// `func` returned `results`.
    fn after(&self, func: &FrameInfo, host: bool, results: &[Val]);
}

/// A listener in a [`RuntimeConfig`](crate::RuntimeConfig): configurations compare equal when
/// they hold the same listener object.
#[derive(Clone)]
pub(crate) struct ListenerSlot(pub Arc<dyn FunctionListener>);

impl fmt::Debug for ListenerSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FunctionListener")
    }
}
impl PartialEq for ListenerSlot {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.0), Arc::as_ptr(&other.0))
    }
}
impl Eq for ListenerSlot {}
