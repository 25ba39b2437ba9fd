// Debugging by a memory threshold (memory_profiler's --pdb-mmem, without re-running the line): the
// first time a profiled call's memory passes `breakAt`, subscribers are told (the default one says
// where and keeps a heap snapshot, see reporters/threshold-stop.ts), then the program pauses in the
// debugger if one is attached. Then it simply continues.
import { hideOwnAllocations } from './metrics';
import { announceThresholdCrossed, type ThresholdCrossing } from './call-events';

export type { ThresholdCrossing };

let fired = false;

/** Whether a threshold can still fire in this process (it fires once). */
export function thresholdArmed(): boolean {
  return !fired;
}

export function thresholdCrossed(crossing: ThresholdCrossing): void {
  if (fired) return;
  fired = true;
  hideOwnAllocations(() => announceThresholdCrossed(crossing));
  // Pauses here when an inspector client (Chrome DevTools, VS Code) is attached; a no-op otherwise.
  // Step out to reach the profiled function, one statement after the line reported.
  // eslint-disable-next-line no-debugger
  debugger;
}
