// docs/leaks.md, run: every command it shows, in order, in a copy of the repository's leaky service,
// with the fix applied and undone where the page says so (its <!-- test: ... --> comments), and what
// each command prints or writes checked against what the page says of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const tempDir = tempDirs('memprof-leaks-doc-');

type Step = { kind: 'commands'; commands: string[] } | { kind: 'fix' } | { kind: 'unfix' };

/** The page's shell blocks (the lines after `$ `), its fix (the diff block) and the test's directions, in order. */
function readPage(): { steps: Step[]; fix: { from: string; to: string } } {
  const lines = readFileSync(join(ROOT, 'docs', 'leaks.md'), 'utf8').split('\n');
  const steps: Step[] = [];
  let fence: string | null = null;
  let removed = '';
  let added = '';
  for (const line of lines) {
    if (line.startsWith('```')) {
      fence = fence === null ? line.slice(3) : null;
      if (fence === 'sh') steps.push({ kind: 'commands', commands: [] });
      continue;
    }
    if (fence === 'sh' && line.startsWith('$ ')) (steps[steps.length - 1] as { commands: string[] }).commands.push(line.slice(2));
    if (fence === 'diff' && line.startsWith('-')) removed = line.slice(1);
    if (fence === 'diff' && line.startsWith('+')) added = line.slice(1);
    if (line === '<!-- test: apply the fix above -->') steps.push({ kind: 'fix' });
    if (line === '<!-- test: undo the fix -->') steps.push({ kind: 'unfix' });
  }
  return { steps, fix: { from: removed, to: added } };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Ran {
  command: string;
  status: number | null;
  output: string;
}

/** Runs a block's commands in one shell (jobs and `wait` need it), `npx memprof` being this memprof. */
function runBlock(commands: readonly string[], cwd: string, port: number): Ran[] {
  const script = [`npx() { if [ "$1" = memprof ]; then shift; node ${JSON.stringify(CLI)} "$@"; else command npx "$@"; fi; }`];
  commands.forEach((command, index) => {
    const line = command.replaceAll('5000', String(port));
    script.push(`echo "::command ${index}"`);
    // A background job's output goes to a file of its own, so that it does not run into the next command's.
    script.push(line.endsWith('&') ? `${line.slice(0, -1)} > background-${index}.log 2>&1 &` : `${line} 2>&1; echo "::exit $?"`);
  });
  const run = spawnSync('bash', ['-c', script.join('\n')], { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
  const parts = run.stdout.split(/^::command (\d+)\n/m).slice(1);
  const ran: Ran[] = [];
  for (let index = 0; index < parts.length; index += 2) {
    const body = parts[index + 1];
    const exit = /::exit (\d+)\n?$/.exec(body);
    ran.push({ command: commands[Number(parts[index])], status: exit ? Number(exit[1]) : null, output: exit ? body.slice(0, exit.index) : body });
  }
  return ran;
}

/** The legend's entries of an SVG plot, as text. */
function legend(svg: string): string[] {
  return [...svg.matchAll(/<g class="legend-(?:series|function)[^"]*"[^>]*>(.*?)<\/g>/g)].map((match) => match[1].replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
}

const slopeOf = (entry: string) => Number(/slope \+?(-?[\d.]+) MiB\/s/.exec(entry)?.[1]);

test('docs/leaks.md: every command it shows runs, and does what the page says', { timeout: 300_000 }, async () => {
  const { steps, fix } = readPage();
  const commands = steps.flatMap((step) => (step.kind === 'commands' ? step.commands : []));
  const RUN = 'SERVICE_ELEMENTS=1000000 SERVICE_DELAYS=100,100 EXIT_AFTER=25 PORT=5000 npx memprof run -o';
  const LEAKS = 'npx memprof leaks fixtures/leaks/service/scenario.js';
  const CHECK = 'npx memprof check --budget fixtures/leaks/service/memprof.budget.json';
  const LOAD = 'node fixtures/leaks/service/load.js 5000 25';
  // The page's commands, which this test knows what to expect of: a new command needs a check here.
  assert.deepEqual(commands, [
    `${RUN} leaky.dat node fixtures/leaks/service/server.js &`,
    LOAD,
    'wait',
    'npx memprof plot --slope -o leaky.svg leaky.dat',
    'npx memprof peak leaky.dat',
    LEAKS,
    LEAKS,
    `${RUN} fixed.dat node fixtures/leaks/service/server.js &`,
    LOAD,
    'wait',
    'npx memprof diff leaky.dat fixed.dat',
    'npx memprof plot --slope -o both.svg leaky.dat fixed.dat',
    `${CHECK} --update`,
    CHECK,
  ]);
  assert.ok(fix.from.includes('previews.set(url,') && fix.to.includes('previews.set(new URL('), JSON.stringify(fix));

  const project = tempDir();
  cpSync(join(FIXTURES, 'leaks', 'service'), join(project, 'fixtures', 'leaks', 'service'), { recursive: true });
  const app = join(project, 'fixtures', 'leaks', 'service', 'app.js');
  const leakyApp = readFileSync(app, 'utf8');
  assert.ok(leakyApp.includes(fix.from), 'the page shows the fixture’s leaking line');
  const port = await freePort();
  const ran: Ran[] = [];
  for (const step of steps) {
    if (step.kind === 'fix') writeFileSync(app, leakyApp.replace(fix.from, fix.to));
    else if (step.kind === 'unfix') writeFileSync(app, leakyApp);
    else if (step.commands.some((command) => command.startsWith(CHECK)) && step.commands[0].endsWith('--update')) {
      // Before the page rewrites it: the committed budget is the fixed service's (the check passes on it).
      const committed = spawnSync(process.execPath, [CLI, 'check', '--budget', 'fixtures/leaks/service/memprof.budget.json'], { cwd: project, encoding: 'utf8' });
      assert.equal(committed.status, 0, `the committed budget is not the fixed service's:\n${committed.stdout}${committed.stderr}`);
      ran.push(...runBlock(step.commands, project, port));
    } else ran.push(...runBlock(step.commands, project, port));
  }
  assert.equal(ran.length, commands.length);
  const [recordLeaky, loadLeaky, waitLeaky, plotLeaky, peak, leaks, noLeak, , loadFixed, waitFixed, diff, plotBoth, update, check] = ran;

  // 1. The symptom.
  assert.equal(loadLeaky.output, '25 requests sent\n');
  assert.equal(recordLeaky.status, null);
  assert.equal(waitLeaky.status, 0, 'memprof run ended with the service');
  assert.equal(plotLeaky.output, 'leaky.svg\n');
  const leakyLegend = legend(readFileSync(join(project, 'leaky.svg'), 'utf8'));
  assert.match(leakyLegend[0], /^MEM peak [\d.]+ MiB, slope \+[\d.]+ MiB\/s$/);
  assert.match(peak.output, /^leaky\.dat\t\d+\.\d+ MiB\n$/);

  // 2. The line.
  assert.equal(leaks.status, 1, leaks.output);
  assert.match(leaks.output, /^fixtures\/leaks\/service\/scenario\.js oneRequest: leaks 7\.\d MiB\/iteration: /);
  const line = leakyApp.split('\n').findIndex((text) => text === fix.from) + 1;
  assert.match(leaks.output, new RegExp(`\\n  fixtures/leaks/service/app\\.js:${line}  7\\.\\d MiB/iteration  confidence 100%  in handle\\n {6}previews\\.set\\(url, one\\.slice\\(0, PREVIEW_ELEMENTS\\)\\);\\n {6}kept alive by: previews \\(Map\\) → \\(Array, 7\\.6 MiB\\)\\n`));

  // The fix.
  assert.equal(noLeak.status, 0, noLeak.output);
  assert.match(noLeak.output, /^fixtures\/leaks\/service\/scenario\.js oneRequest: no leak: /);
  assert.equal(loadFixed.output, '25 requests sent\n');
  assert.equal(waitFixed.status, 0);
  assert.equal(diff.status, 0, diff.output);
  assert.match(diff.output, /^leaky\.dat → fixed\.dat\n/);
  const slopes = /\nSlope +(-?[\d.]+) MiB\/s → (-?[\d.]+) MiB\/s/.exec(diff.output)!;
  assert.ok(Number(slopes[1]) > 3 * Number(slopes[2]) && Number(slopes[1]) > 10, `slopes: leaky ${slopes[1]}, fixed ${slopes[2]} MiB/s`);
  assert.equal(slopeOf(leakyLegend[0]).toFixed(1), Number(slopes[1]).toFixed(1));
  assert.match(diff.output, /\ntest1 +25 → 25 /);
  assert.equal(plotBoth.output, 'both.svg\n');
  const both = legend(readFileSync(join(project, 'both.svg'), 'utf8'));
  assert.match(both[0], /^#1 leaky\.dat peak [\d.]+ MiB, slope \+[\d.]+ MiB\/s$/);
  assert.match(both[1], /^#2 fixed\.dat peak [\d.]+ MiB, slope \+[\d.]+ MiB\/s$/);
  for (const name of ['test1', 'test2', 'delay']) {
    for (const recording of [1, 2]) assert.ok(both.some((entry) => new RegExp(`^#${recording} ${name} [\\d.]+ s \\(\\d+ calls\\)$`).test(entry)), `#${recording} ${name}: ${both.join(' | ')}`);
  }

  // 3. The guard.
  assert.equal(update.status, 0, update.output);
  assert.match(update.output, /\nmemprof: wrote the budget of 4 functions in 1 scenario to fixtures\/leaks\/service\/memprof\.budget\.json\n$/);
  assert.equal(check.status, 1, check.output);
  assert.match(check.output, /\none request +\(whole call\) +[\d.]+ MiB \/ [\d.]+ MiB +7\.6 MiB \/ [\d.]+ KiB ✗ .* REGRESSION\n/);
  assert.match(check.output, /\nmemprof: one request › \(whole call\): retained 7\.6 MiB, over its budget of [\d.]+ KiB \+ 10% \+ 1\.0 MiB\n$/);
  assert.ok(existsSync(join(project, 'fixtures', 'leaks', 'service', 'memprof.budget.json')));
});
