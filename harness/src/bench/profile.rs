//! `zerowasm-harness profile`: the Interpreter's instruction profile over the benchmark set, the
//! measurement superinstructions are chosen from (issue 16: "from measured pair frequencies over
//! the whole benchmark set, not one program"). Each program runs once on the Interpreter of a
//! build made with `ZEROWASM_DISPATCH=profile` (`make profile`), which counts every instruction
//! and every straight-line pair (the second instruction right after the first in the code, the
//! pairs one instruction could replace); see `zerowasm::op_profile`.
//!
//! Each program's counts become shares of its own instructions before they are averaged, so
//! every program weighs the same whatever its length: a pair that is 5% of one program's
//! instructions and absent elsewhere scores 5% / n.

use super::{coremark, engine_config, programs, selected, sightglass, Ctx};
use crate::spectest::Engine;
use std::collections::HashMap;
use std::fmt::Write as _;

/// One program's profile: shares of its instructions by kind and by straight-line pair.
struct Shares {
    name: String,
    total: u64,
    ops: HashMap<&'static str, f64>,
    pairs: HashMap<(&'static str, &'static str), f64>,
}

/// What the profile runs: CoreMark, the C programs of `bench/c/` and the sightglass modules.
/// Returns the report (Markdown), or why it could not run.
pub fn run(ctx: &Ctx<'_>, top: usize) -> Result<String, String> {
    if zerowasm::op_profile::take().is_none() {
        return Err("this build does not count instructions: build with ZEROWASM_DISPATCH=profile (`make profile`)".into());
    }
    let config = engine_config(Engine::Interpreter)?;
    let mut profiles: Vec<Shares> = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let mut take = |name: String, r: Result<(), String>, into: &mut Vec<Shares>| {
        let p = zerowasm::op_profile::take().unwrap_or_default();
        match r {
            Ok(()) => {
                let total: u64 = p.ops.iter().map(|o| o.1).sum();
                let share = |n: u64| n as f64 / total.max(1) as f64;
                eprintln!("{name}: {total} instructions");
                into.push(Shares {
                    name,
                    total,
                    ops: p.ops.iter().map(|&(o, n)| (o, share(n))).collect(),
                    pairs: p.pairs.iter().map(|&(a, b, n)| ((a, b), share(n))).collect(),
                });
            }
            Err(e) => {
                eprintln!("{name}: failed: {e}");
                failed.push(format!("{name} ({e})"));
            }
        }
    };
    if selected(ctx.only, "coremark", "coremark") {
        let wasm = std::fs::read(ctx.dir.join("wasmi-benchmarks/coremark.wasm")).map_err(|e| format!("coremark: {e}"))?;
        let r = coremark::zerowasm_sample(config.clone(), &wasm).map(|_| ());
        take("coremark".into(), r, &mut profiles);
    }
    // The C programs (the corpus's need exception handling, which the Interpreter lacks yet).
    for p in programs::c_programs(&programs::c_dir(), false) {
        if !selected(ctx.only, programs::GROUP, &p.name) {
            continue;
        }
        let r = programs::run_once(Engine::Interpreter, &p).map(|_| ());
        take(p.name.clone(), r, &mut profiles);
    }
    for m in sightglass::discover(&ctx.dir.join("sightglass")) {
        if !selected(ctx.only, "execution", &m.name) {
            continue;
        }
        let r = std::fs::read(&m.wasm)
            .map_err(|e| e.to_string())
            .and_then(|wasm| sightglass::zerowasm_setup(config.clone(), &wasm, &m).and_then(|mut sample| sample()))
            .map(|_| ());
        take(m.name.clone(), r, &mut profiles);
    }
    if profiles.is_empty() {
        return Err("no program ran".into());
    }
    Ok(report(&profiles, &failed, top))
}

