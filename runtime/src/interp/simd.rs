//! 128-bit SIMD semantics (Core 2.0 fixed-width SIMD): pure functions on [`V128`] values, one
//! per instruction (or per family), that the executor's handlers call. See
//! [§4.4.3 vector instructions](https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions)
//! for what each instruction does with its lanes and
//! [§4.3 numerics](https://webassembly.github.io/spec/core/exec/numerics.html) for the per-lane
//! operators (linked on each group below).
//!
//! A [`V128`] is the 16 bytes of a v128 in wasm's little-endian order (lane 0 first). An operation
//! splits its operands into arrays of lanes ([`split`]), works lane by lane with statically
//! dispatched closures that inline, and joins the lanes back ([`join`]). On little-endian hosts
//! splitting and joining are plain reinterpretations, and LLVM turns most of these loops into
//! single vector instructions (with a `u128` instead, it would split values into integer
//! registers and reassemble them lane by lane: several times the instructions); other hosts go
//! through little-endian bytes.

use super::num::{f32_max, f32_min, f32_nearest, f32_quiet, f64_max, f64_min, f64_nearest, f64_quiet};
use std::array::from_fn;

/// A v128 value: its bytes in little-endian order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(16))]
pub(super) struct V128([u8; 16]);

impl From<u128> for V128 {
    #[inline(always)]
    fn from(v: u128) -> V128 {
        V128(v.to_le_bytes())
    }
}

impl From<V128> for u128 {
    #[inline(always)]
    fn from(v: V128) -> u128 {
        u128::from_le_bytes(v.0)
    }
}

/// A lane type: an integer or float of 1, 2, 4 or 8 bytes.
pub(super) trait Lane: Copy {
    const BYTES: usize;
    fn from_le_slice(b: &[u8]) -> Self;
    fn put_le(self, b: &mut [u8]);
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            const BYTES: usize = std::mem::size_of::<$t>();
            #[inline(always)]
            fn from_le_slice(b: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            }
            #[inline(always)]
            fn put_le(self, b: &mut [u8]) {
                b.copy_from_slice(&self.to_le_bytes())
            }
        }
    )*};
}
lane!(i8, u8, i16, u16, i32, u32, i64, u64, f32, f64);

// On little-endian hosts, V128 and lane arrays have the same bytes, and so have two cells and a
// V128: conversions are reinterpretations. The byte-wise versions below are what other hosts use
// (`cfg!` rather than `#[cfg]`, so that they are compiled, and tested against the fast ones,
// everywhere).
const LITTLE: bool = cfg!(target_endian = "little");

/// The `N` lanes of type `T` of `v`, lane 0 first.
#[inline(always)]
pub(super) fn split<T: Lane, const N: usize>(v: V128) -> [T; N] {
    const { assert!(N * T::BYTES == 16) };
    if LITTLE {
        // SAFETY: `[T; N]` is 16 bytes of plain integers or floats, valid for any bits.
        unsafe { std::mem::transmute_copy(&v) }
    } else {
        split_bytes(v)
    }
}

#[inline(always)]
fn split_bytes<T: Lane, const N: usize>(v: V128) -> [T; N] {
    from_fn(|i| T::from_le_slice(&v.0[i * T::BYTES..(i + 1) * T::BYTES]))
}

/// The v128 with lanes `l`, lane 0 first.
#[inline(always)]
pub(super) fn join<T: Lane, const N: usize>(l: [T; N]) -> V128 {
    const { assert!(N * T::BYTES == 16) };
    if LITTLE {
        // SAFETY: same size, and every bit pattern is a valid V128.
        unsafe { std::mem::transmute_copy(&l) }
    } else {
        join_bytes(l)
    }
}

#[inline(always)]
fn join_bytes<T: Lane, const N: usize>(l: [T; N]) -> V128 {
    let mut b = [0u8; 16];
    for (i, x) in l.iter().enumerate() {
        x.put_le(&mut b[i * T::BYTES..(i + 1) * T::BYTES]);
    }
    V128(b)
}

/// Reads the v128 held in two consecutive 64-bit cells (low half first, each cell a native
/// `u64`, as the rest of the runtime stores v128 values).
///
/// # Safety
/// `p` must point to two readable cells.
#[inline(always)]
pub(super) unsafe fn read_cells(p: *const u64) -> V128 {
    // SAFETY: `p` points to two readable cells (the function's contract), the 16 bytes of a
    // `V128`, which has alignment 1 and is valid for any bits.
    unsafe {
        if LITTLE {
            std::ptr::read_unaligned(p as *const V128)
        } else {
            join_bytes::<u64, 2>([*p, *p.add(1)])
        }
    }
}

