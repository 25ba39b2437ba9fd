// The process `memprof leaks <file>` starts (under memprof's load hook): loads the export, runs
// findLeaks() on it and prints the report (text, or JSON with --json). Exit code: 0 no leak, 1 a leak,
// 2 the file or export could not be used (one line on stderr).
import { relative } from 'node:path';
import { findLeaks } from './find-leaks';
import { formatLeakReport } from './leak-report';
import { ExportError, loadExport } from '../load-export';
import { runEntry } from '../process-entry';

export interface LeakRun {
  file: string;
  export?: string;
  iterations?: number;
  warmup?: number;
  threshold?: number;
  json: boolean;
  cwd: string;
}

async function main(run: LeakRun): Promise<number> {
  const shown = relative(run.cwd, run.file) || run.file;
  let target: { name: string; fn: () => unknown };
  try {
    target = await loadExport(run.file, run.export, shown);
  } catch (error) {
    if (!(error instanceof ExportError)) throw error;
    process.stderr.write(`memprof: ${error.message}\n`);
    return 2;
  }
  let report;
  try {
    report = await findLeaks(target.fn, { iterations: run.iterations, warmup: run.warmup, threshold: run.threshold });
  } catch (error) {
    process.stderr.write(`memprof: ${target.name} (${shown}) threw: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
  process.stdout.write(run.json ? `${JSON.stringify(report, null, 2)}\n` : formatLeakReport(report, `${shown} ${target.name}`, run.cwd));
  return report.leaking ? 1 : 0;
}

runEntry<LeakRun>(main);
