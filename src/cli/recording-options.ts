// The options `memprof run` and `memprof attach` share, and the RecordOptions they become.
import { DEFAULT_SAMPLING_INTERVAL, DEFAULT_SNAPSHOT_SIGNAL, SNAPSHOT_SIGNALS } from '../heap-sampling/profile-format';
import { BACKENDS, parseBackend } from '../record/proc/backends';
import { parseBytes } from '../shared/bytes';
import type { HeapSamplingOptions, RecordOptions } from '../record/record-options';
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

/** `memprof run`'s options for allocation profiles (attach cannot give a running process a sampler). */
export const HEAP_SAMPLING_OPTIONS: readonly OptionSpec[] = [
  { name: 'heap-sampling', description: "also record allocations by stack (V8's sampling heap profiler)" },
  { name: 'sampling-interval', value: 'n', description: 'bytes between heap samples on average: 32k, 1m... (default 512k)' },
  { name: 'heap-live', description: 'sample only what stays alive (default: all allocated)' },
  { name: 'heap-signal', value: 'name', description: `snapshot signal: ${SNAPSHOT_SIGNALS.join(', ')} (default ${DEFAULT_SNAPSHOT_SIGNAL})` },
]

const SHORT_SIZE = /^(\d+(?:\.\d+)?)([kmg]?)$/i;
const SHORT_UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * `32k`, `512K`, `1m`, `4096` (one letter: powers of 1024, as V8's and ulimit's sizes), or a unit
 * spelled out as everywhere else in memprof (`1 MiB`, `64KB`: KB and MB are powers of 1000, as in
 * budgets and leak thresholds): a whole number of bytes from 1 to 2^31 - 1, else undefined.
 */
export function parseByteSize(text: string): number | undefined {
  const short = SHORT_SIZE.exec(text.trim());
  let bytes: number;
  if (short) bytes = Number(short[1]) * SHORT_UNIT[short[2].toLowerCase()];
  else {
    try {
      bytes = parseBytes(text);
    } catch {
      return undefined;
    }
  }
  return Number.isSafeInteger(bytes) && bytes >= 1 && bytes <= 2 ** 31 - 1 ? bytes : undefined;
}

/** The heap-sampling part of `memprof run`'s options; undefined when none of them was given. */
export function heapSamplingOptions(values: OptionValues): HeapSamplingOptions | undefined {
  const intervalText = values['sampling-interval'] as string | undefined;
  const signal = (values['heap-signal'] as string | undefined) ?? DEFAULT_SNAPSHOT_SIGNAL;
  const wanted = values['heap-sampling'] === true || values['heap-live'] === true || intervalText !== undefined;
  if (!wanted) {
    if (values['heap-signal'] !== undefined) throw new UsageError('--heap-signal needs --heap-sampling');
    return undefined;
  }
  let interval = DEFAULT_SAMPLING_INTERVAL;
  if (intervalText !== undefined) {
    const bytes = parseByteSize(intervalText);
    if (bytes === undefined) throw new UsageError(`--sampling-interval must be a size in bytes like 32k, 512k or 1m; got "${intervalText}"`);
    interval = bytes;
  }
  if (!(SNAPSHOT_SIGNALS as readonly string[]).includes(signal)) {
    throw new UsageError(`--heap-signal must be one of ${SNAPSHOT_SIGNALS.join(', ')}; got "${signal}"`);
  }
  if (values.hook === false) throw new UsageError("--heap-sampling needs memprof's hook in the Node processes: it cannot be used with --no-hook");
  return { interval, kind: values['heap-live'] === true ? 'live' : 'allocated', signal };
}
