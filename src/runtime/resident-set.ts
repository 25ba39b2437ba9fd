// The resident set size, for the rss metric. process.memoryUsage.rss() costs about 7 µs; on Linux,
// /proc/self/statm read through a descriptor kept open into a buffer kept allocated costs about 1 µs
// and allocates nothing. Elsewhere, or if /proc misbehaves, Node's own reader is used.
import * as fs from 'node:fs';

// Taken when memprof loads: a program may mock fs later.
const { closeSync, openSync, readSync } = fs;
const rssOfProcess = process.memoryUsage.rss;

export function openResidentSetReader(): () => number {
  const fallback = () => rssOfProcess();
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
  return () => residentPages() * pageSize;
}

/** The page size that makes statm agree with Node's rss (both read the same kernel counter). */
function detectPageSize(pages: number, rss: number): number {
  for (const size of [4096, 16384, 65536, 8192]) {
    if (Math.abs(pages * size - rss) < 64 * size) return size;
  }
  return 0;
}
