//! What an engine did with a case, as text that compares exactly, and the comparison.

/// One step of a run: compiling, instantiating, one call (with the host calls it made and the
/// exported state after it), or the final state.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// The lines compared, bit-exact values in hex.
    pub lines: Vec<String>,
    /// The call ran out of stack ("call stack exhausted"). The engines' limits differ by
    /// design (frames against native bytes), so this step and everything after it is
    /// incomparable.
    pub exhausted: bool,
}

/// The outcome of one case on one engine.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Trace {
    /// The engine's name.
    pub engine: String,
    /// The steps, in order.
    pub entries: Vec<Entry>,
    /// Each exported memory's bytes at the end (for the first differing byte).
    pub memories: Vec<(String, Vec<u8>)>,
    /// Messages not compared (a compile error's text), for the report.
    pub notes: Vec<String>,
    /// The run panicked (always a finding, even when both engines panic alike).
    pub panicked: bool,
}

impl Trace {
    /// A trace for `engine`, empty.
    pub fn new(engine: &str) -> Trace {
        Trace { engine: engine.to_string(), ..Default::default() }
    }
    /// Adds a step.
    pub fn push(&mut self, lines: Vec<String>) {
        self.entries.push(Entry { lines, exhausted: false });
    }
    /// The number of exported-function calls made.
    pub fn calls(&self) -> u64 {
        self.entries.iter().filter(|e| e.lines.first().is_some_and(|l| l.starts_with("call "))).count() as u64
    }
    /// Whether a call ran out of stack.
    pub fn exhausted(&self) -> bool {
        self.entries.iter().any(|e| e.exhausted)
    }
    /// The trace as text, one line per compared line (entries' continuation lines indented).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for e in &self.entries {
            for (i, l) in e.lines.iter().enumerate() {
                if i > 0 {
                    s.push_str("  ");
                }
                s.push_str(l);
                s.push('\n');
            }
        }
        s
    }
}

/// How two traces compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Identical. `incomparable` when a call ran out of stack on either engine, so the
    /// comparison stopped there.
    Agree { incomparable: bool },
    /// Different: a description of the first difference.
    Diverge(String),
}

/// Rewrites a line into the terms wasmi shares with zerowasm: wasmi reports a `call_indirect`
/// index outside the table as "out of bounds table access" (zerowasm: the spec's "undefined
/// element"), applies Core 2.0 segment semantics, and function references carry no export name.
pub fn normalize_for_wasmi(line: &str) -> String {
    let mut l = line
        .replace("trap undefined element", "trap out of bounds table access")
        .replace("instantiate: data segment does not fit", "instantiate: trap out of bounds memory access")
        .replace("instantiate: elements segment does not fit", "instantiate: trap out of bounds table access");
    // Names are Debug-quoted: the closing quote is the first one not escaped.
    let mut from = 0;
    while let Some(i) = l[from..].find("funcref:\"").map(|i| i + from) {
        let bytes = l.as_bytes();
        let mut j = i + 9;
        while j < bytes.len() && bytes[j] != b'"' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        let end = (j + 1).min(l.len());
        l.replace_range(i..end, "funcref:*");
        from = i + 9;
    }
    l
}

/// Compares two traces step by step; `normalize` rewrites each line first (identity between
/// zerowasm's engines, [`normalize_for_wasmi`] against the oracle).
pub fn compare(a: &Trace, b: &Trace, normalize: fn(&str) -> String) -> Verdict {
    if a.panicked || b.panicked {
        let who: Vec<&str> = [a, b].iter().filter(|t| t.panicked).map(|t| t.engine.as_str()).collect();
        return Verdict::Diverge(format!("panic in {}", who.join(" and ")));
    }
    for (i, (ea, eb)) in a.entries.iter().zip(&b.entries).enumerate() {
        if ea.exhausted || eb.exhausted {
            return Verdict::Agree { incomparable: true };
        }
        let la: Vec<String> = ea.lines.iter().map(|l| normalize(l)).collect();
        let lb: Vec<String> = eb.lines.iter().map(|l| normalize(l)).collect();
        if la != lb {
            let head = ea.lines.first().cloned().unwrap_or_default();
            let j = la.iter().zip(&lb).position(|(x, y)| x != y).unwrap_or(la.len().min(lb.len()));
            let mut d = format!(
                "step {i} ({head}): {} has {:?}, {} has {:?}",
                a.engine,
                la.get(j).map(String::as_str).unwrap_or("(nothing)"),
                b.engine,
                lb.get(j).map(String::as_str).unwrap_or("(nothing)")
            );
            if let Some(byte) = first_memory_difference(a, b) {
                d.push_str(&format!("; {byte}"));
            }
            return Verdict::Diverge(d);
        }
    }
    if a.entries.len() != b.entries.len() {
        return Verdict::Diverge(format!(
            "{} made {} steps, {} made {}",
            a.engine,
            a.entries.len(),
            b.engine,
            b.entries.len()
        ));
    }
    Verdict::Agree { incomparable: false }
}

