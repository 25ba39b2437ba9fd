// From runs to what is compared: each scenario's runs (measured now by `memprof check`, or read from a
// results file) become per-function figures, one map per run, then their medians.
import { addCall, medians, WHOLE_CALL, type FunctionFigures } from './figures';
import { runsOf, type ResultRun } from './results-file';

/** One run's figures per function, from a results file's run: each call counted, plus the run as a whole. */
export function runFigures(run: ResultRun): Map<string, FunctionFigures> {
  const figures = new Map<string, FunctionFigures>();
  if (run.whole) figures.set(WHOLE_CALL, { ...run.whole });
  for (const call of run.calls) addCall(figures, call.function, { allocatedBytes: call.allocatedBytes, retainedBytes: call.retainedBytes, peakBytes: call.peakBytes });
  return figures;
}

/** Medians per function over a scenario's runs. */
export function scenarioFigures(runs: readonly ResultRun[]): Map<string, FunctionFigures> {
  return medians(runs.map(runFigures));
}

/** The runs the scenario runner wrote, by scenario (its output file, parsed). */
export function measuredRuns(document: unknown): Map<string, ResultRun[]> {
  const result = new Map<string, ResultRun[]>();
  for (const [name, runs] of Object.entries((document ?? {}) as Record<string, unknown>)) result.set(name, runsOf(runs) ?? []);
  return result;
}
