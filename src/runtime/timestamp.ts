// Named blocks, like memory_profiler's `timestamp()`: a stretch of code that shows in `memprof run`
// recordings as a FUNC marker (entry and exit memory and time, nesting level), without a table.
//   const block = profile.timestamp('load'); ...; block.end();
//   await profile.timestamp('load', async () => { ... });
//   using block = profile.timestamp('load');        (where the compiler supports `using`)
import { callEnded, callPaused, callRunning, callStarted, type CallStart } from './call-events';
import { callerSite } from './function-level';
import { beginOwnWork, endOwnWork, METRICS } from './metrics';
import { CallFrame } from './call-frame';
import { monotonicMs } from './clock';
import { primordials } from '../shared/primordials';

const { JSONStringify, PromisePrototypeThen, StringPrototypeTrim, SymbolDispose } = primordials;

export interface TimestampBlock {
  /** Ends the block (later calls do nothing). */
  end(): void;
  [Symbol.dispose](): void;
}

export function timestamp(name: string): TimestampBlock;
export function timestamp<T>(name: string, block: () => T): T;
export function timestamp<T>(name: string, block?: () => T): TimestampBlock | T {
  if (typeof name !== 'string' || StringPrototypeTrim(name) === '') {
    throw new TypeError(`memprof: profile.timestamp(name) needs a non-empty name, got ${JSONStringify(name)}`);
  }
  if (block !== undefined && typeof block !== 'function') {
    throw new TypeError(`memprof: profile.timestamp(name, block) expects a function as block, got ${typeof block}`);
  }
  const site = callerSite(2);
  const opened = openBlock(name, site.file, site.line);
  const handle = opened.handle;
  // Calls made while the block is open are nested under it. A handle kept open across an await
  // also takes in what other tasks call meanwhile; the callback form is nested only while its
  // synchronous part runs.
  callRunning(opened.start);
  if (!block) return handle;
  let value: T;
  try {
    value = block();
  } catch (error) {
    handle.end();
    throw error;
  }
  callPaused(opened.start);
  if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    if (value instanceof Promise) PromisePrototypeThen(value, handle.end, handle.end);
    else (value as unknown as PromiseLike<unknown>).then(handle.end, handle.end);
  } else {
    handle.end();
  }
  return value;
}

function openBlock(name: string, file: string, line: number): { handle: TimestampBlock; start: CallStart } {
  beginOwnWork();
  const start: CallStart = callStarted(name, file, line);
  // Measured like a one-line call; a block may span awaits, and everything until end() is its own.
  const frame = new CallFrame(line, line, METRICS.heap, { running: undefined }, monotonicMs);
  frame.calibrate();
  endOwnWork();
  frame.begin();
  let open = true;
  const end = (): void => {
    if (!open) return;
    open = false;
    beginOwnWork();
    try {
      const result = frame.finish(name, file, 1);
      result.lines = [];
      result.lineLevel = false;
      result.block = true;
      callEnded(start, result, null);
    } finally {
      endOwnWork();
    }
  };
  return { handle: { end, [SymbolDispose]: end } as unknown as TimestampBlock, start };
}
