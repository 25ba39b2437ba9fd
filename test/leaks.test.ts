// `memprof leaks <file>` as a user runs it, on the fixtures of fixtures/leaks/leaks.js: a push onto a
// module-level array, 50 MiB of temporaries that are not kept, a listener added per call, a closure
// kept in a Map, and the push after an await. Each leaks about 100 KiB per call (12,800 small
// integers), and is found on its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LeakLine, LeakReport } from '../src/api/leaks/leak-report';
import { FIXTURES, ROOT } from './helpers';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const LEAKS = join(FIXTURES, 'leaks', 'leaks.js');
const KIB = 1024;

function memprof(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 });
}

function report(exported: string, ...flags: string[]): { report: LeakReport; status: number | null } {
  const run = memprof('leaks', 'fixtures/leaks/leaks.js', '--export', exported, '--json', ...flags);
  assert.ok(run.status === 0 || run.status === 1, run.stderr);
  return { report: JSON.parse(run.stdout) as LeakReport, status: run.status };
}

/** The line of leaks.js holding `snippet`. */
function lineOf(snippet: string): number {
  const index = readFileSync(LEAKS, 'utf8').split('\n').findIndex((line) => line.includes(snippet));
  assert.ok(index >= 0, snippet);
  return index + 1;
}

function lineAt(found: LeakReport, snippet: string): LeakLine {
  const line = found.lines.find((candidate) => candidate.line === lineOf(snippet));
  assert.ok(line, `no line ${lineOf(snippet)} (${snippet}) in ${JSON.stringify(found.lines, null, 2)}`);
  assert.equal(line.file, LEAKS);
  return line;
}

/** About 100 KiB: 12,800 elements of 8 bytes and the array's header. */
function assertAbout100KiB(bytes: number, what: string): void {
  assert.ok(bytes > 99 * KIB && bytes < 106 * KIB, `${what}: ${bytes} bytes`);
}

test('a push onto a module-level array: found on the push line, about 100 KiB per iteration', () => {
  const { report: found, status } = report('pushChunk');
  assert.equal(status, 1);
  assert.equal(found.leaking, true);
  assertAbout100KiB(found.bytesPerIteration, 'fitted growth');
  assert.ok(found.confidence > 0.99, `confidence ${found.confidence}`);
  assert.equal(found.retainedBytes.length, 20);
  const [first] = found.lines;
  assert.equal(first, lineAt(found, 'chunks.push(new Array'));
  assertAbout100KiB(first.bytesPerIteration, 'the push line');
  assert.ok(first.confidence > 0.99, `line confidence ${first.confidence}`);
  // The function is profiled: memprof's own figure for the line is there too.
  assertAbout100KiB(first.allocatedBytesPerIteration ?? 0, "memprof's Allocated for the line");
  assert.equal(first.source.trim(), 'chunks.push(new Array(ELEMENTS).fill(chunks.length));');
  assert.deepEqual(first.retainers?.slice(0, 1), ['chunks (Array)']);
  assert.match(first.retainers!.at(-1)!, /^\[\d+\] \(Array, 100\.0 KiB\)$/);
});

test('the text report: the verdict, the line, its source and what keeps it alive', () => {
  const run = memprof('leaks', 'fixtures/leaks/leaks.js', '-e', 'pushChunk', '--iterations', '12', '--warmup', '2');
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /^fixtures\/leaks\/leaks\.js pushChunk: leaks 10\d\.\d KiB\/iteration: retained memory grows/);
  assert.match(run.stdout, /12 iterations, 2 of warm-up; each allocates 10\d\.\d KiB/);
  const line = lineOf('chunks.push(new Array');
  assert.match(run.stdout, new RegExp(`\\n  fixtures/leaks/leaks\\.js:${line}  10\\d\\.\\d KiB/iteration  confidence 100%  in pushChunk, allocates 10\\d\\.\\d KiB\\n`));
  assert.match(run.stdout, /\n {6}chunks\.push\(new Array\(ELEMENTS\)\.fill\(chunks\.length\)\);\n {6}kept alive by: chunks \(Array\) → \[\d+\] \(Array, 100\.0 KiB\)\n/);
});

test('50 MiB of temporaries per call, none kept: no leak, in 10 runs out of 10', { timeout: 300_000 }, async () => {
  const runOnce = () =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'leaks', 'fixtures/leaks/leaks.js', '-e', 'temporaries', '--json'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      child.on('exit', (status) => resolve({ status, stdout, stderr }));
    });
  const runs = [];
  // Two at a time: the machine's two cores.
  for (let round = 0; round < 5; round++) runs.push(...(await Promise.all([runOnce(), runOnce()])));
  for (const run of runs) {
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const found = JSON.parse(run.stdout) as LeakReport;
    assert.equal(found.leaking, false);
    assert.ok(found.allocatedBytesPerIteration > 49 * 1024 * KIB, `allocated ${found.allocatedBytesPerIteration}`);
    assert.ok(found.recentBytesPerIteration < found.thresholdBytes, `recent growth ${found.recentBytesPerIteration}`);
    assert.deepEqual(found.lines, []);
  }
});

