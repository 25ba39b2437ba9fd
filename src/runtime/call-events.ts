// The life of a profiled call, for whoever needs to know besides the table: recorders (FUNC markers
// in `memprof run` files), programmatic results, aggregations. The table is printed last, unless a
// listener takes the result over.
import type { CallResult } from './call-result';
import type { ResolvedOptions } from './options';
import { reportCall } from '../report/output';

export interface CallStart {
  /** Unique within the process. */
  id: number;
  functionName: string;
  file: string;
  line: number;
  /** Profiled calls already running when this one started (0 for an outermost call). */
  depth: number;
  /** Wall-clock start, in milliseconds since the epoch. */
  startedAt: number;
}

export interface CallListener {
  started?(call: CallStart): void;
  /** Return true to take the result over: the table is then not printed. */
  ended?(call: CallStart, result: CallResult): boolean | void;
}

const listeners: CallListener[] = [];
let nextId = 1;
let running = 0;

/** Subscribes to profiled calls; returns the unsubscribe function. */
export function addCallListener(listener: CallListener): () => void {
  listeners.push(listener);
  return () => {
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

export function callStarted(functionName: string, file: string, line: number): CallStart {
  const call: CallStart = { id: nextId++, functionName, file, line, depth: running++, startedAt: Date.now() };
  for (const listener of listeners) {
    try {
      listener.started?.(call);
    } catch (error) {
      listenerFailed(error);
    }
  }
  return call;
}

export function callEnded(call: CallStart, result: CallResult, options: ResolvedOptions): void {
  running--;
  let taken = false;
  for (const listener of listeners) {
    try {
      if (listener.ended?.(call, result) === true) taken = true;
    } catch (error) {
      listenerFailed(error);
    }
  }
  if (!taken) reportCall(result, options);
}

function listenerFailed(error: unknown): void {
  process.stderr.write(`memprof: a call listener failed: ${(error as Error)?.message ?? String(error)}\n`);
}
