// `memprof run` and `memprof attach` as a user runs them: real programs, real process trees, real
// signals; assertions on what the .dat file holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDat, type DatFile } from '../src/record/dat';
import { FIXTURES, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const RECORD = join(FIXTURES, 'record');

const tempDir = tempDirs('memprof-record-');

/** Where the programs, run from temporary folders without node_modules, cache their compiled files. */
const CACHE_DIR = tempDir();

/** Environment for recorded programs: tables go nowhere, no NODE_OPTIONS from the test runner. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MEMPROF_OUTPUT: '/dev/null', MEMPROF_CACHE_DIR: CACHE_DIR, ...extra };
  delete env.NODE_OPTIONS;
  delete env.MEMPROF_RECORD_FILE;
  return env;
}

function memprof(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? tempDir(),
    env: options.env ?? cleanEnv(),
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeout ?? 20_000,
  });
}

/** Starts memprof without waiting; resolves lines of stdout as they come. */
function startMemprof(args: string[], cwd: string, env = cleanEnv()) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = async (pattern: RegExp, what: string, limitMs = 10_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const match = pattern.exec(stdout);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, exited, waitFor, output: () => ({ stdout, stderr }) };
}

function readRecording(path: string): DatFile {
  const dat = parseDat(readFileSync(path, 'utf8'), path);
  assert.equal(dat.damaged, 0, `damaged lines in ${path}:\n${readFileSync(path, 'utf8')}`);
  return dat;
}

async function waitForSamples(path: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (existsSync(path) && (readFileSync(path, 'utf8').match(/^MEM /gm)?.length ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} samples in ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('run: a program allocating in steps; MEM climbs, every 0.01 s, exit code and file name reported', () => {
  const cwd = tempDir();
  const run = memprof(['run', '--interval', '0.01', join(RECORD, 'steps.js'), '3', '4', '20', '150'], { cwd });
  assert.equal(run.status, 3, run.stderr);
  const files = readdirSync(cwd).filter((name) => /^mprofile_\d{14}\.dat$/.test(name));
  assert.equal(files.length, 1, `files: ${readdirSync(cwd).join(', ')}`);
  assert.match(run.stderr, new RegExp(`into ${files[0]}\\n`));
  assert.match(run.stderr, new RegExp(`samples \\(peak [\\d.]+ MiB\\) in ${files[0]}\\n`));
  assert.doesNotMatch(run.stderr, /[\r\x1b]/, 'no status line when stderr is not a terminal');
  const dat = readRecording(join(cwd, files[0]));
  assert.match(dat.cmdline ?? '', /steps\.js 3 4 20 150$/);
  assert.ok(dat.mem.length >= 40, `${dat.mem.length} samples`);
  const times = dat.mem.map((sample) => sample.time);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], 'timestamps increase');
  const gaps = times.slice(1).map((time, i) => time - times[i]).sort((a, b) => a - b);
  const median = gaps[gaps.length >> 1];
  assert.ok(median > 0.008 && median < 0.013, `median interval ${median} s`);
  // 4 steps of 20 MiB, touched: resident. The program's memory ends up 60+ MiB above its start.
  const early = Math.max(...dat.mem.slice(0, 5).map((sample) => sample.mib));
  const peak = Math.max(...dat.mem.map((sample) => sample.mib));
  assert.ok(peak - early > 60, `from ${early} to ${peak} MiB`);
  assert.equal(dat.children.size, 0);
});

