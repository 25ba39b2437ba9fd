// Hot loop: 3 simple statements per iteration, the marked function against the same body unmarked,
// in one child process run with memprof's hook. The cost of one bare memory read is timed in that
// same process and the same rounds, so "sample cost / read cost" compares numbers taken side by side.
import { join } from 'node:path';
import { benchResult, between, duration, num, PROGRAMS, ratio, runNode } from './lib';
import { median, perRoundFigure, type Figure } from './stats';

export type HotLoopMetric = 'heap' | 'rss';

/** CPU ns per call of each variant (per read for the two reads), one entry per round. */
interface HotLoopRounds {
  plain: number[];
  profiled: number[];
  /** memprof's own read, METRICS[metric].read. */
  memprofRead: number[];
  /** The public API's read: v8.getHeapStatistics() for heap, process.memoryUsage.rss() for rss. */
  publicRead: number[];
}

interface HotLoopOutput {
  metric: HotLoopMetric;
  iterations: number;
  statementsPerCall: number;
  readsPerCall: number;
  firstProfiledNs: number;
  /** Plain calls per measurement: as many as last about as long as one profiled call. */
  plainCalls: number;
  rounds: HotLoopRounds;
}

export interface HotLoopResult extends HotLoopOutput {
  /** Medians over the rounds, CPU ns. */
  plainNs: number;
  profiledNs: number;
  memprofReadNs: number;
  bareReadNs: number;
  bareReadName: string;
  /** profiled time / plain time. */
  slowdown: Figure;
  /** (profiled - plain) / memory reads per call: what one sample costs. */
  addedNsPerSample: Figure;
  /** (profiled - plain) / statements per call. */
  addedNsPerStatement: Figure;
  /** Sample cost over the bare public read. */
  samplePerBareRead: Figure;
  /** Sample cost over memprof's own read (METRICS[metric].read). */
  samplePerMemprofRead: Figure;
}

export function runHotLoop(metric: HotLoopMetric, iterations: number, rounds: number, cacheDir: string): HotLoopResult {
  const child = runNode(join(PROGRAMS, 'hot-loop.js'), {
    hook: true,
    args: [metric, String(iterations), String(rounds)],
    env: { MEMPROF_METRIC: metric, MEMPROF_OUTPUT: '/dev/null', MEMPROF_CACHE_DIR: cacheDir },
  });
  const output = benchResult<HotLoopOutput>(child, `hot loop (${metric})`);
  const samples = output.rounds;
  const perSample = (round: Record<keyof HotLoopRounds, number>) => (round.profiled - round.plain) / output.readsPerCall;
  return {
    ...output,
    plainNs: median(samples.plain),
    profiledNs: median(samples.profiled),
    memprofReadNs: median(samples.memprofRead),
    bareReadNs: median(samples.publicRead),
    bareReadName: metric === 'heap' ? 'v8.getHeapStatistics()' : 'process.memoryUsage.rss()',
    slowdown: perRoundFigure(samples, (round) => round.profiled / round.plain),
    addedNsPerSample: perRoundFigure(samples, perSample),
    addedNsPerStatement: perRoundFigure(samples, (round) => (round.profiled - round.plain) / output.statementsPerCall),
    samplePerBareRead: perRoundFigure(samples, (round) => perSample(round) / round.publicRead),
    samplePerMemprofRead: perRoundFigure(samples, (round) => perSample(round) / round.memprofRead),
  };
}

export function describeHotLoop(result: HotLoopResult): string[] {
  const rounds = result.rounds.plain.length;
  return [
    `hot loop, metric ${result.metric}: ${num(result.iterations)} iterations x 3 statements ` +
      `(${num(result.readsPerCall)} memory reads per call), CPU time, median of ${rounds} interleaved rounds`,
    `  plain ${duration(result.plainNs)} per call (${num(result.plainCalls)} calls per measurement), ` +
      `profiled ${duration(result.profiledNs)} (first, cold call ${duration(result.firstProfiledNs)})`,
    `  slowdown ${ratio(result.slowdown.median)} (${between(result.slowdown, ratio)}); ` +
      `added ${duration(result.addedNsPerSample.median)} per sample (${between(result.addedNsPerSample, duration)}), ` +
      `${duration(result.addedNsPerStatement.median)} per statement`,
    `  read cost: ${result.bareReadName} ${duration(result.bareReadNs)}, memprof's ${result.metric} read ${duration(result.memprofReadNs)}`,
    `  sample cost / read cost: ${ratio(result.samplePerBareRead.median)} (${between(result.samplePerBareRead, ratio)}) of ${result.bareReadName}, ` +
      `${ratio(result.samplePerMemprofRead.median)} (${between(result.samplePerMemprofRead, ratio)}) of memprof's read`,
  ];
}
