// `memprof run --heap-sampling`, `memprof snapshot`, `memprof plot --allocations` and
// `memprof export --pprof`, run as a user runs them, on real programs: a family of processes and
// threads (fixtures/allocations/family.js), garbage against live memory (garbage.js), and a
// long-running process asked for snapshots and ended by a signal (server.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { readAllocationProfile, type AllocationProfile } from '../src/allocations/profile-files';
import { SourceMapper } from '../src/allocations/source-maps';
import { buildAllocationData } from '../src/plot/allocations/data';
import { buildFlameTree, nodeName } from '../src/plot/allocations/flame-tree';
import { pngSize } from '../src/plot/png';
import { FIXTURES, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const ALLOCATIONS = join(FIXTURES, 'allocations');
const tempDir = tempDirs('memprof-allocations-');

function memprof(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 90_000, env: { ...process.env, NODE_OPTIONS: '', ...env } });
}

/** A copy of the fixtures with the `shelf` package installed, as a project on disk would have it. */
function project(): string {
  const dir = tempDir();
  cpSync(ALLOCATIONS, dir, { recursive: true });
  mkdirSync(join(dir, 'node_modules', 'shelf'), { recursive: true });
  copyFileSync(join(dir, 'shelf.js'), join(dir, 'node_modules', 'shelf', 'index.js'));
  return dir;
}

const profilesIn = (folder: string): AllocationProfile[] =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.heapprofile'))
    .sort()
    .map((name) => readAllocationProfile(join(folder, name)));

/** Bytes a function's frames stand for, in themselves and what they called, in one profile. */
function bytesUnder(profile: AllocationProfile, name: string): number {
  const data = buildAllocationData([profile], '');
  const tree = buildFlameTree(data, data.profiles[0], { fold: false });
  let bytes = 0;
  for (const node of tree.nodes) {
    if (nodeName(node) !== name) continue;
    let ancestor = node.parent;
    while (ancestor && nodeName(ancestor) !== name) ancestor = ancestor.parent;
    if (!ancestor) bytes += node.totalBytes;
  }
  return bytes;
}

