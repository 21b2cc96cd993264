//! End-to-end tests of the `zerowasm` CLI on the real guest programs of
//! `../shared/corpus/programs`, with the invocations and expected output PROGRAMS.md gives.
//!
//! This file uses only `std`, so the CLI crate's tests include it too
//! (`cli/tests/cli.rs`, `#[path]`), running it against the freshly built binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What stdout must be.
#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// Exactly these bytes.
    Exact(&'static str),
    /// These bytes after trimming whitespace at both ends.
    Trimmed(&'static str),
    /// These lines, in any order (each as many times as listed), and nothing else.
    Lines(&'static [&'static str]),
    /// A function's results printed by `--invoke`, read as the 64-bit cells wazero counts
    /// them in, must be `1`, `2`, …, `n`: an integer line is one cell, a float line is an
    /// f64's bits, a `0x` line of 32 hex digits (a v128) is two cells, low half first.
    Cells(u64),
}

/// One program run.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    /// The case's name.
    pub name: &'static str,
    /// The module, relative to the corpus folder (`test.wasm` is `wat/wasi_arg.wasm` copied
    /// under that name, so argv\[0\] is `test.wasm`).
    pub module: &'static str,
    /// The arguments after `zerowasm run`; `{m}` is the module. `{cat}`, `{wasi_fd}` (copies of
    /// the fixtures), `{ls}` (a folder with `-`, `a-/` and `ab-`), `{empty}`, `{empty2}` and
    /// `{work}` (empty folders) are made fresh for every run.
    pub cmd: &'static [&'static str],
    /// stdin's contents (stdin is a pipe either way, never a terminal).
    pub stdin: &'static str,
    /// What stdout must be.
    pub stdout: Expect,
    /// Text stderr must contain, if any.
    pub stderr: Option<&'static str>,
    /// The expected exit status.
    pub code: i32,
    /// Why the case cannot run yet (it is reported as skipped), if so.
    pub skip: Option<&'static str>,
}

const fn p(name: &'static str, module: &'static str, cmd: &'static [&'static str], stdout: Expect) -> Program {
    Program { name, module, cmd, stdin: "", stdout, stderr: None, code: 0, skip: None }
}

/// A program that stops with `code` and prints `stderr` (a trap or a CLI error).
const fn fails(name: &'static str, module: &'static str, cmd: &'static [&'static str], code: i32, stderr: &'static str) -> Program {
    Program { name, module, cmd, stdin: "", stdout: Expect::Exact(""), stderr: Some(stderr), code, skip: None }
}

const CAT: Expect = Expect::Exact("greet filesystem\n");
const LS: Expect = Expect::Lines(&["./-", "./a-", "./ab-"]);
const STAT: Expect = Expect::Exact("stdin isatty: false\nstdout isatty: false\nstderr isatty: false\n/ isatty: false\n");
/// Exit status of the CLI for a trap.
const TRAP: i32 = 134;
/// Exit status of the CLI for a module it cannot load, link or instantiate.
const ERR: i32 = 1;
/// The CLI's status when `--timeout` stops the guest (as coreutils' `timeout`).
const TIMEOUT: i32 = 124;

