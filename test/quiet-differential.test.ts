// Counting the statements that cannot allocate without reading memory (instrument/quiet-statements.ts)
// changes no figure: each fixture is run with that on (the default) and off (MEMPROF_SAMPLE_ALL=1),
// and every call's lines must have the same occurrences and the same Allocated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CallReport } from '../src/reporters/call-report';
import { FIXTURES, runNode } from './helpers';

/** What V8's own compile metadata may add to a line, once (see docs/line-profiling.md). */
const COMPILE_NOISE = 256 * 1024;

function reports(file: string, sampleAll: boolean): { status: number | null; calls: CallReport[] } {
  // Optimising compiles finish where they are triggered, not on a background thread: their metadata is
  // allocated on the line that triggers them, the same in both runs, rather than wherever the main
  // thread is when a loaded machine finishes them (which moved up to 300 KiB between lines).
  const run = runNode(file, {
    tablesToFile: true,
    nodeArgs: ['--no-concurrent-recompilation'],
    env: { MEMPROF_FORMAT: 'json', MEMPROF_MAX_TABLES: 'all', MEMPROF_CACHE: '0', MEMPROF_SAMPLE_ALL: sampleAll ? '1' : undefined },
  });
  const fromStdout = run.stdout.split('\n').filter((line) => line.startsWith('{"function"'));
  const calls = [...run.tables.split('\n'), ...fromStdout].filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as CallReport);
  return { status: run.status, calls };
}

const FILES = [
  join(FIXTURES, 'numbers', 'quiet.js'),
  join(FIXTURES, 'numbers', 'gc-immune.js'),
  join(FIXTURES, 'numbers', 'recursion.js'),
  ...readdirSync(join(FIXTURES, 'semantics'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => join(FIXTURES, 'semantics', name)),
];

for (const file of FILES) {
  test(`same figures with and without quiet statements: ${file.slice(FIXTURES.length + 1)}`, () => {
    const withTicks = reports(file, false);
    const sampledAll = reports(file, true);
    // Some fixtures exit with a status of their own on purpose: the same either way.
    assert.equal(withTicks.status, sampledAll.status);
    const [quiet, every] = [withTicks.calls, sampledAll.calls];
    assert.ok(quiet.length > 0, 'no profiled call reported');
    assert.deepEqual(quiet.map((call) => call.function), every.map((call) => call.function));
    for (let index = 0; index < quiet.length; index++) {
      const [a, b] = [quiet[index], every[index]];
      assert.deepEqual(a.lines.map((line) => [line.line, line.occurrences]), b.lines.map((line) => [line.line, line.occurrences]), `${a.function}: occurrences`);
      // A stack overflow is raised wherever the stack runs out, inside memprof's own sampling call or
      // not: the error and its stack trace are charged to whichever line raised it.
      if (a.threw && a.function === 'runaway') continue; // semantics/recursion.js overflows the stack on purpose
      for (let line = 0; line < a.lines.length; line++) {
        const difference = Math.abs(a.lines[line].allocatedBytes - b.lines[line].allocatedBytes);
        assert.ok(difference <= COMPILE_NOISE, `${a.function} line ${a.lines[line].line}: allocated ${a.lines[line].allocatedBytes} vs ${b.lines[line].allocatedBytes}`);
      }
    }
  });
}
