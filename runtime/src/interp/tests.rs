//! Interpreter tests that need its insides or shapes the spec tests do not reach.

use crate::{ModuleConfig, Runtime, RuntimeConfig, Val};

fn run(wat: &str, name: &str, args: &[Val]) -> Vec<Val> {
    let runtime = Runtime::with_config(RuntimeConfig::interpreter());
    let module = runtime.compile(wat).expect("valid module");
    let instance = runtime.instantiate(&module, ModuleConfig::new()).expect("instantiates");
    instance.func(name).expect("exported").call(args).expect("no trap")
}

fn bytes(f: impl Fn(u8) -> u8) -> u128 {
    u128::from_le_bytes(std::array::from_fn(|i| f(i as u8)))
}

/// Frames past 65 536 slots take the fallback forms of the instructions whose operands are
/// 16-bit slots in the common form (shuffle, bitselect, select).
#[test]
fn v128_in_frames_past_16_bit_slots() {
    let locals = "v128 ".repeat(40_000);
    let mask: String = (0..16).map(|i| format!(" {}", 31 - i)).collect();
    let wat = format!(
        r#"(module
          (func (export "f") (param $a v128) (param $b v128) (param $c v128) (param $s i32) (result v128)
            (local {locals})
            (local.set 39990 (i8x16.shuffle{mask} (local.get $a) (local.get $b)))
            (local.set 39991 (v128.bitselect (local.get 39990) (local.get $a) (local.get $c)))
            (select (local.get 39991) (local.get $b) (local.get $s))))"#
    );
    let (a, b, c) = (bytes(|i| i), bytes(|i| 16 + i), bytes(|i| if i % 2 == 0 { 0xff } else { 0 }));
    let shuffled = bytes(|i| 31 - i);
    let selected = (shuffled & c) | (a & !c);
    for (s, want) in [(1, selected), (0, b)] {
        let args = [Val::V128(a), Val::V128(b), Val::V128(c), Val::I32(s)];
        assert_eq!(run(&wat, "f", &args), vec![Val::V128(want)]);
    }
}

/// `local.set` folds into v128 producers, also when the local is one of their operands or is
/// still on the operand stack.
#[test]
fn local_set_folds_into_v128_producers() {
    let wat = r#"(module
      (func (export "f") (param $x v128) (param $y v128) (result v128 v128 i32)
        (local.get $x)
        (local.set $x (i32x4.add (local.get $x) (local.get $y)))
        (local.set $y (i32x4.shl (local.get $x) (i32.const 33)))
        (local.get $y)
        (i32x4.extract_lane 3 (local.get $x))))"#;
    let (x, y) = (bytes(|i| i), bytes(|_| 1));
    let sum = x + y; // No carries cross bytes.
    let shifted = u128::from_le_bytes(std::array::from_fn(|i| {
        let lane = u32::from_le_bytes(sum.to_le_bytes()[i / 4 * 4..i / 4 * 4 + 4].try_into().unwrap()) << 1;
        lane.to_le_bytes()[i % 4]
    }));
    let lane3 = (sum >> 96) as u32 as i32;
    assert_eq!(run(wat, "f", &[Val::V128(x), Val::V128(y)]), vec![Val::V128(x), Val::V128(shifted), Val::I32(lane3)]);
}

/// v128 constants come from the module's pool, shared by all functions.
#[test]
fn v128_constants_across_functions() {
    let wat = r#"(module
      (func $k (result v128) (v128.const i64x2 1 2))
      (func (export "f") (result v128)
        (i64x2.add (call $k) (v128.const i64x2 1 2))))"#;
    assert_eq!(run(wat, "f", &[]), vec![Val::V128(2 | 4 << 64)]);
}

/// The ops of function `index` (among bodies) of `wat`, as translated.
fn ops(wat: &str, index: usize) -> Vec<super::ir::Op> {
    ops_with(wat, index, wasmparser::WasmFeatures::WASM2)
}

/// [`ops`] of a module using `features`.
fn ops_with(wat: &str, index: usize, features: wasmparser::WasmFeatures) -> Vec<super::ir::Op> {
    let bytes = wat::parse_str(wat).expect("valid text");
    let module = crate::wasm::parse(bytes.into(), features).expect("valid module");
    let mut pool = super::translate::V128Pool::default();
    let f = super::translate::translate(&module, index, &mut pool, Default::default()).expect("translates");
    f.code.iter().map(|i| *i.op()).collect()
}

