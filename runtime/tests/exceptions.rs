//! Exception handling (Wasm 3.0) through the API, in the shapes the spec tests do not reach:
//! an uncaught exception as a call's outcome, host functions that throw, exceptions passing
//! through host frames, tags across instances, and a payload with references; on both engines.

use std::sync::{Arc, OnceLock};
use zerowasm::*;

/// A runtime of each engine (the Interpreter twice where the Compiler is not available).
fn runtimes() -> [Runtime; 2] {
    [RuntimeConfig::interpreter(), RuntimeConfig::compiler()].map(|c| Runtime::with_config(c.with_core_features(CoreFeatures::V3_0)))
}

#[path = "common/instance.rs"]
mod common;
use common::instance;

const TAGS: &str = r#"(module
  (tag $e (export "e") (param i32))
  (tag $pair (export "pair") (param i64 externref))
  (func (export "throw") (param i32) (throw $e (local.get 0)))
  (func (export "throw_pair") (param i64 externref) (throw $pair (local.get 0) (local.get 1))))"#;

#[test]
fn an_uncaught_exception_is_the_calls_outcome_with_its_tag_and_payload() {
    for rt in runtimes() {
    let tags = instance(&rt, TAGS, None);
    let err = tags.func("throw").unwrap().call(&[Val::I32(42)]).unwrap_err();
    let CallError::Exception(exn) = &err else { panic!("expected an exception, got {err:?}") };
    assert_eq!(err.trap(), None, "an exception is not a trap");
    assert_eq!(exn.tag(), tags.tag("e").unwrap());
    assert_ne!(exn.tag(), tags.tag("pair").unwrap());
    assert_eq!(exn.payload(), vec![Val::I32(42)]);
    assert_eq!(exn.tag().ty(), TagType::new([ValType::I32]));

    let host = ExternRef::new("payload");
    let err = tags.func("throw_pair").unwrap().call(&[Val::I64(-1), Val::ExternRef(Some(host.clone()))]).unwrap_err();
    let CallError::Exception(exn) = err else { panic!("expected an exception") };
    assert_eq!(exn.payload(), vec![Val::I64(-1), Val::ExternRef(Some(host))]);
    }
}

#[test]
fn a_host_function_throws_into_wasm_which_catches_by_the_imported_tag() {
    for rt in runtimes() {
    let tags = instance(&rt, TAGS, Some("tags"));
    let tag = tags.tag("e").unwrap();
    let thrown = tag.clone();
    HostModuleBuilder::new("host")
        .func("fail", move |x: i32| -> Result<(), Trap> { Err(Trap::Exception(Exception::new(&thrown, &[Val::I32(x * 2)]).map_err(|e| Trap::host(e.to_string()))?)) })
        .instantiate(&rt)
        .unwrap();
    let m = instance(
        &rt,
        r#"(module
  (import "tags" "e" (tag $e (param i32)))
  (import "host" "fail" (func $fail (param i32)))
  (func (export "catch") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $fail (local.get 0)))
      (i32.const -1)))
  (func (export "pass") (param i32) (call $fail (local.get 0))))"#,
        None,
    );
    assert_eq!(m.func("catch").unwrap().call(&[Val::I32(21)]).unwrap(), vec![Val::I32(42)]);
    // Not caught in wasm: the same exception comes back out.
    let CallError::Exception(exn) = m.func("pass").unwrap().call(&[Val::I32(5)]).unwrap_err() else { panic!("expected an exception") };
    assert_eq!((exn.tag(), exn.payload()), (tag, vec![Val::I32(10)]));
    }
}

#[test]
fn an_exception_passes_through_a_host_frame_and_is_caught_outside_it() {
    for rt in runtimes() {
    let tags = instance(&rt, TAGS, Some("tags"));
    // The host function calls back into wasm, which throws; `?` passes the exception on.
    let inner: Arc<OnceLock<Func>> = Arc::new(OnceLock::new());
    let callee = inner.clone();
    HostModuleBuilder::new("host")
        .func("relay", move |caller: &mut Caller<'_>, x: i32| -> Result<(), Trap> {
            caller.call(callee.get().expect("set"), &[Val::I32(x + 1)])?;
            Ok(())
        })
        .instantiate(&rt)
        .unwrap();
    inner.set(tags.func("throw").unwrap()).unwrap();
    let m = instance(
        &rt,
        r#"(module
  (import "tags" "e" (tag $e (param i32)))
  (import "host" "relay" (func $relay (param i32)))
  (func (export "outer") (param i32) (result i32 exnref)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $relay (local.get 0)))
      (unreachable))))"#,
        None,
    );
    let r = m.func("outer").unwrap().call(&[Val::I32(1)]).unwrap();
    assert_eq!(r[0], Val::I32(2));
    let Val::ExnRef(Some(exn)) = &r[1] else { panic!("expected an exnref, got {:?}", r[1]) };
    assert_eq!(exn.payload(), vec![Val::I32(2)]);
    }
}

