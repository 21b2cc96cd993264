# zerowasm: the two commands are `make spectest` (the main job: spec tests on every engine,
# writes reports/<os>-<arch>/) and `make test` (the whole test suite, what CI runs).
#
# Environment passed through to the harness and the tests when set:
#   ZEROWASM_TESTSUITE  folder holding core-1.0/ and core-2.0/ (default ../shared/testsuite,
#                       then testsuite/official from `make testsuite`)
#   ZEROWASM_BENCH      benchmark folder (default ../shared/bench)
#   ZEROWASM_WASI_TESTSUITE  WASI test programs (default ../shared/wasi-testsuite)
#   ZEROWASM_CORPUS     real guest programs (default ../shared/corpus/programs)
# Any may also be given on the command line: `make spectest ZEROWASM_TESTSUITE=/path`.

CARGO ?= cargo
HARNESS = $(CARGO) run --release -p zerowasm-harness --

ifdef ZEROWASM_TESTSUITE
export ZEROWASM_TESTSUITE
endif
ifdef ZEROWASM_BENCH
export ZEROWASM_BENCH
endif
ifdef ZEROWASM_WASI_TESTSUITE
export ZEROWASM_WASI_TESTSUITE
endif
ifdef ZEROWASM_CORPUS
export ZEROWASM_CORPUS
endif

.PHONY: spectest report test wasi bench bench-peers testsuite fuzz tsan profile

## spectest: release build, every suite on every engine, reports in reports/<os>-<arch>/
spectest:
	$(HARNESS) spectest --engine all --suite all

## report: regenerate the conformance reports (the same run as spectest)
report: spectest

## fuzz: differential fuzzing of the two engines for DURATION (default 60s; e.g. 10m, 8h) on
## JOBS threads (default: every CPU); adds the campaign to reports/<os>-<arch>/fuzz.{json,md};
## divergences go to corpus/regressions/ (replayed by `cargo test`). ORACLE=wasmi adds wasmi.
DURATION ?= 60s
fuzz:
	$(HARNESS) fuzz --duration $(DURATION) $(if $(JOBS),--jobs $(JOBS)) $(if $(SEED),--seed $(SEED)) $(if $(ORACLE),--oracle $(ORACLE)) --report reports

## test: the whole test suite, spec tests and examples included (see [profile.test] in
## Cargo.toml), then the spec tests and the dispatch-stack test again in release mode: only
## optimized builds use the Interpreter's tail-call dispatch (runtime/build.rs), and that is
## what users run. The API docs must build without warnings (every public item documented,
## every link resolved).
## Last, the proof that the fuzzer catches a deliberately broken i32.add (the harness's test-only
## feature `inject-bug`, which turns on the runtime's private `__test-inject-i32-add-bug`).
test:
	$(CARGO) test --workspace
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps -p zerowasm
	$(CARGO) test --release -p zerowasm --test dispatch_stack
	$(CARGO) test --release -p zerowasm-harness --test spectest
	$(CARGO) test -p zerowasm-harness --features inject-bug --test fuzz_catches_bug

## wasi: the WASI preview 1 test programs (API) and the corpus programs (CLI); writes
## reports/<os>-<arch>/wasi.{json,md}. `--workspace` builds the `zerowasm` binary (crate
## zerowasm-cli, cli/) next to the harness, where the harness looks for it.
wasi:
	$(CARGO) build --release --workspace
	$(HARNESS) wasi

## bench: benchmarks on zerowasm and the peer runtimes (wasmi in-process; wasmtime and wasm3
## from `make bench-peers`, reported as missing if not installed); writes
## reports/<os>-<arch>/bench.{json,md}. ONLY=name for one group or benchmark (no report then).
## `--workspace` builds the `zerowasm` binary too, for the cli group. Groups: coremark,
## execution (sightglass), programs (the C programs of bench/c, built and checked against their
## native build by scripts/build-cbench.sh and committed, so no clang is needed here, and the
## corpus's long-running programs; every run's output is checked, and each group's geomean
## names any program a runtime could not run), startup, micro, concurrency, cli.
bench:
	$(CARGO) build --release --workspace
	$(HARNESS) bench --peers $(if $(ONLY),--only $(ONLY))

## profile: the Interpreter's instruction and straight-line pair frequencies over the benchmark
## programs (CoreMark, the C programs of bench/c/, sightglass on its small workload), from a build that counts them
## (ZEROWASM_DISPATCH=profile, in its own target folder so the normal build is untouched);
## writes reports/<os>-<arch>/op-profile.md. ONLY=name for some programs.
PROFILE_REPORT = reports/$(shell uname -s | tr A-Z a-z)-$(shell uname -m)/op-profile.md
profile:
	ZEROWASM_DISPATCH=profile CARGO_TARGET_DIR=target/profile WASM_BENCH_USE_SMALL_WORKLOAD=1 \
		$(HARNESS) profile $(if $(ONLY),--only $(ONLY)) --out $(PROFILE_REPORT)

## bench-peers: installs the peer runtimes into .peers/ (scripts/bench-peers.sh)
bench-peers:
	scripts/bench-peers.sh

## testsuite: clone the pinned official spec test suites into testsuite/official/
testsuite:
	scripts/fetch-testsuite.sh

## tsan: the concurrency tests under ThreadSanitizer (scripts/tsan.sh; installs Debian's
## rustc-web and LLVM's TSan runtime when missing; the first build takes ~10 min)
tsan:
	scripts/tsan.sh
