// The leak finder's logic on scripted inputs: the fit, the charging of live allocations to lines and
// iterations, which lines are said to leak, heap snapshots and their retainer chains, source maps, and
// the text report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitGrowth, theilSenSlope, trendConfidence, normalCdf } from '../../src/api/leaks/growth';
import { keptLines, allocatingFunctions, type KeptLine } from '../../src/api/leaks/attribution';
import type { AllocationSample, CallFrame } from '../../src/api/leaks/allocation-samples';
import type { LineMarks } from '../../src/api/leaks/line-marks';
import { leakingLines, coverageNote } from '../../src/api/leaks/leak-lines';
import { median } from '../../src/shared/statistics';
import { HeapGraph } from '../../src/api/leaks/heap-graph';
import { RetainerTree, describeRetainers, heldByVariable, type RetainerStep } from '../../src/api/leaks/retainer-path';
import { ScriptCatalog } from '../../src/api/leaks/scripts';
import type { InspectorSession } from '../../src/api/leaks/inspector';
import { formatLeakReport, type LeakReport } from '../../src/api/leaks/leak-report';
import { findLeaks } from '../../src/api/leaks/find-leaks';

test('Theil–Sen: the median of pairwise slopes, unmoved by a few outliers', () => {
  assert.equal(theilSenSlope([0, 2, 4, 6, 8]), 2);
  assert.equal(theilSenSlope([0, 2, 400, 6, 8, -300, 12]), 2);
  assert.equal(theilSenSlope([5, 5, 5, 5]), 0);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
});

test('Mann–Kendall: a steady rise is sure, a shuffle is not, a fall is the opposite', () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-9);
  assert.ok(Math.abs(normalCdf(1.96) - 0.975) < 1e-4);
  const rising = Array.from({ length: 17 }, (_, index) => index * 100_000);
  assert.ok(trendConfidence(rising) > 0.999);
  assert.ok(trendConfidence([...rising].reverse()) < 0.001);
  const shuffled = [5, 1, 8, 3, 9, 2, 7, 4, 6, 0, 5, 3, 8, 1, 7, 2, 6];
  const confidence = trendConfidence(shuffled);
  assert.ok(confidence > 0.2 && confidence < 0.8, `shuffled: ${confidence}`);
  // A plateau is all ties: no trend either way.
  assert.equal(trendConfidence([7, 7, 7, 7, 7]), 0.5);
});

test('fitGrowth: warm-up left out; what levels off (compiled code) has no recent growth, a leak does', () => {
  const leak = [900_000, 50_000, 0].concat(Array.from({ length: 17 }, (_, index) => 100_000 * (index + 1)));
  const fitted = fitGrowth(leak, 3);
  assert.equal(fitted.bytesPerIteration, 100_000);
  assert.equal(fitted.recentBytesPerIteration, 100_000);
  // Steps that stop: the JIT's few KiB early on, then nothing.
  const warming = [0, 4000, 9000, 12000, 14000, 15000, 16000, 16500, 16500, 16500, 16500, 16500, 16500, 16500, 16500, 16500, 16500, 16500, 16500, 16500];
  const levelled = fitGrowth(warming, 3);
  assert.equal(levelled.recentBytesPerIteration, 0);
  assert.ok(levelled.bytesPerIteration < 1000, `${levelled.bytesPerIteration}`);
});

const frame = (functionName: string, url: string, lineNumber: number, scriptId = '7'): CallFrame => ({ functionName, url, scriptId, lineNumber, columnNumber: 0 });
const MARK = frame('newMark', '/memprof/dist/src/api/leaks/line-marks.js', 130, '2');
const LEAKY = frame('leaky', '/app/leaky.js', 8);
const HELPER = frame('helper', '/app/helper.js', 2, '8');
const OWN = frame('collect', '/memprof/dist/src/api/collect.js', 30, '3');
const ownFiles = (url: string) => url.startsWith('/memprof/');

/** Marks as line-marks.ts records them: ids in order; locations 0 and 1 are lines 10 and 11 of leaky() (line 9). */
function fakeMarks(log: number[]): LineMarks {
  return {
    count: log.length,
    log: Int32Array.from(log),
    locations: [
      { scriptId: '7', line: 10, functionKey: '7:8:0' },
      { scriptId: '7', line: 11, functionKey: '7:8:0' },
    ],
  } as unknown as LineMarks;
}

