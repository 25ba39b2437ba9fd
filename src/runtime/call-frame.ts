// One running call of an instrumented function. Instrumented code calls `at(line)` before each
// statement: what happened since the previous sample is charged to the line that was running.
// Every method here runs once per executed statement, so none of them may allocate.
//
// How a sample charges a line (all in bytes, between two samples; counters of ledger.ts):
//   reading:   the metric went from `last` to `now`
//   collected: collections freed this much of the program's memory (`freed`; 0 without the addon)
//   own:       memprof's own work changed the reading by this much (nested calls' frames, tables)
//   allocated = (now - last) + collected - own
//   freed     = collected
//   increment = allocated - freed = (now - last) - own        (memory_profiler's Increment)
// So Allocated does not depend on when the collector ran, and Increment keeps its meaning. When more
// went away than any counted collection freed (external memory released outside a collection, or any
// collection when the addon is missing), memprof's pending garbage is taken as part of the drop and
// the rest is freed too, so that allocated stays >= 0.
import type { Metric } from './metrics';
import { beginOwnWork, endOwnWork, takeOwnShareOfDrop } from './ledger';
import type { CallResult, LineResult } from './call-result';
import { append, zeros } from '../shared/primordials';

/** Stats are kept flat, four slots per line of the function. */
const ALLOCATED = 0;
const FREED = 1;
const OCCURRENCES = 2;
const USAGE = 3;
const SLOTS = 4;
/** Counters wrap modulo 2^32; a difference read with `| 0` is negative past 2 GiB. */
const WRAP = 4294967296;

export type ThresholdHandler = (line: number, valueBytes: number) => void;

/** The frame whose code runs now, of any profiled function (each frame keeps the one beneath it). */
let runningFrame: CallFrame | undefined;

/** The calls of one function that are running right now, innermost first (see `below`). */
export interface RunningCalls {
  running: CallFrame | undefined;
  /**
   * The function's list of lines ticked since the last sample (see tick()), made at its first tick
   * and kept: made per call, it would be memprof's allocation inside every call's figures (its net).
   * One list serves every call of the function: only statements that call nothing are ticked, so a
   * call's next sample always comes before another call's first tick.
   */
  ticked?: number[];
}

export class CallFrame {
  /**
   * A plain array of small integers, not a Float64Array: interpreted code would box every value
   * loaded from a Float64Array into a new heap object, i.e. allocate on each sample.
   */
  private readonly stats: number[];
  /**
   * Per line, four figures of what profiled calls running inside it charged: allocated and freed by
   * calls of this same function (recursion), then allocated and freed by any profiled call (callees).
   */
  private inner: number[] | undefined;
  /**
   * Lines counted by tick() (statements that cannot allocate) since the last sample, once each: the
   * next sample's reading is their Mem usage too. Allocated when the first tick comes.
   */
  private ticked: number[] | undefined;
  private tickedCount = 0;
  /** Slot offset of the line whose execution the next sample closes. */
  private pending = 0;
  private last = 0;
  private lastFreed = 0;
  private lastOwn = 0;
  private entry = 0;
  /** Added to readings for absolute values (what the fast reading leaves out), fixed at entry. */
  private offset = 0;
  private allocated = 0;
  private freed = 0;
  private readonly counters: Int32Array;
  private readonly freedSlot: number;
  private readonly ownSlot: number;
  private readonly pendingSlot: number;
  /** Between suspend() and resume(): what happens then belongs to other tasks. */
  private suspended = false;
  private threw = false;
  /**
   * The memory threshold this call watches for, in readings, while `watching`. Asked only then:
   * Infinity is a double, and unoptimised code (a first call, code V8 deoptimised) boxes a double
   * field it loads into a new 16-byte number, which would show on the user's line at every sample.
   */
  private watching = false;
  private breakAt = Infinity;
  private breakAtBytes = Infinity;
  private onThreshold: ThresholdHandler | undefined;
  /** The same function's call that runs beneath this one's current stretch of code, if any. */
  private below: CallFrame | undefined;
  /** The profiled call (any function) that runs beneath it: its caller, for this stretch. */
  private caller: CallFrame | undefined;
  private onStack = false;
  private allocatedAtStretchStart = 0;
  private freedAtStretchStart = 0;
  /** Another call of the same function was running beneath this one when it started. */
  private reentrant = false;
  private readonly startTime: number;

  constructor(
    private readonly firstLine: number,
    private readonly lastLine: number,
    private readonly metric: Metric,
    private readonly calls: RunningCalls,
    private readonly clock: () => number,
  ) {
    this.stats = zeros((lastLine - firstLine + 1) * SLOTS);
    this.stats[OCCURRENCES] = 1;
    this.counters = metric.counters;
    this.freedSlot = metric.freedSlot;
    this.ownSlot = metric.ownSlot;
    this.pendingSlot = metric.pendingSlot;
    this.startTime = clock();
  }

  /** Calls `handler` once, with the line that ran, when a sample first exceeds `bytes` (absolute). */
  watchThreshold(bytes: number, handler: ThresholdHandler): void {
    this.breakAtBytes = bytes;
    this.onThreshold = handler;
  }