/// Writes a v128 into two consecutive 64-bit cells (low half first).
///
/// # Safety
/// `p` must point to two writable cells.
#[inline(always)]
pub(super) unsafe fn write_cells(p: *mut u64, v: V128) {
    // SAFETY: `p` points to two writable cells (the function's contract), the 16 bytes of a
    // `V128`.
    unsafe {
        if LITTLE {
            std::ptr::write_unaligned(p as *mut V128, v)
        } else {
            let [lo, hi] = split_bytes::<u64, 2>(v);
            *p = lo;
            *p.add(1) = hi;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Lane-wise building blocks.

/// `f` on every lane.
#[inline(always)]
fn map<T: Lane, U: Lane, const N: usize>(a: V128, f: impl Fn(T) -> U) -> V128 {
    join::<U, N>(split::<T, N>(a).map(f))
}

/// `f` on every pair of lanes with the same index.
#[inline(always)]
fn zip<T: Lane, U: Lane, const N: usize>(a: V128, b: V128, f: impl Fn(T, T) -> U) -> V128 {
    let (x, y) = (split::<T, N>(a), split::<T, N>(b));
    join::<U, N>(from_fn(|i| f(x[i], y[i])))
}

/// `f` on the low (or high) `M` of the `N = 2M` lanes, into `M` lanes twice as wide.
#[inline(always)]
fn widen<T: Lane, U: Lane, const N: usize, const M: usize>(a: V128, high: bool, f: impl Fn(T) -> U) -> V128 {
    let x = split::<T, N>(a);
    let o = if high { M } else { 0 };
    join::<U, M>(from_fn(|i| f(x[i + o])))
}

/// Like [`widen`], with two operands.
#[inline(always)]
fn widen2<T: Lane, U: Lane, const N: usize, const M: usize>(
    a: V128,
    b: V128,
    high: bool,
    f: impl Fn(T, T) -> U,
) -> V128 {
    let (x, y) = (split::<T, N>(a), split::<T, N>(b));
    let o = if high { M } else { 0 };
    join::<U, M>(from_fn(|i| f(x[i + o], y[i + o])))
}

/// `f` on adjacent lane pairs `2i, 2i+1`, into `M = N/2` lanes twice as wide.
#[inline(always)]
fn pairwise<T: Lane, U: Lane, const N: usize, const M: usize>(a: V128, f: impl Fn(T, T) -> U) -> V128 {
    let x = split::<T, N>(a);
    join::<U, M>(from_fn(|i| f(x[2 * i], x[2 * i + 1])))
}

/// `f` on the `N` lanes of `a` then of `b`, into `M = 2N` lanes half as wide.
#[inline(always)]
fn narrow<T: Lane, U: Lane, const N: usize, const M: usize>(a: V128, b: V128, f: impl Fn(T) -> U) -> V128 {
    let (x, y) = (split::<T, N>(a), split::<T, N>(b));
    join::<U, M>(from_fn(|i| f(if i < N { x[i] } else { y[i - N] })))
}

/// Whether `f` holds for every lane.
#[inline(always)]
fn all<T: Lane, const N: usize>(a: V128, f: impl Fn(T) -> bool) -> u32 {
    split::<T, N>(a).iter().fold(true, |acc, x| acc & f(*x)) as u32
}

/// Bit `i` set iff `f` holds for lane `i`.
#[inline(always)]
fn bits<T: Lane, const N: usize>(a: V128, f: impl Fn(T) -> bool) -> u32 {
    split::<T, N>(a).iter().enumerate().fold(0, |m, (i, x)| m | (f(*x) as u32) << i)
}

/// All ones for true, zero for false: the lane results of comparisons.
#[inline(always)]
fn m8(c: bool) -> u8 {
    (c as u8).wrapping_neg()
}
#[inline(always)]
fn m16(c: bool) -> u16 {
    (c as u16).wrapping_neg()
}
#[inline(always)]
fn m32(c: bool) -> u32 {
    (c as u32).wrapping_neg()
}
#[inline(always)]
fn m64(c: bool) -> u64 {
    (c as u64).wrapping_neg()
}

// ---------------------------------------------------------------------------------------------
// Memory: the handlers read and write linear memory; these build the v128 from what they read
// [Loads](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vload-val)
// (`vload`, `vload_pack`, `vload_splat`, `vload_zero`, `vload_lane`).

// They take the bytes read, in memory order (little-endian, as V128), so that the lanes are
// extended straight from memory rather than picked out of an integer register.

/// `v128.load32_zero` / `v128.load64_zero`: the bytes in the low lanes, zeros above.
#[inline(always)]
pub(super) fn load_zero<const K: usize>(b: [u8; K]) -> V128 {
    let mut v = [0u8; 16];
    v[..K].copy_from_slice(&b);
    V128(v)
}
/// `v128.load8x8_s`: 8 bytes, each sign-extended to 16 bits.
#[inline(always)]
pub(super) fn load8x8_s(b: [u8; 8]) -> V128 {
    i16x8_extend_low_i8x16_s(load_zero(b))
}
#[inline(always)]
pub(super) fn load8x8_u(b: [u8; 8]) -> V128 {
    i16x8_extend_low_i8x16_u(load_zero(b))
}
#[inline(always)]
pub(super) fn load16x4_s(b: [u8; 8]) -> V128 {
    i32x4_extend_low_i16x8_s(load_zero(b))
}
#[inline(always)]
pub(super) fn load16x4_u(b: [u8; 8]) -> V128 {
    i32x4_extend_low_i16x8_u(load_zero(b))
}
#[inline(always)]
pub(super) fn load32x2_s(b: [u8; 8]) -> V128 {
    i64x2_extend_low_i32x4_s(load_zero(b))
}
#[inline(always)]
pub(super) fn load32x2_u(b: [u8; 8]) -> V128 {
    i64x2_extend_low_i32x4_u(load_zero(b))
}

// ---------------------------------------------------------------------------------------------
// Lanes: [splat, extract_lane, replace_lane](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vec-splat),
// [shuffle](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vec-shuffle),
// [swizzle](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vec-swizzle).

#[inline(always)]
pub(super) fn i8x16_splat(x: u64) -> V128 {
    join::<u8, 16>([x as u8; 16])
}
#[inline(always)]
pub(super) fn i16x8_splat(x: u64) -> V128 {
    join::<u16, 8>([x as u16; 8])
}
/// Also `f32x4.splat`: cells hold floats as their bits.
#[inline(always)]
pub(super) fn i32x4_splat(x: u64) -> V128 {
    join::<u32, 4>([x as u32; 4])
}
/// Also `f64x2.splat`.
#[inline(always)]
pub(super) fn i64x2_splat(x: u64) -> V128 {
    join::<u64, 2>([x; 2])
}

// Validation keeps lane indices in range; masking them keeps the indexing free of checks.

#[inline(always)]
pub(super) fn i8x16_extract_lane_s(v: V128, lane: u8) -> u32 {
    split::<i8, 16>(v)[lane as usize & 15] as i32 as u32
}
#[inline(always)]
pub(super) fn i8x16_extract_lane_u(v: V128, lane: u8) -> u32 {
    split::<u8, 16>(v)[lane as usize & 15] as u32
}
#[inline(always)]
pub(super) fn i16x8_extract_lane_s(v: V128, lane: u8) -> u32 {
    split::<i16, 8>(v)[lane as usize & 7] as i32 as u32
}
#[inline(always)]
pub(super) fn i16x8_extract_lane_u(v: V128, lane: u8) -> u32 {
    split::<u16, 8>(v)[lane as usize & 7] as u32
}
/// Also `f32x4.extract_lane`.
#[inline(always)]
pub(super) fn i32x4_extract_lane(v: V128, lane: u8) -> u32 {
    split::<u32, 4>(v)[lane as usize & 3]
}
/// Also `f64x2.extract_lane`.
#[inline(always)]
pub(super) fn i64x2_extract_lane(v: V128, lane: u8) -> u64 {
    split::<u64, 2>(v)[lane as usize & 1]
}

/// `v` with lane `lane` replaced by `x`.
#[inline(always)]
fn replace<T: Lane, const N: usize>(v: V128, lane: u8, x: T) -> V128 {
    let mut l = split::<T, N>(v);
    l[lane as usize & (N - 1)] = x;
    join::<T, N>(l)
}

/// Replace the lane with the low 8 bits of `x`.
#[inline(always)]
pub(super) fn i8x16_replace_lane(v: V128, lane: u8, x: u64) -> V128 {
    replace::<u8, 16>(v, lane, x as u8)
}
#[inline(always)]
pub(super) fn i16x8_replace_lane(v: V128, lane: u8, x: u64) -> V128 {
    replace::<u16, 8>(v, lane, x as u16)
}
/// Also `f32x4.replace_lane`.
#[inline(always)]
pub(super) fn i32x4_replace_lane(v: V128, lane: u8, x: u64) -> V128 {
    replace::<u32, 4>(v, lane, x as u32)
}
/// Also `f64x2.replace_lane`.
#[inline(always)]
pub(super) fn i64x2_replace_lane(v: V128, lane: u8, x: u64) -> V128 {
    replace::<u64, 2>(v, lane, x)
}

/// `i8x16.shuffle`: byte `i` of the result is byte `mask[i]` of `a ++ b` (validation keeps the
/// indices below 32). Bytes are in lane order on every host.
#[inline(always)]
pub(super) fn i8x16_shuffle(a: V128, b: V128, mask: V128) -> V128 {
    let mut t = [0u8; 32];
    t[..16].copy_from_slice(&a.0);
    t[16..].copy_from_slice(&b.0);
    V128(from_fn(|i| t[mask.0[i] as usize & 31]))
}

/// `i8x16.swizzle`: byte `i` of the result is byte `s[i]` of `a`, or 0 when `s[i] >= 16`.
#[inline(always)]
pub(super) fn i8x16_swizzle(a: V128, s: V128) -> V128 {
    let mut t = [0u8; 17];
    t[..16].copy_from_slice(&a.0);
    V128(from_fn(|i| t[(s.0[i] as usize).min(16)]))
}

// ---------------------------------------------------------------------------------------------
// Bitwise: [vvunop, vvbinop, vvternop, vvtestop](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vvunop).

#[inline(always)]
pub(super) fn v128_not(a: V128) -> V128 {
    map::<u64, u64, 2>(a, |x| !x)
}
#[inline(always)]
pub(super) fn v128_and(a: V128, b: V128) -> V128 {
    zip::<u64, u64, 2>(a, b, |x, y| x & y)
}
#[inline(always)]
pub(super) fn v128_andnot(a: V128, b: V128) -> V128 {
    zip::<u64, u64, 2>(a, b, |x, y| x & !y)
}
#[inline(always)]
pub(super) fn v128_or(a: V128, b: V128) -> V128 {
    zip::<u64, u64, 2>(a, b, |x, y| x | y)
}
#[inline(always)]
pub(super) fn v128_xor(a: V128, b: V128) -> V128 {
    zip::<u64, u64, 2>(a, b, |x, y| x ^ y)
}
/// Bits of `a` where `c` is 1, of `b` where it is 0.
#[inline(always)]
pub(super) fn v128_bitselect(a: V128, b: V128, c: V128) -> V128 {
    let (x, y, m) = (split::<u64, 2>(a), split::<u64, 2>(b), split::<u64, 2>(c));
    join::<u64, 2>(from_fn(|i| (x[i] & m[i]) | (y[i] & !m[i])))
}
#[inline(always)]
pub(super) fn v128_any_true(a: V128) -> u32 {
    let [lo, hi] = split::<u64, 2>(a);
    (lo | hi != 0) as u32
}

// ---------------------------------------------------------------------------------------------
// Integer lanes: [iadd](https://webassembly.github.io/spec/core/exec/numerics.html#op-iadd) and
// the other integer operators, lane-wise; [all_true, bitmask](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vec-all-true),
// [narrow](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vec-narrow),
// [extend, extmul, extadd_pairwise, dot](https://webassembly.github.io/spec/core/exec/instructions.html#exec-vec-extend).

/// Integer lane operations shared by several shapes: `$t`/`$u` the signed/unsigned lane types,
/// `$n` the lane count, `$m` the comparison mask.
macro_rules! int_lanes {
    ($t:ty, $u:ty, $n:literal, $m:ident,
     $eq:ident, $ne:ident, $lt_s:ident, $lt_u:ident, $gt_s:ident, $gt_u:ident,
     $le_s:ident, $le_u:ident, $ge_s:ident, $ge_u:ident,
     $add:ident, $sub:ident, $neg:ident, $abs:ident, $shl:ident, $shr_s:ident, $shr_u:ident,
     $all_true:ident, $bitmask:ident) => {
        #[inline(always)]
        pub(super) fn $eq(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, |x, y| $m(x == y))
        }
        #[inline(always)]
        pub(super) fn $ne(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, |x, y| $m(x != y))
        }
        #[inline(always)]
        pub(super) fn $lt_s(a: V128, b: V128) -> V128 {
            zip::<$t, $u, $n>(a, b, |x, y| $m(x < y))
        }
        #[inline(always)]
        pub(super) fn $lt_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, |x, y| $m(x < y))
        }
        #[inline(always)]
        pub(super) fn $gt_s(a: V128, b: V128) -> V128 {
            zip::<$t, $u, $n>(a, b, |x, y| $m(x > y))
        }
        #[inline(always)]
        pub(super) fn $gt_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, |x, y| $m(x > y))
        }
        #[inline(always)]
        pub(super) fn $le_s(a: V128, b: V128) -> V128 {
            zip::<$t, $u, $n>(a, b, |x, y| $m(x <= y))
        }
        #[inline(always)]
        pub(super) fn $le_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, |x, y| $m(x <= y))
        }
        #[inline(always)]
        pub(super) fn $ge_s(a: V128, b: V128) -> V128 {
            zip::<$t, $u, $n>(a, b, |x, y| $m(x >= y))
        }
        #[inline(always)]
        pub(super) fn $ge_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, |x, y| $m(x >= y))
        }
        #[inline(always)]
        pub(super) fn $add(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, <$u>::wrapping_add)
        }
        #[inline(always)]
        pub(super) fn $sub(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, <$u>::wrapping_sub)
        }
        #[inline(always)]
        pub(super) fn $neg(a: V128) -> V128 {
            map::<$u, $u, $n>(a, <$u>::wrapping_neg)
        }
        /// The absolute value; the most negative value stays as it is.
        #[inline(always)]
        pub(super) fn $abs(a: V128) -> V128 {
            map::<$t, $t, $n>(a, <$t>::wrapping_abs)
        }
        /// Shifts take the count modulo the lane width.
        #[inline(always)]
        pub(super) fn $shl(a: V128, n: u32) -> V128 {
            map::<$u, $u, $n>(a, |x| x.wrapping_shl(n))
        }
        #[inline(always)]
        pub(super) fn $shr_s(a: V128, n: u32) -> V128 {
            map::<$t, $t, $n>(a, |x| x.wrapping_shr(n))
        }
        #[inline(always)]
        pub(super) fn $shr_u(a: V128, n: u32) -> V128 {
            map::<$u, $u, $n>(a, |x| x.wrapping_shr(n))
        }
        #[inline(always)]
        pub(super) fn $all_true(a: V128) -> u32 {
            all::<$u, $n>(a, |x| x != 0)
        }
        /// Bit `i` is the top bit of lane `i`.
        #[inline(always)]
        pub(super) fn $bitmask(a: V128) -> u32 {
            bits::<$t, $n>(a, |x| x < 0)
        }
    };
}

