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
  // No optimising compiler: when V8 optimises a function is not reproducible from run to run, and
  // what its unoptimised code allocates until then is charged to the line running. In semantics/
  // recursion.js, 5,000 nested calls of one function with no quiet statement (the same code in both
  // runs), its outermost call's line showed 91 KiB to 530 KiB from run to run (1,619,328 B +- 8 each
  // time without TurboFan). Before, with optimisation on a background thread, its metadata moved up
  // to 300 KiB between lines on a loaded machine. The figures' arithmetic, which is what this compares,
  // is the same in every tier.
  const run = runNode(file, {
    tablesToFile: true,
    nodeArgs: ['--no-opt'],
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
