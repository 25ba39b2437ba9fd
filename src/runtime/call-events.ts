// The runtime's events, for whoever subscribes: the table printer, the JSON printer, collect(), the
// recording-marker writer, the matchers (see src/reporters/ and src/api/). The runtime only emits;
// it knows nothing of tables, files or recordings. Entry points install the default subscribers
// (src/reporters/defaults.ts).
//
//   prepare(rehearsal)       once, before the first profiled call: a finished warm-up result to
//                            format and throw away, so that compiling the subscriber's code happens
//                            now and is not charged to the user's first call
//   started(call)            a profiled call (or a profile.timestamp block) began
//   ended(call, result)      it ended; return true to claim the result (collect() does: its tables are
//                            not printed)
//   unclaimed(call, result)  it ended and nobody claimed it (the printer prints then)
//   notice(text)             memprof has one line to say (a hint, a warning)
//   thresholdCrossed(info)   breakAt / MEMPROF_BREAK_AT fired
import type { CallResult } from './call-result';
import type { ResolvedOptions } from './options';
import { append, primordials } from '../shared/primordials';
import { epochMs } from './clock';

const { ArrayPrototypeIndexOf, ArrayPrototypeSplice, ObjectHasOwn, stderrWrite } = primordials;

export interface CallStart {
  /** Unique within the process. */
  id: number;
  functionName: string;
  file: string;
  line: number;
  /**
   * How deep this call is among the profiled calls that led to it: 0 for an outermost call, its
   * caller's depth + 1 otherwise. The caller is the profiled call whose code was running (not
   * suspended at an await or yield) when this one started, so concurrent requests do not nest in
   * each other: request 2's `delay` is under request 2's handler, not under request 1's.
   */
  depth: number;
  /** The id of that caller, 0 for none. */
  parentId: number;
  /** Wall-clock start, in milliseconds since the epoch. */
  startedAt: number;
}

export interface ThresholdCrossing {
  file: string;
  functionName: string;
  line: number;
  metric: string;
  valueBytes: number;
  thresholdBytes: number;
  /** The function whose frames (memprof's own) are left out of a stack trace taken now. */
  reportedFrom: (...args: never[]) => unknown;
}

export interface CallListener {
  prepare?(rehearsal: CallResult, options: ResolvedOptions): void;
  started?(call: CallStart): void;
  /** `options` null: a named block (profile.timestamp), which has no table of its own. */
  ended?(call: CallStart, result: CallResult, options: ResolvedOptions | null): boolean | void;
  unclaimed?(call: CallStart, result: CallResult, options: ResolvedOptions | null): void;
  notice?(text: string, options: ResolvedOptions | null): void;
  thresholdCrossed?(crossing: ThresholdCrossing): void;
}

/**
 * Shared by every copy of memprof loaded in the process (a project's own copy, the one `memprof run`
 * injects, one a test runner loads again in its sandbox): subscribers see all profiled calls.
 */
interface SharedState {
  listeners: CallListener[];
  nextId: number;
  /** Names of subscribers installed once per process (see reporters/defaults.ts). */
  installed: string[];
  /** Calls whose code is running now, innermost last (see callRunning/callPaused). */
  running: RunningCalls;
}

/**
 * A stack whose array never shrinks: slots past `count` are cleared, not cut off. An array emptied by
 * `length = 0` gives back its backing store, and the next push allocates a new one (152 bytes) inside
 * the user's call, between its entry sample and its first line.
 */
interface RunningCalls {
  calls: Array<CallStart | undefined>;
  count: number;
}

const STATE_KEY = Symbol.for('memprof.call-events');
const state: SharedState = ((globalThis as Record<symbol, SharedState | undefined>)[STATE_KEY] ??= {
  listeners: [],
  nextId: 1,
  installed: [],
  running: { calls: [], count: 0 },
});
// A state left by an older copy of memprof may lack the newer fields.
state.installed ??= [];
state.running ??= { calls: [], count: 0 };
const listeners = state.listeners;

/** Subscribes to the runtime's events; returns the unsubscribe function. */
export function addCallListener(listener: CallListener): () => void {
  append(listeners, listener);
  return () => {
    const index = ArrayPrototypeIndexOf(listeners, listener);
    if (index >= 0) ArrayPrototypeSplice(listeners, index, 1);
  };
}

/** Subscribes once per process under `name`, whichever copy of memprof asks first. */
export function addCallListenerOnce(name: string, create: () => CallListener): void {
  if (ArrayPrototypeIndexOf(state.installed, name) >= 0) return;
  append(state.installed, name);
  addCallListener(create());
}

/** Calls `method` of every listener that has it as its own (a listener is a plain object of memprof's). */
function each<K extends keyof CallListener>(method: K, call: (listener: CallListener) => unknown): boolean {
  let claimed = false;
  for (let index = 0; index < listeners.length; index++) {
    const listener = listeners[index];
    if (!ObjectHasOwn(listener, method)) continue;
    try {
      if (call(listener) === true) claimed = true;
    } catch (error) {
      listenerFailed(error);
    }
  }
  return claimed;
}

export function callStarted(functionName: string, file: string, line: number): CallStart {
  const running = state.running;
  const caller = running.count > 0 ? running.calls[running.count - 1] : undefined;
  const call: CallStart = {
    id: state.nextId++,
    functionName,
    file,
    line,
    depth: caller ? caller.depth + 1 : 0,
    parentId: caller ? caller.id : 0,
    startedAt: epochMs(),
  };
  each('started', (listener) => listener.started!(call));
  return call;
}

/** The call's code runs now (it started, or resumed after an await or yield). */
export function callRunning(call: CallStart): void {
  const running = state.running;
  running.calls[running.count++] = call;
}

/** The call's code stopped running (it suspended, or ended). */
export function callPaused(call: CallStart): void {
  const running = state.running;
  const calls = running.calls;
  // Innermost first; out of order (a generator closed by its consumer, a block ended elsewhere) it
  // is taken out wherever it is, the calls above it moving down.
  let index = running.count - 1;
  while (index >= 0 && calls[index] !== call) index--;
  if (index < 0) return;
  for (; index < running.count - 1; index++) calls[index] = calls[index + 1];
  calls[--running.count] = undefined;
}

export function callEnded(call: CallStart, result: CallResult, options: ResolvedOptions | null): void {
  callPaused(call);
  const claimed = each('ended', (listener) => listener.ended!(call, result, options));
  if (!claimed) each('unclaimed', (listener) => listener.unclaimed!(call, result, options));
}

export function rehearse(result: CallResult, options: ResolvedOptions): void {
  each('prepare', (listener) => listener.prepare!(result, options));
}

export function notify(text: string, options: ResolvedOptions | null): void {
  each('notice', (listener) => listener.notice!(text, options));
}

export function announceThresholdCrossed(crossing: ThresholdCrossing): void {
  each('thresholdCrossed', (listener) => listener.thresholdCrossed!(crossing));
}

function listenerFailed(error: unknown): void {
  try {
    stderrWrite(`memprof: a call listener failed: ${(error as Error)?.message ?? `${error}`}\n`);
  } catch {
    // stderr itself is gone; nothing to do.
  }
}
