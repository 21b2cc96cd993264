//! [`WasmBacktrace`]: the wasm functions a trap unwound through, with their names from the
//! [name section](https://webassembly.github.io/spec/core/appendix/custom.html#name-section).

use crate::api::Trap;
use crate::vm::Store;
use std::cell::RefCell;
use std::fmt;

/// One wasm function activation in a [`WasmBacktrace`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameInfo {
    /// The module's name from its name section, or the name the instance was registered under
    /// (`ModuleConfig::with_name`, `Runtime::register`), if any.
    pub module_name: Option<String>,
    /// The function's index in its module's function index space (imports first).
    pub func_index: u32,
    /// The function's name from the module's name section, if it has one.
    pub func_name: Option<String>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.module_name.as_deref().unwrap_or("<unknown>"))?;
        match &self.func_name {
            Some(n) => write!(f, "!{n}"),
            None => write!(f, "!<wasm function {}>", self.func_index),
        }
    }
}

/// The wasm functions a trap unwound through, innermost (where it was raised) first, on
/// either engine. Host functions do not appear; at most the innermost 256 frames are kept.
///
/// ```
/// use zerowasm::{Runtime, ModuleConfig, WasmBacktrace};
/// let rt = Runtime::new();
/// let m = rt.compile(r#"(module
///     (func $inner unreachable)
///     (func $outer (export "run") call $inner))"#).unwrap();
/// let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
/// assert!(i.func("run").unwrap().call(&[]).is_err());
/// let bt = WasmBacktrace::last().unwrap();
/// let names: Vec<_> = bt.frames().iter().map(|f| f.func_name.as_deref().unwrap()).collect();
/// assert_eq!(names, ["inner", "outer"]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasmBacktrace {
    frames: Vec<FrameInfo>,
    trap: Option<Trap>,
}

thread_local! {
    /// The backtrace of the last trap a call from this thread ended with.
    static LAST: RefCell<Option<WasmBacktrace>> = const { RefCell::new(None) };
}

impl WasmBacktrace {
    /// The backtrace of the last trap that ended a call into wasm made from the current
    /// thread (by [`Func::call`](crate::Func::call), a typed call or a start function), or
    /// `None` if no call from this thread has trapped yet. Traps are reported on the thread
    /// that made the call, so this never shows another thread's trap. A guest's exit
    /// ([`Trap::Exit`]) is not a trap and leaves it unchanged.
    pub fn last() -> Option<WasmBacktrace> {
        LAST.with(|l| l.borrow().clone())
    }
    /// The frames, innermost first.
    pub fn frames(&self) -> &[FrameInfo] {
        &self.frames
    }
    /// The trap the backtrace belongs to.
    pub fn trap(&self) -> Option<&Trap> {
        self.trap.as_ref()
    }
}

impl fmt::Display for WasmBacktrace {
    /// One line per frame, as `  N: module!function`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, frame) in self.frames.iter().enumerate() {
            writeln!(f, "  {i}: {frame}")?;
        }
        Ok(())
    }
}

/// What is known of function `func_index` of wasm instance `instance`.
pub(crate) fn frame_info(store: &Store, instance: u32, func_index: u32) -> FrameInfo {
    let module = (store.group_of(instance) == store.group()).then(|| store.inst(instance).module.as_ref()).flatten();
    let module_name = module
        .and_then(|m| m.names.module.clone())
        .or_else(|| registered_name(store, instance));
    let func_name = module.and_then(|m| m.names.funcs.get(&func_index).cloned());
    FrameInfo { module_name, func_index, func_name }
}

/// The name `instance` is registered under (the first in order if it has several).
fn registered_name(store: &Store, instance: u32) -> Option<String> {
    store.names().iter().filter(|(_, i)| **i == instance).map(|(n, _)| n).min().cloned()
}

/// What is known of host function `addr` (a store address): its host module's name and the
/// name it is exported under, and its index among the module's functions.
pub(crate) fn host_frame_info(store: &Store, addr: u32) -> FrameInfo {
    // A host function's owner is its host module's instance; its shape never changes.
    let idx = store.funcs().owner(addr as usize);
    let inst = &store.instances[idx as usize];
    if let Some(pos) = inst.funcs.iter().position(|f| *f == addr).filter(|_| inst.is_host) {
        let func_name =
            inst.exports.iter().find_map(|(n, a)| (*a == crate::vm::ExternAddr::Func(addr)).then(|| n.clone()));
        return FrameInfo { module_name: registered_name(store, idx), func_index: pos as u32, func_name };
    }
    FrameInfo { module_name: None, func_index: addr, func_name: None }
}

/// Makes the store's recorded frames the current thread's [`WasmBacktrace::last`].
pub(crate) fn publish(store: &Store, trap: &Trap) {
    let frames = store.trap_frames().iter().map(|&(instance, func)| frame_info(store, instance, func)).collect();
    LAST.with(|l| *l.borrow_mut() = Some(WasmBacktrace { frames, trap: Some(trap.clone()) }));
}