  /**
   * Fixes the offset that makes readings absolute; allocates, so it runs in memprof's own work, before
   * `begin()`.
   */
  calibrate(): void {
    this.offset = this.metric.offset();
    this.breakAt = this.breakAtBytes - this.offset;
    this.watching = this.breakAtBytes !== Infinity;
  }

  /** Takes the entry sample; called once the frame exists, so that its creation is not measured. */
  begin(): this {
    this.entry = this.last = this.metric.read();
    this.lastFreed = this.counters[this.freedSlot];
    this.lastOwn = this.counters[this.ownSlot];
    this.stats[USAGE] = this.entry;
    this.reentrant = this.calls.running !== undefined;
    this.enterStack();
    return this;
  }

  /** A statement on `line` is about to run: close the previous one. */
  at(line: number): void {
    if (this.suspended) this.resumeCounting();
    const slot = this.pending;
    const now = this.charge(slot);
    const next = (line - this.firstLine) * SLOTS;
    this.stats[next + OCCURRENCES] += 1;
    this.pending = next;
    if (this.watching && now > this.breakAt) this.thresholdPassed(slot, now);
  }

  /**
   * A statement on `line` that cannot allocate (the instrumenter proved it) is about to run: count it,
   * without reading memory. The line that was running stays the one the next sample closes: whatever
   * it allocated is still its own, and this statement adds nothing.
   */
  tick(line: number): void {
    const slot = (line - this.firstLine) * SLOTS;
    this.stats[slot + OCCURRENCES] += 1;
    let ticked = this.ticked;
    if (!ticked) {
      ticked = this.calls.ticked;
      if (!ticked) {
        beginOwnWork();
        // Slots ticked since the last sample, then one flag per line: each is listed once.
        ticked = this.calls.ticked = zeros(this.stats.length / SLOTS * 2);
        endOwnWork();
      }
      this.ticked = ticked;
    }
    const lines = this.stats.length / SLOTS;
    const flag = lines + slot / SLOTS;
    if (ticked[flag] === 0) {
      ticked[flag] = 1;
      ticked[this.tickedCount++] = slot;
    }
  }

  /**
   * Before `await`/`yield`: charge the running line, then stop counting. Other tasks run while this
   * call is suspended; what they allocate is not this call's.
   */
  suspend<T>(value: T): T {
    if (this.suspended) return value;
    const now = this.charge(this.pending);
    this.leaveStack();
    this.suspended = true;
    if (this.watching && now > this.breakAt) this.thresholdPassed(this.pending, now);
    return value;
  }

  /** After `await`/`yield`: start counting again from here. */
  resume<T>(value: T): T {
    if (this.suspended) this.resumeCounting();
    return value;
  }

  /**
   * A whole call whose promise is still pending: from now on it is not beneath whatever runs next,
   * but it keeps counting everything (a whole call has no suspension points).
   */
  detach(): void {
    this.leaveStack();
  }

  markThrown(): void {
    this.threw = true;
  }

  /** Closes the last line and returns everything measured. */
  finish(name: string, file: string, precision: number): CallResult {
    // A generator closed by its consumer's return() or throw() runs its `finally` without resuming.
    if (this.suspended) this.resumeCounting();
    const exit = this.charge(this.pending);
    if (this.watching && exit > this.breakAt) this.thresholdPassed(this.pending, exit);
    this.leaveStack();
    return this.result(name, file, precision, exit);
  }

  /**
   * After finish(), with the `retained` option: a full collection (hidden from every figure), then
   * what the call left alive compared with its entry (which the caller also took after a collection).
   */
  retainedAfterCollection(collect: () => boolean): number | null {
    if (!collect()) return null;
    return this.metric.read() - this.entry;
  }

  private charge(slot: number): number {
    const now = this.metric.read();
    const counters = this.counters;
    const freedNow = counters[this.freedSlot];
    const ownNow = counters[this.ownSlot];
    let collected = (freedNow - this.lastFreed) | 0;
    if (collected < 0) collected += WRAP;
    const allocated = now - this.last + collected - ((ownNow - this.lastOwn) | 0);
    // The rare case in a method of its own, called last. Written inline here, V8 compiled it into some
    // optimised profiled functions and not others, depending on when collections ran before it
    // optimised them (even where the branch never ran), and it then kept more values in their frame:
    // a recursion ran 6% shallower in about one run in four (test/recursion-depth.test.ts).
    if (allocated < 0) return this.chargeDrop(slot, now, freedNow, collected, -allocated);
    return this.record(slot, now, freedNow, ownNow, collected, allocated);
  }

  /** Memory dropped by `drop` since the last sample: a collection freed memprof's garbage, or more. */
  private chargeDrop(slot: number, now: number, freedNow: number, collected: number, drop: number): number {
    const share = takeOwnShareOfDrop(this.counters, this.pendingSlot, drop);
    let allocated = share - drop;
    if (allocated < 0) {
      collected -= allocated;
      allocated = 0;
    }
    return this.record(slot, now, freedNow, this.counters[this.ownSlot], collected, allocated);
  }

