// Reading memory_profiler's `.dat` files (mprof 0.61, and memprof's own) as a stream of records,
// tolerant of damage: each line is parsed on its own and handed to a visitor, so that a reader keeps
// only what it needs (`memprof peak` a maximum per process, `memprof plot` a few points per pixel)
// and a recording of any size is read in the memory of one buffer. See docs/dat-format.md; the lines
// are written by src/shared/dat-lines.ts.
import type { CallContext, FuncRecord, RecordingMeasure } from '../shared/dat-lines';
import { readLines, textLines, type LineSink } from './line-reader';

/** An unreadable or unusable file: the message is one line, ready to print after `memprof: `. */
export class DatError extends Error {}

/** What a reader wants of the records; a kind it does not take is parsed (damage still counts) and dropped. */
export interface DatVisitor {
  cmdline?(text: string): void;
  /** A MEM line: the recorded process (or, with --include-children, its whole tree). */
  mem?(mib: number, time: number): void;
  /** A CHLD line: one descendant's own memory. */
  child?(pid: number, mib: number, time: number): void;
  /** A FUNC line (no pid) or a CHLDFUNC line (with its pid). */
  func?(record: FuncRecord): void;
}

/** Records of each kind read. */
export interface DatCounts {
  mem: number;
  child: number;
  func: number;
}

/** What reading a file found besides its records. */
export interface DatScan {
  filename: string;
  cmdline: string | undefined;
  /** From the MEASURE line (memprof run since it writes one); undefined in older files and mprof's. */
  measure: RecordingMeasure | undefined;
  counts: DatCounts;
  /** Lines that could not be read (truncated, bad numbers, blank, unknown): skipped. */
  damaged: number;
  /** 1-based numbers of the first few damaged lines, for messages. */
  damagedLines: number[];
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A decimal number as mprof writes them; NaN for anything else (`nan`, `inf`, `0x10`, ``). */
function num(text: string): number {
  if (!NUMBER.test(text)) return NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : NaN;
}

/** 10^0 .. 10^22: the powers of ten a double holds exactly. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, power) => 10 ** power);

/**
 * num(line.slice(from, to)), without the slice: a recording is millions of these, and this is most of
 * the time spent reading one. Digits are read as an integer mantissa; with at most 15 digits (exact
 * in a double) and at most 22 decimals (10^22 is the largest exact power of ten), mantissa / 10^d is
 * the correctly rounded value of the decimal, so the very double Number() gives (Clinger's fast
 * path). Anything else (an exponent, more digits) goes through num.
 */
function numberAt(line: string, from: number, to: number): number {
  if (from >= to) return NaN;
  let index = from;
  let code = line.charCodeAt(index);
  const negative = code === 45; // -
  if (negative || code === 43) index++; // +
  let mantissa = 0;
  let digits = 0;
  let decimals = 0;
  let dot = false;
  for (; index < to; index++) {
    code = line.charCodeAt(index);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
      if (dot) decimals++;
    } else if (code === 46 && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (index < to) return code === 101 || code === 69 ? num(line.slice(from, to)) : NaN; // e, E
  if (digits === 0) return NaN;
  if (digits > 15 || decimals > 22) return num(line.slice(from, to));
  const value = mantissa / POWERS_OF_TEN[decimals];
  return negative ? -value : value;
}

/** A pid or a level: digits only; NaN otherwise. */
function wholeAt(line: string, from: number, to: number): number {
  if (from >= to) return NaN;
  if (to - from > 15) {
    const text = line.slice(from, to);
    return /^\d+$/.test(text) ? Number(text) : NaN;
  }
  let value = 0;
  for (let index = from; index < to; index++) {
    const code = line.charCodeAt(index);
    if (code < 48 || code > 57) return NaN;
    value = value * 10 + (code - 48);
  }
  return value;
}

const whole = (text: string): number => wholeAt(text, 0, text.length);

/** `%25`, `%0D`, `%0A` back to `%`, CR, LF: the only characters the writer encodes in a file name. */
function decodeFileField(text: string): string {
  return text.includes('%') ? text.replace(/%(25|0D|0A)/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16))) : text;
}

