// Results saved as JSON and read back, by `memprof report`, `memprof export --lines`, `memprof check`
// and `memprof diff` alike: what --json / MEMPROF_FORMAT=json prints (one call report per line, among
// whatever else went to the same place: the program's own output, tables sharing MEMPROF_OUTPUT), or
// a JSON document of collect() results (a Collected, a call report, or an array of either). One
// reader, so that a file one command takes, every command takes.
import { readFileSync } from 'node:fs';

/** A call report as saved (reporters/call-report.ts): the fields every reader needs are checked. */
export type SavedReport = Record<string, unknown> & { function: string; file: string; lines: unknown[] };

/** What one measurement saw: a Collected's calls (and the Collected), or a single call report. */
export interface SavedRun {
  calls: SavedReport[];
  /** The collect() result the calls came from; null for a call report on its own. */
  collected: Record<string, unknown> | null;
}

export class SavedResultsError extends Error {
  override name = 'SavedResultsError';
}

const WHAT = 'call reports from --json or MEMPROF_FORMAT=json, or collect() results';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isReport(value: unknown): value is SavedReport {
  return isObject(value) && typeof value.function === 'string' && typeof value.file === 'string' && Array.isArray(value.lines);
}

/** A parsed value as one run: a call report, or a Collected (an object with its calls). */
function runOf(value: unknown): SavedRun | undefined {
  if (isReport(value)) return { calls: [value], collected: null };
  if (!isObject(value) || !Array.isArray(value.calls)) return undefined;
  return { calls: value.calls.filter(isReport), collected: value };
}

/** The runs of a parsed results document (a run, or an array of runs); undefined when it is not one. */
export function runsOf(value: unknown): SavedRun[] | undefined {
  const runs: SavedRun[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const run = runOf(item);
    if (!run) return undefined;
    runs.push(run);
  }
  return runs;
}

/**
 * The runs a results text holds, `shown` naming it in errors. A text that is JSON as a whole must be
 * results; otherwise each line that is a JSON call report (or Collected) is a run, and every other
 * line is someone else's output, skipped. A SavedResultsError when no run is found.
 */
export function savedRunsIn(text: string, shown: string): SavedRun[] {
  let whole: unknown;
  let parsed = false;
  try {
    whole = JSON.parse(text);
    parsed = true;
  } catch {
    // JSON lines, or not JSON at all: below.
  }
  if (parsed) {
    const runs = runsOf(whole);
    if (!runs) throw new SavedResultsError(`${shown} is JSON, but not memprof results (${WHAT})`);
    if (runs.length === 0) throw new SavedResultsError(`${shown} holds no memprof results (${WHAT})`);
    return runs;
  }
  const runs: SavedRun[] = [];
  for (const line of text.split('\n')) {
    if (!line.trimStart().startsWith('{')) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue; // a line of the program's own that happens to start with a brace
    }
    const run = runOf(value);
    if (run) runs.push(run);
  }
  if (runs.length === 0) throw new SavedResultsError(`${shown} holds no memprof results (${WHAT})`);
  return runs;
}

/** The runs of the results file at `path`; a SavedResultsError (one line, naming it) when unreadable or empty of results. */
export function readSavedRuns(path: string, shown = path): SavedRun[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SavedResultsError(`cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return savedRunsIn(text, shown);
}
