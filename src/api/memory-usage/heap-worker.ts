// memoryUsage()'s heap sampler, a worker thread (heap metrics of a function): it asks the main
// thread's V8 inspector for the heap's used size (`Runtime.getHeapUsage`) at every interval. The
// inspector serves that request from an interrupt even while the main thread runs synchronous
// JavaScript, without running any JavaScript there or allocating on its heap; the worker's own isolate
// (its heap, these samples) is separate from the one measured. Shared state: heap-protocol.ts.
import { parentPort, workerData, isMainThread } from 'node:worker_threads';
import { SampleStore } from '../../record/sample-store';
import { TickLoop } from '../../record/tick-loop';
import { epochSeconds } from '../../shared/units';
import { SHARED, STATE_EXITING, STATE_RUNNING, type HeapWorkerData, type HeapWorkerMessage } from './heap-protocol';

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

  const store = new SampleStore(true, 1024);
  let timedOut = false;
  let finished = false;
  let deadline = Infinity;
  const loop = new TickLoop(data.interval * 1000, async () => {
    const used = await usedHeap();
    const time = epochSeconds();
    if (finished || Atomics.load(cells, SHARED.state) !== STATE_RUNNING) return false;
    if (time > deadline) {
      timedOut = true;
      return false;
    }
    // A slot that came late (the main thread was inside one long native call) is skipped by the loop.
    if (used !== undefined) store.add(time, data.metric === 'heap' ? used + floats[SHARED.external] : used);
    return true;
  });
  const finish = (): void => {
    if (finished) return;
    finished = true;
    loop.stop();
    session.disconnect();
    const result = store.toPairs();
    port.postMessage({ type: 'samples', pairs: result, timedOut } satisfies HeapWorkerMessage, [result.buffer]);
    port.close();
  };
  /** The main thread is exiting and waits (a little) for the session to be gone. */
  const exitNow = (): void => {
    if (!finished) {
      finished = true;
      loop.stop();
      session.disconnect();
    }
    Atomics.store(cells, SHARED.exitAck, 1);
    Atomics.notify(cells, SHARED.exitAck);
  };
  onStop = finish;
  port.postMessage({ type: 'ready' } satisfies HeapWorkerMessage);

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
      loop.start('after-interval');
    }
    if (finished) return;
    const waited = waitAsync(cells, SHARED.state, state);
    if (waited.async) await waited.value;
  }
}

if (!isMainThread && (workerData as HeapWorkerData | undefined)?.role === 'memprof-heap-sampler') {
  void runHeapWorker(workerData as HeapWorkerData);
}
