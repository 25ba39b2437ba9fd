// A realistic workload (JSON parse/stringify and string building over a few MiB), profiled against
// the same body unmarked, in one child process run with memprof's hook.
import { join } from 'node:path';
import { benchResult, bytes, duration, num, PROGRAMS, ratio, runNode } from './lib';

interface WorkloadOutput {
  records: number;
  documentBytes: number;
  readsPerCall: number;
  plainNs: number;
  profiledNs: number;
}

export interface WorkloadResult extends WorkloadOutput {
  slowdown: number;
  addedNsPerSample: number;
}

export function runWorkload(records: number, repetitions: number, cacheDir: string): WorkloadResult {
  const child = runNode(join(PROGRAMS, 'workload.js'), {
    hook: true,
    args: [String(records), String(repetitions)],
    env: { MEMPROF_OUTPUT: '/dev/null', MEMPROF_CACHE_DIR: cacheDir },
  });
  const output = benchResult<WorkloadOutput>(child, 'workload');
  return {
    ...output,
    slowdown: output.profiledNs / output.plainNs,
    addedNsPerSample: (output.profiledNs - output.plainNs) / output.readsPerCall,
  };
}

export function describeWorkload(result: WorkloadResult): string[] {
  return [
    `workload: JSON.parse of a ${bytes(result.documentBytes)} document, ${num(result.records)} records aggregated and ` +
      `written as CSV, JSON.stringify of the result (${num(result.readsPerCall)} samples per call)`,
    `  plain ${duration(result.plainNs)} per call, profiled ${duration(result.profiledNs)}: slowdown ${ratio(result.slowdown)} ` +
      `(${duration(result.addedNsPerSample)} per sample)`,
  ];
}