int_lanes!(i8, u8, 16, m8, i8x16_eq, i8x16_ne, i8x16_lt_s, i8x16_lt_u, i8x16_gt_s, i8x16_gt_u,
    i8x16_le_s, i8x16_le_u, i8x16_ge_s, i8x16_ge_u, i8x16_add, i8x16_sub, i8x16_neg, i8x16_abs,
    i8x16_shl, i8x16_shr_s, i8x16_shr_u, i8x16_all_true, _i8x16_bitmask_by_lanes);
int_lanes!(i16, u16, 8, m16, i16x8_eq, i16x8_ne, i16x8_lt_s, i16x8_lt_u, i16x8_gt_s, i16x8_gt_u,
    i16x8_le_s, i16x8_le_u, i16x8_ge_s, i16x8_ge_u, i16x8_add, i16x8_sub, i16x8_neg, i16x8_abs,
    i16x8_shl, i16x8_shr_s, i16x8_shr_u, i16x8_all_true, i16x8_bitmask);
int_lanes!(i32, u32, 4, m32, i32x4_eq, i32x4_ne, i32x4_lt_s, i32x4_lt_u, i32x4_gt_s, i32x4_gt_u,
    i32x4_le_s, i32x4_le_u, i32x4_ge_s, i32x4_ge_u, i32x4_add, i32x4_sub, i32x4_neg, i32x4_abs,
    i32x4_shl, i32x4_shr_s, i32x4_shr_u, i32x4_all_true, i32x4_bitmask);
