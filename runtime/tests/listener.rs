//! Function listeners on both engines: every wasm and host call is heard before and after, with
//! names, arguments and results; a trapping call gets no `after`; a runtime without a listener
//! runs as before.

use std::sync::{Arc, Mutex};
use zerowasm::*;

/// Records every event as a line.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

fn show(vals: &[Val]) -> String {
    vals.iter()
        .map(|v| match v {
            Val::I32(x) => x.to_string(),
            Val::I64(x) => format!("{x}i64"),
            Val::F32(b) => format!("{}f32", f32::from_bits(*b)),
            Val::F64(b) => format!("{}f64", f64::from_bits(*b)),
            Val::V128(x) => format!("{x:#x}v128"),
            other => format!("{other:?}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl FunctionListener for Recorder {
    fn before(&self, func: &FrameInfo, host: bool, params: &[Val]) {
        let kind = if host { "host " } else { "" };
        self.0.lock().unwrap().push(format!("> {kind}{func}({})", show(params)));
    }
    fn after(&self, func: &FrameInfo, _host: bool, results: &[Val]) {
        self.0.lock().unwrap().push(format!("< {func} = {}", show(results)));
    }
}

const PROGRAM: &str = r#"(module $m
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (func $pair (param i64 f32) (result f32 i64) (local.get 1) (local.get 0))
  (func $wide (param v128) (result v128) (local.get 0))
  (func $fail (unreachable))
  (func (export "run") (param i32) (result i32)
    (call $pair (i64.const 7) (f32.const 1.5)) (drop) (drop)
    (drop (call $wide (v128.const i64x2 1 2)))
    (if (i32.eqz (local.get 0)) (then (return (i32.const -1))))
    (call $add (local.get 0) (i32.const 10)))
  (func (export "trap") (call $fail)))"#;

fn events(config: RuntimeConfig) -> Vec<String> {
    let rec = Arc::new(Recorder::default());
    let rt = Runtime::with_config(config.with_function_listener(rec.clone()));
    HostModuleBuilder::new("env").func("add", |a: i32, b: i32| a + b).instantiate(&rt).unwrap();
    let m = rt.compile(PROGRAM).unwrap();
    let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
    let run = i.func("run").unwrap();
    assert_eq!(run.call(&[Val::I32(5)]), Ok(vec![Val::I32(15)]));
    assert_eq!(run.typed::<i32, i32>().unwrap().call(0), Ok(-1));
    assert_eq!(i.func("trap").unwrap().call(&[]), Err(CallError::Trap(Trap::Unreachable)));
    let v = rec.0.lock().unwrap().clone();
    v
}

#[test]
fn both_engines_report_every_call_the_same_way() {
    let interp = events(RuntimeConfig::interpreter());
    let expected = [
        "> m!<wasm function 4>(5)",
        "> m!pair(7i64,1.5f32)",
        "< m!pair = 1.5f32,7i64",
        "> m!wide(0x20000000000000001v128)",
        "< m!wide = 0x20000000000000001v128",
        "> host env!add(5,10)",
        "< env!add = 15",
        "< m!<wasm function 4> = 15",
        "> m!<wasm function 4>(0)",
        "> m!pair(7i64,1.5f32)",
        "< m!pair = 1.5f32,7i64",
        "> m!wide(0x20000000000000001v128)",
        "< m!wide = 0x20000000000000001v128",
        "< m!<wasm function 4> = -1",
        "> m!<wasm function 5>()",
        "> m!fail()",
    ];
    assert_eq!(interp, expected);
    assert_eq!(events(RuntimeConfig::compiler()), expected);
}

#[test]
fn a_panicking_listener_reaches_the_caller_and_the_runtime_stays_usable() {
    struct Panics;
    impl FunctionListener for Panics {
        fn before(&self, func: &FrameInfo, _: bool, _: &[Val]) {
            if func.func_name.as_deref() == Some("boom") {
                panic!("listener refuses");
            }
        }
        fn after(&self, _: &FrameInfo, _: bool, _: &[Val]) {}
    }
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let rt = Runtime::with_config(config.with_function_listener(Arc::new(Panics)));
        let m = rt.compile(r#"(module (func $boom (export "boom")) (func $ok (export "ok") (result i32) (i32.const 1)))"#).unwrap();
        let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
        let boom = i.func("boom").unwrap();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| boom.call(&[])));
        assert!(r.is_err());
        assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(1)]));
    }
}
