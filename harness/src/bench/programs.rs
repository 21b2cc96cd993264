//! The `programs` group: whole programs run as WASI commands, `_start` from start to exit.
//!
//! - `c/<name>`: the C programs of `bench/c/` (see its README): the workspace's own, built with
//!   clang -O2 for wasm32-wasi by `scripts/build-cbench.sh`, committed with the stdout of their
//!   native build (`<name>.stdout.expected`). No arguments (the full workload), no directories.
//! - `corpus/<name>`: the real programs of the corpus (`$ZEROWASM_CORPUS`, see PROGRAMS.md and
//!   `wasm3/README.md` there) that run long enough to time (tens of milliseconds on wasmtime,
//!   so a good fraction of a second on an interpreter): nextpnr-ice40 placing and routing a
//!   counter, and icepack packing the result. Every other corpus program finishes in a few
//!   milliseconds or is not a command. They need exception handling (Wasm 3.0), which a
//!   runtime without it cannot compile: that runtime's row says so, and the program stays in
//!   the group (and in its geometric means once both runtimes of a pair run it).
//!
//! Every run is checked: exit status 0, stdout equal to the expected bytes, the expected text
//! on stderr, and each output file with its expected SHA-256. A run that fails a check is a
//! failure, not a figure. The figure is the CPU time of `_start` (instantiation excluded); the
//! module is compiled once per runtime and each sample is a fresh instance.
//!
//! Peers: wasmi in-process with the harness's WASI subset ([`super::wasi_shim`]: stdout, no
//! arguments, no writable directories); wasmtime with its own WASI; wasm3 with the small WASI
//! of `scripts/bench_peer.py` (stdout, arguments, clocks; no directories), since pywasm3 has
//! none. Each group's geometric means (every zerowasm engine against every peer) are over
//! the programs both ran; the report names the programs left out of each and why.

use super::peer::Peers;
use super::report::Report;
use super::stats::Metric;
use super::wasi_shim::{self, WasiState};
use super::{cpu_seconds, engine_config, engine_runtime, measure, selected, Bench, Contender, Ctx, SampleFn};
use crate::wasi::programs::{copy_tree, TempDir};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use zerowasm::wasi::{self, SharedBuffer, WasiConfig};
use zerowasm::{ModuleConfig, Runtime};

/// The report group.
pub const GROUP: &str = "programs";

/// Samples per runtime by default.
const ROUNDS: usize = 3;

/// A directory a program sees.
#[derive(Debug, Clone, PartialEq)]
pub struct Mount {
    /// The host folder. A writable mount gets a fresh copy of it per runtime.
    pub host: PathBuf,
    /// The guest path.
    pub guest: String,
    /// Whether the guest writes into it.
    pub writable: bool,
}

/// One program of the group and what its run must produce.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// `c/<name>` or `corpus/<name>`.
    pub name: String,
    /// The module.
    pub wasm: PathBuf,
    /// The guest's arguments, argv\[0\] first (none for the C programs).
    pub args: Vec<String>,
    /// The directories it sees, in preopen order.
    pub mounts: Vec<Mount>,
    /// Files copied into the first writable mount's copy before the runs: (host file, name).
    pub inputs: Vec<(PathBuf, String)>,
    /// Exactly what stdout must be.
    pub stdout: Vec<u8>,
    /// Text stderr must contain (each).
    pub stderr_contains: Vec<String>,
    /// Files the run must write into the first writable mount: (name, SHA-256 in hex). They
    /// are removed before every run.
    pub outputs: Vec<(String, String)>,
    /// A Wasm feature the program needs that not every runtime has, if any: a runtime that
    /// cannot compile the module is then reported as not supporting it, not as failing.
    pub needs: Option<String>,
}

/// The folder of the C programs: `bench/c/` in the workspace.
pub fn c_dir() -> PathBuf {
    super::workspace().join("bench/c")
}

