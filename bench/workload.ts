// A realistic workload (JSON parse/stringify and string building over a few MiB), profiled against
// the same body unmarked, and the unmarked body under V8's sampling heap profiler (memprof run
// --heap-sampling), in one child process run with memprof's hook.
import { join } from 'node:path';
import { benchResult, between, bytes, duration, num, PROGRAMS, ratio, runNode } from './lib';
import { median, perRoundFigure, type Figure } from './stats';

interface WorkloadOutput {
  records: number;
  documentBytes: number;
  readsPerCall: number;
  /** CPU ns per call, one entry per round. */
  rounds: { plain: number[]; profiled: number[]; heapSampled: number[] };
}

export interface WorkloadResult extends WorkloadOutput {
  /** Medians over the rounds, CPU ns. */
  plainNs: number;
  profiledNs: number;
  heapSampledNs: number;
  slowdown: Figure;
  /** The plain body with V8's sampling heap profiler on, at memprof's default interval / without it. */
  heapSamplingSlowdown: Figure;
  addedNsPerSample: Figure;
}

export function runWorkload(records: number, rounds: number, cacheDir: string): WorkloadResult {
  const child = runNode(join(PROGRAMS, 'workload.js'), {
    hook: true,
    nodeArgs: ['--expose-gc'],
    args: [String(records), String(rounds)],
    env: { MEMPROF_OUTPUT: '/dev/null', MEMPROF_CACHE_DIR: cacheDir },
  });
  const output = benchResult<WorkloadOutput>(child, 'workload');
  return {
    ...output,
    plainNs: median(output.rounds.plain),
    profiledNs: median(output.rounds.profiled),
    heapSampledNs: median(output.rounds.heapSampled),
    slowdown: perRoundFigure(output.rounds, (round) => round.profiled / round.plain),
    heapSamplingSlowdown: perRoundFigure(output.rounds, (round) => round.heapSampled / round.plain),
    addedNsPerSample: perRoundFigure(output.rounds, (round) => (round.profiled - round.plain) / output.readsPerCall),
  };
}

export function describeWorkload(result: WorkloadResult): string[] {
  return [
    `workload: JSON.parse of a ${bytes(result.documentBytes)} document, ${num(result.records)} records aggregated and ` +
      `written as CSV, JSON.stringify of the result (${num(result.readsPerCall)} samples per call), ` +
      `CPU time, median of ${result.rounds.plain.length} interleaved rounds`,
    `  plain ${duration(result.plainNs)} per call, profiled ${duration(result.profiledNs)}: ` +
      `slowdown ${ratio(result.slowdown.median)} (${between(result.slowdown, ratio)}), ` +
      `${duration(result.addedNsPerSample.median)} per sample`,
    `  heap sampling (--heap-sampling, default interval) ${duration(result.heapSampledNs)} per call: ` +
      `${ratio(result.heapSamplingSlowdown.median)} of plain (${between(result.heapSamplingSlowdown, ratio)})`,
  ];
}
