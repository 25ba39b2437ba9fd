// In-process unit tests of the recording layer: the tick loop on a fake clock, the sample store, the
// /proc parsers on scripted file contents, the .dat line writers. No process is started: milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chldLine, funcLine, memLine } from '../../src/shared/dat-lines';
import { parseDat } from '../../src/record/dat';
import { displayPath } from '../../src/record/output-file';
import { memoryProfilerBackend, parseBackend } from '../../src/record/proc/backends';
import {
  argumentsFromCmdline,
  fromSmapsRollup,
  pageSizeFromAuxv,
  parentFromStat,
  parsePidList,
  pidsInBytes,
  residentPagesFromStatm,
  residentPagesInBytes,
} from '../../src/record/proc/parsers';
import { SampleStore } from '../../src/record/sample-store';
import { TickLoop, type Clock } from '../../src/record/tick-loop';
import { TreeSampler } from '../../src/record/tree-sampler';

/** A clock whose time moves only when told to; timers run in due order as it moves. */
class FakeClock implements Clock {
  time = 0;
  private timers: { at: number; callback: () => void }[] = [];

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const timer = { at: this.time + ms, callback };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(timer: unknown): void {
    this.timers = this.timers.filter((candidate) => candidate !== timer);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves to `until`, running every timer due by then (a timer may move the time itself). */
  advanceTo(until: number): void {
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.clearTimer(due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = Math.max(this.time, until);
  }
}

test('tick loop: on a fixed schedule, however long each tick takes', () => {
  const clock = new FakeClock();
  const ticks: number[] = [];
  const loop = new TickLoop(
    10,
    () => {
      ticks.push(clock.now());
      clock.time += 3; // the sample's own cost does not push the next one back
      return true;
    },
    clock,
  );
  loop.start('now');
  clock.advanceTo(45);
  assert.deepEqual(ticks, [0, 10, 20, 30, 40]);
  assert.equal(loop.late, 0);
  loop.stop();
  assert.equal(clock.pending, 0, 'stop() cancels the next tick');
  assert.equal(loop.stopped, true);
  clock.advanceTo(100);
  assert.equal(ticks.length, 5);
});

test('tick loop: a slot already past is skipped and counted, never bunched', () => {
  const clock = new FakeClock();
  const ticks: number[] = [];
  const loop = new TickLoop(
    10,
    () => {
      ticks.push(clock.now());
      if (clock.now() === 10) clock.time = 35; // one tick takes 25 ms: slots 20 and 30 are gone
      return true;
    },
    clock,
  );
  loop.start('now');
  clock.advanceTo(50);
  assert.deepEqual(ticks, [0, 10, 35, 45]);
  assert.equal(loop.late, 1);
});

test('tick loop: first tick one interval later; a tick returning false ends it', () => {
  const clock = new FakeClock();
  const ticks: number[] = [];
  const loop = new TickLoop(
    5,
    () => {
      ticks.push(clock.now());
      return ticks.length < 3;
    },
    clock,
  );
  loop.start('after-interval');
  assert.deepEqual(ticks, []);
  clock.advanceTo(100);
  assert.deepEqual(ticks, [5, 10, 15]);
  assert.equal(loop.stopped, true);
  assert.equal(clock.pending, 0);
});

test('tick loop: an async tick schedules the next one when it has settled', async () => {
  const clock = new FakeClock();
  const ticks: number[] = [];
  let release: (() => void) | undefined;
  const loop = new TickLoop(
    10,
    () =>
      new Promise<boolean>((resolve) => {
        ticks.push(clock.now());
        release = () => resolve(ticks.length < 2);
      }),
    clock,
  );
  loop.start('now');
  assert.deepEqual(ticks, [0]);
  assert.equal(clock.pending, 0, 'nothing scheduled while the tick is pending');
  clock.time = 4;
  release!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(clock.pending, 1);
  clock.advanceTo(9);
  assert.deepEqual(ticks, [0], 'due at the slot (10), not an interval after the tick settled (14)');
  clock.advanceTo(10);
  assert.deepEqual(ticks, [0, 10]);
  release!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(loop.stopped, true);
  assert.equal(clock.pending, 0);
});

test('sample store: grows past its capacity, keeps the peak, or only counts', () => {
  const store = new SampleStore(true, 2);
  const samples: [number, number][] = [
    [1, 10],
    [2, 30],
    [3, 20],
    [4, 30],
    [5, 5],
  ];
  for (const [time, bytes] of samples) store.add(time, bytes);
  assert.equal(store.count, 5);
  assert.deepEqual(store.entries(), samples);
  assert.deepEqual([...store.toPairs()], samples.flat());
  assert.equal(store.peakBytes, 30);
  assert.equal(store.peakTime, 2, 'the first of equal peaks');

  const counter = new SampleStore(false);
  for (const [time, bytes] of samples) counter.add(time, bytes);
  assert.equal(counter.count, 5);
  assert.equal(counter.peakBytes, 30);
  assert.deepEqual(counter.entries(), []);
  assert.equal(counter.toPairs().length, 0);
  assert.equal(new SampleStore().peakBytes, -Infinity);
});

test('/proc parsers on scripted contents', () => {
  assert.equal(residentPagesFromStatm('182061 10031 8468 6802 0 12186 0\n'), 10031);
  assert.equal(residentPagesFromStatm(''), -1);
  const statm = Buffer.from('182061 10031 8468 6802 0 12186 0\n');
  assert.equal(residentPagesInBytes(statm, statm.length), 10031);
  assert.equal(residentPagesInBytes(Buffer.from('182061'), 6), -1);

  const rollup = 'Rss: 1632 kB\nPss: 437 kB\nPss_Anon: 100 kB\nPrivate_Clean: 40 kB\nPrivate_Dirty: 108 kB\n';
  assert.equal(fromSmapsRollup(rollup, 'pss'), 437 * 1024);
  assert.equal(fromSmapsRollup(rollup, 'uss'), 148 * 1024);
  assert.equal(fromSmapsRollup('Rss: 1632 kB\n', 'pss'), -1);

  assert.deepEqual(parsePidList(' 12 345\n7 '), [12, 345, 7]);
  const children = Buffer.from('12 345 12 9\n');
  const pids = [345];
  pidsInBytes(children, children.length, pids);
  assert.deepEqual(pids, [345, 12, 9], 'each pid once');

  assert.equal(parentFromStat('4242 (node) S 17 4242 4242 0 -1 4194560'), 17);
  assert.equal(parentFromStat('4242 (my (odd) name) R 99 1 1'), 99, 'a name with spaces and parentheses');
  assert.equal(parentFromStat('garbage'), undefined);

  assert.deepEqual(argumentsFromCmdline('node\0app.js\0--flag value\0'), ['node', 'app.js', '--flag value']);
  assert.equal(argumentsFromCmdline(''), undefined);

  const auxv = Buffer.alloc(48);
  auxv.writeBigUInt64LE(33n, 0); // AT_SYSINFO_EHDR
  auxv.writeBigUInt64LE(0x7fffn, 8);
  auxv.writeBigUInt64LE(6n, 16); // AT_PAGESZ
  auxv.writeBigUInt64LE(16384n, 24);
  assert.equal(pageSizeFromAuxv(auxv), 16384);
  assert.equal(pageSizeFromAuxv(Buffer.alloc(32)), undefined, 'AT_NULL first');
});

test("backends: memprof's names and memory_profiler's, nothing else", () => {
  assert.equal(parseBackend('pss'), 'pss');
  assert.equal(parseBackend('psutil'), 'rss');
  assert.equal(parseBackend('psutil_uss'), 'uss');
  assert.equal(memoryProfilerBackend('posix'), 'rss');
  assert.equal(memoryProfilerBackend('rss'), undefined);
  for (const word of ['tracemalloc', 'constructor', 'toString', '']) assert.equal(parseBackend(word), undefined, word);
});

test('.dat lines: what the writers write, the reader reads back', () => {
  const text =
    'CMDLINE node app.js\n' +
    memLine(12.3456789, 1700000000.12345) +
    chldLine(77, 3.5, 1700000000.2) +
    funcLine({ name: 'Store save', mem0: 1.23456, t0: 1700000000.1, mem1: 2, t1: 1700000000.3, level: 2 }) +
    funcLine({ name: '', mem0: 1, t0: 2, mem1: 3, t1: 4, pid: 77 });
  const dat = parseDat(text, 'written.dat');
  assert.equal(dat.damaged, 0);
  assert.deepEqual(dat.mem, [{ mib: 12.345679, time: 1700000000.1235 }]);
  assert.deepEqual(dat.children.get(77), [{ mib: 3.5, time: 1700000000.2 }]);
  assert.deepEqual(dat.funcs, [
    { name: 'Store_save', mem0: 1.2346, t0: 1700000000.1, mem1: 2, t1: 1700000000.3, level: 2 },
    { name: '(anonymous)', mem0: 1, t0: 2, mem1: 3, t1: 4, level: 0, pid: 77 },
  ]);
  // A failed reading stays a readable line.
  assert.equal(funcLine({ name: 'f', mem0: NaN, t0: 1, mem1: Infinity, t1: 2 }), 'FUNC f 0.0000 1.0000 0.0000 2.0000 0\n');
});

test('output paths are shown relative to the current directory when inside it', () => {
  assert.equal(displayPath('/home/me/work/mprofile_1.dat', '/home/me/work'), 'mprofile_1.dat');
  assert.equal(displayPath('/home/me/workshop/a.dat', '/home/me/work'), '/home/me/workshop/a.dat');
});

test('the tree sampler reads this very process', () => {
  const sampler = new TreeSampler(process.pid, { backend: 'rss', followTree: true, interval: 0.1 });
  try {
    const sample = sampler.sample();
    assert.ok(sample, 'a sample of a living process');
    assert.ok(sample.root > 10 * 1024 * 1024, `${sample.root} bytes`);
    assert.equal(sample.total, sample.root + sample.children.reduce((sum, child) => sum + child.bytes, 0));
  } finally {
    sampler.close();
  }
  assert.throws(() => new TreeSampler(2 ** 30, { backend: 'rss', followTree: false, interval: 0.1 }), /cannot read the memory of process/);
});
