// The instrumenter as a function: which functions it recognises as profiled, which lines it samples,
// and what it leaves alone. Each case is data: source in, expectations out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { instrument, needsTransform } from '../../src/instrument/instrumenter';

const OPTIONS = { runtime: 'memprof-runtime', moduleKind: 'commonjs' as const };

interface MarkerCase {
  name: string;
  source: string;
  filename?: string;
  /** Names of the profiled functions, in registration order; [] means "nothing to profile". */
  functions: string[];
}

const MARKER_CASES: MarkerCase[] = [
  { name: 'global profile(function)', source: 'const f = profile(function f() { return 1; });', functions: ['f'] },
  { name: 'profile(async arrow)', source: 'const load = profile(async () => { await 1; });', functions: ['load'] },
  { name: 'expression-bodied arrow', source: 'const twice = profile((x) => x * 2);', functions: ['twice'] },
  {
    name: 'required profile',
    source: "const { profile } = require('memprof');\nconst f = profile(function () {});",
    functions: ['f'],
  },
  {
    name: 'required under another name',
    source: "const { profile: p } = require('memprof');\nconst f = p(function () {});",
    functions: ['f'],
  },
  {
    name: 'member of the required module',
    source: "const memprof = require('memprof');\nconst f = memprof.profile(function g() {});",
    functions: ['g'],
  },
  {
    name: 'ES import, renamed',
    source: "import { profile as measure } from 'memprof';\nexport const f = measure(function f() {});",
    filename: '/app/f.ts',
    functions: ['f'],
  },
  {
    name: 'namespace import',
    source: "import * as memprof from 'memprof';\nexport const f = memprof.profile(() => 1);",
    filename: '/app/f.ts',
    functions: ['f'],
  },
  { name: 'block comment on a declaration', source: '/** @profile */\nfunction work() {}', functions: ['work'] },
  { name: 'line comment on a declaration', source: '// @profile\nfunction work() {}', functions: ['work'] },
  {
    name: '@profile among other JSDoc tags',
    source: '/**\n * Does work.\n * @profile\n * @returns nothing\n */\nfunction work() {}',
    functions: ['work'],
  },
  { name: 'comment on an exported const arrow', source: '/** @profile */\nexport const go = () => 1;', filename: '/app/go.ts', functions: ['go'] },
  {
    name: 'comment on object and class methods',
    source: 'const o = {\n  /** @profile */\n  m() {},\n};\nclass C {\n  /** @profile */\n  static s() {}\n  // @profile\n  #p() {}\n}',
    functions: ['m', 'C.s', 'C.#p'],
  },
  {
    name: 'decorators, with and without options',
    source: 'class Store {\n  @profile\n  load() {}\n  @profile({ precision: 2 })\n  async *stream() {}\n  get size() { return 0; }\n}',
    // Decorators are TypeScript syntax here: Node does not run them in JavaScript (see below).
    filename: '/app/store.ts',
    functions: ['Store.load', 'Store.stream'],
  },
  { name: 'a local function called profile is not the marker', source: 'function profile(f) { return f; }\nprofile(function f() {});', functions: [] },
  { name: '@profiler is another tag', source: '/** @profiler */\nfunction work() {}', functions: [] },
  {
    name: 'a comment on the first TypeScript overload marks the implementation',
    source: '/** @profile */\nexport function over(a: string): string;\nexport function over(a: number): number;\nexport function over(a: any) { return a; }\nclass K {\n  /** @profile */\n  m(a: string): void;\n  m(a: any) {}\n}',
    filename: '/app/over.ts',
    functions: ['over', 'K.m'],
  },
  { name: 'a trailing comment belongs to the code before it', source: 'const x = 1; // @profile\nfunction work() {}', functions: [] },
  { name: 'profile(variable) is left to the runtime', source: 'function g() {}\nconst f = profile(g);', functions: [] },
  { name: 'a comment elsewhere marks nothing', source: '/** @profile */\nconst x = 1;\nfunction work() {}', functions: [] },
  {
    name: 'nested profiled functions are each profiled',
    source: '/** @profile */\nfunction outer() {\n  const inner = profile(() => 1);\n  return inner();\n}',
    functions: ['outer', 'inner'],
  },
];

