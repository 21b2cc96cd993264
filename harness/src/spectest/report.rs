//! The conformance reports `reports/<os>-<arch>/spectest.json` and `spectest.md`: per suite ×
//! engine × file the assertions passed, failed and skipped (each skip with its reason), and a
//! summary table engine × suite.

use super::{Engine, FileResult, KnownFailures, Skip, Suite, WastFile, SUITES};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The whole report of one platform.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Report {
    /// `std::env::consts::OS`.
    pub os: String,
    /// `std::env::consts::ARCH`.
    pub arch: String,
    /// The zerowasm version tested.
    pub zerowasm_version: String,
    /// One entry per suite × engine.
    pub runs: Vec<RunReport>,
}

/// One suite run with one engine.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunReport {
    /// The suite's name (`core-1.0`, `core-2.0`: see [`SUITES`]).
    pub suite: String,
    /// `interpreter` or `compiler`.
    pub engine: String,
    /// `ran`, or `not built` when this zerowasm has no such engine (nothing ran).
    pub status: String,
    /// Assertions passed.
    pub passed: usize,
    /// Assertions and directives failed (known failures included).
    pub failed: usize,
    /// Of the failures, how many are in the known-failures list.
    pub known_failures: usize,
    /// Assertions skipped.
    pub skipped: usize,
    /// Per file.
    pub files: Vec<FileReport>,
}

/// One file of a run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileReport {
    /// Path relative to the suite directory.
    pub file: String,
    /// Assertions passed.
    pub passed: usize,
    /// Assertions and directives failed.
    pub failed: usize,
    /// Of the failures, how many are listed as known.
    pub known_failures: usize,
    /// Assertions skipped.
    pub skipped: usize,
    /// Each skip with its reason.
    pub skips: Vec<Skip>,
}

impl RunReport {
    /// The report of a suite run: `results` per file (`None` for an engine not built).
    pub fn new(
        suite: Suite,
        engine: Engine,
        results: Option<&[(WastFile, FileResult)]>,
        known: &KnownFailures,
    ) -> Self {
        let mut r = RunReport {
            suite: suite.name().into(),
            engine: engine.name().into(),
            status: if results.is_some() {
                "ran"
            } else {
                "not built"
            }
            .into(),
            passed: 0,
            failed: 0,
            known_failures: 0,
            skipped: 0,
            files: Vec::new(),
        };
        for (file, res) in results.unwrap_or(&[]) {
            let known_n = res
                .failures
                .iter()
                .filter(|f| known.contains(&file.id(), f.line, engine))
                .count();
            r.passed += res.passed;
            r.failed += res.failures.len();
            r.known_failures += known_n;
            r.skipped += res.skips.len();
            r.files.push(FileReport {
                file: file.rel.clone(),
                passed: res.passed,
                failed: res.failures.len(),
                known_failures: known_n,
                skipped: res.skips.len(),
                skips: res.skips.clone(),
            });
        }
        r
    }

    fn complete(&self) -> bool {
        self.status == "ran" && self.failed == 0 && self.skipped == 0
    }
}

/// `<reports root>/<os>-<arch>`; the root defaults to the workspace's `reports/`.
pub fn report_dir(root: Option<&Path>) -> PathBuf {
    let root = root
        .map(Path::to_path_buf)
        .unwrap_or_else(|| super::workspace_root().join("reports"));
    root.join(format!(
        "{}-{}",
        std::env::consts::OS,
        std::env::consts::ARCH
    ))
}

/// Merges `runs` into the report in `dir` (replacing the same suite × engine, keeping the
/// others) and writes `spectest.json` and `spectest.md` there.
pub fn write(dir: &Path, runs: Vec<RunReport>) -> Result<(PathBuf, PathBuf), String> {
    let json_path = dir.join("spectest.json");
    let mut report: Report = match std::fs::read_to_string(&json_path) {
        Ok(t) => serde_json::from_str(&t).unwrap_or_default(),
        Err(_) => Report::default(),
    };
    report.os = std::env::consts::OS.into();
    report.arch = std::env::consts::ARCH.into();
    report.zerowasm_version = env!("CARGO_PKG_VERSION").into();
    for run in runs {
        report
            .runs
            .retain(|r| !(r.suite == run.suite && r.engine == run.engine));
        report.runs.push(run);
    }
    let order = |r: &RunReport| {
        (
            Suite::from_name(&r.suite)
                .map(Suite::index)
                .unwrap_or(usize::MAX),
            Engine::from_name(&r.engine)
                .map(|e| e as usize)
                .unwrap_or(usize::MAX),
        )
    };
    report.runs.sort_by_key(order);
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let json = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n";
    std::fs::write(&json_path, json).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let md_path = dir.join("spectest.md");
    std::fs::write(&md_path, markdown(&report))
        .map_err(|e| format!("{}: {e}", md_path.display()))?;
    Ok((json_path, md_path))
}

