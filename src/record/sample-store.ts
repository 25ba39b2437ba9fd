// The samples of one series: (epoch seconds, bytes) pairs in one growable Float64Array, so that taking
// a sample allocates nothing on the JS heap (a typed array's memory is outside it; it doubles when
// full). The count and the peak are kept whether or not the samples themselves are.

export class SampleStore {
  private pairs: Float64Array<ArrayBuffer>;
  /** Samples added (kept or not). */
  count = 0;
  /** The highest sample (-Infinity before the first) and when it was taken. */
  peakBytes = -Infinity;
  peakTime = 0;

  /** `keep` false: only the count and the peak (memoryUsage's maxUsage, the recorder's summary). */
  constructor(
    readonly keep = true,
    capacity = 1024,
  ) {
    this.pairs = new Float64Array(keep ? 2 * capacity : 0);
  }

  add(time: number, bytes: number): void {
    if (this.keep) {
      if (2 * this.count + 2 > this.pairs.length) {
        const larger = new Float64Array(Math.max(2, this.pairs.length * 2));
        larger.set(this.pairs);
        this.pairs = larger;
      }
      this.pairs[2 * this.count] = time;
      this.pairs[2 * this.count + 1] = bytes;
    }
    this.count++;
    if (bytes > this.peakBytes) {
      this.peakBytes = bytes;
      this.peakTime = time;
    }
  }

  /** Time of kept sample `index` (0 ≤ index < count). */
  time(index: number): number {
    return this.pairs[2 * index];
  }

  bytes(index: number): number {
    return this.pairs[2 * index + 1];
  }

  /** The kept samples as [time, bytes, time, bytes, ...]: a copy, to transfer to another thread. */
  toPairs(): Float64Array<ArrayBuffer> {
    return this.pairs.slice(0, this.keep ? 2 * this.count : 0);
  }

  /** The kept samples as [time, bytes] arrays (allocates: for the end of a measurement). */
  entries(): [number, number][] {
    const entries: [number, number][] = [];
    if (!this.keep) return entries;
    for (let index = 0; index < this.count; index++) entries.push([this.time(index), this.bytes(index)]);
    return entries;
  }
}