let ordinal = 0;
const sample = (sizeBytes: number, ...stack: CallFrame[]): AllocationSample => ({ ordinal: ++ordinal, sizeBytes, stack });
/** A line's mark, made from a breakpoint condition on top of leaky(). */
const mark = () => sample(48, MARK, LEAKY);
/** An iteration's mark: a large object of line-marks.ts. */
const iterationMark = () => sample(8208, frame('newIterationMark', MARK.url, 140, '2'), OWN);
const charge = (samples: AllocationSample[], log: number[], iterations: number) => keptLines(samples, fakeMarks(log), iterations, ownFiles, (at) => at.lineNumber + 1);

test('keptLines: each live allocation goes to the last mark before it, in its iteration; memprof’s and the inspector’s are left out', () => {
  // Iteration marks are -(iteration + 1) in the log; the discovery iteration (0) is not charged.
  const samples = [
    iterationMark(), sample(5000, LEAKY, OWN), // iteration 0
    iterationMark(), mark(), sample(1000, LEAKY, OWN), mark(), sample(100, frame('push', '', -1, '0'), LEAKY, OWN), sample(300, HELPER, LEAKY, OWN), // iteration 1: lines 10 and 11
    iterationMark(), sample(70, LEAKY, OWN), mark(), sample(1000, LEAKY, OWN), // iteration 2: entry, then line 10
    sample(999, frame('#onMessage', 'node:inspector', 80), LEAKY, OWN), sample(999, OWN),
  ];
  const lines = charge(samples, [-1, -2, 0, 1, -3, 0], 2);
  const byLine = new Map(lines.map((line) => [`${line.line}${line.entry ? ' entry' : ''}`, line]));
  assert.deepEqual([...byLine.keys()].sort(), ['10', '11', '9 entry']);
  assert.deepEqual(byLine.get('10')!.keptBytes, [1000, 1000]);
  // A builtin's and an unmarked helper's allocations are the calling line's.
  assert.deepEqual(byLine.get('11')!.keptBytes, [400, 0]);
  assert.equal(byLine.get('10')!.largestBytes, 1000);
  // Before the call's first statement (its context, its arguments): charged to the function's line.
  assert.deepEqual(byLine.get('9 entry')!.keptBytes, [0, 70]);
});

test('keptLines: an iteration whose marks do not line up with those made is left out, not guessed', () => {
  const samples = [iterationMark(), iterationMark(), mark(), sample(1000, LEAKY, OWN), iterationMark(), sample(1000, LEAKY, OWN), iterationMark(), mark(), sample(500, LEAKY, OWN)];
  // Iteration 2 made a mark the profile did not see (say, the compiler inlined it away).
  const lines = charge(samples, [-1, -2, 0, -3, 0, -4, 1], 3);
  assert.deepEqual(lines.map((line) => [line.line, line.keptBytes]), [[10, [1000, null, 0]], [11, [0, null, 500]]]);
});
test('allocatingFunctions: the program’s innermost function of each live allocation, once', () => {
  const found = allocatingFunctions([sample(10, LEAKY, OWN), sample(10, frame('push', '', -1, '0'), LEAKY), sample(10, HELPER, LEAKY), sample(10, OWN), sample(10, MARK, LEAKY)], ownFiles);
  assert.deepEqual(found.map((at) => at.functionName), ['leaky', 'helper']);
});

const kept = (line: number, keptBytes: Array<number | null>): KeptLine => ({ scriptId: '7', url: '/app/leaky.js', line, functionName: 'leaky', frame: LEAKY, keptBytes, largestBytes: 0, entry: false });

test('leakingLines: lines that kept memory from every earlier iteration, most first; steadiness from how alike they are', () => {
  const found = leakingLines([kept(10, [100, 100, 100, 100]), kept(11, [5000, 0, 5000, 5000]), kept(12, [56, 56, 600, 56]), kept(13, [40, 500, 40, 0])], 3);
  assert.deepEqual(found.map((entry) => [entry.line.line, entry.perIteration]), [[10, 100], [12, 56], [13, 40]]);
  assert.deepEqual(found.map((entry) => entry.steady), [1, 1, 1]);
  const uneven = leakingLines([kept(14, [100, 1000, 1000, 0])], 3);
  assert.ok(Math.abs(uneven[0].steady - 2 / 3) < 1e-9);
  // Iterations that could not be charged are left out of the verdict.
  assert.deepEqual(leakingLines([kept(15, [300, null, 300, 0]), kept(16, [null, null, null, 5])], 3).map((entry) => [entry.line.line, entry.perIteration]), [[15, 300]]);
  const growth = { bytesPerIteration: 1000, recentBytesPerIteration: 1000, confidence: 1 };
  assert.equal(coverageNote([{ bytesPerIteration: 900 } as never], growth), null);
  assert.match(coverageNote([{ bytesPerIteration: 100 } as never], growth)!, /^the lines found keep 10% of the growth/);
});

