// The recorder with many processes: `memprof run -M -C --interval 0.01` over a program that spawns 20
// idle node children (fixtures/record/children.js), and the same under Python's `mprof run` when a
// python3 with memory_profiler is found. Measured: the samples per second the recording actually holds
// (MEM lines over the time they span, of the 100 asked for) and the recorder's CPU time as a share of
// one core: memprof's from its --self-stats (the recording loop, from its first sample), mprof's from
// getrusage of its own process (its children, the recorded program, are not counted).
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { findPython } from './python';
import { childEnvironment, num, ROOT, run, temporaryDirectory } from './lib';
import { spread, type Spread } from './stats';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const CHILDREN = join(ROOT, 'fixtures', 'record', 'children.js');

export interface RecorderRun {
  samples: number;
  spanSeconds: number;
  samplesPerSecond: number;
  /** The recorder's CPU time over the recording's wall time, in % of one core. */
  cpuPercent: number;
  processes: number;
}

export interface RecorderFigures {
  runs: RecorderRun[];
  samplesPerSecond: Spread;
  cpuPercent: Spread;
}

export interface RecorderScaleResult {
  children: number;
  interval: number;
  seconds: number;
  memprof: RecorderFigures;
  mprof: RecorderFigures | { skipped: string };
  /**
   * The 1-minute load average after the runs: a recorder waiting for a core misses its slots (it
   * skips late ones rather than bunch them), so the rate reached says as much about the neighbours.
   */
  loadAverage: number;
}

/** MEM lines of a recording, and the seconds from the first to the last. */
function memSpan(path: string): { samples: number; spanSeconds: number } {
  const times = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('MEM '))
    .map((line) => Number(line.split(' ')[2]));
  return { samples: times.length, spanSeconds: times.length > 1 ? times[times.length - 1] - times[0] : 0 };
}

/** Samples per second as the file holds them: intervals between the first and the last sample. */
const rate = ({ samples, spanSeconds }: { samples: number; spanSeconds: number }): number => (spanSeconds > 0 ? (samples - 1) / spanSeconds : 0);

function summarize(runs: RecorderRun[]): RecorderFigures {
  return { runs, samplesPerSecond: spread(runs.map((entry) => entry.samplesPerSecond)), cpuPercent: spread(runs.map((entry) => entry.cpuPercent)) };
}

function runMemprof(dir: string, index: number, children: number, interval: number, seconds: number): RecorderRun {
  const output = join(dir, `memprof-${index}.dat`);
  const child = run(
    process.execPath,
    [CLI, 'run', '-M', '-C', '--interval', String(interval), '--self-stats', '--no-status', '-o', output, process.execPath, CHILDREN, String(children), String(seconds)],
    { env: childEnvironment(), timeoutMs: (seconds + 60) * 1000 },
  );
  const cpu = /self-stats: CPU [\d.]+ s = ([\d.]+)% of one core/.exec(child.stderr);
  const processes = /up to (\d+) process/.exec(child.stderr);
  if (child.status !== 0 || !cpu) throw new Error(`memprof run failed (exit ${child.status}):\n${child.stderr.slice(-2000)}`);
  const span = memSpan(output);
  return { ...span, samplesPerSecond: rate(span), cpuPercent: Number(cpu[1]), processes: Number(processes?.[1] ?? 1) };
}

/**
 * mprof run in a python3 that reports, when mprof is done, its own CPU time (getrusage of itself:
 * the recorded tree is its children) and wall time.
 */
const MPROF_WRAPPER = `
import json, resource, sys, time
import mprof
start = time.monotonic()
sys.argv = ['mprof'] + sys.argv[1:]
try:
    mprof.main()
except SystemExit:
    pass
finally:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print('MPROF ' + json.dumps({'cpu': usage.ru_utime + usage.ru_stime, 'wall': time.monotonic() - start}), file=sys.stderr)
`;

function runMprof(python: string, dir: string, index: number, children: number, interval: number, seconds: number): RecorderRun {
  const output = join(dir, `mprof-${index}.dat`);
  const child = run(
    python,
    ['-c', MPROF_WRAPPER, 'run', '--multiprocess', '--include-children', '--interval', String(interval), '--output', output, process.execPath, CHILDREN, String(children), String(seconds)],
    { env: childEnvironment({ PYTHONDONTWRITEBYTECODE: '1' }), timeoutMs: (seconds + 60) * 1000 },
  );
  const line = child.stderr.split('\n').find((candidate) => candidate.startsWith('MPROF '));
  if (!line) throw new Error(`mprof run failed (exit ${child.status}):\n${child.stderr.slice(-2000)}`);
  const { cpu, wall } = JSON.parse(line.slice('MPROF '.length)) as { cpu: number; wall: number };
  const span = memSpan(output);
  return { ...span, samplesPerSecond: rate(span), cpuPercent: (100 * cpu) / wall, processes: children + 1 };
}

export function runRecorderScale(children: number, interval: number, seconds: number, runs: number): RecorderScaleResult {
  const dir = temporaryDirectory('scale');
  const python = findPython();
  const memprof: RecorderRun[] = [];
  const mprof: RecorderRun[] = [];
  // Alternating, so that a busy minute slows both recorders alike.
  for (let index = 0; index < runs; index++) {
    memprof.push(runMemprof(dir, index, children, interval, seconds));
    if (python) mprof.push(runMprof(python, dir, index, children, interval, seconds));
  }
  return {
    children,
    interval,
    seconds,
    memprof: summarize(memprof),
    mprof: python ? summarize(mprof) : { skipped: 'no python3 with memory_profiler (mprof) found; see the Python memory_profiler section' },
    loadAverage: loadavg()[0],
  };
}

const percent = (value: number) => `${value.toFixed(1)}%`;

export function describeRecorderScale(result: RecorderScaleResult): string[] {
  const asked = 1 / result.interval;
  const line = (name: string, figures: RecorderFigures) =>
    `  ${name}: ${num(figures.samplesPerSecond.median, 1)} samples/s of ${num(asked)} (${num(figures.samplesPerSecond.min, 1)}–${num(figures.samplesPerSecond.max, 1)}), ` +
    `CPU ${percent(figures.cpuPercent.median)} of one core (${percent(figures.cpuPercent.min)}–${percent(figures.cpuPercent.max)})`;
  return [
    `recorder scale: run -M -C --interval ${result.interval} over ${result.children} idle node children for ${result.seconds} s, ` +
      `median of ${result.memprof.runs.length} runs (up to ${Math.max(...result.memprof.runs.map((entry) => entry.processes))} processes sampled; ` +
      `load average ${result.loadAverage.toFixed(1)} on ${cpus().length} cores)`,
    line('memprof', result.memprof),
    'skipped' in result.mprof ? `  mprof: skipped: ${result.mprof.skipped}` : line('mprof', result.mprof),
  ];
}
