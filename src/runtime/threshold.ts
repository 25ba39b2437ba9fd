// Debugging by a memory threshold (memory_profiler's --pdb-mmem, without re-running the line): the
// first time a profiled call's memory passes `breakAt`, say where, keep a heap snapshot for Chrome
// DevTools, and pause in the debugger if one is attached. Then the program simply continues.
import { join } from 'node:path';
import { hideOwnAllocations } from './metrics';
import { epochMs } from './clock';
import { environment, primordials } from '../shared/primordials';

const { ErrorCaptureStackTrace, MathRound, StringPrototypeIndexOf, NumberPrototypeToFixed, StringPrototypeSlice, stderrWrite, v8WriteHeapSnapshot } = primordials;

const MIB = 1024 * 1024;
let fired = false;

/** Whether a threshold can still fire in this process (it fires once). */
export function thresholdArmed(): boolean {
  return !fired;
}

export interface ThresholdCrossing {
  file: string;
  functionName: string;
  line: number;
  metric: string;
  valueBytes: number;
  thresholdBytes: number;
  /** The function whose frames (memprof's own) are left out of the reported stack. */
  reportedFrom: (...args: never[]) => unknown;
}

export function thresholdCrossed(crossing: ThresholdCrossing): void {
  if (fired) return;
  fired = true;
  hideOwnAllocations(() => report(crossing));
  // Pauses here when an inspector client (Chrome DevTools, VS Code) is attached; a no-op otherwise.
  // Step out to reach the profiled function, one statement after the line reported above.
  // eslint-disable-next-line no-debugger
  debugger;
}

function report(crossing: ThresholdCrossing): void {
  const holder: { stack?: string } = {};
  ErrorCaptureStackTrace(holder, crossing.reportedFrom);
  const trace = holder.stack ?? '';
  // Without the first line, the message: the frames only.
  const firstBreak = StringPrototypeIndexOf(trace, '\n');
  const stack = firstBreak < 0 ? '' : StringPrototypeSlice(trace, firstBreak + 1);
  const where = `${crossing.file}:${crossing.line}`;
  let text = `memprof: ${crossing.metric} passed ${mib(crossing.thresholdBytes)} (now ${mib(crossing.valueBytes)}) at ${where} in ${crossing.functionName}\n${stack}\n`;
  try {
    const directory = environment('MEMPROF_SNAPSHOT_DIR') || process.cwd();
    const path = v8WriteHeapSnapshot(join(directory, `memprof-${process.pid}-${MathRound(epochMs())}.heapsnapshot`));
    text += `memprof: heap snapshot written to ${path} (open it in Chrome DevTools, Memory tab)\n`;
  } catch (error) {
    text += `memprof: could not write a heap snapshot: ${(error as Error).message}\n`;
  }
  stderrWrite(text);
}

function mib(bytes: number): string {
  return `${NumberPrototypeToFixed(bytes / MIB, 1)} MiB`;
}
