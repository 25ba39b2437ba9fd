'use strict';
// memprof's own memory in a long-running process: a server-like loop calls a profiled handler
// `calls` times; the tables go to a stream that discards them (it keeps only the checkpoint tables).
// At checkpoints the process collects garbage and records the heap, and the "Mem usage" memprof
// reported at the entry of that call. Then it times the handler, profiled against plain, in
// interleaved rounds of `chunk` calls each (CPU time). Run by bench/run.ts as:
//   node --expose-gc -r <memprof>/register long-running.js <calls> <rounds> <chunk>
// Prints one line `BENCH <json>`.
const v8 = require('node:v8');
const { join } = require('node:path');
const { cpuTimeNs, interleave } = require(join(__dirname, '..', '..', 'dist', 'bench', 'rounds.js'));

let keepNext = false;
let kept = '';
let tablesWritten = 0;
const discard = {
  write(text) {
    tablesWritten++;
    if (keepNext) kept = text;
  },
};

const handle = profile(
  function handle(request) {
    const body = JSON.parse(request);
    const reply = { id: body.id, doubled: body.items.map((item) => item * 2) };
    return JSON.stringify(reply).length;
  },
  { stream: discard, precision: 3 },
);

function plainHandle(request) {
  const body = JSON.parse(request);
  const reply = { id: body.id, doubled: body.items.map((item) => item * 2) };
  return JSON.stringify(reply).length;
}

/** V8 heap used + external, like memprof's `heap` metric, without memprof's correction. */
function heapNow() {
  const stats = v8.getHeapStatistics();
  return stats.used_heap_size + stats.external_memory;
}

function settledHeap() {
  gc();
  gc();
  return heapNow();
}

const MIB = 2 ** 20;
/** The first row's "Mem usage" (the call's entry) of a table, in bytes. */
function entryUsage(table) {
  const row = table.split('\n').find((line) => /^\s*\d+\s+-?[\d.]+ MiB/.test(line));
  return row ? Math.round(Number(/(-?[\d.]+) MiB/.exec(row)[1]) * MIB) : NaN;
}

const calls = Number(process.argv[2] ?? 100000);
const rounds = Number(process.argv[3] ?? 7);
const chunk = Number(process.argv[4] ?? 2000);
const request = JSON.stringify({ id: 7, items: Array.from({ length: 32 }, (_, i) => i) });
const checkpoints = [1, 10, 100, 1000, 10000, 25000, 50000, 100000, 200000].filter((n) => n <= calls);
if (!checkpoints.includes(calls)) checkpoints.push(calls);

// The same loop unprofiled, for the baseline heap.
let sink = 0;
for (let i = 0; i < calls; i++) sink += plainHandle(request);
const baselineHeap = settledHeap();

const samples = [];
let done = 0;
for (const checkpoint of checkpoints) {
  for (; done < checkpoint - 1; done++) sink += handle(request);
  // The checkpoint call itself: its table is kept, and the true heap at its entry recorded.
  const trueHeapBefore = settledHeap();
  keepNext = true;
  sink += handle(request);
  keepNext = false;
  done++;
  const heapAfter = settledHeap();
  samples.push({
    calls: done,
    heapBytes: heapAfter,
    heapAboveBaselineBytes: heapAfter - baselineHeap,
    trueHeapAtEntryBytes: trueHeapBefore,
    reportedEntryBytes: entryUsage(kept),
  });
}
const tablesWrittenByTheLoop = tablesWritten;

// Time per call, after the memory checkpoints so that timing does not change what they saw.
const perCall = (handler) => () =>
  cpuTimeNs(() => {
    for (let i = 0; i < chunk; i++) sink += handler(request);
  }) / chunk;
const variants = { plain: perCall(plainHandle), profiled: perCall(handle) };
// Untimed: the first chunks after the checkpoints' full collections run up to twice as slow.
interleave(3, variants);
const timing = interleave(rounds, variants);
if (sink < 0) console.log(sink);
console.log(
  `BENCH ${JSON.stringify({ calls, tablesWritten: tablesWrittenByTheLoop, baselineHeap, samples, chunk, rounds: timing })}`,
);