for (const { name, source, filename, functions } of MARKER_CASES) {
  test(`markers: ${name}`, () => {
    const result = instrument(source, filename ?? '/app/case.js', OPTIONS);
    assert.deepEqual(result?.functions.map((fn) => fn.name) ?? [], functions);
  });
}

test('a JavaScript file gains no syntax Node rejects: decorators in a .js file are a syntax error', () => {
  const source = 'class Store {\n  @profile\n  load() {}\n}';
  assert.throws(() => instrument(source, '/app/store.js', OPTIONS), (error: Error) => error.name === 'SyntaxError' && /store\.js:2:3/.test(error.message));
});

/** Lines with a sample, or a count without a memory read for statements that cannot allocate (tick). */
function sampledLines(code: string): number[] {
  return [...code.matchAll(/\.(?:at|tick)\((\d+)\)/g)].map((match) => Number(match[1]));
}

test('a JavaScript file without the word "profile" is not even parsed', () => {
  assert.equal(needsTransform('const x = 1;\nmodule.exports = x;', '/app/x.js'), false);
  assert.equal(instrument('this is { not javascript', '/app/x.js', OPTIONS), null);
  // TypeScript always needs its types stripped.
  assert.equal(needsTransform('const x: number = 1;', '/app/x.ts'), true);
});

test('a JavaScript file that only mentions profile runs untouched', () => {
  assert.equal(instrument('// see profile.md\nconst profileName = "x";', '/app/x.js', OPTIONS), null);
});

test('only the profiled body is rewritten; other functions keep their exact code', () => {
  const source = [
    'function before(a) { return a + 1; }',
    '/** @profile */',
    'function marked(a) {',
    '  const b = before(a);',
    '  return b;',
    '}',
    'function after(a) { for (const x of a) console.log(x); }',
  ].join('\n');
  const result = instrument(source, '/app/x.js', OPTIONS);
  assert.ok(result);
  const lines = result.code.split('\n');
  // retainLines: every original line keeps its number (line 1 also carries the file's registration).
  assert.match(lines[0], /function before\(a\) \{\s*return a \+ 1;\s*\}$/);
  assert.doesNotMatch(lines[0], /memprofCall/);
  assert.match(lines[6], /^function after\(a\) \{\s*for \(const x of a\) console\.log\(x\);\s*\}$/);
  assert.deepEqual(sampledLines(result.code), [4, 5]);
  assert.deepEqual(result.functions, [{ name: 'marked', firstLine: 2, lastLine: 6 }]);
});

test('samples go before statements in every kind of block, once per line', () => {
  const source = [
    '/** @profile */', //                              1
    'function all(items) {', //                        2
    '  let total = 0; let count = 0;', //              3 two statements, one sample
    '  for (const item of items) {', //                4 +1 at the end of the body
    '    if (item > 1) total += item;', //             5
    '    else count++;', //                            6
    '  }', //                                          7
    '  switch (total) {', //                           8
    '    case 0:', //                                  9
    '      count = -1;', //                            10
    '      break;', //                                 11
    '  }', //                                          12
    '  try {', //                                      13
    '    JSON.parse("{");', //                         14
    '  } catch {', //                                  15
    '    count++;', //                                 16
    '  } finally {', //                                17
    '    total++;', //                                 18
    '  }', //                                          19
    '  function helper() {}', //                       20 declarations run nothing
    '  return total + count;', //                      21
    '}', //                                            22
  ].join('\n');
  const result = instrument(source, '/app/x.js', OPTIONS);
  assert.ok(result);
  assert.deepEqual(
    sampledLines(result.code).sort((a, b) => a - b),
    [3, 4, 4, 5, 6, 8, 10, 11, 13, 14, 16, 18, 21],
  );
});

