// The .dat format (writer and reader), housekeeping commands, bad input, the status line and the
// subcommands' option parsing. Fast: no recording here except where a command needs a real file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chldLine, cmdlineLine, funcLine, memLine } from '../src/shared/dat-lines';
import { parseDat, damageWarning } from '../src/record/dat';
import { formatListing } from '../src/record/housekeeping';
import { peakSummary, pythonFixed } from '../src/record/peak';
import { fromSmapsRollup, parsePidList } from '../src/record/proc/parsers';
import { residentFromStatm, pageSize } from '../src/record/proc/reads';
import { discoveryCadence } from '../src/record/tree-sampler';
import { defaultFileName } from '../src/record/output-file';
import { signalExitCode } from '../src/record/launch';
import { parseOptions } from '../src/cli/option-parser';
import { SUBCOMMANDS } from '../src/cli/commands/index';
import { helpText } from '../src/cli/help';
import { UsageError } from '../src/cli/errors';
import { FIXTURES, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const MPROF_FILES = join(FIXTURES, 'record', 'mprof-0.61');

const tempDir = tempDirs('memprof-dat-');

function memprof(args: string[], cwd: string) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', timeout: 20_000 });
}

test('lines are written exactly as mprof writes them', () => {
  assert.equal(cmdlineLine(['node', 'my app.js', '--x']), "CMDLINE node 'my app.js' --x\n");
  assert.equal(memLine(12.5, 1700000000.123456), 'MEM 12.500000 1700000000.1235\n');
  assert.equal(chldLine(4242, 3.25, 1700000000.1), 'CHLD 4242 3.250000 1700000000.1000\n');
  assert.equal(
    funcLine({ name: 'Store.save', mem0: 10, t0: 1700000000, mem1: 11.123456, t1: 1700000001.5, level: 1 }),
    'FUNC Store.save 10.0000 1700000000.0000 11.1235 1700000001.5000 1\n',
  );
  assert.equal(
    funcLine({ name: 'handle request', mem0: 1, t0: 2, mem1: 3, t1: 4, level: 0, pid: 77 }),
    'CHLDFUNC 77 handle_request 1.0000 2.0000 3.0000 4.0000 0\n',
  );
});

test('reads files written by mprof 0.61 (FUNC before CMDLINE, CHLD series)', () => {
  const functions = parseDat(readFileSync(join(MPROF_FILES, 'functions.dat'), 'utf8'), 'functions.dat');
  assert.equal(functions.damaged, 0);
  assert.equal(functions.cmdline, '/usr/bin/python3 prog.py');
  assert.equal(functions.mem.length, 8);
  assert.deepEqual(
    functions.funcs.map((call) => [call.name, call.level, call.pid]),
    [
      ['__main__.inner', 1, undefined],
      ['__main__.outer', 0, undefined],
    ],
  );
  // mprof peak printed these (see the README next to the files).
  assert.equal(peakSummary(functions).text, 'functions.dat\t44.609 MiB\n');
  assert.equal(peakSummary(functions, '__main__.inner').text, 'functions.dat\t29.348 MiB\n');
  assert.equal(peakSummary(functions, 'inner').text, 'functions.dat\t29.348 MiB\n', 'found by its last dotted part');

  const multi = parseDat(readFileSync(join(MPROF_FILES, 'multiprocess.dat'), 'utf8'), 'multiprocess.dat');
  assert.equal(multi.damaged, 0);
  assert.deepEqual([...multi.children.keys()], [5668, 5669]);
  assert.equal(peakSummary(multi).text, 'multiprocess.dat\t58.129 MiB\n  Child 5668\t\t\t16.309 MiB\n  Child 5669\t\t\t23.965 MiB\n');
});

