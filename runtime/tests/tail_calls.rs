//! Tail calls (`return_call`, `return_call_indirect`, `return_call_ref`) and `call_ref` on both
//! engines, in the shapes the spec tests do not reach: host callees and callees of other
//! instances in tail position, call depth limits, the listener, fuel.

use std::sync::{Arc, Mutex};
use zerowasm::*;

/// Both engines (the Interpreter twice where the Compiler is not available), with Wasm 3.0.
fn engines() -> [RuntimeConfig; 2] {
    [RuntimeConfig::interpreter(), RuntimeConfig::compiler()].map(|c| c.with_core_features(CoreFeatures::V3_0))
}

#[path = "common/instance.rs"]
mod common;
use common::instance;

/// A host function, a function of another instance (with a memory of its own) and a function of
/// this instance, each tail-called directly, through a table and through a reference.
const CALLER: &str = r#"(module
  (import "host" "mul" (func $mul (param i32 i32) (result i32)))
  (import "other" "peek" (func $peek (param i32) (result i32)))
  (type $bin (func (param i32 i32) (result i32)))
  (type $un (func (param i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "\07")
  (table $t funcref (elem $mul $peek $local))
  (func $local (param i32) (result i32) (i32.add (local.get 0) (i32.load8_u (i32.const 0))))
  (elem declare func $mul $peek)
  (func (export "host") (param i32) (result i32) (return_call $mul (local.get 0) (i32.const 3)))
  (func (export "other") (param i32) (result i32) (return_call $peek (local.get 0)))
  (func (export "host_indirect") (param i32) (result i32)
    (return_call_indirect (type $bin) (local.get 0) (i32.const 5) (i32.const 0)))
  (func (export "other_indirect") (param i32) (result i32)
    (return_call_indirect (type $un) (local.get 0) (i32.const 1)))
  (func (export "host_ref") (param i32) (result i32)
    (return_call_ref $bin (local.get 0) (i32.const 7) (ref.func $mul)))
  (func (export "other_ref") (param i32) (result i32)
    (return_call_ref $un (local.get 0) (ref.func $peek)))
  (func (export "mismatch") (param i32) (result i32)
    (return_call_indirect (type $un) (local.get 0) (i32.const 0)))
  (func (export "null") (param i32) (result i32)
    (return_call_ref $un (local.get 0) (ref.null $un)))
  (func (export "call_null") (param i32) (result i32)
    (call_ref $un (local.get 0) (ref.null $un)))
  ;; After a callee of another instance returns, this instance's memory is the one accessed.
  (func (export "after_other") (param i32) (result i32)
    (i32.add (call_ref $un (local.get 0) (ref.func $peek)) (i32.load8_u (i32.const 0))))
  (func (export "local") (param i32) (result i32)
    (return_call_indirect (type $un) (local.get 0) (i32.const 2))))"#;

const OTHER: &str = r#"(module
  (memory 1)
  (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09")
  (func (export "peek") (param i32) (result i32) (i32.mul (i32.load8_u (local.get 0)) (i32.const 100))))"#;

#[test]
fn tail_calls_reach_host_functions_and_other_instances() {
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config);
        HostModuleBuilder::new("host").func("mul", |a: i32, b: i32| a * b).instantiate(&rt).unwrap();
        instance(&rt, OTHER, Some("other"));
        let i = instance(&rt, CALLER, None);
        let call = |f: &str, x: i32| i.func(f).unwrap().call(&[Val::I32(x)]);
        for (f, x, want) in [
            ("host", 4, 12),
            ("other", 4, 400),
            ("host_indirect", 4, 20),
            ("other_indirect", 9, 900),
            ("host_ref", 2, 14),
            ("other_ref", 3, 300),
            ("after_other", 3, 307),
            ("local", 1, 8),
        ] {
            assert_eq!(call(f, x), Ok(vec![Val::I32(want)]), "{f}({x}) on {engine:?}");
        }
        assert_eq!(call("mismatch", 0), Err(CallError::Trap(Trap::IndirectCallTypeMismatch)), "{engine:?}");
        assert_eq!(call("null", 0), Err(CallError::Trap(Trap::NullFunctionReference)), "{engine:?}");
        assert_eq!(call("call_null", 0), Err(CallError::Trap(Trap::NullFunctionReference)), "{engine:?}");
        // Out of bounds in the other instance's memory, reached by a tail call.
        assert_eq!(call("other", 70_000), Err(CallError::Trap(Trap::MemoryOutOfBounds)), "{engine:?}");
    }
}

const LOOP: &str = r#"(module
  (type $step (func (param i64 i64) (result i64)))
  (table funcref (elem $even $odd))
  (elem declare func $sum)
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n))))))
  (func $even (export "even") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call_indirect (type $step) (i64.sub (local.get $n) (i64.const 1)) (local.get $acc) (i32.const 1)))))
  (func $odd (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.add (local.get $acc) (i64.const 1)))
      (else (return_call_indirect (type $step) (i64.sub (local.get $n) (i64.const 1)) (local.get $acc) (i32.const 0)))))
  (func (export "sum_ref") (param $n i64) (result i64)
    (return_call_ref $step (local.get $n) (i64.const 0) (ref.func $sum))))"#;

#[test]
fn tail_recursion_runs_in_constant_depth() {
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config.with_max_call_depth(50));
        let i = instance(&rt, LOOP, None);
        let n = 300_000i64;
        let sum = n * (n + 1) / 2;
        assert_eq!(i.func("sum").unwrap().call(&[Val::I64(n), Val::I64(0)]), Ok(vec![Val::I64(sum)]), "{engine:?}");
        assert_eq!(i.func("sum_ref").unwrap().call(&[Val::I64(n)]), Ok(vec![Val::I64(sum)]), "{engine:?}");
        assert_eq!(i.func("even").unwrap().call(&[Val::I64(n + 1), Val::I64(0)]), Ok(vec![Val::I64(1)]), "{engine:?}");
    }
}

