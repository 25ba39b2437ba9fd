// The closing summary of a run (ratios side by side, targets met or missed) and the same numbers as a
// Markdown block for docs/benchmarks.md.
import { bytes, duration, MIB, num, ratio } from './lib';
import type { BenchResults } from './run';

/** Issue 8's targets, as ratios. */
export const TARGETS = {
  /** A heap sample may cost at most this many times a bare v8.getHeapStatistics() read. */
  heapSamplePerRead: 1.5,
  /** Start-up with the hook on an unmarked project (warm cache), relative to plain node. */
  startupUnmarkedWarm: 1.1,
  /** Heap growth allowed between the 1,000th and the last call of the long-running loop. */
  longRunningGrowthBytes: 1 * MIB,
};

export interface Verdicts {
  heapSample: boolean;
  startup: boolean;
  invisibility: boolean;
  boundedMemory: boolean;
  /** The "Mem usage" memprof reports at a call's entry stays within 1 MiB of the true heap. */
  usageExact: boolean;
  /** A profiled loop that allocates nothing is reported as (at most 16 bytes of) nothing. */
  silentLoop: boolean;
}

export function verdicts(results: BenchResults): Verdicts {
  return {
    heapSample: results.heap.samplePerBareRead <= TARGETS.heapSamplePerRead,
    startup: results.startup.unmarkedWarm <= TARGETS.startupUnmarkedWarm,
    invisibility: results.invisibility.met,
    boundedMemory: results.ownMemory.growthBytes <= TARGETS.longRunningGrowthBytes,
    usageExact: Math.abs(results.ownMemory.finalEntryErrorBytes) <= MIB,
    silentLoop: Math.abs(results.invisibility.spinLaterMedianBytes) <= 16,
  };
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const mib = (value: number) => `${(value / MIB).toFixed(2)} MiB`;

interface Line {
  what: string;
  value: string;
  note?: string;
}

function lines(results: BenchResults): Line[] {
  const { heap, rss, python, workload, startup, ownMemory, invisibility } = results;
  const v = verdicts(results);
  const rows: Line[] = [
    {
      what: 'hot loop, heap: profiled / plain',
      value: ratio(heap.slowdown),
      note: `+${duration(heap.addedNsPerSample)} per sample, +${duration(heap.addedNsPerStatement)} per statement`,
    },
    {
      what: 'hot loop, rss: profiled / plain',
      value: ratio(rss.slowdown),
      note: `+${duration(rss.addedNsPerSample)} per sample, +${duration(rss.addedNsPerStatement)} per statement`,
    },
  ];
  if ('skipped' in python) {
    rows.push({ what: 'hot loop, Python memory_profiler: profiled / plain', value: 'skipped', note: python.skipped });
  } else {
    rows.push(
      {
        what: 'hot loop, Python memory_profiler: profiled / plain',
        value: ratio(python.slowdown),
        note: `+${duration(python.addedNsPerSample)} per line event, +${duration(python.addedNsPerStatement)} per statement`,
      },
      {
        what: 'added time per sample: memory_profiler / memprof heap',
        value: ratio(python.addedNsPerSample / heap.addedNsPerSample),
        note: `memprof rss: ${ratio(python.addedNsPerSample / rss.addedNsPerSample)}`,
      },
    );
  }
  rows.push(
    {
      what: 'heap sample cost / v8.getHeapStatistics() read',
      value: ratio(heap.samplePerBareRead),
      note: `target <= ${TARGETS.heapSamplePerRead}x: ${verdict(v.heapSample)} (read ${duration(heap.bareReadNs)}, sample ${duration(heap.addedNsPerSample)})`,
    },
    {
      what: "heap sample cost / memprof's heap read",
      value: ratio(heap.samplePerMemprofRead),
      note: `memprof's read ${duration(heap.memprofReadNs)}`,
    },
    {
      what: 'rss sample cost / process.memoryUsage.rss() read',
      value: ratio(rss.samplePerBareRead),
      note: `read ${duration(rss.bareReadNs)}`,
    },
    {
      what: 'workload (JSON + strings, a few MiB): profiled / plain',
      value: ratio(workload.slowdown),
      note: `${duration(workload.plainNs)} -> ${duration(workload.profiledNs)}`,
    },
    {
      what: `start-up, ${startup.modules} unmarked modules, warm cache: hook / plain`,
      value: ratio(startup.unmarkedWarm),
      note: `target <= ${TARGETS.startupUnmarkedWarm}x: ${verdict(v.startup)}`,
    },
    { what: `start-up, ${startup.modules} unmarked modules, cold cache: hook / plain`, value: ratio(startup.unmarkedCold) },
    { what: 'start-up, one marked file, warm cache: hook / plain', value: ratio(startup.markedWarm) },
    { what: 'start-up, one marked file, cold cache: hook / plain', value: ratio(startup.markedCold), note: 'Babel loads and compiles' },
    {
      what: `memprof's own heap, ${num(ownMemory.calls)} profiled calls`,
      value: bytes(ownMemory.growthBytes),
      note: `heap growth from call ${num(ownMemory.growthFromCall)} to the last; bounded (<= 1 MiB): ${verdict(v.boundedMemory)}`,
    },
    {
      what: `"Mem usage" at entry after ${num(ownMemory.calls)} calls: reported - true`,
      value: bytes(ownMemory.finalEntryErrorBytes),
      note: `within 1 MiB: ${verdict(v.usageExact)}`,
    },
    {
      what: 'new Array(1e6).fill(1): first call / optimised calls',
      value: `${mib(invisibility.coldBytes)} / ${invisibility.optimisedCalls > 0 ? mib(invisibility.optimisedMedianBytes) : 'none'}`,
      note:
        `plain ${mib(invisibility.referenceBytes)}; sampler invisible at 0.01 MiB: ${verdict(invisibility.metAtTablePrecision)}, ` +
        `to 16 B (medians): ${verdict(v.invisibility)}`,
    },
    {
      what: 'non-allocating profiled loop, later calls: net reported',
      value: bytes(invisibility.spinLaterMedianBytes),
      note:
        `median; max ${bytes(invisibility.spinLaterMaxBytes)}; unprofiled ${bytes(invisibility.spinReferenceLaterMedianBytes)}; ` +
        `reported as 0: ${verdict(v.silentLoop)}`,
    },
  );
  return rows;
}

export function summaryLines(results: BenchResults): string[] {
  const rows = lines(results);
  const width = Math.max(...rows.map((row) => row.what.length));
  const valueWidth = Math.max(...rows.map((row) => row.value.length));
  return [
    'ratios measured in this run',
    ...rows.map((row) => `  ${row.what.padEnd(width)}  ${row.value.padStart(valueWidth)}${row.note ? `  ${row.note}` : ''}`),
  ];
}

/** The results block of docs/benchmarks.md. */
export function resultsMarkdown(results: BenchResults): string {
  const { machine, startup, ownMemory, heap, rss, python, workload, invisibility } = results;
  const out: string[] = [];
  out.push(
    `Measured ${results.date.slice(0, 10)} with \`npm run bench\` (${results.mode} run, ${num(results.totalSeconds)} s) on:`,
    '',
    '| Machine | |',
    '|---|---|',
    `| CPU | ${machine.cpuModel} (model name in /proc/cpuinfo), ${machine.cpus} processors (nproc) |`,
    `| Memory | ${machine.memoryGiB} GiB |`,
    `| OS | ${machine.os} |`,
    `| Node | ${machine.node} (V8 ${machine.v8}) |`,
  );
  if (!('skipped' in python)) {
    out.push(`| Python | ${python.python} with memory_profiler ${python.memoryProfiler} (Debian python3-memory-profiler) |`);
  }
  out.push('', '### Ratios', '', '| Measure | Value | Notes |', '|---|---:|---|');
  for (const row of lines(results)) out.push(`| ${row.what} | ${row.value} | ${row.note ?? ''} |`);

  out.push(
    '',
    '### Hot loop and read costs',
    '',
    '| | iterations | plain / call | profiled / call | first call | added / sample | added / statement | read (public API) | read (memprof) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const loop of [heap, rss]) {
    out.push(
      `| memprof, ${loop.metric} | ${num(loop.iterations)} | ${duration(loop.plainNs)} | ${duration(loop.profiledNs)} | ` +
        `${duration(loop.firstProfiledNs)} | ${duration(loop.addedNsPerSample)} | ${duration(loop.addedNsPerStatement)} | ` +
        `${duration(loop.bareReadNs)} | ${duration(loop.memprofReadNs)} |`,
    );
  }
  if (!('skipped' in python)) {
    out.push(
      `| memory_profiler (RSS) | ${num(python.iterations)} | ${duration(python.plainNs)} | ${duration(python.profiledNs)} | | ` +
        `${duration(python.addedNsPerSample)} | ${duration(python.addedNsPerStatement)} | | |`,
    );
  }
  out.push(
    '',
    `Workload: ${bytes(workload.documentBytes)} of JSON, ${num(workload.records)} records, ${num(workload.readsPerCall)} samples per call: ` +
      `plain ${duration(workload.plainNs)}, profiled ${duration(workload.profiledNs)}.`,
    '',
    `### Start-up (${startup.modules} modules, median of ${startup.runs} runs, wall time spawn to exit)`,
    '',
    '| Configuration | Median |',
    '|---|---:|',
  );
  for (const [name, ms] of Object.entries(startup.medianMs)) out.push(`| ${name} | ${duration(ms * 1e6)} |`);
  out.push(
    '',
    `\`require('memprof/register')\` alone, timed inside the process: ${duration(startup.registerLoadMs * 1e6)}.`,
    '',
    `### memprof's own memory (${num(ownMemory.calls)} calls of a profiled handler, tables discarded)`,
    '',
    `Time per call: plain ${duration(ownMemory.plainNsPerCall)}, profiled ${duration(ownMemory.profiledNsPerCall)}.`,
    '',
    '| Calls | Heap after full GC | Above the unprofiled loop | True heap at entry | "Mem usage" reported at entry |',
    '|---:|---:|---:|---:|---:|',
  );
  for (const sample of ownMemory.samples) {
    out.push(
      `| ${num(sample.calls)} | ${bytes(sample.heapBytes)} | ${bytes(sample.heapAboveBaselineBytes)} | ` +
        `${bytes(sample.trueHeapAtEntryBytes)} | ${bytes(sample.reportedEntryBytes)} |`,
    );
  }
  out.push(
    '',
    `### Sampler invisibility (${invisibility.calls} calls, full GC before each)`,
    '',
    '| `new Array(1e6).fill(1)` | Bytes | MiB |',
    '|---|---:|---:|',
    `| without the sampler (plain function, median) | ${num(invisibility.referenceBytes)} | ${mib(invisibility.referenceBytes)} |`,
    `| profiled, first call (${invisibility.coldTier}) | ${num(invisibility.coldBytes)} | ${mib(invisibility.coldBytes)} |`,
    `| profiled, calls ending in TurboFan code (median of ${invisibility.optimisedCalls}; ${invisibility.optimisedExact} within 16 B) | ` +
      `${num(invisibility.optimisedMedianBytes)} | ${mib(invisibility.optimisedMedianBytes)} |`,
    '',
    `A profiled loop that allocates nothing (200,000 iterations, 800,000 samples): first call ${bytes(invisibility.spinColdBytes)}, ` +
      `later calls median ${bytes(invisibility.spinLaterMedianBytes)} (max ${bytes(invisibility.spinLaterMaxBytes)}, ` +
      `exactly 0 in ${invisibility.spinLaterZero} of ${invisibility.rows.length - 2}); the same loop unprofiled: ` +
      `${bytes(invisibility.spinReferenceLaterMedianBytes)}.`,
  );
  return out.join('\n');
}
