//! Converting `.wast` argument and result expressions to and from [`Val`]s: arguments, the
//! bit-exact comparison of results (NaN patterns per lane), and how values are printed in
//! failure messages.

use std::fmt::Write;
use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::token::{F32, F64};
use wast::{WastArg, WastRet};
use zerowasm::{Val, ValType};

/// The `Val` for an `invoke` argument, or why the public API cannot express it.
pub(crate) fn arg(a: &WastArg<'_>) -> Result<Val, String> {
    let WastArg::Core(a) = a else {
        return Err("component-model argument".into());
    };
    Ok(match a {
        WastArgCore::I32(x) => Val::I32(*x),
        WastArgCore::I64(x) => Val::I64(*x),
        WastArgCore::F32(x) => Val::F32(x.bits),
        WastArgCore::F64(x) => Val::F64(x.bits),
        WastArgCore::V128(x) => Val::V128(u128::from_le_bytes(x.to_le_bytes())),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Func,
            shared: false,
        }) => Val::FuncRef(None),
        WastArgCore::RefNull(HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            shared: false,
        }) => Val::ExternRef(None),
        // The host value behind `ref.extern N` is N itself, so results can be checked by value.
        WastArgCore::RefExtern(n) => Val::ExternRef(Some(zerowasm::ExternRef::new(*n))),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

/// Whether `v`, a result of a function whose declared result type is `ty`, matches `expected`.
pub(crate) fn matches(expected: &WastRet<'_>, v: &Val, ty: Option<ValType>) -> bool {
    let WastRet::Core(e) = expected else {
        return false;
    };
    matches_core(e, v, ty)
}

fn matches_core(e: &WastRetCore<'_>, v: &Val, ty: Option<ValType>) -> bool {
    match (e, v) {
        (WastRetCore::I32(x), Val::I32(y)) => x == y,
        (WastRetCore::I64(x), Val::I64(y)) => x == y,
        (WastRetCore::F32(p), Val::F32(bits)) => f32_matches(p, *bits),
        (WastRetCore::F64(p), Val::F64(bits)) => f64_matches(p, *bits),
        (WastRetCore::V128(p), Val::V128(bits)) => v128_matches(p, *bits),
        (WastRetCore::RefNull(h), Val::FuncRef(None)) => matches!(
            h,
            None | Some(HeapType::Abstract { ty: AbstractHeapType::Func, shared: false })
        ),
        (WastRetCore::RefNull(h), Val::ExternRef(None)) => matches!(
            h,
            None | Some(HeapType::Abstract { ty: AbstractHeapType::Extern, shared: false })
        ),
        (WastRetCore::RefExtern(None), Val::ExternRef(Some(_))) => true,
        (WastRetCore::RefExtern(Some(n)), Val::ExternRef(Some(r))) => r.downcast_ref::<u32>() == Some(n),
        // A function reference: the API cannot tell which function, only that it is one.
        (WastRetCore::RefFunc(_), Val::FuncRef(Some(_))) => ty != Some(ValType::EXTERNREF),
        (WastRetCore::Either(alts), v) => alts.iter().any(|a| matches_core(a, v, ty)),
        _ => false,
    }
}

fn f32_matches(p: &NanPattern<F32>, bits: u32) -> bool {
    match p {
        NanPattern::Value(x) => x.bits == bits,
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
    }
}

fn f64_matches(p: &NanPattern<F64>, bits: u64) -> bool {
    match p {
        NanPattern::Value(x) => x.bits == bits,
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
    }
}

fn lane(v: u128, bits: u32, i: usize) -> u128 {
    let mask = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    (v >> (bits as usize * i)) & mask
}

fn v128_matches(p: &V128Pattern, v: u128) -> bool {
    match p {
        V128Pattern::I8x16(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 8, i) as u8 == *x as u8),
        V128Pattern::I16x8(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 16, i) as u16 == *x as u16),
        V128Pattern::I32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 32, i) as u32 == *x as u32),
        V128Pattern::I64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, x)| lane(v, 64, i) as u64 == *x as u64),
        V128Pattern::F32x4(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f32_matches(p, lane(v, 32, i) as u32)),
        V128Pattern::F64x2(l) => l
            .iter()
            .enumerate()
            .all(|(i, p)| f64_matches(p, lane(v, 64, i) as u64)),
    }
}

