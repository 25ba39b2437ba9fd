// Start-up: `node -r <memprof>/register main.js` against plain `node main.js`, on a generated project
// of N CommonJS modules with no markers, and on the same project with one marked file, each with a
// cold transform cache (an empty MEMPROF_CACHE_DIR) and a warm one. Runs are interleaved round-robin
// so that a noisy neighbour slows every configuration alike; medians are reported.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchResult, childEnvironment, duration, median, num, ratio, REGISTER, run, runNode, temporaryDirectory } from './lib';

/** One module of the generated project: a class, some functions, data, two requires. No markers. */
function moduleSource(index: number): string {
  const id = String(index).padStart(3, '0');
  const requires =
    index === 0
      ? ''
      : `const { helper${index - 1} } = require('./mod${String(index - 1).padStart(3, '0')}.js');\n` +
        `const { format${index >> 1} } = require('./mod${String(index >> 1).padStart(3, '0')}.js');\n`;
  const uses = index === 0 ? '0' : `helper${index - 1}(input) ^ format${index >> 1}([input]).length`;
  return `'use strict';
// Module ${index} of a generated project: a little of everything a real module has.
const { EventEmitter } = require('node:events');
${requires}
const DEFAULTS_${index} = Object.freeze({ name: 'module-${id}', retries: 3, timeoutMs: ${index * 10 + 100}, tags: ['a', 'b', 'c'] });

class Store${index} extends EventEmitter {
  constructor(options = {}) {
    super();
    this.options = { ...DEFAULTS_${index}, ...options };
    this.items = new Map();
  }

  add(key, value) {
    this.items.set(key, value);
    this.emit('add', key);
    return this;
  }

  get size() {
    return this.items.size;
  }

  toJSON() {
    return { name: this.options.name, items: [...this.items.entries()] };
  }
}

function helper${index}(input) {
  let total = ${index};
  for (const char of String(input)) total = (total * 31 + char.charCodeAt(0)) >>> 0;
  return total ^ (${uses});
}

function format${index}(values) {
  return values.map((value, position) => \`\${position}:\${value}\`).join(',');
}

async function load${index}(source) {
  const text = await source();
  return JSON.parse(text);
}

module.exports = { Store${index}, helper${index}, format${index}, load${index}, DEFAULTS_${index} };
`;
}

/** The one marked function of the "marked" project, in mod000.js, called once from main.js. */
const MARKED_FUNCTION = `
/** @profile */
function buildIndex(count) {
  const index = new Map();
  for (let i = 0; i < count; i++) {
    index.set(\`key-\${i}\`, i);
  }
  return index.size;
}

module.exports.buildIndex = buildIndex;
`;

function mainSource(modules: number, marked: boolean): string {
  const lines = ["'use strict';", 'let checksum = 0;'];
  for (let index = 0; index < modules; index++) {
    const id = String(index).padStart(3, '0');
    lines.push(`checksum = (checksum + require('./lib/mod${id}.js').helper${index}('${id}')) >>> 0;`);
  }
  if (marked) lines.push("checksum += require('./lib/mod000.js').buildIndex(1000);");
  lines.push("console.log('checksum', checksum);");
  return lines.join('\n') + '\n';
}

export function generateProject(modules: number, marked: boolean): string {
  const root = temporaryDirectory(marked ? 'app-marked' : 'app');
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'generated-app', private: true, version: '1.0.0' }, null, 2));
  for (let index = 0; index < modules; index++) {
    const source = moduleSource(index) + (marked && index === 0 ? MARKED_FUNCTION : '');
    writeFileSync(join(root, 'lib', `mod${String(index).padStart(3, '0')}.js`), source);
  }
  writeFileSync(join(root, 'main.js'), mainSource(modules, marked));
  return root;
}

interface Configuration {
  name: string;
  project: 'unmarked' | 'marked' | 'empty';
  hook: boolean;
  cache?: 'cold' | 'warm';
}

const CONFIGURATIONS: Configuration[] = [
  { name: 'plain node, unmarked project', project: 'unmarked', hook: false },
  { name: 'memprof hook, unmarked project, cold cache', project: 'unmarked', hook: true, cache: 'cold' },
  { name: 'memprof hook, unmarked project, warm cache', project: 'unmarked', hook: true, cache: 'warm' },
  { name: 'plain node, one marked file', project: 'marked', hook: false },
  { name: 'memprof hook, one marked file, cold cache', project: 'marked', hook: true, cache: 'cold' },
  { name: 'memprof hook, one marked file, warm cache', project: 'marked', hook: true, cache: 'warm' },
  { name: 'plain node, empty script', project: 'empty', hook: false },
  { name: 'memprof hook, empty script', project: 'empty', hook: true, cache: 'warm' },
];

