// The main thread's side of the heap worker (heap-worker.ts): start it, learn whether it can read
// this thread's heap through the inspector, stop it and collect its samples; and, if the process
// exits in the middle of a measurement, let it leave the inspector first.
import { existsSync } from 'node:fs';
import { isMainThread, Worker } from 'node:worker_threads';
import { HEAP_WORKER_FILE, SHARED, STATE_EXITING, type HeapWorkerData, type HeapWorkerMessage } from './heap-protocol';
import type { Resolved } from './options';

/** The heap worker, once it has told us it can read the main thread's heap. */
export interface HeapSampler {
  shared: SharedArrayBuffer;
  unref(): void;
  /** Stops it and returns its samples. */
  finish(): Promise<{ pairs: Float64Array; timedOut: boolean }>;
}

/**
 * What to do at process exit for each running heap worker. One 'exit' listener serves them all, so that
 * many concurrent calls do not trip Node's listener-count warning.
 */
const atExit = new Set<() => void>();
const runAtExit = (): void => {
  for (const action of atExit) action();
};

function onProcessExit(action: () => void): () => void {
  if (atExit.size === 0) process.on('exit', runAtExit);
  atExit.add(action);
  return () => {
    atExit.delete(action);
    if (atExit.size === 0) process.off('exit', runAtExit);
  };
}

/** Starts the heap worker; resolves a string saying why not when it cannot sample this thread's heap. */
export function startHeapSampler(options: Resolved): Promise<HeapSampler | string> {
  if (!isMainThread) return Promise.resolve('memoryUsage() runs in a worker thread, whose heap the inspector of the main thread does not see');
  if (!existsSync(HEAP_WORKER_FILE)) return Promise.resolve(`the sampler is missing (${HEAP_WORKER_FILE})`);
  const shared = new SharedArrayBuffer(SHARED.bytes);
  const data: HeapWorkerData = {
    role: 'memprof-heap-sampler',
    metric: options.metric as 'heap' | 'heapUsed',
    interval: options.interval,
    timeout: options.timeout,
    shared,
  };
  let worker: Worker;
  try {
    worker = new Worker(HEAP_WORKER_FILE, { workerData: data, execArgv: [], stdout: true, stderr: true });
  } catch (error) {
    return Promise.resolve(`cannot start a worker thread: ${(error as Error).message}`);
  }
  return new Promise((resolve) => {
    let samples: ((value: { pairs: Float64Array; timedOut: boolean }) => void) | undefined;
    let received: { pairs: Float64Array; timedOut: boolean } | undefined;
    let ready = false;
    let reason = 'the sampling worker ended before it was ready';
    const gone = (error?: unknown): void => {
      if (!ready) resolve(error instanceof Error ? `the sampling worker failed: ${error.message}` : reason);
      else {
        received ??= { pairs: new Float64Array(0), timedOut: false };
        samples?.(received);
      }
    };
    worker.on('error', gone);
    worker.on('exit', gone);
    worker.on('message', (message: HeapWorkerMessage) => {
      if (message.type === 'unavailable') {
        reason = `the V8 inspector is not available (${message.reason})`;
        void worker.terminate();
      } else if (message.type === 'ready') {
        ready = true;
        // process.exit() before the end: the worker must leave the main thread's inspector first.
        const cells = new Int32Array(shared, SHARED.cellsOffset, 2);
        const forget = onProcessExit(() => {
          Atomics.store(cells, SHARED.state, STATE_EXITING);
          Atomics.notify(cells, SHARED.state);
          Atomics.wait(cells, SHARED.exitAck, 0, 250);
        });
        resolve({
          shared,
          unref: () => worker.unref(),
          finish: () => {
            forget();
            worker.ref();
            return new Promise((done) => {
              if (received) return done(received);
              samples = done;
              worker.postMessage('stop');
            }).then(async (value) => {
              await worker.terminate();
              return value as { pairs: Float64Array; timedOut: boolean };
            });
          },
        });
      } else if (message.type === 'samples') {
        received = { pairs: message.pairs, timedOut: message.timedOut };
        samples?.(received);
      }
    });
  });
}
