//! Translation of the 128-bit SIMD instructions (Core 2.0): the `Translator` methods for
//! operators that take or produce v128 values. A v128 takes two cells; results are pushed with
//! `push_wide(Operand::Temp, true)` and producers write their `dst` last, so `local.set` folds
//! into them like into scalar ones.

use super::{unsupported, Operand, Translator};
use crate::wasm::error::CompileError;
use crate::interp::ir::{Op, Slot};
use wasmparser::Operator;

fn small(s: Slot) -> Option<u16> {
    crate::interp::ir::slot16(s)
}

impl Translator<'_> {
    pub(super) fn simd_op(&mut self, op: Operator<'_>, offset: usize) -> Result<(), CompileError> {
        use Operator as O;
        match op {
            O::V128Store { memarg } => self.store(memarg.offset, |addr, src, offset| Op::V128Store { addr, src, offset }),
            O::I8x16Shuffle { lanes } => {
                let mask = self.pool.intern(u128::from_le_bytes(lanes));
                let len = self.stack.len();
                let a = self.operand_slot(len - 2);
                let b = self.operand_slot(len - 1);
                let dst = self.slot_at(len - 2);
                match (small(dst), small(a), small(b)) {
                    (Some(dst), Some(a), Some(b)) => {
                        self.stack.truncate(len - 2);
                        self.emit_producer(Op::I8x16Shuffle { dst, a, b, mask });
                    }
                    _ => {
                        self.materialize_top(2);
                        self.stack.truncate(len - 2);
                        self.emit(Op::I8x16ShuffleArgs { args: dst, mask });
                    }
                }
                self.push_wide(Operand::Temp, true);
            }
            // Relaxed SIMD: each relaxed instruction whose documented choice is a Core 2.0
            // instruction translates to it (RATIONALE.md, "Relaxed SIMD").
            O::V128Bitselect
            | O::I8x16RelaxedLaneselect
            | O::I16x8RelaxedLaneselect
            | O::I32x4RelaxedLaneselect
            | O::I64x2RelaxedLaneselect => {
                let len = self.stack.len();
                let a = self.operand_slot(len - 3);
                let b = self.operand_slot(len - 2);
                let c = self.operand_slot(len - 1);
                let dst = self.slot_at(len - 3);
                match (small(dst), small(a), small(b), small(c)) {
                    (Some(dst), Some(a), Some(b), Some(c)) => {
                        self.stack.truncate(len - 3);
                        self.emit_producer(Op::V128Bitselect { dst, a, b, c });
                    }
                    _ => {
                        self.materialize_top(3);
                        self.stack.truncate(len - 3);
                        self.emit(Op::V128BitselectArgs { args: dst });
                    }
                }
                self.push_wide(Operand::Temp, true);
            }
            O::V128Load { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load { dst, addr, offset }),
            O::V128Load8x8S { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load8x8S { dst, addr, offset }),
            O::V128Load8x8U { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load8x8U { dst, addr, offset }),
            O::V128Load16x4S { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load16x4S { dst, addr, offset }),
            O::V128Load16x4U { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load16x4U { dst, addr, offset }),
            O::V128Load32x2S { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load32x2S { dst, addr, offset }),
            O::V128Load32x2U { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load32x2U { dst, addr, offset }),
            O::V128Load8Splat { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load8Splat { dst, addr, offset }),
            O::V128Load16Splat { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load16Splat { dst, addr, offset }),
            O::V128Load32Splat { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load32Splat { dst, addr, offset }),
            O::V128Load64Splat { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load64Splat { dst, addr, offset }),
            O::V128Load32Zero { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load32Zero { dst, addr, offset }),
            O::V128Load64Zero { memarg } => self.v_load(memarg.offset, |dst, addr, offset| Op::V128Load64Zero { dst, addr, offset }),
            O::V128Load8Lane { memarg, lane } => self.v_load_lane(memarg.offset, |args, offset| Op::V128Load8Lane { args, offset, lane }),
            O::V128Load16Lane { memarg, lane } => self.v_load_lane(memarg.offset, |args, offset| Op::V128Load16Lane { args, offset, lane }),
            O::V128Load32Lane { memarg, lane } => self.v_load_lane(memarg.offset, |args, offset| Op::V128Load32Lane { args, offset, lane }),
            O::V128Load64Lane { memarg, lane } => self.v_load_lane(memarg.offset, |args, offset| Op::V128Load64Lane { args, offset, lane }),
            O::V128Store8Lane { memarg, lane } => self.store(memarg.offset, move |addr, src, offset| Op::V128Store8Lane { addr, src, offset, lane }),
            O::V128Store16Lane { memarg, lane } => self.store(memarg.offset, move |addr, src, offset| Op::V128Store16Lane { addr, src, offset, lane }),
            O::V128Store32Lane { memarg, lane } => self.store(memarg.offset, move |addr, src, offset| Op::V128Store32Lane { addr, src, offset, lane }),
            O::V128Store64Lane { memarg, lane } => self.store(memarg.offset, move |addr, src, offset| Op::V128Store64Lane { addr, src, offset, lane }),
            O::I8x16ExtractLaneS { lane } => self.un_to(false, |dst, src| Op::I8x16ExtractLaneS { dst, src, lane }),
            O::I8x16ExtractLaneU { lane } => self.un_to(false, |dst, src| Op::I8x16ExtractLaneU { dst, src, lane }),
            O::I16x8ExtractLaneS { lane } => self.un_to(false, |dst, src| Op::I16x8ExtractLaneS { dst, src, lane }),
            O::I16x8ExtractLaneU { lane } => self.un_to(false, |dst, src| Op::I16x8ExtractLaneU { dst, src, lane }),
            O::I32x4ExtractLane { lane } => self.un_to(false, |dst, src| Op::I32x4ExtractLane { dst, src, lane }),
            O::F32x4ExtractLane { lane } => self.un_to(false, |dst, src| Op::I32x4ExtractLane { dst, src, lane }),
            O::I64x2ExtractLane { lane } => self.un_to(false, |dst, src| Op::I64x2ExtractLane { dst, src, lane }),
            O::F64x2ExtractLane { lane } => self.un_to(false, |dst, src| Op::I64x2ExtractLane { dst, src, lane }),
            O::I8x16ReplaceLane { lane } => self.bin_to(true, |dst, a, b| Op::I8x16ReplaceLane { dst, a, b, lane }),
            O::I16x8ReplaceLane { lane } => self.bin_to(true, |dst, a, b| Op::I16x8ReplaceLane { dst, a, b, lane }),
            O::I32x4ReplaceLane { lane } => self.bin_to(true, |dst, a, b| Op::I32x4ReplaceLane { dst, a, b, lane }),
            O::F32x4ReplaceLane { lane } => self.bin_to(true, |dst, a, b| Op::I32x4ReplaceLane { dst, a, b, lane }),
            O::I64x2ReplaceLane { lane } => self.bin_to(true, |dst, a, b| Op::I64x2ReplaceLane { dst, a, b, lane }),
            O::F64x2ReplaceLane { lane } => self.bin_to(true, |dst, a, b| Op::I64x2ReplaceLane { dst, a, b, lane }),
            O::I8x16Splat => self.un_to(true, |dst, src| Op::I8x16Splat { dst, src }),
            O::I16x8Splat => self.un_to(true, |dst, src| Op::I16x8Splat { dst, src }),
            O::I32x4Splat => self.un_to(true, |dst, src| Op::I32x4Splat { dst, src }),
            O::F32x4Splat => self.un_to(true, |dst, src| Op::I32x4Splat { dst, src }),
            O::I64x2Splat => self.un_to(true, |dst, src| Op::I64x2Splat { dst, src }),
            O::F64x2Splat => self.un_to(true, |dst, src| Op::I64x2Splat { dst, src }),
            O::I8x16Swizzle | O::I8x16RelaxedSwizzle => self.bin_to(true, |dst, a, b| Op::I8x16Swizzle { dst, a, b }),
            O::I8x16Eq => self.bin_to(true, |dst, a, b| Op::I8x16Eq { dst, a, b }),
            O::I8x16Ne => self.bin_to(true, |dst, a, b| Op::I8x16Ne { dst, a, b }),
            O::I8x16LtS => self.bin_to(true, |dst, a, b| Op::I8x16LtS { dst, a, b }),
            O::I8x16LtU => self.bin_to(true, |dst, a, b| Op::I8x16LtU { dst, a, b }),
            O::I8x16GtS => self.bin_to(true, |dst, a, b| Op::I8x16GtS { dst, a, b }),
            O::I8x16GtU => self.bin_to(true, |dst, a, b| Op::I8x16GtU { dst, a, b }),
            O::I8x16LeS => self.bin_to(true, |dst, a, b| Op::I8x16LeS { dst, a, b }),
            O::I8x16LeU => self.bin_to(true, |dst, a, b| Op::I8x16LeU { dst, a, b }),
            O::I8x16GeS => self.bin_to(true, |dst, a, b| Op::I8x16GeS { dst, a, b }),
            O::I8x16GeU => self.bin_to(true, |dst, a, b| Op::I8x16GeU { dst, a, b }),
            O::I16x8Eq => self.bin_to(true, |dst, a, b| Op::I16x8Eq { dst, a, b }),
            O::I16x8Ne => self.bin_to(true, |dst, a, b| Op::I16x8Ne { dst, a, b }),
            O::I16x8LtS => self.bin_to(true, |dst, a, b| Op::I16x8LtS { dst, a, b }),
            O::I16x8LtU => self.bin_to(true, |dst, a, b| Op::I16x8LtU { dst, a, b }),
            O::I16x8GtS => self.bin_to(true, |dst, a, b| Op::I16x8GtS { dst, a, b }),
            O::I16x8GtU => self.bin_to(true, |dst, a, b| Op::I16x8GtU { dst, a, b }),
            O::I16x8LeS => self.bin_to(true, |dst, a, b| Op::I16x8LeS { dst, a, b }),
            O::I16x8LeU => self.bin_to(true, |dst, a, b| Op::I16x8LeU { dst, a, b }),
            O::I16x8GeS => self.bin_to(true, |dst, a, b| Op::I16x8GeS { dst, a, b }),
            O::I16x8GeU => self.bin_to(true, |dst, a, b| Op::I16x8GeU { dst, a, b }),
            O::I32x4Eq => self.bin_to(true, |dst, a, b| Op::I32x4Eq { dst, a, b }),
            O::I32x4Ne => self.bin_to(true, |dst, a, b| Op::I32x4Ne { dst, a, b }),
            O::I32x4LtS => self.bin_to(true, |dst, a, b| Op::I32x4LtS { dst, a, b }),
            O::I32x4LtU => self.bin_to(true, |dst, a, b| Op::I32x4LtU { dst, a, b }),
            O::I32x4GtS => self.bin_to(true, |dst, a, b| Op::I32x4GtS { dst, a, b }),
            O::I32x4GtU => self.bin_to(true, |dst, a, b| Op::I32x4GtU { dst, a, b }),
            O::I32x4LeS => self.bin_to(true, |dst, a, b| Op::I32x4LeS { dst, a, b }),
            O::I32x4LeU => self.bin_to(true, |dst, a, b| Op::I32x4LeU { dst, a, b }),
            O::I32x4GeS => self.bin_to(true, |dst, a, b| Op::I32x4GeS { dst, a, b }),
            O::I32x4GeU => self.bin_to(true, |dst, a, b| Op::I32x4GeU { dst, a, b }),
            O::I64x2Eq => self.bin_to(true, |dst, a, b| Op::I64x2Eq { dst, a, b }),
            O::I64x2Ne => self.bin_to(true, |dst, a, b| Op::I64x2Ne { dst, a, b }),
            O::I64x2LtS => self.bin_to(true, |dst, a, b| Op::I64x2LtS { dst, a, b }),
            O::I64x2GtS => self.bin_to(true, |dst, a, b| Op::I64x2GtS { dst, a, b }),
            O::I64x2LeS => self.bin_to(true, |dst, a, b| Op::I64x2LeS { dst, a, b }),
            O::I64x2GeS => self.bin_to(true, |dst, a, b| Op::I64x2GeS { dst, a, b }),
            O::F32x4Eq => self.bin_to(true, |dst, a, b| Op::F32x4Eq { dst, a, b }),
            O::F32x4Ne => self.bin_to(true, |dst, a, b| Op::F32x4Ne { dst, a, b }),
            O::F32x4Lt => self.bin_to(true, |dst, a, b| Op::F32x4Lt { dst, a, b }),
            O::F32x4Gt => self.bin_to(true, |dst, a, b| Op::F32x4Gt { dst, a, b }),
            O::F32x4Le => self.bin_to(true, |dst, a, b| Op::F32x4Le { dst, a, b }),
            O::F32x4Ge => self.bin_to(true, |dst, a, b| Op::F32x4Ge { dst, a, b }),
            O::F64x2Eq => self.bin_to(true, |dst, a, b| Op::F64x2Eq { dst, a, b }),
            O::F64x2Ne => self.bin_to(true, |dst, a, b| Op::F64x2Ne { dst, a, b }),
            O::F64x2Lt => self.bin_to(true, |dst, a, b| Op::F64x2Lt { dst, a, b }),
            O::F64x2Gt => self.bin_to(true, |dst, a, b| Op::F64x2Gt { dst, a, b }),
            O::F64x2Le => self.bin_to(true, |dst, a, b| Op::F64x2Le { dst, a, b }),
            O::F64x2Ge => self.bin_to(true, |dst, a, b| Op::F64x2Ge { dst, a, b }),
            O::V128Not => self.un_to(true, |dst, src| Op::V128Not { dst, src }),
            O::V128And => self.bin_to(true, |dst, a, b| Op::V128And { dst, a, b }),
            O::V128AndNot => self.bin_to(true, |dst, a, b| Op::V128AndNot { dst, a, b }),
            O::V128Or => self.bin_to(true, |dst, a, b| Op::V128Or { dst, a, b }),
            O::V128Xor => self.bin_to(true, |dst, a, b| Op::V128Xor { dst, a, b }),
            O::V128AnyTrue => self.un_to(false, |dst, src| Op::V128AnyTrue { dst, src }),
            O::I8x16Abs => self.un_to(true, |dst, src| Op::I8x16Abs { dst, src }),
            O::I8x16Neg => self.un_to(true, |dst, src| Op::I8x16Neg { dst, src }),
            O::I8x16AllTrue => self.un_to(false, |dst, src| Op::I8x16AllTrue { dst, src }),
            O::I8x16Bitmask => self.un_to(false, |dst, src| Op::I8x16Bitmask { dst, src }),
            O::I8x16Shl => self.v_shift(|dst, a, b| Op::I8x16Shl { dst, a, b }, |dst, a, imm| Op::I8x16ShlImm { dst, a, imm }),
            O::I8x16ShrS => self.v_shift(|dst, a, b| Op::I8x16ShrS { dst, a, b }, |dst, a, imm| Op::I8x16ShrSImm { dst, a, imm }),
            O::I8x16ShrU => self.v_shift(|dst, a, b| Op::I8x16ShrU { dst, a, b }, |dst, a, imm| Op::I8x16ShrUImm { dst, a, imm }),
            O::I8x16Add => self.bin_to(true, |dst, a, b| Op::I8x16Add { dst, a, b }),
            O::I8x16Sub => self.bin_to(true, |dst, a, b| Op::I8x16Sub { dst, a, b }),
            O::I16x8Abs => self.un_to(true, |dst, src| Op::I16x8Abs { dst, src }),
            O::I16x8Neg => self.un_to(true, |dst, src| Op::I16x8Neg { dst, src }),
            O::I16x8AllTrue => self.un_to(false, |dst, src| Op::I16x8AllTrue { dst, src }),
            O::I16x8Bitmask => self.un_to(false, |dst, src| Op::I16x8Bitmask { dst, src }),
            O::I16x8Shl => self.v_shift(|dst, a, b| Op::I16x8Shl { dst, a, b }, |dst, a, imm| Op::I16x8ShlImm { dst, a, imm }),
            O::I16x8ShrS => self.v_shift(|dst, a, b| Op::I16x8ShrS { dst, a, b }, |dst, a, imm| Op::I16x8ShrSImm { dst, a, imm }),
            O::I16x8ShrU => self.v_shift(|dst, a, b| Op::I16x8ShrU { dst, a, b }, |dst, a, imm| Op::I16x8ShrUImm { dst, a, imm }),
            O::I16x8Add => self.bin_to(true, |dst, a, b| Op::I16x8Add { dst, a, b }),
            O::I16x8Sub => self.bin_to(true, |dst, a, b| Op::I16x8Sub { dst, a, b }),
            O::I32x4Abs => self.un_to(true, |dst, src| Op::I32x4Abs { dst, src }),
            O::I32x4Neg => self.un_to(true, |dst, src| Op::I32x4Neg { dst, src }),
            O::I32x4AllTrue => self.un_to(false, |dst, src| Op::I32x4AllTrue { dst, src }),
            O::I32x4Bitmask => self.un_to(false, |dst, src| Op::I32x4Bitmask { dst, src }),
            O::I32x4Shl => self.v_shift(|dst, a, b| Op::I32x4Shl { dst, a, b }, |dst, a, imm| Op::I32x4ShlImm { dst, a, imm }),
            O::I32x4ShrS => self.v_shift(|dst, a, b| Op::I32x4ShrS { dst, a, b }, |dst, a, imm| Op::I32x4ShrSImm { dst, a, imm }),
            O::I32x4ShrU => self.v_shift(|dst, a, b| Op::I32x4ShrU { dst, a, b }, |dst, a, imm| Op::I32x4ShrUImm { dst, a, imm }),
            O::I32x4Add => self.bin_to(true, |dst, a, b| Op::I32x4Add { dst, a, b }),
            O::I32x4Sub => self.bin_to(true, |dst, a, b| Op::I32x4Sub { dst, a, b }),
            O::I64x2Abs => self.un_to(true, |dst, src| Op::I64x2Abs { dst, src }),
            O::I64x2Neg => self.un_to(true, |dst, src| Op::I64x2Neg { dst, src }),
            O::I64x2AllTrue => self.un_to(false, |dst, src| Op::I64x2AllTrue { dst, src }),
            O::I64x2Bitmask => self.un_to(false, |dst, src| Op::I64x2Bitmask { dst, src }),
            O::I64x2Shl => self.v_shift(|dst, a, b| Op::I64x2Shl { dst, a, b }, |dst, a, imm| Op::I64x2ShlImm { dst, a, imm }),
            O::I64x2ShrS => self.v_shift(|dst, a, b| Op::I64x2ShrS { dst, a, b }, |dst, a, imm| Op::I64x2ShrSImm { dst, a, imm }),
            O::I64x2ShrU => self.v_shift(|dst, a, b| Op::I64x2ShrU { dst, a, b }, |dst, a, imm| Op::I64x2ShrUImm { dst, a, imm }),
            O::I64x2Add => self.bin_to(true, |dst, a, b| Op::I64x2Add { dst, a, b }),
            O::I64x2Sub => self.bin_to(true, |dst, a, b| Op::I64x2Sub { dst, a, b }),
            O::I8x16Popcnt => self.un_to(true, |dst, src| Op::I8x16Popcnt { dst, src }),
            O::I8x16AddSatS => self.bin_to(true, |dst, a, b| Op::I8x16AddSatS { dst, a, b }),
            O::I8x16AddSatU => self.bin_to(true, |dst, a, b| Op::I8x16AddSatU { dst, a, b }),
            O::I8x16SubSatS => self.bin_to(true, |dst, a, b| Op::I8x16SubSatS { dst, a, b }),
            O::I8x16SubSatU => self.bin_to(true, |dst, a, b| Op::I8x16SubSatU { dst, a, b }),
            O::I8x16AvgrU => self.bin_to(true, |dst, a, b| Op::I8x16AvgrU { dst, a, b }),
            O::I16x8AddSatS => self.bin_to(true, |dst, a, b| Op::I16x8AddSatS { dst, a, b }),
            O::I16x8AddSatU => self.bin_to(true, |dst, a, b| Op::I16x8AddSatU { dst, a, b }),
            O::I16x8SubSatS => self.bin_to(true, |dst, a, b| Op::I16x8SubSatS { dst, a, b }),
            O::I16x8SubSatU => self.bin_to(true, |dst, a, b| Op::I16x8SubSatU { dst, a, b }),
            O::I16x8AvgrU => self.bin_to(true, |dst, a, b| Op::I16x8AvgrU { dst, a, b }),
            O::I8x16MinS => self.bin_to(true, |dst, a, b| Op::I8x16MinS { dst, a, b }),
            O::I8x16MinU => self.bin_to(true, |dst, a, b| Op::I8x16MinU { dst, a, b }),
            O::I8x16MaxS => self.bin_to(true, |dst, a, b| Op::I8x16MaxS { dst, a, b }),
            O::I8x16MaxU => self.bin_to(true, |dst, a, b| Op::I8x16MaxU { dst, a, b }),
            O::I16x8MinS => self.bin_to(true, |dst, a, b| Op::I16x8MinS { dst, a, b }),
            O::I16x8MinU => self.bin_to(true, |dst, a, b| Op::I16x8MinU { dst, a, b }),
            O::I16x8MaxS => self.bin_to(true, |dst, a, b| Op::I16x8MaxS { dst, a, b }),
            O::I16x8MaxU => self.bin_to(true, |dst, a, b| Op::I16x8MaxU { dst, a, b }),
            O::I32x4MinS => self.bin_to(true, |dst, a, b| Op::I32x4MinS { dst, a, b }),
            O::I32x4MinU => self.bin_to(true, |dst, a, b| Op::I32x4MinU { dst, a, b }),
            O::I32x4MaxS => self.bin_to(true, |dst, a, b| Op::I32x4MaxS { dst, a, b }),
            O::I32x4MaxU => self.bin_to(true, |dst, a, b| Op::I32x4MaxU { dst, a, b }),
            O::I16x8Mul => self.bin_to(true, |dst, a, b| Op::I16x8Mul { dst, a, b }),
            O::I32x4Mul => self.bin_to(true, |dst, a, b| Op::I32x4Mul { dst, a, b }),
            O::I64x2Mul => self.bin_to(true, |dst, a, b| Op::I64x2Mul { dst, a, b }),
            O::I8x16NarrowI16x8S => self.bin_to(true, |dst, a, b| Op::I8x16NarrowI16x8S { dst, a, b }),
            O::I8x16NarrowI16x8U => self.bin_to(true, |dst, a, b| Op::I8x16NarrowI16x8U { dst, a, b }),
            O::I16x8NarrowI32x4S => self.bin_to(true, |dst, a, b| Op::I16x8NarrowI32x4S { dst, a, b }),
            O::I16x8NarrowI32x4U => self.bin_to(true, |dst, a, b| Op::I16x8NarrowI32x4U { dst, a, b }),
            O::I16x8ExtendLowI8x16S => self.un_to(true, |dst, src| Op::I16x8ExtendLowI8x16S { dst, src }),
            O::I16x8ExtMulLowI8x16S => self.bin_to(true, |dst, a, b| Op::I16x8ExtMulLowI8x16S { dst, a, b }),
            O::I16x8ExtendLowI8x16U => self.un_to(true, |dst, src| Op::I16x8ExtendLowI8x16U { dst, src }),
            O::I16x8ExtMulLowI8x16U => self.bin_to(true, |dst, a, b| Op::I16x8ExtMulLowI8x16U { dst, a, b }),
            O::I16x8ExtendHighI8x16S => self.un_to(true, |dst, src| Op::I16x8ExtendHighI8x16S { dst, src }),
            O::I16x8ExtMulHighI8x16S => self.bin_to(true, |dst, a, b| Op::I16x8ExtMulHighI8x16S { dst, a, b }),
            O::I16x8ExtendHighI8x16U => self.un_to(true, |dst, src| Op::I16x8ExtendHighI8x16U { dst, src }),
            O::I16x8ExtMulHighI8x16U => self.bin_to(true, |dst, a, b| Op::I16x8ExtMulHighI8x16U { dst, a, b }),
            O::I32x4ExtendLowI16x8S => self.un_to(true, |dst, src| Op::I32x4ExtendLowI16x8S { dst, src }),
            O::I32x4ExtMulLowI16x8S => self.bin_to(true, |dst, a, b| Op::I32x4ExtMulLowI16x8S { dst, a, b }),
            O::I32x4ExtendLowI16x8U => self.un_to(true, |dst, src| Op::I32x4ExtendLowI16x8U { dst, src }),
            O::I32x4ExtMulLowI16x8U => self.bin_to(true, |dst, a, b| Op::I32x4ExtMulLowI16x8U { dst, a, b }),
            O::I32x4ExtendHighI16x8S => self.un_to(true, |dst, src| Op::I32x4ExtendHighI16x8S { dst, src }),
            O::I32x4ExtMulHighI16x8S => self.bin_to(true, |dst, a, b| Op::I32x4ExtMulHighI16x8S { dst, a, b }),
            O::I32x4ExtendHighI16x8U => self.un_to(true, |dst, src| Op::I32x4ExtendHighI16x8U { dst, src }),
            O::I32x4ExtMulHighI16x8U => self.bin_to(true, |dst, a, b| Op::I32x4ExtMulHighI16x8U { dst, a, b }),
            O::I64x2ExtendLowI32x4S => self.un_to(true, |dst, src| Op::I64x2ExtendLowI32x4S { dst, src }),
            O::I64x2ExtMulLowI32x4S => self.bin_to(true, |dst, a, b| Op::I64x2ExtMulLowI32x4S { dst, a, b }),
            O::I64x2ExtendLowI32x4U => self.un_to(true, |dst, src| Op::I64x2ExtendLowI32x4U { dst, src }),
            O::I64x2ExtMulLowI32x4U => self.bin_to(true, |dst, a, b| Op::I64x2ExtMulLowI32x4U { dst, a, b }),
            O::I64x2ExtendHighI32x4S => self.un_to(true, |dst, src| Op::I64x2ExtendHighI32x4S { dst, src }),
            O::I64x2ExtMulHighI32x4S => self.bin_to(true, |dst, a, b| Op::I64x2ExtMulHighI32x4S { dst, a, b }),
            O::I64x2ExtendHighI32x4U => self.un_to(true, |dst, src| Op::I64x2ExtendHighI32x4U { dst, src }),
            O::I64x2ExtMulHighI32x4U => self.bin_to(true, |dst, a, b| Op::I64x2ExtMulHighI32x4U { dst, a, b }),
            O::I16x8ExtAddPairwiseI8x16S => self.un_to(true, |dst, src| Op::I16x8ExtAddPairwiseI8x16S { dst, src }),
            O::I16x8ExtAddPairwiseI8x16U => self.un_to(true, |dst, src| Op::I16x8ExtAddPairwiseI8x16U { dst, src }),
            O::I32x4ExtAddPairwiseI16x8S => self.un_to(true, |dst, src| Op::I32x4ExtAddPairwiseI16x8S { dst, src }),
            O::I32x4ExtAddPairwiseI16x8U => self.un_to(true, |dst, src| Op::I32x4ExtAddPairwiseI16x8U { dst, src }),
            O::I16x8Q15MulrSatS | O::I16x8RelaxedQ15mulrS => self.bin_to(true, |dst, a, b| Op::I16x8Q15MulrSatS { dst, a, b }),
            O::I32x4DotI16x8S => self.bin_to(true, |dst, a, b| Op::I32x4DotI16x8S { dst, a, b }),
            O::F32x4Ceil => self.un_to(true, |dst, src| Op::F32x4Ceil { dst, src }),
            O::F32x4Floor => self.un_to(true, |dst, src| Op::F32x4Floor { dst, src }),
            O::F32x4Trunc => self.un_to(true, |dst, src| Op::F32x4Trunc { dst, src }),
            O::F32x4Nearest => self.un_to(true, |dst, src| Op::F32x4Nearest { dst, src }),
            O::F32x4Abs => self.un_to(true, |dst, src| Op::F32x4Abs { dst, src }),
            O::F32x4Neg => self.un_to(true, |dst, src| Op::F32x4Neg { dst, src }),
            O::F32x4Sqrt => self.un_to(true, |dst, src| Op::F32x4Sqrt { dst, src }),
            O::F32x4Add => self.bin_to(true, |dst, a, b| Op::F32x4Add { dst, a, b }),
            O::F32x4Sub => self.bin_to(true, |dst, a, b| Op::F32x4Sub { dst, a, b }),
            O::F32x4Mul => self.bin_to(true, |dst, a, b| Op::F32x4Mul { dst, a, b }),
            O::F32x4Div => self.bin_to(true, |dst, a, b| Op::F32x4Div { dst, a, b }),
            O::F32x4Min => self.bin_to(true, |dst, a, b| Op::F32x4Min { dst, a, b }),
            O::F32x4Max => self.bin_to(true, |dst, a, b| Op::F32x4Max { dst, a, b }),
            O::F32x4PMin => self.bin_to(true, |dst, a, b| Op::F32x4PMin { dst, a, b }),
            O::F32x4PMax => self.bin_to(true, |dst, a, b| Op::F32x4PMax { dst, a, b }),
            O::F64x2Ceil => self.un_to(true, |dst, src| Op::F64x2Ceil { dst, src }),
            O::F64x2Floor => self.un_to(true, |dst, src| Op::F64x2Floor { dst, src }),
            O::F64x2Trunc => self.un_to(true, |dst, src| Op::F64x2Trunc { dst, src }),
            O::F64x2Nearest => self.un_to(true, |dst, src| Op::F64x2Nearest { dst, src }),
            O::F64x2Abs => self.un_to(true, |dst, src| Op::F64x2Abs { dst, src }),
            O::F64x2Neg => self.un_to(true, |dst, src| Op::F64x2Neg { dst, src }),
            O::F64x2Sqrt => self.un_to(true, |dst, src| Op::F64x2Sqrt { dst, src }),
            O::F64x2Add => self.bin_to(true, |dst, a, b| Op::F64x2Add { dst, a, b }),
            O::F64x2Sub => self.bin_to(true, |dst, a, b| Op::F64x2Sub { dst, a, b }),
            O::F64x2Mul => self.bin_to(true, |dst, a, b| Op::F64x2Mul { dst, a, b }),
            O::F64x2Div => self.bin_to(true, |dst, a, b| Op::F64x2Div { dst, a, b }),
            O::F64x2Min => self.bin_to(true, |dst, a, b| Op::F64x2Min { dst, a, b }),
            O::F64x2Max => self.bin_to(true, |dst, a, b| Op::F64x2Max { dst, a, b }),
            O::F64x2PMin => self.bin_to(true, |dst, a, b| Op::F64x2PMin { dst, a, b }),
            O::F64x2PMax => self.bin_to(true, |dst, a, b| Op::F64x2PMax { dst, a, b }),
            O::I32x4TruncSatF32x4S | O::I32x4RelaxedTruncF32x4S => self.un_to(true, |dst, src| Op::I32x4TruncSatF32x4S { dst, src }),
            O::I32x4TruncSatF32x4U | O::I32x4RelaxedTruncF32x4U => self.un_to(true, |dst, src| Op::I32x4TruncSatF32x4U { dst, src }),
            O::F32x4ConvertI32x4S => self.un_to(true, |dst, src| Op::F32x4ConvertI32x4S { dst, src }),
            O::F32x4ConvertI32x4U => self.un_to(true, |dst, src| Op::F32x4ConvertI32x4U { dst, src }),
            O::I32x4TruncSatF64x2SZero | O::I32x4RelaxedTruncF64x2SZero => self.un_to(true, |dst, src| Op::I32x4TruncSatF64x2SZero { dst, src }),
            O::I32x4TruncSatF64x2UZero | O::I32x4RelaxedTruncF64x2UZero => self.un_to(true, |dst, src| Op::I32x4TruncSatF64x2UZero { dst, src }),
            O::F64x2ConvertLowI32x4S => self.un_to(true, |dst, src| Op::F64x2ConvertLowI32x4S { dst, src }),
            O::F64x2ConvertLowI32x4U => self.un_to(true, |dst, src| Op::F64x2ConvertLowI32x4U { dst, src }),
            O::F32x4DemoteF64x2Zero => self.un_to(true, |dst, src| Op::F32x4DemoteF64x2Zero { dst, src }),
            O::F64x2PromoteLowF32x4 => self.un_to(true, |dst, src| Op::F64x2PromoteLowF32x4 { dst, src }),
            // Relaxed SIMD without a Core 2.0 twin.
            O::F32x4RelaxedMadd => self.v_args(3, |args| Op::F32x4RelaxedMaddArgs { args }),
            O::F32x4RelaxedNmadd => self.v_args(3, |args| Op::F32x4RelaxedNmaddArgs { args }),
            O::F64x2RelaxedMadd => self.v_args(3, |args| Op::F64x2RelaxedMaddArgs { args }),
            O::F64x2RelaxedNmadd => self.v_args(3, |args| Op::F64x2RelaxedNmaddArgs { args }),
            O::F32x4RelaxedMin => self.bin_to(true, |dst, a, b| Op::F32x4RelaxedMin { dst, a, b }),
            O::F32x4RelaxedMax => self.bin_to(true, |dst, a, b| Op::F32x4RelaxedMax { dst, a, b }),
            O::F64x2RelaxedMin => self.bin_to(true, |dst, a, b| Op::F64x2RelaxedMin { dst, a, b }),
            O::F64x2RelaxedMax => self.bin_to(true, |dst, a, b| Op::F64x2RelaxedMax { dst, a, b }),
            O::I16x8RelaxedDotI8x16I7x16S => {
                self.bin_to(true, |dst, a, b| Op::I16x8RelaxedDotI8x16I7x16S { dst, a, b })
            }
            O::I32x4RelaxedDotI8x16I7x16AddS => {
                self.v_args(3, |args| Op::I32x4RelaxedDotI8x16I7x16AddSArgs { args })
            }
            op => return Err(unsupported(&op, offset)),
        }
        Ok(())
    }

    /// An instruction of `n` v128 operands in consecutive slots (two cells each) whose v128
    /// result replaces the first.
    fn v_args(&mut self, n: usize, make: impl FnOnce(Slot) -> Op) {
        self.materialize_top(n);
        let len = self.stack.len();
        let args = self.slot_at(len - n);
        self.stack.truncate(len - n);
        self.emit(make(args));
        self.push_wide(Operand::Temp, true);
    }

    /// A v128 load: address in, v128 out.
    fn v_load(&mut self, offset: u64, make: fn(Slot, Slot, u32) -> Op) {
        self.un_to(true, move |dst, addr| make(dst, addr, offset as u32));
    }

    /// `v128.loadN_lane`: the address and the vector go to consecutive slots, where the result
    /// replaces them.
    fn v_load_lane(&mut self, offset: u64, make: impl FnOnce(Slot, u32) -> Op) {
        self.materialize_top(2);
        let len = self.stack.len();
        let args = self.slot_at(len - 2);
        self.stack.truncate(len - 2);
        self.emit(make(args, offset as u32));
        self.push_wide(Operand::Temp, true);
    }

    /// A shift of a v128 by an i32, with an immediate form for a constant count.
    fn v_shift(&mut self, make: fn(Slot, Slot, Slot) -> Op, make_imm: fn(Slot, Slot, u32) -> Op) {
        let len = self.stack.len();
        let Operand::Const(c) = self.stack[len - 1] else { return self.bin_to(true, make) };
        let a = self.operand_slot(len - 2);
        self.stack.truncate(len - 2);
        let dst = self.slot_at(len - 2);
        self.emit_producer(make_imm(dst, a, c as u32));
        self.push_wide(Operand::Temp, true);
    }
}
