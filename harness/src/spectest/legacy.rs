//! A small S-expression scanner over .wast text, and the rewrites of Core 1.0-era syntax that
//! the current `wast` parser no longer accepts (or reads with a different meaning).
//!
//! Every rewrite keeps the text's line structure (no newline is added or removed), so the line
//! numbers the runner reports are the lines of the original file.

use super::Suite;

/// A lexical token of the S-expression layer: parentheses, strings and atoms (keywords,
/// numbers, identifiers). Comments and whitespace are skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    LParen,
    RParen,
    Str,
    Atom,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

/// Splits `text` into tokens. Unterminated strings or block comments end the scan (the real
/// parser reports them).
pub(crate) fn tokens(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b';' if b.get(i + 1) == Some(&b';') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' if b.get(i + 1) == Some(&b';') => {
                let mut depth = 1;
                i += 2;
                while i < b.len() && depth > 0 {
                    if b[i] == b'(' && b.get(i + 1) == Some(&b';') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b';' && b.get(i + 1) == Some(&b')') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            b'(' => {
                out.push(Tok {
                    kind: TokKind::LParen,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b')' => {
                out.push(Tok {
                    kind: TokKind::RParen,
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(b.len());
                out.push(Tok {
                    kind: TokKind::Str,
                    start,
                    end: i,
                });
            }
            _ => {
                // A `;` that starts no comment is part of an atom (`core-3.0/annotations.wast`
                // has one alone); the first byte is always taken, so every step advances.
                let start = i;
                i += 1;
                while i < b.len()
                    && !matches!(
                        b[i],
                        b' ' | b'\t' | b'\n' | b'\r' | b'(' | b')' | b'"' | b';'
                    )
                {
                    i += 1;
                }
                out.push(Tok {
                    kind: TokKind::Atom,
                    start,
                    end: i,
                });
            }
        }
    }
    out
}

/// One top-level S-expression of a script: a directive (or, for a bare module file, a field).
#[derive(Clone, Debug)]
pub(crate) struct TopLevel {
    /// Byte offset of its `(`.
    pub start: usize,
    /// Index range of its tokens in the token list.
    pub toks: std::ops::Range<usize>,
    /// The keyword after `(`, e.g. `assert_return`.
    pub keyword: String,
}

/// The top-level S-expressions of `text`.
pub(crate) fn top_level(text: &str, toks: &[Tok]) -> Vec<TopLevel> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut open = 0usize;
    for (k, t) in toks.iter().enumerate() {
        match t.kind {
            TokKind::LParen => {
                if depth == 0 {
                    open = k;
                }
                depth += 1;
            }
            TokKind::RParen if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push(top(text, toks, open, k + 1));
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        out.push(top(text, toks, open, toks.len()));
    }
    out
}

fn top(text: &str, toks: &[Tok], open: usize, close: usize) -> TopLevel {
    let keyword = match toks.get(open + 1) {
        Some(t) if t.kind == TokKind::Atom && open + 1 < close => text[t.start..t.end].to_string(),
        _ => String::new(),
    };
    TopLevel {
        start: toks[open].start,
        toks: open..close,
        keyword,
    }
}

/// The assertion directives of a script as the text shows them: each top-level
/// `(assert_... )`, with its byte offset. Used to check that parsing lost none.
pub(crate) fn raw_assertions(text: &str) -> Vec<(usize, String)> {
    let toks = tokens(text);
    top_level(text, &toks)
        .into_iter()
        .filter(|t| t.keyword.starts_with("assert_"))
        .map(|t| (t.start, t.keyword))
        .collect()
}

/// What [`rewrite`] changed, for the report and the tests.
#[derive(Clone, Debug, Default)]
pub struct Rewrites {
    /// Byte offsets (in the rewritten text, which has the same lines) and a description.
    pub notes: Vec<(usize, String)>,
}

/// Rewrites Core 1.0-era syntax of a file of `suite` into syntax the `wast` crate reads with
/// the meaning Core 1.0 gave it:
///
/// * `(assert_uninstantiable M "msg")` becomes `(assert_trap M "msg")` (any suite).
/// * `(assert_return_canonical_nan E)` / `(assert_return_arithmetic_nan E)` become
///   `(assert_return E (either (f32.const nan:P) (f64.const nan:P)))`: the result must be a
///   canonical (arithmetic) NaN of whichever float type the function returns.
/// * In Core 1.0 a segment's optional first index names its memory or table — there are no
///   segment identifiers. `wast` reads `(data $m …)`/`(elem $t …)` as the segment's own id
///   (so repeating it is a duplicate-id error) and `(elem 0 …)` as an explicit table index,
///   which it encodes with the bulk-memory (Core 2.0) element encoding that Core 1.0 rejects.
///   Since Core 1.0 allows only memory 0 and table 0, an index that is `0` or the id of the
///   module's own memory (table) is blanked out, which means the same thing in both syntaxes.
///   Any other index is left alone (it is invalid either way).
pub fn rewrite(suite: Suite, text: &str) -> (String, Rewrites) {
    let mut notes = Rewrites::default();
    let toks = tokens(text);
    let tops = top_level(text, &toks);
    // Edits as (start, end, replacement), non-overlapping, applied back to front.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for t in &tops {
        match t.keyword.as_str() {
            "assert_return_canonical_nan" | "assert_return_arithmetic_nan" => {
                let kind = if t.keyword.ends_with("canonical_nan") {
                    "canonical"
                } else {
                    "arithmetic"
                };
                let kw = toks[t.toks.start + 1];
                let close = toks[t.toks.end - 1];
                if close.kind != TokKind::RParen {
                    continue; // unbalanced: let the parser report it
                }
                edits.push((kw.start, kw.end, "assert_return".into()));
                edits.push((
                    close.start,
                    close.start,
                    format!(" (either (f32.const nan:{kind}) (f64.const nan:{kind}))"),
                ));
                notes.notes.push((
                    t.start,
                    format!("{} → assert_return with nan:{kind}", t.keyword),
                ));
            }
            "assert_uninstantiable" => {
                // Older scripts' name for a module whose instantiation traps; `wast` only
                // knows `assert_trap (module …)`, which means the same.
                let kw = toks[t.toks.start + 1];
                edits.push((kw.start, kw.end, "assert_trap".into()));
                notes
                    .notes
                    .push((t.start, "assert_uninstantiable → assert_trap".into()));
            }
            _ if suite.spec().v1_segment_syntax => {
                segment_indices(text, &toks[t.toks.clone()], &mut edits, &mut notes)
            }
            _ => {}
        }
    }
    if suite.spec().folded_try_syntax {
        unfold_try(text, &toks, &mut edits, &mut notes);
    }
    edits.sort_by_key(|e| (e.0, e.1));
    let mut out = text.to_string();
    for (s, e, r) in edits.into_iter().rev() {
        out.replace_range(s..e, &r);
    }
    (out, notes)
}

/// Legacy exception handling's folded form, `(try bt (do …) (catch $e …) (catch_all …))` or
/// `(try bt (do …) (delegate l))`, which `wast` no longer reads, as the flat instructions it
/// stands for (`try bt … catch $e … catch_all … end`, `try bt … delegate l`), which it does:
/// the parentheses of `try`, `do`, `catch`, `catch_all` and `delegate` become spaces and the
/// closing one of a `try` without `delegate` becomes `end`. Nested forms are each rewritten.
fn unfold_try(text: &str, toks: &[Tok], edits: &mut Vec<(usize, usize, String)>, notes: &mut Rewrites) {
    // The matching closing parenthesis of every opening one.
    let mut close = vec![usize::MAX; toks.len()];
    let mut open = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokKind::LParen => open.push(i),
            TokKind::RParen => {
                if let Some(o) = open.pop() {
                    close[o] = i;
                }
            }
            TokKind::Str | TokKind::Atom => {}
        }
    }
    let atom = |i: usize| toks.get(i).filter(|t| t.kind == TokKind::Atom).map(|t| &text[t.start..t.end]);
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokKind::LParen || atom(i + 1) != Some("try") || close[i] == usize::MAX {
            continue;
        }
        let end = close[i];
        let mut delegated = false;
        // The try's direct children.
        let mut j = i + 2;
        while j < end {
            if toks[j].kind == TokKind::LParen && close[j] != usize::MAX {
                let kw = atom(j + 1);
                if matches!(kw, Some("do" | "catch" | "catch_all" | "delegate")) {
                    edits.push((toks[j].start, toks[j].end, " ".into()));
                    edits.push((toks[close[j]].start, toks[close[j]].end, " ".into()));
                    if kw == Some("do") {
                        edits.push((toks[j + 1].start, toks[j + 1].end, "  ".into()));
                    }
                    delegated |= kw == Some("delegate");
                }
                j = close[j] + 1;
            } else {
                j += 1;
            }
        }
        edits.push((t.start, t.end, " ".into()));
        edits.push((toks[end].start, toks[end].end, if delegated { " ".into() } else { " end".into() }));
        notes.notes.push((t.start, "folded legacy try → flat try … end".into()));
    }
}

