//! The command line's start time: `zerowasm run` of a small C program (the corpus's
//! `c/cat.wasm`, wasi-libc, printing a one-line file: a hello world that also opens a file),
//! from process start to exit, wall time, against `wasmtime run` when a wasmtime CLI is on the
//! PATH.

use super::report::Report;
use super::stats::Metric;
use super::{engine_runtime, measure, selected, wall_since, Bench, Contender, Ctx};
use crate::spectest::Engine;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// Samples per runtime by default.
const ROUNDS: usize = 15;

const BENCH: &str = "cli/hello-c";
/// The same on the Compiler with `--cache-dir` holding the module's compiled code already
/// (the warm-up run fills it), as a user who runs one program repeatedly would set it up.
const BENCH_CACHED: &str = "cli/hello-c-cached";

/// Runs `cmd` once; an error unless it exits 0 printing `expected`.
fn run_once(cmd: &mut Command, expected: &str) -> Result<Vec<f64>, String> {
    let t = Instant::now();
    let out = cmd.stdin(Stdio::null()).stderr(Stdio::piped()).stdout(Stdio::piped()).output().map_err(|e| e.to_string())?;
    let secs = wall_since(t);
    if !out.status.success() || String::from_utf8_lossy(&out.stdout) != expected {
        return Err(format!(
            "{:?}: {}, stdout {:?}, stderr {:?}",
            cmd.get_program(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("")
        ));
    }
    Ok(vec![secs])
}

fn on_path(name: &str) -> Option<PathBuf> {
    let local = super::workspace().join(".peers/bin").join(name);
    if local.is_file() {
        return Some(local);
    }
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Measures `zerowasm run` (each engine) and `wasmtime run`.
pub fn run(ctx: &Ctx<'_>, report: &mut Report) {
    if !selected(ctx.only, "cli", BENCH) {
        return;
    }
    let Some(corpus) = crate::wasi::programs::corpus_dir(None) else {
        report.unavailable("cli", BENCH, "all", "failed", "no corpus folder (set ZEROWASM_CORPUS)");
        return;
    };
    let module = corpus.join("c/cat.wasm");
    let fixture: &Path = &corpus.join("fixtures/cat");
    let expected = std::fs::read_to_string(fixture.join("test.txt")).unwrap_or_default();
    eprintln!("{BENCH}: {} test.txt", module.display());
    let mut cs = Vec::new();
    let cli = crate::wasi::default_cli();
    for &e in ctx.engines {
        let name = engine_runtime(e);
        cs.push(match &cli {
            Some(cli) => {
                let (cli, module, expected) = (cli.clone(), module.clone(), expected.clone());
                let dir = format!("{}:/:ro", fixture.display());
                Contender::new(name, move || {
                    let mut c = Command::new(&cli);
                    c.arg("run").arg(if e == Engine::Compiler { "--compiler" } else { "--interpreter" });
                    c.args(["--dir", &dir]).arg(&module).arg("test.txt");
                    run_once(&mut c, &expected)
                })
            }
            None => Contender::unavailable(name, "failed", "the zerowasm binary is not built next to the harness (cargo build --release --workspace)"),
        });
    }
    cs.push(match on_path("wasmtime") {
        Some(w) => {
            let (module, expected) = (module.clone(), expected.clone());
            let dir = format!("{}::/", fixture.display());
            Contender::new("wasmtime", move || {
                let mut c = Command::new(&w);
                c.arg("run").args(["--dir", &dir]).arg(&module).arg("test.txt");
                run_once(&mut c, &expected)
            })
        }
        None => Contender::unavailable(
            "wasmtime",
            "missing",
            "no `wasmtime` CLI on the PATH or in .peers/bin (PyPI's wasmtime has none; `cargo install wasmtime-cli --locked` builds one)",
        ),
    });
    let rounds = ctx.rounds.unwrap_or(ROUNDS).max(5);
    measure(report, &Bench { group: "cli", rows: vec![(BENCH.into(), Metric::Seconds)], rounds, warmup: true, long_round: None }, cs);

    if !ctx.engines.contains(&Engine::Compiler) {
        return;
    }
    let cache = match crate::wasi::programs::TempDir::new("bench-cache") {
        Ok(d) => d,
        Err(e) => {
            report.unavailable("cli", BENCH_CACHED, engine_runtime(Engine::Compiler), "failed", &format!("no temporary folder: {e}"));
            return;
        }
    };
    let c = match &cli {
        Some(cli) => {
            let (cli, cache) = (cli.clone(), cache.0.clone());
            let dir = format!("{}:/:ro", fixture.display());
            Contender::new(engine_runtime(Engine::Compiler), move || {
                let mut c = Command::new(&cli);
                c.args(["run", "--compiler", "--cache-dir"]).arg(&cache);
                c.args(["--dir", &dir]).arg(&module).arg("test.txt");
                run_once(&mut c, &expected)
            })
        }
        None => Contender::unavailable(engine_runtime(Engine::Compiler), "failed", "the zerowasm binary is not built next to the harness (cargo build --release --workspace)"),
    };
    eprintln!("{BENCH_CACHED}: the same with --cache-dir {}", cache.0.display());
    measure(report, &Bench { group: "cli", rows: vec![(BENCH_CACHED.into(), Metric::Seconds)], rounds, warmup: true, long_round: None }, vec![c]);
}
