// From the allocations still alive after the watched iterations (allocation-samples.ts) and the marks
// made meanwhile (line-marks.ts) to the lines that keep memory: each allocation is charged to the line
// whose mark came last before it, if that line's function is on the allocation's stack (else to the
// function itself: what it allocated on entry, before its first statement), and to the iteration
// that made it. memprof's own allocations and the inspector's are left out.
import type { AllocationSample, CallFrame } from './allocation-samples';
import { functionKey, isMarkFrame, MARKS_EXHAUSTED, type LineMarks } from './line-marks';

export interface KeptLine {
  scriptId: string;
  url: string;
  /** 1-based. */
  line: number;
  /** The function the line belongs to, as V8 names it. */
  functionName: string;
  /** Where that function starts: the allocations' innermost frame of the program's own. */
  frame: CallFrame;
  /** Bytes allocated on the line in each watched iteration and still alive at the end. */
  keptBytes: number[];
  /** The largest of those allocations, in the first watched iteration that has one. */
  largestBytes: number;
  /** True when charged to the function's entry (no statement of it had run yet). */
  entry: boolean;
  /** True when marking stopped (too many marks) before these allocations: the line is a guess. */
  approximate: boolean;
}

/** The innermost JavaScript frame in a file (the program's or memprof's): not Node's, not a builtin. */
export function innermostFileFrame<F extends { url: string }>(stack: readonly F[]): F | undefined {
  return stack.find((frame) => frame.url !== '' && !frame.url.startsWith('node:'));
}

/**
 * memprof's own allocation or the inspector's (its messages, which it may send while the program's
 * frame is below), not the program's. Stacks are innermost first.
 */
export function isOwnAllocation(stack: ReadonlyArray<{ url: string }>, ownFiles: (url: string) => boolean): boolean {
  if (stack.some((frame) => frame.url.startsWith('node:inspector'))) return true;
  const frame = innermostFileFrame(stack);
  return frame === undefined || ownFiles(frame.url);
}

/** The program's innermost function on the stack of each live allocation (for choosing what to watch). */
export function allocatingFunctions(samples: readonly AllocationSample[], ownFiles: (url: string) => boolean): CallFrame[] {
  const found = new Map<string, CallFrame>();
  for (const sample of samples) {
    if (isOwnAllocation(sample.stack, ownFiles)) continue;
    const frame = innermostFileFrame(sample.stack)!;
    found.set(functionKey(frame), frame);
  }
  return [...found.values()];
}

/**
 * Charges each live allocation to a line and a watched iteration (1..iterations). Returns undefined
 * when the marks seen in the samples do not line up with the marks made (the profile missed one), so
 * that no allocation is charged to the wrong line.
 */
export function keptLines(
  samples: readonly AllocationSample[],
  marks: LineMarks,
  iterations: number,
  ownFiles: (url: string) => boolean,
  lineOf: (frame: CallFrame) => number,
): KeptLine[] | undefined {
  const lines = new Map<string, KeptLine>();
  let markIndex = 0;
  let iteration = -1;
  let location = -1;
  let exhausted = false;
  for (const sample of samples) {
    const top = sample.stack[0];
    if (top && isMarkFrame(top.functionName, top.url)) {
      if (markIndex >= marks.count) return undefined;
      const id = marks.log[markIndex++];
      if (id === MARKS_EXHAUSTED) exhausted = true;
      else if (id < 0) {
        iteration = -id - 1;
        location = -1;
      } else location = id;
      continue;
    }
    if (iteration < 1 || iteration > iterations || isOwnAllocation(sample.stack, ownFiles)) continue;
    const frame = innermostFileFrame(sample.stack)!;
    const marked = location >= 0 ? marks.locations[location] : undefined;
    const onStack = marked !== undefined && sample.stack.some((candidate) => functionKey(candidate) === marked.functionKey);
    const line = onStack ? marked.line : lineOf(frame);
    const owner = onStack ? (sample.stack.find((candidate) => functionKey(candidate) === marked.functionKey) ?? frame) : frame;
    const key = `${owner.scriptId}:${line}:${onStack ? "line" : "entry"}`;
    let kept = lines.get(key);
    if (!kept) {
      kept = {
        scriptId: owner.scriptId,
        url: owner.url,
        line,
        functionName: owner.functionName,
        frame,
        keptBytes: new Array<number>(iterations).fill(0),
        largestBytes: 0,
        entry: !onStack,
        approximate: exhausted,
      };
      lines.set(key, kept);
    }
    kept.keptBytes[iteration - 1] += sample.sizeBytes;
    if (iteration === 1 || kept.largestBytes === 0) kept.largestBytes = Math.max(kept.largestBytes, sample.sizeBytes);
  }
  if (markIndex !== marks.count) return undefined;
  return [...lines.values()];
}
