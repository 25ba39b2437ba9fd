// memoryUsage()'s arguments checked and resolved: which kind of target, and every option with its
// default. Bad arguments throw a TypeError naming the option, before anything runs.
import { memoryProfilerBackend } from '../../record/proc/backends';
import type { HeapMetric, ProcessMetric, UsageMetric } from './types';

/** The options with their defaults filled in. */
export interface Resolved {
  interval: number;
  timeout: number | undefined;
  timestamps: boolean;
  includeChildren: boolean;
  multiprocess: boolean;
  maxUsage: boolean;
  retval: boolean;
  metric: UsageMetric;
  stdio: 'inherit' | 'ignore';
}

export type Target = { kind: 'function'; fn: () => unknown } | { kind: 'pid'; pid: number } | { kind: 'command'; argv: string[] };

const OPTION_NAMES = ['interval', 'timeout', 'timestamps', 'includeChildren', 'multiprocess', 'maxUsage', 'retval', 'metric', 'stdio'];
/** memory_profiler's spellings, for a helpful message. */
const PYTHON_NAMES: Record<string, string> = {
  include_children: "'includeChildren'",
  max_usage: "'maxUsage'",
  backend: "'metric'",
  max_iterations: "nothing: a function runs exactly once",
  stream: "nothing: the samples are returned",
  proc: "the first argument",
};
const PROCESS_METRICS: readonly string[] = ['rss', 'pss', 'uss'] satisfies ProcessMetric[];
const FUNCTION_METRICS: readonly string[] = ['heap', 'heapUsed', 'external', ...PROCESS_METRICS];

/** Whether `metric` is read from /proc (by a sampling process, for a function), not from V8's heap. */
export function isProcessMetric(metric: UsageMetric): metric is ProcessMetric {
  return PROCESS_METRICS.includes(metric);
}

export function isHeapMetric(metric: UsageMetric): metric is HeapMetric {
  return !isProcessMetric(metric);
}

function fail(message: string): never {
  throw new TypeError(`memprof: memoryUsage(): ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

export function classify(target: unknown): Target {
  if (typeof target === 'function') return { kind: 'function', fn: target as () => unknown };
  if (typeof target === 'number') {
    if (target === -1) return { kind: 'pid', pid: process.pid };
    if (!Number.isInteger(target) || target <= 0) fail(`target: a pid must be a positive integer (or -1 for this process), got ${target}`);
    return { kind: 'pid', pid: target };
  }
  if (Array.isArray(target)) {
    if (target.length === 0) fail('target: a command needs at least the program: [cmd, ...args]');
    const bad = target.findIndex((arg) => typeof arg !== 'string');
    if (bad >= 0) fail(`target: command arguments must be strings, but [${bad}] is ${describe(target[bad])}`);
    if (target[0] === '') fail('target: the command name is empty');
    return { kind: 'command', argv: [...(target as string[])] };
  }
  fail(`target must be a function, a pid or a command ([cmd, ...args]), got ${describe(target)}`);
}

export function resolveOptions(target: Target, options: unknown): Resolved {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail(`options must be an object, got ${describe(options)}`);
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (OPTION_NAMES.includes(key)) continue;
    const hint = Object.hasOwn(PYTHON_NAMES, key) ? PYTHON_NAMES[key] : undefined;
    fail(`unknown option '${key}'${hint ? ` (memprof's name: ${hint})` : ''}; options are ${OPTION_NAMES.join(', ')}`);
  }
  const flag = (name: string): boolean => {
    const value = given[name];
    if (value === undefined) return false;
    if (typeof value !== 'boolean') fail(`option '${name}' must be true or false, got ${describe(value)}`);
    return value;
  };
  const interval = given.interval ?? 0.1;
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
    fail(`option 'interval' must be a positive number of seconds, got ${describe(given.interval)}`);
  }
  const timeout = given.timeout;
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout <= 0)) {
    fail(`option 'timeout' must be a positive number of seconds (or Infinity), got ${describe(timeout)}`);
  }
  const resolved: Resolved = {
    interval,
    timeout: timeout === Infinity && target.kind !== 'pid' ? undefined : (timeout as number | undefined),
    timestamps: flag('timestamps'),
    includeChildren: flag('includeChildren'),
    multiprocess: flag('multiprocess'),
    maxUsage: flag('maxUsage'),
    retval: flag('retval'),
    metric: target.kind === 'function' ? 'heap' : 'rss',
    stdio: 'inherit',
  };
  if (given.metric !== undefined) {
    const metric = given.metric;
    const allowed = target.kind === 'function' ? FUNCTION_METRICS : PROCESS_METRICS;
    const backend = typeof metric === 'string' ? memoryProfilerBackend(metric) : undefined;
    if (backend) fail(`option 'metric': memory_profiler's backend '${metric}' is metric '${backend}' here`);
    if (typeof metric !== 'string' || !allowed.includes(metric)) {
      const why =
        typeof metric === 'string' && FUNCTION_METRICS.includes(metric)
          ? ` ('${metric}' is read from this thread's V8 heap; other processes are measured with rss, pss or uss)`
          : '';
      fail(`option 'metric' must be one of ${allowed.join(', ')} for a ${target.kind}, got ${describe(metric)}${why}`);
    }
    resolved.metric = metric as UsageMetric;
  }
  const processMetric = isProcessMetric(resolved.metric);
  for (const name of ['includeChildren', 'multiprocess'] as const) {
    if (resolved[name] && !processMetric) {
      fail(`option '${name}' needs a process metric (metric: 'rss', 'pss' or 'uss'): '${resolved.metric}' is this thread's V8 heap, which child processes do not share`);
    }
  }
  if (given.retval !== undefined && target.kind !== 'function') fail(`option 'retval' applies to functions only (the target is a ${target.kind})`);
  if (given.stdio !== undefined) {
    if (target.kind !== 'command') fail(`option 'stdio' applies to commands only (the target is a ${target.kind})`);
    if (given.stdio !== 'inherit' && given.stdio !== 'ignore') fail(`option 'stdio' must be 'inherit' or 'ignore', got ${describe(given.stdio)}`);
    resolved.stdio = given.stdio;
  }
  return resolved;
}
