// In-process unit tests of how a big recording is plotted: the envelope that keeps the first, lowest,
// highest and last sample of each time bucket (checked against a brute-force reference), the split of
// the point budget between series, the model and the picture drawn from decimated data (peaks exact,
// detail when zoomed), the page's column encoding (lossless), and flame rows (the same as the
// quadratic rule they replace). Scripted inputs only: milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDat, type DatFile } from '../../src/record/dat';
import { SampleEnvelope, sharePoints } from '../../src/plot/envelope';
import { assignRows } from '../../src/plot/flame-rows';
import { buildPlotData, type CallData, type PlotData } from '../../src/plot/model';
import { decodeColumn, decodePageData, encodeColumn, encodePageData } from '../../src/plot/page-data';
import { renderSvg } from '../../src/plot/render';
import { leastSquares } from '../../src/shared/statistics';
import { recordingOf } from '../../src/plot/recording';
import { formatMiB } from '../../src/plot/svg/format';

/** A deterministic source of numbers in [0, 1). */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** A noisy sawtooth with a few one-sample spikes, at `interval` seconds. */
function samples(count: number, seed = 1, interval = 0.01): Array<[number, number]> {
  const random = randomSource(seed);
  const list: Array<[number, number]> = [];
  for (let index = 0; index < count; index++) {
    const spike = index % 7919 === 3000 ? 500 : 0;
    list.push([1000 + index * interval, Math.round((100 + (index % 600) / 10 + random() * 5 + spike) * 256) / 256]);
  }
  return list;
}

function envelopeOf(list: ReadonlyArray<[number, number]>, options?: { rawSamples?: number; buckets?: number }): SampleEnvelope {
  const envelope = new SampleEnvelope(options);
  for (const [time, memory] of list) envelope.add(time, memory);
  return envelope;
}

/** What each bucket of width `width` from `origin` must keep: its first, lowest, highest and last sample, in time order. */
function referencePoints(list: ReadonlyArray<[number, number]>, origin: number, width: number): Array<[number, number]> {
  const buckets = new Map<number, Array<[number, number]>>();
  for (const sample of list) {
    const bucket = Math.floor((sample[0] - origin) / width);
    if (!buckets.has(bucket)) buckets.set(bucket, []);
    buckets.get(bucket)!.push(sample);
  }
  const points: Array<[number, number]> = [];
  for (const bucket of [...buckets.keys()].sort((a, b) => a - b)) {
    const members = buckets.get(bucket)!;
    let [first, low, high, last] = [members[0], members[0], members[0], members[0]];
    for (const sample of members) {
      if (sample[0] < first[0]) first = sample;
      if (sample[0] >= last[0]) last = sample;
      if (sample[1] < low[1] || (sample[1] === low[1] && sample[0] < low[0])) low = sample;
      if (sample[1] > high[1] || (sample[1] === high[1] && sample[0] < high[0])) high = sample;
    }
    const kept = [first, low, high, last].sort((a, b) => a[0] - b[0]);
    kept.forEach((sample, index) => {
      const before = kept[index - 1];
      if (!before || before[0] !== sample[0] || before[1] !== sample[1]) points.push(sample);
    });
  }
  return points;
}

const pairs = (points: { time: number[]; memory: number[] }): Array<[number, number]> => points.time.map((time, index) => [time, points.memory[index]]);

test('a short series is kept whole, in time order (equal times in the order added)', () => {
  const envelope = envelopeOf([
    [3, 1],
    [1, 5],
    [2, 2],
    [1, 4],
  ]);
  assert.equal(envelope.raw, true);
  assert.deepEqual(envelope.points(), { time: [1, 1, 2, 3], memory: [5, 4, 2, 1] });
  assert.deepEqual(envelope.peak, { time: 1, memory: 5 });
  assert.equal(envelope.count, 4);
  assert.equal(envelope.firstTime, 1);
  assert.equal(envelope.lastTime, 3);
});

