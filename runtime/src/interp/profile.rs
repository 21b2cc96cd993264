//! Counts of the instructions the Interpreter executes, and of the pairs of instructions that
//! run one after the other where the second follows the first in the code (the pairs a
//! superinstruction could replace). Built only with `ZEROWASM_DISPATCH=profile` (see
//! `runtime/build.rs`), which also selects the loop dispatch the counting sits in; read with
//! [`crate::op_profile::take`]. This is a measuring instrument for choosing superinstructions
//! over a whole benchmark set, not something a user build carries.

use super::ir::Op;
use rustc_hash::FxHashMap;
use std::mem::Discriminant;
use std::sync::Mutex;

/// Instructions by kind, and straight-line pairs by kinds, as counted by one run.
#[derive(Default)]
pub(crate) struct Counts {
    ops: FxHashMap<Discriminant<Op>, (&'static str, u64)>,
    pairs: FxHashMap<(Discriminant<Op>, Discriminant<Op>), (&'static str, &'static str, u64)>,
}

impl Counts {
    /// Counts one execution of `op`, and of the pair (`op`, `next`) when `next` is the
    /// instruction after it in the code and runs right after it.
    #[inline]
    pub(crate) fn record(&mut self, op: &Op, next: Option<&Op>) {
        let k = std::mem::discriminant(op);
        self.ops.entry(k).or_insert((op.name(), 0)).1 += 1;
        if let Some(n) = next {
            let e = self.pairs.entry((k, std::mem::discriminant(n))).or_insert((op.name(), n.name(), 0));
            e.2 += 1;
        }
    }
}

/// What every run so far counted, on any thread.
static TOTAL: Mutex<Option<Counts>> = Mutex::new(None);

/// Adds one run's counts to the total.
pub(crate) fn merge(c: Counts) {
    let mut total = TOTAL.lock().unwrap_or_else(|e| e.into_inner());
    let t = total.get_or_insert_with(Counts::default);
    for (k, (name, n)) in c.ops {
        t.ops.entry(k).or_insert((name, 0)).1 += n;
    }
    for (k, (a, b, n)) in c.pairs {
        t.pairs.entry(k).or_insert((a, b, 0)).2 += n;
    }
}

/// Takes the total counted so far (leaving zero): instruction kinds and straight-line pairs by
/// name with their counts, most frequent first.
pub(crate) fn take() -> crate::op_profile::OpProfile {
    let c = TOTAL.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_default();
    let mut ops: Vec<_> = c.ops.into_values().collect();
    ops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut pairs: Vec<_> = c.pairs.into_values().collect();
    pairs.sort_by(|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    crate::op_profile::OpProfile { ops, pairs }
}