// i64x2 has no unsigned comparisons; the generated ones are unused.
int_lanes!(i64, u64, 2, m64, i64x2_eq, i64x2_ne, i64x2_lt_s, _i64x2_lt_u, i64x2_gt_s, _i64x2_gt_u,
    i64x2_le_s, _i64x2_le_u, i64x2_ge_s, _i64x2_ge_u, i64x2_add, i64x2_sub, i64x2_neg, i64x2_abs,
    i64x2_shl, i64x2_shr_s, i64x2_shr_u, i64x2_all_true, i64x2_bitmask);

/// `i8x16.bitmask` without a loop over lanes: in each half, the top bits of the bytes, moved to
/// bit 0 of their byte, are gathered into the top byte by one multiplication (byte `i` by
/// `2^(56 - 7i)`; no two partial products overlap, so nothing carries).
#[inline(always)]
pub(super) fn i8x16_bitmask(a: V128) -> u32 {
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let [lo, hi] = split::<u64, 2>(a);
    let half = |x: u64| (((x >> 7) & 0x0101_0101_0101_0101).wrapping_mul(GATHER) >> 56) as u32;
    half(lo) | half(hi) << 8
}

/// Saturating arithmetic, min, max and rounding average of 8- and 16-bit lanes.
macro_rules! small_int_lanes {
    ($t:ty, $u:ty, $w:ty, $n:literal, $add_sat_s:ident, $add_sat_u:ident, $sub_sat_s:ident,
     $sub_sat_u:ident, $min_s:ident, $min_u:ident, $max_s:ident, $max_u:ident, $avgr_u:ident) => {
        #[inline(always)]
        pub(super) fn $add_sat_s(a: V128, b: V128) -> V128 {
            zip::<$t, $t, $n>(a, b, <$t>::saturating_add)
        }
        #[inline(always)]
        pub(super) fn $add_sat_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, <$u>::saturating_add)
        }
        #[inline(always)]
        pub(super) fn $sub_sat_s(a: V128, b: V128) -> V128 {
            zip::<$t, $t, $n>(a, b, <$t>::saturating_sub)
        }
        #[inline(always)]
        pub(super) fn $sub_sat_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, <$u>::saturating_sub)
        }
        #[inline(always)]
        pub(super) fn $min_s(a: V128, b: V128) -> V128 {
            zip::<$t, $t, $n>(a, b, <$t>::min)
        }
        #[inline(always)]
        pub(super) fn $min_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, <$u>::min)
        }
        #[inline(always)]
        pub(super) fn $max_s(a: V128, b: V128) -> V128 {
            zip::<$t, $t, $n>(a, b, <$t>::max)
        }
        #[inline(always)]
        pub(super) fn $max_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, <$u>::max)
        }
        /// [avgr_u](https://webassembly.github.io/spec/core/exec/numerics.html#op-iavgr-u):
        /// `(a + b + 1) / 2` without overflow.
        #[inline(always)]
        pub(super) fn $avgr_u(a: V128, b: V128) -> V128 {
            zip::<$u, $u, $n>(a, b, |x, y| ((x as $w + y as $w + 1) >> 1) as $u)
        }
    };
}
small_int_lanes!(i8, u8, u16, 16, i8x16_add_sat_s, i8x16_add_sat_u, i8x16_sub_sat_s, i8x16_sub_sat_u,
    i8x16_min_s, i8x16_min_u, i8x16_max_s, i8x16_max_u, i8x16_avgr_u);
small_int_lanes!(i16, u16, u32, 8, i16x8_add_sat_s, i16x8_add_sat_u, i16x8_sub_sat_s, i16x8_sub_sat_u,
    i16x8_min_s, i16x8_min_u, i16x8_max_s, i16x8_max_u, i16x8_avgr_u);

#[inline(always)]
pub(super) fn i32x4_min_s(a: V128, b: V128) -> V128 {
    zip::<i32, i32, 4>(a, b, i32::min)
}
#[inline(always)]
pub(super) fn i32x4_min_u(a: V128, b: V128) -> V128 {
    zip::<u32, u32, 4>(a, b, u32::min)
}
#[inline(always)]
pub(super) fn i32x4_max_s(a: V128, b: V128) -> V128 {
    zip::<i32, i32, 4>(a, b, i32::max)
}
#[inline(always)]
pub(super) fn i32x4_max_u(a: V128, b: V128) -> V128 {
    zip::<u32, u32, 4>(a, b, u32::max)
}

#[inline(always)]
pub(super) fn i16x8_mul(a: V128, b: V128) -> V128 {
    zip::<u16, u16, 8>(a, b, u16::wrapping_mul)
}
#[inline(always)]
pub(super) fn i32x4_mul(a: V128, b: V128) -> V128 {
    zip::<u32, u32, 4>(a, b, u32::wrapping_mul)
}
#[inline(always)]
pub(super) fn i64x2_mul(a: V128, b: V128) -> V128 {
    zip::<u64, u64, 2>(a, b, u64::wrapping_mul)
}

