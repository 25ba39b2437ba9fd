// The options `memprof run` and `memprof attach` share, and the RecordOptions they become.
import { BACKENDS, parseBackend } from '../record/proc/backends';
import type { RecordOptions } from '../record/record-options';
import { HELP_OPTION } from './command';
import { UsageError } from './errors';
import type { OptionSpec, OptionValues } from './option-parser';

export const RECORDING_OPTIONS: readonly OptionSpec[] = [
  { name: 'interval', short: 'T', value: 's', description: 'seconds between samples (default 0.1)' },
  { name: 'include-children', short: 'C', description: 'MEM is the sum over the process and all its descendants' },
  { name: 'multiprocess', short: 'M', description: 'one CHLD series per descendant process (-C and -M combine)' },
  { name: 'timeout', short: 't', value: 's', description: 'stop recording after <s> seconds' },
  { name: 'backend', value: 'name', description: 'rss (default), pss or uss (pss/uss read smaps_rollup: slower)' },
  { name: 'output', short: 'o', value: 'file', description: 'write to <file> instead of mprofile_<YYYYMMDDhhmmss>.dat' },
  { name: 'status', negatable: true, description: 'no live status line (it is only ever shown on a terminal)' },
  { name: 'self-stats', description: "print memprof's own CPU and memory use at the end" },
  HELP_OPTION,
];

function positiveSeconds(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`${option} must be a positive number of seconds, got "${String(value)}"`);
  }
  return seconds;
}

export function recordOptions(values: OptionValues): RecordOptions {
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
