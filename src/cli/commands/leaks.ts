// `memprof leaks [options] <file>`: is the function a file exports leaking memory, and on which lines?
// The measuring runs in a node process of its own with memprof's load hook (api/leaks/run-file.ts),
// which prints the report; this module checks the arguments and passes the exit code on.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, REGISTER_ENTRY } from '../../record/launch';
import { parseBytes } from '../../shared/bytes';
import { HELP_OPTION, type Command } from '../command';
import { CliError, UsageError } from '../errors';
import type { OptionValues } from '../option-parser';

/** The leak finder's process entry, from dist/src/cli/commands/ (a path, not an import: it runs apart). */
const RUNNER = join(__dirname, '..', '..', 'api', 'leaks', 'run-file.js');

function wholeNumber(values: OptionValues, name: string, least: number): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim()) || number < least) {
    throw new UsageError(`--${name} must be a whole number of at least ${least}, got "${String(value)}"`);
  }
  return number;
}

function threshold(values: OptionValues): number | undefined {
  if (values.threshold === undefined) return undefined;
  try {
    return parseBytes(String(values.threshold));
  } catch {
    throw new UsageError(`--threshold must be a byte amount like 4096 or '8 KiB', got "${String(values.threshold)}"`);
  }
}

export const leaksCommand: Command = {
  name: 'leaks',
  usage: 'memprof leaks [options] <file>',
  summary: 'find the lines of a function that leak memory',
  description: `Calls a function that <file> exports again and again (with a full garbage collection after each
call) and says whether the memory it leaves alive grows with the number of calls: the growth per call
(a robust Theil–Sen slope) and how sure it is. When it grows, a few more calls are watched to find the
lines that keep memory alive, with the bytes each keeps per call and the references that keep a sample
object alive. The file runs with memprof's load hook: profiled functions also show what each line
allocated. Exit code: 0 no leak, 1 a leak, 2 bad usage or a file that cannot be used.`,
  options: [
    { name: 'export', short: 'e', value: 'name', description: 'the function to call (default: the only function the file exports)' },
    { name: 'iterations', short: 'n', value: 'n', description: 'calls measured, warm-up included (default 20)' },
    { name: 'warmup', short: 'w', value: 'n', description: 'first calls left out of the fit (default 3)' },
    { name: 'threshold', value: 'bytes', description: "growth per call below which it is no leak (default '8 KiB')" },
    { name: 'json', description: 'print the report as JSON' },
    HELP_OPTION,
  ],
  run: async ({ values, positionals }, io) => {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'memprof leaks needs a file' : `memprof leaks takes one file, got ${positionals.length}`);
    const file = resolve(io.cwd, positionals[0]);
    if (!existsSync(file)) throw new CliError(`cannot find ${positionals[0]}`, 2);
    const iterations = wholeNumber(values, 'iterations', 1);
    const warmup = wholeNumber(values, 'warmup', 0);
    if ((iterations ?? 20) < (warmup ?? 3) + 4) throw new UsageError(`--iterations must be at least --warmup + 4 (${(warmup ?? 3) + 4}), got ${iterations ?? 20}`);
    const run = { file, export: values.export as string | undefined, iterations, warmup, threshold: threshold(values), json: values.json === true, cwd: io.cwd };
    return launch(process.execPath, ['--import', pathToFileURL(REGISTER_ENTRY).href, RUNNER, JSON.stringify(run)], { name: 'node' }).exited;
  },
};
