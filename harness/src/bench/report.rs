//! The benchmark report: `reports/<os>-<arch>/bench.json` (for comparing runs) and `bench.md`
//! (for people). Every figure is a median with its spread; every zerowasm figure is compared
//! with every peer measured in the same run; peers that could not run are listed as missing or
//! failed, never as slower.

use super::stats::{self, Metric, Summary};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The whole report.
#[derive(Serialize, Deserialize, Default, Debug)]
pub struct Report {
    /// `std::env::consts::OS`.
    pub os: String,
    /// `std::env::consts::ARCH`.
    pub arch: String,
    /// The CPU's model name, from /proc/cpuinfo ([`super::cpu_model`]).
    #[serde(default)]
    pub cpu: String,
    /// zerowasm's version.
    pub zerowasm_version: String,
    /// When the run started, seconds since the Unix epoch.
    pub started_unix: u64,
    /// How the run was made: clock used for execution, rounds, machine load.
    pub conditions: Vec<String>,
    /// Each peer runtime: how it ran, or why it did not.
    pub peers: Vec<Peer>,
    /// Every figure that was measured.
    pub results: Vec<Row>,
    /// Every (benchmark, runtime) that was asked for and has no figure, with why.
    pub unavailable: Vec<Unavailable>,
    /// zerowasm against each peer, per benchmark.
    pub ratios: Vec<Ratio>,
    /// Geometric means of the ratios of each group in [`GEOMEAN_GROUPS`] (sightglass
    /// execution, programs), per pair of a zerowasm engine and a peer.
    pub geomeans: Vec<Geomean>,
    /// The targets, with how far each is from being met.
    pub targets: Vec<Target>,
}

/// A peer runtime.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub struct Peer {
    /// `wasmi`, `wasmtime`, `wasm3`, `rust-native`, ...
    pub runtime: String,
    /// `ok` or `missing`.
    pub status: String,
    /// Version and how it is driven, or why it is missing.
    pub detail: String,
}

/// One measured figure.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Row {
    /// `coremark`, `execution`, `startup`, `micro`, `concurrency`, `cli`.
    pub group: String,
    /// e.g. `coremark`, `sightglass/bz2`, `compile/spidermonkey`.
    pub benchmark: String,
    /// e.g. `zerowasm-interpreter`, `wasmi`.
    pub runtime: String,
    /// The unit.
    pub metric: Metric,
    /// Median of `runs` samples.
    pub median: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Number of samples.
    pub runs: usize,
}

/// A (benchmark, runtime) without a figure.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Unavailable {
    /// As [`Row::group`].
    pub group: String,
    /// As [`Row::benchmark`].
    pub benchmark: String,
    /// As [`Row::runtime`].
    pub runtime: String,
    /// `missing` (the runtime is not installed), `failed` (it ran and went wrong),
    /// `not available yet` (a zerowasm feature that does not exist yet) or `not comparable`
    /// (the peer can only be driven in a way that would measure something else).
    pub status: String,
    /// Why.
    pub reason: String,
}

/// zerowasm against one peer on one benchmark.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Ratio {
    /// As [`Row::benchmark`].
    pub benchmark: String,
    /// As [`Row::metric`].
    pub metric: Metric,
    /// The zerowasm engine.
    pub runtime: String,
    /// The peer.
    pub peer: String,
    /// How many times faster zerowasm is (> 1: faster), whichever way the metric points.
    pub speedup: f64,
}

/// The geometric mean of a group's speedups against one peer.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Geomean {
    /// As [`Row::group`].
    pub group: String,
    /// The zerowasm engine.
    pub runtime: String,
    /// The peer.
    pub peer: String,
    /// Geometric mean of the per-benchmark speedups (> 1: zerowasm faster).
    pub speedup: f64,
    /// Over how many benchmarks (those both ran).
    pub benchmarks: usize,
    /// The group's other benchmarks, which one of the two did not run, each with why
    /// (`name: reason`). Nothing of the group is left out silently.
    #[serde(default)]
    pub left_out: Vec<String>,
}

/// The groups whose ratios get geometric means: the sightglass modules and the programs.
pub const GEOMEAN_GROUPS: [&str; 2] = ["execution", "programs"];

