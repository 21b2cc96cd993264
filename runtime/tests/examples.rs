//! Runs every example in `runtime/examples/` and checks that it prints what its doc comment
//! says. `cargo test` builds the examples next to the tests (`target/<profile>/examples/`), so
//! this normally costs no build; an example binary missing or older than its sources (a test
//! run on its own: `cargo test --test examples`) is rebuilt first with the cargo that built
//! this test, in the same profile.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

/// The newest modification time of `path` or, for a directory, of any file beneath it.
fn newest(path: &Path) -> SystemTime {
    let own = std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
    match std::fs::read_dir(path) {
        Ok(entries) => entries.flatten().map(|e| newest(&e.path())).fold(own, SystemTime::max),
        Err(_) => own,
    }
}

/// `target/<profile>/examples/<name>`, built first if missing or stale.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps/<test>");
    let path = profile_dir.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = [manifest.join("src"), manifest.join("Cargo.toml"), manifest.join(format!("examples/{name}.rs"))]
        .iter()
        .map(|p| newest(p))
        .fold(SystemTime::UNIX_EPOCH, SystemTime::max);
    let built = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    if built.is_none_or(|b| b < sources) {
        // `cargo test` builds in the test profile into target/debug, `cargo test --release`
        // in the release profile.
        let profile = if profile_dir.file_name().is_some_and(|p| p == "release") { "release" } else { "test" };
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "zerowasm", "--profile", profile, "--example", name])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building example {name} failed");
    }
    path
}

/// Runs example `name` with `args`; returns its output.
fn run(name: &str, args: &[&str]) -> Output {
    Command::new(example(name)).args(args).output().unwrap_or_else(|e| panic!("running example {name}: {e}"))
}

/// Runs example `name` with `args` and checks it succeeds printing exactly `expected`.
fn check(name: &str, args: &[&str], expected: &str) {
    let out = run(name, args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{name} {args:?}: {}\nstderr: {}", out.status, String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout, expected, "{name} {args:?}");
}

#[test]
fn basic() {
    check("basic", &["7", "35"], "7 + 35 = 42\n");
    check("basic", &[], "1 + 2 = 3\n");
    let out = run("basic", &["seven", "35"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
}

#[test]
fn host_function() {
    let out = run("host_function", &["2000"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let age: i32 = stdout.strip_prefix("age: ").and_then(|s| s.trim().parse().ok()).unwrap_or_else(|| panic!("{stdout:?}"));
    assert!((25..200).contains(&age), "{stdout:?}");
}

#[test]
fn replace_import() {
    check("replace_import", &[], "env.get_number resolved in \"host_v2\": run() = 42\n");
}

#[test]
fn allocation() {
    check("allocation", &[], "wasm >> Hello, zerowasm!\nhost >> Hello, zerowasm!\n");
    check("allocation", &["wasm guest"], "wasm >> Hello, wasm guest!\nhost >> Hello, wasm guest!\n");
}

#[test]
#[cfg(unix)]
fn wasi_cat() {
    check("wasi_cat", &[], "greet filesystem\n");
    let dir = std::env::temp_dir().join(format!("zerowasm-example-cat-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("poem.txt");
    let text = "line one\nline two\n".repeat(1000); // more than the guest's 4 KiB buffer
    std::fs::write(&file, &text).unwrap();
    check("wasi_cat", &[file.to_str().unwrap()], &text);
    // A file that does not exist: the guest reports it and exits with status 1.
    let out = run("wasi_cat", &[dir.join("missing.txt").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "cat: cannot open the file\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn concurrent_instances() {
    let expected = "8 threads × 1000 instances: 16000 calls, sum of results 36000\n\
         after closing: 0 guest instances open, 0 bytes of linear memory\n";
    check("concurrent_instances", &["8", "1000"], expected);
    check("concurrent_instances", &["--runtime-per-thread", "8", "1000"], expected);
}

#[test]
fn interrupt() {
    let out = run("interrupt", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for (line, engine) in lines.iter().zip(["interpreter", "compiler"]) {
        if *line == "compiler: not available on this host" {
            continue;
        }
        let rest = line.strip_prefix(&format!("{engine}: interrupted after ")).unwrap_or_else(|| panic!("{line}"));
        let ms: f64 = rest
            .split("stopped ")
            .nth(1)
            .and_then(|s| s.strip_suffix(" ms after the request"))
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        // The bar: within 10 ms of the request (a loaded CI machine can deschedule
        // the guest's thread, so this is the claim the example prints, checked loosely).
        assert!(ms < 1000.0, "{line}");
    }
}

#[test]
fn multiple_runtimes_with_cache() {
    let dir = std::env::temp_dir().join(format!("zerowasm-example-cache-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().unwrap();
    check(
        "multiple_runtimes_with_cache",
        &[d],
        &format!("runtime 1: fib(25) = 75025 (compiled)\nruntime 2: fib(25) = 75025 (cache hit)\nruntime 3: fib(25) = 75025 (cache hit)\n"),
    );
    // A second process finds the code on disk (the Compiler's; the Interpreter caches in memory).
    let again = if zerowasm::EngineKind::Compiler.is_available() { "cache hit" } else { "compiled" };
    check(
        "multiple_runtimes_with_cache",
        &[d],
        &format!("runtime 1: fib(25) = 75025 ({again})\nruntime 2: fib(25) = 75025 (cache hit)\nruntime 3: fib(25) = 75025 (cache hit)\n"),
    );
    let _ = std::fs::remove_dir_all(&dir);
}
