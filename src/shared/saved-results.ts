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

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isLine = (value: unknown): value is SavedLine => isObject(value) && typeof value.line === 'number';

function isReport(value: unknown): value is SavedReport {
  return isObject(value) && typeof value.function === 'string' && typeof value.file === 'string' && Array.isArray(value.lines) && value.lines.every(isLine);
}

/** A collect() result: its calls, and the whole run's figures (allocatedBytes at least). */
function isCollected(value: unknown): value is Record<string, unknown> & { calls: unknown[] } {
  return isObject(value) && Array.isArray(value.calls) && typeof value.allocatedBytes === 'number';
}

/** A parsed value as one run: a call report, or a Collected. */
function runOf(value: unknown): SavedRun | undefined {
  if (isReport(value)) return { calls: [value], collected: null };
  if (isCollected(value)) return { calls: value.calls.filter(isReport), collected: value };
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

/** What a results text holds, and the line numbers of call reports in it that were cut short. */
export interface SavedResults {
  runs: SavedRun[];
  /** memprof's own lines that do not parse (a process that died while writing one): left out. */
  cutShort: number[];
}

/**
 * The runs a results text holds, `shown` naming it in errors. A text that is JSON as a whole must be
 * results; otherwise each line that is a JSON call report (or Collected) is a run, and every other
 * line is someone else's output, skipped. A SavedResultsError when no run is found.
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
    return { runs, cutShort: [] };
  }
  const runs: SavedRun[] = [];
  const cutShort: number[] = [];
  body.split('\n').forEach((line, index) => {
    const start = line.trimStart();
    if (!start.startsWith('{')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A line of the program's own that happens to start with a brace, or one of memprof's cut short.
      if (start.startsWith(REPORT_START)) cutShort.push(index + 1);
      return;
    }
    const run = runOf(value);
    if (run) runs.push(run);
  });
  if (runs.length > 0) return { runs, cutShort };
  if (cutShort.length > 0) {
    throw new SavedResultsError(`${shown} holds no memprof results: ${cutShortText(cutShort)} (the process stopped while writing)`, 'no-results');
  }
  // A JSON document that does not parse (cut short, hand-edited) says why, rather than "no results".
  const trimmed = body.trimStart();
  if (trimmed.startsWith('[') || (trimmed.startsWith('{') && !parses(trimmed.split('\n', 1)[0]))) {
    throw new SavedResultsError(`${shown}: not JSON (${wholeError.message})`, 'not-results');
  }
  throw new SavedResultsError(`${shown} holds no memprof results (${WHAT})`, 'no-results');
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function cutShortText(cutShort: readonly number[]): string {
  return cutShort.length === 1 ? `line ${cutShort[0]} is a call report cut short` : `lines ${cutShort.join(', ')} are call reports cut short`;
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

/** readSavedResults, saying in one line through `warn` which call reports were cut short and left out. */
export function readSavedRuns(path: string, shown = path, warn: Warn = () => {}): SavedRun[] {
  const { runs, cutShort } = readSavedResults(path, shown);
  if (cutShort.length > 0) warn(`memprof: warning: ${shown}: ${cutShortText(cutShort)} (the process stopped while writing); left out`);
  return runs;
}
