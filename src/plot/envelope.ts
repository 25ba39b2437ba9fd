// One series of samples, reduced as it is read to what a plot can show: past a few tens of thousands
// of samples, time is cut into equal buckets and each bucket keeps its first, lowest, highest and last
// sample. Drawn in order, those points give the same line as all the samples at any zoom down to one
// bucket per pixel column, and the peak (and the lowest point) of every bucket is a real sample, kept
// exactly. Each bucket also keeps its number of samples and their mean time and memory, to which a
// least-squares line can be fitted (weighted by the counts) as it would be to all the samples: the
// two differ only by the spread within buckets, a millionth of the fit for a thousand buckets.
// Memory stays bounded: at most `buckets` buckets, widened two at a time as the recording grows.
// Samples may come in any order (a file's order is not significant): a bucket is chosen by time.

/** Series this short are kept whole: every sample, as written. */
export const RAW_SAMPLES = 65_536;
/** Buckets a decimated series keeps while it is read (merged in pairs to make room). */
export const BUCKETS = 32_768;

export interface EnvelopePoints {
  /** Seconds (as in the samples), increasing; memory in MiB at each. */
  time: number[];
  memory: number[];
  /** Present when the series was decimated: the width of its buckets, in the samples' time unit. */
  bucketSeconds?: number;
  /** Present when the series was decimated: each bucket's mean time and memory, and its samples. */
  means?: BucketMeans;
}

export interface BucketMeans {
  time: number[];
  memory: number[];
  samples: number[];
}

/**
 * Bucket fields, each in its own typed array: count, time and memory of the first, lowest, highest
 * and last sample, and the sums of times (from the origin, to keep them small) and of memory.
 */