test('damaged lines are skipped and counted: truncated, bad numbers, blank, unknown, unterminated', () => {
  const text = [
    'CMDLINE node app.js',
    'MEM 10.000000 1700000000.0000',
    'MEM 11.5',
    '',
    'MEM abc 1700000000.1000',
    'MEM 12.000000 1700000000.2000',
    'CHLD x 1.0 1700000000.2000',
    'CHLD 12 1.000000 1700000000.2000',
    'FUNC f 1.0 2.0 3.0',
    'FUNC f 10.0000 1700000000.0500 12.0000 1700000000.1500 0',
    'FUNC g 10.0000 1700000000.0500 12.0000 1700000000.1500',
    'CHLDFUNC 12 h 1.0000 1700000000.1000 1.5000 1700000000.2000 2',
    'CHLDFUNC h 1.0000 1700000000.1000 1.5000 1700000000.2000 2',
    'FUNC f nan 1700000000.0 1.0 1700000000.1 0',
    'WHATEVER 1 2',
    'MEM 13.000000 1700000000.3000\r',
    'MEM 99.000000 17000',
  ].join('\n');
  const dat = parseDat(text, 'damaged.dat');
  assert.deepEqual(
    dat.mem.map((sample) => sample.mib),
    [10, 12, 13],
  );
  assert.deepEqual(dat.children.get(12), [{ mib: 1, time: 1700000000.2 }]);
  assert.deepEqual(
    dat.funcs.map((call) => [call.name, call.level, call.pid]),
    [
      ['f', 0, undefined],
      ['g', undefined, undefined],
      ['h', 2, 12],
    ],
  );
  // Lines 3, 4, 5, 7, 9, 13 (pid "h"), 14 (nan), 15 (unknown), 17 (no newline: cut short).
  assert.equal(dat.damaged, 9);
  assert.deepEqual(dat.damagedLines, [3, 4, 5, 7, 9]);
  assert.equal(damageWarning(dat), 'damaged.dat: skipped 9 damaged lines (lines 3, 4, 5, 7, 9, ...)');
});

test('peak: bad and damaged files get one line each, and a non-zero exit', () => {
  const cwd = tempDir();
  writeFileSync(join(cwd, 'funcs-only.dat'), 'CMDLINE x\nFUNC f 1.0 2.0 3.0 4.0 0\n');
  writeFileSync(join(cwd, 'empty.dat'), '');
  writeFileSync(join(cwd, 'binary.dat'), Buffer.from([0, 1, 2, 255, 10, 0]));
  writeFileSync(join(cwd, 'damaged.dat'), 'CMDLINE x\nMEM 5.0 1.0\nMEM 7.5\n\nMEM 6.0 2.0\n');
  mkdirSync(join(cwd, 'folder'));
  const funcsOnly = memprof(['peak', 'funcs-only.dat'], cwd);
  assert.equal(funcsOnly.status, 1);
  assert.equal(
    funcsOnly.stderr,
    'memprof: funcs-only.dat has no MEM samples (it has FUNC lines only): not a memory recording, or one cut short before its first sample\n',
  );
  const empty = memprof(['peak', 'empty.dat'], cwd);
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /^memprof: empty\.dat has no MEM samples: .*\n$/);
  const binary = memprof(['peak', 'binary.dat'], cwd);
  assert.equal(binary.status, 1);
  assert.equal(binary.stderr.split('\n').length, 3, binary.stderr); // a warning, the error, ''
  assert.doesNotMatch(binary.stderr, /at .*\.js:\d+/, 'no stack trace');
  const damaged = memprof(['peak', 'damaged.dat'], cwd);
  assert.equal(damaged.status, 0);
  assert.equal(damaged.stdout, 'damaged.dat\t6.000 MiB\n');
  assert.equal(damaged.stderr, 'memprof: warning: damaged.dat: skipped 2 damaged lines (lines 3, 4)\n');
  const missing = memprof(['peak', 'nope.dat'], cwd);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'memprof: no such file: nope.dat\n');
  const folder = memprof(['peak', 'folder'], cwd);
  assert.equal(folder.status, 1);
  assert.equal(folder.stderr, 'memprof: folder is a directory\n');
  const none = memprof(['peak'], cwd);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /^memprof: no mprofile_\*\.dat recordings in this directory/);
});

