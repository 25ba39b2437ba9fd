// The samplers of memoryUsage(fn), outside the thread they measure. This file runs in two roles:
//
// - As a worker thread (heap metrics): it asks the main thread's V8 inspector for the heap's used size
//   (`Runtime.getHeapUsage`) at every interval. The inspector serves that request from an interrupt
//   even while the main thread runs synchronous JavaScript, without running any JavaScript there or
//   allocating on its heap; the worker's own isolate (its heap, these samples) is separate from the
//   one measured.
// - As a child process (process metrics: rss, pss, uss): it reads /proc/<parent> (and the parent's
//   descendants) at every interval. It is another process, so its memory is never in the parent's
//   numbers; it leaves itself out of the parent's tree.
//
// Protocol of the child: it prints `ready` once it can read the process, then on stdin `start` it
// takes a sample and prints `started`; on `stop` it takes a last sample, prints one JSON line with
// every sample and exits. EOF on stdin (the parent died) ends it quietly.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { nowSeconds, TreeSampler } from '../record/sampler';
import type { Backend } from '../record/proc';

/** Layout of the SharedArrayBuffer between the main thread and the heap worker. */
export const SHARED = {
  bytes: 32,
  /** Float64 index: raw external memory (bytes), as last read by the main thread. */
  external: 0,
  /** Float64 index: epoch seconds of the entry sample (when sampling starts). */
  startTime: 1,
  /** Int32Array over bytes 16..24: [state, exit acknowledged]. */
  cellsOffset: 16,
  /** Cell: STATE_* below. */
  state: 0,
  /** Cell: set to 1 by the worker once it has disconnected from the inspector (after STATE_EXITING). */
  exitAck: 1,
} as const;

export const STATE_IDLE = 0;
export const STATE_RUNNING = 1;
export const STATE_STOPPED = 2;
/**
 * The process is exiting (process.exit() inside the measured function): the worker must drop its
 * inspector session now, or Node prints "Waiting for the debugger to disconnect..." on the way out.
 */
export const STATE_EXITING = 3;

export interface HeapWorkerData {
  role: 'memprof-heap-sampler';
  metric: 'heap' | 'heapUsed';
  interval: number;
  timeout: number | undefined;
  shared: SharedArrayBuffer;
}

/** From the heap worker to the main thread. */
export type HeapWorkerMessage =
  | { type: 'ready' }
  | { type: 'unavailable'; reason: string }
  /** Pairs (epoch seconds, bytes), in the order taken. */
  | { type: 'samples'; pairs: Float64Array; timedOut: boolean };

export interface ProcSamplerConfig {
  pid: number;
  backend: Backend;
  interval: number;
  timeout: number | undefined;
  followTree: boolean;
}

/** One sample of the child sampler: [epoch seconds, own bytes, tree total bytes, [pid, bytes][]]. */
export type ProcSampleLine = [number, number, number, [number, number][]];

export interface ProcSamplerResult {
  samples: ProcSampleLine[];
  timedOut: boolean;
  error?: string;
}

// ---- heap worker -------------------------------------------------------------------------------

