#!/usr/bin/env bash
# Installs the peer runtimes `zerowasm-harness bench --peers` compares zerowasm with, into
# .peers/ (git-ignored), from the package registries:
#
#   .peers/venv/   a Python virtual environment with
#                    wasmtime  (PyPI; wasmtime's C API, prebuilt in the wheel)
#                    pywasm3   (PyPI; wasm3 built from its C source by pip, needs a C compiler)
#
# wasmi needs nothing: the harness runs the `wasmi` crate in-process. A `wasmtime` CLI, for
# the `zerowasm run` start-time comparison, is looked for on the PATH and in .peers/bin; build
# one with `WASMTIME_CLI=1 scripts/bench-peers.sh` (cargo install wasmtime-cli: about 17
# minutes of CPU). Re-running is cheap: pip skips what is installed. Usage:
#   scripts/bench-peers.sh        (or: make bench-peers)
set -euo pipefail

WASMTIME_PY_VERSION="${WASMTIME_PY_VERSION:-50.0.1}"
PYWASM3_VERSION="${PYWASM3_VERSION:-0.5.0}"
WASMTIME_CLI_VERSION="${WASMTIME_CLI_VERSION:-48.0.8}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="$root/.peers"
python="${PYTHON:-python3}"

mkdir -p "$peers"
if [ ! -x "$peers/venv/bin/python3" ]; then
    echo "bench-peers: creating $peers/venv"
    "$python" -m venv "$peers/venv"
fi
pip() { "$peers/venv/bin/python3" -m pip --disable-pip-version-check "$@"; }

status=0
echo "bench-peers: wasmtime $WASMTIME_PY_VERSION (PyPI wasmtime)"
pip install --quiet "wasmtime==$WASMTIME_PY_VERSION" || { echo "bench-peers: wasmtime failed to install" >&2; status=1; }
echo "bench-peers: wasm3 (PyPI pywasm3 $PYWASM3_VERSION)"
pip install --quiet "pywasm3==$PYWASM3_VERSION" || { echo "bench-peers: pywasm3 failed to install (it needs a C compiler)" >&2; status=1; }

if [ "${WASMTIME_CLI:-0}" = 1 ]; then
    echo "bench-peers: wasmtime CLI $WASMTIME_CLI_VERSION (cargo install wasmtime-cli; long)"
    cargo install --locked --root "$peers" --version "$WASMTIME_CLI_VERSION" wasmtime-cli || status=1
fi

# Check what answers, the way the harness asks.
for rt in wasmtime wasm3; do
    echo '{"task":"version"}' | "$peers/venv/bin/python3" "$root/scripts/bench_peer.py" "$rt" | sed "s/^/bench-peers: $rt: /"
done
exit $status
