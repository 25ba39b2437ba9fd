// Files move both ways between memprof and Python's mprof (memory_profiler 0.61): mprof reads what
// `memprof run` writes, memprof reads what `mprof run` writes, and both `peak` commands agree.
// Needs a Python with memory_profiler (e.g. `apt-get install python3-memory-profiler`): outside CI the
// tests are skipped without one, saying so; in CI (CI set) they fail, since .ci/run installs it and a
// silently skipped interoperability check would prove nothing. MEMPROF_TEST_PYTHON picks the interpreter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDat } from '../src/record/dat';
import { FIXTURES, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const RECORD = join(FIXTURES, 'record');
const tempDir = tempDirs('memprof-py-');

function findPython(): string | undefined {
  const candidates = [process.env.MEMPROF_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean) as string[];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import memory_profiler, mprof; print(memory_profiler.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

const PYTHON = findPython();
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const skip = PYTHON || IN_CI ? false : 'no Python with memory_profiler here (apt-get install python3-memory-profiler, or set MEMPROF_TEST_PYTHON)';

/** In CI a missing memory_profiler is a failure of the machine's set-up, said as such. */
function requirePython(): string {
  assert.ok(PYTHON, 'no Python with memory_profiler, although CI is set (.ci/run installs python3-memory-profiler)');
  return PYTHON;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MEMPROF_OUTPUT: '/dev/null' };
  delete env.NODE_OPTIONS;
  return env;
}

function memprof(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 20_000 });
}

function mprof(args: string[], cwd: string) {
  return spawnSync(requirePython(), ['-m', 'mprof', ...args], { cwd, env: { ...cleanEnv(), MPLBACKEND: 'Agg' }, encoding: 'utf8', timeout: 20_000 });
}

/** What mprof's own reader makes of a file: counts per kind of line. */
function mprofRead(file: string, cwd: string) {
  const script = [
    'import json, sys, mprof',
    'd = mprof.read_mprofile_file(sys.argv[1])',
    'print(json.dumps({"mem": len(d["mem_usage"]), "children": {k: len(v) for k, v in d["children"].items()},',
    '  "funcs": {k: [[round(x, 4) for x in c[:4]] + c[4:] for c in v] for k, v in d["func_timestamp"].items()}, "cmdline": d["cmd_line"]}))',
  ].join('\n');
  const run = spawnSync(requirePython(), ['-c', script, file], { cwd, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { mem: number; children: Record<string, number>; funcs: Record<string, number[][]>; cmdline: string };
}

test('mprof reads what memprof run writes: a service with markers, and a 2-worker cluster with -C -M', { skip }, () => {
  const cwd = tempDir();
  const recordings = [
    { file: 'single.dat', args: ['-T', '0.02', join(RECORD, 'service.js'), '0', '2', '200000', '30', '40'] },
    { file: 'cluster.dat', args: ['-C', '-M', '-T', '0.02', join(RECORD, 'service.js'), '2', '2', '200000', '30', '40'] },
  ];
  for (const { file, args } of recordings) {
    const run = memprof(['run', '-o', file, ...args], cwd);
    assert.equal(run.status, 0, run.stderr);
    const ours = parseDat(readFileSync(join(cwd, file), 'utf8'), file);
    assert.equal(ours.damaged, 0);
    const theirs = mprofRead(file, cwd);
    assert.equal(theirs.mem, ours.mem.length, `${file}: MEM lines`);
    assert.equal(theirs.cmdline.trim(), ours.cmdline);
    assert.deepEqual(
      Object.fromEntries(Object.entries(theirs.children).map(([pid, count]) => [Number(pid), count])),
      Object.fromEntries([...ours.children].map(([pid, series]) => [pid, series.length])),
      `${file}: CHLD series`,
    );
    // mprof sees the main process' FUNC lines, with their levels; it skips the workers' CHLDFUNC lines.
    const mainCalls = ours.funcs.filter((call) => call.pid === undefined);
    assert.deepEqual(
      Object.fromEntries(Object.entries(theirs.funcs).map(([name, calls]) => [name, calls.map((call) => call[4])])),
      mainCalls.reduce<Record<string, number[]>>((byName, call) => {
        (byName[call.name] ??= []).push(call.level as number);
        return byName;
      }, {}),
      `${file}: FUNC lines`,
    );
    if (file === 'single.dat') assert.ok(mainCalls.length === 8, 'test1, test2 and 4 delays');
    else assert.ok(ours.funcs.length === 8 && mainCalls.length === 0, 'markers of the workers only');
    // Both peak commands print the same.
    const theirPeak = mprof(['peak', file], cwd);
    assert.equal(theirPeak.status, 0, theirPeak.stderr);
    assert.equal(memprof(['peak', file], cwd).stdout, theirPeak.stdout);
    if (file === 'single.dat') {
      const theirFunc = mprof(['peak', '--func', 'test2', file], cwd);
      const ourFunc = memprof(['peak', '--func', 'test2', file], cwd);
      const value = (text: string) => Number(/\t([\d.]+) MiB/.exec(text)?.[1]);
      // memprof also counts the call's own entry and exit memory: never below mprof's figure.
      assert.ok(value(ourFunc.stdout) >= value(theirFunc.stdout), `${ourFunc.stdout} vs ${theirFunc.stdout}`);
    }
    // mprof plot draws it (when matplotlib is there).
    if (spawnSync(requirePython(), ['-c', 'import matplotlib'], { encoding: 'utf8' }).status === 0) {
      for (const flame of [[], ['--flame']]) {
        const plot = mprof(['plot', ...flame, '-o', `${file}${flame.length}.png`, file], cwd);
        assert.equal(plot.status, 0, `mprof plot ${flame.join(' ')} ${file}: ${plot.stderr}`);
      }
    }
  }
});

test('memprof reads what mprof run writes: FUNC lines of --python, CHLD lines of -M -C', { skip }, () => {
  const cwd = tempDir();
  for (const name of ['prog.py', 'multi.py']) copyFileSync(join(RECORD, 'mprof-0.61', name), join(cwd, name));
  const functions = mprof(['run', '--python', '-T', '0.05', '-o', 'functions.dat', 'prog.py'], cwd);
  assert.equal(functions.status, 0, functions.stderr);
  const multi = mprof(['run', '-M', '-C', '-T', '0.05', '-o', 'multi.dat', requirePython(), 'multi.py'], cwd);
  assert.equal(multi.status, 0, multi.stderr);

  const funcs = parseDat(readFileSync(join(cwd, 'functions.dat'), 'utf8'), 'functions.dat');
  assert.equal(funcs.damaged, 0);
  assert.ok(funcs.mem.length >= 3);
  assert.deepEqual(
    funcs.funcs.map((call) => [call.name, call.level]).sort(),
    [
      ['__main__.inner', 1],
      ['__main__.outer', 0],
    ],
  );
  const children = parseDat(readFileSync(join(cwd, 'multi.dat'), 'utf8'), 'multi.dat');
  assert.equal(children.damaged, 0);
  assert.equal(children.children.size, 2);
  for (const file of ['functions.dat', 'multi.dat']) {
    const ours = memprof(['peak', file], cwd);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stdout, mprof(['peak', file], cwd).stdout, file);
  }
  const ourFunc = memprof(['peak', '--func', 'outer', 'functions.dat'], cwd);
  assert.equal(ourFunc.status, 0, ourFunc.stderr);
  assert.equal(ourFunc.stdout, mprof(['peak', '--func', '__main__.outer', 'functions.dat'], cwd).stdout);
});