/// A target from the issue.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Target {
    /// What is compared, e.g. `Interpreter CoreMark vs wasmi`.
    pub name: String,
    /// The goal as the issue states it, e.g. `>= 1.0x`.
    pub goal: String,
    /// The figure in the goal's own terms (a speedup, a time ratio, ns, ms), if measured.
    pub value: Option<f64>,
    /// Whether it is met; `None` when it could not be measured.
    pub met: Option<bool>,
    /// By how much it is missed or beaten, or why it is not measured.
    pub detail: String,
}

impl Report {
    /// An empty report for this host.
    pub fn new() -> Report {
        Report {
            os: std::env::consts::OS.into(),
            arch: std::env::consts::ARCH.into(),
            zerowasm_version: env!("CARGO_PKG_VERSION").into(),
            started_unix: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            ..Report::default()
        }
    }

    /// Records a figure from `samples`; a set without a usable median is recorded as failed.
    pub fn add(&mut self, group: &str, benchmark: &str, runtime: &str, metric: Metric, samples: &[f64]) {
        match stats::summarize(samples) {
            Some(Summary { median, min, max, runs }) => self.results.push(Row {
                group: group.into(),
                benchmark: benchmark.into(),
                runtime: runtime.into(),
                metric,
                median,
                min,
                max,
                runs,
            }),
            None => self.unavailable(group, benchmark, runtime, "failed", "no valid sample"),
        }
    }

    /// Records that `runtime` has no figure for `benchmark`, and why.
    pub fn unavailable(&mut self, group: &str, benchmark: &str, runtime: &str, status: &str, reason: &str) {
        self.unavailable.push(Unavailable {
            group: group.into(),
            benchmark: benchmark.into(),
            runtime: runtime.into(),
            status: status.into(),
            reason: reason.into(),
        });
    }

    /// The figure of (`benchmark`, `runtime`, `metric`), if measured.
    pub fn figure(&self, benchmark: &str, runtime: &str, metric: Metric) -> Option<&Row> {
        self.results.iter().find(|r| r.benchmark == benchmark && r.runtime == runtime && r.metric == metric)
    }

    /// Fills [`Report::ratios`] and [`Report::geomeans`] from the results: every zerowasm
    /// figure against every peer figure of the same benchmark and metric. The geomeans are
    /// per group of [`GEOMEAN_GROUPS`] and pair of runtimes, on the benchmarks both ran; the
    /// group's other benchmarks are listed in [`Geomean::left_out`] with why.
    pub fn compute_ratios(&mut self) {
        self.ratios.clear();
        for ours in self.results.iter().filter(|r| is_zerowasm(&r.runtime)) {
            for peer in self.results.iter().filter(|r| !is_zerowasm(&r.runtime)) {
                if peer.benchmark == ours.benchmark && peer.metric == ours.metric {
                    if let Some(s) = stats::speedup(ours.metric, ours.median, peer.median) {
                        self.ratios.push(Ratio {
                            benchmark: ours.benchmark.clone(),
                            metric: ours.metric,
                            runtime: ours.runtime.clone(),
                            peer: peer.runtime.clone(),
                            speedup: s,
                        });
                    }
                }
            }
        }
        self.geomeans.clear();
        for group in GEOMEAN_GROUPS {
            let mut pairs: Vec<(String, String)> = Vec::new();
            for r in &self.ratios {
                let p = (r.runtime.clone(), r.peer.clone());
                if self.group_of(&r.benchmark) == Some(group) && !pairs.contains(&p) {
                    pairs.push(p);
                }
            }
            let mut names: Vec<&str> = self.results.iter().filter(|r| r.group == group).map(|r| r.benchmark.as_str()).collect();
            names.extend(self.unavailable.iter().filter(|u| u.group == group).map(|u| u.benchmark.as_str()));
            names.sort();
            names.dedup();
            for (runtime, peer) in pairs {
                let ratio = |b: &str| self.ratios.iter().find(|r| r.runtime == runtime && r.peer == peer && r.benchmark == b).map(|r| r.speedup);
                let xs: Vec<f64> = names.iter().filter_map(|b| ratio(b)).collect();
                let left_out = names
                    .iter()
                    .filter(|b| ratio(b).is_none())
                    .map(|b| format!("{b}: {}", self.why_missing(b, &[runtime.as_str(), peer.as_str()])))
                    .collect();
                if let Some(g) = stats::geomean(&xs) {
                    self.geomeans.push(Geomean { group: group.into(), runtime, peer, speedup: g, benchmarks: xs.len(), left_out });
                }
            }
        }
    }

