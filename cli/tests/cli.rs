//! End-to-end tests of the `zerowasm` CLI: the real guest programs of
//! ../shared/corpus/programs with PROGRAMS.md's invocations and expected output (the table is
//! shared with `zerowasm-harness wasi`: harness/src/wasi/programs.rs), and the CLI's own
//! error paths. Without the corpus ($ZEROWASM_CORPUS or ../shared/corpus/programs) the corpus
//! test fails and says so.

#[path = "../../harness/src/wasi/programs.rs"]
#[allow(dead_code)]
mod programs;

use std::path::Path;
use std::process::Command;

const CLI: &str = env!("CARGO_BIN_EXE_zerowasm");

#[test]
fn corpus_programs() {
    let corpus = programs::corpus_dir(None).expect("no corpus: set $ZEROWASM_CORPUS or provide ../shared/corpus/programs");
    let mut failures = Vec::new();
    let mut passed = 0;
    for engine in ["interpreter", "compiler"] {
        for p in programs::CASES {
            match programs::run(p, Path::new(CLI), &corpus, engine).outcome {
                programs::Outcome::Passed => passed += 1,
                programs::Outcome::Skipped(_) => {}
                programs::Outcome::Failed(why) => failures.push(format!("{engine}/{}: {why}", p.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{} corpus program run(s) failed:\n{}", failures.len(), failures.join("\n"));
    assert!(passed >= 2 * programs::CASES.len(), "only {passed} program runs passed");
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(CLI).args(args).output().expect("run the CLI");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_wat(name: &str, text: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("zerowasm-cli-{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn version() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("zerowasm "), "{out}");
}

#[test]
fn malformed_module_reports_offset() {
    let p = temp_wat("bad.wasm", "\0asm\x01\0\0\0\x01\x05garbage");
    let (code, _, err) = run(&["run", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.starts_with("zerowasm: error: invalid module") && err.contains("offset 0x"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    let (code, out, _) = run(&["compile", p.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
}

#[test]
fn compile_reports_time() {
    let p = temp_wat("ok.wat", "(module (func (export \"f\")))");
    let (code, out, err) = run(&["compile", p.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(" ms "), "{out}");
}

#[test]
fn missing_import_names_module_and_field() {
    let p = temp_wat("imp.wat", r#"(module (import "env" "nope" (func)))"#);
    let (code, _, err) = run(&["run", p.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown import: env.nope"), "{err}");
}

#[test]
fn trap_message_backtrace_and_status() {
    let p = temp_wat(
        "trap.wat",
        r#"(module $prog
             (func $div (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
             (func (export "_start") (drop (call $div (i32.const 0)))))"#,
    );
    for engine in ["--interpreter", "--compiler"] {
        let (code, _, err) = run(&["run", engine, p.to_str().unwrap()]);
        assert_eq!(code, 134, "{engine}");
        assert_eq!(
            err.trim(),
            "zerowasm: error: wasm trap: integer divide by zero\nwasm backtrace:\n  0: prog!div\n  1: prog!<wasm function 1>",
            "{engine}"
        );
    }
}

#[test]
fn timeout_and_fuel_stop_an_endless_loop_on_both_engines() {
    let p = temp_wat("spin.wat", r#"(module (func (export "_start") (loop (br 0))))"#);
    let m = p.to_str().unwrap();
    for engine in ["--interpreter", "--compiler"] {
        let (code, _, err) = run(&["run", engine, "--timeout", "50ms", m]);
        assert_eq!(code, 124, "{engine}: {err}");
        assert_eq!(err.lines().next(), Some("zerowasm: error: wasm trap: interrupted: --timeout 50ms elapsed"));
        let (code, _, err) = run(&["run", engine, "--fuel", "1000", m]);
        assert_eq!(code, 134, "{engine}: {err}");
        assert_eq!(err.lines().next(), Some("zerowasm: error: wasm trap: fuel exhausted"), "{err}");
        assert!(err.ends_with("wasm backtrace:\n  0: <unknown>!<wasm function 0>\n"), "{err}");
    }
    // A program that ends in time is not affected.
    let ok = temp_wat("ok.wat", r#"(module (func (export "_start")))"#);
    assert_eq!(run(&["run", "--timeout", "10s", "--fuel", "10", ok.to_str().unwrap()]).0, 0);
}

#[test]
fn bad_durations_are_usage_errors() {
    let p = temp_wat("nop.wat", r#"(module (func (export "_start")))"#);
    for bad in ["5", "1x", "ms", "1.2.3s"] {
        let (code, _, err) = run(&["run", "--timeout", bad, p.to_str().unwrap()]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains("--timeout"), "{bad}: {err}");
    }
}

#[test]
fn exit_code_and_invoke() {
    let p = temp_wat(
        "exit.wat",
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (func (export "_start") (call $exit (i32.const 7)))
            (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1))))"#,
    );
    let (code, _, _) = run(&["run", p.to_str().unwrap()]);
    assert_eq!(code, 7);
    let (code, out, err) = run(&["run", "--invoke", "add", p.to_str().unwrap(), "40", "2"]);
    assert_eq!((code, out.as_str()), (0, "42\n"), "{err}");
}

#[test]
fn env_is_not_inherited_unless_asked() {
    let corpus = programs::corpus_dir(None).expect("corpus");
    let m = corpus.join("wat/wasi_env.wasm");
    let out = Command::new(CLI).args(["run", m.to_str().unwrap()]).env("ZEROWASM_SECRET", "x").output().unwrap();
    assert_eq!(out.stdout, b"");
    // (The program's buffers overlap past 1 KiB of environment: keep it small.)
    let out = Command::new(CLI)
        .args(["run", "--inherit-env", m.to_str().unwrap()])
        .env_clear()
        .env("ZEROWASM_SECRET", "x")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("ZEROWASM_SECRET=x\0"));
}

#[test]
fn both_engines_run_a_program_and_report_its_exit_code() {
    let p = temp_wat(
        "engines.wat",
        r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (func (export "_start") (call $exit (i32.add (i32.const 40) (i32.const 2)))))"#,
    );
    for engine in ["--interpreter", "--compiler"] {
        let (code, _, err) = run(&["run", engine, p.to_str().unwrap()]);
        assert_eq!(code, 42, "{engine}: {err}");
    }
}

#[test]
fn trace_prints_every_call_on_both_engines() {
    let p = temp_wat(
        "trace.wat",
        r#"(module $t
             (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
             (func $sq (param i64) (result i64) (i64.mul (local.get 0) (local.get 0)))
             (func $main (export "_start") (drop (call $sq (i64.const 9))) (call $exit (i32.const 3))))"#,
    );
    for engine in ["--interpreter", "--compiler"] {
        let (code, out, err) = run(&["run", engine, "--trace", p.to_str().unwrap()]);
        assert_eq!(code, 3, "{engine}: {err}");
        assert_eq!(out, "");
        assert_eq!(
            err,
            "--> t!main()\n  --> t!sq(9)\n  <-- t!sq = (81)\n  --> wasi_snapshot_preview1!proc_exit(3) (host)\n",
            "{engine}"
        );
    }
}

#[test]
fn cache_dir_is_filled_once_and_reused() {
    let dir = std::env::temp_dir().join(format!("zerowasm-cli-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let p = temp_wat("cached.wat", r#"(module (func (export "_start")))"#);
    let (d, m) = (dir.to_str().unwrap(), p.to_str().unwrap());
    assert_eq!(run(&["compile", "--compiler", "--cache-dir", d, m]).0, 0);
    let entries = || std::fs::read_dir(&dir).map(|r| r.count()).unwrap_or(0);
    let expected = usize::from(zerowasm::EngineKind::Compiler.is_available());
    assert_eq!(entries(), expected);
    assert_eq!(run(&["run", "--compiler", "--cache-dir", d, m]).0, 0);
    assert_eq!(entries(), expected);
    let _ = std::fs::remove_dir_all(&dir);
    // A cache directory that cannot be made is one clear error.
    let (code, _, err) = run(&["run", "--cache-dir", "/proc/zerowasm-no/x", m]);
    assert_eq!(code, 1);
    assert!(err.starts_with("zerowasm: error: cannot use cache directory /proc/zerowasm-no/x"), "{err}");
}

#[test]
fn invoke_parses_and_prints_every_number_type() {
    let p = temp_wat(
        "types.wat",
        r#"(module (func (export "id") (param i32 i64 f32 f64 v128) (result i32 i64 f32 f64 v128)
             local.get 0 local.get 1 local.get 2 local.get 3 local.get 4))"#,
    );
    let m = p.to_str().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["-1", "0xffffffffffffffff", "1.5", "5e-324", "0x0102030405060708090a0b0c0d0e0f10"],
         "-1\n-1\n1.5\n5e-324\n0x0102030405060708090a0b0c0d0e0f10\n"),
        (&["4294967295", "-9223372036854775808", "-inf", "NaN", "-1"],
         "-1\n-9223372036854775808\n-inf\nNaN\n0xffffffffffffffffffffffffffffffff\n"),
        (&["0x7fffffff", "18446744073709551615", "0", "-0", "340282366920938463463374607431768211455"],
         "2147483647\n-1\n0.0\n-0.0\n0xffffffffffffffffffffffffffffffff\n"),
    ];
    for engine in ["--interpreter", "--compiler"] {
        for (args, want) in cases {
            let mut a = vec!["run", engine, "--invoke", "id", m];
            a.extend_from_slice(args);
            let (code, out, err) = run(&a);
            assert_eq!((code, out.as_str()), (0, want), "{engine} {args:?}: {err}");
        }
    }
    // Out of range or not a number: one line naming the argument and its type.
    for (bad, ty) in [("4294967296", "i32"), ("0x1ffffffffffffffff", "i64"), ("x", "f32"), ("1.5.0", "f64"), ("0x1_0000", "v128")] {
        let mut a = vec!["run", "--invoke", "id", m, "0", "0", "0", "0", "0"];
        let at = ["i32", "i64", "f32", "f64", "v128"].iter().position(|t| *t == ty).unwrap();
        a[4 + at] = bad;
        let (code, _, err) = run(&a);
        assert_eq!(code, 1, "{bad}");
        assert_eq!(err.trim(), format!("zerowasm: error: cannot parse {bad:?} as {ty}"));
    }
}

/// Wasm 3.0 values on the command line: i64 addresses of a 64-bit memory, and null of typed
/// references (given as `null`, printed as `null`).
#[test]
fn invoke_memory64_addresses_and_typed_references() {
    let p = temp_wat(
        "refs.wat",
        r#"(module
  (type $t (func (result i32)))
  (memory i64 1)
  (func (export "peek") (param i64) (result i64) (i64.store (local.get 0) (i64.const 77)) (i64.load (local.get 0)))
  (func (export "is_null") (param (ref null $t)) (result i32 (ref null $t)) (ref.is_null (local.get 0)) (local.get 0)))"#,
    );
    let m = p.to_str().unwrap();
    for engine in ["--interpreter", "--compiler"] {
        let (code, out, err) = run(&["run", engine, "--invoke", "peek", m, "65528"]);
        assert_eq!((code, out.as_str()), (0, "77\n"), "{engine}: {err}");
        let (code, _, err) = run(&["run", engine, "--invoke", "peek", m, "0x100000000"]);
        assert_eq!(code, 134, "{engine}: {err}");
        assert!(err.contains("out of bounds memory access"), "{err}");
        let (code, out, err) = run(&["run", engine, "--invoke", "is_null", m, "null"]);
        assert_eq!((code, out.as_str()), (0, "1\nnull\n"), "{engine}: {err}");
    }
}

/// The C++ programs of ../shared/corpus/programs/wasm3 (README.md there), which throw and catch
/// with exception handling: place and route, pack, and a parse error reported by a C++ throw.
#[test]
fn exception_handling_programs() {
    use sha2::{Digest, Sha256};
    let corpus = programs::corpus_dir(None).expect("no corpus: set $ZEROWASM_CORPUS or provide ../shared/corpus/programs");
    let src = corpus.join("wasm3");
    let work = std::env::temp_dir().join(format!("zerowasm-cli-{}-wasm3", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    for f in ["counter.json", "bad.json"] {
        std::fs::copy(src.join(f), work.join(f)).unwrap();
    }
    let w = format!("{}:/w", work.display());
    let share = format!("{}:/share:ro", src.join("share").display());
    let nextpnr = src.join("nextpnr-ice40.wasm");
    let nextpnr = nextpnr.to_str().unwrap();
    let icepack = src.join("icepack.wasm");
    let sha = |p: &str| -> String { Sha256::digest(std::fs::read(work.join(p)).unwrap()).iter().map(|b| format!("{b:02x}")).collect() };

    let args = ["--lp384", "--package", "qn32", "--json", "/w/counter.json", "--asc", "/w/counter.asc", "--seed", "1", "--quiet"];
    for engine in ["--interpreter", "--compiler"] {
        for out in ["counter.asc", "counter.bin"] {
            let _ = std::fs::remove_file(work.join(out));
        }
        let (code, _, err) = run(&[&["run", engine, "--dir", &w, "--dir", &share, nextpnr, "--"][..], &args[..]].concat());
        assert_eq!(code, 0, "{engine}: {err}");
        assert!(err.contains("1 warning, 0 errors"), "{err}");
        assert_eq!(sha("counter.asc"), "b098f574e0c125bdefb85012819c77400c9bc4515dfc64e9e3c7ce3c69a2014e", "{engine}");

        let (code, _, err) = run(&["run", engine, "--dir", &w, icepack.to_str().unwrap(), "--", "/w/counter.asc", "/w/counter.bin"]);
        assert_eq!(code, 0, "{engine}: {err}");
        assert_eq!(sha("counter.bin"), "221c5a020a3567d7e7f82dceec1d43032c40ba18259ddf97f8ad3321eab0afe4", "{engine}");

        let (code, _, err) = run(&["run", engine, "--dir", &w, "--dir", &share, nextpnr, "--", "--lp384", "--package", "qn32", "--json", "/w/bad.json"]);
        assert_eq!(code, 125, "{engine}: {err}");
        assert!(err.contains("ERROR: Failed to parse JSON file '/w/bad.json': parse error: expected null, got not ."), "{err}");
        assert!(err.contains("0 warnings, 1 error"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// An exception that nothing catches ends `zerowasm run` with its tag and payload and a nonzero
/// status, as a trap does.
#[test]
fn uncaught_exception_is_reported() {
    let p = temp_wat(
        "throw.wat",
        r#"(module (tag $e (param i32 f64))
  (func $thrower (throw $e (i32.const 7) (f64.const 1.5)))
  (func (export "f") (call $thrower)))"#,
    );
    for engine in ["--interpreter", "--compiler"] {
        let (code, _, err) = run(&["run", engine, "--invoke", "f", p.to_str().unwrap()]);
        assert_eq!(code, 134, "{engine}: {err}");
        assert!(err.contains("uncaught exception of tag (func (param i32 f64)) carrying (7 1.5)"), "{err}");
        // The backtrace: where it was thrown, then its caller.
        let bt = err.split("wasm backtrace:").nth(1).unwrap_or_else(|| panic!("{engine}: no backtrace in {err}"));
        let (thrower, caller) = (bt.find("thrower"), bt.find("function 1").or(bt.find("f")));
        assert!(thrower.is_some() && caller.is_some() && thrower < caller, "{engine}: {err}");
    }
}

/// `--unknown-imports`: an import nothing provides is refused without it, and with it is linked
/// to a function that traps when called, or returns zeros.
#[test]
fn unknown_imports_trap_or_default() {
    let p = temp_wat(
        "unknown.wat",
        r#"(module
  (import "env" "hook" (func $hook (param i32) (result i32 i64)))
  (func (export "call") (result i32) (call $hook (i32.const 1)) (drop))
  (func (export "skip") (result i32) (i32.const 7)))"#,
    );
    let m = p.to_str().unwrap();
    for engine in ["--interpreter", "--compiler"] {
        let (code, _, err) = run(&["run", engine, "--invoke", "skip", m]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("unknown import"), "{err}");
        let (code, out, err) = run(&["run", engine, "--unknown-imports", "trap", "--invoke", "skip", m]);
        assert_eq!((code, out.as_str()), (0, "7\n"), "{err}");
        let (code, _, err) = run(&["run", engine, "--unknown-imports", "trap", "--invoke", "call", m]);
        assert_eq!(code, 134, "{err}");
        assert!(err.contains("unknown import env.hook called"), "{err}");
        let (code, out, err) = run(&["run", engine, "--unknown-imports", "default", "--invoke", "call", m]);
        assert_eq!((code, out.as_str()), (0, "0\n"), "{err}");
    }
}
