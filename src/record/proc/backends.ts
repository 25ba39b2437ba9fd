// What a memory sample measures, and whether this system can give it. rss reads /proc/<pid>/statm;
// pss and uss read /proc/<pid>/smaps_rollup (Linux 4.14+), which the kernel takes longer to make.
import { existsSync } from 'node:fs';

export const BACKENDS = ['rss', 'pss', 'uss'] as const;
export type Backend = (typeof BACKENDS)[number];

/** memory_profiler's backend names and the backend each one is here. */
export const MEMORY_PROFILER_BACKENDS: Readonly<Record<string, Backend>> = {
  psutil: 'rss',
  posix: 'rss',
  psutil_pss: 'pss',
  psutil_uss: 'uss',
};

/** memprof's backend for a memory_profiler backend name; undefined for any other word. */
export function memoryProfilerBackend(name: string): Backend | undefined {
  return Object.hasOwn(MEMORY_PROFILER_BACKENDS, name) ? MEMORY_PROFILER_BACKENDS[name] : undefined;
}

/** A backend by its name, or by memory_profiler's name for it (accepted for muscle memory). */
export function parseBackend(name: string): Backend | undefined {
  return (BACKENDS as readonly string[]).includes(name) ? (name as Backend) : memoryProfilerBackend(name);
}

/** The file under /proc/<pid>/ that a backend reads. */
export function memoryFileOf(backend: Backend): 'statm' | 'smaps_rollup' {
  return backend === 'rss' ? 'statm' : 'smaps_rollup';
}

export class ProcUnavailableError extends Error {}

/** Throws a one-line explanation when this system cannot give what `backend` needs. */
/** Whether this system has the /proc memprof reads (Linux). */
export function procAvailable(): boolean {
  return process.platform === 'linux' && existsSync('/proc/self/statm');
}

export function checkProcSupport(backend: Backend): void {
  if (process.platform !== 'linux' || !existsSync('/proc/self/statm')) {
    throw new ProcUnavailableError('recording needs Linux /proc (this system has none)');
  }
  if (backend !== 'rss' && !existsSync('/proc/self/smaps_rollup')) {
    throw new ProcUnavailableError(`--backend ${backend} needs /proc/<pid>/smaps_rollup (Linux 4.14 or newer), which this system does not offer`);
  }
}