#[inline(always)]
pub(super) fn i8x16_popcnt(a: V128) -> V128 {
    map::<u8, u8, 16>(a, |x| x.count_ones() as u8)
}

/// [q15mulr_sat_s](https://webassembly.github.io/spec/core/exec/numerics.html#op-iq15mulrsat-s):
/// `sat((a * b + 2^14) >> 15)`.
#[inline(always)]
pub(super) fn i16x8_q15mulr_sat_s(a: V128, b: V128) -> V128 {
    zip::<i16, i16, 8>(a, b, |x, y| ((x as i32 * y as i32 + 0x4000) >> 15).clamp(i16::MIN as i32, i16::MAX as i32) as i16)
}

/// `i32x4.dot_i16x8_s`: sums of the products of adjacent signed 16-bit lanes (wrapping: only
/// `2 * (-32768)^2` overflows).
#[inline(always)]
pub(super) fn i32x4_dot_i16x8_s(a: V128, b: V128) -> V128 {
    let (x, y) = (split::<i16, 8>(a), split::<i16, 8>(b));
    join::<i32, 4>(from_fn(|i| {
        (x[2 * i] as i32 * y[2 * i] as i32).wrapping_add(x[2 * i + 1] as i32 * y[2 * i + 1] as i32)
    }))
}

// Narrowing with signed (`_s`) or unsigned (`_u`) saturation of signed inputs.
#[inline(always)]
pub(super) fn i8x16_narrow_i16x8_s(a: V128, b: V128) -> V128 {
    narrow::<i16, i8, 8, 16>(a, b, |x| x.clamp(i8::MIN as i16, i8::MAX as i16) as i8)
}
#[inline(always)]
pub(super) fn i8x16_narrow_i16x8_u(a: V128, b: V128) -> V128 {
    narrow::<i16, u8, 8, 16>(a, b, |x| x.clamp(0, u8::MAX as i16) as u8)
}
#[inline(always)]
pub(super) fn i16x8_narrow_i32x4_s(a: V128, b: V128) -> V128 {
    narrow::<i32, i16, 4, 8>(a, b, |x| x.clamp(i16::MIN as i32, i16::MAX as i32) as i16)
}
#[inline(always)]
pub(super) fn i16x8_narrow_i32x4_u(a: V128, b: V128) -> V128 {
    narrow::<i32, u16, 4, 8>(a, b, |x| x.clamp(0, u16::MAX as i32) as u16)
}

/// Extension (`extend_low/high`), extending multiplication (`extmul_low/high`) and pairwise
/// extending addition (`extadd_pairwise`) from lanes `$t`/`$u` (signed/unsigned, `$n` of them)
/// to lanes twice as wide, `$wt`/`$wu` (`$m` of them).
macro_rules! widening {
    ($t:ty, $u:ty, $n:literal, $wt:ty, $wu:ty, $m:literal,
     $low_s:ident, $high_s:ident, $low_u:ident, $high_u:ident,
     $mul_low_s:ident, $mul_high_s:ident, $mul_low_u:ident, $mul_high_u:ident) => {
        #[inline(always)]
        pub(super) fn $low_s(a: V128) -> V128 {
            widen::<$t, $wt, $n, $m>(a, false, |x| x as $wt)
        }
        #[inline(always)]
        pub(super) fn $high_s(a: V128) -> V128 {
            widen::<$t, $wt, $n, $m>(a, true, |x| x as $wt)
        }
        #[inline(always)]
        pub(super) fn $low_u(a: V128) -> V128 {
            widen::<$u, $wu, $n, $m>(a, false, |x| x as $wu)
        }
        #[inline(always)]
        pub(super) fn $high_u(a: V128) -> V128 {
            widen::<$u, $wu, $n, $m>(a, true, |x| x as $wu)
        }
        // The products of extended lanes fit the wide lanes exactly (also (-2^k)^2 in signed).
        #[inline(always)]
        pub(super) fn $mul_low_s(a: V128, b: V128) -> V128 {
            widen2::<$t, $wt, $n, $m>(a, b, false, |x, y| (x as $wt).wrapping_mul(y as $wt))
        }
        #[inline(always)]
        pub(super) fn $mul_high_s(a: V128, b: V128) -> V128 {
            widen2::<$t, $wt, $n, $m>(a, b, true, |x, y| (x as $wt).wrapping_mul(y as $wt))
        }
        #[inline(always)]
        pub(super) fn $mul_low_u(a: V128, b: V128) -> V128 {
            widen2::<$u, $wu, $n, $m>(a, b, false, |x, y| (x as $wu).wrapping_mul(y as $wu))
        }
        #[inline(always)]
        pub(super) fn $mul_high_u(a: V128, b: V128) -> V128 {
            widen2::<$u, $wu, $n, $m>(a, b, true, |x, y| (x as $wu).wrapping_mul(y as $wu))
        }
    };
}
widening!(i8, u8, 16, i16, u16, 8,
    i16x8_extend_low_i8x16_s, i16x8_extend_high_i8x16_s, i16x8_extend_low_i8x16_u, i16x8_extend_high_i8x16_u,
    i16x8_extmul_low_i8x16_s, i16x8_extmul_high_i8x16_s, i16x8_extmul_low_i8x16_u, i16x8_extmul_high_i8x16_u);
widening!(i16, u16, 8, i32, u32, 4,
    i32x4_extend_low_i16x8_s, i32x4_extend_high_i16x8_s, i32x4_extend_low_i16x8_u, i32x4_extend_high_i16x8_u,
    i32x4_extmul_low_i16x8_s, i32x4_extmul_high_i16x8_s, i32x4_extmul_low_i16x8_u, i32x4_extmul_high_i16x8_u);
widening!(i32, u32, 4, i64, u64, 2,
    i64x2_extend_low_i32x4_s, i64x2_extend_high_i32x4_s, i64x2_extend_low_i32x4_u, i64x2_extend_high_i32x4_u,
    i64x2_extmul_low_i32x4_s, i64x2_extmul_high_i32x4_s, i64x2_extmul_low_i32x4_u, i64x2_extmul_high_i32x4_u);

#[inline(always)]
pub(super) fn i16x8_extadd_pairwise_i8x16_s(a: V128) -> V128 {
    pairwise::<i8, i16, 16, 8>(a, |x, y| x as i16 + y as i16)
}
#[inline(always)]
pub(super) fn i16x8_extadd_pairwise_i8x16_u(a: V128) -> V128 {
    pairwise::<u8, u16, 16, 8>(a, |x, y| x as u16 + y as u16)
}
#[inline(always)]
pub(super) fn i32x4_extadd_pairwise_i16x8_s(a: V128) -> V128 {
    pairwise::<i16, i32, 8, 4>(a, |x, y| x as i32 + y as i32)
}
#[inline(always)]
pub(super) fn i32x4_extadd_pairwise_i16x8_u(a: V128) -> V128 {
    pairwise::<u16, u32, 8, 4>(a, |x, y| x as u32 + y as u32)
}