async function runHeapWorker(data: HeapWorkerData): Promise<void> {
  const port = parentPort!;
  const floats = new Float64Array(data.shared, 0, 2);
  const cells = new Int32Array(data.shared, SHARED.cellsOffset, 2);
  // The port's listener keeps this thread alive until the main thread says stop: a pending inspector
  // request or Atomics.waitAsync would not (the thread would end while waiting for an answer).
  let onStop = (): void => undefined;
  port.on('message', () => onStop());
  const unavailable = (reason: string): void => {
    port.postMessage({ type: 'unavailable', reason } satisfies HeapWorkerMessage);
    port.close();
  };
  let session: import('node:inspector').Session;
  try {
    const inspector = require('node:inspector') as typeof import('node:inspector');
    session = new inspector.Session();
    session.connectToMainThread();
  } catch (error) {
    return unavailable((error as Error).message);
  }
  const usedHeap = (): Promise<number | undefined> =>
    new Promise((resolve) => {
      try {
        session.post('Runtime.getHeapUsage', (error, result) => resolve(error ? undefined : (result as { usedSize: number }).usedSize));
      } catch {
        resolve(undefined);
      }
    });
  if ((await usedHeap()) === undefined) {
    session.disconnect();
    return unavailable('Runtime.getHeapUsage failed');
  }

  let pairs = new Float64Array(2 * 1024);
  let count = 0;
  let timedOut = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const record = (time: number, bytes: number): void => {
    if (2 * count + 2 > pairs.length) {
      const larger = new Float64Array(pairs.length * 2);
      larger.set(pairs);
      pairs = larger;
    }
    pairs[2 * count] = time;
    pairs[2 * count + 1] = bytes;
    count++;
  };
  const finish = (): void => {
    if (finished) return;
    finished = true;
    if (timer) clearTimeout(timer);
    session.disconnect();
    const result = pairs.slice(0, 2 * count);
    port.postMessage({ type: 'samples', pairs: result, timedOut } satisfies HeapWorkerMessage, [result.buffer]);
    port.close();
  };
  /** The main thread is exiting and waits (a little) for the session to be gone. */
  const exitNow = (): void => {
    if (!finished) {
      finished = true;
      if (timer) clearTimeout(timer);
      session.disconnect();
    }
    Atomics.store(cells, SHARED.exitAck, 1);
    Atomics.notify(cells, SHARED.exitAck);
  };
  onStop = finish;
  port.postMessage({ type: 'ready' } satisfies HeapWorkerMessage);

  const intervalMs = data.interval * 1000;
  let deadline = Infinity;
  let next = 0;
  const tick = async (): Promise<void> => {
    timer = undefined;
    if (finished) return;
    const used = await usedHeap();
    const time = nowSeconds();
    if (finished || Atomics.load(cells, SHARED.state) !== STATE_RUNNING) return;
    if (time > deadline) {
      timedOut = true;
      return;
    }
    if (used !== undefined) record(time, data.metric === 'heap' ? used + floats[SHARED.external] : used);
    const after = performance.now();
    next += intervalMs;
    if (next < after) next = after; // late (the main thread was inside one long native call): skip the slot
    timer = setTimeout(tick, next - after);
  };

  // Follow the main thread's state: start on its signal (not on a clock of our own), leave on exit.
  // Atomics.waitAsync (Node 16+) is typed from lib es2024 on; this project compiles with es2023.
  const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
  let started = false;
  for (;;) {
    const state = Atomics.load(cells, SHARED.state);
    if (state === STATE_EXITING) return exitNow();
    if (state === STATE_RUNNING && !started && !finished) {
      started = true;
      if (data.timeout !== undefined) deadline = floats[SHARED.startTime] + data.timeout;
      next = performance.now() + intervalMs;
      timer = setTimeout(tick, intervalMs);
    }
    if (finished) return;
    const waited = waitAsync(cells, SHARED.state, state);
    if (waited.async) await waited.value;
  }
}

// ---- child sampler -----------------------------------------------------------------------------

function runProcSampler(config: ProcSamplerConfig): void {
  const { discoveryCadence } = require('../record/recorder') as typeof import('../record/recorder');
  let sampler: TreeSampler;
  try {
    sampler = new TreeSampler(config.pid, { backend: config.backend, followTree: config.followTree, ...discoveryCadence(config.interval) });
  } catch (error) {
    process.stdout.write(JSON.stringify({ samples: [], timedOut: false, error: (error as Error).message } satisfies ProcSamplerResult) + '\n');
    process.exit(1);
  }
  const samples: ProcSampleLine[] = [];
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let stopped = false;
  let timedOut = false;
  let deadline = Infinity;
  let next = 0;
  const intervalMs = config.interval * 1000;

  const take = (): void => {
    const sample = sampler.sample();
    if (!sample) return;
    let total = sample.root;
    const children: [number, number][] = [];
    for (const child of sample.children) {
      if (child.pid === process.pid) continue; // the sampler itself
      children.push([child.pid, child.bytes]);
      total += child.bytes;
    }
    samples.push([sample.time, sample.root, total, children]);
  };
  const tick = (): void => {
    timer = undefined;
    if (stopped) return;
    if (nowSeconds() > deadline) {
      timedOut = true;
      return;
    }
    take();
    const after = performance.now();
    next += intervalMs;
    if (next < after) next = after;
    timer = setTimeout(tick, next - after);
  };
  const stop = (): void => {
    if (stopped) return;
    if (!timedOut && nowSeconds() <= deadline) take();
    stopped = true;
    if (timer) clearTimeout(timer);
    sampler.close();
    process.stdout.write(JSON.stringify({ samples, timedOut } satisfies ProcSamplerResult) + '\n', () => process.exit(0));
  };

  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const command = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (command === 'start' && !started) {
        started = true;
        next = performance.now();
        take();
        const entry = samples[0];
        if (config.timeout !== undefined) deadline = (entry ? entry[0] : nowSeconds()) + config.timeout;
        process.stdout.write('started\n');
        next += intervalMs;
        timer = setTimeout(tick, Math.max(0, next - performance.now()));
      } else if (command === 'stop') {
        stop();
      }
    }
  });
  process.stdin.on('end', () => {
    if (!stopped) process.exit(0);
  });
  process.stdout.write('ready\n');
}

// ---- entry -------------------------------------------------------------------------------------

if (!isMainThread && (workerData as HeapWorkerData | undefined)?.role === 'memprof-heap-sampler') {
  void runHeapWorker(workerData as HeapWorkerData);
} else if (isMainThread && require.main === module) {
  runProcSampler(JSON.parse(process.argv[2]) as ProcSamplerConfig);
}
