// One running call of an instrumented function. Instrumented code calls `at(line)` before each
// statement: the memory delta since the previous sample is charged to the line that was running.
// Every method here runs once per executed statement, so none of them may allocate.
import { hiddenSoFar, type Metric } from './metrics';
import type { CallResult, LineResult } from './call-result';
import type { ResolvedOptions } from './options';

/** Stats are kept flat, three slots per line of the function: increment, occurrences, max usage. */
const INCREMENT = 0;
const OCCURRENCES = 1;
const USAGE = 2;
const SLOTS = 3;

export type ThresholdHandler = (line: number, valueBytes: number) => void;

export class CallFrame {
  /**
   * A plain array of small integers, not a Float64Array: interpreted code would box every value
   * loaded from a Float64Array into a new heap object, i.e. allocate on each sample.
   */
  private readonly stats: number[];
  /** Slot offset of the line whose execution the next sample closes. */
  private pending: number;
  private last = 0;
  private entry = 0;
  /** memprof's hidden bytes at entry, added back to absolute values (see hiddenSoFar). */
  private hiddenAtEntry = 0;
  private readonly startTime = performance.now();
  private threw = false;
  /** The memory threshold (bytes) this call watches for; Infinity when none, or once it has fired. */
  private breakAt = Infinity;
  private onThreshold: ThresholdHandler | undefined;

  constructor(
    private readonly firstLine: number,
    private readonly lastLine: number,
    private readonly metric: Metric,
  ) {
    this.stats = new Array<number>((lastLine - firstLine + 1) * SLOTS).fill(0);
    this.pending = 0;
    this.stats[OCCURRENCES] = 1;
  }

  /** Calls `handler` once, with the line that ran, when a sample first exceeds `bytes`. */
  watchThreshold(bytes: number, handler: ThresholdHandler): void {
    this.breakAt = bytes;
    this.onThreshold = handler;
  }

  private thresholdPassed(slot: number, now: number): void {
    this.breakAt = Infinity;
    this.onThreshold?.(this.firstLine + slot / SLOTS, now);
  }

  /** Takes the entry sample; called once the frame exists, so that its creation is not measured. */
  begin(): this {
    this.hiddenAtEntry = hiddenSoFar(this.metric.name);
    this.entry = this.last = this.metric.read();
    this.stats[USAGE] = this.entry;
    return this;
  }

  /** A statement on `line` is about to run: close the previous one. */
  at(line: number): void {
    const now = this.metric.read();
    const stats = this.stats;
    const slot = this.pending;
    stats[slot + INCREMENT] += now - this.last;
    if (now > stats[slot + USAGE]) stats[slot + USAGE] = now;
    const next = (line - this.firstLine) * SLOTS;
    stats[next + OCCURRENCES] += 1;
    this.pending = next;
    this.last = now;
    if (now > this.breakAt) this.thresholdPassed(slot, now);
  }

  /**
   * Before `await`/`yield`: charge the running line, then stop counting. Other tasks run while this
   * call is suspended; what they allocate is not this call's.
   */
  suspend<T>(value: T): T {
    const now = this.metric.read();
    const slot = this.pending;
    this.stats[slot + INCREMENT] += now - this.last;
    if (now > this.stats[slot + USAGE]) this.stats[slot + USAGE] = now;
    this.last = now;
    return value;
  }

  /** After `await`/`yield`: start counting again from here. */
  resume<T>(value: T): T {
    this.last = this.metric.read();
    return value;
  }

  markThrown(): void {
    this.threw = true;
  }

  /** Closes the last line and returns everything measured. */
  finish(name: string, file: string, options: ResolvedOptions): CallResult {
    const exit = this.metric.read();
    if (exit > this.breakAt) this.thresholdPassed(this.pending, exit);
    const stats = this.stats;
    stats[this.pending + INCREMENT] += exit - this.last;
    if (exit > stats[this.pending + USAGE]) stats[this.pending + USAGE] = exit;
    const lines: LineResult[] = [];
    const offset = this.hiddenAtEntry;
    let peak = Math.max(this.entry, exit);
    for (let slot = 0; slot < stats.length; slot += SLOTS) {
      if (stats[slot + OCCURRENCES] === 0) continue;
      const usage = stats[slot + USAGE];
      if (usage > peak) peak = usage;
      lines.push({
        line: this.firstLine + slot / SLOTS,
        occurrences: stats[slot + OCCURRENCES],
        incrementBytes: stats[slot + INCREMENT],
        usageBytes: usage + offset,
      });
    }
    return {
      file,
      functionName: name,
      firstLine: this.firstLine,
      lastLine: this.lastLine,
      metric: this.metric.name,
      metricDescription: this.metric.description,
      precision: options.precision,
      entryBytes: this.entry + offset,
      exitBytes: exit + offset,
      peakBytes: peak + offset,
      lines,
      threw: this.threw,
      durationMs: performance.now() - this.startTime,
      lineLevel: true,
    };
  }
}