/** A heap snapshot in V8's format: root → (GC roots) → a context holding `cache`, a Map, its table, an entry. */
function snapshot() {
  const nodeFields = ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'];
  const nodeTypes = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic'];
  const strings = ['', '(GC roots)', 'system / Context', 'Map', 'cache', 'table', 'Array', 'elements', '(object elements)', 'weakly', 'Object', 'leaky', '/app/leaky.js', '(root)'];
  const s = (text: string) => strings.indexOf(text);
  const t = (type: string) => nodeTypes.indexOf(type);
  // [type, name, id, size, edges, trace, detachedness]
  const nodes = [
    [t('synthetic'), s(''), 1, 0, 1, 0, 0], // 0 root
    [t('synthetic'), s('(GC roots)'), 3, 0, 2, 0, 0], // 1
    [t('object'), s('system / Context'), 5, 40, 1, 0, 0], // 2
    [t('object'), s('Map'), 7, 32, 1, 0, 0], // 3
    [t('array'), s(''), 9, 200, 1, 0, 0], // 4 the Map's table
    [t('object'), s('Array'), 11, 32, 1, 2, 0], // 5 an entry, allocated by leaky()
    [t('array'), s('(object elements)'), 13, 102416, 0, 2, 0], // 6 its elements
    [t('object'), s('Object'), 15, 16, 1, 0, 0], // 7 reached only weakly... and through a weak edge to 6
  ].flat();
  const edgeTypes = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
  const e = (type: string) => edgeTypes.indexOf(type);
  const F = nodeFields.length;
  const edges = [
    [e('element'), 1, 1 * F], // root -> (GC roots)
    [e('element'), 1, 2 * F], // (GC roots) -> context
    [e('weak'), s('weakly'), 7 * F], // (GC roots) -weak-> 7
    [e('context'), s('cache'), 3 * F], // context -cache-> Map
    [e('internal'), s('table'), 4 * F], // Map -> table
    [e('internal'), 3, 5 * F], // table[3] -> entry (Map entries are internal slots)
    [e('internal'), s('elements'), 6 * F], // entry -> elements
    [e('weak'), s('weakly'), 6 * F], // 7 -weak-> elements
  ].flat();
  return {
    snapshot: {
      meta: {
        node_fields: nodeFields,
        node_types: [nodeTypes],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [edgeTypes],
        trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
      },
    },
    nodes,
    edges,
    strings,
    trace_function_infos: [0, s('(root)'), s(''), 0, 0, 0, 1, s('leaky'), s('/app/leaky.js'), 7, 10, 1],
    // root (id 1) -> leaky (id 2)
    trace_tree: [1, 0, 0, 0, [2, 1, 1, 102448, []]],
    locations: [],
  };
}

test('HeapGraph: nodes, edges and allocation stacks of a snapshot', () => {
  const graph = new HeapGraph(snapshot() as never);
  assert.equal(graph.nodeCount, 8);
  assert.equal(graph.name(3), 'Map');
  assert.equal(graph.selfSize(6), 102416);
  assert.equal(graph.tracked(5), true);
  assert.equal(graph.tracked(3), false);
  assert.deepEqual(graph.allocationStack(6), [{ name: 'leaky', url: '/app/leaky.js', scriptId: '7', lineNumber: 9, columnNumber: 0 }]);
  const edges: string[] = [];
  graph.forEachEdge(1, (type, name, target) => edges.push(`${type}:${name}:${target}`));
  assert.deepEqual(edges, ['element:1:2', 'weak:weakly:7']);
});