/// The Core 1.0 segment-index rewrite inside one top-level directive (which holds at most one
/// module in text form).
fn segment_indices(
    text: &str,
    toks: &[Tok],
    edits: &mut Vec<(usize, usize, String)>,
    notes: &mut Rewrites,
) {
    let s = |t: &Tok| &text[t.start..t.end];
    // Ids of the module's own memories and tables: `(memory $m …)`, `(table $t …)`, also
    // inside `(import "…" "…" (memory $m …))`.
    let mut memories = Vec::new();
    let mut tables = Vec::new();
    for w in toks.windows(3) {
        if w[0].kind == TokKind::LParen && w[1].kind == TokKind::Atom && w[2].kind == TokKind::Atom
        {
            let id = s(&w[2]);
            if id.starts_with('$') {
                match s(&w[1]) {
                    "memory" => memories.push(id),
                    "table" => tables.push(id),
                    _ => {}
                }
            }
        }
    }
    for w in toks.windows(4) {
        if w[0].kind != TokKind::LParen || w[1].kind != TokKind::Atom || w[2].kind != TokKind::Atom
        {
            continue;
        }
        // Only `(data X (` / `(elem X (`: X followed by the offset expression.
        if w[3].kind != TokKind::LParen {
            continue;
        }
        let ids = match s(&w[1]) {
            "data" => &memories,
            "elem" => &tables,
            _ => continue,
        };
        let x = s(&w[2]);
        let is_zero = parse_u32(x) == Some(0);
        if is_zero || ids.contains(&x) {
            edits.push((w[2].start, w[2].end, " ".repeat(x.len())));
            notes.notes.push((
                w[0].start,
                format!(
                    "({} {x} …): Core 1.0 {} index dropped",
                    s(&w[1]),
                    if s(&w[1]) == "data" {
                        "memory"
                    } else {
                        "table"
                    }
                ),
            ));
        }
    }
}