test('run --lines: function markers from the global profile, nested levels, tables printed', () => {
  const cwd = tempDir();
  const out = join(cwd, 'service.dat');
  const env = cleanEnv();
  delete env.MEMPROF_OUTPUT; // tables on stdout
  const run = memprof(['run', '--lines', '-T', '0.02', '-o', out, join(RECORD, 'service.js'), '0', '2', '200000', '40', '60'], { cwd, env });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^ok \d+ 400000$/m);
  assert.match(run.stdout, /Line #\s+Mem usage/);
  const dat = readRecording(out);
  const names = (name: string) => dat.funcs.filter((call) => call.name === name);
  assert.equal(names('test1').length, 2);
  assert.equal(names('test2').length, 2);
  assert.equal(names('delay').length, 4);
  for (const call of dat.funcs) {
    assert.equal(call.pid, undefined, 'the recorded process writes FUNC lines');
    assert.equal(call.level, call.name === 'delay' ? 1 : 0, `level of ${call.name}`);
    assert.ok(call.t1 >= call.t0 && call.mem0 > 1 && call.mem1 > 1);
  }
  // Each delay ran inside a test1 or a test2 call.
  for (const delay of names('delay')) {
    assert.ok(dat.funcs.some((outer) => outer.level === 0 && outer.t0 <= delay.t0 && delay.t1 <= outer.t1));
  }
  // The 60 ms delay is test2's.
  const longest = Math.max(...names('delay').map((call) => call.t1 - call.t0));
  assert.ok(longest >= 0.055, `longest delay ${longest}`);
});

test('run without --lines times calls only: markers with real durations, no tables, no line samples', () => {
  const cwd = tempDir();
  const out = join(cwd, 'service.dat');
  const env = cleanEnv();
  delete env.MEMPROF_OUTPUT; // tables, if any, would be on stdout
  const run = memprof(['run', '-T', '0.02', '-o', out, join(RECORD, 'service.js'), '0', '2', '200000', '40', '60'], { cwd, env });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^ok \d+ 400000$/m);
  assert.doesNotMatch(run.stdout, /Line #/);
  const dat = readRecording(out);
  assert.equal(dat.funcs.filter((call) => call.name === 'test1').length, 2);
  assert.equal(dat.funcs.filter((call) => call.name === 'delay').length, 4);
  for (const call of dat.funcs) assert.equal(call.level, call.name === 'delay' ? 1 : 0, `level of ${call.name}`);
  const longest = Math.max(...dat.funcs.filter((call) => call.name === 'delay').map((call) => call.t1 - call.t0));
  assert.ok(longest >= 0.055, `longest delay ${longest}`);
});

/** A copy of memprof in `dir/node_modules/memprof`, as a project would have its own. */
function installCopy(dir: string): void {
  const target = join(dir, 'node_modules', 'memprof');
  mkdirSync(target, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(target, 'package.json'));
  cpSync(join(ROOT, 'register'), join(target, 'register'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'src'), join(target, 'dist', 'src'), { recursive: true, filter: (source) => !source.endsWith('.map') });
}

test('run: an imported profile gives markers too, from this copy of memprof or from another one', () => {
  const cwd = tempDir();
  // The seed's pitfall: profile imported instead of the global.
  const out = join(cwd, 'imported.dat');
  const run = memprof(['run', '-o', out, join(RECORD, 'imported.js')], { cwd });
  assert.equal(run.status, 0, run.stderr);
  const dat = readRecording(out);
  assert.deepEqual(
    dat.funcs.map((call) => [call.name, call.level]),
    [
      ['inner', 1],
      ['inner', 1],
      ['outer', 0],
    ],
  );

  // A project with its own copy of memprof: a library (never instrumented: node_modules) wraps with
  // the copy's profile; the app's global profile comes from the memprof that records. Both report,
  // each call once, nested across the two copies.
  installCopy(cwd);
  mkdirSync(join(cwd, 'node_modules', 'lib'));
  writeFileSync(
    join(cwd, 'node_modules', 'lib', 'index.js'),
    "const { profile } = require('memprof');\nexports.fill = profile(function fill(n) { return new Array(n).fill(0).length; });\n",
  );
  writeFileSync(
    join(cwd, 'app.js'),
    "const { fill } = require('lib');\nconst main = profile(function main() { return fill(300000) + fill(300000); });\nconsole.log(main());\n",
  );
  const env = cleanEnv({ NODE_PATH: join(ROOT, 'node_modules') });
  for (const hook of [[], ['--no-hook']]) {
    const copyOut = join(cwd, `copy${hook.length}.dat`);
    const app = hook.length > 0 ? join(cwd, 'only-lib.js') : join(cwd, 'app.js');
    if (hook.length > 0) writeFileSync(app, "const { fill } = require('lib');\nconsole.log(fill(300000));\n");
    const copyRun = memprof(['run', ...hook, '-o', copyOut, app], { cwd, env });
    assert.equal(copyRun.status, 0, copyRun.stderr);
    const copyDat = readRecording(copyOut);
    const expected =
      hook.length > 0
        ? [['fill', 0]]
        : [
            ['fill', 1],
            ['fill', 1],
            ['main', 0],
          ];
    assert.deepEqual(
      copyDat.funcs.map((call) => [call.name, call.level]),
      expected,
      readFileSync(copyOut, 'utf8'),
    );
  }
});