    fn group_of(&self, benchmark: &str) -> Option<&str> {
        self.results.iter().find(|r| r.benchmark == benchmark).map(|r| r.group.as_str())
    }

    fn ratio(&self, benchmark: &str, metric: Metric, runtime: &str, peer: &str) -> Option<f64> {
        self.ratios
            .iter()
            .find(|r| r.benchmark == benchmark && r.metric == metric && r.runtime == runtime && r.peer == peer)
            .map(|r| r.speedup)
    }

    fn why_missing(&self, benchmark: &str, runtimes: &[&str]) -> String {
        let mut why: Vec<String> = Vec::new();
        for rt in runtimes {
            if let Some(u) = self.unavailable.iter().find(|u| u.benchmark == benchmark && &u.runtime == rt) {
                why.push(format!("{rt} {}: {}", u.status, u.reason));
            } else if !self.results.iter().any(|r| r.benchmark == benchmark && &r.runtime == rt) {
                why.push(format!("{rt} not run"));
            }
        }
        if why.is_empty() {
            "no figure".into()
        } else {
            why.join("; ")
        }
    }

    /// Fills [`Report::targets`]: the targets, each met or missed by how much.
    pub fn compute_targets(&mut self) {
        let mut t = Vec::new();
        // Speedup targets: zerowasm / peer >= goal. A benchmark that names a group of
        // `GEOMEAN_GROUPS` is that group's geomean. The Interpreter's against wasmi are issue 16's:
        // 1.3x on CoreMark, on the sightglass modules and on the programs, none of those below
        // 0.9x (below), and translation no slower against wasmi than before its redesign
        // (0.175x on spidermonkey.wasm at 2d27e90).
        let speed: [(&str, &str, Metric, &str, &str, f64); 7] = [
            ("Interpreter CoreMark vs wasmi", "coremark", Metric::Score, "zerowasm-interpreter", "wasmi", 1.3),
            ("Interpreter CoreMark vs wasm3", "coremark", Metric::Score, "zerowasm-interpreter", "wasm3", 1.0),
            ("Compiler CoreMark vs wasmtime", "coremark", Metric::Score, "zerowasm-compiler", "wasmtime", 0.9),
            (
                "Compiler compile throughput on spidermonkey.wasm vs wasmtime (parallel compilation on)",
                "compile/spidermonkey",
                Metric::MBps,
                "zerowasm-compiler",
                "wasmtime",
                0.8,
            ),
            ("Interpreter sightglass geomean vs wasmi", "execution", Metric::Seconds, "zerowasm-interpreter", "wasmi", 1.3),
            ("Interpreter programs geomean (bench/c and the corpus) vs wasmi", "programs", Metric::Seconds, "zerowasm-interpreter", "wasmi", 1.3),
            (
                "Interpreter compile throughput on spidermonkey.wasm vs wasmi (no worse than before issue 16: 0.175x)",
                "compile/spidermonkey",
                Metric::MBps,
                "zerowasm-interpreter",
                "wasmi",
                0.175,
            ),
        ];
        for (name, bench, metric, ours, peer, goal) in speed {
            let geomean = GEOMEAN_GROUPS.contains(&bench);
            let value = if geomean {
                self.geomeans.iter().find(|g| g.group == bench && g.runtime == ours && g.peer == peer).map(|g| g.speedup)
            } else {
                self.ratio(bench, metric, ours, peer)
            };
            t.push(speedup_target(name, goal, value, || {
                if geomean {
                    format!("no benchmark of group {bench} ran on both {ours} and {peer}")
                } else {
                    self.why_missing(bench, &[ours, peer])
                }
            }));
        }
        // No program slower than 0.9x wasmi on the Interpreter: the slowest, named.
        let name = "Interpreter's slowest program vs wasmi (sightglass, bench/c, corpus)";
        let in_groups = |bench: &str| {
            self.results.iter().any(|r| r.benchmark == bench && GEOMEAN_GROUPS.contains(&r.group.as_str()))
        };
        let slowest = self
            .ratios
            .iter()
            .filter(|r| r.runtime == "zerowasm-interpreter" && r.peer == "wasmi" && in_groups(&r.benchmark))
            .min_by(|a, b| a.speedup.total_cmp(&b.speedup));
        let mut target = speedup_target(name, 0.9, slowest.map(|r| r.speedup), || "no program ran on both zerowasm-interpreter and wasmi".into());
        if let Some(r) = slowest {
            target.detail = format!("{}: {}", r.benchmark, target.detail);
        }
        t.push(target);
        // Sightglass geomean on the Compiler: time ratio (ours / wasmtime) <= 1.15.
        let name = "Compiler sightglass geomean time vs wasmtime";
        t.push(match self.geomeans.iter().find(|g| g.group == "execution" && g.runtime == "zerowasm-compiler" && g.peer == "wasmtime") {
            Some(g) => {
                let v = 1.0 / g.speedup;
                Target {
                    name: name.into(),
                    goal: "<= 1.15x wasmtime's time".into(),
                    value: Some(v),
                    met: Some(v <= 1.15),
                    detail: if v <= 1.15 {
                        format!("{v:.2}x wasmtime's time over {} modules: met", g.benchmarks)
                    } else {
                        format!("{v:.2}x wasmtime's time over {} modules: missed, needs {:.0}% less time", g.benchmarks, (1.0 - 1.15 / v) * 100.0)
                    },
                }
            }
            None => Target {
                name: name.into(),
                goal: "<= 1.15x wasmtime's time".into(),
                value: None,
                met: None,
                detail: "not measured: no sightglass module ran on both zerowasm-compiler and wasmtime".into(),
            },
        });
        // Absolute targets.
        let abs: [(&str, &str, &str, Metric, f64, &str, f64); 3] = [
            ("Compiler host call overhead (wasm -> Rust closure -> wasm)", "call/wasm->host", "zerowasm-compiler", Metric::Nanos, 50.0, "ns", 1.0),
            ("`zerowasm run` of a C hello-world, start to exit (Interpreter)", "cli/hello-c", "zerowasm-interpreter", Metric::Seconds, 10.0, "ms", 1e3),
            ("`zerowasm run` of a C hello-world, start to exit (Compiler, compilation cached: `--cache-dir`)", "cli/hello-c-cached", "zerowasm-compiler", Metric::Seconds, 10.0, "ms", 1e3),
        ];
        for (name, bench, rt, metric, goal, unit, scale) in abs {
            t.push(match self.figure(bench, rt, metric) {
                Some(r) => {
                    let v = r.median * scale;
                    Target {
                        name: name.into(),
                        goal: format!("<= {goal} {unit}"),
                        value: Some(v),
                        met: Some(v <= goal),
                        detail: if v <= goal {
                            format!("{v:.1} {unit}: met")
                        } else {
                            format!("{v:.1} {unit}: missed by {:.1} {unit} ({:.0}% over)", v - goal, (v / goal - 1.0) * 100.0)
                        },
                    }
                }
                None => Target {
                    name: name.into(),
                    goal: format!("<= {goal} {unit}"),
                    value: None,
                    met: None,
                    detail: format!("not measured: {}", self.why_missing(bench, &[rt])),
                },
            });
        }
        // Scaling targets: one zerowasm engine's calls/s in one configuration against another
        // (the concurrency group): a Runtime shared by 2 threads should scale like separate ones.
        let shared = "concurrency/one-runtime-2-threads";
        let scaling: [(&str, &str, &str, f64); 4] = [
            ("Interpreter calls/s: one Runtime on 2 threads vs a Runtime per thread", "concurrency/runtime-per-thread-2-threads", "zerowasm-interpreter", 0.9),
            ("Interpreter calls/s: one Runtime on 2 threads vs on 1 thread", "concurrency/one-runtime-1-thread", "zerowasm-interpreter", 1.5),
            ("Compiler calls/s: one Runtime on 2 threads vs a Runtime per thread", "concurrency/runtime-per-thread-2-threads", "zerowasm-compiler", 0.9),
            ("Compiler calls/s: one Runtime on 2 threads vs on 1 thread", "concurrency/one-runtime-1-thread", "zerowasm-compiler", 1.5),
        ];
        for (name, base, rt, goal) in scaling {
            let value = match (self.figure(shared, rt, Metric::CallsPerSec), self.figure(base, rt, Metric::CallsPerSec)) {
                (Some(a), Some(b)) => stats::speedup(Metric::CallsPerSec, a.median, b.median),
                _ => None,
            };
            t.push(speedup_target(name, goal, value, || {
                let mut why = Vec::new();
                for bench in [shared, base] {
                    if self.figure(bench, rt, Metric::CallsPerSec).is_none() {
                        why.push(format!("{bench}: {}", self.why_missing(bench, &[rt])));
                    }
                }
                why.join("; ")
            }));
        }
        self.targets = t;
    }
}

