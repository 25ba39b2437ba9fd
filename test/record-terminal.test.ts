// `memprof run` on a real terminal: a pseudo-terminal from script(1), and what it received played into
// a terminal emulator (xterm.js, headless), read back as a person would see the screen. The program's
// lines, written in pieces while the status line redraws, come out whole, and the status line is gone
// at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Terminal } from '@xterm/headless';
import { FIXTURES, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const tempDir = tempDirs('memprof-terminal-');
const ROWS = 20;
const COLUMNS = 120;

/** The screen and its scrollback, line by line, after the terminal has processed `output`. */
function screenOf(output: string): Promise<string[]> {
  const terminal = new Terminal({ rows: ROWS, cols: COLUMNS, scrollback: 1000, allowProposedApi: true });
  return new Promise((resolve) =>
    terminal.write(output, () => {
      const buffer = terminal.buffer.active;
      const lines: string[] = [];
      for (let index = 0; index < buffer.length; index++) lines.push(buffer.getLine(index)?.translateToString(true) ?? '');
      terminal.dispose();
      resolve(lines);
    }),
  );
}

test("memprof run's status line never mixes with the program's output on a terminal", { timeout: 120_000 }, async () => {
  const cwd = tempDir();
  const command = `stty rows ${ROWS} cols ${COLUMNS}; exec ${process.execPath} ${CLI} run -o out.dat node ${join(FIXTURES, 'terminal/chatty.js')} 40`;
  const run = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 });
  assert.equal(run.status, 0, run.stderr);
  // The status line was drawn, on the bottom row, several times while the program wrote.
  const draws = run.stdout.match(new RegExp(`\\x1b7\\x1b\\[${ROWS};1H\\x1b\\[2Kmemprof: recording \\d`, 'g')) ?? [];
  assert.ok(draws.length >= 3, `${draws.length} draws`);

  const screen = await screenOf(run.stdout);
  const programLines = screen.filter((line) => line.startsWith('line '));
  assert.deepEqual(
    programLines,
    Array.from({ length: 40 }, (_, index) => `line ${index} begins and ends ${index}`),
    screen.join('\n'),
  );
  assert.ok(!screen.some((line) => /memprof: recording \d+\.\d s/.test(line)), `the status line is erased at the end:\n${screen.join('\n')}`);
  assert.ok(screen.some((line) => /^memprof: \d+ samples \(peak [\d.]+ MiB\) in out\.dat$/.test(line)), screen.join('\n'));
});