test('RetainerTree: the shortest strong chain (weak references keep nothing alive); described from the variable', () => {
  const graph = new HeapGraph(snapshot() as never);
  const tree = new RetainerTree(graph, () => 'nowhere');
  assert.equal(tree.pathTo(7), null, 'only a weak reference reaches it');
  const path = tree.pathTo(6)!;
  assert.deepEqual(path.map((step) => step.nodeName), ['(GC roots)', 'system / Context', 'Map', '', 'Array', '(object elements)']);
  assert.deepEqual(path.map((step) => step.variable), [false, false, true, false, false, false]);
  assert.equal(heldByVariable(path), true);
  assert.deepEqual(describeRetainers(path), ['cache (Map)', '(Array, 100.0 KiB)']);
});

const step = (edgeType: string, edgeName: string | number, nodeType: string, nodeName: string, extra: Partial<RetainerStep> = {}): RetainerStep => ({
  edgeType,
  edgeName,
  nodeType,
  nodeName,
  selfSize: 32,
  closureAt: null,
  variable: edgeType === 'context',
  ...extra,
});

test('describeRetainers: from the variable holding the last collection; internal slots folded; closures with their line', () => {
  const listener = [
    step('element', 1, 'synthetic', '(GC roots)'),
    step('context', 'exports', 'object', 'Object'),
    step('property', 'subscribe', 'closure', 'subscribe', { closureAt: 'app.js:3' }),
    step('internal', 'context', 'object', 'system / Context'),
    step('context', 'events', 'object', 'EventEmitter'),
    step('property', '_events', 'object', 'Object'),
    step('property', 'tick', 'object', 'Array'),
    step('internal', 'elements', 'array', '(object elements)'),
    step('element', 4, 'closure', '', { closureAt: 'app.js:9' }),
    step('internal', 'context', 'object', 'system / Context'),
    step('context', 'payload', 'object', 'Array'),
    step('internal', 'elements', 'array', '(object elements)', { selfSize: 102416 }),
  ];
  assert.deepEqual(describeRetainers(listener), ['events (EventEmitter)', '._events (Object)', '.tick (Array)', '[4] closure at app.js:9', 'payload (Array, 100.0 KiB)']);
  // An ES module's scope: the slot has no name.
  const esm = [step('internal', 181, 'object', 'system / Context'), step('hidden', 0, 'object', 'Map', { variable: true }), step('internal', 'table', 'array', ''), step('internal', 5, 'closure', '', { closureAt: 'm.mjs:8' })];
  assert.deepEqual(describeRetainers(esm), ['module variable (Map)', 'closure at m.mjs:8']);
  // A closure's scope as the object: its context.
  const scope = [step('context', 'open', 'object', 'Map'), step('internal', 2, 'closure', '', { closureAt: 'a.js:8' }), step('internal', 'context', 'object', 'system / Context', { selfSize: 40 })];
  assert.deepEqual(describeRetainers(scope), ['open (Map)', 'closure at a.js:8', '(its scope, 40 B)']);
});

/** An inspector session that only relays Debugger.scriptParsed to the catalog. */
function scriptsOf(scripts: Array<{ scriptId: string; url: string; sourceMapURL?: string }>): ScriptCatalog {
  let listener: ((message: { params: unknown }) => void) | undefined;
  const session = { on: (_event: string, fn: typeof listener) => (listener = fn), off: () => undefined } as unknown as InspectorSession;
  const catalog = new ScriptCatalog(session);
  for (const script of scripts) listener!({ params: script });
  return catalog;
}