/** The profiled body's code with memprof's calls shortened (`_memprofCall.at(4)` -> `at4`), spaces dropped. */
function compact(code: string): string {
  const body = code.slice(code.indexOf('try {') + 5, code.lastIndexOf('} finally'));
  return body.replace(/_memprofCall\.(\w+)\((\d*)\)/g, '$1$2').replace(/_memprofCall\./g, '').replace(/\s+/g, '');
}

test("a loop's next step is charged to its line: for...of/for...in sample at the end of the body and before a continue", () => {
  const source = [
    '/** @profile */', //                                 1
    'function steps(items, table) {', //                  2
    '  outer: for (const item of items) {', //            3
    '    for (let i = 0; i < item; i++) {', //            4
    '      if (i === 2) continue outer;', //              5 to the for...of: its sample first
    '      if (i === 1) continue;', //                    6 to the for: its update samples
    '      use(i);', //                                   7
    '    }', //                                           8
    '    if (!item) break;', //                           9 no step after a break
    '  }', //                                             10
    '  for (const key in table) use(key);', //            11 one line: the row's sample ends the body
    '  for (const item of items) {', //                   12
    '    return item;', //                                13 the body never ends: no sample there
    '  }', //                                             14
    '}', //                                               15
  ].join('\n');
  const result = instrument(source, '/app/steps.js', OPTIONS);
  assert.ok(result);
  assert.equal(
    compact(result.code),
    'at3;outer:for(constitemofitems){at4;for(leti=0;i<item;at4,i++){at5;if(i===2){at3;continueouter;}at6;if(i===1)continue;at7;use(i);}at9;if(!item)break;at3;}' +
      'at11;for(constkeyintable){use(key);at11;}at12;for(constitemofitems){at13;returnreturned(item);}returned;;',
  );
});

test("a continue on a line of its own is sampled, then the loop's line takes the step; an endless inner loop adds no end sample", () => {
  const source = [
    '/** @profile */', //                                 1
    'function skip(items) {', //                          2
    '  for (const item of items) {', //                   3
    '    if (item)', //                                   4
    '      continue;', //                                 5 its own row, then the loop line's sample
    '    use(item);', //                                  6
    '  }', //                                             7
    '  outer: for (const item of items) {', //            8
    '    while (true) {', //                              9 never ends: nothing after it runs
    '      if (item) continue outer;', //                 10
    '    }', //                                           11
    '  }', //                                             12
    '}', //                                               13
  ].join('\n');
  const result = instrument(source, '/app/skip.js', OPTIONS);
  assert.ok(result);
  assert.equal(
    compact(result.code),
    'at3;for(constitemofitems){at4;if(item){at5;at3;continue;}at6;use(item);at3;}' +
      'at8;outer:for(constitemofitems){while(at9,true){at10;if(item){at8;continueouter;}}}returned;;',
  );
});

test('a for await step suspends the call like an await; over a name, from the first step on', () => {
  const source = [
    '/** @profile */', //                                 1
    'async function drain(stream, open) {', //            2
    '  chunks: for await (const chunk of stream) {', //   3 labelled: the same
    '    if (!chunk) continue;', //                       4
    '    use(chunk);', //                                 5
    '  }', //                                             6
    '  for await (const line of open()) use(line);', //   7 a call: evaluated unsuspended, then each step
    '}', //                                               8
  ].join('\n');
  const result = instrument(source, '/app/drain.js', OPTIONS);
  assert.ok(result);
  assert.equal(
    compact(result.code),
    // After each loop, a resume: a loop that ran out left the call suspended.
    'at3;suspend;chunks:forawait(constchunkofstream){resume;at4;if(!chunk){at3;suspend;continue;}at5;use(chunk);at3;suspend;}resume;' +
      'at7;forawait(constlineofopen()){resume;use(line);at7;suspend;}resume;returned;;',
  );
});

