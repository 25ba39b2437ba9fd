// What instrumented files register at run time: their profiled functions, and the marker functions
// that stand in for `profile` at the instrumented call sites.
import { CallFrame } from './call-frame';
import { beginOwnWork, endOwnWork, forceCollection, METRICS } from './metrics';
import { settleHeapBeforeFirstCall } from './settle';
import { compileOwnCodeEagerly } from './tiering';
import { monotonicMs } from './clock';
import { thresholdArmed, thresholdCrossed } from './threshold';
import { resolveOptions, type ResolvedOptions } from './options';
import { applyMarker, type MarkerHandler, type ProfileFunction } from './marker-forms';
import { callEnded, callPaused, callRunning, callStarted, rehearse, type CallStart } from './call-events';
import { withUserStack } from './profile';
import type { CallResult } from './call-result';
import { append } from '../shared/primordials';

/** Emitted by the instrumenter for each profiled function: name, marker line, closing-brace line. */
export type FunctionEntry = [name: string, firstLine: number, lastLine: number];

export class ProfiledFunction {
  private options: ResolvedOptions | undefined;
  /** The innermost call of this function running right now (see CallFrame's stack of calls). */
  running: CallFrame | undefined = undefined;
  /** Lines ticked since the last sample, shared by this function's calls (see RunningCalls). */
  ticked: number[] | undefined = undefined;

  constructor(
    readonly file: string,
    readonly name: string,
    readonly firstLine: number,
    readonly lastLine: number,
  ) {}

  get location(): string {
    return `${this.file}:${this.firstLine}`;
  }

  configure(options: unknown): void {
    this.options = resolveOptions(options, this.location);
  }

  private resolved(): ResolvedOptions {
    return (this.options ??= resolveOptions(undefined, this.location));
  }

  enter(generator = false): InstrumentedCall {
    if (!runtimeReady) prepareRuntime();
    // The frame's own allocation must not be charged to an enclosing profiled call.
    beginOwnWork();
    const options = this.resolved();
    // Calls only (MEMPROF_LINES=0, memprof run's default): a whole-call frame, and no sample per
    // statement, so that a recording's brackets keep the durations the program has unprofiled.
    const frame = options.lines
      ? new CallFrame(this.firstLine, this.lastLine, METRICS[options.metric], this, monotonicMs)
      : new CallFrame(this.firstLine, this.firstLine, METRICS[options.metric], { running: undefined }, monotonicMs);
    const call = new InstrumentedCall(this, options, frame, callStarted(this.name, this.file, this.firstLine), generator);
    call.prepare();
    endOwnWork();
    // Retained memory compares what is alive after the call with what was alive before it.
    if (options.retained) forceCollection();
    frame.begin();
    call.running();
    return call;
  }
}

let runtimeReady = false;
/**
 * A call kept alive for the life of the process. V8 drops the hidden classes of objects of which no
 * instance is left at a full GC, and with them the optimised code that relies on them: without a
 * live instance, memprof's code would be recompiled (on the user's lines) every other call.
 */
let keptAlive: InstrumentedCall | undefined;

/** Warm-up calls before the first profiled call: half end by a return, half as by an exception. */
const WARM_UP_CALLS = 16;
/** While they run, their results go nowhere but the last one's to the reporters' rehearsal. */
let warmingUp = false;
let lastWarmUpCall = false;

/**
 * Before the first profiled call: run calls through every method instrumented code calls (entry,
 * samples, a quiet statement, a suspension, the return or the exception, the exit) and the last one
 * through the table code, with V8 compiling each of memprof's functions as it first runs (see
 * tiering.ts); then settle the heap. So compiling memprof's functions and loading its modules happen
 * now, not inside the user's calls, where they were charged to the user's lines: with one warm-up
 * call that skipped the entry, return and exit, and V8 compiling later, in batches, a line that
 * allocates nothing showed 2 to 30 KiB in up to one run in four after a large start-up
 * (test/first-calls.test.ts).
 */
function prepareRuntime(): void {
  runtimeReady = true;
  warmingUp = true;
  try {
    compileOwnCodeEagerly(warmUp);
  } finally {
    warmingUp = false;
  }
  settleHeapBeforeFirstCall();
}

function warmUp(): void {
  // No collection per warm-up call for `retained`: what comes after the last sample is not measured.
  const options = { ...resolveOptions(undefined), retained: false, stream: { write() {} } };
  const fn = new ProfiledFunction('<memprof warm-up>', 'warm-up', 1, 3);
  for (let call = 1; call <= WARM_UP_CALLS; call++) {
    const start: CallStart = { id: 0, functionName: fn.name, file: fn.file, line: 1, depth: 0, parentId: 0, startedAt: 0 };
    const frame = new CallFrame(1, 3, METRICS[options.metric], fn, monotonicMs);
    lastWarmUpCall = call === WARM_UP_CALLS;
    keptAlive = new InstrumentedCall(fn, options, frame, start, false);
    keptAlive.prepare();
    frame.begin();
    keptAlive.running();
    keptAlive.at(2);
    keptAlive.tick(2);
    keptAlive.resume(keptAlive.suspend(0));
    // Left suspended, as a `for await` loop that ran out leaves it: the next sample resumes.
    keptAlive.suspend(0);
    keptAlive.at(3);
    // Half of them end as by an exception (no returned()): that path is the user's too.
    if (call % 2 === 0) keptAlive.returned(0);
    keptAlive.exit();
  }
}

