// Heap sampling in a profiled process (`memprof run --heap-sampling`): memprof's hook calls
// `startHeapSampling` in every thread it loads in, before the program runs. With the sampling
// environment set (src/shared/record-channel.ts), the thread runs V8's sampling heap profiler and
// writes its profile into the folder: when it ends (exit, or a signal that would end it), and on
// demand (the snapshot signal, `memprof snapshot <pid>`). Without it, this costs one lookup.
import { HEAP_SAMPLING_ENV } from '../shared/record-channel';

const STARTED = Symbol.for('memprof.heap-sampling');

export function startHeapSampling(): void {
  if (!process.env[HEAP_SAMPLING_ENV.folder]) return;
  const global = globalThis as Record<symbol, unknown>;
  if (global[STARTED]) return;
  global[STARTED] = true;
  (require('./lifecycle') as typeof import('./lifecycle')).sampleThisThread();
}