test('list, clean, rm and peak on the recordings of a directory, as mprof does', () => {
  const cwd = tempDir();
  const names = ['mprofile_20240102030405.dat', 'mprofile_20240102030406.dat', 'mprofile_20240315120000.dat'];
  const body = (peak: number) =>
    `CMDLINE app\nMEM 1.000000 1700000000.0000\nMEM ${peak.toFixed(6)} 1700000000.1000\nCHLD 7 2.000000 1700000000.1000\n` +
    'FUNC work 1.0000 1700000000.0500 3.0000 1700000000.0900 0\nCHLDFUNC 7 job 1.0000 1700000000.0000 2.5000 1700000000.2000 0\n';
  names.forEach((name, index) => writeFileSync(join(cwd, name), body(10 + index)));
  writeFileSync(join(cwd, 'other.dat'), body(99));
  const list = memprof(['list'], cwd);
  assert.equal(list.status, 0);
  assert.equal(list.stdout, formatListing(names));
  assert.equal(list.stdout.split('\n')[0], '0 mprofile_20240102030405.dat 03:04:05 02/01/2024');

  const peak = memprof(['peak'], cwd);
  assert.equal(peak.status, 0);
  assert.equal(peak.stdout, 'mprofile_20240315120000.dat\t12.000 MiB\n  Child 7\t\t\t2.000 MiB\n');
  const func = memprof(['peak', '--func', 'work', '0', 'other.dat'], cwd);
  assert.equal(func.status, 0);
  assert.equal(func.stdout, 'mprofile_20240102030405.dat\t3.000 MiB\nother.dat\t3.000 MiB\n');
  const childFunc = memprof(['peak', '--func', 'job', '-1'], cwd);
  assert.equal(childFunc.stdout, 'mprofile_20240315120000.dat\tNaN MiB\n  Child 7\t\t\t2.500 MiB\n');
  const unknown = memprof(['peak', '--func', 'missing', '-1'], cwd);
  assert.equal(unknown.status, 1);
  assert.equal(unknown.stdout, 'mprofile_20240315120000.dat\tNaN MiB\n');
  assert.equal(unknown.stderr, 'memprof: mprofile_20240315120000.dat has no function missing; it has work, job\n');

  const badIndex = memprof(['rm', '0', '7'], cwd);
  assert.equal(badIndex.status, 1);
  assert.equal(badIndex.stderr, 'memprof: no recording with index 7 (there are 3: 0 to 2, or -1 for the newest)\n');
  assert.equal(readdirSync(cwd).length, 4, 'nothing removed when one argument is bad');
  const dry = memprof(['rm', '--dry-run', '-1', 'other.dat'], cwd);
  assert.equal(dry.stdout, 'Files to be removed: \nmprofile_20240315120000.dat\nother.dat\n');
  assert.equal(readdirSync(cwd).length, 4);
  const rm = memprof(['rm', '-1', 'other.dat'], cwd);
  assert.equal(rm.status, 0, rm.stderr);
  assert.deepEqual(readdirSync(cwd).sort(), names.slice(0, 2));
  const cleanDry = memprof(['clean', '--dry-run'], cwd);
  assert.equal(cleanDry.stdout, `Files to be removed: \n${names[0]}\n${names[1]}\n`);
  const clean = memprof(['clean'], cwd);
  assert.equal(clean.status, 0);
  assert.deepEqual(readdirSync(cwd), []);
  assert.equal(memprof(['list'], cwd).stdout, '');
});

