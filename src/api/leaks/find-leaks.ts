// findLeaks(fn, { iterations, warmup }): does memory stay alive after each call of `fn`, growing with
// the number of calls, and which lines keep it? Calls `fn` repeatedly, each time under collect() (so
// that profiled functions' tables are not printed, and their lines' Allocated is known), with a full
// collection after each call, hidden from every figure; fits the retained bytes (growth.ts) and, when
// they grow, explains which lines keep them (explain.ts). Synchronous for a synchronous `fn`, a
// promise for an async one.
import { collect, type Collected } from '../collect';
import { forceCollection, hideOwnAllocations, METRICS, readAbsolute } from '../../runtime/metrics';
import { isThenable } from '../../shared/thenable';
import { parseBytes } from '../../shared/bytes';
import { explainGrowth, WATCHED_ITERATIONS, type IterationFigures } from './explain';
import { fitGrowth } from './growth';
import { median } from '../../shared/statistics';
import type { LeakReport } from './leak-report';

export interface FindLeaksOptions {
  /** Calls measured, warm-up included. Default 20. */
  iterations?: number;
  /** First calls left out of the fit (module caches filling, code being compiled). Default 3. */
  warmup?: number;
  /** Growth per iteration below which memory is not said to leak: bytes or '8 KiB'. Default 8 KiB. */
  threshold?: number | string;
  /** When it leaks, find the lines that keep the memory (a few more calls, watched). Default true. */
  explain?: boolean;
}

const DEFAULTS = { iterations: 20, warmup: 3, threshold: 8 * 1024, explain: true };
/** A steady trend, not noise: the Mann–Kendall confidence a leak needs. */
export const CONFIDENCE_NEEDED = 0.95;
const KNOWN_OPTIONS = ['iterations', 'warmup', 'threshold', 'explain'];

interface Settings {
  iterations: number;
  warmup: number;
  thresholdBytes: number;
  explain: boolean;
}

