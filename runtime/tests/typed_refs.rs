//! Typed function references on both engines, in the shapes the spec tests do not reach: the
//! branches on null with values and to the function's label, type identity across modules and
//! with the host (recursion groups, declared supertypes), the API's checks of concrete
//! reference types, and tables with an initializer.
// As in the library: a link error names both types it compared.
#![allow(clippy::result_large_err)]

use zerowasm::*;

/// Both engines (the Interpreter twice where the Compiler is not available), with Wasm 3.0.
fn engines() -> [RuntimeConfig; 2] {
    [RuntimeConfig::interpreter(), RuntimeConfig::compiler()].map(|c| c.with_core_features(CoreFeatures::V3_0))
}

fn instance(rt: &Runtime, src: &str, name: Option<&str>) -> Result<Instance, InstantiationError> {
    let module = rt.compile(src).expect("compiles");
    let config = match name {
        Some(n) => ModuleConfig::new().with_name(n),
        None => ModuleConfig::new(),
    };
    rt.instantiate(&module, config)
}

const BRANCHES: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
  (elem declare func $inc)
  (func $pick (param $null i32) (result (ref null $t))
    (if (result (ref null $t)) (local.get $null) (then (ref.null $t)) (else (ref.func $inc))))
  ;; br_on_null with a value under the reference: 100 + x when null, else inc(x).
  (func (export "on_null") (param $null i32) (param $x i32) (result i32)
    (local $r (ref null $t))
    (block $is_null (result i32)
      (i32.const 100)
      (call $pick (local.get $null))
      (br_on_null $is_null)
      (local.set $r)
      (drop)
      (return (call_ref $t (local.get $x) (local.get $r))))
    (i32.add (local.get $x)))
  ;; br_on_null to the function's label: -1 when null.
  (func (export "return_on_null") (param $null i32) (param $x i32) (result i32)
    (local $r (ref null $t))
    (local.set $r (call $pick (local.get $null)))
    (i32.const -1)
    (br_on_null 0 (local.get $r))
    (local.set $r)
    (drop)
    (call_ref $t (local.get $x) (local.get $r)))
  ;; br_on_non_null carrying the reference and a value under it; falls through on null.
  (func (export "on_non_null") (param $null i32) (param $x i32) (result i32)
    (block $l (result i32 (ref $t))
      (br_on_non_null $l (local.get $x) (call $pick (local.get $null)))
      (drop)
      (return (i32.const 7)))
    (call_ref $t))
  ;; ref.as_non_null of a local, of a call's result and of a constant null.
  (func (export "as_non_null") (param $null i32) (param $x i32) (result i32)
    (local $r (ref null $t))
    (local.set $r (call $pick (local.get $null)))
    (call_ref $t (local.get $x) (ref.as_non_null (local.get $r))))
  (func (export "as_non_null_of_null") (drop (ref.as_non_null (ref.null $t)))))"#;

#[test]
fn branches_on_null_carry_their_values() {
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config);
        let i = instance(&rt, BRANCHES, None).unwrap();
        let call = |f: &str, null: i32, x: i32| i.func(f).unwrap().call(&[Val::I32(null), Val::I32(x)]);
        for (f, null, x, want) in [
            ("on_null", 1, 5, 105),
            ("on_null", 0, 5, 6),
            ("return_on_null", 1, 5, -1),
            ("return_on_null", 0, 5, 6),
            ("on_non_null", 0, 5, 6),
            ("on_non_null", 1, 5, 7),
            ("as_non_null", 0, 8, 9),
        ] {
            assert_eq!(call(f, null, x), Ok(vec![Val::I32(want)]), "{f}({null}, {x}) on {engine:?}");
        }
        assert_eq!(call("as_non_null", 1, 8), Err(CallError::Trap(Trap::NullReference)), "{engine:?}");
        let f = i.func("as_non_null_of_null").unwrap();
        assert_eq!(f.call(&[]), Err(CallError::Trap(Trap::NullReference)), "{engine:?}");
    }
}

const EXPORTER: &str = r#"(module
  (type $t (func (param i32) (result i32)))
  (rec (type $u (func (param i32) (result i32))) (type $v (func)))
  (func $f (export "f") (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "g") (type $u) (i32.mul (local.get 0) (i32.const 3)))
  (global (export "ref") (ref $t) (ref.func $f))
  (global (export "mut") (mut (ref null $t)) (ref.null $t)))"#;

