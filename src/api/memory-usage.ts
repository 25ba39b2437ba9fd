// memoryUsage(target, options): memory over time of a function run once, of a running process, or of a
// command, like memory_profiler's `memory_usage`. See docs/api.md for the result and what each metric
// can and cannot sample. This file is the public entry: the overloads, and which sampler measures
// which target (memory-usage/measure-*.ts).
import { measureHeap } from './memory-usage/measure-heap';
import { measureProcessOfFunction } from './memory-usage/measure-process';
import { measureCommand, measurePid } from './memory-usage/measure-tree';
import { classify, isProcessMetric, resolveOptions } from './memory-usage/options';
import type { CommandExit, CommandUsageOptions, FunctionUsageOptions, MemoryUsage, MemoryUsageResult, ProcessUsageOptions } from './memory-usage/types';

export type * from './memory-usage/types';

/**
 * Memory over time of a function (run exactly once, sync or async), of a process (pid; -1 for this
 * one), or of a command (`[cmd, ...args]`, started and waited for), like memory_profiler's
 * `memory_usage`. Samples are in MiB. Bad arguments reject with a TypeError naming the option.
 */
export function memoryUsage<R, const O extends FunctionUsageOptions = {}>(target: () => R, options?: O): Promise<MemoryUsage<O, Awaited<R>>>;
export function memoryUsage<const O extends ProcessUsageOptions = {}>(target: number, options?: O): Promise<MemoryUsage<O, never>>;
export function memoryUsage<const O extends CommandUsageOptions = {}>(
  target: readonly [string, ...string[]],
  options?: O,
): Promise<MemoryUsage<O, never> & CommandExit>;
export async function memoryUsage(target: unknown, options?: unknown): Promise<MemoryUsageResult> {
  const classified = classify(target);
  const resolved = resolveOptions(classified, options);
  switch (classified.kind) {
    case 'function':
      return isProcessMetric(resolved.metric) ? measureProcessOfFunction(classified.fn, resolved) : measureHeap(classified.fn, resolved);
    case 'pid':
      return measurePid(classified.pid, resolved);
    case 'command':
      return measureCommand(classified.argv, resolved);
  }
}
