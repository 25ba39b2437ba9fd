// Reading memory_profiler's `.dat` files (mprof 0.61, and memprof's own) line by line, tolerant of
// damage, so that files move both ways between the two tools. See docs/dat-format.md; the lines are
// written by src/shared/dat-lines.ts.
import { readFileSync } from 'node:fs';
import type { FuncRecord } from '../shared/dat-lines';

export type { FuncRecord };

export interface MemSample {
  mib: number;
  time: number;
}

export interface DatFile {
  filename: string;
  cmdline: string | undefined;
  /** MEM lines: the recorded process (or, with --include-children, its whole tree). */
  mem: MemSample[];
  /** CHLD lines, by child pid, in file order. */
  children: Map<number, MemSample[]>;
  funcs: FuncRecord[];
  /** Lines that could not be read (truncated, bad numbers, blank, unknown): skipped. */
  damaged: number;
  /** 1-based numbers of the first few damaged lines, for messages. */
  damagedLines: number[];
}

/** An unreadable or unusable file: the message is one line, ready to print after `memprof: `. */
export class DatError extends Error {}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function num(text: string | undefined): number | undefined {
  if (text === undefined || !NUMBER.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function pidField(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

/** `<name> <mem0> <t0> <mem1> <t1> [<level>]`: the level is missing in files of memory_profiler < 0.55. */
function parseFunc(values: string[], pid: number | undefined, file: DatFile): boolean {
  if (values.length < 5 || values.length > 6 || values[0] === '') return false;
  const [mem0, t0, mem1, t1] = [num(values[1]), num(values[2]), num(values[3]), num(values[4])];
  if (mem0 === undefined || t0 === undefined || mem1 === undefined || t1 === undefined) return false;
  const record: FuncRecord = { name: values[0], mem0, t0, mem1, t1 };
  if (values.length === 6) {
    if (!/^\d+$/.test(values[5])) return false;
    record.level = Number(values[5]);
  }
  if (pid !== undefined) record.pid = pid;
  file.funcs.push(record);
  return true;
}

/** Parses one line (without its newline) into `file`; false when it is damaged. */
function parseLine(line: string, file: DatFile): boolean {
  const space = line.indexOf(' ');
  if (space <= 0) return false;
  const field = line.slice(0, space);
  if (field === 'CMDLINE') {
    file.cmdline = line.slice(space + 1);
    return true;
  }
  const values = line.slice(space + 1).split(' ');
  switch (field) {
    case 'MEM': {
      const [mib, time] = [num(values[0]), num(values[1])];
      if (values.length !== 2 || mib === undefined || time === undefined) return false;
      file.mem.push({ mib, time });
      return true;
    }
    case 'CHLD': {
      const [pid, mib, time] = [pidField(values[0]), num(values[1]), num(values[2])];
      if (values.length !== 3 || pid === undefined || mib === undefined || time === undefined) return false;
      let series = file.children.get(pid);
      if (!series) file.children.set(pid, (series = []));
      series.push({ mib, time });
      return true;
    }
    case 'FUNC':
      return parseFunc(values, undefined, file);
    case 'CHLDFUNC': {
      const pid = pidField(values[0]);
      return pid !== undefined && parseFunc(values.slice(1), pid, file);
    }
    default:
      return false;
  }
}

/**
 * Reads the text of a `.dat` file. Damaged lines are skipped and counted, never fatal: a blank line, a
 * truncated or unknown line, a number that is not one. A last line without its newline is a write that
 * was cut short (every writer ends its lines), so it counts as damaged too.
 */
export function parseDat(text: string, filename = '<text>'): DatFile {
  const file: DatFile = { filename, cmdline: undefined, mem: [], children: new Map(), funcs: [], damaged: 0, damagedLines: [] };
  const lines = text.split('\n');
  const complete = lines.pop() === '';
  if (!complete) lines.push('\0'); // the unterminated tail: damaged whatever it says
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (parseLine(line, file)) return;
    file.damaged++;
    if (file.damagedLines.length < 5) file.damagedLines.push(index + 1);
  });
  return file;
}

export function readDat(path: string): DatFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new DatError(`cannot read ${path}: ${why}`);
  }
  return parseDat(text, path);
}

/** The warning for skipped lines, or undefined when there were none. */
export function damageWarning(file: DatFile): string | undefined {
  if (file.damaged === 0) return undefined;
  const where = file.damagedLines.join(', ') + (file.damaged > file.damagedLines.length ? ', ...' : '');
  return `${file.filename}: skipped ${file.damaged} damaged line${file.damaged === 1 ? '' : 's'} (line${file.damagedLines.length === 1 ? '' : 's'} ${where})`;
}

/** Throws unless the file has MEM samples: without them there is no memory to show. */
export function requireSamples(file: DatFile): void {
  if (file.mem.length > 0) return;
  const has = file.funcs.length > 0 ? ' (it has FUNC lines only)' : file.children.size > 0 ? ' (it has CHLD lines only)' : '';
  throw new DatError(`${file.filename} has no MEM samples${has}: not a memory recording, or one cut short before its first sample`);
}
