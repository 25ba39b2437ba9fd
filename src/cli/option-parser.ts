// The one option parser of the CLI: Node's util.parseArgs splits the arguments into tokens (long and
// short options, `--name=value`, grouped short flags `-CM`, attached values `-T0.01`, `--`), and this
// module gives them memprof's rules, which parseArgs (Node 20) does not have: `--no-<name>` negation,
// stopping at the command to run (what follows is the command's), `-1` as an index, options that end
// parsing (--help), and one-line usage errors naming the option.
import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export interface OptionSpec {
  /** Long name without dashes; also the key in the parsed values. */
  name: string;
  short?: string;
  /** Takes a value, named so in the help (`--interval <s>`); without it, a flag. */
  value?: string;
  /** `--no-<name>` sets the flag to false (the help shows that form). */
  negatable?: boolean;
  /** The help's text for it; explicit line breaks are kept. Without one, the option is not in the help. */
  description?: string;
  /** The environment variable it sets, shown in the help (`NAME`, or `NAME=value` for a flag). */
  env?: string;
  /** Parsing stops when it is met (--help, --version): what follows is not looked at. */
  immediate?: boolean;
  /** Checks the value when it is met; throws a UsageError. */
  check?(value: string): void;
}

export interface ParseSettings {
  /** Stop at the first positional: it and all that follows are positionals, untouched. */
  stopAtPositional?: boolean;
  /** `-1` is a positional (an index), not an option. */
  negativeNumbers?: boolean;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

export function parseOptions(argv: readonly string[], specs: readonly OptionSpec[], settings: ParseSettings = {}): ParsedArgs {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const config = Object.fromEntries(
    specs.map((spec) => [spec.name, { type: spec.value ? ('string' as const) : ('boolean' as const), ...(spec.short ? { short: spec.short } : {}) }]),
  );
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  const values: OptionValues = {};
  const positionals: string[] = [];
  let lastPositional = -1;
  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      positionals.push(...argv.slice(token.index + 1));
      break;
    }
    const raw = argv[token.index];
    if (token.kind === 'positional' || (settings.negativeNumbers && /^-\d+$/.test(raw))) {
      if (token.index === lastPositional) continue; // `-12` comes as two tokens of one argument
      lastPositional = token.index;
      if (settings.stopAtPositional) {
        positionals.push(...argv.slice(token.index));
        break;
      }
      positionals.push(raw);
      continue;
    }
    const long = token.rawName.startsWith('--');
    const spec = byName.get(token.name);
    if (!spec && long && token.name.startsWith('no-')) {
      const negated = byName.get(token.name.slice(3));
      if (negated?.negatable) {
        if (token.inlineValue) throw new UsageError(`option ${token.rawName} takes no value`);
        values[negated.name] = false;
        continue;
      }
    }
    if (!spec) throw new UsageError(`unknown option ${token.rawName}${!long && raw.length > 2 ? ` (in ${raw})` : ''}`);
    if (spec.value) {
      if (token.value === undefined) throw new UsageError(`option ${token.rawName} needs a value`);
      spec.check?.(token.value);
      values[spec.name] = token.value;
    } else {
      if (token.inlineValue) throw new UsageError(`option ${token.rawName} takes no value`);
      values[spec.name] = true;
    }
    if (spec.immediate) break;
  }
  return { values, positionals };
}