test('await and yield in the profiled body are bracketed, nested functions are not touched', () => {
  const source = [
    '/** @profile */',
    'async function* run(source) {',
    '  const value = await source();',
    '  yield value;',
    '  const later = async () => await source();',
    '  return later;',
    '}',
  ].join('\n');
  const result = instrument(source, '/app/x.js', OPTIONS);
  assert.ok(result);
  assert.match(result.code, /\.resume\(await \w+\.suspend\(source\(\)\)\)/);
  assert.match(result.code, /\.resume\(yield \w+\.suspend\(value\)\)/);
  assert.match(result.code, /async \(\) => await source\(\)/);
});

test('the marker becomes a runtime stand-in; the file registers its functions once', () => {
  const result = instrument("const { profile } = require('memprof');\nconst f = profile(function f() {}, { precision: 2 });", '/app/x.js', OPTIONS);
  assert.ok(result);
  assert.match(result.code, /\w+\(\)\.marker\(0\)\(function f\(\)/);
  assert.match(result.code, /\{ precision: 2 \}\)/);
  assert.match(result.code, /require\("memprof-runtime"\)\.registerFile\("\/app\/x\.js", \[\["f", 2, 2\]\]\)/);
});

test('JavaScript output maps back to the source exactly, inside and outside profiled functions', () => {
  const source = [
    'const before = (a) => a + 1; const f = profile(function f(items) {', // 1
    '    const total = items.length;', //                                  2
    '    if (total) throw new Error("boom");', //                          3
    '    return before(total);', //                                        4
    '}), after = before(2);', //                                           5
  ].join('\n');
  const result = instrument(source, '/app/mapped.js', OPTIONS);
  assert.ok(result?.map);
  const map = new SourceMap(result.map as SourceMapPayload);
  const generatedLines = result.code.split('\n');
  const check = (line: number, token: string, occurrence = 0) => {
    let column = -1;
    for (let i = 0; i <= occurrence; i++) column = generatedLines[line - 1].indexOf(token, column + 1);
    let originalColumn = -1;
    for (let i = 0; i <= occurrence; i++) originalColumn = source.split('\n')[line - 1].indexOf(token, originalColumn + 1);
    assert.ok(column >= 0 && originalColumn >= 0, `${token} on line ${line}`);
    const entry = map.findEntry(line - 1, column) as { originalLine: number; originalColumn: number };
    assert.deepEqual([entry.originalLine + 1, entry.originalColumn], [line, originalColumn], `${token} on line ${line}`);
  };
  check(1, 'before');
  check(2, 'items');
  check(3, 'new');
  check(4, 'before');
  check(5, 'after');
  check(5, 'before');
  // Outside the profiled function, the text is the source's own (after the function's closing brace,
  // on a line it shares with it, at the place the `finally` leaves).
  assert.equal(generatedLines[0].slice(0, 'const before = (a) => a + 1;'.length), 'const before = (a) => a + 1;');
  assert.match(generatedLines[4], /\}\), after = before\(2\);$/);
});

test('nothing is inserted where it could never run', () => {
  const source = [
    '/** @profile */', //                    1
    'function ends(flag) {', //              2
    '  if (flag) {', //                      3
    '    return 1;', //                      4
    '    dead();', //                        5 after a return
    '  } else {', //                         6
    '    throw new Error("no");', //         7
    '  }', //                                8
    '  unreachable();', //                   9 both branches left
    '}', //                                  10
    '/** @profile */', //                    11
    'function loops() {', //                 12
    '  for (;;) {', //                       13
    '    return 2;', //                      14
    '  }', //                                15
    '}', //                                  16
  ].join('\n');
  const result = instrument(source, '/app/dead.js', OPTIONS);
  assert.ok(result);
  assert.deepEqual(sampledLines(result.code).sort((a, b) => a - b), [3, 4, 7, 13, 14]);
  // No fall-through marking after a body that cannot fall through (`returned()` with no value).
  assert.doesNotMatch(result.code, /\.returned\(\);/);
});
