//! Passing strings between Rust and a guest through the guest's own allocator, as with
//! guests compiled from C or Rust: the host asks the guest's `malloc` for room, writes the
//! string into linear memory and passes (pointer, length); the guest returns a string it
//! allocated as a packed (pointer << 32 | length), which the host reads and hands back to the
//! guest's `free`. (wazero's "allocation" example, with the guest in the text format.)
//!
//! ```text
//! cargo run --example allocation -- zerowasm
//! wasm >> Hello, zerowasm!
//! host >> Hello, zerowasm!
//! ```

use std::process::ExitCode;
use zerowasm::{Caller, HostModuleBuilder, Instance, ModuleConfig, Runtime, Trap};

/// The guest: a first-fit free-list allocator (`malloc`, `free`), `greeting` (returns a new
/// "Hello, <name>!") and `greet` (logs the greeting through the host and frees it).
const GREET: &str = r#"
(module
  (import "env" "log" (func $log (param i32 i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, ")

  ;; Blocks are [size: i32][next free: i32][payload]; pointers point at the payload.
  (global $heap (mut i32) (i32.const 1024))
  (global $free_list (mut i32) (i32.const 0))

  (func $malloc (export "malloc") (param $size i32) (result i32)
    (local $prev i32) (local $b i32) (local $end i32) (local $have i32)
    (local.set $size (i32.and (i32.add (local.get $size) (i32.const 7)) (i32.const -8)))
    ;; First fit among freed blocks.
    (local.set $b (global.get $free_list))
    (block $done
      (loop $scan
        (br_if $done (i32.eqz (local.get $b)))
        (if (i32.ge_u (i32.load (local.get $b)) (local.get $size))
          (then
            (if (local.get $prev)
              (then (i32.store offset=4 (local.get $prev) (i32.load offset=4 (local.get $b))))
              (else (global.set $free_list (i32.load offset=4 (local.get $b)))))
            (return (i32.add (local.get $b) (i32.const 8)))))
        (local.set $prev (local.get $b))
        (local.set $b (i32.load offset=4 (local.get $b)))
        (br $scan)))
    ;; Otherwise from the end of the heap, growing memory when needed; 0 if it cannot.
    (local.set $b (global.get $heap))
    (local.set $end (i32.add (local.get $b) (i32.add (local.get $size) (i32.const 8))))
    (local.set $have (i32.shl (memory.size) (i32.const 16)))
    (if (i32.gt_u (local.get $end) (local.get $have))
      (then
        (if (i32.eq (i32.const -1)
              (memory.grow (i32.shr_u (i32.add (i32.sub (local.get $end) (local.get $have)) (i32.const 65535))
                                      (i32.const 16))))
          (then (return (i32.const 0))))))
    (i32.store (local.get $b) (local.get $size))
    (global.set $heap (local.get $end))
    (i32.add (local.get $b) (i32.const 8)))

  (func $free (export "free") (param $p i32)
    (local $b i32)
    (if (i32.eqz (local.get $p)) (then (return)))
    (local.set $b (i32.sub (local.get $p) (i32.const 8)))
    (i32.store offset=4 (local.get $b) (global.get $free_list))
    (global.set $free_list (local.get $b)))

  ;; "Hello, <name>!" in a new allocation, as (pointer << 32 | length).
  (func $greeting (export "greeting") (param $name i32) (param $len i32) (result i64)
    (local $out i32) (local $n i32)
    (local.set $n (i32.add (local.get $len) (i32.const 8)))
    (local.set $out (call $malloc (local.get $n)))
    (if (i32.eqz (local.get $out)) (then unreachable))
    (memory.copy (local.get $out) (i32.const 16) (i32.const 7))
    (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $name) (local.get $len))
    (i32.store8 (i32.add (local.get $out) (i32.add (local.get $len) (i32.const 7))) (i32.const 33))
    (i64.or (i64.shl (i64.extend_i32_u (local.get $out)) (i64.const 32))
            (i64.extend_i32_u (local.get $n))))

  (func (export "greet") (param $name i32) (param $len i32)
    (local $g i64) (local $p i32)
    (local.set $g (call $greeting (local.get $name) (local.get $len)))
    (local.set $p (i32.wrap_i64 (i64.shr_u (local.get $g) (i64.const 32))))
    (call $log (local.get $p) (i32.wrap_i64 (local.get $g)))
    (call $free (local.get $p))))
"#;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "zerowasm".to_string());
    if args.next().is_some() {
        eprintln!("usage: cargo run --example allocation -- [name]");
        return ExitCode::from(2);
    }
    match run(&name) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("allocation: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(name: &str) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = Runtime::new();
    // The guest logs through the host: the Caller reaches the guest's memory.
    HostModuleBuilder::new("env")
        .func("log", |caller: &mut Caller<'_>, ptr: u32, len: u32| -> Result<(), Trap> {
            let mut buf = vec![0; len as usize];
            caller.read(ptr.into(), &mut buf)?;
            println!("wasm >> {}", String::from_utf8_lossy(&buf));
            Ok(())
        })
        .instantiate(&runtime)?;
    let module = runtime.compile(GREET)?;
    let instance = runtime.instantiate(&module, ModuleConfig::new())?;

    // Rust → guest: the string goes into memory the guest allocated, and is freed after.
    let (ptr, len) = write_string(&instance, name)?;
    instance.typed_func::<(u32, u32), ()>("greet")?.call((ptr, len))?;

    // Guest → Rust: the guest allocates the result; the host reads it and frees it.
    let packed = instance.typed_func::<(u32, u32), u64>("greeting")?.call((ptr, len))?;
    let (out, out_len) = ((packed >> 32) as u32, packed as u32);
    let mut buf = vec![0; out_len as usize];
    instance.memory("memory").ok_or("no memory export")?.read(out.into(), &mut buf)?;
    println!("host >> {}", String::from_utf8(buf)?);

    let free = instance.typed_func::<u32, ()>("free")?;
    free.call(out)?;
    free.call(ptr)?;
    // Freed blocks are reused: the same request gets the block back.
    let again = write_string(&instance, name)?.0;
    if again != ptr {
        return Err(format!("malloc did not reuse the freed block ({again} != {ptr})").into());
    }
    Ok(())
}

/// Copies `s` into memory obtained from the guest's `malloc`; returns (pointer, length).
fn write_string(instance: &Instance, s: &str) -> Result<(u32, u32), Box<dyn std::error::Error>> {
    let len = u32::try_from(s.len())?;
    let ptr = instance.typed_func::<u32, u32>("malloc")?.call(len)?;
    if ptr == 0 {
        return Err("the guest is out of memory".into());
    }
    instance.memory("memory").ok_or("no memory export")?.write(ptr.into(), s.as_bytes())?;
    Ok((ptr, len))
}
