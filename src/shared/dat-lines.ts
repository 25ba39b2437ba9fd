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
//
// CHLDFUNC is memprof's: a profiled call in a child process. mprof skips lines it does not know; it
// must not see those calls as FUNC lines, because `mprof plot` merges FUNC memory into the main line.
//
// FUNC lines are written inside profiled programs, which may have replaced Array and String methods:
// they are built with memprof's captured copies (see primordials.ts).
import { primordials } from './primordials';

const { NumberIsFinite, NumberPrototypeToFixed, RegExpPrototypeSymbolReplace } = primordials;
const WHITESPACE = /\s+/g;

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
}

/** `get_cmd_line` of mprof.py: arguments joined by spaces, those with a blank in single quotes. */
export function cmdlineLine(args: readonly string[]): string {
  const quoted = args.map((arg) => (/[ \t]/.test(arg) ? `'${arg}'` : arg));
  return `CMDLINE ${quoted.join(' ').replace(/[\r\n]+/g, ' ')}\n`;
}

export function memLine(mib: number, seconds: number): string {
  return `MEM ${mib.toFixed(6)} ${seconds.toFixed(4)}\n`;
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

export function funcLine(record: FuncRecord): string {
  const keyword = record.pid === undefined ? 'FUNC' : `CHLDFUNC ${record.pid}`;
  return `${keyword} ${funcName(record.name)} ${fixed4(record.mem0)} ${fixed4(record.t0)} ${fixed4(record.mem1)} ${fixed4(record.t1)} ${record.level ?? 0}\n`;
}
