//! The `zerowasm` command-line tool: runs WebAssembly modules (WASI commands and plain
//! modules) and compiles them to check them.
//!
//! ```text
//! zerowasm run [--interpreter|--compiler] [--dir HOST[:GUEST][:ro]]... [--env K=V]...
//!              [--inherit-env] [--timeout DURATION] [--fuel N] [--max-memory-pages N]
//!              [--trace] [--cache-dir DIR] [--unknown-imports trap|default]
//!              [--invoke FUNC] MODULE.wasm [ARGS...]
//! zerowasm compile [--cache-dir DIR] MODULE.wasm
//! zerowasm --version
//! ```
//!
//! Exit status: the guest's exit code for `run` of a WASI command (0 when `_start` returns,
//! `n` after `proc_exit(n)`); 1 when the module cannot be read, compiled, linked or
//! instantiated, or a directory cannot be mounted; 134 when the guest traps (as a native
//! program that aborts), running out of `--fuel` included, or throws an exception that nothing
//! catches; 124 when `--timeout` stops it (as
//! coreutils' `timeout`); 2 for a usage error.

use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zerowasm::wasi::{self, WasiConfig};
use zerowasm::{CallError, 
    CompilationCache, CompiledModule, EngineKind, FrameInfo, FunctionListener, ModuleConfig, Runtime, RuntimeConfig, Trap, Val,
    ValType, WasmBacktrace,
};

#[derive(Parser)]
#[command(name = "zerowasm", version, about = "Run WebAssembly modules with zerowasm")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a module: its `_start` (WASI command) or, with --invoke, one exported function.
    ///
    /// stdin, stdout and stderr are the guest's; the exit status is the guest's exit code.
    Run(RunArgs),
    /// Decodes, validates and compiles a module, and reports how long that took.
    Compile {
        /// The module (.wasm binary or .wat text).
        module: PathBuf,
        #[command(flatten)]
        engine: EngineArgs,
    },
}

#[derive(Args)]
struct EngineArgs {
    /// Keeps compiled code in DIR (created if missing) and reuses it on later runs of the
    /// same module with the same engine and options (like wazero's -cachedir).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Run with the Interpreter (the default where the Compiler is not available).
    #[arg(long, conflicts_with = "compiler")]
    interpreter: bool,
    /// Run with the Compiler (Cranelift, ahead-of-time machine code; the default on x86_64,
    /// aarch64, riscv64 and s390x hosts).
    #[arg(long)]
    compiler: bool,
}

#[derive(Args)]
struct RunArgs {
    #[command(flatten)]
    engine: EngineArgs,
    /// Mounts host directory HOST at guest path GUEST (default: HOST as given), read-only
    /// with `:ro`. Repeatable; the first is the guest's fd 3.
    #[arg(long = "dir", value_name = "HOST[:GUEST][:ro]")]
    dirs: Vec<String>,
    /// Sets an environment variable of the guest. Repeatable.
    #[arg(long = "env", value_name = "K=V")]
    env: Vec<String>,
    /// Passes every environment variable of this process to the guest (before --env ones).
    #[arg(long)]
    inherit_env: bool,
    /// Stops the guest once DURATION has passed (e.g. 5s, 100ms, 1.5m; units ns, us, ms, s,
    /// m, h), exiting with status 124. Time spent blocked in a WASI call (reading stdin,
    /// sleeping) counts, but the guest only stops once it is back in wasm code.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// Stops the guest (a trap, "fuel exhausted") once it has run N units of fuel: one per
    /// executed wasm operator except nop, drop, block, loop, else and end.
    #[arg(long, value_name = "N")]
    fuel: Option<u64>,
    /// Prints every function call (wasm and host, WASI included) with its arguments, and every
    /// return with its results, to stderr, indented by call depth.
    #[arg(long)]
    trace: bool,
    /// Caps every linear memory at N pages of 64 KiB.
    #[arg(long, value_name = "N")]
    max_memory_pages: Option<u32>,
    /// Calls exported function FUNC with ARGS (parsed by its parameter types) and prints its
    /// results, one per line, instead of running `_start`. `_initialize` runs first if exported.
    /// Integers are decimal (either sign) or 0x hex; a v128 is one 128-bit integer, printed
    /// as 0x and 32 hex digits; floats print in the shortest form that reads back to the
    /// same value (1.0, 5e-324, -inf, NaN).
    #[arg(long, value_name = "FUNC")]
    invoke: Option<String>,
    /// Links every function import that neither WASI nor anything else provides to a function
    /// that traps when called (`trap`) or returns zeros (`default`), instead of refusing the
    /// module (wasmtime's -W unknown-imports-trap / unknown-imports-default).
    #[arg(long, value_name = "POLICY", value_enum)]
    unknown_imports: Option<UnknownImportsArg>,
    /// The module (.wasm binary or .wat text).
    module: PathBuf,
    /// Arguments for the guest (argv[1..]; argv[0] is the module's file name), or for FUNC.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// `--unknown-imports`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum UnknownImportsArg {
    Trap,
    Default,
}

