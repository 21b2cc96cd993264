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
  {"task": "compile", "wasm": PATH}                     -> {"ok"} once the module is loaded
                                                           (an error if the runtime cannot)
  {"task": "command", "wasm": PATH, "args": [ARGV...],
   "mounts": [[HOST, GUEST, WRITABLE]...],
   "stdout": PATH, "stderr": PATH}                      -> {"ok", "value": seconds of `_start`,
                                                            "exit": code} (a WASI command run
                                                            once, in a fresh instance)

wasm3 (pywasm3) has no WASI of its own: for "command" this script gives it a small one
(MiniWasi: arguments, stdout/stderr, clocks, random bytes, proc_exit; no directories), enough
for the C programs of bench/c/.

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
        # Exception handling, for the corpus programs of the `programs` group (C++ throw/catch).
        try:
            cfg.wasm_exceptions = True
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

    def compile(self, job):
        self.module(job["wasm"])
        return {}

    def command(self, job):
        w = self.w
        module = self.module(job["wasm"])
        store = w.Store(self.engine)
        wasi = w.WasiConfig()
        wasi.argv = job.get("args", [])
        for host, guest, _writable in job.get("mounts", []):
            wasi.preopen_dir(host, guest)
        wasi.stdout_file = job["stdout"]
        wasi.stderr_file = job["stderr"]
        store.set_wasi(wasi)
        linker = w.Linker(self.engine)
        linker.define_wasi()
        start = linker.instantiate(store, module).exports(store)["_start"]
        code = 0
        t = time.process_time()
        try:
            start(store)
        except w.ExitTrap as e:
            code = e.code
        return {"value": time.process_time() - t, "exit": code}

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

    def compile(self, job):
        self.load(job["wasm"])
        return {}

    def command(self, job):
        if job.get("mounts"):
            raise RuntimeError("the driver's WASI for pywasm3 has no directories")
        env, rt, mod = self.load(job["wasm"])
        wasi = MiniWasi(rt, job.get("args", []))
        wasi.link(mod)
        start = rt.find_function("_start")
        code = 0
        t = time.process_time()
        try:
            start()
        except ProcExit as e:
            code = e.code
        except Exception:
            # pywasm3 may wrap the host function's exception: proc_exit recorded the code.
            if wasi.exit_code is None:
                raise
            code = wasi.exit_code
        secs = time.process_time() - t
        with open(job["stdout"], "wb") as f:
            f.write(wasi.out[1])
        with open(job["stderr"], "wb") as f:
            f.write(wasi.out[2])
        return {"value": secs, "exit": code}

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


class ProcExit(Exception):
    """proc_exit(code) from the guest."""

    def __init__(self, code):
        super().__init__(f"proc_exit({code})")
        self.code = code


class MiniWasi:
    """The WASI preview 1 functions a C program that only prints needs, for pywasm3: arguments,
    an empty environment, stdout and stderr kept in memory, clocks, random bytes, proc_exit.
    Anything else the module imports is left unlinked (wasm3 fails the call if it is made)."""

    ESUCCESS, EBADF, EINVAL, ESPIPE = 0, 8, 28, 70

    def __init__(self, rt, args):
        self.rt = rt
        self.args = [a.encode() + b"\0" for a in args]
        self.out = {1: bytearray(), 2: bytearray()}
        self.exit_code = None

    def mem(self):
        return self.rt.get_memory(0)

    def link(self, mod):
        import struct

        m = self.mem
        W = "wasi_snapshot_preview1"

        def fd_write(fd, iovs, n, nwritten):
            if fd not in self.out:
                return self.EBADF
            mem = m()
            total = 0
            for i in range(n):
                buf, length = struct.unpack_from("<II", mem, iovs + 8 * i)
                self.out[fd].extend(mem[buf : buf + length])
                total += length
            struct.pack_into("<I", mem, nwritten, total)
            return self.ESUCCESS

        def fd_fdstat_get(fd, out):
            if fd not in (0, 1, 2):
                return self.EBADF
            # A character device with every right.
            struct.pack_into("<BxHxxxxQQ", m(), out, 2, 0, 2**64 - 1, 2**64 - 1)
            return self.ESUCCESS

        def args_sizes_get(argc, size):
            struct.pack_into("<I", m(), argc, len(self.args))
            struct.pack_into("<I", m(), size, sum(len(a) for a in self.args))
            return self.ESUCCESS

        def args_get(ptrs, buf):
            mem = m()
            for i, a in enumerate(self.args):
                struct.pack_into("<I", mem, ptrs + 4 * i, buf)
                mem[buf : buf + len(a)] = a
                buf += len(a)
            return self.ESUCCESS

        def environ_sizes_get(count, size):
            struct.pack_into("<I", m(), count, 0)
            struct.pack_into("<I", m(), size, 0)
            return self.ESUCCESS

        def clock_time_get(clock, _precision, out):
            ns = time.time_ns() if clock == 0 else int(time.process_time() * 1e9)
            struct.pack_into("<Q", m(), out, ns)
            return self.ESUCCESS

        def random_get(buf, n):
            m()[buf : buf + n] = os.urandom(n)
            return self.ESUCCESS

        def proc_exit(code):
            self.exit_code = code
            raise ProcExit(code)

        funcs = [
            ("fd_write", "i(iiii)", fd_write),
            ("fd_fdstat_get", "i(ii)", fd_fdstat_get),
            ("fd_close", "i(i)", lambda fd: self.ESUCCESS if fd in (0, 1, 2) else self.EBADF),
            ("fd_seek", "i(iIii)", lambda fd, off, whence, out: self.ESPIPE),
            ("args_sizes_get", "i(ii)", args_sizes_get),
            ("args_get", "i(ii)", args_get),
            ("environ_sizes_get", "i(ii)", environ_sizes_get),
            ("environ_get", "i(ii)", lambda ptrs, buf: self.ESUCCESS),
            ("clock_time_get", "i(iIi)", clock_time_get),
            ("random_get", "i(ii)", random_get),
            ("proc_exit", "v(i)", proc_exit),
        ]
        for name, sig, f in funcs:
            try:
                mod.link_function(W, name, sig, f)
            except RuntimeError:
                pass  # not imported by this module


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
