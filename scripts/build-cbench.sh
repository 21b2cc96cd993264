#!/usr/bin/env bash
# Builds the C benchmark programs of bench/c/ (see bench/c/README.md) and checks them:
#
#   1. installs what it needs when missing (Debian/Ubuntu: clang lld wasi-libc
#      libclang-rt-dev-wasm32, with apt-get, as root);
#   2. builds each bench/c/<name>.c twice with clang -O2: for wasm32-wasi (bench/c/<name>.wasm)
#      and natively (a temporary binary);
#   3. runs the native build and records its stdout as bench/c/<name>.stdout.expected (the
#      benchmark's workload: no argument) and bench/c/<name>.small.stdout.expected (argument
#      `small`: the short workload the tests run);
#   4. runs the wasm build with the project's own CLI (`zerowasm run`, built here with
#      cargo --release) on the Interpreter and on the Compiler, both workloads, and fails if
#      any output differs from the native one.
#
# The .wasm files and expected outputs are committed, so `make bench` and `make test` need no
# clang. `--check` skips steps 1-3: it only re-runs the committed .wasm files against the
# committed expected outputs (step 4). Usage:
#   scripts/build-cbench.sh [--check] [NAME...]      (default: every bench/c/*.c)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/bench/c"
check_only=0
if [ "${1:-}" = "--check" ]; then
    check_only=1
    shift
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for c in "$dir"/*.c; do names+=("$(basename "$c" .c)"); done
fi

CC="${CC:-clang}"
# -ffp-contract=off: no fused multiply-add on either side (native clang fuses by default on
# hosts with FMA, such as aarch64, which would change the floating-point results).
CFLAGS=(-O2 -ffp-contract=off -Wall -Wextra -Werror)

if [ $check_only = 0 ]; then
    probe="$(mktemp -d)"
    trap 'rm -rf "$probe"' EXIT
    printf 'int main(void){return 0;}\n' > "$probe/p.c"
    if ! "$CC" --target=wasm32-wasi -O2 -o "$probe/p.wasm" "$probe/p.c" 2>/dev/null; then
        if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
            echo "build-cbench: installing clang, lld, wasi-libc and the wasm32 compiler runtime (apt-get)"
            apt-get install -y clang lld wasi-libc libclang-rt-dev-wasm32 >/dev/null
        fi
        "$CC" --target=wasm32-wasi -O2 -o "$probe/p.wasm" "$probe/p.c" || {
            echo "build-cbench: $CC cannot build for wasm32-wasi; install clang, lld, wasi-libc and libclang-rt-dev-wasm32" >&2
            exit 1
        }
    fi
fi

echo "build-cbench: building the zerowasm CLI (cargo build --release --workspace, as make bench does)"
(cd "$root" && cargo build --release --quiet --workspace)
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
zerowasm="$target/release/zerowasm"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" ${probe:+"$probe"}' EXIT
status=0
for name in "${names[@]}"; do
    src="$dir/$name.c"
    wasm="$dir/$name.wasm"
    expected="$dir/$name.stdout.expected"
    if [ $check_only = 0 ]; then
        # --strip-all drops the name section: pywasm3 finds functions by name, debug names
        # included, and would run wasi-libc's inner `_start` (which skips the stdio flush at
        # exit) instead of the exported one.
        "$CC" --target=wasm32-wasi "${CFLAGS[@]}" -Wl,--strip-all -o "$wasm" "$src"
        chmod 644 "$wasm"
        "$CC" "${CFLAGS[@]}" -o "$tmp/$name" "$src" -lm
        start=$EPOCHREALTIME
        "$tmp/$name" > "$expected"
        native=$(awk "BEGIN { print $EPOCHREALTIME - $start }")
        "$tmp/$name" small > "$dir/$name.small.stdout.expected"
        printf 'build-cbench: %-10s %7d bytes of wasm, native run %.3f s\n' "$name" "$(stat -c %s "$wasm")" "$native"
    fi
    for engine in interpreter compiler; do
        for workload in full small; do
            if [ $workload = full ]; then
                want="$expected"
                args=()
            else
                want="$dir/$name.small.stdout.expected"
                args=(small)
            fi
            got="$tmp/$name.$engine.$workload.out"
            start=$EPOCHREALTIME
            if ! "$zerowasm" run "--$engine" "$wasm" "${args[@]}" > "$got"; then
                echo "build-cbench: $name: zerowasm run --$engine ($workload workload) failed" >&2
                status=1
                continue
            fi
            secs=$(awk "BEGIN { print $EPOCHREALTIME - $start }")
            if cmp -s "$got" "$want"; then
                printf 'build-cbench: %-10s %-11s %-5s output matches the native build (%.3f s)\n' "$name" "$engine" "$workload" "$secs"
            else
                echo "build-cbench: $name: the $engine's output ($workload workload) differs from the native build's:" >&2
                diff "$want" "$got" | head -20 >&2 || true
                status=1
            fi
        done
    done
done

if [ $check_only = 0 ]; then
    {
        "$CC" --version | head -1
        dpkg-query -W -f='wasi-libc ${Version}\n' wasi-libc 2>/dev/null || echo "wasi-libc: version unknown (not a Debian package)"
        echo "flags: ${CFLAGS[*]} (wasm: --target=wasm32-wasi -Wl,--strip-all; native: -lm)"
    } > "$dir/BUILT-WITH"
fi
exit $status
