// `profile(fn)` where no load hook instrumented the function: measure whole calls (memory at entry,
// at exit, and the peak seen) and say once how to get line-by-line detail.
import { beginOwnWork, endOwnWork, forceCollection, METRICS, type Metric } from './metrics';
import type { ResolvedOptions } from './options';
import type { AnyFunction } from './marker-forms';
import { CallFrame, type RunningCalls } from './call-frame';
import { callEnded, callStarted, type CallStart } from './call-events';
import { monotonicMs } from './clock';
import { isThenable } from '../shared/thenable';

/** How often an async call's memory is sampled while its promise is pending. */
const ASYNC_SAMPLE_INTERVAL_MS = 10;

let hintShown = false;

export function wrapFunctionLevel<F extends AnyFunction>(fn: F, options: ResolvedOptions, location: CallSite): F {
  const metric = METRICS[options.metric];
  const name = location.name || fn.name || '(anonymous)';
  /** Synchronous calls of this wrapper running now: a recursive call is summed once. */
  const running: RunningCalls = { running: undefined };
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    showHintOnce();
    const call = new WholeCall(metric, options, name, location, running);
    let result: unknown;
    try {
      // `new wrapper()` constructs fn itself (its prototype, its class checks); a subclass of the
      // wrapper keeps its own new.target.
      result = new.target
        ? Reflect.construct(fn, args, new.target === wrapper ? fn : new.target)
        : Reflect.apply(fn, this, args);
    } catch (error) {
      call.finish(true);
      throw error;
    }
    if (isThenable(result) && !new.target) {
      call.watchUntilSettled(result);
    } else {
      call.finish(false);
    }
    return result;
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  // A wrapped class or constructor: instances are fn's (instanceof either), statics reach fn's.
  Object.defineProperty(wrapper, 'prototype', { value: fn.prototype, writable: true });
  Object.setPrototypeOf(wrapper, fn);
  return wrapper as unknown as F;
}

export interface CallSite {
  file: string;
  line: number;
  name?: string;
}

/**
 * A whole call, measured as a one-line instrumented call would be: the same charging (allocated,
 * freed, net), entry, exit and peak, with no line detail. An async call is sampled on a timer until
 * its promise settles, for the peak; everything until then is the call's.
 */
class WholeCall {
  private readonly frame: CallFrame;
  private readonly start: CallStart;

  constructor(
    metric: Metric,
    private readonly options: ResolvedOptions,
    private readonly name: string,
    private readonly site: CallSite,
    running: RunningCalls,
  ) {
    beginOwnWork();
    this.start = callStarted(name, site.file, site.line);
    this.frame = new CallFrame(site.line, site.line, metric, running, monotonicMs);
    this.frame.calibrate();
    endOwnWork();
    if (options.retained) forceCollection();
    this.frame.begin();
  }

  watchUntilSettled(promise: PromiseLike<unknown>): void {
    // Other calls of the wrapper may start while this one is pending: they are not inside it.
    this.frame.detach();
    const timer = setInterval(() => this.frame.at(this.site.line), ASYNC_SAMPLE_INTERVAL_MS);
    timer.unref();
    promise.then(
      () => {
        clearInterval(timer);
        this.finish(false);
      },
      () => {
        clearInterval(timer);
        this.finish(true);
      },
    );
  }

  finish(threw: boolean): void {
    if (threw) this.frame.markThrown();
    beginOwnWork();
    try {
      const result = this.frame.finish(this.name, this.site.file, this.options.precision);
      if (this.options.retained) result.retainedBytes = this.frame.retainedAfterCollection(forceCollection);
      result.lines = [];
      result.lineLevel = false;
      callEnded(this.start, result, this.options);
    } finally {
      endOwnWork();
    }
  }
}

function showHintOnce(): void {
  if (hintShown) return;
  hintShown = true;
  const hookActive = Boolean((globalThis as Record<symbol, unknown>)[Symbol.for('memprof.hook')]);
  const why = hookActive
    ? 'profile() was given a function defined elsewhere (or its file could not be instrumented); ' +
      'for line-by-line tables pass the function itself, profile(function () {...}), or mark its ' +
      'declaration with /** @profile */'
    : 'run with `node -r memprof/register` (or `--import memprof/register`) for line-by-line tables';
  process.stderr.write(`memprof: measuring whole calls only: ${why}\n`);
}

/** The file and line of the code that called `profile(...)`, from a stack trace. */
export function callerSite(depth: number): CallSite {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth + 2;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  const frames = (holder.stack ?? '').split('\n').slice(1);
  const frame = frames[depth] ?? '';
  const match = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?\s*$/.exec(frame);
  return match ? { file: match[1], line: Number(match[2]) } : { file: '<unknown>', line: 0 };
}