// ---------------------------------------------------------------------------------------------
// Float lanes: [fadd](https://webassembly.github.io/spec/core/exec/numerics.html#op-fadd) and the
// other float operators, lane-wise, with the scalar helpers of `num` for min, max, nearest and
// NaN quieting; [pmin](https://webassembly.github.io/spec/core/exec/numerics.html#op-fpmin) and
// [pmax](https://webassembly.github.io/spec/core/exec/numerics.html#op-fpmax). Sign operations
// are bit operations, so NaN payloads are kept.

macro_rules! float_lanes {
    ($f:ty, $u:ty, $n:literal, $m:ident, $sign:expr, $min:ident, $max:ident, $nearest:ident, $quiet:ident,
     $eq:ident, $ne:ident, $lt:ident, $gt:ident, $le:ident, $ge:ident,
     $abs:ident, $neg:ident, $sqrt:ident, $ceil:ident, $floor:ident, $trunc:ident, $near:ident,
     $add:ident, $sub:ident, $mul:ident, $div:ident, $vmin:ident, $vmax:ident, $pmin:ident, $pmax:ident) => {
        #[inline(always)]
        pub(super) fn $eq(a: V128, b: V128) -> V128 {
            zip::<$f, $u, $n>(a, b, |x, y| $m(x == y))
        }
        #[inline(always)]
        pub(super) fn $ne(a: V128, b: V128) -> V128 {
            zip::<$f, $u, $n>(a, b, |x, y| $m(x != y))
        }
        #[inline(always)]
        pub(super) fn $lt(a: V128, b: V128) -> V128 {
            zip::<$f, $u, $n>(a, b, |x, y| $m(x < y))
        }
        #[inline(always)]
        pub(super) fn $gt(a: V128, b: V128) -> V128 {
            zip::<$f, $u, $n>(a, b, |x, y| $m(x > y))
        }
        #[inline(always)]
        pub(super) fn $le(a: V128, b: V128) -> V128 {
            zip::<$f, $u, $n>(a, b, |x, y| $m(x <= y))
        }
        #[inline(always)]
        pub(super) fn $ge(a: V128, b: V128) -> V128 {
            zip::<$f, $u, $n>(a, b, |x, y| $m(x >= y))
        }
        #[inline(always)]
        pub(super) fn $abs(a: V128) -> V128 {
            map::<$u, $u, $n>(a, |x| x & !$sign)
        }
        #[inline(always)]
        pub(super) fn $neg(a: V128) -> V128 {
            map::<$u, $u, $n>(a, |x| x ^ $sign)
        }
        #[inline(always)]
        pub(super) fn $sqrt(a: V128) -> V128 {
            map::<$f, $f, $n>(a, <$f>::sqrt)
        }
        #[inline(always)]
        pub(super) fn $ceil(a: V128) -> V128 {
            map::<$f, $f, $n>(a, |x| $quiet(x.ceil()))
        }
        #[inline(always)]
        pub(super) fn $floor(a: V128) -> V128 {
            map::<$f, $f, $n>(a, |x| $quiet(x.floor()))
        }
        #[inline(always)]
        pub(super) fn $trunc(a: V128) -> V128 {
            map::<$f, $f, $n>(a, |x| $quiet(x.trunc()))
        }
        #[inline(always)]
        pub(super) fn $near(a: V128) -> V128 {
            map::<$f, $f, $n>(a, |x| $quiet($nearest(x)))
        }
        #[inline(always)]
        pub(super) fn $add(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, |x, y| x + y)
        }
        #[inline(always)]
        pub(super) fn $sub(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, |x, y| x - y)
        }
        #[inline(always)]
        pub(super) fn $mul(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, |x, y| x * y)
        }
        #[inline(always)]
        pub(super) fn $div(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, |x, y| x / y)
        }
        #[inline(always)]
        pub(super) fn $vmin(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, $min)
        }
        #[inline(always)]
        pub(super) fn $vmax(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, $max)
        }
        /// `b < a ? b : a`: the first operand unless the second is less (NaNs pass through as
        /// they are).
        #[inline(always)]
        pub(super) fn $pmin(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, |x, y| if y < x { y } else { x })
        }
        /// `a < b ? b : a`.
        #[inline(always)]
        pub(super) fn $pmax(a: V128, b: V128) -> V128 {
            zip::<$f, $f, $n>(a, b, |x, y| if x < y { y } else { x })
        }
    };
}
float_lanes!(f32, u32, 4, m32, 0x8000_0000u32, f32_min, f32_max, f32_nearest, f32_quiet,
    f32x4_eq, f32x4_ne, f32x4_lt, f32x4_gt, f32x4_le, f32x4_ge,
    f32x4_abs, f32x4_neg, f32x4_sqrt, f32x4_ceil, f32x4_floor, f32x4_trunc, f32x4_nearest,
    f32x4_add, f32x4_sub, f32x4_mul, f32x4_div, f32x4_min, f32x4_max, f32x4_pmin, f32x4_pmax);
float_lanes!(f64, u64, 2, m64, 0x8000_0000_0000_0000u64, f64_min, f64_max, f64_nearest, f64_quiet,
    f64x2_eq, f64x2_ne, f64x2_lt, f64x2_gt, f64x2_le, f64x2_ge,
    f64x2_abs, f64x2_neg, f64x2_sqrt, f64x2_ceil, f64x2_floor, f64x2_trunc, f64x2_nearest,
    f64x2_add, f64x2_sub, f64x2_mul, f64x2_div, f64x2_min, f64x2_max, f64x2_pmin, f64x2_pmax);

// ---------------------------------------------------------------------------------------------
// Conversions: [trunc_sat](https://webassembly.github.io/spec/core/exec/numerics.html#op-trunc-sat-s)
// (Rust's float-to-int `as` saturates and maps NaN to 0, exactly trunc_sat),
// [convert](https://webassembly.github.io/spec/core/exec/numerics.html#op-convert-s) (`as` rounds
// to nearest, ties to even), [demote](https://webassembly.github.io/spec/core/exec/numerics.html#op-demote)
// and [promote](https://webassembly.github.io/spec/core/exec/numerics.html#op-promote); the
// `_zero` forms fill the upper lanes with zeros, the `_low` forms read the lower lanes.

