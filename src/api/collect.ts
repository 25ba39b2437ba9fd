// Programmatic results: run code and get back what its profiled calls measured, instead of (or as
// well as) the printed tables. The building block of the test matchers.
import { AsyncLocalStorage } from 'node:async_hooks';
import { addCallListener } from '../runtime/call-events';
import { forceCollection, METRICS, readAbsolute, hideOwnAllocations } from '../runtime/metrics';
import { openAllocationSpan } from '../runtime/allocation-span';
import { toCallReport, type CallReport } from '../reporters/call-report';
import { isThenable } from '../shared/thenable';
import { append, own, primordials } from '../shared/primordials';

const { MathMax, PromisePrototypeThen, PromiseResolve } = primordials;


export interface CollectOptions {
  /** Also print the tables as usual. Default false. */
  print?: boolean;
  /**
   * Run a full garbage collection first (default true), so that the heap figures start from live
   * memory only. Allocated does not depend on it.
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
  /** Bytes the whole run allocated (profiled or not), whatever collections reclaimed meanwhile. */
  allocatedBytes: number;
  /** Bytes released during the run (by collections, or external memory given back). */
  freedBytes: number;
  /** False when allocatedBytes is an estimate (memprof's native addon is not loaded). */
  allocationExact: boolean;
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
      append(collector.calls, toCallReport(result));
      return !collector.print;
    },
  });
}

/**
 * Runs `fn` and returns its value with the reports of the profiled calls it made. Calls made by
 * other, concurrent code are not included (the scope follows async context); allocatedBytes counts
 * everything the process allocated meanwhile.
 */
export function collect<T>(fn: () => Promise<T>, options?: CollectOptions): Promise<Collected<T>>;
export function collect<T>(fn: () => T, options?: CollectOptions): Collected<T>;
export function collect<T>(fn: () => T | Promise<T>, options: CollectOptions = {}): Collected<T> | Promise<Collected<T>> {
  if (typeof fn !== 'function') throw new TypeError(`memprof: collect() expects a function, got ${typeof fn}`);
  listen();
  const collector: Collector = { calls: [], print: own(options, 'print') === true };
  const heap = METRICS.heap;
  if (own(options, 'settle') !== false) forceCollection();
  const entryBytes = hideOwnAllocations(() => readAbsolute(heap));
  const endSpan = hideOwnAllocations(() => openAllocationSpan(heap));
  const finish = (value: T): Collected<T> =>
    hideOwnAllocations(() => {
      const totals = endSpan();
      const exitBytes = readAbsolute(heap);
      let peakBytes = MathMax(exitBytes, entryBytes);
      for (let index = 0; index < collector.calls.length; index++) {
        const call = collector.calls[index];
        if (call.metric === 'heap' && call.peakBytes > peakBytes) peakBytes = call.peakBytes;
      }
      return {
        value,
        calls: collector.calls,
        entryBytes,
        exitBytes,
        peakBytes,
        allocatedBytes: totals.allocatedBytes,
        freedBytes: totals.freedBytes,
        allocationExact: totals.exact,
      };
    });
  const value = scope.run(collector, fn);
  if (isThenable(value)) return PromisePrototypeThen(PromiseResolve(value), finish);
  return finish(value as T);
}

/** The report of `line` in a call (undefined if the line did not run). */
export function lineReport(call: CallReport, line: number) {
  for (let index = 0; index < call.lines.length; index++) if (call.lines[index].line === line) return call.lines[index];
  return undefined;
}
