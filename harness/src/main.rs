//! `zerowasm-harness`: the spec test runner and the benchmarks.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use zerowasm_harness::spectest::{self, Engine, Suite};

#[derive(Parser)]
#[command(
    name = "zerowasm-harness",
    version,
    about = "Conformance and benchmark harness for zerowasm"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum EngineArg {
    Interpreter,
    Compiler,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SuiteArg {
    #[value(name = "core-1.0")]
    Core1,
    #[value(name = "core-2.0")]
    Core2,
    All,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the official WebAssembly spec tests (.wast) through zerowasm's public API.
    ///
    /// Prints one line per file and ends with `spectest: N passed, M failed, K skipped`
    /// (counting assertions). Exits 0 iff every failure is listed in
    /// testsuite/known-failures.txt and every listed entry still fails. Writes
    /// <report>/<os>-<arch>/spectest.json and spectest.md unless --file is given.
    Spectest {
        /// Engine(s) to run; engines this zerowasm does not have are reported as "not built".
        #[arg(long, value_enum, default_value = "all")]
        engine: EngineArg,
        /// Suite(s) to run.
        #[arg(long, value_enum, default_value = "all")]
        suite: SuiteArg,
        /// The testsuite root holding core-1.0/ and core-2.0/ (default: $ZEROWASM_TESTSUITE,
        /// then ../shared/testsuite beside the workspace, then testsuite/official).
        #[arg(long, value_name = "DIR")]
        testsuite: Option<PathBuf>,
        /// The reports root; the reports go to DIR/<os>-<arch>/ (default: the workspace's reports/).
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Only the files whose `<suite>/<path>` contains PATTERN (or matches it as a glob with
        /// `*`); repeatable. Reports are not written then.
        #[arg(long = "file", value_name = "PATTERN")]
        files: Vec<String>,
        /// Rewrites testsuite/known-failures.txt to match this run: strikes the entries that
        /// pass now (and those of files no longer in the testsuite). Adds nothing unless
        /// --reason or --derive-reasons is given: the list may only shrink.
        #[arg(long)]
        update_known_failures: bool,
        /// With --update-known-failures: also list the unlisted Core 2.0 failures (Core 1.0 must
        /// pass), each with this reason (combine with --file for per-file reasons). Say what is
        /// missing or wrong, e.g. "the interpreter does not implement SIMD (v128) yet".
        #[arg(
            long,
            requires = "update_known_failures",
            conflicts_with = "derive_reasons"
        )]
        reason: Option<String>,
        /// With --update-known-failures: also list the unlisted Core 2.0 failures, each with a
        /// reason derived from what went wrong (the construct the engine does not support, the
        /// public-API gap, or the failure's message with expected and actual values).
        #[arg(long, requires = "update_known_failures")]
        derive_reasons: bool,
        /// Prints every unlisted failure, not just the first 3 per file.
        #[arg(long, short)]
        verbose: bool,
        /// Files run in parallel (default: the number of CPUs).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Compiles fuel accounting (with more fuel than any test needs) and interrupt checks
        /// into every function, to show that they change no result. Reports are not written.
        #[arg(long)]
        instrumented: bool,
    },
    /// Runs the WASI preview 1 test suite (../shared/wasi-testsuite: c, rust, assemblyscript)
    /// through the public API, and the corpus programs (../shared/corpus/programs) through the
    /// `zerowasm` CLI.
    ///
    /// Prints one line per test, per-suite counts, `programs: N passed, M failed, K skipped`
    /// and last `wasi: N passed, M failed, K skipped`. Exits 0 iff nothing failed. Writes
    /// <report>/<os>-<arch>/wasi.json and wasi.md unless --filter is given.
    Wasi {
        /// Engine(s) to run; engines this zerowasm does not have are reported as skipped.
        #[arg(long, value_enum, default_value = "all")]
        engine: EngineArg,
        /// The WASI testsuite folder holding c/, rust/, assemblyscript/ (default:
        /// $ZEROWASM_WASI_TESTSUITE, then ../shared/wasi-testsuite beside the workspace).
        #[arg(long, value_name = "DIR")]
        suite: Option<PathBuf>,
        /// The corpus programs folder (default: $ZEROWASM_CORPUS, then ../shared/corpus/programs).
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// The `zerowasm` binary to run the programs with (default: the one next to this binary).
        #[arg(long, value_name = "PATH")]
        cli: Option<PathBuf>,
        /// Only the tests whose `<suite>/<name>` (or `programs/<name>`) contains PATTERN;
        /// repeatable. The report is not written then.
        #[arg(long = "filter", value_name = "PATTERN")]
        filter: Vec<String>,
        /// The reports root; the report goes to DIR/<os>-<arch>/ (default: the workspace's reports/).
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Prints each failure in full.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Runs the benchmarks: CoreMark, sightglass execution, startup (compile + instantiate),
    /// micro-benchmarks and the CLI's start time, on zerowasm and the peer runtimes.
    ///
    /// Prints each sample as it comes, then the ratios (how many times faster zerowasm is than
    /// each peer) and the targets. Writes <report>/<os>-<arch>/bench.json and bench.md unless
    /// --only is given without --report.
    Bench {
        /// Engine(s) to run.
        #[arg(long, value_enum, default_value = "all")]
        engine: EngineArg,
        /// Only the groups (coremark, execution, startup, micro, cli) or benchmarks whose name
        /// contains NAME (e.g. `sightglass/bz2`, `compile/spidermonkey`); repeatable.
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// Also run wasmtime and wasm3 (installed by `make bench-peers`); missing ones are
        /// reported as missing. wasmi always runs (in-process).
        #[arg(long)]
        peers: bool,
        /// Samples per figure (default: 3 for CoreMark, sightglass and startup, more for the
        /// short ones).
        #[arg(long, value_name = "N")]
        rounds: Option<usize>,
        /// The reports root; the report goes to DIR/<os>-<arch>/ (default: the workspace's reports/).
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Spectest {
            engine,
            suite,
            testsuite,
            report,
            files,
            update_known_failures,
            reason,
            derive_reasons,
            verbose,
            jobs,
            instrumented,
        } => {
            let engines = match engine {
                EngineArg::Interpreter => vec![Engine::Interpreter],
                EngineArg::Compiler => vec![Engine::Compiler],
                EngineArg::All => Engine::ALL.to_vec(),
            };
            let suites = match suite {
                SuiteArg::Core1 => vec![Suite::Core1],
                SuiteArg::Core2 => vec![Suite::Core2],
                SuiteArg::All => Suite::ALL.to_vec(),
            };
            let opts = spectest::Options {
                engines,
                suites,
                testsuite,
                report,
                files,
                update_known_failures,
                add: match (reason, derive_reasons) {
                    (Some(r), _) => Some(spectest::AddReason::Fixed(r)),
                    (None, true) => Some(spectest::AddReason::Derived),
                    (None, false) => None,
                },
                verbose,
                jobs,
                instrumented,
            };
            ExitCode::from(spectest::command(&opts) as u8)
        }
        Command::Wasi { engine, suite, corpus, cli, filter, report, verbose } => {
            let engines = match engine {
                EngineArg::Interpreter => vec![Engine::Interpreter],
                EngineArg::Compiler => vec![Engine::Compiler],
                EngineArg::All => Engine::ALL.to_vec(),
            };
            let opts = zerowasm_harness::wasi::Options { engines, suite, corpus, cli, filter, report, verbose };
            ExitCode::from(zerowasm_harness::wasi::command(&opts) as u8)
        }
        Command::Bench { engine, only, peers, rounds, report } => {
            let engines = match engine {
                EngineArg::Interpreter => vec![Engine::Interpreter],
                EngineArg::Compiler => vec![Engine::Compiler],
                EngineArg::All => Engine::ALL.to_vec(),
            };
            let opts = zerowasm_harness::bench::Options { engines, only, peers, rounds: rounds.map(|r| r.max(1)), report };
            ExitCode::from(zerowasm_harness::bench::command(&opts) as u8)
        }
    }
}