fn parse_u32(s: &str) -> Option<u32> {
    let s = s.replace('_', "");
    if let Some(h) = s.strip_prefix("0x") {
        u32::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn core1() -> Suite {
        Suite::from_name("core-1.0").unwrap()
    }

    fn core2() -> Suite {
        Suite::from_name("core-2.0").unwrap()
    }

    #[test]
    fn a_lone_semicolon_is_an_atom_and_the_scan_ends() {
        // From core-3.0/annotations.wast: `;` that opens no comment, and `;)` outside one.
        let text = "(@a , ; ] [ }} }x{ ({) ,{{};}] ;)\n(assert_return (invoke \"f\"))";
        let toks = tokens(text);
        let atoms: Vec<&str> = toks
            .iter()
            .filter(|t| t.kind == TokKind::Atom)
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(atoms, ["@a", ",", ";", "]", "[", "}}", "}x{", "{", ",{{}", ";}]", ";", "assert_return", "invoke"]);
        assert!(toks.iter().all(|t| t.end > t.start));
        assert_eq!(raw_assertions(text).len(), 1);
    }

    #[test]
    fn nan_directives() {
        let text = "(assert_return_canonical_nan (invoke \"f\" (f32.const nan)))\n;; (assert_x)\n(assert_return_arithmetic_nan\n (invoke \"g\"))";
        let (out, notes) = rewrite(core1(), text);
        assert_eq!(notes.notes.len(), 2);
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(out.starts_with("(assert_return (invoke \"f\" (f32.const nan)) (either (f32.const nan:canonical) (f64.const nan:canonical)))"));
        assert!(out.ends_with(
            "(invoke \"g\") (either (f32.const nan:arithmetic) (f64.const nan:arithmetic)))"
        ));
        assert_eq!(raw_assertions(text).len(), 2);
    }

    #[test]
    fn segment_indices() {
        let text = "(module (memory $m 1) (table $t 1 funcref) (data $m (i32.const 0)) (data 0x0 (i32.const 0)) (elem 0 (i32.const 0)) (elem $t (i32.const 0)) (elem $u (i32.const 0)) (elem 1 (i32.const 0)))";
        let (out, _) = rewrite(core1(), text);
        assert_eq!(out, "(module (memory $m 1) (table $t 1 funcref) (data    (i32.const 0)) (data     (i32.const 0)) (elem   (i32.const 0)) (elem    (i32.const 0)) (elem $u (i32.const 0)) (elem 1 (i32.const 0)))");
        let (same, _) = rewrite(core2(), text);
        assert_eq!(same, text);
        let (out, _) = rewrite(
            core2(),
            "(assert_uninstantiable (module (start 0) (func unreachable)) \"unreachable\")",
        );
        assert_eq!(
            out,
            "(assert_trap (module (start 0) (func unreachable)) \"unreachable\")"
        );
    }

    /// The Core 1.0 segment syntax only validates as Core 1.0 after the rewrite.
    #[test]
    fn segment_rewrite_is_needed_and_enough() {
        let text = "(module (table $t 10 funcref) (memory $m 1) (func $f) \
            (elem 0 (i32.const 0) $f) (elem $t (i32.const 1) $f) (elem $t (offset (i32.const 2)) $f $f) \
            (data $m (i32.const 0) \"a\") (data $m (i32.const 1) \"b\"))";
        let compile = |t: &str| -> Result<(), String> {
            let buf = wast::parser::ParseBuffer::new(t).map_err(|e| e.to_string())?;
            let mut wat = wast::parser::parse::<wast::Wat>(&buf).map_err(|e| e.to_string())?;
            let bytes = wat.encode().map_err(|e| e.to_string())?;
            let rt = zerowasm::Runtime::with_config(
                zerowasm::RuntimeConfig::interpreter()
                    .with_core_features(zerowasm::CoreFeatures::V1_0),
            );
            rt.compile(&bytes).map(|_| ()).map_err(|e| e.to_string())
        };
        assert!(
            compile(text).is_err(),
            "wast reads the 1.0 syntax differently"
        );
        let (out, notes) = rewrite(core1(), text);
        assert_eq!(notes.notes.len(), 5);
        compile(&out).unwrap();
    }
}
