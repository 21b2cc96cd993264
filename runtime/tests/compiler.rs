//! The Compiler engine through the public API: engine selection, calls in every direction
//! (wasm→wasm direct and indirect, across instances, wasm→host, host→wasm), traps raised in
//! compiled code and in host functions, stack exhaustion, memory growth seen by every instance,
//! and multi-value returns. The spec tests (harness) cover the instructions' semantics.

use zerowasm::*;

fn runtime() -> Runtime {
    Runtime::with_config(RuntimeConfig::compiler())
}

fn instance(rt: &Runtime, src: &str) -> Instance {
    let module = rt.compile(src).expect("compiles");
    rt.instantiate(&module, ModuleConfig::new()).expect("instantiates")
}

fn named(rt: &Runtime, name: &str, src: &str) -> Instance {
    let module = rt.compile(src).expect("compiles");
    rt.instantiate(&module, ModuleConfig::new().with_name(name)).expect("instantiates")
}

#[test]
fn compiler_is_chosen_where_cranelift_supports_the_host() {
    let supported = cfg!(all(
        unix,
        any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "riscv64", target_arch = "s390x")
    ));
    assert_eq!(EngineKind::Compiler.is_available(), supported);
    let expected = if supported { EngineKind::Compiler } else { EngineKind::Interpreter };
    assert_eq!(RuntimeConfig::compiler().engine(), expected);
    assert_eq!(runtime().config().engine(), expected);
    // The Compiler is the default wherever it is available.
    assert_eq!(Runtime::new().config().engine(), expected);
}

#[test]
fn endless_recursion_traps_and_the_runtime_stays_usable() {
    let rt = runtime();
    let i = instance(
        &rt,
        r#"(module
            (func $f (export "f") (param i64) (result i64)
              (i64.add (call $f (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
            (func $wide (export "wide") (param f64 f64 f64 f64 f64 f64 f64 f64) (result f64)
              (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
              (f64.add (local.get 0)
                (call $wide (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                            (local.get 5) (local.get 6) (local.get 7) (local.get 0))))
            (func (export "ok") (result i32) (i32.const 7)))"#,
    );
    let f = i.func("f").unwrap();
    for _ in 0..3 {
        assert_eq!(f.call(&[Val::I64(0)]), Err(CallError::Trap(Trap::CallStackExhausted)));
    }
    let wide = i.func("wide").unwrap();
    assert_eq!(wide.call(&vec![Val::f64(1.0); 8]), Err(CallError::Trap(Trap::CallStackExhausted)));
    assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(7)]));
}

#[test]
fn endless_recursion_through_call_indirect_traps_on_a_small_thread() {
    // 1 MiB of wasm stack below the entry point fits a 2 MiB thread with room for the host.
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let rt = runtime();
            let i = instance(
                &rt,
                r#"(module
                    (type $t (func (param i32) (result i32)))
                    (table funcref (elem $f))
                    (func $f (export "f") (type $t)
                      (call_indirect (type $t) (local.get 0) (i32.const 0))))"#,
            );
            i.func("f").unwrap().call(&[Val::I32(0)])
        })
        .unwrap();
    assert_eq!(h.join().unwrap(), Err(CallError::Trap(Trap::CallStackExhausted)));
}

