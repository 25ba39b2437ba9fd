// The real clocks, taken when memprof first loads (see shared/primordials.ts). Test frameworks fake
// the global `Date`, `performance` and `process.hrtime` (jest.useFakeTimers(), sinon); durations and
// recording timestamps must come from the real clock whatever the program did to those globals.
import { primordials } from '../shared/primordials';

const { PerformanceNow, PerformanceTimeOrigin } = primordials;

/** Milliseconds on a monotonic clock, for durations. */
export function monotonicMs(): number {
  return PerformanceNow();
}

/** Milliseconds since the epoch (what Date.now() would say if nobody faked it). */
export function epochMs(): number {
  return PerformanceTimeOrigin + PerformanceNow();
}