/// The averaged shares, most frequent first, as Markdown tables.
fn report(programs: &[Shares], failed: &[String], top: usize) -> String {
    let n = programs.len() as f64;
    let average = |get: &dyn Fn(&Shares) -> Vec<(String, f64)>| -> Vec<(String, f64, usize)> {
        let mut sum: HashMap<String, (f64, usize)> = HashMap::new();
        for p in programs {
            for (k, s) in get(p) {
                let e = sum.entry(k).or_default();
                e.0 += s / n;
                e.1 += 1;
            }
        }
        let mut v: Vec<_> = sum.into_iter().map(|(k, (s, c))| (k, s, c)).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    };
    let ops = average(&|p| p.ops.iter().map(|(k, s)| (k.to_string(), *s)).collect());
    let pairs = average(&|p| p.pairs.iter().map(|((a, b), s)| (format!("{a} → {b}"), *s)).collect());
    let mut out = String::new();
    let _ = writeln!(out, "# Interpreter instruction profile\n");
    let _ = writeln!(
        out,
        "{} programs, each weighted equally (a share is of that program's instructions, then averaged); \
         a pair is two instructions that ran one after the other where the second follows the first in the code.\n",
        programs.len()
    );
    let _ = writeln!(out, "| program | instructions |\n|---|---:|");
    for p in programs {
        let _ = writeln!(out, "| {} | {} |", p.name, p.total);
    }
    if !failed.is_empty() {
        let _ = writeln!(out, "\nNot profiled (failed): {}", failed.join(", "));
    }
    for (title, rows) in [("Instructions", &ops), ("Straight-line pairs", &pairs)] {
        let _ = writeln!(out, "\n## {title} (top {top})\n\n| | share | programs |\n|---|---:|---:|");
        for (k, s, c) in rows.iter().take(top) {
            let _ = writeln!(out, "| {k} | {:.2}% | {c} |", s * 100.0);
        }
    }
    out
}

/// `zerowasm-harness profile`: profiles the programs `only` selects (all when empty) from the
/// benchmark folder, prints the tables' first `top` rows and writes them to `out` if given.
/// Returns the exit code: 0, or 2 when nothing could be profiled or written.
pub fn command(only: &[String], top: usize, out: Option<&std::path::Path>) -> i32 {
    let dir = super::bench_dir();
    let ctx = Ctx { dir: &dir, engines: &[Engine::Interpreter], only, rounds: Some(1) };
    let text = match run(&ctx, top) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("profile: {e}");
            return 2;
        }
    };
    print!("{text}");
    if let Some(path) = out {
        if let Err(e) = std::fs::write(path, &text) {
            eprintln!("profile: cannot write {}: {e}", path.display());
            return 2;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(name: &str, ops: &[(&'static str, f64)], pairs: &[(&'static str, &'static str, f64)]) -> Shares {
        Shares {
            name: name.into(),
            total: 100,
            ops: ops.iter().copied().collect(),
            pairs: pairs.iter().map(|&(a, b, s)| ((a, b), s)).collect(),
        }
    }

    /// Every program weighs the same: shares are averaged over programs, a kind missing from
    /// one counts as 0 there, and rows come most frequent first with how many programs ran them.
    #[test]
    fn shares_are_averaged_over_programs() {
        let p = [
            shares("a", &[("Add", 0.5), ("Copy", 0.5)], &[("Add", "Copy", 0.4)]),
            shares("b", &[("Add", 1.0)], &[]),
        ];
        let text = report(&p, &["c (failed)".into()], 10);
        assert!(text.contains("| Add | 75.00% | 2 |"), "{text}");
        assert!(text.contains("| Copy | 25.00% | 1 |"), "{text}");
        assert!(text.contains("| Add → Copy | 20.00% | 1 |"), "{text}");
        assert!(text.find("| Add |").unwrap() < text.find("| Copy |").unwrap());
        assert!(text.contains("Not profiled (failed): c (failed)"), "{text}");
    }
}
