// Original source text for the "Line Contents" column. The load hook hands over the source it saw;
// otherwise (e.g. code instrumented by another tool) the file is read from disk when first needed.
import { readFileSync } from 'node:fs';

const sources = new Map<string, string[]>();

export function rememberSource(file: string, source: string): void {
  sources.set(file, source.split(/\r?\n/));
}

export function sourceLine(file: string, line: number): string {
  let lines = sources.get(file);
  if (!lines) {
    try {
      lines = readFileSync(file, 'utf8').split(/\r?\n/);
    } catch {
      lines = [];
    }
    sources.set(file, lines);
  }
  return (lines[line - 1] ?? '').replace(/\t/g, '    ');
}