export interface StartupResult {
  modules: number;
  runs: number;
  /** Median wall time of each configuration, in ms, by name. */
  medianMs: Record<string, number>;
  allMs: Record<string, number[]>;
  unmarkedCold: number;
  unmarkedWarm: number;
  markedCold: number;
  markedWarm: number;
  /** The hook's fixed cost: empty script with the hook minus without, in ms. */
  emptyAddedMs: number;
  /** Time to require memprof/register, measured inside the process (median), in ms. */
  registerLoadMs: number;
}

/** `require('<repo>/register')` timed inside a fresh process: what the hook adds before any file loads. */
function registerLoadTime(cacheDir: string): number {
  const script =
    `const start = process.hrtime.bigint(); require(${JSON.stringify(REGISTER)}); ` +
    `console.log('BENCH ' + JSON.stringify({ ms: Number(process.hrtime.bigint() - start) / 1e6 }));`;
  const child = run(process.execPath, ['-e', script], { env: childEnvironment({ MEMPROF_CACHE_DIR: cacheDir }) });
  return benchResult<{ ms: number }>(child, 'loading memprof/register').ms;
}

export function runStartup(modules: number, runs: number, log: (line: string) => void): StartupResult {
  const projects = {
    unmarked: generateProject(modules, false),
    marked: generateProject(modules, true),
    empty: temporaryDirectory('empty'),
  };
  writeFileSync(join(projects.empty, 'main.js'), '');
  const warmCaches = new Map<Configuration, string>();
  const timings = new Map<Configuration, number[]>(CONFIGURATIONS.map((configuration) => [configuration, []]));

  const once = (configuration: Configuration): number => {
    const cacheDir =
      configuration.cache === 'warm'
        ? (warmCaches.get(configuration) ?? warmCaches.set(configuration, temporaryDirectory('cache-warm')).get(configuration)!)
        : temporaryDirectory('cache-cold');
    const root = projects[configuration.project];
    const child = runNode(join(root, 'main.js'), {
      hook: configuration.hook,
      cwd: root,
      env: { MEMPROF_CACHE_DIR: cacheDir, MEMPROF_OUTPUT: '/dev/null' },
    });
    if (child.status !== 0 || (configuration.project !== 'empty' && !child.stdout.startsWith('checksum'))) {
      throw new Error(`start-up run "${configuration.name}" failed (exit ${child.status}):\n${child.stdout}\n${child.stderr}`);
    }
    return child.wallMs;
  };

  // One untimed round: fills the OS file cache, and the warm transform caches.
  for (const configuration of CONFIGURATIONS) once(configuration);
  const registerLoads: number[] = [];
  for (let round = 0; round < runs; round++) {
    for (const configuration of CONFIGURATIONS) timings.get(configuration)!.push(once(configuration));
    registerLoads.push(registerLoadTime(temporaryDirectory('cache-load')));
  }

  const medianMs: Record<string, number> = {};
  const allMs: Record<string, number[]> = {};
  for (const [configuration, values] of timings) {
    medianMs[configuration.name] = median(values);
    allMs[configuration.name] = values;
  }
  const m = (index: number) => medianMs[CONFIGURATIONS[index].name];
  const result: StartupResult = {
    modules,
    runs,
    medianMs,
    allMs,
    unmarkedCold: m(1) / m(0),
    unmarkedWarm: m(2) / m(0),
    markedCold: m(4) / m(3),
    markedWarm: m(5) / m(3),
    emptyAddedMs: m(7) - m(6),
    registerLoadMs: median(registerLoads),
  };
  for (const line of describeStartup(result)) log(line);
  return result;
}

export function describeStartup(result: StartupResult): string[] {
  const lines = [
    `start-up: generated project of ${num(result.modules)} CommonJS modules, wall time from spawn to exit, ` +
      `median of ${result.runs} interleaved runs`,
  ];
  for (const [name, ms] of Object.entries(result.medianMs)) lines.push(`  ${name.padEnd(44)} ${duration(ms * 1e6).padStart(9)}`);
  lines.push(
    `  unmarked project: hook / plain ${ratio(result.unmarkedWarm)} (warm cache), ${ratio(result.unmarkedCold)} (cold cache)`,
    `  one marked file:  hook / plain ${ratio(result.markedWarm)} (warm cache), ${ratio(result.markedCold)} (cold cache)`,
    `  the hook's fixed cost (empty script): +${duration(result.emptyAddedMs * 1e6)}; ` +
      `require('memprof/register') inside the process: ${duration(result.registerLoadMs * 1e6)}`,
  );
  return lines;
}
