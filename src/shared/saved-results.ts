// Results saved as JSON and read back, by `memprof report`, `memprof export --lines`, `memprof check`
// and `memprof diff` alike: what --json / MEMPROF_FORMAT=json prints (one call report per line, among
// whatever else went to the same place: the program's own output, tables sharing MEMPROF_OUTPUT), or
// a JSON document of collect() results (a Collected, a call report, or arrays of either). One
// reader, so that a file one command takes, every command takes.
import { readFileSync } from 'node:fs';

/** A line of a saved call report: an object with its line number (the rest is read with defaults). */
export type SavedLine = Record<string, unknown> & { line: number };

/** A call report as saved (reporters/call-report.ts): the fields every reader needs are checked. */
export type SavedReport = Record<string, unknown> & { function: string; file: string; lines: SavedLine[] };

/** What one measurement saw: a Collected's calls (and the Collected), or a single call report. */
export interface SavedRun {
  calls: SavedReport[];
  /** The collect() result the calls came from; null for a call report on its own. */
  collected: Record<string, unknown> | null;
}

/** Why a file gave no results: unreadable, JSON of something else, or no results in it at all. */
export type SavedResultsProblem = 'unreadable' | 'not-results' | 'no-results';

export class SavedResultsError extends Error {
  override name = 'SavedResultsError';
  constructor(
    message: string,
    readonly problem: SavedResultsProblem,
  ) {
    super(message);
  }
}

const WHAT = 'call reports from --json or MEMPROF_FORMAT=json, or collect() results';
/** How memprof's own JSON line starts (JSON.stringify of a CallReport): a cut-off one is worth a word. */
const REPORT_START = '{"function":';
const BOM = /^\uFEFF/;

/** A saved figure, when it is a finite number; `otherwise` when the report lacks it (an older memprof's, or edited). */
export function numberOr<T>(value: unknown, otherwise: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : otherwise;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLine = (value: unknown): value is SavedLine => isObject(value) && typeof value.line === 'number';

function isReport(value: unknown): value is SavedReport {
  return isObject(value) && typeof value.function === 'string' && typeof value.file === 'string' && Array.isArray(value.lines) && value.lines.every(isLine);
}

/** A collect() result: its calls, and the whole run's figures (allocatedBytes at least). */
function isCollected(value: unknown): value is Record<string, unknown> & { calls: unknown[] } {
  return isObject(value) && Array.isArray(value.calls) && typeof value.allocatedBytes === 'number';
}

/** A parsed value as one run: a call report, or a Collected (every one of its calls a report). */
function runOf(value: unknown): SavedRun | undefined {
  if (isReport(value)) return { calls: [value], collected: null };
  if (isCollected(value) && value.calls.every(isReport)) return { calls: value.calls as SavedReport[], collected: value };
  return undefined;
}

/** The runs of a parsed results document (a run, or arrays of runs); undefined when it is not one. */
export function runsOf(value: unknown): SavedRun[] | undefined {
  const runs: SavedRun[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const found = Array.isArray(item) ? runsOf(item) : [runOf(item)];
    if (!found || found.some((run) => run === undefined)) return undefined;
    runs.push(...(found as SavedRun[]));
  }
  return runs;
}

/** What a results text holds, and the line numbers of memprof's lines in it that are not whole. */
export interface SavedResults {
  runs: SavedRun[];
  /** Lines that start as memprof's own do but are not a whole call report (a crash while writing one): left out. */
  damaged: number[];
}

/**
 * Was a text that does not parse meant as one JSON document? When it begins as JSON.stringify begins
 * one: `[` or `{` alone on the first line (pretty-printed), an array of objects, or an object whose
 * first line does not parse on its own (JSON lines of the program's own parse line by line).
 */
function meantAsDocument(text: string): boolean {
  const first = text.trimStart().split('\n', 1)[0].trim();
  if (first === '[' || first === '{' || /^\[\s*\{"/.test(first)) return true;
  if (!first.startsWith('{"')) return false;
  try {
    JSON.parse(first);
    return false;
  } catch {
    return true;
  }
}

/**
 * The runs a results text holds, `shown` naming it in errors. A text that is JSON as a whole must be
 * results; otherwise each line that is a JSON call report (or Collected) is a run, every other line
 * is someone else's output, skipped, and memprof's own lines that are not whole are listed in
 * `damaged`. A SavedResultsError (one line) when no run is found: the text is JSON of something
 * else, a JSON document that does not parse, or holds no results at all.
 */
export function savedResultsIn(text: string, shown: string): SavedResults {
  const body = text.replace(BOM, '');
  let whole: unknown;
  let wholeError: Error | undefined;
  try {
    whole = JSON.parse(body);
  } catch (error) {
    wholeError = error as Error;
  }
  if (!wholeError) {
    const runs = runsOf(whole);
    if (!runs) throw new SavedResultsError(`${shown} is JSON, but not memprof results (${WHAT})`, 'not-results');
    if (runs.length === 0) throw new SavedResultsError(`${shown} holds no memprof results (${WHAT})`, 'no-results');
    return { runs, damaged: [] };
  }
  const runs: SavedRun[] = [];
  const damaged: number[] = [];
  body.split('\n').forEach((line, index) => {
    // memprof's line follows whatever the program last wrote without a newline (`progress 50%`).
    const start = line.trimStart().startsWith('{') ? line.trimStart() : line.slice(Math.max(0, line.indexOf(REPORT_START)));
    if (!start.startsWith('{')) return;
    let value: unknown;
    try {
      value = JSON.parse(start);
    } catch {
      value = undefined; // a line of the program's own that happens to start with a brace, or one of memprof's cut short
    }
    const run = value === undefined ? undefined : runOf(value);
    if (run) runs.push(run);
    else if (start.startsWith(REPORT_START)) damaged.push(index + 1);
  });
  if (runs.length > 0) return { runs, damaged };
  if (damaged.length > 0) throw new SavedResultsError(`${shown} holds no memprof results: ${damagedText(damaged)}`, 'no-results');
  // A document as JSON.stringify begins one, that does not parse (cut short, hand-edited), says why.
  if (meantAsDocument(body)) {
    throw new SavedResultsError(`${shown}: not JSON (${wholeError.message.replace(/\s+/g, ' ')})`, 'not-results');
  }
  throw new SavedResultsError(`${shown} holds no memprof results (${WHAT})`, 'no-results');
}

function damagedText(damaged: readonly number[]): string {
  return damaged.length === 1 ? `line ${damaged[0]} is a call report cut short or damaged` : `lines ${damaged.join(', ')} are call reports cut short or damaged`;
}

/** The runs of the results file at `path`; a SavedResultsError (one line, naming it) when unreadable or empty of results. */
export function readSavedResults(path: string, shown = path): SavedResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SavedResultsError(`cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'unreadable');
  }
  return savedResultsIn(text, shown);
}

/** Where a command says what it left out of a file: one line each (the CLI's stderr). */
export type Warn = (line: string) => void;

/** readSavedResults, saying in one line through `warn` which of memprof's lines were not whole and left out. */
export function readSavedRuns(path: string, shown = path, warn: Warn = () => {}): SavedRun[] {
  const { runs, damaged } = readSavedResults(path, shown);
  if (damaged.length > 0) warn(`memprof: warning: ${shown}: ${damagedText(damaged)}; left out`);
  return runs;
}
