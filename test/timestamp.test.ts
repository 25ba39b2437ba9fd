// profile.timestamp(): named blocks announce their start and end (as FUNC markers reach recordings)
// and print no table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profile } from '../src/index';
import { addCallListener, type CallStart } from '../src/runtime/call-events';
import type { CallResult } from '../src/runtime/call-result';
import { spawnSync } from 'node:child_process';
import { tempDirs } from './temp-dirs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDat } from '../src/record/dat';
import { FIXTURES, ROOT } from './helpers';

function record<T>(work: () => T): { value: T; events: Array<[string, CallStart, CallResult?]> } {
  const events: Array<[string, CallStart, CallResult?]> = [];
  const stop = addCallListener({
    started: (call) => void events.push(['started', call]),
    ended: (call, result) => void events.push(['ended', call, result]),
  });
  try {
    return { value: work(), events };
  } finally {
    stop();
  }
}

test('a block handle marks its start and end, with nesting levels and memory', () => {
  const { events } = record(() => {
    const outer = profile.timestamp('outer');
    const inner = profile.timestamp('inner');
    const data = new Array(2e6).fill(1);
    inner.end();
    inner.end();
    outer[Symbol.dispose]();
    return data.length;
  });
  assert.deepEqual(
    events.map(([kind, call]) => `${kind} ${call.functionName} ${call.depth}`),
    ['started outer 0', 'started inner 1', 'ended inner 1', 'ended outer 0'],
  );
  const innerResult = events[2][2]!;
  assert.equal(innerResult.block, true);
  assert.ok(innerResult.exitBytes - innerResult.entryBytes > 15e6, String(innerResult.exitBytes - innerResult.entryBytes));
  assert.match(events[0][1].file, /timestamp\.test\.js$/);
});

test('the callback form ends with the callback, sync or async, and passes its value through', async () => {
  const sync = record(() => profile.timestamp('sync', () => 42));
  assert.equal(sync.value, 42);
  assert.deepEqual(sync.events.map(([kind]) => kind), ['started', 'ended']);
  const events: string[] = [];
  const stop = addCallListener({ ended: (call) => void events.push(call.functionName) });
  const value = await profile.timestamp('async', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return 'done';
  });
  stop();
  assert.equal(value, 'done');
  assert.deepEqual(events, ['async']);
  assert.throws(() => profile.timestamp('throws', () => { throw new RangeError('boom'); }), RangeError);
});

test('bad arguments are clear errors', () => {
  assert.throws(() => profile.timestamp(''), /profile\.timestamp\(name\) needs a non-empty name/);
  assert.throws(() => profile.timestamp('x', 5 as never), /expects a function as block, got number/);
});

const recordings = tempDirs('memprof-timestamps-');

test('under memprof run, named blocks become FUNC markers with their nesting', () => {
  const directory = recordings();
  const output = join(directory, 'blocks.dat');
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'run', '-o', output, 'node', join(FIXTURES, 'record/timestamps.js')], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^done 4000000$/m);
  const funcs = readDat(output).funcs.map((func) => [func.name, func.level]);
  assert.deepEqual(funcs, [
    ['transform', 1],
    ['load', 0],
  ]);
});
