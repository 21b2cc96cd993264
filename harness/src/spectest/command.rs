//! The `zerowasm-harness spectest` command: runs the selected suites × engines, prints one
//! line per file, checks the known-failures list both ways, optionally updates it, writes the
//! reports and ends with `spectest: N passed, M failed, K skipped`.

use super::known::KnownFailures;
use super::report::{self, RunReport};
use super::{
    discover, known_failures_path, locate_testsuite, Engine, FileResult, RunConfig,
    Suite, Totals, WastFile,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Instant;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Engines, in order.
    pub engines: Vec<Engine>,
    /// Suites, in order (of [`super::SUITES`]).
    pub suites: Vec<Suite>,
    /// The testsuite root (see [`locate_testsuite`]).
    pub testsuite: Option<PathBuf>,
    /// The reports root (default: the workspace's `reports/`).
    pub report: Option<PathBuf>,
    /// Only files whose `<suite>/<path>` matches one of these (substring, or glob with `*`).
    pub files: Vec<String>,
    /// Rewrite the known-failures list to match this run.
    pub update_known_failures: bool,
    /// How failures are added by `update_known_failures`; `None`: none are added (the list
    /// only shrinks).
    pub add: Option<AddReason>,
    /// Print every unlisted failure (default: the first 3 per file).
    pub verbose: bool,
    /// Worker threads (default: available parallelism).
    pub jobs: Option<usize>,
    /// Run with fuel accounting (and more fuel than any test needs) and interrupt checks
    /// compiled in, to show they change no result; reports are not written.
    pub instrumented: bool,
    /// Whether the Compiler checks memory accesses explicitly instead of using guard pages.
    pub explicit_bounds_checks: bool,
}

/// The reason recorded for each failure `--update-known-failures` adds.
#[derive(Clone, Debug)]
pub enum AddReason {
    /// This text, for every failure added.
    Fixed(String),
    /// A reason derived from each failure ([`super::known::derived_reason`]).
    Derived,
}

/// Whether `id` (`<suite>/<path>`) is selected by `pattern`: a glob where `*` matches any run
/// of characters, or else a substring.
pub fn file_matches(pattern: &str, id: &str) -> bool {
    if !pattern.contains('*') {
        return id.contains(pattern);
    }
    fn glob(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
            Some((c, rest)) => s.first() == Some(c) && glob(rest, &s[1..]),
        }
    }
    glob(pattern.as_bytes(), id.as_bytes())
}

/// Runs `files` as `config` says, `jobs` at a time, each in a child process started from the
/// harness binary `exe` within `budget` ([`super::isolate`]), calling `done` for each file in
/// order as soon as it and all before it have finished.
pub fn run_many(
    exe: &std::path::Path,
    files: &[WastFile],
    config: &RunConfig,
    jobs: usize,
    budget: super::isolate::Budget,
    mut done: impl FnMut(&WastFile, Result<FileResult, String>),
) {
    let files: Arc<Vec<WastFile>> = Arc::new(files.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let mut handles = Vec::new();
    for _ in 0..jobs.max(1).min(files.len().max(1)) {
        let (files, next, tx, config, exe) = (files.clone(), next.clone(), tx.clone(), *config, exe.to_path_buf());
        let h = std::thread::Builder::new()
            .name("spectest".into())
            .spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(f) = files.get(i) else { break };
                let r = super::isolate::run_file_isolated(&exe, f, &config, budget);
                if tx.send((i, r)).is_err() {
                    break;
                }
            })
            .expect("spawn a spectest worker");
        handles.push(h);
    }
    drop(tx);
    let mut pending: Vec<Option<Result<FileResult, String>>> =
        (0..files.len()).map(|_| None).collect();
    let mut emitted = 0;
    for (i, r) in rx {
        pending[i] = Some(r);
        while emitted < files.len() {
            let Some(r) = pending[emitted].take() else {
                break;
            };
            done(&files[emitted], r);
            emitted += 1;
        }
    }
    for h in handles {
        let _ = h.join();
    }
    // A worker that died (a panic escaping the runner) leaves its files unreported.
    while emitted < files.len() {
        let r = pending[emitted]
            .take()
            .unwrap_or_else(|| Err("the worker running this file died".into()));
        done(&files[emitted], r);
        emitted += 1;
    }
}

/// Runs the command; returns the process exit code (0: every failure is known and every known
/// failure still fails; 1: otherwise; 2: the run could not be set up).
pub fn command(opts: &Options) -> i32 {
    match command_inner(opts) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("spectest: error: {e}");
            println!("spectest: 0 passed, 0 failed, 0 skipped");
            2
        }
    }
}