test('run: a 2-worker cluster under each flag combination; CHLD per worker, worker markers with their pid', async () => {
  const cwd = tempDir();
  const combos: string[][] = [[], ['-C'], ['-M'], ['-C', '-M']];
  const runs = await Promise.all(
    combos.map(async (flags) => {
      const out = join(cwd, `cluster${flags.join('')}.dat`);
      const started = startMemprof(['run', ...flags, '-T', '0.02', '-o', out, join(RECORD, 'service.js'), '2', '4', '200000', '30', '40'], cwd);
      const { code } = await started.exited;
      const { stdout, stderr } = started.output();
      assert.equal(code, 0, stderr);
      const workers = new Set([...stdout.matchAll(/^ok (\d+) /gm)].map((match) => Number(match[1])));
      return { flags, dat: readRecording(out), workers, stderr };
    }),
  );
  const peak = (dat: DatFile) => Math.max(...dat.mem.map((sample) => sample.mib));
  for (const { flags, dat, workers } of runs) {
    const label = `flags [${flags.join(' ')}]`;
    assert.ok(workers.size >= 1, `${label}: answers from workers`);
    assert.equal(dat.funcs.filter((call) => call.pid === undefined).length, 0, `${label}: the primary profiles nothing`);
    // Markers from the workers, whatever the flags: CHLDFUNC lines with the worker's pid.
    const markerPids = new Set(dat.funcs.map((call) => call.pid));
    for (const pid of markerPids) assert.ok(workers.has(pid as number), `${label}: marker pid ${pid} is a worker`);
    assert.equal(dat.funcs.filter((call) => call.name === 'test1').length, 4, label);
    for (const call of dat.funcs) assert.equal(call.level, call.name === 'delay' ? 1 : 0, `${label}: ${call.name}`);
    if (flags.includes('-M')) {
      for (const pid of workers) assert.ok(dat.children.has(pid), `${label}: CHLD lines for worker ${pid}`);
      for (const [pid, series] of dat.children) assert.ok(series.length >= 3, `${label}: ${series.length} CHLD samples of ${pid}`);
    } else {
      assert.equal(dat.children.size, 0, `${label}: no CHLD lines`);
    }
  }
  const byFlags = (flags: string) => runs.find((run) => run.flags.join('') === flags)!.dat;
  // -C sums the tree (primary + 2 workers); alone, MEM is the primary's.
  assert.ok(peak(byFlags('-C')) > peak(byFlags('')) + 40, `-C ${peak(byFlags('-C'))} vs ${peak(byFlags(''))}`);
  // With -C -M, each MEM sample is at least the sum of the CHLD samples taken with it.
  const both = byFlags('-C-M');
  for (const sample of both.mem) {
    let children = 0;
    for (const series of both.children.values()) children += series.find((point) => point.time === sample.time)?.mib ?? 0;
    assert.ok(sample.mib >= children, `MEM ${sample.mib} < children ${children} at ${sample.time}`);
  }
  // With -M alone, MEM is the primary's own memory: less than primary + workers.
  const multi = byFlags('-M');
  const totals = multi.mem.map((sample) => {
    let sum = sample.mib;
    for (const series of multi.children.values()) sum += series.find((point) => point.time === sample.time)?.mib ?? 0;
    return sum;
  });
  assert.ok(Math.max(...totals) > peak(multi) + 40);
});

