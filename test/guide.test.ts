// docs/guide.md, step by step as written: every `$ ` command of its examples is run, in order, where
// the guide runs them (a clone's root: here a folder with the clone's fixtures/ and memprof installed,
// so that the files the commands write go to a temporary folder). The servers run on a terminal
// (script(1)), get two requests, and are stopped with Ctrl-C, as a person would do it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, parseTables, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const tempDir = tempDirs('memprof-guide-');

/** The `$ ` lines of the guide's code blocks, in order. */
function guideCommands(): string[] {
  const guide = readFileSync(join(ROOT, 'docs/guide.md'), 'utf8');
  const commands: string[] = [];
  let inBlock = false;
  for (const line of guide.split('\n')) {
    if (line.startsWith('```')) inBlock = !inBlock;
    else if (inBlock && line.startsWith('$ ')) commands.push(line.slice(2).trim());
  }
  return commands;
}

/** A folder laid out like the clone's root: fixtures/, and memprof installed (`npx memprof` works). */
function cloneLikeFolder(): string {
  const cwd = tempDir();
  symlinkSync(FIXTURES, join(cwd, 'fixtures'));
  mkdirSync(join(cwd, 'node_modules/.bin'), { recursive: true });
  symlinkSync(ROOT, join(cwd, 'node_modules/memprof'));
  // What npm links into .bin for the package's "bin".
  writeFileSync(join(cwd, 'node_modules/.bin/memprof'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'dist/src/cli/main.js'))} "$@"\n`, { mode: 0o755 });
  return cwd;
}

/** A server command on a terminal: two requests once it listens, then Ctrl-C. Its terminal output. */
function runServer(command: string, cwd: string): Promise<{ status: number | null; output: string }> {
  // PORT=0: the system picks a free port (the guide says so); the requests go where it listens.
  const onFreePort = command.replace(/\bPORT=\d+/, 'PORT=0');
  const child = spawn('script', ['-q', '-e', '-c', onFreePort, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let requested = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not finish:\n${output}`));
    }, 90_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+\/test)/.exec(output);
      if (!listening || requested) return;
      requested = true;
      (async () => {
        for (let request = 0; request < 2; request++) await (await fetch(listening[1])).arrayBuffer();
        child.stdin.write('\x03'); // Ctrl-C
      })().catch(reject);
    });
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, output: output.replace(/\x1b(?:\[[\d;]*[A-Za-z]|[78])/g, '') });
    });
  });
}

test('docs/guide.md: every command runs as written, in order', { timeout: 600_000 }, async () => {
  const commands = guideCommands();
  assert.ok(commands.length >= 8, commands.join('\n'));
  const cwd = cloneLikeFolder();
  for (const command of commands) {
    if (/fixtures\/service\/(server|cluster)\.js/.test(command)) {
      const server = await runServer(command, cwd);
      // npx reports the Ctrl-C (130); memprof has stopped the recording and said where it is.
      assert.ok(server.status === 0 || server.status === 130, `${command}: ${server.status}\n${server.output}`);
      const file = / -o (\S+)/.exec(command)![1];
      assert.match(server.output, new RegExp(`memprof: \\d+ samples \\(peak [\\d.]+ MiB[^)]*\\) in ${file.replace('.', '\\.')}`), server.output);
      assert.match(readFileSync(join(cwd, file), 'utf8'), /^(?:FUNC|CHLDFUNC \d+) test1 /m, `${file} has the calls' markers`);
      continue;
    }
    const run = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } });
    assert.equal(run.status, 0, `${command}\n${run.stdout}\n${run.stderr}`);
    if (command === 'node -r memprof/register fixtures/seed/example.js') {
      const [table] = parseTables(run.stdout);
      assert.ok(table.rows.some((row) => row.contents.includes('new Array(2e7)') && (row.allocatedMiB ?? 0) > 150), run.stdout);
    }
    if (command.startsWith('npx memprof plot')) assert.ok(existsSync(join(cwd, run.stdout.trim())), `${command}: ${run.stdout}`);
    if (command.startsWith('MEMPROF_BREAK_AT=')) assert.match(run.stderr, /heap snapshot written to \S*memprof-\d+-\d+\.heapsnapshot/);
  }
  assert.ok(readdirSync(cwd).some((name) => name.endsWith('.heapsnapshot')));
});