/** How a warm-up call ends: the last one's result goes through the reporters' rehearsal, printed nowhere. */
function warmUpEnded(call: CallStart, result: CallResult, options: ResolvedOptions | null): void {
  callPaused(call);
  if (lastWarmUpCall) rehearse(result, options!);
}

/** The object instrumented code holds for one call: `at`, `suspend`, `resume`, `returned`, `exit`... */
export class InstrumentedCall {
  private done = false;
  private hasReturned = false;
  private hasThrown = false;
  /** False in calls-only mode: statements and suspensions are not sampled. */
  private readonly sampling: boolean;
  /**
   * Suspended (off the running calls): between suspend() and resume(), or the next sample (a
   * `for await` loop that ran out is left suspended; its next statement's sample resumes it).
   */
  private paused = false;

  constructor(
    private readonly fn: ProfiledFunction,
    private readonly options: ResolvedOptions,
    private readonly frame: CallFrame,
    private readonly start: CallStart,
    private readonly generator: boolean,
  ) {
    this.sampling = options.lines;
  }

  /** Memprof's own work before the entry sample: the threshold and the absolute-value offset. */
  prepare(): void {
    if (this.options.breakAtBytes !== Infinity && thresholdArmed()) {
      this.frame.watchThreshold(this.options.breakAtBytes, (line, valueBytes) =>
        thresholdCrossed({
          file: this.fn.file,
          functionName: this.fn.name,
          line,
          metric: this.options.metric,
          valueBytes,
          thresholdBytes: this.options.breakAtBytes,
          reportedFrom: InstrumentedCall.prototype.at,
        }),
      );
    }
    this.frame.calibrate();
  }

  /** The call's code runs from now on: calls it starts are its children. */
  running(): void {
    callRunning(this.start);
  }

  at(line: number): void {
    if (this.paused) this.unpause();
    if (this.sampling) this.frame.at(line);
  }

  /** A statement that cannot allocate: counted, memory not read (see instrument/quiet-statements.ts). */
  tick(line: number): void {
    if (this.sampling) this.frame.tick(line);
  }

  suspend<T>(value: T): T {
    if (!this.paused) {
      this.paused = true;
      callPaused(this.start);
    }
    return this.sampling ? this.frame.suspend(value) : value;
  }

  resume<T>(value: T): T {
    if (this.paused) this.unpause();
    return this.sampling ? this.frame.resume(value) : value;
  }

  private unpause(): void {
    this.paused = false;
    callRunning(this.start);
  }

  /** Marks a normal return; passes the returned value through. */
  returned<T>(value?: T): T | undefined {
    this.hasReturned = true;
    return value;
  }

  /** Generators only: an exception is leaving the body. */
  threw(): void {
    this.hasThrown = true;
  }

  /** Runs in the instrumented function's `finally`: it must never throw into the user's code. */
  exit(): void {
    if (this.done) return;
    this.done = true;
    if (this.generator ? this.hasThrown : !this.hasReturned) this.frame.markThrown();
    beginOwnWork();
    try {
      // finish() takes the last sample before it allocates the result.
      const result = this.frame.finish(this.fn.name, this.fn.file, this.options.precision);
      if (this.options.retained) result.retainedBytes = this.frame.retainedAfterCollection(forceCollection);
      if (!this.sampling) {
        result.lines = [];
        result.lineLevel = false;
        result.lastLine = this.fn.lastLine;
      }
      if (warmingUp) warmUpEnded(this.start, result, this.options);
      else callEnded(this.start, result, this.options);
    } finally {
      endOwnWork();
    }
  }
}

export class InstrumentedFile {
  readonly functions: ProfiledFunction[];

  constructor(readonly file: string, entries: FunctionEntry[]) {
    this.functions = [];
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index];
      append(this.functions, new ProfiledFunction(file, entry[0], entry[1], entry[2]));
    }
  }

  /** `generator`: the call can also end early by its consumer's return(), which is not a throw. */
  enter(index: number, generator = false): InstrumentedCall {
    return this.functions[index].enter(generator);
  }

  /**
   * Stands in for `profile` at an instrumented marker: the body is already instrumented, so the marker
   * only records its options and hands the function back unchanged (same identity, name, length).
   */
  marker(index: number): MarkerHandler {
    const fn = this.functions[index];
    const keepInstrumented: ProfileFunction = (target, options) => {
      fn.configure(options);
      return target;
    };
    const standIn = (...args: unknown[]): unknown => withUserStack(standIn, () => applyMarker(args, keepInstrumented));
    return standIn;
  }
}

export function registerFile(file: string, entries: FunctionEntry[]): InstrumentedFile {
  return new InstrumentedFile(file, entries);
}