/// The C programs under `dir`: every `<name>.wasm` with a `<name>.stdout.expected` beside it,
/// sorted by name. With `small`, their short workload instead (argument `small`, output
/// `<name>.small.stdout.expected`), which the tests run; the benchmarks run the full one.
pub fn c_programs(dir: &Path, small: bool) -> Vec<Program> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut wasms: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "wasm")).collect();
    wasms.sort();
    wasms
        .into_iter()
        .filter_map(|wasm| {
            let stem = wasm.file_stem()?.to_string_lossy().to_string();
            let expected = if small { format!("{stem}.small.stdout.expected") } else { format!("{stem}.stdout.expected") };
            let stdout = std::fs::read(dir.join(expected)).ok()?;
            Some(Program {
                name: format!("c/{stem}"),
                args: if small { vec![format!("{stem}.wasm"), "small".into()] } else { Vec::new() },
                wasm,
                mounts: Vec::new(),
                inputs: Vec::new(),
                stdout,
                stderr_contains: Vec::new(),
                outputs: Vec::new(),
                needs: None,
            })
        })
        .collect()
}

/// SHA-256 of nextpnr's `counter.asc` and icepack's `counter.bin`, as `wasm3/README.md` of the
/// corpus records them (wasmtime 50.0.1).
const COUNTER_ASC_SHA256: &str = "b098f574e0c125bdefb85012819c77400c9bc4515dfc64e9e3c7ce3c69a2014e";
const COUNTER_BIN_SHA256: &str = "221c5a020a3567d7e7f82dceec1d43032c40ba18259ddf97f8ad3321eab0afe4";

/// The corpus programs that run long enough to time, as `wasm3/README.md` of the corpus runs
/// them; none if the corpus has no `wasm3/` folder. icepack's input is nextpnr's output,
/// committed as `bench/corpus/counter.asc` (checked against its SHA-256 before use), so that
/// a runtime that cannot run nextpnr can still run icepack.
pub fn corpus_programs(corpus: &Path) -> Vec<Program> {
    let dir = corpus.join("wasm3");
    let dir = dir.canonicalize().unwrap_or(dir);
    if !dir.join("nextpnr-ice40.wasm").is_file() {
        return Vec::new();
    }
    let w = Mount { host: dir.clone(), guest: "/w".into(), writable: true };
    let share = Mount { host: dir.join("share"), guest: "/share".into(), writable: false };
    let needs = Some("exception handling (Wasm 3.0: try_table, exnref)".to_string());
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        Program {
            name: "corpus/nextpnr-ice40".into(),
            wasm: dir.join("nextpnr-ice40.wasm"),
            args: args(&["nextpnr-ice40", "--lp384", "--package", "qn32", "--json", "/w/counter.json", "--asc", "/w/counter.asc", "--seed", "1", "--quiet"]),
            mounts: vec![w.clone(), share],
            inputs: Vec::new(),
            stdout: Vec::new(),
            stderr_contains: vec!["1 warning, 0 errors".into()],
            outputs: vec![("counter.asc".into(), COUNTER_ASC_SHA256.into())],
            needs: needs.clone(),
        },
        Program {
            name: "corpus/icepack".into(),
            wasm: dir.join("icepack.wasm"),
            args: args(&["icepack", "/w/counter.asc", "/w/counter.bin"]),
            mounts: vec![w],
            inputs: vec![(super::workspace().join("bench/corpus/counter.asc"), "counter.asc".into())],
            stdout: Vec::new(),
            stderr_contains: Vec::new(),
            outputs: vec![("counter.bin".into(), COUNTER_BIN_SHA256.into())],
            needs,
        },
    ]
}

/// SHA-256 in hex.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