  private record(slot: number, now: number, freedNow: number, ownNow: number, collected: number, allocated: number): number {
    const stats = this.stats;
    stats[slot + ALLOCATED] += allocated;
    stats[slot + FREED] += collected;
    if (now > stats[slot + USAGE]) stats[slot + USAGE] = now;
    if (this.tickedCount > 0) this.flushTicked(now);
    this.allocated += allocated;
    this.freed += collected;
    this.last = now;
    this.lastFreed = freedNow;
    this.lastOwn = ownNow;
    return now;
  }

  /** Lines ticked since the last sample ran with nothing allocated: memory right after them was `now`. */
  private flushTicked(now: number): void {
    const ticked = this.ticked!;
    const stats = this.stats;
    const lines = stats.length / SLOTS;
    for (let index = 0; index < this.tickedCount; index++) {
      const slot = ticked[index];
      if (now > stats[slot + USAGE]) stats[slot + USAGE] = now;
      ticked[lines + slot / SLOTS] = 0;
    }
    this.tickedCount = 0;
  }

  private resumeCounting(): void {
    this.suspended = false;
    this.last = this.metric.read();
    this.lastFreed = this.counters[this.freedSlot];
    this.lastOwn = this.counters[this.ownSlot];
    this.enterStack();
  }

  /**
   * Each stretch of code a call runs without suspending sits on top of whatever runs beneath it. When
   * that is a call of the same function (recursion, re-entrancy), everything this stretch charges is
   * also inside that call's current line: it is noted there, so that summed tables count it once.
   */
  private enterStack(): void {
    this.below = this.calls.running;
    this.calls.running = this;
    this.caller = runningFrame;
    runningFrame = this;
    this.onStack = true;
    this.allocatedAtStretchStart = this.allocated;
    this.freedAtStretchStart = this.freed;
  }

  private leaveStack(): void {
    if (!this.onStack) return;
    this.onStack = false;
    if (this.calls.running === this) this.calls.running = this.below;
    if (runningFrame === this) runningFrame = this.caller;
    const allocated = this.allocated - this.allocatedAtStretchStart;
    const freed = this.freed - this.freedAtStretchStart;
    const below = this.below;
    const caller = this.caller;
    this.below = undefined;
    this.caller = undefined;
    if (below) below.chargeInner(0, allocated, freed);
    if (caller) caller.chargeInner(2, allocated, freed);
  }

  /** Notes on the running line what a profiled call inside it charged (`offset` 0: recursion, 2: any callee). */
  private chargeInner(offset: number, allocated: number, freed: number): void {
    if (allocated === 0 && freed === 0) return;
    if (!this.inner) {
      beginOwnWork();
      this.inner = zeros((this.lastLine - this.firstLine + 1) * 4);
      endOwnWork();
    }
    const index = (this.pending / SLOTS) * 4 + offset;
    this.inner[index] += allocated;
    this.inner[index + 1] += freed;
  }

  private thresholdPassed(slot: number, now: number): void {
    this.watching = false;
    this.breakAt = Infinity;
    this.onThreshold?.(this.firstLine + slot / SLOTS, now + this.offset);
  }

  private result(name: string, file: string, precision: number, exit: number): CallResult {
    const stats = this.stats;
    const inner = this.inner;
    const offset = this.offset;
    const lines: LineResult[] = [];
    let peak = this.entry > exit ? this.entry : exit;
    for (let slot = 0; slot < stats.length; slot += SLOTS) {
      if (stats[slot + OCCURRENCES] === 0) continue;
      const usage = stats[slot + USAGE];
      if (usage > peak) peak = usage;
      const index = (slot / SLOTS) * 4;
      append(lines, {
        line: this.firstLine + slot / SLOTS,
        occurrences: stats[slot + OCCURRENCES],
        incrementBytes: stats[slot + ALLOCATED] - stats[slot + FREED],
        allocatedBytes: stats[slot + ALLOCATED],
        freedBytes: stats[slot + FREED],
        usageBytes: usage + offset,
        reentrantAllocatedBytes: inner ? inner[index] : 0,
        reentrantFreedBytes: inner ? inner[index + 1] : 0,
        calleeAllocatedBytes: inner ? inner[index + 2] : 0,
        calleeFreedBytes: inner ? inner[index + 3] : 0,
      });
    }
    return {
      file,
      functionName: name,
      firstLine: this.firstLine,
      lastLine: this.lastLine,
      metric: this.metric.name,
      metricDescription: this.metric.description,
      precision,
      entryBytes: this.entry + offset,
      exitBytes: exit + offset,
      peakBytes: peak + offset,
      allocatedBytes: this.allocated,
      freedBytes: this.freed,
      retainedBytes: null,
      allocationExact: this.metric.exact,
      lines,
      threw: this.threw,
      durationMs: this.clock() - this.startTime,
      lineLevel: true,
      block: false,
      reentrant: this.reentrant,
      calls: 0,
      reentrantCalls: 0,
    };
  }
}
