//! The benchmark runner's bookkeeping, without timing anything: the report's JSON shape,
//! ratios in the right direction, targets missed by how much, and peers that are not
//! installed reported as missing rather than slower.

use zerowasm_harness::bench::peer::Peers;
use zerowasm_harness::bench::report::{self, Report};
use zerowasm_harness::bench::stats::Metric;
use zerowasm_harness::bench::{measure, Bench, Contender};

fn bench(group: &'static str, name: &str, metric: Metric) -> Bench<'static> {
    Bench { group, rows: vec![(name.into(), metric)], rounds: 3, warmup: false, long_round: None }
}

#[test]
fn json_has_the_fields_others_compare() {
    let mut r = Report::new();
    let mut scores = [10.0, 30.0, 20.0].into_iter();
    measure(
        &mut r,
        &bench("coremark", "coremark", Metric::Score),
        vec![Contender::new("zerowasm-interpreter", move || Ok(vec![scores.next().unwrap()])), Contender::new("wasmi", || Ok(vec![10.0]))],
    );
    r.compute_ratios();
    r.compute_targets();
    let v: serde_json::Value = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(v["os"], std::env::consts::OS);
    assert_eq!(v["arch"], std::env::consts::ARCH);
    let row = v["results"].as_array().unwrap().iter().find(|x| x["runtime"] == "zerowasm-interpreter").unwrap();
    assert_eq!(row["benchmark"], "coremark");
    assert_eq!(row["metric"], "score");
    assert_eq!((row["median"].as_f64(), row["min"].as_f64(), row["max"].as_f64()), (Some(20.0), Some(10.0), Some(30.0)));
    let t = r.targets.iter().find(|t| t.name == "Interpreter CoreMark vs wasmi").unwrap();
    assert_eq!((t.value, t.met), (Some(2.0), Some(true)));
    let md = report::markdown(&r);
    assert!(md.contains("| coremark | zerowasm-interpreter | score | 20.0 | 10.0 | 30.0 | 3 | wasmi 2.00x |"), "{md}");
}

#[test]
fn ratios_follow_the_metric_and_geomean_covers_execution() {
    let mut r = Report::new();
    for (name, ours, peer) in [("sightglass/a", 2.0, 1.0), ("sightglass/b", 1.0, 2.0), ("sightglass/c", 1.0, 4.0)] {
        measure(
            &mut r,
            &bench("execution", name, Metric::Seconds),
            vec![Contender::new("zerowasm-compiler", move || Ok(vec![ours])), Contender::new("wasmtime", move || Ok(vec![peer]))],
        );
    }
    r.compute_ratios();
    let a = r.ratios.iter().find(|x| x.benchmark == "sightglass/a").unwrap();
    assert_eq!(a.speedup, 0.5, "twice the time is half the speed");
    let g = &r.geomeans[0];
    assert_eq!((g.runtime.as_str(), g.peer.as_str(), g.benchmarks), ("zerowasm-compiler", "wasmtime", 3));
    assert!((g.speedup - 2f64.powf(2.0 / 3.0)).abs() < 1e-9);
    r.compute_targets();
    let t = r.targets.iter().find(|t| t.name.starts_with("Compiler sightglass geomean")).unwrap();
    assert_eq!(t.met, Some(true));
}

#[test]
fn a_missed_target_says_by_how_much() {
    let mut r = Report::new();
    measure(&mut r, &bench("micro", "call/wasm->host", Metric::Nanos), vec![Contender::new("zerowasm-compiler", || Ok(vec![75.0]))]);
    r.compute_ratios();
    r.compute_targets();
    let t = r.targets.iter().find(|t| t.name.starts_with("Compiler host call")).unwrap();
    assert_eq!(t.met, Some(false));
    assert!(t.detail.contains("missed by 25.0 ns"), "{}", t.detail);
}

#[test]
fn a_missing_peer_is_reported_missing_not_slower() {
    let peers = Peers::start_with(std::path::Path::new("/nonexistent/python3"));
    let mut r = Report::new();
    let mut cs = vec![Contender::new("zerowasm-compiler", || Ok(vec![100.0]))];
    cs.extend(peers.contenders(|_| unreachable!("a missing peer is never asked to run")));
    measure(&mut r, &bench("coremark", "coremark", Metric::Score), cs);
    r.compute_ratios();
    r.compute_targets();
    for peer in ["wasmtime", "wasm3"] {
        let u = r.unavailable.iter().find(|u| u.runtime == peer).unwrap();
        assert_eq!(u.status, "missing");
        assert!(u.reason.contains("make bench-peers"), "{}", u.reason);
        assert!(r.results.iter().all(|x| x.runtime != peer));
        assert!(r.ratios.iter().all(|x| x.peer != peer));
    }
    assert!(peers.describe().iter().filter(|p| p.runtime != "wasmi").all(|p| p.status == "missing"));
    let t = r.targets.iter().find(|t| t.name == "Compiler CoreMark vs wasmtime").unwrap();
    assert_eq!(t.met, None);
    assert!(t.detail.contains("wasmtime missing"), "{}", t.detail);
}

#[test]
fn a_failing_runtime_is_reported_failed_and_stops() {
    let mut r = Report::new();
    let mut calls = 0;
    measure(
        &mut r,
        &bench("execution", "sightglass/x", Metric::Seconds),
        vec![Contender::new("wasmi", move || {
            calls += 1;
            assert_eq!(calls, 1, "no further turns after a failure");
            Err("stdout differs".into())
        })],
    );
    assert_eq!(r.unavailable[0].status, "failed");
    assert!(r.results.is_empty());
}

#[test]
fn a_partial_run_replaces_only_its_benchmarks() {
    let one = |bench_name: &str, ours: f64| {
        let mut r = Report::new();
        measure(
            &mut r,
            &bench("micro", bench_name, Metric::Nanos),
            vec![Contender::new("zerowasm-compiler", move || Ok(vec![ours])), Contender::new("wasmi", || Ok(vec![10.0]))],
        );
        r
    };
    let mut old = one("call/a", 20.0);
    old.results.extend(one("call/b", 5.0).results);
    let merged = report::merge(old, one("call/a", 5.0));
    let a: Vec<_> = merged.results.iter().filter(|r| r.benchmark == "call/a").collect();
    assert_eq!(a.len(), 2, "both runtimes of call/a, from the new run only");
    assert_eq!(merged.figure("call/a", "zerowasm-compiler", Metric::Nanos).unwrap().median, 5.0);
    assert_eq!(merged.figure("call/b", "zerowasm-compiler", Metric::Nanos).unwrap().median, 5.0);
    assert!(merged.ratios.iter().any(|r| r.benchmark == "call/a" && r.speedup == 2.0));
}

#[test]
fn concurrency_targets_compare_an_engine_with_itself() {
    let mut r = Report::new();
    let rows = ["concurrency/one-runtime-1-thread", "concurrency/one-runtime-2-threads", "concurrency/runtime-per-thread-2-threads"];
    measure(
        &mut r,
        &Bench { group: "concurrency", rows: rows.iter().map(|b| (b.to_string(), Metric::CallsPerSec)).collect(), rounds: 3, warmup: false, long_round: None },
        // One shared runtime as fast as one thread (calls take turns), a runtime per thread twice as fast.
        vec![Contender::new("zerowasm-interpreter", || Ok(vec![100.0, 100.0, 200.0]))],
    );
    r.compute_ratios();
    r.compute_targets();
    assert!(r.ratios.is_empty(), "no peer runs this group");
    let target = |name: &str| r.targets.iter().find(|t| t.name == name).unwrap().clone();
    let per_thread = target("Interpreter calls/s: one Runtime on 2 threads vs a Runtime per thread");
    assert_eq!((per_thread.goal.as_str(), per_thread.value, per_thread.met), (">= 0.9x", Some(0.5), Some(false)));
    let one_thread = target("Interpreter calls/s: one Runtime on 2 threads vs on 1 thread");
    assert_eq!((one_thread.goal.as_str(), one_thread.value, one_thread.met), (">= 1.5x", Some(1.0), Some(false)));
    assert!(one_thread.detail.contains("needs 50% more speed"), "{}", one_thread.detail);
    let compiler = target("Compiler calls/s: one Runtime on 2 threads vs on 1 thread");
    assert_eq!(compiler.met, None);
    assert!(compiler.detail.contains("zerowasm-compiler not run"), "{}", compiler.detail);
    let md = report::markdown(&r);
    assert!(md.contains("| concurrency/one-runtime-2-threads | zerowasm-interpreter | calls/s | 100 | 100 | 100 | 3 |  |"), "{md}");
}

#[test]
fn the_programs_geomean_names_what_it_leaves_out() {
    let mut r = Report::new();
    for (name, ours, peer) in [("c/a", 1.0, 2.0), ("c/b", 2.0, 2.0)] {
        measure(
            &mut r,
            &bench("programs", name, Metric::Seconds),
            vec![Contender::new("zerowasm-interpreter", move || Ok(vec![ours])), Contender::new("wasmi", move || Ok(vec![peer]))],
        );
    }
    measure(
        &mut r,
        &bench("programs", "corpus/x", Metric::Seconds),
        vec![
            Contender::unavailable("zerowasm-interpreter", "not available yet", "needs exception handling"),
            Contender::new("wasmi", || Ok(vec![1.0])),
        ],
    );
    r.compute_ratios();
    r.compute_targets();
    let g = r.geomeans.iter().find(|g| g.group == "programs" && g.runtime == "zerowasm-interpreter" && g.peer == "wasmi").unwrap();
    assert!((g.speedup - 2f64.sqrt()).abs() < 1e-9);
    assert_eq!(g.benchmarks, 2);
    assert_eq!(g.left_out, vec!["corpus/x: zerowasm-interpreter not available yet: needs exception handling".to_string()]);
    // The sightglass targets look at the execution group only.
    let t = r.targets.iter().find(|t| t.name == "Interpreter sightglass geomean vs wasmi").unwrap();
    assert_eq!(t.met, None);
    let md = report::markdown(&r);
    assert!(md.contains("| programs | zerowasm-interpreter | wasmi | 1.41x | 0.71x | 2 of 3 | corpus/x: zerowasm-interpreter not available yet"), "{md}");
}

#[test]
fn a_program_run_is_checked_not_just_timed() {
    use zerowasm_harness::bench::programs::Program;
    let p = Program {
        name: "c/x".into(),
        wasm: "x.wasm".into(),
        args: Vec::new(),
        mounts: Vec::new(),
        inputs: Vec::new(),
        stdout: b"checksum: 1\n".to_vec(),
        stderr_contains: vec!["0 errors".into()],
        outputs: Vec::new(),
        needs: None,
    };
    assert_eq!(p.check(0, b"checksum: 1\n", b"1 warning, 0 errors", None), Ok(()));
    let wrong = p.check(0, b"checksum: 2\n", b"0 errors", None).unwrap_err();
    assert!(wrong.contains("stdout differs") && wrong.contains("checksum: 2"), "{wrong}");
    assert!(p.check(3, b"checksum: 1\n", b"0 errors", None).unwrap_err().contains("exit code 3"));
    assert!(p.check(0, b"checksum: 1\n", b"", None).unwrap_err().contains("stderr"));
}

#[test]
fn the_report_names_the_cpu() {
    let mut r = Report::new();
    r.cpu = "Some CPU 9000".into();
    assert!(report::markdown(&r).contains("CPU: Some CPU 9000 (model name from /proc/cpuinfo)"));
    if std::path::Path::new("/proc/cpuinfo").is_file() {
        assert_ne!(zerowasm_harness::bench::cpu_model(), "");
    }
}

/// Issue 16's Interpreter targets: the programs' geomean against wasmi, and the slowest
/// program of the sightglass and programs groups named, missed below 0.9x.
#[test]
fn interpreter_targets_cover_the_programs_and_name_the_slowest() {
    let mut r = Report::new();
    for (group, name, ours, peer) in [("programs", "c/a", 1.0, 2.0), ("programs", "c/b", 1.0, 1.0), ("execution", "sightglass/s", 2.0, 1.5)] {
        measure(
            &mut r,
            &bench(group, name, Metric::Seconds),
            vec![Contender::new("zerowasm-interpreter", move || Ok(vec![ours])), Contender::new("wasmi", move || Ok(vec![peer]))],
        );
    }
    r.compute_ratios();
    r.compute_targets();
    let target = |prefix: &str| r.targets.iter().find(|t| t.name.starts_with(prefix)).unwrap().clone();
    let programs = target("Interpreter programs geomean");
    assert_eq!((programs.goal.as_str(), programs.met), (">= 1.3x", Some(true)));
    assert!((programs.value.unwrap() - 2f64.sqrt()).abs() < 1e-9);
    let slowest = target("Interpreter's slowest program");
    assert_eq!((slowest.value, slowest.met), (Some(0.75), Some(false)));
    assert!(slowest.detail.starts_with("sightglass/s: 0.75x: missed"), "{}", slowest.detail);
    assert_eq!(target("Interpreter sightglass geomean").met, Some(false));
}
