// memoryUsage(target, options): memory over time of a function run once, of a running process, or of a
// command, like memory_profiler's `memory_usage`. See docs/api.md for the result and what each metric
// can and cannot sample.
//
// Who samples what:
// - function, heap metrics ('heap', 'heapUsed'): a worker thread asks the main thread's V8 inspector for
//   the used heap at every interval; V8 answers from an interrupt, so samples keep coming while
//   synchronous code runs. 'heap' adds the external memory last read on the main thread.
// - function, 'external' (or no inspector, or called from a worker thread): the main thread itself, at
//   entry and exit, on a timer while the event loop runs (async functions), and whenever a profiled
//   function starts or ends.
// - function, process metrics ('rss', 'pss', 'uss'): a sampling child process reading /proc.
// - pid, command: this thread, on timers (it has nothing else to do), reading /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, Worker } from 'node:worker_threads';
import { addCallListener } from '../runtime/call-events';
import { METRICS, type MetricName } from '../runtime/metrics';
import { checkProcSupport, processExists, type Backend } from '../record/proc';
import { nowSeconds, TreeSampler, type Sample as TreeSample } from '../record/sampler';
import { resolveCommand } from '../record/command';
import { RECORD_ENV } from '../record/channel-env';
import { isThenable } from './collect';
import {
  SHARED,
  STATE_EXITING,
  STATE_RUNNING,
  STATE_STOPPED,
  type HeapWorkerData,
  type HeapWorkerMessage,
  type ProcSamplerConfig,
  type ProcSamplerResult,
} from './memory-usage-worker';

// ---- public types ------------------------------------------------------------------------------

/** What a sample measures: the heap metrics of the line profiler (functions only), or a process measure. */
export type UsageMetric = MetricName | ProcessMetric;
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

// ---- options -----------------------------------------------------------------------------------