test('run: stdin, stdout and stderr pass through; bad commands fail in one line without a file', () => {
  const cwd = tempDir();
  const echo = memprof(['run', process.execPath, '-e', 'process.stdin.pipe(process.stdout); console.error("to stderr")'], {
    cwd,
    input: 'line one\nline two\n',
  });
  assert.equal(echo.status, 0, echo.stderr);
  assert.equal(echo.stdout, 'line one\nline two\n');
  assert.match(echo.stderr, /^to stderr$/m);

  const empty = tempDir();
  const missing = memprof(['run', 'no-such-command-for-memprof', '--flag'], { cwd: empty });
  assert.equal(missing.status, 127);
  assert.equal(missing.stderr, 'memprof: command not found: no-such-command-for-memprof\n');
  const script = memprof(['run', 'missing-script.js'], { cwd: empty });
  assert.equal(script.status, 127);
  assert.equal(script.stderr, 'memprof: cannot find script missing-script.js\n');
  writeFileSync(join(empty, 'not-executable'), '#!/bin/sh\n');
  const notExecutable = memprof(['run', './not-executable'], { cwd: empty });
  assert.equal(notExecutable.status, 126);
  assert.equal(notExecutable.stderr, 'memprof: command is not executable: ./not-executable\n');
  assert.deepEqual(
    readdirSync(empty).filter((name) => name.endsWith('.dat')),
    [],
    'no recording left behind',
  );
});

test('run: SIGINT and SIGTERM are forwarded; the exit code is the program’s, or 128+signal', async () => {
  const cwd = tempDir();
  const cases = [
    { mode: 'handler', signal: 'SIGINT' as const, expected: 42, said: 'got SIGINT' },
    { mode: 'handler', signal: 'SIGTERM' as const, expected: 42, said: 'got SIGTERM' },
    { mode: 'plain', signal: 'SIGINT' as const, expected: 130, said: undefined },
    { mode: 'plain', signal: 'SIGTERM' as const, expected: 143, said: undefined },
  ];
  await Promise.all(
    cases.map(async ({ mode, signal, expected, said }, index) => {
      const out = join(cwd, `signal${index}.dat`);
      const run = startMemprof(['run', '-T', '0.02', '-o', out, join(RECORD, 'wait.js'), mode, '42'], cwd);
      await run.waitFor(/^ready \d+$/m, 'the program');
      await waitForSamples(out, 3);
      run.child.kill(signal); // to memprof, not to the program
      const { code } = await run.exited;
      const label = `${mode} ${signal}`;
      assert.equal(code, expected, `${label}: ${run.output().stderr}`);
      if (said) assert.match(run.output().stdout, new RegExp(`^${said}$`, 'm'), label);
      assert.ok(readRecording(out).mem.length >= 3, label);
    }),
  );
});

test('kill -9 of the recorded program, or of memprof: the file stays readable, nothing lost', async () => {
  const cwd = tempDir();
  // The program is killed: memprof reports 128+9 and closes a complete file.
  const programOut = join(cwd, 'program.dat');
  const first = startMemprof(['run', '-T', '0.01', '-o', programOut, join(RECORD, 'wait.js'), 'plain'], cwd);
  const pid = Number((await first.waitFor(/^ready (\d+)$/m, 'the program'))[1]);
  await waitForSamples(programOut, 5);
  process.kill(pid, 'SIGKILL');
  const { code } = await first.exited;
  assert.equal(code, 137);
  const dat = readRecording(programOut);
  assert.ok(dat.mem.length >= 5);
  assert.ok(Math.max(...dat.mem.map((sample) => sample.mib)) > 16, 'the 16 MiB the program held');

  // memprof itself is killed: every line written so far is whole.
  const recorderOut = join(cwd, 'recorder.dat');
  const second = startMemprof(['run', '-T', '0.005', '-M', '-o', recorderOut, join(RECORD, 'wait.js'), 'plain'], cwd);
  const orphan = Number((await second.waitFor(/^ready (\d+)$/m, 'the program'))[1]);
  await waitForSamples(recorderOut, 20);
  second.child.kill('SIGKILL');
  await second.exited;
  try {
    const text = readFileSync(recorderOut, 'utf8');
    assert.ok(text.endsWith('\n'));
    assert.ok(readRecording(recorderOut).mem.length >= 20);
  } finally {
    if (isAlive(orphan)) process.kill(orphan, 'SIGKILL');
  }
});