function settingsOf(options: FindLeaksOptions | undefined): Settings {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`memprof: findLeaks() options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  for (const key of Object.keys(options ?? {})) {
    if (!KNOWN_OPTIONS.includes(key)) throw new TypeError(`memprof: unknown findLeaks() option "${key}"; known options: ${KNOWN_OPTIONS.join(', ')}`);
  }
  const iterations = options?.iterations ?? DEFAULTS.iterations;
  const warmup = options?.warmup ?? DEFAULTS.warmup;
  if (!Number.isInteger(warmup) || warmup < 0) throw new TypeError(`memprof: findLeaks() option "warmup" must be a whole number, got ${String(warmup)}`);
  if (!Number.isInteger(iterations) || iterations < warmup + 4) {
    throw new TypeError(`memprof: findLeaks() option "iterations" must be a whole number at least warmup + 4 (${warmup + 4}), got ${String(iterations)}`);
  }
  const explain = options?.explain ?? DEFAULTS.explain;
  if (typeof explain !== 'boolean') throw new TypeError(`memprof: findLeaks() option "explain" must be true or false, got ${String(explain)}`);
  return { iterations, warmup, thresholdBytes: parseBytes(options?.threshold ?? DEFAULTS.threshold), explain };
}

function figuresOf(run: Collected<unknown>): IterationFigures {
  const lineAllocations = new Map<string, number>();
  for (const call of run.calls) {
    for (const line of call.lines) {
      const key = `${call.file}:${line.line}`;
      lineAllocations.set(key, (lineAllocations.get(key) ?? 0) + line.allocatedBytes);
    }
  }
  return { allocatedBytes: run.allocatedBytes, exact: run.allocationExact, lineAllocations };
}

/** One call of `fn`; the value it returned is dropped here, so that it is not kept by the leak finder. */
function iterate(fn: () => unknown): IterationFigures | Promise<IterationFigures> {
  const run = collect(fn, { settle: false });
  return isThenable(run) ? Promise.resolve(run).then((done) => figuresOf(done as Collected<unknown>)) : figuresOf(run as Collected<unknown>);
}

/** The leak finder's plan: each `yield` is one call of the function, answered with its figures. */
function* plan(settings: Settings): Generator<void, LeakReport, IterationFigures> {
  const retained = new Float64Array(settings.iterations);
  const allocated = new Float64Array(settings.iterations);
  let exact = true;
  // Each line's allocation is its median over the measured calls (after warm-up, before the watched
  // ones, in which marking allocates): one call alone may carry V8 compiling on a busy machine.
  const measured: IterationFigures[] = [];
  if (!forceCollection()) throw new Error('memprof: findLeaks needs a way to force garbage collection; run node with --expose-gc');
  const start = hideOwnAllocations(() => readAbsolute(METRICS.heap));
  for (let iteration = 0; iteration < settings.iterations; iteration++) {
    const figures = yield;
    if (iteration >= settings.warmup || iteration === settings.iterations - 1) measured.push(figures);
    allocated[iteration] = figures.allocatedBytes;
    exact &&= figures.exact;
    forceCollection();
    retained[iteration] = hideOwnAllocations(() => readAbsolute(METRICS.heap)) - start;
  }
  const retainedBytes = Array.from(retained);
  const growth = fitGrowth(retainedBytes, settings.warmup);
  const leaking =
    growth.bytesPerIteration >= settings.thresholdBytes && growth.recentBytesPerIteration >= settings.thresholdBytes && growth.confidence >= CONFIDENCE_NEEDED;
  const report: LeakReport = {
    leaking,
    ...growth,
    thresholdBytes: settings.thresholdBytes,
    iterations: settings.iterations,
    warmup: settings.warmup,
    retainedBytes,
    allocatedBytesPerIteration: median(allocated.subarray(settings.warmup)),
    allocationExact: exact,
    lines: [],
    note: null,
  };
  if (leaking && settings.explain) {
    const explanation = yield* explainGrowth(growth, medianFigures(measured));
    report.lines = explanation.lines;
    report.note = explanation.note;
  }
  return report;
}

/** The measured calls' figures as one: each line's allocation, and the total, as their medians. */
function medianFigures(calls: IterationFigures[]): IterationFigures {
  const perLine = new Map<string, number[]>();
  for (const call of calls) {
    for (const [key, bytes] of call.lineAllocations) {
      let values = perLine.get(key);
      if (!values) perLine.set(key, (values = []));
      values.push(bytes);
    }
  }
  const lineAllocations = new Map<string, number>();
  // A line a call did not reach allocated nothing in it.
  for (const [key, values] of perLine) lineAllocations.set(key, median([...values, ...new Array<number>(calls.length - values.length).fill(0)]));
  return {
    allocatedBytes: median(calls.map((call) => call.allocatedBytes)),
    exact: calls.every((call) => call.exact),
    lineAllocations,
  };
}

/** Runs the plan: synchronously while `fn` returns plain values, asynchronously once it returns a promise. */
function drive(steps: Generator<void, LeakReport, IterationFigures>, fn: () => unknown): LeakReport | Promise<LeakReport> {
  let next = steps.next();
  while (!next.done) {
    let figures: IterationFigures | Promise<IterationFigures>;
    try {
      figures = iterate(fn);
    } catch (error) {
      steps.throw(error);
      throw error;
    }
    if (isThenable(figures)) return driveAsync(steps, figures, fn);
    next = steps.next(figures);
  }
  return next.value;
}

async function driveAsync(steps: Generator<void, LeakReport, IterationFigures>, pending: Promise<IterationFigures>, fn: () => unknown): Promise<LeakReport> {
  let figures = pending;
  for (;;) {
    let done: IterationFigures;
    try {
      done = await figures;
    } catch (error) {
      steps.throw(error);
      throw error;
    }
    const next = steps.next(done);
    if (next.done) return next.value;
    try {
      figures = Promise.resolve(iterate(fn));
    } catch (error) {
      steps.throw(error);
      throw error;
    }
  }
}

/**
 * Calls `fn` `iterations` times (each followed by a full garbage collection) and says whether the
 * memory it leaves alive grows with the number of calls; when it does, which lines keep it, with a
 * sample object's retainers. `fn` is called WATCHED_ITERATIONS + 2 more times to find the lines.
 */
export function findLeaks(fn: () => Promise<unknown>, options?: FindLeaksOptions): Promise<LeakReport>;
export function findLeaks(fn: () => unknown, options?: FindLeaksOptions): LeakReport;
export function findLeaks(fn: () => unknown, options?: FindLeaksOptions): LeakReport | Promise<LeakReport> {
  if (typeof fn !== 'function') throw new TypeError(`memprof: findLeaks() expects a function, got ${typeof fn}`);
  return drive(plan(settingsOf(options)), fn);
}

export { WATCHED_ITERATIONS };
