// `--help` texts, made from the commands' words and option specs, so that the help lists exactly the
// options that parse.
import type { Command } from './command';
import type { OptionSpec } from './option-parser';

export interface HelpLayout {
  /** Where descriptions start. */
  column: number;
  /** Long-only options are indented as if they had a short one (`    --backend`). */
  alignLongOnly: boolean;
  /** Where `[ENV]` hints start (on the description's last line, or on a line of their own). */
  hintColumn?: number;
}

export const COMMAND_LAYOUT: HelpLayout = { column: 28, alignLongOnly: true };

function flags(spec: OptionSpec, layout: HelpLayout): string {
  const short = spec.short ? `-${spec.short}, ` : layout.alignLongOnly ? '    ' : '';
  return `${short}--${spec.negatable ? 'no-' : ''}${spec.name}${spec.value ? ` <${spec.value}>` : ''}`;
}

function optionLines(spec: OptionSpec, layout: HelpLayout): string[] {
  const [first, ...more] = (spec.description ?? '').split('\n');
  const lines = [`  ${`${flags(spec, layout)} `.padEnd(layout.column - 2)}${first}`, ...more.map((line) => `${' '.repeat(layout.column)}${line}`)];
  if (spec.env && layout.hintColumn !== undefined) {
    const hint = `[${spec.env}]`;
    const last = lines[lines.length - 1];
    if (last.length < layout.hintColumn) lines[lines.length - 1] = `${last.padEnd(layout.hintColumn)}${hint}`;
    else lines.push(`${' '.repeat(layout.hintColumn)}${hint}`);
  }
  return lines;
}

/** The options block: one entry per option that has a description, in the specs' order. */
export function formatOptions(specs: readonly OptionSpec[], layout: HelpLayout = COMMAND_LAYOUT): string {
  return specs
    .filter((spec) => spec.description !== undefined)
    .flatMap((spec) => optionLines(spec, layout))
    .join('\n');
}

/** A command's --help: synopsis, description, options (none listed when --help is the only one), epilogue. */
export function helpText(command: Command): string {
  const layout = command.helpLayout ?? COMMAND_LAYOUT;
  const listed = command.options.filter((spec) => spec.description !== undefined);
  const options = listed.some((spec) => spec.name !== 'help') ? `${command.optionsHeading ?? 'Options:'}\n${formatOptions(listed, layout)}` : undefined;
  return [`Usage: ${command.usage}`, command.description, options, command.epilogue].filter((part) => part !== undefined).join('\n\n') + '\n';
}

/** The list of commands in `memprof --help`: synopsis and summary, one line each. */
export function commandList(commands: readonly Command[]): string {
  return commands.map((command) => `  ${`${command.listedUsage ?? command.usage}  `.padEnd(44)}${command.summary}`).join('\n');
}
