// Programmatic results: run code and get back what its profiled calls measured, instead of (or as
// well as) the printed tables. The building block of the test matchers.
import { AsyncLocalStorage } from 'node:async_hooks';
import { addCallListener } from '../runtime/call-events';
import { hiddenSoFar, METRICS } from '../runtime/metrics';
import { garbageCollector } from '../runtime/gc';
import { toCallReport, type CallReport } from '../report/call-report';

export interface CollectOptions {
  /** Also print the tables as usual. Default false. */
  print?: boolean;
  /**
   * Run a full garbage collection first (default true), so that garbage left by earlier code is not
   * collected during the run and taken off what the run allocated.
   */
  settle?: boolean;
}

export interface Collected<T> {
  /** What the function returned (for async functions: what the promise resolved to). */
  value: T;
  /** Every profiled call that ended while the function ran, in the order they ended. */
  calls: CallReport[];
  /** Heap metric (V8 heap used + external) around the whole run, in bytes. */
  entryBytes: number;
  exitBytes: number;
  /** The highest heap seen: at the end, or by any profiled call inside. */
  peakBytes: number;
}

interface Collector {
  calls: CallReport[];
  print: boolean;
}

const scope = new AsyncLocalStorage<Collector>();
let listening = false;

function listen(): void {
  if (listening) return;
  listening = true;
  addCallListener({
    ended(_call, result) {
      const collector = scope.getStore();
      if (!collector || result.block) return false;
      collector.calls.push(toCallReport(result));
      return !collector.print;
    },
  });
}

/**
 * Runs `fn` and returns its value with the reports of the profiled calls it made. Calls made by
 * other, concurrent code are not included (the scope follows async context).
 */
export function collect<T>(fn: () => Promise<T>, options?: CollectOptions): Promise<Collected<T>>;
export function collect<T>(fn: () => T, options?: CollectOptions): Collected<T>;
export function collect<T>(fn: () => T | Promise<T>, options: CollectOptions = {}): Collected<T> | Promise<Collected<T>> {
  if (typeof fn !== 'function') throw new TypeError(`memprof: collect() expects a function, got ${typeof fn}`);
  listen();
  const collector: Collector = { calls: [], print: options.print === true };
  const heap = METRICS.heap;
  if (options.settle !== false) garbageCollector()?.();
  // Absolute values, as calls report them (see hiddenSoFar).
  const offset = hiddenSoFar('heap');
  const entryBytes = heap.read() + offset;
  const finish = (value: T): Collected<T> => {
    const exitBytes = heap.read() + offset;
    const peaks = collector.calls.filter((call) => call.metric === 'heap').map((call) => call.peakBytes);
    return { value, calls: collector.calls, entryBytes, exitBytes, peakBytes: Math.max(exitBytes, entryBytes, ...peaks) };
  };
  const value = scope.run(collector, fn);
  if (isThenable(value)) return Promise.resolve(value).then(finish);
  return finish(value as T);
}

/** Promises from another realm (a test runner's sandbox) are not `instanceof Promise` here. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** The report of `line` in a call (undefined if the line did not run). */
export function lineReport(call: CallReport, line: number) {
  return call.lines.find((entry) => entry.line === line);
}