/// A counted loop's decrement, a loop variable's copy and a bit-field extraction are fused
/// with the instruction after them, and compute what the separate instructions compute.
#[test]
fn fused_counter_copy_and_bit_field_instructions() {
    let wat = r#"(module
      (func (export "f") (param $n i32) (param $x i32) (result i32) (local $acc i32) (local $p i32) (local $q i32) (local $c i32)
        (loop $l
          (local.set $acc (i32.add (local.get $acc) (i32.and (i32.shr_u (local.get $x) (i32.const 3)) (i32.const 5))))
          (local.set $x (i32.add (local.get $x) (i32.const 7)))
          (br_if $l (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
        (loop $m
          (local.set $c (i32.lt_u (local.get $q) (i32.const 9)))
          (local.set $q (i32.add (local.get $q) (i32.const 1)))
          (local.set $p (local.get $q))
          (br_if $m (local.get $c)))
        (i32.add (local.get $acc) (i32.mul (local.get $p) (i32.const 1000)))))"#;
    use super::ir::Op;
    let code = ops(wat, 0);
    assert!(code.iter().any(|o| matches!(o, Op::BrIfI32AddImmNez { imm: -1, .. })), "{code:?}");
    assert!(code.iter().any(|o| matches!(o, Op::I32ShrUAndImm { shift: 3, mask: 5, .. })), "{code:?}");
    assert!(code.iter().any(|o| matches!(o, Op::BrIfNezAfterCopy { .. })), "{code:?}");
    for (n, x) in [(1, 0), (5, 100), (17, -3), (3, i32::MAX)] {
        let (mut acc, mut xv) = (0i32, x);
        for _ in 0..n {
            acc = acc.wrapping_add(((xv as u32 >> 3) & 5) as i32);
            xv = xv.wrapping_add(7);
        }
        assert_eq!(run(wat, "f", &[Val::I32(n), Val::I32(x)]), vec![Val::I32(acc + 10 * 1000)], "n={n} x={x}");
    }
}

/// No instruction is fused across a position some branch lands on: here the block's end,
/// where `br_if $b` lands, lies between the decrement and the `if` that tests it.
#[test]
fn no_fusion_across_a_branch_target() {
    let wat = r#"(module
      (func (export "g") (param $skip i32) (param $n i32) (result i32)
        (block $b
          (br_if $b (local.get $skip))
          (local.set $n (i32.add (local.get $n) (i32.const -1))))
        (if (result i32) (local.get $n) (then (i32.const 1)) (else (i32.const 0)))))"#;
    use super::ir::Op;
    let code = ops(wat, 0);
    assert!(!code.iter().any(|o| matches!(o, Op::BrIfI32AddImmNez { .. } | Op::BrIfI32AddImmEqz { .. })), "{code:?}");
    for (skip, n, want) in [(1, 0, 0), (1, 1, 1), (0, 1, 0), (0, 2, 1)] {
        assert_eq!(run(wat, "g", &[Val::I32(skip), Val::I32(n)]), vec![Val::I32(want)], "skip={skip} n={n}");
    }
}

/// `x * y + c` is one instruction, the product on either side, also when `local.set` takes
/// its result, and wraps as the two would.
#[test]
fn multiply_add_is_fused() {
    let wat = r#"(module
      (func (export "f") (param $x i32) (param $y i32) (param $c i32) (result i32 i32) (local $r i32)
        (local.set $r (i32.add (local.get $c) (i32.mul (local.get $x) (local.get $y))))
        (local.get $r)
        (i32.add (i32.mul (local.get $x) (i32.const 3)) (i32.mul (local.get $y) (local.get $c)))))"#;
    use super::ir::Op;
    let code = ops(wat, 0);
    assert_eq!(code.iter().filter(|o| matches!(o, Op::I32MulAdd16 { .. })).count(), 2, "{code:?}");
    for (x, y, c) in [(3i32, 4i32, 5i32), (-7, 9, 100), (i32::MAX, 2, 1), (65536, 65536, -1)] {
        let r = c.wrapping_add(x.wrapping_mul(y));
        let s = x.wrapping_mul(3).wrapping_add(y.wrapping_mul(c));
        assert_eq!(run(wat, "f", &[Val::I32(x), Val::I32(y), Val::I32(c)]), vec![Val::I32(r), Val::I32(s)]);
    }
}

