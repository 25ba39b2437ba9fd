// What findLeaks() returns, and the text `memprof leaks` and toNotLeak() print from it.
import { formatSize } from '../../shared/bytes';

export interface LeakLine {
  /** The source file (a path, or the URL V8 knows it by when it is not a file). */
  file: string;
  line: number;
  source: string;
  /** The function the line belongs to. */
  function: string;
  /** Bytes allocated on the line per iteration that were still alive after later iterations (median). */
  bytesPerIteration: number;
  /** 0 to 1: how sure memory grows (the fit's confidence) times how consistently this line kept it. */
  confidence: number;
  /** What memprof measured the line allocating in one iteration (Allocated), for lines of profiled functions. */
  allocatedBytesPerIteration: number | null;
  /** Charged to the function's entry (its closure context, its arguments), not to a statement. */
  entry: boolean;
  /** From a sample object allocated on the line: the references that keep it alive, from the program's variable to it. */
  retainers: string[] | null;
}

export interface LeakReport {
  /** Retained memory grows by at least `thresholdBytes` per iteration, steadily, with confidence of 95% or more. */
  leaking: boolean;
  /** Theil–Sen slope of the retained bytes over the iterations after warm-up. */
  bytesPerIteration: number;
  /** The same over the last half of them (warm-up effects level off, leaks do not). */
  recentBytesPerIteration: number;
  /** One-sided Mann–Kendall confidence that retained memory grows with the iteration count. */
  confidence: number;
  thresholdBytes: number;
  iterations: number;
  warmup: number;
  /** Heap (V8 heap used + external) after each iteration and a full collection, above the start. */
  retainedBytes: number[];
  /** Median of what one iteration allocated (memprof's Allocated, profiled or not). */
  allocatedBytesPerIteration: number;
  allocationExact: boolean;
  /** The lines that keep memory alive across iterations, most first (when leaking). */
  lines: LeakLine[];
  /** Why `lines` is empty or incomplete, when it is; else null. */
  note: string | null;
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** Where a line is, relative to `cwd` when it is inside it. */
function place(file: string, line: number, cwd: string): string {
  const shown = cwd && file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
  return `${shown}:${line}`;
}

/** The report as people read it: the verdict, then each line with its figures and retainers. */
export function formatLeakReport(report: LeakReport, name: string, cwd = ''): string {
  const out: string[] = [];
  const growth = `retained memory grows ${formatSize(report.bytesPerIteration)}/iteration (last half: ${formatSize(report.recentBytesPerIteration)}/iteration, confidence ${percent(report.confidence)})`;
  const runs = `${report.iterations} iterations, ${report.warmup} of warm-up; each allocates ${formatSize(report.allocatedBytesPerIteration)}${report.allocationExact ? '' : ' (estimated)'}`;
  if (!report.leaking) {
    out.push(`${name}: no leak: ${growth}, below ${formatSize(report.thresholdBytes)}/iteration or not steady`);
    out.push(`  ${runs}`);
    return `${out.join('\n')}\n`;
  }
  out.push(`${name}: leaks ${formatSize(report.bytesPerIteration)}/iteration: ${growth}`);
  out.push(`  ${runs}`);
  if (report.lines.length > 0) out.push('', 'Lines that keep memory alive, per iteration:');
  for (const line of report.lines) {
    const allocated = line.allocatedBytesPerIteration !== null ? `, allocates ${formatSize(line.allocatedBytesPerIteration)}` : '';
    out.push(`  ${place(line.file, line.line, cwd)}  ${formatSize(line.bytesPerIteration)}/iteration  confidence ${percent(line.confidence)}  in ${line.function || '(anonymous)'}${allocated}`);
    if (line.source) out.push(`      ${line.entry ? '(on entry) ' : ''}${line.source.trim()}`);
    if (line.retainers) out.push(`      kept alive by: ${line.retainers.map((step) => (cwd ? step.split(`${cwd}/`).join('') : step)).join(' → ')}`);
  }
  if (report.note) out.push('', `note: ${report.note}`);
  return `${out.join('\n')}\n`;
}
