// memoryUsage(): memory over time of a function run once, a pid, a command. Real allocations (tens of
// MiB), ranges with margins; no assertions on how long anything takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { memoryUsage, type TimedSample } from '../src/index';
import { garbageCollector } from '../src/runtime/gc';
import { FIXTURES, runNode } from './helpers';

const DIR = join(FIXTURES, 'memory-usage');
const MiB = 1024 * 1024;
/** Elements of a 10 MiB array of small integers on the V8 heap (8 bytes each: Node is built without pointer compression). */
const ELEMENTS_10_MIB = (10 * MiB) / 8;

function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

/** Collects what earlier tests left, so that it is not freed (and taken off) during the next one. */
async function settle(): Promise<void> {
  garbageCollector()?.();
  await sleep(50);
}

/** Samples strictly between the first and the last one, in time. */
function inner(usage: TimedSample[]): TimedSample[] {
  const first = usage[0][1];
  const last = usage[usage.length - 1][1];
  return usage.filter(([, time]) => time > first && time < last);
}

test('a sync function allocating 100 MiB in steps: heap samples while it runs, run once, retval', async () => {
  await settle();
  let calls = 0;
  const result = await memoryUsage(
    () => {
      calls++;
      const kept: number[][] = [];
      for (let step = 0; step < 10; step++) {
        kept.push(new Array<number>(ELEMENTS_10_MIB).fill(step)); // no elements-kind transition, no garbage
        busy(50);
      }
      return kept;
    },
    { interval: 0.02, timestamps: true, retval: true },
  );
  assert.equal(calls, 1);
  assert.equal(result.retval.length, 10);
  assert.equal(result.target, 'function');
  assert.equal(result.pid, process.pid);
  assert.equal(result.metric, 'heap');
  assert.equal(result.sampler, 'worker', result.note);
  assert.equal(result.timedOut, false);
  assert.equal(result.samples, result.usage.length);
  const times = result.usage.map(([, time]) => time);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'in time order');
  assert.ok(times[0] >= result.start && times[times.length - 1] <= result.end);
  const entry = result.usage[0][0];
  const exit = result.usage[result.usage.length - 1][0];
  assert.ok(exit - entry > 95 && exit - entry < 140, `entry ${entry} MiB, exit ${exit} MiB`);
  // Taken by the worker while the loop ran, and on the way up.
  const between = inner(result.usage).filter(([mib]) => mib > entry + 15 && mib < exit - 15);
  assert.ok(between.length >= 3, `intermediate samples: ${JSON.stringify(result.usage)}`);
  assert.ok(result.peak[0] >= exit && result.peak[1] >= result.start && result.peak[1] <= result.end);
});

test('rss of a sync function: a sampling process reads it meanwhile and never counts itself', async () => {
  await settle();
  const result = await memoryUsage(
    () => {
      const kept: Buffer[] = [];
      for (let step = 0; step < 8; step++) {
        kept.push(Buffer.alloc(10 * MiB, 1));
        busy(50);
      }
      return kept.length;
    },
    { metric: 'rss', interval: 0.02, timestamps: true, includeChildren: true, multiprocess: true, retval: true },
  );
  assert.equal(result.retval, 8);
  assert.equal(result.sampler, 'process');
  assert.equal(result.metric, 'rss');
  // The function started no process; the sampler, a child of this one, is left out.
  assert.deepEqual(result.children, []);
  const entry = result.usage[0][0];
  const exit = result.usage[result.usage.length - 1][0];
  assert.ok(exit - entry > 70 && exit - entry < 110, `entry ${entry} MiB, exit ${exit} MiB`);
  const between = inner(result.usage).filter(([mib]) => mib > entry + 15 && mib < exit - 15);
  assert.ok(between.length >= 3, `intermediate samples: ${JSON.stringify(result.usage)}`);
});

