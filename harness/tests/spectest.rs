//! The official WebAssembly spec tests as one test per (.wast file × engine), for every suite
//! of `spectest::SUITES`, named like `core-1.0/i32.wast::interpreter` (filter by name as
//! usual: `cargo test -p zerowasm-harness --test spectest -- i32`). The Compiler also runs each file with explicit bounds checks
//! (`::compiler-explicit-bounds-checks`), the configuration of hosts without its signal handler.
//!
//! A test passes iff every failure in the file is listed in `testsuite/known-failures.txt` and
//! every entry listed for the file still fails. Engines this zerowasm does not have are
//! reported as ignored ("not built"), never as passing. The testsuite is found like
//! `zerowasm-harness spectest` finds it ($ZEROWASM_TESTSUITE, ../shared/testsuite,
//! testsuite/official).

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::sync::Arc;
use std::path::Path;
use std::time::Duration;
use zerowasm_harness::spectest::isolate::Budget;
use zerowasm_harness::spectest::{self, Engine, KnownFailures, RunConfig, Suite, WastFile};

/// The harness binary, which runs each file in a child process.
fn harness() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_zerowasm-harness"))
}

fn main() {
    let args = Arguments::from_args();
    let trials = match trials() {
        Ok(t) => t,
        Err(e) => vec![Trial::test("spectest::setup", move || Err(Failed::from(e)))],
    };
    libtest_mimic::run(&args, trials).exit();
}

fn trials() -> Result<Vec<Trial>, String> {
    let root = spectest::locate_testsuite(None)?;
    let known = Arc::new(KnownFailures::load(&spectest::known_failures_path())?);
    let mut trials = Vec::new();
    let mut stale = Vec::new();
    for suite in Suite::all() {
        let files = spectest::discover(&root, suite)?;
        stale.extend(
            known
                .stale(suite, &files)
                .into_iter()
                .map(|(k, _)| k.to_string()),
        );
        for file in files {
            // The Compiler runs twice: with memory traps from guard pages (what users get on
            // x86_64 Linux) and with explicit bounds checks (what other hosts get).
            let variants = Engine::ALL
                .into_iter()
                .map(RunConfig::new)
                .chain([RunConfig { explicit_bounds_checks: true, ..RunConfig::new(Engine::Compiler) }]);
            for config in variants {
                let engine = config.engine;
                let suffix = if config.explicit_bounds_checks { "-explicit-bounds-checks" } else { "" };
                let name = format!("{}::{}{suffix}", file.id(), engine.name());
                let (file, known) = (file.clone(), known.clone());
                trials.push(Trial::ignorable_test(name, move || {
                    if !engine.is_built() {
                        return Ok(Completion::ignored_with(format!(
                            "the {} engine is not built",
                            engine.name()
                        )));
                    }
                    // In a child process with a time and memory budget, as the command runs it.
                    let result = spectest::isolate::run_file_isolated(harness(), &file, &config, Budget::DEFAULT)?;
                    let check = known.check(&file, engine, &result);
                    if check.is_clean() {
                        Ok(Completion::Completed)
                    } else {
                        Err(Failed::from(format!(
                            "{} passed, {} failed ({} known), {} skipped\n{}",
                            result.passed,
                            result.failures.len(),
                            check.known,
                            result.skips.len(),
                            check.describe(&file, engine, 20)
                        )))
                    }
                }));
            }
        }
    }
    trials.extend(budget_trials());
    trials.push(Trial::test(
        "known-failures.txt::no-stale-entries",
        move || {
            if stale.is_empty() {
                Ok(())
            } else {
                Err(Failed::from(format!(
                    "entries for files that are not in the testsuite (strike them):\n{}",
                    stale.join("\n")
                )))
            }
        },
    ));
    for suite in Suite::all().filter(|s| s.spec().must_pass) {
        let k = known.clone();
        trials.push(Trial::test(
            format!("known-failures.txt::{}-is-empty", suite.name()),
            move || {
                let prefix = format!("{}/", suite.name());
                let listed: Vec<String> = k
                    .entries()
                    .filter(|(key, _)| key.file.starts_with(&prefix))
                    .map(|(key, reason)| format!("{key} # {reason}"))
                    .collect();
                if listed.is_empty() {
                    Ok(())
                } else {
                    Err(Failed::from(format!(
                        "{} must pass completely, but these are listed:\n{}",
                        suite.name(),
                        listed.join("\n")
                    )))
                }
            },
        ));
    }
    Ok(trials)
}

/// A script that runs forever, or whose runner cannot get the memory it needs, becomes failures
/// of its assertions with the reason; the run goes on.
fn budget_trials() -> Vec<Trial> {
    let dir = std::env::temp_dir().join(format!("zerowasm-budget-{}", std::process::id()));
    let script = move |name: &str, text: &str| -> Result<WastFile, Failed> {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        Ok(WastFile { suite: Suite::from_name("core-2.0").expect("core-2.0 is a suite"), rel: name.into(), path })
    };
    let endless = r#"(module (func (export "spin") (loop (br 0))))
(assert_return (invoke "spin"))
(assert_return (invoke "spin"))
"#;
    let (s1, s2) = (script.clone(), script);
    vec![
        Trial::test("spectest-budget::time", move || {
            let file = s1("endless.wast", endless)?;
            let budget = Budget { time: Duration::from_secs(2), ..Budget::DEFAULT };
            let r = spectest::isolate::run_file_isolated(harness(), &file, &RunConfig::new(Engine::Interpreter), budget)?;
            let lines: Vec<usize> = r.failures.iter().map(|f| f.line).collect();
            if lines != [2, 3] || !r.failures[0].message.contains("time budget") {
                return Err(format!("expected both assertions to fail on the time budget, got {:#?}", r.failures).into());
            }
            Ok(())
        }),
        Trial::test("spectest-budget::memory", move || {
            let file = s2("small.wast", "(module (memory 1))\n(assert_return (invoke \"nope\"))\n")?;
            // Far less than the runtime itself needs to start.
            let budget = Budget { memory_bytes: 1 << 20, ..Budget::DEFAULT };
            let r = spectest::isolate::run_file_isolated(harness(), &file, &RunConfig::new(Engine::Interpreter), budget)?;
            match &r.failures[..] {
                [f] if f.line == 2 && f.message.contains("memory budget") => Ok(()),
                other => Err(format!("expected the assertion to fail on the memory budget, got {other:#?}").into()),
            }
        }),
    ]
}
