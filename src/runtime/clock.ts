// The real clocks, taken from node:perf_hooks when memprof loads. Test frameworks fake the global
// `Date`, `performance` and `process.hrtime` (jest.useFakeTimers(), sinon); durations and recording
// timestamps must come from the real clock whatever the program did to those globals.
import { performance } from 'node:perf_hooks';

const performanceNow = performance.now.bind(performance);
const timeOrigin = performance.timeOrigin;

/** Milliseconds on a monotonic clock, for durations. */
export function monotonicMs(): number {
  return performanceNow();
}

/** Milliseconds since the epoch (what Date.now() would say if nobody faked it). */
export function epochMs(): number {
  return timeOrigin + performanceNow();
}
