//! Host functions: a wasm module that imports two functions from Rust.
//!
//! The module computes an age from a birth year: it asks the host for the current year
//! (`env.current_year`) and reports the result through the host (`env.log_i32`).
//!
//! ```text
//! cargo run --example host_function -- 2000
//! age: 26
//! ```

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use zerowasm::{HostModuleBuilder, ModuleConfig, Runtime};

/// The guest, in the text format. `get_age` is pure wasm; `log_age` calls back into the host.
const AGE_CALCULATOR: &str = r#"
(module
  (import "env" "log_i32" (func $log_i32 (param i32)))
  (import "env" "current_year" (func $current_year (result i32)))

  ;; The age of someone born in $birth_year, in the current year.
  (func $get_age (export "get_age") (param $birth_year i32) (result i32)
    (i32.sub (call $current_year) (local.get $birth_year)))

  ;; Computes the age and hands it to the host's logger.
  (func (export "log_age") (param $birth_year i32)
    (call $log_i32 (call $get_age (local.get $birth_year)))))
"#;

fn main() -> ExitCode {
    let year = current_year();
    let birth_year = match parse_args(std::env::args().skip(1), year) {
        Ok(y) => y,
        Err(message) => {
            eprintln!("host_function: {message}");
            eprintln!("usage: cargo run --example host_function -- <birth year, {MIN_YEAR}..={year}>");
            return ExitCode::from(2);
        }
    };
    match run(birth_year, year) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("host_function: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(birth_year: i32, year: i32) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = Runtime::new();

    // The host module the guest imports from: its name is the import's module name.
    HostModuleBuilder::new("env")
        .func("log_i32", |v: i32| println!("age: {v}"))
        .func("current_year", move || year)
        .instantiate(&runtime)?;

    let module = runtime.compile(AGE_CALCULATOR)?;
    let instance = runtime.instantiate(&module, ModuleConfig::new())?;

    // `log_age` prints through the host function; `get_age` returns the value to Rust.
    let log_age = instance.func("log_age").ok_or("no export log_age")?.typed::<i32, ()>()?;
    log_age.call(birth_year)?;
    let get_age = instance.func("get_age").ok_or("no export get_age")?.typed::<i32, i32>()?;
    let age = get_age.call(birth_year)?;
    if age != year - birth_year {
        return Err(format!("get_age returned {age}, expected {}", year - birth_year).into());
    }
    Ok(())
}

/// The earliest birth year accepted.
const MIN_YEAR: i32 = 1800;

/// The single argument: a birth year not in the future.
fn parse_args(mut args: impl Iterator<Item = String>, year: i32) -> Result<i32, String> {
    let arg = args.next().ok_or("missing argument: the birth year")?;
    if let Some(extra) = args.next() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    let birth_year: i32 =
        arg.trim().parse().map_err(|_| format!("{arg:?} is not a year (expected a number like 2000)"))?;
    if !(MIN_YEAR..=year).contains(&birth_year) {
        return Err(format!("birth year {birth_year} is not between {MIN_YEAR} and {year}"));
    }
    Ok(birth_year)
}

/// The current year (UTC) from the system clock.
fn current_year() -> i32 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let mut days = secs / 86_400;
    let mut year = 1970;
    loop {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let len = if leap { 366 } else { 365 };
        if days < len {
            return year;
        }
        days -= len;
        year += 1;
    }
}