interface Resolved {
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

type Target = { kind: 'function'; fn: () => unknown } | { kind: 'pid'; pid: number } | { kind: 'command'; argv: string[] };

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
const PROCESS_METRICS: readonly string[] = ['rss', 'pss', 'uss'];
const FUNCTION_METRICS: readonly string[] = ['heap', 'heapUsed', 'external', ...PROCESS_METRICS];
const BACKEND_NAMES: Record<string, string> = { psutil: 'rss', posix: 'rss', psutil_pss: 'pss', psutil_uss: 'uss' };

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

function classify(target: unknown): Target {
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

function resolveOptions(target: Target, options: unknown): Resolved {
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
    if (typeof metric === 'string' && Object.hasOwn(BACKEND_NAMES, metric)) {
      fail(`option 'metric': memory_profiler's backend '${metric}' is metric '${BACKEND_NAMES[metric]}' here`);
    }
    if (typeof metric !== 'string' || !allowed.includes(metric)) {
      const why =
        typeof metric === 'string' && FUNCTION_METRICS.includes(metric)
          ? ` ('${metric}' is read from this thread's V8 heap; other processes are measured with rss, pss or uss)`
          : '';
      fail(`option 'metric' must be one of ${allowed.join(', ')} for a ${target.kind}, got ${describe(metric)}${why}`);
    }
    resolved.metric = metric as UsageMetric;
  }
  const processMetric = PROCESS_METRICS.includes(resolved.metric);
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

// ---- series ------------------------------------------------------------------------------------

const MIB = 1024 * 1024;

/** Samples of one process (or total), or only their peak with maxUsage. */
class Series {
  readonly times: number[] = [];
  readonly bytes: number[] = [];
  count = 0;
  peakBytes = -Infinity;
  peakTime = 0;

  constructor(private readonly keep: boolean) {}

  add(time: number, bytes: number): void {
    this.count++;
    if (this.keep) {
      this.times.push(time);
      this.bytes.push(bytes);
    }
    if (bytes > this.peakBytes) {
      this.peakBytes = bytes;
      this.peakTime = time;
    }
  }
}

class Accumulator {
  readonly total: Series;
  readonly children = new Map<number, Series>();

  constructor(private readonly options: Resolved) {
    this.total = new Series(!options.maxUsage);
  }

  add(time: number, bytes: number, children?: Iterable<readonly [number, number]>): void {
    this.total.add(time, bytes);
    if (!this.options.multiprocess || !children) return;
    for (const [pid, childBytes] of children) {
      let series = this.children.get(pid);
      if (!series) this.children.set(pid, (series = new Series(!this.options.maxUsage)));
      series.add(time, childBytes);
    }
  }

  addTree(sample: TreeSample): void {
    const children = sample.children.map((child) => [child.pid, child.bytes] as const);
    this.add(sample.time, this.options.includeChildren ? sample.total : sample.root, children);
  }
}

function toSample(bytes: number, time: number, timestamps: boolean): number | TimedSample {
  return timestamps ? [bytes / MIB, time] : bytes / MIB;
}

interface Finish {
  target: Target['kind'];
  pid: number;
  sampler: MemoryUsageResult['sampler'];
  note?: string;
  start: number;
  end: number;
  timedOut: boolean;
}

function buildResult(accumulator: Accumulator, options: Resolved, finish: Finish): MemoryUsageResult {
  const describeSeries = (series: Series) => {
    const peakBytes = series.count > 0 ? series.peakBytes : 0;
    const peak = toSample(peakBytes, series.count > 0 ? series.peakTime : finish.start, options.timestamps);
    const usage = options.maxUsage ? undefined : series.bytes.map((bytes, index) => toSample(bytes, series.times[index], options.timestamps));
    return { usage, peak, samples: series.count };
  };
  const total = describeSeries(accumulator.total);
  const result: MemoryUsageResult = {
    target: finish.target,
    pid: finish.pid,
    metric: options.metric,
    sampler: finish.sampler,
    ...(finish.note ? { note: finish.note } : {}),
    interval: options.interval,
    ...(options.maxUsage ? {} : { usage: total.usage }),
    peak: total.peak,
    samples: total.samples,
    start: finish.start,
    end: finish.end,
    timedOut: finish.timedOut,
  };
  if (options.multiprocess) {
    result.children = [...accumulator.children].map(([pid, series]) => {
      const described = describeSeries(series);
      return { pid, ...(options.maxUsage ? {} : { usage: described.usage }), peak: described.peak, samples: described.samples };
    });
  }
  return result;
}

// ---- functions ---------------------------------------------------------------------------------

/** The compiled sampler next to this file (dist/src/api/memory-usage-worker.js). */
const SAMPLER_FILE = join(__dirname, 'memory-usage-worker.js');

/** Pairs (time, bytes) kept in a typed array, so that recording one allocates nothing on the JS heap. */
class PairStore {
  private pairs = new Float64Array(2 * 4096);
  count = 0;

  add(time: number, bytes: number): void {
    if (2 * this.count + 2 > this.pairs.length) {
      const larger = new Float64Array(this.pairs.length * 2);
      larger.set(this.pairs);
      this.pairs = larger;
    }
    this.pairs[2 * this.count] = time;
    this.pairs[2 * this.count + 1] = bytes;
    this.count++;
  }

  entries(): [number, number][] {
    const entries: [number, number][] = [];
    for (let index = 0; index < this.count; index++) entries.push([this.pairs[2 * index], this.pairs[2 * index + 1]]);
    return entries;
  }
}

/** The heap worker, once it has told us it can read the main thread's heap. */
interface HeapSampler {
  shared: SharedArrayBuffer;
  unref(): void;
  /** Stops it and returns its samples. */
  finish(): Promise<{ pairs: Float64Array; timedOut: boolean }>;
}

/**
 * What to do at process exit for each running heap worker. One 'exit' listener serves them all, so that
 * many concurrent calls do not trip Node's listener-count warning.
 */
const atExit = new Set<() => void>();
const runAtExit = (): void => {
  for (const action of atExit) action();
};

function onProcessExit(action: () => void): () => void {
  if (atExit.size === 0) process.on('exit', runAtExit);
  atExit.add(action);
  return () => {
    atExit.delete(action);
    if (atExit.size === 0) process.off('exit', runAtExit);
  };
}

/** Starts the heap worker; resolves a string saying why not when it cannot sample this thread's heap. */
function startHeapSampler(options: Resolved): Promise<HeapSampler | string> {
  if (!isMainThread) return Promise.resolve('memoryUsage() runs in a worker thread, whose heap the inspector of the main thread does not see');
  if (!existsSync(SAMPLER_FILE)) return Promise.resolve(`the sampler is missing (${SAMPLER_FILE})`);
  const shared = new SharedArrayBuffer(SHARED.bytes);
  const data: HeapWorkerData = {
    role: 'memprof-heap-sampler',
    metric: options.metric as 'heap' | 'heapUsed',
    interval: options.interval,
    timeout: options.timeout,
    shared,
  };
  let worker: Worker;
  try {
    worker = new Worker(SAMPLER_FILE, { workerData: data, execArgv: [], stdout: true, stderr: true });
  } catch (error) {
    return Promise.resolve(`cannot start a worker thread: ${(error as Error).message}`);
  }
  return new Promise((resolve) => {
    let samples: ((value: { pairs: Float64Array; timedOut: boolean }) => void) | undefined;
    let received: { pairs: Float64Array; timedOut: boolean } | undefined;
    let ready = false;
    let reason = 'the sampling worker ended before it was ready';
    const gone = (error?: unknown): void => {
      if (!ready) resolve(error instanceof Error ? `the sampling worker failed: ${error.message}` : reason);
      else {
        received ??= { pairs: new Float64Array(0), timedOut: false };
        samples?.(received);
      }
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    worker.on('message', (message: HeapWorkerMessage) => {
      if (message.type === 'unavailable') {
        reason = `the V8 inspector is not available (${message.reason})`;
        void worker.terminate();
      } else if (message.type === 'ready') {
        ready = true;
        // process.exit() before the end: the worker must leave the main thread's inspector first.
        const cells = new Int32Array(shared, SHARED.cellsOffset, 2);
        const forget = onProcessExit(() => {
          Atomics.store(cells, SHARED.state, STATE_EXITING);
          Atomics.notify(cells, SHARED.state);
          Atomics.wait(cells, SHARED.exitAck, 0, 250);
        });
        resolve({
          shared,
          unref: () => worker.unref(),
          finish: () => {
            forget();
            worker.ref();
            return new Promise((done) => {
              if (received) return done(received);
              samples = done;
              worker.postMessage('stop');
            }).then(async (value) => {
              await worker.terminate();
              return value as { pairs: Float64Array; timedOut: boolean };
            });
          },
        });
      } else if (message.type === 'samples') {
        received = { pairs: message.pairs, timedOut: message.timedOut };
        samples?.(received);
      }
    });
  });
}

/** Runs `fn` once; its value or what it threw. */
async function runOnce(fn: () => unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
  try {
    const returned = fn();
    return { ok: true, value: isThenable(returned) ? await returned : returned };
  } catch (error) {
    return { ok: false, error };
  }
}

async function measureHeap(fn: () => unknown, options: Resolved): Promise<MemoryUsageResult> {
  const metricName = options.metric as MetricName;
  const started = metricName === 'external' ? 'external memory is read on this thread only' : await startHeapSampler(options);
  const worker = typeof started === 'string' ? undefined : started;
  const metric = METRICS[metricName];
  // Offsets make the fast readings absolute; they change little during a run, so they are taken once.
  const offset = metric.offset();
  const externalOffset = METRICS.external.offset();
  const readRaw = (): number => metric.read() + offset;
  const readExternal = (): number => METRICS.external.read() + externalOffset;
  const floats = worker ? new Float64Array(worker.shared, 0, 2) : undefined;
  const cells = worker ? new Int32Array(worker.shared, SHARED.cellsOffset, 2) : undefined;
  // Main-thread reads: the 'external' part of 'heap' for the worker, or every sample without one.
  const needMainReads = !worker || metricName === 'heap';
  const store = new PairStore();
  let running = false;
  let deadline = Infinity;
  let lastMain = -Infinity;
  const mainRead = (fromTimer: boolean): void => {
    if (!running) return;
    const time = nowSeconds();
    if (time > deadline) return;
    if (floats) {
      floats[SHARED.external] = readExternal();
      return;
    }
    if (!fromTimer && time - lastMain < options.interval) return;
    lastMain = time;
    store.add(time, readRaw());
  };
  const onCall = (): undefined => {
    mainRead(false);
    return undefined;
  };
  let removeListener: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let fromWorker: { pairs: Float64Array } | undefined;
  let start: number;
  let entry: number;
  let end: number;
  let exit: number;
  let outcome: Awaited<ReturnType<typeof runOnce>>;
  try {
    if (needMainReads) {
      removeListener = addCallListener({ started: onCall, ended: onCall });
      timer = setInterval(() => mainRead(true), options.interval * 1000);
      timer.unref();
    }
    // Neither may keep the program alive while the function waits on something that does not.
    worker?.unref();

    if (floats) floats[SHARED.external] = readExternal();
    start = nowSeconds();
    entry = readRaw();
    if (options.timeout !== undefined) deadline = start + options.timeout;
    lastMain = start;
    running = true;
    if (floats && cells) {
      floats[SHARED.startTime] = start;
      Atomics.store(cells, SHARED.state, STATE_RUNNING);
      Atomics.notify(cells, SHARED.state);
    }
    outcome = await runOnce(fn);
    end = nowSeconds();
    exit = readRaw();
  } finally {
    running = false;
    if (cells) {
      Atomics.store(cells, SHARED.state, STATE_STOPPED);
      Atomics.notify(cells, SHARED.state);
    }
    if (timer) clearInterval(timer);
    removeListener?.();
    if (worker) fromWorker = await worker.finish();
  }
  if (!outcome.ok) throw outcome.error;

  const timedOut = end > deadline;
  const samples: [number, number][] = [[start, entry], ...store.entries()];
  if (fromWorker) {
    const pairs = fromWorker.pairs;
    for (let index = 0; index + 1 < pairs.length; index += 2) {
      const time = pairs[index];
      if (time >= start && time <= end && time <= deadline) samples.push([time, pairs[index + 1]]);
    }
  }
  if (!timedOut) samples.push([end, exit]);
  samples.sort((a, b) => a[0] - b[0]);
  const accumulator = new Accumulator(options);
  for (const [time, bytes] of samples) accumulator.add(time, bytes);
  const result = buildResult(accumulator, options, {
    target: 'function',
    pid: process.pid,
    sampler: worker ? 'worker' : 'main',
    note: typeof started === 'string' ? started : undefined,
    start,
    end: timedOut ? deadline : end,
    timedOut,
  });
  if (options.retval) result.retval = outcome.value;
  return result;
}

/** Reads `\n`-terminated lines from a child's stdout, one at a time. */
class LineReader {
  private buffered = '';
  private lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;

  constructor(child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.buffered += chunk;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        this.lines.push(this.buffered.slice(0, newline));
        this.buffered = this.buffered.slice(newline + 1);
      }
      this.flush();
    });
    child.stdout!.on('close', () => {
      this.ended = true;
      this.flush();
    });
  }

