// Memory assertions for test runners (Jest's and Vitest's `expect.extend`):
//   expect(fn).toAllocateAtMost('50 MiB')   the call's peak above its starting heap
//   expect(fn).toRetainAtMost(1024)         what is still live after the call and a full GC
// Async functions are awaited: `await expect(asyncFn).toAllocateAtMost(...)`.
import { collect, isThenable, type Collected } from '../api/collect';
import { garbageCollector } from '../runtime/gc';
import { METRICS } from '../runtime/metrics';
import { parseBytes, formatBytes } from './bytes';

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

function verdict(matcher: string, measured: number, limit: number, what: string, isNot = false): MatcherResult {
  const pass = measured <= limit;
  return {
    pass,
    message: () =>
      pass === !isNot
        ? `expected the function ${isNot ? 'to' : 'not to'} ${what} more than ${formatBytes(limit)}`
        : `expected the function to ${what} at most ${formatBytes(limit)}, but it ${what === 'allocate' ? 'allocated' : 'retained'} ${formatBytes(measured)} (${matcher})`,
  };
}

/** Peak heap (V8 used + external) above the heap at entry, over profiled samples and the exit. */
export function toAllocateAtMost(this: { isNot?: boolean } | void, received: unknown, limit: number | string): Measured {
  checkFunction(received, 'toAllocateAtMost');
  const bytes = parseBytes(limit);
  const isNot = (this as { isNot?: boolean } | undefined)?.isNot;
  const judge = (run: unknown) => verdict("toAllocateAtMost", (run as Collected<unknown>).peakBytes - (run as Collected<unknown>).entryBytes, bytes, 'allocate', isNot);
  const run = collect(received as () => unknown);
  return isThenable(run) ? Promise.resolve(run).then(judge) : judge(run as Collected<unknown>);
}

/**
 * Heap still in use after the call and a full GC, compared with before it (the return value is kept
 * alive until measured, so it counts). Forcing the GC needs no --expose-gc.
 */
export function toRetainAtMost(this: { isNot?: boolean } | void, received: unknown, limit: number | string): Measured {
  checkFunction(received, 'toRetainAtMost');
  const bytes = parseBytes(limit);
  const isNot = (this as { isNot?: boolean } | undefined)?.isNot;
  const gc = garbageCollector();
  if (!gc) throw new Error('memprof: toRetainAtMost needs a way to force garbage collection; run node with --expose-gc');
  gc();
  const before = METRICS.heap.read();
  const judge = (value: unknown) => {
    gc();
    const retained = METRICS.heap.read() - before;
    keepAlive(value);
    return verdict('toRetainAtMost', retained, bytes, 'retain', isNot);
  };
  // Collected (not printed): tables of profiled calls inside would only clutter the test output.
  const run = collect(received as () => unknown, { settle: false });
  return isThenable(run)
    ? Promise.resolve(run).then((done) => judge((done as Collected<unknown>).value))
    : judge((run as Collected<unknown>).value);
}

let sink: unknown;
function keepAlive(value: unknown): void {
  sink = value;
  sink = undefined;
}

export const memoryMatchers = { toAllocateAtMost, toRetainAtMost };
