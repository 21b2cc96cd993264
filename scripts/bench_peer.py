#!/usr/bin/env python3
"""Peer driver for `zerowasm-harness bench --peers`: runs benchmark modules on wasmtime (the
`wasmtime` package from PyPI, wasmtime's C API) or wasm3 (the `pywasm3` package), with the same
imports the harness gives zerowasm, and answers with timings.

Usage: bench_peer.py RUNTIME      (RUNTIME: wasmtime | wasm3)

Protocol: one JSON job per line on stdin, one JSON answer per line on stdout, in order.
Every answer has "ok"; failures carry "error", and "missing": true when the runtime's package
cannot be imported (the harness then reports the peer as missing, never as slower).

  {"task": "version"}                                   -> {"ok", "version"}
  {"task": "coremark", "wasm": PATH}                    -> {"ok", "value": score}
  {"task": "sightglass", "wasm": PATH, "dir": DIR,
   "stdout": PATH, "stderr": PATH}                      -> {"ok", "value": seconds between
                                                            bench.start and bench.end, "exit"}
  {"task": "startup", "wasm": PATH}                     -> {"ok", "compile": s, "instantiate": s,
                                                            "cache_hit": s (wasmtime only)}
  {"task": "bulk", "wasm": PATH, "export": NAME}        -> {"ok", "value": seconds of one call
                                                            NAME(1)}

Compiled modules are kept per path, so repeated samples measure execution only. Execution is
timed in process CPU time, compilation in wall time (see below); the Python binding's own
overhead is not subtracted, so only jobs whose timed work is long (milliseconds) are sent here.
"""

import json
import os
import sys
import time


# Execution is timed in CPU time of this process (time.process_time), as the harness times
# zerowasm and wasmi, so that load from other processes does not count; compilation in wall
# time (time.perf_counter), since wasmtime compiles on several threads.


def clock_ms_factory():
    t0 = time.process_time()
    return lambda: int((time.process_time() - t0) * 1000) & 0x7FFFFFFF


# --------------------------------------------------------------------------------------------
# wasmtime


class Wasmtime:
    def __init__(self):
        import wasmtime  # noqa: F401  (ImportError -> missing)

        self.w = wasmtime
        cfg = wasmtime.Config()
        # wasmtime's defaults: Cranelift, parallel compilation on. GC for splay.wasm.
        cfg.parallel_compilation = True
        try:
            cfg.wasm_gc = True
            cfg.wasm_function_references = True
        except Exception:
            pass
        self.engine = wasmtime.Engine(cfg)
        self.modules = {}

    def version(self):
        try:
            from importlib.metadata import version

            return version("wasmtime")
        except Exception:
            return "unknown"

    def module(self, path):
        m = self.modules.get(path)
        if m is None:
            with open(path, "rb") as f:
                m = self.w.Module(self.engine, f.read())
            self.modules[path] = m
        return m

    def coremark(self, job):
        w = self.w
        store = w.Store(self.engine)
        linker = w.Linker(self.engine)
        linker.define_func("env", "clock_ms", w.FuncType([], [w.ValType.i32()]), clock_ms_factory())
        inst = linker.instantiate(store, self.module(job["wasm"]))
        return {"value": float(inst.exports(store)["run"](store))}

    def _bench_linker(self, marks):
        w = self.w
        linker = w.Linker(self.engine)
        linker.define_wasi()
        ft = w.FuncType([], [])
        linker.define_func("bench", "start", ft, lambda: marks.__setitem__("start", time.process_time()))
        linker.define_func("bench", "end", ft, lambda: marks.__setitem__("end", time.process_time()))
        return linker

    def sightglass(self, job):
        w = self.w
        module = self.module(job["wasm"])
        store = w.Store(self.engine)
        wasi = w.WasiConfig()
        wasi.preopen_dir(job["dir"], ".")
        wasi.stdout_file = job["stdout"]
        wasi.stderr_file = job["stderr"]
        if "WASM_BENCH_USE_SMALL_WORKLOAD" in os.environ:
            wasi.env = [("WASM_BENCH_USE_SMALL_WORKLOAD", os.environ["WASM_BENCH_USE_SMALL_WORKLOAD"])]
        store.set_wasi(wasi)
        marks = {}
        linker = self._bench_linker(marks)
        inst = linker.instantiate(store, module)
        code = 0
        cwd = os.getcwd()
        os.chdir(job["dir"])
        try:
            inst.exports(store)["_start"](store)
        except w.ExitTrap as e:
            code = e.code
        finally:
            os.chdir(cwd)
        if "start" not in marks or "end" not in marks:
            raise RuntimeError("the module did not call bench.start and bench.end")
        return {"value": marks["end"] - marks["start"], "exit": code}

    def startup(self, job):
        w = self.w
        with open(job["wasm"], "rb") as f:
            data = f.read()
        t = time.perf_counter()
        module = w.Module(self.engine, data)
        compile_s = time.perf_counter() - t
        store = w.Store(self.engine)
        store.set_wasi(w.WasiConfig())
        linker = self._bench_linker({})
        t = time.perf_counter()
        linker.instantiate(store, module)
        inst_s = time.perf_counter() - t
        blob = module.serialize()
        t = time.perf_counter()
        w.Module.deserialize(self.engine, blob)
        cache_s = time.perf_counter() - t
        return {"compile": compile_s, "instantiate": inst_s, "cache_hit": cache_s}

    def bulk(self, job):
        w = self.w
        key = ("bulk", job["wasm"])
        cached = self.modules.get(key)
        if cached is None:
            store = w.Store(self.engine)
            inst = w.Linker(self.engine).instantiate(store, self.module(job["wasm"]))
            cached = (store, inst)
            self.modules[key] = cached
        store, inst = cached
        f = inst.exports(store)[job["export"]]
        t = time.process_time()
        f(store, 1)
        return {"value": time.process_time() - t}


