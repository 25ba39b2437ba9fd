// From the allocations still alive after the watched iterations (allocation-samples.ts) and the marks
// made meanwhile (line-marks.ts) to the lines that keep memory: each allocation is charged to the line
// whose mark came last before it, if that line's function is on the allocation's stack (else to the
// function itself: what it allocated on entry, before its first statement), and to the iteration
// that made it. memprof's own allocations and the inspector's are left out.
import type { AllocationSample, CallFrame } from './allocation-samples';
import { functionKey, isIterationMark, isMarkFrame, MARKS_EXHAUSTED, type LineMarks } from './line-marks';

export interface KeptLine {
  scriptId: string;
  url: string;
  /** 1-based. */
  line: number;
  /** The function the line belongs to, as V8 names it. */
  functionName: string;
  /** Where that function starts: the allocations' innermost frame of the program's own. */
  frame: CallFrame;
  /** Bytes allocated on the line in each watched iteration and still alive at the end (null: the iteration could not be charged). */
  keptBytes: Array<number | null>;
  /** The largest of those allocations. */
  largestBytes: number;
  /** True when charged to the function's entry (no statement of it had run yet). */
  entry: boolean;
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

/** Per watched iteration, its samples; null for an iteration whose line marks do not all line up. */
function samplesByIteration(samples: readonly AllocationSample[], marks: LineMarks, iterations: number): Array<AllocationSample[] | null> {
  // The log's line marks of each iteration, in order (iteration marks are negative ids).
  const expected: number[][] = [];
  for (let index = 0; index < marks.count; index++) {
    const id = marks.log[index];
    if (id < 0 && id !== MARKS_EXHAUSTED) expected[-id - 1] = [];
    else expected[expected.length - 1]?.push(id);
  }
  const found: AllocationSample[][] = [];
  let iteration = -1;
  for (const sample of samples) {
    const top = sample.stack[0];
    if (top && isIterationMark(sample.sizeBytes, top.url)) found[++iteration] = [];
    else if (iteration >= 0) found[iteration].push(sample);
  }
  const result: Array<AllocationSample[] | null> = [];
  for (let index = 1; index <= iterations; index++) {
    const seen = found[index]?.filter((sample) => sample.stack[0] && isMarkFrame(sample.stack[0].functionName, sample.stack[0].url)).length;
    result.push(found[index] && seen === expected[index]?.length ? found[index] : null);
  }
  return result;
}

/**
 * Charges each live allocation to a line and a watched iteration (1..iterations). An iteration whose
 * marks seen in the samples do not line up with those made (the profile missed one) is left out (its
 * figures are null), so that no allocation is charged to the wrong line.
 */
export function keptLines(
  samples: readonly AllocationSample[],
  marks: LineMarks,
  iterations: number,
  ownFiles: (url: string) => boolean,
  lineOf: (frame: CallFrame) => number,
): KeptLine[] {
  const lines = new Map<string, KeptLine>();
  const byIteration = samplesByIteration(samples, marks, iterations);
  // Where each iteration's line marks start in the log.
  const starts: number[] = [];
  for (let index = 0; index < marks.count; index++) if (marks.log[index] < 0 && marks.log[index] !== MARKS_EXHAUSTED) starts[-marks.log[index] - 1] = index + 1;
  byIteration.forEach((iterationSamples, index) => {
    if (!iterationSamples) return;
    let markIndex = starts[index + 1];
    let location = -1;
    let exhausted = false;
    for (const sample of iterationSamples) {
      const top = sample.stack[0];
      if (top && isMarkFrame(top.functionName, top.url)) {
        const id = marks.log[markIndex++];
        if (id === MARKS_EXHAUSTED) exhausted = true;
        else location = id;
        continue;
      }
      // Once marking stopped (too many marks), lines are not known: nothing more is charged.
      if (exhausted || isOwnAllocation(sample.stack, ownFiles)) continue;
      const frame = innermostFileFrame(sample.stack)!;
      const marked = location >= 0 ? marks.locations[location] : undefined;
      const owner = marked ? sample.stack.find((candidate) => functionKey(candidate) === marked.functionKey) : undefined;
      const onStack = owner !== undefined;
      const line = onStack ? marked!.line : lineOf(frame);
      const at = owner ?? frame;
      const key = `${at.scriptId}:${line}:${onStack ? 'line' : 'entry'}`;
      let kept = lines.get(key);
      if (!kept) {
        kept = {
          scriptId: at.scriptId,
          url: at.url,
          line,
          functionName: at.functionName,
          frame,
          keptBytes: byIteration.map((usable) => (usable ? 0 : null)),
          largestBytes: 0,
          entry: !onStack,
        };
        lines.set(key, kept);
      }
      kept.keptBytes[index] = (kept.keptBytes[index] ?? 0) + sample.sizeBytes;
      kept.largestBytes = Math.max(kept.largestBytes, sample.sizeBytes);
    }
  });
  return [...lines.values()];
}
