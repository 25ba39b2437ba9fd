// Which line was running when an object was allocated. V8's allocation stacks name functions, not
// lines; so, while the leak finder watches a few iterations, every breakable location of the functions
// that keep memory gets a breakpoint whose condition records a mark and answers false (the way
// DevTools' logpoints work: nothing pauses). Each mark allocates one small object, which the sampling
// heap profiler sees in allocation order like any other: an allocation belongs to the last mark before
// it. Iterations are marked the same way, by the leak finder itself, so that each allocation is also
// known by the iteration that made it.
import { beginOwnWork, endOwnWork } from '../../runtime/metrics';
import type { InspectorSession } from './inspector';

/** A breakable location of a watched function. */
export interface MarkedLocation {
  scriptId: string;
  /** 1-based, in the user's file (through the script's source map, when a test runner compiled it). */
  line: number;
  /** The watched function it belongs to (see functionKey). */
  functionKey: string;
}

/** Where a function starts, as V8's call frames give it (0-based line and column). */
export interface FunctionStart {
  scriptId: string;
  lineNumber: number;
  columnNumber: number;
}

export function functionKey(start: FunctionStart): string {
  return `${start.scriptId}:${start.lineNumber}:${start.columnNumber}`;
}

const MARK_FUNCTION = Symbol.for('memprof.leaks.mark');
/** Marks kept per watched window: beyond it, marking stops (and says so), rather than slowing to a crawl. */
const CAPACITY = 40_000;
/** A location that runs more often than this (a tight loop) stops being marked: the next marks tell the rest. */
const HITS_PER_LOCATION = 1_000;
/** The id of the mark that says "marking stopped here". */
export const MARKS_EXHAUSTED = -1_000_000;

export class LineMarks {
  readonly locations: MarkedLocation[] = [];
  /** Mark ids in the order they were made: a location's index, or -(iteration + 1). */
  readonly log = new Int32Array(CAPACITY);
  count = 0;
  /** Filled up front, so that storing a mark never grows it. */
  private readonly kept: unknown[] = new Array(CAPACITY).fill(undefined);
  private readonly breakpoints: string[] = [];
  private readonly hits: number[] = [];
  private readonly watched = new Set<string>();
  private exhausted = false;

  constructor(
    private readonly session: InspectorSession,
    private readonly lineOf: (scriptId: string, lineNumber: number, columnNumber: number) => number,
  ) {
    (globalThis as Record<symbol, unknown>)[MARK_FUNCTION] = (id: number) => this.recordLineMark(id);
    // The first calls of a function allocate for themselves (feedback, literal boilerplates): made
    // now, before allocations are watched, so that a watched mark allocates its object and nothing else.
    for (let index = 0; index < 16; index++) {
      this.record(0);
      this.markIteration(0);
    }
    this.kept.fill(undefined);
    this.count = 0;
  }

  /** Puts a marking breakpoint on every breakable location of the function starting at `start`. */
  watchFunction(start: FunctionStart): void {
    const key = functionKey(start);
    if (this.watched.has(key)) return;
    this.watched.add(key);
    const { locations } = this.session.post<{ locations: Array<{ scriptId: string; lineNumber: number; columnNumber: number }> }>(
      'Debugger.getPossibleBreakpoints',
      { start, restrictToFunction: true },
    );
    for (const location of locations) {
      const id = this.locations.length;
      const { breakpointId } = this.session.post<{ breakpointId: string }>('Debugger.setBreakpoint', {
        location,
        condition: `globalThis[Symbol.for(${JSON.stringify(MARK_FUNCTION.description)})]?.(${id}), false`,
      });
      this.locations.push({ scriptId: location.scriptId, line: this.lineOf(location.scriptId, location.lineNumber, location.columnNumber), functionKey: key });
      this.breakpoints.push(breakpointId);
      this.hits.push(0);
    }
  }

  get watchedFunctions(): ReadonlySet<string> {
    return this.watched;
  }

  /**
   * Called by the leak finder before each watched iteration. Its mark is a large object (see
   * isIterationMark), which the sampling profiler cannot miss whatever the compiler made of this code.
   */
  markIteration(iteration: number): void {
    if (this.exhausted) return;
    this.log[this.count] = -(iteration + 1);
    this.kept[this.count++] = makeIterationMark();
  }

  /** Removes every breakpoint and the global the conditions call. */
  close(): void {
    for (const breakpointId of this.breakpoints) {
      if (breakpointId) this.session.post('Debugger.removeBreakpoint', { breakpointId });
    }
    this.breakpoints.length = 0;
    delete (globalThis as Record<symbol, unknown>)[MARK_FUNCTION];
  }

  /** Drops the mark objects once the allocations have been read. */
  release(): void {
    this.kept.fill(undefined);
  }

  /** Called from the breakpoint conditions: the name tells its allocations apart (see isMarkFrame). */
  private recordLineMark(id: number): void {
    if (this.exhausted) return;
    // Inside the program's line: memprof's own work, left out of the line's figures.
    beginOwnWork();
    if (++this.hits[id] > HITS_PER_LOCATION) {
      this.session.post('Debugger.removeBreakpoint', { breakpointId: this.breakpoints[id] });
      this.breakpoints[id] = '';
    } else {
      this.record(id);
    }
    endOwnWork();
  }

  private record(id: number): void {
    if (this.exhausted) return;
    if (this.count === CAPACITY - 1) {
      this.exhausted = true;
      id = MARKS_EXHAUSTED;
    }
    this.log[this.count] = id;
    this.kept[this.count++] = makeMark(id);
  }
}

/** A mark's object: the only thing this function allocates, so that its frame tells marks apart. */
function newMark(id: number): object {
  return { mark: id };
}

/**
 * newMark called through a proxy, which the optimizing compiler does not inline: an inlined newMark
 * would allocate in its caller's frame, and the mark would not be recognised.
 */
const makeMark = new Proxy(newMark, {}) as typeof newMark;

/** An iteration's mark: an array of 1024 slots, far larger than anything else this module allocates. */
function newIterationMark(): object {
  return new Array(ITERATION_MARK_SLOTS);
}

const makeIterationMark = new Proxy(newIterationMark, {}) as typeof newIterationMark;
const ITERATION_MARK_SLOTS = 1024;

/** Whether an allocation's innermost frame is newMark's: a line's mark. */
export function isMarkFrame(functionName: string, url: string): boolean {
  return functionName === 'newMark' && url.endsWith(MODULE_FILE);
}

/** Whether an allocation is an iteration's mark: made in this module, and as large as one. */
export function isIterationMark(sizeBytes: number, url: string): boolean {
  return sizeBytes >= ITERATION_MARK_SLOTS * 8 && url.endsWith(MODULE_FILE);
}

const MODULE_FILE = __filename.replace(/\\/g, '/').split('/').slice(-3).join('/');