test('usage errors: one line, the help hint, exit 2; every subcommand has --help', () => {
  const cwd = tempDir();
  const cases: [string[], string][] = [
    [['run', '--frobnicate', 'node'], 'unknown option --frobnicate'],
    [['run'], 'memprof run needs a command to run'],
    [['run', '--interval', 'fast', 'node'], '--interval must be a positive number of seconds, got "fast"'],
    [['run', '-T', '0', 'node'], '--interval must be a positive number of seconds, got "0"'],
    [['run', '--backend', 'tracemalloc', 'node'], '--backend must be one of rss, pss, uss, got "tracemalloc"'],
    [['run', '--timeout'], 'option --timeout needs a value'],
    [['run', '-CX', 'node'], 'unknown option -X (in -CX)'],
    [['peak', '--func'], 'option --func needs a value'],
    [['list', 'x'], 'memprof list takes no arguments'],
    [['rm'], 'memprof rm needs the recordings to remove (an index from memprof list, or a file)'],
  ];
  for (const [args, message] of cases) {
    const run = memprof(args, cwd);
    assert.equal(run.status, 2, args.join(' '));
    assert.equal(run.stderr, `memprof: ${message}\nTry 'memprof ${args[0]} --help'.\n`);
  }
  assert.deepEqual(readdirSync(cwd), [], 'no file made by a failed command');
  for (const command of SUBCOMMANDS) {
    const name = command.name;
    const help = memprof([name, '--help'], cwd);
    assert.equal(help.status, 0);
    assert.equal(help.stdout, helpText(command));
    assert.match(help.stdout, new RegExp(`^Usage: memprof ${name}`));
  }
  const top = memprof(['--help'], cwd);
  assert.match(top.stdout, /^ {2}memprof run \[options\] <command> \[args\.\.\.\]/m);
});

test('option parsing: grouped short flags, attached values, --no-*, stop at the command', () => {
  const specs = [
    { name: 'interval', short: 'T', value: 's' },
    { name: 'include-children', short: 'C' },
    { name: 'multiprocess', short: 'M' },
    { name: 'hook', negatable: true },
  ];
  assert.deepEqual(parseOptions(['-CM', '-T0.01', '--no-hook', 'node', '-C', 'x'], specs, { stopAtPositional: true }), {
    values: { 'include-children': true, multiprocess: true, interval: '0.01', hook: false },
    positionals: ['node', '-C', 'x'],
  });
  assert.deepEqual(parseOptions(['--interval=0.5', '--', '-T'], specs, { stopAtPositional: true }), {
    values: { interval: '0.5' },
    positionals: ['-T'],
  });
  assert.deepEqual(parseOptions(['-1', '2'], [], { negativeNumbers: true }).positionals, ['-1', '2']);
  assert.throws(() => parseOptions(['--hook=1'], specs), UsageError);
  assert.throws(() => parseOptions(['--no-interval'], specs), /unknown option --no-interval/);
});

test('/proc parsing, file names, signals, discovery cadence', () => {
  assert.equal(residentFromStatm('182061 10031 8468 6802 0 12186 0\n'), 10031 * pageSize());
  assert.equal(fromSmapsRollup('Rss: 1632 kB\nPss: 437 kB\nPrivate_Clean: 40 kB\nPrivate_Dirty: 108 kB\nPrivate_Hugetlb: 0 kB\n', 'pss'), 437 * 1024);
  assert.equal(fromSmapsRollup('Rss: 1632 kB\nPss: 437 kB\nPrivate_Clean: 40 kB\nPrivate_Dirty: 108 kB\n', 'uss'), 148 * 1024);
  assert.deepEqual(parsePidList('12 345 \n'), [12, 345]);
  assert.equal(defaultFileName(new Date(2024, 0, 2, 3, 4, 5)), 'mprofile_20240102030405.dat');
  assert.equal(signalExitCode('SIGINT'), 130);
  assert.equal(signalExitCode('SIGKILL'), 137);
  assert.equal(signalExitCode('SIGTERM'), 143);
  assert.deepEqual(discoveryCadence(0.1), { discoverEvery: 1, fullScanEvery: 5 });
  assert.deepEqual(discoveryCadence(0.05), { discoverEvery: 1, fullScanEvery: 10 });
  assert.deepEqual(discoveryCadence(0.01), { discoverEvery: 5, fullScanEvery: 10 });
});

test('peak values are written as Python writes them: exact ties round to even', () => {
  // MiB values of page-sized memory are multiples of 1/256: exact ties at 3 decimals are common.
  assert.equal(pythonFixed(62.8125), '62.812');
  assert.equal(pythonFixed(16.3125), '16.312');
  assert.equal(pythonFixed(62.8135), '62.813');
  assert.equal(pythonFixed(23.9296875), '23.930');
  assert.equal(pythonFixed(0.0625), '0.062');
});
