// From what each line kept in the watched iterations to the report's lines: a line that leaks keeps
// memory from every iteration that has outlived a later one, about as much each time (an array it
// pushes onto grows now and then, on top); what V8 compiles now and then while a function runs does not.
import { median } from '../../shared/statistics';
import { sourceLine } from '../../shared/source-lines';
import type { KeptLine } from './attribution';
import type { Growth } from './growth';
import type { LeakLine } from './leak-report';
import { pathOf } from './scripts';

/** What one iteration measured: memprof's Allocated for each profiled line ("file:line"). */
export interface IterationFigures {
  allocatedBytes: number;
  exact: boolean;
  lineAllocations: Map<string, number>;
}

/**
 * The lines that kept memory from every earlier watched iteration that could be charged, most first,
 * with what to say of each.
 */
export function leakingLines(kept: readonly KeptLine[], earlierIterations: number): Array<{ line: KeptLine; perIteration: number; steady: number }> {
  const earlierOf = (line: KeptLine) => line.keptBytes.slice(0, earlierIterations).filter((bytes): bytes is number => bytes !== null);
  return kept
    .filter((line) => earlierOf(line).length > 0 && earlierOf(line).every((bytes) => bytes > 0))
    .map((line) => {
      const earlier = earlierOf(line);
      const perIteration = median(earlier);
      return { line, perIteration, steady: earlier.filter((bytes) => bytes >= perIteration / 2).length / earlier.length };
    })
    .sort((a, b) => b.perIteration - a.perIteration);
}

export function toLeakLines(
  leaking: ReturnType<typeof leakingLines>,
  retainers: ReadonlyArray<string[] | null>,
  figures: IterationFigures,
  growth: Growth,
): LeakLine[] {
  return leaking.map(({ line, perIteration, steady }, index) => {
    const file = pathOf(line.url);
    return {
      file,
      line: line.line,
      source: sourceLine(file, line.line),
      function: line.functionName,
      bytesPerIteration: perIteration,
      confidence: growth.confidence * steady,
      allocatedBytesPerIteration: figures.lineAllocations.get(`${file}:${line.line}`) ?? null,
      entry: line.entry,
      retainers: retainers[index] ?? null,
    };
  });
}

/** Says so when the lines found keep much less than the growth (the rest is kept now and then, or by V8). */
export function coverageNote(lines: readonly LeakLine[], growth: Growth): string | null {
  const found = lines.reduce((sum, line) => sum + line.bytesPerIteration, 0);
  if (lines.length > 0 && found >= growth.bytesPerIteration / 2) return null;
  const share = Math.round((found / growth.bytesPerIteration) * 100);
  return `the lines found keep ${share}% of the growth; the rest is not kept by any one line at every call (kept every few calls, or by V8 itself)`;
}