#[inline(always)]
pub(super) fn i32x4_trunc_sat_f32x4_s(a: V128) -> V128 {
    map::<f32, i32, 4>(a, |x| x as i32)
}
#[inline(always)]
pub(super) fn i32x4_trunc_sat_f32x4_u(a: V128) -> V128 {
    map::<f32, u32, 4>(a, |x| x as u32)
}
#[inline(always)]
pub(super) fn f32x4_convert_i32x4_s(a: V128) -> V128 {
    map::<i32, f32, 4>(a, |x| x as f32)
}
#[inline(always)]
pub(super) fn f32x4_convert_i32x4_u(a: V128) -> V128 {
    map::<u32, f32, 4>(a, |x| x as f32)
}
#[inline(always)]
pub(super) fn i32x4_trunc_sat_f64x2_s_zero(a: V128) -> V128 {
    let x = split::<f64, 2>(a);
    join::<i32, 4>([x[0] as i32, x[1] as i32, 0, 0])
}
#[inline(always)]
pub(super) fn i32x4_trunc_sat_f64x2_u_zero(a: V128) -> V128 {
    let x = split::<f64, 2>(a);
    join::<u32, 4>([x[0] as u32, x[1] as u32, 0, 0])
}
#[inline(always)]
pub(super) fn f64x2_convert_low_i32x4_s(a: V128) -> V128 {
    widen::<i32, f64, 4, 2>(a, false, |x| x as f64)
}
#[inline(always)]
pub(super) fn f64x2_convert_low_i32x4_u(a: V128) -> V128 {
    widen::<u32, f64, 4, 2>(a, false, |x| x as f64)
}
#[inline(always)]
pub(super) fn f32x4_demote_f64x2_zero(a: V128) -> V128 {
    let x = split::<f64, 2>(a);
    join::<f32, 4>([x[0] as f32, x[1] as f32, 0.0, 0.0])
}
#[inline(always)]
pub(super) fn f64x2_promote_low_f32x4(a: V128) -> V128 {
    widen::<f32, f64, 4, 2>(a, false, |x| x as f64)
}

// [Relaxed SIMD](https://github.com/WebAssembly/relaxed-simd/blob/main/proposals/relaxed-simd/Overview.md)
// (Wasm 3.0): the instructions whose one documented choice is not a Core 2.0 instruction (the
// others translate to their twins). The Compiler composes the same steps, so both engines give
// the same bits: the differential fuzzer compares them exactly.

