//! Runs the directives of one `.wast` script through zerowasm's public API.
//!
//! Every `assert_*` directive is one assertion: it passes, fails or is skipped (with a reason).
//! A `module`, `register` or `invoke` directive that fails counts as a failure too; one that
//! succeeds is not counted. Each script gets a fresh [`Runtime`] with the `spectest` host
//! module.

use super::legacy;
use super::values;
use super::{RunConfig, Suite, WastFile};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use wast::core::WastRetCore;
use wast::lexer::Lexer;
use wast::parser::{self, ParseBuffer};
use wast::token::Id;
use wast::{QuoteWat, Wast, WastDirective, WastExecute, WastInvoke, WastRet, Wat};
use zerowasm::{CallError, 
    CompiledModule, FuncType, HostModuleBuilder, Instance, InstantiationError, MemoryType,
    ModuleConfig, Runtime, TableType, Trap, Val, ValType,
};

/// A failed assertion (or a failed module/register/invoke directive).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// 1-based line of the directive in the `.wast` file.
    pub line: usize,
    /// The directive, e.g. `assert_return`, `module`.
    pub directive: String,
    /// What went wrong, in one line.
    pub message: String,
    /// The expected value(s), if the failure is a mismatch.
    pub expected: Option<String>,
    /// The actual value(s), if the failure is a mismatch.
    pub actual: Option<String>,
}

impl Failure {
    /// The failure as text: the line, the message, and expected/actual (as a diff when long).
    pub fn render(&self) -> String {
        let mut s = format!("line {}: {}: {}", self.line, self.directive, self.message);
        if let (Some(e), Some(a)) = (&self.expected, &self.actual) {
            if e.len() + a.len() > 120 || e.contains('\n') || a.contains('\n') {
                let diff = similar::TextDiff::from_lines(e.as_str(), a.as_str());
                s.push_str("\n  diff (- expected, + actual):\n");
                for line in diff.unified_diff().context_radius(3).to_string().lines() {
                    s.push_str("    ");
                    s.push_str(line);
                    s.push('\n');
                }
                s.pop();
            } else {
                s.push_str(&format!("\n  expected: {e}\n  actual:   {a}"));
            }
        }
        s
    }
}

/// An assertion that was not run, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skip {
    /// 1-based line of the directive.
    pub line: usize,
    /// Why it was not run.
    pub reason: String,
}

/// The outcome of one script.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileResult {
    /// Assertions that passed.
    pub passed: usize,
    /// Failed assertions and directives, in file order.
    pub failures: Vec<Failure>,
    /// Skipped assertions, in file order.
    pub skips: Vec<Skip>,
    /// Wall time spent.
    pub elapsed: Duration,
}

/// Runs `file` as `config` says. An engine this build does not have fails with an error.
pub fn run_file(file: &WastFile, config: &RunConfig) -> Result<FileResult, String> {
    let text = std::fs::read(&file.path).map_err(|e| format!("{}: {e}", file.path.display()))?;
    let text =
        String::from_utf8(text).map_err(|e| format!("{}: not UTF-8: {e}", file.path.display()))?;
    run_source(&text, file.suite, config)
}

/// Runs the script `text` as a file of `suite`, as `config` says.
pub fn run_source(text: &str, suite: Suite, config: &RunConfig) -> Result<FileResult, String> {
    let runtime_config = config.runtime_config(suite)?;
    let start = Instant::now();
    let (text, _rewrites) = legacy::rewrite(suite, text);
    let lines = LineIndex::new(&text);
    let raw = legacy::raw_assertions(&text);
    let mut result = FileResult::default();

    let mut lexer = Lexer::new(&text);
    lexer.allow_confusing_unicode(true);
    let parsed = ParseBuffer::new_with_lexer(lexer).and_then(|buf| {
        let mut runner = Runner::new(runtime_config, &lines);
        let wast = parser::parse::<Wast>(&buf)?;
        let asserts = wast.directives.iter().filter(|d| is_assertion(d)).count();
        for d in wast.directives {
            runner.directive(d);
        }
        Ok((runner.result, asserts))
    });
    match parsed {
        Ok((r, asserts)) => {
            result = r;
            // Every assertion the text shows must have been parsed (and so counted).
            if asserts != raw.len() {
                result.failures.push(Failure {
                    line: 1,
                    directive: "script".into(),
                    message: format!(
                        "the script shows {} assertions but {asserts} were parsed: some were not counted",
                        raw.len()
                    ),
                    expected: None,
                    actual: None,
                });
            }
        }
        Err(mut e) => {
            e.set_text(&text);
            let msg = e.to_string().lines().next().unwrap_or("").to_string();
            result.failures = whole_file_failures(&text, &format!("the script failed to parse: {msg}"));
        }
    }
    result.failures.sort_by_key(|f| f.line);
    result.elapsed = start.elapsed();
    Ok(result)
}

