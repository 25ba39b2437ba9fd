// The process `memprof check` starts (under memprof's load hook, with MEMPROF_RETAINED=1): runs each
// scenario's function a few times to warm up, then `runs` times measured (measure-scenario.ts), and writes
// every run (collect()'s results) as JSON to the file it was given; the budget is judged by the command.
// Exit code: 0, or 2 when a scenario's file or export cannot be used, 1 when a function throws (one
// line on stderr each).
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ExportError, loadExport } from '../load-export';
import { runEntry } from '../process-entry';
import { measureRun, type MeasuredRun } from './measure-scenario';

/** Calls before the measured ones. */
const WARMUP_RUNS = 3;

export interface ScenarioRun {
  scenarios: Array<{ name: string; file: string; export?: string; runs: number }>;
  output: string;
  cwd: string;
}

/** Scenario name -> its measured runs (warm-up left out). */
export type ScenarioRuns = Record<string, MeasuredRun[]>;

async function main(request: ScenarioRun): Promise<number> {
  const measured: ScenarioRuns = {};
  for (const scenario of request.scenarios) {
    const shown = relative(request.cwd, scenario.file) || scenario.file;
    let target: { name: string; fn: () => unknown };
    try {
      target = await loadExport(scenario.file, scenario.export, shown);
    } catch (error) {
      if (!(error instanceof ExportError)) throw error;
      process.stderr.write(`memprof: scenario "${scenario.name}": ${error.message}\n`);
      return 2;
    }
    try {
      // First calls compile the function (and what it calls): their allocations are not the scenario's.
      for (let warmup = 0; warmup < WARMUP_RUNS; warmup++) await measureRun(target.fn);
      measured[scenario.name] = [];
      for (let run = 0; run < scenario.runs; run++) measured[scenario.name].push(await measureRun(target.fn));
    } catch (error) {
      process.stderr.write(`memprof: scenario "${scenario.name}": ${target.name} (${shown}) threw: ${(error as Error)?.message ?? String(error)}\n`);
      return 1;
    }
  }
  writeFileSync(request.output, JSON.stringify(measured));
  return 0;
}

runEntry<ScenarioRun>(main);
