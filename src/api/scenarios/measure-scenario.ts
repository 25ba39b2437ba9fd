// One run of a `memprof check` scenario: the function called once under collect(), with a full
// collection before and after it (hidden from every figure, as toRetainAtMost does), so that what it
// allocated, what it left alive and its peak are known as a whole, and for each profiled function it
// called (with MEMPROF_RETAINED=1, each call's retained memory too). The result is collect()'s, less
// the value, plus what the run retained, and its peak: the results format compare/results-file.ts reads.
import { collect, type Collected } from '../collect';
import { forceCollection, hideOwnAllocations, METRICS, readAbsolute } from '../../runtime/metrics';

export type MeasuredRun = Omit<Collected<unknown>, 'value'> & { retainedBytes: number };

export async function measureRun(fn: () => unknown): Promise<MeasuredRun> {
  forceCollection();
  const before = hideOwnAllocations(() => readAbsolute(METRICS.heap));
  const { value, ...run } = (await collect(fn, { settle: false })) as Collected<unknown>;
  forceCollection();
  // The value is kept until now, so that what the function returns counts as what it leaves alive.
  const retainedBytes = Math.max(0, hideOwnAllocations(() => readAbsolute(METRICS.heap)) - before);
  keepUntilMeasured(value);
  // The peak of the whole call: the highest heap profiled calls saw, or what is left at the end,
  // above the heap after the first collection. (Not collect()'s exit reading: memprof's own garbage of
  // the run is still there then.)
  let peak = before + retainedBytes;
  for (const call of run.calls) if (call.metric === 'heap' && call.peakBytes > peak) peak = call.peakBytes;
  return { ...run, entryBytes: before, peakBytes: peak, retainedBytes };
}

let sink: unknown;
function keepUntilMeasured(value: unknown): void {
  sink = value;
  sink = undefined;
}
