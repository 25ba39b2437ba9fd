#!/usr/bin/env node
// `memprof <command> ...` (run, attach, list, clean, rm, peak, plot: memory over time, like mprof),
// `memprof help [command]` and `memprof [options] <script> [args...]`. Thin: pick the command, parse
// its options, print --help or run it, and leave with its exit code (or its error's, in one line).
import { processIo, type Command } from './command';
import { findSubcommand, SUBCOMMANDS } from './commands/index';
import { scriptCommand } from './commands/script';
import { asCliError, UsageError } from './errors';
import { helpText } from './help';
import { parseOptions } from './option-parser';

async function runCommand(command: Command, argv: string[]): Promise<number> {
  try {
    const parsed = parseOptions(argv, command.options, command.parsing);
    if (parsed.values.help === true) {
      process.stdout.write(helpText(command));
      return 0;
    }
    return await command.run(parsed, processIo());
  } catch (error) {
    const failure = asCliError(error);
    if (!failure) throw error;
    process.stderr.write(`memprof: ${failure.message}\n`);
    if (failure instanceof UsageError) process.stderr.write(`Try 'memprof ${command.name ? `${command.name} ` : ''}--help'.\n`);
    return failure.exitCode;
  }
}

/** `memprof help [command]`: what `--help` prints, as git and npm answer `help`. */
function showHelp(topic: string | undefined): number {
  const command = topic === undefined ? scriptCommand : findSubcommand(topic);
  if (!command) {
    process.stderr.write(`memprof: no command ${topic}; the commands are ${SUBCOMMANDS.map((known) => known.name).join(', ')}\nTry 'memprof --help'.\n`);
    return 2;
  }
  process.stdout.write(helpText(command));
  return 0;
}

const [first, ...rest] = process.argv.slice(2);
const subcommand = findSubcommand(first);
const exitCode = first === 'help' ? Promise.resolve(showHelp(rest[0])) : runCommand(subcommand ?? scriptCommand, subcommand ? rest : process.argv.slice(2));
exitCode.then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not expected: say it in one line, with the stack only when asked for.
    process.stderr.write(`memprof: internal error: ${(error as Error)?.message ?? String(error)}\n`);
    if (process.env.MEMPROF_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exit(70);
  },
);