/// The failures of a script that could not be run at all, for `message`: one per assertion the
/// text shows (so the known-failures list can name them line by line), or one for the script
/// at line 1 if it shows none.
pub(crate) fn whole_file_failures(text: &str, message: &str) -> Vec<Failure> {
    let lines = LineIndex::new(text);
    let raw = legacy::raw_assertions(text);
    let mut out: Vec<Failure> = raw
        .iter()
        .map(|(offset, kw)| Failure {
            line: lines.line(*offset),
            directive: legacy_name(kw).into(),
            message: message.to_string(),
            expected: None,
            actual: None,
        })
        .collect();
    if out.is_empty() {
        out.push(Failure { line: 1, directive: "script".into(), message: message.to_string(), expected: None, actual: None });
    }
    out
}

fn legacy_name(kw: &str) -> &'static str {
    match kw {
        "assert_return" => "assert_return",
        "assert_trap" => "assert_trap",
        "assert_exhaustion" => "assert_exhaustion",
        "assert_invalid" => "assert_invalid",
        "assert_malformed" => "assert_malformed",
        "assert_unlinkable" => "assert_unlinkable",
        _ => "assertion",
    }
}

fn is_assertion(d: &WastDirective<'_>) -> bool {
    use WastDirective::*;
    matches!(
        d,
        AssertMalformed { .. }
            | AssertInvalid { .. }
            | AssertInvalidCustom { .. }
            | AssertMalformedCustom { .. }
            | AssertTrap { .. }
            | AssertReturn { .. }
            | AssertExhaustion { .. }
            | AssertUnlinkable { .. }
            | AssertException { .. }
            | AssertSuspension { .. }
    )
}

/// Byte offset → 1-based line.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset)
    }
}

/// What a module directive left behind: an instance, or why there is none.
type Slot = Result<Instance, String>;

struct Runner<'l> {
    runtime: Runtime,
    lines: &'l LineIndex,
    /// The most recent module instance (the target of unnamed invoke/get/register).
    current: Option<Slot>,
    /// Instances of modules with an `$id`.
    named: HashMap<String, Slot>,
    /// `module definition`s, by `$id`, and the last one.
    definitions: HashMap<String, Result<CompiledModule, String>>,
    last_definition: Option<Result<CompiledModule, String>>,
    result: FileResult,
}

enum Outcome {
    Pass,
    Fail(String, Option<(String, String)>),
    Skip(String),
}

fn fail(msg: impl Into<String>) -> Outcome {
    Outcome::Fail(msg.into(), None)
}

impl<'l> Runner<'l> {
    fn new(config: zerowasm::RuntimeConfig, lines: &'l LineIndex) -> Self {
        let fuel = config.consume_fuel();
        let runtime = Runtime::with_config(config);
        if fuel {
            runtime.set_fuel(u64::MAX).expect("fuel is on");
        }
        spectest_module(&runtime);
        Runner {
            runtime,
            lines,
            current: None,
            named: HashMap::new(),
            definitions: HashMap::new(),
            last_definition: None,
            result: FileResult::default(),
        }
    }