/// A constant read inside a loop, or more than once, comes from a constant slot set up on every
/// call (here by recursive calls, each with its own frame), not from a `Const` per use; one
/// read once outside loops is still written where it is used.
#[test]
fn recurring_constants_come_from_constant_slots() {
    let wat = r#"(module
      (func $f (export "f") (param $n i32) (param $x i32) (result i32) (local $i i32)
        (if (i32.gt_s (local.get $n) (i32.const 0))
          (then (local.set $x (call $f (i32.sub (local.get $n) (i32.const 1)) (local.get $x)))))
        (loop $l
          (local.set $x (i32.rotl (local.get $x) (i32.const 5)))
          (local.set $x (i64.eq (i64.extend_i32_u (local.get $x)) (i64.const 0x123456789)))
          (local.set $x (i32.sub (i32.const 77) (local.get $x)))
          (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3))))
        (i32.rotl (local.get $x) (i32.const 11))))"#;
    use super::ir::Op;
    let code = ops(wat, 0);
    // Only the rotate by 11 (once, outside the loop) materializes its constant.
    let consts: Vec<_> = code.iter().filter(|o| matches!(o, Op::Const32 { .. } | Op::Const64 { .. })).collect();
    assert!(matches!(consts[..], [Op::Const32 { value: 11, .. }]), "{code:?}");
    let f = |n: i32, x: i32| {
        let mut x = x;
        for _ in 0..=n {
            for _ in 0..3 {
                x = x.rotate_left(5);
                x = (x as u32 as u64 == 0x1_2345_6789) as i32;
                x = 77i32.wrapping_sub(x);
            }
        }
        x.rotate_left(11)
    };
    for (n, x) in [(0, 1), (3, -5), (20, 0x2468)] {
        assert_eq!(run(wat, "f", &[Val::I32(n), Val::I32(x)]), vec![Val::I32(f(n, x))], "n={n} x={x}");
    }
}

/// A flag test and branch, an element address `a + (i << k)`, xor-shifts, a xor-rotate and an
/// i64 multiply-add are one instruction each, and compute what the separate ones compute.
#[test]
fn bit_test_branch_indexed_address_xor_rotate_and_i64_multiply_add_are_fused() {
    let wat = r#"(module
      (func (export "f") (param $x i32) (param $m i32) (param $a i32) (param $y i64) (result i32 i32 i32 i32 i64 i32 i32)
        (local $r i32) (local $s i32)
        (block $b1 (br_if $b1 (i32.and (local.get $x) (i32.const 0x80000001))) (local.set $r (i32.const 1)))
        (if (i32.and (local.get $x) (local.get $m)) (then (local.set $s (i32.const 2))))
        (local.get $r)
        (local.get $s)
        (i32.add (local.get $a) (i32.shl (local.get $x) (i32.const 35)))
        (i32.rotl (i32.xor (local.get $x) (local.get $m)) (local.get $a))
        (i64.add (i64.extend_i32_s (local.get $a)) (i64.mul (local.get $y) (local.get $y)))
        (i32.xor (local.get $m) (i32.shr_u (local.get $x) (i32.const 48)))
        (i32.xor (i32.shl (local.get $x) (i32.const 13)) (local.get $m))))"#;
    let code = ops(wat, 0);
    for want in ["BrIfI32AndImmNez", "BrIfI32AndEqz", "I32AddShlImm", "I32XorRotl16", "I64MulAdd16", "I32XorShrUImm", "I32XorShlImm"] {
        assert!(code.iter().any(|o| format!("{o:?}").starts_with(want)), "{want} in {code:?}");
    }
    for (x, m, a, y) in [(0i32, 0i32, 0i32, 0i64), (1, 2, 3, -4), (i32::MIN, -1, 31, i64::MAX), (0x1234_5678, 0x0f0f_0f0f, 37, 1 << 33)] {
        let r = ((x as u32 & 0x8000_0001) == 0) as i32;
        let s = if x & m != 0 { 2 } else { 0 };
        let want = vec![
            Val::I32(r),
            Val::I32(s),
            Val::I32(a.wrapping_add(x.wrapping_shl(3))),
            Val::I32((x ^ m).rotate_left(a as u32 % 32)),
            Val::I64(y.wrapping_mul(y).wrapping_add(a as i64)),
            Val::I32(m ^ (x as u32 >> 16) as i32),
            Val::I32((x << 13) ^ m),
        ];
        assert_eq!(run(wat, "f", &[Val::I32(x), Val::I32(m), Val::I32(a), Val::I64(y)]), want, "x={x} m={m} a={a} y={y}");
    }
}

