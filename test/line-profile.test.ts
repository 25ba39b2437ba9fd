// End-to-end: programs from fixtures/ run under `node -r memprof/register` as a user would run them,
// and the tables they print are checked against what the code really allocates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, parseTables, rowContaining, runNode, type ParsedTable } from './helpers';

const BIG_ARRAY_MIB = (2e7 * 8) / 2 ** 20; // 152.6 MiB: 20M small integers, 8 bytes each
const SMALL_ARRAY_MIB = (1e6 * 8) / 2 ** 20; // 7.6 MiB

function assertNear(actual: number | undefined, expected: number, margin: number, what: string): void {
  assert.ok(actual !== undefined, `${what}: no value`);
  assert.ok(Math.abs(actual - expected) <= margin, `${what}: expected ${expected} ± ${margin}, got ${actual}`);
}

/** The seed example's table, whatever way of use printed it. */
function assertSeedTable(table: ParsedTable, bigLine: string, smallLine: string): void {
  assert.match(table.metric, /^heap \(V8 heap used \+ external memory\)/);
  assertNear(rowContaining(table, bigLine).incrementMiB, BIG_ARRAY_MIB, 1.5, 'big array line');
  assertNear(rowContaining(table, smallLine).incrementMiB, SMALL_ARRAY_MIB, 0.6, 'small array line');
  assert.equal(rowContaining(table, bigLine).occurrences, 1);
  // Increments add up to the call's net change (memory_profiler's column does not).
  const sum = table.rows.reduce((total, row) => total + (row.incrementMiB ?? 0), 0);
  const net = Number(/net \+?(-?[\d.]+) MiB/.exec(table.footer)?.[1]);
  assertNear(sum, net, 0.1 * table.rows.length, 'sum of increments vs net');
}

test('seed example with the global profile and a comment marker (JavaScript)', () => {
  const run = runNode(join(FIXTURES, 'seed/example.js'));
  assert.equal(run.status, 0, run.stderr);
  const [table] = parseTables(run.stdout);
  assert.equal(table.filename, join(FIXTURES, 'seed/example.js'));
  assertSeedTable(table, 'new Array(2e7)', 'new Array(1e6)');
  // One row per source line from the marker to the closing brace; unexecuted lines are blank.
  assert.deepEqual(table.rows.map((row) => row.line), [4, 5, 6, 7, 8, 9, 10]);
  assert.equal(rowContaining(table, 'function myFunc').usageMiB, undefined);
  assert.equal(table.rows[0].contents, '/** @profile */');
  assert.equal(table.rows[0].occurrences, 1);
});

test('seed example with profile imported by require (CommonJS)', () => {
  const run = runNode(join(FIXTURES, 'seed/example-import.cjs'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /length 1000000/);
  const tables = parseTables(run.stdout);
  assert.equal(tables.length, 1);
  assertSeedTable(tables[0], 'new Array(2e7)', 'new Array(1e6)');
});

test('seed example in TypeScript keeps original line numbers after multi-line types', () => {
  const run = runNode(join(FIXTURES, 'seed/example.ts'));
  assert.equal(run.status, 0, run.stderr);
  const [table] = parseTables(run.stdout);
  assertSeedTable(table, 'filled(2e7, 2)', 'filled(1e6, 1)');
  assert.equal(rowContaining(table, 'filled(2e7, 2)').line, 20);
  assert.equal(table.rows[0].line, 18);
  assert.equal(table.rows.at(-1)?.contents, '});');
});

for (const flavour of ['standard', 'legacy'] as const) {
  test(`@profile on TypeScript class methods (${flavour} decorators)`, () => {
    const file = join(FIXTURES, flavour === 'legacy' ? 'seed/legacy-decorators/class-method.ts' : 'seed/class-method.ts');
    const run = runNode(file);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^1000000$/m);
    assert.match(run.stdout, /^xxx$/m);
    const [build, later] = parseTables(run.stdout);
    assert.match(build.footer, /^Builder\.build: /);
    assert.equal(build.rows[0].contents, '@profile');
    assertNear(rowContaining(build, 'count * 20').incrementMiB, BIG_ARRAY_MIB, 1.5, 'method big line');
    // The async static method prints when its promise settles, with the marker's precision.
    assert.match(later.footer, /^Builder\.later: allocated [\d.]+ MiB, freed by GC [\d.]+ MiB, net -?[\d.]+ MiB/);
    assert.match(String(rowContaining(later, "'x'.repeat").usageMiB), /^\d+\.\d{1,3}$/);
    assert.match(run.stdout, /\d+\.\d{3} MiB/);
  });
}

test('without the hook, an imported profile measures whole calls and says once how to get lines', () => {
  const run = runNode(join(FIXTURES, 'seed/example-import.cjs'), { hook: false });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /whole call only/);
  const increment = Number(/Increment\s+(-?[\d.]+) MiB/.exec(run.stdout)?.[1]);
  assertNear(increment, BIG_ARRAY_MIB + SMALL_ARRAY_MIB, 3, 'whole-call increment');
  assert.equal(run.stderr.match(/memprof: measuring whole calls only/g)?.length, 1);
  assert.match(run.stderr, /-r memprof\/register/);
});