    fn directive(&mut self, d: WastDirective<'_>) {
        let line = self.lines.line(d.span().offset());
        let name = directive_name(&d);
        let counted = is_assertion(&d);
        let outcome = match catch_unwind(AssertUnwindSafe(|| self.run(d))) {
            Ok(o) => o,
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "(no message)".into());
                fail(format!("panicked: {msg}"))
            }
        };
        match outcome {
            Outcome::Pass => {
                if counted {
                    self.result.passed += 1;
                }
            }
            Outcome::Skip(reason) => self.result.skips.push(Skip { line, reason }),
            Outcome::Fail(message, ea) => {
                let (expected, actual) = match ea {
                    Some((e, a)) => (Some(e), Some(a)),
                    None => (None, None),
                };
                self.result.failures.push(Failure {
                    line,
                    directive: name.into(),
                    message,
                    expected,
                    actual,
                });
            }
        }
    }

    fn run(&mut self, d: WastDirective<'_>) -> Outcome {
        use WastDirective::*;
        match d {
            Module(mut q) => {
                let id = q.name().map(|i| i.name().to_string());
                let slot = self.compile(&mut q).and_then(|m| self.instantiate(&m));
                self.bind(id, slot)
            }
            ModuleDefinition(mut q) => {
                let id = q.name().map(|i| i.name().to_string());
                let m = self.compile(&mut q);
                let out = match &m {
                    Ok(_) => Outcome::Pass,
                    Err(e) => fail(e.clone()),
                };
                if let Some(id) = id {
                    self.definitions.insert(id, m.clone());
                }
                self.last_definition = Some(m);
                out
            }
            ModuleInstance {
                instance, module, ..
            } => {
                let def = match module {
                    Some(id) => self.definitions.get(id.name()).cloned(),
                    None => self.last_definition.clone(),
                };
                let slot = match def {
                    None => Err("no such module definition".to_string()),
                    Some(Err(e)) => Err(format!("its module definition failed: {e}")),
                    Some(Ok(m)) => self.instantiate(&m),
                };
                self.bind(instance.map(|i| i.name().to_string()), slot)
            }
            Register { name, module, .. } => match self.instance(module) {
                Err(e) => fail(e),
                Ok(inst) => match self.runtime.register(name, &inst) {
                    Ok(()) => Outcome::Pass,
                    Err(e) => fail(format!("register failed: {e}")),
                },
            },
            Invoke(call) => match self.invoke(&call) {
                Ok(_) => Outcome::Pass,
                Err(e) => fail(e.to_string()),
            },
            AssertReturn { exec, results, .. } => self.assert_return(exec, &results),
            AssertTrap {
                exec: WastExecute::Wat(w),
                message,
                ..
            } => {
                let m = match self.compile(&mut QuoteWat::Wat(w)) {
                    Ok(m) => m,
                    Err(e) => return fail(e),
                };
                match self.runtime.instantiate(&m, ModuleConfig::new()) {
                    Err(InstantiationError::Trap(t)) => trap_matches(&t, message),
                    Err(e) => fail(format!(
                        "instantiation failed with {} instead of trapping with {message:?}",
                        inst_err(&e)
                    )),
                    Ok(_) => fail(format!(
                        "instantiation succeeded; expected it to trap with {message:?}"
                    )),
                }
            }
            AssertTrap { exec, message, .. } => match self.execute(exec) {
                Err(ExecError::Trap(t)) => trap_matches(&t, message),
                Err(ExecError::Setup(e)) => fail(e),
                Ok((vals, _)) => Outcome::Fail(
                    format!("returned normally; expected a trap with {message:?}"),
                    Some((
                        format!("trap: {message}"),
                        values::list(&vals, |_, v| values::actual_str(v, None)),
                    )),
                ),
            },
            AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Err(ExecError::Trap(t)) => trap_matches(&t, message),
                Err(ExecError::Setup(e)) => fail(e),
                Ok(_) => fail(format!("returned normally; expected {message:?}")),
            },
            AssertMalformed { mut module, .. } | AssertInvalid { mut module, .. } => {
                let bytes = match module.encode() {
                    Err(_) => return Outcome::Pass, // the text itself is rejected
                    Ok(b) => b,
                };
                match self.runtime.compile(&bytes) {
                    Err(_) => Outcome::Pass,
                    Ok(_) => fail("the module compiled; expected it to be rejected"),
                }
            }
            AssertUnlinkable {
                module, message, ..
            } => {
                let m = match self.compile(&mut QuoteWat::Wat(module)) {
                    Ok(m) => m,
                    Err(e) => return fail(e),
                };
                match self.runtime.instantiate(&m, ModuleConfig::new()) {
                    Err(InstantiationError::Link(_) | InstantiationError::SegmentDoesNotFit(_)) => {
                        Outcome::Pass
                    }
                    Err(e) => fail(format!(
                        "instantiation failed with {} instead of a link error ({message:?})",
                        inst_err(&e)
                    )),
                    Ok(_) => fail(format!(
                        "instantiation succeeded; expected a link error ({message:?})"
                    )),
                }
            }
            AssertInvalidCustom { .. } | AssertMalformedCustom { .. } => Outcome::Skip(
                "custom-section assertion (annotations proposal), in no suite zerowasm runs".into(),
            ),
            AssertException { exec, .. } => match self.execute(exec) {
                Err(ExecError::Trap(Trap::Exception(_))) => Outcome::Pass,
                Err(ExecError::Trap(t)) => fail(format!("trapped: {t}; expected an uncaught exception")),
                Err(ExecError::Setup(e)) => fail(e),
                Ok(_) => fail("returned normally; expected an uncaught exception"),
            },
            AssertSuspension { .. } => {
                Outcome::Skip("stack-switching assertion, not part of Core 1.0/2.0".into())
            }
            Thread(_) | Wait { .. } => {
                Outcome::Skip("thread/wait directive (scripts running several threads): waits for threads (issue 21)".into())
            }
        }
    }

    fn bind(&mut self, id: Option<String>, slot: Slot) -> Outcome {
        let out = match &slot {
            Ok(_) => Outcome::Pass,
            Err(e) => fail(e.clone()),
        };
        if let Some(id) = id {
            self.named.insert(id, slot.clone());
        }
        self.current = Some(slot);
        out
    }

    fn compile(&self, q: &mut QuoteWat<'_>) -> Result<CompiledModule, String> {
        if let QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..) = q {
            return Err("components are not supported".into());
        }
        let bytes = q
            .encode()
            .map_err(|e| format!("text encoding failed: {}", e.message()))?;
        self.runtime
            .compile(&bytes)
            .map_err(|e| format!("compile failed: {e}"))
    }

    fn instantiate(&self, m: &CompiledModule) -> Result<Instance, String> {
        self.runtime
            .instantiate(m, ModuleConfig::new())
            .map_err(|e| format!("instantiation failed: {}", inst_err(&e)))
    }

    fn instance(&self, id: Option<Id<'_>>) -> Result<Instance, String> {
        let slot = match id {
            Some(id) => self
                .named
                .get(id.name())
                .ok_or_else(|| format!("no module ${}", id.name()))?,
            None => self
                .current
                .as_ref()
                .ok_or("no module has been defined yet")?,
        };
        slot.clone().map_err(|e| match id {
            Some(id) => format!("module ${} is unavailable: {e}", id.name()),
            None => format!("the current module is unavailable: {e}"),
        })
    }

    /// Runs an invoke; returns the results and the function's declared result types.
    fn invoke(&self, call: &WastInvoke<'_>) -> Result<(Vec<Val>, Vec<ValType>), ExecError> {
        let inst = self.instance(call.module).map_err(ExecError::Setup)?;
        let func = inst
            .func(call.name)
            .ok_or_else(|| ExecError::Setup(format!("no exported function {:?}", call.name)))?;
        let args = call
            .args
            .iter()
            .map(values::arg)
            .collect::<Result<Vec<_>, _>>()
            .map_err(ExecError::Setup)?;
        let vals = func.call(&args).map_err(|e| match e {
            CallError::Trap(t) => ExecError::Trap(t),
            // An uncaught exception ends the call as a trap does; only `assert_exception`
            // expects it (`Trap::Exception` is the same outcome the API hands a host function).
            CallError::Exception(e) => ExecError::Trap(Trap::Exception(e)),
            e => ExecError::Setup(format!("call refused: {e}")),
        })?;
        let tys = if vals.iter().any(|v| matches!(v, Val::FuncRef(_))) {
            let ty: FuncType = func.ty();
            ty.results().to_vec()
        } else {
            Vec::new()
        };
        Ok((vals, tys))
    }

    fn execute(&self, exec: WastExecute<'_>) -> Result<(Vec<Val>, Vec<ValType>), ExecError> {
        match exec {
            WastExecute::Invoke(call) => self.invoke(&call),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module).map_err(ExecError::Setup)?;
                let g = inst
                    .global(global)
                    .ok_or_else(|| ExecError::Setup(format!("no exported global {global:?}")))?;
                let ty = g.ty().content;
                Ok((vec![g.get()], vec![ty]))
            }
            WastExecute::Wat(w) => {
                let m = self
                    .compile(&mut QuoteWat::Wat(w))
                    .map_err(ExecError::Setup)?;
                self.runtime
                    .instantiate(&m, ModuleConfig::new())
                    .map(|_| (Vec::new(), Vec::new()))
                    .map_err(|e| match e {
                        InstantiationError::Trap(t) => ExecError::Trap(t),
                        e => ExecError::Setup(format!("instantiation failed: {}", inst_err(&e))),
                    })
            }
        }
    }

    fn assert_return(&self, exec: WastExecute<'_>, expected: &[WastRet<'_>]) -> Outcome {
        let (vals, tys) = match self.execute(exec) {
            Ok(r) => r,
            Err(ExecError::Trap(t)) => {
                return Outcome::Fail(
                    format!("trapped: {t}"),
                    Some((
                        values::list(expected, |_, e| values::expected_str(e)),
                        format!("trap: {t}"),
                    )),
                )
            }
            Err(ExecError::Setup(e)) => return fail(e),
        };
        let ok = vals.len() == expected.len()
            && vals
                .iter()
                .zip(expected)
                .enumerate()
                .all(|(i, (v, e))| values::matches(e, v, tys.get(i).copied()));
        if ok {
            return Outcome::Pass;
        }
        let exp = values::list(expected, |_, e| values::expected_str(e));
        let act = values::list(&vals, |i, v| values::actual_str(v, expected.get(i)));
        let mut msg = if vals.len() != expected.len() {
            format!("expected {} results, got {}", expected.len(), vals.len())
        } else {
            "wrong result".to_string()
        };
        if expected
            .iter()
            .any(|e| matches!(e, WastRet::Core(WastRetCore::RefExtern(_))))
        {
            msg.push_str(" (API gap: zerowasm::Val has no externref values)");
        }
        Outcome::Fail(msg, Some((exp, act)))
    }
}