#[test]
fn traps_in_compiled_code_carry_the_spec_message() {
    let rt = runtime();
    let i = instance(
        &rt,
        r#"(module
            (memory 1)
            (table 2 funcref)
            (elem (i32.const 0) $g)
            (type $v (func))
            (func $g (param i32))
            (func (export "unreachable") unreachable)
            (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
            (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
            (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
            (func (export "indirect") (param i32) (call_indirect (type $v) (local.get 0))))"#,
    );
    let call = |name: &str, args: &[Val]| i.func(name).unwrap().call(args);
    assert_eq!(call("unreachable", &[]).unwrap_err().to_string(), "unreachable");
    assert_eq!(call("div", &[Val::I32(1), Val::I32(0)]), Err(CallError::Trap(Trap::IntegerDivideByZero)));
    assert_eq!(call("div", &[Val::I32(i32::MIN), Val::I32(-1)]), Err(CallError::Trap(Trap::IntegerOverflow)));
    assert_eq!(call("div", &[Val::I32(-7), Val::I32(2)]), Ok(vec![Val::I32(-3)]));
    assert_eq!(call("trunc", &[Val::f32(f32::NAN)]), Err(CallError::Trap(Trap::InvalidConversionToInteger)));
    assert_eq!(call("trunc", &[Val::f32(3e9)]), Err(CallError::Trap(Trap::IntegerOverflow)));
    assert_eq!(call("load", &[Val::I32(65532)]), Err(CallError::Trap(Trap::MemoryOutOfBounds)));
    assert_eq!(call("load", &[Val::I32(65528)]), Ok(vec![Val::I32(0)]));
    assert_eq!(call("load", &[Val::I32(-1)]), Err(CallError::Trap(Trap::MemoryOutOfBounds)));
    assert_eq!(call("indirect", &[Val::I32(0)]), Err(CallError::Trap(Trap::IndirectCallTypeMismatch)));
    assert_eq!(call("indirect", &[Val::I32(1)]), Err(CallError::Trap(Trap::UninitializedElement)));
    assert_eq!(call("indirect", &[Val::I32(2)]), Err(CallError::Trap(Trap::UndefinedElement)));
}

#[test]
fn host_functions_see_the_callers_memory_and_their_traps_unwind_compiled_frames() {
    let rt = runtime();
    HostModuleBuilder::new("env")
        .func("peek", |caller: &mut Caller<'_>, addr: i32| -> Result<i32, Trap> {
            let mut b = [0u8; 1];
            caller.read(addr as u64, &mut b)?;
            Ok(b[0] as i32)
        })
        .func("fail", |x: i32| -> Result<i32, Trap> {
            if x > 2 { Err(Trap::host(format!("too deep: {x}"))) } else { Ok(x) }
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module
            (import "env" "peek" (func $peek (param i32) (result i32)))
            (import "env" "fail" (func $fail (param i32) (result i32)))
            (memory 1)
            (data (i32.const 10) "\2a")
            (func (export "peek") (param i32) (result i32) (call $peek (local.get 0)))
            (func $rec (export "rec") (param i32) (result i32)
              (drop (call $fail (local.get 0)))
              (i32.add (i32.const 1) (call $rec (i32.add (local.get 0) (i32.const 1))))))"#,
    );
    assert_eq!(i.func("peek").unwrap().call(&[Val::I32(10)]), Ok(vec![Val::I32(42)]));
    assert_eq!(i.func("peek").unwrap().call(&[Val::I32(1 << 20)]), Err(CallError::Trap(Trap::MemoryOutOfBounds)));
    assert_eq!(i.func("rec").unwrap().call(&[Val::I32(0)]), Err(CallError::Trap(Trap::Host("too deep: 3".into()))));
}

#[test]
fn host_functions_call_back_into_compiled_code() {
    let rt = runtime();
    HostModuleBuilder::new("env")
        .func("twice", |caller: &mut Caller<'_>, x: i32| -> Result<i32, Trap> {
            let Some(Extern::Func(f)) = caller.export("inc") else { panic!("inc is exported") };
            let a = caller.call(&f, &[Val::I32(x)])?;
            let b = caller.call(&f, &a)?;
            Ok(b[0].i32().unwrap())
        })
        .func("trap_inside", |caller: &mut Caller<'_>| -> Result<(), Trap> {
            let Some(Extern::Func(f)) = caller.export("boom") else { panic!("boom is exported") };
            caller.call(&f, &[])?;
            Ok(())
        })
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module
            (import "env" "twice" (func $twice (param i32) (result i32)))
            (import "env" "trap_inside" (func $trap_inside))
            (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
            (func (export "boom") unreachable)
            (func (export "go") (param i32) (result i32) (i32.mul (call $twice (local.get 0)) (i32.const 10)))
            (func (export "nested_trap") (call $trap_inside)))"#,
    );
    assert_eq!(i.func("go").unwrap().call(&[Val::I32(5)]), Ok(vec![Val::I32(70)]));
    assert_eq!(i.func("nested_trap").unwrap().call(&[]), Err(CallError::Trap(Trap::Unreachable)));
    // The store context is clean again afterwards.
    assert_eq!(i.func("go").unwrap().call(&[Val::I32(1)]), Ok(vec![Val::I32(30)]));
}