impl Program {
    /// Makes the program's directories for one runtime under `tmp`: writable mounts are
    /// copied (with the inputs added and checked), read-only ones used as they are. Returns
    /// (host, guest, writable) per mount, and the first writable one's copy.
    pub fn prepare(&self, tmp: &Path, runtime: &str) -> Result<(Vec<Mount>, Option<PathBuf>), String> {
        let mut mounts = Vec::new();
        let mut work = None;
        for (i, m) in self.mounts.iter().enumerate() {
            if !m.writable {
                mounts.push(m.clone());
                continue;
            }
            let copy = tmp.join(format!("{runtime}-{i}"));
            let _ = std::fs::remove_dir_all(&copy);
            std::fs::create_dir_all(&copy).map_err(|e| format!("{}: {e}", copy.display()))?;
            copy_tree(&m.host, &copy).map_err(|e| format!("cannot copy {}: {e}", m.host.display()))?;
            if work.is_none() {
                for (src, name) in &self.inputs {
                    let data = std::fs::read(src).map_err(|e| format!("{}: {e}", src.display()))?;
                    // An input that is another program's output must be exactly that output.
                    if let Some((_, want)) = corpus_outputs().iter().find(|(n, _)| n == name) {
                        let got = sha256_hex(&data);
                        if &got != want {
                            return Err(format!("{}: SHA-256 {got}, expected {want}", src.display()));
                        }
                    }
                    std::fs::write(copy.join(name), data).map_err(|e| format!("{name}: {e}"))?;
                }
                work = Some(copy.clone());
            }
            mounts.push(Mount { host: copy, guest: m.guest.clone(), writable: true });
        }
        Ok((mounts, work))
    }

    /// Removes the output files from `work` before a run.
    pub fn clear_outputs(&self, work: Option<&Path>) {
        if let Some(w) = work {
            for (name, _) in &self.outputs {
                let _ = std::fs::remove_file(w.join(name));
            }
        }
    }

    /// Checks one run: exit status, stdout, stderr and output files.
    pub fn check(&self, code: i32, stdout: &[u8], stderr: &[u8], work: Option<&Path>) -> Result<(), String> {
        if code != 0 {
            return Err(format!("exit code {code}; stderr: {}", String::from_utf8_lossy(stderr).lines().last().unwrap_or("")));
        }
        if stdout != self.stdout.as_slice() {
            let (g, w) = (String::from_utf8_lossy(stdout), String::from_utf8_lossy(&self.stdout));
            let at = g.lines().zip(w.lines()).position(|(a, b)| a != b).unwrap_or(g.lines().count().min(w.lines().count()));
            return Err(format!(
                "stdout differs from the expected output at line {}: got {:?}, expected {:?}",
                at + 1,
                g.lines().nth(at).unwrap_or(""),
                w.lines().nth(at).unwrap_or("")
            ));
        }
        let err = String::from_utf8_lossy(stderr);
        for want in &self.stderr_contains {
            if !err.contains(want.as_str()) {
                return Err(format!("stderr does not contain {want:?}"));
            }
        }
        for (name, want) in &self.outputs {
            let Some(w) = work else { return Err("no writable directory for the output files".into()) };
            let data = std::fs::read(w.join(name)).map_err(|e| format!("output {name}: {e}"))?;
            let got = sha256_hex(&data);
            if &got != want {
                return Err(format!("output {name}: SHA-256 {got}, expected {want}"));
            }
        }
        Ok(())
    }

    /// How a runtime that cannot compile the module is reported: `unsupported` (a peer) or
    /// `not available yet` (zerowasm) when the program needs a feature, else `failed`.
    fn compile_failure(&self, runtime: &str, error: &str) -> Contender<'static> {
        match &self.needs {
            Some(feature) => {
                let status = if super::report::is_zerowasm(runtime) { "not available yet" } else { "unsupported" };
                Contender::unavailable(runtime, status, format!("needs {feature}: {error}"))
            }
            None => Contender::unavailable(runtime, "failed", error.to_string()),
        }
    }
}

/// The output files of the corpus programs with their SHA-256 (an input of one is checked
/// against them).
fn corpus_outputs() -> [(String, String); 2] {
    [("counter.asc".into(), COUNTER_ASC_SHA256.into()), ("counter.bin".into(), COUNTER_BIN_SHA256.into())]
}

/// Every program of the group: the C programs, then the corpus's.
pub fn all_programs() -> Vec<Program> {
    let mut v = c_programs(&c_dir(), false);
    if let Some(corpus) = crate::wasi::programs::corpus_dir(None) {
        v.extend(corpus_programs(&corpus));
    }
    v
}

