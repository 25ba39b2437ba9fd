// A way to force a full garbage collection without asking users to start node with --expose-gc:
// `global.gc` when it exists, else the same function obtained as Jest's leak detector obtains it.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

// Taken when memprof loads: a program (or its test framework) may replace these, or the global gc.
const { setFlagsFromString } = v8;
const { runInNewContext } = vm;
const exposedAtLoad = (globalThis as { gc?: () => void }).gc;

let cached: (() => void) | null | undefined;

export function garbageCollector(): (() => void) | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = typeof exposedAtLoad === 'function' ? exposedAtLoad : exposedInNewContext();
  return cached ?? undefined;
}

/**
 * `gc` from a new context, exposing it for that context only. The flag goes back off at once: left on,
 * every context and worker created later (a Jest test environment, `vm.runInNewContext`, a Worker)
 * would have a global `gc` the program does not have without memprof.
 */
function exposedInNewContext(): (() => void) | null {
  try {
    // Already exposed (node --expose-gc, and the program deleted its global): nothing to change.
    return runInNewContext('gc') as () => void;
  } catch {
    // ReferenceError: not exposed. Expose it below.
  }
  try {
    setFlagsFromString('--expose-gc');
    try {
      return runInNewContext('gc') as () => void;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  } catch {
    return null;
  }
}
