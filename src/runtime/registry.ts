// What instrumented files register at run time: their profiled functions, and the marker functions
// that stand in for `profile` at the instrumented call sites.
import { CallFrame } from './call-frame';
import { hideOwnAllocations, METRICS } from './metrics';
import { settleHeapBeforeFirstCall } from './settle';
import { resolveOptions, type ResolvedOptions } from './options';
import { applyMarker, type MarkerHandler, type ProfileFunction } from './marker-forms';
import { callEnded, callStarted, type CallStart } from './call-events';
import { withUserStack } from './profile';

/** Emitted by the instrumenter for each profiled function: name, marker line, closing-brace line. */
export type FunctionEntry = [name: string, firstLine: number, lastLine: number];

export class ProfiledFunction {
  private options: ResolvedOptions | undefined;

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

  enter(): InstrumentedCall {
    const options = this.resolved();
    const metric = METRICS[options.metric];
    settleHeapBeforeFirstCall();
    // The frame's own allocation must not be charged to an enclosing profiled call.
    const call = hideOwnAllocations(
      () =>
        new InstrumentedCall(
          this,
          options,
          new CallFrame(this.firstLine, this.lastLine, metric),
          callStarted(this.name, this.file, this.firstLine),
        ),
    );
    call.begin();
    return call;
  }
}

/** The object instrumented code holds for one call: `at`, `suspend`, `resume`, `threw`, `exit`. */
export class InstrumentedCall {
  private done = false;

  constructor(
    private readonly fn: ProfiledFunction,
    private readonly options: ResolvedOptions,
    private readonly frame: CallFrame,
    private readonly start: CallStart,
  ) {}

  begin(): void {
    this.frame.begin();
  }

  at(line: number): void {
    this.frame.at(line);
  }

  suspend<T>(value: T): T {
    return this.frame.suspend(value);
  }

  resume<T>(value: T): T {
    return this.frame.resume(value);
  }

  threw(): void {
    this.frame.markThrown();
  }

  /** Runs in the instrumented function's `finally`: it must never throw into the user's code. */
  exit(): void {
    if (this.done) return;
    this.done = true;
    const result = this.frame.finish(this.fn.name, this.fn.file, this.options);
    hideOwnAllocations(() => callEnded(this.start, result, this.options));
  }
}

export class InstrumentedFile {
  readonly functions: ProfiledFunction[];

  constructor(readonly file: string, entries: FunctionEntry[]) {
    this.functions = entries.map(([name, first, last]) => new ProfiledFunction(file, name, first, last));
  }

  enter(index: number): InstrumentedCall {
    return this.functions[index].enter();
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
