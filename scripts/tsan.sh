#!/usr/bin/env bash
# Runs the runtime's concurrency tests under ThreadSanitizer (`make tsan`). Stable rustup
# toolchains have no sanitizers and no std source here, so this uses Debian's rustc-web (1.96,
# std source for -Zbuild-std) and LLVM 22's TSan runtime, installed by this script when missing
# (root on Debian 12). What was found and why each flag is here: RATIONALE.md, "Ownership".
#
#   scripts/tsan.sh                    the registry unit tests, then tests/api.rs (Interpreter)
#                                      and tests/api_compiler.rs (Compiler)
#   TSAN_TARGET_DIR=/path scripts/tsan.sh   where the instrumented build goes (default
#                                      target/tsan; the first build takes ~10 min on 2 cores)
#
# Exit status: cargo's, or 66 if TSan reported a race (even when every test passed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RT=/usr/lib/llvm-22/lib/clang/22/lib/linux
if [[ ! -x /usr/bin/rustc || ! -d /usr/lib/rustlib/src/rust || ! -f "$RT/libclang_rt.tsan-x86_64.a" ]]; then
    echo "tsan: installing rustc-web, rust-web-src and libclang-rt-22-dev (Debian packages)"
    apt-get update -qq
    apt-get install -y -qq --no-remove rustc-web cargo-web rust-web-src libclang-rt-22-dev
fi

export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${TSAN_TARGET_DIR:-target/tsan}"
# Debian's rustc has no Rust TSan runtime: LLVM's is linked first (-Zexternal-clangrt, whole
# archive) with its exported symbol lists. rustix_use_libc: rustix otherwise maps and unmaps
# memory with raw system calls TSan cannot see, and reports false races on reused addresses.
export RUSTFLAGS="-Zsanitizer=thread -Zexternal-clangrt \
 -Zpre-link-args=-Wl,--whole-archive -Zpre-link-args=$RT/libclang_rt.tsan-x86_64.a \
 -Zpre-link-args=$RT/libclang_rt.tsan_cxx-x86_64.a -Zpre-link-args=-Wl,--no-whole-archive \
 -C link-arg=-Wl,--dynamic-list=$RT/libclang_rt.tsan-x86_64.a.syms \
 -C link-arg=-Wl,--dynamic-list=$RT/libclang_rt.tsan_cxx-x86_64.a.syms \
 -C link-arg=-lstdc++ -C link-arg=-lm -C link-arg=-lpthread -C link-arg=-ldl -C link-arg=-lrt -C link-arg=-lc \
 --cfg rustix_use_libc"
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0 second_deadlock_stack=1 history_size=4}"

target=x86_64-unknown-linux-gnu
cargo test -j2 -Zbuild-std --target "$target" -p zerowasm --lib registry
cargo test -j2 -Zbuild-std --target "$target" -p zerowasm --test api --test api_compiler