test('an async function: heap (used + external) sampled across awaits, the resolved value returned', async () => {
  await settle();
  const result = await memoryUsage(
    async () => {
      const kept: Buffer[] = [];
      for (let step = 0; step < 6; step++) {
        kept.push(Buffer.alloc(10 * MiB, 1)); // external memory: read by this thread between awaits
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      return 'done';
    },
    { interval: 0.02, retval: true },
  );
  assert.equal(result.retval, 'done');
  assert.equal(result.sampler, 'worker', result.note);
  const entry = result.usage[0];
  const exit = result.usage[result.usage.length - 1];
  assert.ok(exit - entry > 55 && exit - entry < 75, `entry ${entry} MiB, exit ${exit} MiB`);
  const between = result.usage.slice(1, -1).filter((mib) => mib > entry + 15 && mib < exit - 15);
  assert.ok(between.length >= 2, `intermediate samples: ${JSON.stringify(result.usage)}`);
});

test("metric 'external' is read on this thread: at the ends and between awaits", async () => {
  await settle();
  const result = await memoryUsage(
    async () => {
      const kept: Buffer[] = [];
      for (let step = 0; step < 5; step++) {
        kept.push(Buffer.alloc(10 * MiB));
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      return kept;
    },
    { metric: 'external', interval: 0.02 },
  );
  assert.equal(result.sampler, 'main');
  assert.match(result.note ?? '', /external/);
  const growth = result.usage[result.usage.length - 1] - result.usage[0];
  assert.ok(Math.abs(growth - 50) < 2, `growth ${growth} MiB`);
  assert.ok(result.usage.slice(1, -1).some((mib) => mib > result.usage[0] + 5 && mib < result.usage[0] + 45), JSON.stringify(result.usage));
});

test('maxUsage: only the peak (and how many samples it was taken from)', async () => {
  await settle();
  const result = await memoryUsage(
    () => {
      let scratch: number[] | null = new Array<number>(4 * ELEMENTS_10_MIB).fill(1); // 40 MiB, dropped
      busy(60);
      scratch = null;
      return scratch;
    },
    { maxUsage: true, timestamps: true, interval: 0.02 },
  );
  assert.equal('usage' in result, false);
  assert.ok(result.samples >= 2);
  const [peak, when] = result.peak;
  assert.ok(peak > 40, `peak ${peak} MiB`);
  assert.ok(when >= result.start && when <= result.end);
});

test('concurrent calls: each gets its own worker, and its own value', async () => {
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, index) =>
      memoryUsage(
        async () => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          return index;
        },
        { retval: true, interval: 0.02 },
      ),
    ),
  );
  assert.deepEqual(
    results.map((result) => result.retval),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  for (const result of results) assert.equal(result.sampler, 'worker', result.note);
});

test('a function that throws or rejects: memoryUsage rejects with its error, after running it once', async () => {
  let calls = 0;
  const boom = new Error('boom');
  await assert.rejects(
    memoryUsage(() => {
      calls++;
      throw boom;
    }),
    (error) => error === boom,
  );
  await assert.rejects(
    memoryUsage(
      async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw boom;
      },
      { metric: 'rss' },
    ),
    (error) => error === boom,
  );
  assert.equal(calls, 2);
});

test('timeout: a function runs to its end, sampling stops at the timeout', async () => {
  const result = await memoryUsage(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return 'finished';
    },
    { timeout: 0.1, interval: 0.02, timestamps: true, retval: true },
  );
  assert.equal(result.retval, 'finished');
  assert.equal(result.timedOut, true);
  assert.ok(result.end <= result.start + 0.1 + 1e-6);
  for (const [, time] of result.usage) assert.ok(time <= result.start + 0.1 + 1e-6, `sample at +${time - result.start} s`);
});

