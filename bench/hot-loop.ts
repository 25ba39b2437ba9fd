// Hot loop: 3 simple statements per iteration, the marked function against the same body unmarked,
// in one child process run with memprof's hook. The cost of one bare memory read is timed in that
// same process, so "sample cost / read cost" compares numbers from one run on one machine state.
import { join } from 'node:path';
import { benchResult, duration, num, PROGRAMS, ratio, runNode } from './lib';

export type HotLoopMetric = 'heap' | 'rss';

interface HotLoopOutput {
  metric: HotLoopMetric;
  iterations: number;
  statementsPerCall: number;
  readsPerCall: number;
  plainNs: number;
  profiledNs: number;
  firstProfiledNs: number;
  memprofReadNs: number;
  getHeapStatisticsNs?: number;
  memoryUsageRssNs?: number;
}

export interface HotLoopResult extends HotLoopOutput {
  /** profiled time / plain time. */
  slowdown: number;
  /** (profiled - plain) / memory reads per call: what one sample costs. */
  addedNsPerSample: number;
  /** (profiled - plain) / statements per call. */
  addedNsPerStatement: number;
  /** The public API's read: v8.getHeapStatistics() for heap, process.memoryUsage.rss() for rss. */
  bareReadNs: number;
  bareReadName: string;
  /** Sample cost over the bare public read. */
  samplePerBareRead: number;
  /** Sample cost over memprof's own read (METRICS[metric].read). */
  samplePerMemprofRead: number;
}

export function runHotLoop(metric: HotLoopMetric, iterations: number, repetitions: number, cacheDir: string): HotLoopResult {
  const child = runNode(join(PROGRAMS, 'hot-loop.js'), {
    hook: true,
    args: [metric, String(iterations), String(repetitions)],
    env: { MEMPROF_METRIC: metric, MEMPROF_OUTPUT: '/dev/null', MEMPROF_CACHE_DIR: cacheDir },
  });
  const output = benchResult<HotLoopOutput>(child, `hot loop (${metric})`);
  const added = output.profiledNs - output.plainNs;
  const bareReadNs = (metric === 'heap' ? output.getHeapStatisticsNs : output.memoryUsageRssNs) ?? NaN;
  const addedNsPerSample = added / output.readsPerCall;
  return {
    ...output,
    slowdown: output.profiledNs / output.plainNs,
    addedNsPerSample,
    addedNsPerStatement: added / output.statementsPerCall,
    bareReadNs,
    bareReadName: metric === 'heap' ? 'v8.getHeapStatistics()' : 'process.memoryUsage.rss()',
    samplePerBareRead: addedNsPerSample / bareReadNs,
    samplePerMemprofRead: addedNsPerSample / output.memprofReadNs,
  };
}

export function describeHotLoop(result: HotLoopResult): string[] {
  return [
    `hot loop, metric ${result.metric}: ${num(result.iterations)} iterations x 3 statements ` +
      `(${num(result.readsPerCall)} memory reads per call), median of repeated calls`,
    `  plain ${duration(result.plainNs)} per call, profiled ${duration(result.profiledNs)} (first, cold call ${duration(result.firstProfiledNs)})`,
    `  slowdown ${ratio(result.slowdown)}; added ${duration(result.addedNsPerSample)} per sample, ` +
      `${duration(result.addedNsPerStatement)} per statement`,
    `  read cost: ${result.bareReadName} ${duration(result.bareReadNs)}, memprof's ${result.metric} read ${duration(result.memprofReadNs)}`,
    `  sample cost / read cost: ${ratio(result.samplePerBareRead)} of ${result.bareReadName}, ` +
      `${ratio(result.samplePerMemprofRead)} of memprof's read`,
  ];
}
