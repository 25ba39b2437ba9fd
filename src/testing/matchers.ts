// Memory assertions for test runners (Jest's and Vitest's `expect.extend`):
//   expect(fn).toAllocateAtMost('50 MiB')   bytes the call allocated (whatever the GC reclaimed)
//   expect(fn).toRetainAtMost(1024)         what is still live after the call and a full GC
//   expect(fn).toNotLeak()                  repeated calls do not keep more and more memory alive
// Async functions are awaited: `await expect(asyncFn).toAllocateAtMost(...)`.
import { collect, type Collected } from '../api/collect';
import { findLeaks, type FindLeaksOptions } from '../api/leaks/lazy';
import { formatLeakReport, type LeakReport } from '../api/leaks/leak-report';
import { isThenable } from '../shared/thenable';
import { forceCollection, hideOwnAllocations, METRICS, readAbsolute } from '../runtime/metrics';
import { parseBytes, formatBytes } from '../shared/bytes';
import { primordials } from '../shared/primordials';

const { PromisePrototypeThen, PromiseResolve } = primordials;

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

type Measured = MatcherResult | Promise<MatcherResult>;

function checkFunction(received: unknown, matcher: string): asserts received is () => unknown {
  if (typeof received !== 'function') {
    throw new TypeError(`memprof: expect(received).${matcher}(...) needs a function to call, got ${typeof received}`);
  }
}

function verdict(matcher: string, measured: number, limit: number, what: string, isNot = false, note = ''): MatcherResult {
  const pass = measured <= limit;
  return {
    pass,
    message: () =>
      pass === !isNot
        ? `expected the function ${isNot ? 'to' : 'not to'} ${what} more than ${formatBytes(limit)}`
        : `expected the function to ${what} at most ${formatBytes(limit)}, but it ${what === 'allocate' ? 'allocated' : 'retained'} ${formatBytes(measured)} (${matcher}${note})`,
  };
}

/** Bytes the call allocated (memprof's Allocated: counted when allocated, whatever the GC reclaimed). */
export function toAllocateAtMost(this: { isNot?: boolean } | void, received: unknown, limit: number | string): Measured {
  checkFunction(received, 'toAllocateAtMost');
  const bytes = parseBytes(limit);
  const isNot = (this as { isNot?: boolean } | undefined)?.isNot;
  const judge = (run: Collected<unknown>) =>
    verdict('toAllocateAtMost', run.allocatedBytes, bytes, 'allocate', isNot, run.allocationExact ? '' : ', estimated without the native addon');
  const run = collect(received as () => unknown);
  return isThenable(run) ? PromisePrototypeThen(PromiseResolve(run), (done) => judge(done as Collected<unknown>)) : judge(run as Collected<unknown>);
}

/**
 * Heap still in use after the call and a full GC, compared with before it and a full GC (the return
 * value is kept alive until measured, so it counts): memprof's Retained. Forcing the GC needs no
 * --expose-gc, and the collections are hidden from any profiled call around the assertion.
 */
export function toRetainAtMost(this: { isNot?: boolean } | void, received: unknown, limit: number | string): Measured {
  checkFunction(received, 'toRetainAtMost');
  const bytes = parseBytes(limit);
  const isNot = (this as { isNot?: boolean } | undefined)?.isNot;
  if (!forceCollection()) throw new Error('memprof: toRetainAtMost needs a way to force garbage collection; run node with --expose-gc');
  const before = hideOwnAllocations(() => readAbsolute(METRICS.heap));
  const judge = (value: unknown) => {
    forceCollection();
    const retained = hideOwnAllocations(() => readAbsolute(METRICS.heap)) - before;
    keepAlive(value);
    return verdict('toRetainAtMost', retained, bytes, 'retain', isNot);
  };
  // Collected (not printed): tables of profiled calls inside would only clutter the test output.
  const run = collect(received as () => unknown, { settle: false });
  return isThenable(run)
    ? PromisePrototypeThen(PromiseResolve(run), (done) => judge((done as Collected<unknown>).value))
    : judge((run as Collected<unknown>).value);
}

/**
 * Calls the function again and again (findLeaks()): passes when the memory it leaves alive does not
 * grow with the number of calls. A failure shows the lines that keep the memory and their retainers.
 */
export function toNotLeak(this: { isNot?: boolean } | void, received: unknown, options?: FindLeaksOptions): Measured {
  checkFunction(received, 'toNotLeak');
  const isNot = (this as { isNot?: boolean } | undefined)?.isNot === true;
  const judge = (report: LeakReport): MatcherResult => ({
    pass: !report.leaking,
    message: () =>
      report.leaking
        ? `expected the function not to leak, but it does (toNotLeak):\n${formatLeakReport(report, 'the function', process.cwd())}`
        : `expected the function to leak (.not.toNotLeak), but it does not:\n${formatLeakReport(report, 'the function', process.cwd())}`,
  });
  // Lines are only worth finding when the assertion fails for a leak (not when a leak is expected).
  const run = findLeaks(received as () => unknown, { explain: !isNot, ...(options ?? {}) });
  return isThenable(run) ? PromisePrototypeThen(PromiseResolve(run), judge) : judge(run as LeakReport);
}

let sink: unknown;
function keepAlive(value: unknown): void {
  sink = value;
  sink = undefined;
}

export const memoryMatchers = { toAllocateAtMost, toRetainAtMost, toNotLeak };

/** toNotLeak()'s options (findLeaks()'s), for the matchers' type declarations. */
export type { FindLeaksOptions };
