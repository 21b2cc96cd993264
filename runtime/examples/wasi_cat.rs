//! A WASI command that prints a file: the host mounts the file's directory read-only and runs
//! a guest `cat` (wazero's "cat" example). The guest sees only that directory, as its first
//! preopened directory (fd 3), and the file's name as its argument.
//!
//! ```text
//! cargo run --example wasi_cat                      # prints examples/testdata/test.txt
//! greet filesystem
//! cargo run --example wasi_cat -- some/other/file
//! ```

use std::process::ExitCode;

/// The guest, in the text format: `cat <name>` for a file of the first preopened directory,
/// through `args_get`, `path_open`, `fd_read` and `fd_write`.
#[cfg_attr(not(unix), allow(dead_code))]
const CAT: &str = r#"
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0: argc, 4: argv buffer size, 8: opened fd, 12: bytes read, 16: bytes written,
  ;; 32: one iovec, 1024: argv (at most 64 pointers), 2048: argv strings (at most 1 KiB),
  ;; 4096: the copy buffer (4 KiB).
  (data (i32.const 256) "usage: cat <file>\n")
  (data (i32.const 288) "cat: cannot open the file\n")
  (data (i32.const 320) "cat: read or write failed\n")

  ;; Writes all of ptr[..len] to fd; false on error.
  (func $write_all (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $len)))
        (i32.store (i32.const 32) (local.get $ptr))
        (i32.store (i32.const 36) (local.get $len))
        (if (call $fd_write (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 16))
          (then (return (i32.const 0))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.load (i32.const 16))))
        (local.set $len (i32.sub (local.get $len) (i32.load (i32.const 16))))
        (br $more)))
    (i32.const 1))

  ;; Prints a message to stderr and exits with status 1.
  (func $fail (param $msg i32) (param $len i32)
    (drop (call $write_all (i32.const 2) (local.get $msg) (local.get $len)))
    (call $proc_exit (i32.const 1)))

  (func $strlen (param $p i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func (export "_start")
    (local $path i32) (local $fd i32) (local $n i32)
    (if (call $args_sizes_get (i32.const 0) (i32.const 4))
      (then (call $fail (i32.const 256) (i32.const 18))))
    (if (i32.or (i32.ne (i32.load (i32.const 0)) (i32.const 2))
                (i32.gt_u (i32.load (i32.const 4)) (i32.const 1024)))
      (then (call $fail (i32.const 256) (i32.const 18))))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (local.set $path (i32.load (i32.const 1028)))
    ;; Open argv[1] beneath fd 3 for reading (rights: fd_read).
    (if (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (call $strlen (local.get $path))
                         (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 8))
      (then (call $fail (i32.const 288) (i32.const 26))))
    (local.set $fd (i32.load (i32.const 8)))
    (loop $copy
      (i32.store (i32.const 32) (i32.const 4096))
      (i32.store (i32.const 36) (i32.const 4096))
      (if (call $fd_read (local.get $fd) (i32.const 32) (i32.const 1) (i32.const 12))
        (then (call $fail (i32.const 320) (i32.const 26))))
      (local.set $n (i32.load (i32.const 12)))
      (if (local.get $n)
        (then
          (if (i32.eqz (call $write_all (i32.const 1) (i32.const 4096) (local.get $n)))
            (then (call $fail (i32.const 320) (i32.const 26))))
          (br $copy))))))
"#;

#[cfg(unix)]
fn main() -> ExitCode {
    use std::path::PathBuf;
    let mut args = std::env::args_os().skip(1);
    let path = match (args.next(), args.next()) {
        (None, _) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/testdata/test.txt"),
        (Some(p), None) => PathBuf::from(p),
        _ => {
            eprintln!("usage: cargo run --example wasi_cat -- [file]");
            return ExitCode::from(2);
        }
    };
    match cat(&path) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(code.clamp(1, 255) as u8),
        Err(e) => {
            eprintln!("wasi_cat: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the guest on `path`; returns its exit status.
#[cfg(unix)]
fn cat(path: &std::path::Path) -> Result<i32, Box<dyn std::error::Error>> {
    use std::os::unix::ffi::OsStrExt;
    use zerowasm::wasi::{self, WasiConfig};
    use zerowasm::{ModuleConfig, Runtime};

    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let name = path.file_name().ok_or("the path names no file")?;
    let runtime = Runtime::new();
    // The guest's world: its arguments, the host's stdio, one read-only directory.
    wasi::instantiate(
        &runtime,
        WasiConfig::new()
            .with_args([b"cat".as_slice(), name.as_bytes()])
            .with_inherited_stdio()
            .with_dir_ro(dir, "/"),
    )?;
    let module = runtime.compile(CAT)?;
    let instance = runtime.instantiate(&module, ModuleConfig::new())?;
    Ok(wasi::run_start(&instance)?)
}

#[cfg(not(unix))]
fn main() -> ExitCode {
    eprintln!("wasi_cat: WASI needs a Unix host");
    ExitCode::FAILURE
}
