// The resident set size, for the rss metric. process.memoryUsage.rss() costs about 7 µs; on Linux,
// /proc/self/statm read through a descriptor kept open into a buffer kept allocated costs about 1 µs
// and allocates nothing. Elsewhere, or if /proc misbehaves, Node's own reader is used.
import * as fs from 'node:fs';

// Taken when memprof loads: a program may mock fs later.
const { closeSync, openSync, readSync } = fs;
const rssOfProcess = process.memoryUsage.rss;

let source: 'statm' | 'process.memoryUsage.rss' = 'process.memoryUsage.rss';

/** Which reader the last openResidentSetReader() returned (tests, and anyone asking why rss is slow). */
export function residentSetSource(): typeof source {
  return source;
}

export function openResidentSetReader(): () => number {
  const fallback = () => rssOfProcess();
  source = 'process.memoryUsage.rss';
  if (process.platform !== 'linux') return fallback;
  let fd: number;
  try {
    fd = openSync('/proc/self/statm', 'r');
  } catch {
    return fallback;
  }
  const buffer = Buffer.alloc(128);
  /** statm's second field: resident pages. Parsed from the bytes, so no string is made. */
  const residentPages = (): number => {
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    let index = 0;
    while (index < length && buffer[index] !== 0x20) index++;
    let pages = 0;
    for (index++; index < length; index++) {
      const digit = buffer[index] - 0x30;
      if (digit < 0 || digit > 9) break;
      pages = pages * 10 + digit;
    }
    return pages;
  };
  let pageSize: number;
  try {
    pageSize = detectPageSize(residentPages(), fallback());
  } catch {
    pageSize = 0;
  }
  if (!pageSize) {
    closeSync(fd);
    return fallback;
  }
  source = 'statm';
  return () => residentPages() * pageSize;
}

/**
 * The page size that makes statm agree with Node's rss. Both read the same kernel counter, but not at
 * the same instant, and the kernel sums that counter lazily (per thread or per CPU, synced in batches
 * of 64 pages or more): two reads microseconds apart differ by 100 KiB here, and by more with many
 * threads. An absolute tolerance failed now and then, which silently sent every sample to the slow
 * reader; page sizes are at least 2x apart, so the size closest in ratio is the right one.
 */
export function detectPageSize(pages: number, rss: number): number {
  if (!(pages > 0) || !(rss > 0)) return 0;
  let best = 0;
  let bestError = Infinity;
  for (const size of [4096, 8192, 16384, 65536]) {
    const error = Math.abs(Math.log((pages * size) / rss));
    if (error < bestError) {
      best = size;
      bestError = error;
    }
  }
  // Within a third either way: further off, statm is not what it seems, and Node's reader is used.
  return bestError < Math.log(4 / 3) ? best : 0;
}
