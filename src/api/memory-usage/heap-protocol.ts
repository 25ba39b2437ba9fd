// What the main thread and the heap worker (heap-worker.ts) share: a SharedArrayBuffer with the state
// of the measurement (read without a message, so that neither side waits on the other's event loop),
// and the messages between them.
import { join } from 'node:path';

/** The compiled worker next to this file (dist/src/api/memory-usage/heap-worker.js). */
export const HEAP_WORKER_FILE = join(__dirname, 'heap-worker.js');

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
