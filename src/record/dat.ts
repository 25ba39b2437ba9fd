// A `.dat` recording held whole in memory: every sample and call, for readers that need them all
// (tests, `memprof run`'s own checks). Readers of big files take the records as a stream instead
// (dat-scan.ts): `memprof peak` keeps a maximum per process (peak.ts), `memprof plot` a few points per
// pixel column (plot/recording.ts).
import type { FuncRecord } from '../shared/dat-lines';
import { DatError, scanDatFile, scanDatText, type DatScan, type DatVisitor } from './dat-scan';

export type { FuncRecord };
export { DatError, type DatCounts, type DatScan } from './dat-scan';

export interface MemSample {
  mib: number;
  time: number;
}

export interface DatFile extends DatScan {
  /** MEM lines: the recorded process (or, with --include-children, its whole tree). */
  mem: MemSample[];
  /** CHLD lines, by child pid, in file order. */
  children: Map<number, MemSample[]>;
  funcs: FuncRecord[];
}

/** The visitor that keeps every record, and the arrays it fills. */
function collector(): { visitor: DatVisitor; records: Pick<DatFile, 'mem' | 'children' | 'funcs'> } {
  const records: Pick<DatFile, 'mem' | 'children' | 'funcs'> = { mem: [], children: new Map(), funcs: [] };
  const visitor: DatVisitor = {
    mem: (mib, time) => records.mem.push({ mib, time }),
    child: (pid, mib, time) => {
      let series = records.children.get(pid);
      if (!series) records.children.set(pid, (series = []));
      series.push({ mib, time });
    },
    func: (record) => records.funcs.push(record),
  };
  return { visitor, records };
}

/**
 * Reads the text of a `.dat` file. Damaged lines are skipped and counted, never fatal: a blank line, a
 * truncated or unknown line, a number that is not one. A last line without its newline is a write that
 * was cut short (every writer ends its lines), so it counts as damaged too.
 */
export function parseDat(text: string, filename = '<text>'): DatFile {
  const { visitor, records } = collector();
  return { ...scanDatText(text, visitor, filename), ...records };
}

/** Reads the file at `path` (line by line, never as one string); unreadable: DatError. */
export function readDat(path: string): DatFile {
  const { visitor, records } = collector();
  return { ...scanDatFile(path, visitor), ...records };
}

/** The warning for skipped lines, or undefined when there were none. */
export function damageWarning(file: Pick<DatScan, 'filename' | 'damaged' | 'damagedLines'>): string | undefined {
  if (file.damaged === 0) return undefined;
  const where = file.damagedLines.join(', ') + (file.damaged > file.damagedLines.length ? ', ...' : '');
  return `${file.filename}: skipped ${file.damaged} damaged line${file.damaged === 1 ? '' : 's'} (line${file.damagedLines.length === 1 ? '' : 's'} ${where})`;
}

/** Throws unless the file has MEM samples: without them there is no memory to show. */
export function requireSamples(file: Pick<DatScan, 'filename' | 'counts'>): void {
  const { counts } = file;
  if (counts.mem > 0) return;
  const has = counts.func > 0 ? ' (it has FUNC lines only)' : counts.child > 0 ? ' (it has CHLD lines only)' : '';
  throw new DatError(`${file.filename} has no MEM samples${has}: not a memory recording, or one cut short before its first sample`);
}