/// Every case, in PROGRAMS.md's order.
pub const CASES: &[Program] = &[
    p("cat-tinygo", "tinygo/cat.wasm", &["--dir", "{cat}:/", "{m}", "test.txt"], CAT),
    p("cat-tinygo-second-mount", "tinygo/cat.wasm", &["--dir", "{cat}:/", "--dir", "{cat}:/testcases", "{m}", "/testcases/test.txt"], CAT),
    p("cat-rust", "rust/cat.wasm", &["--dir", "{cat}:/", "{m}", "test.txt"], CAT),
    p("cat-rust-read-only", "rust/cat.wasm", &["--dir", "{cat}:/:ro", "{m}", "test.txt"], CAT),
    p("cat-zig", "zig/cat.wasm", &["--dir", "{cat}:/", "{m}", "test.txt"], CAT),
    p("cat-c", "c/cat.wasm", &["--dir", "{cat}:/", "{m}", "test.txt"], CAT),
    p("wasi-tinygo-ls", "tinygo/wasi.wasm", &["--dir", "{ls}:/:ro", "{m}", "ls", "."], LS),
    p("wasi-tinygo-ls-file", "tinygo/wasi.wasm", &["--dir", "{ls}:/:ro", "{m}", "ls", "-"], Expect::Trimmed("ENOTDIR")),
    p("wasi-tinygo-ls-empty-dir", "tinygo/wasi.wasm", &["--dir", "{ls}:/:ro", "{m}", "ls", "./a-"], Expect::Exact("")),
    p("wasi-tinygo-stat", "tinygo/wasi.wasm", &["--dir", "{empty}:/", "{m}", "stat"], STAT),
    p("wasi-rust-ls", "rust/wasi.wasm", &["--dir", "{ls}:/:ro", "{m}", "ls", "."], LS),
    p("wasi-rust-ls-repeat", "rust/wasi.wasm", &["--dir", "{ls}:/:ro", "{m}", "ls", ".", "repeat"], Expect::Lines(&["./-", "./a-", "./ab-", "./-", "./a-", "./ab-"])),
    p("wasi-rust-stat", "rust/wasi.wasm", &["--dir", "{empty}:/", "{m}", "stat"], STAT),
    p("wasi-zig-ls", "zig/wasi.wasm", &["--dir", "{ls}:/:ro", "{m}", "ls", "."], LS),
    p("wasi-zig-stat", "zig/wasi.wasm", &["--dir", "{empty}:/", "{m}", "stat"], STAT),
    p("wasi-zig-preopen", "zig/wasi.wasm", &["--dir", "{empty}:/", "--dir", "{empty2}:/tmp", "{m}", "preopen"], Expect::Exact("0: stdin\n1: stdout\n2: stderr\n3: /\n4: /tmp\n")),
    p("wasi-c-ls", "c/wasi.wasm", &["--dir", "{ls}:/:ro", "{m}", "ls", "."], Expect::Lines(&["./.", "./..", "./-", "./a-", "./ab-"])),
    p("wasi-c-stat", "c/wasi.wasm", &["--dir", "{empty}:/", "{m}", "stat"], STAT),
    Program { stdin: "test", ..p("wasi-c-poll-stdin", "c/wasi.wasm", &["{m}", "poll", "0", "500"], Expect::Exact("STDIN\n")) },
    p("wasi-c-sleepmillis", "c/wasi.wasm", &["{m}", "sleepmillis", "100"], Expect::Exact("OK\n")),
    p("wasi-c-open-rdonly", "c/wasi.wasm", &["--dir", "{work}:/", "{m}", "open-rdonly"], Expect::Trimmed("OK")),
    p("wasi-c-open-wronly", "c/wasi.wasm", &["--dir", "{work}:/", "{m}", "open-wronly"], Expect::Trimmed("OK")),
    p("wasi_arg", "test.wasm", &["{m}", "hello world"], Expect::Exact("test.wasm\0hello world\0")),
    p("wasi_env", "wat/wasi_env.wasm", &["--env", "ANIMAL=bear", "--env", "FOOD=sushi", "{m}"], Expect::Exact("ANIMAL=bear\0FOOD=sushi\0")),
    p("wasi_fd", "wat/wasi_fd.wasm", &["--dir", "{wasi_fd}:/", "{m}"], Expect::Exact("pooh\n")),
    p("wasi_fd-read-only", "wat/wasi_fd.wasm", &["--dir", "{wasi_fd}:/:ro", "{m}"], Expect::Exact("pooh\n")),
    p("wasi_random_get", "wat/wasi_random_get.wasm", &["{m}"], Expect::Exact("")),
    fails("infinite_loop", "wat/infinite_loop.wasm", &["--timeout", "300ms", "{m}"], TIMEOUT, "interrupted: --timeout 300ms elapsed"),
    fails("infinite_loop-fuel", "wat/infinite_loop.wasm", &["--fuel", "100000", "{m}"], TRAP, "wasm trap: fuel exhausted"),
    Program { code: 2, ..p("exit_on_start_unstable", "wat/exit_on_start_unstable.wasm", &["{m}"], Expect::Exact("")) },
    Program { code: 2, ..p("exit_on_start", "wat/exit_on_start.wasm", &["{m}"], Expect::Exact("")) },
    p("print_prestat_dirname", "wat/print_prestat_dirname.wasm", &["--dir", "{empty}:/wazero", "{m}"], Expect::Exact("/wazero")),
    p("cli-tinygo-add", "tinygo/cli.wasm", &["{m}", "3", "1"], Expect::Trimmed("result: 4")),
    p("cli-tinygo-sub", "tinygo/cli.wasm", &["{m}", "-sub=true", "3", "1"], Expect::Trimmed("result: 2")),
    p("add-reactor-tinygo", "tinygo/add-reactor.wasm", &["--invoke", "add", "{m}", "7", "9"], Expect::Exact("16\n")),
    fails("greet-tinygo (needs host env.log)", "tinygo/greet.wasm", &["{m}"], ERR, "unknown import: env.log"),
    fails("greet-rust (needs host env.log)", "rust/greet.wasm", &["{m}"], ERR, "unknown import: env.log"),
    fails("greet-zig (needs host env.log)", "zig/greet.wasm", &["{m}"], ERR, "unknown import: env.log"),
    fails("bench-case-tinygo (needs host env.get_random_string)", "tinygo/bench-case.wasm", &["{m}"], ERR, "unknown import: env.get_random_string"),
    Program { stdout: Expect::Exact("panic: NOOOOOOOOOOOOOOO\n"), ..fails("dwarf-panic-tinygo", "tinygo/dwarf-panic.wasm", &["{m}"], TRAP, "wasm trap: unreachable") },
    fails("dwarf-unreachable-zig", "zig/dwarf-unreachable.wasm", &["{m}"], TRAP, "wasm trap: unreachable"),
    // PROGRAMS.md says "out of bounds"; this debug build (zig cc, safety checks on) first
    // checks the index against the array's 16 bytes and runs `unreachable` (index 65548 is
    // loaded from its data segment), so the store is never reached.
    fails("dwarf-oob-c", "c/dwarf-oob.wasm", &["{m}"], TRAP, "wasm trap: unreachable"),
    // Its shared memory is the host's to provide (the threads issue's embedding runs it).
    fails("pthread-reactor-c (needs a shared env.memory)", "c/pthread-reactor.wasm", &["{m}"], ERR, "unknown import: env.memory"),
    fails("index-assemblyscript (needs host env.abort, env.trace)", "assemblyscript/index.wasm", &["{m}"], ERR, "unknown import: env."),
    fails("grow-emscripten (needs host env.emscripten_notify_memory_growth)", "cpp-emscripten/grow.wasm", &["{m}"], ERR, "unknown import: env.emscripten_notify_memory_growth"),
    fails("invoke-emscripten (needs host env.invoke_*)", "cpp-emscripten/invoke.wasm", &["{m}"], ERR, "unknown import: env."),
    fails("age_calculator (needs host env.current_year)", "wat/age_calculator.wasm", &["{m}"], ERR, "unknown import: env."),
    p("multi_value", "wat/multi_value.wasm", &["--invoke", "call_get_age", "{m}"], Expect::Exact("37\n")),
    fails("multi_value_imported (needs host multi-value/host.get_age)", "wat/multi_value_imported.wasm", &["{m}"], ERR, "unknown import: multi-value/host.get_age"),
    p("result_offset", "wat/result_offset.wasm", &["--invoke", "call_get_age", "{m}"], Expect::Exact("37\n")),
    fails("counter (needs host env.next_i32)", "wat/counter.wasm", &["{m}"], ERR, "unknown import: env.next_i32"),
    p("add", "wat/add.wasm", &["--invoke", "add", "{m}", "2", "3"], Expect::Exact("5\n")),
    p("fac-ssa", "wat/fac-ssa.wasm", &["--invoke", "fac-ssa", "{m}", "20"], Expect::Exact("2432902008176640000\n")),
    fails("mem_grow", "wat/mem_grow.wasm", &["{m}"], TRAP, "wasm trap: unreachable"),
    // main(f32, v128, i32, f64, i64) ignores its arguments; 138 results (i64, f64, v128) make
    // 180 cells. memory_fill_after_main fills memory first (runtime/tests/corpus.rs also checks
    // the filled bytes, for every offset/size pair).
    p("hugestack", "wat/hugestack.wasm", &["--invoke", "main", "{m}", "0", "0", "0", "0", "0"], Expect::Cells(180)),
    p("hugestack-fill-0-0", "wat/hugestack.wasm", &["--invoke", "memory_fill_after_main", "{m}", "0", "255", "0"], Expect::Cells(180)),
    p("hugestack-fill-2-32768", "wat/hugestack.wasm", &["--invoke", "memory_fill_after_main", "{m}", "2", "255", "32768"], Expect::Cells(180)),
    p("hugestack-fill-32768-32768", "wat/hugestack.wasm", &["--invoke", "memory_fill_after_main", "{m}", "32768", "255", "32768"], Expect::Cells(180)),
    fails("hugestack-fill-out-of-bounds", "wat/hugestack.wasm", &["--invoke", "memory_fill_after_main", "{m}", "32770", "255", "32768"], TRAP, "wasm trap: out of bounds memory access"),
    fails("recursive (needs host env.host_func)", "wat/recursive.wasm", &["{m}"], ERR, "unknown import: env.host_func"),
    fails("unreachable (needs host host.cause_unreachable)", "wat/unreachable.wasm", &["{m}"], ERR, "unknown import: host.cause_unreachable"),
    p("overflow-i32", "wat/overflow.wasm", &["--invoke", "i32", "{m}"], Expect::Exact("1\n")),
    p("overflow-i64", "wat/overflow.wasm", &["--invoke", "i64", "{m}"], Expect::Exact("1\n")),
    p("global_extend", "wat/global_extend.wasm", &["--invoke", "extend", "{m}"], Expect::Exact("4294967295\n")),
    fails("host_memory (needs host host.store_int)", "wat/host_memory.wasm", &["{m}"], ERR, "unknown import: host.store_int"),
    fails("reftype_imports (needs host host.externref)", "wat/reftype_imports.wasm", &["{m}"], ERR, "unknown import: host.externref"),
    fails("huge_call_stack_unwind", "wat/huge_call_stack_unwind.wasm", &["{m}"], TRAP, "wasm trap: integer divide by zero"),
    // Atomics on a shared memory, from one thread (the concurrent runs are the threads issue's).
    p("threads-mutex (one thread)", "wat/threads-mutex.wasm", &["--invoke", "run32", "{m}"], Expect::Exact("")),
    p("threads-add (one thread)", "wat/threads-add.wasm", &["--invoke", "run32", "{m}"], Expect::Exact("")),
    fails("missing-file", "does-not-exist.wasm", &["{m}"], ERR, "cannot read"),
    fails("bad-dir", "wat/add.wasm", &["--dir", "/does/not/exist:/", "{m}"], ERR, "cannot mount directory /does/not/exist"),
];

