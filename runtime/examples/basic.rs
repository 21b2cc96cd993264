//! The smallest embedding: compile a module that adds two numbers, instantiate it, call it.
//!
//! ```text
//! cargo run --example basic -- 7 35
//! 7 + 35 = 42
//! ```

use std::process::ExitCode;
use zerowasm::{ModuleConfig, Runtime};

/// The guest, in the text format (`Runtime::compile` also takes the binary format).
const ADD: &str = r#"
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))
"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (a, b) = match args.as_slice() {
        [] => (1, 2),
        [a, b] => match (a.parse::<i32>(), b.parse::<i32>()) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return usage(&format!("{a:?} and {b:?} must be 32-bit integers")),
        },
        _ => return usage("expected two numbers"),
    };
    match add(a, b) {
        Ok(sum) => {
            println!("{a} + {b} = {sum}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("basic: {e}");
            ExitCode::FAILURE
        }
    }
}

fn add(a: i32, b: i32) -> Result<i32, Box<dyn std::error::Error>> {
    let runtime = Runtime::new();
    let module = runtime.compile(ADD)?;
    let instance = runtime.instantiate(&module, ModuleConfig::new())?;
    // The type is checked once here; each call then passes plain Rust values.
    let add = instance.typed_func::<(i32, i32), i32>("add")?;
    Ok(add.call((a, b))?) // i32.add wraps on overflow, as in wasm
}

fn usage(message: &str) -> ExitCode {
    eprintln!("basic: {message}");
    eprintln!("usage: cargo run --example basic -- <a> <b>");
    ExitCode::from(2)
}
