'use strict';
// The hot loop of the benchmark: 3 simple statements per iteration, profiled (`profiled`, marked) and
// not (`plain`, the same body). Run by bench/run.ts as a user would run it:
//   node -r <memprof>/register hot-loop.js <metric> <iterations> <rounds>
// with MEMPROF_OUTPUT=/dev/null so the tables are formatted and written, then discarded. Prints one
// line `BENCH <json>`: for each round, the CPU time of a call of each loop and of one bare memory read
// (memprof's and the public API's), all measured in this same process, the four interleaved.
const v8 = require('node:v8');
const { join } = require('node:path');

/** @profile */
function profiled(n) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = i & 7;
    total += x;
    total ^= 1;
  }
  return total;
}

function plain(n) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = i & 7;
    total += x;
    total ^= 1;
  }
  return total;
}

const { METRICS } = require(join(__dirname, '..', '..', 'dist', 'src', 'runtime', 'metrics.js'));
const { cpuTimeNs, interleave } = require(join(__dirname, '..', '..', 'dist', 'bench', 'rounds.js'));

const metric = process.argv[2] ?? 'heap';
const iterations = Number(process.argv[3] ?? 1e6);
const rounds = Number(process.argv[4] ?? 5);

// Results flow into `sink`, so that V8 cannot drop a loop whose result is unused.
let sink = 0;

/** CPU ns per call of `read`, over `count` calls in a loop. */
function readCost(read, count) {
  return (
    cpuTimeNs(() => {
      for (let i = 0; i < count; i++) sink += read() > 0 ? 1 : 0;
    }) / count
  );
}

const reads = metric === 'rss' ? Math.max(1000, iterations) : 1e6;
const publicRead = metric === 'rss' ? () => process.memoryUsage.rss() : () => v8.getHeapStatistics().used_heap_size;
// The plain loop is a thousand times (or more) faster than the profiled one: one measurement of it
// times as many calls as last about as long as one profiled call (set after the warm-up round), so
// that both see the same share of a busy neighbour on a shared core; a few milliseconds would not.
let plainCalls = 9;
const variants = {
  plain: () =>
    cpuTimeNs(() => {
      for (let k = 0; k < plainCalls; k++) sink += plain(iterations);
    }) / plainCalls,
  profiled: () => cpuTimeNs(() => void (sink += profiled(iterations))),
  memprofRead: () => readCost(METRICS[metric].read, reads),
  publicRead: () => readCost(publicRead, reads),
};

if (profiled(100) !== plain(100)) throw new Error('profiled and plain disagree');

// The first profiled call runs interpreted code (then on-stack replacement): timed on its own.
const firstProfiledNs = cpuTimeNs(() => void (sink += profiled(iterations)));
// One untimed round warms up the other variants (the readers, the plain loop's optimised code).
const warm = interleave(1, variants);
plainCalls = Math.max(plainCalls, Math.round(warm.profiled[0] / warm.plain[0]));
const samples = interleave(rounds, variants);
if (sink < 0) console.log(sink);

console.log(
  `BENCH ${JSON.stringify({
    metric,
    iterations,
    statementsPerCall: 3 * iterations,
    // Memory reads: begin + at() before the loop + 2 per iteration (`total += x` and the loop header's
    // next test) + at() before `return` + the exit sample. `let total = 0`, `const x = i & 7` and
    // `total ^= 1` cannot allocate: they are counted (tick) without a read.
    readsPerCall: 2 * iterations + 4,
    firstProfiledNs,
    plainCalls,
    rounds: samples,
  })}`,
);
