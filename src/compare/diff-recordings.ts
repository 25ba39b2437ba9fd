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

function overview(file: DatFile): Overview {
  const times = file.mem.map((sample) => sample.time);
  return {
    samples: file.mem.length,
    seconds: times.length > 0 ? Math.max(...times) - Math.min(...times) : 0,
    peakMiB: Math.max(0, ...file.mem.map((sample) => sample.mib)),
    slope: slopeOf(file.mem),
  };
}

function functionTimes(funcs: readonly FuncRecord[]): Map<string, FunctionTimes> {
  const byName = new Map<string, FuncRecord[]>();
  for (const call of funcs) byName.set(call.name, [...(byName.get(call.name) ?? []), call]);
  return new Map(
    [...byName].map(([name, calls]) => [
      name,
      {
        calls: calls.length,
        seconds: calls.reduce((sum, call) => sum + Math.max(0, call.t1 - call.t0), 0),
        changeMiB: calls.reduce((sum, call) => sum + (call.mem1 - call.mem0), 0) / calls.length,
        highestMiB: Math.max(...calls.map((call) => Math.max(call.mem0, call.mem1))),
      },
    ]),
  );
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
