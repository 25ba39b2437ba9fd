// The samples of one measurement (the total, and each child process with `multiprocess`) and the
// result object they become: MiB, plain or with timestamps, the peak, the counts.
import type { Sample as TreeSample } from '../../record/tree-sampler';
import { SampleStore } from '../../record/sample-store';
import { toMiB } from '../../shared/units';
import type { Resolved, Target } from './options';
import type { MemoryUsageResult, TimedSample } from './types';

/** The total series and, with `multiprocess`, one per descendant process in order of discovery. */
export class Accumulator {
  readonly total: SampleStore;
  readonly children = new Map<number, SampleStore>();

  constructor(private readonly options: Resolved) {
    this.total = new SampleStore(!options.maxUsage);
  }

  add(time: number, bytes: number, children?: Iterable<readonly [number, number]>): void {
    this.total.add(time, bytes);
    if (!this.options.multiprocess || !children) return;
    for (const [pid, childBytes] of children) {
      let series = this.children.get(pid);
      if (!series) this.children.set(pid, (series = new SampleStore(!this.options.maxUsage, 64)));
      series.add(time, childBytes);
    }
  }

  addTree(sample: TreeSample): void {
    const children = sample.children.map((child) => [child.pid, child.bytes] as const);
    this.add(sample.time, this.options.includeChildren ? sample.total : sample.root, children);
  }
}

function toSample(bytes: number, time: number, timestamps: boolean): number | TimedSample {
  return timestamps ? [toMiB(bytes), time] : toMiB(bytes);
}

/** How a measurement went, besides its samples. */
export interface Finish {
  target: Target['kind'];
  pid: number;
  sampler: MemoryUsageResult['sampler'];
  note?: string;
  start: number;
  end: number;
  timedOut: boolean;
}

export function buildResult(accumulator: Accumulator, options: Resolved, finish: Finish): MemoryUsageResult {
  const describeSeries = (series: SampleStore) => {
    const peakBytes = series.count > 0 ? series.peakBytes : 0;
    const peak = toSample(peakBytes, series.count > 0 ? series.peakTime : finish.start, options.timestamps);
    const usage = options.maxUsage
      ? undefined
      : Array.from({ length: series.count }, (_, index) => toSample(series.bytes(index), series.time(index), options.timestamps));
    return { usage, peak, samples: series.count };
  };
  const total = describeSeries(accumulator.total);
  const result: MemoryUsageResult = {
    target: finish.target,
    pid: finish.pid,
    metric: options.metric,
    sampler: finish.sampler,
    ...(finish.note ? { note: finish.note } : {}),
    interval: options.interval,
    ...(options.maxUsage ? {} : { usage: total.usage }),
    peak: total.peak,
    samples: total.samples,
    start: finish.start,
    end: finish.end,
    timedOut: finish.timedOut,
  };
  if (options.multiprocess) {
    result.children = [...accumulator.children].map(([pid, series]) => {
      const described = describeSeries(series);
      return { pid, ...(options.maxUsage ? {} : { usage: described.usage }), peak: described.peak, samples: described.samples };
    });
  }
  return result;
}
