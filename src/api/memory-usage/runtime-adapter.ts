// The one module through which memoryUsage() reaches memprof's runtime (src/runtime/): how the line
// profiler reads its heap metrics, and when profiled functions start and end. The runtime is being
// rewritten; this is the only place to follow it. Runtime names used: METRICS and hiddenSoFar
// (runtime/metrics), addCallListener (runtime/call-events).
import { addCallListener } from '../../runtime/call-events';
import { hiddenSoFar, METRICS } from '../../runtime/metrics';
import type { HeapMetric } from './types';

/**
 * A reader of `metric` as the line profiler counts it: V8's figure plus what memprof's own bookkeeping
 * has hidden from it so far, so that the numbers are absolute like process.memoryUsage()'s.
 */
export function heapMetricReader(metric: HeapMetric): () => number {
  const reader = METRICS[metric];
  return () => reader.read() + hiddenSoFar(metric);
}

/** Calls `onCall` whenever a profiled function starts or ends; returns the unsubscribe function. */
export function onProfiledCalls(onCall: () => void): () => void {
  const listener = (): undefined => {
    onCall();
    return undefined;
  };
  return addCallListener({ started: listener, ended: listener });
}