const FIELDS = 11;
const [COUNT, FIRST_T, FIRST_M, MIN_T, MIN_M, MAX_T, MAX_M, LAST_T, LAST_M, SUM_T, SUM_M] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export class SampleEnvelope {
  /** Samples added. */
  count = 0;
  /** The highest and lowest sample (the earliest of equal ones), and the earliest and latest time. */
  peak = { time: NaN, memory: -Infinity };
  lowest = { time: NaN, memory: Infinity };
  firstTime = Infinity;
  lastTime = -Infinity;

  private rawTime: Float64Array | undefined = new Float64Array(64);
  private rawMemory: Float64Array | undefined = new Float64Array(64);
  private readonly rawLimit: number;
  private readonly capacity: number;
  /** Bucketed: the fields by bucket slot; slot i holds bucket number `base + i` (time origin + n * width). */
  private fields: Float64Array[] = [];
  private origin = 0;
  private width = 1;
  private base = 0;
  /** The lowest and highest bucket numbers holding samples. */
  private low = 0;
  private high = -1;

  constructor(options: { rawSamples?: number; buckets?: number } = {}) {
    this.rawLimit = Math.max(1, options.rawSamples ?? RAW_SAMPLES);
    this.capacity = Math.max(2, options.buckets ?? BUCKETS);
  }

  /** Whether the samples are still all kept. */
  get raw(): boolean {
    return this.rawTime !== undefined;
  }

  add(time: number, memory: number): void {
    this.count++;
    if (memory > this.peak.memory || (memory === this.peak.memory && time < this.peak.time)) this.peak = { time, memory };
    if (memory < this.lowest.memory || (memory === this.lowest.memory && time < this.lowest.time)) this.lowest = { time, memory };
    if (time < this.firstTime) this.firstTime = time;
    if (time > this.lastTime) this.lastTime = time;
    if (this.rawTime !== undefined) {
      const index = this.count - 1;
      if (index < this.rawLimit) {
        if (index === this.rawTime.length) this.growRaw();
        this.rawTime[index] = time;
        this.rawMemory![index] = memory;
        return;
      }
      this.startBuckets();
    }
    this.addToBucket(time, memory);
  }

  /**
   * The points to draw, in time order, at most `maxPoints` of them: all the samples when they are few
   * enough, else the buckets' points, the buckets widened (for good) until they fit. Widening stops at
   * one bucket, or two when samples came from before the first one added (bucket edges stay on whole
   * widths from it). Samples of equal time keep the order they were added in.
   */
  points(maxPoints = Infinity): EnvelopePoints {
    if (this.rawTime !== undefined && this.count <= maxPoints) return this.rawPoints();
    if (this.rawTime !== undefined) this.startBuckets();
    while (this.pointBound() > maxPoints) {
      const [low, high] = [this.low, this.high];
      this.widen();
      if (this.low === low && this.high === high) break;
    }
    return this.bucketPoints();
  }

  /** The most points points() can give now: all the samples, or four per bucket in use. */
  pointBound(): number {
    if (this.rawTime !== undefined) return this.count;
    let used = 0;
    const counts = this.fields[COUNT];
    for (let slot = this.low - this.base; slot <= this.high - this.base; slot++) if (counts[slot] > 0) used++;
    return 4 * used;
  }

  private growRaw(): void {
    const size = Math.min(this.rawLimit, this.rawTime!.length * 2);
    const time = new Float64Array(size);
    const memory = new Float64Array(size);
    time.set(this.rawTime!);
    memory.set(this.rawMemory!);
    this.rawTime = time;
    this.rawMemory = memory;
  }

  /** Indexes of the raw samples in time order (stable: equal times in the order added). */
  private rawOrder(): number[] {
    const count = Math.min(this.count, this.rawLimit);
    const time = this.rawTime!;
    const order = Array.from({ length: count }, (_, index) => index);
    let sorted = true;
    for (let index = 1; index < count && sorted; index++) sorted = time[index - 1] <= time[index];
    return sorted ? order : order.sort((a, b) => time[a] - time[b] || a - b);
  }

  private rawPoints(): EnvelopePoints {
    const order = this.rawOrder();
    return { time: order.map((index) => this.rawTime![index]), memory: order.map((index) => this.rawMemory![index]) };
  }

  /** From raw to buckets: the samples so far fill half the buckets, leaving room to grow. */
  private startBuckets(): void {
    const order = this.rawOrder();
    const time = this.rawTime!;
    const memory = this.rawMemory!;
    const first = order.length > 0 ? time[order[0]] : 0;
    const last = order.length > 0 ? time[order[order.length - 1]] : 0;
    this.origin = first;
    this.width = last > first ? (last - first) / (this.capacity / 2) : 1;
    this.fields = Array.from({ length: FIELDS }, () => new Float64Array(this.capacity));
    this.base = 0;
    this.low = 0;
    this.high = -1;
    this.rawTime = undefined;
    this.rawMemory = undefined;
    for (const index of order) this.addToBucket(time[index], memory[index]);
  }

  private addToBucket(time: number, memory: number): void {
    const bucket = Math.floor((time - this.origin) / this.width);
    if (this.high < this.low) this.base = bucket;
    let slot = bucket - this.base;
    if (slot < 0 || slot >= this.capacity) {
      const low = Math.min(this.low, bucket);
      const high = Math.max(this.high, bucket);
      if (high - low + 1 > this.capacity) {
        this.widen();
        this.addToBucket(time, memory);
        return;
      }
      this.rebase(slot < 0 ? low : high - this.capacity + 1);
      slot = bucket - this.base;
    }
    if (this.high < this.low) this.low = this.high = bucket;
    else {
      this.low = Math.min(this.low, bucket);
      this.high = Math.max(this.high, bucket);
    }
    const f = this.fields;
    if (f[COUNT][slot] === 0) {
      f[COUNT][slot] = 1;
      f[FIRST_T][slot] = f[MIN_T][slot] = f[MAX_T][slot] = f[LAST_T][slot] = time;
      f[FIRST_M][slot] = f[MIN_M][slot] = f[MAX_M][slot] = f[LAST_M][slot] = memory;
      f[SUM_T][slot] = time - this.origin;
      f[SUM_M][slot] = memory;
      return;
    }
    f[COUNT][slot]++;
    f[SUM_T][slot] += time - this.origin;
    f[SUM_M][slot] += memory;
    if (time < f[FIRST_T][slot]) {
      f[FIRST_T][slot] = time;
      f[FIRST_M][slot] = memory;
    }
    // `>=`: of equal times, the one added last is the last, as after a stable sort.
    if (time >= f[LAST_T][slot]) {
      f[LAST_T][slot] = time;
      f[LAST_M][slot] = memory;
    }
    if (memory < f[MIN_M][slot] || (memory === f[MIN_M][slot] && time < f[MIN_T][slot])) {
      f[MIN_T][slot] = time;
      f[MIN_M][slot] = memory;
    }
    if (memory > f[MAX_M][slot] || (memory === f[MAX_M][slot] && time < f[MAX_T][slot])) {
      f[MAX_T][slot] = time;
      f[MAX_M][slot] = memory;
    }
  }

  /** Moves the slots so that slot 0 holds bucket `base` (only for samples out of time order). */
  private rebase(base: number): void {
    const shift = this.base - base;
    for (const field of this.fields) {
      if (shift > 0) {
        field.copyWithin(shift, 0, this.capacity - shift);
        field.fill(0, 0, shift);
      } else {
        field.copyWithin(0, -shift);
        field.fill(0, this.capacity + shift);
      }
    }
    this.base = base;
  }

  /** Doubles the buckets' width: bucket n becomes n >> 1, merged in place (a slot only moves down). */
  private widen(): void {
    const f = this.fields;
    const base = Math.floor(this.base / 2);
    let previous = -1;
    for (let slot = this.low - this.base; slot <= this.high - this.base; slot++) {
      const to = Math.floor((this.base + slot) / 2) - base;
      const fresh = to !== previous;
      previous = to;
      if (f[COUNT][slot] === 0) {
        if (fresh) for (const field of f) field[to] = 0;
        continue;
      }
      if (fresh || f[COUNT][to] === 0) {
        for (const field of f) field[to] = field[slot];
        continue;
      }
      // `to` holds the earlier bucket of the pair: its first, and its min and max on ties, stay.
      f[COUNT][to] += f[COUNT][slot];
      f[SUM_T][to] += f[SUM_T][slot];
      f[SUM_M][to] += f[SUM_M][slot];
      f[LAST_T][to] = f[LAST_T][slot];
      f[LAST_M][to] = f[LAST_M][slot];
      if (f[MIN_M][slot] < f[MIN_M][to]) {
        f[MIN_T][to] = f[MIN_T][slot];
        f[MIN_M][to] = f[MIN_M][slot];
      }
      if (f[MAX_M][slot] > f[MAX_M][to]) {
        f[MAX_T][to] = f[MAX_T][slot];
        f[MAX_M][to] = f[MAX_M][slot];
      }
    }
    const low = Math.floor(this.low / 2);
    const high = Math.floor(this.high / 2);
    for (const field of f) field.fill(0, high - base + 1);
    this.base = base;
    this.low = low;
    this.high = high;
    this.width *= 2;
  }

  private bucketPoints(): EnvelopePoints {
    const f = this.fields;
    const time: number[] = [];
    const memory: number[] = [];
    const means: BucketMeans = { time: [], memory: [], samples: [] };
    const candidates: Array<[number, number]> = [];
    for (let slot = this.low - this.base; slot <= this.high - this.base; slot++) {
      const count = f[COUNT][slot];
      if (count === 0) continue;
      means.time.push(this.origin + f[SUM_T][slot] / count);
      means.memory.push(f[SUM_M][slot] / count);
      means.samples.push(count);
      candidates.length = 0;
      candidates.push([f[FIRST_T][slot], f[FIRST_M][slot]], [f[MIN_T][slot], f[MIN_M][slot]], [f[MAX_T][slot], f[MAX_M][slot]], [f[LAST_T][slot], f[LAST_M][slot]]);
      // In time order; of equal times, first before the extremes before last (sort is stable).
      candidates.sort((a, b) => a[0] - b[0]);
      let previousTime = NaN;
      let previousMemory = NaN;
      for (const [t, m] of candidates) {
        if (t === previousTime && m === previousMemory) continue;
        time.push(t);
        memory.push(m);
        previousTime = t;
        previousMemory = m;
      }
    }
    return { time, memory, bucketSeconds: this.width, means };
  }
}

/**
 * Splits `total` points between series that could use `wanted[i]` each: a series that wants less than
 * an equal part of what is left gets all it wants, the others share the rest equally.
 */
export function sharePoints(wanted: readonly number[], total: number): number[] {
  const shares = new Array<number>(wanted.length).fill(0);
  const order = wanted.map((_, index) => index).sort((a, b) => wanted[a] - wanted[b]);
  let left = total;
  order.forEach((index, position) => {
    const share = Math.min(wanted[index], Math.floor(left / (order.length - position)));
    shares[index] = share;
    left -= share;
  });
  return shares;
}