test('decimated: each bucket keeps exactly its first, lowest, highest and last sample, at every width', () => {
  const list = samples(20_000);
  for (const buckets of [64, 700, 2048]) {
    const envelope = envelopeOf(list, { rawSamples: 1000, buckets });
    assert.equal(envelope.raw, false);
    const points = envelope.points();
    assert.ok(points.bucketSeconds !== undefined && points.bucketSeconds > 0);
    // The samples came in time order, so buckets start at the first sample.
    assert.deepEqual(pairs(points), referencePoints(list, list[0][0], points.bucketSeconds!), `${buckets} buckets`);
    assert.ok(points.time.length <= 4 * buckets);
    // Widened to a budget (for good: the envelope keeps the wider buckets), the same rule at a coarser width.
    const budget = Math.floor(points.time.length / 3);
    const fewer = envelope.points(budget);
    assert.ok(fewer.time.length <= budget, `${fewer.time.length} points`);
    assert.ok(fewer.bucketSeconds! > points.bucketSeconds!);
    assert.deepEqual(pairs(fewer), referencePoints(list, list[0][0], fewer.bucketSeconds!));
  }
});

test('decimated: peaks exact, time monotone, every point a real sample, whatever the order samples come in', () => {
  const list = samples(30_000, 5);
  const truePeak = list.reduce((best, sample) => (sample[1] > best[1] ? sample : best));
  const trueLow = list.reduce((best, sample) => (sample[1] < best[1] ? sample : best));
  const shuffled = [...list];
  const random = randomSource(9);
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other], shuffled[index]];
  }
  const real = new Set(list.map(([time, memory]) => `${time}:${memory}`));
  for (const [label, input] of [
    ['in order', list],
    ['reversed', [...list].reverse()],
    ['shuffled', shuffled],
  ] as const) {
    const envelope = envelopeOf(input, { rawSamples: 500, buckets: 256 });
    const points = envelope.points(600);
    assert.ok(points.time.length <= 600, label);
    for (let index = 1; index < points.time.length; index++) assert.ok(points.time[index - 1] <= points.time[index], `${label}: time goes back at ${index}`);
    for (const [time, memory] of pairs(points)) assert.ok(real.has(`${time}:${memory}`), `${label}: ${time}, ${memory} is no sample`);
    assert.equal(Math.max(...points.memory), truePeak[1], label);
    assert.equal(Math.min(...points.memory), trueLow[1], label);
    assert.deepEqual(envelope.peak, { time: truePeak[0], memory: truePeak[1] }, label);
    assert.equal(envelope.count, list.length);
    assert.equal(points.time[0], list[0][0], `${label}: the first sample is kept`);
    assert.equal(points.time[points.time.length - 1], list[list.length - 1][0], `${label}: the last sample is kept`);
  }
});

test('decimated: samples at one moment, far apart, and a single bucket left', () => {
  const same = envelopeOf(Array.from({ length: 100 }, (_, index) => [5, index % 10] as [number, number]), { rawSamples: 10, buckets: 4 });
  // First and lowest are one sample, highest and last are equal ones: two points.
  assert.deepEqual(same.points(), { time: [5, 5], memory: [0, 9], bucketSeconds: 1, means: { time: [5], memory: [4.5], samples: [100] } });
  const far = envelopeOf(
    [
      [0, 1],
      [1e9, 2.5],
      [1, 3],
      [3, 2],
      [2, 0],
    ],
    { rawSamples: 1, buckets: 4 },
  );
  assert.deepEqual(pairs(far.points()), [
    [0, 1],
    [1, 3],
    [2, 0],
    [3, 2],
    [1e9, 2.5],
  ]);
  assert.deepEqual(
    pairs(far.points(1)),
    [
      [0, 1],
      [1, 3],
      [2, 0],
      [1e9, 2.5],
    ],
    'one bucket: its first, highest, lowest and last',
  );
  // Before the first sample and after it: bucket edges stay at the first sample, so two buckets are left.
  const both = envelopeOf(
    [
      [0, 1],
      [-1e9, 4],
      [-5, 0],
      [1e9, 2],
      [7, 9],
    ],
    { rawSamples: 1, buckets: 4 },
  );
  assert.deepEqual(pairs(both.points(1)), [
    [-1e9, 4],
    [-5, 0],
    [0, 1],
    [7, 9],
    [1e9, 2],
  ]);
});

