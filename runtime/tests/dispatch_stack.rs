//! The Interpreter's threaded dispatch relies on each instruction handler tail-calling the next.
//! If one of them stopped being a tail call, every execution of it would leave a native stack
//! frame behind until the wasm function returns. These tests run long loops through most kinds
//! of instruction on a thread with a small native stack: such a regression crashes them in
//! optimized builds (where the tail-call dispatch is used) instead of passing.

use zerowasm::{ModuleConfig, Runtime, RuntimeConfig};

/// Runs `body` (which sees locals `$i`, `$a` i32, `$b` i64, `$x` f32, `$y` f64, `$v`, `$w`
/// v128) 200 000 times on a 256 KiB native stack and returns `$a`.
fn run_loop(body: &str) -> i32 {
    let wat = format!(
        r#"(module
          (memory 1)
          (global $g (mut i32) (i32.const 0))
          (table 1 funcref)
          (elem (i32.const 0) $id)
          (type $t (func (param i32) (result i32)))
          (func $id (param i32) (result i32) (local.get 0))
          (func (export "run") (result i32)
            (local $i i32) (local $a i32) (local $b i64) (local $x f32) (local $y f64)
            (local $v v128) (local $w v128)
            (local.set $i (i32.const 200000))
            (loop $l
              {body}
              (local.set $i (i32.sub (local.get $i) (i32.const 1)))
              (br_if $l (local.get $i)))
            (local.get $a)))"#
    );
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            // The Interpreter explicitly: the default engine may change.
            let runtime = Runtime::with_config(RuntimeConfig::interpreter());
            let module = runtime.compile(wat).expect("valid module");
            let instance = runtime.instantiate(&module, ModuleConfig::new()).expect("instantiates");
            let run = instance.func("run").unwrap().typed::<(), i32>().unwrap();
            run.call(()).expect("no trap")
        })
        .unwrap()
        .join()
        .expect("the loop ran on a bounded native stack")
}

#[test]
fn integer_arithmetic_and_comparisons() {
    let a = run_loop(
        r#"(local.set $a (i32.add (local.get $a) (i32.const 3)))
           (local.set $a (i32.sub (local.get $a) (local.get $i)))
           (local.set $a (i32.mul (local.get $a) (i32.const 1)))
           (local.set $a (i32.xor (i32.or (i32.and (local.get $a) (i32.const -1)) (i32.const 0)) (i32.const 0)))
           (local.set $a (i32.add (local.get $a) (i32.add (i32.shl (local.get $i) (i32.const 0)) (i32.shr_s (i32.const 0) (i32.const 1)))))
           (local.set $a (i32.sub (local.get $a) (i32.shr_u (local.get $i) (i32.const 0))))
           (local.set $a (i32.add (local.get $a) (i32.rotl (i32.const 0) (local.get $i))))
           (local.set $a (i32.add (local.get $a) (i32.rotr (i32.const 0) (local.get $i))))
           (local.set $a (i32.add (local.get $a) (i32.div_s (local.get $i) (i32.const 200001))))
           (local.set $a (i32.add (local.get $a) (i32.div_u (local.get $i) (i32.const 200001))))
           (local.set $a (i32.add (local.get $a) (i32.rem_s (i32.const 0) (local.get $i))))
           (local.set $a (i32.add (local.get $a) (i32.rem_u (i32.const 0) (local.get $i))))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32.clz (i32.const 0)) (i32.ctz (i32.const 0)))))
           (local.set $a (i32.add (local.get $a) (i32.popcnt (i32.const 0))))
           (local.set $a (i32.add (local.get $a) (i32.eqz (local.get $i))))
           (local.set $a (i32.add (local.get $a) (i32.eq (local.get $i) (i32.const -1))))
           (local.set $a (i32.add (local.get $a) (i32.ne (local.get $i) (local.get $i))))
           (local.set $a (i32.add (local.get $a) (i32.lt_s (local.get $i) (i32.const 0))))
           (local.set $a (i32.add (local.get $a) (i32.gt_u (i32.const 0) (local.get $i))))
           (local.set $b (i64.add (local.get $b) (i64.extend_i32_u (local.get $i))))
           (local.set $b (i64.sub (i64.mul (local.get $b) (i64.const 1)) (i64.const 0)))
           (local.set $b (i64.xor (i64.or (i64.and (local.get $b) (i64.const -1)) (i64.const 0)) (i64.const 0)))
           (local.set $b (i64.rotl (i64.rotr (local.get $b) (i64.const 3)) (i64.const 3)))
           (local.set $b (i64.shr_s (i64.shl (local.get $b) (i64.const 0)) (i64.const 0)))
           (local.set $b (i64.add (local.get $b) (i64.div_u (i64.const 0) (i64.const 7))))
           (local.set $b (i64.add (local.get $b) (i64.extend_i32_s (i64.lt_s (local.get $b) (i64.const 0)))))
           (local.set $a (i32.add (local.get $a) (i32.wrap_i64 (i64.popcnt (i64.const 0)))))"#,
    );
    // Per iteration $a gains 3 - i (every other term is 0 or cancels): 600000 - sum(1..=200000).
    assert_eq!(a, (600_000i64 - 200_000 * 200_001 / 2) as i32);
}

