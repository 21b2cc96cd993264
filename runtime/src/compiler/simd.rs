//! SIMD ([§4.4.3 vector instructions](https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions))
//! with Cranelift's vector types. Every v128 on the operand stack is an `i8x16`; each
//! instruction bitcasts its operands to the lane shape it works on and its result back.
//! Cranelift's vector operations are defined with wasm's semantics where they differ from the
//! hardware's (shift amounts modulo the lane width, `swizzle` zeroing out-of-range lanes,
//! `fmin`/`fmax` NaN and ±0 rules, saturating narrows and conversions).

use super::*;
use cranelift_codegen::ir::types::{F32X4, F64X2, I16X8, I32X4, I64X2};

impl Translator<'_, '_> {
    /// Pops a v128 as a vector of shape `ty`.
    fn popv(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.as_shape(v, ty)
    }

    fn as_shape(&mut self, v: Value, ty: Type) -> Value {
        if self.b.func.dfg.value_type(v) == ty {
            v
        } else {
            self.b.ins().bitcast(ty, lane_order(), v)
        }
    }

    /// Pushes a vector of any shape as a v128 (`i8x16`).
    fn pushv(&mut self, v: Value) {
        let v = self.as_shape(v, I8X16);
        self.push(v);
    }

    /// `v` (of float vector type `ty`) with every NaN lane the canonical NaN (positive, quiet,
    /// no payload), as the Interpreter's relaxed instructions give (`interp::simd`).
    fn canon_nans(&mut self, v: Value, ty: Type) -> Value {
        let nan = self.b.ins().fcmp(FloatCC::Unordered, v, v);
        let canon = if ty == F32X4 {
            let c = self.b.ins().f32const(Ieee32::with_bits(0x7fc0_0000));
            self.b.ins().splat(F32X4, c)
        } else {
            let c = self.b.ins().f64const(Ieee64::with_bits(0x7ff8_0000_0000_0000));
            self.b.ins().splat(F64X2, c)
        };
        let mask = self.as_shape(nan, ty);
        self.b.ins().bitselect(mask, canon, v)
    }

    /// `i16x8.relaxed_dot_i8x16_i7x16_s` of two i8x16 values: signed products (each fits in
    /// i16), adjacent pairs summed with wrapping.
    fn relaxed_dot_i8x16(&mut self, a: Value, b: Value) -> Value {
        let (al, ah) = (self.b.ins().swiden_low(a), self.b.ins().swiden_high(a));
        let (bl, bh) = (self.b.ins().swiden_low(b), self.b.ins().swiden_high(b));
        let lo = self.b.ins().imul(al, bl);
        let hi = self.b.ins().imul(ah, bh);
        self.b.ins().iadd_pairwise(lo, hi)
    }

    fn vunary(&mut self, ty: Type, f: impl FnOnce(&mut FunctionBuilder, Value) -> Value) {
        let a = self.popv(ty);
        let v = f(&mut self.b, a);
        self.pushv(v);
    }

    fn vbinary(&mut self, ty: Type, f: impl FnOnce(&mut FunctionBuilder, Value, Value) -> Value) {
        let b = self.popv(ty);
        let a = self.popv(ty);
        let v = f(&mut self.b, a, b);
        self.pushv(v);
    }

    fn vicmp(&mut self, ty: Type, cc: IntCC) {
        self.vbinary(ty, |b, x, y| b.ins().icmp(cc, x, y));
    }

    fn vfcmp(&mut self, ty: Type, cc: FloatCC) {
        self.vbinary(ty, |b, x, y| b.ins().fcmp(cc, x, y));
    }

    /// A shift of every lane of shape `ty` by the popped i32 (modulo the lane width).
    fn vshift(&mut self, ty: Type, f: impl FnOnce(&mut FunctionBuilder, Value, Value) -> Value) {
        let amount = self.pop();
        let a = self.popv(ty);
        let v = f(&mut self.b, a, amount);
        self.pushv(v);
    }

    /// A scalar result (i32) of a vector of shape `ty`.
    fn vreduce(&mut self, ty: Type, f: impl FnOnce(&mut FunctionBuilder, Value) -> Value) {
        let a = self.popv(ty);
        let v = f(&mut self.b, a);
        self.push(v);
    }

    fn splat(&mut self, ty: Type, narrow: Option<Type>) {
        let mut x = self.pop();
        if let Some(n) = narrow {
            x = self.b.ins().ireduce(n, x);
        }
        let v = self.b.ins().splat(ty, x);
        self.pushv(v);
    }