/// A failure that ends the CLI: the message and the exit status.
struct Fail(String, u8);

fn fail<T>(msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail(msg.into(), 1))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Run(a) => run(a),
        Command::Compile { module, engine } => compile(&module, &engine),
    };
    match r {
        Ok(code) => ExitCode::from(code),
        Err(Fail(msg, code)) => {
            eprintln!("zerowasm: error: {msg}");
            ExitCode::from(code)
        }
    }
}

/// The limits `run` applies besides the engine's.
#[derive(Default)]
struct Limits {
    max_pages: Option<u32>,
    fuel: Option<u64>,
    timeout: Option<Duration>,
    trace: bool,
}

/// `--trace`: prints calls and returns to stderr, indented by depth.
#[derive(Default)]
struct Tracer {
    depth: AtomicUsize,
}

impl FunctionListener for Tracer {
    fn before(&self, func: &FrameInfo, host: bool, params: &[Val]) {
        let depth = self.depth.fetch_add(1, Ordering::Relaxed);
        let args: Vec<String> = params.iter().map(show).collect();
        let kind = if host { " (host)" } else { "" };
        eprintln!("{:w$}--> {func}({}){kind}", "", args.join(", "), w = 2 * depth);
    }
    fn after(&self, func: &FrameInfo, _host: bool, results: &[Val]) {
        let depth = self.depth.fetch_sub(1, Ordering::Relaxed).saturating_sub(1);
        let res: Vec<String> = results.iter().map(show).collect();
        eprintln!("{:w$}<-- {func} = ({})", "", res.join(", "), w = 2 * depth);
    }
}

fn runtime(engine: &EngineArgs, limits: &Limits) -> Result<Runtime, Fail> {
    let mut config = if engine.compiler {
        if !EngineKind::Compiler.is_available() {
            return fail("the Compiler does not support this host; use --interpreter");
        }
        RuntimeConfig::compiler()
    } else if engine.interpreter {
        RuntimeConfig::interpreter()
    } else {
        RuntimeConfig::new()
    };
    let max_pages = limits.max_pages;
    if let Some(p) = max_pages {
        if p > 65536 {
            return fail(format!("--max-memory-pages {p}: at most 65536 pages (4 GiB)"));
        }
        config = config.with_memory_limit_pages(p);
    }
    config = config.with_consume_fuel(limits.fuel.is_some()).with_interruptible(limits.timeout.is_some());
    if limits.trace {
        config = config.with_function_listener(Arc::new(Tracer::default()));
    }
    if let Some(dir) = &engine.cache_dir {
        let cache = CompilationCache::with_dir(dir)
            .or_else(|e| fail(format!("cannot use cache directory {}: {e}", dir.display())))?;
        config = config.with_compilation_cache(cache);
    }
    let rt = Runtime::with_config(config);
    if let Some(f) = limits.fuel {
        rt.set_fuel(f).expect("fuel is on");
    }
    Ok(rt)
}

/// A duration such as `5s`, `100ms`, `1.5m` (units ns, us, µs, ms, s, m, h).
fn parse_duration(s: &str) -> Result<Duration, String> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("{s:?}: expected a number and a unit, e.g. 5s or 100ms"))?;
    let secs = match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use ns, us, ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(n * secs).map_err(|e| format!("{s:?}: {e}"))
}

