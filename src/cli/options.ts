// A small option parser for the subcommands, in the style of the original one: options first; with
// `stopAtPositional`, the first positional and everything after it are left as they are (they belong
// to the recorded command). Long options take `--name value` or `--name=value`; short booleans group
// (`-CM`); a short option with a value takes `-T 0.01` or `-T0.01`. Errors are UsageErrors with one line.
import { UsageError } from './arguments';

export interface OptionSpec {
  /** Long name without dashes; also the key in the result. */
  name: string;
  short?: string;
  /** Takes a value (else a boolean flag). */
  value?: boolean;
  /** `--no-<name>` sets the flag to false. */
  negatable?: boolean;
}

export interface ParsedOptions {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export interface ParseSettings {
  /** Stop at the first positional: it and all that follows are positionals, untouched. */
  stopAtPositional?: boolean;
  /** `-1` is a positional (an index), not an option. */
  negativeNumbers?: boolean;
}

export function parseOptions(argv: readonly string[], specs: readonly OptionSpec[], settings: ParseSettings = {}): ParsedOptions {
  const values: ParsedOptions['values'] = {};
  const positionals: string[] = [];
  const byLong = new Map(specs.map((spec) => [spec.name, spec]));
  const byShort = new Map(specs.filter((spec) => spec.short).map((spec) => [spec.short as string, spec]));
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    const isOption = arg.startsWith('-') && arg !== '-' && !(settings.negativeNumbers && /^-\d+$/.test(arg));
    if (!isOption) {
      if (settings.stopAtPositional) {
        positionals.push(...argv.slice(index));
        break;
      }
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = arg.slice(2, equals < 0 ? undefined : equals);
      const inline = equals < 0 ? undefined : arg.slice(equals + 1);
      let spec = byLong.get(name);
      if (!spec && name.startsWith('no-')) {
        const negated = byLong.get(name.slice(3));
        if (negated?.negatable) {
          if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
          values[negated.name] = false;
          continue;
        }
      }
      if (!spec) throw new UsageError(`unknown option --${name}`);
      if (spec.value) {
        const value = inline ?? argv[++index];
        if (value === undefined) throw new UsageError(`option --${name} needs a value`);
        values[spec.name] = value;
      } else {
        if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
        values[spec.name] = true;
      }
      continue;
    }
    // Short options: -C, -CM, -T 0.01, -T0.01
    for (let position = 1; position < arg.length; position++) {
      const letter = arg[position];
      const spec = byShort.get(letter);
      if (!spec) throw new UsageError(`unknown option -${letter}${arg.length > 2 ? ` (in ${arg})` : ''}`);
      if (!spec.value) {
        values[spec.name] = true;
        continue;
      }
      const rest = arg.slice(position + 1);
      const value = rest !== '' ? rest : argv[++index];
      if (value === undefined) throw new UsageError(`option -${letter} needs a value`);
      values[spec.name] = value;
      break;
    }
  }
  return { values, positionals };
}