/// A target that a ratio (> 1: faster) is at least `goal`, with how far it is from that, or
/// why it was not measured (`why_missing`, asked only then).
fn speedup_target(name: &str, goal: f64, value: Option<f64>, why_missing: impl FnOnce() -> String) -> Target {
    match value {
        Some(v) => Target {
            name: name.into(),
            goal: format!(">= {goal}x"),
            value: Some(v),
            met: Some(v >= goal),
            detail: if v >= goal {
                format!("{v:.2}x: met with {:.0}% to spare", (v / goal - 1.0) * 100.0)
            } else {
                format!("{v:.2}x: missed, needs {:.0}% more speed", (goal / v - 1.0) * 100.0)
            },
        },
        None => Target {
            name: name.into(),
            goal: format!(">= {goal}x"),
            value: None,
            met: None,
            detail: format!("not measured: {}", why_missing()),
        },
    }
}

/// `new` (a partial run, `--only`) merged into `old`: the benchmarks `new` measured (all their
/// runtimes) replace theirs in `old`; ratios and targets are recomputed. Each benchmark's
/// figures still come from one run.
pub fn merge(mut old: Report, new: Report) -> Report {
    let mut touched: Vec<&str> = new.results.iter().map(|r| r.benchmark.as_str()).collect();
    touched.extend(new.unavailable.iter().map(|u| u.benchmark.as_str()));
    old.results.retain(|r| !touched.contains(&r.benchmark.as_str()));
    old.unavailable.retain(|u| !touched.contains(&u.benchmark.as_str()));
    let mut names: Vec<&str> = touched.clone();
    names.sort();
    names.dedup();
    old.conditions.push(format!("Re-measured in a later run (started at Unix time {}): {}.", new.started_unix, names.join(", ")));
    for c in &new.conditions {
        old.conditions.push(format!("(later run) {c}"));
    }
    old.results.extend(new.results);
    old.unavailable.extend(new.unavailable);
    old.peers = new.peers;
    if old.cpu.is_empty() {
        old.cpu = new.cpu;
    } else if !new.cpu.is_empty() && new.cpu != old.cpu {
        old.conditions.push(format!("(later run) on another CPU: {}", new.cpu));
    }
    old.compute_ratios();
    old.compute_targets();
    old
}