/** `<thread> <id> <caller id> <line> <file>`: the file is the rest of the line (it may hold blanks, or be empty). */
function parseCall(line: string, from: number): CallContext | undefined {
  const ends: number[] = [];
  let at = from;
  for (let field = 0; field < 4; field++) {
    const space = line.indexOf(' ', at);
    if (space < 0) return undefined;
    ends.push(space);
    at = space + 1;
  }
  const thread = wholeAt(line, from, ends[0]);
  const id = wholeAt(line, ends[0] + 1, ends[1]);
  const parent = wholeAt(line, ends[1] + 1, ends[2]);
  const number = wholeAt(line, ends[2] + 1, ends[3]);
  if (Number.isNaN(thread) || Number.isNaN(id) || Number.isNaN(parent) || Number.isNaN(number)) return undefined;
  return { thread, id, parent, file: decodeFileField(line.slice(ends[3] + 1)), line: number };
}

const SCOPES: ReadonlySet<string> = new Set(['process', 'tree']);

/** `<backend> <scope> [more]`: a backend is a short lower-case word; fields after the scope are for later versions. */
function parseMeasure(values: readonly string[]): RecordingMeasure | undefined {
  if (values.length < 2 || !/^[a-z][a-z0-9_]{0,15}$/.test(values[0]) || !SCOPES.has(values[1])) return undefined;
  return { backend: values[0], scope: values[1] as RecordingMeasure['scope'] };
}

/** `<name> <mem0> <t0> <mem1> <t1> [<level>]`: the level is missing in files of memory_profiler < 0.55. */
function parseFunc(values: readonly string[], pid: number | undefined): FuncRecord | undefined {
  if (values.length < 5 || values.length > 6 || values[0] === '') return undefined;
  const [mem0, t0, mem1, t1] = [num(values[1]), num(values[2]), num(values[3]), num(values[4])];
  if (Number.isNaN(mem0) || Number.isNaN(t0) || Number.isNaN(mem1) || Number.isNaN(t1)) return undefined;
  const record: FuncRecord = { name: values[0], mem0, t0, mem1, t1 };
  if (values.length === 6) {
    const level = whole(values[5]);
    if (Number.isNaN(level)) return undefined;
    record.level = level;
  }
  if (pid !== undefined) record.pid = pid;
  return record;
}

/**
 * A CALL line describes the FUNC or CHLDFUNC line right after it (both are one write): it waits here
 * for that line, which takes it. A CALL line followed by anything else was damaged, or the line after
 * it was.
 */
interface Pairing {
  /** The CALL line just before this line, if it was one, and whether this line took it. */
  previous: CallContext | undefined;
  taken: boolean;
  /** This line's, when it is a CALL line. */
  current: CallContext | undefined;
}

/**
 * Parses one line (without its newline) and hands its record to `visitor`; false when it is damaged.
 * MEM and CHLD lines, nearly all of a recording, are read in place, without a slice or an array.
 */