/// Runs every selected program on every engine and peer.
pub fn run(ctx: &Ctx<'_>, peers: &mut Peers, report: &mut Report) {
    let programs: Vec<Program> = all_programs().into_iter().filter(|p| selected(ctx.only, GROUP, &p.name)).collect();
    if programs.is_empty() {
        return;
    }
    if crate::wasi::programs::corpus_dir(None).is_none() && selected(ctx.only, GROUP, "corpus/") {
        report.conditions.push("Programs: no corpus folder (set ZEROWASM_CORPUS): the corpus programs were not run.".into());
    }
    let tmp = match TempDir::new("bench-programs") {
        Ok(t) => t,
        Err(e) => {
            eprintln!("programs: cannot make a temporary folder: {e}");
            return;
        }
    };
    for p in &programs {
        eprintln!("{}: {}", p.name, p.wasm.display());
        let wasm = match std::fs::read(&p.wasm) {
            Ok(w) => w,
            Err(e) => {
                report.unavailable(GROUP, &p.name, "all", "failed", &format!("cannot read {}: {e}", p.wasm.display()));
                continue;
            }
        };
        let mut cs: Vec<Contender<'_>> = Vec::new();
        for &e in ctx.engines {
            let rt = engine_runtime(e);
            cs.push(match engine_config(e) {
                Ok(config) => match zerowasm_setup(config, &wasm, p, &tmp.0, rt) {
                    Ok(f) => Contender::setup(rt, Ok(f)),
                    Err(Setup::Compile(err)) => p.compile_failure(rt, &err),
                    Err(Setup::Other(err)) => Contender::unavailable(rt, "failed", err),
                },
                Err(why) => Contender::unavailable(rt, "unsupported", why),
            });
        }
        cs.push(match wasmi_setup(&wasm, p) {
            Ok(f) => Contender::setup("wasmi", Ok(f)),
            Err(Setup::Compile(err)) => p.compile_failure("wasmi", &err),
            Err(Setup::Other(err)) => Contender::unavailable("wasmi", "unsupported", err),
        });
        let (out, err) = (tmp.0.join("peer-stdout"), tmp.0.join("peer-stderr"));
        let peers_ref: &Peers = peers;
        cs.extend(peers_ref.contenders(|name| {
            // Compile first (the driver keeps the module), so that a module the peer cannot
            // load is reported as such rather than as a failed run.
            if let Some(cell) = peers_ref.get(name) {
                if let Err(e) = cell.borrow_mut().call(json!({"task": "compile", "wasm": p.wasm})) {
                    return Err(match &p.needs {
                        Some(f) => ("unsupported".to_string(), format!("needs {f}: {e}")),
                        None => ("failed".to_string(), e),
                    });
                }
            }
            let (mounts, work) = p.prepare(&tmp.0, name).map_err(|e| ("failed".to_string(), e))?;
            let mounts: Vec<_> = mounts.iter().map(|m| json!([m.host, m.guest, m.writable])).collect();
            let job = json!({"task": "command", "wasm": p.wasm, "args": p.args, "mounts": mounts, "stdout": out, "stderr": err});
            let (out, err) = (out.clone(), err.clone());
            Ok(Box::new(move |proc| {
                p.clear_outputs(work.as_deref());
                let v = proc.call(job.clone())?;
                let code = v["exit"].as_i64().unwrap_or(0) as i32;
                let (o, e) = (std::fs::read(&out).unwrap_or_default(), std::fs::read(&err).unwrap_or_default());
                p.check(code, &o, &e, work.as_deref())?;
                Ok(vec![v["value"].as_f64().unwrap_or(f64::NAN)])
            }))
        }));
        let bench = Bench { group: GROUP, rows: vec![(p.name.clone(), Metric::Seconds)], rounds: ctx.rounds.unwrap_or(ROUNDS), warmup: false, long_round: None };
        measure(report, &bench, cs);
    }
}