// A NaN lane of a relaxed float result is the canonical NaN (positive, quiet, no payload): which
// NaN an operation returns depends on the host's instructions and on the compiler's operand
// order, so the relaxed instructions fix it.
#[inline(always)]
fn canon_f32x4(v: V128) -> V128 {
    map::<f32, f32, 4>(v, |x| if x.is_nan() { f32::from_bits(0x7fc0_0000) } else { x })
}
#[inline(always)]
fn canon_f64x2(v: V128) -> V128 {
    map::<f64, f64, 2>(v, |x| if x.is_nan() { f64::from_bits(0x7ff8_0000_0000_0000) } else { x })
}
/// `f32x4.relaxed_madd`: `a * b + c` with two roundings (the unfused choice), NaNs canonical.
#[inline(always)]
pub(super) fn f32x4_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    canon_f32x4(f32x4_add(f32x4_mul(a, b), c))
}
/// `f32x4.relaxed_nmadd`: `-(a * b) + c` with two roundings, NaNs canonical.
#[inline(always)]
pub(super) fn f32x4_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    canon_f32x4(f32x4_add(f32x4_neg(f32x4_mul(a, b)), c))
}
/// `f64x2.relaxed_madd`: `a * b + c` with two roundings, NaNs canonical.
#[inline(always)]
pub(super) fn f64x2_relaxed_madd(a: V128, b: V128, c: V128) -> V128 {
    canon_f64x2(f64x2_add(f64x2_mul(a, b), c))
}
/// `f64x2.relaxed_nmadd`: `-(a * b) + c` with two roundings, NaNs canonical.
#[inline(always)]
pub(super) fn f64x2_relaxed_nmadd(a: V128, b: V128, c: V128) -> V128 {
    canon_f64x2(f64x2_add(f64x2_neg(f64x2_mul(a, b)), c))
}
/// `f32x4.relaxed_min`: `f32x4.min` (NaN-propagating, −0 < +0), NaNs canonical.
#[inline(always)]
pub(super) fn f32x4_relaxed_min(a: V128, b: V128) -> V128 {
    canon_f32x4(f32x4_min(a, b))
}
/// `f32x4.relaxed_max`: `f32x4.max`, NaNs canonical.
#[inline(always)]
pub(super) fn f32x4_relaxed_max(a: V128, b: V128) -> V128 {
    canon_f32x4(f32x4_max(a, b))
}
/// `f64x2.relaxed_min`: `f64x2.min`, NaNs canonical.
#[inline(always)]
pub(super) fn f64x2_relaxed_min(a: V128, b: V128) -> V128 {
    canon_f64x2(f64x2_min(a, b))
}
/// `f64x2.relaxed_max`: `f64x2.max`, NaNs canonical.
#[inline(always)]
pub(super) fn f64x2_relaxed_max(a: V128, b: V128) -> V128 {
    canon_f64x2(f64x2_max(a, b))
}
/// `i16x8.relaxed_dot_i8x16_i7x16_s`: products of signed lanes (`b`'s read as signed, the
/// choice for lanes outside i7), adjacent pairs summed with wrapping.
#[inline(always)]
pub(super) fn i16x8_relaxed_dot_i8x16_i7x16_s(a: V128, b: V128) -> V128 {
    let (x, y) = (split::<i8, 16>(a), split::<i8, 16>(b));
    join::<i16, 8>(from_fn(|i| {
        (x[2 * i] as i16 * y[2 * i] as i16).wrapping_add(x[2 * i + 1] as i16 * y[2 * i + 1] as i16)
    }))
}
/// `i32x4.relaxed_dot_i8x16_i7x16_add_s`: the i16x8 dot above, adjacent pairs sign-extended and
/// summed, plus `c`.
#[inline(always)]
pub(super) fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: V128, b: V128, c: V128) -> V128 {
    i32x4_add(i32x4_extadd_pairwise_i16x8_s(i16x8_relaxed_dot_i8x16_i7x16_s(a, b)), c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_join_follow_wasm_lane_order() {
        let v = V128::from(0x0f0e_0d0c_0b0a_0908_0706_0504_0302_0100u128);
        assert_eq!(split::<u8, 16>(v), from_fn(|i| i as u8));
        assert_eq!(split::<u16, 8>(v)[1], 0x0302);
        assert_eq!(split::<u32, 4>(v)[3], 0x0f0e_0d0c);
        assert_eq!(join::<u64, 2>([0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]), v);
        let mut cells = [0u64; 2];
        // SAFETY: `cells` is two cells.
        unsafe { write_cells(cells.as_mut_ptr(), v) };
        assert_eq!(cells, [0x0706_0504_0302_0100, 0x0f0e_0d0c_0b0a_0908]);
        // SAFETY: as above.
        assert_eq!(unsafe { read_cells(cells.as_ptr()) }, v);
    }

    /// The byte-wise conversions (used on big-endian hosts) agree with the reinterpretations.
    #[test]
    fn byte_wise_conversions_agree() {
        let mut x = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128;
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = V128::from(x);
            assert_eq!(split_bytes::<i8, 16>(v), split::<i8, 16>(v));
            assert_eq!(split_bytes::<u16, 8>(v), split::<u16, 8>(v));
            assert_eq!(split_bytes::<i32, 4>(v), split::<i32, 4>(v));
            assert_eq!(split_bytes::<u64, 2>(v), split::<u64, 2>(v));
            let f = split::<f32, 4>(v).map(f32::to_bits);
            assert_eq!(split_bytes::<f32, 4>(v).map(f32::to_bits), f);
            assert_eq!(join_bytes(split::<u16, 8>(v)), v);
            assert_eq!(join_bytes(split::<f64, 2>(v)), v);
            let cells = [x as u64, (x >> 64) as u64];
            // SAFETY: `cells` is two cells.
            assert_eq!(join_bytes::<u64, 2>(cells), unsafe { read_cells(cells.as_ptr()) });
        }
    }

    #[test]
    fn lanes() {
        let v = i32x4_replace_lane(V128::from(0), 2, 0xdead_beef);
        assert_eq!(i32x4_extract_lane(v, 2), 0xdead_beef);
        assert_eq!(i16x8_extract_lane_s(v, 5), 0xffff_dead);
        assert_eq!(i16x8_extract_lane_u(v, 5), 0xdead);
        assert_eq!(i8x16_extract_lane_s(v, 8), 0xffff_ffef);
        assert_eq!(i64x2_extract_lane(i64x2_replace_lane(v, 1, 7), 1), 7);
        assert_eq!(i8x16_bitmask(v), 0b1111 << 8);
        assert_eq!(i32x4_all_true(v), 0);
        assert_eq!(v128_any_true(v), 1);
        let idx = join::<u8, 16>(from_fn(|i| 31 - i as u8));
        let (a, b) = (join::<u8, 16>(from_fn(|i| i as u8)), join::<u8, 16>(from_fn(|i| 16 + i as u8)));
        assert_eq!(i8x16_shuffle(a, b, idx), join::<u8, 16>(from_fn(|i| 31 - i as u8)));
        let sel = join::<u8, 16>(from_fn(|i| (i * 7 % 20) as u8));
        assert_eq!(i8x16_swizzle(a, sel), join::<u8, 16>(from_fn(|i| if i * 7 % 20 < 16 { (i * 7 % 20) as u8 } else { 0 })));
    }

    #[test]
    fn bitmask_gathers_the_top_bit_of_each_byte() {
        let mut x = 0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c834u128;
        for _ in 0..10_000 {
            // xorshift: varied bit patterns.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = V128::from(x);
            assert_eq!(i8x16_bitmask(v), _i8x16_bitmask_by_lanes(v), "{x:#x}");
        }
        assert_eq!(i8x16_bitmask(V128::from(u128::MAX)), 0xffff);
    }

    #[test]
    fn integer_edge_cases() {
        let min = i16x8_splat(0x8000);
        assert_eq!(i16x8_q15mulr_sat_s(min, min), i16x8_splat(0x7fff));
        assert_eq!(i16x8_abs(min), min);
        assert_eq!(i32x4_dot_i16x8_s(min, min), i32x4_splat(0x8000_0000));
        assert_eq!(i8x16_narrow_i16x8_u(i16x8_splat(0xffff), i16x8_splat(300)), join::<u64, 2>([0, u64::MAX]));
        assert_eq!(i8x16_avgr_u(i8x16_splat(255), i8x16_splat(254)), i8x16_splat(255));
        assert_eq!(i8x16_shr_s(i8x16_splat(0x80), 9), i8x16_splat(0xc0));
        assert_eq!(i64x2_extmul_high_i32x4_u(V128::from(u128::MAX), V128::from(u128::MAX)), i64x2_splat(0xffff_fffe_0000_0001));
        // Relaxed dot with b's top bit set: signed lanes, and the pair sum wraps.
        let m = i8x16_splat(0x80);
        assert_eq!(i16x8_relaxed_dot_i8x16_i7x16_s(m, m), i16x8_splat(0x8000));
        assert_eq!(i32x4_relaxed_dot_i8x16_i7x16_add_s(m, m, i32x4_splat(1)), i32x4_splat(0xffff_0001));
    }

    #[test]
    fn float_edge_cases() {
        let f = |x: f32| i32x4_splat(x.to_bits() as u64);
        assert_eq!(f32x4_pmin(f(f32::NAN), f(1.0)), f(f32::NAN));
        assert_eq!(f32x4_pmin(f(1.0), f(f32::NAN)), f(1.0));
        assert_eq!(f32x4_min(f(-0.0), f(0.0)), f(-0.0));
        assert_eq!(f32x4_nearest(f(2.5)), f(2.0));
        // Relaxed madd is not fused: FLT_MAX * 2 overflows before `- FLT_MAX`.
        assert_eq!(f32x4_relaxed_madd(f(f32::MAX), f(2.0), f(-f32::MAX)), f(f32::INFINITY));
        assert_eq!(f32x4_relaxed_nmadd(f(2.0), f(3.0), f(1.0)), f(-5.0));
        // Relaxed results' NaNs are canonical, whatever NaN went in.
        assert_eq!(f32x4_relaxed_min(f(f32::from_bits(0xffff_ffff)), f(1.0)), i32x4_splat(0x7fc0_0000));
        assert_eq!(f32x4_relaxed_madd(f(f32::from_bits(0xffc0_0001)), f(1.0), f(1.0)), i32x4_splat(0x7fc0_0000));
        assert_eq!(i32x4_trunc_sat_f32x4_u(f(-1.5)), V128::from(0));
        assert_eq!(i32x4_trunc_sat_f64x2_s_zero(i64x2_splat(1e10f64.to_bits())), join::<i32, 4>([i32::MAX, i32::MAX, 0, 0]));
        // A signalling NaN comes out of rounding quiet.
        let snan = f32::from_bits(0x7f80_0001);
        assert_eq!(i32x4_extract_lane(f32x4_ceil(f(snan)), 0) & 0x0040_0000, 0x0040_0000);
    }
}