test('a family of processes and threads: one profile each, frames named, source-mapped, drawn and exported', async (t) => {
  const dir = project();
  const run = memprof(['run', '--heap-sampling', '--sampling-interval', '16k', '-o', 'family.dat', process.execPath, 'family.js'], dir);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /family done/);
  assert.match(run.stderr, /heap sampling every 16384 bytes \(allocated\) into family\.heapprofiles\//);
  assert.match(run.stderr, /heap profiles of 4 threads \(4 files\) in family\.heapprofiles\//);
  const profiles = profilesIn(join(dir, 'family.heapprofiles'));
  const main = profiles.find((profile) => profile.meta.threadId === 0 && profile.meta.argv.length === 2)!;
  const child = profiles.find((profile) => profile.meta.argv[2] === 'child')!;
  const workers = profiles.filter((profile) => profile.meta.threadId > 0);
  assert.ok(main && child, profiles.map((profile) => profile.path).join(', '));
  assert.equal(child.meta.ppid, main.meta.pid);
  assert.deepEqual(workers.map((profile) => profile.meta.pid), [main.meta.pid, main.meta.pid]);
  // The worker that ended by itself, and the one terminated (it had an env of its own).
  assert.deepEqual(workers.map((profile) => profile.meta.reason).sort(), ['exit', 'terminated']);
  for (const profile of profiles) {
    assert.equal(profile.meta.kind, 'allocated');
    assert.equal(profile.meta.samplingInterval, 16384);
  }
  // Every function allocating tens of thousands of objects is there, with its file and line.
  const found = (profile: AllocationProfile, name: string) => profile.frames.find((frame) => frame.name === name);
  assert.deepEqual(found(main, 'buildInMain'), { name: 'buildInMain', file: join(dir, 'family.js'), line: 24, column: 21, kind: 'program' });
  assert.ok(bytesUnder(main, 'buildInMain') > 1024 * 1024, `buildInMain: ${bytesUnder(main, 'buildInMain')} bytes`);
  assert.equal(found(main, 'pushBox')?.kind, 'package');
  assert.equal(found(main, 'pushBox')?.package, 'shelf');
  assert.ok(found(child, 'buildInChild'));
  assert.ok(workers.some((profile) => found(profile, 'buildInWorker')));
  assert.ok(workers.some((profile) => found(profile, 'buildInTerminated')));

  await t.test('source maps move frames to the original file and line', () => {
    const generated = found(main, 'makeShapes')!;
    assert.equal(generated.file, join(dir, 'mapped', 'shapes.js'));
    assert.equal(generated.line, 4);
    const [mapped] = new SourceMapper(assert.fail).map([generated]);
    assert.equal(mapped.file, join(dir, 'mapped', 'shapes.ts'));
    assert.equal(mapped.line, 9);
    assert.equal(mapped.generated, `${generated.file}:4:${generated.column}`);
  });

  await t.test('memprof plot --allocations: the HTML page next to the recording, SVG and PNG of every profile', () => {
    const html = memprof(['plot', '--allocations', 'family.dat'], dir);
    assert.equal(html.status, 0, html.stderr);
    assert.equal(html.stdout, 'family-allocations.html\n');
    const page = readFileSync(join(dir, 'family-allocations.html'), 'utf8');
    assert.equal(page.match(/<option value=/g)?.length, 4);
    assert.match(page, /shapes\.ts/, 'the source-mapped file is in the data');
    const svg = memprof(['plot', '--allocations', 'family.dat', '--fold-packages', '-o', 'family.svg'], dir);
    assert.equal(svg.status, 0, svg.stderr);
    const picture = readFileSync(join(dir, 'family.svg'), 'utf8');
    assert.equal(picture.match(/class="flame-graph"/g)?.length, 4);
    assert.match(picture, />buildInMain</);
    assert.doesNotMatch(picture, />pushBox</, "shelf's frames are folded into one box");
    assert.match(picture, />shelf</);
    // A profile file on its own: the page beside it, named after it (not in the folder above).
    const loose = tempDir();
    const [profile] = readdirSync(join(dir, 'family.heapprofiles')).filter((name) => name.endsWith('.heapprofile'));
    copyFileSync(join(dir, 'family.heapprofiles', profile), join(loose, profile));
    const alone = memprof(['plot', '--allocations', profile], loose);
    assert.equal(alone.status, 0, alone.stderr);
    assert.equal(alone.stdout, `${profile.replace(/\.heapprofile$/, '')}-allocations.html\n`);
    assert.ok(existsSync(join(loose, alone.stdout.trim())));
    const png = memprof(['plot', '--allocations', join(dir, 'family.heapprofiles'), '--inverted', '-o', 'family.png'], dir);
    assert.equal(png.status, 0, png.stderr);
    const size = pngSize(readFileSync(join(dir, 'family.png')));
    assert.ok(size && size.width === 2400 && size.height > 1000, JSON.stringify(size));
  });

  await t.test('memprof export --pprof: decoded back by pprof-format, one sample per stack, the stacks as recorded', () => {
    writeFileSync(
      join(dir, 'lines.json'),
      `${JSON.stringify({ function: 'makeShapes', file: join(dir, 'mapped', 'shapes.ts'), firstLine: 9, lines: [{ line: 12, allocatedBytes: 4096, occurrences: 3 }] })}\n`,
    );
    const exported = memprof(['export', '--pprof', 'family.pb.gz', '--lines', 'lines.json', 'family.dat'], dir);
    assert.equal(exported.status, 0, exported.stderr);
    const profile = Profile.decode(gunzipSync(readFileSync(join(dir, 'family.pb.gz'))));
    const text = (index: number | bigint) => profile.stringTable.strings[Number(index)];
    assert.deepEqual(profile.sampleType.map((type) => `${text(type.type)}/${text(type.unit)}`), ['alloc_space/bytes', 'line_alloc_space/bytes']);
    assert.equal(text(profile.defaultSampleType), 'alloc_space');
    const functions = new Map(profile.function.map((fn) => [Number(fn.id), fn]));
    const locations = new Map(profile.location.map((location) => [Number(location.id), location]));
    const frame = (id: number | bigint) => {
      const line = locations.get(Number(id))!.line[0];
      const fn = functions.get(Number(line.functionId))!;
      return { name: text(fn.name), file: text(fn.filename), line: Number(line.line) };
    };
    let allocated = 0;
    let shapes = 0;
    for (const sample of profile.sample) {
      allocated += Number(sample.value[0]);
      const leaf = frame(sample.locationId[0]);
      if (leaf.name === 'makeShapes' || sample.locationId.map(frame).some((entry) => entry.name === 'makeShapes')) {
        if (Number(sample.value[0]) > 0) shapes += Number(sample.value[0]);
      }
    }
    assert.equal(allocated, profilesIn(join(dir, 'family.heapprofiles')).reduce((sum, entry) => sum + Math.round(entry.totalBytes), 0));
    assert.ok(shapes > 0);
    const lineSample = profile.sample.find((sample) => Number(sample.value[1]) > 0)!;
    assert.deepEqual(frame(lineSample.locationId[0]), { name: 'makeShapes', file: join(dir, 'mapped', 'shapes.ts'), line: 12 });
    assert.equal(Number(lineSample.value[1]), 4096);
    const mainSample = profile.sample.find((sample) => frame(sample.locationId[0]).name === 'buildInMain')!;
    const pid = mainSample.label.find((label) => text(label.key) === 'pid');
    assert.equal(Number(pid?.num), main.meta.pid);
    // Source-mapped in the export too.
    assert.ok(profile.function.some((fn) => text(fn.name) === 'makeShapes' && text(fn.filename).endsWith('shapes.ts')));
  });
});

test('--heap-live keeps only what stays alive; the default keeps what was collected too', () => {
  const dir = project();
  const allocated = memprof(['run', '--heap-sampling', '--sampling-interval', '32k', '-o', 'all.dat', process.execPath, 'garbage.js'], dir);
  assert.equal(allocated.status, 0, allocated.stderr);
  const live = memprof(['run', '--heap-live', '--sampling-interval', '32k', '-o', 'live.dat', process.execPath, 'garbage.js'], dir);
  assert.equal(live.status, 0, live.stderr);
  const [all] = profilesIn(join(dir, 'all.heapprofiles'));
  const [kept] = profilesIn(join(dir, 'live.heapprofiles'));
  assert.equal(all.meta.kind, 'allocated');
  assert.equal(kept.meta.kind, 'live');
  // makeGarbage allocates 800 arrays of 10,000 elements (over 60 MB), all collected; keepAlive about 1.5 MB that stays.
  assert.ok(bytesUnder(all, 'makeGarbage') > 30 * 1024 * 1024, `allocated: makeGarbage ${bytesUnder(all, 'makeGarbage')}`);
  assert.ok(bytesUnder(all, 'makeGarbage') > 10 * bytesUnder(all, 'keepAlive'));
  assert.ok(bytesUnder(kept, 'keepAlive') > 512 * 1024, `live: keepAlive ${bytesUnder(kept, 'keepAlive')}`);
  assert.ok(bytesUnder(kept, 'makeGarbage') < bytesUnder(kept, 'keepAlive') / 4, `live: makeGarbage ${bytesUnder(kept, 'makeGarbage')}`);
});

test('memprof snapshot <pid>: snapshots of the process and its worker thread; a signal ends it and its profiles are written', async () => {
  const dir = project();
  const recorder = spawn(process.execPath, [CLI, 'run', '--heap-sampling', '-o', 'server.dat', process.execPath, 'server.js'], {
    cwd: dir,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  recorder.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => recorder.on('exit', (code) => resolve(code)));
  try {
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      recorder.stdout.on('data', (chunk) => {
        out += chunk;
        const ready = /ready (\d+)/.exec(out);
        if (ready) resolve(Number(ready[1]));
      });
      recorder.on('exit', () => reject(new Error(`ended before ready: ${stderr}`)));
    });
    // Asked through the recorder's pid: the tree under it.
    const first = memprof(['snapshot', String(recorder.pid)], dir);
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(first.stdout.trim().split('\n'), [`server.heapprofiles/pid-${pid}-thread-1.snapshot-1.heapprofile`, `server.heapprofiles/pid-${pid}.snapshot-1.heapprofile`]);
    assert.match(first.stderr, /2 snapshot files from 1 of 1 process/);
    const second = memprof(['snapshot', '--no-children', String(pid)], dir);
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /pid-\d+\.snapshot-2\.heapprofile/);
    const snapshot = readAllocationProfile(join(dir, 'server.heapprofiles', `pid-${pid}.snapshot-1.heapprofile`));
    assert.equal(snapshot.meta.reason, 'snapshot');
    assert.equal(snapshot.meta.snapshot, 1);
    assert.ok(snapshot.frames.some((frame) => frame.name === 'holdInMain'));
    // Not a sampled process: refused, and nothing is sent to it.
    const refused = memprof(['snapshot', '--no-children', String(recorder.pid)], dir);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /run no heap sampler \(start it with memprof run --heap-sampling\)/);
    recorder.kill('SIGTERM');
    assert.equal(await exited, 143, stderr);
  } finally {
    recorder.kill('SIGKILL');
  }
  const finals = profilesIn(join(dir, 'server.heapprofiles'))
    .filter((profile) => profile.meta.snapshot === undefined)
    .sort((a, b) => a.meta.threadId - b.meta.threadId);
  assert.deepEqual(finals.map((profile) => [profile.meta.threadId, profile.meta.reason]), [[0, 'signal'], [1, 'main-thread-exit']]);
});