enum ExecError {
    /// The call trapped (or instantiation trapped).
    Trap(Trap),
    /// The call could not be made: no such module, export, or an argument the API cannot pass.
    Setup(String),
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::Trap(t) => write!(f, "trapped: {t}"),
            ExecError::Setup(e) => f.write_str(e),
        }
    }
}

fn inst_err(e: &InstantiationError) -> String {
    let kind = match e {
        InstantiationError::Link(_) => "link error",
        InstantiationError::Resource(_) => "resource error",
        InstantiationError::SegmentDoesNotFit(_) => "segment-does-not-fit error",
        InstantiationError::Trap(_) => "trap",
        InstantiationError::DuplicateName(_) => "duplicate-name error",
        InstantiationError::ForeignModule => "foreign-module error",
        InstantiationError::RuntimeClosed => "runtime-closed error",
        InstantiationError::InvalidStartFunction(_) => "start-function error",
        _ => "instantiation error",
    };
    format!("{kind}: {e}")
}

/// The trap message check: the trap's message must contain the expected one. The reference
/// interpreter appends the element index to "uninitialized element" (e.g. Core 1.0
/// elem.wast: "uninitialized element 7"); zerowasm's `Trap` carries no index, so a trailing
/// index in the expectation is not required.
fn trap_matches(t: &Trap, expected: &str) -> Outcome {
    let actual = t.to_string();
    let trimmed = match expected.strip_prefix("uninitialized element ") {
        Some(rest) if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) => {
            "uninitialized element"
        }
        _ => expected,
    };
    if actual.contains(trimmed) {
        Outcome::Pass
    } else {
        Outcome::Fail(
            "wrong trap".into(),
            Some((format!("trap: {expected}"), format!("trap: {actual}"))),
        )
    }
}

