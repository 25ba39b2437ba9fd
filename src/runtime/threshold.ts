// Debugging by a memory threshold (memory_profiler's --pdb-mmem, without re-running the line): the
// first time a profiled call's memory passes `breakAt`, say where, keep a heap snapshot for Chrome
// DevTools, and pause in the debugger if one is attached. Then the program simply continues.
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';
import { hideOwnAllocations } from './metrics';

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
  Error.captureStackTrace(holder, crossing.reportedFrom);
  const stack = (holder.stack ?? '').split('\n').slice(1).join('\n');
  const where = `${crossing.file}:${crossing.line}`;
  const lines = [
    `memprof: ${crossing.metric} passed ${mib(crossing.thresholdBytes)} (now ${mib(crossing.valueBytes)}) at ${where} in ${crossing.functionName}`,
    stack,
  ];
  try {
    const directory = process.env.MEMPROF_SNAPSHOT_DIR || process.cwd();
    const path = writeHeapSnapshot(join(directory, `memprof-${process.pid}-${Date.now()}.heapsnapshot`));
    lines.push(`memprof: heap snapshot written to ${path} (open it in Chrome DevTools, Memory tab)`);
  } catch (error) {
    lines.push(`memprof: could not write a heap snapshot: ${(error as Error).message}`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}
