//! Integration tests of the public embedding API: compiling, import/export listings, linking by
//! name, calls (dynamic and typed), memories, globals, tables, host functions and the typed errors,
//! on the Interpreter. `api_compiler.rs` runs the same cases on the Compiler.

use zerowasm::RuntimeConfig;

/// The configuration every runtime of these tests starts from.
fn config() -> RuntimeConfig {
    RuntimeConfig::interpreter()
}

#[path = "common/api_cases.rs"]
mod cases;
