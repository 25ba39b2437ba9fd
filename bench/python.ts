// The same hot loop under Python's memory_profiler (Debian: python3-memory-profiler), when installed:
// the reference line-level memory profiler, whose cost per line memprof is compared with.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { benchResult, between, childEnvironment, duration, num, PROGRAMS, ratio, run } from './lib';
import { median, perRoundFigure, type Figure } from './stats';

interface PythonOutput {
  python: string;
  memoryProfiler: string;
  iterations: number;
  statementsPerCall: number;
  readsPerCall: number;
  /** Plain calls per measurement: as many as last about as long as one profiled call. */
  plainCalls: number;
  /** CPU ns per call (time.process_time_ns), one entry per round. */
  rounds: { plain: number[]; profiled: number[] };
}

export interface PythonResult extends PythonOutput {
  interpreter: string;
  /** Medians over the rounds, CPU ns. */
  plainNs: number;
  profiledNs: number;
  slowdown: Figure;
  addedNsPerSample: Figure;
  addedNsPerStatement: Figure;
}

export type PythonOutcome = { skipped: string } | PythonResult;

/** A python3 that can import memory_profiler: MEMPROF_BENCH_PYTHON, python3 on PATH, then Debian's. */
export function findPython(): string | undefined {
  const candidates = [process.env.MEMPROF_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  for (const candidate of new Set(candidates)) {
    const probe = spawnSync(candidate, ['-c', 'import memory_profiler'], { encoding: 'utf8', timeout: 30_000 });
    if (!probe.error && probe.status === 0) return candidate;
  }
  return undefined;
}

export function runPython(iterations: number, rounds: number): PythonOutcome {
  const interpreter = findPython();
  if (!interpreter) {
    return {
      skipped:
        'no python3 with memory_profiler found (Debian: apt-get install python3-memory-profiler; ' +
        'or set MEMPROF_BENCH_PYTHON to an interpreter that has it)',
    };
  }
  const child = run(interpreter, [join(PROGRAMS, 'hot_loop.py'), String(iterations), String(rounds)], {
    env: childEnvironment({ PYTHONDONTWRITEBYTECODE: '1' }),
  });
  const output = benchResult<PythonOutput>(child, 'hot loop under memory_profiler');
  const samples = output.rounds;
  return {
    ...output,
    interpreter,
    plainNs: median(samples.plain),
    profiledNs: median(samples.profiled),
    slowdown: perRoundFigure(samples, (round) => round.profiled / round.plain),
    addedNsPerSample: perRoundFigure(samples, (round) => (round.profiled - round.plain) / output.readsPerCall),
    addedNsPerStatement: perRoundFigure(samples, (round) => (round.profiled - round.plain) / output.statementsPerCall),
  };
}

export function describePython(outcome: PythonOutcome): string[] {
  if ('skipped' in outcome) return [`Python memory_profiler: skipped: ${outcome.skipped}`];
  return [
    `Python memory_profiler ${outcome.memoryProfiler} (Python ${outcome.python}, ${outcome.interpreter}), the same hot loop: ` +
      `${num(outcome.iterations)} iterations x 3 statements (${num(outcome.readsPerCall)} line events per call), ` +
      `CPU time, median of ${outcome.rounds.plain.length} interleaved rounds`,
    `  plain ${duration(outcome.plainNs)} per call (${num(outcome.plainCalls)} calls per measurement), profiled ${duration(outcome.profiledNs)}`,
    `  slowdown ${ratio(outcome.slowdown.median)} (${between(outcome.slowdown, ratio)}); ` +
      `added ${duration(outcome.addedNsPerSample.median)} per sample (line event) (${between(outcome.addedNsPerSample, duration)}), ` +
      `${duration(outcome.addedNsPerStatement.median)} per statement`,
  ];
}