/// Loads and stores whose address is an i32 addition computed just before are one instruction
/// each; the sum wraps to 32 bits before the offset is added, as in wasm, so they trap, or do
/// not, exactly where the Compiler does.
#[test]
fn accesses_with_a_fused_address_computation_agree_with_the_compiler() {
    let wat = r#"(module
      (memory 1)
      (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f\20")
      (func (export "ld") (param $a i32) (param $b i32) (result i32 i64 i32 i32 i64 i32 i32 i64 f32 f64)
        (i32.load offset=4 (i32.add (local.get $a) (i32.const -8)))
        (i64.load offset=1 (i32.add (local.get $a) (i32.const 16)))
        (i32.load8_u offset=1 (i32.add (local.get $a) (i32.const 3)))
        (i32.load (i32.add (local.get $a) (local.get $b)))
        (i64.load offset=8 (i32.add (local.get $a) (local.get $b)))
        (i32.load8_u offset=65535 (i32.add (local.get $b) (local.get $a)))
        (i32.load offset=4 (i32.add (local.get $a) (i32.shl (local.get $b) (i32.const 2))))
        (i64.load (i32.add (local.get $a) (i32.shl (local.get $b) (i32.const 35))))
        (f32.load (i32.add (local.get $a) (i32.const 12)))
        (f64.load (i32.add (local.get $a) (local.get $b))))
      (func (export "st") (param $a i32) (param $w i32) (param $v i64) (result i64)
        (i32.store offset=2 (i32.add (local.get $a) (i32.const -4)) (local.get $w))
        (i64.store (i32.add (local.get $a) (i32.const 24)) (local.get $v))
        (i32.store8 offset=7 (i32.add (local.get $a) (i32.const 1)) (local.get $w))
        ;; A value computed just before is not an address.
        (i32.store offset=40 (local.get $w) (i32.add (local.get $a) (i32.const 4)))
        ;; Copies from memory to memory, the load checked first.
        (i32.store offset=1 (local.get $w) (i32.load offset=2 (local.get $a)))
        (i64.store offset=3 (local.get $a) (i64.load offset=4 (local.get $w)))
        (f64.store offset=5 (local.get $a) (f64.load offset=6 (local.get $a)))
        (i64.add (i64.load (i32.const 0)) (i64.load offset=40 (local.get $w))))
      (func (export "br") (param $a i32) (result i32)
        (if (i32.load offset=3 (local.get $a)) (then (return (i32.const 7))))
        (block $b (br_if $b (i32.load (local.get $a))) (return (i32.const 8)))
        (block $c (br_if $c (i32.eqz (i32.load offset=1 (local.get $a)))) (return (i32.const 9)))
        (i32.const 10)))"#;
    let code: Vec<String> = (0..3).flat_map(|f| ops(wat, f)).map(|o| format!("{o:?}")).collect();
    let fused = ["I32LoadAddImm16", "I64LoadAddImm16", "I32Load8UAddImm16", "I32LoadAdd16", "I64LoadAdd16", "I32Load8UAdd16", "I32LoadAddShl16", "I64LoadAddShl16"];
    let fused_stores = ["I32StoreAddImm16", "I64StoreAddImm16", "I32Store8AddImm16", "I32LoadStore16", "I64LoadStore16", "BrIfI32LoadNez", "BrIfI32LoadEqz"];
    for want in fused.iter().chain(&fused_stores) {
        assert!(code.iter().any(|o| o.starts_with(want)), "{want} in {code:?}");
    }
    let call = |config: crate::RuntimeConfig, name: &str, args: &[Val]| {
        let runtime = Runtime::with_config(config);
        let module = runtime.compile(wat).expect("valid module");
        let instance = runtime.instantiate(&module, ModuleConfig::new()).expect("instantiates");
        instance.func(name).expect("exported").call(args).map_err(|t| t.to_string())
    };
    let edges = [0u32, 1, 4, 7, 8, 12, 65_520, 65_528, 65_535, 0x7fff_ffff, 0xffff_fff0, 0xffff_fff8, 0xffff_fffc, 0xffff_ffff];
    let mut traps = 0;
    for a in edges {
        for b in [0u32, 1, 2, 0x4000_0000, 0xffff_ffff, 0xffff_0001] {
            let args = [Val::I32(a as i32), Val::I32(b as i32)];
            let interp = call(crate::RuntimeConfig::interpreter(), "ld", &args);
            assert_eq!(interp, call(crate::RuntimeConfig::compiler(), "ld", &args), "ld a={a:#x} b={b:#x}");
            traps += interp.is_err() as u32;
        }
        for w in [0x1122_3344u32, 16, 65_530] {
            let args = [Val::I32(a as i32), Val::I32(w as i32), Val::I64(0x0102_0304_0506_0708)];
            let interp = call(crate::RuntimeConfig::interpreter(), "st", &args);
            assert_eq!(interp, call(crate::RuntimeConfig::compiler(), "st", &args), "st a={a:#x} w={w:#x}");
            traps += interp.is_err() as u32;
        }
        let args = [Val::I32(a as i32)];
        let interp = call(crate::RuntimeConfig::interpreter(), "br", &args);
        assert_eq!(interp, call(crate::RuntimeConfig::compiler(), "br", &args), "br a={a:#x}");
        traps += interp.is_err() as u32;
    }
    // Both outcomes are exercised.
    assert!(traps > 0 && traps < edges.len() as u32 * 11, "{traps} traps");
}

