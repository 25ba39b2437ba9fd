// Instrumentation must not change what a program does. Each fixture in fixtures/semantics runs twice,
// with memprof's hook (marked functions rewritten line by line) and without it (comment markers are
// plain comments; `profile(fn)` only wraps whole calls): stdout and exit status must be identical.
// With the hook, every marked function must also have printed a line-level table, so that a hook that
// silently stopped instrumenting (and so trivially kept the program's behaviour) fails here too.
// The hook runs twice against a transform cache of its own: first compiling (cache miss), then from the
// cache (hit), so that both paths are checked whatever other runs left in the shared cache.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, parseTables, runNode, type RunResult } from './helpers';

const SEMANTICS = join(FIXTURES, 'semantics');
const CACHE_DIR = mkdtempSync(join(tmpdir(), 'memprof-semantics-cache-'));
after(() => rmSync(CACHE_DIR, { recursive: true, force: true }));

interface Expectation {
  /** Names of the marked functions that run to completion at least once (names as tables show them). */
  functions: string[];
  /** Exact number of tables for some functions: one per finished call. */
  calls?: Record<string, number>;
  /** Exit status of the program (the same with and without the hook). Default 0. */
  status?: number;
}

const EXPECTED: Record<string, Expectation> = {
  'async.js': {
    functions: [
      'Store.create', 'Store.load', 'catchesRejections', 'consume', 'consumeNamed', 'delegatingAsync', 'double', 'fetchItem', 'rejects',
      'rejectsWith', 'returnAwaitVsReturnPromise', 'step', 'ticks', 'viaArrow',
    ],
    calls: { fetchItem: 9, rejects: 11, step: 3, ticks: 5, returnAwaitVsReturnPromise: 4 },
  },
  'classes.js': {
    functions: [
      'Derived.#reveal', 'Derived.count', 'Derived.greet', 'Derived.init', 'Derived.kind', 'Temperature.celsius',
      'Temperature.count', 'Temperature.fahrenheit', 'Thing', 'Vector.#isVector', 'Vector.#length', 'Vector.#scale',
      'Vector.describe', 'buildAll', 'factory', 'fieldValue', 'hello', 'localClasses', 'makePoint', 'report', 'shout',
    ],
    calls: { 'Derived.init': 3, fieldValue: 6, Thing: 4 },
  },
  'columns.js': { functions: ['profiled'], calls: { profiled: 2 } },
  'control-flow.js': {
    functions: [
      'chained', 'curriedAdd', 'fallthrough', 'fib', 'flatten', 'forIn', 'forOf', 'isEven', 'isOdd', 'labels', 'lazyCases',
      'loops', 'makePoint', 'sequence', 'sign', 'square', 'tooDeep', 'voidArrow',
    ],
    calls: { fib: 25, tooDeep: 51, isEven: 7, isOdd: 6, flatten: 9, fallthrough: 7 },
  },
  'exit-status.js': { functions: ['explode', 'setExitCode'], status: 1 },
  'formatting.js': {
    functions: ['awaitsOverLines', 'chained', 'method', 'oneLiner', 'tabs', 'ternaries', 'throwsMidExpression'],
    calls: { tabs: 2, ternaries: 3 },
  },
  'full-coverage.js': {
    functions: [
      'arrow', 'bothBranchesReturn', 'endsWithReturn', 'endsWithThrow', 'fallsOffTheEnd', 'finallyReturns', 'loopForever',
      'switchWithDefault', 'whileTrue',
    ],
    calls: { bothBranchesReturn: 2, switchWithDefault: 2 },
  },
  'generators.js': {
    functions: [
      'Range.[Symbol.iterator]', 'catcher', 'counter', 'delegating', 'expressionYields', 'forwardsToInner', 'naturals', 'take',
      'walk', 'withCleanup', 'yieldsInFinally',
    ],
    calls: { counter: 4, walk: 4 },
  },
  'runtime-flags.js': { functions: ['allocate'] },
  'lazy-init.js': {
    functions: [
      'annexBCopy', 'calledBeforeItsDeclaration', 'destructuredVarOfTheSameName', 'generatorWithHelpers', 'lazyInit',
      'parameterShadowed', 'recursiveDeclaration', 'varOfTheSameName',
    ],
    calls: { varOfTheSameName: 2 },
  },
  'lazy-init-strict.js': { functions: ['duplicates', 'lazyInit', 'readsLaterConst', 'varAndFunction'] },
  'module-level-new-target.js': { functions: ['square'] },
  'nested-declarations.js': {
    functions: [
      'asyncHelper', 'helperCalledInTDZ', 'helperReadsConst', 'helperReadsShadowingConst', 'helperUsesClass',
      'helperUsesLet', 'viaProfileCall',
    ],
  },
  'recursion.js': { functions: ['depth', 'runaway'], calls: { depth: 5001 } },
  'returns-and-throws.js': {
    functions: [
      'breakInFinallyCancelsThrow', 'callsThrower', 'fail', 'finallyOverrides', 'finallySideEffectAfterReturnValue',
      'identity', 'nestedTry', 'rethrow', 'returnKinds', 'sum', 'throwsHere', 'withThrowingDefault',
    ],
    calls: { fail: 16, returnKinds: 11, finallyOverrides: 4 },
  },
  'scoping-and-hoisting.js': {
    functions: [
      'annexBBlockFunctions', 'declaredLater', 'defaultsInTDZ', 'destructuredParameters', 'loopClosures',
      'parameterAndFunctionSameName', 'parameterScope', 'sameNameDeclarations', 'switchCaseTDZ', 'temporalDeadZone',
      'varHoisting', 'withDefaults',
    ],
    calls: { declaredLater: 2, withDefaults: 5 },
  },
  'sloppy-with.js': { functions: ['asyncInSandbox', 'closedSandbox', 'generatorInSandbox', 'lookedUpNames', 'withPlainObject'] },
  'stack-traces.js': {
    functions: ['Legacy', 'Repository.find', 'Repository.open', 'Repository.size', 'caller', 'handle', 'loadAll'],
  },
  'strict-mode.js': {
    functions: [
      'argumentsUnmapped', 'blockScopedFunctions', 'calleeForbidden', 'implicitGlobal', 'moduleThis', 'strictEval',
      'thisInfo', 'thisViaProfileCall', 'writes',
    ],
    calls: { thisInfo: 5, writes: 6 },
  },
  'this-and-arguments.js': {
    functions: [
      'Counter', 'anonymousArrow', 'anonymousFunction', 'argsInfo', 'describe', 'increment', 'joinFromArrow',
      'mappedAliasing', 'method', 'namedArrow', 'outerArguments', 'restAndArguments', 'scaleAll', 'strictCallee',
      'strictUnmapped', 'strictWhoAmI', 'unmappedWithDefaults', 'whoAmI',
    ],
    calls: { describe: 7, whoAmI: 5, strictWhoAmI: 4 },
  },
};