# --------------------------------------------------------------------------------------------
# wasm3


class Wasm3:
    # wasm3 translates each function on its first call; its stack is a fixed size in bytes.
    STACK = 1 << 20

    def __init__(self):
        import wasm3  # noqa: F401

        self.m = wasm3
        self.files = {}

    def version(self):
        return getattr(self.m, "M3_VERSION", "unknown")

    def data(self, path):
        d = self.files.get(path)
        if d is None:
            with open(path, "rb") as f:
                d = f.read()
            self.files[path] = d
        return d

    def load(self, path):
        env = self.m.Environment()
        rt = env.new_runtime(self.STACK)
        mod = env.parse_module(self.data(path))
        rt.load(mod)
        return env, rt, mod

    def coremark(self, job):
        env, rt, mod = self.load(job["wasm"])
        mod.link_function("env", "clock_ms", "i()", clock_ms_factory())
        return {"value": float(rt.find_function("run")())}

    def sightglass(self, job):
        raise RuntimeError("pywasm3 has no WASI; sightglass modules need wasi_snapshot_preview1")

    def startup(self, job):
        data = self.data(job["wasm"])
        t = time.perf_counter()
        env = self.m.Environment()
        rt = env.new_runtime(self.STACK)
        mod = env.parse_module(data)
        compile_s = time.perf_counter() - t
        t = time.perf_counter()
        rt.load(mod)
        inst_s = time.perf_counter() - t
        return {"compile": compile_s, "instantiate": inst_s}

    def bulk(self, job):
        key = ("bulk", job["wasm"])
        cached = self.files.get(key)
        if cached is None:
            cached = self.load(job["wasm"])
            self.files[key] = cached
        env, rt, mod = cached
        f = rt.find_function(job["export"])
        t = time.process_time()
        f(1)
        return {"value": time.process_time() - t}


RUNTIMES = {"wasmtime": Wasmtime, "wasm3": Wasm3}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in RUNTIMES:
        print("usage: bench_peer.py wasmtime|wasm3", file=sys.stderr)
        return 2
    name = sys.argv[1]
    out = sys.stdout
    # The guest's output must never reach the protocol stream.
    sys.stdout = sys.stderr
    try:
        peer = RUNTIMES[name]()
        err = None
    except ImportError as e:
        peer, err = None, {"ok": False, "missing": True, "error": f"{name}: cannot import its Python package ({e}); run `make bench-peers`"}
    except Exception as e:  # noqa: BLE001
        peer, err = None, {"ok": False, "missing": True, "error": f"{name}: {type(e).__name__}: {e}"}
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if peer is None:
            answer = err
        else:
            try:
                job = json.loads(line)
                task = job["task"]
                if task == "version":
                    answer = {"version": peer.version()}
                else:
                    answer = getattr(peer, task)(job)
                answer["ok"] = True
            except Exception as e:  # noqa: BLE001
                answer = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
