// How much stack a profiled function costs: each profiled call's frame holds the call object and the
// try/finally's registers, so a profiled recursion overflows sooner than a plain one. V8 leaves no way
// to reach a plain frame's size with a try/finally (docs/line-profiling.md, "What memprof changes", "Stack depth");
// these bounds hold the measured figures (native addon: cold 0.646x, warm 0.499x on every run; the
// warm figure was 0.470x in about one run in four until the rare branch of a sample went out of line,
// src/runtime/call-frame.ts) so that a change that makes frames larger is noticed. Optimised, a
// profiled frame has 14 stack slots to a plain one's 6 (docs/line-profiling.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, runNode } from './helpers';

function depths(hook: boolean): { cold: number; warm: number } {
  // Optimising compiles finish where they are triggered (not on a background thread), so that "warm"
  // means optimised however loaded the machine is: measured concurrently, a busy machine left the
  // function unoptimised (warm ratio 0.31x).
  const run = runNode(join(FIXTURES, 'semantics/depth/max-depth.js'), {
    hook,
    tablesToFile: true,
    nodeArgs: ['--no-concurrent-recompilation'],
    env: { MEMPROF_MAX_TABLES: '0' },
  });
  assert.equal(run.status, 0, run.stderr);
  const cold = Number(/^cold (\d+)$/m.exec(run.stdout)?.[1]);
  const warm = Number(/^warm (\d+)$/m.exec(run.stdout)?.[1]);
  assert.ok(cold > 0 && warm > 0, run.stdout);
  return { cold, warm };
}

test('a profiled recursive function reaches at least 0.62x (cold) and 0.48x (warm) of the plain depth', () => {
  const plain = depths(false);
  const profiled = depths(true);
  const ratio = { cold: profiled.cold / plain.cold, warm: profiled.warm / plain.warm };
  assert.ok(ratio.cold >= 0.62, `cold: ${profiled.cold} of ${plain.cold} (${ratio.cold.toFixed(3)}x)`);
  assert.ok(ratio.warm >= 0.48, `warm: ${profiled.warm} of ${plain.warm} (${ratio.warm.toFixed(3)}x)`);
  assert.ok(profiled.cold >= 5000, 'the semantics fixture recursion.js needs 5000 levels');
});
