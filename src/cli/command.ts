// The shape of every `memprof` command (one module each in commands/): its words for the help, its
// option specs (which both parse the arguments and make the help), and what it does. Thin: parse,
// call src/record (src/plot), return the exit code; failures are thrown as CliErrors.
import type { HelpLayout } from './help';
import type { OptionSpec, ParsedArgs, ParseSettings } from './option-parser';

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });

export interface Command {
  /** The word after `memprof` ('' for `memprof [options] <script>`). */
  name: string;
  /** The synopsis, after `Usage: `. */
  usage: string;
  /** The synopsis in the list of commands of `memprof --help`, where `usage` is too long for it. */
  listedUsage?: string;
  /** One line, for the list of commands in `memprof --help`. */
  summary: string;
  /** The help's paragraphs between the synopsis and the options. */
  description: string;
  options: readonly OptionSpec[];
  /** Default 'Options:'. */
  optionsHeading?: string;
  /** The help's paragraphs after the options. */
  epilogue?: string;
  parsing?: ParseSettings;
  /** Default COMMAND_LAYOUT. */
  helpLayout?: HelpLayout;
  /** Runs with the parsed arguments (--help is handled before); resolves the exit code. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** `-h, --help`, which every command has. */
export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'show this help' };
