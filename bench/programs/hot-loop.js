'use strict';
// The hot loop of the benchmark: 3 simple statements per iteration, profiled (`profiled`, marked) and
// not (`plain`, the same body). Run by bench/run.ts as a user would run it:
//   node -r <memprof>/register hot-loop.js <metric> <iterations> <repetitions>
// with MEMPROF_OUTPUT=/dev/null so the tables are formatted and written, then discarded. Prints one
// line `BENCH <json>`: times per call, and the cost of a bare memory read timed in this same process.
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

const metric = process.argv[2] ?? 'heap';
const iterations = Number(process.argv[3] ?? 1e6);
const repetitions = Number(process.argv[4] ?? 5);

const { elapsedNs, median } = require('./timing');

/** ns per call of `read`, timed over `count` calls in a loop, median of `repetitions` loops. */
function readCost(read, count) {
  const times = [];
  let sink = 0;
  for (let r = 0; r < repetitions + 1; r++) {
    const ns = elapsedNs(() => {
      for (let i = 0; i < count; i++) sink += read() > 0 ? 1 : 0;
    });
    if (r > 0) times.push(ns / count); // the first loop warms the reader up
  }
  if (sink < 0) console.log(sink);
  return median(times);
}

if (profiled(100) !== plain(100)) throw new Error('profiled and plain disagree');

// The first profiled call runs interpreted code (then on-stack replacement): timed on its own.
const firstProfiledNs = elapsedNs(() => profiled(iterations));
const plainNs = [];
const profiledNs = [];
for (let r = 0; r < repetitions; r++) {
  // The plain loop takes about a millisecond: time several calls per repetition.
  for (let k = 0; k < 9; k++) plainNs.push(elapsedNs(() => plain(iterations)));
  profiledNs.push(elapsedNs(() => profiled(iterations)));
}

const reads = metric === 'rss' ? Math.max(1000, iterations) : 1e6;
const result = {
  metric,
  iterations,
  statementsPerCall: 3 * iterations,
  // begin + at() before the 2 statements ahead of the loop + 4 per iteration (3 statements and the
  // loop header's next test) + at() before `return` + the exit sample.
  readsPerCall: 4 * iterations + 5,
  plainNs: median(plainNs),
  profiledNs: median(profiledNs),
  firstProfiledNs,
  memprofReadNs: readCost(METRICS[metric].read, reads),
};
if (metric === 'heap') result.getHeapStatisticsNs = readCost(() => v8.getHeapStatistics().used_heap_size, reads);
if (metric === 'rss') result.memoryUsageRssNs = readCost(() => process.memoryUsage.rss(), reads);
console.log(`BENCH ${JSON.stringify(result)}`);
