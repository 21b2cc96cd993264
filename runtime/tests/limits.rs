//! Fuel and interruption on both engines: guests that loop or recurse forever are stopped with
//! a trap and the host carries on; both engines charge exactly the same fuel; an interrupt from
//! another thread stops a running call; misuse is a typed error.

use std::time::{Duration, Instant};
use zerowasm::*;

/// Both engines (the Interpreter twice where the Compiler is not available).
fn engines() -> [RuntimeConfig; 2] {
    [RuntimeConfig::interpreter(), RuntimeConfig::compiler()]
}

fn instance(rt: &Runtime, src: &str) -> Instance {
    let module = rt.compile(src).expect("compiles");
    rt.instantiate(&module, ModuleConfig::new()).expect("instantiates")
}

const SPIN: &str = r#"(module
  (memory (export "mem") 1)
  (func (export "spin") (loop (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))) (br 0)))
  (func $down (export "recurse") (param i32) (result i32) (call $down (i32.add (local.get 0) (i32.const 1))))
  (func (export "ok") (result i32) (i32.const 42)))"#;

#[test]
fn an_endless_loop_runs_out_of_fuel_and_the_instance_stays_usable() {
    for config in engines() {
        let rt = Runtime::with_config(config.with_consume_fuel(true));
        let i = instance(&rt, SPIN);
        rt.set_fuel(10_000).unwrap();
        assert_eq!(i.func("spin").unwrap().call(&[]), Err(CallError::Trap(Trap::FuelExhausted)));
        let left = rt.fuel().unwrap();
        // The loop body costs 7 units per iteration: it stopped at an iteration it could not pay for.
        assert!(left < 7, "{left} left");
        let mut iterations = [0u8; 4];
        i.memory("mem").unwrap().read(0, &mut iterations).unwrap();
        assert_eq!(u32::from_le_bytes(iterations), 10_000 / 7);
        // No fuel left: even a trivial call traps, and adding fuel lets it run.
        rt.set_fuel(0).unwrap();
        assert_eq!(i.func("ok").unwrap().call(&[]), Err(CallError::Trap(Trap::FuelExhausted)));
        assert_eq!(rt.add_fuel(5).unwrap(), 5);
        assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(42)]));
        assert_eq!(rt.fuel().unwrap(), 4);
    }
}

#[test]
fn endless_recursion_under_fuel_traps_and_the_host_carries_on() {
    for config in engines() {
        let rt = Runtime::with_config(config.with_consume_fuel(true));
        let i = instance(&rt, SPIN);
        rt.set_fuel(u64::MAX).unwrap();
        // Fuel does not stop recursion before the stack limit does.
        assert_eq!(i.func("recurse").unwrap().call(&[Val::I32(0)]), Err(CallError::Trap(Trap::CallStackExhausted)));
        rt.set_fuel(1_000).unwrap();
        assert_eq!(i.func("recurse").unwrap().call(&[Val::I32(0)]), Err(CallError::Trap(Trap::FuelExhausted)));
        rt.add_fuel(1).unwrap();
        assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(42)]));
    }
}