fn directive_name(d: &WastDirective<'_>) -> &'static str {
    use WastDirective::*;
    match d {
        Module(_) => "module",
        ModuleDefinition(_) => "module definition",
        ModuleInstance { .. } => "module instance",
        AssertMalformed { .. } => "assert_malformed",
        AssertInvalid { .. } => "assert_invalid",
        AssertInvalidCustom { .. } => "assert_invalid_custom",
        AssertMalformedCustom { .. } => "assert_malformed_custom",
        Register { .. } => "register",
        Invoke(_) => "invoke",
        AssertTrap { .. } => "assert_trap",
        AssertReturn { .. } => "assert_return",
        AssertExhaustion { .. } => "assert_exhaustion",
        AssertUnlinkable { .. } => "assert_unlinkable",
        AssertException { .. } => "assert_exception",
        AssertSuspension { .. } => "assert_suspension",
        Thread(_) => "thread",
        Wait { .. } => "wait",
    }
}

/// Instantiates the `spectest` host module as the reference interpreter defines it.
fn spectest_module(runtime: &Runtime) {
    HostModuleBuilder::new("spectest")
        .func("print", || {})
        .func("print_i32", |_: i32| {})
        .func("print_i64", |_: i64| {})
        .func("print_f32", |_: f32| {})
        .func("print_f64", |_: f64| {})
        .func("print_i32_f32", |_: i32, _: f32| {})
        .func("print_f64_f64", |_: f64, _: f64| {})
        .global("global_i32", Val::I32(666), false)
        .global("global_i64", Val::I64(666), false)
        .global("global_f32", Val::f32(666.6), false)
        .global("global_f64", Val::f64(666.6), false)
        .table(
            "table",
            TableType::new(zerowasm::RefType::FUNCREF, 10, Some(20)),
        )
        .table(
            "table64",
            TableType::new64(zerowasm::RefType::FUNCREF, 10, Some(20)),
        )
        .memory(
            "memory",
            MemoryType::new(1, Some(2)),
        )
        .memory("shared_memory", MemoryType::shared(1, 2))
        .instantiate(runtime)
        .expect("the spectest host module instantiates in a fresh runtime");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spectest::Engine;

    #[test]
    fn failures_render_expected_actual_and_diffs() {
        let short = Failure {
            line: 7,
            directive: "assert_return".into(),
            message: "wrong result".into(),
            expected: Some("i32:1 (0x00000001)".into()),
            actual: Some("i32:2 (0x00000002)".into()),
        };
        assert_eq!(
            short.render(),
            "line 7: assert_return: wrong result\n  expected: i32:1 (0x00000001)\n  actual:   i32:2 (0x00000002)"
        );
        let long = Failure {
            expected: Some("i32:1\ni32:2\ni32:3".into()),
            actual: Some("i32:1\ni32:5\ni32:3".into()),
            ..short
        };
        let r = long.render();
        assert!(r.contains("diff (- expected, + actual)"), "{r}");
        assert!(r.contains("-i32:2") && r.contains("+i32:5"), "{r}");
    }

    #[test]
    fn a_script_runs_and_counts() {
        let script = r#"
            (module $a (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
                       (global (export "g") i32 (i32.const 42)))
            (register "a" $a)
            (module (import "a" "f" (func $f (param i32) (result i32)))
                    (import "spectest" "global_i32" (global i32))
                    (func (export "h") (result i32) (call $f (global.get 0))))
            (assert_return (invoke "h") (i32.const 667))
            (assert_return (invoke $a "f" (i32.const 1)) (i32.const 3))
            (assert_return (get $a "g") (i32.const 42))
            (assert_invalid (module (func (result i32))) "type mismatch")
            (assert_malformed (module quote "(func") "unexpected end")
            (assert_unlinkable (module (import "a" "nope" (func))) "unknown import")
            (assert_trap (invoke "nope") "unreachable")
        "#;
        let core1 = Suite::from_name("core-1.0").unwrap();
        let r = run_source(script, core1, &RunConfig::new(Engine::Interpreter)).unwrap();
        let lines: Vec<_> = r.failures.iter().map(|f| (f.line, f.directive.as_str())).collect();
        // The wrong expectation on line 9 fails, and so does the invoke of a missing export.
        assert_eq!(
            lines,
            vec![(9, "assert_return"), (14, "assert_trap")],
            "{:#?}",
            r.failures
        );
        assert_eq!(r.passed, 5);
        assert!(run_file(
            &WastFile {
                suite: core1,
                rel: "x.wast".into(),
                path: "x.wast".into()
            },
            &RunConfig::new(Engine::Compiler)
        )
        .is_err());
    }
}