/// Whether a runtime name is one of zerowasm's engines (the numerators of the ratios).
pub fn is_zerowasm(runtime: &str) -> bool {
    runtime.starts_with("zerowasm")
}

/// Writes `bench.json` and `bench.md` into `dir`.
pub fn write(dir: &Path, report: &Report) -> Result<(PathBuf, PathBuf), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let j = dir.join("bench.json");
    let m = dir.join("bench.md");
    let json = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    std::fs::write(&j, json + "\n").map_err(|e| format!("{}: {e}", j.display()))?;
    std::fs::write(&m, markdown(report)).map_err(|e| format!("{}: {e}", m.display()))?;
    Ok((j, m))
}

/// A figure with 3 significant digits.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 {
        "0".into()
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        let digits = (2 - a.log10().floor() as i32).clamp(0, 12) as usize;
        format!("{x:.digits$}")
    }
}

const GROUPS: [(&str, &str); 7] = [
    ("coremark", "CoreMark 1.0 (wasmi-benchmarks/coremark.wasm): score, higher is better"),
    ("execution", "Execution: sightglass modules, seconds between `bench.start` and `bench.end`, lower is better"),
    (
        "programs",
        "Programs: the C programs of bench/c (`c/`) and the corpus's long-running programs (`corpus/`), CPU seconds of `_start`, lower is better; every run's output checked",
    ),
    ("startup", "Startup: compile and instantiate (wasmi-benchmarks modules and the largest module found)"),
    ("micro", "Micro-benchmarks"),
    (
        "concurrency",
        "Concurrency: calls per second of a CPU-bound export (a few ms each) over all threads, wall time, higher is better",
    ),
    ("cli", "Command line: `zerowasm run` start to exit, wall time"),
];