/// Functions whose fuel use exercises every kind of segment boundary.
const PROGRAMS: &str = r#"(module
  (import "host" "add" (func $host_add (param i32 i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $sq $host_add)
  (func $sq (param i32 i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "loops") (param i32) (result i32) (local i32 i32)
    (block $out
      (loop $outer
        (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
        (local.set 2 (i32.const 0))
        (loop $inner
          (local.set 2 (i32.add (local.get 2) (i32.const 1)))
          (nop) (nop)
          (br_if $inner (i32.lt_u (local.get 2) (local.get 1))))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br $outer)))
    (local.get 2))
  (func (export "switch") (param i32) (result i32) (local i32)
    (loop $l
      (block $c (block $b (block $a
        (br_table $a $b $c (i32.rem_u (local.get 0) (i32.const 4))))
        (local.set 1 (i32.add (local.get 1) (i32.const 1))))
        (local.set 1 (i32.add (local.get 1) (i32.const 10))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (local.get 0)))
    (local.get 1))
  (func (export "calls") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1)
        (call_indirect (param i32 i32) (result i32) (local.get 0) (i32.const 3) (i32.and (local.get 0) (i32.const 1)))))
      (drop (call $host_add (local.get 0) (local.get 1)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (func (export "early") (param i32) (result i32)
    (block (result i32)
      (i32.store (i32.const 8) (local.get 0))
      (if (local.get 0) (then (return (i32.const 5))))
      (br 0 (i32.const 6))
      (unreachable))))"#;

/// The fuel a call takes on `config`, and its result.
fn fuel_used(config: RuntimeConfig, func: &str, arg: i32) -> (u64, Vec<Val>) {
    let rt = Runtime::with_config(config.with_consume_fuel(true));
    HostModuleBuilder::new("host")
        .func("add", |a: i32, b: i32| a.wrapping_add(b))
        .instantiate(&rt)
        .unwrap();
    let i = instance(&rt, PROGRAMS);
    rt.set_fuel(1 << 40).unwrap();
    let r = i.func(func).unwrap().call(&[Val::I32(arg)]).expect("enough fuel");
    ((1 << 40) - rt.fuel().unwrap(), r)
}

#[test]
fn both_engines_charge_the_same_fuel() {
    let cases = [("fib", 15), ("loops", 30), ("switch", 103), ("calls", 50), ("early", 0), ("early", 1)];
    let [interp, comp] = engines();
    for (func, arg) in cases {
        let a = fuel_used(interp.clone(), func, arg);
        let b = fuel_used(comp.clone(), func, arg);
        assert_eq!(a, b, "{func}({arg}): Interpreter vs Compiler");
        assert!(a.0 > 0);
    }
    // A hand count: `early(1)` runs local.get, i32.store's two operands and itself, local.get,
    // if, i32.const, return: 1 + 1 + 1 + 1 + 1 + 1 + 1 = 7 (block and end are free).
    assert_eq!(fuel_used(interp, "early", 1).0, 7);
}

#[test]
fn a_run_stops_at_the_same_point_with_the_same_fuel_on_both_engines() {
    // With exactly the fuel it needs a call succeeds; with one unit less it traps, on both.
    for config in engines() {
        let (need, _) = fuel_used(config.clone(), "fib", 10);
        let rt = Runtime::with_config(config.with_consume_fuel(true));
        HostModuleBuilder::new("host").func("add", |a: i32, b: i32| a + b).instantiate(&rt).unwrap();
        let i = instance(&rt, PROGRAMS);
        let fib = i.func("fib").unwrap();
        rt.set_fuel(need - 1).unwrap();
        assert_eq!(fib.call(&[Val::I32(10)]), Err(CallError::Trap(Trap::FuelExhausted)));
        rt.set_fuel(need).unwrap();
        assert_eq!(fib.call(&[Val::I32(10)]), Ok(vec![Val::I32(55)]));
        assert_eq!(rt.fuel().unwrap(), 0);
    }
}

#[test]
fn host_functions_can_read_and_refill_fuel() {
    for config in engines() {
        let rt = Runtime::with_config(config.with_consume_fuel(true));
        HostModuleBuilder::new("host")
            .func("refill", |caller: &mut Caller<'_>| {
                let left = caller.fuel().unwrap();
                caller.set_fuel(left + 100).unwrap();
            })
            .instantiate(&rt)
            .unwrap();
        let i = instance(
            &rt,
            r#"(module (import "host" "refill" (func $refill))
                 (func (export "run") (param i32) (result i32)
                   (loop $l (call $refill) (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
                   (local.get 0)))"#,
        );
        // 1000 iterations cost far more than the 50 given, but each refills 100.
        rt.set_fuel(50).unwrap();
        assert_eq!(i.func("run").unwrap().call(&[Val::I32(1000)]), Ok(vec![Val::I32(0)]));
        assert!(rt.fuel().unwrap() > 50);
    }
}

#[test]
fn an_interrupt_from_another_thread_stops_an_endless_loop() {
    for config in engines() {
        let rt = Runtime::with_config(config.with_interruptible(true));
        let i = instance(&rt, SPIN);
        let handle = rt.interrupt_handle().unwrap();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            handle.interrupt();
        });
        let start = Instant::now();
        assert_eq!(i.func("spin").unwrap().call(&[]), Err(CallError::Trap(Trap::Interrupted)));
        assert!(start.elapsed() >= Duration::from_millis(20));
        stopper.join().unwrap();
        // Consumed by the trap: the instance runs again.
        assert!(!rt.interrupt_handle().unwrap().is_pending());
        assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(42)]));
    }
}

