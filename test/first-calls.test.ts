// The first calls of a process show what they allocate and nothing else. V8 gives a function its
// feedback vector and baseline code after it has run a while (in batches, at whatever line the last
// one came): for memprof's own functions that used to happen inside the user's first calls, and a
// line that allocates nothing showed 2 to 30 KiB in up to one run in four after a large start-up
// (Babel compiling the files on a cold cache, or a big live heap). memprof now compiles its functions
// in its warm-up (src/runtime/tiering.ts). Each run here has such a start-up; the noise came at
// random, so there are several.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, runNode } from './helpers';
import { tempDirs } from './temp-dirs';

const tempDir = tempDirs('memprof-first-calls-');
const PROGRAM = join(FIXTURES, 'numbers', 'first-calls.js');
const ARRAY_BYTES = 100000 * 8;

interface LineDocument {
  line: number;
  source: string;
  allocatedBytes: number;
}
interface CallDocument {
  function: string;
  allocatedBytes: number;
  lines: LineDocument[];
}

/** Every line but the Float64Array's allocates (almost) nothing; that one allocates the array. */
function assertExact(call: CallDocument, run: string): void {
  for (const line of call.lines) {
    const where = `${run}, ${call.function}, line ${line.line} (${line.source.trim()})`;
    if (line.source.includes('new Float64Array')) {
      assert.ok(line.allocatedBytes >= ARRAY_BYTES && line.allocatedBytes < ARRAY_BYTES + 512, `${where}: ${line.allocatedBytes} B`);
    } else {
      // Measured: 0 to 128 B. The noise was 2 KiB or more.
      assert.ok(line.allocatedBytes <= 512, `${where}: ${line.allocatedBytes} B`);
    }
  }
}

function profiledRun(env: Record<string, string>, run: string): CallDocument[] {
  const result = runNode(PROGRAM, { env: { MEMPROF_FORMAT: 'json', ...env } });
  assert.equal(result.status, 0, result.stderr);
  const calls = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as CallDocument);
  assert.deepEqual(calls.map((call) => call.function), ['build', 'quiet', 'build', 'quiet'], run);
  return calls;
}

test('first calls after Babel compiled the program (cold transform cache): no line shows V8 or memprof bookkeeping', () => {
  for (let run = 1; run <= 8; run++) {
    const calls = profiledRun({ MEMPROF_CACHE_DIR: tempDir() }, `cold run ${run}`);
    for (const call of calls) assertExact(call, `cold run ${run}`);
  }
});

test('first calls after a large live heap was collected (warm cache): no line shows V8 or memprof bookkeeping', () => {
  const cache = tempDir();
  for (let run = 0; run <= 5; run++) {
    const calls = profiledRun({ MEMPROF_CACHE_DIR: cache, LIVE: '1000000' }, `warm run ${run}`);
    // Run 0 fills the cache.
    if (run > 0) for (const call of calls) assertExact(call, `warm run ${run}`);
  }
});