#[test]
fn floats_memory_globals_calls_and_branches() {
    let a = run_loop(
        r#"(local.set $x (f32.add (f32.mul (local.get $x) (f32.const 1)) (f32.const 1)))
           (local.set $y (f64.sqrt (f64.add (f64.abs (f64.neg (local.get $y))) (f64.const 1))))
           (local.set $x (f32.min (f32.max (local.get $x) (f32.const 0)) (f32.const 1e30)))
           (local.set $y (f64.floor (f64.ceil (f64.trunc (f64.nearest (local.get $y))))))
           (local.set $x (f32.demote_f64 (f64.promote_f32 (f32.copysign (local.get $x) (f32.const 1)))))
           (local.set $a (i32.add (local.get $a) (i32.trunc_f32_s (f32.sub (local.get $x) (local.get $x)))))
           (local.set $a (i32.add (local.get $a) (f64.lt (local.get $y) (f64.const 0))))
           (local.set $y (f64.convert_i32_u (i32.trunc_f64_u (f64.div (local.get $y) (f64.const 1)))))
           (i32.store (i32.const 16) (local.get $i))
           (i64.store (i32.const 24) (i64.load (i32.const 8)))
           (i32.store8 offset=1 (i32.const 0) (i32.load8_u (i32.const 16)))
           (i32.store16 (i32.const 2) (i32.load16_s (i32.const 16)))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32.load (i32.const 16)) (local.get $i))))
           (global.set $g (i32.add (global.get $g) (i32.const 1)))
           (local.set $a (i32.add (local.get $a) (call $id (i32.const 1))))
           (local.set $a (i32.sub (local.get $a) (call_indirect (type $t) (i32.const 1) (i32.const 0))))
           (local.set $a (i32.add (local.get $a) (select (i32.const 1) (i32.const 0) (local.get $i))))
           (local.set $a (i32.sub (local.get $a) (i32.ne (memory.size) (i32.const 0))))
           (block $b0 (block $b1 (br_table $b0 $b1 (i32.and (local.get $i) (i32.const 1)))))
           (if (i32.lt_u (local.get $i) (i32.const 0)) (then (unreachable)) (else (nop)))
           (block $done (br_if $done (i32.ge_s (local.get $i) (i32.const 0))) (unreachable))"#,
    );
    assert_eq!(a, 0);
}