#[test]
fn both_engines_charge_the_same_fuel_for_tail_calls() {
    let fuel = |config: RuntimeConfig, f: &str, args: &[Val]| {
        let rt = Runtime::with_config(config.with_consume_fuel(true));
        let i = instance(&rt, LOOP, None);
        rt.set_fuel(1 << 40).unwrap();
        let r = i.func(f).unwrap().call(args).expect("enough fuel");
        ((1 << 40) - rt.fuel().unwrap(), r)
    };
    let [interp, comp] = engines();
    for (f, args) in [("sum", vec![Val::I64(1000), Val::I64(0)]), ("even", vec![Val::I64(77), Val::I64(0)]), ("sum_ref", vec![Val::I64(10)])] {
        let a = fuel(interp.clone(), f, &args);
        assert_eq!(a, fuel(comp.clone(), f, &args), "{f}");
        assert!(a.0 > 30, "{f}: {}", a.0);
    }
    // `sum(1, 0)`: local.get, i64.eqz, if (3), then the else arm: local.get, i64.const, i64.sub,
    // local.get, local.get, i64.add, return_call (7); then `sum(0, 1)`: 3, then local.get (1).
    assert_eq!(fuel(interp, "sum", &[Val::I64(1), Val::I64(0)]).0, 14);
}

/// Records the listener's events.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl FunctionListener for Recorder {
    fn before(&self, func: &FrameInfo, _: bool, params: &[Val]) {
        self.0.lock().unwrap().push(format!("> {func} {params:?}"));
    }
    fn after(&self, func: &FrameInfo, _: bool, results: &[Val]) {
        self.0.lock().unwrap().push(format!("< {func} {results:?}"));
    }
}

#[test]
fn with_a_listener_a_tail_call_returns_through_its_caller() {
    let mut runs = Vec::new();
    for config in engines() {
        let rec = Arc::new(Recorder::default());
        let rt = Runtime::with_config(config.with_function_listener(rec.clone()));
        let i = instance(&rt, LOOP, None);
        assert_eq!(i.func("sum").unwrap().call(&[Val::I64(2), Val::I64(0)]), Ok(vec![Val::I64(3)]));
        runs.push(rec.0.lock().unwrap().clone());
    }
    let sum = "<unknown>!sum";
    let expected = [
        format!("> {sum} [I64(2), I64(0)]"),
        format!("> {sum} [I64(1), I64(2)]"),
        format!("> {sum} [I64(0), I64(3)]"),
        format!("< {sum} [I64(3)]"),
        format!("< {sum} [I64(3)]"),
        format!("< {sum} [I64(3)]"),
    ];
    assert_eq!(runs[0], expected);
    assert_eq!(runs[1], expected);
}

#[test]
fn tail_calls_need_the_feature() {
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let rt = Runtime::with_config(config.with_core_features(CoreFeatures::V2_0));
        let src = "(module (func $f (return_call $f)))";
        assert!(rt.compile(src).is_err());
        let rt = Runtime::with_config(RuntimeConfig::interpreter().with_wasm_tail_call(true));
        assert!(rt.compile(src).is_ok());
    }
}

/// Tail calls between functions with more parameters and results than there are registers,
/// and with fewer or more stack arguments than the caller's own.
#[test]
fn tail_calls_with_many_parameters_and_results() {
    let params: String = (0..20).map(|_| " i64").collect();
    let sum: String = (0..20).map(|i| format!("(local.get {i}) ")).collect::<String>() + &"i64.add ".repeat(19);
    let results: String = (0..12).map(|_| " i64").collect();
    let spread: String = (0..12).map(|i| format!("(i64.add (local.get 0) (i64.const {i})) ")).collect();
    let args: String = (0..20).map(|i| format!("(i64.add (local.get 0) (i64.const {i})) ")).collect();
    let src = format!(
        r#"(module
          (type $wide (func (param{params}) (result i64)))
          (table funcref (elem $sum))
          (elem declare func $sum)
          (func $sum (param{params}) (result i64) {sum})
          (func $spread (param i64) (result{results}) {spread})
          ;; One parameter, tail-calling a function of twenty: more stack arguments.
          (func (export "widen") (param i64) (result i64) (return_call $sum {args}))
          (func (export "widen_indirect") (param i64) (result i64)
            (return_call_indirect (type $wide) {args} (i32.const 0)))
          (func (export "widen_ref") (param i64) (result i64) (return_call_ref $wide {args} (ref.func $sum)))
          ;; Twenty parameters, tail-calling a function of one: fewer.
          (func $narrow (param{params}) (result{results}) (return_call $spread (local.get 19)))
          (func (export "narrow") (param i64) (result{results}) (return_call $narrow {args})))"#
    );
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config);
        let i = instance(&rt, &src, None);
        let want = 20 * 5 + (0..20).sum::<i64>();
        for f in ["widen", "widen_indirect", "widen_ref"] {
            assert_eq!(i.func(f).unwrap().call(&[Val::I64(5)]), Ok(vec![Val::I64(want)]), "{f} on {engine:?}");
        }
        let spread: Vec<Val> = (0..12).map(|k| Val::I64(5 + 19 + k)).collect();
        assert_eq!(i.func("narrow").unwrap().call(&[Val::I64(5)]), Ok(spread), "{engine:?}");
    }
}
