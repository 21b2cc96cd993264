//! Replacing an import's module: a guest built against a host module called `"env"` is linked
//! to a host module registered under another name, without recompiling it (wazero's
//! "replace import" example), with `ModuleConfig::with_import_module`.
//!
//! ```text
//! cargo run --example replace_import
//! env.get_number resolved in "host_v2": run() = 42
//! ```

use std::process::ExitCode;
use zerowasm::{HostModuleBuilder, InstantiationError, ModuleConfig, Runtime};

/// A guest that imports `get_number` from `"env"`.
const NEEDS_IMPORT: &str = r#"
(module
  (import "env" "get_number" (func $get_number (result i32)))
  (func (export "run") (result i32) (call $get_number)))
"#;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("replace_import: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let runtime = Runtime::new();
    // The host provides the function under a module name the guest does not know.
    HostModuleBuilder::new("host_v2").func("get_number", || 42i32).instantiate(&runtime)?;
    let module = runtime.compile(NEEDS_IMPORT)?;

    // As written, the import does not resolve: there is no module "env".
    match runtime.instantiate(&module, ModuleConfig::new()) {
        Err(InstantiationError::Link(e)) => eprintln!("without renaming: {e}"),
        other => return Err(format!("expected a link error, got {:?}", other.err()).into()),
    }

    // Renamed, every import from "env" is looked up in "host_v2".
    let config = ModuleConfig::new().with_import_module("env", "host_v2");
    let instance = runtime.instantiate(&module, config)?;
    let result = instance.typed_func::<(), i32>("run")?.call(())?;
    println!("env.get_number resolved in \"host_v2\": run() = {result}");
    Ok(())
}