#[test]
fn simd() {
    let a = run_loop(
        r#"(local.set $v (i32x4.splat (local.get $i)))
           (local.set $w (i32x4.sub (i32x4.add (local.get $v) (v128.const i32x4 1 2 3 4)) (local.get $v)))
           (local.set $w (i32x4.mul (local.get $w) (i32x4.splat (i32.const 1))))
           (local.set $w (v128.and (local.get $w) (v128.or (local.get $w) (v128.not (local.get $w)))))
           (local.set $w (v128.xor (v128.xor (local.get $w) (local.get $v)) (local.get $v)))
           (local.set $w (v128.andnot (v128.bitselect (local.get $w) (local.get $v) (v128.const i32x4 -1 -1 -1 -1)) (v128.const i64x2 0 0)))
           (local.set $w (v128.or (local.get $w) (v128.and (local.get $w) (local.get $v))))
           (local.set $w (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get $w) (local.get $v)))
           (local.set $w (i8x16.swizzle (local.get $w) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)))
           (local.set $w (i32x4.shr_u (i32x4.shl (local.get $w) (i32.const 1)) (i32.const 1)))
           (local.set $w (i32x4.shr_s (local.get $w) (i32.and (local.get $i) (i32.const 32))))
           (local.set $w (i32x4.abs (i32x4.neg (local.get $w))))
           (local.set $w (i32x4.min_s (i32x4.max_u (local.get $w) (i32x4.splat (i32.const 1))) (i32x4.splat (i32.const 9))))
           (local.set $w (i32x4.trunc_sat_f32x4_s (f32x4.sqrt (f32x4.mul (f32x4.convert_i32x4_s (local.get $w)) (f32x4.convert_i32x4_u (local.get $w))))))
           (local.set $w (i32x4.trunc_sat_f32x4_u (f32x4.nearest (f32x4.ceil (f32x4.floor (f32x4.trunc
             (f32x4.pmin (f32x4.max (f32x4.convert_i32x4_s (local.get $w)) (f32x4.splat (f32.const -1)))
                         (f32x4.pmax (f32x4.min (f32x4.splat (f32.const 10)) (f32x4.splat (f32.const 9))) (f32x4.splat (f32.const 0))))))))))
           (local.set $v (f64x2.promote_low_f32x4 (f32x4.convert_i32x4_s (local.get $w))))
           (local.set $v (f64x2.div (f64x2.add (local.get $v) (f64x2.splat (f64.const 0))) (f64x2.splat (f64.const 1))))
           (local.set $a (i32.add (local.get $a) (i32.trunc_f64_s (f64x2.extract_lane 1 (local.get $v)))))
           (local.set $a (i32.sub (local.get $a) (i32x4.extract_lane 1 (i32x4.trunc_sat_f64x2_s_zero (local.get $v)))))
           (local.set $a (i32.sub (local.get $a) (i32x4.extract_lane 2 (f32x4.demote_f64x2_zero (local.get $v)))))
           (local.set $w (i32x4.extend_low_i16x8_s (i16x8.narrow_i32x4_s (local.get $w) (local.get $w))))
           (local.set $w (i32x4.extend_high_i16x8_u (i16x8.narrow_i32x4_u (local.get $w) (local.get $w))))
           (local.set $v (i32x4.dot_i16x8_s (i16x8.narrow_i32x4_s (local.get $w) (local.get $w)) (i16x8.splat (i32.const 1))))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32x4.extract_lane 3 (local.get $v)) (i32.const 7))))
           (local.set $v (i32x4.extadd_pairwise_i16x8_u (i16x8.extmul_low_i8x16_u (local.get $w) (i8x16.splat (i32.const 1)))))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32x4.extract_lane 0 (local.get $v)) (i32.const 1))))
           (v128.store (i32.const 32) (local.get $w))
           (local.set $w (v128.load (i32.const 32)))
           (v128.store32_lane 1 (i32.const 48) (local.get $w))
           (local.set $w (v128.load32_lane 1 (i32.const 48) (local.get $w)))
           (local.set $v (v128.load32_splat (i32.const 36)))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32x4.extract_lane 3 (local.get $v)) (i32.const 2))))
           (local.set $v (v128.load16x4_u (i32.const 32)))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32x4.extract_lane 2 (local.get $v)) (i32.const 2))))
           (local.set $a (i32.add (local.get $a) (i32.sub (v128.any_true (local.get $w)) (i32x4.all_true (local.get $w)))))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32x4.bitmask (i32x4.lt_s (local.get $w) (i32x4.splat (i32.const 3)))) (i32.const 3))))
           (local.set $w (i32x4.replace_lane 0 (local.get $w) (i32x4.extract_lane 0 (local.get $w))))
           (local.set $v (i16x8.q15mulr_sat_s (i8x16.avgr_u (i8x16.popcnt (local.get $w)) (local.get $w)) (i16x8.splat (i32.const 0x7fff))))
           (local.set $a (i32.add (local.get $a) (i32.sub (i16x8.extract_lane_u 4 (local.get $v)) (i32.const 3))))
           (local.set $a (i32.add (local.get $a) (i32.sub (i8x16.all_true (i8x16.eq (local.get $w) (v128.const i32x4 1 2 3 4))) (i32.const 1))))
           (local.set $a (i32.add (local.get $a) (v128.any_true (f64x2.lt (f64x2.splat (local.get $y)) (f64x2.splat (f64.const -1))))))
           (local.set $a (i32.add (local.get $a) (i32.sub (i32x4.all_true (i32x4.eq (local.get $w) (v128.const i32x4 1 2 3 4))) (i32.const 1))))"#,
    );
    assert_eq!(a, 0);
}

