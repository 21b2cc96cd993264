//! The C programs of `bench/c/` (the bench `programs` group) on zerowasm's engines, each
//! printing exactly its native build's output: the full workload (what the benchmark runs,
//! `<name>.stdout.expected`) on the Compiler, and the short one (argument `small`,
//! `<name>.small.stdout.expected`) on both engines, which keeps the Interpreter's part quick
//! in the unoptimised test build. This guards the committed .wasm and expected files, and the
//! engines on them; timings are the bench's business (`zerowasm-harness bench --only programs`).

use zerowasm_harness::bench::programs::{c_dir, c_programs, run_once};
use zerowasm_harness::spectest::Engine;

fn run_all(engine: Engine, small: bool) {
    let programs = c_programs(&c_dir(), small);
    assert!(programs.len() >= 10, "expected the C programs in {}, found {}", c_dir().display(), programs.len());
    let mut failures = Vec::new();
    for p in &programs {
        let t = std::time::Instant::now();
        match run_once(engine, p) {
            Ok(_) => eprintln!("{} on {engine:?}: ok ({:.2} s)", p.name, t.elapsed().as_secs_f64()),
            Err(e) => failures.push(format!("{}: {e}", p.name)),
        }
    }
    assert!(failures.is_empty(), "{} of {} programs failed on {engine:?}:\n{}", failures.len(), programs.len(), failures.join("\n"));
}

fn compiler_available() -> bool {
    let yes = zerowasm::EngineKind::Compiler.is_available();
    if !yes {
        eprintln!("skipped: the Compiler is not available on this host");
    }
    yes
}

#[test]
fn short_workloads_on_the_interpreter() {
    run_all(Engine::Interpreter, true);
}

#[test]
fn short_workloads_on_the_compiler() {
    if compiler_available() {
        run_all(Engine::Compiler, true);
    }
}

#[test]
fn full_workloads_on_the_compiler() {
    if compiler_available() {
        run_all(Engine::Compiler, false);
    }
}

/// Every program has its source, its module and both expected outputs.
#[test]
fn each_program_has_its_files() {
    let dir = c_dir();
    let mut sources: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".c").map(str::to_string))
        .collect();
    sources.sort();
    for small in [false, true] {
        let names: Vec<String> = c_programs(&dir, small).iter().map(|p| p.name.trim_start_matches("c/").to_string()).collect();
        assert_eq!(
            sources, names,
            "every bench/c/<name>.c needs <name>.wasm, <name>.stdout.expected and <name>.small.stdout.expected (scripts/build-cbench.sh)"
        );
    }
}