/// The Markdown rendering.
pub fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# zerowasm benchmarks, {}-{}\n", r.os, r.arch);
    let _ = writeln!(s, "CPU: {} (model name from /proc/cpuinfo).\n", if r.cpu.is_empty() { "not recorded" } else { r.cpu.as_str() });
    let _ = writeln!(
        s,
        "Generated by `make bench` (`zerowasm-harness bench`; `--peers` adds the peer runtimes, installed by \
         `make bench-peers`). Every figure is the median of several runs, with the smallest and largest run; \
         runtimes are interleaved run by run. A ratio is how many times faster zerowasm is than the peer \
         (> 1: faster), measured in the same run. Machine-readable: `bench.json`.\n"
    );
    for c in &r.conditions {
        let _ = writeln!(s, "- {c}");
    }
    let _ = writeln!(s, "\n## Targets\n\n| target | goal | result | met |\n|---|---|---|---|");
    for t in &r.targets {
        let met = match t.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "not measured",
        };
        let _ = writeln!(s, "| {} | {} | {} | {met} |", t.name, t.goal, t.detail.replace('|', "\\|"));
    }
    if !r.geomeans.is_empty() {
        let _ = writeln!(
            s,
            "\n## Geometric means\n\nPer group (`execution`: the sightglass modules; `programs`: bench/c and the corpus's long-running programs), \
             over the benchmarks both runtimes ran; the others are named (why in full: the group's \"No figure\" table).\n\n\
             | group | zerowasm | peer | speedup (> 1: zerowasm faster) | time ratio | benchmarks | left out |\n|---|---|---|---|---|---|---|"
        );
        for g in &r.geomeans {
            // Which runtime could not run what; the reasons in full are under "No figure".
            let left: Vec<String> = g.left_out.iter().map(|x| x.lines().next().unwrap_or("").splitn(3, ": ").take(2).collect::<Vec<_>>().join(": ")).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2}x | {:.2}x | {} of {} | {} |",
                g.group,
                g.runtime,
                g.peer,
                g.speedup,
                1.0 / g.speedup,
                g.benchmarks,
                g.benchmarks + g.left_out.len(),
                if left.is_empty() { "none".into() } else { left.join("; ").replace('|', "\\|") }
            );
        }
    }
    let _ = writeln!(s, "\n## Peers\n\n| runtime | status | how |\n|---|---|---|");
    for p in &r.peers {
        let _ = writeln!(s, "| {} | {} | {} |", p.runtime, p.status, p.detail.replace('|', "\\|"));
    }
    for (group, title) in GROUPS {
        let rows: Vec<&Row> = r.results.iter().filter(|x| x.group == group).collect();
        let missing: Vec<&Unavailable> = r.unavailable.iter().filter(|x| x.group == group).collect();
        if rows.is_empty() && missing.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n## {title}\n\n| benchmark | runtime | metric | median | min | max | runs | vs peers |\n|---|---|---|---|---|---|---|---|");
        for x in &rows {
            let vs: Vec<String> = r
                .ratios
                .iter()
                .filter(|q| q.benchmark == x.benchmark && q.metric == x.metric && q.runtime == x.runtime)
                .map(|q| format!("{} {}x", q.peer, num(q.speedup)))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                x.benchmark,
                x.runtime,
                x.metric.unit(),
                num(x.median),
                num(x.min),
                num(x.max),
                x.runs,
                vs.join(", ")
            );
        }
        if !missing.is_empty() {
            let _ = writeln!(s, "\nNo figure:\n\n| benchmark | runtime | status | why |\n|---|---|---|---|");
            for u in missing {
                let reason: String = u.reason.lines().next().unwrap_or("").chars().take(200).collect();
                let _ = writeln!(s, "| {} | {} | {} | {} |", u.benchmark, u.runtime, u.status, reason.replace('|', "\\|"));
            }
        }
    }
    s
}
