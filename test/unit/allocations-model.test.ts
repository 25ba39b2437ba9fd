// The flame graphs and the pprof file, in process with scripted profiles: trees merged and folded,
// totals, search, the layout of flame and icicle views and of a zoom, the SVG (escaped, titled), the
// protobuf encoding, and a pprof profile decoded back by pprof-format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { AllocationProfile } from '../../src/allocations/profile-files';
import type { Frame } from '../../src/allocations/frames';
import { encodePprof } from '../../src/allocations/pprof';
import { MessageWriter } from '../../src/allocations/protobuf';
import { buildAllocationData, type AllocationData } from '../../src/plot/allocations/data';
import { buildFlameTree, nodeLocation, nodeName, searchTree } from '../../src/plot/allocations/flame-tree';
import { formatBytes, formatShare } from '../../src/plot/allocations/format';
import { layOutFlame, ROW_HEIGHT } from '../../src/plot/allocations/layout';
import { renderAllProfilesSvg, renderProfileSvg } from '../../src/plot/allocations/svg';

const frame = (name: string, file: string, line: number, extra: Partial<Frame> = {}): Frame => ({ name, file, line, column: 1, kind: 'program', ...extra });
const express = (name: string, line: number): Frame => frame(name, `/app/node_modules/express/lib/${name}.js`, line, { kind: 'package', package: 'express' });

/**
 * (root)
 *   handle (app.js:10)       100 self
 *     router (express)        0
 *       layer (express)      50
 *         respond (app.js:20) 800
 *       layer (express)       0    a second call site of layer under router: merged
 *         respond (app.js:20) 200
 *   <img src=x onerror=alert(1)> (hostile.js:1) 30
 */
function scriptedProfile(kind: 'allocated' | 'live' = 'allocated', pid = 7): AllocationProfile {
  const frames = [frame('(root)', '', 0, { kind: 'v8', column: 0 }), frame('handle', '/app/app.js', 10), express('router', 5), express('layer', 9), frame('respond', '/app/app.js', 20), frame('<img src=x onerror=alert(1)>', '/app/hostile.js', 1)];
  const nodes = [
    { frame: 0, parent: -1, selfBytes: 0, selfSamples: 0 },
    { frame: 1, parent: 0, selfBytes: 100, selfSamples: 1 },
    { frame: 2, parent: 1, selfBytes: 0, selfSamples: 0 },
    { frame: 3, parent: 2, selfBytes: 50, selfSamples: 1 },
    { frame: 4, parent: 3, selfBytes: 800, selfSamples: 4 },
    { frame: 3, parent: 2, selfBytes: 0, selfSamples: 0 },
    { frame: 4, parent: 5, selfBytes: 200, selfSamples: 1 },
    { frame: 5, parent: 0, selfBytes: 30, selfSamples: 1 },
  ];
  return {
    path: `/r/pid-${pid}.heapprofile`,
    meta: { format: 1, pid, ppid: 1, threadId: 0, argv: ['/usr/bin/node', '/app/app.js'], node: 'v20', kind, samplingInterval: 1024, reason: 'exit', startedAt: 1_000, writtenAt: 4_000 },
    frames,
    nodes,
    totalBytes: 1180,
    totalSamples: 8,
  };
}

const dataOf = (...profiles: AllocationProfile[]): AllocationData => buildAllocationData(profiles, '');

test('the flame tree: calls merged by frame under each caller, totals from the leaves, biggest first', () => {
  const data = dataOf(scriptedProfile());
  const tree = buildFlameTree(data, data.profiles[0], { fold: false });
  const describe = (node = tree.root, indent = ''): string[] => [
    `${indent}${nodeName(node)} ${node.totalBytes}/${node.selfBytes} x${node.merged}`,
    ...node.children.flatMap((child) => describe(child, `${indent}  `)),
  ];
  assert.deepEqual(describe(), [
    'all 1180/0 x1',
    '  handle 1150/100 x1',
    '    router 1050/0 x1',
    '      layer 1050/50 x2',
    '        respond 1000/1000 x2',
    '  <img src=x onerror=alert(1)> 30/30 x1',
  ]);
  assert.deepEqual(tree.nodes.map((node) => node.id), [0, 1, 2, 3, 4, 5], 'ids in drawing order');
  assert.equal(tree.depth, 4);
  assert.equal(tree.root.totalSamples, 8);
  assert.equal(nodeLocation(tree.nodes[3]), 'node_modules/express/lib/layer.js:9');
});

