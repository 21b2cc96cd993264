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
use zerowasm_harness::spectest::{self, Engine, KnownFailures, RunConfig, Suite};

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
                    // A big stack, like the command's workers, so a deep host stack is never
                    // what decides a test.
                    let f = file.clone();
                    let result = std::thread::Builder::new()
                        .stack_size(256 << 20)
                        .spawn(move || spectest::run_file(&f, &config))
                        .map_err(|e| e.to_string())?
                        .join()
                        .map_err(|_| "the runner panicked".to_string())??;
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
