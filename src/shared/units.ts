// The units both sides of a recording agree on: memory in MiB (mprof's unit) and time in seconds since
// the epoch, read from the monotonic clock so that samples taken in one process never go backwards.
// A leaf: imports nothing from the rest of memprof.

export const BYTES_PER_MIB = 1024 * 1024;

export function toMiB(bytes: number): number {
  return bytes / BYTES_PER_MIB;
}

/** Seconds since the epoch, with sub-millisecond resolution (performance.timeOrigin + now()). */
export function epochSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}
