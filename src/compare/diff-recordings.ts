// `memprof diff before.dat after.dat`: two recordings of memory over time side by side: the peak,
// the duration, the memory's trend (a least-squares slope, as `memprof plot --slope` draws it), and
// per profiled function its calls, their time and what memory did across them, the largest change first.
import type { DatFile, FuncRecord, MemSample } from '../record/dat';
import { leastSquares } from '../shared/statistics';
import { formatTable } from './table';

interface Overview {
  samples: number;
  seconds: number;
  peakMiB: number;
  slope: number;
}

interface FunctionTimes {
  calls: number;
  seconds: number;
  /** Mean of exit minus entry memory, MiB. */
  changeMiB: number;
  /** Highest memory at a call's entry or exit, MiB. */
  highestMiB: number;
}

/** Least-squares slope of memory against time, MiB per second (0 for fewer than two samples), as the plot's. */
export function slopeOf(samples: readonly MemSample[]): number {
  return leastSquares(samples.map((sample) => sample.time), samples.map((sample) => sample.mib))?.slope ?? 0;
}

// Loops, not Math.max(...array): a recording of hours has more samples than a call can take arguments.
function overview(file: DatFile): Overview {
  let first = Infinity;
  let last = -Infinity;
  let peakMiB = 0;
  for (const sample of file.mem) {
    if (sample.time < first) first = sample.time;
    if (sample.time > last) last = sample.time;
    if (sample.mib > peakMiB) peakMiB = sample.mib;
  }
  return { samples: file.mem.length, seconds: file.mem.length > 0 ? last - first : 0, peakMiB, slope: slopeOf(file.mem) };
}

function functionTimes(funcs: readonly FuncRecord[]): Map<string, FunctionTimes> {
  const byName = new Map<string, FunctionTimes>();
  for (const call of funcs) {
    let times = byName.get(call.name);
    if (!times) byName.set(call.name, (times = { calls: 0, seconds: 0, changeMiB: 0, highestMiB: -Infinity }));
    times.calls++;
    times.seconds += Math.max(0, call.t1 - call.t0);
    times.changeMiB += call.mem1 - call.mem0; // summed here, averaged below
    times.highestMiB = Math.max(times.highestMiB, call.mem0, call.mem1);
  }
  for (const times of byName.values()) times.changeMiB /= times.calls;
  return byName;
}

const signed = (value: number, digits: number, unit: string) => `${value > 0 ? '+' : ''}${value.toFixed(digits)}${unit}`;

function change(before: number | undefined, after: number | undefined, digits: number, unit: string): string {
  const shown = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(digits)}${unit}`);
  const delta = before !== undefined && after !== undefined ? ` (${signed(after - before, digits, unit)})` : '';
  return `${shown(before)} → ${shown(after)}${delta}`;
}

export function diffRecordings(before: DatFile, after: DatFile, names: [string, string]): string {
  const [a, b] = [overview(before), overview(after)];
  const out = [
    `${names[0]} → ${names[1]}\n`,
    formatTable(
      ['', 'Before → after'],
      [
        ['Peak', change(a.peakMiB, b.peakMiB, 1, ' MiB')],
        ['Slope', change(a.slope, b.slope, 3, ' MiB/s')],
        ['Duration', change(a.seconds, b.seconds, 2, ' s')],
        ['Samples', `${a.samples} → ${b.samples}`],
      ],
    ),
  ];
  const [then, now] = [functionTimes(before.funcs), functionTimes(after.funcs)];
  const names2 = [...new Set([...then.keys(), ...now.keys()])];
  if (names2.length === 0) return `${out.join('')}\n(no function markers in either recording)\n`;
  const size = (name: string) =>
    Math.max(Math.abs((now.get(name)?.changeMiB ?? 0) - (then.get(name)?.changeMiB ?? 0)), Math.abs((now.get(name)?.highestMiB ?? 0) - (then.get(name)?.highestMiB ?? 0)));
  names2.sort((x, y) => size(y) - size(x) || x.localeCompare(y));
  const rows = names2.map((name) => {
    const [x, y] = [then.get(name), now.get(name)];
    return [name, `${x?.calls ?? 0} → ${y?.calls ?? 0}`, change(x?.seconds, y?.seconds, 2, ' s'), change(x?.changeMiB, y?.changeMiB, 1, ' MiB'), change(x?.highestMiB, y?.highestMiB, 1, ' MiB')];
  });
  out.push('\nFunctions, the largest change first:\n', formatTable(['Function', 'Calls', 'Time', 'Memory change per call', 'Highest'], rows));
  return out.join('');
}
