// What the default subscriber does when breakAt / MEMPROF_BREAK_AT fires: say where (file, line,
// function, values, stack) and keep a heap snapshot for Chrome DevTools.
import type { CallListener, ThresholdCrossing } from '../runtime/call-events';
import { epochMs } from '../runtime/clock';
import { environment, primordials } from '../shared/primordials';

const { ErrorCaptureStackTrace, MathRound, NumberPrototypeToFixed, StringPrototypeIndexOf, StringPrototypeSlice, stderrWrite, v8WriteHeapSnapshot } = primordials;
const MIB = 1024 * 1024;

export function thresholdStop(): CallListener {
  return { thresholdCrossed: describeAndSnapshot };
}

function describeAndSnapshot(crossing: ThresholdCrossing): void {
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
    // Concatenated: Node 20's path.join uses Array.prototype.push, which the program may have replaced.
    const path = v8WriteHeapSnapshot(`${directory}/memprof-${process.pid}-${MathRound(epochMs())}.heapsnapshot`);
    text += `memprof: heap snapshot written to ${path} (open it in Chrome DevTools, Memory tab)\n`;
  } catch (error) {
    text += `memprof: could not write a heap snapshot: ${(error as Error).message}\n`;
  }
  stderrWrite(text);
}

function mib(bytes: number): string {
  return `${NumberPrototypeToFixed(bytes / MIB, 1)} MiB`;
}
