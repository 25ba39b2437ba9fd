// memoryUsage(fn) with a heap metric ('heap', 'heapUsed', 'external'). Who samples between the ends:
// - 'heap', 'heapUsed': the heap worker (heap-worker.ts) asks this thread's V8 inspector for the used
//   heap at every interval; V8 answers from an interrupt, so samples keep coming while synchronous code
//   runs. 'heap' adds the external memory last read here, on this thread.
// - 'external' (or no inspector, or called from a worker thread): this thread itself, at entry and
//   exit, on a timer while the event loop runs (async functions), and whenever a profiled function
//   starts or ends.
import { SampleStore } from '../../record/sample-store';
import { BACKGROUND_CLOCK, TickLoop } from '../../record/tick-loop';
import { epochSeconds } from '../../shared/units';
import { SHARED, STATE_RUNNING, STATE_STOPPED } from './heap-protocol';
import { startHeapSampler } from './heap-sampler';
import type { Resolved } from './options';
import { Accumulator, buildResult } from './results';
import { runOnce, type Outcome } from './run-once';
import { heapMetricReader, onProfiledCalls } from './runtime-adapter';
import type { HeapMetric, MemoryUsageResult } from './types';

export async function measureHeap(fn: () => unknown, options: Resolved): Promise<MemoryUsageResult> {
  const metric = options.metric as HeapMetric;
  const started = metric === 'external' ? 'external memory is read on this thread only' : await startHeapSampler(options);
  const worker = typeof started === 'string' ? undefined : started;
  const readRaw = heapMetricReader(metric);
  const readExternal = heapMetricReader('external');
  const floats = worker ? new Float64Array(worker.shared, 0, 2) : undefined;
  const cells = worker ? new Int32Array(worker.shared, SHARED.cellsOffset, 2) : undefined;
  // Main-thread reads: the 'external' part of 'heap' for the worker, or every sample without one.
  const needMainReads = !worker || metric === 'heap';
  const store = new SampleStore(true, 4096);
  let running = false;
  let deadline = Infinity;
  let lastMain = -Infinity;
  const mainRead = (fromTimer: boolean): void => {
    if (!running) return;
    const time = epochSeconds();
    if (time > deadline) return;
    if (floats) {
      floats[SHARED.external] = readExternal();
      return;
    }
    if (!fromTimer && time - lastMain < options.interval) return;
    lastMain = time;
    store.add(time, readRaw());
  };
  const timer = new TickLoop(
    options.interval * 1000,
    () => {
      mainRead(true);
      return true;
    },
    BACKGROUND_CLOCK,
  );
  let removeListener: (() => void) | undefined;
  let fromWorker: { pairs: Float64Array } | undefined;
  let start: number;
  let entry: number;
  let end: number;
  let exit: number;
  let outcome: Outcome;
  try {
    if (needMainReads) {
      removeListener = onProfiledCalls(() => mainRead(false));
      timer.start('after-interval');
    }
    // Neither may keep the program alive while the function waits on something that does not.
    worker?.unref();

    if (floats) floats[SHARED.external] = readExternal();
    start = epochSeconds();
    entry = readRaw();
    if (options.timeout !== undefined) deadline = start + options.timeout;
    lastMain = start;
    running = true;
    if (floats && cells) {
      floats[SHARED.startTime] = start;
      Atomics.store(cells, SHARED.state, STATE_RUNNING);
      Atomics.notify(cells, SHARED.state);
    }
    outcome = await runOnce(fn);
    end = epochSeconds();
    exit = readRaw();
  } finally {
    running = false;
    if (cells) {
      Atomics.store(cells, SHARED.state, STATE_STOPPED);
      Atomics.notify(cells, SHARED.state);
    }
    timer.stop();
    removeListener?.();
    if (worker) fromWorker = await worker.finish();
  }
  if (!outcome.ok) throw outcome.error;

  const timedOut = end > deadline;
  const samples: [number, number][] = [[start, entry], ...store.entries()];
  if (fromWorker) {
    const pairs = fromWorker.pairs;
    for (let index = 0; index + 1 < pairs.length; index += 2) {
      const time = pairs[index];
      if (time >= start && time <= end && time <= deadline) samples.push([time, pairs[index + 1]]);
    }
  }
  if (!timedOut) samples.push([end, exit]);
  samples.sort((a, b) => a[0] - b[0]);
  const accumulator = new Accumulator(options);
  for (const [time, bytes] of samples) accumulator.add(time, bytes);
  const result = buildResult(accumulator, options, {
    target: 'function',
    pid: process.pid,
    sampler: worker ? 'worker' : 'main',
    note: typeof started === 'string' ? started : undefined,
    start,
    end: timedOut ? deadline : end,
    timedOut,
  });
  if (options.retval) result.retval = outcome.value;
  return result;
}
