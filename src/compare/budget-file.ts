// memprof.budget.json: the scenarios `memprof check` runs, how far each figure may go past its budget,
// and the budget itself (written by `memprof check --update`):
//
//   {
//     "runs": 5,
//     "tolerance": { "allocated": "10% + 1 MiB", "retained": "1 MiB", "peak": "10%" },
//     "scenarios": {
//       "one request": { "file": "bench/request.js", "export": "oneRequest" },
//       "test suite": { "results": "memprof-results.json" }
//     },
//     "budget": { "one request": { "(whole call)": { "allocatedBytes": 1048576, "retainedBytes": 0, "peakBytes": 2097152 } } }
//   }
//
// Paths are relative to the budget file. A scenario is a file exporting a function (run `runs` times,
// medians compared) or a results file of collect() or --json results (each run in it is one sample).
import { readFileSync } from 'node:fs';
import { writeWholeFile } from '../shared/whole-file';
import { dirname, resolve } from 'node:path';
import { parseBytes } from '../shared/bytes';
import type { FunctionFigures, MetricKey } from './figures';

export class BudgetError extends Error {
  override name = 'BudgetError';
}

/** A figure may exceed its budget by a fraction of it plus a number of bytes ("10% + 64 KiB"). */
export interface Tolerance {
  fraction: number;
  bytes: number;
}

export type Tolerances = Record<MetricKey, Tolerance>;

export interface Scenario {
  name: string;
  /** A file exporting the function to run (absolute), or a results file. */
  file?: string;
  export?: string;
  results?: string;
  runs: number;
  tolerance: Tolerances;
}

export interface Budget {
  path: string;
  scenarios: Scenario[];
  /** Scenario -> function -> figures. */
  budget: Map<string, Map<string, FunctionFigures>>;
  /** The file as read, so that --update keeps what it does not rewrite. */
  raw: Record<string, unknown>;
}

export const DEFAULT_RUNS = 5;
/**
 * A few percent of noise, and a MiB for what small functions allocate now and then while V8 compiles
 * them (a budget guards against regressions of megabytes; tighten it per scenario).
 */
const DEFAULT_TOLERANCE: Record<string, string> = { allocated: '10% + 1 MiB', retained: '10% + 1 MiB', peak: '10% + 1 MiB' };
const TOLERANCE_KEYS: Record<string, MetricKey> = { allocated: 'allocatedBytes', retained: 'retainedBytes', peak: 'peakBytes' };
const TOP_KEYS = ['runs', 'tolerance', 'scenarios', 'budget'];
const SCENARIO_KEYS = ['file', 'export', 'results', 'runs', 'tolerance'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function onlyKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new BudgetError(`${where}: unknown key "${key}"; known keys: ${known.join(', ')}`);
  }
}

/** "10%", "256 KiB" (or a number of bytes), or both: "10% + 64 KiB". */
export function parseTolerance(value: unknown, where: string): Tolerance {
  const fail = () => new BudgetError(`${where} must be a percentage, a byte amount or both, like "10%", "256 KiB" or "10% + 64 KiB"; got ${JSON.stringify(value)}`);
  if (typeof value === 'number') return { fraction: 0, bytes: parseBytes(value) };
  if (typeof value !== 'string') throw fail();
  const tolerance: Tolerance = { fraction: 0, bytes: 0 };
  for (const part of value.split('+')) {
    const percent = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(part);
    try {
      if (percent) tolerance.fraction += Number(percent[1]) / 100;
      else tolerance.bytes += parseBytes(part);
    } catch {
      throw fail();
    }
  }
  return tolerance;
}

function tolerances(value: unknown, base: Tolerances | undefined, where: string): Tolerances {
  if (value !== undefined && !isObject(value)) throw new BudgetError(`${where} must be an object like { "allocated": "10%" }`);
  const given = (value ?? {}) as Record<string, unknown>;
  onlyKeys(given, Object.keys(TOLERANCE_KEYS), where);
  const result = {} as Tolerances;
  for (const [key, metric] of Object.entries(TOLERANCE_KEYS)) {
    result[metric] = given[key] !== undefined ? parseTolerance(given[key], `${where}.${key}`) : (base?.[metric] ?? parseTolerance(DEFAULT_TOLERANCE[key], key));
  }
  return result;
}

