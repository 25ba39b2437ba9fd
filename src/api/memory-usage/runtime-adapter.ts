// The one module through which memoryUsage() reaches memprof's runtime (src/runtime/): how the line
// profiler reads its heap metrics, and when profiled functions start and end. Runtime names used:
// METRICS (runtime/metrics), addCallListener (runtime/call-events).
import { addCallListener } from '../../runtime/call-events';
import { hideOwnAllocations, METRICS } from '../../runtime/metrics';
import type { HeapMetric } from './types';

/**
 * A reader of `metric` as the line profiler reads it, made absolute like process.memoryUsage()'s:
 * the fast reading plus what it leaves out (V8's code and read-only spaces), measured once here.
 */
export function heapMetricReader(metric: HeapMetric): () => number {
  const reader = METRICS[metric];
  const offset = hideOwnAllocations(() => reader.offset());
  return () => reader.read() + offset;
}

/** Calls `onCall` whenever a profiled function starts or ends; returns the unsubscribe function. */
export function onProfiledCalls(onCall: () => void): () => void {
  const listener = (): undefined => {
    onCall();
    return undefined;
  };
  return addCallListener({ started: listener, ended: listener });
}
