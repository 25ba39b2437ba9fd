// Writing the lines of memory_profiler's `.dat` format (mprof 0.61), exactly as mprof writes them. Two
// processes write into one recording: the recorder (CMDLINE, MEM, CHLD) and every profiled process
// (FUNC, CHLDFUNC), each line with one write to the same file. See docs/dat-format.md; the reader is
// src/record/dat.ts. A leaf: imports nothing from the rest of memprof.
//
//   CMDLINE <command line>
//   MEM <MiB %.6f> <epoch seconds %.4f>
//   CHLD <pid> <MiB %.6f> <epoch seconds %.4f>
//   FUNC <name> <MiB at entry %.4f> <entry s %.4f> <MiB at exit %.4f> <exit s %.4f> <level %d>
//   CHLDFUNC <pid> <name> <MiB at entry> <entry s> <MiB at exit> <exit s> <level>
//   CALL <thread> <id> <caller id> <line> <file>          (just before its FUNC or CHLDFUNC line)
//   MEASURE <backend> <process|tree>                      (after CMDLINE)
//
// CHLDFUNC, CALL and MEASURE are memprof's. mprof reads a line's kind up to its first space and passes
// over kinds it does not know, so it reads memprof's files as its own; FUNC lines keep mprof's fields
// exactly (mprof 0.61 knows no field after the level). CHLDFUNC is a profiled call in a child process:
// mprof must not see those calls as FUNC lines, because `mprof plot` merges FUNC memory into the main
// line. CALL says which call the next line is (its id and its caller's, so that a plot can nest a
// call under its real caller) and where its function is; MEASURE what the MEM and CHLD lines measure.
//
// FUNC lines are written inside profiled programs, which may have replaced Array and String methods:
// they are built with memprof's captured copies (see primordials.ts).
import { primordials } from './primordials';

const { NumberIsFinite, NumberPrototypeToFixed, ObjectHasOwn, RegExpPrototypeSymbolReplace } = primordials;
const WHITESPACE = /\s+/g;
const PERCENT = /%/g;
const CARRIAGE_RETURN = /\r/g;
const LINE_FEED = /\n/g;

/** Who a profiled call is and where its function is: memprof's CALL line, written before its FUNC line. */
export interface CallContext {
  /** The thread it ran in (worker_threads' threadId; 0 for the main thread): ids are per thread. */
  thread: number;
  /** The call's id, unique within its thread (from 1). */
  id: number;
  /** The id of its caller: the profiled call whose code was running when it started; 0 for none. */
  parent: number;
  /** The profiled function's file (as the line tables name it) and first line; '' and 0 when unknown. */
  file: string;
  line: number;
}

/** What the recorder measured: the MEASURE line. */
export interface RecordingMeasure {
  /** rss, pss or uss (memprof run's --backend; mprof's default is rss). */
  backend: string;
  /** tree with --include-children: MEM is the process and all its descendants together. */
  scope: 'process' | 'tree';
}

/** One profiled call: a FUNC line, or a CHLDFUNC line when it ran in another process than the recorded one. */
export interface FuncRecord {
  name: string;
  /** MiB at entry and exit, in the unit of the line the process is drawn on. */
  mem0: number;
  /** Epoch seconds at entry. */
  t0: number;
  mem1: number;
  t1: number;
  /** Nesting level from 0; absent in files from memory_profiler before 0.55. */
  level?: number;
  /** The process the call ran in (CHLDFUNC lines); absent for the recorded (main) process (FUNC lines). */
  pid?: number;
  /** From the CALL line before it; absent in files of mprof and of memprof before CALL lines. */
  context?: CallContext;
}

/** `get_cmd_line` of mprof.py: arguments joined by spaces, those with a blank in single quotes. */
export function cmdlineLine(args: readonly string[]): string {
  const quoted = args.map((arg) => (/[ \t]/.test(arg) ? `'${arg}'` : arg));
  return `CMDLINE ${quoted.join(' ').replace(/[\r\n]+/g, ' ')}\n`;
}

export function memLine(mib: number, seconds: number): string {
  return `MEM ${mib.toFixed(6)} ${seconds.toFixed(4)}\n`;
}

/** The MEASURE line: after CMDLINE, what every MEM and CHLD line of the recording measures. */
export function measureLine(measure: RecordingMeasure): string {
  return `MEASURE ${measure.backend} ${measure.scope}\n`;
}

export function chldLine(pid: number, mib: number, seconds: number): string {
  return `CHLD ${pid} ${mib.toFixed(6)} ${seconds.toFixed(4)}\n`;
}

/** A function name as one whitespace-free field (mprof splits lines on spaces). */
export function funcName(name: string): string {
  const cleaned = RegExpPrototypeSymbolReplace(WHITESPACE, name, '_');
  return cleaned === '' ? '(anonymous)' : cleaned;
}

/** A FUNC field: 4 decimals; a reading that failed (NaN) is written as 0 so that the line stays readable. */
function fixed4(value: number): string {
  return NumberPrototypeToFixed(NumberIsFinite(value) ? value : 0, 4);
}

/**
 * A file name as the rest of a line: `%`, CR and LF percent-encoded (a path may hold any of them), and
 * nothing else, so that the common path reads as itself.
 */
export function encodeFileField(file: string): string {
  const percent = RegExpPrototypeSymbolReplace(PERCENT, file, '%25');
  return RegExpPrototypeSymbolReplace(LINE_FEED, RegExpPrototypeSymbolReplace(CARRIAGE_RETURN, percent, '%0D'), '%0A');
}

/** The CALL line of a call: thread, id, caller, line, then the file as the rest of the line. */
export function callLine(context: CallContext): string {
  return `CALL ${context.thread} ${context.id} ${context.parent} ${context.line} ${encodeFileField(context.file)}\n`;
}

/**
 * A call's FUNC (or CHLDFUNC) line, with its CALL line before it when the context is known: the two
 * are one string, written with one write, so no other line comes between them.
 */
export function funcLine(record: FuncRecord): string {
  const keyword = record.pid === undefined ? 'FUNC' : `CHLDFUNC ${record.pid}`;
  const func = `${keyword} ${funcName(record.name)} ${fixed4(record.mem0)} ${fixed4(record.t0)} ${fixed4(record.mem1)} ${fixed4(record.t1)} ${record.level ?? 0}\n`;
  // An own property only: the record is memprof's, but Object.prototype is the program's.
  const context = ObjectHasOwn(record, 'context') ? record.context : undefined;
  return context === undefined ? func : callLine(context) + func;
}
