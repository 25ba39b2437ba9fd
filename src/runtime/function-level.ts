// `profile(fn)` where no load hook instrumented the function: measure whole calls (memory at entry,
// at exit, and the peak seen) and say once how to get line-by-line detail.
import { beginOwnWork, endOwnWork, forceCollection, METRICS, type Metric } from './metrics';
import type { ResolvedOptions } from './options';
import type { AnyFunction } from './marker-forms';
import { CallFrame, type RunningCalls } from './call-frame';
import { openAllocationSpan, type AllocationTotals } from './allocation-span';
import { callEnded, callPaused, callRunning, callStarted, notify, type CallStart } from './call-events';
import { monotonicMs } from './clock';
import { isThenable } from '../shared/thenable';
import { primordials } from '../shared/primordials';

const {
  ErrorCaptureStackTrace,
  NumberCtor,
  ObjectDefineProperty,
  ObjectSetPrototypeOf,
  PromisePrototypeThen,
  ReflectApply,
  ReflectConstruct,
  RegExpPrototypeExec,
  RegExpPrototypeSymbolSplit,
  timersClearInterval,
  timersSetInterval,
} = primordials;
const LINE_BREAK = /\n/;
const FRAME_LOCATION = /\(?((?:file:\/\/)?[^()\s]+?):(\d+):\d+\)?\s*$/;

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
        ? ReflectConstruct(fn, args, new.target === wrapper ? fn : new.target)
        : ReflectApply(fn, this, args);
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
  // Descriptors with every field given, so that none is read from a polluted Object.prototype.
  ObjectDefineProperty(wrapper, 'name', { value: fn.name, configurable: true, enumerable: false, writable: false });
  ObjectDefineProperty(wrapper, 'length', { value: fn.length, configurable: true, enumerable: false, writable: false });
  // A wrapped class or constructor: instances are fn's (instanceof either), statics reach fn's.
  ObjectDefineProperty(wrapper, 'prototype', { value: fn.prototype, writable: true, enumerable: false, configurable: false });
  ObjectSetPrototypeOf(wrapper, fn);
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
  /** Without the addon, V8's GC profiler counts the call's collections (better than seeing drops). */
  private readonly span: (() => AllocationTotals) | undefined;

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
    this.span = metric.exact || metric.name !== 'heap' ? undefined : openAllocationSpan(metric);
    this.frame.begin();
    callRunning(this.start);
  }

  watchUntilSettled(promise: PromiseLike<unknown>): void {
    // Other calls may start while this one is pending: they are not inside it.
    this.frame.detach();
    callPaused(this.start);
    const timer = timersSetInterval(() => this.frame.at(this.site.line), ASYNC_SAMPLE_INTERVAL_MS);
    timer.unref();
    const settled = (threw: boolean) => () => {
      timersClearInterval(timer);
      this.finish(threw);
    };
    // A native promise's `then` as it was before the program could replace it; any other thenable's own.
    if (promise instanceof Promise) PromisePrototypeThen(promise, settled(false), settled(true));
    else promise.then(settled(false), settled(true));
  }

  finish(threw: boolean): void {
    if (threw) this.frame.markThrown();
    beginOwnWork();
    try {
      const result = this.frame.finish(this.name, this.site.file, this.options.precision);
      if (this.span) {
        const totals = this.span();
        result.allocatedBytes = totals.allocatedBytes;
        result.freedBytes = totals.freedBytes;
      }
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
  notify(`memprof: measuring whole calls only: ${why}\n`, null);
}

/** The file and line of the code that called `profile(...)`, from a stack trace. */
export function callerSite(depth: number): CallSite {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth + 2;
  ErrorCaptureStackTrace(holder);
  Error.stackTraceLimit = limit;
  // The first line is the message; frames follow.
  const frame = RegExpPrototypeSymbolSplit(LINE_BREAK, holder.stack ?? '')[depth + 1] ?? '';
  const match = RegExpPrototypeExec(FRAME_LOCATION, frame);
  return match ? { file: match[1], line: NumberCtor(match[2]) } : { file: '<unknown>', line: 0 };
}
