// Shared helpers of the benchmark: where things are, running a program as a user would (a child
// `node`, with or without memprof's load hook), number formatting. Statistics are in stats.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Spread } from './stats';

/** The repository root (the benchmark runs from dist/bench/). */
export const ROOT = resolve(__dirname, '..', '..');
export const REGISTER = join(ROOT, 'register');
/** Benchmark programs, plain JavaScript run by child processes exactly as users run their code. */
export const PROGRAMS = join(ROOT, 'bench', 'programs');

const temporaryDirectories: string[] = [];

/** A fresh temporary directory, removed when the benchmark ends. */
export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), `memprof-bench-${prefix}-`));
  temporaryDirectories.push(directory);
  return directory;
}

export function removeTemporaryDirectories(): void {
  for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
}

export interface ChildRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface NodeRun {
  /** Load memprof's hook with `-r <repo>/register`. */
  hook: boolean;
  nodeArgs?: string[];
  args?: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

/** The environment a child gets: ours, without NODE_OPTIONS and memprof settings, plus `extra`. */
export function childEnvironment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) if (key === 'NODE_OPTIONS' || key.startsWith('MEMPROF_')) delete env[key];
  Object.assign(env, extra);
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env as NodeJS.ProcessEnv;
}

export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): ChildRun {
  const child = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? childEnvironment(),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.error) throw child.error;
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

export function runNode(file: string, options: NodeRun): ChildRun {
  const args = [...(options.hook ? ['-r', REGISTER] : []), ...(options.nodeArgs ?? []), file, ...(options.args ?? [])];
  return run(process.execPath, args, { env: childEnvironment(options.env), cwd: options.cwd, timeoutMs: options.timeoutMs });
}

/** The JSON a benchmark program printed on its `BENCH ` line; throws with the child's output if none. */
export function benchResult<T>(child: ChildRun, what: string): T {
  const line = child.stdout.split('\n').find((candidate) => candidate.startsWith('BENCH '));
  if (child.status !== 0 || !line) {
    throw new Error(`${what} failed (exit ${child.status}):\n${child.stdout.slice(-2000)}\n${child.stderr.slice(-4000)}`);
  }
  return JSON.parse(line.slice('BENCH '.length)) as T;
}

export const MIB = 2 ** 20;

/** 1234.5 -> "1,235"; keeps `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio as "1.07x" (or "1,155x" when large). */
export function ratio(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? `${num(value)}x` : value >= 10 ? `${num(value, 1)}x` : `${value.toFixed(2)}x`;
}

/** A spread's lowest and highest round, formatted by `format`: "1.02x–1.05x". */
export function between(spread: Spread, format: (value: number) => string): string {
  return `${format(spread.min)}–${format(spread.max)}`;
}

/** Nanoseconds, switching to µs / ms / s when large. */
export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const size = Math.abs(ns);
  if (size >= 1e10) return `${num(ns / 1e9, 1)} s`;
  if (size >= 1e6) return `${num(ns / 1e6, 1)} ms`;
  if (size >= 1e3) return `${num(ns / 1e3, size >= 1e5 ? 0 : size >= 1e4 ? 1 : 2)} µs`;
  return `${num(ns, 1)} ns`;
}

/** An added cost with its sign: "+1.2 µs", or "-0.4 µs" when noise made the profiled side faster. */
export function addedDuration(ns: number): string {
  return ns < 0 ? duration(ns) : `+${duration(ns)}`;
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  if (size >= 1024 * MIB) return `${num(value / (1024 * MIB), 2)} GiB`;
  if (size >= MIB) return `${num(value / MIB, 2)} MiB`;
  if (size >= 1024) return `${num(value / 1024, 1)} KiB`;
  return `${num(value)} B`;
}