#[test]
fn types_are_the_same_across_modules_when_their_groups_are() {
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config);
        instance(&rt, EXPORTER, Some("a")).unwrap();
        // Equivalent types, written differently: linked; the global's reference is callable.
        let ok = instance(
            &rt,
            r#"(module
              (type $same (func (param i32) (result i32)))
              (rec (type $also (func (param i32) (result i32))) (type (func)))
              (import "a" "f" (func $f (type $same)))
              (import "a" "g" (func $g (type $also)))
              (import "a" "ref" (global $r (ref null $same)))
              (import "a" "ref" (global $r2 funcref))
              (import "a" "mut" (global $m (mut (ref null $same))))
              (func (export "run") (param i32) (result i32)
                (i32.add (call_ref $same (local.get 0) (ref.as_non_null (global.get $r))) (call $g (local.get 0)))))"#,
            None,
        )
        .unwrap();
        assert_eq!(ok.func("run").unwrap().call(&[Val::I32(5)]), Ok(vec![Val::I32(25)]), "{engine:?}");
        // The same function type alone and in a group of two are different types.
        for (import, ty) in [("f", "(rec (type $x (func (param i32) (result i32))) (type (func)))"), ("g", "(type $x (func (param i32) (result i32)))")] {
            let src = format!(r#"(module {ty} (import "a" "{import}" (func (type $x))))"#);
            let err = instance(&rt, &src, None).unwrap_err();
            assert!(matches!(err, InstantiationError::Link(LinkError::IncompatibleImportType { .. })), "{import} on {engine:?}: {err}");
        }
        // A mutable global's type must be the same, not a supertype.
        let src = r#"(module (import "a" "mut" (global (mut funcref))))"#;
        assert!(instance(&rt, src, None).is_err(), "{engine:?}");
        // An immutable one may be imported at a supertype, not at a subtype.
        let src = r#"(module (type $t (func (param i32) (result i32))) (import "a" "ref" (global (ref $t))))"#;
        assert!(instance(&rt, src, None).is_ok(), "{engine:?}");
        let src = r#"(module (type $t (func)) (import "a" "ref" (global (ref null $t))))"#;
        assert!(instance(&rt, src, None).is_err(), "{engine:?}");
    }
}

#[test]
fn call_indirect_accepts_a_declared_subtype() {
    const SRC: &str = r#"(module
      (type $sup (sub (func (result i32))))
      (type $sub (sub $sup (func (result i32))))
      ;; The same as `$sup` but final: another type.
      (type $other (func (result i32)))
      (func $a (type $sub) (i32.const 1))
      (func $b (type $sup) (i32.const 2))
      (func $c (type $other) (i32.const 3))
      (table funcref (elem $a $b $c))
      (func (export "as_sup") (param i32) (result i32) (call_indirect (type $sup) (local.get 0)))
      (func (export "as_sub") (param i32) (result i32) (call_indirect (type $sub) (local.get 0)))
      (func (export "tail_as_sup") (param i32) (result i32) (return_call_indirect (type $sup) (local.get 0))))"#;
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config);
        let i = instance(&rt, SRC, None).unwrap();
        let call = |f: &str, x: i32| i.func(f).unwrap().call(&[Val::I32(x)]);
        let mismatch = Err(CallError::Trap(Trap::IndirectCallTypeMismatch));
        assert_eq!(call("as_sup", 0), Ok(vec![Val::I32(1)]), "{engine:?}");
        assert_eq!(call("as_sup", 1), Ok(vec![Val::I32(2)]), "{engine:?}");
        assert_eq!(call("tail_as_sup", 0), Ok(vec![Val::I32(1)]), "{engine:?}");
        assert_eq!(call("as_sup", 2), mismatch, "{engine:?}");
        assert_eq!(call("tail_as_sup", 2), mismatch, "{engine:?}");
        assert_eq!(call("as_sub", 0), Ok(vec![Val::I32(1)]), "{engine:?}");
        assert_eq!(call("as_sub", 1), mismatch, "{engine:?}");
    }
}