test('run --timeout stops recording and still passes the exit code; --backend pss and uss', () => {
  const cwd = tempDir();
  const out = join(cwd, 'timeout.dat');
  const run = memprof(['run', '--timeout', '0.3', '-T', '0.02', '-o', out, join(RECORD, 'wait.js'), 'plain', '0', '900', '5'], { cwd });
  assert.equal(run.status, 5, run.stderr);
  assert.match(run.stderr, /--timeout 0\.3 s reached: recording stopped; waiting for the program to exit/);
  const dat = readRecording(out);
  const span = dat.mem[dat.mem.length - 1].time - dat.mem[0].time;
  assert.ok(span < 0.45, `recorded for ${span} s`);

  for (const backend of ['pss', 'uss']) {
    const file = join(cwd, `${backend}.dat`);
    const measured = memprof(['run', '--backend', backend, '-T', '0.05', '-o', file, join(RECORD, 'steps.js'), '0', '2', '10', '100'], { cwd });
    assert.equal(measured.status, 0, measured.stderr);
    const samples = readRecording(file).mem;
    assert.ok(samples.length >= 3 && samples.every((sample) => sample.mib > 0), backend);
    assert.ok(Math.max(...samples.map((sample) => sample.mib)) > 15, `${backend}: the 20 MiB allocated`);
  }
});

