// The recording subcommands: `memprof run | attach | list | clean | rm | peak | plot`. Thin: parse
// the options, call src/record (src/plot), turn their errors into one line on stderr and an exit code.
import { unlinkSync } from 'node:fs';
import { UsageError } from './arguments';
import { PLOT_HELP, PLOT_SPECS, plotCommand } from './plot-command';
import { parseOptions, type OptionSpec } from './options';
import { DatError, damageWarning, readDat, requireSamples } from '../record/dat';
import { formatListing, HousekeepingError, listProfiles, newestProfile, resolveProfiles } from '../record/housekeeping';
import { peakReport } from '../record/peak';
import { parseBackend, BACKENDS } from '../record/proc/backends';
import { recordAttached } from '../record/attach';
import { RecordError, type RecordOptions } from '../record/record-options';
import { recordCommand } from '../record/run';

export const SUBCOMMANDS = ['run', 'attach', 'list', 'clean', 'rm', 'peak', 'plot'] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export function isSubcommand(word: string | undefined): word is Subcommand {
  return (SUBCOMMANDS as readonly string[]).includes(word ?? '');
}

const RECORDING_OPTIONS = `  -T, --interval <s>        seconds between samples (default 0.1)
  -C, --include-children    MEM is the sum over the process and all its descendants
  -M, --multiprocess        one CHLD series per descendant process (-C and -M combine)
  -t, --timeout <s>         stop recording after <s> seconds
      --backend <name>      rss (default), pss or uss (pss/uss read smaps_rollup: slower)
  -o, --output <file>       write to <file> instead of mprofile_<YYYYMMDDhhmmss>.dat
      --no-status           no live status line (it is only ever shown on a terminal)
      --self-stats          print memprof's own CPU and memory use at the end
  -h, --help                show this help`;

export const HELP: Record<Subcommand, string> = {
  run: `Usage: memprof run [options] <command> [args...]

Runs <command> and records its memory over time, like Python's \`mprof run\`, into
mprofile_<YYYYMMDDhhmmss>.dat (mprof's format: \`mprof plot\` and \`memprof peak\` read it). A Node
script (.js, .ts, ...) is run with this Node. Node processes, children included, get memprof's load
hook: each call of a function marked with profile adds a FUNC marker (and still prints its table).

Options (before the command):
${RECORDING_OPTIONS}
      --no-hook             do not give node processes memprof's load hook
  -E, --exit-code           accepted for mprof compatibility: the exit code is always passed on

Exit code: the program's, or 128+signal if a signal ended it; 127 when the command is not found;
2 for bad usage. SIGINT, SIGTERM and SIGHUP sent to memprof are passed to the program.
`,
  attach: `Usage: memprof attach [options] <pid|name>

Records the memory of a running process (by pid, or the first whose name contains <name>) until it
exits, --timeout passes, or you press Ctrl-C (which stops the recording, not the process).

Options:
${RECORDING_OPTIONS}
`,
  list: `Usage: memprof list

Lists the recordings (mprofile_*.dat) in the current directory with their index: 0 is the oldest.
`,
  clean: `Usage: memprof clean [--dry-run]

Removes every recording (mprofile_*.dat) in the current directory.

Options:
      --dry-run             only show what would be removed
  -h, --help                show this help
`,
  rm: `Usage: memprof rm [--dry-run] <index|file>...

Removes recordings, named by file or by index in \`memprof list\` (-1 is the newest).

Options:
      --dry-run             only show what would be removed
  -h, --help                show this help
`,
  peak: `Usage: memprof peak [--func <name>] [<index|file>...]

Prints the peak memory of each recording (default: the newest), and of each child process in it.

Options:
      --func <name>         peak while <name> ran (in each process where it ran)
  -h, --help                show this help
`,
  plot: PLOT_HELP,
};

const RECORDING_SPECS: OptionSpec[] = [
  { name: 'interval', short: 'T', value: true },
  { name: 'include-children', short: 'C' },
  { name: 'multiprocess', short: 'M' },
  { name: 'timeout', short: 't', value: true },
  { name: 'backend', value: true },
  { name: 'output', short: 'o', value: true },
  { name: 'status', negatable: true },
  { name: 'self-stats' },
  { name: 'help', short: 'h' },
];

const SPECS: Record<Subcommand, OptionSpec[]> = {
  run: [...RECORDING_SPECS, { name: 'hook', negatable: true }, { name: 'exit-code', short: 'E' }, { name: 'attach', short: 'a' }],
  attach: RECORDING_SPECS,
  list: [{ name: 'help', short: 'h' }],
  clean: [{ name: 'dry-run' }, { name: 'help', short: 'h' }],
  rm: [{ name: 'dry-run' }, { name: 'help', short: 'h' }],
  peak: [{ name: 'func', value: true }, { name: 'help', short: 'h' }],
  plot: PLOT_SPECS,
};