#[test]
fn the_api_checks_references_against_concrete_types() {
    let unary = FuncType::new([ValType::I32], [ValType::I32]);
    let t = TypeId::of(&unary);
    let ref_t = ValType::Ref(RefType::new(false, HeapType::Concrete(t)));
    let apply = FuncType::new([ref_t, ValType::I32], [ValType::I32]);
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config);
        // A host function taking a `(ref $t)` and calling it back.
        HostModuleBuilder::new("host")
            .func_dynamic("apply", apply.clone(), |caller, args, results| {
                let Val::FuncRef(Some(f)) = &args[0] else { panic!("checked: non-null") };
                results[0] = caller.call(f, &args[1..]).map_err(|e| Trap::host(e.to_string()))?[0].clone();
                Ok(())
            })
            .func("double", |x: i32| x * 2)
            .func("nothing", || {})
            .instantiate(&rt)
            .unwrap();
        let i = instance(
            &rt,
            r#"(module
              (type $t (func (param i32) (result i32)))
              (import "host" "apply" (func $apply (param (ref $t) i32) (result i32)))
              (import "host" "double" (func $double (type $t)))
              (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
              (elem declare func $inc $double)
              (func (export "via_host") (param i32) (result i32) (call $apply (ref.func $inc) (local.get 0)))
              (func (export "host_ref") (param i32) (result i32) (call_ref $t (local.get 0) (ref.func $double)))
              (func (export "take") (param (ref $t)) (result i32) (call_ref $t (i32.const 20) (local.get 0))))"#,
            None,
        )
        .unwrap();
        assert_eq!(i.func("via_host").unwrap().call(&[Val::I32(4)]), Ok(vec![Val::I32(5)]), "{engine:?}");
        assert_eq!(i.func("host_ref").unwrap().call(&[Val::I32(4)]), Ok(vec![Val::I32(8)]), "{engine:?}");
        assert_eq!(i.func("take").unwrap().ty().params(), &[ref_t]);
        // The API passes a function of the type, and refuses one of another type or null.
        let take = i.func("take").unwrap();
        let host = |name: &str| rt.instance("host").unwrap().func(name).unwrap();
        assert_eq!(take.call(&[Val::FuncRef(Some(host("double")))]), Ok(vec![Val::I32(40)]), "{engine:?}");
        let wrong = take.call(&[Val::FuncRef(Some(host("nothing")))]);
        assert!(matches!(wrong, Err(CallError::Api(ApiError::TypeMismatch(_)))), "{engine:?}: {wrong:?}");
        let null = take.call(&[Val::FuncRef(None)]);
        assert!(matches!(null, Err(CallError::Api(ApiError::TypeMismatch(_)))), "{engine:?}: {null:?}");
        assert!(Val::FuncRef(None).matches(ValType::Ref(RefType::new(true, HeapType::Concrete(t)))));
        assert!(Val::FuncRef(Some(host("double"))).matches(ValType::FUNCREF));
    }
}

#[test]
fn a_table_with_an_initializer_starts_full() {
    const SRC: &str = r#"(module
      (type $t (func (result i32)))
      (func $seven (type $t) (i32.const 7))
      (func $eight (type $t) (i32.const 8))
      (table $tab 3 10 (ref $t) (ref.func $seven))
      (elem (table $tab) (i32.const 1) (ref $t) (ref.func $eight))
      (func (export "call") (param i32) (result i32) (call_indirect $tab (type $t) (local.get 0)))
      (func (export "call_ref") (param i32) (result i32) (call_ref $t (table.get $tab (local.get 0))))
      (func (export "grow") (result i32) (table.grow $tab (ref.func $eight) (i32.const 2))))"#;
    for config in engines() {
        let engine = config.engine();
        let rt = Runtime::with_config(config);
        let i = instance(&rt, SRC, None).unwrap();
        let call = |f: &str, x: i32| i.func(f).unwrap().call(&[Val::I32(x)]);
        for (f, x, want) in [("call", 0, 7), ("call", 1, 8), ("call", 2, 7), ("call_ref", 2, 7)] {
            assert_eq!(call(f, x), Ok(vec![Val::I32(want)]), "{f}({x}) on {engine:?}");
        }
        assert_eq!(i.func("grow").unwrap().call(&[]), Ok(vec![Val::I32(3)]));
        assert_eq!(call("call_ref", 4), Ok(vec![Val::I32(8)]), "{engine:?}");
        assert_eq!(call("call", 5), Err(CallError::Trap(Trap::UndefinedElement)), "{engine:?}");
    }
}

#[test]
fn a_host_table_of_non_nullable_references_is_refused() {
    let t = TypeId::of(&FuncType::new([], []));
    let rt = Runtime::with_config(RuntimeConfig::interpreter());
    let table = |nullable| TableType::new(RefType::new(nullable, HeapType::Concrete(t)), 1, None);
    let err = HostModuleBuilder::new("h").table("t", table(false)).instantiate(&rt).unwrap_err();
    assert!(matches!(err, InstantiationError::Api(ApiError::TypeMismatch(_))), "{err}");
    assert!(HostModuleBuilder::new("h").table("t", table(true)).instantiate(&rt).is_ok());
}

#[test]
fn typed_function_references_need_only_their_switch() {
    const SRC: &str = r#"(module
      (type $t (func (result i32)))
      (func $f (type $t) (i32.const 3))
      (elem declare func $f)
      (func (export "run") (result i32) (call_ref $t (ref.as_non_null (ref.func $f)))))"#;
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let config = config.with_core_features(CoreFeatures::V2_0);
        let rt = Runtime::with_config(config.clone());
        assert!(rt.compile(SRC).is_err(), "Core 2.0 has no call_ref");
        let rt = Runtime::with_config(config.with_wasm_function_references(true));
        let i = instance(&rt, SRC, None).unwrap();
        assert_eq!(i.func("run").unwrap().call(&[]), Ok(vec![Val::I32(3)]));
    }
}