test('attach: records a running process until it exits or --timeout; bad targets fail in one line', async () => {
  const cwd = tempDir();
  // The program waits to be signalled (at most 15 s): it exits when the test has seen the recording
  // grow, not after a fixed time that a loaded machine could spend starting memprof.
  const program: ChildProcess = spawn(process.execPath, [join(RECORD, 'wait.js'), 'plain', '0', '15000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve) => program.stdout!.once('data', resolve));
    const pid = String(program.pid);
    const timed = memprof(['attach', '--timeout', '0.3', '-T', '0.02', '-o', join(cwd, 'timed.dat'), pid], { cwd });
    assert.equal(timed.status, 0, timed.stderr);
    assert.match(timed.stderr, /--timeout 0\.3 s reached/);
    const dat = readRecording(join(cwd, 'timed.dat'));
    assert.match(dat.cmdline ?? '', /wait\.js plain 0 15000$/);
    assert.ok(dat.mem.length >= 5);
    assert.ok(isAlive(program.pid!), 'the process goes on');

    const exitFile = join(cwd, 'exit.dat');
    const untilExit = startMemprof(['attach', '-T', '0.02', '-o', exitFile, pid], cwd);
    const deadline = Date.now() + 15_000;
    while (!(existsSync(exitFile) && readRecording(exitFile).mem.length >= 3)) {
      if (Date.now() > deadline) throw new Error(`attach wrote no samples: ${JSON.stringify(untilExit.output())}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    program.kill('SIGTERM');
    const ended = await untilExit.exited;
    assert.equal(ended.code, 0, untilExit.output().stderr);
    assert.match(untilExit.output().stderr, new RegExp(`process ${pid} exited`));
    assert.ok(readRecording(exitFile).mem.length >= 3);
  } finally {
    program.kill('SIGKILL');
  }
  const none = memprof(['attach', '999999999'], { cwd });
  assert.equal(none.status, 1);
  assert.equal(none.stderr, 'memprof: no process with pid 999999999\n');
  const usage = memprof(['attach'], { cwd });
  assert.equal(usage.status, 2);
  assert.equal(usage.stderr, "memprof: memprof attach needs exactly one pid or process name\nTry 'memprof attach --help'.\n");
});

test('each Node process sampling itself: MEASURE says rss of the process even with -C, --timeout stops the samples, --backend pss is refused, --self-stats says why it has nothing', () => {
  const cwd = tempDir();
  const env = cleanEnv({ MEMPROF_RECORD_SAMPLING: 'self' });
  // 8 steps of 150 ms: about 1.35 s; sampling stops at 0.5 s.
  const started = Date.now() / 1000;
  const run = memprof(['run', '-C', '--self-stats', '--timeout', '0.5', '--interval', '0.02', '-o', 'cut.dat', join(RECORD, 'steps.js'), '0', '8', '10', '150'], { cwd, env });
  assert.equal(run.status, 0, run.stderr);
  const text = readFileSync(join(cwd, 'cut.dat'), 'utf8');
  assert.match(text, /^MEASURE rss process$/m, 'a process sampling itself measures itself alone');
  assert.match(run.stderr, /^memprof: --timeout 0\.5 s reached: recording stopped; waiting for the program to exit$/m);
  assert.match(run.stderr, /^memprof: --self-stats: no recording loop to report on: each Node process sampled itself, in a thread of its own$/m);
  const times = readRecording(join(cwd, 'cut.dat')).mem.map((sample) => sample.time);
  assert.ok(times.length >= 5, `${times.length} samples`);
  // The program starts after memprof's own start-up; 0.5 s after that at most, with a margin for a slow start.
  assert.ok(Math.max(...times) - started < 1.1, `last sample ${(Math.max(...times) - started).toFixed(2)} s after the start`);

  const pss = memprof(['run', '--backend', 'pss', '-o', 'pss.dat', join(RECORD, 'steps.js')], { cwd, env });
  assert.equal(pss.status, 2);
  assert.equal(pss.stderr, 'memprof: --backend pss needs /proc: without it each Node process samples its own resident set (--backend rss)\n');
  assert.ok(!existsSync(join(cwd, 'pss.dat')), 'nothing written');
});

test('run -o /dev/full: the same one-line error as any unwritable output, exit 1, and the device is left alone', () => {
  const run = memprof(['run', '-o', '/dev/full', process.execPath, '-e', '1']);
  assert.equal(run.status, 1);
  assert.equal(run.stderr, 'memprof: cannot write /dev/full: ENOSPC\n');
  assert.ok(existsSync('/dev/full'));
});

test('without /proc (forced with MEMPROF_RECORD_SAMPLING=self) each Node process samples itself: MEM climbs, CHLD per child with -M', () => {
  const cwd = tempDir();
  const env = cleanEnv({ MEMPROF_RECORD_SAMPLING: 'self' });
  const steps = memprof(['run', '--interval', '0.02', '-o', 'steps.dat', join(RECORD, 'steps.js'), '3', '4', '20', '150'], { cwd, env });
  assert.equal(steps.status, 3, steps.stderr);
  assert.match(steps.stderr, /^memprof: no \/proc here: each Node process samples itself$/m);
  const dat = readRecording(join(cwd, 'steps.dat'));
  assert.ok(dat.mem.length >= 20, `${dat.mem.length} samples`);
  const times = dat.mem.map((sample) => sample.time);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1], 'timestamps do not go back');
  const early = Math.max(...dat.mem.slice(0, 3).map((sample) => sample.mib));
  const peak = Math.max(...dat.mem.map((sample) => sample.mib));
  assert.ok(peak - early > 60, `from ${early} to ${peak} MiB`);
  assert.match(steps.stderr, new RegExp(`${dat.mem.length} samples \\(peak ${peak.toFixed(1)} MiB\\) in steps\\.dat`));

  const family = memprof(['run', '-M', '--interval', '0.02', '-o', 'family.dat', join(RECORD, 'children.js'), '3', '1'], { cwd, env });
  assert.equal(family.status, 0, family.stderr);
  const children = readRecording(join(cwd, 'family.dat')).children;
  assert.equal(children.size, 3);
  for (const samples of children.values()) assert.ok(samples.length >= 10, `${samples.length} CHLD samples`);
});
