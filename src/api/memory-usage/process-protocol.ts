// The protocol between memoryUsage() and its sampling process (process-sampler.ts), which reads this
// process' memory from /proc while a function runs. The process prints `ready` once it can read the
// process, then on stdin `start` it takes a sample and prints `started`; on `stop` it takes a last
// sample, prints one JSON line (a ProcSamplerResult) with every sample and exits. EOF on stdin (the
// parent died) ends it quietly.
import { join } from 'node:path';
import type { Backend } from '../../record/proc/backends';

/** The compiled sampler next to this file (dist/src/api/memory-usage/process-sampler.js). */
export const PROCESS_SAMPLER_FILE = join(__dirname, 'process-sampler.js');

/** Its one argument, as JSON. */
export interface ProcSamplerConfig {
  pid: number;
  backend: Backend;
  interval: number;
  timeout: number | undefined;
  followTree: boolean;
}

/** One sample: [epoch seconds, own bytes, tree total bytes, [pid, bytes][]]. */
export type ProcSampleLine = [number, number, number, [number, number][]];

export interface ProcSamplerResult {
  samples: ProcSampleLine[];
  timedOut: boolean;
  error?: string;
}
