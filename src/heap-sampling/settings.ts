// The heap-sampling settings of this process, from the environment `memprof run --heap-sampling`
// sets (src/shared/record-channel.ts). Read once, when the hook loads, before the program runs.
import { constants as osConstants } from 'node:os';
import { isAbsolute } from 'node:path';
import { HEAP_SAMPLING_ENV } from '../shared/record-channel';
import { DEFAULT_SAMPLING_INTERVAL, DEFAULT_SNAPSHOT_SIGNAL, SNAPSHOT_SIGNALS, type ProfileKind } from './profile-format';

export interface HeapSamplingSettings {
  /** Absolute path of the folder the profiles go to. */
  folder: string;
  interval: number;
  kind: ProfileKind;
  signal: NodeJS.Signals;
}

export class HeapSamplingSettingsError extends Error {}

/** The settings in `env`, or undefined when heap sampling is off; throws for a value that cannot be used. */
export function heapSamplingSettings(env: NodeJS.ProcessEnv): HeapSamplingSettings | undefined {
  const folder = env[HEAP_SAMPLING_ENV.folder];
  if (!folder) return undefined;
  const wrong = (name: string, value: string, expected: string) =>
    new HeapSamplingSettingsError(`memprof: ${name}=${JSON.stringify(value)}: expected ${expected}`);
  if (!isAbsolute(folder)) throw wrong(HEAP_SAMPLING_ENV.folder, folder, 'an absolute path');

  const intervalText = env[HEAP_SAMPLING_ENV.interval];
  let interval = DEFAULT_SAMPLING_INTERVAL;
  if (intervalText !== undefined && intervalText !== '') {
    interval = Number(intervalText);
    if (!/^\d+$/.test(intervalText) || !Number.isSafeInteger(interval) || interval < 1) {
      throw wrong(HEAP_SAMPLING_ENV.interval, intervalText, 'a positive whole number of bytes');
    }
  }

  const kindText = env[HEAP_SAMPLING_ENV.kind] || 'allocated';
  if (kindText !== 'allocated' && kindText !== 'live') throw wrong(HEAP_SAMPLING_ENV.kind, kindText, 'allocated or live');

  const signal = env[HEAP_SAMPLING_ENV.signal] || DEFAULT_SNAPSHOT_SIGNAL;
  if (!(SNAPSHOT_SIGNALS as readonly string[]).includes(signal) || !(signal in osConstants.signals)) {
    throw wrong(HEAP_SAMPLING_ENV.signal, signal, `one of ${SNAPSHOT_SIGNALS.join(', ')}`);
  }
  return { folder, interval, kind: kindText, signal: signal as NodeJS.Signals };
}
