//! The API tests of `api.rs` (cases in `common/api_cases.rs`) on the Compiler engine (the
//! Interpreter where the Compiler is not available).

use zerowasm::RuntimeConfig;

/// The configuration every runtime of these tests starts from.
fn config() -> RuntimeConfig {
    RuntimeConfig::compiler()
}

#[path = "common/api_cases.rs"]
mod cases;