/// Tail calls (each replacing the frame, 200 000 deep), `call_ref`, `ref.as_non_null` and the
/// branches on null: with Wasm 3.0, on a 256 KiB native stack.
#[test]
fn tail_calls_and_function_references() {
    let wat = r#"(module
      (type $t (func (param i32 i32) (result i32)))
      (table funcref (elem $down))
      (elem declare func $down $id)
      (func $id (type $t) (local.get 1))
      (func $down (type $t)
        (local $r (ref null $t))
        (if (result i32) (i32.eqz (local.get 0))
          (then (local.get 1))
          (else
            (local.set $r (ref.func $id))
            (local.set 1 (call_ref $t (local.get 0) (i32.add (local.get 1) (i32.const 1)) (ref.as_non_null (local.get $r))))
            (block $null (br_on_null $null (local.get $r)) (drop))
            (block $l (result (ref $t)) (br_on_non_null $l (local.get $r)) (unreachable))
            (drop)
            (if (result i32) (i32.and (local.get 0) (i32.const 1))
              (then (return_call $down (i32.sub (local.get 0) (i32.const 1)) (local.get 1)))
              (else (return_call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (local.get 1) (i32.const 0)))))))
      (func (export "run") (result i32) (return_call_ref $t (i32.const 200000) (i32.const 0) (ref.func $down))))"#;
    assert_eq!(run_wasm3_on_small_stack(wat), 200_000);
}

/// Two functions that tail-call each other 100 million times finish on both engines, on a
/// 256 KiB native stack and a call depth of 10: the stack stays constant (release builds, as
/// `make test` runs this file; a debug build does 1 million).
#[test]
fn a_hundred_million_mutual_tail_calls_in_constant_stack() {
    let wat = r#"(module
      (func $even (export "even") (param i64) (result i32)
        (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
          (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
      (func $odd (param i64) (result i32)
        (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
          (else (return_call $even (i64.sub (local.get 0) (i64.const 1)))))))"#;
    let n: i64 = if cfg!(debug_assertions) { 1_000_000 } else { 100_000_000 };
    for config in [RuntimeConfig::interpreter(), RuntimeConfig::compiler()] {
        let r = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let runtime = Runtime::with_config(config.with_core_features(zerowasm::CoreFeatures::V3_0).with_max_call_depth(10));
                let module = runtime.compile(wat).expect("valid module");
                let instance = runtime.instantiate(&module, ModuleConfig::new()).expect("instantiates");
                let even = instance.func("even").unwrap().typed::<i64, i32>().unwrap();
                (even.call(n).expect("no trap"), even.call(n + 1).expect("no trap"))
            })
            .unwrap()
            .join()
            .expect("the tail calls ran on a bounded native stack");
        assert_eq!(r, (1, 0));
    }
}

/// `call_indirect` and `return_call_indirect` of a callee whose type is a declared subtype of the
/// expected one take the out-of-line path, which must also continue by a tail call.
#[test]
fn indirect_calls_of_declared_subtypes() {
    let wat = r#"(module
      (type $sup (sub (func (param i32) (result i32))))
      (type $sub (sub $sup (func (param i32) (result i32))))
      (table funcref (elem $inc $down))
      (func $inc (type $sub) (i32.add (local.get 0) (i32.const 1)))
      (func $down (type $sub)
        (if (result i32) (i32.eqz (local.get 0))
          (then (i32.const 0))
          (else (return_call_indirect (type $sup) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))))
      (func (export "run") (result i32) (local $i i32) (local $a i32)
        (local.set $i (i32.const 200000))
        (loop $l
          (local.set $a (call_indirect (type $sup) (local.get $a) (i32.const 0)))
          (br_if $l (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
        (i32.add (local.get $a) (call_indirect (type $sup) (i32.const 200000) (i32.const 1)))))"#;
    assert_eq!(run_wasm3_on_small_stack(wat), 200_000);
}

/// Runs the export `run` (no parameters, an i32 result) of the Wasm 3.0 module `wat` on the
/// Interpreter, on a thread with a 256 KiB native stack.
fn run_wasm3_on_small_stack(wat: &'static str) -> i32 {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            let config = RuntimeConfig::interpreter().with_core_features(zerowasm::CoreFeatures::V3_0);
            let runtime = Runtime::with_config(config);
            let module = runtime.compile(wat).expect("valid module");
            let instance = runtime.instantiate(&module, ModuleConfig::new()).expect("instantiates");
            instance.func("run").unwrap().typed::<(), i32>().unwrap().call(()).expect("no trap")
        })
        .unwrap()
        .join()
        .expect("the calls ran on a bounded native stack")
}
