//! The kinds of access of the Interpreter's general memory instructions (`LoadMem`,
//! `StoreMem`, `LoadLaneMem`, in [`isa`](super::isa)): the accesses to a memory other than a
//! 32-bit memory 0 (multi-memory, memory64), which the fast instructions do not reach (their
//! base and bound live in the handlers' registers, for memory 0 only). One instruction per
//! shape of operands, its `kind` operand saying which access; each list below is written once
//! and matched exhaustively by the handlers and the translator.

/// Defines an access-kind enum from `Name = bytes;` entries: the variants, `ALL`, the kind's
/// operand value (`k as u8`), its decoding and the bytes it accesses.
macro_rules! access_kinds {
    ($(#[$doc:meta])* $enum:ident { $($(#[$vdoc:meta])* $name:ident = $bytes:literal;)* }) => {
        $(#[$doc])*
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(non_camel_case_types)] // `I32_8S`: the result type, then the bytes loaded.
        pub(crate) enum $enum {
            $($(#[$vdoc])* $name,)*
        }

        impl $enum {
            /// Every kind, by its operand value.
            pub(crate) const ALL: &'static [$enum] = &[$($enum::$name),*];

            /// The kind an instruction's `kind` operand names (the translator wrote it from a
            /// variant, so it is one; an out-of-range value would panic, not misbehave).
            #[inline(always)]
            pub(crate) fn of(k: u8) -> $enum {
                Self::ALL[k as usize]
            }

            /// The bytes of memory the access reads or writes.
            #[inline(always)]
            pub(crate) fn bytes(self) -> u64 {
                match self {
                    $($enum::$name => $bytes,)*
                }
            }
        }
    };
}

access_kinds! {
    /// What `LoadMem` loads (`f32.load` and `f64.load` are the `I32` and `I64` loads of their
    /// bits; the `V128` kinds, listed last, write a v128, two slots).
    LoadKind {
        I32 = 4;
        I64 = 8;
        I32_8S = 1;
        I32_8U = 1;
        I32_16S = 2;
        I32_16U = 2;
        I64_8S = 1;
        I64_8U = 1;
        I64_16S = 2;
        I64_16U = 2;
        I64_32S = 4;
        I64_32U = 4;
        V128 = 16;
        V128_8x8S = 8;
        V128_8x8U = 8;
        V128_16x4S = 8;
        V128_16x4U = 8;
        V128_32x2S = 8;
        V128_32x2U = 8;
        V128Splat8 = 1;
        V128Splat16 = 2;
        V128Splat32 = 4;
        V128Splat64 = 8;
        V128Zero32 = 4;
        V128Zero64 = 8;
    }
}

impl LoadKind {
    /// Whether the kind loads a v128 (two slots): the kinds from `V128` on.
    pub(crate) fn is_v128(self) -> bool {
        self as u8 >= LoadKind::V128 as u8
    }
}

access_kinds! {
    /// What `StoreMem` stores: the low bytes of a scalar (`f32`/`f64` stores are the 4- and
    /// 8-byte ones of their bits), a whole v128, or one lane of a v128 (its `lane` operand).
    StoreKind {
        Bytes1 = 1;
        Bytes2 = 2;
        Bytes4 = 4;
        Bytes8 = 8;
        V128 = 16;
        Lane8 = 1;
        Lane16 = 2;
        Lane32 = 4;
        Lane64 = 8;
    }
}

access_kinds! {
    /// The lane width of `LoadLaneMem` (`v128.loadN_lane`).
    LaneKind {
        Lane8 = 1;
        Lane16 = 2;
        Lane32 = 4;
        Lane64 = 8;
    }
}

/// The effective address of an access of `n` bytes at `addr + offset` in a memory of `len`
/// bytes, or `None` when it is out of bounds. The sums are checked: an address plus offset past
/// 2^64 traps rather than wrapping (memory64).
#[inline(always)]
pub(crate) fn effective_address(addr: u64, offset: u64, n: u64, len: usize) -> Option<usize> {
    let ea = addr.checked_add(offset)?;
    let end = ea.checked_add(n)?;
    (end <= len as u64).then_some(ea as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_operand() {
        for (i, k) in LoadKind::ALL.iter().enumerate() {
            assert_eq!(LoadKind::of(*k as u8), *k);
            assert_eq!(*k as usize, i);
        }
        for k in StoreKind::ALL {
            assert_eq!(StoreKind::of(*k as u8), *k);
        }
        for k in LaneKind::ALL {
            assert_eq!(LaneKind::of(*k as u8), *k);
        }
    }

    #[test]
    fn effective_addresses_never_wrap() {
        assert_eq!(effective_address(0, 0, 4, 4), Some(0));
        assert_eq!(effective_address(1, 0, 4, 4), None);
        assert_eq!(effective_address(u64::MAX, 1, 1, usize::MAX), None);
        assert_eq!(effective_address(1, u64::MAX, 0, usize::MAX), None);
        assert_eq!(effective_address(u64::MAX - 3, 0, 4, usize::MAX), None);
        assert_eq!(effective_address(0xffff_ffff, 1, 1, 1 << 33), Some(1 << 32));
    }
}
