// The plot's geometry in process, from scripted inputs: the time window, the memory range, the
// mapping onto the plot box, tick values and labels, and where the panels go.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layOut } from '../../src/plot/svg/layout';
import { makeScales, memoryRange, tickLabel, ticks, timeWindow } from '../../src/plot/svg/scales';

const near = (actual: readonly number[], expected: readonly number[], message?: string) => {
  assert.equal(actual.length, expected.length, message);
  actual.forEach((value, index) => assert.ok(Math.abs(value - expected[index]) < 1e-9, `${message ?? ''} ${JSON.stringify(actual)} is not ${JSON.stringify(expected)}`));
};

test('time window: the data with 1.5% room at each end, or exactly the window asked for; empty ranges widened', () => {
  near(timeWindow([0, 10]), [-0.15, 10.15]);
  near(timeWindow([0, 10], null), [-0.15, 10.15]);
  assert.deepEqual(timeWindow([0, 10], [2, 4]), [2, 4]);
  // One instant: a second around it (then the room, when no window was asked for).
  near(timeWindow([5, 5]), [4.485, 5.515]);
  assert.deepEqual(timeWindow([0, 10], [3, 3]), [2.5, 3.5]);
});

test('memory range: room above for the peak label, a little below, not below 0 for non-negative data', () => {
  near(memoryRange([10, 20, 15]), [9.4, 21.4]);
  near(memoryRange([20, 10]), [9.4, 21.4], 'order does not matter');
  near(memoryRange([0, 10]), [0, 11.4], 'clamped at 0');
  near(memoryRange([-5, 5]), [-5.6, 6.4], 'negative data is not clamped');
  near(memoryRange([50]), [49.7, 50.7], 'one value: a tenth of it as spread');
  near(memoryRange([0.2]), [0.14, 0.34], 'one small value: 1 MiB as spread');
  near(memoryRange([]), [0, 1.14], 'nothing shown: 0 to 1');
  near(memoryRange(new Set([3, 4]).values()), [2.94, 4.14], 'any iterable');
});

test('scales map the window onto the plot box, memory upwards', () => {
  const scales = makeScales({ x: 100, y: 50, w: 200, h: 100 }, [0, 10], [0, 50]);
  assert.deepEqual([scales.t0, scales.t1, scales.y0, scales.y1], [0, 10, 0, 50]);
  assert.deepEqual([0, 5, 10, 12].map(scales.toX), [100, 200, 300, 340]);
  assert.deepEqual([0, 25, 50].map(scales.toY), [150, 100, 50]);
});

test('ticks: round steps (1, 2, 2.5, 5 × 10^n) nearest to the count asked for, covering the range', () => {
  // A tick at 0 may come out as -0 (rounding -1e-9 steps); its label is "0", below.
  assert.deepEqual(ticks(0, 10, 5), { values: [-0, 2, 4, 6, 8, 10], step: 2 });
  assert.deepEqual(ticks(0.3, 1.7, 5), { values: [0.5, 0.75, 1, 1.25, 1.5], step: 0.25 });
  assert.deepEqual(ticks(0, 1000, 4).values, [-0, 250, 500, 750, 1000]);
  assert.deepEqual(ticks(-3, 3, 3), { values: [-2, 0, 2], step: 2 });
  assert.deepEqual(ticks(5, 5, 3), { values: [5], step: 1 }, 'an empty range: one tick');
  const many = ticks(0, 0.3, 3);
  assert.equal(many.step, 0.1);
  assert.deepEqual(
    many.values.map((value) => tickLabel(value, many.step)),
    ['0.0', '0.1', '0.2', '0.3'],
    'labels hide binary rounding (0.30000000000000004)',
  );
});

test('tick labels: the decimals their step needs, one more for 2.5 steps, never "-0"', () => {
  assert.equal(tickLabel(4, 2), '4');
  assert.equal(tickLabel(250, 250), '250');
  assert.equal(tickLabel(0.5, 0.25), '0.50');
  assert.equal(tickLabel(1.25, 0.25), '1.25');
  assert.equal(tickLabel(0.02, 0.01), '0.02');
  assert.equal(tickLabel(-0, 2), '0');
  assert.equal(tickLabel(-0.00001, 0.1), '0.0');
  assert.equal(tickLabel(-0.2, 0.1), '-0.2');
});

test('layout: plot box, legend column, and a flame panel as tall as its bands', () => {
  const plain = layOut(1100, 640, []);
  assert.deepEqual(plain, {
    width: 1100,
    height: 640,
    plot: { x: 78, y: 64, w: 730, h: 518 },
    flame: undefined,
    legend: { x: 826, y: 66, w: 270, h: 562 },
    axisBottom: 582,
  });
  // Bands of 2 rows and 1 row: 14 px margin, 18 px rows, 8 px between the bands.
  const flame = layOut(1100, 640, [2, 1]);
  assert.equal(flame.height, 640 + 14 + 3 * 18 + 8);
  assert.deepEqual(flame.plot, plain.plot, 'the memory plot keeps its size');
  assert.deepEqual(flame.flame, { x: 78, y: 596, w: 730, h: 62 });
  assert.equal(flame.axisBottom, 658, 'the time axis goes under the flame panel');
  assert.equal(flame.legend.y + flame.legend.h, flame.height - 12, 'the legend may use the added height');
  assert.equal(layOut(700, 640, []).plot.w, 330, 'a narrower picture narrows the plot, not the legend');
});
