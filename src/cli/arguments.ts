// Command-line parsing for `memprof`, kept apart from process handling so it can be tested.
import { isMetricName, METRIC_NAMES } from '../runtime/metrics';

export const USAGE = `Usage: memprof [options] <script> [args...]

Runs a Node.js script (JavaScript or TypeScript) with line-by-line memory profiling, like
\`node -r memprof/register <script>\`: every function marked with profile prints a table per call.

Options:
  --metric <name>      heap (default), rss, heapUsed or external   [MEMPROF_METRIC]
  --precision <n>      decimals shown for MiB values, 0-6 (default 1) [MEMPROF_PRECISION]
  -o, --output <file>  append tables to <file> instead of stdout      [MEMPROF_OUTPUT]
  --json               one JSON document per call instead of a table  [MEMPROF_FORMAT=json]
  --max-tables <n|all> tables per function before further calls are summed (default 20)
                                                                      [MEMPROF_MAX_TABLES]
  --break-at <MiB>     first time memory passes it: report the line, write a heap snapshot,
                       pause in an attached debugger                  [MEMPROF_BREAK_AT]
  -h, --help           show this help
  -v, --version        show memprof's version

Mark functions with \`/** @profile */\`, \`profile(function ...)\` or \`@profile\` on class methods.

Memory over time (like Python's mprof):
  memprof run [options] <command> [args...]   record a program and its children into a .dat file
  memprof attach [options] <pid|name>         record a running process
  memprof list                                list the recordings here (mprofile_*.dat)
  memprof clean [--dry-run]                   remove them all
  memprof rm [--dry-run] <index|file>...      remove some
  memprof peak [--func <name>] [files...]     peak memory of a recording, per process
  memprof plot [options] [files...]           draw recordings: interactive HTML, SVG or PNG

Each command has --help. A script named like a command runs with \`memprof ./run\`.
`;

export class UsageError extends Error {}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; script: string; args: string[]; env: Record<string, string> };

/** Options come before the script; everything after the script belongs to the script. */
export function parseCommandLine(argv: string[]): Command {
  const env: Record<string, string> = {};
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    const [flag, inlineValue] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inlineValue ?? argv[++index];
      if (next === undefined) throw new UsageError(`option ${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return { kind: 'help' };
      case '-v':
      case '--version':
        return { kind: 'version' };
      case '--metric': {
        const metric = value();
        if (!isMetricName(metric)) throw new UsageError(`--metric must be one of ${METRIC_NAMES.join(', ')}, got "${metric}"`);
        env.MEMPROF_METRIC = metric;
        break;
      }
      case '--precision': {
        const precision = value();
        if (!/^[0-6]$/.test(precision)) throw new UsageError(`--precision must be an integer from 0 to 6, got "${precision}"`);
        env.MEMPROF_PRECISION = precision;
        break;
      }
      case '-o':
      case '--output':
        env.MEMPROF_OUTPUT = value();
        break;
      case '--json':
        env.MEMPROF_FORMAT = 'json';
        break;
      case '--max-tables': {
        const tables = value();
        if (!/^(\d+|all)$/.test(tables)) throw new UsageError(`--max-tables must be a whole number or "all", got "${tables}"`);
        env.MEMPROF_MAX_TABLES = tables;
        break;
      }
      case '--break-at': {
        const threshold = value();
        if (!(Number(threshold) > 0)) throw new UsageError(`--break-at must be a positive number of MiB, got "${threshold}"`);
        env.MEMPROF_BREAK_AT = threshold;
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        return { kind: 'run', script: arg, args: argv.slice(index + 1), env };
    }
  }
  throw new UsageError('no script given');
}