fn cell(r: Option<&RunReport>) -> String {
    match r {
        None => "not run".into(),
        Some(r) if r.status != "ran" => r.status.clone(),
        Some(r) if r.complete() => format!("✅ {}/{}", r.passed, r.passed),
        Some(r) => {
            let total = r.passed + r.failed + r.skipped;
            let mut s = format!("❌ {}/{}", r.passed, total);
            let mut notes = Vec::new();
            if r.failed > 0 {
                notes.push(format!(
                    "{} failed, {} of them known",
                    r.failed, r.known_failures
                ));
            }
            if r.skipped > 0 {
                notes.push(format!("{} skipped", r.skipped));
            }
            s.push_str(&format!(" ({})", notes.join(", ")));
            s
        }
    }
}

/// The Markdown report.
pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# zerowasm spec test conformance — {}-{}\n\n",
        report.os, report.arch
    ));
    let sources: Vec<String> = SUITES.iter().map(|s| format!("{} = {}", s.name, s.source)).collect();
    s.push_str(&format!(
        "zerowasm {}; official WebAssembly spec tests ({}), run through the public API by \
         `zerowasm-harness spectest`. Counts are assertions (`assert_*` directives; a failing \
         `module`/`register`/`invoke` directive counts as a failure too). ✅ = every assertion \
         passed, none skipped.\n\n",
        report.zerowasm_version,
        sources.join(", ")
    ));
    let run = |suite: &str, engine: Engine| report.runs.iter().find(|r| r.suite == suite && r.engine == engine.name());
    // The core specifications: a column each.
    let core: Vec<_> = SUITES.iter().filter(|s| !s.name.starts_with("proposals/")).collect();
    s.push_str("| engine |");
    for suite in &core {
        s.push_str(&format!(" {} |", suite.name));
    }
    s.push_str("\n|---|");
    for _ in &core {
        s.push_str("---|");
    }
    s.push('\n');
    for engine in Engine::ALL {
        s.push_str(&format!("| {} |", engine.name()));
        for suite in &core {
            s.push_str(&format!(" {} |", cell(run(suite.name, engine))));
        }
        s.push('\n');
    }
    // Proposals outside the core specifications: a row each.
    let proposals: Vec<_> = SUITES.iter().filter(|s| s.name.starts_with("proposals/")).collect();
    if !proposals.is_empty() {
        s.push_str("\n### Proposals\n\n| proposal |");
        for engine in Engine::ALL {
            s.push_str(&format!(" {} |", engine.name()));
        }
        s.push_str("\n|---|");
        for _ in Engine::ALL {
            s.push_str("---|");
        }
        s.push('\n');
        for suite in &proposals {
            s.push_str(&format!("| {} |", suite.name.trim_start_matches("proposals/")));
            for engine in Engine::ALL {
                s.push_str(&format!(" {} |", cell(run(suite.name, engine))));
            }
            s.push('\n');
        }
    }
    for r in &report.runs {
        s.push_str(&format!("\n## {} × {}\n\n", r.suite, r.engine));
        if r.status != "ran" {
            s.push_str(&format!(
                "The {} engine is {} in this zerowasm: nothing ran.\n",
                r.engine, r.status
            ));
            continue;
        }
        s.push_str(&format!(
            "{} passed, {} failed ({} of them known, listed in `testsuite/known-failures.txt`), {} skipped.\n\n",
            r.passed, r.failed, r.known_failures, r.skipped
        ));
        s.push_str("| file | passed | failed | skipped | |\n|---|---:|---:|---:|---|\n");
        for f in &r.files {
            let mark = if f.failed == 0 && f.skipped == 0 {
                "✅"
            } else {
                "❌"
            };
            s.push_str(&format!(
                "| {} | {} | {} | {} | {mark} |\n",
                f.file, f.passed, f.failed, f.skipped
            ));
        }
        let skips: Vec<_> = r
            .files
            .iter()
            .flat_map(|f| f.skips.iter().map(move |k| (f, k)))
            .collect();
        if !skips.is_empty() {
            s.push_str("\nSkipped:\n\n");
            for (f, k) in skips {
                s.push_str(&format!("- {}:{} — {}\n", f.file, k.line, k.reason));
            }
        }
    }
    s
}
