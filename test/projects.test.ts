// Example projects as a new user would have them: memprof installed from its packed tarball into a
// fresh copy of each project under fixtures/, then the project's own command run for real.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT, parseTables } from './helpers';

const WORKSPACE = mkdtempSync(join(tmpdir(), 'memprof-projects-'));
after(() => rmSync(WORKSPACE, { recursive: true, force: true }));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const STAGE = join(WORKSPACE, 'package');

before(() => {
  // Packed as it is published (prepack trims package.json: scripts/pack-manifest.js), from a copy of
  // what npm would pack: dist/ is already built by `npm test`, and the checkout's package.json is
  // not touched while the other test files run.
  const [listing] = JSON.parse(execFileSync(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' })) as Array<{ files: Array<{ path: string }> }>;
  for (const { path } of listing.files) cpSync(join(ROOT, path), join(STAGE, path));
  cpSync(join(ROOT, 'scripts'), join(STAGE, 'scripts'), { recursive: true });
  execFileSync(NPM, ['pack', '--silent', '--pack-destination', WORKSPACE], { cwd: STAGE, stdio: 'pipe' });
  const [tarball] = readdirSync(WORKSPACE).filter((name) => name.endsWith('.tgz'));
  cpSync(join(WORKSPACE, tarball), join(WORKSPACE, 'memprof.tgz'));
});

/** Bytes of the files under `directory` (symbolic links not followed), as `du --apparent-size` counts. */
function apparentSize(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) total += apparentSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

test('the packed package: only the install script, nothing it needs missing; a fresh install is small and warns only of it', { timeout: 300_000 }, () => {
  const unpacked = join(WORKSPACE, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['xzf', join(WORKSPACE, 'memprof.tgz'), '-C', unpacked]);
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package/package.json'), 'utf8'));
  assert.deepEqual(manifest.scripts, { install: 'node native/build.js' });
  for (const file of ['native/build.js', 'native/memprof.cc', 'binding.gyp', 'fonts/DejaVuSans.ttf', 'fonts/LICENSE', 'register/index.js', 'globals.d.ts']) {
    assert.ok(existsSync(join(unpacked, 'package', file)), file);
  }
  // The checkout's manifest is whole again after packing (postpack).
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(STAGE, 'package.json'), 'utf8')).scripts), Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts));
  assert.equal(existsSync(join(STAGE, 'package.json.unpacked')), false);

  const project = join(WORKSPACE, 'fresh');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "fresh", "private": true }\n');
  // As a user's shell runs it: not with the settings `npm test` hands its scripts (npm_config_*).
  const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  const install = spawnSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=warn', '--save-dev', join(WORKSPACE, 'memprof.tgz')], {
    cwd: project,
    encoding: 'utf8',
    timeout: 240_000,
    env: userEnv,
  });
  assert.equal(install.status, 0, install.stderr);
  const scriptWarnings = `${install.stdout}\n${install.stderr}`.split('\n').filter((line) => /install-scripts\s+\S+@/.test(line));
  assert.deepEqual(scriptWarnings.map((line) => line.replace(/^npm warn install-scripts\s+/, '')), ['memprof@0.1.0 (install: node native/build.js)']);
  const megabytes = apparentSize(join(project, 'node_modules')) / 1e6;
  assert.ok(megabytes < 15, `node_modules holds ${megabytes.toFixed(1)} MB`);
  const help = run(project, NPX, ['--no', 'memprof', 'help']);
  assert.equal(help.status, 0, help.stderr);
});

/** A fresh copy of fixtures/<name> with its dependencies installed (npm's cache makes this quick). */
function installProject(name: string): string {
  const directory = join(WORKSPACE, name.replace(/\W/g, '-'));
  cpSync(join(FIXTURES, name), directory, { recursive: true, filter: (source) => !source.includes('node_modules') });
  const install = spawnSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: directory,
    encoding: 'utf8',
    timeout: 240_000,
  });
  assert.equal(install.status, 0, `npm install in ${name} failed:\n${install.stderr}`);
  return directory;
}

function run(directory: string, command: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(command, args, {
    cwd: directory,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, NODE_OPTIONS: '', CI: 'true', ...env },
  });
}