  private flush(): void {
    if (!this.waiting) return;
    if (this.lines.length > 0) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting(this.lines.shift());
    } else if (this.ended) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting(undefined);
    }
  }

  /** The next line; undefined once the child closed its stdout. */
  next(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.flush();
    });
  }
}

/** The environment of memprof's helper processes: none of the parent's Node options or recording. */
function helperEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const name of Object.values(RECORD_ENV)) delete env[name];
  return env;
}

function samplerFailure(line: string | undefined): Error {
  let reason = 'the sampling process ended early';
  if (line) {
    try {
      reason = (JSON.parse(line) as ProcSamplerResult).error ?? reason;
    } catch {
      reason = line;
    }
  }
  return new Error(`memprof: memoryUsage(): cannot sample this process: ${reason}`);
}

async function measureProcessOfFunction(fn: () => unknown, options: Resolved): Promise<MemoryUsageResult> {
  checkProcSupport(options.metric as Backend);
  if (!existsSync(SAMPLER_FILE)) throw new Error(`memprof: memoryUsage(): the sampler is missing (${SAMPLER_FILE}); build memprof first`);
  const config: ProcSamplerConfig = {
    pid: process.pid,
    backend: options.metric as Backend,
    interval: options.interval,
    timeout: options.timeout,
    followTree: options.includeChildren || options.multiprocess,
  };
  const child = spawn(process.execPath, [SAMPLER_FILE, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'], env: helperEnv() });
  const lines = new LineReader(child);
  child.on('error', () => undefined); // reported through stdout closing
  child.stdin!.on('error', () => undefined); // the child died: the next read says so
  const refs = (on: boolean): void => {
    for (const handle of [child, child.stdin, child.stdout] as unknown as { ref(): void; unref(): void }[]) {
      if (on) handle.ref();
      else handle.unref();
    }
  };
  try {
    const ready = await lines.next();
    if (ready !== 'ready') throw samplerFailure(ready);
    child.stdin!.write('start\n');
    const started = await lines.next();
    if (started !== 'started') throw samplerFailure(started);
    refs(false);
    const outcome = await runOnce(fn);
    const end = nowSeconds();
    refs(true);
    child.stdin!.write('stop\n');
    const line = await lines.next();
    if (!outcome.ok) throw outcome.error;
    if (line === undefined) throw samplerFailure(line);
    const report = JSON.parse(line) as ProcSamplerResult;
    const accumulator = new Accumulator(options);
    for (const [time, root, total, children] of report.samples) {
      accumulator.add(time, options.includeChildren ? total : root, children);
    }
    const start = report.samples[0]?.[0] ?? end;
    const last = report.samples[report.samples.length - 1]?.[0] ?? end;
    const result = buildResult(accumulator, options, {
      target: 'function',
      pid: process.pid,
      sampler: 'process',
      start,
      end: report.timedOut && options.timeout !== undefined ? start + options.timeout : Math.max(end, last),
      timedOut: report.timedOut,
    });
    if (options.retval) result.retval = outcome.value;
    return result;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    child.stdin!.destroy();
  }
}

// ---- pids and commands -------------------------------------------------------------------------

interface TreeRun {
  accumulator: Accumulator;
  start: number;
  end: number;
  timedOut: boolean;
}

/**
 * Samples a process tree from this thread every interval until it is gone, `deadline` passes, or
 * `stop()` is called. `single`: one sample only.
 */
function sampleTree(pid: number, options: Resolved, single: boolean): { done: Promise<TreeRun>; stop(): void } {
  const { discoveryCadence } = require('../record/recorder') as typeof import('../record/recorder');
  const sampler = new TreeSampler(pid, {
    backend: options.metric as Backend,
    followTree: options.includeChildren || options.multiprocess,
    ...discoveryCadence(options.interval),
  });
  const accumulator = new Accumulator(options);
  const start = nowSeconds();
  const deadline = options.timeout === undefined ? Infinity : start + options.timeout;
  const intervalMs = options.interval * 1000;
  let timer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let finished = false;
  let resolveDone!: (run: TreeRun) => void;
  const done = new Promise<TreeRun>((resolve) => (resolveDone = resolve));
  const finish = (timedOut: boolean): void => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    if (timeoutTimer) clearTimeout(timeoutTimer);
    sampler.close();
    resolveDone({ accumulator, start, end: timedOut ? deadline : nowSeconds(), timedOut });
  };
  let next = performance.now();
  const tick = (): void => {
    timer = undefined;
    if (finished) return;
    if (nowSeconds() > deadline) return finish(true);
    const sample = sampler.sample();
    if (!sample) return finish(false);
    accumulator.addTree(sample);
    if (single) return finish(false);
    const after = performance.now();
    next += intervalMs;
    if (next < after) next = after;
    timer = setTimeout(tick, next - after);
  };
  tick();
  // On time even when the interval is longer than the timeout (timers take at most 2^31-1 ms).
  if (!finished && options.timeout !== undefined && options.timeout * 1000 < 2 ** 31 - 1) {
    timeoutTimer = setTimeout(() => finish(true), options.timeout * 1000);
  }
  return { done, stop: () => finish(false) };
}

async function measurePid(pid: number, options: Resolved): Promise<MemoryUsageResult> {
  checkProcSupport(options.metric as Backend);
  if (!processExists(pid)) throw new Error(`memprof: memoryUsage(): no process with pid ${pid}`);
  let run: ReturnType<typeof sampleTree>;
  try {
    run = sampleTree(pid, options, options.timeout === undefined);
  } catch (error) {
    throw new Error(`memprof: memoryUsage(): cannot read process ${pid}: ${(error as Error).message}`);
  }
  const { accumulator, start, end, timedOut } = await run.done;
  if (accumulator.total.count === 0) throw new Error(`memprof: memoryUsage(): process ${pid} has exited`);
  return buildResult(accumulator, options, { target: 'pid', pid, sampler: 'main', start, end, timedOut });
}

async function measureCommand(argv: string[], options: Resolved): Promise<MemoryUsageResult & CommandExit> {
  checkProcSupport(options.metric as Backend);
  const command = resolveCommand(argv); // throws CommandNotFoundError (exitCode 127/126)
  const child = spawn(command.file, command.args, { stdio: options.stdio, argv0: command.nodeScript ? undefined : argv[0] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null } | Error>((resolve) => {
    child.once('error', (error) => resolve(error));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  if (child.pid === undefined) {
    const failure = await exited;
    throw new Error(`memprof: memoryUsage(): cannot start ${argv[0]}: ${failure instanceof Error ? failure.message : 'no process'}`);
  }
  let run: ReturnType<typeof sampleTree>;
  try {
    run = sampleTree(child.pid, options, false);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`memprof: memoryUsage(): cannot read process ${child.pid}: ${(error as Error).message}`);
  }
  void exited.then(() => run.stop());
  const sampled = await run.done;
  let killer: NodeJS.Timeout | undefined;
  if (sampled.timedOut && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    killer = setTimeout(() => child.kill('SIGKILL'), 2000);
  }
  const outcome = await exited;
  if (killer) clearTimeout(killer);
  const result = buildResult(sampled.accumulator, options, {
    target: 'command',
    pid: child.pid,
    sampler: 'main',
    start: sampled.start,
    end: sampled.end,
    timedOut: sampled.timedOut,
  });
  const exit = outcome instanceof Error ? { code: null, signal: null } : outcome;
  return { ...result, exitCode: exit.code, signal: exit.signal };
}

// ---- entry -------------------------------------------------------------------------------------

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
      return PROCESS_METRICS.includes(resolved.metric) ? measureProcessOfFunction(classified.fn, resolved) : measureHeap(classified.fn, resolved);
    case 'pid':
      return measurePid(classified.pid, resolved);
    case 'command':
      return measureCommand(classified.argv, resolved);
  }
}
