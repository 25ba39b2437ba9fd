// The `memprof` command as a user types it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScriptArguments } from '../src/cli/commands/script';
import { UsageError } from '../src/cli/errors';
import { FIXTURES, ROOT, parseTables } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const tempDir = tempDirs('memprof-cli-');

function memprof(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
}

test('memprof <script> runs it with line profiling and the chosen options', () => {
  const run = memprof('--precision', '2', '--metric=heapUsed', join(FIXTURES, 'seed/example.js'));
  assert.equal(run.status, 0, run.stderr);
  const [table] = parseTables(run.stdout);
  assert.match(table.metric, /^heapUsed /);
  assert.match(run.stdout, / \d+\.\d\d MiB/);
});

test("memprof passes the script's arguments and exit code through", () => {
  const dir = tempDir();
  const script = join(dir, 'exit.js');
  writeFileSync(script, 'console.log(process.argv.slice(2).join(" ")); process.exit(7);');
  const run = memprof(script, '--not-for-memprof', 'x');
  assert.equal(run.status, 7);
  assert.equal(run.stdout, '--not-for-memprof x\n');
});

test('memprof <script> passes SIGTERM on, and the exit code back (the program’s, or 128+signal)', async () => {
  const cases = [
    { mode: 'handler', expected: 42, said: 'ready \\d+\ngot SIGTERM\n' },
    { mode: 'plain', expected: 143, said: 'ready \\d+\n' },
  ];
  await Promise.all(
    cases.map(async ({ mode, expected, said }) => {
      const child = spawn(process.execPath, [CLI, join(FIXTURES, 'record/wait.js'), mode, '42'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) =>
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (stdout.includes('ready')) resolve();
        }),
      );
      child.kill('SIGTERM'); // to memprof, not to the script
      assert.equal(await exited, expected, `${mode}: ${stderr}`);
      assert.match(stdout, new RegExp(`^${said}$`), mode);
    }),
  );
});

test('memprof --help and bad usage', () => {
  const help = memprof('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: memprof \[options\] <script> \[args\.\.\.\]/);
  const unknown = memprof('--frobnicate', 'x.js');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, "memprof: unknown option --frobnicate\nTry 'memprof --help'.\n");
  const missing = memprof('does-not-exist.js');
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr, 'memprof: cannot find script does-not-exist.js\n');
});

test('argument parsing: options before the script, the rest is the script’s', () => {
  assert.deepEqual(parseScriptArguments(['-o', 'out.txt', 'app.ts', '-o', 'x']), {
    kind: 'run',
    script: 'app.ts',
    args: ['-o', 'x'],
    env: { MEMPROF_OUTPUT: 'out.txt' },
  });
  assert.throws(() => parseScriptArguments(['--precision', '9', 'a.js']), UsageError);
  assert.throws(() => parseScriptArguments(['--metric']), /--metric needs a value/);
  assert.throws(() => parseScriptArguments([]), /no script given/);
});

test('--json, --max-tables and --break-at set their environment variables', () => {
  assert.deepEqual(parseScriptArguments(['--json', '--max-tables', 'all', '--break-at=150', 'app.js']), {
    kind: 'run',
    script: 'app.js',
    args: [],
    env: { MEMPROF_FORMAT: 'json', MEMPROF_MAX_TABLES: 'all', MEMPROF_BREAK_AT: '150' },
  });
  assert.throws(() => parseScriptArguments(['--break-at', '-3', 'a.js']), /--break-at must be a positive number of MiB, got "-3"/);
  assert.throws(() => parseScriptArguments(['--max-tables', 'few', 'a.js']), /--max-tables must be a whole number or "all"/);
  const run = memprof('--json', join(FIXTURES, 'seed/example.js'));
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout.trim()).function, 'myFunc');
});

test('memprof help [command] prints the help; a directory and a failed start say so in one line and leave no file', () => {
  const cwd = tempDir();
  mkdirSync(join(cwd, 'src'));
  mkdirSync(join(cwd, 'app'));
  writeFileSync(join(cwd, 'app', 'index.js'), 'console.log("app ran");\n');
  const inside = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd });

  const help = inside('help');
  assert.equal(help.status, 0, help.stderr);
  assert.equal(help.stdout, memprof('--help').stdout);
  const runHelp = inside('help', 'run');
  assert.equal(runHelp.status, 0);
  assert.match(runHelp.stdout, /^Usage: memprof run \[options\] <command> \[args\.\.\.\]/);
  const unknown = inside('help', 'frobnicate');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, "memprof: no command frobnicate; the commands are run, attach, snapshot, list, clean, rm, peak, plot, report, export, leaks, check, diff\nTry 'memprof --help'.\n");

  const cases: Array<[string[], number, string]> = [
    [['src'], 2, 'memprof: src is a directory with no index file or package.json "main": name the script to run\n'],
    [['run', 'node', 'src'], 127, 'memprof: src is a directory with no index file or package.json "main": name the script to run\n'],
    [['run', 'node', 'nosuch.js'], 127, 'memprof: cannot find script nosuch.js\n'],
    [['run', 'src'], 127, 'memprof: src is a directory, not a command: name the program to run\n'],
    [['run', './src'], 126, 'memprof: ./src is a directory, not a command: name the program to run\n'],
  ];
  for (const [args, status, stderr] of cases) {
    const run = inside(...args);
    assert.equal(run.stderr, stderr, args.join(' '));
    assert.equal(run.status, status, args.join(' '));
    assert.equal(run.stdout, '', args.join(' '));
  }
  assert.deepEqual(readdirSync(cwd).sort(), ['app', 'src'], 'no recording left behind');
  // A directory Node can run (its index.js) runs.
  const app = inside('app');
  assert.equal(app.status, 0, app.stderr);
  assert.equal(app.stdout, 'app ran\n');
});