test('an ES module TypeScript project runs with --import memprof/register', { timeout: 300_000 }, () => {
  const project = installProject('esm/ts-project');
  const result = run(project, process.execPath, ['--import', 'memprof/register', 'main.ts']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^rows 200000 legacy 1000000 url true$/m);
  const tables = parseTables(result.stdout);
  const byFunction = new Map(tables.map((table) => [table.footer.split(':')[0], table]));
  // ES module TypeScript (./rows.js resolved to rows.ts), a decorated method, and CommonJS beside them.
  assert.deepEqual([...byFunction.keys()].sort(), ['Report.build', 'legacyTotal', 'makeRows']);
  const rows = byFunction.get('makeRows')!;
  assert.equal(rows.rows.find((row) => row.contents.includes('rows.push'))?.occurrences, 200001);
  assert.equal(rows.filename, join(project, 'rows.ts'));
  // The same project through the require hook alone: ES module syntax in .ts is compiled to CommonJS.
  const required = run(project, process.execPath, ['-r', 'memprof/register', 'main.ts']);
  assert.equal(required.status, 0, required.stderr);
  assert.equal(parseTables(required.stdout).length, 3);
});

test('a JavaScript ES module with the global profile', () => {
  const result = spawnSync(process.execPath, ['--import', join(ROOT, 'register/index.js'), join(FIXTURES, 'esm/seed.mjs')], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  const [table] = parseTables(result.stdout);
  const big = table.rows.find((row) => row.contents.includes('new Array(2e7)'));
  assert.ok(big && Math.abs((big.incrementMiB ?? 0) - 152.6) < 1.5, JSON.stringify(big));
});

/** `tsc --noEmit` in an installed project: its own tsconfig.json, or the one named. */
function typeCheck(directory: string, project = '.') {
  return run(directory, process.execPath, [join(directory, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', project]);
}

function assertTypeChecks(directory: string, project = '.'): void {
  const check = typeCheck(directory, project);
  assert.equal(check.status, 0, `tsc -p ${project} in ${directory}:\n${check.stdout}${check.stderr}`);
}

/** Jest's cache inside the project's temporary copy (by default it stays behind in /tmp/jest_*). */
function jestCache(project: string): string[] {
  return [`--cacheDirectory=${join(project, '.jest-cache')}`];
}

test('a Jest project: memprof/jest transformer and matchers', { timeout: 300_000 }, () => {
  const project = installProject('jest-project');
  assertTypeChecks(project);
  // The project allows memprof's install script (npm 11's allowScripts): the tarball builds its addon.
  assert.ok(existsSync(join(project, 'node_modules/memprof/build/Release/memprof.node')), 'the native addon was not built at install');
  const result = run(project, process.execPath, [join(project, 'node_modules/jest/bin/jest.js'), ...jestCache(project), '--ci', '--json', '--outputFile=result.json']);
  const report = JSON.parse(readFileSync(join(project, 'result.json'), 'utf8'));
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.equal(report.numPassedTests, 4);
  assert.equal(report.numFailedTests, 0);
  assert.doesNotMatch(result.stderr, /DeprecationWarning/);
});

test('a project made with `npx ts-jest config:init`: ts-jest wrapped by memprof/jest, lineReport and matchers', { timeout: 300_000 }, () => {
  const project = installProject('ts-jest-project');
  assertTypeChecks(project);
  const result = run(project, process.execPath, [join(project, 'node_modules/jest/bin/jest.js'), ...jestCache(project), '--ci', '--json', '--outputFile=result.json']);
  const report = JSON.parse(readFileSync(join(project, 'result.json'), 'utf8'));
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.equal(report.numPassedTests, 3);
  assert.equal(report.numFailedTests, 0);
  // ts-jest still type-checks the tests: a type error fails the suite, with ts-jest's own diagnostic.
  writeFileSync(join(project, 'src/typo.test.ts'), "test('typo', () => { const n: number = 'one'; expect(n).toBe(1); });\n");
  const typo = run(project, process.execPath, [join(project, 'node_modules/jest/bin/jest.js'), ...jestCache(project), '--ci', 'src/typo.test.ts']);
  assert.equal(typo.status, 1);
  assert.match(typo.stderr.replace(/\x1b\[[\d;]*m/g, ''), /TS2322: Type 'string' is not assignable to type 'number'/);
  rmSync(join(project, 'src/typo.test.ts'));

  // The matchers' types, for both of Jest's expects, under every module resolution TypeScript has.
  writeFileSync(join(project, 'src/jest-globals.check.ts'), "import { expect } from '@jest/globals';\nexpect(() => 1).toAllocateAtMost('1 MiB');\nexpect(() => 1).not.toRetainAtMost(1024);\n");
  writeFileSync(join(project, 'src/types-jest.check.ts'), "expect(() => 1).toAllocateAtMost('1 MiB');\nvoid expect(async () => 1).toRetainAtMost('2 MiB');\n");
  assertEveryResolution(project, ['node', 'jest', 'memprof/jest/setup'], ['src/jest-globals.check.ts', 'src/types-jest.check.ts']);
});

/** Type-checks `files` with `types`, under commonjs/node10, node16, nodenext and bundler resolution. */
function assertEveryResolution(project: string, types: string[], files: string[], skipLibCheck = false): void {
  const settings = [
    { module: 'commonjs', moduleResolution: 'node10' },
    { module: 'node16', moduleResolution: 'node16' },
    { module: 'nodenext', moduleResolution: 'nodenext' },
    { module: 'esnext', moduleResolution: 'bundler' },
  ];
  for (const { module, moduleResolution } of settings) {
    const config = `tsconfig.${moduleResolution}.json`;
    const compilerOptions = { target: 'ES2022', module, moduleResolution, strict: true, noEmit: true, types, skipLibCheck, ignoreDeprecations: '5.0' };
    writeFileSync(join(project, config), JSON.stringify({ compilerOptions, files }));
    assertTypeChecks(project, config);
  }
  // A check that fails is a check: without the setup types, the matchers are unknown.
  writeFileSync(join(project, 'tsconfig.without.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', strict: true, noEmit: true, types: types.filter((name) => !name.startsWith('memprof')) }, files }));
  assert.match(typeCheck(project, 'tsconfig.without.json').stdout, /TS2339: Property 'toAllocateAtMost' does not exist/);
}

test('a Vitest project: memprof/vitest plugin and matchers', { timeout: 300_000 }, () => {
  const project = installProject('vitest-project');
  assertTypeChecks(project);
  writeFileSync(join(project, 'src/vitest.check.ts'), "import { expect } from 'vitest';\nexpect(() => 1).toAllocateAtMost('1 MiB');\nvoid expect(async () => 1).toRetainAtMost(1024);\n");
  // Vite's own declarations import through package.json "imports", which node10 resolution does not
  // read: declaration files are not checked there (skipLibCheck, as `tsc --init` sets it); the check
  // file, which uses the matchers, still is.
  assertEveryResolution(project, ['node', 'memprof/vitest/setup'], ['src/vitest.check.ts'], true);
  const result = run(project, process.execPath, [join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', '--outputFile=result.json']);
  const report = JSON.parse(readFileSync(join(project, 'result.json'), 'utf8'));
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.equal(report.numPassedTests, 4);
  assert.equal(report.numFailedTests, 0);
});

test('memprof plot from the packed tarball: the HTML report with its stylesheet and its whole script', { timeout: 300_000 }, () => {
  const project = installProject('plot/project');
  copyFileSync(join(FIXTURES, 'plot', 'service.dat'), join(project, 'service.dat'));
  const result = run(project, NPX, ['--no', 'memprof', 'plot', '-o', 'service.html', 'service.dat']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, 'service.html\n');
  const html = readFileSync(join(project, 'service.html'), 'utf8');
  // The stylesheet is a source file (src/plot/assets/report.css) that tsc does not copy into dist/.
  const css = readFileSync(join(ROOT, 'src/plot/assets/report.css'), 'utf8').replace(/^\/\*[\s\S]*?\*\/\n/, '');
  assert.ok(html.includes(`<style>\n${css}</style>`), 'the page carries report.css');
  // The script bundles the renderer's parts from the installed package, and the chart is drawn.
  for (const module of ['client', 'render', 'svg/scales', 'svg/legend', 'svg/flame']) assert.ok(html.includes(`"${module}": function (exports, require, module)`), module);
  const chart = /<div id="chart">([\s\S]*?)<\/div>/.exec(html)![1];
  assert.equal(chart.match(/class="bracket-open"/g)?.length, 12, 'a bracket at each of the 12 calls');
});
