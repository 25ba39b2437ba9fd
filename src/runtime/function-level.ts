// `profile(fn)` where no load hook instrumented the function: measure whole calls (memory at entry,
// at exit, and the peak seen) and say once how to get line-by-line detail.
import { hiddenSoFar, hideOwnAllocations, METRICS, type Metric } from './metrics';
import type { ResolvedOptions } from './options';
import type { AnyFunction } from './marker-forms';
import type { CallResult } from './call-result';
import { callEnded, callStarted, type CallStart } from './call-events';

/** How often an async call's memory is sampled while its promise is pending. */
const ASYNC_SAMPLE_INTERVAL_MS = 10;

let hintShown = false;

export function wrapFunctionLevel<F extends AnyFunction>(fn: F, options: ResolvedOptions, location: CallSite): F {
  const metric = METRICS[options.metric];
  const name = location.name || fn.name || '(anonymous)';
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    showHintOnce();
    const call = new WholeCall(metric, callStarted(name, location.file, location.line));
    let result: unknown;
    try {
      // `new wrapper()` constructs fn itself (its prototype, its class checks); a subclass of the
      // wrapper keeps its own new.target.
      result = new.target
        ? Reflect.construct(fn, args, new.target === wrapper ? fn : new.target)
        : Reflect.apply(fn, this, args);
    } catch (error) {
      call.finish(name, location, options, true);
      throw error;
    }
    if (isThenable(result) && !new.target) {
      call.watchUntilSettled(result, name, location, options);
    } else {
      call.finish(name, location, options, false);
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

class WholeCall {
  private readonly entry: number;
  private peak: number;
  private readonly startTime = performance.now();
  /** Absolute values, as instrumented calls report them (see hiddenSoFar). */
  private readonly offset: number;

  constructor(
    private readonly metric: Metric,
    private readonly start: CallStart,
  ) {
    this.offset = hiddenSoFar(metric.name);
    this.entry = this.peak = metric.read() + this.offset;
  }

  private sample(): number {
    const now = this.metric.read() + this.offset;
    if (now > this.peak) this.peak = now;
    return now;
  }

  watchUntilSettled(promise: PromiseLike<unknown>, name: string, site: CallSite, options: ResolvedOptions): void {
    const timer = setInterval(() => this.sample(), ASYNC_SAMPLE_INTERVAL_MS);
    timer.unref();
    promise.then(
      () => {
        clearInterval(timer);
        this.finish(name, site, options, false);
      },
      () => {
        clearInterval(timer);
        this.finish(name, site, options, true);
      },
    );
  }

  finish(name: string, site: CallSite, options: ResolvedOptions, threw: boolean): void {
    const exit = this.sample();
    const result: CallResult = {
      file: site.file,
      functionName: name,
      firstLine: site.line,
      lastLine: site.line,
      metric: this.metric.name,
      metricDescription: this.metric.description,
      precision: options.precision,
      entryBytes: this.entry,
      exitBytes: exit,
      peakBytes: this.peak,
      lines: [],
      threw,
      durationMs: performance.now() - this.startTime,
      lineLevel: false,
    };
    hideOwnAllocations(() => callEnded(this.start, result, options));
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as PromiseLike<unknown>).then === 'function';
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
