'use strict';
// Is the sampler invisible in the results? `new Array(1e6).fill(1)` in a profiled function must be
// reported as the bytes V8 really allocated for it, in the first (cold, interpreted) call and in later
// calls running optimised code; a profiled loop that allocates nothing must be reported as 0 bytes.
// "Really allocated" is measured without memprof's sampler: the same statement in a plain function,
// between two reads of the same allocation-free counters memprof uses. Run by bench/run.ts as:
//   node --expose-gc --allow-natives-syntax -r <memprof>/register invisibility.js <calls>
// The process collects garbage before each call, so that no collection runs inside one.
// Prints one line `BENCH <json>`.
const { join } = require('node:path');
const { METRICS } = require(join(__dirname, '..', '..', 'dist', 'src', 'runtime', 'metrics.js'));

// Tables go to this sink; the benchmark reads the last one of each function (6 decimals ~ bytes).
// Every call prints its own (maxTables: Infinity): by default the 21st and later calls are summed
// into a table at exit, and the sink would still hold the 20th call's.
const last = { allocate: '', spin: '' };
const sink = (name) => ({ write: (text) => void (last[name] = text) });

// The loop makes V8 optimise the function (on-stack replacement, then TurboFan), so that in later
// calls the allocation runs in optimised code; the first call (rounds = 0) runs it interpreted.
const allocate = profile(
  function allocate(rounds) {
    let spare = 0;
    for (let i = 0; i < rounds; i++) spare ^= i;
    const a = new Array(1e6).fill(1);
    return a.length + spare;
  },
  { precision: 6, stream: sink('allocate'), maxTables: Infinity },
);

const spin = profile(
  function spin(n) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += i & 7;
      total ^= 1;
    }
    return total;
  },
  { precision: 6, stream: sink('spin'), maxTables: Infinity },
);

function plainAllocate(rounds) {
  let spare = 0;
  for (let i = 0; i < rounds; i++) spare ^= i;
  const before = METRICS.heap.read();
  const a = new Array(1e6).fill(1);
  const after = METRICS.heap.read();
  return a.length + spare > 0 ? after - before : 0;
}

function plainSpin(n) {
  const before = METRICS.heap.read();
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += i & 7;
    total ^= 1;
  }
  const after = METRICS.heap.read();
  return total >= 0 ? after - before : 0;
}

const MIB = 2 ** 20;
/** Bytes in the Increment column of the row whose source contains `snippet`. */
function incrementBytes(table, snippet) {
  const row = table.split('\n').find((line) => line.includes(snippet));
  const match = row && /MiB\s+(-?[\d.]+) MiB/.exec(row);
  if (!match) throw new Error(`no row for ${snippet} in the last table:\n${table}`);
  return Math.round(Number(match[1]) * MIB);
}

function netBytes(table) {
  const match = /net ([+-]?[\d.]+) MiB/.exec(table);
  return match ? Math.round(Number(match[1]) * MIB) : NaN;
}

// V8's %GetOptimizationStatus bits (src/runtime/runtime-test.cc).
const statusOf = new Function('f', 'return %GetOptimizationStatus(f)');
function tier(f) {
  const status = statusOf(f);
  if (status & 64) return 'turbofan';
  if (status & 32) return 'maglev';
  if (status & (1 << 15)) return 'baseline';
  return 'interpreted';
}

const calls = Number(process.argv[2] ?? 30);
const rounds = 50000;
const rows = [];
for (let call = 1; call <= calls; call++) {
  const n = call === 1 ? 0 : rounds;
  gc();
  const referenceBytes = plainAllocate(n);
  gc();
  const spinReferenceBytes = plainSpin(200000);
  gc();
  const tierBefore = tier(allocate);
  allocate(n);
  const tierAfter = tier(allocate);
  gc();
  spin(200000);
  rows.push({
    call,
    tierBefore,
    tierAfter,
    allocateBytes: incrementBytes(last.allocate, 'new Array(1e6)'),
    referenceBytes,
    spinNetBytes: netBytes(last.spin),
    spinReferenceBytes,
    spinTier: tier(spin),
  });
}
console.log(`BENCH ${JSON.stringify({ calls, rows })}`);
