// Shared helpers for tests that run programs the way a user would: a child `node`, with or without
// memprof's load hook, capturing what it prints.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root (tests run from dist/test/). */
export const ROOT = resolve(__dirname, '..', '..');
export const REGISTER = join(ROOT, 'register');
export const FIXTURES = join(ROOT, 'fixtures');

// Programs run by a test keep their transform cache in a folder of this test file's own, removed when it
// ends, instead of node_modules/.cache/memprof of whichever project they run in (fixtures included).
if (process.env.MEMPROF_CACHE_DIR === undefined) {
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'memprof-test-cache-'));
  process.env.MEMPROF_CACHE_DIR = cacheDirectory;
  process.on('exit', () => rmSync(cacheDirectory, { recursive: true, force: true }));
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Tables written to MEMPROF_OUTPUT (empty when `tablesToFile` was false). */
  tables: string;
}

export interface RunOptions {
  /** Load memprof's hook with `-r`. Default true. */
  hook?: boolean;
  /** Send tables to a temporary file instead of stdout, so stdout is the program's own. Default false. */
  tablesToFile?: boolean;
  env?: Record<string, string | undefined>;
  nodeArgs?: string[];
  args?: string[];
  cwd?: string;
  timeoutMs?: number;
}

export function runNode(file: string, options: RunOptions = {}): RunResult {
  const tablesFile = options.tablesToFile ? join(mkdtempSync(join(tmpdir(), 'memprof-test-')), 'tables.txt') : undefined;
  const nodeArgs = [...(options.hook === false ? [] : ['-r', REGISTER]), ...(options.nodeArgs ?? [])];
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: undefined, ...options.env };
  if (tablesFile) env.MEMPROF_OUTPUT = tablesFile;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const child: SpawnSyncReturns<string> = spawnSync(process.execPath, [...nodeArgs, file, ...(options.args ?? [])], {
    cwd: options.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  let tables = '';
  if (tablesFile) {
    try {
      tables = readFileSync(tablesFile, 'utf8');
    } catch {
      tables = '';
    }
    rmSync(dirname(tablesFile), { recursive: true, force: true });
  }
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, tables };
}

export interface TableRow {
  line: number;
  usageMiB?: number;
  incrementMiB?: number;
  allocatedMiB?: number;
  /** The GC column's mark: memory was freed while the line ran. */
  freed?: boolean;
  occurrences?: number;
  contents: string;
}

export interface ParsedTable {
  filename: string;
  metric: string;
  rows: TableRow[];
  footer: string;
}

/** Parses the tables a run printed (memory_profiler layout), in order. */
export function parseTables(text: string): ParsedTable[] {
  const tables: ParsedTable[] = [];
  const blocks = text.split(/^Filename: /m).slice(1);
  for (const block of blocks) {
    const lines = block.split('\n');
    const filename = lines[0].trim();
    const metric = (lines.find((line) => line.startsWith('Metric: ')) ?? '').slice('Metric: '.length);
    const ruleIndex = lines.findIndex((line) => /^=+$/.test(line));
    const rows: TableRow[] = [];
    let index = ruleIndex + 1;
    for (; ruleIndex >= 0 && index < lines.length && lines[index] !== ''; index++) {
      const match = /^\s*(\d+)\s{2}(?:\s*(-?[\d.]+) MiB\s+(-?[\d.]+) MiB\s+(-?[\d.]+) MiB\s+(\*)?\s+(\d+)\s{2})?(.*)$/.exec(lines[index]);
      if (!match) continue;
      const measured = match[2] !== undefined;
      rows.push({
        line: Number(match[1]),
        usageMiB: measured ? Number(match[2]) : undefined,
        incrementMiB: measured ? Number(match[3]) : undefined,
        allocatedMiB: measured ? Number(match[4]) : undefined,
        freed: measured ? match[5] === '*' : undefined,
        occurrences: measured ? Number(match[6]) : undefined,
        contents: match[7].replace(/^\s+/, ''),
      });
    }
    // The footer is the first line after the rows that is not the GC column's note.
    const footer = lines.slice(index).find((line) => line.trim() !== '' && !line.startsWith('* ')) ?? '';
    tables.push({ filename, metric, rows, footer });
  }
  return tables;
}

/** The row whose source text contains `snippet` (throws if none, to fail with a clear message). */
export function rowContaining(table: ParsedTable, snippet: string): TableRow {
  const row = table.rows.find((candidate) => candidate.contents.includes(snippet));
  if (!row) throw new Error(`no row containing ${JSON.stringify(snippet)} in table of ${table.filename}:\n${JSON.stringify(table.rows, null, 2)}`);
  return row;
}