const fixtures = readdirSync(SEMANTICS)
  .filter((name) => name.endsWith('.js'))
  .sort();

/** How many line-level tables each function printed (footer `name: allocated ..., net ...`; whole-call summaries do not count). */
function tablesPerFunction(run: RunResult): Map<string, number> {
  const counts = new Map<string, number>();
  for (const table of parseTables(run.tables)) {
    const match = /^(.+?): (?:\d+ calls?, )?allocated [\d.]+ MiB, freed by GC [\d.]+ MiB, net [+-]?\d+(?:\.\d+)? MiB, peak /.exec(table.footer);
    if (!match || table.rows.length === 0) continue;
    counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}

test('every semantics fixture has an expectation, and every expectation a fixture', () => {
  assert.ok(fixtures.length > 0, `no fixtures in ${SEMANTICS}`);
  assert.deepEqual(fixtures, Object.keys(EXPECTED).sort());
});

for (const fixture of fixtures) {
  test(`semantics: ${fixture}`, async (t) => {
    const file = join(SEMANTICS, fixture);
    const expected = EXPECTED[fixture] ?? { functions: [] };
    // Every call's own table, so that calls can be counted.
    const env = { MEMPROF_CACHE_DIR: CACHE_DIR, MEMPROF_CACHE: undefined, MEMPROF_MAX_TABLES: 'all' };
    const plain = runNode(file, { hook: false, tablesToFile: true });
    const runs: Array<[string, RunResult]> = [
      ['with the hook', runNode(file, { tablesToFile: true, env })],
      ['with the hook, from the transform cache', runNode(file, { tablesToFile: true, env })],
    ];

    await t.test('runs as intended without the hook', () => {
      assert.equal(plain.status, expected.status ?? 0, `stderr without the hook:\n${plain.stderr}`);
      assert.notEqual(plain.stdout.trim(), '', 'the fixture printed nothing');
    });

    // Every function of the file profiled, nested ones too (no markers needed), as `memprof --include` does.
    const included = runNode(file, { tablesToFile: true, env: { ...env, MEMPROF_INCLUDE: file } });
    await t.test('every function profiled (MEMPROF_INCLUDE): same stdout and exit status, no warning', () => {
      // columns.js prints stack columns and toString() of its functions: profiling every function
      // rewrites them all (a marked function's own columns change too; the runs below check the rest).
      if (fixture !== 'columns.js') assert.equal(included.stdout, plain.stdout);
      assert.equal(included.status, plain.status, `stderr with MEMPROF_INCLUDE:\n${included.stderr}`);
      assert.doesNotMatch(included.stderr, /memprof: warning/);
      assert.notEqual(included.tables, '', 'no table written');
    });

    for (const [how, hooked] of runs) {
      await t.test(`same stdout ${how} as without it`, () => {
        assert.equal(hooked.stdout, plain.stdout);
      });

      await t.test(`same exit status ${how} as without it`, () => {
        assert.equal(hooked.status, plain.status, `stderr ${how}:\n${hooked.stderr}`);
      });

      await t.test(`no memprof warning, no whole-call fallback ${how}`, () => {
        assert.doesNotMatch(hooked.stderr, /memprof: warning/);
        assert.doesNotMatch(hooked.stderr, /memprof: measuring whole calls only/);
      });

      await t.test(`a line-level table for every marked function ${how}`, () => {
        const counts = tablesPerFunction(hooked);
        assert.deepEqual([...counts.keys()].sort(), [...expected.functions].sort(), `tables written:\n${hooked.tables.slice(0, 4000)}`);
        for (const [name, calls] of Object.entries(expected.calls ?? {})) {
          assert.equal(counts.get(name), calls, `tables for ${name}`);
        }
      });
    }
  });
}
