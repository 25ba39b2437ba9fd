// memprof's line-level data as `memprof export --pprof` reads it: the JSON documents of profiled calls
// (MEMPROF_FORMAT=json, written to MEMPROF_OUTPUT one per line; or what collect() returned, saved as
// a JSON array), summed per line of each profiled function.
import { readFileSync } from 'node:fs';
import { AllocationsError } from './profile-files';

export interface LineAllocation {
  function: string;
  file: string;
  /** The function's first line (its marker). */
  firstLine: number;
  line: number;
  allocatedBytes: number;
  occurrences: number;
}

interface LineDocument {
  line: number;
  allocatedBytes: number;
  occurrences: number;
}

interface CallDocument {
  function: string;
  file: string;
  firstLine: number;
  lines: LineDocument[];
}

const isCall = (value: unknown): value is CallDocument => {
  if (typeof value !== 'object' || value === null) return false;
  const call = value as Record<string, unknown>;
  return (
    typeof call.function === 'string' &&
    typeof call.file === 'string' &&
    typeof call.firstLine === 'number' &&
    Array.isArray(call.lines) &&
    call.lines.every((line) => {
      const entry = line as Record<string, unknown>;
      return typeof entry === 'object' && entry !== null && typeof entry.line === 'number' && typeof entry.allocatedBytes === 'number' && typeof entry.occurrences === 'number';
    })
  );
};

/** The calls in a file of JSON documents (one per line) or a JSON array of them. */
export function readCallDocuments(path: string): CallDocument[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AllocationsError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let documents: unknown;
    try {
      documents = JSON.parse(trimmed);
    } catch (error) {
      throw new AllocationsError(`${path}: not JSON (${(error as Error).message})`);
    }
    const calls = documents as unknown[];
    const bad = calls.findIndex((call) => !isCall(call));
    if (bad >= 0) throw new AllocationsError(`${path}: entry ${bad + 1} is not a profiled call's report (function, file, firstLine, lines)`);
    return calls as CallDocument[];
  }
  const calls: CallDocument[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let document: unknown;
    try {
      document = JSON.parse(line);
    } catch {
      throw new AllocationsError(`${path}:${index + 1}: not a JSON document (memprof's line data is MEMPROF_FORMAT=json output)`);
    }
    if (!isCall(document)) throw new AllocationsError(`${path}:${index + 1}: not a profiled call's report (function, file, firstLine, lines)`);
    calls.push(document);
  });
  if (calls.length === 0) throw new AllocationsError(`${path}: no profiled call in it`);
  return calls;
}

/** Every line's allocations, summed over the calls of its function. */
export function sumLines(calls: readonly CallDocument[]): LineAllocation[] {
  const byLine = new Map<string, LineAllocation>();
  for (const call of calls) {
    for (const line of call.lines) {
      const key = `${call.file}\u0000${call.function}\u0000${call.firstLine}\u0000${line.line}`;
      const entry = byLine.get(key);
      if (entry) {
        entry.allocatedBytes += line.allocatedBytes;
        entry.occurrences += line.occurrences;
      } else {
        byLine.set(key, { function: call.function, file: call.file, firstLine: call.firstLine, line: line.line, allocatedBytes: line.allocatedBytes, occurrences: line.occurrences });
      }
    }
  }
  return [...byLine.values()];
}
