// memprof's own memory in a long-running process: a profiled handler called many times, its tables
// discarded. The heap (after full collections) must stay bounded; the "Mem usage" memprof reports at
// each call's entry is compared with the true heap at that moment. Then the handler's time per call,
// profiled against plain, in interleaved rounds.
import { join } from 'node:path';
import { benchResult, between, bytes, duration, num, PROGRAMS, ratio, runNode } from './lib';
import { median, perRoundFigure, type Figure } from './stats';

interface Sample {
  calls: number;
  heapBytes: number;
  heapAboveBaselineBytes: number;
  trueHeapAtEntryBytes: number;
  reportedEntryBytes: number;
}

interface OwnMemoryOutput {
  calls: number;
  tablesWritten: number;
  baselineHeap: number;
  samples: Sample[];
  /** Calls per timed chunk. */
  chunk: number;
  /** CPU ns per call, one entry per round. */
  rounds: { plain: number[]; profiled: number[] };
}

export interface OwnMemoryResult extends OwnMemoryOutput {
  /** Medians over the rounds, CPU ns. */
  plainNsPerCall: number;
  profiledNsPerCall: number;
  slowdown: Figure;
  /** Heap growth between the checkpoint at 1,000 calls (or the first) and the last one. */
  growthBytes: number;
  growthFromCall: number;
  /** The largest heap above the unprofiled baseline seen at any checkpoint. */
  maxAboveBaselineBytes: number;
  /** reported - true entry heap at the last checkpoint (0 when the Mem usage column is exact). */
  finalEntryErrorBytes: number;
}

export function runOwnMemory(calls: number, rounds: number, chunk: number, cacheDir: string): OwnMemoryResult {
  const child = runNode(join(PROGRAMS, 'long-running.js'), {
    hook: true,
    nodeArgs: ['--expose-gc'],
    args: [String(calls), String(rounds), String(chunk)],
    env: { MEMPROF_CACHE_DIR: cacheDir },
    timeoutMs: 600_000,
  });
  const output = benchResult<OwnMemoryOutput>(child, 'long-running loop');
  const reference = output.samples.find((sample) => sample.calls >= 1000) ?? output.samples[0];
  const last = output.samples[output.samples.length - 1];
  return {
    ...output,
    plainNsPerCall: median(output.rounds.plain),
    profiledNsPerCall: median(output.rounds.profiled),
    slowdown: perRoundFigure(output.rounds, (round) => round.profiled / round.plain),
    growthBytes: last.heapBytes - reference.heapBytes,
    growthFromCall: reference.calls,
    maxAboveBaselineBytes: Math.max(...output.samples.map((sample) => sample.heapAboveBaselineBytes)),
    finalEntryErrorBytes: last.reportedEntryBytes - last.trueHeapAtEntryBytes,
  };
}

export function describeOwnMemory(result: OwnMemoryResult): string[] {
  const reference = result.samples.find((sample) => sample.calls >= 1000) ?? result.samples[0];
  const lines = [
    `memprof's own memory: a profiled handler called ${num(result.calls)} times, tables to a stream that discards them ` +
      `(${num(result.tablesWritten)} tables written)`,
    `  time per call (CPU, ${result.rounds.plain.length} interleaved rounds of ${num(result.chunk)} calls): ` +
      `plain ${duration(result.plainNsPerCall)}, profiled ${duration(result.profiledNsPerCall)} (sampling + table): ` +
      `${ratio(result.slowdown.median)} (${between(result.slowdown, ratio)})`,
    `  ${'calls'.padStart(9)}  ${'heap after GC'.padStart(13)}  ${'above unprofiled'.padStart(16)}  ${'true heap at entry'.padStart(18)}  ${'reported at entry'.padStart(17)}`,
  ];
  for (const sample of result.samples) {
    lines.push(
      `  ${num(sample.calls).padStart(9)}  ${bytes(sample.heapBytes).padStart(13)}  ${bytes(sample.heapAboveBaselineBytes).padStart(16)}  ` +
        `${bytes(sample.trueHeapAtEntryBytes).padStart(18)}  ${bytes(sample.reportedEntryBytes).padStart(17)}`,
    );
  }
  lines.push(
    `  heap growth from ${num(reference.calls)} to ${num(result.calls)} calls: ${bytes(result.growthBytes)}; ` +
      `at most ${bytes(result.maxAboveBaselineBytes)} above the unprofiled loop`,
    `  "Mem usage" at entry, reported - true, after ${num(result.calls)} calls: ${bytes(result.finalEntryErrorBytes)}`,
  );
  return lines;
}
