// A synthetic recording of any size, for the big-recording benchmark: what `memprof run -M -C -T 0.01`
// writes for a primary with two workers serving requests for hours (a MEM line and two CHLD lines per
// sample, CHLDFUNC lines for each request's calls), with one single-sample spike per worker that a
// plot which drops samples would lose. The generator keeps the exact peaks it wrote, so that the
// benchmark can check `memprof peak` and the plot's peak label against the truth without parsing the
// file a second way.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface GeneratedRecording {
  path: string;
  bytes: number;
  /** Samples per series (MEM, and each CHLD pid). */
  samples: number;
  lines: number;
  calls: number;
  /** The highest MEM value written (MiB, as a reader parses it), and each worker's. */
  peakMiB: number;
  childPeaks: Array<{ pid: number; peakMiB: number }>;
}

const START = 1_732_530_150;
const INTERVAL = 0.01;
const PAGES_PER_MIB = 256;
const WORKERS = [24652, 24653];
/** Samples per request cycle of a worker (about 2 s at 0.01 s). */
const CYCLE = 200;
/** Bytes per sample: a MEM line, two CHLD lines, and the CHLDFUNC lines of one request in 100 samples. */
const BYTES_PER_SAMPLE = 106;
/** Where each worker's memory jumps for one sample only, as a fraction of the file. */
const SPIKES = [0.37, 0.71];

/** A small deterministic generator (the same file every run): 32-bit xorshift. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

/** Memory in pages, written as MiB with mprof's 6 decimals: an exact decimal, read back exactly. */
const mibText = (pages: number): string => (pages / PAGES_PER_MIB).toFixed(6);

/** Writes a recording of about `targetBytes` bytes at `path`. */
export function generateRecording(path: string, targetBytes: number): GeneratedRecording {
  const random = randomSource(20241125);
  const fd = openSync(path, 'w');
  let bytes = 0;
  let lines = 0;
  let calls = 0;
  let chunk = '';
  const flush = () => {
    bytes += writeSync(fd, chunk);
    chunk = '';
  };
  const line = (text: string) => {
    chunk += `${text}\n`;
    lines++;
    if (chunk.length >= 1 << 20) flush();
  };
  const primaryPages = 30 * PAGES_PER_MIB;
  const expectedSamples = Math.max(10, Math.floor(targetBytes / BYTES_PER_SAMPLE));
  const workers = WORKERS.map((pid, index) => ({
    pid,
    base: 40 * PAGES_PER_MIB,
    pages: 40 * PAGES_PER_MIB,
    offset: index * (CYCLE / 2),
    spikeAt: Math.floor(expectedSamples * SPIKES[index]),
    entry: { time: 0, pages: 0 },
    peak: 0,
  }));
  let peakPages = 0;
  let samples = 0;
  try {
    line(`CMDLINE node cluster.js 2 ${Math.round(targetBytes / 2 ** 20)}`);
    for (let index = 0; bytes + chunk.length < targetBytes; index++) {
      const time = (START + index * INTERVAL).toFixed(4);
      let total = primaryPages + (random() < 0.5 ? 0 : 1);
      const childLines: string[] = [];
      for (const worker of workers) {
        const phase = (index + worker.offset) % CYCLE;
        // A request: memory climbs for the first 60% of the cycle, then is given back.
        if (phase === 0) worker.entry = { time: START + index * INTERVAL, pages: worker.pages };
        if (phase < CYCLE * 0.6) worker.pages += Math.floor(random() * 40);
        else worker.pages = Math.max(worker.base, worker.pages - Math.floor(random() * 80));
        if (phase === CYCLE - 1) {
          const exit = START + index * INTERVAL;
          const entry = worker.entry;
          line(`CHLDFUNC ${worker.pid} test1 ${(entry.pages / PAGES_PER_MIB).toFixed(4)} ${entry.time.toFixed(4)} ${(worker.pages / PAGES_PER_MIB).toFixed(4)} ${exit.toFixed(4)} 0`);
          line(`CHLDFUNC ${worker.pid} delay ${(entry.pages / PAGES_PER_MIB).toFixed(4)} ${(entry.time + 0.5).toFixed(4)} ${(worker.pages / PAGES_PER_MIB).toFixed(4)} ${(exit - 0.2).toFixed(4)} 1`);
          calls += 2;
          worker.pages = worker.base + Math.floor(random() * 256);
        }
        // One sample far above its neighbours: kept only by a plot that keeps each column's maximum.
        const spike = index === worker.spikeAt ? (300 + 50 * worker.offset / CYCLE) * PAGES_PER_MIB + 7 : 0;
        const pages = worker.pages + spike;
        worker.peak = Math.max(worker.peak, pages);
        total += pages;
        childLines.push(`CHLD ${worker.pid} ${mibText(pages)} ${time}`);
      }
      peakPages = Math.max(peakPages, total);
      line(`MEM ${mibText(total)} ${time}`);
      for (const text of childLines) line(text);
      samples++;
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return {
    path,
    bytes,
    samples,
    lines,
    calls,
    peakMiB: Number(mibText(peakPages)),
    childPeaks: workers.map((worker) => ({ pid: worker.pid, peakMiB: Number(mibText(worker.peak)) })),
  };
}