test("folding: a package's frames that call each other become one node named after it", () => {
  const data = dataOf(scriptedProfile());
  const tree = buildFlameTree(data, data.profiles[0], { fold: true });
  const express = tree.root.children[0].children[0];
  assert.equal(nodeName(express), 'express');
  assert.equal(express.folded, 'express');
  assert.equal(express.merged, 3, 'router and the two layers');
  assert.equal(express.selfBytes, 50);
  assert.equal(express.totalBytes, 1050);
  assert.equal(nodeLocation(express), '/app/node_modules/express/');
  assert.deepEqual(express.children.map(nodeName), ['respond']);
});

test('search: the matching nodes, and the bytes under them counted once', () => {
  const data = dataOf(scriptedProfile());
  const tree = buildFlameTree(data, data.profiles[0], { fold: false });
  assert.deepEqual(searchTree(tree, 'RESP'), { matches: new Set([4]), bytes: 1000 });
  // handle matches, and respond inside it (app.js): the bytes under handle only.
  assert.deepEqual(searchTree(tree, 'app.js'), { matches: new Set([1, 4]), bytes: 1150 });
  assert.deepEqual(searchTree(tree, '  '), { matches: new Set(), bytes: 0 });
});

test('layout: widths by share, rows from the bottom (flame) or the top (icicle), a zoom spans the width', () => {
  const data = dataOf(scriptedProfile());
  const tree = buildFlameTree(data, data.profiles[0], { fold: false });
  const flame = layOutFlame(tree, { x: 0, top: 100, width: 1180, inverted: false });
  const box = (layout: typeof flame, id: number) => layout.boxes.find((entry) => entry.node.id === id)!;
  assert.equal(flame.rows, 5);
  assert.equal(flame.height, 5 * ROW_HEIGHT);
  assert.deepEqual([box(flame, 0).y, box(flame, 0).width], [100 + 4 * ROW_HEIGHT, 1180]);
  assert.deepEqual([box(flame, 1).x, box(flame, 1).width, box(flame, 1).y], [0, 1150, 100 + 3 * ROW_HEIGHT]);
  assert.deepEqual([box(flame, 5).x, box(flame, 5).width], [1150, 30]);
  const icicle = layOutFlame(tree, { x: 0, top: 100, width: 1180, inverted: true });
  assert.equal(box(icicle, 0).y, 100);
  assert.equal(box(icicle, 4).y, 100 + 4 * ROW_HEIGHT);
  // Zoom on layer: it and respond across the width, its callers whole and marked, hostile.js gone.
  const zoomed = layOutFlame(tree, { x: 10, top: 0, width: 500, inverted: false, focus: tree.nodes[3] });
  assert.deepEqual(zoomed.boxes.map((entry) => [entry.node.id, entry.ancestor, Math.round(entry.x), Math.round(entry.width)]), [
    [2, true, 10, 500],
    [1, true, 10, 500],
    [0, true, 10, 500],
    [3, false, 10, 500],
    [4, false, 10, 476],
  ]);
  // Narrower than half a pixel: left out.
  const narrow = layOutFlame(tree, { x: 0, top: 0, width: 10, inverted: false });
  assert.equal(narrow.boxes.some((entry) => entry.node.id === 5), false);
});