    fn extract(&mut self, ty: Type, lane: u8, extend: Option<bool>) {
        let v = self.popv(ty);
        let mut x = self.b.ins().extractlane(v, lane);
        match extend {
            Some(true) => x = self.b.ins().sextend(I32, x),
            Some(false) => x = self.b.ins().uextend(I32, x),
            None => {}
        }
        self.push(x);
    }

    fn replace(&mut self, ty: Type, lane: u8, narrow: Option<Type>) {
        let mut x = self.pop();
        if let Some(n) = narrow {
            x = self.b.ins().ireduce(n, x);
        }
        let v = self.popv(ty);
        let r = self.b.ins().insertlane(v, x, lane);
        self.pushv(r);
    }

    /// `v128.loadNxM_s/u`: 8 bytes widened lane by lane to shape `wide` (whose narrow shape is
    /// `narrow`).
    fn load_extend(&mut self, memarg: &MemArg, narrow: Type, signed: bool) {
        let (p, off) = self.mem_addr(memarg, 8);
        let x = self.b.ins().load(I64, self.heap, p, off);
        let v = self.b.ins().scalar_to_vector(I64X2, x);
        let v = self.as_shape(v, narrow);
        let w = if signed { self.b.ins().swiden_low(v) } else { self.b.ins().uwiden_low(v) };
        self.pushv(w);
    }

    fn load_splat(&mut self, memarg: &MemArg, lane: Type, shape: Type) {
        let (p, off) = self.mem_addr(memarg, lane.bytes());
        let x = self.b.ins().load(lane, self.heap, p, off);
        let v = self.b.ins().splat(shape, x);
        self.pushv(v);
    }

    fn load_zero(&mut self, memarg: &MemArg, lane: Type, shape: Type) {
        let (p, off) = self.mem_addr(memarg, lane.bytes());
        let x = self.b.ins().load(lane, self.heap, p, off);
        let v = self.b.ins().scalar_to_vector(shape, x);
        self.pushv(v);
    }

    fn load_lane(&mut self, memarg: &MemArg, lane: u8, ty: Type, shape: Type) {
        let v = self.popv(shape);
        let (p, off) = self.mem_addr(memarg, ty.bytes());
        let x = self.b.ins().load(ty, self.heap, p, off);
        let r = self.b.ins().insertlane(v, x, lane);
        self.pushv(r);
    }

    fn store_lane(&mut self, memarg: &MemArg, lane: u8, ty: Type, shape: Type) {
        let v = self.popv(shape);
        let (p, off) = self.mem_addr(memarg, ty.bytes());
        let x = self.b.ins().extractlane(v, lane);
        self.b.ins().store(self.heap, x, p, off);
    }

    /// Lane-wise products of the low or high halves of two vectors of shape `narrow`, widened.
    fn ext_mul(&mut self, narrow: Type, signed: bool, high: bool) {
        let b = self.popv(narrow);
        let a = self.popv(narrow);
        let widen = |t: &mut Self, x: Value| match (signed, high) {
            (true, false) => t.b.ins().swiden_low(x),
            (true, true) => t.b.ins().swiden_high(x),
            (false, false) => t.b.ins().uwiden_low(x),
            (false, true) => t.b.ins().uwiden_high(x),
        };
        let (wa, wb) = (widen(self, a), widen(self, b));
        let v = self.b.ins().imul(wa, wb);
        self.pushv(v);
    }

    fn ext_add_pairwise(&mut self, narrow: Type, signed: bool) {
        let a = self.popv(narrow);
        let (lo, hi) = if signed {
            (self.b.ins().swiden_low(a), self.b.ins().swiden_high(a))
        } else {
            (self.b.ins().uwiden_low(a), self.b.ins().uwiden_high(a))
        };
        let v = self.b.ins().iadd_pairwise(lo, hi);
        self.pushv(v);
    }

    fn widen(&mut self, narrow: Type, signed: bool, high: bool) {
        self.vunary(narrow, |b, a| match (signed, high) {
            (true, false) => b.ins().swiden_low(a),
            (true, true) => b.ins().swiden_high(a),
            (false, false) => b.ins().uwiden_low(a),
            (false, true) => b.ins().uwiden_high(a),
        });
    }