// ---- printing ----

fn f32_str(bits: u32) -> String {
    let f = f32::from_bits(bits);
    if f.is_nan() {
        let sign = if bits >> 31 == 1 { "-" } else { "" };
        format!("{sign}nan:0x{:x} (0x{bits:08x})", bits & 0x7f_ffff)
    } else {
        format!("{f:?} (0x{bits:08x})")
    }
}

fn f64_str(bits: u64) -> String {
    let f = f64::from_bits(bits);
    if f.is_nan() {
        let sign = if bits >> 63 == 1 { "-" } else { "" };
        format!(
            "{sign}nan:0x{:x} (0x{bits:016x})",
            bits & 0xf_ffff_ffff_ffff
        )
    } else {
        format!("{f:?} (0x{bits:016x})")
    }
}

fn nan_str<T>(p: &NanPattern<T>, val: impl Fn(&T) -> String) -> String {
    match p {
        NanPattern::CanonicalNan => "nan:canonical".into(),
        NanPattern::ArithmeticNan => "nan:arithmetic".into(),
        NanPattern::Value(x) => val(x),
    }
}

/// How an expected result is printed.
pub(crate) fn expected_str(e: &WastRet<'_>) -> String {
    match e {
        WastRet::Core(c) => core_ret_str(c),
        _ => "(component value)".into(),
    }
}

fn core_ret_str(e: &WastRetCore<'_>) -> String {
    match e {
        WastRetCore::I32(x) => format!("i32:{x} (0x{:08x})", *x as u32),
        WastRetCore::I64(x) => format!("i64:{x} (0x{:016x})", *x as u64),
        WastRetCore::F32(p) => format!("f32:{}", nan_str(p, |x| f32_str(x.bits))),
        WastRetCore::F64(p) => format!("f64:{}", nan_str(p, |x| f64_str(x.bits))),
        WastRetCore::V128(p) => {
            let (shape, lanes): (&str, Vec<String>) = match p {
                V128Pattern::I8x16(l) => ("i8x16", l.iter().map(|x| x.to_string()).collect()),
                V128Pattern::I16x8(l) => ("i16x8", l.iter().map(|x| x.to_string()).collect()),
                V128Pattern::I32x4(l) => ("i32x4", l.iter().map(|x| x.to_string()).collect()),
                V128Pattern::I64x2(l) => ("i64x2", l.iter().map(|x| x.to_string()).collect()),
                V128Pattern::F32x4(l) => (
                    "f32x4",
                    l.iter().map(|p| nan_str(p, |x| f32_str(x.bits))).collect(),
                ),
                V128Pattern::F64x2(l) => (
                    "f64x2",
                    l.iter().map(|p| nan_str(p, |x| f64_str(x.bits))).collect(),
                ),
            };
            format!("v128:{shape} {}", lanes.join(" "))
        }
        WastRetCore::RefNull(None) => "ref.null".into(),
        WastRetCore::RefNull(Some(HeapType::Abstract { ty, .. })) => {
            format!("ref.null {}", heap_str(ty))
        }
        WastRetCore::RefNull(Some(h)) => format!("ref.null {h:?}"),
        WastRetCore::RefExtern(Some(n)) => format!("ref.extern {n}"),
        WastRetCore::RefExtern(None) => "ref.extern".into(),
        WastRetCore::RefFunc(_) => "ref.func".into(),
        WastRetCore::Either(alts) => {
            format!(
                "either({})",
                alts.iter()
                    .map(core_ret_str)
                    .collect::<Vec<_>>()
                    .join(" | ")
            )
        }
        other => format!("{other:?}"),
    }
}

fn heap_str(h: &AbstractHeapType) -> &'static str {
    match h {
        AbstractHeapType::Func => "func",
        AbstractHeapType::Extern => "extern",
        _ => "other",
    }
}