/// Runs `p` once on a zerowasm engine and checks its output, as a sample of the group does;
/// returns the CPU seconds of `_start`. For tests of the committed programs.
pub fn run_once(engine: crate::spectest::Engine, p: &Program) -> Result<f64, String> {
    let config = engine_config(engine)?;
    let wasm = std::fs::read(&p.wasm).map_err(|e| format!("{}: {e}", p.wasm.display()))?;
    let tmp = TempDir::new("programs-once").map_err(|e| e.to_string())?;
    let mut sample = zerowasm_setup(config, &wasm, p, &tmp.0, engine_runtime(engine)).map_err(|e| match e {
        Setup::Compile(e) | Setup::Other(e) => e,
    })?;
    Ok(sample()?[0])
}

/// Why a runtime could not be set up for a program.
enum Setup {
    /// The module did not compile (or validate) on it.
    Compile(String),
    /// Anything else.
    Other(String),
}

/// Compiles the program on a zerowasm engine with WASI (its arguments and mounts, stdout and
/// stderr captured); each sample instantiates it afresh and times `_start` in CPU time.
fn zerowasm_setup<'a>(config: zerowasm::RuntimeConfig, wasm: &[u8], p: &'a Program, tmp: &Path, rt: &str) -> Result<SampleFn<'a>, Setup> {
    let runtime = Runtime::with_config(config);
    let module = runtime.compile(wasm).map_err(|e| Setup::Compile(format!("compile: {e}")))?;
    let (mounts, work) = p.prepare(tmp, rt).map_err(Setup::Other)?;
    let (out, err) = (SharedBuffer::new(), SharedBuffer::new());
    let mut wc = WasiConfig::new().with_args(&p.args).with_stdout_buffer(out.clone()).with_stderr_buffer(err.clone());
    for m in &mounts {
        wc = wc.with_mount(&m.host, m.guest.clone(), !m.writable);
    }
    wasi::instantiate(&runtime, wc).map_err(|e| Setup::Other(e.to_string()))?;
    Ok(Box::new(move || {
        p.clear_outputs(work.as_deref());
        let (o0, e0) = (out.contents().len(), err.contents().len());
        let instance = runtime.instantiate(&module, ModuleConfig::new()).map_err(|e| format!("instantiate: {e}"))?;
        let t = cpu_seconds();
        let code = wasi::run_start(&instance).map_err(|t| format!("trap: {t}"))?;
        let secs = cpu_seconds() - t;
        p.check(code, &out.contents()[o0..], &err.contents()[e0..], work.as_deref())?;
        Ok(vec![secs])
    }))
}

/// The same on wasmi, with [`wasi_shim`]: programs that need arguments or directories cannot
/// run there.
fn wasmi_setup<'a>(wasm: &[u8], p: &'a Program) -> Result<SampleFn<'a>, Setup> {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| Setup::Compile(format!("compile: {e}")))?;
    if !p.args.is_empty() || !p.mounts.is_empty() {
        return Err(Setup::Other("the harness's WASI subset for wasmi (bench/wasi_shim.rs) has no arguments or writable directories".into()));
    }
    let mut linker = wasmi::Linker::<WasiState>::new(&engine);
    wasi_shim::define(&mut linker).map_err(|e| Setup::Other(e.to_string()))?;
    wasi_shim::define_rest(&mut linker, &module).map_err(Setup::Other)?;
    let dir = p.wasm.parent().unwrap_or(Path::new(".")).to_path_buf();
    Ok(Box::new(move || {
        let mut store = wasmi::Store::new(&engine, WasiState::new(&dir));
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(|e| format!("instantiate: {e}"))?;
        let start = instance.get_typed_func::<(), ()>(&store, "_start").map_err(|e| e.to_string())?;
        let t = cpu_seconds();
        let code = match start.call(&mut store, ()) {
            Ok(()) => 0,
            Err(e) => match e.i32_exit_status() {
                Some(code) => code,
                None => return Err(format!("trap: {e}")),
            },
        };
        let secs = cpu_seconds() - t;
        let s = store.data();
        p.check(code, &s.stdout, &s.stderr, None)?;
        Ok(vec![secs])
    }))
}