/// "memory M: first difference at byte N (x vs y)" for the first exported memory whose final
/// contents differ.
pub fn first_memory_difference(a: &Trace, b: &Trace) -> Option<String> {
    for ((name, ma), (_, mb)) in a.memories.iter().zip(&b.memories) {
        if ma != mb {
            let at = ma.iter().zip(mb).position(|(x, y)| x != y).unwrap_or(ma.len().min(mb.len()));
            return Some(format!(
                "memory {name:?} at the end: first difference at byte {at} ({} vs {}; sizes {} and {})",
                ma.get(at).map(|b| format!("{b:#04x}")).unwrap_or("-".into()),
                mb.get(at).map(|b| format!("{b:#04x}")).unwrap_or("-".into()),
                ma.len(),
                mb.len()
            ));
        }
    }
    None
}

/// A fast 64-bit hash of memory or table contents (FNV-1a over 8-byte words).
pub fn hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        h = (h ^ u64::from_le_bytes(c.try_into().unwrap())).wrapping_mul(0x0100_0000_01b3);
        h ^= h >> 29;
    }
    for b in chunks.remainder() {
        h = (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ bytes.len() as u64
}

/// A unified diff of two traces (for the report).
pub fn diff(a: &Trace, b: &Trace) -> String {
    similar::TextDiff::from_lines(&a.text(), &b.text())
        .unified_diff()
        .context_radius(4)
        .header(&a.engine, &b.engine)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(engine: &str, steps: &[&[&str]]) -> Trace {
        let mut t = Trace::new(engine);
        for s in steps {
            t.push(s.iter().map(|l| l.to_string()).collect());
        }
        t
    }

    #[test]
    fn identical_traces_agree_and_any_difference_diverges() {
        let a = trace("interpreter", &[&["compile: ok"], &["call \"f\"()", "-> [i32:0x00000001]"]]);
        assert_eq!(compare(&a, &a.clone(), |l| l.to_string()), Verdict::Agree { incomparable: false });
        let b = trace("compiler", &[&["compile: ok"], &["call \"f\"()", "-> [i32:0x00000002]"]]);
        match compare(&a, &b, |l| l.to_string()) {
            Verdict::Diverge(d) => assert!(d.contains("i32:0x00000001") && d.contains("i32:0x00000002"), "{d}"),
            v => panic!("{v:?}"),
        }
        let shorter = trace("compiler", &[&["compile: ok"]]);
        assert!(matches!(compare(&a, &shorter, |l| l.to_string()), Verdict::Diverge(_)));
        let mut panicked = a.clone();
        panicked.panicked = true;
        assert!(matches!(compare(&a, &panicked, |l| l.to_string()), Verdict::Diverge(_)));
    }

    #[test]
    fn stack_exhaustion_makes_the_rest_incomparable() {
        let a = trace("interpreter", &[&["compile: ok"], &["call \"f\"()", "-> [i32:0x00000001]"]]);
        let mut b = trace("compiler", &[&["compile: ok"]]);
        b.entries.push(Entry { lines: vec!["call \"f\"()".into(), "-> call stack exhausted".into()], exhausted: true });
        assert_eq!(compare(&a, &b, |l| l.to_string()), Verdict::Agree { incomparable: true });
    }

    #[test]
    fn wasmi_normalisation_drops_function_names_even_with_quotes() {
        assert_eq!(normalize_for_wasmi(r#"global "g" = funcref:"a\"b", x"#), r#"global "g" = funcref:*, x"#);
        assert_eq!(normalize_for_wasmi(r#"funcref:"" funcref:null"#), "funcref:* funcref:null");
        assert_eq!(normalize_for_wasmi("-> trap undefined element"), "-> trap out of bounds table access");
    }
}
