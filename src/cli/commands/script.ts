// `memprof [options] <script> [args...]`: runs a script with the load hook, like
// `python -m memory_profiler script.py`. The options become the environment variables the runtime
// reads (MEMPROF_METRIC, ...): each option's spec names its variable, for the help and for the run.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scriptProblem } from '../../record/command';
import { launch, REGISTER_ENTRY } from '../../record/launch';
// The list of metric names only: a dependency-free file, so that checking a name opens no counter.
import { isMetricName, METRIC_NAMES } from '../../runtime/metric-names';
import type { Command } from '../command';
import { CliError, UsageError } from '../errors';
import { commandList } from '../help';
import { parseOptions, type OptionSpec, type ParsedArgs } from '../option-parser';
import { SUBCOMMANDS } from './index';

function checked(test: (value: string) => boolean, message: (value: string) => string): (value: string) => void {
  return (value) => {
    if (!test(value)) throw new UsageError(message(value));
  };
}

export const SCRIPT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'metric',
    value: 'name',
    description: 'heap (default), rss, heapUsed or external',
    env: 'MEMPROF_METRIC',
    check: checked(isMetricName, (metric) => `--metric must be one of ${METRIC_NAMES.join(', ')}, got "${metric}"`),
  },
  {
    name: 'precision',
    value: 'n',
    description: 'decimals shown for MiB values, 0-6 (default 1)',
    env: 'MEMPROF_PRECISION',
    check: checked((precision) => /^[0-6]$/.test(precision), (precision) => `--precision must be an integer from 0 to 6, got "${precision}"`),
  },
  { name: 'output', short: 'o', value: 'file', description: 'append tables to <file> instead of stdout', env: 'MEMPROF_OUTPUT' },
  { name: 'json', description: 'one JSON document per call instead of a table', env: 'MEMPROF_FORMAT=json' },
  {
    name: 'max-tables',
    value: 'n|all',
    description: 'tables per function before further calls are summed (default 20)',
    env: 'MEMPROF_MAX_TABLES',
    check: checked((tables) => /^(\d+|all)$/.test(tables), (tables) => `--max-tables must be a whole number or "all", got "${tables}"`),
  },
  {
    name: 'break-at',
    value: 'MiB',
    description: 'first time memory passes it: report the line, write a heap snapshot,\npause in an attached debugger',
    env: 'MEMPROF_BREAK_AT',
    check: checked((threshold) => Number(threshold) > 0, (threshold) => `--break-at must be a positive number of MiB, got "${threshold}"`),
  },
  {
    name: 'include',
    value: 'globs',
    description: 'profile every function of the matching files, no markers needed\n(comma-separated globs; node_modules only when a glob names it); prints\nthe summed tables and the top lines at exit',
    env: 'MEMPROF_INCLUDE',
    check: checked((globs) => globs.split(',').every((glob) => glob.trim() !== ''), (globs) => `--include has an empty glob: "${globs}"`),
  },
  {
    name: 'top-lines',
    value: 'n',
    description: 'at exit, list the n lines that allocated most (default 20 with\n--include, else 0)',
    env: 'MEMPROF_TOP_LINES',
    check: checked((count) => /^\d+$/.test(count), (count) => `--top-lines must be a whole number, got "${count}"`),
  },
  {
    name: 'retained',
    description: 'also measure what each call leaves alive (two full garbage collections\nper call)',
    env: 'MEMPROF_RETAINED=1',
  },
  { name: 'help', short: 'h', description: 'show this help', immediate: true },
  { name: 'version', short: 'v', description: "show memprof's version", immediate: true },
];

export type ScriptInvocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; script: string; args: string[]; env: Record<string, string> };

/** The environment the options ask for: `NAME` gets the option's value, `NAME=value` is set by a flag. */
function environmentOf(values: ParsedArgs['values']): Record<string, string> {
  const env: Record<string, string> = {};
  for (const spec of SCRIPT_OPTIONS) {
    const value = values[spec.name];
    if (!spec.env || value === undefined) continue;
    const [name, fixed] = spec.env.split('=');
    env[name] = fixed ?? String(value);
  }
  return env;
}

function invocationOf({ values, positionals }: ParsedArgs): ScriptInvocation {
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  if (positionals.length === 0) throw new UsageError('no script given');
  const [script, ...args] = positionals;
  return { kind: 'run', script, args, env: environmentOf(values) };
}

/** Options come before the script; everything after the script belongs to the script. */
export function parseScriptArguments(argv: readonly string[]): ScriptInvocation {
  return invocationOf(parseOptions(argv, SCRIPT_OPTIONS, scriptCommand.parsing));
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export const scriptCommand: Command = {
  name: '',
  usage: 'memprof [options] <script> [args...]',
  summary: 'run a script with line-by-line memory profiling',
  description: `Runs a Node.js script (JavaScript or TypeScript) with line-by-line memory profiling, like
\`node -r memprof/register <script>\`: every function marked with profile prints a table per call.`,
  options: SCRIPT_OPTIONS,
  epilogue: `Mark functions with \`/** @profile */\`, \`profile(function ...)\` or \`@profile\` on class methods,
or profile whole files without markers: \`memprof --include 'src/**/*.js' app.js\`.

Commands (memory over time like Python's mprof, allocations, leaks, budgets):
${commandList(SUBCOMMANDS)}

Each command has --help (or: memprof help <command>). A script named like a command runs with
\`memprof ./run\`.`,
  parsing: { stopAtPositional: true },
  helpLayout: { column: 23, alignLongOnly: false, hintColumn: 70 },
  run: async (parsed, io) => {
    const invocation = invocationOf(parsed);
    if (invocation.kind === 'version') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (invocation.kind === 'help') return 0; // printed by main, before run
    const problem = scriptProblem(invocation.script, io.cwd);
    if (problem) throw new CliError(problem, 2);
    const script = resolve(io.cwd, invocation.script);
    return launch(process.execPath, ['-r', REGISTER_ENTRY, script, ...invocation.args], { env: invocation.env }).exited;
  },
};