/// A result goes to the next instruction through the accumulator, in a straight line, but not
/// to an instruction some branch lands on: there the accumulator holds what ran before the
/// branch (here the 9 written to `$z`, not `$t`).
#[test]
fn results_reach_the_next_instruction_through_the_accumulator_but_not_across_a_landing() {
    let wat = r#"(module
      (func (export "f") (param $x i32) (param $y i32) (result i32) (local $t i32) (local $z i32)
        (local.set $t (i32.const 5))
        (local.set $z (i32.const 9))
        (block $b
          (br_if $b (local.get $y))
          (local.set $t (i32.add (local.get $x) (i32.const 1))))
        (i32.load8_u (i32.xor (i32.mul (local.get $t) (i32.const 3)) (local.get $z)))
        (i32.add (local.get $t)))
      (memory 1)
      (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f\20\21\22\23\24\25\26\27\28\29\2a\2b\2c\2d\2e\2f\30\31\32\33\34\35\36\37\38\39\3a\3b\3c\3d"))"#;
    use super::ir::{Op, ACC};
    let code = ops(wat, 0);
    let landing = code.iter().position(|o| matches!(o, Op::I32MulImm { .. })).expect("a multiplication");
    assert!(matches!(code[landing], Op::I32MulImm { a, .. } if a != ACC), "{code:?}");
    // The product, the xor and the load are read once, by the next instruction: their results
    // stay in the accumulator.
    assert!(matches!(code[landing], Op::I32MulImm { dst: ACC, .. }), "{code:?}");
    assert!(matches!(code[landing + 1], Op::I32Xor { dst: ACC, a: ACC, .. }), "{code:?}");
    assert!(matches!(code[landing + 2], Op::I32Load8U { dst: ACC, addr: ACC, .. }), "{code:?}");
    assert!(matches!(code[landing + 3], Op::I32Add { a: ACC, .. }), "{code:?}");
    for (x, y) in [(0, 0), (2, 0), (7, 1), (3, 5)] {
        let t = if y != 0 { 5 } else { x + 1 };
        assert_eq!(run(wat, "f", &[Val::I32(x), Val::I32(y)]), vec![Val::I32(((t * 3) ^ 9) + t)], "x={x} y={y}");
    }
}

/// Accesses in the last bytes of memory, where the bound register (the length less 8) sends
/// them to the exact test, succeed up to the last byte and trap one past it, for every width.
#[test]
fn accesses_at_the_end_of_memory() {
    let wat = r#"(module
      (memory 1)
      (func (export "i64") (param i32) (result i64) (i64.load (local.get 0)))
      (func (export "i32") (param i32) (result i32) (i32.load offset=1 (local.get 0)))
      (func (export "u8") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "v128") (param i32) (result v128) (v128.load (local.get 0)))
      (func (export "store") (param i32) (i32.store16 (local.get 0) (i32.const 7))))"#;
    let runtime = Runtime::with_config(RuntimeConfig::interpreter());
    let module = runtime.compile(wat).expect("valid module");
    let instance = runtime.instantiate(&module, ModuleConfig::new()).expect("instantiates");
    let end = 65536;
    for (name, width) in [("i64", 8), ("i32", 5), ("u8", 1), ("v128", 16), ("store", 2)] {
        let f = instance.func(name).expect("exported");
        for at in end - width - 9..=end - width {
            assert!(f.call(&[Val::I32(at)]).is_ok(), "{name} at {at}");
        }
        for at in [end - width + 1, end, i32::MAX, -1] {
            let err = f.call(&[Val::I32(at)]).map(|r| panic!("{name} at {at}: {r:?}")).unwrap_err();
            assert!(err.to_string().contains("out of bounds"), "{name} at {at}: {err}");
        }
    }
}