#[test]
fn a_host_panic_unwinds_to_the_outermost_caller_and_the_runtime_stays_usable() {
    let rt = runtime();
    HostModuleBuilder::new("env").func("boom", || -> i32 { panic!("host bug") }).instantiate(&rt).unwrap();
    let i = instance(
        &rt,
        r#"(module
            (import "env" "boom" (func $boom (result i32)))
            (func $inner (result i32) (i32.add (call $boom) (i32.const 1)))
            (func (export "f") (result i32) (call $inner))
            (func (export "ok") (result i32) (i32.const 1)))"#,
    );
    let f = i.func("f").unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f.call(&[])));
    assert!(r.is_err());
    assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(1)]));
}

#[test]
fn calls_across_instances_share_tables_memories_and_globals() {
    let rt = runtime();
    named(
        &rt,
        "lib",
        r#"(module
            (memory (export "mem") 1)
            (global (export "counter") (mut i32) (i32.const 0))
            (table (export "tab") 2 funcref)
            (elem (i32.const 0) $get)
            (func $get (export "get") (result i32) (i32.load (i32.const 0)))
            (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
            (func (export "bump") (global.set 0 (i32.add (global.get 0) (i32.const 1)))))"#,
    );
    let user = instance(
        &rt,
        r#"(module
            (import "lib" "mem" (memory 1))
            (import "lib" "counter" (global $c (mut i32)))
            (import "lib" "tab" (table 2 funcref))
            (import "lib" "get" (func $get (result i32)))
            (import "lib" "grow" (func $grow (param i32) (result i32)))
            (import "lib" "bump" (func $bump))
            (type $r (func (result i32)))
            (func $seven (result i32) (i32.const 7))
            (elem (i32.const 1) $seven)
            (func (export "run") (result i32 i32 i32 i32 i32)
              (i32.store (i32.const 0) (i32.const 99))
              (call $bump) (call $bump)
              ;; grown by the other instance: this function must see the new size
              (drop (call $grow (i32.const 2)))
              (i32.store (i32.const 196600) (i32.const 5))
              (call $get)
              (call_indirect (type $r) (i32.const 0))
              (call_indirect (type $r) (i32.const 1))
              (global.get $c)
              (i32.add (memory.size) (i32.load (i32.const 196600)))))"#,
    );
    let r = user.func("run").unwrap().call(&[]).unwrap();
    assert_eq!(r, vec![Val::I32(99), Val::I32(99), Val::I32(7), Val::I32(2), Val::I32(8)]);
}

#[test]
fn many_results_and_v128_values_cross_the_entry_and_calls() {
    let rt = runtime();
    let i = instance(
        &rt,
        r#"(module
            (func $many (param i64 f64) (result i32 i64 f32 f64 i32 i64 f32 f64)
              (i32.const 1) (local.get 0) (f32.const 3.5) (local.get 1)
              (i32.const -5) (i64.const -6) (f32.const -7.25) (f64.const 8))
            (func (export "many") (param i64 f64) (result i32 i64 f32 f64 i32 i64 f32 f64)
              (call $many (local.get 0) (local.get 1)))
            (func (export "v") (param v128) (result v128 i32) (local.get 0) (i32.const 3)))"#,
    );
    let r = i.func("many").unwrap().call(&[Val::I64(2), Val::f64(4.0)]).unwrap();
    assert_eq!(
        r,
        vec![
            Val::I32(1),
            Val::I64(2),
            Val::f32(3.5),
            Val::f64(4.0),
            Val::I32(-5),
            Val::I64(-6),
            Val::f32(-7.25),
            Val::f64(8.0)
        ]
    );
    let x = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128;
    assert_eq!(i.func("v").unwrap().call(&[Val::V128(x)]), Ok(vec![Val::V128(x), Val::I32(3)]));
}

#[test]
fn typed_calls_and_nan_payloads() {
    let rt = runtime();
    let i = instance(
        &rt,
        r#"(module
            (func (export "id32") (param f32) (result f32) (local.get 0))
            (func (export "neg64") (param f64) (result f64) (f64.neg (local.get 0)))
            (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#,
    );
    let add = i.func("add").unwrap().typed::<(i32, i32), i32>().unwrap();
    assert_eq!(add.call((2, 3)), Ok(5));
    let snan32 = 0x7fa0_0001u32;
    assert_eq!(i.func("id32").unwrap().call(&[Val::F32(snan32)]), Ok(vec![Val::F32(snan32)]));
    let snan64 = 0x7ff4_0000_0000_0001u64;
    assert_eq!(i.func("neg64").unwrap().call(&[Val::F64(snan64)]), Ok(vec![Val::F64(snan64 | 1 << 63)]));
}

#[test]
fn a_function_calls_itself_in_a_loop_across_memory_growth() {
    // memory.grow inside a loop: the base and length held in registers are reloaded.
    let rt = runtime();
    let i = instance(
        &rt,
        r#"(module
            (memory 1 100)
            (func (export "fill") (param i32) (result i32) (local i32)
              (block $done
                (loop $l
                  (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
                  (drop (memory.grow (i32.const 1)))
                  (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))
                             (local.get 1))
                  (local.set 1 (i32.add (local.get 1) (i32.const 1)))
                  (br $l)))
              (i32.add (memory.size)
                (i32.load (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))))))"#,
    );
    assert_eq!(i.func("fill").unwrap().call(&[Val::I32(20)]), Ok(vec![Val::I32(21 + 19)]));
}