function parseLine(line: string, visitor: DatVisitor, counts: DatCounts, scan: DatScan, pairing: Pairing): boolean {
  if (line.startsWith('MEM ')) {
    const second = line.indexOf(' ', 4);
    if (second < 0 || line.indexOf(' ', second + 1) >= 0) return false;
    const mib = numberAt(line, 4, second);
    const time = numberAt(line, second + 1, line.length);
    if (Number.isNaN(mib) || Number.isNaN(time)) return false;
    counts.mem++;
    visitor.mem?.(mib, time);
    return true;
  }
  if (line.startsWith('CHLD ')) {
    const second = line.indexOf(' ', 5);
    const third = second < 0 ? -1 : line.indexOf(' ', second + 1);
    if (third < 0 || line.indexOf(' ', third + 1) >= 0) return false;
    const pid = wholeAt(line, 5, second);
    const mib = numberAt(line, second + 1, third);
    const time = numberAt(line, third + 1, line.length);
    if (Number.isNaN(pid) || Number.isNaN(mib) || Number.isNaN(time)) return false;
    counts.child++;
    visitor.child?.(pid, mib, time);
    return true;
  }
  const space = line.indexOf(' ');
  if (space <= 0) return false;
  const field = line.slice(0, space);
  switch (field) {
    case 'CMDLINE':
      scan.cmdline = line.slice(space + 1);
      visitor.cmdline?.(scan.cmdline);
      return true;
    case 'MEASURE': {
      const measure = parseMeasure(line.slice(space + 1).split(' '));
      if (!measure) return false;
      scan.measure = measure;
      return true;
    }
    case 'CALL': {
      const context = parseCall(line, space + 1);
      if (!context) return false;
      pairing.current = context;
      return true;
    }
    case 'FUNC':
    case 'CHLDFUNC': {
      const values = line.slice(space + 1).split(' ');
      let pid: number | undefined;
      if (field === 'CHLDFUNC') {
        pid = whole(values.shift() ?? '');
        if (Number.isNaN(pid)) return false;
      }
      const record = parseFunc(values, pid);
      if (!record) return false;
      if (pairing.previous) {
        record.context = pairing.previous;
        pairing.taken = true;
      }
      counts.func++;
      visitor.func?.(record);
      return true;
    }
    default:
      return false;
  }
}

/** A scan of `filename` that feeds `visitor`, and the line sink that drives it. */
function scanner(filename: string, visitor: DatVisitor): { scan: DatScan; sink: LineSink; finish: () => void } {
  const scan: DatScan = { filename, cmdline: undefined, measure: undefined, counts: { mem: 0, child: 0, func: 0 }, damaged: 0, damagedLines: [] };
  let lineNumber = 0;
  const damaged = (number: number): void => {
    scan.damaged++;
    if (scan.damagedLines.length < 5) scan.damagedLines.push(number);
  };
  // The CALL line read last, waiting for its FUNC line (the line after it), and its number.
  let waiting: CallContext | undefined;
  let waitingLine = 0;
  const pairing: Pairing = { previous: undefined, taken: false, current: undefined };
  const sink: LineSink = (line, terminated) => {
    lineNumber++;
    pairing.previous = waiting;
    pairing.taken = false;
    pairing.current = undefined;
    // A last line without its newline is a write that was cut short (every writer ends its lines),
    // so it counts as damaged even if what is left happens to parse.
    const read = line !== null && terminated && parseLine(line, visitor, scan.counts, scan, pairing);
    if (waiting && !pairing.taken) damaged(waitingLine);
    waiting = read ? pairing.current : undefined;
    waitingLine = lineNumber;
    if (!read) damaged(lineNumber);
  };
  const finish = (): void => {
    if (waiting) damaged(waitingLine);
    waiting = undefined;
  };
  return { scan, sink, finish };
}

/**
 * Reads the text of a `.dat` file. Damaged lines are skipped and counted, never fatal: a blank line, a
 * truncated or unknown line, a number that is not one, an unterminated last line, a CALL line that no
 * FUNC line follows.
 */
export function scanDatText(text: string, visitor: DatVisitor, filename = '<text>'): DatScan {
  const { scan, sink, finish } = scanner(filename, visitor);
  textLines(text, sink);
  finish();
  return scan;
}

/** Reads the file at `path` as scanDatText reads a text, through one buffer; unreadable: DatError. */
export function scanDatFile(path: string, visitor: DatVisitor, filename = path): DatScan {
  const { scan, sink, finish } = scanner(filename, visitor);
  try {
    readLines(path, sink);
    finish();
  } catch (error) {
    // Only the file's own errors (open, read) are the file's fault; a visitor's are thrown on.
    const { code, syscall } = error as NodeJS.ErrnoException;
    if (syscall === undefined) throw error;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new DatError(`cannot read ${path}: ${why}`);
  }
  return scan;
}
