// The public types of memoryUsage(): its options per kind of target, and its result narrowed to the
// options given (`MemoryUsage<Options, Value>`). See docs/api.md.

/** The line profiler's V8 heap metrics: readable for a function run in this thread only. */
export type HeapMetric = 'heap' | 'heapUsed' | 'external';
/** What a sample measures: the heap metrics of the line profiler (functions only), or a process measure. */
export type UsageMetric = HeapMetric | ProcessMetric;
/** Measures of a whole process, read from /proc: resident, proportional or unique set size. */
export type ProcessMetric = 'rss' | 'pss' | 'uss';
/** A sample with `timestamps: true`: memory in MiB and when it was taken, in seconds since the epoch. */
export type TimedSample = [mib: number, epochSeconds: number];

export interface MemoryUsageOptions {
  /** Seconds between samples. Default 0.1. */
  interval?: number;
  /**
   * Stop sampling after this many seconds. A function still runs to its end (it cannot be stopped); a
   * command is sent SIGTERM (SIGKILL 2 s later). For a pid, sampling lasts this long (`Infinity`: until
   * the process exits); without it, a pid gets a single sample.
   */
  timeout?: number;
  /** Samples as `[MiB, epochSeconds]` pairs instead of plain MiB. Default false. */
  timestamps?: boolean;
  /** Add the memory of all descendant processes to each sample (process metrics only). Default false. */
  includeChildren?: boolean;
  /** Also return one series per descendant process, in `children` (process metrics only). Default false. */
  multiprocess?: boolean;
  /** Keep only the peak (and the number of samples): no `usage` series. Default false. */
  maxUsage?: boolean;
}

export interface FunctionUsageOptions extends MemoryUsageOptions {
  /** Default 'heap' (V8 heap used + external memory, as the line profiler). See docs/api.md. */
  metric?: UsageMetric;
  /** Also return what the function returned (for async functions: what its promise resolved to). */
  retval?: boolean;
}

export interface ProcessUsageOptions extends MemoryUsageOptions {
  /** Default 'rss'. */
  metric?: ProcessMetric;
}

export interface CommandUsageOptions extends ProcessUsageOptions {
  /** The command's stdin, stdout and stderr: memprof's own ('inherit', default) or none ('ignore'). */
  stdio?: 'inherit' | 'ignore';
}

/** One descendant process (with `multiprocess`). */
export interface ChildUsage<S extends number | TimedSample = number | TimedSample> {
  pid: number;
  /** Its samples while it was alive (absent with `maxUsage`). */
  usage?: S[];
  peak: S;
  samples: number;
}

/** What memoryUsage() resolves to; `MemoryUsage<Options, Value>` narrows it to the options given. */
export interface MemoryUsageResult<S extends number | TimedSample = number | TimedSample, T = unknown> {
  target: 'function' | 'pid' | 'command';
  /** The process measured: this one for a function, else the pid or the command's process. */
  pid: number;
  metric: UsageMetric;
  /**
   * Who took the samples between the ends: 'worker' (a worker thread, through the V8 inspector),
   * 'process' (a sampling child process), 'main' (this thread: timers, profiled calls; for pids and
   * commands, the only reader needed).
   */
  sampler: 'worker' | 'process' | 'main';
  /** For a function sampled by this thread ('main'): why (e.g. metric 'external', or no inspector). */
  note?: string;
  interval: number;
  /** Every sample in MiB (or [MiB, epochSeconds]), in time order; absent with `maxUsage`. */
  usage?: S[];
  /** The highest sample (0 when none could be taken: a command that ended at once). */
  peak: S;
  /** Number of samples taken. */
  samples: number;
  /** With `multiprocess`: one entry per descendant process seen, in order of discovery. */
  children?: ChildUsage<S>[];
  /** Epoch seconds when sampling started and ended. */
  start: number;
  end: number;
  /** Sampling stopped at `timeout` before the target finished. */
  timedOut: boolean;
  /** With `retval` (functions): the function's return value. */
  retval?: T;
  /** Commands: the exit code, or null if a signal ended it. */
  exitCode?: number | null;
  /** Commands: the signal that ended it, or null. */
  signal?: NodeJS.Signals | null;
}

/** 'on', 'off', or 'either' (a boolean not known when compiling) for option `K` of options type `O`. */
type Flag<O, K extends string> = [K extends keyof O ? O[K] : undefined] extends [infer V]
  ? [V] extends [true]
    ? 'on'
    : [V] extends [false | undefined]
      ? 'off'
      : 'either'
  : never;
type SampleOf<O> = { on: TimedSample; off: number; either: number | TimedSample }[Flag<O, 'timestamps'>];
type UsageOf<O, S> = { on: { usage?: undefined }; off: { usage: S[] }; either: { usage?: S[] } }[Flag<O, 'maxUsage'>];
type ChildrenOf<O, S extends number | TimedSample> = {
  on: { children: (Omit<ChildUsage<S>, 'usage'> & UsageOf<O, S>)[] };
  off: { children?: undefined };
  either: { children?: ChildUsage<S>[] };
}[Flag<O, 'multiprocess'>];
type RetvalOf<O, T> = { on: { retval: T }; off: { retval?: undefined }; either: { retval?: T } }[Flag<O, 'retval'>];

/** The result for options of type `O` (and a function returning `T`). */
export type MemoryUsage<O = MemoryUsageOptions, T = unknown> = Omit<MemoryUsageResult<SampleOf<O>, T>, 'usage' | 'children' | 'retval'> &
  UsageOf<O, SampleOf<O>> &
  ChildrenOf<O, SampleOf<O>> &
  RetvalOf<O, T>;

/** Extra fields of a command's result. */
export interface CommandExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}
