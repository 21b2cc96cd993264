//! The process-wide registry of defined types: every recursion group of every module is
//! registered once, by its structure, and each of its types gets a [`TypeId`] that equivalent
//! types of every other module share
//! ([§3.2 type equivalence](https://webassembly.github.io/spec/core/valid/conventions.html#type-equivalence):
//! iso-recursive, so two groups are equivalent when they are the same once their references to
//! earlier types are replaced by those types' identities, references within the group staying
//! relative to it). Function references (`call_ref`, imports of `(ref $t)` globals,
//! `call_indirect`'s check) compare these identities, so a type check across modules is one
//! integer comparison.
//!
//! Process-wide rather than per runtime because compiled modules are shared by runtimes (the
//! compilation cache); entries are never freed, which bounds the memory by the number of
//! distinct types a process ever sees (RATIONALE.md, "Typed function references").

use super::types::{FuncType, HeapType, RefType, TypeId, ValType};
use crate::vm::registry::AppendVec;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// A value type in a recursion group's key: as it is, or a reference to a type of the same group
/// by its position there.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeyVal {
    /// A value type whose concrete references (if any) are to types outside the group.
    Plain(ValType),
    /// `(ref null? $t)` of the group's `rec`-th type.
    Rec { nullable: bool, rec: u32 },
}

/// A declared supertype in a recursion group's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum KeySuper {
    /// A type outside the group.
    Id(TypeId),
    /// The group's `n`-th type.
    Rec(u32),
}

/// One (function) type of a recursion group, as registered.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct SubKey {
    /// Whether no type may declare it as its supertype (`sub final`, the default).
    pub is_final: bool,
    /// Its declared supertype.
    pub supertype: Option<KeySuper>,
    pub params: Vec<KeyVal>,
    pub results: Vec<KeyVal>,
}

/// A registered type.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Its function type, with every reference to a type (of its group too) by identity.
    pub ty: FuncType,
    /// Whether it is final (then nothing declares it as a supertype).
    #[allow(dead_code)]
    pub is_final: bool,
    /// Its declared supertype.
    pub supertype: Option<TypeId>,
}

struct Registry {
    /// Every registered type, by identity; a group's types are consecutive.
    entries: AppendVec<Entry>,
    /// Each registered group's first identity. Held while a group's entries are pushed, so
    /// that they are consecutive.
    groups: Mutex<HashMap<Vec<SubKey>, u32>>,
}

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry { entries: AppendVec::default(), groups: Mutex::new(HashMap::new()) });

/// The identities of the types of recursion group `group` (in order), registering it on first
/// sight.
pub(crate) fn intern_group(group: Vec<SubKey>) -> Vec<TypeId> {
    let r = &*REGISTRY;
    let mut groups = r.groups.lock().unwrap_or_else(|e| e.into_inner());
    let n = group.len() as u32;
    if let Some(&first) = groups.get(&group) {
        return (first..first + n).map(TypeId).collect();
    }
    let first = r.entries.len() as u32;
    let resolve = |k: &KeyVal| match *k {
        KeyVal::Plain(t) => t,
        KeyVal::Rec { nullable, rec } => ValType::Ref(RefType::new(nullable, HeapType::Concrete(TypeId(first + rec)))),
    };
    for sub in &group {
        let ty = FuncType::new(sub.params.iter().map(resolve), sub.results.iter().map(resolve));
        let supertype = sub.supertype.map(|s| match s {
            KeySuper::Id(id) => id,
            KeySuper::Rec(i) => TypeId(first + i),
        });
        r.entries.push(Entry { ty, is_final: sub.is_final, supertype });
    }
    groups.insert(group, first);
    (first..first + n).map(TypeId).collect()
}

/// The identity of `ty` alone in its group, final and without a supertype.
pub(crate) fn intern_func(ty: &FuncType) -> TypeId {
    let key = SubKey {
        is_final: true,
        supertype: None,
        params: ty.params().iter().map(|t| KeyVal::Plain(*t)).collect(),
        results: ty.results().iter().map(|t| KeyVal::Plain(*t)).collect(),
    };
    intern_group(vec![key])[0]
}

/// The registered type `id`. Identities are only made by [`intern_group`], so every one names an
/// entry.
pub(crate) fn entry(id: TypeId) -> &'static Entry {
    REGISTRY.entries.get(id.0 as usize).expect("a type identity names a registered type")
}

/// `[t]` for as long as the process lives: the result list of a block whose one result is of
/// type `t` (`wasm::func`'s block types borrow their lists for as long as their module). Made
/// once per type, like the types themselves.
pub(crate) fn single(t: ValType) -> &'static [ValType] {
    static SINGLES: LazyLock<Mutex<HashMap<ValType, &'static [ValType]>>> = LazyLock::new(Default::default);
    let mut singles = SINGLES.lock().unwrap_or_else(|e| e.into_inner());
    singles.entry(t).or_insert_with(|| Box::leak(Box::new([t])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn func(params: Vec<KeyVal>) -> SubKey {
        SubKey { is_final: true, supertype: None, params, results: vec![] }
    }

    #[test]
    fn equivalent_groups_share_identities_and_others_do_not() {
        let i32_ = KeyVal::Plain(ValType::I32);
        let a = intern_group(vec![func(vec![i32_.clone()])]);
        assert_eq!(a, intern_group(vec![func(vec![i32_.clone()])]));
        assert_eq!(a[0], intern_func(&FuncType::new([ValType::I32], [])));
        // The same function type in a group of two is another type, as is a non-final one.
        let pair = intern_group(vec![func(vec![i32_.clone()]), func(vec![])]);
        assert_ne!(pair[0], a[0]);
        assert_eq!(pair[0].func_type(), a[0].func_type());
        let open = intern_group(vec![SubKey { is_final: false, ..func(vec![i32_.clone()]) }]);
        assert_ne!(open[0], a[0]);
        // A self-reference resolves to the type's own identity.
        let rec = intern_group(vec![func(vec![KeyVal::Rec { nullable: true, rec: 0 }])]);
        assert_eq!(rec[0].func_type().params(), &[ValType::Ref(RefType::new(true, HeapType::Concrete(rec[0])))]);
        // Declared supertypes are followed by matching, not the other way.
        let sub = intern_group(vec![SubKey { supertype: Some(KeySuper::Id(open[0])), ..func(vec![i32_]) }]);
        assert!(sub[0].is_subtype_of(open[0]));
        assert!(!open[0].is_subtype_of(sub[0]));
        assert!(HeapType::Concrete(sub[0]).matches(&HeapType::Func));
        assert!(HeapType::NoFunc.matches(&HeapType::Concrete(sub[0])));
        assert!(!HeapType::NoExtern.matches(&HeapType::Concrete(sub[0])));
    }
}
