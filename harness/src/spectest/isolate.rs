//! Runs one `.wast` script in a child process with a time and a memory budget, so that a script
//! the harness or the runtime cannot handle (an endless loop, a runaway allocation, a crash)
//! becomes failures of that one file with the reason, never a hang or a crash of the whole run.
//!
//! The child is the harness binary itself, started as `zerowasm-harness spectest-file …`
//! ([`serve`]); it prints the file's [`FileResult`] as JSON on stdout. The parent
//! ([`run_file_isolated`]) kills it when the time budget runs out, and on Unix caps its data
//! segment (`RLIMIT_DATA`: heap and private writable mappings, not address space, so the
//! Compiler's guard-page reservations are not counted) with the memory budget.

use super::runner::whole_file_failures;
use super::{run_file, Engine, FileResult, RunConfig, Suite, WastFile};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one script may use before it is stopped and its assertions fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Wall time for the whole script (compiling and running every module in it).
    pub time: Duration,
    /// Bytes of heap and private writable memory (`RLIMIT_DATA`, Unix only), linear memories
    /// included.
    pub memory_bytes: u64,
}

impl Budget {
    /// Five minutes and 8 GiB: the slowest official script takes seconds in a debug build, and
    /// none needs more than a few hundred MiB.
    pub const DEFAULT: Budget = Budget { time: Duration::from_secs(300), memory_bytes: 8 << 30 };
}

/// What the child prints: the file's result, or why it could not be run.
#[derive(serde::Serialize, serde::Deserialize)]
enum ChildOutput {
    Ran(FileResult),
    /// The file could not be set up (unreadable, an engine not built): an error of the run.
    Error(String),
    /// The runner could not run it: a panic, or no memory for the runner's thread.
    Died(String),
}

/// The child's command-line arguments after `spectest-file`, as [`serve`] reads them.
fn child_args(file: &WastFile, config: &RunConfig) -> Vec<String> {
    let mut args = vec![
        "spectest-file".to_string(),
        "--suite".into(),
        file.suite.name().into(),
        "--engine".into(),
        config.engine.name().into(),
        "--rel".into(),
        file.rel.clone(),
    ];
    if config.instrumented {
        args.push("--instrumented".into());
    }
    if config.explicit_bounds_checks {
        args.push("--explicit-bounds-checks".into());
    }
    args.push(file.path.to_string_lossy().into_owned());
    args
}

/// Runs `file` as `config` says in a child process started from the harness binary `exe`,
/// within `budget`. A script that runs out of time or memory, or whose child dies, gets a
/// failure for every assertion it shows, with the reason; `Err` only when the child cannot be
/// started or the engine is not built.
pub fn run_file_isolated(exe: &Path, file: &WastFile, config: &RunConfig, budget: Budget) -> Result<FileResult, String> {
    // Checked here so an engine that is not built is the same error as in-process.
    config.runtime_config(file.suite)?;
    let start = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.args(child_args(file, config)).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let bytes = budget.memory_bytes as libc::rlim_t;
        // SAFETY: the closure runs in the child between fork and exec and calls only
        // `setrlimit`, which is async-signal-safe; it touches no memory of the parent's locks.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
                if libc::setrlimit(libc::RLIMIT_DATA, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {} for {}: {e}", exe.display(), file.id()))?;
    // Drain both pipes on threads, so a child that writes much never blocks on a full pipe.
    let drain = |r: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>));
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() >= budget.time => {
                let _ = child.kill();
                let _ = child.wait();
                timed_out = true;
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("waiting for the child running {}: {e}", file.id())),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
    let whole_file = |message: String| -> Result<FileResult, String> {
        let text = std::fs::read(&file.path).map_err(|e| format!("{}: {e}", file.path.display()))?;
        let text = String::from_utf8_lossy(&text);
        Ok(FileResult { failures: whole_file_failures(&text, &message), elapsed: start.elapsed(), ..Default::default() })
    };
    if timed_out {
        return whole_file(format!("the script ran past its time budget of {:?} and was stopped", budget.time));
    }
    match serde_json::from_slice::<ChildOutput>(&stdout) {
        Ok(ChildOutput::Ran(mut r)) => {
            r.elapsed = start.elapsed();
            Ok(r)
        }
        Ok(ChildOutput::Error(e)) => Err(e),
        Ok(ChildOutput::Died(why)) => whole_file(format!(
            "the runner died running the script ({why}; its memory budget is {} MiB)",
            budget.memory_bytes >> 20
        )),
        Err(_) => {
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("(nothing on stderr)");
            let how = match status {
                Some(s) => describe_exit(s),
                None => "ended".to_string(),
            };
            if stderr.contains("memory allocation of") {
                whole_file(format!(
                    "the script ran past its memory budget of {} MiB and was stopped ({how}: {last})",
                    budget.memory_bytes >> 20
                ))
            } else {
                // A process starved by the budget may die before it can say so (a thread stack
                // or a guard page it cannot map), so the budget is named here too.
                whole_file(format!(
                    "the runner died running the script ({how}: {last}; its memory budget is {} MiB)",
                    budget.memory_bytes >> 20
                ))
            }
        }
    }
}

fn describe_exit(s: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return format!("killed by signal {sig}");
        }
    }
    match s.code() {
        Some(c) => format!("exit code {c}"),
        None => "no exit code".to_string(),
    }
}

/// The child's side: runs the script `path` (relative path `rel` in `suite`) on `engine` and
/// prints its [`FileResult`] as JSON on stdout. Returns the exit code (0: the result was
/// printed, even if assertions failed).
pub fn serve(suite: &str, engine: &str, rel: &str, path: PathBuf, instrumented: bool, explicit_bounds_checks: bool) -> i32 {
    let (Some(suite), Some(engine)) = (Suite::from_name(suite), Engine::from_name(engine)) else {
        eprintln!("spectest-file: unknown suite {suite:?} or engine {engine:?}");
        return 2;
    };
    let file = WastFile { suite, rel: rel.to_string(), path };
    let config = RunConfig { engine, instrumented, explicit_bounds_checks };
    // A big stack, like the in-process workers, so a deep host stack never decides a test.
    let out = match std::thread::Builder::new()
        .name("spectest".into())
        .stack_size(256 << 20)
        .spawn(move || run_file(&file, &config))
    {
        Err(e) => ChildOutput::Died(format!("cannot start the runner's thread: {e}")),
        Ok(h) => match h.join() {
            Ok(Ok(r)) => ChildOutput::Ran(r),
            Ok(Err(e)) => ChildOutput::Error(e),
            Err(_) => ChildOutput::Died("the runner panicked".into()),
        },
    };
    match serde_json::to_string(&out) {
        Ok(s) => {
            println!("{s}");
            0
        }
        Err(e) => {
            eprintln!("spectest-file: {e}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_arguments_name_the_file_and_the_configuration() {
        let file = WastFile { suite: Suite::from_name("core-3.0").unwrap(), rel: "simd/a.wast".into(), path: "/t/a.wast".into() };
        let config = RunConfig { engine: Engine::Compiler, instrumented: false, explicit_bounds_checks: true };
        assert_eq!(
            child_args(&file, &config),
            ["spectest-file", "--suite", "core-3.0", "--engine", "compiler", "--rel", "simd/a.wast", "--explicit-bounds-checks", "/t/a.wast"]
        );
    }
}