/// An empty memory has no address below the bound register: every access traps, until the
/// memory grows.
#[test]
fn accesses_to_an_empty_memory_trap() {
    let wat = r#"(module
      (memory 0)
      (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
      (func (export "grow") (result i32) (memory.grow (i32.const 1))))"#;
    let runtime = Runtime::with_config(RuntimeConfig::interpreter());
    let module = runtime.compile(wat).expect("valid module");
    let instance = runtime.instantiate(&module, ModuleConfig::new()).expect("instantiates");
    let load = instance.func("load").expect("exported");
    for at in [0, 1, 7, 8] {
        assert!(load.call(&[Val::I32(at)]).is_err(), "load at {at}");
    }
    instance.func("grow").expect("exported").call(&[]).expect("grows");
    for at in [0, 7, 65535] {
        assert_eq!(load.call(&[Val::I32(at)]).expect("in bounds"), vec![Val::I32(0)], "load at {at}");
    }
    assert!(load.call(&[Val::I32(65536)]).is_err());
}

/// Accesses to a memory other than a 32-bit memory 0 take the general instructions, which name
/// their memory and keep a 64-bit offset in their extension word; memory 0's take the fast ones.
#[test]
fn memory_indices_and_64_bit_offsets_reach_the_general_instructions() {
    use super::ir::{ext, Op};
    let features = wasmparser::WasmFeatures::WASM2 | wasmparser::WasmFeatures::MULTI_MEMORY | wasmparser::WasmFeatures::MEMORY64;
    let parse = |wat: &str| {
        let bytes = wat::parse_str(wat).expect("valid text");
        crate::wasm::parse(bytes.into(), features).expect("valid module")
    };
    let code = |m: &crate::wasm::Module| -> Vec<Op> {
        let mut pool = super::translate::V128Pool::default();
        let f = super::translate::translate(m, 0, &mut pool, Default::default()).expect("translates");
        f.code.iter().map(|i| *i.op()).collect()
    };
    let two = parse(
        r#"(module (memory 1) (memory 1)
          (func (param i32) (result i32 i32) (i32.load 0 (local.get 0)) (i32.load 1 offset=3 (local.get 0))))"#,
    );
    let ops = code(&two);
    assert!(matches!(ops[0], Op::I32Load { offset: 0, .. }), "{ops:?}");
    let at = ops.iter().position(|op| matches!(op, Op::LoadMem { .. })).expect("a general load");
    assert_eq!(ext::LoadMem::of(ops[at + 1]), Some(ext::LoadMem { memory: 1, offset: 3 }), "{ops:?}");
    let wide = parse(r#"(module (memory i64 1) (func (param i64) (i64.store offset=0x100000000 (local.get 0) (i64.const 1))))"#);
    let ops = code(&wide);
    let at = ops.iter().position(|op| matches!(op, Op::StoreMem { .. })).expect("a general store");
    assert_eq!(ext::StoreMem::of(ops[at + 1]), Some(ext::StoreMem { memory: 0, offset: 1 << 32 }), "{ops:?}");
    assert!(!ops.iter().any(|op| matches!(op, Op::I64Store { .. })), "{ops:?}");
    // A 64-bit memory 0 with a 32-bit offset: the fast load, on the address saturated to u32.
    let ops = code(&parse(r#"(module (memory i64 1) (func (param i64) (result i32) (i32.load offset=8 (local.get 0))))"#));
    assert!(matches!(ops[0], Op::I64SatU32 { src: 0, .. }), "{ops:?}");
    assert!(matches!(ops[1], Op::I32Load { offset: 8, .. }), "{ops:?}");
}

/// A tail call is one instruction with its arguments in consecutive slots from `base`. The slots from `base`
/// also have room for a host callee's results (here two cells more than the one argument).
#[test]
fn a_tail_call_is_one_instruction_after_its_arguments() {
    use super::ir::Op;
    let wat = r#"(module
      (import "h" "f" (func $h (param i32) (result i64 i64 i64)))
      (type $t (func (param i32) (result i64 i64 i64)))
      (table 1 funcref)
      (func $f (param i32) (result i64 i64 i64)
        (if (local.get 0) (then (return_call $h (local.get 0))))
        (if (i32.eqz (local.get 0)) (then (return_call_indirect (type $t) (local.get 0) (i32.const 0))))
        (return_call $f (i32.add (local.get 0) (i32.const 1)))))"#;
    let features = wasmparser::WasmFeatures::WASM2 | wasmparser::WasmFeatures::TAIL_CALL;
    let code = ops_with(wat, 0, features);
    let tails: Vec<Op> = code
        .iter()
        .copied()
        .filter(|op| matches!(op, Op::ReturnCall { .. } | Op::ReturnCallImported { .. } | Op::ReturnCallIndirect { .. }))
        .collect();
    assert!(matches!(tails[..], [Op::ReturnCallImported { func: 0, .. }, Op::ReturnCallIndirect { table: 0, .. }, Op::ReturnCall { func: 0, .. }]), "{code:?}");
    // The self call is the last instruction that runs; the body's return after it (which the
    // Interpreter translates, as after every `end`) is dead.
    let last = code.iter().rposition(|op| matches!(op, Op::ReturnCall { .. })).unwrap();
    assert!(code[last + 1..].iter().all(|op| matches!(op, Op::Copy { .. } | Op::Return)), "{code:?}");
    let bytes = wat::parse_str(wat).unwrap();
    let module = crate::wasm::parse(bytes.into(), features).unwrap();
    let f = super::translate::translate(&module, 0, &mut Default::default(), Default::default()).unwrap();
    let Op::ReturnCallImported { base, .. } = tails[0] else { unreachable!() };
    assert!(base + 3 <= f.frame_size, "room for three result cells from {base} in {}", f.frame_size);
}

/// `br_on_null` tests all 64 bits of the reference (`I64Eqz` into the slot above it) and skips
/// the label's branch when the reference is not null; the reference stays in its slot for the
/// code after. `ref.as_non_null` is one check that moves nothing.
#[test]
fn branches_on_null_test_the_whole_cell() {
    use super::ir::Op;
    let wat = r#"(module
      (type $t (func))
      (func (param (ref null $t)) (result i32)
        (block $l
          (br_on_null $l (local.get 0))
          (drop (ref.as_non_null))
          (return (i32.const 1)))
        (i32.const 0)))"#;
    let features = wasmparser::WasmFeatures::WASM2 | wasmparser::WasmFeatures::FUNCTION_REFERENCES;
    let code = ops_with(wat, 0, features);
    // local 0 is copied to the operand slot 1, its nullness goes to slot 2 (each read from
    // the accumulator, which the instruction before set).
    let at = code.iter().position(|op| matches!(op, Op::I64Eqz { dst: 2, .. })).unwrap_or_else(|| panic!("no nullness in {code:?}"));
    assert!(matches!(code[at - 1], Op::Copy { dst: 1, src: 0 }), "{code:?}");
    assert!(matches!(code[at + 1], Op::BrIfEqz { .. }), "{code:?}");
    assert!(code[at].acc_mode() != 0 && code[at + 1].acc_mode() != 0, "{code:?}");
    assert!(code.iter().any(|op| matches!(op, Op::RefAsNonNull { src: 1 })), "{code:?}");
}