#[test]
fn host_exceptions_are_checked_against_their_tag() {
    for rt in runtimes() {
    let tags = instance(&rt, TAGS, None);
    let tag = tags.tag("e").unwrap();
    assert!(matches!(Exception::new(&tag, &[]), Err(ApiError::TypeMismatch(_))));
    assert!(matches!(Exception::new(&tag, &[Val::I64(1)]), Err(ApiError::TypeMismatch(_))));
    let exn = Exception::new(&tag, &[Val::I32(3)]).unwrap();
    assert_eq!(exn.payload(), vec![Val::I32(3)]);
    // An exception of another runtime's tag cannot be thrown here.
    let [other, _] = runtimes();
    let other_tags = instance(&other, TAGS, None);
    let foreign = Exception::new(&other_tags.tag("e").unwrap(), &[Val::I32(1)]).unwrap();
    HostModuleBuilder::new("host")
        .func("fail", move || -> Result<(), Trap> { Err(Trap::Exception(foreign.clone())) })
        .instantiate(&rt)
        .unwrap();
    let m = instance(&rt, r#"(module (import "host" "fail" (func $f)) (func (export "run") (call $f)))"#, None);
    let err = m.func("run").unwrap().call(&[]).unwrap_err();
    assert!(matches!(err.trap(), Some(Trap::Host(_))), "{err:?}");
    }
}

#[test]
fn a_throw_that_nothing_catches_inside_a_loop_of_calls_unwinds_every_frame() {
    for rt in runtimes() {
    let m = instance(
        &rt,
        r#"(module
  (tag $e (param i32))
  (func $down (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 7))))
    (call $down (i32.sub (local.get 0) (i32.const 1))))
  (func (export "deep") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e $h) (call $down (local.get 0)))
      (i32.const -1)))
  (func (export "null") (throw_ref (ref.null exn))))"#,
        None,
    );
    assert_eq!(m.func("deep").unwrap().call(&[Val::I32(10_000)]).unwrap(), vec![Val::I32(7)]);
    let err = m.func("null").unwrap().call(&[]).unwrap_err();
    assert_eq!(err.trap().map(|t| t.to_string()), Some("null exception reference".into()));
    }
}

/// Legacy exception handling (`try`, `catch`, `delegate`, `rethrow`) is on by default and has
/// a switch of its own; a module using it is refused with the validator's message when off.
#[test]
fn legacy_exception_handling_is_on_by_default_and_can_be_switched_off() {
    // (try (do (throw $e (i32.const 5))) (catch $e (rethrow 0))) inside a try that catches.
    let wasm: &[u8] = &[
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // header
        0x01, 0x09, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x01, 0x7f, // types: (i32)->(), ()->i32
        0x03, 0x02, 0x01, 0x01, // one function of type 1
        0x0d, 0x03, 0x01, 0x00, 0x00, // tag section: one tag of type 0
        0x07, 0x05, 0x01, 0x01, b'f', 0x00, 0x00, // export "f"
        0x0a, 0x17, 0x01, 0x15, 0x00, // code: one body, no locals
        0x06, 0x7f, // try (result i32)
        0x06, 0x40, // try
        0x41, 0x05, 0x08, 0x00, // i32.const 5, throw 0
        0x07, 0x00, // catch 0
        0x1a, 0x09, 0x00, // drop, rethrow 0
        0x0b, // end
        0x41, 0x00, // i32.const 0
        0x07, 0x00, // catch 0 (the payload is the result)
        0x0b, 0x0b, // end, end
    ];
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let rt = Runtime::with_config(config.clone());
        let m = rt.compile(wasm).expect("legacy exception handling is on by default");
        let i = rt.instantiate(&m, ModuleConfig::new()).unwrap();
        assert_eq!(i.func("f").unwrap().call(&[]).unwrap(), vec![Val::I32(5)]);
        let off = Runtime::with_config(config.with_wasm_legacy_exceptions(false));
        let err = off.compile(wasm).unwrap_err();
        assert!(err.to_string().contains("legacy_exceptions feature required"), "{err}");
    }
}