function runsOf(value: unknown, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) throw new BudgetError(`${where} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return value as number;
}

function figuresOf(value: unknown, where: string): FunctionFigures {
  if (!isObject(value)) throw new BudgetError(`${where} must be an object of allocatedBytes, retainedBytes, peakBytes`);
  onlyKeys(value, ['allocatedBytes', 'retainedBytes', 'peakBytes'], where);
  const number = (key: string, nullable: boolean): number | null => {
    const figure = value[key];
    if (nullable && (figure === null || figure === undefined)) return null;
    if (typeof figure !== 'number' || !Number.isFinite(figure) || figure < 0) throw new BudgetError(`${where}.${key} must be a number of bytes, got ${JSON.stringify(figure)}`);
    return figure;
  };
  return { allocatedBytes: number('allocatedBytes', false)!, retainedBytes: number('retainedBytes', true), peakBytes: number('peakBytes', false)! };
}

/** Reads and checks a budget file; every error names the file and the key at fault. */
export function readBudget(path: string, shown = path): Budget {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BudgetError(code === 'ENOENT' ? `cannot find ${shown}` : `cannot read ${shown}: ${code ?? (error as Error).message}`);
  }
  if (!isObject(raw)) throw new BudgetError(`${shown} must hold a JSON object`);
  onlyKeys(raw, TOP_KEYS, shown);
  const runs = runsOf(raw.runs, DEFAULT_RUNS, `${shown}: runs`);
  const tolerance = tolerances(raw.tolerance, undefined, `${shown}: tolerance`);
  if (!isObject(raw.scenarios) || Object.keys(raw.scenarios).length === 0) {
    throw new BudgetError(`${shown}: "scenarios" must name at least one scenario, like { "one request": { "file": "bench.js", "export": "run" } }`);
  }
  const base = dirname(path);
  const scenarios: Scenario[] = Object.entries(raw.scenarios).map(([name, value]) => {
    const where = `${shown}: scenarios["${name}"]`;
    if (!isObject(value)) throw new BudgetError(`${where} must be an object with "file" or "results"`);
    onlyKeys(value, SCENARIO_KEYS, where);
    const file = value.file;
    const results = value.results;
    if ((typeof file === 'string') === (typeof results === 'string')) throw new BudgetError(`${where} needs either "file" (a file exporting a function) or "results" (a results file)`);
    if (value.export !== undefined && typeof value.export !== 'string') throw new BudgetError(`${where}.export must be the name of an export`);
    return {
      name,
      file: typeof file === 'string' ? resolve(base, file) : undefined,
      export: value.export as string | undefined,
      results: typeof results === 'string' ? resolve(base, results) : undefined,
      runs: runsOf(value.runs, runs, `${where}.runs`),
      tolerance: tolerances(value.tolerance, tolerance, `${where}.tolerance`),
    };
  });
  const budget = new Map<string, Map<string, FunctionFigures>>();
  if (raw.budget !== undefined) {
    if (!isObject(raw.budget)) throw new BudgetError(`${shown}: "budget" must be an object (memprof check --update writes it)`);
    for (const [scenario, functions] of Object.entries(raw.budget)) {
      if (!isObject(functions)) throw new BudgetError(`${shown}: budget["${scenario}"] must be an object of functions`);
      budget.set(scenario, new Map(Object.entries(functions).map(([name, figures]) => [name, figuresOf(figures, `${shown}: budget["${scenario}"]["${name}"]`)])));
    }
  }
  return { path, scenarios, budget, raw };
}

/**
 * Writes the budget measured now into the file, keeping everything else in it: to a temporary file
 * beside it first, renamed over it, so that an interrupted write never leaves half a budget.
 */
export function writeBudget(budget: Budget, measured: ReadonlyMap<string, ReadonlyMap<string, FunctionFigures>>): void {
  const section: Record<string, Record<string, FunctionFigures>> = {};
  for (const [scenario, functions] of measured) section[scenario] = Object.fromEntries(functions);
  const text = `${JSON.stringify({ ...budget.raw, budget: section }, null, 2)}\n`;
  try {
    writeWholeFile(budget.path, text);
  } catch (error) {
    throw new BudgetError(`cannot write ${budget.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
