//! `corpus/regressions/<id>/`: every divergence found, minimised, with what is needed to
//! replay it (`module.wasm`, `case.json`) and a readable `report.md`; and the replay that
//! `cargo test` runs over them.

use super::gen::{Case, FeatureSet};
use super::{check, check_validation, shrink, trace, Divergence, Options};
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};

/// Writes a regression for `d` found on `case` (shrunk first when `opts.shrink` and the case
/// is a runnable module, `runs`), returns its id. An existing regression with the same id is
/// left alone.
pub fn record(opts: &Options, case: &Case, d: &Divergence, runs: bool) -> Result<String, String> {
    let (wasm, d) = if opts.shrink && runs && d.pair != "hang" {
        match shrink::shrink(case, opts.oracle, &d.pair) {
            Ok(small) => {
                let c = Case { wasm: small.clone(), ..case.clone() };
                // Describe the minimised module (its divergence may read differently).
                let d2 = check(&c, opts.oracle).divergence.unwrap_or_else(|| d.clone());
                (small, d2)
            }
            Err(e) => {
                eprintln!("fuzz: shrinking failed ({e}); writing the whole module");
                (case.wasm.clone(), d.clone())
            }
        }
    } else {
        (case.wasm.clone(), d.clone())
    };
    let id = format!("{}-{:08x}", slug(&d.pair), trace::hash(&wasm) as u32);
    let dir = opts.corpus.join("regressions").join(&id);
    if dir.exists() {
        return Ok(id);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let kind = if d.pair == "hang" { "hang" } else if runs { "run" } else { "validation" };
    let meta = json!({
        "id": id,
        "seed": case.seed,
        "features": case.features.name(),
        "arg_seed": case.arg_seed,
        "oracle": opts.oracle,
        "kind": kind,
        "pair": d.pair,
        "what": d.what,
        "found": today(),
        "wasm_smith": super::report::WASM_SMITH_VERSION,
        "original_size": case.wasm.len(),
        "size": wasm.len(),
        "status": "open",
    });
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}"));
    write("module.wasm", &wasm)?;
    write("case.json", serde_json::to_string_pretty(&meta).unwrap().as_bytes())?;
    write("report.md", markdown(&meta, &wasm, &d).as_bytes())?;
    Ok(id)
}

/// The readable report of a regression: the module as text, each engine's outcome, the diff.
fn markdown(meta: &Json, wasm: &[u8], d: &Divergence) -> String {
    let mut s = format!("# Divergence {}\n\n", meta["id"].as_str().unwrap_or(""));
    s += &format!(
        "- engines: {}\n- first difference: {}\n- seed: {} (features {}, argument seed {}); replay the original: \
         `zerowasm-harness fuzz --seed {} --count 1 --features {}`\n- found: {}\n- module: {} bytes (from {})\n\n",
        d.pair,
        d.what,
        meta["seed"],
        meta["features"].as_str().unwrap_or(""),
        meta["arg_seed"],
        meta["seed"],
        meta["features"].as_str().unwrap_or(""),
        meta["found"].as_str().unwrap_or(""),
        wasm.len(),
        meta["original_size"],
    );
    s += "## Module\n\n```wat\n";
    s += &wasmprinter::print_bytes(wasm).unwrap_or_else(|e| format!(";; not printable: {e}"));
    s += "\n```\n\n";
    for t in &d.traces {
        s += &format!("## {}\n\n```\n{}", t.engine, t.text());
        for n in &t.notes {
            s += &format!("note: {n}\n");
        }
        s += "```\n\n";
    }
    if d.traces.len() == 2 {
        s += "## Diff\n\n```diff\n";
        s += &trace::diff(&d.traces[0], &d.traces[1]);
        s += "```\n";
        if let Some(m) = trace::first_memory_difference(&d.traces[0], &d.traces[1]) {
            s += &format!("\n{m}\n");
        }
    }
    s
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!("{y:04}-{m:02}-{d:02}")
}

/// The regressions directory of the workspace's corpus.
pub fn regressions_dir() -> PathBuf {
    crate::spectest::workspace_root().join("corpus").join("regressions")
}

/// Every regression case under `dir` (sorted by id).
pub fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("module.wasm").exists()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Replays the regression in `dir` on both engines (and wasmi if it was found with it):
/// `Err` describes a divergence.
pub fn replay(dir: &Path) -> Result<(), String> {
    let wasm = std::fs::read(dir.join("module.wasm")).map_err(|e| format!("module.wasm: {e}"))?;
    let meta: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("case.json")).map_err(|e| format!("case.json: {e}"))?)
        .map_err(|e| format!("case.json: {e}"))?;
    let features = meta["features"].as_str().and_then(FeatureSet::from_name).ok_or("case.json: bad features")?;
    let case = Case {
        seed: meta["seed"].as_u64().unwrap_or(0),
        features,
        wasm,
        arg_seed: meta["arg_seed"].as_u64().unwrap_or(0),
    };
    if let Some(d) = check_validation(&case.wasm, features) {
        return Err(format!("{}: {}", d.pair, d.what));
    }
    if meta["kind"] != "validation" {
        // A case where the oracle (wasmi) was the one wrong replays without it, and against
        // the outcome checked by hand (expected.txt), so our engines cannot drift together.
        let oracle = meta["oracle"].as_bool().unwrap_or(false) && !meta["oracle_wrong"].as_bool().unwrap_or(false);
        if let Some(d) = check(&case, oracle).divergence {
            return Err(format!("{}: {}", d.pair, d.what));
        }
        let expected = dir.join("expected.txt");
        let actual = super::zw::run(zerowasm::EngineKind::Interpreter, &case).text();
        match std::fs::read_to_string(&expected) {
            Ok(e) if e != actual => {
                return Err(format!("the outcome differs from expected.txt:\n{}", similar::TextDiff::from_lines(&e, &actual).unified_diff()))
            }
            Ok(_) => {}
            Err(_) if std::env::var_os("ZEROWASM_BLESS").is_some() => {
                std::fs::write(&expected, actual).map_err(|e| e.to_string())?;
            }
            Err(_) => {}
        }
    }
    Ok(())
}
