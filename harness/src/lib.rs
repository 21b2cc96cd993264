//! zerowasm's conformance harness: the WebAssembly spec test runner ([`spectest`]), the WASI
//! runner ([`wasi`]) and the
//! benchmarks ([`bench`]), shared by the `zerowasm-harness` binary and the crate's tests.
//!
//! Everything here drives zerowasm through its public API only: whatever the harness proves,
//! a user of the library gets.

pub mod bench;
pub mod fuzz;
pub mod spectest;
pub mod wasi;
