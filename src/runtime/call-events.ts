// The life of a profiled call, for whoever needs to know besides the table: recorders (FUNC markers
// in `memprof run` files), programmatic results, aggregations. The table is printed last, unless a
// listener takes the result over.
import type { CallResult } from './call-result';
import type { ResolvedOptions } from './options';
import { reportCall } from '../report/output';
import { append, primordials } from '../shared/primordials';
import { epochMs } from './clock';

const { ArrayPrototypeIndexOf, ArrayPrototypeSplice, ObjectHasOwn, stderrWrite } = primordials;

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

/**
 * Shared by every copy of memprof loaded in the process (a project's own copy, the one `memprof run`
 * injects, one a test runner loads again in its sandbox): listeners see all profiled calls.
 */
interface SharedState {
  listeners: CallListener[];
  nextId: number;
  running: number;
}

const STATE_KEY = Symbol.for('memprof.call-events');
const state: SharedState = ((globalThis as Record<symbol, SharedState | undefined>)[STATE_KEY] ??= {
  listeners: [],
  nextId: 1,
  running: 0,
});
const listeners = state.listeners;

/** Subscribes to profiled calls; returns the unsubscribe function. */
export function addCallListener(listener: CallListener): () => void {
  append(listeners, listener);
  return () => {
    const index = ArrayPrototypeIndexOf(listeners, listener);
    if (index >= 0) ArrayPrototypeSplice(listeners, index, 1);
  };
}

export function callStarted(functionName: string, file: string, line: number): CallStart {
  const call: CallStart = { id: state.nextId++, functionName, file, line, depth: state.running++, startedAt: epochMs() };
  for (let index = 0; index < listeners.length; index++) {
    const listener = listeners[index];
    try {
      if (ObjectHasOwn(listener, 'started')) listener.started?.(call);
    } catch (error) {
      listenerFailed(error);
    }
  }
  return call;
}

/** `options` null: a named block (profile.timestamp), which has no table of its own. */
export function callEnded(call: CallStart, result: CallResult, options: ResolvedOptions | null): void {
  state.running--;
  let taken = false;
  for (let index = 0; index < listeners.length; index++) {
    const listener = listeners[index];
    try {
      if (ObjectHasOwn(listener, 'ended') && listener.ended?.(call, result) === true) taken = true;
    } catch (error) {
      listenerFailed(error);
    }
  }
  if (!taken && options) reportCall(result, options);
}

function listenerFailed(error: unknown): void {
  try {
    stderrWrite(`memprof: a call listener failed: ${(error as Error)?.message ?? `${error}`}\n`);
  } catch {
    // stderr itself is gone; nothing to do.
  }
}
import './recording'; // memprof run's FUNC markers (MEMPROF_RECORD_FILE); last: it subscribes to the listeners above
