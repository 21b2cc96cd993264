//! zerowasm: a WebAssembly runtime with two engines, a fast [`Interpreter`](EngineKind::Interpreter)
//! and a Cranelift-based [`Compiler`](EngineKind::Compiler), behind one embedding API.
//!
//! ```
//! use zerowasm::{Runtime, ModuleConfig};
//!
//! let runtime = Runtime::new();
//! let module = runtime.compile(br#"(module
//!     (func (export "add") (param i32 i32) (result i32)
//!         local.get 0 local.get 1 i32.add))"#).unwrap();
//! let instance = runtime.instantiate(&module, ModuleConfig::new()).unwrap();
//! let add = instance.func("add").unwrap().typed::<(i32, i32), i32>().unwrap();
//! assert_eq!(add.call((2, 3)).unwrap(), 5);
//! ```
//!
//! The layers, from the outside in: [`api`] (what this page re-exports), `wasm` (the module after
//! decoding and [validation](https://webassembly.github.io/spec/core/valid/index.html)), `vm`
//! (store, instances, linear memories, tables, globals, traps; shared by both engines) and the
//! engines (`interp`, `compiler`).

#![warn(missing_docs)]

pub mod api;
pub(crate) mod compiler;
pub(crate) mod interp;
pub(crate) mod vm;
#[cfg(unix)]
pub mod wasi;
pub(crate) mod wasm;

pub use api::*;

/// README.md's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
