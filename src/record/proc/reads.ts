// One-shot reads of one process (a file read and parsed per call), for occasional readers: the
// sampler's hot path keeps its files open instead (handles.ts).
import { existsSync, readFileSync } from 'node:fs';
import { memoryFileOf, type Backend } from './backends';
import { argumentsFromCmdline, fromSmapsRollup, pageSizeFromAuxv, residentPagesFromStatm } from './parsers';

let cachedPageSize: number | undefined;

/** The page size, from the kernel's auxiliary vector (AT_PAGESZ); 4096 if that cannot be read. */
export function pageSize(): number {
  if (cachedPageSize !== undefined) return cachedPageSize;
  cachedPageSize = 4096;
  try {
    cachedPageSize = pageSizeFromAuxv(readFileSync('/proc/self/auxv')) ?? cachedPageSize;
  } catch {
    // keep the default
  }
  return cachedPageSize;
}

/** `/proc/<pid>/statm` text as resident bytes, or -1. */
export function residentFromStatm(text: string): number {
  const pages = residentPagesFromStatm(text);
  return pages < 0 ? -1 : pages * pageSize();
}

/** Memory of a process in bytes (undefined if it is gone). */
export function processMemory(pid: number | 'self', backend: Backend): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/${memoryFileOf(backend)}`, 'latin1');
    if (backend === 'rss') {
      const bytes = residentFromStatm(text);
      return bytes < 0 ? undefined : bytes;
    }
    const bytes = fromSmapsRollup(text, backend);
    return bytes < 0 ? 0 : bytes;
  } catch {
    return undefined;
  }
}

/** The command line of a process, as its arguments; undefined if it cannot be read. */
export function processArguments(pid: number): string[] | undefined {
  try {
    return argumentsFromCmdline(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return undefined;
  }
}

export function processExists(pid: number): boolean {
  return existsSync(`/proc/${pid}/statm`);
}
