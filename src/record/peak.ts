// `memprof peak`: the peak memory of a recording, per process, printed exactly as `mprof peak` prints it.
import type { DatFile, FuncRecord, MemSample } from './dat';

export interface PeakSummary {
  text: string;
  /** False when `--func` named a function that the file does not have. */
  found: boolean;
  /** Names of the functions in the file, for a helpful message. */
  functions: string[];
}

function maxOf(samples: readonly MemSample[]): number {
  let peak = -Infinity;
  for (const sample of samples) if (sample.mib > peak) peak = sample.mib;
  return peak;
}

/** Peak during the calls: samples inside any call's time range, and the calls' own entry/exit values. */
function peakDuring(samples: readonly MemSample[], calls: readonly FuncRecord[]): number {
  let peak = -Infinity;
  for (const call of calls) peak = Math.max(peak, call.mem0, call.mem1);
  for (const sample of samples) {
    if (sample.mib <= peak) continue;
    if (calls.some((call) => call.t0 <= sample.time && sample.time <= call.t1)) peak = sample.mib;
  }
  return peak;
}

/** Names match exactly, or by their last dotted part (`test1` finds mprof's `__main__.test1`). */
function matchesName(name: string, wanted: string): boolean {
  return name === wanted || name.endsWith(`.${wanted}`);
}

/**
 * mprof peak's output: `<file>\t<peak> MiB`, then `  Child <pid>\t\t\t<peak> MiB` per child. With
 * `func`, only samples taken while that function ran count, in each process where it ran (mprof
 * filters the main process only); a process where it never ran is left out, the main one shows NaN.
 */
export function peakSummary(file: DatFile, func?: string): PeakSummary {
  const functions = [...new Set(file.funcs.map((call) => call.name))];
  if (func === undefined) {
    let text = `${file.filename}\t${pythonFixed(maxOf(file.mem))} MiB\n`;
    for (const [pid, samples] of file.children) text += `  Child ${pid}\t\t\t${pythonFixed(maxOf(samples))} MiB\n`;
    return { text, found: true, functions };
  }
  const calls = file.funcs.filter((call) => matchesName(call.name, func));
  if (calls.length === 0) return { text: `${file.filename}\tNaN MiB\n`, found: false, functions };
  const mainCalls = calls.filter((call) => call.pid === undefined);
  let text = `${file.filename}\t${mainCalls.length > 0 ? `${pythonFixed(peakDuring(file.mem, mainCalls))} MiB` : 'NaN MiB'}\n`;
  const childPids = new Set([...file.children.keys(), ...calls.flatMap((call) => (call.pid === undefined ? [] : [call.pid]))]);
  for (const pid of childPids) {
    const childCalls = calls.filter((call) => call.pid === pid);
    if (childCalls.length === 0) continue;
    text += `  Child ${pid}\t\t\t${pythonFixed(peakDuring(file.children.get(pid) ?? [], childCalls))} MiB\n`;
  }
  return { text, found: true, functions };
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