test('the point budget: series that want less get it all, the others share the rest equally', () => {
  assert.deepEqual(sharePoints([10, 1000, 50, 1000], 1000), [10, 470, 50, 470]);
  assert.deepEqual(sharePoints([10, 20], 1000), [10, 20]);
  assert.deepEqual(sharePoints([], 10), []);
  const shares = sharePoints([5000, 5000, 5000], 1000);
  assert.ok(shares.reduce((sum, share) => sum + share, 0) <= 1000);
});

/** A recording of `count` samples a main process and a child (CHLD), with calls. */
function bigRecording(count: number): DatFile {
  const lines = ['CMDLINE node big.js'];
  for (const [time, memory] of samples(count, 3)) {
    lines.push(`MEM ${memory.toFixed(6)} ${time.toFixed(4)}`, `CHLD 42 ${(memory / 2).toFixed(6)} ${time.toFixed(4)}`);
  }
  for (let call = 0; call < 50; call++) lines.push(`FUNC handle ${100 + call}.0000 ${1000 + call * 2}.0000 ${101 + call}.0000 ${1001 + call * 2}.0000 0`);
  return parseDat(`${lines.join('\n')}\n`, 'big.dat');
}

const peakLabel = (svg: string): string | undefined => /class="peak-label"[^>]*>([^<]*)</.exec(svg)?.[1];

test('the model decimates to its budget; the peak label is the full recording\'s, and zooming in shows more points', () => {
  const dat = bigRecording(20_000);
  // The model keeps 4 decimals of MiB.
  const truePeak = Math.round(Math.max(...dat.mem.map((sample) => sample.mib)) * 1e4) / 1e4;
  const whole = buildPlotData([dat], { maxPoints: Infinity });
  const data = buildPlotData([dat], { maxPoints: 4000 });
  assert.equal(whole.series[0].time.length, 20_000, 'under the budget: every sample');
  assert.equal(whole.series[0].decimated, undefined);
  const points = data.series.reduce((sum, series) => sum + series.time.length, 0);
  assert.ok(points <= 4000, `${points} points`);
  assert.equal(data.series[0].decimated?.samples, 20_000);
  assert.ok(data.series[0].decimated!.bucketSeconds > 0.01);
  assert.equal(Math.max(...data.series[0].memory), truePeak, 'the peak sample is kept');
  assert.equal(Math.max(...data.series[1].memory), Math.round(Math.max(...dat.children.get(42)!.map((sample) => sample.mib)) * 1e4) / 1e4);
  assert.deepEqual(data.span, whole.span);
  assert.equal(data.calls.length, 50, 'calls are all kept');
  // The picture: the same peak label as from every sample.
  assert.equal(peakLabel(renderSvg(data).svg), `peak ${formatMiB(truePeak)}`);
  assert.equal(peakLabel(renderSvg(data).svg), peakLabel(renderSvg(whole).svg));
  // Zoomed on a tenth of the recording, the line shows more than twice the points the full view has
  // there: the page keeps more points than one view draws (here 15,000 per series for 1,100 px).
  const finer = buildPlotData([dat], { maxPoints: 30_000 });
  assert.ok(finer.series[0].decimated, 'still decimated');
  const path = (svg: string) => (/class="series-line" d="([^"]*)"/.exec(svg)?.[1] ?? '').split(/[ML]/).length - 1;
  const full = path(renderSvg(finer).svg);
  const zoomed = path(renderSvg(finer, { window: [100, 120] }).svg);
  assert.ok(zoomed > (2 * full) / 10, `zoomed ${zoomed} points, full view ${full}`);
  assert.equal(peakLabel(renderSvg(finer).svg), `peak ${formatMiB(truePeak)}`);
  // The slope of a decimated series is fitted to its buckets' means: that of every sample (here to
  // 0.1%, for a slope that is small beside the sawtooth), where the points drawn would give another.
  const slopeOf = (svg: string) => Number(/slope ([-+\u2212][\d.]+) MiB\/s/.exec(svg)?.[1].replace('\u2212', '-'));
  const exact = leastSquares(whole.series[0].time, whole.series[0].memory)!.slope;
  const means = data.series[0].decimated!.means;
  assert.equal(means.samples.reduce((sum, count) => sum + count, 0), 20_000);
  const fitted = leastSquares(means.time, means.memory, means.samples)!.slope;
  assert.ok(Math.abs(fitted - exact) < 1e-3 * Math.abs(exact), `slope ${fitted} of the means, ${exact} of the samples`);
  assert.ok(Math.abs(leastSquares(data.series[0].time, data.series[0].memory)!.slope - exact) > 10 * Math.abs(fitted - exact), 'the points alone give a worse slope');
  assert.equal(slopeOf(renderSvg(data, { slope: true }).svg), slopeOf(renderSvg(whole, { slope: true }).svg));
  // A mark per sample only where every sample is there.
  assert.match(renderSvg(whole, { window: [100, 101] }).svg, /class="samples"/);
  assert.doesNotMatch(renderSvg(data, { window: [100, 101] }).svg, /class="samples"/);
  // The same rule from a stream as from the whole file: the model gets the same data either way.
  assert.deepEqual(buildPlotData([recordingOf(dat)], { maxPoints: 4000 }), data);
});

