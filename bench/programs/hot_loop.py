"""The benchmark's hot loop under Python's memory_profiler, for comparison with memprof.

Same 3 statements per iteration as hot-loop.js, profiled (memory_profiler's @profile, default psutil
RSS backend, tables to os.devnull) and plain. Usage: python3 hot_loop.py <iterations> <repetitions>.
Prints one line `BENCH <json>`.
"""
import json
import os
import statistics
import sys
import time
import types

from memory_profiler import profile, __version__ as memory_profiler_version


def plain(n):
    total = 0
    for i in range(n):
        x = i & 7
        total += x
        total ^= 1
    return total


# The same code object under another name, so that the two functions are identical but for the marker.
profiled = profile(types.FunctionType(plain.__code__, globals(), "profiled"), stream=open(os.devnull, "w"))


def elapsed_ns(work, n):
    start = time.perf_counter_ns()
    work(n)
    return time.perf_counter_ns() - start


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if profiled(100) != plain(100):
        raise SystemExit("profiled and plain disagree")
    plain_ns, profiled_ns = [], []
    for _ in range(repetitions):
        for _ in range(9):
            plain_ns.append(elapsed_ns(plain, iterations))
        profiled_ns.append(elapsed_ns(profiled, iterations))
    print("BENCH " + json.dumps({
        "python": sys.version.split()[0],
        "memoryProfiler": memory_profiler_version,
        "iterations": iterations,
        "statementsPerCall": 3 * iterations,
        # memory_profiler samples on each line event: the for line and the 3 statements, per iteration.
        "readsPerCall": 4 * iterations,
        "plainNs": statistics.median(plain_ns),
        "profiledNs": statistics.median(profiled_ns),
    }))


if __name__ == "__main__":
    main()