test('a pid: one sample without timeout; samples until the timeout, or until it exits with Infinity', async () => {
  const child = spawn(process.execPath, [join(DIR, 'hold.js'), '40'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await once(child.stdout!, 'data'); // ready: 40 MiB resident
    const pid = child.pid!;
    const single = await memoryUsage(pid);
    assert.equal(single.target, 'pid');
    assert.equal(single.pid, pid);
    assert.equal(single.metric, 'rss');
    assert.equal(single.usage.length, 1);
    assert.ok(single.usage[0] > 40 && single.usage[0] < 120, `${single.usage[0]} MiB`);

    const timed = await memoryUsage(pid, { timeout: 0.3, interval: 0.05, metric: 'pss' });
    assert.equal(timed.timedOut, true);
    assert.ok(timed.usage.length >= 2, JSON.stringify(timed.usage));
    for (const mib of timed.usage) assert.ok(mib > 38 && mib < 120, `${mib} MiB`);

    const untilExit = memoryUsage(pid, { timeout: Infinity, interval: 0.05 });
    setTimeout(() => child.kill(), 200);
    const followed = await untilExit;
    assert.equal(followed.timedOut, false);
    assert.ok(followed.usage.length >= 2);
  } finally {
    child.kill();
  }
});

test('a command with includeChildren and multiprocess: the total and one series per child, exit code', async () => {
  const result = await memoryUsage(['node', join(DIR, 'family.js')], {
    includeChildren: true,
    multiprocess: true,
    interval: 0.05,
    stdio: 'ignore',
  });
  assert.equal(result.target, 'command');
  assert.equal(result.exitCode, 3);
  assert.equal(result.signal, null);
  assert.equal(result.timedOut, false);
  assert.ok(result.children.length >= 2, JSON.stringify(result.children));
  const peaks = result.children.map((child) => child.peak).sort((a, b) => a - b);
  const [second, first] = peaks.slice(-2);
  assert.ok(first > 50 && first < 120, `largest child ${first} MiB`);
  assert.ok(second > 30 && second < 100, `second child ${second} MiB`);
  for (const child of result.children) {
    assert.equal(child.usage.length, child.samples);
    assert.ok(child.usage.length >= 1);
  }
  // The total counts the parent and both children.
  assert.ok(result.peak > first + second, `total peak ${result.peak} MiB`);
});

test('a command past its timeout is stopped (SIGTERM)', async () => {
  const result = await memoryUsage([join(DIR, 'hold.js'), '20'], { timeout: 0.5, interval: 0.05, stdio: 'ignore', maxUsage: true });
  assert.equal(result.timedOut, true);
  assert.equal(result.exitCode, null);
  assert.equal(result.signal, 'SIGTERM');
  assert.ok(result.samples >= 2);
  assert.ok(result.peak > 20 && result.peak < 120, `${result.peak} MiB`);
});

test('in a program of its own: nothing printed, nothing kept alive', () => {
  for (const metric of ['heap', 'rss']) {
    const run = runNode(join(DIR, 'standalone.js'), { hook: false, args: [metric], timeoutMs: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const result = JSON.parse(run.stdout);
    assert.equal(result.metric, metric);
    assert.ok(result.peak - result.usage[0] > 40, JSON.stringify(result.usage));
    // The function ends the process: no "Waiting for the debugger to disconnect..." from the inspector.
    const exited = runNode(join(DIR, 'standalone.js'), { hook: false, args: [metric, 'exit'], timeoutMs: 20_000 });
    assert.equal(exited.status, 7, exited.stderr);
    assert.equal(exited.stderr, '');
    assert.equal(exited.stdout, '');
  }
});

test('bad arguments: a TypeError naming the option, and the function is not run', async () => {
  let calls = 0;
  const fn = () => calls++;
  const cases: [unknown, unknown, RegExp][] = [
    ['ls', undefined, /target must be a function, a pid or a command/],
    [1.5, undefined, /target: a pid must be a positive integer/],
    [[], undefined, /target: a command needs/],
    [['node', 3], undefined, /command arguments must be strings/],
    [fn, null, /options must be an object/],
    [fn, { interval: 0 }, /option 'interval' must be a positive number/],
    [fn, { interval: 'fast' }, /option 'interval'/],
    [fn, { timeout: -1 }, /option 'timeout'/],
    [fn, { timestamps: 'yes' }, /option 'timestamps' must be true or false/],
    [fn, { max_usage: true }, /unknown option 'max_usage' \(memprof's name: 'maxUsage'\)/],
    [fn, { metric: 'vms' }, /option 'metric' must be one of heap, heapUsed, external, rss, pss, uss/],
    [fn, { metric: 'psutil_pss' }, /option 'metric'.*'pss'/],
    [fn, { includeChildren: true }, /option 'includeChildren' needs a process metric/],
    [fn, { multiprocess: true, metric: 'heapUsed' }, /option 'multiprocess' needs a process metric/],
    [fn, { stdio: 'ignore' }, /option 'stdio' applies to commands only/],
    [process.pid, { metric: 'heap' }, /option 'metric' must be one of rss, pss, uss for a pid/],
    [process.pid, { retval: true }, /option 'retval' applies to functions only/],
    [['node'], { stdio: 'pipe' }, /option 'stdio' must be 'inherit' or 'ignore'/],
  ];
  for (const [target, options, message] of cases) {
    await assert.rejects((memoryUsage as (target: unknown, options: unknown) => Promise<unknown>)(target, options), (error: Error) => {
      assert.ok(error instanceof TypeError, `${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
  assert.equal(calls, 0);
  // Not a TypeError: a well-formed command that does not exist.
  await assert.rejects(memoryUsage(['memprof-no-such-command']), /command not found/);
});
