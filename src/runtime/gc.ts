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
  if (typeof exposedAtLoad === 'function') {
    cached = exposedAtLoad;
  } else {
    try {
      setFlagsFromString('--expose-gc');
      cached = runInNewContext('gc') as () => void;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}
