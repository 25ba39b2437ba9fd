// The heap profiles' files, in process and with scripted inputs: their names, the sampler's settings
// from the environment, --sampling-interval sizes, worker options given the hook, frames and packages,
// reading and checking a profile, source maps, line data, and `memprof snapshot`'s signal mask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHARE_ENV } from 'node:worker_threads';
import { parseProfileFileName, profileFileName, profileFolderFor, type HeapProfileDocument } from '../../src/heap-sampling/profile-format';
import { heapSamplingSettings } from '../../src/heap-sampling/settings';
import { withHook } from '../../src/heap-sampling/workers';
import { parseByteSize } from '../../src/cli/recording-options';
import { classify, fileOfUrl, frameOf, packageOf } from '../../src/allocations/frames';
import { latestPerThread, readAllocationProfile } from '../../src/allocations/profile-files';
import { mapFrame, loadSourceMap } from '../../src/allocations/source-maps';
import { readCallDocuments, sumLines } from '../../src/allocations/line-data';
import { catchesSignal } from '../../src/allocations/snapshot-request';
import { HEAP_SAMPLING_ENV } from '../../src/shared/record-channel';
import { ROOT } from '../helpers';

function withFolder(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'memprof-unit-allocations-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A profile document as the sampler writes it: (root) -> main -> build, and (root) -> (GC). */
export function scriptedDocument(overrides: Partial<HeapProfileDocument['memprof']> = {}): HeapProfileDocument {
  const frame = (functionName: string, url: string, lineNumber: number, columnNumber = 9) => ({ functionName, scriptId: '1', url, lineNumber, columnNumber });
  return {
    memprof: { format: 1, pid: 42, ppid: 1, threadId: 0, argv: ['/usr/bin/node', '/app/server.js'], node: 'v20.20.2', kind: 'allocated', samplingInterval: 524288, reason: 'exit', startedAt: 1000, writtenAt: 3000, ...overrides },
    head: {
      callFrame: frame('(root)', '', -1, -1),
      selfSize: 0,
      id: 1,
      children: [
        {
          callFrame: frame('', 'file:///app/server.js', 0, 0),
          selfSize: 100,
          id: 2,
          children: [{ callFrame: frame('build', 'file:///app/server.js', 9), selfSize: 5000, id: 3, children: [] }],
        },
        { callFrame: frame('(GC)', '', -1, -1), selfSize: 64, id: 4, children: [] },
      ],
    },
    samples: [
      { size: 2500, nodeId: 3, ordinal: 1 },
      { size: 2500, nodeId: 3, ordinal: 2 },
      { size: 100, nodeId: 2, ordinal: 3 },
    ],
  };
}

test('profile file names: main thread, worker thread, snapshots; and the folder beside a recording', () => {
  assert.equal(profileFileName({ pid: 12, threadId: 0 }), 'pid-12.heapprofile');
  assert.equal(profileFileName({ pid: 12, threadId: 3, snapshot: 2 }), 'pid-12-thread-3.snapshot-2.heapprofile');
  assert.deepEqual(parseProfileFileName('pid-12-thread-3.snapshot-2.heapprofile'), { pid: 12, threadId: 3, snapshot: 2 });
  assert.deepEqual(parseProfileFileName('pid-12.heapprofile'), { pid: 12, threadId: 0 });
  assert.equal(parseProfileFileName('.pid-12.heapprofile.123.tmp'), undefined, 'a file being written is not a profile');
  assert.equal(profileFolderFor('/r/mprofile_20240101120000.dat'), '/r/mprofile_20240101120000.heapprofiles');
  assert.equal(profileFolderFor('out'), 'out.heapprofiles');
});

test('sampler settings from the environment: off without a folder, defaults, and one-line errors', () => {
  assert.equal(heapSamplingSettings({}), undefined);
  assert.deepEqual(heapSamplingSettings({ MEMPROF_HEAP_PROFILES: '/tmp/p' }), { folder: '/tmp/p', interval: 524288, kind: 'allocated', signal: 'SIGUSR2' });
  assert.deepEqual(heapSamplingSettings({ MEMPROF_HEAP_PROFILES: '/tmp/p', MEMPROF_HEAP_INTERVAL: '32768', MEMPROF_HEAP_KIND: 'live', MEMPROF_HEAP_SIGNAL: 'SIGURG' }), {
    folder: '/tmp/p',
    interval: 32768,
    kind: 'live',
    signal: 'SIGURG',
  });
  assert.throws(() => heapSamplingSettings({ MEMPROF_HEAP_PROFILES: 'relative' }), /MEMPROF_HEAP_PROFILES="relative": expected an absolute path/);
  assert.throws(() => heapSamplingSettings({ MEMPROF_HEAP_PROFILES: '/p', MEMPROF_HEAP_INTERVAL: '32k' }), /MEMPROF_HEAP_INTERVAL="32k": expected a positive whole number of bytes/);
  assert.throws(() => heapSamplingSettings({ MEMPROF_HEAP_PROFILES: '/p', MEMPROF_HEAP_KIND: 'both' }), /expected allocated or live/);
  assert.throws(() => heapSamplingSettings({ MEMPROF_HEAP_PROFILES: '/p', MEMPROF_HEAP_SIGNAL: 'SIGKILL' }), /expected one of SIGUSR2, SIGURG, SIGPWR/);
});

test('--sampling-interval sizes: bytes, k, m, g (powers of 1024), units spelled out as in budgets; anything else is refused', () => {
  assert.equal(parseByteSize('32k'), 32768);
  assert.equal(parseByteSize('512K'), 524288);
  assert.equal(parseByteSize('1m'), 1048576);
  assert.equal(parseByteSize('1MiB'), 1048576);
  assert.equal(parseByteSize('4096'), 4096);
  assert.equal(parseByteSize('1.5k'), 1536);
  // Units spelled out mean what they mean in budgets and leak thresholds: KB and MB are powers of 1000.
  assert.equal(parseByteSize('64KB'), 64_000);
  assert.equal(parseByteSize('1 MiB'), 1048576);
  assert.equal(parseByteSize('1mb'), 1_000_000);
  for (const bad of ['', '0', '-1', '1.3b', 'k', '3t', '4g', '1.1', 'mib']) assert.equal(parseByteSize(bad), undefined, bad);
});

test('worker options: given the hook and the settings only where the worker would otherwise go without', () => {
  const settings = { folder: '/tmp/p', interval: 1024, kind: 'allocated' as const, signal: 'SIGUSR2' as NodeJS.Signals };
  const hooked = withHook({ env: { FOO: '1' } }, settings, undefined)!;
  const env = hooked.env as Record<string, string>;
  assert.equal(env.FOO, '1');
  assert.equal(env.MEMPROF_HEAP_PROFILES, '/tmp/p');
  assert.equal(env.MEMPROF_HEAP_INTERVAL, '1024');
  assert.match(env.NODE_OPTIONS, /^--require ".*register[/\\]index\.js"$/);
  assert.deepEqual(withHook({ env: { ...env } }, settings, undefined), { env }, 'already hooked: unchanged');
  const shared = { env: SHARE_ENV as typeof SHARE_ENV };
  assert.equal(withHook(shared, settings, undefined), shared);
  assert.equal(withHook(undefined, settings, undefined), undefined);
  const argv = withHook({ execArgv: ['--no-warnings'] }, settings, undefined)!;
  assert.equal(argv.execArgv![0], '--no-warnings');
  assert.equal(argv.execArgv![1], '--require');
  const viaNodeOptions = { execArgv: [] };
  assert.equal(withHook(viaNodeOptions, settings, env.NODE_OPTIONS), viaNodeOptions, 'NODE_OPTIONS brings the hook: execArgv unchanged');
});

test('frames: paths from file: URLs, and what kind of code each is', () => {
  assert.equal(fileOfUrl('file:///app/a%20b.js'), '/app/a b.js');
  assert.equal(fileOfUrl('/app/a.js'), '/app/a.js');
  assert.equal(packageOf('/app/node_modules/express/lib/router.js'), 'express');
  assert.equal(packageOf('/app/node_modules/@fastify/ajv/index.js'), '@fastify/ajv');
  assert.equal(packageOf('/app/node_modules/a/node_modules/b/x.js'), 'b', 'the innermost package');
  assert.equal(packageOf('/app/src/x.js'), undefined);
  assert.deepEqual(classify('node:internal/modules/cjs/loader'), { kind: 'node', package: 'node' });
  assert.deepEqual(classify(''), { kind: 'v8' });
  assert.deepEqual(classify('/app/node_modules/express/index.js'), { kind: 'package', package: 'express' });
  assert.deepEqual(classify('/app/node_modules/memprof/dist/src/index.js'), { kind: 'memprof', package: 'memprof' });
  assert.deepEqual(frameOf({ functionName: 'f', url: 'file:///app/x.js', lineNumber: 4, columnNumber: 10 }), { name: 'f', file: '/app/x.js', line: 5, column: 11, kind: 'program' });
  assert.equal(frameOf({ functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }).line, 0);
});

test('reading a profile: frames, a flat tree in order, bytes and samples per node; one bad field is one line', () => {
  withFolder((dir) => {
    const path = join(dir, 'pid-42.heapprofile');
    writeFileSync(path, JSON.stringify(scriptedDocument()));
    const profile = readAllocationProfile(path);
    assert.deepEqual(
      profile.nodes.map((node) => [profile.frames[node.frame].name, node.parent, node.selfBytes, node.selfSamples]),
      [
        ['(root)', -1, 0, 0],
        ['', 0, 100, 1],
        ['build', 1, 5000, 2],
        ['(GC)', 0, 64, 0],
      ],
    );
    assert.equal(profile.totalBytes, 5164);
    assert.equal(profile.totalSamples, 3);
    assert.equal(profile.frames[2].file, '/app/server.js');
    assert.equal(profile.frames[2].line, 10);
    const broken = (document: unknown, message: RegExp) => {
      writeFileSync(path, JSON.stringify(document));
      assert.throws(() => readAllocationProfile(path), (error: Error) => message.test(error.message) && error.message.startsWith(path));
    };
    broken({ head: {}, samples: [] }, /no "memprof" object/);
    broken({ ...scriptedDocument(), memprof: { ...scriptedDocument().memprof, kind: 'some' } }, /memprof\.kind must be allocated or live/);
    broken({ ...scriptedDocument(), samples: 3 }, /no "samples" list/);
    broken({ ...scriptedDocument(), head: { ...scriptedDocument().head, callFrame: { url: 3 } } }, /a callFrame lacks functionName/);
    writeFileSync(path, '{"memprof":');
    assert.throws(() => readAllocationProfile(path), /not JSON/);
  });
});

test('one profile per thread for export: the last one written', () => {
  withFolder((dir) => {
    const read = (name: string, overrides: Partial<HeapProfileDocument['memprof']>) => {
      writeFileSync(join(dir, name), JSON.stringify(scriptedDocument(overrides)));
      return readAllocationProfile(join(dir, name));
    };
    const snapshot = read('a.heapprofile', { reason: 'snapshot', snapshot: 1, writtenAt: 2000 });
    const final = read('b.heapprofile', { writtenAt: 5000 });
    const worker = read('c.heapprofile', { threadId: 2, writtenAt: 1500 });
    assert.deepEqual(latestPerThread([snapshot, final, worker]), [final, worker]);
  });
});

test("source maps: a data: URL or a file's map moves a frame to the original file and line (after sourceRoot); a frame it has no entry for stays", () => {
  withFolder((dir) => {
    // Generated line 3 (0-based 2) comes from line 8 (0-based 7) of src/app.ts: mapping "AAOA" on
    // the third line (two empty lines before it, then a segment at column 0).
    const map = { version: 3, file: 'app.js', sources: ['src/app.ts'], names: [], mappings: ';;AAOA' };
    const file = join(dir, 'app.js');
    writeFileSync(file, `'use strict';\n\nfunction f() {}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`);
    const loaded = loadSourceMap(file, assert.fail)!;
    const frame = { name: 'f', file, line: 3, column: 11, kind: 'program' as const };
    const mapped = mapFrame(frame, loaded);
    assert.equal(mapped.file, join(dir, 'src', 'app.ts'));
    assert.equal(mapped.line, 8);
    assert.equal(mapped.generated, `${file}:3:11`);
    // A map file elsewhere, with a sourceRoot (Node's SourceMap leaves it out of its sources).
    writeFileSync(file, `'use strict';\n\nfunction f() {}\n//# sourceMappingURL=maps/app.js.map\n`);
    mkdirSync(join(dir, 'maps'));
    writeFileSync(join(dir, 'maps', 'app.js.map'), JSON.stringify({ ...map, sourceRoot: '../lib' }));
    assert.equal(mapFrame(frame, loadSourceMap(file, assert.fail)!).file, join(dir, 'lib', 'src', 'app.ts'));
    writeFileSync(file, `function f() {}\n//# sourceMappingURL=app.js.map\n`);
    writeFileSync(join(dir, 'app.js.map'), '{not json');
    const warnings: string[] = [];
    assert.equal(loadSourceMap(file, (message) => warnings.push(message)), undefined);
    assert.match(warnings[0], /cannot use the source map of .*app\.js/);
    assert.equal(loadSourceMap(join(dir, 'missing.js'), assert.fail), undefined);
  });
});

test('line data: JSON documents one per line, an array, or collect() results; summed per line over calls', () => {
  withFolder((dir) => {
    const call = (allocated: number) => ({ function: 'f', file: '/app/f.js', firstLine: 3, lines: [{ line: 4, allocatedBytes: allocated, occurrences: 1 }, { line: 5, allocatedBytes: 10, occurrences: 2 }] });
    writeFileSync(join(dir, 'lines.json'), `${JSON.stringify(call(100))}\n\n${JSON.stringify(call(50))}\n`);
    const summed = sumLines(readCallDocuments(join(dir, 'lines.json')));
    assert.deepEqual(summed.map((line) => [line.line, line.allocatedBytes, line.occurrences]), [[4, 150, 2], [5, 20, 4]]);
    writeFileSync(join(dir, 'array.json'), JSON.stringify([call(1)]));
    assert.equal(readCallDocuments(join(dir, 'array.json')).length, 1);
    // Whatever else went to the same file (tables, the program's output) is skipped, as by report and check.
    writeFileSync(join(dir, 'mixed.json'), `${JSON.stringify(call(1))}\nTable of f\n`);
    assert.equal(readCallDocuments(join(dir, 'mixed.json')).length, 1);
    writeFileSync(join(dir, 'collected.json'), JSON.stringify({ value: 1, calls: [call(7), call(8)], allocatedBytes: 15 }));
    assert.deepEqual(sumLines(readCallDocuments(join(dir, 'collected.json'))).map((line) => line.allocatedBytes), [15, 20]);
    assert.throws(() => readCallDocuments(join(dir, 'nowhere.json'), 'nowhere.json'), /^SavedResultsError: cannot read nowhere\.json: ENOENT$/);
  });
});

test("memprof snapshot asks only processes that catch the signal (SigCgt of /proc/<pid>/status)", () => {
  // SIGUSR2 is 12: bit 11, 0x800. SIGURG is 23: bit 22, 0x400000.
  assert.equal(catchesSignal('Name:\tnode\nSigCgt:\t0000000000000800\n', 'SIGUSR2'), true);
  assert.equal(catchesSignal('SigCgt:\t0000000000004202\n', 'SIGUSR2'), false);
  assert.equal(catchesSignal('SigCgt:\t0000000000400000\n', 'SIGURG'), true);
  assert.equal(catchesSignal('Name:\tnode\n', 'SIGUSR2'), false);
});

test("the hook's one line starts the sampler only when the recording channel's folder variable is set", () => {
  const register = readFileSync(join(ROOT, 'src', 'hooks', 'register.ts'), 'utf8');
  // Without it, the hook loads nothing more than before (programs not sampled start as they did).
  assert.match(register, new RegExp(`if \\(process\\.env\\.${HEAP_SAMPLING_ENV.folder}\\) \\(require\\('\\.\\./heap-sampling'\\)`));
});