/// The V128 shape an expected result uses, to print the actual value in the same lanes.
fn v128_shape(e: Option<&WastRet<'_>>) -> &'static str {
    fn of(c: &WastRetCore<'_>) -> Option<&'static str> {
        match c {
            WastRetCore::V128(V128Pattern::I8x16(_)) => Some("i8x16"),
            WastRetCore::V128(V128Pattern::I16x8(_)) => Some("i16x8"),
            WastRetCore::V128(V128Pattern::I32x4(_)) => Some("i32x4"),
            WastRetCore::V128(V128Pattern::I64x2(_)) => Some("i64x2"),
            WastRetCore::V128(V128Pattern::F32x4(_)) => Some("f32x4"),
            WastRetCore::V128(V128Pattern::F64x2(_)) => Some("f64x2"),
            WastRetCore::Either(a) => a.iter().find_map(of),
            _ => None,
        }
    }
    match e {
        Some(WastRet::Core(c)) => of(c).unwrap_or("i32x4"),
        _ => "i32x4",
    }
}

/// How an actual result is printed; `like` is the expected result it is compared with.
pub(crate) fn actual_str(v: &Val, like: Option<&WastRet<'_>>) -> String {
    match v {
        Val::I32(x) => format!("i32:{x} (0x{:08x})", *x as u32),
        Val::I64(x) => format!("i64:{x} (0x{:016x})", *x as u64),
        Val::F32(b) => format!("f32:{}", f32_str(*b)),
        Val::F64(b) => format!("f64:{}", f64_str(*b)),
        Val::V128(b) => {
            let shape = v128_shape(like);
            let mut s = format!("v128:{shape}");
            let (bits, n) = match shape {
                "i8x16" => (8, 16),
                "i16x8" => (16, 8),
                "i64x2" | "f64x2" => (64, 2),
                _ => (32, 4),
            };
            for i in 0..n {
                let l = lane(*b, bits, i);
                let _ = match shape {
                    "i8x16" => write!(s, " {}", l as u8 as i8),
                    "i16x8" => write!(s, " {}", l as u16 as i16),
                    "i32x4" => write!(s, " {}", l as u32 as i32),
                    "i64x2" => write!(s, " {}", l as u64 as i64),
                    "f32x4" => write!(s, " {}", f32_str(l as u32)),
                    _ => write!(s, " {}", f64_str(l as u64)),
                };
            }
            s
        }
        Val::FuncRef(None) => "ref.null".into(),
        Val::FuncRef(Some(f)) => format!("ref.func {f:?}"),
        Val::ExternRef(None) => "ref.null extern".into(),
        Val::ExternRef(Some(r)) => match r.downcast_ref::<u32>() {
            Some(n) => format!("ref.extern {n}"),
            None => format!("{r:?}"),
        },
        other => format!("{other:?}"),
    }
}

/// A list of values, one per line (long lists are diffed line by line).
pub(crate) fn list<T>(items: &[T], f: impl Fn(usize, &T) -> String) -> String {
    if items.is_empty() {
        return "(no values)".into();
    }
    items
        .iter()
        .enumerate()
        .map(|(i, x)| f(i, x))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wast::parser::{parse, ParseBuffer};
    use wast::{Wast, WastDirective};

    /// Checks `vals` against the results of the script's single `assert_return`.
    fn check(script: &str, vals: &[Val]) -> bool {
        let buf = ParseBuffer::new(script).unwrap();
        let wast = parse::<Wast>(&buf).unwrap();
        let WastDirective::AssertReturn { results, .. } = &wast.directives[0] else {
            panic!("not assert_return")
        };
        results.len() == vals.len() && results.iter().zip(vals).all(|(e, v)| matches(e, v, None))
    }

    #[test]
    fn scalars_are_bit_exact() {
        assert!(check(
            r#"(assert_return (invoke "f") (i32.const -1) (i64.const 5))"#,
            &[Val::I32(-1), Val::I64(5)]
        ));
        assert!(!check(
            r#"(assert_return (invoke "f") (i32.const -1))"#,
            &[Val::I64(-1)]
        ));
        assert!(check(
            r#"(assert_return (invoke "f") (f32.const -0.0))"#,
            &[Val::F32(0x8000_0000)]
        ));
        assert!(!check(
            r#"(assert_return (invoke "f") (f32.const -0.0))"#,
            &[Val::F32(0)]
        ));
        assert!(check(
            r#"(assert_return (invoke "f") (f64.const nan:0x4))"#,
            &[Val::F64(0x7ff0_0000_0000_0004)]
        ));
        assert!(!check(
            r#"(assert_return (invoke "f") (f64.const nan:0x4))"#,
            &[Val::F64(0x7ff8_0000_0000_0000)]
        ));
        assert!(!check(r#"(assert_return (invoke "f"))"#, &[Val::I32(0)]));
    }

    #[test]
    fn nan_patterns() {
        let canon = r#"(assert_return (invoke "f") (f32.const nan:canonical))"#;
        assert!(check(canon, &[Val::F32(0x7fc0_0000)]));
        assert!(check(canon, &[Val::F32(0xffc0_0000)]));
        assert!(!check(canon, &[Val::F32(0x7fc0_0001)]));
        assert!(!check(canon, &[Val::F64(0x7ff8_0000_0000_0000)]));
        let arith = r#"(assert_return (invoke "f") (f64.const nan:arithmetic))"#;
        assert!(check(arith, &[Val::F64(0x7ff8_0000_0000_0001)]));
        assert!(check(arith, &[Val::F64(0xfff8_0000_0000_0000)]));
        assert!(
            !check(arith, &[Val::F64(0x7ff4_0000_0000_0000)]),
            "a signalling NaN is not arithmetic"
        );
        let either = r#"(assert_return (invoke "f") (either (f32.const nan:canonical) (f64.const nan:canonical)))"#;
        assert!(check(either, &[Val::F32(0x7fc0_0000)]));
        assert!(check(either, &[Val::F64(0x7ff8_0000_0000_0000)]));
        assert!(!check(either, &[Val::F32(0x7fa0_0000)]));
    }

    #[test]
    fn v128_lanes() {
        let v = |lanes: [u32; 4]| {
            Val::V128(
                lanes
                    .iter()
                    .rev()
                    .fold(0u128, |acc, l| (acc << 32) | *l as u128),
            )
        };
        let s = r#"(assert_return (invoke "f") (v128.const f32x4 nan:canonical 1.0 -0.0 nan:arithmetic))"#;
        assert!(check(
            s,
            &[v([0x7fc0_0000, 0x3f80_0000, 0x8000_0000, 0xffc0_0001])]
        ));
        assert!(!check(
            s,
            &[v([0x7fc0_0001, 0x3f80_0000, 0x8000_0000, 0xffc0_0001])]
        ));
        assert!(!check(s, &[v([0x7fc0_0000, 0x3f80_0000, 0, 0xffc0_0001])]));
        let ints = r#"(assert_return (invoke "f") (v128.const i16x8 -1 0 1 2 3 4 5 0x7fff))"#;
        let mut x = 0u128;
        for (i, l) in [0xffffu16, 0, 1, 2, 3, 4, 5, 0x7fff].iter().enumerate() {
            x |= (*l as u128) << (16 * i);
        }
        assert!(check(ints, &[Val::V128(x)]));
        assert!(!check(ints, &[Val::V128(x ^ 1)]));
        assert_eq!(
            actual_str(&Val::V128(x), None),
            "v128:i32x4 65535 131073 262147 2147418117"
        );
    }

    #[test]
    fn references() {
        assert!(check(
            r#"(assert_return (invoke "f") (ref.null func))"#,
            &[Val::FuncRef(None)]
        ));
        assert!(check(
            r#"(assert_return (invoke "f") (ref.null extern))"#,
            &[Val::ExternRef(None)]
        ));
        // A null of the other reference type does not match.
        assert!(!check(
            r#"(assert_return (invoke "f") (ref.null extern))"#,
            &[Val::FuncRef(None)]
        ));
        assert!(!check(
            r#"(assert_return (invoke "f") (ref.null func))"#,
            &[Val::ExternRef(None)]
        ));
        // `ref.extern N` compares the host value.
        let seven = Val::ExternRef(Some(zerowasm::ExternRef::new(7u32)));
        assert!(check(r#"(assert_return (invoke "f") (ref.extern 7))"#, &[seven.clone()]));
        assert!(!check(r#"(assert_return (invoke "f") (ref.extern 8))"#, &[seven]));
    }
}