function positiveSeconds(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`${option} must be a positive number of seconds, got "${String(value)}"`);
  }
  return seconds;
}

function recordOptions(values: Record<string, string | boolean | undefined>): RecordOptions {
  const backendName = (values.backend as string | undefined) ?? 'rss';
  const backend = parseBackend(backendName);
  if (!backend) throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}, got "${backendName}"`);
  const interval = positiveSeconds(values.interval, '--interval') ?? 0.1;
  if (interval < 0.001) throw new UsageError(`--interval must be at least 0.001 s, got "${String(values.interval)}"`);
  return {
    interval,
    includeChildren: values['include-children'] === true,
    multiprocess: values.multiprocess === true,
    timeout: positiveSeconds(values.timeout, '--timeout'),
    backend,
    output: values.output as string | undefined,
    hook: values.hook !== false,
    selfStats: values['self-stats'] === true,
    status: values.status !== false,
  };
}

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });

/**
 * Runs a subcommand; returns the exit code. Usage errors propagate (main prints them with the
 * help hint); everything else known becomes one line on stderr.
 */
export async function runSubcommand(name: Subcommand, argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parseOptions(argv, SPECS[name], {
    stopAtPositional: name === 'run',
    negativeNumbers: name === 'rm' || name === 'peak' || name === 'plot',
  });
  if (values.help) {
    io.stdout.write(HELP[name]);
    return 0;
  }
  try {
    switch (name) {
      case 'run': {
        if (positionals.length === 0) throw new UsageError('memprof run needs a command to run');
        if (values.attach) return await attach(positionals, values);
        return await recordCommand(positionals, recordOptions(values));
      }
      case 'attach':
        return await attach(positionals, values);
      case 'list':
        if (positionals.length > 0) throw new UsageError('memprof list takes no arguments');
        io.stdout.write(formatListing(listProfiles(io.cwd)));
        return 0;
      case 'clean':
        if (positionals.length > 0) throw new UsageError('memprof clean takes no arguments (use memprof rm to pick files)');
        return remove(listProfiles(io.cwd), values['dry-run'] === true, io);
      case 'rm':
        if (positionals.length === 0) throw new UsageError('memprof rm needs the recordings to remove (an index from memprof list, or a file)');
        return remove(resolveProfiles(positionals, io.cwd), values['dry-run'] === true, io);
      case 'peak':
        return peak(positionals, values.func as string | undefined, io);
      case 'plot':
        return await plotCommand(positionals, values, io);
    }
  } catch (error) {
    if (error instanceof RecordError) {
      io.stderr.write(`memprof: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof HousekeepingError || error instanceof DatError) {
      io.stderr.write(`memprof: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function attach(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('memprof attach needs exactly one pid or process name');
  return recordAttached(positionals[0], recordOptions(values));
}

function remove(files: string[], dryRun: boolean, io: Io): number {
  if (dryRun) {
    io.stdout.write(`Files to be removed: \n${files.map((file) => `${file}\n`).join('')}`);
    return 0;
  }
  for (const file of files) {
    try {
      unlinkSync(file.startsWith('/') ? file : `${io.cwd}/${file}`);
    } catch (error) {
      throw new HousekeepingError(`cannot remove ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  if (files.length > 0) io.stderr.write(`memprof: removed ${files.join(', ')}\n`);
  return 0;
}

function peak(positionals: string[], func: string | undefined, io: Io): number {
  const files = positionals.length > 0 ? resolveProfiles(positionals, io.cwd) : [newestProfile(io.cwd)];
  if (positionals.length === 0) io.stderr.write(`memprof: using the newest recording, ${files[0]}\n`);
  let status = 0;
  for (const file of files) {
    try {
      const dat = readDat(file.startsWith('/') ? file : `${io.cwd}/${file}`);
      dat.filename = file;
      const warning = damageWarning(dat);
      if (warning) io.stderr.write(`memprof: warning: ${warning}\n`);
      requireSamples(dat);
      const report = peakReport(dat, func);
      io.stdout.write(report.text);
      if (!report.found) {
        const known = report.functions.length > 0 ? `; it has ${report.functions.join(', ')}` : '; it has no FUNC markers';
        io.stderr.write(`memprof: ${file} has no function ${func}${known}\n`);
        status = 1;
      }
    } catch (error) {
      if (!(error instanceof DatError)) throw error;
      io.stderr.write(`memprof: ${error.message}\n`);
      status = 1;
    }
  }
  return status;
}