test('a listener added per call: found on the line of its payload and on the emitter.on line', () => {
  const { report: found } = report('subscribe');
  assert.equal(found.leaking, true);
  const payload = lineAt(found, 'const payload = new Array(ELEMENTS).fill(1)');
  assertAbout100KiB(payload.bytesPerIteration, 'payload line');
  assert.equal(found.lines[0], payload);
  const listenerLine = lineOf("events.on('tick'");
  assert.equal(payload.retainers?.join(' → '), `events (EventEmitter) → ._events (Object) → .tick (Array) → ${payload.retainers![3].split(' ')[0]} closure at ${LEAKS}:${listenerLine} → payload (Array, 100.0 KiB)`);
  const listener = lineAt(found, "events.on('tick'");
  assert.ok(listener.bytesPerIteration > 0 && listener.bytesPerIteration < 1024, `the closure: ${listener.bytesPerIteration}`);
  assert.match(listener.retainers!.join(' → '), /^events \(EventEmitter\) → ._events \(Object\) → .tick \(Array\) → \[\d+\] closure at .*leaks\.js:\d+$/);
});

test('a closure kept in a Map: found on the line of its payload and on the set line', () => {
  const { report: found } = report('openSession');
  assert.equal(found.leaking, true);
  const payload = lineAt(found, 'const payload = new Array(ELEMENTS).fill(2)');
  assertAbout100KiB(payload.bytesPerIteration, 'payload line');
  const setLine = lineOf('sessions.set(++nextSession');
  assert.deepEqual(payload.retainers, ['sessions (Map)', `closure at ${LEAKS}:${setLine}`, 'payload (Array, 100.0 KiB)']);
  const closure = lineAt(found, 'sessions.set(++nextSession');
  assert.deepEqual(closure.retainers, ['sessions (Map)', `closure at ${LEAKS}:${setLine}`]);
});

test('an async function is awaited at each call: the push after its await is found', () => {
  const { report: found } = report('respond', '--iterations', '12');
  assert.equal(found.iterations, 12);
  assert.equal(found.leaking, true);
  assertAbout100KiB(lineAt(found, 'responses.push(new Array').bytesPerIteration, 'the push after the await');
});

test('an ES module with a top-level await is imported, not required, and its leak found', () => {
  const run = memprof('leaks', 'fixtures/leaks/top-level-await.mjs', '--json', '--iterations', '12');
  assert.equal(run.status, 1, run.stderr);
  const found = JSON.parse(run.stdout) as LeakReport;
  assert.equal(found.leaking, true);
  assertAbout100KiB(found.bytesPerIteration, 'the module-level push');
});

test('--threshold: a leak below it is no leak', () => {
  const { report: found, status } = report('pushChunk', '--threshold', '1 MiB');
  assert.equal(status, 0);
  assert.equal(found.leaking, false);
  assert.equal(found.thresholdBytes, 1024 * KIB);
  assertAbout100KiB(found.bytesPerIteration, 'the growth is still measured');
});

test('bad usage and unusable files: one line naming what is wrong', () => {
  const cases: Array<[string[], number, RegExp]> = [
    [[], 2, /^memprof: memprof leaks needs a file\nTry 'memprof leaks --help'\.\n$/],
    [['fixtures/leaks/nope.js'], 2, /^memprof: cannot find fixtures\/leaks\/nope\.js\n$/],
    [['fixtures/leaks/leaks.js'], 2, /^memprof: fixtures\/leaks\/leaks\.js exports several functions \(pushChunk, temporaries, subscribe, openSession, respond\): choose one with --export\n$/],
    [['fixtures/leaks/leaks.js', '-e', 'nope'], 2, /^memprof: fixtures\/leaks\/leaks\.js has no function export "nope"; it exports pushChunk, temporaries, subscribe, openSession, respond\n$/],
    [['fixtures/leaks/leaks.js', '--iterations', 'ten'], 2, /^memprof: --iterations must be a whole number of at least 1, got "ten"\n/],
    [['fixtures/leaks/leaks.js', '--iterations', '5', '--warmup', '3'], 2, /^memprof: --iterations must be at least --warmup \+ 4 \(7\), got 5\n/],
    [['fixtures/leaks/leaks.js', '--threshold', 'lots'], 2, /^memprof: --threshold must be a byte amount like 4096 or '8 KiB', got "lots"\n/],
    [['fixtures/leaks/throws.js'], 1, /^memprof: flaky \(fixtures\/leaks\/throws\.js\) threw: the third call fails\n$/],
  ];
  for (const [args, status, message] of cases) {
    const run = memprof('leaks', ...args);
    assert.equal(run.status, status, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, args.join(' '));
  }
});
