//! zerowasm: a WebAssembly runtime with two engines, a portable
//! [`Interpreter`](EngineKind::Interpreter) and a Cranelift-based
//! [`Compiler`](EngineKind::Compiler), behind one embedding API.
//!
//! # A guide in five steps
//!
//! 1. **Make a [`Runtime`]**: it owns the engine and the
//!    [store](https://webassembly.github.io/spec/core/exec/runtime.html#store) every instance
//!    lives in. [`RuntimeConfig`] picks the engine, the core feature set and the limits
//!    (memory in pages of 64 KiB, call depth, native stack in bytes, fuel, interruption from
//!    another thread with an [`InterruptHandle`]).
//! 2. **Compile** a module once with [`Runtime::compile`] (binary or text format): it is
//!    decoded, [validated](https://webassembly.github.io/spec/core/valid/index.html) and
//!    translated; failures are a [`CompileError`].
//! 3. **Provide imports**: host functions, globals, memories and tables with
//!    [`HostModuleBuilder`] (closures over any wasm value type, optionally taking a [`Caller`]
//!    for the calling instance's memory and exports), WASI with [`wasi::instantiate`], or other
//!    instances registered by name.
//! 4. **Instantiate** with [`Runtime::instantiate`] and a [`ModuleConfig`] (a name, import
//!    renamings, start functions) as many times as needed; failures are an
//!    [`InstantiationError`] (a [`LinkError`] for unresolved imports).
//! 5. **Call** exports: [`Instance::typed_func`] for statically typed calls, [`Func::call`]
//!    with [`Val`]s for dynamic ones; read and write [`Memory`], [`Global`] and [`Table`].
//!    A call that stops abnormally returns a [`Trap`]. [`Instance::close`] and
//!    [`Runtime::close`] free what an instance holds.
//!
//! ```
//! use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime};
//!
//! let runtime = Runtime::new();
//! HostModuleBuilder::new("env").func("offset", |x: i32| x + 100).instantiate(&runtime)?;
//! let module = runtime.compile(r#"(module
//!     (import "env" "offset" (func $offset (param i32) (result i32)))
//!     (func (export "add") (param i32 i32) (result i32)
//!         (call $offset (i32.add (local.get 0) (local.get 1)))))"#)?;
//! let instance = runtime.instantiate(&module, ModuleConfig::new())?;
//! let add = instance.typed_func::<(i32, i32), i32>("add")?;
//! assert_eq!(add.call((2, 3))?, 105);
//! instance.close();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Threads
//!
//! [`Runtime`], [`CompiledModule`] and every handle ([`Instance`], [`Func`], [`TypedFunc`],
//! [`Memory`], [`Global`], [`Table`]) are `Send + Sync` and can be used from any thread.
//!
//! Calls run in parallel unless their instances share state. Instances form *link groups*:
//! an instance joins the group of every instance it imports a memory, table, global or wasm
//! function from, and a funcref handed to an instance (as an argument, a table element or a
//! global's value) joins its function's group to that instance's. Host functions, and
//! importing them, join nothing. Calls into different groups run at the same time on different
//! threads; calls into one group (the same instance, say) take turns, the later one waiting
//! until the earlier returns, so wasm never sees a data race. A runtime with fuel
//! ([`RuntimeConfig::with_consume_fuel`]) has one group: its calls take turns on its one tank.
//!
//! Inside a host function, use the [`Caller`] to reach the calling instance. A handle of the
//! same group called there fails with [`ApiError::Reentered`] ([`Func::call`]) or panics
//! (methods that cannot return an error, such as [`Memory::size`]); a handle of another group
//! works, waiting for that group if another thread uses it, unless that thread waits for this
//! one (then it fails instead of deadlocking).
//!
//! # Errors
//!
//! A call returns its results or a [`CallError`]: the [`Trap`] that stopped the wasm code
//! ([`CallError::Trap`]), or the refusal of a call that never ran ([`CallError::Api`]).
//! Every misuse of the API is a typed [`ApiError`], never a trap and never a panic: wrong
//! argument count or types ([`ApiError::TypeMismatch`]), host-side memory and table accesses
//! out of range ([`ApiError::OutOfBounds`]), handles of a closed instance
//! ([`ApiError::InstanceClosed`]), a call that would re-enter or deadlock
//! ([`ApiError::Reentered`], [`ApiError::WouldDeadlock`]); missing exports are an
//! [`ExportError`], names already taken an [`InstantiationError::DuplicateName`].
//!
//! Runnable programs are in `runtime/examples/` (`cargo run --example basic -- 1 2`).
//!
//! The layers, from the outside in: [`api`] (what this page re-exports), `wasm` (the module
//! after decoding and validation), `vm` (store, instances, linear memories, tables, globals,
//! traps; shared by both engines) and the engines (`interp`, `compiler`).

#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
// Instantiation errors are cold, and a link error names both types it compared: with typed
// references (a reference type holds a type identity) that is 128 bytes, the lint's threshold.
#![allow(clippy::result_large_err)]

pub mod api;
pub(crate) mod compiler;
pub(crate) mod interp;
pub(crate) mod vm;
#[cfg(unix)]
pub mod wasi;
pub(crate) mod wasm;

pub use api::*;

/// The Interpreter's instruction profile: how often each instruction kind ran, and each pair of
/// kinds that ran one after the other where the second follows the first in the code (the
/// pairs a superinstruction could fuse). Counted only by a build with
/// `ZEROWASM_DISPATCH=profile` in the environment (see `runtime/build.rs`; it uses the slower
/// loop dispatch and counts every instruction), which `zerowasm-harness profile` uses; any
/// other build counts nothing and [`op_profile::take`] returns `None`. Not for production.
#[doc(hidden)]
pub mod op_profile {
    /// Counts since the last [`take`], most frequent first.
    #[derive(Clone, Debug, Default)]
    pub struct OpProfile {
        /// Instruction kinds by name, with how many times one ran.
        pub ops: Vec<(&'static str, u64)>,
        /// Straight-line pairs (first, second) by name, with how many times they ran in a row.
        pub pairs: Vec<(&'static str, &'static str, u64)>,
    }

    /// Takes what the Interpreter counted since the last call, on every thread; `None` if this
    /// build does not count.
    pub fn take() -> Option<OpProfile> {
        #[cfg(zerowasm_op_profile)]
        return Some(crate::interp::profile::take());
        #[cfg(not(zerowasm_op_profile))]
        None
    }
}

/// README.md's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