/// How one case ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every expectation held.
    Passed,
    /// Something did not hold: what.
    Failed(String),
    /// Not run: why.
    Skipped(String),
}

/// A program's result.
#[derive(Clone, Debug)]
pub struct ProgramResult {
    /// The case's name.
    pub name: String,
    /// The engine it ran on: `interpreter` or `compiler`.
    pub engine: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Wall time, in milliseconds.
    pub millis: f64,
}

/// The corpus folder: `explicit`, else `$ZEROWASM_CORPUS`, else `../shared/corpus/programs`
/// beside the workspace; `None` if it does not exist.
pub fn corpus_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    let p = match (explicit, std::env::var_os("ZEROWASM_CORPUS")) {
        (Some(p), _) => p.to_path_buf(),
        (None, Some(p)) => PathBuf::from(p),
        (None, None) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/programs"),
    };
    p.join("PROGRAMS.md").is_file().then_some(p)
}

/// The fixture folders of one run.
struct Fixtures {
    _tmp: TempDir,
    vars: Vec<(&'static str, PathBuf)>,
}

fn fixtures(corpus: &Path) -> std::io::Result<Fixtures> {
    let tmp = TempDir::new("programs")?;
    let mk = |name: &str| -> std::io::Result<PathBuf> {
        let d = tmp.0.join(name);
        std::fs::create_dir_all(&d)?;
        Ok(d)
    };
    let cat = mk("cat")?;
    std::fs::copy(corpus.join("fixtures/cat/test.txt"), cat.join("test.txt"))?;
    let wasi_fd = mk("wasi_fd")?;
    std::fs::copy(corpus.join("fixtures/wasi_fd/bear.txt"), wasi_fd.join("bear.txt"))?;
    let ls = mk("ls")?;
    std::fs::write(ls.join("-"), "")?;
    std::fs::create_dir(ls.join("a-"))?;
    std::fs::write(ls.join("ab-"), "")?;
    let mods = mk("modules")?;
    std::fs::copy(corpus.join("wat/wasi_arg.wasm"), mods.join("test.wasm"))?;
    let vars = vec![
        ("{cat}", cat),
        ("{wasi_fd}", wasi_fd),
        ("{ls}", ls),
        ("{empty}", mk("empty")?),
        ("{empty2}", mk("empty2")?),
        ("{work}", mk("work")?),
        ("{modules}", mods),
    ];
    Ok(Fixtures { _tmp: tmp, vars })
}

/// Runs `prog` with the CLI binary `cli` on the corpus in `corpus`, on `engine`
/// (`interpreter` or `compiler`, passed as `--interpreter` / `--compiler`).
pub fn run(prog: &Program, cli: &Path, corpus: &Path, engine: &str) -> ProgramResult {
    let start = Instant::now();
    let outcome = match prog.skip {
        Some(why) => Outcome::Skipped(why.into()),
        None => match run_inner(prog, cli, corpus, engine) {
            Ok(()) => Outcome::Passed,
            Err(e) => Outcome::Failed(e),
        },
    };
    ProgramResult { name: prog.name.into(), engine: engine.into(), outcome, millis: start.elapsed().as_secs_f64() * 1e3 }
}

fn run_inner(prog: &Program, cli: &Path, corpus: &Path, engine: &str) -> Result<(), String> {
    let fx = fixtures(corpus).map_err(|e| format!("cannot set up fixtures: {e}"))?;
    let module = if prog.module == "test.wasm" {
        fx.vars.iter().find(|v| v.0 == "{modules}").expect("made above").1.join("test.wasm")
    } else {
        corpus.join(prog.module)
    };
    let mut cmd = Command::new(cli);
    cmd.args(["run", &format!("--{engine}")]);
    for a in prog.cmd {
        let mut s = a.replace("{m}", &module.to_string_lossy());
        for (k, v) in &fx.vars {
            s = s.replace(k, &v.to_string_lossy());
        }
        cmd.arg(s);
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", cli.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = prog.stdin.as_bytes().to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    // Wait with a deadline, so a hung guest fails the case instead of the whole run.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("timed out after 60 s".into());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("wait: {e}")),
        }
    }
    let _ = feeder.join();
    let out = child.wait_with_output().map_err(|e| format!("output: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap_or(-1);
    let mut problems = Vec::new();
    if code != prog.code {
        problems.push(format!("exit status {code}, expected {}", prog.code));
    }
    let ok = match prog.stdout {
        Expect::Exact(s) => stdout == s,
        Expect::Trimmed(s) => stdout.trim() == s,
        Expect::Lines(l) => {
            let mut got: Vec<&str> = stdout.lines().collect();
            let mut want: Vec<&str> = l.to_vec();
            got.sort();
            want.sort();
            got == want
        }
        Expect::Cells(n) => cells(&stdout) == Some((1..=n).collect()),
    };
    if !ok {
        problems.push(format!("stdout {stdout:?}, expected {:?}", prog.stdout));
    }
    if let Some(want) = prog.stderr {
        if !stderr.contains(want) {
            problems.push(format!("stderr does not contain {want:?}"));
        }
    } else if code != 0 || !problems.is_empty() {
        // Show stderr with any failure.
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n  stderr: {}", problems.join("; "), stderr.trim_end()))
    }
}
/// `--invoke` output as 64-bit cells (see [`Expect::Cells`]); `None` if a line is none of
/// those forms.
fn cells(stdout: &str) -> Option<Vec<u64>> {
    let mut cells = Vec::new();
    for line in stdout.lines() {
        if let Some(hex) = line.strip_prefix("0x").filter(|h| h.len() == 32) {
            let v = u128::from_str_radix(hex, 16).ok()?;
            cells.extend([v as u64, (v >> 64) as u64]);
        } else if let Ok(i) = line.parse::<i64>() {
            cells.push(i as u64);
        } else {
            cells.push(line.parse::<f64>().ok()?.to_bits());
        }
    }
    Some(cells)
}

/// A fresh, writable temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Creates `<tmp>/zerowasm-<tag>-<pid>-<n>`.
    pub fn new(tag: &str) -> std::io::Result<TempDir> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!(
            "zerowasm-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        make_writable(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn make_writable(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(m) = std::fs::symlink_metadata(p) {
        if m.is_dir() {
            let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
            if let Ok(rd) = std::fs::read_dir(p) {
                for e in rd.flatten() {
                    make_writable(&e.path());
                }
            }
        }
    }
}

/// Copies the tree `from` into `to` (which exists): files and folders made writable by the
/// owner (the suite is read-only), symlinks copied as symlinks, `*.cleanup` left out.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let name = e.file_name();
        if name.to_string_lossy().ends_with(".cleanup") {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        let ft = e.file_type()?;
        if ft.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)?;
        } else if ft.is_dir() {
            std::fs::create_dir(&dst)?;
            copy_tree(&src, &dst)?;
            std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(0o755))?;
        } else {
            std::fs::copy(&src, &dst)?;
            std::fs::set_permissions(&dst, std::fs::Permissions::from_mode(0o644))?;
        }
    }
    Ok(())
}