#[test]
fn an_interrupt_requested_between_calls_stops_the_next_one_unless_cleared() {
    for config in engines() {
        let rt = Runtime::with_config(config.with_interruptible(true));
        let i = instance(&rt, SPIN);
        let handle = rt.interrupt_handle().unwrap();
        handle.interrupt();
        assert!(handle.is_pending());
        // Function entry checks too, so even a call without loops stops.
        assert_eq!(i.func("ok").unwrap().call(&[]), Err(CallError::Trap(Trap::Interrupted)));
        assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(42)]));
        handle.interrupt();
        handle.clear();
        assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(42)]));
        // Recursion is interrupted at function entry.
        handle.interrupt();
        assert_eq!(i.func("recurse").unwrap().call(&[Val::I32(0)]), Err(CallError::Trap(Trap::Interrupted)));
    }
}

#[test]
fn limits_not_configured_are_typed_errors() {
    for config in engines() {
        let rt = Runtime::with_config(config);
        assert_eq!(rt.fuel(), Err(LimitError::FuelNotEnabled));
        assert_eq!(rt.set_fuel(1), Err(LimitError::FuelNotEnabled));
        assert_eq!(rt.add_fuel(1), Err(LimitError::FuelNotEnabled));
        assert_eq!(rt.interrupt_handle().unwrap_err(), LimitError::NotInterruptible);
        assert_eq!(LimitError::FuelNotEnabled.to_string(), "fuel is not enabled for this runtime (RuntimeConfig::with_consume_fuel)");
        // Without fuel, code runs without limit.
        let i = instance(&rt, SPIN);
        assert_eq!(i.func("ok").unwrap().call(&[]), Ok(vec![Val::I32(42)]));
    }
}

#[test]
fn trap_messages() {
    assert_eq!(Trap::FuelExhausted.to_string(), "fuel exhausted");
    assert_eq!(Trap::Interrupted.to_string(), "interrupted");
}

#[test]
fn an_atomic_wait_times_out_and_an_endless_one_is_interrupted() {
    const WAIT: &str = r#"(module
        (memory 1 1 shared)
        (func (export "wait") (param i32 i64) (result i32)
            (memory.atomic.wait32 (i32.const 0) (local.get 0) (local.get 1)))
        (func (export "wait_unaligned") (result i32)
            (memory.atomic.wait64 (i32.const 4) (i64.const 0) (i64.const 0))))"#;
    const UNSHARED: &str = r#"(module (memory 1 1)
        (func (export "wait") (result i32) (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))
        (func (export "notify") (result i32) (memory.atomic.notify (i32.const 65536) (i32.const 1))))"#;
    for config in engines() {
        let rt = Runtime::with_config(config.with_core_features(CoreFeatures::V3_0).with_interruptible(true));
        let i = instance(&rt, WAIT);
        let wait = i.func("wait").unwrap();
        // Not the expected value: "not-equal" at once.
        assert_eq!(wait.call(&[Val::I32(1), Val::I64(-1)]), Ok(vec![Val::I32(1)]));
        // The expected value and no one to notify: "timed-out" once the timeout (ns) has passed.
        let start = Instant::now();
        assert_eq!(wait.call(&[Val::I32(0), Val::I64(30_000_000)]), Ok(vec![Val::I32(2)]));
        assert!(start.elapsed() >= Duration::from_millis(30));
        assert_eq!(i.func("wait_unaligned").unwrap().call(&[]), Err(CallError::Trap(Trap::UnalignedAtomic)));
        // Without a timeout, only an interrupt ends it.
        let handle = rt.interrupt_handle().unwrap();
        let stopper = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            handle.interrupt();
        });
        assert_eq!(wait.call(&[Val::I32(0), Val::I64(-1)]), Err(CallError::Trap(Trap::Interrupted)));
        stopper.join().unwrap();
        // On an unshared memory a wait traps, and a notify is bounds-checked.
        let u = instance(&rt, UNSHARED);
        assert_eq!(u.func("wait").unwrap().call(&[]), Err(CallError::Trap(Trap::ExpectedSharedMemory)));
        assert_eq!(u.func("notify").unwrap().call(&[]), Err(CallError::Trap(Trap::MemoryOutOfBounds)));
    }
    assert_eq!(Trap::UnalignedAtomic.to_string(), "unaligned atomic");
    assert_eq!(Trap::ExpectedSharedMemory.to_string(), "expected shared memory");
}