test('the sampler allocates nothing of its own, in the first (interpreted) call as in later ones', () => {
  const run = runNode(join(FIXTURES, 'line-profile/hot-loop.js'));
  assert.equal(run.status, 0, run.stderr);
  const tables = parseTables(run.stdout);
  assert.equal(tables.length, 3);
  for (const [index, table] of tables.entries()) {
    const loopLine = rowContaining(table, 'total += i & 7');
    assert.equal(loopLine.occurrences, 200000);
    assert.equal(rowContaining(table, 'for (let i').occurrences, 200001);
    // 600,000 samples: a 16-byte allocation each would show as 9 MiB, 2 bytes each as 1.1 MiB. What
    // may show is V8 compiling the function as it warms up (code objects live on the heap): a few
    // hundred KiB, in the first call or, on a loaded machine, a later one.
    const net = Number(/net \+?(-?[\d.]+) MiB/.exec(table.footer)?.[1]);
    assert.ok(Math.abs(net) <= 1, `call ${index + 1}: net ${net} MiB for a loop that allocates nothing`);
  }
});

test('a call that allocates nothing reports a net of exactly 0 once optimised: memprof adds nothing per call', () => {
  const run = runNode(join(FIXTURES, 'line-profile/per-call-cost.js'), {
    nodeArgs: ['--expose-gc'],
    tablesToFile: true,
    env: { MEMPROF_FORMAT: 'json', MEMPROF_MAX_TABLES: 'all' },
  });
  assert.equal(run.status, 0, run.stderr);
  const nets = run.tables.trim().split('\n').map((line) => (JSON.parse(line) as { netBytes: number }).netBytes);
  assert.equal(nets.length, 40);
  // The first calls carry V8 compiling the function (tens to hundreds of KiB); from the 11th on, an
  // idle machine shows 0 in every call, a loaded one now and then a code object. A fixed allocation
  // of memprof's would be the same few hundred bytes in every call (152 B was: a stack of running
  // calls emptied to length 0 gives back its backing store, and the next push makes a new one).
  const later = nets.slice(10);
  const zeros = later.filter((net) => net === 0).length;
  assert.ok(zeros >= later.length / 2, `nets of calls 11-40: ${later.join(' ')}`);
});

test("a caller's line is charged its profiled callee's allocation and none of memprof's bookkeeping", () => {
  const run = runNode(join(FIXTURES, 'line-profile/nested.js'));
  assert.equal(run.status, 0, run.stderr);
  const [inner, outer] = parseTables(run.stdout);
  assertNear(rowContaining(inner, 'Buffer.alloc').incrementMiB, 32, 0.1, 'callee allocation');
  // The callee's first call also compiles it (V8 bytecode for the user's function): tens of KiB.
  assertNear(rowContaining(outer, 'inner()').incrementMiB, 32, 0.25, 'caller line');
  assertNear(rowContaining(outer, 'return size').incrementMiB, 0, 0.05, 'line after the call');
});

