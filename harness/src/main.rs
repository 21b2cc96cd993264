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

/// `--suite`'s values: `all` and the name of every entry of `spectest::SUITES`, each with its
/// description in `--help`.
fn suite_arg() -> clap::builder::PossibleValuesParser {
    let all = clap::builder::PossibleValue::new("all").help("every suite below, in this order");
    let proposals = clap::builder::PossibleValue::new(spectest::PROPOSALS).help("every suite under proposals/");
    let each = spectest::SUITES.iter().map(|s| clap::builder::PossibleValue::new(s.name).help(s.description));
    clap::builder::PossibleValuesParser::new([all, proposals].into_iter().chain(each))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum OracleArg {
    Wasmi,
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let (num, unit) = s.find(|c: char| !c.is_ascii_digit() && c != '.').map(|i| s.split_at(i)).unwrap_or((s, "s"));
    let n: f64 = num.parse().map_err(|_| format!("bad duration {s:?}: expected e.g. 90s, 10m, 8h"))?;
    let secs = match unit {
        "s" | "" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("bad duration unit in {s:?}: use s, m or h")),
    };
    Ok(std::time::Duration::from_secs_f64(secs))
}

fn parse_features(s: &str) -> Result<zerowasm_harness::fuzz::gen::FeatureSet, String> {
    zerowasm_harness::fuzz::gen::FeatureSet::from_name(s)
        .ok_or_else(|| {
            let names: Vec<&str> = zerowasm_harness::fuzz::gen::FeatureSet::ALL.iter().map(|f| f.name()).collect();
            format!("unknown feature set {s:?}: use one of {}", names.join(", "))
        })
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
        #[arg(long, value_parser = suite_arg(), default_value = "all")]
        suite: String,
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
        /// The Compiler checks every memory access explicitly instead of trapping with guard
        /// pages, as on hosts without its signal handler. Reports are not written.
        #[arg(long)]
        explicit_bounds_checks: bool,
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
    /// Differential fuzzing: modules generated by wasm-smith run on the Interpreter and the
    /// Compiler (and wasmi with --oracle wasmi); results, traps, exported state, host calls and
    /// validation must agree.
    ///
    /// Prints progress to stderr and ends with `fuzz: N modules, E calls, D divergences, in S s`.
    /// Each divergence is shrunk and written to <corpus>/regressions/<id>/. Exits 0 iff none
    /// was found. Ctrl-C stops cleanly.
    Fuzz {
        /// How long to run: `90s`, `10m`, `8h` (a bare number is seconds).
        #[arg(long, default_value = "60s", value_parser = parse_duration)]
        duration: std::time::Duration,
        /// The first case's seed (case i has seed N+i); default: from the clock.
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: the number of CPUs).
        #[arg(long, short)]
        jobs: Option<usize>,
        /// Feature sets to generate for (comma-separated or repeated): core-1.0, core-2.0,
        /// simd, tail-call, core-3.0; case seed S uses the (S mod count)-th. Default: all five.
        #[arg(long, value_delimiter = ',', value_parser = parse_features)]
        features: Vec<zerowasm_harness::fuzz::gen::FeatureSet>,
        /// The corpus folder; regressions go to DIR/regressions/ (default: the workspace's corpus/).
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// A third engine to compare with.
        #[arg(long, value_enum)]
        oracle: Option<OracleArg>,
        /// Stop after this many cases (with --seed S, `--count 1` replays case S).
        #[arg(long)]
        count: Option<u64>,
        /// Write fuzz.json and fuzz.md under DIR/<os>-<arch>/ (the record of campaigns grows).
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
        /// Write diverging modules as found, without shrinking them.
        #[arg(long)]
        no_shrink: bool,
        /// Seconds between progress lines (0: none).
        #[arg(long, default_value_t = 5)]
        progress: u64,
        /// Prints each case's module (as text) and the Interpreter's trace (with --count).
        #[arg(long)]
        print: bool,
        /// Checks one module (the shrinking predicate): exits 1 and prints the engines if they
        /// diverge, 0 if they agree.
        #[arg(long, value_name = "FILE", hide = true)]
        check: Option<PathBuf>,
        /// With --check: the call arguments' seed.
        #[arg(long, default_value_t = 0, hide = true)]
        arg_seed: u64,
    },
    /// Runs the benchmarks: CoreMark, sightglass execution, whole programs (bench/c and the
    /// corpus's long-running ones), startup (compile + instantiate), micro-benchmarks, calls
    /// from several threads (concurrency) and the CLI's start time, on zerowasm and the peer
    /// runtimes.
    ///
    /// Prints each sample as it comes, then the ratios (how many times faster zerowasm is than
    /// each peer) and the targets. Writes <report>/<os>-<arch>/bench.json and bench.md unless
    /// --only is given without --report.
    Bench {
        /// Engine(s) to run.
        #[arg(long, value_enum, default_value = "all")]
        engine: EngineArg,
        /// Only the groups (coremark, execution, programs, startup, micro, concurrency, cli) or
        /// benchmarks whose name contains NAME (e.g. `sightglass/bz2`, `c/regex`, `corpus/`,
        /// `compile/spidermonkey`); repeatable.
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// Also run wasmtime and wasm3 (installed by `make bench-peers`); missing ones are
        /// reported as missing. wasmi always runs (in-process).
        #[arg(long)]
        peers: bool,
        /// Samples per figure (default: 7 for CoreMark, 3 for sightglass and startup, more for
        /// the short ones).
        #[arg(long, value_name = "N")]
        rounds: Option<usize>,
        /// The reports root; the report goes to DIR/<os>-<arch>/ (default: the workspace's reports/).
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
    },
    /// Runs one module on wasmi, the fuzzer's oracle, and prints its trace as JSON: the child
    /// process the fuzzer starts for every case, so a crash of wasmi does not end a campaign
    /// (internal).
    #[command(hide = true)]
    FuzzOracle {
        #[arg(long, value_parser = parse_features)]
        features: zerowasm_harness::fuzz::gen::FeatureSet,
        #[arg(long)]
        arg_seed: u64,
        file: PathBuf,
    },
    /// Runs one spec script and prints its result as JSON: the child process `spectest` starts
    /// for every file, to hold it to a time and memory budget (internal).
    #[command(hide = true)]
    SpectestFile {
        #[arg(long)]
        suite: String,
        #[arg(long)]
        engine: String,
        /// The script's path relative to its suite folder.
        #[arg(long)]
        rel: String,
        #[arg(long)]
        instrumented: bool,
        #[arg(long)]
        explicit_bounds_checks: bool,
        path: PathBuf,
    },
    /// The Interpreter's instruction profile over the benchmark programs: how often each
    /// instruction and each straight-line pair ran, averaged over the programs (each weighted
    /// equally). Needs a build with ZEROWASM_DISPATCH=profile (`make profile`).
    ///
    /// Prints the tables; with --out, writes them there too.
    Profile {
        /// Only the programs whose name contains NAME (coremark, sightglass/...); repeatable.
        #[arg(long, value_name = "NAME")]
        only: Vec<String>,
        /// How many rows of each table.
        #[arg(long, default_value_t = 40)]
        top: usize,
        /// Also write the Markdown report to FILE.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // The fuzzer runs wasmi in child processes of this binary.
    if let Ok(exe) = std::env::current_exe() {
        let _ = zerowasm_harness::fuzz::oracle::HARNESS_EXE.set(exe);
    }
    match Cli::parse().command {
        Command::FuzzOracle { features, arg_seed, file } => ExitCode::from(zerowasm_harness::fuzz::oracle::serve(&file, features, arg_seed) as u8),
        Command::SpectestFile { suite, engine, rel, instrumented, explicit_bounds_checks, path } => {
            ExitCode::from(spectest::isolate::serve(&suite, &engine, &rel, path, instrumented, explicit_bounds_checks) as u8)
        }
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
            explicit_bounds_checks,
        } => {
            let engines = match engine {
                EngineArg::Interpreter => vec![Engine::Interpreter],
                EngineArg::Compiler => vec![Engine::Compiler],
                EngineArg::All => Engine::ALL.to_vec(),
            };
            // The parser admits only "all", "proposals" and the names of SUITES.
            let suites = Suite::select(&suite);
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
                explicit_bounds_checks,
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
        Command::Fuzz {
            duration,
            seed,
            jobs,
            features,
            corpus,
            oracle,
            count,
            report,
            no_shrink,
            progress,
            print,
            check,
            arg_seed,
        } => {
            use zerowasm_harness::fuzz;
            let features = if features.is_empty() { fuzz::gen::FeatureSet::ALL.to_vec() } else { features };
            let oracle = oracle == Some(OracleArg::Wasmi);
            if let Some(file) = check {
                return ExitCode::from(fuzz::check_file(&file, features[0], arg_seed, oracle) as u8);
            }
            let seed = seed.unwrap_or_else(|| {
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
            });
            eprintln!("fuzz: seed {seed}, features {}", features.iter().map(|f| f.name()).collect::<Vec<_>>().join(","));
            let opts = fuzz::Options {
                duration: if count.is_some() && duration == std::time::Duration::from_secs(60) { std::time::Duration::MAX } else { duration },
                seed,
                jobs: jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
                features,
                corpus: corpus.unwrap_or_else(|| zerowasm_harness::spectest::workspace_root().join("corpus")),
                oracle,
                count,
                report,
                shrink: !no_shrink,
                progress_secs: progress,
                print,
                stop_on_first: false,
            };
            ExitCode::from(fuzz::command(&opts) as u8)
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
        Command::Profile { only, top, out } => {
            ExitCode::from(zerowasm_harness::bench::profile::command(&only, top, out.as_deref()) as u8)
        }
    }
}