    /// `pmin` (`b < a ? b : a`) or `pmax` (`a < b ? b : a`), lane by lane.
    fn pminmax(&mut self, ty: Type, max: bool) {
        let b = self.popv(ty);
        let a = self.popv(ty);
        let cmp = if max { self.b.ins().fcmp(FloatCC::LessThan, a, b) } else { self.b.ins().fcmp(FloatCC::LessThan, b, a) };
        let mask = self.as_shape(cmp, ty);
        let v = self.b.ins().bitselect(mask, b, a);
        self.pushv(v);
    }

    /// A zero vector of shape `ty`, as a constant of that shape (x86_64 lowers the
    /// `snarrow`/`uunarrow` of a conversion only when its second operand is such a constant).
    fn zero_vector(&mut self, ty: Type) -> Value {
        let c = self.b.func.dfg.constants.insert(ConstantData::from(vec![0u8; 16]));
        self.b.ins().vconst(ty, c)
    }

    /// Translates a SIMD instruction; any other instruction is unsupported.
    pub(super) fn simd(&mut self, op: Operator) -> Result<(), CompileError> {
        use Operator as O;
        match op {
            O::V128Load { memarg } => {
                let (p, off) = self.mem_addr(&memarg, 16);
                let v = self.b.ins().load(I8X16, self.heap, p, off);
                self.push(v);
            }
            O::V128Store { memarg } => {
                let v = self.popv(I8X16);
                let (p, off) = self.mem_addr(&memarg, 16);
                self.b.ins().store(self.heap, v, p, off);
            }
            O::V128Load8x8S { memarg } => self.load_extend(&memarg, I8X16, true),
            O::V128Load8x8U { memarg } => self.load_extend(&memarg, I8X16, false),
            O::V128Load16x4S { memarg } => self.load_extend(&memarg, I16X8, true),
            O::V128Load16x4U { memarg } => self.load_extend(&memarg, I16X8, false),
            O::V128Load32x2S { memarg } => self.load_extend(&memarg, I32X4, true),
            O::V128Load32x2U { memarg } => self.load_extend(&memarg, I32X4, false),
            O::V128Load8Splat { memarg } => self.load_splat(&memarg, I8, I8X16),
            O::V128Load16Splat { memarg } => self.load_splat(&memarg, I16, I16X8),
            O::V128Load32Splat { memarg } => self.load_splat(&memarg, I32, I32X4),
            O::V128Load64Splat { memarg } => self.load_splat(&memarg, I64, I64X2),
            O::V128Load32Zero { memarg } => self.load_zero(&memarg, I32, I32X4),
            O::V128Load64Zero { memarg } => self.load_zero(&memarg, I64, I64X2),
            O::V128Load8Lane { memarg, lane } => self.load_lane(&memarg, lane, I8, I8X16),
            O::V128Load16Lane { memarg, lane } => self.load_lane(&memarg, lane, I16, I16X8),
            O::V128Load32Lane { memarg, lane } => self.load_lane(&memarg, lane, I32, I32X4),
            O::V128Load64Lane { memarg, lane } => self.load_lane(&memarg, lane, I64, I64X2),
            O::V128Store8Lane { memarg, lane } => self.store_lane(&memarg, lane, I8, I8X16),
            O::V128Store16Lane { memarg, lane } => self.store_lane(&memarg, lane, I16, I16X8),
            O::V128Store32Lane { memarg, lane } => self.store_lane(&memarg, lane, I32, I32X4),
            O::V128Store64Lane { memarg, lane } => self.store_lane(&memarg, lane, I64, I64X2),

            O::I8x16Shuffle { lanes } => {
                let b = self.popv(I8X16);
                let a = self.popv(I8X16);
                let mask = self.b.func.dfg.immediates.push(ConstantData::from(lanes.to_vec()));
                let v = self.b.ins().shuffle(a, b, mask);
                self.push(v);
            }
            O::I8x16Swizzle | O::I8x16RelaxedSwizzle => self.vbinary(I8X16, |b, x, y| b.ins().swizzle(x, y)),
            O::I8x16Splat => self.splat(I8X16, Some(I8)),
            O::I16x8Splat => self.splat(I16X8, Some(I16)),
            O::I32x4Splat => self.splat(I32X4, None),
            O::I64x2Splat => self.splat(I64X2, None),
            O::F32x4Splat => self.splat(F32X4, None),
            O::F64x2Splat => self.splat(F64X2, None),
            O::I8x16ExtractLaneS { lane } => self.extract(I8X16, lane, Some(true)),
            O::I8x16ExtractLaneU { lane } => self.extract(I8X16, lane, Some(false)),
            O::I16x8ExtractLaneS { lane } => self.extract(I16X8, lane, Some(true)),
            O::I16x8ExtractLaneU { lane } => self.extract(I16X8, lane, Some(false)),
            O::I32x4ExtractLane { lane } => self.extract(I32X4, lane, None),
            O::I64x2ExtractLane { lane } => self.extract(I64X2, lane, None),
            O::F32x4ExtractLane { lane } => self.extract(F32X4, lane, None),
            O::F64x2ExtractLane { lane } => self.extract(F64X2, lane, None),
            O::I8x16ReplaceLane { lane } => self.replace(I8X16, lane, Some(I8)),
            O::I16x8ReplaceLane { lane } => self.replace(I16X8, lane, Some(I16)),
            O::I32x4ReplaceLane { lane } => self.replace(I32X4, lane, None),
            O::I64x2ReplaceLane { lane } => self.replace(I64X2, lane, None),
            O::F32x4ReplaceLane { lane } => self.replace(F32X4, lane, None),
            O::F64x2ReplaceLane { lane } => self.replace(F64X2, lane, None),

            O::I8x16Eq => self.vicmp(I8X16, IntCC::Equal),
            O::I8x16Ne => self.vicmp(I8X16, IntCC::NotEqual),
            O::I8x16LtS => self.vicmp(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => self.vicmp(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => self.vicmp(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => self.vicmp(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => self.vicmp(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => self.vicmp(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => self.vicmp(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => self.vicmp(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => self.vicmp(I16X8, IntCC::Equal),
            O::I16x8Ne => self.vicmp(I16X8, IntCC::NotEqual),
            O::I16x8LtS => self.vicmp(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => self.vicmp(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => self.vicmp(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => self.vicmp(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => self.vicmp(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => self.vicmp(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => self.vicmp(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => self.vicmp(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => self.vicmp(I32X4, IntCC::Equal),
            O::I32x4Ne => self.vicmp(I32X4, IntCC::NotEqual),
            O::I32x4LtS => self.vicmp(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => self.vicmp(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => self.vicmp(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => self.vicmp(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => self.vicmp(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => self.vicmp(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => self.vicmp(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => self.vicmp(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => self.vicmp(I64X2, IntCC::Equal),
            O::I64x2Ne => self.vicmp(I64X2, IntCC::NotEqual),
            O::I64x2LtS => self.vicmp(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => self.vicmp(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => self.vicmp(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => self.vicmp(I64X2, IntCC::SignedGreaterThanOrEqual),
            O::F32x4Eq => self.vfcmp(F32X4, FloatCC::Equal),
            O::F32x4Ne => self.vfcmp(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => self.vfcmp(F32X4, FloatCC::LessThan),
            O::F32x4Gt => self.vfcmp(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => self.vfcmp(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => self.vfcmp(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => self.vfcmp(F64X2, FloatCC::Equal),
            O::F64x2Ne => self.vfcmp(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => self.vfcmp(F64X2, FloatCC::LessThan),
            O::F64x2Gt => self.vfcmp(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => self.vfcmp(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => self.vfcmp(F64X2, FloatCC::GreaterThanOrEqual),

            O::V128Not => self.vunary(I8X16, |b, a| b.ins().bnot(a)),
            O::V128And => self.vbinary(I8X16, |b, x, y| b.ins().band(x, y)),
            O::V128AndNot => self.vbinary(I8X16, |b, x, y| b.ins().band_not(x, y)),
            O::V128Or => self.vbinary(I8X16, |b, x, y| b.ins().bor(x, y)),
            O::V128Xor => self.vbinary(I8X16, |b, x, y| b.ins().bxor(x, y)),
            // Relaxed SIMD: each relaxed instruction whose documented choice is a Core 2.0
            // instruction lowers as it (the Interpreter's choices; RATIONALE.md).
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                let c = self.popv(I8X16);
                let y = self.popv(I8X16);
                let x = self.popv(I8X16);
                let v = self.b.ins().bitselect(c, x, y);
                self.push(v);
            }
            O::V128AnyTrue => self.vreduce(I8X16, |b, a| {
                let t = b.ins().vany_true(a);
                b.ins().uextend(I32, t)
            }),

            O::I8x16Abs => self.vunary(I8X16, |b, a| b.ins().iabs(a)),
            O::I16x8Abs => self.vunary(I16X8, |b, a| b.ins().iabs(a)),
            O::I32x4Abs => self.vunary(I32X4, |b, a| b.ins().iabs(a)),
            O::I64x2Abs => self.vunary(I64X2, |b, a| b.ins().iabs(a)),
            O::I8x16Neg => self.vunary(I8X16, |b, a| b.ins().ineg(a)),
            O::I16x8Neg => self.vunary(I16X8, |b, a| b.ins().ineg(a)),
            O::I32x4Neg => self.vunary(I32X4, |b, a| b.ins().ineg(a)),
            O::I64x2Neg => self.vunary(I64X2, |b, a| b.ins().ineg(a)),
            O::I8x16Popcnt => self.vunary(I8X16, |b, a| b.ins().popcnt(a)),
            O::I8x16AllTrue | O::I16x8AllTrue | O::I32x4AllTrue | O::I64x2AllTrue => {
                let ty = match op {
                    O::I8x16AllTrue => I8X16,
                    O::I16x8AllTrue => I16X8,
                    O::I32x4AllTrue => I32X4,
                    _ => I64X2,
                };
                self.vreduce(ty, |b, a| {
                    let t = b.ins().vall_true(a);
                    b.ins().uextend(I32, t)
                })
            }
            O::I8x16Bitmask => self.vreduce(I8X16, |b, a| b.ins().vhigh_bits(I32, a)),
            O::I16x8Bitmask => self.vreduce(I16X8, |b, a| b.ins().vhigh_bits(I32, a)),
            O::I32x4Bitmask => self.vreduce(I32X4, |b, a| b.ins().vhigh_bits(I32, a)),
            O::I64x2Bitmask => self.vreduce(I64X2, |b, a| b.ins().vhigh_bits(I32, a)),
            O::I8x16NarrowI16x8S => self.vbinary(I16X8, |b, x, y| b.ins().snarrow(x, y)),
            O::I8x16NarrowI16x8U => self.vbinary(I16X8, |b, x, y| b.ins().unarrow(x, y)),
            O::I16x8NarrowI32x4S => self.vbinary(I32X4, |b, x, y| b.ins().snarrow(x, y)),
            O::I16x8NarrowI32x4U => self.vbinary(I32X4, |b, x, y| b.ins().unarrow(x, y)),

            O::I8x16Shl => self.vshift(I8X16, |b, x, y| b.ins().ishl(x, y)),
            O::I16x8Shl => self.vshift(I16X8, |b, x, y| b.ins().ishl(x, y)),
            O::I32x4Shl => self.vshift(I32X4, |b, x, y| b.ins().ishl(x, y)),
            O::I64x2Shl => self.vshift(I64X2, |b, x, y| b.ins().ishl(x, y)),
            O::I8x16ShrS => self.vshift(I8X16, |b, x, y| b.ins().sshr(x, y)),
            O::I16x8ShrS => self.vshift(I16X8, |b, x, y| b.ins().sshr(x, y)),
            O::I32x4ShrS => self.vshift(I32X4, |b, x, y| b.ins().sshr(x, y)),
            O::I64x2ShrS => self.vshift(I64X2, |b, x, y| b.ins().sshr(x, y)),
            O::I8x16ShrU => self.vshift(I8X16, |b, x, y| b.ins().ushr(x, y)),
            O::I16x8ShrU => self.vshift(I16X8, |b, x, y| b.ins().ushr(x, y)),
            O::I32x4ShrU => self.vshift(I32X4, |b, x, y| b.ins().ushr(x, y)),
            O::I64x2ShrU => self.vshift(I64X2, |b, x, y| b.ins().ushr(x, y)),

            O::I8x16Add => self.vbinary(I8X16, |b, x, y| b.ins().iadd(x, y)),
            O::I16x8Add => self.vbinary(I16X8, |b, x, y| b.ins().iadd(x, y)),
            O::I32x4Add => self.vbinary(I32X4, |b, x, y| b.ins().iadd(x, y)),
            O::I64x2Add => self.vbinary(I64X2, |b, x, y| b.ins().iadd(x, y)),
            O::I8x16Sub => self.vbinary(I8X16, |b, x, y| b.ins().isub(x, y)),
            O::I16x8Sub => self.vbinary(I16X8, |b, x, y| b.ins().isub(x, y)),
            O::I32x4Sub => self.vbinary(I32X4, |b, x, y| b.ins().isub(x, y)),
            O::I64x2Sub => self.vbinary(I64X2, |b, x, y| b.ins().isub(x, y)),
            O::I16x8Mul => self.vbinary(I16X8, |b, x, y| b.ins().imul(x, y)),
            O::I32x4Mul => self.vbinary(I32X4, |b, x, y| b.ins().imul(x, y)),
            O::I64x2Mul => self.vbinary(I64X2, |b, x, y| b.ins().imul(x, y)),
            O::I8x16AddSatS => self.vbinary(I8X16, |b, x, y| b.ins().sadd_sat(x, y)),
            O::I8x16AddSatU => self.vbinary(I8X16, |b, x, y| b.ins().uadd_sat(x, y)),
            O::I16x8AddSatS => self.vbinary(I16X8, |b, x, y| b.ins().sadd_sat(x, y)),
            O::I16x8AddSatU => self.vbinary(I16X8, |b, x, y| b.ins().uadd_sat(x, y)),
            O::I8x16SubSatS => self.vbinary(I8X16, |b, x, y| b.ins().ssub_sat(x, y)),
            O::I8x16SubSatU => self.vbinary(I8X16, |b, x, y| b.ins().usub_sat(x, y)),
            O::I16x8SubSatS => self.vbinary(I16X8, |b, x, y| b.ins().ssub_sat(x, y)),
            O::I16x8SubSatU => self.vbinary(I16X8, |b, x, y| b.ins().usub_sat(x, y)),
            O::I8x16MinS => self.vbinary(I8X16, |b, x, y| b.ins().smin(x, y)),
            O::I8x16MinU => self.vbinary(I8X16, |b, x, y| b.ins().umin(x, y)),
            O::I8x16MaxS => self.vbinary(I8X16, |b, x, y| b.ins().smax(x, y)),
            O::I8x16MaxU => self.vbinary(I8X16, |b, x, y| b.ins().umax(x, y)),
            O::I16x8MinS => self.vbinary(I16X8, |b, x, y| b.ins().smin(x, y)),
            O::I16x8MinU => self.vbinary(I16X8, |b, x, y| b.ins().umin(x, y)),
            O::I16x8MaxS => self.vbinary(I16X8, |b, x, y| b.ins().smax(x, y)),
            O::I16x8MaxU => self.vbinary(I16X8, |b, x, y| b.ins().umax(x, y)),
            O::I32x4MinS => self.vbinary(I32X4, |b, x, y| b.ins().smin(x, y)),
            O::I32x4MinU => self.vbinary(I32X4, |b, x, y| b.ins().umin(x, y)),
            O::I32x4MaxS => self.vbinary(I32X4, |b, x, y| b.ins().smax(x, y)),
            O::I32x4MaxU => self.vbinary(I32X4, |b, x, y| b.ins().umax(x, y)),
            O::I8x16AvgrU => self.vbinary(I8X16, |b, x, y| b.ins().avg_round(x, y)),
            O::I16x8AvgrU => self.vbinary(I16X8, |b, x, y| b.ins().avg_round(x, y)),
            O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => self.vbinary(I16X8, |b, x, y| b.ins().sqmul_round_sat(x, y)),

            O::I16x8ExtAddPairwiseI8x16S => self.ext_add_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.ext_add_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.ext_add_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.ext_add_pairwise(I16X8, false),
            O::I16x8ExtendLowI8x16S => self.widen(I8X16, true, false),
            O::I16x8ExtendHighI8x16S => self.widen(I8X16, true, true),
            O::I16x8ExtendLowI8x16U => self.widen(I8X16, false, false),
            O::I16x8ExtendHighI8x16U => self.widen(I8X16, false, true),
            O::I32x4ExtendLowI16x8S => self.widen(I16X8, true, false),
            O::I32x4ExtendHighI16x8S => self.widen(I16X8, true, true),
            O::I32x4ExtendLowI16x8U => self.widen(I16X8, false, false),
            O::I32x4ExtendHighI16x8U => self.widen(I16X8, false, true),
            O::I64x2ExtendLowI32x4S => self.widen(I32X4, true, false),
            O::I64x2ExtendHighI32x4S => self.widen(I32X4, true, true),
            O::I64x2ExtendLowI32x4U => self.widen(I32X4, false, false),
            O::I64x2ExtendHighI32x4U => self.widen(I32X4, false, true),
            O::I16x8ExtMulLowI8x16S => self.ext_mul(I8X16, true, false),
            O::I16x8ExtMulHighI8x16S => self.ext_mul(I8X16, true, true),
            O::I16x8ExtMulLowI8x16U => self.ext_mul(I8X16, false, false),
            O::I16x8ExtMulHighI8x16U => self.ext_mul(I8X16, false, true),
            O::I32x4ExtMulLowI16x8S => self.ext_mul(I16X8, true, false),
            O::I32x4ExtMulHighI16x8S => self.ext_mul(I16X8, true, true),
            O::I32x4ExtMulLowI16x8U => self.ext_mul(I16X8, false, false),
            O::I32x4ExtMulHighI16x8U => self.ext_mul(I16X8, false, true),
            O::I64x2ExtMulLowI32x4S => self.ext_mul(I32X4, true, false),
            O::I64x2ExtMulHighI32x4S => self.ext_mul(I32X4, true, true),
            O::I64x2ExtMulLowI32x4U => self.ext_mul(I32X4, false, false),
            O::I64x2ExtMulHighI32x4U => self.ext_mul(I32X4, false, true),
            O::I32x4DotI16x8S => {
                let b = self.popv(I16X8);
                let a = self.popv(I16X8);
                let (al, ah) = (self.b.ins().swiden_low(a), self.b.ins().swiden_high(a));
                let (bl, bh) = (self.b.ins().swiden_low(b), self.b.ins().swiden_high(b));
                let lo = self.b.ins().imul(al, bl);
                let hi = self.b.ins().imul(ah, bh);
                let v = self.b.ins().iadd_pairwise(lo, hi);
                self.pushv(v);
            }

            O::F32x4Ceil => self.vunary(F32X4, |b, a| b.ins().ceil(a)),
            O::F32x4Floor => self.vunary(F32X4, |b, a| b.ins().floor(a)),
            O::F32x4Trunc => self.vunary(F32X4, |b, a| b.ins().trunc(a)),
            O::F32x4Nearest => self.vunary(F32X4, |b, a| b.ins().nearest(a)),
            O::F32x4Abs => self.vunary(F32X4, |b, a| b.ins().fabs(a)),
            O::F32x4Neg => self.vunary(F32X4, |b, a| b.ins().fneg(a)),
            O::F32x4Sqrt => self.vunary(F32X4, |b, a| b.ins().sqrt(a)),
            O::F32x4Add => self.vbinary(F32X4, |b, x, y| b.ins().fadd(x, y)),
            O::F32x4Sub => self.vbinary(F32X4, |b, x, y| b.ins().fsub(x, y)),
            O::F32x4Mul => self.vbinary(F32X4, |b, x, y| b.ins().fmul(x, y)),
            O::F32x4Div => self.vbinary(F32X4, |b, x, y| b.ins().fdiv(x, y)),
            O::F32x4Min => self.vbinary(F32X4, |b, x, y| b.ins().fmin(x, y)),
            O::F32x4Max => self.vbinary(F32X4, |b, x, y| b.ins().fmax(x, y)),
            O::F32x4PMin => self.pminmax(F32X4, false),
            O::F32x4PMax => self.pminmax(F32X4, true),
            O::F64x2Ceil => self.vunary(F64X2, |b, a| b.ins().ceil(a)),
            O::F64x2Floor => self.vunary(F64X2, |b, a| b.ins().floor(a)),
            O::F64x2Trunc => self.vunary(F64X2, |b, a| b.ins().trunc(a)),
            O::F64x2Nearest => self.vunary(F64X2, |b, a| b.ins().nearest(a)),
            O::F64x2Abs => self.vunary(F64X2, |b, a| b.ins().fabs(a)),
            O::F64x2Neg => self.vunary(F64X2, |b, a| b.ins().fneg(a)),
            O::F64x2Sqrt => self.vunary(F64X2, |b, a| b.ins().sqrt(a)),
            O::F64x2Add => self.vbinary(F64X2, |b, x, y| b.ins().fadd(x, y)),
            O::F64x2Sub => self.vbinary(F64X2, |b, x, y| b.ins().fsub(x, y)),
            O::F64x2Mul => self.vbinary(F64X2, |b, x, y| b.ins().fmul(x, y)),
            O::F64x2Div => self.vbinary(F64X2, |b, x, y| b.ins().fdiv(x, y)),
            O::F64x2Min => self.vbinary(F64X2, |b, x, y| b.ins().fmin(x, y)),
            O::F64x2Max => self.vbinary(F64X2, |b, x, y| b.ins().fmax(x, y)),
            O::F64x2PMin => self.pminmax(F64X2, false),
            O::F64x2PMax => self.pminmax(F64X2, true),

            O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => self.vunary(F32X4, |b, a| b.ins().fcvt_to_sint_sat(I32X4, a)),
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => self.vunary(F32X4, |b, a| b.ins().fcvt_to_uint_sat(I32X4, a)),
            O::I32x4TruncSatF64x2SZero | O::I32x4RelaxedTruncF64x2SZero => {
                let a = self.popv(F64X2);
                let wide = self.b.ins().fcvt_to_sint_sat(I64X2, a);
                let zero = self.zero_vector(I64X2);
                let v = self.b.ins().snarrow(wide, zero);
                self.pushv(v);
            }
            O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => {
                let a = self.popv(F64X2);
                let wide = self.b.ins().fcvt_to_uint_sat(I64X2, a);
                let zero = self.zero_vector(I64X2);
                let v = self.b.ins().uunarrow(wide, zero);
                self.pushv(v);
            }
            O::F32x4ConvertI32x4S => self.vunary(I32X4, |b, a| b.ins().fcvt_from_sint(F32X4, a)),
            O::F32x4ConvertI32x4U => self.vunary(I32X4, |b, a| b.ins().fcvt_from_uint(F32X4, a)),
            O::F64x2ConvertLowI32x4S => self.vunary(I32X4, |b, a| {
                let w = b.ins().swiden_low(a);
                b.ins().fcvt_from_sint(F64X2, w)
            }),
            O::F64x2ConvertLowI32x4U => self.vunary(I32X4, |b, a| {
                let w = b.ins().uwiden_low(a);
                b.ins().fcvt_from_uint(F64X2, w)
            }),
            O::F32x4DemoteF64x2Zero => self.vunary(F64X2, |b, a| b.ins().fvdemote(a)),
            O::F64x2PromoteLowF32x4 => self.vunary(F32X4, |b, a| b.ins().fvpromote_low(a)),

            // Relaxed SIMD without a Core 2.0 twin: the Interpreter's steps (interp::simd).
            O::F32x4RelaxedMadd | O::F32x4RelaxedNmadd | O::F64x2RelaxedMadd | O::F64x2RelaxedNmadd => {
                let ty = if matches!(op, O::F32x4RelaxedMadd | O::F32x4RelaxedNmadd) { F32X4 } else { F64X2 };
                let c = self.popv(ty);
                let b = self.popv(ty);
                let a = self.popv(ty);
                // Not fused: two roundings, as on every host.
                let mut p = self.b.ins().fmul(a, b);
                if matches!(op, O::F32x4RelaxedNmadd | O::F64x2RelaxedNmadd) {
                    p = self.b.ins().fneg(p);
                }
                let v = self.b.ins().fadd(p, c);
                let v = self.canon_nans(v, ty);
                self.pushv(v);
            }
            O::F32x4RelaxedMin | O::F32x4RelaxedMax | O::F64x2RelaxedMin | O::F64x2RelaxedMax => {
                let ty = if matches!(op, O::F32x4RelaxedMin | O::F32x4RelaxedMax) { F32X4 } else { F64X2 };
                let b = self.popv(ty);
                let a = self.popv(ty);
                let v = if matches!(op, O::F32x4RelaxedMin | O::F64x2RelaxedMin) { self.b.ins().fmin(a, b) } else { self.b.ins().fmax(a, b) };
                let v = self.canon_nans(v, ty);
                self.pushv(v);
            }
            O::I16x8RelaxedDotI8x16I7x16S => {
                let b = self.popv(I8X16);
                let a = self.popv(I8X16);
                let v = self.relaxed_dot_i8x16(a, b);
                self.pushv(v);
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                let c = self.popv(I32X4);
                let b = self.popv(I8X16);
                let a = self.popv(I8X16);
                let d = self.relaxed_dot_i8x16(a, b);
                let (lo, hi) = (self.b.ins().swiden_low(d), self.b.ins().swiden_high(d));
                let sums = self.b.ins().iadd_pairwise(lo, hi);
                let v = self.b.ins().iadd(sums, c);
                self.pushv(v);
            }

            op => return Err(unsupported(&op)),
        }
        Ok(())
    }
}