fn load(runtime: &Runtime, path: &Path) -> Result<CompiledModule, Fail> {
    let bytes = std::fs::read(path).or_else(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    runtime.compile(&bytes).or_else(|e| fail(format!("invalid module {}: {e}", path.display())))
}

fn compile(path: &Path, engine: &EngineArgs) -> Result<u8, Fail> {
    let rt = runtime(engine, &Limits::default())?;
    let start = Instant::now();
    let m = load(&rt, path)?;
    let t = start.elapsed();
    println!(
        "compiled {} in {:.3} ms ({} imports, {} exports, {:?})",
        path.display(),
        t.as_secs_f64() * 1e3,
        m.imports().len(),
        m.exports().len(),
        rt.config().engine()
    );
    Ok(0)
}

/// `HOST[:GUEST][:ro]`.
fn parse_dir(spec: &str) -> (String, String, bool) {
    let (rest, ro) = match spec.strip_suffix(":ro") {
        Some(r) => (r, true),
        None => (spec, false),
    };
    match rest.split_once(':') {
        Some((h, g)) if !g.is_empty() => (h.to_string(), g.to_string(), ro),
        Some((h, _)) => (h.to_string(), h.to_string(), ro),
        None => (rest.to_string(), rest.to_string(), ro),
    }
}

fn run(a: RunArgs) -> Result<u8, Fail> {
    let limits = Limits { max_pages: a.max_memory_pages, fuel: a.fuel, timeout: a.timeout, trace: a.trace };
    let rt = runtime(&a.engine, &limits)?;
    let module = load(&rt, &a.module)?;
    // The watchdog starts once the module is compiled: --timeout limits running, not compiling.
    // It is detached: the process exits when the guest is done, whether or not it fired.
    if let Some(t) = a.timeout {
        let handle = rt.interrupt_handle().expect("interruptible");
        std::thread::spawn(move || {
            std::thread::sleep(t);
            handle.interrupt();
        });
    }
    let trap = |t: &Trap| match (t, &a.timeout) {
        (Trap::Interrupted, Some(d)) => {
            trap_fail(format!("wasm trap: interrupted: --timeout {} elapsed", show_duration(*d)), t, 124)
        }
        _ => trap(t),
    };

    let name = a.module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut config = WasiConfig::new().with_inherited_stdio().with_unstable_alias(true);
    if a.invoke.is_none() {
        config = config.with_arg(&name);
        for arg in &a.args {
            config = config.with_arg(arg);
        }
    } else {
        config = config.with_arg(&name);
    }
    if a.inherit_env {
        config = config.with_inherited_env();
    }
    for kv in &a.env {
        let Some((k, v)) = kv.split_once('=') else {
            return fail(format!("--env {kv}: expected K=V"));
        };
        if k.is_empty() {
            return fail(format!("--env {kv}: empty variable name"));
        }
        config = config.with_env(k, v);
    }
    for d in &a.dirs {
        let (host, guest, ro) = parse_dir(d);
        if !Path::new(&host).is_dir() {
            return fail(format!("cannot mount directory {host}: not a directory or does not exist"));
        }
        config = config.with_mount(host, guest, ro);
    }
    wasi::instantiate(&rt, config).or_else(|e| fail(e.to_string()))?;

    let module_config = match a.unknown_imports {
        None => ModuleConfig::new(),
        Some(UnknownImportsArg::Trap) => ModuleConfig::new().with_unknown_imports(zerowasm::UnknownImports::Trap),
        Some(UnknownImportsArg::Default) => ModuleConfig::new().with_unknown_imports(zerowasm::UnknownImports::Default),
    };
    let instance = match rt.instantiate(&module, module_config) {
        Ok(i) => i,
        Err(zerowasm::InstantiationError::Trap(Trap::Exit(code))) => return Ok(code as u8),
        Err(zerowasm::InstantiationError::Trap(t)) => return Err(trap(&t)),
        Err(e) => return fail(format!("cannot instantiate {}: {e}", a.module.display())),
    };

    match a.invoke {
        None => {
            if instance.func("_start").is_none() {
                return Ok(0);
            }
            match wasi::run_start(&instance) {
                Ok(code) => Ok(code as u8),
                Err(wasi::WasiError::Call(e @ (CallError::Trap(_) | CallError::Exception(_)))) => Err(trap(&e.into())),
                Err(e) => fail(format!("cannot run {}: {e}", a.module.display())),
            }
        }
        Some(fname) => {
            let Some(f) = instance.func(&fname) else {
                return fail(format!("{} exports no function named {fname:?}", a.module.display()));
            };
            if let Some(init) = instance.func("_initialize") {
                match init.call(&[]) {
                    Ok(_) => {}
                    Err(CallError::Trap(Trap::Exit(code))) => return Ok(code as u8),
                    Err(e @ (CallError::Trap(_) | CallError::Exception(_))) => return Err(trap(&e.into())),
                    Err(e) => return fail(format!("cannot call _initialize: {e}")),
                }
            }
            let ty = f.ty();
            if ty.params().len() != a.args.len() {
                return fail(format!("{fname} takes {} arguments {ty}, got {}", ty.params().len(), a.args.len()));
            }
            let mut args = Vec::new();
            for (s, t) in a.args.iter().zip(ty.params()) {
                args.push(parse_val(s, *t).ok_or_else(|| Fail(format!("cannot parse {s:?} as {t}"), 1))?);
            }
            match f.call(&args) {
                Ok(results) => {
                    for r in results {
                        println!("{}", show(&r));
                    }
                    Ok(0)
                }
                Err(CallError::Trap(Trap::Exit(code))) => Ok(code as u8),
                Err(e @ (CallError::Trap(_) | CallError::Exception(_))) => Err(trap(&e.into())),
                Err(e) => fail(format!("cannot call {fname}: {e}")),
            }
        }
    }
}

/// A duration as the user would have written it.
fn show_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms < 1000.0 {
        format!("{ms}ms")
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

/// A trap, or an exception nothing caught ([`Trap::Exception`]), as the CLI reports it.
fn trap(t: &Trap) -> Fail {
    if let Trap::Exception(e) = t {
        // Not a trap: the exception wasm threw and nothing caught, with its tag and payload.
        let payload: Vec<String> = e.payload().iter().map(show).collect();
        return trap_fail(format!("wasm exception: uncaught exception of tag {} carrying ({})", e.tag().ty().ty, payload.join(" ")), t, 134);
    }
    trap_fail(format!("wasm trap: {t}"), t, 134)
}

/// `headline`, then the trap's wasm backtrace (function names from the name section).
fn trap_fail(headline: String, t: &Trap, code: u8) -> Fail {
    let mut msg = headline;
    if let Some(bt) = WasmBacktrace::last().filter(|b| b.trap() == Some(t) && !b.frames().is_empty()) {
        msg.push_str("\nwasm backtrace:\n");
        msg.push_str(bt.to_string().trim_end());
    }
    Fail(msg, code)
}

fn parse_val(s: &str, t: ValType) -> Option<Val> {
    Some(match t {
        // Either signedness: -1 and 4294967295 are the same i32.
        ValType::I32 => Val::I32(parse_int(s).and_then(|v| i32::try_from(v).ok().or_else(|| u32::try_from(v).ok().map(|u| u as i32)))?),
        ValType::I64 => Val::I64(parse_int(s).and_then(|v| i64::try_from(v).ok().or_else(|| u64::try_from(v).ok().map(|u| u as i64)))?),
        ValType::F32 => Val::f32(s.parse().ok()?),
        ValType::F64 => Val::f64(s.parse().ok()?),
        // The 128 bits: hex up to 32 digits, or decimal (a negative one as two's complement).
        ValType::V128 => Val::V128(match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(h) => u128::from_str_radix(h, 16).ok()?,
            None => s.parse::<u128>().ok().or_else(|| s.parse::<i128>().ok().map(|v| v as u128))?,
        }),
        // A reference the command line can name: null, of any nullable reference type.
        ValType::Ref(r) if r.nullable && s == "null" => Val::null(r.heap_type),
        _ => return None,
    })
}

/// An integer argument: decimal with an optional sign, or 0x hex; the caller checks the range.
fn parse_int(s: &str) -> Option<i128> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => i128::from_str_radix(h, 16).ok(),
        None => s.parse::<i128>().ok(),
    }
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => x.to_string(),
        Val::I64(x) => x.to_string(),
        // Debug: the shortest digits that read back to the same value, in exponent form when
        // very large or small (Display would print all 324 digits of 5e-324).
        Val::F32(b) => format!("{:?}", f32::from_bits(*b)),
        Val::F64(b) => format!("{:?}", f64::from_bits(*b)),
        Val::V128(x) => format!("0x{x:032x}"),
        Val::FuncRef(None) | Val::ExternRef(None) | Val::ExnRef(None) => "null".into(),
        Val::FuncRef(Some(_)) => "funcref".into(),
        Val::ExternRef(Some(_)) => "externref".into(),
        Val::ExnRef(Some(_)) => "exnref".into(),
        other => format!("{} reference", other.ty()),
    }
}