test('the SVG: every text escaped, tooltips as <title> in files, none in the page, matches marked', () => {
  const data = dataOf(scriptedProfile());
  const tree = buildFlameTree(data, data.profiles[0], { fold: false });
  const file = renderProfileSvg(data.profiles[0], tree, {}).svg;
  assert.doesNotMatch(file, /<img/);
  assert.match(file, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.equal(file.match(/<g class="frame/g)?.length, 6);
  assert.match(file, /<title>respond\nwhere: \/app\/app\.js:20\ntotal: 1000 B \(85%\)/);
  const page = renderProfileSvg(data.profiles[0], tree, { interactive: true, matches: new Set([4]) }).svg;
  assert.doesNotMatch(page, /<title>/);
  assert.equal(page.match(/class="frame match"/g)?.length, 1);
  const all = renderAllProfilesSvg(dataOf(scriptedProfile(), scriptedProfile('live', 8)), { fold: true });
  assert.equal(all.match(/class="flame-graph"/g)?.length, 2);
  assert.match(all, /pid 8 main thread: still live, at exit/);
  assert.match(all, />express</);
});

test('sizes and shares as the report writes them', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(5 * 1024 * 1024 * 1024), '5.00 GiB');
  assert.equal(formatBytes(150 * 1024 * 1024), '150 MiB');
  assert.equal(formatShare(1, 3), '33%');
  assert.equal(formatShare(1, 300), '0.33%');
  assert.equal(formatShare(1, 0), '0%');
});

test('protobuf varints: 1 byte to 127, 300 as ac 02, negative int64 as ten bytes', () => {
  assert.deepEqual([...new MessageWriter().int(1, 127).finish()], [0x08, 0x7f]);
  assert.deepEqual([...new MessageWriter().int(1, 300).finish()], [0x08, 0xac, 0x02]);
  assert.deepEqual([...new MessageWriter().int(2, -1).finish()], [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  assert.deepEqual([...new MessageWriter().int(1, 0).finish()], [], 'zero is the default: left out');
  assert.deepEqual([...new MessageWriter().packed(1, [1, 2, 300]).finish()], [0x0a, 0x04, 0x01, 0x02, 0xac, 0x02]);
  assert.deepEqual([...new MessageWriter().string(6, 'hé').finish()], [0x32, 0x03, 0x68, 0xc3, 0xa9]);
});

test('pprof: decoded back, leaf-first stacks below the root, a sample type per kind, lines on their own', () => {
  const lines = [{ function: 'respond', file: '/app/app.js', firstLine: 20, line: 22, allocatedBytes: 4096, occurrences: 2 }];
  const profile = Profile.decode(gunzipSync(encodePprof({ profiles: [scriptedProfile(), scriptedProfile('live', 8)], lines })));
  const text = (index: number | bigint) => profile.stringTable.strings[Number(index)];
  assert.equal(text(0), '');
  assert.deepEqual(profile.sampleType.map((type) => `${text(type.type)}/${text(type.unit)}`), ['alloc_space/bytes', 'inuse_space/bytes', 'line_alloc_space/bytes']);
  assert.equal(text(profile.defaultSampleType), 'alloc_space');
  assert.equal(`${text(profile.periodType!.type)}/${text(profile.periodType!.unit)}`, 'space/bytes');
  assert.equal(Number(profile.period), 1024);
  assert.equal(Number(profile.timeNanos), 1e9);
  assert.equal(Number(profile.durationNanos), 3e9);
  const functions = new Map(profile.function.map((fn) => [Number(fn.id), fn]));
  const locations = new Map(profile.location.map((location) => [Number(location.id), location]));
  const stack = (ids: Array<number | bigint>) =>
    ids.map((id) => {
      const line = locations.get(Number(id))!.line[0];
      return `${text(functions.get(Number(line.functionId))!.name)}:${Number(line.line)}`;
    });
  const samples = profile.sample.map((sample) => ({ stack: stack(sample.locationId), values: sample.value.map(Number), pid: Number(sample.label.find((label) => text(label.key) === 'pid')?.num ?? 0) }));
  // Five nodes with bytes of their own per heap profile, one line sample.
  assert.equal(samples.length, 11);
  assert.deepEqual(samples[0], { stack: ['handle:10'], values: [100, 0, 0], pid: 7 });
  assert.deepEqual(samples[2], { stack: ['respond:20', 'layer:9', 'router:5', 'handle:10'], values: [800, 0, 0], pid: 7 });
  assert.deepEqual(samples[5], { stack: ['handle:10'], values: [0, 100, 0], pid: 8 });
  assert.deepEqual(samples[10], { stack: ['respond:22'], values: [0, 0, 4096], pid: 0 });
  const sum = (column: number) => samples.reduce((total, sample) => total + sample.values[column], 0);
  assert.deepEqual([sum(0), sum(1), sum(2)], [1180, 1180, 4096]);
  assert.equal(profile.comment.length, 3);
  assert.match(text(profile.comment[1]), /^pid 8 \(\/app\/app\.js\): inuse_space, one sample every 1024 bytes on average, exit$/);
  assert.throws(() => encodePprof({ profiles: [], lines: [] }), /nothing was allocated/);
});
