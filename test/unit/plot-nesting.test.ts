// The flame view's rows from the calls' real callers (CALL lines), in process: a call right above its
// caller, calls that overlap with the same caller (concurrent requests, Promise.all) in lanes of their
// own, what a damaged file can do (a lost caller, a loop of callers, ids repeated across threads),
// and recordings without CALL lines laid out as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDat } from '../../src/record/dat';
import { funcLine, type FuncRecord } from '../../src/shared/dat-lines';
import { assignNestedRows, assignRows } from '../../src/plot/flame-rows';
import { buildPlotData, type CallData } from '../../src/plot/model';

function call(entryTime: number, exitTime: number, level = 0): CallData {
  return { function: 0, series: 0, entryTime, exitTime, entryMemory: 0, exitMemory: 0, level, group: 0, row: -1 };
}

/** No two calls of a row overlap in time (touching ends are fine). */
function assertNoOverlap(calls: readonly CallData[]): void {
  for (const a of calls) {
    for (const b of calls) {
      if (a === b || a.row !== b.row) continue;
      assert.ok(a.exitTime <= b.entryTime || b.exitTime <= a.entryTime, `row ${a.row}: [${a.entryTime}, ${a.exitTime}] and [${b.entryTime}, ${b.exitTime}]`);
    }
  }
}

test('4 overlapping requests: each handler in a lane of its own, its delay right above it, not above another request', () => {
  // Request k: test1 from k/10 s, its delay inside; then test2 and its delay. Requests overlap.
  const calls: CallData[] = [];
  const parents: number[] = [];
  const add = (entry: number, exit: number, parent: number, level: number): number => {
    calls.push(call(entry, exit, level));
    parents.push(parent);
    return calls.length - 1;
  };
  const handlers: Array<[number, number]> = [];
  for (let k = 0; k < 4; k++) {
    const start = k / 10;
    const test1 = add(start, start + 0.4, -1, 0);
    const delay1 = add(start + 0.05, start + 0.39, test1, 1);
    const test2 = add(start + 0.4, start + 1, -1, 0);
    const delay2 = add(start + 0.45, start + 0.99, test2, 1);
    handlers.push([test1, delay1], [test2, delay2]);
  }
  const rows = assignNestedRows(calls, parents);
  for (const [handler, delay] of handlers) assert.equal(calls[delay].row, calls[handler].row + 1, 'each delay right above its own handler');
  const lanes = new Set(handlers.filter((_, index) => index % 2 === 0).map(([test1]) => calls[test1].row));
  assert.equal(lanes.size, 4, 'the four overlapping test1 calls: four lanes');
  for (const row of lanes) assert.equal(row % 2, 0, 'a lane is two rows: a handler and its delay');
  assert.equal(rows, 8);
  assertNoOverlap(calls);
  // The same calls by level (files without callers): delays land over whichever handler was free.
  const byLevel = calls.map((entry) => ({ ...entry }));
  assignRows(byLevel);
  assert.ok(
    handlers.some(([handler, delay]) => byLevel[delay].row !== byLevel[handler].row + 1),
    'without callers, some delay is not over its own handler (the bug this layout fixes)',
  );
});

test('calls of one caller that overlap (Promise.all) get lanes above it, each as tall as what it called; sequential calls share a row', () => {
  const calls = [call(0, 10), call(1, 5, 1), call(2, 6, 1), call(2.5, 3, 2), call(7, 9, 1), call(20, 21)];
  const parents = [-1, 0, 0, 2, 0, -1];
  const rows = assignNestedRows(calls, parents);
  assert.deepEqual(
    calls.map((entry) => entry.row),
    [0, 1, 2, 3, 1, 0],
  );
  assert.equal(rows, 4);
  // A block is as tall as its nesting: the second lane (rows 2-3) is kept whole over its time span,
  // so a later sibling overlapping it goes above it, not into row 3 beside the grandchild.
  const blocks = [call(0, 10), call(1, 4, 1), call(1.5, 3, 2), call(2, 6, 1)];
  assignNestedRows(blocks, [-1, 0, 1, 0]);
  assert.deepEqual(
    blocks.map((entry) => entry.row),
    [0, 1, 2, 3],
  );
  assertNoOverlap(blocks);
});