test('the page carries the data in columns, losslessly, in fewer bytes', () => {
  assert.deepEqual(encodeColumn([1000.01, 1000.02, 1000.0375]), { scale: 4, deltas: [10000100, 100, 175] });
  assert.deepEqual(encodeColumn([3, 1, 2]), { scale: 0, deltas: [3, -2, 1] });
  assert.deepEqual(encodeColumn([0.123456, 1]), [0.123456, 1], 'more decimals than 4: as written');
  assert.deepEqual(encodeColumn([1, null, 'x']), [1, null, 'x']);
  assert.deepEqual(encodeColumn([]), { scale: 0, deltas: [] });
  const random = randomSource(4);
  const values = Array.from({ length: 1000 }, () => Math.round((random() * 1e6 - 5e5) * 1e4) / 1e4);
  assert.deepEqual(decodeColumn(encodeColumn(values)), values);

  const dat = bigRecording(5000);
  dat.funcs.push({ name: 'worker', mem0: 1, t0: 1001, mem1: 2, t1: 1002, level: 0, pid: 42 });
  const data: PlotData = buildPlotData([dat], { maxPoints: 3000 });
  assert.ok(data.series.every((series) => series.decimated), 'decimated series, their means too');
  const page = encodePageData(data);
  assert.equal(page.encoding, 'memprof-columns-1');
  assert.deepEqual(decodePageData(JSON.parse(JSON.stringify(page))), JSON.parse(JSON.stringify(data)));
  assert.ok(decodePageData(page).calls.some((call) => call.pid === 42));
  assert.ok(decodePageData(page).calls.some((call) => !('pid' in call)), 'no pid field where a call has none');
  assert.ok(JSON.stringify(page).length < 0.7 * JSON.stringify(data).length, 'smaller than plain JSON');
});

test('flame rows: each call at its level if free, else the next free row above, as the all-pairs rule gave', () => {
  /** The rule as it was: a call clashes with every placed call it overlaps, or equals. */
  function reference(calls: CallData[]): number {
    const order = [...calls].sort((a, b) => a.level - b.level || a.entryTime - b.entryTime || b.exitTime - a.exitTime);
    const rows: Array<Array<[number, number]>> = [];
    for (const call of order) {
      let row = call.level;
      while ((rows[row] ?? []).some(([entry, exit]) => (call.entryTime < exit && entry < call.exitTime) || (call.entryTime === entry && call.exitTime === exit))) row++;
      (rows[row] ??= []).push([call.entryTime, call.exitTime]);
      call.row = row;
    }
    return Math.max(1, rows.length);
  }
  const random = randomSource(11);
  for (let round = 0; round < 40; round++) {
    const calls: CallData[] = Array.from({ length: 60 }, () => {
      const entryTime = Math.floor(random() * 40) / 2;
      const length = random() < 0.2 ? 0 : Math.floor(random() * 10) / 2;
      return { function: 0, series: 0, entryTime, exitTime: entryTime + length, entryMemory: 0, exitMemory: 0, level: Math.floor(random() * 3), group: 0, row: -1 };
    });
    const expected = calls.map((call) => ({ ...call }));
    const rows = assignRows(calls);
    assert.equal(rows, reference(expected), `round ${round}`);
    assert.deepEqual(
      calls.map((call) => call.row),
      expected.map((call) => call.row),
      `round ${round}`,
    );
  }
});
