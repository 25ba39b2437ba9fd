// A way to force a full garbage collection without asking users to start node with --expose-gc:
// `global.gc` when it exists, else the same function obtained as Jest's leak detector obtains it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let cached: (() => void) | null | undefined;

export function garbageCollector(): (() => void) | undefined {
  if (cached !== undefined) return cached ?? undefined;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') {
    cached = exposed;
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
