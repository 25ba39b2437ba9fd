// In-process unit tests of the benchmark's measuring helpers (bench/stats.ts, bench/rounds.ts): the
// statistics every printed ratio goes through, and the order in which compared variants run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuTimeNs, interleave } from '../../bench/rounds';
import { median, perRoundFigure, range, ratioOfMedians, spread } from '../../bench/stats';

test('median: the middle value, or the mean of the two middle ones; the input is left as it was', () => {
  const values = [9, 1, 5];
  assert.equal(median(values), 5);
  assert.deepEqual(values, [9, 1, 5]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
  // Numeric order, not the string order of Array.prototype.sort's default.
  assert.equal(median([10, 9, 100]), 10);
});

test('range and spread: lowest and highest, beside the median', () => {
  assert.deepEqual(range([3, -2, 8, 0]), { min: -2, max: 8 });
  const empty = range([]);
  assert.ok(Number.isNaN(empty.min) && Number.isNaN(empty.max));
  assert.deepEqual(spread([1.5, 0.5, 1, 4]), { median: 1.25, min: 0.5, max: 4 });
});

test('perRoundFigure pairs the variants of each round, and summarises the per-round figures', () => {
  // Round 2 is slow for both variants (a busy neighbour): their ratio within the round is unchanged.
  const samples = { plain: [10, 40, 11], profiled: [20, 80, 23] };
  const slowdown = perRoundFigure(samples, (round) => round.profiled / round.plain);
  assert.deepEqual(slowdown.perRound, [2, 2, 23 / 11]);
  assert.equal(slowdown.median, 2);
  assert.equal(slowdown.min, 2);
  assert.equal(slowdown.max, 23 / 11);
  // The ratio of the two medians (23 / 11) is not the median of the per-round ratios.
  assert.notEqual(median(samples.profiled) / median(samples.plain), slowdown.median);

  const added = perRoundFigure(samples, (round) => (round.profiled - round.plain) / 10);
  assert.deepEqual(added.perRound, [1, 4, 1.2]);
  assert.equal(added.median, 1.2);

  // A variant with fewer rounds limits the rounds that can be paired.
  assert.deepEqual(perRoundFigure({ a: [1, 2, 3], b: [1, 1] }, (round) => round.a + round.b).perRound, [2, 3]);
});

test('ratioOfMedians: median over median, and the extremes the two ranges allow', () => {
  const figure = ratioOfMedians([20, 30, 25], [2, 5, 4]);
  assert.equal(figure.median, 25 / 4);
  assert.equal(figure.min, 20 / 5);
  assert.equal(figure.max, 30 / 2);
  assert.deepEqual(ratioOfMedians([6], [3]), { median: 2, min: 2, max: 2 });
});

test('interleave runs every variant once per round, in the same order: A B C A B C ...', () => {
  const order: string[] = [];
  let clock = 0;
  const measure = (name: string) => () => {
    order.push(name);
    return ++clock;
  };
  const samples = interleave(3, { a: measure('a'), b: measure('b'), c: measure('c') });
  assert.deepEqual(order, ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  assert.deepEqual(samples, { a: [1, 4, 7], b: [2, 5, 8], c: [3, 6, 9] });
  assert.deepEqual(Object.keys(samples), ['a', 'b', 'c']);
  assert.deepEqual(interleave(0, { a: measure('a') }), { a: [] });
});

test('cpuTimeNs counts the CPU the work uses, not the time it waits', () => {
  // Waiting: 40 ms asleep in Atomics.wait uses (next to) no CPU, where a wall clock would say 40 ms.
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const waiting = cpuTimeNs(() => void Atomics.wait(sleeper, 0, 0, 40));
  assert.ok(waiting < 10e6, `waiting 40 ms counted ${waiting} ns of CPU`);

  // Working: spin until the process has used 20 ms more CPU than at the start.
  const spin = () => {
    const start = process.cpuUsage();
    for (;;) {
      const { user, system } = process.cpuUsage(start);
      if (user + system >= 20_000) return;
    }
  };
  const working = cpuTimeNs(spin);
  assert.ok(working >= 20e6 && working < 200e6, `20 ms of spinning counted ${working} ns of CPU`);
});
