// Big recordings: `memprof peak` and `memprof plot` on a generated recording of 200 MB (hours of a
// primary and two workers at 0.01 s: dat-generator.ts), each a child process run as a user runs it,
// reporting at exit its CPU time and peak resident set size (programs/usage-at-exit.js). Also: the
// size of the HTML page, whether the peaks printed and drawn are the exact ones the generator wrote,
// and `memprof peak` on a 2 MB recording, to show its memory does not grow with the file. Rounds are
// interleaved (rounds.ts); the files are made in a temporary folder, removed at the end.
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMiB } from '../src/plot/svg/format';
import { pythonFixed } from '../src/record/peak';
import { generateRecording, type GeneratedRecording } from './dat-generator';
import { between, bytes, childEnvironment, duration, num, PROGRAMS, ROOT, run, temporaryDirectory } from './lib';
import { interleave } from './rounds';
import { spread, type Spread } from './stats';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const USAGE_AT_EXIT = join(PROGRAMS, 'usage-at-exit.js');
const KIB = 1024;

interface Usage {
  cpuMs: number;
  maxRssBytes: number;
}

export interface CommandFigures {
  /** CPU time and peak RSS of each round. */
  cpuMs: number[];
  maxRssBytes: number[];
  cpu: Spread;
  maxRss: Spread;
}

export interface BigRecordingResult {
  file: Omit<GeneratedRecording, 'path'>;
  small: Omit<GeneratedRecording, 'path'>;
  rounds: number;
  peak: CommandFigures & { output: string; expected: string; exact: boolean };
  plot: CommandFigures & { pageBytes: number; label: string; expectedLabel: string; exact: boolean };
  /** `memprof peak` on the small file: what its memory is without a big file. */
  smallPeak: CommandFigures;
}

/** Runs `memprof <args>` in `cwd` under the usage reporter; its stdout and its usage. */
function memprof(args: string[], cwd: string): { stdout: string; usage: Usage } {
  const child = run(process.execPath, ['-r', USAGE_AT_EXIT, CLI, ...args], { cwd, env: childEnvironment(), timeoutMs: 600_000 });
  const line = child.stderr.split('\n').find((candidate) => candidate.startsWith('USAGE '));
  if (child.status !== 0 || !line) throw new Error(`memprof ${args.join(' ')} failed (exit ${child.status}):\n${child.stdout.slice(-2000)}\n${child.stderr.slice(-2000)}`);
  const usage = JSON.parse(line.slice('USAGE '.length)) as { cpuMicros: number; maxRssKiB: number };
  return { stdout: child.stdout, usage: { cpuMs: usage.cpuMicros / 1000, maxRssBytes: usage.maxRssKiB * KIB } };
}

/** What `memprof peak <name>` must print for a generated recording: the generator's own peaks. */
function expectedPeak(name: string, recording: GeneratedRecording): string {
  return `${name}\t${pythonFixed(recording.peakMiB)} MiB\n${recording.childPeaks.map((child) => `  Child ${child.pid}\t\t\t${pythonFixed(child.peakMiB)} MiB\n`).join('')}`;
}

const withoutPath = ({ path: _path, ...rest }: GeneratedRecording): Omit<GeneratedRecording, 'path'> => rest;

function figures(usage: readonly Usage[]): CommandFigures {
  const cpuMs = usage.map((entry) => entry.cpuMs);
  const maxRssBytes = usage.map((entry) => entry.maxRssBytes);
  return { cpuMs, maxRssBytes, cpu: spread(cpuMs), maxRss: spread(maxRssBytes) };
}

export function runBigRecording(fileBytes: number, smallBytes: number, rounds: number): BigRecordingResult {
  const dir = temporaryDirectory('big');
  const big = generateRecording(join(dir, 'big.dat'), fileBytes);
  const small = generateRecording(join(dir, 'small.dat'), smallBytes);
  const usage: Record<'peak' | 'plot' | 'smallPeak', Usage[]> = { peak: [], plot: [], smallPeak: [] };
  let peakOutput = '';
  const measure = (name: keyof typeof usage, args: string[]) => (): number => {
    const result = memprof(args, dir);
    usage[name].push(result.usage);
    if (name === 'peak') peakOutput = result.stdout;
    return result.usage.cpuMs;
  };
  interleave(rounds, {
    peak: measure('peak', ['peak', 'big.dat']),
    plot: measure('plot', ['plot', '-o', 'big.html', 'big.dat']),
    smallPeak: measure('smallPeak', ['peak', 'small.dat']),
  });
  const page = join(dir, 'big.html');
  const label = /class="peak-label"[^>]*>([^<]*)</.exec(readFileSync(page, 'utf8'))?.[1] ?? '(no peak label)';
  // The model keeps MiB to 4 decimals; the label shows them as formatMiB does.
  const expectedLabel = `peak ${formatMiB(Math.round(big.peakMiB * 1e4) / 1e4)}`;
  const expected = expectedPeak('big.dat', big);
  return {
    file: withoutPath(big),
    small: withoutPath(small),
    rounds,
    peak: { ...figures(usage.peak), output: peakOutput, expected, exact: peakOutput === expected },
    plot: { ...figures(usage.plot), pageBytes: statSync(page).size, label, expectedLabel, exact: label === expectedLabel },
    smallPeak: figures(usage.smallPeak),
  };
}

const ms = (value: number) => duration(value * 1e6);

export function describeBigRecording(result: BigRecordingResult): string[] {
  const { file, peak, plot, smallPeak } = result;
  return [
    `big recording: ${bytes(file.bytes)}, ${num(file.lines)} lines (${num(file.samples)} samples of 3 processes, ${num(file.calls)} calls), ` +
      `CPU time and peak RSS of each command, median of ${result.rounds} interleaved rounds`,
    `  memprof peak: CPU ${ms(peak.cpu.median)} (${between(peak.cpu, ms)}), peak RSS ${bytes(peak.maxRss.median)} (${between(peak.maxRss, bytes)}); ` +
      `on a ${bytes(result.small.bytes)} recording: ${bytes(smallPeak.maxRss.median)}; peaks exact: ${peak.exact ? 'yes' : `NO:\n${peak.output}expected\n${peak.expected}`}`,
    `  memprof plot: CPU ${ms(plot.cpu.median)} (${between(plot.cpu, ms)}), peak RSS ${bytes(plot.maxRss.median)} (${between(plot.maxRss, bytes)}); ` +
      `page ${bytes(plot.pageBytes)}; label "${plot.label}"${plot.exact ? ', exact' : `, NOT the exact "${plot.expectedLabel}"`}`,
  ];
}