#[test]
fn atomics_reach_every_memory_with_their_own_address_type() {
    const SRC: &str = r#"(module
        (memory $a 1)
        (memory $b i64 1 1 shared)
        (func (export "add") (param i64 i32) (result i32)
            (i32.atomic.rmw.add $b (local.get 0) (local.get 1)))
        (func (export "cas") (param i64 i64 i64) (result i64)
            (i64.atomic.rmw.cmpxchg $b offset=8 (local.get 0) (local.get 1) (local.get 2)))
        (func (export "load8") (param i64) (result i32)
            (i32.atomic.load8_u $b (local.get 0)))
        (func (export "far") (param i64) (result i32)
            (i32.atomic.load $b offset=0xfffffffffffffff0 (local.get 0)))
        (func (export "a") (result i32) (i32.atomic.load $a (i32.const 0)))
        (func (export "notify") (param i64) (result i32)
            (memory.atomic.notify $b (local.get 0) (i32.const 1))))"#;
    for config in engines() {
        let rt = Runtime::with_config(config.with_core_features(CoreFeatures::V3_0));
        let i = instance(&rt, SRC);
        let call = |f: &str, args: &[Val]| i.func(f).unwrap().call(args);
        assert_eq!(call("add", &[Val::I64(4), Val::I32(7)]), Ok(vec![Val::I32(0)]));
        assert_eq!(call("add", &[Val::I64(4), Val::I32(5)]), Ok(vec![Val::I32(7)]));
        // Memory $a is untouched.
        assert_eq!(call("a", &[]), Ok(vec![Val::I32(0)]));
        assert_eq!(call("load8", &[Val::I64(4)]), Ok(vec![Val::I32(12)]));
        // Compare-exchange at 8 + 8: no match leaves it, a match replaces it.
        assert_eq!(call("cas", &[Val::I64(8), Val::I64(1), Val::I64(9)]), Ok(vec![Val::I64(0)]));
        assert_eq!(call("cas", &[Val::I64(8), Val::I64(0), Val::I64(9)]), Ok(vec![Val::I64(0)]));
        assert_eq!(call("cas", &[Val::I64(8), Val::I64(9), Val::I64(3)]), Ok(vec![Val::I64(9)]));
        assert_eq!(call("add", &[Val::I64(2), Val::I32(1)]), Err(CallError::Trap(Trap::UnalignedAtomic)));
        assert_eq!(call("add", &[Val::I64(65536), Val::I32(1)]), Err(CallError::Trap(Trap::MemoryOutOfBounds)));
        // Address plus offset past 2^64 is out of bounds, never wrapped to 0.
        assert_eq!(call("far", &[Val::I64(0x20)]), Err(CallError::Trap(Trap::MemoryOutOfBounds)));
        assert_eq!(call("notify", &[Val::I64(65536)]), Err(CallError::Trap(Trap::MemoryOutOfBounds)));
        assert_eq!(call("notify", &[Val::I64(0)]), Ok(vec![Val::I32(0)]));
    }
}
