'use strict';
// A realistic workload, profiled (`profiledReport`, marked) and not (`plainReport`, the same body):
// parse a JSON document of a few MiB, aggregate it, build a CSV string line by line and serialise a
// summary. Run by bench/run.ts as:  node --expose-gc -r <memprof>/register workload.js <records> <rounds>
// with MEMPROF_OUTPUT=/dev/null. Prints one line `BENCH <json>`: the CPU time of each call, by round.
// A third variant runs the plain body under V8's sampling heap profiler as `memprof run
// --heap-sampling` runs it (the default interval, objects collected later kept).

function makeDocument(records) {
  const items = [];
  for (let i = 0; i < records; i++) {
    items.push({
      id: i,
      name: `item-${i.toString(36)}`,
      tags: ['alpha', 'beta', 'gamma'].slice(0, 1 + (i % 3)),
      price: Math.round(((i * 7919) % 10000) * 1.5) / 100,
      stock: (i * 31) % 97,
      vendor: { id: i % 50, country: ['FR', 'DE', 'US', 'JP'][i % 4] },
    });
  }
  return JSON.stringify({ generated: '2024-01-01T00:00:00Z', items });
}

/** @profile */
function profiledReport(text) {
  const document = JSON.parse(text);
  const byCountry = new Map();
  let csv = 'id,name,price,stock,country\n';
  for (const item of document.items) {
    const country = item.vendor.country;
    byCountry.set(country, (byCountry.get(country) ?? 0) + item.price * item.stock);
    csv += `${item.id},${item.name},${item.price.toFixed(2)},${item.stock},${country}\n`;
  }
  const summary = JSON.stringify({ lines: csv.length, totals: Object.fromEntries(byCountry), document });
  return summary.length + csv.length;
}

function plainReport(text) {
  const document = JSON.parse(text);
  const byCountry = new Map();
  let csv = 'id,name,price,stock,country\n';
  for (const item of document.items) {
    const country = item.vendor.country;
    byCountry.set(country, (byCountry.get(country) ?? 0) + item.price * item.stock);
    csv += `${item.id},${item.name},${item.price.toFixed(2)},${item.stock},${country}\n`;
  }
  const summary = JSON.stringify({ lines: csv.length, totals: Object.fromEntries(byCountry), document });
  return summary.length + csv.length;
}

const { join } = require('node:path');
const { Session } = require('node:inspector');
const { cpuTimeNs, interleave } = require(join(__dirname, '..', '..', 'dist', 'bench', 'rounds.js'));
const { DEFAULT_SAMPLING_INTERVAL } = require(join(__dirname, '..', '..', 'dist', 'src', 'heap-sampling', 'profile-format.js'));

const records = Number(process.argv[2] ?? 30000);
const rounds = Number(process.argv[3] ?? 7);
const text = makeDocument(records);
if (profiledReport(text) !== plainReport(text)) throw new Error('profiled and plain disagree');

let sink = 0;
// Each call starts on a collected heap (gc() before it, untimed): otherwise a call pays, at random, for
// collecting the few MiB of garbage the one before it left, which swings a call's time by half.
const timed = (report) => () => {
  gc();
  return cpuTimeNs(() => void (sink += report(text)));
};
// The sampler is started before the timed call and stopped after it (both untimed), so that the other
// variants run without it.
const session = new Session();
session.connect();
const post = (method, params) =>
  session.post(method, params, (error) => {
    if (error) throw error;
  });
post('HeapProfiler.enable');
const heapSampled = (report) => () => {
  gc();
  post('HeapProfiler.startSampling', {
    samplingInterval: DEFAULT_SAMPLING_INTERVAL,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const ns = cpuTimeNs(() => void (sink += report(text)));
  post('HeapProfiler.stopSampling');
  return ns;
};
const variants = { plain: timed(plainReport), profiled: timed(profiledReport), heapSampled: heapSampled(plainReport) };
interleave(3, variants); // untimed: V8 optimises both functions in the background meanwhile
const samples = interleave(rounds, variants);
if (sink < 0) console.log(sink);
console.log(
  `BENCH ${JSON.stringify({
    records,
    documentBytes: text.length,
    // entry, 4 statements up to the loop, 4 per record (3 statements, then the loop's line at the end
    // of the body, before the next step), 2 after the loop, exit.
    readsPerCall: 4 * records + 8,
    rounds: samples,
  })}`,
);