#[test]
fn the_wasm_stack_limit_is_configurable() {
    let src = r#"(module
        (func $sum (export "sum") (param i32) (result i32)
          (if (result i32) (local.get 0)
            (then (i32.add (local.get 0) (call $sum (i32.sub (local.get 0) (i32.const 1)))))
            (else (i32.const 0)))))"#;
    let small = Runtime::with_config(RuntimeConfig::compiler().with_max_wasm_stack(64 << 10));
    let default = runtime();
    let depth = Val::I32(5000);
    assert_eq!(instance(&default, src).func("sum").unwrap().call(&[depth.clone()]), Ok(vec![Val::I32(12_502_500)]));
    if small.config().engine() == EngineKind::Compiler {
        assert_eq!(instance(&small, src).func("sum").unwrap().call(&[depth]), Err(CallError::Trap(Trap::CallStackExhausted)));
    }
}

#[test]
fn tables_set_from_the_host_reach_call_indirect_with_type_checks() {
    let rt = runtime();
    let i = instance(
        &rt,
        r#"(module
            (type $t (func (result i32)))
            (table (export "tab") 2 funcref)
            (func (export "call") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))"#,
    );
    // Host functions and another instance's function made after the caller was instantiated.
    let host = HostModuleBuilder::new("h").func("seven", || 7i32).func("wide", || 7i64).instantiate(&rt).unwrap();
    let other = instance(&rt, r#"(module (func (export "nine") (result i32) (i32.const 9)))"#);
    let tab = i.table("tab").unwrap();
    let call = i.func("call").unwrap().typed::<i32, i32>().unwrap();
    tab.set(0, Val::FuncRef(host.func("seven"))).unwrap();
    tab.set(1, Val::FuncRef(other.func("nine"))).unwrap();
    assert_eq!(call.call(0), Ok(7));
    assert_eq!(call.call(1), Ok(9));
    tab.set(0, Val::FuncRef(host.func("wide"))).unwrap();
    assert_eq!(call.call(0), Err(CallError::Trap(Trap::IndirectCallTypeMismatch)));
    tab.set(1, Val::FuncRef(None)).unwrap();
    assert_eq!(call.call(1), Err(CallError::Trap(Trap::UninitializedElement)));
}

#[test]
fn globals_are_shared_in_place_with_the_host() {
    let rt = runtime();
    let host = HostModuleBuilder::new("host")
        .global("counter", Val::I32(10), true)
        .global("wide", Val::V128(1 << 100), true)
        .instantiate(&rt)
        .unwrap();
    let i = instance(
        &rt,
        r#"(module (import "host" "counter" (global $c (mut i32)))
            (import "host" "wide" (global $w (mut v128)))
            (global $own (export "own") (mut f32) (f32.const 1.5))
            (func (export "bump") (result i32)
              (global.set $c (i32.add (global.get $c) (i32.const 1)))
              (global.set $own (f32.neg (global.get $own)))
              (global.set $w (v128.const i64x2 5 6))
              (global.get $c)))"#,
    );
    assert_eq!(i.func("bump").unwrap().call(&[]), Ok(vec![Val::I32(11)]));
    assert_eq!(host.global("counter").unwrap().get(), Val::I32(11));
    assert_eq!(host.global("wide").unwrap().get(), Val::V128(5 | 6 << 64));
    assert_eq!(i.global("own").unwrap().get(), Val::f32(-1.5));
    host.global("counter").unwrap().set(Val::I32(100)).unwrap();
    assert_eq!(i.func("bump").unwrap().call(&[]), Ok(vec![Val::I32(101)]));
}