test('concurrent calls of a profiled async function do not charge each other', () => {
  const run = runNode(join(FIXTURES, 'line-profile/concurrent.js'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^a,b$/m);
  const [a, b] = parseTables(run.stdout);
  // Call a is suspended at its await while b allocates 60 MiB: a's table must not show it.
  assertNear(rowContaining(a, 'await sleep').incrementMiB, 0, 0.5, 'a: await line');
  assertNear(rowContaining(a, 'const second').incrementMiB, 20, 0.5, 'a: its own allocation');
  assertNear(rowContaining(b, 'const first').incrementMiB, 60, 0.5, 'b: its own allocation');
  assertNear(rowContaining(b, 'await sleep').incrementMiB, 0, 0.5, 'b: await line');
  assertNear(rowContaining(b, 'const second').incrementMiB, 0, 0.5, "b: not a's 20 MiB");
});

test('a call that throws prints its table and rethrows the same error', () => {
  const run = runNode(join(FIXTURES, 'line-profile/throws.js'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^true too big: 1000000 true$/m);
  const [table] = parseTables(run.stdout);
  assert.match(table.footer, /ended by an exception/);
  assert.equal(rowContaining(table, 'throw new RangeError').occurrences, 1);
  assert.equal(rowContaining(table, 'return data').occurrences, undefined);
});

test('a generator prints its table once, when it finishes', () => {
  const run = runNode(join(FIXTURES, 'line-profile/generator.js'));
  assert.equal(run.status, 0, run.stderr);
  const tables = parseTables(run.stdout);
  assert.equal(tables.length, 1);
  assert.ok(run.stdout.indexOf('Filename:') > run.stdout.lastIndexOf('before end of generator'));
  assert.equal(rowContaining(tables[0], 'yield chunk.length').occurrences, 3);
  assertNear(rowContaining(tables[0], 'new Array(1e5)').incrementMiB, (3 * 1e5 * 8) / 2 ** 20, 0.3, 'chunks');
});

test('marker options: precision, metric and stream', () => {
  const run = runNode(join(FIXTURES, 'line-profile/options.js'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^collected tables 1$/m);
  const [precise, load] = parseTables(run.stdout);
  assert.match(precise.metric, /^heapUsed /);
  assert.match(run.stdout, /precise: allocated \d+\.\d{3} MiB, freed by GC \d+\.\d{3} MiB, net \+\d+\.\d{3} MiB/);
  assertNear(rowContaining(precise, 'new Array(1e6)').incrementMiB, SMALL_ARRAY_MIB, 0.6, 'heapUsed line');
  // Buffers live outside the V8 heap: the default metric counts them as external memory.
  assertNear(rowContaining(load, 'Buffer.alloc').incrementMiB, 16, 0.2, 'buffer line');
});

test('MEMPROF_METRIC=rss measures the resident set and says so', () => {
  const run = runNode(join(FIXTURES, 'seed/example.js'), { env: { MEMPROF_METRIC: 'rss' } });
  assert.equal(run.status, 0, run.stderr);
  const [table] = parseTables(run.stdout);
  assert.match(table.metric, /^rss \(resident set size/);
  // Filling 152.6 MiB touches every page of it.
  assertNear(rowContaining(table, 'new Array(2e7)').incrementMiB, BIG_ARRAY_MIB, 12, 'rss of the big line');
});

test('MEMPROF_OUTPUT appends whole tables to a file and keeps stdout for the program', () => {
  const run = runNode(join(FIXTURES, 'seed/example-import.cjs'), { tablesToFile: true });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'length 1000000\n');
  assert.equal(parseTables(run.tables).length, 1);
});

test('a function called many times prints its first tables, then one summed table at exit', () => {
  const run = runNode(join(FIXTURES, 'line-profile/many-calls.js'));
  assert.equal(run.status, 0, run.stderr);
  const tables = parseTables(run.stdout);
  assert.equal(tables.length, 21);
  assert.ok(run.stdout.indexOf('handled 5000000') < run.stdout.lastIndexOf('Filename:'), 'summed table comes at exit');
  const summed = tables[20];
  assert.match(summed.footer, /^handle: 30 calls, allocated /);
  assert.equal(rowContaining(summed, 'new Array(1e5)').occurrences, 30);
  assert.equal(run.stderr.match(/its further calls are summed/g)?.length, 1);

  const onlySummed = runNode(join(FIXTURES, 'line-profile/many-calls.js'), { env: { MEMPROF_MAX_TABLES: '0' } });
  const [only] = parseTables(onlySummed.stdout);
  assert.equal(parseTables(onlySummed.stdout).length, 1);
  assert.match(only.footer, /^handle: 50 calls/);

  const every = runNode(join(FIXTURES, 'line-profile/many-calls.js'), { env: { MEMPROF_MAX_TABLES: 'all' } });
  assert.equal(parseTables(every.stdout).length, 50);
  assert.equal(every.stderr, '');
});

test('loop lines count every pass through the header, continue or not; labeled returns are returns', () => {
  const run = runNode(join(FIXTURES, 'line-profile/loops.js'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^ok$/m);
  const [table] = parseTables(run.stdout);
  const occurrences = (snippet: string) => rowContaining(table, snippet).occurrences;
  assert.equal(occurrences('for (let i = 0'), 11);
  assert.equal(occurrences('if (i % 2) continue'), 10);
  assert.equal(occurrences('s += i'), 5);
  assert.equal(occurrences('while (j < 5)'), 6);
  assert.equal(occurrences('do { j--; }'), 6);
  assert.equal(occurrences('for (const k of'), 4);
  assert.equal(occurrences("return 'ok'"), 1);
  assert.doesNotMatch(table.footer, /exception/);
});

test('a wrapped class or constructor behaves as before; summed whole calls add up their own allocations', () => {
  const run = runNode(join(FIXTURES, 'line-profile/wrapped.js'), { env: { MEMPROF_MAX_TABLES: '0' } });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^true 1 function true function true 8 0 3$/m);
  // grow's three calls allocated 1 MiB each; the 30 MiB allocated between them are not theirs. (Their
  // Increment is not asserted: a collection during a call frees older garbage and lowers it, which
  // made this test fail once in three runs when it checked Increment.)
  const summed = run.stdout.slice(run.stdout.indexOf('Function: grow'));
  const allocated = Number(/Allocated\s+(-?[\d.]+) MiB/.exec(summed)?.[1]);
  assert.ok(Math.abs(allocated - 3) < 0.1, `summed allocation ${allocated} MiB\n${run.stdout}`);
});