fn command_inner(opts: &Options) -> Result<i32, String> {
    let started = Instant::now();
    let root = locate_testsuite(opts.testsuite.as_deref())?;
    // Every file runs in a child process of this binary (see `isolate`).
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the harness binary to run files in: {e}"))?;
    let known_path = known_failures_path();
    let mut known = KnownFailures::load(&known_path)?;
    let jobs = opts.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    println!("spectest: testsuite {}", root.display());

    let mut totals = Totals::default();
    let mut problems: Vec<String> = Vec::new();
    let mut runs: Vec<RunReport> = Vec::new();
    let mut update_notes: Vec<String> = Vec::new();
    let mut ran_something = false;
    let filtered = !opts.files.is_empty();

    for &suite in &opts.suites {
        let all_files = discover(&root, suite)?;
        if all_files.is_empty() {
            return Err(format!(
                "no .wast files in {}",
                root.join(suite.name()).display()
            ));
        }
        let files: Vec<WastFile> = all_files
            .iter()
            .filter(|f| !filtered || opts.files.iter().any(|p| file_matches(p, &f.id())))
            .cloned()
            .collect();
        if files.is_empty() {
            continue;
        }
        for &engine in &opts.engines {
            if !engine.is_built() {
                println!(
                    "{} {}: not built (nothing ran)",
                    suite.name(),
                    engine.name()
                );
                runs.push(RunReport::new(suite, engine, None, &known));
                continue;
            }
            ran_something = true;
            let t = Instant::now();
            let mut results: Vec<(WastFile, FileResult)> = Vec::new();
            let config = RunConfig {
                engine,
                instrumented: opts.instrumented,
                explicit_bounds_checks: opts.explicit_bounds_checks,
            };
            run_many(&exe, &files, &config, jobs, super::isolate::Budget::DEFAULT, |file, r| {
                let r = r.unwrap_or_else(|e| FileResult {
                    failures: vec![super::Failure {
                        line: 1,
                        directive: "script".into(),
                        message: e,
                        expected: None,
                        actual: None,
                    }],
                    ..Default::default()
                });
                let check = known.check(file, engine, &r);
                let mark = if check.is_clean() { "ok" } else { "FAIL" };
                println!(
                    "{:<48} {:<11} {:>6} passed {:>6} failed ({} known) {:>4} skipped {:>7.0?}  {mark}",
                    file.id(),
                    engine.name(),
                    r.passed,
                    r.failures.len(),
                    check.known,
                    r.skips.len(),
                    r.elapsed
                );
                results.push((file.clone(), r));
            });
            let mut suite_totals = Totals::default();
            for (file, r) in &results {
                suite_totals.add(r);
                if opts.update_known_failures {
                    let check = known.check(file, engine, r);
                    let must_pass = suite.spec().must_pass;
                    if !check.unlisted.is_empty() && must_pass && opts.add.is_some() {
                        problems.push(format!(
                            "{}: {} failures not added: {} must pass completely, fix them instead",
                            file.id(),
                            check.unlisted.len(),
                            suite.name()
                        ));
                    }
                    let fixed = |_: &super::Failure| match &opts.add {
                        Some(AddReason::Fixed(r)) => r.clone(),
                        _ => String::new(),
                    };
                    let reason: Option<&dyn Fn(&super::Failure) -> String> =
                        match (must_pass, &opts.add) {
                            (true, _) | (_, None) => None,
                            (_, Some(AddReason::Fixed(_))) => Some(&fixed),
                            (_, Some(AddReason::Derived)) => Some(&super::known::derived_reason),
                        };
                    let (struck, added) = known.update(file, engine, r, reason);
                    if struck + added > 0 {
                        update_notes.push(format!(
                            "{} {}: struck {struck}, added {added}",
                            file.id(),
                            engine.name()
                        ));
                    }
                }
                let check = known.check(file, engine, r);
                if !check.is_clean() {
                    let shown = if opts.verbose { usize::MAX } else { 3 };
                    let text = check.describe(file, engine, shown);
                    problems.push(text.trim_end().to_string());
                }
            }
            if !filtered {
                let stale = known.stale(suite, &all_files);
                if opts.update_known_failures {
                    known.remove(&stale.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>());
                } else {
                    for (k, _) in stale {
                        problems.push(format!("STALE {k}: no such file in the testsuite; strike it from testsuite/known-failures.txt"));
                    }
                }
            }
            println!(
                "{} {}: {} passed, {} failed, {} skipped in {:.1?}",
                suite.name(),
                engine.name(),
                suite_totals.passed,
                suite_totals.failed,
                suite_totals.skipped,
                t.elapsed()
            );
            totals.passed += suite_totals.passed;
            totals.failed += suite_totals.failed;
            totals.skipped += suite_totals.skipped;
            runs.push(RunReport::new(suite, engine, Some(&results), &known));
        }
    }

    if opts.update_known_failures {
        known.save(&known_path)?;
        for n in &update_notes {
            println!("known failures: {n}");
        }
        println!(
            "known failures: {} entries written to {}",
            known.len(),
            known_path.display()
        );
    }
    if filtered {
        println!("reports not written: --file selects only part of the suites");
    } else if opts.instrumented || opts.explicit_bounds_checks {
        println!("reports not written: --instrumented and --explicit-bounds-checks runs are not the reported configuration");
    } else if !runs.is_empty() {
        let dir = report::report_dir(opts.report.as_deref());
        let (j, m) = report::write(&dir, runs)?;
        println!("reports: {} and {}", j.display(), m.display());
    }
    let mut code = 0;
    if !ran_something {
        code = 1;
        println!("spectest: no engine ran: the selected engines are not built into this zerowasm");
    }
    if !problems.is_empty() {
        code = 1;
        println!();
        for p in &problems {
            println!("{p}");
        }
        println!();
        println!(
            "spectest: the run disagrees with testsuite/known-failures.txt ({} problem(s) above); \
             fix the failures; `--update-known-failures` strikes entries that pass",
            problems.len()
        );
    }
    println!("spectest: finished in {:.1?}", started.elapsed());
    println!(
        "spectest: {} passed, {} failed, {} skipped",
        totals.passed, totals.failed, totals.skipped
    );
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::file_matches;

    #[test]
    fn patterns() {
        assert!(file_matches("simd", "core-2.0/simd/simd_lane.wast"));
        assert!(file_matches(
            "core-2.0/simd/*",
            "core-2.0/simd/simd_lane.wast"
        ));
        assert!(!file_matches("core-1.0/*", "core-2.0/simd/simd_lane.wast"));
        assert!(file_matches("*/i32.wast", "core-1.0/i32.wast"));
        assert!(!file_matches("*/i32.wast", "core-1.0/i32x.wast"));
    }
}
