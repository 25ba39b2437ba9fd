// Coverage tools must see no difference: memprof inserts nothing that can never run (issue: a
// `returned()` after each final `return` made nyc and c8 report uncovered code). V8's own block
// coverage (what c8 reads) of a fixture whose every line runs must be as complete with the hook as
// without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, runNode } from './helpers';

interface V8Coverage {
  result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ startOffset: number; endOffset: number; count: number }> }> }>;
}

/** Ranges V8 saw never run in `file`, as `function:start-end`. */
function uncoveredRanges(directory: string, file: string): string[] {
  const uncovered: string[] = [];
  let seen = false;
  for (const name of readdirSync(directory)) {
    const coverage = JSON.parse(readFileSync(join(directory, name), 'utf8')) as V8Coverage;
    for (const script of coverage.result) {
      if (!script.url.endsWith(file)) continue;
      seen = true;
      for (const fn of script.functions) {
        for (const range of fn.ranges) if (range.count === 0) uncovered.push(`${fn.functionName}:${range.startOffset}-${range.endOffset}`);
      }
    }
  }
  assert.ok(seen, `no coverage recorded for ${file}`);
  return uncovered;
}

test('V8 coverage of a fully run program is complete with the hook as without it', () => {
  const file = join(FIXTURES, 'semantics/full-coverage.js');
  const root = mkdtempSync(join(tmpdir(), 'memprof-coverage-'));
  try {
    const plainDir = join(root, 'plain');
    const hookedDir = join(root, 'hooked');
    const plain = runNode(file, { hook: false, env: { NODE_V8_COVERAGE: plainDir } });
    const hooked = runNode(file, { tablesToFile: true, env: { NODE_V8_COVERAGE: hookedDir, MEMPROF_CACHE: '0' } });
    assert.equal(plain.status, 0, plain.stderr);
    assert.equal(hooked.status, 0, hooked.stderr);
    assert.equal(hooked.stdout, plain.stdout);
    assert.deepEqual(uncoveredRanges(plainDir, 'full-coverage.js'), []);
    assert.deepEqual(uncoveredRanges(hookedDir, 'full-coverage.js'), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
