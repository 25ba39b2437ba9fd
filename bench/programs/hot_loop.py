"""The benchmark's hot loop under Python's memory_profiler, for comparison with memprof.

Same 3 statements per iteration as hot-loop.js, profiled (memory_profiler's @profile, default psutil
RSS backend, tables to os.devnull) and plain. Usage: python3 hot_loop.py <iterations> <rounds>.
Prints one line `BENCH <json>`: the CPU time per call of each, by round.
"""
import json
import os
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


def cpu_ns(work, n, calls=1):
    """CPU time (user + system, the process's: like process.cpuUsage() in Node) per call of work(n)."""
    start = time.process_time_ns()
    for _ in range(calls):
        work(n)
    return (time.process_time_ns() - start) / calls


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if profiled(100) != plain(100):
        raise SystemExit("profiled and plain disagree")
    # Interleaved rounds, as in hot-loop.js: each round times both, the plain loop over as many calls as
    # last about as long as one profiled call (from an untimed warm-up round).
    plain_calls = max(9, round(cpu_ns(profiled, iterations) / cpu_ns(plain, iterations, 9)))
    plain_ns, profiled_ns = [], []
    for _ in range(rounds):
        plain_ns.append(cpu_ns(plain, iterations, plain_calls))
        profiled_ns.append(cpu_ns(profiled, iterations))
    print("BENCH " + json.dumps({
        "python": sys.version.split()[0],
        "memoryProfiler": memory_profiler_version,
        "iterations": iterations,
        "statementsPerCall": 3 * iterations,
        # memory_profiler samples on each line event: the for line and the 3 statements, per iteration.
        "readsPerCall": 4 * iterations,
        "plainCalls": plain_calls,
        "rounds": {"plain": plain_ns, "profiled": profiled_ns},
    }))


if __name__ == "__main__":
    main()
