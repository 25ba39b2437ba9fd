// `memprof peak`: the peak memory of a recording, per process, printed exactly as `mprof peak` prints it.
// The samples are folded into a maximum per process as they are read (PeakFold), so that a recording of
// any size is read in bounded memory: only the calls of the function asked for are kept.
import type { DatFile, FuncRecord } from './dat';
import { scanDatFile, type DatScan } from './dat-scan';

export interface PeakSummary {
  text: string;
  /** False when `--func` named a function that the file does not have. */
  found: boolean;
  /** Names of the functions in the file, for a helpful message. */
  functions: string[];
}

/** Names match exactly, or by their last dotted part (`test1` finds mprof's `__main__.test1`). */
function matchesName(name: string, wanted: string): boolean {
  return name === wanted || name.endsWith(`.${wanted}`);
}

/** The time ranges of some calls, merged and sorted, to tell whether a sample was taken during one. */
class CallTimes {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(calls: readonly FuncRecord[]) {
    // A call that ends before it starts (a damaged record) contains no moment.
    for (const call of calls.filter((entry) => entry.t0 <= entry.t1).sort((a, b) => a.t0 - b.t0)) {
      const last = this.ends.length - 1;
      if (last >= 0 && call.t0 <= this.ends[last]) this.ends[last] = Math.max(this.ends[last], call.t1);
      else {
        this.starts.push(call.t0);
        this.ends.push(call.t1);
      }
    }
  }

  /** Whether some call has t0 <= time <= t1. */
  during(time: number): boolean {
    let low = 0;
    let high = this.starts.length - 1;
    // The last range starting at or before `time`.
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.starts[middle] <= time) low = middle + 1;
      else high = middle - 1;
    }
    return high >= 0 && time <= this.ends[high];
  }
}

/** One process' peak: of all its samples, or (with calls) of the samples during them and the calls' own values. */
class ProcessPeak {
  peak = -Infinity;

  constructor(private readonly calls?: CallTimes) {}

  add(mib: number, time: number): void {
    if (mib > this.peak && (this.calls === undefined || this.calls.during(time))) this.peak = mib;
  }
}

function peakOfCalls(calls: readonly FuncRecord[]): ProcessPeak {
  const peak = new ProcessPeak(new CallTimes(calls));
  for (const call of calls) peak.peak = Math.max(peak.peak, call.mem0, call.mem1);
  return peak;
}

/**
 * Folds samples into mprof peak's output: `<file>\t<peak> MiB`, then `  Child <pid>\t\t\t<peak> MiB`
 * per child. With `calls` (those of the function asked for), only samples taken while one of them
 * ran count, in each process where one ran (mprof filters the main process only); a process where
 * none ran is left out, the main one shows NaN.
 */
class PeakFold {
  private readonly main: ProcessPeak | undefined;
  /** Children in the order their first CHLD line came, then those with calls but no CHLD line. */
  private readonly children = new Map<number, ProcessPeak | undefined>();
  private readonly callsByChild = new Map<number, FuncRecord[]>();

  constructor(private readonly calls?: readonly FuncRecord[]) {
    if (!calls) {
      this.main = new ProcessPeak();
      return;
    }
    const mainCalls = calls.filter((call) => call.pid === undefined);
    this.main = mainCalls.length > 0 ? peakOfCalls(mainCalls) : undefined;
    for (const call of calls) {
      if (call.pid === undefined) continue;
      const list = this.callsByChild.get(call.pid) ?? [];
      list.push(call);
      this.callsByChild.set(call.pid, list);
    }
  }

  readonly mem = (mib: number, time: number): void => this.main?.add(mib, time);

  readonly child = (pid: number, mib: number, time: number): void => {
    let peak = this.children.get(pid);
    if (peak === undefined && !this.children.has(pid)) {
      const calls = this.callsByChild.get(pid);
      peak = this.calls === undefined ? new ProcessPeak() : calls ? peakOfCalls(calls) : undefined;
      this.children.set(pid, peak);
    }
    peak?.add(mib, time);
  };

  text(filename: string): string {
    let text = `${filename}\t${this.main ? `${pythonFixed(this.main.peak)} MiB` : 'NaN MiB'}\n`;
    for (const [pid, calls] of this.callsByChild) if (!this.children.has(pid)) this.children.set(pid, peakOfCalls(calls));
    for (const [pid, peak] of this.children) if (peak) text += `  Child ${pid}\t\t\t${pythonFixed(peak.peak)} MiB\n`;
    return text;
  }
}

/** mprof peak's output for a recording held in memory (see PeakFold). */
export function peakSummary(file: DatFile, func?: string): PeakSummary {
  const functions = [...new Set(file.funcs.map((call) => call.name))];
  const calls = func === undefined ? undefined : file.funcs.filter((call) => matchesName(call.name, func));
  if (calls?.length === 0) return { text: `${file.filename}\tNaN MiB\n`, found: false, functions };
  const fold = new PeakFold(calls);
  for (const sample of file.mem) fold.mem(sample.mib, sample.time);
  for (const [pid, samples] of file.children) for (const sample of samples) fold.child(pid, sample.mib, sample.time);
  return { text: fold.text(file.filename), found: true, functions };
}

/**
 * peakSummary of the file at `path`, read as a stream: one pass, or two with `func` (the calls first,
 * then the samples during them, since FUNC lines may come before or after their samples). `filename`
 * is the name printed. Unreadable: DatError. The scan says what the first pass found (damage, counts).
 */
export function readPeakSummary(path: string, filename: string, func?: string): { scan: DatScan; summary: PeakSummary } {
  const functions = new Set<string>();
  const calls: FuncRecord[] = [];
  const all = func === undefined ? new PeakFold() : undefined;
  const scan = scanDatFile(
    path,
    {
      mem: all?.mem,
      child: all?.child,
      func: (call) => {
        functions.add(call.name);
        if (func !== undefined && matchesName(call.name, func)) calls.push(call);
      },
    },
    filename,
  );
  const found = (text: string) => ({ scan, summary: { text, found: true, functions: [...functions] } });
  if (all) return found(all.text(filename));
  if (calls.length === 0) return { scan, summary: { text: `${filename}\tNaN MiB\n`, found: false, functions: [...functions] } };
  const during = new PeakFold(calls);
  scanDatFile(path, { mem: during.mem, child: during.child }, filename);
  return found(during.text(filename));
}

/**
 * `value` with 3 decimals as Python's '%.3f' writes it, so that `memprof peak` prints what `mprof
 * peak` prints: an exact tie (MiB values are multiples of 1/256, so 62.8125 happens) rounds to even,
 * where toFixed would round up.
 */
export function pythonFixed(value: number, digits = 3): string {
  const scale = 10 ** digits;
  const scaled = value * scale;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5 && floor % 2 === 0) return (floor / scale).toFixed(digits);
  return value.toFixed(digits);
}
