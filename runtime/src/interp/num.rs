//! Numeric semantics the spec defines differently from Rust's defaults
//! ([§4.3 numerics](https://webassembly.github.io/spec/core/exec/numerics.html)).

use crate::vm::{Trap};

macro_rules! float_ops {
    ($t:ty, $qbit:expr, $min:ident, $max:ident, $nearest:ident, $quiet:ident) => {
        /// [fmin](https://webassembly.github.io/spec/core/exec/numerics.html#op-fmin): NaN if
        /// either operand is NaN, and -0 is less than +0.
        #[inline]
        pub(crate) fn $min(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                // Arithmetic on a NaN yields a quiet NaN, as the spec requires.
                a + b
            } else if a == b {
                <$t>::from_bits(a.to_bits() | b.to_bits())
            } else if a < b {
                a
            } else {
                b
            }
        }
        /// [fmax](https://webassembly.github.io/spec/core/exec/numerics.html#op-fmax).
        #[inline]
        pub(crate) fn $max(a: $t, b: $t) -> $t {
            if a.is_nan() || b.is_nan() {
                a + b
            } else if a == b {
                <$t>::from_bits(a.to_bits() & b.to_bits())
            } else if a > b {
                a
            } else {
                b
            }
        }
        /// Sets the quiet bit of a NaN result: software rounding (without SSE4.1) may return a
        /// signalling NaN input unchanged, but the spec requires an arithmetic NaN.
        #[inline]
        pub(crate) fn $quiet(a: $t) -> $t {
            if a.is_nan() {
                <$t>::from_bits(a.to_bits() | $qbit)
            } else {
                a
            }
        }
        /// [fnearest](https://webassembly.github.io/spec/core/exec/numerics.html#op-fnearest):
        /// round to nearest, ties to even.
        #[inline]
        pub(crate) fn $nearest(a: $t) -> $t {
            a.round_ties_even()
        }
    };
}
float_ops!(f32, 0x0040_0000, f32_min, f32_max, f32_nearest, f32_quiet);
float_ops!(f64, 0x0008_0000_0000_0000, f64_min, f64_max, f64_nearest, f64_quiet);

/// [trunc](https://webassembly.github.io/spec/core/exec/numerics.html#op-trunc-s) of a float to an
/// integer: traps on NaN ("invalid conversion to integer") and out of range ("integer overflow").
/// `lo` and `hi` are the exclusive bounds in the float type.
macro_rules! trunc {
    ($name:ident, $f:ty, $i:ty, $lo:expr, $hi:expr) => {
        #[inline]
        pub(crate) fn $name(x: $f) -> Result<$i, Trap> {
            if x.is_nan() {
                return Err(Trap::InvalidConversionToInteger);
            }
            if !(x > $lo && x < $hi) {
                return Err(Trap::IntegerOverflow);
            }
            Ok(x as $i)
        }
    };
}
trunc!(i32_trunc_f32_s, f32, i32, -2147483904.0f32, 2147483648.0f32);
trunc!(i32_trunc_f32_u, f32, u32, -1.0f32, 4294967296.0f32);
trunc!(i32_trunc_f64_s, f64, i32, -2147483649.0f64, 2147483648.0f64);
trunc!(i32_trunc_f64_u, f64, u32, -1.0f64, 4294967296.0f64);
trunc!(i64_trunc_f32_s, f32, i64, -9223373136366403584.0f32, 9223372036854775808.0f32);
trunc!(i64_trunc_f32_u, f32, u64, -1.0f32, 18446744073709551616.0f32);
trunc!(i64_trunc_f64_s, f64, i64, -9223372036854777856.0f64, 9223372036854775808.0f64);
trunc!(i64_trunc_f64_u, f64, u64, -1.0f64, 18446744073709551616.0f64);

/// [`i32.add`](https://webassembly.github.io/spec/core/exec/numerics.html#op-iadd) of two
/// registers.
///
/// With the test-only cargo feature `__test-inject-i32-add-bug` it is deliberately wrong (one too
/// large) whenever the operands agree in their low 4 bits (1 in 16 random pairs, and every
/// `x + x`): the differential fuzzer's own test proves that it catches such a bug. (Only the
/// register form: the immediate form also runs the fuzzer's fuel countdown, `i32.sub 1`, and a
/// wrong countdown would hang rather than diverge.) Never enable it otherwise.
#[inline(always)]
pub(crate) fn i32_add(a: u32, b: u32) -> u32 {
    #[cfg(feature = "__test-inject-i32-add-bug")]
    if (a ^ b) & 0xf == 0 {
        return a.wrapping_add(b).wrapping_add(1);
    }
    a.wrapping_add(b)
}