test('without memprof run: the environment turns sampling on; line data and heap samples in one pprof profile', () => {
  const dir = project();
  const run = spawnSync(process.execPath, ['-r', join(ROOT, 'register'), 'marked.js'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '', MEMPROF_HEAP_PROFILES: join(dir, 'heap'), MEMPROF_FORMAT: 'json', MEMPROF_OUTPUT: 'results.json' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '', 'the folder is made');
  assert.deepEqual(readdirSync(join(dir, 'heap')).map((name) => name.replace(/\d+/, 'N')), ['pid-N.heapprofile']);
  const exported = memprof(['export', '--pprof', 'marked.pb.gz', '--lines', 'results.json', 'heap'], dir);
  assert.equal(exported.status, 0, exported.stderr);
  const profile = Profile.decode(gunzipSync(readFileSync(join(dir, 'marked.pb.gz'))));
  const text = (index: number | bigint) => profile.stringTable.strings[Number(index)];
  assert.deepEqual(profile.sampleType.map((type) => text(type.type)), ['alloc_space', 'line_alloc_space']);
  const functions = new Map(profile.function.map((fn) => [Number(fn.id), fn]));
  const locations = new Map(profile.location.map((location) => [Number(location.id), location]));
  const leaf = (sample: (typeof profile.sample)[number]) => {
    const line = locations.get(Number(sample.locationId[0]))!.line[0];
    return `${text(functions.get(Number(line.functionId))!.name)}:${Number(line.line)}`;
  };
  const lineSamples = profile.sample.filter((sample) => Number(sample.value[1]) > 0).sort((a, b) => Number(b.value[1]) - Number(a.value[1]));
  assert.equal(leaf(lineSamples[0]), 'fillCache:7', 'the cache.set line allocates the most');
  assert.ok(Number(lineSamples[0].value[1]) > 1024 * 1024);
  const sampled = profile.sample.filter((sample) => sample.locationId.some((id) => {
    const line = locations.get(Number(id))!.line[0];
    return text(functions.get(Number(line.functionId))!.name) === 'fillCache';
  }));
  assert.ok(sampled.reduce((sum, sample) => sum + Number(sample.value[0]), 0) > 1024 * 1024, 'the heap samples see fillCache too');
});

test('export --lines reads what `memprof --json` printed among the program\'s own output, as report does', () => {
  const dir = project();
  const profiled = memprof(['--json', 'marked.js'], dir);
  assert.equal(profiled.status, 0, profiled.stderr);
  writeFileSync(join(dir, 'out.txt'), `the program starts\n{ "level": "a log line of its own" }\n${profiled.stdout}the program ends\n`);
  const exported = memprof(['export', '--pprof', 'lines.pb.gz', '--lines', 'out.txt'], dir);
  assert.equal(exported.status, 0, exported.stderr);
  const profile = Profile.decode(gunzipSync(readFileSync(join(dir, 'lines.pb.gz'))));
  const text = (index: number | bigint) => profile.stringTable.strings[Number(index)];
  assert.deepEqual(profile.sampleType.map((type) => text(type.type)), ['line_alloc_space']);
  const lines = profile.location.map((location) => Number(location.line[0].line));
  assert.ok(lines.includes(7), `the cache.set line is a location: ${lines}`);
  const report = memprof(['report', '--html', '-o', 'page.html', 'out.txt'], dir);
  assert.equal(report.status, 0, report.stderr);
});

test("a program that replaced the methods memprof could call: every profile written, the program unchanged", () => {
  const dir = project();
  // Tables to a file: stdout is the program's own.
  const hostile = memprof(['run', '--heap-sampling', '--sampling-interval', '16k', '-o', 'hostile.dat', process.execPath, join(FIXTURES, 'hermetic', 'hostile.js')], dir, {
    MEMPROF_OUTPUT: join(dir, 'tables.txt'),
  });
  assert.equal(hostile.status, 0, hostile.stderr);
  assert.deepEqual(hostile.stdout.trim().split('\n'), ['7-7-7 1000000', 'busy true', 'depth 105', 'pairs 9', 'caught expected failure', 'before resolve', 'later 1000041']);
  const [profile] = profilesIn(join(dir, 'hostile.heapprofiles'));
  assert.ok(profile.frames.some((frame) => frame.name === 'build'));
  assert.ok(profile.meta.writtenAt > 1e12, 'the real clock, not the faked Date.now');

  const workers = memprof(['run', '--heap-sampling', '--sampling-interval', '16k', '-o', 'workers.dat', process.execPath, 'hostile-workers.js'], dir);
  assert.equal(workers.status, 0, workers.stderr);
  assert.match(workers.stderr, /terminated 1/);
  const names = readdirSync(join(dir, 'workers.heapprofiles')).map((name) => name.replace(/pid-\d+/, 'pid-N')).sort();
  assert.deepEqual(names, ['pid-N-thread-1.heapprofile', 'pid-N-thread-1.snapshot-1.heapprofile', 'pid-N.heapprofile', 'pid-N.snapshot-1.heapprofile']);
  const worker = profilesIn(join(dir, 'workers.heapprofiles')).find((entry) => entry.meta.threadId === 1 && entry.meta.snapshot === undefined)!;
  assert.equal(worker.meta.reason, 'terminated');
  assert.ok(worker.frames.some((frame) => frame.name === 'holdInWorker'));
});

test('bad input: one line naming what is wrong, and the exit code', () => {
  const dir = tempDir();
  const cases: Array<[string[], number, RegExp]> = [
    [['run', '--sampling-interval', '12q', 'node', '-e', '0'], 2, /--sampling-interval must be a size in bytes like 32k, 512k or 1m; got "12q"/],
    [['run', '--heap-sampling', '--no-hook', 'node', '-e', '0'], 2, /--heap-sampling needs memprof's hook/],
    [['run', '--heap-signal', 'SIGKILL', '--heap-sampling', 'node', '-e', '0'], 2, /--heap-signal must be one of SIGUSR2, SIGURG, SIGPWR; got "SIGKILL"/],
    [['plot', '--allocations', '--flame', 'x.dat'], 2, /--flame is for the timeline: --allocations draws flame graphs/],
    [['plot', '--fold-packages'], 2, /--fold-packages is for flame graphs of allocations: add --allocations/],
    [['plot', '--allocations', 'nothing.dat'], 1, /nothing\.dat has no heap profiles \(no nothing\.heapprofiles beside it\): record with memprof run --heap-sampling/],
    [['export', 'x.dat'], 2, /memprof export needs --pprof <file>/],
    [['snapshot', 'abc'], 2, /<pid> must be a process id, got "abc"/],
  ];
  for (const [args, code, message] of cases) {
    const result = memprof(args, dir);
    assert.equal(result.status, code, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr.split('\n')[0], message);
  }
  writeFileSync(join(dir, 'pid-1.heapprofile'), '{"head": {}}');
  const damaged = memprof(['export', '--pprof', 'out.pb.gz', 'pid-1.heapprofile'], dir);
  assert.equal(damaged.status, 1);
  assert.match(damaged.stderr, /pid-1\.heapprofile: no "memprof" object \(not written by memprof run --heap-sampling\)/);
  writeFileSync(join(dir, 'results.json'), '{"function": "f"}\n');
  const lines = memprof(['export', '--pprof', 'out.pb.gz', '--lines', 'results.json'], dir);
  assert.equal(lines.status, 1);
  assert.equal(lines.stderr, 'memprof: results.json is JSON, but not memprof results (call reports from --json or MEMPROF_FORMAT=json, or collect() results)\n');
});
