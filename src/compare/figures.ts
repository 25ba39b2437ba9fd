// Per function, what a comparison compares: what it allocated, left alive and peaked at, in one run
// (its calls summed; the peak is the highest), and the medians over several runs.

import { median } from '../shared/statistics';

export interface FunctionFigures {
  allocatedBytes: number;
  /** Null when not measured (the `retained` option was off). */
  retainedBytes: number | null;
  peakBytes: number;
}

/** The row of the run as a whole (a scenario's function, a Collected), beside the profiled functions. */
export const WHOLE_CALL = '(whole call)';

export const METRICS = ['allocatedBytes', 'retainedBytes', 'peakBytes'] as const;
export type MetricKey = (typeof METRICS)[number];

/** Medians over runs of each function's figures (a function missing from a run is left out of that run). */
export function medians(runs: ReadonlyArray<ReadonlyMap<string, FunctionFigures>>): Map<string, FunctionFigures> {
  const names = new Set(runs.flatMap((run) => [...run.keys()]));
  const result = new Map<string, FunctionFigures>();
  for (const name of names) {
    const seen = runs.map((run) => run.get(name)).filter((figures): figures is FunctionFigures => figures !== undefined);
    const retained = seen.map((figures) => figures.retainedBytes).filter((bytes): bytes is number => bytes !== null);
    result.set(name, {
      allocatedBytes: Math.round(median(seen.map((figures) => figures.allocatedBytes))),
      retainedBytes: retained.length > 0 ? Math.round(median(retained)) : null,
      peakBytes: Math.round(median(seen.map((figures) => figures.peakBytes))),
    });
  }
  return result;
}

/** Adds one call's figures to a function's within a run: allocated and retained add up, the peak is the highest. */
export function addCall(run: Map<string, FunctionFigures>, name: string, call: FunctionFigures): void {
  const known = run.get(name);
  if (!known) {
    run.set(name, { ...call });
    return;
  }
  known.allocatedBytes += call.allocatedBytes;
  known.retainedBytes = known.retainedBytes === null || call.retainedBytes === null ? (known.retainedBytes ?? call.retainedBytes) : known.retainedBytes + call.retainedBytes;
  known.peakBytes = Math.max(known.peakBytes, call.peakBytes);
}