test('a damaged file: a lost caller, a caller loop and a caller of itself are roots; recursion 20,000 deep needs no stack', () => {
  const calls = [call(0, 1), call(0.2, 0.8, 1), call(2, 3), call(2.1, 2.9, 1), call(4, 5)];
  // 1's caller is lost (-1); 2 and 3 call each other; 4 calls itself.
  const rows = assignNestedRows(calls, [-1, -1, 3, 2, 4]);
  assert.deepEqual(
    calls.map((entry) => entry.row),
    [0, 1, 0, 1, 0],
  );
  assert.equal(rows, 2);
  const depth = 20_000;
  const deep = Array.from({ length: depth }, (_, index) => call(index * 1e-4, 10 - index * 1e-4, index));
  assert.equal(
    assignNestedRows(
      deep,
      deep.map((_, index) => index - 1),
    ),
    depth,
  );
  assert.equal(deep[depth - 1].row, depth - 1);
});

test('the model: callers found by id within their thread and process; calls point at their caller; files without CALL lines as before', () => {
  const func = (name: string, t0: number, t1: number, level: number, context?: FuncRecord['context'], pid?: number) =>
    funcLine({ name, mem0: 10, t0: 1000 + t0, mem1: 20, t1: 1000 + t1, level, pid, context });
  const site = (thread: number, id: number, parent: number) => ({ thread, id, parent, file: '/srv/app.js', line: id < 10 ? 4 : 9 });
  const text =
    'MEM 1.0 1000.0\nMEM 2.0 1010.0\n' +
    func('handler', 0, 4, 0, site(0, 1, 0)) +
    func('handler', 1, 5, 0, site(0, 2, 0)) +
    // Thread 1 has a call 1 of its own: its child is not under thread 0's call 1.
    func('work', 2, 3, 0, site(1, 1, 0)) +
    func('delay', 3.5, 4.5, 1, site(0, 12, 2)) +
    func('delay', 2.5, 3.5, 1, site(0, 11, 1)) +
    func('step', 2.2, 2.8, 1, site(1, 13, 1)) +
    // Another process: ids are its own.
    func('delay', 1, 2, 1, site(0, 11, 1), 77) +
    func('handler', 0.5, 3, 0, site(0, 1, 0), 77);
  const data = buildPlotData([parseDat(text, 'nested.dat')]);
  const named = (name: string, pid?: number) => data.calls.filter((entry) => data.functions[entry.function].name === name && entry.pid === pid);
  const [first, second] = named('handler');
  for (const delay of named('delay')) {
    const parent = data.calls[delay.parent!];
    assert.equal(data.functions[parent.function].name, 'handler');
    assert.ok(parent.entryTime <= delay.entryTime && delay.exitTime <= parent.exitTime + 1, 'its own handler');
    assert.equal(delay.row, parent.row + 1);
  }
  assert.equal(data.calls[named('delay')[0].parent!], first, 'the delay of 2.5 s is under handler 1');
  assert.equal(data.calls[named('delay')[1].parent!], second);
  assert.notEqual(first.row, second.row, 'the two overlapping handlers: two lanes');
  const [step] = named('step');
  assert.equal(data.functions[data.calls[step.parent!].function].name, 'work', "thread 1's call 1, not thread 0's");
  const [childDelay] = named('delay', 77);
  assert.equal(data.calls[childDelay.parent!], named('handler', 77)[0], 'in its own process');
  // Sites: one per file and line, each call pointing at its own.
  assert.deepEqual(data.sites, [
    { file: '/srv/app.js', line: 4 },
    { file: '/srv/app.js', line: 9 },
  ]);
  assert.equal(data.sites![first.site!].line, 4);
  assert.equal(data.sites![named('delay')[0].site!].line, 9);
  // Links from --report, when the page has the line.
  const linked = buildPlotData([parseDat(text, 'nested.dat')], { linkOf: (file, line) => (line === 9 ? `r.html#${file}-${line}` : undefined) });
  assert.deepEqual(linked.sites, [
    { file: '/srv/app.js', line: 4 },
    { file: '/srv/app.js', line: 9, href: 'r.html#/srv/app.js-9' },
  ]);
  // The same file without its CALL lines: no parents, no sites, rows by level (as before).
  const plain = buildPlotData([parseDat(text.replace(/^CALL .*\n/gm, ''), 'plain.dat')]);
  assert.equal(plain.sites, undefined);
  assert.ok(plain.calls.every((entry) => !('parent' in entry) && !('site' in entry)));
  const expected = plain.calls.filter((entry) => entry.pid === undefined).map((entry) => ({ ...entry }));
  assignRows(expected);
  assert.deepEqual(
    plain.calls.filter((entry) => entry.pid === undefined).map((entry) => entry.row),
    expected.map((entry) => entry.row),
  );
});