test('ScriptCatalog: lines through an inline source map (a test runner moved them), else as they are', () => {
  // Generated lines 0, 1, 2 come from original lines 0, 5, 6 (VLQ: AAAA; AAKA; AACA).
  const map = { version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA;AAKA;AACA' };
  const catalog = scriptsOf([
    { scriptId: '1', url: '/app/a.ts', sourceMapURL: `data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}` },
    { scriptId: '2', url: 'file:///app/b.mjs' },
  ]);
  assert.equal(catalog.originalLine('1', 1, 4), 6);
  assert.equal(catalog.originalLine('1', 2, 0), 7);
  assert.equal(catalog.originalLine('2', 4, 0), 5);
  assert.equal(catalog.describe('2', 4, 0), '/app/b.mjs:5');
  assert.equal(catalog.url('3'), undefined);
});

test('formatLeakReport: the verdict, then each line with its figures, source and retainers', () => {
  const report: LeakReport = {
    leaking: true,
    bytesPerIteration: 102_400,
    recentBytesPerIteration: 102_000,
    confidence: 1,
    thresholdBytes: 8192,
    iterations: 20,
    warmup: 3,
    retainedBytes: [],
    allocatedBytesPerIteration: 1.5 * 1024 * 1024,
    allocationExact: true,
    lines: [
      {
        file: '/app/src/a.js',
        line: 12,
        source: '  cache.push(row);',
        function: 'load',
        bytesPerIteration: 102_400,
        confidence: 0.97,
        allocatedBytesPerIteration: 110_000,
        entry: false,
        retainers: ['cache (Array)', 'closure at /app/src/a.js:3'],
      },
    ],
    note: null,
  };
  assert.equal(
    formatLeakReport(report, 'load', '/app'),
    [
      'load: leaks 100.0 KiB/iteration: retained memory grows 100.0 KiB/iteration (last half: 99.6 KiB/iteration, confidence 100%)',
      '  20 iterations, 3 of warm-up; each allocates 1.5 MiB',
      '',
      'Lines that keep memory alive, per iteration:',
      '  src/a.js:12  100.0 KiB/iteration  confidence 97%  in load, allocates 107.4 KiB',
      '      cache.push(row);',
      '      kept alive by: cache (Array) → closure at src/a.js:3',
      '',
    ].join('\n'),
  );
  assert.equal(
    formatLeakReport({ ...report, leaking: false, bytesPerIteration: 300, recentBytesPerIteration: 0, confidence: 0.5, lines: [] }, 'load'),
    'load: no leak: retained memory grows 300 B/iteration (last half: 0 B/iteration, confidence 50%), below 8.0 KiB/iteration or not steady\n  20 iterations, 3 of warm-up; each allocates 1.5 MiB\n',
  );
});

test('findLeaks(): synchronous for a synchronous function; options checked, each error naming the option', () => {
  const kept: number[][] = [];
  const report = findLeaks(() => void kept.push(new Array(32768).fill(1)), { iterations: 8, warmup: 2, explain: false });
  assert.ok(!(report instanceof Promise));
  assert.equal(report.leaking, true);
  assert.ok(report.bytesPerIteration > 255 * 1024 && report.bytesPerIteration < 270 * 1024, `${report.bytesPerIteration}`);
  assert.deepEqual(report.lines, []);
  assert.equal(report.retainedBytes.length, 8);
  const noLeak = findLeaks(() => new Array(32768).fill(1).length, { iterations: 8, warmup: 2, threshold: '64 KiB' });
  assert.equal(noLeak.leaking, false);
  assert.equal(noLeak.thresholdBytes, 65536);
  const errors: Array<[() => unknown, RegExp]> = [
    [() => findLeaks(42 as never), /^TypeError: memprof: findLeaks\(\) expects a function, got number$/],
    [() => findLeaks(() => 0, { runs: 3 } as never), /^TypeError: memprof: unknown findLeaks\(\) option "runs"; known options: iterations, warmup, threshold, explain$/],
    [() => findLeaks(() => 0, { iterations: 6, warmup: 3 }), /^TypeError: memprof: findLeaks\(\) option "iterations" must be a whole number at least warmup \+ 4 \(7\), got 6$/],
    [() => findLeaks(() => 0, { warmup: -1 }), /^TypeError: memprof: findLeaks\(\) option "warmup" must be a whole number, got -1$/],
    [() => findLeaks(() => 0, { explain: 'yes' as never }), /^TypeError: memprof: findLeaks\(\) option "explain" must be true or false, got yes$/],
    [() => findLeaks(() => 0, { threshold: 'lots' }), /^TypeError: memprof: expected a byte amount like 1048576 or '1 MiB', got "lots"$/],
  ];
  for (const [call, message] of errors) assert.throws(call, (error: Error) => message.test(`${error.name}: ${error.message}`));
});

test('findLeaks(): an async function is awaited call after call; its rejection is findLeaks()’s', async () => {
  let calls = 0;
  const report = findLeaks(async () => {
    calls++;
    await Promise.resolve();
  }, { iterations: 6, warmup: 2, explain: false });
  assert.ok(report instanceof Promise);
  assert.equal((await report).leaking, false);
  assert.equal(calls, 6);
  let attempts = 0;
  await assert.rejects(
    findLeaks(async () => {
      if (++attempts === 3) throw new Error('third call');
    }),
    /^Error: third call$/,
  );
  assert.equal(attempts, 3);
});
